/*
 * The implementation-guide validator: places every segment of a
 * transaction set in its guide (a stack of open loop instances, searched
 * forward from the current position, then upward), reports what is missing,
 * out of order, over its maximum or unknown (999 IK304), and checks each
 * placed segment's elements: usage, repetitions, components, type, length,
 * codes, the dictionary's syntax notes, date formats and the HL hierarchy
 * (999 IK403). Nothing is allocated per segment; problems, which are rare,
 * are formatted when found.
 */
#include <stdarg.h>
#include "guide_internal.h"
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define DUP_RING 32
#define RULES_CACHE 64
#if defined(__GNUC__)
#define RCM_NOINLINE __attribute__((noinline))
#define RCM_INLINE inline __attribute__((always_inline))
#else
#define RCM_NOINLINE
#define RCM_INLINE inline
#endif
enum { C_BAD = 1, C_REP = 2, C_COMP = 4 };

typedef struct frame {
    const gloop *loop;
    uint32_t cur;            /* the child last matched */
    char hl_id[16];          /* HL01 of this instance (an HL loop) */
    uint32_t serial;         /* which instance: a later one of the same loop differs */
} frame;

typedef struct seen {
    long segment;
    int kind, element, component, repetition;
    char code[4], seg_id[4];
    uint8_t guide;
} seen;

typedef struct guide_run guide_run;
struct guide_run {
    const rcm_guides *g;
    const rcm_guide *gd;     /* the open set's guide; NULL: none (or no set) */
    uint32_t *counts;
    uint32_t capcounts;
    frame stack[G_MAX_DEPTH + 1];
    uint32_t depth;          /* frames in use; stack[0] is the set's root */
    const rcm_x12_env *env;
    /* the HL hierarchy */
    long hl_last;
    int hl_pending;          /* an HL whose HL04 waits for the next HL */
    char hl_pend04[4];
    uint32_t hl_pend_depth, hl_pend_serial;  /* its loop instance: stack[depth], still open? */
    uint32_t serial;         /* instances begun */
    struct {                 /* where that HL is */
        long line, segment, set_position;
        uint64_t offset;
        const gloop *loop;
        char unit[40];
    } hl_at;
    /* business unit (999 CTX): set at the unit segment, cleared when its loop closes */
    char unit[40];
    uint32_t unit_frame;     /* frame index + 1 of the loop holding it, 0 none */
    /* elements of the current segment already reported */
    uint64_t flagged;
    /* per byte: C_BAD outside the X12 character set, C_REP / C_COMP the separators */
    uint8_t cls[256];
    rcm_x12_delims cls_d;
    int cls_ok;
    int stop;
    int emitting;
    seen ring[DUP_RING];
    uint32_t nring;
    /* presence patterns of positions whose syntax notes passed (a direct-mapped cache) */
    struct rules_ok { const gpos *pos; uint64_t pm; } rules_ok[RULES_CACHE];
    /* last guide found */
    char last_st01[4], last_version[36];
    const rcm_guide *last_gd;
    int last_found;
};

static int guide_run_new(guide_run **out, const rcm_guides *g)
{
    *out = NULL;
    guide_run *run = calloc(1, sizeof(*run));
    if (!run)
        return RCM_ENOMEM;
    run->g = g;
    uint32_t need = 1;
    for (uint32_t i = 0; g && i < g->ng; i++)
        if (g->g[i]->ncounts > need)
            need = g->g[i]->ncounts;
    if (!(run->counts = calloc(need, sizeof(uint32_t)))) {
        free(run);
        return RCM_ENOMEM;
    }
    run->capcounts = need;
    *out = run;
    return 0;
}

static void guide_run_free(guide_run *run)
{
    if (!run)
        return;
    free(run->counts);
    free(run);
}

/* ---- reporting ---- */

static void printable(char *out, size_t outsz, rcm_str s)
{
    size_t n = s.n < outsz - 1 ? s.n : outsz - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = s.p[i] >= 0x20 && s.p[i] <= 0x7E ? s.p[i] : '?';
    out[n] = '\0';
}

static void loop_path(const guide_run *run, uint32_t depth, char *out, size_t outsz)
{
    rcm_buf b;
    rcm_buf_init(&b, 256);
    for (uint32_t i = 1; i < depth; i++) {
        if (b.len)
            rcm_buf_addc(&b, '/');
        rcm_buf_adds(&b, run->stack[i].loop->id);
    }
    cstr_copy(out, outsz, b.ptr);
    rcm_buf_release(&b);
}

/*
 * The same finding: same segment and segment id, same element, component
 * and repetition, and the same code, or, for an element, any code (one
 * problem per element is enough: the guide's wins, it comes first).
 */
static int same_key(const seen *s, const rcm_x12_problem *p)
{
    return s->segment == p->segment && s->element == p->element && s->component == p->component &&
           s->repetition == p->repetition && strcmp(s->seg_id, p->seg_id) == 0 &&
           (strcmp(s->code, p->code) == 0 ||
            (s->kind == RCM_X12P_ELEMENT && p->kind == RCM_X12P_ELEMENT && p->element > 0));
}

static void remember(guide_run *run, const rcm_x12_problem *p, int guide)
{
    seen *s = &run->ring[run->nring++ % DUP_RING];
    s->segment = p->segment;
    s->kind = p->kind;
    s->element = p->element;
    s->component = p->component;
    s->repetition = p->repetition;
    cstr_copy(s->code, sizeof(s->code), p->code);
    cstr_copy(s->seg_id, sizeof(s->seg_id), p->seg_id);
    s->guide = (uint8_t)guide;
}

/* 1 when a problem from the other side (guide / walker and typed readers) had the same key. */
static int dup_of_other(const guide_run *run, const rcm_x12_problem *p, int guide)
{
    uint32_t n = run->nring < DUP_RING ? run->nring : DUP_RING;
    for (uint32_t i = 0; i < n; i++)
        if (run->ring[i].guide != guide && same_key(&run->ring[i], p))
            return 1;
    return 0;
}

static int guide_run_filter(guide_run *run, const rcm_x12_problem *p)
{
    /* envelope, set and balancing findings are never the guide's */
    if (!run || run->emitting || (p->kind != RCM_X12P_SEGMENT && p->kind != RCM_X12P_ELEMENT))
        return 0;
    if (dup_of_other(run, p, 0))
        return 1;
    remember(run, p, 0);
    return 0;
}

typedef struct where {
    const rcm_x12_seg *seg;  /* located at seg; NULL: at the last segment, or at pre */
    const rcm_x12_problem *pre; /* a saved location (the HL whose HL04 is wrong) */
    uint32_t depth;          /* loop path: frames 1 .. depth - 1 */
    const char *loop_id;     /* overrides the innermost loop id (a missing loop) */
} where;

static int vreport(guide_run *run, const where *w, int kind, int sev, const char *code, const char *seg_id,
                   int el, int comp, int rep, const char *ref, rcm_str value, const char *fmt, va_list ap)
{
    if (run->stop)
        return run->stop;
    rcm_x12_problem p;
    if (w->pre) {
        p = *w->pre;
    } else {
        memset(&p, 0, sizeof(p));
        loop_path(run, w->depth, p.loop, sizeof(p.loop));
        if (w->depth > 1)
            cstr_copy(p.loop_id, sizeof(p.loop_id), run->stack[w->depth - 1].loop->id);
        if (run->unit_frame && run->unit_frame <= w->depth)
            cstr_copy(p.unit, sizeof(p.unit), run->unit);
    }
    if (w->loop_id) {
        cstr_copy(p.loop_id, sizeof(p.loop_id), w->loop_id);
        if (p.loop[0] && strlen(p.loop) + 1 < sizeof(p.loop))
            strncat(p.loop, "/", sizeof(p.loop) - strlen(p.loop) - 1);
        strncat(p.loop, w->loop_id, sizeof(p.loop) - strlen(p.loop) - 1);
    }
    p.kind = kind;
    p.severity = sev;
    p.level = 2;
    cstr_copy(p.code, sizeof(p.code), code);
    if (seg_id)
        cstr_copy(p.seg_id, sizeof(p.seg_id), seg_id);
    p.element = el;
    p.component = comp;
    p.repetition = rep;
    if (ref)
        cstr_copy(p.elem_ref, sizeof(p.elem_ref), ref);
    printable(p.value, sizeof(p.value), value);
    vsnprintf(p.msg, sizeof(p.msg), fmt, ap);
    if (!seg_id && w->seg) {
        rcm_str id = rcm_x12_id(w->seg);
        printable(p.seg_id, sizeof(p.seg_id), (rcm_str){ id.p, id.n > 3 ? 3 : id.n });
    }
    if (w->seg)
        p.segment = w->seg->number; /* for the duplicate check; the walker fills in the rest */
    if (!w->seg && !w->pre)
        p.segment = 0;
    if (dup_of_other(run, &p, 1))
        return 0;
    remember(run, &p, 1);
    run->emitting = 1;
    int rc = x12_report_problem(run->env, w->pre ? NULL : w->seg, &p);
    run->emitting = 0;
    if (rc < 0)
        run->stop = rc;
    return rc < 0 ? rc : 0;
}

