/*
 * util: exact money and quantity parsing, cents formatting, dates, the
 * bounded buffer with its sticky error, error formatting, the arena.
 */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../../lib/util/util.h"

/* ---- money ---- */

static int64_t cents_ok(const char *s)
{
    int64_t v = -12345;
    const char *why = NULL;
    int rc = rcm_cents_parse(&v, rcm_str_c(s), &why);
    cr_assert_eq(rc, 0, "'%s' rejected: %s", s, why ? why : "?");
    return v;
}

static const char *cents_bad(const char *s)
{
    int64_t v = 777;
    const char *why = NULL;
    int rc = rcm_cents_parse(&v, rcm_str_c(s), &why);
    cr_assert_eq(rc, RCM_EFORMAT, "'%s' accepted as %lld", s, (long long)v);
    cr_assert_not_null(why, "'%s': a reason", s);
    cr_assert_eq(v, 777, "'%s': out untouched on failure", s);
    return why;
}

Test(util_money, accepts)
{
    cr_assert_eq(cents_ok("0"), 0);
    cr_assert_eq(cents_ok("-0"), 0);
    cr_assert_eq(cents_ok("1"), 100);
    cr_assert_eq(cents_ok("-0.5"), -50);
    cr_assert_eq(cents_ok(".5"), 50);
    cr_assert_eq(cents_ok("-.05"), -5);
    cr_assert_eq(cents_ok("5."), 500);
    cr_assert_eq(cents_ok("1.230"), 123);
    cr_assert_eq(cents_ok("1.2300000"), 123);
    cr_assert_eq(cents_ok("150000.00"), 15000000);
    cr_assert_eq(cents_ok("0001.01"), 101);
    cr_assert_eq(cents_ok("00000000000000000000000000000042"), 4200);
    cr_assert_eq(cents_ok("9999999999999.99"), RCM_CENTS_MAX);
    cr_assert_eq(cents_ok("-9999999999999.99"), -RCM_CENTS_MAX);
    cr_assert_eq(cents_ok("9999999999999"), RCM_CENTS_MAX - 99);
}

Test(util_money, rejects)
{
    cr_assert_str_eq(cents_bad("1.234"), "has more than 2 decimal places");
    cr_assert_str_eq(cents_bad("1.2301"), "has more than 2 decimal places");
    cr_assert_str_eq(cents_bad("0.001"), "has more than 2 decimal places");
    cr_assert_str_eq(cents_bad(""), "is empty");
    cr_assert_str_eq(cents_bad("-"), "is not a number");
    cr_assert_str_eq(cents_bad("."), "is not a number");
    cr_assert_str_eq(cents_bad("-."), "is not a number");
    cents_bad("1e5");
    cents_bad("--1");
    cents_bad("+1");
    cents_bad("1-");
    cents_bad("1.2.3");
    cents_bad("1..2");
    cents_bad(" 1");
    cents_bad("1 ");
    cents_bad("1,000.00");
    cents_bad("$5");
    cents_bad("NaN");
    cents_bad("0x10");
    cr_assert_str_eq(cents_bad("10000000000000"), "is too large");  /* 10^13 dollars */
    cr_assert_str_eq(cents_bad("999999999999999999"), "is too large"); /* 18 digits */
    cr_assert_str_eq(cents_bad("-999999999999999999"), "is too large");
    cr_assert_str_eq(cents_bad("99999999999999999999999999999999"), "is too large");
    cr_assert_str_eq(cents_bad("10000000000000.00"), "is too large");
}

/* A view is not NUL-terminated: nothing past s.n is read. */
Test(util_money, view_bounds)
{
    static const char text[] = "12.345";
    rcm_str s = { text, 4 }; /* "12.3" */
    int64_t v;
    cr_assert_eq(rcm_cents_parse(&v, s, NULL), 0);
    cr_assert_eq(v, 1230);
    rcm_str none = { text, 0 };
    cr_assert_eq(rcm_cents_parse(&v, none, NULL), RCM_EFORMAT);
}

