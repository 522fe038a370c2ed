/*
 * The X12 tokenizer: splits an interchange into segments and elements.
 *
 * Delimiters come from each ISA (element separator at ISA position 4,
 * repetition ISA11, component ISA16, terminator after ISA16). The scan is
 * vectorized: 64 bytes at a time are compared against the segment
 * terminator, the element separator and '\n', giving one bit per interesting
 * byte; only set bits are visited. Bits left over after a terminator are kept
 * for the next segment, so every byte is compared once.
 *
 * A file is read through one fixed window of RCM_X12_BUFSZ bytes: memory
 * stays flat whatever the input size. A segment that straddles the window's
 * end is moved to its start and rescanned.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "x12_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define PAD 64
#define ISA_SEARCH 512  /* bytes searched for the 16 separators of a non-fixed-width ISA */

/*
 * The scan state carried from one segment to the next: the 64-byte block at
 * blk and its unvisited bits, one mask per delimiter.
 */
typedef struct scan_state {
    size_t blk;
    uint64_t t, e, nl;  /* segment terminators, element separators, '\n' */
    size_t end;         /* blk + 64 while masks are carried, 0 when none are */
} scan_state;

struct rcm_x12_reader {
    char *source;
    int fd;                     /* -1 for memory readers */
    unsigned char *buf;         /* file window (cap + PAD bytes), NULL for memory */
    size_t cap;
    const unsigned char *data;  /* current window */
    size_t len;                 /* valid bytes in data */
    size_t pos;                 /* where the next segment (or whitespace before it) starts */
    uint64_t base;              /* input offset of data[0] */
    int eof;                    /* nothing more to read after data[len) */
    int started;                /* the first ISA was checked */
    long line;                  /* '\n' seen before pos */
    long segno;
    rcm_x12_delims d;
    scan_state scan;            /* masks carried between segments */
    int lf_skip;                /* a LF between segments can be skipped (it is no delimiter) */
    rcm_x12_seg seg;
};

/* Sets the three masks for the 64 bytes at p (all readable). */
static inline void classify64(const unsigned char *p, char segc, char elc, uint64_t *t,
                              uint64_t *e, uint64_t *nl)
{
#if defined(__SSE2__)
    const __m128i vt = _mm_set1_epi8(segc), ve = _mm_set1_epi8(elc), vn = _mm_set1_epi8('\n');
    uint64_t mt = 0, me = 0, mn = 0;
    for (int i = 0; i < 4; i++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        mt |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vt)) << (16 * i);
        me |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, ve)) << (16 * i);
        mn |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, vn)) << (16 * i);
    }
#else
    uint64_t mt = 0, me = 0, mn = 0;
    for (int i = 0; i < 64; i++) {
        mt |= (uint64_t)(p[i] == (unsigned char)segc) << i;
        me |= (uint64_t)(p[i] == (unsigned char)elc) << i;
        mn |= (uint64_t)(p[i] == '\n') << i;
    }
#endif
    *t = mt;
    *e = me;
    *nl = mn;
}

static inline int bitcount(uint64_t m) /* few bits set: cheaper than a software popcount */
{
    int k = 0;
    for (; m; m &= m - 1)
        k++;
    return k;
}

/*
 * Finds the terminator of the segment that starts at s (pos <= s: pos is
 * where the whitespace before it starts). Stores element offsets (relative
 * to s, +1) into off[1..]; adds the '\n' in [pos, terminator] to *nl_in.
 * Returns the terminator's index, or (size_t)-1 when data[len) ends first.
 *
 * Three separate masks mean no branch on which delimiter a byte is: the
 * terminator is the lowest bit of t, the elements before it the bits of e
 * below it. Separators are stored a block at a time (off[] has 64 spare
 * slots) and the element limit is checked once per block.
 */
