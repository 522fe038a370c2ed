/*
 * The X12 tokenizer under attack: every delimiter variant, whitespace between
 * segments, encodings, truncated and malformed ISAs, element edge cases,
 * exact locations; and the file window: a file read through the
 * RCM_X12_BUFSZ window must give exactly the segments the same bytes give
 * from memory, wherever a segment, an ISA or the whitespace between segments
 * falls against the window's end.
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "rcm/x12.h"

/* ---- building interchanges ---- */

static const rcm_x12_delims STD = { '*', '^', ':', '~' };

/* A fixed-width ISA (106 bytes with its terminator); control is 9 digits. */
static void add_isa(rcm_buf *b, rcm_x12_delims d, const char *control)
{
    char rep[2] = { d.rep ? d.rep : 'U', 0 }, comp[2] = { d.comp, 0 };
    const char *f[16] = { "00", "          ", "00", "          ", "ZZ", "SENDER         ",
                          "ZZ", "RECEIVER       ", "240101", "1200", rep, "00501",
                          control, "0", "T", comp };
    rcm_buf_adds(b, "ISA");
    for (int i = 0; i < 16; i++) {
        rcm_buf_addc(b, d.elem);
        rcm_buf_adds(b, f[i]);
    }
    rcm_buf_addc(b, d.seg);
}

/*
 * Appends a segment written with '*' (element), ':' (component) and '^'
 * (repetition) mapped to d, then d's terminator, then after.
 */
static void add_seg(rcm_buf *b, rcm_x12_delims d, const char *text, const char *after)
{
    for (const char *p = text; *p; p++)
        rcm_buf_addc(b, *p == '*' ? d.elem : *p == ':' ? d.comp : *p == '^' && d.rep ? d.rep : *p);
    rcm_buf_addc(b, d.seg);
    rcm_buf_adds(b, after);
}

/* A small complete 837 interchange, every segment followed by after. */
static void add_interchange(rcm_buf *b, rcm_x12_delims d, const char *control, const char *after)
{
    char iea[32];
    add_isa(b, d, control);
    rcm_buf_adds(b, after);
    add_seg(b, d, "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*005010X222A1", after);
    add_seg(b, d, "ST*837*0001*005010X222A1", after);
    add_seg(b, d, "NM1*IL*1*DOE*JOHN****MI*123", after);
    add_seg(b, d, "SV1*HC:99213:25*100*UN*1***1:2", after);
    add_seg(b, d, "SE*4*0001", after);
    add_seg(b, d, "GE*1*1", after);
    snprintf(iea, sizeof(iea), "IEA*1*%s", control);
    add_seg(b, d, iea, after);
}

/* ---- reading ---- */

static rcm_x12_reader *open_mem_ok(const void *p, size_t n)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_mem(&r, p, n, "mem", &err);
    cr_assert_eq(rc, 0, "open_mem failed: %d %s", rc, err.msg);
    cr_assert_not_null(r);
    return r;
}

static const rcm_x12_seg *next_ok(rcm_x12_reader *r)
{
    const rcm_x12_seg *s = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_next(r, &s, &err);
    cr_assert_eq(rc, 1, "expected a segment, got %d (%s)", rc, err.msg);
    return s;
}

static void expect_end(rcm_x12_reader *r)
{
    const rcm_x12_seg *s = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_next(r, &s, &err);
    cr_assert_eq(rc, 0, "expected the end, got %d (%s)", rc, err.msg);
    rc = rcm_x12_next(r, &s, &err);
    cr_assert_eq(rc, 0, "the end must stay the end, got %d", rc);
}

/* "ID|e1|e2..." from the element views (non-printable bytes as \xNN), for compact assertions. */
static const char *seg_text(const rcm_x12_seg *s)
{
    static char out[8192];
    size_t k = 0;
    for (unsigned i = 0; i <= s->n; i++) {
        rcm_str e = rcm_x12_el(s, i);
        if (i && k < sizeof(out) - 1)
            out[k++] = '|';
        for (size_t j = 0; j < e.n && k < sizeof(out) - 5; j++) {
            unsigned char c = (unsigned char)e.p[j];
            if (c >= 32 && c < 127)
                out[k++] = (char)c;
            else
                k += (size_t)snprintf(out + k, 5, "\\x%02x", c);
        }
    }
    out[k] = '\0';
    return out;
}

static void assert_seg(const rcm_x12_seg *s, const char *text, long number, long line,
                       uint64_t offset)
{
    cr_assert_str_eq(seg_text(s), text);
    cr_assert_eq(s->number, number, "'%s': number %ld, expected %ld", text, s->number, number);
    cr_assert_eq(s->line, line, "'%s': line %ld, expected %ld", text, s->line, line);
    cr_assert_eq(s->offset, offset, "'%s': offset %llu, expected %llu", text,
                 (unsigned long long)s->offset, (unsigned long long)offset);
}

/* Offset of the first occurrence of needle in b (which must hold it). */
static uint64_t off_of(const rcm_buf *b, const char *needle)
{
    const char *q = memmem(b->ptr, b->len, needle, strlen(needle));
    cr_assert_not_null(q, "'%s' not in the input", needle);
    return (uint64_t)(q - b->ptr);
}

static void assert_delims(const rcm_x12_seg *s, rcm_x12_delims d)
{
    cr_assert(s->d.elem == d.elem && s->d.rep == d.rep && s->d.comp == d.comp && s->d.seg == d.seg,
              "delimiters %02x %02x %02x %02x, expected %02x %02x %02x %02x",
              (unsigned char)s->d.elem, (unsigned char)s->d.rep, (unsigned char)s->d.comp,
              (unsigned char)s->d.seg, (unsigned char)d.elem, (unsigned char)d.rep,
              (unsigned char)d.comp, (unsigned char)d.seg);
}

/* Opening must fail with code; returns the error for further checks. */
static rcm_error open_mem_fails(const void *p, size_t n, int code)
{
    rcm_x12_reader *r = (rcm_x12_reader *)1;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_mem(&r, p, n, "mem", &err);
    cr_assert_eq(rc, code, "open_mem returned %d (%s), expected %d", rc, err.msg, code);
    cr_assert_null(r, "a failed open leaves *out NULL");
    cr_assert_eq(err.code, code);
    cr_assert(err.msg[0], "a failure has a message");
    cr_assert_str_eq(err.source, "mem");
    return err;
}

/* Reads segments until one fails; the failure must be code. */
static rcm_error next_fails(rcm_x12_reader *r, int code)
{
    const rcm_x12_seg *s;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc;
    while ((rc = rcm_x12_next(r, &s, &err)) > 0)
        ;
    cr_assert_eq(rc, code, "next returned %d (%s), expected %d", rc, err.msg, code);
    cr_assert(err.msg[0]);
    return err;
}

/* ---- delimiters ---- */

Test(x12_reader, standard_delimiters)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_interchange(&b, STD, "000000001", "");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->n, 16);
    cr_assert_eq(s->len, 105);
    assert_delims(s, STD);
    cr_assert_str_eq(seg_text(s), "ISA|00|          |00|          |ZZ|SENDER         |ZZ|"
                                  "RECEIVER       |240101|1200|^|00501|000000001|0|T|:");
    s = next_ok(r);
    assert_seg(s, "GS|HC|SENDER|RECEIVER|20240101|1200|1|X|005010X222A1", 2, 1, 106);
    assert_delims(s, STD);
    next_ok(r);
    next_ok(r);
    s = next_ok(r);
    cr_assert_str_eq(seg_text(s), "SV1|HC:99213:25|100|UN|1|||1:2");
    rcm_str e = rcm_x12_el(s, 1);
    cr_assert_eq(rcm_x12_ncomp(e, s->d.comp), 3);
    next_ok(r);
    next_ok(r);
    s = next_ok(r);
    cr_assert_str_eq(seg_text(s), "IEA|1|000000001");
    cr_assert_eq(s->number, 8);
    cr_assert_not(s->unterminated);
    expect_end(r);
    cr_assert_eq(rcm_x12_bytes(r), b.len);
    cr_assert_str_eq(rcm_x12_source(r), "mem");
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* The repetition separator is ISA11 in a fixed-width ISA (position 82). */
Test(x12_reader, repetition_separator_from_isa11)
{
    rcm_x12_delims d[] = { { '*', '^', ':', '~' }, { '*', '{', ':', '~' }, { '|', '!', '>', '\n' } };
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        add_interchange(&b, d[i], "000000001", "");
        rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
        const rcm_x12_seg *s = next_ok(r);
        assert_delims(s, d[i]);
        rcm_x12_reader_free(r);
        rcm_buf_release(&b);
    }
}

