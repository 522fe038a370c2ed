/*
 * scrub [-s SEED] [-t LIST] [-r RUNS] [-H N] [-d DIR] [-D DATA] [-p] [CLAIMS]:
 * the scrubber's speed at national scale (docs/bench.md, "The scrubber").
 *
 * Setup, timed step by step: a new store with the bundled code sets
 * (data/refdata/MANIFEST), full-scale synthetic NCCI tables in the official
 * layouts written into the scratch folder (2,000,000 practitioner PTP rows in
 * 4 parts, 45,000 MUE rows, an add-on code table) and imported with
 * rcm_refdata_import, the compiled edit index (rcm_edits_open_store), the
 * code sets in memory (rcm_codeset_open_store) and a history of N claims
 * already submitted (default 100,000) for the DUP family.
 *
 * The tables' codes are real ones: every fee-schedule code a practice bills
 * (PPRRVU status A, C, R, T, and X for laboratory and vaccine codes; HCPCS
 * codes only when HCPCS 2022 has them), then synthetic CPT-shaped codes up
 * to the generator's 16,000 (PTP) and 45,000 (MUE) codes (refdata_synth.h:
 * the same rows, code numbers mapped). Claims use the real ones, so the PX
 * family judges them as it would a practice's.
 *
 * Claims: CLAIMS (default 1,000,000) 837P claims of 64 practices, 1 to 12
 * lines (about 4), dates of service in 2022-01-01..2022-09-30 (the bundled
 * ICD-10-CM is FY2022, HCPCS 2022 starts in January), today 2022-10-03.
 * Clean claims are built to pass: distinct codes with no PTP row between
 * any two of them, units within the MUE, add-on codes with a listed primary,
 * diagnoses billable and in no MCE age/sex list. 6% carry one injected
 * fault (fault_names). 2% carry a PTP edit bypassed with 59 or XU (an info
 * finding, as on real claims). Claim i is a pure function of (seed, i),
 * built into a small per-thread batch right before it is scrubbed: a
 * million rcm_claim structs with their lines would take about 26 GB.
 * Building never touches the edit index or the code sets, so the scrubber
 * does not find them warmed by it.
 *
 * Run: after an untimed warm-up on the first 50,000 claims (the mapped edit
 * index's pages fault in), every claim through rcm_scrub_claim on 1 thread,
 * then on 2 and on all online CPUs (or -t LIST), RUNS times each (medians
 * reported), claims split into contiguous chunks, one engine, one findings
 * list per thread. Only the scrub calls are timed (per batch of 32 claims,
 * wall clock and thread CPU time). Each claim's findings (rule, severity,
 * claim index, lines, codes, message) are hashed in order; the hashes,
 * folded in claim order, must be the same for every thread count and run
 * ("findings identical"), else the exit status is 1.
 *
 * -p adds a per-family profile: the first 100,000 claims (at most) on one
 * thread with one family at a time (cfg.families), minus the engine alone
 * (claim view, dispatch), in ns per line; best of 3 runs each.
 *
 * Prints a summary and one "stage=scrub ..." key=value line per thread
 * count (bench.h). Exit status 0, 1 on a failure or different findings,
 * 2 on bad usage.
 */
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <unistd.h>
#include <zlib.h>
#include "bench.h"
#include "synth.h"
#include "refdata_synth.h"
#include "rcm/rcm.h"

#define DEF_CLAIMS 1000000u
#define BATCH 32                /* claims built, then scrubbed, per timed step (about 1.3 MB of claims) */
#define MAX_LINES 12
#define MAX_DX 12
#define NPRACTICE 64
#define NDOCS 4
#define PRACTICE_CODES 150
#define PRACTICE_DX 300
#define MAX_THREADS 64
#define FAULT_PERMILLE 60       /* claims with an injected fault, per thousand */
#define PROFILE_CLAIMS 100000u
#define WARMUP_CLAIMS 50000u
#define DEF_HISTORY 100000u
#define HIST_BASE 0x80000000u    /* claim numbers of the history: claim i of it is built as HIST_BASE + i */
#define PROFILE_REPEAT 3
#define PTP_PART_ROWS (SYN_PTP_ROWS / SYN_PTP_PARTS)

/* File names of the synthetic tables: NCCI 28.0 and 2022 Q1, in force from 2022-01-01. */
#define PTP_NAME "ccipra-v280r0-f%u.txt"
#define MUE_NAME "MUE_Practitioner_2022_Q1.csv"
#define AOC_NAME "AOC_2022_Q1.csv"

/* ---- the code universe ---- */

enum { U_EM = 1, U_ADDON = 2, U_MN = 4, U_SPLIT = 8 };

typedef struct ucode {
    char code[6];
    uint8_t flags;
} ucode;

typedef struct addon {
    uint32_t u;             /* the add-on code */
    int type;               /* AOC edit type 1, 2, 3 */
    uint32_t prim[6];       /* listed primaries (none for type 2) */
    int nprim;
} addon;

typedef struct doctor {
    synth_person p;
    char npi[11];
} doctor;

typedef struct practice {
    char name[61], npi[11], ein[10], number[8];
    const char *street, *taxonomy;
    const synth_place *place;
    doctor doc[NDOCS];
    uint32_t codes[PRACTICE_CODES];     /* universe indexes */
    uint32_t dx[PRACTICE_DX];           /* indexes into the clean diagnoses */
} practice;

typedef char dxcode[8];

typedef struct dxpool {
    dxcode *v;
    size_t n, cap;
} dxpool;

/* Everything the claim builder reads: built in setup, read-only afterwards. */
typedef struct bench_ctx {
    uint64_t seed;
    rcm_date today, dos0;               /* dates of service dos0 .. dos0 + NDAYS - 1 */
    ucode *univ;                        /* SYN_MUE_ROWS codes: [0, nreal) billable, then filler */
    uint32_t nreal;
    uint64_t *pairs;                    /* bit per unordered pair of real codes with a PTP row */
    uint32_t *common, ncommon;          /* real codes a clean claim may carry anywhere */
    uint32_t *mn, nmn;                  /* codes a medical-necessity policy lists */
    uint32_t em_new[4], em_est[5];
    addon *addons;
    uint32_t naddons;
    uint32_t *aoc_clean, naoc_clean;    /* add-ons of type 1 or 3 (with a listed primary) */
    uint32_t *aoc_type1, naoc_type1;
    uint32_t *ptp_fault, nptp_fault;    /* PTP rows (indicator 0 or 1) in force all year */
    uint32_t *ptp_bypass, nptp_bypass;  /* those of indicator 1 */
    dxpool clean, male, female, newborn, header, invalid;
    uint32_t nhist;                     /* claims in the history (HIST_BASE + 0 .. nhist - 1) */
    practice practices[NPRACTICE];
} bench_ctx;

#define NDAYS 273   /* 2022-01-01 .. 2022-09-30 */

static const synth_payer *medicare_payer(void)
{
    return &synth_payers[0];
}

static void set(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src ? src : "");
}
#define SET(field, src) set((field), sizeof(field), (src))

static void fail(const char *what, const rcm_error *err)
{
    char msg[512];
    rcm_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "scrub: %s: %s\n", what, msg);
}

/* Resident set now (not the peak), MiB. */
static double rss_now_mb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, res = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &size, &res) != 2)
            res = 0;
        fclose(f);
    }
    return (double)res * (double)sysconf(_SC_PAGESIZE) / (1024.0 * 1024.0);
}

static double thread_cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- setup: the bundled sets ---- */

static int has_manifest(const char *dir)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof(p), "%s/MANIFEST", dir);
    return access(p, R_OK) == 0;
}

/* The bundled data folder: -D, $RCM_REFDATA_DIR, ./data/refdata, or up from the program. */
static int find_data(char *out, size_t n, const char *opt)
{
    const char *env = getenv("RCM_REFDATA_DIR");
    if (opt || (env && *env)) {
        snprintf(out, n, "%s", opt ? opt : env);
        return has_manifest(out) ? 0 : -1;
    }
    snprintf(out, n, "data/refdata");
    if (has_manifest(out))
        return 0;
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (len <= 0)
        return -1;
    exe[len] = '\0';
    for (int up = 0; up < 5; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            break;
        *slash = '\0';
        if ((size_t)snprintf(out, n, "%s/data/refdata", exe) < n && has_manifest(out))
            return 0;
    }
    return -1;
}

static int kind_known(const char *kind)
{
    const char *k;
    for (size_t i = 0; (k = rcm_refdata_kind_name(i, NULL)); i++)
        if (strcmp(k, kind) == 0)
            return 1;
    return 0;
}

typedef struct import_total {
    int files, already;     /* files imported; of them, loaded before (same checksum) */
    long rows;
} import_total;

static int import_file(rcm_store *st, const char *path, const rcm_refdata_opts *opts, import_total *t)
{
    rcm_refdata_report rep;
    rcm_error err;
    memset(&rep, 0, sizeof(rep));
    memset(&err, 0, sizeof(err));
    int rc = rcm_refdata_import(st, path, opts, &rep, &err);
    if (rc < 0)
        fail(path, &err);
    else {
        t->files++;
        t->already += rep.already_loaded;
        t->rows += rep.rows;
    }
    rcm_refdata_report_release(&rep);
    return rc;
}

/*
 * Imports every bundled file of the MANIFEST except the NCCI samples (the
 * synthetic tables replace them). The fee schedule (CY2025) and the MCE lists
 * (FY2020) are imported as stand-ins for 2022, the year of the claims, so the
 * PX, MOD, AGE and SEX families judge the codes instead of saying no table
 * covers the date. Notes the fee schedule's and ICD-10-CM's file paths.
 */
