/*
 * What the practice and encounter importers share (import.h): JSON records
 * with located errors, and rows inserted, updated or left alone by key.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "import.h"
#include "rcm/refdata.h"
#include "../util/util.h"

/* ---- the parser ---- */

#define MAX_DEPTH 64

typedef struct jparse {
    cyj_reader *r;
    const unsigned char *p, *e;
    const unsigned char *bad_at;
    const char *bad;            /* what is wrong, NULL while fine */
    int depth;
} jparse;

static int p_fail(jparse *j, const unsigned char *at, const char *what)
{
    if (!j->bad) {
        j->bad = what;
        j->bad_at = at;
    }
    return -1;
}

static void p_ws(jparse *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r'))
        j->p++;
}

/* The length of the valid UTF-8 sequence at p (a lead byte >= 0x80), or 0. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
    unsigned c = p[0];
    size_t n;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if ((size_t)(e - p) < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (p[i] & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

static int hex4(const unsigned char *p, const unsigned char *e, uint32_t *out)
{
    if (e - p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    *out = v;
    return 0;
}

static size_t put_utf8(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A string at p ('"'): its bytes unescaped into the arena. */
static int p_string(jparse *j, const char **out, size_t *n)
{
    const unsigned char *start = ++j->p, *q = start;
    int escaped = 0;
    /* first pass: find the end and check the bytes */
    while (q < j->e && *q != '"') {
        if (*q == '\\') {
            escaped = 1;
            if (j->e - q < 2)
                break;
            q += 2;
        } else if (*q < 0x20) {
            return p_fail(j, q, "a control character inside a string (write it as \\n, \\t or \\u00XX)");
        } else if (*q < 0x80) {
            q++;
        } else {
            size_t k = utf8_seq(q, j->e);
            if (!k)
                return p_fail(j, q, "a byte that is not UTF-8");
            q += k;
        }
    }
    if (q >= j->e)
        return p_fail(j, start - 1, "a string is not closed");
    size_t len = (size_t)(q - start);
    char *o = arena_alloc(&j->r->mem, len + 1);
    if (!o)
        return p_fail(j, start, "out of memory");
    if (!escaped) {
        memcpy(o, start, len);
        o[len] = '\0';
        *out = o;
        *n = len;
        j->p = q + 1;
        return 0;
    }
    size_t k = 0;
    for (const unsigned char *c = start; c < q;) {
        if (*c != '\\') {
            o[k++] = (char)*c++;
            continue;
        }
        c++;
        switch (*c) {
        case '"': o[k++] = '"'; break;
        case '\\': o[k++] = '\\'; break;
        case '/': o[k++] = '/'; break;
        case 'b': o[k++] = '\b'; break;
        case 'f': o[k++] = '\f'; break;
        case 'n': o[k++] = '\n'; break;
        case 'r': o[k++] = '\r'; break;
        case 't': o[k++] = '\t'; break;
        case 'u': {
            uint32_t cp, lo;
            if (hex4(c + 1, q, &cp) < 0)
                return p_fail(j, c - 1, "a \\u escape needs 4 hex digits");
            c += 4;
            if (cp >= 0xDC00 && cp <= 0xDFFF)
                return p_fail(j, c - 5, "a lone low surrogate in a \\u escape");
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (q - c < 7 || c[1] != '\\' || c[2] != 'u' || hex4(c + 3, q, &lo) < 0 || lo < 0xDC00 ||
                    lo > 0xDFFF)
                    return p_fail(j, c - 5, "a high surrogate without its low surrogate in a \\u escape");
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                c += 6;
            }
            /* the escaped text is at least as long as its UTF-8, so o has room */
            k += put_utf8(o + k, cp);
            break;
        }
        default:
            return p_fail(j, c - 1, "an unknown escape in a string");
        }
        c++;
    }
    o[k] = '\0';
    *out = o;
    *n = k;
    j->p = q + 1;
    return 0;
}

static int p_number(jparse *j, jv *v)
{
    const unsigned char *s = j->p, *q = s;
    if (q < j->e && *q == '-')
        q++;
    if (q >= j->e || *q < '0' || *q > '9')
        return p_fail(j, s, "a value is expected");
    const unsigned char *d = q;
    if (*q == '0')
        q++;
    else
        while (q < j->e && *q >= '0' && *q <= '9')
            q++;
    size_t digits = (size_t)(q - d);
    int real = 0;
    if (q < j->e && *q == '.') {
        real = 1;
        q++;
        if (q >= j->e || *q < '0' || *q > '9')
            return p_fail(j, q, "a digit is expected after '.'");
        while (q < j->e && *q >= '0' && *q <= '9')
            q++;
    }
    if (q < j->e && (*q == 'e' || *q == 'E')) {
        real = 1;
        q++;
        if (q < j->e && (*q == '+' || *q == '-'))
            q++;
        if (q >= j->e || *q < '0' || *q > '9')
            return p_fail(j, q, "a digit is expected in an exponent");
        while (q < j->e && *q >= '0' && *q <= '9')
            q++;
    }
    if (!real && digits <= 18) {
        int64_t x = 0;
        for (const unsigned char *c = d; c < d + digits; c++)
            x = x * 10 + (*c - '0');
        v->type = JV_INT;
        v->u.i = *s == '-' ? -x : x;
    } else {
        v->type = JV_REAL;
    }
    j->p = q;
    return 0;
}

