/*
 * The 837P/837I writer (include/rcm/x12write.h): streams claims into one
 * interchange, building each segment with direct byte appends.
 *
 * Each claim is rendered into scratch buffers first: the set header (1000A,
 * 1000B), the billing provider side (2000A body), the subscriber side (2000B
 * body), the patient (2000C body) and the claim itself (2300 and below).
 * Rendering checks what the guide requires and that no value holds a
 * delimiter; on the first problem the claim is refused and nothing of it
 * reaches the output. Otherwise the bodies are compared with the open
 * levels' to decide which HL levels (and whether a new ST) to open, and
 * everything is appended to the output buffer, which is written to the fd
 * or taken by the caller.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>
#include "x12_internal.h"
#include "x837.h"
#include "rcm/x12write.h"

#define FLUSH_AT ((size_t)256 * 1024)

/* Bytes a value must not hold: the delimiters, control characters, non-ASCII. */
enum { BAD_DELIM = 1, BAD_CTRL = 2, BAD_HIGH = 3, BAD_END = 4 /* the NUL ending a value */ };

/* The render target and its state while one segment is built. */
typedef struct wr {
    rcm_buf *b;
    long nseg;                  /* segments rendered into b */
    size_t mark;                /* length after the last non-empty element */
    size_t cstart, cmark;       /* composite: start, after its last non-empty component */
    int cfirst;
    char el, comp, rep, term;
    int nl;
    char kind;
    int zip5_ok;
    uint8_t qlo[8], qhi[8];     /* the QPOS rows of this kind, per Q_* slot: [qlo, qhi) */
    rcm_date dc_date[8];        /* date8's cache, direct-mapped by the low bits of the day */
    char dc_str[8][9];
    uint8_t bad[256];
    /* errors */
    int rc;
    rcm_error *err;
    const rcm_claim *c;
    const char *pfx;            /* path prefix format ("lines[%u].", "other[%u]."...) or NULL */
    unsigned i1, i2;
} wr;

typedef struct bht_key {
    char id[31], purpose[3], type[3], time[9];
    rcm_date date;
} bht_key;

struct rcm_x12_writer {
    rcm_x12_write_opts o;
    const char *version;
    wr r;
    rcm_buf out;
    /* scratch renders and the open levels' renders */
    rcm_buf hdr, a, bsub, pat, clm;
    rcm_buf cur_hdr, cur_a, cur_b, cur_c;
    long n_hdr, n_a, n_b, n_c, n_clm;
    long cur_n_hdr, cur_n_a, cur_n_b, cur_n_c;
    /* The last written claim's level data: a claim whose data is byte-for-byte
     * the same skips rendering those levels (the rendered bytes are compared
     * otherwise, so this is only a shortcut). */
    rcm_claim prev;
    int have_prev, prev_pat;
    int same_hdr, same_a, same_b, same_c;
    bht_key bht, cur_bht;
    int started;                /* ISA and GS written */
    int in_set;
    uint32_t st_next;
    char st_cur[10];
    long set_segments, claims_in_set;
    long hl;                    /* last HL01 in the set */
    long hl20, hl22, hl23;      /* open levels' ids, 0 none */
    int b_has_patient;          /* the open 2000B has 2000C children */
    long claims_in_b, claims_in_c;
    int dead;                   /* output failed: the writer is unusable */
    rcm_x12_write_stats st;
};

/* ---- errors ---- */

static void fail(wr *w, const char *owner, const char *field, const char *fmt, ...) RCM_PRINTF(4, 5);
static void fail(wr *w, const char *owner, const char *field, const char *fmt, ...)
{
    if (w->rc)
        return;
    w->rc = RCM_EINVAL;
    char path[128] = "", msg[160];
    size_t n = 0;
    if (w->pfx)
        n = (size_t)snprintf(path, sizeof(path), w->pfx, w->i1, w->i2);
    if (owner && n < sizeof(path))
        n += (size_t)snprintf(path + n, sizeof(path) - n, "%s.", owner);
    if (field && n < sizeof(path))
        snprintf(path + n, sizeof(path) - n, "%s", field);
    else if (n && path[n - 1] == '.')
        path[n - 1] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rcm_error_set(w->err, RCM_EINVAL, "claim '%s': %s: %s", w->c && w->c->id[0] ? w->c->id : "?", path,
                  msg);
}

#define MISSING(w, owner, field, what) fail((w), (owner), (field), "missing (%s)", (what))

/* ---- segment building ---- */

/* A pointer where n more bytes (and the NUL) fit, without a call when they already do. */
static inline char *room(rcm_buf *b, size_t n)
{
    if (LIKELY(b->cap - b->len > n + 1))
        return b->ptr + b->len;
    return rcm_buf_reserve(b, n + 1);
}

static inline void seg(wr *w, const char *id)
{
    size_t n = id[2] ? 3 : 2;
    char *p = room(w->b, 3);
    if (!p)
        return;
    memcpy(p, id, 3);
    w->b->len += n;
    w->mark = w->b->len;
}

static inline void seg_end(wr *w)
{
    rcm_buf *b = w->b;
    if (b->failed)
        return;
    b->len = w->mark;
    char *p = room(b, 2);
    if (!p)
        return;
    p[0] = w->term;
    p[1] = '\n';
    b->len += 1 + (size_t)w->nl;
    b->ptr[b->len] = '\0';
    w->nseg++;
}

static void bad_char(wr *w, const char *owner, const char *field, const char *s, unsigned char ch)
{
    int why = w->bad[ch];
    if (why == BAD_DELIM)
        fail(w, owner, field, "'%.40s' holds '%c', a delimiter of this interchange", s, ch);
    else if (why == BAD_CTRL)
        fail(w, owner, field, "'%.40s' holds a control character (0x%02x)", s, ch);
    else
        fail(w, owner, field, "'%.40s' holds a character outside the X12 character set (0x%02x)", s, ch);
}

/* Appends sep (unless 0) and the NUL-terminated s of at most max bytes; checks every byte. */
static inline __attribute__((always_inline)) size_t put_s(wr *w, char sep, const char *s, size_t max,
                                                          const char *owner, const char *field)
{
    rcm_buf *b = w->b;
    char *p = room(b, max + 1);
    if (!p)
        return 0;
    size_t head = sep != 0;
    p[0] = sep;
    p += head;
    size_t i = 0;
    for (; i < max; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (UNLIKELY(w->bad[ch])) { /* bad[0] is set too: one test per byte finds both */
            if (!ch)
                break;
            bad_char(w, owner, field, s, ch);
            return 0;
        }
        p[i] = (char)ch;
    }
    b->len += head + i;
    return i;
}

/* An element from a fixed char array field f of owner o. */
#define E(w, o, f, name) e_s((w), (o).f, sizeof((o).f), NULL, (name))
#define EP(w, p, f, pname) e_s((w), (p)->f, sizeof((p)->f), (pname), #f)

/* Inlined: it is the writer's inner loop (a call per element costs a fifth of the throughput). */
static inline __attribute__((always_inline)) void e_s(wr *w, const char *s, size_t max, const char *owner,
                                                       const char *field)
{
    if (put_s(w, w->el, s, max, owner, field))
        w->mark = w->b->len;
}

/* An element of n bytes that are ours (codes, numbers): no check. */
static inline void e_n(wr *w, const char *s, size_t n)
{
    char *p = room(w->b, n + 1);
    if (!p)
        return;
    p[0] = w->el;
    memcpy(p + 1, s, n);
    w->b->len += n + 1;
    if (n)
        w->mark = w->b->len;
}

/* A literal element: E_LIT(w, "XX") for string literals, e_lit for other C strings. */
#define E_LIT(w, lit) e_n((w), "" lit, sizeof(lit) - 1)
static inline void e_lit(wr *w, const char *s) { e_n(w, s, strlen(s)); }

static inline void e_empty(wr *w)
{
    char *p = room(w->b, 1);
    if (p) {
        *p = w->el;
        w->b->len++;
    }
}

static inline __attribute__((always_inline)) void e_chr(wr *w, char ch, const char *owner, const char *field)
{
    char s[2] = { ch, 0 };
    e_s(w, s, 1, owner, field);
}

/* Unsigned decimal digits of v ending at end; returns where they start. */
static inline char *digits_back(char *end, uint64_t v)
{
    do
        *--end = (char)('0' + v % 10);
    while (v /= 10);
    return end;
}

/* Cents as an X12 decimal into out (at least 24 bytes): 12345 -> "123.45", 100 -> "1"; returns its length. */
static size_t fmt_cents(char *out, int64_t v)
{
    char tmp[32];
    char *end = tmp + sizeof(tmp), *p;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(u % 100);
    p = end;
    if (frac) {
        if (frac % 10) {
            *--p = (char)('0' + frac % 10);
            *--p = (char)('0' + frac / 10);
        } else {
            *--p = (char)('0' + frac / 10);
        }
        *--p = '.';
    }
    p = digits_back(p, u / 100);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

static void e_cents(wr *w, int64_t v)
{
    char tmp[32];
    e_n(w, tmp, fmt_cents(tmp, v));
}

/* Thousandths as an X12 decimal: 1500 -> "1.5", 1000 -> "1". */
static size_t fmt_milli(char *out, int64_t v)
{
    char tmp[32];
    char *end = tmp + sizeof(tmp), *p = end;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(u % 1000);
    if (frac) {
        int digits = 3;
        while (frac % 10 == 0)
            frac /= 10, digits--;
        for (int k = 0; k < digits; k++, frac /= 10)
            *--p = (char)('0' + frac % 10);
        *--p = '.';
    }
    p = digits_back(p, u / 1000);
    if (v < 0)
        *--p = '-';
    size_t n = (size_t)(end - p);
    memcpy(out, p, n);
    out[n] = '\0';
    return n;
}

static void e_milli(wr *w, int64_t v)
{
    char tmp[32];
    e_n(w, tmp, fmt_milli(tmp, v));
}

static void e_u(wr *w, uint64_t v)
{
    char tmp[24];
    char *p = digits_back(tmp + sizeof(tmp), v);
    e_n(w, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* CCYYMMDD into out (9 bytes); dates repeat within a batch, so recent ones are kept. */
static void date8(wr *w, char *out, rcm_date d)
{
    unsigned k = (unsigned)d & 7;
    if (d != w->dc_date[k]) {
        rcm_date_fmt(w->dc_str[k], d, 0);
        w->dc_date[k] = d;
    }
    memcpy(out, w->dc_str[k], 9);
}

static void e_date(wr *w, rcm_date d)
{
    char tmp[16];
    date8(w, tmp, d);
    e_n(w, tmp, 8);
}

/* Composites: c_begin, c_* components, c_end (drops trailing empty components). */
static inline void c_begin(wr *w)
{
    e_empty(w);
    w->cstart = w->cmark = w->b->len;
    w->cfirst = 1;
}

static inline void c_s(wr *w, const char *s, size_t max, const char *owner, const char *field)
{
    char sep = w->cfirst ? 0 : w->comp;
    w->cfirst = 0;
    if (put_s(w, sep, s, max, owner, field))
        w->cmark = w->b->len;
}

/* A component that is ours (no check): c_n with its length, C_LIT for a string literal. */
static inline void c_n(wr *w, const char *s, size_t n)
{
    char *p = room(w->b, n + 1);
    if (!p)
        return;
    size_t head = !w->cfirst;
    p[0] = w->comp;
    memcpy(p + head, s, n);
    w->b->len += head + n;
    w->cfirst = 0;
    if (n)
        w->cmark = w->b->len;
}
#define C_LIT(w, lit) c_n((w), "" lit, sizeof(lit) - 1)
static inline void c_lit(wr *w, const char *s) { c_n(w, s, strlen(s)); }

static inline void c_end(wr *w)
{
    if (w->b->failed)
        return;
    w->b->len = w->cmark;
    if (w->cmark > w->cstart)
        w->mark = w->b->len;
}

/* ---- checks ---- */

static int hhmm_valid(const char *h)
{
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)h[i]))
            return 0;
    return !h[4] && (h[0] - '0') * 10 + (h[1] - '0') < 24 && (h[2] - '0') * 10 + (h[3] - '0') < 60;
}


/* Data in a field the loop cannot carry. */
static void not_used(wr *w, const char *owner, const char *field, const char *loop, const char *where)
{
    fail(w, owner, field, "not used in 837%c loop %s (%s)", w->kind, loop, where);
}

/* ---- what the guides allow (lib/x12/guides/837p.tbl, 837i.tbl) ---- */

/* Is q one of the comma-separated codes of list? (one pass, no calls: it runs for every claim) */
static int in_list(const char *list, const char *q)
{
    if (!q[0])
        return 0;
    for (const char *p = list;;) {
        const char *a = q;
        while (*a && *p == *a)
            p++, a++;
        if (!*a && (*p == ',' || !*p))
            return 1;
        while (*p && *p != ',')
            p++;
        if (!*p)
            return 0;
        p++;
    }
}

/*
 * The qualifiers a claims-JSON list (or a field of its own) may carry into
 * a loop: one row per position of the guide, with its codes, how many times
 * it may repeat, whether a date there may be a range (RD8) and the values
 * its REF02 may take. A qualifier with no row is refused.
 */
enum { Q_CLAIM_REF, Q_CLAIM_DATE, Q_CLAIM_NOTE, Q_LINE_REF, Q_LINE_DATE, Q_LINE_AMT, Q_LINE_NOTE, Q_SLOTS };
_Static_assert(Q_SLOTS <= 8, "wr.qlo holds 8 slots");

typedef struct qpos {
    char kind;                  /* 'P' or 'I' */
    uint8_t slot;               /* Q_* */
    const char *codes;
    uint8_t max;
    uint8_t range;              /* a date may be RD8 */
    const char *values;         /* REF02 values, NULL any */
} qpos;

static const qpos QPOS[] = {
    /* 837P 2300 */
    { 'P', Q_CLAIM_REF, "4N", 1, 0, "1,2,3,4,5,6,7" }, { 'P', Q_CLAIM_REF, "F5", 1, 0, "N,Y" },
    { 'P', Q_CLAIM_REF, "EW", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "9F", 1, 0, NULL },
    { 'P', Q_CLAIM_REF, "G1", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "F8", 1, 0, NULL },
    { 'P', Q_CLAIM_REF, "X4", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "9A", 1, 0, NULL },
    { 'P', Q_CLAIM_REF, "9C", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "LX", 1, 0, NULL },
    { 'P', Q_CLAIM_REF, "D9", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "EA", 1, 0, NULL },
    { 'P', Q_CLAIM_REF, "P4", 1, 0, NULL }, { 'P', Q_CLAIM_REF, "1J", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "431", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "454", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "304", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "453", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "439", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "484", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "455", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "471", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "314,360,361", 1, 1, NULL }, { 'P', Q_CLAIM_DATE, "297", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "296", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "435", 1, 0, NULL },
    { 'P', Q_CLAIM_DATE, "096", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "090,091", 2, 0, NULL },
    { 'P', Q_CLAIM_DATE, "444", 1, 0, NULL }, { 'P', Q_CLAIM_DATE, "050", 1, 0, NULL },
    { 'P', Q_CLAIM_NOTE, "ADD,CER,DCP,DGN,TPO", 1, 0, NULL },
    /* 837P 2400 */
    { 'P', Q_LINE_REF, "9B", 1, 0, NULL }, { 'P', Q_LINE_REF, "9D", 1, 0, NULL },
    { 'P', Q_LINE_REF, "G1", 5, 0, NULL }, { 'P', Q_LINE_REF, "6R", 1, 0, NULL },
    { 'P', Q_LINE_REF, "EW", 1, 0, NULL }, { 'P', Q_LINE_REF, "X4", 1, 0, NULL },
    { 'P', Q_LINE_REF, "F4", 1, 0, NULL }, { 'P', Q_LINE_REF, "BT", 1, 0, NULL },
    { 'P', Q_LINE_REF, "9F", 5, 0, NULL },
    { 'P', Q_LINE_DATE, "472", 1, 1, NULL }, { 'P', Q_LINE_DATE, "471", 1, 0, NULL },
    { 'P', Q_LINE_DATE, "607", 1, 0, NULL }, { 'P', Q_LINE_DATE, "463", 1, 0, NULL },
    { 'P', Q_LINE_DATE, "461", 1, 0, NULL }, { 'P', Q_LINE_DATE, "304", 1, 0, NULL },
    { 'P', Q_LINE_DATE, "738,739", 2, 0, NULL }, { 'P', Q_LINE_DATE, "011", 1, 0, NULL },
    { 'P', Q_LINE_DATE, "455", 1, 0, NULL }, { 'P', Q_LINE_DATE, "454", 1, 0, NULL },
    { 'P', Q_LINE_AMT, "T", 1, 0, NULL }, { 'P', Q_LINE_AMT, "F4", 1, 0, NULL },
    { 'P', Q_LINE_NOTE, "ADD,DCP", 1, 0, NULL }, { 'P', Q_LINE_NOTE, "TPO", 1, 0, NULL },
    /* 837I 2300 */
    { 'I', Q_CLAIM_REF, "4N", 1, 0, "1,2,3,4,5,6,7" }, { 'I', Q_CLAIM_REF, "9F", 1, 0, NULL },
    { 'I', Q_CLAIM_REF, "G1", 1, 0, NULL }, { 'I', Q_CLAIM_REF, "F8", 1, 0, NULL },
    { 'I', Q_CLAIM_REF, "9A", 1, 0, NULL }, { 'I', Q_CLAIM_REF, "9C", 1, 0, NULL },
    { 'I', Q_CLAIM_REF, "LX", 5, 0, NULL }, { 'I', Q_CLAIM_REF, "D9", 1, 0, NULL },
    { 'I', Q_CLAIM_REF, "LU", 1, 0, NULL }, { 'I', Q_CLAIM_REF, "EA", 1, 0, NULL },
    { 'I', Q_CLAIM_REF, "P4", 1, 0, NULL }, { 'I', Q_CLAIM_REF, "G4", 1, 0, NULL },
    { 'I', Q_CLAIM_DATE, "096", 1, 0, NULL }, { 'I', Q_CLAIM_DATE, "434", 1, 1, NULL },
    { 'I', Q_CLAIM_DATE, "435", 1, 0, NULL }, { 'I', Q_CLAIM_DATE, "050", 1, 0, NULL },
    { 'I', Q_CLAIM_NOTE, "ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI", 10, 0, NULL },
    { 'I', Q_CLAIM_NOTE, "ADD", 1, 0, NULL },
    /* 837I 2400 */
    { 'I', Q_LINE_REF, "6R", 1, 0, NULL }, { 'I', Q_LINE_REF, "9B", 1, 0, NULL },
    { 'I', Q_LINE_REF, "9D", 1, 0, NULL },
    { 'I', Q_LINE_DATE, "472", 1, 1, NULL },
    { 'I', Q_LINE_AMT, "GT", 1, 0, NULL }, { 'I', Q_LINE_AMT, "N8", 1, 0, NULL },
    { 'I', Q_LINE_NOTE, "TPO", 1, 0, NULL },
};

