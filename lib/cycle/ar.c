/*
 * Accounts receivable: the aging report and the follow-up worklist
 * (include/rcm/ar.h), and what the AR modules share (ar_internal.h): the
 * rcm_scan aggregate that hands rows to C, and every claim's ledger sums.
 *
 * A balance is the sum of a claim's ledger rows by party (cycle_internal.h,
 * the ledger rules): payer_id set, the payer the claim was billed to owes
 * it; NULL, the patient. Age is counted from the claim's date of service to
 * the cycle's business date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ar_internal.h"
#include "../util/banned.h"

/* ---- rcm_scan: an aggregate that calls C for each row ---- */

typedef struct scan_call {
    ar_row_fn fn;
    void *ctx;
    int rc;
} scan_call;

#define SCAN_PTR_TYPE "rcm_scan"

static void scan_step(sqlite3_context *c, int argc, sqlite3_value **argv)
{
    scan_call *s = argc > 0 ? sqlite3_value_pointer(argv[0], SCAN_PTR_TYPE) : NULL;
    if (!s) {
        sqlite3_result_error(c, "rcm_scan: no call context", -1);
        return;
    }
    int rc = s->fn(s->ctx, argv + 1, argc - 1);
    if (rc < 0) {
        s->rc = rc;
        sqlite3_result_error(c, "rcm_scan: stopped", -1);
    }
}

static void scan_final(sqlite3_context *c) { sqlite3_result_null(c); }

int ar_scan_db(sqlite3 *db, const char *sql, const int64_t *binds, int n_binds, ar_row_fn fn, void *ctx,
               rcm_error *err)
{
    /* (re)registering is cheap; SQLITE_BUSY means a running statement uses it: it is there already */
    int frc = sqlite3_create_function_v2(db, "rcm_scan", -1, SQLITE_UTF8 | SQLITE_DIRECTONLY, NULL, NULL,
                                         scan_step, scan_final, NULL);
    if (frc != SQLITE_OK && frc != SQLITE_BUSY)
        return rcm_error_set(err, RCM_EIO, "registering the report aggregate: %s", sqlite3_errmsg(db));
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        int code = sqlite3_errcode(db) == SQLITE_NOMEM ? RCM_ENOMEM : RCM_EIO;
        return rcm_error_set(err, code, "preparing a report query: %s", sqlite3_errmsg(db));
    }
    scan_call call = { fn, ctx, 0 };
    sqlite3_bind_pointer(s, 1, &call, SCAN_PTR_TYPE, NULL);
    for (int i = 0; i < n_binds; i++) {
        if (binds[i] == RCM_DATE_NONE)
            sqlite3_bind_null(s, i + 2);
        else
            sqlite3_bind_int64(s, i + 2, binds[i]);
    }
    int step, rc = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        ;
    if (call.rc < 0)
        rc = call.rc;
    else if (step != SQLITE_DONE)
        rc = rcm_error_set(err, sqlite3_errcode(db) == SQLITE_NOMEM ? RCM_ENOMEM : RCM_EIO,
                           "reading the store for a report: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return rc;
}

int ar_scan(rcm_cycle *cy, const char *sql, const int64_t *binds, int n_binds, ar_row_fn fn, void *ctx,
            rcm_error *err)
{
    return ar_scan_db(cycle_db(cy), sql, binds, n_binds, fn, ctx, err);
}

/* ---- ledger sums by claim ---- */

int ar_kind_code(const unsigned char *k, int len)
{
    if (!k)
        return AR_K_OTHER;
    switch (k[0]) {
    case 'c': return len == 6 && memcmp(k, "charge", 6) == 0 ? AR_K_CHARGE : AR_K_OTHER;
    case 'p':
        if (len == 7 && memcmp(k, "payment", 7) == 0)
            return AR_K_PAYMENT;
        return len == 15 && memcmp(k, "patient_payment", 15) == 0 ? AR_K_PATIENT_PAYMENT : AR_K_OTHER;
    case 'a': return len == 10 && memcmp(k, "adjustment", 10) == 0 ? AR_K_ADJUSTMENT : AR_K_OTHER;
    case 't': return len == 8 && memcmp(k, "transfer", 8) == 0 ? AR_K_TRANSFER : AR_K_OTHER;
    case 'r':
        if (len == 8 && memcmp(k, "reversal", 8) == 0)
            return AR_K_REVERSAL;
        return len == 6 && memcmp(k, "refund", 6) == 0 ? AR_K_REFUND : AR_K_OTHER;
    case 'w': return len == 8 && memcmp(k, "writeoff", 8) == 0 ? AR_K_WRITEOFF : AR_K_OTHER;
    default: return AR_K_OTHER;
    }
}

/* A reversal whose target's kind is not known when it is read. */
typedef struct pending_rev {
    int64_t claim, amount, reverses;
} pending_rev;

