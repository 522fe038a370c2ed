/*
 * The payer rules language (docs/payer-rules.md): reading a rules file into
 * the compiled arrays of payer_internal.h.
 *
 * The file is read line by line: each line is one clause (a test claim's
 * JSON may run over several lines). Values are checked and normalized here,
 * once (dots out of diagnoses, codes upper case, money into cents, dates into
 * day numbers), so evaluation only compares. Any mistake fails the whole file
 * with the file, the line and what is wrong; nothing is read from disk (test
 * claim files are read when the tests run).
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>
#include "payer_internal.h"
#include "rcm/json.h"

#define PR_MAX_TEXT ((size_t)16 << 20)  /* a rules file larger than this is refused */
#define PR_MAX_RULES 10000
#define PR_MAX_CONDS 64                 /* per rule */
#define PR_MAX_VALUES 4096              /* per condition */
#define PR_MAX_PAYERS 256               /* per rule */
#define PR_MAX_TESTS 256                /* per rule */

const pr_field_info pr_fields[PF_COUNT] = {
    [PF_KIND] = { "kind", PT_CODE, 0, 0, "professional or institutional" },
    [PF_FILING] = { "filing", PT_CODE, 0, 0, "a claim filing indicator (SBR09: 1 or 2 letters or digits)" },
    [PF_POS] = { "pos", PT_CODE, 0, 0, "a place of service (2 digits)" },
    [PF_FREQ] = { "freq", PT_CODE, 0, 0, "a claim frequency code (1 digit)" },
    [PF_DX] = { "dx", PT_SET, 0, 0, "an ICD-10-CM code (a letter, then 2 to 6 letters or digits)" },
    [PF_PDX] = { "principal-dx", PT_CODE, 0, 0, "an ICD-10-CM code (a letter, then 2 to 6 letters or digits)" },
    [PF_AGE] = { "age", PT_NUM, 0, 1, "an age in whole years (0 to 200)" },
    [PF_SEX] = { "sex", PT_CODE, 0, 0, "F, M or U" },
    [PF_DOS] = { "dos", PT_NUM, 0, 1, "a date YYYY-MM-DD" },
    [PF_CHARGE] = { "charge", PT_NUM, 0, 0, "an amount in dollars with at most 2 decimals" },
    [PF_ATTACH] = { "attachment", PT_SET, 0, 0, "an attachment report type (PWK01: 2 letters or digits)" },
    [PF_BILL_NPI] = { "billing.npi", PT_CODE, 0, 0, "an NPI (10 digits)" },
    [PF_BILL_TYPE] = { "billing.type", PT_CODE, 0, 0, "person or organization" },
    [PF_BILL_TAXONOMY] = { "billing.taxonomy", PT_CODE, 0, 0, "a taxonomy code (10 letters or digits)" },
    [PF_REND_NPI] = { "rendering.npi", PT_CODE, 0, 0, "an NPI (10 digits)" },
    [PF_REF_NPI] = { "referring.npi", PT_CODE, 0, 0, "an NPI (10 digits)" },
    [PF_L_CODE] = { "line.code", PT_CODE, 1, 0, "a procedure code (CPT or HCPCS: letters and digits)" },
    [PF_L_MOD] = { "line.mod", PT_SET, 1, 0, "a modifier (2 letters or digits)" },
    [PF_L_UNITS] = { "line.units", PT_NUM, 1, 0, "a number of units (at most 3 decimals)" },
    [PF_L_CHARGE] = { "line.charge", PT_NUM, 1, 0, "an amount in dollars with at most 2 decimals" },
    [PF_L_POS] = { "line.pos", PT_CODE, 1, 0, "a place of service (2 digits)" },
    [PF_L_DX] = { "line.dx", PT_SET, 1, 0, "an ICD-10-CM code (a letter, then 2 to 6 letters or digits)" },
    [PF_L_REV] = { "line.rev", PT_CODE, 1, 0, "a revenue code (4 digits)" },
    [PF_L_NDC] = { "line.ndc", PT_CODE, 1, 0, "an NDC (11 digits)" },
    [PF_L_NPI] = { "line.npi", PT_CODE, 1, 0, "an NPI (10 digits)" },
    [PF_L_ATTACH] = { "line.attachment", PT_SET, 1, 0, "an attachment report type (PWK01: 2 letters or digits)" },
};

/* How a code field's values are written: characters, lengths, whether patterns are allowed. */
enum { CS_DIGIT = 1, CS_ALNUM = 2, CS_WORD = 3 };
typedef struct code_shape {
    uint8_t charset;
    uint8_t min, max;           /* of an exact value */
    uint8_t patterns;           /* prefix* and lo..hi allowed */
    uint8_t dx;                 /* dots are dropped; the first character is a letter */
} code_shape;

static code_shape shape_of(int field)
{
    switch (field) {
    case PF_KIND: case PF_SEX: case PF_BILL_TYPE: return (code_shape){ CS_WORD, 1, 15, 0, 0 };
    case PF_FILING: return (code_shape){ CS_ALNUM, 1, 2, 1, 0 };
    case PF_POS: case PF_L_POS: return (code_shape){ CS_DIGIT, 2, 2, 1, 0 };
    case PF_FREQ: return (code_shape){ CS_DIGIT, 1, 1, 1, 0 };
    case PF_DX: case PF_PDX: case PF_L_DX: return (code_shape){ CS_ALNUM, 3, 7, 1, 1 };
    case PF_ATTACH: case PF_L_ATTACH: case PF_L_MOD: return (code_shape){ CS_ALNUM, 2, 2, 0, 0 };
    case PF_BILL_NPI: case PF_REND_NPI: case PF_REF_NPI: case PF_L_NPI: return (code_shape){ CS_DIGIT, 10, 10, 1, 0 };
    case PF_BILL_TAXONOMY: return (code_shape){ CS_ALNUM, 10, 10, 1, 0 };
    case PF_L_CODE: return (code_shape){ CS_ALNUM, 1, PR_CODE_MAX - 1, 1, 0 };
    case PF_L_REV: return (code_shape){ CS_DIGIT, 4, 4, 1, 0 };
    case PF_L_NDC: return (code_shape){ CS_DIGIT, 11, 11, 1, 0 };
    default: return (code_shape){ CS_ALNUM, 1, PR_CODE_MAX - 1, 1, 0 };
    }
}

/* ---- the parser's state ---- */

enum { T_END, T_WORD, T_STR, T_COMMA, T_OP };

typedef struct tok {
    int t;
    rcm_str s;                  /* the text (a string's without its quotes, escapes still in) */
} tok;

typedef struct rule_state {
    long when_line, action_line, payer_line, sev_line, route_line, msg_line, hint_line;
    long line_cond_line;        /* the first condition on a line field */
    const char *line_cond_field;
    int route_set;
} rule_state;

typedef struct parser {
    rcm_payer_rules *r;
    const char *text, *end;     /* the whole input */
    const char *lp, *le;        /* the current line: cursor and end (before \r\n) */
    const char *next;           /* where the next line starts */
    long line;
    const char *clause;         /* the clause being read, for messages */
    rcm_error *err;
    const char *source;
    size_t cap_rules, cap_conds, cap_codes, cap_nums, cap_payers, cap_tests;
    rule_state rs;
    rcm_buf when;               /* the current rule's conditions as text */
    rcm_buf tmp;
} parser;

static int fail(parser *ps, long line, const char *fmt, ...) RCM_PRINTF(3, 4);

