/*
 * The 999 reader (005010X231A1 implementation acknowledgment), which also
 * reads the older 997 functional acknowledgment (AK3/AK4/AK5 in place of
 * IK3/IK4/IK5) into the same model.
 *
 * Layout: AK1 (the group acknowledged), then per acknowledged set AK2,
 * IK3 (+ CTX) with its IK4s (+ CTX), IK5; then AK9 (group totals). Codes are
 * checked against the 5010 lists, and AK9's counts against the AK2 loops
 * (DOMAIN 4.6). The model of one 999 set is built in an arena reset after
 * it is handed to cb->ack999 at its SE.
 */
#include <stdlib.h>
#include "rack_internal.h"

/* Where the reader stands in the set. */
enum { S_START, S_GROUP, S_SET, S_SEGERR, S_ELERR, S_SETDONE, S_TRAILER };

typedef struct r999 {
    const rcm_x12_typed_cb *cb;
    arena mem;
    rcm_ack999 a;
    uint32_t sets_cap;               /* a.sets is realloc'd and kept between sets */
    uint32_t seg_cap, el_cap, ctx_cap; /* capacities of the arrays being appended to */
    int state;
    int is997;
    int have_ak1, have_ak9;
    int stop;
} r999;

static const char *const ik304_codes[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "I4", "I6", "I7", "I8", "I9", NULL
};
static const char *const ak304_codes[] = { "1", "2", "3", "4", "5", "6", "7", "8", NULL };
static const char *const ik403_codes[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13",
    "I6", "I9", "I10", "I11", "I12", "I13", NULL
};
static const char *const ak403_codes[] = {
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", NULL
};
static const char *const ik501_codes[] = { "A", "E", "M", "R", "W", "X", NULL };
static const char *const ak901_codes[] = { "A", "E", "M", "P", "R", "W", "X", NULL };

static int r_create(void **out, const rcm_x12_typed_cb *cb)
{
    r999 *r = calloc(1, sizeof(*r));
    if (!r)
        return RCM_ENOMEM;
    r->cb = cb;
    arena_init(&r->mem, 16384, ACK_MAX_BYTES);
    *out = r;
    return 0;
}

static void r_destroy(void *state)
{
    r999 *r = state;
    if (!r)
        return;
    arena_release(&r->mem);
    free(r->a.sets);
    free(r);
}

static void clear(r999 *r)
{
    rcm_ack_set *sets = r->a.sets;
    memset(&r->a, 0, sizeof(r->a));
    r->a.sets = sets;
    arena_reset(&r->mem);
    r->seg_cap = r->el_cap = r->ctx_cap = 0;
    r->state = S_START;
    r->have_ak1 = r->have_ak9 = 0;
    r->stop = 0;
}

static int r_begin(void *state, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    r999 *r = state;
    clear(r);
    r->is997 = strcmp(env->st_id, "997") == 0;
    cstr_copy(r->a.st_id, sizeof(r->a.st_id), env->st_id);
    cstr_copy(r->a.st_control, sizeof(r->a.st_control), env->st_control);
    cstr_copy(r->a.st_version, sizeof(r->a.st_version),
              env->st_version[0] ? env->st_version : env->gs_version);
    r->a.segment = st->number;
    r->a.line = st->line;
    return 0;
}

static int nomem(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_x12_report(env, seg, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "",
                   "acknowledgment is too large to hold in memory (more than %zu MiB)",
                   ACK_MAX_BYTES >> 20);
    return r->stop = RCM_ENOMEM;
}

static void out_of_place(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, const char *why)
{
    ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "7",
                                      "segment is out of sequence: %s", why));
}

static rcm_ack_set *cur_set(r999 *r) { return r->a.n_sets ? &r->a.sets[r->a.n_sets - 1] : NULL; }

static rcm_ack_segment_error *cur_segerr(r999 *r)
{
    rcm_ack_set *s = cur_set(r);
    return s && s->n_segments ? &s->segments[s->n_segments - 1] : NULL;
}

