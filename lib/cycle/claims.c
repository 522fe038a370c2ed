/*
 * Claims: an encounter becomes a claim, and a stored claim becomes the claim
 * model the scrubber and the 837 writer read.
 *
 * Every claim, whatever made it (rcm_claims_build, a corrected claim, a
 * secondary claim), is written by one function: priced from the practice's
 * fee schedule, assembled, scrubbed, stored with its findings, held for the
 * biller when an error is routed to the biller, else ready; the original
 * claims get their charge rows in the ledger. The claim model of an
 * encounter (for the coder's scrubbing) and of a stored claim (for
 * submission and 'rcm claims show') is assembled by one function too, from
 * the same source row, so what the coder saw scrubbed is what is sent.
 *
 * Speed (building 100,000 claims is half of a benchmark): one transaction,
 * statements prepared once per call (a cycle_claims context), the practice,
 * providers, payers and fees read once into memory, row ids taken once and
 * counted on, the claim model in an arena reset per claim, and the
 * encounters' statuses set by one statement at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/coding.h"
#include "rcm/json.h"
#include "claims.h"
#include "change.h"
#include "../util/banned.h"

/* ---- statements ---- */

/* The encounter and its patient, then a coverage: the columns read_enc and read_cov take. */
#define ENC_COLS                                                                                              \
    "e.encounter_id, e.practice_id, e.ext_id, e.patient_id, e.provider_id, e.referring_npi, e.referring_last," \
    " e.referring_first, e.dos, e.dos_to, e.pos, e.kind, e.bill_type, e.prior_auth, COALESCE(e.coded_by, '')," \
    " e.status, p.last, p.first, p.middle, p.dob, p.sex, p.addr1, p.addr2, p.city, p.state, p.zip"
#define N_ENC_COLS 26
#define COV_COLS                                                                                              \
    "COALESCE(v.coverage_id, 0), COALESCE(v.payer_id, 0), v.seq, v.member_id, v.group_no, v.group_name,"      \
    " v.relation, v.sub_last, v.sub_first, v.sub_dob, v.sub_sex, v.sub_addr1, v.sub_city, v.sub_state,"      \
    " v.sub_zip, v.eff_from, v.eff_to"
#define ENC_FROM " FROM encounter e JOIN patient p ON p.patient_id = e.patient_id"
/* the claim row: read_claim */
#define CLAIM_COLS                                                                                            \
    "c.claim_id, c.claim_no, c.kind, c.freq, c.seq, c.charge_cents, c.dos_from, c.dos_to, c.original_icn,"    \
    " COALESCE(c.primary_claim_id, 0), COALESCE(c.original_claim_id, 0), c.status, c.payer_id, c.provider_id," \
    " c.coverage_id"
#define N_CLAIM_COLS 15
/* an in-force test of coverage v on the encounter's date of service */
#define IN_FORCE "(v.eff_from IS NULL OR v.eff_from <= e.dos) AND (v.eff_to IS NULL OR v.eff_to >= e.dos)"

enum {
    Q_PRACTICE, Q_PROVIDERS, Q_PAYERS, Q_FEES,
    Q_ENC_PRIMARY, Q_ENC_COVERAGE, Q_TODO, Q_TODO_DX, Q_TODO_LINES, Q_ENC_DX, Q_ENC_LINES,
    Q_CLAIM, Q_CLAIM_DX, Q_CLAIM_LINES,
    Q_INS_CLAIM, Q_INS_DX, Q_INS_LINE, Q_INS_LEDGER, Q_INS_FINDING, Q_INS_WORK,
    Q_WORK_OPEN, Q_COUNTER_GET, Q_COUNTER_SET, Q_BILLED, Q_OVERRIDDEN,
    Q_RECHECK_ALL, Q_UPD_CLAIM, Q_UPD_LINE, Q_DEL_FINDINGS, Q_CLAIM_WORK_OPEN, Q_CLOSE_WORK,
    Q_COUNT
};

