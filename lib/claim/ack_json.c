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
#include "json_internal.h"

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
        if (json_array_append_new(a, jw_ascii_text(codes[i])) < 0)
            b->failed = 1;
    }
    if (a)
        jw_put(b, o, key, a);
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
        json_t *o = jw_new_obj(b);
        if (!o)
            break;
        jw_put_str(b, o, "name", c[i].name);
        jw_put_str(b, o, "ref", c[i].ref);
        jw_put_str(b, o, "seg_id", c[i].seg_id);
        jw_put_nz(b, o, "position", c[i].position);
        jw_put_str(b, o, "loop", c[i].loop);
        jw_put_nz(b, o, "element", c[i].element);
        jw_put_nz(b, o, "component", c[i].component);
        jw_put_nz(b, o, "repetition", c[i].repetition);
        jw_put_str(b, o, "element_ref", c[i].element_ref);
        jw_put_str(b, o, "component_ref", c[i].component_ref);
        jw_append(b, a, o);
    }
    return a;
}

static json_t *element_error_json(jb *b, const rcm_ack_element_error *e)
{
    json_t *o = jw_new_obj(b);
    if (!o)
        return NULL;
    jw_put_nz(b, o, "position", e->position);
    jw_put_nz(b, o, "component", e->component);
    jw_put_nz(b, o, "repetition", e->repetition);
    jw_put_str(b, o, "ref", e->ref);
    jw_put_str(b, o, "code", e->code);
    jw_put_str(b, o, "value", e->value);
    if (e->n_contexts)
        jw_put(b, o, "contexts", contexts_json(b, e->contexts, e->n_contexts));
    return o;
}

static json_t *segment_error_json(jb *b, const rcm_ack_segment_error *g)
{
    json_t *o = jw_new_obj(b), *els = json_array();
    if (!o || !els) {
        b->failed = 1;
        json_decref(els);
        return o;
    }
    jw_put_str(b, o, "seg_id", g->seg_id);
    jw_put_nz(b, o, "position", g->position);
    jw_put_str(b, o, "loop", g->loop);
    jw_put_str(b, o, "code", g->code);
    jw_put_str(b, o, "claim_id", g->claim_id);
    if (g->n_contexts)
        jw_put(b, o, "contexts", contexts_json(b, g->contexts, g->n_contexts));
    for (uint32_t i = 0; i < g->n_elements; i++)
        jw_append(b, els, element_error_json(b, &g->elements[i]));
    jw_put(b, o, "elements", els);
    return o;
}

static json_t *set_json(jb *b, const rcm_ack_set *s)
{
    json_t *o = jw_new_obj(b), *segs = json_array();
    if (!o || !segs) {
        b->failed = 1;
        json_decref(segs);
        return o;
    }
    jw_put_str(b, o, "st_id", s->st_id);
    jw_put_str(b, o, "st_control", s->st_control);
    jw_put_str(b, o, "version", s->version);
    jw_put_char(b, o, "status", s->status);
    put_codes(b, o, "codes", s->codes, ARRAY_SIZE(s->codes));
    for (uint32_t i = 0; i < s->n_segments; i++)
        jw_append(b, segs, segment_error_json(b, &s->segments[i]));
    jw_put(b, o, "segments", segs);
    jw_put_int(b, o, "segment", s->segment);
    jw_put_int(b, o, "line", s->line);
    return o;
}

json_t *rcm_ack999_to_json(const rcm_ack999 *a)
{
    jb b = { 0 };
    json_t *o = jw_new_obj(&b), *sets = json_array();
    if (!o || !sets) {
        json_decref(sets);
        return jw_finish(&b, o);
    }
    jw_put_str(&b, o, "type", "999");
    jw_put_str(&b, o, "st_id", a->st_id);
    jw_put_str(&b, o, "st_control", a->st_control);
    jw_put_str(&b, o, "st_version", a->st_version);
    jw_put_str(&b, o, "func_id", a->func_id);
    jw_put_str(&b, o, "group_control", a->group_control);
    jw_put_str(&b, o, "version", a->version);
    for (uint32_t i = 0; i < a->n_sets; i++)
        jw_append(&b, sets, set_json(&b, &a->sets[i]));
    jw_put(&b, o, "sets", sets);
    if (a->group_status) {
        jw_put_char(&b, o, "group_status", a->group_status);
        jw_put_int(&b, o, "included", a->included);
        jw_put_int(&b, o, "received", a->received);
        jw_put_int(&b, o, "accepted", a->accepted);
    }
    put_codes(&b, o, "group_codes", a->group_codes, ARRAY_SIZE(a->group_codes));
    jw_put_int(&b, o, "segment", a->segment);
    jw_put_int(&b, o, "line", a->line);
    return jw_finish(&b, o);
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
        json_t *o = jw_new_obj(b);
        if (!o)
            break;
        jw_put_str(b, o, "category", s[i].category);
        jw_put_str(b, o, "code", s[i].code);
        jw_put_str(b, o, "entity", s[i].entity);
        jw_put_str(b, o, "code_list", s[i].code_list);
        jw_put_int(b, o, "element", s[i].element);
        jw_put_date(b, o, "date", s[i].date);
        jw_put_str(b, o, "action", s[i].action);
        jw_put_has(b, o, "amount_cents", s[i].has_amount, s[i].amount_cents);
        jw_put_has(b, o, "paid_cents", s[i].has_paid, s[i].paid_cents);
        jw_put_date(b, o, "adjudication_date", s[i].adjudication_date);
        jw_put_str(b, o, "payment_method", s[i].payment_method);
        jw_put_date(b, o, "check_date", s[i].check_date);
        jw_put_str(b, o, "check_number", s[i].check_number);
        jw_put_str(b, o, "free_text", s[i].free_text);
        jw_append(b, a, o);
    }
    return a;
}