static rcm_ack_element_error *cur_elerr(r999 *r)
{
    rcm_ack_segment_error *g = cur_segerr(r);
    return g && g->n_elements ? &g->elements[g->n_elements - 1] : NULL;
}

/* An AK2 loop without its IK5, closed by seg (the next AK2, the AK9 or the SE). */
static void close_set(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_ack_set *s = cur_set(r);
    if (!s || (r->state != S_SET && r->state != S_SEGERR && r->state != S_ELERR))
        return;
    char ctl[16];
    ack_printable(ctl, sizeof(ctl), rcm_str_c(s->st_control));
    ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                      "the set '%s' acknowledged at segment %ld has no %s "
                                      "(set response trailer)", ctl, s->segment,
                                      r->is997 ? "AK5" : "IK5"));
}

static void read_ak1(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->have_ak1) {
        out_of_place(r, env, seg, "a 999 acknowledges one functional group (one AK1)");
        return;
    }
    r->have_ak1 = 1;
    r->state = S_GROUP;
    rcm_str f = rcm_x12_el(seg, 1), c = rcm_x12_el(seg, 2), v = rcm_x12_el(seg, 3);
    if (ack_need(&r->stop, env, seg, 1, 0, "the functional identifier code (AK101)"))
        ack_len(&r->stop, env, seg, 1, f, 2, 2, "a functional identifier code");
    long ctl;
    if (ack_need(&r->stop, env, seg, 2, 0, "the group control number (AK102)") &&
        ack_uint(&ctl, &r->stop, env, seg, 2, 0, c, "a group control number (1 to 9 digits)"))
        ack_len(&r->stop, env, seg, 2, c, 1, 9, "a group control number");
    ack_len(&r->stop, env, seg, 3, v, 1, 12, "a version code");
    str_copy(r->a.func_id, sizeof(r->a.func_id), f);
    str_copy(r->a.group_control, sizeof(r->a.group_control), c);
    str_copy(r->a.version, sizeof(r->a.version), v);
}

static int read_ak2(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->state == S_TRAILER) {
        out_of_place(r, env, seg, "AK2 after the AK9");
    } else if (!r->have_ak1 && r->state == S_START) {
        out_of_place(r, env, seg, "AK2 before the AK1 (functional group response header)");
    }
    close_set(r, env, seg);
    rcm_ack_set *v = ack_vec_grow(r->a.sets, r->a.n_sets, &r->sets_cap, sizeof(*v), ACK_MAX_BYTES);
    if (!v)
        return nomem(r, env, seg);
    r->a.sets = v;
    rcm_ack_set *s = &r->a.sets[r->a.n_sets++];
    r->seg_cap = 0;
    r->state = S_SET;
    s->segment = seg->number;
    s->line = seg->line;
    rcm_str id = rcm_x12_el(seg, 1), c = rcm_x12_el(seg, 2), ver = rcm_x12_el(seg, 3);
    long n;
    if (ack_need(&r->stop, env, seg, 1, 0, "the transaction set identifier (AK201)") &&
        ack_uint(&n, &r->stop, env, seg, 1, 0, id, "a transaction set identifier (3 digits)"))
        ack_len(&r->stop, env, seg, 1, id, 3, 3, "a transaction set identifier");
    if (ack_need(&r->stop, env, seg, 2, 0, "the transaction set control number (AK202)"))
        ack_len(&r->stop, env, seg, 2, c, 4, 9, "a transaction set control number");
    ack_len(&r->stop, env, seg, 3, ver, 1, 35, "an implementation convention reference");
    str_copy(s->st_id, sizeof(s->st_id), id);
    str_copy(s->st_control, sizeof(s->st_control), c);
    str_copy(s->version, sizeof(s->version), ver);
    return r->stop;
}

