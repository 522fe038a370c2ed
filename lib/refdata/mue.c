/*
 * Medically unlikely edits (MUE) in the CMS quarterly CSV layout, kinds mue
 * (practitioner services), mue_hospital (outpatient hospital services) and
 * mue_dme (DME supplier services):
 *   "CPT codes and descriptions only are copyright ..."          (preamble)
 *   "HCPCS/CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
 *   "99213","1","2 Date of Service Edit: Policy","..."
 * The value is a whole number of units; the adjudication indicator (MAI) is
 * text starting with 1 (line edit), 2 (date of service, policy) or 3 (date
 * of service, clinical). The table is told by the header ("Practitioner
 * Services", "Outpatient Hospital Services", "DME Supplier Services") or the
 * file name. A code appears once per file.
 */
#include "edits_internal.h"

#define PREAMBLE_MAX 20

static int is_header(const rcm_str *f, int n)
{
    return n >= 3 && (edits_field_has(f[0], "hcpcs") || edits_field_has(f[0], "code")) &&
           edits_field_has(f[1], "muevalue") && edits_field_has(f[2], "adjudication");
}

static int all_digits(rcm_str s)
{
    if (!s.n)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (s.p[i] < '0' || s.p[i] > '9')
            return 0;
    return 1;
}

int mue_parse_fields(mue_rec *out, const rcm_str *f, int n, char *msg, size_t msgsz)
{
    const char *why = NULL;
    memset(out, 0, sizeof(*out));
    if (n < 3) {
        snprintf(msg, msgsz, "expected 4 fields (code, MUE value, adjudication indicator, rationale),"
                 " found %d", n);
        return RCM_EFORMAT;
    }
    if (edits_proc_parse(&out->code, f[0], &why) < 0) {
        snprintf(msg, msgsz, "field 1 'code': '%s': %s", f[0].p, why);
        return RCM_EFORMAT;
    }
    int64_t v;
    if (!all_digits(f[1]) || edits_fixed_parse(&v, f[1], 0, 1000000000) < 0) {
        snprintf(msg, msgsz, "field 2 'MUE value': '%s': expected a whole number of units", f[1].p);
        return RCM_EFORMAT;
    }
    out->value = (long)v;
    if (f[2].n < 1 || f[2].p[0] < '1' || f[2].p[0] > '3' || (f[2].n > 1 && f[2].p[1] != ' ')) {
        snprintf(msg, msgsz, "field 3 'MUE adjudication indicator': '%s': expected text starting with 1,"
                 " 2 or 3", f[2].p);
        return RCM_EFORMAT;
    }
    out->mai = f[2].p[0] - '0';
    out->mai_text = f[2];
    out->rationale = n >= 4 ? f[3] : (rcm_str){ "", 0 };
    return 0;
}

/* The table a header line names: 0 practitioner, 1 hospital, 2 DME, -1 not an MUE header. */
static int header_table(probe_line l)
{
    if (!edits_line_has(l, "MUE Value") || !edits_line_has(l, "Adjudication"))
        return -1;
    if (edits_line_has(l, "DME"))
        return RCM_NCCI_DME;
    if (edits_line_has(l, "Hospital") || edits_line_has(l, "Outpatient"))
        return RCM_NCCI_HOSPITAL;
    if (edits_line_has(l, "Practitioner"))
        return RCM_NCCI_PRACTITIONER;
    return 3; /* an MUE header that does not say */
}

static int probe_table(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++) {
        int t = header_table(l[i]);
        if (t >= 0)
            return t;
    }
    return -1;
}

static int name_table(const refdata_probe *p)
{
    if (refdata_name_has(p, "dme"))
        return RCM_NCCI_DME;
    if (refdata_name_has(p, "hosp") || refdata_name_has(p, "outpatient"))
        return RCM_NCCI_HOSPITAL;
    return RCM_NCCI_PRACTITIONER;
}

static int score(const refdata_probe *p, int table)
{
    int t = probe_table(p);
    if (t < 0)
        return 0;
    if (t == 3) /* the header does not say: the name decides */
        return name_table(p) == table ? 85 : 0;
    return t == table ? 95 : 0;
}

static int detect_prac(const refdata_probe *p) { return score(p, RCM_NCCI_PRACTITIONER); }
static int detect_hosp(const refdata_probe *p) { return score(p, RCM_NCCI_HOSPITAL); }
static int detect_dme(const refdata_probe *p) { return score(p, RCM_NCCI_DME); }

static int load(refdata_ctx *c)
{
    int rc = edits_quarterly_version(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, "INSERT INTO ncci_mue (load_id, code, line, mue, mai, mai_text, rationale)"
                                 " VALUES (?, ?, ?, ?, ?, ?, ?)", c->err) < 0)
        return refdata_sqlerr(c, "store: preparing the MUE insert");
    sqlite3_bind_int64(s, 1, c->load_id);
    int header = 0;
    rcm_str line, f[6];
    char msg[256];
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = edits_split_any(c, line, f, 6);
        if (n < 0) {
            rc = header ? refdata_bad(c, "a quoted field is not closed") : 0;
            continue;
        }
        if (!header) {
            if (is_header(f, n))
                header = 1;
            else if (c->line >= PREAMBLE_MAX)
                rc = refdata_fail(c, RCM_EFORMAT, "no header row ('HCPCS/CPT Code', '... MUE Values',"
                                  " 'MUE Adjudication Indicator') in the first %d lines: not an MUE file",
                                  PREAMBLE_MAX);
            continue;
        }
        if (n == 1 && f[0].n == 0)
            continue;
        mue_rec r;
        if (mue_parse_fields(&r, f, n, msg, sizeof(msg)) < 0) {
            rc = refdata_bad(c, "%s", msg);
            continue;
        }
        sqlite3_bind_text(s, 2, f[0].p, (int)f[0].n, SQLITE_TRANSIENT);
        sqlite3_bind_int64(s, 3, c->line);
        sqlite3_bind_int64(s, 4, r.value);
        sqlite3_bind_int(s, 5, r.mai);
        sqlite3_bind_text(s, 6, r.mai_text.p, (int)r.mai_text.n, SQLITE_TRANSIENT);
        if (r.rationale.n)
            sqlite3_bind_text(s, 7, r.rationale.p, (int)r.rationale.n, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, 7);
        int step = sqlite3_step(s);
        sqlite3_reset(s);
        if ((step & 0xff) == SQLITE_CONSTRAINT)
            rc = refdata_bad(c, "field 1 'code': '%s' appears twice in the file", f[0].p);
        else if (step != SQLITE_DONE)
            rc = refdata_sqlerr(c, "store: saving an MUE");
        else
            c->rows++;
    }
    sqlite3_finalize(s);
    if (rc == 0 && !header)
        rc = refdata_fail(c, RCM_EFORMAT, "no header row ('HCPCS/CPT Code', '... MUE Values', ...):"
                          " not an MUE file");
    return rc;
}

static const char *const tables[] = { "ncci_mue", NULL };

const refdata_kind refdata_kind_mue = {
    "mue", "NCCI MUE values, practitioner services (CMS CSV)", detect_prac, load, tables,
};
const refdata_kind refdata_kind_mue_hospital = {
    "mue_hospital", "NCCI MUE values, outpatient hospital services (CMS CSV)", detect_hosp, load, tables,
};
const refdata_kind refdata_kind_mue_dme = {
    "mue_dme", "NCCI MUE values, DME supplier services (CMS CSV)", detect_dme, load, tables,
};
