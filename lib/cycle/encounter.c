/*
 * Encounters from the EHR (docs/encounter-json.md): a JSON array or JSON
 * Lines, each record checked strictly, then its patient and coverages
 * created or updated by MRN (coverage by patient and seq), and the
 * encounter added, updated (while new), left alone (same content) or
 * refused (changed after coding). The whole file is one transaction.
 *
 * Built for volume (100,000 encounters of about 1 KB in about 2 s of CPU):
 * records are parsed by import.c's arena parser, the practice's providers
 * and payers are read once into sorted tables, the statements are prepared
 * once per call (cyr), row ids are taken once and counted on, and the
 * documentation and proposed codes are written as compact JSON directly.
 *
 * Error messages name the record's id and the field, never patient data:
 * values under patient, the subscriber and member ids are not echoed. The
 * audit events of an update name the fields that changed, with before and
 * after values only for codes, ids and dates of service.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/encounter.h"
#include "rcm/refdata.h"
#include "rcm/claim.h"
#include "cycle_internal.h"
#include "import.h"
#include "change.h"

#define MAX_COVERAGES 3
#define MAX_DOC_ITEMS 100
#define MAX_DOC_TEXT 4000
#define MAX_LINES_P 50
#define MAX_LINES_I 999
#define MAX_UNITS_MILLI INT64_C(99999000)

typedef struct en_cov {
    char seq[2], payer[11], member_id[81], group_no[51], group_name[61], relation[3];
    int64_t payer_id;
    char sub_last[61], sub_first[36], sub_sex[2];
    rcm_date sub_dob, from, to;
    cyj_addr sub_addr;
} en_cov;

typedef struct en_rec {
    char id[51], kind[2], pos[3], provider[11], bill_type[4], prior_auth[51];
    char ref_npi[11], ref_last[61], ref_first[36];
    rcm_date dos, dos_to;
    int64_t provider_id;
    /* patient */
    char mrn[31], last[61], first[36], middle[26], sex[2], phone[11];
    rcm_date dob;
    cyj_addr addr;
    size_t ncov;
    en_cov cov[MAX_COVERAGES];
    rcm_buf doc, proposed;      /* compact JSON, as stored */
} en_rec;

/* A practice's providers (by NPI) or payers (by code), sorted for bsearch. */
typedef struct en_key {
    char key[16];
    int64_t id;
} en_key;

typedef struct en_tab {
    en_key *v;
    size_t n;
} en_tab;

static int key_cmp(const void *a, const void *b) { return strcmp(((const en_key *)a)->key, ((const en_key *)b)->key); }

static int64_t tab_find(const en_tab *t, const char *key)
{
    en_key k;
    cstr_copy(k.key, sizeof(k.key), key);
    const en_key *hit = t->n ? bsearch(&k, t->v, t->n, sizeof(*t->v), key_cmp) : NULL;
    return hit ? hit->id : 0;
}

static int tab_load(rcm_cycle *cy, en_tab *t, const char *sql, int64_t practice, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        en_key *nv = cycle_grow(t->v, &cap, t->n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        t->v = nv;
        cstr_copy(t->v[t->n].key, sizeof(t->v[t->n].key), (const char *)sqlite3_column_text(s, 0));
        t->v[t->n++].id = sqlite3_column_int64(s, 1);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the practice");
    sqlite3_finalize(s);
    if (rc == 0 && t->n)
        qsort(t->v, t->n, sizeof(*t->v), key_cmp);
    return rc;
}

/* ---- checking a record ---- */

typedef struct en_ctx {
    rcm_cycle *cy;
    cyj j;
    en_tab providers, payers;
} en_ctx;

static int fail_at(cyj *j, const char *key, int code, const char *fmt, ...) RCM_PRINTF(4, 5);
static int fail_at(cyj *j, const char *key, int code, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    size_t at = cyj_key(j, key);
    int rc = cyj_fail(j, code, "%s", msg);
    cyj_pop(j, at);
    return rc;
}

static int one_of(const char *s, const char *const *set)
{
    for (size_t i = 0; set[i]; i++)
        if (strcmp(s, set[i]) == 0)
            return 1;
    return 0;
}

static int id_ok(const char *s)
{
    if (!s[0] || s[0] == '#')
        return 0;
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.' || c == '/'))
            return 0;
    }
    return 1;
}

static int read_sex(cyj *j, const json_t *o, const char *key, unsigned flags, char out[2])
{
    int rc = cyj_str(j, o, key, flags, out, 2);
    if (rc == 0 && out[0] && !strchr("FMU", out[0]))
        rc = fail_at(j, key, RCM_EFORMAT, "must be F, M or U");
    return rc;
}

static int read_patient(cyj *j, const json_t *o, en_rec *r)
{
    static const char *const names[] = { "mrn", "last", "first", "middle", "dob", "sex", "address", "phone",
                                         NULL };
    const json_t *p;
    size_t at;
    int rc = cyj_obj(j, o, "patient", CYJ_REQ, names, &p, &at);
    if (rc < 0)
        goto done;
    if ((rc = cyj_str(j, p, "mrn", CYJ_REQ | CYJ_X12, r->mrn, sizeof(r->mrn))) < 0)
        goto done;
    j->quiet++;
    if ((rc = cyj_str(j, p, "last", CYJ_REQ | CYJ_X12, r->last, sizeof(r->last))) < 0 ||
        (rc = cyj_str(j, p, "first", CYJ_REQ | CYJ_X12, r->first, sizeof(r->first))) < 0 ||
        (rc = cyj_str(j, p, "middle", CYJ_X12, r->middle, sizeof(r->middle))) < 0 ||
        (rc = cyj_date(j, p, "dob", CYJ_REQ, &r->dob)) < 0 || (rc = read_sex(j, p, "sex", CYJ_REQ, r->sex)) < 0 ||
        (rc = cyj_address(j, p, "address", CYJ_REQ, 0, &r->addr)) < 0 ||
        (rc = cyj_str(j, p, "phone", CYJ_DIGITS, r->phone, sizeof(r->phone))) < 0)
        goto quiet_done;
    if (r->phone[0] && strlen(r->phone) != 10)
        rc = fail_at(j, "phone", RCM_EFORMAT, "must be 10 digits");
    else if (r->dob > r->dos)
        rc = fail_at(j, "dob", RCM_EFORMAT, "is after the date of service");
quiet_done:
    j->quiet--;
done:
    cyj_pop(j, at);
    return rc;
}