static void wrong_flavour(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int ik)
{
    if (ik == !r->is997)
        return;
    char id[8];
    ack_printable(id, sizeof(id), rcm_x12_id(seg));
    ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "6",
                                      "'%s' is not a segment of a %s (it uses %s)", id,
                                      r->is997 ? "997" : "999",
                                      r->is997 ? "AK3, AK4, AK5" : "IK3, IK4, IK5"));
}

static int read_ik3(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int ik)
{
    wrong_flavour(r, env, seg, ik);
    rcm_ack_set *s = cur_set(r);
    if (!s || r->state < S_SET || r->state > S_ELERR) {
        out_of_place(r, env, seg, "a segment error must follow its AK2 (before the IK5)");
        return r->stop;
    }
    rcm_ack_segment_error *v = ack_grow(&r->mem, s->segments, s->n_segments, &r->seg_cap, sizeof(*v));
    if (!v)
        return nomem(r, env, seg);
    s->segments = v;
    rcm_ack_segment_error *g = &s->segments[s->n_segments++];
    r->el_cap = r->ctx_cap = 0;
    r->state = S_SEGERR;
    rcm_str id = rcm_x12_el(seg, 1), pos = rcm_x12_el(seg, 2), loop = rcm_x12_el(seg, 3),
            code = rcm_x12_el(seg, 4);
    if (ack_need(&r->stop, env, seg, 1, 0, "the segment id in error"))
        ack_len(&r->stop, env, seg, 1, id, 2, 3, "a segment id");
    if (ack_need(&r->stop, env, seg, 2, 0, "the position of the segment in error"))
        ack_uint(&g->position, &r->stop, env, seg, 2, 0, pos, "a segment position");
    ack_len(&r->stop, env, seg, 3, loop, 1, 4, "a loop identifier");
    if (ack_need(&r->stop, env, seg, 4, 0, "the segment syntax error code"))
        ack_code(&r->stop, env, seg, 4, 0, code, r->is997 ? ak304_codes : ik304_codes,
                 r->is997 ? "a segment syntax error code (AK304: 1-8)"
                          : "a segment syntax error code (IK304: 1-8, I4, I6-I9)");
    str_copy(g->seg_id, sizeof(g->seg_id), id);
    str_copy(g->loop, sizeof(g->loop), loop);
    str_copy(g->code, sizeof(g->code), code);
    return r->stop;
}

static int read_ik4(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int ik)
{
    wrong_flavour(r, env, seg, ik);
    rcm_ack_segment_error *g = cur_segerr(r);
    if (!g || (r->state != S_SEGERR && r->state != S_ELERR)) {
        out_of_place(r, env, seg, "an element error must follow its segment error (IK3)");
        return r->stop;
    }
    rcm_ack_element_error *v = ack_grow(&r->mem, g->elements, g->n_elements, &r->el_cap, sizeof(*v));
    if (!v)
        return nomem(r, env, seg);
    g->elements = v;
    rcm_ack_element_error *e = &g->elements[g->n_elements++];
    r->ctx_cap = 0;
    r->state = S_ELERR;
    char sep = seg->d.comp;
    rcm_str pos = rcm_x12_el(seg, 1), ref = rcm_x12_el(seg, 2), code = rcm_x12_el(seg, 3),
            val = rcm_x12_el(seg, 4);
    long n;
    if (ack_need(&r->stop, env, seg, 1, 1, "the position of the element in error")) {
        ack_uint(&n, &r->stop, env, seg, 1, 1, rcm_x12_comp(pos, sep, 1), "an element position");
        e->position = (int)(n > 99 ? 99 : n);
        ack_uint(&n, &r->stop, env, seg, 1, 2, rcm_x12_comp(pos, sep, 2), "a component position");
        e->component = (int)(n > 99 ? 99 : n);
        ack_uint(&n, &r->stop, env, seg, 1, 3, rcm_x12_comp(pos, sep, 3), "a repetition position");
        e->repetition = (int)(n > 9999 ? 9999 : n);
    }
    if (ack_uint(&n, &r->stop, env, seg, 2, 0, ref, "a data element reference number"))
        ack_len(&r->stop, env, seg, 2, ref, 1, 4, "a data element reference number");
    if (ack_need(&r->stop, env, seg, 3, 0, "the element syntax error code"))
        ack_code(&r->stop, env, seg, 3, 0, code, r->is997 ? ak403_codes : ik403_codes,
                 r->is997 ? "an element syntax error code (AK403: 1-13)"
                          : "an element syntax error code (IK403: 1-13, I6, I9-I13)");
    str_copy(e->ref, sizeof(e->ref), ref);
    str_copy(e->code, sizeof(e->code), code);
    str_copy(e->value, sizeof(e->value), val);
    return r->stop;
}

