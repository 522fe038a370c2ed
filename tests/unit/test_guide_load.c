/*
 * The implementation-guide table loader: every error is located
 * "FILE:LINE: message" and leaves the guides as they were; dictionary lines
 * in a guide file merge (an identical one is fine, a conflicting one names
 * both places); named code lists; the built-in tables load.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "rcm/guide.h"

#define ARRAY_SIZE_T(a) (sizeof(a) / sizeof((a)[0]))

static const char DICT[] =
    "# a small dictionary\n"
    "elem 143 ID 3 3 Transaction Set Identifier Code\n"
    "elem 329 AN 4 9 Transaction Set Control Number\n"
    "elem 1705 AN 1 35 Implementation Convention Reference\n"
    "elem 96 N0 1 10 Number of Included Segments\n"
    "elem 98 ID 2 3 Entity Identifier Code\n"
    "elem 1035 AN 1 60 Name\n"
    "elem 235 ID 2 2 Product/Service ID Qualifier\n"
    "elem 234 AN 1 48 Product/Service ID\n"
    "comp C003 235 234\n"
    "seg ST 143 329 1705\n"
    "seg SE 96 329\n"
    "seg N1 98 1035\n"
    "seg SV1 C003 1035\n";

static rcm_guides *dict_only(void)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_new(&g, &err), 0);
    cr_assert_eq(rcm_guides_load_mem(g, DICT, strlen(DICT), "dict.tbl", &err), 0, "%s", err.msg);
    return g;
}

#define HEAD "guide 835 V1 HP Test\nseg ST R 1 @1=835 2 3\n"

Test(guide_load, errors_are_located)
{
    static const struct {
        const char *text, *msg;
    } bad[] = {
        { "elem 1 XX 1 2 Bad type\n", "t.tbl:1: element 1: unknown type 'XX'" },
        { "\n\nelem 1 AN 5 2 Reversed\n", "t.tbl:3: element 1: bad length '5 2'" },
        { "elem 98 AN 2 3 Conflicting\n", "t.tbl:1: element 98 conflicts with its definition at dict.tbl:6" },
        { "comp C003 235 234 1035\n", "t.tbl:1: composite C003 conflicts with its definition at dict.tbl:10" },
        { "seg N1 98\n", "t.tbl:1: segment N1 conflicts with its definition at dict.tbl:13" },
        { "seg N2 98 9999\n", "t.tbl:1: segment N2: unknown element or composite '9999'" },
        { "rule N1 P0103\n", "t.tbl:1: segment N1: syntax note 'P0103' names element 3; the segment has 2" },
        { "rule N1 X0102\n", "t.tbl:1: segment N1: bad syntax note 'X0102'" },
        { "rule XY P0102\n", "t.tbl:1: rule for segment XY, which the dictionary does not have" },
        { "fmt N1 1 1\n", "t.tbl:1: fmt N1: positions '1 1' must be two different elements" },
        { "loop 1000A R 1\n", "t.tbl:1: 'loop' outside a guide" },
        { "bogus line\n", "t.tbl:1: unknown line 'bogus'" },
        { HEAD "seg N1 R 1 @1 2\n", "t.tbl:3: key element '@1' must list its codes" },
        { HEAD "seg N1 R 1 1=PE 3\n", "t.tbl:3: segment N1: element 3 given; the segment has 2" },
        { HEAD "seg N1 R 1 1.2=PE\n", "t.tbl:3: segment N1: element 1 is not a composite" },
        { HEAD "seg SV1 R 1 1.3=HC\n", "t.tbl:3: segment SV1: composite C003 has 2 components" },
        { HEAD "seg N1 R 1 2/1-99\n", "t.tbl:3: segment N1: length 1-99 of element 2 is wider than the dictionary's 1-60" },
        { HEAD "seg N1 R 1 1=$NOPE\n", "t.tbl:3: no code list named 'NOPE'" },
        { HEAD "seg N1 R 1 1=PE 1=PR\n", "t.tbl:3: segment N1: element 1 listed twice" },
        { HEAD "seg N1 X 1 1\n", "t.tbl:3: segment N1: usage 'X' must be R, S or N" },
        { HEAD "seg N1 R many 1\n", "t.tbl:3: segment N1: maximum use 'many' must be a number or >1" },
        { HEAD "seg XYZ R 1 1\n", "t.tbl:3: segment XYZ is not in the dictionary" },
        { HEAD "loop 1000A R 1\nseg N1 R 1 @1=PE\n", "t.tbl:3: loop 1000A has no end line" },
        { HEAD "end\n", "t.tbl:3: end without a loop" },
        { HEAD "loop 1000A R 1\nloop 1000B R 1\nseg N1 R 1 @1=PE\nend\nend\n",
          "t.tbl:3: loop 1000A must begin with a seg line" },
        { HEAD "loop 1000A R 1\nseg N1 R 1 @1=PE,PR\nseg N1 S 1 @1=PR\nend\n",
          "t.tbl:5: segment N1 cannot be told from the N1 at line 4" },
        { HEAD "loop 1000A R 1\nseg N1 R 1 2\nseg N1 S 1 2\nend\n",
          "t.tbl:5: segment N1 cannot be told from the N1 at line 4" },
        { HEAD "loop 10000000 R 1\n", "t.tbl:3: loop id '10000000' is longer than 6 characters" },
        { HEAD "guide 835 V2 HP Again\n", "t.tbl:3: one guide or restrict header per file" },
        { "elem 1 AN 1 2 X\0rest\n", "t.tbl:1: a NUL byte in the table" },
        { "alias V2\n", "t.tbl:1: alias belongs in a guide, after its guide line" },
        { HEAD "alias\n", "t.tbl:3: alias needs: VERSION..." },
        { HEAD "alias V1\n", "t.tbl:3: alias 'V1' is the guide's own version" },
        { HEAD "alias A B C D E\n", "t.tbl:3: more than 4 aliases" },
        { HEAD "alias 0123456789ABCDEF\n", "t.tbl:3: alias '0123456789ABCDEF' is not a version" },
        { HEAD "seg N1 R 1 1=\"PE\n", "t.tbl:3: a double quote is not closed" },
    };
    for (size_t i = 0; i < ARRAY_SIZE_T(bad); i++) {
        rcm_guides *g = dict_only();
        rcm_error err;
        memset(&err, 0, sizeof(err));
        size_t len = strlen(bad[i].text);
        if (strstr(bad[i].msg, "NUL"))
            len = sizeof("elem 1 AN 1 2 X\0rest\n") - 1;
        cr_expect_eq(rcm_guides_load_mem(g, bad[i].text, len, "t.tbl", &err), RCM_EFORMAT, "case %zu", i);
        cr_expect(strncmp(err.msg, bad[i].msg, strlen(bad[i].msg)) == 0, "case %zu: got '%s', expected '%s...'", i,
                  err.msg, bad[i].msg);
        cr_expect_eq(rcm_guides_count(g), 0, "case %zu: a failed file added a guide", i);
        rcm_guides_free(g);
    }
}

/* An alias finds the guide by another version; the guide's own version still does. */
Test(guide_load, aliases_find_the_guide)
{
    rcm_guides *g = dict_only();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    static const char T[] = HEAD "alias V1A2 V1A3\nseg SE R 1 1 2\n";
    cr_assert_eq(rcm_guides_load_mem(g, T, strlen(T), "t.tbl", &err), 0, "%s", err.msg);
    const rcm_guide *gd = rcm_guides_find(g, "835", "V1");
    cr_assert_not_null(gd);
    cr_expect_eq(rcm_guides_find(g, "835", "V1A2"), gd);
    cr_expect_eq(rcm_guides_find(g, "835", "V1A3"), gd);
    cr_expect_null(rcm_guides_find(g, "835", "V1A4"));
    cr_expect_null(rcm_guides_find(g, "837", "V1A2"), "an alias belongs to its transaction set");
    rcm_guides_free(g);
}

