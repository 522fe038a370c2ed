/*
 * access_auth: the first admin (once; no default password), logins (right,
 * wrong and unknown names get the same words), throttling and lock-out,
 * sessions (absolute and idle expiry, logout, revoked and garbage tokens),
 * password changes and rehashing at a new cost, users (one role unless
 * multi-role is on, the last admin), settings, and separation-of-duties
 * exceptions with their uses. Each step's audit_log event (action, outcome)
 * is checked, and that a token never reaches the store (only its hash).
 *
 * The clocks are explicit: T0 is 2022-07-01 12:00 UTC (CYFX_NOW). Most tests
 * use a bare store with one bootstrap admin "root" (multi-role off, the
 * minimum hashing cost); the exception-use tests use the cycle fixture for
 * a claim.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "cycle_fixture.h"
#include "cycle_fixture_claims.h"
#include "rcm/auth.h"
#include "../../lib/cycle/cycle_internal.h"

#define T0 CYFX_NOW
#define PW CYFX_PASSWORD
#define PW2 "a brand new passphrase"
#define WRONG "not the password at all"
#define MSG_WRONG "wrong user name or password"

typedef struct ax {
    char dir[256], db[300];
    rcm_store *st;
    rcm_cycle *root;        /* the bootstrap admin, its session opened at T0 */
    rcm_error err;
    char text[512];         /* q_text's result */
} ax;

static ax a;

/* A store with no user yet. */
static void ax_store(ax *x)
{
    memset(x, 0, sizeof(*x));
    const char *t = getenv("TMPDIR");
    snprintf(x->dir, sizeof(x->dir), "%s/rcm-access-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(x->dir));
    snprintf(x->db, sizeof(x->db), "%s/access.db", x->dir);
    cr_assert_eq(rcm_store_open(&x->st, x->db, RCM_STORE_CREATE, &x->err), 0, "%s", x->err.msg);
}

static int login(ax *x, const char *name, const char *pw, int64_t now, char tok[RCM_TOKEN_LEN + 1])
{
    memset(&x->err, 0, sizeof(x->err));
    return rcm_auth_login(x->st, name, pw, "test", now, tok, &x->err);
}

/* Opens a handle on tok at wall (asserts it opens); the caller frees it. */
static rcm_cycle *open_at(ax *x, const char *tok, int64_t wall)
{
    rcm_cycle *cy = NULL;
    cr_assert_eq(rcm_cycle_open(&cy, x->st, tok, "test", wall, &x->err), 0, "open: %s", x->err.msg);
    return cy;
}

/* Tries to open a handle; returns the rc (the handle, if any, is freed). */
static int try_open(ax *x, const char *tok, int64_t wall)
{
    rcm_cycle *cy = (rcm_cycle *)&x;   /* not NULL: rcm_cycle_open must set it */
    memset(&x->err, 0, sizeof(x->err));
    int rc = rcm_cycle_open(&cy, x->st, tok, "test", wall, &x->err);
    if (rc < 0)
        cr_assert_null(cy, "a refused open leaves no handle");
    rcm_cycle_free(cy);
    return rc;
}

/* Logs in and opens a handle at now (asserts both). */
static rcm_cycle *login_open(ax *x, const char *name, const char *pw, int64_t now)
{
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(x, name, pw, now, tok), 0, "login %s: %s", name, x->err.msg);
    return open_at(x, tok, now);
}

/* The bare store with the bootstrap admin "root" logged in at T0. */
static void ax_open(ax *x)
{
    ax_store(x);
    cr_assert_eq(rcm_auth_bootstrap(x->st, "root", PW, "minimum", T0, &x->err), 0, "%s", x->err.msg);
    x->root = login_open(x, "root", PW, T0);
}

static void ax_close(ax *x)
{
    rcm_cycle_free(x->root);
    rcm_store_close(x->st);
    if (x->dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->dir);
        cr_assert_eq(system(cmd), 0);
    }
    memset(x, 0, sizeof(*x));
}

static void teardown(void) { ax_close(&a); }

TestSuite(access_auth, .fini = teardown);

/* ---- queries ---- */

/* The integer of a query built with sqlite3_mprintf's %Q (a quoted string or NULL) and %lld. */
static int64_t q_int(rcm_store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(store_db(st)));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s", sql);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_free(sql);
    return v;
}

/* The text of a query (first row, first column; "" when no row), in x->text. */
static const char *q_text(ax *x, rcm_store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    x->text[0] = '\0';
    if (sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(x->text, sizeof(x->text), "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    sqlite3_free(sql);
    return x->text;
}

/* Events with this action and outcome, by user (NULL: anyone). */
static int64_t events(rcm_store *st, const char *action, const char *outcome, const char *user)
{
    return q_int(st,
                 "SELECT count(*) FROM audit_log WHERE action = %Q AND outcome = %Q AND (%Q IS NULL OR user_name = %Q)",
                 action, outcome, user, user);
}

/* The detail of the newest event with this action. */
static const char *last_detail(ax *x, rcm_store *st, const char *action)
{
    return q_text(x, st, "SELECT detail FROM audit_log WHERE action = %Q ORDER BY seq DESC LIMIT 1", action);
}

static int64_t user_col(rcm_store *st, const char *name, const char *col)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT %s FROM app_user WHERE name = %%Q", col);
    return q_int(st, sql, name);
}

static void add_user(ax *x, const char *name, unsigned roles)
{
    cr_assert_eq(rcm_user_add(x->root, name, roles, PW, &x->err), 0, "add %s: %s", name, x->err.msg);
}

static void set(ax *x, const char *key, const char *value)
{
    cr_assert_eq(rcm_setting_set(x->root, key, value, &x->err), 0, "%s=%s: %s", key, value, x->err.msg);
}

static rcm_date day_of(const char *iso)
{
    rcm_date d;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c(iso)), 0);
    return d;
}

/* ---- roles ---- */

