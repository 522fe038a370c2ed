/*
 * What the NCCI and fee-schedule loaders share: procedure codes packed into
 * integers, fixed-point numbers, the table names, the version rules of
 * quarterly tables (NCCI "v313r0" = 31.3 = 2025 Q4), delimited lines that
 * may be tab- or comma-separated, and the modifiers that bypass PTP edits.
 */
#include <ctype.h>
#include "edits_internal.h"

/* ---- procedure codes ---- */

/* '0'-'9' -> 1-10, 'A'-'Z' -> 11-36: never 0, and in ASCII order. */
static int sym(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 1;
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 11;
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 11;
    return 0;
}

int rcm_proc_pack(rcm_proc *out, rcm_str code)
{
    *out = 0;
    if (code.n != 5)
        return RCM_EFORMAT;
    uint32_t v = 0;
    for (size_t i = 0; i < 5; i++) {
        int s = sym((unsigned char)code.p[i]);
        if (!s)
            return RCM_EFORMAT;
        v = v << 6 | (uint32_t)s;
    }
    *out = v;
    return 0;
}

void rcm_proc_unpack(char out[6], rcm_proc code)
{
    if (code == 0 || code >= (1u << 30)) {
        out[0] = '\0';
        return;
    }
    for (int i = 4; i >= 0; i--) {
        unsigned s = code & 63;
        code >>= 6;
        out[i] = s >= 1 && s <= 10 ? (char)('0' + s - 1) : s >= 11 && s <= 36 ? (char)('A' + s - 11) : '?';
    }
    out[5] = '\0';
}

int edits_proc_parse(rcm_proc *out, rcm_str s, const char **why)
{
    const char *w1 = NULL, *w2 = NULL;
    if (rcm_code_check_cpt(s, &w1) < 0 && rcm_code_check_hcpcs(s, &w2) < 0) {
        if (why)
            *why = s.n != 5 ? "a CPT or HCPCS code has 5 characters" : "not a CPT or HCPCS code";
        return RCM_EFORMAT;
    }
    return rcm_proc_pack(out, s);
}

/* ---- tables ---- */

const char *rcm_ncci_table_name(int table)
{
    switch (table) {
    case RCM_NCCI_PRACTITIONER: return "practitioner";
    case RCM_NCCI_HOSPITAL: return "hospital";
    case RCM_NCCI_DME: return "dme";
    default: return NULL;
    }
}

int rcm_ncci_table_parse(int *out, const char *name)
{
    static const struct { const char *name; int table; } names[] = {
        { "practitioner", RCM_NCCI_PRACTITIONER }, { "prac", RCM_NCCI_PRACTITIONER },
        { "physician", RCM_NCCI_PRACTITIONER },    { "hospital", RCM_NCCI_HOSPITAL },
        { "hosp", RCM_NCCI_HOSPITAL },             { "outpatient", RCM_NCCI_HOSPITAL },
        { "dme", RCM_NCCI_DME },
    };
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        if (strcasecmp(name, names[i].name) == 0) {
            *out = names[i].table;
            return 0;
        }
    return RCM_EINVAL;
}

/* ---- fixed point ---- */

int edits_fixed_parse(int64_t *out, rcm_str s, int decimals, int64_t max)
{
    int64_t v = 0;
    int digits = 0, frac = 0, dot = 0;
    *out = 0;
    for (size_t i = 0; i < s.n; i++) {
        char ch = s.p[i];
        if (ch == '.') {
            if (dot)
                return RCM_EFORMAT;
            dot = 1;
            continue;
        }
        if (ch < '0' || ch > '9')
            return RCM_EFORMAT;
        digits++;
        if (dot && frac == decimals) {
            if (ch != '0')
                return RCM_EFORMAT; /* more precision than the scale holds: never rounded */
            continue;
        }
        if (v > (INT64_MAX - 9) / 10)
            return RCM_EFORMAT;
        v = v * 10 + (ch - '0');
        if (dot)
            frac++;
    }
    if (!digits)
        return RCM_EFORMAT;
    for (; frac < decimals; frac++) {
        if (v > INT64_MAX / 10)
            return RCM_EFORMAT;
        v *= 10;
    }
    if (v > max)
        return RCM_EFORMAT;
    *out = v;
    return 0;
}

void edits_fixed_fmt(char *out, size_t outsz, int64_t v, int decimals, int keep)
{
    int64_t scale = 1;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t ip = a / (uint64_t)scale, fp = a % (uint64_t)scale;
    char frac[24];
    snprintf(frac, sizeof(frac), "%0*llu", decimals, (unsigned long long)fp);
    int n = decimals;
    while (n > keep && frac[n - 1] == '0')
        n--;
    frac[n] = '\0';
    if (n)
        snprintf(out, outsz, "%s%llu.%s", sign, (unsigned long long)ip, frac);
    else
        snprintf(out, outsz, "%s%llu", sign, (unsigned long long)ip);
}