/* SBR02 / PAT01: the patient's relationship to the subscriber. */
static const char *const relations[] = { "18", "01", "19", "20", "21", "39", "40", "53", "G8", NULL };

static int read_subscriber(cyj *j, const json_t *o, en_cov *c)
{
    static const char *const names[] = { "last", "first", "dob", "sex", "address", NULL };
    const json_t *s;
    size_t at;
    int self = strcmp(c->relation, "18") == 0;
    unsigned req = self ? 0 : CYJ_REQ;
    int rc = cyj_obj(j, o, "subscriber", req, names, &s, &at);
    if (rc < 0 || !s)
        goto done;
    j->quiet++;
    if ((rc = cyj_str(j, s, "last", req | CYJ_X12, c->sub_last, sizeof(c->sub_last))) < 0 ||
        (rc = cyj_str(j, s, "first", req | CYJ_X12, c->sub_first, sizeof(c->sub_first))) < 0 ||
        (rc = cyj_date(j, s, "dob", req, &c->sub_dob)) < 0 || (rc = read_sex(j, s, "sex", req, c->sub_sex)) < 0 ||
        (rc = cyj_address(j, s, "address", 0, 1, &c->sub_addr)) < 0) {
        j->quiet--;
        goto done;
    }
    j->quiet--;
    if (self && (c->sub_last[0] || c->sub_first[0] || c->sub_dob != RCM_DATE_NONE || c->sub_sex[0] ||
                 c->sub_addr.line1[0]))
        rc = cyj_fail(j, RCM_EFORMAT, "must be empty when relation is 18 (the patient is the subscriber)");
done:
    cyj_pop(j, at);
    return rc;
}

static int read_coverage(en_ctx *x, const json_t *o, en_cov *c)
{
    static const char *const names[] = { "seq", "payer", "member_id", "group", "group_name", "relation", "from",
                                         "to", "subscriber", NULL };
    cyj *j = &x->j;
    int rc;
    c->sub_dob = c->from = c->to = RCM_DATE_NONE;
    if ((rc = cyj_members(j, o, names)) < 0 || (rc = cyj_str(j, o, "seq", CYJ_REQ, c->seq, sizeof(c->seq))) < 0)
        return rc;
    if (!strchr("PST", c->seq[0]))
        return fail_at(j, "seq", RCM_EFORMAT, "'%s' must be P, S or T", c->seq);
    if ((rc = cyj_str(j, o, "payer", CYJ_REQ | CYJ_ALNUM, c->payer, sizeof(c->payer))) < 0)
        return rc;
    if (!(c->payer_id = tab_find(&x->payers, c->payer)))
        return fail_at(j, "payer", RCM_ENOTFOUND, "no payer '%s' in the practice", c->payer);
    j->quiet++;
    rc = cyj_str(j, o, "member_id", CYJ_REQ | CYJ_X12, c->member_id, sizeof(c->member_id));
    j->quiet--;
    if (rc < 0 || (rc = cyj_str(j, o, "group", CYJ_X12, c->group_no, sizeof(c->group_no))) < 0 ||
        (rc = cyj_str(j, o, "group_name", CYJ_X12, c->group_name, sizeof(c->group_name))) < 0 ||
        (rc = cyj_str(j, o, "relation", 0, c->relation, sizeof(c->relation))) < 0 ||
        (rc = cyj_date(j, o, "from", 0, &c->from)) < 0 || (rc = cyj_date(j, o, "to", 0, &c->to)) < 0)
        return rc;
    if (!c->relation[0])
        memcpy(c->relation, "18", 3);
    else if (!one_of(c->relation, relations))
        return fail_at(j, "relation", RCM_EFORMAT, "'%s' is not a relation code (18 self, 01 spouse, 19 child, 20,"
                       " 21, 39, 40, 53, G8 other)", c->relation);
    if (c->from != RCM_DATE_NONE && c->to != RCM_DATE_NONE && c->to < c->from)
        return fail_at(j, "to", RCM_EFORMAT, "is before 'from'");
    return read_subscriber(j, o, c);
}

static int read_coverages(en_ctx *x, const json_t *o, en_rec *r)
{
    cyj *j = &x->j;
    const json_t *a;
    int rc = cyj_arr(j, o, "coverages", 0, MAX_COVERAGES, &a);
    if (rc < 0 || !a)
        return rc;
    size_t at = cyj_key(j, "coverages");
    int seen[3] = { 0, 0, 0 };
    for (size_t i = 0; i < json_array_size(a) && rc == 0; i++) {
        size_t k = cyj_index(j, i);
        en_cov *c = &r->cov[i];
        memset(c, 0, sizeof(*c));
        rc = read_coverage(x, json_array_get(a, i), c);
        if (rc == 0) {
            int s = c->seq[0] == 'P' ? 0 : c->seq[0] == 'S' ? 1 : 2;
            if (seen[s])
                rc = fail_at(j, "seq", RCM_EFORMAT, "a second coverage with seq %s", c->seq);
            seen[s] = 1;
            r->ncov++;
        }
        cyj_pop(j, k);
    }
    if (rc == 0 && ((seen[1] && !seen[0]) || (seen[2] && !seen[1])))
        rc = cyj_fail(j, RCM_EFORMAT, "%s", seen[1] && !seen[0] ? "a secondary (S) coverage needs a primary (P)"
                                                              : "a tertiary (T) coverage needs a secondary (S)");
    cyj_pop(j, at);
    return rc;
}

/* A list of strings of free text, written to b as a JSON array. */
static int text_list(cyj *j, const json_t *o, const char *key, rcm_buf *b)
{
    const json_t *a;
    int rc = cyj_arr(j, o, key, 0, MAX_DOC_ITEMS, &a);
    rcm_buf_addc(b, '[');
    if (rc == 0 && a) {
        size_t at = cyj_key(j, key);
        for (size_t i = 0; i < json_array_size(a) && rc == 0; i++) {
            const json_t *v = json_array_get(a, i);
            size_t k = cyj_index(j, i);
            if (!json_is_string(v))
                rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
            else if (json_string_length(v) > MAX_DOC_TEXT)
                rc = cyj_fail(j, RCM_EFORMAT, "is longer than %d characters", MAX_DOC_TEXT);
            else if (memchr(json_string_value(v), 0, json_string_length(v)))
                rc = cyj_fail(j, RCM_EFORMAT, "must not hold a NUL character");
            else {
                if (i)
                    rcm_buf_addc(b, ',');
                cyj_put_str(b, json_string_value(v), json_string_length(v));
            }
            cyj_pop(j, k);
        }
        cyj_pop(j, at);
    }
    rcm_buf_addc(b, ']');
    return rc;
}

