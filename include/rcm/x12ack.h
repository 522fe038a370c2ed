/*
 * Acknowledging X12 input: the TA1 interchange acknowledgment and the 999
 * implementation acknowledgment (005010X231A1), built from the problems the
 * envelope walker and the implementation guides find (include/rcm/x12.h,
 * include/rcm/guide.h). The design is in docs/x12-ack.md.
 *
 * What is written, per input interchange, is one output interchange with
 * the sender and receiver swapped (ISA05/06 <-> ISA07/08, GS02 <-> GS03):
 *   - a TA1 when the interchange envelope has a problem (TA104 R with the
 *     first TA105 code; E when the only problems are warnings or an IEA01
 *     count that is off) or when ISA14 asks for one (TA104 A, TA105 000);
 *   - unless TA104 is R, one FA group with one 999 per input functional
 *     group: AK1, per set AK2, an IK3 per segment in error (IK4 per element
 *     in error, CTX when the guide names a business unit), IK5; AK9.
 *     A group or set the 999 cannot name validly (GS06 not 1-9 digits, no
 *     GS08, ST01 not 3 digits, ST02 not 4-9 characters) rejects its
 *     interchange instead (TA1 R 024).
 * An input interchange with no transaction set and no TA1 to send is not
 * answered.
 *
 * Streaming: the input is read once; the builder holds the open set's IK3s
 * (at most max_segment_errors, each with at most 99 IK4s; written in
 * segment order at its SE), and an interchange's 999s are kept in memory up
 * to spool_memory bytes, then in an anonymous temporary file, until the
 * interchange ends and the TA1 decision is known. Memory does not grow with
 * the number of sets, claims or problems.
 */
#ifndef RCM_X12ACK_H
#define RCM_X12ACK_H

#include <stdint.h>
#include "x12.h"
#include "ack.h"
#include "x12write.h"

struct rcm_guides; /* include/rcm/guide.h */

/* Where output goes: returns 0, or a negative RCM_E* to stop (RCM_EIO). */
typedef int (*rcm_x12_ack_sink)(void *ctx, const char *p, size_t n);

typedef struct rcm_x12_ack_opts {
    rcm_x12_delims delims;          /* output separators; default * : ^ ~ */
    int newline;                    /* a '\n' after each segment terminator */
    uint32_t control;               /* ISA13 and GS06 of the first interchange written (1..999999999),
                                       counting up by one for each further interchange; default 1 */
    rcm_date date;                  /* ISA09, GS04; required (the library never reads the clock) */
    char time[5];                   /* HHMM for ISA10 and GS05; required */
    uint32_t max_segment_errors;    /* IK3s written per set at most; 0: 1000 */
    size_t spool_memory;            /* bytes of 999s held in memory per interchange before they go
                                       to a temporary file; 0: 1 MiB */
    rcm_x12_ack_sink write;         /* required */
    void *write_ctx;
} rcm_x12_ack_opts;

/* Sets the defaults above (no date, no sink). */
RCM_API void rcm_x12_ack_opts_init(rcm_x12_ack_opts *o);

typedef struct rcm_x12_ack_stats {
    long interchanges;              /* output interchanges written */
    long ta1_accepted, ta1_errors, ta1_rejected; /* TA1s written, by TA104 A, E, R */
    long groups;                    /* 999s written (one per acknowledged input group) */
    long groups_accepted, groups_errors, groups_partial, groups_rejected; /* AK901 A, E, P, R */
    long sets;                      /* AK2s written */
    long sets_accepted, sets_errors, sets_rejected; /* IK501 A, E, R */
    long segment_errors;            /* IK3s written */
    long element_errors;            /* IK4s written */
    long segment_errors_dropped;    /* IK3s not written: over max_segment_errors in their set */
    long element_errors_dropped;    /* IK4s not written: over 99 in their IK3 */
    long problems, errors;          /* everything the walker and the guides reported */
    long problems_unplaced;         /* problems outside any interchange: nothing acknowledges them */
    char first_rejection[8];        /* the first rejecting code written: "TA1 024", "IK5 5" */
} rcm_x12_ack_stats;

/*
 * Reads r to its end through the envelope walker and the guides (NULL: the
 * envelope and X12 syntax only), writing the acknowledgment to o->write.
 * Returns 0 when the input was read and everything written (problems in
 * the input are what the acknowledgment says, not errors), RCM_EINVAL for
 * bad options, a negative RCM_E* when the input was too broken to read
 * (then what was already written covers the interchanges before the break:
 * a caller that wants all or nothing writes to a temporary file) or output
 * failed. stats may be NULL.
 */
RCM_API int rcm_x12_ack_build(rcm_x12_reader *r, const struct rcm_guides *guides, const rcm_x12_ack_opts *o,
                              rcm_x12_ack_stats *stats, rcm_error *err);

/*
 * TA1 interchange acknowledgments: one interchange (ISA, the TA1s, IEA with
 * no functional group) appended to out. Each TA1 writes control (TA101, 9
 * digits), date (TA102, YYMMDD), time (TA103), status (TA104 A, E or R) and
 * note (TA105, 3 digits). Nothing is appended and RCM_EINVAL returned when
 * a value cannot be written.
 */
RCM_API int rcm_x12_write_ta1(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ta1 *ta1, uint32_t n,
                              rcm_error *err);

#endif
