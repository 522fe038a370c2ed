/*
 * Helpers for the posting and ledger tests (test_cycle_post.c,
 * test_cycle_ledger.c) on top of the cycle fixture (cycle_fixture.h):
 * billed claims written straight into the store (claim, claim lines, one
 * charge row per line: what claims build leaves), small 835 files around
 * a body of CLP/SVC/CAS segments, balances and row counts.
 *
 * The 835s are from MEDICARE PART B (N1*PR ... XV MCRB1, the fixture's MCR),
 * paid on 2022-07-05 (BPR16), TRN03 1234567890.
 */
#ifndef POST_FIXTURE_H
#define POST_FIXTURE_H

#include <stdint.h>
#include "cycle_fixture.h"
#include "rcm/post.h"

#define PFX_PAID "20220705"     /* BPR16 of every 835 written here */

/*
 * A submitted original claim numbered claim_no for a new encounter enc_id
 * (patient MRN-<enc_id>) billed to payer (a code: "MCR"); lines are
 * "CODE[-MOD]:CHARGE" separated by ';' ("99213:150.00;36415-QW:15.00").
 * Returns the claim id (asserts).
 */
int64_t pfx_claim(cyfx *f, const char *claim_no, const char *enc_id, const char *payer, const char *lines);

/*
 * Writes an 835 to a new file in the fixture's folder and returns its path
 * (valid for the next 7 calls): one transaction set with BPR02 = payment,
 * TRN02 = trace, the payer and payee, LX*1, then body (CLP... and PLB
 * segments, each ending in '~').
 */
const char *pfx_835(cyfx *f, const char *trace, const char *payment, const char *body);

/* The same with two transaction sets in one interchange. */
const char *pfx_835_two(cyfx *f, const char *trace1, const char *payment1, const char *body1,
                        const char *trace2, const char *payment2, const char *body2);

/* A claim's balance (cents): party "payer" (every payer), "patient", or "all". */
int64_t pfx_balance(cyfx *f, const char *claim_no, const char *party);

/* Row counts of the tables posting writes: "remit=1 remit_claim=2 ... audit_event=5". */
const char *pfx_counts(cyfx *f);

/* Posts path; returns rc (f->err filled), *rep the report. */
int pfx_post(cyfx *f, const char *path, rcm_post_report *rep);

/* Posts path and asserts it succeeded and the ledger then reconciles. */
void pfx_post_ok(cyfx *f, const char *path, rcm_post_report *rep);

/* Asserts rcm_ledger_check passes. */
void pfx_ledger_ok(cyfx *f);

#endif