/* What each slot is, for messages: the segment and the loop. */
static const char *const Q_SEG[Q_SLOTS] = { "REF", "DTP", "NTE", "REF", "DTP", "AMT", "NTE" };
static const char *const Q_LOOP[Q_SLOTS] = { "2300", "2300", "2300", "2400", "2400", "2400", "2400" };

/* Counts of one loop instance's qualifiers, per QPOS row. */
typedef struct qcount {
    uint8_t n[ARRAY_SIZE(QPOS)];
} qcount;

/*
 * Takes one qualifier into a loop's counts: refused (naming owner.field)
 * when the loop has no position for it, when its position is already full,
 * when a date range goes where only D8 may, or when a REF value is not one
 * the position lists. value may be NULL (not a REF).
 */
static void q_take(wr *w, qcount *qc, int slot, const char *qual, int range, const char *value, const char *owner,
                   const char *field, const char *vfield)
{
    const qpos *p = NULL;
    for (size_t i = w->qlo[slot]; i < w->qhi[slot] && !p; i++)
        if (QPOS[i].kind == w->kind && QPOS[i].slot == slot && in_list(QPOS[i].codes, qual))
            p = &QPOS[i];
    if (!p) {
        char all[200] = "";
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_SIZE(QPOS); i++)
            if (QPOS[i].kind == w->kind && QPOS[i].slot == slot && n < sizeof(all))
                n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", n ? "," : "", QPOS[i].codes);
        fail(w, owner, field, "'%s' is not allowed in 837%c loop %s %s (allowed: %s)", qual, w->kind,
             Q_LOOP[slot], Q_SEG[slot], all);
        return;
    }
    if (range && !p->range)
        fail(w, owner, field, "'%s' takes one date (D8), not a range", qual);
    if (value && p->values && !in_list(p->values, value))
        fail(w, owner, vfield, "'%s' is not a value of REF*%s (%s)", value, qual, p->values);
    if (++qc->n[p - QPOS] > p->max)
        fail(w, owner, field, "'%s': 837%c loop %s allows %u %s with it", qual, w->kind, Q_LOOP[slot], p->max,
             Q_SEG[slot]);
}

/* The rows of QPOS for kind, per slot (they are contiguous; the scan checks kind and slot anyway). */
static void q_ranges(wr *w)
{
    for (int slot = 0; slot < Q_SLOTS; slot++) {
        w->qlo[slot] = w->qhi[slot] = 0;
        for (size_t i = 0; i < ARRAY_SIZE(QPOS); i++)
            if (QPOS[i].kind == w->kind && QPOS[i].slot == slot) {
                if (w->qlo[slot] == w->qhi[slot])
                    w->qlo[slot] = (uint8_t)i;
                w->qhi[slot] = (uint8_t)(i + 1);
            }
    }
}
_Static_assert(ARRAY_SIZE(QPOS) < 256, "QPOS rows are indexed by uint8_t");

/* The procedure code qualifiers (SV101-1, SV202-1, SVD03-1). */
static const char *proc_quals(char kind) { return kind == 'I' ? "ER,HC,HP,IV,WK" : "ER,HC,IV,WK"; }

/*
 * The HI code qualifiers of claims-JSON codes[] and what each carries: a
 * date ('D' one date D8, 'R' a span RD8, 0 none), an amount, a
 * present-on-admission indicator.
 */
typedef struct hi_rule {
    char kind;
    const char *quals;
    char date;
    uint8_t amount, poa;
} hi_rule;

static const hi_rule HI_RULES[] = {
    { 'P', "BP,BO", 0, 0, 0 }, { 'P', "BG", 0, 0, 0 },
    { 'I', "APR,PR", 0, 0, 0 }, { 'I', "ABN,BN", 0, 0, 1 }, { 'I', "DR", 0, 0, 0 },
    { 'I', "BBR,BR,CAH", 'D', 0, 0 }, { 'I', "BBQ,BQ", 'D', 0, 0 }, { 'I', "BI", 'R', 0, 0 },
    { 'I', "BH", 'D', 0, 0 }, { 'I', "BE", 0, 1, 0 }, { 'I', "BG", 0, 0, 0 }, { 'I', "TC", 0, 0, 0 },
};

static const hi_rule *hi_rule_of(char kind, const char *q)
{
    for (size_t i = 0; i < ARRAY_SIZE(HI_RULES); i++)
        if (HI_RULES[i].kind == kind && in_list(HI_RULES[i].quals, q))
            return &HI_RULES[i];
    return NULL;
}

/*
 * A present-on-admission indicator as 5010 writes it: Y N U W; the UB-04's
 * 1 (exempt from reporting) is written as no indicator, as 5010 wants;
 * anything else is refused (-1).
 */
static int poa_map(char poa, char *out)
{
    *out = poa == '1' ? 0 : poa;
    return !poa || poa == '1' || poa == 'Y' || poa == 'N' || poa == 'U' || poa == 'W' ? 0 : -1;
}

/*
 * The REF positions a party's loop has besides its tax id (for
 * secondary_qual and other_ids): per kind (0 both) and loop, the codes of
 * one position and how many times it repeats. A loop not listed has none.
 */
typedef struct party_ref {
    char kind;
    const char *loop, *codes;
    uint8_t max;
} party_ref;

static const party_ref PARTY_REFS[] = {
    { 'P', "2010AA", "0B,1G", 2 }, { 0, "2010AC", "2U,FY,NF", 1 },
    { 0, "2010BA", "SY", 1 }, { 0, "2010BA", "Y4", 1 },
    { 0, "2010BB", "2U,EI,FY,NF", 3 }, { 0, "2010BB", "G2,LU", 2 },
    { 0, "2010CA", "Y4", 1 }, { 0, "2010CA", "1W,SY", 1 },
    { 'P', "2310A", "0B,1G,G2", 3 }, { 'P', "2310B", "0B,1G,G2,LU", 4 }, { 'P', "2310C", "0B,G2,LU", 3 },
    { 'P', "2310D", "0B,1G,G2,LU", 4 },
    { 'I', "2310A", "0B,1G,G2,LU", 4 }, { 'I', "2310B", "0B,1G,G2,LU", 4 }, { 'I', "2310C", "0B,1G,G2,LU", 4 },
    { 'I', "2310D", "0B,1G,G2,LU", 4 }, { 'I', "2310E", "0B,G2,LU", 3 }, { 'I', "2310F", "0B,1G,G2", 3 },
    { 0, "2330A", "SY", 1 },
    { 0, "2330B", "2U,EI,FY,NF", 2 }, { 0, "2330B", "G1", 1 }, { 0, "2330B", "9F", 1 }, { 0, "2330B", "T4", 1 },
    { 0, "2330B", "F8", 1 },
    { 'P', "2420A", "0B,1G,G2,LU", 20 }, { 'P', "2420B", "0B,1G,G2", 20 }, { 'P', "2420C", "0B,G2,LU", 3 },
    { 'P', "2420D", "0B,1G,G2,LU", 20 }, { 'P', "2420E", "0B,1G,G2", 20 }, { 'P', "2420F", "0B,1G,G2", 20 },
    { 'I', "2420A", "0B,1G,G2,LU", 20 }, { 'I', "2420B", "0B,1G,G2,LU", 20 }, { 'I', "2420C", "0B,1G,G2,LU", 20 },
    { 'I', "2420D", "0B,1G,G2", 20 },
};

/* The REF01 codes of the tax id position of a loop (kind 0 both): REF*EI / REF*SY. */
static const struct { char kind; const char *loop, *codes; } TAX_REFS[] = {
    { 'P', "2010AA", "EI,SY" }, { 'I', "2010AA", "EI" }, { 0, "2010AC", "EI" },
};

/* NM108 identification code qualifiers by NM101 entity (the same in both guides). */
static const struct { const char *entities, *quals; } NM108[] = {
    { "40,41", "46" }, { "IL", "II,MI" }, { "PE,PR", "PI,XV" },
    { "71,72,77,82,85,DK,DN,DQ,P3,QB,ZZ", "XX" },
};

static const char *nm108_quals(const char *entity)
{
    for (size_t i = 0; i < ARRAY_SIZE(NM108); i++)
        if (in_list(NM108[i].entities, entity))
            return NM108[i].quals;
    return NULL;
}

/* The NM108 check of a party: the common qualifiers first, without a table scan. */
static int nm108_ok(const char *entity, const char *qual)
{
    if (qual[0] == 'X' && qual[1] == 'X' && !qual[2]) /* XX: every entity but 40 41 IL PE PR */
        return !(entity[0] == '4' || (entity[0] == 'I' && entity[1] == 'L') ||
                 (entity[0] == 'P' && (entity[1] == 'E' || entity[1] == 'R')));
    const char *q = nm108_quals(entity);
    return !q || in_list(q, qual);
}

/*
 * Single values the guides give a code list (the elements the writer takes
 * from the claim as they are): per kind (0 both), the claims-JSON key, where
 * the value is in its struct (a char, or a string), the codes, the element.
 * An empty value is the required checks' business, not these.
 */
typedef struct code_field {
    char kind;
    const char *field;
    size_t off;
    uint8_t is_char;
    const char *codes, *el;
} code_field;

#define CF_S(k, T, f, codes, el) { k, #f, offsetof(T, f), 0, codes, el }
#define CF_C(k, T, f, codes, el) { k, #f, offsetof(T, f), 1, codes, el }
#define PAYER_SEQS "A,B,C,D,E,F,G,H,P,S,T,U"
#define FILINGS "11,12,13,14,15,16,17,AM,BL,CH,CI,DS,FI,HM,LM,MA,MB,MC,OF,TV,VA,WC,ZZ"
#define MSP_TYPES "12,13,14,15,16,41,42,43,47"

/* 2000B (checked when the subscriber level is rendered) */
static const code_field SUB_CODES[] = {
    CF_C(0, rcm_claim, payer_seq, PAYER_SEQS, "SBR01"),
    CF_S('P', rcm_claim, ins_type, MSP_TYPES, "SBR05"),
    CF_S(0, rcm_claim, filing, FILINGS, "SBR09"),
    CF_C(0, rcm_claim, subscriber_sex, "F,M,U", "DMG03"),
};

/* 2000C */
static const code_field PAT_CODES[] = {
    CF_S(0, rcm_claim, patient_rel, "01,19,20,21,39,40,53,G8", "PAT01"),
    CF_C(0, rcm_claim, patient_sex, "F,M,U", "DMG03"),
};

/* 2300 */
static const code_field CLAIM_CODES[] = {
    CF_C('P', rcm_claim, signature, "N,Y", "CLM06"),
    CF_C(0, rcm_claim, assignment, "A,B,C", "CLM07"),
    CF_C(0, rcm_claim, benefits, "N,W,Y", "CLM08"),
    CF_C(0, rcm_claim, release, "I,Y", "CLM09"),
    CF_C('P', rcm_claim, sig_source, "P", "CLM10"),
    CF_S('P', rcm_claim, related[0], "AA,EM,OA", "CLM11-1"),
    CF_S('P', rcm_claim, related[1], "AA,EM,OA", "CLM11-2"),
    CF_S('P', rcm_claim, special_program, "02,03,05,09", "CLM12"),
    CF_S(0, rcm_claim, delay_reason, "1,2,3,4,5,6,7,8,9,10,11,15", "CLM20"),
};

static const code_field OTHER_CODES[] = {
    CF_C(0, rcm_other_payer, seq, PAYER_SEQS, "SBR01"),
    CF_S(0, rcm_other_payer, rel, "01,18,19,20,21,39,40,53,G8", "SBR02"),
    CF_S('P', rcm_other_payer, ins_type, MSP_TYPES, "SBR05"),
    CF_S(0, rcm_other_payer, filing, FILINGS, "SBR09"),
    CF_C(0, rcm_other_payer, benefits, "N,W,Y", "OI03"),
    CF_C('P', rcm_other_payer, sig_source, "P", "OI04"),
    CF_C(0, rcm_other_payer, release, "I,Y", "OI06"),
};

static const code_field LINE_CODES[] = {
    CF_C('P', rcm_claim_line, emergency, "Y", "SV109"),
    CF_C('P', rcm_claim_line, epsdt, "Y", "SV111"),
    CF_C('P', rcm_claim_line, family_planning, "Y", "SV112"),
    CF_S(0, rcm_claim_line, ndc_qual, "N4", "LIN02"),
    CF_S(0, rcm_claim_line, ndc_unit, "F2,GR,ME,ML,UN", "CTP05-1"),
    CF_S(0, rcm_claim_line, drug_ref_qual, "VY,XZ", "2410 REF01"),
};

/* The fields of table (n rows) in the struct at base whose value is not one of their codes. */
static void codes_check(wr *w, const void *base, const code_field *table, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const code_field *f = &table[i];
        const char *p = (const char *)base + f->off;
        if (!*p || (f->kind && f->kind != w->kind))
            continue;
        char one[2] = { *p, 0 };
        const char *v = f->is_char ? one : p;
        /* a one-character code list is single characters and commas: strchr finds the code */
        if (v[0] && (f->is_char ? *p == ',' || !strchr(f->codes, *p) : !in_list(f->codes, v))) {
            char name[32];
            /* related[0] -> related (the JSON key is the array) */
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(f->field, "["), f->field);
            fail(w, NULL, name, "'%s' is not a code of %s (%s)", v, f->el, f->codes);
        }
    }
}

/* A value shorter or longer than its element allows (the dictionary's lengths), when present. */
static void len_fail(wr *w, const char *owner, const char *field, const char *s, size_t min, size_t max,
                     const char *el)
{
    size_t n = strlen(s);
    if (n && (n < min || n > max)) {
        if (min == max)
            fail(w, owner, field, "'%s' is not %zu characters (%s)", s, min, el);
        else
            fail(w, owner, field, "'%s' is not %zu to %zu characters (%s)", s, min, max, el);
    }
}

/*
 * The check, inline: a present value shorter than min (the fields' sizes
 * already hold max, so only the first min bytes are looked at).
 */
