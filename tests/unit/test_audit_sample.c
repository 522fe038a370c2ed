/*
 * audit_sample: rcm_audit_sample over a universe of "tester"'s claims
 * (cycle fixture): the same seed draws the same claims in the same order and
 * another seed does not; the recorded sample holds its parameters; the
 * strata (em, dollars) get the allocations worked by hand below; n larger
 * than the universe takes every claim; a coder with no claims, bad
 * parameters; separation of duties (the auditor's own coding, an encounter
 * the auditor signed off, a user without audit.coding), each denial an
 * audit_log event and nothing recorded.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "rcm/audit.h"
#include "rcm/auth.h"

/* the claim ids drawn for seed 42, n 5, no strata (see same_seed_same_claims) */
#define PINNED_SEED42 "4 13 15 20 10"

static cyfx fx;

static void setup(void) { cyfx_open(&fx); }
static void teardown(void) { cyfx_close(&fx); }

TestSuite(audit_sample, .init = setup, .fini = teardown);

static rcm_date day(const char *iso)
{
    rcm_date d = RCM_DATE_NONE;
    cr_assert_eq(rcm_date_parse_iso(&d, (rcm_str){ iso, strlen(iso) }), 0, "%s", iso);
    return d;
}

/*
 * The universe, coded by "tester" with dates of service in June 2022:
 *   ENC-01..10  99213 (150.00)     ENC-11..16  99214 (215.00)
 *   ENC-17..19  99215 (295.00)     ENC-20      36415 alone (15.00): no E/M
 * and ENC-21 (99213) served in May, outside the range.
 */
static void universe(void)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 20);
    for (int i = 1; i <= 21; i++) {
        char id[16];
        snprintf(id, sizeof(id), "ENC-%02d", i);
        const char *line = i <= 10 ? "99213" : i <= 16 ? "99214" : i <= 19 ? "99215" : i == 20 ? "36415" : "99213";
        rcm_buf_adds(&b, cyfx_encounter(&fx, id, i == 21 ? "2022-05-02" : "2022-06-15", "MCR", "I10", line));
        rcm_buf_addc(&b, '\n');
    }
    cr_assert(!rcm_buf_failed(&b));
    cyfx_import_ok(&fx, b.ptr);
    rcm_buf_release(&b);
    cr_assert_eq(cyfx_bill(&fx), 0, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM claim WHERE coded_by = 'tester'"), 21);
}

static int draw(rcm_cycle *cy, const char *coder, int n, uint64_t seed, const char *stratify, int64_t *id,
                rcm_audit_sampled **out, size_t *nout)
{
    rcm_audit_sample_spec spec = { coder, day("2022-06-01"), day("2022-06-30"), n, seed, stratify };
    memset(&fx.err, 0, sizeof(fx.err));
    return rcm_audit_sample(cy, &spec, id, out, nout, &fx.err);
}

static size_t in_stratum(const rcm_audit_sampled *v, size_t n, const char *stratum)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += strcmp(v[i].stratum, stratum) == 0;
    return k;
}

Test(audit_sample, same_seed_same_claims)
{
    universe();
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sampled *a = NULL, *b = NULL, *c = NULL;
    size_t na = 0, nb = 0, nc = 0;
    int64_t ida = 0, idb = 0, idc = 0;
    cr_assert_eq(draw(aud, "tester", 5, 42, NULL, &ida, &a, &na), 0, "%s", fx.err.msg);
    cr_assert_eq(draw(aud, "tester", 5, 42, "none", &idb, &b, &nb), 0, "%s", fx.err.msg);
    cr_assert_eq(draw(aud, "tester", 5, 43, NULL, &idc, &c, &nc), 0, "%s", fx.err.msg);
    cr_assert_eq(ida, 1);
    cr_assert_eq(idb, 2);
    cr_assert_eq(idc, 3);
    cr_assert_eq(na, 5);
    cr_assert_eq(nb, 5);
    cr_assert_eq(nc, 5);
    int differs = 0;
    for (size_t i = 0; i < 5; i++) {
        cr_assert_eq(a[i].claim_id, b[i].claim_id, "pick %zu", i + 1);
        cr_assert_str_eq(a[i].claim_no, b[i].claim_no);
        cr_assert_eq(a[i].pick, (int)i + 1);
        cr_assert_str_eq(a[i].stratum, "all");
        differs |= a[i].claim_id != c[i].claim_id;
        /* no claim twice, none from May */
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(a[i].claim_id, a[j].claim_id);
        cr_assert_neq(strcmp(a[i].claim_no, cyfx_text(&fx, "SELECT claim_no FROM claim c JOIN encounter e"
                                                           " USING (encounter_id) WHERE e.ext_id = 'ENC-21'")),
                      0);
    }
    cr_assert(differs, "seed 43 drew the same claims as seed 42");
    /*
     * The draw is pinned: an auditor re-drawing this sample later (another build, another machine) must get
     * these claims in this order. xoshiro256** seeded by splitmix64 from 42, partial Fisher-Yates over the 20
     * claims in claim-id order (checked against an independent implementation of the same algorithm).
     */
    char got[128] = "";
    for (size_t i = 0; i < 5; i++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%lld", i ? " " : "", (long long)a[i].claim_id);
    cr_assert_str_eq(got, PINNED_SEED42, "the draw for seed 42 changed: %s", got);
    /* the record: parameters to draw it again, its claims by pick */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT coder || ' ' || n || ' ' || seed || ' ' || stratify || ' ' || universe"
                                    " || ' ' || created_by FROM audit_sample WHERE sample_id = 1"),
                     "tester 5 42 none 20 auditor1");
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_sample_claim WHERE sample_id = 1"), 5);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT claim_id FROM audit_sample_claim WHERE sample_id = 1 AND pick = 3");
    cr_assert_eq(cyfx_int(&fx, sql), a[2].claim_id);
    /* one event per sample, with the seed and the claims drawn */
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'audit-sample'"), 3);
    const char *detail = cyfx_text(&fx, "SELECT detail FROM audit_log WHERE action = 'audit-sample' AND entity_id = 1");
    cr_assert(strstr(detail, "seed 42") && strstr(detail, "universe 20") && strstr(detail, a[0].claim_no), "%s",
              detail);
    free(a);
    free(b);
    free(c);
}

