/*
 * The envelope walker: reads segments, checks the ISA/GS/ST control
 * structure and hands each transaction set's segments to a visitor.
 *
 * Checks (X12 5010 control segments): ISA fixed width and field formats,
 * IEA01 = number of groups, IEA02 = ISA13, GE01 = number of sets,
 * GE02 = GS06, SE01 = segments from ST to SE inclusive, SE02 = ST02,
 * segment identifiers, element counts, missing trailers. Problems carry the
 * X12 code an acknowledgment needs (TA105, AK905, IK502, IK304, IK403).
 */
#include <stdarg.h>
#include "x12_internal.h"

enum { ST_OUT, ST_ISA, ST_GS, ST_SET }; /* nesting depth: a deeper level has a larger value */

struct x12_walk {
    const rcm_x12_visitor *v;
    rcm_x12_env env;
    rcm_x12_stats st;
    int state;
    int gs_outer;   /* where a GE returns: ST_ISA, or ST_OUT for a GS outside an interchange */
    int st_outer;   /* where an SE returns: ST_GS, or the level an ST outside a group stood at */
    long groups_in_isa, sets_in_gs, seg_in_set;
    long isa_segment, gs_segment;
    long last_segment, last_line;
    int stop;   /* a callback's negative return */
};

static int emit(x12_walk *w, rcm_x12_problem *p)
{
    w->st.problems++;
    if (p->severity == RCM_SEV_ERROR)
        w->st.errors++;
    if (w->v->problem) {
        int rc = w->v->problem(w->v->ctx, p);
        if (rc < 0 && !w->stop)
            w->stop = rc;
        return rc;
    }
    return 0;
}

/* s as printable ASCII ('?' for any other byte), cut to fit: problems are shown and put in JSON. */
static void shown(char *out, size_t outsz, rcm_str s)
{
    size_t n = s.n < outsz - 1 ? s.n : outsz - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = isprint((unsigned char)s.p[i]) ? s.p[i] : '?';
    out[n] = '\0';
}

/*
 * Locates p at seg (or, without one, at the last segment read, unless the caller located it
 * already) and names its transaction set; what the caller set (a missing segment's id, an
 * earlier position) is kept.
 */
static void locate(x12_walk *w, const rcm_x12_seg *seg, rcm_x12_problem *p)
{
    p->source = w->env.source;
    if (seg) {
        p->line = seg->line;
        p->segment = seg->number;
        p->offset = seg->offset;
        rcm_str id = rcm_x12_id(seg);
        if (id.n > 3)
            id.n = 3;
        if (!p->seg_id[0])
            shown(p->seg_id, sizeof(p->seg_id), id);
    } else if (!p->segment) {
        p->line = w->last_line;
        p->segment = w->last_segment;
    }
    if (w->state == ST_SET || p->kind >= RCM_X12P_SET) {
        shown(p->st_id, sizeof(p->st_id), rcm_str_c(w->env.st_id));
        shown(p->st_control, sizeof(p->st_control), rcm_str_c(w->env.st_control));
        if (!p->set_position)
            p->set_position = w->state == ST_SET ? w->seg_in_set : 0;
    }
    for (char *c = p->msg; *c; c++) /* values quoted from the data may hold any byte */
        if (!isprint((unsigned char)*c))
            *c = '?';
}

static int vreport(x12_walk *w, const rcm_x12_seg *seg, int kind, int sev, int el, int comp,
                   const char *code, int level, const char *fmt, va_list ap)
{
    rcm_x12_problem p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    p.level = level;
    p.severity = sev;
    cstr_copy(p.code, sizeof(p.code), code);
    p.element = el;
    p.component = comp;
    vsnprintf(p.msg, sizeof(p.msg), fmt, ap);
    locate(w, seg, &p);
    return emit(w, &p);
}

static int report(x12_walk *w, const rcm_x12_seg *seg, int kind, int sev, int el, int comp,
                  const char *code, const char *fmt, ...) RCM_PRINTF(8, 9);
static int report(x12_walk *w, const rcm_x12_seg *seg, int kind, int sev, int el, int comp,
                  const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = vreport(w, seg, kind, sev, el, comp, code, 1, fmt, ap);
    va_end(ap);
    return rc;
}

