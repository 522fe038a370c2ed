/*
 * The 277 reader: the claim acknowledgment 277CA (005010X214) and the claim
 * status response (005010X212, also the 4010 X093 of the same shape).
 *
 * Levels (HL03): 20 information source (payer) -> 21 information receiver
 * (submitter) -> 19 billing provider -> the claims' level: PT patient in a
 * 277CA, 22 subscriber / 23 dependent in a 277. Each claim is a TRN (its
 * tracking number: the CLM01 sent) with its STCs, REFs, DTP*472 and service
 * lines (SVC). A claim is accepted or rejected per DOMAIN 4.6 by its status
 * categories. The model of one set is built in an arena reset after it is
 * handed to cb->ack277 at its SE; the claims array is kept between sets.
 * A 277 of any other implementation (ST03) is read structurally.
 */
#include <stdlib.h>
#include "rack_internal.h"

enum { L_NONE, L_SOURCE, L_RECEIVER, L_PROVIDER, L_SUBSCRIBER, L_PATIENT, L_OTHER };

typedef struct r277 {
    const rcm_x12_typed_cb *cb;
    arena mem;
    rcm_ack277 a;
    uint32_t claims_cap, providers_cap;       /* realloc'd arrays kept between sets */
    uint32_t rstat_cap, pstat_cap;            /* receiver / current provider statuses */
    uint32_t cstat_cap, lines_cap, lstat_cap; /* current claim statuses, lines, line statuses */
    ack_hl hl;
    int level;              /* L_* of the current HL */
    char level_code[3];
    char hl_children;       /* HL04 of the current HL */
    long hl_segment;        /* where the current HL is */
    long hl_line;
    int hl_claims;          /* claims begun in the current HL */
    int claim_open;         /* the last claim belongs to the current HL */
    int in_line;            /* after an SVC: STC, REF*FJ, DTP*472 belong to the line */
    int provider;           /* index of the current provider, -1 none */
    char sub_last[61], sub_first[36], sub_id[81];
    char pat_last[61], pat_first[36], pat_id[81];
    const x12_typed_ops *deleg; /* set for a 277 read structurally */
    void *gen;
    int stop;
} r277;

static const ack_hl_rule rules_277ca[] = {
    { "20", "" }, { "21", "20" }, { "19", "21" }, { "PT", "19" },
};
static const ack_hl_rule rules_277[] = {
    { "20", "" }, { "21", "20" }, { "19", "21" }, { "22", "19" }, { "23", "22" },
};

static int r_create(void **out, const rcm_x12_typed_cb *cb)
{
    r277 *r = calloc(1, sizeof(*r));
    if (!r)
        return RCM_ENOMEM;
    r->cb = cb;
    arena_init(&r->mem, 65536, ACK_MAX_BYTES);
    ack_hl_init(&r->hl);
    *out = r;
    return 0;
}

static void r_destroy(void *state)
{
    r277 *r = state;
    if (!r)
        return;
    if (r->gen)
        x12_ops_generic.destroy(r->gen);
    arena_release(&r->mem);
    ack_hl_release(&r->hl);
    free(r->a.claims);
    free(r->a.providers);
    free(r);
}

static void clear(r277 *r)
{
    rcm_ack_claim *claims = r->a.claims;
    rcm_ack_provider *providers = r->a.providers;
    memset(&r->a, 0, sizeof(r->a));
    r->a.claims = claims;
    r->a.providers = providers;
    r->a.bht_date = r->a.received_date = r->a.processed_date = RCM_DATE_NONE;
    arena_reset(&r->mem);
    ack_hl_reset(&r->hl);
    r->rstat_cap = r->pstat_cap = r->cstat_cap = r->lines_cap = r->lstat_cap = 0;
    r->level = L_NONE;
    r->level_code[0] = r->hl_children = 0;
    r->hl_segment = r->hl_line = 0;
    r->hl_claims = r->claim_open = r->in_line = 0;
    r->provider = -1;
    r->sub_last[0] = r->sub_first[0] = r->sub_id[0] = 0;
    r->pat_last[0] = r->pat_first[0] = r->pat_id[0] = 0;
    r->deleg = NULL;
    r->stop = 0;
}

