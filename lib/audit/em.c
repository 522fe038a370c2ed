/*
 * The providers' E/M level distribution against a reference
 * (rcm_em_reference_load, rcm_em_reference_get, rcm_em_distribution;
 * docs/coding-audit.md).
 *
 * The reference (em_reference) names the codes compared, their family
 * (office-new, office-established...) and level, and each code's share of
 * its family in parts per million. The distribution counts, per rendering
 * provider (NPI) and family, the claim lines coded with a reference code on
 * the visits with a date of service (claim.dos_from) in [from, to]. A visit
 * is counted once, through its encounter's newest claim that is not a
 * secondary claim: a replacement (frequency 7) or a rebill to a new payer
 * replaces the original, and a visit whose newest claim is a void (or
 * voided) counts nothing.
 *
 * The statistics, per provider and family with n lines, p_l the
 * reference's share of level l (normalised over the family) and o_l the
 * provider's count:
 *   z_top = (o_4 + o_5) / n - (p_4 + p_5), over sqrt((p_4 + p_5)(1 - p_4 - p_5) / n)
 *   chi2  = sum over the family's levels of (o_l - n p_l)^2 / (n p_l), with
 *           (levels - 1) degrees of freedom; its p-value from the closed form of the
 *           chi-square tail for whole degrees of freedom (rcm_em_chi2_p)
 * and the flags (only with at least em-min-visits lines): "high" when
 * z_top > 2 and p < 0.01, "low" when z_top < -2 and p < 0.01, "one-level"
 * when 90% or more of the lines are at one level; "high,one-level" (or
 * "low,one-level") when both hold.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "coding_internal.h"
#include "rcm/auth.h"
#include "../cycle/cycle_internal.h"
#include "../util/banned.h"

/* ---- the chi-square tail ---- */

double rcm_em_chi2_p(double x, int df)
{
    if (df < 1 || df > 60 || isnan(x))
        return NAN;
    if (x <= 0)
        return 1.0;
    double h = x / 2, e = exp(-h);
    if (df % 2 == 0) {
        /* Q = e^(-x/2) sum_{i < df/2} (x/2)^i / i! */
        double term = 1, sum = 1;
        for (int i = 1; i < df / 2; i++) {
            term *= h / i;
            sum += term;
        }
        double q = e * sum;
        return q > 1 ? 1 : q;
    }
    /* Q = erfc(sqrt(x/2)) + e^(-x/2) sqrt(2/pi) sum_{i = 1..(df-1)/2} x^(i - 1/2) / (1 3 5 ... (2i - 1)) */
    double q = erfc(sqrt(h));
    double term = sqrt(x), sum = 0;
    for (int i = 1; i <= (df - 1) / 2; i++) {
        sum += term;
        term *= x / (2 * i + 1);
    }
    q += e * sqrt(2 / M_PI) * sum;
    return q > 1 ? 1 : q;
}

/* ---- reading the reference CSV ---- */

static int csv_fail(rcm_error *err, const char *source, long line, const char *fmt, ...) RCM_PRINTF(4, 5);
static int csv_fail(rcm_error *err, const char *source, long line, const char *fmt, ...)
{
    if (!err)
        return RCM_EFORMAT;
    rcm_error_clear(err);
    err->code = RCM_EFORMAT;
    err->source = source;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return RCM_EFORMAT;
}

#define EM_FIELDS 4
#define EM_FIELD_MAX 32

/* Splits a line at commas into trimmed fields; returns the count (EM_FIELDS + 1 when there are more). */
static int split(const char *line, char f[EM_FIELDS][EM_FIELD_MAX], int *too_long)
{
    int nf = 0;
    *too_long = 0;
    const char *p = line;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        const char *a = p, *b = p + n;
        while (a < b && (*a == ' ' || *a == '\t'))
            a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
            b--;
        if (nf == EM_FIELDS)
            return EM_FIELDS + 1;
        if ((size_t)(b - a) >= EM_FIELD_MAX)
            *too_long = 1;
        str_copy(f[nf], EM_FIELD_MAX, (rcm_str){ a, (size_t)(b - a) });
        nf++;
        if (!e)
            return nf;
        p = e + 1;
    }
}

static int family_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 23)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) && s[i] != '-')
            return 0;
    return 1;
}

