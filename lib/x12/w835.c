/*
 * The 835 writer (include/rcm/x12write.h): remittance transaction sets
 * (005010X221A1) written from the model the 835 reader fills
 * (include/rcm/remit.h), so that what is written reads back the same and
 * balances. It checks the three balancing rules before writing a set and
 * refuses one that does not balance: a payer's remittance that does not add
 * up is worse than none.
 */
#include "xwrite.h"

#define V835 "005010X221A1"

/* ---- balancing ---- */

static int64_t cas_sum(const rcm_cas *c, uint32_t n)
{
    int64_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s += c[i].amount_cents;
    return s;
}

static int check_balance(const rcm_remit_set *s, uint32_t set_index, rcm_error *err)
{
    const rcm_remit *m = s->remit;
    int64_t total_paid = 0, total_plb = 0;
    char a[32], b[32];
    for (uint32_t i = 0; i < s->n_claims; i++) {
        const rcm_remit_claim *c = &s->claims[i];
        int64_t line_cas = 0;
        for (uint32_t j = 0; j < c->n_lines; j++) {
            const rcm_remit_line *l = &c->lines[j];
            int64_t lc = cas_sum(l->cas, l->n_cas);
            if (l->charge_cents - lc != l->paid_cents) {
                rcm_cents_fmt(a, l->charge_cents - lc);
                rcm_cents_fmt(b, l->paid_cents);
                return rcm_error_set(err, RCM_EBALANCE,
                                     "835 set %u claim '%s' line %u does not balance: SVC02 - CAS = %s, SVC03 is %s",
                                     set_index + 1, c->id, j + 1, a, b);
            }
            line_cas += lc;
        }
        int64_t expect = c->charge_cents - cas_sum(c->cas, c->n_cas) - line_cas;
        if (expect != c->paid_cents) {
            rcm_cents_fmt(a, expect);
            rcm_cents_fmt(b, c->paid_cents);
            return rcm_error_set(err, RCM_EBALANCE,
                                 "835 set %u claim '%s' does not balance: CLP03 - CAS = %s, CLP04 is %s",
                                 set_index + 1, c->id, a, b);
        }
        total_paid += c->paid_cents;
    }
    for (uint32_t i = 0; i < m->n_plb; i++)
        total_plb += m->plb[i].amount_cents;
    int64_t pay = m->credit_debit[0] == 'D' ? -m->payment_cents : m->payment_cents;
    if (pay != total_paid - total_plb) {
        rcm_cents_fmt(a, total_paid - total_plb);
        rcm_cents_fmt(b, pay);
        return rcm_error_set(err, RCM_EBALANCE,
                             "835 set %u does not balance: CLP04 total - PLB total = %s, BPR02 is %s",
                             set_index + 1, a, b);
    }
    return 0;
}

/* ---- header ---- */

static void w_bpr(xw *w, const rcm_remit *m)
{
    xw_seg(w, "BPR");
    xw_s(w, m->handling, "handling");
    xw_cents(w, m->payment_cents);
    xw_s(w, m->credit_debit, "credit_debit");
    xw_s(w, m->method, "method");
    xw_s(w, m->format, "format");
    xw_s(w, m->sender_dfi_qual, "sender_dfi_qual");
    xw_s(w, m->sender_dfi, "sender_dfi");
    xw_s(w, m->sender_account_qual, "sender_account_qual");
    xw_s(w, m->sender_account, "sender_account");
    xw_s(w, m->payer_originator, "payer_originator");
    xw_s(w, m->originator_supplemental, "originator_supplemental");
    xw_s(w, m->receiver_dfi_qual, "receiver_dfi_qual");
    xw_s(w, m->receiver_dfi, "receiver_dfi");
    xw_s(w, m->receiver_account_qual, "receiver_account_qual");
    xw_s(w, m->receiver_account, "receiver_account");
    xw_date(w, m->payment_date);
    xw_end(w);
    xw_need(w, m->handling, "handling", "BPR01 transaction handling code");
    xw_need(w, m->credit_debit, "credit_debit", "BPR03 credit or debit flag");
    xw_need(w, m->method, "method", "BPR04 payment method code");
    if (m->payment_date == RCM_DATE_NONE)
        xw_fail(w, RCM_EINVAL, "payment_date: missing (BPR16 check issue or EFT effective date)");
    if (m->payment_cents < 0)
        xw_fail(w, RCM_EINVAL, "payment_cents: negative (BPR02 is never negative: use BPR03 D)");
}

