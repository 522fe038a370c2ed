/*
 * The revenue cycle: the context every step runs in.
 *
 * A cycle handle binds a store to the person acting (authenticated by a
 * session, with their roles) and the clock. Every
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
 * Opens the cycle on st (borrowed: it must outlive the handle) as the user of
 * a session token (rcm_auth_login, include/rcm/auth.h). The user's roles are
 * read now, so a change of roles counts from the next handle. origin: where
 * the actor is (for the CLI "cli HOST pid N", for HTTP the address; at most
 * 127 bytes), recorded in every audit event. wall: the real time the session
 * is checked at (time(NULL)); the cycle's clock starts there (see
 * rcm_cycle_set_now). Using the session refreshes its idle timer.
 * Errors: RCM_EDENIED ("not logged in: ..." for an unknown, expired, idle
 * or revoked token, or a disabled or locked user; the attempt is logged),
 * RCM_ENOMEM, RCM_EIO.
 */
RCM_API int rcm_cycle_open(rcm_cycle **out, rcm_store *st, const char *token, const char *origin, int64_t wall,
                           rcm_error *err);
RCM_API void rcm_cycle_free(rcm_cycle *cy);

/* Sets the clock: now in seconds since 1970 UTC; today follows (its UTC date). */
RCM_API void rcm_cycle_set_now(rcm_cycle *cy, int64_t now);
/* Sets the business date alone (filing limits, aging, statement dates). */
RCM_API void rcm_cycle_set_today(rcm_cycle *cy, rcm_date today);

RCM_API rcm_store *rcm_cycle_store(const rcm_cycle *cy);
RCM_API const char *rcm_cycle_user(const rcm_cycle *cy);
RCM_API int64_t rcm_cycle_user_id(const rcm_cycle *cy);
RCM_API unsigned rcm_cycle_roles(const rcm_cycle *cy);   /* RCM_ROLE_* mask (include/rcm/auth.h) */
/* When the handle's session ends at the latest (its absolute end; it ends earlier if left idle). */
RCM_API int64_t rcm_cycle_session_end(const rcm_cycle *cy);
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
    char kind[16];          /* scrub rejection denial unmatched underpayment appeal correction audit */
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

/*
 * The permissions. Each library entry point that reads patient data or
 * changes anything needs one (its header says which) and checks it against
 * the handle's roles first: a user without it gets RCM_EDENIED ("user 'x'
 * (coder) may not submit claims: needs the biller role") and the denial is an
 * audit event. X(id, name, roles, what): the one table of who may do what
 * (docs/access.md is generated from it and checked by a test).
 */
#define RCM_R_C 1u /* coder */
#define RCM_R_B 2u /* biller */
#define RCM_R_A 4u /* auditor */
#define RCM_R_D 8u /* admin */
#define RCM_PERMS(X)                                                                                         \
    X(PRACTICE_IMPORT, "practice.import", RCM_R_D, "load or update the practice file")                      \
    X(PRACTICE_READ, "practice.read", RCM_R_C | RCM_R_B | RCM_R_A | RCM_R_D, "read the practice, providers and payers") \
    X(ENCOUNTER_IMPORT, "encounter.import", RCM_R_B, "import encounters and patients")                      \
    X(ENCOUNTER_READ, "encounter.read", RCM_R_C | RCM_R_B | RCM_R_A, "read an encounter and its patient")    \
    X(COVERAGE_SET, "coverage.set", RCM_R_B, "change a patient's coverage")                                  \
    X(COVERAGE_READ, "coverage.read", RCM_R_B | RCM_R_A, "read a patient's coverage")                        \
    X(CODING_READ, "coding.read", RCM_R_C | RCM_R_A, "read the coding queue and an encounter's coding")      \
    X(CODING_WRITE, "coding.write", RCM_R_C, "assign codes, override findings, sign off")                    \
    X(CLAIMS_BUILD, "claims.build", RCM_R_B, "build, recheck and bill secondary claims")                     \
    X(CLAIMS_READ, "claims.read", RCM_R_C | RCM_R_B | RCM_R_A, "list and show claims")                      \
    X(SUBMIT, "claims.submit", RCM_R_B, "submit claims (write the 837)")                                     \
    X(ACK_IMPORT, "ack.import", RCM_R_B, "import 999, TA1 and 277CA acknowledgments")                       \
    X(ERA_POST, "era.post", RCM_R_B, "post an 835")                                                          \
    X(LEDGER_READ, "ledger.read", RCM_R_B | RCM_R_A, "read and check the ledger")                           \
    X(ROUTES_WRITE, "routes.write", RCM_R_D, "change the denial routing table")                             \
    X(ROUTES_READ, "routes.read", RCM_R_C | RCM_R_B | RCM_R_A | RCM_R_D, "read the denial routing table")   \
    X(DENIAL_READ, "denial.read", RCM_R_C | RCM_R_B | RCM_R_A, "list denials")                               \
    X(DENIAL_CORRECT, "denial.correct", RCM_R_C, "correct the codes of a coding-rooted denial")             \
    X(DENIAL_WORK, "denial.work", RCM_R_B, "rebill, appeal and close appeals")                              \
    X(WRITEOFF, "denial.writeoff", RCM_R_B, "write off a denied amount")                                    \
    X(WRITEOFF_APPROVE, "writeoff.approve", RCM_R_B | RCM_R_D, "approve another person's write-off")        \
    X(STATEMENTS, "statements", RCM_R_B, "issue patient statements")                                        \
    X(AR_READ, "ar.read", RCM_R_B | RCM_R_A, "read the aging and the follow-up worklist")                   \
    X(METRICS, "metrics", RCM_R_C | RCM_R_B | RCM_R_A | RCM_R_D, "read the aggregate metrics")              \
    X(WORK_CODER, "work.coder", RCM_R_C, "read and close the coder's work items")                           \
    X(WORK_BILLER, "work.biller", RCM_R_B, "read and close the biller's, poster's and patient work items")  \
    X(USERS, "users", RCM_R_D, "add users, set roles, status and passwords")                                \
    X(USERS_READ, "users.read", RCM_R_D | RCM_R_A, "list users and exceptions")                            \
    X(SETTINGS, "settings", RCM_R_D, "change settings")                                                      \
    X(SOD_GRANT, "sod.grant", RCM_R_D, "grant or revoke separation-of-duties exceptions")                   \
    X(AUDIT_READ, "audit.read", RCM_R_A | RCM_R_D, "read and verify the audit trail")                       \
    X(AUDIT_CODING, "audit.coding", RCM_R_A, "sample and score coding, report accuracy")                    \
    X(EM_REFERENCE, "audit.em-reference", RCM_R_A | RCM_R_D, "load the E/M reference distribution")

typedef enum rcm_perm {
#define RCM_PERM_ENUM_(id, name, roles, what) RCM_PERM_##id,
    RCM_PERMS(RCM_PERM_ENUM_)
#undef RCM_PERM_ENUM_
    RCM_PERM_COUNT
} rcm_perm;

/* The permission's name ("claims.submit"), the roles that hold it, and what it allows. */
RCM_API const char *rcm_perm_name(rcm_perm p);
RCM_API unsigned rcm_perm_roles(rcm_perm p);
RCM_API const char *rcm_perm_what(rcm_perm p);

/* 1 when the handle's user holds p (no event is written). */
RCM_API int rcm_cycle_may(const rcm_cycle *cy, rcm_perm p);

#endif
