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
#include "change.h"
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

/* The stored coverage (patient, seq) as upsert compares it. */
typedef struct cov_row {
    int64_t id, payer_id;
    char payer[11], member_id[81], group_no[51], group_name[61], relation[3];
    char sub_last[61], sub_first[36], sub_sex[2], sub_addr1[56], sub_city[31], sub_state[3], sub_zip[10];
    rcm_date sub_dob, from, to;
} cov_row;

static void col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

static rcm_date col_date(sqlite3_stmt *s, int i)
{
    return sqlite3_column_type(s, i) == SQLITE_NULL ? RCM_DATE_NONE : (rcm_date)sqlite3_column_int64(s, i);
}

/* The stored row of (patient, seq): out->id 0 when there is none. */
static int stored(rcm_cycle *cy, int64_t patient_id, const char *seq, cov_row *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.coverage_id, c.payer_id, p.code, c.member_id, c.group_no, c.group_name,"
                           " c.relation, c.sub_last, c.sub_first, c.sub_dob, c.sub_sex, c.sub_addr1, c.sub_city,"
                           " c.sub_state, c.sub_zip, c.eff_from, c.eff_to FROM coverage c"
                           " JOIN payer p ON p.payer_id = c.payer_id WHERE c.patient_id = ? AND c.seq = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, patient_id);
    sqlite3_bind_text(s, 2, seq, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->id = sqlite3_column_int64(s, 0);
        out->payer_id = sqlite3_column_int64(s, 1);
        col(out->payer, sizeof(out->payer), s, 2);
        col(out->member_id, sizeof(out->member_id), s, 3);
        col(out->group_no, sizeof(out->group_no), s, 4);
        col(out->group_name, sizeof(out->group_name), s, 5);
        col(out->relation, sizeof(out->relation), s, 6);
        col(out->sub_last, sizeof(out->sub_last), s, 7);
        col(out->sub_first, sizeof(out->sub_first), s, 8);
        out->sub_dob = col_date(s, 9);
        col(out->sub_sex, sizeof(out->sub_sex), s, 10);
        col(out->sub_addr1, sizeof(out->sub_addr1), s, 11);
        col(out->sub_city, sizeof(out->sub_city), s, 12);
        col(out->sub_state, sizeof(out->sub_state), s, 13);
        col(out->sub_zip, sizeof(out->sub_zip), s, 14);
        out->from = col_date(s, 15);
        out->to = col_date(s, 16);
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading a coverage");
    }
    sqlite3_finalize(s);
    return rc;
}

static const char *day_text(char out[11], rcm_date d)
{
    if (d == RCM_DATE_NONE)
        return "open";
    rcm_date_fmt(out, d, 1);
    return out;
}

/*
 * What the update changes in the stored row o, appended to d: the payer,
 * relation and dates before -> after; the member id, group and subscriber
 * only named ("member_id changed"). Returns how many fields differ.
 */
static int changes(const cov_row *o, int64_t payer_id, const rcm_coverage_update *u, const char *rel, rcm_buf *d)
{
    int n = 0;
    char x[11], y[11];
    if (o->payer_id != payer_id) {
        change_str(d, "payer", o->payer, u->payer);
        n++;
    }
    if (strcmp(o->relation, rel) != 0) {
        change_str(d, "relation", o->relation, rel);
        n++;
    }
    if (o->from != u->from) {
        change_str(d, "from", day_text(x, o->from), day_text(y, u->from));
        n++;
    }
    if (o->to != u->to) {
        change_str(d, "to", day_text(x, o->to), day_text(y, u->to));
        n++;
    }
    static const char *const hidden[] = { "member_id", "group_no", "group_name", "subscriber name",
                                          "subscriber dob", "subscriber sex", "subscriber address" };
    int differ[] = {
        strcmp(o->member_id, nz(u->member_id)) != 0,
        strcmp(o->group_no, nz(u->group_no)) != 0,
        strcmp(o->group_name, nz(u->group_name)) != 0,
        strcmp(o->sub_last, nz(u->sub_last)) != 0 || strcmp(o->sub_first, nz(u->sub_first)) != 0,
        o->sub_dob != u->sub_dob,
        strcmp(o->sub_sex, nz(u->sub_sex)) != 0,
        strcmp(o->sub_addr1, nz(u->sub_addr1)) != 0 || strcmp(o->sub_city, nz(u->sub_city)) != 0 ||
            strcmp(o->sub_state, nz(u->sub_state)) != 0 || strcmp(o->sub_zip, nz(u->sub_zip)) != 0,
    };
    for (size_t i = 0; i < ARRAY_SIZE(hidden); i++)
        if (differ[i]) {
            change_hidden(d, hidden[i]);
            n++;
        }
    return n;
}

