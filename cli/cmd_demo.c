/*
 * rcm demo [--dir DIR]: the whole revenue cycle on the bundled demo data
 * (docs/demo.md), README command 1.
 *
 * A fresh store in DIR (default ./demo-out) gets the bundled reference data,
 * its first admin, the users (a coder, two billers, an office lead with the
 * coder and biller roles, an auditor), each logged in with a random
 * password, the demo practice and a month of its encounters (June 2022,
 * with coding mistakes planted). The coder works the queue (takes the EHR's
 * codes, reads the scrubber's findings, applies the corrections and
 * overrides of data/demo/coder.json, signs off) and the lead codes what came
 * without codes; the biller builds the claims and submits one 837 per payer
 * (after the library refused the coder's and the lead's attempts: a coder
 * may not submit, nobody submits a claim they coded); the payer simulator
 * answers each with a 999, a 277CA and an 835; the acknowledgments are
 * imported and the remittances posted; the metrics are printed. Then the
 * denials are worked (the coder's corrected claims, the biller's write-offs,
 * those above the approval setting approved by a second biller, appeals and
 * a rebill to the patient's new payer after the coverage is corrected), the
 * corrected and rebilled claims are submitted and adjudicated (the
 * originals' payments reversed), secondary claims go to the supplement
 * plans, patient statements are written, and the aging, the ledger check and
 * the metrics follow. The auditor closes the run: a coding audit of a sample
 * of the coder's claims scored from data/demo/audit.json, the providers' E/M
 * levels against the reference, and the audit trail counted, exported,
 * anchored and verified.
 *
 * The clock is fixed (each step has its business date in July to September
 * 2022) and every input is bundled, so the output and every file the demo
 * writes are the same on every run, but for the sessions' random ids in the
 * store and the trail (and the hashes chained over them). Every file
 * exchanged stays in DIR, with the store (DIR/rcm.db), so each step can be
 * re-run by hand (with --admin-password, to log in to the store).
 *
 * The demo's inputs (practice.json, encounters.jsonl, coder.json,
 * paysim.conf, audit.json) are found with --demo-data DIR, else
 * $RCM_DEMO_DATA, else in the folder "demo" beside the reference-data folder
 * (data/demo in the source tree, PREFIX/share/rcm/demo when installed); the
 * E/M reference is em/reference.csv beside the reference-data folder.
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
#include <sodium.h>
#include "cmd.h"
#include "cli_cycle.h"
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
    rcm_cycle *admin, *coder, *biller, *poster, *lead, *auditor;
    json_t *decisions;                  /* coder.json */
    json_t *audit;                      /* audit.json: the auditor's sample and reviews */
    rcm_paysim *sim;
    char payers[DEMO_MAX_PAYERS][16];   /* the practice's payer codes, in practice.json order */
    size_t npayers;
    char sent[DEMO_MAX_FILES][PATH_MAX]; /* the 837s of the current round */
    size_t nsent;
    int step;
    char example[39];                   /* a claim the coder corrected, for the closing hints */
    char lead_coded[16][41];            /* encounters the lead coded (the first few) */
    char admin_pw[RCM_PASSWORD_MAX + 2];/* --admin-password: the admin's (else random) */
    size_t nlead;
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

/*
 * The same, broken into lines of at most width columns; the first line
 * starts at column col, the next ones at indent.
 */
static void tally_print_wrap(tallies *t, int col, int indent, int width)
{
    if (!t->n) {
        printf("none");
        return;
    }
    qsort(t->v, t->n, sizeof(t->v[0]), tally_cmp);
    for (size_t i = 0; i < t->n; i++) {
        char item[64];
        int len = snprintf(item, sizeof(item), "%s %ld%s", t->v[i].key, t->v[i].n, i + 1 < t->n ? "," : "");
        if (i && col + 1 + len > width) {
            printf("\n%*s", indent, "");
            col = indent;
        } else if (i) {
            putchar(' ');
            col++;
        }
        fputs(item, stdout);
        col += len;
    }
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
    rcm_cycle *all[] = { d->admin, d->coder, d->biller, d->poster, d->lead, d->auditor };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i])
            rcm_cycle_set_now(all[i], now);
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
    static const char *const need[] = { "practice.json", "encounters.jsonl", "coder.json", "paysim.conf",
                                        "audit.json" };
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
    return strcmp(name, "paysim.state") == 0 || strncmp(name, "rcm.db", 6) == 0 ||
           strcmp(name, "audit-log.tsv") == 0 || strcmp(name, "audit.anchor") == 0;
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

/* A random password for a demo user (nobody types it: the demo logs in for them). */
static void demo_password(char out[33])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, 33, raw, sizeof(raw));
}

/* 08:00 UTC on 2022-07-01: when the store is made and everyone logs in. */
static int64_t demo_start(void)
{
    return (int64_t)rcm_date_from_ymd(2022, 7, 1) * 86400 + 8 * 3600;
}

/* Logs name in with pw and opens a handle (the session's token stays in memory only). */
static int demo_login(demo *d, const char *name, const char *pw, rcm_cycle **cy)
{
    char token[RCM_TOKEN_LEN + 1];
    int rc = 0;
    if (rcm_auth_login(d->st, name, pw, "demo", demo_start(), token, &d->err) < 0 ||
        rcm_cycle_open(cy, d->st, token, "demo", demo_start(), &d->err) < 0)
        rc = -1;
    sodium_memzero(token, sizeof(token));
    return rc;
}

