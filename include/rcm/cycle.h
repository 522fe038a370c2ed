/*
 * The revenue cycle: the context every step runs in.
 *
 * A cycle handle binds a store to the person acting and the clock. Every
 * step of the cycle (include/rcm/encounter.h, coding.h, submit.h, post.h,
 * denial.h, ar.h) takes one: the user is recorded on every row it writes and
 * in the audit events; now and today are the clock of those rows, fixed by
 * the caller so a run can be repeated exactly (the demo and the tests set
 * them).
 *
 * Each step is one transaction: it changes everything it was asked to or,
 * on an error, nothing. A handle is used by one thread at a time.
 */
#ifndef RCM_CYCLE_H
#define RCM_CYCLE_H

#include <stdint.h>
#include "error.h"
#include "value.h"
#include "store.h"

typedef struct rcm_cycle rcm_cycle;

/*
 * Opens the cycle on st (borrowed: it must outlive the handle) for user
 * (copied; at most 63 bytes, letters, digits and ._-@). now is the wall clock
 * (time()) and today its UTC date until changed. Errors: RCM_EINVAL (bad user
 * name), RCM_ENOMEM.
 */
RCM_API int rcm_cycle_new(rcm_cycle **out, rcm_store *st, const char *user, rcm_error *err);
RCM_API void rcm_cycle_free(rcm_cycle *cy);

/* Sets the clock: now in seconds since 1970 UTC; today follows (its UTC date). */
RCM_API void rcm_cycle_set_now(rcm_cycle *cy, int64_t now);
/* Sets the business date alone (filing limits, aging, statement dates). */
RCM_API void rcm_cycle_set_today(rcm_cycle *cy, rcm_date today);

RCM_API rcm_store *rcm_cycle_store(const rcm_cycle *cy);
RCM_API const char *rcm_cycle_user(const rcm_cycle *cy);
RCM_API int64_t rcm_cycle_now(const rcm_cycle *cy);
RCM_API rcm_date rcm_cycle_today(const rcm_cycle *cy);

/* Work queues (work_item.queue) and claim statuses (claim.status), as stored. */
#define RCM_QUEUE_CODER "coder"
#define RCM_QUEUE_BILLER "biller"
#define RCM_QUEUE_PATIENT "patient"
#define RCM_QUEUE_POSTER "poster"

/*
 * A work item as the queues show it. Strings are copies. Listing functions
 * return an array the caller frees with free().
 */
typedef struct rcm_work_item {
    int64_t item_id;
    char queue[8];
    char kind[16];          /* scrub rejection denial unmatched underpayment appeal correction */
    int64_t claim_id, encounter_id, denial_id, remit_claim_id; /* 0 when none */
    char claim_no[39];      /* '' when no claim */
    int64_t amount_cents;
    rcm_date due;           /* RCM_DATE_NONE when none */
    char status[8];         /* open / done */
    char summary[160];
    int64_t created_at;
} rcm_work_item;

/*
 * The open items of a queue (NULL: all queues), ordered by due date (none
 * last), then amount (largest first), then id. Errors: RCM_EIO.
 */
RCM_API int rcm_work_list(rcm_cycle *cy, const char *queue, rcm_work_item **out, size_t *n, rcm_error *err);

/* Closes an open work item as done by the cycle's user. RCM_ENOTFOUND when no such open item. */
RCM_API int rcm_work_close(rcm_cycle *cy, int64_t item_id, rcm_error *err);

#endif