/* A double-quoted code keeps its spaces and is a key like any other. */
Test(guide_load, quoted_codes_keep_their_spaces)
{
    rcm_guides *g = dict_only();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    static const char T[] = HEAD "seg N1 S 1 @1=\"A B\",PE 2\nseg SE R 1 1 2\n";
    cr_assert_eq(rcm_guides_load_mem(g, T, strlen(T), "t.tbl", &err), 0, "%s", err.msg);
    static const char *const inputs[] = { "A B", "PE", "AB" };
    static const int errors[] = { 0, 0, 1 };
    for (int i = 0; i < 3; i++) {
        char x12[512];
        int n = snprintf(x12, sizeof(x12),
                         "ISA*00*          *00*          *ZZ*S              *ZZ*R              *240101*1200*^*00501*"
                         "000000001*0*P*:~GS*HP*S*R*20240101*1200*1*X*V1~ST*835*0001*V1~N1*%s*NAME~SE*3*0001~"
                         "GE*1*1~IEA*1*000000001~", inputs[i]);
        rcm_x12_reader *r = NULL;
        cr_assert_eq(rcm_x12_open_mem(&r, x12, (size_t)n, "q.x12", &err), 0, "%s", err.msg);
        rcm_x12_stats st;
        memset(&st, 0, sizeof(st));
        cr_assert_eq(rcm_x12_validate(r, g, NULL, &st, &err), 0, "%s", err.msg);
        cr_expect_eq(st.errors, errors[i], "N101 '%s': %ld errors, expected %d", inputs[i], st.errors, errors[i]);
        rcm_x12_reader_free(r);
    }
    rcm_guides_free(g);
}