static int import_bundled(rcm_store *st, const char *dir, char *pfs, char *icd, size_t pathsz, import_total *t)
{
    char mpath[PATH_MAX + 16], line[1024];
    snprintf(mpath, sizeof(mpath), "%s/MANIFEST", dir);
    FILE *mf = fopen(mpath, "r");
    if (!mf) {
        fprintf(stderr, "scrub: cannot open %s\n", mpath);
        return -1;
    }
    int rc = 0;
    pfs[0] = icd[0] = '\0';
    while (rc == 0 && fgets(line, sizeof(line), mf)) {
        char kind[32], version[64], file[512], path[PATH_MAX + 600];
        char *h = strchr(line, '#');
        if (h)
            *h = '\0';
        if (sscanf(line, "%31s %63s %511s", kind, version, file) != 3)
            continue;
        if (!kind_known(kind) || !strcmp(kind, "ptp") || !strcmp(kind, "mue") || !strcmp(kind, "aoc"))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, file);
        rcm_refdata_opts o;
        rcm_refdata_opts_init(&o);
        o.kind = kind;
        o.version = strcmp(version, "-") ? version : NULL;
        o.now = (int64_t)time(NULL);
        if (!strcmp(kind, "pprrvu")) {
            o.version = "2022";
            o.eff_from = rcm_date_from_ymd(2022, 1, 1);
            o.eff_to = rcm_date_from_ymd(2022, 12, 31);
            snprintf(pfs, pathsz, "%s", path);
        } else if (!strcmp(kind, "mce")) {
            o.version = "2022";
            o.eff_from = rcm_date_from_ymd(2021, 10, 1);
            o.eff_to = rcm_date_from_ymd(2022, 9, 30);
        } else if (!strcmp(kind, "icd10cm")) {
            snprintf(icd, pathsz, "%s", path);
        }
        rc = import_file(st, path, &o, t);
    }
    fclose(mf);
    if (rc == 0 && (!pfs[0] || !icd[0])) {
        fprintf(stderr, "scrub: %s lists no pprrvu or no icd10cm file\n", mpath);
        rc = -1;
    }
    return rc;
}

/* ---- setup: the code universe ---- */

static int cmp_code(const void *a, const void *b)
{
    return strcmp((const char *)a, (const char *)b);
}

/* Splits a CSV line without quotes into at most max fields (in place). */
static int split_csv(char *s, char **f, int max)
{
    int n = 0;
    s[strcspn(s, "\r\n")] = '\0';
    while (n < max) {
        f[n++] = s;
        char *c = strchr(s, ',');
        if (!c)
            break;
        *c = '\0';
        s = c + 1;
    }
    return n;
}

static int column(char **f, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(f[i], name))
            return i;
    return -1;
}

/*
 * Status X codes Medicare pays on another fee schedule, which practices bill
 * all the same: clinical laboratory, vaccines, venipuncture.
 */
static int paid_elsewhere(const char *code)
{
    if (strspn(code, "0123456789") != 5)
        return 0;
    long v = strtol(code, NULL, 10);
    return (v >= 80047 && v <= 89398) || (v >= 90281 && v <= 90759) || v == 36415;
}

/*
 * Reads the fee schedule file: the billable codes (global rows of status A,
 * C, R, T, and X when paid_elsewhere; HCPCS Level II codes only when HCPCS
 * has them in 2022) into b->univ, sorted, and every code the file has into
 * *all (sorted, for the filler codes to avoid).
 */
static int read_pfs(bench_ctx *b, const rcm_codeset *cs, const char *path, char (**all)[6], size_t *nall)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        fprintf(stderr, "scrub: cannot read %s\n", path);
        return -1;
    }
    char line[4096], *f[64];
    int ic = -1, im = -1, is = -1, ip = -1, ig = -1;
    size_t cap = 32768, n = 0;
    char(*codes)[6] = malloc(cap * sizeof(*codes));
    int oom = !codes;
    rcm_date mid = rcm_date_from_ymd(2022, 5, 1);
    while (codes && gzgets(gz, line, sizeof(line))) {
        int nf = split_csv(line, f, 64);
        if (ic < 0) {
            ic = column(f, nf, "hcpcs"), im = column(f, nf, "modifier"), is = column(f, nf, "status_code");
            ip = column(f, nf, "pctc_ind"), ig = column(f, nf, "glob_days");
            if (ic < 0 || im < 0 || is < 0 || ip < 0 || ig < 0)
                break;
            continue;
        }
        if (nf <= ic || nf <= im || nf <= is || nf <= ip || nf <= ig || strlen(f[ic]) != 5)
            continue;
        if (n == cap) {
            void *p = realloc(codes, (cap *= 2) * sizeof(*codes));
            if (!p) {
                oom = 1;
                break;
            }
            codes = p;
        }
        memcpy(codes[n++], f[ic], 6);
        if (f[im][0] || !f[is][0] || !strchr("ACRTX", f[is][0]) || b->nreal >= SYN_PTP_CODES)
            continue;
        if (f[is][0] == 'X' && !paid_elsewhere(f[ic]))
            continue;
        rcm_str code = rcm_str_c(f[ic]);
        rcm_code_fact k;
        if (rcm_code_check_hcpcs(code, NULL) == 0 &&
            rcm_codeset_find(cs, RCM_SET_HCPCS, code, mid, &k) != 1)
            continue;
        if (rcm_code_check_cpt(code, NULL) < 0 && rcm_code_check_hcpcs(code, NULL) < 0)
            continue;
        ucode *u = &b->univ[b->nreal++];
        memcpy(u->code, f[ic], 6);
        u->flags = (uint8_t)((!strcmp(f[ig], "ZZZ") ? U_ADDON : 0) | (f[ip][0] == '1' ? U_SPLIT : 0));
    }
    gzclose(gz);
    if (oom || ic < 0 || im < 0 || is < 0 || ip < 0 || ig < 0 || b->nreal < 1000) {
        if (oom)
            fprintf(stderr, "scrub: out of memory\n");
        else
            fprintf(stderr, "scrub: %s: not the fee schedule layout expected (columns hcpcs, modifier,"
                            " status_code, pctc_ind, glob_days)\n", path);
        free(codes);
        return -1;
    }
    qsort(codes, n, sizeof(*codes), cmp_code);
    qsort(b->univ, b->nreal, sizeof(*b->univ), cmp_code);
    *all = codes;
    *nall = n;
    return 0;
}

static uint32_t find_real(const bench_ctx *b, const char *code)
{
    const ucode *u = bsearch(code, b->univ, b->nreal, sizeof(*b->univ), cmp_code);
    return u ? (uint32_t)(u - b->univ) : UINT32_MAX;
}

/* Fills the universe past the real codes with generator codes no fee schedule row has. Returns 0 or -1. */
static int fill_universe(bench_ctx *b, char (*all)[6], size_t nall)
{
    uint32_t n = b->nreal;
    for (uint32_t k = 0; n < SYN_MUE_ROWS && k < SYN_CODES; k++) {
        char c[6];
        syn_code(c, k);
        if (bsearch(c, all, nall, sizeof(*all), cmp_code))
            continue;
        memcpy(b->univ[n++].code, c, 6);
    }
    return n == SYN_MUE_ROWS ? 0 : -1;
}

/* Appends x to the array *v of *n (its capacity: 16, then doubling at each power of two). */
static int push(uint32_t **v, uint32_t *n, uint32_t x)
{
    if (*n == 0 || (*n >= 16 && (*n & (*n - 1)) == 0)) {
        void *p = realloc(*v, (*n ? *n * 2 : 16) * sizeof(**v));
        if (!p)
            return -1;
        *v = p;
    }
    (*v)[(*n)++] = x;
    return 0;
}

/* E/M codes, MN flags and the pool of codes clean claims carry. */
static int classify(bench_ctx *b, const rcm_codeset *cs)
{
    static const char *const em_new[4] = { "99202", "99203", "99204", "99205" };
    static const char *const em_est[5] = { "99211", "99212", "99213", "99214", "99215" };
    for (int i = 0; i < 4; i++)
        if ((b->em_new[i] = find_real(b, em_new[i])) == UINT32_MAX)
            return -1;
    for (int i = 0; i < 5; i++)
        if ((b->em_est[i] = find_real(b, em_est[i])) == UINT32_MAX)
            return -1;
    rcm_date mid = rcm_date_from_ymd(2022, 5, 1);
    rcm_str nodx = rcm_str_c("");
    for (uint32_t i = 0; i < b->nreal; i++) {
        ucode *u = &b->univ[i];
        if (strcmp(u->code, "99202") >= 0 && strcmp(u->code, "99499") <= 0 && strspn(u->code, "0123456789") == 5)
            u->flags |= U_EM;
        if (rcm_codeset_mn(cs, rcm_str_c(""), rcm_str_c(u->code), mid, &nodx, 0, NULL) == RCM_MN_NOT_COVERED) {
            u->flags |= U_MN;
            if (push(&b->mn, &b->nmn, i) < 0)
                return -1;
        }
        if (!(u->flags & (U_EM | U_ADDON | U_MN)) && push(&b->common, &b->ncommon, i) < 0)
            return -1;
    }
    return b->ncommon > 1000 ? 0 : -1;
}

/* ---- setup: the synthetic tables ---- */

