/*
 * The envelope walker: every control-structure problem is reported exactly
 * once, with the right kind, X12 code, segment number and element; trailers
 * missing or early do not cascade; the visitor sees each set once; a
 * callback can stop the walk.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "rcm/x12.h"

#define ISA "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\n"
#define GS "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*005010X222A1~\n"
#define ST "ST*837*0001*005010X222A1~\n"
#define BODY "BHT*0019*00*1*20240101*1200*CH~\nNM1*41*2*SUBMITTER~\n"
#define SE "SE*4*0001~\n"
#define GE "GE*1*1~\n"
#define IEA "IEA*1*000000001~\n"
#define CLEAN ISA GS ST BODY SE GE IEA

typedef struct seen {
    rcm_x12_problem p[64];
    int np;
    char list[2048];      /* "I021@7.1 G3@6.0": kind letter, code, @segment.element */
    int begins, segments, in_set, ends, ends_cut, outside, interchanges;
    int stop_at_segment;  /* segment callback returns RCM_EINVAL on this body segment (1-based) */
    int report_from_segment;
} seen;

static char kind_letter(int kind)
{
    switch (kind) {
    case RCM_X12P_INTERCHANGE: return 'I';
    case RCM_X12P_GROUP: return 'G';
    case RCM_X12P_SET: return 'S';
    case RCM_X12P_SEGMENT: return 'g';
    case RCM_X12P_ELEMENT: return 'E';
    case RCM_X12P_BALANCE: return 'B';
    default: return '?';
    }
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    seen *s = ctx;
    cr_assert_str_eq(p->source, "mem");
    if (s->np < 64) {
        s->p[s->np] = *p;
        s->p[s->np].source = "mem"; /* p->source is the reader's: gone with it */
    }
    s->np++;
    size_t k = strlen(s->list);
    snprintf(s->list + k, sizeof(s->list) - k, "%s%c%s@%ld.%d", k ? " " : "", kind_letter(p->kind),
             p->code, p->segment, p->element);
    return 0;
}

static int on_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    seen *s = ctx;
    s->begins++;
    s->in_set = 0;
    cr_assert(rcm_x12_is(st, "ST"));
    cr_assert_eq(env->st_position, 1);
    return 0;
}

static int on_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    seen *s = ctx;
    s->segments++;
    s->in_set++;
    cr_assert_not(rcm_x12_is(seg, "ST") || rcm_x12_is(seg, "SE"));
    cr_assert_eq(env->st_position, s->in_set + 1, "position in the set");
    if (s->report_from_segment)
        rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 2, 1, "7", "looked at '%s'", "it");
    if (s->stop_at_segment && s->segments == s->stop_at_segment)
        return RCM_EINVAL;
    return 0;
}

static int on_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    seen *s = ctx;
    if (se)
        s->ends++;
    else
        s->ends_cut++;
    return 0;
}

static int on_outside(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    ((seen *)ctx)->outside++;
    return 0;
}

static int on_interchange_end(void *ctx, const rcm_x12_env *env)
{
    ((seen *)ctx)->interchanges++;
    return 0;
}

/* Walks in[0, n) with every callback set; returns what rcm_x12_walk returned. */
static int walk_n(const char *in, size_t n, seen *s, rcm_x12_stats *st, rcm_error *err)
{
    rcm_x12_reader *r = NULL;
    rcm_error e0;
    memset(&e0, 0, sizeof(e0));
    cr_assert_eq(rcm_x12_open_mem(&r, in, n, "mem", &e0), 0, "%s", e0.msg);
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = s;
    v.problem = on_problem;
    v.set_begin = on_begin;
    v.segment = on_segment;
    v.set_end = on_end;
    v.outside = on_outside;
    v.interchange_end = on_interchange_end;
    memset(err, 0, sizeof(*err));
    int rc = rcm_x12_walk(r, &v, st, err);
    rcm_x12_reader_free(r);
    return rc;
}

/* Walks in; the problems must be exactly want (see seen.list). */
static seen walk_expect(const char *in, const char *want)
{
    seen s;
    memset(&s, 0, sizeof(s));
    rcm_x12_stats st;
    rcm_error err;
    int rc = walk_n(in, strlen(in), &s, &st, &err);
    cr_assert_eq(rc, 0, "walk: %d %s", rc, err.msg);
    cr_assert_str_eq(s.list, want);
    cr_assert_eq(st.problems, s.np);
    return s;
}

