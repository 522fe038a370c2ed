/*
 * The practice file (docs/practice-json.md): the practice, its providers,
 * payers, fee schedule and contracted allowed amounts, read whole and
 * checked first, then written in one transaction. Rows are matched by key
 * (provider NPI, payer code, fee code + modifier, contract payer + code +
 * modifier): new ones are added, changed ones updated, the rest left alone;
 * nothing is deleted. A store holds one practice: a file naming another NPI
 * is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/encounter.h"
#include "rcm/refdata.h"
#include "cycle_internal.h"
#include "import.h"
#include "change.h"

/* Limits of one file: far above a practice's, they only bound memory. */
#define MAX_PROVIDERS 10000
#define MAX_PAYERS 10000
#define MAX_FEES 1000000
#define MAX_CONTRACTS 5000000

typedef struct pr_practice {
    char name[61], npi[11], tax_id[10], taxonomy[11], contact[61], phone[11];
    cyj_addr addr;
    char sub_id[81], sub_name[61], rcv_id[81], rcv_name[61];
} pr_practice;

typedef struct pr_provider {
    char npi[11], last[61], first[36], middle[26], taxonomy[11], specialty[81];
    long active;
} pr_provider;

typedef struct pr_payer {
    char code[11], name[61], ext_id[81], filing[3];
    long timely, appeal;
    cyj_addr addr;
} pr_payer;

typedef struct pr_fee {
    char payer[11];             /* contracts only */
    char code[6], mod[3];
    int64_t cents;
} pr_fee;

typedef struct pr_file {
    pr_practice p;
    pr_provider *prov;
    size_t nprov;
    pr_payer *pay;
    size_t npay;
    pr_fee *fee;
    size_t nfee;
    pr_fee *con;
    size_t ncon;
} pr_file;

/* SBR09, the claim filing indicator codes of the 5010 837. */
static const char *const filing_codes[] = { "11", "12", "13", "14", "15", "16", "17", "AM", "BL", "CH",
                                            "CI", "DS", "FI", "HM", "LM", "MA", "MB", "MC", "OF", "TV",
                                            "VA", "WC", "ZZ", NULL };

static int code_ok(const char *s)
{
    rcm_str v = rcm_str_c(s);
    return rcm_code_check_cpt(v, NULL) == 0 || rcm_code_check_hcpcs(v, NULL) == 0;
}

/* A 10-character taxonomy code ("207Q00000X"), or ''. */
static int taxonomy(cyj *j, const json_t *o, const char *key, char out[11])
{
    int rc = cyj_str(j, o, key, CYJ_ALNUM, out, 11);
    if (rc == 0 && out[0] && strlen(out) != 10) {
        size_t at = cyj_key(j, key);
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not a taxonomy code (10 characters: 207Q00000X)", out);
        cyj_pop(j, at);
    }
    return rc;
}

static int party(cyj *j, const json_t *o, const char *key, char *id, size_t idsz, char *name, size_t namesz)
{
    static const char *const names[] = { "id", "name", NULL };
    const json_t *v;
    size_t at;
    int rc = cyj_obj(j, o, key, CYJ_REQ, names, &v, &at);
    if (rc == 0)
        rc = cyj_str(j, v, "id", CYJ_REQ | CYJ_X12, id, idsz);
    if (rc == 0)
        rc = cyj_str(j, v, "name", CYJ_REQ | CYJ_X12, name, namesz);
    cyj_pop(j, at);
    return rc;
}

static int read_practice(cyj *j, const json_t *root, pr_practice *p)
{
    static const char *const names[] = { "name", "npi", "tax_id", "taxonomy", "address", "contact",
                                         "phone", "submitter", "receiver", NULL };
    const json_t *o;
    size_t at;
    int rc = cyj_obj(j, root, "practice", CYJ_REQ, names, &o, &at);
    if (rc < 0 || (rc = cyj_str(j, o, "name", CYJ_REQ | CYJ_X12, p->name, sizeof(p->name))) < 0 ||
        (rc = cyj_npi(j, o, "npi", CYJ_REQ, p->npi)) < 0 ||
        (rc = cyj_str(j, o, "tax_id", CYJ_REQ | CYJ_DIGITS, p->tax_id, sizeof(p->tax_id))) < 0 ||
        (rc = taxonomy(j, o, "taxonomy", p->taxonomy)) < 0 ||
        (rc = cyj_address(j, o, "address", CYJ_REQ, 0, &p->addr)) < 0 ||
        (rc = cyj_str(j, o, "contact", CYJ_X12, p->contact, sizeof(p->contact))) < 0 ||
        (rc = cyj_str(j, o, "phone", CYJ_DIGITS, p->phone, sizeof(p->phone))) < 0 ||
        (rc = party(j, o, "submitter", p->sub_id, sizeof(p->sub_id), p->sub_name, sizeof(p->sub_name))) < 0 ||
        (rc = party(j, o, "receiver", p->rcv_id, sizeof(p->rcv_id), p->rcv_name, sizeof(p->rcv_name))) < 0)
        goto done;
    if (strlen(p->tax_id) != 9) {
        size_t k = cyj_key(j, "tax_id");
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not a tax id (9 digits)", p->tax_id);
        cyj_pop(j, k);
    } else if (p->phone[0] && strlen(p->phone) != 10) {
        size_t k = cyj_key(j, "phone");
        rc = cyj_fail(j, RCM_EFORMAT, "must be 10 digits");
        cyj_pop(j, k);
    }
done:
    cyj_pop(j, at);
    return rc;
}

