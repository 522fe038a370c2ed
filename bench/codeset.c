/*
 * codeset [DATA_DIR [DB]]: the in-memory code sets (rcm/codeset.h) on the
 * bundled reference data.
 *   1. imports the kinds the snapshot reads (icd10cm, hcpcs, cpt, pos,
 *      pprrvu, mce, mce_ages, mn) from DATA_DIR's MANIFEST (default
 *      data/refdata) into DB (default: a new store in a temporary folder,
 *      removed at the end; an existing DB is used as it is, files loaded
 *      before being skipped);
 *   2. times rcm_codeset_open_store (median of OPEN_RUNS opens, the first
 *      included) and reports the rows held and the peak RSS;
 *   3. times lookups on one core, median of PASSES passes over queries made
 *      before the clock starts: every ICD-10-CM code of the store on a date
 *      in its fiscal year (hits) and the same codes with the last character
 *      changed (mostly misses), HCPCS codes, fee-schedule facts, MCE
 *      categories, and medical-necessity checks of the bundled sample's
 *      procedures with three diagnoses; then rcm_code_lookup (the store) on
 *      a sample of the same ICD-10-CM codes, for comparison.
 * Report lines in bench.h's key=value format.
 */
#include <limits.h>
#include <sqlite3.h>
#include <unistd.h>
#include "bench.h"
#include "rcm/rcm.h"

#define OPEN_RUNS 5
#define PASSES 5
#define CODE_CAP 8

static const char *const snapshot_kinds[] = { "icd10cm", "hcpcs", "cpt", "pos", "pprrvu", "mce", "mce_ages", "mn" };

static int wanted(const char *kind)
{
    for (size_t i = 0; i < sizeof(snapshot_kinds) / sizeof(snapshot_kinds[0]); i++)
        if (strcmp(kind, snapshot_kinds[i]) == 0)
            return 1;
    return 0;
}

/* Imports the MANIFEST's files of the snapshot's kinds. */
static int import_bundled(rcm_store *st, const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/MANIFEST", dir);
    FILE *mf = fopen(path, "r");
    if (!mf) {
        fprintf(stderr, "codeset: cannot open %s\n", path);
        return -1;
    }
    char line[1024];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof(line), mf)) {
        char kind[32], version[64], file[512];
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        if (sscanf(line, "%31s %63s %511s", kind, version, file) != 3 || !wanted(kind))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        rcm_refdata_opts o;
        rcm_refdata_opts_init(&o);
        o.kind = kind;
        o.version = strcmp(version, "-") == 0 ? NULL : version;
        rcm_refdata_report rep;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        double t0 = bench_now();
        if (rcm_refdata_import(st, path, &o, &rep, &err) < 0) {
            fprintf(stderr, "codeset: %s:%ld: %s\n", path, err.line, err.msg);
            rc = -1;
        } else {
            printf("stage=import file=%s kind=%s rows=%ld seconds=%.3f%s\n", file, kind, rep.rows,
                   bench_now() - t0, rep.already_loaded ? " already_loaded=1" : "");
        }
        rcm_refdata_report_release(&rep);
    }
    fclose(mf);
    return rc;
}

typedef struct codes {
    char (*v)[CODE_CAP];
    rcm_str *s;
    size_t n;
} codes;

/* The first column of every row of sql (codes of at most 7 characters). */
static int fetch(codes *out, const char *db, const char *sql)
{
    memset(out, 0, sizeof(*out));
    sqlite3 *h = NULL;
    sqlite3_stmt *s = NULL;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(h, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "codeset: %s\n", sqlite3_errmsg(h));
        sqlite3_close(h);
        return -1;
    }
    size_t cap = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        if (!t || strlen(t) >= CODE_CAP)
            continue;
        if (out->n == cap) {
            cap = cap ? cap * 2 : 1024;
            out->v = realloc(out->v, cap * sizeof(*out->v));
            if (!out->v)
                abort();
        }
        snprintf(out->v[out->n++], CODE_CAP, "%s", t);
    }
    sqlite3_finalize(s);
    sqlite3_close(h);
    out->s = malloc((out->n ? out->n : 1) * sizeof(*out->s));
    if (!out->s)
        abort();
    for (size_t i = 0; i < out->n; i++)
        out->s[i] = (rcm_str){ out->v[i], strlen(out->v[i]) };
    return 0;
}

