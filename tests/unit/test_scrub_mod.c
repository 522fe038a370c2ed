/*
 * MOD family: modifiers on a line and with the claim's other lines. LT with
 * RT, 50 with a side, 26 with TC, 25 off an E/M or on an E/M without a
 * procedure that day, 59 with an X modifier, a repeated modifier; without
 * code sets the two rules that need them (MOD-001 unknown modifier, MOD-009
 * PC/TC split) stay silent.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_edits_fixture.h"

TestSuite(scrub_mod, .init = fxe_open, .fini = fxe_close);

#define MOD (1u << RCM_FAM_MOD)
#define ALL_MOD "MOD-001,MOD-002,MOD-003,MOD-004,MOD-005,MOD-006,MOD-007,MOD-008,MOD-009"

static const fxe_case line_cases[] = {
    { "no modifiers", 'P', { L("99213"), L("27447") }, NULL, ALL_MOD },
    { "ordinary modifiers", 'P', { LM("27447", "LT"), LM("29880", "59"), LM("71046", "26"), LM("20610", "XS,RT") },
      NULL, ALL_MOD },
    { "LT and RT", 'P', { LM("27447", "LT,RT") }, "MOD-002", "MOD-001,MOD-003,MOD-004,MOD-005,MOD-006,MOD-007,MOD-008" },
    { "RT and LT among others", 'P', { LM("27447", "RT,GA,LT") }, "MOD-002", "MOD-003" },
    { "50 with LT", 'P', { LM("27447", "50,LT") }, "MOD-003", "MOD-002" },
    { "RT with 50", 'P', { LM("27447", "RT,50") }, "MOD-003", "MOD-002" },
    { "50 with LT and RT", 'P', { LM("27447", "50,LT,RT") }, "MOD-002,MOD-003", NULL },
    { "50 alone", 'P', { LM("27447", "50") }, NULL, ALL_MOD },
    { "26 with TC", 'P', { LM("71046", "26,TC") }, "MOD-004", "MOD-001,MOD-009" },
    { "TC alone", 'P', { LM("71046", "TC") }, NULL, ALL_MOD },
    { "59 with XS", 'P', { LM("29880", "59,XS") }, "MOD-007", "MOD-008" },
    { "XU with 59", 'P', { LM("29880", "XU,59") }, "MOD-007", NULL },
    { "XE and XP without 59", 'P', { LM("29880", "XE,XP") }, NULL, ALL_MOD },
    { "59 twice", 'P', { LM("29880", "59,59") }, "MOD-008", "MOD-007" },
    { "LT twice", 'P', { LM("27447", "LT,GA,LT") }, "MOD-008", "MOD-002" },
    { "unknown modifier without code sets", 'P', { LM("99213", "ZZ") }, NULL, ALL_MOD },
    { "26 on a code without a split, without code sets", 'P', { LM("99213", "26") }, NULL, ALL_MOD },
};

Test(scrub_mod, modifiers_on_one_line)
{
    fxe_run(MOD, NULL, NULL, line_cases, FXE_COUNT(line_cases));
}

static const fxe_case em_cases[] = {
    { "25 on a procedure", 'P', { LM("20610", "25") }, "MOD-005", "MOD-006" },
    { "25 on a procedure beside an E/M", 'P', { L("99213"), LM("20610", "25") }, "MOD-005", "MOD-006" },
    { "25 on an E/M with a procedure", 'P', { LM("99213", "25"), L("20610") }, NULL, "MOD-005,MOD-006" },
    { "25 on an E/M with a procedure listed first", 'P', { L("20610"), LM("99214", "25") }, NULL,
      "MOD-005,MOD-006" },
    { "25 on an E/M alone", 'P', { LM("99213", "25") }, "MOD-006", "MOD-005" },
    { "25 on an E/M with another E/M only", 'P', { LM("99213", "25"), L("99497") }, "MOD-006", "MOD-005" },
    { "25 on an E/M, the procedure on another day", 'P', { LM("99213", "25"), LD("20610", NULL, "2025-11-04") },
      "MOD-006", NULL },
    { "25 on an E/M, the procedure with no units", 'P',
      { LM("99213", "25"), LX("20610", NULL, NULL, FXE_NO_UNITS, NULL) }, "MOD-006", NULL },
    { "25 on the first and last E/M codes", 'P', { LM("99202", "25"), LM("99499", "25"), L("G0439") }, NULL,
      "MOD-005,MOD-006" },
    { "25 just outside the E/M range", 'P', { LM("99201", "25"), LM("99500", "25") }, "MOD-005", NULL },
    { "an 837I alike", 'I', { LM("99213", "25") }, "MOD-006", NULL },
};

Test(scrub_mod, modifier_25_and_e_m_services)
{
    fxe_run(MOD, NULL, NULL, em_cases, FXE_COUNT(em_cases));
}

Test(scrub_mod, findings_name_the_line_and_modifiers)
{
    rcm_scrub *s = fxe_engine(MOD, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    static const fxe_line lines[] = { L("20610"), LM("27447", "50,LT,59,XS") };
    rcm_claim *c = fxe_claim('P', lines, 2);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 2);
    const rcm_finding *x = fx_finding(&f, "MOD-003");
    cr_assert_not_null(x);
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_eq(x->ncodes, 3);
    cr_assert_str_eq(x->codes[0], "27447");
    cr_assert_str_eq(x->codes[1], "50");
    cr_assert_str_eq(x->codes[2], "LT");
    cr_assert_str_eq(x->message, "line 2 (27447) carries 50 (bilateral) with LT");
    cr_assert_str_eq(x->table, "");
    x = fx_finding(&f, "MOD-007");
    cr_assert_not_null(x);
    cr_assert_str_eq(x->message, "line 2 (27447) carries 59 with XS");
    cr_assert_str_eq(x->hint, "keep the more specific XS and remove 59");
    cr_assert_str_eq(f.v[0].rule, "MOD-003", "rules of a line in rule order");

    static const fxe_line em[] = { LM("99213", "25") };
    c = fxe_claim('P', em, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    x = fx_finding(&f, "MOD-006");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, RCM_SEV_WARNING);
    cr_assert_str_eq(x->message, "25 on the E/M 99213 (line 1) but no other procedure is billed on 2025-11-03");
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* ---- with code sets: HCPCS 2023 (modifiers A1 and LT) and the 2025 fee schedule rows ---- */

