/*
 * Fuzz target: the envelope walker. Checks what the visitor is promised:
 * every set_begin gets one set_end, segments come only inside a set with
 * increasing positions, problems are well formed and located at or before
 * the segment being read, stats agree with the callbacks. A segment callback
 * also reports through rcm_x12_report, and may stop the walk (chosen by the
 * input's last byte) to exercise the early exit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/x12.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "fuzz_walk: check failed: %s (line %d)\n", #c, __LINE__); \
            abort();                                                              \
        }                                                                         \
    } while (0)

typedef struct state {
    long problems, errors, begins, ends, segments, outside, interchange_ends;
    long last_segment;  /* number of the last segment a callback saw */
    long position;      /* last st_position seen inside the open set */
    int in_set;
    long stop_after;    /* stop after this many body segments (0: never) */
    rcm_buf line;
} state;

static void check_cstr(const char *s, size_t size) { CHECK(memchr(s, '\0', size) != NULL); }

static void check_env(const rcm_x12_env *e)
{
    check_cstr(e->isa_sender, sizeof(e->isa_sender));
    check_cstr(e->isa_receiver, sizeof(e->isa_receiver));
    check_cstr(e->isa_control, sizeof(e->isa_control));
    check_cstr(e->gs_control, sizeof(e->gs_control));
    check_cstr(e->gs_version, sizeof(e->gs_version));
    check_cstr(e->st_id, sizeof(e->st_id));
    check_cstr(e->st_control, sizeof(e->st_control));
    check_cstr(e->st_version, sizeof(e->st_version));
    CHECK(e->source != NULL);
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    state *s = ctx;
    s->problems++;
    s->errors += p->severity == RCM_SEV_ERROR;
    CHECK(p->kind >= RCM_X12P_INTERCHANGE && p->kind <= RCM_X12P_BALANCE);
    CHECK(p->severity >= RCM_SEV_ERROR && p->severity <= RCM_SEV_INFO);
    check_cstr(p->code, sizeof(p->code));
    CHECK(p->code[0]);
    check_cstr(p->msg, sizeof(p->msg));
    CHECK(p->msg[0]);
    check_cstr(p->seg_id, sizeof(p->seg_id));
    check_cstr(p->st_id, sizeof(p->st_id));
    check_cstr(p->st_control, sizeof(p->st_control));
    CHECK(p->segment >= 0 && p->line >= 0 && p->set_position >= 0);
    CHECK(p->segment >= s->last_segment);
    rcm_buf_reset(&s->line);
    rcm_x12_problem_format(p, &s->line);
    CHECK(!rcm_buf_failed(&s->line) && strlen(s->line.ptr) == s->line.len);
    return 0;
}

static void saw(state *s, const rcm_x12_seg *seg)
{
    CHECK(seg->number > s->last_segment);
    s->last_segment = seg->number;
}

static int on_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    state *s = ctx;
    CHECK(!s->in_set);
    saw(s, st);
    check_env(env);
    CHECK(env->st_position == 1 && env->st_segment == st->number);
    s->in_set = 1;
    s->position = 1;
    s->begins++;
    return 0;
}

static int on_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    state *s = ctx;
    CHECK(s->in_set);
    saw(s, seg);
    check_env(env);
    CHECK(env->st_position == s->position + 1);
    s->position = env->st_position;
    s->segments++;
    rcm_str e1 = rcm_x12_el(seg, 1);
    if (e1.n == 1 && e1.p[0] == 'R') /* exercise reports from a typed reader */
        rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 1, 0, "7", "element 1 is '%.*s'",
                       (int)e1.n, e1.p);
    if (s->stop_after && s->segments >= s->stop_after)
        return RCM_EINVAL;
    return 0;
}

static int on_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    state *s = ctx;
    CHECK(s->in_set);
    if (se) {
        saw(s, se);
        CHECK(env->st_position == s->position + 1);
    }
    check_env(env);
    s->in_set = 0;
    s->ends++;
    return 0;
}

static int on_outside(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    state *s = ctx;
    CHECK(!s->in_set);
    saw(s, seg);
    s->outside++;
    return 0;
}

static int on_interchange_end(void *ctx, const rcm_x12_env *env)
{
    state *s = ctx;
    CHECK(!s->in_set);
    check_env(env);
    s->interchange_ends++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_x12_open_mem(&r, data, size, "fuzz", &err) < 0)
        return 0;
    state s;
    memset(&s, 0, sizeof(s));
    rcm_buf_init(&s.line, RCM_MAX_MESSAGE);
    if (size && (data[size - 1] & 0x80))
        s.stop_after = 1 + (data[size - 1] & 0x0F);
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = &s;
    v.problem = on_problem;
    v.set_begin = on_begin;
    v.segment = on_segment;
    v.set_end = on_end;
    v.outside = on_outside;
    v.interchange_end = on_interchange_end;
    rcm_x12_stats st;
    int rc = rcm_x12_walk(r, &v, &st, &err);
    CHECK(st.problems == s.problems && st.errors == s.errors);
    CHECK(st.sets == s.begins);
    CHECK(st.interchanges >= s.interchange_ends);
    if (rc == 0) {
        CHECK(s.begins == s.ends && !s.in_set);
        CHECK(s.interchange_ends == st.interchanges);
    } else {
        CHECK(rc < 0 && err.msg[0]);
        CHECK(rc == RCM_EINVAL || rc == RCM_ESYNTAX || rc == RCM_ELIMIT);
        CHECK(s.ends <= s.begins && s.begins - s.ends <= 1);
    }
    rcm_buf_release(&s.line);
    rcm_x12_reader_free(r);

    /* the same input with no visitor at all */
    if (rcm_x12_open_mem(&r, data, size, NULL, NULL) == 0) {
        rcm_x12_walk(r, NULL, NULL, NULL);
        rcm_x12_reader_free(r);
    }
    return 0;
}
