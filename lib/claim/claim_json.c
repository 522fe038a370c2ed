/*
 * The claim model's JSON face (docs/claim-json.md is the contract).
 *
 * Both directions are driven by one table per struct: a JSON key is the C
 * field name, so what rcm_claim_to_json writes rcm_claim_from_json reads
 * back to the same claim. Writing leaves out what is absent (empty strings,
 * 0 chars, RCM_DATE_NONE dates, optional amounts whose has_ flag is 0,
 * absent parties, empty arrays). Reading checks types, lengths and formats,
 * rejects unknown keys (typos), and reports the JSON path of what is wrong:
 * "lines[2].charge_cents: must be an integer". Whether a claim has what an
 * 837 needs is the writer's business, not this file's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "../util/util.h"
#include "rcm/claim.h"
#include "rcm/json.h"
#include "json_internal.h"

void rcm_claim_line_init(rcm_claim_line *l)
{
    memset(l, 0, sizeof(*l));
    l->from = l->to = RCM_DATE_NONE;
}

void rcm_claim_init(rcm_claim *c)
{
    memset(c, 0, sizeof(*c));
    c->bht_date = RCM_DATE_NONE;
    c->subscriber_dob = c->patient_dob = RCM_DATE_NONE;
    c->onset = c->accident = c->admission = c->discharge = c->last_seen = RCM_DATE_NONE;
    c->statement_from = c->statement_to = RCM_DATE_NONE;
}

/* ---- the tables ---- */

enum ftype {
    F_STR,        /* char[size], "" absent */
    F_CHAR,       /* char, 0 absent; a one-character string */
    F_CENTS,      /* int64_t, always written */
    F_CENTS_NZ,   /* int64_t, written when not 0 */
    F_CENTS_HAS,  /* int64_t with an int has-flag at off2 */
    F_MILLI,      /* int64_t thousandths, always written */
    F_MILLI_NZ,
    F_MILLI_HAS,
    F_DATE,       /* rcm_date, "YYYY-MM-DD" */
    F_U32,        /* uint32_t, always written */
    F_U32_NZ,
    F_LONG_NZ,    /* long, written when not 0 */
    F_KIND,       /* char 'P'/'I' as "professional"/"institutional" */
    F_PARTY,      /* rcm_party, written when present */
    F_GROUP,      /* fields of the same struct gathered under one key */
    F_ARR,        /* pointer at off, uint32_t count at off2, elements of sub */
    F_INLINE,     /* inline array of sub (max size elements), count at off2 */
    F_STRS,       /* char[max][size] written as an array of strings, trailing "" dropped */
    F_PTRS,       /* uint8_t[4] diagnosis pointers, trailing 0 dropped */
    F_DX,         /* dx[][8] with n_dx (off2) and dx_poa */
    F_DXPOA       /* dx_poa: written with dx, read after it */
};

#define F_REQ 1   /* from_json: the key must be there */

typedef struct fdesc fdesc;
typedef struct sdesc {
    const fdesc *f;
    size_t n;
    size_t size;                /* sizeof the struct */
    void (*init)(void *);       /* sets a fresh element's defaults (after zeroing) */
} sdesc;

struct fdesc {
    const char *name;
    uint8_t type, flags;
    uint16_t max;               /* F_INLINE / F_STRS: number of slots */
    uint32_t off, size, off2;
    const sdesc *sub;
};

#define S(st, f) #f, F_STR, 0, 0, offsetof(st, f), sizeof(((st *)0)->f), 0, NULL
#define SR(st, f) #f, F_STR, F_REQ, 0, offsetof(st, f), sizeof(((st *)0)->f), 0, NULL
#define C(st, f) #f, F_CHAR, 0, 0, offsetof(st, f), 1, 0, NULL
#define T(type, st, f) #f, type, 0, 0, offsetof(st, f), sizeof(((st *)0)->f), 0, NULL
#define TR(type, st, f) #f, type, F_REQ, 0, offsetof(st, f), sizeof(((st *)0)->f), 0, NULL
#define HAS(type, st, f, h) #f, type, 0, 0, offsetof(st, f), sizeof(((st *)0)->f), offsetof(st, h), NULL
#define ARR(st, f, n, sd) #f, F_ARR, 0, 0, offsetof(st, f), 0, offsetof(st, n), &sd
#define PARTY(st, f) #f, F_PARTY, 0, 0, offsetof(st, f), sizeof(rcm_party), 0, &party_d
#define STRS(st, f, m) #f, F_STRS, 0, m, offsetof(st, f), sizeof(((st *)0)->f[0]), 0, NULL
#define SD(name, st, arr, initfn) static const sdesc name = { arr, ARRAY_SIZE(arr), sizeof(st), initfn }

