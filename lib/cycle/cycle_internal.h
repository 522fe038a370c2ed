/*
 * What the cycle's modules share inside librcm: the handle, row ids, audit
 * events, exchanged files, control numbers, work items, and the claim
 * contracts (create, assemble, scrub) that claims, corrections and secondary
 * claims all go through. Not public.
 *
 * Ledger rules every module keeps (the ledger table's comment in
 * lib/store/schema.c is the definition):
 * - A row is never updated or deleted. amount_cents is what it adds to the
 *   balance owed on claim_id by payer_id (NULL: the patient).
 * - Only an original claim (freq 1, not a secondary, not a rebill of another
 *   claim to a new payer) has charge rows. A replacement (freq 7), a rebill
 *   (original_claim_id set) or a secondary claim starts with transfer rows
 *   that move an open balance from the claim it follows.
 * - Contractual and other automatic adjustments (the routing table's route
 *   "auto") post as adjustment rows; patient shares (PR 1/2/3...) as
 *   transfers to the patient; denials (route coder/biller) leave the amount
 *   open on the payer and become denial rows and work items.
 * - A claim in status replaced carries no balance: what is posted to it later
 *   (a reversal) is transferred on to its replacement.
 */
#ifndef RCM_CYCLE_INTERNAL_H
#define RCM_CYCLE_INTERNAL_H

#include <stdint.h>
#include <sqlite3.h>
#include "rcm/cycle.h"
#include "rcm/claim.h"
#include "rcm/scrub.h"
#include "rcm/codeset.h"
#include "rcm/edits.h"
#include "../store/store_internal.h"
#include "../audit/chain.h"
#include "../util/util.h"

struct rcm_cycle {
    rcm_store *st;
    char user[64];
    int64_t user_id;
    int64_t wall;               /* the real time the session was checked at (rcm_cycle_open); sessions,
                                   lock-outs and exceptions' live state use it, not now */
    int64_t session_end;        /* the session's expires_at */
    unsigned roles;             /* RCM_ROLE_* */
    char roles_s[40];           /* the same, formatted for the audit events */
    char origin[128];
    audit_stmts aq;             /* the trail's statements, kept for the handle's life */
    char session[17];           /* the first 16 hex digits of the session's token hash, for the events */
    /* a separation-of-duties denial found inside a transaction, written by cycle_flush_denial after
       the caller's rollback ('' when none) */
    char pending_action[24];
    int64_t pending_claim;
    char pending_why[200];
    int64_t now;
    rcm_date today;
    int64_t practice_id;        /* 0 until looked up (cycle_practice) */
    /* the scrubber, built from the store on first use (lib/cycle/scrubber.c) */
    rcm_codeset *codeset;
    rcm_edits *edits;           /* closed with rcm_edits_close */
    rcm_scrub *scrub;
};

static inline sqlite3 *cycle_db(rcm_cycle *cy) { return store_db(cy->st); }

/*
 * The store's practice (the first one). RCM_ENOTFOUND with "no practice in
 * the store: run 'rcm practice import'" when there is none.
 */
int cycle_practice(rcm_cycle *cy, int64_t *out, rcm_error *err);

/*
 * The next row id of table (max(col) + 1). Call inside the writing
 * transaction; a module inserting many rows takes the first and counts on.
 */
int cycle_next_id(rcm_cycle *cy, const char *table, const char *col, int64_t *out, rcm_error *err);

/*
 * Appends an audit event (who = the cycle's user, when = now) to the chained
 * trail, inside the caller's transaction (or its own when none is open).
 * entity: a table name; detail: record ids, codes, amounts and before/after
 * values, never names or clinical text. The patient and claim the record
 * belongs to are looked up for entity claim, encounter, coverage, denial,
 * appeal, statement, work_item and patient (so rcm audit log --patient finds
 * the event).
 */
int cycle_audit(rcm_cycle *cy, const char *action, const char *entity, int64_t entity_id,
                const char *detail, rcm_error *err);

