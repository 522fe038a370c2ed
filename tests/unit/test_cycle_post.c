/*
 * Posting an 835 (rcm_era_post): full payments with contractual and patient
 * shares, coder and biller denials with their work items and appeal dates,
 * underpayments against the contract, reversals then new adjudications,
 * reversed denials resolved, claim-level adjustments, PLBs, unmatched
 * claims, a replaced claim's balance moved on to its replacement, the
 * practice's own routing table, and the refusals: an unbalanced or
 * unreadable file writes nothing, and the same payment is never posted
 * twice. The ledger reconciles after every posting.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "post_fixture.h"

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_post, .init = setup, .fini = teardown);

#define NM1 "NM1*QC*1*TESTER*PAT~"

/* 99213 at 150.00, MCR's contract 92.50: paid 74.00, CO-45 57.50, PR-2 18.50. */
#define PAY_C1 "CLP*C000000001*1*150*74*18.5*MB*ICN1~" NM1 "SVC*HC:99213*150*74~DTM*472*20220615~" \
               "CAS*CO*45*57.5~CAS*PR*2*18.5~AMT*B6*92.5~"

static int64_t q(const char *sql) { return cyfx_int(&f, sql); }

static rcm_date day(const char *iso)
{
    rcm_date d;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c(iso)), 0);
    return d;
}

Test(cycle_post, full_payment_contractual_and_coinsurance)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1), &r);
    cr_assert_eq(r.already, 0);
    cr_assert_eq(r.sets, 1);
    cr_assert_eq(r.claims, 1);
    cr_assert_eq(r.matched, 1);
    cr_assert_eq(r.unmatched, 0);
    cr_assert_eq(r.lines, 1);
    cr_assert_eq(r.paid_cents, 7400);
    cr_assert_eq(r.adjusted_cents, 5750);
    cr_assert_eq(r.patient_cents, 1850);
    cr_assert_eq(r.denied_cents, 0);
    cr_assert_eq(r.denials, 0, "CO-45 and PR-2 are not denials");
    cr_assert_eq(r.underpaid, 0, "paid + patient share = the contract's 92.50");
    cr_assert_eq(r.work_items, 0);
    /* the claim: paid, the payer owes nothing, the patient 18.50 */
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || first_835 || ' ' || payer_icn FROM claim"),
                     "paid paid ICN1");
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000001", "patient"), 1850);
    /* the rows: a payment, a contractual adjustment, a transfer pair to the patient */
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(kind || ':' || group_code || carc || ':' || amount_cents"
                                   " || ':' || COALESCE(payer_id, 'pt'), ' ') FROM"
                                   " (SELECT * FROM ledger WHERE kind <> 'charge' ORDER BY entry_id)"),
                     "payment::-7400:1 adjustment:CO45:-5750:1 transfer:PR2:-1850:1 transfer:PR2:1850:pt");
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE effective = (SELECT payment_date FROM remit)"
                   " AND kind <> 'charge'"), 4);
    /* the remittance as recorded */
    cr_assert_str_eq(cyfx_text(&f, "SELECT trace_payer || ' ' || trace || ' ' || payment_cents || ' ' || method"
                                   " || ' ' || claims || ' ' || plb_cents FROM remit"),
                     "1234567890 TRACE-A 7400 CHK 1 0");
    cr_assert_eq(q("SELECT payer_id FROM remit"), cyfx_payer(&f, "MCR"));
    cr_assert_eq(q("SELECT payment_date FROM remit"), day("2022-07-05"));
    cr_assert_str_eq(cyfx_text(&f, "SELECT line_no || ' ' || code || ' ' || paid_cents || ' ' || allowed_cents"
                                   " || ' ' || expected_cents FROM remit_line"),
                     "1 99213 7400 9250 9250");
    cr_assert_eq(q("SELECT count(*) FROM x12_file WHERE kind = '835' AND direction = 'in'"), 1);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'post' AND entity = 'remit'"), 1,
                 "one audit event per remittance, not per row");
}

