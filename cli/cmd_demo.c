/*
 * rcm demo [--dir DIR]: the whole revenue cycle on the bundled demo data
 * (docs/demo.md), README command 1.
 *
 * A fresh store in DIR (default ./demo-out) gets the bundled reference data,
 * the demo practice and a month of its encounters (June 2022, with coding
 * mistakes planted). The coder works the queue (takes the EHR's codes,
 * reads the scrubber's findings, applies the corrections and overrides of
 * data/demo/coder.json, signs off); the biller builds the claims and
 * submits one 837 per payer; the payer simulator answers each with a 999, a
 * 277CA and an 835; the acknowledgments are imported and the remittances
 * posted; the metrics are printed. Then the denials are worked (the coder's
 * corrected claims, the biller's write-offs, appeals and a rebill to the
 * patient's new payer after the coverage is corrected), the corrected and
 * rebilled claims are submitted and adjudicated (the originals' payments
 * reversed), secondary claims go to the supplement plans, patient
 * statements are written, and the aging, the ledger check and the metrics
 * close the run.
 *
 * The clock is fixed (each step has its business date in July and August
 * 2022) and every input is bundled, so the output and every file the demo
 * writes are the same on every run. Every file exchanged stays in DIR, with
 * the store (DIR/rcm.db), so each step can be re-run by hand.
 *
 * The demo's inputs (practice.json, encounters.jsonl, coder.json,
 * paysim.conf) are found with --demo-data DIR, else $RCM_DEMO_DATA, else
 * in the folder "demo" beside the reference-data folder (data/demo in the
 * source tree, PREFIX/share/rcm/demo when installed).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <jansson.h>
#include "cmd.h"
#include "cli_init.h"
#include "cli_metrics.h"
#include "rcm/rcm.h"
#include "rcm/cycle.h"
#include "rcm/encounter.h"
#include "rcm/coding.h"
#include "rcm/submit.h"
#include "rcm/post.h"
#include "rcm/denial.h"
#include "rcm/ar.h"
#include "rcm/paysim.h"

#define DEMO_MAX_PAYERS 16
#define DEMO_MAX_FILES 64
#define USD_MAX 48

typedef struct tally {
    char key[40];
    long n;
} tally;

typedef struct tallies {
    tally v[64];
    size_t n;
    long total;
} tallies;

typedef struct demo {
    const char *dir;                    /* the output folder, as given */
    char refdata[PATH_MAX];
    char input[PATH_MAX];               /* the demo's inputs */
    rcm_store *st;
    rcm_cycle *coder, *biller, *poster;
    json_t *decisions;                  /* coder.json */
    rcm_paysim *sim;
    char payers[DEMO_MAX_PAYERS][16];   /* the practice's payer codes, in practice.json order */
    size_t npayers;
    char sent[DEMO_MAX_FILES][PATH_MAX]; /* the 837s of the current round */
    size_t nsent;
    int step;
    char example[39];                   /* a claim the coder corrected, for the closing hints */
    rcm_error err;
} demo;

/* ---- output helpers ---- */

/* "$1,234.56" (or "-$1,234.56") into out (USD_MAX bytes). */
static const char *usd(char *out, int64_t cents)
{
    char digits[24], body[32];
    uint64_t v = cents < 0 ? (uint64_t)(-(cents + 1)) + 1 : (uint64_t)cents;
    snprintf(digits, sizeof(digits), "%llu", (unsigned long long)(v / 100));
    size_t n = strlen(digits), k = 0;
    for (size_t i = 0; i < n; i++) {
        if (i && (n - i) % 3 == 0)
            body[k++] = ',';
        body[k++] = digits[i];
    }
    body[k] = '\0';
    snprintf(out, USD_MAX, "%s$%s.%02u", cents < 0 ? "-" : "", body, (unsigned)(v % 100));
    return out;
}

static const char *iso(char *out, rcm_date d)
{
    rcm_date_fmt(out, d, 1);
    return out;
}

static void heading(demo *d, const char *fmt, ...) RCM_PRINTF(2, 3);
static void heading(demo *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("\n== %d. ", ++d->step);
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
}

static void tally_add(tallies *t, const char *key, long n)
{
    t->total += n;
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].key, key) == 0) {
            t->v[i].n += n;
            return;
        }
    if (t->n < sizeof(t->v) / sizeof(t->v[0])) {
        snprintf(t->v[t->n].key, sizeof(t->v[t->n].key), "%s", key);
        t->v[t->n++].n = n;
    }
}

static int tally_cmp(const void *a, const void *b)
{
    return strcmp(((const tally *)a)->key, ((const tally *)b)->key);
}

/* "AOC-001 2, DX-002 5" (sorted by key); "none" when empty. */
static void tally_print(tallies *t)
{
    if (!t->n) {
        printf("none");
        return;
    }
    qsort(t->v, t->n, sizeof(t->v[0]), tally_cmp);
    for (size_t i = 0; i < t->n; i++)
        printf("%s%s %ld", i ? ", " : "", t->v[i].key, t->v[i].n);
}