void edits_date_str(char out[11], rcm_date d)
{
    if (d == RCM_DATE_NONE)
        out[0] = '\0';
    else
        rcm_date_fmt(out, d, 1);
}

/* ---- versions ---- */

static int dig(char c) { return c >= '0' && c <= '9'; }
static int num(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!dig(p[i]))
            return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}
/* p[-1] is not a letter or digit (or p is the start). */
static int at_word(const char *s, const char *p) { return p == s || !isalnum((unsigned char)p[-1]); }
static int end_num(const char *p) { return !dig(*p); }

static void quarter_label(char *label, size_t labelsz, int y, int m, int d)
{
    if (!label)
        return;
    if (d == 1 && (m == 1 || m == 4 || m == 7 || m == 10))
        snprintf(label, labelsz, "%04dQ%d", y, (m - 1) / 3 + 1);
    else if (d == 1)
        snprintf(label, labelsz, "%04d-%02d", y, m);
    else
        snprintf(label, labelsz, "%04d-%02d-%02d", y, m, d);
}

static rcm_date valid_ymd(int y, int m, int d)
{
    if (y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > 31)
        return RCM_DATE_NONE;
    rcm_date r = rcm_date_from_ymd(y, m, d);
    int yy, mm, dd;
    rcm_date_to_ymd(r, &yy, &mm, &dd);
    return yy == y && mm == m && dd == d ? r : RCM_DATE_NONE;
}

rcm_date edits_quarter_of(const char *s, char *label, size_t labelsz)
{
    if (label && labelsz)
        label[0] = '\0';
    /* NCCI "vMMQrR": version MM.Q, year 1994 + MM, quarter Q + 1 */
    for (const char *p = s; *p; p++) {
        if ((*p == 'v' || *p == 'V') && at_word(s, p) && dig(p[1]) && dig(p[2]) && dig(p[3]) &&
            (p[4] == 'r' || p[4] == 'R') && dig(p[5])) {
            int major = num(p + 1, 2), minor = p[3] - '0';
            if (minor > 3 || major < 1)
                continue;
            int rev = 0, k = 5;
            while (dig(p[k]) && k < 9)
                rev = rev * 10 + (p[k++] - '0');
            if (label)
                snprintf(label, labelsz, "v%02d%dr%d", major, minor, rev);
            return rcm_date_from_ymd(1994 + major, minor * 3 + 1, 1);
        }
    }
    for (const char *p = s; *p; p++) {
        if (!at_word(s, p) && dig(p[-1]))
            continue;
        /* YYYY[_- ]Qn */
        int y = num(p, 4);
        if (y >= 1990 && y <= 2099) {
            const char *q = p + 4;
            if (*q == '_' || *q == '-' || *q == ' ')
                q++;
            if ((*q == 'Q' || *q == 'q') && q[1] >= '1' && q[1] <= '4' && end_num(q + 2)) {
                int m = (q[1] - '1') * 3 + 1;
                quarter_label(label, labelsz, y, m, 1);
                return rcm_date_from_ymd(y, m, 1);
            }
            /* YYYY-MM-DD, YYYY-MM */
            if (p[4] == '-' && dig(p[5]) && dig(p[6])) {
                int m = num(p + 5, 2), d = 1;
                if (p[7] == '-' && dig(p[8]) && dig(p[9]) && end_num(p + 10))
                    d = num(p + 8, 2);
                else if (!end_num(p + 7))
                    continue;
                rcm_date r = valid_ymd(y, m, d);
                if (r != RCM_DATE_NONE) {
                    quarter_label(label, labelsz, y, m, d);
                    return r;
                }
            }
        }
        /* Qn[_- ]YYYY */
        if ((*p == 'Q' || *p == 'q') && p[1] >= '1' && p[1] <= '4') {
            const char *q = p + 2;
            if (*q == '_' || *q == '-' || *q == ' ')
                q++;
            int yy = num(q, 4);
            if (yy >= 1990 && yy <= 2099 && end_num(q + 4)) {
                int m = (p[1] - '1') * 3 + 1;
                quarter_label(label, labelsz, yy, m, 1);
                return rcm_date_from_ymd(yy, m, 1);
            }
        }
        /* MM-DD-YYYY, MM_DD_YYYY (CMS "Eff_07-01-2025") */
        if (dig(p[0]) && dig(p[1]) && (p[2] == '-' || p[2] == '_') && dig(p[3]) && dig(p[4]) &&
            p[5] == p[2] && num(p + 6, 4) > 0 && end_num(p + 10)) {
            int m = num(p, 2), d = num(p + 3, 2), yy = num(p + 6, 4);
            rcm_date r = valid_ymd(yy, m, d);
            if (r != RCM_DATE_NONE) {
                quarter_label(label, labelsz, yy, m, d);
                return r;
            }
        }
    }
    return RCM_DATE_NONE;
}