static int em_code_ok(const char *s)
{
    size_t n = strlen(s);
    if (n != 5)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* A percent with at most 4 decimals, more than 0 and at most 100, as parts per million. */
static int share_parse(const char *s, int64_t *ppm)
{
    int64_t whole = 0, frac = 0;
    int nd = 0, nf = 0;
    const char *p = s;
    for (; isdigit((unsigned char)*p); p++) {
        if (++nd > 3)
            return -1;
        whole = whole * 10 + (*p - '0');
    }
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++) {
            if (++nf > 4)
                return -1;
            frac = frac * 10 + (*p - '0');
        }
    }
    if (*p || nd + nf == 0)
        return -1;
    for (int i = nf; i < 4; i++)
        frac *= 10;
    *ppm = whole * 10000 + frac;
    return *ppm > 0 && *ppm <= 1000000 ? 0 : -1;
}

static int row_parse(em_ref_entry *r, char f[EM_FIELDS][EM_FIELD_MAX], const char **why)
{
    memset(r, 0, sizeof(*r));
    if (!family_ok(f[0])) {
        *why = "family: 1 to 23 lower-case letters, digits or '-' (office-new)";
        return -1;
    }
    if (!em_code_ok(f[1])) {
        *why = "code: 5 digits or capital letters (99213)";
        return -1;
    }
    if (strlen(f[2]) != 1 || f[2][0] < '1' || f[2][0] > '5') {
        *why = "level: a whole number 1 to 5";
        return -1;
    }
    if (share_parse(f[3], &r->share_ppm) < 0) {
        *why = "share: a percent above 0 and at most 100, with at most 4 decimals (38.5)";
        return -1;
    }
    cstr_copy(r->family, sizeof(r->family), f[0]);
    cstr_copy(r->code, sizeof(r->code), f[1]);
    r->level = f[2][0] - '0';
    return 0;
}

/* Each family: its shares add up to 100 within 0.5, and it has 2 levels or more. */
static int check_families(const char *source, const em_ref_entry *v, size_t n, rcm_error *err)
{
    for (size_t i = 0; i < n; i++) {
        int first = 1;
        for (size_t j = 0; j < i && first; j++)
            first = strcmp(v[j].family, v[i].family) != 0;
        if (!first)
            continue;
        int64_t sum = 0;
        int levels = 0;
        long last = 0;
        for (size_t j = i; j < n; j++)
            if (strcmp(v[j].family, v[i].family) == 0) {
                sum += v[j].share_ppm;
                levels++;
                last = v[j].line;
            }
        if (sum < 995000 || sum > 1005000)
            return csv_fail(err, source, last, "family %s: the shares add up to %lld.%04lld, not 100 (within 0.5)",
                            v[i].family, (long long)(sum / 10000), (long long)(sum % 10000));
        if (levels < 2)
            return csv_fail(err, source, last, "family %s: one level only (a distribution needs two or more)",
                            v[i].family);
    }
    return 0;
}

