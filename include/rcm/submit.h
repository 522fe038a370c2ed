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
    long refused;           /* claims the 837 writer refused: put back to held, a biller work item each */
} rcm_submit_report;

/*
 * Writes the ready claims of payer (its code) and kind ('P' or 'I') to
 * out_path. Nothing ready: report.batch_id 0, no file, returns 0. Errors:
 * RCM_ENOTFOUND (payer), RCM_EIO (file), RCM_EINVAL, RCM_EEXIST (out_path
 * exists: a batch file is never overwritten), RCM_ELIMIT (control numbers
 * used up). A claim the 837 writer refuses is put back to held with a biller
 * work item (report.refused); when every claim is refused no file is
 * written (batch_id 0) and the numbers taken are skipped.
 * Needs claims.submit. Separation of duties: a claim the user coded refuses
 * the whole submission (RCM_EDENIED naming it, logged; nothing is written
 * and the control numbers taken are skipped) unless an admin recorded an
 * exception for them (each such claim is then an event).
 */
RCM_API int rcm_submit(rcm_cycle *cy, const char *payer, char kind, const char *out_path,
                       rcm_submit_report *out, rcm_error *err);

/* One submitted batch, with what its acknowledgments said so far. */
typedef struct rcm_batch {
    int64_t batch_id;
    char payer[16];         /* the payer's code */
    char kind[5];           /* 837P / 837I */
    int64_t isa_control, gs_control;
    long claims;
    int64_t charge_cents;
    int64_t created_at;
    char created_by[64];
    char file[128];         /* the file name it was written to (as given) */
    long sets_accepted, sets_rejected; /* 999 set verdicts; a TA1 counts as one set */
    long claims_accepted, claims_rejected; /* 277CA verdicts on its claims (the last per claim) */
} rcm_batch;

/* Every batch, newest first; free(*out). Needs claims.read. Errors: RCM_EIO. */
RCM_API int rcm_batch_list(rcm_cycle *cy, rcm_batch **out, size_t *n, rcm_error *err);

/*
 * The last value taken of a control counter ("isa", "gs"): 0 when none was
 * ever taken. A number up to it that no batch carries was skipped: a run
 * that failed after taking it, or one interrupted after writing its file
 * and before recording it (an orphan file: never sent, docs/submission.md).
 * Needs claims.read.
 */
RCM_API int rcm_submit_control(rcm_cycle *cy, const char *counter, int64_t *out, rcm_error *err);

typedef struct rcm_ack_report {
    char kind[6];           /* 999 / 277CA / TA1 */
    int already;            /* the same file was imported before: nothing recorded */
    long sets, sets_accepted, sets_rejected;
    long claims, claims_accepted, claims_rejected;
    long unmatched;         /* verdicts on batches or claims the store does not know */
    long work_items;
    long pending;           /* 277CA claims with neither verdict (no A0-A2/A5 first, no rejection) */
    long stale;             /* verdicts on claims no longer waiting for one (status moved on):
                               recorded, nothing changed */
    long coder, biller;     /* rejection work items by queue */
} rcm_ack_report;

/*
 * One verdict of the last import, for printing (rcm_ack_import_verdicts).
 * claim_no '' for a 999 set or a TA1; set_control '' for a 277CA claim.
 */
typedef struct rcm_ack_verdict {
    char kind[6];
    int64_t batch_id, claim_id;     /* 0 when not matched */
    char claim_no[39];
    char set_control[10];
    char status[10];                /* accepted / rejected / pending */
    char code[40];                  /* IK5 code, TA105 note or STC category:status:entity */
    char queue[8];                  /* the work queue of a rejection, '' none */
    long claims;                    /* 999 / TA1: claims the verdict sent back to rejected */
    int matched, stale;
} rcm_ack_verdict;

/* Needs ack.import. Errors: RCM_EIO, RCM_EFORMAT / RCM_ESYNTAX (located), nothing recorded then. */
RCM_API int rcm_ack_import(rcm_cycle *cy, const char *path, rcm_ack_report *out, rcm_error *err);

/*
 * The same, also returning every verdict in file order (*verdicts: free()
 * it; NULL and 0 when the file was imported before or held none). Needs
 * ack.import.
 */
RCM_API int rcm_ack_import_verdicts(rcm_cycle *cy, const char *path, rcm_ack_report *out,
                                    rcm_ack_verdict **verdicts, size_t *n, rcm_error *err);

#endif