/* The demo's people: who they are in coder.json, their roles, what they do in the demo. */
static const struct person {
    const char *key, *dflt;
    unsigned roles;
    const char *does;
} people[] = {
    { "coder", "coder", RCM_ROLE_CODER, "codes the encounters; corrects the coding-rooted denials" },
    { "biller", "biller", RCM_ROLE_BILLER, "imports encounters, builds and submits claims, works billing denials" },
    { "poster", "poster", RCM_ROLE_BILLER, "posts the remittances; the second person on write-offs" },
    { "lead", "lead", RCM_ROLE_CODER | RCM_ROLE_BILLER, "the office lead: codes the encounters sent without codes" },
    { "auditor", "auditor", RCM_ROLE_AUDITOR, "audits the coding and the audit trail; changes nothing" },
};
#define DEMO_PEOPLE (sizeof(people) / sizeof(people[0]))

static rcm_cycle **person_handle(demo *d, size_t i)
{
    rcm_cycle **h[DEMO_PEOPLE] = { &d->coder, &d->biller, &d->poster, &d->lead, &d->auditor };
    return h[i];
}

/* What a user in the listing does ('' for one the demo did not make). */
static const char *user_does(const demo *d, const char *name)
{
    if (strcmp(name, "admin") == 0)
        return "users, settings and exceptions; loads the practice file";
    for (size_t i = 0; i < DEMO_PEOPLE; i++)
        if (strcmp(name, user_of(d, people[i].key, people[i].dflt)) == 0)
            return people[i].does;
    return "";
}

/*
 * The people: the first admin (as rcm init makes it), the settings the
 * admin changes, the users the admin adds, and everyone's login. Passwords
 * are random and never shown; nobody types them.
 */
static int step_people(demo *d)
{
    heading(d, "people (admin, 2022-07-01)");
    memset(&d->err, 0, sizeof(d->err));
    char pw[DEMO_PEOPLE + 1][33];
    for (size_t i = 0; i <= DEMO_PEOPLE; i++)
        demo_password(pw[i]);
    const char *admin_pw = d->admin_pw[0] ? d->admin_pw : pw[DEMO_PEOPLE];
    int rc = 0;
    if (rcm_auth_bootstrap(d->st, "admin", admin_pw, "minimum", demo_start(), &d->err) < 0 ||
        demo_login(d, "admin", admin_pw, &d->admin) < 0 ||
        rcm_setting_set(d->admin, "multi-role", "on", &d->err) < 0) {
        rc = failed(d, NULL);
        goto done;
    }
    for (size_t i = 0; i < DEMO_PEOPLE && !rc; i++)
        if (rcm_user_add(d->admin, user_of(d, people[i].key, people[i].dflt), people[i].roles, pw[i], &d->err) < 0)
            rc = failed(d, "coder.json");
    for (size_t i = 0; i < DEMO_PEOPLE && !rc; i++)
        if (demo_login(d, user_of(d, people[i].key, people[i].dflt), pw[i], person_handle(d, i)) < 0)
            rc = failed(d, NULL);
    if (rc)
        goto done;
    rcm_settings cfg;
    rcm_user_info *u = NULL;
    size_t n = 0;
    if (rcm_settings_get(d->st, &cfg, &d->err) < 0 || rcm_user_list(d->admin, &u, &n, &d->err) < 0) {
        rc = failed(d, NULL);
        goto done;
    }
    char a[USD_MAX];
    printf("the first admin is made with the store (rcm init asks for its password); every password here is\n"
           "random%s, never shown: the demo logs each user in and works through the session's handle\n",
           admin_pw == d->admin_pw ? " but the admin's (--admin-password)" : "");
    printf("settings: password-hash %s (the demo's throw-away passwords only), multi-role %s (for the\n"
           "office lead), writeoff-approval %s (a write-off above it waits for a second person)\n",
           cfg.password_hash, cfg.multi_role ? "on" : "off", usd(a, cfg.writeoff_approval_cents));
    printf("%-12s %-13s %s\n", "user", "roles", "in the demo");
    long exceptions = 0;
    for (size_t i = 0; i < n; i++) {
        char roles[48];
        rcm_roles_format(u[i].roles, roles, sizeof(roles));
        printf("%-12s %-13s %s\n", u[i].name, roles, user_does(d, u[i].name));
        exceptions += u[i].sod_exception;
    }
    free(u);
    printf("separation-of-duties exceptions: %ld (whoever coded a claim may not submit it, post it or write\n"
           "it off); what each role may do: rcm access (docs/access.md)\n", exceptions);
done:
    sodium_memzero(pw, sizeof(pw));
    sodium_memzero(d->admin_pw, sizeof(d->admin_pw));
    return rc;
}

