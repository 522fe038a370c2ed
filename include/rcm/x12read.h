/*
 * Typed X12 reading: one call reads a whole input and hands each typed
 * record to the caller as soon as it is complete (an 835 claim at its last
 * line, an 837 claim at its end, a 999 or 277CA per transaction set), so
 * memory stays flat whatever the file size. Records passed to a callback are
 * borrowed: valid only during the call.
 */
#ifndef RCM_X12READ_H
#define RCM_X12READ_H

#include "x12.h"
#include "claim.h"
#include "remit.h"
#include "ack.h"
#include "guide.h"

typedef struct rcm_x12_typed_cb {
    void *ctx;
    /* Every problem: envelope, syntax, typed (bad amounts, dates, codes), 835 balancing. */
    int (*problem)(void *ctx, const rcm_x12_problem *p);
    /* 835: one claim (CLP with its CAS, names, dates, SVC lines) under its payment header. */
    int (*remit_claim)(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c);
    /* 835: the transaction set ended: PLB adjustments and totals are in r. */
    int (*remit_end)(void *ctx, const rcm_remit *r);
    /* 837P / 837I: one claim with its providers, subscriber, patient, payer, COB and lines. */
    int (*claim)(void *ctx, const rcm_claim *c);
    /* 999: one acknowledgment transaction set. */
    int (*ack999)(void *ctx, const rcm_ack999 *a);
    /* 277CA (005010X214) and 277 claim status (005010X212): one transaction set. */
    int (*ack277)(void *ctx, const rcm_ack277 *a);
    /* TA1 interchange acknowledgment. */
    int (*ta1)(void *ctx, const rcm_ta1 *t);
    /* 270/271/276 and other sets read structurally: one transaction set. */
    int (*generic)(void *ctx, const rcm_x12_generic *g);
    /*
     * Implementation guides (include/rcm/guide.h), borrowed; NULL: none. When set, every
     * set is validated against the guide of its ST01 and version (segment order, loops,
     * usage, repeats, element types, lengths and codes), problems going to problem.
     */
    const struct rcm_guides *guides;
} rcm_x12_typed_cb;

/*
 * Reads r to its end through the envelope walker, routing each transaction
 * set by ST01 (and 277 by its version) to its typed reader. Returns 0 when
 * the input was read (problems went to cb->problem), a negative RCM_E* when
 * it was too broken to read or a callback stopped it. stats may be NULL.
 */
RCM_API int rcm_x12_read(rcm_x12_reader *r, const rcm_x12_typed_cb *cb, rcm_x12_stats *stats,
                         rcm_error *err);

#endif