static void pair_mark(bench_ctx *b, uint32_t x, uint32_t y)
{
    uint64_t bit = x < y ? (uint64_t)x * b->nreal + y : (uint64_t)y * b->nreal + x;
    b->pairs[bit >> 6] |= UINT64_C(1) << (bit & 63);
}

static int pair_has_row(const bench_ctx *b, uint32_t x, uint32_t y)
{
    uint64_t bit = x < y ? (uint64_t)x * b->nreal + y : (uint64_t)y * b->nreal + x;
    return (int)(b->pairs[bit >> 6] >> (bit & 63) & 1);
}

static FILE *create(const char *dir, const char *name, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        fprintf(stderr, "scrub: cannot write %s\n", path);
    return f;
}

static int close_out(FILE *f, const char *path, int bad)
{
    if (fclose(f) != 0 || bad) {
        fprintf(stderr, "scrub: writing %s failed\n", path);
        return -1;
    }
    return 0;
}

/*
 * The PTP parts: refdata_synth.h's 2,000,000 rows with its code numbers
 * mapped to the universe. Marks the pairs of real codes that have a row, and
 * keeps the rows that make good faults: both codes real and not add-on codes,
 * indicator 0 or 1, effective before 2022 and never deleted.
 */
static int write_ptp(bench_ctx *b, const char *dir, char paths[SYN_PTP_PARTS][PATH_MAX + 64])
{
    for (unsigned part = 0; part < SYN_PTP_PARTS; part++) {
        char name[64];
        snprintf(name, sizeof(name), PTP_NAME, part + 1);
        FILE *f = create(dir, name, paths[part], sizeof(paths[part]));
        if (!f)
            return -1;
        int bad = syn_preamble(f);
        for (uint64_t i = part * (uint64_t)PTP_PART_ROWS; !bad && i < (part + 1) * (uint64_t)PTP_PART_ROWS; i++) {
            syn_ptp r;
            syn_ptp_row(&r, i);
            bad = syn_ptp_write(f, i, &r, b->univ[r.c1].code, b->univ[r.c2].code);
            if (r.c1 >= b->nreal || r.c2 >= b->nreal)
                continue;
            pair_mark(b, r.c1, r.c2);
            if (r.modifier == 9 || r.deleted || r.y > 2021 || ((b->univ[r.c1].flags | b->univ[r.c2].flags) & U_ADDON))
                continue;
            if (push(&b->ptp_fault, &b->nptp_fault, (uint32_t)i) < 0 ||
                (r.modifier == 1 && push(&b->ptp_bypass, &b->nptp_bypass, (uint32_t)i) < 0))
                bad = 1;
        }
        if (close_out(f, paths[part], bad) < 0)
            return -1;
    }
    return b->nptp_fault && b->nptp_bypass ? 0 : -1;
}

static int write_mue(const bench_ctx *b, const char *dir, char *path, size_t n)
{
    FILE *f = create(dir, MUE_NAME, path, n);
    if (!f)
        return -1;
    int bad = syn_mue_preamble(f);
    for (uint32_t k = 0; !bad && k < SYN_MUE_ROWS; k++)
        bad = syn_mue_line(f, k, b->univ[k].code);
    return close_out(f, path, bad);
}

/*
 * The add-on code table (the CMS spreadsheet's columns, saved as CSV): every
 * real code with global days ZZZ is an add-on code; 80% type 1 with 1-6
 * listed primaries, 10% type 2 (no list), 10% type 3.
 */
static int write_aoc(bench_ctx *b, const char *dir, char *path, size_t n)
{
    FILE *f = create(dir, AOC_NAME, path, n);
    if (!f)
        return -1;
    int bad = fprintf(f, "Add-on Code,Primary Code,AOC Edit Type,AOC Edit Effective Date,AOC Edit Deletion Date,"
                         "Special Instruction Notes\r\n") < 0;
    b->addons = calloc(b->nreal, sizeof(*b->addons));
    if (!b->addons)
        bad = 1;
    for (uint32_t i = 0; !bad && i < b->nreal; i++) {
        if (!(b->univ[i].flags & U_ADDON))
            continue;
        addon *a = &b->addons[b->naddons];
        synth_rng r = { syn_mix(i + 4242) };
        uint32_t t = synth_below(&r, 10);
        a->u = i;
        a->type = t < 8 ? 1 : t == 8 ? 2 : 3;
        if (a->type == 2) {
            bad = fprintf(f, "%s,CCCCC,2,20130101,*,\r\n", b->univ[i].code) < 0;
        } else {
            int want = 1 + (int)synth_below(&r, 6);
            for (int tries = 0; a->nprim < want && tries < 50; tries++) {
                uint32_t p = b->common[synth_below(&r, b->ncommon)];
                int dup = pair_has_row(b, p, i);
                for (int k = 0; k < a->nprim; k++)
                    dup |= a->prim[k] == p;
                if (!dup)
                    a->prim[a->nprim++] = p;
            }
            for (int k = 0; !bad && k < a->nprim; k++)
                bad = fprintf(f, "%s,%s,%d,20130101,*,\r\n", b->univ[i].code, b->univ[a->prim[k]].code,
                              a->type) < 0;
            if (a->nprim && push(&b->aoc_clean, &b->naoc_clean, b->naddons) < 0)
                bad = 1;
            if (a->type == 1 && a->nprim && push(&b->aoc_type1, &b->naoc_type1, b->naddons) < 0)
                bad = 1;
        }
        b->naddons++;
    }
    if (close_out(f, path, bad) < 0)
        return -1;
    return b->naoc_clean && b->naoc_type1 ? 0 : -1;
}

/* ---- setup: diagnoses ---- */

static int dx_add(dxpool *p, const char *code)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 1024;
        void *v = realloc(p->v, cap * sizeof(*p->v));
        if (!v)
            return -1;
        p->v = v;
        p->cap = cap;
    }
    snprintf(p->v[p->n++], sizeof(dxcode), "%s", code);
    return 0;
}

/*
 * The diagnoses from the bundled ICD-10-CM order file: billable codes with
 * no MCE age or sex category, no external cause (V-Y), pregnancy (O) or
 * perinatal (P) code for clean claims; male-only and female-only codes;
 * headers; and well-formed codes the file does not have.
 */
static int read_icd(bench_ctx *b, const rcm_codeset *cs, const char *path)
{
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        fprintf(stderr, "scrub: cannot read %s\n", path);
        return -1;
    }
    dxpool all = { 0 };
    char line[1024];
    rcm_date mid = rcm_date_from_ymd(2022, 5, 1);
    int rc = 0;
    while (rc == 0 && gzgets(gz, line, sizeof(line))) {
        if (strlen(line) < 16 || line[5] != ' ')
            continue;
        char code[8];
        int len = 0;
        while (len < 7 && line[6 + len] != ' ')
            len++;
        snprintf(code, sizeof(code), "%.*s", len, line + 6);
        rc = dx_add(&all, code);
        rcm_mce_fact m;
        int cats = rcm_codeset_mce(cs, rcm_str_c(code), mid, &m) == 1 ? (int)m.cats : 0;
        int odd = strchr("VWXYOP", code[0]) || !strncmp(code, "Z3A", 3);
        if (rc == 0 && line[14] == '0' && !odd && !cats)
            rc = dx_add(&b->header, code);
        if (rc < 0 || line[14] != '1' || odd)
            continue;
        if (!cats)
            rc = dx_add(&b->clean, code);
        else if (cats == RCM_MCE_MALE)
            rc = dx_add(&b->male, code);
        else if (cats == RCM_MCE_FEMALE)
            rc = dx_add(&b->female, code);
        else if (cats == RCM_MCE_NEWBORN)
            rc = dx_add(&b->newborn, code);
    }
    gzclose(gz);
    qsort(all.v, all.n, sizeof(dxcode), cmp_code);
    /* invalid: clean codes shorter than 7 with a 9 appended, when that is not a code */
    for (size_t i = 0; rc == 0 && b->invalid.n < 64 && i < b->clean.n; i += 97) {
        char c[9];
        size_t len = strlen(b->clean.v[i]);
        if (len >= 7)
            continue;
        snprintf(c, sizeof(c), "%s9", b->clean.v[i]);
        if (!bsearch(c, all.v, all.n, sizeof(dxcode), cmp_code) && rcm_code_check_icd10cm(rcm_str_c(c), NULL) == 0)
            rc = dx_add(&b->invalid, c);
    }
    free(all.v);
    if (rc == 0 && (b->clean.n < 1000 || !b->male.n || !b->female.n || !b->newborn.n || !b->header.n ||
                    !b->invalid.n)) {
        fprintf(stderr, "scrub: %s: too few diagnoses of a kind (clean %zu, male %zu, female %zu, newborn %zu,"
                        " header %zu, invalid %zu)\n", path, b->clean.n, b->male.n, b->female.n, b->newborn.n,
                b->header.n, b->invalid.n);
        rc = -1;
    }
    return rc;
}

/* ---- setup: practices ---- */

static void make_practices(bench_ctx *b)
{
    synth_rng r = { syn_mix(b->seed ^ UINT64_C(0x5EED5EED)) };
    for (int i = 0; i < NPRACTICE; i++) {
        practice *p = &b->practices[i];
        const synth_org *o = &synth_orgs[i % SYNTH_LEN(synth_orgs)];
        p->place = &SYNTH_PICK(&r, synth_places);
        snprintf(p->name, sizeof(p->name), "%s %s", o->name, p->place->city);
        p->taxonomy = o->taxonomy;
        synth_npi(&r, p->npi);
        synth_digits(&r, p->ein, 9);
        snprintf(p->number, sizeof(p->number), "%u", 100 + synth_below(&r, 9000));
        p->street = SYNTH_PICK(&r, synth_street);
        for (int d = 0; d < NDOCS; d++) {
            synth_person_pick(&r, &p->doc[d].p);
            synth_npi(&r, p->doc[d].npi);
        }
        for (int k = 0; k < PRACTICE_CODES; k++)
            p->codes[k] = b->common[synth_below(&r, b->ncommon)];
        for (int k = 0; k < PRACTICE_DX; k++)
            p->dx[k] = synth_below(&r, (uint32_t)b->clean.n);
    }
}