static const char *const sql_text[Q_COUNT] = {
    [Q_PRACTICE] = "SELECT practice_id, name, npi, tax_id, taxonomy, addr1, addr2, city, state, zip, contact, phone,"
                   " submitter_id, submitter_name, receiver_id, receiver_name FROM practice WHERE practice_id = ?",
    [Q_PROVIDERS] = "SELECT provider_id, npi, last, first, middle, taxonomy FROM provider WHERE practice_id = ?"
                    " ORDER BY provider_id",
    [Q_PAYERS] = "SELECT payer_id, code, name, payer_ext_id, filing, timely_days, addr1, city, state, zip"
                 " FROM payer WHERE practice_id = ? ORDER BY payer_id",
    [Q_FEES] = "SELECT code, modifier, charge_cents FROM fee WHERE practice_id = ?",
    /* the encounter with its primary coverage (whatever its dates: the caller judges them) */
    [Q_ENC_PRIMARY] = "SELECT " ENC_COLS ", " COV_COLS ENC_FROM
                      " LEFT JOIN coverage v ON v.patient_id = e.patient_id AND v.seq = 'P'"
                      " WHERE e.encounter_id = ?",
    /* the encounter with one of its patient's coverages */
    [Q_ENC_COVERAGE] = "SELECT " ENC_COLS ", " COV_COLS ENC_FROM
                       " LEFT JOIN coverage v ON v.coverage_id = ?2 AND v.patient_id = e.patient_id"
                       " WHERE e.encounter_id = ?1",
    /* what rcm_claims_build bills: signed off, no claim yet */
    [Q_TODO] = "SELECT " ENC_COLS ", " COV_COLS ENC_FROM
               " LEFT JOIN coverage v ON v.patient_id = e.patient_id AND v.seq = 'P'"
               " WHERE e.status = 'signed'"
               " AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.encounter_id = e.encounter_id)"
               " ORDER BY e.dos, e.encounter_id",
    /* their codes, in the same order (the order of the encounter_status index: no sorting) */
    [Q_TODO_DX] = "SELECT e.dos, e.encounter_id, d.code FROM encounter e JOIN encounter_dx d"
                  " ON d.encounter_id = e.encounter_id WHERE e.status = 'signed' ORDER BY e.dos, e.encounter_id, d.seq",
    [Q_TODO_LINES] = "SELECT e.dos, e.encounter_id, l.code, l.mod1, l.mod2, l.mod3, l.mod4, l.units_milli, l.ptr1,"
                     " l.ptr2, l.ptr3, l.ptr4, l.rev_code FROM encounter e JOIN encounter_line l"
                     " ON l.encounter_id = e.encounter_id WHERE e.status = 'signed'"
                     " ORDER BY e.dos, e.encounter_id, l.line_no",
    [Q_ENC_DX] = "SELECT code FROM encounter_dx WHERE encounter_id = ? ORDER BY seq",
    [Q_ENC_LINES] = "SELECT code, mod1, mod2, mod3, mod4, units_milli, ptr1, ptr2, ptr3, ptr4, rev_code"
                    " FROM encounter_line WHERE encounter_id = ? ORDER BY line_no",
    [Q_CLAIM] = "SELECT " CLAIM_COLS ", " ENC_COLS ", " COV_COLS " FROM claim c"
                " JOIN encounter e ON e.encounter_id = c.encounter_id JOIN patient p ON p.patient_id = e.patient_id"
                " LEFT JOIN coverage v ON v.coverage_id = c.coverage_id WHERE c.claim_id = ?",
    [Q_CLAIM_DX] = "SELECT code FROM claim_dx WHERE claim_id = ? ORDER BY seq",
    [Q_CLAIM_LINES] = "SELECT code, mod1, mod2, mod3, mod4, units_milli, ptr1, ptr2, ptr3, ptr4, rev_code,"
                      " charge_cents, dos FROM claim_line WHERE claim_id = ? ORDER BY line_no",
    [Q_INS_CLAIM] = "INSERT INTO claim (claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id,"
                    " coverage_id, payer_id, seq, kind, freq, original_claim_id, primary_claim_id, original_icn,"
                    " payer_icn, status, charge_cents, dos_from, dos_to, scrub_errors, coded_by, created_at,"
                    " created_by, batch_id, submitted_at, submitted_by, submissions, acked_at, adjudicated_at,"
                    " first_ack, first_835) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?, ?,"
                    " ?, ?, NULL, NULL, NULL, 0, NULL, NULL, '', '')",
    [Q_INS_DX] = "INSERT INTO claim_dx (claim_id, seq, code) VALUES (?, ?, ?)",
    [Q_INS_LINE] = "INSERT INTO claim_line (claim_id, line_no, code, mod1, mod2, mod3, mod4, units_milli,"
                   " charge_cents, ptr1, ptr2, ptr3, ptr4, dos, rev_code)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [Q_INS_LEDGER] = "INSERT INTO ledger (entry_id, practice_id, claim_id, line_no, patient_id, payer_id, kind,"
                     " group_code, carc, amount_cents, remit_id, remit_claim_id, reverses, effective, at,"
                     " user_name, memo) VALUES (?, ?, ?, ?, ?, ?, 'charge', '', '', ?, NULL, NULL, NULL, ?, ?, ?,"
                     " '')",
    [Q_INS_FINDING] = "INSERT INTO claim_finding (claim_id, seq, rule_id, severity, route, line_no, message)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)",
    [Q_INS_WORK] = "INSERT INTO work_item (item_id, practice_id, queue, kind, claim_id, encounter_id, denial_id,"
                   " remit_claim_id, amount_cents, due, status, summary, created_at)"
                   " VALUES (?, ?, 'biller', ?, ?, ?, NULL, NULL, ?, ?, 'open', ?, ?)",
    [Q_WORK_OPEN] = "SELECT COUNT(*) FROM work_item WHERE encounter_id = ? AND kind = ? AND status = 'open'",
    [Q_OVERRIDDEN] = "SELECT 1 FROM finding_override WHERE encounter_id = ? AND rule_id = ? AND line_no = ?",
    [Q_COUNTER_GET] = "SELECT value FROM control_counter WHERE name = 'claim'",
    [Q_COUNTER_SET] = "INSERT INTO control_counter (name, value) VALUES ('claim', ?)"
                      " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    /* the encounters of the claims built from id ? on */
    [Q_BILLED] = "UPDATE encounter SET status = 'billed' WHERE status = 'signed'"
                 " AND encounter_id IN (SELECT encounter_id FROM claim WHERE claim_id >= ?)",
    /* rcm_claims_recheck: the claims stopped before adjudication, and what it rewrites */
    [Q_RECHECK_ALL] = "SELECT claim_id FROM claim WHERE status IN ('held', 'rejected') ORDER BY claim_id",
    [Q_UPD_CLAIM] = "UPDATE claim SET status = ?, charge_cents = ?, scrub_errors = ? WHERE claim_id = ?",
    [Q_UPD_LINE] = "UPDATE claim_line SET charge_cents = ? WHERE claim_id = ? AND line_no = ?",
    [Q_DEL_FINDINGS] = "DELETE FROM claim_finding WHERE claim_id = ?",
    /* the items that say a claim is stopped: held by the scrubber (claims), rejected (lib/cycle/ack.c) */
    [Q_CLAIM_WORK_OPEN] = "SELECT COUNT(*) FROM work_item WHERE claim_id = ? AND kind IN ('scrub', 'rejection')"
                          " AND status = 'open'",
    [Q_CLOSE_WORK] = "UPDATE work_item SET status = 'done', closed_at = ?, closed_by = ? WHERE claim_id = ?"
                     " AND kind IN ('scrub', 'rejection') AND status = 'open'",
};

/* ---- what the context holds ---- */

typedef struct cl_practice {
    char name[61], npi[11], tax_id[51], taxonomy[51];
    char addr1[56], addr2[56], city[31], state[3], zip[16];
    char contact[61], phone[81];
    char sub_id[81], sub_name[61], rcv_id[81], rcv_name[61];
} cl_practice;

typedef struct cl_provider {
    int64_t id;
    char npi[11], last[61], first[36], middle[26], taxonomy[51];
} cl_provider;

typedef struct cl_payer {
    int64_t id;
    char code[24], name[61], ext_id[81], filing[3];
    long timely_days;
    char addr1[56], city[31], state[3], zip[16];
} cl_payer;

typedef struct cl_fee {
    char code[49], mod[3];
    int64_t cents;
} cl_fee;

typedef struct cl_line {
    char code[49];
    char mods[RCM_CLAIM_MAX_MODS][3];
    int64_t units_milli, charge_cents;
    uint8_t ptrs[RCM_CLAIM_MAX_PTR];
    rcm_date dos;
    char rev[5];
    int no_fee;                 /* priced at 0: no fee in the schedule */
    int repriced;               /* rcm_claims_recheck priced it from a fee added since */
} cl_line;

/* Everything a claim is assembled from: the claim (when stored), its encounter, patient, coverage, codes. */
typedef struct cl_src {
    /* the claim */
    int64_t claim_id, primary_claim_id, original_claim_id;
    char claim_no[39];
    char kind, freq, seq;
    char original_icn[51];
    char status[12];
    int64_t charge_cents;
    rcm_date dos_from, dos_to;
    /* the encounter */
    int64_t encounter_id, practice_id, patient_id, provider_id;
    char ext_id[41], ref_npi[11], ref_last[61], ref_first[36];
    rcm_date enc_dos, enc_dos_to;
    char pos[3], enc_kind, bill_type[4], prior_auth[51], coded_by[64], enc_status[8];
    /* the patient */
    char pt_last[61], pt_first[36], pt_middle[26];
    rcm_date pt_dob;
    char pt_sex;
    char pt_addr1[56], pt_addr2[56], pt_city[31], pt_state[3], pt_zip[16];
    /* the coverage billed (coverage_id 0: none) */
    int64_t coverage_id, payer_id;
    char cov_seq;
    char member[81], group[51], group_name[61], relation[3];
    char sub_last[61], sub_first[36];
    rcm_date sub_dob;
    char sub_sex;
    char sub_addr1[56], sub_city[31], sub_state[3], sub_zip[16];
    rcm_date cov_from, cov_to;
    /* codes */
    uint32_t n_dx;
    char dx[RCM_CLAIM_MAX_DX][8];
    uint32_t n_lines, cap_lines;
    cl_line *lines;
} cl_src;

struct cycle_claims {
    rcm_cycle *cy;
    sqlite3_stmt *q[Q_COUNT];
    int64_t practice_id;        /* whose rows are loaded; 0: none yet */
    cl_practice pr;
    cl_provider *prov;
    size_t n_prov;
    cl_payer *pay;
    size_t n_pay;
    cl_fee *fee;
    size_t n_fee;
    /* the next row ids, taken on first use (max + 1) and counted on */
    int64_t next_claim, next_entry, next_item;
    const char *action;         /* the audit action of a claim written: "create", or "build" (rcm_claims_build) */
    cl_src src;
    rcm_buf text;               /* work item summaries, audit details */
};

/* ---- small helpers ---- */

static void col_str(sqlite3_stmt *s, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

static char col_chr(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (char)t[0] : 0;
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
    sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t id)
{
    if (id)
        sqlite3_bind_int64(s, i, id);
    else
        sqlite3_bind_null(s, i);
}

static int stmt(cycle_claims *cc, int which, sqlite3_stmt **out, rcm_error *err)
{
    if (!cc->q[which]) {
        int rc = store_prepare(cc->cy->st, &cc->q[which], sql_text[which], err);
        if (rc < 0)
            return rc;
    }
    sqlite3_reset(cc->q[which]);
    sqlite3_clear_bindings(cc->q[which]);
    *out = cc->q[which];
    return 0;
}

/* The next id of a table, counted on from max + 1 taken once per context. */
static int next_id(cycle_claims *cc, int64_t *slot, const char *table, const char *col, int64_t *out,
                   rcm_error *err)
{
    if (!*slot) {
        int rc = cycle_next_id(cc->cy, table, col, slot, err);
        if (rc < 0)
            return rc;
    }
    *out = (*slot)++;
    return 0;
}

static const char *datestr(char out[11], rcm_date d)
{
    if (d == RCM_DATE_NONE)
        out[0] = '\0';
    else
        rcm_date_fmt(out, d, 1);
    return out;
}

static void set_chr(char *dst, char c)
{
    dst[0] = c;
    dst[1] = '\0';
}

/* ---- the context ---- */

int cycle_claims_open(rcm_cycle *cy, cycle_claims **out, rcm_error *err)
{
    cycle_claims *cc = calloc(1, sizeof(*cc));
    *out = NULL;
    if (!cc)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    cc->cy = cy;
    cc->action = "create";
    rcm_buf_init(&cc->text, 4096);
    *out = cc;
    return 0;
}

void cycle_claims_close(cycle_claims *cc)
{
    if (!cc)
        return;
    for (int i = 0; i < Q_COUNT; i++)
        sqlite3_finalize(cc->q[i]);
    free(cc->prov);
    free(cc->pay);
    free(cc->fee);
    free(cc->src.lines);
    rcm_buf_release(&cc->text);
    free(cc);
}

static int fee_cmp(const void *a, const void *b)
{
    const cl_fee *x = a, *y = b;
    int c = strcmp(x->code, y->code);
    return c ? c : strcmp(x->mod, y->mod);
}

/* Grows *v (n used, *cap allocated) to hold one more element of size sz. */
static int grow(void **v, size_t n, size_t *cap, size_t sz)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *nv = realloc(*v, nc * sz);
    if (!nv)
        return RCM_ENOMEM;
    *v = nv;
    *cap = nc;
    return 0;
}

/* Reads the practice, its providers, payers and fees once (per context and practice). */
static int load_practice(cycle_claims *cc, int64_t practice_id, rcm_error *err)
{
    if (cc->practice_id == practice_id)
        return 0;
    cc->practice_id = 0;
    cc->n_prov = cc->n_pay = cc->n_fee = 0;
    sqlite3_stmt *s;
    int rc = stmt(cc, Q_PRACTICE, &s, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
        return rcm_error_set(err, RCM_ENOTFOUND, "practice %lld: not in the store", (long long)practice_id);
    if (step != SQLITE_ROW)
        return store_sqlerr(cc->cy->st, err, "reading the practice");
    cl_practice *p = &cc->pr;
    col_str(s, 1, p->name, sizeof(p->name));
    col_str(s, 2, p->npi, sizeof(p->npi));
    col_str(s, 3, p->tax_id, sizeof(p->tax_id));
    col_str(s, 4, p->taxonomy, sizeof(p->taxonomy));
    col_str(s, 5, p->addr1, sizeof(p->addr1));
    col_str(s, 6, p->addr2, sizeof(p->addr2));
    col_str(s, 7, p->city, sizeof(p->city));
    col_str(s, 8, p->state, sizeof(p->state));
    col_str(s, 9, p->zip, sizeof(p->zip));
    col_str(s, 10, p->contact, sizeof(p->contact));
    col_str(s, 11, p->phone, sizeof(p->phone));
    col_str(s, 12, p->sub_id, sizeof(p->sub_id));
    col_str(s, 13, p->sub_name, sizeof(p->sub_name));
    col_str(s, 14, p->rcv_id, sizeof(p->rcv_id));
    col_str(s, 15, p->rcv_name, sizeof(p->rcv_name));
    sqlite3_reset(s);

    size_t cap = 0;
    if ((rc = stmt(cc, Q_PROVIDERS, &s, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice_id);
    free(cc->prov);
    cc->prov = NULL;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&cc->prov, cc->n_prov, &cap, sizeof(*cc->prov)) < 0)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        cl_provider *v = &cc->prov[cc->n_prov++];
        v->id = sqlite3_column_int64(s, 0);
        col_str(s, 1, v->npi, sizeof(v->npi));
        col_str(s, 2, v->last, sizeof(v->last));
        col_str(s, 3, v->first, sizeof(v->first));
        col_str(s, 4, v->middle, sizeof(v->middle));
        col_str(s, 5, v->taxonomy, sizeof(v->taxonomy));
    }
    if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, "reading the providers");

    cap = 0;
    if ((rc = stmt(cc, Q_PAYERS, &s, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice_id);
    free(cc->pay);
    cc->pay = NULL;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&cc->pay, cc->n_pay, &cap, sizeof(*cc->pay)) < 0)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        cl_payer *v = &cc->pay[cc->n_pay++];
        v->id = sqlite3_column_int64(s, 0);
        col_str(s, 1, v->code, sizeof(v->code));
        col_str(s, 2, v->name, sizeof(v->name));
        col_str(s, 3, v->ext_id, sizeof(v->ext_id));
        col_str(s, 4, v->filing, sizeof(v->filing));
        v->timely_days = (long)sqlite3_column_int64(s, 5);
        col_str(s, 6, v->addr1, sizeof(v->addr1));
        col_str(s, 7, v->city, sizeof(v->city));
        col_str(s, 8, v->state, sizeof(v->state));
        col_str(s, 9, v->zip, sizeof(v->zip));
    }
    if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, "reading the payers");

    cap = 0;
    if ((rc = stmt(cc, Q_FEES, &s, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice_id);
    free(cc->fee);
    cc->fee = NULL;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&cc->fee, cc->n_fee, &cap, sizeof(*cc->fee)) < 0)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        cl_fee *v = &cc->fee[cc->n_fee++];
        col_str(s, 0, v->code, sizeof(v->code));
        col_str(s, 1, v->mod, sizeof(v->mod));
        v->cents = sqlite3_column_int64(s, 2);
    }
    if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, "reading the fee schedule");
    sqlite3_reset(s);
    if (cc->n_fee)
        qsort(cc->fee, cc->n_fee, sizeof(*cc->fee), fee_cmp);
    cc->practice_id = practice_id;
    return 0;
}