Test(util_money, milli)
{
    int64_t v;
    const char *why;
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("1.5"), &why), 0);
    cr_assert_eq(v, 1500);
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("-0.001"), &why), 0);
    cr_assert_eq(v, -1);
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("2.1230"), &why), 0);
    cr_assert_eq(v, 2123);
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("2.1234"), &why), RCM_EFORMAT);
    cr_assert_str_eq(why, "has too many decimal places");
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("999999999999.999"), &why), 0);
    cr_assert_eq(v, RCM_CENTS_MAX);
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("1000000000000"), &why), RCM_EFORMAT);
    cr_assert_eq(rcm_milli_parse(&v, rcm_str_c("1e3"), &why), RCM_EFORMAT);
}

Test(util_money, uint)
{
    uint64_t v;
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("0")), 0);
    cr_assert_eq(v, 0);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("000123")), 0);
    cr_assert_eq(v, 123);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("999999999999999999")), 0);
    cr_assert_eq(v, UINT64_C(999999999999999999));
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("1000000000000000000")), RCM_EFORMAT); /* 19 digits */
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("")), RCM_EFORMAT);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("-1")), RCM_EFORMAT);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("+1")), RCM_EFORMAT);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("1 ")), RCM_EFORMAT);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("1.0")), RCM_EFORMAT);
    cr_assert_eq(rcm_uint_parse(&v, rcm_str_c("12a")), RCM_EFORMAT);
}

static const char *fmt_cents(int64_t c)
{
    static char out[32];
    int n = rcm_cents_fmt(out, c);
    cr_assert_eq((size_t)n, strlen(out));
    return out;
}

Test(util_money, format)
{
    cr_assert_str_eq(fmt_cents(0), "0.00");
    cr_assert_str_eq(fmt_cents(5), "0.05");
    cr_assert_str_eq(fmt_cents(-5), "-0.05");
    cr_assert_str_eq(fmt_cents(-50), "-0.50");
    cr_assert_str_eq(fmt_cents(100), "1.00");
    cr_assert_str_eq(fmt_cents(12345), "123.45");
    cr_assert_str_eq(fmt_cents(-12345), "-123.45");
    cr_assert_str_eq(fmt_cents(RCM_CENTS_MAX), "9999999999999.99");
    cr_assert_str_eq(fmt_cents(INT64_MAX), "92233720368547758.07");
    cr_assert_str_eq(fmt_cents(INT64_MIN), "-92233720368547758.08");
}

/* parse(format(x)) == x over the whole accepted range, edges and a sweep. */
Test(util_money, round_trip)
{
    static const int64_t edges[] = { 0, 1, -1, 9, 10, 99, 100, 101, -100, 999999, RCM_CENTS_MAX,
                                     -RCM_CENTS_MAX, RCM_CENTS_MAX - 1, 100000000000000 - 1 };
    for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        char buf[32];
        rcm_cents_fmt(buf, edges[i]);
        cr_assert_eq(cents_ok(buf), edges[i], "%s", buf);
    }
    uint64_t x = 88172645463325252u;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int64_t c = (int64_t)(x % (2 * (uint64_t)RCM_CENTS_MAX + 1)) - RCM_CENTS_MAX;
        if (i % 4 == 0)
            c /= 1000000; /* small amounts too */
        char buf[32];
        rcm_cents_fmt(buf, c);
        int64_t back;
        cr_assert_eq(rcm_cents_parse(&back, rcm_str_c(buf), NULL), 0, "%s", buf);
        cr_assert_eq(back, c, "%s", buf);
        /* the X12 form (no trailing zeros) parses back too */
        rcm_buf b;
        rcm_buf_init(&b, 64);
        rcm_buf_addcents(&b, c);
        cr_assert_eq(rcm_cents_parse(&back, rcm_str_c(b.ptr), NULL), 0, "%s", b.ptr);
        cr_assert_eq(back, c, "%s", b.ptr);
        rcm_buf_release(&b);
    }
}

