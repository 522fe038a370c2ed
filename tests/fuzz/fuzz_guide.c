/*
 * Fuzz target: the implementation guides. An input that starts with "ISA"
 * is X12, validated against the built-in guides both through
 * rcm_x12_validate and through rcm_x12_read (typed readers on, duplicates
 * filtered); any other input is a table (dictionary lines, a guide or a
 * restriction) loaded on top of a small guide, which must either load or
 * fail with an error located "fuzz.tbl:LINE: ", leaving the guides as they
 * were; whatever loaded then validates a fixed document. Problems must be
 * well formed: a code, NUL-terminated strings, a level, and guide problems
 * of the kinds a 999 takes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/guide.h"
#include "rcm/x12read.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "fuzz_guide: check failed: %s (line %d)\n", #c, __LINE__); \
            abort();                                                              \
        }                                                                         \
    } while (0)

static const char BASE[] =
    "elem 143 ID 3 3 Transaction Set Identifier Code\n"
    "elem 329 AN 4 9 Transaction Set Control Number\n"
    "elem 1705 AN 1 35 Implementation Convention Reference\n"
    "elem 96 N0 1 10 Number of Included Segments\n"
    "elem 628 AN 1 12 Hierarchical ID Number\n"
    "elem 734 AN 1 12 Hierarchical Parent ID Number\n"
    "elem 735 ID 1 2 Hierarchical Level Code\n"
    "elem 736 ID 1 1 Hierarchical Child Code\n"
    "elem 98 ID 2 3 Entity Identifier Code\n"
    "elem 1035 AN 1 60 Name\n"
    "elem 66 ID 1 2 Identification Code Qualifier\n"
    "elem 67 AN 2 80 Identification Code\n"
    "elem 374 ID 3 3 Date/Time Qualifier\n"
    "elem 1250 ID 2 3 Date Time Period Format Qualifier\n"
    "elem 1251 AN 1 35 Date Time Period\n"
    "elem 235 ID 2 2 Product/Service ID Qualifier\n"
    "elem 234 AN 1 48 Product/Service ID\n"
    "elem 782 R 1 18 Monetary Amount\n"
    "comp C003 235 234\n"
    "seg ST 143 329 1705\n"
    "seg SE 96 329\n"
    "seg HL 628 734 735 736\n"
    "seg NM1 98 1035 66 67\n"
    "rule NM1 P0304\n"
    "seg DTP 374 1250 1251\n"
    "fmt DTP 3 2\n"
    "seg SV1 C003 782\n"
    "guide 837 FUZZ HC Fuzz guide\n"
    "unit NM1 2 NM102\n"
    "seg ST R 1 @1=837 2 3\n"
    "seg DTP S 2 @1=050 2=D8,RD8 3\n"
    "loop 1000A R 1\n"
    "  seg NM1 R 1 @1=41 2 3? 4?\n"
    "end\n"
    "loop 2000A R >1\n"
    "  seg HL R 1 1 @3=20 4=0,1\n"
    "  loop 2000B S >1\n"
    "    seg HL R 1 1 2 @3=22 4=0\n"
    "    seg SV1 S 3 1.1=HC 1.2 2\n"
    "  end\n"
    "end\n"
    "seg SE R 1 1 2\n";

static const char DOC[] =
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~"
    "GS*HC*S*R*20240101*1200*1*X*FUZZ~ST*837*0001*FUZZ~DTP*050*D8*20240101~NM1*41*ACME*46*X1~HL*1**20*1~"
    "HL*2*1*22*0~SV1*HC:99213*10~SV1*XX:1*A~HL*3*1*22*1~NM1*85~SE*11*0001~GE*1*1~IEA*1*000000001~";

typedef struct state {
    long problems, guide_problems;
    rcm_buf line;
} state;

static void check_cstr(const char *s, size_t size) { CHECK(memchr(s, '\0', size) != NULL); }

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    state *s = ctx;
    s->problems++;
    CHECK(p->kind >= RCM_X12P_INTERCHANGE && p->kind <= RCM_X12P_BALANCE);
    CHECK(p->severity >= RCM_SEV_ERROR && p->severity <= RCM_SEV_INFO);
    check_cstr(p->code, sizeof(p->code));
    CHECK(p->code[0] || p->kind == RCM_X12P_BALANCE); /* 835 balancing has no X12 code */
    check_cstr(p->msg, sizeof(p->msg));
    CHECK(p->msg[0]);
    check_cstr(p->seg_id, sizeof(p->seg_id));
    check_cstr(p->loop, sizeof(p->loop));
    check_cstr(p->loop_id, sizeof(p->loop_id));
    check_cstr(p->elem_ref, sizeof(p->elem_ref));
    check_cstr(p->value, sizeof(p->value));
    check_cstr(p->unit, sizeof(p->unit));
    CHECK(p->level >= 1 && p->level <= 3);
    CHECK(p->segment >= 0 && p->line >= 0 && p->set_position >= 0);
    if (p->level == 2 && p->kind != RCM_X12P_SET) {
        s->guide_problems++;
        CHECK(p->kind == RCM_X12P_SEGMENT || p->kind == RCM_X12P_ELEMENT);
        CHECK(p->element >= 0 && p->element <= RCM_X12_MAX_ELEMS + 1);
        CHECK(p->component >= 0 && p->repetition >= 0);
        /* the innermost loop is the path's last part */
        size_t n = strlen(p->loop), m = strlen(p->loop_id);
        CHECK(!m || (n >= m && strcmp(p->loop + n - m, p->loop_id) == 0) || n == sizeof(p->loop) - 1);
    }
    rcm_buf_reset(&s->line);
    rcm_x12_problem_format(p, &s->line);
    CHECK(!rcm_buf_failed(&s->line));
    return 0;
}