/* 4010 carries a standards id 'U' in ISA11, not a repetition separator. */
Test(x12_reader, isa11_u_is_no_repetition_separator)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_x12_delims d = { '*', 0, ':', '~' };
    add_interchange(&b, d, "000000001", "\n");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(rcm_x12_el(s, 11).p[0], 'U');
    assert_delims(s, d);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* Every variant reads to the same elements; each segment carries its delimiters. */
Test(x12_reader, delimiter_variants)
{
    static const rcm_x12_delims v[] = {
        { '*', '^', ':', '~' },  { '~', '^', ':', '_' }, { '*', '^', '|', '~' },
        { '*', '^', ':', 0x1D }, { '*', '^', ':', '\n' }, { '|', '^', '>', '!' },
        { '+', '*', ':', '\'' }, { 0x1F, 0x1E, 0x1C, 0x1D }, { '*', '^', ':', '\r' },
    };
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        add_interchange(&b, v[i], "000000123", "");
        rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
        const rcm_x12_seg *s = next_ok(r);
        assert_delims(s, v[i]);
        cr_assert_eq(s->n, 16);
        s = next_ok(r);
        cr_assert_str_eq(seg_text(s), "GS|HC|SENDER|RECEIVER|20240101|1200|1|X|005010X222A1",
                         "variant %zu", i);
        s = next_ok(r);
        s = next_ok(r);
        cr_assert_str_eq(seg_text(s), "NM1|IL|1|DOE|JOHN||||MI|123", "variant %zu", i);
        s = next_ok(r);
        rcm_str c = rcm_x12_el(s, 1);
        cr_assert_eq(rcm_x12_ncomp(c, s->d.comp), 3, "variant %zu", i);
        rcm_str c2 = rcm_x12_comp(c, s->d.comp, 2);
        cr_assert(c2.n == 5 && memcmp(c2.p, "99213", 5) == 0, "variant %zu", i);
        s = next_ok(r);
        s = next_ok(r);
        s = next_ok(r);
        cr_assert_str_eq(seg_text(s), "IEA|1|000000123", "variant %zu", i);
        cr_assert_eq(s->line, v[i].seg == '\n' ? 8 : 1, "variant %zu: line %ld", i, s->line);
        expect_end(r);
        rcm_x12_reader_free(r);
        rcm_buf_release(&b);
    }
}

Test(x12_reader, sample_different_separators)
{
    /* imsweb's sample: '~' separates elements, '_' ends segments, '^' components */
    static const char in[] =
        "ISA~00~          ~01~SECRET    ~ZZ~SUBMITTERS.ID  ~ZZ~RECEIVERS.ID   ~030101~1253~U~"
        "00501~000000905~1~T~^_\nGS~HC~SENDER CODE~RECEIVER CODE~19991231~0802~1~X~005010X222A1_\n"
        "SV1~HC^99213~100_\nIEA~1~000000905_\n";
    rcm_x12_reader *r = open_mem_ok(in, sizeof(in) - 1);
    const rcm_x12_seg *s = next_ok(r);
    rcm_x12_delims d = { '~', 0, '^', '_' };
    assert_delims(s, d);
    s = next_ok(r);
    assert_seg(s, "GS|HC|SENDER CODE|RECEIVER CODE|19991231|0802|1|X|005010X222A1", 2, 2, 107);
    s = next_ok(r);
    cr_assert_str_eq(seg_text(s), "SV1|HC^99213|100");
    cr_assert_eq(rcm_x12_ncomp(rcm_x12_el(s, 1), s->d.comp), 2);
    s = next_ok(r);
    assert_seg(s, "IEA|1|000000905", 4, 4, (uint64_t)(strstr(in, "IEA") - in));
    expect_end(r);
    rcm_x12_reader_free(r);
}

/* The same interchange with nothing, LF, CRLF, CRLF and indentation after each terminator. */
Test(x12_reader, line_endings)
{
    static const char *const after[] = { "", "\n", "\r\n", "\r\n\t  ", "\n\n\r\n", " " };
    static const long lines_per_seg[] = { 0, 1, 1, 1, 3, 0 };
    for (size_t i = 0; i < sizeof(after) / sizeof(after[0]); i++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        add_interchange(&b, STD, "000000001", after[i]);
        rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
        const rcm_x12_seg *s;
        uint64_t off = 0;
        for (long k = 1; k <= 8; k++) {
            s = next_ok(r);
            cr_assert_eq(s->number, k);
            cr_assert_eq(s->line, 1 + (k - 1) * lines_per_seg[i], "ending %zu segment %ld: line %ld",
                         i, k, s->line);
            cr_assert_eq(s->offset, off, "ending %zu segment %ld", i, k);
            off += s->len + 1 + strlen(after[i]);
            cr_assert_neq(s->ptr[0], '\n');
            cr_assert_neq(s->ptr[s->len - 1], '\r', "no CR kept in the last element");
        }
        cr_assert_str_eq(seg_text(s), "IEA|1|000000001");
        expect_end(r);
        cr_assert_eq(rcm_x12_bytes(r), b.len);
        rcm_x12_reader_free(r);
        rcm_buf_release(&b);
    }
}

/* '\n' ends segments: each line is a segment, a CR before it stays data. */
Test(x12_reader, newline_terminator_lines)
{
    rcm_x12_delims d = { '*', '^', ':', '\n' };
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, d, "000000001");
    add_seg(&b, d, "GS*HC*S*R*20240101*1200*1*X*005010X222A1", "  ");
    add_seg(&b, d, "ST*837*0001", "\t");
    add_seg(&b, d, "NTE*ADD*LINE", "");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    next_ok(r);
    const rcm_x12_seg *s = next_ok(r);
    assert_seg(s, "GS|HC|S|R|20240101|1200|1|X|005010X222A1", 2, 2, 106);
    s = next_ok(r);
    assert_seg(s, "ST|837|0001", 3, 3, off_of(&b, "ST*"));
    cr_assert_eq(s->offset, 106 + 41 + 2);
    s = next_ok(r);
    assert_seg(s, "NTE|ADD|LINE", 4, 4, off_of(&b, "NTE*"));
    expect_end(r);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

Test(x12_reader, utf8_bom_skipped)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_buf_adds(&b, "\xEF\xBB\xBF");
    add_interchange(&b, STD, "000000001", "\r\n");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->offset, 3);
    cr_assert_eq(s->line, 1);
    cr_assert_eq(s->n, 16);
    s = next_ok(r);
    assert_seg(s, "GS|HC|SENDER|RECEIVER|20240101|1200|1|X|005010X222A1", 2, 2, 3 + 106 + 2);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

Test(x12_reader, leading_whitespace_and_indentation)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_buf_adds(&b, "\r\n\n \t");
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "\r\n    ");
    add_seg(&b, STD, "GS*HC*S*R*20240101*1200*1*X*005010X222A1", "\n\t\t");
    add_seg(&b, STD, "ST*837*0001", "\n\n\n   ");
    add_seg(&b, STD, "SE*2*0001", "\n");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->offset, 5);
    cr_assert_eq(s->line, 3);
    s = next_ok(r);
    assert_seg(s, "GS|HC|S|R|20240101|1200|1|X|005010X222A1", 2, 4, 5 + 106 + 6);
    s = next_ok(r);
    assert_seg(s, "ST|837|0001", 3, 5, off_of(&b, "ST*"));
    s = next_ok(r);
    assert_seg(s, "SE|2|0001", 4, 8, off_of(&b, "SE*"));
    expect_end(r);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* UTF-16 in both byte orders, with and without BOM: a located, actionable error. */
