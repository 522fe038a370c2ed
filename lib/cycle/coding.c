/*
 * Coding (include/rcm/coding.h): the coder's queue, the codes of an
 * encounter, the scrubber as the coder works, overrides and sign-off.
 *
 * Whatever the coder does is checked against the claim the encounter would
 * produce now (cycle_encounter_claim: its codes, its primary coverage, the
 * practice's fees), scrubbed by the cycle's engine (cycle_scrubber). An
 * override answers one coder-routed finding (rule, first line) with a
 * reason; an assignment that makes the finding go away drops its override,
 * so an override never outlives what it answered. Sign-off is refused while
 * a coder-routed error is neither fixed nor overridden. Each call is one
 * transaction with its audit event: codes before -> after, the rule and the
 * coder's reason of an override, the status a sign-off changes. Reading
 * the queue, an encounter's codes or the coder's view is a read event.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/coding.h"
#include "rcm/refdata.h"
#include "rcm/json.h"
#include "claims.h"
#include "coding_internal.h"
#include "change.h"
#include "../util/banned.h"

#define MAX_REASON 1000

/* ---- small helpers ---- */

static void col_str(sqlite3_stmt *s, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

typedef struct enc_row {
    int64_t id;
    char ext_id[41];
    char kind;
    char status[8];
} enc_row;

static int enc_read(rcm_cycle *cy, int64_t encounter_id, enc_row *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT ext_id, kind, status FROM encounter WHERE encounter_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, encounter_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->id = encounter_id;
        col_str(s, 0, out->ext_id, sizeof(out->ext_id));
        const unsigned char *k = sqlite3_column_text(s, 1);
        out->kind = k && k[0] == 'I' ? 'I' : 'P';
        col_str(s, 2, out->status, sizeof(out->status));
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "encounter #%lld: no such encounter", (long long)encounter_id);
    } else {
        rc = store_sqlerr(cy->st, err, "reading an encounter");
    }
    sqlite3_finalize(s);
    return rc;
}

/* Runs one statement with up to 3 bindings (integer ids or text), no rows. */
static int exec3(rcm_cycle *cy, const char *sql, int64_t id, const char *t2, const char *t3, const char *what,
                 rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if (t2)
        sqlite3_bind_text(s, 2, t2, -1, SQLITE_STATIC);
    if (t3)
        sqlite3_bind_text(s, 3, t3, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, what, err);
    sqlite3_finalize(s);
    return rc;
}

/* ---- the queue ---- */

/* The stored proposal holds codes: not {"dx":[],"lines":[]}. */
static int has_codes(const char *proposed)
{
    return proposed && !(strstr(proposed, "\"dx\":[]") && strstr(proposed, "\"lines\":[]"));
}

int rcm_coding_queue(rcm_cycle *cy, rcm_coding_item **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_CODING_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                           "SELECT e.encounter_id, e.ext_id, e.dos, p.npi, e.status,"
                           " (SELECT COUNT(*) FROM encounter_dx d WHERE d.encounter_id = e.encounter_id),"
                           " (SELECT COUNT(*) FROM encounter_line l WHERE l.encounter_id = e.encounter_id),"
                           " e.proposed FROM encounter e JOIN provider p ON p.provider_id = e.provider_id"
                           " WHERE e.status IN ('new', 'coded') ORDER BY e.dos, e.encounter_id",
                           err);
    if (rc < 0)
        return rc;
    rcm_coding_item *v = NULL;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_coding_item *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 64);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_coding_item *it = &v[(*n)++];
        memset(it, 0, sizeof(*it));
        it->encounter_id = sqlite3_column_int64(s, 0);
        col_str(s, 1, it->ext_id, sizeof(it->ext_id));
        it->dos = store_column_date(s, 2);
        col_str(s, 3, it->provider_npi, sizeof(it->provider_npi));
        col_str(s, 4, it->status, sizeof(it->status));
        it->n_dx = (uint32_t)sqlite3_column_int(s, 5);
        it->n_lines = (uint32_t)sqlite3_column_int(s, 6);
        it->has_proposed = has_codes((const char *)sqlite3_column_text(s, 7));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the coding queue");
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[64];
        snprintf(detail, sizeof(detail), "coding queue rows=%zu", *n);
        rc = cycle_audit_read(cy, "", 0, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* ---- reading codes ---- */

static int get_assigned(rcm_cycle *cy, int64_t id, rcm_coding *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT code FROM encounter_dx WHERE encounter_id = ? ORDER BY seq", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (out->n_dx < RCM_CLAIM_MAX_DX)
            col_str(s, 0, out->dx[out->n_dx++], sizeof(out->dx[0]));
    if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading diagnoses");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    rc = store_prepare(cy->st, &s,
                       "SELECT code, mod1, mod2, mod3, mod4, units_milli, ptr1, ptr2, ptr3, ptr4, rev_code"
                       " FROM encounter_line WHERE encounter_id = ? ORDER BY line_no",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && out->n_lines < RCM_CODING_MAX_LINES) {
        rcm_coding_line *l = &out->lines[out->n_lines++];
        col_str(s, 0, l->code, sizeof(l->code));
        for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++)
            col_str(s, 1 + k, l->mods[k], sizeof(l->mods[k]));
        l->units_milli = sqlite3_column_int64(s, 5);
        for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++)
            l->ptrs[k] = (uint8_t)sqlite3_column_int(s, 6 + k);
        col_str(s, 10, l->rev_code, sizeof(l->rev_code));
    }
    if (step == SQLITE_ROW)
        rc = rcm_error_set(err, RCM_ELIMIT, "encounter #%lld: more than %d lines", (long long)id,
                           RCM_CODING_MAX_LINES);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading lines");
    sqlite3_finalize(s);
    return rc;
}

