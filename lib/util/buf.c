/* rcm_buf: bounded growable buffer with a sticky error. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "util.h"

static char empty_str[1];

void rcm_buf_init(rcm_buf *b, size_t max)
{
    b->ptr = empty_str;
    b->len = 0;
    b->cap = 0;
    b->max = max;
    b->failed = 0;
}

void rcm_buf_release(rcm_buf *b)
{
    if (b->cap)
        free(b->ptr);
    rcm_buf_init(b, b->max);
}

void rcm_buf_reset(rcm_buf *b)
{
    b->len = 0;
    b->failed = 0;
    if (b->cap)
        b->ptr[0] = '\0';
}

char *rcm_buf_reserve(rcm_buf *b, size_t n)
{
    if (b->failed)
        return NULL;
    if (n > b->max || b->len > b->max - n) {
        b->failed = RCM_ENOMEM;
        return NULL;
    }
    size_t need = b->len + n + 1;
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        char *p = b->cap ? realloc(b->ptr, cap) : malloc(cap);
        if (!p) {
            b->failed = RCM_ENOMEM;
            return NULL;
        }
        if (!b->cap)
            p[0] = '\0';
        b->ptr = p;
        b->cap = cap;
    }
    return b->ptr + b->len;
}

int rcm_buf_add(rcm_buf *b, const void *p, size_t n)
{
    char *w = rcm_buf_reserve(b, n);
    if (!w)
        return RCM_ENOMEM;
    if (n)
        memcpy(w, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return 0;
}

int rcm_buf_addc(rcm_buf *b, char c) { return rcm_buf_add(b, &c, 1); }
int rcm_buf_adds(rcm_buf *b, const char *s) { return rcm_buf_add(b, s, strlen(s)); }
int rcm_buf_addstr(rcm_buf *b, rcm_str s) { return rcm_buf_add(b, s.p, s.n); }

int rcm_buf_vaddf(rcm_buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    char tmp[256];
    int n = vsnprintf(tmp, sizeof(tmp), fmt, cp);
    va_end(cp);
    if (n < 0) {
        b->failed = RCM_ENOMEM;
        return RCM_ENOMEM;
    }
    if ((size_t)n < sizeof(tmp))
        return rcm_buf_add(b, tmp, (size_t)n);
    char *w = rcm_buf_reserve(b, (size_t)n);
    if (!w)
        return RCM_ENOMEM;
    vsnprintf(w, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int rcm_buf_addf(rcm_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = rcm_buf_vaddf(b, fmt, ap);
    va_end(ap);
    return rc;
}

int rcm_buf_addu(rcm_buf *b, uint64_t v)
{
    char tmp[24];
    int i = (int)sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return rcm_buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

int rcm_buf_addcents(rcm_buf *b, int64_t cents)
{
    char tmp[32];
    int n = rcm_cents_fmt(tmp, cents);
    /* X12 R type: no trailing zeros needed; "123.40" -> "123.4", "100.00" -> "100" */
    char *dot = memchr(tmp, '.', (size_t)n);
    if (dot) {
        while (n > 0 && tmp[n - 1] == '0')
            n--;
        if (tmp[n - 1] == '.')
            n--;
    }
    return rcm_buf_add(b, tmp, (size_t)n);
}

int rcm_str_eq(rcm_str a, const char *s)
{
    size_t n = strlen(s);
    return a.n == n && memcmp(a.p, s, n) == 0;
}

void str_copy(char *dst, size_t dstsz, rcm_str s)
{
    if (!dstsz)
        return;
    size_t n = s.n < dstsz - 1 ? s.n : dstsz - 1;
    if (n)
        memcpy(dst, s.p, n);
    dst[n] = '\0';
}

void cstr_copy(char *dst, size_t dstsz, const char *src)
{
    str_copy(dst, dstsz, rcm_str_c(src ? src : ""));
}