/* A new coverage as its event shows it: the payer, relation and dates; the rest only named when set. */
static void added(int64_t payer_id, const rcm_coverage_update *u, const char *rel, rcm_buf *d)
{
    char x[11], y[11];
    rcm_buf_addf(d, "added: payer %s (payer %lld); relation %s; from %s; to %s; member_id set", u->payer,
                 (long long)payer_id, rel, day_text(x, u->from), day_text(y, u->to));
    if (*nz(u->group_no) || *nz(u->group_name))
        rcm_buf_adds(d, "; group set");
    if (*nz(u->sub_last))
        rcm_buf_adds(d, "; subscriber set");
}

/*
 * Writes the row and the start of its event's detail into d: *written 0
 * (d untouched) when the stored coverage is the same.
 */
static int upsert(rcm_cycle *cy, int64_t patient_id, int64_t payer_id, const rcm_coverage_update *u,
                  int64_t *cov_id, int *written, rcm_buf *d, rcm_error *err)
{
    const char *rel = *nz(u->relation) ? u->relation : "18";
    cov_row o;
    *written = 0;
    int rc = stored(cy, patient_id, u->seq, &o, err);
    if (rc < 0)
        return rc;
    int64_t id = o.id;
    sqlite3_stmt *s = NULL;
    if (id) {
        *cov_id = id;
        rcm_buf ch;
        rcm_buf_init(&ch, 4096);
        int n = changes(&o, payer_id, u, rel, &ch);
        if (n)
            rcm_buf_addf(d, "seq %s: %s", u->seq, ch.ptr);
        rcm_buf_release(&ch);
        if (!n)
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
        rcm_buf_addf(d, "seq %s ", u->seq);
        added(payer_id, u, rel, d);
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
    int rc = cycle_require(cy, RCM_PERM_COVERAGE_SET, err);
    if (rc < 0)
        return rc;
    if (!u)
        return rcm_error_set(err, RCM_EINVAL, "coverage: nothing to set");
    rc = check_update(u, err);
    int64_t practice = 0, patient_id = 0, payer_id = 0, cov_id = 0, prior = 0;
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    rcm_buf d;                  /* the event's detail */
    rcm_buf_init(&d, 4096);
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
    rcm_buf_addf(&d, "patient %lld ", (long long)patient_id);
    if ((rc = upsert(cy, patient_id, payer_id, u, &cov_id, &written, &d, err)) < 0)
        goto fail;
    if (written &&
        (rc = cycle_audit(cy, "coverage-set", "coverage", cov_id, rcm_buf_failed(&d) ? "" : d.ptr, err)) < 0)
        goto fail;
    rcm_buf_release(&d);
    return rcm_store_commit(cy->st, err);
fail:
    rcm_buf_release(&d);
    rcm_store_rollback(cy->st);
    return rc;
}

int rcm_coverage_list(rcm_cycle *cy, const char *mrn, rcm_coverage_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int64_t practice = 0, patient_id = 0;
    int rc = cycle_require(cy, RCM_PERM_COVERAGE_READ, err);
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0 ||
        (rc = lookup(cy, "SELECT patient_id FROM patient WHERE practice_id = ? AND mrn = ?", practice, nz(mrn),
                     &patient_id, err)) < 0)
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
    if (rc == 0) {
        char detail[64];
        snprintf(detail, sizeof(detail), "coverage list rows=%zu", *n);
        rc = cycle_audit_read(cy, "patient", patient_id, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}