/*
 * The same with the outcome given ("ok", "denied", "failed"). patient_id 0:
 * the patient and claim are looked up from the entity; else both are as
 * given (claim_id 0: no claim).
 */
int cycle_audit_full(rcm_cycle *cy, const char *action, const char *outcome, const char *entity, int64_t entity_id,
                     int64_t patient_id, int64_t claim_id, const char *detail, rcm_error *err);

/*
 * A read of patient data: an event "read" (detail: what was shown, e.g.
 * "claims list status=ready rows=12"), written in its own committed
 * transaction before the data is returned. Call outside any transaction.
 */
int cycle_audit_read(rcm_cycle *cy, const char *entity, int64_t entity_id, const char *detail, rcm_error *err);

/*
 * Checks the handle's user holds p (include/rcm/cycle.h RCM_PERMS). 0 when
 * so; else writes a "denied" event (in its own transaction: call before the
 * step's transaction begins) and returns RCM_EDENIED with "user 'x' (roles)
 * may not WHAT: needs the R role". (lib/access/perm.c)
 */
int cycle_require(rcm_cycle *cy, rcm_perm p, rcm_error *err);

/*
 * Separation of duties on one claim (inside the step's transaction): what is
 * "submit", "post" or "writeoff". 0 when the user did not code the claim, or
 * did and holds a live exception (an event "sod-exception" records the use);
 * else RCM_EDENIED ("user 'x' coded claim C... and may not submit it:
 * separation of duties") with the denial kept in the handle: the caller rolls
 * back and then calls cycle_flush_denial. (lib/access/sod.c)
 */
int cycle_sod(rcm_cycle *cy, int64_t claim_id, const char *what, rcm_error *err);

/* Writes the kept denial, if any, as a "denied" event in its own transaction; never fails the caller. */
void cycle_flush_denial(rcm_cycle *cy);

/*
 * Reads a whole file into memory (*out malloc'ed, NUL-terminated, *len its
 * size). RCM_EIO with the file named when it cannot be read.
 */
int cycle_read_file(const char *path, char **out, size_t *len, rcm_error *err);

/*
 * Writes data to path atomically: a temporary file beside it, fsync, rename.
 * RCM_EIO on failure (nothing is left at path then).
 */
int cycle_write_file(const char *path, const void *data, size_t len, rcm_error *err);

/*
 * Records an exchanged file (kind 837P 837I 999 277CA TA1 835, direction in
 * or out) by its SHA-256. When the same bytes were recorded before, *existed
 * is 1 and *file_id the earlier row (nothing is written). Inside the caller's
 * transaction.
 */
int cycle_file_put(rcm_cycle *cy, const char *kind, const char *direction, const char *name,
                   const char *data, size_t len, int64_t *file_id, int *existed, rcm_error *err);

/*
 * Takes the next value of a control counter (isa, gs, claim...) in its own
 * committed transaction, so the number is never handed out twice even if the
 * caller then fails or the process dies. Must be called outside any open
 * transaction (RCM_EINVAL otherwise). n > 1 reserves a range: *out is its
 * first value. Values start at 1.
 */
int cycle_counter_take(rcm_cycle *cy, const char *name, int64_t n, int64_t *out, rcm_error *err);

/*
 * Room for one more element in a growing array: v when n < *cap, else v
 * reallocated to twice *cap (first when *cap is 0) elements of elem bytes,
 * *cap updated. NULL when out of memory (or the size overflows): v is then
 * unchanged and still the caller's to free.
 */
void *cycle_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first);

/* A new work item (inside the caller's transaction). */
typedef struct cycle_work {
    const char *queue;          /* RCM_QUEUE_* */
    const char *kind;
    int64_t claim_id, encounter_id, denial_id, remit_claim_id; /* 0: none */
    int64_t amount_cents;
    rcm_date due;               /* RCM_DATE_NONE: none */
    const char *summary;        /* ids and codes only, never patient names */
} cycle_work;
int cycle_work_add(rcm_cycle *cy, const cycle_work *w, int64_t *item_id, rcm_error *err);