static int read_provider(cyj *j, const json_t *o, pr_provider *p)
{
    static const char *const names[] = { "npi", "last", "first", "middle", "taxonomy", "specialty", "active",
                                         NULL };
    int rc;
    if ((rc = cyj_members(j, o, names)) < 0 || (rc = cyj_npi(j, o, "npi", CYJ_REQ, p->npi)) < 0 ||
        (rc = cyj_str(j, o, "last", CYJ_REQ | CYJ_X12, p->last, sizeof(p->last))) < 0 ||
        (rc = cyj_str(j, o, "first", CYJ_REQ | CYJ_X12, p->first, sizeof(p->first))) < 0 ||
        (rc = cyj_str(j, o, "middle", CYJ_X12, p->middle, sizeof(p->middle))) < 0 ||
        (rc = taxonomy(j, o, "taxonomy", p->taxonomy)) < 0 ||
        (rc = cyj_str(j, o, "specialty", CYJ_TEXT, p->specialty, sizeof(p->specialty))) < 0)
        return rc;
    const json_t *a = json_object_get(o, "active");
    p->active = 1;
    if (a && !json_is_null(a)) {
        if (!json_is_boolean(a)) {
            size_t at = cyj_key(j, "active");
            rc = cyj_fail(j, RCM_EFORMAT, "must be true or false");
            cyj_pop(j, at);
            return rc;
        }
        p->active = json_is_true(a);
    }
    return 0;
}

static int read_payer(cyj *j, const json_t *o, pr_payer *p)
{
    static const char *const names[] = { "code", "name", "payer_id", "filing", "timely_days", "appeal_days",
                                         "address", NULL };
    int rc;
    if ((rc = cyj_members(j, o, names)) < 0 ||
        (rc = cyj_str(j, o, "code", CYJ_REQ | CYJ_ALNUM, p->code, sizeof(p->code))) < 0 ||
        (rc = cyj_str(j, o, "name", CYJ_REQ | CYJ_X12, p->name, sizeof(p->name))) < 0 ||
        (rc = cyj_str(j, o, "payer_id", CYJ_REQ | CYJ_X12, p->ext_id, sizeof(p->ext_id))) < 0 ||
        (rc = cyj_str(j, o, "filing", CYJ_REQ | CYJ_ALNUM, p->filing, sizeof(p->filing))) < 0 ||
        (rc = cyj_int(j, o, "timely_days", CYJ_REQ, 1, 3650, 0, &p->timely)) < 0 ||
        (rc = cyj_int(j, o, "appeal_days", CYJ_REQ, 1, 3650, 0, &p->appeal)) < 0 ||
        (rc = cyj_address(j, o, "address", 0, 1, &p->addr)) < 0)
        return rc;
    size_t i = 0;
    while (filing_codes[i] && strcmp(filing_codes[i], p->filing) != 0)
        i++;
    if (!filing_codes[i]) {
        size_t at = cyj_key(j, "filing");
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not a claim filing indicator (SBR09: MB MC CI BL HM 12-17 WC...)",
                      p->filing);
        cyj_pop(j, at);
    }
    return rc;
}