/* A string member of o into out ('' when absent). */
static void jstr(const json_t *o, const char *key, char *out, size_t n)
{
    const char *v = json_string_value(json_object_get(o, key));
    cstr_copy(out, n, v ? v : "");
}

/* The proposal as the importer stored it (lib/cycle/encounter.c): {"dx":[...],"lines":[{...}]}. */
static int get_proposed(rcm_cycle *cy, int64_t id, const enc_row *e, rcm_coding *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT proposed FROM encounter WHERE encounter_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    json_t *j = NULL;
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *t = (const char *)sqlite3_column_text(s, 0);
        j = t && *t ? json_loads(t, 0, NULL) : json_object();
    } else {
        rc = store_sqlerr(cy->st, err, "reading the proposal");
    }
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if (!json_is_object(j)) {
        json_decref(j);
        return rcm_error_set(err, RCM_EFORMAT, "encounter %s: the stored proposal is not a JSON object", e->ext_id);
    }
    const json_t *dx = json_object_get(j, "dx"), *lines = json_object_get(j, "lines");
    size_t i;
    const json_t *v;
    json_array_foreach(dx, i, v) {
        const char *c = json_string_value(v);
        if (!c || out->n_dx == RCM_CLAIM_MAX_DX ||
            rcm_code_icd10cm_normalize(out->dx[out->n_dx], rcm_str_c(c)) < 0 || strlen(out->dx[out->n_dx]) > 7) {
            rc = rcm_error_set(err, RCM_EFORMAT, "encounter %s: proposed diagnosis %zu is not ICD-10-CM", e->ext_id,
                               i + 1);
            break;
        }
        out->n_dx++;
    }
    json_array_foreach(lines, i, v) {
        if (rc < 0)
            break;
        if (out->n_lines == RCM_CODING_MAX_LINES) {
            rc = rcm_error_set(err, RCM_ELIMIT, "encounter %s: more than %d proposed lines", e->ext_id,
                               RCM_CODING_MAX_LINES);
            break;
        }
        rcm_coding_line *l = &out->lines[out->n_lines++];
        jstr(v, "code", l->code, sizeof(l->code));
        jstr(v, "rev_code", l->rev_code, sizeof(l->rev_code));
        size_t k;
        const json_t *m;
        json_array_foreach(json_object_get(v, "mods"), k, m) {
            if (k < RCM_CLAIM_MAX_MODS)
                cstr_copy(l->mods[k], sizeof(l->mods[k]), json_string_value(m) ? json_string_value(m) : "");
        }
        json_array_foreach(json_object_get(v, "ptrs"), k, m) {
            if (k < RCM_CLAIM_MAX_PTR && json_integer_value(m) > 0 && json_integer_value(m) <= RCM_CLAIM_MAX_DX)
                l->ptrs[k] = (uint8_t)json_integer_value(m);
        }
        const char *u = json_string_value(json_object_get(v, "units"));
        l->units_milli = 1000;
        if (u && *u && rcm_milli_parse(&l->units_milli, rcm_str_c(u), NULL) < 0)
            rc = rcm_error_set(err, RCM_EFORMAT, "encounter %s: proposed line %zu: units '%.20s'", e->ext_id, i + 1,
                               u);
    }
    json_decref(j);
    return rc;
}

int rcm_coding_get(rcm_cycle *cy, int64_t encounter_id, int proposed, rcm_coding *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    enc_row e;
    int rc = cycle_require(cy, RCM_PERM_CODING_READ, err);
    if (rc < 0 || (rc = enc_read(cy, encounter_id, &e, err)) < 0)
        return rc;
    rc = proposed ? get_proposed(cy, encounter_id, &e, out, err) : get_assigned(cy, encounter_id, out, err);
    if (rc == 0)
        rc = cycle_audit_read(cy, "encounter", encounter_id, proposed ? "coding get proposed" : "coding get assigned",
                              err);
    if (rc < 0)
        memset(out, 0, sizeof(*out));
    return rc;
}

/* ---- checking codes ---- */

/* An 837I line's revenue code: 4 digits (a correction may leave it empty); none on 837P. */
static int rev_check(const rcm_coding_line *o, char kind, coding_use use, const char *subject, unsigned ln,
                     rcm_error *err)
{
    const char *r = o->rev_code;
    int digits = strlen(r) == 4 && strspn(r, "0123456789") == 4;
    if (kind == 'I' && use == CODING_ENCOUNTER && !digits)
        return rcm_error_set(err, RCM_EINVAL, "%sline %u: an 837I line needs a revenue code (4 digits)", subject,
                             ln);
    if (kind == 'I' && r[0] && !digits)
        return rcm_error_set(err, RCM_EINVAL, "%sline %u: revenue code '%s' is not 4 digits", subject, ln, r);
    if (kind != 'I' && r[0])
        return rcm_error_set(err, RCM_EINVAL, "%sline %u: a revenue code is for 837I %s", subject, ln,
                             use == CODING_ENCOUNTER ? "encounters" : "claims");
    return 0;
}