static const char *plural(long n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* Prints a library error and returns the exit status of an error. */
static int failed(demo *d, const char *what)
{
    if (what && *what && !d->err.source)
        d->err.source = what;
    cli_error(&d->err);
    return EXIT_UNREADABLE;
}

/* DIR/name into out. */
static int out_path(const demo *d, char *out, size_t outsz, const char *name)
{
    int n = snprintf(out, outsz, "%s/%s", d->dir, name);
    return n < 0 || (size_t)n >= outsz ? -1 : 0;
}

/* ---- the clock ---- */

/* Every handle's clock at 09:00 UTC of a business day of 2022, plus hours (later steps of the day). */
static void clock_at(demo *d, int month, int day, int hour)
{
    int64_t now = (int64_t)rcm_date_from_ymd(2022, month, day) * 86400 + (int64_t)(9 + hour) * 3600;
    rcm_cycle_set_now(d->coder, now);
    rcm_cycle_set_now(d->biller, now);
    rcm_cycle_set_now(d->poster, now);
}

/* ---- set-up: folders, store, inputs ---- */

static int is_dir(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int is_file(const char *p)
{
    struct stat sb;
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The demo inputs folder: opt, $RCM_DEMO_DATA, else "demo" beside the reference data. */
static int find_input(demo *d, const char *opt)
{
    const char *env = getenv("RCM_DEMO_DATA");
    const char *dir = opt ? opt : (env && *env ? env : NULL);
    if (dir)
        snprintf(d->input, sizeof(d->input), "%s", dir);
    else {
        char parent[PATH_MAX];
        snprintf(parent, sizeof(parent), "%s", d->refdata);
        char *slash = strrchr(parent, '/');
        if (slash)
            *slash = '\0';
        else
            snprintf(parent, sizeof(parent), ".");
        snprintf(d->input, sizeof(d->input), "%.*s/demo", (int)(sizeof(d->input) - 8), parent);
    }
    static const char *const need[] = { "practice.json", "encounters.jsonl", "coder.json", "paysim.conf" };
    for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++) {
        char p[PATH_MAX + 32];
        snprintf(p, sizeof(p), "%s/%s", d->input, need[i]);
        if (!is_file(p)) {
            fprintf(stderr, "rcm: demo: no %s in '%s'%s: pass --demo-data DIR\n", need[i], d->input,
                    opt ? " (--demo-data)" : (dir ? " ($RCM_DEMO_DATA)" : ""));
            return EXIT_UNREADABLE;
        }
    }
    return 0;
}

static void input_path(const demo *d, char *out, size_t outsz, const char *name)
{
    snprintf(out, outsz, "%s/%s", d->input, name);
}

/* The file names the demo writes in DIR (and removes before a new run). */
static int demo_file(const char *name)
{
    static const char *const ext[] = { ".837", ".999", ".277ca", ".835" };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        size_t e = strlen(ext[i]);
        if (n > e && strcmp(name + n - e, ext[i]) == 0)
            return 1;
    }
    return strcmp(name, "paysim.state") == 0 || strncmp(name, "rcm.db", 6) == 0;
}

/* Removes what an earlier run left in a folder (only the demo's own files). */
static int clear_dir(const char *dir, int top)
{
    DIR *dh = opendir(dir);
    if (!dh)
        return 0;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        char p[PATH_MAX];
        if (snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= (int)sizeof(p))
            continue;
        if (!top || demo_file(de->d_name)) {
            if (is_file(p) && unlink(p) != 0) {
                fprintf(stderr, "rcm: demo: cannot remove '%s': %s\n", p, strerror(errno));
                rc = -1;
            }
        }
    }
    closedir(dh);
    return rc;
}

/*
 * Prepares DIR: created when missing; an earlier demo's files removed. A
 * store there that no demo made (no paysim.state beside it) is left alone:
 * the demo refuses to run.
 */
static int prepare_dir(demo *d)
{
    if (!is_dir(d->dir) && mkdir(d->dir, 0755) != 0) {
        fprintf(stderr, "rcm: demo: cannot create '%s': %s\n", d->dir, strerror(errno));
        return EXIT_UNREADABLE;
    }
    char db[PATH_MAX], state[PATH_MAX], stm[PATH_MAX];
    if (out_path(d, db, sizeof(db), "rcm.db") < 0 || out_path(d, state, sizeof(state), "paysim.state") < 0 ||
        out_path(d, stm, sizeof(stm), "statements") < 0) {
        fprintf(stderr, "rcm: demo: '%s': the path is too long\n", d->dir);
        return EXIT_UNREADABLE;
    }
    if (is_file(db) && !is_file(state)) {
        fprintf(stderr, "rcm: demo: '%s' holds a store the demo did not make: choose another --dir\n", d->dir);
        return EXIT_UNREADABLE;
    }
    /* the statements folder is made by rcm_statements (0700: statements name patients) */
    if (clear_dir(d->dir, 1) < 0 || clear_dir(stm, 0) < 0)
        return EXIT_UNREADABLE;
    return 0;
}

/* Reads coder.json and the payer codes of practice.json. */
static int read_inputs(demo *d)
{
    char p[PATH_MAX + 32];
    json_error_t je;
    input_path(d, p, sizeof(p), "practice.json");
    json_t *practice = json_load_file(p, 0, &je);
    if (!practice) {
        fprintf(stderr, "rcm: %s:%d: not JSON: %s\n", p, je.line, je.text);
        return EXIT_UNREADABLE;
    }
    json_t *payers = json_object_get(practice, "payers");
    size_t i;
    json_t *v;
    json_array_foreach(payers, i, v) {
        const char *code = json_string_value(json_object_get(v, "code"));
        if (code && d->npayers < DEMO_MAX_PAYERS)
            snprintf(d->payers[d->npayers++], sizeof(d->payers[0]), "%s", code);
    }
    json_decref(practice);
    input_path(d, p, sizeof(p), "coder.json");
    d->decisions = json_load_file(p, 0, &je);
    if (!d->decisions || !json_is_object(d->decisions)) {
        fprintf(stderr, "rcm: %s:%d: not a JSON object: %s\n", p, je.line, d->decisions ? "" : je.text);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* A user name from coder.json ("coder", "biller", "poster"), else the default. */
static const char *user_of(const demo *d, const char *role, const char *dflt)
{
    const char *u = json_string_value(json_object_get(d->decisions, role));
    return u && *u ? u : dflt;
}

/* ---- coder.json ---- */

/* The first object of array KEY whose "encounter" is ext; NULL when none. */
static json_t *decision(const demo *d, const char *key, const char *ext)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d->decisions, key), i, v) {
        const char *e = json_string_value(json_object_get(v, "encounter"));
        if (e && strcmp(e, ext) == 0)
            return v;
    }
    return NULL;
}

static int bad_decision(const char *key, const char *ext, const char *what)
{
    fprintf(stderr, "rcm: coder.json: %s: encounter '%s': %s\n", key, ext, what);
    return EXIT_UNREADABLE;
}