Test(x12_reader, utf16_rejected)
{
    static const char isa[] = "ISA*00*          *00*";
    char le[64], be[64];
    size_t n = 0;
    for (size_t i = 0; i < sizeof(isa) - 1; i++, n += 2) {
        le[n] = isa[i];
        le[n + 1] = 0;
        be[n] = 0;
        be[n + 1] = isa[i];
    }
    char lebom[70] = { (char)0xFF, (char)0xFE }, bebom[70] = { (char)0xFE, (char)0xFF };
    memcpy(lebom + 2, le, n);
    memcpy(bebom + 2, be, n);
    const char *const in[] = { le, be, lebom, bebom };
    size_t len[] = { n, n, n + 2, n + 2 };
    for (int i = 0; i < 4; i++) {
        rcm_error err = open_mem_fails(in[i], len[i], RCM_EFORMAT);
        cr_assert(strstr(err.msg, "UTF-16"), "%s", err.msg);
        cr_assert_eq(err.line, 1);
    }
}

Test(x12_reader, empty_and_blank_input)
{
    rcm_error err = open_mem_fails("", 0, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    err = open_mem_fails(NULL, 0, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    err = open_mem_fails(" \r\n\t\n\n  ", 8, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    err = open_mem_fails("\xEF\xBB\xBF", 3, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    err = open_mem_fails("\xEF\xBB\xBF\r\n", 5, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
}

Test(x12_reader, garbage_rejected_with_location)
{
    rcm_error err = open_mem_fails("hello, world", 12, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "not an X12 interchange"), "%s", err.msg);
    cr_assert(strstr(err.msg, "'hello, w'"), "%s", err.msg);
    cr_assert_eq(err.line, 1);
    err = open_mem_fails("\n\n  GS*HC~", 10, RCM_EFORMAT);
    cr_assert_eq(err.line, 3);
    cr_assert_eq(err.offset, 4);
    cr_assert(strstr(err.msg, "byte 4"), "%s", err.msg);
    err = open_mem_fails("I", 1, RCM_EFORMAT);
    err = open_mem_fails("IS", 2, RCM_EFORMAT);
    err = open_mem_fails("isa*00", 6, RCM_EFORMAT);
    err = open_mem_fails("\x01\x02\x03\x04\xff\x80", 6, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "'?\?\?\?\?\?'"), "non-printable bytes are shown as '?': %s", err.msg);
    err = open_mem_fails("{\"claims\": []}", 14, RCM_EFORMAT);
    err = open_mem_fails("\xEF\xBB\xBFST*835*1~", 12, RCM_EFORMAT);
    cr_assert_eq(err.offset, 3);
}

/* ISAs cut short: the reader stops with a located ESYNTAX, never reads past the input. */
Test(x12_reader, truncated_isa)
{
    static const char full[] = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       "
                               "*240101*1200*^*00501*000000001*0*T*:~";
    cr_assert_eq(sizeof(full) - 1, 106);
    /* every cut from "ISA" up to ISA16 without its terminator */
    for (size_t n = 3; n < 106; n++) {
        char *p = malloc(n); /* exact size: ASan sees any read past it */
        memcpy(p, full, n);
        rcm_x12_reader *r = open_mem_ok(p, n);
        rcm_error err = next_fails(r, RCM_ESYNTAX);
        cr_assert(strstr(err.msg, "truncated"), "cut at %zu: %s", n, err.msg);
        cr_assert_eq(err.segment, 1);
        cr_assert_eq(err.line, 1);
        cr_assert_str_eq(err.source, "mem");
        rcm_x12_reader_free(r);
        free(p);
    }
}

/* A non-fixed-width ISA: delimiters are found after the 16th element separator. */
Test(x12_reader, isa_not_fixed_width)
{
    static const char shorter[] = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*240101*1200*^*00501*1*0*T*|!"
                                  "GS*HC*S*R*20240101*1200*1*X*005010X222A1!SV1*HC|99213*1!";
    rcm_x12_reader *r = open_mem_ok(shorter, sizeof(shorter) - 1);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->n, 16);
    cr_assert_eq(s->d.comp, '|');
    cr_assert_eq(s->d.seg, '!');
    cr_assert_eq(s->d.elem, '*');
    cr_assert_str_eq(seg_text(s), "ISA|00||00||ZZ|SENDER|ZZ|RECEIVER|240101|1200|^|00501|1|0|T||");
    s = next_ok(r);
    assert_seg(s, "GS|HC|S|R|20240101|1200|1|X|005010X222A1", 2, 1,
               (uint64_t)(strstr(shorter, "GS*") - shorter));
    s = next_ok(r);
    cr_assert_eq(rcm_x12_ncomp(rcm_x12_el(s, 1), s->d.comp), 2);
    expect_end(r);
    rcm_x12_reader_free(r);

    static const char longer[] = "ISA*00*          *00*          *ZZ*A VERY LONG SENDER ID*ZZ*"
                                 "RECEIVER       *20240101*1200*^*00501*000000001*0*T*:~\r\nIEA*0*1~";
    r = open_mem_ok(longer, sizeof(longer) - 1);
    s = next_ok(r);
    cr_assert_eq(s->n, 16);
    cr_assert_eq(s->d.seg, '~');
    cr_assert_eq(s->d.comp, ':');
    cr_assert_eq(s->len, sizeof(longer) - 1 - 11);
    s = next_ok(r);
    assert_seg(s, "IEA|0|1", 2, 2, sizeof(longer) - 1 - 8);
    rcm_x12_reader_free(r);
}

static void expect_bad_delims(const char *isa, const char *what)
{
    rcm_x12_reader *r = open_mem_ok(isa, strlen(isa));
    rcm_error err = next_fails(r, RCM_ESYNTAX);
    cr_assert(strstr(err.msg, what), "%s: '%s' does not say '%s'", isa, err.msg, what);
    cr_assert_eq(err.segment, 1);
    cr_assert_eq(err.line, 1);
    rcm_x12_reader_free(r);
}

Test(x12_reader, colliding_or_bad_delimiters)
{
#define ISA_HEAD "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*"
    expect_bad_delims(ISA_HEAD "^*00501*000000001*0*T*:*", "not distinct");  /* terminator = element */
    expect_bad_delims(ISA_HEAD "^*00501*000000001*0*T**~", "not distinct");  /* component = element */
    expect_bad_delims(ISA_HEAD "^*00501*000000001*0*T*~~", "not distinct");  /* component = terminator */
    expect_bad_delims(ISA_HEAD ":*00501*000000001*0*T*:~", "not distinct");  /* repetition = component */
    expect_bad_delims(ISA_HEAD "~*00501*000000001*0*T*:~", "not distinct");  /* repetition = terminator */
    expect_bad_delims(ISA_HEAD "^*00501*000000001*0*T*:A", "letter or digit"); /* letter terminator */
    expect_bad_delims(ISA_HEAD "^*00501*000000001*0*T*7~", "letter or digit"); /* digit component */
#undef ISA_HEAD
    expect_bad_delims("ISA000000000000000000000000000000000000000000000000000000000000000000000000000000"
                      "0000000000000000000000000000000000", "element separator");
    expect_bad_delims("ISA 00 ", "element separator");
    expect_bad_delims("ISA\n00\n", "element separator");
    static const char nul[] = "ISA\0"
                              "00";
    rcm_x12_reader *r = open_mem_ok(nul, sizeof(nul) - 1);
    next_fails(r, RCM_ESYNTAX);
    rcm_x12_reader_free(r);
}

/* Three interchanges, three delimiter sets, one input: each segment split by its own. */
Test(x12_reader, interchanges_with_different_delimiters)
{
    static const rcm_x12_delims d[] = {
        { '*', '^', ':', '~' }, { '|', '^', '>', '\n' }, { '~', '^', ':', '_' },
        { '+', '^', ':', '~' }, { '*', '^', ':', '~' },
    };
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++)
        add_interchange(&b, d[i], "000000001", d[i].seg == '\n' ? "" : "\r\n");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    long line = 1;
    for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
        for (int k = 0; k < 8; k++) {
            const rcm_x12_seg *s = next_ok(r);
            assert_delims(s, d[i]);
            cr_assert_eq(s->line, line, "interchange %zu segment %d: line %ld, expected %ld", i, k,
                         s->line, line);
            cr_assert_eq(s->number, (long)(i * 8 + (size_t)k + 1));
            line++;
            if (k == 0)
                cr_assert_eq(s->n, 16);
            if (k == 3)
                cr_assert_str_eq(seg_text(s), "NM1|IL|1|DOE|JOHN||||MI|123", "interchange %zu", i);
            if (k == 7)
                cr_assert_str_eq(seg_text(s), "IEA|1|000000001", "interchange %zu", i);
        }
    }
    expect_end(r);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* ---- segments and elements ---- */

Test(x12_reader, last_segment_unterminated)
{
    static const char *const tails[] = { "IEA*1*000000001", "IEA*1*000000001\r\n", "IEA*1*000000001  \n\t",
                                         "IEA*1*000000001*", "IEA*1*000000001*\n" };
    static const char *const want[] = { "IEA|1|000000001", "IEA|1|000000001", "IEA|1|000000001",
                                        "IEA|1|000000001|", "IEA|1|000000001|" };
    for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        add_isa(&b, STD, "000000001");
        rcm_buf_adds(&b, "\n");
        rcm_buf_adds(&b, tails[i]);
        char *p = malloc(b.len);
        memcpy(p, b.ptr, b.len);
        rcm_x12_reader *r = open_mem_ok(p, b.len);
        next_ok(r);
        const rcm_x12_seg *s = next_ok(r);
        assert_seg(s, want[i], 2, 2, 107);
        cr_assert(s->unterminated);
        cr_assert_eq(s->n, i < 3 ? 2u : 3u);
        cr_assert_eq(rcm_x12_el(s, s->n + 1).n, 0);
        expect_end(r);
        rcm_x12_reader_free(r);
        free(p);
        rcm_buf_release(&b);
    }
}

