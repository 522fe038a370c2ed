/*
 * Fuzz target: payer rules files (docs/payer-rules.md). The input is parsed
 * with rcm_payer_rules_parse. A refused file must say where and what; an
 * accepted one is listed rule by rule, evaluated on a few fixed claims by
 * the scrubber's PAYER family, and its inline test claims are run (files
 * named by tests are not read here: a fuzzed name could be any file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/json.h"
#include "../../lib/scrub/payer/payer_internal.h"

#define CHECK(c)                                                                  \
    do {                                                                          \
        if (!(c)) {                                                               \
            fprintf(stderr, "fuzz_rules: check failed: %s (line %d)\n", #c, __LINE__); \
            abort();                                                              \
        }                                                                         \
    } while (0)

/* Claims the accepted rules run on: professional and institutional, lines with modifiers, pointers, attachments. */
static const char *const claim_json[] = {
    "{\"kind\":\"professional\",\"id\":\"F1\",\"charge_cents\":110000,\"pos\":\"11\",\"freq\":\"1\",\"filing\":\"MC\","
    "\"payer\":{\"id\":\"60054\"},\"subscriber_dob\":\"2010-02-03\",\"subscriber_sex\":\"F\",\"prior_auth\":\"A\","
    "\"billing\":{\"type\":\"2\",\"last\":\"C\",\"id_qual\":\"XX\",\"id\":\"1912301953\"},\"dx\":[\"E119\",\"I10\"],"
    "\"attachments\":[{\"report_type\":\"OZ\",\"transmission\":\"EL\",\"control\":\"X\"}],"
    "\"lines\":[{\"code\":\"99213\",\"mods\":[\"25\",\"95\"],\"charge_cents\":10000,\"units_milli\":1000,"
    "\"from\":\"2026-01-12\",\"pos\":\"02\",\"dx_ptr\":[1,2]},"
    "{\"code\":\"70551\",\"charge_cents\":100000,\"units_milli\":2500,\"from\":\"2026-01-13\",\"dx_ptr\":[2],"
    "\"ndc\":\"00000000000\",\"attachments\":[{\"report_type\":\"OB\",\"transmission\":\"FX\",\"control\":\"Y\"}]}]}",
    "{\"kind\":\"institutional\",\"id\":\"F2\",\"charge_cents\":5000,\"pos\":\"13\",\"filing\":\"CI\","
    "\"statement_from\":\"2025-12-01\",\"statement_to\":\"2025-12-03\",\"dx\":[\"Z0000\"],"
    "\"lines\":[{\"code\":\"J1100\",\"revenue_code\":\"0636\",\"charge_cents\":5000,\"units_milli\":1000}]}",
    "{\"kind\":\"professional\",\"id\":\"F3\",\"charge_cents\":0,\"lines\":[]}",
};

static rcm_claim *claims[sizeof(claim_json) / sizeof(claim_json[0])];

static void load_claims(void)
{
    for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        json_error_t jerr;
        json_t *j = json_loads(claim_json[i], 0, &jerr);
        CHECK(j != NULL);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        CHECK(rcm_claim_from_json(&claims[i], j, &err) == 0);
        json_decref(j);
    }
}

static int on_result(void *ctx, const rcm_rules_test_result *res)
{
    (void)ctx;
    CHECK(res->rule && strncmp(res->rule, "PAYER-", 6) == 0);
    CHECK(res->line > 0);
    CHECK(res->passed == (!res->claim_error && res->fired == res->expect_fire));
    CHECK(memchr(res->detail, 0, sizeof(res->detail)) != NULL);
    return 0;
}

static void exercise(const rcm_payer_rules *r)
{
    size_t n = rcm_payer_rules_count(r);
    for (size_t i = 0; i < n; i++) {
        rcm_payer_rule_info ri;
        CHECK(rcm_payer_rules_get(r, i, &ri) == 0);
        CHECK(strncmp(ri.id, "PAYER-", 6) == 0 && ri.line > 0);
        CHECK(ri.payers && ri.when && ri.action && ri.message && ri.hint);
        CHECK(ri.tf_days == 0 || ri.severity == 0);
    }
    rcm_payer_rule_info ri;
    CHECK(rcm_payer_rules_get(r, n, &ri) == RCM_ENOTFOUND);

    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = rcm_date_from_ymd(2026, 2, 1);
    cfg.rules = r;
    cfg.families = 1u << RCM_FAM_PAYER;
    rcm_scrub *s = NULL;
    CHECK(rcm_scrub_new(&s, &cfg, NULL) == 0);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(claims) / sizeof(claims[0]); i++) {
        rcm_findings_reset(&f);
        CHECK(rcm_scrub_claim(s, claims[i], (uint32_t)i, &f) >= 0);
        for (size_t k = 0; k < f.n; k++) {
            CHECK(strncmp(f.v[k].rule, "PAYER-", 6) == 0);
            CHECK(strcmp(f.v[k].table, "payer_rules") == 0 && f.v[k].file_line > 0);
            CHECK(f.v[k].nlines <= claims[i]->n_lines);
        }
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);

    /* the rules' own tests, when none names a file */
    for (size_t i = 0; i < r->ntests; i++)
        if (r->tests[i].path)
            return;
    size_t passed = 0, failed = 0;
    CHECK(rcm_payer_rules_test(r, rcm_date_from_ymd(2026, 2, 1), on_result, NULL, &passed, &failed, NULL) == 0);
    CHECK(passed + failed == r->ntests);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!claims[0])
        load_claims();
    rcm_payer_rules *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_payer_rules_parse(&r, (const char *)data, size, "fuzz.rules", NULL, &err);
    if (rc < 0) {
        CHECK(r == NULL);
        CHECK(rc == RCM_EFORMAT || rc == RCM_ELIMIT || rc == RCM_ENOMEM);
        CHECK(err.code == rc && err.msg[0]);
        CHECK(rc != RCM_EFORMAT || (err.line >= 1 && err.source && strcmp(err.source, "fuzz.rules") == 0));
        return 0;
    }
    CHECK(r != NULL);
    exercise(r);
    rcm_payer_rules_free(r);
    return 0;
}