static int read_documentation(cyj *j, const json_t *o, rcm_buf *b)
{
    static const char *const names[] = { "services", "problems", "note", NULL };
    const json_t *d;
    size_t at;
    int rc = cyj_obj(j, o, "documentation", 0, names, &d, &at);
    rcm_buf_adds(b, "{\"services\":");
    if (rc == 0)
        rc = d ? text_list(j, d, "services", b) : (rcm_buf_adds(b, "[]"), 0);
    rcm_buf_adds(b, ",\"problems\":");
    if (rc == 0)
        rc = d ? text_list(j, d, "problems", b) : (rcm_buf_adds(b, "[]"), 0);
    rcm_buf_adds(b, ",\"note\":");
    if (rc == 0) {
        const json_t *n = d ? json_object_get(d, "note") : NULL;
        size_t k = cyj_key(j, "note");
        if (n && !json_is_null(n) && !json_is_string(n))
            rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
        else if (n && json_is_string(n) && json_string_length(n) > MAX_DOC_TEXT)
            rc = cyj_fail(j, RCM_EFORMAT, "is longer than %d characters", MAX_DOC_TEXT);
        else if (n && json_is_string(n) && memchr(json_string_value(n), 0, json_string_length(n)))
            rc = cyj_fail(j, RCM_EFORMAT, "must not hold a NUL character");
        else if (n && json_is_string(n))
            cyj_put_str(b, json_string_value(n), json_string_length(n));
        else
            rcm_buf_adds(b, "\"\"");
        cyj_pop(j, k);
    }
    rcm_buf_addc(b, '}');
    cyj_pop(j, at);
    return rc;
}

/* units as stored: thousandths written back as the shortest decimal ("1", "0.5"). */
static void put_units(rcm_buf *b, int64_t milli)
{
    rcm_buf_addc(b, '"');
    rcm_buf_addu(b, (uint64_t)(milli / 1000));
    int64_t f = milli % 1000;
    if (f) {
        char d[5] = { '.', (char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10), 0 };
        size_t n = 4;
        while (d[n - 1] == '0')
            n--;
        rcm_buf_add(b, d, n);
    }
    rcm_buf_addc(b, '"');
}

static int read_line(cyj *j, const json_t *o, char kind, rcm_buf *b)
{
    static const char *const names[] = { "code", "mods", "units", "ptrs", "rev_code", NULL };
    char code[8], rev[8], units[24];
    int rc;
    if ((rc = cyj_members(j, o, names)) < 0)
        return rc;
    const json_t *u = json_object_get(o, "units");
    if (json_is_number(u))
        return fail_at(j, "units", RCM_EFORMAT, "must be a decimal string (\"1\", \"0.5\"), not a number");
    if ((rc = cyj_str(j, o, "code", kind == 'P' ? CYJ_REQ : 0, code, sizeof(code))) < 0 ||
        (rc = cyj_str(j, o, "rev_code", kind == 'I' ? CYJ_REQ | CYJ_DIGITS : 0, rev, sizeof(rev))) < 0 ||
        (rc = cyj_str(j, o, "units", 0, units, sizeof(units))) < 0)
        return rc;
    rcm_str cs = rcm_str_c(code);
    if (code[0] && rcm_code_check_cpt(cs, NULL) < 0 && rcm_code_check_hcpcs(cs, NULL) < 0)
        return fail_at(j, "code", RCM_EFORMAT, "'%s' is not a CPT or HCPCS code", code);
    if (kind == 'P' && rev[0])
        return fail_at(j, "rev_code", RCM_EFORMAT, "is for 837I (kind I) encounters only");
    if (kind == 'I' && strlen(rev) != 4)
        return fail_at(j, "rev_code", RCM_EFORMAT, "'%s' is not a revenue code (4 digits)", rev);
    int64_t milli = 1000;
    if (units[0]) {
        const char *why = NULL;
        if (rcm_milli_parse(&milli, rcm_str_c(units), &why) < 0)
            return fail_at(j, "units", RCM_EFORMAT, "'%s' is not a quantity: %s", units, why ? why : "bad number");
        if (milli <= 0 || milli > MAX_UNITS_MILLI)
            return fail_at(j, "units", RCM_EFORMAT, "'%s' must be above 0 and at most 99999", units);
    }
    rcm_buf_adds(b, "{\"code\":");
    cyj_put_str(b, code, strlen(code));
    rcm_buf_adds(b, ",\"mods\":[");
    const json_t *a;
    if ((rc = cyj_arr(j, o, "mods", 0, RCM_CLAIM_MAX_MODS, &a)) < 0)
        return rc;
    char mods[RCM_CLAIM_MAX_MODS][3];
    size_t at = cyj_key(j, "mods");
    for (size_t i = 0; a && i < json_array_size(a) && rc == 0; i++) {
        const json_t *v = json_array_get(a, i);
        size_t k = cyj_index(j, i);
        const char *m = json_is_string(v) ? json_string_value(v) : NULL;
        if (!m)
            rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
        else if (json_string_length(v) != 2 || rcm_code_check_modifier(rcm_str_c(m), NULL) < 0)
            rc = cyj_fail(j, RCM_EFORMAT, "'%.8s' is not a modifier (2 upper-case letters or digits)", m);
        for (size_t p = 0; rc == 0 && p < i; p++)
            if (strcmp(mods[p], m) == 0)
                rc = cyj_fail(j, RCM_EFORMAT, "'%s' is there twice", m);
        if (rc == 0) {
            memcpy(mods[i], m, 3);
            if (i)
                rcm_buf_addc(b, ',');
            cyj_put_str(b, m, 2);
        }
        cyj_pop(j, k);
    }
    cyj_pop(j, at);
    if (rc < 0)
        return rc;
    rcm_buf_adds(b, "],\"units\":");
    put_units(b, milli);
    rcm_buf_adds(b, ",\"ptrs\":[");
    if ((rc = cyj_arr(j, o, "ptrs", 0, RCM_CLAIM_MAX_PTR, &a)) < 0)
        return rc;
    if (a && json_array_size(a) && kind == 'I')
        return fail_at(j, "ptrs", RCM_EFORMAT, "837I lines carry no diagnosis pointers");
    long ptrs[RCM_CLAIM_MAX_PTR];
    at = cyj_key(j, "ptrs");
    for (size_t i = 0; a && i < json_array_size(a) && rc == 0; i++) {
        const json_t *v = json_array_get(a, i);
        json_int_t ptr = json_integer_value(v);
        size_t k = cyj_index(j, i);
        if (!json_is_integer(v))
            rc = cyj_fail(j, RCM_EFORMAT, "must be a whole number (1 = the first dx)");
        else if (ptr < 1 || ptr > RCM_CLAIM_MAX_DX_P)
            rc = cyj_fail(j, RCM_EFORMAT, "%lld is not a diagnosis pointer (1 to %d)", (long long)ptr,
                          RCM_CLAIM_MAX_DX_P);
        for (size_t p = 0; rc == 0 && p < i; p++)
            if (ptrs[p] == ptr)
                rc = cyj_fail(j, RCM_EFORMAT, "%ld is there twice", ptrs[p]);
        if (rc == 0) {
            ptrs[i] = (long)ptr;
            if (i)
                rcm_buf_addc(b, ',');
            rcm_buf_addu(b, (uint64_t)ptrs[i]);
        }
        cyj_pop(j, k);
    }
    cyj_pop(j, at);
    if (rc < 0)
        return rc;
    rcm_buf_adds(b, "],\"rev_code\":");
    cyj_put_str(b, rev, strlen(rev));
    rcm_buf_addc(b, '}');
    return 0;
}