static int step_import(demo *d)
{
    clock_at(d, 7, 1, 0);
    heading(d, "practice (%s) and encounters (%s, 2022-07-01)", rcm_cycle_user(d->admin), rcm_cycle_user(d->biller));
    char p[PATH_MAX + 32];
    rcm_import_report rep;
    input_path(d, p, sizeof(p), "practice.json");
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_practice_import(d->admin, p, &rep, &d->err) < 0)
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
    heading(d, "coding (%s and %s, 2022-07-01)", rcm_cycle_user(d->coder), rcm_cycle_user(d->lead));
    rcm_coding_item *q = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_coding_queue(d->coder, &q, &n, &d->err) < 0)
        return failed(d, NULL);
    long proposed = 0, refused = 0, fixed = 0, from_docs = 0, signed_off = 0, blocked = 0, overridden = 0;
    tallies found = { 0 }, over = { 0 };
    rcm_findings f;
    rcm_findings_init(&f);
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *ext = q[i].ext_id;
        int64_t id = q[i].encounter_id;
        /* the lead codes what the EHR sent without codes */
        rcm_cycle *cy = q[i].has_proposed ? d->coder : d->lead;
        if (cy == d->lead && d->nlead < sizeof(d->lead_coded) / sizeof(d->lead_coded[0]))
            snprintf(d->lead_coded[d->nlead++], sizeof(d->lead_coded[0]), "%s", ext);
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
    printf("coded from the documentation: %ld corrected after a finding (%s), %ld without proposed codes (%s)\n",
           fixed, rcm_cycle_user(d->coder), from_docs, rcm_cycle_user(d->lead));
    printf("findings overridden with a reason: %ld (", overridden);
    tally_print(&over);
    printf(")\n");
    printf("signed off: %ld; blocked: %ld\n", signed_off, blocked);
    return blocked ? EXIT_PROBLEMS : 0;
}

/*
 * A step the library must refuse (lib_rc its return): prints the refusal.
 * Anything else stops the demo: a step that went through, or another error.
 */
static int refused(demo *d, int lib_rc, const char *what)
{
    if (lib_rc == 0) {
        fprintf(stderr, "rcm: demo: %s was let through: the permission checks are not in force\n", what);
        return EXIT_UNREADABLE;
    }
    if (d->err.code != RCM_EDENIED)
        return failed(d, NULL);
    printf("%s: refused: %s\n", what, d->err.msg);
    return 0;
}

/*
 * Two submissions the library refuses before the biller's: the coder's (a
 * coder may not submit claims) and the lead's, of the payer's claims one of
 * which the lead coded (separation of duties). Nothing is written; both
 * refusals are audit events.
 */
static int try_submits(demo *d)
{
    rcm_claim_item *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_claims_list(d->biller, "ready", NULL, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    char payer[24] = "", claim_no[39] = "";
    for (size_t i = 0; i < n && !payer[0]; i++)
        for (size_t k = 0; k < d->nlead; k++)
            if (strcmp(v[i].encounter, d->lead_coded[k]) == 0) {
                snprintf(payer, sizeof(payer), "%s", v[i].payer);
                snprintf(claim_no, sizeof(claim_no), "%s", v[i].claim_no);
                break;
            }
    free(v);
    char name[64], path[PATH_MAX], what[256];
    snprintf(name, sizeof(name), "claims-%s.837", d->payers[0]);
    out_path(d, path, sizeof(path), name);
    snprintf(what, sizeof(what), "%s tries to submit the %s claims", rcm_cycle_user(d->coder), d->payers[0]);
    rcm_submit_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    int rc = refused(d, rcm_submit(d->coder, d->payers[0], 'P', path, &rep, &d->err), what);
    if (rc || !payer[0])
        return rc;
    snprintf(name, sizeof(name), "claims-%s.837", payer);
    out_path(d, path, sizeof(path), name);
    snprintf(what, sizeof(what), "%s tries to submit the %s claims (%s among them, coded by %s)",
             rcm_cycle_user(d->lead), payer, claim_no, rcm_cycle_user(d->lead));
    memset(&rep, 0, sizeof(rep));
    memset(&d->err, 0, sizeof(d->err));
    if ((rc = refused(d, rcm_submit(d->lead, payer, 'P', path, &rep, &d->err), what)) != 0)
        return rc;
    if (is_file(path)) {
        fprintf(stderr, "rcm: demo: a refused submission left '%s'\n", path);
        return EXIT_UNREADABLE;
    }
    int64_t isa = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_submit_control(d->biller, "isa", &isa, &d->err) < 0)
        return failed(d, NULL);
    if (isa)
        printf("nothing was written (ISA %09lld, taken before the check, is skipped: never sent)\n", (long long)isa);
    else
        printf("nothing was written\n");
    return 0;
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
    return try_submits(d);
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

/* A write-off the biller asked for that waits for approval. */
typedef struct asked_writeoff {
    int64_t request_id;
    char what[112];                     /* "C000000045 J7325 CO-197" */
} asked_writeoff;

/*
 * The write-offs above the approval setting: the biller who asked may not
 * approve them (refused, logged); the poster, a second biller, approves
 * each. *approved and *written count what was written off.
 */
static int approve_writeoffs(demo *d, const asked_writeoff *asked, size_t n, long *approved, int64_t *written)
{
    clock_at(d, 7, 25, 3);
    rcm_settings cfg;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_settings_get(d->st, &cfg, &d->err) < 0)
        return failed(d, NULL);
    char a[USD_MAX], what[256];
    printf("-- write-offs above %s: a second person decides (2022-07-25)\n", usd(a, cfg.writeoff_approval_cents));
    snprintf(what, sizeof(what), "%s tries to approve request %lld, which %s asked for", rcm_cycle_user(d->biller),
             (long long)asked[0].request_id, rcm_cycle_user(d->biller));
    memset(&d->err, 0, sizeof(d->err));
    int rc = refused(d, rcm_writeoff_approve(d->biller, asked[0].request_id, NULL, &d->err), what);
    for (size_t i = 0; i < n && !rc; i++) {
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_writeoff_approve(d->poster, asked[i].request_id, "checked the denial and the reason", &d->err) < 0)
            return failed(d, asked[i].what);
    }
    if (rc)
        return rc;
    /* what was posted: the amount asked, or less when the payer came to owe less meanwhile */
    rcm_writeoff_request *r = NULL;
    size_t nr = 0;
    if (rcm_writeoff_list(d->poster, "approved", &r, &nr, &d->err) < 0)
        return failed(d, NULL);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < nr; k++)
            if (r[k].request_id == asked[i].request_id) {
                printf("%s approves request %lld: %s written off %s\n", r[k].decided_by,
                       (long long)r[k].request_id, asked[i].what, usd(a, r[k].amount_cents));
                (*approved)++;
                *written += r[k].amount_cents;
            }
    free(r);
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
    asked_writeoff asked[16];
    size_t nasked = 0;
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
            rcm_writeoff_result wr;
            if (rcm_denial_writeoff(cy, v[i].denial_id, reason, &wr, &d->err) < 0) {
                rc = failed(d, v[i].claim_no);
                break;
            }
            printf("%s %s %s %s-%s: ", rcm_cycle_user(cy), v[i].claim_no, v[i].code[0] ? v[i].code : "claim",
                   v[i].group, v[i].carc);
            if (wr.request_id) {
                printf("write-off of %s asked (%s): waits for a second person, request %lld\n",
                       usd(a, wr.amount_cents), reason, (long long)wr.request_id);
                if (nasked < sizeof(asked) / sizeof(asked[0])) {
                    asked[nasked].request_id = wr.request_id;
                    snprintf(asked[nasked++].what, sizeof(asked[0].what), "%s %s %s-%s", v[i].claim_no,
                             v[i].code[0] ? v[i].code : "claim", v[i].group, v[i].carc);
                }
            } else {
                printf("written off %s (%s)\n", usd(a, wr.amount_cents), reason);
                writeoffs++;
                written += wr.amount_cents;
            }
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
    long approved = 0;
    if (!rc && nasked)
        rc = approve_writeoffs(d, asked, nasked, &approved, &written);
    char a[USD_MAX];
    if (!rc)
        printf("biller: %ld %s written off (%s; %ld after a second person's approval), %ld %s filed, "
               "%ld %s rebilled\n", writeoffs + approved, plural(writeoffs + approved, "denial", "denials"),
               usd(a, written), approved, appeals, plural(appeals, "appeal", "appeals"), rebills,
               plural(rebills, "claim", "claims"));
    return rc;
}

