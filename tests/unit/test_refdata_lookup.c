/*
 * refdata lookups: a code judged on a date of service across two ICD-10-CM
 * years side by side, with or without the dot; lists whose codes carry their
 * own start/stop dates; a code in several sets; ranked text search (billable
 * first, prefix as one types, code prefixes, the version in force on a date).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/refdata.h"

#define FIX "tests/data/refdata/"

static char tmpdir[256];
static rcm_store *st;

static void load(const char *path)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(st, path, &o, &rep, &err), 0, "%s:%ld: %s", path, err.line, err.msg);
    rcm_refdata_report_release(&rep);
}

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-lookup-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    char p[300];
    snprintf(p, sizeof(p), "%s/l.db", tmpdir);
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
    load(FIX "icd10cm_order_2021.txt");
    load(FIX "icd10cm_order_2022.txt");
    load(FIX "hcpcs_2023.csv");
    load(FIX "carc_2024-11.csv");
}

static void teardown(void)
{
    rcm_store_close(st);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(refdata_lookup, .init = setup, .fini = teardown);
TestSuite(refdata_search, .init = setup, .fini = teardown);

static rcm_date ymd(int y, int m, int d) { return rcm_date_from_ymd(y, m, d); }

/* Looks code up on dos, expecting exactly one set; returns its answer. */
static rcm_code_info one(const char *code, rcm_date dos)
{
    static rcm_code_info info[4];
    rcm_error err = { 0 };
    int n = rcm_code_lookup(info, 4, st, code, dos, &err);
    cr_assert_eq(n, 1, "'%s': %d sets (%s)", code, n, err.msg);
    return info[0];
}

Test(refdata_lookup, code_valid_by_date_of_service)
{
    rcm_code_info c = one("R0781", ymd(2021, 6, 1));
    cr_assert_eq(c.valid, 1);
    cr_assert_str_eq(c.version, "2021");
    cr_assert_eq(c.valid_from, ymd(2020, 10, 1));
    cr_assert_eq(c.valid_to, ymd(2021, 9, 30));
    c = one("R07.81", ymd(2022, 6, 1));
    cr_assert_eq(c.valid, 0, "dropped in FY2022");
    cr_assert_eq(c.valid_to, ymd(2021, 9, 30), "until when");
    cr_assert_str_eq(c.display, "R07.81");

    c = one("U099", ymd(2021, 6, 1));
    cr_assert_eq(c.valid, 0, "not yet valid");
    cr_assert_eq(c.valid_from, ymd(2021, 10, 1), "since when");
    c = one("u09.9", ymd(2021, 10, 1));
    cr_assert_eq(c.valid, 1, "valid from the first day of FY2022");
    cr_assert_str_eq(c.code, "U099");

    c = one("E11.9", ymd(2022, 9, 30));
    cr_assert_eq(c.valid, 1);
    cr_assert_eq(c.billable, 1);
    cr_assert_eq(c.valid_from, ymd(2020, 10, 1), "consecutive years merge");
    cr_assert_eq(c.valid_to, ymd(2022, 9, 30));

    c = one("E119", ymd(2022, 10, 1));
    cr_assert_eq(c.valid, -1, "no table covers FY2023");
    c = one("E119", ymd(2019, 1, 1));
    cr_assert_eq(c.valid, -1);
}

Test(refdata_lookup, header_codes_and_no_dos)
{
    rcm_code_info c = one("E11", ymd(2022, 1, 1));
    cr_assert_eq(c.billable, 0);
    cr_assert_eq(c.valid, 1, "valid as a code; not billable");
    cr_assert_str_eq(c.desc, "Type 2 diabetes mellitus");
    c = one("E11.621", RCM_DATE_NONE);
    cr_assert_eq(c.valid, 1, "in the latest table");
    cr_assert_str_eq(c.short_desc, "Type 2 diabetes mellitus with foot ulcer");
    c = one("R0781", RCM_DATE_NONE);
    cr_assert_eq(c.valid, 0, "not in the latest table");
}

Test(refdata_lookup, unknown_and_dotted)
{
    rcm_code_info info[4];
    cr_assert_eq(rcm_code_lookup(info, 4, st, "Z9999", ymd(2022, 1, 1), NULL), 0);
    cr_assert_eq(rcm_code_lookup(info, 4, st, "G05.03", RCM_DATE_NONE, NULL), 0,
                 "a dot means ICD-10-CM only");
    cr_assert_eq(rcm_code_lookup(info, 4, st, "G0503", RCM_DATE_NONE, NULL), 1);
    cr_assert_str_eq(info[0].set, "hcpcs");
    cr_assert_eq(rcm_code_lookup(info, 4, st, "A1234567890123456789", RCM_DATE_NONE, NULL), 0);
}