static int read_proposed(cyj *j, const json_t *o, char kind, rcm_buf *b)
{
    static const char *const names[] = { "dx", "lines", NULL };
    const json_t *p, *a = NULL;
    size_t at;
    int rc = cyj_obj(j, o, "proposed", 0, names, &p, &at);
    rcm_buf_adds(b, "{\"dx\":[");
    char dx[RCM_CLAIM_MAX_DX][RCM_CODE_MAX];
    if (rc == 0 && p)
        rc = cyj_arr(j, p, "dx", 0, kind == 'I' ? RCM_CLAIM_MAX_DX : RCM_CLAIM_MAX_DX_P, &a);
    if (rc == 0 && a) {
        size_t k0 = cyj_key(j, "dx");
        for (size_t i = 0; i < json_array_size(a) && rc == 0; i++) {
            const json_t *v = json_array_get(a, i);
            size_t k = cyj_index(j, i);
            if (!json_is_string(v))
                rc = cyj_fail(j, RCM_EFORMAT, "must be a string");
            else if (json_string_length(v) >= RCM_CODE_MAX ||
                     rcm_code_icd10cm_normalize(dx[i], rcm_str_c(json_string_value(v))) < 0)
                rc = cyj_fail(j, RCM_EFORMAT, "'%.16s' is not an ICD-10-CM code", json_string_value(v));
            for (size_t q = 0; rc == 0 && q < i; q++)
                if (strcmp(dx[q], dx[i]) == 0)
                    rc = cyj_fail(j, RCM_EFORMAT, "'%s' is there twice", json_string_value(v));
            if (rc == 0) {
                if (i)
                    rcm_buf_addc(b, ',');
                cyj_put_str(b, dx[i], strlen(dx[i]));
            }
            cyj_pop(j, k);
        }
        cyj_pop(j, k0);
    }
    rcm_buf_adds(b, "],\"lines\":[");
    a = NULL;
    if (rc == 0 && p)
        rc = cyj_arr(j, p, "lines", 0, kind == 'I' ? MAX_LINES_I : MAX_LINES_P, &a);
    if (rc == 0 && a) {
        size_t k0 = cyj_key(j, "lines");
        for (size_t i = 0; i < json_array_size(a) && rc == 0; i++) {
            size_t k = cyj_index(j, i);
            if (i)
                rcm_buf_addc(b, ',');
            rc = read_line(j, json_array_get(a, i), kind, b);
            cyj_pop(j, k);
        }
        cyj_pop(j, k0);
    }
    rcm_buf_adds(b, "]}");
    cyj_pop(j, at);
    return rc;
}

static int read_referring(cyj *j, const json_t *o, en_rec *r)
{
    static const char *const names[] = { "npi", "last", "first", NULL };
    const json_t *f;
    size_t at;
    int rc = cyj_obj(j, o, "referring", 0, names, &f, &at);
    if (rc == 0 && f && (rc = cyj_npi(j, f, "npi", 0, r->ref_npi)) == 0 &&
        (rc = cyj_str(j, f, "last", CYJ_X12, r->ref_last, sizeof(r->ref_last))) == 0 &&
        (rc = cyj_str(j, f, "first", CYJ_X12, r->ref_first, sizeof(r->ref_first))) == 0) {
        if ((r->ref_npi[0] || r->ref_first[0]) && !r->ref_last[0])
            rc = fail_at(j, "last", RCM_EFORMAT, "is required with a referring provider");
        else if (r->ref_last[0] && !r->ref_npi[0])
            rc = fail_at(j, "npi", RCM_EFORMAT, "is required with a referring provider");
    }
    cyj_pop(j, at);
    return rc;
}