int coding_codes_check(const rcm_coding *in, char kind, coding_use use, const char *subject, rcm_coding *out,
                       rcm_error *err)
{
    const char *why = NULL;
    /* the words differ only because each step's messages were written first */
    const char *twice = use == CODING_ENCOUNTER ? "is there twice" : "is listed twice";
    int rc;
    if (use == CODING_CORRECTION && in->n_dx == 0)
        return rcm_error_set(err, RCM_EINVAL, "%sno diagnosis: at least the principal one is required", subject);
    if (use == CODING_CORRECTION && in->n_lines == 0)
        return rcm_error_set(err, RCM_EINVAL, "%sno line: at least one procedure is required", subject);
    if (in->n_dx > RCM_CLAIM_MAX_DX)
        return rcm_error_set(err, RCM_EINVAL, "%s%u diagnoses, at most %d", subject, (unsigned)in->n_dx,
                             RCM_CLAIM_MAX_DX);
    if (in->n_lines > RCM_CODING_MAX_LINES)
        return rcm_error_set(err, RCM_EINVAL, "%s%u lines, at most %d", subject, (unsigned)in->n_lines,
                             RCM_CODING_MAX_LINES);
    memset(out, 0, sizeof(*out));
    out->n_dx = in->n_dx;
    for (uint32_t i = 0; i < in->n_dx; i++) {
        char d[RCM_CODE_MAX];
        rcm_str v = { in->dx[i], strnlen(in->dx[i], sizeof(in->dx[i])) };
        if (rcm_code_check_icd10cm(v, &why) < 0 || rcm_code_icd10cm_normalize(d, v) < 0 ||
            strlen(d) >= sizeof(out->dx[i]))
            return rcm_error_set(err, RCM_EINVAL, "%sdiagnosis %u '%.*s' is not an ICD-10-CM code: %s", subject,
                                 i + 1, (int)v.n, v.p, why ? why : "too long");
        for (uint32_t k = 0; k < i; k++)
            if (strcmp(out->dx[k], d) == 0)
                return rcm_error_set(err, RCM_EINVAL, "%sdiagnosis %s %s", subject, d, twice);
        memcpy(out->dx[i], d, strlen(d) + 1);
    }
    out->n_lines = in->n_lines;
    for (uint32_t i = 0; i < in->n_lines; i++) {
        const rcm_coding_line *l = &in->lines[i];
        rcm_coding_line *o = &out->lines[i];
        unsigned ln = i + 1;
        cstr_copy(o->code, sizeof(o->code), l->code);
        rcm_str code = rcm_str_c(o->code);
        if (o->code[0] && rcm_code_check_cpt(code, NULL) < 0 && rcm_code_check_hcpcs(code, NULL) < 0)
            return rcm_error_set(err, RCM_EINVAL, "%sline %u: '%.10s' is not a CPT or HCPCS code", subject, ln,
                                 o->code);
        if (!o->code[0] && kind != 'I')
            return rcm_error_set(err, RCM_EINVAL, "%sline %u has no procedure code", subject, ln);
        int ended = 0;
        for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++) {
            cstr_copy(o->mods[k], sizeof(o->mods[k]), l->mods[k]);
            if (!o->mods[k][0]) {
                ended = 1;
                continue;
            }
            if (ended || rcm_code_check_modifier(rcm_str_c(o->mods[k]), &why) < 0)
                return rcm_error_set(err, RCM_EINVAL, "%sline %u: modifier %d '%s' %s", subject, ln, k + 1,
                                     o->mods[k], ended ? "follows an empty one" : why ? why : "is not valid");
            for (int p = 0; p < k; p++)
                if (strcmp(o->mods[p], o->mods[k]) == 0)
                    return rcm_error_set(err, RCM_EINVAL, "%sline %u: modifier %s %s", subject, ln, o->mods[k],
                                         twice);
        }
        if (l->units_milli <= 0 || l->units_milli > INT64_C(99999000))
            return rcm_error_set(err, RCM_EINVAL, "%sline %u: units must be above 0 and at most 99999", subject, ln);
        o->units_milli = l->units_milli;
        cstr_copy(o->rev_code, sizeof(o->rev_code), l->rev_code);
        /* an encounter's revenue code is checked before its pointers, a correction's after (as they were) */
        if (use == CODING_ENCOUNTER && (rc = rev_check(o, kind, use, subject, ln, err)) < 0)
            return rc;
        ended = 0;
        for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++) {
            uint8_t p = l->ptrs[k];
            if (!p) {
                ended = 1;
                continue;
            }
            if (kind == 'I')
                return rcm_error_set(err, RCM_EINVAL, "%sline %u: 837I lines carry no diagnosis pointers", subject,
                                     ln);
            if (ended || p > in->n_dx)
                return rcm_error_set(err, RCM_EINVAL, "%sline %u: pointer %u %s", subject, ln, (unsigned)p,
                                     ended ? "follows an empty one" : "points beyond the diagnoses");
            for (int q = 0; q < k; q++)
                if (l->ptrs[q] == p)
                    return rcm_error_set(err, RCM_EINVAL, "%sline %u: pointer %u %s", subject, ln, (unsigned)p,
                                         twice);
            o->ptrs[k] = p;
        }
        if (use == CODING_CORRECTION && (rc = rev_check(o, kind, use, subject, ln, err)) < 0)
            return rc;
    }
    return 0;
}

/* ---- scrubbing the encounter ---- */