static inline void len_check(wr *w, const char *owner, const char *field, const char *s, size_t min, size_t max,
                             const char *el)
{
    if (!s[0])
        return;
    for (size_t i = 1; i < min; i++)
        if (!s[i]) {
            len_fail(w, owner, field, s, min, max, el);
            return;
        }
}

/* ---- parties ---- */

typedef struct pspec {
    const char *name;           /* JSON path of the party: "billing", "referring" */
    const char *loop;           /* "2010AA" */
    const char *entity;         /* NM101 written */
    int at;                     /* X12_AT_* */
    char type;                  /* NM102 forced ('1'/'2') or 0 */
    unsigned need;              /* X12_PR_* bits that must have data */
    const char *prv;            /* PRV01 when the loop has one */
} pspec;

/* X12_PR_ZIP9 in pspec.need: a US address needs the 9-digit ZIP (billing provider, service facility). */
#define X12_PR_ZIP9 (1u << 16)

static int digits_only(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return !s[n];
}

static void party_check_unused(wr *w, const pspec *ps, const rcm_party *p, unsigned allow)
{
    const char *n = ps->name, *l = ps->loop;
    if (!(allow & X12_PR_LAST) && p->last[0]) not_used(w, n, "last", l, "NM103");
    if (!(allow & X12_PR_FIRST) && p->first[0]) not_used(w, n, "first", l, "NM104");
    if (!(allow & X12_PR_MID) && p->middle[0]) not_used(w, n, "middle", l, "NM105");
    if (!(allow & X12_PR_SUF) && p->suffix[0]) not_used(w, n, "suffix", l, "NM107");
    if (!(allow & X12_PR_ID) && (p->id[0] || p->id_qual[0])) not_used(w, n, "id", l, "NM109");
    if (!(allow & X12_PR_ADDR) && (p->addr1[0] || p->addr2[0] || p->city[0] || p->state[0] || p->zip[0] ||
                                   p->country[0] || p->country_sub[0]))
        not_used(w, n, p->addr1[0] ? "addr1" : p->city[0] ? "city" : "zip", l, "N3/N4");
    if (!(allow & X12_PR_TAX) && (p->tax_id[0] || p->tax_id_qual[0])) not_used(w, n, "tax_id", l, "REF");
    if (!(allow & X12_PR_REF) && (p->secondary_id[0] || p->secondary_qual[0] || p->n_other_ids))
        not_used(w, n, "secondary_id", l, "REF");
    if (!(allow & X12_PR_PER) && (p->contact[0] || p->phone[0] || p->phone_ext[0] || p->email[0] || p->fax[0]))
        not_used(w, n, p->contact[0] ? "contact" : "phone", l, "PER");
    if (!(allow & X12_PR_PRV) && p->taxonomy[0]) not_used(w, n, "taxonomy", l, "PRV");
}

static void w_ref(wr *w, const char *qual, size_t qmax, const char *val, size_t vmax, const char *owner,
                  const char *qf, const char *vf)
{
    if (strcmp(qual, "SY") == 0 && !digits_only(val, 9))
        fail(w, owner, vf, "'%s' is not a social security number (REF*SY: 9 digits)", val);
    seg(w, "REF");
    e_s(w, qual, qmax, owner, qf);
    e_s(w, val, vmax, owner, vf);
    seg_end(w);
}

static void w_per(wr *w, const rcm_party *p, const char *name)
{
    if (!p->phone[0] && !p->email[0] && !p->fax[0]) {
        if (p->contact[0] || p->phone_ext[0])
            fail(w, name, "phone", "missing (PER needs a phone, email or fax number)");
        return;
    }
    if (p->phone_ext[0] && !p->phone[0]) {
        fail(w, name, "phone", "missing (PER: an extension needs a phone number)");
        return;
    }
    int pairs = (p->phone[0] != 0) + (p->phone_ext[0] != 0) + (p->email[0] != 0) + (p->fax[0] != 0);
    if (pairs > 3) {
        fail(w, name, "fax", "PER holds at most 3 numbers (phone, extension, email, fax)");
        return;
    }
    seg(w, "PER");
    E_LIT(w, "IC");
    EP(w, p, contact, name);
    if (p->phone[0]) {
        E_LIT(w, "TE");
        EP(w, p, phone, name);
    }
    if (p->phone_ext[0]) {
        E_LIT(w, "EX");
        EP(w, p, phone_ext, name);
    }
    if (p->email[0]) {
        E_LIT(w, "EM");
        EP(w, p, email, name);
    }
    if (p->fax[0]) {
        E_LIT(w, "FX");
        EP(w, p, fax, name);
    }
    seg_end(w);
}

static void w_addr(wr *w, const rcm_party *p, const char *name, int required, int zip9)
{
    if (zip9 && !w->zip5_ok && p->city[0] && (!p->country[0] || strcmp(p->country, "US") == 0) && !digits_only(p->zip, 9))
        fail(w, name, "zip", "'%s' is not a 9-digit ZIP code (5010 requires ZIP+4 in this loop)", p->zip);
    if (!p->addr1[0] && (required || p->addr2[0]))
        MISSING(w, name, "addr1", "N301 address");
    if (!p->city[0] && (required || p->addr1[0] || p->state[0] || p->zip[0] || p->country[0]))
        MISSING(w, name, "city", "N401 city");
    if (p->addr1[0]) {
        seg(w, "N3");
        EP(w, p, addr1, name);
        EP(w, p, addr2, name);
        seg_end(w);
    }
    len_check(w, name, "city", p->city, 2, 30, "N401");
    len_check(w, name, "state", p->state, 2, 2, "N402");
    len_check(w, name, "zip", p->zip, 3, 15, "N403");
    len_check(w, name, "country", p->country, 2, 3, "N404");
    if (!p->city[0])
        return;
    seg(w, "N4");
    EP(w, p, city, name);
    EP(w, p, state, name);
    EP(w, p, zip, name);
    EP(w, p, country, name);
    if (p->country_sub[0]) {
        e_empty(w);
        e_empty(w);
        EP(w, p, country_sub, name);
    }
    seg_end(w);
}

/* NM1, PRV and N3/N4 of a party's loop (what the guide lets it carry). */
static void w_party_head(wr *w, const pspec *ps, const rcm_party *p)
{
    const char *n = ps->name;
    unsigned allow = x12_837_party_rules(w->kind, ps->entity, ps->at);
    if (p->entity[0] && strcmp(p->entity, ps->entity) != 0 &&
        !(strcmp(ps->entity, "DN") == 0 && strcmp(p->entity, "P3") == 0)) {
        fail(w, n, "entity", "'%s' is not '%s' (%s NM101)", p->entity, ps->entity, ps->loop);
        return;
    }
    party_check_unused(w, ps, p, allow);
    if ((ps->need & X12_PR_LAST) && !p->last[0])
        MISSING(w, n, "last", "NM103 name");
    if ((ps->need & X12_PR_ID) && (!p->id[0] || !p->id_qual[0]))
        MISSING(w, n, p->id[0] ? "id_qual" : "id", "NM108/NM109 identifier");
    if (p->id[0] && !p->id_qual[0])
        MISSING(w, n, "id_qual", "NM108 identification code qualifier");
    len_check(w, n, "id", p->id, 2, 80, "NM109");
    if (p->id_qual[0] && !nm108_ok(ps->entity, p->id_qual))
        fail(w, n, "id_qual", "'%s' is not allowed in %s NM108 (%s)", p->id_qual, ps->loop, nm108_quals(ps->entity));
    if ((ps->need & X12_PR_TAX) && (!p->tax_id[0] || !p->tax_id_qual[0]))
        MISSING(w, n, p->tax_id[0] ? "tax_id_qual" : "tax_id", "REF tax identification");
    char type = p->type;
    if (ps->type && type && type != ps->type)
        fail(w, n, "type", "'%c' is not allowed in %s (NM102 must be %c)", type, ps->loop, ps->type);
    if (!type)
        type = ps->type ? ps->type : p->first[0] ? '1' : '2';
    if (w->rc)
        return;
    seg(w, "NM1");
    e_n(w, p->entity[0] ? p->entity : ps->entity, 2);
    e_chr(w, type, n, "type");
    EP(w, p, last, n);
    EP(w, p, first, n);
    EP(w, p, middle, n);
    e_empty(w);
    EP(w, p, suffix, n);
    EP(w, p, id_qual, n);
    EP(w, p, id, n);
    seg_end(w);
    if (ps->prv && p->taxonomy[0] && strcmp(ps->entity, "85") != 0) {
        seg(w, "PRV");
        e_lit(w, ps->prv);
        E_LIT(w, "PXC");
        EP(w, p, taxonomy, n);
        seg_end(w);
    }
    if (allow & X12_PR_ADDR)
        w_addr(w, p, n, (ps->need & X12_PR_ADDR) != 0, (ps->need & X12_PR_ZIP9) != 0);
}

/* REF and PER of a party's loop (they follow its DMG or DTP, if any). */
/* One REF of a party (not its tax id) taken into the counts of its loop's positions (PARTY_REFS). */
static void party_ref_take(wr *w, const pspec *ps, uint8_t *counts, const char *qual, const char *field)
{
    const party_ref *r = NULL;
    char all[64] = "";
    size_t n = 0;
    for (size_t i = 0; i < ARRAY_SIZE(PARTY_REFS); i++) {
        const party_ref *x = &PARTY_REFS[i];
        if ((x->kind && x->kind != w->kind) || strcmp(x->loop, ps->loop) != 0)
            continue;
        if (!r && in_list(x->codes, qual))
            r = x;
        if (n < sizeof(all))
            n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", n ? "," : "", x->codes);
    }
    if (!r)
        fail(w, ps->name, field, "'%s' is not allowed in 837%c loop %s REF (allowed: %s)", qual, w->kind, ps->loop,
             n ? all : "none");
    else if (++counts[r - PARTY_REFS] > r->max)
        fail(w, ps->name, field, "'%s': 837%c loop %s allows %u REF with it", qual, w->kind, ps->loop, r->max);
}

/* The party's REFs and PER against what its loop's positions allow. */
static void party_tail_check(wr *w, const pspec *ps, const rcm_party *p, unsigned allow)
{
    uint8_t counts[ARRAY_SIZE(PARTY_REFS)] = { 0 };
    if (p->secondary_qual[0])
        party_ref_take(w, ps, counts, p->secondary_qual, "secondary_qual");
    for (uint32_t i = 0; i < p->n_other_ids && i < RCM_PARTY_MAX_IDS; i++)
        if (p->other_ids[i].qual[0])
            party_ref_take(w, ps, counts, p->other_ids[i].qual, "other_ids");
    if (p->tax_id_qual[0]) {
        const char *ok = NULL;
        for (size_t i = 0; i < ARRAY_SIZE(TAX_REFS) && !ok; i++)
            if ((!TAX_REFS[i].kind || TAX_REFS[i].kind == w->kind) && strcmp(TAX_REFS[i].loop, ps->loop) == 0)
                ok = TAX_REFS[i].codes;
        if (ok && !in_list(ok, p->tax_id_qual))
            fail(w, ps->name, "tax_id_qual", "'%s' is not allowed in 837%c loop %s (REF01: %s)", p->tax_id_qual,
                 w->kind, ps->loop, ok);
    }
    /* the subscriber's, the patient's and the 837P service facility's PER carry a phone only */
    if ((allow & X12_PR_PER) && in_list("IL,QC,77", ps->entity)) {
        if (p->email[0])
            not_used(w, ps->name, "email", ps->loop, "PER EM: a phone and extension only");
        if (p->fax[0])
            not_used(w, ps->name, "fax", ps->loop, "PER FX: a phone and extension only");
    }
}

static void w_party_tail(wr *w, const pspec *ps, const rcm_party *p)
{
    const char *n = ps->name;
    unsigned allow = x12_837_party_rules(w->kind, ps->entity, ps->at);
    party_tail_check(w, ps, p, allow);
    if (p->tax_id[0])
        w_ref(w, p->tax_id_qual, sizeof(p->tax_id_qual), p->tax_id, sizeof(p->tax_id), n, "tax_id_qual",
              "tax_id");
    if (p->secondary_qual[0] || p->secondary_id[0]) {
        if (!p->secondary_qual[0] || !p->secondary_id[0])
            MISSING(w, n, p->secondary_qual[0] ? "secondary_id" : "secondary_qual", "REF");
        w_ref(w, p->secondary_qual, sizeof(p->secondary_qual), p->secondary_id, sizeof(p->secondary_id),
              n, "secondary_qual", "secondary_id");
    }
    if (p->n_other_ids && !p->secondary_qual[0])
        fail(w, n, "other_ids", "set secondary_qual/secondary_id first (other_ids are the REFs after it)");
    if ((allow & X12_PR_TAX) && !p->tax_id[0] &&
        (!strcmp(p->secondary_qual, "EI") || !strcmp(p->secondary_qual, "SY")))
        fail(w, n, "secondary_qual", "'%s' goes in tax_id_qual/tax_id, which are empty", p->secondary_qual);
    for (uint32_t i = 0; i < p->n_other_ids && i < RCM_PARTY_MAX_IDS; i++) {
        const rcm_ref *f = &p->other_ids[i];
        if (!f->qual[0] || !f->value[0])
            MISSING(w, n, "other_ids", "REF qualifier and value");
        w_ref(w, f->qual, sizeof(f->qual), f->value, sizeof(f->value), n, "other_ids", "other_ids");
    }
    if (allow & X12_PR_PER)
        w_per(w, p, n);
}

static void w_party(wr *w, const pspec *ps, const rcm_party *p)
{
    w_party_head(w, ps, p);
    w_party_tail(w, ps, p);
}

/* ---- levels ---- */

static void w_2000a_body(wr *w, const rcm_claim *c)
{
    static const pspec billing = { "billing", "2010AA", "85", X12_AT_TOP, 0,
                                   X12_PR_LAST | X12_PR_ADDR | X12_PR_TAX | X12_PR_ZIP9, "BI" };
    static const pspec pay_to = { "pay_to", "2010AB", "87", X12_AT_TOP, 0, X12_PR_ADDR, NULL };
    static const pspec pay_to_i = { "pay_to", "2010AB", "87", X12_AT_TOP, '2', X12_PR_ADDR, NULL };
    static const pspec plan = { "pay_to_plan", "2010AC", "PE", X12_AT_TOP, '2',
                                X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_TAX, NULL };
    const rcm_party *b = &c->billing;
    if (!b->present) {
        MISSING(w, NULL, "billing", "loop 2010AA billing provider");
        return;
    }
    if (w->kind == 'I' && b->type == '1')
        fail(w, "billing", "type", "'1' is not allowed in 2010AA (NM102 must be 2)");
    if (b->tax_id_qual[0] && strcmp(b->tax_id_qual, "EI") != 0 &&
        (w->kind == 'I' || strcmp(b->tax_id_qual, "SY") != 0))
        fail(w, "billing", "tax_id_qual", "'%s' is not %s", b->tax_id_qual, w->kind == 'I' ? "EI" : "EI or SY");
    if (b->taxonomy[0]) {
        seg(w, "PRV");
        E_LIT(w, "BI");
        E_LIT(w, "PXC");
        EP(w, b, taxonomy, "billing");
        seg_end(w);
    }
    w_party(w, &billing, b);
    if (c->pay_to.present)
        w_party(w, w->kind == 'I' ? &pay_to_i : &pay_to, &c->pay_to);
    if (c->pay_to_plan.present)
        w_party(w, &plan, &c->pay_to_plan);
}

static void w_dmg(wr *w, rcm_date dob, char sex, const char *dob_name, const char *sex_name)
{
    if (dob == RCM_DATE_NONE) {
        if (sex)
            MISSING(w, NULL, dob_name, "DMG02 birth date, needed with the sex");
        return;
    }
    if (!sex)
        MISSING(w, NULL, sex_name, "DMG03 sex code, needed with the birth date");
    seg(w, "DMG");
    E_LIT(w, "D8");
    e_date(w, dob);
    e_chr(w, sex, NULL, sex_name);
    seg_end(w);
}

static int has_patient_level(const rcm_claim *c) { return c->patient.present; }

