/*
 * What denial.c and cob.c share: a stored claim's facts, its codes as a
 * claim to create, ledger rows and balances by party. Not public; every
 * function runs inside the caller's transaction.
 */
#ifndef RCM_DENIAL_INTERNAL_H
#define RCM_DENIAL_INTERNAL_H

#include <stdint.h>
#include "cycle_internal.h"

/* The facts of a stored claim the denial steps decide on. */
typedef struct denial_claim {
    int64_t claim_id, practice_id, encounter_id, patient_id, coverage_id, payer_id;
    int64_t original_claim_id, primary_claim_id;    /* 0 when none */
    char claim_no[39];
    char seq, kind, freq;
    char status[12];
    char payer_icn[51];
    int64_t charge_cents;
    rcm_date dos;
} denial_claim;

/* Reads a claim. RCM_ENOTFOUND "claim N: no such claim". */
int denial_claim_load(rcm_cycle *cy, int64_t claim_id, denial_claim *out, rcm_error *err);

/*
 * A claim's diagnoses and lines as a claim to create (charges, dates and
 * revenue codes as stored). *lines is malloc'ed (free it); spec's dx, n_dx,
 * n_lines and lines are set, nothing else.
 */
int denial_claim_codes(rcm_cycle *cy, int64_t claim_id, cycle_claim_new *spec, cycle_line **lines,
                       rcm_error *err);

/* One ledger row to append (ledger table, lib/store/schema.c). */
typedef struct denial_entry {
    int64_t practice_id, claim_id, patient_id;
    uint32_t line_no;
    int64_t payer_id;           /* 0: the patient */
    const char *kind;           /* transfer writeoff adjustment */
    const char *group, *carc;   /* '' when none */
    int64_t amount_cents;
    const char *memo;
} denial_entry;

/* Appends a row (effective today, at now, by the cycle's user). */
int denial_ledger_add(rcm_cycle *cy, const denial_entry *e, rcm_error *err);

/* A claim's open balance owed by one party. */
typedef struct denial_balance {
    int64_t payer_id;           /* 0: the patient */
    int64_t cents;
} denial_balance;

#define DENIAL_MAX_PARTIES 8

/* The claim's non-zero balances by party (payers by id first, the patient last). */
int denial_balances(rcm_cycle *cy, int64_t claim_id, denial_balance out[DENIAL_MAX_PARTIES], size_t *n,
                    rcm_error *err);

/* The balance one party (payer_id 0: the patient) owes on a claim. */
int denial_balance_of(rcm_cycle *cy, int64_t claim_id, int64_t payer_id, int64_t *out, rcm_error *err);

/*
 * Moves every open balance of claim from to claim to, party by party (a
 * transfer pair each: minus on from, plus on to, same party). *moved: the
 * total moved (all parties); may be NULL.
 */
int denial_move_balances(rcm_cycle *cy, const denial_claim *from, const denial_claim *to, int64_t *moved,
                         rcm_error *err);

#endif
