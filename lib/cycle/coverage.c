/*
 * A patient's coverage set by the biller (rcm_coverage_set) and read back
 * (rcm_coverage_list). After a billing-rooted denial (coverage ended, not
 * this payer, member not identified) the coverage is corrected here, then
 * the claim is billed again (rcm_denial_rebill), without importing the
 * encounter again (the importer refuses a coded encounter that changed).
 *
 * The fields are checked as the encounter importer checks a coverage
 * (docs/encounter-json.md): seq P S T, a payer of the practice, a member id,
 * X12 text, a known relation code, the subscriber named when the patient is
 * not the subscriber and absent when it is, from not after to. A secondary
 * needs a primary and a tertiary a secondary. Messages name the field and
 * never echo member ids or subscriber data; the audit detail holds ids and
 * codes only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/encounter.h"
#include "cycle_internal.h"
#include "../util/banned.h"

/* SBR02 / PAT01: the patient's relationship to the subscriber. */
static const char *const relations[] = { "18", "01", "19", "20", "21", "39", "40", "53", "G8", NULL };

static const char *nz(const char *s) { return s ? s : ""; }

/* Goes into the 837 as is: printable ASCII without the separators ~ * : ^. */
static int x12_text(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p >= 0x7f || *p == '~' || *p == '*' || *p == ':' || *p == '^')
            return 0;
    return 1;
}

static int all_of(const char *s, const char *set)
{
    for (; *s; s++)
        if (!strchr(set, *s))
            return 0;
    return 1;
}

#define DIGITS "0123456789"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

/* A text field: required or not, at most max bytes, X12 text. Never echoes the value. */
static int check_text(const char *field, const char *v, int required, size_t max, rcm_error *err)
{
    if (!*v)
        return required ? rcm_error_set(err, RCM_EINVAL, "coverage: '%s' is required", field) : 0;
    if (strlen(v) > max)
        return rcm_error_set(err, RCM_EINVAL, "coverage: '%s' is longer than %zu characters", field, max);
    if (!x12_text(v))
        return rcm_error_set(err, RCM_EINVAL,
                             "coverage: '%s' must be printable ASCII without ~ * : ^ (it goes into the 837 as is)",
                             field);
    return 0;
}

static int check_subscriber(const rcm_coverage_update *u, int self, rcm_error *err)
{
    const char *last = nz(u->sub_last), *first = nz(u->sub_first), *sex = nz(u->sub_sex);
    const char *a1 = nz(u->sub_addr1), *city = nz(u->sub_city), *state = nz(u->sub_state), *zip = nz(u->sub_zip);
    int any_addr = *a1 || *city || *state || *zip;
    if (self) {
        if (*last || *first || *sex || u->sub_dob != RCM_DATE_NONE || any_addr)
            return rcm_error_set(err, RCM_EINVAL,
                                 "coverage: the subscriber must be empty when relation is 18 (the patient is the"
                                 " subscriber)");
        return 0;
    }
    int rc;
    if ((rc = check_text("subscriber last", last, 1, 60, err)) < 0 ||
        (rc = check_text("subscriber first", first, 1, 35, err)) < 0)
        return rc;
    if (u->sub_dob == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'subscriber dob' is required when relation is not 18");
    if (!*sex)
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'subscriber sex' is required when relation is not 18");
    if (strlen(sex) != 1 || !strchr("FMU", sex[0]))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'subscriber sex' must be F, M or U");
    if (!any_addr)
        return 0;
    if (!*a1 || !*city || !*state || !*zip)
        return rcm_error_set(err, RCM_EINVAL,
                             "coverage: the subscriber's address needs line1, city, state and zip");
    if ((rc = check_text("subscriber address", a1, 1, 55, err)) < 0 ||
        (rc = check_text("subscriber city", city, 1, 30, err)) < 0)
        return rc;
    if (strlen(state) != 2 || !all_of(state, UPPER))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'subscriber state' must be 2 upper-case letters");
    if ((strlen(zip) != 5 && strlen(zip) != 9) || !all_of(zip, DIGITS))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'subscriber zip' must be 5 or 9 digits");
    return 0;
}

/* Everything that needs no store. */
static int check_update(const rcm_coverage_update *u, rcm_error *err)
{
    const char *seq = nz(u->seq), *rel = nz(u->relation);
    if (!*nz(u->mrn))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'mrn' is required");
    if (strlen(u->mrn) > 30 || !x12_text(u->mrn))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'mrn' is not a medical record number");
    if (strlen(seq) != 1 || !strchr("PST", seq[0]))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'seq' must be P, S or T");
    const char *payer = nz(u->payer);
    if (!*payer)
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'payer' is required");
    if (strlen(payer) > 10 || !all_of(payer, UPPER DIGITS))
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'payer' must be a payer code (upper-case letters and"
                             " digits, at most 10)");
    int rc;
    if ((rc = check_text("member_id", nz(u->member_id), 1, 80, err)) < 0 ||
        (rc = check_text("group", nz(u->group_no), 0, 50, err)) < 0 ||
        (rc = check_text("group_name", nz(u->group_name), 0, 60, err)) < 0)
        return rc;
    int known = !*rel;
    for (size_t i = 0; !known && relations[i]; i++)
        known = strcmp(rel, relations[i]) == 0;
    if (!known)
        return rcm_error_set(err, RCM_EINVAL,
                             "coverage: relation '%.3s' is not a relation code (18 self, 01 spouse, 19 child, 20,"
                             " 21, 39, 40, 53, G8 other)",
                             rel);
    if (u->from != RCM_DATE_NONE && u->to != RCM_DATE_NONE && u->to < u->from)
        return rcm_error_set(err, RCM_EINVAL, "coverage: 'to' is before 'from'");
    return check_subscriber(u, !*rel || strcmp(rel, "18") == 0, err);
}

/* One id from a query binding an integer and a text (0 when no row). */
static int lookup(rcm_cycle *cy, const char *sql, int64_t a, const char *b, int64_t *out, rcm_error *err)
{
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, a);
    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the store");
    sqlite3_finalize(s);
    return rc;
}