/* A fee or a contract line: code, modifier, and the amount under amount_key. */
static int read_fee(cyj *j, const json_t *o, int contract, pr_fee *f)
{
    static const char *const fee_names[] = { "code", "modifier", "charge", NULL };
    static const char *const con_names[] = { "payer", "code", "modifier", "allowed", NULL };
    int rc;
    if ((rc = cyj_members(j, o, contract ? con_names : fee_names)) < 0)
        return rc;
    if (contract && (rc = cyj_str(j, o, "payer", CYJ_REQ | CYJ_ALNUM, f->payer, sizeof(f->payer))) < 0)
        return rc;
    if ((rc = cyj_str(j, o, "code", CYJ_REQ | CYJ_ALNUM, f->code, sizeof(f->code))) < 0 ||
        (rc = cyj_str(j, o, "modifier", CYJ_ALNUM, f->mod, sizeof(f->mod))) < 0 ||
        (rc = cyj_cents(j, o, contract ? "allowed" : "charge", CYJ_REQ, &f->cents)) < 0)
        return rc;
    if (!code_ok(f->code)) {
        size_t at = cyj_key(j, "code");
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not a CPT or HCPCS code", f->code);
        cyj_pop(j, at);
    } else if (f->mod[0] && rcm_code_check_modifier(rcm_str_c(f->mod), NULL) < 0) {
        size_t at = cyj_key(j, "modifier");
        rc = cyj_fail(j, RCM_EFORMAT, "'%s' is not a modifier (2 letters or digits)", f->mod);
        cyj_pop(j, at);
    }
    return rc;
}

/* Reads the array member key, calling each for every element into the elements of *arr. */
typedef int (*pr_elem_fn)(cyj *j, const json_t *o, void *dst, void *arg);

static int read_list(cyj *j, const json_t *root, const char *key, size_t max, size_t elsize, void **arr,
                     size_t *n, pr_elem_fn each, void *arg)
{
    const json_t *a;
    int rc = cyj_arr(j, root, key, 0, max, &a);
    *arr = NULL;
    *n = 0;
    if (rc < 0 || !a || json_array_size(a) == 0)
        return rc;
    size_t cnt = json_array_size(a);
    char *v = calloc(cnt, elsize);
    if (!v)
        return rcm_error_set(j->err, RCM_ENOMEM, "out of memory");
    *arr = v;
    size_t at = cyj_key(j, key);
    for (size_t i = 0; i < cnt && rc == 0; i++) {
        size_t k = cyj_index(j, i);
        rc = each(j, json_array_get(a, i), v + i * elsize, arg);
        cyj_pop(j, k);
        if (rc == 0)
            (*n)++;
    }
    cyj_pop(j, at);
    return rc;
}

static int each_provider(cyj *j, const json_t *o, void *dst, void *arg) { return read_provider(j, o, dst); }
static int each_payer(cyj *j, const json_t *o, void *dst, void *arg) { return read_payer(j, o, dst); }
static int each_fee(cyj *j, const json_t *o, void *dst, void *arg) { return read_fee(j, o, *(int *)arg, dst); }

/* The first element of v (n elements of size sz) with the same key as element i, or -1. */
typedef int (*pr_same_fn)(const void *a, const void *b);
static int prov_same(const void *a, const void *b) { return strcmp(((const pr_provider *)a)->npi, ((const pr_provider *)b)->npi) == 0; }
static int payer_same(const void *a, const void *b) { return strcmp(((const pr_payer *)a)->code, ((const pr_payer *)b)->code) == 0; }

static int fee_cmp(const void *a, const void *b)
{
    const pr_fee *x = *(const pr_fee *const *)a, *y = *(const pr_fee *const *)b;
    int c = strcmp(x->payer, y->payer);
    if (!c)
        c = strcmp(x->code, y->code);
    if (!c)
        c = strcmp(x->mod, y->mod);
    if (!c)
        c = x < y ? -1 : x > y;
    return c;
}

/* A second entry with the same key is refused, located at the second one. */
static int no_twins(cyj *j, const char *key, const void *v, size_t n, size_t sz, pr_same_fn same,
                    const char *what)
{
    const char *b = v;
    for (size_t i = 1; i < n; i++)
        for (size_t k = 0; k < i; k++)
            if (same(b + i * sz, b + k * sz)) {
                size_t at = cyj_key(j, key), at2 = cyj_index(j, i);
                int rc = cyj_fail(j, RCM_EFORMAT, "the same %s as %s[%zu]", what, key, k);
                cyj_pop(j, at2);
                cyj_pop(j, at);
                return rc;
            }
    return 0;
}

