/*
 * AGE and SEX families: the Medicare Code Editor lists of tests/data/codeset
 * (FY2025 with the ranges stored with it, maternity 9-64; FY2026 with an
 * mce_ages file of its version, maternity 12-55) against the patient's age
 * on the date of service and sex, the subscriber's or a dependant's.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "codeset_fixture.h"

static cx_store x;

static void setup(void) { cx_open(&x); }
static void teardown(void) { cx_close(&x); }

TestSuite(scrub_agesex, .init = setup, .fini = teardown);

#define AGESEX ((1u << RCM_FAM_AGE) | (1u << RCM_FAM_SEX))

/* The fixture's patient: the subscriber, female, born 1950-05-01 (75 on 2025-11-03). */
static const cx_case cases[] = {
    { "no MCE category", 'P', "E119,I10", "99213>1,2", NULL, NULL, "AGE-001,SEX-001" },
    { "newborn code on an adult", 'P', "P0730", "99213", NULL, "AGE-001", "SEX-001" },
    { "newborn code on the day of birth", 'P', "P0730", "99213", "dob=2025-11-03", NULL, "AGE-001" },
    { "newborn code at 11 months", 'P', "P0730", "99213", "dob=2024-12-01", NULL, "AGE-001" },
    { "newborn code at 1 year", 'P', "P0730", "99213", "dob=2024-11-03", "AGE-001", NULL },
    { "maternity at 60 in FY2026 (12-55)", 'P', "O80", "59400", "dob=1965-06-01", "AGE-001", "SEX-001" },
    { "maternity at 60 in FY2025 (9-64)", 'P', "O80", "59400@2025-09-30", "dob=1965-06-01", NULL, "AGE-001" },
    { "maternity at 30", 'P', "O80", "59400", "dob=1995-01-01", NULL, "AGE-001,SEX-001" },
    { "maternity at 10 in FY2026", 'P', "O80", "59400", "dob=2015-01-01", "AGE-001", NULL },
    { "maternity at 10 in FY2025", 'P', "O80", "59400@2025-06-02", "dob=2015-01-01", NULL, "AGE-001" },
    { "adult code on a child", 'P', "Z0000", "99395", "dob=2015-01-01", "AGE-001", NULL },
    { "adult code on an adult", 'P', "Z0000", "99395", NULL, NULL, "AGE-001" },
    { "male diagnosis on a woman", 'P', "N400", "99213", NULL, "SEX-001", "AGE-001" },
    { "male diagnosis on a man", 'P', "N400", "99213", "sex=M", NULL, "SEX-001" },
    { "female diagnosis on a man", 'P', "I10,N630", "99213>1,2", "sex=M", "SEX-001", "AGE-001" },
    { "maternity on a man of 75", 'P', "O80", "59400", "sex=M", "AGE-001,SEX-001", NULL },
    { "sex unknown", 'P', "N400,N630", "99213>1,2", "sex=U", NULL, "SEX-001" },
    { "no date of birth", 'P', "P0730", "99213", "dob=", NULL, "AGE-001" },
    { "born after the service", 'P', "P0730", "99213", "dob=2025-12-01", NULL, "AGE-001" },
    { "no MCE load for the date", 'P', "P0730,N400", "99213@2026-10-05>1,2", NULL, NULL, "AGE-001,SEX-001" },
    { "a dependant newborn boy", 'P', "P0730,N400", "99460>1,2", "patient=1;dob=2025-11-03;sex=M", NULL,
      "AGE-001,SEX-001" },
    { "a dependant newborn boy, female code", 'P', "P0730,N630", "99460>1,2", "patient=1;dob=2025-11-03;sex=M",
      "SEX-001", "AGE-001" },
    { "837I", 'I', "O80", "59400", "dob=1965-06-01", "AGE-001", "SEX-001" },
};

Test(scrub_agesex, rules_fire_as_expected)
{
    cx_run(x.cs, AGESEX, cases, CX_COUNT(cases));
}

Test(scrub_agesex, findings_name_the_category_and_the_ages)
{
    rcm_findings f;
    rcm_findings_init(&f);
    cx_case k = { "maternity at 60", 'P', "E119,O80", "59400>1,2", "dob=1965-06-01", NULL, NULL };
    cx_scrub(x.cs, AGESEX, &k, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *r = fx_finding(&f, "AGE-001");
    cr_assert_not_null(r);
    cr_assert_str_eq(r->message, "O80 is a maternity diagnosis (MCE 2026: maternity ages 12-55) but the patient is 60"
                                 " on 2025-11-03");
    cr_assert_str_eq(r->hint, "check the diagnosis against the record, and the patient's date of birth (DMG02)");
    cr_assert_str_eq(r->table, "mce");
    cr_assert_str_eq(r->version, "2026");
    cr_assert_str_eq(r->file, "mce_2026.csv");
    cr_assert_str_eq(r->codes[0], "O80");
    cr_assert_eq(r->lines[0], 1);
    cr_assert_str_eq(r->fields[1].key, "category");
    cr_assert_str_eq(r->fields[1].value, "maternity");
    cr_assert_str_eq(r->fields[2].value, "maternity ages 12-55");
    cr_assert_str_eq(r->fields[3].value, "60");

    cx_case m = { "male code twice on a woman", 'P', "N400,N400", "99213>1,2", NULL, NULL, NULL };
    cx_scrub(x.cs, AGESEX, &m, &f);
    cr_assert_eq(fx_fired(&f, "SEX-001"), 1, "a repeated diagnosis once");
    r = fx_finding(&f, "SEX-001");
    cr_assert_str_eq(r->message, "N40.0 is a diagnosis for male patients only (MCE 2026) but the patient's sex is"
                                 " female");
    cr_assert_str_eq(r->hint, "check the diagnosis against the record, and the patient's sex (DMG03)");
    cr_assert_eq(r->severity, RCM_SEV_ERROR);
    cr_assert_eq(r->route, RCM_ROUTE_CODER);
    rcm_findings_release(&f);
}

Test(scrub_agesex, each_family_alone)
{
    static const cx_case age_only[] = {
        { "AGE only", 'P', "O80,N400", "59400>1,2", "sex=M", "AGE-001", "SEX-001" },
    };
    cx_run(x.cs, 1u << RCM_FAM_AGE, age_only, CX_COUNT(age_only));
    static const cx_case sex_only[] = {
        { "SEX only", 'P', "O80,N400", "59400>1,2", "sex=M", "SEX-001", "AGE-001" },
    };
    cx_run(x.cs, 1u << RCM_FAM_SEX, sex_only, CX_COUNT(sex_only));
}