/* The findings of the claim the encounter would produce now, appended to out. */
static int scrub_encounter(rcm_cycle *cy, const rcm_scrub *scrub, int64_t id, rcm_findings *out, rcm_error *err)
{
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    rcm_claim c;
    size_t n0 = out->n;
    int rc = cycle_encounter_claim(cy, id, &c, &mem, err);
    if (rc == 0 && rcm_scrub_claim(scrub, &c, 0, out) < 0)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory scrubbing encounter #%lld", (long long)id);
    /* the encounter's lines are all priced from the fee schedule: a charge of 0 is a missing fee */
    for (size_t i = n0; rc == 0 && i < out->n; i++) {
        rcm_finding *f = &out->v[i];
        if (f->nlines && f->lines[0] >= 1 && f->lines[0] <= c.n_lines && !c.lines[f->lines[0] - 1].charge_cents) {
            const rcm_claim_line *l = &c.lines[f->lines[0] - 1];
            cycle_explain_unpriced(f, l->code, l->mods[0], l->revenue_code);
        }
    }
    arena_release(&mem);
    return rc;
}

static uint32_t line_of(const rcm_finding *f)
{
    return f->nlines ? f->lines[0] : 0;
}

/* A payer rule's id: the practice's rules, which the cycle's engine does not run. */
static int payer_rule(const char *id)
{
    return strncmp(id, "PAYER-", 6) == 0;
}

/* Drops the overrides whose finding no longer fires (payer rules' are kept: nothing here runs them). */
static int drop_stale_overrides(rcm_cycle *cy, int64_t id, const rcm_findings *f, long *dropped, rcm_error *err)
{
    sqlite3_stmt *s = NULL, *del = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT rule_id, line_no FROM finding_override WHERE encounter_id = ?", err);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &del,
                            "DELETE FROM finding_override WHERE encounter_id = ? AND rule_id = ? AND line_no = ?",
                            err)) < 0) {
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_bind_int64(s, 1, id);
    int step;
    *dropped = 0;
    /* deleting while reading the same rows: collect first */
    typedef struct ov {
        char rule[RCM_FINDING_RULE_MAX];
        int64_t line;
    } ov;
    ov *v = NULL;
    size_t n = 0, cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        ov *nv = cycle_grow(v, &cap, n, sizeof(*nv), 8);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        col_str(s, 0, v[n].rule, sizeof(v[n].rule));
        v[n].line = sqlite3_column_int64(s, 1);
        n++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading overrides");
    for (size_t i = 0; rc == 0 && i < n; i++) {
        if (payer_rule(v[i].rule))
            continue;
        int fires = 0;
        for (size_t k = 0; k < f->n && !fires; k++)
            fires = strcmp(f->v[k].rule, v[i].rule) == 0 && line_of(&f->v[k]) == v[i].line;
        if (fires)
            continue;
        sqlite3_bind_int64(del, 1, id);
        sqlite3_bind_text(del, 2, v[i].rule, -1, SQLITE_STATIC);
        sqlite3_bind_int64(del, 3, v[i].line);
        if ((rc = store_step_done(cy->st, del, "dropping an override", err)) == 0)
            (*dropped)++;
    }
    free(v);
    sqlite3_finalize(s);
    sqlite3_finalize(del);
    return rc;
}

/* ---- assign ---- */

static int store_codes(rcm_cycle *cy, int64_t id, const rcm_coding *c, rcm_error *err)
{
    int rc = exec3(cy, "DELETE FROM encounter_dx WHERE encounter_id = ?", id, NULL, NULL, "clearing diagnoses", err);
    if (rc < 0 ||
        (rc = exec3(cy, "DELETE FROM encounter_line WHERE encounter_id = ?", id, NULL, NULL, "clearing lines", err)) <
            0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "INSERT INTO encounter_dx (encounter_id, seq, code) VALUES (?, ?, ?)",
                            err)) < 0)
        return rc;
    for (uint32_t i = 0; rc == 0 && i < c->n_dx; i++) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, i + 1);
        sqlite3_bind_text(s, 3, c->dx[i], -1, SQLITE_STATIC);
        rc = store_step_done(cy->st, s, "writing a diagnosis", err);
    }
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO encounter_line (encounter_id, line_no, code, mod1, mod2, mod3, mod4,"
                            " units_milli, ptr1, ptr2, ptr3, ptr4, rev_code)"
                            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    for (uint32_t i = 0; rc == 0 && i < c->n_lines; i++) {
        const rcm_coding_line *l = &c->lines[i];
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, i + 1);
        sqlite3_bind_text(s, 3, l->code, -1, SQLITE_STATIC);
        for (int k = 0; k < RCM_CLAIM_MAX_MODS; k++)
            sqlite3_bind_text(s, 4 + k, l->mods[k], -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 8, l->units_milli);
        for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++)
            sqlite3_bind_int(s, 9 + k, l->ptrs[k]);
        sqlite3_bind_text(s, 13, l->rev_code, -1, SQLITE_STATIC);
        rc = store_step_done(cy->st, s, "writing a line", err);
    }
    sqlite3_finalize(s);
    return rc;
}

/*
 * Codes as an assignment's event shows them: the diagnoses "E1165,I10",
 * and the lines "99214:25>1.2,36415>1": each line's code (an 837I line:
 * REV/CODE), its modifiers after ':', units after '*' when not 1, its
 * diagnosis pointers after '>'. "none" when there are none.
 */
static void units_text(char out[32], int64_t milli);