Test(x12_reader, whitespace_after_last_terminator)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "\r\n\r\n  \t\n");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_not(s->unterminated);
    expect_end(r);
    cr_assert_eq(rcm_x12_bytes(r), b.len);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

Test(x12_reader, element_counts_and_empty_views)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, STD, "000000001");
    add_seg(&b, STD, "LX", "");
    add_seg(&b, STD, "NM1*IL*1***", "");
    add_seg(&b, STD, "REF**", "");
    add_seg(&b, STD, "N3*", "");
    add_seg(&b, STD, "DTP***D8", "");
    add_seg(&b, STD, "*IC*DAVID", "");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    next_ok(r);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->n, 0);
    cr_assert_eq(s->len, 2);
    cr_assert_str_eq(seg_text(s), "LX");
    cr_assert(rcm_x12_is(s, "LX"));
    cr_assert_not(rcm_x12_is(s, "L"));
    cr_assert_not(rcm_x12_is(s, "LXX"));
    cr_assert_eq(rcm_x12_el(s, 1).n, 0);
    cr_assert_eq(rcm_x12_el(s, RCM_X12_MAX_ELEMS + 1).n, 0);

    s = next_ok(r);
    cr_assert_eq(s->n, 5);
    cr_assert_str_eq(seg_text(s), "NM1|IL|1|||");
    for (unsigned i = 3; i <= 5; i++) {
        rcm_str e = rcm_x12_el(s, i);
        cr_assert_eq(e.n, 0, "element %u", i);
        cr_assert(e.p >= s->ptr && e.p <= s->ptr + s->len, "element %u view inside the segment", i);
    }
    cr_assert_eq(rcm_x12_el(s, 6).n, 0);
    cr_assert_eq(rcm_x12_el(s, 2).p, s->ptr + 7);

    s = next_ok(r);
    cr_assert_eq(s->n, 2);
    cr_assert_str_eq(seg_text(s), "REF||");
    s = next_ok(r);
    cr_assert_eq(s->n, 1);
    cr_assert_str_eq(seg_text(s), "N3|");
    s = next_ok(r);
    cr_assert_eq(s->n, 3);
    cr_assert_str_eq(seg_text(s), "DTP|||D8");
    s = next_ok(r);
    cr_assert_eq(s->n, 2);
    cr_assert_eq(rcm_x12_id(s).n, 0, "a segment starting with a separator has an empty id");
    cr_assert_str_eq(seg_text(s), "|IC|DAVID");
    cr_assert_eq(rcm_x12_key(s), 0);
    expect_end(r);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* Two terminators in a row make an empty segment (the walker reports it); it is not skipped. */
Test(x12_reader, empty_segment)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "\n~\nLX*1~~");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    next_ok(r);
    const rcm_x12_seg *s = next_ok(r);
    assert_seg(s, "", 2, 2, 107);
    cr_assert_eq(s->len, 0);
    cr_assert_eq(s->n, 0);
    s = next_ok(r);
    assert_seg(s, "LX|1", 3, 3, 109);
    s = next_ok(r);
    assert_seg(s, "", 4, 3, 114);
    expect_end(r);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

static void add_many(rcm_buf *b, unsigned elems)
{
    rcm_buf_adds(b, "REF");
    for (unsigned i = 1; i <= elems; i++)
        rcm_buf_addf(b, "*%u", i);
    rcm_buf_addc(b, '~');
}

/* 64 elements are kept; past that too_many is set and element 64 is still only element 64. */
Test(x12_reader, element_limit)
{
    static const unsigned counts[] = { 63, 64, 65, 66, 127, 128, 129, 200, 1000 };
    for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
        for (int term = 0; term < 2; term++) {
            rcm_buf b;
            rcm_buf_init(&b, RCM_MAX_MESSAGE);
            add_isa(&b, STD, "000000001");
            add_many(&b, counts[c]);
            if (!term) /* the same segment unterminated at the end of input */
                b.ptr[--b.len] = '\0';
            rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
            next_ok(r);
            const rcm_x12_seg *s = next_ok(r);
            unsigned want = counts[c] > RCM_X12_MAX_ELEMS ? RCM_X12_MAX_ELEMS : counts[c];
            cr_assert_eq(s->n, want, "%u elements: n = %u", counts[c], s->n);
            cr_assert_eq(s->too_many, counts[c] > RCM_X12_MAX_ELEMS, "%u elements", counts[c]);
            cr_assert_eq(s->unterminated, !term);
            for (unsigned i = 1; i <= want; i++) {
                char v[16];
                int vn = snprintf(v, sizeof(v), "%u", i);
                rcm_str e = rcm_x12_el(s, i);
                cr_assert(e.n == (size_t)vn && memcmp(e.p, v, e.n) == 0,
                          "%u elements: element %u is '%.*s'", counts[c], i, (int)e.n, e.p);
            }
            cr_assert_eq(rcm_x12_el(s, want + 1).n, 0);
            expect_end(r);
            rcm_x12_reader_free(r);
            rcm_buf_release(&b);
        }
    }
}

/* Long segments crossing many 64-byte blocks, with separators at block edges. */
Test(x12_reader, long_segments_exact_views)
{
    for (unsigned pad = 0; pad < 130; pad++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        add_isa(&b, STD, "000000001");
        rcm_buf_adds(&b, "NTE*");
        for (unsigned i = 0; i < pad; i++)
            rcm_buf_addc(&b, (char)('A' + i % 26));
        rcm_buf_adds(&b, "*X*");
        for (unsigned i = 0; i < 3 * pad; i++)
            rcm_buf_addc(&b, 'b');
        rcm_buf_adds(&b, "~LX*1~");
        rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
        next_ok(r);
        const rcm_x12_seg *s = next_ok(r);
        cr_assert_eq(s->n, 3);
        cr_assert_eq(rcm_x12_el(s, 1).n, pad);
        cr_assert_eq(rcm_x12_el(s, 2).n, 1);
        cr_assert_eq(rcm_x12_el(s, 3).n, 3 * pad);
        cr_assert_eq(s->len, 4 + pad + 3 + 3 * pad);
        s = next_ok(r);
        assert_seg(s, "LX|1", 3, 1, 106 + 4 + pad + 3 + 3 * pad + 1);
        expect_end(r);
        rcm_x12_reader_free(r);
        rcm_buf_release(&b);
    }
}

