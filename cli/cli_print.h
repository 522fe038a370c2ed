/*
 * What the cycle's commands print the same way: usage text, one JSON value
 * per line, and the check that standard output was written.
 */
#ifndef RCM_CLI_PRINT_H
#define RCM_CLI_PRINT_H

#include <jansson.h>

/* Prints text to stdout when rc is EXIT_CLEAN (--help), else to stderr; returns rc. */
int cli_usage(const char *text, int rc);

/* Prints o compact on one line and frees it. EXIT_CLEAN, or EXIT_UNREADABLE when o is NULL or unwritten. */
int cli_print_json(json_t *o);

/* Flushes stdout: rc, or EXIT_UNREADABLE (and a message) when the output could not be written. */
int cli_done(int rc);

#endif
