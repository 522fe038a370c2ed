/*
 * Authentication: roles, settings, the bootstrap admin, logins with
 * throttling and lock-out, sessions, and opening a cycle handle from a
 * session token (include/rcm/auth.h, include/rcm/cycle.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "access_internal.h"
#include "../audit/chain.h"
#include "../util/banned.h"

static const char *const role_names[] = { "coder", "biller", "auditor", "admin" };

int rcm_roles_parse(const char *s, unsigned *mask, rcm_error *err)
{
    *mask = 0;
    if (!s || !*s)
        return rcm_error_set(err, RCM_EINVAL, "no role given: coder, biller, auditor or admin");
    const char *p = s;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        unsigned bit = 0;
        for (unsigned i = 0; i < 4; i++)
            if (strlen(role_names[i]) == n && strncmp(p, role_names[i], n) == 0)
                bit = 1u << i;
        if (!bit)
            return rcm_error_set(err, RCM_EINVAL, "unknown role '%.*s': coder, biller, auditor or admin",
                                 (int)(n > 40 ? 40 : n), p);
        *mask |= bit;
        p += n;
        if (*p == ',' && !*++p)
            return rcm_error_set(err, RCM_EINVAL, "unknown role '': coder, biller, auditor or admin");
    }
    return 0;
}

void rcm_roles_format(unsigned mask, char *out, size_t outsz)
{
    size_t o = 0;
    if (outsz)
        out[0] = '\0';
    for (unsigned i = 0; i < 4; i++) {
        if (!(mask & (1u << i)))
            continue;
        int w = snprintf(out + o, outsz > o ? outsz - o : 0, "%s%s", o ? "," : "", role_names[i]);
        if (w > 0)
            o += (size_t)w;
        if (o >= outsz)
            return;
    }
    if (o == 0)
        snprintf(out, outsz, "none");
}

int access_name_ok(const char *u)
{
    size_t n = u ? strlen(u) : 0;
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-' || c == '@'))
            return 0;
    }
    return 1;
}

int access_password_ok(const char *pw, rcm_error *err)
{
    size_t n = pw ? strlen(pw) : 0;
    if (n < RCM_PASSWORD_MIN || n > RCM_PASSWORD_MAX)
        return rcm_error_set(err, RCM_EINVAL, "a password is %d to %d characters", RCM_PASSWORD_MIN,
                             RCM_PASSWORD_MAX);
    return 0;
}

static const struct {
    const char *name;
    unsigned long long ops;
    size_t mem;
} costs[] = {
    { "interactive", crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE },
    { "moderate", crypto_pwhash_OPSLIMIT_MODERATE, crypto_pwhash_MEMLIMIT_MODERATE },
    { "sensitive", crypto_pwhash_OPSLIMIT_SENSITIVE, crypto_pwhash_MEMLIMIT_SENSITIVE },
    { "minimum", crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN },
};

int access_cost_ok(const char *cost)
{
    for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
        if (cost && strcmp(cost, costs[i].name) == 0)
            return 1;
    return 0;
}

static size_t cost_index(const char *cost)
{
    for (size_t i = 0; i < sizeof(costs) / sizeof(costs[0]); i++)
        if (cost && strcmp(cost, costs[i].name) == 0)
            return i;
    return 0;
}

int access_hash(const char *pw, const char *cost, char out[128], rcm_error *err)
{
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    size_t i = cost_index(cost);
    if (crypto_pwhash_str_alg(out, pw, strlen(pw), costs[i].ops, costs[i].mem, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return rcm_error_set(err, RCM_ENOMEM, "hashing the password: out of memory");
    return 0;
}

/* ---- settings ---- */

static void settings_default(rcm_settings *s)
{
    memset(s, 0, sizeof(*s));
    s->multi_role = 0;
    s->writeoff_approval_cents = 10000;
    s->session_minutes = 480;
    s->idle_minutes = 30;
    s->lockout_failures = 5;
    s->lockout_minutes = 15;
    snprintf(s->password_hash, sizeof(s->password_hash), "interactive");
    s->em_min_visits = 20;
}