static int p_lit(jparse *j, const char *word, int type, jv *v)
{
    size_t n = strlen(word);
    if ((size_t)(j->e - j->p) < n || memcmp(j->p, word, n) != 0)
        return p_fail(j, j->p, "a value is expected");
    j->p += n;
    v->type = type;
    return 0;
}

static int push(jparse *j, const char *key, const jv *v)
{
    cyj_reader *r = j->r;
    if (r->nstk == r->capstk) {
        size_t nc = r->capstk ? r->capstk * 2 : 64;
        jv_member *ns = realloc(r->stk, nc * sizeof(*ns));
        if (!ns)
            return p_fail(j, j->p, "out of memory");
        r->stk = ns;
        r->capstk = nc;
    }
    r->stk[r->nstk].key = key;
    r->stk[r->nstk].v = *v;
    r->nstk++;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    return strcmp((*(const jv_member *const *)a)->key, (*(const jv_member *const *)b)->key);
}

/* A member name seen twice in m[0..n): small objects pairwise, large ones sorted. */
static const char *twin(jparse *j, const jv_member *m, size_t n)
{
    if (n <= 32) {
        for (size_t i = 1; i < n; i++)
            for (size_t k = 0; k < i; k++)
                if (m[i].key[0] == m[k].key[0] && strcmp(m[i].key, m[k].key) == 0)
                    return m[i].key;
        return NULL;
    }
    const jv_member **p = arena_alloc(&j->r->mem, n * sizeof(*p));
    if (!p)
        return NULL;
    for (size_t i = 0; i < n; i++)
        p[i] = &m[i];
    qsort(p, n, sizeof(*p), key_cmp);
    for (size_t i = 1; i < n; i++)
        if (strcmp(p[i]->key, p[i - 1]->key) == 0)
            return p[i]->key;
    return NULL;
}

static int p_value(jparse *j, jv *v);

/* Moves the top n stack entries into the arena as the value's elements or members. */
static int pop_into(jparse *j, size_t base, jv *v, int object)
{
    cyj_reader *r = j->r;
    size_t n = r->nstk - base;
    v->n = n;
    if (object) {
        jv_member *m = n ? arena_alloc(&r->mem, n * sizeof(*m)) : NULL;
        if (n && !m)
            return p_fail(j, j->p, "out of memory");
        if (n)
            memcpy(m, r->stk + base, n * sizeof(*m));
        v->u.m = m;
    } else {
        jv *a = n ? arena_alloc(&r->mem, n * sizeof(*a)) : NULL;
        if (n && !a)
            return p_fail(j, j->p, "out of memory");
        for (size_t i = 0; i < n; i++)
            a[i] = r->stk[base + i].v;
        v->u.a = a;
    }
    r->nstk = base;
    return 0;
}

static int p_object(jparse *j, jv *v)
{
    const unsigned char *open = j->p++;
    size_t base = j->r->nstk;
    v->type = JV_OBJECT;
    p_ws(j);
    if (j->p < j->e && *j->p == '}') {
        j->p++;
        return pop_into(j, base, v, 1);
    }
    for (;;) {
        p_ws(j);
        if (j->p >= j->e)
            return p_fail(j, open, "an object is not closed: '}' expected");
        if (*j->p != '"')
            return p_fail(j, j->p, "a member name in double quotes is expected");
        const unsigned char *kat = j->p;
        const char *key;
        size_t kn;
        if (p_string(j, &key, &kn) < 0)
            return -1;
        if (memchr(key, 0, kn))
            return p_fail(j, kat, "a member name holds a NUL character");
        p_ws(j);
        if (j->p >= j->e || *j->p != ':')
            return p_fail(j, j->p, "':' is expected after a member name");
        j->p++;
        jv m;
        memset(&m, 0, sizeof(m));
        if (p_value(j, &m) < 0 || push(j, key, &m) < 0)
            return -1;
        p_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == '}') {
            j->p++;
            break;
        }
        return p_fail(j, j->p < j->e ? j->p : open, j->p < j->e ? "',' or '}' is expected"
                                                              : "an object is not closed: '}' expected");
    }
    const char *dup = twin(j, j->r->stk + base, j->r->nstk - base);
    if (dup)
        return p_fail(j, open, "a member name appears twice in an object");
    return pop_into(j, base, v, 1);
}