/* Newlines inside elements count: the next segment's line moves on. */
Test(x12_reader, newline_inside_segment)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "\nNTE*ADD*TWO\nLINES\n*X~\n\nLX*1~");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    next_ok(r);
    const rcm_x12_seg *s = next_ok(r);
    assert_seg(s, "NTE|ADD|TWO\\x0aLINES\\x0a|X", 2, 2, 107);
    s = next_ok(r);
    assert_seg(s, "LX|1", 3, 6, off_of(&b, "LX*"));
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

Test(x12_reader, components)
{
    rcm_str e = rcm_str_c("HC:99213:25:::");
    cr_assert_eq(rcm_x12_ncomp(e, ':'), 6);
    rcm_str c = rcm_x12_comp(e, ':', 1);
    cr_assert(c.n == 2 && memcmp(c.p, "HC", 2) == 0);
    c = rcm_x12_comp(e, ':', 3);
    cr_assert(c.n == 2 && memcmp(c.p, "25", 2) == 0);
    for (unsigned j = 4; j <= 6; j++)
        cr_assert_eq(rcm_x12_comp(e, ':', j).n, 0);
    c = rcm_x12_comp(e, ':', 7);
    cr_assert_eq(c.n, 0, "past the last component: empty");
    c = rcm_x12_comp(e, ':', 1000);
    cr_assert_eq(c.n, 0);

    rcm_str simple = rcm_str_c("99213");
    cr_assert_eq(rcm_x12_ncomp(simple, ':'), 1);
    c = rcm_x12_comp(simple, ':', 1);
    cr_assert(c.n == 5 && c.p == simple.p);
    cr_assert_eq(rcm_x12_comp(simple, ':', 2).n, 0);

    rcm_str empty = { "", 0 };
    cr_assert_eq(rcm_x12_ncomp(empty, ':'), 0);
    cr_assert_eq(rcm_x12_comp(empty, ':', 1).n, 0);
    cr_assert_eq(rcm_x12_comp(empty, ':', 2).n, 0);

    rcm_str seps = rcm_str_c(":");
    cr_assert_eq(rcm_x12_ncomp(seps, ':'), 2);
    cr_assert_eq(rcm_x12_comp(seps, ':', 1).n, 0);
    cr_assert_eq(rcm_x12_comp(seps, ':', 2).n, 0);

    rcm_str mid = rcm_str_c("A::B");
    cr_assert_eq(rcm_x12_comp(mid, ':', 2).n, 0);
    c = rcm_x12_comp(mid, ':', 3);
    cr_assert(c.n == 1 && c.p[0] == 'B');

    /* a view into a larger buffer: never looks past el.n */
    static const char big[] = "AB:CD*EF:GH";
    rcm_str part = { big, 5 };
    cr_assert_eq(rcm_x12_ncomp(part, ':'), 2);
    c = rcm_x12_comp(part, ':', 2);
    cr_assert(c.n == 2 && memcmp(c.p, "CD", 2) == 0);
    cr_assert_eq(rcm_x12_comp(part, ':', 3).n, 0);

    /* repetitions split the same way */
    rcm_str rep = rcm_str_c("A^B^C");
    cr_assert_eq(rcm_x12_ncomp(rep, '^'), 3);
}

Test(x12_reader, segment_key)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "GS*HC~NM1~ABCD*1~X*1~SE~");
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    cr_assert_eq(rcm_x12_key(next_ok(r)), RCM_X12_KEY('I', 'S', 'A'));
    cr_assert_eq(rcm_x12_key(next_ok(r)), RCM_X12_KEY('G', 'S', 0));
    cr_assert_eq(rcm_x12_key(next_ok(r)), RCM_X12_KEY('N', 'M', '1'));
    cr_assert_eq(rcm_x12_key(next_ok(r)), 0);
    cr_assert_eq(rcm_x12_key(next_ok(r)), 0);
    cr_assert_eq(rcm_x12_key(next_ok(r)), RCM_X12_KEY('S', 'E', 0));
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* Callers may pass NULL for the error detail (error.h). */
Test(x12_reader, null_error_detail)
{
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, "garbage", 7, NULL, NULL), RCM_EFORMAT);
    cr_assert_null(r);
    static const char cut[] = "ISA*00*";
    cr_assert_eq(rcm_x12_open_mem(&r, cut, sizeof(cut) - 1, NULL, NULL), 0);
    cr_assert_str_eq(rcm_x12_source(r), "input");
    const rcm_x12_seg *s;
    cr_assert_eq(rcm_x12_next(r, &s, NULL), RCM_ESYNTAX);
    rcm_x12_reader_free(r);
    cr_assert_eq(rcm_x12_open_file(&r, "no/such/file.x12", NULL), RCM_EIO);
    rcm_x12_reader_free(NULL);
}

/* ---- files and the read window ---- */

static const char *tmp_dir(void)
{
    const char *d = getenv("TMPDIR");
    return d && *d ? d : "/tmp";
}

/* A temporary file holding p[0, n); its path goes to path (unlink it after). */
static int tmp_file(char *path, size_t pathsz, const void *p, size_t n)
{
    snprintf(path, pathsz, "%s/rcm-x12-test-XXXXXX", tmp_dir());
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0, "mkstemp: %s", strerror(errno));
    const char *q = p;
    while (n) {
        ssize_t k = write(fd, q, n);
        cr_assert_gt(k, 0, "write: %s", strerror(errno));
        q += k;
        n -= (size_t)k;
    }
    return fd;
}

/* NULL when a and b are the same segment, else what differs. */
static const char *seg_diff(const rcm_x12_seg *a, const rcm_x12_seg *b)
{
    if (a->number != b->number)
        return "number";
    if (a->line != b->line)
        return "line";
    if (a->offset != b->offset)
        return "offset";
    if (a->len != b->len || memcmp(a->ptr, b->ptr, a->len) != 0)
        return "bytes";
    if (a->n != b->n)
        return "element count";
    if (a->too_many != b->too_many || a->unterminated != b->unterminated)
        return "flags";
    if (memcmp(&a->d, &b->d, sizeof(a->d)) != 0)
        return "delimiters";
    for (unsigned i = 0; i <= a->n + 1; i++) {
        rcm_str x = rcm_x12_el(a, i), y = rcm_x12_el(b, i);
        if (x.n != y.n || x.p - a->ptr != y.p - b->ptr)
            return "element view";
    }
    return NULL;
}

/*
 * Reads a and b in lockstep: same segments, same end (or the same error).
 * Returns the number of segments.
 */
static long same_stream(rcm_x12_reader *a, rcm_x12_reader *b, const char *what)
{
    long n = 0;
    for (;;) {
        const rcm_x12_seg *x = NULL, *y = NULL;
        rcm_error ea, eb;
        memset(&ea, 0, sizeof(ea));
        memset(&eb, 0, sizeof(eb));
        int ra = rcm_x12_next(a, &x, &ea), rb = rcm_x12_next(b, &y, &eb);
        cr_assert_eq(ra, rb, "%s: after %ld segments: %d (%s) vs %d (%s)", what, n, ra, ea.msg, rb, eb.msg);
        if (ra < 0) {
            cr_assert_str_eq(ea.msg, eb.msg, "%s", what);
            cr_assert_eq(ea.line, eb.line, "%s", what);
            cr_assert_eq(ea.segment, eb.segment, "%s", what);
            cr_assert_eq(ea.offset, eb.offset, "%s", what);
        }
        if (ra <= 0)
            break;
        n++;
        const char *d = seg_diff(x, y);
        cr_assert_null(d, "%s: segment %ld (offset %llu / %llu, '%.20s') differs: %s", what, n,
                       (unsigned long long)x->offset, (unsigned long long)y->offset, x->ptr, d);
    }
    cr_assert_eq(rcm_x12_bytes(a), rcm_x12_bytes(b), "%s: bytes consumed", what);
    return n;
}