/* The codes of a decision ("dx" dotted or not, "lines" as in encounters.jsonl) as an rcm_coding. */
static int decision_codes(const json_t *o, const char *key, const char *ext, rcm_coding *out)
{
    memset(out, 0, sizeof(*out));
    json_t *dx = json_object_get(o, "dx"), *lines = json_object_get(o, "lines");
    if (!json_is_array(dx) || !json_is_array(lines))
        return bad_decision(key, ext, "'dx' and 'lines' must be arrays");
    if (json_array_size(dx) > RCM_CLAIM_MAX_DX || json_array_size(lines) > RCM_CODING_MAX_LINES)
        return bad_decision(key, ext, "too many diagnoses or lines");
    size_t i;
    json_t *v;
    json_array_foreach(dx, i, v) {
        const char *s = json_string_value(v);
        if (!s)
            return bad_decision(key, ext, "a diagnosis is not a string");
        size_t k = 0;
        for (; *s; s++)
            if (*s != '.') {
                if (k + 1 >= sizeof(out->dx[0]))
                    return bad_decision(key, ext, "a diagnosis is too long");
                out->dx[out->n_dx][k++] = *s;
            }
        out->dx[out->n_dx++][k] = '\0';
    }
    json_array_foreach(lines, i, v) {
        rcm_coding_line *ln = &out->lines[out->n_lines++];
        const char *code = json_string_value(json_object_get(v, "code"));
        const char *units = json_string_value(json_object_get(v, "units"));
        json_t *mods = json_object_get(v, "mods"), *ptrs = json_object_get(v, "ptrs");
        if (!code || strlen(code) >= sizeof(ln->code) || !units)
            return bad_decision(key, ext, "a line needs 'code' and 'units'");
        snprintf(ln->code, sizeof(ln->code), "%s", code);
        rcm_str us = { units, strlen(units) };
        const char *why = NULL;
        if (rcm_milli_parse(&ln->units_milli, us, &why) < 0)
            return bad_decision(key, ext, "a line's units are not a number");
        size_t j;
        json_t *m;
        json_array_foreach(mods, j, m) {
            const char *s = json_string_value(m);
            if (!s || j >= RCM_CLAIM_MAX_MODS || strlen(s) != 2)
                return bad_decision(key, ext, "a modifier is not 2 characters (at most 4 a line)");
            memcpy(ln->mods[j], s, 3);
        }
        json_array_foreach(ptrs, j, m) {
            json_int_t p = json_integer_value(m);
            if (!json_is_integer(m) || j >= RCM_CLAIM_MAX_PTR || p < 1 || p > (json_int_t)out->n_dx)
                return bad_decision(key, ext, "a pointer is not a diagnosis number (at most 4 a line)");
            ln->ptrs[j] = (uint8_t)p;
        }
    }
    return 0;
}

/* The EHR's id of the encounter a claim was built from ('' when the claim does not say). */
static int claim_encounter(demo *d, rcm_cycle *cy, int64_t claim_id, char *ext, size_t extsz)
{
    ext[0] = '\0';
    json_t *j = NULL;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_claim_show(cy, claim_id, &j, &d->err) < 0)
        return -1;
    json_t *c = json_object_get(j, "cycle");
    const char *e = json_string_value(json_object_get(c, "encounter"));
    if (e)
        snprintf(ext, extsz, "%s", e);
    json_decref(j);
    return 0;
}

/* ---- the steps ---- */

static int step_store(demo *d)
{
    char db[PATH_MAX];
    out_path(d, db, sizeof(db), "rcm.db");
    heading(d, "store: %s with the bundled reference data", db);
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_store_open(&d->st, db, RCM_STORE_CREATE, &d->err) < 0)
        return failed(d, NULL);
    cli_init_report rep;
    int64_t now = (int64_t)rcm_date_from_ymd(2022, 7, 1) * 86400 + 8 * 3600; /* 08:00 UTC */
    int rc = cli_init_store(d->st, d->refdata, now, 1, &rep);
    if (rc != EXIT_CLEAN)
        return rc;
    printf("%d files: %ld loads, %ld rows (ICD-10-CM FY2022, HCPCS 2022 and the sample NCCI and\n"
           "medical-necessity tables are in force on the demo's dates of service, June 2022)\n",
           rep.files, rep.loads, rep.rows);
    return 0;
}

static int open_handles(demo *d)
{
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_cycle_new(&d->coder, d->st, user_of(d, "coder", "coder"), &d->err) < 0 ||
        rcm_cycle_new(&d->biller, d->st, user_of(d, "biller", "biller"), &d->err) < 0 ||
        rcm_cycle_new(&d->poster, d->st, user_of(d, "poster", "poster"), &d->err) < 0)
        return failed(d, "coder.json");
    return 0;
}

static int step_import(demo *d)
{
    clock_at(d, 7, 1, 0);
    heading(d, "practice and encounters (%s, 2022-07-01)", rcm_cycle_user(d->biller));
    char p[PATH_MAX + 32];
    rcm_import_report rep;
    input_path(d, p, sizeof(p), "practice.json");
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_practice_import(d->biller, p, &rep, &d->err) < 0)
        return failed(d, NULL);
    printf("practice.json: %ld records (the practice, its providers, payers, fees and contracts)\n", rep.records);
    input_path(d, p, sizeof(p), "encounters.jsonl");
    memset(&rep, 0, sizeof(rep));
    if (rcm_encounter_import(d->biller, p, &rep, &d->err) < 0)
        return failed(d, NULL);
    printf("encounters.jsonl: %ld encounters of June 2022, %ld patients, %ld coverages\n", rep.added,
           rep.patients_added, rep.coverages_added);
    return 0;
}

/* Tallies the coder-routed errors of findings by rule; returns their count. */
static long coder_errors(const rcm_findings *f, tallies *t)
{
    long n = 0;
    for (size_t i = 0; i < f->n; i++)
        if (f->v[i].severity == RCM_SEV_ERROR && f->v[i].route == RCM_ROUTE_CODER) {
            if (t)
                tally_add(t, f->v[i].rule, 1);
            n++;
        }
    return n;
}

static int fires(const rcm_findings *f, const char *rule, uint32_t line)
{
    for (size_t i = 0; i < f->n; i++) {
        const rcm_finding *x = &f->v[i];
        if (strcmp(x->rule, rule) != 0)
            continue;
        if (!line)
            return 1;
        for (uint32_t k = 0; k < x->nlines; k++)
            if (x->lines[k] == line)
                return 1;
    }
    return 0;
}

