/*
 * rcm refdata: import reference-data files into the store and show what is
 * loaded.
 *
 *   rcm refdata import PATH... [--kind K] [--version V] [--from DATE] [--to DATE] [--skip-bad]
 *   rcm refdata status [--json]
 *   rcm refdata kinds
 *
 * Each file is imported in its own transaction: a file with a malformed row
 * is rejected whole (exit 1) and the next file is still tried.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "cli_store.h"
#include "cmd_refdata.h"
#include "rcm/refdata.h"
#include "rcm/edits.h"

static int cmd_import(int argc, char **argv);
static int cmd_status(int argc, char **argv);
static int cmd_kinds(int argc, char **argv);

static const cmd refdata_cmds[] = {
    { "import", cmd_import, "import reference-data files (kind detected from the layout)" },
    { "kinds", cmd_kinds, "list the kinds of files rcm can import" },
    { "status", cmd_status, "what is loaded: kinds, versions, date ranges, rows, sources" },
};

int cmd_refdata(int argc, char **argv)
{
    return cmd_dispatch("rcm refdata", refdata_cmds, sizeof(refdata_cmds) / sizeof(refdata_cmds[0]),
                        argc - 1, argv + 1);
}

void refdata_fmt_range(char *out, size_t outsz, rcm_date from, rcm_date to)
{
    char a[16], b[16];
    rcm_date_fmt(a, from, 1);
    rcm_date_fmt(b, to, 1);
    if (from == RCM_DATE_NONE && to == RCM_DATE_NONE)
        snprintf(out, outsz, "all dates");
    else if (to == RCM_DATE_NONE)
        snprintf(out, outsz, "from %s", a);
    else if (from == RCM_DATE_NONE)
        snprintf(out, outsz, "until %s", b);
    else
        snprintf(out, outsz, "%s to %s", a, b);
}

int refdata_import_one(rcm_store *st, const char *path, const char *shown, const rcm_refdata_opts *opts,
                       int quiet)
{
    rcm_refdata_report rep;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_refdata_import(st, path, opts, &rep, &err);
    err.source = shown;
    path = shown;
    for (size_t i = 0; i < rep.nskipped; i++)
        fprintf(stderr, "%s:%ld: skipped: %s\n", path, rep.skipped[i].line, rep.skipped[i].msg);
    char range[64];
    refdata_fmt_range(range, sizeof(range), rep.eff_from, rep.eff_to);
    int status = EXIT_CLEAN;
    if (rc < 0) {
        cli_error(&err);
        fprintf(stderr, "rcm: %s: nothing imported\n", path);
        status = rc == RCM_EFORMAT ? EXIT_PROBLEMS : EXIT_UNREADABLE;
    } else if (rep.already_loaded) {
        if (!quiet)
            printf("%s: already loaded as load %ld (%s %s, same checksum): nothing changed\n", path,
                   rep.load_id, rep.kind, rep.version);
    } else if (!quiet) {
        printf("%s: loaded %s %s, in force %s: %ld row%s", path, rep.kind, rep.version, range, rep.rows,
               rep.rows == 1 ? "" : "s");
        if (rep.nskipped)
            printf(", %zu line%s skipped", rep.nskipped, rep.nskipped == 1 ? "" : "s");
        if (rep.replaced)
            printf(", replaces load %ld", rep.replaced);
        printf(" (load %ld)\n", rep.load_id);
    }
    rcm_refdata_report_release(&rep);
    return status;
}

static const char import_usage[] =
    "usage: rcm refdata import PATH... [options]\n"
    "  --kind K         the file's kind (rcm refdata kinds); default: detected from its layout\n"
    "  --version V      version label (ICD-10-CM fiscal year 2022, HCPCS 2025-04, CARC list 2024-11);\n"
    "                   default: from the file name\n"
    "  --from DATE      first date of service the file is in force (default: the kind's rule)\n"
    "  --to DATE        last date of service (inclusive)\n"
    "  --skip-bad       skip malformed rows, listing each, instead of rejecting the file\n"
    "  --db PATH        the store (default: $RCM_DB, else ./rcm.db)\n";

static int cmd_import(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "kind", required_argument, NULL, 'k' },
        { "version", required_argument, NULL, 'v' },
        { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },
        { "skip-bad", no_argument, NULL, 's' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    rcm_refdata_opts opts;
    rcm_refdata_opts_init(&opts);
    const char *db = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "k:v:f:t:sd:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'k': opts.kind = optarg; break;
        case 'v': opts.version = optarg; break;
        case 'f':
            if (cli_parse_date(&opts.eff_from, "--from", optarg))
                return EXIT_UNREADABLE;
            break;
        case 't':
            if (cli_parse_date(&opts.eff_to, "--to", optarg))
                return EXIT_UNREADABLE;
            break;
        case 's': opts.skip_bad = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(import_usage, stdout); return EXIT_CLEAN;
        default: fputs(import_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        fputs(import_usage, stderr);
        return EXIT_UNREADABLE;
    }
    if (opts.kind && !refdata_kind_known(opts.kind)) {
        fprintf(stderr, "rcm: --kind '%s': unknown (rcm refdata kinds lists them)\n", opts.kind);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, db, RCM_STORE_CREATE))
        return EXIT_UNREADABLE;
    opts.now = (int64_t)time(NULL);
    int status = EXIT_CLEAN;
    for (int i = optind; i < argc; i++) {
        int s = refdata_import_one(st, argv[i], argv[i], &opts, 0);
        if (s > status)
            status = s;
    }
    /* the compiled edit index beside the store follows the store's edit tables */
    rcm_error ierr;
    memset(&ierr, 0, sizeof(ierr));
    if (rcm_edits_refresh(st, NULL, &ierr) < 0)
        fprintf(stderr, "rcm: warning: the edit index was not rebuilt (rcm ncci rebuilds it): %s\n", ierr.msg);
    rcm_store_close(st);
    return status;
}

