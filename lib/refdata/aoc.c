/*
 * NCCI add-on code (AOC) edits, kind aoc: CSV (or tab-delimited) with a
 * header row naming the columns; these are read, others are ignored:
 *   Add-on Code                 5-character CPT/HCPCS code
 *   Primary Code                its primary; empty or CCCCC: no list (type 2)
 *   AOC Edit Type               1, 2 or 3
 *   AOC Edit Effective Date     YYYYMMDD (also MM/DD/YYYY, YYYY-MM-DD)
 *   AOC Edit Deletion Date      a date, '*' or empty (optional column)
 * One row per (add-on, primary) pair. CMS publishes the table as a
 * spreadsheet: save it as CSV. Version: the quarter, from the file name
 * (AOC_2025_Q3...) or --version.
 */
#include "edits_internal.h"

#define PREAMBLE_MAX 20

enum { C_ADDON, C_PRIMARY, C_TYPE, C_EFF, C_DEL, NCOLS };

static const char *const col_names[NCOLS] = { "Add-on Code", "Primary Code", "AOC Edit Type",
                                              "AOC Edit Effective Date", "AOC Edit Deletion Date" };

/* Which column a header field is, -1 none. */
static int col_of(rcm_str h)
{
    if (edits_field_is(h, "addoncode") || edits_field_is(h, "addon") || edits_field_is(h, "aoc") ||
        edits_field_is(h, "aoccode"))
        return C_ADDON;
    if (edits_field_is(h, "primarycode") || edits_field_is(h, "primary") ||
        edits_field_is(h, "primaryprocedurecode"))
        return C_PRIMARY;
    if (edits_field_is(h, "aocedittype") || edits_field_is(h, "edittype") || edits_field_is(h, "type"))
        return C_TYPE;
    if (edits_field_is(h, "aocediteffectivedate") || edits_field_is(h, "editeffectivedate") ||
        edits_field_is(h, "effectivedate"))
        return C_EFF;
    if (edits_field_is(h, "aoceditdeletiondate") || edits_field_is(h, "editdeletiondate") ||
        edits_field_is(h, "deletiondate"))
        return C_DEL;
    return -1;
}

/* Maps a header row; 1 when the required columns are all there. */
static int map_header(int *pos, const rcm_str *f, int n)
{
    for (int i = 0; i < NCOLS; i++)
        pos[i] = -1;
    for (int i = 0; i < n; i++) {
        int k = col_of(f[i]);
        if (k >= 0 && pos[k] < 0)
            pos[k] = i;
    }
    return pos[C_ADDON] >= 0 && pos[C_PRIMARY] >= 0 && pos[C_TYPE] >= 0 && pos[C_EFF] >= 0;
}

static int detect(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++)
        if ((edits_line_has(l[i], "add-on code") || edits_line_has(l[i], "addon code")) &&
            edits_line_has(l[i], "primary") && edits_line_has(l[i], "type"))
            return 95;
    return 0;
}

static rcm_str field(const rcm_str *f, int n, int pos)
{
    return pos >= 0 && pos < n ? f[pos] : (rcm_str){ "", 0 };
}