/*
 * em strata: 99213 10, 99214 6, 99215 3, no-em 1 (20). n 10: 10 x size / 20 = 5, 3, 1.5, 0.5 -> floors
 * 5 3 1 0 (9); the one left goes to the largest remainder, 99215 and no-em tied at 10/20, the larger
 * stratum (99215) wins: 5 3 2 0; no-em is not empty and 10 >= 4 strata, so it takes one from the largest
 * (99213): 4 3 2 1. n 3: 1.5, 0.9, 0.45, 0.15 -> floors 1 0 0 0, the two left to 99214 (0.9) and 99213
 * (0.5): 2 1 0 0 (3 < 4 strata: no minimum).
 */
Test(audit_sample, em_strata)
{
    universe();
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    cr_assert_eq(draw(aud, "tester", 10, 7, "em", &id, &v, &n), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 10);
    cr_assert_eq(in_stratum(v, n, "99213"), 4);
    cr_assert_eq(in_stratum(v, n, "99214"), 3);
    cr_assert_eq(in_stratum(v, n, "99215"), 2);
    cr_assert_eq(in_stratum(v, n, "no-em"), 1);
    /* the strata are drawn in their order: 99213 first, no-em last */
    cr_assert_str_eq(v[0].stratum, "99213");
    cr_assert_str_eq(v[9].stratum, "no-em");
    cr_assert_eq(v[9].charge_cents, 1500);
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(v[i].pick, (int)i + 1);
    free(v);
    cr_assert_eq(draw(aud, "tester", 3, 7, "em", &id, &v, &n), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 3);
    cr_assert_eq(in_stratum(v, n, "99213"), 2);
    cr_assert_eq(in_stratum(v, n, "99214"), 1);
    cr_assert_eq(in_stratum(v, n, "99215"), 0);
    cr_assert_eq(in_stratum(v, n, "no-em"), 0);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT group_concat(stratum || ':' || pick, ' ') FROM"
                                    " (SELECT stratum, pick FROM audit_sample_claim WHERE sample_id = 2 ORDER BY pick)"),
                     "99213:1 99213:2 99214:3");
    free(v);
}

/*
 * dollars: charges sorted 15.00, 150.00 x 10, 215.00 x 6, 295.00 x 3 (20). Nearest-rank quartiles:
 * Q1 = rank 5 = 150.00, Q2 = rank 10 = 150.00, Q3 = rank 15 = 215.00. q1 (<= 150.00) holds 11, q2 none,
 * q3 (<= 215.00) 6, q4 3. n 10: 5.5, 3, 1.5 -> floors 5 3 1; the one left: q1 and q4 tied at 10/20, q1 is
 * larger: 6 3 1.
 */