static const cl_provider *provider_of(const cycle_claims *cc, int64_t id)
{
    size_t lo = 0, hi = cc->n_prov;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cc->prov[mid].id == id)
            return &cc->prov[mid];
        if (cc->prov[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static const cl_payer *payer_of(const cycle_claims *cc, int64_t id)
{
    size_t lo = 0, hi = cc->n_pay;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cc->pay[mid].id == id)
            return &cc->pay[mid];
        if (cc->pay[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* The fee of (code, mod) in the schedule, else of (code, ''); *found 0 when neither is there. */
static int64_t fee_of(const cycle_claims *cc, const char *code, const char *mod, int *found)
{
    cl_fee key;
    memset(&key, 0, sizeof(key));
    cstr_copy(key.code, sizeof(key.code), code);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 0 && !mod[0])
            continue;
        cstr_copy(key.mod, sizeof(key.mod), pass == 0 ? mod : "");
        const cl_fee *f = cc->n_fee ? bsearch(&key, cc->fee, cc->n_fee, sizeof(*cc->fee), fee_cmp) : NULL;
        if (f) {
            *found = 1;
            return f->cents;
        }
    }
    *found = 0;
    return 0;
}

/* ---- reading the source ---- */

static void read_enc(sqlite3_stmt *s, int i, cl_src *c)
{
    c->encounter_id = sqlite3_column_int64(s, i + 0);
    c->practice_id = sqlite3_column_int64(s, i + 1);
    col_str(s, i + 2, c->ext_id, sizeof(c->ext_id));
    c->patient_id = sqlite3_column_int64(s, i + 3);
    c->provider_id = sqlite3_column_int64(s, i + 4);
    col_str(s, i + 5, c->ref_npi, sizeof(c->ref_npi));
    col_str(s, i + 6, c->ref_last, sizeof(c->ref_last));
    col_str(s, i + 7, c->ref_first, sizeof(c->ref_first));
    c->enc_dos = store_column_date(s, i + 8);
    c->enc_dos_to = store_column_date(s, i + 9);
    if (c->enc_dos_to == RCM_DATE_NONE)
        c->enc_dos_to = c->enc_dos;
    col_str(s, i + 10, c->pos, sizeof(c->pos));
    c->enc_kind = col_chr(s, i + 11);
    col_str(s, i + 12, c->bill_type, sizeof(c->bill_type));
    col_str(s, i + 13, c->prior_auth, sizeof(c->prior_auth));
    col_str(s, i + 14, c->coded_by, sizeof(c->coded_by));
    col_str(s, i + 15, c->enc_status, sizeof(c->enc_status));
    col_str(s, i + 16, c->pt_last, sizeof(c->pt_last));
    col_str(s, i + 17, c->pt_first, sizeof(c->pt_first));
    col_str(s, i + 18, c->pt_middle, sizeof(c->pt_middle));
    c->pt_dob = store_column_date(s, i + 19);
    c->pt_sex = col_chr(s, i + 20);
    col_str(s, i + 21, c->pt_addr1, sizeof(c->pt_addr1));
    col_str(s, i + 22, c->pt_addr2, sizeof(c->pt_addr2));
    col_str(s, i + 23, c->pt_city, sizeof(c->pt_city));
    col_str(s, i + 24, c->pt_state, sizeof(c->pt_state));
    col_str(s, i + 25, c->pt_zip, sizeof(c->pt_zip));
}

static void read_cov(sqlite3_stmt *s, int i, cl_src *c)
{
    c->coverage_id = sqlite3_column_int64(s, i + 0);
    c->payer_id = sqlite3_column_int64(s, i + 1);
    c->cov_seq = col_chr(s, i + 2);
    col_str(s, i + 3, c->member, sizeof(c->member));
    col_str(s, i + 4, c->group, sizeof(c->group));
    col_str(s, i + 5, c->group_name, sizeof(c->group_name));
    col_str(s, i + 6, c->relation, sizeof(c->relation));
    col_str(s, i + 7, c->sub_last, sizeof(c->sub_last));
    col_str(s, i + 8, c->sub_first, sizeof(c->sub_first));
    c->sub_dob = store_column_date(s, i + 9);
    c->sub_sex = col_chr(s, i + 10);
    col_str(s, i + 11, c->sub_addr1, sizeof(c->sub_addr1));
    col_str(s, i + 12, c->sub_city, sizeof(c->sub_city));
    col_str(s, i + 13, c->sub_state, sizeof(c->sub_state));
    col_str(s, i + 14, c->sub_zip, sizeof(c->sub_zip));
    c->cov_from = store_column_date(s, i + 15);
    c->cov_to = store_column_date(s, i + 16);
}

static void read_claim(sqlite3_stmt *s, cl_src *c)
{
    c->claim_id = sqlite3_column_int64(s, 0);
    col_str(s, 1, c->claim_no, sizeof(c->claim_no));
    c->kind = col_chr(s, 2);
    c->freq = col_chr(s, 3);
    c->seq = col_chr(s, 4);
    c->charge_cents = sqlite3_column_int64(s, 5);
    c->dos_from = store_column_date(s, 6);
    c->dos_to = store_column_date(s, 7);
    col_str(s, 8, c->original_icn, sizeof(c->original_icn));
    c->primary_claim_id = sqlite3_column_int64(s, 9);
    c->original_claim_id = sqlite3_column_int64(s, 10);
    col_str(s, 11, c->status, sizeof(c->status));
}

/* The coverage is in force on the date. */
static int in_force(const cl_src *c, rcm_date d)
{
    return c->coverage_id && (c->cov_from == RCM_DATE_NONE || c->cov_from <= d) &&
           (c->cov_to == RCM_DATE_NONE || c->cov_to >= d);
}

static void src_reset(cl_src *c)
{
    cl_line *keep = c->lines;
    uint32_t cap = c->cap_lines;
    memset(c, 0, sizeof(*c));
    c->lines = keep;
    c->cap_lines = cap;
    c->dos_from = c->dos_to = c->enc_dos = c->enc_dos_to = RCM_DATE_NONE;
    c->pt_dob = c->sub_dob = c->cov_from = c->cov_to = RCM_DATE_NONE;
}

static cl_line *src_line(cl_src *c, rcm_error *err)
{
    if (c->n_lines == c->cap_lines) {
        uint32_t nc = c->cap_lines ? c->cap_lines * 2 : 16;
        cl_line *v = realloc(c->lines, nc * sizeof(*v));
        if (!v) {
            rcm_error_set(err, RCM_ENOMEM, "out of memory");
            return NULL;
        }
        c->lines = v;
        c->cap_lines = nc;
    }
    cl_line *l = &c->lines[c->n_lines++];
    memset(l, 0, sizeof(*l));
    l->dos = RCM_DATE_NONE;
    return l;
}

/* One diagnosis from column off of s. */
static void dx_row(sqlite3_stmt *s, int off, cl_src *c)
{
    if (c->n_dx < RCM_CLAIM_MAX_DX)
        col_str(s, off, c->dx[c->n_dx++], sizeof(c->dx[0]));
}

/*
 * One line from columns off.. of s: code, mod1-4, units, ptr1-4, rev_code,
 * then (a claim's lines) charge and date; an encounter's line has its charge
 * unknown (-1) and the encounter's date.
 */
static int line_row(sqlite3_stmt *s, int off, int claim_line, cl_src *c, rcm_error *err)
{
    cl_line *l = src_line(c, err);
    if (!l)
        return RCM_ENOMEM;
    col_str(s, off, l->code, sizeof(l->code));
    for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++)
        col_str(s, off + 1 + k, l->mods[k], sizeof(l->mods[k]));
    l->units_milli = sqlite3_column_int64(s, off + 5);
    for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++)
        l->ptrs[k] = (uint8_t)sqlite3_column_int(s, off + 6 + k);
    col_str(s, off + 10, l->rev, sizeof(l->rev));
    if (claim_line) {
        l->charge_cents = sqlite3_column_int64(s, off + 11);
        l->dos = store_column_date(s, off + 12);
    } else {
        l->charge_cents = -1;
        l->dos = c->enc_dos;
    }
    return 0;
}

/* The diagnoses (Q_ENC_DX, Q_CLAIM_DX) or lines (Q_ENC_LINES, Q_CLAIM_LINES) of one encounter or claim. */
static int read_codes(cycle_claims *cc, int which, int64_t id, cl_src *c, rcm_error *err)
{
    sqlite3_stmt *s;
    int rc = stmt(cc, which, &s, err), step;
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int dx = which == Q_ENC_DX || which == Q_CLAIM_DX;
    if (dx)
        c->n_dx = 0;
    else
        c->n_lines = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (dx)
            dx_row(s, 0, c);
        else if ((rc = line_row(s, 0, which == Q_CLAIM_LINES, c, err)) < 0)
            return rc;
    }
    if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, dx ? "reading diagnoses" : "reading service lines");
    sqlite3_reset(s);
    return 0;
}

/*
 * The codes of many encounters read in one pass: a statement whose rows
 * (the encounter's date of service and id first) come in that order, merged
 * with the encounters as they are visited in the same order.
 */
typedef struct stream {
    int which;
    sqlite3_stmt *s;
    int64_t dos, id;            /* the encounter of the current row */
    int have, done;
} stream;

/* (dos, id) of the row against the encounter's: < 0 before it, 0 its own, > 0 after it. */
static int stream_cmp(const stream *st, int64_t dos, int64_t id)
{
    if (st->dos != dos)
        return st->dos < dos ? -1 : 1;
    return st->id < id ? -1 : st->id > id;
}

/* Moves to the next row of the encounter (dos, id): 1 (read it at column 2 on), 0 when it has no more. */
static int stream_next(cycle_claims *cc, stream *st, int64_t dos, int64_t id, rcm_error *err)
{
    if (!st->s) {
        int rc = stmt(cc, st->which, &st->s, err);
        if (rc < 0)
            return rc;
    }
    for (;;) {
        if (st->have) {
            int c = stream_cmp(st, dos, id);
            if (c == 0) {
                st->have = 0;
                return 1;
            }
            if (c > 0)
                return 0;
            st->have = 0;   /* a row of an encounter not billed now: skipped */
        }
        if (st->done)
            return 0;
        int step = sqlite3_step(st->s);
        if (step == SQLITE_DONE) {
            st->done = 1;
            return 0;
        }
        if (step != SQLITE_ROW)
            return store_sqlerr(cc->cy->st, err, "reading coded encounters");
        st->dos = sqlite3_column_int64(st->s, 0);
        st->id = sqlite3_column_int64(st->s, 1);
        st->have = 1;
    }
}

static int stream_codes(cycle_claims *cc, stream *dx, stream *ln, cl_src *c, rcm_error *err)
{
    int rc;
    c->n_dx = c->n_lines = 0;
    while ((rc = stream_next(cc, dx, c->enc_dos, c->encounter_id, err)) == 1)
        dx_row(dx->s, 2, c);
    while (rc == 0 && (rc = stream_next(cc, ln, c->enc_dos, c->encounter_id, err)) == 1)
        rc = line_row(ln->s, 2, 0, c, err);
    return rc;
}

/* Prices the lines whose charge is unknown (< 0) from the fee schedule, and totals the claim. */
static int price(cycle_claims *cc, cl_src *c, rcm_error *err)
{
    int rc = load_practice(cc, c->practice_id, err);
    if (rc < 0)
        return rc;
    c->charge_cents = 0;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        cl_line *l = &c->lines[i];
        if (l->charge_cents < 0) {
            int found = 0;
            int64_t fee = fee_of(cc, l->code, l->mods[0], &found);
            if (!found || !l->code[0]) {
                l->no_fee = 1;
                l->charge_cents = 0;
            } else if (l->units_milli > 0 && fee > (INT64_C(999999999999999) - 500) / l->units_milli) {
                return rcm_error_set(err, RCM_EINVAL, "line %u (%s): the fee times %lld thousandths of a unit"
                                     " is too large", i + 1, l->code, (long long)l->units_milli);
            } else {
                /* fee per unit x units, rounded half up to the cent */
                l->charge_cents = l->units_milli > 0 ? (fee * l->units_milli + 500) / 1000 : 0;
            }
        }
        c->charge_cents += l->charge_cents;
    }
    return 0;
}

/* The claim's dates: its lines' (837I: the encounter's through date too). */
static void claim_dates(cl_src *c)
{
    c->dos_from = c->dos_to = RCM_DATE_NONE;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        rcm_date d = c->lines[i].dos;
        if (d == RCM_DATE_NONE)
            continue;
        if (c->dos_from == RCM_DATE_NONE || d < c->dos_from)
            c->dos_from = d;
        if (c->dos_to == RCM_DATE_NONE || d > c->dos_to)
            c->dos_to = d;
    }
    if (c->dos_from == RCM_DATE_NONE)
        c->dos_from = c->dos_to = c->enc_dos;
    if (c->kind == 'I' && c->enc_dos_to != RCM_DATE_NONE && c->enc_dos_to > c->dos_to)
        c->dos_to = c->enc_dos_to;
}

/* ---- the claim model ---- */

