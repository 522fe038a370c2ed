/*
 * Scoring a coding-audit sample and the accuracy report
 * (rcm_audit_score, rcm_audit_score_file, rcm_audit_accuracy_report;
 * docs/coding-audit.md).
 *
 * What counts as a code: each diagnosis of the claim (kind d, line 0), each
 * line's procedure code (p), each modifier on a line (m) and each line's
 * units (u), plus every code the auditor names as missing. A review stores
 * one audit_review_code row per code so counted, right or wrong: the codes
 * the auditor does not name are right.
 *
 * The effect of an error on the expected payment, when the auditor leaves
 * it to rcm (INT64_MIN), comes from the practice's fee schedule (the fee
 * table, the line's first modifier's row before the plain one):
 *   procedure  (fee of the correct code - fee of the billed code) x the line's units,
 *              a missing code's fee counting 0 for the billed side and an unsupported
 *              (deleted) code's 0 for the correct side; a missing procedure on a new
 *              line counts 1 unit
 *   units      fee of the line's code x (correct units - billed units)
 *   modifier, diagnosis  0 (the auditor gives an amount when there is one)
 * rounded half away from zero to the cent. Negative: the claim was
 * over-coded.
 */
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "coding_internal.h"
#include "../cycle/cycle_internal.h"
#include "../util/banned.h"

const char *const audit_error_types[] = { RCM_AUDIT_ERROR_TYPES };

_Static_assert(sizeof(((rcm_audit_accuracy *)0)->by_type) / sizeof(int64_t) == AUDIT_N_ERROR_TYPES,
               "one count per error type");

int audit_error_type_index(const char *s)
{
    for (int i = 0; i < AUDIT_N_ERROR_TYPES; i++)
        if (strcmp(s, audit_error_types[i]) == 0)
            return i;
    return -1;
}

/* ---- the score file ---- */

void audit_score_doc_release(audit_score_doc *d)
{
    if (!d)
        return;
    arena_release(&d->mem);
    memset(d, 0, sizeof(*d));
}

static int doc_fail(rcm_error *err, const char *source, const char *fmt, ...) RCM_PRINTF(3, 4);
static int doc_fail(rcm_error *err, const char *source, const char *fmt, ...)
{
    if (!err)
        return RCM_EFORMAT;
    rcm_error_clear(err);
    err->code = RCM_EFORMAT;
    err->source = source;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return RCM_EFORMAT;
}

/* Member names an object may hold; the first unknown is reported. */
static const char *unknown_member(json_t *o, const char *const *known)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int ok = 0;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(k, known[i]) == 0;
        if (!ok)
            return k;
    }
    return NULL;
}

/* A printable code: letters, digits and '.', at most 15 bytes ('' allowed). */
static int code_text_ok(const char *s)
{
    size_t n = strlen(s);
    if (n > 15)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '.')
            return 0;
    return 1;
}

static int read_code(rcm_audit_code *c, json_t *j, const char *source, size_t ci, size_t k, rcm_error *err)
{
    static const char *const known[] = { "line", "kind", "code", "correct", "error", "effect", NULL };
    memset(c, 0, sizeof(*c));
    if (!json_is_object(j))
        return doc_fail(err, source, "claims[%zu].codes[%zu]: not an object", ci, k);
    const char *bad = unknown_member(j, known);
    if (bad)
        return doc_fail(err, source, "claims[%zu].codes[%zu].%.40s: unknown member (line kind code correct error"
                        " effect)", ci, k, bad);
    json_t *v = json_object_get(j, "line");
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 999)
        return doc_fail(err, source, "claims[%zu].codes[%zu].line: a whole number 0 to 999 is required"
                        " (0 for a diagnosis)", ci, k);
    c->line = (int)json_integer_value(v);
    v = json_object_get(j, "kind");
    const char *kind = json_is_string(v) ? json_string_value(v) : "";
    if (strlen(kind) != 1 || !strchr("dpmu", kind[0]))
        return doc_fail(err, source, "claims[%zu].codes[%zu].kind: \"d\" diagnosis, \"p\" procedure, \"m\""
                        " modifier or \"u\" units", ci, k);
    c->kind = kind[0];
    static const char *const texts[] = { "code", "correct" };
    char *dst[] = { c->code, c->correct };
    for (int i = 0; i < 2; i++) {
        v = json_object_get(j, texts[i]);
        if (!json_is_string(v))
            return doc_fail(err, source, "claims[%zu].codes[%zu].%s: a string is required (\"\" when %s)", ci,
                            k, texts[i], i == 0 ? "the coder missed the code" : "the code should not be there");
        if (!code_text_ok(json_string_value(v)))
            return doc_fail(err, source, "claims[%zu].codes[%zu].%s: at most 15 letters, digits or dots", ci, k,
                            texts[i]);
        cstr_copy(dst[i], 16, json_string_value(v));
    }
    v = json_object_get(j, "error");
    if (v && !json_is_string(v))
        return doc_fail(err, source, "claims[%zu].codes[%zu].error: a string is required", ci, k);
    const char *et = v ? json_string_value(v) : "";
    if (et[0] && audit_error_type_index(et) < 0) {
        char list[200] = "";
        size_t used = 0;
        for (int i = 0; i < AUDIT_N_ERROR_TYPES && used < sizeof(list); i++)
            used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s", i ? " " : "", audit_error_types[i]);
        return doc_fail(err, source, "claims[%zu].codes[%zu].error: unknown error type '%.24s' (%s)", ci, k, et,
                        list);
    }
    cstr_copy(c->error_type, sizeof(c->error_type), et);
    v = json_object_get(j, "effect");
    c->effect_cents = INT64_MIN;
    if (v) {
        const char *why = "not a string";
        int64_t cents = 0;
        if (!json_is_string(v) ||
            rcm_cents_parse(&cents, (rcm_str){ json_string_value(v), json_string_length(v) }, &why) < 0)
            return doc_fail(err, source, "claims[%zu].codes[%zu].effect: an amount as a string (\"-45.00\"): %s",
                            ci, k, why);
        c->effect_cents = cents;
    }
    return 0;
}