static void codes_free(codes *c)
{
    free(c->v);
    free(c->s);
}

/* The same codes with the last character moved on by one (most are then absent). */
static void mutate(codes *c)
{
    for (size_t i = 0; i < c->n; i++) {
        size_t k = c->s[i].n - 1;
        char ch = c->v[i][k];
        c->v[i][k] = ch == '9' ? 'A' : ch == 'Z' ? '0' : (char)(ch + 1);
    }
}

typedef long (*pass_fn)(const rcm_codeset *cs, const codes *q, int set, rcm_date dos);

static long find_pass(const rcm_codeset *cs, const codes *q, int set, rcm_date dos)
{
    long valid = 0;
    rcm_code_fact f;
    for (size_t i = 0; i < q->n; i++)
        valid += rcm_codeset_find(cs, set, q->s[i], dos, &f) == 1;
    return valid;
}

static long mce_pass(const rcm_codeset *cs, const codes *q, int set, rcm_date dos)
{
    long with = 0;
    rcm_mce_fact f;
    for (size_t i = 0; i < q->n; i++)
        with += rcm_codeset_mce(cs, q->s[i], dos, &f) == 1 && f.cats != 0;
    return with;
}

/* Each procedure with three diagnoses: two that no policy names and one of the ICD-10-CM codes. */
static long mn_pass(const rcm_codeset *cs, const codes *q, int set, rcm_date dos)
{
    static const char *const procs[] = { "80061", "82947", "84443", "84439", "99213", "82465", "85025", "84481" };
    long covered = 0;
    rcm_mn_fact f;
    for (size_t i = 0; i < q->n; i++) {
        rcm_str dx[3] = { rcm_str_c("I10"), rcm_str_c("Z0000"), q->s[i] };
        covered += rcm_codeset_mn(cs, rcm_str_c("04412"), rcm_str_c(procs[i % 8]), dos, dx, 3, &f) == RCM_MN_COVERED;
    }
    return covered;
}