static void w_party(xw *w, const char *entity, const rcm_remit_party *p, const char *name)
{
    char f[40];
    snprintf(f, sizeof(f), "%s.name", name);
    xw_seg(w, "N1");
    xw_lit(w, entity);
    xw_s(w, p->name, f);
    if (p->id[0]) {
        xw_s(w, p->id_qual, "id_qual");
        xw_s(w, p->id, "id");
    }
    xw_end(w);
    xw_need(w, p->name, f, "N102 name");
    if (p->addr1[0] || p->addr2[0]) {
        xw_seg(w, "N3");
        xw_s(w, p->addr1, "addr1");
        xw_s(w, p->addr2, "addr2");
        xw_end(w);
    }
    if (p->city[0] || p->state[0] || p->zip[0] || p->country[0]) {
        xw_seg(w, "N4");
        xw_s(w, p->city, "city");
        xw_s(w, p->state, "state");
        xw_s(w, p->zip, "zip");
        xw_s(w, p->country, "country");
        xw_end(w);
    }
    for (uint32_t i = 0; i < p->n_refs && i < ARRAY_SIZE(p->refs); i++) {
        xw_seg(w, "REF");
        xw_s(w, p->refs[i].qual, "refs.qual");
        xw_s(w, p->refs[i].value, "refs.value");
        xw_end(w);
    }
    /* The payer's technical contact (PER*BL) carries the name, phone and e-mail; its web site PER*IC. */
    if (p->contact[0] || p->phone[0] || p->email[0]) {
        xw_seg(w, "PER");
        xw_lit(w, entity[1] == 'R' ? "BL" : "IC");
        xw_s(w, p->contact, "contact");
        if (p->phone[0]) {
            xw_lit(w, "TE");
            xw_s(w, p->phone, "phone");
        }
        if (p->email[0]) {
            xw_lit(w, "EM");
            xw_s(w, p->email, "email");
        }
        xw_end(w);
    }
    if (p->url[0]) {
        xw_seg(w, "PER");
        xw_lit(w, "IC");
        xw_empty(w);
        xw_lit(w, "UR");
        xw_s(w, p->url, "url");
        xw_end(w);
    }
}

static void w_header(xw *w, const rcm_remit *m)
{
    w_bpr(w, m);
    xw_seg(w, "TRN");
    xw_lit(w, "1");
    xw_s(w, m->trace, "trace");
    xw_s(w, m->trace_payer, "trace_payer");
    xw_s(w, m->trace_supplemental, "trace_supplemental");
    xw_end(w);
    xw_need(w, m->trace, "trace", "TRN02 check or EFT trace number");
    xw_need(w, m->trace_payer, "trace_payer", "TRN03 payer identifier");
    if (m->currency[0]) {
        xw_seg(w, "CUR");
        xw_lit(w, "PR");
        xw_s(w, m->currency, "currency");
        xw_end(w);
    }
    if (m->receiver_id[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "EV");
        xw_s(w, m->receiver_id, "receiver_id");
        xw_end(w);
    }
    if (m->version_id[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "F2");
        xw_s(w, m->version_id, "version_id");
        xw_end(w);
    }
    if (m->production_date != RCM_DATE_NONE) {
        xw_seg(w, "DTM");
        xw_lit(w, "405");
        xw_date(w, m->production_date);
        xw_end(w);
    }
    w_party(w, "PR", &m->payer, "payer");
    w_party(w, "PE", &m->payee, "payee");
}

