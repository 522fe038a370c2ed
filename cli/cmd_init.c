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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "cli_store.h"
#include "cmd_refdata.h"
#include "rcm/refdata.h"
#include "rcm/edits.h"

#define MANIFEST "MANIFEST"

static int has_manifest(const char *dir)
{
    char p[PATH_MAX + 32];
    struct stat sb;
    snprintf(p, sizeof(p), "%s/" MANIFEST, dir);
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* Finds the bundled data folder; writes it to out. Returns 0 or -1. */
static int find_data_dir(char *out, size_t outsz, const char *opt)
{
    const char *env = getenv("RCM_REFDATA_DIR");
    if (opt || (env && *env)) {
        snprintf(out, outsz, "%s", opt ? opt : env);
        return has_manifest(out) ? 0 : -1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n >= (ssize_t)outsz - 24)
        return -1;
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        static const char *const sub[] = { "data/refdata", "share/rcm/refdata" };
        for (size_t i = 0; i < 2; i++) {
            rcm_buf b;
            rcm_buf_init(&b, outsz - 1);
            rcm_buf_addf(&b, "%s/%s", exe, sub[i]);
            int ok = !rcm_buf_failed(&b);
            if (ok)
                memcpy(out, b.ptr, b.len + 1);
            rcm_buf_release(&b);
            if (ok && has_manifest(out))
                return 0;
        }
    }
    return -1;
}

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
    if (find_data_dir(dir, sizeof(dir), data_opt) < 0) {
        const char *env = getenv("RCM_REFDATA_DIR");
        if (data_opt || (env && *env))
            fprintf(stderr, "rcm: init: no %s in '%s' (%s)\n", MANIFEST, data_opt ? data_opt : env,
                    data_opt ? "--data" : "RCM_REFDATA_DIR");
        else
            fprintf(stderr, "rcm: init: cannot find the bundled reference data"
                    " (no data/refdata/%s beside rcm): pass --data DIR\n", MANIFEST);
        return EXIT_UNREADABLE;
    }
    char mpath[PATH_MAX + 32];
    snprintf(mpath, sizeof(mpath), "%s/" MANIFEST, dir);
    FILE *mf = fopen(mpath, "r");
    if (!mf) {
        fprintf(stderr, "rcm: %s: cannot open\n", mpath);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, db, RCM_STORE_CREATE)) {
        fclose(mf);
        return EXIT_UNREADABLE;
    }
    int64_t now = (int64_t)time(NULL);
    int status = EXIT_CLEAN, files = 0;
    char line[1024];
    long lineno = 0;
    while (fgets(line, sizeof(line), mf)) {
        lineno++;
        char kind[32], version[64], file[512];
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        int nf = sscanf(line, "%31s %63s %511s", kind, version, file);
        if (nf <= 0)
            continue;
        if (nf != 3) {
            fprintf(stderr, "rcm: %s:%ld: expected: kind version file\n", mpath, lineno);
            status = EXIT_UNREADABLE;
            continue;
        }
        if (!refdata_kind_known(kind)) {
            fprintf(stderr, "rcm: init: %s: kind '%s' is not built into this rcm: skipped\n", file, kind);
            continue;
        }
        char path[PATH_MAX + 600];
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        rcm_refdata_opts opts;
        rcm_refdata_opts_init(&opts);
        opts.kind = kind;
        opts.version = strcmp(version, "-") == 0 ? NULL : version;
        opts.now = now;
        int s = refdata_import_one(st, path, file, &opts, quiet);
        if (s > status)
            status = s;
        files++;
    }
    fclose(mf);
    rcm_refdata_load *v = NULL;
    size_t n = 0;
    long rows = 0, loads = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_refdata_loads(&v, &n, st, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (!v[i].replaced_by) {
                rows += v[i].rows;
                loads++;
            }
    }
    free(v);
    printf("%s: %ld loads, %ld rows of reference data%s\n", rcm_store_path(st), loads, rows,
           status ? " (some files failed)" : "");
    /* the compiled edit index beside the store follows the store's edit tables */
    rcm_error ierr;
    memset(&ierr, 0, sizeof(ierr));
    if (rcm_edits_refresh(st, NULL, &ierr) < 0)
        fprintf(stderr, "rcm: warning: the edit index was not rebuilt (rcm ncci rebuilds it): %s\n", ierr.msg);
    rcm_store_close(st);
    return status;
}