static const fdesc ref_f[] = {
    { SR(rcm_ref, qual) },
    { S(rcm_ref, value) },
};
SD(ref_d, rcm_ref, ref_f, NULL);

static const fdesc amt_f[] = {
    { SR(rcm_amt, qual) },
    { TR(F_CENTS, rcm_amt, cents) },
};
SD(amt_d, rcm_amt, amt_f, NULL);

static void date_init(void *p)
{
    rcm_claim_date *d = p;
    d->from = d->to = RCM_DATE_NONE;
}
static const fdesc date_f[] = {
    { SR(rcm_claim_date, qual) },
    { T(F_DATE, rcm_claim_date, from) },
    { T(F_DATE, rcm_claim_date, to) },
};
SD(date_d, rcm_claim_date, date_f, date_init);

static const fdesc cas_f[] = {
    { SR(rcm_cas, group) },
    { SR(rcm_cas, reason) },
    { TR(F_CENTS, rcm_cas, amount_cents) },
    { HAS(F_MILLI_HAS, rcm_cas, qty_milli, has_qty) },
};
SD(cas_d, rcm_cas, cas_f, NULL);

static void party_init(void *p) { ((rcm_party *)p)->present = 1; }
static const fdesc party_f[] = {
    { S(rcm_party, entity) },
    { C(rcm_party, type) },
    { S(rcm_party, last) },
    { S(rcm_party, first) },
    { S(rcm_party, middle) },
    { S(rcm_party, suffix) },
    { S(rcm_party, id_qual) },
    { S(rcm_party, id) },
    { S(rcm_party, addr1) },
    { S(rcm_party, addr2) },
    { S(rcm_party, city) },
    { S(rcm_party, state) },
    { S(rcm_party, zip) },
    { S(rcm_party, country) },
    { S(rcm_party, country_sub) },
    { S(rcm_party, taxonomy) },
    { S(rcm_party, tax_id_qual) },
    { S(rcm_party, tax_id) },
    { S(rcm_party, secondary_qual) },
    { S(rcm_party, secondary_id) },
    { "other_ids", F_INLINE, 0, RCM_PARTY_MAX_IDS, offsetof(rcm_party, other_ids), sizeof(rcm_ref),
      offsetof(rcm_party, n_other_ids), &ref_d },
    { S(rcm_party, contact) },
    { S(rcm_party, phone) },
    { S(rcm_party, phone_ext) },
    { S(rcm_party, email) },
    { S(rcm_party, fax) },
};
SD(party_d, rcm_party, party_f, party_init);

static const fdesc attachment_f[] = {
    { SR(rcm_attachment, report_type) },
    { SR(rcm_attachment, transmission) },
    { S(rcm_attachment, control) },
};
SD(attachment_d, rcm_attachment, attachment_f, NULL);

static void adj_init(void *p) { ((rcm_line_adj *)p)->adjudicated = RCM_DATE_NONE; }
static const fdesc adj_f[] = {
    { S(rcm_line_adj, payer_id) },
    { TR(F_CENTS, rcm_line_adj, paid_cents) },
    { S(rcm_line_adj, qual) },
    { S(rcm_line_adj, code) },
    { STRS(rcm_line_adj, mods, RCM_CLAIM_MAX_MODS) },
    { S(rcm_line_adj, desc) },
    { S(rcm_line_adj, revenue_code) },
    { T(F_MILLI, rcm_line_adj, units_milli) },
    { T(F_U32_NZ, rcm_line_adj, bundled_line) },
    { T(F_DATE, rcm_line_adj, adjudicated) },
    { ARR(rcm_line_adj, cas, n_cas, cas_d) },
    { HAS(F_CENTS_HAS, rcm_line_adj, remaining_cents, has_remaining) },
};
SD(adj_d, rcm_line_adj, adj_f, adj_init);

