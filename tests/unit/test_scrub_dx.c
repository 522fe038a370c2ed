/*
 * DX family: diagnoses against the ICD-10-CM load in force on the date of
 * service each is judged on (tests/data/codeset: FY2025 and FY2026 files).
 * Invalid and header codes, repeats, an external cause first, malformed
 * codes (judged on nothing else), ICD-9 after the cutover, no table for the
 * date (once a claim), and the date rule of dxview.h.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "codeset_fixture.h"

static cx_store x;

static void setup(void) { cx_open(&x); }
static void teardown(void) { cx_close(&x); }

TestSuite(scrub_dx, .init = setup, .fini = teardown);

#define DX (1u << RCM_FAM_DX)
#define ALL_DX "DX-001,DX-002,DX-003,DX-004,DX-005,DX-006,DX-007"

static const cx_case cases[] = {
    { "clean", 'P', "E119,I10", "99213>1,2", NULL, NULL, ALL_DX },
    { "clean 837I", 'I', "E1165,Z79899", "80061", NULL, NULL, ALL_DX },
    { "not in FY2026", 'P', "E1199", "99213", NULL, "DX-001", "DX-002,DX-005,DX-007" },
    { "deleted after FY2025", 'P', "Q9999", "99213", NULL, "DX-001", "DX-002,DX-007" },
    { "a header", 'P', "E11", "99213", NULL, "DX-002", "DX-001,DX-005" },
    { "a header of a header", 'P', "E116", "99213", NULL, "DX-002", "DX-001" },
    { "repeated", 'P', "E119,I10,E119", "99213>1,2", NULL, "DX-003", "DX-001,DX-002,DX-005" },
    { "external cause first", 'P', "W010XXA,S72001A", "27447>1,2", NULL, "DX-004", "DX-001,DX-002" },
    { "external cause second", 'P', "S72001A,W010XXA", "27447>1,2", NULL, NULL, ALL_DX },
    { "with the dot", 'P', "E11.9", "99213", NULL, "DX-005", "DX-001,DX-002,DX-007" },
    { "not ICD-10-CM shaped", 'P', "11621", "99213", NULL, "DX-005", "DX-001,DX-004" },
    { "lower case", 'P', "e119", "99213", NULL, "DX-005", "DX-001" },
    { "malformed external cause first", 'P', "W01.0XXA", "99213", NULL, "DX-005", "DX-004" },
    { "ICD-9 after the cutover", 'P', "25000", "99213", "qual=BK", "DX-006", "DX-001,DX-005,DX-007" },
    { "ICD-9 other diagnoses after the cutover", 'P', "25000", "99213", "qual=BF", "DX-006", "DX-005" },
    { "ICD-9 before the cutover", 'P', "25000", "99213@2015-09-30", "qual=BK", NULL, ALL_DX },
    { "no table for the date", 'P', "E119,I10", "99213@2027-01-05>1,2", NULL, "DX-007", "DX-001,DX-002" },
    { "no date at all", 'P', "E1199", NULL, NULL, NULL, "DX-001,DX-007" },
    { "malformed without a table", 'P', "E11.9", "99213@2027-01-05", NULL, "DX-005", "DX-007" },
    /* each diagnosis on the dates of the lines pointing at it: E11.65 is new in FY2026 */
    { "pointed by an October line", 'P', "I10,E1165", "99213@2025-09-30>1;80061@2025-10-01>2", NULL, NULL, ALL_DX },
    { "pointed by a September line", 'P', "E1165,I10", "99213@2025-09-30>1;80061@2025-10-01>2", NULL, "DX-001",
      NULL },
    { "pointed by both: the earliest", 'P', "E1165", "99213@2025-10-01>1;80061@2025-09-30>1", NULL, "DX-001", NULL },
    { "pointed by none: the first date", 'P', "I10,E1165", "99213@2025-09-30>1;80061@2025-10-01>1", NULL, "DX-001",
      NULL },
    { "837I: the first date", 'I', "E1165", "80061@2025-10-02;99213@2025-10-01", NULL, NULL, ALL_DX },
    { "no diagnosis", 'P', "", "99213", NULL, NULL, ALL_DX },
};

Test(scrub_dx, rules_fire_as_expected)
{
    cx_run(x.cs, DX, cases, CX_COUNT(cases));
}

Test(scrub_dx, without_code_sets_the_family_does_not_run)
{
    static const cx_case none[] = {
        { "invalid, header, repeated, no code sets", 'P', "E1199,E11,E1199,E11.9", "99213>1,2,3,4", NULL, NULL,
          ALL_DX },
    };
    cx_run(NULL, DX, none, CX_COUNT(none));
}