static int fail(parser *ps, long line, const char *fmt, ...)
{
    rcm_error *err = ps->err;
    if (!err)
        return RCM_EFORMAT;
    err->code = RCM_EFORMAT;
    err->source = ps->source;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return RCM_EFORMAT;
}

static int nomem(parser *ps)
{
    return rcm_error_set(ps->err, RCM_ENOMEM, "out of memory");
}

/* Makes room for one more element in *v (n used, *cap allocated). */
static int grow(parser *ps, void **v, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return 0;
    size_t nc = *cap ? *cap * 2 : 16;
    void *p = realloc(*v, nc * size);
    if (!p)
        return nomem(ps);
    *v = p;
    *cap = nc;
    return 0;
}

static const char *dup_str(parser *ps, const char *p, size_t n)
{
    return arena_strdup(&ps->r->mem, p, n);
}

/* A view as a C string for messages: at most 40 characters, in a static-free buffer. */
typedef struct shown {
    char s[48];
} shown;

static shown show(rcm_str s)
{
    shown o;
    size_t n = s.n > 40 ? 40 : s.n;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        o.s[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (s.n > 40) {
        memcpy(o.s + 37, "...", 3);
        n = 40;
    }
    o.s[n] = 0;
    return o;
}

#define SHOW(v) (show(v).s)

/* ---- lines and tokens ---- */

/* Moves to the next line; 0 at the end of the input. */
static int next_line(parser *ps)
{
    if (ps->next >= ps->end)
        return 0;
    const char *p = ps->next;
    const char *nl = memchr(p, '\n', (size_t)(ps->end - p));
    const char *e = nl ? nl : ps->end;
    ps->next = nl ? nl + 1 : ps->end;
    if (e > p && e[-1] == '\r')
        e--;
    ps->lp = p;
    ps->le = e;
    ps->line++;
    return 1;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static int is_op_char(char c)
{
    return c == '=' || c == '!' || c == '<' || c == '>';
}

static void skip_space(parser *ps)
{
    while (ps->lp < ps->le && is_space(*ps->lp))
        ps->lp++;
}

/* The next token of the line. A '#' where a token would start begins a comment. */
static int lex(parser *ps, tok *t)
{
    skip_space(ps);
    const char *p = ps->lp, *e = ps->le;
    t->s.p = p;
    t->s.n = 0;
    if (p == e || *p == '#') {
        t->t = T_END;
        return 0;
    }
    if (*p == ',') {
        t->t = T_COMMA;
        t->s.n = 1;
        ps->lp = p + 1;
        return 0;
    }
    if (*p == '"') {
        const char *q = p + 1;
        while (q < e && *q != '"') {
            if (*q == '\\' && q + 1 < e)
                q++;
            q++;
        }
        if (q >= e)
            return fail(ps, ps->line, "'%s': the string has no closing '\"'", ps->clause);
        t->t = T_STR;
        t->s.p = p + 1;
        t->s.n = (size_t)(q - p - 1);
        ps->lp = q + 1;
        return 0;
    }
    if (is_op_char(*p)) {
        const char *q = p + 1;
        if (q < e && *q == '=')
            q++;
        t->t = T_OP;
        t->s.n = (size_t)(q - p);
        ps->lp = q;
        if (t->s.n == 1 && *p == '!')
            return fail(ps, ps->line, "'%s': '!' alone is not an operator (did you mean '!='?)", ps->clause);
        if (t->s.n == 2 && *p == '=')
            return fail(ps, ps->line, "'%s': '==' is not an operator (use '=')", ps->clause);
        return 0;
    }
    const char *q = p;
    while (q < e && !is_space(*q) && *q != ',' && *q != '"' && !is_op_char(*q))
        q++;
    t->t = T_WORD;
    t->s.n = (size_t)(q - p);
    ps->lp = q;
    return 0;
}

static int expect_end(parser *ps)
{
    tok t;
    int rc = lex(ps, &t);
    if (rc < 0)
        return rc;
    if (t.t != T_END)
        return fail(ps, ps->line, "'%s': unexpected '%s' at the end of the line", ps->clause, SHOW(t.s));
    return 0;
}

/* Reads one word; what names what was expected for the message. */
static int expect_word(parser *ps, tok *t, const char *what)
{
    int rc = lex(ps, t);
    if (rc < 0)
        return rc;
    if (t->t == T_END)
        return fail(ps, ps->line, "'%s': expected %s", ps->clause, what);
    if (t->t != T_WORD)
        return fail(ps, ps->line, "'%s': expected %s, not '%s'", ps->clause, what, SHOW(t->s));
    return 0;
}

/* Unescapes a string token (\" and \\) into the arena: *out, *outn. */
static int unquote(parser *ps, rcm_str s, size_t max, const char **out, size_t *outn)
{
    char *o = arena_alloc(&ps->r->mem, s.n + 1);
    if (!o)
        return nomem(ps);
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        char c = s.p[i];
        if (c == '\\') {
            char d = s.p[++i];
            if (d != '"' && d != '\\')
                return fail(ps, ps->line, "'%s': unknown escape '\\%c' (only \\\" and \\\\)", ps->clause, d);
            c = d;
        }
        o[n++] = c;
    }
    o[n] = 0;
    if (n > max)
        return fail(ps, ps->line, "'%s': the text is %zu characters long: at most %zu", ps->clause, n, max);
    *out = o;
    *outn = n;
    return 0;
}

/* ---- values ---- */

static int word_eq(rcm_str s, const char *w)
{
    return rcm_str_eq(s, w);
}

/* Checks and normalizes one code (no pattern characters) into out; 0 or a message in *why. */
static int code_norm(char *out, rcm_str s, const code_shape *sh, int exact, const char **why)
{
    size_t n = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        if (sh->dx && c == '.')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        int ok = c >= '0' && c <= '9';
        if (sh->charset != CS_DIGIT)
            ok = ok || (c >= 'A' && c <= 'Z');
        if (!ok) {
            *why = sh->charset == CS_DIGIT ? "digits only" : "letters and digits only";
            return -1;
        }
        if (n + 1 >= PR_CODE_MAX || n >= sh->max) {
            *why = "too long";
            return -1;
        }
        out[n++] = (char)c;
    }
    out[n] = 0;
    if (n == 0) {
        *why = "empty";
        return -1;
    }
    if (exact && n < sh->min) {
        *why = "too short";
        return -1;
    }
    if (sh->dx && !(out[0] >= 'A' && out[0] <= 'Z')) {
        *why = "a diagnosis starts with a letter";
        return -1;
    }
    return 0;
}

/* The words of kind, sex and billing.type, as their claim values. */
static int word_value(char *out, int field, rcm_str s)
{
    static const struct { int field; const char *word, *value; } words[] = {
        { PF_KIND, "professional", "P" }, { PF_KIND, "institutional", "I" },
        { PF_KIND, "p", "P" }, { PF_KIND, "i", "I" },
        { PF_SEX, "f", "F" }, { PF_SEX, "m", "M" }, { PF_SEX, "u", "U" },
        { PF_SEX, "female", "F" }, { PF_SEX, "male", "M" }, { PF_SEX, "unknown", "U" },
        { PF_BILL_TYPE, "person", "1" }, { PF_BILL_TYPE, "organization", "2" },
        { PF_BILL_TYPE, "1", "1" }, { PF_BILL_TYPE, "2", "2" },
    };
    char low[16];
    if (s.n >= sizeof(low))
        return -1;
    for (size_t i = 0; i < s.n; i++)
        low[i] = (char)(s.p[i] >= 'A' && s.p[i] <= 'Z' ? s.p[i] - 'A' + 'a' : s.p[i]);
    low[s.n] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(words); i++)
        if (words[i].field == field && strcmp(words[i].word, low) == 0) {
            cstr_copy(out, PR_CODE_MAX, words[i].value);
            return 0;
        }
    return -1;
}

