/*
 * MUE family: medically unlikely edits on claims. MAI 1 per line (several
 * lines may exceed the MUE together), MAI 2 and 3 summed over the lines of a
 * code, date and performing provider and reported once naming them all;
 * exactly at the MUE passes; units are thousandths compared exactly; the
 * value in force on the date (2026 Q1 changes 99213); practitioner vs
 * hospital table by claim kind; the row behind a finding. Fixture values
 * (tests/data/edits): practitioner 99213 1 MAI 2 (2 from 2026), 20610 2 MAI 1,
 * J1100 60 MAI 3, 93000 3 MAI 3; hospital 20610 3 MAI 1.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_edits_fixture.h"

TestSuite(scrub_mue, .init = fxe_open, .fini = fxe_close);

#define MUE (1u << RCM_FAM_MUE)
#define ALL_MUE "MUE-001,MUE-002,MUE-003"

static const fxe_case line_cases[] = {
    { "MAI 1 over on one line", 'P', { LU("20610", NULL, 3) }, "MUE-001", "MUE-002,MUE-003" },
    { "MAI 1 exactly at the MUE", 'P', { LU("20610", NULL, 2) }, NULL, ALL_MUE },
    { "MAI 1: two lines at the MUE each are fine", 'P', { LU("20610", "LT", 2), LU("20610", "RT", 2) }, NULL,
      ALL_MUE },
    { "MAI 1: one line over among others", 'P', { LU("20610", "LT", 2), LU("20610", "RT", 3) }, "MUE-001", NULL },
    { "no MUE for the code", 'P', { LU("29881", NULL, 40) }, NULL, ALL_MUE },
    { "a line with no units", 'P', { LX("20610", NULL, NULL, FXE_NO_UNITS, NULL) }, NULL, ALL_MUE },
};

Test(scrub_mue, per_line_mai_1)
{
    fxe_run(MUE, NULL, NULL, line_cases, FXE_COUNT(line_cases));
}

static const fxe_case day_cases[] = {
    { "MAI 2 at the MUE", 'P', { L("99213") }, NULL, ALL_MUE },
    { "MAI 2 over on one line", 'P', { LU("99213", NULL, 2) }, "MUE-002", "MUE-001,MUE-003" },
    { "MAI 2 summed over two lines", 'P', { L("99213"), L("20610"), LM("99213", "25") }, "MUE-002",
      "MUE-001,MUE-003" },
    { "MAI 2 on different dates", 'P', { LD("99213", NULL, "2025-11-03"), LD("99213", NULL, "2025-11-04") }, NULL,
      ALL_MUE },
    { "MAI 2 by different rendering providers", 'P', { L("99213"), LX("99213", NULL, NULL, 0, FXE_OTHER_NPI) },
      NULL, ALL_MUE },
    { "MAI 2 with the 2026 value: two units pass", 'P',
      { LD("99213", NULL, "2026-01-15"), LD("99213", NULL, "2026-01-15") }, NULL, ALL_MUE },
    { "MAI 2 with the 2026 value: three units", 'P',
      { LD("99213", NULL, "2026-01-15"), LX("99213", NULL, "2026-01-15", 2, NULL) }, "MUE-002", NULL },
    { "MAI 3 at the MUE over two lines", 'P', { LU("J1100", NULL, 30), LU("J1100", NULL, 30) }, NULL, ALL_MUE },
    { "MAI 3 over the MUE over two lines", 'P', { LU("J1100", NULL, 30), LU("J1100", NULL, 31) }, "MUE-003",
      "MUE-001,MUE-002" },
    { "MAI 3 over on one line", 'P', { LU("93000", NULL, 4) }, "MUE-003", NULL },
};

Test(scrub_mue, per_date_of_service_mai_2_and_3)
{
    fxe_run(MUE, NULL, NULL, day_cases, FXE_COUNT(day_cases));
}

static const fxe_case table_cases[] = {
    { "hospital MUE on an 837I: 3 units pass", 'I', { LU("20610", NULL, 3) }, NULL, ALL_MUE },
    { "hospital MUE on an 837I: 4 units", 'I', { LU("20610", NULL, 4) }, "MUE-001", NULL },
    { "practitioner MUE on an 837P: 3 units", 'P', { LU("20610", NULL, 3) }, "MUE-001", NULL },
    { "no hospital MUE for 99213", 'I', { LU("99213", NULL, 5) }, NULL, ALL_MUE },
};

Test(scrub_mue, practitioner_or_hospital_table_by_claim_kind)
{
    fxe_run(MUE, NULL, NULL, table_cases, FXE_COUNT(table_cases));
}

/* Units are thousandths: 60.001 units of an MUE of 60 exceed it, 60.000 do not. */
Test(scrub_mue, fractional_units_compared_exactly)
{
    rcm_scrub *s = fxe_engine(MUE, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = fx_claim('P');
    rcm_claim_line *l = fx_line(c, "J1100", NULL, NULL, 5000, 60);
    fx_scrub(s, c, &f);
    fx_expect(&f, "60.000", NULL, ALL_MUE);
    l->units_milli = 60001;
    fx_scrub(s, c, &f);
    fx_expect(&f, "60.001", "MUE-003", NULL);
    cr_assert(strstr(f.v[0].message, "60.001 units"), "%s", f.v[0].message);
    l->units_milli = 59500;
    fx_line(c, "J1100", NULL, NULL, 5000, 0)->units_milli = 500;
    fx_scrub(s, c, &f);
    fx_expect(&f, "59.5 + 0.5", NULL, ALL_MUE);
    c->lines[1].units_milli = 501;
    fx_scrub(s, c, &f);
    fx_expect(&f, "59.5 + 0.501", "MUE-003", NULL);
    cr_assert(strstr(f.v[0].message, "60.001 units"), "%s", f.v[0].message);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

Test(scrub_mue, findings_name_lines_and_the_row)
{
    rcm_scrub *s = fxe_engine(MUE, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);

    /* MAI 1: the line, its units, the value, the hint */
    static const fxe_line one[] = { L("99214"), LU("20610", NULL, 3) };
    rcm_claim *c = fxe_claim('P', one, 2);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "MUE-001");
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_str_eq(x->codes[0], "20610");
    cr_assert_str_eq(x->message, "20610 (line 2): 3 units on 2025-11-03 exceed the MUE of 2 per line (MAI 1); the "
                                 "whole line will be denied");
    cr_assert_str_eq(x->hint, "if more units were truly provided, report them on separate lines with 76/77/91 or "
                              "anatomic modifiers; a line over the MUE is denied whole");
    cr_assert_str_eq(x->table, "mue practitioner");
    cr_assert_str_eq(x->version, "2025Q4");
    cr_assert_str_eq(x->file, "MUE_Practitioner_2025_Q4.csv");
    cr_assert_eq(x->file_line, 4);
    cr_assert_str_eq(fx_field(x, "code"), "20610");
    cr_assert_str_eq(fx_field(x, "value"), "2");
    cr_assert_str_eq(fx_field(x, "mai"), "1");

    /* MAI 2 over three lines (one on another day): one finding naming the two lines of the day */
    static const fxe_line day[] = { L("99213"), LD("99213", NULL, "2025-11-04"), L("20610"), LM("99213", "25") };
    c = fxe_claim('P', day, 4);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    x = &f.v[0];
    cr_assert_str_eq(x->rule, "MUE-002");
    cr_assert_eq(x->nlines, 2);
    cr_assert_eq(x->lines[0], 1);
    cr_assert_eq(x->lines[1], 4);
    cr_assert_str_eq(x->message, "99213: 2 units on 2025-11-03 (lines 1, 4) exceed the MUE of 1 per date of service "
                                 "(MAI 2, policy: absolute)");
    cr_assert(strstr(x->hint, "at most 1 units of 99213"), "%s", x->hint);
    cr_assert_str_eq(fx_field(x, "mai"), "2");
    cr_assert_eq(x->file_line, 3);

    /* the 2026 version answers a 2026 date */
    static const fxe_line y26[] = { LX("99213", NULL, "2026-01-15", 3, NULL) };
    c = fxe_claim('P', y26, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].version, "2026Q1");
    cr_assert_str_eq(fx_field(&f.v[0], "value"), "2");

    /* hospital */
    static const fxe_line hosp[] = { LU("20610", NULL, 4) };
    c = fxe_claim('I', hosp, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].table, "mue hospital");
    cr_assert_str_eq(f.v[0].file, "MUE_OutpatientHospital_2025_Q4.csv");
    cr_assert_str_eq(fx_field(&f.v[0], "value"), "3");

    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* Many lines of one MAI 2 code: one finding, the first lines named and the sum over all. */
Test(scrub_mue, many_lines_of_one_code)
{
    rcm_scrub *s = fxe_engine(MUE, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = fx_claim('I');
    for (int i = 0; i < 40; i++)
        fx_line(c, i % 2 ? "93000" : "G0439", NULL, NULL, 1000, 1);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 0, "no hospital MUE for 93000");
    fx_free(c);
    c = fx_claim('P');
    for (int i = 0; i < 40; i++)
        fx_line(c, i % 2 ? "93000" : "G0439", NULL, NULL, 1000, 1);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].rule, "MUE-003");
    cr_assert_eq(f.v[0].nlines, RCM_FINDING_LINES);
    cr_assert_eq(f.v[0].lines[0], 2);
    cr_assert(strstr(f.v[0].message, "93000: 20 units on 2025-11-03 (lines 2, 4, 6,"), "%s", f.v[0].message);
    cr_assert(strstr(f.v[0].message, ", ...) exceed the MUE of 3"), "%s", f.v[0].message);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
