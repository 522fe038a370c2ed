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

/* A builder: the first failed allocation makes the whole result NULL. */
typedef struct jb {
    int failed;
} jb;

static json_t *jstr(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    /* not UTF-8 (Latin-1 names...): keep the ASCII, mark the rest */
    size_t n = strlen(s);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        t[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_string(t);
    free(t);
    return v;
}

static void put(jb *b, json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) < 0)
        b->failed = 1;
}

static void put_str(jb *b, json_t *o, const char *key, const char *s)
{
    if (s[0])
        put(b, o, key, jstr(s));
}

static void put_char(jb *b, json_t *o, const char *key, char c)
{
    char s[2] = { c, '\0' };
    put_str(b, o, key, s);
}

static void put_int(jb *b, json_t *o, const char *key, int64_t v)
{
    put(b, o, key, json_integer((json_int_t)v));
}

static void put_nz(jb *b, json_t *o, const char *key, int64_t v)
{
    if (v)
        put_int(b, o, key, v);
}

static void put_date(jb *b, json_t *o, const char *key, rcm_date d)
{
    if (d == RCM_DATE_NONE)
        return;
    char tmp[16];
    rcm_date_fmt(tmp, d, 1);
    put(b, o, key, json_string(tmp));
}

static void put_bool(jb *b, json_t *o, const char *key, int v)
{
    put(b, o, key, json_boolean(v));
}

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
        json_t *v = jstr(s);
        if (!v || json_array_append_new(a, v) < 0)
            b->failed = 1;
    }
    if (a)
        put(b, o, key, a);
}

static void append(jb *b, json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) < 0)
        b->failed = 1;
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
        put_str(b, o, "group", cas[i].group);
        put_str(b, o, "reason", cas[i].reason);
        put_int(b, o, "amount_cents", cas[i].amount_cents);
        if (cas[i].has_qty)
            put_int(b, o, "qty_milli", cas[i].qty_milli);
        append(b, a, o);
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
        put_str(b, r, "qual", refs[i].qual);
        put_str(b, r, "value", refs[i].value);
        append(b, a, r);
    }
    put(b, o, key, a);
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
        put_str(b, r, "qual", amts[i].qual);
        put_int(b, r, "amount_cents", amts[i].cents);
        append(b, a, r);
    }
    put(b, o, key, a);
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
        put_str(b, r, "qual", q[i].qual);
        put_int(b, r, "qty_milli", q[i].milli);
        append(b, a, r);
    }
    put(b, o, key, a);
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
    put_str(b, x, "entity", n->entity);
    put_char(b, x, "type", n->type);
    put_str(b, x, "last", n->last);
    put_str(b, x, "first", n->first);
    put_str(b, x, "middle", n->middle);
    put_str(b, x, "suffix", n->suffix);
    put_str(b, x, "id_qual", n->id_qual);
    put_str(b, x, "id", n->id);
    put(b, o, key, x);
}

static json_t *line_json(jb *b, const rcm_remit_line *l)
{
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return NULL;
    }
    put_int(b, o, "number", l->number);
    put_str(b, o, "qual", l->qual);
    put_str(b, o, "code", l->code);
    put_strs(b, o, "mods", &l->mods[0][0], 4, sizeof(l->mods[0]));
    put_str(b, o, "desc", l->desc);
    put_int(b, o, "charge_cents", l->charge_cents);
    put_int(b, o, "paid_cents", l->paid_cents);
    put_str(b, o, "revenue_code", l->revenue_code);
    put_int(b, o, "units_milli", l->units_milli);
    put_str(b, o, "orig_qual", l->orig_qual);
    put_str(b, o, "orig_code", l->orig_code);
    put_strs(b, o, "orig_mods", &l->orig_mods[0][0], 4, sizeof(l->orig_mods[0]));
    put_nz(b, o, "orig_units_milli", l->orig_units_milli);
    put_date(b, o, "date_from", l->date_from);
    put_date(b, o, "date_to", l->date_to);
    put_str(b, o, "control", l->control);
    if (l->has_allowed)
        put_int(b, o, "allowed_cents", l->allowed_cents);
    put(b, o, "cas", cas_json(b, l->cas, l->n_cas));
    put_refs(b, o, "refs", l->refs, l->n_refs);
    put_amts(b, o, "amts", l->amts, l->n_amts);
    put_qtys(b, o, "qtys", l->qtys, l->n_qtys);
    if (l->n_remarks)
        put_strs(b, o, "remarks", &l->remarks[0][0], l->n_remarks, sizeof(l->remarks[0]));
    put_nz(b, o, "segment", l->segment);
    put_nz(b, o, "line", l->line);
    return o;
}