static int step_coding(demo *d)
{
    clock_at(d, 7, 1, 1);
    rcm_cycle *cy = d->coder;
    heading(d, "coding (%s, 2022-07-01)", rcm_cycle_user(cy));
    rcm_coding_item *q = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_coding_queue(cy, &q, &n, &d->err) < 0)
        return failed(d, NULL);
    long proposed = 0, refused = 0, fixed = 0, from_docs = 0, signed_off = 0, blocked = 0, overridden = 0;
    tallies found = { 0 }, over = { 0 };
    rcm_findings f;
    rcm_findings_init(&f);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *ext = q[i].ext_id;
        int64_t id = q[i].encounter_id;
        json_t *fix = decision(d, "coding", ext);
        rcm_coding codes;
        long errors = 0;
        rcm_findings_reset(&f);
        if (q[i].has_proposed) {
            proposed++;
            memset(&d->err, 0, sizeof(d->err));
            if (rcm_coding_get(cy, id, 1, &codes, &d->err) < 0) {
                rc = failed(d, ext);
                break;
            }
            if (rcm_coding_assign(cy, id, &codes, &f, &d->err) < 0) {
                if (d->err.code != RCM_EINVAL) {
                    rc = failed(d, ext);
                    break;
                }
                /* codes the coding screen does not take: the coder must fix them */
                printf("%s: the proposed codes are refused: %s\n", ext, d->err.msg);
                refused++;
                errors = 1;
            } else
                errors = coder_errors(&f, &found);
        }
        if (fix && (!q[i].has_proposed || errors)) {
            /* the coder reads the documentation and codes it right */
            if ((rc = decision_codes(fix, "coding", ext, &codes)) != 0)
                break;
            rcm_findings_reset(&f);
            if (rcm_coding_assign(cy, id, &codes, &f, &d->err) < 0) {
                rc = failed(d, ext);
                break;
            }
            if (q[i].has_proposed)
                fixed++;
            else
                from_docs++;
        }
        size_t k;
        json_t *o;
        json_array_foreach(json_object_get(d->decisions, "overrides"), k, o) {
            const char *e = json_string_value(json_object_get(o, "encounter"));
            const char *rule = json_string_value(json_object_get(o, "rule"));
            const char *reason = json_string_value(json_object_get(o, "reason"));
            json_int_t line = json_integer_value(json_object_get(o, "line"));
            if (!e || strcmp(e, ext) != 0)
                continue;
            if (!rule || !reason || line < 0) {
                rc = bad_decision("overrides", ext, "needs 'rule', 'line' and 'reason'");
                break;
            }
            if (!fires(&f, rule, (uint32_t)line))
                continue;
            if (rcm_coding_override(cy, id, rule, (uint32_t)line, reason, &d->err) < 0) {
                rc = failed(d, ext);
                break;
            }
            tally_add(&over, rule, 1);
            overridden++;
        }
        if (rc)
            break;
        rcm_findings_reset(&f);
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_coding_signoff(cy, id, &f, &d->err) < 0) {
            if (d->err.code != RCM_EDENIED) {
                rc = failed(d, ext);
                break;
            }
            blocked++;
            printf("%s: sign-off refused:", ext);
            for (size_t j = 0; j < f.n; j++)
                printf(" %s", f.v[j].rule);
            printf("\n");
            continue;
        }
        signed_off++;
    }
    rcm_findings_release(&f);
    free(q);
    if (rc)
        return rc;
    printf("%zu encounters in the queue: %ld with codes proposed by the EHR, %zu without\n", n, proposed,
           n - (size_t)proposed);
    printf("the scrubber on the proposed codes: %ld %s for the coder (", found.total,
           plural(found.total, "error", "errors"));
    tally_print(&found);
    printf("); %ld %s refused as invalid\n", refused, plural(refused, "proposal", "proposals"));
    printf("coded from the documentation: %ld corrected after a finding, %ld without proposed codes\n", fixed,
           from_docs);
    printf("findings overridden with a reason: %ld (", overridden);
    tally_print(&over);
    printf(")\n");
    printf("signed off: %ld; blocked: %ld\n", signed_off, blocked);
    return blocked ? EXIT_PROBLEMS : 0;
}

static int step_build(demo *d)
{
    clock_at(d, 7, 5, 0);
    heading(d, "claims (%s, 2022-07-05)", rcm_cycle_user(d->biller));
    rcm_build_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_claims_build(d->biller, &rep, &d->err) < 0)
        return failed(d, NULL);
    char a[USD_MAX];
    printf("%ld claims built from %ld encounters: %ld lines, %s charged; %ld ready, %ld held for the biller\n",
           rep.claims, rep.encounters, rep.lines, usd(a, rep.charge_cents), rep.ready, rep.held);
    return 0;
}

/* Submits every payer's ready claims to DIR/PREFIX-PAYER.837; remembers the files written. */
static int submit_all(demo *d, const char *prefix)
{
    d->nsent = 0;
    for (size_t i = 0; i < d->npayers; i++) {
        char name[64], path[PATH_MAX];
        snprintf(name, sizeof(name), "%s-%s.837", prefix, d->payers[i]);
        if (out_path(d, path, sizeof(path), name) < 0)
            return EXIT_UNREADABLE;
        rcm_submit_report rep;
        memset(&rep, 0, sizeof(rep));
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_submit(d->biller, d->payers[i], 'P', path, &rep, &d->err) < 0)
            return failed(d, path);
        if (!rep.batch_id)
            continue;
        char a[USD_MAX];
        printf("%s: %ld %s, %ld lines, %s (ISA %09lld)", path, rep.claims, plural(rep.claims, "claim", "claims"),
               rep.lines, usd(a, rep.charge_cents), (long long)rep.isa_control);
        if (rep.refused)
            printf("; %ld refused by the 837 writer (held for the biller)", rep.refused);
        printf("\n");
        if (d->nsent < DEMO_MAX_FILES)
            snprintf(d->sent[d->nsent++], sizeof(d->sent[0]), "%s", path);
    }
    if (!d->nsent)
        printf("nothing ready to submit\n");
    return 0;
}

