/*
 * The typed dispatcher: routes each transaction set to the typed reader of
 * its ST01 (835, 837, 999, 277) and TA1 segments to the TA1 reader; any
 * other set is read structurally.
 */
#include <stdlib.h>
#include "x12_internal.h"
#include "rcm/guide.h"

enum { T_835, T_837, T_999, T_277, T_GENERIC, T_COUNT };

static const x12_typed_ops *const ops_table[T_COUNT] = {
    [T_835] = &x12_ops_835, [T_837] = &x12_ops_837, [T_999] = &x12_ops_999,
    [T_277] = &x12_ops_277, [T_GENERIC] = &x12_ops_generic,
};

typedef struct dispatch {
    const rcm_x12_typed_cb *cb;
    void *state[T_COUNT];
    int cur;          /* typed reader of the open set, -1 none */
} dispatch;

static int kind_of(const char *st_id)
{
    if (strcmp(st_id, "835") == 0) return T_835;
    if (strcmp(st_id, "837") == 0) return T_837;
    if (strcmp(st_id, "999") == 0 || strcmp(st_id, "997") == 0) return T_999;
    if (strcmp(st_id, "277") == 0) return T_277;
    return T_GENERIC;
}

static int d_problem(void *ctx, const rcm_x12_problem *p)
{
    dispatch *d = ctx;
    return d->cb->problem ? d->cb->problem(d->cb->ctx, p) : 0;
}

static int d_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    dispatch *d = ctx;
    int k = kind_of(env->st_id);
    if (!d->state[k]) {
        int rc = ops_table[k]->create(&d->state[k], d->cb);
        if (rc < 0)
            return rc;
    }
    d->cur = k;
    return ops_table[k]->begin(d->state[k], env, st);
}

static int d_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    dispatch *d = ctx;
    return d->cur >= 0 ? ops_table[d->cur]->segment(d->state[d->cur], env, seg) : 0;
}

static int d_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    dispatch *d = ctx;
    int k = d->cur;
    d->cur = -1;
    return k >= 0 ? ops_table[k]->end(d->state[k], env, se) : 0;
}

static int d_outside(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    dispatch *d = ctx;
    if (rcm_x12_is(seg, "TA1"))
        return x12_ta1_read(d->cb, env, seg);
    return 0;
}

int rcm_x12_read(rcm_x12_reader *r, const rcm_x12_typed_cb *cb, rcm_x12_stats *stats, rcm_error *err)
{
    static const rcm_x12_typed_cb none;
    dispatch d;
    memset(&d, 0, sizeof(d));
    d.cb = cb ? cb : &none;
    d.cur = -1;
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = &d;
    v.problem = d_problem;
    v.set_begin = d_begin;
    v.segment = d_segment;
    v.set_end = d_end;
    v.outside = d_outside;
    /* with guides, each segment is checked against its guide before its typed reader sees it */
    int rc = d.cb->guides ? rcm_x12_validate(r, d.cb->guides, &v, stats, err) : rcm_x12_walk(r, &v, stats, err);
    for (int k = 0; k < T_COUNT; k++)
        if (d.state[k])
            ops_table[k]->destroy(d.state[k]);
    return rc;
}

int x12_bad_value(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp, rcm_str v,
                  const char *what)
{
    char tmp[40];
    size_t n = v.n < sizeof(tmp) - 1 ? v.n : sizeof(tmp) - 1;
    for (size_t i = 0; i < n; i++)
        tmp[i] = isprint((unsigned char)v.p[i]) ? v.p[i] : '?';
    tmp[n] = '\0';
    return rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "6",
                          "'%s'%s is not %s", tmp, v.n > n ? "..." : "", what);
}

int x12_cents(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int64_t *out, int *present)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    *out = 0;
    if (present)
        *present = v.n > 0;
    if (!v.n)
        return 0;
    const char *why;
    if (rcm_cents_parse(out, v, &why) < 0) {
        *out = 0;
        char what[64];
        if (strcmp(why, "is not a number") == 0)
            snprintf(what, sizeof(what), "an amount");
        else
            snprintf(what, sizeof(what), "an amount: it %s", why);
        return x12_bad_value(env, seg, el, 0, v, what);
    }
    return 0;
}

int x12_date(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, rcm_date *out)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    *out = RCM_DATE_NONE;
    if (!v.n)
        return 0;
    if (rcm_date_parse(out, v) < 0) {
        *out = RCM_DATE_NONE;
        char tmp[40];
        size_t n = v.n < sizeof(tmp) - 1 ? v.n : sizeof(tmp) - 1;
        for (size_t i = 0; i < n; i++)
            tmp[i] = isprint((unsigned char)v.p[i]) ? v.p[i] : '?';
        tmp[n] = '\0';
        /* IK403 code 8: invalid date */
        return rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "8",
                              "'%s'%s is not a date (CCYYMMDD)", tmp, v.n > n ? "..." : "");
    }
    return 0;
}