static json_t *line_json(jb *b, const rcm_ack_line *l)
{
    json_t *o = jw_new_obj(b);
    if (!o)
        return NULL;
    jw_put_str(b, o, "qualifier", l->qualifier);
    jw_put_str(b, o, "procedure", l->procedure);
    json_t *mods = NULL;
    for (int i = 0; i < 4; i++) {
        if (!l->modifiers[i][0])
            continue;
        if (!mods && !(mods = json_array())) {
            b->failed = 1;
            break;
        }
        jw_append(b, mods, jw_ascii_text(l->modifiers[i]));
    }
    if (mods)
        jw_put(b, o, "modifiers", mods);
    jw_put_int(b, o, "charge_cents", l->charge_cents);
    jw_put_has(b, o, "paid_cents", l->has_paid, l->paid_cents);
    jw_put_str(b, o, "revenue_code", l->revenue_code);
    jw_put_nz(b, o, "units_milli", l->units_milli);
    jw_put_str(b, o, "line_id", l->line_id);
    jw_put_date(b, o, "service_from", l->service_from);
    jw_put_date(b, o, "service_to", l->service_to);
    jw_put(b, o, "status", statuses_json(b, l->status, l->n_status));
    jw_put_int(b, o, "segment", l->segment);
    jw_put_int(b, o, "line", l->line);
    return o;
}

static json_t *claim_json(jb *b, const rcm_ack_claim *c)
{
    json_t *o = jw_new_obj(b), *lines = json_array();
    if (!o || !lines) {
        b->failed = 1;
        json_decref(lines);
        return o;
    }
    jw_put_str(b, o, "claim_id", c->claim_id);
    jw_put_str(b, o, "trace", c->trace);
    jw_put_str(b, o, "payer_claim_number", c->payer_claim_number);
    jw_put_str(b, o, "clearinghouse_id", c->clearinghouse_id);
    jw_put_str(b, o, "bill_type", c->bill_type);
    jw_put_str(b, o, "patient_last", c->patient_last);
    jw_put_str(b, o, "patient_first", c->patient_first);
    jw_put_str(b, o, "member_id", c->member_id);
    jw_put_date(b, o, "service_from", c->service_from);
    jw_put_date(b, o, "service_to", c->service_to);
    jw_put_has(b, o, "charge_cents", c->n_status && c->status[0].has_amount, c->charge_cents);
    jw_put_bool(b, o, "accepted", c->accepted);
    jw_put_bool(b, o, "rejected", c->rejected);
    jw_put(b, o, "status", statuses_json(b, c->status, c->n_status));
    jw_put_str(b, o, "provider_id", c->provider_id);
    if (c->provider >= 0)
        jw_put_int(b, o, "provider", c->provider);
    jw_put_str(b, o, "level", c->level);
    for (uint32_t i = 0; i < c->n_lines; i++)
        jw_append(b, lines, line_json(b, &c->lines[i]));
    jw_put(b, o, "lines", lines);
    jw_put_int(b, o, "segment", c->segment);
    jw_put_int(b, o, "line", c->line);
    return o;
}

static json_t *provider_json(jb *b, const rcm_ack_provider *p)
{
    json_t *o = jw_new_obj(b);
    if (!o)
        return NULL;
    jw_put_str(b, o, "name", p->name);
    jw_put_str(b, o, "id_qualifier", p->id_qualifier);
    jw_put_str(b, o, "id", p->id);
    jw_put_str(b, o, "trace", p->trace);
    jw_put(b, o, "status", statuses_json(b, p->status, p->n_status));
    jw_put_has(b, o, "accepted_qty", p->has_accepted_qty, p->accepted_qty);
    jw_put_has(b, o, "rejected_qty", p->has_rejected_qty, p->rejected_qty);
    jw_put_has(b, o, "accepted_cents", p->has_accepted_amount, p->accepted_cents);
    jw_put_has(b, o, "rejected_cents", p->has_rejected_amount, p->rejected_cents);
    jw_put_int(b, o, "n_claims", p->n_claims);
    jw_put_int(b, o, "segment", p->segment);
    jw_put_int(b, o, "line", p->line);
    return o;
}