/* The payer simulator answers every 837 of the round; then the acknowledgments and remittances are taken in. */
static int adjudicate(demo *d, int month, int day)
{
    rcm_date today = rcm_date_from_ymd(2022, month, day);
    char date[16];
    printf("-- the payers answer (payer simulator, %s)\n", iso(date, today));
    char era[DEMO_MAX_FILES][512], ack[2 * DEMO_MAX_FILES][512];
    size_t nera = 0, nack = 0;
    for (size_t i = 0; i < d->nsent; i++) {
        rcm_paysim_report rep;
        memset(&rep, 0, sizeof(rep));
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_paysim_run(d->sim, d->sent[i], d->dir, today, &rep, &d->err) < 0)
            return failed(d, d->sent[i]);
        char a[USD_MAX], b[USD_MAX];
        printf("%s: %ld %s: %ld rejected in the 277CA; paid %ld, partly paid %ld, denied %ld",
               d->sent[i], rep.claims, plural(rep.claims, "claim", "claims"), rep.claims_rejected, rep.paid,
               rep.partial, rep.denied);
        if (rep.reversed)
            printf(", %ld %s", rep.reversed, plural(rep.reversed, "reversal", "reversals"));
        printf("; %s paid", usd(a, rep.paid_cents));
        if (rep.plb_cents)
            printf(", PLB %s", usd(b, rep.plb_cents));
        printf("\n");
        if (rep.ack999_path[0])
            snprintf(ack[nack++], sizeof(ack[0]), "%s", rep.ack999_path);
        if (rep.ack277_path[0])
            snprintf(ack[nack++], sizeof(ack[0]), "%s", rep.ack277_path);
        if (rep.era_path[0])
            snprintf(era[nera++], sizeof(era[0]), "%s", rep.era_path);
    }
    clock_at(d, month, day, 2);
    printf("-- acknowledgments imported (%s, %s)\n", rcm_cycle_user(d->biller), date);
    for (size_t i = 0; i < nack; i++) {
        rcm_ack_report rep;
        memset(&rep, 0, sizeof(rep));
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_ack_import(d->biller, ack[i], &rep, &d->err) < 0)
            return failed(d, ack[i]);
        if (strcmp(rep.kind, "999") == 0)
            printf("%s: 999, %ld %s: %ld accepted, %ld rejected\n", ack[i], rep.sets,
                   plural(rep.sets, "transaction set", "transaction sets"), rep.sets_accepted, rep.sets_rejected);
        else {
            printf("%s: %s, %ld %s: %ld accepted, %ld rejected", ack[i], rep.kind, rep.claims,
                   plural(rep.claims, "claim", "claims"), rep.claims_accepted, rep.claims_rejected);
            if (rep.biller || rep.coder)
                printf(" (work items: biller %ld, coder %ld)", rep.biller, rep.coder);
            printf("\n");
        }
    }
    clock_at(d, month, day, 4);
    printf("-- remittances posted (%s, %s)\n", rcm_cycle_user(d->poster), date);
    for (size_t i = 0; i < nera; i++) {
        rcm_post_report rep;
        memset(&rep, 0, sizeof(rep));
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_era_post(d->poster, era[i], &rep, &d->err) < 0)
            return failed(d, era[i]);
        char a[USD_MAX], b[USD_MAX], c[USD_MAX], e[USD_MAX];
        printf("%s: %ld %s (%ld unmatched), paid %s, adjusted %s, patient %s, denied %s", era[i], rep.claims,
               plural(rep.claims, "claim", "claims"), rep.unmatched, usd(a, rep.paid_cents),
               usd(b, rep.adjusted_cents), usd(c, rep.patient_cents), usd(e, rep.denied_cents));
        if (rep.reversals)
            printf(", %ld %s", rep.reversals, plural(rep.reversals, "reversal", "reversals"));
        if (rep.plb_cents)
            printf(", PLB %s", usd(a, rep.plb_cents));
        printf("\n");
        if (rep.denials || rep.underpaid)
            printf("    %ld denied %s routed to the work queues, %ld %s paid below the contract\n", rep.denials,
                   plural(rep.denials, "line", "lines"), rep.underpaid, plural(rep.underpaid, "line", "lines"));
    }
    return 0;
}

static int step_submit(demo *d, const char *title, const char *prefix, int m, int day, int pm, int pday)
{
    clock_at(d, m, day, 0);
    char date[16];
    heading(d, "%s (%s, %s)", title, rcm_cycle_user(d->biller), iso(date, rcm_date_from_ymd(2022, m, day)));
    int rc = submit_all(d, prefix);
    if (rc || !d->nsent)
        return rc;
    return adjudicate(d, pm, pday);
}

static int step_metrics(demo *d, const char *title)
{
    char date[16];
    heading(d, "metrics %s (the June 2022 claims; AR on %s)", title, iso(date, rcm_cycle_today(d->poster)));
    /* the cohort: every date of service from June 1 (the demo's month); AR on the business date */
    rcm_metrics_query q = { rcm_date_from_ymd(2022, 6, 1), RCM_DATE_NONE, RCM_METRICS_TOTAL };
    rcm_metrics m;
    memset(&m, 0, sizeof(m));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_metrics_get(d->poster, &q, &m, &d->err) < 0)
        return failed(d, NULL);
    cli_metrics_print(stdout, &m);
    rcm_metrics_release(&m);
    return 0;
}

static int denial_cmp(const void *a, const void *b)
{
    const rcm_denial *x = a, *y = b;
    int c = strcmp(x->claim_no, y->claim_no);
    if (c)
        return c;
    if (x->line_no != y->line_no)
        return x->line_no < y->line_no ? -1 : 1;
    return (x->denial_id > y->denial_id) - (x->denial_id < y->denial_id);
}

/* The coder corrects each claim with open coder denials that coder.json knows. */
static int work_coder_denials(demo *d, long *left)
{
    rcm_cycle *cy = d->coder;
    rcm_denial *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_denial_list(cy, RCM_QUEUE_CODER, 1, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    qsort(v, n, sizeof(v[0]), denial_cmp);
    rcm_findings f;
    rcm_findings_init(&f);
    int rc = 0;
    long corrected = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (i && v[i].claim_id == v[i - 1].claim_id)
            continue;
        char ext[48];
        if (claim_encounter(d, cy, v[i].claim_id, ext, sizeof(ext)) < 0) {
            rc = failed(d, v[i].claim_no);
            break;
        }
        json_t *fix = ext[0] ? decision(d, "denials", ext) : NULL;
        if (!fix) {
            (*left)++;
            continue;
        }
        rcm_coding codes;
        if ((rc = decision_codes(fix, "denials", ext, &codes)) != 0)
            break;
        int64_t new_id = 0;
        rcm_findings_reset(&f);
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_denial_correct(cy, v[i].claim_id, &codes, &f, &new_id, &d->err) < 0) {
            rc = failed(d, v[i].claim_no);
            break;
        }
        json_t *shown = NULL;
        const char *new_no = "";
        if (rcm_claim_show(cy, new_id, &shown, &d->err) == 0)
            new_no = json_string_value(json_object_get(shown, "id"));
        const char *why = json_string_value(json_object_get(fix, "why"));
        printf("%s %s %s %s-%s%s%s -> corrected claim %s: %s\n", rcm_cycle_user(cy), v[i].claim_no,
               v[i].code[0] ? v[i].code : "claim", v[i].group, v[i].carc, v[i].rarc[0] ? " " : "", v[i].rarc,
               new_no ? new_no : "",
               why ? why : "codes corrected");
        json_decref(shown);
        if (!d->example[0])
            snprintf(d->example, sizeof(d->example), "%s", v[i].claim_no);
        corrected++;
    }
    rcm_findings_release(&f);
    free(v);
    if (!rc)
        printf("coder: %ld %s corrected (frequency 7, REF*F8), waiting for the biller to submit\n", corrected,
               plural(corrected, "claim", "claims"));
    return rc;
}