Test(cycle_post, coder_and_biller_denials_make_one_work_item_per_claim_and_queue)
{
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00;36415:15.00;93000:45.00");
    pfx_claim(&f, "C000000003", "ENC-3", "MCR", "99214:215.00");
    const char *body =
        /* line 1 paid; lines 2 and 3 bundled (CO-97, coder) */
        "CLP*C000000002*1*210*74*18.5*MB*ICN2~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~"
        "SVC*HC:36415*15*0~CAS*CO*97*15~LQ*HE*N19~SVC*HC:93000*45*0~CAS*CO*97*45~"
        /* the whole claim after coverage ended (CO-27, biller) */
        "CLP*C000000003*4*215*0**MB*ICN3~" NM1 "CAS*CO*27*215~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-D", "74", body), &r);
    cr_assert_eq(r.denials, 3);
    cr_assert_eq(r.denied_cents, 1500 + 4500 + 21500);
    cr_assert_eq(r.work_items, 2, "one coder item for C2 (two lines), one biller item for C3");
    cr_assert_eq(r.underpaid, 0, "a denied line is a denial, not an underpayment");
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(c.claim_no || ':' || d.line_no || ':' || d.group_code"
                                   " || d.carc || ':' || d.rarc || ':' || d.route || ':' || d.root || ':' || d.status,"
                                   " ' ') FROM (SELECT * FROM denial ORDER BY denial_id) d"
                                   " JOIN claim c ON c.claim_id = d.claim_id"),
                     "C000000002:2:CO97:N19:coder:bundling:open C000000002:3:CO97::coder:bundling:open "
                     "C000000003:0:CO27::biller:eligibility:open");
    /* work items: the appeal deadline is the payment date plus MCR's 120 days */
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(w.queue || ':' || w.kind || ':' || c.claim_no || ':' ||"
                                   " w.amount_cents || ':' || w.summary, ' | ') FROM"
                                   " (SELECT * FROM work_item ORDER BY item_id) w"
                                   " JOIN claim c ON c.claim_id = w.claim_id"),
                     "coder:denial:C000000002:6000:claim C000000002 denied: CO-97/N19 CO-97 | "
                     "biller:denial:C000000003:21500:claim C000000003 denied: CO-27");
    cr_assert_eq(q("SELECT MIN(due) FROM work_item"), day("2022-07-05") + 120);
    cr_assert_eq(q("SELECT MAX(due) FROM work_item"), day("2022-07-05") + 120);
    cr_assert_eq(q("SELECT count(*) FROM work_item WHERE denial_id IS NULL OR remit_claim_id IS NULL"), 0);
    /* denied amounts stay open on the payer: no adjustment, no transfer for them */
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 6000);
    cr_assert_eq(pfx_balance(&f, "C000000003", "payer"), 21500);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE carc IN ('97', '27')"), 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(claim_no || ':' || status || ':' || first_835, ' ')"
                                   " FROM (SELECT * FROM claim ORDER BY claim_id)"),
                     "C000000002:partial:partial C000000003:denied:denied");
}

Test(cycle_post, remark_codes_decide_carc_16)
{
    pfx_claim(&f, "C000000004", "ENC-4", "MCR", "99213:150.00");
    pfx_claim(&f, "C000000005", "ENC-5", "MCR", "99213:150.00");
    const char *body = "CLP*C000000004*4*150*0**MB*ICN4~" NM1 "MOA***M76~CAS*CO*16*150~"
                       "CLP*C000000005*4*150*0**MB*ICN5~" NM1 "MOA***MA130~CAS*CO*16*150~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-16", "0", body), &r);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(rarc || ':' || route || ':' || root, ' ') FROM"
                                   " (SELECT * FROM denial ORDER BY denial_id)"),
                     "M76:coder:dx-mismatch MA130:biller:missing-info");
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(queue, ' ') FROM (SELECT * FROM work_item ORDER BY item_id)"),
                     "coder biller");
}

Test(cycle_post, underpayment_against_the_contract)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    /* the payer allowed 80.00 where the contract says 92.50 */
    const char *body = "CLP*C000000001*1*150*64*16*MB*ICN1~" NM1 "SVC*HC:99213*150*64~CAS*CO*45*70~CAS*PR*2*16~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-U", "64", body), &r);
    cr_assert_eq(r.underpaid, 1);
    cr_assert_eq(r.denials, 0);
    cr_assert_eq(r.work_items, 1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT queue || ':' || kind || ':' || amount_cents || ':' || summary"
                                   " FROM work_item"),
                     "biller:underpayment:1250:claim C000000001 paid below contract: 1 line(s), 12.50 short"
                     " (first 99213)");
    cr_assert_eq(q("SELECT expected_cents FROM remit_line"), 9250);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM claim"), "paid");
}