json_t *rcm_ack277_to_json(const rcm_ack277 *a)
{
    jb b = { 0 };
    json_t *o = jw_new_obj(&b), *provs = json_array(), *claims = json_array();
    if (!o || !provs || !claims) {
        b.failed = 1;
        json_decref(provs);
        json_decref(claims);
        return jw_finish(&b, o);
    }
    jw_put_str(&b, o, "type", "277");
    jw_put_str(&b, o, "st_control", a->st_control);
    jw_put_str(&b, o, "version", a->version);
    jw_put_bool(&b, o, "is_277ca", a->is_277ca);
    jw_put_str(&b, o, "bht_id", a->bht_id);
    jw_put_date(&b, o, "bht_date", a->bht_date);
    jw_put_str(&b, o, "source_name", a->source_name);
    jw_put_str(&b, o, "source_id", a->source_id);
    jw_put_str(&b, o, "source_trace", a->source_trace);
    jw_put_date(&b, o, "received_date", a->received_date);
    jw_put_date(&b, o, "processed_date", a->processed_date);
    jw_put_str(&b, o, "receiver_name", a->receiver_name);
    jw_put_str(&b, o, "receiver_id", a->receiver_id);
    jw_put_str(&b, o, "receiver_trace", a->receiver_trace);
    if (a->n_receiver_status)
        jw_put(&b, o, "receiver_status", statuses_json(&b, a->receiver_status, a->n_receiver_status));
    jw_put_has(&b, o, "accepted_qty", a->has_accepted_qty, a->accepted_qty);
    jw_put_has(&b, o, "rejected_qty", a->has_rejected_qty, a->rejected_qty);
    jw_put_has(&b, o, "accepted_cents", a->has_accepted_amount, a->accepted_cents);
    jw_put_has(&b, o, "rejected_cents", a->has_rejected_amount, a->rejected_cents);
    jw_put_int(&b, o, "claims_accepted", a->claims_accepted);
    jw_put_int(&b, o, "claims_rejected", a->claims_rejected);
    for (uint32_t i = 0; i < a->n_providers; i++)
        jw_append(&b, provs, provider_json(&b, &a->providers[i]));
    jw_put(&b, o, "providers", provs);
    for (uint32_t i = 0; i < a->n_claims; i++)
        jw_append(&b, claims, claim_json(&b, &a->claims[i]));
    jw_put(&b, o, "claims", claims);
    jw_put_int(&b, o, "segment", a->segment);
    jw_put_int(&b, o, "line", a->line);
    return jw_finish(&b, o);
}

/* ---- TA1 ---- */

json_t *rcm_ta1_to_json(const rcm_ta1 *t)
{
    jb b = { 0 };
    json_t *o = jw_new_obj(&b);
    if (!o)
        return NULL;
    jw_put_str(&b, o, "type", "ta1");
    jw_put_str(&b, o, "control", t->control);
    jw_put_date(&b, o, "date", t->date);
    jw_put_str(&b, o, "time", t->time);
    jw_put_char(&b, o, "status", t->status);
    jw_put_str(&b, o, "note", t->note);
    jw_put_str(&b, o, "isa_control", t->isa_control);
    jw_put_int(&b, o, "segment", t->segment);
    jw_put_int(&b, o, "line", t->line);
    return jw_finish(&b, o);
}

/* ---- structural summary ---- */

json_t *rcm_x12_generic_to_json(const rcm_x12_generic *g)
{
    static const char *const levels[] = { "20", "21", "22", "23", "19", "PT", "other" };
    jb b = { 0 };
    json_t *o = jw_new_obj(&b), *hl = json_object();
    if (!o || !hl) {
        b.failed = 1;
        json_decref(hl);
        return jw_finish(&b, o);
    }
    jw_put_str(&b, o, "type", "generic");
    jw_put_str(&b, o, "st_id", g->st_id);
    jw_put_str(&b, o, "st_control", g->st_control);
    jw_put_str(&b, o, "version", g->version);
    jw_put_int(&b, o, "segments", g->segments);
    jw_put_int(&b, o, "hl_count", g->hl_count);
    for (size_t i = 0; i < ARRAY_SIZE(levels); i++)
        jw_put_int(&b, hl, levels[i], g->hl_by_level[i]);
    jw_put(&b, o, "hl_by_level", hl);
    jw_put_int(&b, o, "eb_count", g->eb_count);
    jw_put_int(&b, o, "eb_active", g->eb_active);
    jw_put_int(&b, o, "eb_inactive", g->eb_inactive);
    jw_put_int(&b, o, "aaa_count", g->aaa_count);
    jw_put_int(&b, o, "stc_count", g->stc_count);
    jw_put_int(&b, o, "trn_count", g->trn_count);
    jw_put_int(&b, o, "eq_count", g->eq_count);
    jw_put_int(&b, o, "ins_count", g->ins_count);
    jw_put_int(&b, o, "segment", g->segment);
    jw_put_int(&b, o, "line", g->line);
    return jw_finish(&b, o);
}
