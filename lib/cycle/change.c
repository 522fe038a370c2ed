/*
 * Before -> after in change events (change.h).
 */
#include <stdio.h>
#include <string.h>
#include "change.h"
#include "../util/banned.h"

void change_sep(rcm_buf *b)
{
    if (b->len)
        rcm_buf_adds(b, "; ");
}

void change_value(rcm_buf *b, const char *v)
{
    if (!v || !*v) {
        rcm_buf_adds(b, "''");
        return;
    }
    size_t n = strlen(v);
    int cut = n > CHANGE_MAX_VALUE;
    int quote = strchr(v, ' ') || strchr(v, '\'');
    if (quote)
        rcm_buf_addc(b, '\'');
    for (size_t i = 0; i < (cut ? CHANGE_MAX_VALUE : n); i++) {
        unsigned char c = (unsigned char)v[i];
        /* one line per event: control characters become spaces */
        rcm_buf_addc(b, c < 0x20 || c == 0x7f ? ' ' : c == '\'' ? '"' : (char)c);
    }
    if (cut)
        rcm_buf_adds(b, "...");
    if (quote)
        rcm_buf_addc(b, '\'');
}

void change_str(rcm_buf *b, const char *field, const char *before, const char *after)
{
    change_sep(b);
    rcm_buf_addf(b, "%s ", field);
    change_value(b, before);
    rcm_buf_adds(b, " -> ");
    change_value(b, after);
}

void change_cents(rcm_buf *b, int64_t cents)
{
    char t[32];
    rcm_cents_fmt(t, cents);
    rcm_buf_adds(b, t);
}

void change_hidden(rcm_buf *b, const char *field)
{
    change_sep(b);
    rcm_buf_addf(b, "%s changed", field);
}

/* A value as text: a date, a number, a string, or "none" for NULL (out holds up to 32 bytes). */
static const char *v_text(const cyv *v, char out[32])
{
    if (v->is_int == 2) {
        if (v->i == RCM_DATE_NONE)
            return "none";
        rcm_date_fmt(out, (rcm_date)v->i, 1);
        return out;
    }
    if (v->is_int) {
        snprintf(out, 32, "%lld", (long long)v->i);
        return out;
    }
    return v->s ? v->s : "none";
}

static const char *col_text(sqlite3_stmt *s, int i, int is_date, char out[32])
{
    int t = sqlite3_column_type(s, i);
    if (t == SQLITE_NULL)
        return "none";
    if (is_date && t == SQLITE_INTEGER) {
        rcm_date_fmt(out, (rcm_date)sqlite3_column_int64(s, i), 1);
        return out;
    }
    const unsigned char *c = sqlite3_column_text(s, i);
    return c ? (const char *)c : "";
}

/* The same comparison as the importer's (lib/cycle/import.c): type and value. */
static int same(sqlite3_stmt *s, int i, const cyv *v)
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

int change_row(rcm_buf *b, const cyr *r, const cyv *colv, const unsigned char *show)
{
    int n = 0;
    for (size_t i = 0; i < r->ncols; i++) {
        int col = 1 + (int)i;
        if (same(r->sel, col, &colv[i]))
            continue;
        n++;
        if (show && !show[i]) {
            change_hidden(b, r->cols[i]);
            continue;
        }
        char x[32], y[32];
        change_str(b, r->cols[i], col_text(r->sel, col, colv[i].is_int == 2, x), v_text(&colv[i], y));
    }
    return n;
}