/* ---- claims ---- */

enum {
    F_NONE, F_PTP, F_MUE, F_AOC, F_NPI, F_DXHDR, F_DXINV, F_DOB, F_FUTURE, F_DUP, F_MOD25, F_SEX, F_TOTAL,
    F_PTR, F_MN, F_TF, F_RESUB, F_AGE, F_COUNT
};

static const char *const fault_names[F_COUNT] = {
    "none", "PTP pair billed together", "units over the MUE", "add-on code without its primary",
    "NPI check digit wrong", "diagnosis is a header code", "diagnosis not in ICD-10-CM",
    "date of birth missing", "date of service in the future", "line repeated",
    "25 on a procedure (not an E/M)", "diagnosis for the other sex", "claim total differs from the lines",
    "line without a diagnosis pointer", "procedure without a covering diagnosis (MN policy)",
    "past timely filing (Medicare, 12 months)", "a claim of the history sent again (new claim id)",
    "a newborn diagnosis for an adult",
};

typedef struct draft_line {
    uint32_t u;             /* universe index */
    int units;
    char mods[2][3];
    int late;               /* on the claim's second date */
    int with_prev;          /* same date as the line before (an add-on and its primary, an edit's pair) */
} draft_line;

typedef struct draft {
    draft_line l[MAX_LINES];
    int n;
} draft;

static draft_line *add_line(draft *d, uint32_t u)
{
    draft_line *l = &d->l[d->n < MAX_LINES ? d->n++ : MAX_LINES - 1];
    memset(l, 0, sizeof(*l));
    l->u = u;
    l->units = 1;
    return l;
}

/* 1 when code u can join the claim's lines: not there yet and no PTP row with any of them. */
static int fits(const bench_ctx *b, const draft *d, uint32_t u)
{
    for (int i = 0; i < d->n; i++)
        if (d->l[i].u == u || pair_has_row(b, d->l[i].u, u))
            return 0;
    return 1;
}

/* Lines per claim: 1 to 12, mean about 4. */
static int pick_nlines(synth_rng *r)
{
    static const uint8_t cum[MAX_LINES] = { 14, 30, 48, 65, 77, 85, 90, 94, 96, 98, 99, 100 };
    uint32_t x = synth_below(r, 100);
    int n = 0;
    while (x >= cum[n])
        n++;
    return n + 1;
}

static void party_person(rcm_party *p, const char *entity, const synth_person *who)
{
    p->present = 1;
    SET(p->entity, entity);
    p->type = '1';
    SET(p->last, who->last);
    SET(p->first, who->first);
    SET(p->middle, who->middle);
}

static void party_address(rcm_party *p, synth_rng *r)
{
    const synth_place *pl = &SYNTH_PICK(r, synth_places);
    snprintf(p->addr1, sizeof(p->addr1), "%u %s", 1 + synth_below(r, 9999), SYNTH_PICK(r, synth_street));
    SET(p->city, pl->city);
    SET(p->state, pl->state);
    SET(p->zip, pl->zip);
}

static rcm_date adult_dob(synth_rng *r, int medicare)
{
    return medicare ? rcm_date_from_ymd(1930, 1, 1) + (rcm_date)synth_below(r, 27 * 365)
                    : rcm_date_from_ymd(1950, 1, 1) + (rcm_date)synth_below(r, 52 * 365);
}

/* The lines of a clean claim: an E/M visit half the time, practice codes, now and then an add-on or a bypassed edit. */
static void draft_lines(const bench_ctx *b, const practice *p, synth_rng *r, draft *d)
{
    int want = pick_nlines(r);
    d->n = 0;
    if (synth_chance(r, 55))
        add_line(d, synth_chance(r, 25) ? b->em_new[synth_below(r, 4)] : b->em_est[synth_below(r, 5)]);
    if (want >= 3 && synth_chance(r, 6)) {
        const addon *a = &b->addons[b->aoc_clean[synth_below(r, b->naoc_clean)]];
        uint32_t prim = a->prim[synth_below(r, (uint32_t)a->nprim)];
        if (fits(b, d, prim) && fits(b, d, a->u)) {
            add_line(d, prim);
            add_line(d, a->u)->with_prev = 1;
        }
    }
    if (want >= 3 && synth_chance(r, 3)) {
        syn_ptp row;
        syn_ptp_row(&row, b->ptp_bypass[synth_below(r, b->nptp_bypass)]);
        if (fits(b, d, row.c1) && fits(b, d, row.c2)) {
            add_line(d, row.c1);
            draft_line *l = add_line(d, row.c2);
            SET(l->mods[0], synth_chance(r, 50) ? "59" : "XU");
            l->with_prev = 1;
        }
    }
    for (int tries = 0; d->n < want && tries < 40; tries++) {
        uint32_t u = synth_chance(r, 90) ? p->codes[synth_below(r, PRACTICE_CODES)]
                                         : b->common[synth_below(r, b->ncommon)];
        if (fits(b, d, u))
            add_line(d, u);
    }
}

/* Modifiers and units of a clean claim's lines. */
static void dress_lines(const bench_ctx *b, synth_rng *r, draft *d, int two_dates)
{
    int procs = 0;
    for (int i = 0; i < d->n; i++)
        procs += !(b->univ[d->l[i].u].flags & U_EM);
    for (int i = 0; i < d->n; i++) {
        draft_line *l = &d->l[i];
        uint8_t fl = b->univ[l->u].flags;
        int nm = l->mods[0][0] ? 1 : 0;
        if (fl & U_EM) {
            if (procs && !two_dates && synth_chance(r, 50))
                SET(l->mods[nm], "25");
        } else if ((fl & U_SPLIT) && synth_chance(r, 30)) {
            SET(l->mods[nm], "26");
        } else if (!nm && synth_chance(r, 3)) {
            SET(l->mods[nm], synth_chance(r, 50) ? "RT" : "LT");
        }
        unsigned mue;
        int mai;
        syn_mue_row(l->u, &mue, &mai);
        if (mue >= 2 && synth_chance(r, 12))
            l->units = 2 + (int)synth_below(r, (mue < 4 ? mue : 4) - 1);
        if (two_dates)
            l->late = l->with_prev && i > 0 ? d->l[i - 1].late : i >= (d->n + 1) / 2;
    }
}

/* Applies the fault to the draft (line faults); claim-level faults come after the claim is built. */
static void fault_lines(const bench_ctx *b, synth_rng *r, draft *d, int fault)
{
    switch (fault) {
    case F_PTP: {
        syn_ptp row;
        syn_ptp_row(&row, b->ptp_fault[synth_below(r, b->nptp_fault)]);
        if (d->n > MAX_LINES - 2)
            d->n = MAX_LINES - 2;
        add_line(d, row.c1);
        add_line(d, row.c2);
        break;
    }
    case F_MUE: {
        draft_line *l = &d->l[synth_below(r, (uint32_t)d->n)];
        unsigned mue;
        int mai;
        syn_mue_row(l->u, &mue, &mai);
        l->units = (int)mue + 1 + (int)synth_below(r, 2);
        break;
    }
    case F_AOC: {
        const addon *a = &b->addons[b->aoc_type1[synth_below(r, b->naoc_type1)]];
        int kept = 0;
        for (int i = 0; i < d->n; i++) {
            int prim = d->l[i].u == a->u;
            for (int k = 0; k < a->nprim; k++)
                prim |= d->l[i].u == a->prim[k];
            if (!prim)
                d->l[kept++] = d->l[i];
        }
        d->n = kept;
        add_line(d, a->u);
        break;
    }
    case F_MOD25: {
        int i;
        for (i = 0; i < d->n && (b->univ[d->l[i].u].flags & U_EM); i++)
            ;
        if (i == d->n)
            add_line(d, b->common[synth_below(r, b->ncommon)]);
        draft_line *l = &d->l[i < MAX_LINES ? i : MAX_LINES - 1];
        SET(l->mods[l->mods[0][0] ? 1 : 0], "25");
        break;
    }
    case F_MN:
        if (b->nmn) {
            draft_line *l = &d->l[synth_below(r, (uint32_t)d->n)];
            memset(l->mods, 0, sizeof(l->mods));
            l->u = b->mn[synth_below(r, b->nmn)];
        }
        break;
    default:
        break;
    }
}

static void set_dates(rcm_claim *c, rcm_date d1, rcm_date d2, const draft *d)
{
    for (uint32_t j = 0; j < c->n_lines; j++)
        c->lines[j].from = c->lines[j].to = j < (uint32_t)d->n && d->l[j].late ? d2 : d1;
}

static void corrupt_npi(char *npi)
{
    npi[9] = (char)('0' + (npi[9] - '0' + 1) % 10);
}