static void w_2000b_body(wr *w, const rcm_claim *c)
{
    static const pspec sub_p = { "subscriber", "2010BA", "IL", X12_AT_TOP, 0,
                                 X12_PR_LAST | X12_PR_ID, NULL };
    static const pspec sub_i = { "subscriber", "2010BA", "IL", X12_AT_TOP, 0, X12_PR_LAST, NULL };
    static const pspec payer = { "payer", "2010BB", "PR", X12_AT_TOP, '2',
                                 X12_PR_LAST | X12_PR_ID, NULL };
    if (!c->payer_seq)
        MISSING(w, NULL, "payer_seq", "SBR01 payer responsibility sequence");
    if (has_patient_level(c)) {
        if (strcmp(c->subscriber_rel, "18") == 0)
            fail(w, NULL, "patient", "present, but subscriber_rel 18 says the patient is the subscriber");
        else if (c->subscriber_rel[0])
            fail(w, NULL, "subscriber_rel", "'%s' cannot be written: SBR02 is 18 or nothing (the patient's "
                                            "relationship is patient_rel)", c->subscriber_rel);
    } else if (strcmp(c->subscriber_rel, "18") != 0) {
        fail(w, NULL, "subscriber_rel", "must be 18 when the claim has no patient (the patient is the subscriber)");
    }
    if (w->kind == 'I' && c->ins_type[0])
        not_used(w, NULL, "ins_type", "2000B", "SBR05");
    codes_check(w, c, SUB_CODES, ARRAY_SIZE(SUB_CODES));
    if (!c->subscriber.present)
        MISSING(w, NULL, "subscriber", "loop 2010BA subscriber");
    if (!c->payer.present)
        MISSING(w, NULL, "payer", "loop 2010BB payer");
    seg(w, "SBR");
    e_chr(w, c->payer_seq, NULL, "payer_seq");
    if (!has_patient_level(c))
        E_LIT(w, "18");
    else
        e_empty(w);
    E(w, *c, group, "group");
    E(w, *c, group_name, "group_name");
    E(w, *c, ins_type, "ins_type");
    e_empty(w);
    e_empty(w);
    e_empty(w);
    E(w, *c, filing, "filing");
    seg_end(w);
    if (c->subscriber.present) {
        const pspec *ps = w->kind == 'I' ? &sub_i : &sub_p;
        w_party_head(w, ps, &c->subscriber);
        w_dmg(w, c->subscriber_dob, c->subscriber_sex, "subscriber_dob", "subscriber_sex");
        w_party_tail(w, ps, &c->subscriber);
    }
    if (c->payer.present)
        w_party(w, &payer, &c->payer);
}

static void w_2000c_body(wr *w, const rcm_claim *c)
{
    static const pspec pat = { "patient", "2010CA", "QC", X12_AT_TOP, '1',
                               X12_PR_LAST | X12_PR_ADDR, NULL };
    if (!c->patient_rel[0])
        MISSING(w, NULL, "patient_rel", "PAT01 relationship to the subscriber");
    if (c->patient_dob == RCM_DATE_NONE)
        MISSING(w, NULL, "patient_dob", "2010CA DMG02 birth date");
    codes_check(w, c, PAT_CODES, ARRAY_SIZE(PAT_CODES));
    seg(w, "PAT");
    E(w, *c, patient_rel, "patient_rel");
    seg_end(w);
    w_party_head(w, &pat, &c->patient);
    w_dmg(w, c->patient_dob, c->patient_sex, "patient_dob", "patient_sex");
    w_party_tail(w, &pat, &c->patient);
}

/* ---- the claim ---- */

/* DTP with a 3-character qualifier of ours. */
static void w_dtp(wr *w, const char *qual, rcm_date from, rcm_date to)
{
    seg(w, "DTP");
    e_n(w, qual, 3);
    if (to != RCM_DATE_NONE && to != from) {
        char tmp[24];
        date8(w, tmp, from);
        tmp[8] = '-';
        date8(w, tmp + 9, to);
        E_LIT(w, "RD8");
        e_n(w, tmp, 17);
    } else {
        E_LIT(w, "D8");
        e_date(w, from);
    }
    seg_end(w);
}

/*
 * A qualifier with a field of its own. An entry of the generic refs/dates
 * lists with that qualifier is fine only once the field is set (a second
 * one, where the guide's position repeats: q_take counts): otherwise it
 * would be read back into the field.
 */
typedef struct own_field {
    const char *qual, *field;
    int set;
} own_field;

static void own_check(wr *w, const char *qual, const own_field *own, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(qual, own[i].qual) == 0 && !own[i].set) {
            fail(w, name, "qual", "'%s' goes in %s, which is empty", qual, own[i].field);
            return;
        }
}

static void w_dates(wr *w, const rcm_claim_date *d, uint32_t n, const char *name, const own_field *own,
                    size_t nown)
{
    for (uint32_t i = 0; i < n; i++)
        own_check(w, d[i].qual, own, nown, name);
    for (uint32_t i = 0; i < n; i++) {
        if (!d[i].qual[0] || d[i].from == RCM_DATE_NONE) {
            fail(w, name, d[i].qual[0] ? "from" : "qual", "missing (DTP qualifier and date)");
            return;
        }
        seg(w, "DTP");
        e_s(w, d[i].qual, sizeof(d[i].qual), name, "qual");
        if (d[i].to != RCM_DATE_NONE) {
            char tmp[24];
            date8(w, tmp, d[i].from);
            tmp[8] = '-';
            date8(w, tmp + 9, d[i].to);
            E_LIT(w, "RD8");
            e_lit(w, tmp);
        } else {
            E_LIT(w, "D8");
            e_date(w, d[i].from);
        }
        seg_end(w);
    }
}

static void w_refs(wr *w, const rcm_ref *r, uint32_t n, const char *name, const own_field *own, size_t nown)
{
    for (uint32_t i = 0; i < n; i++)
        own_check(w, r[i].qual, own, nown, name);
    for (uint32_t i = 0; i < n; i++) {
        if (!r[i].qual[0] || !r[i].value[0]) {
            MISSING(w, name, r[i].qual[0] ? "value" : "qual", "REF qualifier and value");
            return;
        }
        w_ref(w, r[i].qual, sizeof(r[i].qual), r[i].value, sizeof(r[i].value), name, "qual", "value");
    }
}

static void w_ref_if(wr *w, const char *qual, const char *val, size_t vmax, const char *name)
{
    if (!val[0])
        return;
    seg(w, "REF");
    e_lit(w, qual);
    e_s(w, val, vmax, NULL, name);
    seg_end(w);
}

/* CAS segments: consecutive adjustments of one group share a CAS (up to 6 each). */
static void w_cas(wr *w, const rcm_cas *cas, uint32_t n, const char *name)
{
    uint32_t i = 0;
    while (i < n) {
        if (!cas[i].group[0] || !cas[i].reason[0]) {
            MISSING(w, name, cas[i].group[0] ? "reason" : "group", "CAS group and reason");
            return;
        }
        seg(w, "CAS");
        e_s(w, cas[i].group, sizeof(cas[i].group), name, "group");
        uint32_t k = 0;
        for (; i < n && k < 6 && strcmp(cas[i].group, cas[i - k].group) == 0; i++, k++) {
            if (!cas[i].reason[0]) {
                MISSING(w, name, "reason", "CAS reason code");
                return;
            }
            e_s(w, cas[i].reason, sizeof(cas[i].reason), name, "reason");
            e_cents(w, cas[i].amount_cents);
            if (cas[i].has_qty)
                e_milli(w, cas[i].qty_milli);
            else
                e_empty(w);
        }
        seg_end(w);
    }
}

/* A procedure composite: qual:code:m1:m2:m3:m4:desc. */
static void w_proc(wr *w, const char *qual, const char *code, const char (*mods)[3], const char *desc,
                   const char *name)
{
    if (qual[0] && !(qual[0] == 'H' && qual[1] == 'C' && !qual[2]) && !in_list(proc_quals(w->kind), qual))
        fail(w, name, "qual", "'%s' is not a procedure code qualifier of 837%c (%s)", qual, w->kind,
             proc_quals(w->kind));
    for (int j = 0; j < RCM_CLAIM_MAX_MODS; j++)
        if (mods[j][0] && !mods[j][1])
            len_check(w, name, "mods", mods[j], 2, 2, "procedure modifier");
    c_begin(w);
    c_s(w, qual[0] ? qual : "HC", 2, name, "qual");
    c_s(w, code, 48, name, "code");
    for (int j = 0; j < RCM_CLAIM_MAX_MODS; j++)
        c_s(w, mods[j], 2, name, "mods");
    c_s(w, desc, 80, name, "desc");
    c_end(w);
}

/* A codes[] entry against its qualifier's rule (hi_rule): what it must and must not carry. */
static void code_check(wr *w, const rcm_claim_code *k, unsigned idx)
{
    w->pfx = "codes[%u].";
    w->i1 = idx;
    const hi_rule *r = hi_rule_of(w->kind, k->qual);
    char poa;
    if (!r)
        fail(w, NULL, "qual", "'%s' is not an 837%c HI qualifier here", k->qual, w->kind);
    else if (!r->date && k->date != RCM_DATE_NONE)
        fail(w, NULL, "date", "not used with HI qualifier '%s' (837%c)", k->qual, w->kind);
    else if (r->date && k->date == RCM_DATE_NONE)
        fail(w, NULL, "date", "missing (HI %s, required with '%s')", r->date == 'R' ? "date span RD8" : "date D8",
             k->qual);
    else if (r->date == 'D' && k->date_to != RCM_DATE_NONE && k->date_to != k->date)
        fail(w, NULL, "date_to", "'%s' takes one date (D8), not a span", k->qual);
    else if (!r->date && k->date_to != RCM_DATE_NONE)
        fail(w, NULL, "date_to", "not used with HI qualifier '%s' (837%c)", k->qual, w->kind);
    else if (r->amount && !k->has_amount)
        fail(w, NULL, "amount_cents", "missing (HI value code amount, required with '%s')", k->qual);
    else if (!r->amount && k->has_amount)
        fail(w, NULL, "amount_cents", "not used with HI qualifier '%s' (837%c)", k->qual, w->kind);
    else if (k->poa && !r->poa && k->poa != '1')
        fail(w, NULL, "poa", "not used with HI qualifier '%s' (837%c)", k->qual, w->kind);
    else if (poa_map(k->poa, &poa) < 0)
        fail(w, NULL, "poa", "'%c' is not a present-on-admission indicator (Y N U W, or 1 for exempt)", k->poa);
    w->pfx = NULL;
}

/* One HI composite of a code. */
static void w_code_comp(wr *w, const rcm_claim_code *k, unsigned idx)
{
    w->pfx = "codes[%u].";
    w->i1 = idx;
    c_begin(w);
    c_s(w, k->qual, sizeof(k->qual), NULL, "qual");
    c_s(w, k->code, sizeof(k->code), NULL, "code");
    const hi_rule *r = hi_rule_of(w->kind, k->qual);
    char poa = 0;
    poa_map(k->poa, &poa);
    if (k->date != RCM_DATE_NONE) {
        char tmp[24];
        date8(w, tmp, k->date);
        /* a one-day span is written RD8 where the guide wants a span, D8 where one date */
        rcm_date to = k->date_to != RCM_DATE_NONE ? k->date_to : r && r->date == 'R' ? k->date : RCM_DATE_NONE;
        if (r && r->date == 'D')
            to = RCM_DATE_NONE;
        if (to != RCM_DATE_NONE) {
            tmp[8] = '-';
            date8(w, tmp + 9, to);
            C_LIT(w, "RD8");
        } else {
            C_LIT(w, "D8");
        }
        c_lit(w, tmp);
    } else {
        C_LIT(w, "");
        C_LIT(w, "");
    }
    if (k->has_amount) {
        char tmp[32];
        fmt_cents(tmp, k->amount_cents);
        c_lit(w, tmp);
    } else {
        C_LIT(w, "");
    }
    if (poa) {
        char s[2] = { poa, 0 };
        C_LIT(w, "");
        C_LIT(w, "");
        C_LIT(w, "");
        c_s(w, s, 1, NULL, "poa");
    }
    c_end(w);
    w->pfx = NULL;
}

/* Writes the codes whose qualifier is in quals as HI segments of at most per composites. */
static void w_hi_codes(wr *w, const rcm_claim *c, const char *q1, const char *q2, const char *q3, unsigned per,
                       unsigned max_segs)
{
    unsigned in_seg = 0, segs = 0;
    for (uint32_t i = 0; i < c->n_codes; i++) {
        const char *q = c->codes[i].qual;
        if (!(strcmp(q, q1) == 0 || (q2 && strcmp(q, q2) == 0) || (q3 && strcmp(q, q3) == 0)))
            continue;
        if (in_seg == per) {
            seg_end(w);
            in_seg = 0;
        }
        if (in_seg == 0) {
            if (++segs > max_segs) {
                w->pfx = "codes[%u].";
                w->i1 = i;
                fail(w, NULL, "qual", "too many '%s' codes: at most %u", q1, per * max_segs);
                w->pfx = NULL;
                return;
            }
            seg(w, "HI");
        }
        w_code_comp(w, &c->codes[i], i);
        in_seg++;
    }
    if (in_seg)
        seg_end(w);
}

static void w_dx_comp(wr *w, const char *qual, const char *code, char poa, unsigned idx)
{
    w->pfx = "dx[%u]";
    w->i1 = idx;
    c_begin(w);
    c_lit(w, qual);
    c_s(w, code, 7, NULL, NULL);
    poa_map(poa, &poa);
    if (poa) {
        char s[2] = { poa, 0 };
        for (int j = 0; j < 6; j++)
            C_LIT(w, "");
        w->pfx = "dx_poa[%u]";
        c_s(w, s, 1, NULL, NULL);
    }
    c_end(w);
    w->pfx = NULL;
}

static void w_hi(wr *w, const rcm_claim *c)
{
    if (!c->n_dx) {
        MISSING(w, NULL, "dx", "HI principal diagnosis");
        return;
    }
    int icd10;
    if (strcmp(c->dx_qual, "ABK") == 0)
        icd10 = 1;
    else if (strcmp(c->dx_qual, "BK") == 0)
        icd10 = 0;
    else {
        if (c->dx_qual[0])
            fail(w, NULL, "dx_qual", "'%s' is not ABK (ICD-10-CM) or BK (ICD-9-CM)", c->dx_qual);
        else
            MISSING(w, NULL, "dx_qual", "HI01-1 ABK or BK");
        return;
    }
    unsigned max = w->kind == 'I' ? RCM_CLAIM_MAX_DX : RCM_CLAIM_MAX_DX_P;
    if (c->n_dx > max) {
        fail(w, NULL, "dx", "%u diagnoses, 837%c allows %u", c->n_dx, w->kind, max);
        return;
    }
    for (uint32_t i = 0; i < c->n_dx; i++) {
        if (!c->dx[i][0] || memchr(c->dx[i], '.', sizeof(c->dx[i]))) {
            w->pfx = "dx[%u]";
            w->i1 = i;
            if (c->dx[i][0])
                fail(w, NULL, NULL, "'%s': a diagnosis code is written without its dot", c->dx[i]);
            else
                fail(w, NULL, NULL, "empty diagnosis code");
            w->pfx = NULL;
            return;
        }
        char poa;
        if (w->kind == 'P' && c->dx_poa[i]) {
            w->pfx = "dx_poa[%u]";
            w->i1 = i;
            not_used(w, NULL, NULL, "2300", "HI POA indicator");
            w->pfx = NULL;
            return;
        }
        if (poa_map(c->dx_poa[i], &poa) < 0) {
            w->pfx = "dx_poa[%u]";
            w->i1 = i;
            fail(w, NULL, NULL, "'%c' is not a present-on-admission indicator (Y N U W, or 1 for exempt)",
                 c->dx_poa[i]);
            w->pfx = NULL;
            return;
        }
    }
    const char *other = icd10 ? "ABF" : "BF";
    seg(w, "HI");
    w_dx_comp(w, c->dx_qual, c->dx[0], c->dx_poa[0], 0);
    if (w->kind == 'P') {
        for (uint32_t i = 1; i < c->n_dx; i++)
            w_dx_comp(w, other, c->dx[i], 0, i);
        seg_end(w);
    } else {
        seg_end(w);
        if (c->admitting_dx[0]) {
            seg(w, "HI");
            c_begin(w);
            c_lit(w, icd10 ? "ABJ" : "BJ");
            c_s(w, c->admitting_dx, sizeof(c->admitting_dx), NULL, "admitting_dx");
            c_end(w);
            seg_end(w);
        }
    }
    for (uint32_t i = 0; i < c->n_codes && !w->rc; i++)
        code_check(w, &c->codes[i], i);
    if (w->rc)
        return;
    if (w->kind == 'P') {
        w_hi_codes(w, c, "BP", "BO", NULL, 2, 1);
        w_hi_codes(w, c, "BG", NULL, NULL, 12, 2);
        return;
    }
    w_hi_codes(w, c, "APR", "PR", NULL, 3, 1);
    w_hi_codes(w, c, "ABN", "BN", NULL, 12, 1);
    w_hi_codes(w, c, "DR", NULL, NULL, 1, 1);
    if (c->n_dx > 1) {
        unsigned in_seg = 0;
        for (uint32_t i = 1; i < c->n_dx; i++) {
            if (in_seg == 12) {
                seg_end(w);
                in_seg = 0;
            }
            if (!in_seg)
                seg(w, "HI");
            w_dx_comp(w, other, c->dx[i], c->dx_poa[i], i);
            in_seg++;
        }
        seg_end(w);
    }
    w_hi_codes(w, c, "BBR", "BR", "CAH", 1, 1);
    w_hi_codes(w, c, "BBQ", "BQ", NULL, 12, 2);
    w_hi_codes(w, c, "BI", NULL, NULL, 12, 2);
    w_hi_codes(w, c, "BH", NULL, NULL, 12, 2);
    w_hi_codes(w, c, "BE", NULL, NULL, 12, 2);
    w_hi_codes(w, c, "BG", NULL, NULL, 12, 2);
    w_hi_codes(w, c, "TC", NULL, NULL, 12, 2);
}

