/*
 * cycle_metrics: rcm_metrics_get on the worked example of docs/metrics.md
 * (ar_fixture.h, arfx_example), every figure checked against a number added
 * up by hand in the comment above it; grouped by payer, provider and coder;
 * a narrower cohort whose AR is taken at an earlier date; reversals; the
 * empty store and bad queries.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "ar_fixture.h"
#include "../../lib/cycle/ar_internal.h"

static cyfx fx;

static void setup(void) { cyfx_open(&fx); }
static void teardown(void) { cyfx_close(&fx); }

TestSuite(cycle_metrics, .init = setup, .fini = teardown);

static void get(rcm_metrics *m, const char *from, const char *to, int by)
{
    rcm_metrics_query q = { from ? arfx_day(from) : RCM_DATE_NONE, to ? arfx_day(to) : RCM_DATE_NONE, by };
    memset(m, 0, sizeof(*m));
    cr_assert_eq(rcm_metrics_get(fx.cy, &q, m, &fx.err), 0, "%s", fx.err.msg);
}

static const rcm_metrics_row *row(const rcm_metrics *m, const char *key)
{
    for (size_t i = 0; i < m->n_rows; i++)
        if (strcmp(m->rows[i].key, key) == 0)
            return &m->rows[i];
    cr_assert_fail("no row '%s'", key);
    return NULL;
}

static const rcm_metrics_count *count(const rcm_metrics_count *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return &v[i];
    return NULL;
}

Test(cycle_metrics, worked_example_total)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_TOTAL);
    cr_assert_eq(m.n_rows, 1);
    cr_assert_eq(m.period_end, arfx_day("2022-06-30"));
    const rcm_metrics_row *r = row(&m, "total");
    /* originals in June: 1 2 3 4 5 7 8 9 (6 replaces 5, 10 is a secondary, 11 is in March) */
    /* submitted: all but 8 (ready) = 7 */
    cr_assert_eq(r->claims_submitted, 7);
    /* accepted on the first acknowledgment: all 7 but 3 (999 rejected) = 6 */
    cr_assert_eq(r->claims_first_pass_accepted, 6);
    /* clean: those 6 but 2 (a scrubber error at build) = 5; 5 / 7 = 71.428...% -> 7143 bp */
    cr_assert_eq(r->claims_clean, 5);
    cr_assert_eq(r->clean_claim_bp, 7143);
    /* adjudicated (a first 835): 1 2 3 4 5 7 = 6 */
    cr_assert_eq(r->claims_adjudicated, 6);
    /* first 835 paid: 1, 3, 7; 3 was submitted twice, 7 appealed: 1 left; 1 / 6 -> 1667 bp */
    cr_assert_eq(r->claims_first_pass_paid, 1);
    cr_assert_eq(r->first_pass_bp, 1667);
    /* denials on the first 835 counted as denials: 2 (CO-50), 4 (CO-97 line 2), 5 (CO-4); 7's CO-45 is not
       one. 3 / 6 -> 5000 bp; lines 3 */
    cr_assert_eq(r->claims_denied, 3);
    cr_assert_eq(r->lines_denied, 3);
    cr_assert_eq(r->denial_rate_bp, 5000);
    /* adjudicated charges 165.00 + 215.00 + 215.00 + 310.00 + 90.00 + 150.00 = 1145.00;
       denied: 215.00 (2, line 1) + 15.00 (4, line 2) + 90.00 (5, line 1) = 320.00; 320 / 1145 -> 2795 bp */
    cr_assert_eq(r->adjudicated_charges_cents, 114500);
    cr_assert_eq(r->denied_charges_cents, 32000);
    cr_assert_eq(r->denial_dollar_bp, 2795);
    /* gross charges: 165 + 215 + 215 + 310 + 90 + 150 + 255 + 150 = 1550.00 */
    cr_assert_eq(r->gross_charges_cents, 155000);
    /* payer payments: 1: 74.00 + 2.40; 3: 100.00 + 17.60; 4: 164.00; 6 (for 5): 60.00; 7: 60.00;
       10 (for 1): 19.10 = 497.10. Patients: 7: 15.00; 3: 9.40 (on 07-01, after the period: still
       this cohort's money) = 24.40. Payments 521.50 */
    cr_assert_eq(r->payer_payments_cents, 49710);
    cr_assert_eq(r->patient_payments_cents, 2440);
    cr_assert_eq(r->payments_cents, 52150);
    /* contractual (CO-45): 1: 57.50 + 12.00; 3: 45.00 + 23.00; 4: 90.00; 6: 20.00; 7: 75.00 = 322.50 */
    cr_assert_eq(r->contractual_cents, 32250);
    cr_assert_eq(r->writeoff_cents, 0);
    /* net: 521.50 / (1550.00 - 322.50) = 42.4847% -> 4248; gross: 521.50 / 1550.00 = 33.6452% -> 3365 */
    cr_assert_eq(r->net_collection_bp, 4248);
    cr_assert_eq(r->gross_collection_bp, 3365);
    /* AR at 06-30 (rows effective by then): 2: 215.00; 3: 29.40 (the 9.40 came on 07-01); 4: 15.00 + 41.00;
       6: 10.00; 8: 255.00; 9: 150.00; 11: 215.00 = 930.40; 1, 5, 7 and 10 owe nothing */
    cr_assert_eq(r->ar_cents, 93040);
    /* over 90 days: 11 (06-30 - 03-15 = 107 days) = 215.00; 215 / 930.40 = 23.108% -> 2311 */
    cr_assert_eq(r->ar_over_90_cents, 21500);
    cr_assert_eq(r->ar_over_90_bp, 2311);
    /* charges of 04-02..06-30 (the 90 days to the end): the June originals, 1550.00;
       days in AR = 930.40 x 90 / 1550.00 = 54.0232 -> 5402 */
    cr_assert_eq(r->charges_90d_cents, 155000);
    cr_assert_eq(r->days_in_ar_x100, 5402);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, denials_by_root_and_carc)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_TOTAL);
    /* one each: ordered by count, then key */
    cr_assert_eq(m.n_by_root, 3);
    cr_assert_str_eq(m.by_root[0].key, "bundling");
    cr_assert_eq(m.by_root[0].cents, 1500);
    cr_assert_str_eq(m.by_root[1].key, "medical-necessity");
    cr_assert_eq(m.by_root[1].cents, 21500);
    cr_assert_str_eq(m.by_root[2].key, "modifier");
    cr_assert_eq(m.by_root[2].cents, 9000);
    cr_assert_null(count(m.by_root, m.n_by_root, "contractual"), "CO-45 is not a denial");
    cr_assert_eq(m.n_by_carc, 3);
    cr_assert_str_eq(m.by_carc[0].key, "CO-4");
    cr_assert_str_eq(m.by_carc[1].key, "CO-50");
    cr_assert_str_eq(m.by_carc[2].key, "CO-97");
    cr_assert_eq(m.by_carc[1].count, 1);
    cr_assert_null(count(m.by_carc, m.n_by_carc, "CO-45"));
    rcm_metrics_release(&m);
}