static int add_code(parser *ps, const pr_code *c)
{
    rcm_payer_rules *r = ps->r;
    int rc = grow(ps, (void **)&r->codes, r->ncodes, &ps->cap_codes, sizeof(pr_code));
    if (rc < 0)
        return rc;
    r->codes[r->ncodes++] = *c;
    return 0;
}

static int add_num(parser *ps, const pr_num *v)
{
    rcm_payer_rules *r = ps->r;
    int rc = grow(ps, (void **)&r->nums, r->nnums, &ps->cap_nums, sizeof(pr_num));
    if (rc < 0)
        return rc;
    r->nums[r->nnums++] = *v;
    return 0;
}

/* Parses a code value of field: CODE, PREFIX* or LO..HI. */
static int parse_code(parser *ps, int field, rcm_str s, pr_code *out)
{
    const pr_field_info *fi = &pr_fields[field];
    code_shape sh = shape_of(field);
    const char *why = NULL;
    memset(out, 0, sizeof(*out));
    if (sh.charset == CS_WORD) {
        if (word_value(out->lo, field, s) < 0)
            return fail(ps, ps->line, "'%s': '%s' is not a value of '%s' (expected %s)", ps->clause, SHOW(s),
                        fi->name, fi->what);
        out->kind = PV_EXACT;
        out->len = (uint8_t)strlen(out->lo);
        return 0;
    }
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < s.n; i++)
        if (s.p[i] == '.' && s.p[i + 1] == '.') {
            dots = s.p + i;
            break;
        }
    if (s.n && s.p[s.n - 1] == '*') {
        if (!sh.patterns)
            return fail(ps, ps->line, "'%s': '%s': '%s' takes whole values, not patterns (expected %s)", ps->clause,
                        SHOW(s), fi->name, fi->what);
        rcm_str pre = { s.p, s.n - 1 };
        if (pre.n == 0)
            return fail(ps, ps->line, "'%s': '*' needs at least one character before it", ps->clause);
        if (memchr(pre.p, '*', pre.n) || code_norm(out->lo, pre, &sh, 0, &why) < 0)
            return fail(ps, ps->line, "'%s': '%s' is not a pattern of '%s' (%s: expected %s)", ps->clause, SHOW(s),
                        fi->name, why ? why : "'*' only at the end", fi->what);
        out->kind = PV_PREFIX;
        out->len = (uint8_t)strlen(out->lo);
        return 0;
    }
    if (dots) {
        if (!sh.patterns)
            return fail(ps, ps->line, "'%s': '%s': '%s' takes whole values, not ranges (expected %s)", ps->clause,
                        SHOW(s), fi->name, fi->what);
        rcm_str lo = { s.p, (size_t)(dots - s.p) }, hi = { dots + 2, s.n - lo.n - 2 };
        if (code_norm(out->lo, lo, &sh, 0, &why) < 0 || code_norm(out->hi, hi, &sh, 0, &why) < 0)
            return fail(ps, ps->line, "'%s': '%s' is not a range of '%s' (a bound is %s: expected %s)", ps->clause,
                        SHOW(s), fi->name, why, fi->what);
        size_t n = strlen(out->lo);
        if (strlen(out->hi) != n)
            return fail(ps, ps->line, "'%s': range '%s': both ends need the same number of characters", ps->clause,
                        SHOW(s));
        if (strcmp(out->lo, out->hi) > 0)
            return fail(ps, ps->line, "'%s': range '%s' ends before it starts", ps->clause, SHOW(s));
        out->kind = PV_RANGE;
        out->len = (uint8_t)n;
        return 0;
    }
    if (code_norm(out->lo, s, &sh, 1, &why) < 0)
        return fail(ps, ps->line, "'%s': '%s' is not %s (%s)", ps->clause, SHOW(s), fi->what, why);
    out->kind = PV_EXACT;
    out->len = (uint8_t)strlen(out->lo);
    return 0;
}

/* One number of a field: money (optional $), units, age or a date. */
static int parse_number(parser *ps, int field, rcm_str s, int64_t *out)
{
    const pr_field_info *fi = &pr_fields[field];
    const char *why = "is not a number";
    int rc = 0;
    switch (field) {
    case PF_CHARGE:
    case PF_L_CHARGE:
        if (s.n && s.p[0] == '$') {
            s.p++;
            s.n--;
        }
        rc = rcm_cents_parse(out, s, &why);
        break;
    case PF_L_UNITS:
        rc = rcm_milli_parse(out, s, &why);
        break;
    case PF_AGE: {
        uint64_t v;
        rc = rcm_uint_parse(&v, s);
        if (rc == 0 && v > 200) {
            rc = RCM_EFORMAT;
            why = "is past 200";
        }
        *out = (int64_t)v;
        break;
    }
    case PF_DOS: {
        rcm_date d = RCM_DATE_NONE;
        rc = s.n == 10 ? rcm_date_parse_iso(&d, s) : RCM_EFORMAT;
        why = "is not a date YYYY-MM-DD";
        *out = d;
        break;
    }
    default:
        rc = RCM_EFORMAT;
    }
    if (rc < 0)
        return fail(ps, ps->line, "'%s': '%s' %s (expected %s)", ps->clause, SHOW(s), why, fi->what);
    return 0;
}

static int parse_num_value(parser *ps, int field, rcm_str s, int allow_range, pr_num *out)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < s.n; i++)
        if (s.p[i] == '.' && s.p[i + 1] == '.') {
            dots = s.p + i;
            break;
        }
    if (!dots) {
        int rc = parse_number(ps, field, s, &out->lo);
        out->hi = out->lo;
        return rc;
    }
    if (!allow_range)
        return fail(ps, ps->line, "'%s': '%s': this operator takes one value, not a range", ps->clause, SHOW(s));
    rcm_str lo = { s.p, (size_t)(dots - s.p) }, hi = { dots + 2, s.n - lo.n - 2 };
    if (!lo.n || !hi.n || hi.p[0] == '.')
        return fail(ps, ps->line, "'%s': '%s' is not a range LOW..HIGH", ps->clause, SHOW(s));
    int rc = parse_number(ps, field, lo, &out->lo);
    if (rc == 0)
        rc = parse_number(ps, field, hi, &out->hi);
    if (rc == 0 && out->lo > out->hi)
        return fail(ps, ps->line, "'%s': range '%s' ends before it starts", ps->clause, SHOW(s));
    return rc;
}

/* ---- fields ---- */