/* ---- claims ---- */

/* CAS: consecutive adjustments of one group share a segment, six at most. */
static void w_cas(xw *w, const rcm_cas *c, uint32_t n)
{
    for (uint32_t i = 0; i < n;) {
        uint32_t k = 0;
        xw_seg(w, "CAS");
        xw_s(w, c[i].group, "cas.group");
        xw_need(w, c[i].group, "cas.group", "CAS01 claim adjustment group code");
        const char *g = c[i].group;
        while (i < n && k < 6 && strcmp(c[i].group, g) == 0) {
            xw_s(w, c[i].reason, "cas.reason");
            xw_need(w, c[i].reason, "cas.reason", "claim adjustment reason code");
            xw_cents(w, c[i].amount_cents);
            if (c[i].has_qty)
                xw_milli(w, c[i].qty_milli);
            else
                xw_empty(w);
            i++;
            k++;
        }
        xw_end(w);
    }
}

static void w_name(xw *w, const rcm_remit_name *n, const char *entity)
{
    if (!n->present)
        return;
    xw_seg(w, "NM1");
    xw_lit(w, entity);
    xw_chr(w, n->type ? n->type : '1', "type");
    xw_s(w, n->last, "last");
    xw_s(w, n->first, "first");
    xw_s(w, n->middle, "middle");
    xw_empty(w);
    xw_s(w, n->suffix, "suffix");
    if (n->id[0]) {
        xw_s(w, n->id_qual, "id_qual");
        xw_s(w, n->id, "id");
    }
    xw_end(w);
}

static void amount_or_empty(xw *w, int64_t v)
{
    if (v)
        xw_cents(w, v);
    else
        xw_empty(w);
}

static void milli_or_empty(xw *w, int64_t v)
{
    if (v)
        xw_milli(w, v);
    else
        xw_empty(w);
}

static void w_mia_moa(xw *w, const rcm_remit_claim *c)
{
    if (c->has_mia) {
        xw_seg(w, "MIA");
        xw_milli(w, c->mia_covered_days_milli);
        xw_empty(w);
        milli_or_empty(w, c->mia_psych_days_milli);
        amount_or_empty(w, c->mia_drg_cents);
        xw_s(w, c->mia_remarks[0], "mia_remarks");
        for (int e = 6; e <= 14; e++)
            xw_empty(w);
        milli_or_empty(w, c->mia_cost_report_days_milli);
        for (int e = 16; e <= 18; e++)
            xw_empty(w);
        amount_or_empty(w, c->mia_nonpayable_cents);
        for (int i = 1; i < 5; i++)
            xw_s(w, c->mia_remarks[i], "mia_remarks");
        xw_end(w);
    }
    if (c->has_moa) {
        xw_seg(w, "MOA");
        xw_s(w, c->moa_rate, "moa_rate");
        amount_or_empty(w, c->moa_hcpcs_payable_cents);
        for (int i = 0; i < 5; i++)
            xw_s(w, c->moa_remarks[i], "moa_remarks");
        amount_or_empty(w, c->moa_esrd_cents);
        amount_or_empty(w, c->moa_nonpayable_cents);
        xw_end(w);
    }
}

static void w_dtm(xw *w, const char *qual, rcm_date d)
{
    if (d == RCM_DATE_NONE)
        return;
    xw_seg(w, "DTM");
    xw_lit(w, qual);
    xw_date(w, d);
    xw_end(w);
}

static void w_refs(xw *w, const rcm_ref *r, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "REF");
        xw_s(w, r[i].qual, "refs.qual");
        xw_s(w, r[i].value, "refs.value");
        xw_end(w);
    }
}

static void w_amts(xw *w, const rcm_amt *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "AMT");
        xw_s(w, a[i].qual, "amts.qual");
        xw_cents(w, a[i].cents);
        xw_end(w);
    }
}

static void w_qtys(xw *w, const rcm_qty *q, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "QTY");
        xw_s(w, q[i].qual, "qtys.qual");
        xw_milli(w, q[i].milli);
        xw_end(w);
    }
}