static int step_denials(demo *d)
{
    clock_at(d, 7, 25, 0);
    heading(d, "denials (%s, %s and %s, 2022-07-25)", rcm_cycle_user(d->coder), rcm_cycle_user(d->biller),
            rcm_cycle_user(d->poster));
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
        /* each queue as the people who work it see it */
        rcm_cycle *cy = strcmp(queues[qi], RCM_QUEUE_CODER) == 0 ? d->coder : d->biller;
        if (rcm_work_list(cy, queues[qi], &items, &ni, &d->err) < 0)
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

/* ---- the coding audit (audit.json) ---- */

/* Reads audit.json: the auditor's sample parameters and reviews. */
static int read_audit(demo *d)
{
    char p[PATH_MAX + 32];
    json_error_t je;
    input_path(d, p, sizeof(p), "audit.json");
    d->audit = json_load_file(p, 0, &je);
    if (!d->audit || !json_is_object(d->audit)) {
        fprintf(stderr, "rcm: %s:%d: not a JSON object: %s\n", p, je.line, d->audit ? "" : je.text);
        return EXIT_UNREADABLE;
    }
    return 0;
}

static int bad_audit(const char *what)
{
    fprintf(stderr, "rcm: audit.json: %s\n", what);
    return EXIT_UNREADABLE;
}

/* The review of encounter ext in audit.json; NULL when none. */
static json_t *review_of(const demo *d, const char *ext)
{
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(d->audit, "reviews"), i, v) {
        const char *e = json_string_value(json_object_get(v, "encounter"));
        if (e && strcmp(e, ext) == 0)
            return v;
    }
    return NULL;
}

/* A review's codes as rcm_audit_code (at most max); *n their count. */
static int review_codes(const json_t *r, const char *ext, rcm_audit_code *out, size_t max, size_t *n)
{
    static const char *const types[] = { RCM_AUDIT_ERROR_TYPES };
    json_t *codes = json_object_get(r, "codes");
    *n = 0;
    if (codes && !json_is_array(codes))
        return bad_decision("reviews", ext, "'codes' must be an array");
    if (json_array_size(codes) > max)
        return bad_decision("reviews", ext, "too many codes");
    size_t i;
    json_t *v;
    json_array_foreach(codes, i, v) {
        rcm_audit_code *c = &out[(*n)++];
        memset(c, 0, sizeof(*c));
        json_t *line = json_object_get(v, "line");
        const char *kind = json_string_value(json_object_get(v, "kind"));
        const char *code = json_string_value(json_object_get(v, "code"));
        const char *correct = json_string_value(json_object_get(v, "correct"));
        const char *type = json_string_value(json_object_get(v, "error"));
        const char *effect = json_string_value(json_object_get(v, "effect"));
        if (!json_is_integer(line) || json_integer_value(line) < 0 || !kind || strlen(kind) != 1 ||
            !strchr("dpmu", kind[0]) || !code || !correct || strlen(code) >= sizeof(c->code) ||
            strlen(correct) >= sizeof(c->correct))
            return bad_decision("reviews", ext, "a code needs 'line', 'kind' (d p m u), 'code' and 'correct'");
        c->line = (int)json_integer_value(line);
        c->kind = kind[0];
        snprintf(c->code, sizeof(c->code), "%s", code);
        snprintf(c->correct, sizeof(c->correct), "%s", correct);
        if (type && *type) {
            size_t k = 0;
            while (k < sizeof(types) / sizeof(types[0]) && strcmp(types[k], type) != 0)
                k++;
            if (k == sizeof(types) / sizeof(types[0]))
                return bad_decision("reviews", ext, "'error' is not an error type of docs/coding-audit.md");
            snprintf(c->error_type, sizeof(c->error_type), "%s", type);
        }
        c->effect_cents = INT64_MIN;
        if (effect) {
            const char *why = NULL;
            if (rcm_cents_parse(&c->effect_cents, rcm_str_c(effect), &why) != 0)
                return bad_decision("reviews", ext, "'effect' is not an amount such as -40.00");
        }
    }
    return 0;
}