Test(util_money, x12_amounts)
{
    static const struct { int64_t c; const char *s; } t[] = {
        { 12345, "123.45" }, { 12340, "123.4" }, { 10000, "100" }, { 0, "0" }, { -5, "-0.05" },
        { -10, "-0.1" },     { -100, "-1" },     { 1, "0.01" },    { 1000, "10" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        rcm_buf b;
        rcm_buf_init(&b, 64);
        rcm_buf_addcents(&b, t[i].c);
        cr_assert_str_eq(b.ptr, t[i].s);
        rcm_buf_release(&b);
    }
}

/* ---- dates ---- */

static rcm_date date_ok(const char *s)
{
    rcm_date d = 0;
    cr_assert_eq(rcm_date_parse(&d, rcm_str_c(s)), 0, "'%s' rejected", s);
    return d;
}

static void date_bad(const char *s)
{
    rcm_date d = 4242;
    cr_assert_eq(rcm_date_parse(&d, rcm_str_c(s)), RCM_EFORMAT, "'%s' accepted", s);
    cr_assert_eq(d, 4242, "'%s': out untouched on failure", s);
}

Test(util_date, leap_years)
{
    date_ok("20000229"); /* divisible by 400 */
    date_bad("19000229"); /* by 100, not 400 */
    date_ok("20240229");
    date_bad("20230229");
    date_bad("21000229");
    date_ok("24000229");
    cr_assert_eq(date_ok("20000301") - date_ok("20000228"), 2);
    cr_assert_eq(date_ok("19000301") - date_ok("19000228"), 1);
    cr_assert_eq(date_ok("20250101") - date_ok("20240101"), 366);
}

Test(util_date, calendar)
{
    cr_assert_eq(date_ok("19700101"), 0);
    cr_assert_eq(date_ok("19691231"), -1);
    cr_assert_eq(date_ok("20000101"), 10957);
    date_ok("18000101");
    date_ok("29991231");
    date_bad("17991231");
    date_bad("30000101");
    date_bad("20241301"); /* month 13 */
    date_bad("20240001"); /* month 0 */
    date_bad("20240100"); /* day 0 */
    date_bad("20240132");
    date_bad("20240431");
    date_bad("20240631");
    date_ok("20240731");
    date_bad("2024011");   /* 7 digits */
    date_bad("202401011"); /* 9 digits */
    date_bad("");
    date_bad("2024-01-01");
    date_bad("2024O101");
    date_bad(" 2024010");
    date_bad("-2024010");
    date_bad("+2024010");
    date_bad("20240101 ");
    rcm_date d;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("2024-02-29")), 0);
    cr_assert_eq(d, date_ok("20240229"));
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("2023-02-29")), RCM_EFORMAT);
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("2024/02/29")), RCM_EFORMAT);
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("2024-2-29")), RCM_EFORMAT);
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("20240229")), RCM_EFORMAT);
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c("2024-02-290")), RCM_EFORMAT);
}

/* Every day the parser accepts formats and parses back to itself, both forms. */
Test(util_date, round_trip_every_day)
{
    rcm_date lo = rcm_date_from_ymd(1800, 1, 1), hi = rcm_date_from_ymd(2999, 12, 31);
    int py = 1799, pm = 12, pd = 31;
    for (rcm_date d = lo; d <= hi; d++) {
        char s[16], iso[16];
        cr_assert_eq(rcm_date_fmt(s, d, 0), 8);
        cr_assert_eq(rcm_date_fmt(iso, d, 1), 10);
        rcm_date back;
        cr_assert_eq(rcm_date_parse(&back, rcm_str_c(s)), 0, "%s", s);
        cr_assert_eq(back, d, "%s", s);
        cr_assert_eq(rcm_date_parse_iso(&back, rcm_str_c(iso)), 0, "%s", iso);
        cr_assert_eq(back, d, "%s", iso);
        int y, m, dd;
        rcm_date_to_ymd(d, &y, &m, &dd);
        cr_assert_eq(rcm_date_from_ymd(y, m, dd), d);
        /* the next day of the previous one */
        int ok = (y == py && m == pm && dd == pd + 1) || (y == py && m == pm + 1 && dd == 1) ||
                 (y == py + 1 && m == 1 && dd == 1 && pm == 12 && pd == 31);
        cr_assert(ok, "%s follows %04d-%02d-%02d", iso, py, pm, pd);
        py = y;
        pm = m;
        pd = dd;
    }
    char s[16] = "x";
    cr_assert_eq(rcm_date_fmt(s, RCM_DATE_NONE, 1), 0);
    cr_assert_str_eq(s, "");
}