static int p_array(jparse *j, jv *v)
{
    const unsigned char *open = j->p++;
    size_t base = j->r->nstk;
    v->type = JV_ARRAY;
    p_ws(j);
    if (j->p < j->e && *j->p == ']') {
        j->p++;
        return pop_into(j, base, v, 0);
    }
    for (;;) {
        jv e;
        memset(&e, 0, sizeof(e));
        if (p_value(j, &e) < 0 || push(j, NULL, &e) < 0)
            return -1;
        p_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == ']') {
            j->p++;
            break;
        }
        return p_fail(j, j->p < j->e ? j->p : open, j->p < j->e ? "',' or ']' is expected"
                                                              : "an array is not closed: ']' expected");
    }
    return pop_into(j, base, v, 0);
}

static int p_value(jparse *j, jv *v)
{
    p_ws(j);
    if (j->p >= j->e)
        return p_fail(j, j->p, "a value is expected before the end");
    if (++j->depth > MAX_DEPTH)
        return p_fail(j, j->p, "nested deeper than 64 levels");
    int rc;
    switch (*j->p) {
    case '{': rc = p_object(j, v); break;
    case '[': rc = p_array(j, v); break;
    case '"':
        v->type = JV_STRING;
        rc = p_string(j, &v->u.s, &v->n);
        break;
    case 't': rc = p_lit(j, "true", JV_TRUE, v); break;
    case 'f': rc = p_lit(j, "false", JV_FALSE, v); break;
    case 'n': rc = p_lit(j, "null", JV_NULL, v); break;
    default: rc = p_number(j, v); break;
    }
    j->depth--;
    return rc;
}

const jv *jv_get(const jv *o, const char *key)
{
    if (!jv_is_obj(o))
        return NULL;
    for (size_t i = 0; i < o->n; i++)
        if (o->u.m[i].key[0] == key[0] && strcmp(o->u.m[i].key, key) == 0)
            return &o->u.m[i].v;
    return NULL;
}

/* ---- records ---- */

void cyj_reader_init(cyj_reader *r, const char *buf, size_t len, const char *source)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->len = len;
    r->line = 1;
    r->source = source;
    arena_init(&r->mem, 64 * 1024, (size_t)1 << 30);
}

void cyj_reader_release(cyj_reader *r)
{
    arena_release(&r->mem);
    free(r->stk);
    r->stk = NULL;
    r->nstk = r->capstk = 0;
}

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

static void skip_ws(cyj_reader *r)
{
    while (r->pos < r->len && is_ws(r->buf[r->pos])) {
        if (r->buf[r->pos] == '\n')
            r->line++;
        r->pos++;
    }
}

/* Moves pos on by n bytes, counting lines. */
static void advance(cyj_reader *r, size_t n)
{
    const char *p = r->buf + r->pos, *e = p + n;
    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        r->line++;
        p++;
    }
    r->pos += n;
}

static int reader_fail(cyj_reader *r, rcm_error *err, long line, const char *fmt, ...) RCM_PRINTF(4, 5);
static int reader_fail(cyj_reader *r, rcm_error *err, long line, const char *fmt, ...)
{
    r->state = 3;
    if (!err)
        return RCM_EFORMAT;
    err->code = RCM_EFORMAT;
    err->source = r->source;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return RCM_EFORMAT;
}

/* Parses the value at pos (an object) and moves past it. */
static int one_value(cyj_reader *r, const jv **out, const char **text, size_t *n, long *line, rcm_error *err)
{
    arena_reset(&r->mem);
    r->nstk = 0;
    jv *v = arena_zalloc(&r->mem, sizeof(*v));
    if (!v)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    jparse j = { r, (const unsigned char *)r->buf + r->pos, (const unsigned char *)r->buf + r->len, NULL, NULL, 0 };
    const unsigned char *start = j.p;
    long at = r->line;
    if (p_value(&j, v) < 0) {
        long l = at;
        for (const unsigned char *c = start; c < j.bad_at; c++)
            if (*c == '\n')
                l++;
        if (strcmp(j.bad, "out of memory") == 0) {
            r->state = 3;
            if (err) {
                err->source = r->source;
                err->line = l;
            }
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        }
        return reader_fail(r, err, l, "not JSON: %s", j.bad);
    }
    if (v->type != JV_OBJECT)
        return reader_fail(r, err, at, "record %ld: must be a JSON object", r->index + 1);
    size_t used = (size_t)(j.p - start);
    *out = v;
    *text = r->buf + r->pos;
    *n = used;
    *line = at;
    advance(r, used);
    r->index++;
    return 1;
}