static void bind_date(sqlite3_stmt *s, int i, rcm_date d)
{
    if (d == RCM_DATE_NONE)
        sqlite3_bind_null(s, i);
    else
        sqlite3_bind_int64(s, i, d);
}

/* Binds the coverage's columns from ?3 on (?1 patient_id, ?2 seq are the caller's). */
static void bind_cols(sqlite3_stmt *s, int64_t payer_id, const rcm_coverage_update *u, const char *rel)
{
    sqlite3_bind_int64(s, 3, payer_id);
    sqlite3_bind_text(s, 4, nz(u->member_id), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, nz(u->group_no), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, nz(u->group_name), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, rel, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, nz(u->sub_last), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, nz(u->sub_first), -1, SQLITE_STATIC);
    bind_date(s, 10, u->sub_dob);
    sqlite3_bind_text(s, 11, nz(u->sub_sex), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 12, nz(u->sub_addr1), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, nz(u->sub_city), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, nz(u->sub_state), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 15, nz(u->sub_zip), -1, SQLITE_STATIC);
    bind_date(s, 16, u->from);
    bind_date(s, 17, u->to);
}

#define COV_SAME                                                                                              \
    "SELECT coverage_id FROM coverage WHERE patient_id = ?1 AND seq = ?2 AND payer_id = ?3 AND member_id = ?4" \
    " AND group_no = ?5 AND group_name = ?6 AND relation = ?7 AND sub_last = ?8 AND sub_first = ?9"           \
    " AND sub_dob IS ?10 AND sub_sex = ?11 AND sub_addr1 = ?12 AND sub_city = ?13 AND sub_state = ?14"        \
    " AND sub_zip = ?15 AND eff_from IS ?16 AND eff_to IS ?17"

/* Writes the row: *written 0 when the stored coverage is the same. */
static int upsert(rcm_cycle *cy, int64_t patient_id, int64_t payer_id, const rcm_coverage_update *u,
                  int64_t *cov_id, int *written, rcm_error *err)
{
    const char *rel = *nz(u->relation) ? u->relation : "18";
    int64_t id = 0, same = 0;
    *written = 0;
    int rc = lookup(cy, "SELECT coverage_id FROM coverage WHERE patient_id = ? AND seq = ?", patient_id, u->seq,
                    &id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if (id) {
        if ((rc = store_prepare(cy->st, &s, COV_SAME, err)) < 0)
            return rc;
        sqlite3_bind_int64(s, 1, patient_id);
        sqlite3_bind_text(s, 2, u->seq, -1, SQLITE_STATIC);
        bind_cols(s, payer_id, u, rel);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW)
            same = 1;
        else if (step != SQLITE_DONE)
            rc = store_sqlerr(cy->st, err, "reading a coverage");
        sqlite3_finalize(s);
        s = NULL;
        if (rc < 0)
            return rc;
        *cov_id = id;
        if (same)
            return 0;
        rc = store_prepare(cy->st, &s,
                           "UPDATE coverage SET payer_id = ?3, member_id = ?4, group_no = ?5, group_name = ?6,"
                           " relation = ?7, sub_last = ?8, sub_first = ?9, sub_dob = ?10, sub_sex = ?11,"
                           " sub_addr1 = ?12, sub_city = ?13, sub_state = ?14, sub_zip = ?15, eff_from = ?16,"
                           " eff_to = ?17 WHERE patient_id = ?1 AND seq = ?2",
                           err);
    } else {
        if ((rc = cycle_next_id(cy, "coverage", "coverage_id", &id, err)) < 0)
            return rc;
        *cov_id = id;
        rc = store_prepare(cy->st, &s,
                           "INSERT INTO coverage (patient_id, seq, payer_id, member_id, group_no, group_name,"
                           " relation, sub_last, sub_first, sub_dob, sub_sex, sub_addr1, sub_city, sub_state,"
                           " sub_zip, eff_from, eff_to, coverage_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
                           " ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                           err);
    }
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, patient_id);
    sqlite3_bind_text(s, 2, u->seq, -1, SQLITE_STATIC);
    bind_cols(s, payer_id, u, rel);
    if (sqlite3_bind_parameter_count(s) >= 18)
        sqlite3_bind_int64(s, 18, id);
    rc = store_step_done(cy->st, s, "writing a coverage", err);
    sqlite3_finalize(s);
    if (rc == 0)
        *written = 1;
    return rc;
}