/* The E/M reference: em/reference.csv beside the reference-data folder. */
static void em_reference_path(const demo *d, char *out, size_t outsz)
{
    char parent[PATH_MAX];
    snprintf(parent, sizeof(parent), "%s", d->refdata);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    else
        snprintf(parent, sizeof(parent), ".");
    snprintf(out, outsz, "%.*s/em/reference.csv", (int)(outsz - 20), parent);
}

/* The sample as audit.json asks: coder, dates, n, seed, stratification. */
static int sample_spec(demo *d, rcm_audit_sample_spec *spec)
{
    json_t *s = json_object_get(d->audit, "sample");
    memset(spec, 0, sizeof(*spec));
    spec->coder = rcm_cycle_user(d->coder);
    json_t *n = json_object_get(s, "n"), *seed = json_object_get(s, "seed");
    spec->stratify = json_string_value(json_object_get(s, "stratify"));
    if (!json_is_integer(n) || !json_is_integer(seed) || json_integer_value(n) < 1 || json_integer_value(n) > 100 ||
        json_integer_value(seed) < 0 || decision_date(s, "from", &spec->from) < 0 ||
        decision_date(s, "to", &spec->to) < 0 || spec->from == RCM_DATE_NONE || spec->to == RCM_DATE_NONE)
        return bad_audit("'sample' needs 'from' and 'to' (YYYY-MM-DD), 'n' (1 to 100) and 'seed'");
    spec->n = (int)json_integer_value(n);
    spec->seed = (uint64_t)json_integer_value(seed);
    return 0;
}

static int sampled_cmp(const void *a, const void *b)
{
    return strcmp(((const rcm_audit_sampled *)a)->claim_no, ((const rcm_audit_sampled *)b)->claim_no);
}

/* The auditor scores each sampled claim from its review; prints the errors found. */
static int score_sample(demo *d, int64_t sample_id, rcm_audit_sampled *v, size_t n)
{
    rcm_cycle *cy = d->auditor;
    qsort(v, n, sizeof(v[0]), sampled_cmp);
    long reviews = 0;
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(d->audit, "reviews"), k, r)
        reviews++;
    long matched = 0;
    for (size_t i = 0; i < n; i++) {
        char ext[48];
        if (claim_encounter(d, cy, v[i].claim_id, ext, sizeof(ext)) < 0)
            return failed(d, v[i].claim_no);
        json_t *rev = review_of(d, ext);
        if (!rev) {
            fprintf(stderr, "rcm: audit.json: no review of encounter '%s' (claim %s, drawn in the sample)\n", ext,
                    v[i].claim_no);
            return EXIT_UNREADABLE;
        }
        matched++;
        rcm_audit_code codes[16];
        size_t nc = 0;
        int rc = review_codes(rev, ext, codes, sizeof(codes) / sizeof(codes[0]), &nc);
        if (rc)
            return rc;
        const char *note = json_string_value(json_object_get(rev, "note"));
        memset(&d->err, 0, sizeof(d->err));
        if (rcm_audit_score(cy, sample_id, v[i].claim_no, codes, nc, note ? note : "", &d->err) < 0)
            return failed(d, v[i].claim_no);
        for (size_t j = 0; j < nc; j++) {
            if (!codes[j].error_type[0])
                continue;
            static const char kinds[] = "dpmu";
            static const char *const kind_names[] = { "diagnosis", "procedure", "modifier", "units" };
            const char *kind = kind_names[strchr(kinds, codes[j].kind) - kinds];
            if (codes[j].line)
                printf("  %s (%s) line %d %s %s -> %s: %s\n", v[i].claim_no, ext, codes[j].line, kind,
                       codes[j].code[0] ? codes[j].code : "(none)", codes[j].correct[0] ? codes[j].correct : "(none)",
                       codes[j].error_type);
            else
                printf("  %s (%s) %s %s -> %s: %s\n", v[i].claim_no, ext, kind,
                       codes[j].code[0] ? codes[j].code : "(none)", codes[j].correct[0] ? codes[j].correct : "(none)",
                       codes[j].error_type);
        }
        if (note && *note && nc)
            printf("    %s\n", note);
    }
    if (matched != reviews)
        return bad_audit("a review names an encounter that is not in the sample: draw it again or fix the file");
    return 0;
}

static int em_row_cmp(const void *a, const void *b)
{
    const rcm_em_row *x = a, *y = b;
    int c = strcmp(x->family, y->family);
    return c ? -c : strcmp(x->provider_npi, y->provider_npi); /* office-new before office-established */
}