Test(refdata_lookup, list_codes_carry_their_own_dates)
{
    rcm_code_info c = one("D1", ymd(2005, 1, 1));
    cr_assert_str_eq(c.set, "carc");
    cr_assert_eq(c.valid, 1);
    c = one("D1", ymd(2010, 1, 1));
    cr_assert_eq(c.valid, 0, "stopped 2008-01-01");
    cr_assert_eq(c.valid_to, ymd(2008, 1, 1));
    c = one("B15", ymd(2030, 1, 1));
    cr_assert_eq(c.valid, 1);
    cr_assert_eq(c.valid_to, RCM_DATE_NONE);
}

Test(refdata_lookup, hcpcs_year_and_modifier)
{
    rcm_code_info c = one("LT", ymd(2023, 5, 1));
    cr_assert_str_eq(c.set, "hcpcs_mod");
    cr_assert_eq(c.valid, 1);
    c = one("e0607", ymd(2024, 5, 1));
    cr_assert_eq(c.valid, -1, "the 2023 file does not cover 2024");
}

static int search(rcm_code_hit *h, size_t max, const char *text, rcm_date dos)
{
    rcm_error err = { 0 };
    int n = rcm_code_search(h, max, st, text, dos, &err);
    cr_assert_geq(n, 0, "%s", err.msg);
    return n;
}

Test(refdata_search, words_ranked_billable_first)
{
    rcm_code_hit h[10];
    int n = search(h, 10, "type 2 diabetes with foot ulcer", RCM_DATE_NONE);
    cr_assert_geq(n, 1);
    cr_assert_str_eq(h[0].code, "E11621");
    cr_assert_str_eq(h[0].display, "E11.621");
    n = search(h, 10, "type 2 diabetes", RCM_DATE_NONE);
    cr_assert_eq(n, 4, "E11, E11.62 headers; E11.621, E11.9");
    int seen_header = 0;
    for (int i = 0; i < n; i++) {
        if (!h[i].billable)
            seen_header = 1;
        else
            cr_assert_not(seen_header, "billable codes come first");
    }
}

Test(refdata_search, prefix_as_one_types_and_stems)
{
    rcm_code_hit h[10];
    cr_assert_eq(search(h, 10, "glucose mon", RCM_DATE_NONE), 1);
    cr_assert_str_eq(h[0].code, "E0607");
    cr_assert_eq(search(h, 10, "monito", RCM_DATE_NONE), 1);
    cr_assert_eq(search(h, 10, "monito ", RCM_DATE_NONE), 0, "a finished word is not a prefix");
    cr_assert_geq(search(h, 10, "diabetic", RCM_DATE_NONE), 1, "stemmed: diabetic finds diabetes");
    cr_assert_eq(search(h, 10, "\"unbalanced ( quote AND OR", RCM_DATE_NONE), 0, "no FTS syntax errors");
}

Test(refdata_search, some_words_when_not_all_match)
{
    rcm_code_hit h[10];
    int n = search(h, 10, "cholera ulcer", RCM_DATE_NONE);
    cr_assert_geq(n, 2, "codes matching either word follow");
}

Test(refdata_search, code_prefix)
{
    rcm_code_hit h[10];
    int n = search(h, 10, "E11.6", RCM_DATE_NONE);
    cr_assert_eq(n, 2, "codes only: no word search for a code that matched");
    cr_assert_str_eq(h[0].code, "E1162");
    cr_assert_str_eq(h[1].code, "E11621");
    n = search(h, 10, "g05", RCM_DATE_NONE);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(h[0].set, "hcpcs");
    n = search(h, 10, "pleurodynia2", RCM_DATE_NONE);
    cr_assert_eq(n, 0, "code-like text matching no code falls back to words");
}

Test(refdata_search, by_date_of_service)
{
    rcm_code_hit h[10];
    cr_assert_eq(search(h, 10, "pleurodynia", ymd(2021, 3, 1)), 1);
    cr_assert_eq(search(h, 10, "pleurodynia", ymd(2022, 3, 1)), 0);
    cr_assert_eq(search(h, 10, "pleurodynia", RCM_DATE_NONE), 0, "latest year by default");
    cr_assert_eq(search(h, 0, "cholera", RCM_DATE_NONE), 0);
}
