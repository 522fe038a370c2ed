/*
 * Printing the revenue-cycle metrics (rcm metrics, and the demo's before and
 * after): the figures of each group, the denials by root cause and by CARC,
 * and the E/M level distribution per provider. docs/metrics.md defines them.
 */
#ifndef RCM_CLI_METRICS_H
#define RCM_CLI_METRICS_H

#include <stdio.h>
#include "rcm/ar.h"

/* Prints m as text to f: one group listed figure by figure, several as a table. */
void cli_metrics_print(FILE *f, const rcm_metrics *m);

#endif