/* Type of bill facility types billed as inpatient stays (NUBC FL 4): admission date and type required. */
static int inpatient(const char *bill_type)
{
    static const char *const types[] = { "11", "18", "21", "41" };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        if (bill_type[0] == types[i][0] && bill_type[1] == types[i][1])
            return 1;
    return 0;
}

static void person(rcm_party *p, const char *entity, const char *last, const char *first, const char *middle)
{
    p->present = 1;
    cstr_copy(p->entity, sizeof(p->entity), entity);
    p->type = '1';
    cstr_copy(p->last, sizeof(p->last), last);
    cstr_copy(p->first, sizeof(p->first), first);
    cstr_copy(p->middle, sizeof(p->middle), middle);
}

static void address(rcm_party *p, const char *a1, const char *a2, const char *city, const char *state,
                    const char *zip)
{
    cstr_copy(p->addr1, sizeof(p->addr1), a1);
    cstr_copy(p->addr2, sizeof(p->addr2), a2);
    cstr_copy(p->city, sizeof(p->city), city);
    cstr_copy(p->state, sizeof(p->state), state);
    cstr_copy(p->zip, sizeof(p->zip), zip);
}

static void parties(const cycle_claims *cc, const cl_src *s, const cl_payer *py, rcm_claim *c)
{
    const cl_practice *pr = &cc->pr;
    /* 1000A submitter, 1000B receiver */
    c->submitter.present = 1;
    memcpy(c->submitter.entity, "41", 3);
    c->submitter.type = '2';
    cstr_copy(c->submitter.last, sizeof(c->submitter.last), pr->sub_name[0] ? pr->sub_name : pr->name);
    memcpy(c->submitter.id_qual, "46", 3);
    cstr_copy(c->submitter.id, sizeof(c->submitter.id), pr->sub_id);
    cstr_copy(c->submitter.contact, sizeof(c->submitter.contact), pr->contact);
    cstr_copy(c->submitter.phone, sizeof(c->submitter.phone), pr->phone);
    c->receiver.present = 1;
    memcpy(c->receiver.entity, "40", 3);
    c->receiver.type = '2';
    cstr_copy(c->receiver.last, sizeof(c->receiver.last), pr->rcv_name);
    memcpy(c->receiver.id_qual, "46", 3);
    cstr_copy(c->receiver.id, sizeof(c->receiver.id), pr->rcv_id);
    /* 2010AA billing provider: the practice, an organization */
    rcm_party *b = &c->billing;
    b->present = 1;
    memcpy(b->entity, "85", 3);
    b->type = '2';
    cstr_copy(b->last, sizeof(b->last), pr->name);
    memcpy(b->id_qual, "XX", 3);
    cstr_copy(b->id, sizeof(b->id), pr->npi);
    address(b, pr->addr1, pr->addr2, pr->city, pr->state, pr->zip);
    if (pr->tax_id[0]) {
        memcpy(b->tax_id_qual, "EI", 3);
        cstr_copy(b->tax_id, sizeof(b->tax_id), pr->tax_id);
    }
    cstr_copy(b->taxonomy, sizeof(b->taxonomy), pr->taxonomy);
    /* 2010BB payer */
    if (py) {
        rcm_party *p = &c->payer;
        p->present = 1;
        memcpy(p->entity, "PR", 3);
        p->type = '2';
        cstr_copy(p->last, sizeof(p->last), py->name);
        memcpy(p->id_qual, "PI", 3);
        cstr_copy(p->id, sizeof(p->id), py->ext_id);
        if (py->addr1[0] && py->city[0])
            address(p, py->addr1, "", py->city, py->state, py->zip);
        cstr_copy(c->filing, sizeof(c->filing), py->filing);
    }
    /* 2000B/2010BA subscriber, 2000C/2010CA patient when not the subscriber */
    int self = !s->coverage_id || !s->relation[0] || strcmp(s->relation, "18") == 0;
    c->payer_seq = s->seq ? s->seq : 'P';
    cstr_copy(c->group, sizeof(c->group), s->group);
    cstr_copy(c->group_name, sizeof(c->group_name), s->group_name);
    rcm_party *sub = &c->subscriber;
    if (self) {
        memcpy(c->subscriber_rel, "18", 3);
        person(sub, "IL", s->pt_last, s->pt_first, s->pt_middle);
        address(sub, s->pt_addr1, s->pt_addr2, s->pt_city, s->pt_state, s->pt_zip);
        c->subscriber_dob = s->pt_dob;
        c->subscriber_sex = s->pt_sex;
    } else {
        person(sub, "IL", s->sub_last, s->sub_first, "");
        if (s->sub_addr1[0] && s->sub_city[0])
            address(sub, s->sub_addr1, "", s->sub_city, s->sub_state, s->sub_zip);
        c->subscriber_dob = s->sub_dob;
        c->subscriber_sex = s->sub_dob != RCM_DATE_NONE ? s->sub_sex : 0;
        cstr_copy(c->patient_rel, sizeof(c->patient_rel), s->relation);
        person(&c->patient, "QC", s->pt_last, s->pt_first, s->pt_middle);
        address(&c->patient, s->pt_addr1, s->pt_addr2, s->pt_city, s->pt_state, s->pt_zip);
        c->patient_dob = s->pt_dob;
        c->patient_sex = s->pt_sex;
    }
    if (s->coverage_id) {
        memcpy(sub->id_qual, "MI", 3);
        cstr_copy(sub->id, sizeof(sub->id), s->member);
    }
}

/* The performing and referring providers: 2310B rendering (837P) or 2310A attending (837I); 2310A/F referring. */
static void providers(const cl_src *s, const cl_provider *pv, rcm_claim *c)
{
    rcm_party *r = c->kind == 'I' ? &c->attending : &c->rendering;
    person(r, c->kind == 'I' ? "71" : "82", pv->last, pv->first, pv->middle);
    memcpy(r->id_qual, "XX", 3);
    cstr_copy(r->id, sizeof(r->id), pv->npi);
    cstr_copy(r->taxonomy, sizeof(r->taxonomy), pv->taxonomy);
    if (s->ref_last[0]) {
        person(&c->referring, "DN", s->ref_last, s->ref_first, "");
        if (s->ref_npi[0]) {
            memcpy(c->referring.id_qual, "XX", 3);
            cstr_copy(c->referring.id, sizeof(c->referring.id), s->ref_npi);
        }
    }
}

static int lines(const cl_src *s, rcm_claim *c, arena *mem, rcm_error *err)
{
    if (!s->n_lines)
        return 0;
    c->lines = arena_alloc(mem, s->n_lines * sizeof(*c->lines));
    if (!c->lines)
        return rcm_error_set(err, RCM_ENOMEM, "claim %s: out of memory", s->claim_no);
    c->n_lines = s->n_lines;
    for (uint32_t i = 0; i < s->n_lines; i++) {
        const cl_line *sl = &s->lines[i];
        rcm_claim_line *l = &c->lines[i];
        rcm_claim_line_init(l);
        l->number = i + 1;
        if (sl->code[0]) {
            memcpy(l->qual, "HC", 3);
            cstr_copy(l->code, sizeof(l->code), sl->code);
            memcpy(l->mods, sl->mods, sizeof(l->mods));
        }
        l->charge_cents = sl->charge_cents;
        memcpy(l->unit_type, "UN", 3);
        l->units_milli = sl->units_milli;
        if (c->kind == 'I')
            cstr_copy(l->revenue_code, sizeof(l->revenue_code), sl->rev);
        else
            memcpy(l->dx_ptr, sl->ptrs, sizeof(l->dx_ptr));
        l->from = l->to = sl->dos;
    }
    return 0;
}

/*
 * The claim model of s: practice, payer, subscriber and patient, providers,
 * 2300, diagnoses, lines; a secondary claim gets its prior payer's
 * adjudication (cycle_cob_fill). Arrays in mem.
 */
static int assemble(cycle_claims *cc, const cl_src *s, rcm_claim *c, arena *mem, rcm_error *err)
{
    int rc = load_practice(cc, s->practice_id, err);
    if (rc < 0)
        return rc;
    const cl_provider *pv = provider_of(cc, s->provider_id);
    if (!pv)
        return rcm_error_set(err, RCM_ENOTFOUND, "encounter %s: provider %lld is not in the store", s->ext_id,
                             (long long)s->provider_id);
    const cl_payer *py = NULL;
    if (s->coverage_id && !(py = payer_of(cc, s->payer_id)))
        return rcm_error_set(err, RCM_ENOTFOUND, "encounter %s: payer %lld is not in the store", s->ext_id,
                             (long long)s->payer_id);
    rcm_claim_init(c);
    c->kind = s->kind == 'I' ? RCM_CLAIM_INSTITUTIONAL : RCM_CLAIM_PROFESSIONAL;
    parties(cc, s, py, c);
    providers(s, pv, c);
    /* 2300 CLM */
    cstr_copy(c->id, sizeof(c->id), s->claim_no);
    c->charge_cents = s->charge_cents;
    if (c->kind == 'I') {
        c->pos[0] = s->bill_type[0];
        c->pos[1] = s->bill_type[0] ? s->bill_type[1] : 0;
        c->facility_qual = 'A';
    } else {
        cstr_copy(c->pos, sizeof(c->pos), s->pos);
        c->facility_qual = 'B';
        c->signature = 'Y';
    }
    c->freq = s->freq ? s->freq : '1';
    c->assignment = 'A';
    c->benefits = 'Y';
    c->release = 'Y';
    cstr_copy(c->prior_auth, sizeof(c->prior_auth), s->prior_auth);
    if (c->freq == '7' || c->freq == '8')
        cstr_copy(c->original_ref, sizeof(c->original_ref), s->original_icn);
    if (c->kind == 'I') {
        c->statement_from = s->dos_from;
        c->statement_to = s->dos_to;
        memcpy(c->patient_status, "01", 3);  /* discharged to home or self care */
        if (inpatient(s->bill_type)) {
            /* the encounter carries no admission facts: 9, information not available */
            c->admission = s->dos_from;
            set_chr(c->admission_type, '9');
            set_chr(c->admission_source, '9');
        }
    }
    /* HI: ICD-10-CM, principal first */
    if (s->n_dx)
        memcpy(c->dx_qual, "ABK", 4);
    c->n_dx = s->n_dx;
    memcpy(c->dx, s->dx, sizeof(c->dx));
    if ((rc = lines(s, c, mem, err)) < 0)
        return rc;
    if (s->primary_claim_id && (rc = cycle_cob_fill(cc->cy, s->primary_claim_id, c, mem, err)) < 0)
        return rc;
    return 0;
}

/* ---- stored claims ---- */

