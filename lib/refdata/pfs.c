/*
 * Medicare Physician Fee Schedule files, as CSV with a header row whose
 * column names are matched with case, blanks and punctuation ignored (the
 * CMS names and the snake_case names of the bundled copies both work;
 * banner lines before the header are skipped):
 *   pprrvu    PPRRVU relative values: one row per code, or code + modifier
 *             26/TC/53. RVUs are read as exact fixed point (x 10000).
 *   gpci      geographic practice cost indices by MAC and locality
 *   cf        conversion factors: type (physician, anesthesia), value, dates
 *   anes_cf   anesthesia conversion factor by MAC and locality
 *   locality  localities and the counties they cover
 * Rows whose first field starts with '*' are footnotes and skipped.
 * Versions: the calendar year from the file name (PPRRVU2025_Oct,
 * gpci_2025) or --version; a PPRRVU release month (Jan/Apr/Jul/Oct, or the
 * RVU25A-D letter) makes it "2025-10", in force from that month to the end
 * of the year. The others are in force for the whole year.
 */
#include <ctype.h>
#include "edits_internal.h"

#define PREAMBLE_MAX 20
#define MAXF 48

/* ---- columns found by header names ---- */

typedef struct col {
    const char *name;           /* for messages */
    const char *const *alias;   /* normalized names, NULL-terminated */
    const char *has;            /* or: a part the normalized name contains (NULL: none) */
    int required;
} col;

static int col_match(const col *k, rcm_str h)
{
    for (const char *const *a = k->alias; a && *a; a++)
        if (edits_field_is(h, *a))
            return 1;
    return k->has && edits_field_has(h, k->has) && !edits_field_has(h, "without");
}

/* Maps header fields to the columns; 1 when every required column is there. */
static int map_cols(int *pos, const col *cols, int ncols, const rcm_str *f, int n)
{
    for (int i = 0; i < ncols; i++)
        pos[i] = -1;
    for (int j = 0; j < n; j++)
        for (int i = 0; i < ncols; i++)
            if (pos[i] < 0 && col_match(&cols[i], f[j])) {
                pos[i] = j;
                break;
            }
    for (int i = 0; i < ncols; i++)
        if (cols[i].required && pos[i] < 0)
            return 0;
    return 1;
}

static rcm_str fld(const rcm_str *f, int n, const int *pos, int i)
{
    return pos[i] >= 0 && pos[i] < n ? f[pos[i]] : (rcm_str){ "", 0 };
}

/* A fixed-point field x 10000; empty is 0 when allow_empty. */
static int fixed4(int64_t *out, const rcm_str *f, int n, const int *pos, const col *cols, int i,
                  int allow_empty, char *msg, size_t msgsz)
{
    rcm_str s = fld(f, n, pos, i);
    if (s.n == 0 && allow_empty) {
        *out = 0;
        return 0;
    }
    if (edits_fixed_parse(out, s, 4, 1000000000) < 0) {
        snprintf(msg, msgsz, "field %d '%s': '%s' is not a number with at most 4 decimals", pos[i] + 1,
                 cols[i].name, s.p ? s.p : "");
        return RCM_EFORMAT;
    }
    return 0;
}

/* An indicator: one letter or digit, or empty. */
static int indicator(char *out, const rcm_str *f, int n, const int *pos, const col *cols, int i, char *msg,
                     size_t msgsz)
{
    rcm_str s = fld(f, n, pos, i);
    *out = '\0';
    if (s.n == 0)
        return 0;
    if (s.n != 1 || !isalnum((unsigned char)s.p[0])) {
        snprintf(msg, msgsz, "field %d '%s': '%s': expected one letter or digit", pos[i] + 1, cols[i].name, s.p);
        return RCM_EFORMAT;
    }
    *out = s.p[0];
    return 0;
}

