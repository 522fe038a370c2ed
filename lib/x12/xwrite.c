/*
 * The segment builder of the 999, 277CA and 835 writers (xwrite.h) and the
 * envelope they share: one ISA with one GS, sets counted and closed.
 */
#include <stdarg.h>
#include "xwrite.h"

void rcm_x12_envelope_init(rcm_x12_envelope *e)
{
    memset(e, 0, sizeof(*e));
    e->delims.elem = '*';
    e->delims.comp = ':';
    e->delims.rep = '^';
    e->delims.seg = '~';
    memcpy(e->sender_qual, "ZZ", 3);
    memcpy(e->receiver_qual, "ZZ", 3);
    e->isa_control = e->gs_control = e->st_control = 1;
    e->usage = 'P';
    e->date = RCM_DATE_NONE;
}

static int printable_id(const char *s, const rcm_x12_delims *d)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch >= 0x7f || *s == d->elem || *s == d->comp || *s == d->rep || *s == d->seg)
            return 0;
    }
    return 1;
}

int xw_envelope_check(const rcm_x12_envelope *env, rcm_error *err)
{
    const rcm_x12_delims *d = &env->delims;
    char ds[4] = { d->elem, d->comp, d->rep, d->seg };
    for (int i = 0; i < 4; i++) {
        unsigned char ch = (unsigned char)ds[i];
        if (!ch || isalnum(ch) || ch == ' ' || ch >= 0x7f)
            return rcm_error_set(err, RCM_EINVAL,
                                 "delimiter %d must be a printable character other than a letter or digit", i + 1);
        for (int j = 0; j < i; j++)
            if (ds[j] == ds[i])
                return rcm_error_set(err, RCM_EINVAL, "delimiters must differ ('%c' is used twice)", ds[i]);
    }
    if (env->isa_control < 1 || env->isa_control > 999999999 || env->gs_control < 1 ||
        env->gs_control > 999999999 || env->st_control < 1 || env->st_control > 999999999)
        return rcm_error_set(err, RCM_EINVAL, "control numbers must be 1 to 999999999");
    if (env->usage != 'P' && env->usage != 'T')
        return rcm_error_set(err, RCM_EINVAL, "usage must be 'P' or 'T'");
    if (env->date == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "the interchange date is required");
    int y, m, dd;
    rcm_date_to_ymd(env->date, &y, &m, &dd);
    if (y < 1900 || y > 2999)
        return rcm_error_set(err, RCM_EINVAL, "the interchange date is out of range");
    const char *t = env->time;
    if (strlen(t) != 4 || !isdigit((unsigned char)t[0]) || !isdigit((unsigned char)t[1]) ||
        !isdigit((unsigned char)t[2]) || !isdigit((unsigned char)t[3]) ||
        (t[0] - '0') * 10 + (t[1] - '0') > 23 || (t[2] - '0') * 10 + (t[3] - '0') > 59)
        return rcm_error_set(err, RCM_EINVAL, "the interchange time must be HHMM");
    if (strlen(env->sender_qual) != 2 || strlen(env->receiver_qual) != 2)
        return rcm_error_set(err, RCM_EINVAL, "ISA id qualifiers are 2 characters");
    if (!env->sender_id[0] || !env->receiver_id[0])
        return rcm_error_set(err, RCM_EINVAL, "the interchange sender and receiver ids are required");
    const char *ids[] = { env->sender_qual, env->sender_id, env->receiver_qual, env->receiver_id,
                          env->gs_sender, env->gs_receiver };
    for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
        if (!printable_id(ids[i], d))
            return rcm_error_set(err, RCM_EINVAL, "'%s' holds a delimiter or a character X12 cannot carry",
                                 ids[i]);
    return 0;
}

void xw_init(xw *w, rcm_buf *b, const rcm_x12_envelope *env, rcm_error *err)
{
    memset(w, 0, sizeof(*w));
    w->b = b;
    w->el = env->delims.elem;
    w->comp = env->delims.comp;
    w->rep = env->delims.rep;
    w->term = env->delims.seg;
    w->nl = env->newline ? 1 : 0;
    w->err = err;
}

void xw_fail(xw *w, int code, const char *fmt, ...)
{
    if (w->rc)
        return;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    w->rc = code;
    if (w->what[0])
        rcm_error_set(w->err, code, "%s: %s", w->what, msg);
    else
        rcm_error_set(w->err, code, "%s", msg);
}

void xw_seg(xw *w, const char *id)
{
    rcm_buf_adds(w->b, id);
    w->mark = w->b->len;
}

void xw_end(xw *w)
{
    rcm_buf *b = w->b;
    if (b->failed)
        return;
    b->len = w->mark;
    b->ptr[b->len] = '\0';
    rcm_buf_addc(b, w->term);
    if (w->nl)
        rcm_buf_addc(b, '\n');
    w->set_segments++;
    w->segments++;
}