/* The bytes p[0, n) read from memory and from a file must be the same stream. */
static long file_equals_mem(const void *p, size_t n, const char *what)
{
    char path[512];
    int fd = tmp_file(path, sizeof(path), p, n);
    close(fd);
    rcm_x12_reader *m = NULL, *f = NULL;
    rcm_error em, ef;
    memset(&em, 0, sizeof(em));
    memset(&ef, 0, sizeof(ef));
    int rm = rcm_x12_open_mem(&m, p, n, "x", &em), rf = rcm_x12_open_file(&f, path, &ef);
    unlink(path); /* open already: nothing is left behind if an assertion fails */
    cr_assert_eq(rm, rf, "%s: open %d (%s) vs %d (%s)", what, rm, em.msg, rf, ef.msg);
    long segs = -1;
    if (rm == 0)
        segs = same_stream(m, f, what);
    else
        cr_assert_str_eq(em.msg, ef.msg, "%s", what);
    rcm_x12_reader_free(m);
    rcm_x12_reader_free(f);
    return segs;
}

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}
static unsigned rng_below(uint64_t *s, unsigned n) { return (unsigned)(rng_next(s) % n); }

/* What the generator wrote, segment by segment: the oracle for both readers. */
typedef struct exp_seg {
    uint64_t offset;
    long line;
    uint32_t len;
    uint32_t seps;
    rcm_x12_delims d;
    int unterminated;
} exp_seg;

typedef struct gen {
    rcm_buf b;
    uint64_t rng;
    long nl;           /* '\n' written so far */
    rcm_x12_delims d;
    exp_seg *exp;
    size_t nexp, capexp;
} gen;

static void gen_put(gen *g, const char *p, size_t n)
{
    rcm_buf_add(&g->b, p, n);
    for (size_t i = 0; i < n; i++)
        g->nl += p[i] == '\n';
}

static void gen_ws(gen *g)
{
    static const char *const ws[] = { "", "", "\n", "\r\n", "\r\n", "\n", "\r\n  ", "\n\t\t", "\n\n\n",
                                      "   ", "\r\n\r\n", " \t \n" };
    const char *w = ws[rng_below(&g->rng, sizeof(ws) / sizeof(ws[0]))];
    if (!strchr(w, g->d.seg))
        gen_put(g, w, strlen(w));
}

/* Records and writes one segment (text without terminator). */
static void gen_seg(gen *g, const char *text, size_t n, int terminate)
{
    cr_assert_not(rcm_buf_failed(&g->b));
    if (g->nexp == g->capexp) {
        g->capexp = g->capexp ? 2 * g->capexp : 1024;
        g->exp = realloc(g->exp, g->capexp * sizeof(*g->exp));
        cr_assert_not_null(g->exp);
    }
    exp_seg *x = &g->exp[g->nexp++];
    x->offset = g->b.len;
    x->line = g->nl + 1;
    x->d = g->d;
    x->unterminated = !terminate;
    size_t len = n;
    if (!terminate)
        while (len && (text[len - 1] == ' ' || text[len - 1] == '\t' || text[len - 1] == '\r' ||
                       text[len - 1] == '\n'))
            len--;
    x->len = (uint32_t)len;
    x->seps = 0;
    for (size_t i = 0; i < len; i++)
        x->seps += text[i] == g->d.elem;
    gen_put(g, text, n);
    if (terminate)
        gen_put(g, &g->d.seg, 1);
    gen_ws(g);
}

static void gen_fmt_seg(gen *g, rcm_buf *t, const char *text)
{
    rcm_buf_reset(t);
    for (const char *p = text; *p; p++)
        rcm_buf_addc(t, *p == '*' ? g->d.elem : *p == ':' ? g->d.comp : *p);
    gen_seg(g, t->ptr, t->len, 1);
}

static void gen_isa(gen *g, rcm_buf *t)
{
    static const rcm_x12_delims sets[] = {
        { '*', '^', ':', '~' }, { '*', '^', ':', '~' }, { '~', '^', ':', '_' }, { '*', '^', '|', '~' },
        { '*', '^', ':', 0x1D }, { '|', '^', '>', '\n' }, { '+', '!', ':', '\'' }, { '*', '^', ':', '\r' },
    };
    g->d = sets[rng_below(&g->rng, sizeof(sets) / sizeof(sets[0]))];
    rcm_buf_reset(t);
    if (rng_below(&g->rng, 4)) {
        add_isa(t, g->d, "000000001");
        t->len--; /* the terminator comes from gen_seg */
    } else { /* not fixed width: no repetition separator is taken from it */
        rcm_buf_adds(t, "ISA*00**00**ZZ*A LONGER SENDER ID*ZZ*R*20240101*1200*^*00501*1*0*T*");
        rcm_buf_addc(t, g->d.comp);
        for (size_t i = 0; i < t->len; i++)
            if (t->ptr[i] == '*')
                t->ptr[i] = g->d.elem;
        g->d.rep = 0;
    }
    gen_seg(g, t->ptr, t->len, 1);
}

static void gen_body(gen *g, rcm_buf *t, int terminate)
{
    static const char *const ids[] = { "NM1", "REF", "N3", "CLM", "SV1", "LX", "DTP", "NTE", "HI" };
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -.,/()";
    rcm_buf_reset(t);
    rcm_buf_adds(t, ids[rng_below(&g->rng, sizeof(ids) / sizeof(ids[0]))]);
    unsigned k = rng_below(&g->rng, 10), r = rng_below(&g->rng, 1000);
    if (r < 20)
        k = 60 + rng_below(&g->rng, 150); /* around and past the element limit */
    for (unsigned i = 0; i < k; i++) {
        rcm_buf_addc(t, g->d.elem);
        unsigned len = rng_below(&g->rng, 12), q = rng_below(&g->rng, 10000);
        if (q < 300)
            len = rng_below(&g->rng, 3000);
        else if (q < 303)
            len = 100000 + rng_below(&g->rng, 300000); /* crosses the window end */
        else if (q < 1000)
            len = 0;
        if (len > 1000 && t->len > 500000)
            len = 0; /* keep the segment well inside the window */
        for (unsigned j = 0; j < len; j++) {
            unsigned c = rng_below(&g->rng, 200);
            char ch = c == 0 ? g->d.comp : c == 1 ? '\n' : c == 2 ? '\r' : alpha[c % (sizeof(alpha) - 1)];
            if (ch == g->d.seg || ch == g->d.elem)
                ch = 'Z';
            rcm_buf_addc(t, ch);
        }
    }
    cr_assert_not(rcm_buf_failed(t));
    gen_seg(g, t->ptr, t->len, terminate);
}

/* Interchanges of random shape until at least size bytes; the last segment may be unterminated. */
static void gen_file(gen *g, uint64_t seed, size_t size)
{
    memset(g, 0, sizeof(*g));
    rcm_buf_init(&g->b, (size_t)64 << 20);
    g->rng = seed * 0x9E3779B97F4A7C15u + 1;
    rcm_buf t;
    rcm_buf_init(&t, (size_t)4 << 20);
    if (rng_below(&g->rng, 2))
        gen_put(g, "\xEF\xBB\xBF", 3);
    while (g->b.len < size) {
        gen_isa(g, &t);
        gen_fmt_seg(g, &t, "GS*HC*S*R*20240101*1200*1*X*005010X222A1");
        gen_fmt_seg(g, &t, "ST*837*0001*005010X222A1");
        unsigned segs = rng_below(&g->rng, 3000);
        for (unsigned i = 0; i < segs && g->b.len < size; i++)
            gen_body(g, &t, 1);
        gen_fmt_seg(g, &t, "SE*2*0001");
        gen_fmt_seg(g, &t, "GE*1*1");
        gen_fmt_seg(g, &t, "IEA*1*000000001");
    }
    if (rng_below(&g->rng, 2))
        gen_body(g, &t, 0);
    rcm_buf_release(&t);
}

static void gen_release(gen *g)
{
    rcm_buf_release(&g->b);
    free(g->exp);
}