static inline __attribute__((always_inline)) size_t scan(scan_state *st, const unsigned char *data, size_t len, size_t pos,
                          size_t s, char segc, char elc, uint32_t *off, uint32_t *n_io,
                          unsigned *too_many, long *nl_in)
{
    uint32_t n = 0;
    size_t blk;
    uint64_t t, e, nl;
    if (pos < st->end) { /* the carried block still covers pos (end is 0 when nothing is carried) */
        blk = st->blk;
        t = st->t;
        e = st->e;
        nl = st->nl;
    } else {
        blk = pos;
        goto load;
    }
    for (;;) {
        /*
         * No bit below pos is left (carried masks are cleared up to the last
         * terminator); between pos and s lie only whitespace bytes, which can
         * set nothing but '\n' bits: those are counted with the segment's.
         */
        uint32_t base = (uint32_t)(blk - s + 1);
        if (t) {
            unsigned k = (unsigned)__builtin_ctzll(t);
            uint64_t upto = t ^ (t - 1); /* bits 0..k */
            for (uint64_t m = e & upto; m; m &= m - 1)
                off[++n] = base + (uint32_t)__builtin_ctzll(m);
            if (UNLIKELY(nl & upto))
                *nl_in += bitcount(nl & upto);
            if (UNLIKELY(n > RCM_X12_MAX_ELEMS)) {
                n = RCM_X12_MAX_ELEMS;
                *too_many = 1;
            }
            st->blk = blk;
            st->t = t & ~upto;
            st->e = e & ~upto;
            st->nl = nl & ~upto;
            st->end = blk + 64;
            *n_io = n;
            return blk + k;
        }
        for (; e; e &= e - 1)
            off[++n] = base + (uint32_t)__builtin_ctzll(e);
        if (UNLIKELY(nl))
            *nl_in += bitcount(nl);
        if (UNLIKELY(n > RCM_X12_MAX_ELEMS)) {
            n = RCM_X12_MAX_ELEMS;
            *too_many = 1;
        }
        blk += 64;
    load:
        if (blk >= len) {
            st->end = 0;
            *n_io = n;
            return (size_t)-1;
        }
        if (LIKELY(len - blk >= 64)) {
            classify64(data + blk, segc, elc, &t, &e, &nl);
        } else {
            unsigned char tmp[64];
            size_t avail = len - blk;
            memset(tmp, 0, sizeof(tmp));
            memcpy(tmp, data + blk, avail);
            classify64(tmp, segc, elc, &t, &e, &nl);
            uint64_t valid = ~(uint64_t)0 >> (64 - avail);
            t &= valid;
            e &= valid;
            nl &= valid;
        }
    }
}

static int is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

/* Reads more input after moving [keep, len) to the window's start. Returns bytes read, <0 error. */
static int refill(rcm_x12_reader *r, size_t keep, rcm_error *err)
{
    if (r->fd < 0 || r->eof)
        return 0;
    size_t n = r->len - keep;
    if (keep) {
        memmove(r->buf, r->buf + keep, n);
        r->base += keep;
        r->pos -= keep;
        r->len = n;
    }
    r->scan.end = 0;
    size_t got = 0;
    while (r->len < r->cap) {
        ssize_t k = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            err->source = r->source;
            return rcm_error_set(err, RCM_EIO, "cannot read: %s", strerror(errno));
        }
        if (k == 0) {
            r->eof = 1;
            break;
        }
        r->len += (size_t)k;
        got += (size_t)k;
    }
    memset(r->buf + r->len, 0, PAD);
    return (int)(got > 0);
}

static int fail_at(rcm_x12_reader *r, rcm_error *err, int code, size_t at, long line)
{
    err->source = r->source;
    err->line = line;
    err->offset = r->base + at;
    err->segment = r->segno + 1;
    err->code = code;
    return code;
}

/*
 * Takes the delimiters from the ISA at data[s]. The ISA should be fixed
 * width (106 bytes with its terminator); when it is not, the 16th element
 * separator is found and ISA16 and the terminator follow it.
 */
