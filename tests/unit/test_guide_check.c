/*
 * The implementation-guide validator against a small guide written here
 * (its own dictionary lines, so the built-in tables can change freely):
 * each IK304 and IK403 code the engine reports, each case with the problems
 * that must appear and, by comparing the whole list, none other; same-id
 * positions in any order; the HL hierarchy; companion-guide restrictions;
 * the fields a 999 is built from (loop, loop id, element reference, value,
 * business unit, level).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "rcm/guide.h"

#define ARRAY_SIZE_T(a) (sizeof(a) / sizeof((a)[0]))

static const char DICT[] =
    "elem 143 ID 3 3 Transaction Set Identifier Code\n"
    "elem 329 AN 4 9 Transaction Set Control Number\n"
    "elem 1705 AN 1 35 Implementation Convention Reference\n"
    "elem 96 N0 1 10 Number of Included Segments\n"
    "elem 628 AN 1 12 Hierarchical ID Number\n"
    "elem 734 AN 1 12 Hierarchical Parent ID Number\n"
    "elem 735 ID 1 2 Hierarchical Level Code\n"
    "elem 736 ID 1 1 Hierarchical Child Code\n"
    "elem 98 ID 2 3 Entity Identifier Code\n"
    "elem 1065 ID 1 1 Entity Type Qualifier\n"
    "elem 1035 AN 1 60 Name Last or Organization Name\n"
    "elem 66 ID 1 2 Identification Code Qualifier\n"
    "elem 67 AN 2 80 Identification Code\n"
    "elem 373 DT 8 8 Date\n"
    "elem 337 TM 4 8 Time\n"
    "elem 782 R 1 18 Monetary Amount\n"
    "elem 380 R 1 15 Quantity\n"
    "elem 374 ID 3 3 Date/Time Qualifier\n"
    "elem 1250 ID 2 3 Date Time Period Format Qualifier\n"
    "elem 1251 AN 1 35 Date Time Period\n"
    "elem 235 ID 2 2 Product/Service ID Qualifier\n"
    "elem 234 AN 1 48 Product/Service ID\n"
    "elem 1339 AN 2 2 Procedure Modifier\n"
    "elem 554 N0 1 6 Assigned Number\n"
    "comp C003 235 234 1339 1339\n"
    "seg ST 143 329 1705\n"
    "seg SE 96 329\n"
    "seg HL 628 734 735 736\n"
    "seg NM1 98 1065 1035 66 67\n"
    "rule NM1 P0405\n"
    "seg DTP 374 1250 1251\n"
    "fmt DTP 3 2\n"
    "seg BGN 373 337 782 380^3\n"
    "rule BGN E0304\n"
    "seg SV1 C003 782 380\n"
    "seg LX 554\n"
    "seg ZZ 1035\n";

static const char GUIDE[] =
    "guide 837 TEST1 HC Test guide\n"
    "unit LX 1 LX01\n"
    "seg ST R 1 @1=837 2 3=TEST1\n"
    "seg BGN R 1 1 2 3? 4?\n"
    "seg DTP S 1 @1=050 2=D8 3              # same id: any order\n"
    "seg DTP S 1 @1=009 2=D8,RD8 3\n"
    "loop 1000A R 1\n"
    "  seg NM1 R 1 @1=41 2=1,2 3 4?=46 5?\n"
    "end\n"
    "loop 1000B S 2\n"
    "  seg NM1 R 1 @1=40 2=2 3\n"
    "end\n"
    "loop 2000A R >1\n"
    "  seg HL R 1 1 @3=20 4=1\n"
    "  loop 2010AA R 1\n"
    "    seg NM1 R 1 @1=85 2=1,2 3 4=XX 5/2-10\n"
    "  end\n"
    "  loop 2000B R >1\n"
    "    seg HL R 1 1 2 @3=22 4=0\n"
    "    loop 2400 S 3\n"
    "      seg LX R 1 1\n"
    "      seg SV1 R 1 1.1=HC 1.2 1.3? 2 3?\n"
    "      seg DTP S 2 @1=472 2=D8 3\n"
    "    end\n"
    "  end\n"
    "end\n"
    "seg SE R 1 1 2\n";

#define ISA "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\n"
#define GS "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*TEST1~\n"
#define ST "ST*837*0001*TEST1~\n"

/* the clean body: segments 4.. of the file */
#define B_BGN "BGN*20240101*1200*10~\n"
#define B_1000A "NM1*41*2*SUBMITTER*46*S1~\n"
#define B_HL1 "HL*1**20*1~\n"
#define B_2010AA "NM1*85*2*BILLING*XX*1234567893~\n"
#define B_HL2 "HL*2*1*22*0~\n"
#define B_2400 "LX*1~\nSV1*HC:99213*100*1~\nDTP*472*D8*20240101~\n"
#define CLEAN B_BGN B_1000A B_HL1 B_2010AA B_HL2 B_2400