static int report(guide_run *run, const where *w, int kind, const char *code, const char *seg_id, int el,
                  int comp, int rep, const char *ref, rcm_str value, const char *fmt, ...) RCM_PRINTF(11, 12);
static int report(guide_run *run, const where *w, int kind, const char *code, const char *seg_id, int el,
                  int comp, int rep, const char *ref, rcm_str value, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(run, w, kind, RCM_SEV_ERROR, code, seg_id, el, comp, rep, ref, value, fmt, ap);
    va_end(ap);
    return rc;
}

static const rcm_str none = { "", 0 };

static int warn_no_guide(guide_run *run, const where *w, ...)
{
    va_list ap;
    va_start(ap, w);
    int rc = vreport(run, w, RCM_X12P_SET, RCM_SEV_WARNING, "1", NULL, 0, 0, 0, NULL, none,
                     "no implementation guide for %s %s: structure not checked", ap);
    va_end(ap);
    return rc;
}

/* "NM109", "SV101-1": an element's (component's) name for messages. */
static void elem_name(char *out, size_t outsz, const char *id, int el, int comp)
{
    if (comp)
        snprintf(out, outsz, "%s%02d-%d", id, el, comp);
    else
        snprintf(out, outsz, "%s%02d", id, el);
}

/* ---- value checks ---- */

static int all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

static unsigned num2(const char *p) { return (unsigned)(p[0] - '0') * 10 + (unsigned)(p[1] - '0'); }

static int leap(unsigned y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int valid_ymd(unsigned y, unsigned m, unsigned d)
{
    static const unsigned char mdays[13] = { 0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m < 1 || m > 12 || d < 1 || d > mdays[m])
        return 0;
    return !(m == 2 && d == 29 && !leap(y));
}

/* 1 when the 8 bytes at p are digits (eight at a time: a byte below '0' borrows, above '9' carries) */
static int digits8(const char *p)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t w;
    memcpy(&w, p, 8);
    return !(((w - ones * '0') | (w + ones * (0x80 - ('9' + 1))) | w) & highs);
}

/* CCYYMMDD */
static int is_d8(const char *p, size_t n)
{
    return n == 8 && digits8(p) && valid_ymd(num2(p) * 100 + num2(p + 2), num2(p + 4), num2(p + 6));
}

/* YYMMDD (the century does not matter but for February 29: 2000-2099 assumed) */
static int is_d6(const char *p, size_t n)
{
    return n == 6 && all_digits(p, 6) && valid_ymd(2000 + num2(p), num2(p + 2), num2(p + 4));
}

/* HHMM[SS[d[d]]] */
static int is_tm(const char *p, size_t n)
{
    if ((n != 4 && n != 6 && n != 7 && n != 8) || !all_digits(p, n))
        return 0;
    return num2(p) < 24 && num2(p + 2) < 60 && (n == 4 || num2(p + 4) < 60);
}

/* a date-time period: X-X with X of n bytes checked by f, the end not before the start */
static int is_range(const char *p, size_t n, size_t half, int (*f)(const char *, size_t), int mdy)
{
    if (n != 2 * half + 1 || p[half] != '-' || !f(p, half) || !f(p + half + 1, half))
        return 0;
    if (mdy) { /* MMDDCCYY: compare as CCYYMMDD */
        char a[8], b[8];
        memcpy(a, p + 4, 4), memcpy(a + 4, p, 4);
        memcpy(b, p + half + 5, 4), memcpy(b + 4, p + half + 1, 4);
        return memcmp(a, b, 8) <= 0;
    }
    return memcmp(p, p + half + 1, half) <= 0;
}

static int is_dt12(const char *p, size_t n) { return n == 12 && is_d8(p, 8) && is_tm(p + 8, 4); }

static int is_mdy(const char *p, size_t n)
{
    return n == 8 && all_digits(p, 8) && valid_ymd(num2(p + 4) * 100 + num2(p + 6), num2(p), num2(p + 2));
}

/*
 * A value against its date-time format qualifier (fmt lines). Returns 0 ok,
 * 8 an invalid date, 9 an invalid time; an unknown qualifier is not checked.
 */
static int check_format(rcm_str q, rcm_str v)
{
    if (LIKELY(q.n == 2 && q.p[0] == 'D' && q.p[1] == '8')) /* nearly every one */
        return is_d8(v.p, v.n) ? 0 : 8;
    if (rcm_str_eq(q, "D8"))
        return is_d8(v.p, v.n) ? 0 : 8;
    if (rcm_str_eq(q, "RD8"))
        return is_range(v.p, v.n, 8, is_d8, 0) ? 0 : 8;
    if (rcm_str_eq(q, "D6"))
        return is_d6(v.p, v.n) ? 0 : 8;
    if (rcm_str_eq(q, "DT"))
        return is_dt12(v.p, v.n) ? 0 : 8;
    if (rcm_str_eq(q, "TM"))
        return v.n == 4 && is_tm(v.p, 4) ? 0 : 9;
    if (rcm_str_eq(q, "DTS"))
        return is_range(v.p, v.n, 12, is_dt12, 0) ? 0 : 8;
    if (rcm_str_eq(q, "RD"))
        return is_range(v.p, v.n, 8, is_mdy, 1) ? 0 : 8;
    return 0;
}

/* where an element problem is: segment, element, component, repetition */
typedef struct eloc {
    const rcm_x12_seg *seg;
    const gpos *pos;
    int el, comp, rep;
} eloc;

static int el_report(guide_run *run, const eloc *at, const gel *e, const char *code, rcm_str value,
                     const char *fmt, ...) RCM_PRINTF(6, 7);
static int el_report(guide_run *run, const eloc *at, const gel *e, const char *code, rcm_str value,
                     const char *fmt, ...)
{
    if (at->el >= 1 && at->el <= 64)
        run->flagged |= (uint64_t)1 << (at->el - 1);
    where w = { at->seg, NULL, run->depth, NULL };
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(run, &w, RCM_X12P_ELEMENT, RCM_SEV_ERROR, code, NULL, at->el, at->comp, at->rep,
                     e ? e->ref : NULL, value, fmt, ap);
    va_end(ap);
    return rc;
}

static void code_list(const gcodes *c, char *out, size_t outsz)
{
    rcm_buf b;
    rcm_buf_init(&b, 1024);
    for (uint32_t i = 0; i < c->n && b.len < outsz; i++) {
        if (i)
            rcm_buf_adds(&b, ", ");
        rcm_buf_addstr(&b, c->shown[i]);
    }
    if (b.len >= outsz - 1 && outsz > 4) {
        cstr_copy(out, outsz - 4, b.ptr);
        strncat(out, "...", 4);
    } else {
        cstr_copy(out, outsz, b.ptr);
    }
    rcm_buf_release(&b);
}

enum { BAD_CHAR = 1, BAD_NUMBER, BAD_DATE, BAD_TIME, BAD_CODE, BAD_LENGTH };

