/*
 * NCCI procedure-to-procedure (PTP) edits in the CMS quarterly layout, kinds
 * ptp (practitioner, files ccipra-*) and ptp_hospital (outpatient hospital,
 * ccioph-*).
 *
 * The text file is tab-delimited: a copyright line, a title line, a header
 * row starting "Column 1", legend rows (empty first columns) and then one
 * edit a row:
 *   column 1, column 2, '*' when in existence prior to 1996, effective date
 *   (YYYYMMDD), deletion date or '*', modifier indicator 0/1/9, rationale.
 * The same columns saved as CSV are read too, and the zip CMS publishes
 * (the framework reads its text member). The national table comes in parts
 * (-f1 ... -f4): each part is one load, and the index puts the parts of a
 * version back together.
 */
#include "edits_internal.h"

/* How many lines may come before the header row. */
#define PREAMBLE_MAX 20

int ptp_is_header(const rcm_str *f, int n)
{
    return n >= 6 && edits_field_is(f[0], "column1") && edits_field_is(f[1], "column2");
}

static int is_star(rcm_str s) { return s.n == 1 && s.p[0] == '*'; }

static int date_field(rcm_date *out, rcm_str s, int i, const char *name, char *msg, size_t msgsz)
{
    if (refdata_parse_date(out, s) < 0 || *out == RCM_DATE_NONE) {
        snprintf(msg, msgsz, "field %d '%s': '%s' is not a date (YYYYMMDD)", i, name, s.p);
        return RCM_EFORMAT;
    }
    return 0;
}

int ptp_parse_fields(ptp_rec *out, const rcm_str *f, int n, char *msg, size_t msgsz)
{
    const char *why = NULL;
    memset(out, 0, sizeof(*out));
    if (n < 6) {
        snprintf(msg, msgsz, "expected 7 fields (column 1, column 2, prior to 1996, effective date,"
                 " deletion date, modifier indicator, rationale), found %d", n);
        return RCM_EFORMAT;
    }
    if (edits_proc_parse(&out->col1, f[0], &why) < 0) {
        snprintf(msg, msgsz, "field 1 'column 1': '%s': %s", f[0].p, why);
        return RCM_EFORMAT;
    }
    if (edits_proc_parse(&out->col2, f[1], &why) < 0) {
        snprintf(msg, msgsz, "field 2 'column 2': '%s': %s", f[1].p, why);
        return RCM_EFORMAT;
    }
    if (f[2].n && !is_star(f[2])) {
        snprintf(msg, msgsz, "field 3 'prior to 1996': '%s': expected '*' or nothing", f[2].p);
        return RCM_EFORMAT;
    }
    out->pre1996 = is_star(f[2]);
    if (date_field(&out->eff, f[3], 4, "effective date", msg, msgsz) < 0)
        return RCM_EFORMAT;
    out->del = RCM_DATE_NONE;
    if (f[4].n && !is_star(f[4])) {
        if (date_field(&out->del, f[4], 5, "deletion date", msg, msgsz) < 0)
            return RCM_EFORMAT;
        if (out->del < out->eff) {
            snprintf(msg, msgsz, "field 5 'deletion date': %s is before the effective date %s", f[4].p,
                     f[3].p);
            return RCM_EFORMAT;
        }
    }
    if (f[5].n != 1 || (f[5].p[0] != '0' && f[5].p[0] != '1' && f[5].p[0] != '9')) {
        snprintf(msg, msgsz, "field 6 'modifier indicator': '%s': expected 0, 1 or 9", f[5].p);
        return RCM_EFORMAT;
    }
    out->modifier = f[5].p[0] - '0';
    out->rationale = n >= 7 ? f[6] : (rcm_str){ "", 0 };
    return 0;
}

