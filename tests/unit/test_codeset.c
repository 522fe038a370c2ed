/*
 * The in-memory code sets (rcm/codeset.h) against the store they were read
 * from: every fixture code on dates before, inside, between and after the
 * loads answers as rcm_code_lookup does (replaced loads left out, codes'
 * own dates, lists covering all dates); the fee schedule's release rule;
 * the CPT modifier numbers known without a file; MCE categories with the age
 * ranges of their version; medical-necessity policies with procedure and
 * diagnosis ranges, prefixes, groups, payers and row dates; the mn import.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codeset_fixture.h"

static cx_store x;

static void setup(void) { cx_open(&x); }
static void teardown(void) { cx_close(&x); }

TestSuite(codeset, .init = setup, .fini = teardown);

static rcm_date ymd(int y, int m, int d) { return rcm_date_from_ymd(y, m, d); }
static rcm_str S(const char *s) { return rcm_str_c(s); }

static int find(int set, const char *code, rcm_date dos, rcm_code_fact *f)
{
    return rcm_codeset_find(x.cs, set, S(code), dos, f);
}

/* ---- the snapshot answers as the store does ---- */

static const char *const codes[] = {
    "A00", "A000", "E03", "E039", "E11", "E110", "E1100", "E116", "E1162", "E11621", "E1165", "E119", "E1199",
    "E78", "E7800", "E785", "I10", "I2510", "M5450", "N400", "N630", "O24419", "O80", "P0730", "Q9999", "R0781",
    "R5383", "R7309", "S72001A", "U099", "U999", "W010XXA", "Z0000", "Z79899", "A4206", "A4550", "E0607", "G0439",
    "G0503", "G2211", "G9999", "J1100", "A1", "GA", "GY", "LT", "RT", "TC", "ZZ", "99213", "99214", "99215",
    "0001F", "0042T", "02", "11", "12", "X",
};

static const char *const set_names[RCM_SET_PFS] = { "icd10cm", "hcpcs", "hcpcs_mod", "cpt", "pos" };

static void dates(rcm_date *out, size_t *n)
{
    static const int fixed[][3] = {
        { 2020, 9, 30 }, { 2020, 10, 1 }, { 2021, 9, 30 }, { 2021, 10, 1 }, { 2022, 9, 30 }, { 2022, 10, 1 },
        { 2022, 12, 31 }, { 2023, 1, 1 }, { 2023, 12, 31 }, { 2024, 1, 1 }, { 2024, 9, 30 }, { 2024, 10, 1 },
        { 2025, 6, 30 }, { 2025, 7, 1 }, { 2025, 9, 30 }, { 2025, 10, 1 }, { 2025, 12, 31 }, { 2026, 1, 1 },
        { 2026, 9, 30 }, { 2026, 10, 1 },
    };
    size_t k = 0;
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        out[k++] = ymd(fixed[i][0], fixed[i][1], fixed[i][2]);
    for (rcm_date d = ymd(2019, 6, 1); d < ymd(2027, 3, 1); d += 37)
        out[k++] = d;
    out[k++] = RCM_DATE_NONE;
    *n = k;
}

Test(codeset, answers_as_the_store_does)
{
    rcm_date when[128];
    size_t nd;
    dates(when, &nd);
    long compared = 0, valid = 0;
    for (size_t c = 0; c < sizeof(codes) / sizeof(codes[0]); c++) {
        for (size_t d = 0; d < nd; d++) {
            rcm_code_info info[8];
            rcm_error err = { 0 };
            int n = rcm_code_lookup(info, 8, x.st, codes[c], when[d], &err);
            cr_assert_geq(n, 0, "%s: %s", codes[c], err.msg);
            for (int set = 0; set < RCM_SET_PFS; set++) {
                rcm_code_fact f;
                int v = find(set, codes[c], when[d], &f);
                cr_assert_eq(v, f.valid);
                if (set == RCM_SET_HCPCS_MOD && codes[c][0] >= '0' && codes[c][0] <= '9')
                    continue; /* the CPT modifier numbers: below */
                const rcm_code_info *ci = NULL;
                for (int i = 0; i < n && i < 8; i++)
                    if (strcmp(info[i].set, set_names[set]) == 0)
                        ci = &info[i];
                char day[11] = "none";
                if (when[d] != RCM_DATE_NONE)
                    rcm_date_fmt(day, when[d], 1);
                if (!ci) {
                    cr_assert_neq(v, 1, "%s in %s on %s: unknown to the store", codes[c], set_names[set], day);
                    continue;
                }
                compared++;
                cr_assert_eq(v, ci->valid, "%s in %s on %s: snapshot %d, store %d", codes[c], set_names[set], day, v,
                             ci->valid);
                if (v == 1) {
                    valid++;
                    cr_assert_eq(f.billable, ci->billable, "%s on %s: billable", codes[c], day);
                    cr_assert_str_eq(f.version, ci->version, "%s on %s: version", codes[c], day);
                    cr_assert_eq(f.load_id, ci->load_id, "%s on %s: load", codes[c], day);
                    cr_assert_not_null(f.source);
                }
            }
        }
    }
    cr_assert_gt(compared, 1000, "compared %ld answers", compared);
    cr_assert_gt(valid, 300, "%ld of them valid", valid);
}

