/*
 * What the practice and encounter importers share (import.h): JSON records
 * read with jansson and located errors, and rows inserted, updated or left
 * alone by key.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "import.h"
#include "rcm/refdata.h"
#include "../util/util.h"

/*
 * Every record: member names once, integers kept as integers (money and
 * units are decimal strings in our formats), \u0000 let through to the
 * member readers, which refuse it naming the field.
 */
#define CYJ_LOAD (JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL)

/* ---- walking text jansson has accepted ----
 *
 * Not a parser: the text is valid JSON by the time these run, so they only
 * follow strings (for the brackets inside them) and nesting depth to find
 * where a value ends, an array's element or an object's member starts, and
 * count newlines. They serve two things jansson does not keep: the line of
 * each element of an array file, and the line of the field an error names.
 */

static int is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

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

/* p at a value (or white space before it): past its end. */
static const char *t_val(const char *p, const char *e)
{
    p = t_ws(p, e);
    if (p >= e)
        return e;
    if (*p == '"')
        return t_str(p, e);
    if (*p == '{' || *p == '[') {
        size_t depth = 0;
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

static long count_lines(const char *p, const char *e)
{
    long n = 0;
    while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
        n++;
        p++;
    }
    return n;
}

/* ---- records ---- */

void cyj_reader_init(cyj_reader *r, const char *buf, size_t len, const char *source)
{
    memset(r, 0, sizeof(*r));
    r->buf = buf;
    r->len = len;
    r->line = 1;
    r->source = source;
}

void cyj_reader_release(cyj_reader *r)
{
    json_decref(r->doc);
    r->doc = NULL;
}

/* Moves pos to q, counting lines. */
static void move_to(cyj_reader *r, const char *q)
{
    r->line += count_lines(r->buf + r->pos, q);
    r->pos = (size_t)(q - r->buf);
}

static void skip_ws(cyj_reader *r) { move_to(r, t_ws(r->buf + r->pos, r->buf + r->len)); }

static int reader_fail(cyj_reader *r, rcm_error *err, int code, long line, const char *fmt, ...) RCM_PRINTF(5, 6);
static int reader_fail(cyj_reader *r, rcm_error *err, int code, long line, const char *fmt, ...)
{
    r->state = 3;
    if (!err)
        return code;
    err->code = code;
    err->source = r->source;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

/*
 * jansson's messages in our words. Its "near 'TOKEN'" is left out: the
 * token may be a patient's name or date of birth. What is kept of it is a
 * punctuation character a value was expected before, and a member name
 * seen twice (the EHR's word, never patient data).
 */
enum { SAY_ONLY, SAY_BEFORE, SAY_NAME, SAY_DEPTH };
static const struct {
    const char *jansson;    /* the start of jansson's message */
    const char *ours;
    const char *at_end;     /* ours when the text ended first; NULL: the same */
    int say;                /* what is added: " before 'P'", ": 'NAME'", the depth limit */
} syntax_words[] = {
    { "string or '}' expected", "a member name in double quotes is expected", NULL, SAY_ONLY },
    { "':' expected", "':' is expected after a member name", NULL, SAY_ONLY },
    { "'}' expected", "',' or '}' is expected", "an object is not closed: '}' expected", SAY_ONLY },
    { "']' expected", "',' or ']' is expected", "an array is not closed: ']' expected", SAY_ONLY },
    { "unexpected token", "a value is expected", "a value is expected before the end", SAY_BEFORE },
    { "invalid token", "an invalid value (text needs double quotes; true, false and null are lower case)", NULL,
      SAY_ONLY },
    { "unexpected newline", "a control character inside a string (write it as \\n, \\t or \\u00XX)", NULL,
      SAY_ONLY },
    { "control character", "a control character inside a string (write it as \\n, \\t or \\u00XX)", NULL,
      SAY_ONLY },
    { "invalid escape", "an invalid escape in a string", NULL, SAY_ONLY },
    { "invalid Unicode escape", "a \\u escape needs 4 hex digits", NULL, SAY_ONLY },
    { "invalid Unicode", "a \\u escape is half of a surrogate pair without the other half", NULL, SAY_ONLY },
    { "unable to decode byte", "a byte that is not UTF-8", NULL, SAY_ONLY },
    { "premature end of input", "a string is not closed", NULL, SAY_ONLY },
    { "too big", "a whole number is too large", NULL, SAY_ONLY },
    { "real number overflow", "a number is too large", NULL, SAY_ONLY },
    { "NUL byte in object key", "a member name holds a NUL character", NULL, SAY_ONLY },
    { "duplicate object key", "a member name appears twice in an object", NULL, SAY_NAME },
    { "maximum parsing depth", "nested too deeply", NULL, SAY_DEPTH },
    { "end of file expected", "text after the array", NULL, SAY_ONLY },
};

/*
 * Where jansson failed in the text that starts at base (on base_line):
 * *line, and *column in characters. jansson stops after the token it could
 * not take (ntok bytes: point at its start), and when the text ends first,
 * the place is after its last character, not on the empty line below.
 */
static void fail_place(const cyj_reader *r, size_t base, long base_line, const json_error_t *je, size_t ntok,
                       int eof, long *line, long *column)
{
    if (r->len - base > INT_MAX) {     /* past what jansson's int position can say */
        *line = base_line + je->line - 1;
        *column = je->column;
        return;
    }
    size_t at = base + (je->position > 0 ? (size_t)je->position : 0);
    if (at > r->len)
        at = r->len;
    if (ntok <= at - base)
        at -= ntok;
    if (eof && at == r->len)
        while (at > base && is_ws(r->buf[at - 1]))
            at--;
    *line = base_line + count_lines(r->buf + base, r->buf + at);
    size_t ls = at;
    while (ls > 0 && r->buf[ls - 1] != '\n')
        ls--;
    if (ls == 0 && r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
        ls = 3;                 /* a byte order mark is not a column */
    *column = 1;
    for (size_t i = ls; i < at; i++)
        *column += ((unsigned char)r->buf[i] & 0xC0) != 0x80;
}

/* A parse failure of the text at base: RCM_EFORMAT "not JSON: WHAT (column C)" at its line. */
static int syntax_fail(cyj_reader *r, size_t base, long base_line, const json_error_t *je, rcm_error *err)
{
    /* no text: a malloc failed where jansson sets no message */
    if (!je->text[0] || json_error_code(je) == json_error_out_of_memory)
        return reader_fail(r, err, RCM_ENOMEM, base_line, "out of memory");
    /* jansson's text: WHAT, WHAT near 'TOKEN' or WHAT near end of file */
    const char *text = je->text;
    const char *near = strstr(text, " near '"), *eof = near ? NULL : strstr(text, " near end of file");
    size_t nwhat = near ? (size_t)(near - text) : eof ? (size_t)(eof - text) : strlen(text);
    const char *tok = NULL;
    size_t ntok = 0;
    if (near) {
        tok = near + 7;
        ntok = strlen(tok);
        ntok -= ntok && tok[ntok - 1] == '\'';
    }
    long line, column;
    fail_place(r, base, base_line, je, ntok, eof != NULL, &line, &column);

    size_t i = 0, nw = sizeof(syntax_words) / sizeof(syntax_words[0]);
    while (i < nw && (strlen(syntax_words[i].jansson) > nwhat ||
                      memcmp(text, syntax_words[i].jansson, strlen(syntax_words[i].jansson)) != 0))
        i++;
    if (i == nw)    /* a message this table does not know: jansson's, without the token */
        return reader_fail(r, err, RCM_EFORMAT, line, "not JSON: %.*s (column %ld)", (int)nwhat, text, column);
    const char *ours = eof && syntax_words[i].at_end ? syntax_words[i].at_end : syntax_words[i].ours;
    char more[48] = "";
    int say = syntax_words[i].say;
    if (say == SAY_BEFORE && tok && ntok == 1 && strchr("{}[],:", tok[0]))
        snprintf(more, sizeof(more), " before '%c'", tok[0]);
    else if (say == SAY_NAME && tok && ntok > 2 && tok[0] == '"')
        snprintf(more, sizeof(more), ": '%.*s'", (int)(ntok - 2), tok + 1);
    else if (say == SAY_DEPTH)
        snprintf(more, sizeof(more), " (more than %d levels)", JSON_PARSER_MAX_DEPTH);
    return reader_fail(r, err, RCM_EFORMAT, line, "not JSON: %s%s (column %ld)", ours, more, column);
}

/*
 * The record at pos of a file of values: jansson stops after it
 * (JSON_DISABLE_EOF_CHECK) and says how many bytes it read (the position of
 * json_error_t, also written on success).
 */
static int next_value(cyj_reader *r, const json_t **out, const char **text, size_t *n, long *line, rcm_error *err)
{
    json_decref(r->doc);
    json_error_t je;
    r->doc = json_loadb(r->buf + r->pos, r->len - r->pos, CYJ_LOAD | JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY,
                        &je);
    if (!r->doc)
        return syntax_fail(r, r->pos, r->line, &je, err);
    size_t used = je.position > 0 ? (size_t)je.position : 0;
    if (used == 0 || used > r->len - r->pos)    /* never seen: never loop on the same bytes */
        used = (size_t)(t_val(r->buf + r->pos, r->buf + r->len) - (r->buf + r->pos));
    r->index++;
    if (!json_is_object(r->doc))
        return reader_fail(r, err, RCM_EFORMAT, r->line, "record %ld: must be a JSON object", r->index);
    *out = r->doc;
    *text = r->buf + r->pos;
    *n = used;
    *line = r->line;
    move_to(r, r->buf + r->pos + used);
    return 1;
}

/* An array file: the whole array, the reader then at its first element. */
static int load_array(cyj_reader *r, rcm_error *err)
{
    json_error_t je;
    r->doc = json_loadb(r->buf + r->pos, r->len - r->pos, CYJ_LOAD, &je);
    if (!r->doc)
        return syntax_fail(r, r->pos, r->line, &je, err);
    r->pos++;           /* past '[' */
    r->state = 2;
    return 0;
}

/* The next element of an array file, pos at it (or before white space). */
static int next_element(cyj_reader *r, const json_t **out, const char **text, size_t *n, long *line,
                        rcm_error *err)
{
    if ((size_t)r->index >= json_array_size(r->doc)) {
        r->state = 3;
        return 0;
    }
    skip_ws(r);
    const char *p = r->buf + r->pos, *e = r->buf + r->len;
    const char *end = t_val(p, e);
    const json_t *v = json_array_get(r->doc, (size_t)r->index);
    r->index++;
    if (!json_is_object(v))
        return reader_fail(r, err, RCM_EFORMAT, r->line, "record %ld: must be a JSON object", r->index);
    *out = v;
    *text = p;
    *n = (size_t)(end - p);
    *line = r->line;
    /* past the element and its ',' (jansson has seen to it that one follows, or the closing ']') */
    const char *q = t_ws(end, e);
    move_to(r, q < e && *q == ',' ? q + 1 : q);
    return 1;
}

int cyj_next(cyj_reader *r, int allow_array, const json_t **out, const char **text, size_t *n, long *line,
             rcm_error *err)
{
    *out = NULL;
    if (r->state == 0) {
        if (r->len >= 3 && memcmp(r->buf, "\xEF\xBB\xBF", 3) == 0)
            r->pos = 3;
        skip_ws(r);
        r->state = 1;
        if (allow_array && r->pos < r->len && r->buf[r->pos] == '[') {
            int rc = load_array(r, err);
            if (rc < 0)
                return rc;
        }
    }
    switch (r->state) {
    case 1:
        skip_ws(r);
        if (r->pos >= r->len) {
            r->state = 3;
            return 0;
        }
        return next_value(r, out, text, n, line, err);
    case 2:
        return next_element(r, out, text, n, line, err);
    default:
        return 0;
    }
}

/* ---- locating a field ---- */

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

int cyj_members(cyj *j, const json_t *o, const char *const *names)
{
    if (!json_is_object(o))
        return cyj_fail(j, RCM_EFORMAT, "must be an object");
    /* in the file's order (jansson keeps it); the iterator wants a non-const object but changes nothing */
    json_t *obj = (json_t *)o;
    for (void *it = json_object_iter(obj); it; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
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
static const json_t *member(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return v && !json_is_null(v) ? v : NULL;
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

int cyj_str(cyj *j, const json_t *o, const char *key, unsigned flags, char *out, size_t size)
{
    out[0] = '\0';
    const json_t *v = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!v) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!json_is_string(v)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
    } else {
        const char *s = json_string_value(v);
        size_t n = json_string_length(v);
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

int cyj_date(cyj *j, const json_t *o, const char *key, unsigned flags, rcm_date *out)
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

int cyj_int(cyj *j, const json_t *o, const char *key, unsigned flags, long min, long max, long def, long *out)
{
    *out = def;
    const json_t *v = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!v) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!json_is_integer(v)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be a whole number");
    } else {
        json_int_t x = json_integer_value(v);
        if (x < min || x > max)
            rc = cyj_fail(j, RCM_EFORMAT, "%lld is out of range (%ld to %ld)", (long long)x, min, max);
        else
            *out = (long)x;
    }
    cyj_pop(j, at);
    return rc;
}

int cyj_cents(cyj *j, const json_t *o, const char *key, unsigned flags, int64_t *out)
{
    char s[32];
    *out = 0;
    const json_t *v = member(o, key);
    if (json_is_number(v)) {
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

int cyj_obj(cyj *j, const json_t *o, const char *key, unsigned flags, const char *const *names,
            const json_t **out, size_t *at)
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

int cyj_arr(cyj *j, const json_t *o, const char *key, unsigned flags, size_t max, const json_t **out)
{
    *out = member(o, key);
    size_t at = cyj_key(j, key);
    int rc = 0;
    if (!*out) {
        if (flags & CYJ_REQ)
            rc = cyj_fail(j, RCM_EFORMAT, "is required");
    } else if (!json_is_array(*out)) {
        rc = cyj_fail(j, RCM_EFORMAT, "must be an array");
    } else if (json_array_size(*out) > max) {
        rc = cyj_fail(j, RCM_EFORMAT, "has %zu elements: at most %zu", json_array_size(*out), max);
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

int cyj_npi(cyj *j, const json_t *o, const char *key, unsigned flags, char out[11])
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

int cyj_address(cyj *j, const json_t *o, const char *key, unsigned flags, int no_line2, cyj_addr *out)
{
    static const char *const names[] = { "line1", "line2", "city", "state", "zip", NULL };
    memset(out, 0, sizeof(*out));
    const json_t *a;
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
