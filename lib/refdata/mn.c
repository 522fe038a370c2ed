/*
 * Medical-necessity policies (kind mn): which diagnoses support a procedure
 * under a coverage policy (an NCD, the code list of an LCD's billing and
 * coding article, a commercial payer's policy). CSV with a header row:
 *   policy,payer,procedure,dx,group[,eff_from,eff_to]
 * columns found by name (case ignored), one row per procedure and diagnosis:
 *   policy     the policy's name as people cite it ("NCD 190.23", "L33252")
 *   payer      the payer id the policy binds (2010BB NM109); empty: all payers
 *   procedure  a CPT/HCPCS code, or a range of codes of one shape
 *              ("82947-82952", at most MN_SPAN_MAX codes)
 *   dx         an ICD-10-CM code with or without the dot ("E78.5"), a range
 *              ("E11.00-E11.9": the upper end includes its subcodes) or a
 *              prefix ("E11*": every code starting E11)
 *   group      empty: the diagnosis alone supports the procedure; a name:
 *              the rows of that group (same policy, payer and procedure)
 *              support it only together, every one matched by a diagnosis
 *   eff_from, eff_to  the row's own dates (MM/DD/YYYY, YYYYMMDD or
 *              YYYY-MM-DD; empty open), within the load's range
 * Version: --version, else "sample" for a file named SAMPLE..., else the year
 * in the file name, else the file's name without its extension (so a newer
 * copy of the same file replaces the older one). A load covers all dates
 * unless --from/--to say otherwise: the newest load answers, so one file
 * holds all of a practice's policies.
 */
#include <ctype.h>
#include "mn_internal.h"

#define MN_FIELDS 16
#define MN_POLICY_MAX 63
#define MN_PAYER_MAX 80
#define MN_GROUP_MAX 31

enum { C_POLICY, C_PAYER, C_PROC, C_DX, C_GROUP, C_FROM, C_TO, NCOLS };

static const char *const col_names[NCOLS] = { "policy", "payer", "procedure", "dx", "group", "eff_from", "eff_to" };

/* Other names a column may go by (lower case, compared without case). */
static const char *const col_alias[NCOLS][4] = {
    { "policy_id", NULL }, { "payer_id", NULL }, { "proc", "hcpcs", "cpt", NULL }, { "diagnosis", "icd10", "icd10cm", NULL },
    { "dx_group", NULL }, { "effective_from", "from", NULL }, { "effective_to", "to", NULL },
};

/* ---- procedure ranges (shared with codeset.c) ---- */

static int all_digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (!isdigit((unsigned char)p[i]))
            return 0;
    return 1;
}

static long digits_value(const char *p, int n)
{
    long v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

static int proc_ok(rcm_str s)
{
    return rcm_code_check_cpt(s, NULL) == 0 || rcm_code_check_hcpcs(s, NULL) == 0;
}

int mn_proc_span(mn_span *out, rcm_str lo, rcm_str hi, const char **why)
{
    memset(out, 0, sizeof(*out));
    if (!proc_ok(lo) || !proc_ok(hi)) {
        *why = "not a CPT or HCPCS code (5 digits, 4 digits + F/T/U, or a letter A-V + 4 digits)";
        return RCM_EFORMAT;
    }
    memcpy(out->code, lo.p, 5);
    if (all_digits(lo.p, 5) && all_digits(hi.p, 5)) {
        out->pos = 0;
        out->width = 5;
    } else if (!isdigit((unsigned char)lo.p[0]) && lo.p[0] == hi.p[0]) {
        out->pos = 1;
        out->width = 4;
    } else if (!isdigit((unsigned char)lo.p[4]) && lo.p[4] == hi.p[4] && all_digits(lo.p, 4) &&
               all_digits(hi.p, 4)) {
        out->pos = 0;
        out->width = 4;
    } else {
        *why = "a range's two codes must have the same shape and letter";
        return RCM_EFORMAT;
    }
    out->first = digits_value(lo.p + out->pos, out->width);
    out->last = digits_value(hi.p + out->pos, out->width);
    if (out->last < out->first) {
        *why = "a range ends before it starts";
        return RCM_EFORMAT;
    }
    if (out->last - out->first >= MN_SPAN_MAX) {
        *why = "a range covers at most 10000 codes: split it";
        return RCM_EFORMAT;
    }
    return 0;
}

void mn_span_code(char out[6], const mn_span *s, long v)
{
    memcpy(out, s->code, 6);
    for (int i = s->width - 1; i >= 0; i--) {
        out[s->pos + i] = (char)('0' + v % 10);
        v /= 10;
    }
}

/* ---- the file ---- */

static int detect(const refdata_probe *p)
{
    if (refdata_probe_starts(p, "policy,payer,procedure,dx"))
        return 100;
    if (refdata_probe_starts(p, "policy,") && p->len) {
        const char *nl = memchr(p->head, '\n', p->len);
        size_t n = nl ? (size_t)(nl - p->head) : p->len;
        char first[256];
        snprintf(first, sizeof(first), "%.*s", (int)(n < 255 ? n : 255), p->head);
        if (strcasestr(first, "procedure") && strcasestr(first, "dx"))
            return 90;
    }
    return 0;
}

static int col_of(rcm_str h)
{
    for (int i = 0; i < NCOLS; i++) {
        if (h.n == strlen(col_names[i]) && strncasecmp(h.p, col_names[i], h.n) == 0)
            return i;
        for (const char *const *a = col_alias[i]; *a; a++)
            if (h.n == strlen(*a) && strncasecmp(h.p, *a, h.n) == 0)
                return i;
    }
    return -1;
}

/* Upper-cases s into out (outsz bytes); 0, or -1 when it does not fit. */
static int upper(char *out, size_t outsz, rcm_str s)
{
    if (s.n >= outsz)
        return -1;
    for (size_t i = 0; i < s.n; i++)
        out[i] = (char)toupper((unsigned char)s.p[i]);
    out[s.n] = '\0';
    return 0;
}

/* A prefix "E11*" or "E11.6*": a letter, then up to 6 letters or digits (a dot after the 3rd ignored). */
static int dx_prefix(char *out, rcm_str s)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n; i++) {
        char ch = (char)toupper((unsigned char)s.p[i]);
        if (ch == '.' && i == 3)
            continue;
        if (o == 7 || !(isupper((unsigned char)ch) || isdigit((unsigned char)ch)) ||
            (o == 0 && !isupper((unsigned char)ch)))
            return -1;
        out[o++] = ch;
    }
    out[o] = '\0';
    return o ? 0 : -1;
}

