/*
 * The X12 5010 engine: a streaming tokenizer, an envelope walker that checks
 * ISA/GS/ST control structure, and the visitor interface the typed readers
 * (835, 837P/I, 999, 277CA, TA1...) plug into.
 *
 * Memory does not grow with input size: the reader holds one fixed buffer
 * (RCM_X12_BUFSZ) and a segment is valid until the next rcm_x12_next().
 */
#ifndef RCM_X12_H
#define RCM_X12_H

#include <stdint.h>
#include "error.h"
#include "buf.h"

#define RCM_X12_MAX_ELEMS 64                 /* elements after the id kept per segment */
#define RCM_X12_BUFSZ ((size_t)1 << 20)      /* read window; also the longest segment */

typedef struct rcm_x12_delims {
    char elem;  /* ISA position 4 */
    char rep;   /* ISA11 (5010) */
    char comp;  /* ISA16 */
    char seg;   /* the byte after ISA16 */
} rcm_x12_delims;

/* One segment. Views point into the reader's buffer: valid until the next rcm_x12_next(). */
typedef struct rcm_x12_seg {
    const char *ptr;        /* first byte of the segment id */
    uint32_t len;           /* bytes before the terminator */
    uint32_t n;             /* elements after the id, as present in the data */
    long number;            /* 1-based segment number in the input */
    long line;              /* 1-based line of the segment's first byte */
    uint64_t offset;        /* byte offset of the segment's first byte */
    uint8_t too_many;       /* more than RCM_X12_MAX_ELEMS elements (the rest are dropped) */
    uint8_t unterminated;   /* the input ended before this segment's terminator */
    rcm_x12_delims d;
    /* off[i] = start of element i (0 = id); off[n+1] = len + 1. The extra 64 slots let the
     * tokenizer store a whole block of separators before it checks the limit. */
    uint32_t off[RCM_X12_MAX_ELEMS + 2 + 64];
} rcm_x12_seg;

/* Element i (1-based; 0 is the id). Empty view when absent. */
static inline rcm_str rcm_x12_el(const rcm_x12_seg *s, unsigned i)
{
    rcm_str r = { s->ptr, 0 };
    if (i <= s->n) {
        r.p = s->ptr + s->off[i];
        r.n = s->off[i + 1] - s->off[i] - 1;
    }
    return r;
}
static inline rcm_str rcm_x12_id(const rcm_x12_seg *s) { return rcm_x12_el(s, 0); }
/* True when the segment id is exactly id (2 or 3 characters). */
static inline int rcm_x12_is(const rcm_x12_seg *s, const char *id)
{
    rcm_str e = rcm_x12_el(s, 0);
    return e.n == strlen(id) && memcmp(e.p, id, e.n) == 0;
}
/*
 * The segment id as one integer, for switch statements in typed readers:
 * switch (rcm_x12_key(seg)) { case RCM_X12_KEY('C','L','P'): ... case RCM_X12_KEY('S','E',0): ... }
 * Ids longer than 3 characters give 0.
 */
#define RCM_X12_KEY(a, b, c) (((uint32_t)(unsigned char)(a) << 16) | ((uint32_t)(unsigned char)(b) << 8) | (uint32_t)(unsigned char)(c))
static inline uint32_t rcm_x12_key(const rcm_x12_seg *s)
{
    uint32_t n = s->off[1] - 1; /* id length (off[1] = len + 1 when there are no elements) */
    const unsigned char *p = (const unsigned char *)s->ptr;
    if (n == 3)
        return RCM_X12_KEY(p[0], p[1], p[2]);
    if (n == 2)
        return RCM_X12_KEY(p[0], p[1], 0);
    return 0;
}
/* Component j (1-based) of a composite element, split on sep. Empty view when absent. */
RCM_API rcm_str rcm_x12_comp(rcm_str el, char sep, unsigned j);
/* Number of components in el (1 for a simple element, 0 when empty). */
RCM_API unsigned rcm_x12_ncomp(rcm_str el, char sep);

typedef struct rcm_x12_reader rcm_x12_reader;

/*
 * Opens a reader over a file (path "-" reads standard input). Fails with a
 * located error when the file cannot be read, is UTF-16, or does not start
 * with an ISA segment. Free with rcm_x12_reader_free().
 */
RCM_API int rcm_x12_open_file(rcm_x12_reader **out, const char *path, rcm_error *err);
/* Opens a reader over memory the caller keeps alive until the reader is freed. */
RCM_API int rcm_x12_open_mem(rcm_x12_reader **out, const void *buf, size_t len,
                             const char *source, rcm_error *err);
RCM_API void rcm_x12_reader_free(rcm_x12_reader *r);
RCM_API const char *rcm_x12_source(const rcm_x12_reader *r);
RCM_API uint64_t rcm_x12_bytes(const rcm_x12_reader *r);  /* bytes consumed so far */

/*
 * Next segment: returns 1 with *out set, 0 at the end of input, or a
 * negative RCM_E* when the input is too broken to go on (err located).
 */
RCM_API int rcm_x12_next(rcm_x12_reader *r, const rcm_x12_seg **out, rcm_error *err);