int rcm_coverage_set(rcm_cycle *cy, const rcm_coverage_update *u, rcm_error *err)
{
    if (!u)
        return rcm_error_set(err, RCM_EINVAL, "coverage: nothing to set");
    int rc = check_update(u, err);
    int64_t practice = 0, patient_id = 0, payer_id = 0, cov_id = 0, prior = 0;
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    if ((rc = lookup(cy, "SELECT patient_id FROM patient WHERE practice_id = ? AND mrn = ?", practice, u->mrn,
                     &patient_id, err)) < 0 ||
        (rc = lookup(cy, "SELECT payer_id FROM payer WHERE practice_id = ? AND code = ?", practice, u->payer,
                     &payer_id, err)) < 0)
        goto fail;
    if (!patient_id) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "coverage: no patient with that MRN");
        goto fail;
    }
    if (!payer_id) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "coverage: no payer '%s' in the practice", u->payer);
        goto fail;
    }
    /* a secondary needs a primary, a tertiary a secondary */
    const char *before = u->seq[0] == 'S' ? "P" : u->seq[0] == 'T' ? "S" : NULL;
    if (before && (rc = lookup(cy, "SELECT coverage_id FROM coverage WHERE patient_id = ? AND seq = ?", patient_id,
                               before, &prior, err)) < 0)
        goto fail;
    if (before && !prior) {
        rc = rcm_error_set(err, RCM_EINVAL, "coverage: a %s coverage needs a %s one first",
                           u->seq[0] == 'S' ? "secondary (S)" : "tertiary (T)",
                           u->seq[0] == 'S' ? "primary (P)" : "secondary (S)");
        goto fail;
    }
    int written = 0;
    if ((rc = upsert(cy, patient_id, payer_id, u, &cov_id, &written, err)) < 0)
        goto fail;
    if (written) {
        char from[16] = "open", to[16] = "open", detail[160];
        if (u->from != RCM_DATE_NONE)
            rcm_date_fmt(from, u->from, 1);
        if (u->to != RCM_DATE_NONE)
            rcm_date_fmt(to, u->to, 1);
        snprintf(detail, sizeof(detail), "patient %lld seq %s payer %lld %s from %s to %s",
                 (long long)patient_id, u->seq, (long long)payer_id, u->payer, from, to);
        if ((rc = cycle_audit(cy, "coverage-set", "coverage", cov_id, detail, err)) < 0)
            goto fail;
    }
    return rcm_store_commit(cy->st, err);
fail:
    rcm_store_rollback(cy->st);
    return rc;
}

static void col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

static rcm_date col_date(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? RCM_DATE_NONE : (rcm_date)sqlite3_column_int64(s, i);
}

int rcm_coverage_list(rcm_cycle *cy, const char *mrn, rcm_coverage_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int64_t practice = 0, patient_id = 0;
    int rc = cycle_practice(cy, &practice, err);
    if (rc < 0 || (rc = lookup(cy, "SELECT patient_id FROM patient WHERE practice_id = ? AND mrn = ?", practice,
                               nz(mrn), &patient_id, err)) < 0)
        return rc;
    if (!patient_id)
        return rcm_error_set(err, RCM_ENOTFOUND, "no patient with that MRN");
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT c.coverage_id, c.payer_id, c.seq, p.code, c.member_id, c.group_no, c.group_name,"
                            " c.relation, c.relation <> '18', c.eff_from, c.eff_to FROM coverage c"
                            " JOIN payer p ON p.payer_id = c.payer_id WHERE c.patient_id = ?"
                            " ORDER BY CASE c.seq WHEN 'P' THEN 1 WHEN 'S' THEN 2 ELSE 3 END",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, patient_id);
    rcm_coverage_row *v = calloc(3, sizeof(*v));
    if (!v) {
        sqlite3_finalize(s);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && *n < 3) {
        rcm_coverage_row *r = &v[(*n)++];
        r->coverage_id = sqlite3_column_int64(s, 0);
        r->payer_id = sqlite3_column_int64(s, 1);
        col(r->seq, sizeof(r->seq), s, 2);
        col(r->payer, sizeof(r->payer), s, 3);
        col(r->member_id, sizeof(r->member_id), s, 4);
        col(r->group_no, sizeof(r->group_no), s, 5);
        col(r->group_name, sizeof(r->group_name), s, 6);
        col(r->relation, sizeof(r->relation), s, 7);
        r->has_subscriber = sqlite3_column_int(s, 8);
        r->from = col_date(s, 9);
        r->to = col_date(s, 10);
    }
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading coverages");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}
