/*
 * Helpers for commands that use the store: which file (--db PATH, else the
 * RCM_DB environment variable, else ./rcm.db), opening it with a located
 * message on failure, and reading a --dos date.
 */
#ifndef RCM_CLI_STORE_H
#define RCM_CLI_STORE_H

#include "rcm/store.h"
#include "rcm/value.h"

/* The store path: opt (from --db) when set, else $RCM_DB when set and not empty, else "rcm.db". */
const char *cli_db_path(const char *opt);

/*
 * Opens the store named by cli_db_path(opt) with flags (RCM_STORE_*).
 * Prints "rcm: ..." to stderr on failure. Returns 0, or EXIT_UNREADABLE.
 */
int cli_store_open(rcm_store **out, const char *opt, unsigned flags);

/* Parses YYYY-MM-DD (or CCYYMMDD) for an option; prints the error. Returns 0 or EXIT_UNREADABLE. */
int cli_parse_date(rcm_date *out, const char *opt_name, const char *s);

#endif
