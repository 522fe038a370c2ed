/* PLACEHOLDER until the 837 typed reader lands: reads nothing. */
#include "x12_internal.h"
static int c_(void **out, const rcm_x12_typed_cb *cb) { *out = (void *)cb; return 0; }
static void d_(void *s) { (void)s; }
static int b_(void *s, const rcm_x12_env *e, const rcm_x12_seg *g) { return 0; }
const x12_typed_ops x12_ops_837 = { "837", c_, d_, b_, b_, b_ };