static size_t edit_distance(const char *a, rcm_str b)
{
    size_t na = strlen(a);
    if (na > 31 || b.n > 31)
        return 99;
    size_t d[32][32];
    for (size_t i = 0; i <= na; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= b.n; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= na; i++)
        for (size_t j = 1; j <= b.n; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b.p[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[na][b.n];
}

static int find_field(parser *ps, rcm_str s, int *out)
{
    rcm_str name = s;
    if (name.n > 6 && memcmp(name.p, "claim.", 6) == 0) {
        name.p += 6;
        name.n -= 6;
    }
    for (int f = 0; f < PF_COUNT; f++)
        if (rcm_str_eq(name, pr_fields[f].name)) {
            if (name.p != s.p && pr_fields[f].line)
                break;
            *out = f;
            return 0;
        }
    int line = s.n >= 5 && memcmp(s.p, "line.", 5) == 0;
    /* a suggestion: close to a field's name, or to a line field's name without "line." */
    int best = -1;
    size_t bd = s.n >= 6 ? 3 : 2;
    for (int f = 0; f < PF_COUNT; f++) {
        size_t d = edit_distance(pr_fields[f].name, s);
        if (pr_fields[f].line && !line) {
            size_t d2 = edit_distance(pr_fields[f].name + 5, s);
            d = d2 < d ? d2 : d;
        }
        if (d < bd) {
            bd = d;
            best = f;
        }
    }
    rcm_buf *b = &ps->tmp;
    rcm_buf_reset(b);
    for (int f = 0; f < PF_COUNT; f++)
        if (pr_fields[f].line == line)
            rcm_buf_addf(b, "%s%s", b->len ? ", " : "", pr_fields[f].name);
    if (best >= 0)
        return fail(ps, ps->line, "'%s': unknown field '%s': did you mean '%s'? (%s fields: %s)", ps->clause,
                    SHOW(s), pr_fields[best].name, line ? "line" : "claim", b->ptr);
    return fail(ps, ps->line, "'%s': unknown field '%s' (%s fields: %s)", ps->clause, SHOW(s),
                line ? "line" : "claim", b->ptr);
}

/* ---- clauses ---- */

static pr_rule *cur_rule(parser *ps)
{
    return ps->r->nrules ? &ps->r->rules[ps->r->nrules - 1] : NULL;
}

static int need_rule(parser *ps)
{
    if (!cur_rule(ps))
        return fail(ps, ps->line, "'%s' outside a rule: start one with 'rule PAYER-...'", ps->clause);
    return 0;
}

static const char *const op_names[] = {
    [PO_IN] = "in", [PO_NOT_IN] = "not in", [PO_LT] = "<", [PO_LE] = "<=", [PO_GT] = ">", [PO_GE] = ">=",
    [PO_HAS] = "has", [PO_LACKS] = "lacks", [PO_MISSING] = "is missing", [PO_PRESENT] = "is present",
};

/* Reads the operator; *single is set for '=' and '!=' (one value). */
static int parse_op(parser *ps, int field, int *op, int *single)
{
    const pr_field_info *fi = &pr_fields[field];
    tok t;
    int rc = lex(ps, &t);
    if (rc < 0)
        return rc;
    *single = 0;
    if (t.t == T_OP) {
        if (word_eq(t.s, "=")) {
            *op = PO_IN;
            *single = 1;
        } else if (word_eq(t.s, "!=")) {
            *op = PO_NOT_IN;
            *single = 1;
        } else if (word_eq(t.s, "<"))
            *op = PO_LT;
        else if (word_eq(t.s, "<="))
            *op = PO_LE;
        else if (word_eq(t.s, ">"))
            *op = PO_GT;
        else if (word_eq(t.s, ">="))
            *op = PO_GE;
        else
            return fail(ps, ps->line, "'%s': '%s' is not an operator", ps->clause, SHOW(t.s));
    } else if (t.t == T_WORD && word_eq(t.s, "in")) {
        *op = PO_IN;
    } else if (t.t == T_WORD && word_eq(t.s, "not")) {
        if ((rc = lex(ps, &t)) < 0)
            return rc;
        if (t.t != T_WORD || !word_eq(t.s, "in"))
            return fail(ps, ps->line, "'%s': expected 'in' after 'not'", ps->clause);
        *op = PO_NOT_IN;
    } else if (t.t == T_WORD && word_eq(t.s, "has")) {
        *op = PO_HAS;
    } else if (t.t == T_WORD && word_eq(t.s, "lacks")) {
        *op = PO_LACKS;
    } else if (t.t == T_WORD && word_eq(t.s, "is")) {
        if ((rc = lex(ps, &t)) < 0)
            return rc;
        if (t.t == T_WORD && word_eq(t.s, "missing"))
            *op = PO_MISSING;
        else if (t.t == T_WORD && word_eq(t.s, "present"))
            *op = PO_PRESENT;
        else
            return fail(ps, ps->line, "'%s': expected 'missing' or 'present' after 'is'", ps->clause);
    } else if (t.t == T_END) {
        return fail(ps, ps->line, "'%s': '%s' needs an operator (=, !=, <, <=, >, >=, in, not in, has, lacks, "
                    "is missing, is present)", ps->clause, fi->name);
    } else {
        return fail(ps, ps->line, "'%s': '%s' is not an operator (expected =, !=, <, <=, >, >=, in, not in, has, "
                    "lacks, is missing, is present)", ps->clause, SHOW(t.s));
    }
    /* what the field's type allows */
    if (*op == PO_MISSING || *op == PO_PRESENT)
        return 0;
    if (fi->type == PT_SET && (*op != PO_HAS && *op != PO_LACKS))
        return fail(ps, ps->line, "'%s': '%s' holds several values: use 'has' or 'lacks' (not '%s')", ps->clause,
                    fi->name, *single ? (*op == PO_IN ? "=" : "!=") : op_names[*op]);
    if (fi->type != PT_SET && (*op == PO_HAS || *op == PO_LACKS))
        return fail(ps, ps->line, "'%s': '%s' holds one value: use 'in' or 'not in' (not '%s')", ps->clause, fi->name,
                    op_names[*op]);
    if (fi->type == PT_CODE && *op >= PO_LT && *op <= PO_GE)
        return fail(ps, ps->line, "'%s': '%s' compares numbers and dates: '%s' is a code (use 'in' with a range "
                    "LOW..HIGH)", ps->clause, op_names[*op], fi->name);
    return 0;
}

static int add_cond(parser *ps, const pr_cond *c)
{
    rcm_payer_rules *r = ps->r;
    int rc = grow(ps, (void **)&r->conds, r->nconds, &ps->cap_conds, sizeof(pr_cond));
    if (rc < 0)
        return rc;
    r->conds[r->nconds++] = *c;
    return 0;
}

/* when FIELD OP VALUES / and FIELD OP VALUES */
static int clause_cond(parser *ps, int is_when)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    if (is_when && ps->rs.when_line)
        return fail(ps, ps->line, "a rule has one 'when' (line %ld): use 'and' for more conditions",
                    ps->rs.when_line);
    if (!is_when && !ps->rs.when_line)
        return fail(ps, ps->line, "'and' before 'when': the first condition is written 'when ...'");
    if (is_when)
        ps->rs.when_line = ps->line;
    if (ru->nclaim >= PR_MAX_CONDS)
        return fail(ps, ps->line, "'%s': more than %d conditions in one rule", ps->clause, PR_MAX_CONDS);
    tok t;
    if ((rc = expect_word(ps, &t, "a field (line.code, pos, dx, age...)")) < 0)
        return rc;
    int field = 0;
    if ((rc = find_field(ps, t.s, &field)) < 0)
        return rc;
    const pr_field_info *fi = &pr_fields[field];
    int op = PO_IN, single = 0;
    if ((rc = parse_op(ps, field, &op, &single)) < 0)
        return rc;
    pr_cond c = { (uint8_t)field, (uint8_t)op, 0, 0 };
    rcm_buf *w = &ps->when;
    rcm_buf_addf(w, "%s%s %s", w->len ? " and " : "", fi->name,
                 single ? (op == PO_IN ? "=" : "!=") : op_names[op]);
    if (op != PO_MISSING && op != PO_PRESENT) {
        c.first = (uint32_t)(fi->type == PT_NUM ? ps->r->nnums : ps->r->ncodes);
        int want_comma = 0;
        for (;;) {
            if ((rc = lex(ps, &t)) < 0)
                return rc;
            if (t.t == T_END)
                break;
            if (t.t == T_COMMA) {
                if (!want_comma)
                    return fail(ps, ps->line, "'%s': a value is missing before ','", ps->clause);
                want_comma = 0;
                continue;
            }
            if (t.t != T_WORD)
                return fail(ps, ps->line, "'%s': '%s' is not a value of '%s' (expected %s)", ps->clause, SHOW(t.s),
                            fi->name, fi->what);
            if (word_eq(t.s, "and") || word_eq(t.s, "or"))
                return fail(ps, ps->line, "'%s': one condition per line: write 'and ...' on a line of its own%s",
                            ps->clause, word_eq(t.s, "or") ? " (for 'or', list the values: pos in 02, 10; or write "
                            "two rules)" : "");
            if (c.n >= PR_MAX_VALUES)
                return fail(ps, ps->line, "'%s': more than %d values", ps->clause, PR_MAX_VALUES);
            if (fi->type == PT_NUM) {
                pr_num v;
                if ((rc = parse_num_value(ps, field, t.s, op == PO_IN || op == PO_NOT_IN, &v)) < 0 ||
                    (rc = add_num(ps, &v)) < 0)
                    return rc;
            } else {
                pr_code v;
                if ((rc = parse_code(ps, field, t.s, &v)) < 0 || (rc = add_code(ps, &v)) < 0)
                    return rc;
            }
            rcm_buf_addf(w, "%s %.*s", c.n ? "," : "", (int)t.s.n, t.s.p);
            c.n++;
            want_comma = 1;
        }
        if (c.n == 0)
            return fail(ps, ps->line, "'%s': '%s %s' needs a value (%s)", ps->clause, fi->name,
                        single ? (op == PO_IN ? "=" : "!=") : op_names[op], fi->what);
        if (!want_comma)
            return fail(ps, ps->line, "'%s': a value is missing after the last ','", ps->clause);
        if ((single || (op >= PO_LT && op <= PO_GE)) && c.n > 1)
            return fail(ps, ps->line, "'%s': '%s' takes one value (use 'in' for a list)", ps->clause,
                        single ? (op == PO_IN ? "=" : "!=") : op_names[op]);
    } else if ((rc = expect_end(ps)) < 0) {
        return rc;
    }
    if (fi->line && !ps->rs.line_cond_line) {
        ps->rs.line_cond_line = ps->line;
        ps->rs.line_cond_field = fi->name;
    }
    ru->nclaim++; /* all counted here; split into claim and line conditions when the rule ends */
    return add_cond(ps, &c);
}

/* A list of 2-character codes (modifiers, attachment report types) for an action. */
static int req_list(parser *ps, pr_rule *ru, int field, int need_one)
{
    tok t;
    int rc, want_comma = 0;
    ru->req_first = (uint32_t)ps->r->ncodes;
    for (;;) {
        if ((rc = lex(ps, &t)) < 0)
            return rc;
        if (t.t == T_END)
            break;
        if (t.t == T_COMMA) {
            if (!want_comma)
                return fail(ps, ps->line, "'%s': a value is missing before ','", ps->clause);
            want_comma = 0;
            continue;
        }
        if (t.t != T_WORD)
            return fail(ps, ps->line, "'%s': '%s' is not %s", ps->clause, SHOW(t.s), pr_fields[field].what);
        if (ru->nreq >= 16)
            return fail(ps, ps->line, "'%s': more than 16 values", ps->clause);
        pr_code v;
        if ((rc = parse_code(ps, field, t.s, &v)) < 0 || (rc = add_code(ps, &v)) < 0)
            return rc;
        ru->nreq++;
        want_comma = 1;
    }
    if (need_one && !ru->nreq)
        return fail(ps, ps->line, "'%s': which modifiers? ('require modifier 95, GT')", ps->clause);
    if (ru->nreq && !want_comma)
        return fail(ps, ps->line, "'%s': a value is missing after the last ','", ps->clause);
    return 0;
}

static int set_action(parser *ps, pr_rule *ru, int action)
{
    if (ru->action)
        return fail(ps, ps->line, "rule '%s' already has an action (line %ld): one action per rule", ru->id,
                    ps->rs.action_line);
    ru->action = action;
    ps->rs.action_line = ps->line;
    return 0;
}

static int action_text(parser *ps, pr_rule *ru, const char *head)
{
    rcm_buf *b = &ps->tmp;
    rcm_buf_reset(b);
    rcm_buf_adds(b, head);
    for (uint32_t i = 0; i < ru->nreq; i++)
        rcm_buf_addf(b, "%s%s", i ? ", " : " ", ps->r->codes[ru->req_first + i].lo);
    if (rcm_buf_failed(b) || !(ru->action_text = dup_str(ps, b->ptr, b->len)))
        return nomem(ps);
    return 0;
}

/* flag */
static int clause_flag(parser *ps)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    if ((rc = set_action(ps, ru, PA_FLAG)) < 0 || (rc = expect_end(ps)) < 0)
        return rc;
    return action_text(ps, ru, "flag");
}