/* Folding the ledger rows base+1..base+n into the claims' sums. */
typedef struct ledger_fold {
    ar_ledger *out;
    int64_t base, n;
    uint8_t *kinds;         /* kind codes of the rows folded, by entry_id - base */
    rcm_date asof;
    int64_t max_effective;  /* of the rows folded; INT64_MIN none */
    uint8_t *touched;       /* by claim: a row was folded (NULL: not kept) */
    pending_rev *pending;
    size_t n_pending, cap_pending;
    rcm_error *err;
} ledger_fold;

static void add_flow(ar_money *m, int kind, int64_t amount)
{
    switch (kind) {
    case AR_K_CHARGE: m->charge += amount; break;
    case AR_K_PAYMENT: m->payer_paid -= amount; break;
    case AR_K_PATIENT_PAYMENT:
    case AR_K_REFUND: m->patient_paid -= amount; break;
    case AR_K_ADJUSTMENT: m->contractual -= amount; break;
    case AR_K_WRITEOFF: m->writeoff -= amount; break;
    default: break;
    }
}

/* entry_id, claim_id, patient party, kind, amount_cents, reverses (0 none), effective */
static int fold_row(void *vctx, sqlite3_value **v, int n)
{
    ledger_fold *f = vctx;
    (void)n;
    int64_t entry = sqlite3_value_int64(v[0]);
    int64_t claim = sqlite3_value_int64(v[1]);
    int patient = sqlite3_value_int(v[2]);
    int kind = ar_kind_code(sqlite3_value_text(v[3]), sqlite3_value_bytes(v[3]));
    int64_t amount = sqlite3_value_int64(v[4]);
    int64_t reverses = sqlite3_value_int64(v[5]);
    int64_t effective = sqlite3_value_int64(v[6]);
    if (entry > f->base && entry <= f->base + f->n)
        f->kinds[entry - f->base] = (uint8_t)kind;
    if (claim < 0 || claim >= f->out->n)
        return rcm_error_set(f->err, RCM_EIO, "ledger entry %lld: claim %lld is not in the store", (long long)entry,
                             (long long)claim);
    ar_money *m = &f->out->m[claim];
    if (f->touched)
        f->touched[claim] = 1;
    if (effective > f->max_effective)
        f->max_effective = effective;
    if (kind == AR_K_REVERSAL) {
        int in = reverses > f->base && reverses <= f->base + f->n;
        if (in && f->kinds[reverses - f->base]) {
            add_flow(m, f->kinds[reverses - f->base], amount);
        } else if (reverses > 0) {
            /* its target comes later in this scan, or was folded before it */
            if (f->n_pending == f->cap_pending) {
                size_t cap = f->cap_pending ? f->cap_pending * 2 : 64;
                pending_rev *p = realloc(f->pending, cap * sizeof(*p));
                if (!p)
                    return rcm_error_set(f->err, RCM_ENOMEM, "out of memory for the ledger");
                f->pending = p;
                f->cap_pending = cap;
            }
            f->pending[f->n_pending++] = (pending_rev){ claim, amount, reverses };
        }
    } else {
        add_flow(m, kind, amount);
    }
    if (f->asof == RCM_DATE_NONE || effective <= f->asof) {
        if (patient)
            m->patient += amount;
        else
            m->payer += amount;
    }
    return 0;
}

/* The kinds of the reversals' targets the scan did not know. */
static int fold_pending(rcm_cycle *cy, ledger_fold *f, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = 0;
    for (size_t i = 0; i < f->n_pending && rc == 0; i++) {
        const pending_rev *p = &f->pending[i];
        int kind = AR_K_OTHER;
        if (p->reverses > f->base && p->reverses <= f->base + f->n) {
            kind = f->kinds[p->reverses - f->base];
        } else {
            if (!s && (rc = store_prepare(cy->st, &s, "SELECT kind FROM ledger WHERE entry_id = ?", err)) < 0)
                break;
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, p->reverses);
            int step = sqlite3_step(s);
            if (step == SQLITE_ROW)
                kind = ar_kind_code(sqlite3_column_text(s, 0), sqlite3_column_bytes(s, 0));
            else if (step != SQLITE_DONE)
                rc = store_sqlerr(cy->st, err, "reading a reversed ledger row");
        }
        add_flow(&f->out->m[p->claim], kind, p->amount);
    }
    sqlite3_finalize(s);
    return rc;
}