Test(cycle_metrics, em_levels_per_provider)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_TOTAL);
    /* OKAFOR: 1 99213, 2 99214, 5 99212, 8 99204, 9 99213; CHEN: 3 99203, 4 99215, 7 99213.
       Not counted: 6 (a replacement, 99212), 11 (March, 99214), 36415 and 93000 (not E/M) */
    static const struct {
        const char *key;
        long n;
    } want[] = {
        { CYFX_NPI2 " 99203", 1 }, { CYFX_NPI2 " 99213", 1 }, { CYFX_NPI2 " 99215", 1 },
        { CYFX_NPI1 " 99204", 1 }, { CYFX_NPI1 " 99212", 1 }, { CYFX_NPI1 " 99213", 2 },
        { CYFX_NPI1 " 99214", 1 },
    };
    cr_assert_eq(m.n_em, (sizeof(want) / sizeof(want[0])));
    for (size_t i = 0; i < (sizeof(want) / sizeof(want[0])); i++) {
        cr_assert_str_eq(m.em[i].key, want[i].key);
        cr_assert_eq(m.em[i].count, want[i].n, "%s", want[i].key);
    }
    cr_assert_null(count(m.em, m.n_em, CYFX_NPI2 " 99214"), "claim 11 is outside the cohort");
    rcm_metrics_release(&m);
}