static int load_claim(cycle_claims *cc, int64_t claim_id, cl_src *c, rcm_error *err)
{
    sqlite3_stmt *s;
    int rc = stmt(cc, Q_CLAIM, &s, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
        return rcm_error_set(err, RCM_ENOTFOUND, "claim #%lld: no such claim", (long long)claim_id);
    if (step != SQLITE_ROW)
        return store_sqlerr(cc->cy->st, err, "reading a claim");
    src_reset(c);
    read_claim(s, c);
    read_enc(s, N_CLAIM_COLS, c);
    read_cov(s, N_CLAIM_COLS + N_ENC_COLS, c);
    /* the claim's own facts win over the encounter's */
    c->payer_id = sqlite3_column_int64(s, 12);
    c->provider_id = sqlite3_column_int64(s, 13);
    if (!c->coverage_id)
        return rcm_error_set(err, RCM_ENOTFOUND, "claim %s: its coverage is not in the store", c->claim_no);
    sqlite3_reset(s);
    if ((rc = read_codes(cc, Q_CLAIM_DX, claim_id, c, err)) < 0)
        return rc;
    return read_codes(cc, Q_CLAIM_LINES, claim_id, c, err);
}

int cycle_claims_assemble(cycle_claims *cc, int64_t claim_id, rcm_claim *out, arena *mem, rcm_error *err)
{
    int rc = load_claim(cc, claim_id, &cc->src, err);
    if (rc < 0)
        return rc;
    return assemble(cc, &cc->src, out, mem, err);
}

int cycle_claim_assemble(rcm_cycle *cy, int64_t claim_id, rcm_claim *out, arena *mem, rcm_error *err)
{
    cycle_claims *cc = NULL;
    int rc = cycle_claims_open(cy, &cc, err);
    if (rc == 0)
        rc = cycle_claims_assemble(cc, claim_id, out, mem, err);
    cycle_claims_close(cc);
    return rc;
}

/* ---- the claim of an encounter, as the coder works ---- */

static int load_encounter(cycle_claims *cc, int64_t encounter_id, int64_t coverage_id, cl_src *c, rcm_error *err)
{
    sqlite3_stmt *s;
    int which = coverage_id ? Q_ENC_COVERAGE : Q_ENC_PRIMARY;
    int rc = stmt(cc, which, &s, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, encounter_id);
    if (coverage_id)
        sqlite3_bind_int64(s, 2, coverage_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
        return rcm_error_set(err, RCM_ENOTFOUND, "encounter #%lld: no such encounter", (long long)encounter_id);
    if (step != SQLITE_ROW)
        return store_sqlerr(cc->cy->st, err, "reading an encounter");
    src_reset(c);
    read_enc(s, 0, c);
    read_cov(s, N_ENC_COLS, c);
    sqlite3_reset(s);
    c->kind = c->enc_kind == 'I' ? 'I' : 'P';
    c->seq = c->cov_seq;
    return 0;
}

int cycle_encounter_claim(rcm_cycle *cy, int64_t encounter_id, rcm_claim *out, arena *mem, rcm_error *err)
{
    cycle_claims *cc = NULL;
    int rc = cycle_claims_open(cy, &cc, err);
    if (rc < 0)
        return rc;
    cl_src *c = &cc->src;
    if ((rc = load_encounter(cc, encounter_id, 0, c, err)) < 0 ||
        (rc = read_codes(cc, Q_ENC_DX, encounter_id, c, err)) < 0 ||
        (rc = read_codes(cc, Q_ENC_LINES, encounter_id, c, err)) < 0)
        goto done;
    /* the primary coverage billed on the date of service; none in force: no payer (the scrubber says so) */
    if (!in_force(c, c->enc_dos))
        c->coverage_id = c->payer_id = 0;
    c->seq = 'P';
    c->freq = '1';
    cstr_copy(c->claim_no, sizeof(c->claim_no), c->ext_id);
    claim_dates(c);
    if ((rc = price(cc, c, err)) < 0)
        goto done;
    rc = assemble(cc, c, out, mem, err);
done:
    cycle_claims_close(cc);
    return rc;
}

/* ---- writing a claim ---- */

/* The next claim number inside the caller's transaction (the counter moves with it). */
static int claim_number(cycle_claims *cc, char out[39], rcm_error *err)
{
    sqlite3_stmt *s;
    int rc = stmt(cc, Q_COUNTER_GET, &s, err);
    if (rc < 0)
        return rc;
    int64_t cur = 0;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        cur = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, "reading the claim counter");
    sqlite3_reset(s);
    if ((rc = stmt(cc, Q_COUNTER_SET, &s, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, cur + 1);
    if ((rc = store_step_done(cc->cy->st, s, "advancing the claim counter", err)) < 0)
        return rc;
    snprintf(out, 39, "C%09lld", (long long)(cur + 1));
    return 0;
}

/*
 * An event on the chained trail about s's claim (claim_id set) or its
 * encounter, inside the transaction; the patient and claim are known here,
 * so nothing is looked up, and the handle's statements are reused.
 */
static int audit(cycle_claims *cc, const char *action, const cl_src *s, const char *detail, rcm_error *err)
{
    return cycle_audit_full(cc->cy, action, "ok", s->claim_id ? "claim" : "encounter",
                            s->claim_id ? s->claim_id : s->encounter_id, s->patient_id, s->claim_id, detail, err);
}

static int work_add(cycle_claims *cc, const char *kind, int64_t claim_id, int64_t encounter_id, int64_t cents,
                    rcm_date due, const char *summary, rcm_error *err)
{
    int64_t id;
    sqlite3_stmt *s;
    int rc = next_id(cc, &cc->next_item, "work_item", "item_id", &id, err);
    if (rc < 0 || (rc = stmt(cc, Q_INS_WORK, &s, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, cc->practice_id);
    bind_text(s, 3, kind);
    bind_id(s, 4, claim_id);
    bind_id(s, 5, encounter_id);
    sqlite3_bind_int64(s, 6, cents);
    store_bind_date(s, 7, due);
    bind_text(s, 8, summary);
    sqlite3_bind_int64(s, 9, cc->cy->now);
    return store_step_done(cc->cy->st, s, "adding a work item", err);
}

/* A finding's line: its first line, 0 for the claim (as overrides are keyed). */
static uint32_t finding_line_no(const rcm_finding *f)
{
    return f->nlines ? f->lines[0] : 0;
}

void cycle_explain_unpriced(rcm_finding *f, const char *code, const char *mod, const char *rev)
{
    if (strcmp(f->rule, "SYN-008") != 0 || !f->nlines)
        return;
    unsigned ln = (unsigned)f->lines[0];
    if (!code[0]) {
        snprintf(f->message, sizeof(f->message), "line %u (revenue code %s): no procedure code to price from the"
                 " practice's fee schedule; the charge is 0.00", ln, rev);
        snprintf(f->hint, sizeof(f->hint), "code the service (CPT or HCPCS) so that the fee schedule prices it");
        return;
    }
    snprintf(f->message, sizeof(f->message), "line %u (%s): no fee for %s%s%s in the practice's fee schedule;"
             " the charge is 0.00", ln, code, code, mod[0] ? "-" : "", mod);
    snprintf(f->hint, sizeof(f->hint), "add the fee to the practice file and import it ('rcm practice import')");
}

/* Says why a line priced at 0 is: the fee schedule has no fee for it. */
static void explain_no_fee(const cl_src *s, rcm_finding *f)
{
    uint32_t ln = finding_line_no(f);
    if (ln < 1 || ln > s->n_lines || !s->lines[ln - 1].no_fee)
        return;
    const cl_line *l = &s->lines[ln - 1];
    cycle_explain_unpriced(f, l->code, l->mods[0], l->rev);
}

/*
 * Whether the coder overrode f (a coder-routed error) with a reason: such a
 * finding did not hold the claim, so it does not count against a clean claim.
 */
static int overridden(cycle_claims *cc, int64_t encounter_id, const rcm_finding *f, int *out, rcm_error *err)
{
    sqlite3_stmt *q;
    int rc = stmt(cc, Q_OVERRIDDEN, &q, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(q, 1, encounter_id);
    sqlite3_bind_text(q, 2, f->rule, -1, SQLITE_STATIC);
    sqlite3_bind_int64(q, 3, finding_line_no(f));
    int step = sqlite3_step(q);
    *out = step == SQLITE_ROW;
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_sqlerr(cc->cy->st, err, "reading overrides");
    sqlite3_reset(q);
    return rc;
}

typedef struct written {
    int held;
    size_t errors;
} written;

/*
 * Assembles and scrubs s (findings appended to fl), and judges it: held when
 * an error is routed to the biller; errors counts the error findings but
 * the coder-routed ones the coder overrode.
 */
static int judge(cycle_claims *cc, const cl_src *s, const rcm_scrub *scrub, rcm_findings *fl, arena *mem,
                 written *w, rcm_error *err)
{
    int rc;
    memset(w, 0, sizeof(*w));
    rcm_claim c;
    if ((rc = assemble(cc, s, &c, mem, err)) < 0)
        return rc;
    size_t n0 = fl->n;
    if (rcm_scrub_claim(scrub, &c, 0, fl) < 0)
        return rcm_error_set(err, RCM_ENOMEM, "claim %s: out of memory scrubbing it", s->claim_no);
    for (size_t i = n0; i < fl->n; i++) {
        rcm_finding *f = &fl->v[i];
        explain_no_fee(s, f);
        if (f->severity == RCM_SEV_ERROR) {
            if (f->route == RCM_ROUTE_BILLER)
                w->held = 1;
            int over = 0;
            if (f->route == RCM_ROUTE_CODER && (rc = overridden(cc, s->encounter_id, f, &over, err)) < 0)
                return rc;
            if (!over)
                w->errors++;
        }
    }
    return 0;
}

/* The claim's findings rows: fl from index n0 on. */
static int put_findings(cycle_claims *cc, const cl_src *s, const rcm_findings *fl, size_t n0, rcm_error *err)
{
    sqlite3_stmt *q;
    int rc;
    if (fl->n > n0 && (rc = stmt(cc, Q_INS_FINDING, &q, err)) < 0)
        return rc;
    for (size_t i = n0; i < fl->n; i++) {
        const rcm_finding *f = &fl->v[i];
        sqlite3_bind_int64(q, 1, s->claim_id);
        sqlite3_bind_int64(q, 2, (sqlite3_int64)(i - n0 + 1));
        bind_text(q, 3, f->rule);
        bind_text(q, 4, rcm_severity_name(f->severity));
        bind_text(q, 5, rcm_route_name(f->route));
        sqlite3_bind_int64(q, 6, finding_line_no(f));
        bind_text(q, 7, f->message);
        if ((rc = store_step_done(cc->cy->st, q, "writing a finding", err)) < 0)
            return rc;
    }
    return 0;
}

/* The charge row of line i (0-based) of s: its charge, owed by the payer billed, on its date of service. */
static int put_charge(cycle_claims *cc, const cl_src *s, uint32_t i, rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    const cl_line *l = &s->lines[i];
    sqlite3_stmt *q;
    int64_t entry;
    int rc = next_id(cc, &cc->next_entry, "ledger", "entry_id", &entry, err);
    if (rc < 0 || (rc = stmt(cc, Q_INS_LEDGER, &q, err)) < 0)
        return rc;
    sqlite3_bind_int64(q, 1, entry);
    sqlite3_bind_int64(q, 2, s->practice_id);
    sqlite3_bind_int64(q, 3, s->claim_id);
    sqlite3_bind_int64(q, 4, i + 1);
    sqlite3_bind_int64(q, 5, s->patient_id);
    sqlite3_bind_int64(q, 6, s->payer_id);
    sqlite3_bind_int64(q, 7, l->charge_cents);
    store_bind_date(q, 8, l->dos != RCM_DATE_NONE ? l->dos : s->dos_from);
    sqlite3_bind_int64(q, 9, cy->now);
    bind_text(q, 10, cy->user);
    return store_step_done(cy->st, q, "writing a charge", err);
}

/* The biller's item for held claim s: the rules that hold it (ids and codes only), due by the filing limit. */
static int hold_item(cycle_claims *cc, const cl_src *s, const rcm_findings *fl, size_t n0, rcm_error *err)
{
    const cl_payer *py = payer_of(cc, s->payer_id);
    rcm_buf *t = &cc->text;
    rcm_buf_reset(t);
    rcm_buf_addf(t, "claim %s held:", s->claim_no);
    int shown = 0;
    for (size_t i = n0; i < fl->n; i++) {
        const rcm_finding *f = &fl->v[i];
        if (f->severity != RCM_SEV_ERROR || f->route != RCM_ROUTE_BILLER)
            continue;
        if (shown == 5) {
            rcm_buf_adds(t, " ...");
            break;
        }
        rcm_buf_addf(t, "%s %s", shown ? "," : "", f->rule);
        if (f->nlines)
            rcm_buf_addf(t, " line %u", (unsigned)f->lines[0]);
        shown++;
    }
    char summary[160];
    cstr_copy(summary, sizeof(summary), rcm_buf_failed(t) ? "claim held by the scrubber" : t->ptr);
    rcm_date due = py && py->timely_days > 0 && s->dos_from != RCM_DATE_NONE
                       ? (rcm_date)(s->dos_from + py->timely_days)
                       : RCM_DATE_NONE;
    return work_add(cc, "scrub", s->claim_id, s->encounter_id, s->charge_cents, due, summary, err);
}

/*
 * Writes claim s (claim_no, kind, freq, seq, codes and charges set): assembles
 * and scrubs it (findings appended to fl from index n0), then the claim,
 * diagnosis, line, charge (when charge), finding, work item and audit rows.
 */
static int write_claim(cycle_claims *cc, cl_src *s, const rcm_scrub *scrub, int charge, rcm_findings *fl,
                       arena *mem, written *w, rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    int rc;
    memset(w, 0, sizeof(*w));
    if ((rc = next_id(cc, &cc->next_claim, "claim", "claim_id", &s->claim_id, err)) < 0)
        return rc;
    size_t n0 = fl->n;
    if ((rc = judge(cc, s, scrub, fl, mem, w, err)) < 0)
        return rc;
    const char *status = w->held ? "held" : "ready";

    sqlite3_stmt *q;
    if ((rc = stmt(cc, Q_INS_CLAIM, &q, err)) < 0)
        return rc;
    char kind[2] = { s->kind, 0 }, freq[2] = { s->freq, 0 }, seq[2] = { s->seq, 0 };
    sqlite3_bind_int64(q, 1, s->claim_id);
    sqlite3_bind_int64(q, 2, s->practice_id);
    bind_text(q, 3, s->claim_no);
    sqlite3_bind_int64(q, 4, s->encounter_id);
    sqlite3_bind_int64(q, 5, s->patient_id);
    sqlite3_bind_int64(q, 6, s->provider_id);
    sqlite3_bind_int64(q, 7, s->coverage_id);
    sqlite3_bind_int64(q, 8, s->payer_id);
    bind_text(q, 9, seq);
    bind_text(q, 10, kind);
    bind_text(q, 11, freq);
    bind_id(q, 12, s->original_claim_id);
    bind_id(q, 13, s->primary_claim_id);
    bind_text(q, 14, s->original_icn);
    bind_text(q, 15, status);
    sqlite3_bind_int64(q, 16, s->charge_cents);
    store_bind_date(q, 17, s->dos_from);
    store_bind_date(q, 18, s->dos_to);
    sqlite3_bind_int64(q, 19, (sqlite3_int64)w->errors);
    bind_text(q, 20, s->coded_by);
    sqlite3_bind_int64(q, 21, cy->now);
    bind_text(q, 22, cy->user);
    if ((rc = store_step_done(cy->st, q, "writing a claim", err)) < 0) {
        if (sqlite3_extended_errcode(cycle_db(cy)) == SQLITE_CONSTRAINT_UNIQUE)
            rc = rcm_error_set(err, RCM_EEXIST, "claim number %s is already taken", s->claim_no);
        return rc;
    }

    if ((rc = stmt(cc, Q_INS_DX, &q, err)) < 0)
        return rc;
    for (uint32_t i = 0; i < s->n_dx; i++) {
        sqlite3_bind_int64(q, 1, s->claim_id);
        sqlite3_bind_int64(q, 2, i + 1);
        bind_text(q, 3, s->dx[i]);
        if ((rc = store_step_done(cy->st, q, "writing a claim diagnosis", err)) < 0)
            return rc;
    }
    if ((rc = stmt(cc, Q_INS_LINE, &q, err)) < 0)
        return rc;
    for (uint32_t i = 0; i < s->n_lines; i++) {
        const cl_line *l = &s->lines[i];
        sqlite3_bind_int64(q, 1, s->claim_id);
        sqlite3_bind_int64(q, 2, i + 1);
        bind_text(q, 3, l->code);
        for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++)
            bind_text(q, 4 + k, l->mods[k]);
        sqlite3_bind_int64(q, 8, l->units_milli);
        sqlite3_bind_int64(q, 9, l->charge_cents);
        for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++)
            sqlite3_bind_int(q, 10 + k, l->ptrs[k]);
        store_bind_date(q, 14, l->dos);
        bind_text(q, 15, l->rev);
        if ((rc = store_step_done(cy->st, q, "writing a claim line", err)) < 0)
            return rc;
    }
    /* one charge row per priced line */
    for (uint32_t i = 0; charge && i < s->n_lines; i++)
        if (s->lines[i].charge_cents && (rc = put_charge(cc, s, i, err)) < 0)
            return rc;
    if ((rc = put_findings(cc, s, fl, n0, err)) < 0)
        return rc;
    if (w->held && (rc = hold_item(cc, s, fl, n0, err)) < 0)
        return rc;

    const cl_payer *py = payer_of(cc, s->payer_id);
    rcm_buf *t = &cc->text;
    rcm_buf_reset(t);
    rcm_buf_addf(t, "claim %s encounter %lld payer %s seq %c kind %c freq %c lines %u charge ", s->claim_no,
                 (long long)s->encounter_id, py ? py->code : "", s->seq, s->kind, s->freq, (unsigned)s->n_lines);
    change_cents(t, s->charge_cents);
    rcm_buf_addf(t, " %s, %zu error%s", status, w->errors, w->errors == 1 ? "" : "s");
    if (s->original_claim_id)
        rcm_buf_addf(t, ", replaces claim %lld", (long long)s->original_claim_id);
    if (s->primary_claim_id)
        rcm_buf_addf(t, ", follows claim %lld", (long long)s->primary_claim_id);
    return audit(cc, cc->action, s, rcm_buf_failed(t) ? "" : t->ptr, err);
}

/* ---- cycle_claim_create ---- */

static int spec_check(const cycle_claim_new *spec, rcm_error *err)
{
    if (spec->n_lines < 1 || spec->n_lines > RCM_CLAIM_MAX_LINES_I || !spec->lines)
        return rcm_error_set(err, RCM_EINVAL, "encounter #%lld: a claim needs 1 to %d lines, not %u",
                             (long long)spec->encounter_id, RCM_CLAIM_MAX_LINES_I, (unsigned)spec->n_lines);
    if (spec->n_dx > RCM_CLAIM_MAX_DX)
        return rcm_error_set(err, RCM_EINVAL, "encounter #%lld: %u diagnoses, at most %d",
                             (long long)spec->encounter_id, (unsigned)spec->n_dx, RCM_CLAIM_MAX_DX);
    char f = spec->freq ? spec->freq : '1';
    if (f != '1' && f != '7' && f != '8')
        return rcm_error_set(err, RCM_EINVAL, "frequency '%c': 1, 7 or 8", f);
    if ((f == '7' || f == '8') && !spec->original_claim_id)
        return rcm_error_set(err, RCM_EINVAL, "frequency %c without the claim it replaces", f);
    return 0;
}

static int create(cycle_claims *cc, const cycle_claim_new *spec, int64_t *claim_id, rcm_findings *findings,
                  rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    const rcm_scrub *scrub = NULL;
    int rc = spec_check(spec, err);
    if (rc < 0 || (rc = cycle_scrubber(cy, &scrub, err)) < 0)
        return rc;
    cl_src *s = &cc->src;
    if ((rc = load_encounter(cc, spec->encounter_id, spec->coverage_id, s, err)) < 0)
        return rc;
    if (!s->coverage_id)
        return rcm_error_set(err, RCM_ENOTFOUND, "encounter %s: coverage %lld is not the patient's", s->ext_id,
                             (long long)spec->coverage_id);
    s->freq = spec->freq ? spec->freq : '1';
    s->original_claim_id = spec->original_claim_id;
    s->primary_claim_id = spec->primary_claim_id;
    cstr_copy(s->original_icn, sizeof(s->original_icn), spec->original_icn);
    s->n_dx = spec->n_dx;
    for (uint32_t i = 0; i < spec->n_dx; i++)
        cstr_copy(s->dx[i], sizeof(s->dx[i]), spec->dx[i]);
    for (uint32_t i = 0; i < spec->n_lines; i++) {
        const cycle_line *sl = &spec->lines[i];
        cl_line *l = src_line(s, err);
        if (!l)
            return RCM_ENOMEM;
        cstr_copy(l->code, sizeof(l->code), sl->code);
        memcpy(l->mods, sl->mods, sizeof(l->mods));
        for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++)
            l->mods[k][2] = '\0';
        l->units_milli = sl->units_milli;
        l->charge_cents = sl->charge_cents;
        memcpy(l->ptrs, sl->ptrs, sizeof(l->ptrs));
        l->dos = sl->dos != RCM_DATE_NONE ? sl->dos : s->enc_dos;
        cstr_copy(l->rev, sizeof(l->rev), sl->rev_code);
    }
    claim_dates(s);
    if ((rc = price(cc, s, err)) < 0)
        return rc;
    if (spec->claim_no[0])
        cstr_copy(s->claim_no, sizeof(s->claim_no), spec->claim_no);
    else if ((rc = claim_number(cc, s->claim_no, err)) < 0)
        return rc;
    rcm_findings local;
    rcm_findings_init(&local);
    rcm_findings *fl = findings ? findings : &local;
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    written w;
    rc = write_claim(cc, s, scrub, spec->charge, fl, &mem, &w, err);
    arena_release(&mem);
    rcm_findings_release(&local);
    if (rc == 0 && claim_id)
        *claim_id = s->claim_id;
    return rc;
}

int cycle_claim_create(rcm_cycle *cy, const cycle_claim_new *spec, int64_t *claim_id, rcm_findings *findings,
                       rcm_error *err)
{
    cycle_claims *cc = NULL;
    int rc = cycle_claims_open(cy, &cc, err);
    if (rc < 0)
        return rc;
    if ((rc = rcm_store_begin(cy->st, err)) == 0) {
        rc = create(cc, spec, claim_id, findings, err);
        if (rc == 0)
            rc = rcm_store_commit(cy->st, err);
        else
            rcm_store_rollback(cy->st);
    }
    cycle_claims_close(cc);
    return rc;
}

/* ---- rcm_claims_build ---- */

/* How many signed-off encounters without a claim have a primary coverage in force: the numbers to take. */
static int count_billable(rcm_cycle *cy, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM encounter e WHERE e.status = 'signed'"
                           " AND NOT EXISTS (SELECT 1 FROM claim c WHERE c.encounter_id = e.encounter_id)"
                           " AND EXISTS (SELECT 1 FROM coverage v WHERE v.patient_id = e.patient_id"
                           " AND v.seq = 'P' AND " IN_FORCE ")",
                           err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "counting encounters to bill");
    sqlite3_finalize(s);
    return rc;
}

/* A signed-off encounter without a primary coverage in force: one open biller item says so. */
static int no_coverage(cycle_claims *cc, const cl_src *s, rcm_error *err)
{
    sqlite3_stmt *q;
    int rc = stmt(cc, Q_WORK_OPEN, &q, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(q, 1, s->encounter_id);
    bind_text(q, 2, "coverage");
    if (sqlite3_step(q) != SQLITE_ROW)
        return store_sqlerr(cc->cy->st, err, "reading work items");
    int open = sqlite3_column_int(q, 0) > 0;
    sqlite3_reset(q);
    if (open)
        return 0;
    if ((rc = load_practice(cc, s->practice_id, err)) < 0)
        return rc;
    char summary[160], day[11];
    snprintf(summary, sizeof(summary), "encounter %.40s: no coverage in force on %s; add it, then build claims",
             s->ext_id, datestr(day, s->enc_dos));
    if ((rc = work_add(cc, "coverage", 0, s->encounter_id, 0, RCM_DATE_NONE, summary, err)) < 0)
        return rc;
    snprintf(summary, sizeof(summary), "no coverage in force on %s; work item added", day);
    return audit(cc, "no-coverage", s, summary, err);
}

static int build(cycle_claims *cc, int64_t first_no, int64_t n_numbers, rcm_build_report *rep, rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    const rcm_scrub *scrub = NULL;
    int rc = cycle_scrubber(cy, &scrub, err);
    if (rc < 0)
        return rc;
    rcm_findings fl;
    rcm_findings_init(&fl);
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    int64_t used = 0, first_claim = 0;
    sqlite3_stmt *todo = NULL;
    stream dxs = { .which = Q_TODO_DX }, lns = { .which = Q_TODO_LINES };
    if ((rc = stmt(cc, Q_TODO, &todo, err)) < 0)
        goto done;
    cl_src *s = &cc->src;
    int step;
    while ((step = sqlite3_step(todo)) == SQLITE_ROW) {
        src_reset(s);
        read_enc(todo, 0, s);
        read_cov(todo, N_ENC_COLS, s);
        if (!in_force(s, s->enc_dos)) {
            if ((rc = no_coverage(cc, s, err)) < 0)
                goto done;
            rep->uncovered++;
            continue;
        }
        if (used == n_numbers)
            continue;   /* signed off since the numbers were taken: the next build bills it */
        s->kind = s->enc_kind == 'I' ? 'I' : 'P';
        s->seq = s->cov_seq;
        s->freq = '1';
        if ((rc = stream_codes(cc, &dxs, &lns, s, err)) < 0)
            goto done;
        claim_dates(s);
        if ((rc = price(cc, s, err)) < 0)
            goto done;
        if (first_no)
            snprintf(s->claim_no, sizeof(s->claim_no), "C%09lld", (long long)(first_no + used));
        else if ((rc = claim_number(cc, s->claim_no, err)) < 0)
            goto done;
        used++;
        arena_reset(&mem);
        rcm_findings_reset(&fl);
        written w;
        if ((rc = write_claim(cc, s, scrub, 1, &fl, &mem, &w, err)) < 0)
            goto done;
        if (!first_claim)
            first_claim = s->claim_id;
        rep->encounters++;
        rep->claims++;
        if (w.held)
            rep->held++;
        else
            rep->ready++;
        rep->lines += s->n_lines;
        rep->charge_cents += s->charge_cents;
    }
    if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading encounters to bill");
        goto done;
    }
    sqlite3_reset(todo);
    if (first_claim) {
        sqlite3_stmt *q;
        if ((rc = stmt(cc, Q_BILLED, &q, err)) < 0)
            goto done;
        sqlite3_bind_int64(q, 1, first_claim);
        rc = store_step_done(cy->st, q, "marking encounters billed", err);
    }
done:
    if (todo)
        sqlite3_reset(todo);
    if (dxs.s)
        sqlite3_reset(dxs.s);
    if (lns.s)
        sqlite3_reset(lns.s);
    rcm_findings_release(&fl);
    arena_release(&mem);
    return rc;
}

int rcm_claims_build(rcm_cycle *cy, rcm_build_report *out, rcm_error *err)
{
    rcm_build_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int64_t n = 0, first = 0;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_BUILD, err);
    if (rc < 0 || (rc = count_billable(cy, &n, err)) < 0)
        return rc;
    /* the claim numbers, committed before the claims are (never reused); inside a caller's
       transaction they are taken with it instead */
    int in_tx = rcm_store_in_transaction(cy->st) > 0;
    if (n > 0 && !in_tx && (rc = cycle_counter_take(cy, "claim", n, &first, err)) < 0)
        return rc;
    if (first + n - 1 > INT64_C(999999999))
        return rcm_error_set(err, RCM_ELIMIT, "claim numbers run out past C999999999");
    cycle_claims *cc = NULL;
    if ((rc = cycle_claims_open(cy, &cc, err)) < 0)
        return rc;
    cc->action = "build";
    if ((rc = rcm_store_begin(cy->st, err)) < 0) {
        cycle_claims_close(cc);
        return rc;
    }
    rc = build(cc, in_tx ? 0 : first, in_tx ? INT64_MAX : n, &rep, err);
    if (rc == 0)
        rc = rcm_store_commit(cy->st, err);
    else
        rcm_store_rollback(cy->st);
    cycle_claims_close(cc);
    if (rc == 0 && out)
        *out = rep;
    return rc;
}

/* ---- rcm_claims_recheck ---- */

/*
 * Prices again, from the fee schedule as it is now, the lines of s charged
 * 0 (no fee when it was built): those a fee now prices are marked repriced.
 * *n how many.
 */
static int reprice(cycle_claims *cc, cl_src *s, uint32_t *n, rcm_error *err)
{
    *n = 0;
    for (uint32_t i = 0; i < s->n_lines; i++) {
        cl_line *l = &s->lines[i];
        l->repriced = l->charge_cents == 0;
        if (l->repriced)
            l->charge_cents = -1;   /* unknown: price() takes it from the schedule */
    }
    int rc = price(cc, s, err);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < s->n_lines; i++) {
        cl_line *l = &s->lines[i];
        l->repriced = l->repriced && !l->no_fee && l->charge_cents > 0;
        /* a fee of 0 (or no units) prices a line at 0 as before: nothing to write */
        if (l->repriced)
            (*n)++;
    }
    return 0;
}

