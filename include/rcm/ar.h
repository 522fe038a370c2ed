/*
 * Patients and accounts receivable: statements, aging, the follow-up
 * worklist, and the revenue-cycle metrics (docs/metrics.md defines each
 * formula; money in integer cents, rates as basis points).
 */
#ifndef RCM_AR_H
#define RCM_AR_H

#include <stdint.h>
#include "cycle.h"

typedef struct rcm_statement_report {
    long statements;
    int64_t total_cents;
    long visits;            /* statement lines (a visit: an encounter and all its claims) */
    long already;           /* patients whose statement of today was issued before, unchanged */
} rcm_statement_report;

/*
 * A statement for every patient with a balance after insurance (nothing
 * pending with a payer on those claims): recorded in the store, and written
 * to out_dir (when not NULL; created 0700 when missing) as a text statement
 * (STMT-<id>.txt) and a printable one (STMT-<id>.pdf), both mode 0600: they
 * carry the patient's name and address. Due 30 days after the business
 * date. A patient already sent a statement today for the same balance gets
 * no new one (report->already). docs/metrics.md, "Statements", has the rules.
 * Needs statements; each statement is an event on its patient. Errors:
 * RCM_ENOTFOUND (no practice), RCM_EIO (store, folder or files: nothing is
 * recorded and no file is left then), RCM_ENOMEM.
 */
RCM_API int rcm_statements(rcm_cycle *cy, const char *out_dir, rcm_statement_report *out, rcm_error *err);

enum { RCM_AR_TOTAL, RCM_AR_BY_PAYER, RCM_AR_BY_PATIENT, RCM_AR_BY_PROVIDER };
#define RCM_AR_BUCKETS 5    /* 0-30, 31-60, 61-90, 91-120, over 120 days from the date of service */

typedef struct rcm_aging_row {
    char key[64];           /* payer code, patient MRN, provider NPI; "patient" for patient balances by payer */
    int64_t bucket_cents[RCM_AR_BUCKETS];
    int64_t total_cents;
    long claims;
} rcm_aging_row;

/*
 * AR aging on the cycle's business date (ledger rows effective on or before
 * it); free(*out). Rows sorted by key ("patient" last by payer); every
 * grouping partitions the same total. Needs ar.read; by patient the list
 * is a read event. Errors: RCM_EINVAL (by), RCM_EIO.
 */
RCM_API int rcm_ar_aging(rcm_cycle *cy, int by, rcm_aging_row **out, size_t *n, rcm_error *err);

typedef struct rcm_worklist_item {
    int64_t claim_id;
    char claim_no[39];
    char payer[16];         /* payer code, "patient" */
    int64_t balance_cents;
    int age_days;
    rcm_date deadline;      /* the nearest filing or appeal deadline, RCM_DATE_NONE */
    char reason[96];        /* why it needs follow-up */
    int64_t score;          /* the order: higher first */
} rcm_worklist_item;

/*
 * The AR follow-up worklist ordered by amount, age and deadlines (score
 * formula in docs/metrics.md); free(*out). Needs ar.read; the list is a
 * read event. Errors: RCM_EIO, RCM_ENOMEM.
 */
RCM_API int rcm_ar_worklist(rcm_cycle *cy, rcm_worklist_item **out, size_t *n, rcm_error *err);

enum { RCM_METRICS_TOTAL, RCM_METRICS_BY_PAYER, RCM_METRICS_BY_PROVIDER, RCM_METRICS_BY_CODER };

typedef struct rcm_metrics_query {
    rcm_date from, to;      /* the date-of-service cohort; RCM_DATE_NONE: open */
    int by;                 /* RCM_METRICS_* */
} rcm_metrics_query;

/* One group's metrics. Rates are basis points (10000 = 100%), -1 when the denominator is 0. */
typedef struct rcm_metrics_row {
    char key[64];
    long claims_submitted, claims_clean, claims_first_pass_accepted, claims_adjudicated,
        claims_first_pass_paid, claims_denied, lines_denied;
    int64_t gross_charges_cents, denied_charges_cents, payments_cents, contractual_cents;
    int64_t ar_cents, ar_over_90_cents;
    int clean_claim_bp, first_pass_bp, denial_rate_bp, denial_dollar_bp;
    int net_collection_bp, gross_collection_bp, ar_over_90_bp;
    int64_t days_in_ar_x100; /* days in AR x 100, -1 when no charges */
    /* the parts of the figures above */
    int64_t adjudicated_charges_cents;  /* charges of the adjudicated claims (denial rate $ denominator) */
    int64_t payer_payments_cents, patient_payments_cents;  /* payments_cents = their sum */
    int64_t writeoff_cents;             /* written off (not contractual: not in the net collection rate) */
    int64_t charges_90d_cents;          /* charges of the 90 days to the period end (days in AR) */
} rcm_metrics_row;

/* Denials by root cause or by CARC, and E/M level distribution, for the same query. */
typedef struct rcm_metrics_count {
    char key[32];           /* root cause, CARC, or "NPI code" for E/M */
    long count;
    int64_t cents;
} rcm_metrics_count;

typedef struct rcm_metrics {
    rcm_date from, to;      /* the cohort asked for (RCM_DATE_NONE: open) */
    rcm_date period_end;    /* the date AR is taken at: to, else the business date */
    rcm_metrics_row *rows;  /* one per group (one for RCM_METRICS_TOTAL) */
    size_t n_rows;
    rcm_metrics_count *by_root, *by_carc, *em;
    size_t n_by_root, n_by_carc, n_em;
} rcm_metrics;

/*
 * The metrics of a date-of-service cohort (docs/metrics.md defines each one
 * exactly). Rows sorted by key; by_root and by_carc by count (largest
 * first), then key; em by NPI, then code. Release with
 * rcm_metrics_release (a released or zeroed struct may be released again).
 * Needs metrics (aggregates only: no read event). Errors: RCM_EINVAL (bad query), RCM_EIO, RCM_ENOMEM.
 */
RCM_API int rcm_metrics_get(rcm_cycle *cy, const rcm_metrics_query *q, rcm_metrics *out, rcm_error *err);
RCM_API void rcm_metrics_release(rcm_metrics *m);

#endif
