/*
 * PTP family: NCCI procedure-to-procedure edits on claims. Indicator 0 never
 * bypassed (59 or not), indicator 1 bypassed by a modifier on the column 2
 * line (PTP-004) or misplaced on column 1 (PTP-003), anatomic modifiers on
 * both lines or on different sites, X modifiers, the configured bypass list,
 * deleted and re-added edits by date of service, indicator 9, pairs only
 * within one date and performing provider, practitioner vs hospital table,
 * the row behind a finding, the order of findings and claims larger than a
 * batch. Fixture rows: tests/data/edits (29881/29880 indicator 1, 93000/93005
 * indicator 0 for practitioners and 1 for hospitals, 11042/97597 deleted
 * 2025-04-01 and re-added 2025-07-01 with indicator 0, 36415/36416
 * indicator 9, 97140/97530 deleted on its effective day).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_edits_fixture.h"

TestSuite(scrub_ptp, .init = fxe_open, .fini = fxe_close);

#define PTP (1u << RCM_FAM_PTP)

#define ALL_PTP "PTP-001,PTP-002,PTP-003,PTP-004"

static const fxe_case modifier_cases[] = {
    { "indicator 0", 'P', { L("93000"), L("93005") }, "PTP-001", "PTP-002,PTP-003,PTP-004" },
    { "indicator 0 with 59 on column 2 still fires", 'P', { L("93000"), LM("93005", "59") }, "PTP-001",
      "PTP-002,PTP-003,PTP-004" },
    { "indicator 0 with XU on column 1", 'P', { LM("93000", "XU"), L("93005") }, "PTP-001", "PTP-003,PTP-004" },
    { "indicator 1, no modifier", 'P', { L("29881"), L("29880") }, "PTP-002", "PTP-001,PTP-003,PTP-004" },
    { "indicator 1, column 2 listed first", 'P', { L("29880"), L("29881") }, "PTP-002", "PTP-001,PTP-003,PTP-004" },
    { "indicator 1, 59 on column 2 bypasses", 'P', { L("29881"), LM("29880", "59") }, "PTP-004",
      "PTP-001,PTP-002,PTP-003" },
    { "indicator 1, XU on column 2 bypasses", 'P', { L("29881"), LM("29880", "XU") }, "PTP-004",
      "PTP-001,PTP-002,PTP-003" },
    { "indicator 1, XS after a non-bypass modifier", 'P', { L("29881"), LM("29880", "GA,XS") }, "PTP-004",
      "PTP-002,PTP-003" },
    { "indicator 1, 59 on column 1 only", 'P', { LM("29881", "59"), L("29880") }, "PTP-003",
      "PTP-001,PTP-002,PTP-004" },
    { "indicator 1, 59 on both lines", 'P', { LM("29881", "59"), LM("29880", "59") }, "PTP-004",
      "PTP-002,PTP-003" },
    { "indicator 1, a modifier that is not NCCI-associated", 'P', { L("29881"), LM("29880", "GA") }, "PTP-002",
      "PTP-003,PTP-004" },
    { "indicator 1, LT on both lines: the same site", 'P', { LM("29881", "LT"), LM("29880", "LT") }, "PTP-002",
      "PTP-001,PTP-003,PTP-004" },
    { "indicator 1, LT vs RT: different sites", 'P', { LM("29881", "RT"), LM("29880", "LT") }, "PTP-004",
      "PTP-002,PTP-003" },
    { "indicator 1, F2 vs F3", 'P', { LM("29881", "F2"), LM("29880", "F3") }, "PTP-004", "PTP-002,PTP-003" },
    { "indicator 1, LT only on column 1", 'P', { LM("29881", "LT"), L("29880") }, "PTP-003", "PTP-002,PTP-004" },
    { "indicator 1, LT on both and 59 on column 1", 'P', { LM("29881", "LT,59"), LM("29880", "LT") }, "PTP-003",
      "PTP-002,PTP-004" },
    { "indicator 1, LT on both and XS on column 2", 'P', { LM("29881", "LT"), LM("29880", "LT,XS") }, "PTP-004",
      "PTP-002,PTP-003" },
    { "the same code twice is not a PTP matter", 'P', { L("29880"), L("29880") }, NULL, ALL_PTP },
    { "a single line", 'P', { L("29881") }, NULL, ALL_PTP },
    { "codes with no edit", 'P', { L("99213"), L("20610") }, NULL, ALL_PTP },
    { "a line with no units is skipped", 'P', { L("29881"), LX("29880", NULL, NULL, FXE_NO_UNITS, NULL) },
      NULL, ALL_PTP },
    { "a line with no procedure code is skipped", 'P', { L("29881"), L(""), L("2988") }, NULL, ALL_PTP },
};

Test(scrub_ptp, modifier_indicators_and_bypass_modifiers)
{
    fxe_run(PTP, NULL, NULL, modifier_cases, FXE_COUNT(modifier_cases));
}

static const fxe_case grouping_cases[] = {
    { "different dates of service do not pair", 'P',
      { LD("29881", NULL, "2025-11-03"), LD("29880", NULL, "2025-11-04") }, NULL, ALL_PTP },
    { "different rendering providers do not pair", 'P', { L("29881"), LX("29880", NULL, NULL, 0, FXE_OTHER_NPI) }, NULL,
      ALL_PTP },
    { "the claim's rendering provider given on the line too pairs", 'P',
      { L("29881"), LX("29880", NULL, NULL, 0, FX_RENDERING_NPI) }, "PTP-002", NULL },
    { "same provider on both lines, other than the claim's", 'P',
      { LX("29881", NULL, NULL, 0, FXE_OTHER_NPI), LX("29880", NULL, NULL, 0, FXE_OTHER_NPI) }, "PTP-002", NULL },
    { "pairs on the matching date among others", 'P',
      { LD("29881", NULL, "2025-11-04"), LD("93000", NULL, "2025-11-03"), LD("29880", NULL, "2025-11-04"),
        LD("93005", NULL, "2025-11-05") },
      "PTP-002", "PTP-001" },
};

Test(scrub_ptp, pairs_only_within_a_date_and_provider)
{
    fxe_run(PTP, NULL, NULL, grouping_cases, FXE_COUNT(grouping_cases));
}

static const fxe_case date_cases[] = {
    /* 11042/97597: indicator 1 from 2011, deleted 2025-04-01; indicator 0 from 2025-07-01; gone in 32.0 */
    { "in force before its deletion", 'P', { LD("11042", NULL, "2025-03-31"), LD("97597", NULL, "2025-03-31") },
      "PTP-002", "PTP-001" },
    { "the deletion date is already outside", 'P',
      { LD("11042", NULL, "2025-04-01"), LD("97597", NULL, "2025-04-01") }, NULL, ALL_PTP },
    { "between deletion and re-addition", 'P', { LD("11042", NULL, "2025-05-15"), LD("97597", NULL, "2025-05-15") },
      NULL, ALL_PTP },
    { "re-added with indicator 0", 'P', { LD("11042", NULL, "2025-11-03"), LD("97597", "59", "2025-11-03") },
      "PTP-001", "PTP-002,PTP-004" },
    { "left out of the next version", 'P', { LD("11042", NULL, "2026-02-02"), LD("97597", NULL, "2026-02-02") }, NULL,
      ALL_PTP },
    { "deleted on its effective day: never in force", 'P',
      { LD("97140", NULL, "2020-01-01"), LD("97530", NULL, "2020-01-01") }, NULL, ALL_PTP },
    { "indicator 9 inside its dates", 'P', { LD("36415", NULL, "2017-06-01"), LD("36416", NULL, "2017-06-01") }, NULL,
      ALL_PTP },
    { "indicator 9 now", 'P', { L("36415"), L("36416") }, NULL, ALL_PTP },
    { "new in 32.0, absent before", 'P', { LD("96372", NULL, "2025-11-03"), LD("99211", NULL, "2025-11-03") }, NULL,
      ALL_PTP },
    { "new in 32.0", 'P', { LD("96372", NULL, "2026-01-05"), LD("99211", NULL, "2026-01-05") }, "PTP-002", NULL },
    { "29881/29880 became indicator 0 in 32.0", 'P',
      { LD("29881", NULL, "2026-01-05"), LD("29880", "59", "2026-01-05") }, "PTP-001", "PTP-004" },
};