Test(cycle_post, no_underpayment_without_a_contract_or_for_sequestration)
{
    /* AETNA has no contract fees; MCR's sequestration (CO-253) is a documented reduction */
    pfx_claim(&f, "C000000001", "ENC-1", "AETNA", "99213:150.00");
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00");
    const char *body = "CLP*C000000001*1*150*50**HM*ICN1~" NM1 "SVC*HC:99213*150*50~CAS*CO*45*100~"
                       "CLP*C000000002*1*150*72.52*18.5*MB*ICN2~" NM1
                       "SVC*HC:99213*150*72.52~CAS*CO*45*57.5~CAS*PR*2*18.5~CAS*CO*253*1.48~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-N", "122.52", body), &r);
    cr_assert_eq(r.underpaid, 0);
    cr_assert_eq(r.work_items, 0);
    cr_assert_eq(q("SELECT count(*) FROM remit_line WHERE expected_cents IS NULL"), 1, "AETNA: no contract");
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 0);
}

Test(cycle_post, claim_level_adjustments_of_paid_lines)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    /* the line paid 74.00; sequestration 1.48 taken at the claim: CLP04 72.52 */
    const char *body = "CLP*C000000001*1*150*72.52*18.5*MB*ICN1~" NM1 "CAS*CO*253*1.48~"
                       "SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-S", "72.52", body), &r);
    cr_assert_eq(r.adjusted_cents, 5750 + 148);
    cr_assert_eq(q("SELECT -SUM(amount_cents) FROM ledger WHERE kind = 'payment'"), 7252);
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000001", "patient"), 1850);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'adjustment' AND carc = '253' AND line_no = 0"), 1);
}

Test(cycle_post, claim_without_lines)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *body = "CLP*C000000001*1*150*74*18.5*MB*ICN1~" NM1 "CAS*CO*45*57.5~CAS*PR*2*18.5~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-L", "74", body), &r);
    cr_assert_eq(r.lines, 0);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind <> 'charge' AND line_no <> 0"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 1850);
}

Test(cycle_post, lines_matched_by_control_number_code_or_position)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00;36415:15.00;93000:45.00;36415-QW:15.00");
    const char *body = "CLP*C000000001*1*225*80*0*MB*ICN1~" NM1
                       /* REF*6R names line 3 */
                       "SVC*HC:93000*45*17~CAS*CO*45*28~REF*6R*C000000001-3~"
                       /* code and modifier: the second 36415 line, QW */
                       "SVC*HC:36415:QW*15*3~CAS*CO*45*12~"
                       /* the payer changed the code: SVC06 says it was billed as 99213 */
                       "SVC*HC:99212*150*57**1*HC:99213~CAS*CO*45*93~"
                       /* plain 36415: line 2 */
                       "SVC*HC:36415*15*3~CAS*CO*45*12~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-M", "80", body), &r);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(seq || '>' || line_no, ' ') FROM"
                                   " (SELECT * FROM remit_line ORDER BY seq)"),
                     "1>3 2>4 3>1 4>2");
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'payment' AND line_no = 0"), 0);
}

Test(cycle_post, reversal_negates_rows_then_new_payment)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1), &r);
    int64_t first_rows = q("SELECT count(*) FROM ledger WHERE kind <> 'charge'");
    const char *body = "CLP*C000000001*22*-150*-74*-18.5*MB*ICN1~" NM1
                       "SVC*HC:99213*-150*-74~CAS*CO*45*-57.5~CAS*PR*2*-18.5~"
                       "CLP*C000000001*1*150*80*20*MB*ICN1B~" NM1 "SVC*HC:99213*150*80~CAS*CO*45*50~CAS*PR*2*20~";
    pfx_post_ok(&f, pfx_835(&f, "TRACE-B", "6", body), &r);
    cr_assert_eq(r.claims, 2);
    cr_assert_eq(r.reversals, 1);
    cr_assert_eq(r.paid_cents, 600);
    /* every row of the first posting negated exactly once, nothing else reversed */
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'reversal'"), first_rows);
    cr_assert_eq(q("SELECT count(*) FROM ledger l JOIN ledger t ON t.entry_id = l.reverses"
                   " WHERE t.amount_cents = -l.amount_cents AND t.remit_id = 1 AND l.remit_id = 2"),
                 first_rows);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE reverses IS NOT NULL AND kind <> 'reversal'"), 0);
    cr_assert_eq(q("SELECT count(*) FROM ledger t WHERE t.kind = 'charge' AND EXISTS"
                   " (SELECT 1 FROM ledger l WHERE l.reverses = t.entry_id)"),
                 0, "charges are never reversed by a remittance");
    /* the new adjudication stands alone */
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000001", "patient"), 2000);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || first_835 || ' ' || payer_icn FROM claim"),
                     "paid paid ICN1B");
    cr_assert_eq(q("SELECT count(*) FROM remit_claim WHERE status = '22' AND claim_id IS NOT NULL"), 1);
}

