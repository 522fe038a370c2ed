/*
 * Posting an 835 (include/rcm/post.h; the ledger rules are at the top of
 * cycle_internal.h; docs/posting.md tells the whole story).
 *
 * Two reads of the file held in memory. The first checks it whole (every
 * set balanced and complete, no error anywhere) and keeps each set's header
 * and PLBs; any problem refuses the file with nothing written. The second
 * posts it in one transaction, claim by claim as the typed reader hands
 * them out: statements are prepared once for the call, row ids are taken
 * once per table and counted on, the contract fees, payers and routing table
 * are read once into memory, and the claims the file pays are read in one
 * ordered query when their numbers are close (else one query per CLP), so a
 * claim costs little more than its inserts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "route.h"
#include "rcm/post.h"
#include "rcm/x12read.h"
#include "../util/banned.h"

__extension__ typedef __int128 i128;

/* Room for element n of *v (capacity *cap, doubled from 64): 0, or RCM_ENOMEM with *v unchanged. */
static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 64;
    void *nv = realloc(*v, nc * size);
    if (!nv)
        return RCM_ENOMEM;
    *v = nv;
    *cap = nc;
    return 0;
}

/* ---- the first read: check everything, keep each set's header ---- */

typedef struct set_info {
    long segment;                   /* where its ST is */
    char st_control[10];
    char trace[51];
    char trace_payer[81];           /* TRN03, else the payer's N1*PR id */
    char payer_ext[81];             /* N1*PR N104 */
    char payer_name[61];
    int64_t payment_cents;          /* signed: a debit is negative */
    char method[4];
    rcm_date payment_date;
    long claims;
    int64_t plb_cents;
    rcm_plb *plb;
    uint32_t n_plb;
} set_info;

typedef struct checker {
    const char *path;
    rcm_error *err;
    int failed;                     /* err holds the first problem */
    set_info *sets;
    size_t n_sets, cap_sets;
    long clps;                      /* CLPs in the file */
    char clp_min[39], clp_max[39];  /* the lowest and highest CLP01 */
} checker;

static int check_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c)
{
    checker *k = ctx;
    if (k->clps++ == 0 || strcmp(c->id, k->clp_min) < 0)
        cstr_copy(k->clp_min, sizeof(k->clp_min), c->id);
    if (k->clps == 1 || strcmp(c->id, k->clp_max) > 0)
        cstr_copy(k->clp_max, sizeof(k->clp_max), c->id);
    return 0;
}

/* Keeps the first error problem as a located error. */
static int check_problem(void *ctx, const rcm_x12_problem *p)
{
    checker *k = ctx;
    if (p->severity != RCM_SEV_ERROR || k->failed)
        return 0;
    k->failed = 1;
    rcm_error *err = k->err;
    if (!err)
        return 0;
    err->code = p->kind == RCM_X12P_BALANCE ? RCM_EBALANCE : RCM_EFORMAT;
    err->source = k->path;
    err->line = p->line;
    err->segment = p->segment;
    err->element = p->element;
    err->component = p->component;
    err->offset = p->offset;
    rcm_buf b;
    rcm_buf_init(&b, sizeof(err->msg));
    if (p->segment) {
        rcm_buf_addf(&b, "segment %ld", p->segment);
        if (p->seg_id[0])
            rcm_buf_addf(&b, " '%s'", p->seg_id);
        if (p->element)
            rcm_buf_addf(&b, " element %d", p->element);
        rcm_buf_adds(&b, ": ");
    }
    rcm_buf_addf(&b, "%s (nothing posted)", p->msg);
    cstr_copy(err->msg, sizeof(err->msg), b.ptr);
    rcm_buf_release(&b);
    return 0;
}

static int not_835(checker *k, const char *what)
{
    if (!k->failed && k->err) {
        k->err->source = k->path;
        rcm_error_set(k->err, RCM_EFORMAT, "not an 835: the file holds %s (nothing posted)", what);
    }
    k->failed = 1;
    return RCM_EFORMAT;
}

static int check_claim837(void *ctx, const rcm_claim *c) { return not_835(ctx, "an 837 claim"); }
static int check_999(void *ctx, const rcm_ack999 *a) { return not_835(ctx, "a 999 acknowledgment"); }
static int check_277(void *ctx, const rcm_ack277 *a) { return not_835(ctx, "a 277 acknowledgment"); }
static int check_ta1(void *ctx, const rcm_ta1 *t) { return not_835(ctx, "a TA1 acknowledgment"); }
static int check_generic(void *ctx, const rcm_x12_generic *g) { return not_835(ctx, "another transaction set"); }

static int check_end(void *ctx, const rcm_remit *r)
{
    checker *k = ctx;
    if (!r->complete || !r->balanced) {
        if (!k->failed && k->err) {
            k->err->source = k->path;
            k->err->line = r->line;
            k->err->segment = r->segment;
            rcm_error_set(k->err, r->complete ? RCM_EBALANCE : RCM_EFORMAT,
                          "segment %ld 'ST': transaction set %s %s (nothing posted)", r->segment, r->st_control,
                          r->complete ? "does not balance" : "is cut short");
        }
        k->failed = 1;
        return 0;
    }
    if (grow((void **)&k->sets, &k->cap_sets, k->n_sets, sizeof(*k->sets)) < 0)
        return rcm_error_set(k->err, RCM_ENOMEM, "out of memory");
    set_info *s = &k->sets[k->n_sets];
    memset(s, 0, sizeof(*s));
    s->segment = r->segment;
    cstr_copy(s->st_control, sizeof(s->st_control), r->st_control);
    cstr_copy(s->trace, sizeof(s->trace), r->trace);
    cstr_copy(s->trace_payer, sizeof(s->trace_payer), r->trace_payer[0] ? r->trace_payer : r->payer.id);
    cstr_copy(s->payer_ext, sizeof(s->payer_ext), r->payer.id);
    for (uint32_t i = 0; !s->payer_ext[0] && i < r->payer.n_refs && i < 4; i++)
        if (strcmp(r->payer.refs[i].qual, "2U") == 0) /* 1000A REF*2U: the payer's identification */
            cstr_copy(s->payer_ext, sizeof(s->payer_ext), r->payer.refs[i].value);
    cstr_copy(s->payer_name, sizeof(s->payer_name), r->payer.name);
    s->payment_cents = r->credit_debit[0] == 'D' ? -r->payment_cents : r->payment_cents;
    cstr_copy(s->method, sizeof(s->method), r->method);
    s->payment_date = r->payment_date;
    s->claims = r->claims;
    s->plb_cents = r->total_plb_cents;
    if (r->n_plb) {
        s->plb = malloc(r->n_plb * sizeof(*s->plb));
        if (!s->plb)
            return rcm_error_set(k->err, RCM_ENOMEM, "out of memory");
        memcpy(s->plb, r->plb, r->n_plb * sizeof(*s->plb));
        s->n_plb = r->n_plb;
    }
    k->n_sets++;
    return 0;
}

static void checker_release(checker *k)
{
    for (size_t i = 0; i < k->n_sets; i++)
        free(k->sets[i].plb);
    free(k->sets);
}

/* Reads the whole file once: 0 when every set is a complete, balanced 835 without errors. */
static int check_file(checker *k, const char *path, const char *data, size_t len, rcm_error *err)
{
    memset(k, 0, sizeof(*k));
    k->path = path;
    k->err = err;
    rcm_x12_reader *r = NULL;
    int rc = rcm_x12_open_mem(&r, data, len, path, err);
    if (rc < 0)
        return rc;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = k;
    cb.problem = check_problem;
    cb.remit_end = check_end;
    cb.remit_claim = check_claim;
    cb.claim = check_claim837;
    cb.ack999 = check_999;
    cb.ack277 = check_277;
    cb.ta1 = check_ta1;
    cb.generic = check_generic;
    rc = rcm_x12_read(r, &cb, NULL, err);
    rcm_x12_reader_free(r);
    if (rc < 0)
        return rc;
    if (k->failed)
        return err ? err->code : RCM_EFORMAT;
    if (k->n_sets == 0) {
        if (err)
            err->source = path;
        return rcm_error_set(err, RCM_EFORMAT, "no 835 transaction set found (nothing posted)");
    }
    return 0;
}

/* ---- the second read: posting ---- */

