/*
 * Fuzz target: the X12 tokenizer over memory. Every segment is checked
 * against what the bytes say, without a second tokenizer: its view lies in
 * the input at its offset, its line is 1 + the newlines before it, only
 * whitespace lies between segments, its elements are exactly the runs
 * between element separators (64 at most), its components put back together
 * make the element. Any difference aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/x12.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "fuzz_tokenizer: check failed: %s (line %d)\n", #c, __LINE__); \
            abort();                                                              \
        }                                                                         \
    } while (0)

static int is_ws(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Splits el on sep and checks the pieces add up; returns the count. */
static unsigned check_split(rcm_str el, char sep)
{
    unsigned n = rcm_x12_ncomp(el, sep);
    if (!el.n) {
        CHECK(n == 0);
        CHECK(rcm_x12_comp(el, sep, 1).n == 0);
        return 0;
    }
    size_t total = 0;
    const char *expect = el.p;
    for (unsigned j = 1; j <= n; j++) {
        rcm_str c = rcm_x12_comp(el, sep, j);
        CHECK(c.p == expect);
        CHECK(c.p + c.n <= el.p + el.n);
        CHECK(memchr(c.p, sep, c.n) == NULL);
        CHECK(j == n || c.p[c.n] == sep);
        total += c.n;
        expect = c.p + c.n + 1;
    }
    CHECK(total + (n - 1) == el.n);
    CHECK(rcm_x12_comp(el, sep, n + 1).n == 0);
    return n;
}

static void check_segment(const uint8_t *data, size_t size, const rcm_x12_seg *s)
{
    const char *base = (const char *)data;
    CHECK(s->ptr >= base && s->ptr + s->len <= base + size);
    CHECK(s->offset == (uint64_t)(s->ptr - base));
    CHECK(s->len == 0 || !is_ws((unsigned char)s->ptr[0]) || s->ptr[0] == s->d.elem);
    /* the terminator follows, or the input ends (trailing whitespace aside) */
    if (s->unterminated) {
        for (size_t i = s->offset + s->len; i < size; i++)
            CHECK(is_ws(data[i]));
    } else {
        CHECK(s->offset + s->len < size && data[s->offset + s->len] == (uint8_t)s->d.seg);
    }
    CHECK(memchr(s->ptr, s->d.seg, s->len) == NULL);
    /* elements: the runs between separators, the 64th ending at the 65th separator */
    unsigned seps = 0;
    for (uint32_t i = 0; i < s->len; i++)
        seps += s->ptr[i] == s->d.elem;
    CHECK(s->n == (seps > RCM_X12_MAX_ELEMS ? RCM_X12_MAX_ELEMS : seps));
    CHECK(s->too_many == (seps > RCM_X12_MAX_ELEMS));
    const char *p = s->ptr, *end = s->ptr + s->len;
    for (unsigned k = 0; k <= s->n; k++) {
        const char *q = memchr(p, s->d.elem, (size_t)(end - p));
        rcm_str e = rcm_x12_el(s, k);
        CHECK(e.p == p);
        CHECK(e.n == (size_t)((q ? q : end) - p));
        p = q ? q + 1 : end;
        check_split(e, s->d.comp);
        if (s->d.rep) {
            unsigned reps = check_split(e, s->d.rep);
            for (unsigned j = 1; j <= reps && j <= 4; j++)
                check_split(rcm_x12_comp(e, s->d.rep, j), s->d.comp);
        }
    }
    CHECK(rcm_x12_el(s, s->n + 1).n == 0);
    /* delimiters: distinct, and those of this segment's ISA */
    CHECK(s->d.elem != s->d.seg && s->d.elem != s->d.comp && s->d.comp != s->d.seg);
    if (s->len >= 3 && memcmp(s->ptr, "ISA", 3) == 0)
        CHECK(s->len > 3 && s->d.elem == s->ptr[3]);
    uint32_t key = rcm_x12_key(s);
    rcm_str id = rcm_x12_id(s);
    CHECK(key == 0 || id.n == 2 || id.n == 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_x12_open_mem(&r, data, size, "fuzz", &err) < 0) {
        CHECK(r == NULL && err.code < 0 && err.msg[0]);
        return 0;
    }
    const rcm_x12_seg *s;
    int rc;
    long number = 0, line = 1;
    size_t prev_end = 0, counted = 0; /* bytes before prev_end were read; '\n' counted to counted */
    int first = 1, ended_unterminated = 0;
    while ((rc = rcm_x12_next(r, &s, &err)) > 0) {
        CHECK(!ended_unterminated);
        CHECK(s->number == ++number);
        check_segment(data, size, s);
        /* between segments: whitespace only (a BOM before the first) */
        size_t from = prev_end;
        if (first && size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
            from = 3;
        CHECK(s->offset >= from);
        for (size_t i = from; i < s->offset; i++)
            CHECK(is_ws(data[i]));
        for (; counted < s->offset; counted++)
            line += data[counted] == '\n';
        CHECK(s->line == line);
        CHECK(rcm_x12_bytes(r) >= s->offset + s->len);
        prev_end = s->offset + s->len + !s->unterminated;
        ended_unterminated = s->unterminated;
        first = 0;
    }
    if (rc == 0) {
        CHECK(rcm_x12_bytes(r) == size);
        for (size_t i = prev_end; i < size; i++)
            CHECK(is_ws(data[i]));
        CHECK(rcm_x12_next(r, &s, &err) == 0);
    } else {
        CHECK(err.code == rc && err.msg[0]);
        CHECK(err.segment == number + 1);
        CHECK(err.offset <= size);
    }
    rcm_x12_reader_free(r);
    return 0;
}
