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
 * Two people write off a large amount: a write-off above the store's
 * writeoff-approval setting (include/rcm/auth.h; 100.00 unless an admin
 * changed it) posts nothing when asked; it waits as a pending request until
 * a second person holding writeoff.approve, who neither asked for it nor
 * coded the claim, approves it (then it posts as it would have) or rejects
 * it. Nobody writes off, or approves the write-off of, a claim they coded
 * (separation of duties, include/rcm/auth.h) unless an admin recorded an
 * exception for them.
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

/*
 * Denials (route NULL: all; open_only: status open); free(*out). Needs
 * denial.read; the list is a read event.
 */
RCM_API int rcm_denial_list(rcm_cycle *cy, const char *route, int open_only, rcm_denial **out, size_t *n,
                            rcm_error *err);

/*
 * The coder's correction of a denied claim: codes replace the claim's, the
 * corrected claim is created and scrubbed (findings returned), the claim's
 * open coder-routed denials become corrected, a biller work item asks for
 * its submission. Needs denial.correct (the coder). Errors: RCM_EDENIED
 * (no open coder denial on the claim, or coder-routed errors remain in
 * findings: nothing is created then), RCM_EINVAL.
 */
RCM_API int rcm_denial_correct(rcm_cycle *cy, int64_t claim_id, const rcm_coding *codes, rcm_findings *findings,
                               int64_t *new_claim_id, rcm_error *err);

/* What rcm_denial_writeoff did. */
typedef struct rcm_writeoff_result {
    int64_t amount_cents;           /* written off, or waiting for approval */
    int64_t request_id;             /* 0: written off now; else the pending request (nothing posted yet) */
} rcm_writeoff_result;

/*
 * The biller writes the denied amount (at most what the payer still owes on
 * the claim) off; reason required. Above the writeoff-approval setting
 * nothing is posted: a pending request is recorded (out->request_id) for a
 * second person to approve (rcm_writeoff_approve). out may be NULL. Needs
 * denial.writeoff. Errors: RCM_EINVAL (no reason), RCM_ENOTFOUND,
 * RCM_EDENIED (the denial is not open, the payer owes nothing, a request
 * for it is pending, or the user coded the claim: separation of duties).
 */
RCM_API int rcm_denial_writeoff(rcm_cycle *cy, int64_t denial_id, const char *reason, rcm_writeoff_result *out,
                                rcm_error *err);

/* A write-off waiting for, or given, a second person's decision. */
typedef struct rcm_writeoff_request {
    int64_t request_id, denial_id, claim_id;
    char claim_no[39];
    uint32_t line_no;               /* the denial's line, 0: the claim */
    char group[3], carc[6];         /* the denial's adjustment */
    int64_t amount_cents;           /* asked for */
    char reason[256];               /* the requester's */
    char status[10];                /* pending approved rejected */
    int64_t requested_at;
    char requested_by[64];
    int64_t decided_at;             /* 0: pending */
    char decided_by[64];
    char note[256];                 /* the decider's note */
} rcm_writeoff_request;

/*
 * Approves a pending request: the write-off posts as rcm_denial_writeoff
 * would have (the requester's reason, at most what the payer still owes)
 * and the request becomes approved. note may be NULL. Needs
 * writeoff.approve. Errors: RCM_ENOTFOUND; RCM_EDENIED when the request was
 * decided already, the denial is no longer open, or the approver asked for
 * it or coded the claim (both logged as denials).
 */
RCM_API int rcm_writeoff_approve(rcm_cycle *cy, int64_t request_id, const char *note, rcm_error *err);

/*
 * Rejects a pending request (note required): nothing is posted, the denial
 * stays open. Needs writeoff.approve. Errors: RCM_EINVAL, RCM_ENOTFOUND,
 * RCM_EDENIED (decided already).
 */
RCM_API int rcm_writeoff_reject(rcm_cycle *cy, int64_t request_id, const char *note, rcm_error *err);

/*
 * The requests in status (NULL: all; else pending, approved or rejected),
 * oldest first; free(*out). Needs writeoff.approve; the list is a read
 * event. RCM_EINVAL for another status.
 */
RCM_API int rcm_writeoff_list(rcm_cycle *cy, const char *status, rcm_writeoff_request **out, size_t *n,
                              rcm_error *err);

/*
 * After a billing fix (coverage, demographics, authorization updated in the
 * store), builds the replacement claim (frequency 7, REF*F8) with the same
 * codes; the claim's open biller denials become corrected. *new_claim_id.
 * Needs denial.work.
 */
RCM_API int rcm_denial_rebill(rcm_cycle *cy, int64_t claim_id, const char *note, int64_t *new_claim_id,
                              rcm_error *err);

/* Files an appeal of a denial (level 1 first); deadline from the payer's appeal days. Needs denial.work. */
RCM_API int rcm_appeal_file(rcm_cycle *cy, int64_t denial_id, const char *note, int64_t *appeal_id, rcm_error *err);
/* outcome: won / lost / withdrawn. Needs denial.work. */
RCM_API int rcm_appeal_close(rcm_cycle *cy, int64_t appeal_id, const char *outcome, rcm_error *err);

/* Builds the secondary claims that are due (report->secondary, ->claims...). Needs claims.build. */
RCM_API int rcm_cob_build(rcm_cycle *cy, rcm_build_report *out, rcm_error *err);

#endif