/* The billing provider (the practice, an organization) and the rendering physician. */
static void claim_providers(const practice *p, synth_rng *r, rcm_claim *c)
{
    rcm_party *bp = &c->billing;
    bp->present = 1;
    SET(bp->entity, "85");
    bp->type = '2';
    SET(bp->last, p->name);
    SET(bp->id_qual, "XX");
    SET(bp->id, p->npi);
    snprintf(bp->addr1, sizeof(bp->addr1), "%s %s", p->number, p->street);
    SET(bp->city, p->place->city);
    SET(bp->state, p->place->state);
    snprintf(bp->zip, sizeof(bp->zip), "%s1234", p->place->zip);
    SET(bp->taxonomy, p->taxonomy);
    SET(bp->tax_id_qual, "EI");
    SET(bp->tax_id, p->ein);
    const doctor *doc = &p->doc[synth_below(r, NDOCS)];
    party_person(&c->rendering, "82", &doc->p);
    SET(c->rendering.id_qual, "XX");
    SET(c->rendering.id, doc->npi);
    SET(c->rendering.taxonomy, p->taxonomy);
}

/* The payer, the subscriber and, for 18% of commercial claims, a dependent patient. Returns the patient's sex. */
static char claim_people(synth_rng *r, rcm_claim *c, int fault)
{
    const synth_payer *py = fault == F_TF ? medicare_payer() : &SYNTH_PICK(r, synth_payers);
    c->payer.present = 1;
    SET(c->payer.entity, "PR");
    c->payer.type = '2';
    SET(c->payer.last, py->name);
    SET(c->payer.id_qual, "PI");
    SET(c->payer.id, py->id);
    c->payer_seq = 'P';
    SET(c->filing, py->filing);
    synth_person sub;
    synth_person_pick(r, &sub);
    party_person(&c->subscriber, "IL", &sub);
    SET(c->subscriber.id_qual, "MI");
    synth_alnum(r, c->subscriber.id, 11);
    party_address(&c->subscriber, r);
    c->subscriber_dob = adult_dob(r, py->medicare);
    c->subscriber_sex = sub.sex;
    if (py->medicare || !synth_chance(r, 18)) {
        SET(c->subscriber_rel, "18");
        return sub.sex;
    }
    synth_person pat;
    synth_person_pick(r, &pat);
    pat.last = sub.last;
    party_person(&c->patient, "QC", &pat);
    SET(c->patient_rel, "19");
    c->patient_dob = rcm_date_from_ymd(2005, 1, 1) + (rcm_date)synth_below(r, 16 * 365);
    c->patient_sex = pat.sex;
    return pat.sex;
}

/* CLM05-CLM09 and 1 to 4 distinct diagnoses, mostly the practice's. */
static void claim_header(const bench_ctx *b, const practice *p, synth_rng *r, rcm_claim *c)
{
    static const char *const pos[] = { "11", "11", "11", "11", "11", "11", "22", "19", "02", "11" };
    SET(c->pos, SYNTH_PICK(r, pos));
    c->facility_qual = 'B';
    c->freq = '1';
    c->signature = 'Y';
    c->assignment = 'A';
    c->benefits = 'Y';
    c->release = 'Y';
    SET(c->dx_qual, "ABK");
    uint32_t ndx = 1 + synth_below(r, 4);
    for (uint32_t k = 0; k < ndx; k++) {
        const char *dx = synth_chance(r, 90) ? b->clean.v[p->dx[synth_below(r, PRACTICE_DX)]]
                                             : b->clean.v[synth_below(r, (uint32_t)b->clean.n)];
        int again = 0;
        for (uint32_t j = 0; j < c->n_dx; j++)
            again |= !strcmp(c->dx[j], dx);
        if (!again)
            SET(c->dx[c->n_dx++], dx);
    }
}

/* The draft's lines into lines[]: codes, modifiers, charges, units, pointers. Returns the sum of the charges. */
static int64_t claim_lines(const bench_ctx *b, synth_rng *r, const draft *d, uint32_t i, rcm_claim *c,
                           rcm_claim_line *lines)
{
    int64_t total = 0;
    c->lines = lines;
    c->n_lines = (uint32_t)d->n;
    for (int j = 0; j < d->n; j++) {
        rcm_claim_line *l = &lines[j];
        const draft_line *dl = &d->l[j];
        rcm_claim_line_init(l);
        l->number = (uint32_t)j + 1;
        SET(l->qual, "HC");
        SET(l->code, b->univ[dl->u].code);
        SET(l->mods[0], dl->mods[0]);
        SET(l->mods[1], dl->mods[1]);
        l->charge_cents = (int64_t)synth_range(r, 2500, 45000) * dl->units;
        SET(l->unit_type, "UN");
        l->units_milli = (int64_t)dl->units * 1000;
        l->dx_ptr[0] = (uint8_t)(1 + synth_below(r, c->n_dx));
        if (c->n_dx > 1 && synth_chance(r, 35)) {
            uint8_t q = (uint8_t)(1 + synth_below(r, c->n_dx));
            if (q != l->dx_ptr[0])
                l->dx_ptr[1] = q;
        }
        snprintf(l->control, sizeof(l->control), "%u-%d", i, j + 1);
        total += l->charge_cents;
    }
    return total;
}

/* Applies a claim-level fault to the built claim; adjusts *total. */
static void fault_claim(const bench_ctx *b, synth_rng *r, int fault, char sex, const draft *d, uint32_t i,
                        rcm_claim *c, int64_t *total)
{
    rcm_claim_line *lines = c->lines;
    switch (fault) {
    case F_NPI:
        corrupt_npi(synth_chance(r, 50) ? c->billing.id : c->rendering.id);
        break;
    case F_DXHDR:
        SET(c->dx[synth_below(r, c->n_dx)], b->header.v[synth_below(r, (uint32_t)b->header.n)]);
        break;
    case F_DXINV:
        SET(c->dx[synth_below(r, c->n_dx)], b->invalid.v[synth_below(r, (uint32_t)b->invalid.n)]);
        break;
    case F_DOB:
        if (c->patient.present)
            c->patient_dob = RCM_DATE_NONE;
        else
            c->subscriber_dob = RCM_DATE_NONE;
        break;
    case F_FUTURE: {
        rcm_date f = b->today + 1 + (rcm_date)synth_below(r, 30);
        set_dates(c, f, f, d);
        break;
    }
    case F_DUP: {
        uint32_t j;
        if (c->n_lines < MAX_LINES) {
            j = c->n_lines++;
        } else {
            j = MAX_LINES - 1;  /* a full claim: its last line is replaced */
            *total -= lines[j].charge_cents;
        }
        lines[j] = lines[0];
        lines[j].number = j + 1;
        snprintf(lines[j].control, sizeof(lines[j].control), "%u-%u", i, j + 1);
        *total += lines[0].charge_cents;
        break;
    }
    case F_SEX:
        if (c->n_dx < MAX_DX) {
            const dxpool *pool = sex == 'F' ? &b->male : &b->female;
            SET(c->dx[c->n_dx++], pool->v[synth_below(r, (uint32_t)pool->n)]);
            lines[0].dx_ptr[1] = (uint8_t)c->n_dx;
        }
        break;
    case F_AGE:
        if (c->n_dx < MAX_DX) {
            if (c->patient.present)
                c->patient_dob = rcm_date_from_ymd(1990, 1, 1) + (rcm_date)synth_below(r, 3650);
            SET(c->dx[c->n_dx++], b->newborn.v[synth_below(r, (uint32_t)b->newborn.n)]);
            lines[0].dx_ptr[1] = (uint8_t)c->n_dx;
        }
        break;
    case F_TOTAL:
        *total += 100 * (1 + synth_below(r, 50));
        break;
    case F_PTR:
        memset(lines[synth_below(r, c->n_lines)].dx_ptr, 0, RCM_CLAIM_MAX_PTR);
        break;
    case F_TF: {
        rcm_date old = rcm_date_from_ymd(2021, 10, 1) + (rcm_date)synth_below(r, 2);
        set_dates(c, old, old, d);
        break;
    }
    default:
        break;
    }
}

/* Builds claim i into c and its lines (MAX_LINES of them); returns the injected fault (F_*). */
static int build_claim(const bench_ctx *b, uint32_t i, rcm_claim *c, rcm_claim_line *lines)
{
    synth_rng r = { syn_mix((b->seed << 32) ^ i) };
    const practice *p = &b->practices[synth_below(&r, NPRACTICE)];
    int fault = synth_below(&r, 1000) < FAULT_PERMILLE ? 1 + (int)synth_below(&r, F_COUNT - 1) : F_NONE;
    if (fault == F_RESUB) {
        if (i >= HIST_BASE || !b->nhist)
            fault = F_NONE;
        else {
            build_claim(b, HIST_BASE + synth_below(&r, b->nhist), c, lines);
            snprintf(c->id, sizeof(c->id), "B%llu-%u", (unsigned long long)b->seed, i);
            return fault;
        }
    }
    rcm_claim_init(c);
    c->kind = RCM_CLAIM_PROFESSIONAL;
    snprintf(c->id, sizeof(c->id), "B%llu-%u", (unsigned long long)b->seed, i);
    claim_providers(p, &r, c);
    char sex = claim_people(&r, c, fault);
    claim_header(b, p, &r, c);
    rcm_date dos = b->dos0 + (rcm_date)synth_below(&r, NDAYS), dos2 = dos;
    int two_dates = synth_chance(&r, 8);
    if (two_dates) {
        rcm_date k = 1 + (rcm_date)synth_below(&r, 6);
        dos2 = dos + k <= b->dos0 + NDAYS - 1 ? dos + k : dos - k;
    }
    draft d;
    draft_lines(b, p, &r, &d);
    dress_lines(b, &r, &d, two_dates);
    fault_lines(b, &r, &d, fault);
    int64_t total = claim_lines(b, &r, &d, i, c, lines);
    set_dates(c, dos, dos2, &d);
    fault_claim(b, &r, fault, sex, &d, i, c, &total);
    c->charge_cents = total;
    return fault;
}