/* A date of a decision: '' or missing is none; else YYYY-MM-DD. */
static int decision_date(const json_t *o, const char *key, rcm_date *out)
{
    const char *s = json_string_value(json_object_get(o, key));
    *out = RCM_DATE_NONE;
    if (!s || !*s)
        return 0;
    return strlen(s) == 10 && rcm_date_parse_iso(out, rcm_str_c(s)) == 0 ? 0 : -1;
}

/*
 * The patient's coverage as the biller learned it (a rebill's "coverage":
 * seq, payer, member_id, group, group_name, relation, from, to), for the
 * patient of encounter ext. *payer: the coverage's payer code.
 */
static int set_coverage(demo *d, rcm_cycle *cy, const char *ext, const json_t *cov, const char **payer)
{
    rcm_coverage_update u;
    memset(&u, 0, sizeof(u));
    u.seq = json_string_value(json_object_get(cov, "seq"));
    u.payer = json_string_value(json_object_get(cov, "payer"));
    u.member_id = json_string_value(json_object_get(cov, "member_id"));
    u.group_no = json_string_value(json_object_get(cov, "group"));
    u.group_name = json_string_value(json_object_get(cov, "group_name"));
    u.relation = json_string_value(json_object_get(cov, "relation"));
    u.sub_dob = RCM_DATE_NONE;
    if (!u.seq || !u.payer || !u.member_id || decision_date(cov, "from", &u.from) < 0 ||
        decision_date(cov, "to", &u.to) < 0)
        return bad_decision("biller_actions", ext,
                            "'coverage' needs 'seq', 'payer', 'member_id' and dates as YYYY-MM-DD");
    if (u.relation && *u.relation && strcmp(u.relation, "18") != 0)
        return bad_decision("biller_actions", ext, "'coverage' is the patient's own (relation 18)");
    int64_t enc_id = 0;
    rcm_encounter_info e;
    memset(&e, 0, sizeof(e));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_encounter_find(cy, ext, &enc_id, &d->err) < 0 || rcm_encounter_get(cy, enc_id, &e, &d->err) < 0)
        return failed(d, ext);
    u.mrn = e.mrn;
    int rc = rcm_coverage_set(cy, &u, &d->err);
    rcm_encounter_info_release(&e);
    if (rc < 0)
        return failed(d, ext);
    *payer = u.payer;
    return 0;
}

/* The biller writes off, appeals or rebills each open biller denial as coder.json says. */
static int work_biller_denials(demo *d, long *left)
{
    rcm_cycle *cy = d->biller;
    rcm_denial *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_denial_list(cy, RCM_QUEUE_BILLER, 1, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    qsort(v, n, sizeof(v[0]), denial_cmp);
    int rc = 0;
    long writeoffs = 0, appeals = 0, rebills = 0;
    int64_t written = 0;
    int64_t rebilled_claim = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char ext[48];
        if (claim_encounter(d, cy, v[i].claim_id, ext, sizeof(ext)) < 0) {
            rc = failed(d, v[i].claim_no);
            break;
        }
        json_t *act = ext[0] ? decision(d, "biller_actions", ext) : NULL;
        const char *what = act ? json_string_value(json_object_get(act, "action")) : NULL;
        const char *reason = act ? json_string_value(json_object_get(act, "reason")) : NULL;
        if (!what) {
            (*left)++;
            continue;
        }
        if (!reason || !*reason) {
            rc = bad_decision("biller_actions", ext, "needs a 'reason'");
            break;
        }
        memset(&d->err, 0, sizeof(d->err));
        char a[USD_MAX], due[16];
        if (strcmp(what, "writeoff") == 0) {
            if (rcm_denial_writeoff(cy, v[i].denial_id, reason, &d->err) < 0) {
                rc = failed(d, v[i].claim_no);
                break;
            }
            printf("%s %s %s %s-%s: written off %s (%s)\n", rcm_cycle_user(cy), v[i].claim_no,
                   v[i].code[0] ? v[i].code : "claim", v[i].group, v[i].carc, usd(a, v[i].amount_cents), reason);
            writeoffs++;
            written += v[i].amount_cents;
        } else if (strcmp(what, "appeal") == 0) {
            int64_t appeal_id = 0;
            if (rcm_appeal_file(cy, v[i].denial_id, reason, &appeal_id, &d->err) < 0) {
                rc = failed(d, v[i].claim_no);
                break;
            }
            printf("%s %s %s %s-%s: appeal filed for %s, the payer's deadline %s (%s)\n", rcm_cycle_user(cy),
                   v[i].claim_no, v[i].code[0] ? v[i].code : "claim", v[i].group, v[i].carc,
                   usd(a, v[i].amount_cents),
                   iso(due, v[i].deadline), reason);
            appeals++;
        } else if (strcmp(what, "rebill") == 0) {
            if (rebilled_claim == v[i].claim_id)
                continue;
            json_t *cov = json_object_get(act, "coverage");
            const char *payer = NULL;
            if (cov && (rc = set_coverage(d, cy, ext, cov, &payer)) != 0)
                break;
            int64_t new_id = 0;
            memset(&d->err, 0, sizeof(d->err));
            if (rcm_denial_rebill(cy, v[i].claim_id, reason, &new_id, &d->err) < 0) {
                rc = failed(d, v[i].claim_no);
                break;
            }
            rebilled_claim = v[i].claim_id;
            json_t *shown = NULL;
            const char *new_no = NULL;
            if (rcm_claim_show(cy, new_id, &shown, &d->err) == 0)
                new_no = json_string_value(json_object_get(json_object_get(shown, "cycle"), "claim_no"));
            long lines = 0;
            int64_t denied = 0;
            for (size_t k = i; k < n && v[k].claim_id == v[i].claim_id; k++) {
                lines++;
                denied += v[k].amount_cents;
            }
            printf("%s %s %s-%s (%ld %s, %s): ", rcm_cycle_user(cy), v[i].claim_no, v[i].group, v[i].carc, lines,
                   plural(lines, "line", "lines"), usd(a, denied));
            if (payer)
                printf("coverage %s set to %s, rebilled as claim %s to %s (%s)\n", json_string_value(
                       json_object_get(cov, "seq")), payer, new_no ? new_no : "", payer, reason);
            else
                printf("rebilled as claim %s (%s)\n", new_no ? new_no : "", reason);
            json_decref(shown);
            rebills++;
        } else {
            rc = bad_decision("biller_actions", ext, "'action' is writeoff, appeal or rebill");
        }
    }
    free(v);
    char a[USD_MAX];
    if (!rc)
        printf("biller: %ld %s written off (%s), %ld %s filed, %ld %s rebilled\n", writeoffs,
               plural(writeoffs, "denial", "denials"), usd(a, written), appeals, plural(appeals, "appeal", "appeals"),
               rebills, plural(rebills, "claim", "claims"));
    return rc;
}

