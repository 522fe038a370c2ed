/* The revenue-cycle test fixture (see cycle_fixture.h). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture.h"
#include "../../lib/store/store_internal.h"

const char cyfx_practice_json[] =
    "{\"practice\": {\"name\": \"RIVERSIDE FAMILY MEDICINE\", \"npi\": \"" CYFX_PRACTICE_NPI "\",\n"
    "  \"tax_id\": \"621234567\", \"taxonomy\": \"207Q00000X\",\n"
    "  \"address\": {\"line1\": \"1200 RIVER ROAD\", \"line2\": \"\", \"city\": \"NASHVILLE\", \"state\": \"TN\","
    " \"zip\": \"372031234\"},\n"
    "  \"contact\": \"BILLING OFFICE\", \"phone\": \"6155550100\",\n"
    "  \"submitter\": {\"id\": \"RIVERSIDE01\", \"name\": \"RIVERSIDE FAMILY MEDICINE\"},\n"
    "  \"receiver\": {\"id\": \"CLEARHOUSE\", \"name\": \"DEMO CLEARINGHOUSE\"}},\n"
    " \"providers\": [\n"
    "  {\"npi\": \"" CYFX_NPI1 "\", \"last\": \"OKAFOR\", \"first\": \"ADA\", \"middle\": \"\","
    " \"taxonomy\": \"207Q00000X\", \"specialty\": \"family medicine\"},\n"
    "  {\"npi\": \"" CYFX_NPI2 "\", \"last\": \"CHEN\", \"first\": \"MARK\", \"middle\": \"L\","
    " \"taxonomy\": \"207R00000X\", \"specialty\": \"internal medicine\"}],\n"
    " \"payers\": [\n"
    "  {\"code\": \"MCR\", \"name\": \"MEDICARE PART B\", \"payer_id\": \"MCRB1\", \"filing\": \"MB\","
    " \"timely_days\": 365, \"appeal_days\": 120,\n"
    "   \"address\": {\"line1\": \"PO BOX 1000\", \"city\": \"NASHVILLE\", \"state\": \"TN\", \"zip\": \"37202\"}},\n"
    "  {\"code\": \"BCBS\", \"name\": \"BLUECROSS BLUESHIELD OF TENNESSEE\", \"payer_id\": \"BCBST\","
    " \"filing\": \"BL\", \"timely_days\": 180, \"appeal_days\": 180,\n"
    "   \"address\": {\"line1\": \"1 CAMERON HILL CIRCLE\", \"city\": \"CHATTANOOGA\", \"state\": \"TN\","
    " \"zip\": \"37402\"}},\n"
    "  {\"code\": \"AETNA\", \"name\": \"AETNA\", \"payer_id\": \"60054\", \"filing\": \"CI\","
    " \"timely_days\": 90, \"appeal_days\": 180}],\n"
    " \"fees\": [\n"
    "  {\"code\": \"99202\", \"charge\": \"110.00\"}, {\"code\": \"99203\", \"charge\": \"170.00\"},\n"
    "  {\"code\": \"99204\", \"charge\": \"255.00\"}, {\"code\": \"99205\", \"charge\": \"335.00\"},\n"
    "  {\"code\": \"99211\", \"charge\": \"40.00\"}, {\"code\": \"99212\", \"charge\": \"90.00\"},\n"
    "  {\"code\": \"99213\", \"charge\": \"150.00\"}, {\"code\": \"99214\", \"charge\": \"215.00\"},\n"
    "  {\"code\": \"99215\", \"charge\": \"295.00\"}, {\"code\": \"36415\", \"charge\": \"15.00\"},\n"
    "  {\"code\": \"81002\", \"charge\": \"12.00\"}, {\"code\": \"93000\", \"charge\": \"45.00\"},\n"
    "  {\"code\": \"20610\", \"charge\": \"160.00\"}, {\"code\": \"11102\", \"charge\": \"140.00\"},\n"
    "  {\"code\": \"17110\", \"charge\": \"185.00\"}, {\"code\": \"J1100\", \"charge\": \"8.00\"},\n"
    "  {\"code\": \"G0439\", \"charge\": \"190.00\"}, {\"code\": \"90471\", \"charge\": \"35.00\"},\n"
    "  {\"code\": \"96372\", \"charge\": \"30.00\"}, {\"code\": \"99283\", \"charge\": \"320.00\"}],\n"
    " \"contracts\": [\n"
    "  {\"payer\": \"MCR\", \"code\": \"99202\", \"allowed\": \"73.97\"},"
    " {\"payer\": \"MCR\", \"code\": \"99203\", \"allowed\": \"113.75\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"99204\", \"allowed\": \"169.82\"},"
    " {\"payer\": \"MCR\", \"code\": \"99205\", \"allowed\": \"224.23\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"99211\", \"allowed\": \"23.38\"},"
    " {\"payer\": \"MCR\", \"code\": \"99212\", \"allowed\": \"57.32\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"99213\", \"allowed\": \"92.50\"},"
    " {\"payer\": \"MCR\", \"code\": \"99214\", \"allowed\": \"130.86\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"99215\", \"allowed\": \"184.14\"},"
    " {\"payer\": \"MCR\", \"code\": \"36415\", \"allowed\": \"3.00\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"93000\", \"allowed\": \"17.13\"},"
    " {\"payer\": \"MCR\", \"code\": \"20610\", \"allowed\": \"62.10\"},\n"
    "  {\"payer\": \"MCR\", \"code\": \"G0439\", \"allowed\": \"133.70\"},\n"
    "  {\"payer\": \"BCBS\", \"code\": \"99203\", \"allowed\": \"125.00\"},"
    " {\"payer\": \"BCBS\", \"code\": \"99213\", \"allowed\": \"105.00\"},\n"
    "  {\"payer\": \"BCBS\", \"code\": \"99214\", \"allowed\": \"150.00\"},"
    " {\"payer\": \"BCBS\", \"code\": \"99215\", \"allowed\": \"205.00\"},\n"
    "  {\"payer\": \"BCBS\", \"code\": \"36415\", \"allowed\": \"5.00\"},"
    " {\"payer\": \"BCBS\", \"code\": \"93000\", \"allowed\": \"22.00\"}]}\n";

static void write_text(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp, "cannot write %s", path);
    size_t n = strlen(text);
    cr_assert_eq(fwrite(text, 1, n, fp), n);
    cr_assert_eq(fclose(fp), 0);
}

void cyfx_open(cyfx *f)
{
    memset(f, 0, sizeof(*f));
    const char *t = getenv("TMPDIR");
    snprintf(f->dir, sizeof(f->dir), "%s/rcm-cycle-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(f->dir));
    snprintf(f->db, sizeof(f->db), "%s/cycle.db", f->dir);
    for (int i = 0; i < CYFX_SLOTS; i++)
        rcm_buf_init(&f->out[i], (size_t)1 << 24);
    cr_assert_eq(rcm_store_open(&f->st, f->db, RCM_STORE_CREATE, &f->err), 0, "%s", f->err.msg);
    cr_assert_eq(rcm_auth_bootstrap(f->st, CYFX_ADMIN, CYFX_PASSWORD, "minimum", CYFX_NOW, &f->err), 0, "%s",
                 f->err.msg);
    f->admin = cyfx_login(f, CYFX_ADMIN);
    cr_assert_eq(rcm_setting_set(f->admin, "multi-role", "on", &f->err), 0, "%s", f->err.msg);
    cr_assert_eq(rcm_user_add(f->admin, CYFX_USER, RCM_ROLE_ALL, CYFX_PASSWORD, &f->err), 0, "%s", f->err.msg);
    cr_assert_eq(rcm_sod_grant(f->admin, CYFX_USER, "the fixture's one person does every step", RCM_DATE_NONE, NULL,
                               &f->err),
                 0, "%s", f->err.msg);
    f->cy = cyfx_login(f, CYFX_USER);
    int rc = cyfx_import_practice(f, cyfx_practice_json);
    cr_assert_eq(rc, 0, "practice: %s:%ld: %s", f->path, f->err.line, f->err.msg);
}

rcm_cycle *cyfx_login(cyfx *f, const char *name)
{
    char token[RCM_TOKEN_LEN + 1];
    cr_assert_eq(rcm_auth_login(f->st, name, CYFX_PASSWORD, "test", CYFX_NOW, token, &f->err), 0, "login %s: %s",
                 name, f->err.msg);
    rcm_cycle *cy = NULL;
    cr_assert_eq(rcm_cycle_open(&cy, f->st, token, "test", CYFX_NOW, &f->err), 0, "%s", f->err.msg);
    return cy;
}

rcm_cycle *cyfx_user(cyfx *f, const char *name, unsigned roles, int sod)
{
    cr_assert_lt(f->nextra, sizeof(f->extra) / sizeof(f->extra[0]), "cyfx_user: too many users");
    cr_assert_eq(rcm_user_add(f->admin, name, roles, CYFX_PASSWORD, &f->err), 0, "%s", f->err.msg);
    if (sod)
        cr_assert_eq(rcm_sod_grant(f->admin, name, "a test's small practice", RCM_DATE_NONE, NULL, &f->err), 0, "%s",
                     f->err.msg);
    rcm_cycle *cy = cyfx_login(f, name);
    rcm_cycle_set_now(cy, rcm_cycle_now(f->cy));
    rcm_cycle_set_today(cy, rcm_cycle_today(f->cy));
    f->extra[f->nextra++] = cy;
    return cy;
}

void cyfx_close(cyfx *f)
{
    rcm_cycle_free(f->cy);
    rcm_cycle_free(f->admin);
    for (unsigned i = 0; i < f->nextra; i++)
        rcm_cycle_free(f->extra[i]);
    rcm_store_close(f->st);
    for (int i = 0; i < CYFX_SLOTS; i++)
        rcm_buf_release(&f->out[i]);
    if (f->dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
        cr_assert_eq(system(cmd), 0);
    }
    memset(f, 0, sizeof(*f));
}

static rcm_buf *slot(cyfx *f)
{
    rcm_buf *b = &f->out[f->slot++ % CYFX_SLOTS];
    rcm_buf_reset(b);
    return b;
}

int cyfx_import(cyfx *f, const char *text)
{
    snprintf(f->path, sizeof(f->path), "%s/enc-%u.jsonl", f->dir, ++f->nfiles);
    write_text(f->path, text);
    memset(&f->err, 0, sizeof(f->err));
    memset(&f->rep, 0, sizeof(f->rep));
    return rcm_encounter_import(f->cy, f->path, &f->rep, &f->err);
}

int cyfx_import_practice(cyfx *f, const char *text)
{
    snprintf(f->path, sizeof(f->path), "%s/practice-%u.json", f->dir, ++f->nfiles);
    write_text(f->path, text);
    memset(&f->err, 0, sizeof(f->err));
    memset(&f->rep, 0, sizeof(f->rep));
    return rcm_practice_import(f->cy, f->path, &f->rep, &f->err);
}

void cyfx_import_ok(cyfx *f, const char *text)
{
    int rc = cyfx_import(f, text);
    cr_assert_eq(rc, 0, "import: %s:%ld: %s", f->path, f->err.line, f->err.msg);
}

int64_t cyfx_enc(cyfx *f, const char *ext_id)
{
    int64_t id = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_encounter_find(f->cy, ext_id, &id, &err), 0, "encounter %s: %s", ext_id, err.msg);
    return id;
}

int64_t cyfx_payer(cyfx *f, const char *code)
{
    int64_t id = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_payer_find(f->cy, code, &id, &err), 0, "payer %s: %s", code, err.msg);
    return id;
}

/* ---- writing encounters ---- */