Test(cycle_post, reversal_alone_reopens_the_claim_and_resolves_its_denials)
{
    pfx_claim(&f, "C000000004", "ENC-4", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "0", "CLP*C000000004*4*150*0**MB*ICN4~" NM1 "MOA***M76~CAS*CO*16*150~"),
                &r);
    cr_assert_eq(q("SELECT count(*) FROM work_item WHERE status = 'open' AND queue = 'coder'"), 1);
    pfx_post_ok(&f, pfx_835(&f, "TRACE-B", "0", "CLP*C000000004*22*-150*0**MB*ICN4~" NM1 "CAS*CO*16*-150~"), &r);
    cr_assert_eq(r.reversals, 1);
    cr_assert_eq(r.denials, 0, "a reversal is not routed again");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || resolved_by FROM denial"), "resolved tester");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || closed_by FROM work_item"), "done tester");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || first_835 FROM claim"), "accepted denied");
    cr_assert_eq(pfx_balance(&f, "C000000004", "payer"), 15000);
}

Test(cycle_post, reversal_with_nothing_to_reverse_goes_to_the_poster)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *body = "CLP*C000000001*22*-150*-74*-18.5*MB*ICN1~" NM1
                       "SVC*HC:99213*-150*-74~CAS*CO*45*-57.5~CAS*PR*2*-18.5~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-R", "-74", body), &r);
    cr_assert_eq(r.reversals, 0);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind <> 'charge'"), 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT queue || ':' || kind || ':' || amount_cents FROM work_item"),
                     "poster:unmatched:-7400");
}

Test(cycle_post, reversal_found_by_payer_claim_number)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1), &r);
    /* the payer lost our claim number: CLP01 is its own, CLP07 the ICN it gave */
    const char *body = "CLP*XYZ*22*-150*-74*-18.5*MB*ICN1~" NM1 "CAS*CO*45*-57.5~CAS*PR*2*-18.5~";
    pfx_post_ok(&f, pfx_835(&f, "TRACE-B", "-74", body), &r);
    cr_assert_eq(r.matched, 1);
    cr_assert_eq(r.reversals, 1);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 15000);
}

Test(cycle_post, provider_level_adjustments_are_recorded_not_posted_to_claims)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    /* an overpayment recovery withheld (WO, +25.00) and interest paid (L6, -3.50) */
    const char *body = PAY_C1 "PLB*1234567893*20221231*WO:ICN9*25*L6:INT*-3.5~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-P", "52.5", body), &r);
    cr_assert_eq(r.plb_cents, 2150);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(seq || ':' || reason || ':' || ref || ':' || amount_cents,"
                                   " ' ') FROM (SELECT * FROM remit_plb ORDER BY seq)"),
                     "1:WO:ICN9:2500 2:L6:INT:-350");
    cr_assert_eq(q("SELECT plb_cents FROM remit"), 2150);
    cr_assert_eq(q("SELECT payment_cents FROM remit"), 5250);
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0, "the PLB is not claim AR");
}