static void dx_text(rcm_buf *b, const rcm_coding *c)
{
    for (uint32_t i = 0; i < c->n_dx; i++)
        rcm_buf_addf(b, "%s%s", i ? "," : "", c->dx[i]);
    if (!c->n_dx)
        rcm_buf_adds(b, "none");
}

static void lines_text(rcm_buf *b, const rcm_coding *c)
{
    for (uint32_t i = 0; i < c->n_lines; i++) {
        const rcm_coding_line *l = &c->lines[i];
        if (i)
            rcm_buf_addc(b, ',');
        if (l->rev_code[0])
            rcm_buf_addf(b, "%s/", l->rev_code);
        rcm_buf_adds(b, l->code);
        for (int k = 0; k < RCM_CLAIM_MAX_MODS && l->mods[k][0]; k++)
            rcm_buf_addf(b, ":%s", l->mods[k]);
        if (l->units_milli != 1000) {
            char u[32];
            units_text(u, l->units_milli);
            rcm_buf_addf(b, "*%s", u);
        }
        for (int k = 0; k < RCM_CLAIM_MAX_PTR && l->ptrs[k]; k++)
            rcm_buf_addf(b, "%c%u", k ? '.' : '>', (unsigned)l->ptrs[k]);
    }
    if (!c->n_lines)
        rcm_buf_adds(b, "none");
}

/* "dx I10,E119 -> I10; lines 99214:25>1 -> 99213>1" (a part that did not change: "dx I10 (same)"). */
static void codes_detail(rcm_buf *b, const rcm_coding *before, const rcm_coding *after)
{
    rcm_buf x, y;
    rcm_buf_init(&x, 8192);
    rcm_buf_init(&y, 8192);
    dx_text(&x, before);
    dx_text(&y, after);
    if (strcmp(x.ptr, y.ptr) == 0)
        rcm_buf_addf(b, "dx %s (same)", y.ptr);
    else
        rcm_buf_addf(b, "dx %s -> %s", x.ptr, y.ptr);
    rcm_buf_reset(&x);
    rcm_buf_reset(&y);
    lines_text(&x, before);
    lines_text(&y, after);
    if (strcmp(x.ptr, y.ptr) == 0)
        rcm_buf_addf(b, "; lines %s (same)", y.ptr);
    else
        rcm_buf_addf(b, "; lines %s -> %s", x.ptr, y.ptr);
    if (rcm_buf_failed(&x) || rcm_buf_failed(&y))
        rcm_buf_adds(b, " (cut)");
    rcm_buf_release(&x);
    rcm_buf_release(&y);
}

int rcm_coding_assign(rcm_cycle *cy, int64_t encounter_id, const rcm_coding *codes, rcm_findings *findings,
                      rcm_error *err)
{
    rcm_findings local;
    rcm_findings_init(&local);
    rcm_findings *fl = findings ? findings : &local;
    rcm_findings_reset(fl);
    int rc = cycle_require(cy, RCM_PERM_CODING_WRITE, err);
    if (rc < 0)
        return rc;
    rcm_coding *c = malloc(sizeof(*c)), *was = calloc(1, sizeof(*was));
    if (!c || !was) {
        free(c);
        free(was);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    const rcm_scrub *scrub = NULL;
    enc_row e;
    rcm_buf d;
    rcm_buf_init(&d, 16384);
    rc = cycle_scrubber(cy, &scrub, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        goto out;
    if ((rc = enc_read(cy, encounter_id, &e, err)) < 0)
        goto fail;
    if (strcmp(e.status, "billed") == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s is billed: correct its claim instead ('rcm denial correct')",
                           e.ext_id);
        goto fail;
    }
    char subject[64];
    snprintf(subject, sizeof(subject), "encounter %s: ", e.ext_id);
    if ((rc = coding_codes_check(codes, e.kind, CODING_ENCOUNTER, subject, c, err)) < 0 ||
        (rc = get_assigned(cy, encounter_id, was, err)) < 0 || (rc = store_codes(cy, encounter_id, c, err)) < 0)
        goto fail;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "UPDATE encounter SET status = 'coded', coded_by = ?, coded_at = ?, signed_by = NULL,"
                            " signed_at = NULL WHERE encounter_id = ?",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, cy->now);
    sqlite3_bind_int64(s, 3, encounter_id);
    rc = store_step_done(cy->st, s, "marking the encounter coded", err);
    sqlite3_finalize(s);
    long dropped = 0;
    if (rc < 0 || (rc = scrub_encounter(cy, scrub, encounter_id, fl, err)) < 0 ||
        (rc = drop_stale_overrides(cy, encounter_id, fl, &dropped, err)) < 0)
        goto fail;
    codes_detail(&d, was, c);
    rcm_buf_addf(&d, "; status %s -> coded; findings %zu error%s, %zu warning%s", e.status, fl->errors,
                 fl->errors == 1 ? "" : "s", fl->warnings, fl->warnings == 1 ? "" : "s");
    if (dropped)
        rcm_buf_addf(&d, "; %ld override%s dropped", dropped, dropped == 1 ? "" : "s");
    if (strcmp(e.status, "signed") == 0)
        rcm_buf_adds(&d, "; sign-off withdrawn");
    if ((rc = cycle_audit(cy, "assign", "encounter", encounter_id, rcm_buf_failed(&d) ? "" : d.ptr, err)) < 0)
        goto fail;
    rc = rcm_store_commit(cy->st, err);
    if (rc < 0)
        goto fail;
    goto out;
fail:
    rcm_store_rollback(cy->st);
    rcm_findings_reset(fl);
out:
    rcm_buf_release(&d);
    rcm_findings_release(&local);
    free(c);
    free(was);
    return rc;
}

