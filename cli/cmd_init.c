/*
 * rcm init [DB]: create a store (or bring one up to date) holding every
 * bundled reference-data set.
 *
 * The bundled files and their kinds are listed in one place, the MANIFEST of
 * the bundled data folder (data/refdata/ in the source tree,
 * PREFIX/share/rcm/refdata when installed). The folder is found from
 * --data DIR, else $RCM_REFDATA_DIR, else next to the rcm executable (up to
 * four folders up, as in a build tree). Files loaded before are skipped by
 * checksum, so running init again is cheap and changes nothing.
 */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "cli_init.h"
#include "cli_store.h"
#include "rcm/edits.h"

#define MANIFEST "MANIFEST"

static const char usage_text[] =
    "usage: rcm init [DB] [--db PATH] [--data DIR] [--quiet]\n"
    "  creates the store DB (default: $RCM_DB, else ./rcm.db) and imports every bundled\n"
    "  reference-data set; running it again on an existing store loads only what is new\n"
    "  --data DIR   the bundled data folder (default: $RCM_REFDATA_DIR, else found beside rcm)\n"
    "  --quiet      print only the summary\n";

int cmd_init(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "data", required_argument, NULL, 'D' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *data_opt = NULL;
    int quiet = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "d:D:qh", lopts, NULL)) != -1) {
        switch (o) {
        case 'd': db = optarg; break;
        case 'D': data_opt = optarg; break;
        case 'q': quiet = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind < argc && !db)
        db = argv[optind++];
    if (optind != argc) {
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
    cli_init_report rep;
    int status = cli_init_import(st, dir, (int64_t)time(NULL), quiet, "init: ", &rep);
    printf("%s: %ld loads, %ld rows of reference data%s\n", rcm_store_path(st), rep.loads, rep.rows,
           status ? " (some files failed)" : "");
    /* the compiled edit index beside the store follows the store's edit tables */
    rcm_error ierr;
    memset(&ierr, 0, sizeof(ierr));
    if (rcm_edits_refresh(st, NULL, &ierr) < 0)
        fprintf(stderr, "rcm: warning: the edit index was not rebuilt (rcm ncci rebuilds it): %s\n", ierr.msg);
    rcm_store_close(st);
    return status;
}