int rcm_x12_report(const rcm_x12_env *env, const rcm_x12_seg *seg, int kind, int severity,
                   int element, int component, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    /* a typed reader's findings: guide-level checks, or balancing */
    int rc = vreport(env->walk, seg, kind, severity, element, component, code,
                     kind == RCM_X12P_BALANCE ? 3 : 2, fmt, ap);
    va_end(ap);
    return rc;
}

int x12_report_problem(const rcm_x12_env *env, const rcm_x12_seg *seg, rcm_x12_problem *p)
{
    locate(env->walk, seg, p);
    return emit(env->walk, p);
}

void rcm_x12_problem_format(const rcm_x12_problem *p, rcm_buf *out)
{
    if (p->source)
        rcm_buf_addf(out, "%s:", p->source);
    if (p->line)
        rcm_buf_addf(out, "%ld:", p->line);
    rcm_buf_addc(out, ' ');
    if (p->segment) {
        rcm_buf_addf(out, "segment %ld", p->segment);
        /* a missing segment's problem names the missing id, not the segment it was found missing at */
        if (p->seg_id[0] && !(p->kind == RCM_X12P_SEGMENT && p->level == 2 && strcmp(p->code, "3") == 0))
            rcm_buf_addf(out, " '%s'", p->seg_id);
        if (p->loop[0])
            rcm_buf_addf(out, " loop %s", p->loop);
        if (p->element)
            rcm_buf_addf(out, " element %d", p->element);
        if (p->component)
            rcm_buf_addf(out, " component %d", p->component);
        rcm_buf_adds(out, ": ");
    }
    rcm_buf_adds(out, p->msg);
    if (p->severity == RCM_SEV_WARNING)
        rcm_buf_adds(out, " (warning)");
}

static int is_digits(rcm_str s)
{
    if (!s.n)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    return 1;
}