/* ---- running ---- */

#define RULE_SLOTS 128      /* catalogue rules; the last slot counts other ids (payer rules) */

typedef struct tally {
    uint64_t claims, lines, findings, errors, warnings, infos, flagged, flagged_error;
    uint64_t fam[RCM_FAM_COUNT];
    uint64_t rule[RULE_SLOTS];
    uint64_t faults[F_COUNT];
} tally;

typedef struct worker {
    const bench_ctx *b;
    const rcm_scrub *s;
    uint32_t lo, hi;
    uint64_t *hash;         /* per claim, shared: each worker writes its own range */
    tally t;
    double scrub_wall, scrub_cpu;
    int rc;
} worker;

typedef struct run_result {
    int threads;
    tally t;
    double scrub_wall;      /* the slowest thread's scrub time (measure: the median of the runs) */
    double best_wall;       /* measure: the best run's */
    double scrub_cpu;       /* all threads' scrub CPU time (measure: median) */
    double pass_wall;       /* the whole run, building the claims included (measure: median) */
    uint64_t digest;
} run_result;

static size_t nrules;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= UINT64_C(0x100000001B3);
    }
    return h;
}

#define FNV_BASIS UINT64_C(0xCBF29CE484222325)

static uint64_t hash_finding(uint64_t h, const rcm_finding *f)
{
    h = fnv(h, f->rule, strlen(f->rule) + 1);
    h = fnv(h, &f->severity, sizeof(f->severity));
    h = fnv(h, &f->claim_index, sizeof(f->claim_index));
    h = fnv(h, &f->nlines, sizeof(f->nlines));
    h = fnv(h, f->lines, f->nlines * sizeof(f->lines[0]));
    for (uint32_t k = 0; k < f->ncodes; k++)
        h = fnv(h, f->codes[k], strlen(f->codes[k]) + 1);
    return fnv(h, f->message, strlen(f->message) + 1);
}

static size_t rule_slot(const char *id)
{
    const rcm_rule_info *ri;
    for (size_t i = 0; i < nrules && (ri = rcm_scrub_rule(i)); i++)
        if (!strcmp(ri->id, id))
            return i;
    return RULE_SLOTS - 1;
}

/* Hashes and counts the findings of claims [first, first + n), in order. Returns 0, or -1 when one is misplaced. */
static int count_batch(worker *w, const rcm_findings *f, uint32_t first, uint32_t n)
{
    size_t j = 0;
    for (uint32_t k = 0; k < n; k++) {
        uint64_t h = FNV_BASIS;
        int any = 0, err = 0;
        for (; j < f->n && f->v[j].claim_index == first + k; j++) {
            const rcm_finding *x = &f->v[j];
            h = hash_finding(h, x);
            size_t slot = rule_slot(x->rule);
            w->t.rule[slot]++;
            if (slot < RULE_SLOTS - 1)
                w->t.fam[rcm_scrub_rule(slot)->family]++;
            else
                w->t.fam[RCM_FAM_PAYER]++;
            w->t.findings++;
            w->t.errors += x->severity == RCM_SEV_ERROR;
            w->t.warnings += x->severity == RCM_SEV_WARNING;
            w->t.infos += x->severity == RCM_SEV_INFO;
            any = 1;
            err |= x->severity == RCM_SEV_ERROR;
        }
        w->hash[first + k] = h;
        w->t.flagged += any;
        w->t.flagged_error += err;
    }
    return j == f->n ? 0 : -1;
}

static void *work(void *arg)
{
    worker *w = arg;
    rcm_claim *claims = malloc(BATCH * sizeof(*claims));
    rcm_claim_line *lines = malloc((size_t)BATCH * MAX_LINES * sizeof(*lines));
    rcm_findings f;
    rcm_findings_init(&f);
    w->rc = claims && lines ? 0 : -1;
    for (uint32_t i = w->lo; w->rc == 0 && i < w->hi; i += BATCH) {
        uint32_t n = w->hi - i < BATCH ? w->hi - i : BATCH;
        for (uint32_t k = 0; k < n; k++) {
            w->t.faults[build_claim(w->b, i + k, &claims[k], &lines[(size_t)k * MAX_LINES])]++;
            w->t.lines += claims[k].n_lines;
        }
        w->t.claims += n;
        double t0 = bench_now(), c0 = thread_cpu_now();
        for (uint32_t k = 0; k < n && w->rc == 0; k++)
            if (rcm_scrub_claim(w->s, &claims[k], i + k, &f) < 0)
                w->rc = -1;
        w->scrub_cpu += thread_cpu_now() - c0;
        w->scrub_wall += bench_now() - t0;
        if (w->rc == 0 && count_batch(w, &f, i, n) < 0)
            w->rc = -2;
        rcm_findings_reset(&f);
    }
    rcm_findings_release(&f);
    free(lines);
    free(claims);
    return NULL;
}

/* Scrubs claims [0, n) on nthreads threads. Returns 0 or -1. */
static int run(const bench_ctx *b, const rcm_scrub *s, uint32_t n, int nthreads, uint64_t *hash, run_result *out)
{
    worker w[MAX_THREADS];
    pthread_t tid[MAX_THREADS];
    memset(out, 0, sizeof(*out));
    memset(hash, 0, (size_t)n * sizeof(*hash));   /* no run may pass on an earlier run's hashes */
    out->threads = nthreads;
    double t0 = bench_now();
    int started = 0, rc = 0;
    for (int t = 0; t < nthreads; t++) {
        memset(&w[t], 0, sizeof(w[t]));
        w[t].b = b;
        w[t].s = s;
        w[t].lo = (uint32_t)((uint64_t)n * (uint64_t)t / (uint64_t)nthreads);
        w[t].hi = (uint32_t)((uint64_t)n * (uint64_t)(t + 1) / (uint64_t)nthreads);
        w[t].hash = hash;
        if (pthread_create(&tid[t], NULL, work, &w[t]) != 0) {
            fprintf(stderr, "scrub: cannot start thread %d\n", t + 1);
            rc = -1;
            break;
        }
        started++;
    }
    for (int t = 0; t < started; t++) {
        pthread_join(tid[t], NULL);
        if (w[t].rc == -1)
            fprintf(stderr, "scrub: thread %d: out of memory\n", t + 1);
        else if (w[t].rc == -2)
            fprintf(stderr, "scrub: thread %d: findings out of claim order\n", t + 1);
        if (w[t].rc)
            rc = -1;
        const uint64_t *src = (const uint64_t *)&w[t].t;
        uint64_t *dst = (uint64_t *)&out->t;
        for (size_t k = 0; k < sizeof(tally) / sizeof(uint64_t); k++)
            dst[k] += src[k];
        if (w[t].scrub_wall > out->scrub_wall)
            out->scrub_wall = w[t].scrub_wall;
        out->scrub_cpu += w[t].scrub_cpu;
    }
    out->pass_wall = bench_now() - t0;
    out->digest = fnv(FNV_BASIS, hash, (size_t)n * sizeof(*hash));
    return rc;
}

/*
 * Runs nruns times on nthreads threads: out gets the first run's counts and
 * digest and the runs' median times. Returns 0, 1 when a run's findings
 * differ from the first run's, -1 on a failure.
 */
static int measure(const bench_ctx *b, const rcm_scrub *s, uint32_t n, int nthreads, int nruns, uint64_t *hash,
                   run_result *out)
{
    double wall[BENCH_MAX_RUNS], cpu[BENCH_MAX_RUNS], pass[BENCH_MAX_RUNS];
    int differ = 0;
    for (int k = 0; k < nruns; k++) {
        run_result r;
        if (run(b, s, n, nthreads, hash, &r) < 0)
            return -1;
        if (k == 0)
            *out = r;
        else
            differ |= r.digest != out->digest || r.t.findings != out->t.findings;
        wall[k] = r.scrub_wall;
        cpu[k] = r.scrub_cpu;
        pass[k] = r.pass_wall;
    }
    out->scrub_wall = bench_median(wall, nruns);
    out->best_wall = wall[0];   /* sorted by bench_median */
    out->scrub_cpu = bench_median(cpu, nruns);
    out->pass_wall = bench_median(pass, nruns);
    return differ;
}

/* ---- reporting ---- */

static void print_run(const run_result *r, const run_result *one, int nruns)
{
    double l = (double)r->t.lines;
    printf("  %2d thread%s  %6.2f M lines/s (scrub %.3f s wall", r->threads, r->threads == 1 ? " " : "s",
           l / r->scrub_wall / 1e6, r->scrub_wall);
    if (nruns > 1)
        printf("; best %.2f M lines/s", l / r->best_wall / 1e6);
    printf(")  %5.2f M lines/s per core by CPU time (%.3f s)  pass with claim building %.2f s", l / r->scrub_cpu / 1e6,
           r->scrub_cpu, r->pass_wall);
    if (one && one != r)
        printf("  scaling %.2fx", one->scrub_wall / r->scrub_wall);
    printf("\n");
}