int cyj_next(cyj_reader *r, int allow_array, const jv **out, const char **text, size_t *n, long *line,
             rcm_error *err)
{
    *out = NULL;
    if (r->state == 0) {
        if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
            r->pos = 3;
        skip_ws(r);
        r->state = 1;
        if (allow_array && r->pos < r->len && r->buf[r->pos] == '[') {
            r->pos++;
            skip_ws(r);
            if (r->pos < r->len && r->buf[r->pos] == ']') {
                r->pos++;
                r->state = 4;
            } else {
                r->state = 2;
            }
        }
    }
    switch (r->state) {
    case 1:
        skip_ws(r);
        if (r->pos >= r->len) {
            r->state = 3;
            return 0;
        }
        return one_value(r, out, text, n, line, err);
    case 2: {
        skip_ws(r);
        if (r->pos >= r->len)
            return reader_fail(r, err, r->line, "not JSON: the array is not closed: ']' expected");
        int rc = one_value(r, out, text, n, line, err);
        if (rc < 0)
            return rc;
        skip_ws(r);
        if (r->pos < r->len && r->buf[r->pos] == ',') {
            r->pos++;
            skip_ws(r);
            if (r->pos < r->len && r->buf[r->pos] == ']') {
                *out = NULL;
                return reader_fail(r, err, r->line, "not JSON: a value is expected before ']'");
            }
        } else if (r->pos < r->len && r->buf[r->pos] == ']') {
            r->pos++;
            r->state = 4;
        } else {
            *out = NULL;
            if (r->pos >= r->len)
                return reader_fail(r, err, r->line, "not JSON: the array is not closed: ']' expected");
            return reader_fail(r, err, r->line, "not JSON: ',' or ']' expected");
        }
        return 1;
    }
    case 4:
        /* after the closing ']' only white space may follow */
        skip_ws(r);
        r->state = 3;
        if (r->pos < r->len)
            return reader_fail(r, err, r->line, "not JSON: text after the array");
        return 0;
    default:
        return 0;
    }
}

/* ---- locating a path in a record's text ---- */

static const char *t_ws(const char *p, const char *e)
{
    while (p < e && is_ws(*p))
        p++;
    return p;
}

/* p at '"': past the closing quote. */
static const char *t_str(const char *p, const char *e)
{
    for (p++; p < e && *p != '"'; p++)
        if (*p == '\\')
            p++;
    return p < e ? p + 1 : e;
}

static const char *t_val(const char *p, const char *e)
{
    p = t_ws(p, e);
    if (p >= e)
        return e;
    if (*p == '"')
        return t_str(p, e);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (p < e) {
            if (*p == '"') {
                p = t_str(p, e);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if ((*p == '}' || *p == ']') && --depth == 0)
                return p + 1;
            p++;
        }
        return e;
    }
    while (p < e && *p != ',' && *p != '}' && *p != ']' && !is_ws(*p))
        p++;
    return p;
}

/* p at '{': the value of member key, or NULL. */
static const char *t_member(const char *p, const char *e, const char *key, size_t klen)
{
    p = t_ws(p, e);
    if (p >= e || *p != '{')
        return NULL;
    p++;
    for (;;) {
        p = t_ws(p, e);
        if (p >= e || *p != '"')
            return NULL;
        const char *k = p + 1, *ke = t_str(p, e) - 1;
        p = t_ws(ke + 1, e);
        if (p >= e || *p != ':')
            return NULL;
        p = t_ws(p + 1, e);
        if ((size_t)(ke - k) == klen && memcmp(k, key, klen) == 0)
            return p;
        p = t_ws(t_val(p, e), e);
        if (p >= e || *p != ',')
            return NULL;
        p++;
    }
}

/* p at '[': element i, or NULL. */
static const char *t_elem(const char *p, const char *e, size_t i)
{
    p = t_ws(p, e);
    if (p >= e || *p != '[')
        return NULL;
    p++;
    for (size_t k = 0;; k++) {
        p = t_ws(p, e);
        if (p >= e || *p == ']')
            return NULL;
        if (k == i)
            return p;
        p = t_ws(t_val(p, e), e);
        if (p >= e || *p != ',')
            return NULL;
        p++;
    }
}

/* The line of the deepest part of the path found in the record's text. */
static long locate(const cyj *j)
{
    if (!j->text)
        return j->line;
    const char *p = j->text, *e = j->text + j->len, *best = p;
    const char *q = j->path;
    while (*q && p) {
        if (*q == '[') {
            char *end;
            unsigned long long i = strtoull(q + 1, &end, 10);
            if (*end != ']')
                break;
            p = t_elem(p, e, (size_t)i);
            q = end + 1;
        } else {
            if (*q == '.')
                q++;
            size_t k = strcspn(q, ".[");
            p = t_member(p, e, q, k);
            q += k;
        }
        if (p)
            best = p;
    }
    long line = j->line;
    for (const char *c = j->text; c < best; c++)
        if (*c == '\n')
            line++;
    return line;
}

