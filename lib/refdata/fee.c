/*
 * The fee schedule's lookups and the expected allowed amount:
 *   allowed = (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF
 * RVUs, GPCIs and the CF are exact fixed point (x 10000, as the files print
 * them), the product is carried exactly in 128-bit integers and rounded once,
 * half up, to the cent. Modifier adjustments (bilateral, multiple procedure,
 * co-surgeon, assistant) multiply the same exact product before the rounding.
 */
#include <ctype.h>
#include "edits_internal.h"

__extension__ typedef __int128 i128;

/* The exact product (x 10^16 of a dollar) as a decimal with its trailing zeros removed. */
static void fmt_exact(char *out, size_t outsz, i128 v)
{
    const i128 unit = (i128)100000000 * 100000000;
    i128 ip = v / unit, fp = v % unit;
    char frac[17];
    for (int i = 15; i >= 0; i--) {
        frac[i] = (char)('0' + (int)(fp % 10));
        fp /= 10;
    }
    int n = 16;
    while (n > 2 && frac[n - 1] == '0')
        n--;
    frac[n] = '\0';
    char whole[24];
    int k = 0;
    do {
        whole[k++] = (char)('0' + (int)(ip % 10));
        ip /= 10;
    } while (ip && k < 23);
    size_t o = 0;
    while (k > 0 && o + 1 < outsz)
        out[o++] = whole[--k];
    for (int i = -1; i < n && o + 1 < outsz; i++)
        out[o++] = i < 0 ? '.' : frac[i];
    out[o] = '\0';
}

static i128 exact_product(int32_t work, int32_t pe, int32_t mp, int32_t gw, int32_t gpe, int32_t gmp, int32_t cf,
                          int32_t pct)
{
    return ((i128)work * gw + (i128)pe * gpe + (i128)mp * gmp) * cf * pct;
}

int rcm_pfs_amount(int64_t *out_cents, int32_t work, int32_t pe, int32_t mp, int32_t gpci_work, int32_t gpci_pe,
                   int32_t gpci_mp, int32_t cf, int32_t pct)
{
    *out_cents = 0;
    if (work < 0 || pe < 0 || mp < 0 || gpci_work < 0 || gpci_pe < 0 || gpci_mp < 0 || cf < 0 || pct < 0)
        return RCM_EINVAL;
    /* each term x 10^8; the sum x CF x pct is x 10^16; a cent is 10^14 of that */
    i128 v = exact_product(work, pe, mp, gpci_work, gpci_pe, gpci_mp, cf, pct);
    const i128 cent = (i128)100000000 * 1000000;
    i128 q = (v + cent / 2) / cent;
    if (q > INT64_MAX)
        return RCM_ELIMIT;
    *out_cents = (int64_t)q;
    return 0;
}

const char *rcm_pfs_status_text(char status)
{
    switch (status) {
    case 'A': return "active code, paid under the fee schedule";
    case 'B': return "bundled: paid as part of other services, never separately";
    case 'C': return "contractor priced: the MAC sets the amount";
    case 'D': return "deleted code";
    case 'E': return "excluded from the fee schedule by regulation";
    case 'F': return "deleted code, no grace period";
    case 'G': return "not valid for Medicare: another code is billed";
    case 'H': return "deleted modifier";
    case 'I': return "not valid for Medicare: another code is billed";
    case 'J': return "anesthesia service: priced by base and time units";
    case 'M': return "measurement code, reported for quality programs only";
    case 'N': return "not covered by Medicare";
    case 'P': return "bundled or excluded: no separate payment";
    case 'Q': return "therapy functional information code";
    case 'R': return "restricted coverage: paid under the fee schedule when covered";
    case 'T': return "paid only when no other service is paid on the same day";
    case 'X': return "statutory exclusion: not a physician service Medicare pays";
    default: return "";
    }
}

static int priced_status(char s) { return s == 'A' || s == 'R' || s == 'T'; }

/* ---- which load ---- */