int em_reference_parse(const char *source, const char *text, size_t len, em_ref_entry **out, size_t *n,
                       rcm_error *err)
{
    *out = NULL;
    *n = 0;
    if (len > EM_MAX_FILE)
        return csv_fail(err, source, 0, "larger than %zu bytes", EM_MAX_FILE);
    if (memchr(text, '\0', len))
        return csv_fail(err, source, 0, "a NUL byte: not a text file");
    em_ref_entry *v = NULL;
    size_t cap = 0, nv = 0;
    int header = 0, rc = 0;
    long line = 0;
    const char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && rc == 0) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        size_t ln = (size_t)(e - p);
        if (ln && p[ln - 1] == '\r')
            ln--;
        char buf[256];
        if (ln >= sizeof(buf)) {
            rc = csv_fail(err, source, line, "line longer than %zu bytes", sizeof(buf) - 1);
            break;
        }
        memcpy(buf, p, ln);
        buf[ln] = '\0';
        p = nl ? nl + 1 : end;
        const char *q = buf;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q || *q == '#')
            continue;
        char f[EM_FIELDS][EM_FIELD_MAX];
        int too_long = 0;
        int nf = split(buf, f, &too_long);
        if (!header) {
            static const char *const names[EM_FIELDS] = { "family", "code", "level", "share" };
            int ok = nf == EM_FIELDS;
            for (int i = 0; ok && i < EM_FIELDS; i++)
                ok = strcasecmp(f[i], names[i]) == 0;
            if (!ok)
                rc = csv_fail(err, source, line, "the header line family,code,level,share must come first");
            header = 1;
            continue;
        }
        if (nf != EM_FIELDS) {
            if (nf > EM_FIELDS)
                rc = csv_fail(err, source, line, "more than 4 fields, expected family,code,level,share");
            else
                rc = csv_fail(err, source, line, "%d field%s, expected family,code,level,share", nf, nf == 1 ? "" : "s");
            break;
        }
        const char *why = NULL;
        em_ref_entry r;
        if (too_long || row_parse(&r, f, &why) < 0) {
            rc = csv_fail(err, source, line, "%s", too_long ? "a field longer than 31 bytes" : why);
            break;
        }
        r.line = line;
        for (size_t i = 0; i < nv && rc == 0; i++) {
            if (strcmp(v[i].code, r.code) == 0)
                rc = csv_fail(err, source, line, "code %s again (first on line %ld)", r.code, v[i].line);
            else if (strcmp(v[i].family, r.family) == 0 && v[i].level == r.level)
                rc = csv_fail(err, source, line, "family %s: level %d again (%s on line %ld)", r.family, r.level,
                              v[i].code, v[i].line);
        }
        if (rc < 0)
            break;
        if (nv == EM_MAX_ROWS) {
            rc = csv_fail(err, source, line, "more than %d rows", EM_MAX_ROWS);
            break;
        }
        em_ref_entry *nvp = cycle_grow(v, &cap, nv, sizeof(*v), 16);
        if (!nvp) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nvp;
        v[nv++] = r;
    }
    if (rc == 0 && !header)
        rc = csv_fail(err, source, 0, "empty: the header line family,code,level,share and rows are required");
    if (rc == 0 && nv == 0)
        rc = csv_fail(err, source, 0, "no rows after the header");
    if (rc == 0)
        rc = check_families(source, v, nv, err);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *out = v;
    *n = nv;
    return 0;
}

/* ---- loading and reading the reference ---- */

static int count_rows(rcm_cycle *cy, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT count(*) FROM em_reference", err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading the E/M reference");
    sqlite3_finalize(s);
    return rc;
}

