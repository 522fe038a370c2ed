/* Claims JSON (lib/claim/claim_json.c): shape, exact round trip, located errors. */
#include <criterion/criterion.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/json.h"

static json_t *cj_parse(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    cr_assert_not_null(j, "test JSON does not parse: %s", e.text);
    return j;
}

/* Reads text as a claim; expects failure with exactly msg. */
static void cj_expect_error(const char *text, const char *msg)
{
    json_t *j = cj_parse(text);
    rcm_claim *c = (rcm_claim *)1;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_claim_from_json(&c, j, &err);
    cr_assert_lt(rc, 0, "accepted: %s", text);
    cr_assert_null(c);
    cr_assert_eq(err.code, rc);
    cr_assert_str_eq(err.msg, msg);
    json_decref(j);
}

#define CJ_MIN "\"kind\":\"professional\",\"id\":\"C1\",\"charge_cents\":100"
#define CJ_LINE "{\"charge_cents\":100,\"units_milli\":1000}"

Test(claim_json, minimal_claim_reads_and_writes_back)
{
    json_t *j = cj_parse("{" CJ_MIN ",\"lines\":[" CJ_LINE "]}");
    rcm_claim *c = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_claim_from_json(&c, j, &err), 0, "%s", err.msg);
    cr_assert_eq(c->kind, 'P');
    cr_assert_str_eq(c->id, "C1");
    cr_assert_eq(c->charge_cents, 100);
    cr_assert_eq(c->n_lines, 1);
    cr_assert_eq(c->lines[0].units_milli, 1000);
    cr_assert_eq(c->lines[0].from, RCM_DATE_NONE, "absent dates stay absent");
    cr_assert_eq(c->onset, RCM_DATE_NONE);
    cr_assert_eq(c->billing.present, 0);
    json_t *back = rcm_claim_to_json(c);
    char *s = json_dumps(back, JSON_COMPACT);
    cr_assert_str_eq(s, "{\"kind\":\"professional\",\"id\":\"C1\",\"charge_cents\":100,"
                        "\"lines\":[{\"charge_cents\":100,\"units_milli\":1000}]}");
    free(s);
    json_decref(back);
    json_decref(j);
    rcm_claim_free(c);
}

Test(claim_json, absent_values_are_left_out)
{
    rcm_claim c;
    rcm_claim_init(&c);
    c.kind = 'I';
    memcpy(c.id, "X", 2);
    c.billing.present = 1;
    memcpy(c.billing.last, "ACME", 5);
    c.has_patient_paid = 0;
    c.patient_paid_cents = 77; /* not written: has_patient_paid is 0 */
    c.has_patient_due = 1;
    c.patient_due_cents = 0;   /* written: 0 is a value */
    json_t *j = rcm_claim_to_json(&c);
    char *s = json_dumps(j, JSON_COMPACT);
    cr_assert_str_eq(s, "{\"kind\":\"institutional\",\"id\":\"X\",\"charge_cents\":0,"
                        "\"billing\":{\"last\":\"ACME\"},\"patient_due_cents\":0}");
    free(s);
    json_decref(j);
}

