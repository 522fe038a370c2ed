/*
 * Fuzz target: the coding-audit score file (docs/coding-audit.md).
 *
 * Each input is read by the score file reader alone: a refusal must carry a
 * message naming the file and leave nothing to release; an accepted file
 * must hold 1 to AUDIT_MAX_CLAIMS claims, each with a claim number, kinds
 * d p m u, known error types and bounded codes. Then the input is scored
 * for real (rcm_audit_score_file) against sample 1 of a small store: three
 * claims coded by "coder1" (diagnoses, modifiers, units of 2) drawn by
 * "auditor1". Each run is inside an outer transaction rolled back at the
 * end, so every input starts from the same store: a failure must leave every
 * row of the audit tables and the work items as they were; a success must
 * add one review per claim of the file, one code row per code counted, and
 * one work item per claim with an error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"
#include "rcm/audit.h"
#include "rcm/auth.h"
#include "rcm/coding.h"
#include "rcm/encounter.h"
#include "../../lib/audit/coding_internal.h"
#include "../../lib/store/store_internal.h"

#define CHECK(c)                                                                              \
    do {                                                                                      \
        if (!(c)) {                                                                           \
            fprintf(stderr, "fuzz_audit_score: check failed: %s (line %d)\n", #c, __LINE__);  \
            abort();                                                                          \
        }                                                                                     \
    } while (0)

#include "fuzz_store.h"

#define NOW INT64_C(1656676800) /* 2022-07-01 12:00 UTC */
#define PASSWORD "fuzz password 0001"

static const char practice_json[] =
    "{\"practice\": {\"name\": \"RIVERSIDE FAMILY MEDICINE\", \"npi\": \"1234567893\", \"tax_id\": \"621234567\","
    " \"address\": {\"line1\": \"1200 RIVER ROAD\", \"city\": \"NASHVILLE\", \"state\": \"TN\", \"zip\": \"37203\"},"
    " \"submitter\": {\"id\": \"RIVERSIDE01\", \"name\": \"RIVERSIDE\"},"
    " \"receiver\": {\"id\": \"CLEARHOUSE\", \"name\": \"DEMO CLEARINGHOUSE\"}},\n"
    " \"providers\": [{\"npi\": \"1679576722\", \"last\": \"OKAFOR\", \"first\": \"ADA\"}],\n"
    " \"payers\": [{\"code\": \"MCR\", \"name\": \"MEDICARE PART B\", \"payer_id\": \"MCRB1\", \"filing\": \"MB\","
    " \"timely_days\": 365, \"appeal_days\": 120}],\n"
    " \"fees\": [{\"code\": \"99213\", \"charge\": \"150.00\"}, {\"code\": \"99214\", \"charge\": \"215.00\"},"
    " {\"code\": \"99215\", \"charge\": \"295.00\"}, {\"code\": \"36415\", \"charge\": \"15.00\"},"
    " {\"code\": \"93000\", \"charge\": \"45.00\"}]}\n";

#define ENC(id, dx, lines)                                                                                        \
    "{\"id\": \"" id "\", \"kind\": \"P\", \"date\": \"2022-06-15\", \"place\": \"11\", \"provider\": \"1679576722\"," \
    " \"patient\": {\"mrn\": \"MRN-" id "\", \"last\": \"TEST\", \"first\": \"PAT\", \"dob\": \"1950-02-03\","         \
    " \"sex\": \"F\", \"address\": {\"line1\": \"1 MAIN ST\", \"city\": \"FRANKLIN\", \"state\": \"TN\","              \
    " \"zip\": \"37064\"}}, \"coverages\": [{\"seq\": \"P\", \"payer\": \"MCR\", \"member_id\": \"1EG4TE5MK73\","      \
    " \"relation\": \"18\"}], \"documentation\": {\"services\": [\"office visit\"], \"problems\": [\"hypertension\"]},"\
    " \"proposed\": {\"dx\": " dx ", \"lines\": " lines "}}\n"

static const char encounters_jsonl[] =
    ENC("E1", "[\"I10\", \"E11.65\"]",
        "[{\"code\": \"99215\", \"mods\": [\"25\"], \"units\": \"1\", \"ptrs\": [1, 2]},"
        " {\"code\": \"36415\", \"units\": \"2\", \"ptrs\": [1]}]")
    ENC("E2", "[\"J06.9\"]", "[{\"code\": \"99213\", \"ptrs\": [1]}, {\"code\": \"93000\", \"ptrs\": [1]}]")
    ENC("E3", "[\"I10\"]", "[{\"code\": \"99214\", \"ptrs\": [1]}]");