static int read_ctx(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->is997)
        wrong_flavour(r, env, seg, 1);
    rcm_ack_context **arr;
    uint32_t *n;
    rcm_ack_segment_error *g = cur_segerr(r);
    if (r->state == S_SEGERR) {
        arr = &g->contexts;
        n = &g->n_contexts;
    } else if (r->state == S_ELERR) {
        rcm_ack_element_error *e = cur_elerr(r);
        arr = &e->contexts;
        n = &e->n_contexts;
    } else {
        out_of_place(r, env, seg, "a context (CTX) must follow a segment or element error");
        return r->stop;
    }
    rcm_ack_context *v = ack_grow(&r->mem, *arr, *n, &r->ctx_cap, sizeof(*v));
    if (!v)
        return nomem(r, env, seg);
    *arr = v;
    rcm_ack_context *c = &v[(*n)++];
    char sep = seg->d.comp;
    rcm_str id = rcm_x12_el(seg, 1), pos = rcm_x12_el(seg, 5), ref = rcm_x12_el(seg, 6);
    rcm_str name = rcm_x12_comp(id, sep, 1), value = rcm_x12_comp(id, sep, 2);
    ack_need(&r->stop, env, seg, 1, 1, "the context name");
    str_copy(c->name, sizeof(c->name), name);
    str_copy(c->ref, sizeof(c->ref), value);
    str_copy(c->seg_id, sizeof(c->seg_id), rcm_x12_el(seg, 2));
    ack_uint(&c->position, &r->stop, env, seg, 3, 0, rcm_x12_el(seg, 3), "a segment position");
    str_copy(c->loop, sizeof(c->loop), rcm_x12_el(seg, 4));
    long k;
    ack_uint(&k, &r->stop, env, seg, 5, 1, rcm_x12_comp(pos, sep, 1), "an element position");
    c->element = (int)(k > 99 ? 99 : k);
    ack_uint(&k, &r->stop, env, seg, 5, 2, rcm_x12_comp(pos, sep, 2), "a component position");
    c->component = (int)(k > 99 ? 99 : k);
    ack_uint(&k, &r->stop, env, seg, 5, 3, rcm_x12_comp(pos, sep, 3), "a repetition position");
    c->repetition = (int)(k > 9999 ? 9999 : k);
    str_copy(c->element_ref, sizeof(c->element_ref), rcm_x12_comp(ref, sep, 1));
    str_copy(c->component_ref, sizeof(c->component_ref), rcm_x12_comp(ref, sep, 2));
    if (r->state == S_SEGERR && !g->claim_id[0] && rcm_str_eq(name, "CLM01"))
        str_copy(g->claim_id, sizeof(g->claim_id), value);
    return r->stop;
}

static void read_codes(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, char (*codes)[4])
{
    for (unsigned i = 2; i <= 6; i++) {
        rcm_str c = rcm_x12_el(seg, i);
        ack_len(&r->stop, env, seg, (int)i, c, 1, 3, "a syntax error code");
        str_copy(codes[i - 2], sizeof(codes[i - 2]), c);
    }
}