/* MAC (zero-padded to 5 digits) and locality (to 2). */
static int mac_loc(char mac[8], char loc[4], rcm_str m, rcm_str l, int mpos, int lpos, char *msg, size_t msgsz)
{
    if (m.n < 1 || m.n > 5 || strspn(m.p, "0123456789") != m.n) {
        snprintf(msg, msgsz, "field %d 'mac': '%s': expected up to 5 digits", mpos + 1, m.p ? m.p : "");
        return RCM_EFORMAT;
    }
    if (l.n < 1 || l.n > 2 || !isalnum((unsigned char)l.p[0]) || (l.n == 2 && !isalnum((unsigned char)l.p[1]))) {
        snprintf(msg, msgsz, "field %d 'locality': '%s': expected 1 or 2 letters or digits", lpos + 1,
                 l.p ? l.p : "");
        return RCM_EFORMAT;
    }
    snprintf(mac, 8, "%.*s%.*s", (int)(5 - m.n), "00000", (int)m.n, m.p);
    snprintf(loc, 4, "%.*s%.*s", (int)(2 - l.n), "00", (int)l.n, l.p);
    return 0;
}

/*
 * Reads the file: skips banner lines until the header maps, then calls row()
 * for every non-blank data row. row returns 0, RCM_EFORMAT with msg (a bad
 * row) or another error.
 */
typedef int (*row_fn)(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                      size_t msgsz);

static int read_rows(refdata_ctx *c, const col *cols, int ncols, const char *sql, row_fn row,
                     const char *what)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, sql, c->err) < 0)
        return refdata_sqlerr(c, "store: preparing an insert");
    sqlite3_bind_int64(s, 1, c->load_id);
    int pos[MAXF], header = 0, rc = 0;
    rcm_str line, f[MAXF];
    char msg[256];
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = edits_split_any(c, line, f, MAXF);
        if (n < 0) {
            rc = header ? refdata_bad(c, "a quoted field is not closed") : 0;
            continue;
        }
        if (n > MAXF)
            n = MAXF;
        if (!header) {
            if (map_cols(pos, cols, ncols, f, n))
                header = 1;
            else if (c->line >= PREAMBLE_MAX)
                break;
            continue;
        }
        int blank = 1;
        for (int i = 0; i < n; i++)
            blank &= f[i].n == 0;
        if (blank || (f[0].n && f[0].p[0] == '*'))
            continue; /* a blank row, or a footnote ("*  Payment locality is serviced by two carriers.") */
        msg[0] = '\0';
        sqlite3_bind_int64(s, 2, c->line);
        int r = row(c, s, f, n, pos, msg, sizeof(msg));
        if (r == RCM_EFORMAT) {
            rc = refdata_bad(c, "%s", msg);
            continue;
        }
        if (r < 0) {
            rc = r;
            continue;
        }
        int step = sqlite3_step(s);
        sqlite3_reset(s);
        if ((step & 0xff) == SQLITE_CONSTRAINT)
            rc = refdata_bad(c, "%s appears twice in the file", msg[0] ? msg : "the row");
        else if (step != SQLITE_DONE)
            rc = refdata_sqlerr(c, "store: saving a fee schedule row");
        else
            c->rows++;
    }
    sqlite3_finalize(s);
    if (rc == 0 && !header) {
        rcm_buf b;
        rcm_buf_init(&b, 200);
        for (int i = 0; i < ncols; i++)
            if (cols[i].required)
                rcm_buf_addf(&b, "%s'%s'", b.len ? ", " : "", cols[i].name);
        rc = refdata_fail(c, RCM_EFORMAT, "no header row naming %s in the first %d lines: not a %s file",
                          b.ptr, PREAMBLE_MAX, what);
        rcm_buf_release(&b);
    }
    return rc;
}

/* Version = the year (from --version or the name), in force 1 January to 31 December. */
static int year_version(refdata_ctx *c)
{
    int y = refdata_default_version(c, 1);
    if (!c->version[0])
        return RCM_EINVAL;
    if (y) {
        c->eff_from = rcm_date_from_ymd(y, 1, 1);
        c->eff_to = rcm_date_from_ymd(y, 12, 31);
    }
    return 0;
}

/* ---- pprrvu ---- */

enum {
    R_HCPCS, R_MOD, R_STATUS, R_WORK, R_PE_NF, R_NA_NF, R_PE_F, R_NA_F, R_MP, R_PCTC, R_GLOB, R_PRE, R_INTRA,
    R_POST, R_MULT, R_BILAT, R_ASST, R_CO, R_TEAM, R_ENDO, R_CF, R_NCOLS
};