int edits_part_of(const char *s)
{
    for (const char *p = s; *p; p++)
        if ((*p == 'f' || *p == 'F') && p > s && (p[-1] == '-' || p[-1] == '_') && dig(p[1])) {
            int k = 1, v = 0;
            while (dig(p[k]) && k < 4)
                v = v * 10 + (p[k++] - '0');
            if (!isalnum((unsigned char)p[k]))
                return v;
        }
    return 0;
}

void edits_base_version(char *out, size_t outsz, const char *version)
{
    size_t n = strlen(version);
    const char *dash = strrchr(version, '-');
    if (dash && (dash[1] == 'f' || dash[1] == 'F') && dig(dash[2])) {
        const char *q = dash + 2;
        while (dig(*q))
            q++;
        if (!*q)
            n = (size_t)(dash - version);
    }
    snprintf(out, outsz, "%.*s", (int)n, version);
}

int edits_quarterly_version(refdata_ctx *c)
{
    char label[RCM_REFDATA_VERSION_MAX - 8]; /* room for "-f" and a part number */
    if (c->version[0]) {
        rcm_date q = edits_quarter_of(c->version, NULL, 0);
        if (q != RCM_DATE_NONE)
            c->eff_from = q;
        return 0;
    }
    rcm_date q = edits_quarter_of(c->name, label, sizeof(label));
    if (q != RCM_DATE_NONE) {
        int part = edits_part_of(c->name);
        if (part)
            snprintf(c->version, sizeof(c->version), "%s-f%d", label, part);
        else
            snprintf(c->version, sizeof(c->version), "%s", label);
        c->eff_from = q;
        return 0;
    }
    if (strncasecmp(c->name, "sample", 6) == 0) {
        snprintf(c->version, sizeof(c->version), "sample");
        return 0;
    }
    c->line = 0;
    return refdata_fail(c, RCM_EINVAL,
                        "no version: name the quarter in the file name (ccipra-v313r0-f1, %s_2025_Q3)"
                        " or pass --version",
                        c->kind->name);
}

/* ---- delimited lines ---- */

int edits_split_any(refdata_ctx *c, rcm_str line, rcm_str *f, int max)
{
    return refdata_split(c, line, memchr(line.p, '\t', line.n) ? '\t' : ',', f, max);
}

/* Next letter or digit of s at or after *i, lower case; 0 at the end. */
static int next_alnum(rcm_str s, size_t *i)
{
    while (*i < s.n) {
        unsigned char ch = (unsigned char)s.p[(*i)++];
        if (isalnum(ch))
            return tolower(ch);
    }
    return 0;
}

int edits_field_starts(rcm_str s, const char *prefix)
{
    size_t i = 0;
    for (const char *q = prefix; *q; q++)
        if (next_alnum(s, &i) != *q)
            return 0;
    return 1;
}

int edits_field_is(rcm_str s, const char *name)
{
    size_t i = 0;
    if (!edits_field_starts(s, name))
        return 0;
    for (const char *q = name; *q; q++)
        next_alnum(s, &i);
    return next_alnum(s, &i) == 0;
}

int edits_field_has(rcm_str s, const char *part)
{
    char norm[256];
    size_t n = 0, i = 0;
    int ch;
    while ((ch = next_alnum(s, &i)) && n + 1 < sizeof(norm))
        norm[n++] = (char)ch;
    norm[n] = '\0';
    return strstr(norm, part) != NULL;
}

size_t edits_probe_lines(const refdata_probe *p, probe_line *out, size_t max)
{
    const char *s = p->head, *end = p->head + p->len;
    if (p->len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    size_t n = 0;
    while (s < end && n < max) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl) /* a cut line at the end of the probe is left out */
            break;
        size_t len = (size_t)(nl - s);
        if (len && s[len - 1] == '\r')
            len--;
        out[n].p = s;
        out[n].n = len;
        n++;
        s = nl + 1;
    }
    return n;
}

int edits_line_has(probe_line l, const char *s)
{
    size_t k = strlen(s);
    for (size_t i = 0; i + k <= l.n; i++)
        if (strncasecmp(l.p + i, s, k) == 0)
            return 1;
    return 0;
}

/* ---- bypass modifiers ---- */

int rcm_ncci_modifier_bypasses(rcm_str mod, const char *list)
{
    if (!list)
        list = RCM_NCCI_BYPASS_DEFAULT;
    while (mod.n && mod.p[0] == ' ')
        mod.p++, mod.n--;
    while (mod.n && mod.p[mod.n - 1] == ' ')
        mod.n--;
    if (!mod.n)
        return 0;
    const char *p = list;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        const char *q = p;
        while (*q && *q != ',')
            q++;
        size_t n = (size_t)(q - p);
        while (n && p[n - 1] == ' ')
            n--;
        if (n == mod.n && strncasecmp(p, mod.p, n) == 0)
            return 1;
        p = q;
    }
    return 0;
}