/* Checks every segment of r against the generator's record. */
static void check_against(rcm_x12_reader *r, const gen *g, const char *what)
{
    const unsigned char *data = (const unsigned char *)g->b.ptr;
    for (size_t i = 0; i < g->nexp; i++) {
        const exp_seg *x = &g->exp[i];
        const rcm_x12_seg *s = NULL;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = rcm_x12_next(r, &s, &err);
        cr_assert_eq(rc, 1, "%s: segment %zu at %llu: %d %s", what, i + 1, (unsigned long long)x->offset,
                     rc, err.msg);
        cr_assert_eq(s->number, (long)i + 1, "%s", what);
        cr_assert_eq(s->offset, x->offset, "%s: segment %zu: offset %llu, expected %llu", what, i + 1,
                     (unsigned long long)s->offset, (unsigned long long)x->offset);
        cr_assert_eq(s->line, x->line, "%s: segment %zu: line %ld, expected %ld", what, i + 1, s->line,
                     x->line);
        cr_assert_eq(s->len, x->len, "%s: segment %zu: len %u, expected %u", what, i + 1, s->len, x->len);
        cr_assert(memcmp(s->ptr, data + x->offset, x->len) == 0, "%s: segment %zu bytes", what, i + 1);
        cr_assert(memcmp(&s->d, &x->d, sizeof(s->d)) == 0, "%s: segment %zu delimiters", what, i + 1);
        cr_assert_eq(s->unterminated, x->unterminated, "%s: segment %zu", what, i + 1);
        unsigned want = x->seps > RCM_X12_MAX_ELEMS ? RCM_X12_MAX_ELEMS : x->seps;
        cr_assert_eq(s->n, want, "%s: segment %zu: n %u, expected %u", what, i + 1, s->n, want);
        cr_assert_eq(s->too_many, x->seps > RCM_X12_MAX_ELEMS, "%s: segment %zu", what, i + 1);
        /* element i runs from after separator i to before separator i + 1 (or the end) */
        const char *p = s->ptr, *end = s->ptr + s->len;
        for (unsigned k = 0; k <= s->n; k++) {
            const char *q = memchr(p, s->d.elem, (size_t)(end - p));
            rcm_str e = rcm_x12_el(s, k);
            cr_assert(e.p == p && e.n == (size_t)((q ? q : end) - p),
                      "%s: segment %zu element %u view", what, i + 1, k);
            p = q ? q + 1 : end;
        }
    }
    expect_end(r);
    cr_assert_eq(rcm_x12_bytes(r), g->b.len, "%s: bytes consumed", what);
}

/* Random files of 2.5 MiB: memory and file readers both give exactly what was written. */
Test(x12_window, random_files_match_the_generator, .timeout = 120)
{
    for (uint64_t seed = 1; seed <= 6; seed++) {
        gen g;
        gen_file(&g, seed, RCM_X12_BUFSZ * 5 / 2);
        char what[64];
        snprintf(what, sizeof(what), "seed %llu memory", (unsigned long long)seed);
        rcm_x12_reader *r = open_mem_ok(g.b.ptr, g.b.len);
        check_against(r, &g, what);
        rcm_x12_reader_free(r);

        char path[512];
        int fd = tmp_file(path, sizeof(path), g.b.ptr, g.b.len);
        close(fd);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = rcm_x12_open_file(&r, path, &err);
        unlink(path);
        cr_assert_eq(rc, 0, "%s", err.msg);
        snprintf(what, sizeof(what), "seed %llu file", (unsigned long long)seed);
        check_against(r, &g, what);
        rcm_x12_reader_free(r);
        gen_release(&g);
    }
}

/*
 * A prefix fills the window to BUFSZ - k, then a tail holding an IEA, CRLF
 * and indentation, a fixed ISA with other delimiters, a '\n'-terminated
 * interchange, a long non-fixed-width ISA and a many-element segment. For
 * every k the window's end falls at another byte of the tail; the file must
 * read as memory does.
 */
Test(x12_window, tail_straddles_window_at_every_offset, .timeout = 300)
{
    rcm_buf tail;
    rcm_buf_init(&tail, RCM_MAX_MESSAGE);
    rcm_buf_adds(&tail, "IEA*1*000000001~\r\n \t ");
    rcm_x12_delims d2 = { '|', '!', '>', '~' }, d3 = { '*', '^', ':', '\n' };
    add_isa(&tail, d2, "000000002");
    rcm_buf_adds(&tail, "\r\n");
    add_seg(&tail, d2, "GS*HC*S*R*20240101*1200*2*X*005010X222A1", "\r\n");
    add_seg(&tail, d2, "IEA*0*000000002", "\n\n");
    add_isa(&tail, d3, "000000003");
    add_seg(&tail, d3, "NTE*LINE ONE", "");
    add_seg(&tail, d3, "NTE*LINE TWO", "\r");
    add_seg(&tail, d3, "IEA*0*000000003", "   ");
    rcm_buf_adds(&tail, "ISA*00**00**ZZ*A RATHER LONG SENDER NAME THAT PUSHES THE HEADER PAST 106*ZZ*"
                        "AND A RECEIVER AS LONG AS THAT*20240101*1200*^*00501*4*0*T*:~\r\n");
    rcm_buf_adds(&tail, "REF");
    for (int i = 0; i < 80; i++)
        rcm_buf_addf(&tail, "*%d", i);
    rcm_buf_adds(&tail, "~\r\nIEA*0*4~\r\n");

    const size_t cap = RCM_X12_BUFSZ, room = tail.len + 200;
    const size_t fixed = cap - room - 300; /* bytes never rewritten */
    char *buf = malloc(cap + tail.len + 64);
    cr_assert_not_null(buf);
    rcm_buf pre;
    rcm_buf_init(&pre, cap);
    add_isa(&pre, STD, "000000001");
    rcm_buf_adds(&pre, "\r\n");
    while (pre.len < fixed) { /* segments of 40000 bytes, the last one what is left */
        size_t n = fixed - pre.len < 80000 ? fixed - pre.len : 40000;
        rcm_buf_adds(&pre, "NTE*");
        for (size_t i = 4; i + 2 < n; i++)
            rcm_buf_addc(&pre, (char)('A' + i % 26));
        rcm_buf_adds(&pre, "~\n");
    }
    cr_assert_eq(pre.len, fixed);
    cr_assert_not(rcm_buf_failed(&pre));
    size_t plen = pre.len;
    memcpy(buf, pre.ptr, plen);
    rcm_buf_release(&pre);

    char path[512];
    int fd = tmp_file(path, sizeof(path), buf, plen);
    long first = -1;
    for (size_t k = 0; k <= tail.len + 4; k++) {
        /* the pad segment ends the prefix at exactly cap - k */
        size_t at = cap - k, n = at - plen;
        cr_assert_geq(n, 6);
        memcpy(buf + plen, "NTE*", 4);
        memset(buf + plen + 4, 'p', n - 6);
        memcpy(buf + plen + n - 2, "~\n", 2);
        memcpy(buf + at, tail.ptr, tail.len);
        size_t total = at + tail.len;
        cr_assert_eq(pwrite(fd, buf + plen, total - plen, (off_t)plen), (ssize_t)(total - plen));
        cr_assert_eq(ftruncate(fd, (off_t)total), 0);

        rcm_x12_reader *m = open_mem_ok(buf, total), *f = NULL;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        cr_assert_eq(rcm_x12_open_file(&f, path, &err), 0, "%s", err.msg);
        char what[64];
        snprintf(what, sizeof(what), "tail at window end - %zu", k);
        long segs = same_stream(m, f, what);
        if (first < 0)
            first = segs;
        cr_assert_eq(segs, first, "%s: %ld segments, first run had %ld", what, segs, first);
        rcm_x12_reader_free(m);
        rcm_x12_reader_free(f);
    }
    close(fd);
    unlink(path);
    free(buf);
    rcm_buf_release(&tail);
}

/* Every sample file reads the same from a file as from memory. */
Test(x12_window, samples_file_equals_mem, .timeout = 120)
{
    static const char root[] = "tests/data/x12";
    DIR *top = opendir(root);
    cr_assert_not_null(top, "run from the repository root");
    struct dirent *e;
    int files = 0;
    while ((e = readdir(top))) {
        if (e->d_name[0] == '.')
            continue;
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/%s", root, e->d_name);
        DIR *sub = opendir(dir);
        if (!sub)
            continue;
        struct dirent *f;
        while ((f = readdir(sub))) {
            if (f->d_name[0] == '.')
                continue;
            char path[1024];
            snprintf(path, sizeof(path), "%s/%s", dir, f->d_name);
            FILE *fp = fopen(path, "rb");
            cr_assert_not_null(fp);
            static char data[4 << 20];
            size_t n = fread(data, 1, sizeof(data), fp);
            fclose(fp);
            char *exact = malloc(n ? n : 1);
            memcpy(exact, data, n);
            file_equals_mem(exact, n, path);
            free(exact);
            files++;
        }
        closedir(sub);
    }
    closedir(top);
    cr_assert_gt(files, 100);
}

