/*
 * Fuzz target: the encounter importer (and the practice importer, which
 * shares its JSON reader), on a store holding a small practice.
 *
 * The store is made once, with one user who may import both files (admin
 * and biller: the store allows several roles); each input runs inside an
 * outer transaction that is rolled back at the end, so every input starts
 * from the same practice (the importers' own transactions become
 * savepoints). The input is imported as an encounter file:
 *   - a failure must carry a message and leave every row as it was (a digest
 *     of the tables the import writes), with the outer transaction still open;
 *   - a success must give a report that adds up, and importing the same
 *     bytes again must change nothing (every record unchanged).
 * Then the same bytes are imported as a practice file with the same checks
 * on failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"
#include "rcm/encounter.h"
#include "../../lib/store/store_internal.h"

#define CHECK(c)                                                                            \
    do {                                                                                    \
        if (!(c)) {                                                                         \
            fprintf(stderr, "fuzz_encounter: check failed: %s (line %d)\n", #c, __LINE__);  \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

#include "fuzz_store.h"

static const char practice_json[] =
    "{\"practice\": {\"name\": \"RIVERSIDE FAMILY MEDICINE\", \"npi\": \"1234567893\", \"tax_id\": \"621234567\","
    " \"address\": {\"line1\": \"1200 RIVER ROAD\", \"city\": \"NASHVILLE\", \"state\": \"TN\", \"zip\": \"37203\"},"
    " \"submitter\": {\"id\": \"RIVERSIDE01\", \"name\": \"RIVERSIDE\"},"
    " \"receiver\": {\"id\": \"CLEARHOUSE\", \"name\": \"DEMO CLEARINGHOUSE\"}},\n"
    " \"providers\": [{\"npi\": \"1679576722\", \"last\": \"OKAFOR\", \"first\": \"ADA\"},"
    " {\"npi\": \"1245319599\", \"last\": \"CHEN\", \"first\": \"MARK\"}],\n"
    " \"payers\": [{\"code\": \"MCR\", \"name\": \"MEDICARE PART B\", \"payer_id\": \"MCRB1\", \"filing\": \"MB\","
    " \"timely_days\": 365, \"appeal_days\": 120},"
    " {\"code\": \"BCBS\", \"name\": \"BCBS OF TENNESSEE\", \"payer_id\": \"BCBST\", \"filing\": \"BL\","
    " \"timely_days\": 180, \"appeal_days\": 180},"
    " {\"code\": \"AETNA\", \"name\": \"AETNA\", \"payer_id\": \"60054\", \"filing\": \"CI\","
    " \"timely_days\": 90, \"appeal_days\": 180}],\n"
    " \"fees\": [{\"code\": \"99213\", \"charge\": \"150.00\"}, {\"code\": \"36415\", \"charge\": \"15.00\"}],\n"
    " \"contracts\": [{\"payer\": \"MCR\", \"code\": \"99213\", \"allowed\": \"92.50\"}]}\n";

static fuzz_store fs;
static rcm_store *st;
static rcm_cycle *cy;

static void cleanup(void)
{
    rcm_cycle_free(cy);
    rcm_store_close(st);
    fuzz_store_remove(&fs);
}

static void setup(void)
{
    st = fuzz_store_create(&fs, "in.json");
    rcm_error err;
    memset(&err, 0, sizeof(err));
    /* the password is a constant for a store thrown away at exit: the cheapest hash */
    static const char pw[] = "fuzzing only, never typed";
    char token[RCM_TOKEN_LEN + 1];
    rcm_cycle *admin = NULL;
    CHECK(rcm_auth_bootstrap(st, "fuzz.admin", pw, "minimum", INT64_C(1656676800), &err) == 0);
    CHECK(rcm_auth_login(st, "fuzz.admin", pw, "fuzz", INT64_C(1656676800), token, &err) == 0);
    CHECK(rcm_cycle_open(&admin, st, token, "fuzz", INT64_C(1656676800), &err) == 0);
    CHECK(rcm_setting_set(admin, "multi-role", "on", &err) == 0);
    CHECK(rcm_user_add(admin, "fuzz", RCM_ROLE_ADMIN | RCM_ROLE_BILLER, pw, &err) == 0);
    rcm_cycle_free(admin);
    CHECK(rcm_auth_login(st, "fuzz", pw, "fuzz", INT64_C(1656676800), token, &err) == 0);
    CHECK(rcm_cycle_open(&cy, st, token, "fuzz", INT64_C(1656676800), &err) == 0);
    rcm_cycle_set_now(cy, INT64_C(1656676800));
    fuzz_write_file(fs.file, practice_json, strlen(practice_json));
    CHECK(rcm_practice_import(cy, fs.file, NULL, &err) == 0);
    atexit(cleanup);
}

/* A digest of every row the importers write (order-independent). */
static uint64_t digest(void)
{
    static const char *const tables[] = { "practice", "provider", "payer", "fee", "contract_fee", "patient",
                                          "coverage", "encounter", "audit_log" };
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st)
        setup();
    fuzz_write_file(fs.file, data, size);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_store_begin(st, &err) == 0);
    uint64_t before = digest();

    rcm_import_report rep;
    memset(&err, 0, sizeof(err));
    int rc = rcm_encounter_import(cy, fs.file, &rep, &err);
    CHECK(rcm_store_in_transaction(st) == 1);
    if (rc < 0) {
        CHECK(err.msg[0]);
        CHECK(rep.added == 0 && rep.updated == 0 && rep.unchanged == 0);
        CHECK(digest() == before);      /* nothing half-imported */
    } else {
        CHECK(rc == 0);
        CHECK(rep.records == rep.added + rep.updated + rep.unchanged);
        CHECK(rep.patients_added <= rep.records);
        uint64_t after = digest();
        rcm_import_report again;
        memset(&err, 0, sizeof(err));
        CHECK(rcm_encounter_import(cy, fs.file, &again, &err) == 0);
        CHECK(again.records == rep.records && again.unchanged == rep.records);
        CHECK(digest() == after);       /* a re-import writes nothing */
        int64_t id = 0;
        rcm_encounter_info e;
        if (rep.added && rcm_encounter_find(cy, "#1", &id, &err) == 0) {
            CHECK(rcm_encounter_get(cy, id, &e, &err) == 0);
            CHECK(e.documentation && e.proposed);
            rcm_encounter_info_release(&e);
        }
    }

    memset(&err, 0, sizeof(err));
    uint64_t mid = digest();
    rc = rcm_practice_import(cy, fs.file, &rep, &err);
    CHECK(rcm_store_in_transaction(st) == 1);
    if (rc < 0) {
        CHECK(err.msg[0]);
        CHECK(digest() == mid);
    } else {
        CHECK(rep.records == rep.added + rep.updated + rep.unchanged);
    }
    rcm_store_rollback(st);
    return 0;
}