/* The message of problem i must contain what. */
static void msg_has(const seen *s, int i, const char *what)
{
    cr_assert_lt(i, s->np);
    cr_assert(strstr(s->p[i].msg, what), "problem %d: '%s' lacks '%s'", i, s->p[i].msg, what);
}

Test(x12_walk, clean_interchange)
{
    seen s;
    memset(&s, 0, sizeof(s));
    rcm_x12_stats st;
    rcm_error err;
    cr_assert_eq(walk_n(CLEAN, strlen(CLEAN), &s, &st, &err), 0);
    cr_assert_str_eq(s.list, "");
    cr_assert_eq(st.segments, 8);
    cr_assert_eq(st.interchanges, 1);
    cr_assert_eq(st.groups, 1);
    cr_assert_eq(st.sets, 1);
    cr_assert_eq(st.problems, 0);
    cr_assert_eq(st.errors, 0);
    cr_assert_eq(s.begins, 1);
    cr_assert_eq(s.segments, 2);
    cr_assert_eq(s.ends, 1);
    cr_assert_eq(s.ends_cut, 0);
    cr_assert_eq(s.outside, 0);
    cr_assert_eq(s.interchanges, 1);
}

Test(x12_walk, two_interchanges_different_delimiters)
{
    static const char in[] = CLEAN
        "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |240101|1200|!|00501|000000002|0|P|>\n"
        "GS|HC|S|R|20240101|1200|7|X|005010X222A1\nST|837|0002\nHI|ABK>J449\nSE|3|0002\n"
        "ST|837|0003\nSE|2|0003\nGE|2|7\nIEA|1|000000002\n";
    seen s;
    memset(&s, 0, sizeof(s));
    rcm_x12_stats st;
    rcm_error err;
    cr_assert_eq(walk_n(in, sizeof(in) - 1, &s, &st, &err), 0);
    cr_assert_str_eq(s.list, "");
    cr_assert_eq(st.interchanges, 2);
    cr_assert_eq(st.groups, 2);
    cr_assert_eq(st.sets, 3);
    cr_assert_eq(s.interchanges, 2);
    cr_assert_eq(s.ends, 3);
}

/* ---- trailer counts and control numbers ---- */

Test(x12_walk, iea01_count)
{
    seen s = walk_expect(ISA GS ST BODY SE GE "IEA*2*000000001~", "I021@8.1");
    msg_has(&s, 0, "says 2 functional groups, the interchange holds 1");
    cr_assert_eq(s.p[0].line, 8);
    cr_assert_str_eq(s.p[0].seg_id, "IEA");
    walk_expect(ISA GS ST BODY SE GE "IEA*X*000000001~", "I021@8.1");
    walk_expect(ISA GS ST BODY SE GE "IEA**000000001~", "I021@8.1");
}

Test(x12_walk, iea02_control)
{
    seen s = walk_expect(ISA GS ST BODY SE GE "IEA*1*000000002~", "I001@8.2");
    msg_has(&s, 0, "'000000002' does not match '000000001'");
    walk_expect(ISA GS ST BODY SE GE "IEA*1~", "I001@8.2");
}

Test(x12_walk, ge01_count)
{
    seen s = walk_expect(ISA GS ST BODY SE "GE*2*1~" IEA, "G5@7.1");
    msg_has(&s, 0, "says 2 transaction sets, the group holds 1");
    cr_assert_eq(s.p[0].kind, RCM_X12P_GROUP);
    cr_assert_eq(s.p[0].severity, RCM_SEV_ERROR);
}

Test(x12_walk, ge02_control)
{
    seen s = walk_expect(ISA GS ST BODY SE "GE*1*2~" IEA, "G4@7.2");
    msg_has(&s, 0, "'2' does not match '1'");
}

Test(x12_walk, se01_count)
{
    seen s = walk_expect(ISA GS ST BODY "SE*5*0001~\n" GE IEA, "S4@6.1");
    msg_has(&s, 0, "says 5 segments, the set holds 4");
    cr_assert_str_eq(s.p[0].st_id, "837");
    cr_assert_str_eq(s.p[0].st_control, "0001");
    cr_assert_eq(s.p[0].set_position, 4);
    cr_assert_eq(s.p[0].line, 6);
    walk_expect(ISA GS ST BODY "SE*four*0001~\n" GE IEA, "S4@6.1");
    walk_expect(ISA GS ST BODY "SE*-4*0001~\n" GE IEA, "S4@6.1");
    walk_expect(ISA GS ST BODY "SE*9999999999999999999*0001~\n" GE IEA, "S4@6.1");
}

