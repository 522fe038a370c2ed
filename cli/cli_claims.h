/*
 * Reading claims JSON (docs/claim-json.md), shared by the commands that take
 * claims: rcm x12 write and rcm scrub.
 *
 * The input is a sequence of JSON values separated by white space: JSON
 * Lines as rcm x12 json prints them, one claim object (on one line or
 * indented over many), or arrays of claim objects. Objects whose "type" is
 * not "claim" are skipped (rcm x12 json's other records); objects without a
 * "type" are claims. Values are read one at a time, so memory stays flat
 * whatever the size of the input, and each claim is located by the line its
 * object starts on.
 */
#ifndef RCM_CLI_CLAIMS_H
#define RCM_CLI_CLAIMS_H

#include <stdio.h>
#include "rcm/rcm.h"

/*
 * Called with each claim (borrowed: valid during the call), the line its
 * object starts on and its index among the claims of the input (0-based).
 * Returns 0 to go on, or a negative RCM_E* with err->msg saying what is
 * wrong with the claim (printed located by the reader, which then stops).
 */
typedef int (*cli_claim_fn)(void *ctx, const rcm_claim *c, long line, long index, rcm_error *err);

typedef struct cli_claims_stats {
    long values;        /* top-level JSON values read (arrays count once) */
    long claims;        /* claim objects read */
} cli_claims_stats;

/*
 * Reads claims JSON from in: first the npre bytes at pre (what a caller
 * already read to detect the format; may be NULL), then the rest of in.
 * name names the input in messages. A UTF-8 byte order mark at the start is
 * skipped. Calls fn for every claim. Errors are printed to stderr, located:
 *   rcm: NAME:LINE: not JSON: TEXT
 *   rcm: NAME:LINE: claims[I]: PATH: MESSAGE
 * Returns 0 when the input was read to its end, else the negative RCM_E*
 * of the first error (reading stops there). stats may be NULL.
 */
int cli_claims_read(FILE *in, const void *pre, size_t npre, const char *name, cli_claim_fn fn, void *ctx,
                    cli_claims_stats *stats);

#endif