/* A segment id is 2 or 3 upper-case letters or digits, the first a letter. */
static inline int valid_id(rcm_str id)
{
    /* 1: A-Z, 2: 0-9; built once, read-only after */
    static const unsigned char cls[256] = {
        ['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
        ['8'] = 2, ['9'] = 2, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
        ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
        ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
        ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
    };
    const unsigned char *p = (const unsigned char *)id.p;
    if (id.n == 3)
        return cls[p[0]] == 1 && cls[p[1]] && cls[p[2]];
    return id.n == 2 && cls[p[0]] == 1 && cls[p[1]];
}

/* Trailing spaces of a fixed-width ISA field dropped. */
static void isa_copy(char *dst, size_t dstsz, rcm_str s)
{
    while (s.n && s.p[s.n - 1] == ' ')
        s.n--;
    str_copy(dst, dstsz, s);
}

static int end_set(x12_walk *w, const rcm_x12_seg *se)
{
    int rc = 0;
    if (w->v->set_end)
        rc = w->v->set_end(w->v->ctx, &w->env, se);
    w->state = w->st_outer;
    w->env.st_id[0] = w->env.st_control[0] = w->env.st_version[0] = '\0';
    w->env.st_position = 0;
    return rc;
}

static int end_interchange(x12_walk *w)
{
    int rc = 0;
    if (w->v->interchange_end)
        rc = w->v->interchange_end(w->v->ctx, &w->env);
    w->state = ST_OUT;
    return rc;
}

/*
 * Closes the levels open deeper than level (ST_OUT: all), each missing
 * trailer reported once: at the end of input, before a new ISA, or before a
 * GS or IEA that came too early.
 */
static int close_open(x12_walk *w, const rcm_x12_seg *at, const char *why, int level)
{
    int rc = 0;
    if (w->state == ST_SET && level < ST_SET) {
        report(w, at, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "2",
               "transaction set '%s' control number %s has no SE trailer (%s)", w->env.st_id,
               w->env.st_control, why);
        if ((rc = end_set(w, NULL)) < 0)
            return rc;
    }
    if (w->state == ST_GS && level < ST_GS) {
        report(w, at, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "3",
               "functional group %s has no GE trailer (%s)", w->env.gs_control, why);
        w->state = w->gs_outer;
    }
    if (w->state == ST_ISA && level < ST_ISA) {
        report(w, at, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "023",
               "interchange %s has no IEA trailer (%s)", w->env.isa_control, why);
        rc = end_interchange(w);
    }
    return rc;
}

static void check_isa(x12_walk *w, const rcm_x12_seg *s)
{
    static const uint8_t width[17] = { 0, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1 };
    if (s->n != 16) {
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "024",
               "interchange header has %u elements, expected 16", s->n);
    }
    unsigned last = s->n < 16 ? s->n : 16;
    for (unsigned i = 1; i <= last; i++) {
        rcm_str e = rcm_x12_el(s, i);
        if (e.n != width[i]) {
            report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, (int)i, 0, "024",
                   "ISA%02u is %zu characters, the fixed-width header needs %u", i, e.n, width[i]);
            break; /* one is enough: every later position is off too */
        }
    }
    rcm_str sq = rcm_x12_el(s, 5), rq = rcm_x12_el(s, 7);
    isa_copy(w->env.isa_sender_q, sizeof(w->env.isa_sender_q), sq);
    isa_copy(w->env.isa_sender, sizeof(w->env.isa_sender), rcm_x12_el(s, 6));
    isa_copy(w->env.isa_receiver_q, sizeof(w->env.isa_receiver_q), rq);
    isa_copy(w->env.isa_receiver, sizeof(w->env.isa_receiver), rcm_x12_el(s, 8));
    str_copy(w->env.isa_date, sizeof(w->env.isa_date), rcm_x12_el(s, 9));
    str_copy(w->env.isa_time, sizeof(w->env.isa_time), rcm_x12_el(s, 10));
    str_copy(w->env.isa_version, sizeof(w->env.isa_version), rcm_x12_el(s, 12));
    isa_copy(w->env.isa_control, sizeof(w->env.isa_control), rcm_x12_el(s, 13));
    rcm_str ack = rcm_x12_el(s, 14), usage = rcm_x12_el(s, 15);
    w->env.isa_ack = ack.n ? ack.p[0] : 0;
    w->env.isa_usage = usage.n ? usage.p[0] : 0;

    rcm_str d = rcm_x12_el(s, 9);
    rcm_date dt;
    char tmp[16];
    if (d.n == 6) {
        char full[8] = { '2', '0' };
        memcpy(full + 2, d.p, 6);
        rcm_str fs = { full, 8 };
        if (rcm_date_parse(&dt, fs) < 0) {
            shown(tmp, sizeof(tmp), d);
            report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 9, 0, "014",
                   "'%s' is not a date (YYMMDD)", tmp);
        }
    }
    rcm_str t = rcm_x12_el(s, 10);
    if (t.n == 4 && (!is_digits(t) || (t.p[0] - '0') * 10 + (t.p[1] - '0') > 23 ||
                     (t.p[2] - '0') * 10 + (t.p[3] - '0') > 59)) {
        shown(tmp, sizeof(tmp), t);
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 10, 0, "015", "'%s' is not a time (HHMM)", tmp);
    }
    rcm_str v = rcm_x12_el(s, 12);
    if (!rcm_str_eq(v, "00501")) {
        shown(tmp, sizeof(tmp), v);
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_WARNING, 12, 0, "017",
               "interchange version '%s' is not 00501 (5010); it is read as 5010", tmp);
    }
    rcm_str c = rcm_x12_el(s, 13);
    if (c.n != 9 || !is_digits(c)) {
        shown(tmp, sizeof(tmp), c);
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 13, 0, "018",
               "interchange control number '%s' is not 9 digits", tmp);
    }
    if (!(rcm_str_eq(ack, "0") || rcm_str_eq(ack, "1")))
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 14, 0, "019",
               "acknowledgment requested must be 0 or 1");
    if (!(rcm_str_eq(usage, "P") || rcm_str_eq(usage, "T") || rcm_str_eq(usage, "I")))
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 15, 0, "020",
               "usage indicator must be P (production) or T (test)");
}

static int on_isa(x12_walk *w, const rcm_x12_seg *s)
{
    int rc;
    if (w->state != ST_OUT && (rc = close_open(w, s, "a new ISA began", ST_OUT)) < 0)
        return rc;
    memset(&w->env.isa_sender_q, 0, (size_t)((char *)&w->env.st_position - (char *)&w->env.isa_sender_q));
    w->env.delims = s->d;
    w->state = ST_ISA;
    w->groups_in_isa = 0;
    w->isa_segment = s->number;
    w->st.interchanges++;
    check_isa(w, s);
    return 0;
}