/* Folds the rows with lo < entry_id <= hi. */
static int fold(rcm_cycle *cy, ar_ledger *out, int64_t lo, int64_t hi, rcm_date asof, uint8_t *touched,
                int64_t *max_effective, rcm_error *err)
{
    ledger_fold f;
    memset(&f, 0, sizeof(f));
    f.out = out;
    f.base = lo;
    f.n = hi > lo ? hi - lo : 0;
    f.asof = asof;
    f.max_effective = INT64_MIN;
    f.touched = touched;
    f.err = err;
    f.kinds = calloc((size_t)f.n + 1, 1);
    if (!f.kinds)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory for %lld ledger rows", (long long)f.n);
    int64_t binds[2] = { lo, hi };
    int rc = ar_scan(cy,
                     "SELECT rcm_scan(?1, entry_id, claim_id, payer_id IS NULL, kind, amount_cents,"
                     " COALESCE(reverses, 0), effective) FROM ledger WHERE entry_id > ?2 AND entry_id <= ?3",
                     binds, 2, fold_row, &f, err);
    if (rc == 0)
        rc = fold_pending(cy, &f, err);
    if (max_effective)
        *max_effective = f.max_effective;
    free(f.pending);
    free(f.kinds);
    return rc;
}

static int query_max(rcm_cycle *cy, const char *sql, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading the store for a report");
    sqlite3_finalize(s);
    return rc;
}

/* ---- the ledger summary (AR_SUM_SCHEMA): each claim's sums through a ledger row, kept by the reports ---- */

typedef struct sum_state {
    int present;            /* the tables exist */
    int64_t through;        /* rows summed: entry_id <= through */
    int64_t max_effective;  /* INT64_MIN: none */
} sum_state;

static int sum_state_read(rcm_cycle *cy, sum_state *st, rcm_error *err)
{
    memset(st, 0, sizeof(*st));
    st->max_effective = INT64_MIN;
    sqlite3_stmt *s = NULL;
    /* a store without the summary (an older schema) is read the long way: not an error */
    if (sqlite3_prepare_v2(cycle_db(cy), "SELECT through_entry, max_effective FROM ledger_sum_state WHERE id = 1", -1,
                           &s, NULL) != SQLITE_OK) {
        sqlite3_finalize(s);
        return 0;
    }
    st->present = 1;
    int step = sqlite3_step(s);
    int rc = 0;
    if (step == SQLITE_ROW) {
        st->through = sqlite3_column_int64(s, 0);
        if (sqlite3_column_type(s, 1) != SQLITE_NULL)
            st->max_effective = sqlite3_column_int64(s, 1);
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading the ledger summary");
    }
    sqlite3_finalize(s);
    return rc;
}

static int sum_row(void *vctx, sqlite3_value **v, int n)
{
    ar_ledger *lg = vctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[0]);
    if (c < 0 || c >= lg->n)
        return 0; /* a claim above MAX(claim_id): cannot be, the summary follows the ledger */
    ar_money *m = &lg->m[c];
    m->charge = sqlite3_value_int64(v[1]);
    m->payer_paid = sqlite3_value_int64(v[2]);
    m->patient_paid = sqlite3_value_int64(v[3]);
    m->contractual = sqlite3_value_int64(v[4]);
    m->writeoff = sqlite3_value_int64(v[5]);
    m->payer = sqlite3_value_int64(v[6]);
    m->patient = sqlite3_value_int64(v[7]);
    return 0;
}

/*
 * Writes the sums of the claims touched (all of them after a reset) and the
 * new high-water mark, in one transaction. Best effort: a store that cannot
 * be written now (read-only, busy) keeps its older summary, and the next
 * report folds the same rows again.
 */
static void sum_write(rcm_cycle *cy, const ar_ledger *lg, const uint8_t *touched, int reset, int64_t through,
                      int64_t max_effective)
{
    rcm_error e;
    memset(&e, 0, sizeof(e));
    if (rcm_store_begin(cy->st, &e) < 0)
        return;
    sqlite3_stmt *s = NULL;
    int rc = reset ? store_exec(cy->st, "DELETE FROM ledger_sum", &e) : 0;
    if (rc == 0)
        rc = store_prepare(cy->st, &s,
                           "INSERT INTO ledger_sum (claim_id, charge_cents, payer_paid_cents, patient_paid_cents,"
                           " contractual_cents, writeoff_cents, payer_cents, patient_cents)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (claim_id) DO UPDATE SET"
                           " charge_cents = excluded.charge_cents, payer_paid_cents = excluded.payer_paid_cents,"
                           " patient_paid_cents = excluded.patient_paid_cents,"
                           " contractual_cents = excluded.contractual_cents, writeoff_cents = excluded.writeoff_cents,"
                           " payer_cents = excluded.payer_cents, patient_cents = excluded.patient_cents",
                           &e);
    for (int64_t c = 1; rc == 0 && c < lg->n; c++) {
        if (!touched[c])
            continue;
        const ar_money *m = &lg->m[c];
        int64_t v[7] = { m->charge, m->payer_paid, m->patient_paid, m->contractual, m->writeoff, m->payer,
                         m->patient };
        sqlite3_bind_int64(s, 1, c);
        for (int i = 0; i < 7; i++)
            sqlite3_bind_int64(s, i + 2, v[i]);
        rc = store_step_done(cy->st, s, "writing the ledger summary", &e);
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc == 0)
        rc = store_prepare(cy->st, &s,
                           "INSERT INTO ledger_sum_state (id, through_entry, max_effective) VALUES (1, ?, ?)"
                           " ON CONFLICT (id) DO UPDATE SET through_entry = excluded.through_entry,"
                           " max_effective = excluded.max_effective",
                           &e);
    if (rc == 0) {
        sqlite3_bind_int64(s, 1, through);
        if (max_effective == INT64_MIN)
            sqlite3_bind_null(s, 2);
        else
            sqlite3_bind_int64(s, 2, max_effective);
        rc = store_step_done(cy->st, s, "writing the ledger summary", &e);
    }
    sqlite3_finalize(s);
    if (rc == 0)
        rc = rcm_store_commit(cy->st, &e);
    if (rc < 0)
        rcm_store_rollback(cy->st);
}