static void w_clm(wr *w, const rcm_claim *c)
{
    if (!c->id[0])
        MISSING(w, NULL, "id", "CLM01 patient control number");
    if (!c->pos[0])
        MISSING(w, NULL, "pos", w->kind == 'I' ? "CLM05-1 facility type code" : "CLM05-1 place of service");
    if (!c->freq)
        MISSING(w, NULL, "freq", "CLM05-3 claim frequency code");
    char fq = w->kind == 'I' ? 'A' : 'B';
    if (c->facility_qual && c->facility_qual != fq)
        fail(w, NULL, "facility_qual", "'%c' is not %c (CLM05-2)", c->facility_qual, fq);
    if (w->kind == 'P' && !c->signature)
        MISSING(w, NULL, "signature", "CLM06 provider signature indicator");
    if (!c->assignment)
        MISSING(w, NULL, "assignment", "CLM07 assignment or plan participation code");
    if (!c->benefits)
        MISSING(w, NULL, "benefits", "CLM08 benefits assignment indicator");
    if (!c->release)
        MISSING(w, NULL, "release", "CLM09 release of information code");
    if (w->kind == 'I') {
        if (c->signature) not_used(w, NULL, "signature", "2300", "CLM06");
        if (c->sig_source) not_used(w, NULL, "sig_source", "2300", "CLM10");
        if (c->related[0][0]) not_used(w, NULL, "related", "2300", "CLM11");
        if (c->special_program[0]) not_used(w, NULL, "special_program", "2300", "CLM12");
    } else if (!c->related[0][0] && (c->related[1][0] || c->related[2][0] || c->accident_state[0] ||
                                     c->accident_country[0])) {
        MISSING(w, NULL, "related", "CLM11-1 related causes code");
    }
    seg(w, "CLM");
    E(w, *c, id, "id");
    e_cents(w, c->charge_cents);
    e_empty(w);
    e_empty(w);
    c_begin(w);
    c_s(w, c->pos, sizeof(c->pos), NULL, "pos");
    c_s(w, (char[2]){ fq, 0 }, 1, NULL, "facility_qual");
    c_s(w, (char[2]){ c->freq, 0 }, 1, NULL, "freq");
    c_end(w);
    if (w->kind == 'P')
        e_chr(w, c->signature, NULL, "signature");
    else
        e_empty(w);
    e_chr(w, c->assignment, NULL, "assignment");
    e_chr(w, c->benefits, NULL, "benefits");
    e_chr(w, c->release, NULL, "release");
    if (w->kind == 'P') {
        e_chr(w, c->sig_source, NULL, "sig_source");
        c_begin(w);
        for (int j = 0; j < 3; j++)
            c_s(w, c->related[j], sizeof(c->related[j]), NULL, "related");
        c_s(w, c->accident_state, sizeof(c->accident_state), NULL, "accident_state");
        c_s(w, c->accident_country, sizeof(c->accident_country), NULL, "accident_country");
        c_end(w);
        E(w, *c, special_program, "special_program");
    } else {
        e_empty(w);
        e_empty(w);
        e_empty(w);
    }
    for (int k = 13; k < 20; k++)
        e_empty(w);
    E(w, *c, delay_reason, "delay_reason");
    seg_end(w);
}

static void w_claim_dates(wr *w, const rcm_claim *c)
{
    if (w->kind == 'P') {
        if (c->onset != RCM_DATE_NONE) w_dtp(w, "431", c->onset, RCM_DATE_NONE);
        if (c->last_seen != RCM_DATE_NONE) w_dtp(w, "304", c->last_seen, RCM_DATE_NONE);
        if (c->accident != RCM_DATE_NONE) w_dtp(w, "439", c->accident, RCM_DATE_NONE);
        if (c->admission != RCM_DATE_NONE) w_dtp(w, "435", c->admission, RCM_DATE_NONE);
        if (c->discharge != RCM_DATE_NONE) w_dtp(w, "096", c->discharge, RCM_DATE_NONE);
        if (c->admission_hour[0]) not_used(w, NULL, "admission_hour", "2300", "DTP*435 DT");
        if (c->discharge_hour[0]) not_used(w, NULL, "discharge_hour", "2300", "DTP*096 TM");
        if (c->statement_from != RCM_DATE_NONE) not_used(w, NULL, "statement_from", "2300", "DTP*434");
        own_field own[] = { { "431", "onset", c->onset != RCM_DATE_NONE },
                            { "304", "last_seen", c->last_seen != RCM_DATE_NONE },
                            { "439", "accident", c->accident != RCM_DATE_NONE },
                            { "435", "admission", c->admission != RCM_DATE_NONE },
                            { "096", "discharge", c->discharge != RCM_DATE_NONE },
                            { "434", "statement_from", 0 } };
        w_dates(w, c->dates, c->n_dates, "dates", own, ARRAY_SIZE(own));
        return;
    }
    if (c->onset != RCM_DATE_NONE) not_used(w, NULL, "onset", "2300", "DTP*431");
    if (c->accident != RCM_DATE_NONE) not_used(w, NULL, "accident", "2300", "DTP*439");
    if (c->last_seen != RCM_DATE_NONE) not_used(w, NULL, "last_seen", "2300", "DTP*304");
    if (c->discharge != RCM_DATE_NONE) not_used(w, NULL, "discharge", "2300", "DTP*096 (only the hour)");
    if (c->discharge_hour[0]) {
        if (!hhmm_valid(c->discharge_hour))
            fail(w, NULL, "discharge_hour", "'%s' is not a time HHMM", c->discharge_hour);
        seg(w, "DTP");
        E_LIT(w, "096");
        E_LIT(w, "TM");
        E(w, *c, discharge_hour, "discharge_hour");
        seg_end(w);
    }
    if (c->statement_from == RCM_DATE_NONE)
        MISSING(w, NULL, "statement_from", "DTP*434 statement dates");
    else {
        seg(w, "DTP");
        E_LIT(w, "434");
        E_LIT(w, "RD8");
        char tmp[24];
        date8(w, tmp, c->statement_from);
        tmp[8] = '-';
        date8(w, tmp + 9, c->statement_to != RCM_DATE_NONE ? c->statement_to : c->statement_from);
        e_lit(w, tmp);
        seg_end(w);
    }
    if (c->admission != RCM_DATE_NONE) {
        seg(w, "DTP");
        E_LIT(w, "435");
        if (c->admission_hour[0]) {
            char tmp[16];
            const char *h = c->admission_hour;
            date8(w, tmp, c->admission);
            if (!hhmm_valid(h))
                fail(w, NULL, "admission_hour", "'%s' is not a time HHMM", h);
            memcpy(tmp + 8, h, 4);
            tmp[12] = '\0';
            E_LIT(w, "DT");
            e_lit(w, tmp);
        } else {
            E_LIT(w, "D8");
            e_date(w, c->admission);
        }
        seg_end(w);
    } else if (c->admission_hour[0]) {
        MISSING(w, NULL, "admission", "DTP*435 admission date, needed with the hour");
    }
    own_field own[] = { { "434", "statement_from", 1 }, { "435", "admission", c->admission != RCM_DATE_NONE },
                        { "096", "discharge_hour", c->discharge_hour[0] != 0 },
                        { "431", "onset", 0 }, { "439", "accident", 0 }, { "304", "last_seen", 0 } };
    w_dates(w, c->dates, c->n_dates, "dates", own, ARRAY_SIZE(own));
}