/* The providers' E/M level distributions against the reference the auditor loads. */
static int step_em(demo *d)
{
    rcm_cycle *cy = d->auditor;
    char path[PATH_MAX];
    em_reference_path(d, path, sizeof(path));
    if (!is_file(path)) {
        fprintf(stderr, "rcm: demo: no E/M reference '%s'\n", path);
        return EXIT_UNREADABLE;
    }
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_em_reference_load(cy, path, "the illustrative reference bundled with rcm (em/reference.csv)",
                              &d->err) < 0)
        return failed(d, path);
    rcm_em_row *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_em_distribution(cy, rcm_date_from_ymd(2022, 6, 1), rcm_date_from_ymd(2022, 6, 30), &v, &n, &d->err) < 0)
        return failed(d, NULL);
    printf("E/M levels of June 2022, percent of each provider's visits in a family, against the bundled\n"
           "reference (illustrative: em/PROVENANCE.md; a practice loads its specialty's real figures):\n");
    printf("%-19s %-10s %6s %4s %4s %4s %4s %4s %5s  %s\n", "family", "provider", "visits", "L1", "L2", "L3", "L4",
           "L5", "mean", "flag");
    qsort(v, n, sizeof(v[0]), em_row_cmp);
    rcm_settings cfg;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_settings_get(d->st, &cfg, &d->err) < 0) {
        free(v);
        return failed(d, NULL);
    }
    long flagged = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || strcmp(v[i].family, v[i - 1].family) != 0) {
            printf("%-19s %-10s %6s", v[i].family, "reference", "");
            for (int l = 1; l <= 5; l++)
                if (v[i].ref_share[l] > 0)
                    printf(" %4.0f", v[i].ref_share[l]);
                else
                    printf(" %4s", "-");
            printf(" %5.2f\n", v[i].ref_mean);
        }
        printf("%-19s %-10s %6lld", v[i].family, v[i].provider_npi, (long long)v[i].visits);
        for (int l = 1; l <= 5; l++)
            if (v[i].count[l] || v[i].ref_share[l] > 0)
                printf(" %4.0f", v[i].share[l]);
            else
                printf(" %4s", "-");
        printf(" %5.2f", v[i].mean_level);
        if (v[i].flag[0])
            printf("  %s", v[i].flag);
        else if (v[i].visits < cfg.em_min_visits)
            printf("  (too few to compare)");
        printf("\n");
        flagged += v[i].flag[0] != '\0';
    }
    free(v);
    printf("flagged: %ld (high: possible upcoding, low: possible undercoding, when the share of levels 4-5\n"
           "is more than 2 SD from the reference's and the chi-square test rejects it at 1%%)\n", flagged);
    return 0;
}

static int step_coding_audit(demo *d)
{
    clock_at(d, 9, 6, 0);
    rcm_cycle *cy = d->auditor;
    heading(d, "coding audit (%s, 2022-09-06)", rcm_cycle_user(cy));
    rcm_audit_sample_spec spec;
    int rc = sample_spec(d, &spec);
    if (rc)
        return rc;
    int64_t sample_id = 0;
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_audit_sample(cy, &spec, &sample_id, &v, &n, &d->err) < 0)
        return failed(d, NULL);
    char from[16], to[16];
    tallies strata = { 0 };
    for (size_t i = 0; i < n; i++)
        tally_add(&strata, v[i].stratum, 1);
    printf("sample %lld of %s's claims (dates of service %s to %s, seed %llu, stratified by %s):\n"
           "%zu drawn (", (long long)sample_id, spec.coder, iso(from, spec.from), iso(to, spec.to),
           (unsigned long long)spec.seed,
           !spec.stratify || strcmp(spec.stratify, "none") == 0 ? "nothing"
           : strcmp(spec.stratify, "em") == 0 ? "E/M level" : strcmp(spec.stratify, "dollars") == 0 ? "charge quartile"
           : spec.stratify, n);
    tally_print(&strata);
    printf(")");
    printf("\n");
    printf("the auditor's findings (audit.json):\n");
    rc = score_sample(d, sample_id, v, n);
    free(v);
    if (rc)
        return rc;
    rcm_audit_accuracy *acc = NULL;
    size_t na = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_audit_accuracy_report(cy, sample_id, NULL, 0, 0, &acc, &na, &d->err) < 0)
        return failed(d, NULL);
    static const char *const types[] = { RCM_AUDIT_ERROR_TYPES };
    for (size_t i = 0; i < na; i++) {
        char a[USD_MAX], b[USD_MAX], c[USD_MAX];
        printf("%s: %lld claims reviewed, %lld without an error (%.1f%%); %lld codes, %lld right (%.1f%%);\n"
               "  over-coded %s, under-coded %s of %s billed; errors:",
               acc[i].coder, (long long)acc[i].claims, (long long)acc[i].claims_ok,
               acc[i].claims ? 100.0 * (double)acc[i].claims_ok / (double)acc[i].claims : 0.0,
               (long long)acc[i].codes, (long long)acc[i].codes_ok,
               acc[i].codes ? 100.0 * (double)acc[i].codes_ok / (double)acc[i].codes : 0.0,
               usd(a, acc[i].over_cents), usd(b, acc[i].under_cents), usd(c, acc[i].billed_cents));
        int any = 0;
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
            if (acc[i].by_type[t]) {
                printf("%s %s %lld", any ? "," : "", types[t], (long long)acc[i].by_type[t]);
                any = 1;
            }
        printf("%s\n", any ? "" : " none");
    }
    free(acc);
    /* the corrections are the coder's work */
    rcm_work_item *w = NULL;
    size_t nw = 0;
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_work_list(d->coder, RCM_QUEUE_CODER, &w, &nw, &d->err) < 0)
        return failed(d, NULL);
    long corrections = 0;
    for (size_t i = 0; i < nw; i++)
        corrections += strcmp(w[i].kind, "audit") == 0;
    printf("%s's work queue: %ld audit %s\n", rcm_cycle_user(d->coder), corrections,
           plural(corrections, "correction", "corrections"));
    for (size_t i = 0; i < nw; i++)
        if (strcmp(w[i].kind, "audit") == 0)
            printf("  %s\n", w[i].summary);
    free(w);
    return step_em(d);
}