typedef struct unfold_ctx {
    ar_ledger *lg;
    int64_t max_entry;
} unfold_ctx;

/* entry_id, claim_id, patient party, amount_cents of a row effective after the as-of date: taken back out */
static int unfold_row(void *vctx, sqlite3_value **v, int n)
{
    unfold_ctx *u = vctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[1]);
    if (sqlite3_value_int64(v[0]) > u->max_entry || c < 0 || c >= u->lg->n)
        return 0; /* posted after the rows summed */
    if (sqlite3_value_int(v[2]))
        u->lg->m[c].patient -= sqlite3_value_int64(v[3]);
    else
        u->lg->m[c].payer -= sqlite3_value_int64(v[3]);
    return 0;
}

/*
 * With the summary: its sums, plus the rows posted since (which are then
 * written to it). Balances as of a date before the ledger's latest
 * effective date take the rows effective after it back out (the
 * ledger_effective index finds them).
 */
static int load_with_summary(rcm_cycle *cy, rcm_date asof, ar_ledger *out, int64_t max_entry, const sum_state *st,
                             rcm_error *err)
{
    int reset = st->through > max_entry || st->through < 0; /* the ledger is not the one summed: start over */
    int64_t from = reset ? 0 : st->through;
    int rc = 0;
    if (!reset)
        rc = ar_scan(cy,
                     "SELECT rcm_scan(?1, claim_id, charge_cents, payer_paid_cents, patient_paid_cents,"
                     " contractual_cents, writeoff_cents, payer_cents, patient_cents) FROM ledger_sum",
                     NULL, 0, sum_row, out, err);
    if (rc < 0)
        return rc;
    int64_t max_eff = reset ? INT64_MIN : st->max_effective;
    if (from < max_entry || reset) {
        uint8_t *touched = calloc((size_t)out->n, 1);
        if (!touched)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory for the ledger");
        int64_t eff = INT64_MIN;
        rc = fold(cy, out, from, max_entry, RCM_DATE_NONE, touched, &eff, err);
        if (eff > max_eff)
            max_eff = eff;
        if (rc == 0)
            sum_write(cy, out, touched, reset, max_entry, max_eff);
        free(touched);
        if (rc < 0)
            return rc;
    }
    if (asof == RCM_DATE_NONE || max_eff == INT64_MIN || asof >= max_eff)
        return 0;
    /* the effective date alone in the WHERE: the ledger_effective index finds the rows */
    int64_t binds[1] = { asof };
    unfold_ctx u = { out, max_entry };
    return ar_scan(cy,
                   "SELECT rcm_scan(?1, entry_id, claim_id, payer_id IS NULL, amount_cents) FROM ledger"
                   " WHERE effective > ?2",
                   binds, 1, unfold_row, &u, err);
}

int ar_ledger_load(rcm_cycle *cy, rcm_date asof, ar_ledger *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    int64_t max_claim = 0, max_entry = 0;
    int rc = query_max(cy, "SELECT COALESCE(MAX(claim_id), 0) FROM claim", &max_claim, err);
    if (rc < 0 || (rc = query_max(cy, "SELECT COALESCE(MAX(entry_id), 0) FROM ledger", &max_entry, err)) < 0)
        return rc;
    if (max_claim > INT32_MAX || max_entry > ((int64_t)1 << 36))
        return rcm_error_set(err, RCM_ELIMIT, "store too large for a report: %lld claims, %lld ledger rows",
                             (long long)max_claim, (long long)max_entry);
    out->n = max_claim + 1;
    out->m = calloc((size_t)out->n, sizeof(*out->m));
    if (!out->m)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory for the ledger of %lld claims", (long long)max_claim);
    sum_state st;
    if ((rc = sum_state_read(cy, &st, err)) == 0) {
        if (st.present)
            rc = load_with_summary(cy, asof, out, max_entry, &st, err);
        else
            rc = fold(cy, out, 0, max_entry, asof, NULL, NULL, err);
    }
    if (rc < 0)
        ar_ledger_release(out);
    return rc;
}

void ar_ledger_release(ar_ledger *l)
{
    free(l->m);
    l->m = NULL;
    l->n = 0;
}

/* ---- id -> index map (open addressing) ---- */