static int read_record(en_ctx *x, const json_t *o, long index, en_rec *r)
{
    static const char *const names[] = { "id", "kind", "date", "date_to", "place", "provider", "referring",
                                         "prior_auth", "bill_type", "patient", "coverages", "documentation",
                                         "proposed", NULL };
    cyj *j = &x->j;
    snprintf(j->record, sizeof(j->record), "record %ld", index);
    int rc = cyj_str(j, o, "id", CYJ_REQ, r->id, sizeof(r->id));
    if (rc < 0)
        return rc;
    if (!id_ok(r->id))
        return fail_at(j, "id", RCM_EFORMAT, "'%s' must be letters, digits or - _ . / (not starting with #)", r->id);
    snprintf(j->record, sizeof(j->record), "encounter '%s'", r->id);
    if ((rc = cyj_members(j, o, names)) < 0 || (rc = cyj_str(j, o, "kind", 0, r->kind, sizeof(r->kind))) < 0)
        return rc;
    if (!r->kind[0])
        r->kind[0] = 'P';
    else if (r->kind[0] != 'P' && r->kind[0] != 'I')
        return fail_at(j, "kind", RCM_EFORMAT, "'%s' must be P (837P) or I (837I)", r->kind);
    if ((rc = cyj_date(j, o, "date", CYJ_REQ, &r->dos)) < 0 || (rc = cyj_date(j, o, "date_to", 0, &r->dos_to)) < 0)
        return rc;
    if (r->dos_to == RCM_DATE_NONE)
        r->dos_to = r->dos;
    else if (r->dos_to < r->dos)
        return fail_at(j, "date_to", RCM_EFORMAT, "is before 'date'");
    if ((rc = cyj_str(j, o, "place", CYJ_REQ | CYJ_DIGITS, r->pos, sizeof(r->pos))) < 0)
        return rc;
    if (strlen(r->pos) != 2)
        return fail_at(j, "place", RCM_EFORMAT, "'%s' is not a place of service (2 digits)", r->pos);
    if ((rc = cyj_npi(j, o, "provider", CYJ_REQ, r->provider)) < 0)
        return rc;
    if (!(r->provider_id = tab_find(&x->providers, r->provider)))
        return fail_at(j, "provider", RCM_ENOTFOUND, "no provider with NPI %s in the practice", r->provider);
    if ((rc = read_referring(j, o, r)) < 0 ||
        (rc = cyj_str(j, o, "prior_auth", CYJ_X12, r->prior_auth, sizeof(r->prior_auth))) < 0 ||
        (rc = cyj_str(j, o, "bill_type", CYJ_DIGITS, r->bill_type, sizeof(r->bill_type))) < 0)
        return rc;
    if (r->kind[0] == 'I' && strlen(r->bill_type) != 3)
        return fail_at(j, "bill_type", RCM_EFORMAT, "an 837I encounter needs a type of bill (3 digits: 131)");
    if (r->kind[0] == 'P' && r->bill_type[0])
        return fail_at(j, "bill_type", RCM_EFORMAT, "is for 837I (kind I) encounters only");
    if ((rc = read_patient(j, o, r)) < 0 || (rc = read_coverages(x, o, r)) < 0 ||
        (rc = read_documentation(j, o, &r->doc)) < 0 || (rc = read_proposed(j, o, r->kind[0], &r->proposed)) < 0)
        return rc;
    if (rcm_buf_failed(&r->doc) || rcm_buf_failed(&r->proposed))
        return cyj_fail(j, RCM_ENOMEM, "out of memory");
    return 0;
}

/* ---- writing ---- */

static const char *const pat_keys[] = { "practice_id", "mrn" };
static const char *const pat_cols[] = { "last", "first", "middle", "dob", "sex", "addr1", "addr2", "city",
                                        "state", "zip", "phone" };
static const char *const cov_keys[] = { "patient_id", "seq" };
static const char *const cov_cols[] = { "payer_id", "member_id", "group_no", "group_name", "relation",
                                        "sub_last", "sub_first", "sub_dob", "sub_sex", "sub_addr1", "sub_city",
                                        "sub_state", "sub_zip", "eff_from", "eff_to" };
static const char *const enc_keys[] = { "practice_id", "ext_id" };
static const char *const enc_cols[] = { "patient_id", "provider_id", "referring_npi", "referring_last",
                                        "referring_first", "dos", "dos_to", "pos", "kind", "bill_type",
                                        "prior_auth", "documentation", "proposed" };
static const char *const enc_xcols[] = { "status", "source", "imported_at" };
/* Which columns' values an update event may show (change_row): the patient's never; a coverage's
   payer, relation and dates; an encounter's ids, codes and dates, not its prior authorization, the
   clinician's documentation or the proposed codes' text. */
static const unsigned char pat_show[] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
static const unsigned char cov_show[] = { 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1 };
static const unsigned char enc_show[] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0 };
_Static_assert(sizeof(pat_show) == ARRAY_SIZE(pat_cols) && sizeof(cov_show) == ARRAY_SIZE(cov_cols) &&
                   sizeof(enc_show) == ARRAY_SIZE(enc_cols),
               "a show flag per column");

/* The encounters this call wrote, by id, with the line of the record: a set by open addressing. */
typedef struct en_seen {
    int64_t *ids;               /* 0: empty slot */
    long *lines;
    size_t cap, n;
} en_seen;

static size_t seen_slot(const en_seen *s, int64_t id)
{
    uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);
    size_t i = (size_t)(h >> 20) & (s->cap - 1);
    while (s->ids[i] && s->ids[i] != id)
        i = (i + 1) & (s->cap - 1);
    return i;
}

static long seen_get(const en_seen *s, int64_t id)
{
    if (!s->cap)
        return 0;
    size_t i = seen_slot(s, id);
    return s->ids[i] ? s->lines[i] : 0;
}

static int seen_put(en_seen *s, int64_t id, long line, rcm_error *err)
{
    if (2 * (s->n + 1) > s->cap) {
        en_seen g = { NULL, NULL, s->cap ? s->cap * 2 : 1024, 0 };
        g.ids = calloc(g.cap, sizeof(*g.ids));
        g.lines = malloc(g.cap * sizeof(*g.lines));
        if (!g.ids || !g.lines) {
            free(g.ids);
            free(g.lines);
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < s->cap; i++)
            if (s->ids[i]) {
                size_t k = seen_slot(&g, s->ids[i]);
                g.ids[k] = s->ids[i];
                g.lines[k] = s->lines[i];
                g.n++;
            }
        free(s->ids);
        free(s->lines);
        *s = g;
    }
    size_t i = seen_slot(s, id);
    if (!s->ids[i])
        s->n++;
    s->ids[i] = id;
    s->lines[i] = line;
    return 0;
}

typedef struct en_w {
    rcm_cycle *cy;
    int64_t practice_id;
    cyr pat, cov, enc;
    sqlite3_stmt *latest;       /* the latest date of service of a patient's other encounters */
    en_seen seen;
    rcm_import_report *rep;
    rcm_error *err;
    rcm_buf d;                  /* an update event's detail */
} en_w;