static int r_begin(void *state, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    r277 *r = state;
    clear(r);
    const char *ver = env->st_version[0] ? env->st_version : env->gs_version;
    if (strstr(ver, "X214")) {
        r->a.is_277ca = 1;
    } else if (!strstr(ver, "X212") && !strstr(ver, "X093")) {
        r->deleg = &x12_ops_generic;
        if (!r->gen) {
            int rc = x12_ops_generic.create(&r->gen, r->cb);
            if (rc < 0)
                return rc;
        }
        return r->deleg->begin(r->gen, env, st);
    }
    cstr_copy(r->a.st_control, sizeof(r->a.st_control), env->st_control);
    cstr_copy(r->a.version, sizeof(r->a.version), ver);
    r->a.segment = st->number;
    r->a.line = st->line;
    return 0;
}

static int nomem(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_x12_report(env, seg, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "",
                   "claim acknowledgment is too large to hold in memory (more than %zu MiB)",
                   ACK_MAX_BYTES >> 20);
    return r->stop = RCM_ENOMEM;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int any_rejection(const rcm_ack_status *s, uint32_t n)
{
    static const char *const rejects[] = { "A3", "A6", "A7", "A8", NULL };
    for (uint32_t i = 0; i < n; i++)
        if (in_list(s[i].category, rejects))
            return 1;
    return 0;
}

/* The claim the current HL's segments go to ends (at seg: the next TRN, HL or the SE). */
static void close_claim(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (!r->claim_open)
        return;
    r->claim_open = r->in_line = 0;
    rcm_ack_claim *c = &r->a.claims[r->a.n_claims - 1];
    if (!c->n_status) {
        char id[48];
        ack_printable(id, sizeof(id), rcm_str_c(c->claim_id));
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                          "claim '%s' (HL at segment %ld) has no status (STC)", id,
                                          c->segment));
    }
    static const char *const ok_first[] = { "A0", "A1", "A2", "A5", NULL };
    int rejected = any_rejection(c->status, c->n_status);
    for (uint32_t i = 0; i < c->n_lines && !rejected; i++)
        rejected = any_rejection(c->lines[i].status, c->lines[i].n_status);
    c->rejected = rejected;
    c->accepted = !rejected && c->n_status && in_list(c->status[0].category, ok_first);
    if (c->n_status && c->status[0].has_amount)
        c->charge_cents = c->status[0].amount_cents;
    r->a.claims_accepted += (uint32_t)c->accepted;
    r->a.claims_rejected += (uint32_t)c->rejected;
}

static int open_claim(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    close_claim(r, env, seg);
    rcm_ack_claim *v = ack_vec_grow(r->a.claims, r->a.n_claims, &r->claims_cap, sizeof(*v),
                                    ACK_MAX_BYTES);
    if (!v)
        return nomem(r, env, seg);
    r->a.claims = v;
    rcm_ack_claim *c = &r->a.claims[r->a.n_claims++];
    r->cstat_cap = r->lines_cap = r->lstat_cap = 0;
    r->claim_open = 1;
    r->in_line = 0;
    r->hl_claims++;
    c->service_from = c->service_to = RCM_DATE_NONE;
    cstr_copy(c->patient_last, sizeof(c->patient_last), r->pat_last);
    cstr_copy(c->patient_first, sizeof(c->patient_first), r->pat_first);
    cstr_copy(c->member_id, sizeof(c->member_id), r->pat_id[0] ? r->pat_id : r->sub_id);
    cstr_copy(c->level, sizeof(c->level), r->level_code);
    c->provider = r->provider;
    if (r->provider >= 0) {
        rcm_ack_provider *p = &r->a.providers[r->provider];
        cstr_copy(c->provider_id, sizeof(c->provider_id), p->id);
        p->n_claims++;
    }
    c->segment = r->hl_segment;
    c->line = r->hl_line;
    return 0;
}

/* The claim for a claim-level segment other than TRN: opened (and reported) when there is none. */
static rcm_ack_claim *claim_for(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (!r->claim_open) {
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                          "claim status information without a claim tracking "
                                          "number (TRN) before it"));
        if (open_claim(r, env, seg) < 0)
            return NULL;
    }
    return &r->a.claims[r->a.n_claims - 1];
}

