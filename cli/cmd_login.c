/*
 * rcm login, logout, whoami, passwd: a person's session on a store
 * (include/rcm/auth.h).
 *
 * rcm login checks the name and password and keeps the session's token in
 * the token file (cli_cycle.h: 0600 in a 0700 folder, never through a
 * symbolic link), or prints it for $RCM_TOKEN. Logins run on the real
 * clock: the business date (--today) never stretches a session. A wrong
 * password counts toward the lock-out and delays the next try; the answer is
 * the same whether the name exists or not.
 *
 * logout, whoami and passwd act on the session's own store when no --db or
 * $RCM_DB names one (the token file records it), so they work from any
 * folder.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <jansson.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "cli_store.h"

/* The store a session command opens: --db, else $RCM_DB, else the token file's store, else ./rcm.db. */
static const char *session_db(const char *db, const cli_session *s)
{
    if (db)
        return db;
    const char *env = getenv("RCM_DB");
    if (env && *env)
        return NULL;
    return s->from_file && s->store[0] ? s->store : NULL;
}

/*
 * Finds the session (none is fine unless none_msg, then printed) and opens
 * its store (session_db). 0, or EXIT_UNREADABLE (printed, s wiped).
 */
static int open_session_store(rcm_store **st, cli_session *s, const char *db, const char *none_msg)
{
    int f = cli_session_find(s);
    if (f == 0 && none_msg)
        fputs(none_msg, stderr);
    if (f < 0 || (f == 0 && none_msg) || cli_store_open(st, session_db(db, s), 0) != 0) {
        cli_wipe(s, sizeof(*s));
        return EXIT_UNREADABLE;
    }
    return 0;
}

typedef struct login_opts {
    const char *db, *user;
    int pw_stdin, print_token, json;
} login_opts;

/*
 * Parses the options of these commands (those in allowed: u user, s
 * --password-stdin, p --print-token, j json, d db; the others "do not apply
 * here"); no operands. -1: go on, else the exit code (usage printed).
 */
static int parse(int argc, char **argv, const char *usage, const char *allowed, login_opts *lo)
{
    memset(lo, 0, sizeof(*lo));
    const cli_opt opts[] = {
        { "user", required_argument, &lo->user, CLI_OPT_HERE(strchr(allowed, 'u')) },
        { "password-stdin", no_argument, &lo->pw_stdin, CLI_OPT_HERE(strchr(allowed, 's')) },
        { "print-token", no_argument, &lo->print_token, CLI_OPT_HERE(strchr(allowed, 'p')) },
        { "json", no_argument, &lo->json, CLI_OPT_HERE(strchr(allowed, 'j')) },
        { "db", required_argument, &lo->db, CLI_OPT_HERE(strchr(allowed, 'd')) },
    };
    return cli_cycle_parse(argc, argv, usage, CLI_OPTS(opts), 0, NULL);
}

/* ---- rcm login ---- */

static const char login_usage[] =
    "usage: rcm login [--user NAME] [--password-stdin] [--print-token] [--db PATH]\n"
    "  Logs NAME (default: $RCM_LOGIN, else your login name) in to the store and keeps\n"
    "  the session token in the token file ($RCM_TOKEN_FILE, else $XDG_CONFIG_HOME/rcm/token,\n"
    "  else ~/.config/rcm/token; mode 0600), where the other commands find it.\n"
    "  --password-stdin  read the password from the first line of standard input\n"
    "  --print-token     print the token instead of keeping it: export RCM_TOKEN=$(rcm login --print-token)\n"
    "  --db PATH         the store (default: $RCM_DB, else ./rcm.db)\n"
    "A session ends session-minutes after the login, or after idle-minutes unused (rcm settings).\n"
    "Exit: 0 logged in; 2 refused (wrong name or password, disabled, locked out) or an error.\n";

static void say_logged_in(rcm_store *st, const char *token, const char *name, int64_t expires, int idle,
                          const char *path)
{
    rcm_cycle *cy = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char origin[128], roles[48] = "?", until[40];
    cli_origin(origin, sizeof(origin));
    if (rcm_cycle_open(&cy, st, token, origin, (int64_t)time(NULL), &err) == 0)
        rcm_roles_format(rcm_cycle_roles(cy), roles, sizeof(roles));
    rcm_cycle_free(cy);
    cli_time_fmt(expires, until, sizeof(until));
    printf("logged in as %s (%s) until %s, or %d minutes unused; the session is kept in %s\n", name, roles, until,
           idle, path);
}

/* The token file's earlier session of the same store ends: a file keeps one session. */
static void end_replaced(rcm_store *st, const char *store, int64_t now)
{
    cli_session old;
    if (cli_session_file(&old) <= 0)
        return;
    rcm_error ignored;
    memset(&ignored, 0, sizeof(ignored));
    if (old.from_file && strcmp(old.store, store) == 0)
        (void)rcm_auth_logout(st, old.token, now, &ignored);
    cli_wipe(&old, sizeof(old));
}

