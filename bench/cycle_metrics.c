/*
 * cycle_metrics [-r RUNS] [-p RUNS] [-c CLAIMS] [-d DIR] [-s SEED]: the AR reports at
 * scale (target: rcm_metrics_get over a store of 1,000,000 claims under 1 s).
 *
 * Setup, timed but not part of the target: a store of CLAIMS claims
 * (default 1,000,000) written with SQL in one transaction, as the cycle
 * leaves them. Two years of dates of service to the business date
 * 2026-01-15; 200,000 patients (20% with a secondary coverage), 40
 * providers, 10 coders, 12 payers (Medicare 30%, then the commercial plans
 * and Medicaid). Each visit's original claim has 1 to 4 lines (an office
 * visit 99202-99215 on 85%, then ancillaries), a charge row per line; its
 * state follows its age: fresh claims ready, held or submitted, a week or
 * two submitted or accepted (3% rejected by the 999 and sent again), older
 * ones adjudicated: 88% paid (payment, CO-45, the patient's share PR-1 or
 * PR-2 moved to the patient, rows per line), 7% with a line denied, 5%
 * denied whole (denial rows with their CARC, route and root; older denials
 * corrected by a replacement claim, written off or appealed). Patients with
 * a secondary coverage get a secondary claim that pays 80% of their share;
 * the others pay two thirds of their shares; 0.3% of the payments are
 * reversed and posted again. Nothing is dated after the business
 * date (what would be is not posted yet). A remittance row per adjudicated
 * claim, a 277CA acknowledgment per submitted claim. Replacement and
 * secondary claims count toward CLAIMS.
 *
 * Timed on the same open store: rcm_metrics_get over every claim, by payer,
 * by provider, by coder and for one month; rcm_ar_aging in total and by
 * payer; rcm_ar_worklist once. Twice: first without the ledger summary
 * (dropped), every report folding the whole ledger (-p RUNS times,
 * default 1: seconds each), then with the summary of AR_SUM_SCHEMA
 * (migration 8, re-created empty): the first
 * report builds it (timed apart), the others read it (RUNS times, default
 * 3). Prints the store's figures, each query's median, best and CPU
 * seconds (CPU: what the code costs when it has the core; the wall clock
 * counts a loaded machine too), the target's verdict, and one
 * "stage=cycle_metrics ..." key=value line per query (bench.h style).
 * With -d DIR the store is kept in DIR/metrics.db and reused by a later run
 * asking for the same CLAIMS and SEED. The reports run as bench.biller (a
 * biller: bench_cycle.h), added to the store with its admin when missing.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "bench_cycle.h"
#include "synth.h"
#include "rcm/rcm.h"
#include "rcm/ar.h"
#include "../lib/store/store_internal.h"
#include "../lib/cycle/ar_internal.h"

#define DEF_CLAIMS 1000000L
#define PATIENTS 200000L
#define PROVIDERS 40
#define CODERS 10
#define NOW INT64_C(1768478400)   /* 2026-01-15 12:00 UTC */
#define DAYS 745                  /* dates of service 2024-01-01 .. 2026-01-14 */
#define TARGET_S 1.0

static void die(const char *what, const rcm_error *err)
{
    fprintf(stderr, "cycle_metrics: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

typedef struct payer_def {
    const char *code, *name, *filing;
    int timely, appeal, weight;
} payer_def;

static const payer_def payers[] = {
    { "MCR", "MEDICARE PART B", "MB", 365, 120, 30 },    { "BCBS", "BLUECROSS BLUESHIELD", "BL", 180, 180, 18 },
    { "UHC", "UNITEDHEALTHCARE", "CI", 90, 180, 12 },     { "AETNA", "AETNA", "CI", 90, 180, 10 },
    { "MCD", "MEDICAID", "MC", 365, 90, 10 },             { "CIGNA", "CIGNA", "CI", 90, 180, 6 },
    { "HUMANA", "HUMANA MEDICARE", "16", 365, 60, 5 },    { "TRICARE", "TRICARE EAST", "CH", 365, 90, 3 },
    { "AMBETTER", "AMBETTER", "HM", 90, 180, 2 },         { "WELLCARE", "WELLCARE", "HM", 180, 90, 2 },
    { "OSCAR", "OSCAR HEALTH", "CI", 90, 180, 1 },        { "MOLINA", "MOLINA HEALTHCARE", "MC", 180, 90, 1 },
};
#define N_PAYERS ((int)SYNTH_LEN(payers))

typedef struct code_def {
    const char *code;
    int64_t charge;
    int weight;
} code_def;

static const code_def visits[] = {
    { "99202", 11000, 1 }, { "99203", 17000, 4 }, { "99204", 25500, 2 }, { "99205", 33500, 1 },
    { "99211", 4000, 2 },  { "99212", 9000, 15 }, { "99213", 15000, 40 }, { "99214", 21500, 30 },
    { "99215", 29500, 5 },
};
static const code_def others[] = {
    { "36415", 1500, 30 }, { "81002", 1200, 12 }, { "93000", 4500, 15 }, { "90471", 3500, 10 },
    { "96372", 3000, 10 }, { "20610", 16000, 8 }, { "J1100", 800, 8 },   { "11102", 14000, 7 },
};

typedef struct denial_def {
    const char *carc, *route, *root;
} denial_def;

static const denial_def denials[] = {
    { "97", "coder", "bundling" },      { "50", "coder", "medical-necessity" }, { "4", "coder", "modifier" },
    { "11", "coder", "dx-mismatch" },   { "16", "coder", "missing-info" },      { "27", "biller", "eligibility" },
    { "197", "biller", "authorization" }, { "29", "biller", "timely-filing" },   { "22", "biller", "cob" },
};

static int pick_weighted(synth_rng *r, const int *w, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++)
        total += w[i];
    int x = (int)synth_below(r, (uint32_t)total);
    for (int i = 0; i < n; i++) {
        if (x < w[i])
            return i;
        x -= w[i];
    }
    return n - 1;
}

static int pick_payer(synth_rng *r)
{
    int w[N_PAYERS];
    for (int i = 0; i < N_PAYERS; i++)
        w[i] = payers[i].weight;
    return pick_weighted(r, w, N_PAYERS);
}

static const code_def *pick_code(synth_rng *r, const code_def *v, int n)
{
    int w[16];
    for (int i = 0; i < n; i++)
        w[i] = v[i].weight;
    return &v[pick_weighted(r, w, n)];
}

/* ---- writing ---- */

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "cycle_metrics: %s: %s\n", sql, msg ? msg : "");
        exit(1);
    }
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "cycle_metrics: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return s;
}

