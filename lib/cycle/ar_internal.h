/*
 * What the AR modules share (statement.c, ar.c, metrics.c): a fast way to
 * fold a whole table into C structures, and every claim's ledger sums.
 *
 * The reports run over every claim and every ledger row of a store (a
 * million claims, ten million rows). SQLite's GROUP BY sorts its input, and
 * stepping a row out to C costs a call per column, so the passes here are
 * single aggregate queries whose aggregate is a C function ("rcm_scan")
 * handed each row's values: one pass, no sort, no per-row round trip.
 */
#ifndef RCM_CYCLE_AR_INTERNAL_H
#define RCM_CYCLE_AR_INTERNAL_H

#include <stdint.h>
#include "cycle_internal.h"
#include "rcm/ar.h"

/* Called with each row's values (the arguments of rcm_scan after ?1). Negative stops the scan. */
typedef int (*ar_row_fn)(void *ctx, sqlite3_value **v, int n);

/*
 * Runs sql, which must be one "SELECT rcm_scan(?1, expr...) FROM ..." with
 * int64 parameters ?2... taken from binds (n_binds of them; RCM_DATE_NONE
 * or any value the SQL tests for itself), and calls fn for each row. The
 * callback's negative return is returned (its message in err); SQLite
 * failures are RCM_EIO.
 */
int ar_scan(rcm_cycle *cy, const char *sql, const int64_t *binds, int n_binds, ar_row_fn fn, void *ctx,
            rcm_error *err);
/* The same on a connection of its own (a report's second reader, lib/cycle/metrics.c). */
int ar_scan_db(sqlite3 *db, const char *sql, const int64_t *binds, int n_binds, ar_row_fn fn, void *ctx,
               rcm_error *err);

/* Ledger row kinds (ledger.kind) as small codes; a reversal is counted as the kind it reverses. */
enum { AR_K_OTHER, AR_K_CHARGE, AR_K_PAYMENT, AR_K_ADJUSTMENT, AR_K_TRANSFER, AR_K_REVERSAL, AR_K_PATIENT_PAYMENT,
       AR_K_WRITEOFF, AR_K_REFUND };
int ar_kind_code(const unsigned char *kind, int len);

/*
 * One claim's ledger sums (cents). Flows count every row of the claim
 * (reversals negate the kind they reverse) with the sign of money received
 * or taken off: charge (charge rows), payer_paid (payment rows, payers),
 * patient_paid (patient_payment rows less refund rows), contractual
 * (adjustment rows: the routing table's automatic adjustments), writeoff
 * (writeoff rows). payer and patient are the balances owed by the payer and
 * by the patient, from the rows effective on or before the as-of date.
 */
typedef struct ar_money {
    int64_t charge, payer_paid, patient_paid, contractual, writeoff;
    int64_t payer, patient;
} ar_money;

typedef struct ar_ledger {
    ar_money *m;        /* indexed by claim_id, 0..n-1; zeros for a claim with no rows */
    int64_t n;          /* MAX(claim_id) + 1 */
} ar_ledger;

/*
 * Sums every claim's ledger rows; asof RCM_DATE_NONE takes every row into
 * the balances. When the store has the ledger summary (AR_SUM_SCHEMA) it
 * reads the sums kept there, folds only the rows posted since and writes
 * them back (best effort: a store it cannot write now is summed again next
 * time); balances as of a date before the ledger's latest effective date
 * then take the rows effective after it back out. Without the summary it
 * folds the whole ledger.
 */
int ar_ledger_load(rcm_cycle *cy, rcm_date asof, ar_ledger *out, rcm_error *err);

/*
 * The ledger summary: each claim's sums (the fields of ar_money) through
 * ledger row ledger_sum_state.through_entry, the latest effective date among
 * them, and an index of the ledger by effective date (the rows to take back
 * out for balances as of an earlier date). A cache of the append-only
 * ledger, derived, never the truth: only the reports write it
 * (ar_ledger_load), after the rows they fold; emptying both tables is always
 * safe (the next report rebuilds them). Schema migration 8 creates it
 * (lib/store/schema.c holds the same SQL; this copy lets tests and the
 * benchmark drop and re-create it); a store without it has every report
 * fold the whole ledger.
 */
#define AR_SUM_SCHEMA                                                                                        \
    "CREATE TABLE ledger_sum ("                                                                              \
    " claim_id INTEGER NOT NULL PRIMARY KEY REFERENCES claim (claim_id),"                                    \
    " charge_cents BIGINT NOT NULL, payer_paid_cents BIGINT NOT NULL, patient_paid_cents BIGINT NOT NULL,"   \
    " contractual_cents BIGINT NOT NULL, writeoff_cents BIGINT NOT NULL,"                                    \
    " payer_cents BIGINT NOT NULL, patient_cents BIGINT NOT NULL);"                                          \
    "CREATE TABLE ledger_sum_state ("                                                                        \
    " id INTEGER NOT NULL PRIMARY KEY,"                                                                      \
    " through_entry BIGINT NOT NULL,"                                                                        \
    " max_effective INTEGER);"                                                                               \
    "CREATE INDEX ledger_effective ON ledger (effective);"
void ar_ledger_release(ar_ledger *l);

/* A growable map from a row id to a small index (group numbers). */
typedef struct ar_idmap {
    int64_t *keys;
    int32_t *vals;
    size_t cap, n;
} ar_idmap;

/* The index of key, added as n (the count before) when new; -1 when out of memory. */
int32_t ar_idmap_get(ar_idmap *m, int64_t key);
/* The index of key, -1 when it is not in the map. */
int32_t ar_idmap_find(const ar_idmap *m, int64_t key);
void ar_idmap_release(ar_idmap *m);

/* Claim statuses still with a payer or waiting to be sent (no final verdict yet). */
int ar_status_waiting(const unsigned char *status, int len);

#endif