/* Fees and contracts can be many: sorted pointers find twins in n log n. */
static int no_fee_twins(cyj *j, const char *key, pr_fee *v, size_t n)
{
    if (n < 2)
        return 0;
    pr_fee **p = malloc(n * sizeof(*p));
    if (!p)
        return rcm_error_set(j->err, RCM_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        p[i] = &v[i];
    qsort(p, n, sizeof(*p), fee_cmp);
    int rc = 0;
    for (size_t i = 1; i < n && rc == 0; i++) {
        const pr_fee *a = p[i - 1], *b = p[i];
        if (strcmp(a->payer, b->payer) == 0 && strcmp(a->code, b->code) == 0 && strcmp(a->mod, b->mod) == 0) {
            size_t at = cyj_key(j, key), at2 = cyj_index(j, (size_t)(b - v));
            rc = cyj_fail(j, RCM_EFORMAT, "the same %scode and modifier as %s[%zu]",
                          a->payer[0] ? "payer, " : "", key, (size_t)(a - v));
            cyj_pop(j, at2);
            cyj_pop(j, at);
        }
    }
    free(p);
    return rc;
}

static int read_file(cyj *j, const json_t *root, pr_file *f)
{
    static const char *const names[] = { "practice", "providers", "payers", "fees", "contracts", NULL };
    int rc, contract = 0, fee = 0;
    void *v;
    if ((rc = cyj_members(j, root, names)) < 0 || (rc = read_practice(j, root, &f->p)) < 0)
        return rc;
    rc = read_list(j, root, "providers", MAX_PROVIDERS, sizeof(pr_provider), &v, &f->nprov, each_provider, NULL);
    f->prov = v;
    if (rc < 0)
        return rc;
    rc = read_list(j, root, "payers", MAX_PAYERS, sizeof(pr_payer), &v, &f->npay, each_payer, NULL);
    f->pay = v;
    if (rc < 0)
        return rc;
    rc = read_list(j, root, "fees", MAX_FEES, sizeof(pr_fee), &v, &f->nfee, each_fee, &fee);
    f->fee = v;
    if (rc < 0)
        return rc;
    contract = 1;
    rc = read_list(j, root, "contracts", MAX_CONTRACTS, sizeof(pr_fee), &v, &f->ncon, each_fee, &contract);
    f->con = v;
    if (rc < 0)
        return rc;
    if ((rc = no_twins(j, "providers", f->prov, f->nprov, sizeof(pr_provider), prov_same, "NPI")) < 0 ||
        (rc = no_twins(j, "payers", f->pay, f->npay, sizeof(pr_payer), payer_same, "code")) < 0 ||
        (rc = no_fee_twins(j, "fees", f->fee, f->nfee)) < 0 || (rc = no_fee_twins(j, "contracts", f->con, f->ncon)) < 0)
        return rc;
    return 0;
}

/* ---- writing ---- */

typedef struct pr_w {
    rcm_cycle *cy;
    cyj *j;
    rcm_import_report *rep;
    rcm_error *err;
    int64_t practice_id;
    rcm_buf d;                  /* the detail of the event being written */
} pr_w;

/*
 * Starts the detail of the row just found (found 1, not the same) or not
 * found (0): its key, then for an update the columns that changed, before
 * -> after (the practice's own data: every value may be shown).
 */
static void row_detail(pr_w *w, const char *key, int found, int same, const cyr *r, const cyv *cv)
{
    rcm_buf_reset(&w->d);
    rcm_buf_adds(&w->d, key);
    if (found != 1 || same)
        return;
    rcm_buf changes;
    rcm_buf_init(&changes, 8192);
    change_row(&changes, r, cv, NULL);
    rcm_buf_addf(&w->d, ": %s", rcm_buf_failed(&changes) ? "(too many changes to list)" : changes.ptr);
    rcm_buf_release(&changes);
}

/* Counts the outcome and audits a change of entity id (detail: w->d, row_detail's). */
static int outcome(pr_w *w, int found, int same, const char *entity, int64_t id)
{
    if (found && same) {
        w->rep->unchanged++;
        return 0;
    }
    if (found)
        w->rep->updated++;
    else
        w->rep->added++;
    if (!id)
        return 0;
    return cycle_audit(w->cy, found ? "update" : "add", entity, id, rcm_buf_failed(&w->d) ? "" : w->d.ptr, w->err);
}

static int write_practice(pr_w *w, const pr_practice *p)
{
    static const char *const cols[] = { "name", "tax_id", "taxonomy", "addr1", "addr2", "city", "state", "zip",
                                        "contact", "phone", "submitter_id", "submitter_name", "receiver_id",
                                        "receiver_name" };
    static const char *const keys[] = { "npi" };
    static const char *const xcols[] = { "created_at" };
    cyr r = { "practice", "practice_id", keys, 1, cols, ARRAY_SIZE(cols), xcols, 1, NULL, NULL, NULL, NULL, 0 };
    cyv kv[] = { CYV_S(p->npi) };
    cyv cv[] = { CYV_S(p->name), CYV_S(p->tax_id), CYV_S(p->taxonomy), CYV_S(p->addr.line1),
                 CYV_S(p->addr.line2), CYV_S(p->addr.city), CYV_S(p->addr.state), CYV_S(p->addr.zip),
                 CYV_S(p->contact), CYV_S(p->phone), CYV_S(p->sub_id), CYV_S(p->sub_name), CYV_S(p->rcv_id),
                 CYV_S(p->rcv_name) };
    cyv xv[] = { CYV_I(rcm_cycle_now(w->cy)) };

    /* one practice per store: another NPI is refused */
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(w->cy->st, &s, "SELECT npi FROM practice ORDER BY practice_id LIMIT 1", w->err);
    if (rc < 0)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(s, 0), p->npi) != 0) {
        char other[16];
        cstr_copy(other, sizeof(other), (const char *)sqlite3_column_text(s, 0));
        sqlite3_finalize(s);
        size_t at = cyj_key(w->j, "practice"), at2 = cyj_key(w->j, "npi");
        rc = cyj_fail(w->j, RCM_EDENIED, "the store holds the practice with NPI %s: one practice per store",
                      other);
        cyj_pop(w->j, at2);
        cyj_pop(w->j, at);
        return rc;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return store_sqlerr(w->cy->st, w->err, "reading the practice");

    int64_t id = 0;
    int same = 0, found = cyr_find(w->cy, &r, kv, cv, &id, &same, w->err);
    char key[32];
    snprintf(key, sizeof(key), "npi %s", p->npi);
    row_detail(w, key, found, same, &r, cv);
    rc = found;
    if (found == 1 && !same)
        rc = cyr_update(w->cy, &r, id, kv, cv, NULL, w->err);
    else if (found == 0)
        rc = cyr_insert(w->cy, &r, kv, cv, xv, &id, w->err);
    if (rc >= 0)
        rc = outcome(w, found, same, "practice", id);
    cyr_release(&r);
    w->practice_id = id;
    return rc;
}