/* The claim's open scrub or rejection items: closed (it is ready), or one added when none is open (held). */
static int recheck_items(cycle_claims *cc, const cl_src *s, int held, const rcm_findings *fl, size_t n0,
                         rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    sqlite3_stmt *q;
    int rc;
    if (!held) {
        if ((rc = stmt(cc, Q_CLOSE_WORK, &q, err)) < 0)
            return rc;
        sqlite3_bind_int64(q, 1, cy->now);
        bind_text(q, 2, cy->user);
        sqlite3_bind_int64(q, 3, s->claim_id);
        return store_step_done(cy->st, q, "closing the claim's work items", err);
    }
    if ((rc = stmt(cc, Q_CLAIM_WORK_OPEN, &q, err)) < 0)
        return rc;
    sqlite3_bind_int64(q, 1, s->claim_id);
    if (sqlite3_step(q) != SQLITE_ROW)
        return store_sqlerr(cy->st, err, "reading work items");
    int open = sqlite3_column_int(q, 0) > 0;
    sqlite3_reset(q);
    return open ? 0 : hold_item(cc, s, fl, n0, err);
}

/*
 * The audit detail of a recheck: the claim, its status and charge before ->
 * after, the lines repriced and the rule ids still holding it.
 */
static const char *recheck_detail(cycle_claims *cc, const cl_src *s, const char *was, const char *now,
                                  int64_t charge_was, uint32_t repriced, const rcm_findings *fl, size_t n0)
{
    rcm_buf *t = &cc->text;
    rcm_buf_reset(t);
    rcm_buf_addf(t, "claim %s: status %s -> %s; charge ", s->claim_no, was, now);
    change_cents(t, charge_was);
    rcm_buf_adds(t, " -> ");
    change_cents(t, s->charge_cents);
    rcm_buf_addf(t, "; %u line%s repriced", (unsigned)repriced, repriced == 1 ? "" : "s");
    for (uint32_t i = 0; i < s->n_lines; i++)
        if (s->lines[i].repriced) {
            rcm_buf_addf(t, " (line %u ", (unsigned)(i + 1));
            change_cents(t, 0);
            rcm_buf_adds(t, " -> ");
            change_cents(t, s->lines[i].charge_cents);
            rcm_buf_addc(t, ')');
        }
    int shown = 0;
    for (size_t i = n0; i < fl->n; i++) {
        const rcm_finding *f = &fl->v[i];
        if (f->severity == RCM_SEV_ERROR && f->route == RCM_ROUTE_BILLER)
            rcm_buf_addf(t, "%s%s", shown++ ? "," : "; held by ", f->rule);
    }
    return rcm_buf_failed(t) ? "" : t->ptr;
}

