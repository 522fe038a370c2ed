/*
 * Coordination of benefits: secondary claims and the primary payer's
 * adjudication they carry (837 loops 2320/2330A/2330B and 2430).
 *
 * The adjudication comes from what posting stored for the primary claim's
 * latest remittance that was not reversed: remit_claim (CLP04 paid, CLP07
 * payer claim number), remit_line (SVC03 paid, units) and the payer's side of
 * its ledger rows (adjustments and transfers, with their CAS group and
 * reason) plus its denial rows (amounts left open on the payer). What the
 * guide requires to balance, and what is checked here before anything is
 * written:
 *   each line     SV102 - sum(2430 CAS) = SVD02
 *   the claim     CLM02 - sum(2320 CAS) - sum(2430 CAS) = AMT*D (CLP04)
 * AMT*EAF is the primary's patient responsibility (the PR-group amounts).
 *
 * Secondary claim line N is primary claim line N: rcm_cob_build copies the
 * primary's lines (codes, units, charges, dates) in order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/denial.h"
#include "denial_internal.h"
#include "../util/banned.h"

/* The posted remittance a secondary claim reports. */
typedef struct cob_remit {
    int64_t remit_claim_id;
    int64_t paid_cents;
    char payer_icn[51];
    rcm_date adjudicated;
} cob_remit;

static int latest_remit(rcm_cycle *cy, const denial_claim *pc, cob_remit *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    /* Not a reversal (CLP02 22) and none of its rows reversed since. */
    int rc = store_prepare(cy->st, &s,
                           "SELECT rc.remit_claim_id, rc.paid_cents, rc.payer_icn,"
                           " COALESCE(r.payment_date, r.posted_at / 86400)"
                           " FROM remit_claim rc JOIN remit r ON r.remit_id = rc.remit_id"
                           " WHERE rc.claim_id = ? AND rc.status <> '22' AND NOT EXISTS"
                           " (SELECT 1 FROM ledger l JOIN ledger x ON x.reverses = l.entry_id"
                           "  WHERE l.remit_claim_id = rc.remit_claim_id)"
                           " ORDER BY rc.remit_claim_id DESC LIMIT 1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, pc->claim_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->remit_claim_id = sqlite3_column_int64(s, 0);
        out->paid_cents = sqlite3_column_int64(s, 1);
        cstr_copy(out->payer_icn, sizeof(out->payer_icn), (const char *)sqlite3_column_text(s, 2));
        out->adjudicated = (rcm_date)sqlite3_column_int64(s, 3);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "primary claim %s: no posted remittance to report", pc->claim_no);
    } else {
        rc = store_sqlerr(cy->st, err, "reading the primary claim's remittance");
    }
    sqlite3_finalize(s);
    return rc;
}

