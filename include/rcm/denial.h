/*
 * Denials, corrected claims, appeals and secondary claims.
 *
 * A denial is a denied or adjusted line the routing table sent to the coder
 * or the biller. A coder fixes a coding-rooted denial with
 * rcm_denial_correct: new codes on the claim, scrubbed, which produce a
 * corrected claim (frequency 7, REF*F8 = the payer's claim number) that the
 * biller then submits. A biller works billing-rooted denials: fix data and
 * resubmit, write off, or appeal (tracked with the payer's appeal deadline).
 *
 * rcm_cob_build builds the secondary claims: for every claim whose primary
 * payer has adjudicated it and left a balance with the patient, when the
 * patient has secondary coverage in force on the date of service, a claim
 * to the secondary payer carrying the primary's adjudication (837 loops
 * 2320/2430), and the balance moves from the patient to that payer.
 */
#ifndef RCM_DENIAL_H
#define RCM_DENIAL_H

#include <stdint.h>
#include "cycle.h"
#include "coding.h"

typedef struct rcm_denial {
    int64_t denial_id, claim_id;
    char claim_no[39];
    uint32_t line_no;               /* 0: the claim as a whole */
    char code[49];                  /* the line's procedure code ('' for the claim) */
    char group[3], carc[6], rarc[8];
    int64_t amount_cents;
    char route[8], root[20];
    char status[12];                /* open corrected appealed written-off resolved */
    rcm_date deadline;              /* the appeal deadline (payer's appeal days from the remittance) */
} rcm_denial;

/* Denials (route NULL: all; open_only: status open); free(*out). */
RCM_API int rcm_denial_list(rcm_cycle *cy, const char *route, int open_only, rcm_denial **out, size_t *n,
                            rcm_error *err);

/*
 * The coder's correction of a denied claim: codes replace the claim's, the
 * corrected claim is created and scrubbed (findings returned), the claim's
 * open coder-routed denials become corrected, a biller work item asks for
 * its submission. Errors: RCM_EDENIED (no open coder denial on the claim, or
 * coder-routed errors remain in findings: nothing is created then),
 * RCM_EINVAL.
 */
RCM_API int rcm_denial_correct(rcm_cycle *cy, int64_t claim_id, const rcm_coding *codes, rcm_findings *findings,
                               int64_t *new_claim_id, rcm_error *err);

/* The biller writes the denied amount off (reason required). */
RCM_API int rcm_denial_writeoff(rcm_cycle *cy, int64_t denial_id, const char *reason, rcm_error *err);

/*
 * After a billing fix (coverage, demographics, authorization updated in the
 * store), builds the replacement claim (frequency 7, REF*F8) with the same
 * codes; the claim's open biller denials become corrected. *new_claim_id.
 */
RCM_API int rcm_denial_rebill(rcm_cycle *cy, int64_t claim_id, const char *note, int64_t *new_claim_id,
                              rcm_error *err);

/* Files an appeal of a denial (level 1 first); deadline from the payer's appeal days. */
RCM_API int rcm_appeal_file(rcm_cycle *cy, int64_t denial_id, const char *note, int64_t *appeal_id, rcm_error *err);
/* outcome: won / lost / withdrawn. */
RCM_API int rcm_appeal_close(rcm_cycle *cy, int64_t appeal_id, const char *outcome, rcm_error *err);

/* Builds the secondary claims that are due (report->secondary, ->claims...). */
RCM_API int rcm_cob_build(rcm_cycle *cy, rcm_build_report *out, rcm_error *err);

#endif