static void put_str(rcm_buf *b, const char *key, const char *v)
{
    rcm_buf_addf(b, "\"%s\": \"%s\"", key, v);
}

/* "E11.65,I10" as a JSON array of strings; returns how many. */
static int put_list(rcm_buf *b, const char *csv)
{
    int n = 0;
    rcm_buf_addc(b, '[');
    for (const char *p = csv; p && *p;) {
        size_t k = strcspn(p, ",");
        rcm_buf_addf(b, "%s\"%.*s\"", n ? ", " : "", (int)k, p);
        n++;
        p += k;
        if (*p == ',')
            p++;
    }
    rcm_buf_addc(b, ']');
    return n;
}

/* One proposed line CODE:MODS:UNITS:PTRS:REV. */
static void put_line(rcm_buf *b, const char *s, size_t len, char kind, int ndx)
{
    char part[5][64] = { "", "", "", "", "" };
    size_t i = 0, k = 0;
    for (size_t p = 0; p < len; p++) {
        if (s[p] == ':') {
            i++;
            k = 0;
            cr_assert_lt(i, 5, "line '%.*s': at most 5 parts", (int)len, s);
            continue;
        }
        cr_assert_lt(k, 63);
        part[i][k++] = s[p];
        part[i][k] = '\0';
    }
    rcm_buf_addf(b, "{\"code\": \"%s\", \"mods\": ", part[0]);
    put_list(b, part[1]);
    rcm_buf_addf(b, ", \"units\": \"%s\", \"ptrs\": [", part[2][0] ? part[2] : "1");
    if (part[3][0])
        rcm_buf_adds(b, part[3]);
    else if (kind == 'P' && ndx > 0)
        rcm_buf_adds(b, "1");
    rcm_buf_adds(b, "]");
    if (part[4][0])
        rcm_buf_addf(b, ", \"rev_code\": \"%s\"", part[4]);
    rcm_buf_addc(b, '}');
}