typedef struct seen {
    char list[4096];   /* "E7@8.1.2 g3@9": kind (E element, g segment, S set), code, @segment.element[.component] */
    rcm_x12_problem first;
    rcm_x12_problem p[32];
    int np;
} seen;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    seen *s = ctx;
    if (p->level != 2) /* envelope findings are the walker's tests */
        return 0;
    if (s->np < 32) {
        s->p[s->np] = *p;
        s->p[s->np].source = NULL;
    }
    s->np++;
    size_t k = strlen(s->list);
    char kind = p->kind == RCM_X12P_ELEMENT ? 'E' : p->kind == RCM_X12P_SEGMENT ? 'g' : 'S';
    if (p->component)
        snprintf(s->list + k, sizeof(s->list) - k, "%s%c%s@%ld.%d.%d", k ? " " : "", kind, p->code, p->segment,
                 p->element, p->component);
    else if (p->element)
        snprintf(s->list + k, sizeof(s->list) - k, "%s%c%s@%ld.%d", k ? " " : "", kind, p->code, p->segment,
                 p->element);
    else
        snprintf(s->list + k, sizeof(s->list) - k, "%s%c%s@%ld", k ? " " : "", kind, p->code, p->segment);
    return 0;
}

static rcm_guides *test_guides(void)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_new(&g, &err), 0);
    cr_assert_eq(rcm_guides_load_mem(g, DICT, strlen(DICT), "dict.tbl", &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_guides_load_mem(g, GUIDE, strlen(GUIDE), "test.tbl", &err), 0, "%s", err.msg);
    return g;
}