static const rcm_finding *one(rcm_findings *f, const char *dx, const char *lines, const char *set, const char *rule)
{
    cx_case k = { rule, 'P', dx, lines, set, NULL, NULL };
    cx_scrub(x.cs, DX, &k, f);
    cr_assert_eq(fx_fired(f, rule), 1, "%s on %s: %zu findings", rule, dx, f->n);
    return fx_finding(f, rule);
}

Test(scrub_dx, findings_say_what_and_how)
{
    rcm_findings f;
    rcm_findings_init(&f);
    const rcm_finding *r = one(&f, "E11", "99213>1", NULL, "DX-002");
    cr_assert_str_eq(r->message, "diagnosis 1 E11 is a category (header) in ICD-10-CM 2026, not a billable code");
    cr_assert_str_eq(r->hint, "report a code to the highest specificity, e.g. one of E11.0-E11.9");
    cr_assert_str_eq(r->table, "icd10cm");
    cr_assert_str_eq(r->version, "2026");
    cr_assert_str_eq(r->file, "icd10cm_order_2026.txt");
    cr_assert_eq(r->file_line, 0);
    cr_assert_str_eq(r->codes[0], "E11");
    cr_assert_eq(r->nlines, 1);
    cr_assert_eq(r->lines[0], 1);
    cr_assert_eq(r->severity, RCM_SEV_ERROR);
    cr_assert_eq(r->route, RCM_ROUTE_CODER);

    r = one(&f, "E110", "99213", NULL, "DX-002");
    cr_assert_str_eq(r->hint, "report a code to the highest specificity, e.g. E11.00 or a code under it");

    r = one(&f, "E1199", "99213", NULL, "DX-001");
    cr_assert_str_eq(r->message, "diagnosis 1 E11.99 is not in ICD-10-CM 2026, the version in force on 2025-11-03");
    cr_assert_str_eq(r->hint, "E11.9 is in ICD-10-CM 2026: if it is what the record supports, report it");
    r = one(&f, "E1168", "99213", NULL, "DX-001");
    cr_assert_str_eq(r->hint, "E11.6 is a category in ICD-10-CM 2026: pick the billable code under it that the record"
                              " supports");
    r = one(&f, "Q9999", "99213", NULL, "DX-001");
    cr_assert_str_eq(r->hint, "check the code for ICD-10-CM 2026 (deleted, not yet in force, or mistyped?) and"
                              " correct it");

    r = one(&f, "I10,E119,I10", "99213>1,2", NULL, "DX-003");
    cr_assert_str_eq(r->message, "I10 is listed twice: diagnoses 1 and 3");
    cr_assert_str_eq(r->hint, "remove diagnosis 3 and point its lines at diagnosis 1");

    r = one(&f, "W010XXA,S72001A", "27447>1,2", NULL, "DX-004");
    cr_assert_str_eq(r->message, "W01.0XXA, an external-cause code (V00-Y99), is the first-listed diagnosis: it tells"
                                 " how an injury happened and may not come first");
    cr_assert_str_eq(r->hint, "list the injury or condition first (e.g. S72.001A) and W01.0XXA after it");
    cr_assert_str_eq(r->table, "icd10cm");
    cr_assert_str_eq(r->version, "2026");

    r = one(&f, "E11.9", "99213", NULL, "DX-005");
    cr_assert_str_eq(r->message, "diagnosis 1 'E11.9' is not an ICD-10-CM code: claims carry diagnoses without the dot");
    cr_assert_str_eq(r->hint, "write it without the dot: E119");

    r = one(&f, "25000", "99213", "qual=BK", "DX-006");
    cr_assert_str_eq(r->message, "the diagnoses are ICD-9 (qualifier BK) but services from 2015-10-01 on must be coded"
                                 " in ICD-10-CM");

    r = one(&f, "E119,I10,E11", "99213@2027-01-05>1,2,3", NULL, "DX-007");
    cr_assert_eq(r->severity, RCM_SEV_INFO);
    cr_assert_str_eq(r->message, "no ICD-10-CM table is loaded for 2027-01-05: E11.9, I10, E11 not verified");
    cr_assert_str_eq(r->hint, "import the ICD-10-CM order file of fiscal year 2027 (rcm refdata import"
                              " icd10cm_order_2027.txt)");
    cr_assert_eq(r->ncodes, 3);
    cr_assert_eq(f.n, 1, "once per claim");
    rcm_findings_release(&f);
}

Test(scrub_dx, disabled_rules_are_not_reported)
{
    rcm_scrub_config cfg = fx_config(NULL, x.cs);
    cfg.families = DX;
    cfg.disable = "DX-002";
    rcm_scrub *s = NULL;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    rcm_claim *c = cx_claim('P', "E11,E1199", "99213>1,2", NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    fx_scrub(s, c, &f);
    fx_expect(&f, "DX-002 disabled", "DX-001", "DX-002");
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