/*
 * Rechecks one claim (explicit: named by the caller, so a claim in another
 * status is refused; else it is skipped). Findings go to fl (reset here).
 */
static int recheck_one(cycle_claims *cc, const rcm_scrub *scrub, int64_t claim_id, int explicit, rcm_findings *fl,
                       arena *mem, rcm_build_report *rep, rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    cl_src *s = &cc->src;
    int rc = load_claim(cc, claim_id, s, err);
    if (rc < 0)
        return rc;
    if (strcmp(s->status, "held") != 0 && strcmp(s->status, "rejected") != 0) {
        if (!explicit)
            return 0;
        return rcm_error_set(err, RCM_EDENIED, "claim %s: status %s; only held or rejected claims are rechecked",
                             s->claim_no, s->status);
    }
    char was[12];
    cstr_copy(was, sizeof(was), s->status);
    int64_t charge_was = s->charge_cents;
    uint32_t repriced = 0;
    if ((rc = reprice(cc, s, &repriced, err)) < 0)
        return rc;
    arena_reset(mem);
    rcm_findings_reset(fl);
    written w;
    if ((rc = judge(cc, s, scrub, fl, mem, &w, err)) < 0)
        return rc;
    sqlite3_stmt *q;
    /* the new charges: the line, and for an original claim its charge row (charges equal the lines) */
    int original = s->freq == '1' && !s->primary_claim_id && !s->original_claim_id;
    for (uint32_t i = 0; i < s->n_lines; i++) {
        if (!s->lines[i].repriced)
            continue;
        if ((rc = stmt(cc, Q_UPD_LINE, &q, err)) < 0)
            return rc;
        sqlite3_bind_int64(q, 1, s->lines[i].charge_cents);
        sqlite3_bind_int64(q, 2, s->claim_id);
        sqlite3_bind_int64(q, 3, i + 1);
        if ((rc = store_step_done(cy->st, q, "repricing a claim line", err)) < 0)
            return rc;
        if (original && (rc = put_charge(cc, s, i, err)) < 0)
            return rc;
    }
    if ((rc = stmt(cc, Q_DEL_FINDINGS, &q, err)) < 0)
        return rc;
    sqlite3_bind_int64(q, 1, s->claim_id);
    if ((rc = store_step_done(cy->st, q, "clearing a claim's findings", err)) < 0 ||
        (rc = put_findings(cc, s, fl, 0, err)) < 0)
        return rc;
    const char *status = w.held ? "held" : "ready";
    if ((rc = stmt(cc, Q_UPD_CLAIM, &q, err)) < 0)
        return rc;
    bind_text(q, 1, status);
    sqlite3_bind_int64(q, 2, s->charge_cents);
    sqlite3_bind_int64(q, 3, (sqlite3_int64)w.errors);
    sqlite3_bind_int64(q, 4, s->claim_id);
    if ((rc = store_step_done(cy->st, q, "updating a claim", err)) < 0 ||
        (rc = recheck_items(cc, s, w.held, fl, 0, err)) < 0)
        return rc;
    if ((rc = audit(cc, "recheck", s, recheck_detail(cc, s, was, status, charge_was, repriced, fl, 0), err)) < 0)
        return rc;
    rep->claims++;
    if (w.held)
        rep->held++;
    else
        rep->ready++;
    rep->lines += repriced;
    for (uint32_t i = 0; i < s->n_lines; i++)
        if (s->lines[i].repriced)
            rep->charge_cents += s->lines[i].charge_cents;
    return 0;
}

