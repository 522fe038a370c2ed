/* PLACEHOLDER until the acknowledgment readers land: reads nothing. */
#include "x12_internal.h"
static int c_(void **out, const rcm_x12_typed_cb *cb) { *out = (void *)cb; return 0; }
static void d_(void *s) { (void)s; }
static int b_(void *s, const rcm_x12_env *e, const rcm_x12_seg *g) { return 0; }
const x12_typed_ops x12_ops_999 = { "999", c_, d_, b_, b_, b_ };
const x12_typed_ops x12_ops_277 = { "277", c_, d_, b_, b_, b_ };
int x12_ta1_read(const rcm_x12_typed_cb *cb, const rcm_x12_env *env, const rcm_x12_seg *seg) { return 0; }
