/*
 * Coding and claims: the coder's hand-off to the biller.
 *
 * A coder takes an encounter from the queue, assigns diagnoses and lines
 * (procedure, modifiers, units, diagnosis pointers), and signs it off. The
 * scrubber runs on every assignment: its findings come back at once.
 * Sign-off is refused (RCM_EDENIED, the blocking findings returned) while an
 * error routed to the coder is neither fixed nor overridden with a reason.
 *
 * rcm_claims_build turns every signed-off encounter into a claim to its
 * primary payer (837P or 837I by the encounter's kind), charges from the
 * practice's fee schedule, scrubbed again: a claim with an error routed to
 * the biller is held in the biller's queue; the others are ready to submit.
 *
 * Each function checks the permission its comment names (RCM_PERMS in
 * include/rcm/cycle.h) before anything else: without it, RCM_EDENIED and a
 * "denied" audit event. Changes are audit events with their before -> after
 * values (codes, statuses, amounts); reads of an encounter's coding or of a
 * claim, and each list, are "read" events written before the data is
 * returned.
 */
#ifndef RCM_CODING_H
#define RCM_CODING_H

#include <stdint.h>
#include <jansson.h>
#include "cycle.h"
#include "claim.h"
#include "scrub.h"

#define RCM_CODING_MAX_LINES 50

typedef struct rcm_coding_line {
    char code[49];
    char mods[RCM_CLAIM_MAX_MODS][3];
    int64_t units_milli;                /* thousandths: 1000 = one unit */
    uint8_t ptrs[RCM_CLAIM_MAX_PTR];    /* 1-based into dx, 0 = none (837I lines carry none) */
    char rev_code[5];                   /* 837I: the revenue code (SV201), 4 digits; '' on 837P */
} rcm_coding_line;

/* An encounter's codes: diagnoses (first = principal, without the dot) and lines. */
typedef struct rcm_coding {
    uint32_t n_dx;
    char dx[RCM_CLAIM_MAX_DX][8];
    uint32_t n_lines;
    rcm_coding_line lines[RCM_CODING_MAX_LINES];
} rcm_coding;

/* One encounter waiting for a coder (status new or coded). */
typedef struct rcm_coding_item {
    int64_t encounter_id;
    char ext_id[41];
    rcm_date dos;
    char provider_npi[11];
    char status[8];                     /* new / coded */
    uint32_t n_dx, n_lines;             /* codes assigned so far */
    int has_proposed;                   /* the EHR proposed codes */
} rcm_coding_item;

/* The coder's queue, oldest date of service first; free(*out). Needs coding.read (a read event for the list). */
RCM_API int rcm_coding_queue(rcm_cycle *cy, rcm_coding_item **out, size_t *n, rcm_error *err);

/*
 * The encounter's assigned codes, or (proposed = 1) the codes the EHR
 * proposed. Needs coding.read (a read event on the encounter).
 */
RCM_API int rcm_coding_get(rcm_cycle *cy, int64_t encounter_id, int proposed, rcm_coding *out, rcm_error *err);

/*
 * Replaces the encounter's codes with codes (status becomes coded; a signed
 * encounter goes back to coded) and scrubs the claim it would produce:
 * every finding is returned in findings. Earlier overrides of rules that no
 * longer fire are dropped. Errors: RCM_EINVAL (bad code format, pointer
 * beyond the diagnoses...), RCM_EDENIED (already billed). Needs
 * coding.write; the event "assign" has the codes before -> after.
 */
RCM_API int rcm_coding_assign(rcm_cycle *cy, int64_t encounter_id, const rcm_coding *codes, rcm_findings *findings,
                              rcm_error *err);

/*
 * Overrides a coder-routed finding (rule id, line number or 0) with a reason
 * (required). Needs coding.write; the event "override" keeps the rule, the
 * line and the reason (the one it replaces too).
 */
RCM_API int rcm_coding_override(rcm_cycle *cy, int64_t encounter_id, const char *rule_id, uint32_t line,
                                const char *reason, rcm_error *err);

/*
 * Signs the encounter off (status signed). RCM_EDENIED when coder-routed
 * errors remain open: they are returned in blocking (when not NULL). Needs
 * coding.write.
 */
RCM_API int rcm_coding_signoff(rcm_cycle *cy, int64_t encounter_id, rcm_findings *blocking, rcm_error *err);