Test(codeset, icd10cm_by_date_of_service)
{
    rcm_code_fact f;
    cr_assert_eq(find(RCM_SET_ICD10CM, "R0781", ymd(2021, 6, 1), &f), 1);
    cr_assert_str_eq(f.version, "2021");
    cr_assert_str_eq(f.source, "icd10cm_order_2021.txt");
    cr_assert_eq(f.billable, 1);
    cr_assert_eq(find(RCM_SET_ICD10CM, "R0781", ymd(2022, 6, 1), &f), 0, "dropped in FY2022");
    cr_assert_str_eq(f.version, "2022", "the load that answered");
    cr_assert_eq(f.billable, 0);
    cr_assert_eq(find(RCM_SET_ICD10CM, "R0781", ymd(2020, 9, 30), &f), -1, "before any load");
    cr_assert_null(f.version);
    cr_assert_eq(find(RCM_SET_ICD10CM, "E119", ymd(2023, 6, 1), &f), -1, "between loads (no FY2023)");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E119", ymd(2026, 10, 1), &f), -1, "after the last");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E11", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(f.billable, 0, "a header");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E1165", ymd(2025, 9, 30), &f), 0, "FY2025 lacks it");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E1165", ymd(2025, 10, 1), &f), 1, "FY2026 has it");
    cr_assert_eq(find(RCM_SET_ICD10CM, "Q9999", ymd(2025, 9, 30), &f), 1);
    /* as people write it: the dot and lower case are accepted for ICD-10-CM */
    cr_assert_eq(find(RCM_SET_ICD10CM, "E11.65", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(find(RCM_SET_ICD10CM, "e11.65", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(find(RCM_SET_HCPCS, "E11.65", ymd(2025, 11, 3), &f), 0, "a dot is no HCPCS code");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E116500", ymd(2025, 11, 3), &f), 0);
    cr_assert_eq(find(RCM_SET_ICD10CM, "E11650000", ymd(2025, 11, 3), &f), 0, "too long");
    cr_assert_eq(find(RCM_SET_ICD10CM, "", ymd(2025, 11, 3), &f), 0);
    cr_assert_eq(find(RCM_SET_ICD10CM, "E1-9", ymd(2025, 11, 3), &f), 0);
    /* no date: the latest load */
    cr_assert_eq(find(RCM_SET_ICD10CM, "E1165", RCM_DATE_NONE, &f), 1);
    cr_assert_str_eq(f.version, "2026");
    cr_assert_eq(rcm_codeset_find(NULL, RCM_SET_ICD10CM, S("E119"), ymd(2025, 11, 3), &f), -1);
    cr_assert_eq(find(RCM_SET_COUNT, "E119", ymd(2025, 11, 3), &f), -1, "no such set");
    cr_assert_eq(find(-1, "E119", ymd(2025, 11, 3), &f), -1);
}

Test(codeset, replaced_loads_are_left_out)
{
    rcm_code_fact f;
    cr_assert_eq(find(RCM_SET_ICD10CM, "U999", ymd(2025, 11, 3), &f), 0, "only in the replaced FY2026 load");
    cr_assert_str_eq(f.source, "icd10cm_order_2026.txt");
    cr_assert_eq(find(RCM_SET_ICD10CM, "E119", ymd(2025, 11, 3), &f), 1);
    cr_assert_str_eq(f.source, "icd10cm_order_2026.txt");
    rcm_code_info info[2];
    cr_assert_eq(rcm_code_lookup(info, 2, x.st, "U999", ymd(2025, 11, 3), NULL), 0, "the store agrees");
}

Test(codeset, codes_with_their_own_dates)
{
    rcm_code_fact f;
    cr_assert_eq(find(RCM_SET_HCPCS, "G0503", ymd(2025, 6, 30), &f), 1, "its last day");
    cr_assert_eq(find(RCM_SET_HCPCS, "G0503", ymd(2025, 7, 1), &f), 0, "terminated");
    cr_assert_str_eq(f.version, "2025");
    cr_assert_eq(find(RCM_SET_HCPCS, "G2211", ymd(2025, 6, 30), &f), 0, "not yet added");
    cr_assert_eq(find(RCM_SET_HCPCS, "G2211", ymd(2025, 7, 1), &f), 1);
    cr_assert_eq(find(RCM_SET_HCPCS, "G0503", ymd(2023, 3, 1), &f), 1, "the 2023 file has no dates");
    cr_assert_eq(find(RCM_SET_HCPCS, "G0439", ymd(2024, 5, 1), &f), -1, "no HCPCS file for 2024");
    cr_assert_eq(find(RCM_SET_HCPCS, "G0503", RCM_DATE_NONE, &f), 0, "latest load, a stop date of its own");
    cr_assert_eq(find(RCM_SET_POS, "11", ymd(1990, 1, 1), &f), 1, "a list covers all dates");
    cr_assert_eq(find(RCM_SET_POS, "12", ymd(2025, 1, 1), &f), 0);
    cr_assert_eq(find(RCM_SET_CPT, "0001F", ymd(2024, 2, 1), &f), 1);
    cr_assert_eq(find(RCM_SET_CPT, "99215", ymd(2024, 2, 1), &f), 0);
    cr_assert_eq(find(RCM_SET_CPT, "99213", ymd(2025, 2, 1), &f), -1, "no CPT file for 2025");
}

Test(codeset, cpt_modifier_numbers_need_no_file)
{
    rcm_code_fact f;
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "25", ymd(2019, 1, 1), &f), 1, "no HCPCS load covers 2019");
    cr_assert_str_eq(f.version, "built-in");
    cr_assert_eq(f.load_id, 0);
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "59", ymd(2025, 11, 3), &f), 1, "not in the HCPCS file of 2025");
    static const char *const numbers[] = { "22", "23", "24", "26", "27", "32", "33", "47", "50", "51", "52", "53",
                                           "54", "55", "56", "57", "58", "62", "63", "66", "73", "74", "76", "77",
                                           "78", "79", "80", "81", "82", "90", "91", "92", "93", "95", "96", "97",
                                           "99" };
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
        cr_assert_eq(find(RCM_SET_HCPCS_MOD, numbers[i], ymd(2025, 11, 3), &f), 1, "%s", numbers[i]);
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "98", ymd(2025, 11, 3), &f), 0, "not a CPT modifier");
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "LT", ymd(2019, 1, 1), &f), -1);
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "LT", ymd(2025, 11, 3), &f), 1);
    cr_assert_str_eq(f.version, "2025");
    cr_assert_eq(find(RCM_SET_HCPCS_MOD, "ZZ", ymd(2025, 11, 3), &f), 0);
    cr_assert_eq(find(RCM_SET_HCPCS, "25", ymd(2025, 11, 3), &f), 0, "only the modifier set knows them");
}