/* ---- claims (lib/cycle/claims.c) ---- */

/* One line of a claim to create. */
typedef struct cycle_line {
    char code[49];
    char mods[RCM_CLAIM_MAX_MODS][3];
    int64_t units_milli;
    int64_t charge_cents;       /* < 0: from the practice's fee schedule x units */
    uint8_t ptrs[RCM_CLAIM_MAX_PTR];
    rcm_date dos;               /* RCM_DATE_NONE: the encounter's date */
    char rev_code[5];           /* 837I */
} cycle_line;

typedef struct cycle_claim_new {
    int64_t encounter_id;
    int64_t coverage_id;        /* the payer billed: its coverage row */
    char freq;                  /* '1' '7' '8' */
    int64_t original_claim_id;  /* freq 7/8: the claim replaced; 0 */
    int64_t primary_claim_id;   /* a secondary claim: the claim the prior payer adjudicated; 0 */
    char original_icn[51];      /* REF*F8 for 7/8 */
    int charge;                 /* 1: write charge rows (original claims only) */
    uint32_t n_dx;
    char dx[RCM_CLAIM_MAX_DX][8];
    uint32_t n_lines;
    const cycle_line *lines;
    /* CLM01 when the caller reserved it ("C" + 9 digits from cycle_counter_take "claim" before its
       transaction); '': cycle_claim_create advances the "claim" counter inside the caller's transaction */
    char claim_no[39];
} cycle_claim_new;

/*
 * Creates a claim inside the caller's transaction: a new claim_no, the claim,
 * claim_dx and claim_line rows, charge rows when spec->charge, then
 * assembles and scrubs it: the findings are stored (claim_finding) and
 * returned in findings (when not NULL); the status is held when any error is
 * routed to the biller (a biller work item per claim), else ready.
 */
int cycle_claim_create(rcm_cycle *cy, const cycle_claim_new *spec, int64_t *claim_id,
                       rcm_findings *findings, rcm_error *err);

/*
 * Assembles the full claim model of a stored claim: practice (billing
 * provider, submitter, receiver), payer, subscriber and patient from the
 * coverage, rendering and referring providers, dates, diagnoses, lines; a
 * secondary claim also gets the prior payer's adjudication (2320/2430) from
 * the primary claim's posted remittance. Arrays are allocated in mem (the
 * caller resets or releases it); out is overwritten.
 */
int cycle_claim_assemble(rcm_cycle *cy, int64_t claim_id, rcm_claim *out, arena *mem, rcm_error *err);

/*
 * The claim an encounter would produce now (its coding, its primary
 * coverage), for scrubbing as the coder works. Same allocation as above.
 */
int cycle_encounter_claim(rcm_cycle *cy, int64_t encounter_id, rcm_claim *out, arena *mem, rcm_error *err);

/* The scrubber over the store's reference data, built on first use and kept in cy. */
int cycle_scrubber(rcm_cycle *cy, const rcm_scrub **out, rcm_error *err);

/* ---- remittance adjudication for secondary claims (lib/cycle/cob.c) ---- */

/*
 * Fills c->other (2320/2330) and each line's adj (2430) from the primary
 * claim's posted remittance rows (remit_claim, remit_line, ledger), in mem.
 */
int cycle_cob_fill(rcm_cycle *cy, int64_t primary_claim_id, rcm_claim *c, arena *mem, rcm_error *err);

/* ---- the denial routing table (lib/cycle/route.c) ---- */

typedef struct cycle_route {
    char route[8];              /* coder biller patient auto */
    char root[20];              /* bundling modifier dx-mismatch ... (schema.c, denial_route) */
    int denial;                 /* 1: counts as a denial in the metrics */
} cycle_route;

/* Classifies one adjustment by (group, CARC, RARCs of its line or claim). Never fails. */
void cycle_route_classify(rcm_cycle *cy, const char *group, const char *carc, const char *const *rarcs,
                          size_t n_rarcs, cycle_route *out);

#endif