Test(x12_walk, se02_control)
{
    seen s = walk_expect(ISA GS ST BODY "SE*4*0002~\n" GE IEA, "S3@6.2");
    msg_has(&s, 0, "'0002' does not match '0001'");
}

Test(x12_walk, all_counts_wrong_each_once)
{
    walk_expect(ISA GS ST BODY "SE*1*9999~\nGE*7*8~\nIEA*3*000000009~\n",
                "S4@6.1 S3@6.2 G5@7.1 G4@7.2 I021@8.1 I001@8.2");
}

/* ---- missing and early trailers ---- */

Test(x12_walk, missing_iea)
{
    seen s = walk_expect(ISA GS ST BODY SE GE, "I023@7.0");
    msg_has(&s, 0, "interchange 000000001 has no IEA trailer (the input ended)");
    cr_assert_eq(s.p[0].line, 7, "located at the last segment read");
    cr_assert_eq(s.interchanges, 1);
}

Test(x12_walk, missing_ge)
{
    seen s = walk_expect(ISA GS ST BODY SE IEA, "G3@7.0");
    msg_has(&s, 0, "functional group 1 has no GE trailer (IEA came first)");
    cr_assert_eq(s.interchanges, 1, "the interchange ends once");
}

Test(x12_walk, missing_se)
{
    seen s = walk_expect(ISA GS ST BODY GE IEA, "S2@6.0");
    msg_has(&s, 0, "transaction set '837' control number 0001 has no SE trailer (GE came first)");
    cr_assert_eq(s.ends_cut, 1);
    cr_assert_eq(s.ends, 0);
}

Test(x12_walk, missing_se_before_iea)
{
    walk_expect(ISA GS ST BODY IEA, "S2@6.0 G3@6.0");
}

Test(x12_walk, input_ends_inside_a_set)
{
    seen s = walk_expect(ISA GS ST BODY, "S2@5.0 G3@5.0 I023@5.0");
    cr_assert_eq(s.ends_cut, 1);
    cr_assert_eq(s.interchanges, 1);
}

Test(x12_walk, missing_se_before_next_st)
{
    seen s = walk_expect(ISA GS ST BODY "ST*837*0002~\nSE*2*0002~\nGE*2*1~\n" IEA, "S2@6.0");
    msg_has(&s, 0, "(a new ST began)");
    cr_assert_eq(s.begins, 2);
    cr_assert_eq(s.ends_cut, 1);
    cr_assert_eq(s.ends, 1);
}

Test(x12_walk, missing_ge_before_next_gs)
{
    seen s = walk_expect(ISA GS ST BODY SE "GS*HC*S*R*20240101*1200*2*X*005010X222A1~\nGE*0*2~\nIEA*2*000000001~\n",
                         "G3@7.0");
    msg_has(&s, 0, "(a GS began)");
    walk_expect(ISA GS ST BODY "GS*HC*S*R*20240101*1200*2*X*005010X222A1~\nGE*0*2~\nIEA*2*000000001~\n",
                "S2@6.0 G3@6.0");
}

Test(x12_walk, missing_iea_before_next_isa)
{
    seen s = walk_expect(ISA GS ST BODY SE GE ISA GS ST BODY SE GE IEA, "I023@8.0");
    msg_has(&s, 0, "(a new ISA began)");
    cr_assert_eq(s.interchanges, 2);
    walk_expect(ISA GS ST BODY ISA GS ST BODY SE GE IEA, "S2@6.0 G3@6.0 I023@6.0");
}

/* ---- segments in the wrong place: reported once, no cascade ---- */

Test(x12_walk, gs_outside_interchange)
{
    seen s = walk_expect(CLEAN GS ST BODY SE GE, "I024@9.0");
    msg_has(&s, 0, "GS outside an interchange");
    cr_assert_eq(s.begins, 2);
    cr_assert_eq(s.ends, 2);
    /* cut short: the missing GE is its own problem, still no IEA expected */
    walk_expect(CLEAN GS ST BODY SE, "I024@9.0 G3@13.0");
    /* an IEA after it has no ISA */
    walk_expect(CLEAN GS ST BODY SE GE IEA, "I024@9.0 I022@15.0");
}