int cmd_login(int argc, char **argv)
{
    login_opts lo;
    int prc = parse(argc, argv, login_usage, "uspd", &lo);
    if (prc >= 0)
        return prc;
    const char *name = lo.user ? lo.user : cli_login_name();
    if (!*name) {
        fputs("rcm: who logs in? give --user NAME (or set RCM_LOGIN)\n", stderr);
        return EXIT_UNREADABLE;
    }
    char path[PATH_MAX] = "";
    if (!lo.print_token) {
        if (cli_token_path(path, sizeof(path)) != 0) {
            fputs("rcm: no place for the token file: set RCM_TOKEN_FILE or HOME, or use --print-token\n", stderr);
            return EXIT_UNREADABLE;
        }
        if (cli_session_check(path) != 0)
            return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, lo.db, 0) != 0)
        return EXIT_UNREADABLE;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_settings cfg;
    char pw[RCM_PASSWORD_MAX + 2], prompt[128], token[RCM_TOKEN_LEN + 1] = "", origin[128];
    snprintf(prompt, sizeof(prompt), "password for %.64s: ", name);
    if (rcm_settings_get(st, &cfg, &err) < 0) {
        cli_error(&err);
        rcm_store_close(st);
        return EXIT_UNREADABLE;
    }
    if (cli_password(pw, sizeof(pw), prompt, 0, lo.pw_stdin) != 0) {
        rcm_store_close(st);
        return EXIT_UNREADABLE;
    }
    cli_origin(origin, sizeof(origin));
    int64_t now = (int64_t)time(NULL);
    int rc = rcm_auth_login(st, name, pw, origin, now, token, &err);
    cli_wipe(pw, sizeof(pw));
    if (rc < 0) {
        cli_error(&err);
        rcm_store_close(st);
        return EXIT_UNREADABLE;
    }
    int status = EXIT_CLEAN;
    if (lo.print_token) {
        printf("%s\n", token);
    } else {
        char store[PATH_MAX];
        cli_store_abspath(rcm_store_path(st), store, sizeof(store));
        int64_t expires = now + (int64_t)cfg.session_minutes * 60;
        end_replaced(st, store, now);
        if (cli_session_save(path, token, store, expires) != 0) {
            /* a session nobody can use is ended at once */
            (void)rcm_auth_logout(st, token, now, &err);
            status = EXIT_UNREADABLE;
        } else {
            say_logged_in(st, token, name, expires, cfg.idle_minutes, path);
            const char *env = getenv("RCM_TOKEN");
            if (env && *env)
                fputs("rcm: note: RCM_TOKEN is set and goes before the token file: unset it to use this session\n",
                      stderr);
        }
    }
    cli_wipe(token, sizeof(token));
    rcm_store_close(st);
    return cli_done(status);
}

/* ---- rcm logout ---- */

static const char logout_usage[] =
    "usage: rcm logout [--db PATH]\n"
    "  Ends the session ($RCM_TOKEN, else the token file's) and removes the token file.\n"
    "  --db PATH   the store (default: $RCM_DB, else the token file's store, else ./rcm.db)\n"
    "Exit: 0 logged out (or the session had ended already); 2 not logged in, or an error.\n";

int cmd_logout(int argc, char **argv)
{
    login_opts lo;
    int prc = parse(argc, argv, logout_usage, "d", &lo);
    if (prc >= 0)
        return prc;
    cli_session s;
    rcm_store *st = NULL;
    if (open_session_store(&st, &s, lo.db, "rcm: not logged in: no session to end\n") != 0)
        return EXIT_UNREADABLE;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_auth_logout(st, s.token, (int64_t)time(NULL), &err);
    char here[PATH_MAX];
    cli_store_abspath(rcm_store_path(st), here, sizeof(here));
    rcm_store_close(st);
    int status = EXIT_CLEAN;
    const char *what = rc == 0 ? "logged out" : "the session had ended already";
    if (rc < 0 && rc != RCM_ENOTFOUND) {
        cli_error(&err);
        status = EXIT_UNREADABLE;
    } else if (s.from_file && (rc == 0 || !s.store[0] || strcmp(s.store, here) == 0)) {
        /* the file's session is over either way: the file goes */
        if (cli_session_remove(s.path) != 0)
            status = EXIT_UNREADABLE;
        else
            printf("%s; removed %s\n", what, s.path);
    } else if (s.from_file) {
        /* --db named another store than the file's: its session is not this store's to end */
        fprintf(stderr, "rcm: the session in %s is for the store %s, not %s\n", s.path, s.store, here);
        status = EXIT_UNREADABLE;
    } else {
        printf("%s; unset RCM_TOKEN\n", what);
    }
    cli_wipe(&s, sizeof(s));
    return cli_done(status);
}

/* ---- rcm whoami ---- */

static const char whoami_usage[] =
    "usage: rcm whoami [--json] [--db PATH]\n"
    "  Who the session belongs to, their roles, the store and when the session ends.\n"
    "  Needs no permission.\n"
    "  --json      one JSON object\n"
    "  --db PATH   the store (default: $RCM_DB, else the token file's store, else ./rcm.db)\n"
    "Exit: 0 logged in; 2 not logged in (or the session ended), or an error.\n";