static int read_ik5(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int ik)
{
    wrong_flavour(r, env, seg, ik);
    rcm_ack_set *s = cur_set(r);
    if (!s || r->state < S_SET || r->state > S_ELERR) {
        out_of_place(r, env, seg, "a set response trailer must close an AK2 loop");
        return r->stop;
    }
    r->state = S_SETDONE;
    rcm_str st = rcm_x12_el(seg, 1);
    if (ack_need(&r->stop, env, seg, 1, 0, "the transaction set acknowledgment code") &&
        ack_code(&r->stop, env, seg, 1, 0, st, ik501_codes,
                 "a set acknowledgment code (A, E, M, R, W, X)"))
        s->status = st.p[0];
    read_codes(r, env, seg, s->codes);
    char ctl[16];
    ack_printable(ctl, sizeof(ctl), rcm_str_c(s->st_control));
    if (s->status && s->status != 'A' && !s->codes[0][0])
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 2, 0, "2",
                                          "set '%s' is not accepted (%c) but gives no syntax error "
                                          "code", ctl, s->status));
    if (s->status == 'A' && s->n_segments)
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 1, 0, "I12",
                                          "set '%s' is accepted (A) but lists %u segment error%s; "
                                          "expected E or R", ctl, s->n_segments,
                                          s->n_segments == 1 ? "" : "s"));
    return r->stop;
}

static void count_problem(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int el,
                          const char *fmt, long a, long b)
{
    char msg[160];
    snprintf(msg, sizeof(msg), fmt, a, b);
    ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "I12",
                                      "%s", msg));
}

/* AK9's counts against each other and against the AK2 loops read. */
static void check_counts(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, int have_counts)
{
    rcm_ack999 *a = &r->a;
    if (!have_counts)
        return;
    if (a->accepted > a->received)
        count_problem(r, env, seg, 4, "says %ld sets accepted, more than the %ld received (AK903)",
                      a->accepted, a->received);
    if (a->received > a->included)
        count_problem(r, env, seg, 3, "says %ld sets received, more than the %ld included (AK902)",
                      a->received, a->included);
    long n = (long)a->n_sets, ok = 0, with_errors = 0;
    for (uint32_t i = 0; i < a->n_sets; i++) {
        ok += a->sets[i].status == 'A' || a->sets[i].status == 'E';
        with_errors += a->sets[i].status == 'E';
    }
    if (n && n != a->included && n != a->received)
        count_problem(r, env, seg, 2, "says %ld sets included, the acknowledgment lists %ld (AK2)",
                      a->included, n);
    if (n && n == a->received && ok != a->accepted)
        count_problem(r, env, seg, 4, "says %ld sets accepted, the AK2 loops accept %ld (IK501 A or E)",
                      a->accepted, ok);
    switch (a->group_status) {
    case 'A':
    case 'E':
        if (a->accepted != a->received)
            count_problem(r, env, seg, 1, "group is accepted but AK904 accepts %ld of the %ld sets "
                          "received; expected P or R", a->accepted, a->received);
        else if (a->group_status == 'A' && with_errors)
            ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 1, 0,
                                              "I12", "group is accepted (A) but %ld set%s accepted "
                                              "with errors (E); expected E", with_errors,
                                              with_errors == 1 ? " was" : "s were"));
        break;
    case 'P':
        if (a->accepted == 0 || a->accepted >= a->received)
            count_problem(r, env, seg, 1, "group is partially accepted (P) but AK904 accepts %ld of "
                          "the %ld sets received", a->accepted, a->received);
        break;
    case 'R':
    case 'M':
    case 'W':
    case 'X':
        if (a->accepted != 0)
            count_problem(r, env, seg, 1, "group is rejected but AK904 accepts %ld of the %ld sets "
                          "received", a->accepted, a->received);
        break;
    default:
        break;
    }
}