static uint64_t id_hash(int64_t k)
{
    uint64_t x = (uint64_t)k * UINT64_C(0x9E3779B97F4A7C15);
    return x ^ (x >> 29);
}

static int idmap_grow(ar_idmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    int64_t *keys = malloc(cap * sizeof(*keys));
    int32_t *vals = malloc(cap * sizeof(*vals));
    if (!keys || !vals) {
        free(keys);
        free(vals);
        return -1;
    }
    for (size_t i = 0; i < cap; i++)
        vals[i] = -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (m->vals[i] < 0)
            continue;
        size_t j = id_hash(m->keys[i]) & (cap - 1);
        while (vals[j] >= 0)
            j = (j + 1) & (cap - 1);
        keys[j] = m->keys[i];
        vals[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = keys;
    m->vals = vals;
    m->cap = cap;
    return 0;
}

int32_t ar_idmap_get(ar_idmap *m, int64_t key)
{
    if ((m->n + 1) * 2 > m->cap && idmap_grow(m) < 0)
        return -1;
    size_t j = id_hash(key) & (m->cap - 1);
    while (m->vals[j] >= 0) {
        if (m->keys[j] == key)
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    if (m->n >= INT32_MAX)
        return -1;
    m->keys[j] = key;
    m->vals[j] = (int32_t)m->n++;
    return m->vals[j];
}

int32_t ar_idmap_find(const ar_idmap *m, int64_t key)
{
    if (!m->cap)
        return -1;
    size_t j = id_hash(key) & (m->cap - 1);
    while (m->vals[j] >= 0) {
        if (m->keys[j] == key)
            return m->vals[j];
        j = (j + 1) & (m->cap - 1);
    }
    return -1;
}

void ar_idmap_release(ar_idmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof(*m));
}

int ar_status_waiting(const unsigned char *s, int len)
{
    static const char *const waiting[] = { "held", "ready", "submitted", "accepted", "rejected" };
    if (!s)
        return 0;
    for (size_t i = 0; i < ARRAY_SIZE(waiting); i++)
        if ((size_t)len == strlen(waiting[i]) && memcmp(s, waiting[i], (size_t)len) == 0)
            return 1;
    return 0;
}

/* ---- aging ---- */

static int bucket_of(int64_t age)
{
    if (age <= 30)
        return 0;
    if (age <= 60)
        return 1;
    if (age <= 90)
        return 2;
    if (age <= 120)
        return 3;
    return 4;
}

typedef struct aging {
    int by;
    rcm_date today;
    const ar_ledger *lg;
    ar_idmap map;           /* group id (payer, patient, provider) -> row */
    int64_t *ids;           /* row -> group id; -1 the "patient" row of by-payer */
    rcm_aging_row *rows;
    size_t n, cap;
    rcm_error *err;
} aging;

static rcm_aging_row *aging_row(aging *a, int64_t id)
{
    int32_t i = ar_idmap_get(&a->map, id);
    if (i < 0)
        return NULL;
    if ((size_t)i == a->n) {
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 16;
            rcm_aging_row *r = realloc(a->rows, cap * sizeof(*r));
            int64_t *ids = realloc(a->ids, cap * sizeof(*ids));
            if (r)
                a->rows = r;
            if (ids)
                a->ids = ids;
            if (!r || !ids)
                return NULL;
            a->cap = cap;
        }
        memset(&a->rows[a->n], 0, sizeof(a->rows[a->n]));
        a->ids[a->n] = id;
        a->n++;
    }
    return &a->rows[i];
}

static int aging_add(aging *a, int64_t id, int b, int64_t cents)
{
    rcm_aging_row *r = aging_row(a, id);
    if (!r)
        return rcm_error_set(a->err, RCM_ENOMEM, "out of memory for the aging report");
    r->bucket_cents[b] += cents;
    r->total_cents += cents;
    r->claims++;
    return 0;
}

/* claim_id, payer_id, provider_id, patient_id, dos_from */
static int aging_claim(void *vctx, sqlite3_value **v, int n)
{
    aging *a = vctx;
    (void)n;
    int64_t claim = sqlite3_value_int64(v[0]);
    if (claim < 0 || claim >= a->lg->n)
        return 0;
    const ar_money *m = &a->lg->m[claim];
    if (!m->payer && !m->patient)
        return 0;
    int b = bucket_of((int64_t)a->today - sqlite3_value_int64(v[4]));
    switch (a->by) {
    case RCM_AR_BY_PAYER: {
        int rc = 0;
        if (m->payer)
            rc = aging_add(a, sqlite3_value_int64(v[1]), b, m->payer);
        if (rc == 0 && m->patient)
            rc = aging_add(a, -1, b, m->patient);
        return rc;
    }
    case RCM_AR_BY_PROVIDER: return aging_add(a, sqlite3_value_int64(v[2]), b, m->payer + m->patient);
    case RCM_AR_BY_PATIENT: return aging_add(a, sqlite3_value_int64(v[3]), b, m->payer + m->patient);
    default: return aging_add(a, 0, b, m->payer + m->patient);
    }
}