Test(access_auth, roles_parse_and_format)
{
    static const struct {
        const char *s;
        int rc;
        unsigned mask;
    } cases[] = {
        { "coder", 0, 1 },          { "biller", 0, 2 },         { "auditor", 0, 4 },
        { "admin", 0, 8 },          { "coder,biller", 0, 3 },   { "admin,auditor,biller,coder", 0, 15 },
        { "coder,coder", 0, 1 },    { "", RCM_EINVAL, 0 },      { "boss", RCM_EINVAL, 0 },
        { "coder,", RCM_EINVAL, 0 }, { ",coder", RCM_EINVAL, 0 }, { "coder,,biller", RCM_EINVAL, 0 },
        { "Coder", RCM_EINVAL, 0 }, { "coder biller", RCM_EINVAL, 0 }, { NULL, RCM_EINVAL, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        unsigned m = 99;
        rcm_error err = { 0 };
        cr_assert_eq(rcm_roles_parse(cases[i].s, &m, &err), cases[i].rc, "'%s': %s", cases[i].s ? cases[i].s : "NULL",
                     err.msg);
        if (cases[i].rc == 0)
            cr_assert_eq(m, cases[i].mask, "'%s'", cases[i].s);
    }
    static const struct {
        unsigned mask;
        const char *s;
    } fmt[] = { { 0, "none" }, { 1, "coder" }, { 5, "coder,auditor" }, { 10, "biller,admin" },
                { 15, "coder,biller,auditor,admin" } };
    for (size_t i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++) {
        char out[40];
        rcm_roles_format(fmt[i].mask, out, sizeof(out));
        cr_assert_str_eq(out, fmt[i].s);
    }
    char small[8];
    rcm_roles_format(15, small, sizeof(small));
    cr_assert_lt(strlen(small), sizeof(small));
}

/* ---- the first admin ---- */

Test(access_auth, bootstrap_only_once)
{
    ax_store(&a);
    char tok[RCM_TOKEN_LEN + 1];
    /* no users: nobody logs in, with the usual words */
    cr_assert_eq(login(&a, "root", PW, T0, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_str_eq(tok, "");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'failed'"
                             " AND user_id = 0 AND user_name = 'root'"),
                 1);

    cr_assert_eq(rcm_auth_bootstrap(a.st, "root", PW, "minimum", T0, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user"), 1);
    cr_assert_eq(user_col(a.st, "root", "roles"), RCM_ROLE_ADMIN);
    cr_assert_str_eq(q_text(&a, a.st, "SELECT status FROM app_user"), "active");
    cr_assert_str_eq(q_text(&a, a.st, "SELECT created_by FROM app_user"), "root");
    /* the password is kept only as its Argon2id hash */
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user WHERE pw_hash LIKE '$argon2id$%%'"), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user WHERE instr(pw_hash, %Q) > 0", PW), 0);
    cr_assert_str_eq(q_text(&a, a.st, "SELECT value FROM setting WHERE key = 'password-hash'"), "minimum");
    cr_assert_eq(events(a.st, "bootstrap", "ok", "root"), 1);
    cr_assert_str_eq(last_detail(&a, a.st, "bootstrap"), "first admin; roles admin; password-hash minimum");

    /* never again: EEXIST, nothing added, the attempt logged */
    cr_assert_eq(rcm_auth_bootstrap(a.st, "other", PW, "minimum", T0 + 1, &a.err), RCM_EEXIST);
    cr_assert_eq(rcm_auth_bootstrap(a.st, "root", PW2, NULL, T0 + 2, &a.err), RCM_EEXIST);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user"), 1);
    cr_assert_eq(events(a.st, "bootstrap", "denied", "other"), 1);
    cr_assert_eq(events(a.st, "bootstrap", "denied", "root"), 1);
    cr_assert_eq(events(a.st, "bootstrap", "ok", NULL), 1);
    a.root = login_open(&a, "root", PW, T0 + 3);
    cr_assert_eq(rcm_cycle_roles(a.root), RCM_ROLE_ADMIN);
    cr_assert_str_eq(rcm_cycle_user(a.root), "root");
}

Test(access_auth, bootstrap_refuses_bad_names_passwords_costs)
{
    ax_store(&a);
    char long_name[65], pw1025[1026], pw11[12];
    memset(long_name, 'a', 64);
    long_name[64] = '\0';
    memset(pw1025, 'p', 1025);
    pw1025[1025] = '\0';
    memset(pw11, 'p', 11);
    pw11[11] = '\0';
    static const char *const bad_names[] = { "", "two words", "semi;colon", "a/b", "quote'", "tab\t" };
    for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++)
        cr_assert_eq(rcm_auth_bootstrap(a.st, bad_names[i], PW, "minimum", T0, &a.err), RCM_EINVAL, "'%s'",
                     bad_names[i]);
    cr_assert_eq(rcm_auth_bootstrap(a.st, NULL, PW, "minimum", T0, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_auth_bootstrap(a.st, long_name, PW, "minimum", T0, &a.err), RCM_EINVAL);
    const char *bad_pw[] = { NULL, "", pw11, pw1025 };
    for (size_t i = 0; i < sizeof(bad_pw) / sizeof(bad_pw[0]); i++) {
        cr_assert_eq(rcm_auth_bootstrap(a.st, "root", bad_pw[i], "minimum", T0, &a.err), RCM_EINVAL, "password %zu", i);
        cr_assert(strstr(a.err.msg, "12 to 1024"), "%s", a.err.msg);
    }
    cr_assert_eq(rcm_auth_bootstrap(a.st, "root", PW, "fast", T0, &a.err), RCM_EINVAL);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user"), 0);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM setting"), 0);
    /* the limits themselves are fine: 63 characters of the allowed ones, a 12-byte password */
    char name63[64];
    memset(name63, 'x', 63);
    memcpy(name63, "a.b_c-d@e", 9);
    name63[63] = '\0';
    cr_assert_eq(rcm_auth_bootstrap(a.st, name63, "twelve bytes", "minimum", T0, &a.err), 0, "%s", a.err.msg);
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, name63, "twelve bytes", T0, tok), 0, "%s", a.err.msg);
}

/* ---- logins ---- */

Test(access_auth, login_right_wrong_unknown)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1], m1[256], m2[256];
    cr_assert_eq(login(&a, "clerk", WRONG, T0 + 10, tok), RCM_EDENIED);
    snprintf(m1, sizeof(m1), "%s", a.err.msg);
    cr_assert_eq(login(&a, "nobody", PW, T0 + 10, tok), RCM_EDENIED);
    snprintf(m2, sizeof(m2), "%s", a.err.msg);
    cr_assert_str_eq(m1, MSG_WRONG);
    cr_assert_str_eq(m2, m1, "an unknown name gets the same words as a wrong password");
    cr_assert_eq(login(&a, "not a name!", PW, T0 + 10, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_eq(login(&a, NULL, NULL, T0 + 10, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);

    int64_t clerk = user_col(a.st, "clerk", "user_id");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'failed'"
                             " AND user_id = %lld AND user_name = 'clerk' AND detail = 'wrong password; failed 1 in a row'",
                       (long long)clerk),
                 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'failed'"
                             " AND user_id = 0 AND user_name = 'nobody' AND detail = 'unknown user'"),
                 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND user_id = 0"
                             " AND user_name = '(not a user name)'"),
                 2);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 1);

    /* the right password after the 1 s delay */
    cr_assert_eq(login(&a, "clerk", PW, T0 + 11, tok), 0, "%s", a.err.msg);
    cr_assert_eq(strlen(tok), RCM_TOKEN_LEN);
    cr_assert_eq(strspn(tok, "0123456789abcdef"), RCM_TOKEN_LEN);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0);
    cr_assert_eq(user_col(a.st, "clerk", "last_login"), T0 + 11);
    cr_assert_eq(events(a.st, "login", "ok", "clerk"), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM session WHERE user_id = %lld AND created_at = %lld"
                             " AND last_used = %lld AND expires_at = %lld AND revoked_at IS NULL",
                       (long long)clerk, (long long)(T0 + 11), (long long)(T0 + 11), (long long)(T0 + 11 + 480 * 60)),
                 1);
    rcm_cycle *cy = open_at(&a, tok, T0 + 12);
    cr_assert_str_eq(rcm_cycle_user(cy), "clerk");
    cr_assert_eq(rcm_cycle_user_id(cy), clerk);
    cr_assert_eq(rcm_cycle_roles(cy), RCM_ROLE_BILLER);
    cr_assert_eq(rcm_cycle_now(cy), T0 + 12);
    rcm_cycle_free(cy);
    /* two logins, two different tokens */
    char tok2[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0 + 13, tok2), 0);
    cr_assert_str_neq(tok, tok2);
}