/* Validates ISA GS ST body SE GE IEA (SE01 counted) with g; the level-2 problems in s. */
static void check_with(rcm_guides *g, const char *body, seen *s)
{
    int n = 2;
    for (const char *c = body; *c; c++)
        n += *c == '~';
    char doc[8192];
    snprintf(doc, sizeof(doc), ISA GS ST "%sSE*%d*0001~\nGE*1*1~\nIEA*1*000000001~\n", body, n);
    memset(s, 0, sizeof(*s));
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&r, doc, strlen(doc), "mem", &err), 0, "%s", err.msg);
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = s;
    v.problem = on_problem;
    cr_assert_eq(rcm_x12_validate(r, g, &v, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(r);
}

static void check(const char *body, seen *s)
{
    rcm_guides *g = test_guides();
    check_with(g, body, s);
    rcm_guides_free(g);
}

typedef struct ccase {
    const char *name;
    const char *body;
    const char *expect;   /* the whole list of level-2 problems */
} ccase;

static void run_cases(const ccase *cases, size_t n)
{
    rcm_guides *g = test_guides();
    for (size_t i = 0; i < n; i++) {
        seen s;
        check_with(g, cases[i].body, &s);
        cr_expect_str_eq(s.list, cases[i].expect, "%s: got '%s', expected '%s'", cases[i].name, s.list,
                         cases[i].expect);
    }
    rcm_guides_free(g);
}

Test(guide_check, clean_document_has_no_problem)
{
    seen s;
    check(CLEAN, &s);
    cr_assert_str_eq(s.list, "");
}

Test(guide_check, same_id_positions_in_any_order)
{
    static const ccase cases[] = {
        { "050 then 009", B_BGN "DTP*050*D8*20240101~\nDTP*009*RD8*20240101-20240102~\n" B_1000A B_HL1 B_2010AA
                              B_HL2 B_2400, "" },
        { "009 then 050", B_BGN "DTP*009*D8*20240101~\nDTP*050*D8*20240101~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400,
          "" },
        /* two NM1 loops (1000A, 1000B) start with the same id: either order */
        { "1000B before 1000A", B_BGN "NM1*40*2*RECEIVER~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "" },
    };
    run_cases(cases, ARRAY_SIZE_T(cases));
}

Test(guide_check, segment_codes_ik304)
{
    static const ccase cases[] = {
        /* 1: an id neither the guide nor the dictionary knows */
        { "unrecognized", B_BGN "QQQ*1~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "g1@5" },
        /* 2: in the dictionary, not in this guide */
        { "not in guide", B_BGN "ZZ*X~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "g2@5" },
        /* 2: in this guide, but no position with that id can come next (no key to blame) */
        { "unexpected", B_BGN B_1000A B_HL1 B_2010AA B_HL2 "SV1*HC:99213*100~\n", "g2@9" },
        /* 7: a segment of an earlier position of an open loop (here the header) */
        { "earlier position", CLEAN "BGN*20240101*1200~\n", "g7@12" },
        /* 3: a required segment missing, reported where the next segment shows it gone */
        { "missing segment", B_1000A B_HL1 B_2010AA B_HL2 B_2400, "g3@4" },
        /* 3: a required loop missing: its first segment's id, the loop as IK303 */
        { "missing loop", B_BGN B_1000A B_HL1 B_HL2 B_2400, "g3@7" },
        /* 4: a loop over its maximum (1000B: 2) */
        { "loop over max", B_BGN B_1000A "NM1*40*2*R1~\nNM1*40*2*R2~\nNM1*40*2*R3~\n" B_HL1 B_2010AA B_HL2 B_2400,
          "g4@8" },
        /* 5: a segment over its maximum (2400 DTP*472: 2) */
        { "segment over max", CLEAN "DTP*472*D8*20240101~\nDTP*472*D8*20240101~\n", "g5@13" },
        /* 7: a header segment after the loops began */
        { "out of order", B_BGN B_1000A "DTP*050*D8*20240101~\n" B_HL1 B_2010AA B_HL2 B_2400, "g7@6" },
        /* 8 (an IK403 7 on the key): a reachable position's id with a key code it does not list */
        { "bad key", B_BGN B_1000A B_HL1 "NM1*99*2*BILLING*XX*1234567893~\n" B_HL2 B_2400, "E7@7.1 g3@8" },
    };
    run_cases(cases, ARRAY_SIZE_T(cases));
}

Test(guide_check, element_codes_ik403)
{
    static const ccase cases[] = {
        /* 1: required element missing; required component missing */
        { "required element", B_BGN "NM1*41*2~\n" B_HL1 B_2010AA B_HL2 B_2400, "E1@5.3" },
        { "required component", B_BGN B_1000A B_HL1 B_2010AA B_HL2 "LX*1~\nSV1*HC*100~\n", "E1@10.1.2" },
        /* 2: a conditional element (syntax note P0405) missing */
        { "paired", B_BGN "NM1*41*2*SUBMITTER*46~\n" B_HL1 B_2010AA B_HL2 B_2400, "E2@5.5" },
        /* 3: more elements than the segment has */
        { "too many elements", B_BGN "NM1*41*2*SUBMITTER*46*S1*EXTRA~\n" B_HL1 B_2010AA B_HL2 B_2400, "E3@5.6" },
        /* 4 and 5: the guide's narrower length (NM109 2-10 in 2010AA) */
        { "too short", B_BGN B_1000A B_HL1 "NM1*85*2*BILLING*XX*1~\n" B_HL2 B_2400, "E4@7.5" },
        { "too long", B_BGN B_1000A B_HL1 "NM1*85*2*BILLING*XX*12345678901~\n" B_HL2 B_2400, "E5@7.5" },
        /* 6: a character outside the X12 set; a number that is not one */
        { "bad character", B_BGN "NM1*41*2*SUB\tMITTER*46*S1~\n" B_HL1 B_2010AA B_HL2 B_2400, "E6@5.3" },
        { "not a number", "BGN*20240101*1200*1O~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "E6@4.3" },
        /* 7: a code the guide does not list */
        { "bad code", B_BGN "NM1*41*3*SUBMITTER*46*S1~\n" B_HL1 B_2010AA B_HL2 B_2400, "E7@5.2" },
        /* 8: not a date (type DT); a D8 value that is not a date (fmt) */
        { "bad date", "BGN*20240230*1200*10~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "E8@4.1" },
        { "bad fmt date", B_BGN "DTP*050*D8*20241301~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "E8@5.3" },
        { "bad fmt range", B_BGN "DTP*009*RD8*20240102-20240101~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400,
          "E8@5.3" },
        /* 9: not a time */
        { "bad time", "BGN*20240101*2460*10~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "E9@4.2" },
        /* 10: exclusion (E0304): both present */
        { "exclusion", "BGN*20240101*1200*10*2~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "E10@4.4" },
        /* 12: more repetitions than allowed (BGN04: 3); the separator in an element that may not repeat */
        { "too many repetitions", "BGN*20240101*1200**1^2^3^4~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400,
          "E12@4.4" },
        { "may not repeat", B_BGN "NM1*41*2*SUB^MITTER*46*S1~\n" B_HL1 B_2010AA B_HL2 B_2400, "E12@5.3" },
        /* 13: more components than the composite has (C003: 4) */
        { "too many components", B_BGN B_1000A B_HL1 B_2010AA B_HL2 "LX*1~\nSV1*HC:99213:25::59*100~\n",
          "E13@10.1" },
        /* I10: present but not used by the guide (1000B NM104) */
        { "not used", B_BGN B_1000A "NM1*40*2*RECEIVER*46~\n" B_HL1 B_2010AA B_HL2 B_2400, "EI10@6.4" },
    };
    run_cases(cases, ARRAY_SIZE_T(cases));
}

Test(guide_check, hl_numbering_parent_and_child_code)
{
    static const ccase cases[] = {
        { "numbering", B_BGN B_1000A B_HL1 B_2010AA "HL*3*1*22*0~\n" B_2400, "EI12@8.1" },
        { "parent", B_BGN B_1000A B_HL1 B_2010AA "HL*2*5*22*0~\n" B_2400, "EI12@8.2" },
        /* 2000A does not use HL02: not used (I10), not a parent check */
        { "parent at the top", B_BGN B_1000A "HL*1*1*20*1~\n" B_2010AA B_HL2 B_2400, "EI10@6.2" },
        /* HL04 = 1 but the next HL is not its child: reported at that HL */
        { "child code", B_BGN B_1000A B_HL1 B_2010AA "HL*2**20*1~\n" B_2010AA "HL*3*2*22*0~\n" B_2400,
          "g3@8 EI12@6.4" },
        /* the last HL says a child follows */
        { "child code at the end", B_BGN B_1000A B_HL1 B_2010AA, "g3@8 EI12@6.4" },
        /* a second subscriber under the same billing provider: HL02 still 1 */
        { "siblings", B_BGN B_1000A B_HL1 B_2010AA B_HL2 B_2400 "HL*3*1*22*0~\n", "" },
    };
    run_cases(cases, ARRAY_SIZE_T(cases));
}

Test(guide_check, problem_fields_for_the_999)
{
    seen s;
    check(B_BGN B_1000A B_HL1 B_2010AA B_HL2 "LX*7~\nSV1*XX:99213*100~\n", &s);
    cr_assert_eq(s.np, 1, "%s", s.list);
    const rcm_x12_problem *p = &s.p[0];
    cr_assert_eq(p->kind, RCM_X12P_ELEMENT);
    cr_assert_str_eq(p->code, "7");
    cr_assert_eq(p->level, 2);
    cr_assert_str_eq(p->seg_id, "SV1");
    cr_assert_eq(p->segment, 10);
    cr_assert_eq(p->set_position, 8);
    cr_assert_eq(p->element, 1);
    cr_assert_eq(p->component, 1);
    cr_assert_str_eq(p->loop, "2000A/2000B/2400");
    cr_assert_str_eq(p->loop_id, "2400");
    cr_assert_str_eq(p->elem_ref, "235");
    cr_assert_str_eq(p->value, "XX");
    cr_assert_str_eq(p->unit, "LX01:7");
    cr_assert_str_eq(p->st_id, "837");
    cr_assert(strstr(p->msg, "SV101-1 'XX' is not a valid code (valid: HC)"), "%s", p->msg);

    /* a missing loop: IK301 its first segment, IK303 the loop */
    check(B_BGN B_1000A B_HL1 B_HL2 B_2400, &s);
    cr_assert_eq(s.np, 1, "%s", s.list);
    p = &s.p[0];
    cr_assert_str_eq(p->code, "3");
    cr_assert_str_eq(p->seg_id, "NM1");
    cr_assert_str_eq(p->loop_id, "2010AA");
    cr_assert_str_eq(p->loop, "2000A/2010AA");
    cr_assert_eq(p->segment, 7);

    /* the text form names the loop path */
    rcm_buf b;
    rcm_buf_init(&b, 1024);
    rcm_x12_problem q = *p;
    q.source = "mem";
    rcm_x12_problem_format(&q, &b);
    cr_assert_str_eq(b.ptr, "mem:7: segment 7 loop 2000A/2010AA: required loop 2010AA (NM1*85) missing before HL");
    rcm_buf_release(&b);
}

Test(guide_check, set_without_a_guide_is_one_warning)
{
    rcm_guides *g = test_guides();
    const char doc[] = ISA "GS*HC*S*R*20240101*1200*1*X*OTHER~\nST*834*0001*OTHER~\nZZ*X~\nSE*3*0001~\nGE*1*1~\n"
                           "IEA*1*000000001~\n";
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, doc, strlen(doc), "mem", NULL), 0);
    seen s;
    memset(&s, 0, sizeof(s));
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = &s;
    v.problem = on_problem;
    cr_assert_eq(rcm_x12_validate(r, g, &v, NULL, NULL), 0);
    cr_assert_str_eq(s.list, "S1@3");
    cr_assert_eq(s.p[0].severity, RCM_SEV_WARNING);
    cr_assert(strstr(s.p[0].msg, "no implementation guide for 834 OTHER"));
    rcm_x12_reader_free(r);
    rcm_guides_free(g);
}

Test(guide_check, restriction_narrows)
{
    rcm_guides *g = test_guides();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    static const char R[] = "restrict 837 TEST1 Acme companion guide\n"
                            "seg 2010AA NM1*85 R 1 2=2            # organizations only\n"
                            "seg - DTP*050 R                       # the header date becomes required\n"
                            "loop 1000B N                          # no receiver loop\n"
                            "seg 2400 SV1 R 1 3                    # SV103 required\n";
    cr_assert_eq(rcm_guides_load_mem(g, R, strlen(R), "acme.tbl", &err), 0, "%s", err.msg);
    static const ccase cases[] = {
        { "clean still clean", B_BGN "DTP*050*D8*20240101~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, "" },
        { "narrowed code", B_BGN "DTP*050*D8*20240101~\n" B_1000A B_HL1 "NM1*85*1*BILLING*XX*1234567893~\n" B_HL2
                               B_2400, "E7@8.2" },
        { "now required", CLEAN, "g3@5" },
        { "loop not used", B_BGN "DTP*050*D8*20240101~\n" B_1000A "NM1*40*2*RECEIVER~\n" B_HL1 B_2010AA B_HL2 B_2400,
          "gI4@7" },
        { "required element", B_BGN "DTP*050*D8*20240101~\n" B_1000A B_HL1 B_2010AA B_HL2 "LX*1~\nSV1*HC:99213*100~\n",
          "E1@11.3" },
    };
    for (size_t i = 0; i < ARRAY_SIZE_T(cases); i++) {
        seen s;
        check_with(g, cases[i].body, &s);
        cr_expect_str_eq(s.list, cases[i].expect, "%s: got '%s'", cases[i].name, s.list);
    }
    rcm_guides_free(g);
}

Test(guide_check, restriction_widening_refused_and_nothing_changed)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "restrict 837 TEST1 x\nseg 1000A NM1 R 1 2=1,2,3\n", "r.tbl:2: 1000A NM1: code '3' is not in the guide's list" },
        { "restrict 837 TEST1 x\nseg 2000A HL S 1 1\n", "r.tbl:2: 2000A HL: usage R -> S widens the guide" },
        { "restrict 837 TEST1 x\nseg 2400 DTP*472 S 5\n", "r.tbl:2: 2400 DTP*472: maximum 5 widens the guide's 2" },
        { "restrict 837 TEST1 x\nseg 2010AA NM1 R 1 5/1-20\n", "r.tbl:2: 2010AA NM1: length 1-20 widens the guide's 2-10" },
        { "restrict 837 TEST1 x\nseg 1000B NM1 R 1 4\n", "r.tbl:2: 1000B NM1: element 4 is not used by the guide" },
        { "restrict 837 TEST1 x\nloop 2000A S\n", "r.tbl:2: loop 2000A: usage R -> S widens the guide" },
        { "restrict 837 TEST1 x\nseg 2400 REF S 1\n", "r.tbl:2: 2400 REF: no such segment position in loop 2400" },
        { "restrict 837 OTHER x\n", "r.tbl:1: restrict 837 OTHER: no such guide is loaded" },
    };
    rcm_guides *g = test_guides();
    for (size_t i = 0; i < ARRAY_SIZE_T(bad); i++) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        /* a first line that narrows, undone when a later line fails */
        char text[512];
        snprintf(text, sizeof(text), "%s", bad[i].text);
        cr_expect_eq(rcm_guides_load_mem(g, text, strlen(text), "r.tbl", &err), RCM_EFORMAT, "case %zu", i);
        cr_expect(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "case %zu: '%s'", i, err.msg);
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    static const char undo[] = "restrict 837 TEST1 x\nseg 2010AA NM1*85 R 1 2=2\nseg 2000A HL S\n";
    cr_assert_eq(rcm_guides_load_mem(g, undo, strlen(undo), "r.tbl", &err), RCM_EFORMAT);
    seen s;
    check_with(g, CLEAN, &s);
    cr_assert_str_eq(s.list, "", "the failed restriction left a change behind: %s", s.list);
    check_with(g, B_BGN B_1000A B_HL1 "NM1*85*1*BILLING*XX*1234567893~\n" B_HL2 B_2400, &s);
    cr_assert_str_eq(s.list, "");
    rcm_guides_free(g);
}

Test(guide_check, guide_file_replaces_the_same_version)
{
    rcm_guides *g = test_guides();
    cr_assert_eq(rcm_guides_count(g), 1);
    /* the same guide, but BGN03 required */
    char text[sizeof(GUIDE) + 16];
    snprintf(text, sizeof(text), "%s", GUIDE);
    char *at = strstr(text, "seg BGN R 1 1 2 3? 4?");
    cr_assert(at);
    memcpy(at, "seg BGN R 1 1 2 3  4?", 21);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_load_mem(g, text, strlen(text), "v2.tbl", &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_guides_count(g), 1);
    const rcm_guide *gd = rcm_guides_find(g, "837", "TEST1");
    cr_assert(gd);
    cr_assert_str_eq(rcm_guide_title(gd), "Test guide");
    cr_assert_str_eq(rcm_guide_gs01(gd), "HC");
    seen s;
    check_with(g, "BGN*20240101*1200~\n" B_1000A B_HL1 B_2010AA B_HL2 B_2400, &s);
    cr_assert_str_eq(s.list, "E1@4.3");
    rcm_guides_free(g);
}

Test(guide_check, builtin_guides_load)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_guides_builtin(&g, &err);
    cr_assert_eq(rc, 0, "a built-in table does not load: %s", err.msg);
    cr_assert(rcm_guides_find(g, "837", "005010X222A1"));
    cr_assert(rcm_guides_find(g, "835", "005010X221A1"));
    cr_assert(rcm_guides_find(g, "999", "005010X231A1"));
    cr_assert(rcm_guides_find(g, "999", "005010X231"), "a version without its addendum");
    cr_assert_null(rcm_guides_find(g, "834", "005010X220A1"));
    rcm_guides_free(g);
}
