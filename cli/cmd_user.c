/*
 * What an admin keeps (include/rcm/auth.h): rcm user (people, their roles,
 * status and passwords), rcm settings (the store's access settings) and
 * rcm sod (separation-of-duties exceptions).
 *
 * Each change goes through librcm, which checks the session's roles first
 * (a coder trying it is refused, exit 2, and the refusal is an audit event)
 * and records the change with its values before and after. Passwords are
 * typed twice on the terminal without echo, or given on standard input;
 * they are never an argument (the process list would show them).
 */
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "cli_store.h"

typedef struct user_opts {
    cli_cycle_opts co;
    const char *role, *reason, *expires;
    int pw_stdin, json;
} user_opts;

/*
 * Parses the options (the common ones, and those of allowed: r role, s
 * --password-stdin, j json, n reason, e expires; the others "do not apply
 * here") and checks that npos operands follow. -1: go on (the operands from
 * argv[optind]), else the exit code (usage printed).
 */
static int parse(int argc, char **argv, const char *usage, const char *allowed, int npos, user_opts *uo)
{
    memset(uo, 0, sizeof(*uo));
    const cli_opt opts[] = {
        { "role", required_argument, &uo->role, CLI_OPT_HERE(strchr(allowed, 'r')) },
        { "roles", required_argument, &uo->role, CLI_OPT_HERE(strchr(allowed, 'r')) },
        { "password-stdin", no_argument, &uo->pw_stdin, CLI_OPT_HERE(strchr(allowed, 's')) },
        { "json", no_argument, &uo->json, CLI_OPT_HERE(strchr(allowed, 'j')) },
        { "reason", required_argument, &uo->reason, CLI_OPT_HERE(strchr(allowed, 'n')) },
        { "expires", required_argument, &uo->expires, CLI_OPT_HERE(strchr(allowed, 'e')) },
    };
    return cli_cycle_parse(argc, argv, usage, CLI_OPTS(opts), npos, &uo->co);
}

#define PARSE_OR_RETURN(usage, allowed, npos, uo)                                                            \
    do {                                                                                                     \
        int prc_ = parse(argc, argv, usage, allowed, npos, uo);                                              \
        if (prc_ >= 0)                                                                                       \
            return prc_;                                                                                     \
    } while (0)