static void done(sqlite3 *db, sqlite3_stmt *s)
{
    if (sqlite3_step(s) != SQLITE_DONE) {
        fprintf(stderr, "cycle_metrics: insert: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(s);
}

enum { S_ENC, S_CLAIM, S_LINE, S_LEDGER, S_RC, S_ACK, S_DENIAL, S_APPEAL, S_COUNT };

typedef struct gen {
    sqlite3 *db;
    sqlite3_stmt *s[S_COUNT];
    synth_rng r;
    rcm_date today, dos0;
    int64_t next_claim, next_entry, next_rc, next_ack, next_denial, next_appeal, next_enc;
    int64_t remit_of[N_PAYERS][120];    /* a remittance per payer per week */
    int32_t *cov_p, *cov_s;             /* each patient's primary and secondary payer (-1 none) */
    /* counts for the summary */
    long originals, replacements, secondaries, lines, ledger, denial_rows, remits, acks;
} gen;

typedef struct line_def {
    const char *code;
    int64_t charge;
} line_def;

typedef struct claim_def {
    int64_t id, encounter, patient, original, primary;
    int provider, payer, coverage_seq;  /* coverage_seq 0 P, 1 S */
    char freq;
    const char *status, *coder, *first_ack, *first_835;
    rcm_date dos;
    int scrub_errors, submissions;
    int64_t submitted_at;
    int n_lines;
    line_def lines[4];
    int64_t charge;
} claim_def;

static void ledger(gen *g, int64_t claim, int line, int64_t patient, int payer, const char *kind, const char *group,
                   const char *carc, int64_t amount, rcm_date eff, int64_t rc, int64_t reverses)
{
    sqlite3_stmt *s = g->s[S_LEDGER];
    sqlite3_bind_int64(s, 1, g->next_entry++);
    sqlite3_bind_int64(s, 2, claim);
    sqlite3_bind_int(s, 3, line);
    sqlite3_bind_int64(s, 4, patient);
    if (payer >= 0)
        sqlite3_bind_int(s, 5, payer + 1);
    else
        sqlite3_bind_null(s, 5);
    sqlite3_bind_text(s, 6, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, carc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 9, amount);
    if (rc) {
        sqlite3_bind_int64(s, 10, rc);
        sqlite3_bind_int64(s, 11, rc);
    } else {
        sqlite3_bind_null(s, 10);
        sqlite3_bind_null(s, 11);
    }
    if (reverses)
        sqlite3_bind_int64(s, 12, reverses);
    else
        sqlite3_bind_null(s, 12);
    sqlite3_bind_int(s, 13, eff);
    sqlite3_bind_int64(s, 14, (int64_t)eff * 86400);
    done(g->db, s);
    g->ledger++;
}

static void put_claim(gen *g, const claim_def *c)
{
    sqlite3_stmt *s = g->s[S_CLAIM];
    char no[16], coder[16];
    snprintf(no, sizeof(no), "C%09lld", (long long)c->id);
    snprintf(coder, sizeof(coder), "%s", c->coder);
    sqlite3_bind_int64(s, 1, c->id);
    sqlite3_bind_text(s, 2, no, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 3, c->encounter);
    sqlite3_bind_int64(s, 4, c->patient);
    sqlite3_bind_int(s, 5, c->provider + 1);
    sqlite3_bind_int64(s, 6, c->patient * 2 - 1 + c->coverage_seq);
    sqlite3_bind_int(s, 7, c->payer + 1);
    sqlite3_bind_text(s, 8, c->coverage_seq ? "S" : "P", -1, SQLITE_STATIC);
    char f[2] = { c->freq, 0 };
    sqlite3_bind_text(s, 9, f, -1, SQLITE_TRANSIENT);
    if (c->original)
        sqlite3_bind_int64(s, 10, c->original);
    else
        sqlite3_bind_null(s, 10);
    if (c->primary)
        sqlite3_bind_int64(s, 11, c->primary);
    else
        sqlite3_bind_null(s, 11);
    sqlite3_bind_text(s, 12, c->status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 13, c->charge);
    sqlite3_bind_int(s, 14, c->dos);
    sqlite3_bind_int(s, 15, c->scrub_errors);
    sqlite3_bind_text(s, 16, coder, -1, SQLITE_TRANSIENT);
    if (c->submitted_at)
        sqlite3_bind_int64(s, 17, c->submitted_at);
    else
        sqlite3_bind_null(s, 17);
    sqlite3_bind_int(s, 18, c->submissions);
    sqlite3_bind_text(s, 19, c->first_ack, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 20, c->first_835, -1, SQLITE_STATIC);
    done(g->db, s);
    for (int i = 0; i < c->n_lines; i++) {
        sqlite3_stmt *l = g->s[S_LINE];
        sqlite3_bind_int64(l, 1, c->id);
        sqlite3_bind_int(l, 2, i + 1);
        sqlite3_bind_text(l, 3, c->lines[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(l, 4, c->lines[i].charge);
        sqlite3_bind_int(l, 5, c->dos);
        done(g->db, l);
        g->lines++;
    }
    if (c->submissions) {
        sqlite3_stmt *a = g->s[S_ACK];
        sqlite3_bind_int64(a, 1, g->next_ack++);
        sqlite3_bind_int64(a, 2, c->id);
        sqlite3_bind_text(a, 3, c->first_ack[0] ? c->first_ack : "accepted", -1, SQLITE_STATIC);
        done(g->db, a);
        g->acks++;
    }
}

/* The remittance row of a claim's adjudication (one remit per payer per week). */
static int64_t remit_claim(gen *g, int64_t claim, int payer, rcm_date paid)
{
    int week = (int)((paid - g->dos0) / 7);
    if (week < 0)
        week = 0;
    if (week >= 120)
        week = 119;
    if (!g->remit_of[payer][week]) {
        int64_t id = (int64_t)payer * 120 + week + 1;
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "INSERT INTO remit VALUES (%lld, 1, 1, '0001', 'P%d', 'W%d', %d, '%s', 0, 'ACH', %d, 0, 0, %lld,"
                 " 'poster')",
                 (long long)id, payer, week, payer + 1, payers[payer].name, (int)(g->dos0 + week * 7 + 6),
                 (long long)(g->dos0 + week * 7 + 6) * 86400);
        exec(g->db, sql);
        g->remit_of[payer][week] = id;
        g->remits++;
    }
    sqlite3_stmt *s = g->s[S_RC];
    int64_t id = g->next_rc++;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, g->remit_of[payer][week]);
    sqlite3_bind_int64(s, 3, claim);
    done(g->db, s);
    return id;
}

static void denial(gen *g, int64_t claim, int line, int64_t rc, const denial_def *d, int64_t amount,
                   const char *status, rcm_date filed)
{
    sqlite3_stmt *s = g->s[S_DENIAL];
    int64_t id = g->next_denial++;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, claim);
    sqlite3_bind_int(s, 3, line);
    sqlite3_bind_int64(s, 4, rc);
    sqlite3_bind_text(s, 5, d->carc, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, amount);
    sqlite3_bind_text(s, 7, d->route, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, d->root, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, status, -1, SQLITE_STATIC);
    done(g->db, s);
    g->denial_rows++;
    if (strcmp(status, "appealed") == 0) {
        sqlite3_stmt *a = g->s[S_APPEAL];
        sqlite3_bind_int64(a, 1, g->next_appeal++);
        sqlite3_bind_int64(a, 2, id);
        sqlite3_bind_int64(a, 3, claim);
        sqlite3_bind_int(a, 4, filed);
        sqlite3_bind_int(a, 5, filed + 120);
        done(g->db, a);
    }
}

/*
 * A claim adjudicated on day paid: each line paid (payment, CO-45, the patient's share moved to the patient)
 * unless denied (mask bit i). Returns the patient's share.
 */
static int64_t adjudicate(gen *g, const claim_def *c, rcm_date paid, unsigned denied_mask, int reversals,
                          int64_t *rc_out, int64_t *open_out)
{
    int64_t rc = remit_claim(g, c->id, c->payer, paid);
    *rc_out = rc;
    int64_t share = 0, open = 0;
    int pct = 50 + (int)synth_below(&g->r, 26);     /* allowed: 50-75% of the charge */
    int deductible = synth_chance(&g->r, 15);
    for (int i = 0; i < c->n_lines; i++) {
        int64_t ch = c->lines[i].charge;
        if (denied_mask & (1u << i)) {
            open += ch;
            continue;
        }
        int64_t allowed = ch * pct / 100;
        int64_t pay = deductible ? 0 : allowed * 80 / 100;
        int64_t pr = allowed - pay;
        int64_t entry = g->next_entry;
        if (pay)
            ledger(g, c->id, i + 1, c->patient, c->payer, "payment", "", "", -pay, paid, rc, 0);
        if (pay && reversals && synth_below(&g->r, 1000) < 3) {
            /* reversed (CLP02 22) and posted again */
            ledger(g, c->id, i + 1, c->patient, c->payer, "reversal", "", "", pay, paid + 7, rc, entry);
            ledger(g, c->id, i + 1, c->patient, c->payer, "payment", "", "", -pay, paid + 7, rc, 0);
        }
        ledger(g, c->id, i + 1, c->patient, c->payer, "adjustment", "CO", "45", -(ch - allowed), paid, rc, 0);
        if (pr) {
            const char *carc = deductible ? "1" : "2";
            ledger(g, c->id, i + 1, c->patient, c->payer, "transfer", "PR", carc, -pr, paid, rc, 0);
            ledger(g, c->id, i + 1, c->patient, -1, "transfer", "PR", carc, pr, paid, rc, 0);
            share += pr;
        }
    }
    *open_out = open;
    return share;
}

static void make_claims(gen *g, long target)
{
    while (g->originals + g->replacements + g->secondaries < target) {
        synth_rng *r = &g->r;
        claim_def c;
        memset(&c, 0, sizeof(c));
        c.id = g->next_claim++;
        c.encounter = g->next_enc++;
        c.patient = 1 + synth_below(r, PATIENTS);
        c.provider = (int)synth_below(r, PROVIDERS);
        c.payer = g->cov_p[c.patient];
        c.freq = '1';
        static const char *const coders[CODERS] = { "coder01", "coder02", "coder03", "coder04", "coder05",
                                                    "coder06", "coder07", "coder08", "coder09", "coder10" };
        c.coder = coders[synth_chance(r, 90) ? (uint32_t)c.provider % CODERS : synth_below(r, CODERS)];
        c.dos = (rcm_date)(g->dos0 + synth_below(r, DAYS));
        int age = g->today - c.dos;
        static const int nl_w[] = { 45, 30, 17, 8 };
        c.n_lines = 1 + pick_weighted(r, nl_w, 4);
        for (int i = 0; i < c.n_lines; i++) {
            const code_def *d = i == 0 && synth_chance(r, 85) ? pick_code(r, visits, (int)SYNTH_LEN(visits))
                                                               : pick_code(r, others, (int)SYNTH_LEN(others));
            c.lines[i].code = d->code;
            c.lines[i].charge = d->charge;
            c.charge += d->charge;
        }
        c.scrub_errors = synth_chance(r, 3);
        c.first_ack = "";
        c.first_835 = "";
        /* the claim's state by its age */
        int sent = age >= 3 || synth_chance(r, 35);
        int adjudicated = age >= 20 ? synth_chance(r, 97) : age >= 14 ? synth_chance(r, 30) : 0;
        if (!sent) {
            c.status = synth_chance(r, 8) ? "held" : "ready";
        } else {
            c.submissions = 1;
            c.first_ack = synth_chance(r, 97) ? "accepted" : "rejected";
            if (c.first_ack[0] == 'r') {
                if (age < 7) {
                    c.status = "rejected";
                    adjudicated = 0;
                } else {
                    c.submissions = 2;
                }
            }
            c.submitted_at = ((int64_t)c.dos + 1) * 86400 + 43200;
            if (!c.status)
                c.status = adjudicated ? "paid" : synth_chance(r, 50) ? "submitted" : "accepted";
        }
        /* outcome: 88 paid, 7 a line denied, 5 all denied */
        unsigned mask = 0;
        int outcome = (int)synth_below(r, 100);
        if (adjudicated && outcome >= 88)
            mask = outcome >= 95 ? (1u << c.n_lines) - 1 : 1u << synth_below(r, (uint32_t)c.n_lines);
        const denial_def *dd = &denials[synth_below(r, (uint32_t)SYNTH_LEN(denials))];
        const char *dstatus = "open";
        if (mask && age > 70) {
            int k = (int)synth_below(r, 100);
            dstatus = k < 50 ? "corrected" : k < 75 ? "written-off" : k < 85 ? "appealed" : "open";
        }
        if (adjudicated) {
            c.first_835 = mask == 0 ? "paid" : mask == (1u << c.n_lines) - 1 ? "denied" : "partial";
            c.status = strcmp(dstatus, "corrected") == 0 ? "replaced" : c.first_835;
        }
        put_claim(g, &c);
        g->originals++;
        {
            sqlite3_stmt *e = g->s[S_ENC];
            char ext[16];
            snprintf(ext, sizeof(ext), "E%09lld", (long long)c.encounter);
            sqlite3_bind_int64(e, 1, c.encounter);
            sqlite3_bind_text(e, 2, ext, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(e, 3, c.patient);
            sqlite3_bind_int(e, 4, c.provider + 1);
            sqlite3_bind_int(e, 5, c.dos);
            sqlite3_bind_int(e, 6, c.dos);
            sqlite3_bind_text(e, 7, c.coder, -1, SQLITE_STATIC);
            done(g->db, e);
        }
        for (int i = 0; i < c.n_lines; i++)
            ledger(g, c.id, i + 1, c.patient, c.payer, "charge", "", "", c.lines[i].charge, c.dos, 0, 0);
        if (!adjudicated)
            continue;
        rcm_date paid = (rcm_date)(c.dos + 14 + (int)synth_below(r, 6));
        int64_t rc = 0, open = 0;
        int64_t share = adjudicate(g, &c, paid, mask, age > 30, &rc, &open);
        for (int i = 0; i < c.n_lines; i++)
            if (mask & (1u << i))
                denial(g, c.id, i + 1, rc, dd, c.lines[i].charge, dstatus, paid + 20);
        if (open && strcmp(dstatus, "written-off") == 0) {
            for (int i = 0; i < c.n_lines; i++)
                if (mask & (1u << i))
                    ledger(g, c.id, i + 1, c.patient, c.payer, "writeoff", "CO", dd->carc, -c.lines[i].charge,
                           paid + 30, 0, 0);
        } else if (open && strcmp(dstatus, "corrected") == 0) {
            /* the replacement: the open balance moves to it, it is paid in full */
            claim_def k = c;
            k.id = g->next_claim++;
            k.freq = '7';
            k.original = c.id;
            k.coder = "coder01";
            k.status = "paid";
            k.submissions = 1;
            k.first_ack = "accepted";
            k.first_835 = "paid";
            k.scrub_errors = 0;
            k.submitted_at = ((int64_t)paid + 25) * 86400;
            put_claim(g, &k);
            g->replacements++;
            ledger(g, c.id, 0, c.patient, c.payer, "transfer", "", "", -open, paid + 25, 0, 0);
            ledger(g, k.id, 0, k.patient, k.payer, "transfer", "", "", open, paid + 25, 0, 0);
            claim_def paid_part = k;
            paid_part.n_lines = 0;
            for (int i = 0; i < c.n_lines; i++)
                if (mask & (1u << i))
                    paid_part.lines[paid_part.n_lines++] = c.lines[i];
            int64_t krc = 0, kopen = 0;
            share += adjudicate(g, &paid_part, paid + 45, 0, 0, &krc, &kopen);
            (void)kopen;
        }
        /* the patient's share: to the secondary payer when there is one, else paid by two patients in three */
        int sec = g->cov_s[c.patient];
        if (share > 0 && sec >= 0 && age > 45) {
            claim_def s = c;
            s.id = g->next_claim++;
            s.primary = c.id;
            s.payer = sec;
            s.coverage_seq = 1;
            s.status = "paid";
            s.submissions = 1;
            s.first_ack = "accepted";
            s.first_835 = "paid";
            s.scrub_errors = 0;
            s.submitted_at = ((int64_t)paid + 3) * 86400;
            put_claim(g, &s);
            g->secondaries++;
            ledger(g, c.id, 0, c.patient, -1, "transfer", "", "", -share, paid + 3, 0, 0);
            ledger(g, s.id, 0, s.patient, sec, "transfer", "", "", share, paid + 3, 0, 0);
            int64_t src = remit_claim(g, s.id, sec, paid + 20);
            int64_t spay = share * 80 / 100;
            ledger(g, s.id, 0, s.patient, sec, "payment", "", "", -spay, paid + 20, src, 0);
            ledger(g, s.id, 0, s.patient, sec, "transfer", "PR", "2", -(share - spay), paid + 20, src, 0);
            ledger(g, s.id, 0, s.patient, -1, "transfer", "PR", "2", share - spay, paid + 20, src, 0);
        } else if (share > 0 && age > 55 && synth_chance(r, 67)) {
            ledger(g, c.id, 0, c.patient, -1, "patient_payment", "", "", -share, paid + 30, 0, 0);
        }
    }
}

static void make_store(const char *path, long claims, uint32_t seed, double *secs)
{
    double t0 = bench_now();
    unlink(path);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    if (rcm_store_open(&st, path, RCM_STORE_CREATE, &err) < 0)
        die("creating the store", &err);
    gen g;
    memset(&g, 0, sizeof(g));
    g.db = store_db(st);
    g.r.s = seed;
    g.today = (rcm_date)(NOW / 86400);
    g.dos0 = rcm_date_from_ymd(2024, 1, 1);
    g.next_claim = g.next_entry = g.next_rc = g.next_ack = g.next_denial = g.next_appeal = g.next_enc = 1;
    /* a bulk load: no journal, no sync, no foreign-key checks (the rows are made consistent here) */
    exec(g.db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;"
               " PRAGMA cache_size = -262144");
    exec(g.db, "BEGIN");
    exec(g.db, "INSERT INTO practice VALUES (1, 'RIVERSIDE FAMILY MEDICINE', '1234567893', '621234567',"
               " '207Q00000X', '1200 RIVER ROAD', '', 'NASHVILLE', 'TN', '372031234', 'BILLING OFFICE',"
               " '6155550100', 'RIVERSIDE01', 'RIVERSIDE FAMILY MEDICINE', 'CLEARHOUSE', 'DEMO CLEARINGHOUSE', 0);"
               "INSERT INTO x12_file VALUES (1, 'bench', '835', 'in', 'bench.835', 0, 0, 'poster', '')");
    char sql[512];
    for (int i = 0; i < PROVIDERS; i++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO provider VALUES (%d, 1, '1%09d', 'PROVIDER%02d', 'DOC', '', '207Q00000X',"
                 " 'family medicine', 1)",
                 i + 1, 100000000 + i * 7919, i + 1);
        exec(g.db, sql);
    }
    for (int i = 0; i < N_PAYERS; i++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO payer VALUES (%d, 1, '%s', '%s', 'P%05d', '%s', %d, %d, 'PO BOX 1', 'NASHVILLE', 'TN',"
                 " '37202')",
                 i + 1, payers[i].code, payers[i].name, i + 1, payers[i].filing, payers[i].timely, payers[i].appeal);
        exec(g.db, sql);
    }
    g.cov_p = malloc((PATIENTS + 1) * sizeof(*g.cov_p));
    g.cov_s = malloc((PATIENTS + 1) * sizeof(*g.cov_s));
    if (!g.cov_p || !g.cov_s) {
        fprintf(stderr, "cycle_metrics: out of memory\n");
        exit(1);
    }
    sqlite3_stmt *pat = prep(g.db, "INSERT INTO patient VALUES (?, 1, ?, 'PATIENT', 'PAT', '', 0, 'F', '1 MAIN ST', '',"
                                   " 'NASHVILLE', 'TN', '37203', '6155550000')");
    sqlite3_stmt *cov = prep(g.db, "INSERT INTO coverage VALUES (?, ?, ?, ?, 'M', '', '', '18', '', '', NULL, '', '',"
                                   " '', '', '', NULL, NULL)");
    for (long p = 1; p <= PATIENTS; p++) {
        char mrn[16];
        snprintf(mrn, sizeof(mrn), "MRN%07ld", p);
        sqlite3_bind_int64(pat, 1, p);
        sqlite3_bind_text(pat, 2, mrn, -1, SQLITE_TRANSIENT);
        done(g.db, pat);
        g.cov_p[p] = pick_payer(&g.r);
        g.cov_s[p] = -1;
        if (synth_chance(&g.r, 20)) {
            int s = pick_payer(&g.r);
            g.cov_s[p] = s == g.cov_p[p] ? (s + 1) % N_PAYERS : s;
        }
        for (int k = 0; k < 2; k++) {
            /* coverage ids 2p - 1 (P) and 2p (S, when there is one) */
            if (k == 1 && g.cov_s[p] < 0)
                break;
            sqlite3_bind_int64(cov, 1, p * 2 - 1 + k);
            sqlite3_bind_int64(cov, 2, p);
            sqlite3_bind_int(cov, 3, (k ? g.cov_s[p] : g.cov_p[p]) + 1);
            sqlite3_bind_text(cov, 4, k ? "S" : "P", -1, SQLITE_STATIC);
            done(g.db, cov);
        }
    }
    sqlite3_finalize(pat);
    sqlite3_finalize(cov);
    g.s[S_ENC] = prep(g.db, "INSERT INTO encounter (encounter_id, practice_id, ext_id, patient_id, provider_id,"
                            " referring_npi, referring_last, referring_first, dos, dos_to, pos, kind, bill_type,"
                            " prior_auth, status, documentation, proposed, source, imported_at, coded_by)"
                            " VALUES (?, 1, ?, ?, ?, '', '', '', ?, ?, '11', 'P', '', '', 'billed', '{}', '{}',"
                            " 'bench', 0, ?)");
    g.s[S_CLAIM] = prep(g.db, "INSERT INTO claim (claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id,"
                              " coverage_id, payer_id, seq, kind, freq, original_claim_id, primary_claim_id,"
                              " original_icn, payer_icn, status, charge_cents, dos_from, dos_to, scrub_errors,"
                              " coded_by, created_at, created_by, submitted_at, submissions, first_ack, first_835)"
                              " VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'P', ?9, ?10, ?11, '', '', ?12, ?13, ?14,"
                              " ?14, ?15, ?16, 0, 'biller', ?17, ?18, ?19, ?20)");
    g.s[S_LINE] = prep(g.db, "INSERT INTO claim_line VALUES (?, ?, ?, '', '', '', '', 1000, ?, 1, 0, 0, 0, ?, '')");
    g.s[S_LEDGER] = prep(g.db, "INSERT INTO ledger VALUES (?1, 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, (SELECT remit_id FROM"
                               " remit_claim WHERE remit_claim_id = ?10), ?11, ?12, ?13, ?14, 'bench', '')");
    g.s[S_RC] = prep(g.db, "INSERT INTO remit_claim VALUES (?, ?, 1, ?, '', '1', 0, 0, 0, '', 0)");
    g.s[S_ACK] = prep(g.db, "INSERT INTO ack VALUES (?, 1, '277CA', NULL, ?, '', ?, '', '', 0)");
    g.s[S_DENIAL] = prep(g.db, "INSERT INTO denial (denial_id, claim_id, line_no, remit_claim_id, group_code, carc,"
                               " rarc, amount_cents, route, root, status, created_at) VALUES (?, ?, ?, ?, 'CO', ?, '',"
                               " ?, ?, ?, ?, 0)");
    g.s[S_APPEAL] = prep(g.db, "INSERT INTO appeal VALUES (?, ?, ?, 1, ?, ?, 'filed', '', 0, 'biller')");
    make_claims(&g, claims);
    for (int i = 0; i < S_COUNT; i++)
        sqlite3_finalize(g.s[i]);
    exec(g.db, "COMMIT");
    exec(g.db, "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON");
    free(g.cov_p);
    free(g.cov_s);
    rcm_store_close(st);
    *secs = bench_now() - t0;
    printf("setup: %ld claims (%ld originals, %ld replacements, %ld secondary), %ld lines, %ld ledger rows,"
           " %ld denials, %ld remittances, %ld acknowledgments in %.1f s\n",
           g.originals + g.replacements + g.secondaries, g.originals, g.replacements, g.secondaries, g.lines,
           g.ledger, g.denial_rows, g.remits, g.acks, *secs);
}

/* ---- timing ---- */

typedef struct query {
    const char *name;
    int kind;                   /* 0 metrics, 1 aging, 2 worklist */
    int by;
    int month;                  /* metrics: December 2025 only */
    int once;
} query;

static const query queries[] = {
    { "metrics total", 0, RCM_METRICS_TOTAL, 0, 0 },  { "metrics by payer", 0, RCM_METRICS_BY_PAYER, 0, 0 },
    { "metrics by provider", 0, RCM_METRICS_BY_PROVIDER, 0, 0 },
    { "metrics by coder", 0, RCM_METRICS_BY_CODER, 0, 0 },
    { "metrics one month", 0, RCM_METRICS_TOTAL, 1, 0 }, { "aging total", 1, RCM_AR_TOTAL, 0, 0 },
    { "aging by payer", 1, RCM_AR_BY_PAYER, 0, 0 },    { "worklist", 2, 0, 0, 1 },
};

static void usage(void)
{
    fprintf(stderr, "usage: cycle_metrics [-r RUNS] [-p RUNS] [-c CLAIMS] [-d DIR] [-s SEED]\n");
    exit(2);
}

/* Times every query (RUNS times, the worklist once); returns 1 when a metrics query misses the target. */
static int time_queries(rcm_cycle *cy, int runs, const char *label)
{
    rcm_error err = { 0 };
    int status = 0;
    printf("\n%s:\n", label);
    for (size_t qi = 0; qi < SYNTH_LEN(queries); qi++) {
        const query *q = &queries[qi];
        int n = q->once ? 1 : runs;
        bench_times bt;
        char figure[160] = "";
        for (int r = 0; r < n; r++) {
            bench_start(&bt);
            if (q->kind == 0) {
                rcm_metrics_query mq = { RCM_DATE_NONE, RCM_DATE_NONE, q->by };
                if (q->month) {
                    mq.from = rcm_date_from_ymd(2025, 12, 1);
                    mq.to = rcm_date_from_ymd(2025, 12, 31);
                }
                rcm_metrics m;
                if (rcm_metrics_get(cy, &mq, &m, &err) < 0)
                    die(q->name, &err);
                bench_stop(&bt, r);
                long sub = 0;
                int64_t ar = 0;
                for (size_t i = 0; i < m.n_rows; i++) {
                    sub += m.rows[i].claims_submitted;
                    ar += m.rows[i].ar_cents;
                }
                char a[32];
                rcm_cents_fmt(a, ar);
                snprintf(figure, sizeof(figure), "%zu rows, %ld claims submitted, AR %s; clean %d bp, denial %d bp",
                         m.n_rows, sub, a, m.rows[0].clean_claim_bp, m.rows[0].denial_rate_bp);
                rcm_metrics_release(&m);
            } else if (q->kind == 1) {
                rcm_aging_row *v = NULL;
                size_t nv = 0;
                if (rcm_ar_aging(cy, q->by, &v, &nv, &err) < 0)
                    die(q->name, &err);
                bench_stop(&bt, r);
                int64_t total = 0;
                for (size_t i = 0; i < nv; i++)
                    total += v[i].total_cents;
                char a[32];
                rcm_cents_fmt(a, total);
                snprintf(figure, sizeof(figure), "%zu rows, %s owed", nv, a);
                free(v);
            } else {
                rcm_worklist_item *v = NULL;
                size_t nv = 0;
                if (rcm_ar_worklist(cy, &v, &nv, &err) < 0)
                    die(q->name, &err);
                bench_stop(&bt, r);
                snprintf(figure, sizeof(figure), "%zu items", nv);
                free(v);
            }
        }
        double med = bench_median(bt.wall, n), best = bt.wall[0], cpu = bench_median(bt.cpu, n);
        int target = q->kind == 0;
        if (target && med >= TARGET_S)
            status = 1;
        printf("  %-20s median %6.3f s  best %6.3f s  cpu %6.3f s  %s%s\n", q->name, med, best, cpu,
               target ? (med < TARGET_S ? "(< 1 s: met)  " : "(< 1 s: MISSED)  ") : "", figure);
        printf("stage=cycle_metrics query=%s ledger_sum=%d runs=%d median_s=%.6f best_s=%.6f cpu_s=%.6f rss_mb=%.1f"
               " target_s=%.1f\n",
               q->name, strstr(label, "summary") != NULL, n, med, best, cpu, bench_rss_mb(), target ? TARGET_S : 0.0);
    }
    return status;
}

static int has_summary(sqlite3 *db)
{
    sqlite3_stmt *s = NULL;
    int yes = sqlite3_prepare_v2(db, "SELECT 1 FROM ledger_sum_state", -1, &s, NULL) == SQLITE_OK;
    sqlite3_finalize(s);
    return yes;
}

int main(int argc, char **argv)
{
    long claims = DEF_CLAIMS;
    int runs = 3, runs_plain = 1, o;
    uint32_t seed = 1;
    const char *dir = NULL;
    while ((o = getopt(argc, argv, "r:n:p:c:d:s:")) != -1) {
        switch (o) {
        case 'r':
        case 'n': runs = bench_runs(optarg); if (runs < 0) usage(); break;
        case 'p': runs_plain = bench_runs(optarg); if (runs_plain < 0) usage(); break;
        case 'c': claims = strtol(optarg, NULL, 10); if (claims < 1) usage(); break;
        case 'd': dir = optarg; break;
        case 's': seed = (uint32_t)strtoul(optarg, NULL, 10); break;
        default: usage();
        }
    }
    char tmp[256];
    if (!dir) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp, sizeof(tmp), "%s/rcm-cycle-metrics-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp)) {
            perror("mkdtemp");
            return 1;
        }
        dir = tmp;
    } else {
        mkdir(dir, 0700);
    }
    char store[512], stamp[512];
    snprintf(store, sizeof(store), "%s/metrics.db", dir);
    snprintf(stamp, sizeof(stamp), "%s/metrics.db.made", dir);
    char want[64];
    snprintf(want, sizeof(want), "%ld %u\n", claims, seed);
    double t_setup = 0;
    FILE *sf = fopen(stamp, "r");
    char have[64] = "";
    if (sf) {
        if (!fgets(have, sizeof(have), sf))
            have[0] = '\0';
        fclose(sf);
    }
    if (strcmp(have, want) == 0 && access(store, R_OK) == 0) {
        printf("setup: reusing %s (%ld claims, seed %u)\n", store, claims, seed);
    } else {
        unlink(stamp);
        make_store(store, claims, seed, &t_setup);
        sf = fopen(stamp, "w");
        if (sf) {
            fputs(want, sf);
            fclose(sf);
        }
    }
    printf("store: %.1f MB\n", (double)bench_file_size(store) / 1e6);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    if (rcm_store_open(&st, store, 0, &err) < 0)
        die("opening the store", &err);
    rcm_cycle *cy = bench_cycle(st, "bench.biller", RCM_ROLE_BILLER, NOW);
    int status = 0;
    sqlite3 *db = store_db(st);
    /* a store without the summary (before migration 8, or with it dropped): every report folds the whole ledger */
    /* the summary is dropped for this first run and re-created (emptied) below, as migration 8 makes it */
    if (has_summary(db) &&
        sqlite3_exec(db, "DROP TABLE ledger_sum; DROP TABLE ledger_sum_state; DROP INDEX ledger_effective", NULL, NULL,
                     NULL) != SQLITE_OK) {
        fprintf(stderr, "cycle_metrics: dropping the ledger summary: %s\n", sqlite3_errmsg(db));
        return 1;
    }
    status |= time_queries(cy, runs_plain, "the whole ledger folded by each report (no ledger summary)");
    /* the ledger summary (AR_SUM_SCHEMA, schema migration 8): the first report builds it */
    {
        char *msg = NULL;
        if (sqlite3_exec(db, AR_SUM_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
            fprintf(stderr, "cycle_metrics: the ledger summary: %s\n", msg ? msg : "");
            return 1;
        }
    }
    sqlite3_exec(db, "DELETE FROM ledger_sum; DELETE FROM ledger_sum_state", NULL, NULL, NULL);
    double b0 = bench_now(), c0 = bench_cpu_now();
    rcm_metrics m0;
    rcm_metrics_query q0 = { RCM_DATE_NONE, RCM_DATE_NONE, RCM_METRICS_TOTAL };
    if (rcm_metrics_get(cy, &q0, &m0, &err) < 0)
        die("building the ledger summary", &err);
    rcm_metrics_release(&m0);
    printf("\nthe first report builds the ledger summary: %.2f s (cpu %.2f s)\n", bench_now() - b0,
           bench_cpu_now() - c0);
    status |= time_queries(cy, runs, "with the ledger summary (schema migration 8)");
    printf("memory: peak RSS %.1f MiB\n", bench_rss_mb());
    rcm_cycle_free(cy);
    rcm_store_close(st);
    if (dir == tmp) {
        unlink(store);
        unlink(stamp);
        char w[600];
        snprintf(w, sizeof(w), "%s-wal", store);
        unlink(w);
        snprintf(w, sizeof(w), "%s-shm", store);
        unlink(w);
        rmdir(dir);
    }
    return status;
}