typedef struct rcm_build_report {
    long encounters;        /* encounters turned into claims */
    long claims, ready, held, lines;
    long secondary;         /* secondary claims built (rcm_cob_build) */
    int64_t charge_cents;
    long uncovered;         /* signed-off encounters left without a claim: no coverage in force */
} rcm_build_report;

/*
 * The coder's view of an encounter as JSON: "encounter" (the EHR's id),
 * "encounter_id", "date", "kind", "status", "provider" (NPI), "payer" (the
 * code of the primary coverage in force, '' when none), "documentation"
 * (services, problems, note: the clinician's words as imported), "proposed"
 * and "assigned" codes ({"dx": [...], "lines": [{"code", "mods", "units",
 * "ptrs", "rev_code"}]}), "findings" (the scrubber's on the claim the
 * assigned codes would produce, each with "overridden": the reason or
 * null; [] before codes are assigned) and "overrides" (rule, line, reason,
 * user). Never the patient's name or date of birth. The caller owns *out.
 * Needs coding.read (a read event on the encounter).
 */
RCM_API int rcm_coding_show(rcm_cycle *cy, int64_t encounter_id, json_t **out, rcm_error *err);

/*
 * Builds claims from every signed-off encounter without one, in one
 * transaction: each to its primary coverage in force on the date of service
 * (none: the encounter stays signed and a biller work item says so), the
 * encounter then billed. The claim numbers are taken first, committed
 * (never reused, skipped when unused): call it outside a transaction, or
 * they are taken with the caller's. Needs claims.build; each claim built is
 * an event "build" (entity claim).
 */
RCM_API int rcm_claims_build(rcm_cycle *cy, rcm_build_report *out, rcm_error *err);

/*
 * Rechecks claim_id, or (claim_id 0) every claim held or rejected, in one
 * transaction, after the biller fixed their data (a practice file with the
 * missing fee, a coverage, a provider): lines charged 0 for want of a fee
 * are priced from the fee schedule as it is now (an original claim gets a
 * charge row for each, so its charges still equal its lines), the claim is
 * assembled from the current practice, coverage and providers, scrubbed
 * again and its findings replaced. It becomes ready when no error routed to
 * the biller remains (its open scrub and rejection work items are closed),
 * else held (a scrub work item added unless one of those is open). A
 * rejected claim made ready keeps its number and frequency: it never
 * reached adjudication, so the next submission sends it as it is.
 * *out (may be NULL): claims rechecked, ready, held; lines: lines repriced,
 * charge_cents: what they add. Errors: RCM_ENOTFOUND (no such claim),
 * RCM_EDENIED (the claim named is neither held nor rejected); nothing is
 * written then. Needs claims.build; an event "recheck" per claim (status
 * and charge before -> after).
 */
RCM_API int rcm_claims_recheck(rcm_cycle *cy, int64_t claim_id, rcm_build_report *out, rcm_error *err);

/* One claim as a list shows it. */
typedef struct rcm_claim_item {
    int64_t claim_id;
    char claim_no[39];
    char encounter[41];                 /* the EHR's id */
    char payer[24];                     /* the payer's code */
    char seq, kind, freq;               /* P/S/T, P/I, 1/7/8 */
    char status[12];
    rcm_date dos;                       /* the first date of service */
    int64_t charge_cents;
    int64_t balance_cents;              /* what the ledger says is owed on it, by anyone */
    long errors;                        /* error findings when it was built */
} rcm_claim_item;

/*
 * Claims in claim id order; status and payer (a code) filter when not NULL.
 * free(*out). Errors: RCM_ENOTFOUND (no such payer), RCM_EINVAL (no such
 * status), RCM_EIO. Needs claims.read (a read event for the list).
 */
RCM_API int rcm_claims_list(rcm_cycle *cy, const char *status, const char *payer, rcm_claim_item **out,
                            size_t *n, rcm_error *err);

/*
 * A claim by its claim number (CLM01), or "#N" for claim id N. RCM_ENOTFOUND
 * when none. Needs claims.read (only an id: no read event).
 */
RCM_API int rcm_claim_find(rcm_cycle *cy, const char *ref, int64_t *out, rcm_error *err);

/*
 * The stored claim as claims JSON (docs/claim-json.md) with its cycle facts
 * under "cycle": claim id, status, payer code, sequence, balance by party,
 * findings. The caller owns the reference (json_decref). Needs claims.read
 * (a read event on the claim).
 */
RCM_API int rcm_claim_show(rcm_cycle *cy, int64_t claim_id, json_t **out, rcm_error *err);

#endif