static void print_findings(const run_result *r, uint32_t n)
{
    const tally *t = &r->t;
    printf("\nclaims %u, lines %llu (%.2f per claim), with an injected fault %llu (%.1f%%)\n", n,
           (unsigned long long)t->lines, (double)t->lines / n, (unsigned long long)(t->claims - t->faults[F_NONE]),
           100.0 * (double)(t->claims - t->faults[F_NONE]) / n);
    for (int k = 1; k < F_COUNT; k++)
        printf("    %-52s %7llu\n", fault_names[k], (unsigned long long)t->faults[k]);
    printf("findings %llu: %llu errors, %llu warnings, %llu infos; claims with a finding %llu (%.1f%%), with an"
           " error %llu (%.1f%%)\n",
           (unsigned long long)t->findings, (unsigned long long)t->errors, (unsigned long long)t->warnings,
           (unsigned long long)t->infos, (unsigned long long)t->flagged, 100.0 * (double)t->flagged / n,
           (unsigned long long)t->flagged_error, 100.0 * (double)t->flagged_error / n);
    printf("by family:");
    for (int f = 0; f < RCM_FAM_COUNT; f++)
        printf(" %s %llu", rcm_scrub_family_name(f), (unsigned long long)t->fam[f]);
    printf("\nby rule:");
    for (size_t i = 0; i < nrules; i++)
        if (t->rule[i])
            printf(" %s %llu", rcm_scrub_rule(i)->id, (unsigned long long)t->rule[i]);
    if (t->rule[RULE_SLOTS - 1])
        printf(" other %llu", (unsigned long long)t->rule[RULE_SLOTS - 1]);
    printf("\n");
}

/* ---- per-family profile ---- */

/* The best scrub CPU time of PROFILE_REPEAT runs of n claims on one thread with these families; -1 on failure. */
static double profile_one(const bench_ctx *b, const rcm_scrub_config *base, uint32_t families, uint32_t n,
                          uint64_t *hash, run_result *last)
{
    rcm_scrub_config cfg = *base;
    cfg.families = families;
    rcm_scrub *s = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_scrub_new(&s, &cfg, &err) < 0) {
        fail("profile engine", &err);
        return -1;
    }
    double best = -1;
    for (int k = 0; k < PROFILE_REPEAT; k++) {
        if (run(b, s, n, 1, hash, last) < 0) {
            best = -1;
            break;
        }
        if (best < 0 || last->scrub_cpu < best)
            best = last->scrub_cpu;
    }
    rcm_scrub_free(s);
    return best;
}

/*
 * Each family's cost on one thread: the engine with only that family, minus
 * the engine with none. Families that share lookups (AGE and SEX ask the
 * same MCE question) cost less together than the sum; "all" is every
 * family at once. (The cost of a family within all of them, all minus all
 * but one, is the difference of two large noisy figures: not shown.)
 */
static int profile(const bench_ctx *b, const rcm_scrub_config *base, uint32_t n, uint64_t *hash)
{
    run_result r;
    /* PAYER without rules is dropped by the engine: asking for it alone runs no family */
    double none = profile_one(b, base, 1u << RCM_FAM_PAYER, n, hash, &r);
    double every = profile_one(b, base, (1u << RCM_FAM_COUNT) - 1, n, hash, &r);
    if (none < 0 || every < 0)
        return -1;
    double lines = (double)r.t.lines, sum = 0;
    printf("\nper-family profile: %u claims, %.0f lines, one thread, best CPU time of %d runs per configuration\n", n,
           lines, PROFILE_REPEAT);
    printf("  %-8s %9s %10s %9s\n", "family", "ns/line", "ns/claim", "findings");
    for (int fam = 0; fam < RCM_FAM_COUNT; fam++) {
        if (fam == RCM_FAM_PAYER)
            continue;
        double alone = profile_one(b, base, 1u << fam, n, hash, &r);
        if (alone < 0)
            return -1;
        sum += alone - none;
        printf("  %-8s %9.1f %10.1f %9llu\n", rcm_scrub_family_name(fam), (alone - none) * 1e9 / lines,
               (alone - none) * 1e9 / n, (unsigned long long)r.t.findings);
    }
    printf("  %-8s %9.1f %10.1f   claim view, dispatch, findings list\n", "engine", none * 1e9 / lines,
           none * 1e9 / n);
    printf("  %-8s %9.1f %10.1f   every family at once: %.2f M lines/s (engine + each alone: %.1f ns/line)\n", "all",
           every * 1e9 / lines, every * 1e9 / n, lines / every / 1e6, (none + sum) * 1e9 / lines);
    return 0;
}

static void free_ctx(bench_ctx *b)
{
    free(b->univ);
    free(b->pairs);
    free(b->common);
    free(b->mn);
    free(b->addons);
    free(b->aoc_clean);
    free(b->aoc_type1);
    free(b->ptp_fault);
    free(b->ptp_bypass);
    free(b->clean.v);
    free(b->male.v);
    free(b->newborn.v);
    free(b->female.v);
    free(b->header.v);
    free(b->invalid.v);
}

/*
 * The claims already submitted: nhist claims built like the others (their
 * own numbers), every line added to a history the DUP family looks each
 * line up in. Returns 0 or -1.
 */
static int build_history(const bench_ctx *b, rcm_scrub_history **out)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    *out = NULL;
    if (!b->nhist)
        return 0;
    rcm_claim *c = malloc(sizeof(*c));
    rcm_claim_line *lines = malloc(MAX_LINES * sizeof(*lines));
    int rc = c && lines ? rcm_scrub_history_new(out, &err) : RCM_ENOMEM;
    for (uint32_t k = 0; rc == 0 && k < b->nhist; k++) {
        build_claim(b, HIST_BASE + k, c, lines);
        rc = rcm_scrub_history_add(*out, c);
    }
    free(lines);
    free(c);
    if (rc < 0) {
        fprintf(stderr, "scrub: cannot build the history: %s\n", rcm_strerror(rc));
        rcm_scrub_history_free(*out);
        *out = NULL;
        return -1;
    }
    return 0;
}

/* ---- main ---- */

static void usage(void)
{
    fprintf(stderr, "usage: scrub [-s SEED] [-t THREADS,...] [-r RUNS] [-H N] [-d DIR] [-D DATA] [-p] [CLAIMS]\n"
                    "  CLAIMS   claims to scrub (default 1000000)\n"
                    "  -s SEED  claim generator seed (default 1)\n"
                    "  -t LIST  thread counts to run (default: 1, 2 and the online CPUs)\n"
                    "  -r RUNS  runs per thread count, medians reported (default 1)\n"
                    "  -H N     claims already submitted, in the DUP family's history (default 100000; 0: none)\n"
                    "  -d DIR   build the store and tables in DIR and keep them (a second run reuses the loads)\n"
                    "  -D DATA  the bundled reference data (default: data/refdata, or found from the program)\n"
                    "  -p       also profile each family on one thread (first 100000 claims at most)\n");
}

static int parse_u32(const char *s, uint32_t *out, uint32_t lo, uint32_t hi)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end || v < lo || v > hi)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_threads(const char *s, int *v, int *n)
{
    *n = 0;
    while (*s) {
        char *end;
        long x = strtol(s, &end, 10);
        if (end == s || x < 1 || x > MAX_THREADS || *n == 8)
            return -1;
        v[(*n)++] = (int)x;
        s = *end == ',' ? end + 1 : end;
        if (*end && *end != ',')
            return -1;
    }
    return *n ? 0 : -1;
}

static void remove_scratch(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char p[PATH_MAX + 300];
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
            unlink(p);
        }
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

typedef struct setup_times {
    double bundled, codesets, universe, generate, import, index;
} setup_times;