/* A header row of the PTP layout among the probe's first lines. */
static int ptp_layout(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++) {
        const char *s = l[i].p;
        size_t k = l[i].n;
        if (k && *s == '"')
            s++, k--;
        size_t m = k >= 8 && strncasecmp(s, "column 1", 8) == 0 ? 8
                 : k >= 7 && strncasecmp(s, "column1", 7) == 0 ? 7 : 0;
        if (m && m < k && (s[m] == '\t' || s[m] == ',' || s[m] == '"') && edits_line_has(l[i], "column 2"))
            return 1;
    }
    return 0;
}

static int hospital_name(const refdata_probe *p)
{
    return refdata_name_has(p, "ccioph") || refdata_name_has(p, "hosp") || refdata_name_has(p, "outpatient");
}

static int detect_prac(const refdata_probe *p) { return ptp_layout(p) ? 90 : 0; }
static int detect_hosp(const refdata_probe *p) { return ptp_layout(p) && hospital_name(p) ? 95 : 0; }

static int all_empty(const rcm_str *f, int n)
{
    for (int i = 0; i < n; i++)
        if (f[i].n)
            return 0;
    return 1;
}

static int load(refdata_ctx *c)
{
    int rc = edits_quarterly_version(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, "INSERT INTO ncci_ptp (load_id, line, col1, col2, pre1996, eff_date,"
                                 " del_date, modifier, rationale) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      c->err) < 0)
        return refdata_sqlerr(c, "store: preparing the PTP insert");
    sqlite3_bind_int64(s, 1, c->load_id);
    enum { PREAMBLE, LEGEND, DATA } state = PREAMBLE;
    rcm_str line, f[8];
    char msg[256];
    while (rc == 0 && refdata_next_line(c, &line)) {
        int n = edits_split_any(c, line, f, 8);
        if (n < 0) {
            rc = state == PREAMBLE ? 0 : refdata_bad(c, "a quoted field is not closed");
            continue;
        }
        if (all_empty(f, n < 8 ? n : 8))
            continue;
        if (state == PREAMBLE) {
            if (ptp_is_header(f, n))
                state = LEGEND;
            else if (c->line >= PREAMBLE_MAX)
                rc = refdata_fail(c, RCM_EFORMAT, "no header row ('Column 1', 'Column 2', ...) in the"
                                  " first %d lines: not a PTP file", PREAMBLE_MAX);
            continue;
        }
        if (state == LEGEND && f[0].n == 0 && (n < 2 || f[1].n == 0))
            continue; /* "0=not allowed", "*=no data"... under the header */
        state = DATA;
        ptp_rec r;
        if (ptp_parse_fields(&r, f, n, msg, sizeof(msg)) < 0) {
            rc = refdata_bad(c, "%s", msg);
            continue;
        }
        sqlite3_bind_int64(s, 2, c->line);
        sqlite3_bind_text(s, 3, f[0].p, (int)f[0].n, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 4, f[1].p, (int)f[1].n, SQLITE_TRANSIENT);
        sqlite3_bind_int(s, 5, r.pre1996);
        sqlite3_bind_int(s, 6, r.eff);
        store_bind_date(s, 7, r.del);
        sqlite3_bind_int(s, 8, r.modifier);
        if (r.rationale.n)
            sqlite3_bind_text(s, 9, r.rationale.p, (int)r.rationale.n, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, 9);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = refdata_sqlerr(c, "store: saving a PTP edit");
        sqlite3_reset(s);
        if (rc == 0)
            c->rows++;
    }
    sqlite3_finalize(s);
    if (rc == 0 && state == PREAMBLE)
        rc = refdata_fail(c, RCM_EFORMAT, "no header row ('Column 1', 'Column 2', ...): not a PTP file");
    return rc;
}

static const char *const tables[] = { "ncci_ptp", NULL };

const refdata_kind refdata_kind_ptp = {
    "ptp", "NCCI PTP edits, practitioner (CMS ccipra-* text, CSV or zip)", detect_prac, load, tables,
};

const refdata_kind refdata_kind_ptp_hospital = {
    "ptp_hospital", "NCCI PTP edits, outpatient hospital (CMS ccioph-* text, CSV or zip)", detect_hosp, load,
    tables,
};