Test(x12_walk, st_outside_group)
{
    seen s = walk_expect(ISA ST BODY SE "IEA*0*000000001~", "G6@2.0");
    msg_has(&s, 0, "ST outside a functional group");
    cr_assert_eq(s.begins, 1);
    cr_assert_eq(s.segments, 2, "its segments go to the visitor");
    cr_assert_eq(s.ends, 1);
    walk_expect(CLEAN ST BODY SE, "G6@9.0");
    walk_expect(CLEAN ST BODY, "G6@9.0 S2@11.0");
}

Test(x12_walk, trailers_without_headers)
{
    seen s = walk_expect(ISA GS "SE*1*0001~\n" "GE*0*1~\n" IEA, "G6@3.0");
    msg_has(&s, 0, "SE without an ST");
    s = walk_expect(ISA "GE*0*1~\n" "IEA*0*000000001~\n", "G3@2.0");
    msg_has(&s, 0, "GE without a GS");
    s = walk_expect(CLEAN IEA, "I022@9.0");
    msg_has(&s, 0, "IEA without an ISA");
}

Test(x12_walk, stray_segments)
{
    seen s = walk_expect(ISA "NM1*41*2*X~\n" GS ST BODY SE GE IEA, "I024@2.0");
    msg_has(&s, 0, "between ISA and GS");
    cr_assert_eq(s.outside, 1);
    s = walk_expect(ISA GS "NM1*41*2*X~\n" ST BODY SE GE IEA, "G6@3.0");
    msg_has(&s, 0, "between GS and ST");
    s = walk_expect(CLEAN "NM1*41*2*X~\nREF*EI*1~\n", "I024@9.0 I024@10.0");
    msg_has(&s, 0, "after IEA");
    cr_assert_eq(s.outside, 2);
    /* TA1 belongs between ISA and GS */
    s = walk_expect(ISA "TA1*000000100*240101*1200*A*000~\n" "IEA*0*000000001~\n", "");
    cr_assert_eq(s.outside, 1);
}

/* ---- the ISA's own fields ---- */

Test(x12_walk, isa_not_fixed_width)
{
    seen s = walk_expect("ISA*00* *00* *ZZ*SENDER *ZZ*RECEIVER *240101*1200*^*00501*000000001*0*T*:~\n" GS ST
                         BODY SE GE IEA, "I024@1.2");
    msg_has(&s, 0, "ISA02 is 1 characters, the fixed-width header needs 10");
}

Test(x12_walk, isa_fields)
{
#define ISA_HEAD "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *"
    walk_expect(ISA_HEAD "241301*1200*^*00501*000000001*0*T*:~" "IEA*0*000000001~", "I014@1.9");
    walk_expect(ISA_HEAD "240230*1200*^*00501*000000001*0*T*:~" "IEA*0*000000001~", "I014@1.9");
    walk_expect(ISA_HEAD "240101*2400*^*00501*000000001*0*T*:~" "IEA*0*000000001~", "I015@1.10");
    walk_expect(ISA_HEAD "240101*12x0*^*00501*000000001*0*T*:~" "IEA*0*000000001~", "I015@1.10");
    seen s = walk_expect(ISA_HEAD "240101*1200*U*00401*000000001*0*T*:~" "IEA*0*000000001~", "I017@1.12");
    cr_assert_eq(s.p[0].severity, RCM_SEV_WARNING);
    walk_expect(ISA_HEAD "240101*1200*^*00501*00000000A*0*T*:~" "IEA*0*00000000A~", "I018@1.13");
    walk_expect(ISA_HEAD "240101*1200*^*00501*000000001*2*T*:~" "IEA*0*000000001~", "I019@1.14");
    walk_expect(ISA_HEAD "240101*1200*^*00501*000000001*0*X*:~" "IEA*0*000000001~", "I020@1.15");
    walk_expect(ISA_HEAD "240101*1200*^*00501*000000001*0*P*:~" "IEA*0*000000001~", "");
#undef ISA_HEAD
}

Test(x12_walk, gs_and_st_fields)
{
    walk_expect(ISA "GS*HC*S*R*20241301*1200*1*X*005010X222A1~\n" ST BODY SE GE IEA, "G6@2.4");
    walk_expect(ISA "GS*HC*S*R*20240101*1200*A1*X*005010X222A1~\n" ST BODY SE "GE*1*A1~\n" IEA, "G6@2.6");
    walk_expect(ISA "GS*HC*S*R*20240101*1200*1~\n" ST BODY SE GE IEA, "G6@2.0");
    walk_expect(ISA GS "ST*83*0001~\n" BODY SE GE IEA, "S6@3.1");
    walk_expect(ISA GS "ST*837*001~\n" BODY "SE*4*001~\n" GE IEA, "S7@3.2");
    /* a control number too long to keep: reported at the ST, not again at a matching SE */
    walk_expect(ISA GS "ST*837*0123456789~\n" BODY "SE*4*0123456789~\n" GE IEA, "S7@3.2");
    walk_expect(ISA "GS*HC*S*R*20240101*1200*1234567890*X*005010X222A1~\n" ST BODY SE "GE*1*1234567890~\n" IEA,
                "G6@2.6");
}