/* ---- the audit trail ---- */

typedef struct trail_walk {
    FILE *out;                  /* DIR/audit-log.tsv */
    tallies logins, reads, changes, denials;
    char denied[16][320];       /* the first denials, as printed */
    size_t ndenied;
} trail_walk;

/* "2022-07-05 09:00:00" (UTC) of seconds since 1970. */
static const char *stamp(char *out, size_t outsz, int64_t at)
{
    char day[16];
    int64_t s = at % 86400;
    if (s < 0)
        s += 86400;
    rcm_date_fmt(day, (rcm_date)((at - s) / 86400), 1);
    snprintf(out, outsz, "%s %02d:%02d:%02d", day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
    return out;
}

/* A field of the export: tabs and line breaks (which no field should hold) as spaces. */
static void tsv_field(FILE *f, const char *s, int last)
{
    for (; s && *s; s++)
        fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
    fputc(last ? '\n' : '\t', f);
}

static int trail_event(const rcm_audit_event *ev, void *ctx)
{
    trail_walk *w = ctx;
    char at[32];
    stamp(at, sizeof(at), ev->at);
    if (w->out) {
        fprintf(w->out, "%lld\t", (long long)ev->seq);
        tsv_field(w->out, at, 0);
        tsv_field(w->out, ev->user, 0);
        tsv_field(w->out, ev->roles, 0);
        tsv_field(w->out, ev->origin, 0);
        tsv_field(w->out, ev->action, 0);
        tsv_field(w->out, ev->outcome, 0);
        tsv_field(w->out, ev->entity, 0);
        fprintf(w->out, "%lld\t%lld\t%lld\t", (long long)ev->entity_id, (long long)ev->patient_id,
                (long long)ev->claim_id);
        tsv_field(w->out, ev->detail, 0);
        tsv_field(w->out, ev->hash, 1);
    }
    const char *a = ev->action ? ev->action : "";
    if (strcmp(ev->outcome ? ev->outcome : "", "denied") == 0 && strncmp(a, "login", 5) != 0 &&
        strcmp(a, "session-denied") != 0) {
        tally_add(&w->denials, a, 1);
        if (w->ndenied < sizeof(w->denied) / sizeof(w->denied[0]))
            snprintf(w->denied[w->ndenied++], sizeof(w->denied[0]), "#%lld %s %s (%s): %s", (long long)ev->seq,
                     at, ev->user, ev->roles, ev->detail);
    } else if (strncmp(a, "login", 5) == 0 || strcmp(a, "logout") == 0 || strcmp(a, "session-denied") == 0 ||
               strcmp(a, "lockout") == 0) {
        tally_add(&w->logins, a, 1);
    } else if (strcmp(a, "read") == 0) {
        tally_add(&w->reads, ev->entity && *ev->entity ? ev->entity : "lists", 1);
    } else {
        tally_add(&w->changes, a, 1);
    }
    return 0;
}

static const char trail_header[] =
    "seq\tat\tuser\troles\torigin\taction\toutcome\tentity\tentity_id\tpatient_id\tclaim_id\tdetail\thash\n";

static int step_trail(demo *d)
{
    rcm_cycle *cy = d->auditor;
    heading(d, "audit trail (%s, 2022-09-06)", rcm_cycle_user(cy));
    char log[PATH_MAX], anchor[PATH_MAX];
    out_path(d, log, sizeof(log), "audit-log.tsv");
    out_path(d, anchor, sizeof(anchor), "audit.anchor");
    trail_walk w;
    memset(&w, 0, sizeof(w));
    w.out = fopen(log, "w");
    if (!w.out) {
        fprintf(stderr, "rcm: demo: cannot write '%s': %s\n", log, strerror(errno));
        return EXIT_UNREADABLE;
    }
    fputs(trail_header, w.out);
    rcm_audit_filter all;
    memset(&all, 0, sizeof(all));
    memset(&d->err, 0, sizeof(d->err));
    int rc = rcm_audit_log(cy, &all, trail_event, &w, &d->err);
    if (fclose(w.out) != 0 && rc == 0) {
        fprintf(stderr, "rcm: demo: cannot write '%s': %s\n", log, strerror(errno));
        return EXIT_UNREADABLE;
    }
    if (rc < 0)
        return failed(d, NULL);
    long total = w.logins.total + w.reads.total + w.changes.total + w.denials.total;
    printf("%ld events so far, each exported to %s (ids, codes, amounts: no names)\n", total, log);
    printf("  logins  %5ld: ", w.logins.total);
    tally_print_wrap(&w.logins, 17, 17, 100);
    printf("\n  reads   %5ld: ", w.reads.total);
    tally_print_wrap(&w.reads, 17, 17, 100);
    printf("\n  changes %5ld: ", w.changes.total);
    tally_print_wrap(&w.changes, 17, 17, 100);
    printf("\n  denials %5ld:\n", w.denials.total);
    for (size_t i = 0; i < w.ndenied; i++)
        printf("    %s\n", w.denied[i]);
    rcm_audit_verdict v;
    memset(&v, 0, sizeof(v));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_audit_anchor(cy, anchor, NULL, &v, &d->err) < 0)
        return failed(d, anchor);
    memset(&v, 0, sizeof(v));
    memset(&d->err, 0, sizeof(d->err));
    if (rcm_audit_verify(cy, anchor, NULL, &v, &d->err) < 0)
        return failed(d, NULL);
    if (v.first_bad) {
        printf("the chain is BROKEN at event %lld: %s\n", (long long)v.first_bad, v.why);
        return EXIT_PROBLEMS;
    }
    printf("%s wrote the chain's head to %s and verified the chain: it holds\n"
           "(%lld events, this step's own included, each hash recomputed; %d anchor %s %s)\n", rcm_cycle_user(cy),
           anchor, (long long)v.events, v.anchors, plural(v.anchors, "line", "lines"),
           v.anchors == 1 ? "matches" : "match");
    return 0;
}