static int note_ok(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
            return 0;
    return 1;
}

static int read_claim(audit_score_doc *d, audit_score_claim *c, json_t *j, const char *source, size_t ci,
                      rcm_error *err)
{
    static const char *const known[] = { "claim", "note", "codes", NULL };
    memset(c, 0, sizeof(*c));
    if (!json_is_object(j))
        return doc_fail(err, source, "claims[%zu]: not an object", ci);
    const char *bad = unknown_member(j, known);
    if (bad)
        return doc_fail(err, source, "claims[%zu].%.40s: unknown member (claim note codes)", ci, bad);
    json_t *v = json_object_get(j, "claim");
    if (!json_is_string(v) || json_string_length(v) < 1 || json_string_length(v) > 38 ||
        !code_text_ok(json_string_value(v)))
        return doc_fail(err, source, "claims[%zu].claim: the claim number (\"C000000001\") is required", ci);
    c->claim_no = arena_strdup(&d->mem, json_string_value(v), json_string_length(v));
    v = json_object_get(j, "note");
    if (v && (!json_is_string(v) || json_string_length(v) > AUDIT_MAX_NOTE || !note_ok(json_string_value(v))))
        return doc_fail(err, source, "claims[%zu].note: text of at most %d bytes without control characters", ci,
                        AUDIT_MAX_NOTE);
    c->note = arena_strdup(&d->mem, v ? json_string_value(v) : "", v ? json_string_length(v) : 0);
    v = json_object_get(j, "codes");
    if (!json_is_array(v))
        return doc_fail(err, source, "claims[%zu].codes: an array is required ([] when every code is right)", ci);
    if (json_array_size(v) > AUDIT_MAX_CODES)
        return doc_fail(err, source, "claims[%zu].codes: more than %d codes", ci, AUDIT_MAX_CODES);
    c->n = json_array_size(v);
    c->codes = arena_zalloc(&d->mem, (c->n ? c->n : 1) * sizeof(*c->codes));
    if (!c->claim_no || !c->note || !c->codes)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    for (size_t k = 0; k < c->n; k++) {
        int rc = read_code(&c->codes[k], json_array_get(v, k), source, ci, k, err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

int audit_score_doc_read(audit_score_doc *out, const char *source, const char *text, size_t len, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    if (len > AUDIT_MAX_FILE)
        return doc_fail(err, source, "larger than %zu bytes", AUDIT_MAX_FILE);
    json_error_t je;
    json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        int rc = doc_fail(err, source, "not a score file: %s", je.text);
        if (err)
            err->line = je.line > 0 ? je.line : 0;
        return rc;
    }
    int rc = 0;
    static const char *const known[] = { "claims", NULL };
    json_t *claims = json_is_object(root) ? json_object_get(root, "claims") : NULL;
    const char *bad = json_is_object(root) ? unknown_member(root, known) : NULL;
    if (!json_is_object(root)) {
        rc = doc_fail(err, source, "a score file is an object {\"claims\": [...]}");
    } else if (bad) {
        rc = doc_fail(err, source, "%.40s: unknown member (claims)", bad);
    } else if (!json_is_array(claims) || json_array_size(claims) == 0) {
        rc = doc_fail(err, source, "claims: a non-empty array of reviewed claims is required");
    } else if (json_array_size(claims) > AUDIT_MAX_CLAIMS) {
        rc = doc_fail(err, source, "claims: more than %d claims", AUDIT_MAX_CLAIMS);
    }
    if (rc < 0) {
        json_decref(root);
        return rc;
    }
    arena_init(&out->mem, 64 * 1024, (size_t)256 << 20);
    out->n = json_array_size(claims);
    out->claims = arena_zalloc(&out->mem, out->n * sizeof(*out->claims));
    if (!out->claims)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    for (size_t i = 0; rc == 0 && i < out->n; i++) {
        rc = read_claim(out, &out->claims[i], json_array_get(claims, i), source, i, err);
        for (size_t j = 0; rc == 0 && j < i; j++)
            if (strcmp(out->claims[j].claim_no, out->claims[i].claim_no) == 0)
                rc = doc_fail(err, source, "claims[%zu].claim: %s again (claims[%zu])", i, out->claims[i].claim_no,
                              j);
    }
    json_decref(root);
    if (rc < 0)
        audit_score_doc_release(out);
    return rc;
}

/* ---- the claim as billed ---- */

typedef struct sc_line {
    int line_no;
    char code[49];
    char mods[RCM_CLAIM_MAX_MODS][3];
    int64_t units_milli;
} sc_line;

typedef struct sc_claim {
    int64_t claim_id, encounter_id, practice_id, charge_cents;
    int in_sample;
    char claim_no[39], coder[64], enc_coder[64], enc_signer[64];
    int n_dx;
    char dx[RCM_CLAIM_MAX_DX][8];
    size_t n_lines;
    sc_line *lines;
} sc_claim;

static void col_text(sqlite3_stmt *s, int i, char *dst, size_t n)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

/* The claim by number, whether it is in the sample, its diagnoses and lines. RCM_ENOTFOUND when no such claim. */
static int claim_load(rcm_cycle *cy, int64_t sample_id, const char *claim_no, sc_claim *c, rcm_error *err)
{
    memset(c, 0, sizeof(*c));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_id, c.encounter_id, c.practice_id, c.charge_cents, c.claim_no, c.coded_by,"
                           " COALESCE(e.coded_by, ''), COALESCE(e.signed_by, ''),"
                           " EXISTS (SELECT 1 FROM audit_sample_claim sc WHERE sc.sample_id = ?2"
                           "  AND sc.claim_id = c.claim_id)"
                           " FROM claim c JOIN encounter e ON e.encounter_id = c.encounter_id WHERE c.claim_no = ?1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, claim_no, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, sample_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        c->claim_id = sqlite3_column_int64(s, 0);
        c->encounter_id = sqlite3_column_int64(s, 1);
        c->practice_id = sqlite3_column_int64(s, 2);
        c->charge_cents = sqlite3_column_int64(s, 3);
        col_text(s, 4, c->claim_no, sizeof(c->claim_no));
        col_text(s, 5, c->coder, sizeof(c->coder));
        col_text(s, 6, c->enc_coder, sizeof(c->enc_coder));
        col_text(s, 7, c->enc_signer, sizeof(c->enc_signer));
        c->in_sample = sqlite3_column_int(s, 8);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no claim %.38s", claim_no);
    } else {
        rc = store_sqlerr(cy->st, err, "reading the claim");
    }
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &s, "SELECT code FROM claim_dx WHERE claim_id = ? ORDER BY seq", err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, c->claim_id);
    while ((step = sqlite3_step(s)) == SQLITE_ROW && c->n_dx < RCM_CLAIM_MAX_DX)
        col_text(s, 0, c->dx[c->n_dx++], sizeof(c->dx[0]));
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store_sqlerr(cy->st, err, "reading the claim's diagnoses");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT line_no, code, mod1, mod2, mod3, mod4, units_milli FROM claim_line"
                            " WHERE claim_id = ? ORDER BY line_no",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, c->claim_id);
    size_t cap = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        sc_line *nv = cycle_grow(c->lines, &cap, c->n_lines, sizeof(*nv), 8);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        c->lines = nv;
        sc_line *l = &c->lines[c->n_lines++];
        l->line_no = sqlite3_column_int(s, 0);
        col_text(s, 1, l->code, sizeof(l->code));
        for (int m = 0; m < RCM_CLAIM_MAX_MODS; m++)
            col_text(s, 2 + m, l->mods[m], sizeof(l->mods[m]));
        l->units_milli = sqlite3_column_int64(s, 6);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the claim's lines");
    sqlite3_finalize(s);
    return rc;
}