/* The primary payer (2330B) and subscriber (2330A), SBR fields of 2320. */
static int fill_parties(rcm_cycle *cy, const denial_claim *pc, rcm_other_payer *o, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT p.name, p.payer_ext_id, p.filing, v.member_id, v.group_no, v.group_name,"
                           " v.relation, v.sub_last, v.sub_first, v.sub_addr1, v.sub_city, v.sub_state, v.sub_zip,"
                           " t.last, t.first, t.middle, t.addr1, t.addr2, t.city, t.state, t.zip"
                           " FROM claim c JOIN payer p ON p.payer_id = c.payer_id"
                           " JOIN coverage v ON v.coverage_id = c.coverage_id"
                           " JOIN patient t ON t.patient_id = c.patient_id WHERE c.claim_id = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, pc->claim_id);
    int step = sqlite3_step(s);
    if (step != SQLITE_ROW) {
        rc = step == SQLITE_DONE ? rcm_error_set(err, RCM_ENOTFOUND, "primary claim %s: its payer or coverage is"
                                                 " missing", pc->claim_no)
                                 : store_sqlerr(cy->st, err, "reading the primary payer");
        sqlite3_finalize(s);
        return rc;
    }
#define COL(i) ((const char *)sqlite3_column_text(s, (i)))
    rcm_party *py = &o->payer;
    py->present = 1;
    cstr_copy(py->entity, sizeof(py->entity), "PR");
    py->type = '2';
    cstr_copy(py->last, sizeof(py->last), COL(0));
    cstr_copy(py->id_qual, sizeof(py->id_qual), "PI");
    cstr_copy(py->id, sizeof(py->id), COL(1));
    cstr_copy(o->filing, sizeof(o->filing), COL(2));
    cstr_copy(o->group, sizeof(o->group), COL(4));
    cstr_copy(o->group_name, sizeof(o->group_name), COL(5));
    cstr_copy(o->rel, sizeof(o->rel), COL(6)[0] ? COL(6) : "18");
    rcm_party *sb = &o->subscriber;
    sb->present = 1;
    cstr_copy(sb->entity, sizeof(sb->entity), "IL");
    sb->type = '1';
    cstr_copy(sb->id_qual, sizeof(sb->id_qual), "MI");
    cstr_copy(sb->id, sizeof(sb->id), COL(3));
    if (strcmp(o->rel, "18") == 0) {
        /* The patient is the subscriber. */
        cstr_copy(sb->last, sizeof(sb->last), COL(13));
        cstr_copy(sb->first, sizeof(sb->first), COL(14));
        cstr_copy(sb->middle, sizeof(sb->middle), COL(15));
        cstr_copy(sb->addr1, sizeof(sb->addr1), COL(16));
        cstr_copy(sb->addr2, sizeof(sb->addr2), COL(17));
        cstr_copy(sb->city, sizeof(sb->city), COL(18));
        cstr_copy(sb->state, sizeof(sb->state), COL(19));
        cstr_copy(sb->zip, sizeof(sb->zip), COL(20));
    } else {
        cstr_copy(sb->last, sizeof(sb->last), COL(7));
        cstr_copy(sb->first, sizeof(sb->first), COL(8));
        cstr_copy(sb->addr1, sizeof(sb->addr1), COL(9));
        cstr_copy(sb->city, sizeof(sb->city), COL(10));
        cstr_copy(sb->state, sizeof(sb->state), COL(11));
        cstr_copy(sb->zip, sizeof(sb->zip), COL(12));
    }
#undef COL
    /* N3/N4 go together or not at all. */
    if (!sb->addr1[0] || !sb->city[0] || !sb->state[0] || !sb->zip[0]) {
        sb->addr1[0] = sb->addr2[0] = sb->city[0] = sb->state[0] = sb->zip[0] = '\0';
    }
    sqlite3_finalize(s);
    return 0;
}

/* One adjustment as posted: line 0 is the claim. */
typedef struct cob_adj {
    uint32_t line_no;
    rcm_cas cas;
} cob_adj;

/*
 * The payer's adjustments of the remittance by line, group and reason: its
 * adjustment and transfer rows on the primary payer (negated: they reduce
 * what it owes) and its coder- and biller-routed denials (left open on it;
 * the other denial rows are already in the ledger as adjustments or
 * transfers).
 */
static int read_adjustments(rcm_cycle *cy, int64_t remit_claim_id, int64_t payer_id, cob_adj **out, size_t *n,
                            rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT line_no, group_code, carc, SUM(amt) FROM ("
                           " SELECT line_no, group_code, carc, -amount_cents AS amt FROM ledger"
                           "  WHERE remit_claim_id = ?1 AND payer_id = ?2 AND kind IN ('adjustment', 'transfer')"
                           "  AND group_code <> ''"
                           " UNION ALL"
                           " SELECT line_no, group_code, carc, amount_cents AS amt FROM denial"
                           "  WHERE remit_claim_id = ?1 AND route IN ('coder', 'biller')"
                           ") a GROUP BY line_no, group_code, carc HAVING SUM(amt) <> 0"
                           " ORDER BY line_no, group_code, carc",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, remit_claim_id);
    sqlite3_bind_int64(s, 2, payer_id);
    size_t cap = 0;
    cob_adj *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cob_adj *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        cob_adj *a = &v[(*n)++];
        memset(a, 0, sizeof(*a));
        a->line_no = (uint32_t)sqlite3_column_int64(s, 0);
        cstr_copy(a->cas.group, sizeof(a->cas.group), (const char *)sqlite3_column_text(s, 1));
        cstr_copy(a->cas.reason, sizeof(a->cas.reason), (const char *)sqlite3_column_text(s, 2));
        a->cas.amount_cents = sqlite3_column_int64(s, 3);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the primary's adjustments");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* The adjustments of one line (0: the claim) copied into mem; adds them to *sum and the PR ones to *pr. */
static int cas_of(const cob_adj *a, size_t n, uint32_t line_no, rcm_cas **out, uint32_t *count, int64_t *sum,
                  int64_t *pr, arena *mem, rcm_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += a[i].line_no == line_no;
    *out = NULL;
    *count = 0;
    if (!k)
        return 0;
    rcm_cas *v = arena_zalloc(mem, k * sizeof(*v));
    if (!v)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (a[i].line_no != line_no)
            continue;
        v[(*count)++] = a[i].cas;
        *sum += a[i].cas.amount_cents;
        if (strcmp(a[i].cas.group, "PR") == 0)
            *pr += a[i].cas.amount_cents;
    }
    *out = v;
    return 0;
}

