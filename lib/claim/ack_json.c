/*
 * The acknowledgment models' JSON face (docs/x12-json.md, "Acknowledgments",
 * is the contract): 999 / 997, 277CA / 277, TA1, and the structural summary
 * of other sets.
 *
 * Keys are the C field names, with "type" first ("999", "277", "ta1",
 * "generic"). Codes are strings (one-letter statuses too), money integer
 * cents in keys ending _cents, quantities integer thousandths in keys ending
 * _milli, dates "YYYY-MM-DD", flags true/false. Left out: empty strings,
 * absent dates, zero positions, amounts and quantities whose has_ flag is 0,
 * empty code lists and contexts. The record arrays (sets, segments,
 * elements, providers, claims, status, lines) are always there. X12 text that
 * is not UTF-8 has its non-ASCII bytes written as '?'.
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
    size_t n = strlen(s); /* not UTF-8: keep the ASCII, mark the rest */
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

static void put_has(jb *b, json_t *o, const char *key, int has, int64_t v)
{
    if (has)
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

/* An array of the non-empty codes of codes[0..n); left out when all are empty. */
static void put_codes(jb *b, json_t *o, const char *key, const char (*codes)[4], size_t n)
{
    json_t *a = NULL;
    for (size_t i = 0; i < n; i++) {
        if (!codes[i][0])
            continue;
        if (!a && !(a = json_array())) {
            b->failed = 1;
            return;
        }
        if (json_array_append_new(a, jstr(codes[i])) < 0)
            b->failed = 1;
    }
    if (a)
        put(b, o, key, a);
}

static json_t *new_obj(jb *b)
{
    json_t *o = json_object();
    if (!o)
        b->failed = 1;
    return o;
}

/* Appends v (may be NULL: then the build failed) to array a. */
static void append(jb *b, json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) < 0)
        b->failed = 1;
}