/* The HL being left had a patient level but no claim. */
static void check_patient_done(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->level != L_PATIENT && !(r->level == L_SUBSCRIBER && r->hl_children != '1'))
        return;
    if (r->hl_claims)
        return;
    ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                      "the %s HL at segment %ld has no claim status (TRN, STC)",
                                      r->level == L_PATIENT ? "patient" : "subscriber", r->hl_segment));
}

static int read_hl(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    close_claim(r, env, seg);
    check_patient_done(r, env, seg);
    const ack_hl_entry *e, *parent;
    const ack_hl_rule *rules = r->a.is_277ca ? rules_277ca : rules_277;
    size_t n_rules = r->a.is_277ca ? ARRAY_SIZE(rules_277ca) : ARRAY_SIZE(rules_277);
    if (ack_hl_check(&e, &parent, &r->hl, &r->stop, env, seg, rules, n_rules) < 0)
        return nomem(r, env, seg);
    rcm_str lvl = rcm_x12_el(seg, 3);
    str_copy(r->level_code, sizeof(r->level_code), lvl);
    r->hl_children = e->children;
    r->hl_segment = seg->number;
    r->hl_line = seg->line;
    r->hl_claims = 0;
    if (rcm_str_eq(lvl, "20")) {
        r->level = L_SOURCE;
        r->provider = -1;
    } else if (rcm_str_eq(lvl, "21")) {
        r->level = L_RECEIVER;
        r->provider = -1;
    } else if (rcm_str_eq(lvl, "19")) {
        r->level = L_PROVIDER;
        rcm_ack_provider *v = ack_vec_grow(r->a.providers, r->a.n_providers, &r->providers_cap,
                                           sizeof(*v), ACK_MAX_BYTES);
        if (!v)
            return nomem(r, env, seg);
        r->a.providers = v;
        r->provider = (int)r->a.n_providers++;
        r->pstat_cap = 0;
        v[r->provider].segment = seg->number;
        v[r->provider].line = seg->line;
    } else if (rcm_str_eq(lvl, "22")) {
        r->level = L_SUBSCRIBER;
        r->sub_last[0] = r->sub_first[0] = r->sub_id[0] = 0;
        r->pat_last[0] = r->pat_first[0] = r->pat_id[0] = 0;
    } else if (rcm_str_eq(lvl, "23") || rcm_str_eq(lvl, "PT")) {
        r->level = L_PATIENT;
        r->pat_last[0] = r->pat_first[0] = r->pat_id[0] = 0;
    } else {
        r->level = L_OTHER;
    }
    return r->stop;
}

static void read_nm1(r277 *r, const rcm_x12_seg *seg)
{
    rcm_str last = rcm_x12_el(seg, 3), first = rcm_x12_el(seg, 4), id = rcm_x12_el(seg, 9);
    switch (r->level) {
    case L_SOURCE:
        if (!r->a.source_name[0] && !r->a.source_id[0]) {
            str_copy(r->a.source_name, sizeof(r->a.source_name), last);
            str_copy(r->a.source_id, sizeof(r->a.source_id), id);
        }
        break;
    case L_RECEIVER:
        if (!r->a.receiver_name[0] && !r->a.receiver_id[0]) {
            str_copy(r->a.receiver_name, sizeof(r->a.receiver_name), last);
            str_copy(r->a.receiver_id, sizeof(r->a.receiver_id), id);
        }
        break;
    case L_PROVIDER: {
        rcm_ack_provider *p = &r->a.providers[r->provider];
        str_copy(p->name, sizeof(p->name), last);
        str_copy(p->id_qualifier, sizeof(p->id_qualifier), rcm_x12_el(seg, 8));
        str_copy(p->id, sizeof(p->id), id);
        break;
    }
    case L_SUBSCRIBER: /* the subscriber is the patient unless a dependent level follows */
        str_copy(r->sub_last, sizeof(r->sub_last), last);
        str_copy(r->sub_first, sizeof(r->sub_first), first);
        str_copy(r->sub_id, sizeof(r->sub_id), id);
        /* fallthrough */
    case L_PATIENT:
        str_copy(r->pat_last, sizeof(r->pat_last), last);
        str_copy(r->pat_first, sizeof(r->pat_first), first);
        str_copy(r->pat_id, sizeof(r->pat_id), id);
        if (r->claim_open) {
            rcm_ack_claim *c = &r->a.claims[r->a.n_claims - 1];
            cstr_copy(c->patient_last, sizeof(c->patient_last), r->pat_last);
            cstr_copy(c->patient_first, sizeof(c->patient_first), r->pat_first);
            cstr_copy(c->member_id, sizeof(c->member_id), r->pat_id[0] ? r->pat_id : r->sub_id);
        }
        break;
    default:
        break;
    }
}