static void count_check(x12_walk *w, const rcm_x12_seg *s, int el, long expected, int kind,
                        const char *code, const char *what)
{
    rcm_str e = rcm_x12_el(s, (unsigned)el);
    uint64_t v;
    char tmp[24];
    if (rcm_uint_parse(&v, e) < 0) {
        shown(tmp, sizeof(tmp), e);
        report(w, s, kind, RCM_SEV_ERROR, el, 0, code, "'%s' is not a count of %s", tmp, what);
    } else if ((long)v != expected) {
        report(w, s, kind, RCM_SEV_ERROR, el, 0, code, "says %llu %s, the %s holds %ld",
               (unsigned long long)v, what,
               kind == RCM_X12P_INTERCHANGE ? "interchange" : kind == RCM_X12P_GROUP ? "group" : "set",
               expected);
    }
}

/*
 * A trailer's control number against the header's copy, which keeps at most
 * size - 1 characters: a header value too long to keep (reported at the
 * header) matches on what was kept, so one fault is not reported twice.
 */
static int control_matches(rcm_str e, const char *copy, size_t size)
{
    size_t n = strlen(copy);
    if (n == size - 1 && e.n > n)
        e.n = n;
    return rcm_str_eq(e, copy);
}

static void control_check(x12_walk *w, const rcm_x12_seg *s, int el, const char *expected,
                          size_t expected_size, int kind, const char *code, const char *what)
{
    rcm_str e = rcm_x12_el(s, (unsigned)el);
    char tmp[24];
    if (!control_matches(e, expected, expected_size)) {
        shown(tmp, sizeof(tmp), e);
        report(w, s, kind, RCM_SEV_ERROR, el, 0, code, "%s '%s' does not match '%s' in the header",
               what, tmp, expected);
    }
}

static int on_iea(x12_walk *w, const rcm_x12_seg *s)
{
    int rc;
    if (w->state > ST_ISA && (rc = close_open(w, s, "IEA came first", ST_ISA)) < 0)
        return rc;
    if (w->state == ST_OUT) { /* also after a group that stood outside any interchange */
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "022", "IEA without an ISA");
        return 0;
    }
    count_check(w, s, 1, w->groups_in_isa, RCM_X12P_INTERCHANGE, "021", "functional groups");
    rcm_str c = rcm_x12_el(s, 2);
    while (c.n && c.p[c.n - 1] == ' ')
        c.n--;
    char tmp[24];
    if (!control_matches(c, w->env.isa_control, sizeof(w->env.isa_control))) {
        shown(tmp, sizeof(tmp), c);
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 2, 0, "001",
               "interchange control number '%s' does not match '%s' in the ISA", tmp, w->env.isa_control);
    }
    return end_interchange(w);
}

static int on_gs(x12_walk *w, const rcm_x12_seg *s)
{
    int rc;
    if (w->state > ST_ISA && (rc = close_open(w, s, "a GS began", ST_ISA)) < 0)
        return rc;
    /* a group outside an interchange is still read as a group, so its sets and GE are too */
    if (w->state == ST_OUT)
        report(w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "024", "GS outside an interchange (no ISA)");
    w->gs_outer = w->state;
    w->state = ST_GS;
    w->groups_in_isa++;
    w->st.groups++;
    w->sets_in_gs = 0;
    w->gs_segment = s->number;
    str_copy(w->env.gs_func, sizeof(w->env.gs_func), rcm_x12_el(s, 1));
    str_copy(w->env.gs_sender, sizeof(w->env.gs_sender), rcm_x12_el(s, 2));
    str_copy(w->env.gs_receiver, sizeof(w->env.gs_receiver), rcm_x12_el(s, 3));
    str_copy(w->env.gs_date, sizeof(w->env.gs_date), rcm_x12_el(s, 4));
    str_copy(w->env.gs_time, sizeof(w->env.gs_time), rcm_x12_el(s, 5));
    str_copy(w->env.gs_control, sizeof(w->env.gs_control), rcm_x12_el(s, 6));
    str_copy(w->env.gs_version, sizeof(w->env.gs_version), rcm_x12_el(s, 8));
    if (s->n < 8)
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "6", "GS has %u elements, expected 8", s->n);
    rcm_str c = rcm_x12_el(s, 6);
    if (!is_digits(c) || c.n > 9)
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 6, 0, "6",
               "group control number must be 1 to 9 digits");
    rcm_date d;
    if (rcm_date_parse(&d, rcm_x12_el(s, 4)) < 0)
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 4, 0, "6", "group date is not a date (CCYYMMDD)");
    return 0;
}

