/*
 * The ledger check (rcm_ledger_check): after a day of postings (payments,
 * contractual and patient shares, a denial, a PLB, a reversal and its new
 * adjudication) it reconciles and adds up to hand-computed totals; each
 * kind of tampering done with SQL behind its back is caught by the rule
 * meant for it, named in the first problem. rcm_ledger_rows lists a claim's
 * rows.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "post_fixture.h"

static cyfx f;
static void teardown(void) { cyfx_close(&f); }

#define NM1 "NM1*QC*1*TESTER*PAT~"

/*
 * C1 (99213 150.00) paid 74.00 with CO-45 57.50 and PR-2 18.50, then reversed
 * and paid 80.00 with CO-45 50.00 and PR-2 20.00; C2 (99213 150.00 + 36415
 * 15.00) paid the same on its first line, the second denied CO-97 (open on
 * the payer); a WO PLB of 10.00 withheld.
 */
static void day_of_postings(void)
{
    cyfx_open(&f);
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00;36415:15.00");
    const char *a = "CLP*C000000001*1*150*74*18.5*MB*ICN1~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~"
                    "CLP*C000000002*1*165*74*18.5*MB*ICN2~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~"
                    "CAS*PR*2*18.5~SVC*HC:36415*15*0~CAS*CO*97*15~"
                    "PLB*1234567893*20221231*WO:ICN9*10~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "138", a), &r);
    const char *b = "CLP*C000000001*22*-150*-74*-18.5*MB*ICN1~" NM1
                    "SVC*HC:99213*-150*-74~CAS*CO*45*-57.5~CAS*PR*2*-18.5~"
                    "CLP*C000000001*1*150*80*20*MB*ICN1B~" NM1 "SVC*HC:99213*150*80~CAS*CO*45*50~CAS*PR*2*20~";
    pfx_post_ok(&f, pfx_835(&f, "TRACE-B", "6", b), &r);
}

TestSuite(cycle_ledger, .init = day_of_postings, .fini = teardown);

Test(cycle_ledger, reconciles_to_hand_computed_totals)
{
    rcm_ledger_report lr;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &err), 0, "%s", err.msg);
    cr_assert_eq(lr.problems, 0);
    cr_assert_str_eq(lr.first_problem, "");
    cr_assert_eq(lr.claims, 2);
    cr_assert_eq(lr.remits, 2);
    cr_assert_eq(lr.entries, cyfx_int(&f, "SELECT count(*) FROM ledger"));
    cr_assert_eq(lr.charges_cents, 15000 + 16500);
    cr_assert_eq(lr.payments_cents, 7400 - 7400 + 8000 + 7400, "a reversed payment is not a payment");
    cr_assert_eq(lr.adjustments_cents, 5750 - 5750 + 5000 + 5750);
    cr_assert_eq(lr.writeoffs_cents, 0);
    cr_assert_eq(lr.payer_ar_cents, 1500, "C2's denied 36415");
    cr_assert_eq(lr.patient_ar_cents, 2000 + 1850);
    cr_assert_eq(lr.charges_cents - lr.payments_cents - lr.adjustments_cents,
                 lr.payer_ar_cents + lr.patient_ar_cents);
}

/* Tampers with SQL, then expects the check to fail naming what. */
static void expect_problem(const char *sql, const char *what)
{
    cyfx_exec(&f, sql);
    rcm_ledger_report lr;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &err), RCM_EBALANCE, "tampering not caught: %s", sql);
    cr_assert_geq(lr.problems, 1);
    cr_assert_not_null(strstr(lr.first_problem, what), "first problem '%s', expected '%s'", lr.first_problem, what);
    cr_assert_not_null(strstr(err.msg, what), "%s", err.msg);
}

Test(cycle_ledger, catches_a_charge_that_is_not_the_claims)
{
    expect_problem("UPDATE ledger SET amount_cents = 1400 WHERE kind = 'charge' AND line_no = 2",
                   "claim 'C000000002': charge rows add up to 164.00, its charge is 165.00");
}

Test(cycle_ledger, catches_a_claim_charge_unlike_its_lines)
{
    expect_problem("UPDATE claim_line SET charge_cents = 1600 WHERE line_no = 2",
                   "claim 'C000000002': its charge is 165.00, its lines add up to 166.00");
}

Test(cycle_ledger, catches_charges_on_a_replacement)
{
    expect_problem("UPDATE claim SET freq = '7' WHERE claim_no = 'C000000002'",
                   "claim 'C000000002' is not an original claim");
}

Test(cycle_ledger, catches_a_remittance_that_does_not_add_up)
{
    expect_problem("UPDATE remit SET payment_cents = 13900 WHERE trace = 'TRACE-A'",
                   "remittance 'TRACE-A': claims paid less provider adjustments come to 138.00, its payment is "
                   "139.00");
}

Test(cycle_ledger, catches_a_lost_provider_adjustment)
{
    expect_problem("DELETE FROM remit_plb", "remittance 'TRACE-A': provider adjustments add up to 0.00");
}