static fuzz_store fs;
static rcm_store *st;
static rcm_cycle *aud;

static void cleanup(void)
{
    rcm_cycle_free(aud);
    rcm_store_close(st);
    fuzz_store_remove(&fs);
}

static rcm_cycle *login(const char *name)
{
    char token[RCM_TOKEN_LEN + 1];
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_auth_login(st, name, PASSWORD, "fuzz", NOW, token, &err) == 0);
    rcm_cycle *cy = NULL;
    CHECK(rcm_cycle_open(&cy, st, token, "fuzz", NOW, &err) == 0);
    return cy;
}

/* The store: the practice, three claims coded by coder1, sample 1 of them drawn by auditor1. */
static void setup(void)
{
    st = fuzz_store_create(&fs, "in.json");
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_auth_bootstrap(st, "admin", PASSWORD, "minimum", NOW, &err) == 0);
    rcm_cycle *admin = login("admin");
    CHECK(rcm_setting_set(admin, "multi-role", "on", &err) == 0);
    CHECK(rcm_user_add(admin, "coder1", RCM_ROLE_CODER | RCM_ROLE_BILLER, PASSWORD, &err) == 0);
    CHECK(rcm_user_add(admin, "auditor1", RCM_ROLE_AUDITOR, PASSWORD, &err) == 0);
    fuzz_write_file(fs.file, practice_json, strlen(practice_json));
    CHECK(rcm_practice_import(admin, fs.file, NULL, &err) == 0);
    rcm_cycle_free(admin);
    rcm_cycle *coder = login("coder1");
    fuzz_write_file(fs.file, encounters_jsonl, strlen(encounters_jsonl));
    CHECK(rcm_encounter_import(coder, fs.file, NULL, &err) == 0);
    static const char *const ids[] = { "E1", "E2", "E3" };
    for (int i = 0; i < 3; i++) {
        int64_t id = 0;
        CHECK(rcm_encounter_find(coder, ids[i], &id, &err) == 0);
        rcm_coding *c = calloc(1, sizeof(*c));
        CHECK(c);
        CHECK(rcm_coding_get(coder, id, 1, c, &err) == 0);
        rcm_findings f;
        rcm_findings_init(&f);
        CHECK(rcm_coding_assign(coder, id, c, &f, &err) == 0);
        rcm_findings_release(&f);
        rcm_findings_init(&f);
        CHECK(rcm_coding_signoff(coder, id, &f, &err) == 0);
        rcm_findings_release(&f);
        free(c);
    }
    rcm_build_report rep;
    CHECK(rcm_claims_build(coder, &rep, &err) == 0);
    rcm_cycle_free(coder);
    aud = login("auditor1");
    rcm_audit_sample_spec spec = { "coder1", rcm_date_from_ymd(2022, 6, 1), rcm_date_from_ymd(2022, 6, 30), 3, 1,
                                   NULL };
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t sample = 0;
    CHECK(rcm_audit_sample(aud, &spec, &sample, &v, &n, &err) == 0);
    CHECK(sample == 1 && n == 3);
    free(v);
    atexit(cleanup);
}

static int64_t count(const char *sql)
{
    sqlite3_stmt *s = NULL;
    CHECK(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK);
    CHECK(sqlite3_step(s) == SQLITE_ROW);
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return v;
}

/* A digest of the rows scoring may write (order-independent). */
static uint64_t digest(void)
{
    static const char *const tables[] = { "audit_review", "audit_review_code", "work_item", "audit_sample",
                                          "audit_sample_claim" };
    uint64_t sum = 0;
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[64];
        snprintf(sql, sizeof(sql), "SELECT * FROM %s", tables[i]);
        sqlite3_stmt *s = NULL;
        CHECK(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL) == SQLITE_OK);
        while (sqlite3_step(s) == SQLITE_ROW) {
            uint64_t h = UINT64_C(1469598103934665603) + i;
            for (int c = 0; c < sqlite3_column_count(s); c++) {
                const unsigned char *v = sqlite3_column_text(s, c);
                int n = sqlite3_column_bytes(s, c);
                for (int k = 0; v && k < n; k++)
                    h = (h ^ v[k]) * UINT64_C(1099511628211);
                h = (h ^ (uint64_t)(v ? 0x1f : 0x1e)) * UINT64_C(1099511628211);
            }
            sum += h;
        }
        sqlite3_finalize(s);
    }
    return sum;
}