/* Whether the bytes of s appear anywhere in the file at path (a missing file holds nothing). */
static int file_holds(const char *path, const char *s)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return 0;
    size_t cap = 1 << 20, n = 0, k = strlen(s);
    char *buf = malloc(cap);
    cr_assert_not_null(buf);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, fp)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
    }
    fclose(fp);
    int found = 0;
    for (size_t i = 0; i + k <= n && !found; i++)
        found = memcmp(buf + i, s, k) == 0;
    free(buf);
    return found;
}

Test(access_auth, token_never_stored)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1], tok2[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(login(&a, "clerk", PW, T0, tok2), 0);
    rcm_cycle *cy = open_at(&a, tok, T0 + 5);
    rcm_user_info *u = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_user_list(cy, &u, &n, &a.err), RCM_EDENIED);   /* a denial event from this session */
    rcm_cycle_free(cy);
    cr_assert_eq(rcm_auth_logout(a.st, tok, T0 + 6, &a.err), 0);
    cr_assert_eq(try_open(&a, tok, T0 + 7), RCM_EDENIED);            /* a session-denied event */

    /* the session table holds the BLAKE2b-256 of the token */
    unsigned char dig[32];
    char hex[65];
    crypto_generichash(dig, sizeof(dig), (const unsigned char *)tok, strlen(tok), NULL, 0);
    sodium_bin2hex(hex, sizeof(hex), dig, sizeof(dig));
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM session WHERE token_hash = %Q", hex), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM session WHERE token_hash = %Q", tok), 0);
    /* events name the session by a prefix of its hash, never by the token */
    char head[17];
    snprintf(head, sizeof(head), "%.16s", hex);
    cr_assert_geq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE instr(detail, %Q) > 0 OR instr(origin, %Q) > 0",
                        head, head),
                  3);
    for (int i = 0; i + 16 <= RCM_TOKEN_LEN; i += 8) {
        char piece[17];
        snprintf(piece, sizeof(piece), "%.16s", tok + i);
        cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE instr(detail, %Q) > 0 OR instr(origin, %Q) > 0"
                                 " OR instr(user_name, %Q) > 0",
                           piece, piece, piece),
                     0);
    }
    /* and no byte of the store's files holds either token or a 16-digit piece of one */
    rcm_cycle_free(a.root);
    a.root = NULL;
    rcm_store_close(a.st);
    a.st = NULL;
    char wal[320];
    snprintf(wal, sizeof(wal), "%s-wal", a.db);
    const char *toks[] = { tok, tok2 };
    for (size_t t = 0; t < 2; t++)
        for (int i = 0; i + 16 <= RCM_TOKEN_LEN; i += 16) {
            char piece[17];
            snprintf(piece, sizeof(piece), "%.16s", toks[t] + i);
            cr_assert(!file_holds(a.db, piece) && !file_holds(wal, piece), "token %zu piece %d is in the store", t, i);
        }
}

Test(access_auth, throttle_attempt_during_delay_counts)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    set(&a, "lockout-failures", "20");
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", WRONG, T0, tok), RCM_EDENIED);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 1);
    cr_assert_eq(user_col(a.st, "clerk", "next_try"), T0 + 1);
    /* the right password during the delay is not checked and counts as a failure */
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "too many failed logins: try again in 1 s");
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 2);
    cr_assert_eq(user_col(a.st, "clerk", "next_try"), T0 + 2);
    cr_assert_str_eq(last_detail(&a, a.st, "login-failed"), "attempt during the delay; failed 2 in a row");
    cr_assert_eq(login(&a, "clerk", PW, T0 + 1, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "too many failed logins: try again in 1 s");
    cr_assert_eq(user_col(a.st, "clerk", "next_try"), T0 + 1 + 4);
    cr_assert_eq(events(a.st, "login-failed", "failed", "clerk"), 3);
    cr_assert_eq(events(a.st, "login", "ok", "clerk"), 0);
    cr_assert_eq(login(&a, "clerk", PW, T0 + 5, tok), 0, "%s", a.err.msg);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0);
    cr_assert_eq(user_col(a.st, "clerk", "next_try"), 0);
    cr_assert_eq(events(a.st, "login", "ok", "clerk"), 1);

    /* the delay doubles from 1 s and stops at 60 s */
    static const int64_t delays[] = { 1, 2, 4, 8, 16, 32, 60, 60, 60 };
    int64_t t = T0 + 100;
    for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
        cr_assert_eq(login(&a, "clerk", WRONG, t, tok), RCM_EDENIED);
        cr_assert_str_eq(a.err.msg, MSG_WRONG);
        int64_t next = user_col(a.st, "clerk", "next_try");
        cr_assert_eq(next - t, delays[i], "failure %zu", i + 1);
        t = next;
    }
    cr_assert_eq(user_col(a.st, "clerk", "locked_until"), 0);
}

/* Fails clerk's login n times, each at the end of the delay before it; returns the time of the last. */
static int64_t fail_logins(ax *x, const char *name, int n, int64_t t)
{
    char tok[RCM_TOKEN_LEN + 1];
    for (int i = 0; i < n; i++) {
        int64_t next = user_col(x->st, name, "next_try");
        if (next > t)
            t = next;
        cr_assert_eq(login(x, name, WRONG, t, tok), RCM_EDENIED);
    }
    return t;
}

Test(access_auth, lockout_after_failures_ends_after_minutes)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    set(&a, "lockout-failures", "3");
    set(&a, "lockout-minutes", "10");
    char tok0[RCM_TOKEN_LEN + 1], tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0 - 100, tok0), 0);
    int64_t t = fail_logins(&a, "clerk", 2, T0);
    cr_assert_eq(user_col(a.st, "clerk", "locked_until"), 0);
    cr_assert_eq(events(a.st, "lockout", "denied", NULL), 0);
    t = fail_logins(&a, "clerk", 1, t);
    cr_assert_eq(t, T0 + 3);
    cr_assert_eq(user_col(a.st, "clerk", "locked_until"), T0 + 3 + 600);
    cr_assert_eq(events(a.st, "lockout", "denied", "clerk"), 1);
    cr_assert_str_eq(last_detail(&a, a.st, "lockout"), "locked for 10 minutes after 3 failed logins");

    /* locked: the right password is refused (not counted), and so is a session opened before */
    cr_assert_eq(login(&a, "clerk", PW, T0 + 100, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "user 'clerk' is locked until 2022-07-01 12:10 UTC after repeated failed logins");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'denied'"
                             " AND user_name = 'clerk' AND detail = 'locked out'"),
                 1);
    cr_assert_eq(try_open(&a, tok0, T0 + 100), RCM_EDENIED);
    cr_assert(strstr(a.err.msg, "user locked out"), "%s", a.err.msg);
    cr_assert_eq(events(a.st, "session-denied", "denied", "clerk"), 1);
    cr_assert_eq(login(&a, "clerk", PW, T0 + 602, tok), RCM_EDENIED);

    /* the lock ends by itself */
    cr_assert_eq(login(&a, "clerk", PW, T0 + 603, tok), 0, "%s", a.err.msg);
    cr_assert_eq(user_col(a.st, "clerk", "locked_until"), 0);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0);
    cr_assert_eq(events(a.st, "login", "ok", "clerk"), 2);
}