static void timed(const char *what, pass_fn fn, const rcm_codeset *cs, const codes *q, int set, rcm_date dos)
{
    double wall[PASSES], cpu[PASSES];
    long answer = 0;
    for (int p = 0; p < PASSES; p++) {
        double t0 = bench_now(), c0 = bench_cpu_now();
        answer = fn(cs, q, set, dos);
        wall[p] = bench_now() - t0;
        cpu[p] = bench_cpu_now() - c0;
    }
    double mw = bench_median(wall, PASSES), mc = bench_median(cpu, PASSES);
    printf("stage=lookup what=%s lookups=%zu answered=%ld median_mlps=%.1f cpu_mlps=%.1f ns_per_lookup=%.1f\n",
           what, q->n, answer, q->n / mw / 1e6, q->n / mc / 1e6, mw / (double)(q->n ? q->n : 1) * 1e9);
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : "data/refdata";
    char tmp[PATH_MAX] = "", db[PATH_MAX];
    if (argc > 2) {
        snprintf(db, sizeof(db), "%s", argv[2]);
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(tmp, sizeof(tmp), "%s/rcm-codeset-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp)) {
            perror("codeset: mkdtemp");
            return 1;
        }
        snprintf(db, sizeof(db), "%s/rcm.db", tmp);
    }
    rcm_store *st = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int status = 1;
    if (rcm_store_open(&st, db, RCM_STORE_CREATE, &err) < 0) {
        fprintf(stderr, "codeset: %s: %s\n", db, err.msg);
        goto done;
    }
    if (import_bundled(st, dir) < 0)
        goto done;

    /* 2. open */
    double wall[OPEN_RUNS], first = 0;
    rcm_codeset *cs = NULL;
    for (int r = 0; r < OPEN_RUNS; r++) {
        rcm_codeset_free(cs);
        cs = NULL;
        double t0 = bench_now();
        if (rcm_codeset_open_store(&cs, st, &err) < 0) {
            fprintf(stderr, "codeset: open: %s\n", err.msg);
            goto done;
        }
        wall[r] = bench_now() - t0;
        if (r == 0)
            first = wall[0];
    }
    printf("stage=open first_ms=%.1f median_ms=%.1f icd10cm=%zu hcpcs=%zu hcpcs_mod=%zu cpt=%zu pos=%zu pfs=%zu"
           " rss_mb=%.1f\n", first * 1e3, bench_median(wall, OPEN_RUNS) * 1e3, rcm_codeset_count(cs, RCM_SET_ICD10CM),
           rcm_codeset_count(cs, RCM_SET_HCPCS), rcm_codeset_count(cs, RCM_SET_HCPCS_MOD),
           rcm_codeset_count(cs, RCM_SET_CPT), rcm_codeset_count(cs, RCM_SET_POS), rcm_codeset_count(cs, RCM_SET_PFS),
           bench_rss_mb());

    /* 3. lookups */
    codes icd, hcpcs, pfs;
    if (fetch(&icd, db, "SELECT code FROM ref_code WHERE code_set = 'icd10cm' ORDER BY random()") < 0 ||
        fetch(&hcpcs, db, "SELECT code FROM ref_code WHERE code_set = 'hcpcs' ORDER BY random()") < 0 ||
        fetch(&pfs, db, "SELECT hcpcs FROM pfs_rvu WHERE modifier = '' ORDER BY random()") < 0)
        goto done;
    rcm_date fy22 = rcm_date_from_ymd(2022, 2, 1), cy22 = rcm_date_from_ymd(2022, 6, 1);
    rcm_date cy25 = rcm_date_from_ymd(2025, 11, 3), fy20 = rcm_date_from_ymd(2020, 2, 1);
    timed("icd10cm_present", find_pass, cs, &icd, RCM_SET_ICD10CM, fy22);
    timed("hcpcs_present", find_pass, cs, &hcpcs, RCM_SET_HCPCS, cy22);
    timed("pfs_present", find_pass, cs, &pfs, RCM_SET_PFS, cy25);
    timed("mce", mce_pass, cs, &icd, 0, fy20);
    timed("mn_3dx", mn_pass, cs, &icd, 0, cy25);
    size_t n = icd.n < 2000 ? icd.n : 2000;
    rcm_code_info info[4];
    long valid = 0;
    double t0 = bench_now();
    for (size_t i = 0; i < n; i++) {
        int k = rcm_code_lookup(info, 4, st, icd.v[i], fy22, &err);
        valid += k > 0 && info[0].valid == 1;
    }
    double t = bench_now() - t0;
    printf("stage=store_lookup what=rcm_code_lookup lookups=%zu valid=%ld lookups_per_s=%.0f us_per_lookup=%.1f\n", n,
           valid, n / t, t / (double)(n ? n : 1) * 1e6);
    mutate(&icd);
    timed("icd10cm_changed", find_pass, cs, &icd, RCM_SET_ICD10CM, fy22);

    codes_free(&icd);
    codes_free(&hcpcs);
    codes_free(&pfs);
    rcm_codeset_free(cs);
    status = 0;
done:
    rcm_store_close(st);
    if (tmp[0]) {
        char p[PATH_MAX + 16];
        static const char *const sfx[] = { "", "-wal", "-shm" };
        for (int i = 0; i < 3; i++) {
            snprintf(p, sizeof(p), "%s%s", db, sfx[i]);
            unlink(p);
        }
        rmdir(tmp);
    }
    return status;
}