#define A(...) (const char *const[]){ __VA_ARGS__, NULL }
static const col rvu_cols[R_NCOLS] = {
    { "hcpcs", A("hcpcs", "hcpc", "hcpcscode", "code"), NULL, 1 },
    { "modifier", A("modifier", "mod"), NULL, 1 },
    { "status_code", A("statuscode", "status"), NULL, 1 },
    { "work_rvu", A("workrvu", "work", "rvuwork"), NULL, 1 },
    { "nonfac_pe_rvu", A("nonfacpervu", "nonfacilitypervu", "nonfacpe", "fullynonfacilitypervu"), NULL, 1 },
    { "nonfac_na_indicator", A("nonfacnaindicator", "nonfacilitynaindicator", "nonfacna"), NULL, 0 },
    { "facility_pe_rvu", A("facilitypervu", "facpervu", "facilitype", "fullyfacilitypervu"), NULL, 1 },
    { "facility_na_indicator", A("facilitynaindicator", "facnaindicator", "facilityna"), NULL, 0 },
    { "mp_rvu", A("mprvu", "malpracticervu", "mp"), NULL, 1 },
    { "pctc_ind", A("pctcind", "pctcindicator", "pctc"), NULL, 0 },
    { "glob_days", A("globdays", "global", "globaldays", "globalsurgery"), NULL, 0 },
    { "pre_op", A("preop"), NULL, 0 },
    { "intra_op", A("intraop"), NULL, 0 },
    { "post_op", A("postop"), NULL, 0 },
    { "mult_proc", A("multproc", "multipleprocedure", "multipleprocedures"), NULL, 0 },
    { "bilat_surg", A("bilatsurg", "bilateralsurgery"), NULL, 0 },
    { "asst_surg", A("asstsurg", "assistantsurgery", "assistantatsurgery"), NULL, 0 },
    { "co_surg", A("cosurg", "cosurgery", "cosurgeons"), NULL, 0 },
    { "team_surg", A("teamsurg", "teamsurgery"), NULL, 0 },
    { "endo_base", A("endobase", "endoscopicbase"), NULL, 0 },
    { "conv_factor", A("convfactor", "conversionfactor"), NULL, 0 },
};

static int na_flag(int *out, rcm_str s, int i, const col *k, char *msg, size_t msgsz)
{
    *out = 0;
    if (s.n == 0)
        return 0;
    if (s.n == 2 && toupper((unsigned char)s.p[0]) == 'N' && toupper((unsigned char)s.p[1]) == 'A') {
        *out = 1;
        return 0;
    }
    snprintf(msg, msgsz, "field %d '%s': '%s': expected NA or nothing", i + 1, k->name, s.p);
    return RCM_EFORMAT;
}