static int read_trn(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str t = rcm_x12_el(seg, 2);
    if (r->level == L_NONE || r->level == L_OTHER)
        return r->stop;
    ack_need(&r->stop, env, seg, 2, 0, "the trace number (TRN02)");
    switch (r->level) {
    case L_SOURCE:
        if (!r->a.source_trace[0])
            str_copy(r->a.source_trace, sizeof(r->a.source_trace), t);
        break;
    case L_RECEIVER:
        if (!r->a.receiver_trace[0])
            str_copy(r->a.receiver_trace, sizeof(r->a.receiver_trace), t);
        break;
    case L_PROVIDER:
        str_copy(r->a.providers[r->provider].trace, sizeof(r->a.providers[r->provider].trace), t);
        break;
    default: {
        if (open_claim(r, env, seg) < 0)
            return r->stop;
        rcm_ack_claim *c = &r->a.claims[r->a.n_claims - 1];
        str_copy(c->trace, sizeof(c->trace), t);
        str_copy(c->claim_id, sizeof(c->claim_id), t);
        ack_len(&r->stop, env, seg, 2, t, 1, 50, "a claim tracking number");
        break;
    }
    }
    return r->stop;
}

/* One C043 composite of an STC (STC01, STC10, STC11) into s; 0 when absent. */
static int read_c043(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int el,
                     rcm_ack_status *s)
{
    static const char *const families = "ADEFPR";
    char sep = seg->d.comp;
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    if (!v.n)
        return 0;
    rcm_str cat = rcm_x12_comp(v, sep, 1), code = rcm_x12_comp(v, sep, 2),
            ent = rcm_x12_comp(v, sep, 3), list = rcm_x12_comp(v, sep, 4);
    if (ack_need(&r->stop, env, seg, el, 1, "the claim status category code")) {
        if (cat.n > 3)
            ack_bad(&r->stop, env, seg, el, 1, "5", cat, "a claim status category code (2-3 characters)");
        else if (cat.n < 2 || !cat.p[0] || !strchr(families, cat.p[0])) {
            char tmp[8];
            ack_printable(tmp, sizeof(tmp), cat);
            ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, el, 1, "7",
                                              "'%s' is not a known claim status category "
                                              "(A, D, E, F, P, R codes)", tmp));
        }
    }
    if (ack_need(&r->stop, env, seg, el, 2, "the claim status code") && code.n > 5)
        ack_bad(&r->stop, env, seg, el, 2, "5", code, "a claim status code (1-5 characters)");
    if (ent.n > 3)
        ack_bad(&r->stop, env, seg, el, 3, "5", ent, "an entity identifier code (2-3 characters)");
    str_copy(s->category, sizeof(s->category), cat);
    str_copy(s->code, sizeof(s->code), code);
    str_copy(s->entity, sizeof(s->entity), ent);
    str_copy(s->code_list, sizeof(s->code_list), list);
    s->element = el;
    return 1;
}

