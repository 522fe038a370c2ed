/*
 * Opening the revenue cycle for a command: the store (--db, $RCM_DB,
 * ./rcm.db), the acting user (--user, else $RCM_USER, else the login name),
 * and the clock (--today DATE or $RCM_TODAY sets the business date and puts
 * now at noon UTC of that day, so runs repeat exactly; $RCM_NOW, seconds
 * since 1970, sets now alone).
 *
 * Every cycle command takes the common options below; cli_cycle_option()
 * consumes them inside the command's own getopt loop.
 */
#ifndef RCM_CLI_CYCLE_H
#define RCM_CLI_CYCLE_H

#include <getopt.h>
#include "rcm/cycle.h"
#include "rcm/store.h"

typedef struct cli_cycle_opts {
    const char *db;
    const char *user;
    const char *today;
} cli_cycle_opts;

/* getopt_long values of the common options; add CLI_CYCLE_LONGOPTS to the command's table. */
enum { CLI_OPT_DB = 0x1000, CLI_OPT_USER, CLI_OPT_TODAY };
#define CLI_CYCLE_LONGOPTS                                                                                   \
    { "db", required_argument, NULL, CLI_OPT_DB }, { "user", required_argument, NULL, CLI_OPT_USER },        \
        { "today", required_argument, NULL, CLI_OPT_TODAY }
#define CLI_CYCLE_HELP                                                                                       \
    "  --db PATH     the store (default: $RCM_DB, else ./rcm.db)\n"                                          \
    "  --user NAME   who acts (default: $RCM_USER, else the login name)\n"                                   \
    "  --today DATE  the business date, YYYY-MM-DD (default: $RCM_TODAY, else today)\n"

/*
 * The whole option loop of a command that takes only the common options,
 * --help and (when allow_json) --json: returns -1 to go on (optind at the
 * first operand), else the exit code (usage printed to stdout for --help,
 * to stderr for a wrong option).
 */
int cli_cycle_args(int argc, char **argv, const char *usage, int allow_json, cli_cycle_opts *co, int *json);

/* Takes a common option (returns 1), or returns 0 for any other. */
int cli_cycle_option(cli_cycle_opts *o, int opt, const char *arg);

/*
 * Opens the store and the cycle. Prints "rcm: ..." and returns
 * EXIT_UNREADABLE on failure; 0 with *st and *cy set (free with
 * cli_cycle_close).
 */
int cli_cycle_open(rcm_store **st, rcm_cycle **cy, const cli_cycle_opts *o);
void cli_cycle_close(rcm_store *st, rcm_cycle *cy);

#endif
