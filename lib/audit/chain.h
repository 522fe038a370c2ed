/*
 * The audit trail's chain: how an event is hashed and appended. Shared by
 * the cycle (lib/cycle/cycle.c), authentication (lib/access) and the
 * verifier (lib/audit/trail.c). Not public.
 */
#ifndef RCM_AUDIT_CHAIN_H
#define RCM_AUDIT_CHAIN_H

#include <stdint.h>
#include <sqlite3.h>
#include "rcm/error.h"
#include "rcm/store.h"

/* An event's fields, as stored in audit_log (strings never NULL once filled by audit_append). */
typedef struct audit_row {
    int64_t at;
    int64_t user_id;
    const char *user, *roles, *origin;
    const char *action, *outcome;
    const char *entity;
    int64_t entity_id, patient_id, claim_id;
    const char *detail;
} audit_row;

#define AUDIT_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/*
 * The event's hash: BLAKE2b-256 over the domain tag "rcm-audit-v1", the
 * previous hash (32 bytes), seq, at, user_id, entity_id, patient_id and
 * claim_id (8 bytes little-endian each), then user, roles, origin, action,
 * outcome, entity and detail (each a 4-byte little-endian length and its
 * bytes). out: 64 lowercase hex digits and a NUL. prev_hex must be 64 hex
 * digits (anything else hashes as if it were zeros and never matches).
 */
void audit_hash(const audit_row *r, int64_t seq, const char *prev_hex, char out[65]);

/*
 * The two statements an append runs (the head, the insert), kept by a caller
 * that appends many events (a cycle handle keeps one pair for its life).
 * Zero the struct first; audit_append prepares them on first use.
 */
typedef struct audit_stmts {
    sqlite3_stmt *head, *ins;
} audit_stmts;

/*
 * Appends r at the head of the chain inside the caller's transaction (or,
 * when none is open, in a transaction of its own), through q's statements
 * (NULL: prepared for this call only). *seq gets its number (may be NULL).
 */
int audit_append(rcm_store *st, audit_stmts *q, const audit_row *r, int64_t *seq, rcm_error *err);

/* Finalizes q's statements (q may be reused: it is zeroed). */
void audit_stmts_release(audit_stmts *q);

#endif