static void line_init(void *p) { rcm_claim_line_init(p); }
static const fdesc line_f[] = {
    { T(F_U32_NZ, rcm_claim_line, number) },
    { S(rcm_claim_line, qual) },
    { S(rcm_claim_line, code) },
    { STRS(rcm_claim_line, mods, RCM_CLAIM_MAX_MODS) },
    { S(rcm_claim_line, desc) },
    { S(rcm_claim_line, revenue_code) },
    { TR(F_CENTS, rcm_claim_line, charge_cents) },
    { S(rcm_claim_line, unit_type) },
    { TR(F_MILLI, rcm_claim_line, units_milli) },
    { S(rcm_claim_line, pos) },
    { "dx_ptr", F_PTRS, 0, RCM_CLAIM_MAX_PTR, offsetof(rcm_claim_line, dx_ptr), 1, 0, NULL },
    { C(rcm_claim_line, emergency) },
    { C(rcm_claim_line, epsdt) },
    { C(rcm_claim_line, family_planning) },
    { T(F_CENTS_NZ, rcm_claim_line, noncovered_cents) },
    { T(F_DATE, rcm_claim_line, from) },
    { T(F_DATE, rcm_claim_line, to) },
    { S(rcm_claim_line, control) },
    { S(rcm_claim_line, prior_auth) },
    { S(rcm_claim_line, ndc_qual) },
    { S(rcm_claim_line, ndc) },
    { S(rcm_claim_line, ndc_unit) },
    { T(F_MILLI_NZ, rcm_claim_line, ndc_qty_milli) },
    { S(rcm_claim_line, drug_ref_qual) },
    { S(rcm_claim_line, drug_ref) },
    { PARTY(rcm_claim_line, rendering) },
    { ARR(rcm_claim_line, providers, n_providers, party_d) },
    { S(rcm_claim_line, note_qual) },
    { S(rcm_claim_line, note) },
    { ARR(rcm_claim_line, refs, n_refs, ref_d) },
    { ARR(rcm_claim_line, dates, n_dates, date_d) },
    { ARR(rcm_claim_line, amts, n_amts, amt_d) },
    { ARR(rcm_claim_line, adj, n_adj, adj_d) },
    { ARR(rcm_claim_line, attachments, n_attachments, attachment_d) },
};
SD(line_d, rcm_claim_line, line_f, line_init);

static void other_init(void *p) { ((rcm_other_payer *)p)->adjudicated = RCM_DATE_NONE; }
static const fdesc other_f[] = {
    { C(rcm_other_payer, seq) },
    { S(rcm_other_payer, rel) },
    { S(rcm_other_payer, group) },
    { S(rcm_other_payer, group_name) },
    { S(rcm_other_payer, ins_type) },
    { S(rcm_other_payer, filing) },
    { ARR(rcm_other_payer, cas, n_cas, cas_d) },
    { HAS(F_CENTS_HAS, rcm_other_payer, paid_cents, has_paid) },
    { HAS(F_CENTS_HAS, rcm_other_payer, remaining_cents, has_remaining) },
    { HAS(F_CENTS_HAS, rcm_other_payer, noncovered_cents, has_noncovered) },
    { C(rcm_other_payer, benefits) },
    { C(rcm_other_payer, sig_source) },
    { C(rcm_other_payer, release) },
    { PARTY(rcm_other_payer, subscriber) },
    { PARTY(rcm_other_payer, payer) },
    { T(F_DATE, rcm_other_payer, adjudicated) },
    { S(rcm_other_payer, payer_claim_number) },
};
SD(other_d, rcm_other_payer, other_f, other_init);

static void code_init(void *p)
{
    rcm_claim_code *k = p;
    k->date = k->date_to = RCM_DATE_NONE;
}
static const fdesc code_f[] = {
    { SR(rcm_claim_code, qual) },
    { S(rcm_claim_code, code) },
    { T(F_DATE, rcm_claim_code, date) },
    { T(F_DATE, rcm_claim_code, date_to) },
    { HAS(F_CENTS_HAS, rcm_claim_code, amount_cents, has_amount) },
    { C(rcm_claim_code, poa) },
};
SD(code_d, rcm_claim_code, code_f, code_init);

/* "source" and "bht": claim fields gathered under one key (offsets are the claim's). */
static const fdesc source_f[] = {
    { S(rcm_claim, st_control) },
    { "segment", F_LONG_NZ, 0, 0, offsetof(rcm_claim, segment), sizeof(long), 0, NULL },
    { "line", F_LONG_NZ, 0, 0, offsetof(rcm_claim, line), sizeof(long), 0, NULL },
};
SD(source_d, rcm_claim, source_f, NULL);