enum {
    Q_CLAIM, Q_CLAIM_ICN, Q_TRACE, Q_REMIT, Q_REMIT_PAYER, Q_PLB, Q_RC, Q_RL, Q_LEDGER, Q_DENIAL, Q_WORK,
    Q_CLAIM_UPD, Q_CLAIM_REV, Q_HISTORY, Q_ROWS, Q_RESOLVE, Q_CLOSE, Q_BALANCE, Q_REPLACEMENT, Q_RANGE_COUNT,
    Q_RANGE, Q_N
};

/* a claim with its lines, one row per line (claim_row reads them) */
#define CLAIM_ROWS                                                                                              \
    "SELECT c.claim_id, c.status, c.payer_id, c.patient_id, c.seq, c.claim_no, l.line_no, l.code,"            \
    " l.mod1, l.mod2, l.mod3, l.mod4, l.units_milli, c.coded_by"                                              \
    " FROM claim c LEFT JOIN claim_line l ON l.claim_id = c.claim_id"

static const char *const sql[Q_N] = {
    [Q_CLAIM] = CLAIM_ROWS " WHERE c.claim_no = ? AND c.practice_id = ? ORDER BY l.line_no",
    [Q_CLAIM_ICN] = "SELECT claim_no FROM claim WHERE payer_icn = ? AND practice_id = ?"
                    " ORDER BY claim_id DESC LIMIT 1",
    [Q_TRACE] = "SELECT remit_id FROM remit WHERE trace_payer = ? AND trace = ?",
    [Q_REMIT] = "INSERT INTO remit (remit_id, practice_id, file_id, st_control, trace_payer, trace, payer_id,"
                " payer_name, payment_cents, method, payment_date, claims, plb_cents, posted_at, posted_by)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_REMIT_PAYER] = "UPDATE remit SET payer_id = ? WHERE remit_id = ?",
    [Q_PLB] = "INSERT INTO remit_plb (remit_id, seq, reason, ref, amount_cents) VALUES (?, ?, ?, ?, ?)",
    [Q_RC] = "INSERT INTO remit_claim (remit_claim_id, remit_id, seq, claim_id, clp01, status, charge_cents,"
             " paid_cents, patient_cents, payer_icn, segment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_RL] = "INSERT INTO remit_line (remit_claim_id, seq, line_no, code, mod1, mod2, mod3, mod4, charge_cents,"
             " paid_cents, units_milli, allowed_cents, expected_cents)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_LEDGER] = "INSERT INTO ledger (entry_id, practice_id, claim_id, line_no, patient_id, payer_id, kind,"
                 " group_code, carc, amount_cents, remit_id, remit_claim_id, reverses, effective, at, user_name,"
                 " memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_DENIAL] = "INSERT INTO denial (denial_id, claim_id, line_no, remit_claim_id, group_code, carc, rarc,"
                 " amount_cents, route, root, status, created_at, resolved_at, resolved_by)"
                 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_WORK] = "INSERT INTO work_item (item_id, practice_id, queue, kind, claim_id, encounter_id, denial_id,"
               " remit_claim_id, amount_cents, due, status, summary, created_at)"
               " VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, 'open', ?, ?)",
    /* replaced, void and closed claims keep their status; the first verdict is kept once */
    [Q_CLAIM_UPD] = "UPDATE claim SET status = CASE WHEN status IN ('replaced', 'void', 'closed') THEN status"
                    " ELSE ?1 END, first_835 = CASE WHEN first_835 = '' THEN ?1 ELSE first_835 END,"
                    " payer_icn = CASE WHEN ?2 = '' THEN payer_icn ELSE ?2 END, adjudicated_at = ?3"
                    " WHERE claim_id = ?4",
    [Q_CLAIM_REV] = "UPDATE claim SET status = CASE WHEN status IN ('replaced', 'void', 'closed') THEN status"
                    " ELSE 'accepted' END WHERE claim_id = ?",
    [Q_HISTORY] = "SELECT remit_claim_id, remit_id, status, paid_cents FROM remit_claim"
                  " WHERE claim_id = ? AND remit_claim_id < ? ORDER BY remit_claim_id",
    [Q_ROWS] = "SELECT entry_id, claim_id, line_no, patient_id, payer_id, kind, group_code, carc, amount_cents"
               " FROM ledger WHERE claim_id = ? AND remit_claim_id = ? ORDER BY entry_id",
    [Q_RESOLVE] = "UPDATE denial SET status = 'resolved', resolved_at = ?, resolved_by = ?"
                  " WHERE claim_id = ? AND remit_claim_id = ? AND status = 'open'",
    [Q_CLOSE] = "UPDATE work_item SET status = 'done', closed_at = ?, closed_by = ?"
                " WHERE claim_id = ? AND remit_claim_id = ? AND status = 'open'",
    [Q_BALANCE] = "SELECT payer_id, SUM(amount_cents) FROM ledger WHERE claim_id = ? GROUP BY payer_id"
                  " ORDER BY payer_id",
    [Q_REPLACEMENT] = "SELECT claim_id, payer_id, patient_id, status, claim_no FROM claim"
                      " WHERE original_claim_id = ? AND freq = '7' ORDER BY claim_id DESC LIMIT 1",
    [Q_RANGE_COUNT] = "SELECT COUNT(*) FROM claim WHERE claim_no BETWEEN ? AND ? AND practice_id = ?",
    /* the same columns as Q_CLAIM, for every claim numbered within the file's CLP01s */
    [Q_RANGE] = CLAIM_ROWS " WHERE c.claim_no BETWEEN ? AND ? AND c.practice_id = ? ORDER BY c.claim_no, l.line_no",
};

typedef struct payer_info {
    int64_t payer_id;
    int appeal_days;
    char ext[81];
} payer_info;

typedef struct contract {
    int64_t payer_id;
    char code[49];
    char mod[3];
    int64_t allowed_cents;
} contract;

typedef struct claim_line_info {
    int line_no;
    char code[49];
    char mods[4][3];
    int64_t units_milli;
    int taken;
} claim_line_info;

typedef struct claim_info {
    int64_t claim_id, payer_id, patient_id;
    char status[12];
    char seq[2];
    char claim_no[39];
    int mine;                       /* the posting user coded it (separation of duties) */
    claim_line_info *lines;
    size_t n_lines, cap_lines;
    size_t first_line;              /* preloaded claims: where its lines start in pre_lines */
} claim_info;

/* What one claim's denials of one queue add up to (one work item per claim per queue). */
typedef struct queue_acc {
    int64_t denial_id;              /* the first */
    int64_t amount_cents;
    char codes[120];
    size_t len;
} queue_acc;

typedef struct ledger_entry {
    int64_t entry_id, claim_id, patient_id, payer_id;
    int line_no;
    char kind[16], group[3], carc[6];
    int64_t amount_cents;
} ledger_entry;

/* A classification without remark codes, remembered for the call (most adjustments have none). */
typedef struct route_memo {
    char group[3], carc[6];
    cycle_route r;
} route_memo;

#define ROUTE_MEMO 64

typedef struct poster {
    rcm_cycle *cy;
    rcm_error *err;
    rcm_post_report *rep;
    const char *path;
    int64_t practice_id, file_id;
    sqlite3_stmt *q[Q_N];
    int64_t next_remit, next_rc, next_entry, next_denial, next_item;
    payer_info *payers;
    size_t n_payers;
    contract *contracts;
    size_t n_contracts;
    route_table routes;
    route_memo memo[ROUTE_MEMO];
    /* the claims numbered within the file's CLP01s, read at once when they are about as many as its CLPs */
    int preloaded;
    char range_min[39], range_max[39];
    claim_info *pre;                /* sorted by claim_no; lines point into pre_lines */
    size_t n_pre, cap_pre;
    claim_line_info *pre_lines;
    size_t n_pre_lines, cap_pre_lines;
    /* the set being posted */
    const set_info *sets;
    size_t n_sets, set_idx;
    int started, skip;
    int64_t remit_id, remit_payer_id;
    long seq;                       /* CLPs of the set so far */
    long matched, unmatched;
    rcm_date effective;
    /* the claim being posted */
    claim_info claim;
    ledger_entry *rows;             /* a reversed claim's rows */
    size_t n_rows, cap_rows;
    rcm_buf text;                   /* summaries */
} poster;

static int sqlfail(poster *p, const char *what) { return store_sqlerr(p->cy->st, p->err, what); }

static int step_done(poster *p, int q, const char *what)
{
    return store_step_done(p->cy->st, p->q[q], what, p->err);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t id)
{
    if (id)
        sqlite3_bind_int64(s, i, id);
    else
        sqlite3_bind_null(s, i);
}

static void bind_opt(sqlite3_stmt *s, int i, int has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(s, i, v);
    else
        sqlite3_bind_null(s, i);
}

static void bind_text(sqlite3_stmt *s, int i, const char *t) { sqlite3_bind_text(s, i, t, -1, SQLITE_STATIC); }

/* ---- what is read once ---- */

static int cmp_contract(const void *a, const void *b)
{
    const contract *x = a, *y = b;
    if (x->payer_id != y->payer_id)
        return x->payer_id < y->payer_id ? -1 : 1;
    int c = strcmp(x->code, y->code);
    return c ? c : strcmp(x->mod, y->mod);
}

static void payer_fill(sqlite3_stmt *s, void *row)
{
    payer_info *pi = row;
    pi->payer_id = sqlite3_column_int64(s, 0);
    pi->appeal_days = sqlite3_column_int(s, 1);
    cstr_copy(pi->ext, sizeof(pi->ext), (const char *)sqlite3_column_text(s, 2));
}

static void contract_fill(sqlite3_stmt *s, void *row)
{
    contract *c = row;
    c->payer_id = sqlite3_column_int64(s, 0);
    cstr_copy(c->code, sizeof(c->code), (const char *)sqlite3_column_text(s, 1));
    cstr_copy(c->mod, sizeof(c->mod), (const char *)sqlite3_column_text(s, 2));
    c->allowed_cents = sqlite3_column_int64(s, 3);
}

/* A table read once for the call: what query (bound to the practice) returns, a row at a time through fill. */
static const struct preread {
    const char *query, *what;
    size_t elem, first;
    void (*fill)(sqlite3_stmt *s, void *row);
} payers_read = { "SELECT payer_id, appeal_days, payer_ext_id FROM payer WHERE practice_id = ? ORDER BY payer_id",
                  "reading the payers", sizeof(payer_info), 16, payer_fill },
  contracts_read = { "SELECT f.payer_id, f.code, f.modifier, f.allowed_cents FROM contract_fee f"
                     " JOIN payer y ON y.payer_id = f.payer_id WHERE y.practice_id = ?",
                     "reading the contract fees", sizeof(contract), 64, contract_fill };

static int load_rows(poster *p, const struct preread *t, void **v, size_t *n)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(p->cy->st, &s, t->query, p->err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, p->practice_id);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        char *nv = cycle_grow(*v, &cap, *n, t->elem, t->first);
        if (!nv) {
            rc = rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
            break;
        }
        *v = nv;
        t->fill(s, nv + (*n)++ * t->elem);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlfail(p, t->what);
    sqlite3_finalize(s);
    return rc;
}

static int load_payers(poster *p) { return load_rows(p, &payers_read, (void **)&p->payers, &p->n_payers); }

static int load_contracts(poster *p)
{
    int rc = load_rows(p, &contracts_read, (void **)&p->contracts, &p->n_contracts);
    if (rc == 0 && p->n_contracts > 1)
        qsort(p->contracts, p->n_contracts, sizeof(*p->contracts), cmp_contract);
    return rc;
}

static const payer_info *payer_by_id(const poster *p, int64_t id)
{
    size_t lo = 0, hi = p->n_payers;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (p->payers[mid].payer_id == id)
            return &p->payers[mid];
        if (p->payers[mid].payer_id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int64_t payer_by_ext(const poster *p, const char *ext)
{
    if (!ext[0])
        return 0;
    for (size_t i = 0; i < p->n_payers; i++)
        if (strcmp(p->payers[i].ext, ext) == 0)
            return p->payers[i].payer_id;
    return 0;
}

/* The contract's allowed amount per unit: code with the first modifier, then the code alone; -1 none. */
static int64_t contract_allowed(const poster *p, int64_t payer_id, const char *code, const char *mod1)
{
    contract key;
    memset(&key, 0, sizeof(key));
    key.payer_id = payer_id;
    cstr_copy(key.code, sizeof(key.code), code);
    for (int pass = 0; pass < 2; pass++) {
        cstr_copy(key.mod, sizeof(key.mod), pass == 0 ? mod1 : "");
        if (pass == 1 && !mod1[0])
            break;
        const contract *c = p->n_contracts
                                ? bsearch(&key, p->contracts, p->n_contracts, sizeof(key), cmp_contract)
                                : NULL;
        if (c)
            return c->allowed_cents;
    }
    return -1;
}

static int take_ids(poster *p)
{
    rcm_cycle *cy = p->cy;
    int rc;
    if ((rc = cycle_next_id(cy, "remit", "remit_id", &p->next_remit, p->err)) < 0 ||
        (rc = cycle_next_id(cy, "remit_claim", "remit_claim_id", &p->next_rc, p->err)) < 0 ||
        (rc = cycle_next_id(cy, "ledger", "entry_id", &p->next_entry, p->err)) < 0 ||
        (rc = cycle_next_id(cy, "denial", "denial_id", &p->next_denial, p->err)) < 0 ||
        (rc = cycle_next_id(cy, "work_item", "item_id", &p->next_item, p->err)) < 0)
        return rc;
    return 0;
}

static int poster_open(poster *p)
{
    int rc;
    for (int i = 0; i < Q_N; i++)
        if ((rc = store_prepare(p->cy->st, &p->q[i], sql[i], p->err)) < 0)
            return rc;
    if ((rc = take_ids(p)) < 0 || (rc = load_payers(p)) < 0 || (rc = load_contracts(p)) < 0)
        return rc;
    return route_table_load(p->cy, &p->routes, p->err);
}

static void poster_close(poster *p)
{
    for (int i = 0; i < Q_N; i++)
        sqlite3_finalize(p->q[i]);
    free(p->payers);
    free(p->contracts);
    free(p->claim.lines);
    free(p->rows);
    free(p->pre);
    free(p->pre_lines);
    route_table_release(&p->routes);
    rcm_buf_release(&p->text);
}

/* ---- rows ---- */

typedef struct ledger_new {
    int64_t claim_id, patient_id;
    int line_no;
    int64_t payer_id;               /* 0: the patient */
    const char *kind, *group, *carc;
    int64_t amount_cents;
    int64_t remit_claim_id, reverses;
    const char *memo;
} ledger_new;

static int ledger_add(poster *p, const ledger_new *e)
{
    sqlite3_stmt *s = p->q[Q_LEDGER];
    sqlite3_bind_int64(s, 1, p->next_entry);
    sqlite3_bind_int64(s, 2, p->practice_id);
    sqlite3_bind_int64(s, 3, e->claim_id);
    sqlite3_bind_int(s, 4, e->line_no);
    sqlite3_bind_int64(s, 5, e->patient_id);
    bind_id(s, 6, e->payer_id);
    bind_text(s, 7, e->kind);
    bind_text(s, 8, e->group ? e->group : "");
    bind_text(s, 9, e->carc ? e->carc : "");
    sqlite3_bind_int64(s, 10, e->amount_cents);
    sqlite3_bind_int64(s, 11, p->remit_id);
    bind_id(s, 12, e->remit_claim_id);
    bind_id(s, 13, e->reverses);
    store_bind_date(s, 14, p->effective);
    sqlite3_bind_int64(s, 15, p->cy->now);
    bind_text(s, 16, p->cy->user);
    bind_text(s, 17, e->memo ? e->memo : "");
    int rc = step_done(p, Q_LEDGER, "writing a ledger row");
    if (rc == 0)
        p->next_entry++;
    return rc;
}

/* A transfer of amount from one party of a claim to another party (of the same or another claim). */
static int transfer(poster *p, int64_t claim_id, int64_t patient_id, int line_no, int64_t from_payer,
                    int64_t to_claim_id, int64_t to_patient_id, int64_t to_payer, const char *group,
                    const char *carc, int64_t amount, int64_t rc_id, const char *memo_from, const char *memo_to)
{
    ledger_new e = { claim_id, patient_id, line_no, from_payer, "transfer", group, carc, -amount, rc_id, 0,
                     memo_from };
    int rc = ledger_add(p, &e);
    if (rc < 0)
        return rc;
    ledger_new t = { to_claim_id, to_patient_id, to_claim_id == claim_id ? line_no : 0, to_payer, "transfer",
                     group, carc, amount, rc_id, 0, memo_to };
    return ledger_add(p, &t);
}

typedef struct work_new {
    const char *queue, *kind;
    int64_t claim_id, denial_id, remit_claim_id, amount_cents;
    rcm_date due;
    const char *summary;
} work_new;

static int work_add(poster *p, const work_new *w)
{
    sqlite3_stmt *s = p->q[Q_WORK];
    sqlite3_bind_int64(s, 1, p->next_item);
    sqlite3_bind_int64(s, 2, p->practice_id);
    bind_text(s, 3, w->queue);
    bind_text(s, 4, w->kind);
    bind_id(s, 5, w->claim_id);
    bind_id(s, 6, w->denial_id);
    bind_id(s, 7, w->remit_claim_id);
    sqlite3_bind_int64(s, 8, w->amount_cents);
    store_bind_date(s, 9, w->due);
    bind_text(s, 10, w->summary);
    sqlite3_bind_int64(s, 11, p->cy->now);
    int rc = step_done(p, Q_WORK, "adding a work item");
    if (rc == 0) {
        p->next_item++;
        p->rep->work_items++;
    }
    return rc;
}

/* Appeal deadline of a denial: the payment date plus the payer's appeal limit. */
static rcm_date due_date(const poster *p, int64_t payer_id)
{
    const payer_info *pi = payer_by_id(p, payer_id);
    rcm_date base = p->effective;
    if (base == RCM_DATE_NONE)
        base = p->cy->today;
    return pi && pi->appeal_days > 0 ? base + pi->appeal_days : base;
}

/* ---- sets ---- */

static int start_set(poster *p, const set_info *si)
{
    p->started = 1;
    p->skip = 0;
    p->seq = 0;
    p->matched = p->unmatched = 0;
    p->effective = si->payment_date != RCM_DATE_NONE ? si->payment_date : p->cy->today;
    sqlite3_stmt *t = p->q[Q_TRACE];
    bind_text(t, 1, si->trace_payer);
    bind_text(t, 2, si->trace);
    int step = sqlite3_step(t);
    sqlite3_reset(t);
    if (step == SQLITE_ROW) {
        p->skip = 1;
        p->rep->skipped++;
        return 0;
    }
    if (step != SQLITE_DONE)
        return sqlfail(p, "looking the payment up");
    p->remit_id = p->next_remit++;
    p->remit_payer_id = payer_by_ext(p, si->payer_ext);
    if (!p->remit_payer_id)
        p->remit_payer_id = payer_by_ext(p, si->trace_payer);
    sqlite3_stmt *s = p->q[Q_REMIT];
    sqlite3_bind_int64(s, 1, p->remit_id);
    sqlite3_bind_int64(s, 2, p->practice_id);
    sqlite3_bind_int64(s, 3, p->file_id);
    bind_text(s, 4, si->st_control);
    bind_text(s, 5, si->trace_payer);
    bind_text(s, 6, si->trace);
    bind_id(s, 7, p->remit_payer_id);
    bind_text(s, 8, si->payer_name);
    sqlite3_bind_int64(s, 9, si->payment_cents);
    bind_text(s, 10, si->method);
    store_bind_date(s, 11, si->payment_date);
    sqlite3_bind_int64(s, 12, si->claims);
    sqlite3_bind_int64(s, 13, si->plb_cents);
    sqlite3_bind_int64(s, 14, p->cy->now);
    bind_text(s, 15, p->cy->user);
    int rc = step_done(p, Q_REMIT, "writing a remittance");
    s = p->q[Q_PLB];
    for (uint32_t i = 0; rc == 0 && i < si->n_plb; i++) {
        const rcm_plb *b = &si->plb[i];
        sqlite3_bind_int64(s, 1, p->remit_id);
        sqlite3_bind_int64(s, 2, (int64_t)i + 1);
        bind_text(s, 3, b->reason);
        bind_text(s, 4, b->ref);
        sqlite3_bind_int64(s, 5, b->amount_cents);
        rc = step_done(p, Q_PLB, "writing a provider adjustment");
    }
    if (rc == 0)
        p->rep->plb_cents += si->plb_cents;
    return rc;
}

static int end_set(poster *p, const set_info *si)
{
    if (p->skip)
        return 0;
    char detail[200], paid[32], plb[32];
    rcm_cents_fmt(paid, si->payment_cents);
    rcm_cents_fmt(plb, si->plb_cents);
    snprintf(detail, sizeof(detail), "835 trace %.50s claims %ld matched %ld unmatched %ld payment %s plb %s",
             si->trace, si->claims, p->matched, p->unmatched, paid, plb);
    return cycle_audit(p->cy, "post", "remit", p->remit_id, detail, p->err);
}

/* ---- claims ---- */

/*
 * Reads one row of Q_CLAIM / Q_RANGE into c (a new claim) and *line (its
 * line, when the row has one). user: the posting user, to mark the claims
 * they coded.
 */
static void claim_row(sqlite3_stmt *s, const char *user, claim_info *c, int new_claim, claim_line_info *line,
                      int *has_line)
{
    if (new_claim) {
        const unsigned char *coder = sqlite3_column_text(s, 13);
        c->mine = coder && strcmp((const char *)coder, user) == 0;
        c->claim_id = sqlite3_column_int64(s, 0);
        cstr_copy(c->status, sizeof(c->status), (const char *)sqlite3_column_text(s, 1));
        c->payer_id = sqlite3_column_int64(s, 2);
        c->patient_id = sqlite3_column_int64(s, 3);
        cstr_copy(c->seq, sizeof(c->seq), (const char *)sqlite3_column_text(s, 4));
        cstr_copy(c->claim_no, sizeof(c->claim_no), (const char *)sqlite3_column_text(s, 5));
    }
    *has_line = sqlite3_column_type(s, 6) != SQLITE_NULL;
    if (!*has_line)
        return;
    line->line_no = sqlite3_column_int(s, 6);
    cstr_copy(line->code, sizeof(line->code), (const char *)sqlite3_column_text(s, 7));
    for (int m = 0; m < 4; m++)
        cstr_copy(line->mods[m], sizeof(line->mods[m]), (const char *)sqlite3_column_text(s, 8 + m));
    line->units_milli = sqlite3_column_int64(s, 12);
    line->taken = 0;
}

/*
 * Reads every claim numbered between the file's lowest and highest CLP01
 * in one ordered query, when they are not many more than the file's CLPs
 * (claim numbers are given in order, so a remittance's usually are close).
 */
static int preload(poster *p, const checker *k)
{
    if (k->clps < 64)
        return 0;
    sqlite3_stmt *s = p->q[Q_RANGE_COUNT];
    bind_text(s, 1, k->clp_min);
    bind_text(s, 2, k->clp_max);
    sqlite3_bind_int64(s, 3, p->practice_id);
    int64_t n = -1;
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (n < 0)
        return sqlfail(p, "counting claims");
    if (n > 2 * k->clps)
        return 0;
    s = p->q[Q_RANGE];
    bind_text(s, 1, k->clp_min);
    bind_text(s, 2, k->clp_max);
    sqlite3_bind_int64(s, 3, p->practice_id);
    int step, rc = 0;
    int64_t last = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        int new_claim = p->n_pre == 0 || id != last;
        if (new_claim && grow((void **)&p->pre, &p->cap_pre, p->n_pre, sizeof(*p->pre)) < 0) {
            rc = rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
            break;
        }
        if (grow((void **)&p->pre_lines, &p->cap_pre_lines, p->n_pre_lines, sizeof(*p->pre_lines)) < 0) {
            rc = rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
            break;
        }
        claim_info *c = &p->pre[new_claim ? p->n_pre : p->n_pre - 1];
        if (new_claim) {
            memset(c, 0, sizeof(*c));
            c->first_line = p->n_pre_lines;
            p->n_pre++;
            last = id;
        }
        int has_line = 0;
        claim_row(s, p->cy->user, c, new_claim, &p->pre_lines[p->n_pre_lines], &has_line);
        if (has_line) {
            p->n_pre_lines++;
            c->n_lines++;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlfail(p, "reading the claims of the file");
    sqlite3_reset(s);
    if (rc < 0)
        return rc;
    p->preloaded = 1;
    cstr_copy(p->range_min, sizeof(p->range_min), k->clp_min);
    cstr_copy(p->range_max, sizeof(p->range_max), k->clp_max);
    return 0;
}

/* A preloaded claim into p->claim; 0 when no claim has that number. */
static int claim_from_preload(poster *p, const char *claim_no, int *found)
{
    size_t lo = 0, hi = p->n_pre;
    *found = 0;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(p->pre[mid].claim_no, claim_no);
        if (c == 0) {
            claim_info *d = &p->claim, *src = &p->pre[mid];
            if (d->cap_lines < src->n_lines) {
                claim_line_info *nv = realloc(d->lines, src->n_lines * sizeof(*nv));
                if (!nv)
                    return rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
                d->lines = nv;
                d->cap_lines = src->n_lines;
            }
            d->claim_id = src->claim_id;
            d->payer_id = src->payer_id;
            d->patient_id = src->patient_id;
            d->mine = src->mine;
            memcpy(d->status, src->status, sizeof(d->status));
            memcpy(d->seq, src->seq, sizeof(d->seq));
            memcpy(d->claim_no, src->claim_no, sizeof(d->claim_no));
            d->n_lines = src->n_lines;
            if (src->n_lines)
                memcpy(d->lines, p->pre_lines + src->first_line, src->n_lines * sizeof(*d->lines));
            *found = 1;
            return 0;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Loads the claim numbered claim_no with its lines; 0 when there is none. */
static int claim_load(poster *p, const char *claim_no, int *found)
{
    if (p->preloaded && strcmp(claim_no, p->range_min) >= 0 && strcmp(claim_no, p->range_max) <= 0)
        return claim_from_preload(p, claim_no, found);
    claim_info *c = &p->claim;
    *found = 0;
    c->n_lines = 0;
    sqlite3_stmt *s = p->q[Q_CLAIM];
    bind_text(s, 1, claim_no);
    sqlite3_bind_int64(s, 2, p->practice_id);
    int step, rc = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&c->lines, &c->cap_lines, c->n_lines, sizeof(*c->lines)) < 0) {
            rc = rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
            break;
        }
        int has_line = 0;
        claim_row(s, p->cy->user, c, !*found, &c->lines[c->n_lines], &has_line);
        *found = 1;
        if (has_line)
            c->n_lines++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlfail(p, "looking a claim up");
    sqlite3_reset(s);
    return rc;
}

/*
 * The claim a CLP pays: CLP01 is the claim number (CLM01); when no claim has
 * it, the claim the payer knows by CLP07 (a reversal or a correction of a
 * claim whose number the payer changed).
 */
static int claim_match(poster *p, const rcm_remit_claim *clp, int *found)
{
    int rc = claim_load(p, clp->id, found);
    if (rc < 0 || *found || !clp->payer_icn[0])
        return rc;
    sqlite3_stmt *s = p->q[Q_CLAIM_ICN];
    bind_text(s, 1, clp->payer_icn);
    sqlite3_bind_int64(s, 2, p->practice_id);
    char no[39] = "";
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        cstr_copy(no, sizeof(no), (const char *)sqlite3_column_text(s, 0));
    sqlite3_reset(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return sqlfail(p, "looking a claim up by its payer claim number");
    return no[0] ? claim_load(p, no, found) : 0;
}

static int mods_equal(const claim_line_info *l, const char (*m)[3])
{
    for (int i = 0; i < 4; i++)
        if (strcmp(l->mods[i], m[i]) != 0)
            return 0;
    return 1;
}

/* The claim line an SVC pays: REF*6R, else code and modifiers in order, else the same position; 0 none. */
static claim_line_info *line_match(claim_info *c, const rcm_remit_line *s)
{
    if (s->control[0]) {
        size_t n = strlen(s->control), k = n;
        while (k > 0 && s->control[k - 1] >= '0' && s->control[k - 1] <= '9')
            k--;
        if (k < n && n - k <= 6) {
            int no = (int)strtol(s->control + k, NULL, 10);
            for (size_t i = 0; i < c->n_lines; i++)
                if (c->lines[i].line_no == no && !c->lines[i].taken)
                    return &c->lines[i];
        }
    }
    const char *code = s->orig_code[0] ? s->orig_code : s->code;
    const char(*mods)[3] = s->orig_code[0] ? s->orig_mods : s->mods;
    for (size_t i = 0; i < c->n_lines; i++)
        if (!c->lines[i].taken && strcmp(c->lines[i].code, code) == 0 && mods_equal(&c->lines[i], mods))
            return &c->lines[i];
    for (size_t i = 0; i < c->n_lines; i++)
        if (!c->lines[i].taken && c->lines[i].line_no == (int)s->number)
            return &c->lines[i];
    return NULL;
}

static int remit_claim_add(poster *p, int64_t rc_id, int64_t claim_id, const rcm_remit_claim *clp)
{
    sqlite3_stmt *s = p->q[Q_RC];
    sqlite3_bind_int64(s, 1, rc_id);
    sqlite3_bind_int64(s, 2, p->remit_id);
    sqlite3_bind_int64(s, 3, p->seq);
    bind_id(s, 4, claim_id);
    bind_text(s, 5, clp->id);
    bind_text(s, 6, clp->status);
    sqlite3_bind_int64(s, 7, clp->charge_cents);
    sqlite3_bind_int64(s, 8, clp->paid_cents);
    sqlite3_bind_int64(s, 9, clp->patient_resp_cents);
    bind_text(s, 10, clp->payer_icn);
    sqlite3_bind_int64(s, 11, clp->segment);
    return step_done(p, Q_RC, "writing a remitted claim");
}

static int remit_line_add(poster *p, int64_t rc_id, const rcm_remit_line *l, int line_no, int64_t expected)
{
    sqlite3_stmt *s = p->q[Q_RL];
    sqlite3_bind_int64(s, 1, rc_id);
    sqlite3_bind_int64(s, 2, l->number);
    sqlite3_bind_int(s, 3, line_no);
    bind_text(s, 4, l->code);
    for (int m = 0; m < 4; m++)
        bind_text(s, 5 + m, l->mods[m]);
    sqlite3_bind_int64(s, 9, l->charge_cents);
    sqlite3_bind_int64(s, 10, l->paid_cents);
    sqlite3_bind_int64(s, 11, l->units_milli);
    bind_opt(s, 12, l->has_allowed, l->allowed_cents);
    bind_opt(s, 13, expected >= 0, expected);
    return step_done(p, Q_RL, "writing a remitted line");
}

static int unmatched(poster *p, const rcm_remit_claim *clp, int64_t rc_id, int64_t claim_id, const char *why)
{
    rcm_buf_reset(&p->text);
    rcm_buf_addf(&p->text, "CLP01 %.38s ICN %.50s status %s: %s", clp->id, clp->payer_icn[0] ? clp->payer_icn : "-",
                 clp->status, why);
    work_new w = { RCM_QUEUE_POSTER, "unmatched", claim_id, 0, rc_id, clp->paid_cents,
                   RCM_DATE_NONE, p->text.ptr };
    return work_add(p, &w);
}

/* The RARCs that speak for an adjustment: its line's LQ*HE (not LQ*RX), then the claim's MOA/MIA remarks. */
static size_t rarcs_of(const rcm_remit_claim *clp, const rcm_remit_line *l, const char **out, size_t max)
{
    size_t n = 0;
    if (l)
        for (uint32_t i = 0; i < l->n_remarks && n < max; i++)
            if (strncmp(l->remarks[i], "RX:", 3) != 0)
                out[n++] = l->remarks[i];
    for (int i = 0; i < 5 && n < max; i++)
        if (clp->moa_remarks[i][0])
            out[n++] = clp->moa_remarks[i];
    for (int i = 0; i < 5 && n < max; i++)
        if (clp->mia_remarks[i][0])
            out[n++] = clp->mia_remarks[i];
    return n;
}

typedef struct claim_post {
    const rcm_remit_claim *clp;
    int64_t rc_id;
    queue_acc coder, biller;
    int64_t short_cents;            /* underpaid lines: contract minus what the payer allowed */
    long short_lines;
    char short_code[49];
    int denied;                     /* denial rows left open (coder/biller) */
} claim_post;

/* A row on the payer of the claim being posted: a payment or an adjustment (amount negative: taken off). */
static int payer_row(poster *p, const claim_post *cp, int line_no, const char *kind, const char *group,
                     const char *carc, int64_t amount_cents, const char *memo)
{
    const claim_info *c = &p->claim;
    ledger_new e = { c->claim_id, c->patient_id, line_no, c->payer_id, kind, group, carc, amount_cents, cp->rc_id,
                     0, memo };
    return ledger_add(p, &e);
}

/* Adds "CO-97/N19" to a work item's codes once; what does not fit is left out (the denial rows have it all). */
static void acc_code(queue_acc *a, const rcm_cas *cas, const char *rarc)
{
    char one[32];
    int n = snprintf(one, sizeof(one), "%s-%s%s%s", cas->group, cas->reason, rarc[0] ? "/" : "", rarc);
    if (n <= 0 || (size_t)n >= sizeof(one))
        return;
    for (const char *p = a->codes; *p;) {
        size_t k = strcspn(p, " ");
        if (k == (size_t)n && memcmp(p, one, k) == 0)
            return;
        p += k;
        while (*p == ' ')
            p++;
    }
    if (a->len + (a->len ? 1 : 0) + (size_t)n + 1 > sizeof(a->codes))
        return;
    if (a->len)
        a->codes[a->len++] = ' ';
    memcpy(a->codes + a->len, one, (size_t)n + 1);
    a->len += (size_t)n;
}

static void classify(poster *p, const rcm_cas *cas, const char *const *rarcs, size_t n_rarcs, cycle_route *r,
                     const char **rarc)
{
    if (n_rarcs) {
        route_table_classify(&p->routes, cas->group, cas->reason, rarcs, n_rarcs, r, rarc);
        return;
    }
    unsigned h = 5381;
    for (const char *k = cas->group; *k; k++)
        h = h * 33 + (unsigned char)*k;
    for (const char *k = cas->reason; *k; k++)
        h = h * 33 + (unsigned char)*k;
    route_memo *m = &p->memo[h % ROUTE_MEMO];
    if (!m->r.route[0] || strcmp(m->group, cas->group) != 0 || strcmp(m->carc, cas->reason) != 0) {
        route_table_classify(&p->routes, cas->group, cas->reason, NULL, 0, &m->r, NULL);
        cstr_copy(m->group, sizeof(m->group), cas->group);
        cstr_copy(m->carc, sizeof(m->carc), cas->reason);
    }
    *r = m->r;
    *rarc = "";
}

/* One CAS adjustment: its ledger rows by route, a denial row when it is one. *open_cents: left on the payer. */
static int post_cas(poster *p, claim_post *cp, int line_no, const rcm_cas *cas, const char *const *rarcs,
                    size_t n_rarcs, int64_t *open_cents)
{
    claim_info *c = &p->claim;
    /* On a secondary or tertiary claim, OA-23 restates what the prior payer settled: it is already
       posted on the primary claim, and this claim only holds the balance transferred to it. */
    if (c->seq[0] && c->seq[0] != 'P' && strcmp(cas->group, "OA") == 0 && strcmp(cas->reason, "23") == 0)
        return 0;
    cycle_route r;
    const char *rarc = "";
    classify(p, cas, rarcs, n_rarcs, &r, &rarc);
    if (!rarc[0] && n_rarcs)
        rarc = rarcs[0];
    int rc = 0;
    int worked = strcmp(r.route, "coder") == 0 || strcmp(r.route, "biller") == 0;
    if (strcmp(r.route, "auto") == 0) {
        rc = payer_row(p, cp, line_no, "adjustment", cas->group, cas->reason, -cas->amount_cents, NULL);
        p->rep->adjusted_cents += cas->amount_cents;
    } else if (strcmp(r.route, "patient") == 0) {
        rc = transfer(p, c->claim_id, c->patient_id, line_no, c->payer_id, c->claim_id, c->patient_id, 0,
                      cas->group, cas->reason, cas->amount_cents, cp->rc_id, NULL, NULL);
        p->rep->patient_cents += cas->amount_cents;
    } else {
        p->rep->denied_cents += cas->amount_cents;
        if (open_cents)
            *open_cents += cas->amount_cents;
    }
    if (rc < 0 || !(worked || r.denial))
        return rc;
    /* a denial row: open work for the coder or the biller, settled at once when posted to the patient */
    int64_t id = p->next_denial++;
    sqlite3_stmt *s = p->q[Q_DENIAL];
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, c->claim_id);
    sqlite3_bind_int(s, 3, line_no);
    sqlite3_bind_int64(s, 4, cp->rc_id);
    bind_text(s, 5, cas->group);
    bind_text(s, 6, cas->reason);
    bind_text(s, 7, rarc);
    sqlite3_bind_int64(s, 8, cas->amount_cents);
    bind_text(s, 9, r.route);
    bind_text(s, 10, r.root);
    bind_text(s, 11, worked ? "open" : "resolved");
    sqlite3_bind_int64(s, 12, p->cy->now);
    if (worked) {
        sqlite3_bind_null(s, 13);
        sqlite3_bind_null(s, 14);
    } else {
        sqlite3_bind_int64(s, 13, p->cy->now);
        bind_text(s, 14, p->cy->user);
    }
    if ((rc = step_done(p, Q_DENIAL, "writing a denial")) < 0)
        return rc;
    p->rep->denials++;
    if (worked) {
        queue_acc *a = r.route[0] == 'c' ? &cp->coder : &cp->biller;
        if (!a->denial_id)
            a->denial_id = id;
        a->amount_cents += cas->amount_cents;
        acc_code(a, cas, rarc);
        cp->denied++;
    }
    return 0;
}

/* The contract's expected amount for a line (allowed per unit x units, rounded half up); -1 when none. */
static int64_t expected_of(const poster *p, const claim_info *c, const claim_line_info *cl,
                           const rcm_remit_line *l)
{
    const char *code = cl ? cl->code : l->code;
    const char *mod1 = cl ? cl->mods[0] : l->mods[0];
    int64_t per = contract_allowed(p, c->payer_id, code, mod1);
    if (per < 0)
        return -1;
    int64_t units = cl ? cl->units_milli : l->units_milli;
    if (units <= 0)
        units = 1000;
    i128 v = (i128)per * units;
    v = v >= 0 ? (v + 500) / 1000 : -((-v + 500) / 1000);
    return v > INT64_MAX || v < INT64_MIN ? -1 : (int64_t)v;
}

static int post_line(poster *p, claim_post *cp, const rcm_remit_line *l)
{
    claim_info *c = &p->claim;
    claim_line_info *cl = line_match(c, l);
    if (cl)
        cl->taken = 1;
    int line_no = cl ? cl->line_no : 0;
    int64_t expected = expected_of(p, c, cl, l);
    int rc = remit_line_add(p, cp->rc_id, l, line_no, expected);
    if (rc < 0)
        return rc;
    p->rep->lines++;
    if (l->paid_cents && (rc = payer_row(p, cp, line_no, "payment", "", "", -l->paid_cents, NULL)) < 0)
        return rc;
    const char *rarcs[24];
    size_t nr = rarcs_of(cp->clp, l, rarcs, ARRAY_SIZE(rarcs));
    int64_t open_cents = 0, patient = 0, reduced = 0;
    for (uint32_t i = 0; i < l->n_cas; i++) {
        const rcm_cas *cas = &l->cas[i];
        int64_t before = open_cents;
        if ((rc = post_cas(p, cp, line_no, cas, rarcs, nr, &open_cents)) < 0)
            return rc;
        if (open_cents != before)
            continue;
        if (strcmp(cas->group, "PR") == 0)
            patient += cas->amount_cents;
        else if (strcmp(cas->reason, "45") != 0)
            reduced += cas->amount_cents; /* documented reductions: sequestration, prior payer... */
    }
    /* underpaid: what the payer allowed (AMT*B6, else paid + patient share + documented reductions) is
       below the contract, on a line with no denial; only the primary payer's contract is known */
    if (expected >= 0 && !open_cents && strcmp(c->seq, "P") == 0) {
        int64_t allowed = l->has_allowed ? l->allowed_cents : l->paid_cents + patient + reduced;
        if (allowed < expected) {
            if (!cp->short_lines)
                cstr_copy(cp->short_code, sizeof(cp->short_code), cl ? cl->code : l->code);
            cp->short_lines++;
            cp->short_cents += expected - allowed;
            p->rep->underpaid++;
        }
    }
    return 0;
}

static int work_for_queue(poster *p, claim_post *cp, const queue_acc *a, const char *queue)
{
    if (!a->denial_id)
        return 0;
    claim_info *c = &p->claim;
    rcm_buf_reset(&p->text);
    rcm_buf_addf(&p->text, "claim %s denied: %s", c->claim_no, a->codes);
    work_new w = { queue, "denial", c->claim_id, a->denial_id, cp->rc_id, a->amount_cents,
                   due_date(p, c->payer_id), p->text.ptr };
    return work_add(p, &w);
}

static int work_underpaid(poster *p, claim_post *cp)
{
    if (!cp->short_lines)
        return 0;
    claim_info *c = &p->claim;
    char amt[32];
    rcm_cents_fmt(amt, cp->short_cents);
    rcm_buf_reset(&p->text);
    rcm_buf_addf(&p->text, "claim %s paid below contract: %ld line(s), %s short (first %s)", c->claim_no,
                 cp->short_lines, amt, cp->short_code);
    work_new w = { RCM_QUEUE_BILLER, "underpayment", c->claim_id, 0, cp->rc_id, cp->short_cents,
                   due_date(p, c->payer_id), p->text.ptr };
    return work_add(p, &w);
}

/* An adjudication (not a reversal): payments, adjustments by route, denials, status. */
static int post_adjudication(poster *p, claim_post *cp)
{
    const rcm_remit_claim *clp = cp->clp;
    claim_info *c = &p->claim;
    int rc = 0;
    int64_t claim_cas = 0;
    for (uint32_t i = 0; i < clp->n_cas; i++)
        claim_cas += clp->cas[i].amount_cents;
    if (clp->n_lines == 0) {
        if (clp->paid_cents)
            rc = payer_row(p, cp, 0, "payment", "", "", -clp->paid_cents, NULL);
    } else {
        for (uint32_t i = 0; i < clp->n_lines && rc == 0; i++)
            rc = post_line(p, cp, &clp->lines[i]);
        /* lines paid SVC03; claim-level CAS came off that: the claim's payment is CLP04 */
        if (rc == 0 && claim_cas)
            rc = payer_row(p, cp, 0, "payment", "", "", claim_cas, "claim-level adjustments of the line payments");
    }
    if (rc < 0)
        return rc;
    const char *rarcs[12];
    size_t nr = rarcs_of(clp, NULL, rarcs, ARRAY_SIZE(rarcs));
    for (uint32_t i = 0; i < clp->n_cas && rc == 0; i++)
        rc = post_cas(p, cp, 0, &clp->cas[i], rarcs, nr, NULL);
    if (rc < 0 || (rc = work_for_queue(p, cp, &cp->coder, RCM_QUEUE_CODER)) < 0 ||
        (rc = work_for_queue(p, cp, &cp->biller, RCM_QUEUE_BILLER)) < 0 || (rc = work_underpaid(p, cp)) < 0)
        return rc;
    const char *status = "paid";
    if (cp->denied)
        status = clp->paid_cents > 0 ? "partial" : "denied";
    else if (strcmp(clp->status, "4") == 0 && clp->paid_cents <= 0)
        status = "denied";
    sqlite3_stmt *s = p->q[Q_CLAIM_UPD];
    bind_text(s, 1, status);
    bind_text(s, 2, clp->payer_icn);
    sqlite3_bind_int64(s, 3, p->cy->now);
    sqlite3_bind_int64(s, 4, c->claim_id);
    return step_done(p, Q_CLAIM_UPD, "updating a claim");
}

/*
 * The remitted claim a reversal takes back: earlier remittances of the claim
 * pair off as a stack (each reversal takes the latest one not yet reversed);
 * of those left, the latest whose payment the reversal negates, else the
 * latest. 0 when nothing is left to reverse.
 */
static int reversal_target(poster *p, const claim_post *cp, int64_t *rc_out)
{
    *rc_out = 0;
    int64_t stack[64][2];
    int n = 0;
    sqlite3_stmt *s = p->q[Q_HISTORY];
    sqlite3_bind_int64(s, 1, p->claim.claim_id);
    sqlite3_bind_int64(s, 2, cp->rc_id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *st = (const char *)sqlite3_column_text(s, 2);
        if (st && strcmp(st, "22") == 0) {
            if (n > 0)
                n--;
            continue;
        }
        if (n == (int)ARRAY_SIZE(stack)) {
            memmove(stack, stack + 1, sizeof(stack[0]) * (ARRAY_SIZE(stack) - 1));
            n--;
        }
        stack[n][0] = sqlite3_column_int64(s, 0);
        stack[n][1] = sqlite3_column_int64(s, 3);
        n++;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE)
        return sqlfail(p, "reading a claim's remittances");
    if (n == 0)
        return 0;
    int pick = n - 1;
    for (int i = n - 1; i >= 0; i--)
        if (stack[i][1] == -cp->clp->paid_cents) {
            pick = i;
            break;
        }
    *rc_out = stack[pick][0];
    return 0;
}

/* Appends the ledger rows of remitted claim rc_id on claim claim_id to p->rows. */
static int read_rows(poster *p, int64_t claim_id, int64_t rc_id)
{
    sqlite3_stmt *s = p->q[Q_ROWS];
    sqlite3_bind_int64(s, 1, claim_id);
    sqlite3_bind_int64(s, 2, rc_id);
    int step, rc = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&p->rows, &p->cap_rows, p->n_rows, sizeof(*p->rows)) < 0) {
            rc = rcm_error_set(p->err, RCM_ENOMEM, "out of memory");
            break;
        }
        ledger_entry *e = &p->rows[p->n_rows++];
        e->entry_id = sqlite3_column_int64(s, 0);
        e->claim_id = sqlite3_column_int64(s, 1);
        e->line_no = sqlite3_column_int(s, 2);
        e->patient_id = sqlite3_column_int64(s, 3);
        e->payer_id = sqlite3_column_int64(s, 4); /* NULL reads as 0: the patient */
        cstr_copy(e->kind, sizeof(e->kind), (const char *)sqlite3_column_text(s, 5));
        cstr_copy(e->group, sizeof(e->group), (const char *)sqlite3_column_text(s, 6));
        cstr_copy(e->carc, sizeof(e->carc), (const char *)sqlite3_column_text(s, 7));
        e->amount_cents = sqlite3_column_int64(s, 8);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = sqlfail(p, "reading the rows to reverse");
    sqlite3_reset(s);
    return rc;
}

static int cmp_entry(const void *a, const void *b)
{
    const ledger_entry *x = a, *y = b;
    return (x->entry_id > y->entry_id) - (x->entry_id < y->entry_id);
}

typedef struct replacement {
    int64_t claim_id, payer_id, patient_id;
    char claim_no[39];
} replacement;

#define REPLACEMENT_DEPTH 16

/*
 * claim_id's replacements in order: its latest replacement, and while that
 * one is itself replaced, the latest replacement of it (REPLACEMENT_DEPTH at most).
 */
static int replacements_of(poster *p, int64_t claim_id, replacement *out, int *n)
{
    sqlite3_stmt *s = p->q[Q_REPLACEMENT];
    *n = 0;
    for (int64_t at = claim_id; *n < REPLACEMENT_DEPTH;) {
        sqlite3_bind_int64(s, 1, at);
        int step = sqlite3_step(s), again = 0;
        if (step == SQLITE_ROW) {
            replacement *r = &out[(*n)++];
            r->claim_id = at = sqlite3_column_int64(s, 0);
            r->payer_id = sqlite3_column_int64(s, 1);
            r->patient_id = sqlite3_column_int64(s, 2);
            again = strcmp((const char *)sqlite3_column_text(s, 3), "replaced") == 0;
            cstr_copy(r->claim_no, sizeof(r->claim_no), (const char *)sqlite3_column_text(s, 4));
        }
        sqlite3_reset(s);
        if (step != SQLITE_ROW && step != SQLITE_DONE)
            return sqlfail(p, "looking a replacement claim up");
        if (!again)
            break;
    }
    return 0;
}

/*
 * Every ledger row a remitted claim wrote, oldest first: on its claim and,
 * when the claim was replaced, the balance it forwarded to the replacements.
 */
static int rows_of(poster *p, int64_t claim_id, int64_t rc_id)
{
    p->n_rows = 0;
    int rc = read_rows(p, claim_id, rc_id);
    if (rc < 0 || strcmp(p->claim.status, "replaced") != 0)
        return rc;
    replacement chain[REPLACEMENT_DEPTH];
    int n = 0;
    rc = replacements_of(p, claim_id, chain, &n);
    for (int i = 0; i < n && rc == 0; i++)
        rc = read_rows(p, chain[i].claim_id, rc_id);
    if (rc == 0 && p->n_rows > 1)
        qsort(p->rows, p->n_rows, sizeof(*p->rows), cmp_entry);
    return rc;
}

/* CLP02 22: every ledger row of the reversed remittance negated, its open denials resolved. */
static int post_reversal(poster *p, claim_post *cp)
{
    claim_info *c = &p->claim;
    int64_t target = 0;
    int rc = reversal_target(p, cp, &target);
    if (rc < 0)
        return rc;
    if (!target)
        return unmatched(p, cp->clp, cp->rc_id, c->claim_id, "a reversal with no earlier payment to reverse");
    if ((rc = rows_of(p, c->claim_id, target)) < 0)
        return rc;
    for (size_t i = 0; i < p->n_rows && rc == 0; i++) {
        const ledger_entry *o = &p->rows[i];
        ledger_new e = { o->claim_id, o->patient_id, o->line_no, o->payer_id, "reversal", o->group, o->carc,
                         -o->amount_cents, cp->rc_id, o->entry_id, NULL };
        rc = ledger_add(p, &e);
    }
    if (rc < 0)
        return rc;
    int qs[2] = { Q_RESOLVE, Q_CLOSE };
    for (int i = 0; i < 2 && rc == 0; i++) {
        sqlite3_stmt *s = p->q[qs[i]];
        sqlite3_bind_int64(s, 1, p->cy->now);
        bind_text(s, 2, p->cy->user);
        sqlite3_bind_int64(s, 3, c->claim_id);
        sqlite3_bind_int64(s, 4, target);
        rc = step_done(p, qs[i], i == 0 ? "resolving reversed denials" : "closing reversed work items");
    }
    if (rc < 0)
        return rc;
    p->rep->reversals++;
    sqlite3_stmt *s = p->q[Q_CLAIM_REV];
    sqlite3_bind_int64(s, 1, c->claim_id);
    return step_done(p, Q_CLAIM_REV, "updating a reversed claim");
}

/*
 * A claim in status replaced carries no balance: what this posting left on it
 * moves on to its replacement (the latest claim of frequency 7 that replaces
 * it, following replacements of replacements), party by party.
 */
static int forward_replaced(poster *p, claim_post *cp)
{
    claim_info *c = &p->claim;
    if (strcmp(c->status, "replaced") != 0)
        return 0;
    replacement chain[REPLACEMENT_DEPTH];
    int n_chain = 0;
    int rc = replacements_of(p, c->claim_id, chain, &n_chain);
    if (rc < 0)
        return rc;
    const replacement *last = n_chain ? &chain[n_chain - 1] : NULL;
    if (!last || last->claim_id == c->claim_id)
        return 0; /* no replacement: the ledger check names the claim */
    int64_t to = last->claim_id, to_payer = last->payer_id, to_patient = last->patient_id;
    const char *to_no = last->claim_no;
    /* the balances by party, read whole before writing */
    int64_t bal[16][2];
    int n = 0, step;
    sqlite3_stmt *s = p->q[Q_BALANCE];
    sqlite3_bind_int64(s, 1, c->claim_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && n < (int)ARRAY_SIZE(bal)) {
        bal[n][0] = sqlite3_column_int64(s, 0);
        bal[n][1] = sqlite3_column_int64(s, 1);
        n++;
    }
    sqlite3_reset(s);
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        return sqlfail(p, "reading a claim's balance");
    char memo_from[64], memo_to[64];
    snprintf(memo_from, sizeof(memo_from), "to replacement claim %s", to_no);
    snprintf(memo_to, sizeof(memo_to), "from replaced claim %s", c->claim_no);
    for (int i = 0; i < n && rc == 0; i++) {
        if (!bal[i][1])
            continue;
        rc = transfer(p, c->claim_id, c->patient_id, 0, bal[i][0], to, to_patient, bal[i][0] ? to_payer : 0, "",
                      "", bal[i][1], cp->rc_id, memo_from, memo_to);
    }
    return rc;
}

/* The set the second read is in (its ST at segment) must be the next one the first read kept; started once. */
static int enter_set(poster *p, long segment)
{
    if (p->set_idx >= p->n_sets || segment != p->sets[p->set_idx].segment)
        return rcm_error_set(p->err, RCM_EFORMAT, "'%s': the second read differs from the first", p->path);
    return p->started ? 0 : start_set(p, &p->sets[p->set_idx]);
}

static int post_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *clp)
{
    poster *p = ctx;
    int rc = enter_set(p, hdr->segment);
    if (rc < 0)
        return rc;
    if (p->skip)
        return 0;
    p->seq++;
    p->rep->claims++;
    p->rep->paid_cents += clp->paid_cents;
    int found = 0;
    if ((rc = claim_match(p, clp, &found)) < 0)
        return rc;
    claim_post cp;
    memset(&cp, 0, sizeof(cp));
    cp.clp = clp;
    cp.rc_id = p->next_rc++;
    if ((rc = remit_claim_add(p, cp.rc_id, found ? p->claim.claim_id : 0, clp)) < 0)
        return rc;
    if (!found) {
        p->rep->unmatched++;
        p->unmatched++;
        return unmatched(p, clp, cp.rc_id, 0, "no claim has this number");
    }
    p->rep->matched++;
    p->matched++;
    /* separation of duties: a claim the poster coded refuses the whole file (the caller rolls back) */
    if (p->claim.mine && (rc = cycle_sod(p->cy, p->claim.claim_id, "post", p->err)) < 0)
        return rc;
    if (!p->remit_payer_id && p->claim.payer_id) {
        p->remit_payer_id = p->claim.payer_id;
        sqlite3_stmt *s = p->q[Q_REMIT_PAYER];
        sqlite3_bind_int64(s, 1, p->remit_payer_id);
        sqlite3_bind_int64(s, 2, p->remit_id);
        if ((rc = step_done(p, Q_REMIT_PAYER, "writing a remittance's payer")) < 0)
            return rc;
    }
    if (strcmp(clp->status, "22") == 0) {
        for (uint32_t i = 0; i < clp->n_lines && rc == 0; i++)
            rc = remit_line_add(p, cp.rc_id, &clp->lines[i], 0, -1);
        if (rc == 0)
            rc = post_reversal(p, &cp);
    } else {
        rc = post_adjudication(p, &cp);
    }
    if (rc == 0)
        rc = forward_replaced(p, &cp);
    return rc;
}

static int post_end(void *ctx, const rcm_remit *r)
{
    poster *p = ctx;
    int rc = enter_set(p, r->segment);
    if (rc < 0 || (rc = end_set(p, &p->sets[p->set_idx])) < 0)
        return rc;
    p->set_idx++;
    p->started = 0;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

static int post_file(poster *p, const checker *k, const char *data, size_t len)
{
    rcm_cycle *cy = p->cy;
    int existed = 0;
    int rc = cycle_file_put(cy, "835", "in", base_name(p->path), data, len, &p->file_id, &existed, p->err);
    if (rc < 0 || (rc = poster_open(p)) < 0 || (rc = preload(p, k)) < 0)
        return rc;
    rcm_x12_reader *r = NULL;
    if ((rc = rcm_x12_open_mem(&r, data, len, p->path, p->err)) < 0)
        return rc;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = p;
    cb.remit_claim = post_claim;
    cb.remit_end = post_end;
    rc = rcm_x12_read(r, &cb, NULL, p->err);
    rcm_x12_reader_free(r);
    if (rc == 0 && p->set_idx != p->n_sets)
        rc = rcm_error_set(p->err, RCM_EFORMAT, "'%s': the second read differs from the first", p->path);
    return rc;
}

int rcm_era_post(rcm_cycle *cy, const char *path, rcm_post_report *out, rcm_error *err)
{
    rcm_post_report local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof(*out));
    int rc = cycle_require(cy, RCM_PERM_ERA_POST, err);
    if (rc < 0)
        return rc;
    char *data = NULL;
    size_t len = 0;
    rc = cycle_read_file(path, &data, &len, err);
    if (rc < 0)
        return rc;
    checker k;
    if ((rc = check_file(&k, path, data, len, err)) < 0)
        goto done;
    out->sets = (long)k.n_sets;
    poster p;
    memset(&p, 0, sizeof(p));
    p.cy = cy;
    p.err = err;
    p.rep = out;
    p.path = path;
    p.sets = k.sets;
    p.n_sets = k.n_sets;
    rcm_buf_init(&p.text, 512);
    if ((rc = cycle_practice(cy, &p.practice_id, err)) < 0) {
        poster_close(&p);
        goto done;
    }
    if ((rc = rcm_store_begin(cy->st, err)) < 0) {
        poster_close(&p);
        goto done;
    }
    rc = post_file(&p, &k, data, len);
    poster_close(&p);
    if (rc == 0 && out->skipped == out->sets) {
        /* every payment was posted before: nothing to write, not even the file */
        rcm_store_rollback(cy->st);
        out->already = 1;
        goto done;
    }
    if (rc == 0)
        rc = rcm_store_commit(cy->st, err);
    else
        rcm_store_rollback(cy->st);
    cycle_flush_denial(cy);
    if (rc < 0) {
        long sets = out->sets;
        memset(out, 0, sizeof(*out));
        out->sets = sets;
    }
done:
    checker_release(&k);
    free(data);
    return rc;
}
