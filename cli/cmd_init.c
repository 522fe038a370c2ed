/*
 * rcm init [DB]: create a store (or bring one up to date) holding every
 * bundled reference-data set, and with --admin NAME its first admin.
 *
 * The bundled files and their kinds are listed in one place, the MANIFEST of
 * the bundled data folder (data/refdata/ in the source tree,
 * PREFIX/share/rcm/refdata when installed). The folder is found from
 * --data DIR, else $RCM_REFDATA_DIR, else next to the rcm executable (up to
 * four folders up, as in a build tree). Files loaded before are skipped by
 * checksum, so running init again is cheap and changes nothing.
 *
 * A store has no default user or password: the first admin is created here
 * (rcm_auth_bootstrap, include/rcm/auth.h) with a password typed twice on
 * the terminal or given on standard input, and only while the store has no
 * user at all; the admin then adds everyone else with rcm user add.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "cmd.h"
#include "cli_init.h"
#include "cli_store.h"
#include "cli_cycle.h"
#include "rcm/edits.h"

#define MANIFEST "MANIFEST"

static const char usage_text[] =
    "usage: rcm init [DB] [--db PATH] [--data DIR] [--quiet]\n"
    "                [--admin NAME [--password-stdin] [--password-hash COST]]\n"
    "  creates the store DB (default: $RCM_DB, else ./rcm.db) and imports every bundled\n"
    "  reference-data set; running it again on an existing store loads only what is new\n"
    "  --data DIR            the bundled data folder (default: $RCM_REFDATA_DIR, else found beside rcm)\n"
    "  --quiet               print only the summary\n"
    "  --admin NAME          create the store's first admin (only while it has no user); the\n"
    "                        password (12 to 1024 characters) is asked twice on the terminal\n"
    "  --password-stdin      read the password from the first line of standard input instead\n"
    "  --password-hash COST  the store's password hashing cost: interactive (default), moderate,\n"
    "                        sensitive, or minimum (for tests only)\n";

/* 1 when the store has at least one user, 0 when none, -1 unknown. */
static int store_has_users(rcm_store *st)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int64_t n = 0;
    if (rcm_auth_user_count(st, &n, &err) < 0)
        return -1;
    return n > 0;
}

/*
 * Creates the first admin, asking the password only of a store without
 * users (so nobody types one twice to be told the store has an admin).
 * Prints what went wrong.
 */
static int make_admin(rcm_store *st, const char *admin, const char *cost, int pw_stdin, int quiet)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (store_has_users(st) == 1) {
        fputs("rcm: the store already has users: an admin adds more with 'rcm user add'\n", stderr);
        return EXIT_UNREADABLE;
    }
    char pw[RCM_PASSWORD_MAX + 2], prompt[128];
    snprintf(prompt, sizeof(prompt), "password for the first admin '%.64s': ", admin);
    if (cli_password(pw, sizeof(pw), prompt, 1, pw_stdin) != 0)
        return EXIT_UNREADABLE;
    int rc = rcm_auth_bootstrap(st, admin, pw, cost, (int64_t)time(NULL), &err);
    cli_wipe(pw, sizeof(pw));
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    if (!quiet)
        printf("first admin '%s' created: log in with 'rcm login --user %s', then add users with 'rcm user add'\n",
               admin, admin);
    return EXIT_CLEAN;
}

int cmd_init(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "data", required_argument, NULL, 'D' },
        { "quiet", no_argument, NULL, 'q' },
        { "admin", required_argument, NULL, 'a' },
        { "password-stdin", no_argument, NULL, 'P' },
        { "password-hash", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *data_opt = NULL, *admin = NULL, *cost = NULL;
    int quiet = 0, pw_stdin = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "d:D:qh", lopts, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'D': data_opt = optarg; break;
        case 'q': quiet = 1; break;
        case 'a': admin = optarg; break;
        case 'P': pw_stdin = 1; break;
        case 'H': cost = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind < argc && !db)
        db = argv[optind++];
    if (optind != argc || (!admin && (pw_stdin || cost))) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    char dir[PATH_MAX];
    if (cli_refdata_dir(dir, sizeof(dir), data_opt) < 0) {
        const char *env = getenv("RCM_REFDATA_DIR");
        if (data_opt || (env && *env))
            fprintf(stderr, "rcm: init: no %s in '%s' (%s)\n", MANIFEST, data_opt ? data_opt : env,
                    data_opt ? "--data" : "RCM_REFDATA_DIR");
        else
            fprintf(stderr, "rcm: init: cannot find the bundled reference data"
                    " (no data/refdata/%s beside rcm): pass --data DIR\n", MANIFEST);
        return EXIT_UNREADABLE;
    }
    /* an unreadable manifest is refused before the store is created */
    char mpath[PATH_MAX + 16];
    snprintf(mpath, sizeof(mpath), "%s/" MANIFEST, dir);
    if (access(mpath, R_OK) != 0) {
        fprintf(stderr, "rcm: %s: cannot open\n", mpath);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, db, RCM_STORE_CREATE))
        return EXIT_UNREADABLE;
    if (admin) {
        int arc = make_admin(st, admin, cost, pw_stdin, quiet);
        if (arc != EXIT_CLEAN) {
            rcm_store_close(st);
            return arc;
        }
    }
    cli_init_report rep;
    int status = cli_init_import(st, dir, (int64_t)time(NULL), quiet, "init: ", &rep);
    printf("%s: %ld loads, %ld rows of reference data%s\n", rcm_store_path(st), rep.loads, rep.rows,
           status ? " (some files failed)" : "");
    if (!admin && !quiet && store_has_users(st) == 0)
        printf("no users yet: run 'rcm init --admin NAME' to create the first admin\n");
    /* the compiled edit index beside the store follows the store's edit tables */
    rcm_error ierr;
    memset(&ierr, 0, sizeof(ierr));
    if (rcm_edits_refresh(st, NULL, &ierr) < 0)
        fprintf(stderr, "rcm: warning: the edit index was not rebuilt (rcm ncci rebuilds it): %s\n", ierr.msg);
    rcm_store_close(st);
    return status;
}