/* Reports what check_simple found (rare: kept out of the fast path). */
static RCM_NOINLINE int simple_bad(guide_run *run, const eloc *at, const gel *e, rcm_str v, int why, size_t len)
{
    char name[16], shown[48];
    elem_name(name, sizeof(name), at->pos->id, at->el, at->comp);
    printable(shown, sizeof(shown), v);
    switch (why) {
    case BAD_CHAR: {
        unsigned char c = 0;
        for (size_t i = 0; i < v.n && !c; i++)
            if ((unsigned char)v.p[i] < 0x20 || (unsigned char)v.p[i] > 0x7E)
                c = (unsigned char)v.p[i];
        return el_report(run, at, e, "6", v, "%s has a character outside the X12 character set (0x%02X)", name, c);
    }
    case BAD_NUMBER:
        return el_report(run, at, e, "6", v, "%s '%s' is not a %s", name, shown,
                         e->type == GT_R ? "decimal number" : "whole number");
    case BAD_DATE:
        return el_report(run, at, e, "8", v, "%s '%s' is not a date (%s)", name, shown,
                         e->max == 6 ? "YYMMDD" : "CCYYMMDD");
    case BAD_TIME:
        return el_report(run, at, e, "9", v, "%s '%s' is not a time (HHMM[SS[D[D]]])", name, shown);
    case BAD_CODE: {
        char list[120];
        code_list(e->codes, list, sizeof(list));
        return el_report(run, at, e, "7", v, "%s '%s' is not a valid code (valid: %s)", name, shown, list);
    }
    default:
        return el_report(run, at, e, len < e->min ? "4" : "5", v, "%s '%s' is too %s (%zu; %u-%u)", name, shown,
                         len < e->min ? "short" : "long", len, e->min, e->max);
    }
}

/* A simple value (an element, or a component) against its type, length and codes. */
static RCM_INLINE int check_simple(guide_run *run, const eloc *at, const gel *e, rcm_str v, int chars_ok)
{
    const unsigned char *p = (const unsigned char *)v.p;
    size_t n = v.n, len = n;
    switch (e->type) {
    case GT_AN:
    case GT_ID:
        if (!chars_ok)
            for (size_t i = 0; i < n; i++)
                if (UNLIKELY(p[i] < 0x20 || p[i] > 0x7E))
                    return simple_bad(run, at, e, v, BAD_CHAR, 0);
        break;
    case GT_N:
    case GT_R: {
        size_t i = 0, dots = 0;
        if (n && p[0] == '-')
            i = 1, len--;
        for (; i < n; i++) {
            if ((unsigned)(p[i] - '0') <= 9)
                continue;
            if (p[i] != '.' || e->type != GT_R)
                break;
            dots++, len--;
        }
        if (UNLIKELY(i < n || dots > 1 || !len))
            return simple_bad(run, at, e, v, BAD_NUMBER, 0);
        break;
    }
    case GT_DT:
        if (UNLIKELY(e->max == 6 ? !is_d6(v.p, n) : !is_d8(v.p, n)))
            return simple_bad(run, at, e, v, BAD_DATE, 0);
        return 0;
    case GT_TM:
        if (UNLIKELY(!is_tm(v.p, n) || n < e->min || n > e->max))
            return simple_bad(run, at, e, v, BAD_TIME, 0);
        return 0;
    default:
        return 0;
    }
    if (e->codes) /* a key's code matched when the segment was placed */
        return LIKELY(e->key || guide_code_in(e->codes, v)) ? 0 : simple_bad(run, at, e, v, BAD_CODE, 0);
    if (UNLIKELY(len < e->min || len > e->max))
        return simple_bad(run, at, e, v, BAD_LENGTH, len);
    return 0;
}

/*
 * A value of X12 characters only, without separators (an element or a
 * component the guide uses): check_simple(..., 1), with the common cases
 * decided by e->op.
 */
static RCM_INLINE int check_clean(guide_run *run, const eloc *at, const gel *e, rcm_str v)
{
    switch (e->op) {
    case GOP_NONE:
        return 0;
    case GOP_LEN:
        return LIKELY(v.n >= e->min && v.n <= e->max) ? 0 : simple_bad(run, at, e, v, BAD_LENGTH, v.n);
    case GOP_CODE:
        return LIKELY(guide_code_in(e->codes, v)) ? 0 : simple_bad(run, at, e, v, BAD_CODE, 0);
    default:
        return check_simple(run, at, e, v, 1);
    }
}

/*
 * 1 when a clean value passes check_clean without a problem; 0 when it
 * may not (the caller then checks it the long way, which reports).
 */
static RCM_INLINE int clean_ok(const gel *e, rcm_str v)
{
    switch (e->op) {
    case GOP_NONE:
        return 1;
    case GOP_LEN:
        return v.n >= e->min && v.n <= e->max;
    case GOP_CODE:
        return guide_code_in(e->codes, v);
    default:
        if (e->type == GT_N && !e->codes && e->usage != GU_N && !e->comp) { /* unsigned digits: N0, N2 */
            for (size_t i = 0; i < v.n; i++)
                if ((unsigned)(v.p[i] - '0') > 9)
                    return 0;
            return v.n && v.n >= e->min && v.n <= e->max;
        }
        return 0;
    }
}

/*
 * 1 when a composite of X12 characters only, not repeated, has no problem:
 * each component present is used and passes clean_ok, no required one is
 * missing, there are not too many. 0: it may have one (check_occurrence
 * finds and reports it).
 */
static RCM_NOINLINE int composite_ok(const gel *e, rcm_str v, char sep)
{
    const char *p = v.p, *end = v.p + v.n;
    unsigned j = 0;
    if (!sep)
        return 0;
    for (;;) {
        const char *q = p;
        while (q < end && *q != sep)
            q++;
        if (++j > e->ncomp)
            return 0;
        const gel *ce = &e->c[j];
        rcm_str c = { p, (size_t)(q - p) };
        if (!c.n ? ce->usage == GU_R : !clean_ok(ce, c))
            return 0;
        if (q == end)
            break;
        p = q + 1;
    }
    for (j++; j <= e->creq; j++)
        if (e->c[j].usage == GU_R)
            return 0;
    return 1;
}

/* One occurrence (a repetition) of an element: a composite's components, or the simple value. */
static int check_occurrence(guide_run *run, eloc *at, const gel *e, rcm_str v, const rcm_x12_delims *d,
                            int chars_ok)
{
    char name[16];
    if (!e->comp) {
        if (UNLIKELY(d->comp && memchr(v.p, d->comp, v.n))) {
            elem_name(name, sizeof(name), at->pos->id, at->el, 0);
            return el_report(run, at, e, "6", v, "%s holds the component separator '%c' but is not a composite",
                             name, d->comp);
        }
        return check_simple(run, at, e, v, chars_ok);
    }
    const char *p = v.p, *end = v.p + v.n;
    char sep = d->comp;
    unsigned j = 0;
    int rc = 0;
    for (;;) {
        const char *q = p;
        while (q < end && *q != sep)
            q++;
        rcm_str c = { p, (size_t)(q - p) };
        j++;
        if (UNLIKELY(j > e->ncomp)) {
            at->comp = 0;
            elem_name(name, sizeof(name), at->pos->id, at->el, 0);
            return el_report(run, at, e, "13", v, "%s has more than %u components", name, e->ncomp);
        }
        const gel *ce = &e->c[j];
        at->comp = (int)j;
        if (!c.n) {
            if (UNLIKELY(ce->usage == GU_R)) {
                elem_name(name, sizeof(name), at->pos->id, at->el, (int)j);
                rc = el_report(run, at, ce, "1", none, "required component %s (%s) missing", name, ce->name);
            }
        } else if (UNLIKELY(ce->usage == GU_N)) {
            elem_name(name, sizeof(name), at->pos->id, at->el, (int)j);
            rc = el_report(run, at, ce, "I10", c, "component %s (%s) is not used in this guide", name, ce->name);
        } else {
            rc = chars_ok ? check_clean(run, at, ce, c) : check_simple(run, at, ce, c, 0);
        }
        if (rc < 0 || q == end || !sep)
            break;
        p = q + 1;
    }
    for (j++; rc == 0 && j <= e->creq; j++) { /* components after the last one present */
        if (UNLIKELY(e->c[j].usage == GU_R)) {
            at->comp = (int)j;
            elem_name(name, sizeof(name), at->pos->id, at->el, (int)j);
            rc = el_report(run, at, &e->c[j], "1", none, "required component %s (%s) missing", name,
                           e->c[j].name);
        }
    }
    at->comp = 0;
    return rc;
}