static const char *member_of(const char *payer)
{
    if (strcmp(payer, "MCR") == 0)
        return "1EG4TE5MK73";
    if (strcmp(payer, "BCBS") == 0)
        return "XYZ123456789";
    if (strcmp(payer, "AETNA") == 0)
        return "W123456789";
    return "M0000001";
}

static void put_coverage(rcm_buf *b, const char *seq, const char *payer, const char *member,
                         const char *relation, int first)
{
    rcm_buf_addf(b, "%s{\"seq\": \"%s\", \"payer\": \"%s\", \"member_id\": \"%s\", \"group\": \"\","
                 " \"relation\": \"%s\", \"from\": \"2020-01-01\", \"to\": \"\"",
                 first ? "" : ", ", seq, payer, member ? member : member_of(payer), relation);
    if (strcmp(relation, "18") != 0)
        rcm_buf_adds(b, ", \"subscriber\": {\"last\": \"SUBSCRIBER\", \"first\": \"SAM\", \"dob\": \"1948-05-05\","
                        " \"sex\": \"M\", \"address\": {\"line1\": \"45 OAK LANE\", \"city\": \"FRANKLIN\","
                        " \"state\": \"TN\", \"zip\": \"37064\"}}");
    rcm_buf_addc(b, '}');
}

const char *cyfx_encounter_spec(cyfx *f, const cyfx_spec *s)
{
    cr_assert_not_null(s->id, "an encounter needs an id");
    char kind = s->kind ? s->kind : 'P';
    const char *payer = s->payer ? s->payer : "MCR";
    const char *relation = s->relation ? s->relation : "18";
    rcm_buf *b = slot(f);
    rcm_buf_addc(b, '{');
    put_str(b, "id", s->id);
    rcm_buf_addf(b, ", \"kind\": \"%c\", ", kind);
    put_str(b, "date", s->date ? s->date : CYFX_DOS);
    rcm_buf_adds(b, ", ");
    put_str(b, "place", s->place ? s->place : kind == 'I' ? "23" : "11");
    rcm_buf_adds(b, ", ");
    put_str(b, "provider", s->provider ? s->provider : CYFX_NPI1);
    if (kind == 'I' || s->bill_type) {
        rcm_buf_adds(b, ", ");
        put_str(b, "bill_type", s->bill_type ? s->bill_type : "131");
    }
    if (s->referring)
        rcm_buf_addf(b, ", \"referring\": {\"npi\": \"%s\", \"last\": \"DOCTOR\", \"first\": \"REF\"}", s->referring);
    if (s->prior_auth) {
        rcm_buf_adds(b, ", ");
        put_str(b, "prior_auth", s->prior_auth);
    }
    char mrn[80];
    snprintf(mrn, sizeof(mrn), "MRN-%s", s->id);
    rcm_buf_addf(b, ", \"patient\": {\"mrn\": \"%s\", \"last\": \"%s\", \"first\": \"%s\", \"middle\": \"\","
                 " \"dob\": \"%s\", \"sex\": \"%s\", \"address\": {\"line1\": \"45 OAK LANE\", \"line2\": \"\","
                 " \"city\": \"FRANKLIN\", \"state\": \"TN\", \"zip\": \"37064\"}, \"phone\": \"6155550142\"}",
                 s->mrn ? s->mrn : mrn, s->last ? s->last : "TESTER", s->first ? s->first : "PAT",
                 s->dob ? s->dob : "1950-02-03", s->sex ? s->sex : "F");
    rcm_buf_adds(b, ", \"coverages\": [");
    if (payer[0]) {
        put_coverage(b, "P", payer, s->member, relation, 1);
        if (s->payer2 && s->payer2[0])
            put_coverage(b, "S", s->payer2, NULL, "18", 0);
        if (s->payer3 && s->payer3[0])
            put_coverage(b, "T", s->payer3, NULL, "18", 0);
    }
    rcm_buf_adds(b, "]");
    rcm_buf_addf(b, ", \"documentation\": {\"services\": [\"%s\"], \"problems\": [\"%s\"], \"note\": \"\"}",
                 s->services ? s->services : "office visit, established patient",
                 s->problems ? s->problems : "follow-up");
    rcm_buf_adds(b, ", \"proposed\": {\"dx\": ");
    int ndx = put_list(b, s->dx ? s->dx : "");
    rcm_buf_adds(b, ", \"lines\": [");
    int n = 0;
    for (const char *p = s->lines ? s->lines : ""; *p;) {
        size_t k = strcspn(p, ";");
        if (n++)
            rcm_buf_adds(b, ", ");
        put_line(b, p, k, kind, ndx);
        p += k;
        if (*p == ';')
            p++;
    }
    rcm_buf_adds(b, "]}");
    if (s->extra)
        rcm_buf_adds(b, s->extra);
    rcm_buf_addc(b, '}');
    cr_assert(!rcm_buf_failed(b));
    return b->ptr;
}