/*
 * The audit event of an updated row of r (found just now: its stored values
 * are still in r->sel): detail prefix, then what changed (change_row).
 */
static int update_event(en_w *w, const cyr *r, int64_t id, const char *prefix, const cyv *cv,
                        const unsigned char *show)
{
    rcm_buf_reset(&w->d);
    rcm_buf_adds(&w->d, prefix);
    rcm_buf changes;
    rcm_buf_init(&changes, 8192);
    change_row(&changes, r, cv, show);
    rcm_buf_addf(&w->d, ": %s", changes.ptr);
    rcm_buf_release(&changes);
    return cycle_audit(w->cy, "update", r->table, id, rcm_buf_failed(&w->d) ? "" : w->d.ptr, w->err);
}

/* Dates of service as dates in a detail (the row compares them as the integers they are). */
static cyv as_date(cyv v)
{
    if (v.is_int == 1 && v.i != RCM_DATE_NONE)
        v.is_int = 2;
    return v;
}

/*
 * Whether record r may set its patient's data (demographics, coverages)
 * when they differ from the stored ones: only when no other encounter of
 * the patient is on a later or the same day. So the latest visit's address
 * wins whatever the order of the file, and importing the file again writes
 * nothing (an older record never flips the data back).
 */
static int newest(en_w *w, int64_t patient_id, const en_rec *r, rcm_error *err)
{
    int rc;
    if (!w->latest &&
        (rc = store_prepare(w->cy->st, &w->latest,
                            "SELECT MAX(dos) FROM encounter WHERE patient_id = ? AND practice_id = ? AND ext_id <> ?",
                            err)) < 0)
        return rc;
    sqlite3_reset(w->latest);
    sqlite3_bind_int64(w->latest, 1, patient_id);
    sqlite3_bind_int64(w->latest, 2, w->practice_id);
    sqlite3_bind_text(w->latest, 3, r->id, -1, SQLITE_STATIC);
    if (sqlite3_step(w->latest) != SQLITE_ROW)
        return store_sqlerr(w->cy->st, err, "reading a patient's encounters");
    rc = sqlite3_column_type(w->latest, 0) == SQLITE_NULL || sqlite3_column_int64(w->latest, 0) < r->dos;
    sqlite3_reset(w->latest);
    return rc;
}

