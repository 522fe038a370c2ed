/*
 * The revenue-cycle fixture's coding and claims helpers, on top of
 * cycle_fixture.h: code encounters from their proposals, sign them off and
 * build claims, as a coder and a biller would, asserting (Criterion) on
 * whatever the test did not mean to fail.
 *
 * Typical use:
 *   cyfx f;
 *   cyfx_open(&f);
 *   cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415");
 *   rcm_build_report rep;
 *   cr_assert_eq(cyfx_bill(&f, &rep), 0);
 *   int64_t claim = cyfx_claim_of(&f, "ENC-1");
 */
#ifndef CYCLE_FIXTURE_CLAIMS_H
#define CYCLE_FIXTURE_CLAIMS_H

#include "cycle_fixture.h"
#include "rcm/coding.h"

/*
 * Codes every encounter in status new from its proposal, signs each off (a
 * test failure when assigning or signing fails, with the blocking rules),
 * then builds claims (rcm_claims_build). Returns the build's rc (f->err
 * holds its error); *out (may be NULL) its report. The report may be left
 * out: cyfx_bill(f) is cyfx_bill(f, NULL).
 */
int cyfx_bill_report(cyfx *f, rcm_build_report *out);
#define CYFX_BILL_PICK(a, b, fn, ...) fn
#define CYFX_BILL_1(f) cyfx_bill_report((f), NULL)
#define CYFX_BILL_2(f, out) cyfx_bill_report((f), (out))
#define cyfx_bill(...) CYFX_BILL_PICK(__VA_ARGS__, CYFX_BILL_2, CYFX_BILL_1, 0)(__VA_ARGS__)

/* Assigns the encounter's proposal (asserts it succeeds); the findings are left in *findings when not NULL. */
void cyfx_code(cyfx *f, int64_t encounter_id, rcm_findings *findings);

/* Signs the encounter off (asserts it succeeds, naming the blocking rules when refused). */
void cyfx_sign(cyfx *f, int64_t encounter_id);

/*
 * Codes in the fixture's notation: dx "E11.65,I10" (dots optional), lines
 * "99214:25:1:1,2;36415" (CODE:MODS:UNITS:PTRS:REV, as cyfx_spec.lines; units
 * default 1, no pointer when none is given).
 */
void cyfx_codes(rcm_coding *out, const char *dx, const char *lines);

/* The original claim (frequency 1, primary) of an encounter by its EHR id; asserts there is one. */
int64_t cyfx_claim_of(cyfx *f, const char *ext_id);

/* How many findings of rule are in list (0 when none). */
size_t cyfx_fired(const rcm_findings *list, const char *rule);

/*
 * Expects a step just called on cy (with f->err) to have been refused for
 * want of permission perm ("claims.build"): rc RCM_EDENIED, a message
 * naming the user, and as the newest audit event the user's "denied" event
 * (outcome denied) naming perm. what names the case in failures.
 */
void cyfx_expect_denied(cyfx *f, rcm_cycle *cy, int rc, const char *perm, const char *what);

/*
 * The newest audit event as "user action outcome entity entity_id
 * patient_id claim_id detail", in f's slots like cyfx_text.
 */
const char *cyfx_last_event(cyfx *f);

#endif
