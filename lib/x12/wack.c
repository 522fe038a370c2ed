/*
 * The acknowledgment writers (include/rcm/x12write.h): the 999
 * implementation acknowledgment (005010X231A1) and the 277CA claim
 * acknowledgment (005010X214), each written from the model the readers
 * fill (include/rcm/ack.h), so that what is written reads back the same.
 */
#include "xwrite.h"

#define V999 "005010X231A1"
#define V277CA "005010X214"

/* ---- 999 ---- */

static void w_ctx(xw *w, const rcm_ack_context *c)
{
    xw_seg(w, "CTX");
    xw_cbegin(w);
    xw_cs(w, c->name, "contexts.name");
    xw_cs(w, c->ref, "contexts.ref");
    xw_cend(w);
    xw_s(w, c->seg_id, "contexts.seg_id");
    if (c->position > 0)
        xw_u(w, (uint64_t)c->position);
    else
        xw_empty(w);
    xw_s(w, c->loop, "contexts.loop");
    if (c->element > 0)
        xw_c030(w, c->element, c->component, c->repetition);
    else
        xw_empty(w);
    xw_cbegin(w);
    xw_cs(w, c->element_ref, "contexts.element_ref");
    xw_cs(w, c->component_ref, "contexts.component_ref");
    xw_cend(w);
    xw_end(w);
    xw_need(w, c->name, "contexts.name", "CTX01-1 context name");
}

static void w_ik4(xw *w, const rcm_ack_element_error *e)
{
    xw_seg(w, "IK4");
    xw_c030(w, e->position, e->component, e->repetition);
    xw_s(w, e->ref, "elements.ref");
    xw_s(w, e->code, "elements.code");
    xw_s(w, e->value, "elements.value");
    xw_end(w);
    if (e->position < 1)
        xw_fail(w, RCM_EINVAL, "elements.position: missing (IK401 position of the element in error)");
    xw_need(w, e->code, "elements.code", "IK403 element syntax error code");
    for (uint32_t i = 0; i < e->n_contexts; i++)
        w_ctx(w, &e->contexts[i]);
}

static void w_ik3(xw *w, const rcm_ack_segment_error *g)
{
    xw_seg(w, "IK3");
    xw_s(w, g->seg_id, "segments.seg_id");
    xw_u(w, (uint64_t)(g->position > 0 ? g->position : 0));
    xw_s(w, g->loop, "segments.loop");
    xw_s(w, g->code, "segments.code");
    xw_end(w);
    xw_need(w, g->seg_id, "segments.seg_id", "IK301 segment id");
    xw_need(w, g->code, "segments.code", "IK304 segment syntax error code");
    if (g->position < 1)
        xw_fail(w, RCM_EINVAL, "segments.position: missing (IK302 segment position)");
    int have_clm = 0;
    for (uint32_t i = 0; i < g->n_contexts; i++) {
        w_ctx(w, &g->contexts[i]);
        have_clm |= strcmp(g->contexts[i].name, "CLM01") == 0;
    }
    if (g->claim_id[0] && !have_clm) { /* the business unit: the claim in error */
        rcm_ack_context c;
        memset(&c, 0, sizeof(c));
        memcpy(c.name, "CLM01", 6);
        cstr_copy(c.ref, sizeof(c.ref), g->claim_id);
        w_ctx(w, &c);
    }
    for (uint32_t i = 0; i < g->n_elements; i++)
        w_ik4(w, &g->elements[i]);
}

static void codes5(xw *w, const char (*codes)[4], const char *field)
{
    for (int i = 0; i < 5; i++)
        xw_s(w, codes[i], field);
}