typedef struct pick {
    long load_id;
    char version[RCM_PFS_VERSION_MAX];
    char source[RCM_PFS_SOURCE_MAX];
    rcm_date from, to;
} pick;

static void col_text(char *out, size_t outsz, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/*
 * The load of kind for dos: in force on it (latest start), else the
 * earliest load of dos's year (a later release of the same year), else 0.
 * dos RCM_DATE_NONE: the latest load.
 */
static int pick_load(pick *out, rcm_store *st, const char *kind, rcm_date dos, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    static const char *const sql[] = {
        "SELECT load_id, version, source, eff_from, eff_to FROM refdata_load WHERE kind = ?1"
        " AND replaced_by IS NULL ORDER BY coalesce(eff_from, -2147483647) DESC, load_id DESC LIMIT 1",
        "SELECT load_id, version, source, eff_from, eff_to FROM refdata_load WHERE kind = ?1"
        " AND replaced_by IS NULL AND (eff_from IS NULL OR eff_from <= ?2) AND (eff_to IS NULL OR eff_to >= ?2)"
        " ORDER BY coalesce(eff_from, -2147483647) DESC, load_id DESC LIMIT 1",
        "SELECT load_id, version, source, eff_from, eff_to FROM refdata_load WHERE kind = ?1"
        " AND replaced_by IS NULL AND eff_from >= ?3 AND eff_from <= ?4"
        " ORDER BY eff_from, load_id DESC LIMIT 1",
    };
    int y = 0, m, d;
    if (dos != RCM_DATE_NONE)
        rcm_date_to_ymd(dos, &y, &m, &d);
    for (size_t i = dos == RCM_DATE_NONE ? 0 : 1; i < ARRAY_SIZE(sql); i++) {
        sqlite3_stmt *s = NULL;
        if (store_prepare(st, &s, sql[i], err) < 0)
            return RCM_EIO;
        sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
        if (i > 0) {
            sqlite3_bind_int(s, 2, dos);
            sqlite3_bind_int(s, 3, rcm_date_from_ymd(y, 1, 1));
            sqlite3_bind_int(s, 4, rcm_date_from_ymd(y, 12, 31));
        }
        int r = sqlite3_step(s);
        if (r == SQLITE_ROW) {
            out->load_id = (long)sqlite3_column_int64(s, 0);
            col_text(out->version, sizeof(out->version), s, 1);
            col_text(out->source, sizeof(out->source), s, 2);
            out->from = store_column_date(s, 3);
            out->to = store_column_date(s, 4);
        }
        sqlite3_finalize(s);
        if (r != SQLITE_ROW && r != SQLITE_DONE)
            return store_sqlerr(st, err, "store: finding the fee schedule in force");
        if (out->load_id || i == 0)
            break;
    }
    return 0;
}

static int none_loaded(rcm_error *err, const char *kind, rcm_date dos)
{
    char d[11];
    edits_date_str(d, dos);
    if (dos == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_ENOTFOUND, "no %s file is loaded (rcm init loads the bundled one)", kind);
    return rcm_error_set(err, RCM_ENOTFOUND, "no %s file is loaded for %s", kind, d);
}

/* ---- RVUs ---- */

static void upper_copy(char *out, size_t outsz, const char *s)
{
    size_t i = 0;
    for (; s && s[i] && i + 1 < outsz; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    out[i] = '\0';
}

int rcm_pfs_rvu_find(rcm_pfs_rvu *out, rcm_store *st, const char *code, const char *modifier, rcm_date dos,
                     rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    char c[8], m[3];
    if (strlen(code) > 5 || (modifier && strlen(modifier) > 2))
        return rcm_error_set(err, RCM_EINVAL, "'%s%s%s': a code has 5 characters, a modifier 2", code,
                             modifier && *modifier ? "-" : "", modifier ? modifier : "");
    upper_copy(c, sizeof(c), code);
    upper_copy(m, sizeof(m), modifier ? modifier : "");
    rcm_proc p;
    const char *why = NULL;
    if (edits_proc_parse(&p, rcm_str_c(c), &why) < 0)
        return rcm_error_set(err, RCM_EINVAL, "'%s': %s", code, why);
    pick pk;
    int rc = pick_load(&pk, st, "pprrvu", dos, err);
    if (rc < 0)
        return rc;
    if (!pk.load_id)
        return none_loaded(err, "fee schedule (pprrvu)", dos);
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT line, status, work_rvu, pe_nonfac, nonfac_na, pe_fac, fac_na, mp_rvu,"
                              " pctc, glob_days, pre_op, intra_op, post_op, mult_proc, bilat_surg, asst_surg,"
                              " co_surg, team_surg, endo_base, conv_factor FROM pfs_rvu"
                              " WHERE load_id = ? AND hcpcs = ? AND modifier = ?", err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, pk.load_id);
    sqlite3_bind_text(s, 2, c, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, m, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        memcpy(out->code, c, sizeof(out->code) - 1); /* c has at most 5 characters and a NUL */
        snprintf(out->modifier, sizeof(out->modifier), "%s", m);
        out->line = (long)sqlite3_column_int64(s, 0);
        const unsigned char *t = sqlite3_column_text(s, 1);
        out->status = t ? (char)t[0] : '\0';
        out->work = (int32_t)sqlite3_column_int64(s, 2);
        out->pe_nonfac = (int32_t)sqlite3_column_int64(s, 3);
        out->nonfac_na = sqlite3_column_int(s, 4);
        out->pe_fac = (int32_t)sqlite3_column_int64(s, 5);
        out->fac_na = sqlite3_column_int(s, 6);
        out->mp = (int32_t)sqlite3_column_int64(s, 7);
        t = sqlite3_column_text(s, 8);
        out->pctc = t ? (char)t[0] : '\0';
        col_text(out->glob_days, sizeof(out->glob_days), s, 9);
        out->pre_op = (int32_t)sqlite3_column_int64(s, 10);
        out->intra_op = (int32_t)sqlite3_column_int64(s, 11);
        out->post_op = (int32_t)sqlite3_column_int64(s, 12);
        char *ind[] = { &out->mult_proc, &out->bilat_surg, &out->asst_surg, &out->co_surg, &out->team_surg };
        for (int i = 0; i < 5; i++) {
            t = sqlite3_column_text(s, 13 + i);
            *ind[i] = t ? (char)t[0] : '\0';
        }
        col_text(out->endo_base, sizeof(out->endo_base), s, 18);
        out->conv_factor = (int32_t)sqlite3_column_int64(s, 19);
        snprintf(out->version, sizeof(out->version), "%s", pk.version);
        snprintf(out->source, sizeof(out->source), "%s", pk.source);
        out->load_id = pk.load_id;
    }
    sqlite3_finalize(s);
    if (r == SQLITE_ROW)
        return 0;
    if (r != SQLITE_DONE)
        return store_sqlerr(st, err, "store: reading the fee schedule");
    if (m[0])
        return rcm_error_set(err, RCM_ENOTFOUND, "%s with modifier %s is not in the fee schedule %s"
                             " (no row for that modifier)", c, m, pk.version);
    return rcm_error_set(err, RCM_ENOTFOUND, "%s is not in the fee schedule %s", c, pk.version);
}

/* ---- localities ---- */

/* Does every word of spec appear in hay (case-insensitively)? */
static int words_in(const char *spec, const char *hay)
{
    const char *p = spec;
    while (*p) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ' ' && *q != ',')
            q++;
        char w[64];
        snprintf(w, sizeof(w), "%.*s", (int)(q - p), p);
        if (!strcasestr(hay, w))
            return 0;
        p = q;
    }
    return 1;
}