/* ---- override ---- */

/* The reason of the encounter's override of (rule, line), '' when none; out holds MAX_REASON + 1 bytes. */
static int override_reason(rcm_cycle *cy, int64_t id, const char *rule_id, uint32_t line, char *out, rcm_error *err)
{
    out[0] = '\0';
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT reason FROM finding_override WHERE encounter_id = ? AND rule_id = ? AND line_no = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, rule_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, line);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        col_str(s, 0, out, MAX_REASON + 1);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading an override");
    sqlite3_finalize(s);
    return rc;
}

int rcm_coding_override(rcm_cycle *cy, int64_t encounter_id, const char *rule_id, uint32_t line, const char *reason,
                        rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_CODING_WRITE, err);
    if (rc < 0)
        return rc;
    if (!rule_id || !*rule_id)
        return rcm_error_set(err, RCM_EINVAL, "no rule given");
    const rcm_rule_info *ri = rcm_scrub_rule_find(rule_id);
    if (!ri && !(payer_rule(rule_id) && strlen(rule_id) < RCM_FINDING_RULE_MAX))
        return rcm_error_set(err, RCM_EINVAL, "rule '%.40s': no such rule (docs/scrub.md lists them)", rule_id);
    if (ri && ri->route != RCM_ROUTE_CODER)
        return rcm_error_set(err, RCM_EINVAL, "rule %s is routed to the biller: it holds the claim, not the"
                             " sign-off, and is fixed, not overridden", rule_id);
    size_t rlen = reason ? strlen(reason) : 0;
    size_t lead = reason ? strspn(reason, " \t\r\n") : 0;
    if (!reason || lead == rlen)
        return rcm_error_set(err, RCM_EINVAL, "overriding %s: a reason is required", rule_id);
    if (rlen > MAX_REASON)
        return rcm_error_set(err, RCM_EINVAL, "overriding %s: the reason is longer than %d characters", rule_id,
                             MAX_REASON);
    const rcm_scrub *scrub = NULL;
    rcm_findings fl;
    rcm_findings_init(&fl);
    enc_row e;
    char was[MAX_REASON + 1];
    rcm_buf d;
    rcm_buf_init(&d, 4096);
    rc = cycle_scrubber(cy, &scrub, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        goto out;
    if ((rc = enc_read(cy, encounter_id, &e, err)) < 0)
        goto fail;
    if (strcmp(e.status, "billed") == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s is billed: overrides no longer apply", e.ext_id);
        goto fail;
    }
    if (strcmp(e.status, "new") == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s has no codes yet: assign them first", e.ext_id);
        goto fail;
    }
    if (ri) {
        /* a built-in rule: only a finding that fires now can be answered */
        if ((rc = scrub_encounter(cy, scrub, encounter_id, &fl, err)) < 0)
            goto fail;
        int fires = 0;
        for (size_t i = 0; i < fl.n && !fires; i++)
            fires = strcmp(fl.v[i].rule, rule_id) == 0 && line_of(&fl.v[i]) == line;
        if (!fires) {
            if (line)
                rc = rcm_error_set(err, RCM_EINVAL, "encounter %s: %s does not fire on line %u", e.ext_id, rule_id,
                                   (unsigned)line);
            else
                rc = rcm_error_set(err, RCM_EINVAL, "encounter %s: %s does not fire on the claim (give --line for a"
                                   " line's finding)", e.ext_id, rule_id);
            goto fail;
        }
    }
    if ((rc = override_reason(cy, encounter_id, rule_id, line, was, err)) < 0)
        goto fail;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO finding_override (encounter_id, rule_id, line_no, reason, user_name, at)"
                            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (encounter_id, rule_id, line_no) DO UPDATE"
                            " SET reason = excluded.reason, user_name = excluded.user_name, at = excluded.at",
                            err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, encounter_id);
    sqlite3_bind_text(s, 2, rule_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, line);
    sqlite3_bind_text(s, 4, reason + lead, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, cy->now);
    rc = store_step_done(cy->st, s, "writing an override", err);
    sqlite3_finalize(s);
    /* the reason is the coder's justification: the trail keeps every one, as the row keeps only the last */
    rcm_buf_addf(&d, "rule %s line %u: reason ", rule_id, (unsigned)line);
    if (was[0]) {
        change_value(&d, was);
        rcm_buf_adds(&d, " -> ");
    }
    change_value(&d, reason + lead);
    if (rc < 0 ||
        (rc = cycle_audit(cy, "override", "encounter", encounter_id, rcm_buf_failed(&d) ? "" : d.ptr, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    goto out;
fail:
    rcm_store_rollback(cy->st);
out:
    rcm_buf_release(&d);
    rcm_findings_release(&fl);
    return rc;
}

/* ---- sign-off ---- */

/* Keeps in f only the coder-routed errors no override answers; *n their number. */
static int keep_blocking(rcm_cycle *cy, int64_t id, rcm_findings *f, size_t *n, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM finding_override WHERE encounter_id = ? AND rule_id = ?"
                           " AND line_no = ?",
                           err);
    if (rc < 0)
        return rc;
    size_t k = 0;
    for (size_t i = 0; i < f->n; i++) {
        rcm_finding *x = &f->v[i];
        if (x->severity != RCM_SEV_ERROR || x->route != RCM_ROUTE_CODER)
            continue;
        sqlite3_reset(s);
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, x->rule, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 3, line_of(x));
        if (sqlite3_step(s) != SQLITE_ROW) {
            rc = store_sqlerr(cy->st, err, "reading overrides");
            break;
        }
        if (sqlite3_column_int(s, 0) > 0)
            continue;
        if (k != i)
            f->v[k] = *x;
        k++;
    }
    sqlite3_finalize(s);
    f->n = k;
    f->errors = k;
    f->warnings = f->infos = 0;
    *n = k;
    return rc;
}

