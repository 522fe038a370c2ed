/*
 * Assembling many stored claims at once (lib/cycle/claims.c). Not public.
 *
 * cycle_claim_assemble prepares its statements and reads the practice, its
 * providers and payers on every call: right for one claim, slow for a batch.
 * A submission of thousands of claims opens a cycle_claims once, assembles
 * each claim through it (statements prepared once, entity rows read once),
 * and closes it. The rows it caches are those of the moment it was opened:
 * use one for one step (one transaction), never across steps.
 */
#ifndef RCM_CYCLE_CLAIMS_H
#define RCM_CYCLE_CLAIMS_H

#include "cycle_internal.h"

typedef struct cycle_claims cycle_claims;

/* Errors: RCM_ENOMEM. Nothing is read until the first claim. */
int cycle_claims_open(rcm_cycle *cy, cycle_claims **out, rcm_error *err);

/* cycle_claim_assemble through cc: the same claim, in mem. */
int cycle_claims_assemble(cycle_claims *cc, int64_t claim_id, rcm_claim *out, arena *mem, rcm_error *err);

/* Finalizes the statements and frees the cache. NULL does nothing. */
void cycle_claims_close(cycle_claims *cc);

/*
 * Rewords a SYN-008 finding (a line charge of 0) on a line the fee schedule
 * could not price, so the biller reads why: no fee for the code (and first
 * modifier), or no procedure code at all (an 837I revenue-code line).
 * Other findings are left alone.
 */
void cycle_explain_unpriced(rcm_finding *f, const char *code, const char *mod, const char *rev);

#endif