/* 0 when s can be written; else the error is set. */
static int check(xw *w, const char *s, const char *field)
{
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (*p == w->el || *p == w->comp || *p == w->rep || *p == w->term) {
            xw_fail(w, RCM_EINVAL, "%s: '%.40s' holds '%c', a delimiter of this interchange", field, s, *p);
            return -1;
        }
        if (ch < 0x20 || ch >= 0x7f) {
            xw_fail(w, RCM_EINVAL, "%s: '%.40s' holds a character X12 cannot carry (0x%02x)", field, s, ch);
            return -1;
        }
    }
    return 0;
}

static void el_raw(xw *w, const char *s, size_t n)
{
    rcm_buf_addc(w->b, w->el);
    if (n) {
        rcm_buf_add(w->b, s, n);
        w->mark = w->b->len;
    }
}

void xw_s(xw *w, const char *s, const char *field)
{
    if (check(w, s, field) < 0)
        return;
    el_raw(w, s, strlen(s));
}

void xw_lit(xw *w, const char *s) { el_raw(w, s, strlen(s)); }
void xw_empty(xw *w) { rcm_buf_addc(w->b, w->el); }

void xw_chr(xw *w, char c, const char *field)
{
    char s[2] = { c, 0 };
    xw_s(w, s, field);
}

void xw_cents(xw *w, int64_t cents)
{
    rcm_buf_addc(w->b, w->el);
    rcm_buf_addcents(w->b, cents);
    w->mark = w->b->len;
}

/* Thousandths as an X12 decimal: 1500 -> "1.5", 1000 -> "1". */
static size_t fmt_milli(char *out, size_t outsz, int64_t v)
{
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    unsigned frac = (unsigned)(u % 1000);
    int n;
    if (!frac) {
        n = snprintf(out, outsz, "%s%llu", v < 0 ? "-" : "", (unsigned long long)(u / 1000));
    } else {
        char f[4];
        snprintf(f, sizeof(f), "%03u", frac);
        size_t k = 3;
        while (k > 1 && f[k - 1] == '0')
            k--;
        f[k] = '\0';
        n = snprintf(out, outsz, "%s%llu.%s", v < 0 ? "-" : "", (unsigned long long)(u / 1000), f);
    }
    return n < 0 ? 0 : (size_t)n;
}

void xw_milli(xw *w, int64_t milli)
{
    char tmp[40];
    el_raw(w, tmp, fmt_milli(tmp, sizeof(tmp), milli));
}

void xw_u(xw *w, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
    el_raw(w, tmp, (size_t)n);
}

void xw_date(xw *w, rcm_date d)
{
    char tmp[16];
    rcm_date_fmt(tmp, d, 0);
    el_raw(w, tmp, strlen(tmp));
}

void xw_cbegin(xw *w)
{
    rcm_buf_addc(w->b, w->el);
    w->cstart = w->cmark = w->b->len;
    w->cfirst = 1;
}

static void comp_raw(xw *w, const char *s, size_t n)
{
    if (!w->cfirst)
        rcm_buf_addc(w->b, w->comp);
    w->cfirst = 0;
    if (n) {
        rcm_buf_add(w->b, s, n);
        w->cmark = w->b->len;
    }
}

void xw_cs(xw *w, const char *s, const char *field)
{
    if (check(w, s, field) < 0)
        return;
    comp_raw(w, s, strlen(s));
}

void xw_clit(xw *w, const char *s) { comp_raw(w, s, strlen(s)); }

void xw_cu(xw *w, uint64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof(tmp), "%llu", (unsigned long long)v);
    comp_raw(w, tmp, (size_t)n);
}

void xw_cend(xw *w)
{
    if (w->b->failed)
        return;
    w->b->len = w->cmark;
    w->b->ptr[w->b->len] = '\0';
    if (w->cmark > w->cstart)
        w->mark = w->b->len;
}

int xw_need(xw *w, const char *s, const char *field, const char *what)
{
    if (s && s[0])
        return 1;
    xw_fail(w, RCM_EINVAL, "%s: missing (%s)", field, what);
    return 0;
}

/* ---- envelope ---- */

static void pad(rcm_buf *b, const char *s, size_t width)
{
    size_t n = strlen(s);
    if (n > width)
        n = width;
    rcm_buf_add(b, s, n);
    for (; n < width; n++)
        rcm_buf_addc(b, ' ');
}

static void ctl9(char *out, uint32_t v)
{
    snprintf(out, 10, "%09u", (unsigned)(v % 1000000000u));
}