static const fdesc bht_f[] = {
    { "id", F_STR, 0, 0, offsetof(rcm_claim, bht_id), sizeof(((rcm_claim *)0)->bht_id), 0, NULL },
    { "purpose", F_STR, 0, 0, offsetof(rcm_claim, bht_purpose), sizeof(((rcm_claim *)0)->bht_purpose), 0, NULL },
    { "type", F_STR, 0, 0, offsetof(rcm_claim, bht_type), sizeof(((rcm_claim *)0)->bht_type), 0, NULL },
    { "date", F_DATE, 0, 0, offsetof(rcm_claim, bht_date), sizeof(rcm_date), 0, NULL },
    { "time", F_STR, 0, 0, offsetof(rcm_claim, bht_time), sizeof(((rcm_claim *)0)->bht_time), 0, NULL },
};
SD(bht_d, rcm_claim, bht_f, NULL);

static const fdesc claim_f[] = {
    { "kind", F_KIND, F_REQ, 0, offsetof(rcm_claim, kind), 1, 0, NULL },
    { SR(rcm_claim, id) },
    { TR(F_CENTS, rcm_claim, charge_cents) },
    { "source", F_GROUP, 0, 0, 0, 0, 0, &source_d },
    { "bht", F_GROUP, 0, 0, 0, 0, 0, &bht_d },
    { PARTY(rcm_claim, submitter) },
    { PARTY(rcm_claim, receiver) },
    { PARTY(rcm_claim, billing) },
    { PARTY(rcm_claim, pay_to) },
    { PARTY(rcm_claim, pay_to_plan) },
    { PARTY(rcm_claim, subscriber) },
    { PARTY(rcm_claim, payer) },
    { PARTY(rcm_claim, patient) },
    { PARTY(rcm_claim, referring) },
    { PARTY(rcm_claim, primary_care) },
    { PARTY(rcm_claim, rendering) },
    { PARTY(rcm_claim, facility) },
    { PARTY(rcm_claim, supervising) },
    { PARTY(rcm_claim, ambulance_pickup) },
    { PARTY(rcm_claim, ambulance_dropoff) },
    { PARTY(rcm_claim, attending) },
    { PARTY(rcm_claim, operating) },
    { PARTY(rcm_claim, other_operating) },
    { C(rcm_claim, payer_seq) },
    { S(rcm_claim, subscriber_rel) },
    { S(rcm_claim, group) },
    { S(rcm_claim, group_name) },
    { S(rcm_claim, ins_type) },
    { S(rcm_claim, filing) },
    { S(rcm_claim, patient_rel) },
    { T(F_DATE, rcm_claim, subscriber_dob) },
    { C(rcm_claim, subscriber_sex) },
    { T(F_DATE, rcm_claim, patient_dob) },
    { C(rcm_claim, patient_sex) },
    { S(rcm_claim, pos) },
    { C(rcm_claim, facility_qual) },
    { C(rcm_claim, freq) },
    { C(rcm_claim, signature) },
    { C(rcm_claim, assignment) },
    { C(rcm_claim, benefits) },
    { C(rcm_claim, release) },
    { C(rcm_claim, sig_source) },
    { STRS(rcm_claim, related, 3) },
    { S(rcm_claim, accident_state) },
    { S(rcm_claim, accident_country) },
    { S(rcm_claim, special_program) },
    { S(rcm_claim, delay_reason) },
    { T(F_DATE, rcm_claim, onset) },
    { T(F_DATE, rcm_claim, accident) },
    { T(F_DATE, rcm_claim, admission) },
    { S(rcm_claim, admission_hour) },
    { T(F_DATE, rcm_claim, discharge) },
    { S(rcm_claim, discharge_hour) },
    { T(F_DATE, rcm_claim, last_seen) },
    { T(F_DATE, rcm_claim, statement_from) },
    { T(F_DATE, rcm_claim, statement_to) },
    { S(rcm_claim, admission_type) },
    { S(rcm_claim, admission_source) },
    { S(rcm_claim, patient_status) },
    { HAS(F_CENTS_HAS, rcm_claim, patient_paid_cents, has_patient_paid) },
    { HAS(F_CENTS_HAS, rcm_claim, patient_due_cents, has_patient_due) },
    { S(rcm_claim, prior_auth) },
    { S(rcm_claim, referral) },
    { S(rcm_claim, original_ref) },
    { S(rcm_claim, medical_record) },
    { S(rcm_claim, clia) },
    { ARR(rcm_claim, refs, n_refs, ref_d) },
    { ARR(rcm_claim, dates, n_dates, date_d) },
    { S(rcm_claim, note_qual) },
    { S(rcm_claim, note) },
    { S(rcm_claim, dx_qual) },
    { "dx", F_DX, 0, RCM_CLAIM_MAX_DX, offsetof(rcm_claim, dx), sizeof(((rcm_claim *)0)->dx[0]),
      offsetof(rcm_claim, n_dx), NULL },
    { "dx_poa", F_DXPOA, 0, 0, 0, 0, 0, NULL },
    { S(rcm_claim, admitting_dx) },
    { ARR(rcm_claim, codes, n_codes, code_d) },
    { ARR(rcm_claim, attachments, n_attachments, attachment_d) },
    { ARR(rcm_claim, other, n_other, other_d) },
    { ARR(rcm_claim, lines, n_lines, line_d) },
};
SD(claim_d, rcm_claim, claim_f, NULL);

