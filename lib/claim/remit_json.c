/*
 * The remittance model's JSON face (docs/x12-json.md is the contract): an
 * 835 claim with its service lines, and an 835 transaction set's header,
 * PLB adjustments and totals.
 *
 * Keys are the C field names. Money is integer cents in keys ending _cents,
 * quantities integer thousandths in keys ending _milli, dates "YYYY-MM-DD".
 * Left out: empty strings, absent dates, absent names and parties, optional
 * amounts whose has_ flag is 0, empty optional arrays. "cas" and "lines" are
 * always there, empty or not. X12 text that is not UTF-8 has its non-ASCII
 * bytes written as '?' (JSON strings must be UTF-8).
 */
#include <stdlib.h>
#include "../util/util.h"
#include "rcm/json.h"
#include "json_internal.h"

/* An array of the non-empty strings among n fixed slots of size sz; left out when all are empty. */
static void put_strs(jb *b, json_t *o, const char *key, const char *slots, size_t n, size_t sz)
{
    json_t *a = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *s = slots + i * sz;
        if (!s[0])
            continue;
        if (!a && !(a = json_array())) {
            b->failed = 1;
            return;
        }
        json_t *v = jw_ascii_text(s);
        if (!v || json_array_append_new(a, v) < 0)
            b->failed = 1;
    }
    if (a)
        jw_put(b, o, key, a);
}

static json_t *cas_json(jb *b, const rcm_cas *cas, uint32_t n)
{
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *o = json_object();
        if (!o) {
            b->failed = 1;
            break;
        }
        jw_put_str(b, o, "group", cas[i].group);
        jw_put_str(b, o, "reason", cas[i].reason);
        jw_put_int(b, o, "amount_cents", cas[i].amount_cents);
        if (cas[i].has_qty)
            jw_put_int(b, o, "qty_milli", cas[i].qty_milli);
        jw_append(b, a, o);
    }
    return a;
}

static void put_refs(jb *b, json_t *o, const char *key, const rcm_ref *refs, uint32_t n)
{
    if (!n)
        return;
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *r = json_object();
        if (!r) {
            b->failed = 1;
            break;
        }
        jw_put_str(b, r, "qual", refs[i].qual);
        jw_put_str(b, r, "value", refs[i].value);
        jw_append(b, a, r);
    }
    jw_put(b, o, key, a);
}

static void put_amts(jb *b, json_t *o, const char *key, const rcm_amt *amts, uint32_t n)
{
    if (!n)
        return;
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *r = json_object();
        if (!r) {
            b->failed = 1;
            break;
        }
        jw_put_str(b, r, "qual", amts[i].qual);
        jw_put_int(b, r, "amount_cents", amts[i].cents);
        jw_append(b, a, r);
    }
    jw_put(b, o, key, a);
}

static void put_qtys(jb *b, json_t *o, const char *key, const rcm_qty *q, uint32_t n)
{
    if (!n)
        return;
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *r = json_object();
        if (!r) {
            b->failed = 1;
            break;
        }
        jw_put_str(b, r, "qual", q[i].qual);
        jw_put_int(b, r, "qty_milli", q[i].milli);
        jw_append(b, a, r);
    }
    jw_put(b, o, key, a);
}

static void put_name(jb *b, json_t *o, const char *key, const rcm_remit_name *n)
{
    if (!n->present)
        return;
    json_t *x = json_object();
    if (!x) {
        b->failed = 1;
        return;
    }
    jw_put_str(b, x, "entity", n->entity);
    jw_put_char(b, x, "type", n->type);
    jw_put_str(b, x, "last", n->last);
    jw_put_str(b, x, "first", n->first);
    jw_put_str(b, x, "middle", n->middle);
    jw_put_str(b, x, "suffix", n->suffix);
    jw_put_str(b, x, "id_qual", n->id_qual);
    jw_put_str(b, x, "id", n->id);
    jw_put(b, o, key, x);
}

static json_t *line_json(jb *b, const rcm_remit_line *l)
{
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return NULL;
    }
    jw_put_int(b, o, "number", l->number);
    jw_put_str(b, o, "qual", l->qual);
    jw_put_str(b, o, "code", l->code);
    put_strs(b, o, "mods", &l->mods[0][0], 4, sizeof(l->mods[0]));
    jw_put_str(b, o, "desc", l->desc);
    jw_put_int(b, o, "charge_cents", l->charge_cents);
    jw_put_int(b, o, "paid_cents", l->paid_cents);
    jw_put_str(b, o, "revenue_code", l->revenue_code);
    jw_put_int(b, o, "units_milli", l->units_milli);
    jw_put_str(b, o, "orig_qual", l->orig_qual);
    jw_put_str(b, o, "orig_code", l->orig_code);
    put_strs(b, o, "orig_mods", &l->orig_mods[0][0], 4, sizeof(l->orig_mods[0]));
    jw_put_nz(b, o, "orig_units_milli", l->orig_units_milli);
    jw_put_date(b, o, "date_from", l->date_from);
    jw_put_date(b, o, "date_to", l->date_to);
    jw_put_str(b, o, "control", l->control);
    if (l->has_allowed)
        jw_put_int(b, o, "allowed_cents", l->allowed_cents);
    jw_put(b, o, "cas", cas_json(b, l->cas, l->n_cas));
    put_refs(b, o, "refs", l->refs, l->n_refs);
    put_amts(b, o, "amts", l->amts, l->n_amts);
    put_qtys(b, o, "qtys", l->qtys, l->n_qtys);
    if (l->n_remarks)
        put_strs(b, o, "remarks", &l->remarks[0][0], l->n_remarks, sizeof(l->remarks[0]));
    jw_put_nz(b, o, "segment", l->segment);
    jw_put_nz(b, o, "line", l->line);
    return o;
}