/* A remittance line as the 2430 needs it. */
typedef struct cob_line {
    uint32_t line_no;
    char code[49], mods[RCM_CLAIM_MAX_MODS][3];
    int64_t paid_cents, units_milli;
} cob_line;

static int read_lines(rcm_cycle *cy, int64_t remit_claim_id, cob_line **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT line_no, code, mod1, mod2, mod3, mod4, SUM(paid_cents), MAX(units_milli)"
                           " FROM remit_line WHERE remit_claim_id = ? AND line_no > 0 GROUP BY line_no"
                           " ORDER BY line_no",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, remit_claim_id);
    size_t cap = 0;
    cob_line *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cob_line *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        cob_line *l = &v[(*n)++];
        memset(l, 0, sizeof(*l));
        l->line_no = (uint32_t)sqlite3_column_int64(s, 0);
        cstr_copy(l->code, sizeof(l->code), (const char *)sqlite3_column_text(s, 1));
        for (int m = 0; m < RCM_CLAIM_MAX_MODS; m++)
            cstr_copy(l->mods[m], sizeof(l->mods[m]), (const char *)sqlite3_column_text(s, 2 + m));
        l->paid_cents = sqlite3_column_int64(s, 6);
        l->units_milli = sqlite3_column_int64(s, 7);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the primary's remittance lines");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* What a fill needs: the primary, its remittance, adjustments and lines. */
typedef struct cob_src {
    const denial_claim *pc;
    const cob_remit *rm;
    const rcm_other_payer *o;
    const cob_adj *adj;
    size_t n_adj;
    const cob_line *rl;
    size_t n_rl;
} cob_src;

/* Line i's 2430 (none when the remittance has no line for it); adds its CAS to *cas_sum, PR ones to *pr. */
static int fill_line(const cob_src *src, rcm_claim *c, uint32_t i, int64_t *cas_sum, int64_t *pr, arena *mem,
                     rcm_error *err)
{
    rcm_claim_line *l = &c->lines[i];
    l->adj = NULL;
    l->n_adj = 0;
    const cob_line *r = NULL;
    for (size_t k = 0; k < src->n_rl; k++)
        if (src->rl[k].line_no == i + 1)
            r = &src->rl[k];
    int64_t line_cas = 0;
    uint32_t n_cas = 0;
    rcm_cas *cas = NULL;
    int rc = cas_of(src->adj, src->n_adj, i + 1, &cas, &n_cas, &line_cas, pr, mem, err);
    if (rc < 0)
        return rc;
    if (!r) {
        /* No line detail in the remittance: the claim-level CAS hold it. */
        if (n_cas)
            return rcm_error_set(err, RCM_EBALANCE, "primary claim %s: line %u has adjustments but no"
                                 " remittance line", src->pc->claim_no, i + 1);
        return 0;
    }
    if (l->charge_cents - line_cas != r->paid_cents) {
        char ch[24], ca[24], pd[24];
        rcm_cents_fmt(ch, l->charge_cents);
        rcm_cents_fmt(ca, line_cas);
        rcm_cents_fmt(pd, r->paid_cents);
        return rcm_error_set(err, RCM_EBALANCE,
                             "primary claim %s line %u: charge %s less adjustments %s is not the paid %s",
                             src->pc->claim_no, i + 1, ch, ca, pd);
    }
    rcm_line_adj *a = arena_zalloc(mem, sizeof(*a));
    if (!a)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    cstr_copy(a->payer_id, sizeof(a->payer_id), src->o->payer.id);
    a->paid_cents = r->paid_cents;
    /* The code as the payer adjudicated it (SVC01), else as billed; an 837I line may have none. */
    if (r->code[0] && l->code[0]) {
        cstr_copy(a->code, sizeof(a->code), r->code);
        memcpy(a->mods, r->mods, sizeof(a->mods));
    } else {
        cstr_copy(a->code, sizeof(a->code), l->code);
        memcpy(a->mods, l->mods, sizeof(a->mods));
    }
    if (a->code[0])
        cstr_copy(a->qual, sizeof(a->qual), "HC");
    if (c->kind == RCM_CLAIM_INSTITUTIONAL)
        cstr_copy(a->revenue_code, sizeof(a->revenue_code), l->revenue_code);
    a->units_milli = r->units_milli > 0 ? r->units_milli : l->units_milli;
    a->adjudicated = src->rm->adjudicated;
    a->cas = cas;
    a->n_cas = n_cas;
    l->adj = a;
    l->n_adj = 1;
    *cas_sum += line_cas;
    return 0;
}