/* require modifier LIST | prior-auth | referral | attachment [LIST] */
static int clause_require(parser *ps)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    tok t;
    if ((rc = expect_word(ps, &t, "what is required: modifier, prior-auth, referral or attachment")) < 0)
        return rc;
    if (word_eq(t.s, "modifier") || word_eq(t.s, "modifiers")) {
        if ((rc = set_action(ps, ru, PA_REQ_MOD)) < 0 || (rc = req_list(ps, ru, PF_L_MOD, 1)) < 0)
            return rc;
        return action_text(ps, ru, "require modifier");
    }
    if (word_eq(t.s, "prior-auth") || word_eq(t.s, "referral")) {
        int a = word_eq(t.s, "referral") ? PA_REQ_REFERRAL : PA_REQ_AUTH;
        if ((rc = set_action(ps, ru, a)) < 0 || (rc = expect_end(ps)) < 0)
            return rc;
        return action_text(ps, ru, a == PA_REQ_AUTH ? "require prior-auth" : "require referral");
    }
    if (word_eq(t.s, "attachment") || word_eq(t.s, "attachments")) {
        if ((rc = set_action(ps, ru, PA_REQ_ATTACH)) < 0 || (rc = req_list(ps, ru, PF_ATTACH, 0)) < 0)
            return rc;
        return action_text(ps, ru, "require attachment");
    }
    return fail(ps, ps->line, "'require': unknown requirement '%s' (expected modifier, prior-auth, referral or "
                "attachment)", SHOW(t.s));
}

/* timely-filing N days */
static int clause_tf(parser *ps)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    if ((rc = set_action(ps, ru, PA_TF)) < 0)
        return rc;
    tok t, u;
    if ((rc = expect_word(ps, &t, "a number of days ('timely-filing 90 days')")) < 0)
        return rc;
    uint64_t days;
    if (rcm_uint_parse(&days, t.s) < 0 || days < 1 || days > 3650)
        return fail(ps, ps->line, "'timely-filing': '%s' is not a number of days from 1 to 3650", SHOW(t.s));
    if ((rc = expect_word(ps, &u, "'days' after the number")) < 0)
        return rc;
    if (!word_eq(u.s, "days") && !word_eq(u.s, "day"))
        return fail(ps, ps->line, "'timely-filing': expected 'days' after the number, not '%s' (write months and "
                    "years as days: 365 days)", SHOW(u.s));
    if ((rc = expect_end(ps)) < 0)
        return rc;
    ru->tf_days = (int)days;
    char text[48];
    snprintf(text, sizeof(text), "timely-filing %d days", ru->tf_days);
    return action_text(ps, ru, text);
}