static int read_isa_delims(rcm_x12_reader *r, size_t s, rcm_error *err, long line)
{
    const unsigned char *p = r->data + s;
    size_t avail = r->len - s;
    if (avail < 4) {
        fail_at(r, err, RCM_ESYNTAX, s, line);
        return rcm_error_set(err, RCM_ESYNTAX, "segment %ld 'ISA': interchange header is truncated",
                             r->segno + 1);
    }
    rcm_x12_delims d;
    d.elem = (char)p[3];
    if (isalnum(p[3]) || is_space(p[3]) || p[3] == 0) {
        fail_at(r, err, RCM_ESYNTAX, s, line);
        return rcm_error_set(err, RCM_ESYNTAX,
                             "segment %ld 'ISA' element 1: '%c' cannot be the element separator",
                             r->segno + 1, isprint(p[3]) ? p[3] : '?');
    }
    size_t i, seps = 0, lim = avail < ISA_SEARCH ? avail : ISA_SEARCH;
    for (i = 3; i < lim; i++)
        if (p[i] == (unsigned char)d.elem && ++seps == 16)
            break;
    if (seps < 16 || i + 2 >= avail) {
        fail_at(r, err, RCM_ESYNTAX, s, line);
        return rcm_error_set(err, RCM_ESYNTAX,
                             "segment %ld 'ISA': interchange header is truncated (%zu of 16 elements)",
                             r->segno + 1, seps);
    }
    d.comp = (char)p[i + 1];
    d.seg = (char)p[i + 2];
    /*
     * ISA11 is the repetition separator in 5010; in 4010 it is 'U' (a standards id).
     * Fixed width puts the 16th separator at 103 and ISA11 at 82, between separators.
     */
    d.rep = i == 103 && p[81] == p[3] && p[83] == p[3] ? (char)p[82] : 0;
    if (d.rep == 'U' || isalnum((unsigned char)d.rep) || d.rep == ' ')
        d.rep = 0;
    if (d.seg == d.elem || d.comp == d.elem || d.comp == d.seg || (d.rep && (d.rep == d.elem || d.rep == d.seg || d.rep == d.comp))) {
        fail_at(r, err, RCM_ESYNTAX, s, line);
        return rcm_error_set(err, RCM_ESYNTAX,
                             "segment %ld 'ISA' element 16: delimiters are not distinct "
                             "(element '%c', component '%c', segment '%c')",
                             r->segno + 1, d.elem, d.comp, isprint((unsigned char)d.seg) ? d.seg : '?');
    }
    if (isalnum((unsigned char)d.seg) || isalnum((unsigned char)d.comp)) {
        fail_at(r, err, RCM_ESYNTAX, s, line);
        return rcm_error_set(err, RCM_ESYNTAX,
                             "segment %ld 'ISA' element 16: a letter or digit cannot be a delimiter",
                             r->segno + 1);
    }
    r->d = d;
    r->seg.d = d; /* segments carry their interchange's delimiters */
    r->lf_skip = d.seg != '\n' && d.elem != '\n';
    return 0;
}

/* Checks what the input starts with: BOM, UTF-16, ISA. Leaves pos at the ISA. */
static int check_start(rcm_x12_reader *r, rcm_error *err)
{
    const unsigned char *p = r->data;
    size_t n = r->len, i = 0;
    if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF) ||
                   (p[0] != 0 && p[1] == 0) || (p[0] == 0 && p[1] != 0))) {
        err->source = r->source;
        err->line = 1;
        return rcm_error_set(err, RCM_EFORMAT,
                             "input is UTF-16 encoded; X12 must be 8-bit text "
                             "(convert it, e.g. iconv -f UTF-16LE -t ASCII)");
    }
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        i = 3;
    long line = 0;
    for (;;) {
        for (; i < r->len && is_space(r->data[i]); i++)
            line += r->data[i] == '\n';
        if (r->eof || r->len - i >= 3)
            break;
        /* whitespace up to the window's end: read on (a file only; memory is all there) */
        r->pos = i;
        int rc = refill(r, i, err);
        if (rc < 0)
            return rc;
        i = r->pos;
    }
    p = r->data;
    n = r->len;
    if (i == n) {
        err->source = r->source;
        return rcm_error_set(err, RCM_EFORMAT, "input is empty: no X12 interchange");
    }
    if (n - i < 3 || memcmp(p + i, "ISA", 3) != 0) {
        char shown[16];
        size_t k, m = n - i < 8 ? n - i : 8;
        for (k = 0; k < m; k++)
            shown[k] = isprint(p[i + k]) ? (char)p[i + k] : '?';
        shown[k] = '\0';
        err->source = r->source;
        err->line = line + 1;
        err->offset = r->base + i;
        return rcm_error_set(err, RCM_EFORMAT,
                             "not an X12 interchange: expected 'ISA' at byte %llu, found '%s'",
                             (unsigned long long)(r->base + i), shown);
    }
    r->pos = i;
    r->line = line;
    r->started = 1;
    return 0;
}

