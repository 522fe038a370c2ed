/*
 * The bundled data folders and a store filled with the bundled reference
 * data, for commands that create a store of their own (rcm demo).
 *
 * The reference-data folder holds a MANIFEST listing each bundled file with
 * its kind and version (data/refdata/ in the source tree,
 * PREFIX/share/rcm/refdata when installed). It is found as rcm init finds
 * it: the option given, else $RCM_REFDATA_DIR, else beside the rcm
 * executable (data/refdata or share/rcm/refdata, up to four folders up).
 */
#ifndef RCM_CLI_INIT_H
#define RCM_CLI_INIT_H

#include <stddef.h>
#include <stdint.h>
#include "rcm/store.h"

/*
 * Writes the reference-data folder to out (outsz bytes). opt: a --data
 * option or NULL. Returns 0, or -1 when no folder with a MANIFEST is found
 * (out then holds the folder that was tried when opt or the environment
 * named one, else '').
 */
int cli_refdata_dir(char *out, size_t outsz, const char *opt);

typedef struct cli_init_report {
    int files;              /* manifest entries imported or already loaded */
    long loads, rows;       /* current loads in the store and their rows */
} cli_init_report;

/*
 * Imports every file of dir's MANIFEST into st (files loaded before are
 * skipped by checksum), recording now as the import time, and counts the
 * store's current loads into out; the edit index is left alone. quiet:
 * print only problems. who starts the message about a kind this rcm does
 * not know ("init: ", or ""). Returns an exit status (EXIT_CLEAN, or the
 * worst of the files').
 */
int cli_init_import(rcm_store *st, const char *dir, int64_t now, int quiet, const char *who, cli_init_report *out);

/*
 * Imports every file of dir's MANIFEST into st (files loaded before are
 * skipped by checksum), recording now as the import time, then rebuilds
 * the compiled edit index beside the store. quiet: print only problems.
 * Returns an exit status (EXIT_CLEAN, or the worst of the files').
 */
int cli_init_store(rcm_store *st, const char *dir, int64_t now, int quiet, cli_init_report *out);

#endif