static int read_ak9(r999 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->have_ak9) {
        out_of_place(r, env, seg, "a 999 has one AK9");
        return r->stop;
    }
    close_set(r, env, seg);
    if (!r->have_ak1)
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                          "the AK1 (functional group response header) is missing"));
    r->have_ak9 = 1;
    r->state = S_TRAILER;
    rcm_ack999 *a = &r->a;
    rcm_str st = rcm_x12_el(seg, 1);
    if (ack_need(&r->stop, env, seg, 1, 0, "the functional group acknowledgment code") &&
        ack_code(&r->stop, env, seg, 1, 0, st, ak901_codes,
                 "a group acknowledgment code (A, E, M, P, R, W, X)"))
        a->group_status = st.p[0];
    int counts = 1;
    static const char *const what[] = { "the number of sets included", "the number of sets received",
                                        "the number of sets accepted" };
    long *dst[] = { &a->included, &a->received, &a->accepted };
    for (int i = 0; i < 3; i++)
        if (!ack_need(&r->stop, env, seg, 2 + i, 0, what[i]) ||
            !ack_uint(dst[i], &r->stop, env, seg, 2 + i, 0, rcm_x12_el(seg, (unsigned)(2 + i)),
                      "a number of transaction sets"))
            counts = 0;
    for (unsigned i = 5; i <= 9; i++) {
        rcm_str c = rcm_x12_el(seg, i);
        ack_len(&r->stop, env, seg, (int)i, c, 1, 3, "a group syntax error code");
        str_copy(a->group_codes[i - 5], sizeof(a->group_codes[i - 5]), c);
    }
    check_counts(r, env, seg, counts && a->group_status);
    return r->stop;
}

static int r_segment(void *state, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    r999 *r = state;
    if (r->stop)
        return r->stop;
    switch (rcm_x12_key(seg)) {
    case RCM_X12_KEY('A', 'K', '1'): read_ak1(r, env, seg); return r->stop;
    case RCM_X12_KEY('A', 'K', '2'): return read_ak2(r, env, seg);
    case RCM_X12_KEY('I', 'K', '3'): return read_ik3(r, env, seg, 1);
    case RCM_X12_KEY('A', 'K', '3'): return read_ik3(r, env, seg, 0);
    case RCM_X12_KEY('I', 'K', '4'): return read_ik4(r, env, seg, 1);
    case RCM_X12_KEY('A', 'K', '4'): return read_ik4(r, env, seg, 0);
    case RCM_X12_KEY('C', 'T', 'X'): return read_ctx(r, env, seg);
    case RCM_X12_KEY('I', 'K', '5'): return read_ik5(r, env, seg, 1);
    case RCM_X12_KEY('A', 'K', '5'): return read_ik5(r, env, seg, 0);
    case RCM_X12_KEY('A', 'K', '9'): return read_ak9(r, env, seg);
    default: {
        char id[8];
        ack_printable(id, sizeof(id), rcm_x12_id(seg));
        ack_keep(&r->stop, rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "6",
                                          "'%s' is not a segment of a %s", id,
                                          r->is997 ? "997" : "999"));
        return r->stop;
    }
    }
}

static int r_end(void *state, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    r999 *r = state;
    int rc = r->stop;
    if (rc < 0 || !se) /* stopped, or cut short: the walker reported it; nothing half-read goes out */
        goto done;
    close_set(r, env, se);
    if (!r->have_ak1 && !r->have_ak9)
        ack_keep(&r->stop, rcm_x12_report(env, se, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                          "the AK1 (functional group response header) is missing"));
    if (!r->have_ak9)
        ack_keep(&r->stop, rcm_x12_report(env, se, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                                          "the AK9 (functional group response trailer) is missing"));
    rc = r->stop;
    if (rc == 0 && r->cb->ack999)
        rc = r->cb->ack999(r->cb->ctx, &r->a);
done:
    clear(r);
    return rc;
}

const x12_typed_ops x12_ops_999 = { "999", r_create, r_destroy, r_begin, r_segment, r_end };