Test(claim_json, every_field_round_trips)
{
    /* a claim with every kind of field, read, written and read again */
    const char *text =
        "{\"kind\":\"institutional\",\"id\":\"I-1\",\"charge_cents\":-5,"
        "\"source\":{\"st_control\":\"0001\",\"segment\":12,\"line\":3},"
        "\"bht\":{\"id\":\"B1\",\"purpose\":\"18\",\"type\":\"RP\",\"date\":\"2024-02-29\",\"time\":\"235959\"},"
        "\"billing\":{\"entity\":\"85\",\"type\":\"2\",\"last\":\"H\",\"other_ids\":[{\"qual\":\"G2\",\"value\":\"1\"}],"
        "\"country_sub\":\"ON\",\"phone_ext\":\"9\"},"
        "\"payer_seq\":\"P\",\"subscriber_dob\":\"1900-01-01\",\"related\":[\"AA\",\"\",\"OA\"],"
        "\"admission_hour\":\"0930\",\"patient_paid_cents\":0,"
        "\"refs\":[{\"qual\":\"D9\",\"value\":\"Z\"}],\"dates\":[{\"qual\":\"454\",\"from\":\"2024-01-01\",\"to\":\"2024-01-02\"}],"
        "\"dx_qual\":\"ABK\",\"dx\":[\"A1\",\"B2\"],\"dx_poa\":[\"Y\",\"\"],\"admitting_dx\":\"R1\","
        "\"codes\":[{\"qual\":\"BE\",\"code\":\"80\",\"amount_cents\":400,\"poa\":\"N\"}],"
        "\"other\":[{\"seq\":\"S\",\"cas\":[{\"group\":\"CO\",\"reason\":\"45\",\"amount_cents\":1,\"qty_milli\":2500}],"
        "\"paid_cents\":0,\"payer\":{\"last\":\"P\"},\"adjudicated\":\"2024-03-01\"}],"
        "\"lines\":[{\"number\":1,\"mods\":[\"\",\"25\"],\"charge_cents\":1,\"units_milli\":1500,\"dx_ptr\":[1,0,2],"
        "\"providers\":[{\"entity\":\"DK\",\"last\":\"O\"}],\"amts\":[{\"qual\":\"T\",\"cents\":3}],"
        "\"adj\":[{\"payer_id\":\"P\",\"paid_cents\":1,\"units_milli\":1000,\"bundled_line\":2,\"remaining_cents\":0}]}]}";
    json_t *j = cj_parse(text);
    rcm_claim *c = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_claim_from_json(&c, j, &err), 0, "%s", err.msg);
    cr_assert_eq(c->n_dx, 2);
    cr_assert_eq(c->dx_poa[0], 'Y');
    cr_assert_eq(c->dx_poa[1], 0);
    cr_assert_eq(c->lines[0].dx_ptr[2], 2);
    cr_assert_eq(c->other[0].cas[0].qty_milli, 2500);
    cr_assert_eq(c->other[0].cas[0].has_qty, 1);
    cr_assert_eq(c->other[0].has_paid, 1);
    cr_assert_eq(c->has_patient_paid, 1);
    cr_assert_eq(c->billing.n_other_ids, 1);
    cr_assert_eq(c->lines[0].providers[0].present, 1);
    json_t *back = rcm_claim_to_json(c);
    cr_assert(json_equal(back, j), "round trip changed the claim: %s", json_dumps(back, JSON_COMPACT));
    json_decref(back);
    json_decref(j);
    rcm_claim_free(c);
}

Test(claim_json, test_claim_files_round_trip)
{
    const char *files[] = { "tests/data/claims/professional.jsonl", "tests/data/claims/institutional.json" };
    for (size_t f = 0; f < 2; f++) {
        FILE *in = fopen(files[f], "rb");
        cr_assert_not_null(in, "%s: run the tests from the repository root", files[f]);
        json_error_t e;
        json_t *all = f == 1 ? json_loadf(in, 0, &e) : json_array();
        if (f == 0) {
            char line[65536];
            while (fgets(line, sizeof(line), in)) {
                if (line[0] == '\n')
                    continue;
                json_t *o = cj_parse(line);
                const char *t = json_string_value(json_object_get(o, "type"));
                if (t && strcmp(t, "claim") != 0) {
                    json_decref(o);
                    continue;
                }
                json_object_del(o, "type");
                json_array_append_new(all, o);
            }
        }
        fclose(in);
        cr_assert_not_null(all);
        size_t i;
        json_t *o;
        json_array_foreach(all, i, o) {
            rcm_claim *c = NULL;
            rcm_error err;
            memset(&err, 0, sizeof(err));
            cr_assert_eq(rcm_claim_from_json(&c, o, &err), 0, "%s[%zu]: %s", files[f], i, err.msg);
            json_t *back = rcm_claim_to_json(c);
            cr_assert(json_equal(back, o), "%s[%zu] changed", files[f], i);
            json_decref(back);
            rcm_claim_free(c);
        }
        json_decref(all);
    }
}