Test(cycle_ledger, catches_a_payment_row_unlike_the_clp)
{
    expect_problem("UPDATE ledger SET amount_cents = -7300 WHERE kind = 'payment' AND claim_id ="
                   " (SELECT claim_id FROM claim WHERE claim_no = 'C000000002')",
                   "remitted claim 'C000000002': payment rows add up to 73.00, the payer paid 74.00");
}

Test(cycle_ledger, catches_a_reversal_that_does_not_negate)
{
    expect_problem("UPDATE ledger SET amount_cents = amount_cents + 1 WHERE kind = 'reversal' AND reverses ="
                   " (SELECT entry_id FROM ledger WHERE kind = 'adjustment' ORDER BY entry_id LIMIT 1)",
                   "does not negate the row it reverses");
}

Test(cycle_ledger, catches_a_row_reversed_twice)
{
    expect_problem("INSERT INTO ledger SELECT (SELECT MAX(entry_id) + 1 FROM ledger), practice_id, claim_id,"
                   " line_no, patient_id, payer_id, kind, group_code, carc, amount_cents, remit_id, remit_claim_id,"
                   " reverses, effective, at, user_name, memo FROM ledger WHERE kind = 'reversal'"
                   " AND group_code = 'CO'",
                   "is reversed 2 times");
}

Test(cycle_ledger, catches_half_a_transfer)
{
    expect_problem("DELETE FROM ledger WHERE entry_id = (SELECT MAX(entry_id) FROM ledger WHERE kind = 'transfer')",
                   "do not net to zero");
}

Test(cycle_ledger, catches_a_replaced_claim_with_a_balance)
{
    expect_problem("UPDATE claim SET status = 'replaced' WHERE claim_no = 'C000000002'",
                   "claim 'C000000002' is replaced yet carries a balance of 33.50");
}

Test(cycle_ledger, catches_a_row_of_another_patient)
{
    expect_problem("UPDATE ledger SET patient_id = (SELECT patient_id FROM claim WHERE claim_no = 'C000000001')"
                   " WHERE entry_id = (SELECT MAX(entry_id) FROM ledger WHERE claim_id ="
                   " (SELECT claim_id FROM claim WHERE claim_no = 'C000000002'))",
                   "refers to a missing claim, remittance or remitted claim, or to another patient");
}

Test(cycle_ledger, catches_an_unknown_kind)
{
    expect_problem("INSERT INTO ledger SELECT (SELECT MAX(entry_id) + 1 FROM ledger), practice_id, claim_id, 0,"
                   " patient_id, payer_id, 'gift', '', '', 0, NULL, NULL, NULL, effective, at, user_name, ''"
                   " FROM ledger WHERE kind = 'charge' LIMIT 1",
                   "has an unknown kind");
}

Test(cycle_ledger, rows_of_a_claim_in_order)
{
    rcm_ledger_row *rows = NULL;
    size_t n = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_ledger_rows(f.cy, "C000000001", &rows, &n, &err), 0, "%s", err.msg);
    cr_assert_eq((int64_t)n, cyfx_int(&f, "SELECT count(*) FROM ledger l JOIN claim c ON c.claim_id = l.claim_id"
                                          " WHERE c.claim_no = 'C000000001'"));
    cr_assert_str_eq(rows[0].kind, "charge");
    cr_assert_str_eq(rows[0].party, "MCR");
    cr_assert_eq(rows[0].amount_cents, 15000);
    int64_t total = 0;
    int reversals = 0, patient = 0;
    for (size_t i = 0; i < n; i++) {
        total += rows[i].amount_cents;
        if (i)
            cr_assert_gt(rows[i].entry_id, rows[i - 1].entry_id);
        if (strcmp(rows[i].kind, "reversal") == 0) {
            reversals++;
            cr_assert_neq(rows[i].reverses, 0);
        }
        if (rows[i].payer_id == 0) {
            patient++;
            cr_assert_str_eq(rows[i].party, "patient");
        }
    }
    cr_assert_eq(total, 2000);
    cr_assert_eq(reversals, 4);
    cr_assert_eq(patient, 3, "three patient transfers: 18.50, its reversal, 20.00");
    free(rows);
    /* the rows shown are a read of the claim, found by its patient */
    char want[128];
    snprintf(want, sizeof(want), "read claim 1 1 1 ledger of claim C000000001 rows=%zu", n);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(action || ' ' || entity || ' ' || entity_id || ' ' || claim_id"
                                   " || ' ' || (patient_id = (SELECT patient_id FROM claim WHERE claim_id = 1))"
                                   " || ' ' || detail, '; ') FROM audit_log WHERE action = 'read'"
                                   " AND detail LIKE 'ledger%'"),
                     want);
    cr_assert_eq(rcm_ledger_rows(f.cy, "C999", &rows, &n, &err), RCM_ENOTFOUND);
    cr_assert_eq(n, 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'read' AND detail LIKE 'ledger%'"), 1,
                 "nothing shown, no read");
}