static const sc_line *line_of(const sc_claim *c, int line_no)
{
    for (size_t i = 0; i < c->n_lines; i++)
        if (c->lines[i].line_no == line_no)
            return &c->lines[i];
    return NULL;
}

/* ---- the reviewed codes ---- */

typedef struct sc_row {
    int line;
    char kind;
    char code[16], correct[16], error_type[24];
    int ok;
    int named;
    int64_t effect_cents;
} sc_row;

typedef struct sc_rows {
    sc_row *v;
    size_t n, cap;
} sc_rows;

static sc_row *rows_add(sc_rows *r, int line, char kind, const char *code)
{
    sc_row *nv = cycle_grow(r->v, &r->cap, r->n, sizeof(*nv), 16);
    if (!nv)
        return NULL;
    r->v = nv;
    sc_row *x = &r->v[r->n++];
    memset(x, 0, sizeof(*x));
    x->line = line;
    x->kind = kind;
    cstr_copy(x->code, sizeof(x->code), code);
    cstr_copy(x->correct, sizeof(x->correct), code);
    x->ok = 1;
    return x;
}

/* Units in thousandths as the shortest decimal: 1000 "1", 1500 "1.5". */
static void units_text(char *out, size_t n, int64_t milli)
{
    int64_t whole = milli / 1000, frac = milli % 1000;
    if (frac < 0)
        frac = -frac;
    if (!frac) {
        snprintf(out, n, "%lld", (long long)whole);
        return;
    }
    char f[4];
    snprintf(f, sizeof(f), "%03lld", (long long)frac);
    for (int i = 2; i > 0 && f[i] == '0'; i--)
        f[i] = '\0';
    snprintf(out, n, "%s%lld.%s", milli < 0 && whole == 0 ? "-" : "", (long long)whole, f);
}