/* Any day number converts without overflow (RCM_DATE_NONE included); formatting never writes past 11 bytes. */
Test(util_date, extremes)
{
    static const rcm_date d[] = { INT32_MAX, INT32_MIN, INT32_MAX - 719468, INT32_MIN + 1, -719468, -719469, 0 };
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        int y, m, dd;
        rcm_date_to_ymd(d[i], &y, &m, &dd);
        cr_assert(m >= 1 && m <= 12 && dd >= 1 && dd <= 31, "%d: %d-%d-%d", d[i], y, m, dd);
        char out[16];
        memset(out, 'z', sizeof(out));
        int n = rcm_date_fmt(out, d[i], 1);
        cr_assert_leq(n, 10);
        cr_assert_eq(out[n], '\0');
        cr_assert_eq(out[11], 'z');
    }
    int y, m, dd;
    rcm_date_to_ymd(0, &y, &m, &dd);
    cr_assert(y == 1970 && m == 1 && dd == 1);
    rcm_date_to_ymd(-719468, &y, &m, &dd);
    cr_assert(y == 0 && m == 3 && dd == 1);
}

/* ---- buffers ---- */

Test(util_buf, init_is_empty_string)
{
    rcm_buf b;
    rcm_buf_init(&b, 16);
    cr_assert_not_null(b.ptr);
    cr_assert_str_eq(b.ptr, "");
    cr_assert_eq(b.len, 0);
    cr_assert_not(rcm_buf_failed(&b));
    rcm_buf_release(&b);
    cr_assert_str_eq(b.ptr, "");
    rcm_buf_release(&b); /* twice is fine */
}

Test(util_buf, max_is_exact_and_failure_sticks)
{
    rcm_buf b;
    rcm_buf_init(&b, 10);
    cr_assert_eq(rcm_buf_adds(&b, "0123456789"), 0);
    cr_assert_eq(b.len, 10);
    cr_assert_eq(rcm_buf_addc(&b, 'x'), RCM_ENOMEM);
    cr_assert(rcm_buf_failed(&b));
    cr_assert_str_eq(b.ptr, "0123456789", "contents kept after the failure");
    cr_assert_eq(rcm_buf_add(&b, "", 0), RCM_ENOMEM, "sticky: even an empty append fails");
    cr_assert_eq(rcm_buf_addf(&b, "%d", 1), RCM_ENOMEM);
    cr_assert_eq(rcm_buf_addu(&b, 1), RCM_ENOMEM);
    cr_assert_null(rcm_buf_reserve(&b, 0));
    cr_assert_eq(b.len, 10);
    rcm_buf_reset(&b);
    cr_assert_not(rcm_buf_failed(&b));
    cr_assert_str_eq(b.ptr, "");
    cr_assert_eq(rcm_buf_adds(&b, "ok"), 0);
    cr_assert_str_eq(b.ptr, "ok");
    rcm_buf_release(&b);

    rcm_buf_init(&b, 5);
    cr_assert_eq(rcm_buf_adds(&b, "toolong"), RCM_ENOMEM, "one append past max fails whole");
    cr_assert_str_eq(b.ptr, "");
    cr_assert_eq(rcm_buf_adds(&b, "ab"), RCM_ENOMEM);
    rcm_buf_release(&b);

    rcm_buf_init(&b, 0);
    cr_assert_eq(rcm_buf_add(&b, "", 0), 0);
    cr_assert_eq(rcm_buf_addc(&b, 'a'), RCM_ENOMEM);
    rcm_buf_release(&b);

    rcm_buf_init(&b, SIZE_MAX);
    cr_assert_eq(rcm_buf_adds(&b, "a"), 0);
    cr_assert_null(rcm_buf_reserve(&b, SIZE_MAX), "no overflow in len + n");
    cr_assert(rcm_buf_failed(&b));
    rcm_buf_release(&b);
}