static int write_record(en_w *w, en_ctx *x, const en_rec *r, const char *source, long line)
{
    int64_t patient_id = 0, id = 0;
    int same = 0, rc;
    cyv pk[] = { CYV_I(w->practice_id), CYV_S(r->mrn) };
    cyv pc[] = { CYV_S(r->last), CYV_S(r->first), CYV_S(r->middle), CYV_DATE(r->dob), CYV_S(r->sex),
                 CYV_S(r->addr.line1), CYV_S(r->addr.line2), CYV_S(r->addr.city), CYV_S(r->addr.state),
                 CYV_S(r->addr.zip), CYV_S(r->phone) };
    int found = cyr_find(w->cy, &w->pat, pk, pc, &patient_id, &same, w->err);
    if (found < 0)
        return found;
    if (!found) {
        if ((rc = cyr_insert(w->cy, &w->pat, pk, pc, NULL, &patient_id, w->err)) < 0)
            return rc;
        w->rep->patients_added++;
    } else if (!same) {
        if ((rc = newest(w, patient_id, r, w->err)) < 0)
            return rc;
        if (rc) {
            /* names, date of birth, address, phone: which ones changed, never their values */
            if ((rc = update_event(w, &w->pat, patient_id, "patient", pc, pat_show)) < 0 ||
                (rc = cyr_update(w->cy, &w->pat, patient_id, pk, pc, NULL, w->err)) < 0)
                return rc;
            w->rep->patients_updated++;
        }
    }
    for (size_t i = 0; i < r->ncov; i++) {
        const en_cov *c = &r->cov[i];
        cyv ck[] = { CYV_I(patient_id), CYV_S(c->seq) };
        cyv cc[] = { CYV_I(c->payer_id), CYV_S(c->member_id), CYV_S(c->group_no), CYV_S(c->group_name),
                     CYV_S(c->relation), CYV_S(c->sub_last), CYV_S(c->sub_first), CYV_DATE(c->sub_dob),
                     CYV_S(c->sub_sex), CYV_S(c->sub_addr.line1), CYV_S(c->sub_addr.city),
                     CYV_S(c->sub_addr.state), CYV_S(c->sub_addr.zip), CYV_DATE(c->from), CYV_DATE(c->to) };
        int64_t cov_id = 0;
        /* a patient added just now has no coverage yet */
        int cf = found ? cyr_find(w->cy, &w->cov, ck, cc, &cov_id, &same, w->err) : 0;
        if (cf < 0)
            return cf;
        if (!cf) {
            if ((rc = cyr_insert(w->cy, &w->cov, ck, cc, NULL, &cov_id, w->err)) < 0)
                return rc;
            w->rep->coverages_added++;
        } else if (!same) {
            if ((rc = newest(w, patient_id, r, w->err)) < 0)
                return rc;
            if (rc) {
                char prefix[32];
                snprintf(prefix, sizeof(prefix), "seq %s", c->seq);
                if ((rc = update_event(w, &w->cov, cov_id, prefix, cc, cov_show)) < 0 ||
                    (rc = cyr_update(w->cy, &w->cov, cov_id, ck, cc, NULL, w->err)) < 0)
                    return rc;
                w->rep->coverages_updated++;
            }
        }
    }
    cyv ek[] = { CYV_I(w->practice_id), CYV_S(r->id) };
    cyv ec[] = { CYV_I(patient_id), CYV_I(r->provider_id), CYV_S(r->ref_npi), CYV_S(r->ref_last),
                 CYV_S(r->ref_first), CYV_I(r->dos), CYV_I(r->dos_to), CYV_S(r->pos), CYV_S(r->kind),
                 CYV_S(r->bill_type), CYV_S(r->prior_auth), CYV_S(r->doc.ptr), CYV_S(r->proposed.ptr) };
    cyv ex[] = { CYV_S("new"), CYV_S(source), CYV_I(rcm_cycle_now(w->cy)) };
    found = cyr_find(w->cy, &w->enc, ek, ec, &id, &same, w->err);
    if (found < 0)
        return found;
    if (!found) {
        if ((rc = cyr_insert(w->cy, &w->enc, ek, ec, ex, &id, w->err)) < 0)
            return rc;
        w->rep->added++;
        return seen_put(&w->seen, id, line, w->err);
    }
    if (same) {
        w->rep->unchanged++;
        return 0;
    }
    /* the same id twice in one file, told apart: which one is meant? (a re-import would flip it back) */
    long first = seen_get(&w->seen, id);
    if (first) {
        x->j.plen = 0;
        x->j.path[0] = '\0';
        return cyj_fail(&x->j, RCM_EFORMAT, "also at line %ld of this file, with other content", first);
    }
    const char *status = (const char *)sqlite3_column_text(w->enc.sel, 1 + (int)w->enc.ncols);
    if (!status || strcmp(status, "new") != 0) {
        char st[16];
        cstr_copy(st, sizeof(st), status ? status : "?");
        x->j.plen = 0;
        x->j.path[0] = '\0';
        return cyj_fail(&x->j, RCM_EDENIED, "already imported (#%lld) and %s: its content cannot change now",
                        (long long)id, st);
    }
    char prefix[96];
    snprintf(prefix, sizeof(prefix), "ext_id %s", r->id);
    cyv shown[ARRAY_SIZE(enc_cols)];
    memcpy(shown, ec, sizeof(shown));
    shown[5] = as_date(shown[5]);
    shown[6] = as_date(shown[6]);
    if ((rc = update_event(w, &w->enc, id, prefix, shown, enc_show)) < 0 ||
        (rc = cyr_update(w->cy, &w->enc, id, ek, ec, ex, w->err)) < 0 ||
        (rc = seen_put(&w->seen, id, line, w->err)) < 0)
        return rc;
    w->rep->updated++;
    return 0;
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

int rcm_encounter_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err)
{
    rcm_import_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int rc = cycle_require(cy, RCM_PERM_ENCOUNTER_IMPORT, err);
    if (rc < 0)
        return rc;
    en_ctx x;
    memset(&x, 0, sizeof(x));
    x.cy = cy;
    en_rec *r = NULL;
    char *buf = NULL;
    size_t len = 0;
    int64_t practice = 0;
    int began = 0;
    en_w w;
    memset(&w, 0, sizeof(w));
    w.pat = (cyr){ "patient", "patient_id", pat_keys, 2, pat_cols, ARRAY_SIZE(pat_cols), NULL, 0, NULL,
                   NULL, NULL, NULL, 0 };
    w.cov = (cyr){ "coverage", "coverage_id", cov_keys, 2, cov_cols, ARRAY_SIZE(cov_cols), NULL, 0, NULL,
                   NULL, NULL, NULL, 0 };
    w.enc = (cyr){ "encounter", "encounter_id", enc_keys, 2, enc_cols, ARRAY_SIZE(enc_cols), enc_xcols,
                   ARRAY_SIZE(enc_xcols), "status", NULL, NULL, NULL, 0 };
    rcm_buf source;
    rcm_buf_init(&source, 4096);
    rcm_buf_init(&w.d, 16384);
    cyj_reader rd;
    cyj_reader_init(&rd, NULL, 0, path);

    rc = cycle_read_file(path, &buf, &len, err);
    if (rc < 0)
        goto done;
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    began = 1;
    if ((rc = cycle_practice(cy, &practice, err)) < 0 ||
        (rc = tab_load(cy, &x.providers, "SELECT npi, provider_id FROM provider WHERE practice_id = ?", practice,
                       err)) < 0 ||
        (rc = tab_load(cy, &x.payers, "SELECT code, payer_id FROM payer WHERE practice_id = ?", practice, err)) < 0)
        goto done;
    if (!(r = calloc(1, sizeof(*r)))) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        goto done;
    }
    rcm_buf_init(&r->doc, (size_t)1 << 20);
    rcm_buf_init(&r->proposed, (size_t)1 << 20);
    w.cy = cy;
    w.practice_id = practice;
    w.rep = &rep;
    w.err = err;

    cyj_reader_init(&rd, buf, len, path);
    const char *name = base_name(path);
    for (;;) {
        const json_t *o = NULL;
        const char *text;
        size_t n;
        long line;
        rc = cyj_next(&rd, 1, &o, &text, &n, &line, err);
        if (rc <= 0)
            break;
        rep.records++;
        /* keep the buffers, clear the rest */
        rcm_buf doc = r->doc, prop = r->proposed;
        memset(r, 0, sizeof(*r));
        rcm_buf_reset(&doc);
        rcm_buf_reset(&prop);
        r->doc = doc;
        r->proposed = prop;
        cyj_init(&x.j, err, path, text, n, line);
        rc = read_record(&x, o, rep.records, r);
        if (rc < 0)
            break;
        rcm_buf_reset(&source);
        rcm_buf_addf(&source, "%s:%ld", name, line);
        if (rcm_buf_failed(&source)) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        if ((rc = write_record(&w, &x, r, source.ptr, line)) < 0) {
            if (err && !err->source) {
                err->source = path;
                err->line = line;
            }
            break;
        }
    }
    if (rc < 0)
        goto done;
    if (rep.added || rep.updated || rep.patients_added || rep.patients_updated || rep.coverages_added ||
        rep.coverages_updated) {
        char d[256];
        snprintf(d, sizeof(d),
                 "%.60s: %ld records, %ld added, %ld updated, %ld unchanged; patients %ld added, %ld updated;"
                 " coverages %ld added, %ld updated",
                 name, rep.records, rep.added, rep.updated, rep.unchanged, rep.patients_added, rep.patients_updated,
                 rep.coverages_added, rep.coverages_updated);
        if ((rc = cycle_audit(cy, "import", "encounter", 0, d, err)) < 0)
            goto done;
    }
    cyr_release(&w.pat);
    cyr_release(&w.cov);
    cyr_release(&w.enc);
    rc = rcm_store_commit(cy->st, err);
    began = rc < 0;