static void w_procedure(xw *w, const char *qual, const char *code, const char (*mods)[3], const char *desc)
{
    xw_cbegin(w);
    xw_cs(w, qual, "qual");
    xw_cs(w, code, "code");
    for (int i = 0; i < 4; i++)
        xw_cs(w, mods[i], "mods");
    if (desc)
        xw_cs(w, desc, "desc");
    xw_cend(w);
}

static void w_line(xw *w, const rcm_remit_line *l)
{
    xw_seg(w, "SVC");
    w_procedure(w, l->qual, l->code, l->mods, l->desc);
    xw_cents(w, l->charge_cents);
    xw_cents(w, l->paid_cents);
    xw_s(w, l->revenue_code, "revenue_code");
    if (l->units_milli != 1000)
        xw_milli(w, l->units_milli);
    else
        xw_empty(w);
    if (l->orig_qual[0] || l->orig_code[0])
        w_procedure(w, l->orig_qual, l->orig_code, l->orig_mods, NULL);
    else
        xw_empty(w);
    milli_or_empty(w, l->orig_units_milli);
    xw_end(w);
    xw_need(w, l->qual, "qual", "SVC01-1 product or service id qualifier");
    xw_need(w, l->code, "code", "SVC01-2 procedure code");
    if (l->date_from != RCM_DATE_NONE && l->date_to == l->date_from) {
        w_dtm(w, "472", l->date_from);
    } else {
        w_dtm(w, "150", l->date_from);
        w_dtm(w, "151", l->date_to);
    }
    w_cas(w, l->cas, l->n_cas);
    if (l->control[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "6R");
        xw_s(w, l->control, "control");
        xw_end(w);
    }
    w_refs(w, l->refs, l->n_refs);
    if (l->has_allowed) {
        xw_seg(w, "AMT");
        xw_lit(w, "B6");
        xw_cents(w, l->allowed_cents);
        xw_end(w);
    }
    w_amts(w, l->amts, l->n_amts);
    w_qtys(w, l->qtys, l->n_qtys);
    for (uint32_t i = 0; i < l->n_remarks; i++) {
        const char *r = l->remarks[i];
        xw_seg(w, "LQ");
        if (strncmp(r, "RX:", 3) == 0) {
            xw_lit(w, "RX");
            xw_s(w, r + 3, "remarks");
        } else {
            xw_lit(w, "HE");
            xw_s(w, r, "remarks");
        }
        xw_end(w);
    }
}

static void w_claim(xw *w, const rcm_remit_claim *c)
{
    xw_seg(w, "CLP");
    xw_s(w, c->id, "id");
    xw_s(w, c->status, "status");
    xw_cents(w, c->charge_cents);
    xw_cents(w, c->paid_cents);
    if (c->has_patient_resp || c->patient_resp_cents)
        xw_cents(w, c->patient_resp_cents);
    else
        xw_empty(w);
    xw_s(w, c->filing, "filing");
    xw_s(w, c->payer_icn, "payer_icn");
    xw_s(w, c->facility, "facility");
    xw_s(w, c->freq, "freq");
    xw_empty(w);
    xw_s(w, c->drg, "drg");
    xw_s(w, c->drg_weight, "drg_weight");
    xw_s(w, c->discharge_fraction, "discharge_fraction");
    xw_end(w);
    xw_need(w, c->id, "id", "CLP01 patient control number");
    xw_need(w, c->status, "status", "CLP02 claim status code");
    xw_need(w, c->filing, "filing", "CLP06 claim filing indicator code");
    xw_need(w, c->payer_icn, "payer_icn", "CLP07 payer claim control number");
    xw_need(w, c->patient.present ? "QC" : "", "patient", "NM1*QC patient name");
    w_cas(w, c->cas, c->n_cas);
    w_name(w, &c->patient, "QC");
    w_name(w, &c->insured, "IL");
    w_name(w, &c->corrected, "74");
    w_name(w, &c->rendering, "82");
    w_name(w, &c->crossover, "TT");
    w_name(w, &c->priority_payer, "PR");
    w_name(w, &c->other_subscriber, "GB");
    w_mia_moa(w, c);
    w_refs(w, c->refs, c->n_refs);
    w_dtm(w, "232", c->statement_from);
    w_dtm(w, "233", c->statement_to);
    w_dtm(w, "036", c->coverage_expiration);
    w_dtm(w, "050", c->received);
    w_amts(w, c->amts, c->n_amts);
    w_qtys(w, c->qtys, c->n_qtys);
    for (uint32_t i = 0; i < c->n_lines && !w->rc; i++)
        w_line(w, &c->lines[i]);
}