/* A segment longer than the window: RCM_ELIMIT, located, no loop. */
Test(x12_window, segment_longer_than_window)
{
    const size_t cap = RCM_X12_BUFSZ;
    for (int variant = 0; variant < 3; variant++) {
        rcm_buf b;
        rcm_buf_init(&b, 3 * cap);
        add_isa(&b, STD, "000000001");
        rcm_buf_adds(&b, "\nGS*HC~\n");
        size_t start = b.len;
        rcm_buf_adds(&b, "NTE*");
        size_t body = variant == 0 ? cap + 10 : variant == 1 ? 2 * cap : cap;
        char *w = rcm_buf_reserve(&b, body);
        cr_assert_not_null(w);
        memset(w, 'x', body);
        b.len += body;
        if (variant != 1) /* variant 1 has no terminator at all */
            rcm_buf_adds(&b, "~IEA*1*000000001~");
        char path[512];
        int fd = tmp_file(path, sizeof(path), b.ptr, b.len);
        close(fd);
        rcm_x12_reader *r = NULL;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int orc = rcm_x12_open_file(&r, path, &err);
        unlink(path);
        cr_assert_eq(orc, 0, "%s", err.msg);
        const rcm_x12_seg *s;
        cr_assert_eq(rcm_x12_next(r, &s, &err), 1);
        cr_assert_eq(rcm_x12_next(r, &s, &err), 1);
        int rc = rcm_x12_next(r, &s, &err);
        cr_assert_eq(rc, RCM_ELIMIT, "variant %d: %d %s", variant, rc, err.msg);
        cr_assert(strstr(err.msg, "longer than"), "%s", err.msg);
        cr_assert(strstr(err.msg, "segment 3"), "%s", err.msg);
        cr_assert_eq(err.segment, 3);
        cr_assert_eq(err.line, 3);
        cr_assert_eq(err.offset, start);
        cr_assert_str_eq(err.source, path);
        rcm_x12_reader_free(r);
        /* memory has no window: the same bytes read fine */
        r = open_mem_ok(b.ptr, b.len);
        next_ok(r);
        next_ok(r);
        s = next_ok(r);
        cr_assert_eq(s->len, 4 + body);
        rcm_x12_reader_free(r);
        rcm_buf_release(&b);
    }
}

/* A missing terminator that does not print is named by its code. */
Test(x12_window, segment_too_long_names_terminator)
{
    rcm_buf b;
    rcm_buf_init(&b, 3 * RCM_X12_BUFSZ);
    rcm_x12_delims d = { '*', '^', ':', 0x1D };
    add_isa(&b, d, "000000001");
    rcm_buf_adds(&b, "NTE*");
    char *w = rcm_buf_reserve(&b, RCM_X12_BUFSZ);
    memset(w, 'x', RCM_X12_BUFSZ);
    b.len += RCM_X12_BUFSZ;
    char path[512];
    int fd = tmp_file(path, sizeof(path), b.ptr, b.len);
    close(fd);
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_file(&r, path, &err);
    unlink(path);
    cr_assert_eq(rc, 0);
    rcm_error e = next_fails(r, RCM_ELIMIT);
    cr_assert(strstr(e.msg, "terminator 0x1D missing"), "%s", e.msg);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* The longest segment a file may hold: terminator included it fills the window exactly. */
Test(x12_window, segment_filling_the_window)
{
    const size_t cap = RCM_X12_BUFSZ;
    rcm_buf b;
    rcm_buf_init(&b, 3 * cap);
    add_isa(&b, STD, "000000001");
    rcm_buf_adds(&b, "NTE*");
    size_t body = cap - 1 - 4;
    char *w = rcm_buf_reserve(&b, body);
    memset(w, 'y', body);
    b.len += body;
    rcm_buf_adds(&b, "~IEA*1*000000001~");
    cr_assert_eq(file_equals_mem(b.ptr, b.len, "window-long segment"), 3);
    rcm_buf_release(&b);
}

/* More whitespace before the first ISA than the window holds. */
Test(x12_window, leading_whitespace_longer_than_window)
{
    rcm_buf b;
    rcm_buf_init(&b, 3 * RCM_X12_BUFSZ);
    size_t n = RCM_X12_BUFSZ + RCM_X12_BUFSZ / 2;
    char *w = rcm_buf_reserve(&b, n);
    for (size_t i = 0; i < n; i++)
        w[i] = i % 2 ? '\n' : ' ';
    b.len += n;
    add_interchange(&b, STD, "000000001", "\n");
    cr_assert_eq(file_equals_mem(b.ptr, b.len, "leading whitespace"), 8);
    rcm_x12_reader *r = open_mem_ok(b.ptr, b.len);
    const rcm_x12_seg *s = next_ok(r);
    cr_assert_eq(s->offset, n);
    cr_assert_eq(s->line, (long)n / 2 + 1);
    rcm_x12_reader_free(r);
    rcm_buf_release(&b);
}

/* Whitespace between segments longer than the window. */
Test(x12_window, whitespace_between_segments_longer_than_window)
{
    rcm_buf b;
    rcm_buf_init(&b, 4 * RCM_X12_BUFSZ);
    add_isa(&b, STD, "000000001");
    size_t n = 2 * RCM_X12_BUFSZ + 7;
    char *w = rcm_buf_reserve(&b, n);
    for (size_t i = 0; i < n; i++)
        w[i] = i % 3 ? ' ' : '\n';
    b.len += n;
    rcm_buf_adds(&b, "IEA*0*000000001~");
    cr_assert_eq(file_equals_mem(b.ptr, b.len, "whitespace"), 2);
    rcm_buf_release(&b);
}

Test(x12_window, file_errors)
{
    rcm_x12_reader *r = (rcm_x12_reader *)1;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_file(&r, "no/such/file.x12", &err), RCM_EIO);
    cr_assert_null(r);
    cr_assert_str_eq(err.source, "no/such/file.x12");
    cr_assert(strstr(err.msg, "cannot open"), "%s", err.msg);

    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_file(&r, "tests", &err); /* a directory */
    cr_assert_eq(rc, RCM_EIO, "%d %s", rc, err.msg);
    cr_assert_str_eq(err.source, "tests");

    char path[512];
    int fd = tmp_file(path, sizeof(path), "", 0);
    close(fd);
    memset(&err, 0, sizeof(err));
    rc = rcm_x12_open_file(&r, path, &err);
    unlink(path);
    cr_assert_eq(rc, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "empty"), "%s", err.msg);
    cr_assert_str_eq(err.source, path);

    static const char u16[] = "I\0S\0A\0*\0";
    fd = tmp_file(path, sizeof(path), u16, sizeof(u16) - 1);
    close(fd);
    memset(&err, 0, sizeof(err));
    rc = rcm_x12_open_file(&r, path, &err);
    unlink(path);
    cr_assert_eq(rc, RCM_EFORMAT);
    cr_assert(strstr(err.msg, "UTF-16"), "%s", err.msg);
    cr_assert_eq(err.line, 1);
}

/* Standard input through a pipe: reads come back short; the stream must not change. */
Test(x12_window, stdin_pipe, .timeout = 60)
{
    gen g;
    gen_file(&g, 42, RCM_X12_BUFSZ * 2 + 12345);
    int p[2];
    cr_assert_eq(pipe(p), 0);
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        close(p[0]);
        const char *q = g.b.ptr;
        size_t n = g.b.len;
        while (n) {
            size_t chunk = n < 7777 ? n : 7777; /* odd sizes: reads return partial windows */
            ssize_t k = write(p[1], q, chunk);
            if (k <= 0)
                _exit(1);
            q += k;
            n -= (size_t)k;
        }
        _exit(0);
    }
    close(p[1]);
    cr_assert_eq(dup2(p[0], 0), 0);
    close(p[0]);
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_file(&r, "-", &err), 0, "%s", err.msg);
    cr_assert_str_eq(rcm_x12_source(r), "stdin");
    check_against(r, &g, "stdin");
    rcm_x12_reader_free(r);
    int status = 0;
    waitpid(pid, &status, 0);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    gen_release(&g);
}