/* Every code of the claim as right: diagnoses, then each line's procedure, modifiers and units. */
static int rows_of_claim(const sc_claim *c, sc_rows *r, rcm_error *err)
{
    for (int i = 0; i < c->n_dx; i++)
        if (!rows_add(r, 0, 'd', c->dx[i]))
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n_lines; i++) {
        const sc_line *l = &c->lines[i];
        char u[24];
        units_text(u, sizeof(u), l->units_milli);
        if (!rows_add(r, l->line_no, 'p', l->code))
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        for (int m = 0; m < RCM_CLAIM_MAX_MODS; m++)
            if (l->mods[m][0] && !rows_add(r, l->line_no, 'm', l->mods[m]))
                return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        if (!rows_add(r, l->line_no, 'u', u))
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    return 0;
}

/* Upper case; a diagnosis loses its dots (claims store I10, E1165). */
static void normalize(char *s, char kind)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (kind == 'd' && *p == '.')
            continue;
        *o++ = (char)toupper((unsigned char)*p);
    }
    *o = '\0';
}

static int units_parse(const char *s, int64_t *milli)
{
    const char *why = NULL;
    return s[0] && rcm_milli_parse(milli, (rcm_str){ s, strlen(s) }, &why) == 0 && *milli >= 0 ? 0 : -1;
}

static const char *kind_name(char k)
{
    return k == 'd' ? "diagnosis" : k == 'p' ? "procedure" : k == 'm' ? "modifier" : "units";
}

/* The practice's fee for code: the row for mod first, then the plain one. 1 found, 0 not, < 0 error. */
static int fee_of(rcm_cycle *cy, int64_t practice, const char *code, const char *mod, int64_t *cents,
                  rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT charge_cents FROM fee WHERE practice_id = ?1 AND code = ?2"
                           " AND (modifier = ?3 OR modifier = '') ORDER BY modifier = '' LIMIT 1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, mod, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *cents = sqlite3_column_int64(s, 0);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading the fee schedule");
    }
    sqlite3_finalize(s);
    return rc;
}

/* fee x milli / 1000, rounded half away from zero; RCM_EINVAL when too large. */
static int times_units(int64_t fee, int64_t milli, int64_t *out)
{
    int neg = (fee < 0) != (milli < 0);
    uint64_t f = fee < 0 ? (uint64_t)0 - (uint64_t)fee : (uint64_t)fee;
    uint64_t m = milli < 0 ? (uint64_t)0 - (uint64_t)milli : (uint64_t)milli;
    if (m && f > (uint64_t)RCM_CENTS_MAX * 1000 / m)
        return -1;
    uint64_t q = (f * m + 500) / 1000;
    *out = neg ? -(int64_t)q : (int64_t)q;
    return 0;
}

typedef struct sc_where {
    const char *prefix;         /* "claims[2]." or "" */
    size_t k;                   /* the index in codes */
} sc_where;

/* The computed effect of one error (see the top of this file). */
static int compute_effect(rcm_cycle *cy, const sc_claim *c, const sc_row *r, const sc_where *w, int64_t *out,
                          rcm_error *err)
{
    *out = 0;
    if (r->kind == 'd' || r->kind == 'm')
        return 0;
    const sc_line *l = line_of(c, r->line);
    const char *mod = l ? l->mods[0] : "";
    if (r->kind == 'u') {
        int64_t fee = 0, billed = 0, right = 0;
        units_parse(r->code, &billed);
        units_parse(r->correct, &right);
        int rc = fee_of(cy, c->practice_id, l->code, mod, &fee, err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: no fee for %s in the practice's fee schedule:"
                                 " give the effect", w->prefix, w->k, l->code);
        if (times_units(fee, right - billed, out) < 0)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: the effect is too large", w->prefix, w->k);
        return 0;
    }
    int64_t units = l ? l->units_milli : 1000;
    int64_t fees[2] = { 0, 0 };
    const char *codes[2] = { r->code, r->correct };
    for (int i = 0; i < 2; i++) {
        if (!codes[i][0])
            continue;
        int rc = fee_of(cy, c->practice_id, codes[i], mod, &fees[i], err);
        if (rc < 0)
            return rc;
        if (rc == 0)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: no fee for %s in the practice's fee schedule:"
                                 " give the effect", w->prefix, w->k, codes[i]);
    }
    if (times_units(fees[1] - fees[0], units, out) < 0)
        return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: the effect is too large", w->prefix, w->k);
    return 0;
}