static void w_2310(wr *w, const rcm_claim *c)
{
    if (w->kind == 'P') {
        static const pspec ref = { "referring", "2310A", "DN", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
        static const pspec pcp = { "primary_care", "2310A", "P3", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
        static const pspec ren = { "rendering", "2310B", "82", X12_AT_CLAIM, 0, X12_PR_LAST, "PE" };
        static const pspec fac = { "facility", "2310C", "77", X12_AT_CLAIM, '2',
                                   X12_PR_LAST | X12_PR_ADDR | X12_PR_ZIP9, NULL };
        static const pspec sup = { "supervising", "2310D", "DQ", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
        static const pspec pick = { "ambulance_pickup", "2310E", "PW", X12_AT_CLAIM, '2', X12_PR_ADDR, NULL };
        static const pspec drop = { "ambulance_dropoff", "2310F", "45", X12_AT_CLAIM, '2', X12_PR_ADDR, NULL };
        if (c->referring.present) w_party(w, &ref, &c->referring);
        if (c->primary_care.present) w_party(w, &pcp, &c->primary_care);
        if (c->rendering.present) w_party(w, &ren, &c->rendering);
        if (c->facility.present) w_party(w, &fac, &c->facility);
        if (c->supervising.present) w_party(w, &sup, &c->supervising);
        if (c->ambulance_pickup.present) w_party(w, &pick, &c->ambulance_pickup);
        if (c->ambulance_dropoff.present) w_party(w, &drop, &c->ambulance_dropoff);
        if (c->attending.present) not_used(w, NULL, "attending", "2310", "NM1*71");
        if (c->operating.present) not_used(w, NULL, "operating", "2310", "NM1*72");
        if (c->other_operating.present) not_used(w, NULL, "other_operating", "2310", "NM1*ZZ");
        return;
    }
    static const pspec att = { "attending", "2310A", "71", X12_AT_CLAIM, '1', X12_PR_LAST, "AT" };
    static const pspec op = { "operating", "2310B", "72", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
    static const pspec oop = { "other_operating", "2310C", "ZZ", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
    static const pspec ren = { "rendering", "2310D", "82", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
    static const pspec fac = { "facility", "2310E", "77", X12_AT_CLAIM, '2',
                               X12_PR_LAST | X12_PR_ADDR | X12_PR_ZIP9, NULL };
    static const pspec ref = { "referring", "2310F", "DN", X12_AT_CLAIM, '1', X12_PR_LAST, NULL };
    if (c->attending.present) w_party(w, &att, &c->attending);
    if (c->operating.present) w_party(w, &op, &c->operating);
    if (c->other_operating.present) w_party(w, &oop, &c->other_operating);
    if (c->rendering.present) w_party(w, &ren, &c->rendering);
    if (c->facility.present) w_party(w, &fac, &c->facility);
    if (c->referring.present) w_party(w, &ref, &c->referring);
    if (c->primary_care.present) not_used(w, NULL, "primary_care", "2310", "NM1*P3");
    if (c->supervising.present) not_used(w, NULL, "supervising", "2310", "NM1*DQ");
    if (c->ambulance_pickup.present) not_used(w, NULL, "ambulance_pickup", "2310", "NM1*PW");
    if (c->ambulance_dropoff.present) not_used(w, NULL, "ambulance_dropoff", "2310", "NM1*45");
}

static void w_2320(wr *w, const rcm_claim *c)
{
    static const pspec osub = { "subscriber", "2330A", "IL", X12_AT_COB, 0, X12_PR_LAST | X12_PR_ID, NULL };
    static const pspec opay = { "payer", "2330B", "PR", X12_AT_COB, '2', X12_PR_LAST | X12_PR_ID, NULL };
    for (uint32_t i = 0; i < c->n_other; i++) {
        const rcm_other_payer *o = &c->other[i];
        w->pfx = "other[%u].";
        w->i1 = i;
        if (!o->seq) MISSING(w, NULL, "seq", "SBR01 payer responsibility sequence");
        if (!o->rel[0]) MISSING(w, NULL, "rel", "SBR02 individual relationship code");
        if (!o->benefits) MISSING(w, NULL, "benefits", "OI03 benefits assignment indicator");
        if (!o->release) MISSING(w, NULL, "release", "OI06 release of information code");
        if (!o->subscriber.present) MISSING(w, NULL, "subscriber", "loop 2330A other subscriber");
        if (!o->payer.present) MISSING(w, NULL, "payer", "loop 2330B other payer");
        if (w->kind == 'I' && o->ins_type[0]) not_used(w, NULL, "ins_type", "2320", "SBR05");
        if (w->kind == 'I' && o->sig_source) not_used(w, NULL, "sig_source", "2320", "OI04");
        codes_check(w, o, OTHER_CODES, ARRAY_SIZE(OTHER_CODES));
        if (w->rc)
            return;
        seg(w, "SBR");
        e_chr(w, o->seq, NULL, "seq");
        E(w, *o, rel, "rel");
        E(w, *o, group, "group");
        E(w, *o, group_name, "group_name");
        E(w, *o, ins_type, "ins_type");
        e_empty(w);
        e_empty(w);
        e_empty(w);
        E(w, *o, filing, "filing");
        seg_end(w);
        w_cas(w, o->cas, o->n_cas, "cas");
        if (o->has_paid) {
            seg(w, "AMT");
            E_LIT(w, "D");
            e_cents(w, o->paid_cents);
            seg_end(w);
        }
        if (o->has_noncovered) {
            seg(w, "AMT");
            E_LIT(w, "A8");
            e_cents(w, o->noncovered_cents);
            seg_end(w);
        }
        if (o->has_remaining) {
            seg(w, "AMT");
            E_LIT(w, "EAF");
            e_cents(w, o->remaining_cents);
            seg_end(w);
        }
        seg(w, "OI");
        e_empty(w);
        e_empty(w);
        e_chr(w, o->benefits, NULL, "benefits");
        e_chr(w, o->sig_source, NULL, "sig_source");
        e_empty(w);
        e_chr(w, o->release, NULL, "release");
        seg_end(w);
        w_party(w, &osub, &o->subscriber);
        w_party_head(w, &opay, &o->payer);
        if (o->adjudicated != RCM_DATE_NONE)
            w_dtp(w, "573", o->adjudicated, RCM_DATE_NONE);
        w_party_tail(w, &opay, &o->payer);
        if (o->payer_claim_number[0]) {
            int f8 = strcmp(o->payer.secondary_qual, "F8") == 0;
            for (uint32_t k = 0; k < o->payer.n_other_ids && k < RCM_PARTY_MAX_IDS; k++)
                f8 |= strcmp(o->payer.other_ids[k].qual, "F8") == 0;
            if (f8)
                fail(w, NULL, "payer_claim_number", "a second REF*F8 (the payer's ids hold one): 2330B allows 1");
            w_ref_if(w, "F8", o->payer_claim_number, sizeof(o->payer_claim_number), "payer_claim_number");
        }
        w->pfx = NULL;
    }
}

static void w_line_party(wr *w, const rcm_party *p, unsigned line, unsigned idx, int list)
{
    static const pspec p82 = { "rendering", "2420A", "82", X12_AT_LINE, 0, X12_PR_LAST, "PE" };
    static const pspec pqb = { "providers", "2420B", "QB", X12_AT_LINE, 0, 0, NULL };
    static const pspec p77 = { "providers", "2420C", "77", X12_AT_LINE, '2',
                               X12_PR_LAST | X12_PR_ADDR | X12_PR_ZIP9, NULL };
    static const pspec pdq = { "providers", "2420D", "DQ", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec pdk = { "providers", "2420E", "DK", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec pdn = { "providers", "2420F", "DN", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec ppw = { "providers", "2420G", "PW", X12_AT_LINE, '2', X12_PR_ADDR, NULL };
    static const pspec p45 = { "providers", "2420H", "45", X12_AT_LINE, '2', X12_PR_ADDR, NULL };
    static const pspec i72 = { "providers", "2420A", "72", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec izz = { "providers", "2420B", "ZZ", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec i82 = { "rendering", "2420C", "82", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    static const pspec idn = { "providers", "2420D", "DN", X12_AT_LINE, '1', X12_PR_LAST, NULL };
    const pspec *ps = NULL;
    const char *e = p->entity;
    if (!list)
        ps = w->kind == 'I' ? &i82 : &p82;
    else if (w->kind == 'P')
        ps = !strcmp(e, "QB") ? &pqb : !strcmp(e, "77") ? &p77 : !strcmp(e, "DQ") ? &pdq
           : !strcmp(e, "DK") ? &pdk : (!strcmp(e, "DN") || !strcmp(e, "P3")) ? &pdn
           : !strcmp(e, "PW") ? &ppw : !strcmp(e, "45") ? &p45 : NULL;
    else
        ps = !strcmp(e, "72") ? &i72 : !strcmp(e, "ZZ") ? &izz : !strcmp(e, "DN") ? &idn : NULL;
    w->pfx = list ? "lines[%u].providers[%u]." : "lines[%u].rendering.";
    w->i1 = line;
    w->i2 = idx;
    if (!ps) {
        if (e[0])
            fail(w, NULL, "entity", "'%s' is not a service line provider of an 837%c", e, w->kind);
        else
            MISSING(w, NULL, "entity", "NM101 entity code");
    } else {
        pspec local = *ps;
        local.name = NULL;
        w_party(w, &local, p);
    }
    w->pfx = "lines[%u].";
    w->i1 = line;
}

/* 2420 loops in the guide's order. */
static void w_2420(wr *w, const rcm_claim_line *l, unsigned li)
{
    static const char *const p_order[] = { "82", "QB", "77", "DQ", "DK", "DN", "P3", "PW", "45" };
    static const char *const i_order[] = { "72", "ZZ", "82", "DN" };
    const char *const *order = w->kind == 'I' ? i_order : p_order;
    size_t n = w->kind == 'I' ? ARRAY_SIZE(i_order) : ARRAY_SIZE(p_order);
    uint32_t written = 0;
    for (size_t k = 0; k < n; k++) {
        if (strcmp(order[k], "82") == 0) {
            if (l->rendering.present)
                w_line_party(w, &l->rendering, li, 0, 0);
            continue;
        }
        for (uint32_t j = 0; j < l->n_providers; j++)
            if (strcmp(l->providers[j].entity, order[k]) == 0) {
                w_line_party(w, &l->providers[j], li, j, 1);
                written++;
            }
    }
    if (written != l->n_providers) {
        for (uint32_t j = 0; j < l->n_providers; j++) {
            int known = 0;
            for (size_t k = 0; k < n; k++)
                known |= strcmp(l->providers[j].entity, order[k]) == 0 && strcmp(order[k], "82") != 0;
            if (!known)
                w_line_party(w, &l->providers[j], li, j, 1);
        }
    }
}

static void w_2430(wr *w, const rcm_claim_line *l, unsigned li)
{
    for (uint32_t j = 0; j < l->n_adj; j++) {
        const rcm_line_adj *a = &l->adj[j];
        w->pfx = "lines[%u].adj[%u].";
        w->i1 = li;
        w->i2 = j;
        if (!a->payer_id[0]) MISSING(w, NULL, "payer_id", "SVD01 other payer identifier");
        if (w->kind == 'P' && !a->code[0]) MISSING(w, NULL, "code", "SVD03 procedure code");
        if (w->kind == 'P' && a->revenue_code[0]) not_used(w, NULL, "revenue_code", "2430", "SVD04");
        if (a->adjudicated == RCM_DATE_NONE) MISSING(w, NULL, "adjudicated", "DTP*573 adjudication date");
        seg(w, "SVD");
        E(w, *a, payer_id, "payer_id");
        e_cents(w, a->paid_cents);
        if (a->code[0] || a->qual[0])
            w_proc(w, a->qual, a->code, a->mods, a->desc, NULL);
        else
            e_empty(w);
        E(w, *a, revenue_code, "revenue_code");
        e_milli(w, a->units_milli);
        if (a->bundled_line)
            e_u(w, a->bundled_line);
        seg_end(w);
        w_cas(w, a->cas, a->n_cas, "cas");
        if (a->adjudicated != RCM_DATE_NONE)
            w_dtp(w, "573", a->adjudicated, RCM_DATE_NONE);
        if (a->has_remaining) {
            seg(w, "AMT");
            E_LIT(w, "EAF");
            e_cents(w, a->remaining_cents);
            seg_end(w);
        }
    }
}

/* One attachment's checks; says whether it is the 837P line's DME certificate indicator. */
static int pwk_check(wr *w, const rcm_attachment *a, int at)
{
    const char *t = a->report_type, *x = a->transmission;
    int cmn = x12_837_pwk_is_cmn(w->kind, at, t, strlen(t), x, strlen(x));
    int code = x12_837_pwk_transmission(x, strlen(x));
    if (!t[0])
        MISSING(w, NULL, "report_type", "PWK01 attachment report type code");
    else if (!x12_837_pwk_type(t, strlen(t)))
        fail(w, NULL, "report_type", "'%s' is not an attachment report type code (PWK01)", t);
    if (!x[0])
        MISSING(w, NULL, "transmission", "PWK02 attachment transmission code");
    else if (code == X12_PWK_NONE || (code == X12_PWK_CMN && !cmn))
        fail(w, NULL, "transmission",
             "'%s' is not an attachment transmission code (PWK02: AA BM EL EM FT FX%s)", x,
             w->kind == 'P' && at == X12_AT_LINE ? "; AB AD AF AG NS with report_type CT" : "");
    if (cmn && a->control[0])
        not_used(w, NULL, "control", "2400", "PWK06 of the DME certificate indicator");
    return cmn;
}

/*
 * PWK of the claim (2300, at X12_AT_CLAIM) or of line li (2400): up to 10
 * supplemental information PWKs in the claim's order, then (837P line) the
 * DME certificate indicator, as the guide orders them. PWK05 AC and PWK06
 * go out when there is a control number.
 */
static void w_pwk(wr *w, const rcm_attachment *a, uint32_t n, int at, unsigned li)
{
    if (!n)
        return;
    const char *own = at == X12_AT_LINE ? "lines[%u]." : NULL;
    const char *each = at == X12_AT_LINE ? "lines[%u].attachments[%u]." : "attachments[%u].";
    uint32_t ncmn = 0;
    w->pfx = each;
    for (uint32_t i = 0; i < n && !w->rc; i++) {
        w->i1 = at == X12_AT_LINE ? li : i;
        w->i2 = i;
        ncmn += (uint32_t)pwk_check(w, &a[i], at);
    }
    w->pfx = own;
    w->i1 = li;
    if (n - ncmn > X12_PWK_MAX)
        fail(w, NULL, "attachments", "%u attachments, loop %s allows %d (PWK)", n - ncmn,
             at == X12_AT_LINE ? "2400" : "2300", X12_PWK_MAX);
    if (ncmn > X12_PWK_MAX_CMN)
        fail(w, NULL, "attachments", "%u DME certificate indicators (report_type CT with AB AD AF AG NS), "
                                     "837P allows %d", ncmn, X12_PWK_MAX_CMN);
    if (w->rc)
        return;
    w->pfx = each;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < n; i++) {
            const rcm_attachment *x = &a[i];
            int cmn = x12_837_pwk_is_cmn(w->kind, at, x->report_type, strlen(x->report_type), x->transmission,
                                         strlen(x->transmission));
            if (cmn != pass)
                continue;
            w->i1 = at == X12_AT_LINE ? li : i;
            w->i2 = i;
            seg(w, "PWK");
            E(w, *x, report_type, "report_type");
            E(w, *x, transmission, "transmission");
            if (x->control[0]) {
                e_empty(w);
                e_empty(w);
                E_LIT(w, "AC");
                E(w, *x, control, "control");
            }
            seg_end(w);
        }
    w->pfx = own;
    w->i1 = li;
}

/* The 2300 REF, DTP and NTE qualifiers, own fields and lists, against the guide's positions. */
static void claim_quals_check(wr *w, const rcm_claim *c)
{
    /* the fields of their own alone are valid in both guides (837I clia is refused as not used) */
    if (!c->n_refs && !c->n_dates && !c->note_qual[0])
        return;
    qcount qc;
    memset(&qc, 0, sizeof(qc));
    static const struct { const char *qual, *field; size_t off; } own_refs[] = {
        { "G1", "prior_auth", offsetof(rcm_claim, prior_auth) },
        { "9F", "referral", offsetof(rcm_claim, referral) },
        { "F8", "original_ref", offsetof(rcm_claim, original_ref) },
        { "X4", "clia", offsetof(rcm_claim, clia) },
        { "EA", "medical_record", offsetof(rcm_claim, medical_record) },
    };
    for (size_t i = 0; i < ARRAY_SIZE(own_refs); i++) {
        const char *v = (const char *)c + own_refs[i].off;
        if (v[0])
            q_take(w, &qc, Q_CLAIM_REF, own_refs[i].qual, 0, v, NULL, own_refs[i].field, own_refs[i].field);
    }
    for (uint32_t i = 0; i < c->n_refs; i++) {
        w->pfx = "refs[%u].";
        w->i1 = i;
        q_take(w, &qc, Q_CLAIM_REF, c->refs[i].qual, 0, c->refs[i].value, NULL, "qual", "value");
    }
    w->pfx = NULL;
    if (w->kind == 'P') {
        const struct { const char *qual, *field; rcm_date d; } own[] = {
            { "431", "onset", c->onset }, { "304", "last_seen", c->last_seen }, { "439", "accident", c->accident },
            { "435", "admission", c->admission }, { "096", "discharge", c->discharge },
        };
        for (size_t i = 0; i < ARRAY_SIZE(own); i++)
            if (own[i].d != RCM_DATE_NONE)
                q_take(w, &qc, Q_CLAIM_DATE, own[i].qual, 0, NULL, NULL, own[i].field, NULL);
    } else {
        if (c->statement_from != RCM_DATE_NONE)
            q_take(w, &qc, Q_CLAIM_DATE, "434", 1, NULL, NULL, "statement_from", NULL);
        if (c->admission != RCM_DATE_NONE)
            q_take(w, &qc, Q_CLAIM_DATE, "435", 0, NULL, NULL, "admission", NULL);
        if (c->discharge_hour[0])
            q_take(w, &qc, Q_CLAIM_DATE, "096", 0, NULL, NULL, "discharge_hour", NULL);
    }
    for (uint32_t i = 0; i < c->n_dates; i++) {
        w->pfx = "dates[%u].";
        w->i1 = i;
        q_take(w, &qc, Q_CLAIM_DATE, c->dates[i].qual, c->dates[i].to != RCM_DATE_NONE, NULL, NULL, "qual", NULL);
    }
    w->pfx = NULL;
    if (c->note_qual[0])
        q_take(w, &qc, Q_CLAIM_NOTE, c->note_qual, 0, NULL, NULL, "note_qual", NULL);
}

/* The 2400 REF, DTP, AMT and NTE qualifiers of line li (w->pfx is "lines[%u]."). */
static void line_quals_check(wr *w, const rcm_claim_line *l, unsigned li)
{
    codes_check(w, l, LINE_CODES, ARRAY_SIZE(LINE_CODES));
    /* control (6R) and from (472, a range or not) alone are valid in both guides */
    if (!l->n_refs && !l->n_dates && !l->n_amts && !l->note_qual[0] && !l->prior_auth[0])
        return;
    qcount qc;
    memset(&qc, 0, sizeof(qc));
    if (l->control[0])
        q_take(w, &qc, Q_LINE_REF, "6R", 0, l->control, NULL, "control", "control");
    if (l->prior_auth[0])
        q_take(w, &qc, Q_LINE_REF, "G1", 0, l->prior_auth, NULL, "prior_auth", "prior_auth");
    if (l->from != RCM_DATE_NONE)
        q_take(w, &qc, Q_LINE_DATE, "472", l->to != RCM_DATE_NONE && l->to != l->from, NULL, NULL, "from", NULL);
    if (l->note_qual[0])
        q_take(w, &qc, Q_LINE_NOTE, l->note_qual, 0, NULL, NULL, "note_qual", NULL);
    w->i1 = li;
    w->pfx = "lines[%u].refs[%u].";
    for (uint32_t j = 0; j < l->n_refs; j++) {
        w->i2 = j;
        q_take(w, &qc, Q_LINE_REF, l->refs[j].qual, 0, l->refs[j].value, NULL, "qual", "value");
    }
    w->pfx = "lines[%u].dates[%u].";
    for (uint32_t j = 0; j < l->n_dates; j++) {
        w->i2 = j;
        q_take(w, &qc, Q_LINE_DATE, l->dates[j].qual, l->dates[j].to != RCM_DATE_NONE, NULL, NULL, "qual", NULL);
    }
    w->pfx = "lines[%u].amts[%u].";
    for (uint32_t j = 0; j < l->n_amts; j++) {
        w->i2 = j;
        q_take(w, &qc, Q_LINE_AMT, l->amts[j].qual, 0, NULL, NULL, "qual", NULL);
    }
    w->pfx = "lines[%u].";
}

static void w_line(wr *w, const rcm_claim *c, const rcm_claim_line *l, unsigned li)
{
    w->pfx = "lines[%u].";
    w->i1 = li;
    seg(w, "LX");
    e_u(w, li + 1);
    seg_end(w);
    if (w->kind == 'P') {
        if (!l->code[0]) MISSING(w, NULL, "code", "SV101-2 procedure code");
        if (l->unit_type[0] && strcmp(l->unit_type, "UN") && strcmp(l->unit_type, "MJ"))
            fail(w, NULL, "unit_type", "'%s' is not UN or MJ (SV103)", l->unit_type);
        if (!l->dx_ptr[0]) MISSING(w, NULL, "dx_ptr", "SV107-1 diagnosis code pointer");
        if (l->revenue_code[0]) not_used(w, NULL, "revenue_code", "2400", "SV201");
        if (l->noncovered_cents) not_used(w, NULL, "noncovered_cents", "2400", "SV207");
        if (l->from == RCM_DATE_NONE) MISSING(w, NULL, "from", "DTP*472 service date");
        for (int j = 0; j < RCM_CLAIM_MAX_PTR; j++)
            if (l->dx_ptr[j] > c->n_dx) {
                fail(w, NULL, "dx_ptr", "pointer %u points past the %u diagnoses of the claim", l->dx_ptr[j],
                     c->n_dx);
                break;
            }
        seg(w, "SV1");
        w_proc(w, l->qual, l->code, l->mods, l->desc, NULL);
        e_cents(w, l->charge_cents);
        if (l->unit_type[0])
            E(w, *l, unit_type, "unit_type");
        else
            E_LIT(w, "UN");
        e_milli(w, l->units_milli);
        E(w, *l, pos, "pos");
        e_empty(w);
        c_begin(w);
        for (int j = 0; j < RCM_CLAIM_MAX_PTR; j++) {
            char tmp[4] = "";
            if (l->dx_ptr[j]) {
                int v = l->dx_ptr[j];
                int k = 0;
                if (v >= 10)
                    tmp[k++] = (char)('0' + v / 10);
                tmp[k++] = (char)('0' + v % 10);
                tmp[k] = '\0';
            }
            c_lit(w, tmp);
        }
        c_end(w);
        e_empty(w);
        e_chr(w, l->emergency, NULL, "emergency");
        e_empty(w);
        e_chr(w, l->epsdt, NULL, "epsdt");
        e_chr(w, l->family_planning, NULL, "family_planning");
        seg_end(w);
    } else {
        if (!l->revenue_code[0]) MISSING(w, NULL, "revenue_code", "SV201 revenue code");
        if (l->unit_type[0] && strcmp(l->unit_type, "UN") && strcmp(l->unit_type, "DA"))
            fail(w, NULL, "unit_type", "'%s' is not UN or DA (SV204)", l->unit_type);
        if (l->pos[0]) not_used(w, NULL, "pos", "2400", "SV105");
        if (l->dx_ptr[0]) not_used(w, NULL, "dx_ptr", "2400", "SV107");
        if (l->emergency || l->epsdt || l->family_planning) not_used(w, NULL, "emergency", "2400", "SV109");
        seg(w, "SV2");
        E(w, *l, revenue_code, "revenue_code");
        if (l->code[0] || l->qual[0])
            w_proc(w, l->qual, l->code, l->mods, l->desc, NULL);
        else
            e_empty(w);
        e_cents(w, l->charge_cents);
        if (l->unit_type[0])
            E(w, *l, unit_type, "unit_type");
        else
            E_LIT(w, "UN");
        e_milli(w, l->units_milli);
        e_empty(w);
        if (l->noncovered_cents)
            e_cents(w, l->noncovered_cents);
        seg_end(w);
    }
    line_quals_check(w, l, li);
    w_pwk(w, l->attachments, l->n_attachments, X12_AT_LINE, li);
    if (l->from != RCM_DATE_NONE)
        w_dtp(w, "472", l->from, l->to);
    own_field lown[] = { { "472", "from", l->from != RCM_DATE_NONE }, { "6R", "control", l->control[0] != 0 },
                         { "G1", "prior_auth", l->prior_auth[0] != 0 },
                         { "XZ", "drug_ref", l->drug_ref_qual[0] != 0 }, { "VY", "drug_ref", l->drug_ref_qual[0] != 0 } };
    w_dates(w, l->dates, l->n_dates, "dates", lown, 1);
    w_ref_if(w, "6R", l->control, sizeof(l->control), "control");
    w_ref_if(w, "G1", l->prior_auth, sizeof(l->prior_auth), "prior_auth");
    w_refs(w, l->refs, l->n_refs, "refs", lown + 1, ARRAY_SIZE(lown) - 1);
    for (uint32_t j = 0; j < l->n_amts; j++) {
        if (!l->amts[j].qual[0])
            MISSING(w, "amts", "qual", "AMT01 amount qualifier");
        seg(w, "AMT");
        e_s(w, l->amts[j].qual, sizeof(l->amts[j].qual), "amts", "qual");
        e_cents(w, l->amts[j].cents);
        seg_end(w);
    }
    if (l->note[0] || l->note_qual[0]) {
        if (!l->note[0] || !l->note_qual[0])
            MISSING(w, NULL, l->note[0] ? "note_qual" : "note", "NTE01 and NTE02");
        seg(w, "NTE");
        E(w, *l, note_qual, "note_qual");
        E(w, *l, note, "note");
        seg_end(w);
    }
    if (l->ndc[0] || l->ndc_qual[0]) {
        if (!l->ndc[0] || !l->ndc_qual[0])
            MISSING(w, NULL, l->ndc[0] ? "ndc_qual" : "ndc", "LIN02/LIN03 drug identification");
        if (!l->ndc_unit[0])
            MISSING(w, NULL, "ndc_unit", "CTP05-1 unit of measure");
        seg(w, "LIN");
        e_empty(w);
        E(w, *l, ndc_qual, "ndc_qual");
        E(w, *l, ndc, "ndc");
        seg_end(w);
        seg(w, "CTP");
        e_empty(w);
        e_empty(w);
        e_empty(w);
        e_milli(w, l->ndc_qty_milli);
        c_begin(w);
        c_s(w, l->ndc_unit, sizeof(l->ndc_unit), NULL, "ndc_unit");
        c_end(w);
        seg_end(w);
        if (l->drug_ref[0] || l->drug_ref_qual[0]) {
            if (!l->drug_ref[0] || !l->drug_ref_qual[0])
                MISSING(w, NULL, l->drug_ref[0] ? "drug_ref_qual" : "drug_ref", "2410 REF");
            seg(w, "REF");
            E(w, *l, drug_ref_qual, "drug_ref_qual");
            E(w, *l, drug_ref, "drug_ref");
            seg_end(w);
        }
    } else if (l->ndc_unit[0] || l->ndc_qty_milli || l->drug_ref[0]) {
        MISSING(w, NULL, "ndc", "LIN03 drug identification, needed with the drug quantity");
    }
    w_2420(w, l, li);
    w_2430(w, l, li);
    w->pfx = NULL;
}

static void w_claim_body(wr *w, const rcm_claim *c)
{
    unsigned max = w->kind == 'I' ? RCM_CLAIM_MAX_LINES_I : RCM_CLAIM_MAX_LINES_P;
    if (!c->n_lines)
        MISSING(w, NULL, "lines", "at least one service line (loop 2400)");
    if (c->n_lines > max) {
        fail(w, NULL, "lines", "%u service lines, 837%c allows %u", c->n_lines, w->kind, max);
        return;
    }
    int64_t sum = 0;
    for (uint32_t i = 0; i < c->n_lines; i++)
        sum += c->lines[i].charge_cents;
    if (c->n_lines && sum != c->charge_cents) {
        char a[32], b[32], d[32];
        rcm_cents_fmt(a, c->charge_cents);
        rcm_cents_fmt(b, sum);
        rcm_cents_fmt(d, c->charge_cents - sum);
        fail(w, NULL, "charge_cents", "total charge %s is not the sum of the line charges %s (difference %s)",
             a, b, d);
    }
    codes_check(w, c, CLAIM_CODES, ARRAY_SIZE(CLAIM_CODES));
    if (w->kind == 'P' && c->related[2][0])
        not_used(w, NULL, "related", "2300", "CLM11-3: two related causes at most");
    if (w->rc)
        return;
    w_clm(w, c);
    w_claim_dates(w, c);
    if (w->kind == 'I') {
        if (!c->patient_status[0])
            MISSING(w, NULL, "patient_status", "CL103 patient status code");
        seg(w, "CL1");
        E(w, *c, admission_type, "admission_type");
        E(w, *c, admission_source, "admission_source");
        E(w, *c, patient_status, "patient_status");
        seg_end(w);
    } else if (c->admission_type[0] || c->admission_source[0] || c->patient_status[0]) {
        not_used(w, NULL, c->patient_status[0] ? "patient_status" : "admission_type", "2300", "CL1");
    }
    w_pwk(w, c->attachments, c->n_attachments, X12_AT_CLAIM, 0);
    if (c->has_patient_paid) {
        if (w->kind == 'I')
            not_used(w, NULL, "patient_paid_cents", "2300", "AMT*F5");
        seg(w, "AMT");
        E_LIT(w, "F5");
        e_cents(w, c->patient_paid_cents);
        seg_end(w);
    }
    if (c->has_patient_due) {
        if (w->kind == 'P')
            not_used(w, NULL, "patient_due_cents", "2300", "AMT*F3");
        seg(w, "AMT");
        E_LIT(w, "F3");
        e_cents(w, c->patient_due_cents);
        seg_end(w);
    }
    w_ref_if(w, "G1", c->prior_auth, sizeof(c->prior_auth), "prior_auth");
    w_ref_if(w, "9F", c->referral, sizeof(c->referral), "referral");
    w_ref_if(w, "F8", c->original_ref, sizeof(c->original_ref), "original_ref");
    if (w->kind == 'I' && c->clia[0])
        not_used(w, NULL, "clia", "2300", "REF*X4");
    claim_quals_check(w, c);
    w_ref_if(w, "X4", c->clia, sizeof(c->clia), "clia");
    w_ref_if(w, "EA", c->medical_record, sizeof(c->medical_record), "medical_record");
    own_field own[] = { { "G1", "prior_auth", c->prior_auth[0] != 0 }, { "9F", "referral", c->referral[0] != 0 },
                        { "F8", "original_ref", c->original_ref[0] != 0 },
                        { "EA", "medical_record", c->medical_record[0] != 0 }, { "X4", "clia", c->clia[0] != 0 } };
    w_refs(w, c->refs, c->n_refs, "refs", own, ARRAY_SIZE(own));
    if (c->note[0] || c->note_qual[0]) {
        if (!c->note[0] || !c->note_qual[0])
            MISSING(w, NULL, c->note[0] ? "note_qual" : "note", "NTE01 and NTE02");
        seg(w, "NTE");
        E(w, *c, note_qual, "note_qual");
        E(w, *c, note, "note");
        seg_end(w);
    }
    w_hi(w, c);
    w_2310(w, c);
    w_2320(w, c);
    for (uint32_t i = 0; i < c->n_lines && !w->rc; i++)
        w_line(w, c, &c->lines[i], i);
}

/* ---- the envelope ---- */

/* A control number (at most 9 digits) zero-padded to width into out (at least 10 bytes). */
static void fmt_ctl(char *out, uint32_t v, int width)
{
    char tmp[12];
    int i = (int)sizeof(tmp);
    tmp[--i] = '\0';
    v %= 1000000000u;
    do
        tmp[--i] = (char)('0' + v % 10);
    while (v /= 10);
    while ((int)sizeof(tmp) - 1 - i < width)
        tmp[--i] = '0';
    memcpy(out, tmp + i, sizeof(tmp) - (size_t)i);
}

static void pad(char *out, const char *s, size_t width)
{
    size_t n = strlen(s);
    if (n > width)
        n = width;
    memcpy(out, s, n);
    memset(out + n, ' ', width - n);
}

static void out_seg_count(rcm_x12_writer *w, long n)
{
    w->set_segments += n;
    w->st.segments += n;
}

/* Renders into w->out directly (envelope segments: no checks needed beyond the options'). */
static void target(rcm_x12_writer *w, rcm_buf *b)
{
    w->r.b = b;
    w->r.nseg = 0;
}

/* ISA06/08 default to the first claim's submitter and receiver ids. */
static void isa_ids(rcm_x12_writer *w, const rcm_claim *c)
{
    const rcm_x12_write_opts *o = &w->o;
    const rcm_party *s = c->submitter.present ? &c->submitter : o->submitter;
    const rcm_party *v = c->receiver.present ? &c->receiver : o->receiver;
    if (!o->sender_id[0] && (!s || !s->id[0] || strlen(s->id) > 15))
        fail(&w->r, "submitter", "id", "cannot be the interchange sender id (ISA06: 1 to 15 characters); "
                                       "set the sender id");
    if (!o->receiver_id[0] && (!v || !v->id[0] || strlen(v->id) > 15))
        fail(&w->r, "receiver", "id", "cannot be the interchange receiver id (ISA08: 1 to 15 characters); "
                                      "set the receiver id");
}

static void write_isa_gs(rcm_x12_writer *w, const rcm_claim *c)
{
    rcm_x12_write_opts *o = &w->o;
    const rcm_party *s = c->submitter.present ? &c->submitter : o->submitter;
    const rcm_party *v = c->receiver.present ? &c->receiver : o->receiver;
    if (!o->sender_id[0])
        cstr_copy(o->sender_id, sizeof(o->sender_id), s->id);
    if (!o->receiver_id[0])
        cstr_copy(o->receiver_id, sizeof(o->receiver_id), v->id);
    if (!o->gs_sender[0])
        cstr_copy(o->gs_sender, sizeof(o->gs_sender), o->sender_id);
    if (!o->gs_receiver[0])
        cstr_copy(o->gs_receiver, sizeof(o->gs_receiver), o->receiver_id);
    char isa[128], d8[16];
    char *p = isa;
    char el = w->r.el;
    memcpy(p, "ISA", 3), p += 3;
    *p++ = el, memcpy(p, "00", 2), p += 2;
    *p++ = el, pad(p, "", 10), p += 10;
    *p++ = el, memcpy(p, "00", 2), p += 2;
    *p++ = el, pad(p, "", 10), p += 10;
    *p++ = el, pad(p, o->sender_qual, 2), p += 2;
    *p++ = el, pad(p, o->sender_id, 15), p += 15;
    *p++ = el, pad(p, o->receiver_qual, 2), p += 2;
    *p++ = el, pad(p, o->receiver_id, 15), p += 15;
    date8(&w->r, d8, o->date);
    *p++ = el, memcpy(p, d8 + 2, 6), p += 6;
    *p++ = el, memcpy(p, o->time, 4), p += 4;
    *p++ = el, *p++ = w->r.rep;
    *p++ = el, memcpy(p, "00501", 5), p += 5;
    char ctl[16];
    fmt_ctl(ctl, o->isa_control, 9);
    *p++ = el, memcpy(p, ctl, 9), p += 9;
    *p++ = el, *p++ = o->ack_requested;
    *p++ = el, *p++ = o->usage;
    *p++ = el, *p++ = w->r.comp;
    *p++ = w->r.term;
    if (w->r.nl)
        *p++ = '\n';
    rcm_buf_add(&w->out, isa, (size_t)(p - isa));
    target(w, &w->out);
    wr *r = &w->r;
    seg(r, "GS");
    E_LIT(r, "HC");
    e_lit(r, o->gs_sender);
    e_lit(r, o->gs_receiver);
    e_lit(r, d8);
    e_lit(r, o->time);
    e_u(r, o->gs_control);
    E_LIT(r, "X");
    e_lit(r, w->version);
    seg_end(r);
    w->st.segments += 2;
    w->started = 1;
}

static void close_set(rcm_x12_writer *w)
{
    if (!w->in_set)
        return;
    target(w, &w->out);
    wr *r = &w->r;
    w->set_segments++;
    seg(r, "SE");
    e_u(r, (uint64_t)w->set_segments);
    e_lit(r, w->st_cur);
    seg_end(r);
    w->st.segments++;
    w->in_set = 0;
}

static void keep(rcm_buf *cur, const rcm_buf *b);

static void open_set(rcm_x12_writer *w)
{
    fmt_ctl(w->st_cur, w->st_next, 4);
    w->st_next = w->st_next >= 999999999 ? 1 : w->st_next + 1;
    target(w, &w->out);
    wr *r = &w->r;
    seg(r, "ST");
    E_LIT(r, "837");
    e_lit(r, w->st_cur);
    e_lit(r, w->version);
    seg_end(r);
    const bht_key *k = &w->bht;
    seg(r, "BHT");
    E_LIT(r, "0019");
    e_lit(r, k->purpose);
    e_lit(r, k->id[0] ? k->id : w->st_cur);
    e_date(r, k->date);
    e_lit(r, k->time);
    e_lit(r, k->type);
    seg_end(r);
    if (!w->same_hdr) {
        keep(&w->cur_hdr, &w->hdr);
        w->cur_n_hdr = w->n_hdr;
    }
    rcm_buf_add(&w->out, w->cur_hdr.ptr, w->cur_hdr.len);
    w->set_segments = 2 + w->cur_n_hdr;
    w->st.segments += 2 + w->cur_n_hdr;
    w->in_set = 1;
    w->st.sets++;
    w->claims_in_set = 0;
    w->hl = 0;
    w->hl20 = w->hl22 = w->hl23 = 0;
    w->cur_bht = w->bht;
}

static void hl(rcm_x12_writer *w, long parent, const char *level, int children)
{
    target(w, &w->out);
    wr *r = &w->r;
    seg(r, "HL");
    e_u(r, (uint64_t)++w->hl);
    if (parent)
        e_u(r, (uint64_t)parent);
    else
        e_empty(r);
    e_n(r, level, 2);
    e_n(r, children ? "1" : "0", 1);
    seg_end(r);
    out_seg_count(w, 1);
}

static int same(const rcm_buf *a, const rcm_buf *b) { return a->len == b->len && memcmp(a->ptr, b->ptr, a->len) == 0; }

static void keep(rcm_buf *cur, const rcm_buf *b)
{
    rcm_buf_reset(cur);
    rcm_buf_add(cur, b->ptr, b->len);
}

/* ---- the API ---- */

void rcm_x12_write_opts_init(rcm_x12_write_opts *o, char kind)
{
    memset(o, 0, sizeof(*o));
    o->kind = kind;
    o->delims.elem = '*';
    o->delims.comp = ':';
    o->delims.rep = '^';
    o->delims.seg = '~';
    memcpy(o->sender_qual, "ZZ", 3);
    memcpy(o->receiver_qual, "ZZ", 3);
    o->isa_control = o->gs_control = o->st_control = 1;
    o->usage = 'P';
    o->ack_requested = '0';
    o->date = RCM_DATE_NONE;
    o->fd = -1;
}

static int opts_check(const rcm_x12_write_opts *o, rcm_error *err)
{
    const rcm_x12_delims *d = &o->delims;
    char ds[4] = { d->elem, d->comp, d->rep, d->seg };
    if (o->kind != 'P' && o->kind != 'I')
        return rcm_error_set(err, RCM_EINVAL, "kind must be 'P' (837P) or 'I' (837I)");
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)ds[i];
        if (!ch || isalnum(ch) || ch == ' ' || ch >= 0x7f)
            return rcm_error_set(err, RCM_EINVAL, "delimiter %d ('%c') must be a printable non-alphanumeric character",
                                 i + 1, isprint(ch) ? ch : '?');
        for (int j = 0; j < i; j++)
            if (ds[j] == ds[i])
                return rcm_error_set(err, RCM_EINVAL, "delimiters must differ ('%c' is used twice)", ds[i]);
    }
    if (o->isa_control < 1 || o->isa_control > 999999999 || o->gs_control < 1 || o->gs_control > 999999999 ||
        o->st_control < 1 || o->st_control > 999999999)
        return rcm_error_set(err, RCM_EINVAL, "control numbers must be 1 to 999999999");
    if (o->usage != 'P' && o->usage != 'T')
        return rcm_error_set(err, RCM_EINVAL, "usage must be 'P' or 'T'");
    if (o->ack_requested != '0' && o->ack_requested != '1')
        return rcm_error_set(err, RCM_EINVAL, "acknowledgment requested must be '0' or '1'");
    if (o->date == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "the interchange date is required");
    int y, m, dd;
    rcm_date_to_ymd(o->date, &y, &m, &dd);
    if (y < 1900 || y > 2999)
        return rcm_error_set(err, RCM_EINVAL, "the interchange date is out of range");
    if (strlen(o->time) != 4 || !isdigit((unsigned char)o->time[0]) || !isdigit((unsigned char)o->time[1]) ||
        !isdigit((unsigned char)o->time[2]) || !isdigit((unsigned char)o->time[3]) ||
        (o->time[0] - '0') * 10 + (o->time[1] - '0') > 23 || (o->time[2] - '0') * 10 + (o->time[3] - '0') > 59)
        return rcm_error_set(err, RCM_EINVAL, "the interchange time must be HHMM");
    const char *ids[] = { o->sender_qual, o->receiver_qual };
    for (int i = 0; i < 2; i++)
        if (strlen(ids[i]) != 2)
            return rcm_error_set(err, RCM_EINVAL, "ISA id qualifiers are 2 characters");
    const char *vals[] = { o->sender_id, o->receiver_id, o->gs_sender, o->gs_receiver, o->bht_id,
                           o->bht_purpose, o->bht_type };
    for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
        for (const char *p = vals[i]; *p; p++)
            if (*p == d->elem || *p == d->comp || *p == d->rep || *p == d->seg || (unsigned char)*p < 0x20 ||
                (unsigned char)*p >= 0x7f)
                return rcm_error_set(err, RCM_EINVAL, "'%s' holds a delimiter or a character X12 cannot carry",
                                     vals[i]);
    return 0;
}

int rcm_x12_writer_new(rcm_x12_writer **out, const rcm_x12_write_opts *opts, rcm_error *err)
{
    *out = NULL;
    int rc = opts_check(opts, err);
    if (rc < 0)
        return rc;
    rcm_x12_writer *w = calloc(1, sizeof(*w));
    if (!w)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    w->o = *opts;
    if (!w->o.max_claims_per_set)
        w->o.max_claims_per_set = 5000;
    w->version = opts->kind == 'I' ? "005010X223A2" : "005010X222A1";
    wr *r = &w->r;
    r->el = opts->delims.elem;
    r->comp = opts->delims.comp;
    r->rep = opts->delims.rep;
    r->term = opts->delims.seg;
    r->nl = opts->newline ? 1 : 0;
    r->kind = opts->kind;
    r->zip5_ok = opts->zip5_ok;
    q_ranges(r);
    for (int i = 0; i < 256; i++)
        r->bad[i] = i < 0x20 || i == 0x7f ? BAD_CTRL : i > 0x7f ? BAD_HIGH : 0;
    r->bad[0] = BAD_END;
    r->bad[(unsigned char)r->el] = r->bad[(unsigned char)r->comp] = BAD_DELIM;
    r->bad[(unsigned char)r->rep] = r->bad[(unsigned char)r->term] = BAD_DELIM;
    rcm_buf *bufs[] = { &w->out, &w->hdr, &w->a, &w->bsub, &w->pat, &w->clm,
                        &w->cur_hdr, &w->cur_a, &w->cur_b, &w->cur_c };
    for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
        rcm_buf_init(bufs[i], RCM_MAX_DOCUMENT);
    w->st_next = opts->st_control;
    for (int i = 0; i < 8; i++) {
        r->dc_date[i] = RCM_DATE_NONE;
        r->dc_str[i][0] = '\0';
    }
    *out = w;
    return 0;
}

static int flush(rcm_x12_writer *w, rcm_error *err, int all)
{
    if (w->out.failed) {
        w->dead = 1;
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    if (w->o.fd < 0 || (!all && w->out.len < FLUSH_AT))
        return 0;
    size_t off = 0;
    while (off < w->out.len) {
        ssize_t k = write(w->o.fd, w->out.ptr + off, w->out.len - off);
        if (k < 0) {
            if (errno == EINTR)
                continue;
            w->dead = 1;
            return rcm_error_set(err, RCM_EIO, "cannot write: %s", strerror(errno));
        }
        off += (size_t)k;
    }
    w->st.bytes += w->out.len;
    rcm_buf_reset(&w->out);
    return 0;
}

static void bht_of(const rcm_x12_writer *w, const rcm_claim *c, bht_key *k)
{
    const rcm_x12_write_opts *o = &w->o;
    memset(k, 0, sizeof(*k));
    cstr_copy(k->id, sizeof(k->id), o->bht_id[0] ? o->bht_id : c->bht_id);
    cstr_copy(k->purpose, sizeof(k->purpose), o->bht_purpose[0] ? o->bht_purpose : c->bht_purpose[0] ? c->bht_purpose : "00");
    cstr_copy(k->type, sizeof(k->type), o->bht_type[0] ? o->bht_type : c->bht_type[0] ? c->bht_type : "CH");
    if (c->bht_date != RCM_DATE_NONE) {
        k->date = c->bht_date;
        cstr_copy(k->time, sizeof(k->time), c->bht_time[0] ? c->bht_time : o->time);
    } else {
        k->date = o->date;
        cstr_copy(k->time, sizeof(k->time), o->time);
    }
}

static void render_claim(rcm_x12_writer *w, const rcm_claim *c)
{
    static const pspec sub = { "submitter", "1000A", "41", X12_AT_TOP, 0, X12_PR_LAST | X12_PR_ID, NULL };
    static const pspec rcv = { "receiver", "1000B", "40", X12_AT_TOP, '2', X12_PR_LAST | X12_PR_ID, NULL };
    wr *r = &w->r;
    /* header: 1000A, 1000B */
    bht_of(w, c, &w->bht);
    const char *bht_vals[] = { w->bht.id, w->bht.purpose, w->bht.type, w->bht.time };
    const char *bht_names[] = { "bht.id", "bht.purpose", "bht.type", "bht.time" };
    for (int i = 0; i < 4; i++)
        for (const char *p = bht_vals[i]; *p; p++)
            if (r->bad[(unsigned char)*p]) {
                bad_char(r, NULL, bht_names[i], bht_vals[i], (unsigned char)*p);
                break;
            }
    if (strcmp(w->bht.purpose, "00") && strcmp(w->bht.purpose, "18"))
        fail(r, NULL, "bht.purpose", "'%s' is not 00 or 18 (BHT02)", w->bht.purpose);
    const rcm_party *s = c->submitter.present ? &c->submitter : w->o.submitter;
    const rcm_party *v = c->receiver.present ? &c->receiver : w->o.receiver;
    const rcm_claim *p = &w->prev;
    int hp = has_patient_level(c);
    size_t b0 = offsetof(rcm_claim, payer_seq), b1 = offsetof(rcm_claim, patient_sex) + 1;
    w->same_hdr = w->have_prev && s && v && !memcmp(s, &p->submitter, sizeof(*s)) &&
                  !memcmp(v, &p->receiver, sizeof(*v)) && !memcmp(&w->bht, &w->cur_bht, sizeof(w->bht));
    w->same_a = w->have_prev && !memcmp(&c->billing, &p->billing, sizeof(c->billing)) &&
                !memcmp(&c->pay_to, &p->pay_to, sizeof(c->pay_to)) &&
                !memcmp(&c->pay_to_plan, &p->pay_to_plan, sizeof(c->pay_to_plan));
    w->same_b = w->have_prev && hp == w->prev_pat && !memcmp((const char *)c + b0, (const char *)p + b0, b1 - b0) &&
                !memcmp(&c->subscriber, &p->subscriber, sizeof(c->subscriber)) &&
                !memcmp(&c->payer, &p->payer, sizeof(c->payer));
    w->same_c = w->same_b && hp && !memcmp(&c->patient, &p->patient, sizeof(c->patient));
    rcm_buf_reset(&w->hdr);
    target(w, &w->hdr);
    if (w->same_hdr)
        ;
    else if (!s)
        MISSING(r, NULL, "submitter", "loop 1000A submitter");
    else {
        w_party(r, &sub, s);
        if (!s->phone[0] && !s->email[0] && !s->fax[0])
            MISSING(r, "submitter", "phone", "1000A PER needs a phone, email or fax number");
    }
    if (!v)
        MISSING(r, NULL, "receiver", "loop 1000B receiver");
    else
        w_party(r, &rcv, v);
    w->n_hdr = r->nseg;
    /* 2000A body */
    rcm_buf_reset(&w->a);
    target(w, &w->a);
    if (!w->same_a)
        w_2000a_body(r, c);
    w->n_a = r->nseg;
    /* 2000B body */
    rcm_buf_reset(&w->bsub);
    target(w, &w->bsub);
    if (!w->same_b)
        w_2000b_body(r, c);
    w->n_b = r->nseg;
    /* 2000C body */
    rcm_buf_reset(&w->pat);
    target(w, &w->pat);
    if (hp && !w->same_c)
        w_2000c_body(r, c);
    w->n_c = r->nseg;
    /* 2300 */
    rcm_buf_reset(&w->clm);
    target(w, &w->clm);
    w_claim_body(r, c);
    w->n_clm = r->nseg;
}

/* Keeps what the levels just written came from (copies only what changed). */
static void remember(rcm_x12_writer *w, const rcm_claim *c)
{
    rcm_claim *p = &w->prev;
    const rcm_party *s = c->submitter.present ? &c->submitter : w->o.submitter;
    const rcm_party *v = c->receiver.present ? &c->receiver : w->o.receiver;
    if (!w->same_hdr || !w->have_prev) {
        p->submitter = *s;
        p->receiver = *v;
    }
    if (!w->same_a || !w->have_prev) {
        p->billing = c->billing;
        p->pay_to = c->pay_to;
        p->pay_to_plan = c->pay_to_plan;
    }
    if (!w->same_b || (has_patient_level(c) && !w->same_c) || !w->have_prev) {
        size_t b0 = offsetof(rcm_claim, payer_seq), b1 = offsetof(rcm_claim, patient_sex) + 1;
        memcpy((char *)p + b0, (const char *)c + b0, b1 - b0);
        p->subscriber = c->subscriber;
        p->payer = c->payer;
        p->patient = c->patient;
    }
    w->prev_pat = has_patient_level(c);
    w->have_prev = 1;
}

int rcm_x12_writer_add(rcm_x12_writer *w, const rcm_claim *c, rcm_error *err)
{
    if (w->dead)
        return rcm_error_set(err, RCM_EIO, "the writer failed earlier");
    wr *r = &w->r;
    r->rc = 0;
    r->err = err;
    r->c = c;
    r->pfx = NULL;
    if (c->kind != w->o.kind) {
        return rcm_error_set(err, RCM_EINVAL, "claim '%s': kind: %s, the batch is 837%c", c->id,
                             c->kind == 'I' ? "institutional" : "professional", w->o.kind);
    }
    render_claim(w, c);
    if (!r->rc && !w->started)
        isa_ids(w, c);
    rcm_buf *bufs[] = { &w->hdr, &w->a, &w->bsub, &w->pat, &w->clm };
    for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
        if (bufs[i]->failed && !r->rc)
            r->rc = rcm_error_set(err, RCM_ENOMEM, "claim '%s' is too large to write (out of memory)", c->id);
    if (r->rc)
        return r->rc;
    /* commit */
    if (!w->started)
        write_isa_gs(w, c);
    if (!w->same_hdr && w->have_prev && same(&w->hdr, &w->cur_hdr) && !memcmp(&w->bht, &w->cur_bht, sizeof(w->bht)))
        w->same_hdr = 1;
    int new_set = !w->in_set || !w->same_hdr || w->claims_in_set >= (long)w->o.max_claims_per_set;
    if (new_set) {
        close_set(w);
        open_set(w);
    }
    int pat = has_patient_level(c);
    /* a level whose data changed but renders the same is the same level */
    if (!w->same_a && w->have_prev && same(&w->a, &w->cur_a))
        w->same_a = 1;
    if (!w->same_b && w->have_prev && w->b_has_patient == pat && same(&w->bsub, &w->cur_b))
        w->same_b = 1;
    if (!w->same_c && pat && w->same_b && w->have_prev && same(&w->pat, &w->cur_c))
        w->same_c = 1;
    if (!w->same_a) {
        keep(&w->cur_a, &w->a);
        w->cur_n_a = w->n_a;
    }
    if (!w->same_b) {
        keep(&w->cur_b, &w->bsub);
        w->cur_n_b = w->n_b;
    }
    if (pat && !w->same_c) {
        keep(&w->cur_c, &w->pat);
        w->cur_n_c = w->n_c;
    }
    if (!w->hl20 || !w->same_a) {
        hl(w, 0, "20", 1);
        w->hl20 = w->hl;
        rcm_buf_add(&w->out, w->cur_a.ptr, w->cur_a.len);
        out_seg_count(w, w->cur_n_a);
        w->hl22 = w->hl23 = 0;
    }
    if (!w->hl22 || !w->same_b || w->b_has_patient != pat || (!pat && w->claims_in_b >= 100)) {
        hl(w, w->hl20, "22", pat);
        w->hl22 = w->hl;
        rcm_buf_add(&w->out, w->cur_b.ptr, w->cur_b.len);
        out_seg_count(w, w->cur_n_b);
        w->b_has_patient = pat;
        w->claims_in_b = 0;
        w->hl23 = 0;
    }
    if (pat && (!w->hl23 || !w->same_c || w->claims_in_c >= 100)) {
        hl(w, w->hl22, "23", 0);
        w->hl23 = w->hl;
        rcm_buf_add(&w->out, w->cur_c.ptr, w->cur_c.len);
        out_seg_count(w, w->cur_n_c);
        w->claims_in_c = 0;
    }
    rcm_buf_add(&w->out, w->clm.ptr, w->clm.len);
    out_seg_count(w, w->n_clm);
    remember(w, c);
    w->claims_in_b++;
    w->claims_in_c++;
    w->claims_in_set++;
    w->st.claims++;
    return flush(w, err, 0);
}

int rcm_x12_writer_finish(rcm_x12_writer *w, rcm_error *err)
{
    if (w->dead)
        return rcm_error_set(err, RCM_EIO, "the writer failed earlier");
    if (!w->started)
        return rcm_error_set(err, RCM_EINVAL, "no claim was written: an interchange needs at least one");
    close_set(w);
    target(w, &w->out);
    wr *r = &w->r;
    char ctl[16];
    seg(r, "GE");
    e_u(r, (uint64_t)w->st.sets);
    e_u(r, w->o.gs_control);
    seg_end(r);
    fmt_ctl(ctl, w->o.isa_control, 9);
    seg(r, "IEA");
    E_LIT(r, "1");
    e_lit(r, ctl);
    seg_end(r);
    w->st.segments += 2;
    w->started = 0;
    return flush(w, err, 1);
}

int rcm_x12_writer_take(rcm_x12_writer *w, rcm_buf *out)
{
    int rc = rcm_buf_add(out, w->out.ptr, w->out.len);
    if (rc == 0) {
        w->st.bytes += w->out.len;
        rcm_buf_reset(&w->out);
    }
    return rc;
}

void rcm_x12_writer_stats(const rcm_x12_writer *w, rcm_x12_write_stats *out)
{
    *out = w->st;
    if (w->o.fd < 0)
        out->bytes += w->out.len;
}

void rcm_x12_writer_free(rcm_x12_writer *w)
{
    if (!w)
        return;
    rcm_buf *bufs[] = { &w->out, &w->hdr, &w->a, &w->bsub, &w->pat, &w->clm,
                        &w->cur_hdr, &w->cur_a, &w->cur_b, &w->cur_c };
    for (size_t i = 0; i < ARRAY_SIZE(bufs); i++)
        rcm_buf_release(bufs[i]);
    free(w);
}