Test(audit_sample, dollar_strata)
{
    universe();
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    cr_assert_eq(draw(aud, "tester", 10, 99, "dollars", &id, &v, &n), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 10);
    cr_assert_eq(in_stratum(v, n, "q1"), 6);
    cr_assert_eq(in_stratum(v, n, "q2"), 0);
    cr_assert_eq(in_stratum(v, n, "q3"), 3);
    cr_assert_eq(in_stratum(v, n, "q4"), 1);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(v[i].stratum, "q1") == 0)
            cr_assert(v[i].charge_cents <= 15000);
        else if (strcmp(v[i].stratum, "q3") == 0)
            cr_assert_eq(v[i].charge_cents, 21500);
        else
            cr_assert_eq(v[i].charge_cents, 29500);
    }
    free(v);
}

Test(audit_sample, n_larger_than_the_universe_takes_all)
{
    universe();
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    cr_assert_eq(draw(aud, "tester", 50, 1, "em", &id, &v, &n), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 20);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            cr_assert_neq(v[i].claim_id, v[j].claim_id);
    cr_assert_eq(in_stratum(v, n, "99213"), 10);
    cr_assert_eq(in_stratum(v, n, "no-em"), 1);
    /* n is recorded as asked */
    cr_assert_eq(cyfx_int(&fx, "SELECT n FROM audit_sample WHERE sample_id = 1"), 50);
    free(v);
}

Test(audit_sample, no_claims_and_bad_parameters)
{
    universe();
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    cr_assert_eq(draw(aud, "nobody", 5, 1, NULL, &id, &v, &n), RCM_ENOTFOUND);
    cr_assert(strstr(fx.err.msg, "coder 'nobody' has no original claims"), "%s", fx.err.msg);
    cr_assert_null(v);
    cr_assert_eq(n, 0);
    /* tester's claims, but none in July */
    rcm_audit_sample_spec spec = { "tester", day("2022-07-01"), day("2022-07-31"), 5, 1, NULL };
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), RCM_ENOTFOUND);
    spec = (rcm_audit_sample_spec){ "tester", day("2022-06-01"), day("2022-06-30"), 0, 1, NULL };
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), RCM_EINVAL);
    spec = (rcm_audit_sample_spec){ "tester", day("2022-06-30"), day("2022-06-01"), 5, 1, NULL };
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), RCM_EINVAL);
    spec = (rcm_audit_sample_spec){ "tester", day("2022-06-01"), day("2022-06-30"), 5, 1, "payer" };
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), RCM_EINVAL);
    cr_assert(strstr(fx.err.msg, "none, em or dollars"), "%s", fx.err.msg);
    spec = (rcm_audit_sample_spec){ NULL, day("2022-06-01"), day("2022-06-30"), 5, 1, NULL };
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), RCM_EINVAL);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_sample"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'audit-sample'"), 0);
}

Test(audit_sample, separation_of_duties)
{
    universe();
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    int64_t denied = cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'");
    /* tester holds every role and an exception for submitting and posting: auditing their own coding is
       still refused */
    cr_assert_eq(draw(fx.cy, "tester", 5, 1, NULL, &id, &v, &n), RCM_EDENIED);
    cr_assert(strstr(fx.err.msg, "may not audit their own coding"), "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'"), denied + 1);
    /* an auditor who signed off one of tester's encounters may not sample tester's claims */
    rcm_cycle *aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    cyfx_exec(&fx, "UPDATE encounter SET signed_by = 'auditor1' WHERE ext_id = 'ENC-07'");
    cr_assert_eq(draw(aud, "tester", 5, 1, NULL, &id, &v, &n), RCM_EDENIED);
    cr_assert(strstr(fx.err.msg, "user 'auditor1' coded claim C") && strstr(fx.err.msg, "separation of duties"), "%s",
              fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'"), denied + 2);
    cr_assert(strstr(cyfx_text(&fx, "SELECT detail FROM audit_log WHERE action = 'denied' ORDER BY seq DESC LIMIT 1"),
                     "sample of coder tester"));
    /* ENC-07 back to tester; the auditor coded ENC-21, served in May: outside the range, it does not matter */
    cyfx_exec(&fx, "UPDATE encounter SET signed_by = 'tester' WHERE ext_id = 'ENC-07'");
    cyfx_exec(&fx, "UPDATE encounter SET coded_by = 'auditor1' WHERE ext_id = 'ENC-21'");
    cr_assert_eq(draw(aud, "tester", 5, 1, NULL, &id, &v, &n), 0, "%s", fx.err.msg);
    free(v);
    v = NULL;
    /* a coder lacks audit.coding */
    rcm_cycle *coder = cyfx_user(&fx, "coder2", RCM_ROLE_CODER, 0);
    cr_assert_eq(draw(coder, "tester", 5, 1, NULL, &id, &v, &n), RCM_EDENIED);
    cr_assert(strstr(fx.err.msg, "needs the auditor role"), "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'"), denied + 3);
    /* only the one allowed sample was recorded */
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_sample"), 1);
}