static int rvu_row(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                   size_t msgsz)
{
    const col *k = rvu_cols;
    rcm_str code = fld(f, n, pos, R_HCPCS), mod = fld(f, n, pos, R_MOD), st = fld(f, n, pos, R_STATUS);
    rcm_str glob = fld(f, n, pos, R_GLOB), endo = fld(f, n, pos, R_ENDO);
    rcm_proc p;
    const char *why = NULL;
    if (edits_proc_parse(&p, code, &why) < 0) {
        snprintf(msg, msgsz, "field %d 'hcpcs': '%s': %s", pos[R_HCPCS] + 1, code.p ? code.p : "", why);
        return RCM_EFORMAT;
    }
    if (mod.n && rcm_code_check_modifier(mod, &why) < 0) {
        snprintf(msg, msgsz, "field %d 'modifier': '%s': %s", pos[R_MOD] + 1, mod.p, why);
        return RCM_EFORMAT;
    }
    if (st.n != 1 || !isupper((unsigned char)st.p[0])) {
        snprintf(msg, msgsz, "field %d 'status_code': '%s': expected one capital letter", pos[R_STATUS] + 1,
                 st.p ? st.p : "");
        return RCM_EFORMAT;
    }
    if (glob.n > 3) {
        snprintf(msg, msgsz, "field %d 'glob_days': '%s': expected 3 characters (090, XXX...)",
                 pos[R_GLOB] + 1, glob.p);
        return RCM_EFORMAT;
    }
    if (endo.n && edits_proc_parse(&p, endo, &why) < 0) {
        snprintf(msg, msgsz, "field %d 'endo_base': '%s': %s", pos[R_ENDO] + 1, endo.p, why);
        return RCM_EFORMAT;
    }
    int64_t v[R_NCOLS];
    static const int fixed[] = { R_WORK, R_PE_NF, R_PE_F, R_MP, R_PRE, R_INTRA, R_POST, R_CF };
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
        if (fixed4(&v[fixed[i]], f, n, pos, k, fixed[i], fixed[i] >= R_PRE, msg, msgsz) < 0)
            return RCM_EFORMAT;
    int na_nf, na_f;
    if (na_flag(&na_nf, fld(f, n, pos, R_NA_NF), pos[R_NA_NF], &k[R_NA_NF], msg, msgsz) < 0 ||
        na_flag(&na_f, fld(f, n, pos, R_NA_F), pos[R_NA_F], &k[R_NA_F], msg, msgsz) < 0)
        return RCM_EFORMAT;
    char ind[R_NCOLS][2];
    static const int inds[] = { R_PCTC, R_MULT, R_BILAT, R_ASST, R_CO, R_TEAM };
    for (size_t i = 0; i < ARRAY_SIZE(inds); i++) {
        if (indicator(&ind[inds[i]][0], f, n, pos, k, inds[i], msg, msgsz) < 0)
            return RCM_EFORMAT;
        ind[inds[i]][1] = '\0';
    }
    sqlite3_bind_text(s, 3, code.p, (int)code.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, mod.p ? mod.p : "", (int)mod.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, st.p, 1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, v[R_WORK]);
    sqlite3_bind_int64(s, 7, v[R_PE_NF]);
    sqlite3_bind_int(s, 8, na_nf);
    sqlite3_bind_int64(s, 9, v[R_PE_F]);
    sqlite3_bind_int(s, 10, na_f);
    sqlite3_bind_int64(s, 11, v[R_MP]);
    sqlite3_bind_text(s, 12, ind[R_PCTC], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 13, glob.p ? glob.p : "", (int)glob.n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 14, v[R_PRE]);
    sqlite3_bind_int64(s, 15, v[R_INTRA]);
    sqlite3_bind_int64(s, 16, v[R_POST]);
    sqlite3_bind_text(s, 17, ind[R_MULT], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 18, ind[R_BILAT], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 19, ind[R_ASST], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 20, ind[R_CO], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 21, ind[R_TEAM], -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 22, endo.p ? endo.p : "", (int)endo.n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 23, v[R_CF]);
    snprintf(msg, msgsz, "code '%s'%s%s", code.p, mod.n ? " with modifier " : "", mod.n ? mod.p : "");
    return 0;
}

static int month_in_name(const char *name)
{
    static const char *const m[] = { "jan", "apr", "jul", "oct" };
    for (int i = 0; i < 4; i++)
        if (strcasestr(name, m[i]))
            return i * 3 + 1;
    /* RVU25A..D: the release letter */
    const char *r = strcasestr(name, "rvu");
    if (r && isdigit((unsigned char)r[3]) && isdigit((unsigned char)r[4])) {
        int l = toupper((unsigned char)r[5]);
        if (l >= 'A' && l <= 'D')
            return (l - 'A') * 3 + 1;
    }
    return 0;
}

/* The year: 4 digits in the name, or the 2 of PPRRVU25 / RVU25. */
static int year_in_name(const char *name)
{
    int y = refdata_year_in_name(name);
    const char *r = strcasestr(name, "rvu");
    if (!y && r && isdigit((unsigned char)r[3]) && isdigit((unsigned char)r[4]) &&
        !isdigit((unsigned char)r[5]))
        y = 2000 + (r[3] - '0') * 10 + (r[4] - '0');
    return y;
}