/* Applies one stored key=value to s (unknown keys and bad values are left at their default). */
static void settings_apply(rcm_settings *s, const char *k, const char *v)
{
    char *end = NULL;
    errno = 0;
    if (strcmp(k, "multi-role") == 0) {
        s->multi_role = strcmp(v, "on") == 0;
    } else if (strcmp(k, "password-hash") == 0) {
        if (access_cost_ok(v))
            snprintf(s->password_hash, sizeof(s->password_hash), "%s", v);
    } else if (strcmp(k, "writeoff-approval") == 0) {
        long long c = strtoll(v, &end, 10);
        if (!errno && end && !*end && c >= 0)
            s->writeoff_approval_cents = c;
    } else {
        long n = strtol(v, &end, 10);
        if (errno || !end || *end || n < 1 || n > 1000000)
            return;
        if (strcmp(k, "session-minutes") == 0)
            s->session_minutes = (int)n;
        else if (strcmp(k, "idle-minutes") == 0)
            s->idle_minutes = (int)n;
        else if (strcmp(k, "lockout-failures") == 0)
            s->lockout_failures = (int)n;
        else if (strcmp(k, "lockout-minutes") == 0)
            s->lockout_minutes = (int)n;
        else if (strcmp(k, "em-min-visits") == 0)
            s->em_min_visits = (int)n;
    }
}

int rcm_settings_get(rcm_store *st, rcm_settings *out, rcm_error *err)
{
    settings_default(out);
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s, "SELECT key, value FROM setting", err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        settings_apply(out, (const char *)sqlite3_column_text(s, 0), (const char *)sqlite3_column_text(s, 1));
    if (step != SQLITE_DONE)
        rc = store_sqlerr(st, err, "reading the settings");
    sqlite3_finalize(s);
    return rc;
}

/* ---- users' rows and events ---- */

static void col_copy(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(dst, n, "%s", t ? (const char *)t : "");
}

/* A user's row by name (name non-NULL) or by id. */
static int user_row(rcm_store *st, const char *name, int64_t id, access_user *u, rcm_error *err)
{
    memset(u, 0, sizeof(*u));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s,
                           name ? "SELECT user_id, name, roles, status, failed, next_try, locked_until, pw_hash"
                                  " FROM app_user WHERE name = ?"
                                : "SELECT user_id, name, roles, status, failed, next_try, locked_until, pw_hash"
                                  " FROM app_user WHERE user_id = ?",
                           err);
    if (rc < 0)
        return rc;
    if (name)
        sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    else
        sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        u->user_id = sqlite3_column_int64(s, 0);
        col_copy(u->name, sizeof(u->name), s, 1);
        u->roles = (unsigned)sqlite3_column_int64(s, 2);
        col_copy(u->status, sizeof(u->status), s, 3);
        u->failed = sqlite3_column_int(s, 4);
        u->next_try = sqlite3_column_int64(s, 5);
        u->locked_until = sqlite3_column_int64(s, 6);
        col_copy(u->pw_hash, sizeof(u->pw_hash), s, 7);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(st, err, "reading a user");
    }
    sqlite3_finalize(s);
    return rc;
}

int access_user_get(rcm_store *st, const char *name, access_user *u, rcm_error *err)
{
    return user_row(st, name, 0, u, err);
}

int access_audit(rcm_store *st, int64_t now, const access_user *u, const char *name_tried, const char *origin,
                 const char *action, const char *outcome, const char *detail, rcm_error *err)
{
    char roles[40] = "";
    if (u && u->user_id)
        rcm_roles_format(u->roles, roles, sizeof(roles));
    audit_row r = { .at = now, .user_id = u ? u->user_id : 0,
                    .user = u && u->user_id ? u->name : name_tried, .roles = roles, .origin = origin,
                    .action = action, .outcome = outcome, .entity = u && u->user_id ? "app_user" : "",
                    .entity_id = u ? u->user_id : 0, .detail = detail };
    return audit_append(st, NULL, &r, NULL, err);
}

int access_end_sessions(rcm_store *st, int64_t user_id, int64_t now, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s, "UPDATE session SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_int64(s, 2, user_id);
    rc = store_step_done(st, s, "ending sessions", err);
    sqlite3_finalize(s);
    return rc;
}

/* ---- bootstrap ---- */

int rcm_auth_user_count(rcm_store *st, int64_t *n, rcm_error *err)
{
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s, "SELECT COUNT(*) FROM app_user", err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *n = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(st, err, "counting users");
    sqlite3_finalize(s);
    return rc;
}