/* severity error|warning|info, route coder|biller */
static int clause_enum(parser *ps, int is_route)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    long *seen = is_route ? &ps->rs.route_line : &ps->rs.sev_line;
    if (*seen)
        return fail(ps, ps->line, "'%s' is already given (line %ld)", ps->clause, *seen);
    *seen = ps->line;
    tok t;
    if ((rc = expect_word(ps, &t, is_route ? "coder or biller" : "error, warning or info")) < 0)
        return rc;
    if (is_route) {
        if (word_eq(t.s, "coder"))
            ru->route = RCM_ROUTE_CODER;
        else if (word_eq(t.s, "biller"))
            ru->route = RCM_ROUTE_BILLER;
        else
            return fail(ps, ps->line, "'route': '%s' is not a route (expected coder or biller)", SHOW(t.s));
        ps->rs.route_set = 1;
    } else {
        if (word_eq(t.s, "error"))
            ru->severity = RCM_SEV_ERROR;
        else if (word_eq(t.s, "warning"))
            ru->severity = RCM_SEV_WARNING;
        else if (word_eq(t.s, "info"))
            ru->severity = RCM_SEV_INFO;
        else
            return fail(ps, ps->line, "'severity': '%s' is not a severity (expected error, warning or info)",
                        SHOW(t.s));
    }
    return expect_end(ps);
}

static const char *const placeholders[] = { "code", "line", "mods", "pos", "payer", "age", "charge", "units", "dos",
                                            "claim" };

/* Checks the {placeholders} of a message; returns 1 when it has some, 0 none, <0 an error. */
static int check_placeholders(parser *ps, const char *s)
{
    int any = 0;
    for (const char *p = s; (p = strchr(p, '{')); p++) {
        const char *q = strchr(p, '}');
        size_t n = q ? (size_t)(q - p - 1) : 0;
        int known = 0;
        for (size_t i = 0; q && i < ARRAY_SIZE(placeholders); i++)
            if (strlen(placeholders[i]) == n && memcmp(placeholders[i], p + 1, n) == 0)
                known = 1;
        if (!known)
            return fail(ps, ps->line, "'%s': unknown placeholder '%s' (known: {code} {line} {mods} {pos} {payer} "
                        "{age} {charge} {units} {dos} {claim})", ps->clause,
                        SHOW(((rcm_str){ p, q ? (size_t)(q - p + 1) : strlen(p) })));
        any = 1;
    }
    return any;
}

/* message "TEXT", hint "TEXT" */
static int clause_text(parser *ps, int is_hint)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    long *seen = is_hint ? &ps->rs.hint_line : &ps->rs.msg_line;
    if (*seen)
        return fail(ps, ps->line, "'%s' is already given (line %ld)", ps->clause, *seen);
    *seen = ps->line;
    tok t;
    if ((rc = lex(ps, &t)) < 0)
        return rc;
    if (t.t != T_STR)
        return fail(ps, ps->line, "'%s': expected text in double quotes: %s \"...\"", ps->clause, ps->clause);
    size_t n;
    const char *s;
    if ((rc = unquote(ps, t.s, is_hint ? RCM_FINDING_HINT_MAX - 1 : RCM_FINDING_MSG_MAX - 1, &s, &n)) < 0)
        return rc;
    if (n == 0)
        return fail(ps, ps->line, "'%s': the text is empty", ps->clause);
    if ((rc = check_placeholders(ps, s)) < 0)
        return rc;
    if (is_hint) {
        ru->hint = s;
        ru->hint_fields = rc;
    } else {
        ru->message = s;
        ru->msg_fields = rc;
    }
    return expect_end(ps);
}

/* payer * | payer ID ID... */
static int clause_payer(parser *ps)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    if (ps->rs.payer_line)
        return fail(ps, ps->line, "'payer' is already given (line %ld): list every payer on one line",
                    ps->rs.payer_line);
    ps->rs.payer_line = ps->line;
    rcm_payer_rules *r = ps->r;
    ru->payer_first = (uint32_t)r->npayers;
    rcm_buf *b = &ps->tmp;
    rcm_buf_reset(b);
    tok t;
    int star = 0, want_comma = 0;
    for (;;) {
        if ((rc = lex(ps, &t)) < 0)
            return rc;
        if (t.t == T_END)
            break;
        if (t.t == T_COMMA) {
            if (!want_comma)
                return fail(ps, ps->line, "'payer': a payer id is missing before ','");
            want_comma = 0;
            continue;
        }
        if (t.t != T_WORD)
            return fail(ps, ps->line, "'payer': '%s' is not a payer id", SHOW(t.s));
        want_comma = 1;
        if (word_eq(t.s, "*")) {
            star = 1;
            continue;
        }
        if (t.s.n > 80)
            return fail(ps, ps->line, "'payer': '%s' is longer than a payer id (80 characters)", SHOW(t.s));
        for (size_t i = 0; i < t.s.n; i++)
            if ((unsigned char)t.s.p[i] < 0x21 || (unsigned char)t.s.p[i] > 0x7e || t.s.p[i] == '*')
                return fail(ps, ps->line, "'payer': '%s' is not a payer id", SHOW(t.s));
        if (ru->npayers >= PR_MAX_PAYERS)
            return fail(ps, ps->line, "'payer': more than %d payers", PR_MAX_PAYERS);
        if ((rc = grow(ps, (void **)&r->payers, r->npayers, &ps->cap_payers, sizeof(pr_payer))) < 0)
            return rc;
        str_copy(r->payers[r->npayers++].id, sizeof(r->payers[0].id), t.s);
        ru->npayers++;
        rcm_buf_addf(b, "%s%.*s", b->len ? " " : "", (int)t.s.n, t.s.p);
    }
    if (!star && !ru->npayers)
        return fail(ps, ps->line, "'payer': which payers? (payer ids as in 2010BB NM109, or * for every payer)");
    if (star && ru->npayers)
        return fail(ps, ps->line, "'payer': '*' means every payer: list ids or '*', not both");
    if (!want_comma)
        return fail(ps, ps->line, "'payer': a payer id is missing after the last ','");
    if (star)
        rcm_buf_adds(b, "*");
    if (rcm_buf_failed(b) || !(ru->payer_text = dup_str(ps, b->ptr, b->len)))
        return nomem(ps);
    return 0;
}