static int check_element(guide_run *run, eloc *at, const gel *e, rcm_str v, const rcm_x12_delims *d)
{
    char name[16];
    unsigned acc = 0;
    const unsigned char *b = (const unsigned char *)v.p;
    if (UNLIKELY(!run->cls_ok || memcmp(&run->cls_d, d, sizeof(*d)) != 0)) {
        for (unsigned c = 0; c < 256; c++)
            run->cls[c] = c < 0x20 || c > 0x7E ? C_BAD : 0;
        if (d->rep)
            run->cls[(unsigned char)d->rep] |= C_REP;
        if (d->comp)
            run->cls[(unsigned char)d->comp] |= C_COMP;
        run->cls_d = *d;
        run->cls_ok = 1;
    }
    for (size_t i = 0; i < v.n; i++)
        acc |= run->cls[b[i]];
    if (LIKELY(!(acc & (C_REP | C_COMP)) && !e->comp)) /* the usual case: one simple value */
        return check_simple(run, at, e, v, !acc);
    if (e->rep > 1 && d->rep) {
        const char *p = v.p, *end = v.p + v.n;
        int k = 0, rc = 0;
        for (;;) {
            const char *q = memchr(p, d->rep, (size_t)(end - p));
            rcm_str r = { p, (size_t)((q ? q : end) - p) };
            k++;
            at->rep = k;
            if (UNLIKELY(k > e->rep)) {
                elem_name(name, sizeof(name), at->pos->id, at->el, 0);
                rc = el_report(run, at, e, "12", v, "%s repeats more than %u times", name, e->rep);
                break;
            }
            if (r.n && (rc = check_occurrence(run, at, e, r, d, 0)) < 0)
                break;
            if (!q)
                break;
            p = q + 1;
        }
        at->rep = 0;
        return rc;
    }
    if (UNLIKELY(d->rep && memchr(v.p, d->rep, v.n))) {
        elem_name(name, sizeof(name), at->pos->id, at->el, 0);
        return el_report(run, at, e, "12", v, "%s may not repeat (it holds the repetition separator '%c')", name,
                         d->rep);
    }
    return check_occurrence(run, at, e, v, d, !(acc & C_BAD));
}

static int present(const rcm_x12_seg *seg, unsigned i)
{
    return i <= seg->n && seg->off[i + 1] - seg->off[i] > 1;
}

/* The lowest position of bits (1-based), 0 none. */
static unsigned first_pos(uint64_t bits) { return bits ? (unsigned)__builtin_ctzll(bits) + 1 : 0; }

/* The dictionary's syntax notes; pm has bit i - 1 set when element i is present. */
static int check_rules(guide_run *run, const rcm_x12_seg *seg, const gpos *pos, uint64_t pm, int *violated)
{
    int rc = 0;
    char name[16];
    *violated = 0;
    for (uint32_t k = 0; k < pos->nrules && rc == 0; k++) {
        const gd_rule *r = &pos->rules[k];
        uint64_t have = pm & r->all;
        unsigned bad = 0;
        const char *code = "2", *why = "";
        switch (r->type) {
        case 'P':
            if (have && have != r->all)
                bad = first_pos(r->all & ~have), why = "must be present with the others of its pair";
            break;
        case 'R':
            if (!have)
                bad = r->pos[0], why = "or one of the elements it goes with must be present";
            break;
        case 'E':
            if (have & (have - 1)) /* more than one */
                bad = first_pos(have & (have - 1)), code = "10", why = "excludes an element present before it";
            break;
        case 'C':
            if ((have & r->first) && (have & r->rest) != r->rest)
                bad = first_pos(r->rest & ~have), why = "is required when the first of its group is present";
            break;
        case 'L':
            if ((have & r->first) && !(have & r->rest))
                bad = r->pos[1], why = "or another of its group is required when the first is present";
            break;
        }
        if (LIKELY(!bad))
            continue;
        *violated = 1;
        if (run->flagged & r->all) /* an element of the note already reported: enough */
            continue;
        char note[28];
        size_t o = 0;
        note[o++] = r->type;
        for (unsigned i = 0; i < r->n && o + 3 < sizeof(note); i++)
            o += (size_t)snprintf(note + o, sizeof(note) - o, "%02u", r->pos[i]);
        note[o] = '\0';
        elem_name(name, sizeof(name), pos->id, (int)bad, 0);
        eloc at = { seg, pos, (int)bad, 0, 0 };
        const gel *e = bad <= pos->nel ? &pos->el[bad] : NULL;
        rc = el_report(run, &at, e, code, bad <= seg->n ? rcm_x12_el(seg, bad) : none, "%s %s (syntax note %s)",
                       name, why, note);
    }
    return rc;
}