Test(util_buf, formatting)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    char big[1000];
    memset(big, 'z', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (int w = 250; w < 262; w++) { /* around the 256-byte first try */
        rcm_buf_reset(&b);
        cr_assert_eq(rcm_buf_addf(&b, "[%.*s]", w, big), 0);
        cr_assert_eq(b.len, (size_t)w + 2);
        cr_assert_eq(strlen(b.ptr), b.len);
        cr_assert_eq(b.ptr[w + 1], ']');
    }
    rcm_buf_reset(&b);
    rcm_buf_addf(&b, "%s", big);
    rcm_buf_addf(&b, "%s", big);
    cr_assert_eq(b.len, 2 * 999);
    rcm_buf_reset(&b);
    rcm_buf_addu(&b, 0);
    rcm_buf_addc(&b, ' ');
    rcm_buf_addu(&b, UINT64_MAX);
    cr_assert_str_eq(b.ptr, "0 18446744073709551615");
    rcm_str v = { "abcdef", 3 };
    rcm_buf_reset(&b);
    rcm_buf_addstr(&b, v);
    cr_assert_str_eq(b.ptr, "abc");
    cr_assert(rcm_str_eq(v, "abc"));
    cr_assert_not(rcm_str_eq(v, "abcd"));
    cr_assert_not(rcm_str_eq(v, "ab"));
    rcm_buf_release(&b);

    /* a formatted append past max fails without writing */
    rcm_buf_init(&b, 300);
    cr_assert_eq(rcm_buf_addf(&b, "%s", big), RCM_ENOMEM);
    cr_assert_eq(b.len, 0);
    cr_assert_str_eq(b.ptr, "");
    rcm_buf_release(&b);
}

Test(util_buf, grows)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 24);
    for (int i = 0; i < 100000; i++)
        rcm_buf_addc(&b, (char)('a' + i % 26));
    cr_assert_eq(b.len, 100000);
    cr_assert_eq(strlen(b.ptr), 100000);
    cr_assert_eq(b.ptr[99999], (char)('a' + 99999 % 26));
    cr_assert_geq(b.cap, b.len + 1);
    rcm_buf_release(&b);
}

Test(util_str, copies)
{
    char small[4];
    str_copy(small, sizeof(small), rcm_str_c("abcdef"));
    cr_assert_str_eq(small, "abc");
    str_copy(small, sizeof(small), rcm_str_c(""));
    cr_assert_str_eq(small, "");
    cstr_copy(small, sizeof(small), NULL);
    cr_assert_str_eq(small, "");
    cstr_copy(small, sizeof(small), "xy");
    cr_assert_str_eq(small, "xy");
    str_copy(small, 0, rcm_str_c("abc")); /* nothing written */
    cr_assert_str_eq(small, "xy");
}

/* ---- errors ---- */

Test(util_error, format)
{
    rcm_error e;
    memset(&e, 0, sizeof(e));
    char out[512];
    rcm_error_format(&e, out, sizeof(out));
    cr_assert_str_eq(out, "ok");
    cr_assert_eq(rcm_error_set(&e, RCM_ESYNTAX, "segment %d 'ISA': bad", 1), RCM_ESYNTAX);
    e.source = "f.x12";
    e.line = 3;
    rcm_error_format(&e, out, sizeof(out));
    cr_assert_str_eq(out, "f.x12:3: segment 1 'ISA': bad");
    e.msg[0] = '\0';
    rcm_error_format(&e, out, sizeof(out));
    cr_assert_str_eq(out, "f.x12:3: syntax error");
    cr_assert_eq(rcm_error_set(NULL, RCM_EIO, "x"), RCM_EIO, "NULL detail is fine");
    rcm_error_clear(NULL);
    e.code = RCM_EIO;
    rcm_error_clear(&e);
    cr_assert_eq(e.code, 0);
    cr_assert_str_eq(e.source, "f.x12", "clear keeps the source");
    for (int c = 0; c >= -9; c--)
        cr_assert(rcm_strerror(c)[0]);
}