/* Names the rows: payer code, provider NPI or patient MRN of each group id. */
static int aging_keys(rcm_cycle *cy, aging *a, rcm_error *err)
{
    const char *sql = NULL;
    if (a->by == RCM_AR_BY_PAYER)
        sql = "SELECT payer_id, code FROM payer";
    else if (a->by == RCM_AR_BY_PROVIDER)
        sql = "SELECT provider_id, npi FROM provider";
    else if (a->by == RCM_AR_BY_PATIENT)
        sql = "SELECT patient_id, mrn FROM patient";
    for (size_t i = 0; i < a->n; i++)
        cstr_copy(a->rows[i].key, sizeof(a->rows[i].key), a->by == RCM_AR_TOTAL ? "total" : "patient");
    if (!sql || !a->n)
        return 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t i = ar_idmap_find(&a->map, sqlite3_column_int64(s, 0));
        if (i >= 0)
            cstr_copy(a->rows[i].key, sizeof(a->rows[0].key), (const char *)sqlite3_column_text(s, 1));
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store_sqlerr(cy->st, err, "naming the aging rows");
    sqlite3_finalize(s);
    return rc;
}

static int aging_cmp(const void *x, const void *y)
{
    const rcm_aging_row *a = x, *b = y;
    return strcmp(a->key, b->key);
}

/* By payer, the patients' row comes last. */
static int aging_cmp_payer(const void *x, const void *y)
{
    const rcm_aging_row *a = x, *b = y;
    int pa = strcmp(a->key, "patient") == 0, pb = strcmp(b->key, "patient") == 0;
    return pa != pb ? pa - pb : strcmp(a->key, b->key);
}

int rcm_ar_aging(rcm_cycle *cy, int by, rcm_aging_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_AR_READ, err);
    if (rc < 0)
        return rc;
    if (by < RCM_AR_TOTAL || by > RCM_AR_BY_PROVIDER)
        return rcm_error_set(err, RCM_EINVAL, "aging: no such grouping %d", by);
    ar_ledger lg;
    rc = ar_ledger_load(cy, cy->today, &lg, err);
    if (rc < 0)
        return rc;
    aging a = { .by = by, .today = cy->today, .lg = &lg, .err = err };
    rc = ar_scan(cy, "SELECT rcm_scan(?1, claim_id, payer_id, provider_id, patient_id, dos_from) FROM claim", NULL,
                 0, aging_claim, &a, err);
    if (rc == 0)
        rc = aging_keys(cy, &a, err);
    ar_ledger_release(&lg);
    ar_idmap_release(&a.map);
    free(a.ids);
    if (rc == 0 && by == RCM_AR_BY_PATIENT) {
        /* balances by patient MRN: a read of patient data */
        char detail[64];
        snprintf(detail, sizeof(detail), "aging by patient rows=%zu", a.n);
        rc = cycle_audit_read(cy, "patient", 0, detail, err);
    }
    if (rc < 0) {
        free(a.rows);
        return rc;
    }
    if (a.n > 1)
        qsort(a.rows, a.n, sizeof(*a.rows), by == RCM_AR_BY_PAYER ? aging_cmp_payer : aging_cmp);
    *out = a.rows;
    *n = a.n;
    return 0;
}

/* ---- the worklist ---- */

#define WL_NO_REMIT_DAYS 30     /* a payer balance with no remittance this long after submission */
#define WL_FILING_WINDOW 30     /* unsent claims this close to the timely-filing limit */
#define WL_AMOUNT_CAP 1000000   /* cents: amounts above $10,000 score as $10,000 */
#define WL_AGE_CAP 365
#define WL_DEADLINE_WINDOW 60

/*
 * The order of the worklist (docs/metrics.md, "The worklist"), in points:
 *   amount    balance in whole dollars, at most 10,000
 *   age       20 per day since the date of service, at most 365 days
 *   deadline  200 per day closer than 60 days to the deadline (12,000 when due
 *             or past), none without a deadline
 */
static int64_t wl_score(int64_t balance, int64_t age, rcm_date deadline, rcm_date today)
{
    int64_t amt = balance < 0 ? 0 : balance > WL_AMOUNT_CAP ? WL_AMOUNT_CAP : balance;
    int64_t days = age < 0 ? 0 : age > WL_AGE_CAP ? WL_AGE_CAP : age;
    int64_t score = amt / 100 + 20 * days;
    if (deadline != RCM_DATE_NONE) {
        int64_t left = (int64_t)deadline - today;
        left = left < 0 ? 0 : left > WL_DEADLINE_WINDOW ? WL_DEADLINE_WINDOW : left;
        score += 200 * (WL_DEADLINE_WINDOW - left);
    }
    return score;
}

typedef struct worklist {
    rcm_worklist_item *v;
    size_t n, cap;
    rcm_date today;
} worklist;