const char *cyfx_encounter(cyfx *f, const char *id, const char *date, const char *payer, const char *dx,
                           const char *lines)
{
    cyfx_spec s = { .id = id, .date = date, .payer = payer, .dx = dx, .lines = lines };
    return cyfx_encounter_spec(f, &s);
}

int64_t cyfx_add_spec(cyfx *f, const cyfx_spec *s)
{
    cyfx_import_ok(f, cyfx_encounter_spec(f, s));
    return cyfx_enc(f, s->id);
}

int64_t cyfx_add(cyfx *f, const char *id, const char *date, const char *payer, const char *dx, const char *lines)
{
    cyfx_spec s = { .id = id, .date = date, .payer = payer, .dx = dx, .lines = lines };
    return cyfx_add_spec(f, &s);
}

const char *cyfx_lines(cyfx *f, int n, ...)
{
    rcm_buf *b = slot(f);
    va_list ap;
    va_start(ap, n);
    for (int i = 0; i < n; i++) {
        rcm_buf_adds(b, va_arg(ap, const char *));
        rcm_buf_addc(b, '\n');
    }
    va_end(ap);
    cr_assert(!rcm_buf_failed(b));
    return b->ptr;
}

/* ---- SQL ---- */

int64_t cyfx_int(cyfx *f, const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(store_db(f->st)));
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "%s: no row", sql);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