/* ---- to JSON ---- */

#define AT(base, off, type) ((type *)(void *)((char *)(base) + (off)))
#define CAT(base, off, type) ((const type *)(const void *)((const char *)(base) + (off)))

static int set_new(json_t *o, const char *k, json_t *v)
{
    if (!v)
        return -1;
    return json_object_set_new(o, k, v);
}

static json_t *date_json(rcm_date d)
{
    char tmp[16];
    rcm_date_fmt(tmp, d, 1);
    return json_string(tmp);
}

static json_t *obj_json(const void *base, const sdesc *d);

/* Adds field f of base to o when it is not absent. Returns -1 when out of memory. */
static int field_json(json_t *o, const void *base, const fdesc *f)
{
    switch (f->type) {
    case F_STR: {
        /* a required key is written even when empty, so what is written reads back */
        const char *s = CAT(base, f->off, char);
        return s[0] || (f->flags & F_REQ) ? set_new(o, f->name, jw_text(s)) : 0;
    }
    case F_CHAR: {
        char c = *CAT(base, f->off, char);
        char s[2] = { c, 0 };
        return c ? set_new(o, f->name, jw_text(s)) : 0;
    }
    case F_CENTS:
    case F_MILLI:
        return set_new(o, f->name, json_integer(*CAT(base, f->off, int64_t)));
    case F_CENTS_NZ:
    case F_MILLI_NZ: {
        int64_t v = *CAT(base, f->off, int64_t);
        return v ? set_new(o, f->name, json_integer(v)) : 0;
    }
    case F_CENTS_HAS:
    case F_MILLI_HAS:
        if (!*CAT(base, f->off2, int))
            return 0;
        return set_new(o, f->name, json_integer(*CAT(base, f->off, int64_t)));
    case F_DATE: {
        rcm_date d = *CAT(base, f->off, rcm_date);
        return d != RCM_DATE_NONE ? set_new(o, f->name, date_json(d)) : 0;
    }
    case F_U32:
        return set_new(o, f->name, json_integer(*CAT(base, f->off, uint32_t)));
    case F_U32_NZ: {
        uint32_t v = *CAT(base, f->off, uint32_t);
        return v ? set_new(o, f->name, json_integer(v)) : 0;
    }
    case F_LONG_NZ: {
        long v = *CAT(base, f->off, long);
        return v ? set_new(o, f->name, json_integer(v)) : 0;
    }
    case F_KIND: {
        char k = *CAT(base, f->off, char);
        return set_new(o, f->name, json_string(k == 'I' ? "institutional" : "professional"));
    }
    case F_PARTY: {
        const rcm_party *p = CAT(base, f->off, rcm_party);
        return p->present ? set_new(o, f->name, obj_json(p, f->sub)) : 0;
    }
    case F_GROUP: {
        json_t *g = obj_json(base, f->sub);
        if (!g)
            return -1;
        if (json_object_size(g) == 0) {
            json_decref(g);
            return 0;
        }
        return set_new(o, f->name, g);
    }
    case F_ARR:
    case F_INLINE: {
        uint32_t n = *CAT(base, f->off2, uint32_t);
        if (!n)
            return 0;
        const char *arr = f->type == F_ARR ? *CAT(base, f->off, const char *) : CAT(base, f->off, char);
        json_t *a = json_array();
        if (!a)
            return -1;
        for (uint32_t i = 0; i < n; i++)
            if (json_array_append_new(a, obj_json(arr + i * f->sub->size, f->sub)) < 0) {
                json_decref(a);
                return -1;
            }
        return set_new(o, f->name, a);
    }
    case F_STRS: {
        const char *s = CAT(base, f->off, char);
        int last = -1;
        for (int i = 0; i < f->max; i++)
            if (s[(size_t)i * f->size])
                last = i;
        if (last < 0)
            return 0;
        json_t *a = json_array();
        if (!a)
            return -1;
        for (int i = 0; i <= last; i++)
            if (json_array_append_new(a, jw_text(s + (size_t)i * f->size)) < 0) {
                json_decref(a);
                return -1;
            }
        return set_new(o, f->name, a);
    }
    case F_PTRS: {
        const uint8_t *p = CAT(base, f->off, uint8_t);
        int last = -1;
        for (int i = 0; i < f->max; i++)
            if (p[i])
                last = i;
        if (last < 0)
            return 0;
        json_t *a = json_array();
        if (!a)
            return -1;
        for (int i = 0; i <= last; i++)
            if (json_array_append_new(a, json_integer(p[i])) < 0) {
                json_decref(a);
                return -1;
            }
        return set_new(o, f->name, a);
    }
    case F_DX: {
        const rcm_claim *c = base;
        if (!c->n_dx)
            return 0;
        json_t *a = json_array(), *poa = NULL;
        if (!a)
            return -1;
        int any_poa = 0;
        for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
            any_poa |= c->dx_poa[i] != 0;
            if (json_array_append_new(a, jw_text(c->dx[i])) < 0) {
                json_decref(a);
                return -1;
            }
        }
        if (set_new(o, f->name, a) < 0)
            return -1;
        if (!any_poa)
            return 0;
        if (!(poa = json_array()))
            return -1;
        for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
            char s[2] = { c->dx_poa[i], 0 };
            if (json_array_append_new(poa, jw_text(s)) < 0) {
                json_decref(poa);
                return -1;
            }
        }
        return set_new(o, "dx_poa", poa);
    }
    case F_DXPOA:
        return 0;
    }
    return 0;
}