static void w_999(xw *w, const rcm_ack999 *a, uint32_t *st_counter)
{
    snprintf(w->what, sizeof(w->what), "999 of group '%.9s'", a->group_control);
    const char *version = a->st_version[0] ? a->st_version : V999;
    xw_st(w, "999", a->st_control, st_counter, version);
    xw_seg(w, "AK1");
    xw_s(w, a->func_id, "func_id");
    xw_s(w, a->group_control, "group_control");
    xw_s(w, a->version, "version");
    xw_end(w);
    xw_need(w, a->func_id, "func_id", "AK101 functional identifier code");
    xw_need(w, a->group_control, "group_control", "AK102 group control number");
    for (uint32_t i = 0; i < a->n_sets; i++) {
        const rcm_ack_set *s = &a->sets[i];
        snprintf(w->what, sizeof(w->what), "999 of group '%.9s' set '%.9s'", a->group_control,
                 s->st_control);
        xw_seg(w, "AK2");
        xw_s(w, s->st_id, "st_id");
        xw_s(w, s->st_control, "st_control");
        xw_s(w, s->version, "version");
        xw_end(w);
        xw_need(w, s->st_id, "st_id", "AK201 transaction set identifier");
        xw_need(w, s->st_control, "st_control", "AK202 transaction set control number");
        for (uint32_t j = 0; j < s->n_segments; j++)
            w_ik3(w, &s->segments[j]);
        xw_seg(w, "IK5");
        xw_chr(w, s->status, "status");
        codes5(w, s->codes, "codes");
        xw_end(w);
        if (!s->status)
            xw_fail(w, RCM_EINVAL, "status: missing (IK501 transaction set acknowledgment code)");
    }
    snprintf(w->what, sizeof(w->what), "999 of group '%.9s'", a->group_control);
    xw_seg(w, "AK9");
    xw_chr(w, a->group_status, "group_status");
    xw_u(w, (uint64_t)(a->included > 0 ? a->included : 0));
    xw_u(w, (uint64_t)(a->received > 0 ? a->received : 0));
    xw_u(w, (uint64_t)(a->accepted > 0 ? a->accepted : 0));
    codes5(w, a->group_codes, "group_codes");
    xw_end(w);
    if (!a->group_status)
        xw_fail(w, RCM_EINVAL, "group_status: missing (AK901 functional group acknowledge code)");
    xw_se(w);
}

int rcm_x12_write_999(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ack999 *acks, uint32_t n,
                      rcm_error *err)
{
    int rc = xw_envelope_check(env, err);
    if (rc < 0)
        return rc;
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no acknowledgment to write: a 999 interchange needs one");
    xw w;
    size_t len0 = out->len;
    xw_init(&w, out, env, err);
    uint32_t st = env->st_control;
    xw_open(&w, env, "FA", V999);
    for (uint32_t i = 0; i < n && !w.rc; i++)
        w_999(&w, &acks[i], &st);
    w.what[0] = '\0';
    xw_close(&w, env, n);
    return xw_done(&w, len0);
}

/* ---- 277CA ---- */

/*
 * What an STC may carry at each level of a 277CA (005010X214): STC02 date
 * and STC04 amount 'R' required, 'S' situational, 'N' not used. STC01-4 and
 * STC05-09 are not used at any level, STC03 (action) is required at all.
 * Sets of another version (a 277 claim status read into the same model)
 * are written as the model has them: their rule is NULL.
 */
typedef struct stc_rule {
    const char *loop;
    char date, amount;
} stc_rule;

static const stc_rule STC_2200B = { "2200B", 'R', 'R' }, STC_2200C = { "2200C", 'N', 'R' },
                      STC_2200D = { "2200D", 'R', 'R' }, STC_2220D = { "2220D", 'S', 'N' };

/* STC: the statuses that share one segment (the first, then those for STC10 and STC11). */
static uint32_t w_stc(xw *w, const rcm_ack_status *s, uint32_t n, const stc_rule *rule, const char *field)
{
    const rcm_ack_status *f = &s[0];
    uint32_t used = 1;
    const rcm_ack_status *extra[2] = { NULL, NULL };
    int want = 10;
    while (used < n && (s[used].element == 10 || s[used].element == 11) && s[used].element >= want &&
           s[used].date == f->date && strcmp(s[used].action, f->action) == 0 &&
           s[used].has_amount == f->has_amount && s[used].amount_cents == f->amount_cents) {
        extra[s[used].element - 10] = &s[used];
        want = s[used].element + 1;
        used++;
    }
    char fd[48];
    if (rule) {
        if (rule->date == 'R' && f->date == RCM_DATE_NONE)
            xw_fail(w, RCM_EINVAL, "%s.date: missing (STC02 status date, required in %s)", field, rule->loop);
        if (!f->action[0])
            xw_fail(w, RCM_EINVAL, "%s.action: missing (STC03 action code, required in %s)", field, rule->loop);
        if (rule->amount == 'R' && !f->has_amount)
            xw_fail(w, RCM_EINVAL, "%s.amount_cents: missing (STC04 total charge, required in %s)", field,
                    rule->loop);
    }
    xw_seg(w, "STC");
    const rcm_ack_status *comps[3] = { f, extra[0], extra[1] };
    for (int k = 0; k < 3; k++) {
        if (k == 1) { /* STC02 .. STC09 */
            xw_date(w, rule && rule->date == 'N' ? RCM_DATE_NONE : f->date);
            snprintf(fd, sizeof(fd), "%s.action", field);
            xw_s(w, f->action, fd);
            if (f->has_amount && !(rule && rule->amount == 'N'))
                xw_cents(w, f->amount_cents);
            else
                xw_empty(w);
            if (rule) {
                for (int j = 5; j <= 9; j++)
                    xw_empty(w);
            } else {
                if (f->has_paid)
                    xw_cents(w, f->paid_cents);
                else
                    xw_empty(w);
                xw_date(w, f->adjudication_date);
                xw_s(w, f->payment_method, "status.payment_method");
                xw_date(w, f->check_date);
                xw_s(w, f->check_number, "status.check_number");
            }
        }
        const rcm_ack_status *c = comps[k];
        if (!c) {
            xw_empty(w);
            continue;
        }
        xw_cbegin(w);
        xw_cs(w, c->category, "status.category");
        xw_cs(w, c->code, "status.code");
        xw_cs(w, c->entity, "status.entity");
        if (!rule)
            xw_cs(w, c->code_list, "status.code_list");
        xw_cend(w);
        xw_need(w, c->category, "status.category", "STC01-1 claim status category code");
        xw_need(w, c->code, "status.code", "STC01-2 claim status code");
    }
    xw_s(w, f->free_text, "status.free_text");
    xw_end(w);
    return used;
}