void cyfx_exec(cyfx *f, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(store_db(f->st), sql, NULL, NULL, &msg);
    cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
}

const char *cyfx_text(cyfx *f, const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL), SQLITE_OK, "%s: %s", sql,
                 sqlite3_errmsg(store_db(f->st)));
    rcm_buf *b = slot(f);
    int step = sqlite3_step(s);
    cr_assert(step == SQLITE_ROW || step == SQLITE_DONE, "%s: %s", sql, sqlite3_errmsg(store_db(f->st)));
    if (step == SQLITE_ROW && sqlite3_column_text(s, 0))
        rcm_buf_adds(b, (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    return b->ptr;
}

const char *cyfx_counts(cyfx *f)
{
    static const char *const tables[] = { "practice", "provider", "payer", "fee", "contract_fee", "patient",
                                          "coverage", "encounter", "audit_log" };
    rcm_buf *b = slot(f);
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
        rcm_buf_addf(b, "%s%s=%lld", i ? " " : "", tables[i], (long long)cyfx_int(f, sql));
    }
    return b->ptr;
}

cyfx_sum cyfx_digest(cyfx *f)
{
    static const char *const tables[] = { "practice", "provider", "payer", "fee", "contract_fee", "patient",
                                          "coverage", "encounter", "audit_log", "control_counter" };
    uint64_t sum = 0;   /* of the rows' hashes: the order rows come in does not matter */
    long rows = 0;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[96];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[i]);
        sqlite3_stmt *s = NULL;
        cr_assert_eq(sqlite3_prepare_v2(store_db(f->st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
        while (sqlite3_step(s) == SQLITE_ROW) {
            rows++;
            uint64_t h = UINT64_C(1469598103934665603) + i;
            for (int c = 0; c < sqlite3_column_count(s); c++) {
                const unsigned char *t = sqlite3_column_text(s, c);
                int n = sqlite3_column_bytes(s, c);
                for (int k = 0; t && k < n; k++)
                    h = (h ^ t[k]) * UINT64_C(1099511628211);
                h = (h ^ (uint64_t)(t ? 0x1f : 0x1e)) * UINT64_C(1099511628211);
            }
            sum += h;
        }
        sqlite3_finalize(s);
    }
    cyfx_sum out;
    snprintf(out.s, sizeof(out.s), "%ld rows %016llx", rows, (unsigned long long)sum);
    return out;
}