static int rvu_version(refdata_ctx *c)
{
    int y = 0, m = 0;
    if (c->version[0]) {
        const char *v = c->version;
        if (strlen(v) >= 4 && isdigit((unsigned char)v[0]) && isdigit((unsigned char)v[1]) &&
            isdigit((unsigned char)v[2]) && isdigit((unsigned char)v[3])) {
            y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
            if (v[4] == '-' && isdigit((unsigned char)v[5]) && isdigit((unsigned char)v[6]) && !v[7])
                m = (v[5] - '0') * 10 + (v[6] - '0');
            else if (v[4])
                y = 0;
        }
        if (m > 12)
            m = 0;
    } else {
        y = year_in_name(c->name);
        if (!y) {
            c->line = 0;
            return refdata_fail(c, RCM_EINVAL, "no version: put the year in the file name"
                                " (PPRRVU2025_Oct.csv) or pass --version 2025-10");
        }
        m = month_in_name(c->name);
        if (m)
            snprintf(c->version, sizeof(c->version), "%04d-%02d", y, m);
        else
            snprintf(c->version, sizeof(c->version), "%04d", y);
    }
    if (y >= 1990 && y <= 2099) {
        c->eff_from = rcm_date_from_ymd(y, m ? m : 1, 1);
        c->eff_to = rcm_date_from_ymd(y, 12, 31);
    }
    return 0;
}

static int rvu_detect(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++)
        if (edits_line_has(l[i], "hcpc") && edits_line_has(l[i], "work") && edits_line_has(l[i], "rvu") &&
            edits_line_has(l[i], "mod"))
            return 95;
    return refdata_name_has(p, "pprrvu") ? 60 : 0;
}

static int rvu_load(refdata_ctx *c)
{
    int rc = rvu_version(c);
    if (rc < 0)
        return rc;
    return read_rows(c, rvu_cols, R_NCOLS,
                     "INSERT INTO pfs_rvu (load_id, line, hcpcs, modifier, status, work_rvu, pe_nonfac,"
                     " nonfac_na, pe_fac, fac_na, mp_rvu, pctc, glob_days, pre_op, intra_op, post_op,"
                     " mult_proc, bilat_surg, asst_surg, co_surg, team_surg, endo_base, conv_factor)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     rvu_row, "PPRRVU");
}

/* ---- gpci ---- */

enum { G_MAC, G_STATE, G_LOC, G_NAME, G_WORK, G_PE, G_MP, G_NCOLS };
static const col gpci_cols[G_NCOLS] = {
    { "mac", A("mac", "medicareadministrativecontractor", "medicareadministrativecontractormac", "contractor",
               "carrier"), NULL, 1 },
    { "state", A("state"), NULL, 0 },
    { "locality", A("locality", "localitynumber", "loc"), NULL, 1 },
    { "locality_name", A("localityname", "name", "feescheduleareaname"), NULL, 1 },
    { "pw_gpci", A("pwgpci", "workgpci", "pwgpciwithfloor"), "pwgpci", 1 },
    { "pe_gpci", A("pegpci"), "pegpci", 1 },
    { "mp_gpci", A("mpgpci"), "mpgpci", 1 },
};

static int gpci_row(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                    size_t msgsz)
{
    char mac[8], loc[4];
    if (mac_loc(mac, loc, fld(f, n, pos, G_MAC), fld(f, n, pos, G_LOC), pos[G_MAC], pos[G_LOC], msg, msgsz) < 0)
        return RCM_EFORMAT;
    rcm_str name = fld(f, n, pos, G_NAME), state = fld(f, n, pos, G_STATE);
    if (!name.n) {
        snprintf(msg, msgsz, "field %d 'locality_name': empty", pos[G_NAME] + 1);
        return RCM_EFORMAT;
    }
    int64_t w, pe, mp;
    if (fixed4(&w, f, n, pos, gpci_cols, G_WORK, 0, msg, msgsz) < 0 ||
        fixed4(&pe, f, n, pos, gpci_cols, G_PE, 0, msg, msgsz) < 0 ||
        fixed4(&mp, f, n, pos, gpci_cols, G_MP, 0, msg, msgsz) < 0)
        return RCM_EFORMAT;
    sqlite3_bind_text(s, 3, mac, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, loc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, state.p ? state.p : "", (int)state.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, name.p, (int)name.n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 7, w);
    sqlite3_bind_int64(s, 8, pe);
    sqlite3_bind_int64(s, 9, mp);
    snprintf(msg, msgsz, "locality %s:%s", mac, loc);
    return 0;
}

static int gpci_detect(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++)
        if (edits_line_has(l[i], "gpci") && edits_line_has(l[i], "locality"))
            return 95;
    return 0;
}