static int step_denials(demo *d)
{
    clock_at(d, 7, 25, 0);
    heading(d, "denials (%s and %s, 2022-07-25)", rcm_cycle_user(d->coder), rcm_cycle_user(d->biller));
    rcm_denial *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_denial_list(d->biller, NULL, 1, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    tallies routes = { 0 }, roots = { 0 };
    for (size_t i = 0; i < n; i++) {
        tally_add(&routes, v[i].route, 1);
        tally_add(&roots, v[i].root, 1);
    }
    free(v);
    printf("open denials: %zu by route (", n);
    tally_print(&routes);
    printf("), by root cause (");
    tally_print(&roots);
    printf(")\n");
    long left = 0;
    int rc = work_coder_denials(d, &left);
    if (!rc)
        rc = work_biller_denials(d, &left);
    if (!rc && left)
        printf("left open for a person to decide: %ld %s\n", left, plural(left, "denial", "denials"));
    return rc;
}

static int step_secondary(demo *d)
{
    clock_at(d, 8, 10, 0);
    heading(d, "secondary claims (%s, 2022-08-10)", rcm_cycle_user(d->biller));
    rcm_build_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_cob_build(d->biller, &rep, &d->err) < 0)
        return failed(d, NULL);
    char a[USD_MAX];
    printf("%ld secondary %s built with the primary payer's adjudication (2320/2430): %ld ready, %ld held, "
           "%s charged\n",
           rep.claims, plural(rep.claims, "claim", "claims"), rep.ready, rep.held, usd(a, rep.charge_cents));
    int rc = submit_all(d, "secondary");
    if (rc || !d->nsent)
        return rc;
    return adjudicate(d, 8, 24);
}

static int step_statements(demo *d)
{
    clock_at(d, 8, 25, 0);
    char dir[PATH_MAX];
    out_path(d, dir, sizeof(dir), "statements");
    heading(d, "patient statements (%s, 2022-08-25)", rcm_cycle_user(d->biller));
    rcm_statement_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_statements(d->biller, dir, &rep, &d->err) < 0)
        return failed(d, NULL);
    char a[USD_MAX];
    printf("%ld %s, %s owed by patients after insurance: text and printable forms in %s/\n", rep.statements,
           plural(rep.statements, "statement", "statements"), usd(a, rep.total_cents), dir);
    return 0;
}

static int step_aging(demo *d)
{
    clock_at(d, 8, 31, 0);
    heading(d, "accounts receivable on 2022-08-31");
    rcm_aging_row *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_ar_aging(d->biller, RCM_AR_BY_PAYER, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    static const char *const bucket[RCM_AR_BUCKETS] = { "0-30", "31-60", "61-90", "91-120", "over 120" };
    printf("%-10s", "owed by");
    for (int b = 0; b < RCM_AR_BUCKETS; b++)
        printf(" %12s", bucket[b]);
    printf(" %12s %7s\n", "total", "claims");
    int64_t tot[RCM_AR_BUCKETS + 1] = { 0 };
    long claims = 0;
    for (size_t i = 0; i < n; i++) {
        char a[USD_MAX];
        printf("%-10s", v[i].key);
        for (int b = 0; b < RCM_AR_BUCKETS; b++) {
            printf(" %12s", usd(a, v[i].bucket_cents[b]));
            tot[b] += v[i].bucket_cents[b];
        }
        tot[RCM_AR_BUCKETS] += v[i].total_cents;
        claims += v[i].claims;
        printf(" %12s %7ld\n", usd(a, v[i].total_cents), v[i].claims);
    }
    char a[USD_MAX];
    printf("%-10s", "total");
    for (int b = 0; b <= RCM_AR_BUCKETS; b++)
        printf(" %12s", usd(a, tot[b]));
    printf(" %7ld\n", claims);
    free(v);
    rcm_worklist_item *w = NULL;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_ar_worklist(d->biller, &w, &n, &d->err) < 0)
        return failed(d, NULL);
    if (n)
        printf("follow-up worklist: %zu %s; first:\n", n, plural((long)n, "claim", "claims"));
    else
        printf("follow-up worklist: nothing due on this date (no claim near its filing limit, no open denial,\n"
               "no claim without an answer for 30 days)\n");
    for (size_t i = 0; i < n && i < 5; i++) {
        char due[16];
        printf("  %s %-8s %10s, %3d days, deadline %s: %s\n", w[i].claim_no, w[i].payer,
               usd(a, w[i].balance_cents), w[i].age_days,
               w[i].deadline == RCM_DATE_NONE ? "none" : iso(due, w[i].deadline), w[i].reason);
    }
    free(w);
    static const char *const queues[] = { RCM_QUEUE_CODER, RCM_QUEUE_BILLER, RCM_QUEUE_PATIENT, RCM_QUEUE_POSTER };
    printf("open work items:");
    for (size_t qi = 0; qi < sizeof(queues) / sizeof(queues[0]); qi++) {
        rcm_work_item *items = NULL;
        size_t ni = 0;
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_work_list(d->biller, queues[qi], &items, &ni, &d->err) < 0)
            return failed(d, NULL);
        printf("%s %s %zu", qi ? "," : "", queues[qi], ni);
        free(items);
    }
    printf("\n");
    return 0;
}