Test(cycle_post, unmatched_claims_go_to_the_poster_never_dropped)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *body = PAY_C1 "CLP*ZZ999*1*100*60**MB*ICNX~NM1*QC*1*NOBODY*X~CAS*CO*45*40~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-X", "134", body), &r);
    cr_assert_eq(r.claims, 2);
    cr_assert_eq(r.matched, 1);
    cr_assert_eq(r.unmatched, 1);
    cr_assert_eq(r.paid_cents, 13400);
    cr_assert_str_eq(cyfx_text(&f, "SELECT clp01 || ':' || paid_cents FROM remit_claim WHERE claim_id IS NULL"),
                     "ZZ999:6000");
    cr_assert_str_eq(cyfx_text(&f, "SELECT queue || ':' || kind || ':' || amount_cents || ':' ||"
                                   " COALESCE(claim_id, 0) || ':' || summary FROM work_item"),
                     "poster:unmatched:6000:0:CLP01 ZZ999 ICN ICNX status 1: no claim has this number");
    cr_assert_eq(q("SELECT count(*) FROM ledger l JOIN remit_claim rc ON rc.remit_claim_id = l.remit_claim_id"
                   " WHERE rc.claim_id IS NULL"),
                 0);
    cr_assert_eq(q("SELECT count(*) FROM remit_line rl JOIN remit_claim rc ON rc.remit_claim_id ="
                   " rl.remit_claim_id WHERE rc.claim_id IS NULL"),
                 0);
}

Test(cycle_post, unbalanced_file_is_refused_with_nothing_written)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00");
    /* the first claim is fine; the second's line misses its PR-2: 150 - 57.50 is not 74 */
    const char *body = PAY_C1 "CLP*C000000002*1*150*74*18.5*MB*ICN2~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~";
    const char *before = pfx_counts(&f);
    rcm_post_report r;
    int rc = pfx_post(&f, pfx_835(&f, "TRACE-BAD", "148", body), &r);
    cr_assert_eq(rc, RCM_EBALANCE, "%d %s", rc, f.err.msg);
    cr_assert_str_eq(pfx_counts(&f), before);
    /* located at the SVC: ISA GS ST BPR TRN DTM N1 N1 LX, C1: CLP NM1 SVC DTM CAS CAS AMT, C2: CLP NM1 SVC */
    cr_assert_eq(f.err.segment, 19, "%ld: %s", f.err.segment, f.err.msg);
    cr_assert_eq(f.err.line, 19);
    cr_assert_not_null(strstr(f.err.msg, "does not balance"), "%s", f.err.msg);
    cr_assert_not_null(strstr(f.err.msg, "nothing posted"), "%s", f.err.msg);
    cr_assert_not_null(strstr(f.err.msg, "'SVC'"), "%s", f.err.msg);
    cr_assert_eq(r.claims, 0);
    pfx_ledger_ok(&f);
}

Test(cycle_post, payment_total_off_is_refused)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *before = pfx_counts(&f);
    int rc = pfx_post(&f, pfx_835(&f, "TRACE-BPR", "75", PAY_C1), NULL);
    cr_assert_eq(rc, RCM_EBALANCE);
    cr_assert_not_null(strstr(f.err.msg, "BPR02"), "%s", f.err.msg);
    cr_assert_str_eq(pfx_counts(&f), before);
}

Test(cycle_post, cut_short_and_unreadable_files_are_refused)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *before = pfx_counts(&f);
    char path[320];
    snprintf(path, sizeof(path), "%s/not.835", f.dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("this is not X12\n", fp);
    fclose(fp);
    int rc = pfx_post(&f, path, NULL);
    cr_assert(rc == RCM_EFORMAT || rc == RCM_ESYNTAX, "%d %s", rc, f.err.msg);
    /* the same 835 without its SE, GE and IEA */
    const char *good = pfx_835(&f, "TRACE-CUT", "74", PAY_C1);
    char text[8192];
    fp = fopen(good, "r");
    cr_assert_not_null(fp);
    size_t len = fread(text, 1, sizeof(text) - 1, fp);
    fclose(fp);
    text[len] = '\0';
    char *se = strstr(text, "SE*");
    cr_assert_not_null(se);
    *se = '\0';
    snprintf(path, sizeof(path), "%s/cut.835", f.dir);
    fp = fopen(path, "w");
    fputs(text, fp);
    fclose(fp);
    rc = pfx_post(&f, path, NULL);
    cr_assert_lt(rc, 0);
    cr_assert_str_eq(pfx_counts(&f), before);
    rc = pfx_post(&f, "no-such-file.835", NULL);
    cr_assert_eq(rc, RCM_EIO);
    cr_assert_str_eq(pfx_counts(&f), before);
}

