/*
 * PX family: procedure codes against HCPCS, the practice's CPT file and the
 * fee schedule (tests/data/codeset: HCPCS 2025 with its own dates, CPT 2024,
 * PPRRVU July and October 2025), and on Medicare claims the fee schedule
 * status (I: not valid for Medicare; N, B, X: not paid, except X codes
 * Medicare pays on other fee schedules).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "codeset_fixture.h"

static cx_store x;

static void setup(void) { cx_open(&x); }
static void teardown(void) { cx_close(&x); }

TestSuite(scrub_px, .init = setup, .fini = teardown);

#define PX (1u << RCM_FAM_PX)
#define ALL_PX "PX-001,PX-002,PX-003,PX-004,PX-005,PX-006,PX-007"

static const cx_case cases[] = {
    { "clean", 'P', NULL, "99213;G0439;J1100;27447;71046", NULL, NULL, ALL_PX },
    { "clean, not Medicare", 'P', NULL, "99213;97810;0001F", "filing=CI", NULL, ALL_PX },
    { "too short", 'P', NULL, "9921", NULL, "PX-001", "PX-002,PX-003,PX-004,PX-007" },
    { "too long", 'P', NULL, "992133", NULL, "PX-001", "PX-004" },
    { "lower case", 'P', NULL, "g0439", NULL, "PX-001", "PX-002" },
    { "a letter past V", 'P', NULL, "W1234", NULL, "PX-001", "PX-002" },
    { "a HCPCS code not in the file", 'P', NULL, "G9999", NULL, "PX-002", "PX-001,PX-003,PX-004,PX-007" },
    { "a HCPCS code past its termination date", 'P', NULL, "G0503@2025-07-01", NULL, "PX-002", NULL },
    { "a HCPCS code on its last day", 'P', NULL, "G0503@2025-06-30", NULL, NULL, ALL_PX },
    { "a HCPCS code before it was added", 'P', NULL, "G2211@2025-06-30", NULL, "PX-002", NULL },
    { "CPT file: known codes", 'P', NULL, "99213@2024-06-03;0001F@2024-06-03", NULL, NULL, ALL_PX },
    { "CPT file: an unknown code", 'P', NULL, "99215@2024-06-03", NULL, "PX-003", "PX-004,PX-007" },
    { "no CPT file: not in the fee schedule", 'P', NULL, "99999", NULL, "PX-004", "PX-003,PX-007" },
    { "no CPT file: in the fee schedule", 'P', NULL, "99214;82947", NULL, NULL, ALL_PX },
    { "no CPT file: a PLA code", 'P', NULL, "0001U", NULL, "PX-007", "PX-004" },
    { "the year's first release before it starts", 'P', NULL, "99999@2025-03-03", NULL, "PX-004", "PX-007" },
    { "status I on Medicare", 'P', NULL, "0001F", NULL, "PX-005", "PX-006" },
    { "status I, another payer", 'P', NULL, "0001F", "filing=CI", NULL, "PX-005" },
    { "status N", 'P', NULL, "97810", NULL, "PX-006", "PX-005" },
    { "status B in October", 'P', NULL, "99358", NULL, "PX-006", NULL },
    { "status A in July", 'P', NULL, "99358@2025-08-01", NULL, NULL, "PX-006" },
    { "status X", 'P', NULL, "32850", NULL, "PX-006", NULL },
    { "status X, paid on other schedules", 'P', NULL, "82947;82950;36415;80061;84443", NULL, NULL, "PX-006" },
    { "no table for the date", 'P', NULL, "99213@2026-02-02;G0439@2026-02-02;9921@2026-02-02", NULL,
      "PX-001,PX-007", "PX-002,PX-003,PX-004,PX-005,PX-006" },
    { "no HCPCS file for 2024", 'P', NULL, "G0439@2024-06-03", NULL, "PX-007", "PX-002" },
    { "837I lines without a procedure code", 'I', NULL, "-;-", NULL, NULL, ALL_PX },
    { "837I with codes", 'I', NULL, "-;G9999;99999", "filing=MA", "PX-002,PX-004", "PX-001" },
};

Test(scrub_px, rules_fire_as_expected)
{
    cx_run(x.cs, PX, cases, CX_COUNT(cases));
}

static const rcm_finding *one(rcm_findings *f, const char *lines, const char *set, const char *rule)
{
    cx_case k = { rule, 'P', NULL, lines, set, NULL, NULL };
    cx_scrub(x.cs, PX, &k, f);
    cr_assert_eq(fx_fired(f, rule), 1, "%s on %s: %zu findings", rule, lines, f->n);
    return fx_finding(f, rule);
}

Test(scrub_px, findings_say_what_and_how)
{
    rcm_findings f;
    rcm_findings_init(&f);
    const rcm_finding *r = one(&f, "99213;9921", NULL, "PX-001");
    cr_assert_str_eq(r->message, "line 2: '9921' is not a CPT or HCPCS code: a CPT code has 5 characters");
    cr_assert_eq(r->lines[0], 2);

    r = one(&f, "G0503@2025-07-01", NULL, "PX-002");
    cr_assert_str_eq(r->message, "line 1: G0503 is not in HCPCS 2025, the version in force on 2025-07-01");
    cr_assert_str_eq(r->table, "hcpcs");
    cr_assert_str_eq(r->file, "hcpcs_2025.csv");

    r = one(&f, "99215@2024-06-03", NULL, "PX-003");
    cr_assert_str_eq(r->message, "line 1: 99215 is not in CPT 2024, the version in force on 2024-06-03");
    cr_assert_str_eq(r->table, "cpt");

    r = one(&f, "99999", NULL, "PX-004");
    cr_assert_eq(r->severity, RCM_SEV_WARNING);
    cr_assert_str_eq(r->message, "line 1: 99999 is not in the fee schedule 2025-10 and no CPT table is loaded for"
                                 " 2025-11-03 to verify it");
    cr_assert_str_eq(r->table, "pfs_rvu");
    cr_assert_str_eq(r->version, "2025-10");

    r = one(&f, "99213;0001F", NULL, "PX-005");
    cr_assert_str_eq(r->message, "line 2: Medicare does not accept 0001F (fee schedule 2025-10 status I: not valid"
                                 " for Medicare: another code is billed)");
    cr_assert_str_eq(r->file, "pprrvu_2025_oct.csv");
    cr_assert_eq(r->nfields, 2);
    cr_assert_str_eq(r->fields[1].key, "status");
    cr_assert_str_eq(r->fields[1].value, "I");

    r = one(&f, "97810", NULL, "PX-006");
    cr_assert_str_eq(r->message, "line 1: 97810 has fee schedule 2025-10 status N: not covered by Medicare");
    cr_assert_str_eq(r->hint, "Medicare will deny 97810: get an ABN signed before the service (modifier GA) or,"
                              " when it is never covered, add GY and bill the patient or another payer");
    r = one(&f, "99358", NULL, "PX-006");
    cr_assert_str_eq(r->hint, "Medicare pays 99358 as part of the other services: do not bill it on its own line");

    r = one(&f, "99213@2026-02-02;G0439@2026-02-02", NULL, "PX-007");
    cr_assert_eq(r->severity, RCM_SEV_INFO);
    cr_assert_str_eq(r->message, "no loaded table covers 2026-02-02 for 99213, G0439: not verified");
    cr_assert_eq(r->ncodes, 2);
    cr_assert_eq(r->nlines, 2);
    cr_assert_eq(f.n, 1, "once per claim");
    rcm_findings_release(&f);
}

Test(scrub_px, other_qualifiers_and_lines_without_dates)
{
    rcm_scrub_config cfg = fx_config(NULL, x.cs);
    cfg.families = PX;
    rcm_scrub *s = NULL;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    rcm_claim *c = cx_claim('I', NULL, "1234567;G9999;9921;G9999", NULL);
    snprintf(c->lines[0].qual, sizeof(c->lines[0].qual), "HP");   /* a HIPPS code */
    snprintf(c->lines[1].qual, sizeof(c->lines[1].qual), "IV");
    c->lines[2].from = c->lines[2].to = RCM_DATE_NONE;           /* still judged for its format */
    c->lines[3].from = c->lines[3].to = RCM_DATE_NONE;
    c->statement_from = c->statement_to = RCM_DATE_NONE;
    rcm_findings f;
    rcm_findings_init(&f);
    fx_scrub(s, c, &f);
    fx_expect(&f, "qualifiers and dates", "PX-001", "PX-002,PX-007");
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.v[0].lines[0], 3);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