static int gpci_load(refdata_ctx *c)
{
    int rc = year_version(c);
    if (rc < 0)
        return rc;
    return read_rows(c, gpci_cols, G_NCOLS,
                     "INSERT INTO pfs_gpci (load_id, line, mac, locality, state, name, gpci_work, gpci_pe,"
                     " gpci_mp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     gpci_row, "GPCI");
}

/* ---- cf ---- */

enum { F_TYPE, F_VALUE, F_DESC, F_FROM, F_TO, F_NCOLS };
static const col cf_cols[F_NCOLS] = {
    { "cf_type", A("cftype", "type"), NULL, 1 },
    { "cf_value", A("cfvalue", "value", "conversionfactor"), NULL, 1 },
    { "cf_description", A("cfdescription", "description"), NULL, 0 },
    { "effective_from", A("effectivefrom", "effectivedate", "from"), NULL, 0 },
    { "effective_to", A("effectiveto", "to"), NULL, 0 },
};

static int cf_row(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                  size_t msgsz)
{
    rcm_str type = fld(f, n, pos, F_TYPE), desc = fld(f, n, pos, F_DESC);
    if (!rcm_str_eq(type, "physician") && !rcm_str_eq(type, "anesthesia")) {
        snprintf(msg, msgsz, "field %d 'cf_type': '%s': expected physician or anesthesia", pos[F_TYPE] + 1,
                 type.p ? type.p : "");
        return RCM_EFORMAT;
    }
    int64_t v;
    if (fixed4(&v, f, n, pos, cf_cols, F_VALUE, 0, msg, msgsz) < 0)
        return RCM_EFORMAT;
    rcm_date from, to;
    rcm_str sf = fld(f, n, pos, F_FROM), stt = fld(f, n, pos, F_TO);
    if (refdata_parse_date(&from, sf) < 0) {
        snprintf(msg, msgsz, "field %d 'effective_from': '%s' is not a date", pos[F_FROM] + 1, sf.p);
        return RCM_EFORMAT;
    }
    if (refdata_parse_date(&to, stt) < 0) {
        snprintf(msg, msgsz, "field %d 'effective_to': '%s' is not a date", pos[F_TO] + 1, stt.p);
        return RCM_EFORMAT;
    }
    sqlite3_bind_text(s, 3, type.p, (int)type.n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 4, v);
    if (desc.n)
        sqlite3_bind_text(s, 5, desc.p, (int)desc.n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 5);
    store_bind_date(s, 6, from);
    store_bind_date(s, 7, to);
    return 0;
}

static int cf_detect(const refdata_probe *p)
{
    return refdata_probe_starts(p, "cf_type,cf_value") ? 95 : 0;
}

static int cf_load(refdata_ctx *c)
{
    int rc = year_version(c);
    if (rc < 0)
        return rc;
    return read_rows(c, cf_cols, F_NCOLS,
                     "INSERT INTO pfs_cf (load_id, line, cf_type, cf, descr, eff_from, eff_to)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     cf_row, "conversion factor");
}

/* ---- anes_cf ---- */

enum { N_MAC, N_LOC, N_NAME, N_CF, N_NCOLS };
static const col anes_cols[N_NCOLS] = {
    { "mac", A("mac", "contractor", "carrier", "medicareadministrativecontractor"), NULL, 1 },
    { "locality", A("locality", "localitynumber", "loc"), NULL, 1 },
    { "locality_name", A("localityname", "name"), NULL, 1 },
    { "anesthesia_cf", A("anesthesiacf", "anesthesiaconversionfactor", "conversionfactor", "cf"), "anesthesia",
      1 },
};

static int anes_row(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                    size_t msgsz)
{
    char mac[8], loc[4];
    if (mac_loc(mac, loc, fld(f, n, pos, N_MAC), fld(f, n, pos, N_LOC), pos[N_MAC], pos[N_LOC], msg, msgsz) < 0)
        return RCM_EFORMAT;
    int64_t v;
    if (fixed4(&v, f, n, pos, anes_cols, N_CF, 0, msg, msgsz) < 0)
        return RCM_EFORMAT;
    rcm_str name = fld(f, n, pos, N_NAME);
    sqlite3_bind_text(s, 3, mac, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, loc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, name.p ? name.p : "", (int)name.n, SQLITE_TRANSIENT);
    sqlite3_bind_int64(s, 6, v);
    snprintf(msg, msgsz, "locality %s:%s", mac, loc);
    return 0;
}

static int anes_detect(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++)
        if (edits_line_has(l[i], "anesthesia") && edits_line_has(l[i], "locality"))
            return 95;
    return 0;
}

static int anes_load(refdata_ctx *c)
{
    int rc = year_version(c);
    if (rc < 0)
        return rc;
    return read_rows(c, anes_cols, N_NCOLS,
                     "INSERT INTO pfs_anes_cf (load_id, line, mac, locality, name, anes_cf)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     anes_row, "anesthesia conversion factor");
}

/* ---- locality ---- */

enum { L_MAC, L_LOC, L_STATE, L_AREA, L_COUNTIES, L_NCOLS };
static const col loc_cols[L_NCOLS] = {
    { "mac", A("mac", "contractor", "carrier", "medicareadministrativecontractor"), NULL, 1 },
    { "locality", A("locality", "localitynumber", "loc"), NULL, 1 },
    { "state", A("state"), NULL, 1 },
    { "fee_schedule_area", A("feeschedulearea", "area"), NULL, 1 },
    { "counties", A("counties", "county"), NULL, 1 },
};

static int loc_row(refdata_ctx *c, sqlite3_stmt *s, const rcm_str *f, int n, const int *pos, char *msg,
                   size_t msgsz)
{
    char mac[8], loc[4];
    if (mac_loc(mac, loc, fld(f, n, pos, L_MAC), fld(f, n, pos, L_LOC), pos[L_MAC], pos[L_LOC], msg, msgsz) < 0)
        return RCM_EFORMAT;
    rcm_str st = fld(f, n, pos, L_STATE), area = fld(f, n, pos, L_AREA), cnt = fld(f, n, pos, L_COUNTIES);
    sqlite3_bind_text(s, 3, mac, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 4, loc, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 5, st.p ? st.p : "", (int)st.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 6, area.p ? area.p : "", (int)area.n, SQLITE_TRANSIENT);
    sqlite3_bind_text(s, 7, cnt.p ? cnt.p : "", (int)cnt.n, SQLITE_TRANSIENT);
    return 0;
}

static int loc_detect(const refdata_probe *p)
{
    probe_line l[PREAMBLE_MAX + 2];
    size_t n = edits_probe_lines(p, l, ARRAY_SIZE(l));
    for (size_t i = 0; i < n; i++)
        if (edits_line_has(l[i], "locality") && edits_line_has(l[i], "count") &&
            edits_line_has(l[i], "area"))
            return 95;
    return 0;
}

static int loc_load(refdata_ctx *c)
{
    int rc = year_version(c);
    if (rc < 0)
        return rc;
    return read_rows(c, loc_cols, L_NCOLS,
                     "INSERT INTO pfs_locality (load_id, line, mac, locality, state, area, counties)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?)",
                     loc_row, "locality");
}

static const char *const rvu_tables[] = { "pfs_rvu", NULL };
static const char *const gpci_tables[] = { "pfs_gpci", NULL };
static const char *const cf_tables[] = { "pfs_cf", NULL };
static const char *const anes_tables[] = { "pfs_anes_cf", NULL };
static const char *const loc_tables[] = { "pfs_locality", NULL };

const refdata_kind refdata_kind_pprrvu = {
    "pprrvu", "physician fee schedule relative values (CMS PPRRVU, CSV)", rvu_detect, rvu_load, rvu_tables,
};
const refdata_kind refdata_kind_gpci = {
    "gpci", "geographic practice cost indices by locality (CMS GPCI, CSV)", gpci_detect, gpci_load,
    gpci_tables,
};
const refdata_kind refdata_kind_cf = {
    "cf", "fee schedule conversion factors (CSV cf_type,cf_value,...)", cf_detect, cf_load, cf_tables,
};
const refdata_kind refdata_kind_anes_cf = {
    "anes_cf", "anesthesia conversion factor by locality (CMS ANES, CSV)", anes_detect, anes_load,
    anes_tables,
};
const refdata_kind refdata_kind_locality = {
    "locality", "fee schedule localities and their counties (CMS LOCCO, CSV)", loc_detect, loc_load,
    loc_tables,
};