/* ---- reading members ---- */

void cyj_init(cyj *j, rcm_error *err, const char *source, const char *text, size_t len, long line)
{
    memset(j, 0, sizeof(*j));
    j->err = err;
    j->source = source;
    j->text = text;
    j->len = len;
    j->line = line;
}

size_t cyj_key(cyj *j, const char *key)
{
    size_t at = j->plen, n = strlen(key), room = sizeof(j->path) - 1 - at;
    char *o = j->path + at;
    if (at && room) {
        *o++ = '.';
        room--;
    }
    if (n > room)
        n = room;
    memcpy(o, key, n);
    o[n] = '\0';
    j->plen = (size_t)(o + n - j->path);
    return at;
}

size_t cyj_index(cyj *j, size_t i)
{
    size_t at = j->plen;
    int n = snprintf(j->path + at, sizeof(j->path) - at, "[%zu]", i);
    if (n > 0)
        j->plen = at + (size_t)n < sizeof(j->path) ? at + (size_t)n : sizeof(j->path) - 1;
    return at;
}

void cyj_pop(cyj *j, size_t at)
{
    j->plen = at;
    j->path[at] = '\0';
}

int cyj_fail(cyj *j, int code, const char *fmt, ...)
{
    if (!j->err)
        return code;
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    j->err->code = code;
    j->err->source = j->source;
    j->err->line = locate(j);
    const char *sep = j->record[0] ? ": " : "";
    char full[512];
    if (j->path[0])
        snprintf(full, sizeof(full), "%s%sfield '%s': %s", j->record, sep, j->path, msg);
    else
        snprintf(full, sizeof(full), "%s%s%s", j->record, sep, msg);
    cstr_copy(j->err->msg, sizeof(j->err->msg), full);
    return code;
}

int cyj_members(cyj *j, const jv *o, const char *const *names)
{
    if (!jv_is_obj(o))
        return cyj_fail(j, RCM_EFORMAT, "must be an object");
    for (size_t m = 0; m < o->n; m++) {
        const char *key = o->u.m[m].key;
        size_t i = 0;
        while (names[i] && (names[i][0] != key[0] || strcmp(names[i], key) != 0))
            i++;
        if (!names[i]) {
            size_t at = cyj_key(j, key);
            /* a key is the EHR's word, never patient data: safe to name */
            int rc = cyj_fail(j, RCM_EFORMAT, "unknown member");
            cyj_pop(j, at);
            return rc;
        }
    }
    return 0;
}

/* The member, or NULL when absent or null. */
static const jv *member(const jv *o, const char *key)
{
    const jv *v = jv_get(o, key);
    return v && !jv_is_null(v) ? v : NULL;
}

static int quiet(const cyj *j, unsigned flags) { return j->quiet > 0 || (flags & CYJ_QUIET); }

static int check_chars(cyj *j, const char *s, size_t n, unsigned flags)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0)
            return cyj_fail(j, RCM_EFORMAT, "must not hold a NUL character");
        if (flags & CYJ_DIGITS) {
            if (c < '0' || c > '9')
                return quiet(j, flags) ? cyj_fail(j, RCM_EFORMAT, "must be digits only")
                                       : cyj_fail(j, RCM_EFORMAT, "'%.40s' must be digits only", s);
        } else if (flags & CYJ_ALNUM) {
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')))
                return quiet(j, flags)
                           ? cyj_fail(j, RCM_EFORMAT, "must be upper-case letters and digits only")
                           : cyj_fail(j, RCM_EFORMAT, "'%.40s' must be upper-case letters and digits only", s);
        } else if (flags & CYJ_X12) {
            if (c < 0x20 || c >= 0x7f || c == '~' || c == '*' || c == ':' || c == '^')
                return cyj_fail(j, RCM_EFORMAT,
                                "must be printable ASCII without ~ * : ^ (it goes into the 837 as is)");
        }
    }
    return 0;
}

int cyj_str(cyj *j, const jv *o, const char *key, unsigned flags, char *out, size_t size)
{
    out[0] = '\0';
    const jv *v = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!v) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!jv_is_str(v)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
    } else {
        const char *s = v->u.s;
        size_t n = v->n;
        if (n == 0 && (flags & CYJ_REQ))
            rc = cyj_fail(j, RCM_EFORMAT, "must not be empty");
        else if (n >= size)
            rc = cyj_fail(j, RCM_EFORMAT, "is longer than %zu characters", size - 1);
        else if ((rc = check_chars(j, s, n, flags)) == 0)
            memcpy(out, s, n + 1);
    }
    cyj_pop(j, at);
    return rc;
}