Test(codeset, fee_schedule_release_in_force)
{
    rcm_code_fact f;
    cr_assert_eq(find(RCM_SET_PFS, "99358", ymd(2025, 8, 1), &f), 1);
    cr_assert_eq(f.status, 'A');
    cr_assert_str_eq(f.version, "2025-07");
    cr_assert_eq(find(RCM_SET_PFS, "99358", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(f.status, 'B');
    cr_assert_str_eq(f.version, "2025-10");
    cr_assert_str_eq(f.source, "pprrvu_2025_oct.csv");
    cr_assert_eq(find(RCM_SET_PFS, "99358", ymd(2025, 3, 1), &f), 1, "before July: the year's first release");
    cr_assert_str_eq(f.version, "2025-07");
    cr_assert_eq(find(RCM_SET_PFS, "99358", ymd(2024, 12, 31), &f), -1);
    cr_assert_eq(find(RCM_SET_PFS, "99358", ymd(2026, 1, 1), &f), -1);
    cr_assert_eq(find(RCM_SET_PFS, "99358", RCM_DATE_NONE, &f), 1);
    cr_assert_str_eq(f.version, "2025-10", "no date: the latest release");
    cr_assert_eq(find(RCM_SET_PFS, "71046", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(f.pctc, '1');
    cr_assert_str_eq(f.glob_days, "XXX");
    cr_assert_eq(f.status, 'A');
    cr_assert_eq(find(RCM_SET_PFS, "27447", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(f.bilat, '1');
    cr_assert_eq(f.pctc, '0');
    cr_assert_str_eq(f.glob_days, "090");
    cr_assert_eq(find(RCM_SET_PFS, "0001F", ymd(2025, 11, 3), &f), 1);
    cr_assert_eq(f.status, 'I');
    cr_assert_eq(find(RCM_SET_PFS, "97810", ymd(2025, 8, 1), &f), 0, "only in the October release");
    cr_assert_eq(f.status, 0);
    cr_assert_str_eq(f.glob_days, "");
    cr_assert_str_eq(f.version, "2025-07");
    /* the same facts as rcm_pfs_rvu_find */
    rcm_pfs_rvu r;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_pfs_rvu_find(&r, x.st, "27447", NULL, ymd(2025, 3, 1), &err), 0, "%s", err.msg);
    cr_assert_eq(find(RCM_SET_PFS, "27447", ymd(2025, 3, 1), &f), 1);
    cr_assert_str_eq(f.version, r.version);
    cr_assert_eq(f.status, r.status);
    cr_assert_eq(f.pctc, r.pctc);
    cr_assert_eq(f.bilat, r.bilat_surg);
    cr_assert_str_eq(f.glob_days, r.glob_days);
}

Test(codeset, medicare_code_editor)
{
    rcm_mce_fact m;
    cr_assert_eq(rcm_codeset_mce(x.cs, S("O80"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, RCM_MCE_MATERNITY | RCM_MCE_FEMALE, "two rows merged");
    cr_assert_eq(m.age_min[2], 12, "the mce_ages load of the version");
    cr_assert_eq(m.age_max[2], 55);
    cr_assert_eq(m.age_min[3], 15);
    cr_assert_eq(m.age_max[3], 124);
    cr_assert_str_eq(m.version, "2026");
    cr_assert_str_eq(m.source, "mce_2026.csv");
    cr_assert_eq(rcm_codeset_mce(x.cs, S("O80"), ymd(2025, 3, 1), &m), 1);
    cr_assert_eq(m.cats, RCM_MCE_MATERNITY, "FY2025");
    cr_assert_eq(m.age_min[2], 9, "the ranges stored with the load");
    cr_assert_eq(m.age_max[2], 64);
    cr_assert_eq(m.age_max[0], 0);
    cr_assert_eq(m.age_max[1], 17);
    cr_assert_eq(rcm_codeset_mce(x.cs, S("N400"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, RCM_MCE_MALE);
    cr_assert_eq(rcm_codeset_mce(x.cs, S("N40.0"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, RCM_MCE_MALE, "with the dot");
    cr_assert_eq(rcm_codeset_mce(x.cs, S("P0730"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, RCM_MCE_NEWBORN);
    cr_assert_eq(rcm_codeset_mce(x.cs, S("A000"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, 0, "questionable admission is not an age or sex edit");
    cr_assert_eq(rcm_codeset_mce(x.cs, S("E119"), ymd(2025, 11, 3), &m), 1);
    cr_assert_eq(m.cats, 0);
    cr_assert_eq(rcm_codeset_mce(x.cs, S("O80"), ymd(2026, 10, 1), &m), -1, "no MCE load");
    cr_assert_eq(rcm_codeset_mce(x.cs, S("O80"), ymd(2024, 9, 30), &m), -1);
    cr_assert_eq(rcm_codeset_mce(NULL, S("O80"), ymd(2025, 11, 3), &m), -1);
}

/* ---- medical necessity ---- */

static int mn(const char *payer, const char *proc, rcm_date dos, const char *dxlist, rcm_mn_fact *f)
{
    rcm_str dx[8];
    char buf[128];
    size_t n = 0;
    snprintf(buf, sizeof(buf), "%s", dxlist);
    for (char *save = NULL, *d = strtok_r(buf, ",", &save); d && n < 8; d = strtok_r(NULL, ",", &save))
        dx[n++] = rcm_str_c(strdup(d));
    int r = rcm_codeset_mn(x.cs, S(payer), S(proc), dos, dx, n, f);
    for (size_t i = 0; i < n; i++)
        free((void *)dx[i].p);
    return r;
}

#define DOS ymd(2025, 11, 3)

Test(codeset, mn_codes_ranges_and_prefixes)
{
    rcm_mn_fact f;
    cr_assert_eq(mn("04412", "80061", DOS, "E785", &f), RCM_MN_COVERED, "prefix E78*");
    cr_assert_str_eq(f.policy, "NCD 190.23 (test)");
    cr_assert_str_eq(f.payer, "");
    cr_assert_str_eq(f.group, "");
    cr_assert_str_eq(f.version, "2025");
    cr_assert_str_eq(f.source, "mn_policies_2025.csv");
    cr_assert_eq(f.line, 2);
    cr_assert_eq(f.dx_index, 0);
    cr_assert_gt(f.load_id, 0);
    cr_assert_eq(mn("04412", "80061", DOS, "I10,E78.5", &f), RCM_MN_COVERED, "with the dot");
    cr_assert_eq(f.dx_index, 1);
    cr_assert_eq(mn("04412", "80061", DOS, "I10,I2510", &f), RCM_MN_COVERED, "a code");
    cr_assert_eq(f.line, 3);
    cr_assert_eq(f.dx_index, 1);
    cr_assert_eq(mn("04412", "80061", DOS, "I10", &f), RCM_MN_NOT_COVERED);
    cr_assert_str_eq(f.policy, "NCD 190.23 (test)");
    cr_assert_eq(f.line, 2, "the policy's first row for the procedure");
    cr_assert_eq(mn("04412", "80061", DOS, "", &f), RCM_MN_NOT_COVERED, "no diagnosis at all");
    cr_assert_eq(mn("04412", "80061", DOS, "I2511", &f), RCM_MN_NOT_COVERED, "a code is not a prefix");
    cr_assert_eq(mn("04412", "80061", DOS, "E7", &f), RCM_MN_NOT_COVERED, "shorter than the prefix");
    /* procedure ranges and diagnosis ranges */
    cr_assert_eq(mn("04412", "82950", DOS, "O24419", &f), RCM_MN_COVERED);
    cr_assert_str_eq(f.policy, "NCD 190.20 (test)");
    cr_assert_eq(mn("04412", "82952", DOS, "O2443", &f), RCM_MN_COVERED, "the range's upper end");
    cr_assert_eq(mn("04412", "82952", DOS, "O24439", &f), RCM_MN_COVERED, "under the upper end");
    cr_assert_eq(mn("04412", "82952", DOS, "O2444", &f), RCM_MN_NOT_COVERED, "past it");
    cr_assert_eq(mn("04412", "82952", DOS, "O24409", &f), RCM_MN_NOT_COVERED, "before the lower end");
    cr_assert_eq(mn("04412", "82953", DOS, "O24419", &f), RCM_MN_NO_POLICY, "past the procedure range");
    cr_assert_eq(mn("04412", "82946", DOS, "O24419", &f), RCM_MN_NO_POLICY);
    cr_assert_eq(mn("04412", "82947", DOS, "R7309", &f), RCM_MN_COVERED, "lower case in the file");
    cr_assert_eq(f.line, 8);
    cr_assert_eq(mn("04412", "82951", DOS, "R7309", &f), RCM_MN_NOT_COVERED, "R73.09 is listed for 82947 only");
    cr_assert_eq(mn("04412", "82947", DOS, "E1165", &f), RCM_MN_COVERED);
    cr_assert_eq(mn("04412", "G0105", DOS, "Z0000", &f), RCM_MN_COVERED, "a HCPCS range");
    cr_assert_eq(mn("04412", "G0106", DOS, "Z0000", &f), RCM_MN_NO_POLICY);
    cr_assert_eq(mn("04412", "99213", DOS, "Z0000", &f), RCM_MN_NO_POLICY);
    cr_assert_eq(mn("04412", "9921", DOS, "Z0000", &f), RCM_MN_NO_POLICY, "not a code");
    cr_assert_eq(mn("04412", "80061", DOS, "E785", NULL), RCM_MN_COVERED, "out may be NULL");
    cr_assert_eq(rcm_codeset_mn(NULL, S(""), S("80061"), DOS, NULL, 0, &f), RCM_MN_NO_POLICY);
}

Test(codeset, mn_groups_need_every_member)
{
    rcm_mn_fact f;
    cr_assert_eq(mn("04412", "80061", DOS, "Z79899", &f), RCM_MN_NOT_COVERED, "one of two");
    cr_assert_eq(mn("04412", "80061", DOS, "E1165", &f), RCM_MN_NOT_COVERED, "the other one");
    cr_assert_eq(mn("04412", "80061", DOS, "E1165,Z79899", &f), RCM_MN_COVERED, "both");
    cr_assert_str_eq(f.group, "drug therapy with diabetes");
    cr_assert_eq(f.line, 4);
    cr_assert_eq(f.dx_index, 1, "the first row's diagnosis");
    cr_assert_eq(mn("04412", "80061", DOS, "I10,Z79899,E1010", &f), RCM_MN_NOT_COVERED, "E10 is not in E11.00-E11.9");
    cr_assert_eq(mn("04412", "80061", DOS, "I10,Z79899,E119", &f), RCM_MN_COVERED);
}

Test(codeset, mn_payers_and_row_dates)
{
    rcm_mn_fact f;
    cr_assert_eq(mn("60054", "97110", DOS, "M5450", &f), RCM_MN_COVERED);
    cr_assert_str_eq(f.policy, "PT POLICY 7 (test)");
    cr_assert_str_eq(f.payer, "60054");
    cr_assert_eq(mn("60054", "97110", DOS, "I10", &f), RCM_MN_NOT_COVERED);
    cr_assert_str_eq(f.payer, "60054");
    cr_assert_eq(mn("04412", "97110", DOS, "I10", &f), RCM_MN_NO_POLICY, "another payer's policy");
    cr_assert_eq(mn("6005", "97110", DOS, "I10", &f), RCM_MN_NO_POLICY, "a payer id is matched whole");
    cr_assert_eq(mn("", "97110", DOS, "I10", &f), RCM_MN_NO_POLICY);
    cr_assert_eq(mn("60054", "97112", DOS, "M5450", &f), RCM_MN_COVERED, "the range row");
    cr_assert_eq(mn("60054", "97111", DOS, "M5459", &f), RCM_MN_NOT_COVERED, "the prefix row is for 97110 only");
    cr_assert_eq(mn("60054", "80061", DOS, "E785", &f), RCM_MN_COVERED, "all-payer policies apply to every payer");
    /* rows with their own dates */
    cr_assert_eq(mn("04412", "84443", ymd(2025, 3, 1), "E039", &f), RCM_MN_COVERED);
    cr_assert_str_eq(f.policy, "NCD 190.22 (test)");
    cr_assert_eq(mn("04412", "84443", ymd(2025, 3, 1), "I10", &f), RCM_MN_NOT_COVERED);
    cr_assert_eq(mn("04412", "84443", ymd(2025, 6, 30), "R5383", &f), RCM_MN_COVERED);
    cr_assert_eq(mn("04412", "84443", ymd(2025, 7, 1), "I10", &f), RCM_MN_NO_POLICY, "the rows ended");
    cr_assert_eq(mn("04412", "84443", ymd(2024, 12, 31), "E039", &f), RCM_MN_NO_POLICY, "not begun");
    cr_assert_eq(mn("04412", "80061", ymd(1999, 1, 1), "E785", &f), RCM_MN_COVERED, "the load covers all dates");
}

Test(codeset, counts)
{
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_HCPCS), 8);
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_HCPCS_MOD), 7);
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_CPT), 3);
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_POS), 2);
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_PFS), 19, "global rows only: 3 in July, 16 in October");
    /* FY2021 5, FY2022 7, FY2025 13, FY2026 38: the replaced load's 39 are not held */
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_ICD10CM), 5 + 7 + 13 + 38);
    cr_assert_eq(rcm_codeset_count(x.cs, RCM_SET_COUNT), 0);
    cr_assert_eq(rcm_codeset_count(NULL, RCM_SET_ICD10CM), 0);
}

Test(codeset, an_empty_store_gives_an_empty_snapshot)
{
    char p[300];
    snprintf(p, sizeof(p), "%s/empty.db", x.dir);
    rcm_store *st = NULL;
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
    rcm_codeset *cs = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_codeset_open_store(&cs, st, &err), 0, "%s", err.msg);
    rcm_code_fact f;
    for (int set = 0; set < RCM_SET_COUNT; set++) {
        cr_assert_eq(rcm_codeset_count(cs, set), 0);
        cr_assert_eq(rcm_codeset_find(cs, set, S("E119"), DOS, &f), -1);
    }
    cr_assert_eq(rcm_codeset_find(cs, RCM_SET_HCPCS_MOD, S("25"), DOS, &f), 1, "the CPT numbers still");
    rcm_mce_fact m;
    cr_assert_eq(rcm_codeset_mce(cs, S("O80"), DOS, &m), -1);
    rcm_str dx = S("E785");
    cr_assert_eq(rcm_codeset_mn(cs, S(""), S("80061"), DOS, &dx, 1, NULL), RCM_MN_NO_POLICY);
    rcm_codeset_free(cs);
    rcm_codeset_free(NULL);
    rcm_store_close(st);
}

/* Several threads on one snapshot: every answer as on one thread. */
static void *lookups(void *arg)
{
    long *bad = arg;
    for (int i = 0; i < 20000; i++) {
        rcm_code_fact f;
        rcm_mce_fact m;
        rcm_mn_fact n;
        rcm_str dx[2] = { S("I10"), S(i % 2 ? "E785" : "Z0000") };
        *bad += rcm_codeset_find(x.cs, RCM_SET_ICD10CM, S("E1165"), DOS, &f) != 1;
        *bad += rcm_codeset_find(x.cs, RCM_SET_ICD10CM, S("E1165"), ymd(2025, 9, 30), &f) != 0;
        *bad += rcm_codeset_find(x.cs, RCM_SET_PFS, S("99358"), DOS, &f) != 1 || f.status != 'B';
        *bad += rcm_codeset_mce(x.cs, S("O80"), DOS, &m) != 1 || m.age_max[2] != 55;
        *bad += rcm_codeset_mn(x.cs, S("04412"), S("80061"), DOS, dx, 2, &n) !=
                (i % 2 ? RCM_MN_COVERED : RCM_MN_NOT_COVERED);
    }
    return NULL;
}

Test(codeset, lookups_from_several_threads)
{
    pthread_t t[4];
    long bad[4] = { 0 };
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, lookups, &bad[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(bad[i], 0, "thread %d: %ld wrong answers", i, bad[i]);
    }
}

/* ---- the mn import ---- */

Test(codeset, mn_import_detects_and_checks_rows)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    const char *bad = "tests/data/codeset/mn_bad.csv";
    cr_assert_eq(rcm_refdata_import(x.st, bad, &o, &rep, &err), RCM_EFORMAT);
    cr_assert_str_eq(rep.kind, "mn", "detected by its header");
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.msg, "field 3 'procedure': '80061-80050': a range ends before it starts");
    rcm_refdata_report_release(&rep);

    o.skip_bad = 1;
    cr_assert_eq(rcm_refdata_import(x.st, bad, &o, &rep, &err), 0, "%s", err.msg);
    cr_assert_eq(rep.rows, 1);
    cr_assert_str_eq(rep.version, "mn_bad", "no year in the name: the name");
    cr_assert_eq(rep.eff_from, RCM_DATE_NONE);
    cr_assert_eq(rep.nskipped, 8);
    static const struct { long line; const char *msg; } want[] = {
        { 3, "field 3 'procedure': '80061-80050': a range ends before it starts" },
        { 4, "field 4 'dx': 'E78.5-E78.0': a range ends before it starts" },
        { 5, "field 3 'procedure': '8006': not a CPT or HCPCS code (5 digits, 4 digits + F/T/U, or a letter A-V"
             " + 4 digits)" },
        { 6, "field 4 'dx': '78.5': not an ICD-10-CM code, a range (E11.00-E11.9) or a prefix (E11*)" },
        { 7, "field 1 'policy': empty" },
        { 8, "field 4 'dx': 'E7*8': not an ICD-10-CM code, a range (E11.00-E11.9) or a prefix (E11*)" },
        { 9, "field 3 'procedure': 'G0101-J0105': a range's two codes must have the same shape and letter" },
        { 10, "field 3 'procedure': '00100-19999': a range covers at most 10000 codes: split it" },
    };
    for (size_t i = 0; i < rep.nskipped && i < 8; i++) {
        cr_assert_eq(rep.skipped[i].line, want[i].line, "skip %zu", i);
        cr_assert_str_eq(rep.skipped[i].msg, want[i].msg, "line %ld", want[i].line);
    }
    rcm_refdata_report_release(&rep);

    /* the bundled sample: version "sample", every date */
    rcm_refdata_opts_init(&o);
    cr_assert_eq(rcm_refdata_import(x.st, "data/refdata/SAMPLE_mn.csv.gz", &o, &rep, &err), 0, "%s", err.msg);
    cr_assert_str_eq(rep.kind, "mn");
    cr_assert_str_eq(rep.version, "sample");
    cr_assert_eq(rep.rows, 21);
    rcm_refdata_report_release(&rep);
    rcm_codeset *cs = NULL;
    cr_assert_eq(rcm_codeset_open_store(&cs, x.st, &err), 0, "%s", err.msg);
    rcm_mn_fact f;
    rcm_str dx[2] = { S("R5383"), S("E785") };
    cr_assert_eq(rcm_codeset_mn(cs, S("04412"), S("80061"), DOS, dx, 2, &f), RCM_MN_COVERED,
                 "the newest mn load answers");
    cr_assert_str_eq(f.version, "sample");
    cr_assert_str_eq(f.policy, "NCD 190.23 (sample)");
    cr_assert_eq(f.dx_index, 1);
    cr_assert_eq(rcm_codeset_mn(cs, S("04412"), S("84443"), DOS, dx, 1, &f), RCM_MN_COVERED);
    cr_assert_eq(rcm_codeset_mn(cs, S("60054"), S("97110"), DOS, dx, 1, &f), RCM_MN_NO_POLICY,
                 "the test policies are no longer in force");
    rcm_codeset_free(cs);
}

