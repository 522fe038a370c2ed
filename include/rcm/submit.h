/*
 * Submission and acknowledgments.
 *
 * rcm_submit writes every ready claim of one payer and kind into one 837
 * batch file and marks them submitted, in one transaction. Its ISA and GS
 * control numbers come from counters that are advanced and committed before
 * the file is written, so a number is never used twice, even when a run
 * dies half way (the number is then skipped, never repeated). The file is
 * written atomically (a temporary file renamed into place) and recorded in
 * the store with the batch. A claim resubmitted after a rejection gets the
 * next batch's numbers.
 *
 * rcm_ack_import reads a 999 or a 277CA (or TA1) and records each verdict:
 * a 999 accepts or rejects the transaction sets of a batch (matched by GS
 * and ST control numbers), a 277CA each claim (matched by CLM01 in TRN02 or
 * REF*1K / the claim number). Rejected claims go back to status rejected
 * with a work item routed by reason: a status code that names a diagnosis
 * or procedure code goes to the coder, anything else to the biller. The same
 * file imported twice records nothing the second time (RCM_EEXIST is not
 * returned: report.already is set).
 */
#ifndef RCM_SUBMIT_H
#define RCM_SUBMIT_H

#include <stdint.h>
#include "cycle.h"

typedef struct rcm_submit_report {
    int64_t batch_id;       /* 0 when nothing was ready */
    char kind[5];           /* 837P / 837I */
    long claims, lines;
    int64_t charge_cents;
    int64_t isa_control, gs_control;
} rcm_submit_report;

/*
 * Writes the ready claims of payer (its code) and kind ('P' or 'I') to
 * out_path. Nothing ready: report.batch_id 0, no file, returns 0. Errors:
 * RCM_ENOTFOUND (payer), RCM_EIO (file), RCM_EINVAL.
 */
RCM_API int rcm_submit(rcm_cycle *cy, const char *payer, char kind, const char *out_path,
                       rcm_submit_report *out, rcm_error *err);

typedef struct rcm_ack_report {
    char kind[6];           /* 999 / 277CA / TA1 */
    int already;            /* the same file was imported before: nothing recorded */
    long sets, sets_accepted, sets_rejected;
    long claims, claims_accepted, claims_rejected;
    long unmatched;         /* verdicts on batches or claims the store does not know */
    long work_items;
} rcm_ack_report;

/* Errors: RCM_EIO, RCM_EFORMAT / RCM_ESYNTAX (located), nothing recorded then. */
RCM_API int rcm_ack_import(rcm_cycle *cy, const char *path, rcm_ack_report *out, rcm_error *err);

#endif
