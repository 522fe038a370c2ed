/* Helpers shared by the models' JSON faces (json_internal.h). */
#include <stdlib.h>
#include "json_internal.h"

/*
 * The model holds bytes (X12 is 8-bit text); JSON holds Unicode. A string
 * whose characters are all U+0000-U+00FF is stored one byte per character
 * (Latin-1), any other as its UTF-8 bytes. jw_text() is the inverse, so both
 * directions give back what they were given.
 */
size_t jw_latin1_fold(const char *s, size_t n, char *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80) {
            out[k++] = (char)p[i];
        } else if ((p[i] == 0xC2 || p[i] == 0xC3) && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
            out[k++] = (char)(((p[i] & 0x03) << 6) | (p[i + 1] & 0x3F));
            i++;
        } else {
            return (size_t)-1; /* a character above U+00FF: keep UTF-8 */
        }
    }
    return k;
}

/*
 * A JSON string of the model string s (bytes): ASCII as is, and any byte
 * 0x80-0xFF as the character U+0080-U+00FF (Latin-1), the inverse of
 * str_from(); bytes that already are UTF-8 of characters above U+00FF stay.
 */
json_t *jw_text(const char *s)
{
    size_t n = strlen(s), i;
    for (i = 0; i < n && (unsigned char)s[i] < 0x80; i++)
        ;
    if (i == n)
        return json_string(s);
    char fold[512];
    json_t *j = n < sizeof(fold) && jw_latin1_fold(s, n, fold) == (size_t)-1 ? json_string(s) : NULL;
    if (j)
        return j; /* UTF-8 of characters above U+00FF */
    char *u = malloc(2 * n + 1), *q = u;
    if (!u)
        return NULL;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80) {
            *q++ = (char)*p;
        } else {
            *q++ = (char)(0xC0 | (*p >> 6));
            *q++ = (char)(0x80 | (*p & 0x3F));
        }
    }
    *q = '\0';
    j = json_string(u);
    free(u);
    return j;
}

json_t *jw_ascii_text(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t n = strlen(s); /* not UTF-8: keep the ASCII, mark the rest */
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        t[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_string(t);
    free(t);
    return v;
}

void jw_put(jb *b, json_t *o, const char *key, json_t *v)
{
    if (!v || json_object_set_new(o, key, v) < 0)
        b->failed = 1;
}

void jw_put_str(jb *b, json_t *o, const char *key, const char *s)
{
    if (s[0])
        jw_put(b, o, key, jw_ascii_text(s));
}

void jw_put_char(jb *b, json_t *o, const char *key, char c)
{
    char s[2] = { c, '\0' };
    jw_put_str(b, o, key, s);
}

void jw_put_int(jb *b, json_t *o, const char *key, int64_t v)
{
    jw_put(b, o, key, json_integer((json_int_t)v));
}

void jw_put_nz(jb *b, json_t *o, const char *key, int64_t v)
{
    if (v)
        jw_put_int(b, o, key, v);
}

void jw_put_has(jb *b, json_t *o, const char *key, int has, int64_t v)
{
    if (has)
        jw_put_int(b, o, key, v);
}

void jw_put_date(jb *b, json_t *o, const char *key, rcm_date d)
{
    if (d == RCM_DATE_NONE)
        return;
    char tmp[16];
    rcm_date_fmt(tmp, d, 1);
    jw_put(b, o, key, json_string(tmp));
}

void jw_put_bool(jb *b, json_t *o, const char *key, int v)
{
    jw_put(b, o, key, json_boolean(v));
}

json_t *jw_new_obj(jb *b)
{
    json_t *o = json_object();
    if (!o)
        b->failed = 1;
    return o;
}

/* Appends v (may be NULL: then the build failed) to array a. */
void jw_append(jb *b, json_t *a, json_t *v)
{
    if (!v || json_array_append_new(a, v) < 0)
        b->failed = 1;
}

/* Returns o, or NULL (o released) when anything failed. */
json_t *jw_finish(jb *b, json_t *o)
{
    if (b->failed || !o) {
        json_decref(o);
        return NULL;
    }
    return o;
}