void xw_open(xw *w, const rcm_x12_envelope *env, const char *func, const char *version)
{
    rcm_buf *b = w->b;
    char d8[16], ctl[16];
    rcm_date_fmt(d8, env->date, 0);
    ctl9(ctl, env->isa_control);
    rcm_buf_adds(b, "ISA");
    const char *fixed[] = { "00", "", "00", "" };
    const size_t widths[] = { 2, 10, 2, 10 };
    for (int i = 0; i < 4; i++) {
        rcm_buf_addc(b, w->el);
        pad(b, fixed[i], widths[i]);
    }
    rcm_buf_addc(b, w->el);
    pad(b, env->sender_qual, 2);
    rcm_buf_addc(b, w->el);
    pad(b, env->sender_id, 15);
    rcm_buf_addc(b, w->el);
    pad(b, env->receiver_qual, 2);
    rcm_buf_addc(b, w->el);
    pad(b, env->receiver_id, 15);
    rcm_buf_addc(b, w->el);
    rcm_buf_add(b, d8 + 2, 6);
    rcm_buf_addc(b, w->el);
    rcm_buf_add(b, env->time, 4);
    rcm_buf_addc(b, w->el);
    rcm_buf_addc(b, w->rep);
    rcm_buf_addc(b, w->el);
    rcm_buf_adds(b, "00501");
    rcm_buf_addc(b, w->el);
    rcm_buf_adds(b, ctl);
    rcm_buf_addc(b, w->el);
    rcm_buf_addc(b, '0');
    rcm_buf_addc(b, w->el);
    rcm_buf_addc(b, env->usage);
    rcm_buf_addc(b, w->el);
    rcm_buf_addc(b, w->comp);
    rcm_buf_addc(b, w->term);
    if (w->nl)
        rcm_buf_addc(b, '\n');
    xw_seg(w, "GS");
    xw_lit(w, func);
    xw_lit(w, env->gs_sender[0] ? env->gs_sender : env->sender_id);
    xw_lit(w, env->gs_receiver[0] ? env->gs_receiver : env->receiver_id);
    xw_lit(w, d8);
    xw_lit(w, env->time);
    xw_u(w, env->gs_control);
    xw_lit(w, "X");
    xw_lit(w, version);
    xw_end(w);
    w->segments++; /* the ISA */
}

void xw_st(xw *w, const char *id, const char *control, uint32_t *counter, const char *version)
{
    if (control && control[0]) {
        size_t n = strlen(control);
        int digits = n >= 4 && n <= 9;
        for (size_t i = 0; i < n && digits; i++)
            digits = isdigit((unsigned char)control[i]) != 0;
        if (!digits)
            xw_fail(w, RCM_EINVAL, "st_control: '%.12s' is not a set control number (4 to 9 digits)", control);
        cstr_copy(w->st_control, sizeof(w->st_control), control);
    } else {
        snprintf(w->st_control, sizeof(w->st_control), "%04u", (unsigned)*counter);
        *counter = *counter >= 999999999 ? 1 : *counter + 1;
    }
    w->set_segments = 0;
    xw_seg(w, "ST");
    xw_lit(w, id);
    xw_lit(w, w->st_control);
    if (version) /* ST03: not used in an 835 */
        xw_lit(w, version);
    xw_end(w);
}

void xw_se(xw *w)
{
    long n = w->set_segments + 1;
    xw_seg(w, "SE");
    xw_u(w, (uint64_t)n);
    xw_lit(w, w->st_control);
    xw_end(w);
}

void xw_close(xw *w, const rcm_x12_envelope *env, uint32_t sets)
{
    char ctl[16];
    ctl9(ctl, env->isa_control);
    xw_seg(w, "GE");
    xw_u(w, sets);
    xw_u(w, env->gs_control);
    xw_end(w);
    xw_seg(w, "IEA");
    xw_lit(w, "1");
    xw_lit(w, ctl);
    xw_end(w);
}

int xw_done(xw *w, size_t len0)
{
    int rc = 0;
    if (w->b->failed)
        rc = rcm_error_set(w->err, RCM_ENOMEM, "out of memory (the output is too large)");
    else if (w->rc)
        rc = w->rc;
    if (rc < 0) {
        int failed = w->b->failed;
        w->b->failed = 0;
        if (w->b->len > len0) {
            w->b->len = len0;
            w->b->ptr[len0] = '\0';
        }
        w->b->failed = failed;
    }
    return rc;
}

/* C030 position in the segment: element, component, repetition (the last two when set). */
void xw_c030(xw *w, int element, int component, int repetition)
{
    xw_cbegin(w);
    if (element > 0)
        xw_cu(w, (uint64_t)element);
    else
        xw_clit(w, "");
    if (component > 0 || repetition > 0) {
        if (component > 0)
            xw_cu(w, (uint64_t)component);
        else
            xw_clit(w, "");
    }
    if (repetition > 0)
        xw_cu(w, (uint64_t)repetition);
    xw_cend(w);
}