static const char usage_text[] =
    "usage: rcm demo [--dir DIR] [--data DIR] [--demo-data DIR] [--admin-password [--password-stdin]]\n"
    "  runs the whole revenue cycle on the bundled demo data (docs/demo.md): a fresh store,\n"
    "  a month of encounters coded, claims submitted, a payer simulator's 999/277CA/835\n"
    "  posted, denials worked and resubmitted, secondary claims, statements, aging, metrics\n"
    "  --dir DIR        where the store and every exchanged file go (default: demo-out);\n"
    "                   an earlier demo's files there are replaced\n"
    "  --data DIR       the bundled reference data (default: $RCM_REFDATA_DIR, else found beside rcm)\n"
    "  --demo-data DIR  the demo's inputs (default: $RCM_DEMO_DATA, else 'demo' beside the\n"
    "                   reference data)\n"
    "  --admin-password the store's admin gets a password asked twice on the terminal (else a\n"
    "                   random one nobody knows), to log in afterwards and explore the store\n"
    "  --password-stdin read that password from the first line of standard input instead\n";

int cmd_demo(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "dir", required_argument, NULL, 'o' },
        { "data", required_argument, NULL, 'D' },
        { "demo-data", required_argument, NULL, 'I' },
        { "admin-password", no_argument, NULL, 'A' },
        { "password-stdin", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    demo d;
    memset(&d, 0, sizeof(d));
    d.dir = "demo-out";
    const char *data_opt = NULL, *input_opt = NULL;
    int o, ask_pw = 0, pw_stdin = 0;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        switch (o) {
        case 'o': d.dir = optarg; break;
        case 'D': data_opt = optarg; break;
        case 'I': input_opt = optarg; break;
        case 'A': ask_pw = 1; break;
        case 'P': pw_stdin = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc || !*d.dir || (pw_stdin && !ask_pw)) {
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
        rc = read_audit(&d);
    if (!rc && ask_pw) {
        /* asked before anything is written, as rcm init does */
        rc = cli_password(d.admin_pw, sizeof(d.admin_pw), "password for the demo store's admin: ", 1, pw_stdin);
        if (!rc && strlen(d.admin_pw) < RCM_PASSWORD_MIN) {
            fprintf(stderr, "rcm: a password is %d to %d characters\n", RCM_PASSWORD_MIN, RCM_PASSWORD_MAX);
            rc = EXIT_UNREADABLE;
        }
    }
    if (!rc)
        rc = prepare_dir(&d);
    if (rc) {
        json_decref(d.decisions);
    json_decref(d.audit);
        sodium_memzero(d.admin_pw, sizeof(d.admin_pw));
        return rc;
    }
    printf("rcm demo: June 2022 at a small practice (synthetic data), from coding to patient statements\n");
    printf("everything exchanged stays in %s/ with the store (docs/demo.md)\n", d.dir);
    rc = step_store(&d);
    if (!rc)
        rc = step_people(&d);
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
    if (!rc)
        rc = step_coding_audit(&d);
    if (!rc) {
        int trail = step_trail(&d);
        if (trail == EXIT_UNREADABLE)
            rc = trail;
        else if (trail)
            ledger = trail;
    }
    if (!rc) {
        const char *ex = d.example[0] ? d.example : "C000000001";
        printf("\nexplore the files (docs/demo.md):\n"
               "  rcm era summary %s/claims-MCR.835\n"
               "  rcm x12 check %s/corrected-MCR.837\n"
               "and the store: its users' passwords are random; run the demo with --admin-password to log\n"
               "in as its admin afterwards and add yourself a user (docs/demo.md):\n"
               "  export RCM_DB=%s/rcm.db\n"
               "  rcm login --user admin\n"
               "  rcm user add me --role biller,auditor\n"
               "  rcm login --user me\n"
               "  rcm ledger show %s\n"
               "  rcm audit log --claim %s\n",
               d.dir, d.dir, d.dir, ex, ex);
        if (blocked || ledger)
            rc = EXIT_PROBLEMS;
    }
    rcm_paysim_free(d.sim);
    rcm_cycle_free(d.admin);
    for (size_t i = 0; i < DEMO_PEOPLE; i++)
        rcm_cycle_free(*person_handle(&d, i));
    rcm_store_close(d.st);
    json_decref(d.decisions);
    json_decref(d.audit);
    sodium_memzero(d.admin_pw, sizeof(d.admin_pw));
    return rc;
}
