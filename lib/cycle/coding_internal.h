/*
 * Checking a coder's codes (lib/cycle/coding.c). Not public: coding.c checks
 * the codes assigned to an encounter, denial.c the corrected codes of a
 * denied claim; both read them the same way.
 */
#ifndef RCM_CYCLE_CODING_INTERNAL_H
#define RCM_CYCLE_CODING_INTERNAL_H

#include "rcm/coding.h"

/* What the codes are for. */
typedef enum coding_use {
    CODING_ENCOUNTER,   /* assigned to an encounter: an 837I line needs its revenue code */
    CODING_CORRECTION   /* a denied claim's corrected codes: at least one diagnosis and one line (deleting
                           them all is a void, not a replacement); an 837I line may leave its revenue
                           code to the line it replaces */
} coding_use;

/*
 * Checks and normalizes in (diagnoses without their dot, parts copied
 * within their sizes) into out, for a claim of kind 'P' or 'I'. Each
 * message starts with subject ("encounter ENC-1: ", or ""). Errors:
 * RCM_EINVAL naming the first bad code; out is then partly written.
 * What the scrubber reports (a line without a pointer...) is left to it.
 */
int coding_codes_check(const rcm_coding *in, char kind, coding_use use, const char *subject, rcm_coding *out,
                       rcm_error *err);

#endif