static void check_doc(const audit_score_doc *d)
{
    CHECK(d->n >= 1 && d->n <= AUDIT_MAX_CLAIMS);
    for (size_t i = 0; i < d->n; i++) {
        const audit_score_claim *c = &d->claims[i];
        CHECK(c->claim_no && c->claim_no[0] && strlen(c->claim_no) <= 38);
        CHECK(c->note && strlen(c->note) <= AUDIT_MAX_NOTE);
        CHECK(c->n <= AUDIT_MAX_CODES);
        for (size_t k = 0; k < c->n; k++) {
            const rcm_audit_code *a = &c->codes[k];
            CHECK(a->kind && strchr("dpmu", a->kind));
            CHECK(a->line >= 0 && a->line <= 999);
            CHECK(memchr(a->code, '\0', sizeof(a->code)) && memchr(a->correct, '\0', sizeof(a->correct)));
            CHECK(!a->error_type[0] || audit_error_type_index(a->error_type) >= 0);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st)
        setup();
    rcm_error err;
    memset(&err, 0, sizeof(err));
    audit_score_doc doc;
    int rc = audit_score_doc_read(&doc, "in.json", (const char *)data, size, &err);
    if (rc < 0) {
        CHECK(err.msg[0]);
        CHECK(err.source && strcmp(err.source, "in.json") == 0);
        CHECK(doc.claims == NULL && doc.n == 0);
    } else {
        CHECK(rc == 0);
        check_doc(&doc);
        audit_score_doc_release(&doc);
    }

    fuzz_write_file(fs.file, data, size);
    memset(&err, 0, sizeof(err));
    CHECK(rcm_store_begin(st, &err) == 0);
    uint64_t before = digest();
    int64_t reviews = count("SELECT count(*) FROM audit_review");
    int64_t codes = count("SELECT count(*) FROM audit_review_code");
    int64_t items = count("SELECT count(*) FROM work_item");
    rcm_audit_score_report rep;
    rc = rcm_audit_score_file(aud, 1, fs.file, &rep, &err);
    CHECK(rcm_store_in_transaction(st) == 1);
    if (rc < 0) {
        CHECK(err.msg[0]);
        CHECK(rc != RCM_EDENIED);           /* auditor1 coded nothing */
        CHECK(rep.claims == 0);
        CHECK(digest() == before);          /* all or nothing */
    } else {
        CHECK(rep.claims >= 1 && rep.claims <= 3);
        CHECK(count("SELECT count(*) FROM audit_review") == reviews + (int64_t)rep.claims);
        CHECK(count("SELECT count(*) FROM audit_review_code") == codes + rep.codes);
        CHECK(count("SELECT count(*) FROM work_item") == items + (int64_t)rep.work_items);
        CHECK(rep.errors <= rep.codes && rep.over_cents >= 0 && rep.under_cents >= 0);
        CHECK(count("SELECT count(*) FROM audit_review_code WHERE ok = 0") == rep.errors);
        CHECK(count("SELECT count(*) FROM audit_review_code WHERE ok = 1 AND (effect_cents <> 0 OR error_type <> '')")
              == 0);
        /* the report adds the same figures up */
        rcm_audit_accuracy *a = NULL;
        size_t n = 0;
        CHECK(rcm_audit_accuracy_report(aud, 1, NULL, 0, 0, &a, &n, &err) == 0);
        CHECK(n == 1 && a[0].claims == (int64_t)rep.claims && a[0].codes == rep.codes);
        CHECK(a[0].codes - a[0].codes_ok == rep.errors);
        CHECK(a[0].over_cents == rep.over_cents && a[0].under_cents == rep.under_cents);
        int64_t typed = 0;
        for (int i = 0; i < AUDIT_N_ERROR_TYPES; i++)
            typed += a[0].by_type[i];
        CHECK(typed == rep.errors);
        free(a);
        /* a second scoring of the same file: each claim was reviewed already */
        CHECK(rcm_audit_score_file(aud, 1, fs.file, NULL, &err) == RCM_EEXIST);
    }
    rcm_store_rollback(st);
    return 0;
}