/* "01112:05" (also "1112:5", "01112-05") into padded mac and locality; 0 when spec is not that. */
static int parse_mac_loc(char mac[8], char loc[4], const char *spec)
{
    size_t a = strspn(spec, "0123456789");
    if (a < 1 || a > 5 || (spec[a] != ':' && spec[a] != '-'))
        return 0;
    const char *l = spec + a + 1;
    size_t b = strlen(l);
    if (b < 1 || b > 2 || !isalnum((unsigned char)l[0]) || (b == 2 && !isalnum((unsigned char)l[1])))
        return 0;
    snprintf(mac, 8, "%.*s%.*s", (int)(5 - a), "00000", (int)a, spec);
    snprintf(loc, 4, "%.*s%.*s", (int)(2 - b), "00", (int)b, l);
    return 1;
}

/* Adds the anesthesia CF and counties of the localities found, from the loads in force. */
static int add_extras(rcm_pfs_locality *v, size_t n, rcm_store *st, rcm_date dos, rcm_error *err)
{
    pick an, lo;
    int rc;
    if ((rc = pick_load(&an, st, "anes_cf", dos, err)) < 0 || (rc = pick_load(&lo, st, "locality", dos, err)) < 0)
        return rc;
    for (size_t i = 0; i < n; i++) {
        sqlite3_stmt *s = NULL;
        if (an.load_id) {
            if (store_prepare(st, &s, "SELECT anes_cf FROM pfs_anes_cf WHERE load_id = ? AND mac = ?"
                                      " AND locality = ?", err) < 0)
                return RCM_EIO;
            sqlite3_bind_int64(s, 1, an.load_id);
            sqlite3_bind_text(s, 2, v[i].mac, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, v[i].locality, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW)
                v[i].anes_cf = (int32_t)sqlite3_column_int64(s, 0);
            sqlite3_finalize(s);
        }
        if (lo.load_id) {
            if (store_prepare(st, &s, "SELECT counties FROM pfs_locality WHERE load_id = ? AND mac = ?"
                                      " AND locality = ? ORDER BY line LIMIT 1", err) < 0)
                return RCM_EIO;
            sqlite3_bind_int64(s, 1, lo.load_id);
            sqlite3_bind_text(s, 2, v[i].mac, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, v[i].locality, -1, SQLITE_STATIC);
            if (sqlite3_step(s) == SQLITE_ROW)
                col_text(v[i].counties, sizeof(v[i].counties), s, 0);
            sqlite3_finalize(s);
        }
    }
    return 0;
}