Test(scrub_ptp, edits_in_force_on_the_date_of_service)
{
    fxe_run(PTP, NULL, NULL, date_cases, FXE_COUNT(date_cases));
}

static const fxe_case table_cases[] = {
    { "practitioner table on an 837P: indicator 0", 'P', { L("93000"), LM("93005", "59") }, "PTP-001", "PTP-004" },
    { "hospital table on an 837I: indicator 1", 'I', { L("93000"), L("93005") }, "PTP-002", "PTP-001" },
    { "hospital table on an 837I: bypassed by 59", 'I', { L("93000"), LM("93005", "59") }, "PTP-004",
      "PTP-001,PTP-002" },
    { "a practitioner-only edit does not apply to an 837I", 'I', { L("64483"), L("20553") }, NULL, ALL_PTP },
    { "the same edit on an 837P", 'P', { L("64483"), L("20553") }, "PTP-002", NULL },
};

Test(scrub_ptp, practitioner_or_hospital_table_by_claim_kind)
{
    fxe_run(PTP, NULL, NULL, table_cases, FXE_COUNT(table_cases));
}

/* A configured list replaces the default: here only 59 bypasses, so XU and anatomic modifiers do not. */
static const fxe_case bypass_list_cases[] = {
    { "59 in the list", 'P', { L("29881"), LM("29880", "59") }, "PTP-004", "PTP-002" },
    { "XU not in the list", 'P', { L("29881"), LM("29880", "XU") }, "PTP-002", "PTP-004" },
    { "RT not in the list", 'P', { LM("29881", "LT"), LM("29880", "RT") }, "PTP-002", "PTP-003,PTP-004" },
};