static json_t *obj_json(const void *base, const sdesc *d)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    for (size_t i = 0; i < d->n; i++)
        if (field_json(o, base, &d->f[i]) < 0) {
            json_decref(o);
            return NULL;
        }
    return o;
}

json_t *rcm_claim_to_json(const rcm_claim *c)
{
    return obj_json(c, &claim_d);
}

/* ---- from JSON ---- */

typedef struct owned_claim {
    rcm_claim c;                /* first: rcm_claim_free casts back */
    arena mem;
} owned_claim;

typedef struct jctx {
    arena *mem;
    rcm_error *err;
    char path[192];
    size_t plen;
} jctx;

/* Path stack: push ".key" or "[i]", pop back to a saved length. */
static size_t path_key(jctx *j, const char *key)
{
    size_t at = j->plen;
    int n = snprintf(j->path + at, sizeof(j->path) - at, "%s%s", at ? "." : "", key);
    if (n > 0)
        j->plen = at + (size_t)n < sizeof(j->path) ? at + (size_t)n : sizeof(j->path) - 1;
    return at;
}

static size_t path_index(jctx *j, size_t i)
{
    size_t at = j->plen;
    int n = snprintf(j->path + at, sizeof(j->path) - at, "[%zu]", i);
    if (n > 0)
        j->plen = at + (size_t)n < sizeof(j->path) ? at + (size_t)n : sizeof(j->path) - 1;
    return at;
}

static void path_pop(jctx *j, size_t at)
{
    j->plen = at;
    j->path[at] = '\0';
}

static int bad(jctx *j, const char *fmt, ...) RCM_PRINTF(2, 3);
static int bad(jctx *j, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return rcm_error_set(j->err, RCM_EFORMAT, "%s: %s", j->path[0] ? j->path : "claim", msg);
}

static int obj_from(jctx *j, void *base, const sdesc *d, const json_t *o);

static int int_from(jctx *j, const json_t *v, int64_t min, int64_t max, int64_t *out)
{
    if (!json_is_integer(v))
        return bad(j, "must be an integer");
    json_int_t x = json_integer_value(v);
    if (x < min || x > max)
        return bad(j, "%lld is out of range (%lld to %lld)", (long long)x, (long long)min,
                   (long long)max);
    *out = (int64_t)x;
    return 0;
}