json_t *rcm_remit_claim_to_json(const rcm_remit_claim *c)
{
    jb b = { 0 };
    json_t *o = json_object();
    if (!o)
        return NULL;
    put_str(&b, o, "id", c->id);
    put_str(&b, o, "status", c->status);
    put_int(&b, o, "charge_cents", c->charge_cents);
    put_int(&b, o, "paid_cents", c->paid_cents);
    if (c->has_patient_resp)
        put_int(&b, o, "patient_resp_cents", c->patient_resp_cents);
    put_str(&b, o, "filing", c->filing);
    put_str(&b, o, "payer_icn", c->payer_icn);
    put_str(&b, o, "facility", c->facility);
    put_str(&b, o, "freq", c->freq);
    put_str(&b, o, "drg", c->drg);
    put_str(&b, o, "drg_weight", c->drg_weight);
    put_str(&b, o, "discharge_fraction", c->discharge_fraction);
    put_name(&b, o, "patient", &c->patient);
    put_name(&b, o, "insured", &c->insured);
    put_name(&b, o, "corrected", &c->corrected);
    put_name(&b, o, "rendering", &c->rendering);
    put_name(&b, o, "crossover", &c->crossover);
    put_name(&b, o, "priority_payer", &c->priority_payer);
    put_name(&b, o, "other_subscriber", &c->other_subscriber);
    if (c->has_mia) {
        put_int(&b, o, "mia_covered_days_milli", c->mia_covered_days_milli);
        put_nz(&b, o, "mia_psych_days_milli", c->mia_psych_days_milli);
        put_nz(&b, o, "mia_drg_cents", c->mia_drg_cents);
        put_nz(&b, o, "mia_cost_report_days_milli", c->mia_cost_report_days_milli);
        put_nz(&b, o, "mia_nonpayable_cents", c->mia_nonpayable_cents);
        put_strs(&b, o, "mia_remarks", &c->mia_remarks[0][0], 5, sizeof(c->mia_remarks[0]));
    }
    if (c->has_moa) {
        put_str(&b, o, "moa_rate", c->moa_rate);
        put_nz(&b, o, "moa_hcpcs_payable_cents", c->moa_hcpcs_payable_cents);
        put_nz(&b, o, "moa_esrd_cents", c->moa_esrd_cents);
        put_nz(&b, o, "moa_nonpayable_cents", c->moa_nonpayable_cents);
        put_strs(&b, o, "moa_remarks", &c->moa_remarks[0][0], 5, sizeof(c->moa_remarks[0]));
    }
    put_date(&b, o, "statement_from", c->statement_from);
    put_date(&b, o, "statement_to", c->statement_to);
    put_date(&b, o, "received", c->received);
    put_date(&b, o, "coverage_expiration", c->coverage_expiration);
    put(&b, o, "cas", cas_json(&b, c->cas, c->n_cas));
    put_refs(&b, o, "refs", c->refs, c->n_refs);
    put_amts(&b, o, "amts", c->amts, c->n_amts);
    put_qtys(&b, o, "qtys", c->qtys, c->n_qtys);
    json_t *lines = json_array();
    if (!lines)
        b.failed = 1;
    for (uint32_t i = 0; lines && i < c->n_lines; i++)
        append(&b, lines, line_json(&b, &c->lines[i]));
    put(&b, o, "lines", lines);
    put_nz(&b, o, "header_number", c->header_number);
    put_nz(&b, o, "segment", c->segment);
    put_nz(&b, o, "line", c->line);
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
    put_str(b, x, "name", p->name);
    put_str(b, x, "id_qual", p->id_qual);
    put_str(b, x, "id", p->id);
    put_str(b, x, "addr1", p->addr1);
    put_str(b, x, "addr2", p->addr2);
    put_str(b, x, "city", p->city);
    put_str(b, x, "state", p->state);
    put_str(b, x, "zip", p->zip);
    put_str(b, x, "country", p->country);
    put_refs(b, x, "refs", p->refs, p->n_refs);
    put_str(b, x, "contact", p->contact);
    put_str(b, x, "phone", p->phone);
    put_str(b, x, "email", p->email);
    put_str(b, x, "url", p->url);
    put(b, o, key, x);
}