Test(access_auth, admin_enable_clears_lockout)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    set(&a, "lockout-failures", "3");
    fail_logins(&a, "clerk", 3, T0);
    cr_assert_gt(user_col(a.st, "clerk", "locked_until"), T0);

    rcm_user_info *u = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(u[0].name, "clerk");
    cr_assert_str_eq(u[0].status, "locked");
    cr_assert_eq(u[0].locked_until, T0 + 3 + 15 * 60);
    free(u);

    cr_assert_eq(rcm_user_set_status(a.root, "clerk", "active", &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(user_col(a.st, "clerk", "locked_until"), 0);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0);
    cr_assert_eq(user_col(a.st, "clerk", "next_try"), 0);
    cr_assert_eq(events(a.st, "user-status", "ok", "root"), 1);
    cr_assert_str_eq(last_detail(&a, a.st, "user-status"), "status active (locked) -> active");
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0 + 4, tok), 0, "%s", a.err.msg);
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0);
    cr_assert_str_eq(u[0].status, "active");
    cr_assert_eq(u[0].locked_until, 0);
    cr_assert_eq(u[0].last_login, T0 + 4);
    free(u);
}

Test(access_auth, disabled_user_refused_sessions_ended)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1], tok2[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(try_open(&a, tok, T0 + 1), 0);

    cr_assert_eq(rcm_user_set_status(a.root, "clerk", "gone", &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_user_set_status(a.root, "nobody", "disabled", &a.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_user_set_status(a.root, "clerk", "disabled", &a.err), 0, "%s", a.err.msg);
    cr_assert_str_eq(last_detail(&a, a.st, "user-status"), "status active -> disabled; sessions ended");
    cr_assert_eq(events(a.st, "user-status", "ok", "root"), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM session s JOIN app_user u USING (user_id)"
                             " WHERE u.name = 'clerk' AND s.revoked_at IS NULL"),
                 0);
    cr_assert_eq(try_open(&a, tok, T0 + 2), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "not logged in (session ended): run 'rcm login'");
    cr_assert_eq(events(a.st, "session-denied", "denied", "clerk"), 1);
    cr_assert_eq(login(&a, "clerk", PW, T0 + 3, tok2), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "user 'clerk' is disabled: an admin can enable it");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'denied'"
                             " AND user_name = 'clerk' AND detail = 'user disabled'"),
                 1);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0, "a disabled user's attempts are not failures");

    cr_assert_eq(rcm_user_set_status(a.root, "clerk", "active", &a.err), 0);
    cr_assert_str_eq(last_detail(&a, a.st, "user-status"), "status disabled -> active");
    cr_assert_eq(login(&a, "clerk", PW, T0 + 4, tok2), 0, "%s", a.err.msg);
    cr_assert_eq(try_open(&a, tok, T0 + 5), RCM_EDENIED, "an ended session stays ended");
    cr_assert_eq(try_open(&a, tok2, T0 + 5), 0);
}

/* ---- sessions ---- */

Test(access_auth, session_absolute_expiry)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    set(&a, "session-minutes", "60");
    set(&a, "idle-minutes", "45");
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(q_int(a.st, "SELECT expires_at FROM session"
                             " WHERE user_id = (SELECT user_id FROM app_user WHERE name = 'clerk')"),
                 T0 + 3600);
    cr_assert_eq(try_open(&a, tok, T0 + 40 * 60), 0, "%s", a.err.msg);
    cr_assert_eq(try_open(&a, tok, T0 + 3599), 0, "%s", a.err.msg);
    cr_assert_eq(events(a.st, "session-denied", "denied", NULL), 0);
    cr_assert_eq(try_open(&a, tok, T0 + 3600), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "not logged in (session expired): run 'rcm login'");
    cr_assert_eq(events(a.st, "session-denied", "denied", "clerk"), 1);
    cr_assert(strncmp(last_detail(&a, a.st, "session-denied"), "session expired; session ", 25) == 0, "%s", a.text);
    /* a longer setting later does not revive it */
    set(&a, "session-minutes", "600");
    cr_assert_eq(try_open(&a, tok, T0 + 3601), RCM_EDENIED);
    /* logout of an expired session: nothing to end */
    cr_assert_eq(rcm_auth_logout(a.st, tok, T0 + 3602, &a.err), RCM_ENOTFOUND);
}

Test(access_auth, session_idle_expiry_and_refresh)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    const char *last_used = "SELECT last_used FROM session WHERE user_id = (SELECT user_id FROM app_user"
                            " WHERE name = 'clerk')";
    /* exactly 30 idle minutes (the default) is still live; opening refreshes last_used */
    cr_assert_eq(try_open(&a, tok, T0 + 1800), 0, "%s", a.err.msg);
    cr_assert_eq(q_int(a.st, last_used), T0 + 1800);
    cr_assert_eq(try_open(&a, tok, T0 + 3600), 0, "%s", a.err.msg);
    cr_assert_eq(q_int(a.st, last_used), T0 + 3600);
    /* an earlier clock does not move it back */
    cr_assert_eq(try_open(&a, tok, T0 + 3000), 0);
    cr_assert_eq(q_int(a.st, last_used), T0 + 3600);
    cr_assert_eq(try_open(&a, tok, T0 + 3600 + 1801), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "not logged in (session idle too long): run 'rcm login'");
    cr_assert_eq(events(a.st, "session-denied", "denied", "clerk"), 1);
    cr_assert(strncmp(last_detail(&a, a.st, "session-denied"), "session idle too long; session ", 31) == 0, "%s",
              a.text);
    cr_assert_eq(q_int(a.st, last_used), T0 + 3600, "a refused open does not refresh");
    /* the setting counts from the next open */
    set(&a, "idle-minutes", "120");
    cr_assert_eq(try_open(&a, tok, T0 + 3600 + 1801), 0, "%s", a.err.msg);
}