static int parse_row(aoc_rec *r, const int *pos, const rcm_str *f, int n, char *msg, size_t msgsz)
{
    const char *why = NULL;
    rcm_str a = field(f, n, pos[C_ADDON]), p = field(f, n, pos[C_PRIMARY]), t = field(f, n, pos[C_TYPE]);
    rcm_str e = field(f, n, pos[C_EFF]), d = field(f, n, pos[C_DEL]);
    memset(r, 0, sizeof(*r));
    if (edits_proc_parse(&r->addon, a, &why) < 0) {
        snprintf(msg, msgsz, "field %d '%s': '%s': %s", pos[C_ADDON] + 1, col_names[C_ADDON], a.p, why);
        return RCM_EFORMAT;
    }
    if (t.n != 1 || t.p[0] < '1' || t.p[0] > '3') {
        snprintf(msg, msgsz, "field %d '%s': '%s': expected 1, 2 or 3", pos[C_TYPE] + 1, col_names[C_TYPE],
                 t.p ? t.p : "");
        return RCM_EFORMAT;
    }
    r->type = t.p[0] - '0';
    if (p.n == 0 || rcm_str_eq(p, "CCCCC")) {
        if (r->type == 1) {
            snprintf(msg, msgsz, "field %d '%s': a type 1 add-on code lists its primary codes",
                     pos[C_PRIMARY] + 1, col_names[C_PRIMARY]);
            return RCM_EFORMAT;
        }
        r->primary = 0;
    } else if (edits_proc_parse(&r->primary, p, &why) < 0) {
        snprintf(msg, msgsz, "field %d '%s': '%s': %s", pos[C_PRIMARY] + 1, col_names[C_PRIMARY], p.p, why);
        return RCM_EFORMAT;
    }
    if (refdata_parse_date(&r->eff, e) < 0 || r->eff == RCM_DATE_NONE) {
        snprintf(msg, msgsz, "field %d '%s': '%s' is not a date (YYYYMMDD)", pos[C_EFF] + 1, col_names[C_EFF],
                 e.p ? e.p : "");
        return RCM_EFORMAT;
    }
    r->del = RCM_DATE_NONE;
    if (d.n && !rcm_str_eq(d, "*")) {
        if (refdata_parse_date(&r->del, d) < 0) {
            snprintf(msg, msgsz, "field %d '%s': '%s' is not a date (YYYYMMDD) or '*'", pos[C_DEL] + 1,
                     col_names[C_DEL], d.p);
            return RCM_EFORMAT;
        }
        if (r->del < r->eff) {
            snprintf(msg, msgsz, "field %d '%s': %s is before the effective date %s", pos[C_DEL] + 1,
                     col_names[C_DEL], d.p, e.p);
            return RCM_EFORMAT;
        }
    }
    return 0;
}

static int load(refdata_ctx *c)
{
    int rc = edits_quarterly_version(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, "INSERT INTO ncci_aoc (load_id, line, addon, primary_code, edit_type,"
                                 " eff_date, del_date) VALUES (?, ?, ?, ?, ?, ?, ?)", c->err) < 0)
        return refdata_sqlerr(c, "store: preparing the AOC insert");
    sqlite3_bind_int64(s, 1, c->load_id);
    int pos[NCOLS], header = 0;
    rcm_str line, f[32];
    char msg[256];
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = edits_split_any(c, line, f, 32);
        if (n < 0) {
            rc = header ? refdata_bad(c, "a quoted field is not closed") : 0;
            continue;
        }
        if (n > 32)
            n = 32;
        if (!header) {
            if (map_header(pos, f, n))
                header = 1;
            else if (c->line >= PREAMBLE_MAX)
                rc = refdata_fail(c, RCM_EFORMAT, "no header row naming 'Add-on Code', 'Primary Code',"
                                  " 'AOC Edit Type' and 'AOC Edit Effective Date' in the first %d lines",
                                  PREAMBLE_MAX);
            continue;
        }
        int blank = 1;
        for (int i = 0; i < n; i++)
            blank &= f[i].n == 0;
        if (blank)
            continue;
        aoc_rec r;
        if (parse_row(&r, pos, f, n, msg, sizeof(msg)) < 0) {
            rc = refdata_bad(c, "%s", msg);
            continue;
        }
        char a[6], p[6];
        rcm_proc_unpack(a, r.addon);
        rcm_proc_unpack(p, r.primary);
        sqlite3_bind_int64(s, 2, c->line);
        sqlite3_bind_text(s, 3, a, -1, SQLITE_TRANSIENT);
        if (r.primary)
            sqlite3_bind_text(s, 4, p, -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(s, 4);
        sqlite3_bind_int(s, 5, r.type);
        sqlite3_bind_int(s, 6, r.eff);
        store_bind_date(s, 7, r.del);
        if (sqlite3_step(s) != SQLITE_DONE)
            rc = refdata_sqlerr(c, "store: saving an add-on code edit");
        sqlite3_reset(s);
        if (rc == 0)
            c->rows++;
    }
    sqlite3_finalize(s);
    if (rc == 0 && !header)
        rc = refdata_fail(c, RCM_EFORMAT, "no header row naming 'Add-on Code', 'Primary Code', 'AOC Edit Type'"
                          " and 'AOC Edit Effective Date': not an add-on code file");
    return rc;
}

static const char *const tables[] = { "ncci_aoc", NULL };

const refdata_kind refdata_kind_aoc = {
    "aoc", "NCCI add-on code edits: add-on, primary, edit type, dates (CSV)", detect, load, tables,
};