typedef struct mn_dx {
    char from[RCM_CODE_MAX], to[RCM_CODE_MAX];
    int prefix;
} mn_dx;

static int parse_dx(mn_dx *d, rcm_str s, const char **why)
{
    memset(d, 0, sizeof(*d));
    const char *dash = memchr(s.p, '-', s.n);
    if (s.n && s.p[s.n - 1] == '*') {
        d->prefix = 1;
        if (dx_prefix(d->from, (rcm_str){ s.p, s.n - 1 }) < 0) {
            *why = "a prefix is a letter and up to 6 more letters or digits, then '*'";
            return RCM_EFORMAT;
        }
        memcpy(d->to, d->from, sizeof(d->to));
        return 0;
    }
    if (dash) {
        rcm_str a = { s.p, (size_t)(dash - s.p) }, b = { dash + 1, s.n - (size_t)(dash - s.p) - 1 };
        while (a.n && a.p[a.n - 1] == ' ')
            a.n--;
        while (b.n && b.p[0] == ' ')
            b.p++, b.n--;
        if (rcm_code_icd10cm_normalize(d->from, a) < 0 || rcm_code_icd10cm_normalize(d->to, b) < 0) {
            *why = "a range is two ICD-10-CM codes joined by '-'";
            return RCM_EFORMAT;
        }
        if (strcmp(d->to, d->from) < 0) {
            *why = "a range ends before it starts";
            return RCM_EFORMAT;
        }
        return 0;
    }
    if (rcm_code_icd10cm_normalize(d->from, s) < 0) {
        *why = "not an ICD-10-CM code, a range (E11.00-E11.9) or a prefix (E11*)";
        return RCM_EFORMAT;
    }
    memcpy(d->to, d->from, sizeof(d->to));
    return 0;
}

static int set_version(refdata_ctx *c)
{
    if (c->version[0])
        return 0;
    if (strncasecmp(c->name, "sample", 6) == 0) {
        snprintf(c->version, sizeof(c->version), "sample");
        return 0;
    }
    refdata_default_version(c, 0);
    if (!c->version[0]) {
        const char *dot = strchr(c->name, '.');
        size_t n = dot ? (size_t)(dot - c->name) : strlen(c->name);
        if (n >= sizeof(c->version))
            n = sizeof(c->version) - 1;
        snprintf(c->version, sizeof(c->version), "%.*s", (int)n, c->name);
    }
    return 0;
}

static rcm_str field(const rcm_str *f, int n, const int *pos, int col)
{
    return pos[col] >= 0 && pos[col] < n ? f[pos[col]] : (rcm_str){ "", 0 };
}