static rcm_worklist_item *wl_add(worklist *w, int64_t claim_id, const char *claim_no, const char *payer,
                                 int64_t balance, rcm_date dos, rcm_date deadline)
{
    if (w->n == w->cap) {
        size_t cap = w->cap ? w->cap * 2 : 64;
        rcm_worklist_item *v = realloc(w->v, cap * sizeof(*v));
        if (!v)
            return NULL;
        w->v = v;
        w->cap = cap;
    }
    rcm_worklist_item *it = &w->v[w->n++];
    memset(it, 0, sizeof(*it));
    it->claim_id = claim_id;
    cstr_copy(it->claim_no, sizeof(it->claim_no), claim_no);
    cstr_copy(it->payer, sizeof(it->payer), payer);
    it->balance_cents = balance;
    it->age_days = (int)((int64_t)w->today - dos);
    it->deadline = deadline;
    it->score = wl_score(balance, it->age_days, deadline, w->today);
    return it;
}

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static int64_t payer_balance(const ar_ledger *lg, int64_t claim)
{
    return claim >= 0 && claim < lg->n ? lg->m[claim].payer : 0;
}

/* Submitted claims with a payer balance and no remittance more than 30 days on: a status inquiry (276). */
static int wl_no_remit(rcm_cycle *cy, const ar_ledger *lg, worklist *w, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_id, c.claim_no, p.code, c.dos_from, c.submitted_at, p.timely_days"
                           " FROM claim c JOIN payer p ON p.payer_id = c.payer_id"
                           " WHERE c.status IN ('submitted', 'accepted') AND c.submitted_at IS NOT NULL"
                           " AND c.submitted_at < ?"
                           " AND NOT EXISTS (SELECT 1 FROM remit_claim r WHERE r.claim_id = c.claim_id)",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, ((int64_t)w->today - WL_NO_REMIT_DAYS) * 86400);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t claim = sqlite3_column_int64(s, 0);
        int64_t bal = payer_balance(lg, claim);
        if (bal <= 0)
            continue;
        rcm_date dos = store_column_date(s, 3);
        int64_t sent = sqlite3_column_int64(s, 4);
        int64_t sent_day = sent >= 0 ? sent / 86400 : -((-sent + 86399) / 86400);
        rcm_worklist_item *it = wl_add(w, claim, col_text(s, 1), col_text(s, 2), bal, dos,
                                       (rcm_date)(dos + sqlite3_column_int(s, 5)));
        if (!it) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for the worklist");
            break;
        }
        snprintf(it->reason, sizeof(it->reason), "no remittance %lld days after submission: check claim status (276)",
                 (long long)(w->today - sent_day));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading submitted claims");
    sqlite3_finalize(s);
    return rc;
}

/* Open denials, one item per claim, due by the payer's appeal limit from the remittance. */
static int wl_denials(rcm_cycle *cy, const ar_ledger *lg, worklist *w, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT d.claim_id, c.claim_no, p.code, c.dos_from,"
                           " MIN(COALESCE(r.payment_date, r.posted_at / 86400) + p.appeal_days), COUNT(*),"
                           " MIN(d.group_code || '-' || d.carc), MIN(d.route), SUM(d.amount_cents)"
                           " FROM denial d JOIN claim c ON c.claim_id = d.claim_id"
                           " JOIN payer p ON p.payer_id = c.payer_id"
                           " JOIN remit_claim rc ON rc.remit_claim_id = d.remit_claim_id"
                           " JOIN remit r ON r.remit_id = rc.remit_id"
                           " WHERE d.status = 'open'"
                           " GROUP BY d.claim_id, c.claim_no, p.code, c.dos_from",
                           err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t claim = sqlite3_column_int64(s, 0);
        int64_t bal = payer_balance(lg, claim);
        if (bal <= 0)
            bal = sqlite3_column_int64(s, 8);
        rcm_date deadline = store_column_date(s, 4);
        rcm_worklist_item *it = wl_add(w, claim, col_text(s, 1), col_text(s, 2), bal, store_column_date(s, 3),
                                       deadline);
        if (!it) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for the worklist");
            break;
        }
        char by[11] = "";
        if (deadline != RCM_DATE_NONE)
            rcm_date_fmt(by, deadline, 1);
        long count = (long)sqlite3_column_int64(s, 5);
        snprintf(it->reason, sizeof(it->reason), "open denial %s%s (%s): correct or appeal by %s", col_text(s, 6),
                 count > 1 ? " and more" : "", col_text(s, 7), by[0] ? by : "-");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading open denials");
    sqlite3_finalize(s);
    return rc;
}