/* Appends the statuses of an STC (one per composite) to *arr. */
static int read_stc(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, rcm_ack_status **arr,
                    uint32_t *n, uint32_t *cap)
{
    rcm_ack_status common;
    memset(&common, 0, sizeof(common));
    ack_keep(&r->stop, x12_date(env, seg, 2, &common.date));
    rcm_str action = rcm_x12_el(seg, 3);
    static const char *const actions[] = { "WQ", "U", NULL };
    if (r->a.is_277ca)
        ack_code(&r->stop, env, seg, 3, 0, action, actions, "an action code (WQ accepted, U rejected)");
    str_copy(common.action, sizeof(common.action), action);
    ack_keep(&r->stop, x12_cents(env, seg, 4, &common.amount_cents, &common.has_amount));
    ack_keep(&r->stop, x12_cents(env, seg, 5, &common.paid_cents, &common.has_paid));
    ack_keep(&r->stop, x12_date(env, seg, 6, &common.adjudication_date));
    str_copy(common.payment_method, sizeof(common.payment_method), rcm_x12_el(seg, 7));
    ack_keep(&r->stop, x12_date(env, seg, 8, &common.check_date));
    str_copy(common.check_number, sizeof(common.check_number), rcm_x12_el(seg, 9));
    str_copy(common.free_text, sizeof(common.free_text), rcm_x12_el(seg, 12));
    static const int els[] = { 1, 10, 11 };
    if (!rcm_x12_el(seg, 1).n)
        ack_need(&r->stop, env, seg, 1, 0, "the health care claim status (STC01)");
    for (size_t i = 0; i < ARRAY_SIZE(els); i++) {
        rcm_ack_status s = common;
        if (!read_c043(r, env, seg, els[i], &s))
            continue;
        rcm_ack_status *v = ack_grow(&r->mem, *arr, *n, cap, sizeof(*v));
        if (!v)
            return nomem(r, env, seg);
        *arr = v;
        v[(*n)++] = s;
    }
    return r->stop;
}

static int on_stc(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    switch (r->level) {
    case L_RECEIVER:
        return read_stc(r, env, seg, &r->a.receiver_status, &r->a.n_receiver_status, &r->rstat_cap);
    case L_PROVIDER: {
        rcm_ack_provider *p = &r->a.providers[r->provider];
        return read_stc(r, env, seg, &p->status, &p->n_status, &r->pstat_cap);
    }
    case L_SUBSCRIBER:
    case L_PATIENT: {
        rcm_ack_claim *c = claim_for(r, env, seg);
        if (!c)
            return r->stop;
        if (r->in_line) {
            rcm_ack_line *l = &c->lines[c->n_lines - 1];
            return read_stc(r, env, seg, &l->status, &l->n_status, &r->lstat_cap);
        }
        return read_stc(r, env, seg, &c->status, &c->n_status, &r->cstat_cap);
    }
    default:
        return r->stop;
    }
}

static void read_qty(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    long *acc, *rej;
    int *hacc, *hrej;
    if (r->level == L_RECEIVER) {
        acc = &r->a.accepted_qty;
        rej = &r->a.rejected_qty;
        hacc = &r->a.has_accepted_qty;
        hrej = &r->a.has_rejected_qty;
    } else if (r->level == L_PROVIDER) {
        rcm_ack_provider *p = &r->a.providers[r->provider];
        acc = &p->accepted_qty;
        rej = &p->rejected_qty;
        hacc = &p->has_accepted_qty;
        hrej = &p->has_rejected_qty;
    } else {
        return;
    }
    rcm_str q = rcm_x12_el(seg, 1), v = rcm_x12_el(seg, 2);
    int accepted;
    if (rcm_str_eq(q, "90") || rcm_str_eq(q, "QA")) {
        accepted = 1;
    } else if (rcm_str_eq(q, "AA") || rcm_str_eq(q, "QC")) {
        accepted = 0;
    } else {
        if (ack_need(&r->stop, env, seg, 1, 0, "the quantity qualifier"))
            ack_bad(&r->stop, env, seg, 1, 0, "7", q,
                    "a claim count qualifier (90 / QA accepted, AA / QC rejected)");
        return;
    }
    int64_t milli;
    if (!ack_need(&r->stop, env, seg, 2, 0, "the quantity"))
        return;
    if (rcm_milli_parse(&milli, v, NULL) < 0 || milli < 0 || milli % 1000) {
        ack_bad(&r->stop, env, seg, 2, 0, "6", v, "a number of claims");
        return;
    }
    long *sum = accepted ? acc : rej;
    if (__builtin_add_overflow(*sum, (long)(milli / 1000), sum))
        ack_bad(&r->stop, env, seg, 2, 0, "6", v, "a count that can be added up (the total overflows)");
    *(accepted ? hacc : hrej) = 1;
}