Test(cycle_metrics, by_payer)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_BY_PAYER);
    cr_assert_eq(m.n_rows, 3);
    cr_assert_str_eq(m.rows[0].key, "AETNA");
    cr_assert_str_eq(m.rows[1].key, "BCBS");
    cr_assert_str_eq(m.rows[2].key, "MCR");
    /* AETNA: claim 5 and its replacement 6: submitted 1, clean 1, adjudicated 1, denied 1;
       charges 90.00, payments 60.00 (by 6), contractual 20.00: net 60 / 70 -> 8571; AR 10.00 (6's patient) */
    const rcm_metrics_row *a = row(&m, "AETNA");
    cr_assert_eq(a->claims_submitted, 1);
    cr_assert_eq(a->clean_claim_bp, 10000);
    cr_assert_eq(a->denial_rate_bp, 10000);
    cr_assert_eq(a->first_pass_bp, 0);
    cr_assert_eq(a->gross_charges_cents, 9000);
    cr_assert_eq(a->payments_cents, 6000);
    cr_assert_eq(a->net_collection_bp, 8571);
    cr_assert_eq(a->ar_cents, 1000);
    /* BCBS: 3 4 9: submitted 3, clean 2 (3 rejected) -> 6667; adjudicated 2 (3, 4), first pass 0,
       denied 1 (4) -> 5000; charges 215 + 310 + 150 = 675.00; payments 117.60 + 9.40 + 164.00 = 291.00;
       contractual 68.00 + 90.00 = 158.00: net 291 / 517 -> 5629; AR 29.40 + 56.00 + 150.00 = 235.40.
       The secondary claim 10 goes with claim 1 (MCR), not here */
    const rcm_metrics_row *b = row(&m, "BCBS");
    cr_assert_eq(b->claims_submitted, 3);
    cr_assert_eq(b->clean_claim_bp, 6667);
    cr_assert_eq(b->claims_adjudicated, 2);
    cr_assert_eq(b->first_pass_bp, 0);
    cr_assert_eq(b->denial_rate_bp, 5000);
    cr_assert_eq(b->gross_charges_cents, 67500);
    cr_assert_eq(b->payments_cents, 29100);
    cr_assert_eq(b->net_collection_bp, 5629);
    cr_assert_eq(b->ar_cents, 23540);
    /* MCR: 1 (+10) 2 7 8; 11 adds AR only: submitted 3, clean 2 -> 6667, adjudicated 3, first pass 1 -> 3333,
       denied 1 -> 3333; charges 165 + 215 + 150 + 255 = 785.00; payments 76.40 + 19.10 + 60.00 + 15.00 =
       170.50; contractual 69.50 + 75.00 = 144.50: net 170.50 / 640.50 -> 2662;
       AR 215.00 + 255.00 + 215.00 = 685.00, over 90: 215.00 */
    const rcm_metrics_row *c = row(&m, "MCR");
    cr_assert_eq(c->claims_submitted, 3);
    cr_assert_eq(c->clean_claim_bp, 6667);
    cr_assert_eq(c->first_pass_bp, 3333);
    cr_assert_eq(c->denial_rate_bp, 3333);
    cr_assert_eq(c->gross_charges_cents, 78500);
    cr_assert_eq(c->payments_cents, 17050);
    cr_assert_eq(c->net_collection_bp, 2662);
    cr_assert_eq(c->ar_cents, 68500);
    cr_assert_eq(c->ar_over_90_cents, 21500);
    /* the groups add up to the total */
    cr_assert_eq(a->ar_cents + b->ar_cents + c->ar_cents, 93040);
    cr_assert_eq(a->payments_cents + b->payments_cents + c->payments_cents, 52150);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, by_provider_and_coder)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_BY_PROVIDER);
    cr_assert_eq(m.n_rows, 2);
    /* OKAFOR: 1 2 5 8 9 (submitted 1 2 5 9); CHEN: 3 4 7, and 11 for AR */
    cr_assert_eq(row(&m, CYFX_NPI1)->claims_submitted, 4);
    cr_assert_eq(row(&m, CYFX_NPI2)->claims_submitted, 3);
    /* CHEN's AR: 29.40 + 56.00 + 215.00 (11) = 300.40; OKAFOR's: 215.00 + 10.00 + 255.00 + 150.00 = 630.00 */
    cr_assert_eq(row(&m, CYFX_NPI2)->ar_cents, 30040);
    cr_assert_eq(row(&m, CYFX_NPI1)->ar_cents, 63000);
    rcm_metrics_release(&m);
    get(&m, "2022-06-01", "2022-06-30", RCM_METRICS_BY_CODER);
    cr_assert_eq(m.n_rows, 2);
    /* coder1: 1 2 5 8 9 (6, corrected by coder2, counts with its original 5); coder2: 3 4 7 */
    cr_assert_str_eq(m.rows[0].key, "coder1");
    cr_assert_eq(row(&m, "coder1")->claims_submitted, 4);
    cr_assert_eq(row(&m, "coder1")->payments_cents, 7640 + 1910 + 6000);
    cr_assert_eq(row(&m, "coder2")->claims_submitted, 3);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, cohort_and_period_end)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, "2022-06-10", "2022-06-20", RCM_METRICS_TOTAL);
    const rcm_metrics_row *r = row(&m, "total");
    /* originals 3 4 5 7: submitted 4, clean 3 (3 rejected) -> 7500; adjudicated 4, first pass 0;
       denied 4 and 5 -> 5000; denied charges 15.00 + 90.00 of 765.00 -> 1373 */
    cr_assert_eq(r->claims_submitted, 4);
    cr_assert_eq(r->clean_claim_bp, 7500);
    cr_assert_eq(r->first_pass_bp, 0);
    cr_assert_eq(r->denial_rate_bp, 5000);
    cr_assert_eq(r->denial_dollar_bp, 1373);
    /* money of those visits: charges 765.00; payments 117.60 + 9.40 + 164.00 + 60.00 + 60.00 + 15.00 =
       426.00; contractual 68.00 + 90.00 + 20.00 + 75.00 = 253.00: net 426 / 512 -> 8320, gross -> 5569 */
    cr_assert_eq(r->gross_charges_cents, 76500);
    cr_assert_eq(r->payments_cents, 42600);
    cr_assert_eq(r->net_collection_bp, 8320);
    cr_assert_eq(r->gross_collection_bp, 5569);
    /* AR at 06-20 over every claim served by then, rows effective by then: 1: 19.10 (the patient's share,
       before the secondary took it on 06-21); 2: 215.00; 3: 215.00; 4: 310.00; 5: 90.00; 7: 150.00 (paid
       06-24); 11: 215.00 = 1214.10. Over 90: 11 (97 days). Charges of 03-23..06-20: 1145.00;
       days = 1214.10 x 90 / 1145.00 = 95.43 */
    cr_assert_eq(r->ar_cents, 121410);
    cr_assert_eq(r->ar_over_90_cents, 21500);
    cr_assert_eq(r->ar_over_90_bp, 1771);
    cr_assert_eq(r->charges_90d_cents, 114500);
    cr_assert_eq(r->days_in_ar_x100, 9543);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, open_period_is_every_claim)
{
    arfx_example(&fx);
    rcm_metrics m;
    get(&m, NULL, NULL, RCM_METRICS_TOTAL);
    const rcm_metrics_row *r = row(&m, "total");
    /* June's 7 submitted and claim 11; AR at the business date 07-01 takes the 9.40 of 07-01: 921.00 */
    cr_assert_eq(m.period_end, arfx_day(CYFX_TODAY));
    cr_assert_eq(r->claims_submitted, 8);
    cr_assert_eq(r->gross_charges_cents, 155000 + 21500);
    cr_assert_eq(r->ar_cents, 93040 - 940);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, reversal_counts_as_what_it_reverses)
{
    int64_t p = arfx_patient(&fx, "R1", "ROSS", "RAY", "MCR", NULL);
    int64_t e = arfx_encounter(&fx, p, CYFX_NPI1, "2022-06-01");
    int64_t c = ARFX_CLAIM(&fx, .encounter = e, .payer = "MCR", .status = "paid", .submissions = 1,
                           .first_ack = "accepted", .first_835 = "paid");
    arfx_line(&fx, c, 1, "99213", 10000);
    arfx_charges(&fx, c, "MCR", "2022-06-01");
    int64_t pay = arfx_ledger(&fx, c, 1, "MCR", "payment", "", "", -6000, "2022-06-10", 0);
    int64_t adj = arfx_ledger(&fx, c, 1, "MCR", "adjustment", "CO", "45", -4000, "2022-06-10", 0);
    /* the payer takes it all back (CLP02 22): both rows negated */
    arfx_ledger(&fx, c, 1, "MCR", "reversal", "", "", 6000, "2022-06-20", pay);
    arfx_ledger(&fx, c, 1, "MCR", "reversal", "CO", "45", 4000, "2022-06-20", adj);
    rcm_metrics m;
    get(&m, NULL, "2022-06-30", RCM_METRICS_TOTAL);
    const rcm_metrics_row *r = row(&m, "total");
    cr_assert_eq(r->payments_cents, 0);
    cr_assert_eq(r->contractual_cents, 0);
    cr_assert_eq(r->ar_cents, 10000);
    rcm_metrics_release(&m);
    /* AR at 06-15, before the reversal */
    get(&m, NULL, "2022-06-15", RCM_METRICS_TOTAL);
    cr_assert_eq(row(&m, "total")->ar_cents, 0);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, empty_store)
{
    rcm_metrics m;
    get(&m, NULL, NULL, RCM_METRICS_TOTAL);
    cr_assert_eq(m.n_rows, 1);
    const rcm_metrics_row *r = row(&m, "total");
    cr_assert_eq(r->claims_submitted, 0);
    cr_assert_eq(r->clean_claim_bp, -1);
    cr_assert_eq(r->first_pass_bp, -1);
    cr_assert_eq(r->denial_rate_bp, -1);
    cr_assert_eq(r->net_collection_bp, -1);
    cr_assert_eq(r->ar_over_90_bp, -1);
    cr_assert_eq(r->days_in_ar_x100, -1);
    cr_assert_eq(m.n_em + m.n_by_root + m.n_by_carc, 0);
    rcm_metrics_release(&m);
    rcm_metrics_release(&m); /* twice is fine */
    get(&m, NULL, NULL, RCM_METRICS_BY_PAYER);
    cr_assert_eq(m.n_rows, 0);
    rcm_metrics_release(&m);
}