int cyj_date(cyj *j, const jv *o, const char *key, unsigned flags, rcm_date *out)
{
    char s[16];
    *out = RCM_DATE_NONE;
    int rc = cyj_str(j, o, key, flags & (CYJ_REQ | CYJ_QUIET), s, sizeof(s));
    if (rc < 0)
        return rc;
    if (!s[0])
        return 0;
    if (rcm_date_parse_iso(out, rcm_str_c(s)) < 0) {
        size_t at = cyj_key(j, key);
        rc = quiet(j, flags) ? cyj_fail(j, RCM_EFORMAT, "is not a real date (YYYY-MM-DD)")
                             : cyj_fail(j, RCM_EFORMAT, "'%s' is not a real date (YYYY-MM-DD)", s);
        cyj_pop(j, at);
        *out = RCM_DATE_NONE;
    }
    return rc;
}

int cyj_int(cyj *j, const jv *o, const char *key, unsigned flags, long min, long max, long def, long *out)
{
    *out = def;
    const jv *v = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!v) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!jv_is_int(v)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be a whole number");
    } else {
        int64_t x = v->u.i;
        if (x < min || x > max)
            rc = cyj_fail(j, RCM_EFORMAT, "%lld is out of range (%ld to %ld)", (long long)x, min, max);
        else
            *out = (long)x;
    }
    cyj_pop(j, at);
    return rc;
}

int cyj_cents(cyj *j, const jv *o, const char *key, unsigned flags, int64_t *out)
{
    char s[32];
    *out = 0;
    const jv *v = member(o, key);
    if (v && jv_is_num(v)) {
        size_t at = cyj_key(j, key);
        int rc = cyj_fail(j, RCM_EFORMAT, "must be a decimal string (\"150.00\"), not a number");
        cyj_pop(j, at);
        return rc;
    }
    int rc = cyj_str(j, o, key, flags & CYJ_REQ, s, sizeof(s));
    if (rc < 0 || !s[0])
        return rc;
    const char *why = NULL;
    size_t at = cyj_key(j, key);
    if (rcm_cents_parse(out, rcm_str_c(s), &why) < 0)
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not an amount: %s", s, why ? why : "bad number");
    else if (*out < 0)
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is negative", s);
    cyj_pop(j, at);
    return rc;
}

int cyj_obj(cyj *j, const jv *o, const char *key, unsigned flags, const char *const *names,
            const jv **out, size_t *at)
{
    *out = member(o, key);
    *at = cyj_key(j, key);
    if (!*out) {
        if (flags & CYJ_REQ)
            return cyj_fail(j, RCM_EFORMAT, "is required");
        return 0;
    }
    return cyj_members(j, *out, names);
}

int cyj_arr(cyj *j, const jv *o, const char *key, unsigned flags, size_t max, const jv **out)
{
    *out = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!*out) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!jv_is_arr(*out)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be an array");
    } else if ((*out)->n > max) {
        rc = cyj_fail(j, RCM_EFORMAT, "has %zu elements: at most %zu", (*out)->n, max);
    }
    cyj_pop(j, at);
    return rc;
}

void cyj_put_str(rcm_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    rcm_buf_addc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        rcm_buf_add(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': rcm_buf_add(b, "\\\"", 2); break;
        case '\\': rcm_buf_add(b, "\\\\", 2); break;
        case '\n': rcm_buf_add(b, "\\n", 2); break;
        case '\t': rcm_buf_add(b, "\\t", 2); break;
        case '\r': rcm_buf_add(b, "\\r", 2); break;
        default: {
            char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
            rcm_buf_add(b, u, 6);
        }
        }
    }
    rcm_buf_add(b, s + run, n - run);
    rcm_buf_addc(b, '"');
}

int cyj_npi(cyj *j, const jv *o, const char *key, unsigned flags, char out[11])
{
    char s[16];
    int rc = cyj_str(j, o, key, flags & CYJ_REQ, s, sizeof(s));
    out[0] = '\0';
    if (rc < 0 || !s[0])
        return rc;
    const char *why = NULL;
    if (rcm_code_check_npi(rcm_str_c(s), &why) < 0) {
        size_t at = cyj_key(j, key);
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not an NPI: %s", s, why ? why : "bad format");
        cyj_pop(j, at);
        return rc;
    }
    memcpy(out, s, 11);
    return 0;
}