int rcm_auth_bootstrap(rcm_store *st, const char *admin, const char *password, const char *cost, int64_t now,
                       rcm_error *err)
{
    if (!access_name_ok(admin))
        return rcm_error_set(err, RCM_EINVAL, "user name '%s': 1 to 63 letters, digits or ._-@",
                             admin ? admin : "");
    int rc = access_password_ok(password, err);
    if (rc < 0)
        return rc;
    if (!cost)
        cost = "interactive";
    if (!access_cost_ok(cost))
        return rcm_error_set(err, RCM_EINVAL, "password-hash '%s': interactive, moderate, sensitive or minimum", cost);
    char hash[128];
    if ((rc = access_hash(password, cost, hash, err)) < 0)
        return rc;
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    int64_t n = 0;
    sqlite3_stmt *s = NULL;
    if ((rc = rcm_auth_user_count(st, &n, err)) < 0)
        goto fail;
    if (n > 0) {
        rcm_store_rollback(st);
        rcm_error ignored = { 0 };
        (void)access_audit(st, now, NULL, admin, "bootstrap", "bootstrap", "denied", "the store already has users",
                           &ignored);
        return rcm_error_set(err, RCM_EEXIST, "the store already has users: an admin adds more with 'rcm user add'");
    }
    if ((rc = store_prepare(st, &s,
                            "INSERT INTO app_user (user_id, name, roles, pw_hash, status, failed, next_try,"
                            " locked_until, created_at, created_by) VALUES (1, ?, ?, ?, 'active', 0, 0, 0, ?, ?)",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, admin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, RCM_ROLE_ADMIN);
    sqlite3_bind_text(s, 3, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_text(s, 5, admin, -1, SQLITE_STATIC);
    if ((rc = store_step_done(st, s, "adding the first admin", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = store_prepare(st, &s,
                            "INSERT INTO setting (key, value, changed_at, changed_by) VALUES ('password-hash', ?, ?, ?)",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, cost, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, now);
    sqlite3_bind_text(s, 3, admin, -1, SQLITE_STATIC);
    if ((rc = store_step_done(st, s, "recording the password-hash setting", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    access_user u = { .user_id = 1, .roles = RCM_ROLE_ADMIN };
    snprintf(u.name, sizeof(u.name), "%s", admin);
    char detail[96];
    snprintf(detail, sizeof(detail), "first admin; roles admin; password-hash %s", cost);
    if ((rc = access_audit(st, now, &u, admin, "bootstrap", "bootstrap", "ok", detail, err)) < 0)
        goto fail;
    return rcm_store_commit(st, err);
fail:
    sqlite3_finalize(s);
    rcm_store_rollback(st);
    return rc;
}

/* ---- login ---- */

static void token_hash(const char *token, char out[65])
{
    unsigned char dig[32];
    crypto_generichash(dig, sizeof(dig), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, dig, sizeof(dig));
}

/* Records a failed attempt: the delay before the next one, and the lock-out. */
static int login_failed(rcm_store *st, const access_user *u, const rcm_settings *cfg, int64_t now,
                        const char *origin, const char *why, rcm_error *err)
{
    int rc = rcm_store_begin(st, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    int failed = u->failed + 1, locked = failed >= cfg->lockout_failures;
    int64_t delay = failed >= 7 ? 60 : (int64_t)1 << (failed - 1);
    if (delay > 60)
        delay = 60;
    if ((rc = store_prepare(st, &s, "UPDATE app_user SET failed = ?, next_try = ?, locked_until = ? WHERE user_id = ?",
                            err)) < 0)
        goto out;
    sqlite3_bind_int(s, 1, locked ? 0 : failed);
    sqlite3_bind_int64(s, 2, now + delay);
    sqlite3_bind_int64(s, 3, locked ? now + (int64_t)cfg->lockout_minutes * 60 : u->locked_until);
    sqlite3_bind_int64(s, 4, u->user_id);
    if ((rc = store_step_done(st, s, "recording a failed login", err)) < 0)
        goto out;
    char detail[160];
    snprintf(detail, sizeof(detail), "%s; failed %d in a row", why, failed);
    if ((rc = access_audit(st, now, u, u->name, origin, "login-failed", "failed", detail, err)) < 0)
        goto out;
    if (locked) {
        snprintf(detail, sizeof(detail), "locked for %d minutes after %d failed logins", cfg->lockout_minutes, failed);
        rc = access_audit(st, now, u, u->name, origin, "lockout", "denied", detail, err);
    }
out:
    sqlite3_finalize(s);
    if (rc < 0) {
        rcm_store_rollback(st);
        return rc;
    }
    return rcm_store_commit(st, err);
}

static void fmt_time(int64_t t, char *out, size_t n)
{
    int64_t d = t / 86400, r = t % 86400;
    if (r < 0) {
        r += 86400;
        d--;
    }
    rcm_date day = (rcm_date)d;
    char ds[16];
    rcm_date_fmt(ds, day, 1);
    snprintf(out, n, "%s %02d:%02d UTC", ds, (int)(r / 3600), (int)(r / 60 % 60));
}

int rcm_auth_login(rcm_store *st, const char *name, const char *password, const char *origin, int64_t now,
                   char token[RCM_TOKEN_LEN + 1], rcm_error *err)
{
    token[0] = '\0';
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    char org[128]; /* at most 127 bytes, as the handle keeps it */
    snprintf(org, sizeof(org), "%s", origin ? origin : "");
    origin = org;
    rcm_settings cfg;
    int rc = rcm_settings_get(st, &cfg, err);
    if (rc < 0)
        return rc;
    access_user u;
    int found = access_name_ok(name) ? access_user_get(st, name, &u, err) : 0;
    if (found < 0)
        return found;
    const char *pw = password ? password : "";
    rcm_error ignored = { 0 };
    if (!found) {
        /* the same words as for a wrong password, and about the same work: hashing at the store's
           cost takes as long as verifying a hash made at it (a verify alone would need a stored hash) */
        char dummy[128];
        (void)access_hash(pw, cfg.password_hash, dummy, &ignored);
        sodium_memzero(dummy, sizeof(dummy));
        char tried[64];
        snprintf(tried, sizeof(tried), "%s", access_name_ok(name) ? name : "(not a user name)");
        (void)access_audit(st, now, NULL, tried, origin, "login-failed", "failed", "unknown user", &ignored);
        return rcm_error_set(err, RCM_EDENIED, "wrong user name or password");
    }
    if (strcmp(u.status, "active") != 0) {
        (void)access_audit(st, now, &u, name, origin, "login-failed", "denied", "user disabled", &ignored);
        return rcm_error_set(err, RCM_EDENIED, "user '%s' is disabled: an admin can enable it", name);
    }
    if (u.locked_until > now) {
        char when[32];
        fmt_time(u.locked_until, when, sizeof(when));
        (void)access_audit(st, now, &u, name, origin, "login-failed", "denied", "locked out", &ignored);
        return rcm_error_set(err, RCM_EDENIED, "user '%s' is locked until %s after repeated failed logins", name, when);
    }
    if (u.next_try > now) {
        /* an attempt during the delay counts as a failure, unchecked */
        if ((rc = login_failed(st, &u, &cfg, now, origin, "attempt during the delay", err)) < 0)
            return rc;
        return rcm_error_set(err, RCM_EDENIED, "too many failed logins: try again in %lld s",
                             (long long)(u.next_try - now));
    }
    if (crypto_pwhash_str_verify(u.pw_hash, pw, strlen(pw)) != 0) {
        if ((rc = login_failed(st, &u, &cfg, now, origin, "wrong password", err)) < 0)
            return rc;
        return rcm_error_set(err, RCM_EDENIED, "wrong user name or password");
    }
    /* a hash made at another cost is made again at the store's */
    char rehash[128] = "";
    size_t ci = cost_index(cfg.password_hash);
    if (crypto_pwhash_str_needs_rehash(u.pw_hash, costs[ci].ops, costs[ci].mem) != 0 &&
        access_hash(pw, cfg.password_hash, rehash, &ignored) < 0)
        rehash[0] = '\0';
    unsigned char raw[32];
    randombytes_buf(raw, sizeof(raw));
    char tok[RCM_TOKEN_LEN + 1], th[65];
    sodium_bin2hex(tok, sizeof(tok), raw, sizeof(raw));
    sodium_memzero(raw, sizeof(raw));
    token_hash(tok, th);
    sqlite3_stmt *s = NULL;
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    if ((rc = store_prepare(st, &s,
                            "UPDATE app_user SET failed = 0, next_try = 0, locked_until = 0, last_login = ?,"
                            " pw_hash = CASE WHEN ? = '' THEN pw_hash ELSE ? END WHERE user_id = ?",
                            err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, rehash, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, rehash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, u.user_id);
    if ((rc = store_step_done(st, s, "recording a login", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    if ((rc = store_prepare(st, &s,
                            "INSERT INTO session (token_hash, user_id, origin, created_at, last_used, expires_at)"
                            " VALUES (?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, th, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, u.user_id);
    sqlite3_bind_text(s, 3, origin, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, now);
    sqlite3_bind_int64(s, 5, now);
    sqlite3_bind_int64(s, 6, now + (int64_t)cfg.session_minutes * 60);
    if ((rc = store_step_done(st, s, "opening a session", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    char detail[96];
    snprintf(detail, sizeof(detail), "session %.16s; expires in %d min, idle %d min%s", th, cfg.session_minutes,
             cfg.idle_minutes, rehash[0] ? "; password rehashed" : "");
    if ((rc = access_audit(st, now, &u, name, origin, "login", "ok", detail, err)) < 0)
        goto fail;
    if ((rc = rcm_store_commit(st, err)) < 0)
        return rc;
    memcpy(token, tok, sizeof(tok));
    sodium_memzero(tok, sizeof(tok));
    return 0;
fail:
    sqlite3_finalize(s);
    rcm_store_rollback(st);
    return rc;
}

/* A live session's user: 1 found and live, 0 not (why says), < 0 error. */
typedef struct session_row {
    int64_t user_id, created_at, last_used, expires_at, revoked_at;
} session_row;

static int session_get(rcm_store *st, const char *th, session_row *r, rcm_error *err)
{
    memset(r, 0, sizeof(*r));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s,
                           "SELECT user_id, created_at, last_used, expires_at, COALESCE(revoked_at, 0)"
                           " FROM session WHERE token_hash = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, th, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        r->user_id = sqlite3_column_int64(s, 0);
        r->created_at = sqlite3_column_int64(s, 1);
        r->last_used = sqlite3_column_int64(s, 2);
        r->expires_at = sqlite3_column_int64(s, 3);
        r->revoked_at = sqlite3_column_int64(s, 4);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(st, err, "reading a session");
    }
    sqlite3_finalize(s);
    return rc;
}

static int token_ok(const char *token)
{
    if (!token || strlen(token) != RCM_TOKEN_LEN)
        return 0;
    for (int i = 0; i < RCM_TOKEN_LEN; i++)
        if (!((token[i] >= '0' && token[i] <= '9') || (token[i] >= 'a' && token[i] <= 'f')))
            return 0;
    return 1;
}

int rcm_auth_logout(rcm_store *st, const char *token, int64_t now, rcm_error *err)
{
    if (!token_ok(token))
        return rcm_error_set(err, RCM_ENOTFOUND, "not a session token");
    char th[65];
    token_hash(token, th);
    session_row r;
    int rc = session_get(st, th, &r, err);
    if (rc < 0)
        return rc;
    if (rc == 0 || r.revoked_at || now >= r.expires_at)
        return rcm_error_set(err, RCM_ENOTFOUND, "no live session for that token");
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(st, &s, "UPDATE session SET revoked_at = ? WHERE token_hash = ?", err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, now);
    sqlite3_bind_text(s, 2, th, -1, SQLITE_STATIC);
    if ((rc = store_step_done(st, s, "ending the session", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    s = NULL;
    access_user u;
    if ((rc = user_row(st, NULL, r.user_id, &u, err)) < 0)
        goto fail;
    char detail[40];
    snprintf(detail, sizeof(detail), "session %.16s", th);
    if ((rc = access_audit(st, now, &u, u.name, "", "logout", "ok", detail, err)) < 0)
        goto fail;
    return rcm_store_commit(st, err);
fail:
    sqlite3_finalize(s);
    rcm_store_rollback(st);
    return rc;
}

int rcm_auth_change_password(rcm_store *st, const char *name, const char *old_password, const char *new_password,
                             int64_t now, rcm_error *err)
{
    int rc = access_password_ok(new_password, err);
    if (rc < 0)
        return rc;
    rcm_settings cfg;
    if ((rc = rcm_settings_get(st, &cfg, err)) < 0)
        return rc;
    access_user u;
    int found = access_name_ok(name) ? access_user_get(st, name, &u, err) : 0;
    if (found < 0)
        return found;
    const char *old = old_password ? old_password : "";
    if (!found || strcmp(u.status, "active") != 0 || u.locked_until > now || u.next_try > now ||
        crypto_pwhash_str_verify(u.pw_hash, old, strlen(old)) != 0) {
        rcm_error ignored = { 0 };
        if (found && strcmp(u.status, "active") == 0 && u.locked_until <= now) {
            (void)login_failed(st, &u, &cfg, now, "", "wrong password (password change)", &ignored);
        } else {
            char tried[64];
            snprintf(tried, sizeof(tried), "%s", access_name_ok(name) ? name : "(not a user name)");
            const char *why = !found ? "password change: unknown user"
                              : strcmp(u.status, "active") != 0 ? "password change: user disabled"
                                                                 : "password change: locked out";
            (void)access_audit(st, now, found ? &u : NULL, tried, "", "login-failed", found ? "denied" : "failed",
                               why, &ignored);
        }
        return rcm_error_set(err, RCM_EDENIED, "wrong user name or password");
    }
    char hash[128];
    if ((rc = access_hash(new_password, cfg.password_hash, hash, err)) < 0)
        return rc;
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(st, &s, "UPDATE app_user SET pw_hash = ?, failed = 0, next_try = 0 WHERE user_id = ?",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, u.user_id);
    if ((rc = store_step_done(st, s, "changing the password", err)) < 0 ||
        (rc = access_end_sessions(st, u.user_id, now, err)) < 0 ||
        (rc = access_audit(st, now, &u, name, "", "password", "ok", "own password changed; sessions ended", err)) < 0)
        goto fail;
    sqlite3_finalize(s);
    return rcm_store_commit(st, err);
fail:
    sqlite3_finalize(s);
    rcm_store_rollback(st);
    return rc;
}

/* ---- the cycle handle ---- */

int rcm_cycle_open(rcm_cycle **out, rcm_store *st, const char *token, const char *origin, int64_t wall,
                   rcm_error *err)
{
    *out = NULL;
    if (!st)
        return rcm_error_set(err, RCM_EINVAL, "no store");
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    if (!origin)
        origin = "";
    rcm_settings cfg;
    int rc = rcm_settings_get(st, &cfg, err);
    if (rc < 0)
        return rc;
    rcm_error ignored = { 0 };
    if (!token_ok(token)) {
        (void)access_audit(st, wall, NULL, "", origin, "session-denied", "denied", "not a session token", &ignored);
        return rcm_error_set(err, RCM_EDENIED, "not logged in: run 'rcm login' (or set RCM_TOKEN)");
    }
    char th[65];
    token_hash(token, th);
    session_row r;
    if ((rc = session_get(st, th, &r, err)) < 0)
        return rc;
    const char *why = NULL;
    if (rc == 0)
        why = "unknown session";
    else if (r.revoked_at)
        why = "session ended";
    else if (wall >= r.expires_at)
        why = "session expired";
    else if (wall - r.last_used > (int64_t)cfg.idle_minutes * 60)
        why = "session idle too long";
    access_user u = { 0 };
    if (rc == 1) {
        if ((rc = user_row(st, NULL, r.user_id, &u, err)) < 0)
            return rc;
        if (!why && strcmp(u.status, "active") != 0)
            why = "user disabled";
        else if (!why && u.locked_until > wall)
            why = "user locked out";
    }
    if (why) {
        char detail[64];
        snprintf(detail, sizeof(detail), "%s; session %.16s", why, th);
        (void)access_audit(st, wall, u.user_id ? &u : NULL, u.name, origin, "session-denied", "denied", detail,
                           &ignored);
        return rcm_error_set(err, RCM_EDENIED, "not logged in (%s): run 'rcm login'", why);
    }
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(st, &s, "UPDATE session SET last_used = ? WHERE token_hash = ? AND last_used < ?", err)) <
        0) {
        rcm_store_rollback(st);
        return rc;
    }
    sqlite3_bind_int64(s, 1, wall);
    sqlite3_bind_text(s, 2, th, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, wall);
    rc = store_step_done(st, s, "using the session", err);
    sqlite3_finalize(s);
    if (rc < 0 || (rc = rcm_store_commit(st, err)) < 0) {
        rcm_store_rollback(st);
        return rc;
    }
    rcm_cycle *cy = calloc(1, sizeof(*cy));
    if (!cy)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    cy->st = st;
    snprintf(cy->user, sizeof(cy->user), "%s", u.name);
    cy->user_id = u.user_id;
    cy->roles = u.roles;
    rcm_roles_format(u.roles, cy->roles_s, sizeof(cy->roles_s));
    snprintf(cy->origin, sizeof(cy->origin), "%s", origin);
    snprintf(cy->session, sizeof(cy->session), "%.16s", th);
    cy->wall = wall;
    cy->session_end = r.expires_at;
    rcm_cycle_set_now(cy, wall);
    *out = cy;
    return 0;
}