int cycle_cob_fill(rcm_cycle *cy, int64_t primary_claim_id, rcm_claim *c, arena *mem, rcm_error *err)
{
    denial_claim pc;
    cob_remit rm;
    cob_adj *adj = NULL;
    cob_line *rl = NULL;
    size_t n_adj = 0, n_rl = 0;
    int rc = denial_claim_load(cy, primary_claim_id, &pc, err);
    if (rc < 0 || (rc = latest_remit(cy, &pc, &rm, err)) < 0)
        return rc;
    rcm_other_payer *o = arena_zalloc(mem, sizeof(*o));
    if (!o)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    o->seq = pc.seq ? pc.seq : 'P';
    o->adjudicated = rm.adjudicated;
    o->benefits = c->benefits ? c->benefits : 'Y';
    o->release = c->release ? c->release : 'Y';
    cstr_copy(o->payer_claim_number, sizeof(o->payer_claim_number), rm.payer_icn);
    o->paid_cents = rm.paid_cents;
    o->has_paid = 1;
    if ((rc = fill_parties(cy, &pc, o, err)) < 0 ||
        (rc = read_adjustments(cy, rm.remit_claim_id, pc.payer_id, &adj, &n_adj, err)) < 0 ||
        (rc = read_lines(cy, rm.remit_claim_id, &rl, &n_rl, err)) < 0)
        goto done;
    int64_t all_cas = 0, pr = 0, charges = 0;
    if ((rc = cas_of(adj, n_adj, 0, &o->cas, &o->n_cas, &all_cas, &pr, mem, err)) < 0)
        goto done;
    cob_src src = { &pc, &rm, o, adj, n_adj, rl, n_rl };
    for (uint32_t i = 0; i < c->n_lines && rc == 0; i++) {
        charges += c->lines[i].charge_cents;
        rc = fill_line(&src, c, i, &all_cas, &pr, mem, err);
    }
    if (rc < 0)
        goto done;
    if (charges - all_cas != rm.paid_cents) {
        char ch[24], ca[24], pd[24];
        rcm_cents_fmt(ch, charges);
        rcm_cents_fmt(ca, all_cas);
        rcm_cents_fmt(pd, rm.paid_cents);
        rc = rcm_error_set(err, RCM_EBALANCE, "primary claim %s: charges %s less adjustments %s is not the paid %s",
                           pc.claim_no, ch, ca, pd);
        goto done;
    }
    if (pr) {
        o->remaining_cents = pr;
        o->has_remaining = 1;
    }
    c->other = o;
    c->n_other = 1;
done:
    free(adj);
    free(rl);
    return rc;
}

/* ---- building the secondary claims ---- */

typedef struct cob_due {
    int64_t claim_id, coverage_id;
} cob_due;

/*
 * The primary claims due a secondary claim: adjudicated, nothing left to
 * work (no open or appealed denial), a balance with the patient, a
 * secondary coverage with another payer in force on the date of service, a
 * remittance to report and no secondary claim yet.
 */
static int claims_due(rcm_cycle *cy, cob_due **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_id, v.coverage_id FROM claim c"
                           " JOIN coverage v ON v.patient_id = c.patient_id AND v.seq = 'S'"
                           "  AND v.payer_id <> c.payer_id"
                           "  AND (v.eff_from IS NULL OR v.eff_from <= c.dos_from)"
                           "  AND (v.eff_to IS NULL OR v.eff_to >= c.dos_from)"
                           " WHERE c.seq = 'P' AND c.status IN ('paid', 'partial', 'denied')"
                           " AND NOT EXISTS (SELECT 1 FROM claim x WHERE x.primary_claim_id = c.claim_id)"
                           " AND NOT EXISTS (SELECT 1 FROM denial d WHERE d.claim_id = c.claim_id"
                           "  AND d.status IN ('open', 'appealed'))"
                           " AND EXISTS (SELECT 1 FROM remit_claim r WHERE r.claim_id = c.claim_id"
                           "  AND r.status <> '22')"
                           " AND (SELECT COALESCE(SUM(l.amount_cents), 0) FROM ledger l"
                           "  WHERE l.claim_id = c.claim_id AND l.payer_id IS NULL) > 0"
                           " ORDER BY c.claim_id",
                           err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    cob_due *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cob_due *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 64);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        v[*n].claim_id = sqlite3_column_int64(s, 0);
        v[*n].coverage_id = sqlite3_column_int64(s, 1);
        (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "finding claims due a secondary claim");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* One secondary claim for primary claim pc with coverage_id: created, and the patient's balance moved to it. */