int cyj_address(cyj *j, const jv *o, const char *key, unsigned flags, int no_line2, cyj_addr *out)
{
    static const char *const names[] = { "line1", "line2", "city", "state", "zip", NULL };
    memset(out, 0, sizeof(*out));
    const jv *a;
    size_t at;
    unsigned q = flags & CYJ_QUIET;
    int rc = cyj_obj(j, o, key, flags & CYJ_REQ, names, &a, &at);
    if (rc < 0 || !a)
        goto done;
    if ((rc = cyj_str(j, a, "line1", CYJ_X12 | q, out->line1, sizeof(out->line1))) < 0 ||
        (rc = cyj_str(j, a, "line2", CYJ_X12 | q, out->line2, sizeof(out->line2))) < 0 ||
        (rc = cyj_str(j, a, "city", CYJ_X12 | q, out->city, sizeof(out->city))) < 0 ||
        (rc = cyj_str(j, a, "state", CYJ_X12 | q, out->state, sizeof(out->state))) < 0 ||
        (rc = cyj_str(j, a, "zip", CYJ_DIGITS | q, out->zip, sizeof(out->zip))) < 0)
        goto done;
    int any = out->line1[0] || out->line2[0] || out->city[0] || out->state[0] || out->zip[0];
    if (!any && !(flags & CYJ_REQ))
        goto done;
    static const char *const req[] = { "line1", "city", "state", "zip" };
    const char *vals[] = { out->line1, out->city, out->state, out->zip };
    for (size_t i = 0; i < 4; i++)
        if (!vals[i][0]) {
            size_t k = cyj_key(j, req[i]);
            rc = cyj_fail(j, RCM_EFORMAT, "is required (an address has line1, city, state and zip)");
            cyj_pop(j, k);
            goto done;
        }
    if (no_line2 && out->line2[0]) {
        size_t k = cyj_key(j, "line2");
        rc = cyj_fail(j, RCM_EFORMAT, "is not kept for this address: put it in line1");
        cyj_pop(j, k);
        goto done;
    }
    if (!(out->state[0] >= 'A' && out->state[0] <= 'Z' && out->state[1] >= 'A' && out->state[1] <= 'Z' &&
          !out->state[2])) {
        size_t k = cyj_key(j, "state");
        rc = cyj_fail(j, RCM_EFORMAT, "must be 2 upper-case letters (TN)");
        cyj_pop(j, k);
        goto done;
    }
    size_t zn = strlen(out->zip);
    if (zn != 5 && zn != 9) {
        size_t k = cyj_key(j, "zip");
        rc = cyj_fail(j, RCM_EFORMAT, "must be 5 or 9 digits");
        cyj_pop(j, k);
    }
done:
    cyj_pop(j, at);
    return rc;
}

/* ---- rows ---- */

