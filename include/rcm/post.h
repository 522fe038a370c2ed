/*
 * Remittance posting and the ledger.
 *
 * rcm_era_post posts an 835 file in one transaction: for each claim payment
 * (CLP) matched to a claim by CLP01 (a reversal or correction also by the
 * payer claim number), the payments, contractual and other adjustments,
 * patient responsibility (transferred to the patient, or kept for the
 * secondary payer), reversals (CLP02 22: the earlier rows negated) and
 * corrections; provider-level adjustments (PLB) and interest are recorded
 * with the remittance. Each adjusted or denied line is classified by the
 * routing table (group, CARC, RARC): coding-rooted denials go to the coder's
 * queue, billing-rooted ones to the biller's, patient shares to patient
 * billing. Claims not matched go to the poster's queue, never dropped. Paid
 * lines below the payer's contracted allowed amount are flagged
 * (underpayment work items).
 *
 * An 835 that does not balance is refused whole (RCM_EBALANCE, naming the
 * failing CLP/SVC segment). The same payment (TRN02 with its payer) posted
 * twice posts nothing the second time: report.already is set.
 *
 * rcm_ledger_check proves the ledger: every claim's charges equal its lines,
 * every posted remittance's rows add up to its payment and PLBs, balances
 * by party add up to the total, no row refers to a missing row, reversals
 * negate exactly what they reverse, and no claim in status replaced carries
 * a balance.
 */
#ifndef RCM_POST_H
#define RCM_POST_H

#include <stdint.h>
#include "cycle.h"

typedef struct rcm_post_report {
    int already;            /* every payment in the file was posted before */
    long sets, claims, matched, unmatched, reversals, lines;
    long skipped;           /* sets skipped: their payment (TRN02 with its payer) was posted before */
    long denials;           /* denial rows written */
    long underpaid;         /* lines paid below the contract */
    long work_items;
    int64_t paid_cents;     /* sum of CLP04 posted */
    int64_t adjusted_cents; /* contractual and other adjustments */
    int64_t patient_cents;  /* transferred to patient responsibility */
    int64_t denied_cents;   /* left open as denials */
    int64_t plb_cents;      /* provider-level adjustments (positive: withheld) */
} rcm_post_report;

/*
 * Needs era.post. Errors: RCM_EIO, RCM_EFORMAT/RCM_ESYNTAX (located),
 * RCM_EBALANCE (located); nothing posted then. Separation of duties: a
 * claim the user coded, matched by a CLP, refuses the whole file
 * (RCM_EDENIED naming it, logged; nothing posted) unless an admin recorded
 * an exception for them (each such claim is then an event).
 */
RCM_API int rcm_era_post(rcm_cycle *cy, const char *path, rcm_post_report *out, rcm_error *err);

typedef struct rcm_ledger_report {
    long entries, claims, remits;
    int64_t charges_cents, payments_cents, adjustments_cents, writeoffs_cents;
    int64_t payer_ar_cents, patient_ar_cents;  /* balances owed by payers / patients */
    long problems;          /* 0: the ledger reconciles */
    char first_problem[256];
} rcm_ledger_report;

/* Returns 0 when it reconciles, RCM_EBALANCE (first problem in err and report) when not. Needs ledger.read. */
RCM_API int rcm_ledger_check(rcm_cycle *cy, rcm_ledger_report *out, rcm_error *err);

/* One ledger row as `rcm ledger show` lists it. */
typedef struct rcm_ledger_row {
    int64_t entry_id;
    int64_t claim_id;
    int line_no;            /* 0: the claim as a whole */
    int64_t payer_id;       /* 0: the patient */
    char party[16];         /* the payer's code, or "patient" */
    char kind[16];          /* charge payment adjustment transfer reversal ... */
    char group_code[3], carc[6];
    int64_t amount_cents;   /* added to what the party owes on the claim */
    int64_t remit_id;       /* 0 when none */
    int64_t reverses;       /* the entry it negates, 0 when none */
    rcm_date effective;
    int64_t at;
    char user[64];
    char memo[64];
} rcm_ledger_row;

/*
 * The ledger rows of the claim numbered claim_no (CLM01), oldest first: an
 * array the caller frees with free(). Needs ledger.read; the rows shown are
 * a read event on the claim. Errors: RCM_ENOTFOUND (no such claim),
 * RCM_EIO, RCM_ENOMEM.
 */
RCM_API int rcm_ledger_rows(rcm_cycle *cy, const char *claim_no, rcm_ledger_row **out, size_t *n,
                            rcm_error *err);

/*
 * The denial routing table: the built-in table (docs/denials.md) until a
 * practice loads its own CSV (group,carc,rarc,route,root,denial,note; ''
 * or * matches anything), which replaces it whole. rcm_routes_reset goes
 * back to the built-in table. Both need routes.write (the admin).
 */
RCM_API int rcm_routes_load(rcm_cycle *cy, const char *path, long *rows, rcm_error *err);
RCM_API int rcm_routes_reset(rcm_cycle *cy, rcm_error *err);

/* One row of the routing table ('' matches anything). */
typedef struct rcm_route_row {
    char group_code[3];     /* CO OA PI PR */
    char carc[6];
    char rarc[8];
    char route[8];          /* coder biller patient auto */
    char root[20];
    int denial;             /* 1: counts as a denial */
    char note[128];
} rcm_route_row;

/*
 * The table in effect, in its order: the practice's (*builtin 0) or the
 * built-in one (*builtin 1). An array the caller frees with free().
 * Needs routes.read. Errors: RCM_EIO, RCM_ENOMEM.
 */
RCM_API int rcm_routes_list(rcm_cycle *cy, rcm_route_row **out, size_t *n, int *builtin, rcm_error *err);

#endif
