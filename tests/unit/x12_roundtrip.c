/* The X12 writer tests' read-back helpers (x12_roundtrip.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/guide.h"
#include "x12_roundtrip.h"

void x12rt_count_problem(x12rt_problems *pr, const rcm_x12_problem *p)
{
    pr->problems++;
    if (p->severity == RCM_SEV_ERROR) {
        if (!pr->errors)
            snprintf(pr->first, sizeof(pr->first), "segment %ld %s el %d: %s", p->segment, p->seg_id,
                     p->element, p->msg);
        pr->errors++;
    }
}

void x12rt_read(const char *text, size_t len, const char *source, const rcm_x12_typed_cb *cb)
{
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&rd, text, len, source, &err), 0, "%s: %s", source, err.msg);
    cr_assert_eq(rcm_x12_read(rd, cb, NULL, &err), 0, "%s: %s", source, err.msg);
    rcm_x12_reader_free(rd);
}

void x12rt_strip(json_t *j)
{
    if (json_is_object(j)) {
        json_object_del(j, "segment");
        json_object_del(j, "line");
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) x12rt_strip(v);
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) x12rt_strip(v);
    }
}

char *x12rt_dumps(json_t *j)
{
    x12rt_strip(j);
    char *s = json_dumps(j, JSON_SORT_KEYS);
    json_decref(j);
    return s;
}

char *x12rt_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    cr_assert_eq(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return p;
}

void x12rt_envelope(rcm_x12_envelope *e, uint32_t control)
{
    rcm_x12_envelope_init(e);
    memcpy(e->sender_id, "PAYER01", 8);
    memcpy(e->receiver_id, "CLINIC01", 9);
    e->date = rcm_date_from_ymd(2026, 11, 2);
    memcpy(e->time, "1200", 5);
    e->isa_control = control;
    e->gs_control = control;
}

static int count_guide_problem(void *ctx, const rcm_x12_problem *p)
{
    x12rt_problems *pr = ctx;
    if (!pr->problems)
        snprintf(pr->first, sizeof(pr->first), "segment %ld %s loop %.40s el %d: %.150s", p->segment, p->seg_id,
                 p->loop, p->element, p->msg);
    pr->problems++;
    pr->errors += p->severity == RCM_SEV_ERROR;
    return 0;
}

long x12rt_guide_problems(const char *text, size_t len, const char *source, char *first, size_t firstsz)
{
    rcm_guides *g = NULL;
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_builtin(&g, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_x12_open_mem(&rd, text, len, source, &err), 0, "%s: %s", source, err.msg);
    x12rt_problems pr;
    memset(&pr, 0, sizeof(pr));
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = &pr;
    v.problem = count_guide_problem;
    rcm_x12_stats st;
    memset(&st, 0, sizeof(st));
    cr_assert_eq(rcm_x12_validate(rd, g, &v, &st, &err), 0, "%s: %s", source, err.msg);
    cr_assert_gt(st.sets, 0, "%s: no transaction set", source);
    rcm_x12_reader_free(rd);
    rcm_guides_free(g);
    if (first && firstsz)
        snprintf(first, firstsz, "%s", pr.first);
    return pr.problems;
}

void x12rt_assert_valid(const char *text, size_t len, const char *source)
{
    char first[256];
    long n = x12rt_guide_problems(text, len, source, first, sizeof(first));
    cr_assert_eq(n, 0, "%s: %ld problems against the built-in guides, the first: %s", source, n, first);
}