Test(claim_json, type_claim_is_accepted_other_types_are_not)
{
    json_t *j = cj_parse("{\"type\":\"claim\"," CJ_MIN "}");
    rcm_claim *c = NULL;
    cr_assert_eq(rcm_claim_from_json(&c, j, NULL), 0);
    rcm_claim_free(c);
    json_decref(j);
    cj_expect_error("{\"type\":\"remit\"," CJ_MIN "}", "type: must be \"claim\"");
}

Test(claim_json, errors_name_the_json_path)
{
    cj_expect_error("{" CJ_MIN ",\"lines\":[" CJ_LINE "," CJ_LINE ",{\"charge_cents\":\"12.50\",\"units_milli\":1}]}",
                    "lines[2].charge_cents: must be an integer");
    cj_expect_error("{" CJ_MIN ",\"lines\":[{\"chrage_cents\":1,\"units_milli\":1}]}",
                    "lines[0].chrage_cents: unknown key");
    cj_expect_error("{" CJ_MIN ",\"lines\":[{\"units_milli\":1}]}", "lines[0].charge_cents: missing");
    cj_expect_error("{\"kind\":\"professional\",\"charge_cents\":1}", "id: missing");
    cj_expect_error("{" CJ_MIN ",\"onset\":\"2024-02-30\"}", "onset: must be a date YYYY-MM-DD");
    cj_expect_error("{" CJ_MIN ",\"onset\":\"20240201\"}", "onset: must be a date YYYY-MM-DD");
    cj_expect_error("{\"kind\":\"dental\",\"id\":\"C1\",\"charge_cents\":1}",
                    "kind: must be \"professional\" or \"institutional\"");
    cj_expect_error("{" CJ_MIN ",\"freq\":\"17\"}", "freq: '17' is too long: at most 1 character");
    cj_expect_error("{" CJ_MIN ",\"pos\":11}", "pos: must be a string");
    cj_expect_error("{" CJ_MIN ",\"billing\":{\"npi\":\"1\"}}", "billing.npi: unknown key");
    cj_expect_error("{" CJ_MIN ",\"billing\":[]}", "billing: must be an object");
    cj_expect_error("{" CJ_MIN ",\"dx\":[\"A\"],\"dx_poa\":[\"Y\",\"N\"]}",
                    "dx_poa: has 2 elements, at most 1 are allowed");
    cj_expect_error("{" CJ_MIN ",\"lines\":[{\"charge_cents\":1,\"units_milli\":1,\"dx_ptr\":[1,2,3,4,5]}]}",
                    "lines[0].dx_ptr: has 5 elements, at most 4 are allowed");
    cj_expect_error("{" CJ_MIN ",\"lines\":[{\"charge_cents\":1,\"units_milli\":1,\"dx_ptr\":[26]}]}",
                    "lines[0].dx_ptr[0]: 26 is out of range (0 to 25)");
    cj_expect_error("{" CJ_MIN ",\"other\":[{\"cas\":[{\"group\":\"CO\",\"reason\":\"45\",\"amount_cents\":1},"
                    "{\"group\":\"CO\",\"reason\":\"45\",\"amount_cents\":1.5}]}]}",
                    "other[0].cas[1].amount_cents: must be an integer");
    cj_expect_error("{" CJ_MIN ",\"charge_cents\":1000000000000000}",
                    "charge_cents: 1000000000000000 is out of range (-999999999999999 to 999999999999999)");
    cj_expect_error("[1]", "claim: must be an object");
}

Test(claim_json, free_null_is_fine)
{
    rcm_claim_free(NULL);
}