int rcm_coding_signoff(rcm_cycle *cy, int64_t encounter_id, rcm_findings *blocking, rcm_error *err)
{
    rcm_findings local;
    rcm_findings_init(&local);
    rcm_findings *fl = blocking ? blocking : &local;
    rcm_findings_reset(fl);
    int rc = cycle_require(cy, RCM_PERM_CODING_WRITE, err);
    if (rc < 0)
        return rc;
    const rcm_scrub *scrub = NULL;
    enc_row e;
    rc = cycle_scrubber(cy, &scrub, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        goto out;
    if ((rc = enc_read(cy, encounter_id, &e, err)) < 0)
        goto fail;
    if (strcmp(e.status, "billed") == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s is billed already", e.ext_id);
        goto fail;
    }
    if (strcmp(e.status, "new") == 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s has no codes: assign them first", e.ext_id);
        goto fail;
    }
    if (strcmp(e.status, "signed") == 0) {
        /* signed off already: nothing changes */
        rcm_store_rollback(cy->st);
        goto out;
    }
    size_t n = 0;
    if ((rc = scrub_encounter(cy, scrub, encounter_id, fl, err)) < 0 ||
        (rc = keep_blocking(cy, encounter_id, fl, &n, err)) < 0)
        goto fail;
    if (n) {
        rc = rcm_error_set(err, RCM_EDENIED, "encounter %s: %zu coder-routed error%s open (%s first): fix %s or"
                           " override %s with a reason", e.ext_id, n, n == 1 ? "" : "s", fl->v[0].rule,
                           n == 1 ? "it" : "them", n == 1 ? "it" : "them");
        rcm_store_rollback(cy->st);
        goto out;
    }
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "UPDATE encounter SET status = 'signed', signed_by = ?, signed_at = ?"
                            " WHERE encounter_id = ?",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, cy->now);
    sqlite3_bind_int64(s, 3, encounter_id);
    rc = store_step_done(cy->st, s, "signing the encounter off", err);
    sqlite3_finalize(s);
    char detail[48];
    snprintf(detail, sizeof(detail), "status %s -> signed", e.status);
    if (rc < 0 || (rc = cycle_audit(cy, "signoff", "encounter", encounter_id, detail, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    goto out;
fail:
    rcm_store_rollback(cy->st);
    rcm_findings_reset(fl);
out:
    rcm_findings_release(&local);
    return rc;
}

/* ---- the coder's view ---- */

/* Thousandths as the shortest decimal: 1000 "1", 500 "0.5". */
static void units_text(char out[32], int64_t milli)
{
    int n = snprintf(out, 32, "%lld", (long long)(milli / 1000));
    int64_t f = milli % 1000;
    if (f > 0 && n > 0 && n < 26) {
        int digits = 3;
        while (f % 10 == 0) {
            f /= 10;
            digits--;
        }
        snprintf(out + n, (size_t)(32 - n), ".%0*lld", digits, (long long)f);
    }
}

/* Codes as JSON in the stored proposal's shape. */
static json_t *codes_json(const rcm_coding *c)
{
    json_t *o = json_object(), *dx = json_array(), *lines = json_array();
    int bad = !o || !dx || !lines;
    for (uint32_t i = 0; !bad && i < c->n_dx; i++)
        bad = json_array_append_new(dx, json_string(c->dx[i])) < 0;
    for (uint32_t i = 0; !bad && i < c->n_lines; i++) {
        const rcm_coding_line *l = &c->lines[i];
        json_t *mods = json_array(), *ptrs = json_array();
        bad = !mods || !ptrs;
        for (int k = 0; !bad && k < RCM_CLAIM_MAX_MODS && l->mods[k][0]; k++)
            bad = json_array_append_new(mods, json_string(l->mods[k])) < 0;
        for (int k = 0; !bad && k < RCM_CLAIM_MAX_PTR && l->ptrs[k]; k++)
            bad = json_array_append_new(ptrs, json_integer(l->ptrs[k])) < 0;
        char units[32];
        units_text(units, l->units_milli);
        json_t *line = bad ? NULL
                           : json_pack("{s:s, s:o, s:s, s:o, s:s}", "code", l->code, "mods", mods, "units", units,
                                       "ptrs", ptrs, "rev_code", l->rev_code);
        if (!line) {
            json_decref(mods);
            json_decref(ptrs);
            bad = 1;
        } else {
            bad = json_array_append_new(lines, line) < 0;
        }
    }
    if (bad || json_object_set(o, "dx", dx) < 0 || json_object_set(o, "lines", lines) < 0) {
        json_decref(o);
        o = NULL;
    }
    json_decref(dx);
    json_decref(lines);
    return o;
}

/* The overrides of the encounter: [{rule, line, reason, user}]. */
static int overrides_json(rcm_cycle *cy, int64_t id, json_t **out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT rule_id, line_no, reason, user_name FROM finding_override WHERE encounter_id = ?"
                           " ORDER BY rule_id, line_no",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    json_t *a = json_array();
    int step = SQLITE_NOMEM;
    while (a && (step = sqlite3_step(s)) == SQLITE_ROW) {
        json_t *o = json_pack("{s:s, s:I, s:s, s:s}", "rule", (const char *)sqlite3_column_text(s, 0), "line",
                              (json_int_t)sqlite3_column_int64(s, 1), "reason",
                              (const char *)sqlite3_column_text(s, 2), "user",
                              (const char *)sqlite3_column_text(s, 3));
        if (!o || json_array_append_new(a, o) < 0) {
            step = SQLITE_NOMEM;
            break;
        }
    }
    if (!a || step == SQLITE_NOMEM)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading overrides");
    sqlite3_finalize(s);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

/* The current findings, each with "overridden" (the override's reason, or null). */
static int findings_json(rcm_cycle *cy, int64_t id, const json_t *overrides, json_t **out, rcm_error *err)
{
    const rcm_scrub *scrub = NULL;
    rcm_findings fl;
    rcm_findings_init(&fl);
    int rc = cycle_scrubber(cy, &scrub, err);
    if (rc == 0)
        rc = scrub_encounter(cy, scrub, id, &fl, err);
    json_t *a = rc == 0 ? json_array() : NULL;
    if (rc == 0 && !a)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < fl.n; i++) {
        const rcm_finding *f = &fl.v[i];
        json_t *j = rcm_finding_to_json(f), *reason = json_null();
        size_t k;
        const json_t *ov;
        json_array_foreach(overrides, k, ov) {
            if (strcmp(json_string_value(json_object_get(ov, "rule")), f->rule) == 0 &&
                json_integer_value(json_object_get(ov, "line")) == (json_int_t)line_of(f)) {
                json_decref(reason);
                reason = json_incref(json_object_get(ov, "reason"));
            }
        }
        if (!j || json_object_set_new(j, "overridden", reason) < 0 || json_array_append_new(a, j) < 0)
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    rcm_findings_release(&fl);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

int rcm_coding_show(rcm_cycle *cy, int64_t encounter_id, json_t **out, rcm_error *err)
{
    *out = NULL;
    enc_row e;
    int rc = cycle_require(cy, RCM_PERM_CODING_READ, err);
    if (rc < 0 || (rc = enc_read(cy, encounter_id, &e, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT e.dos, p.npi, e.documentation, COALESCE((SELECT y.code FROM coverage v"
                            " JOIN payer y ON y.payer_id = v.payer_id WHERE v.patient_id = e.patient_id"
                            " AND v.seq = 'P' AND (v.eff_from IS NULL OR v.eff_from <= e.dos)"
                            " AND (v.eff_to IS NULL OR v.eff_to >= e.dos)), '')"
                            " FROM encounter e JOIN provider p ON p.provider_id = e.provider_id"
                            " WHERE e.encounter_id = ?",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, encounter_id);
    json_t *o = NULL, *doc = NULL, *prop = NULL, *asg = NULL, *ovs = NULL, *fnd = NULL;
    rcm_coding *c = calloc(1, sizeof(*c));
    if (!c) {
        sqlite3_finalize(s);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    if (sqlite3_step(s) != SQLITE_ROW) {
        rc = store_sqlerr(cy->st, err, "reading an encounter");
        goto done;
    }
    char day[11], kind[2] = { e.kind, 0 }, npi[11], payer[24];
    rcm_date_fmt(day, store_column_date(s, 0), 1);
    col_str(s, 1, npi, sizeof(npi));
    col_str(s, 3, payer, sizeof(payer));
    const char *dt = (const char *)sqlite3_column_text(s, 2);
    doc = dt && *dt ? json_loads(dt, 0, NULL) : json_object();
    if (!doc) {
        rc = rcm_error_set(err, RCM_EFORMAT, "encounter %s: the stored documentation is not JSON", e.ext_id);
        goto done;
    }
    if ((rc = get_proposed(cy, encounter_id, &e, c, err)) < 0)
        goto done;
    prop = codes_json(c);
    memset(c, 0, sizeof(*c));
    if ((rc = get_assigned(cy, encounter_id, c, err)) < 0)
        goto done;
    asg = codes_json(c);
    if (!prop || !asg) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        goto done;
    }
    if ((rc = overrides_json(cy, encounter_id, &ovs, err)) < 0)
        goto done;
    if (strcmp(e.status, "new") == 0)
        fnd = json_array();
    else if ((rc = findings_json(cy, encounter_id, ovs, &fnd, err)) < 0)
        goto done;
    o = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:O, s:O, s:O, s:O, s:O}", "encounter", e.ext_id,
                  "encounter_id", (json_int_t)encounter_id, "date", day, "kind", kind, "status", e.status,
                  "provider", npi, "payer", payer, "documentation", doc, "proposed", prop, "assigned", asg,
                  "findings", fnd ? fnd : json_null(), "overrides", ovs);
    if (!o || !fnd)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
done:
    sqlite3_finalize(s);
    /* the read is on the trail before the caller sees it */
    if (rc == 0)
        rc = cycle_audit_read(cy, "encounter", encounter_id, "coding show", err);
    free(c);
    json_decref(doc);
    json_decref(prop);
    json_decref(asg);
    json_decref(ovs);
    json_decref(fnd);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}