Test(cycle_post, same_payment_twice_posts_nothing_the_second_time)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    const char *path = pfx_835(&f, "TRACE-A", "74", PAY_C1);
    rcm_post_report r;
    pfx_post_ok(&f, path, &r);
    const char *after = pfx_counts(&f);
    pfx_post_ok(&f, path, &r);
    cr_assert_eq(r.already, 1);
    cr_assert_eq(r.skipped, 1);
    cr_assert_eq(r.claims, 0);
    cr_assert_str_eq(pfx_counts(&f), after);
    /* the same payment in another file (other bytes, same TRN02 and payer) */
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1 "PLB*1234567893*20221231*L6:INT*0~"), &r);
    cr_assert_eq(r.already, 1);
    cr_assert_str_eq(pfx_counts(&f), after);
}

Test(cycle_post, a_file_with_one_new_set_posts_only_that_one)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1), &r);
    const char *c2 = "CLP*C000000002*1*150*74*18.5*MB*ICN2~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~";
    pfx_post_ok(&f, pfx_835_two(&f, "TRACE-A", "74", PAY_C1, "TRACE-C", "74", c2), &r);
    cr_assert_eq(r.already, 0);
    cr_assert_eq(r.sets, 2);
    cr_assert_eq(r.skipped, 1);
    cr_assert_eq(r.claims, 1);
    cr_assert_eq(q("SELECT count(*) FROM remit"), 2);
    cr_assert_eq(pfx_balance(&f, "C000000001", "patient"), 1850, "C1 not posted twice");
    cr_assert_eq(pfx_balance(&f, "C000000002", "patient"), 1850);
}

Test(cycle_post, replaced_claim_forwards_what_is_posted_to_it)
{
    int64_t c1 = pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", PAY_C1), &r);
    /* a corrected claim replaces C1 and takes its open balance (as the denial step does) */
    char sql[2048];
    snprintf(sql, sizeof(sql),
             "INSERT INTO claim SELECT claim_id + 100, practice_id, 'C000000101', encounter_id, patient_id,"
             " provider_id, coverage_id, payer_id, seq, kind, '7', claim_id, NULL, payer_icn, '', 'submitted',"
             " charge_cents, dos_from, dos_to, 0, coded_by, created_at, created_by, NULL, NULL, NULL, 0, NULL,"
             " NULL, '', '' FROM claim WHERE claim_id = %lld;"
             "INSERT INTO claim_line SELECT claim_id + 100, line_no, code, mod1, mod2, mod3, mod4, units_milli,"
             " charge_cents, ptr1, ptr2, ptr3, ptr4, dos, rev_code FROM claim_line WHERE claim_id = %lld;"
             "UPDATE claim SET status = 'replaced' WHERE claim_id = %lld;"
             "INSERT INTO ledger SELECT (SELECT MAX(entry_id) FROM ledger) + 1, practice_id, claim_id, 0, patient_id,"
             " NULL, 'transfer', '', '', -1850, NULL, NULL, NULL, effective, at, user_name, '' FROM ledger"
             " WHERE claim_id = %lld AND kind = 'charge';"
             "INSERT INTO ledger SELECT (SELECT MAX(entry_id) FROM ledger) + 1, practice_id, %lld + 100, 0,"
             " patient_id, NULL, 'transfer', '', '', 1850, NULL, NULL, NULL, effective, at, user_name, ''"
             " FROM ledger WHERE claim_id = %lld AND kind = 'charge';",
             (long long)c1, (long long)c1, (long long)c1, (long long)c1, (long long)c1, (long long)c1);
    cyfx_exec(&f, sql);
    pfx_ledger_ok(&f);
    /* the payer takes its payment of C1 back */
    const char *body = "CLP*C000000001*22*-150*-74*-18.5*MB*ICN1~" NM1
                       "SVC*HC:99213*-150*-74~CAS*CO*45*-57.5~CAS*PR*2*-18.5~";
    pfx_post_ok(&f, pfx_835(&f, "TRACE-B", "-74", body), &r);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0, "a replaced claim carries no balance");
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000101", "payer"), 15000, "the whole charge is open again, on the replacement");
    cr_assert_eq(pfx_balance(&f, "C000000101", "patient"), 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM claim WHERE claim_no = 'C000000001'"), "replaced");
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE memo = 'from replaced claim C000000001'"), 2);
}