static int setup(bench_ctx *b, const char *dir, const char *data, rcm_edits **edits, rcm_codeset **codes,
                 setup_times *tm)
{
    char db[PATH_MAX + 16], pfs[PATH_MAX + 600], icd[PATH_MAX + 600];
    char ptp[SYN_PTP_PARTS][PATH_MAX + 64], mue[PATH_MAX + 64], aoc[PATH_MAX + 64];
    rcm_store *st = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    snprintf(db, sizeof(db), "%s/rcm.db", dir);
    import_total bundled = { 0 }, synth = { 0 };
    char(*all)[6] = NULL;
    size_t nall = 0;
    int rc = -1;

    double t0 = bench_now();
    if (rcm_store_open(&st, db, RCM_STORE_CREATE, &err) < 0) {
        fail(db, &err);
        return -1;
    }
    if (import_bundled(st, data, pfs, icd, sizeof(pfs), &bundled) < 0)
        goto done;
    double t1 = bench_now();
    if (rcm_codeset_open_store(codes, st, &err) < 0) {
        fail("code sets", &err);
        goto done;
    }
    double t2 = bench_now();
    b->univ = calloc(SYN_MUE_ROWS, sizeof(*b->univ));
    if (!b->univ || read_pfs(b, *codes, pfs, &all, &nall) < 0)
        goto done;
    b->pairs = calloc(((uint64_t)b->nreal * b->nreal + 63) / 64, sizeof(uint64_t));
    if (fill_universe(b, all, nall) < 0 || !b->pairs || classify(b, *codes) < 0 || read_icd(b, *codes, icd) < 0) {
        fprintf(stderr, "scrub: cannot build the code universe\n");
        goto done;
    }
    make_practices(b);
    double t3 = bench_now();
    if (write_ptp(b, dir, ptp) < 0 || write_mue(b, dir, mue, sizeof(mue)) < 0 || write_aoc(b, dir, aoc, sizeof(aoc)) < 0) {
        fprintf(stderr, "scrub: cannot write the synthetic tables\n");
        goto done;
    }
    double t4 = bench_now();
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.now = (int64_t)time(NULL);
    o.kind = "ptp";
    for (unsigned k = 0; k < SYN_PTP_PARTS; k++)
        if (import_file(st, ptp[k], &o, &synth) < 0)
            goto done;
    o.kind = "mue";
    if (import_file(st, mue, &o, &synth) < 0)
        goto done;
    o.kind = "aoc";
    if (import_file(st, aoc, &o, &synth) < 0)
        goto done;
    double t5 = bench_now();
    int rebuilt = 0;
    if (rcm_edits_open_store(edits, st, &rebuilt, &err) < 0) {
        fail("edit index", &err);
        goto done;
    }
    double t6 = bench_now();
    tm->bundled = t1 - t0;
    tm->codesets = t2 - t1;
    tm->universe = t3 - t2;
    tm->generate = t4 - t3;
    tm->import = t5 - t4;
    tm->index = t6 - t5;
    printf("setup (%s):\n", dir);
    printf("  bundled sets      %6.2f s  %d files, %ld rows%s (fee schedule and MCE imported as 2022 stand-ins)\n",
           tm->bundled, bundled.files, bundled.rows, bundled.already == bundled.files ? " loaded before" : "");
    printf("  code sets opened  %6.2f s  ICD-10-CM %zu, HCPCS %zu, PFS %zu codes\n", tm->codesets,
           rcm_codeset_count(*codes, RCM_SET_ICD10CM), rcm_codeset_count(*codes, RCM_SET_HCPCS),
           rcm_codeset_count(*codes, RCM_SET_PFS));
    printf("  code universe     %6.2f s  %u billable codes (%u add-on, %u with an MN policy), %zu clean diagnoses\n",
           tm->universe, b->nreal, b->naddons, b->nmn, b->clean.n);
    printf("  tables written    %6.2f s  PTP %u rows in %u parts, MUE %u rows, AOC %u add-on codes\n", tm->generate,
           SYN_PTP_ROWS, SYN_PTP_PARTS, SYN_MUE_ROWS, b->naddons);
    printf("  tables imported   %6.2f s  %d files, %ld rows%s\n", tm->import, synth.files, synth.rows,
           synth.already == synth.files ? " (loaded before: checksums checked only)" : "");
    printf("  edit index        %6.2f s  %s\n", tm->index, rebuilt ? "built and opened" : "opened");
    printf("  total             %6.2f s  RSS now %.1f MiB, peak %.1f MiB\n", t6 - t0, rss_now_mb(), bench_rss_mb());
    rc = 0;
done:
    free(all);
    rcm_store_close(st);
    return rc;
}

int main(int argc, char **argv)
{
    uint32_t n = DEF_CLAIMS, seed = 1, nhist = DEF_HISTORY;
    const char *keep = NULL, *data_opt = NULL;
    int threads[8], nthreads = 0, nruns = 1, prof = 0, o;
    while ((o = getopt(argc, argv, "s:t:r:H:d:D:ph")) != -1) {
        switch (o) {
        case 's':
            if (parse_u32(optarg, &seed, 0, UINT32_MAX) < 0) {
                usage();
                return 2;
            }
            break;
        case 't':
            if (parse_threads(optarg, threads, &nthreads) < 0) {
                usage();
                return 2;
            }
            break;
        case 'r':
            if ((nruns = bench_runs(optarg)) < 0) {
                usage();
                return 2;
            }
            break;
        case 'H':
            if (parse_u32(optarg, &nhist, 0, 10000000) < 0) {
                usage();
                return 2;
            }
            break;
        case 'd': keep = optarg; break;
        case 'D': data_opt = optarg; break;
        case 'p': prof = 1; break;
        default: usage(); return o == 'h' ? 0 : 2;
        }
    }
    if (optind + 1 < argc || (optind < argc && parse_u32(argv[optind], &n, 1, 100000000) < 0)) {
        usage();
        return 2;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1)
        cpus = 1;
    if (cpus > MAX_THREADS)
        cpus = MAX_THREADS;
    if (!nthreads) {
        threads[nthreads++] = 1;
        if (cpus > 2)
            threads[nthreads++] = 2;
        if (cpus > 1)
            threads[nthreads++] = (int)cpus;
    }
    char data[PATH_MAX], dir[PATH_MAX];
    if (find_data(data, sizeof(data), data_opt) < 0) {
        fprintf(stderr, "scrub: cannot find the bundled reference data (a MANIFEST): pass -D DIR\n");
        return 1;
    }
    if (keep) {
        snprintf(dir, sizeof(dir), "%s", keep);
        if (mkdir(dir, 0700) < 0 && access(dir, W_OK) < 0) {
            fprintf(stderr, "scrub: cannot use %s\n", dir);
            return 1;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/rcm-scrub-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            fprintf(stderr, "scrub: cannot create a scratch folder in %s\n", tmp && *tmp ? tmp : "/tmp");
            return 1;
        }
    }
    while (rcm_scrub_rule(nrules) && nrules < RULE_SLOTS - 1)
        nrules++;

    double load[3] = { 0, 0, 0 };
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = 0;
        fclose(la);
    }
    printf("rcm scrub benchmark: %u claims, seed %u, %ld CPU(s) online, load average %.2f %.2f %.2f\n", n, seed, cpus,
           load[0], load[1], load[2]);

    static bench_ctx b;
    b.seed = seed;
    b.nhist = nhist;
    b.today = rcm_date_from_ymd(2022, 10, 3);
    b.dos0 = rcm_date_from_ymd(2022, 1, 1);
    rcm_edits *edits = NULL;
    rcm_codeset *codes = NULL;
    rcm_scrub *s = NULL;
    rcm_scrub_history *history = NULL;
    uint64_t *hash = NULL;
    setup_times tm;
    int status = 1;
    if (setup(&b, dir, data, &edits, &codes, &tm) < 0)
        goto done;

    double h0 = bench_now();
    if (build_history(&b, &history) < 0)
        goto done;
    if (history)
        printf("  history           %6.2f s  %u claims, %zu distinct lines (DUP-002 looks every line up)\n",
               bench_now() - h0, b.nhist, rcm_scrub_history_lines(history));
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = b.today;
    cfg.edits = edits;
    cfg.codes = codes;
    cfg.history = history;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_scrub_new(&s, &cfg, &err) < 0) {
        fail("engine", &err);
        goto done;
    }
    if (rcm_scrub_unavailable(s))
        printf("families unavailable for want of tables: 0x%x\n", (unsigned)rcm_scrub_unavailable(s));
    hash = malloc((size_t)n * sizeof(*hash));
    if (!hash) {
        fprintf(stderr, "scrub: out of memory\n");
        goto done;
    }

    /* untimed: the first lookups fault the mapped index's pages in; no thread count should pay for that */
    run_result warm;
    double w0 = bench_now();
    if (run(&b, s, n < WARMUP_CLAIMS ? n : WARMUP_CLAIMS, 1, hash, &warm) < 0)
        goto done;
    printf("warm-up: %u claims in %.2f s (not counted)\n", n < WARMUP_CLAIMS ? n : WARMUP_CLAIMS, bench_now() - w0);
    run_result res[8];
    printf("\nscrub runs (only rcm_scrub_claim timed; wall = the slowest thread's%s):\n",
           nruns > 1 ? "; median of the runs" : "");
    int same = 1;
    for (int k = 0; k < nthreads; k++) {
        int rc = measure(&b, s, n, threads[k], nruns, hash, &res[k]);
        if (rc < 0)
            goto done;
        print_run(&res[k], &res[0], nruns);
        same &= rc == 0 && res[k].digest == res[0].digest && res[k].t.findings == res[0].t.findings;
    }
    print_findings(&res[0], n);
    printf("findings identical across thread counts:");
    for (int k = 0; k < nthreads; k++)
        printf(" %d thread%s %016llx", res[k].threads, res[k].threads == 1 ? "" : "s",
               (unsigned long long)res[k].digest);
    printf(": %s\n", same ? "yes" : "NO");
    printf("memory: RSS now %.1f MiB, peak %.1f MiB (the peak includes the setup's imports)\n", rss_now_mb(),
           bench_rss_mb());
    for (int k = 0; k < nthreads; k++) {
        const run_result *r = &res[k];
        printf("stage=scrub threads=%d claims=%u lines=%llu findings=%llu runs=%d scrub_wall_s=%.4f"
               " scrub_cpu_s=%.4f lines_per_s=%.0f best_lines_per_s=%.0f lines_per_cpu_s=%.0f pass_s=%.3f"
               " scaling=%.3f rss_mb=%.1f setup_s=%.2f digest=%016llx\n",
               r->threads, n, (unsigned long long)r->t.lines, (unsigned long long)r->t.findings, nruns,
               r->scrub_wall, r->scrub_cpu, (double)r->t.lines / r->scrub_wall, (double)r->t.lines / r->best_wall,
               (double)r->t.lines / r->scrub_cpu, r->pass_wall,
               res[0].scrub_wall / r->scrub_wall, bench_rss_mb(),
               tm.bundled + tm.codesets + tm.universe + tm.generate + tm.import + tm.index,
               (unsigned long long)r->digest);
    }
    status = same ? 0 : 1;
    if (prof && profile(&b, &cfg, n < PROFILE_CLAIMS ? n : PROFILE_CLAIMS, hash) < 0)
        status = 1;
done:
    rcm_scrub_free(s);
    rcm_scrub_history_free(history);
    rcm_edits_close(edits);
    rcm_codeset_free(codes);
    free(hash);
    free_ctx(&b);
    if (!keep)
        remove_scratch(dir);
    fflush(stdout);
    return status;
}