static int row(refdata_ctx *c, sqlite3_stmt *ins, const rcm_str *f, int n, const int *pos)
{
    rcm_str policy = field(f, n, pos, C_POLICY), payer = field(f, n, pos, C_PAYER);
    rcm_str proc = field(f, n, pos, C_PROC), dx = field(f, n, pos, C_DX), group = field(f, n, pos, C_GROUP);
    rcm_str sfrom = field(f, n, pos, C_FROM), sto = field(f, n, pos, C_TO);
    if (!policy.n || policy.n > MN_POLICY_MAX)
        return refdata_bad(c, "field %d 'policy': %s", pos[C_POLICY] + 1,
                           policy.n ? "longer than 63 characters" : "empty");
    if (payer.n > MN_PAYER_MAX)
        return refdata_bad(c, "field %d 'payer': longer than 80 characters", pos[C_PAYER] + 1);
    if (group.n > MN_GROUP_MAX)
        return refdata_bad(c, "field %d 'group': longer than 31 characters", pos[C_GROUP] + 1);
    char lo[8], hi[8];
    const char *dash = memchr(proc.p, '-', proc.n), *why = NULL;
    rcm_str a = proc, b = proc;
    if (dash) {
        a.n = (size_t)(dash - proc.p);
        b.p = dash + 1;
        b.n = proc.n - a.n - 1;
    }
    mn_span span;
    if (upper(lo, sizeof(lo), a) < 0 || upper(hi, sizeof(hi), b) < 0 ||
        mn_proc_span(&span, rcm_str_c(lo), rcm_str_c(hi), &why) < 0)
        return refdata_bad(c, "field %d 'procedure': '%s': %s", pos[C_PROC] + 1, proc.p,
                           why ? why : "not a CPT or HCPCS code or a range of them");
    mn_dx d;
    if (parse_dx(&d, dx, &why) < 0)
        return refdata_bad(c, "field %d 'dx': '%s': %s", pos[C_DX] + 1, dx.p, why);
    rcm_date from, to;
    if (refdata_parse_date(&from, sfrom) < 0)
        return refdata_bad(c, "field %d 'eff_from': '%s' is not a date", pos[C_FROM] + 1, sfrom.p);
    if (refdata_parse_date(&to, sto) < 0)
        return refdata_bad(c, "field %d 'eff_to': '%s' is not a date", pos[C_TO] + 1, sto.p);
    if (from != RCM_DATE_NONE && to != RCM_DATE_NONE && to < from)
        return refdata_bad(c, "field %d 'eff_to': '%s' is before eff_from", pos[C_TO] + 1, sto.p);
    sqlite3_bind_int64(ins, 1, c->load_id);
    sqlite3_bind_int64(ins, 2, c->line);
    sqlite3_bind_text(ins, 3, policy.p, (int)policy.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 4, payer.n ? payer.p : "", (int)payer.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 5, lo, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 6, hi, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 7, dx.p, (int)dx.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 8, d.from, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(ins, 9, d.to, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(ins, 10, d.prefix);
    sqlite3_bind_text(ins, 11, group.n ? group.p : "", (int)group.n, SQLITE_TRANSIENT);
    store_bind_date(ins, 12, from);
    store_bind_date(ins, 13, to);
    int step = sqlite3_step(ins);
    sqlite3_reset(ins);
    if (step != SQLITE_DONE)
        return refdata_sqlerr(c, "store: saving a medical-necessity row");
    c->rows++;
    return 0;
}

/* Maps the header row; 0, or a failure naming what is missing. */
static int header(refdata_ctx *c, const rcm_str *f, int n, int *pos)
{
    for (int i = 0; i < NCOLS; i++)
        pos[i] = -1;
    for (int j = 0; j < n && j < MN_FIELDS; j++) {
        int k = col_of(f[j]);
        if (k >= 0 && pos[k] < 0)
            pos[k] = j;
    }
    if (pos[C_POLICY] < 0 || pos[C_PROC] < 0 || pos[C_DX] < 0)
        return refdata_fail(c, RCM_EFORMAT, "the first line is not the header policy,payer,procedure,dx,group"
                            " (columns 'policy', 'procedure' and 'dx' are required)");
    return 0;
}

static int load(refdata_ctx *c)
{
    int rc = set_version(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *ins = NULL;
    if (store_prepare(c->st, &ins, "INSERT INTO mn_policy (load_id, line, policy, payer, proc_from, proc_to, dx,"
                      " dx_from, dx_to, dx_prefix, dx_group, eff_from, eff_to)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", c->err) < 0)
        return refdata_sqlerr(c, "store: preparing the medical-necessity insert");
    int pos[NCOLS], have_header = 0;
    rcm_str line, f[MN_FIELDS];
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = refdata_split(c, line, ',', f, MN_FIELDS);
        if (n < 0) {
            rc = have_header ? refdata_bad(c, "a quoted field is not closed")
                             : refdata_fail(c, RCM_EFORMAT, "a quoted field is not closed");
            continue;
        }
        if (n > MN_FIELDS)
            n = MN_FIELDS;
        if (!have_header) {
            rc = header(c, f, n, pos);
            have_header = 1;
            continue;
        }
        int blank = 1;
        for (int i = 0; i < n; i++)
            blank &= f[i].n == 0;
        if (!blank)
            rc = row(c, ins, f, n, pos);
    }
    sqlite3_finalize(ins);
    return rc;
}

static const char *const tables[] = { "mn_policy", NULL };

const refdata_kind refdata_kind_mn = {
    "mn", "medical-necessity policies: diagnoses that support a procedure (CSV policy,payer,procedure,dx,group)",
    detect, load, tables,
};
