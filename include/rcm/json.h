/*
 * The JSON face of the models (jansson). Each *_to_json returns a new
 * reference the caller releases with json_decref(), or NULL when out of
 * memory. The shapes are documented in docs/claim-json.md (claims),
 * docs/x12-json.md (remittances, acknowledgments, problems) and
 * docs/scrub.md (scrub findings).
 */
#ifndef RCM_JSON_H
#define RCM_JSON_H

#include <jansson.h>
#include "x12read.h"
#include "scrub.h"

/* 837 claims: lib/claim/claim_json.c */
RCM_API json_t *rcm_claim_to_json(const rcm_claim *c);
/*
 * Reads one claim object. On success *out is a claim that owns all its
 * arrays; free it with rcm_claim_free(). Errors name the JSON path of the
 * bad field ("lines[2].charge_cents: ..."), with err->line the claim's line in a
 * JSON Lines input when the caller set it.
 */
RCM_API int rcm_claim_from_json(rcm_claim **out, const json_t *j, rcm_error *err);
RCM_API void rcm_claim_free(rcm_claim *c);

/* 835: lib/claim/remit_json.c */
RCM_API json_t *rcm_remit_claim_to_json(const rcm_remit_claim *c);
RCM_API json_t *rcm_remit_to_json(const rcm_remit *r);   /* header, PLB, totals */

/* acknowledgments and structural sets: lib/claim/ack_json.c */
RCM_API json_t *rcm_ack999_to_json(const rcm_ack999 *a);
RCM_API json_t *rcm_ack277_to_json(const rcm_ack277 *a);
RCM_API json_t *rcm_ta1_to_json(const rcm_ta1 *t);
RCM_API json_t *rcm_x12_generic_to_json(const rcm_x12_generic *g);

/* problems: lib/claim/problem_json.c */
RCM_API json_t *rcm_x12_problem_to_json(const rcm_x12_problem *p);

/*
 * A scrub finding: rule, severity, route, claim, claim_index, line (the
 * line positions, [] for a claim-level finding), codes, message, hint and
 * source (table, version, file, line and the row's fields; null when the
 * finding rests on no table). lib/claim/finding_json.c
 */
RCM_API json_t *rcm_finding_to_json(const rcm_finding *f);

#endif