static int str_from(jctx *j, const json_t *v, char *dst, size_t sz)
{
    if (!json_is_string(v))
        return bad(j, "must be a string");
    size_t n = json_string_length(v);
    const char *s = json_string_value(v);
    if (memchr(s, '\0', n))
        return bad(j, "must not contain a NUL character");
    char tmp[512];
    size_t k = n < sizeof(tmp) ? jw_latin1_fold(s, n, tmp) : (size_t)-1;
    if (k != (size_t)-1) {
        s = tmp;
        n = k;
    }
    if (n >= sz)
        return bad(j, "'%.40s%s' is too long: at most %zu character%s", json_string_value(v),
                   n > 40 ? "..." : "", sz - 1, sz == 2 ? "" : "s");
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

static int date_from(jctx *j, const json_t *v, rcm_date *out)
{
    if (!json_is_string(v) ||
        rcm_date_parse_iso(out, rcm_str_c(json_string_value(v))) < 0)
        return bad(j, "must be a date YYYY-MM-DD");
    return 0;
}

static int array_of(jctx *j, const json_t *v, size_t max)
{
    if (!json_is_array(v))
        return bad(j, "must be an array");
    if (json_array_size(v) > max)
        return bad(j, "has %zu elements, at most %zu are allowed", json_array_size(v), max);
    return 0;
}

static int dx_from(jctx *j, rcm_claim *c, const json_t *dx)
{
    int rc;
    if ((rc = array_of(j, dx, RCM_CLAIM_MAX_DX)) < 0)
        return rc;
    for (size_t i = 0; i < json_array_size(dx); i++) {
        size_t at = path_index(j, i);
        if ((rc = str_from(j, json_array_get(dx, i), c->dx[i], sizeof(c->dx[i]))) < 0)
            return rc;
        path_pop(j, at);
    }
    c->n_dx = (uint32_t)json_array_size(dx);
    return 0;
}

/* dx_poa: one POA letter ("" when none) per dx; read after dx (table order). */
static int poa_from(jctx *j, rcm_claim *c, const json_t *poa)
{
    int rc;
    if ((rc = array_of(j, poa, c->n_dx)) < 0)
        return rc;
    for (size_t i = 0; i < json_array_size(poa); i++) {
        char s[2];
        size_t at = path_index(j, i);
        if ((rc = str_from(j, json_array_get(poa, i), s, sizeof(s))) < 0)
            return rc;
        c->dx_poa[i] = s[0];
        path_pop(j, at);
    }
    return 0;
}

static int field_from(jctx *j, void *base, const fdesc *f, const json_t *v)
{
    int rc;
    int64_t x;
    switch (f->type) {
    case F_STR:
        return str_from(j, v, AT(base, f->off, char), f->size);
    case F_CHAR: {
        char s[2];
        if ((rc = str_from(j, v, s, sizeof(s))) < 0)
            return rc;
        *AT(base, f->off, char) = s[0];
        return 0;
    }
    case F_CENTS:
    case F_CENTS_NZ:
    case F_CENTS_HAS:
        if ((rc = int_from(j, v, -RCM_CENTS_MAX, RCM_CENTS_MAX, &x)) < 0)
            return rc;
        *AT(base, f->off, int64_t) = x;
        if (f->type == F_CENTS_HAS)
            *AT(base, f->off2, int) = 1;
        return 0;
    case F_MILLI:
    case F_MILLI_NZ:
    case F_MILLI_HAS:
        if ((rc = int_from(j, v, -RCM_CENTS_MAX, RCM_CENTS_MAX, &x)) < 0)
            return rc;
        *AT(base, f->off, int64_t) = x;
        if (f->type == F_MILLI_HAS)
            *AT(base, f->off2, int) = 1;
        return 0;
    case F_DATE:
        return date_from(j, v, AT(base, f->off, rcm_date));
    case F_U32:
    case F_U32_NZ:
        if ((rc = int_from(j, v, 0, UINT32_MAX, &x)) < 0)
            return rc;
        *AT(base, f->off, uint32_t) = (uint32_t)x;
        return 0;
    case F_LONG_NZ:
        if ((rc = int_from(j, v, 0, INT32_MAX, &x)) < 0)
            return rc;
        *AT(base, f->off, long) = (long)x;
        return 0;
    case F_KIND: {
        const char *s = json_string_value(v);
        if (s && strcmp(s, "professional") == 0)
            *AT(base, f->off, char) = 'P';
        else if (s && strcmp(s, "institutional") == 0)
            *AT(base, f->off, char) = 'I';
        else
            return bad(j, "must be \"professional\" or \"institutional\"");
        return 0;
    }
    case F_PARTY: {
        rcm_party *p = AT(base, f->off, rcm_party);
        memset(p, 0, sizeof(*p));
        p->present = 1;
        return obj_from(j, p, f->sub, v);
    }
    case F_GROUP:
        return obj_from(j, base, f->sub, v);
    case F_ARR:
    case F_INLINE: {
        size_t max = f->type == F_INLINE ? f->max : (size_t)1 << 20;
        if ((rc = array_of(j, v, max)) < 0)
            return rc;
        size_t n = json_array_size(v), sz = f->sub->size;
        char *arr;
        if (f->type == F_ARR) {
            arr = n ? arena_alloc(j->mem, n * sz) : NULL;
            if (n && !arr)
                return rcm_error_set(j->err, RCM_ENOMEM, "out of memory");
            *AT(base, f->off, char *) = arr;
        } else {
            arr = AT(base, f->off, char);
        }
        for (size_t i = 0; i < n; i++) {
            char *el = arr + i * sz;
            memset(el, 0, sz);
            if (f->sub->init)
                f->sub->init(el);
            size_t at = path_index(j, i);
            if ((rc = obj_from(j, el, f->sub, json_array_get(v, i))) < 0)
                return rc;
            path_pop(j, at);
        }
        *AT(base, f->off2, uint32_t) = (uint32_t)n;
        return 0;
    }
    case F_STRS: {
        if ((rc = array_of(j, v, f->max)) < 0)
            return rc;
        char *s = AT(base, f->off, char);
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t at = path_index(j, i);
            if ((rc = str_from(j, json_array_get(v, i), s + i * f->size, f->size)) < 0)
                return rc;
            path_pop(j, at);
        }
        return 0;
    }
    case F_PTRS: {
        if ((rc = array_of(j, v, f->max)) < 0)
            return rc;
        uint8_t *p = AT(base, f->off, uint8_t);
        for (size_t i = 0; i < json_array_size(v); i++) {
            size_t at = path_index(j, i);
            if ((rc = int_from(j, json_array_get(v, i), 0, RCM_CLAIM_MAX_DX, &x)) < 0)
                return rc;
            p[i] = (uint8_t)x;
            path_pop(j, at);
        }
        return 0;
    }
    case F_DX:
        return dx_from(j, base, v);
    case F_DXPOA:
        return poa_from(j, base, v);
    }
    return 0;
}