Test(access_auth, logout_ends_one_session)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1], tok2[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(login(&a, "clerk", PW, T0, tok2), 0);
    cr_assert_eq(rcm_auth_logout(a.st, tok, T0 + 10, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(events(a.st, "logout", "ok", "clerk"), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM session WHERE revoked_at = %lld", (long long)(T0 + 10)), 1);
    cr_assert_eq(try_open(&a, tok, T0 + 11), RCM_EDENIED);
    cr_assert(strstr(a.err.msg, "session ended"), "%s", a.err.msg);
    cr_assert_eq(try_open(&a, tok2, T0 + 11), 0, "the other session lives on");
    cr_assert_eq(rcm_auth_logout(a.st, tok, T0 + 12, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_auth_logout(a.st, "garbage", T0 + 12, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_auth_logout(a.st, NULL, T0 + 12, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(events(a.st, "logout", "ok", NULL), 1);
}

Test(access_auth, garbage_tokens_refused)
{
    ax_open(&a);
    char hex63[64], hex65[66], g64[65], upper[65], unknown[65];
    memset(hex63, 'a', 63);
    hex63[63] = '\0';
    memset(hex65, 'a', 65);
    hex65[65] = '\0';
    memset(g64, 'g', 64);
    g64[64] = '\0';
    memset(upper, 'A', 64);
    upper[64] = '\0';
    memset(unknown, '7', 64);
    unknown[64] = '\0';
    const char *bad[] = { NULL, "", "abc", hex63, hex65, g64, upper };
    int64_t before = events(a.st, "session-denied", "denied", NULL);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cr_assert_eq(try_open(&a, bad[i], T0), RCM_EDENIED, "token %zu", i);
        cr_assert_str_eq(a.err.msg, "not logged in: run 'rcm login' (or set RCM_TOKEN)");
    }
    cr_assert_eq(try_open(&a, unknown, T0), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "not logged in (unknown session): run 'rcm login'");
    cr_assert_eq(events(a.st, "session-denied", "denied", NULL) - before, 8);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'session-denied'"
                             " AND detail = 'not a session token' AND user_id = 0"),
                 7);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'session-denied'"
                             " AND detail LIKE 'unknown session; session %%'"),
                 1);
}

/* ---- passwords ---- */

Test(access_auth, password_change_ends_sessions)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    char tok[RCM_TOKEN_LEN + 1], tok2[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(login(&a, "clerk", PW, T0, tok2), 0);
    char old_hash[200];
    snprintf(old_hash, sizeof(old_hash), "%s", q_text(&a, a.st, "SELECT pw_hash FROM app_user WHERE name = 'clerk'"));
    cr_assert_eq(rcm_auth_change_password(a.st, "clerk", PW, PW2, T0 + 5, &a.err), 0, "%s", a.err.msg);
    cr_assert_str_neq(q_text(&a, a.st, "SELECT pw_hash FROM app_user WHERE name = 'clerk'"), old_hash);
    cr_assert_eq(events(a.st, "password", "ok", "clerk"), 1);
    cr_assert_str_eq(last_detail(&a, a.st, "password"), "own password changed; sessions ended");
    cr_assert_eq(try_open(&a, tok, T0 + 6), RCM_EDENIED);
    cr_assert_eq(try_open(&a, tok2, T0 + 6), RCM_EDENIED);
    cr_assert_eq(login(&a, "clerk", PW, T0 + 6, tok), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_eq(login(&a, "clerk", PW2, T0 + 7, tok), 0, "%s", a.err.msg);
    cr_assert_eq(try_open(&a, tok, T0 + 8), 0);
}

Test(access_auth, password_change_refusals)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    add_user(&a, "gone", RCM_ROLE_CODER);
    cr_assert_eq(rcm_user_set_status(a.root, "gone", "disabled", &a.err), 0);
    char hash[200];
    snprintf(hash, sizeof(hash), "%s", q_text(&a, a.st, "SELECT pw_hash FROM app_user WHERE name = 'clerk'"));
    /* a new password out of bounds: nothing is checked or counted */
    cr_assert_eq(rcm_auth_change_password(a.st, "clerk", PW, "short", T0, &a.err), RCM_EINVAL);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 0);
    /* the wrong old password counts as a failed login */
    cr_assert_eq(rcm_auth_change_password(a.st, "clerk", WRONG, PW2, T0, &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 1);
    cr_assert_str_eq(last_detail(&a, a.st, "login-failed"), "wrong password (password change); failed 1 in a row");
    /* during the delay even the right one is refused (and counted) */
    cr_assert_eq(rcm_auth_change_password(a.st, "clerk", PW, PW2, T0, &a.err), RCM_EDENIED);
    cr_assert_eq(user_col(a.st, "clerk", "failed"), 2);
    /* unknown and disabled users: the same words, an event each */
    cr_assert_eq(rcm_auth_change_password(a.st, "nobody", PW, PW2, T0, &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'failed'"
                             " AND user_name = 'nobody' AND detail = 'password change: unknown user'"),
                 1);
    cr_assert_eq(rcm_auth_change_password(a.st, "gone", PW, PW2, T0, &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, MSG_WRONG);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'login-failed' AND outcome = 'denied'"
                             " AND user_name = 'gone' AND detail = 'password change: user disabled'"),
                 1);
    cr_assert_str_eq(q_text(&a, a.st, "SELECT pw_hash FROM app_user WHERE name = 'clerk'"), hash);
    cr_assert_eq(events(a.st, "password", "ok", NULL), 0);
}

Test(access_auth, rehash_when_cost_changes)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    const char *q = "SELECT pw_hash FROM app_user WHERE name = 'clerk'";
    char before[200];
    snprintf(before, sizeof(before), "%s", q_text(&a, a.st, q));
    cr_assert(strncmp(before, "$argon2id$v=19$m=8,t=1,p=1$", 27) == 0, "minimum cost: %s", before);
    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_str_eq(q_text(&a, a.st, q), before, "same cost: no rehash");
    cr_assert(!strstr(last_detail(&a, a.st, "login"), "rehashed"), "%s", a.text);

    set(&a, "password-hash", "interactive");
    cr_assert_str_eq(last_detail(&a, a.st, "setting"), "setting password-hash: minimum -> interactive");
    cr_assert_eq(login(&a, "clerk", PW, T0 + 1, tok), 0, "%s", a.err.msg);
    char after[200];
    snprintf(after, sizeof(after), "%s", q_text(&a, a.st, q));
    cr_assert(strncmp(after, "$argon2id$v=19$m=65536,t=2,p=1$", 31) == 0, "interactive cost: %s", after);
    cr_assert(strstr(last_detail(&a, a.st, "login"), "; password rehashed"), "%s", a.text);
    /* the next login finds the hash at the store's cost */
    cr_assert_eq(login(&a, "clerk", PW, T0 + 2, tok), 0, "%s", a.err.msg);
    cr_assert_str_eq(q_text(&a, a.st, q), after);
    cr_assert(!strstr(last_detail(&a, a.st, "login"), "rehashed"), "%s", a.text);
    /* a wrong password never rehashes */
    set(&a, "password-hash", "minimum");
    cr_assert_eq(login(&a, "clerk", WRONG, T0 + 3, tok), RCM_EDENIED);
    cr_assert_str_eq(q_text(&a, a.st, q), after);
}

/* ---- users ---- */