static int step_ledger(demo *d)
{
    heading(d, "ledger check");
    rcm_ledger_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    int rc = rcm_ledger_check(d->poster, &rep, &d->err);
    char a[USD_MAX], b[USD_MAX], c[USD_MAX], e[USD_MAX], f[USD_MAX], g[USD_MAX];
    printf("%ld entries over %ld claims and %ld remittances: charges %s, payments %s, adjustments %s, "
           "write-offs %s; owed by payers %s, by patients %s\n",
           rep.entries, rep.claims, rep.remits, usd(a, rep.charges_cents), usd(b, rep.payments_cents),
           usd(c, rep.adjustments_cents), usd(e, rep.writeoffs_cents), usd(f, rep.payer_ar_cents),
           usd(g, rep.patient_ar_cents));
    if (rc == RCM_EBALANCE) {
        printf("the ledger does NOT reconcile: %ld %s; first: %s\n", rep.problems,
               plural(rep.problems, "problem", "problems"), rep.first_problem);
        return EXIT_PROBLEMS;
    }
    if (rc < 0)
        return failed(d, NULL);
    printf("the ledger reconciles\n");
    return 0;
}

static const char usage_text[] =
    "usage: rcm demo [--dir DIR] [--data DIR] [--demo-data DIR]\n"
    "  runs the whole revenue cycle on the bundled demo data (docs/demo.md): a fresh store,\n"
    "  a month of encounters coded, claims submitted, a payer simulator's 999/277CA/835\n"
    "  posted, denials worked and resubmitted, secondary claims, statements, aging, metrics\n"
    "  --dir DIR        where the store and every exchanged file go (default: demo-out);\n"
    "                   an earlier demo's files there are replaced\n"
    "  --data DIR       the bundled reference data (default: $RCM_REFDATA_DIR, else found beside rcm)\n"
    "  --demo-data DIR  the demo's inputs (default: $RCM_DEMO_DATA, else 'demo' beside the\n"
    "                   reference data)\n";

int cmd_demo(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "dir", required_argument, NULL, 'o' },
        { "data", required_argument, NULL, 'D' },
        { "demo-data", required_argument, NULL, 'I' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    demo d;
    memset(&d, 0, sizeof(d));
    d.dir = "demo-out";
    const char *data_opt = NULL, *input_opt = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (o) {
        case 'o': d.dir = optarg; break;
        case 'D': data_opt = optarg; break;
        case 'I': input_opt = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc || !*d.dir) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    if (cli_refdata_dir(d.refdata, sizeof(d.refdata), data_opt) < 0) {
        if (d.refdata[0])
            fprintf(stderr, "rcm: demo: no MANIFEST in '%s' (%s)\n", d.refdata,
                    data_opt ? "--data" : "RCM_REFDATA_DIR");
        else
            fprintf(stderr, "rcm: demo: cannot find the bundled reference data"
                    " (no data/refdata/MANIFEST beside rcm): pass --data DIR\n");
        return EXIT_UNREADABLE;
    }
    int rc = find_input(&d, input_opt);
    if (!rc)
        rc = read_inputs(&d);
    if (!rc)
        rc = prepare_dir(&d);
    if (rc) {
        json_decref(d.decisions);
        return rc;
    }
    printf("rcm demo: June 2022 at a small practice (synthetic data), from coding to patient statements\n");
    printf("everything exchanged stays in %s/ with the store (docs/demo.md)\n", d.dir);
    rc = step_store(&d);
    if (!rc)
        rc = open_handles(&d);
    if (!rc) {
        char conf[PATH_MAX + 32], state[PATH_MAX];
        input_path(&d, conf, sizeof(conf), "paysim.conf");
        out_path(&d, state, sizeof(state), "paysim.state");
        memset(&d.err, 0, sizeof(d.err));
        if (rcm_paysim_new(&d.sim, conf, state, &d.err) < 0)
            rc = failed(&d, conf);
    }
    if (!rc)
        rc = step_import(&d);
    int blocked = 0;
    if (!rc) {
        rc = step_coding(&d);
        if (rc == EXIT_PROBLEMS) {
            blocked = 1;
            rc = 0;
        }
    }
    if (!rc)
        rc = step_build(&d);
    if (!rc)
        rc = step_submit(&d, "submission", "claims", 7, 5, 7, 19);
    if (!rc)
        rc = step_metrics(&d, "before corrections");
    if (!rc)
        rc = step_denials(&d);
    if (!rc)
        rc = step_submit(&d, "corrected claims submitted", "corrected", 7, 26, 8, 8);
    if (!rc)
        rc = step_secondary(&d);
    if (!rc)
        rc = step_statements(&d);
    if (!rc)
        rc = step_aging(&d);
    int ledger = 0;
    if (!rc) {
        ledger = step_ledger(&d);
        if (ledger == EXIT_UNREADABLE)
            rc = ledger;
    }
    if (!rc)
        rc = step_metrics(&d, "after corrections");
    if (!rc) {
        printf("\nexplore the store and the files (docs/demo.md):\n"
               "  rcm ledger show %s --db %s/rcm.db\n"
               "  rcm denial list --all --db %s/rcm.db\n"
               "  rcm metrics --by payer --db %s/rcm.db --today 2022-08-31\n"
               "  rcm era summary %s/claims-MCR.835\n",
               d.example[0] ? d.example : "C000000001", d.dir, d.dir, d.dir, d.dir);
        if (blocked || ledger)
            rc = EXIT_PROBLEMS;
    }
    rcm_paysim_free(d.sim);
    rcm_cycle_free(d.coder);
    rcm_cycle_free(d.biller);
    rcm_cycle_free(d.poster);
    rcm_store_close(d.st);
    json_decref(d.decisions);
    return rc;
}