static json_t *plb_json(jb *b, const rcm_plb *p)
{
    json_t *o = json_object();
    if (!o) {
        b->failed = 1;
        return NULL;
    }
    put_str(b, o, "provider", p->provider);
    put_date(b, o, "fiscal_date", p->fiscal_date);
    put_str(b, o, "reason", p->reason);
    put_str(b, o, "ref", p->ref);
    put_int(b, o, "amount_cents", p->amount_cents);
    put_nz(b, o, "element", p->element);
    put_nz(b, o, "segment", p->segment);
    put_nz(b, o, "line", p->line);
    return o;
}

json_t *rcm_remit_to_json(const rcm_remit *r)
{
    static const char *const groups[RCM_CAS_GROUPS] = { "CO", "OA", "PI", "PR", "other" };
    jb b = { 0 };
    json_t *o = json_object();
    if (!o)
        return NULL;
    put_str(&b, o, "st_control", r->st_control);
    put_str(&b, o, "handling", r->handling);
    put_int(&b, o, "payment_cents", r->payment_cents);
    put_str(&b, o, "credit_debit", r->credit_debit);
    put_str(&b, o, "method", r->method);
    put_str(&b, o, "format", r->format);
    put_str(&b, o, "sender_dfi_qual", r->sender_dfi_qual);
    put_str(&b, o, "sender_dfi", r->sender_dfi);
    put_str(&b, o, "sender_account_qual", r->sender_account_qual);
    put_str(&b, o, "sender_account", r->sender_account);
    put_str(&b, o, "payer_originator", r->payer_originator);
    put_str(&b, o, "originator_supplemental", r->originator_supplemental);
    put_str(&b, o, "receiver_dfi_qual", r->receiver_dfi_qual);
    put_str(&b, o, "receiver_dfi", r->receiver_dfi);
    put_str(&b, o, "receiver_account_qual", r->receiver_account_qual);
    put_str(&b, o, "receiver_account", r->receiver_account);
    put_date(&b, o, "payment_date", r->payment_date);
    put_str(&b, o, "trace", r->trace);
    put_str(&b, o, "trace_payer", r->trace_payer);
    put_str(&b, o, "trace_supplemental", r->trace_supplemental);
    put_str(&b, o, "currency", r->currency);
    put_str(&b, o, "receiver_id", r->receiver_id);
    put_str(&b, o, "version_id", r->version_id);
    put_date(&b, o, "production_date", r->production_date);
    put_party(&b, o, "payer", &r->payer);
    put_party(&b, o, "payee", &r->payee);
    json_t *plb = json_array();
    if (!plb)
        b.failed = 1;
    for (uint32_t i = 0; plb && i < r->n_plb; i++)
        append(&b, plb, plb_json(&b, &r->plb[i]));
    put(&b, o, "plb", plb);
    put_int(&b, o, "claims", r->claims);
    put_int(&b, o, "lines", r->lines);
    put_int(&b, o, "reversals", r->reversals);
    put_int(&b, o, "denials", r->denials);
    put_int(&b, o, "total_charge_cents", r->total_charge_cents);
    put_int(&b, o, "total_paid_cents", r->total_paid_cents);
    put_int(&b, o, "total_patient_resp_cents", r->total_patient_resp_cents);
    json_t *cas = json_object();
    if (!cas)
        b.failed = 1;
    for (int g = 0; cas && g < RCM_CAS_GROUPS; g++)
        if (g != RCM_CAS_OTHER || r->total_cas_cents[g])
            put_int(&b, cas, groups[g], r->total_cas_cents[g]);
    put(&b, o, "total_cas_cents", cas);
    put_int(&b, o, "total_plb_cents", r->total_plb_cents);
    put_bool(&b, o, "balanced", r->balanced);
    put_bool(&b, o, "complete", r->complete);
    put_nz(&b, o, "segment", r->segment);
    put_nz(&b, o, "line", r->line);
    if (b.failed) {
        json_decref(o);
        return NULL;
    }
    return o;
}
