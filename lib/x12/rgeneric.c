/*
 * The structural reader: a summary of the transaction sets rcm has no typed
 * model for (270/271 eligibility, 276 status request, 834 enrollment, and
 * any other ST): segment counts, HL counts by level, and the segments that
 * matter for triage (EB, AAA, STC, TRN, EQ, INS). It checks HL numbering
 * (HL01 1, 2, 3... in order; HL02 names an earlier HL) and, for 270, 271
 * and 276, the level hierarchy (DOMAIN 4.7). A 997 is handed to the 999
 * reader, which reads both. One rcm_x12_generic goes to cb->generic per set
 * at its SE. Any version is read (a 4010 set too: the walker warns).
 */
#include <stdlib.h>
#include "rack_internal.h"

typedef struct rgen {
    const rcm_x12_typed_cb *cb;
    rcm_x12_generic g;
    ack_hl hl;
    const ack_hl_rule *rules;
    size_t n_rules;
    const x12_typed_ops *deleg;  /* set while a 997 is read by the 999 reader */
    void *ack;
    int stop;
} rgen;

static const ack_hl_rule rules_27x[] = {  /* 270, 271 (X279) */
    { "20", "" }, { "21", "20" }, { "22", "21" }, { "23", "22" },
};
static const ack_hl_rule rules_276[] = {  /* 276 (X212) */
    { "20", "" }, { "21", "20" }, { "19", "21" }, { "22", "19" }, { "23", "22" },
};

static int g_create(void **out, const rcm_x12_typed_cb *cb)
{
    rgen *r = calloc(1, sizeof(*r));
    if (!r)
        return RCM_ENOMEM;
    r->cb = cb;
    ack_hl_init(&r->hl);
    *out = r;
    return 0;
}

static void g_destroy(void *state)
{
    rgen *r = state;
    if (!r)
        return;
    if (r->ack)
        x12_ops_999.destroy(r->ack);
    ack_hl_release(&r->hl);
    free(r);
}

static int g_begin(void *state, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    rgen *r = state;
    r->deleg = NULL;
    r->stop = 0;
    if (strcmp(env->st_id, "997") == 0) {
        if (!r->ack) {
            int rc = x12_ops_999.create(&r->ack, r->cb);
            if (rc < 0)
                return rc;
        }
        r->deleg = &x12_ops_999;
        return r->deleg->begin(r->ack, env, st);
    }
    memset(&r->g, 0, sizeof(r->g));
    ack_hl_reset(&r->hl);
    cstr_copy(r->g.st_id, sizeof(r->g.st_id), env->st_id);
    cstr_copy(r->g.st_control, sizeof(r->g.st_control), env->st_control);
    cstr_copy(r->g.version, sizeof(r->g.version), env->st_version[0] ? env->st_version : env->gs_version);
    r->g.segments = 1;
    r->g.segment = st->number;
    r->g.line = st->line;
    r->rules = NULL;
    r->n_rules = 0;
    if (strcmp(env->st_id, "270") == 0 || strcmp(env->st_id, "271") == 0) {
        r->rules = rules_27x;
        r->n_rules = ARRAY_SIZE(rules_27x);
    } else if (strcmp(env->st_id, "276") == 0) {
        r->rules = rules_276;
        r->n_rules = ARRAY_SIZE(rules_276);
    }
    return 0;
}

static int level_index(rcm_str lvl)
{
    static const char *const codes[] = { "20", "21", "22", "23", "19", "PT" };
    for (int i = 0; i < (int)ARRAY_SIZE(codes); i++)
        if (rcm_str_eq(lvl, codes[i]))
            return i;
    return RCM_HL_OTHER;
}

static int g_segment(void *state, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rgen *r = state;
    if (r->deleg)
        return r->deleg->segment(r->ack, env, seg);
    rcm_x12_generic *g = &r->g;
    g->segments++;
    switch (rcm_x12_key(seg)) {
    case RCM_X12_KEY('H', 'L', 0): {
        const ack_hl_entry *e, *parent;
        g->hl_count++;
        g->hl_by_level[level_index(rcm_x12_el(seg, 3))]++;
        if (ack_hl_check(&e, &parent, &r->hl, &r->stop, env, seg, r->rules, r->n_rules) < 0) {
            rcm_x12_report(env, seg, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "",
                           "too many HL segments to check (more than %zu MiB)", ACK_MAX_BYTES >> 20);
            return RCM_ENOMEM;
        }
        break;
    }
    case RCM_X12_KEY('E', 'B', 0): {
        rcm_str c = rcm_x12_el(seg, 1);
        g->eb_count++;
        if (c.n == 1 && c.p[0] >= '1' && c.p[0] <= '5')
            g->eb_active++;
        else if (c.n == 1 && c.p[0] >= '6' && c.p[0] <= '8')
            g->eb_inactive++;
        break;
    }
    case RCM_X12_KEY('A', 'A', 'A'): g->aaa_count++; break;
    case RCM_X12_KEY('S', 'T', 'C'): g->stc_count++; break;
    case RCM_X12_KEY('T', 'R', 'N'): g->trn_count++; break;
    case RCM_X12_KEY('E', 'Q', 0): g->eq_count++; break;
    case RCM_X12_KEY('I', 'N', 'S'): g->ins_count++; break;
    default: break;
    }
    return r->stop;
}

static int g_end(void *state, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    rgen *r = state;
    if (r->deleg) {
        r->deleg = NULL;
        return x12_ops_999.end(r->ack, env, se);
    }
    if (r->stop < 0 || !se) /* stopped, or cut short: the walker reported it */
        return r->stop;
    r->g.segments++;
    return r->cb->generic ? r->cb->generic(r->cb->ctx, &r->g) : 0;
}

const x12_typed_ops x12_ops_generic = { "generic", g_create, g_destroy, g_begin, g_segment, g_end };