Test(guide_load, failed_file_leaves_the_dictionary_as_it_was)
{
    rcm_guides *g = dict_only();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    /* a new element, then an error: the element must be gone, so it can be defined differently after */
    static const char bad[] = "elem 5000 AN 1 5 New\nrule N1 P0102\nbogus\n";
    cr_assert_eq(rcm_guides_load_mem(g, bad, strlen(bad), "a.tbl", &err), RCM_EFORMAT);
    static const char good[] = "elem 5000 ID 2 2 New again\nseg N9 5000\nguide 835 V1 HP T\nseg ST R 1 @1=835 2\n"
                               "seg N1 R 1 1=PE 2\nseg N9 S 1 1=AB\nseg SE R 1 1 2\n";
    cr_assert_eq(rcm_guides_load_mem(g, good, strlen(good), "b.tbl", &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_guides_count(g), 1);
    rcm_guides_free(g);
}

Test(guide_load, dictionary_lines_in_a_guide_merge)
{
    rcm_guides *g = dict_only();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    static const char text[] = "guide 835 V1 HP Test\n"
                               "elem 98 ID 2 3 Entity Identifier Code (same as the dictionary: fine)\n"
                               "elem 7000 AN 1 10 A new element\n"
                               "seg ZQ 7000\n"
                               "codes ENT PE,PR\n"
                               "codes ENT 41     # appends\n"
                               "seg ST R 1 @1=835 2 3\n"
                               "seg N1 R >1 @1=$ENT 2?\n"
                               "seg ZQ S 1 1\n"
                               "seg SE R 1 1 2\n";
    cr_assert_eq(rcm_guides_load_mem(g, text, strlen(text), "g.tbl", &err), 0, "%s", err.msg);
    const rcm_guide *gd = rcm_guides_find(g, "835", "V1");
    cr_assert(gd);
    cr_assert_str_eq(rcm_guide_st01(gd), "835");
    cr_assert_str_eq(rcm_guide_version(gd), "V1");
    cr_assert_str_eq(rcm_guide_title(gd), "Test");
    /* the merged lines are in the dictionary for the files after it */
    static const char more[] = "seg ZR 7000 98\n";
    cr_assert_eq(rcm_guides_load_mem(g, more, strlen(more), "h.tbl", &err), 0, "%s", err.msg);
    static const char conflict[] = "elem 7000 AN 1 11 Longer\n";
    cr_assert_eq(rcm_guides_load_mem(g, conflict, strlen(conflict), "i.tbl", &err), RCM_EFORMAT);
    cr_assert_str_eq(err.msg, "i.tbl:1: element 7000 conflicts with its definition at g.tbl:3");
    rcm_guides_free(g);
}

Test(guide_load, file_errors)
{
    rcm_guides *g = dict_only();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_load(g, "/nonexistent/guide.tbl", &err), RCM_EIO);
    cr_assert(strstr(err.msg, "/nonexistent/guide.tbl: cannot open"), "%s", err.msg);
    rcm_guides_free(g);
    rcm_guides_free(NULL);
}

Test(guide_load, builtin_tables_all_load)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_guides_builtin(&g, &err);
    cr_assert_eq(rc, 0, "%s", err.msg);
    cr_assert(g);
    cr_assert_geq(rcm_guides_count(g), 5);
    for (size_t i = 0; i < rcm_guides_count(g); i++) {
        const rcm_guide *gd = rcm_guides_get(g, i);
        cr_assert_eq(strlen(rcm_guide_st01(gd)), 3);
        cr_assert(strncmp(rcm_guide_version(gd), "005010X", 7) == 0, "%s", rcm_guide_version(gd));
        cr_assert_eq(rcm_guides_find(g, rcm_guide_st01(gd), rcm_guide_version(gd)), gd);
    }
    cr_assert_null(rcm_guides_get(g, rcm_guides_count(g)));
    rcm_guides_free(g);
}