/* test fire|pass [as-of DATE] {CLAIM JSON} | FILE */
static int clause_test(parser *ps)
{
    int rc = need_rule(ps);
    if (rc < 0)
        return rc;
    pr_rule *ru = cur_rule(ps);
    rcm_payer_rules *r = ps->r;
    if (ru->ntests >= PR_MAX_TESTS)
        return fail(ps, ps->line, "'test': more than %d tests in one rule", PR_MAX_TESTS);
    tok t;
    if ((rc = expect_word(ps, &t, "fire or pass")) < 0)
        return rc;
    pr_test te;
    memset(&te, 0, sizeof(te));
    te.line = ps->line;
    te.as_of = RCM_DATE_NONE;
    if (word_eq(t.s, "fire"))
        te.expect_fire = 1;
    else if (!word_eq(t.s, "pass"))
        return fail(ps, ps->line, "'test': expected fire or pass, not '%s'", SHOW(t.s));
    skip_space(ps);
    if (ps->lp + 5 <= ps->le && memcmp(ps->lp, "as-of", 5) == 0 && (ps->lp + 5 == ps->le || is_space(ps->lp[5]))) {
        ps->lp += 5;
        if ((rc = expect_word(ps, &t, "a date YYYY-MM-DD after 'as-of'")) < 0)
            return rc;
        if (t.s.n != 10 || rcm_date_parse_iso(&te.as_of, t.s) < 0)
            return fail(ps, ps->line, "'test': as-of '%s' is not a date YYYY-MM-DD", SHOW(t.s));
        skip_space(ps);
    }
    if (ps->lp < ps->le && *ps->lp == '{') {
        /* an inline claim: JSON from here, perhaps over several lines */
        json_error_t jerr;
        const char *start = ps->lp;
        json_t *j = json_loadb(start, (size_t)(ps->end - start), JSON_DISABLE_EOF_CHECK, &jerr);
        if (!j)
            return fail(ps, ps->line + (jerr.line > 0 ? jerr.line - 1 : 0), "'test': the claim is not JSON: %s",
                        jerr.text);
        const char *stop = start + jerr.position;
        rcm_error cerr;
        memset(&cerr, 0, sizeof(cerr));
        rc = rcm_claim_from_json(&te.claim, j, &cerr);
        json_decref(j);
        if (rc < 0)
            return rc == RCM_ENOMEM ? nomem(ps) : fail(ps, ps->line, "'test': claim: %s", cerr.msg);
        /* continue after the JSON, on the line where it ended */
        for (const char *p = start; p < stop; p++)
            if (*p == '\n') {
                next_line(ps);
            }
        ps->lp = stop;
        if ((rc = grow(ps, (void **)&r->tests, r->ntests, &ps->cap_tests, sizeof(pr_test))) < 0) {
            rcm_claim_free(te.claim);
            return rc;
        }
        r->tests[r->ntests++] = te;
        ru->ntests++;
        return expect_end(ps);
    }
    if ((rc = lex(ps, &t)) < 0)
        return rc;
    if (t.t == T_END)
        return fail(ps, ps->line, "'test': expected a claim: JSON {...} or a file name");
    if (t.t != T_WORD && t.t != T_STR)
        return fail(ps, ps->line, "'test': expected a claim: JSON {...} or a file name, not '%s'", SHOW(t.s));
    size_t n;
    if (t.t == T_STR) {
        if ((rc = unquote(ps, t.s, 4000, &te.path, &n)) < 0)
            return rc;
    } else if (!(te.path = dup_str(ps, t.s.p, t.s.n))) {
        return nomem(ps);
    }
    if (!te.path[0])
        return fail(ps, ps->line, "'test': the file name is empty");
    if ((rc = expect_end(ps)) < 0)
        return rc;
    if ((rc = grow(ps, (void **)&r->tests, r->ntests, &ps->cap_tests, sizeof(pr_test))) < 0)
        return rc;
    r->tests[r->ntests++] = te;
    ru->ntests++;
    return 0;
}

/* Checks the rule that just ended and puts its claim conditions before its line conditions. */
static int finish_rule(parser *ps)
{
    pr_rule *ru = cur_rule(ps);
    if (!ru)
        return 0;
    rule_state *st = &ps->rs;
    if (!ru->action)
        return fail(ps, ru->line, "rule '%s' has no action (flag, require ..., or timely-filing N days)", ru->id);
    if (ru->action == PA_FLAG && !ru->message[0])
        return fail(ps, ru->line, "rule '%s': 'flag' needs a 'message' saying what is wrong", ru->id);
    if (ru->action == PA_TF) {
        if (st->line_cond_line)
            return fail(ps, st->line_cond_line, "timely filing applies to whole claims: '%s' is a line field",
                        st->line_cond_field);
        long at = st->sev_line ? st->sev_line : st->route_line ? st->route_line : st->msg_line ? st->msg_line
                                                                               : st->hint_line;
        if (at)
            return fail(ps, at, "a timely-filing rule reports nothing itself (the TF rules report late claims): "
                        "leave out severity, route, message and hint");
    }
    ru->per_line = st->line_cond_line != 0 || ru->action == PA_REQ_MOD;
    if (!st->route_set && ru->action == PA_REQ_MOD)
        ru->route = RCM_ROUTE_CODER;
    if (!ru->payer_text)
        ru->payer_text = "*";
    /* stable partition: claim conditions first */
    uint32_t n = ru->nclaim, k = 0;
    pr_cond *c = n ? ps->r->conds + ru->cond_first : NULL, tmp[PR_MAX_CONDS];
    for (uint32_t i = 0; i < n; i++) {
        const pr_field_info *fi = &pr_fields[c[i].field];
        if (!(fi->line || (fi->dated && ru->per_line)))
            tmp[k++] = c[i];
    }
    ru->nclaim = k;
    for (uint32_t i = 0; i < n; i++) {
        const pr_field_info *fi = &pr_fields[c[i].field];
        if (fi->line || (fi->dated && ru->per_line))
            tmp[k++] = c[i];
    }
    if (n)
        memcpy(c, tmp, n * sizeof(*c));
    ru->nline = n - ru->nclaim;
    if (rcm_buf_failed(&ps->when) || !(ru->when_text = dup_str(ps, ps->when.ptr, ps->when.len)))
        return nomem(ps);
    return 0;
}

/* rule PAYER-ID */
static int clause_rule(parser *ps)
{
    int rc = finish_rule(ps);
    if (rc < 0)
        return rc;
    rcm_payer_rules *r = ps->r;
    tok t;
    if ((rc = expect_word(ps, &t, "a rule id: PAYER-...")) < 0)
        return rc;
    if (t.s.n <= 6 || memcmp(t.s.p, "PAYER-", 6) != 0)
        return fail(ps, ps->line, "'rule': the id '%s' must start with 'PAYER-' and name the rule (PAYER-AETNA-MRI-AUTH)",
                    SHOW(t.s));
    if (t.s.n >= RCM_FINDING_RULE_MAX)
        return fail(ps, ps->line, "'rule': the id '%s' is longer than %d characters", SHOW(t.s),
                    RCM_FINDING_RULE_MAX - 1);
    for (size_t i = 6; i < t.s.n; i++) {
        char c = t.s.p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return fail(ps, ps->line, "'rule': the id '%s' may hold only capital letters, digits, '-', '_' and '.'",
                        SHOW(t.s));
    }
    for (size_t i = 0; i < r->nrules; i++)
        if (rcm_str_eq(t.s, r->rules[i].id))
            return fail(ps, ps->line, "'rule': '%s' is already defined on line %ld", SHOW(t.s), r->rules[i].line);
    if ((rc = expect_end(ps)) < 0)
        return rc;
    if (r->nrules >= PR_MAX_RULES)
        return fail(ps, ps->line, "more than %d rules in one file", PR_MAX_RULES);
    if ((rc = grow(ps, (void **)&r->rules, r->nrules, &ps->cap_rules, sizeof(pr_rule))) < 0)
        return rc;
    pr_rule *ru = &r->rules[r->nrules++];
    memset(ru, 0, sizeof(*ru));
    str_copy(ru->id, sizeof(ru->id), t.s);
    ru->line = ps->line;
    ru->severity = RCM_SEV_ERROR;
    ru->route = RCM_ROUTE_BILLER;
    ru->cond_first = (uint32_t)r->nconds;
    ru->test_first = (uint32_t)r->ntests;
    ru->message = ru->hint = ru->when_text = "";
    memset(&ps->rs, 0, sizeof(ps->rs));
    rcm_buf_reset(&ps->when);
    return 0;
}

