/* Shared inside lib/x12 (not public). */
#ifndef RCM_X12_INTERNAL_H
#define RCM_X12_INTERNAL_H

#include <ctype.h>
#include <stdio.h>
#include "../util/util.h"
#include "rcm/x12.h"
#include "rcm/x12read.h"

/*
 * A typed reader plugs into the dispatcher (read.c) through these ops: one
 * instance per rcm_x12_read call, created on the first set of its type.
 * Each callback returns 0 or a negative RCM_E* to stop the read.
 */
typedef struct x12_typed_ops {
    const char *name;                                   /* "835" */
    int (*create)(void **out, const rcm_x12_typed_cb *cb);
    void (*destroy)(void *state);
    int (*begin)(void *state, const rcm_x12_env *env, const rcm_x12_seg *st);
    int (*segment)(void *state, const rcm_x12_env *env, const rcm_x12_seg *seg);
    int (*end)(void *state, const rcm_x12_env *env, const rcm_x12_seg *se); /* se NULL: cut short */
} x12_typed_ops;

extern const x12_typed_ops x12_ops_835;      /* r835.c */
extern const x12_typed_ops x12_ops_837;      /* r837.c: 837P and 837I */
extern const x12_typed_ops x12_ops_999;      /* r999.c: 999 and 997 */
extern const x12_typed_ops x12_ops_277;      /* r277.c: 277CA and 277 */
extern const x12_typed_ops x12_ops_generic;  /* rgeneric.c: 270, 271, 276 and anything else */

/* TA1 (outside any set, inside the interchange): rta1.c */
int x12_ta1_read(const rcm_x12_typed_cb *cb, const rcm_x12_env *env, const rcm_x12_seg *seg);

/* walk.c: fills p's location and set from env/seg (seg may be NULL; what p already names is
 * kept) and reports it (the guide validator's problems). */
int x12_report_problem(const rcm_x12_env *env, const rcm_x12_seg *seg, rcm_x12_problem *p);

/* Reports a bad value: "'VALUE' is not WHAT" at element el (component comp). */
int x12_bad_value(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp, rcm_str v,
                  const char *what);
/* Parses an amount element (empty -> *present = 0, 0 cents); reports a problem on bad input. */
int x12_cents(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int64_t *out, int *present);
/* Parses a CCYYMMDD date element; reports a problem on bad input. */
int x12_date(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, rcm_date *out);

#endif