static int on_ge(x12_walk *w, const rcm_x12_seg *s)
{
    int rc;
    if (w->state == ST_SET) {
        report(w, s, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "2",
               "transaction set '%s' control number %s has no SE trailer (GE came first)",
               w->env.st_id, w->env.st_control);
        if ((rc = end_set(w, NULL)) < 0)
            return rc;
    }
    if (w->state != ST_GS) {
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "3", "GE without a GS");
        return 0;
    }
    count_check(w, s, 1, w->sets_in_gs, RCM_X12P_GROUP, "5", "transaction sets");
    control_check(w, s, 2, w->env.gs_control, sizeof(w->env.gs_control), RCM_X12P_GROUP, "4",
                  "group control number");
    w->state = w->gs_outer;
    return 0;
}

static int on_st(x12_walk *w, const rcm_x12_seg *s)
{
    int rc;
    if (w->state == ST_SET) {
        report(w, s, RCM_X12P_SET, RCM_SEV_ERROR, 0, 0, "2",
               "transaction set '%s' control number %s has no SE trailer (a new ST began)",
               w->env.st_id, w->env.st_control);
        if ((rc = end_set(w, NULL)) < 0)
            return rc;
    }
    /* a set outside a group is still read as a set; its SE returns to where it stood */
    if (w->state != ST_GS)
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "6", "ST outside a functional group (no GS)");
    else
        w->sets_in_gs++;
    w->st_outer = w->state;
    w->state = ST_SET;
    w->st.sets++;
    w->seg_in_set = 1;
    w->env.st_position = 1;
    w->env.st_segment = s->number;
    str_copy(w->env.st_id, sizeof(w->env.st_id), rcm_x12_el(s, 1));
    str_copy(w->env.st_control, sizeof(w->env.st_control), rcm_x12_el(s, 2));
    str_copy(w->env.st_version, sizeof(w->env.st_version), rcm_x12_el(s, 3));
    rcm_str id = rcm_x12_el(s, 1), c = rcm_x12_el(s, 2);
    if (id.n != 3 || !is_digits(id))
        report(w, s, RCM_X12P_SET, RCM_SEV_ERROR, 1, 0, "6", "transaction set identifier must be 3 digits");
    if (c.n < 4 || c.n > 9)
        report(w, s, RCM_X12P_SET, RCM_SEV_ERROR, 2, 0, "7",
               "transaction set control number must be 4 to 9 characters");
    if (w->v->set_begin)
        return w->v->set_begin(w->v->ctx, &w->env, s);
    return 0;
}

static int on_se(x12_walk *w, const rcm_x12_seg *s)
{
    if (w->state != ST_SET) {
        report(w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "6", "SE without an ST");
        return 0;
    }
    w->seg_in_set++;
    w->env.st_position = w->seg_in_set;
    count_check(w, s, 1, w->seg_in_set, RCM_X12P_SET, "4", "segments");
    control_check(w, s, 2, w->env.st_control, sizeof(w->env.st_control), RCM_X12P_SET, "3",
                  "transaction set control number");
    return end_set(w, s);
}

/* Reports what check_syntax found (rare: kept out of the walker's loop). */
#if defined(__GNUC__)
__attribute__((noinline))
#endif
static void syntax_bad(x12_walk *w, const rcm_x12_seg *s)
{
    rcm_str id = rcm_x12_id(s);
    char tmp[16];
    if (!valid_id(id)) {
        shown(tmp, sizeof(tmp), id);
        if (!s->len)
            report(w, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "1", "empty segment (two terminators in a row?)");
        else if (!id.n)
            report(w, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "1",
                   "segment has no identifier (it starts with the element separator)");
        else
            report(w, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "1",
                   "'%s' is not a segment identifier (2-3 upper-case letters or digits)", tmp);
    }
    if (s->too_many)
        report(w, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, RCM_X12_MAX_ELEMS + 1, 0, "3",
               "segment has more than %d elements", RCM_X12_MAX_ELEMS);
    if (s->unterminated) {
        char t[8]; /* a terminator that does not print (CR, 0x1D) is shown by its code */
        if (isprint((unsigned char)s->d.seg))
            snprintf(t, sizeof(t), "'%c'", s->d.seg);
        else
            snprintf(t, sizeof(t), "0x%02X", (unsigned)(unsigned char)s->d.seg);
        report(w, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "8",
               "the input ends without the segment terminator %s", t);
    }
}