static void w_stcs(xw *w, const rcm_ack_status *s, uint32_t n, const stc_rule *rule, const char *field)
{
    for (uint32_t i = 0; i < n;)
        i += w_stc(w, &s[i], n - i, rule, field);
}

/* A value a 277CA position requires (rule set: an 005010X214 set). */
static void need_277ca(xw *w, int x214, const char *s, const char *field, const char *what)
{
    if (x214 && !s[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (%s)", field, what);
}

static void w_hl(xw *w, long id, long parent, const char *level, int children)
{
    xw_seg(w, "HL");
    xw_u(w, (uint64_t)id);
    if (parent)
        xw_u(w, (uint64_t)parent);
    else
        xw_empty(w);
    xw_lit(w, level);
    if (children >= 0)
        xw_lit(w, children ? "1" : "0");
    xw_end(w);
}

static void w_nm1(xw *w, const char *entity, char type, const char *last, const char *first,
                  const char *qual, const char *id)
{
    xw_seg(w, "NM1");
    xw_lit(w, entity);
    char t[2] = { type, 0 };
    xw_lit(w, t);
    xw_s(w, last, "name");
    xw_s(w, first ? first : "", "first");
    xw_empty(w);
    xw_empty(w);
    xw_empty(w);
    if (id && id[0]) {
        xw_s(w, qual, "id_qualifier");
        xw_s(w, id, "id");
    }
    xw_end(w);
}

static void w_trn(xw *w, const char *type, const char *trace, const char *field)
{
    xw_seg(w, "TRN");
    xw_lit(w, type);
    xw_s(w, trace, field);
    xw_end(w);
}

static void w_dtp(xw *w, const char *qual, rcm_date from, rcm_date to)
{
    if (from == RCM_DATE_NONE)
        return;
    xw_seg(w, "DTP");
    xw_lit(w, qual);
    if (to == RCM_DATE_NONE || to == from) {
        xw_lit(w, "D8");
        xw_date(w, from);
    } else {
        char a[16], b[16], v[40];
        rcm_date_fmt(a, from, 0);
        rcm_date_fmt(b, to, 0);
        snprintf(v, sizeof(v), "%s-%s", a, b);
        xw_lit(w, "RD8");
        xw_lit(w, v);
    }
    xw_end(w);
}

static void w_qty_amt(xw *w, const char *qa, const char *qr, int has_acc, long acc, int has_rej, long rej,
                      int has_acc_amt, int64_t acc_amt, int has_rej_amt, int64_t rej_amt)
{
    if (has_acc) {
        xw_seg(w, "QTY");
        xw_lit(w, qa);
        xw_u(w, (uint64_t)(acc > 0 ? acc : 0));
        xw_end(w);
    }
    if (has_rej) {
        xw_seg(w, "QTY");
        xw_lit(w, qr);
        xw_u(w, (uint64_t)(rej > 0 ? rej : 0));
        xw_end(w);
    }
    if (has_acc_amt) {
        xw_seg(w, "AMT");
        xw_lit(w, "YU");
        xw_cents(w, acc_amt);
        xw_end(w);
    }
    if (has_rej_amt) {
        xw_seg(w, "AMT");
        xw_lit(w, "YY");
        xw_cents(w, rej_amt);
        xw_end(w);
    }
}

static void w_ref(xw *w, const char *qual, const char *v, const char *field)
{
    if (!v[0])
        return;
    xw_seg(w, "REF");
    xw_lit(w, qual);
    xw_s(w, v, field);
    xw_end(w);
}

static void w_svc(xw *w, const rcm_ack_line *l, int x214)
{
    xw_seg(w, "SVC");
    xw_cbegin(w);
    xw_cs(w, l->qualifier, "lines.qualifier");
    xw_cs(w, l->procedure, "lines.procedure");
    for (int i = 0; i < 4; i++)
        xw_cs(w, l->modifiers[i], "lines.modifiers");
    xw_cend(w);
    xw_cents(w, l->charge_cents);
    if (l->has_paid && !x214) /* SVC03 is not used in a 277CA */
        xw_cents(w, l->paid_cents);
    else
        xw_empty(w);
    xw_s(w, l->revenue_code, "lines.revenue_code");
    xw_empty(w);
    xw_empty(w);
    if (l->units_milli)
        xw_milli(w, l->units_milli);
    xw_end(w);
    xw_need(w, l->qualifier, "lines.qualifier", "SVC01-1 product or service id qualifier");
    xw_need(w, l->procedure, "lines.procedure", "SVC01-2 procedure code");
    if (x214 && !l->n_status)
        xw_fail(w, RCM_EINVAL, "lines.status: missing (a service line needs an STC, loop 2220D)");
    w_stcs(w, l->status, l->n_status, x214 ? &STC_2220D : NULL, "lines.status");
    w_ref(w, "FJ", l->line_id, "lines.line_id");
    w_dtp(w, "472", l->service_from, l->service_to);
}

static void w_claim(xw *w, const rcm_ack277 *a, const rcm_ack_claim *c, long *hl, long parent, int x214)
{
    snprintf(w->what, sizeof(w->what), "277CA set '%.9s' claim '%.38s'", a->st_control,
             c->claim_id[0] ? c->claim_id : c->trace);
    w_hl(w, ++*hl, parent, "PT", -1);
    w_nm1(w, "QC", '1', c->patient_last, c->patient_first, "MI", c->member_id);
    xw_need(w, c->patient_last, "patient_last", "NM103 patient last name");
    need_277ca(w, x214, c->member_id, "member_id", "NM109 patient member id, required in 2100D");
    const char *trace = c->trace[0] ? c->trace : c->claim_id;
    w_trn(w, "2", trace, "trace");
    xw_need(w, trace, "trace", "TRN02 the claim's patient control number");
    if (!c->n_status)
        xw_fail(w, RCM_EINVAL, "status: missing (a claim needs an STC)");
    w_stcs(w, c->status, c->n_status, x214 ? &STC_2200D : NULL, "status");
    w_ref(w, "1K", c->payer_claim_number, "payer_claim_number");
    w_ref(w, "D9", c->clearinghouse_id, "clearinghouse_id");
    w_ref(w, "BLT", c->bill_type, "bill_type");
    if (x214 && c->service_from == RCM_DATE_NONE)
        xw_fail(w, RCM_EINVAL, "service_from: missing (DTP*472 claim service date, required in 2200D)");
    w_dtp(w, "472", c->service_from, c->service_to);
    for (uint32_t i = 0; i < c->n_lines; i++)
        w_svc(w, &c->lines[i], x214);
}

static void w_277(xw *w, const rcm_x12_envelope *env, const rcm_ack277 *a, uint32_t *st_counter)
{
    snprintf(w->what, sizeof(w->what), "277CA set '%.9s'", a->st_control);
    const char *version = a->version[0] ? a->version : V277CA;
    int x214 = strcmp(version, V277CA) == 0;
    xw_st(w, "277", a->st_control, st_counter, version);
    xw_seg(w, "BHT");
    xw_lit(w, "0085");
    xw_lit(w, "08");
    xw_s(w, a->bht_id[0] ? a->bht_id : w->st_control, "bht_id");
    xw_date(w, a->bht_date != RCM_DATE_NONE ? a->bht_date : env->date);
    xw_lit(w, env->time);
    xw_lit(w, "TH");
    xw_end(w);
    long hl = 0;
    /* 2000A information source */
    w_hl(w, ++hl, 0, "20", 1);
    w_nm1(w, "PR", '2', a->source_name, NULL, "PI", a->source_id);
    xw_need(w, a->source_name, "source_name", "NM103 information source name");
    need_277ca(w, x214, a->source_id, "source_id", "NM109 information source id, required in 2100A");
    w_trn(w, "1", a->source_trace[0] ? a->source_trace : w->st_control, "source_trace");
    w_dtp(w, "050", a->received_date != RCM_DATE_NONE ? a->received_date : env->date, RCM_DATE_NONE);
    w_dtp(w, "009", a->processed_date != RCM_DATE_NONE ? a->processed_date : env->date, RCM_DATE_NONE);
    /* 2000B information receiver */
    long hl21 = ++hl;
    w_hl(w, hl21, 1, "21", a->n_providers > 0);
    w_nm1(w, "41", '2', a->receiver_name, NULL, "46", a->receiver_id);
    xw_need(w, a->receiver_name, "receiver_name", "NM103 information receiver name");
    need_277ca(w, x214, a->receiver_id, "receiver_id", "NM109 information receiver id, required in 2100B");
    w_trn(w, "2", a->receiver_trace[0] ? a->receiver_trace : w->st_control, "receiver_trace");
    if (x214 && !a->n_receiver_status)
        xw_fail(w, RCM_EINVAL, "receiver_status: missing (STC, required in 2200B)");
    w_stcs(w, a->receiver_status, a->n_receiver_status, x214 ? &STC_2200B : NULL, "receiver_status");
    w_qty_amt(w, "90", "AA", a->has_accepted_qty, a->accepted_qty, a->has_rejected_qty, a->rejected_qty,
              a->has_accepted_amount, a->accepted_cents, a->has_rejected_amount, a->rejected_cents);
    if (a->n_claims && !a->n_providers)
        xw_fail(w, RCM_EINVAL, "providers: missing (claims need a billing provider level)");
    /* 2000C providers, each with its claims (2000D) */
    for (uint32_t p = 0; p < a->n_providers && !w->rc; p++) {
        const rcm_ack_provider *v = &a->providers[p];
        int has = 0;
        for (uint32_t i = 0; i < a->n_claims && !has; i++)
            has = a->claims[i].provider == (int)p || (p == 0 && a->claims[i].provider < 0);
        snprintf(w->what, sizeof(w->what), "277CA set '%.9s' provider %u", a->st_control, p + 1);
        long hl19 = ++hl;
        w_hl(w, hl19, hl21, "19", has);
        w_nm1(w, "85", '2', v->name, NULL, v->id_qualifier[0] ? v->id_qualifier : "XX", v->id);
        xw_need(w, v->name, "providers.name", "NM103 billing provider name");
        need_277ca(w, x214, v->id, "providers.id", "NM109 billing provider id, required in 2100C");
        w_trn(w, "1", v->trace[0] ? v->trace : w->st_control, "providers.trace");
        w_stcs(w, v->status, v->n_status, x214 ? &STC_2200C : NULL, "providers.status");
        w_qty_amt(w, "QA", "QC", v->has_accepted_qty, v->accepted_qty, v->has_rejected_qty, v->rejected_qty,
                  v->has_accepted_amount, v->accepted_cents, v->has_rejected_amount, v->rejected_cents);
        for (uint32_t i = 0; i < a->n_claims && !w->rc; i++) {
            const rcm_ack_claim *c = &a->claims[i];
            if (c->provider == (int)p || (p == 0 && (c->provider < 0 || c->provider >= (int)a->n_providers)))
                w_claim(w, a, c, &hl, hl19, x214);
        }
    }
    snprintf(w->what, sizeof(w->what), "277CA set '%.9s'", a->st_control);
    xw_se(w);
}

int rcm_x12_write_277ca(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ack277 *sets, uint32_t n,
                        rcm_error *err)
{
    int rc = xw_envelope_check(env, err);
    if (rc < 0)
        return rc;
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no acknowledgment to write: a 277CA interchange needs one");
    xw w;
    size_t len0 = out->len;
    xw_init(&w, out, env, err);
    uint32_t st = env->st_control;
    xw_open(&w, env, "HN", V277CA);
    for (uint32_t i = 0; i < n && !w.rc; i++)
        w_277(&w, env, &sets[i], &st);
    w.what[0] = '\0';
    xw_close(&w, env, n);
    return xw_done(&w, len0);
}