Test(cycle_post, practice_routing_table_changes_the_queue)
{
    pfx_claim(&f, "C000000002", "ENC-2", "MCR", "99213:150.00;36415:15.00");
    char path[320];
    snprintf(path, sizeof(path), "%s/routes.csv", f.dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("group,carc,rarc,route,root,denial,note\n,,,biller,other,1,anything else\n"
          "CO,45,,auto,contractual,0,\nPR,2,,patient,patient-share,0,\n"
          "CO,97,,biller,bundling,1,\"this payer bundles wrongly, the biller appeals\"\n",
          fp);
    fclose(fp);
    long rows = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_routes_load(f.cy, path, &rows, &err), 0, "%s", err.msg);
    cr_assert_eq(rows, 4);
    const char *body = "CLP*C000000002*1*165*74*18.5*MB*ICN2~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~"
                       "CAS*PR*2*18.5~SVC*HC:36415*15*0~CAS*CO*97*15~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-R", "74", body), &r);
    cr_assert_str_eq(cyfx_text(&f, "SELECT route || ':' || root FROM denial"), "biller:bundling");
    cr_assert_str_eq(cyfx_text(&f, "SELECT queue FROM work_item"), "biller");
}

Test(cycle_post, patient_liable_denials_are_transferred_and_settled)
{
    pfx_claim(&f, "C000000001", "ENC-1", "MCR", "99213:150.00");
    /* not covered, the patient signed a waiver: PR-96 */
    const char *body = "CLP*C000000001*1*150*0*150*MB*ICN1~" NM1 "SVC*HC:99213*150*0~CAS*PR*96*150~";
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-W", "0", body), &r);
    cr_assert_eq(r.patient_cents, 15000);
    cr_assert_eq(r.denied_cents, 0);
    cr_assert_eq(r.work_items, 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT route || ':' || status FROM denial"), "patient:resolved");
    cr_assert_eq(pfx_balance(&f, "C000000001", "patient"), 15000);
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
}

Test(cycle_post, many_claims_read_at_once_match_as_one_by_one)
{
    /* 70 claims: posting reads the claims numbered within the file's CLP01s in one query */
    rcm_buf body;
    rcm_buf_init(&body, (size_t)1 << 20);
    for (int i = 1; i <= 70; i++) {
        char no[16], enc[16];
        snprintf(no, sizeof(no), "C%09d", i);
        snprintf(enc, sizeof(enc), "ENC-%d", i);
        pfx_claim(&f, no, enc, "MCR", i % 2 ? "99213:150.00" : "99213:150.00;36415:15.00");
        if (i == 7)
            continue; /* not in this 835 */
        if (i % 2)
            rcm_buf_addf(&body, "CLP*%s*1*150*74*18.5*MB*ICN%d~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~"
                                "CAS*PR*2*18.5~", no, i);
        else
            rcm_buf_addf(&body, "CLP*%s*1*165*77*18.5*MB*ICN%d~" NM1 "SVC*HC:99213*150*74~CAS*CO*45*57.5~"
                                "CAS*PR*2*18.5~SVC*HC:36415*15*3~CAS*CO*45*12~", no, i);
    }
    /* a number within the range that is no claim's */
    rcm_buf_adds(&body, "CLP*C000000050A*1*100*60**MB*ICNX~NM1*QC*1*NOBODY*X~CAS*CO*45*40~");
    cr_assert(!rcm_buf_failed(&body));
    /* 35 odd claims less C7 pay 74.00, 35 even ones 77.00, the unmatched one 60.00 */
    char pay[32];
    snprintf(pay, sizeof(pay), "%d", 34 * 74 + 35 * 77 + 60);
    rcm_post_report r;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-MANY", pay, body.ptr), &r);
    rcm_buf_release(&body);
    cr_assert_eq(r.claims, 70);
    cr_assert_eq(r.matched, 69);
    cr_assert_eq(r.unmatched, 1);
    cr_assert_eq(r.lines, 34 + 35 * 2);
    cr_assert_eq(q("SELECT count(*) FROM claim WHERE status = 'paid'"), 69);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM claim WHERE claim_no = 'C000000007'"), "submitted");
    cr_assert_eq(q("SELECT count(*) FROM remit_line WHERE line_no = 0"), 0);
    cr_assert_eq(q("SELECT count(*) FROM remit_claim rc JOIN claim c ON c.claim_id = rc.claim_id"
                   " WHERE c.claim_no <> rc.clp01"),
                 0);
    cr_assert_eq(pfx_balance(&f, "C000000070", "payer"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000070", "patient"), 1850);
}