/* Finds the row a named code is about, adding one for a missing code. */
static int match_row(const sc_claim *c, sc_rows *rows, const rcm_audit_code *a, const char *code,
                     const sc_where *w, sc_row **out, rcm_error *err)
{
    *out = NULL;
    const sc_line *l = NULL;
    if (a->kind == 'd' && a->line != 0)
        return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].line: a diagnosis is on line 0", w->prefix, w->k);
    if (a->kind != 'd') {
        if (a->line < 1)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].line: a %s is on a line from 1", w->prefix, w->k,
                                 kind_name(a->kind));
        l = line_of(c, a->line);
        if (!l && (a->kind != 'p' || code[0]))
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].line: claim %s has no line %d", w->prefix, w->k,
                                 c->claim_no, a->line);
    }
    if (a->kind == 'u') {
        int64_t named = 0;
        if (code[0] && (units_parse(code, &named) < 0 || named != l->units_milli)) {
            char u[24];
            units_text(u, sizeof(u), l->units_milli);
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].code: line %d bills %s units, not '%s'", w->prefix,
                                 w->k, a->line, u, code);
        }
        for (size_t i = 0; i < rows->n; i++)
            if (rows->v[i].kind == 'u' && rows->v[i].line == a->line)
                *out = &rows->v[i];
    } else if (code[0]) {
        for (size_t i = 0; i < rows->n && !*out; i++) {
            sc_row *r = &rows->v[i];
            if (r->kind == a->kind && r->line == a->line && strcmp(r->code, code) == 0 && !r->named)
                *out = r;
        }
        if (!*out) {
            for (size_t i = 0; i < rows->n; i++) {
                sc_row *r = &rows->v[i];
                if (r->kind == a->kind && r->line == a->line && strcmp(r->code, code) == 0)
                    return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: %s %s named twice", w->prefix, w->k,
                                         kind_name(a->kind), code);
            }
            if (a->kind == 'd')
                return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].code: claim %s has no diagnosis %s", w->prefix,
                                     w->k, c->claim_no, code);
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].code: line %d of claim %s has no %s %s", w->prefix,
                                 w->k, a->line, c->claim_no, kind_name(a->kind), code);
        }
        return 0;
    } else {
        if (!(*out = rows_add(rows, a->line, a->kind, "")))
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        return 0;
    }
    if ((*out)->named)
        return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: the units of line %d named twice", w->prefix, w->k,
                             a->line);
    return 0;
}

/* Applies the auditor's verdicts to rows; checks each is consistent. */
static int apply_codes(rcm_cycle *cy, const sc_claim *c, sc_rows *rows, const rcm_audit_code *codes, size_t n,
                       const char *prefix, rcm_error *err)
{
    for (size_t k = 0; k < n; k++) {
        const rcm_audit_code *a = &codes[k];
        sc_where w = { prefix, k };
        if (!a->kind || !strchr("dpmu", a->kind))
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].kind: d, p, m or u", prefix, k);
        char code[16], correct[16];
        cstr_copy(code, sizeof(code), a->code);
        cstr_copy(correct, sizeof(correct), a->correct);
        normalize(code, a->kind);
        normalize(correct, a->kind);
        const char *et = a->error_type;
        if (et[0] && audit_error_type_index(et) < 0)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].error: unknown error type '%.24s'", prefix, k, et);
        if (!code[0] && !correct[0])
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: neither the code billed nor the correct one",
                                 prefix, k);
        if (a->kind == 'u') {
            int64_t m = 0;
            if (!correct[0] || units_parse(correct, &m) < 0)
                return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].correct: the right units, a number ('2', '1.5')",
                                     prefix, k);
            units_text(correct, sizeof(correct), m);
        }
        sc_row *r = NULL;
        int rc = match_row(c, rows, a, code, &w, &r, err);
        if (rc < 0)
            return rc;
        if (a->kind == 'u')
            cstr_copy(code, sizeof(code), r->code);
        int same = strcmp(code, correct) == 0;
        if (!et[0] && !same)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: %s %s -> %s needs an error type", prefix, k,
                                 kind_name(a->kind), code[0] ? code : "(missing)", correct[0] ? correct : "(none)");
        if (!et[0] && a->effect_cents != INT64_MIN && a->effect_cents != 0)
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].effect: a right code has no effect", prefix, k);
        if (strcmp(et, "missing-code") == 0 && (code[0] || !correct[0]))
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: a missing code has code \"\" and the correct code",
                                 prefix, k);
        if (strcmp(et, "unsupported-code") == 0 && (!code[0] || correct[0]))
            return rcm_error_set(err, RCM_EINVAL,
                                 "%scodes[%zu]: an unsupported code has the code billed and correct \"\"", prefix, k);
        if (!code[0] && !et[0])
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu]: a missing code needs an error type", prefix, k);
        if (a->effect_cents != INT64_MIN && (a->effect_cents > RCM_CENTS_MAX || a->effect_cents < -RCM_CENTS_MAX))
            return rcm_error_set(err, RCM_EINVAL, "%scodes[%zu].effect: out of range", prefix, k);
        r->named = 1;
        cstr_copy(r->correct, sizeof(r->correct), correct);
        cstr_copy(r->error_type, sizeof(r->error_type), et);
        r->ok = !et[0];
        r->effect_cents = 0;
        if (!r->ok) {
            if (a->effect_cents != INT64_MIN)
                r->effect_cents = a->effect_cents;
            else if ((rc = compute_effect(cy, c, r, &w, &r->effect_cents, err)) < 0)
                return rc;
        }
    }
    return 0;
}