Test(scrub_ptp, configured_bypass_list)
{
    fxe_run(PTP, NULL, "59", bypass_list_cases, FXE_COUNT(bypass_list_cases));
}

static const rcm_finding *scrub_one(rcm_scrub *s, char kind, const fxe_line *lines, size_t n, rcm_findings *f,
                                    const char *rule)
{
    rcm_claim *c = fxe_claim(kind, lines, n);
    fx_scrub(s, c, f);
    fx_free(c);
    const rcm_finding *x = fx_finding(f, rule);
    cr_assert_not_null(x, "%s did not fire", rule);
    return x;
}

Test(scrub_ptp, finding_names_lines_codes_and_the_row)
{
    rcm_scrub *s = fxe_engine(PTP, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    static const fxe_line pair[] = { L("29881"), L("29880") };
    const rcm_finding *x = scrub_one(s, 'P', pair, 2, &f, "PTP-002");
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(x->message, "29880 (line 2) is a column 2 code of 29881 (line 1) on 2025-11-03: it is bundled "
                                 "and will be denied");
    cr_assert_str_eq(x->hint, "append 59 or a more specific XE/XS/XP/XU to 29880 (column 2) if the services were "
                              "distinct; otherwise remove it");
    cr_assert_eq(x->severity, RCM_SEV_ERROR);
    cr_assert_eq(x->route, RCM_ROUTE_CODER);
    cr_assert_eq(x->nlines, 2);
    cr_assert_eq(x->lines[0], 1);
    cr_assert_eq(x->lines[1], 2);
    cr_assert_eq(x->ncodes, 2);
    cr_assert_str_eq(x->codes[0], "29880");
    cr_assert_str_eq(x->codes[1], "29881");
    cr_assert_str_eq(x->table, "ncci_ptp practitioner");
    cr_assert_str_eq(x->version, "v313r0");
    cr_assert_str_eq(x->file, "ccipra-v313r0-f1.txt");
    cr_assert_eq(x->file_line, 8);
    cr_assert_str_eq(fx_field(x, "column1"), "29881");
    cr_assert_str_eq(fx_field(x, "column2"), "29880");
    cr_assert_str_eq(fx_field(x, "modifier_indicator"), "1");
    cr_assert_str_eq(fx_field(x, "effective"), "1997-01-01");
    cr_assert_str_eq(fx_field(x, "deleted"), "");
    cr_assert_str_eq(fx_field(x, "pre1996"), "0");

    /* indicator 0 with 59: says the modifier does not help; the row is the pre-1996 one */
    static const fxe_line zero[] = { L("93000"), LM("93005", "59") };
    x = scrub_one(s, 'P', zero, 2, &f, "PTP-001");
    cr_assert(strstr(x->message, "modifier 59 on line 2 does not bypass this edit (modifier indicator 0)"), "%s",
              x->message);
    cr_assert_str_eq(x->codes[2], "59");
    cr_assert_str_eq(fx_field(x, "pre1996"), "1");
    cr_assert_str_eq(fx_field(x, "modifier_indicator"), "0");
    cr_assert_eq(x->file_line, 7);

    /* bypassed: info, naming the modifier */
    static const fxe_line by[] = { LM("29881", "RT"), LM("29880", "LT") };
    x = scrub_one(s, 'P', by, 2, &f, "PTP-004");
    cr_assert_eq(x->severity, RCM_SEV_INFO);
    cr_assert_eq(f.errors, 0);
    cr_assert(strstr(x->message, "bypassed by modifier LT on line 2"), "%s", x->message);

    /* misplaced modifier */
    static const fxe_line mis[] = { LM("29881", "XS"), L("29880") };
    x = scrub_one(s, 'P', mis, 2, &f, "PTP-003");
    cr_assert(strstr(x->hint, "move XS to 29880 (column 2, line 2)"), "%s", x->hint);

    /* a deleted row judged before its deletion carries its deletion date; the second file part answers */
    static const fxe_line del[] = { LD("11042", NULL, "2025-03-31"), LD("97597", NULL, "2025-03-31") };
    x = scrub_one(s, 'P', del, 2, &f, "PTP-002");
    cr_assert_str_eq(fx_field(x, "deleted"), "2025-04-01");
    static const fxe_line part2[] = { L("20611"), L("20610") };
    x = scrub_one(s, 'P', part2, 2, &f, "PTP-001");
    cr_assert_str_eq(x->file, "ccipra-v313r0-f2.txt");

    /* the hospital table on an 837I */
    static const fxe_line hosp[] = { L("93000"), L("93005") };
    x = scrub_one(s, 'I', hosp, 2, &f, "PTP-002");
    cr_assert_str_eq(x->table, "ncci_ptp hospital");
    cr_assert_str_eq(x->file, "ccioph-v313r0-f1.csv");
    cr_assert_str_eq(fx_field(x, "modifier_indicator"), "1");

    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* Findings come by line positions: the pair (1,3) before (2,4), whatever the lookups' order. */
Test(scrub_ptp, findings_in_line_order)
{
    rcm_scrub *s = fxe_engine(PTP, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    static const fxe_line lines[] = { L("29881"), L("93000"), L("29880"), L("93005") };
    rcm_claim *c = fxe_claim('P', lines, 4);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 2);
    cr_assert_str_eq(f.v[0].rule, "PTP-002");
    cr_assert_eq(f.v[0].lines[0], 1);
    cr_assert_eq(f.v[0].lines[1], 3);
    cr_assert_str_eq(f.v[1].rule, "PTP-001");
    cr_assert_eq(f.v[1].lines[0], 2);
    cr_assert_eq(f.v[1].lines[1], 4);
    /* scrubbing again gives the same list */
    char first[RCM_FINDING_MSG_MAX];
    snprintf(first, sizeof(first), "%s", f.v[0].message);
    fx_scrub(s, c, &f);
    cr_assert_str_eq(f.v[0].message, first);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* A claim with far more pairs than one lookup batch and several dates: every edit is found,
   once, with the right lines, and nothing else. */
Test(scrub_ptp, large_claim_in_batches)
{
    rcm_scrub *s = fxe_engine(PTP, NULL, NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = fx_claim('I');
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        char code[16];
        const char *dos = i % 3 == 0 ? "2025-11-03" : i % 3 == 1 ? "2025-11-04" : "2025-11-05";
        if (i == 7)
            snprintf(code, sizeof(code), "29881");
        else if (i == 289)
            snprintf(code, sizeof(code), "29880");
        else if (i == 10)
            snprintf(code, sizeof(code), "93000");
        else if (i == 298)
            snprintf(code, sizeof(code), "93005");
        else
            snprintf(code, sizeof(code), "%05d", 30000 + i);
        fx_line(c, code, NULL, dos, 1000, 1);
    }
    /* lines 8 and 290 are on 2025-11-04 (i % 3 == 1); lines 11 and 299 as well */
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "PTP-002"), 2, "hospital table: both edits are indicator 1");
    cr_assert_eq(f.n, 2);
    cr_assert_eq(f.v[0].lines[0], 8);
    cr_assert_eq(f.v[0].lines[1], 290);
    cr_assert_eq(f.v[1].lines[0], 11);
    cr_assert_eq(f.v[1].lines[1], 299);
    /* move one partner to another date: that pair disappears */
    c->lines[298].from = c->lines[298].to = fx_date("2025-11-05");
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    cr_assert_eq(f.v[0].lines[0], 8);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* Disabling a rule silences it and nothing else. */
Test(scrub_ptp, disabled_rule)
{
    rcm_scrub_free(fxe_engine(PTP, NULL, NULL)); /* opens the index */
    rcm_scrub_config cfg = fx_config(fxe_edits, NULL);
    cfg.families = PTP;
    cfg.disable = "PTP-002";
    rcm_scrub *s;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    rcm_findings f;
    rcm_findings_init(&f);
    static const fxe_line lines[] = { L("29881"), L("93000"), L("29880"), L("93005") };
    rcm_claim *c = fxe_claim('P', lines, 4);
    fx_scrub(s, c, &f);
    fx_expect(&f, "PTP-002 disabled", "PTP-001", "PTP-002");
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