/* ---- segment syntax ---- */

Test(x12_walk, segment_syntax)
{
    seen s = walk_expect(ISA GS ST "BHT*1~~NM1*41~\n" "SE*5*0001~\n" GE IEA, "g1@5.0");
    msg_has(&s, 0, "empty segment");
    cr_assert_eq(s.p[0].set_position, 3);
    s = walk_expect(ISA GS ST "Nd4*X~\n" "SE*3*0001~\n" GE IEA, "g1@4.0");
    msg_has(&s, 0, "'Nd4' is not a segment identifier");
    s = walk_expect(ISA GS ST "NM31*X~\n" "SE*3*0001~\n" GE IEA, "g1@4.0");
    msg_has(&s, 0, "'NM31'");
    cr_assert_str_eq(s.p[0].seg_id, "NM3");
    s = walk_expect(ISA GS ST "*IC*DAVID~\n" "SE*3*0001~\n" GE IEA, "g1@4.0");
    msg_has(&s, 0, "no identifier");
    walk_expect(ISA GS ST "N~\n1N*X~\n" "SE*4*0001~\n" GE IEA, "g1@4.0 g1@5.0");
}

/* Problems hold printable text only, whatever bytes the data quoted (they go to terminals and JSON). */
Test(x12_walk, problems_are_printable)
{
    seen s = walk_expect(ISA GS "ST*837*\x81\xff" "01~\n" "R\xe9" "F*1~\n" "SE*9*\x81\xff" "01~\n" GE IEA, "g1@4.0 S4@5.1");
    cr_assert_str_eq(s.p[0].seg_id, "R?F");
    cr_assert_str_eq(s.p[0].st_control, "??01");
    msg_has(&s, 0, "'R?F' is not a segment identifier");
    for (int i = 0; i < s.np; i++)
        for (const char *c = s.p[i].msg; *c; c++)
            cr_assert(*c >= 32 && *c < 127, "problem %d: byte %02x", i, (unsigned char)*c);
    s = walk_expect(ISA "GS*HC*S*R*20240101*1200*\x01\x02*X*005010X222A1~\n" "IEA*1*000000001~\n", "G6@2.6 G3@3.0");
    msg_has(&s, 1, "functional group ?? has no GE trailer");
}

Test(x12_walk, unterminated_last_segment)
{
    seen s = walk_expect(ISA GS ST BODY SE GE "IEA*1*000000001", "g8@8.0");
    msg_has(&s, 0, "without the segment terminator '~'");
    /* a terminator that does not print is named by its code */
    s = walk_expect("ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*"
                    "000000001*0*T*:\r\nIEA*0*000000001",
                    "g8@2.0");
    msg_has(&s, 0, "terminator 0x0D");
}

Test(x12_walk, too_many_elements)
{
    char in[4096];
    char many[1024] = "REF";
    for (int i = 0; i < 70; i++)
        snprintf(many + strlen(many), sizeof(many) - strlen(many), "*%d", i);
    snprintf(in, sizeof(in), ISA GS ST "%s~\n" "SE*3*0001~\n" GE IEA, many);
    seen s = walk_expect(in, "E3@4.65");
    msg_has(&s, 0, "more than 64 elements");
}

/* ---- the visitor ---- */

Test(x12_walk, callback_stops_the_walk)
{
    seen s;
    memset(&s, 0, sizeof(s));
    s.stop_at_segment = 1;
    rcm_x12_stats st;
    rcm_error err;
    int rc = walk_n(CLEAN CLEAN, strlen(CLEAN CLEAN), &s, &st, &err);
    cr_assert_eq(rc, RCM_EINVAL);
    cr_assert_eq(err.code, RCM_EINVAL);
    cr_assert(err.msg[0]);
    cr_assert_eq(s.segments, 1, "nothing after the stop");
    cr_assert_eq(st.segments, 4);
    cr_assert_str_eq(s.list, "", "no missing-trailer problems after a stop");
}