/* ---- recording a review ---- */

typedef struct sc_tally {
    int64_t codes, errors, over, under;
} sc_tally;

static int write_review(rcm_cycle *cy, int64_t sample_id, const sc_claim *c, const sc_rows *rows, const char *note,
                        int64_t *review_id, rcm_error *err)
{
    int64_t id = 0;
    int rc = cycle_next_id(cy, "audit_review", "review_id", &id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO audit_review (review_id, sample_id, claim_id, coder, note, reviewed_at,"
                            " reviewed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, sample_id);
    sqlite3_bind_int64(s, 3, c->claim_id);
    sqlite3_bind_text(s, 4, c->coder, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, cy->now);
    sqlite3_bind_text(s, 7, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "recording the review", err);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO audit_review_code (review_id, seq, line, kind, code, correct, ok, error_type,"
                            " effect_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    for (size_t i = 0; i < rows->n && rc == 0; i++) {
        const sc_row *r = &rows->v[i];
        char kind[2] = { r->kind, '\0' };
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, (int64_t)i + 1);
        sqlite3_bind_int(s, 3, r->line);
        sqlite3_bind_text(s, 4, kind, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 5, r->code, -1, SQLITE_STATIC);
        sqlite3_bind_text(s, 6, r->correct, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 7, r->ok);
        sqlite3_bind_text(s, 8, r->error_type, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 9, r->effect_cents);
        rc = store_step_done(cy->st, s, "recording the reviewed codes", err);
    }
    sqlite3_finalize(s);
    if (rc == 0)
        *review_id = id;
    return rc;
}

/* The correction item for the coder, assigned to them by name. */
static int send_to_coder(rcm_cycle *cy, int64_t sample_id, const sc_claim *c, const sc_tally *t, int64_t *item_id,
                         rcm_error *err)
{
    char summary[160];
    snprintf(summary, sizeof(summary), "audit sample %lld: %lld correction%s on %s", (long long)sample_id,
             (long long)t->errors, t->errors == 1 ? "" : "s", c->claim_no);
    int64_t net = t->under - t->over;
    cycle_work w = { .queue = RCM_QUEUE_CODER, .kind = "audit", .claim_id = c->claim_id,
                     .encounter_id = c->encounter_id, .amount_cents = net < 0 ? -net : net, .due = RCM_DATE_NONE,
                     .summary = summary };
    int rc = cycle_work_add(cy, &w, item_id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "UPDATE work_item SET assignee = ? WHERE item_id = ?", err)) < 0)
        return rc;
    sqlite3_bind_text(s, 1, c->coder, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, *item_id);
    rc = store_step_done(cy->st, s, "assigning the work item", err);
    sqlite3_finalize(s);
    return rc;
}

static int already_reviewed(rcm_cycle *cy, int64_t sample_id, int64_t claim_id, int64_t *review_id, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT review_id FROM audit_review WHERE sample_id = ? AND claim_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, sample_id);
    sqlite3_bind_int64(s, 2, claim_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *review_id = sqlite3_column_int64(s, 0);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading the reviews");
    }
    sqlite3_finalize(s);
    return rc;
}

static void money(char out[24], int64_t cents) { rcm_cents_fmt(out, cents); }