static void read_amt(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    int64_t *acc, *rej;
    int *hacc, *hrej;
    if (r->level == L_RECEIVER) {
        acc = &r->a.accepted_cents;
        rej = &r->a.rejected_cents;
        hacc = &r->a.has_accepted_amount;
        hrej = &r->a.has_rejected_amount;
    } else if (r->level == L_PROVIDER) {
        rcm_ack_provider *p = &r->a.providers[r->provider];
        acc = &p->accepted_cents;
        rej = &p->rejected_cents;
        hacc = &p->has_accepted_amount;
        hrej = &p->has_rejected_amount;
    } else {
        return;
    }
    rcm_str q = rcm_x12_el(seg, 1);
    int accepted = rcm_str_eq(q, "YU");
    if (!accepted && !rcm_str_eq(q, "YY")) {
        if (ack_need(&r->stop, env, seg, 1, 0, "the amount qualifier"))
            ack_bad(&r->stop, env, seg, 1, 0, "7", q, "a claim amount qualifier (YU accepted, YY rejected)");
        return;
    }
    int64_t cents;
    int present;
    ack_keep(&r->stop, x12_cents(env, seg, 2, &cents, &present));
    if (!present) {
        ack_need(&r->stop, env, seg, 2, 0, "the amount");
        return;
    }
    int64_t *sum = accepted ? acc : rej;
    if (__builtin_add_overflow(*sum, cents, sum))
        ack_bad(&r->stop, env, seg, 2, 0, "6", rcm_x12_el(seg, 2),
                "an amount that can be added up (the total overflows)");
    *(accepted ? hacc : hrej) = 1;
}

static void read_ref(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->level != L_SUBSCRIBER && r->level != L_PATIENT)
        return;
    rcm_str q = rcm_x12_el(seg, 1), v = rcm_x12_el(seg, 2);
    if (r->in_line) {
        if (rcm_str_eq(q, "FJ")) {
            rcm_ack_claim *c = &r->a.claims[r->a.n_claims - 1];
            str_copy(c->lines[c->n_lines - 1].line_id, sizeof(c->lines[0].line_id), v);
        }
        return;
    }
    if (!rcm_str_eq(q, "1K") && !rcm_str_eq(q, "D9") && !rcm_str_eq(q, "BLT") && !rcm_str_eq(q, "EJ"))
        return;
    rcm_ack_claim *c = claim_for(r, env, seg);
    if (!c)
        return;
    ack_need(&r->stop, env, seg, 2, 0, "the reference identification (REF02)");
    if (rcm_str_eq(q, "1K")) {
        str_copy(c->payer_claim_number, sizeof(c->payer_claim_number), v);
    } else if (rcm_str_eq(q, "D9")) {
        str_copy(c->clearinghouse_id, sizeof(c->clearinghouse_id), v);
    } else if (rcm_str_eq(q, "BLT")) {
        ack_len(&r->stop, env, seg, 2, v, 2, 3, "a bill type (facility type and frequency)");
        str_copy(c->bill_type, sizeof(c->bill_type), v);
    } else if (v.n) {
        str_copy(c->claim_id, sizeof(c->claim_id), v); /* REF*EJ: patient account number = CLM01 */
    }
}

static void read_dtp(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    rcm_date from, to;
    if (r->level == L_SOURCE && (rcm_str_eq(q, "050") || rcm_str_eq(q, "009"))) {
        ack_dtp_range(&from, &to, &r->stop, env, seg);
        *(rcm_str_eq(q, "050") ? &r->a.received_date : &r->a.processed_date) = from;
        return;
    }
    if ((r->level != L_SUBSCRIBER && r->level != L_PATIENT) || !rcm_str_eq(q, "472"))
        return;
    rcm_ack_claim *c = claim_for(r, env, seg);
    if (!c)
        return;
    ack_dtp_range(&from, &to, &r->stop, env, seg);
    if (r->in_line) {
        c->lines[c->n_lines - 1].service_from = from;
        c->lines[c->n_lines - 1].service_to = to;
    } else {
        c->service_from = from;
        c->service_to = to;
    }
}