/* version TEXT */
static int clause_version(parser *ps)
{
    if (cur_rule(ps))
        return fail(ps, ps->line, "'version' comes before the first rule");
    if (ps->r->version[0])
        return fail(ps, ps->line, "'version' is already given");
    tok t;
    int rc = expect_word(ps, &t, "the file's version (version 2026-11)");
    if (rc < 0)
        return rc;
    if (t.s.n >= sizeof(ps->r->version))
        return fail(ps, ps->line, "'version': '%s' is longer than %zu characters", SHOW(t.s),
                    sizeof(ps->r->version) - 1);
    str_copy(ps->r->version, sizeof(ps->r->version), t.s);
    return expect_end(ps);
}

static int c_when(parser *ps) { return clause_cond(ps, 1); }
static int c_and(parser *ps) { return clause_cond(ps, 0); }
static int c_severity(parser *ps) { return clause_enum(ps, 0); }
static int c_route(parser *ps) { return clause_enum(ps, 1); }
static int c_message(parser *ps) { return clause_text(ps, 0); }
static int c_hint(parser *ps) { return clause_text(ps, 1); }

static const struct {
    const char *name;
    int (*fn)(parser *ps);
} clauses[] = {
    { "version", clause_version }, { "rule", clause_rule },       { "payer", clause_payer },
    { "when", c_when },            { "and", c_and },              { "flag", clause_flag },
    { "require", clause_require }, { "timely-filing", clause_tf }, { "severity", c_severity },
    { "route", c_route },          { "message", c_message },      { "hint", c_hint },
    { "test", clause_test },
};

static int parse_line(parser *ps)
{
    if (memchr(ps->lp, '\0', (size_t)(ps->le - ps->lp)))
        return fail(ps, ps->line, "the line holds a NUL byte");
    ps->clause = "line";
    tok t;
    int rc = lex(ps, &t);
    if (rc < 0 || t.t == T_END)
        return rc;
    if (t.t != T_WORD)
        return fail(ps, ps->line, "a line starts with a clause (rule, payer, when, and, flag, require, "
                    "timely-filing, severity, route, message, hint, test), not '%s'", SHOW(t.s));
    for (size_t i = 0; i < ARRAY_SIZE(clauses); i++)
        if (rcm_str_eq(t.s, clauses[i].name)) {
            ps->clause = clauses[i].name;
            return clauses[i].fn(ps);
        }
    return fail(ps, ps->line, "unknown clause '%s' (expected rule, payer, when, and, flag, require, timely-filing, "
                "severity, route, message, hint or test)", SHOW(t.s));
}

/* ---- the public face ---- */

void rcm_payer_rules_free(rcm_payer_rules *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ntests; i++)
        rcm_claim_free(r->tests[i].claim);
    free(r->rules);
    free(r->conds);
    free(r->codes);
    free(r->nums);
    free(r->payers);
    free(r->tests);
    arena_release(&r->mem);
    free(r);
}

int rcm_payer_rules_parse(rcm_payer_rules **out, const char *text, size_t n, const char *source,
                          const char *base_dir, rcm_error *err)
{
    *out = NULL;
    if (!source)
        source = "rules";
    if (n > PR_MAX_TEXT) {
        if (err) {
            rcm_error_set(err, RCM_ELIMIT, "the rules file is larger than %zu MiB", PR_MAX_TEXT >> 20);
            err->source = source;
        }
        return RCM_ELIMIT;
    }
    rcm_payer_rules *r = calloc(1, sizeof(*r));
    if (!r)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    arena_init(&r->mem, 16384, (size_t)256 << 20);
    parser ps;
    memset(&ps, 0, sizeof(ps));
    ps.r = r;
    ps.text = text ? text : "";
    ps.end = ps.text + n;
    ps.next = ps.text;
    ps.err = err;
    ps.source = source;
    ps.clause = "line";
    rcm_buf_init(&ps.when, RCM_MAX_MESSAGE);
    rcm_buf_init(&ps.tmp, RCM_MAX_MESSAGE);
    int rc = 0;
    r->source = arena_strdup(&r->mem, source, strlen(source));
    r->base_dir = arena_strdup(&r->mem, base_dir ? base_dir : "", base_dir ? strlen(base_dir) : 0);
    if (!r->source || !r->base_dir)
        rc = nomem(&ps);
    /* a UTF-8 byte order mark is not part of the first line */
    if (n >= 3 && memcmp(ps.text, "\xEF\xBB\xBF", 3) == 0)
        ps.next += 3;
    while (rc == 0 && next_line(&ps))
        rc = parse_line(&ps);
    if (rc == 0)
        rc = finish_rule(&ps);
    rcm_buf_release(&ps.when);
    rcm_buf_release(&ps.tmp);
    if (rc < 0) {
        rcm_payer_rules_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int rcm_payer_rules_load(rcm_payer_rules **out, const char *path, rcm_error *err)
{
    *out = NULL;
    if (err)
        err->source = path;
    FILE *f = fopen(path, "rb");
    if (!f)
        return rcm_error_set(err, errno == ENOENT ? RCM_ENOTFOUND : RCM_EIO, "cannot open: %s", strerror(errno));
    rcm_buf b;
    rcm_buf_init(&b, PR_MAX_TEXT + 1);
    char chunk[65536];
    size_t k, total = 0;
    while ((k = fread(chunk, 1, sizeof(chunk), f)) > 0) {
        total += k;
        if (total > PR_MAX_TEXT || rcm_buf_add(&b, chunk, k) < 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = rcm_error_set(err, RCM_EIO, "cannot read: %s", strerror(errno));
    else if (total > PR_MAX_TEXT)
        rc = rcm_error_set(err, RCM_ELIMIT, "the rules file is larger than %zu MiB", PR_MAX_TEXT >> 20);
    else if (rcm_buf_failed(&b))
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else {
        /* test claim files are relative to the rules file's folder */
        const char *slash = strrchr(path, '/');
        char *dir = NULL;
        if (slash) {
            size_t dn = slash == path ? 1 : (size_t)(slash - path);
            dir = malloc(dn + 1);
            if (dir) {
                memcpy(dir, path, dn);
                dir[dn] = 0;
            }
        }
        if (slash && !dir)
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        else
            rc = rcm_payer_rules_parse(out, b.ptr, b.len, path, dir, err);
        free(dir);
    }
    rcm_buf_release(&b);
    return rc;
}

size_t rcm_payer_rules_count(const rcm_payer_rules *r)
{
    return r ? r->nrules : 0;
}

const char *rcm_payer_rules_version(const rcm_payer_rules *r)
{
    return r ? r->version : "";
}

int rcm_payer_rules_get(const rcm_payer_rules *r, size_t i, rcm_payer_rule_info *out)
{
    if (!r || i >= r->nrules)
        return RCM_ENOTFOUND;
    const pr_rule *ru = &r->rules[i];
    memset(out, 0, sizeof(*out));
    out->id = ru->id;
    out->line = ru->line;
    out->payers = ru->payer_text;
    out->when = ru->when_text;
    out->action = ru->action_text;
    out->message = ru->message;
    out->hint = ru->hint;
    out->severity = ru->action == PA_TF ? 0 : ru->severity;
    out->route = ru->action == PA_TF ? 0 : ru->route;
    out->per_line = ru->per_line;
    out->tf_days = ru->action == PA_TF ? ru->tf_days : 0;
    out->tests = ru->ntests;
    return 0;
}