/* Returns o, or NULL (o released) when anything failed. */
static json_t *finish(jb *b, json_t *o)
{
    if (b->failed || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* ---- 999 ---- */

static json_t *contexts_json(jb *b, const rcm_ack_context *c, uint32_t n)
{
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *o = new_obj(b);
        if (!o)
            break;
        put_str(b, o, "name", c[i].name);
        put_str(b, o, "ref", c[i].ref);
        put_str(b, o, "seg_id", c[i].seg_id);
        put_nz(b, o, "position", c[i].position);
        put_str(b, o, "loop", c[i].loop);
        put_nz(b, o, "element", c[i].element);
        put_nz(b, o, "component", c[i].component);
        put_nz(b, o, "repetition", c[i].repetition);
        put_str(b, o, "element_ref", c[i].element_ref);
        put_str(b, o, "component_ref", c[i].component_ref);
        append(b, a, o);
    }
    return a;
}

static json_t *element_error_json(jb *b, const rcm_ack_element_error *e)
{
    json_t *o = new_obj(b);
    if (!o)
        return NULL;
    put_nz(b, o, "position", e->position);
    put_nz(b, o, "component", e->component);
    put_nz(b, o, "repetition", e->repetition);
    put_str(b, o, "ref", e->ref);
    put_str(b, o, "code", e->code);
    put_str(b, o, "value", e->value);
    if (e->n_contexts)
        put(b, o, "contexts", contexts_json(b, e->contexts, e->n_contexts));
    return o;
}

static json_t *segment_error_json(jb *b, const rcm_ack_segment_error *g)
{
    json_t *o = new_obj(b), *els = json_array();
    if (!o || !els) {
        b->failed = 1;
        json_decref(els);
        return o;
    }
    put_str(b, o, "seg_id", g->seg_id);
    put_nz(b, o, "position", g->position);
    put_str(b, o, "loop", g->loop);
    put_str(b, o, "code", g->code);
    put_str(b, o, "claim_id", g->claim_id);
    if (g->n_contexts)
        put(b, o, "contexts", contexts_json(b, g->contexts, g->n_contexts));
    for (uint32_t i = 0; i < g->n_elements; i++)
        append(b, els, element_error_json(b, &g->elements[i]));
    put(b, o, "elements", els);
    return o;
}

static json_t *set_json(jb *b, const rcm_ack_set *s)
{
    json_t *o = new_obj(b), *segs = json_array();
    if (!o || !segs) {
        b->failed = 1;
        json_decref(segs);
        return o;
    }
    put_str(b, o, "st_id", s->st_id);
    put_str(b, o, "st_control", s->st_control);
    put_str(b, o, "version", s->version);
    put_char(b, o, "status", s->status);
    put_codes(b, o, "codes", s->codes, ARRAY_SIZE(s->codes));
    for (uint32_t i = 0; i < s->n_segments; i++)
        append(b, segs, segment_error_json(b, &s->segments[i]));
    put(b, o, "segments", segs);
    put_int(b, o, "segment", s->segment);
    put_int(b, o, "line", s->line);
    return o;
}

json_t *rcm_ack999_to_json(const rcm_ack999 *a)
{
    jb b = { 0 };
    json_t *o = new_obj(&b), *sets = json_array();
    if (!o || !sets) {
        json_decref(sets);
        return finish(&b, o);
    }
    put_str(&b, o, "type", "999");
    put_str(&b, o, "st_id", a->st_id);
    put_str(&b, o, "st_control", a->st_control);
    put_str(&b, o, "st_version", a->st_version);
    put_str(&b, o, "func_id", a->func_id);
    put_str(&b, o, "group_control", a->group_control);
    put_str(&b, o, "version", a->version);
    for (uint32_t i = 0; i < a->n_sets; i++)
        append(&b, sets, set_json(&b, &a->sets[i]));
    put(&b, o, "sets", sets);
    if (a->group_status) {
        put_char(&b, o, "group_status", a->group_status);
        put_int(&b, o, "included", a->included);
        put_int(&b, o, "received", a->received);
        put_int(&b, o, "accepted", a->accepted);
    }
    put_codes(&b, o, "group_codes", a->group_codes, ARRAY_SIZE(a->group_codes));
    put_int(&b, o, "segment", a->segment);
    put_int(&b, o, "line", a->line);
    return finish(&b, o);
}

/* ---- 277CA / 277 ---- */

static json_t *statuses_json(jb *b, const rcm_ack_status *s, uint32_t n)
{
    json_t *a = json_array();
    if (!a) {
        b->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        json_t *o = new_obj(b);
        if (!o)
            break;
        put_str(b, o, "category", s[i].category);
        put_str(b, o, "code", s[i].code);
        put_str(b, o, "entity", s[i].entity);
        put_str(b, o, "code_list", s[i].code_list);
        put_int(b, o, "element", s[i].element);
        put_date(b, o, "date", s[i].date);
        put_str(b, o, "action", s[i].action);
        put_has(b, o, "amount_cents", s[i].has_amount, s[i].amount_cents);
        put_has(b, o, "paid_cents", s[i].has_paid, s[i].paid_cents);
        put_date(b, o, "adjudication_date", s[i].adjudication_date);
        put_str(b, o, "payment_method", s[i].payment_method);
        put_date(b, o, "check_date", s[i].check_date);
        put_str(b, o, "check_number", s[i].check_number);
        put_str(b, o, "free_text", s[i].free_text);
        append(b, a, o);
    }
    return a;
}

static json_t *line_json(jb *b, const rcm_ack_line *l)
{
    json_t *o = new_obj(b);
    if (!o)
        return NULL;
    put_str(b, o, "qualifier", l->qualifier);
    put_str(b, o, "procedure", l->procedure);
    json_t *mods = NULL;
    for (int i = 0; i < 4; i++) {
        if (!l->modifiers[i][0])
            continue;
        if (!mods && !(mods = json_array())) {
            b->failed = 1;
            break;
        }
        append(b, mods, jstr(l->modifiers[i]));
    }
    if (mods)
        put(b, o, "modifiers", mods);
    put_int(b, o, "charge_cents", l->charge_cents);
    put_has(b, o, "paid_cents", l->has_paid, l->paid_cents);
    put_str(b, o, "revenue_code", l->revenue_code);
    put_nz(b, o, "units_milli", l->units_milli);
    put_str(b, o, "line_id", l->line_id);
    put_date(b, o, "service_from", l->service_from);
    put_date(b, o, "service_to", l->service_to);
    put(b, o, "status", statuses_json(b, l->status, l->n_status));
    put_int(b, o, "segment", l->segment);
    put_int(b, o, "line", l->line);
    return o;
}

static json_t *claim_json(jb *b, const rcm_ack_claim *c)
{
    json_t *o = new_obj(b), *lines = json_array();
    if (!o || !lines) {
        b->failed = 1;
        json_decref(lines);
        return o;
    }
    put_str(b, o, "claim_id", c->claim_id);
    put_str(b, o, "trace", c->trace);
    put_str(b, o, "payer_claim_number", c->payer_claim_number);
    put_str(b, o, "clearinghouse_id", c->clearinghouse_id);
    put_str(b, o, "bill_type", c->bill_type);
    put_str(b, o, "patient_last", c->patient_last);
    put_str(b, o, "patient_first", c->patient_first);
    put_str(b, o, "member_id", c->member_id);
    put_date(b, o, "service_from", c->service_from);
    put_date(b, o, "service_to", c->service_to);
    put_has(b, o, "charge_cents", c->n_status && c->status[0].has_amount, c->charge_cents);
    put_bool(b, o, "accepted", c->accepted);
    put_bool(b, o, "rejected", c->rejected);
    put(b, o, "status", statuses_json(b, c->status, c->n_status));
    put_str(b, o, "provider_id", c->provider_id);
    if (c->provider >= 0)
        put_int(b, o, "provider", c->provider);
    put_str(b, o, "level", c->level);
    for (uint32_t i = 0; i < c->n_lines; i++)
        append(b, lines, line_json(b, &c->lines[i]));
    put(b, o, "lines", lines);
    put_int(b, o, "segment", c->segment);
    put_int(b, o, "line", c->line);
    return o;
}

static json_t *provider_json(jb *b, const rcm_ack_provider *p)
{
    json_t *o = new_obj(b);
    if (!o)
        return NULL;
    put_str(b, o, "name", p->name);
    put_str(b, o, "id_qualifier", p->id_qualifier);
    put_str(b, o, "id", p->id);
    put_str(b, o, "trace", p->trace);
    put(b, o, "status", statuses_json(b, p->status, p->n_status));
    put_has(b, o, "accepted_qty", p->has_accepted_qty, p->accepted_qty);
    put_has(b, o, "rejected_qty", p->has_rejected_qty, p->rejected_qty);
    put_has(b, o, "accepted_cents", p->has_accepted_amount, p->accepted_cents);
    put_has(b, o, "rejected_cents", p->has_rejected_amount, p->rejected_cents);
    put_int(b, o, "n_claims", p->n_claims);
    put_int(b, o, "segment", p->segment);
    put_int(b, o, "line", p->line);
    return o;
}

json_t *rcm_ack277_to_json(const rcm_ack277 *a)
{
    jb b = { 0 };
    json_t *o = new_obj(&b), *provs = json_array(), *claims = json_array();
    if (!o || !provs || !claims) {
        b.failed = 1;
        json_decref(provs);
        json_decref(claims);
        return finish(&b, o);
    }
    put_str(&b, o, "type", "277");
    put_str(&b, o, "st_control", a->st_control);
    put_str(&b, o, "version", a->version);
    put_bool(&b, o, "is_277ca", a->is_277ca);
    put_str(&b, o, "bht_id", a->bht_id);
    put_date(&b, o, "bht_date", a->bht_date);
    put_str(&b, o, "source_name", a->source_name);
    put_str(&b, o, "source_id", a->source_id);
    put_str(&b, o, "source_trace", a->source_trace);
    put_date(&b, o, "received_date", a->received_date);
    put_date(&b, o, "processed_date", a->processed_date);
    put_str(&b, o, "receiver_name", a->receiver_name);
    put_str(&b, o, "receiver_id", a->receiver_id);
    put_str(&b, o, "receiver_trace", a->receiver_trace);
    if (a->n_receiver_status)
        put(&b, o, "receiver_status", statuses_json(&b, a->receiver_status, a->n_receiver_status));
    put_has(&b, o, "accepted_qty", a->has_accepted_qty, a->accepted_qty);
    put_has(&b, o, "rejected_qty", a->has_rejected_qty, a->rejected_qty);
    put_has(&b, o, "accepted_cents", a->has_accepted_amount, a->accepted_cents);
    put_has(&b, o, "rejected_cents", a->has_rejected_amount, a->rejected_cents);
    put_int(&b, o, "claims_accepted", a->claims_accepted);
    put_int(&b, o, "claims_rejected", a->claims_rejected);
    for (uint32_t i = 0; i < a->n_providers; i++)
        append(&b, provs, provider_json(&b, &a->providers[i]));
    put(&b, o, "providers", provs);
    for (uint32_t i = 0; i < a->n_claims; i++)
        append(&b, claims, claim_json(&b, &a->claims[i]));
    put(&b, o, "claims", claims);
    put_int(&b, o, "segment", a->segment);
    put_int(&b, o, "line", a->line);
    return finish(&b, o);
}

/* ---- TA1 ---- */

json_t *rcm_ta1_to_json(const rcm_ta1 *t)
{
    jb b = { 0 };
    json_t *o = new_obj(&b);
    if (!o)
        return NULL;
    put_str(&b, o, "type", "ta1");
    put_str(&b, o, "control", t->control);
    put_date(&b, o, "date", t->date);
    put_str(&b, o, "time", t->time);
    put_char(&b, o, "status", t->status);
    put_str(&b, o, "note", t->note);
    put_str(&b, o, "isa_control", t->isa_control);
    put_int(&b, o, "segment", t->segment);
    put_int(&b, o, "line", t->line);
    return finish(&b, o);
}

/* ---- structural summary ---- */

json_t *rcm_x12_generic_to_json(const rcm_x12_generic *g)
{
    static const char *const levels[] = { "20", "21", "22", "23", "19", "PT", "other" };
    jb b = { 0 };
    json_t *o = new_obj(&b), *hl = json_object();
    if (!o || !hl) {
        b.failed = 1;
        json_decref(hl);
        return finish(&b, o);
    }
    put_str(&b, o, "type", "generic");
    put_str(&b, o, "st_id", g->st_id);
    put_str(&b, o, "st_control", g->st_control);
    put_str(&b, o, "version", g->version);
    put_int(&b, o, "segments", g->segments);
    put_int(&b, o, "hl_count", g->hl_count);
    for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
        put_int(&b, hl, levels[i], g->hl_by_level[i]);
    put(&b, o, "hl_by_level", hl);
    put_int(&b, o, "eb_count", g->eb_count);
    put_int(&b, o, "eb_active", g->eb_active);
    put_int(&b, o, "eb_inactive", g->eb_inactive);
    put_int(&b, o, "aaa_count", g->aaa_count);
    put_int(&b, o, "stc_count", g->stc_count);
    put_int(&b, o, "trn_count", g->trn_count);
    put_int(&b, o, "eq_count", g->eq_count);
    put_int(&b, o, "ins_count", g->ins_count);
    put_int(&b, o, "segment", g->segment);
    put_int(&b, o, "line", g->line);
    return finish(&b, o);
}