/* Scores one claim inside the caller's transaction; adds to rep. */
static int score_one(rcm_cycle *cy, int64_t sample_id, const char *claim_no, const rcm_audit_code *codes, size_t n,
                     const char *note, const char *prefix, rcm_audit_score_report *rep, rcm_error *err)
{
    sc_claim c;
    sc_rows rows = { NULL, 0, 0 };
    int rc = claim_load(cy, sample_id, claim_no, &c, err);
    if (rc < 0) {
        if (rc == RCM_ENOTFOUND)
            rcm_error_set(err, RCM_ENOTFOUND, "%sclaim: no claim %.38s", prefix, claim_no);
        goto done;
    }
    if (!c.in_sample) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "%sclaim: claim %s is not in sample %lld", prefix, c.claim_no,
                           (long long)sample_id);
        goto done;
    }
    if (strcmp(c.coder, cy->user) == 0 || strcmp(c.enc_coder, cy->user) == 0 || strcmp(c.enc_signer, cy->user) == 0) {
        cstr_copy(cy->pending_action, sizeof(cy->pending_action), "audit-score");
        cy->pending_claim = c.claim_id;
        snprintf(cy->pending_why, sizeof(cy->pending_why),
                 "separation of duties: review of claim %s, which the auditor coded", c.claim_no);
        rc = rcm_error_set(err, RCM_EDENIED,
                           "%sclaim: user '%s' coded claim %s and may not audit it: separation of duties", prefix,
                           cy->user, c.claim_no);
        goto done;
    }
    int64_t prior = 0;
    if ((rc = already_reviewed(cy, sample_id, c.claim_id, &prior, err)) < 0)
        goto done;
    if (rc == 1) {
        rc = rcm_error_set(err, RCM_EEXIST, "%sclaim: claim %s was reviewed in sample %lld already (review %lld)",
                           prefix, c.claim_no, (long long)sample_id, (long long)prior);
        goto done;
    }
    if (note && strlen(note) > AUDIT_MAX_NOTE) {
        rc = rcm_error_set(err, RCM_EINVAL, "%snote: longer than %d bytes", prefix, AUDIT_MAX_NOTE);
        goto done;
    }
    if ((rc = rows_of_claim(&c, &rows, err)) < 0 || (rc = apply_codes(cy, &c, &rows, codes, n, prefix, err)) < 0)
        goto done;
    sc_tally t = { 0, 0, 0, 0 };
    for (size_t i = 0; i < rows.n; i++) {
        const sc_row *r = &rows.v[i];
        t.codes++;
        t.errors += !r->ok;
        if (r->effect_cents < 0)
            t.over += -r->effect_cents;
        else
            t.under += r->effect_cents;
    }
    int64_t review_id = 0, item_id = 0;
    if ((rc = write_review(cy, sample_id, &c, &rows, note, &review_id, err)) < 0)
        goto done;
    if (t.errors && (rc = send_to_coder(cy, sample_id, &c, &t, &item_id, err)) < 0)
        goto done;

    char over[24], under[24], net[24];
    money(over, t.over);
    money(under, t.under);
    money(net, t.under - t.over);
    rcm_buf d;
    rcm_buf_init(&d, RCM_MAX_MESSAGE);
    rcm_buf_addf(&d, "review %lld of sample %lld, claim %s (coder %s): codes %lld, errors %lld, over %s, under %s,"
                 " net %s",
                 (long long)review_id, (long long)sample_id, c.claim_no, c.coder, (long long)t.codes,
                 (long long)t.errors, over, under, net);
    if (item_id)
        rcm_buf_addf(&d, ", work item %lld for %s", (long long)item_id, c.coder);
    for (size_t i = 0; i < rows.n; i++) {
        const sc_row *r = &rows.v[i];
        if (r->ok)
            continue;
        char e[24];
        money(e, r->effect_cents);
        rcm_buf_addf(&d, "; line %d %c %s -> %s %s %s", r->line, r->kind, r->code[0] ? r->code : "(none)",
                     r->correct[0] ? r->correct : "(none)", r->error_type, e);
    }
    if (rcm_buf_failed(&d))
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    else
        rc = cycle_audit_full(cy, "audit-score", "ok", "claim", c.claim_id, 0, c.claim_id, d.ptr, err);
    rcm_buf_release(&d);
    if (rc == 0 && rep) {
        rep->claims++;
        rep->codes += t.codes;
        rep->errors += t.errors;
        rep->over_cents += t.over;
        rep->under_cents += t.under;
        rep->work_items += item_id != 0;
    }
done:
    free(c.lines);
    free(rows.v);
    return rc;
}

static int sample_exists(rcm_cycle *cy, int64_t sample_id, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT 1 FROM audit_sample WHERE sample_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, sample_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no sample %lld", (long long)sample_id);
    else if (step != SQLITE_ROW)
        rc = store_sqlerr(cy->st, err, "reading the sample");
    sqlite3_finalize(s);
    return rc;
}