int rcm_pfs_locality_find(rcm_pfs_locality *out, size_t max, rcm_store *st, const char *spec, rcm_date dos,
                          rcm_error *err)
{
    pick g, lo;
    int rc = pick_load(&g, st, "gpci", dos, err);
    if (rc < 0)
        return rc;
    if (!g.load_id)
        return none_loaded(err, "GPCI", dos);
    if ((rc = pick_load(&lo, st, "locality", dos, err)) < 0)
        return rc;
    char mac[8], loc[4];
    int exact = parse_mac_loc(mac, loc, spec);
    /* the counties of the locality file are searched too ("bronx" finds NYC suburbs) */
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT g.mac, g.locality, g.state, g.name, g.gpci_work, g.gpci_pe, g.gpci_mp,"
                              " g.line, coalesce((SELECT group_concat(l.state || ' ' || l.area || ' '"
                              " || l.counties, ' ') FROM pfs_locality l WHERE l.load_id = ?2"
                              " AND l.mac = g.mac AND l.locality = g.locality), '')"
                              " FROM pfs_gpci g WHERE g.load_id = ?1 ORDER BY g.mac, g.locality", err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, g.load_id);
    sqlite3_bind_int64(s, 2, lo.load_id);
    size_t n = 0, exact_name = 0;
    int r;
    rcm_pfs_locality one;
    memset(&one, 0, sizeof(one));
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_pfs_locality l;
        memset(&l, 0, sizeof(l));
        col_text(l.mac, sizeof(l.mac), s, 0);
        col_text(l.locality, sizeof(l.locality), s, 1);
        col_text(l.state, sizeof(l.state), s, 2);
        col_text(l.name, sizeof(l.name), s, 3);
        l.gpci_work = (int32_t)sqlite3_column_int64(s, 4);
        l.gpci_pe = (int32_t)sqlite3_column_int64(s, 5);
        l.gpci_mp = (int32_t)sqlite3_column_int64(s, 6);
        l.line = (long)sqlite3_column_int64(s, 7);
        l.load_id = g.load_id;
        snprintf(l.version, sizeof(l.version), "%s", g.version);
        const char *extra = (const char *)sqlite3_column_text(s, 8);
        int match;
        if (exact) {
            match = strcmp(l.mac, mac) == 0 && strcmp(l.locality, loc) == 0;
        } else {
            char hay[1024];
            snprintf(hay, sizeof(hay), "%s %s %s:%s %s", l.name, l.state, l.mac, l.locality, extra ? extra : "");
            match = words_in(spec, hay);
            if (match && strcasecmp(spec, l.name) == 0) {
                exact_name++;
                one = l;
            }
        }
        if (!match)
            continue;
        if (n < max)
            out[n] = l;
        n++;
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE)
        return store_sqlerr(st, err, "store: reading the GPCIs");
    if (exact_name == 1 && n > 1 && max > 0) { /* "queens" names one locality exactly */
        out[0] = one;
        n = 1;
    }
    if ((rc = add_extras(out, n < max ? n : max, st, dos, err)) < 0)
        return rc;
    return n > INT32_MAX ? INT32_MAX : (int)n;
}