Test(access_auth, one_role_unless_multi_role)
{
    ax_open(&a);
    rcm_settings cfg;
    cr_assert_eq(rcm_settings_get(a.st, &cfg, &a.err), 0);
    cr_assert_eq(cfg.multi_role, 0);
    cr_assert_eq(rcm_user_add(a.root, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, PW, &a.err), RCM_EDENIED);
    cr_assert(strstr(a.err.msg, "one role unless"), "%s", a.err.msg);
    cr_assert_eq(rcm_user_add(a.root, "ad", RCM_ROLE_ADMIN | RCM_ROLE_CODER, PW, &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_add(a.root, "none", 0, PW, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_user_add(a.root, "odd", 16, PW, &a.err), RCM_EINVAL);
    add_user(&a, "c1", RCM_ROLE_CODER);
    cr_assert_eq(rcm_user_set_roles(a.root, "c1", RCM_ROLE_CODER | RCM_ROLE_BILLER, &a.err), RCM_EDENIED);
    cr_assert_eq(user_col(a.st, "c1", "roles"), RCM_ROLE_CODER);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user"), 2);
    cr_assert_eq(events(a.st, "user-add", "ok", NULL), 1);
    cr_assert_eq(events(a.st, "user-roles", "ok", NULL), 0);
    /* the refusals are events too */
    cr_assert_eq(events(a.st, "user-add", "denied", "root"), 2);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'user-add' AND outcome = 'denied'"
                             " AND detail = 'user cb: roles coder,biller refused: one role unless multi-role is on'"),
                 1);
    cr_assert_eq(events(a.st, "user-roles", "denied", "root"), 1);

    set(&a, "multi-role", "on");
    cr_assert_str_eq(last_detail(&a, a.st, "setting"), "setting multi-role: (default) -> on");
    add_user(&a, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER);
    cr_assert_eq(rcm_user_set_roles(a.root, "c1", RCM_ROLE_CODER | RCM_ROLE_AUDITOR, &a.err), 0, "%s", a.err.msg);
    cr_assert_str_eq(last_detail(&a, a.st, "user-roles"), "roles coder -> coder,auditor");
    /* turning it off while users hold several roles would break the rule */
    cr_assert_eq(rcm_setting_set(a.root, "multi-role", "off", &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "multi-role off: 2 users ('c1' and others) hold several roles: give each one role first");
    cr_assert_eq(rcm_settings_get(a.st, &cfg, &a.err), 0);
    cr_assert_eq(cfg.multi_role, 1);
    cr_assert_eq(events(a.st, "setting", "denied", "root"), 1);
    cr_assert_str_eq(q_text(&a, a.st, "SELECT detail FROM audit_log WHERE action = 'setting' AND outcome = 'denied'"),
                     "setting multi-role: on -> off refused: 2 active users hold several roles");
    cr_assert_eq(rcm_user_set_roles(a.root, "c1", RCM_ROLE_CODER, &a.err), 0);
    cr_assert_eq(rcm_user_set_roles(a.root, "cb", RCM_ROLE_BILLER, &a.err), 0);
    set(&a, "multi-role", "off");
    cr_assert_str_eq(last_detail(&a, a.st, "setting"), "setting multi-role: on -> off");
    cr_assert_eq(rcm_user_set_roles(a.root, "nobody", RCM_ROLE_CODER, &a.err), RCM_ENOTFOUND);
    /* a role change counts from the next handle */
    rcm_cycle *cy = login_open(&a, "c1", PW, T0 + 1);
    cr_assert_eq(rcm_cycle_roles(cy), RCM_ROLE_CODER);
    cr_assert_eq(rcm_user_set_roles(a.root, "c1", RCM_ROLE_AUDITOR, &a.err), 0);
    cr_assert_eq(rcm_cycle_roles(cy), RCM_ROLE_CODER);
    rcm_cycle_free(cy);
    cy = login_open(&a, "c1", PW, T0 + 2);
    cr_assert_eq(rcm_cycle_roles(cy), RCM_ROLE_AUDITOR);
    rcm_cycle_free(cy);
}

Test(access_auth, last_admin_kept)
{
    ax_open(&a);
    cr_assert_eq(rcm_user_set_status(a.root, "root", "disabled", &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "'root' is the last active admin");
    cr_assert_eq(rcm_user_set_roles(a.root, "root", RCM_ROLE_CODER, &a.err), RCM_EDENIED);
    cr_assert_eq(user_col(a.st, "root", "roles"), RCM_ROLE_ADMIN);
    cr_assert_str_eq(q_text(&a, a.st, "SELECT status FROM app_user WHERE name = 'root'"), "active");
    /* refused, not silently: an event each, nothing changed */
    cr_assert_str_eq(q_text(&a, a.st, "SELECT detail FROM audit_log WHERE action = 'user-status' AND outcome = 'denied'"
                                      " AND user_name = 'root' AND entity = 'app_user' AND entity_id = 1"),
                     "status active -> disabled refused: the last active admin");
    cr_assert_str_eq(q_text(&a, a.st, "SELECT detail FROM audit_log WHERE action = 'user-roles' AND outcome = 'denied'"),
                     "roles admin -> coder refused: the last active admin");
    cr_assert_eq(events(a.st, "user-status", "ok", NULL), 0);
    cr_assert_eq(events(a.st, "user-roles", "ok", NULL), 0);

    add_user(&a, "boss", RCM_ROLE_ADMIN);
    rcm_cycle *boss = login_open(&a, "boss", PW, T0 + 1);
    /* a disabled admin does not count */
    cr_assert_eq(rcm_user_set_status(boss, "root", "disabled", &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(rcm_user_set_status(boss, "boss", "disabled", &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_set_roles(boss, "boss", RCM_ROLE_AUDITOR, &a.err), RCM_EDENIED);
    /* taking admin from a disabled one is fine: boss stays */
    cr_assert_eq(rcm_user_set_roles(boss, "root", RCM_ROLE_AUDITOR, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(rcm_user_set_roles(boss, "root", RCM_ROLE_ADMIN, &a.err), 0);
    cr_assert_eq(rcm_user_set_status(boss, "root", "active", &a.err), 0);
    cr_assert_eq(rcm_user_set_roles(boss, "boss", RCM_ROLE_AUDITOR, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user WHERE status = 'active' AND (roles & 8) <> 0"), 1);
    rcm_cycle_free(boss);
}

Test(access_auth, user_admin_changes_and_events)
{
    ax_open(&a);
    add_user(&a, "clerk", RCM_ROLE_BILLER);
    int64_t clerk = user_col(a.st, "clerk", "user_id");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'user-add' AND outcome = 'ok'"
                             " AND user_name = 'root' AND entity = 'app_user' AND entity_id = %lld"
                             " AND detail = 'user clerk added; roles biller'",
                       (long long)clerk),
                 1);
    cr_assert_eq(rcm_user_add(a.root, "clerk", RCM_ROLE_CODER, PW, &a.err), RCM_EEXIST);
    cr_assert_str_eq(a.err.msg, "user 'clerk' exists");
    cr_assert_eq(rcm_user_add(a.root, "Clerk", RCM_ROLE_CODER, PW, &a.err), RCM_EEXIST, "names ignore case");
    cr_assert_str_eq(a.err.msg, "user 'Clerk': 'clerk' exists (names are compared ignoring case)");
    cr_assert_eq(rcm_user_add(a.root, "ROOT", RCM_ROLE_ADMIN, PW, &a.err), RCM_EEXIST);
    cr_assert_eq(rcm_user_add(a.root, "bad name", RCM_ROLE_CODER, PW, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_user_add(a.root, "shorty", RCM_ROLE_CODER, "short", &a.err), RCM_EINVAL);
    cr_assert_eq(events(a.st, "user-add", "ok", NULL), 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM app_user WHERE name = 'clerk' AND created_by = 'root'"
                             " AND created_at = %lld AND status = 'active' AND failed = 0",
                       (long long)T0),
                 1);

    char tok[RCM_TOKEN_LEN + 1];
    cr_assert_eq(login(&a, "clerk", PW, T0, tok), 0);
    cr_assert_eq(rcm_user_reset_password(a.root, "clerk", PW2, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'user-password' AND outcome = 'ok'"
                             " AND entity_id = %lld AND detail = 'password reset by an admin; sessions ended'",
                       (long long)clerk),
                 1);
    cr_assert_eq(try_open(&a, tok, T0 + 1), RCM_EDENIED);
    cr_assert_eq(login(&a, "clerk", PW2, T0 + 1, tok), 0, "%s", a.err.msg);
    cr_assert_eq(rcm_user_reset_password(a.root, "nobody", PW2, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_user_reset_password(a.root, "clerk", "short", &a.err), RCM_EINVAL);
    cr_assert_eq(events(a.st, "user-password", "ok", NULL), 1);

    rcm_user_info *u = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(u[0].name, "clerk");
    cr_assert_eq(u[0].roles, RCM_ROLE_BILLER);
    cr_assert_str_eq(u[0].status, "active");
    cr_assert_str_eq(u[0].created_by, "root");
    cr_assert_eq(u[0].last_login, T0 + 1);
    cr_assert_eq(u[0].sod_exception, 0);
    cr_assert_str_eq(u[1].name, "root");
    cr_assert_eq(u[1].roles, RCM_ROLE_ADMIN);
    free(u);
    /* a biller manages nobody, and the refusal is an event */
    rcm_cycle *cy = open_at(&a, tok, T0 + 2);
    cr_assert_eq(rcm_user_add(cy, "x1", RCM_ROLE_CODER, PW, &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_add(cy, "bad name", RCM_ROLE_CODER, PW, &a.err), RCM_EDENIED,
                 "the permission is checked before the arguments");
    cr_assert_eq(rcm_user_set_status(cy, "root", "disabled", &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_reset_password(cy, "root", PW2, &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_set_roles(cy, "clerk", RCM_ROLE_ADMIN, &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_user_list(cy, &u, &n, &a.err), RCM_EDENIED);
    cr_assert_null(u);
    cr_assert_eq(events(a.st, "denied", "denied", "clerk"), 6);
    cr_assert_str_eq(last_detail(&a, a.st, "denied"), "permission users.read (needs auditor,admin)");
    rcm_cycle_free(cy);
}

/* ---- settings ---- */

Test(access_auth, settings_defaults)
{
    ax_store(&a);
    rcm_settings s;
    cr_assert_eq(rcm_settings_get(a.st, &s, &a.err), 0);
    cr_assert_eq(s.multi_role, 0);
    cr_assert_eq(s.writeoff_approval_cents, 10000);
    cr_assert_eq(s.session_minutes, 480);
    cr_assert_eq(s.idle_minutes, 30);
    cr_assert_eq(s.lockout_failures, 5);
    cr_assert_eq(s.lockout_minutes, 15);
    cr_assert_str_eq(s.password_hash, "interactive");
    cr_assert_eq(s.em_min_visits, 20);
}

Test(access_auth, settings_validated_before_after_in_event)
{
    ax_open(&a);
    static const struct {
        const char *key, *value;
        const char *detail;     /* NULL: refused with RCM_EINVAL */
    } cases[] = {
        { "idle-minutes", "45", "setting idle-minutes: (default) -> 45" },
        { "idle-minutes", "50", "setting idle-minutes: 45 -> 50" },
        { "idle-minutes", "0", NULL },
        { "idle-minutes", "-5", NULL },
        { "idle-minutes", "1000001", NULL },
        { "idle-minutes", "ten", NULL },
        { "idle-minutes", "", NULL },
        { "idle-minutes", NULL, NULL },
        { "idle-minutes", "5 ", NULL },
        { "idle-minutes", "99999999999999999999", NULL },
        { "session-minutes", "600", "setting session-minutes: (default) -> 600" },
        { "lockout-failures", "3", "setting lockout-failures: (default) -> 3" },
        { "lockout-minutes", "1", "setting lockout-minutes: (default) -> 1" },
        { "em-min-visits", "30", "setting em-min-visits: (default) -> 30" },
        { "em-min-visits", "1000000", "setting em-min-visits: 30 -> 1000000" },
        { "writeoff-approval", "250.00", "setting writeoff-approval: (default) -> 250.00" },
        { "writeoff-approval", "75", "setting writeoff-approval: 250.00 -> 75.00" },
        { "writeoff-approval", "-1.00", NULL },
        { "writeoff-approval", "abc", NULL },
        { "writeoff-approval", "1.234", NULL },
        { "multi-role", "on", "setting multi-role: (default) -> on" },
        { "multi-role", "yes", NULL },
        { "multi-role", "ON", NULL },
        { "password-hash", "fast", NULL },
        { "password-hash", "moderate", "setting password-hash: minimum -> moderate" },
        { "colour", "blue", NULL },
        { "", "1", NULL },
        { NULL, "1", NULL },
    };
    int64_t ok = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int rc = rcm_setting_set(a.root, cases[i].key, cases[i].value, &a.err);
        if (!cases[i].detail) {
            cr_assert_eq(rc, RCM_EINVAL, "case %zu %s=%s", i, cases[i].key ? cases[i].key : "NULL",
                         cases[i].value ? cases[i].value : "NULL");
            continue;
        }
        cr_assert_eq(rc, 0, "case %zu: %s", i, a.err.msg);
        ok++;
        cr_assert_str_eq(last_detail(&a, a.st, "setting"), cases[i].detail, "case %zu", i);
        cr_assert_eq(events(a.st, "setting", "ok", "root"), ok, "case %zu", i);
    }
    rcm_settings s;
    cr_assert_eq(rcm_settings_get(a.st, &s, &a.err), 0);
    cr_assert_eq(s.idle_minutes, 50);
    cr_assert_eq(s.session_minutes, 600);
    cr_assert_eq(s.lockout_failures, 3);
    cr_assert_eq(s.lockout_minutes, 1);
    cr_assert_eq(s.em_min_visits, 1000000);
    cr_assert_eq(s.writeoff_approval_cents, 7500);
    cr_assert_eq(s.multi_role, 1);
    cr_assert_str_eq(s.password_hash, "moderate");
    cr_assert_str_eq(q_text(&a, a.st, "SELECT changed_by FROM setting WHERE key = 'idle-minutes'"), "root");
}

Test(access_auth, settings_only_by_admin)
{
    ax_open(&a);
    add_user(&a, "aud", RCM_ROLE_AUDITOR);
    rcm_cycle *cy = login_open(&a, "aud", PW, T0 + 1);
    cr_assert_eq(rcm_setting_set(cy, "idle-minutes", "600", &a.err), RCM_EDENIED);
    cr_assert_str_eq(a.err.msg, "user 'aud' (auditor) may not change settings: needs the admin role");
    cr_assert_eq(rcm_setting_set(cy, "no-such-key", "1", &a.err), RCM_EDENIED, "permission first");
    cr_assert_eq(events(a.st, "denied", "denied", "aud"), 2);
    cr_assert_str_eq(last_detail(&a, a.st, "denied"), "permission settings (needs admin)");
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM setting WHERE key = 'idle-minutes'"), 0);
    rcm_cycle_free(cy);
}

/* ---- separation-of-duties exceptions ---- */

Test(access_auth, sod_exception_grant_revoke_list_expiry)
{
    ax_open(&a);
    add_user(&a, "c1", RCM_ROLE_CODER);
    rcm_date today = day_of(CYFX_TODAY);
    cr_assert_eq(rcm_cycle_today(a.root), today);
    int64_t id = 0;
    cr_assert_eq(rcm_sod_grant(a.root, "c1", "too short", RCM_DATE_NONE, &id, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_sod_grant(a.root, "c1", NULL, RCM_DATE_NONE, &id, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_sod_grant(a.root, "c1", "two-person practice", today - 1, &id, &a.err), RCM_EINVAL);
    cr_assert_eq(rcm_sod_grant(a.root, "nobody", "two-person practice", RCM_DATE_NONE, &id, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM sod_exception"), 0);
    cr_assert_eq(rcm_sod_grant(a.root, "c1", "two-person practice, approved by the owner", today + 10, &id, &a.err), 0,
                 "%s", a.err.msg);
    cr_assert_eq(id, 1);
    cr_assert_eq(q_int(a.st, "SELECT count(*) FROM audit_log WHERE action = 'sod-grant' AND outcome = 'ok'"
                             " AND entity = 'sod_exception' AND entity_id = 1 AND user_name = 'root'"),
                 1);
    cr_assert_str_eq(last_detail(&a, a.st, "sod-grant"),
                     "exception 1 for c1; expires 2022-07-11; reason: two-person practice, approved by the owner");
    cr_assert_eq(rcm_sod_grant(a.root, "c1", "until the new hire starts", RCM_DATE_NONE, &id, &a.err), 0);
    cr_assert_eq(id, 2);
    cr_assert_str_eq(last_detail(&a, a.st, "sod-grant"),
                     "exception 2 for c1; expires none; reason: until the new hire starts");

    rcm_sod_exception *x = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_sod_list(a.root, &x, &n, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(x[0].exception_id, 1);
    cr_assert_str_eq(x[0].user, "c1");
    cr_assert_eq(x[0].expires, today + 10);
    cr_assert_str_eq(x[0].granted_by, "root");
    cr_assert_eq(x[0].granted_at, T0);
    cr_assert_eq(x[0].revoked_at, 0);
    cr_assert_eq(x[0].uses, 0);
    cr_assert_eq(x[1].expires, RCM_DATE_NONE);
    free(x);

    cr_assert_eq(rcm_sod_revoke(a.root, 1, &a.err), 0, "%s", a.err.msg);
    cr_assert_str_eq(last_detail(&a, a.st, "sod-revoke"), "exception 1 for c1: live -> revoked");
    cr_assert_eq(events(a.st, "sod-revoke", "ok", "root"), 1);
    cr_assert_eq(rcm_sod_revoke(a.root, 1, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_sod_revoke(a.root, 99, &a.err), RCM_ENOTFOUND);
    cr_assert_eq(events(a.st, "sod-revoke", "ok", NULL), 1);
    cr_assert_eq(rcm_sod_list(a.root, &x, &n, &a.err), 0);
    cr_assert_eq(x[0].revoked_at, T0);
    cr_assert_eq(x[1].revoked_at, 0);
    free(x);

    /* the users list shows who holds a live one, on the business date */
    rcm_user_info *u = NULL;
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0);
    cr_assert_str_eq(u[0].name, "c1");
    cr_assert_eq(u[0].sod_exception, 1);
    free(u);
    cr_assert_eq(rcm_sod_revoke(a.root, 2, &a.err), 0);
    cr_assert_eq(rcm_sod_grant(a.root, "c1", "covering for a week only", today, &id, &a.err), 0);
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0);
    cr_assert_eq(u[0].sod_exception, 1, "live through its last day");
    free(u);
    rcm_cycle_set_today(a.root, today + 1);
    cr_assert_eq(rcm_user_list(a.root, &u, &n, &a.err), 0);
    cr_assert_eq(u[0].sod_exception, 0, "expired the day after");
    free(u);

    /* an auditor lists them; nobody but an admin grants */
    add_user(&a, "aud", RCM_ROLE_AUDITOR);
    rcm_cycle *cy = login_open(&a, "aud", PW, T0 + 1);
    cr_assert_eq(rcm_sod_list(cy, &x, &n, &a.err), 0, "%s", a.err.msg);
    cr_assert_eq(n, 3);
    free(x);
    cr_assert_eq(rcm_sod_grant(cy, "c1", "an auditor tries this", RCM_DATE_NONE, &id, &a.err), RCM_EDENIED);
    cr_assert_eq(rcm_sod_revoke(cy, 3, &a.err), RCM_EDENIED);
    cr_assert_eq(events(a.st, "denied", "denied", "aud"), 2);
    rcm_cycle_free(cy);
}

/* The uses of the fixture's exception held by tester, from rcm_sod_list. */
static int64_t uses_of(cyfx *f, int64_t exception_id)
{
    rcm_sod_exception *x = NULL;
    size_t n = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_sod_list(f->admin, &x, &n, &err), 0, "%s", err.msg);
    int64_t u = -1;
    for (size_t i = 0; i < n; i++)
        if (x[i].exception_id == exception_id)
            u = x[i].uses;
    free(x);
    cr_assert_geq(u, 0, "no exception %lld", (long long)exception_id);
    return u;
}

Test(access_auth, sod_exception_uses_counted)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t claim = cyfx_claim_of(&f, "ENC-1");
    cr_assert_str_eq(cyfx_text(&f, "SELECT coded_by FROM claim WHERE claim_id = (SELECT min(claim_id) FROM claim)"),
                     CYFX_USER);
    int64_t xid = cyfx_int(&f, "SELECT exception_id FROM sod_exception WHERE user_id ="
                               " (SELECT user_id FROM app_user WHERE name = 'tester')");
    int64_t base = uses_of(&f, xid);
    rcm_error err = { 0 };
    /* the coder submitting, posting, writing off their own claim: each use is an event */
    cr_assert_eq(cycle_sod(f.cy, claim, "submit", &err), 0, "%s", err.msg);
    cr_assert_eq(cycle_sod(f.cy, claim, "post", &err), 0, "%s", err.msg);
    cr_assert_eq(uses_of(&f, xid), base + 2);
    char sql[300];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND outcome = 'ok' AND user_name = 'tester'"
             " AND entity = 'claim' AND entity_id = %lld AND claim_id = %lld AND patient_id > 0"
             " AND detail LIKE 'exception %lld used: post of claim C%% coded by the same user'",
             (long long)claim, (long long)claim, (long long)xid);
    cr_assert_eq(cyfx_int(&f, sql), 1);

    /* people who did not code it need no exception, and use none */
    rcm_cycle *b1 = cyfx_user(&f, "b1", RCM_ROLE_BILLER, 0);
    rcm_cycle *cb = cyfx_user(&f, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, 0);
    int64_t events_before = cyfx_int(&f, "SELECT count(*) FROM audit_log");
    cr_assert_eq(cycle_sod(b1, claim, "submit", &err), 0);
    cr_assert_eq(cycle_sod(cb, claim, "writeoff", &err), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log"), events_before);

    /* revoked: refused, and the denial waits for the caller's rollback */
    cr_assert_eq(rcm_sod_revoke(f.admin, xid, &err), 0, "%s", err.msg);
    cr_assert_eq(cycle_sod(f.cy, claim, "writeoff", &err), RCM_EDENIED);
    cr_assert(strstr(err.msg, "may not write off it: separation of duties"), "%s", err.msg);
    int64_t denied = cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND user_name = 'tester'");
    cycle_flush_denial(f.cy);
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM audit_log WHERE action = 'denied' AND outcome = 'denied' AND user_name = 'tester'"
             " AND entity = 'claim' AND claim_id = %lld AND detail LIKE 'separation of duties: writeoff of claim C%%'",
             (long long)claim);
    cr_assert_eq(cyfx_int(&f, sql), 1);
    cycle_flush_denial(f.cy);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND user_name = 'tester'"),
                 denied + 1, "flushed once");
    cr_assert_eq(uses_of(&f, xid), base + 2);

    /* a new exception to the end of today: used today, refused tomorrow */
    int64_t x2 = 0;
    rcm_date today = rcm_cycle_today(f.cy);
    cr_assert_eq(rcm_sod_grant(f.admin, CYFX_USER, "covering the front desk today", today, &x2, &err), 0, "%s",
                 err.msg);
    cr_assert_eq(cycle_sod(f.cy, claim, "submit", &err), 0, "%s", err.msg);
    cr_assert_eq(uses_of(&f, x2), 1);
    cr_assert_eq(uses_of(&f, xid), base + 2, "each exception counts its own uses");
    rcm_cycle_set_today(f.cy, today + 1);
    cr_assert_eq(cycle_sod(f.cy, claim, "submit", &err), RCM_EDENIED);
    cycle_flush_denial(f.cy);
    cr_assert_eq(uses_of(&f, x2), 1);
    cyfx_close(&f);
}