static rcm_x12_reader *reader_new(const char *source)
{
    rcm_x12_reader *r = calloc(1, sizeof(*r));
    if (!r)
        return NULL;
    size_t n = strlen(source);
    r->source = malloc(n + 1);
    if (!r->source) {
        free(r);
        return NULL;
    }
    memcpy(r->source, source, n + 1);
    r->fd = -1;
    r->d.elem = '*';
    r->d.seg = '~';
    r->d.comp = ':';
    r->seg.d = r->d;
    r->lf_skip = 1;
    return r;
}

int rcm_x12_open_mem(rcm_x12_reader **out, const void *buf, size_t len, const char *source,
                     rcm_error *err)
{
    rcm_error scratch;
    if (!err)
        err = &scratch;
    *out = NULL;
    rcm_x12_reader *r = reader_new(source ? source : "input");
    if (!r)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    r->data = buf ? buf : (const unsigned char *)"";
    r->len = buf ? len : 0;
    r->eof = 1;
    r->cap = len;
    int rc = check_start(r, err);
    if (rc < 0) {
        err->source = source ? source : "input"; /* r->source dies with r */
        rcm_x12_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int rcm_x12_open_file(rcm_x12_reader **out, const char *path, rcm_error *err)
{
    rcm_error scratch;
    if (!err)
        err = &scratch;
    *out = NULL;
    int stdin_ = strcmp(path, "-") == 0;
    rcm_x12_reader *r = reader_new(stdin_ ? "stdin" : path);
    if (!r)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    r->cap = RCM_X12_BUFSZ;
    r->buf = malloc(r->cap + PAD);
    if (!r->buf) {
        rcm_x12_reader_free(r);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    r->data = r->buf;
    r->fd = stdin_ ? 0 : open(path, O_RDONLY | O_CLOEXEC);
    if (r->fd < 0) {
        int e = errno;
        err->source = path;
        rcm_error_set(err, RCM_EIO, "cannot open: %s", strerror(e));
        rcm_x12_reader_free(r);
        return RCM_EIO;
    }
#ifdef POSIX_FADV_SEQUENTIAL
    if (!stdin_)
        (void)posix_fadvise(r->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
    int rc = refill(r, 0, err);
    if (rc >= 0)
        rc = check_start(r, err);
    if (rc < 0) {
        err->source = stdin_ ? "stdin" : path; /* r->source dies with r */
        rcm_x12_reader_free(r);
        return rc;
    }
    err->source = NULL;
    *out = r;
    return 0;
}

void rcm_x12_reader_free(rcm_x12_reader *r)
{
    if (!r)
        return;
    if (r->fd > 0)
        close(r->fd);
    free(r->buf);
    free(r->source);
    free(r);
}

const char *rcm_x12_source(const rcm_x12_reader *r) { return r->source; }
uint64_t rcm_x12_bytes(const rcm_x12_reader *r) { return r->base + r->pos; }

/*
 * Past the element limit the last element kept ends at the next separator,
 * not at the segment's end: its view must not hold the elements dropped.
 */
static void cut_last_element(rcm_x12_seg *seg)
{
    uint32_t a = seg->off[seg->n];
    const char *q = memchr(seg->ptr + a, seg->d.elem, seg->len - a);
    if (q)
        seg->off[seg->n + 1] = (uint32_t)(q - seg->ptr) + 1;
}

int rcm_x12_next(rcm_x12_reader *r, const rcm_x12_seg **out, rcm_error *err)
{
    rcm_error scratch;
    if (!err)
        err = &scratch;
    rcm_x12_seg *seg = &r->seg;
again:;
    size_t s = r->pos;
    long nl_ws = 0;
    /* whitespace between segments (CR/LF after terminators, indentation) */
    if (s + 1 < r->len && r->data[s] == '\n' && r->lf_skip) {
        s++; /* the common case: one LF after the terminator */
        nl_ws = 1;
    }
    if (UNLIKELY(s < r->len && (unsigned)(r->data[s] - 'A') >= 26u))
        while (s < r->len && is_space(r->data[s]) && r->data[s] != (unsigned char)r->d.seg &&
               r->data[s] != (unsigned char)r->d.elem)
            nl_ws += r->data[s++] == '\n';
    if (s == r->len) {
        if (r->eof) {
            r->line += nl_ws;
            r->pos = s;
            r->scan.end = 0;
            return 0;
        }
        r->line += nl_ws;
        r->pos = s;
        int rc = refill(r, s, err);
        if (rc < 0)
            return rc;
        goto again;
    }
    if (r->len - s < ISA_SEARCH + 2 && !r->eof) { /* room for any ISA header and its delimiters */
        r->line += nl_ws;
        r->pos = s;
        int rc = refill(r, s, err);
        if (rc < 0)
            return rc;
        goto again;
    }
    if (r->len - s >= 3 && r->data[s] == 'I' && r->data[s + 1] == 'S' && r->data[s + 2] == 'A') {
        int rc = read_isa_delims(r, s, err, r->line + nl_ws + 1);
        if (rc < 0)
            return rc;
        /* the ISA is scanned afresh with its own delimiters: the whitespace before it was
           skipped under the old ones (and may hold a byte that is a delimiter now) */
        r->line += nl_ws;
        nl_ws = 0;
        r->pos = s;
        r->scan.end = 0;
    }

    /* find the terminator: element offsets and newlines come with it */
    uint32_t n = 0;
    long nl_in = 0;
    unsigned too_many = 0;
    size_t at = scan(&r->scan, r->data, r->len, r->pos, s, r->d.seg, r->d.elem, seg->off, &n,
                           &too_many, &nl_in);
    if (LIKELY(at != (size_t)-1)) {
        seg->ptr = (const char *)r->data + s;
        seg->len = (uint32_t)(at - s);
        seg->n = n;
        seg->off[0] = 0;
        seg->off[n + 1] = seg->len + 1;
        seg->number = ++r->segno;
        seg->line = r->line + nl_ws + 1;
        seg->offset = r->base + s;
        seg->too_many = too_many;
        seg->unterminated = 0;
        if (UNLIKELY(too_many))
            cut_last_element(seg);
        r->line += nl_in; /* the whitespace newlines are among them */
        r->pos = at + 1;
        *out = seg;
        return 1;
    }
    /* no terminator in the window */
    if (!r->eof) {
        if (r->pos == 0 && r->len == r->cap) {
            fail_at(r, err, RCM_ELIMIT, s, r->line + nl_ws + 1);
            char t[8]; /* a terminator that does not print (CR, 0x1D) is shown by its code */
            if (isprint((unsigned char)r->d.seg))
                snprintf(t, sizeof(t), "'%c'", r->d.seg);
            else
                snprintf(t, sizeof(t), "0x%02X", (unsigned)(unsigned char)r->d.seg);
            return rcm_error_set(err, RCM_ELIMIT,
                                 "segment %ld is longer than %zu bytes: is the segment "
                                 "terminator %s missing?",
                                 r->segno + 1, r->cap, t);
        }
        int rc = refill(r, r->pos, err);
        if (rc < 0)
            return rc;
        goto again;
    }
    /* the input ends inside this segment */
    size_t end = r->len;
    while (end > s && is_space(r->data[end - 1]))
        end--;
    if (end == s) {
        r->line += nl_in; /* the whitespace newlines are among them */
        r->pos = r->len;
        r->scan.end = 0;
        return 0;
    }
    while (n > 0 && seg->off[n] > end - s + 1)
        n--;
    seg->ptr = (const char *)r->data + s;
    seg->len = (uint32_t)(end - s);
    seg->n = n;
    seg->off[0] = 0;
    seg->off[n + 1] = seg->len + 1;
    seg->number = ++r->segno;
    seg->line = r->line + nl_ws + 1;
    seg->offset = r->base + s;
    seg->too_many = too_many;
    seg->unterminated = 1;
    if (UNLIKELY(too_many))
        cut_last_element(seg);
    r->line += nl_in; /* the whitespace newlines are among them */
    r->pos = r->len;
    r->scan.end = 0;
    *out = seg;
    return 1;
}

rcm_str rcm_x12_comp(rcm_str el, char sep, unsigned j)
{
    const char *p = el.p, *e = el.p + el.n;
    for (unsigned k = 1; k < j; k++) {
        const char *q = memchr(p, sep, (size_t)(e - p));
        if (!q) {
            rcm_str none = { e, 0 };
            return none;
        }
        p = q + 1;
    }
    const char *q = memchr(p, sep, (size_t)(e - p));
    rcm_str r = { p, (size_t)((q ? q : e) - p) };
    return r;
}

unsigned rcm_x12_ncomp(rcm_str el, char sep)
{
    if (!el.n)
        return 0;
    unsigned k = 1;
    for (size_t i = 0; i < el.n; i++)
        k += el.p[i] == sep;
    return k;
}