int rcm_pfs_cf_find(int32_t *out, char *version, rcm_store *st, const char *type, rcm_date dos, rcm_error *err)
{
    *out = 0;
    if (version)
        version[0] = '\0';
    pick pk;
    int rc = pick_load(&pk, st, "cf", dos, err);
    if (rc < 0)
        return rc;
    if (!pk.load_id)
        return none_loaded(err, "conversion factor (cf)", dos);
    sqlite3_stmt *s = NULL;
    const char *sql = dos == RCM_DATE_NONE
        ? "SELECT cf FROM pfs_cf WHERE load_id = ?1 AND cf_type = ?2"
          " ORDER BY coalesce(eff_from, -2147483647) DESC LIMIT 1"
        : "SELECT cf FROM pfs_cf WHERE load_id = ?1 AND cf_type = ?2"
          " AND (eff_from IS NULL OR eff_from <= ?3) AND (eff_to IS NULL OR eff_to >= ?3)"
          " ORDER BY coalesce(eff_from, -2147483647) DESC LIMIT 1";
    if (store_prepare(st, &s, sql, err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, pk.load_id);
    sqlite3_bind_text(s, 2, type, -1, SQLITE_STATIC);
    if (dos != RCM_DATE_NONE)
        sqlite3_bind_int(s, 3, dos);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *out = (int32_t)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return store_sqlerr(st, err, "store: reading the conversion factor");
    if (r != SQLITE_ROW) {
        char d[11];
        edits_date_str(d, dos);
        return rcm_error_set(err, RCM_ENOTFOUND, "no %s conversion factor in %s%s%s", type, pk.version,
                             d[0] ? " for " : "", d);
    }
    if (version)
        snprintf(version, RCM_PFS_VERSION_MAX, "%s", pk.version);
    return 0;
}

/* ---- the quote ---- */

static void note(rcm_fee_quote *q, const char *fmt, ...) RCM_PRINTF(2, 3);
static void note(rcm_fee_quote *q, const char *fmt, ...)
{
    if (q->nnotes >= RCM_FEE_NOTES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(q->notes[q->nnotes++], sizeof(q->notes[0]), fmt, ap);
    va_end(ap);
}

/* pct x factor (both x 10^4), rounded half up. */
static int32_t scale_pct(int32_t pct, int32_t factor)
{
    return (int32_t)(((int64_t)pct * factor + RCM_PFS_SCALE / 2) / RCM_PFS_SCALE);
}

/* The payment adjustment a modifier makes under the row's indicators. */
static void adjust(rcm_fee_quote *q, const char *m)
{
    const rcm_pfs_rvu *r = &q->rvu;
    char ind = '?';
    if (strcmp(m, "50") == 0) {
        ind = r->bilat_surg;
        if (ind == '1') {
            q->pct = scale_pct(q->pct, 15000);
            note(q, "modifier 50: bilateral indicator 1, paid at 150%%");
        } else {
            note(q, "modifier 50: bilateral indicator %c, no 150%% adjustment", ind ? ind : '-');
        }
    } else if (strcmp(m, "51") == 0) {
        ind = r->mult_proc;
        if (ind == '2') {
            q->pct = scale_pct(q->pct, 5000);
            note(q, "modifier 51: multiple procedure indicator 2, priced as a 2nd-5th procedure (50%%)");
        } else {
            note(q, "modifier 51: multiple procedure indicator %c, no reduction applied here", ind ? ind : '-');
        }
    } else if (strcmp(m, "62") == 0) {
        ind = r->co_surg;
        if (ind == '1' || ind == '2') {
            q->pct = scale_pct(q->pct, 6250);
            note(q, "modifier 62: co-surgeon indicator %c, each surgeon paid 62.5%%", ind);
        } else if (ind == '0') {
            q->priced = 0;
            note(q, "modifier 62: co-surgeon indicator 0, co-surgeons are not paid for this code");
        } else {
            note(q, "modifier 62: co-surgeon indicator %c, no adjustment", ind ? ind : '-');
        }
    } else if (strcmp(m, "80") == 0 || strcmp(m, "81") == 0 || strcmp(m, "82") == 0 || strcmp(m, "AS") == 0) {
        ind = r->asst_surg;
        int32_t share = strcmp(m, "AS") == 0 ? 1360 : 1600;
        const char *shown = strcmp(m, "AS") == 0 ? "13.6% (85% of 16%)" : "16%";
        if (ind == '2' || ind == '0') {
            q->pct = scale_pct(q->pct, share);
            note(q, "modifier %s: assistant at surgery indicator %c, paid at %s%s", m, ind, shown,
                 ind == '0' ? " when medical necessity is documented" : "");
        } else if (ind == '1') {
            q->priced = 0;
            note(q, "modifier %s: assistant at surgery indicator 1, statutory payment restriction: not paid", m);
        } else {
            note(q, "modifier %s: assistant at surgery indicator %c, no adjustment", m, ind ? ind : '-');
        }
    }
}

/* Splits "26,50" into upper-case 2-character modifiers; returns the count or RCM_EINVAL. */
static int split_mods(char mods[][3], int max, const char *list, rcm_error *err)
{
    int n = 0;
    const char *p = list ? list : "";
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '-')
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ',' && *q != ' ' && *q != '-')
            q++;
        char m[3];
        rcm_str s = { p, (size_t)(q - p) };
        if (s.n != 2 || !isalnum((unsigned char)p[0]) || !isalnum((unsigned char)p[1]))
            return rcm_error_set(err, RCM_EINVAL, "modifier '%.*s': a modifier is 2 letters or digits",
                                 (int)s.n, p);
        m[0] = (char)toupper((unsigned char)p[0]);
        m[1] = (char)toupper((unsigned char)p[1]);
        m[2] = '\0';
        if (n >= max)
            return rcm_error_set(err, RCM_EINVAL, "more than %d modifiers", max);
        memcpy(mods[n++], m, 3);
        p = q;
    }
    return n;
}