json_t *rcm_remit_claim_to_json(const rcm_remit_claim *c)
{
    jb b = { 0 };
    json_t *o = json_object();
    if (!o)
        return NULL;
    jw_put_str(&b, o, "id", c->id);
    jw_put_str(&b, o, "status", c->status);
    jw_put_int(&b, o, "charge_cents", c->charge_cents);
    jw_put_int(&b, o, "paid_cents", c->paid_cents);
    if (c->has_patient_resp)
        jw_put_int(&b, o, "patient_resp_cents", c->patient_resp_cents);
    jw_put_str(&b, o, "filing", c->filing);
    jw_put_str(&b, o, "payer_icn", c->payer_icn);
    jw_put_str(&b, o, "facility", c->facility);
    jw_put_str(&b, o, "freq", c->freq);
    jw_put_str(&b, o, "drg", c->drg);
    jw_put_str(&b, o, "drg_weight", c->drg_weight);
    jw_put_str(&b, o, "discharge_fraction", c->discharge_fraction);
    put_name(&b, o, "patient", &c->patient);
    put_name(&b, o, "insured", &c->insured);
    put_name(&b, o, "corrected", &c->corrected);
    put_name(&b, o, "rendering", &c->rendering);
    put_name(&b, o, "crossover", &c->crossover);
    put_name(&b, o, "priority_payer", &c->priority_payer);
    put_name(&b, o, "other_subscriber", &c->other_subscriber);
    if (c->has_mia) {
        jw_put_int(&b, o, "mia_covered_days_milli", c->mia_covered_days_milli);
        jw_put_nz(&b, o, "mia_psych_days_milli", c->mia_psych_days_milli);
        jw_put_nz(&b, o, "mia_drg_cents", c->mia_drg_cents);
        jw_put_nz(&b, o, "mia_cost_report_days_milli", c->mia_cost_report_days_milli);
        jw_put_nz(&b, o, "mia_nonpayable_cents", c->mia_nonpayable_cents);
        put_strs(&b, o, "mia_remarks", &c->mia_remarks[0][0], 5, sizeof(c->mia_remarks[0]));
    }
    if (c->has_moa) {
        jw_put_str(&b, o, "moa_rate", c->moa_rate);
        jw_put_nz(&b, o, "moa_hcpcs_payable_cents", c->moa_hcpcs_payable_cents);
        jw_put_nz(&b, o, "moa_esrd_cents", c->moa_esrd_cents);
        jw_put_nz(&b, o, "moa_nonpayable_cents", c->moa_nonpayable_cents);
        put_strs(&b, o, "moa_remarks", &c->moa_remarks[0][0], 5, sizeof(c->moa_remarks[0]));
    }
    jw_put_date(&b, o, "statement_from", c->statement_from);
    jw_put_date(&b, o, "statement_to", c->statement_to);
    jw_put_date(&b, o, "received", c->received);
    jw_put_date(&b, o, "coverage_expiration", c->coverage_expiration);
    jw_put(&b, o, "cas", cas_json(&b, c->cas, c->n_cas));
    put_refs(&b, o, "refs", c->refs, c->n_refs);
    put_amts(&b, o, "amts", c->amts, c->n_amts);
    put_qtys(&b, o, "qtys", c->qtys, c->n_qtys);
    json_t *lines = json_array();
    if (!lines)
        b.failed = 1;
    for (uint32_t i = 0; lines && i < c->n_lines; i++)
        jw_append(&b, lines, line_json(&b, &c->lines[i]));
    jw_put(&b, o, "lines", lines);
    jw_put_nz(&b, o, "header_number", c->header_number);
    jw_put_nz(&b, o, "segment", c->segment);
    jw_put_nz(&b, o, "line", c->line);
    if (b.failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static void put_party(jb *b, json_t *o, const char *key, const rcm_remit_party *p)
{
    if (!p->present)
        return;
    json_t *x = json_object();
    if (!x) {
        b->failed = 1;
        return;
    }
    jw_put_str(b, x, "name", p->name);
    jw_put_str(b, x, "id_qual", p->id_qual);
    jw_put_str(b, x, "id", p->id);
    jw_put_str(b, x, "addr1", p->addr1);
    jw_put_str(b, x, "addr2", p->addr2);
    jw_put_str(b, x, "city", p->city);
    jw_put_str(b, x, "state", p->state);
    jw_put_str(b, x, "zip", p->zip);
    jw_put_str(b, x, "country", p->country);
    put_refs(b, x, "refs", p->refs, p->n_refs);
    jw_put_str(b, x, "contact", p->contact);
    jw_put_str(b, x, "phone", p->phone);
    jw_put_str(b, x, "email", p->email);
    jw_put_str(b, x, "url", p->url);
    jw_put(b, o, key, x);
}

static json_t *plb_json(jb *b, const rcm_plb *p)
{
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return NULL;
    }
    jw_put_str(b, o, "provider", p->provider);
    jw_put_date(b, o, "fiscal_date", p->fiscal_date);
    jw_put_str(b, o, "reason", p->reason);
    jw_put_str(b, o, "ref", p->ref);
    jw_put_int(b, o, "amount_cents", p->amount_cents);
    jw_put_nz(b, o, "element", p->element);
    jw_put_nz(b, o, "segment", p->segment);
    jw_put_nz(b, o, "line", p->line);
    return o;
}

json_t *rcm_remit_to_json(const rcm_remit *r)
{
    static const char *const groups[RCM_CAS_GROUPS] = { "CO", "OA", "PI", "PR", "other" };
    jb b = { 0 };
    json_t *o = json_object();
    if (!o)
        return NULL;
    jw_put_str(&b, o, "st_control", r->st_control);
    jw_put_str(&b, o, "handling", r->handling);
    jw_put_int(&b, o, "payment_cents", r->payment_cents);
    jw_put_str(&b, o, "credit_debit", r->credit_debit);
    jw_put_str(&b, o, "method", r->method);
    jw_put_str(&b, o, "format", r->format);
    jw_put_str(&b, o, "sender_dfi_qual", r->sender_dfi_qual);
    jw_put_str(&b, o, "sender_dfi", r->sender_dfi);
    jw_put_str(&b, o, "sender_account_qual", r->sender_account_qual);
    jw_put_str(&b, o, "sender_account", r->sender_account);
    jw_put_str(&b, o, "payer_originator", r->payer_originator);
    jw_put_str(&b, o, "originator_supplemental", r->originator_supplemental);
    jw_put_str(&b, o, "receiver_dfi_qual", r->receiver_dfi_qual);
    jw_put_str(&b, o, "receiver_dfi", r->receiver_dfi);
    jw_put_str(&b, o, "receiver_account_qual", r->receiver_account_qual);
    jw_put_str(&b, o, "receiver_account", r->receiver_account);
    jw_put_date(&b, o, "payment_date", r->payment_date);
    jw_put_str(&b, o, "trace", r->trace);
    jw_put_str(&b, o, "trace_payer", r->trace_payer);
    jw_put_str(&b, o, "trace_supplemental", r->trace_supplemental);
    jw_put_str(&b, o, "currency", r->currency);
    jw_put_str(&b, o, "receiver_id", r->receiver_id);
    jw_put_str(&b, o, "version_id", r->version_id);
    jw_put_date(&b, o, "production_date", r->production_date);
    put_party(&b, o, "payer", &r->payer);
    put_party(&b, o, "payee", &r->payee);
    json_t *plb = json_array();
    if (!plb)
        b.failed = 1;
    for (uint32_t i = 0; plb && i < r->n_plb; i++)
        jw_append(&b, plb, plb_json(&b, &r->plb[i]));
    jw_put(&b, o, "plb", plb);
    jw_put_int(&b, o, "claims", r->claims);
    jw_put_int(&b, o, "lines", r->lines);
    jw_put_int(&b, o, "reversals", r->reversals);
    jw_put_int(&b, o, "denials", r->denials);
    jw_put_int(&b, o, "total_charge_cents", r->total_charge_cents);
    jw_put_int(&b, o, "total_paid_cents", r->total_paid_cents);
    jw_put_int(&b, o, "total_patient_resp_cents", r->total_patient_resp_cents);
    json_t *cas = json_object();
    if (!cas)
        b.failed = 1;
    for (int g = 0; cas && g < RCM_CAS_GROUPS; g++)
        if (g != RCM_CAS_OTHER || r->total_cas_cents[g])
            jw_put_int(&b, cas, groups[g], r->total_cas_cents[g]);
    jw_put(&b, o, "total_cas_cents", cas);
    jw_put_int(&b, o, "total_plb_cents", r->total_plb_cents);
    jw_put_bool(&b, o, "balanced", r->balanced);
    jw_put_bool(&b, o, "complete", r->complete);
    jw_put_nz(&b, o, "segment", r->segment);
    jw_put_nz(&b, o, "line", r->line);
    if (b.failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}
