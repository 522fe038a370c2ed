/*
 * AOC family: add-on codes on claims. Type 1 with and without a listed
 * primary, the primary on another date or by another provider, a primary
 * whose row was deleted (and still good before its deletion), type 2 (no
 * list) and type 3 (listed primaries, others possible), lines that do not
 * count, the row behind a finding. Fixture rows (tests/data/edits
 * AOC_2025_Q4.csv): 11045 with 11042 and 64484 with 64483 (type 1), 64484 with
 * 64480 until 2020-01-01, 22614 type 2, 36227 with 36224 type 3.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_edits_fixture.h"

TestSuite(scrub_aoc, .init = fxe_open, .fini = fxe_close);

#define AOC (1u << RCM_FAM_AOC)
#define ALL_AOC "AOC-001,AOC-002"

static const fxe_case cases[] = {
    { "type 1 with its primary", 'P', { L("11042"), L("11045") }, NULL, ALL_AOC },
    { "type 1 with its primary after it", 'P', { L("11045"), L("99213"), L("11042") }, NULL, ALL_AOC },
    { "type 1 alone", 'P', { L("11045") }, "AOC-001", "AOC-002" },
    { "type 1 with other codes only", 'P', { L("99213"), L("11045"), L("64483") }, "AOC-001", "AOC-002" },
    { "type 1, primary on another date", 'P', { LD("11042", NULL, "2025-11-02"), L("11045") }, "AOC-001", NULL },
    { "type 1, primary by another provider", 'P', { LX("11042", NULL, NULL, 0, FXE_OTHER_NPI), L("11045") },
      "AOC-001", NULL },
    { "type 1, primary with no units", 'P', { LX("11042", NULL, NULL, FXE_NO_UNITS, NULL), L("11045") }, "AOC-001",
      NULL },
    { "type 1, add-on with no units is not judged", 'P', { LX("11045", NULL, NULL, FXE_NO_UNITS, NULL) }, NULL,
      ALL_AOC },
    { "type 1, the add-on code twice with its primary", 'P', { L("11045"), L("11042"), L("11045") }, NULL, ALL_AOC },
    { "a primary row deleted in 2020 does not qualify now", 'P', { L("64480"), L("64484") }, "AOC-001", NULL },
    { "the deleted primary qualified before its deletion", 'P',
      { LD("64480", NULL, "2019-06-01"), LD("64484", NULL, "2019-06-01") }, NULL, ALL_AOC },
    { "the other primary of 64484", 'P', { L("64483"), L("64484") }, NULL, ALL_AOC },
    { "type 2: no list, the contractor decides", 'P', { L("22612"), L("22614") }, "AOC-002", "AOC-001" },
    { "type 2 alone", 'P', { L("22614") }, "AOC-002", "AOC-001" },
    { "type 3 with its listed primary", 'P', { L("36224"), L("36227") }, NULL, ALL_AOC },
    { "type 3 with another primary", 'P', { L("36225"), L("36227") }, "AOC-002", "AOC-001" },
    { "not an add-on code", 'P', { L("11042"), L("99213") }, NULL, ALL_AOC },
    { "an 837I judged alike", 'I', { L("11045") }, "AOC-001", NULL },
    { "an 837I with the primary", 'I', { L("11042"), L("11045") }, NULL, ALL_AOC },
};

Test(scrub_aoc, primaries_on_the_same_day)
{
    fxe_run(AOC, NULL, NULL, cases, FXE_COUNT(cases));
}

Test(scrub_aoc, findings_name_the_line_and_the_row)
{
    rcm_scrub *s = fxe_engine(AOC, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);

    static const fxe_line missing[] = { L("99213"), L("64484") };
    rcm_claim *c = fxe_claim('P', missing, 2);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "AOC-001");
    cr_assert_eq(x->severity, RCM_SEV_ERROR);
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_str_eq(x->codes[0], "64484");
    cr_assert_str_eq(x->message, "add-on code 64484 (line 2) is billed on 2025-11-03 without one of its primary "
                                 "codes: it will be denied");
    cr_assert_str_eq(x->hint, "bill 64484 with its primary procedure (64483) by the same provider on the same day, "
                              "or remove it");
    cr_assert_str_eq(x->table, "ncci_aoc");
    cr_assert_str_eq(x->version, "2025Q4");
    cr_assert_str_eq(x->file, "AOC_2025_Q4.csv");
    cr_assert_eq(x->file_line, 3);
    cr_assert_str_eq(fx_field(x, "addon"), "64484");
    cr_assert_str_eq(fx_field(x, "primary"), "64483", "the row deleted in 2020 is not listed");
    cr_assert_str_eq(fx_field(x, "type"), "1");
    cr_assert_str_eq(fx_field(x, "effective"), "2013-01-01");

    static const fxe_line alone[] = { L("11045") };
    c = fxe_claim('P', alone, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert(strstr(f.v[0].message, "(no other procedure that day)"), "%s", f.v[0].message);

    static const fxe_line type2[] = { L("22612"), L("22614") };
    c = fxe_claim('P', type2, 2);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    x = &f.v[0];
    cr_assert_str_eq(x->rule, "AOC-002");
    cr_assert_eq(x->severity, RCM_SEV_WARNING);
    cr_assert(strstr(x->message, "has no primary list"), "%s", x->message);
    cr_assert_str_eq(fx_field(x, "type"), "2");
    cr_assert_str_eq(fx_field(x, "primary"), "");

    static const fxe_line type3[] = { L("36225"), L("36227") };
    c = fxe_claim('P', type3, 2);
    fx_scrub(s, c, &f);
    fx_free(c);
    x = &f.v[0];
    cr_assert_str_eq(x->rule, "AOC-002");
    cr_assert(strstr(x->message, "without a listed primary code"), "%s", x->message);
    cr_assert_str_eq(fx_field(x, "type"), "3");
    cr_assert_str_eq(fx_field(x, "primary"), "36224");

    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* More codes on the day than one rcm_aoc_check call takes: the primary is found wherever it is. */
Test(scrub_aoc, many_lines_on_the_day)
{
    rcm_scrub *s = fxe_engine(AOC, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = fx_claim('I');
    fx_line(c, "11045", NULL, NULL, 1000, 1);
    for (int i = 0; i < 200; i++) {
        char code[16];
        snprintf(code, sizeof(code), "%05d", 40000 + i);
        fx_line(c, code, NULL, NULL, 1000, 1);
    }
    fx_scrub(s, c, &f);
    fx_expect(&f, "no primary among 200 lines", "AOC-001", NULL);
    static const int where[] = { 1, 38, 64, 65, 130, 192, 193, 199, 200 };  /* chunk edges and the last part */
    for (size_t k = 0; k < FXE_COUNT(where); k++) {
        int at = where[k];
        snprintf(c->lines[at].code, sizeof(c->lines[at].code), "11042");
        fx_scrub(s, c, &f);
        fx_expect(&f, "the primary among 200 lines", NULL, ALL_AOC);
        snprintf(c->lines[at].code, sizeof(c->lines[at].code), "%05d", 40000 + at);
    }
    /* the primary last of exactly one chunk's worth of other codes */
    c->n_lines = 65;
    snprintf(c->lines[64].code, sizeof(c->lines[64].code), "11042");
    fx_scrub(s, c, &f);
    fx_expect(&f, "the primary closing a chunk", NULL, ALL_AOC);
    snprintf(c->lines[64].code, sizeof(c->lines[64].code), "40063");
    fx_scrub(s, c, &f);
    fx_expect(&f, "one chunk, no primary", "AOC-001", NULL);
    c->n_lines = 201;
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