/* Segment syntax every segment must meet, wherever it stands. */
static inline void check_syntax(x12_walk *w, const rcm_x12_seg *s)
{
    if (LIKELY(valid_id(rcm_x12_id(s)) && !s->too_many && !s->unterminated))
        return;
    syntax_bad(w, s);
}

int rcm_x12_walk(rcm_x12_reader *r, const rcm_x12_visitor *v, rcm_x12_stats *stats, rcm_error *err)
{
    static const rcm_x12_visitor none;
    x12_walk w;
    memset(&w, 0, sizeof(w));
    w.v = v ? v : &none;
    w.env.source = rcm_x12_source(r);
    w.env.walk = &w;
    w.state = ST_OUT;
    const rcm_x12_seg *s;
    int rc;
    while ((rc = rcm_x12_next(r, &s, err)) > 0) {
        w.st.segments++;
        w.last_segment = s->number;
        w.last_line = s->line;
        uint32_t key = rcm_x12_key(s);
        /* the control segments begin with I, G or S: any other id skips their comparisons */
        uint32_t c0 = key >> 16;
        int control = (c0 == 'I' || c0 == 'G' || c0 == 'S') &&
                      (key == RCM_X12_KEY('I', 'S', 'A') || key == RCM_X12_KEY('I', 'E', 'A') ||
                       key == RCM_X12_KEY('G', 'S', 0) || key == RCM_X12_KEY('G', 'E', 0) ||
                       key == RCM_X12_KEY('S', 'T', 0) || key == RCM_X12_KEY('S', 'E', 0));
        if (LIKELY(!control && w.state == ST_SET)) { /* its position first: its problems carry it */
            w.seg_in_set++;
            w.env.st_position = w.seg_in_set;
            check_syntax(&w, s);
            rc = w.v->segment ? w.v->segment(w.v->ctx, &w.env, s) : 0;
            if (rc < 0 || w.stop < 0)
                break;
            continue;
        }
        check_syntax(&w, s);
        if (key == RCM_X12_KEY('I', 'S', 'A'))
            rc = on_isa(&w, s);
        else if (key == RCM_X12_KEY('I', 'E', 'A'))
            rc = on_iea(&w, s);
        else if (key == RCM_X12_KEY('G', 'S', 0))
            rc = on_gs(&w, s);
        else if (key == RCM_X12_KEY('G', 'E', 0))
            rc = on_ge(&w, s);
        else if (key == RCM_X12_KEY('S', 'T', 0))
            rc = on_st(&w, s);
        else if (key == RCM_X12_KEY('S', 'E', 0))
            rc = on_se(&w, s);
        else {
            if (w.state == ST_OUT)
                report(&w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "024",
                       "segment outside an interchange (after IEA, before ISA)");
            else if (w.state == ST_GS)
                report(&w, s, RCM_X12P_GROUP, RCM_SEV_ERROR, 0, 0, "6",
                       "segment outside a transaction set (between GS and ST)");
            else if (!rcm_x12_is(s, "TA1"))
                report(&w, s, RCM_X12P_INTERCHANGE, RCM_SEV_ERROR, 0, 0, "024",
                       "segment outside a functional group (between ISA and GS)");
            rc = w.v->outside ? w.v->outside(w.v->ctx, &w.env, s) : 0;
        }
        if (rc < 0 || w.stop < 0)
            break;
    }
    if (rc == 0 && !w.stop)
        rc = close_open(&w, NULL, "the input ended", ST_OUT);
    if (rc == 0 && w.stop)
        rc = w.stop;
    if (rc < 0 && err && !err->code)
        rcm_error_set(err, rc, "stopped: %s", rcm_strerror(rc));
    if (stats)
        *stats = w.st;
    return rc < 0 ? rc : 0;
}