Test(cycle_metrics, bad_queries)
{
    rcm_metrics m;
    rcm_metrics_query q = { arfx_day("2022-06-30"), arfx_day("2022-06-01"), RCM_METRICS_TOTAL };
    cr_assert_eq(rcm_metrics_get(fx.cy, &q, &m, &fx.err), RCM_EINVAL);
    cr_assert_null(m.rows);
    q = (rcm_metrics_query){ RCM_DATE_NONE, RCM_DATE_NONE, 42 };
    cr_assert_eq(rcm_metrics_get(fx.cy, &q, &m, &fx.err), RCM_EINVAL);
    cr_assert(strstr(fx.err.msg, "grouping") != NULL, "%s", fx.err.msg);
}

/* ---- the ledger summary (AR_SUM_SCHEMA) gives the same figures as the whole ledger ---- */

static int has_summary(void)
{
    return cyfx_int(&fx, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ledger_sum'") > 0;
}

static void summary_on(void)
{
    if (!has_summary())
        cyfx_exec(&fx, AR_SUM_SCHEMA);
}

static void summary_off(void)
{
    if (has_summary())
        cyfx_exec(&fx, "DROP TABLE ledger_sum; DROP TABLE ledger_sum_state; DROP INDEX ledger_effective");
}

/* Every figure of every row of a and b are the same. */
static void same_metrics(const rcm_metrics *a, const rcm_metrics *b, const char *what)
{
    cr_assert_eq(a->n_rows, b->n_rows, "%s", what);
    for (size_t i = 0; i < a->n_rows; i++)
        cr_assert_eq(memcmp(&a->rows[i], &b->rows[i], sizeof(a->rows[i])), 0, "%s: row %s", what, a->rows[i].key);
    cr_assert_eq(a->n_by_root, b->n_by_root);
    cr_assert_eq(a->n_em, b->n_em);
}

static void compare_paths(const char *from, const char *to, int by, const char *what)
{
    rcm_metrics slow, fast, again;
    summary_off();
    get(&slow, from, to, by);
    summary_on();
    get(&fast, from, to, by);   /* builds the summary */
    get(&again, from, to, by);  /* reads it */
    same_metrics(&slow, &fast, what);
    same_metrics(&slow, &again, what);
    rcm_metrics_release(&slow);
    rcm_metrics_release(&fast);
    rcm_metrics_release(&again);
}

Test(cycle_metrics, summary_same_figures)
{
    arfx_example(&fx);
    compare_paths(NULL, NULL, RCM_METRICS_TOTAL, "open, total");
    compare_paths(NULL, NULL, RCM_METRICS_BY_PAYER, "open, by payer");
    /* AR at 06-30 while a row is effective 07-01: the summary takes it back out */
    compare_paths("2022-06-01", "2022-06-30", RCM_METRICS_TOTAL, "June");
    compare_paths("2022-06-10", "2022-06-20", RCM_METRICS_BY_CODER, "06-10..06-20 by coder");
    /* the summary holds claim 4: 310.00 charged, 164.00 paid, 90.00 contractual, BCBS 15.00, patient 41.00 */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT charge_cents || ' ' || payer_paid_cents || ' ' || contractual_cents"
                                    " || ' ' || payer_cents || ' ' || patient_cents FROM ledger_sum"
                                    " WHERE claim_id = 4"),
                     "31000 16400 9000 1500 4100");
    int64_t last = cyfx_int(&fx, "SELECT MAX(entry_id) FROM ledger");
    cr_assert_eq(cyfx_int(&fx, "SELECT through_entry FROM ledger_sum_state"), last);
    cr_assert_eq(cyfx_int(&fx, "SELECT max_effective FROM ledger_sum_state"), arfx_day(CYFX_TODAY));
}