static int write_providers(pr_w *w, const pr_file *f)
{
    static const char *const keys[] = { "practice_id", "npi" };
    static const char *const cols[] = { "last", "first", "middle", "taxonomy", "specialty", "active" };
    cyr r = { "provider", "provider_id", keys, 2, cols, ARRAY_SIZE(cols), NULL, 0, NULL, NULL, NULL, NULL, 0 };
    int rc = 0;
    for (size_t i = 0; i < f->nprov && rc >= 0; i++) {
        const pr_provider *p = &f->prov[i];
        cyv kv[] = { CYV_I(w->practice_id), CYV_S(p->npi) };
        cyv cv[] = { CYV_S(p->last), CYV_S(p->first), CYV_S(p->middle), CYV_S(p->taxonomy), CYV_S(p->specialty),
                     CYV_I(p->active) };
        int64_t id = 0;
        int same = 0, found = cyr_find(w->cy, &r, kv, cv, &id, &same, w->err);
        char key[32];
        snprintf(key, sizeof(key), "npi %s", p->npi);
        row_detail(w, key, found, same, &r, cv);
        rc = found;
        if (found == 1 && !same)
            rc = cyr_update(w->cy, &r, id, kv, cv, NULL, w->err);
        else if (found == 0)
            rc = cyr_insert(w->cy, &r, kv, cv, NULL, &id, w->err);
        if (rc >= 0)
            rc = outcome(w, found, same, "provider", id);
    }
    cyr_release(&r);
    return rc;
}

static int write_payers(pr_w *w, const pr_file *f)
{
    static const char *const keys[] = { "practice_id", "code" };
    static const char *const cols[] = { "name", "payer_ext_id", "filing", "timely_days", "appeal_days",
                                        "addr1", "city", "state", "zip" };
    cyr r = { "payer", "payer_id", keys, 2, cols, ARRAY_SIZE(cols), NULL, 0, NULL, NULL, NULL, NULL, 0 };
    int rc = 0;
    for (size_t i = 0; i < f->npay && rc >= 0; i++) {
        const pr_payer *p = &f->pay[i];
        cyv kv[] = { CYV_I(w->practice_id), CYV_S(p->code) };
        cyv cv[] = { CYV_S(p->name), CYV_S(p->ext_id), CYV_S(p->filing), CYV_I(p->timely), CYV_I(p->appeal),
                     CYV_S(p->addr.line1), CYV_S(p->addr.city), CYV_S(p->addr.state), CYV_S(p->addr.zip) };
        int64_t id = 0;
        int same = 0, found = cyr_find(w->cy, &r, kv, cv, &id, &same, w->err);
        char key[128];
        snprintf(key, sizeof(key), "code %s payer_id %s", p->code, p->ext_id);
        row_detail(w, key, found, same, &r, cv);
        rc = found;
        if (found == 1 && !same)
            rc = cyr_update(w->cy, &r, id, kv, cv, NULL, w->err);
        else if (found == 0)
            rc = cyr_insert(w->cy, &r, kv, cv, NULL, &id, w->err);
        if (rc >= 0)
            rc = outcome(w, found, same, "payer", id);
    }
    cyr_release(&r);
    return rc;
}