static int read_svc(r277 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->level != L_SUBSCRIBER && r->level != L_PATIENT)
        return r->stop;
    rcm_ack_claim *c = claim_for(r, env, seg);
    if (!c)
        return r->stop;
    rcm_ack_line *v = ack_grow(&r->mem, c->lines, c->n_lines, &r->lines_cap, sizeof(*v));
    if (!v)
        return nomem(r, env, seg);
    c->lines = v;
    rcm_ack_line *l = &c->lines[c->n_lines++];
    r->lstat_cap = 0;
    r->in_line = 1;
    l->service_from = l->service_to = RCM_DATE_NONE;
    l->segment = seg->number;
    l->line = seg->line;
    char sep = seg->d.comp;
    rcm_str proc = rcm_x12_el(seg, 1);
    if (ack_need(&r->stop, env, seg, 1, 1, "the product or service id qualifier"))
        ack_need(&r->stop, env, seg, 1, 2, "the procedure code");
    str_copy(l->qualifier, sizeof(l->qualifier), rcm_x12_comp(proc, sep, 1));
    str_copy(l->procedure, sizeof(l->procedure), rcm_x12_comp(proc, sep, 2));
    for (unsigned i = 0; i < 4; i++)
        str_copy(l->modifiers[i], sizeof(l->modifiers[i]), rcm_x12_comp(proc, sep, 3 + i));
    int present;
    ack_keep(&r->stop, x12_cents(env, seg, 2, &l->charge_cents, &present));
    if (!present)
        ack_need(&r->stop, env, seg, 2, 0, "the line charge (SVC02)");
    ack_keep(&r->stop, x12_cents(env, seg, 3, &l->paid_cents, &l->has_paid));
    str_copy(l->revenue_code, sizeof(l->revenue_code), rcm_x12_el(seg, 4));
    rcm_str u = rcm_x12_el(seg, 7);
    if (u.n && (rcm_milli_parse(&l->units_milli, u, NULL) < 0 || l->units_milli < 0)) {
        l->units_milli = 0;
        ack_bad(&r->stop, env, seg, 7, 0, "6", u, "a number of units");
    }
    return r->stop;
}

static int r_segment(void *state, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    r277 *r = state;
    if (r->deleg)
        return r->deleg->segment(r->gen, env, seg);
    if (r->stop)
        return r->stop;
    switch (rcm_x12_key(seg)) {
    case RCM_X12_KEY('B', 'H', 'T'):
        str_copy(r->a.bht_id, sizeof(r->a.bht_id), rcm_x12_el(seg, 3));
        ack_keep(&r->stop, x12_date(env, seg, 4, &r->a.bht_date));
        break;
    case RCM_X12_KEY('H', 'L', 0): return read_hl(r, env, seg);
    case RCM_X12_KEY('N', 'M', '1'): read_nm1(r, seg); break;
    case RCM_X12_KEY('T', 'R', 'N'): return read_trn(r, env, seg);
    case RCM_X12_KEY('S', 'T', 'C'): return on_stc(r, env, seg);
    case RCM_X12_KEY('Q', 'T', 'Y'): read_qty(r, env, seg); break;
    case RCM_X12_KEY('A', 'M', 'T'): read_amt(r, env, seg); break;
    case RCM_X12_KEY('R', 'E', 'F'): read_ref(r, env, seg); break;
    case RCM_X12_KEY('D', 'T', 'P'): read_dtp(r, env, seg); break;
    case RCM_X12_KEY('S', 'V', 'C'): return read_svc(r, env, seg);
    default: break;
    }
    return r->stop;
}

static int r_end(void *state, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    r277 *r = state;
    if (r->deleg) {
        int rc = r->deleg->end(r->gen, env, se);
        clear(r);
        return rc;
    }
    int rc = r->stop;
    if (rc < 0 || !se) /* stopped, or cut short: the walker reported it; nothing half-read goes out */
        goto done;
    close_claim(r, env, se);
    check_patient_done(r, env, se);
    rc = r->stop;
    if (rc == 0 && r->cb->ack277)
        rc = r->cb->ack277(r->cb->ctx, &r->a);
done:
    clear(r);
    return rc;
}

const x12_typed_ops x12_ops_277 = { "277", r_create, r_destroy, r_begin, r_segment, r_end };