/* The claims stopped before adjudication (held or rejected), in claim id order; free(*out). */
static int stopped_claims(cycle_claims *cc, int64_t **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *q;
    int rc = stmt(cc, Q_RECHECK_ALL, &q, err), step;
    if (rc < 0)
        return rc;
    size_t cap = 0;
    while ((step = sqlite3_step(q)) == SQLITE_ROW) {
        if (grow((void **)out, *n, &cap, sizeof(**out)) < 0) {
            sqlite3_reset(q);
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        }
        (*out)[(*n)++] = sqlite3_column_int64(q, 0);
    }
    sqlite3_reset(q);
    if (step != SQLITE_DONE)
        return store_sqlerr(cc->cy->st, err, "reading held and rejected claims");
    return 0;
}

int rcm_claims_recheck(rcm_cycle *cy, int64_t claim_id, rcm_build_report *out, rcm_error *err)
{
    rcm_build_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_BUILD, err);
    if (rc < 0)
        return rc;
    if (claim_id < 0)
        return rcm_error_set(err, RCM_EINVAL, "claim #%lld: no such claim", (long long)claim_id);
    const rcm_scrub *scrub = NULL;
    if ((rc = cycle_scrubber(cy, &scrub, err)) < 0)
        return rc;
    cycle_claims *cc = NULL;
    if ((rc = cycle_claims_open(cy, &cc, err)) < 0)
        return rc;
    rcm_findings fl;
    rcm_findings_init(&fl);
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    int64_t *ids = NULL;
    size_t n = 0;
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    if (claim_id)
        rc = recheck_one(cc, scrub, claim_id, 1, &fl, &mem, &rep, err);
    else if ((rc = stopped_claims(cc, &ids, &n, err)) == 0)
        for (size_t i = 0; i < n && rc == 0; i++)
            rc = recheck_one(cc, scrub, ids[i], 0, &fl, &mem, &rep, err);
    if (rc == 0)
        rc = rcm_store_commit(cy->st, err);
    else
        rcm_store_rollback(cy->st);
done:
    free(ids);
    arena_release(&mem);
    rcm_findings_release(&fl);
    cycle_claims_close(cc);
    if (rc == 0 && out)
        *out = rep;
    return rc;
}

/* ---- finding and showing a claim ---- */

int rcm_claim_find(rcm_cycle *cy, const char *ref, int64_t *out, rcm_error *err)
{
    *out = 0;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_READ, err);
    if (rc < 0)
        return rc;
    if (!ref || !*ref)
        return rcm_error_set(err, RCM_EINVAL, "no claim given");
    sqlite3_stmt *s = NULL;
    int by_id = ref[0] == '#';
    int64_t id = 0;
    if (by_id) {
        uint64_t v = 0;
        if (rcm_uint_parse(&v, rcm_str_c(ref + 1)) < 0 || v == 0 || v > INT64_MAX)
            return rcm_error_set(err, RCM_EINVAL, "claim '%.40s': #N needs a claim id", ref);
        id = (int64_t)v;
    }
    rc = store_prepare(cy->st, &s,
                       by_id ? "SELECT claim_id FROM claim WHERE claim_id = ?"
                             : "SELECT claim_id FROM claim WHERE claim_no = ?",
                       err);
    if (rc < 0)
        return rc;
    if (by_id)
        sqlite3_bind_int64(s, 1, id);
    else
        bind_text(s, 1, ref);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "claim '%.40s': no such claim", ref);
    else
        rc = store_sqlerr(cy->st, err, "finding a claim");
    sqlite3_finalize(s);
    return rc;
}

/* Adds the ledger balance of each party owing on the claim: {"MCR": 21500, "patient": 0}. */
static int show_balances(rcm_cycle *cy, int64_t claim_id, json_t *o, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT l.payer_id IS NULL, COALESCE(p.code, ''), SUM(l.amount_cents) FROM ledger l"
                           " LEFT JOIN payer p ON p.payer_id = l.payer_id WHERE l.claim_id = ?"
                           " GROUP BY l.payer_id, p.code ORDER BY l.payer_id IS NULL, l.payer_id",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    json_t *b = json_object();
    int64_t total = 0;
    int step;
    while (b && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *party = sqlite3_column_int(s, 0) ? "patient" : (const char *)sqlite3_column_text(s, 1);
        int64_t v = sqlite3_column_int64(s, 2);
        total += v;
        if (json_object_set_new(b, party ? party : "", json_integer(v)) < 0)
            step = SQLITE_NOMEM;
    }
    if (!b || step == SQLITE_NOMEM)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the ledger");
    sqlite3_finalize(s);
    if (rc == 0 && (json_object_set_new(o, "balance_cents", json_integer(total)) < 0 ||
                    json_object_set(o, "balances", b) < 0))
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    json_decref(b);
    return rc;
}

static int show_findings(rcm_cycle *cy, int64_t claim_id, json_t *o, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT rule_id, severity, route, line_no, message FROM claim_finding"
                           " WHERE claim_id = ? ORDER BY seq",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    json_t *a = json_array();
    int step = SQLITE_NOMEM;
    while (a && (step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *f = json_pack("{s:s, s:s, s:s, s:I, s:s}", "rule", (const char *)sqlite3_column_text(s, 0),
                              "severity", (const char *)sqlite3_column_text(s, 1), "route",
                              (const char *)sqlite3_column_text(s, 2), "line", (json_int_t)sqlite3_column_int64(s, 3),
                              "message", (const char *)sqlite3_column_text(s, 4));
        if (!f || json_array_append_new(a, f) < 0) {
            step = SQLITE_NOMEM;
            break;
        }
    }
    if (!a || step == SQLITE_NOMEM)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading findings");
    sqlite3_finalize(s);
    if (rc == 0 && json_object_set(o, "findings", a) < 0)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    json_decref(a);
    return rc;
}

/* The claim number of claim id (for "replaces" and "follows"), '' when none. */
static int claim_no_of(rcm_cycle *cy, int64_t id, char out[39], rcm_error *err)
{
    out[0] = '\0';
    if (!id)
        return 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT claim_no FROM claim WHERE claim_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW)
        col_str(s, 0, out, 39);
    sqlite3_finalize(s);
    return 0;
}

static int cycle_facts(cycle_claims *cc, const cl_src *s, json_t **out, rcm_error *err)
{
    rcm_cycle *cy = cc->cy;
    const cl_payer *py = payer_of(cc, s->payer_id);
    char kind[2] = { s->kind, 0 }, freq[2] = { s->freq, 0 }, seq[2] = { s->seq, 0 };
    char orig[39], prim[39], from[11], to[11];
    int rc = claim_no_of(cy, s->original_claim_id, orig, err);
    if (rc < 0 || (rc = claim_no_of(cy, s->primary_claim_id, prim, err)) < 0)
        return rc;
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "claim_id",
                          (json_int_t)s->claim_id, "claim_no", s->claim_no, "status", s->status, "encounter",
                          s->ext_id, "payer", py ? py->code : "", "seq", seq, "kind", kind, "freq", freq,
                          "coded_by", s->coded_by, "charge_cents", (json_int_t)s->charge_cents, "dos_from",
                          datestr(from, s->dos_from), "dos_to", datestr(to, s->dos_to), "replaces", orig,
                          "follows", prim);
    if (!o)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    if ((rc = show_balances(cy, s->claim_id, o, err)) < 0 || (rc = show_findings(cy, s->claim_id, o, err)) < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

int rcm_claim_show(rcm_cycle *cy, int64_t claim_id, json_t **out, rcm_error *err)
{
    *out = NULL;
    cycle_claims *cc = NULL;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_READ, err);
    if (rc < 0 || (rc = cycle_claims_open(cy, &cc, err)) < 0)
        return rc;
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    rcm_claim c;
    json_t *j = NULL, *facts = NULL;
    if ((rc = cycle_claims_assemble(cc, claim_id, &c, &mem, err)) < 0)
        goto done;
    if (!(j = rcm_claim_to_json(&c))) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = cycle_facts(cc, &cc->src, &facts, err)) < 0)
        goto done;
    if (json_object_set_new(j, "cycle", facts) < 0) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        goto done;
    }
done:
    arena_release(&mem);
    cycle_claims_close(cc);
    /* the read is on the trail before the caller sees the claim */
    if (rc == 0)
        rc = cycle_audit_read(cy, "claim", claim_id, "claim show", err);
    if (rc == 0) {
        *out = j;
        j = NULL;
    }
    json_decref(j);
    return rc;
}

/* ---- listing claims ---- */

static int status_known(const char *s)
{
    static const char *const all[] = { "held", "ready", "submitted", "accepted", "rejected", "paid", "partial",
                                       "denied", "replaced", "void", "closed" };
    for (size_t i = 0; i < ARRAY_SIZE(all); i++)
        if (strcmp(s, all[i]) == 0)
            return 1;
    return 0;
}

int rcm_claims_list(rcm_cycle *cy, const char *status, const char *payer, rcm_claim_item **out, size_t *n,
                    rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_READ, err);
    if (rc < 0)
        return rc;
    if (status && !status_known(status))
        return rcm_error_set(err, RCM_EINVAL, "status '%.20s': held, ready, submitted, accepted, rejected, paid,"
                             " partial, denied, replaced, void or closed", status);
    sqlite3_stmt *s = NULL;
    if (payer) {
        rc = store_prepare(cy->st, &s, "SELECT COUNT(*) FROM payer WHERE code = ?", err);
        if (rc < 0)
            return rc;
        bind_text(s, 1, payer);
        int found = sqlite3_step(s) == SQLITE_ROW && sqlite3_column_int(s, 0) > 0;
        sqlite3_finalize(s);
        if (!found)
            return rcm_error_set(err, RCM_ENOTFOUND, "payer '%.23s': not in the practice file", payer);
    }
    rc = store_prepare(cy->st, &s,
                       "SELECT c.claim_id, c.claim_no, e.ext_id, p.code, c.seq, c.kind, c.freq, c.status,"
                       " c.dos_from, c.charge_cents,"
                       " (SELECT COALESCE(SUM(l.amount_cents), 0) FROM ledger l WHERE l.claim_id = c.claim_id),"
                       " c.scrub_errors FROM claim c JOIN encounter e ON e.encounter_id = c.encounter_id"
                       " JOIN payer p ON p.payer_id = c.payer_id"
                       " WHERE (?1 IS NULL OR c.status = ?1) AND (?2 IS NULL OR p.code = ?2) ORDER BY c.claim_id",
                       err);
    if (rc < 0)
        return rc;
    if (status)
        bind_text(s, 1, status);
    if (payer)
        bind_text(s, 2, payer);
    rcm_claim_item *v = NULL;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (grow((void **)&v, *n, &cap, sizeof(*v)) < 0) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        rcm_claim_item *it = &v[(*n)++];
        memset(it, 0, sizeof(*it));
        it->claim_id = sqlite3_column_int64(s, 0);
        col_str(s, 1, it->claim_no, sizeof(it->claim_no));
        col_str(s, 2, it->encounter, sizeof(it->encounter));
        col_str(s, 3, it->payer, sizeof(it->payer));
        it->seq = col_chr(s, 4);
        it->kind = col_chr(s, 5);
        it->freq = col_chr(s, 6);
        col_str(s, 7, it->status, sizeof(it->status));
        it->dos = store_column_date(s, 8);
        it->charge_cents = sqlite3_column_int64(s, 9);
        it->balance_cents = sqlite3_column_int64(s, 10);
        it->errors = (long)sqlite3_column_int64(s, 11);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing claims");
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "claims list status=%s payer=%s rows=%zu", status ? status : "any",
                 payer ? payer : "any", *n);
        rc = cycle_audit_read(cy, "", 0, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}
