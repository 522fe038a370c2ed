/* The bundled reference-data folder and a store filled from it (cli_init.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmd.h"
#include "cli_init.h"
#include "cmd_refdata.h"
#include "rcm/refdata.h"
#include "rcm/edits.h"

static int has_manifest(const char *dir)
{
    rcm_buf b;
    rcm_buf_init(&b, PATH_MAX);
    rcm_buf_addf(&b, "%s/MANIFEST", dir);
    struct stat sb;
    int ok = !rcm_buf_failed(&b) && stat(b.ptr, &sb) == 0 && S_ISREG(sb.st_mode);
    rcm_buf_release(&b);
    return ok;
}

/* Copies s into out when it fits. */
static int put(char *out, size_t outsz, const char *s)
{
    size_t n = strlen(s);
    if (n >= outsz)
        return -1;
    memcpy(out, s, n + 1);
    return 0;
}

int cli_refdata_dir(char *out, size_t outsz, const char *opt)
{
    if (outsz == 0)
        return -1;
    out[0] = '\0';
    const char *env = getenv("RCM_REFDATA_DIR");
    if (opt || (env && *env)) {
        if (put(out, outsz, opt ? opt : env) < 0)
            return -1;
        return has_manifest(out) ? 0 : -1;
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return -1;
    exe[n] = '\0';
    static const char *const sub[] = { "data/refdata", "share/rcm/refdata" };
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
            rcm_buf b;
            rcm_buf_init(&b, PATH_MAX);
            rcm_buf_addf(&b, "%s/%s", exe, sub[i]);
            int ok = !rcm_buf_failed(&b) && has_manifest(b.ptr) && put(out, outsz, b.ptr) == 0;
            rcm_buf_release(&b);
            if (ok)
                return 0;
        }
    }
    out[0] = '\0';
    return -1;
}

int cli_init_import(rcm_store *st, const char *dir, int64_t now, int quiet, const char *who, cli_init_report *out)
{
    memset(out, 0, sizeof(*out));
    char mpath[PATH_MAX + 16];
    snprintf(mpath, sizeof(mpath), "%s/MANIFEST", dir);
    FILE *mf = fopen(mpath, "r");
    if (!mf) {
        fprintf(stderr, "rcm: %s: cannot open\n", mpath);
        return EXIT_UNREADABLE;
    }
    int status = EXIT_CLEAN;
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
            fprintf(stderr, "rcm: %s%s: kind '%s' is not built into this rcm: skipped\n", who, file, kind);
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
        out->files++;
    }
    fclose(mf);
    rcm_refdata_load *v = NULL;
    size_t n = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_refdata_loads(&v, &n, st, &err) == 0) {
        for (size_t i = 0; i < n; i++)
            if (!v[i].replaced_by) {
                out->rows += v[i].rows;
                out->loads++;
            }
    }
    free(v);
    return status;
}

int cli_init_store(rcm_store *st, const char *dir, int64_t now, int quiet, cli_init_report *out)
{
    int status = cli_init_import(st, dir, now, quiet, "", out);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_edits_refresh(st, NULL, &err) < 0) {
        cli_error(&err);
        if (status < EXIT_UNREADABLE)
            status = EXIT_UNREADABLE;
    }
    return status;
}
