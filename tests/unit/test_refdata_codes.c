/*
 * Code formats: NPI check digits (checked against an independent Luhn over
 * the 15 digits with the 80840 prefix), ICD-10-CM, CPT, HCPCS, modifiers,
 * ICD-10-CM dot handling.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "rcm/refdata.h"

/* Plain Luhn over a digit string: the last digit is the check digit. */
static int luhn_ok(const char *s)
{
    int sum = 0, dbl = 0;
    for (int i = (int)strlen(s) - 1; i >= 0; i--) {
        int d = s[i] - '0';
        if (dbl && (d *= 2) > 9)
            d -= 9;
        sum += d;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

static int ok(int (*fn)(rcm_str, const char **), const char *s)
{
    const char *why = NULL;
    int rc = fn(rcm_str_c(s), &why);
    if (rc < 0)
        cr_assert_not_null(why, "'%s': a reason", s);
    return rc == 0;
}

Test(codes_npi, known_examples)
{
    cr_assert(ok(rcm_code_check_npi, "1234567893"), "the CMS example");
    cr_assert(ok(rcm_code_check_npi, "1912301953"), "the 837 sample's billing NPI");
    cr_assert_eq(rcm_code_npi_check_digit(rcm_str_c("123456789")), 3);
    cr_assert_not(ok(rcm_code_check_npi, "1234567890"));
    cr_assert_not(ok(rcm_code_check_npi, "123456789"));
    cr_assert_not(ok(rcm_code_check_npi, "12345678931"));
    cr_assert_not(ok(rcm_code_check_npi, "123456789A"));
    cr_assert_eq(rcm_code_npi_check_digit(rcm_str_c("12345678")), RCM_EFORMAT);
    cr_assert_eq(rcm_code_npi_check_digit(rcm_str_c("12345678X")), RCM_EFORMAT);
}

Test(codes_npi, check_digit_agrees_with_luhn_over_80840)
{
    /* bases spread over the range: the computed digit passes, every other digit fails */
    for (unsigned long base = 100000000; base <= 299999999; base += 7919 * 131) {
        char nine[16], npi[32], full[48];
        snprintf(nine, sizeof(nine), "%09lu", base);
        int cd = rcm_code_npi_check_digit(rcm_str_c(nine));
        cr_assert(cd >= 0 && cd <= 9);
        for (int d = 0; d <= 9; d++) {
            snprintf(npi, sizeof(npi), "%s%d", nine, d);
            snprintf(full, sizeof(full), "80840%s", npi);
            cr_assert_eq(ok(rcm_code_check_npi, npi), luhn_ok(full), "%s", npi);
            cr_assert_eq(ok(rcm_code_check_npi, npi), d == cd, "%s", npi);
        }
    }
}

Test(codes_format, icd10cm)
{
    const char *good[] = { "E11.621", "E11621", "E11", "A000", "S72001A", "S72.001A", "U07.1", "Z3A.01",
                           "T81.4XXA" };
    const char *bad[] = { "E1", "1E11", "E11.", "E1.11", "e11", "E116211X", "E11-6", "", "EE1",
                          "E11..6" };
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        cr_assert(ok(rcm_code_check_icd10cm, good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        cr_assert_not(ok(rcm_code_check_icd10cm, bad[i]), "%s", bad[i]);
}

Test(codes_format, cpt_hcpcs_modifier)
{
    const char *cpt_good[] = { "99213", "27447", "0001F", "0042T", "0005U" };
    const char *cpt_bad[] = { "9921", "992134", "0001X", "A1234", "99 13", "0001f" };
    for (size_t i = 0; i < sizeof(cpt_good) / sizeof(cpt_good[0]); i++)
        cr_assert(ok(rcm_code_check_cpt, cpt_good[i]), "%s", cpt_good[i]);
    for (size_t i = 0; i < sizeof(cpt_bad) / sizeof(cpt_bad[0]); i++)
        cr_assert_not(ok(rcm_code_check_cpt, cpt_bad[i]), "%s", cpt_bad[i]);
    const char *h_good[] = { "G0439", "J1100", "A4550", "V2020" };
    const char *h_bad[] = { "W1234", "G043", "99213", "GG439", "g0439", "G04390" };
    for (size_t i = 0; i < sizeof(h_good) / sizeof(h_good[0]); i++)
        cr_assert(ok(rcm_code_check_hcpcs, h_good[i]), "%s", h_good[i]);
    for (size_t i = 0; i < sizeof(h_bad) / sizeof(h_bad[0]); i++)
        cr_assert_not(ok(rcm_code_check_hcpcs, h_bad[i]), "%s", h_bad[i]);
    const char *m_good[] = { "25", "59", "LT", "XS", "F1", "E4" };
    const char *m_bad[] = { "L", "LTX", "lt", "2-", "" };
    for (size_t i = 0; i < sizeof(m_good) / sizeof(m_good[0]); i++)
        cr_assert(ok(rcm_code_check_modifier, m_good[i]), "%s", m_good[i]);
    for (size_t i = 0; i < sizeof(m_bad) / sizeof(m_bad[0]); i++)
        cr_assert_not(ok(rcm_code_check_modifier, m_bad[i]), "%s", m_bad[i]);
}

Test(codes_format, icd10cm_normalize_and_display)
{
    char out[RCM_CODE_MAX];
    cr_assert_eq(rcm_code_icd10cm_normalize(out, rcm_str_c("e11.621")), 0);
    cr_assert_str_eq(out, "E11621");
    cr_assert_eq(rcm_code_icd10cm_normalize(out, rcm_str_c("A00")), 0);
    cr_assert_str_eq(out, "A00");
    cr_assert_eq(rcm_code_icd10cm_normalize(out, rcm_str_c("E1.1")), RCM_EFORMAT);
    cr_assert_eq(rcm_code_icd10cm_normalize(out, rcm_str_c("A00000000000000000000")), RCM_EFORMAT);
    rcm_code_icd10cm_display(out, "E11621");
    cr_assert_str_eq(out, "E11.621");
    rcm_code_icd10cm_display(out, "A00");
    cr_assert_str_eq(out, "A00");
    rcm_code_icd10cm_display(out, "S72001A");
    cr_assert_str_eq(out, "S72.001A");
}