static int stop_on_problem(void *ctx, const rcm_x12_problem *p)
{
    (*(int *)ctx)++;
    return RCM_ENOMEM;
}

Test(x12_walk, problem_callback_stops_the_walk)
{
    static const char in[] = ISA GS ST BODY "SE*9*0001~\n" "GE*9*1~\n" IEA;
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, in, sizeof(in) - 1, NULL, NULL), 0);
    int calls = 0;
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = &calls;
    v.problem = stop_on_problem;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_walk(r, &v, NULL, &err), RCM_ENOMEM);
    cr_assert_eq(calls, 1);
    rcm_x12_reader_free(r);
}

Test(x12_walk, report_from_a_typed_reader)
{
    seen s;
    memset(&s, 0, sizeof(s));
    s.report_from_segment = 1;
    rcm_x12_stats st;
    rcm_error err;
    cr_assert_eq(walk_n(CLEAN, strlen(CLEAN), &s, &st, &err), 0);
    cr_assert_str_eq(s.list, "E7@4.2 E7@5.2");
    const rcm_x12_problem *p = &s.p[1];
    cr_assert_eq(p->line, 5);
    cr_assert_eq(p->component, 1);
    cr_assert_eq(p->set_position, 3);
    cr_assert_str_eq(p->st_id, "837");
    cr_assert_str_eq(p->st_control, "0001");
    cr_assert_str_eq(p->seg_id, "NM1");
    cr_assert_str_eq(p->source, "mem");
    cr_assert_str_eq(p->msg, "looked at 'it'");
    cr_assert_eq(st.problems, 2);
    cr_assert_eq(st.errors, 0, "warnings are not errors");
    cr_assert_eq(p->offset, (uint64_t)(strstr(CLEAN, "NM1") - CLEAN));
}

/* No visitor, no stats, no error detail: reads to the end. */
Test(x12_walk, nothing_attached)
{
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, ISA GS, strlen(ISA GS), NULL, NULL), 0);
    cr_assert_eq(rcm_x12_walk(r, NULL, NULL, NULL), 0);
    rcm_x12_reader_free(r);
}

/* The tokenizer's fatal error comes out of the walk, with what was read counted. */
Test(x12_walk, broken_input_stops_with_error)
{
    static const char in[] = CLEAN "ISA*00*  ";
    seen s;
    memset(&s, 0, sizeof(s));
    rcm_x12_stats st;
    rcm_error err;
    int rc = walk_n(in, sizeof(in) - 1, &s, &st, &err);
    cr_assert_eq(rc, RCM_ESYNTAX);
    cr_assert_eq(err.segment, 9);
    cr_assert_eq(err.line, 9);
    cr_assert(strstr(err.msg, "truncated"), "%s", err.msg);
    cr_assert_eq(st.segments, 8);
}

Test(x12_walk, problem_format)
{
    seen s = walk_expect(ISA GS ST BODY SE GE "IEA*1*000000002~", "I001@8.2");
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_x12_problem_format(&s.p[0], &b);
    cr_assert_str_eq(b.ptr, "mem:8: segment 8 'IEA' element 2: interchange control number '000000002' "
                            "does not match '000000001' in the ISA");
    rcm_buf_release(&b);

    rcm_x12_problem p;
    memset(&p, 0, sizeof(p));
    p.severity = RCM_SEV_WARNING;
    snprintf(p.msg, sizeof(p.msg), "just this");
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_x12_problem_format(&p, &b);
    cr_assert(strstr(b.ptr, "just this (warning)"), "%s", b.ptr);
    rcm_buf_release(&b);

    p.source = "f.x12";
    p.line = 3;
    p.segment = 4;
    p.element = 2;
    p.component = 1;
    snprintf(p.seg_id, sizeof(p.seg_id), "SV1");
    p.severity = RCM_SEV_ERROR;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_x12_problem_format(&p, &b);
    cr_assert_str_eq(b.ptr, "f.x12:3: segment 4 'SV1' element 2 component 1: just this");
    rcm_buf_release(&b);
}

/* Problem lines follow the file's lines, blank lines and indentation included. */
Test(x12_walk, problem_lines)
{
    seen s = walk_expect(ISA "\n\n  " GS "\r\n" ST BODY "\n\n\n\t" "SE*9*0001~\n" GE IEA, "S4@6.1");
    cr_assert_eq(s.p[0].line, 12);
    cr_assert_eq(s.p[0].offset, (uint64_t)(strlen(ISA "\n\n  " GS "\r\n" ST BODY "\n\n\n\t")));
}
