/*
 * Fuzz target: exact values. The input is parsed as an amount, a quantity,
 * a count and a date; what a parser accepts must match an independent
 * reading of the same text, and format-then-parse must give the value back.
 * The input's first bytes are also taken as raw numbers for
 * parse(format(x)) == x.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/value.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "fuzz_values: check failed: %s (line %d)\n", #c, __LINE__); \
            abort();                                                              \
        }                                                                         \
    } while (0)

/*
 * The R-type grammar read a second way: '-'? digits ('.' digits)?, a digit
 * somewhere, digits past scale decimals all zero, |value| <= RCM_CENTS_MAX.
 * Returns 1 with *out set when s is valid.
 */
static int reference_fixed(const char *p, size_t n, int scale, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (i < n && p[i] == '-') {
        neg = 1;
        i++;
    }
    uint64_t v = 0;
    int digits = 0, dot = 0, frac = 0;
    for (; i < n; i++) {
        if (p[i] == '.') {
            if (dot)
                return 0;
            dot = 1;
            continue;
        }
        if (p[i] < '0' || p[i] > '9')
            return 0;
        digits++;
        if (dot && frac >= scale) {
            if (p[i] != '0')
                return 0;
            continue;
        }
        frac += dot;
        v = v * 10 + (uint64_t)(p[i] - '0');
        if (v > (uint64_t)RCM_CENTS_MAX * 1000) /* past any valid value; no overflow below */
            return 0;
    }
    if (!digits)
        return 0;
    for (; frac < scale; frac++) {
        if (v > (uint64_t)RCM_CENTS_MAX)
            return 0;
        v *= 10;
    }
    if (v > (uint64_t)RCM_CENTS_MAX)
        return 0;
    *out = neg ? -(int64_t)v : (int64_t)v;
    return 1;
}

static void check_cents_round_trip(int64_t c)
{
    char buf[32];
    int n = rcm_cents_fmt(buf, c);
    CHECK(n > 0 && (size_t)n == strlen(buf));
    int64_t back = 0;
    CHECK(rcm_cents_parse(&back, rcm_str_c(buf), NULL) == 0);
    CHECK(back == c);
    rcm_buf b;
    rcm_buf_init(&b, 64);
    CHECK(rcm_buf_addcents(&b, c) == 0);
    CHECK(rcm_cents_parse(&back, rcm_str_c(b.ptr), NULL) == 0);
    CHECK(back == c);
    rcm_buf_release(&b);
}

static void check_date_round_trip(rcm_date d)
{
    char s[16], iso[16];
    CHECK(rcm_date_fmt(s, d, 0) == 8 && rcm_date_fmt(iso, d, 1) == 10);
    rcm_date back = 0;
    CHECK(rcm_date_parse(&back, rcm_str_c(s)) == 0 && back == d);
    CHECK(rcm_date_parse_iso(&back, rcm_str_c(iso)) == 0 && back == d);
    int y, m, dd;
    rcm_date_to_ymd(d, &y, &m, &dd);
    CHECK(rcm_date_from_ymd(y, m, dd) == d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = (const char *)data;
    rcm_str s = { p, size };

    /* amounts and quantities: the parser and the reference agree */
    int64_t v = 0, ref = 0;
    const char *why = NULL;
    int ok = rcm_cents_parse(&v, s, &why) == 0;
    CHECK(ok == reference_fixed(p, size, 2, &ref));
    if (ok) {
        CHECK(v == ref);
        check_cents_round_trip(v);
    } else {
        CHECK(why != NULL && why[0]);
    }
    ok = rcm_milli_parse(&v, s, &why) == 0;
    CHECK(ok == reference_fixed(p, size, 3, &ref));
    if (ok)
        CHECK(v == ref);

    /* counts: 1 to 18 digits */
    uint64_t u = 0;
    ok = rcm_uint_parse(&u, s) == 0;
    int digits = size >= 1 && size <= 18;
    for (size_t i = 0; i < size && digits; i++)
        digits = data[i] >= '0' && data[i] <= '9';
    CHECK(ok == digits);
    if (ok) {
        rcm_buf b;
        rcm_buf_init(&b, 64);
        rcm_buf_addu(&b, u);
        size_t lead = 0;
        while (lead + 1 < size && data[lead] == '0')
            lead++;
        CHECK(b.len == size - lead && memcmp(b.ptr, p + lead, b.len) == 0);
        rcm_buf_release(&b);
    }

    /* dates: what parses formats back to the same text */
    rcm_date d = 0;
    if (rcm_date_parse(&d, s) == 0) {
        char out[16];
        CHECK(rcm_date_fmt(out, d, 0) == 8 && size == 8 && memcmp(out, p, 8) == 0);
        check_date_round_trip(d);
    }
    if (rcm_date_parse_iso(&d, s) == 0) {
        char out[16];
        CHECK(rcm_date_fmt(out, d, 1) == 10 && size == 10 && memcmp(out, p, 10) == 0);
    }

    /* raw numbers from the input's bytes */
    if (size >= 8) {
        int64_t x;
        memcpy(&x, data, 8);
        if (x >= -RCM_CENTS_MAX && x <= RCM_CENTS_MAX)
            check_cents_round_trip(x);
        else
            check_cents_round_trip(x % RCM_CENTS_MAX);
        char buf[32];
        CHECK(rcm_cents_fmt(buf, x) > 0); /* any int64, INT64_MIN included */
    }
    if (size >= 4) {
        int32_t x;
        memcpy(&x, data + size - 4, 4);
        rcm_date lo = rcm_date_from_ymd(1800, 1, 1), hi = rcm_date_from_ymd(2999, 12, 31);
        rcm_date dd = lo + (rcm_date)((uint32_t)x % (uint32_t)(hi - lo + 1));
        check_date_round_trip(dd);
        int y, m, day;
        rcm_date_to_ymd(x, &y, &m, &day); /* any day number: no overflow */
        CHECK(m >= 1 && m <= 12 && day >= 1 && day <= 31);
        char out[16];
        rcm_date_fmt(out, x, x & 1);
    }
    return 0;
}