static int check_formats(guide_run *run, const rcm_x12_seg *seg, const gpos *pos)
{
    char name[16], shown[48], qs[8];
    for (uint32_t k = 0; k < pos->nfmts; k++) {
        unsigned vi = pos->fmts[k].value, qi = pos->fmts[k].qual;
        if (!present(seg, vi) || !present(seg, qi) || (run->flagged & (((uint64_t)1 << (vi - 1)) | ((uint64_t)1 << (qi - 1)))))
            continue;
        rcm_str v = rcm_x12_el(seg, vi), q = rcm_x12_el(seg, qi);
        int bad = check_format(q, v);
        if (LIKELY(!bad))
            continue;
        elem_name(name, sizeof(name), pos->id, (int)vi, 0);
        printable(shown, sizeof(shown), v);
        printable(qs, sizeof(qs), q);
        eloc at = { seg, pos, (int)vi, 0, 0 };
        int rc = el_report(run, &at, &pos->el[vi], bad == 9 ? "9" : "8", v, "%s '%s' does not have the format %s",
                           name, shown, qs);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* ---- the HL hierarchy ---- */

/* The loop path of lp ("2000A/2000B"), from its parents. */
static void path_of(const gloop *lp, char *path, size_t pathsz, char *id, size_t idsz)
{
    const gloop *chain[G_MAX_DEPTH + 1];
    uint32_t n = 0;
    for (; lp && lp->parent && n < ARRAY_SIZE(chain); lp = lp->parent)
        chain[n++] = lp;
    cstr_copy(id, idsz, n ? chain[0]->id : "");
    rcm_buf b;
    rcm_buf_init(&b, 256);
    while (n--) {
        if (b.len)
            rcm_buf_addc(&b, '/');
        rcm_buf_adds(&b, chain[n]->id);
    }
    cstr_copy(path, pathsz, b.ptr);
    rcm_buf_release(&b);
}

/* An HL04 contradicted by what follows, reported at that earlier HL. */
static RCM_NOINLINE int hl04_report(guide_run *run, const char *fmt, const char *says, const char *next)
{
    rcm_x12_problem at;
    memset(&at, 0, sizeof(at));
    at.line = run->hl_at.line;
    at.segment = run->hl_at.segment;
    at.offset = run->hl_at.offset;
    at.set_position = run->hl_at.set_position;
    cstr_copy(at.seg_id, sizeof(at.seg_id), "HL");
    path_of(run->hl_at.loop, at.loop, sizeof(at.loop), at.loop_id, sizeof(at.loop_id));
    cstr_copy(at.unit, sizeof(at.unit), run->hl_at.unit);
    where w = { NULL, &at, 0, NULL };
    return report(run, &w, RCM_X12P_ELEMENT, "I12", NULL, 4, 0, 0, "736", rcm_str_c(says), fmt, says, next);
}

/* A number of at most 9 digits, or -1. */
static long small_number(rcm_str v)
{
    if (!v.n || v.n > 9)
        return -1;
    long n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if ((unsigned)(v.p[i] - '0') > 9)
            return -1;
        n = n * 10 + (v.p[i] - '0');
    }
    return n;
}

static int check_hl(guide_run *run, const rcm_x12_seg *seg, const gpos *pos)
{
    char shown[24];
    int rc = 0;
    rcm_str id = rcm_x12_el(seg, 1), parent = rcm_x12_el(seg, 2), child = rcm_x12_el(seg, 4);
    frame *f = &run->stack[run->depth - 1];
    /* HL01: 1, 2, 3... in the set */
    long next = run->hl_last + 1, got = small_number(id);
    if (UNLIKELY(got != next) && !(run->flagged & 1)) {
        printable(shown, sizeof(shown), id);
        eloc at = { seg, pos, 1, 0, 0 };
        if ((rc = el_report(run, &at, &pos->el[1], "I12", id, "HL01 '%s' is not the next number, %ld", shown,
                            next)) < 0)
            return rc;
    }
    run->hl_last = got > 0 ? got : next;
    if (LIKELY(id.n < sizeof(f->hl_id))) {
        memcpy(f->hl_id, id.p, id.n);
        f->hl_id[id.n] = '\0';
    } else {
        printable(f->hl_id, sizeof(f->hl_id), id);
    }
    /* HL02: the HL01 of the enclosing HL loop instance, empty at the top */
    const char *expect = "";
    for (uint32_t i = run->depth - 1; i-- > 1;)
        if (run->stack[i].loop->hl) {
            expect = run->stack[i].hl_id;
            break;
        }
    if (UNLIKELY(!rcm_str_eq(parent, expect)) && !(run->flagged & 2)) {
        printable(shown, sizeof(shown), parent);
        eloc at = { seg, pos, 2, 0, 0 };
        if (!expect[0])
            rc = el_report(run, &at, &pos->el[2], "I12", parent,
                           "HL02 '%s' names a parent, but this level has none (HL02 must be empty)", shown);
        else
            rc = el_report(run, &at, &pos->el[2], "I12", parent, "HL02 '%s' is not the parent's HL01, %s",
                           shown[0] ? shown : "(empty)", expect);
        if (rc < 0)
            return rc;
    }
    /* HL04 of the previous HL: 1 when this one is its child */
    if (run->hl_pending) {
        run->hl_pending = 0;
        /* its child when that HL's loop instance is still open around this one */
        uint32_t d = run->hl_pend_depth;
        int is_child = d + 1 < run->depth && run->stack[d].serial == run->hl_pend_serial;
        const char *says = run->hl_pend04;
        if (UNLIKELY((says[0] == '1') != is_child)) {
            printable(shown, sizeof(shown), id);
            if ((rc = hl04_report(run,
                                  is_child ? "HL04 '%s' says no child follows, but HL %s is its child"
                                           : "HL04 '%s' says a child follows, but HL %s is not its child",
                                  says, shown)) < 0)
                return rc;
        }
    }
    if (pos->nel >= 4 && pos->el[4].codes && child.n == 1 && (child.p[0] == '0' || child.p[0] == '1') &&
        !(run->flagged & 8)) {
        run->hl_pending = 1;
        run->hl_pend_depth = run->depth - 1;
        run->hl_pend_serial = f->serial;
        run->hl_pend04[0] = child.p[0];
        run->hl_pend04[1] = '\0';
        run->hl_at.line = seg->line;
        run->hl_at.segment = seg->number;
        run->hl_at.offset = seg->offset;
        run->hl_at.set_position = run->env->st_position;
        run->hl_at.loop = f->loop;
        if (run->unit_frame && run->unit_frame <= run->depth)
            cstr_copy(run->hl_at.unit, sizeof(run->hl_at.unit), run->unit);
        else
            run->hl_at.unit[0] = '\0';
    }
    return 0;
}

static int hl_close(guide_run *run)
{
    if (!run->hl_pending)
        return 0;
    run->hl_pending = 0;
    if (run->hl_pend04[0] != '1')
        return 0;
    return hl04_report(run, "HL04 '%s' says a child follows, but no HL follows it%s", run->hl_pend04, "");
}

/* ---- a placed segment's elements ---- */

enum { SEG_CLEAN = 0, SEG_COMPONENTS = 1, SEG_DIRTY = 2 };

/* A classification mask: bits 0-15 bytes outside 0x20-0x7E or equal to the
 * repetition separator, bits 16-31 bytes equal to the component separator. */
static RCM_INLINE int scan_result(uint32_t m)
{
    if (m & 0xFFFFu)
        return SEG_DIRTY;
    return m ? SEG_COMPONENTS : SEG_CLEAN;
}

#if defined(__SSE2__)
/* The classification mask of 16 bytes (no separator: NUL, a bad character anyway). */
static RCM_INLINE uint32_t scan16(__m128i x, __m128i rep, __m128i comp)
{
    __m128i bad = _mm_or_si128(_mm_cmplt_epi8(x, _mm_set1_epi8(0x20)), _mm_cmpeq_epi8(x, _mm_set1_epi8(0x7F)));
    bad = _mm_or_si128(bad, _mm_cmpeq_epi8(x, rep));
    return (uint32_t)_mm_movemask_epi8(bad) | (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(x, comp)) << 16;
}

static RCM_INLINE uint64_t load64(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    return w;
}

static RCM_INLINE uint32_t load32(const char *p)
{
    uint32_t w;
    memcpy(&w, p, 4);
    return w;
}

/*
 * What the elements of a segment hold, sixteen bytes at a time: SEG_CLEAN
 * only X12 characters (0x20-0x7E) and no repetition or component separator
 * (each element is one simple value whose characters need no check);
 * SEG_COMPONENTS the same with component separators; SEG_DIRTY anything else.
 * Reads only the segment's bytes [ptr, ptr + len): a short segment is loaded
 * in two overlapping halves, and the bytes before element 1 are masked off.
 */
static int seg_scan(const rcm_x12_seg *seg, const rcm_x12_delims *d)
{
    const char *s = seg->ptr, *p = s + seg->off[1], *end = s + seg->len;
    size_t n = (size_t)(end - p), len = seg->len, o1 = seg->off[1];
    __m128i rep = _mm_set1_epi8(d->rep), comp = _mm_set1_epi8(d->comp);
    uint32_t m = 0, valid;
    if (LIKELY(n >= 16)) {
        for (; end - p > 16; p += 16)
            m |= scan16(_mm_loadu_si128((const __m128i *)(const void *)p), rep, comp);
        m |= scan16(_mm_loadu_si128((const __m128i *)(const void *)(end - 16)), rep, comp);
        return scan_result(m);
    }
    if (!n)
        return SEG_CLEAN;
    if (len >= 16) { /* the last 16 bytes, those of the elements kept */
        valid = (0xFFFFu << (16 - n)) & 0xFFFFu;
        m = scan16(_mm_loadu_si128((const __m128i *)(const void *)(end - 16)), rep, comp);
    } else if (len >= 8) { /* bytes 0-7: offsets 0-7; bytes 8-15: offsets len - 8 .. len - 1 */
        __m128i x = _mm_set_epi64x((long long)load64(end - 8), (long long)load64(s));
        size_t hi_from = o1 + 8 > len ? o1 + 8 - len : 0;
        valid = ((0xFFu << (o1 < 8 ? o1 : 8)) & 0xFFu) | ((0xFFu << hi_from) & 0xFFu) << 8;
        m = scan16(x, rep, comp);
    } else if (len >= 4) { /* bytes 0-3: offsets 0-3; bytes 4-7: offsets len - 4 .. len - 1; the rest 'A' */
        __m128i x = _mm_set_epi32(0x41414141, 0x41414141, (int)load32(end - 4), (int)load32(s));
        size_t hi_from = o1 + 4 > len ? o1 + 4 - len : 0;
        valid = ((0xFu << (o1 < 4 ? o1 : 4)) & 0xFu) | ((0xFu << hi_from) & 0xFu) << 4;
        m = scan16(x, rep, comp);
    } else {
        char tmp[16];
        memset(tmp, 'A', sizeof(tmp));
        memcpy(tmp, p, n);
        valid = 0xFFFFu;
        m = scan16(_mm_loadu_si128((const __m128i *)(const void *)tmp), rep, comp);
    }
    return scan_result(m & (valid | valid << 16));
}
#else
#define ONES ((uint64_t)0x0101010101010101u)
#define HIGHS ((uint64_t)0x8080808080808080u)

/* bytes outside 0x20-0x7E or equal to the repetition separator (high bits) */
static inline uint64_t dirty(uint64_t w, uint64_t rb)
{
    uint64_t r = w ^ rb;
    return ((w - ONES * 0x20) & ~w) | ((w + ONES) | w) | ((r - ONES) & ~r);
}

static inline uint64_t has_byte(uint64_t w, uint64_t b)
{
    uint64_t x = w ^ b;
    return (x - ONES) & ~x;
}

/* seg_scan eight bytes at a time, for targets without SSE2. */
static int seg_scan(const rcm_x12_seg *seg, const rcm_x12_delims *d)
{
    const char *p = seg->ptr + seg->off[1], *end = seg->ptr + seg->len;
    /* no separator: NUL, which is a bad character anyway */
    uint64_t rb = ONES * (unsigned char)d->rep, cb = ONES * (unsigned char)d->comp, bad = 0, comp = 0, w;
    if (end - p < 8) {
        w = ONES * 'A'; /* padded with a harmless letter */
        memcpy(&w, p, (size_t)(end - p));
        bad = dirty(w, rb);
        comp = has_byte(w, cb);
    } else {
        for (; end - p > 8; p += 8) {
            memcpy(&w, p, 8);
            bad |= dirty(w, rb);
            comp |= has_byte(w, cb);
        }
        memcpy(&w, end - 8, 8); /* the last 8 bytes, overlapping what was checked */
        bad |= dirty(w, rb);
        comp |= has_byte(w, cb);
    }
    return scan_result((bad & HIGHS ? 1u : 0u) | (comp & HIGHS ? 1u << 16 : 0u));
}
#endif

/* 1 when v holds the component separator c. */
static RCM_INLINE int has_comp(rcm_str v, char c)
{
    for (size_t i = 0; i < v.n; i++)
        if (v.p[i] == c)
            return 1;
    return 0;
}

static int check_segment(guide_run *run, const rcm_x12_seg *seg, const gpos *pos)
{
    const rcm_x12_delims *d = &seg->d;
    char name[16];
    int rc = 0;
    uint32_t n = seg->n;
    run->flagged = 0;
    eloc at = { seg, pos, 0, 0, 0 };
    if (UNLIKELY(n > pos->nel) && !seg->too_many) { /* over 64: the walker said so */
        at.el = (int)pos->nel + 1;
        if ((rc = el_report(run, &at, NULL, "3", rcm_x12_el(seg, pos->nel + 1),
                            "segment %s has %u elements; it has at most %u", pos->id, n, pos->nel)) < 0)
            return rc;
    }
    uint32_t upto = n < pos->nel ? n : pos->nel; /* elements in the data */
    int scan = n ? seg_scan(seg, d) : SEG_DIRTY;
    int clean = scan == SEG_CLEAN, chars_ok = scan != SEG_DIRTY;
    uint64_t pm = 0; /* elements present */
    const uint32_t *off = seg->off;
    for (uint32_t i = 1; i <= upto; i++) {
        const gel *e = &pos->el[i];
        uint32_t len = off[i + 1] - off[i] - 1;
        if (!len) {
            if (UNLIKELY(e->usage == GU_R)) {
                at.el = (int)i;
                elem_name(name, sizeof(name), pos->id, (int)i, 0);
                if ((rc = el_report(run, &at, e, "1", none, "required element %s (%s) missing", name, e->name)) < 0)
                    return rc;
            }
            continue;
        }
        rcm_str v = { seg->ptr + off[i], len };
        pm |= (uint64_t)1 << (i - 1);
        at.el = (int)i;
        /* X12 characters only, and no separator unless it is a composite */
        int simple_ok = clean || (chars_ok && !e->comp && !has_comp(v, d->comp));
        if (LIKELY(e->op != GOP_CHECK) && simple_ok)
            rc = check_clean(run, &at, e, v); /* a simple value the guide uses */
        else if (UNLIKELY(e->usage == GU_N)) {
            elem_name(name, sizeof(name), pos->id, (int)i, 0);
            rc = el_report(run, &at, e, "I10", v, "element %s (%s) is not used in this guide", name, e->name);
        } else if (simple_ok && !e->comp) {
            rc = check_simple(run, &at, e, v, 1);
        } else if (chars_ok && e->comp && e->rep == 1) {
            if (!composite_ok(e, v, d->comp))
                rc = check_occurrence(run, &at, e, v, d, 1);
        } else {
            rc = check_element(run, &at, e, v, d);
        }
        if (rc < 0)
            return rc;
    }
    for (uint32_t i = upto + 1; i <= pos->last_req; i++) { /* required elements after the data's last */
        if (UNLIKELY(pos->el[i].usage == GU_R)) {
            at.el = (int)i;
            elem_name(name, sizeof(name), pos->id, (int)i, 0);
            if ((rc = el_report(run, &at, &pos->el[i], "1", none, "required element %s (%s) missing", name,
                                pos->el[i].name)) < 0)
                return rc;
        }
    }
    if (pos->rule_r || (pm & pos->rule_touch)) {
        /* the notes depend on which elements are present only: a set that passed passes again */
        struct rules_ok *ok = &run->rules_ok[((uintptr_t)pos >> 4 ^ (uintptr_t)pos >> 10) % RULES_CACHE];
        if (ok->pos != pos || ok->pm != pm) {
            int violated;
            if ((rc = check_rules(run, seg, pos, pm, &violated)) < 0)
                return rc;
            if (!violated) {
                ok->pos = pos;
                ok->pm = pm;
            }
        }
    }
    if (pos->nfmts && (rc = check_formats(run, seg, pos)) < 0)
        return rc;
    if (pos->hl)
        rc = check_hl(run, seg, pos);
    return rc;
}

/* ---- placing a segment ---- */

static RCM_INLINE int keys_match(const gpos *pos, const rcm_x12_seg *seg)
{
    for (uint32_t k = 0; k < pos->nkeys; k++) {
        const gkey *key = &pos->keys[k];
        rcm_str v = rcm_x12_el(seg, key->el);
        if (key->comp)
            v = rcm_x12_comp(v, seg->d.comp ? seg->d.comp : ':', key->comp);
        if (!guide_code_in(key->codes, v))
            return 0;
    }
    return 1;
}

static RCM_INLINE int node_matches(const gnode *c, uint32_t key, const rcm_x12_seg *seg)
{
    return c->key == key && (!c->nkeys || keys_match(c->pos, seg));
}

/* node_matches with v1, the code_key of the segment's element 1, for the common one-code first key. */
static RCM_INLINE int node_matches1(const gnode *c, uint32_t key, const rcm_x12_seg *seg, uint64_t v1)
{
    if (c->key != key)
        return 0;
    if (c->k1) {
        if (c->k1code != v1)
            return 0;
        if (c->nkeys == 1 && seg->off[2] - seg->off[1] - 1 < 8) /* a longer code: its tail is compared below */
            return 1;
    }
    return !c->nkeys || keys_match(c->pos, seg);
}

/* Where segment key/seg goes: frame level lv, child idx. 0: found. */
static int search(const guide_run *run, uint32_t key, const rcm_x12_seg *seg, uint32_t *lv_out, uint32_t *idx_out)
{
    /*
     * Most segments repeat the current position or take the next one. Either
     * is what the ordered search below finds: the positions of a same-id
     * group have disjoint keys, and the next position, when it begins a new
     * group, has an id no earlier candidate has.
     */
    const frame *top = &run->stack[run->depth - 1];
    uint32_t cur = top->cur;
    rcm_str e1 = rcm_x12_el(seg, 1);
    uint64_t v1 = code_key(e1.p, e1.n);
    if ((cur || run->depth == 1) && node_matches1(&top->loop->child[cur], key, seg, v1)) {
        *lv_out = run->depth - 1;
        *idx_out = cur;
        return 0;
    }
    if (cur + 1 < top->loop->n && node_matches1(&top->loop->child[cur + 1], key, seg, v1)) {
        *lv_out = run->depth - 1;
        *idx_out = cur + 1;
        return 0;
    }
    for (uint32_t lv = run->depth; lv-- > 0;) {
        const frame *f = &run->stack[lv];
        const gloop *lp = f->loop;
        uint32_t start = lp->child[f->cur].group;
        if (lv && !start)
            start = 1; /* a loop's first position begins a new instance (found below) */
        uint32_t h = guide_slot(key, lp->hmask);
        while (lp->slots[h].count && lp->slots[h].key != key)
            h = (h + 1) & lp->hmask;
        if (!lp->slots[h].count)
            continue; /* no position of this id here */
        const uint32_t *ix = lp->idx + lp->slots[h].first;
        for (uint32_t k = 0, n = lp->slots[h].count; k < n; k++) {
            uint32_t i = ix[k];
            if (i >= start && node_matches1(&lp->child[i], key, seg, v1)) {
                *lv_out = lv;
                *idx_out = i;
                return 0;
            }
        }
        if (lv && node_matches1(&lp->child[0], key, seg, v1)) { /* a new instance of this loop */
            *lv_out = lv - 1;
            *idx_out = run->stack[lv - 1].cur;
            return 0;
        }
    }
    return -1;
}

static const char *usage_word(const gnode *c) { return c->usage == GU_R ? "required" : "situational"; }

/* A position as messages name it: "NM1", "DTP*050", "REF*0B/1G", "HL (HL03 22)". */
static void pos_label(const gpos *pos, char *out, size_t outsz)
{
    rcm_buf b;
    rcm_buf_init(&b, 256);
    rcm_buf_adds(&b, pos->id);
    if (pos->nkeys) {
        const gkey *k = &pos->keys[0];
        char name[16];
        elem_name(name, sizeof(name), pos->id, k->el, k->comp);
        if (k->el == 1 && !k->comp)
            rcm_buf_addc(&b, '*');
        else
            rcm_buf_addf(&b, " (%s ", name);
        for (uint32_t i = 0; i < k->codes->n && i < 4; i++) {
            if (i)
                rcm_buf_addc(&b, '/');
            rcm_buf_addstr(&b, k->codes->shown[i]);
        }
        if (k->codes->n > 4)
            rcm_buf_adds(&b, "/...");
        if (!(k->el == 1 && !k->comp))
            rcm_buf_addc(&b, ')');
    }
    cstr_copy(out, outsz, b.ptr);
    rcm_buf_release(&b);
}

/* Required children of frame lv with no occurrence in [from, to) reported missing at seg. */
static RCM_NOINLINE int missing_found(guide_run *run, uint32_t lv, uint32_t from, uint32_t to,
                                       const rcm_x12_seg *seg)
{
    const frame *f = &run->stack[lv];
    const gloop *lp = f->loop;
    const uint32_t *cnt = run->counts + lp->base;
    int rc = 0;
    for (uint32_t r = lp->req[from], rend = lp->req[to]; r < rend && rc == 0; r++) { /* the required ones */
        uint32_t i = lp->ridx[r];
        const gnode *c = &lp->child[i];
        if (LIKELY(cnt[i]))
            continue;
        char at[16] = "";
        if (seg) {
            rcm_str id = rcm_x12_id(seg);
            printable(at, sizeof(at), (rcm_str){ id.p, id.n > 3 ? 3 : id.n });
        }
        where w = { seg, NULL, lv + 1, c->loop ? c->sub->id : NULL };
        char label[64];
        pos_label(c->pos, label, sizeof(label));
        if (c->loop)
            rc = report(run, &w, RCM_X12P_SEGMENT, "3", c->pos->id, 0, 0, 0, NULL, none,
                        "%s loop %s (%s) missing%s%s", usage_word(c), c->sub->id, label, at[0] ? " before " : "", at);
        else
            rc = report(run, &w, RCM_X12P_SEGMENT, "3", c->pos->id, 0, 0, 0, NULL, none,
                        "%s segment %s%s%s missing%s%s", usage_word(c), label, lp->id[0] ? " of loop " : "", lp->id,
                        at[0] ? " before " : "", at);
    }
    return rc;
}

static RCM_INLINE int report_missing(guide_run *run, uint32_t lv, uint32_t from, uint32_t to,
                                     const rcm_x12_seg *seg)
{
    const gloop *lp = run->stack[lv].loop;
    const uint32_t *cnt = run->counts + lp->base;
    for (uint32_t r = lp->req[from], rend = lp->req[to]; r < rend; r++)
        if (UNLIKELY(!cnt[lp->ridx[r]]))
            return missing_found(run, lv, from, to, seg);
    return 0;
}

/* Closes the innermost loop instance: its missing required children reported at seg. */
static int pop(guide_run *run, const rcm_x12_seg *seg)
{
    uint32_t lv = run->depth - 1;
    const frame *f = &run->stack[lv];
    int rc = report_missing(run, lv, f->loop->child[f->cur].group, f->loop->n, seg);
    if (run->unit_frame == lv + 1) {
        run->unit_frame = 0;
        run->unit[0] = '\0';
    }
    run->depth--;
    return rc;
}

/* Places seg at child idx of frame lv (closing the frames below it); the position it took. */
static int place(guide_run *run, uint32_t lv, uint32_t idx, const rcm_x12_seg *seg, const gnode **out)
{
    int rc;
    while (run->depth > lv + 1)
        if ((rc = pop(run, seg)) < 0)
            return rc;
    frame *f = &run->stack[lv];
    const gloop *lp = f->loop;
    const gnode *c = &lp->child[idx];
    if (lp->child[idx].group != lp->child[f->cur].group &&
        (rc = report_missing(run, lv, lp->child[f->cur].group, lp->child[idx].group, seg)) < 0)
        return rc;
    f->cur = idx;
    uint32_t n = ++run->counts[lp->base + idx];
    *out = c;
    if (c->loop) {
        const gloop *sub = c->sub;
        frame *nf = &run->stack[run->depth++];
        nf->loop = sub;
        nf->cur = 0;
        nf->hl_id[0] = '\0';
        nf->serial = ++run->serial;
        memset(run->counts + sub->base, 0, sub->n * sizeof(uint32_t));
        run->counts[sub->base] = 1;
        where w = { seg, NULL, run->depth, NULL };
        if (UNLIKELY(c->usage == GU_N))
            return report(run, &w, RCM_X12P_SEGMENT, "I4", NULL, 0, 0, 0, NULL, none,
                          "loop %s is not used in this guide", sub->id);
        if (UNLIKELY(n > c->max))
            return report(run, &w, RCM_X12P_SEGMENT, "4", NULL, 0, 0, 0, NULL, none,
                          "loop %s occurs more than %u times", sub->id, c->max);
        if (UNLIKELY(sub->child[0].usage == GU_N))
            return report(run, &w, RCM_X12P_SEGMENT, "I4", NULL, 0, 0, 0, NULL, none,
                          "segment %s is not used in this guide", c->pos->id);
        return 0;
    }
    where w = { seg, NULL, run->depth, NULL };
    if (UNLIKELY(c->usage == GU_N))
        return report(run, &w, RCM_X12P_SEGMENT, "I4", NULL, 0, 0, 0, NULL, none,
                      "segment %s is not used in this guide%s%s", c->pos->id, lp->id[0] ? " in loop " : "", lp->id);
    if (UNLIKELY(n > c->max))
        return report(run, &w, RCM_X12P_SEGMENT, "5", NULL, 0, 0, 0, NULL, none,
                      "segment %s occurs more than %u time%s%s%s", c->pos->id, c->max, c->max == 1 ? "" : "s",
                      lp->id[0] ? " in loop " : "", lp->id);
    return 0;
}

/* Why seg has no place: out of sequence, a bad key, unexpected, unknown. */
static int unplaced(guide_run *run, uint32_t key, const rcm_x12_seg *seg)
{
    char id[8];
    rcm_str sid = rcm_x12_id(seg);
    printable(id, sizeof(id), (rcm_str){ sid.p, sid.n > 3 ? 3 : sid.n });
    where w = { seg, NULL, run->depth, NULL };
    /* an earlier position of an open loop */
    for (uint32_t lv = run->depth; lv-- > 0;) {
        const frame *f = &run->stack[lv];
        const gloop *lp = f->loop;
        uint32_t end = lp->child[f->cur].group;
        for (uint32_t i = 0; i < end; i++) {
            const gnode *c = &lp->child[i];
            if (node_matches(c, key, seg))
                return report(run, &w, RCM_X12P_SEGMENT, "7", NULL, 0, 0, 0, NULL, none,
                              "segment %s is out of order: it belongs %s%s%s, before where the data is", id,
                              c->loop ? "to loop " : "earlier in ", c->loop ? c->sub->id : lp->id[0] ? "loop " : "the header",
                              c->loop ? "" : lp->id);
        }
    }
    const rcm_guide *gd = run->gd;
    int in_guide = 0;
    for (uint32_t lo = 0, hi = gd->nids; lo < hi;) {
        uint32_t mid = (lo + hi) / 2;
        if (gd->ids[mid] == key) {
            in_guide = 1;
            break;
        }
        if (gd->ids[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (in_guide) { /* a reachable position with this id but other key codes */
        for (uint32_t lv = run->depth; lv-- > 0;) {
            const frame *f = &run->stack[lv];
            const gloop *lp = f->loop;
            uint32_t start = lp->child[f->cur].group;
            const gnode *cand = NULL;
            const gloop *cand_loop = lp;
            rcm_buf list;
            rcm_buf_init(&list, 512);
            if (lv && !start)
                start = 1;
            for (uint32_t i = 0; i < lp->n; i++) {
                if (i < start && !(lv && i == 0)) /* reachable: forward, or a new instance */
                    continue;
                const gnode *c = &lp->child[i];
                if (c->key != key || !c->pos->nkeys)
                    continue;
                if (!cand) {
                    cand = c;
                    cand_loop = c->loop ? c->sub : lp;
                }
                const gcodes *kc = c->pos->keys[0].codes;
                for (uint32_t k = 0; k < kc->n; k++) {
                    if (list.len)
                        rcm_buf_adds(&list, ", ");
                    rcm_buf_addstr(&list, kc->shown[k]);
                }
            }
            if (cand) {
                const gkey *bad = &cand->pos->keys[0];
                for (uint32_t k = 0; k < cand->pos->nkeys; k++) {
                    rcm_str v = rcm_x12_el(seg, cand->pos->keys[k].el);
                    if (cand->pos->keys[k].comp)
                        v = rcm_x12_comp(v, seg->d.comp ? seg->d.comp : ':', cand->pos->keys[k].comp);
                    if (!guide_code_in(cand->pos->keys[k].codes, v)) {
                        bad = &cand->pos->keys[k];
                        break;
                    }
                }
                rcm_str v = rcm_x12_el(seg, bad->el);
                if (bad->comp)
                    v = rcm_x12_comp(v, seg->d.comp ? seg->d.comp : ':', bad->comp);
                char name[16], shown[48], valid[100];
                elem_name(name, sizeof(name), id, bad->el, bad->comp);
                printable(shown, sizeof(shown), v);
                if (bad != &cand->pos->keys[0])
                    code_list(bad->codes, valid, sizeof(valid));
                else
                    cstr_copy(valid, sizeof(valid), list.ptr);
                if (strlen(list.ptr) >= sizeof(valid) - 1 && sizeof(valid) > 4)
                    memcpy(valid + sizeof(valid) - 4, "...", 4);
                rcm_buf_release(&list);
                const gel *e = &cand->pos->el[bad->el];
                if (bad->comp && e->comp)
                    e = &e->c[bad->comp];
                eloc at = { seg, cand->pos, bad->el, bad->comp, 0 };
                return el_report(run, &at, e, "7", v, "%s '%s' is not a valid code for %s%s%s (valid: %s)", name,
                                 shown, cand_loop->id, cand_loop->id[0] ? " " : "", id, valid);
            }
            rcm_buf_release(&list);
        }
        return report(run, &w, RCM_X12P_SEGMENT, "2", NULL, 0, 0, 0, NULL, none,
                      "segment %s is not expected here", id);
    }
    if (guide_dict_seg(run->g, key))
        return report(run, &w, RCM_X12P_SEGMENT, "2", NULL, 0, 0, 0, NULL, none,
                      "segment %s is not used in the %s %s guide", id, gd->st01, gd->version);
    return report(run, &w, RCM_X12P_SEGMENT, "1", NULL, 0, 0, 0, NULL, none, "unrecognized segment id '%s'", id);
}

static int do_segment(guide_run *run, const rcm_x12_seg *seg)
{
    uint32_t key = rcm_x12_key(seg), lv, idx;
    if (search(run, key, seg, &lv, &idx) < 0)
        return unplaced(run, key, seg);
    const gnode *c;
    int rc = place(run, lv, idx, seg, &c);
    if (rc < 0)
        return rc;
    if (c->usage == GU_N || (c->loop && c->sub->child[0].usage == GU_N))
        return 0;
    const rcm_guide *gd = run->gd;
    if (UNLIKELY(gd->unit_key == key)) {
        size_t ln = strlen(gd->unit_label); /* "CLM01:" then the value */
        memcpy(run->unit, gd->unit_label, ln);
        run->unit[ln] = ':';
        printable(run->unit + ln + 1, sizeof(run->unit) - ln - 1, rcm_x12_el(seg, gd->unit_el));
        run->unit_frame = run->depth;
    }
    return check_segment(run, seg, c->pos);
}

/* ---- the set ---- */

static const rcm_guide *guide_for(guide_run *run, const rcm_x12_env *env)
{
    const char *version = env->st_version[0] ? env->st_version : env->gs_version;
    if (run->last_found && strcmp(run->last_st01, env->st_id) == 0 && strcmp(run->last_version, version) == 0)
        return run->last_gd;
    run->last_gd = rcm_guides_find(run->g, env->st_id, version);
    cstr_copy(run->last_st01, sizeof(run->last_st01), env->st_id);
    cstr_copy(run->last_version, sizeof(run->last_version), version);
    run->last_found = 1;
    return run->last_gd;
}

static int guide_run_begin(guide_run *run, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    run->env = env;
    run->stop = 0;
    run->gd = guide_for(run, env);
    run->depth = 0;
    run->hl_last = 0;
    run->hl_pending = 0;
    run->unit_frame = 0;
    run->unit[0] = '\0';
    if (!run->gd) {
        char sid[8], ver[40];
        printable(sid, sizeof(sid), rcm_str_c(env->st_id));
        printable(ver, sizeof(ver), rcm_str_c(env->st_version[0] ? env->st_version : env->gs_version));
        where w = { st, NULL, 0, NULL };
        return warn_no_guide(run, &w, sid, ver);
    }
    if (run->gd->ncounts > run->capcounts) { /* a guide loaded after the run began */
        uint32_t *nc = realloc(run->counts, run->gd->ncounts * sizeof(uint32_t));
        if (!nc)
            return RCM_ENOMEM;
        run->counts = nc;
        run->capcounts = run->gd->ncounts;
    }
    const gloop *root = &run->gd->root;
    memset(run->counts + root->base, 0, root->n * sizeof(uint32_t));
    run->stack[0].loop = root;
    run->stack[0].cur = 0;
    run->depth = 1;
    return do_segment(run, st);
}

static RCM_INLINE int run_segment(guide_run *run, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (!run->gd)
        return 0;
    run->env = env;
    int rc = do_segment(run, seg);
    return rc < 0 ? rc : run->stop;
}

static int guide_run_end(guide_run *run, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    if (!run->gd)
        return 0;
    run->env = env;
    int rc = 0;
    while (rc == 0 && run->depth > 1)
        rc = pop(run, se);
    if (rc == 0 && se)
        rc = do_segment(run, se);
    if (rc == 0)
        rc = hl_close(run);
    while (rc == 0 && run->depth > 0) /* the root too: its required trailer and others */
        rc = pop(run, se);
    run->gd = NULL;
    return rc < 0 ? rc : run->stop;
}

/* ---- rcm_x12_validate: the walker and the guides, no typed model ---- */

typedef struct vctx {
    const rcm_x12_visitor *v;
    guide_run *run;
} vctx;

static int v_problem(void *ctx, const rcm_x12_problem *p)
{
    vctx *c = ctx;
    if (c->run && guide_run_filter(c->run, p))
        return 0;
    return c->v->problem ? c->v->problem(c->v->ctx, p) : 0;
}

static int v_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    vctx *c = ctx;
    int rc = c->run ? guide_run_begin(c->run, env, st) : 0;
    if (rc == 0 && c->v->set_begin)
        rc = c->v->set_begin(c->v->ctx, env, st);
    return rc;
}

static int v_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    vctx *c = ctx;
    int rc = c->run ? run_segment(c->run, env, seg) : 0;
    if (rc == 0 && c->v->segment)
        rc = c->v->segment(c->v->ctx, env, seg);
    return rc;
}

static int v_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    vctx *c = ctx;
    int rc = c->run ? guide_run_end(c->run, env, se) : 0;
    if (rc == 0 && c->v->set_end)
        rc = c->v->set_end(c->v->ctx, env, se);
    return rc;
}

static int v_outside(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    vctx *c = ctx;
    return c->v->outside ? c->v->outside(c->v->ctx, env, seg) : 0;
}

static int v_interchange_end(void *ctx, const rcm_x12_env *env)
{
    vctx *c = ctx;
    return c->v->interchange_end ? c->v->interchange_end(c->v->ctx, env) : 0;
}

int rcm_x12_validate(rcm_x12_reader *r, const rcm_guides *guides, const rcm_x12_visitor *v,
                     rcm_x12_stats *stats, rcm_error *err)
{
    static const rcm_x12_visitor nothing;
    vctx c = { v ? v : &nothing, NULL };
    if (guides && guide_run_new(&c.run, guides) < 0)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    rcm_x12_visitor w;
    memset(&w, 0, sizeof(w));
    w.ctx = &c;
    w.problem = v_problem;
    w.set_begin = v_begin;
    w.segment = v_segment;
    w.set_end = v_end;
    w.outside = v_outside;
    w.interchange_end = v_interchange_end;
    int rc = rcm_x12_walk(r, &w, stats, err);
    guide_run_free(c.run);
    return rc;
}