int refdata_kind_known(const char *kind)
{
    const char *name;
    for (size_t i = 0; (name = rcm_refdata_kind_name(i, NULL)); i++)
        if (strcmp(name, kind) == 0)
            return 1;
    return 0;
}

static int cmd_kinds(int argc, char **argv)
{
    const char *name, *desc;
    for (size_t i = 0; (name = rcm_refdata_kind_name(i, &desc)); i++)
        printf("%-10s %s\n", name, desc);
    return EXIT_CLEAN;
}

static void fmt_time(char *out, size_t outsz, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || !strftime(out, outsz, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(out, outsz, "%lld", (long long)t);
}

static json_t *load_json(const rcm_refdata_load *l)
{
    char from[16], to[16], at[32];
    rcm_date_fmt(from, l->eff_from, 1);
    rcm_date_fmt(to, l->eff_to, 1);
    fmt_time(at, sizeof(at), l->loaded_at);
    json_t *j = json_object();
    json_object_set_new(j, "load", json_integer(l->id));
    json_object_set_new(j, "kind", json_string(l->kind));
    json_object_set_new(j, "version", json_string(l->version));
    json_object_set_new(j, "effective_from", l->eff_from == RCM_DATE_NONE ? json_null() : json_string(from));
    json_object_set_new(j, "effective_to", l->eff_to == RCM_DATE_NONE ? json_null() : json_string(to));
    json_object_set_new(j, "rows", json_integer(l->rows));
    json_object_set_new(j, "skipped", json_integer(l->skipped));
    json_object_set_new(j, "source", json_string(l->source));
    json_object_set_new(j, "sha256", json_string(l->sha256));
    json_object_set_new(j, "loaded_at", json_string(at));
    json_object_set_new(j, "replaced_by", l->replaced_by ? json_integer(l->replaced_by) : json_null());
    return j;
}

static const char status_usage[] =
    "usage: rcm refdata status [--json] [--all] [--db PATH]\n"
    "  what is loaded: kind, version, dates of service in force, rows, source file, checksum\n"
    "  --all   also list loads replaced by a later load of the same kind and version\n";

static int cmd_status(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "json", no_argument, NULL, 'j' },
        { "all", no_argument, NULL, 'a' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    int as_json = 0, all = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "jad:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'j': as_json = 1; break;
        case 'a': all = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(status_usage, stdout); return EXIT_CLEAN;
        default: fputs(status_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc) {
        fputs(status_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, db, 0))
        return EXIT_UNREADABLE;
    rcm_refdata_load *v = NULL;
    size_t n = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_refdata_loads(&v, &n, st, &err);
    rcm_store_close(st);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            if (all || !v[i].replaced_by)
                json_array_append_new(arr, load_json(&v[i]));
        char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(arr);
    } else if (n == 0) {
        printf("no reference data loaded (rcm init loads the bundled sets)\n");
    } else {
        printf("%-4s %-10s %-8s %-24s %7s  %-42s %-20s %s\n", "LOAD", "KIND", "VERSION", "IN FORCE",
               "ROWS", "SOURCE", "LOADED", "SHA-256");
        for (size_t i = 0; i < n; i++) {
            const rcm_refdata_load *l = &v[i];
            if (l->replaced_by && !all)
                continue;
            char range[64], at[32];
            refdata_fmt_range(range, sizeof(range), l->eff_from, l->eff_to);
            fmt_time(at, sizeof(at), l->loaded_at);
            printf("%-4ld %-10s %-8s %-24s %7ld  %-42s %-20s %.12s", l->id, l->kind, l->version, range,
                   l->rows, l->source, at, l->sha256);
            if (l->skipped)
                printf("  (%ld skipped)", l->skipped);
            if (l->replaced_by)
                printf("  (replaced by %ld)", l->replaced_by);
            putchar('\n');
        }
    }
    free(v);
    return EXIT_CLEAN;
}