/* A long location must not push the message out: the text is cut at the end. */
Test(util_error, format_truncates_at_the_end)
{
    rcm_error e;
    memset(&e, 0, sizeof(e));
    char path[600];
    memset(path, 'p', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    e.source = "short.x12";
    e.line = 7;
    rcm_error_set(&e, RCM_EIO, "cannot read: it is gone");
    char out[16];
    rcm_error_format(&e, out, sizeof(out));
    cr_assert_str_eq(out, "short.x12:7: ca");
    char big[512];
    e.source = path + 200; /* 399 characters */
    rcm_error_format(&e, big, sizeof(big));
    cr_assert(strstr(big, ":7: cannot read: it is gone"), "%s", big);
    e.source = path; /* 599: the message cannot fit, the start of the text does */
    rcm_error_format(&e, big, sizeof(big));
    cr_assert_eq(strlen(big), sizeof(big) - 1);
    cr_assert_eq(big[0], 'p');
    char one[1] = { 'x' };
    rcm_error_format(&e, one, sizeof(one));
    cr_assert_eq(one[0], '\0');
}

/* ---- arena ---- */

Test(util_arena, alignment_and_zero)
{
    arena a;
    arena_init(&a, 256, 1 << 20);
    for (size_t n = 0; n < 100; n++) {
        void *p = arena_alloc(&a, n);
        cr_assert_not_null(p);
        cr_assert_eq((uintptr_t)p % 16, 0, "size %zu", n);
        memset(p, 0xAB, n);
    }
    unsigned char *z = arena_zalloc(&a, 1000); /* larger than a block */
    cr_assert_not_null(z);
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(z[i], 0);
    char *s = arena_strdup(&a, "hello world", 5);
    cr_assert_str_eq(s, "hello");
    s = arena_strdup(&a, NULL, 0);
    cr_assert_str_eq(s, "");
    arena_release(&a);
    arena_release(&a);
}

Test(util_arena, reuse_after_reset)
{
    arena a;
    arena_init(&a, 1024, 1 << 20);
    void *first[50];
    for (int i = 0; i < 50; i++)
        first[i] = arena_alloc(&a, 100); /* several blocks */
    size_t total = a.total;
    cr_assert_gt(total, 1024);
    for (int round = 0; round < 5; round++) {
        arena_reset(&a);
        for (int i = 0; i < 50; i++) {
            void *p = arena_alloc(&a, 100);
            cr_assert_eq(p, first[i], "round %d allocation %d reuses the same memory", round, i);
            memset(p, round, 100);
        }
        cr_assert_eq(a.total, total, "nothing new allocated");
    }
    /* after reset, a request no kept block can hold gets a new block; small ones still fit */
    arena_reset(&a);
    void *big = arena_alloc(&a, 5000);
    cr_assert_not_null(big);
    memset(big, 1, 5000);
    cr_assert_not_null(arena_alloc(&a, 10));
    arena_release(&a);
    cr_assert_eq(a.total, 0);
    /* usable again after release */
    cr_assert_not_null(arena_alloc(&a, 10));
    arena_release(&a);
}

Test(util_arena, limit)
{
    arena a;
    arena_init(&a, 1024, 4096);
    int got = 0;
    while (arena_alloc(&a, 512))
        got++;
    cr_assert_eq(got, 8);
    cr_assert_leq(a.total, 4096);
    cr_assert_null(arena_alloc(&a, 5000));
    arena_reset(&a);
    cr_assert_not_null(arena_alloc(&a, 512), "reset makes room again");
    arena_release(&a);

    arena_init(&a, 0, SIZE_MAX);
    cr_assert_null(arena_alloc(&a, SIZE_MAX), "no wrap-around to a tiny block");
    cr_assert_null(arena_alloc(&a, SIZE_MAX - 8));
    cr_assert_null(arena_alloc(&a, SIZE_MAX - 40));
    cr_assert_not_null(arena_alloc(&a, 1));
    arena_release(&a);
}