/* The payer id of a code of the practice being written: 1 found, 0 none. */
static int payer_lookup(pr_w *w, const char *code, int64_t *out)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(w->cy->st, &s, "SELECT payer_id FROM payer WHERE practice_id = ? AND code = ?", w->err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, w->practice_id);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(w->cy->st, w->err, "looking a payer up");
    }
    sqlite3_finalize(s);
    return rc;
}

/* The fee or contract changes an import event lists; the rest are counted ("and N more"). */
#define MAX_FEE_CHANGES 20

/* "99213-26 150.00 -> 155.00" (a contract: the payer's code first; a new fee: none -> amount). */
static void fee_change(rcm_buf *b, const pr_fee *f, int contract, int found, int64_t before)
{
    change_sep(b);
    if (contract)
        rcm_buf_addf(b, "%s ", f->payer);
    rcm_buf_addf(b, "%s%s%s ", f->code, f->mod[0] ? "-" : "", f->mod);
    if (found)
        change_cents(b, before);
    else
        rcm_buf_adds(b, "none");
    rcm_buf_adds(b, " -> ");
    change_cents(b, f->cents);
}

/* Fees (contract 0) or contracts: counted, then one audit event for the lot with what changed. */
static int write_fees(pr_w *w, const pr_fee *v, size_t n, int contract)
{
    static const char *const fkeys[] = { "practice_id", "code", "modifier" };
    static const char *const ckeys[] = { "payer_id", "code", "modifier" };
    static const char *const fcols[] = { "charge_cents" };
    static const char *const ccols[] = { "allowed_cents" };
    cyr r = { contract ? "contract_fee" : "fee", NULL, contract ? ckeys : fkeys, 3, contract ? ccols : fcols, 1,
              NULL, 0, NULL, NULL, NULL, NULL, 0 };
    long added = 0, updated = 0;
    int rc = 0;
    int64_t payer_id = 0;
    const char *payer = "";
    rcm_buf changes;
    rcm_buf_init(&changes, 16384);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        const pr_fee *f = &v[i];
        if (contract && strcmp(f->payer, payer) != 0) {
            payer = f->payer;
            if ((rc = payer_lookup(w, payer, &payer_id)) < 0)
                break;
            if (rc == 0) {
                size_t at = cyj_key(w->j, "contracts"), at2 = cyj_index(w->j, i), at3 = cyj_key(w->j, "payer");
                rc = cyj_fail(w->j, RCM_ENOTFOUND, "no payer '%s' in the file or the store", payer);
                cyj_pop(w->j, at3);
                cyj_pop(w->j, at2);
                cyj_pop(w->j, at);
                break;
            }
        }
        cyv kv[] = { CYV_I(contract ? payer_id : w->practice_id), CYV_S(f->code), CYV_S(f->mod) };
        cyv cv[] = { CYV_I(f->cents) };
        int64_t id = 0;
        int same = 0, found = cyr_find(w->cy, &r, kv, cv, &id, &same, w->err);
        if (found >= 0 && !(found && same) && added + updated < MAX_FEE_CHANGES)
            fee_change(&changes, f, contract, found, found ? sqlite3_column_int64(r.sel, 1) : 0);
        rc = found;
        if (found == 1 && !same) {
            rc = cyr_update(w->cy, &r, 0, kv, cv, NULL, w->err);
            updated++;
        } else if (found == 0) {
            rc = cyr_insert(w->cy, &r, kv, cv, NULL, &id, w->err);
            added++;
        }
        if (rc >= 0)
            rc = outcome(w, found, same, r.table, 0);
    }
    cyr_release(&r);
    if (rc >= 0 && (added || updated)) {
        rcm_buf_reset(&w->d);
        rcm_buf_addf(&w->d, "%ld added, %ld updated: %s", added, updated, changes.ptr);
        if (added + updated > MAX_FEE_CHANGES)
            rcm_buf_addf(&w->d, "; and %ld more", added + updated - MAX_FEE_CHANGES);
        rc = cycle_audit(w->cy, "import", r.table, w->practice_id, rcm_buf_failed(&w->d) ? "" : w->d.ptr, w->err);
    }
    rcm_buf_release(&changes);
    return rc;
}

static void file_free(pr_file *f)
{
    free(f->prov);
    free(f->pay);
    free(f->fee);
    free(f->con);
}