/* PLB: consecutive adjustments of one provider and fiscal date share a segment, six at most. */
static void w_plb(xw *w, const rcm_plb *p, uint32_t n)
{
    for (uint32_t i = 0; i < n;) {
        const rcm_plb *f = &p[i];
        xw_seg(w, "PLB");
        xw_s(w, f->provider, "plb.provider");
        xw_date(w, f->fiscal_date);
        xw_need(w, f->provider, "plb.provider", "PLB01 provider identifier");
        if (f->fiscal_date == RCM_DATE_NONE)
            xw_fail(w, RCM_EINVAL, "plb.fiscal_date: missing (PLB02 fiscal period date)");
        uint32_t k = 0;
        while (i < n && k < 6 && strcmp(p[i].provider, f->provider) == 0 && p[i].fiscal_date == f->fiscal_date) {
            xw_cbegin(w);
            xw_cs(w, p[i].reason, "plb.reason");
            xw_cs(w, p[i].ref, "plb.ref");
            xw_cend(w);
            xw_need(w, p[i].reason, "plb.reason", "PLB03-1 adjustment reason code");
            xw_cents(w, p[i].amount_cents);
            i++;
            k++;
        }
        xw_end(w);
    }
}

static void w_set(xw *w, const rcm_remit_set *s, uint32_t *st_counter)
{
    const rcm_remit *m = s->remit;
    snprintf(w->what, sizeof(w->what), "835 '%.40s'", m->trace);
    xw_st(w, "835", m->st_control, st_counter, NULL);
    w_header(w, m);
    long header = 0;
    for (uint32_t i = 0; i < s->n_claims && !w->rc; i++) {
        const rcm_remit_claim *c = &s->claims[i];
        if (c->header_number > 0 && c->header_number != header) {
            header = c->header_number;
            xw_seg(w, "LX");
            xw_u(w, (uint64_t)header);
            xw_end(w);
        }
        snprintf(w->what, sizeof(w->what), "835 '%.40s' claim '%.38s'", m->trace, c->id);
        w_claim(w, c);
    }
    snprintf(w->what, sizeof(w->what), "835 '%.40s'", m->trace);
    w_plb(w, m->plb, m->n_plb);
    xw_se(w);
}

int rcm_x12_write_835(rcm_buf *out, const rcm_x12_envelope *env, const rcm_remit_set *sets, uint32_t n,
                      rcm_error *err)
{
    int rc = xw_envelope_check(env, err);
    if (rc < 0)
        return rc;
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no remittance to write: an 835 interchange needs a set");
    for (uint32_t i = 0; i < n; i++) {
        if (!sets[i].remit)
            return rcm_error_set(err, RCM_EINVAL, "835 set %u has no header", i + 1);
        if (!env->unbalanced_ok && (rc = check_balance(&sets[i], i, err)) < 0)
            return rc;
    }
    xw w;
    size_t len0 = out->len;
    xw_init(&w, out, env, err);
    uint32_t st = env->st_control;
    xw_open(&w, env, "HP", V835);
    for (uint32_t i = 0; i < n && !w.rc; i++)
        w_set(&w, &sets[i], &st);
    w.what[0] = '\0';
    xw_close(&w, env, n);
    return xw_done(&w, len0);
}