done:
    cyr_release(&w.pat);
    cyr_release(&w.cov);
    cyr_release(&w.enc);
    sqlite3_finalize(w.latest);
    w.latest = NULL;
    free(w.seen.ids);
    free(w.seen.lines);
    rcm_buf_release(&w.d);
    if (began)
        rcm_store_rollback(cy->st);
    if (r) {
        rcm_buf_release(&r->doc);
        rcm_buf_release(&r->proposed);
        free(r);
    }
    free(x.providers.v);
    free(x.payers.v);
    cyj_reader_release(&rd);
    free(buf);
    rcm_buf_release(&source);
    if (rc < 0) {
        long records = rep.records;
        memset(&rep, 0, sizeof(rep));
        rep.records = records;
    }
    if (out)
        *out = rep;
    return rc < 0 ? rc : 0;
}

int rcm_encounter_find(rcm_cycle *cy, const char *ref, int64_t *out, rcm_error *err)
{
    *out = 0;
    int64_t practice = 0;
    int rc = cycle_require(cy, RCM_PERM_ENCOUNTER_READ, err);
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    int by_id = ref[0] == '#';
    int64_t n = 0;
    if (by_id) {
        char *end;
        long long v = strtoll(ref + 1, &end, 10);
        if (!ref[1] || *end || v <= 0)
            return rcm_error_set(err, RCM_ENOTFOUND, "no encounter '%s': #N takes an encounter number", ref);
        n = v;
    }
    rc = store_prepare(cy->st, &s,
                       by_id ? "SELECT encounter_id FROM encounter WHERE practice_id = ? AND encounter_id = ?"
                             : "SELECT encounter_id FROM encounter WHERE practice_id = ? AND ext_id = ?",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    if (by_id)
        sqlite3_bind_int64(s, 2, n);
    else
        sqlite3_bind_text(s, 2, ref, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no encounter '%.80s'", ref);
    else
        rc = store_sqlerr(cy->st, err, "looking an encounter up");
    sqlite3_finalize(s);
    return rc;
}

/* ---- reading back ---- */

static void col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    size_t n = (size_t)sqlite3_column_bytes(s, i);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, t ? (const char *)t : "", t ? n : 0);
        d[t ? n : 0] = '\0';
    }
    return d;
}

void rcm_encounter_info_release(rcm_encounter_info *e)
{
    if (!e)
        return;
    free(e->documentation);
    free(e->proposed);
    e->documentation = e->proposed = NULL;
}

static int coverages_of(rcm_cycle *cy, rcm_encounter_info *e, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.coverage_id, c.seq, p.code, c.relation, c.payer_id FROM coverage c"
                           " JOIN payer p ON p.payer_id = c.payer_id WHERE c.patient_id = ?"
                           " ORDER BY CASE c.seq WHEN 'P' THEN 1 WHEN 'S' THEN 2 ELSE 3 END",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, e->patient_id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && e->n_coverages < ARRAY_SIZE(e->coverages)) {
        rcm_coverage_info *c = &e->coverages[e->n_coverages++];
        c->coverage_id = sqlite3_column_int64(s, 0);
        col(c->seq, sizeof(c->seq), s, 1);
        col(c->payer, sizeof(c->payer), s, 2);
        col(c->relation, sizeof(c->relation), s, 3);
        c->payer_id = sqlite3_column_int64(s, 4);
    }
    if (step != SQLITE_DONE && step != SQLITE_ROW)
        rc = store_sqlerr(cy->st, err, "reading coverages");
    sqlite3_finalize(s);
    return rc;
}

int rcm_encounter_get(rcm_cycle *cy, int64_t encounter_id, rcm_encounter_info *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = cycle_require(cy, RCM_PERM_ENCOUNTER_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                           "SELECT e.encounter_id, e.ext_id, e.kind, e.dos, e.dos_to, e.pos, e.bill_type, e.prior_auth,"
                           " e.status, e.patient_id, pt.mrn, e.provider_id, pr.npi, e.referring_npi, e.source,"
                           " e.imported_at, COALESCE(e.coded_by, ''), COALESCE(e.coded_at, 0),"
                           " COALESCE(e.signed_by, ''), COALESCE(e.signed_at, 0), e.documentation, e.proposed"
                           " FROM encounter e JOIN patient pt ON pt.patient_id = e.patient_id"
                           " JOIN provider pr ON pr.provider_id = e.provider_id WHERE e.encounter_id = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, encounter_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->encounter_id = sqlite3_column_int64(s, 0);
        col(out->ext_id, sizeof(out->ext_id), s, 1);
        const unsigned char *k = sqlite3_column_text(s, 2);
        out->kind = k && k[0] ? (char)k[0] : 'P';
        out->dos = (rcm_date)sqlite3_column_int(s, 3);
        out->dos_to = (rcm_date)sqlite3_column_int(s, 4);
        col(out->pos, sizeof(out->pos), s, 5);
        col(out->bill_type, sizeof(out->bill_type), s, 6);
        col(out->prior_auth, sizeof(out->prior_auth), s, 7);
        col(out->status, sizeof(out->status), s, 8);
        out->patient_id = sqlite3_column_int64(s, 9);
        col(out->mrn, sizeof(out->mrn), s, 10);
        out->provider_id = sqlite3_column_int64(s, 11);
        col(out->provider_npi, sizeof(out->provider_npi), s, 12);
        col(out->referring_npi, sizeof(out->referring_npi), s, 13);
        col(out->source, sizeof(out->source), s, 14);
        out->imported_at = sqlite3_column_int64(s, 15);
        col(out->coded_by, sizeof(out->coded_by), s, 16);
        out->coded_at = sqlite3_column_int64(s, 17);
        col(out->signed_by, sizeof(out->signed_by), s, 18);
        out->signed_at = sqlite3_column_int64(s, 19);
        out->documentation = col_dup(s, 20);
        out->proposed = col_dup(s, 21);
        if (!out->documentation || !out->proposed)
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no encounter #%lld", (long long)encounter_id);
    } else {
        rc = store_sqlerr(cy->st, err, "reading an encounter");
    }
    sqlite3_finalize(s);
    if (rc == 0)
        rc = coverages_of(cy, out, err);
    /* the read is on the trail before the caller sees the record */
    if (rc == 0)
        rc = cycle_audit_read(cy, "encounter", encounter_id, "encounter get", err);
    if (rc < 0)
        rcm_encounter_info_release(out);
    return rc;
}