int rcm_audit_score(rcm_cycle *cy, int64_t sample_id, const char *claim_no, const rcm_audit_code *codes, size_t n,
                    const char *note, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_AUDIT_CODING, err);
    if (rc < 0)
        return rc;
    if (!claim_no || !claim_no[0])
        return rcm_error_set(err, RCM_EINVAL, "which claim: a claim number is required");
    if (n && !codes)
        return rcm_error_set(err, RCM_EINVAL, "codes: NULL with %zu codes", n);
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    if ((rc = sample_exists(cy, sample_id, err)) < 0 ||
        (rc = score_one(cy, sample_id, claim_no, codes, n, note, "", NULL, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0) {
        rcm_store_rollback(cy->st);
        cycle_flush_denial(cy);
        return rc;
    }
    return 0;
}

int rcm_audit_score_file(rcm_cycle *cy, int64_t sample_id, const char *path, rcm_audit_score_report *rep,
                         rcm_error *err)
{
    rcm_audit_score_report local;
    if (!rep)
        rep = &local;
    memset(rep, 0, sizeof(*rep));
    int rc = cycle_require(cy, RCM_PERM_AUDIT_CODING, err);
    if (rc < 0)
        return rc;
    char *text = NULL;
    size_t len = 0;
    if ((rc = cycle_read_file(path, &text, &len, err)) < 0)
        return rc;
    audit_score_doc doc;
    rc = audit_score_doc_read(&doc, path, text, len, err);
    free(text);
    if (rc < 0)
        return rc;
    if ((rc = rcm_store_begin(cy->st, err)) < 0) {
        audit_score_doc_release(&doc);
        return rc;
    }
    if ((rc = sample_exists(cy, sample_id, err)) < 0)
        goto fail;
    for (size_t i = 0; i < doc.n; i++) {
        char prefix[32];
        snprintf(prefix, sizeof(prefix), "claims[%zu].", i);
        const audit_score_claim *c = &doc.claims[i];
        if ((rc = score_one(cy, sample_id, c->claim_no, c->codes, c->n, c->note, prefix, rep, err)) < 0)
            goto fail;
    }
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    audit_score_doc_release(&doc);
    return 0;
fail:
    rcm_store_rollback(cy->st);
    cycle_flush_denial(cy);
    audit_score_doc_release(&doc);
    memset(rep, 0, sizeof(*rep));
    if (err) {
        err->source = path;
        err->line = 0;
    }
    return rc;
}

/* ---- the accuracy report ---- */

int rcm_audit_accuracy_report(rcm_cycle *cy, int64_t sample_id, const char *coder, int64_t from, int64_t to,
                              rcm_audit_accuracy **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = 0;
    if (!rcm_cycle_may(cy, RCM_PERM_AUDIT_CODING) && !rcm_cycle_may(cy, RCM_PERM_AUDIT_READ) &&
        (rc = cycle_require(cy, RCM_PERM_AUDIT_CODING, err)) < 0)
        return rc;
    if (sample_id && (rc = sample_exists(cy, sample_id, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                       "SELECT r.coder, r.review_id, c.charge_cents, rc.ok, rc.error_type, rc.effect_cents"
                       " FROM audit_review r JOIN claim c ON c.claim_id = r.claim_id"
                       " LEFT JOIN audit_review_code rc ON rc.review_id = r.review_id"
                       " WHERE (?1 = 0 OR r.sample_id = ?1) AND (?2 IS NULL OR r.coder = ?2)"
                       " AND (?3 = 0 OR r.reviewed_at >= ?3) AND (?4 = 0 OR r.reviewed_at < ?4)"
                       " ORDER BY r.coder, r.review_id, rc.seq",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, sample_id);
    if (coder)
        sqlite3_bind_text(s, 2, coder, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, from);
    sqlite3_bind_int64(s, 4, to);
    rcm_audit_accuracy *v = NULL;
    size_t cap = 0;
    int64_t review = 0;
    int review_ok = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const unsigned char *who = sqlite3_column_text(s, 0);
        const char *name = who ? (const char *)who : "";
        if (!*n || strcmp(v[*n - 1].coder, name) != 0) {
            rcm_audit_accuracy *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 8);
            if (!nv) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            memset(&v[*n], 0, sizeof(v[0]));
            cstr_copy(v[*n].coder, sizeof(v[0].coder), name);
            (*n)++;
            review = 0;
        }
        rcm_audit_accuracy *a = &v[*n - 1];
        int64_t rid = sqlite3_column_int64(s, 1);
        if (rid != review) {
            a->claims++;
            a->claims_ok++;         /* taken back at its first error */
            a->billed_cents += sqlite3_column_int64(s, 2);
            review = rid;
            review_ok = 1;
        }
        if (sqlite3_column_type(s, 3) == SQLITE_NULL)
            continue;
        a->codes++;
        if (sqlite3_column_int(s, 3)) {
            a->codes_ok++;
        } else {
            if (review_ok) {
                a->claims_ok--;
                review_ok = 0;
            }
            const unsigned char *et = sqlite3_column_text(s, 4);
            int k = audit_error_type_index(et ? (const char *)et : "");
            if (k >= 0)
                a->by_type[k]++;
        }
        int64_t e = sqlite3_column_int64(s, 5);
        if (e < 0)
            a->over_cents += -e;
        else
            a->under_cents += e;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the reviews");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}