/* ---- problems: what rcm x12 check reports and what a 999 is built from ---- */

enum { RCM_SEV_ERROR = 0, RCM_SEV_WARNING = 1, RCM_SEV_INFO = 2 };

enum {
    RCM_X12P_INTERCHANGE = 1, /* ISA/IEA: TA1 material */
    RCM_X12P_GROUP,           /* GS/GE: AK9 material */
    RCM_X12P_SET,             /* ST/SE: IK5 material */
    RCM_X12P_SEGMENT,         /* a segment: IK3 material */
    RCM_X12P_ELEMENT,         /* an element: IK4 material */
    RCM_X12P_BALANCE          /* money that does not add up (835 balancing) */
};

typedef struct rcm_x12_problem {
    int kind;            /* RCM_X12P_* */
    int severity;        /* RCM_SEV_* */
    char code[4];        /* X12 error code for the ack: TA105, IK304, IK403, IK502, AK905 */
    const char *source;
    long line, segment;  /* segment: 1-based in the file */
    long set_position;   /* position in the transaction set (ST = 1), 0 outside */
    int element, component, repetition;
    uint64_t offset;
    char seg_id[4];
    char st_id[4], st_control[10];  /* the transaction set it belongs to, if any */
    char msg[224];
    char loop[40];       /* loop path of the segment, e.g. "2000A/2000B/2300/2400"; "" header/trailer */
    char loop_id[7];     /* the innermost loop id (999 IK303 / CTX04), "" outside loops */
    char elem_ref[7];    /* data element reference number (IK402), "" unknown */
    char value[40];      /* a printable copy of the bad value (IK404), "" none */
    char unit[40];       /* business unit, e.g. "CLM01:A123" (999 CTX), "" none */
    int level;           /* 1 X12 syntax (walker), 2 implementation guide, 3 balancing, 0 unset */
} rcm_x12_problem;

/* "SOURCE:LINE: segment N 'ID' loop PATH element E component C: msg" (loop when known) */
RCM_API void rcm_x12_problem_format(const rcm_x12_problem *p, rcm_buf *out);

/* ---- the envelope walker and the visitor interface ---- */

typedef struct x12_walk x12_walk;

/* What the walker knows of the envelopes around the current segment. */
typedef struct rcm_x12_env {
    const char *source;
    rcm_x12_delims delims;
    char isa_sender_q[3], isa_sender[16], isa_receiver_q[3], isa_receiver[16];
    char isa_date[7], isa_time[5], isa_version[6], isa_control[10], isa_ack, isa_usage;
    char gs_func[3], gs_sender[16], gs_receiver[16], gs_date[9], gs_time[9];
    char gs_control[10], gs_version[13];
    char st_id[4], st_control[10], st_version[36];
    long st_position;     /* position of the current segment in its set (ST = 1) */
    long st_segment;      /* file segment number of the ST */
    x12_walk *walk;       /* internal */
} rcm_x12_env;

/*
 * A typed reader is a visitor. Each callback returns 0 to go on or a
 * negative RCM_E* to stop the walk (that code is returned by rcm_x12_walk).
 * Any callback may be NULL.
 */
typedef struct rcm_x12_visitor {
    void *ctx;
    /* A problem was found (by the walker or by a typed reader via rcm_x12_report). */
    int (*problem)(void *ctx, const rcm_x12_problem *p);
    /* ST read: a transaction set begins. */
    int (*set_begin)(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st);
    /* A segment inside ST..SE (ST and SE themselves excluded). */
    int (*segment)(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg);
    /* SE read (or the set was cut short: se is NULL). */
    int (*set_end)(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se);
    /* A segment outside any set other than ISA/GS/GE/IEA (TA1, or stray data). */
    int (*outside)(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg);
    /* An interchange ended (IEA read or input ended inside it). */
    int (*interchange_end)(void *ctx, const rcm_x12_env *env);
} rcm_x12_visitor;

typedef struct rcm_x12_stats {
    long segments, interchanges, groups, sets;
    long problems, errors;
} rcm_x12_stats;

/*
 * Reads r to its end, checking envelopes (ISA fixed width and fields,
 * ISA13 = IEA02, IEA01 = groups, GS06 = GE02, GE01 = sets, ST02 = SE02,
 * SE01 = segment count, segment id syntax) and calling v. Returns 0 when the
 * input was read to its end (problems, if any, went to v->problem), or a
 * negative RCM_E* when the input was too broken to go on or a callback
 * stopped the walk. stats may be NULL.
 */
RCM_API int rcm_x12_walk(rcm_x12_reader *r, const rcm_x12_visitor *v, rcm_x12_stats *stats,
                         rcm_error *err);

/*
 * Reports a problem at seg (element/component 0 when not applicable) from
 * inside a visitor callback; the walker fills in the location and the
 * transaction set and passes it to the visitor's problem callback.
 * Returns what that callback returned.
 */
RCM_API int rcm_x12_report(const rcm_x12_env *env, const rcm_x12_seg *seg, int kind, int severity,
                           int element, int component, const char *code, const char *fmt, ...)
    RCM_PRINTF(8, 9);

#endif