static json_t *roles_json(unsigned mask)
{
    static const char *const names[] = { "coder", "biller", "auditor", "admin" };
    json_t *a = json_array();
    for (unsigned i = 0; i < 4; i++)
        if (mask & (1u << i))
            json_array_append_new(a, json_string(names[i]));
    return a;
}

int cmd_whoami(int argc, char **argv)
{
    login_opts lo;
    int prc = parse(argc, argv, whoami_usage, "jd", &lo);
    if (prc >= 0)
        return prc;
    cli_session s;
    if (cli_session_find(&s) < 0)
        return EXIT_UNREADABLE;
    cli_cycle_opts co = { .db = session_db(lo.db, &s) };
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0) {
        cli_wipe(&s, sizeof(s));
        return rc;
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_settings cfg;
    if (rcm_settings_get(st, &cfg, &err) < 0) {
        cli_error(&err);
        cli_cycle_close(st, cy);
        return EXIT_UNREADABLE;
    }
    char roles[48], store[PATH_MAX], until[40] = "";
    rcm_roles_format(rcm_cycle_roles(cy), roles, sizeof(roles));
    cli_store_abspath(rcm_store_path(st), store, sizeof(store));
    cli_time_fmt(rcm_cycle_session_end(cy), until, sizeof(until));
    if (lo.json) {
        json_t *o = json_pack("{s:s, s:o, s:s, s:{s:s, s:s, s:i, s:i}}", "user", rcm_cycle_user(cy), "roles",
                              roles_json(rcm_cycle_roles(cy)), "store", store, "session", "from",
                              s.from_file ? "token file" : "RCM_TOKEN", "until", until,
                              "session_minutes", cfg.session_minutes, "idle_minutes", cfg.idle_minutes);
        rc = cli_print_json(o);
    } else {
        printf("user     %s\nroles    %s\nstore    %s\n", rcm_cycle_user(cy), roles, store);
        printf("session  until %s at the latest, or %d minutes unused (%s%s)\n", until, cfg.idle_minutes,
               s.from_file ? "token file " : "RCM_TOKEN", s.from_file ? s.path : "");
    }
    cli_wipe(&s, sizeof(s));
    cli_cycle_close(st, cy);
    return cli_done(rc);
}

/* ---- rcm passwd ---- */

static const char passwd_usage[] =
    "usage: rcm passwd [--user NAME] [--password-stdin] [--db PATH]\n"
    "  Changes your own password, proving the old one (a wrong one counts as a failed\n"
    "  login). All your sessions end: log in again. NAME defaults to the session's user,\n"
    "  else $RCM_LOGIN, else your login name. The new password is asked twice.\n"
    "  --password-stdin  read the old password from the first line of standard input and\n"
    "                    the new one from the second\n"
    "  --db PATH         the store (default: $RCM_DB, else the token file's store, else ./rcm.db)\n"
    "Exit: 0 changed; 2 refused (wrong password, a new one too short or too long) or an error.\n";

int cmd_passwd(int argc, char **argv)
{
    login_opts lo;
    int prc = parse(argc, argv, passwd_usage, "usd", &lo);
    if (prc >= 0)
        return prc;
    cli_session s;
    rcm_store *st = NULL;
    if (open_session_store(&st, &s, lo.db, NULL) != 0)
        return EXIT_UNREADABLE;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    /* whose: --user, else the session's user (when the session is live), else the login name */
    char session_user[64] = "", name[64];
    if (s.token[0]) {
        rcm_cycle *cy = NULL;
        char origin[128];
        cli_origin(origin, sizeof(origin));
        if (rcm_cycle_open(&cy, st, s.token, origin, (int64_t)time(NULL), &err) == 0)
            snprintf(session_user, sizeof(session_user), "%s", rcm_cycle_user(cy));
        rcm_cycle_free(cy);
        memset(&err, 0, sizeof(err));
    }
    snprintf(name, sizeof(name), "%s", lo.user ? lo.user : session_user[0] ? session_user : cli_login_name());
    char old[RCM_PASSWORD_MAX + 2], pw[RCM_PASSWORD_MAX + 2], prompt[128];
    snprintf(prompt, sizeof(prompt), "old password for %s: ", name);
    int rc = cli_password(old, sizeof(old), prompt, 0, lo.pw_stdin);
    if (rc == 0)
        rc = cli_password(pw, sizeof(pw), "new password: ", 1, lo.pw_stdin);
    if (rc == 0 && rcm_auth_change_password(st, name, old, pw, (int64_t)time(NULL), &err) < 0) {
        cli_error(&err);
        rc = EXIT_UNREADABLE;
    }
    cli_wipe(old, sizeof(old));
    cli_wipe(pw, sizeof(pw));
    rcm_store_close(st);
    if (rc == 0) {
        printf("password of %s changed; every session of %s ended: log in again\n", name, name);
        if (s.from_file && strcmp(session_user, name) == 0 && cli_session_remove(s.path) != 0)
            rc = EXIT_UNREADABLE;
    }
    cli_wipe(&s, sizeof(s));
    return cli_done(rc);
}