static rcm_codeset *open_codes(void)
{
    fxe_import("tests/data/refdata/hcpcs_2023.csv");
    fxe_import("tests/data/edits/pprrvu_2025_oct_test.csv");
    rcm_codeset *cs = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_codeset_open_store(&cs, fxe_store, &err), 0, "%s", err.msg);
    return cs;
}

static const fxe_case code_cases[] = {
    { "HCPCS modifiers of the 2023 file", 'P', { LD("27447", "LT", "2023-06-01"), LD("A4206", "A1", "2023-06-01") },
      NULL, ALL_MOD },
    { "CPT modifier numbers", 'P', { LD("29880", "59", "2023-06-01"), LD("99213", "25", "2023-06-01"),
                                     LD("20610", NULL, "2023-06-01") },
      NULL, ALL_MOD },
    { "an unknown modifier", 'P', { LD("99213", "ZZ", "2023-06-01") }, "MOD-001", "MOD-008" },
    { "an unknown modifier twice: one MOD-001", 'P', { LD("99213", "ZZ,ZZ", "2023-06-01") }, "MOD-001,MOD-008",
      NULL },
    { "a number CPT does not use", 'P', { LD("99213", "28", "2023-06-01") }, "MOD-001", NULL },
    { "no HCPCS table for the date: not judged", 'P', { LM("99213", "ZZ") }, NULL, "MOD-001" },
    { "26 on a code with PC/TC indicator 0", 'P', { LM("99213", "26") }, "MOD-009", "MOD-004" },
    { "TC on a code with PC/TC indicator 0", 'P', { LM("20610", "TC") }, "MOD-009", NULL },
    { "26 on a code with PC/TC indicator 1", 'P', { LM("71046", "26") }, NULL, "MOD-009" },
    { "TC on a code with PC/TC indicator 1", 'P', { LM("71046", "TC") }, NULL, "MOD-009" },
    { "26 on a code with PC/TC indicator 9", 'P', { LM("00100", "26") }, NULL, "MOD-009" },
    { "26 on a code not in the fee schedule", 'P', { LM("29880", "26") }, NULL, "MOD-009" },
    { "26 on a date no fee schedule covers", 'P', { LD("99213", "26", "2023-06-01") }, NULL, "MOD-009" },
    { "26 and TC on a code without a split", 'P', { LM("99213", "26,TC") }, "MOD-004,MOD-009", NULL },
};

Test(scrub_mod, unknown_modifiers_and_the_pc_tc_split)
{
    rcm_codeset *cs = open_codes();
    fxe_run(MOD, cs, NULL, code_cases, FXE_COUNT(code_cases));
    rcm_codeset_free(cs);
}

Test(scrub_mod, code_set_findings_name_their_source)
{
    rcm_codeset *cs = open_codes();
    rcm_scrub *s = fxe_engine(MOD, cs, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    static const fxe_line bad[] = { LD("99213", "ZZ", "2023-06-01") };
    rcm_claim *c = fxe_claim('P', bad, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "MOD-001");
    cr_assert_str_eq(x->message, "modifier ZZ on line 1 (99213) is not a HCPCS or CPT modifier on 2023-06-01");
    cr_assert_str_eq(x->codes[0], "99213");
    cr_assert_str_eq(x->codes[1], "ZZ");
    cr_assert_str_eq(x->table, "hcpcs_mod");
    cr_assert_str_eq(x->version, "2023");
    cr_assert_str_eq(x->file, "hcpcs_2023.csv");

    static const fxe_line split[] = { LM("99213", "26") };
    c = fxe_claim('P', split, 1);
    fx_scrub(s, c, &f);
    fx_free(c);
    cr_assert_eq(f.n, 1);
    x = &f.v[0];
    cr_assert_str_eq(x->rule, "MOD-009");
    cr_assert_str_eq(x->message, "26 on line 1: 99213 has PC/TC indicator 0, so it has no professional and "
                                 "technical components");
    cr_assert_str_eq(x->table, "pfs");
    cr_assert_str_eq(x->file, "pprrvu_2025_oct_test.csv");
    cr_assert_eq(x->nfields, 2);
    cr_assert_str_eq(x->fields[1].key, "pctc");
    cr_assert_str_eq(x->fields[1].value, "0");
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_codeset_free(cs);
}