static int build_one(rcm_cycle *cy, const cob_due *due, rcm_findings *fl, rcm_build_report *rep, rcm_error *err)
{
    denial_claim pc, sc;
    cycle_line *lines = NULL;
    int rc = denial_claim_load(cy, due->claim_id, &pc, err);
    if (rc < 0)
        return rc;
    cycle_claim_new spec;
    memset(&spec, 0, sizeof(spec));
    if ((rc = denial_claim_codes(cy, pc.claim_id, &spec, &lines, err)) < 0)
        return rc;
    spec.encounter_id = pc.encounter_id;
    spec.coverage_id = due->coverage_id;
    spec.freq = '1';
    spec.primary_claim_id = pc.claim_id;
    spec.charge = 0;
    int64_t id = 0, owed = 0;
    rcm_findings_reset(fl);
    if ((rc = cycle_claim_create(cy, &spec, &id, fl, err)) < 0 || (rc = denial_claim_load(cy, id, &sc, err)) < 0 ||
        (rc = denial_balance_of(cy, pc.claim_id, 0, &owed, err)) < 0)
        goto done;
    char memo_out[96], memo_in[96];
    snprintf(memo_out, sizeof(memo_out), "to secondary claim %s", sc.claim_no);
    snprintf(memo_in, sizeof(memo_in), "from the patient on claim %s", pc.claim_no);
    denial_entry e = { .practice_id = pc.practice_id, .claim_id = pc.claim_id, .patient_id = pc.patient_id,
                       .payer_id = 0, .kind = "transfer", .amount_cents = -owed, .memo = memo_out };
    if ((rc = denial_ledger_add(cy, &e, err)) < 0)
        goto done;
    e.practice_id = sc.practice_id;
    e.claim_id = sc.claim_id;
    e.payer_id = sc.payer_id;
    e.amount_cents = owed;
    e.memo = memo_in;
    if ((rc = denial_ledger_add(cy, &e, err)) < 0)
        goto done;
    /* the balances it moves, before -> after: the patient's on the primary, the payer's on the secondary */
    rcm_buf d;
    rcm_buf_init(&d, 512);
    char owed_s[32];
    rcm_cents_fmt(owed_s, owed);
    rcm_buf_addf(&d, "secondary of claim %lld %s; moved %s from the patient: patient on %s %s -> 0.00, payer %lld on %s"
                 " 0.00 -> %s",
                 (long long)pc.claim_id, pc.claim_no, owed_s, pc.claim_no, owed_s, (long long)sc.payer_id, sc.claim_no,
                 owed_s);
    rc = cycle_audit(cy, "secondary", "claim", sc.claim_id, rcm_buf_failed(&d) ? "" : d.ptr, err);
    rcm_buf_release(&d);
    if (rc < 0)
        goto done;
    rep->secondary++;
    rep->claims++;
    rep->lines += spec.n_lines;
    rep->charge_cents += sc.charge_cents;
    if (strcmp(sc.status, "held") == 0)
        rep->held++;
    else
        rep->ready++;
done:
    free(lines);
    return rc;
}

int rcm_cob_build(rcm_cycle *cy, rcm_build_report *out, rcm_error *err)
{
    rcm_build_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_BUILD, err);
    if (rc < 0)
        return rc;
    cob_due *due = NULL;
    size_t n = 0;
    rcm_findings fl;
    rcm_findings_init(&fl);
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    if ((rc = claims_due(cy, &due, &n, err)) < 0)
        goto fail;
    for (size_t i = 0; i < n; i++)
        if ((rc = build_one(cy, &due[i], &fl, &rep, err)) < 0)
            goto fail;
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    free(due);
    rcm_findings_release(&fl);
    if (out)
        *out = rep;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    free(due);
    rcm_findings_release(&fl);
    return rc;
}
