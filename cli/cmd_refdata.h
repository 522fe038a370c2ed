/* Shared by rcm refdata and rcm init. */
#ifndef RCM_CLI_CMD_REFDATA_H
#define RCM_CLI_CMD_REFDATA_H

#include <stddef.h>
#include "rcm/refdata.h"

/* "2021-10-01 to 2022-09-30", "from 2025-01-01", "all dates". */
void refdata_fmt_range(char *out, size_t outsz, rcm_date from, rcm_date to);

/*
 * Imports one file and prints the outcome under the name shown (nothing on
 * success when quiet). Returns an exit status.
 */
int refdata_import_one(rcm_store *st, const char *path, const char *shown, const rcm_refdata_opts *opts,
                       int quiet);

/* 1 when kind names an importable kind. */
int refdata_kind_known(const char *kind);

#endif
