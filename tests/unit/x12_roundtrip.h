/*
 * Helpers for the X12 writer tests (test_x12_w835.c, test_x12_wack.c),
 * which read a sample into its model, write it back and read it again:
 * reading a text through typed callbacks, counting the reader's problems,
 * comparing models through their JSON face without file positions, loading
 * a sample file, a default envelope, validating against the built-in guides.
 */
#ifndef X12_ROUNDTRIP_H
#define X12_ROUNDTRIP_H

#include <stddef.h>
#include <stdint.h>
#include "rcm/json.h"
#include "rcm/x12read.h"
#include "rcm/x12write.h"

/* The problems one read reported: all of them, the errors, the first error as text. */
typedef struct x12rt_problems {
    long errors, problems;
    char first[256];
} x12rt_problems;

/* Counts p into pr (a problem callback's body). */
void x12rt_count_problem(x12rt_problems *pr, const rcm_x12_problem *p);

/* Opens text (named source in messages) and reads it through cb (asserts both succeed). */
void x12rt_read(const char *text, size_t len, const char *source, const rcm_x12_typed_cb *cb);

/* Drops the file positions ("segment", "line") at every depth of j. */
void x12rt_strip(json_t *j);

/* j stripped (x12rt_strip) and dumped with sorted keys; takes j's reference, caller frees the text. */
char *x12rt_dumps(json_t *j);

/* The whole file at path, NUL-terminated, its length in *len (asserts); caller frees. */
char *x12rt_slurp(const char *path, size_t *len);

/*
 * Validates text against rcm's built-in implementation guides (walker and
 * guides, rcm_x12_validate) and asserts that no problem was found, error or
 * warning (a set with no guide is a warning): what rcm writes must pass
 * its own guides. source names the text in the failure message.
 */
void x12rt_assert_valid(const char *text, size_t len, const char *source);

/* The same without asserting: the number of problems, the first as text into first (may be NULL). */
long x12rt_guide_problems(const char *text, size_t len, const char *source, char *first, size_t firstsz);

/* A PAYER01 to CLINIC01 envelope of 2026-11-02 12:00 with ISA13 and GS06 both control. */
void x12rt_envelope(rcm_x12_envelope *e, uint32_t control);

#endif