int rcm_practice_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err)
{
    rcm_import_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int rc = cycle_require(cy, RCM_PERM_PRACTICE_IMPORT, err);
    if (rc < 0)
        return rc;
    pr_file f;
    memset(&f, 0, sizeof(f));
    char *buf = NULL;
    size_t len = 0;
    const json_t *root = NULL;
    cyj_reader rd;
    cyj_reader_init(&rd, NULL, 0, path);
    pr_w w = { cy, NULL, &rep, err, 0, { 0 } };
    rcm_buf_init(&w.d, 16384);
    rc = cycle_read_file(path, &buf, &len, err);
    if (rc < 0)
        goto done;
    cyj_reader_init(&rd, buf, len, path);
    const char *text;
    size_t n;
    long line;
    rc = cyj_next(&rd, 0, &root, &text, &n, &line, err);
    if (rc == 0) {
        if (err) {
            err->source = path;
            err->line = 1;
        }
        rc = rcm_error_set(err, RCM_EFORMAT, "empty: a practice file holds one JSON object");
        goto done;
    }
    if (rc < 0)
        goto done;
    cyj j;
    cyj_init(&j, err, path, text, n, line);
    if ((rc = read_file(&j, root, &f)) < 0)
        goto done;
    /* the tree is read into f: the reader may move on */
    const json_t *more = NULL;
    const char *t2;
    size_t n2;
    long line2;
    rc = cyj_next(&rd, 0, &more, &t2, &n2, &line2, err);
    if (rc != 0) {
        if (rc > 0) {
            if (err) {
                err->source = path;
                err->line = line2;
            }
            rc = rcm_error_set(err, RCM_EFORMAT, "a second JSON value: a practice file holds one object");
        }
        goto done;
    }
    rep.records = (long)(1 + f.nprov + f.npay + f.nfee + f.ncon);

    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    w.j = &j;
    if ((rc = write_practice(&w, &f.p)) < 0 || (rc = write_providers(&w, &f)) < 0 ||
        (rc = write_payers(&w, &f)) < 0 || (rc = write_fees(&w, f.fee, f.nfee, 0)) < 0 ||
        (rc = write_fees(&w, f.con, f.ncon, 1)) < 0 || (rc = rcm_store_commit(cy->st, err)) < 0) {
        rcm_store_rollback(cy->st);
        cy->practice_id = 0;    /* a practice looked up inside the transaction may be gone */
        goto done;
    }
    rc = 0;
done:
    cyj_reader_release(&rd);
    rcm_buf_release(&w.d);
    file_free(&f);
    free(buf);
    if (rc < 0)
        memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    return rc;
}

int rcm_payer_find(rcm_cycle *cy, const char *code, int64_t *out, rcm_error *err)
{
    *out = 0;
    int64_t practice = 0;
    int rc = cycle_require(cy, RCM_PERM_PRACTICE_READ, err);
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "SELECT payer_id FROM payer WHERE practice_id = ? AND code = ?", err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no payer '%s'", code);
    else
        rc = store_sqlerr(cy->st, err, "looking a payer up");
    sqlite3_finalize(s);
    return rc;
}

/* ---- reading back ---- */

static void col(char *dst, size_t n, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    cstr_copy(dst, n, t ? (const char *)t : "");
}

int rcm_practice_get(rcm_cycle *cy, rcm_practice_info *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    int64_t practice = 0;
    int rc = cycle_require(cy, RCM_PERM_PRACTICE_READ, err);
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                       "SELECT practice_id, name, npi, tax_id, taxonomy, addr1, addr2, city, state, zip, contact,"
                       " phone, submitter_id, submitter_name, receiver_id, receiver_name,"
                       " (SELECT count(*) FROM provider WHERE practice_id = ?1),"
                       " (SELECT count(*) FROM payer WHERE practice_id = ?1),"
                       " (SELECT count(*) FROM fee WHERE practice_id = ?1),"
                       " (SELECT count(*) FROM contract_fee c JOIN payer p ON p.payer_id = c.payer_id"
                       "  WHERE p.practice_id = ?1),"
                       " (SELECT count(*) FROM patient WHERE practice_id = ?1),"
                       " (SELECT count(*) FROM encounter WHERE practice_id = ?1)"
                       " FROM practice WHERE practice_id = ?1",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->practice_id = sqlite3_column_int64(s, 0);
        col(out->name, sizeof(out->name), s, 1);
        col(out->npi, sizeof(out->npi), s, 2);
        col(out->tax_id, sizeof(out->tax_id), s, 3);
        col(out->taxonomy, sizeof(out->taxonomy), s, 4);
        col(out->addr1, sizeof(out->addr1), s, 5);
        col(out->addr2, sizeof(out->addr2), s, 6);
        col(out->city, sizeof(out->city), s, 7);
        col(out->state, sizeof(out->state), s, 8);
        col(out->zip, sizeof(out->zip), s, 9);
        col(out->contact, sizeof(out->contact), s, 10);
        col(out->phone, sizeof(out->phone), s, 11);
        col(out->submitter_id, sizeof(out->submitter_id), s, 12);
        col(out->submitter_name, sizeof(out->submitter_name), s, 13);
        col(out->receiver_id, sizeof(out->receiver_id), s, 14);
        col(out->receiver_name, sizeof(out->receiver_name), s, 15);
        out->providers = (long)sqlite3_column_int64(s, 16);
        out->payers = (long)sqlite3_column_int64(s, 17);
        out->fees = (long)sqlite3_column_int64(s, 18);
        out->contracts = (long)sqlite3_column_int64(s, 19);
        out->patients = (long)sqlite3_column_int64(s, 20);
        out->encounters = (long)sqlite3_column_int64(s, 21);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no practice in the store: run 'rcm practice import'");
    } else {
        rc = store_sqlerr(cy->st, err, "reading the practice");
    }
    sqlite3_finalize(s);
    return rc;
}

