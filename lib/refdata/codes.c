/*
 * Code formats: NPI check digit, ICD-10-CM, CPT, HCPCS Level II and modifier
 * shapes. Pure functions: no I/O, no allocation, no state.
 */
#include "refdata_internal.h"

static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_alnum(char c) { return is_digit(c) || is_upper(c); }

static int bad(const char **why, const char *msg)
{
    if (why)
        *why = msg;
    return RCM_EFORMAT;
}

/*
 * Luhn over "80840" + the 9 digits: doubling starts at the rightmost of the
 * 9 (the check digit will be appended to its right). The prefix 80840
 * contributes a constant 24 (CMS NPI check-digit specification).
 */
int rcm_code_npi_check_digit(rcm_str s)
{
    if (s.n != 9)
        return RCM_EFORMAT;
    int sum = 24;
    for (size_t i = 0; i < 9; i++) {
        if (!is_digit(s.p[i]))
            return RCM_EFORMAT;
        int d = s.p[i] - '0';
        if ((8 - i) % 2 == 0) { /* rightmost base digit and every other one to its left */
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return (10 - sum % 10) % 10;
}

int rcm_code_check_npi(rcm_str s, const char **why)
{
    if (s.n != 10)
        return bad(why, "an NPI has 10 digits");
    for (size_t i = 0; i < 10; i++)
        if (!is_digit(s.p[i]))
            return bad(why, "an NPI has only digits");
    rcm_str base = { s.p, 9 };
    if (rcm_code_npi_check_digit(base) != s.p[9] - '0')
        return bad(why, "the NPI check digit is wrong");
    return 0;
}

int rcm_code_check_icd10cm(rcm_str s, const char **why)
{
    char tmp[RCM_CODE_MAX];
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.p[i] == '.') {
            if (i != 3 || i + 1 == s.n)
                return bad(why, "an ICD-10-CM dot goes after the 3rd character, before more");
            continue;
        }
        if (n >= 7)
            return bad(why, "an ICD-10-CM code has at most 7 characters");
        tmp[n++] = s.p[i];
    }
    if (n < 3)
        return bad(why, "an ICD-10-CM code has at least 3 characters");
    if (!is_upper(tmp[0]))
        return bad(why, "an ICD-10-CM code starts with a letter");
    if (!is_digit(tmp[1]))
        return bad(why, "the 2nd character of an ICD-10-CM code is a digit");
    for (size_t i = 2; i < n; i++)
        if (!is_alnum(tmp[i]))
            return bad(why, "an ICD-10-CM code has only letters and digits");
    return 0;
}

int rcm_code_check_cpt(rcm_str s, const char **why)
{
    if (s.n != 5)
        return bad(why, "a CPT code has 5 characters");
    for (size_t i = 0; i < 4; i++)
        if (!is_digit(s.p[i]))
            return bad(why, "a CPT code starts with 4 digits");
    char last = s.p[4];
    if (is_digit(last) || last == 'F' || last == 'T' || last == 'U')
        return 0;
    return bad(why, "a CPT code ends with a digit, F, T or U");
}

int rcm_code_check_hcpcs(rcm_str s, const char **why)
{
    if (s.n != 5)
        return bad(why, "a HCPCS code has 5 characters");
    if (!is_upper(s.p[0]) || s.p[0] > 'V')
        return bad(why, "a HCPCS Level II code starts with a letter A-V");
    for (size_t i = 1; i < 5; i++)
        if (!is_digit(s.p[i]))
            return bad(why, "a HCPCS Level II code is a letter and 4 digits");
    return 0;
}

int rcm_code_check_modifier(rcm_str s, const char **why)
{
    if (s.n != 2 || !is_alnum(s.p[0]) || !is_alnum(s.p[1]))
        return bad(why, "a modifier is 2 letters or digits");
    return 0;
}

int rcm_code_icd10cm_normalize(char *out, rcm_str s)
{
    char tmp[RCM_CODE_MAX];
    size_t n = 0;
    out[0] = '\0';
    if (s.n >= sizeof(tmp))
        return RCM_EFORMAT;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (ch >= 'a' && ch <= 'z')
            ch = (char)(ch - 'a' + 'A');
        tmp[n++] = ch;
    }
    rcm_str u = { tmp, n };
    if (rcm_code_check_icd10cm(u, NULL) < 0)
        return RCM_EFORMAT;
    size_t o = 0;
    for (size_t i = 0; i < n; i++)
        if (tmp[i] != '.')
            out[o++] = tmp[i];
    out[o] = '\0';
    return 0;
}

void rcm_code_icd10cm_display(char *out, const char *code)
{
    size_t n = strlen(code), o = 0;
    for (size_t i = 0; i < n && o < RCM_CODE_MAX - 2; i++) {
        if (i == 3)
            out[o++] = '.';
        out[o++] = code[i];
    }
    out[o] = '\0';
}