Test(cycle_metrics, summary_follows_new_rows)
{
    arfx_example(&fx);
    summary_on();
    rcm_metrics m;
    get(&m, NULL, NULL, RCM_METRICS_TOTAL);
    cr_assert_eq(row(&m, "total")->ar_cents, 92100);
    rcm_metrics_release(&m);
    /* the BCBS denial on claim 4 written off, and its payment reversed (the reversal's target is in the
       summary already: its kind is looked up) */
    arfx_ledger(&fx, 4, 2, "BCBS", "writeoff", "CO", "97", -1500, CYFX_TODAY, 0);
    int64_t pay = cyfx_int(&fx, "SELECT entry_id FROM ledger WHERE claim_id = 4 AND kind = 'payment'");
    arfx_ledger(&fx, 4, 1, "BCBS", "reversal", "", "", 16400, CYFX_TODAY, pay);
    get(&m, NULL, NULL, RCM_METRICS_TOTAL);
    const rcm_metrics_row *r = row(&m, "total");
    /* AR: 921.00 - 15.00 + 164.00 = 1070.00; payments 521.50 - 164.00 = 357.50; written off 15.00 */
    cr_assert_eq(r->ar_cents, 107000);
    cr_assert_eq(r->payments_cents, 35750);
    cr_assert_eq(r->writeoff_cents, 1500);
    rcm_metrics_release(&m);
    cr_assert_eq(cyfx_int(&fx, "SELECT through_entry FROM ledger_sum_state"),
                 cyfx_int(&fx, "SELECT MAX(entry_id) FROM ledger"));
    cr_assert_eq(cyfx_int(&fx, "SELECT payer_paid_cents FROM ledger_sum WHERE claim_id = 4"), 0);
    /* the same from the whole ledger */
    rcm_metrics slow;
    get(&m, NULL, NULL, RCM_METRICS_BY_PROVIDER);
    summary_off();
    get(&slow, NULL, NULL, RCM_METRICS_BY_PROVIDER);
    same_metrics(&slow, &m, "after new rows");
    rcm_metrics_release(&m);
    rcm_metrics_release(&slow);
}

Test(cycle_metrics, summary_of_another_ledger_is_rebuilt)
{
    arfx_example(&fx);
    summary_on();
    /* a summary claiming more rows than the ledger has (a store restored from an older copy) */
    cyfx_exec(&fx, "INSERT INTO ledger_sum_state VALUES (1, 999999, 0);"
                   " INSERT INTO ledger_sum VALUES (1, 1, 1, 1, 1, 1, 1, 1)");
    rcm_metrics m;
    get(&m, NULL, NULL, RCM_METRICS_TOTAL);
    cr_assert_eq(row(&m, "total")->ar_cents, 92100);
    cr_assert_eq(row(&m, "total")->gross_charges_cents, 155000 + 21500);
    rcm_metrics_release(&m);
    cr_assert_eq(cyfx_int(&fx, "SELECT through_entry FROM ledger_sum_state"),
                 cyfx_int(&fx, "SELECT MAX(entry_id) FROM ledger"));
    cr_assert_eq(cyfx_int(&fx, "SELECT charge_cents FROM ledger_sum WHERE claim_id = 1"), 16500);
}