static void bind_v(sqlite3_stmt *s, int i, const cyv *v)
{
    if (v->is_int == 2 && v->i == RCM_DATE_NONE)
        sqlite3_bind_null(s, i);
    else if (v->is_int)
        sqlite3_bind_int64(s, i, v->i);
    else if (v->s)
        sqlite3_bind_text(s, i, v->s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static int same_v(sqlite3_stmt *s, int i, const cyv *v)
{
    int t = sqlite3_column_type(s, i);
    if (v->is_int == 2 && v->i == RCM_DATE_NONE)
        return t == SQLITE_NULL;
    if (v->is_int)
        return t == SQLITE_INTEGER && sqlite3_column_int64(s, i) == v->i;
    if (!v->s)
        return t == SQLITE_NULL;
    if (t != SQLITE_TEXT)
        return 0;
    const char *c = (const char *)sqlite3_column_text(s, i);
    int n = sqlite3_column_bytes(s, i);
    return c && (size_t)n == strlen(v->s) && memcmp(c, v->s, (size_t)n) == 0;
}

static int prep(rcm_cycle *cy, sqlite3_stmt **s, rcm_buf *b, rcm_error *err)
{
    if (rcm_buf_failed(b))
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    return store_prepare(cy->st, s, b->ptr, err);
}

static void add_list(rcm_buf *b, const char *const *names, size_t n, const char *sep, const char *suffix,
                     int *first)
{
    for (size_t i = 0; i < n; i++) {
        rcm_buf_addf(b, "%s%s%s", *first ? "" : sep, names[i], suffix);
        *first = 0;
    }
}

int cyr_find(rcm_cycle *cy, cyr *r, const cyv *keyv, const cyv *colv, int64_t *id, int *same, rcm_error *err)
{
    *id = 0;
    *same = 0;
    int rc = 0;
    if (!r->sel) {
        rcm_buf b;
        rcm_buf_init(&b, 8192);
        rcm_buf_addf(&b, "SELECT %s", r->idcol ? r->idcol : "0");
        int first = 0;
        add_list(&b, r->cols, r->ncols, ", ", "", &first);
        if (r->extra)
            rcm_buf_addf(&b, ", %s", r->extra);
        rcm_buf_addf(&b, " FROM %s WHERE ", r->table);
        first = 1;
        add_list(&b, r->keys, r->nkeys, " AND ", " = ?", &first);
        rc = prep(cy, &r->sel, &b, err);
        rcm_buf_release(&b);
        if (rc < 0)
            return rc;
    }
    sqlite3_reset(r->sel);
    for (size_t i = 0; i < r->nkeys; i++)
        bind_v(r->sel, (int)i + 1, &keyv[i]);
    int step = sqlite3_step(r->sel);
    if (step == SQLITE_DONE)
        return 0;
    if (step != SQLITE_ROW)
        return store_sqlerr(cy->st, err, r->table);
    *id = sqlite3_column_int64(r->sel, 0);
    int eq = 1;
    for (size_t i = 0; i < r->ncols && eq; i++)
        eq = same_v(r->sel, (int)i + 1, &colv[i]);
    *same = eq;
    return 1;
}

int cyr_insert(rcm_cycle *cy, cyr *r, const cyv *keyv, const cyv *colv, const cyv *xv, int64_t *id,
               rcm_error *err)
{
    int rc = 0;
    if (!r->ins) {
        rcm_buf b;
        rcm_buf_init(&b, 8192);
        rcm_buf_addf(&b, "INSERT INTO %s (", r->table);
        int first = 1;
        if (r->idcol) {
            rcm_buf_adds(&b, r->idcol);
            first = 0;
        }
        add_list(&b, r->keys, r->nkeys, ", ", "", &first);
        add_list(&b, r->cols, r->ncols, ", ", "", &first);
        add_list(&b, r->xcols, r->nxcols, ", ", "", &first);
        rcm_buf_adds(&b, ") VALUES (");
        size_t n = (r->idcol ? 1 : 0) + r->nkeys + r->ncols + r->nxcols;
        for (size_t i = 0; i < n; i++)
            rcm_buf_adds(&b, i ? ", ?" : "?");
        rcm_buf_addc(&b, ')');
        rc = prep(cy, &r->ins, &b, err);
        rcm_buf_release(&b);
        if (rc < 0)
            return rc;
    }
    if (r->sel)
        sqlite3_reset(r->sel);
    int k = 1;
    if (r->idcol) {
        if (!r->next_id && (rc = cycle_next_id(cy, r->table, r->idcol, &r->next_id, err)) < 0)
            return rc;
        *id = r->next_id++;
        sqlite3_bind_int64(r->ins, k++, *id);
    } else {
        *id = 0;
    }
    for (size_t i = 0; i < r->nkeys; i++)
        bind_v(r->ins, k++, &keyv[i]);
    for (size_t i = 0; i < r->ncols; i++)
        bind_v(r->ins, k++, &colv[i]);
    for (size_t i = 0; i < r->nxcols; i++)
        bind_v(r->ins, k++, &xv[i]);
    return store_step_done(cy->st, r->ins, r->table, err);
}

int cyr_update(rcm_cycle *cy, cyr *r, int64_t id, const cyv *keyv, const cyv *colv, const cyv *xv,
               rcm_error *err)
{
    int rc = 0;
    if (!r->upd) {
        rcm_buf b;
        rcm_buf_init(&b, 8192);
        rcm_buf_addf(&b, "UPDATE %s SET ", r->table);
        int first = 1;
        add_list(&b, r->cols, r->ncols, ", ", " = ?", &first);
        if (xv)
            add_list(&b, r->xcols, r->nxcols, ", ", " = ?", &first);
        rcm_buf_adds(&b, " WHERE ");
        if (r->idcol) {
            rcm_buf_addf(&b, "%s = ?", r->idcol);
        } else {
            first = 1;
            add_list(&b, r->keys, r->nkeys, " AND ", " = ?", &first);
        }
        rc = prep(cy, &r->upd, &b, err);
        rcm_buf_release(&b);
        if (rc < 0)
            return rc;
    }
    if (r->sel)
        sqlite3_reset(r->sel);
    int k = 1;
    for (size_t i = 0; i < r->ncols; i++)
        bind_v(r->upd, k++, &colv[i]);
    for (size_t i = 0; xv && i < r->nxcols; i++)
        bind_v(r->upd, k++, &xv[i]);
    if (r->idcol)
        sqlite3_bind_int64(r->upd, k, id);
    else
        for (size_t i = 0; i < r->nkeys; i++)
            bind_v(r->upd, k++, &keyv[i]);
    return store_step_done(cy->st, r->upd, r->table, err);
}

void cyr_release(cyr *r)
{
    sqlite3_finalize(r->sel);
    sqlite3_finalize(r->ins);
    sqlite3_finalize(r->upd);
    r->sel = r->ins = r->upd = NULL;
    r->next_id = 0;
}
