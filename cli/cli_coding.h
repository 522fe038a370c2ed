/*
 * Codes on the command line and the scrubber's findings as the coder reads
 * them, shared by rcm coding assign and rcm denial correct (one syntax):
 *
 *   --dx E11.65,I10         diagnoses in order, principal first, dots optional (repeatable)
 *   --line CODE:MODS:UNITS:PTRS:REV
 *                           a service line (repeatable): MODS and PTRS comma-separated, every
 *                           part after CODE optional (units 1); REV an 837I line's revenue code
 */
#ifndef RCM_CLI_CODING_H
#define RCM_CLI_CODING_H

#include "rcm/coding.h"
#include "rcm/scrub.h"

/* What the options gave, before the defaults are applied (cli_coding_finish). */
typedef struct cli_codes {
    rcm_coding *codes;                          /* owned: cli_codes_init callocs it, cli_codes_release frees it */
    int ptrs_given[RCM_CODING_MAX_LINES];       /* the --line gave its pointers */
} cli_codes;

/* Returns 0, or prints "rcm: out of memory" and returns EXIT_UNREADABLE. */
int cli_codes_init(cli_codes *c);
void cli_codes_release(cli_codes *c);

/* Adds a --dx value's diagnoses (dots and spaces dropped, upper-cased). Prints and returns EXIT_UNREADABLE when bad. */
int cli_codes_add_dx(cli_codes *c, const char *arg);

/* Adds one --line. Prints and returns EXIT_UNREADABLE when bad or one line too many. */
int cli_codes_add_line(cli_codes *c, const char *spec);

/* After the options: a professional line given no pointers points at the principal diagnosis. */
void cli_codes_finish(cli_codes *c);

/* One finding: severity, rule, route, its lines, message, then its hint and the override's reason (may be NULL). */
void cli_finding_print(const rcm_finding *f, const char *overridden);

/* "findings: 1 error, 0 warnings, 0 info" */
void cli_findings_summary(const rcm_findings *fl);

#endif