static int obj_from(jctx *j, void *base, const sdesc *d, const json_t *o)
{
    int rc;
    if (!json_is_object(o))
        return bad(j, "must be an object");
    const char *key;
    json_t *v;
    /* every key must be known */
    json_object_foreach((json_t *)o, key, v) {
        size_t i;
        for (i = 0; i < d->n; i++)
            if (strcmp(key, d->f[i].name) == 0)
                break;
        if (i == d->n && !(d == &claim_d && strcmp(key, "type") == 0)) {
            size_t at = path_key(j, key);
            rc = bad(j, "unknown key");
            path_pop(j, at);
            return rc;
        }
    }
    for (size_t i = 0; i < d->n; i++) {
        const fdesc *f = &d->f[i];
        json_t *fv = json_object_get(o, f->name);
        size_t at = path_key(j, f->name);
        if (!fv || json_is_null(fv)) {
            if (f->flags & F_REQ) {
                rc = bad(j, "missing");
                path_pop(j, at);
                return rc;
            }
            path_pop(j, at);
            continue;
        }
        if ((rc = field_from(j, base, f, fv)) < 0)
            return rc;
        path_pop(j, at);
    }
    return 0;
}

int rcm_claim_from_json(rcm_claim **out, const json_t *jv, rcm_error *err)
{
    *out = NULL;
    owned_claim *oc = malloc(sizeof(*oc));
    if (!oc)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    rcm_claim_init(&oc->c);
    arena_init(&oc->mem, 16 * 1024, (size_t)256 << 20);
    jctx j;
    memset(&j, 0, sizeof(j));
    j.mem = &oc->mem;
    j.err = err;
    if (json_is_object(jv)) {
        json_t *t = json_object_get(jv, "type");
        if (t && !(json_is_string(t) && strcmp(json_string_value(t), "claim") == 0)) {
            rcm_claim_free(&oc->c);
            return rcm_error_set(err, RCM_EFORMAT, "type: must be \"claim\"");
        }
    }
    int rc = obj_from(&j, &oc->c, &claim_d, jv);
    if (rc < 0) {
        rcm_claim_free(&oc->c);
        return rc;
    }
    *out = &oc->c;
    return 0;
}

void rcm_claim_free(rcm_claim *c)
{
    if (!c)
        return;
    owned_claim *oc = (owned_claim *)(void *)c;
    arena_release(&oc->mem);
    free(oc);
}