/*
 * Runs a listing query bound to the practice, calling row for each row into
 * a growing array. Needs practice.read (the practice's own data: no read
 * event).
 */
typedef void (*pr_row_fn)(sqlite3_stmt *s, void *dst);

static int list_rows(rcm_cycle *cy, const char *sql, size_t elsize, pr_row_fn row, void **out, size_t *n,
                     rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int64_t practice = 0;
    int rc = cycle_require(cy, RCM_PERM_PRACTICE_READ, err);
    if (rc < 0 || (rc = cycle_practice(cy, &practice, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, sql, err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    char *v = NULL;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            size_t nc = cap ? cap * 2 : 16;
            char *nv = realloc(v, nc * elsize);
            if (!nv) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
                break;
            }
            v = nv;
            cap = nc;
        }
        memset(v + *n * elsize, 0, elsize);
        row(s, v + *n * elsize);
        (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing the practice");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

static void provider_row(sqlite3_stmt *s, void *dst)
{
    rcm_provider_info *p = dst;
    p->provider_id = sqlite3_column_int64(s, 0);
    col(p->npi, sizeof(p->npi), s, 1);
    col(p->last, sizeof(p->last), s, 2);
    col(p->first, sizeof(p->first), s, 3);
    col(p->middle, sizeof(p->middle), s, 4);
    col(p->taxonomy, sizeof(p->taxonomy), s, 5);
    col(p->specialty, sizeof(p->specialty), s, 6);
    p->active = sqlite3_column_int(s, 7);
    p->encounters = (long)sqlite3_column_int64(s, 8);
}

int rcm_provider_list(rcm_cycle *cy, rcm_provider_info **out, size_t *n, rcm_error *err)
{
    void *v = NULL;
    int rc = list_rows(cy,
                       "SELECT p.provider_id, p.npi, p.last, p.first, p.middle, p.taxonomy, p.specialty, p.active,"
                       " (SELECT count(*) FROM encounter e WHERE e.provider_id = p.provider_id)"
                       " FROM provider p WHERE p.practice_id = ? ORDER BY p.npi",
                       sizeof(rcm_provider_info), provider_row, &v, n, err);
    *out = v;
    return rc;
}

static void payer_row(sqlite3_stmt *s, void *dst)
{
    rcm_payer_info *p = dst;
    p->payer_id = sqlite3_column_int64(s, 0);
    col(p->code, sizeof(p->code), s, 1);
    col(p->name, sizeof(p->name), s, 2);
    col(p->payer_ext_id, sizeof(p->payer_ext_id), s, 3);
    col(p->filing, sizeof(p->filing), s, 4);
    p->timely_days = (long)sqlite3_column_int64(s, 5);
    p->appeal_days = (long)sqlite3_column_int64(s, 6);
    col(p->addr1, sizeof(p->addr1), s, 7);
    col(p->city, sizeof(p->city), s, 8);
    col(p->state, sizeof(p->state), s, 9);
    col(p->zip, sizeof(p->zip), s, 10);
    p->contracts = (long)sqlite3_column_int64(s, 11);
}

int rcm_payer_list(rcm_cycle *cy, rcm_payer_info **out, size_t *n, rcm_error *err)
{
    void *v = NULL;
    int rc = list_rows(cy,
                       "SELECT p.payer_id, p.code, p.name, p.payer_ext_id, p.filing, p.timely_days, p.appeal_days,"
                       " p.addr1, p.city, p.state, p.zip,"
                       " (SELECT count(*) FROM contract_fee c WHERE c.payer_id = p.payer_id)"
                       " FROM payer p WHERE p.practice_id = ? ORDER BY p.code",
                       sizeof(rcm_payer_info), payer_row, &v, n, err);
    *out = v;
    return rc;
}