/* rcm_codeset_mn_listed is the scrubber's shortcut: it must say 0 only when rcm_codeset_mn says no policy. */
Test(codeset, mn_listed_agrees_with_mn)
{
    static const char *const procs[] = { "80061", "82947", "82950", "82952", "82953", "82946", "G0105",
                                         "G0106", "99213", "84443", "97110", "9921",  "" };
    static const char *const payers[] = { "", "04412", "60054" };
    rcm_date dates[] = { DOS, DOS - 4000, DOS + 4000, RCM_DATE_NONE };
    rcm_str none = S("Z0000");
    int listed_seen = 0;
    for (size_t i = 0; i < sizeof(procs) / sizeof(procs[0]); i++)
        for (size_t d = 0; d < sizeof(dates) / sizeof(dates[0]); d++) {
            int listed = rcm_codeset_mn_listed(x.cs, S(procs[i]), dates[d]);
            cr_assert(listed == 0 || listed == 1);
            listed_seen += listed;
            for (size_t p = 0; p < sizeof(payers) / sizeof(payers[0]); p++) {
                int r = rcm_codeset_mn(x.cs, S(payers[p]), S(procs[i]), dates[d], &none, 1, NULL);
                if (!listed)
                    cr_assert_eq(r, RCM_MN_NO_POLICY, "%s on day %ld for '%s'", procs[i], (long)dates[d], payers[p]);
            }
            /* prefetching is only a hint: any code, any set, any date */
            for (int set = 0; set < RCM_SET_COUNT; set++)
                rcm_codeset_prefetch(x.cs, set, S(procs[i]), dates[d]);
        }
    cr_assert_gt(listed_seen, 3, "the fixture's policies list procedures");
    cr_assert_eq(rcm_codeset_mn_listed(NULL, S("80061"), DOS), 0);
}