/* Claims not yet accepted by the payer within 30 days of its timely-filing limit (or past it). */
static int wl_filing(rcm_cycle *cy, const ar_ledger *lg, worklist *w, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_id, c.claim_no, p.code, c.dos_from, c.status, p.timely_days,"
                           " c.charge_cents FROM claim c JOIN payer p ON p.payer_id = c.payer_id"
                           " WHERE c.status IN ('ready', 'held', 'rejected') AND c.dos_from + p.timely_days <= ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, (int64_t)w->today + WL_FILING_WINDOW);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t claim = sqlite3_column_int64(s, 0);
        int64_t bal = payer_balance(lg, claim);
        if (bal <= 0)
            bal = sqlite3_column_int64(s, 6);
        rcm_date dos = store_column_date(s, 3);
        rcm_date limit = (rcm_date)(dos + sqlite3_column_int(s, 5));
        rcm_worklist_item *it = wl_add(w, claim, col_text(s, 1), col_text(s, 2), bal, dos, limit);
        if (!it) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for the worklist");
            break;
        }
        char d[11];
        rcm_date_fmt(d, limit, 1);
        long left = (long)limit - w->today;
        if (left < 0)
            snprintf(it->reason, sizeof(it->reason), "%s claim: timely filing limit passed on %s", col_text(s, 4), d);
        else
            snprintf(it->reason, sizeof(it->reason), "%s claim: timely filing limit %s (%ld days left)",
                     col_text(s, 4), d, left);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading unsent claims");
    sqlite3_finalize(s);
    return rc;
}

/*
 * Patient balances still open past the due date of the patient's latest
 * statement: one item per visit on it (the balance of every claim of the
 * encounter, which the statement line names by its first claim).
 */
static int wl_patients(rcm_cycle *cy, const ar_ledger *lg, worklist *w, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT sl.claim_id, c.claim_no, c.dos_from, s.due, s.statement_id, x.claim_id"
                           " FROM (SELECT patient_id, MAX(statement_id) AS last FROM statement GROUP BY patient_id) t"
                           " JOIN statement s ON s.statement_id = t.last"
                           " JOIN statement_line sl ON sl.statement_id = s.statement_id"
                           " JOIN claim c ON c.claim_id = sl.claim_id"
                           " JOIN claim x ON x.encounter_id = c.encounter_id"
                           " WHERE s.due < ? ORDER BY sl.claim_id, x.claim_id",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, w->today);
    int step;
    int64_t cur = -1, bal = 0, stmt = 0;
    char claim_no[39] = "";
    rcm_date dos = 0, due = 0;
    for (;;) {
        step = sqlite3_step(s);
        int64_t claim = step == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
        if (claim != cur && cur >= 0 && bal > 0) {
            rcm_worklist_item *it = wl_add(w, cur, claim_no, "patient", bal, dos, due);
            if (!it) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for the worklist");
                break;
            }
            char d[11];
            rcm_date_fmt(d, due, 1);
            snprintf(it->reason, sizeof(it->reason), "patient balance past statement %lld due %s", (long long)stmt, d);
        }
        if (step != SQLITE_ROW)
            break;
        if (claim != cur) {
            cur = claim;
            bal = 0;
            cstr_copy(claim_no, sizeof(claim_no), col_text(s, 1));
            dos = store_column_date(s, 2);
            due = store_column_date(s, 3);
            stmt = sqlite3_column_int64(s, 4);
        }
        int64_t x = sqlite3_column_int64(s, 5);
        if (x >= 0 && x < lg->n)
            bal += lg->m[x].patient;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading statements");
    sqlite3_finalize(s);
    return rc;
}

static int wl_cmp(const void *x, const void *y)
{
    const rcm_worklist_item *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->deadline != b->deadline) {
        if (a->deadline == RCM_DATE_NONE)
            return 1;
        if (b->deadline == RCM_DATE_NONE)
            return -1;
        return a->deadline < b->deadline ? -1 : 1;
    }
    if (a->claim_id != b->claim_id)
        return a->claim_id < b->claim_id ? -1 : 1;
    return strcmp(a->payer, b->payer);
}

int rcm_ar_worklist(rcm_cycle *cy, rcm_worklist_item **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_AR_READ, err);
    if (rc < 0)
        return rc;
    ar_ledger lg;
    rc = ar_ledger_load(cy, cy->today, &lg, err);
    if (rc < 0)
        return rc;
    worklist w = { .today = cy->today };
    if ((rc = wl_no_remit(cy, &lg, &w, err)) == 0 && (rc = wl_denials(cy, &lg, &w, err)) == 0 &&
        (rc = wl_filing(cy, &lg, &w, err)) == 0)
        rc = wl_patients(cy, &lg, &w, err);
    ar_ledger_release(&lg);
    if (rc == 0) {
        char detail[64];
        snprintf(detail, sizeof(detail), "ar worklist rows=%zu", w.n);
        rc = cycle_audit_read(cy, "claim", 0, detail, err);
    }
    if (rc < 0) {
        free(w.v);
        return rc;
    }
    if (w.n > 1)
        qsort(w.v, w.n, sizeof(*w.v), wl_cmp);
    *out = w.v;
    *n = w.n;
    return 0;
}