static json_t *roles_json(unsigned mask)
{
    static const char *const names[] = { "coder", "biller", "auditor", "admin" };
    json_t *a = json_array();
    for (unsigned i = 0; i < 4; i++)
        if (mask & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

/* ---- rcm user ---- */

static const char user_usage[] =
    "usage: rcm user add NAME --role ROLES [--password-stdin] [common options]\n"
    "       rcm user list [--json] [common options]\n"
    "       rcm user roles NAME ROLES [common options]\n"
    "       rcm user enable NAME | rcm user disable NAME [common options]\n"
    "       rcm user password NAME [--password-stdin] [common options]\n"
    "  The people who use the store (an admin's work; list: admin or auditor).\n"
    "  ROLES: coder, biller, auditor, admin, comma-separated; more than one only when\n"
    "  the multi-role setting is on. A name is 1 to 63 letters, digits or ._-@.\n"
    "  add: a new user, with a password typed twice (or the first line of standard input\n"
    "  with --password-stdin), 12 to 1024 characters.\n"
    "  roles: replaces a user's roles (they count from the user's next command).\n"
    "  enable: active again, failed logins and any lock-out cleared; disable: no more\n"
    "  logins, the user's sessions end (never the last active admin).\n"
    "  password: sets another user's password; their sessions end.\n"
    "  --json   one JSON object per user\n" CLI_CYCLE_HELP
    "Exit: 0 done; 2 refused (no permission, a bad name, role or password) or an error.\n";

static int user_add(int argc, char **argv);
static int user_list(int argc, char **argv);
static int user_roles(int argc, char **argv);
static int user_enable(int argc, char **argv);
static int user_disable(int argc, char **argv);
static int user_password(int argc, char **argv);

static const cmd user_cmds[] = {
    { "add", user_add, "add a user with their roles and password" },
    { "disable", user_disable, "stop a user's logins and end their sessions" },
    { "enable", user_enable, "let a disabled or locked-out user log in again" },
    { "list", user_list, "the users, their roles, status and last login" },
    { "password", user_password, "set another user's password" },
    { "roles", user_roles, "replace a user's roles" },
};

int cmd_user(int argc, char **argv)
{
    return cmd_dispatch("rcm user", user_cmds, sizeof(user_cmds) / sizeof(user_cmds[0]), argc - 1, argv + 1);
}

/*
 * Reads a new password for name (twice on the terminal, or one line of
 * stdin). Someone who may not manage users is not asked: a placeholder goes
 * to librcm, which refuses (and records the refusal) before using it.
 */
static int new_password(rcm_cycle *cy, char *pw, size_t n, const char *name, int from_stdin)
{
    if (!rcm_cycle_may(cy, RCM_PERM_USERS)) {
        snprintf(pw, n, "%s", "not-asked-placeholder");
        return 0;
    }
    char prompt[128];
    snprintf(prompt, sizeof(prompt), "password for %.64s: ", name);
    return cli_password(pw, n, prompt, 1, from_stdin);
}

static int user_add(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(user_usage, "rs", 1, &uo);
    const char *name = argv[optind];
    rcm_error err;
    memset(&err, 0, sizeof(err));
    unsigned roles = 0;
    if (!uo.role) {
        fputs("rcm: user add: --role ROLES is required (coder, biller, auditor, admin)\n", stderr);
        return EXIT_UNREADABLE;
    }
    if (rcm_roles_parse(uo.role, &roles, &err) < 0)
        return cli_cycle_fail(&err);
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    char pw[RCM_PASSWORD_MAX + 2];
    rc = new_password(r.cy, pw, sizeof(pw), name, uo.pw_stdin);
    if (rc == 0 && rcm_user_add(r.cy, name, roles, pw, &r.err) < 0)
        rc = -1;
    cli_wipe(pw, sizeof(pw));
    rc = cli_run_close(&r, rc);
    if (rc == 0) {
        char held[48];
        rcm_roles_format(roles, held, sizeof(held));
        printf("added user %s (%s)\n", name, held);
    }
    return cli_done(rc);
}

static void print_user_text(const rcm_user_info *u)
{
    char roles[48], last[40] = "never";
    rcm_roles_format(u->roles, roles, sizeof(roles));
    if (u->last_login)
        cli_time_fmt(u->last_login, last, sizeof(last));
    printf("%-20s %-28s %-9s %6d  %-21s %s\n", u->name, roles, u->status, u->failed, last,
           u->sod_exception ? "yes" : "no");
}

static json_t *user_json(const rcm_user_info *u)
{
    char last[40] = "", locked[40] = "", created[40];
    if (u->last_login)
        cli_time_fmt(u->last_login, last, sizeof(last));
    if (u->locked_until)
        cli_time_fmt(u->locked_until, locked, sizeof(locked));
    cli_time_fmt(u->created_at, created, sizeof(created));
    return json_pack("{s:I, s:s, s:o, s:s, s:i, s:s?, s:s?, s:s, s:s, s:b}", "user_id", (json_int_t)u->user_id,
                     "name", u->name, "roles", roles_json(u->roles), "status", u->status, "failed", u->failed,
                     "locked_until", locked[0] ? locked : NULL, "last_login", last[0] ? last : NULL, "created_at",
                     created, "created_by", u->created_by, "sod_exception", u->sod_exception);
}

static int user_list(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(user_usage, "j", 0, &uo);
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    rcm_user_info *v = NULL;
    size_t n = 0;
    if (rcm_user_list(r.cy, &v, &n, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc != 0)
        return rc;
    if (!uo.json)
        printf("%-20s %-28s %-9s %6s  %-21s %s\n", "user", "roles", "status", "failed", "last login", "exception");
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (uo.json)
            rc = cli_print_json(user_json(&v[i]));
        else
            print_user_text(&v[i]);
    }
    if (!uo.json)
        printf("%zu user%s\n", n, n == 1 ? "" : "s");
    free(v);
    return cli_done(rc);
}

static int user_roles(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(user_usage, "", 2, &uo);
    const char *name = argv[optind], *spec = argv[optind + 1];
    rcm_error err;
    memset(&err, 0, sizeof(err));
    unsigned roles = 0;
    if (rcm_roles_parse(spec, &roles, &err) < 0)
        return cli_cycle_fail(&err);
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    if (rcm_user_set_roles(r.cy, name, roles, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc == 0) {
        char held[48];
        rcm_roles_format(roles, held, sizeof(held));
        printf("user %s now holds %s\n", name, held);
    }
    return cli_done(rc);
}

static int set_status(int argc, char **argv, const char *status)
{
    user_opts uo;
    PARSE_OR_RETURN(user_usage, "", 1, &uo);
    const char *name = argv[optind];
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    if (rcm_user_set_status(r.cy, name, status, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc == 0 && strcmp(status, "active") == 0)
        printf("user %s is active (failed logins and any lock-out cleared)\n", name);
    else if (rc == 0)
        printf("user %s is disabled; their sessions ended\n", name);
    return cli_done(rc);
}

static int user_enable(int argc, char **argv) { return set_status(argc, argv, "active"); }
static int user_disable(int argc, char **argv) { return set_status(argc, argv, "disabled"); }

static int user_password(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(user_usage, "s", 1, &uo);
    const char *name = argv[optind];
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    char pw[RCM_PASSWORD_MAX + 2];
    rc = new_password(r.cy, pw, sizeof(pw), name, uo.pw_stdin);
    if (rc == 0 && rcm_user_reset_password(r.cy, name, pw, &r.err) < 0)
        rc = -1;
    cli_wipe(pw, sizeof(pw));
    rc = cli_run_close(&r, rc);
    if (rc == 0)
        printf("password of %s set; their sessions ended\n", name);
    return cli_done(rc);
}

/* ---- rcm settings ---- */

static const char settings_usage[] =
    "usage: rcm settings [show] [--json] [common options]\n"
    "       rcm settings set KEY VALUE [common options]\n"
    "  The store's access settings (show needs no session; set: admin):\n"
    "    multi-role         on/off: may a user hold several roles (off)\n"
    "    writeoff-approval  dollars: write-offs above need a second person's approval (100.00)\n"
    "    session-minutes    a session's whole life (480)\n"
    "    idle-minutes       a session unused this long ends (30)\n"
    "    lockout-failures   failed logins in a row that lock the user out (5)\n"
    "    lockout-minutes    how long a lock-out lasts (15)\n"
    "    password-hash      the cost of hashing passwords: interactive, moderate, sensitive,\n"
    "                       or minimum (tests only) (interactive)\n"
    "    em-min-visits      a provider's visits in an E/M family before it is compared (20)\n"
    "  --json   one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 done; 2 refused (no permission, an unknown key or a bad value) or an error.\n";

static const char *const setting_keys[] = { "multi-role",       "writeoff-approval", "session-minutes",
                                            "idle-minutes",     "lockout-failures",  "lockout-minutes",
                                            "password-hash",    "em-min-visits" };
#define NKEYS (sizeof(setting_keys) / sizeof(setting_keys[0]))

/* The value of setting i as shown (and as 'settings set' takes it). */
static void setting_value(const rcm_settings *s, size_t i, char *out, size_t n)
{
    switch (i) {
    case 0: snprintf(out, n, "%s", s->multi_role ? "on" : "off"); break;
    case 1: {
        char m[32];
        rcm_cents_fmt(m, s->writeoff_approval_cents);
        snprintf(out, n, "%s", m);
        break;
    }
    case 2: snprintf(out, n, "%d", s->session_minutes); break;
    case 3: snprintf(out, n, "%d", s->idle_minutes); break;
    case 4: snprintf(out, n, "%d", s->lockout_failures); break;
    case 5: snprintf(out, n, "%d", s->lockout_minutes); break;
    case 6: snprintf(out, n, "%s", s->password_hash); break;
    default: snprintf(out, n, "%d", s->em_min_visits); break;
    }
}

static int settings_show(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(settings_usage, "j", 0, &uo);
    rcm_store *st = NULL;
    if (cli_store_open(&st, uo.co.db, 0) != 0)
        return EXIT_UNREADABLE;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_settings s;
    int rc = rcm_settings_get(st, &s, &err) < 0 ? cli_cycle_fail(&err) : 0;
    rcm_store_close(st);
    if (rc != 0)
        return rc;
    json_t *o = uo.json ? json_object() : NULL;
    for (size_t i = 0; i < NKEYS; i++) {
        char v[64];
        setting_value(&s, i, v, sizeof(v));
        if (o)
            json_object_set_new(o, setting_keys[i], json_string(v));
        else
            printf("%-18s %s\n", setting_keys[i], v);
    }
    if (o)
        rc = cli_print_json(o);
    return cli_done(rc);
}

static int settings_set(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(settings_usage, "", 2, &uo);
    const char *key = argv[optind], *value = argv[optind + 1];
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    rcm_settings before, after;
    if (rcm_settings_get(r.st, &before, &r.err) < 0 || rcm_setting_set(r.cy, key, value, &r.err) < 0 ||
        rcm_settings_get(r.st, &after, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    for (size_t i = 0; rc == 0 && i < NKEYS; i++) {
        if (strcmp(key, setting_keys[i]) != 0)
            continue;
        char b[64], a[64];
        setting_value(&before, i, b, sizeof(b));
        setting_value(&after, i, a, sizeof(a));
        printf("%s: %s -> %s\n", key, b, a);
    }
    return cli_done(rc);
}

int cmd_settings(int argc, char **argv)
{
    static const cmd settings_cmds[] = {
        { "set", settings_set, "change one setting (admin)" },
        { "show", settings_show, "every setting and its value" },
    };
    /* 'rcm settings' and 'rcm settings --json' show */
    if (argc < 2 || argv[1][0] == '-')
        return settings_show(argc, argv);
    return cmd_dispatch("rcm settings", settings_cmds, sizeof(settings_cmds) / sizeof(settings_cmds[0]), argc - 1,
                        argv + 1);
}

/* ---- rcm sod ---- */

static const char sod_usage[] =
    "usage: rcm sod grant USER --reason TEXT [--expires DATE] [common options]\n"
    "       rcm sod revoke ID [common options]\n"
    "       rcm sod list [--json] [common options]\n"
    "  Separation of duties: who coded a claim does not submit it, post its payments or\n"
    "  write it off. An exception lets USER do so anyway (a small practice), with the\n"
    "  practice's reason (10 to 255 characters), until DATE or until revoked; every use is\n"
    "  an audit event. grant and revoke: admin; list: admin or auditor.\n"
    "  --json   one JSON object per exception\n" CLI_CYCLE_HELP
    "Exit: 0 done; 2 refused (no permission, no such user or exception, no reason) or an error.\n";

static int sod_grant(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(sod_usage, "ne", 1, &uo);
    const char *user = argv[optind];
    if (!uo.reason) {
        fputs("rcm: sod grant: --reason TEXT is required: the practice's justification\n", stderr);
        return EXIT_UNREADABLE;
    }
    rcm_date expires = RCM_DATE_NONE;
    if (uo.expires && cli_parse_date(&expires, "--expires", uo.expires) != 0)
        return EXIT_UNREADABLE;
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    int64_t id = 0;
    if (rcm_sod_grant(r.cy, user, uo.reason, expires, &id, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc == 0) {
        char d[16] = "";
        if (expires != RCM_DATE_NONE)
            rcm_date_fmt(d, expires, 1);
        printf("exception %lld: %s may submit, post and write off claims they coded, %s%s\n", (long long)id, user,
               d[0] ? "through " : "until revoked", d);
    }
    return cli_done(rc);
}

static int sod_revoke(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(sod_usage, "", 1, &uo);
    const char *arg = argv[optind];
    char *end = NULL;
    long long id = strtoll(arg, &end, 10);
    if (!*arg || !end || *end || id <= 0) {
        fprintf(stderr, "rcm: sod revoke: '%s' is not an exception number (rcm sod list)\n", arg);
        return EXIT_UNREADABLE;
    }
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    if (rcm_sod_revoke(r.cy, (int64_t)id, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc == 0)
        printf("exception %lld revoked\n", id);
    return cli_done(rc);
}

/* live / revoked / expired on today */
static const char *sod_state(const rcm_sod_exception *x, rcm_date today)
{
    if (x->revoked_at)
        return "revoked";
    if (x->expires != RCM_DATE_NONE && x->expires < today)
        return "expired";
    return "live";
}

static int sod_list(int argc, char **argv)
{
    user_opts uo;
    PARSE_OR_RETURN(sod_usage, "j", 0, &uo);
    cli_run r;
    int rc = cli_run_open(&r, &uo.co);
    if (rc != 0)
        return rc;
    rcm_sod_exception *v = NULL;
    size_t n = 0;
    rcm_date today = rcm_cycle_today(r.cy);
    if (rcm_sod_list(r.cy, &v, &n, &r.err) < 0)
        rc = -1;
    rc = cli_run_close(&r, rc);
    if (rc != 0)
        return rc;
    if (!uo.json)
        printf("%-4s %-20s %-8s %-10s %-12s %-10s %5s  %s\n", "id", "user", "state", "granted", "by", "expires",
               "uses", "reason");
    for (size_t i = 0; i < n && rc == 0; i++) {
        const rcm_sod_exception *x = &v[i];
        char exp[16] = "", granted[40], revoked[40] = "";
        if (x->expires != RCM_DATE_NONE)
            rcm_date_fmt(exp, x->expires, 1);
        cli_time_fmt(x->granted_at, granted, sizeof(granted));
        if (x->revoked_at)
            cli_time_fmt(x->revoked_at, revoked, sizeof(revoked));
        if (uo.json) {
            rc = cli_print_json(json_pack("{s:I, s:s, s:s, s:s, s:s?, s:s, s:s, s:s?, s:I}", "exception_id",
                                          (json_int_t)x->exception_id, "user", x->user, "state", sod_state(x, today),
                                          "reason", x->reason, "expires", exp[0] ? exp : NULL, "granted_at", granted,
                                          "granted_by", x->granted_by, "revoked_at", revoked[0] ? revoked : NULL,
                                          "uses", (json_int_t)x->uses));
        } else {
            granted[10] = '\0';
            printf("%-4lld %-20s %-8s %-10s %-12s %-10s %5lld  %s\n", (long long)x->exception_id, x->user,
                   sod_state(x, today), granted, x->granted_by, exp[0] ? exp : "none", (long long)x->uses,
                   x->reason);
        }
    }
    if (!uo.json)
        printf("%zu exception%s\n", n, n == 1 ? "" : "s");
    free(v);
    return cli_done(rc);
}

int cmd_sod(int argc, char **argv)
{
    static const cmd sod_cmds[] = {
        { "grant", sod_grant, "let a user submit, post and write off claims they coded" },
        { "list", sod_list, "every exception, live or not, with its uses" },
        { "revoke", sod_revoke, "end an exception" },
    };
    return cmd_dispatch("rcm sod", sod_cmds, sizeof(sod_cmds) / sizeof(sod_cmds[0]), argc - 1, argv + 1);
}