int rcm_fee_quote_get(rcm_fee_quote *out, rcm_store *st, const rcm_fee_request *req, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    char mods[8][3];
    int nm = split_mods(mods, 8, req->modifiers, err);
    if (nm < 0)
        return nm;
    const char *row_mod = NULL;
    for (int i = 0; i < nm; i++)
        if (strcmp(mods[i], "26") == 0 || strcmp(mods[i], "TC") == 0 || strcmp(mods[i], "53") == 0) {
            if (row_mod && strcmp(row_mod, mods[i]) != 0)
                return rcm_error_set(err, RCM_EINVAL, "modifiers %s and %s each name their own fee schedule row:"
                                     " give one", row_mod, mods[i]);
            row_mod = mods[i];
        }
    int rc = rcm_pfs_rvu_find(&out->rvu, st, req->code, row_mod, req->dos, err);
    if (rc < 0)
        return rc;
    /* GPCIs and the CF of the same year as the RVUs when no date is given */
    rcm_date dos = req->dos;
    if (dos == RCM_DATE_NONE) {
        int y = 0;
        sscanf(out->rvu.version, "%4d", &y);
        if (y >= 1990 && y <= 2099)
            dos = rcm_date_from_ymd(y, 12, 31);
    }
    if (req->locality && *req->locality) {
        rcm_pfs_locality found[8];
        int n = rcm_pfs_locality_find(found, ARRAY_SIZE(found), st, req->locality, dos, err);
        if (n < 0)
            return n;
        if (n == 0)
            return rcm_error_set(err, RCM_ENOTFOUND, "locality '%s': no locality matches (MAC:LOC such as"
                                 " 01112:05, or words of its name)", req->locality);
        if (n > 1) {
            rcm_buf b;
            rcm_buf_init(&b, sizeof(err->msg));
            rcm_buf_addf(&b, "locality '%s' matches %d localities:", req->locality, n);
            for (int i = 0; i < n && i < (int)ARRAY_SIZE(found); i++)
                rcm_buf_addf(&b, " %s:%s %s;", found[i].mac, found[i].locality, found[i].name);
            rc = rcm_error_set(err, RCM_EINVAL, "%s give MAC:LOC", b.ptr);
            rcm_buf_release(&b);
            return rc;
        }
        out->loc = found[0];
    } else {
        out->national = 1;
        snprintf(out->loc.name, sizeof(out->loc.name), "NATIONAL");
        out->loc.gpci_work = out->loc.gpci_pe = out->loc.gpci_mp = RCM_PFS_SCALE;
    }
    rcm_error cf_err;
    memset(&cf_err, 0, sizeof(cf_err));
    rc = rcm_pfs_cf_find(&out->cf, out->cf_version, st, "physician", dos, &cf_err);
    if (rc == RCM_ENOTFOUND && out->rvu.conv_factor > 0) {
        out->cf = out->rvu.conv_factor;
        out->cf_version[0] = '\0';
    } else if (rc < 0) {
        if (err)
            *err = cf_err;
        return rc;
    }
    out->facility = req->facility != 0;
    const rcm_pfs_rvu *r = &out->rvu;
    out->pe = out->facility ? r->pe_fac : r->pe_nonfac;
    out->pct = RCM_PFS_SCALE;
    out->priced = priced_status(r->status);
    if (!out->priced)
        note(out, "status %c: %s: no fee schedule amount", r->status, rcm_pfs_status_text(r->status));
    else if (r->status != 'A')
        note(out, "status %c: %s", r->status, rcm_pfs_status_text(r->status));
    if (out->facility ? r->fac_na : r->nonfac_na)
        note(out, "the %s PE RVU is marked NA: the service is not normally paid in this setting",
             out->facility ? "facility" : "non-facility");
    for (int i = 0; i < nm; i++) {
        int dup = 0;
        for (int j = 0; j < i; j++)
            dup |= strcmp(mods[i], mods[j]) == 0;
        if (!dup)
            adjust(out, mods[i]);
    }
    if (!out->priced)
        return 0;
    rc = rcm_pfs_amount(&out->cents, r->work, out->pe, r->mp, out->loc.gpci_work, out->loc.gpci_pe,
                        out->loc.gpci_mp, out->cf, out->pct);
    if (rc < 0)
        return rcm_error_set(err, rc, "%s: the amount does not fit", r->code);
    fmt_exact(out->exact, sizeof(out->exact), exact_product(r->work, out->pe, r->mp, out->loc.gpci_work,
                                                            out->loc.gpci_pe, out->loc.gpci_mp, out->cf, out->pct));
    return 0;
}