static void validate(const rcm_guides *g, const uint8_t *data, size_t size)
{
    state s;
    memset(&s, 0, sizeof(s));
    rcm_buf_init(&s.line, RCM_MAX_MESSAGE);
    rcm_x12_reader *r = NULL;
    if (rcm_x12_open_mem(&r, data, size, "fuzz", NULL) == 0) {
        rcm_x12_visitor v;
        memset(&v, 0, sizeof(v));
        v.ctx = &s;
        v.problem = on_problem;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = rcm_x12_validate(r, g, &v, NULL, &err);
        CHECK(rc == 0 || rc == RCM_ESYNTAX || rc == RCM_ELIMIT);
        rcm_x12_reader_free(r);
    }
    long first = s.guide_problems;
    s.guide_problems = 0;
    if (rcm_x12_open_mem(&r, data, size, "fuzz", NULL) == 0) {
        rcm_x12_typed_cb cb;
        memset(&cb, 0, sizeof(cb));
        cb.ctx = &s;
        cb.problem = on_problem;
        cb.guides = g;
        rcm_x12_read(r, &cb, NULL, NULL);
        rcm_x12_reader_free(r);
        /* the typed readers may only add problems; the guide's never go (a duplicate drops the typed one) */
        CHECK(s.guide_problems >= first || !g);
    }
    rcm_buf_release(&s.line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static rcm_guides *builtin;
    if (!builtin) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        CHECK(rcm_guides_builtin(&builtin, &err) == 0 || builtin);
    }
    if (size >= 3 && memcmp(data, "ISA", 3) == 0) {
        validate(builtin, data, size);
        return 0;
    }
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_guides_new(&g, &err) == 0);
    CHECK(rcm_guides_load_mem(g, BASE, strlen(BASE), "base.tbl", &err) == 0);
    size_t before = rcm_guides_count(g);
    memset(&err, 0, sizeof(err));
    int rc = rcm_guides_load_mem(g, (const char *)data, size, "fuzz.tbl", &err);
    if (rc < 0) {
        CHECK(rc == RCM_EFORMAT);
        CHECK(strncmp(err.msg, "fuzz.tbl:", 9) == 0);
        check_cstr(err.msg, sizeof(err.msg));
        CHECK(rcm_guides_count(g) == before);
    }
    for (size_t i = 0; i < rcm_guides_count(g); i++) {
        const rcm_guide *gd = rcm_guides_get(g, i);
        CHECK(rcm_guides_find(g, rcm_guide_st01(gd), rcm_guide_version(gd)) != NULL);
    }
    validate(g, (const uint8_t *)DOC, sizeof(DOC) - 1);
    rcm_guides_free(g);
    return 0;
}
