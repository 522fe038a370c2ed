/*
 * The denial routing table as posting uses it (lib/cycle/route.c): loaded
 * once per call (the practice's rows from denial_route, or the built-in
 * routes.def when that table is empty) and consulted per adjustment.
 * cycle_route_classify (cycle_internal.h) is the one-shot form.
 */
#ifndef RCM_CYCLE_ROUTE_H
#define RCM_CYCLE_ROUTE_H

#include "rcm/post.h"
#include "cycle_internal.h"

typedef struct route_table {
    const rcm_route_row *rows;
    size_t n;
    int builtin;                /* rows point at the built-in table (not freed) */
    rcm_route_row *owned;       /* the practice's rows, freed by route_table_release */
} route_table;

/* Loads the table in effect. Errors: RCM_EIO, RCM_ENOMEM (t is then the built-in table). */
int route_table_load(rcm_cycle *cy, route_table *t, rcm_error *err);
void route_table_release(route_table *t);

/*
 * Classifies one adjustment: the most specific matching row (CARC counts
 * most, then RARC, then group; the first of equals in table order). When
 * the row matched on a RARC, *rarc (if not NULL) points at it in rarcs,
 * else at "". No matching row: biller, other, a denial.
 */
void route_table_classify(const route_table *t, const char *group, const char *carc, const char *const *rarcs,
                          size_t n_rarcs, cycle_route *out, const char **rarc);

#endif