static int write_reference(rcm_cycle *cy, const em_ref_entry *v, size_t n, const char *source, rcm_error *err)
{
    int64_t before = 0;
    int rc = count_rows(cy, &before, err);
    if (rc < 0 || (rc = store_exec(cy->st, "DELETE FROM em_reference", err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO em_reference (family, code, level, share_ppm, source, loaded_at, loaded_by)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_bind_text(s, 1, v[i].family, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 2, v[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 3, v[i].level);
        sqlite3_bind_int64(s, 4, v[i].share_ppm);
        sqlite3_bind_text(s, 5, source, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 6, cy->now);
        sqlite3_bind_text(s, 7, cy->user, -1, SQLITE_STATIC);
        rc = store_step_done(cy->st, s, "writing the E/M reference", err);
    }
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    rcm_buf d;
    rcm_buf_init(&d, RCM_MAX_MESSAGE);
    rcm_buf_addf(&d, "E/M reference: %lld codes -> %zu codes, source '%s':", (long long)before, n, source);
    for (size_t i = 0; i < n; i++)
        rcm_buf_addf(&d, " %s %s %lld.%04lld", v[i].family, v[i].code, (long long)(v[i].share_ppm / 10000),
                     (long long)(v[i].share_ppm % 10000));
    if (rcm_buf_failed(&d))
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else
        rc = cycle_audit(cy, "em-reference", "em_reference", 0, d.ptr, err);
    rcm_buf_release(&d);
    return rc;
}

int rcm_em_reference_load(rcm_cycle *cy, const char *path, const char *source, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_EM_REFERENCE, err);
    if (rc < 0)
        return rc;
    char src[128];
    if (source && source[0]) {
        if (strlen(source) > 127)
            return rcm_error_set(err, RCM_EINVAL, "source: longer than 127 bytes");
        for (const char *p = source; *p; p++)
            if ((unsigned char)*p < 0x20)
                return rcm_error_set(err, RCM_EINVAL, "source: a control character");
        cstr_copy(src, sizeof(src), source);
    } else {
        const char *base = strrchr(path, '/');
        cstr_copy(src, sizeof(src), base ? base + 1 : path);
    }
    char *text = NULL;
    size_t len = 0;
    if ((rc = cycle_read_file(path, &text, &len, err)) < 0)
        return rc;
    em_ref_entry *v = NULL;
    size_t n = 0;
    rc = em_reference_parse(path, text, len, &v, &n, err);
    free(text);
    if (rc < 0)
        return rc;
    if ((rc = rcm_store_begin(cy->st, err)) == 0) {
        if ((rc = write_reference(cy, v, n, src, err)) < 0 || (rc = rcm_store_commit(cy->st, err)) < 0)
            rcm_store_rollback(cy->st);
    }
    free(v);
    return rc;
}

/* audit.coding, audit.read or (extra) another permission; the denial names audit.coding. */
static int require_audit_read(rcm_cycle *cy, rcm_perm extra, rcm_error *err)
{
    if (rcm_cycle_may(cy, RCM_PERM_AUDIT_CODING) || rcm_cycle_may(cy, RCM_PERM_AUDIT_READ) ||
        rcm_cycle_may(cy, extra))
        return 0;
    return cycle_require(cy, RCM_PERM_AUDIT_CODING, err);
}

int rcm_em_reference_get(rcm_cycle *cy, rcm_em_reference_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = require_audit_read(cy, RCM_PERM_EM_REFERENCE, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT family, code, level, share_ppm, source, loaded_at, loaded_by FROM em_reference"
                            " ORDER BY family, level",
                            err)) < 0)
        return rc;
    rcm_em_reference_row *v = NULL;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_em_reference_row *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_em_reference_row *r = &v[(*n)++];
        memset(r, 0, sizeof(*r));
        const unsigned char *t;
        t = sqlite3_column_text(s, 0);
        cstr_copy(r->family, sizeof(r->family), t ? (const char *)t : "");
        t = sqlite3_column_text(s, 1);
        cstr_copy(r->code, sizeof(r->code), t ? (const char *)t : "");
        r->level = sqlite3_column_int(s, 2);
        r->share_ppm = sqlite3_column_int64(s, 3);
        t = sqlite3_column_text(s, 4);
        cstr_copy(r->source, sizeof(r->source), t ? (const char *)t : "");
        r->loaded_at = sqlite3_column_int64(s, 5);
        t = sqlite3_column_text(s, 6);
        cstr_copy(r->loaded_by, sizeof(r->loaded_by), t ? (const char *)t : "");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the E/M reference");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* ---- the distribution ---- */

static int row_cmp(const void *a, const void *b)
{
    const rcm_em_row *x = a, *y = b;
    int c = strcmp(x->provider_npi, y->provider_npi);
    return c ? c : strcmp(x->family, y->family);
}

/* Fills the shares, means and statistics of a row whose counts are in. */
static void row_stats(rcm_em_row *r, const rcm_em_reference_row *ref, size_t nref, int64_t min_visits)
{
    int64_t fam_ppm = 0;
    int levels = 0, present[6] = { 0 };
    for (size_t i = 0; i < nref; i++)
        if (strcmp(ref[i].family, r->family) == 0 && ref[i].level >= 1 && ref[i].level <= 5) {
            fam_ppm += ref[i].share_ppm;
            r->ref_share[ref[i].level] = (double)ref[i].share_ppm / 10000.0;
            present[ref[i].level] = 1;
            levels++;
        }
    double n = (double)r->visits, p_top = 0, chi2 = 0, sum_l = 0;
    int64_t top = 0, most = 0;
    r->ref_mean = 0;
    for (int l = 1; l <= 5; l++) {
        if (!present[l])
            continue;
        double p = r->ref_share[l] * 10000.0 / (double)fam_ppm;   /* normalised over the family */
        r->share[l] = n > 0 ? 100.0 * (double)r->count[l] / n : 0;
        r->ref_mean += l * p;
        sum_l += (double)l * (double)r->count[l];
        if (l >= 4) {
            p_top += p;
            top += r->count[l];
        }
        double e = n * p;
        if (e > 0)
            chi2 += ((double)r->count[l] - e) * ((double)r->count[l] - e) / e;
        if (r->count[l] > most)
            most = r->count[l];
    }
    r->mean_level = n > 0 ? sum_l / n : 0;
    double sd = n > 0 ? sqrt(p_top * (1 - p_top) / n) : 0;
    r->z_top = sd > 0 ? ((double)top / n - p_top) / sd : 0;
    r->chi2 = chi2;
    r->flag[0] = '\0';
    if (r->visits < min_visits || r->visits == 0)
        return;
    double pval = levels >= 2 ? rcm_em_chi2_p(chi2, levels - 1) : 1;
    const char *dir = "";
    if (r->z_top > 2 && pval < 0.01)
        dir = "high";
    else if (r->z_top < -2 && pval < 0.01)
        dir = "low";
    int one = most * 10 >= r->visits * 9;
    snprintf(r->flag, sizeof(r->flag), "%s%s%s", dir, dir[0] && one ? "," : "", one ? "one-level" : "");
}

int rcm_em_distribution(rcm_cycle *cy, rcm_date from, rcm_date to, rcm_em_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = require_audit_read(cy, RCM_PERM_AUDIT_CODING, err);
    if (rc < 0)
        return rc;
    if (from != RCM_DATE_NONE && to != RCM_DATE_NONE && from > to)
        return rcm_error_set(err, RCM_EINVAL, "the date-of-service range ends before it begins");
    rcm_settings cfg;
    if ((rc = rcm_settings_get(cy->st, &cfg, err)) < 0)
        return rc;
    rcm_em_reference_row *ref = NULL;
    size_t nref = 0;
    /* read directly: the permission was checked above */
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "SELECT family, code, level, share_ppm FROM em_reference", err)) < 0)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_em_reference_row *nv = cycle_grow(ref, &cap, nref, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        ref = nv;
        rcm_em_reference_row *r = &ref[nref++];
        memset(r, 0, sizeof(*r));
        const unsigned char *t = sqlite3_column_text(s, 0);
        cstr_copy(r->family, sizeof(r->family), t ? (const char *)t : "");
        t = sqlite3_column_text(s, 1);
        cstr_copy(r->code, sizeof(r->code), t ? (const char *)t : "");
        r->level = sqlite3_column_int(s, 2);
        r->share_ppm = sqlite3_column_int64(s, 3);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the E/M reference");
    sqlite3_finalize(s);
    if (rc == 0 && nref == 0)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no E/M reference is loaded: run 'rcm audit em-reference load FILE'");
    if (rc < 0) {
        free(ref);
        return rc;
    }
    rc = store_prepare(cy->st, &s,
                       "SELECT p.npi, r.family, r.level, count(*) FROM claim c"
                       " JOIN (SELECT max(claim_id) AS cid FROM claim WHERE primary_claim_id IS NULL"
                       "  GROUP BY encounter_id) z ON z.cid = c.claim_id"
                       " JOIN claim_line l ON l.claim_id = c.claim_id"
                       " JOIN provider p ON p.provider_id = c.provider_id"
                       " JOIN em_reference r ON r.code = l.code"
                       " WHERE c.freq <> '8' AND c.status <> 'void'"
                       " AND (?1 IS NULL OR c.dos_from >= ?1) AND (?2 IS NULL OR c.dos_from <= ?2)"
                       " GROUP BY p.npi, r.family, r.level",
                       err);
    if (rc < 0) {
        free(ref);
        return rc;
    }
    store_bind_date(s, 1, from);
    store_bind_date(s, 2, to);
    rcm_em_row *v = NULL;
    size_t nv = 0;
    cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *npi = sqlite3_column_text(s, 0), *fam = sqlite3_column_text(s, 1);
        int level = sqlite3_column_int(s, 2);
        int64_t count = sqlite3_column_int64(s, 3);
        rcm_em_row *r = NULL;
        for (size_t i = 0; i < nv && !r; i++)
            if (strcmp(v[i].provider_npi, npi ? (const char *)npi : "") == 0 &&
                strcmp(v[i].family, fam ? (const char *)fam : "") == 0)
                r = &v[i];
        if (!r) {
            rcm_em_row *nvp = cycle_grow(v, &cap, nv, sizeof(*nvp), 16);
            if (!nvp) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
                break;
            }
            v = nvp;
            r = &v[nv++];
            memset(r, 0, sizeof(*r));
            cstr_copy(r->provider_npi, sizeof(r->provider_npi), npi ? (const char *)npi : "");
            cstr_copy(r->family, sizeof(r->family), fam ? (const char *)fam : "");
        }
        if (level >= 1 && level <= 5) {
            r->count[level] += count;
            r->visits += count;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the E/M lines");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(ref);
        free(v);
        return rc;
    }
    for (size_t i = 0; i < nv; i++)
        row_stats(&v[i], ref, nref, cfg.em_min_visits);
    free(ref);
    if (nv > 1)
        qsort(v, nv, sizeof(*v), row_cmp);
    *out = v;
    *n = nv;
    return 0;
}
