/*
 * MN family: the medical-necessity policies of tests/data/codeset
 * (mn_policies_2025.csv) against each line's pointed diagnoses (MN-001) and
 * the claim's others (MN-002): codes, prefixes and ranges of diagnoses and
 * procedures, groups of diagnoses needed together, a payer's own policy,
 * rows with their own dates, 837I claims without pointers.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "codeset_fixture.h"

static cx_store x;

static void setup(void) { cx_open(&x); }
static void teardown(void) { cx_close(&x); }

TestSuite(scrub_mn, .init = setup, .fini = teardown);

#define MN (1u << RCM_FAM_MN)
#define ALL_MN "MN-001,MN-002"

/* The fixture claim's payer is 04412 (Medicare Part B); the test policies bind all payers but one. */
static const cx_case cases[] = {
    { "supported", 'P', "E785", "80061", NULL, NULL, ALL_MN },
    { "no policy lists the procedure", 'P', "I10", "99213", NULL, NULL, ALL_MN },
    { "not supported", 'P', "I10", "80061", NULL, "MN-001", "MN-002" },
    { "supported by a diagnosis the line does not point at", 'P', "I10,E785", "80061>1", NULL, "MN-002", "MN-001" },
    { "pointed at the supporting diagnosis", 'P', "I10,E785", "80061>2", NULL, NULL, ALL_MN },
    { "one of several pointers", 'P', "I10,R5383,E785", "80061>1,2,3", NULL, NULL, ALL_MN },
    { "a line with no pointer", 'P', "E785", "80061>", NULL, "MN-002", "MN-001" },
    { "a group, both pointed", 'P', "Z79899,E1165", "80061>1,2", NULL, NULL, ALL_MN },
    { "a group completed by another diagnosis", 'P', "Z79899,E1165", "80061>1", NULL, "MN-002", "MN-001" },
    { "half a group", 'P', "Z79899,I10", "80061>1,2", NULL, "MN-001", "MN-002" },
    { "a procedure range and a diagnosis range", 'P', "O24419", "82950", NULL, NULL, ALL_MN },
    { "a procedure range, no support", 'P', "I10", "82951", NULL, "MN-001", NULL },
    { "past the procedure range", 'P', "I10", "82953", NULL, NULL, ALL_MN },
    { "a payer's own policy", 'P', "I10", "97110", "payer=60054", "MN-001", NULL },
    { "another payer's policy", 'P', "I10", "97110", NULL, NULL, ALL_MN },
    { "a payer's own policy, supported", 'P', "M5450", "97112", "payer=60054", NULL, ALL_MN },
    { "rows in force", 'P', "I10", "84443@2025-03-03", NULL, "MN-001", NULL },
    { "rows no longer in force", 'P', "I10", "84443", NULL, NULL, ALL_MN },
    { "two lines, pointers crossed", 'P', "E785,E1165", "80061>2;82947>1", NULL, "MN-002", "MN-001" },
    { "two lines, pointers right", 'P', "E785,E1165", "80061>1;82947>2", NULL, NULL, ALL_MN },
    { "837I: every diagnosis is the line's", 'I', "I10,E785", "80061", NULL, NULL, ALL_MN },
    { "837I: not supported", 'I', "I10,R5383", "80061;-", NULL, "MN-001", "MN-002" },
};

Test(scrub_mn, rules_fire_as_expected)
{
    cx_run(x.cs, MN, cases, CX_COUNT(cases));
}

Test(scrub_mn, findings_point_at_the_fix)
{
    rcm_findings f;
    rcm_findings_init(&f);
    cx_case k = { "MN-001", 'P', "I10,R5383", "99213>1;80061>1,2", NULL, NULL, NULL };
    cx_scrub(x.cs, MN, &k, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *r = fx_finding(&f, "MN-001");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->message, "line 2: 80061 on 2025-11-03 is not supported by any diagnosis on the claim under"
                                 " NCD 190.23 (test) (diagnoses pointed at: I10, R53.83)");
    cr_assert_str_eq(r->hint, "if the record supports a diagnosis NCD 190.23 (test) lists for 80061, add it and point"
                              " the line at it; otherwise get an ABN signed before the service (modifier GA) or expect"
                              " a denial (CARC 50)");
    cr_assert_str_eq(r->table, "mn");
    cr_assert_str_eq(r->version, "2025");
    cr_assert_str_eq(r->file, "mn_policies_2025.csv");
    cr_assert_eq(r->file_line, 2);
    cr_assert_eq(r->lines[0], 2);
    cr_assert_str_eq(r->codes[0], "80061");
    cr_assert_str_eq(r->fields[0].key, "policy");
    cr_assert_str_eq(r->fields[0].value, "NCD 190.23 (test)");

    cx_case p = { "MN-002", 'P', "I10,R5383,E785", "80061>1,2", NULL, NULL, NULL };
    cx_scrub(x.cs, MN, &p, &f);
    r = fx_finding(&f, "MN-002");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->message, "E78.5 on the claim supports 80061 under NCD 190.23 (test), but line 1 does not"
                                 " point at it");
    cr_assert_str_eq(r->hint, "point line 1 at E78.5 (diagnosis 3)");
    cr_assert_eq(r->ncodes, 2);
    cr_assert_str_eq(r->codes[1], "E785");
    cr_assert_eq(r->file_line, 2, "the row that supports it");

    cx_case g = { "MN-002 group", 'P', "Z79899,I10,E1165", "80061>1", NULL, NULL, NULL };
    cx_scrub(x.cs, MN, &g, &f);
    r = fx_finding(&f, "MN-002");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->message, "E11.65 on the claim, with the diagnoses line 1 points at, supports 80061 under"
                                 " NCD 190.23 (test) (group 'drug therapy with diabetes'), but the line does not point"
                                 " at it");
    cr_assert_str_eq(r->hint, "point line 1 at E11.65 (diagnosis 3)");

    cx_case two = { "crossed", 'P', "E785,E1165", "80061>2;82947>1", NULL, NULL, NULL };
    cx_scrub(x.cs, MN, &two, &f);
    cr_assert_eq(fx_fired(&f, "MN-002"), 2, "one per line");
    cr_assert_eq(f.v[0].lines[0], 1);
    cr_assert_str_eq(f.v[0].hint, "point line 1 at E78.5 (diagnosis 1)");
    cr_assert_str_eq(f.v[1].hint, "point line 2 at E11.65 (diagnosis 2)");
    rcm_findings_release(&f);
}

Test(scrub_mn, without_code_sets_nothing)
{
    static const cx_case none[] = { { "no code sets", 'P', "I10", "80061", NULL, NULL, ALL_MN } };
    cx_run(NULL, MN, none, CX_COUNT(none));
}
