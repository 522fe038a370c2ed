/*
 * Opening the revenue cycle for a command: the store (--db, $RCM_DB,
 * ./rcm.db), the session (the token in $RCM_TOKEN, else the one 'rcm login'
 * left in the token file: $RCM_TOKEN_FILE, else $XDG_CONFIG_HOME/rcm/token,
 * else ~/.config/rcm/token), and the clock (--today DATE or $RCM_TODAY sets
 * the business date and puts now at noon UTC of that day, so runs repeat
 * exactly; $RCM_NOW, seconds since 1970, sets now alone). Sessions are
 * checked against the real clock whatever the business date.
 *
 * Every cycle command takes the common options below; cli_cycle_option()
 * consumes them inside the command's own getopt loop.
 *
 * Also here: the token file itself (read, written, removed) and reading a
 * password, for rcm login, passwd, user and init.
 */
#ifndef RCM_CLI_CYCLE_H
#define RCM_CLI_CYCLE_H

#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include "rcm/cycle.h"
#include "rcm/store.h"
#include "rcm/auth.h"
#include "rcm/encounter.h"

typedef struct cli_cycle_opts {
    const char *db;
    const char *today;
} cli_cycle_opts;

/* getopt_long values of the common options; add CLI_CYCLE_LONGOPTS to the command's table. */
enum { CLI_OPT_DB = 0x1000, CLI_OPT_TODAY };
#define CLI_CYCLE_LONGOPTS                                                                                   \
    { "db", required_argument, NULL, CLI_OPT_DB }, { "today", required_argument, NULL, CLI_OPT_TODAY }
#define CLI_CYCLE_HELP                                                                                       \
    "  --db PATH     the store (default: $RCM_DB, else ./rcm.db)\n"                                          \
    "  --today DATE  the business date, YYYY-MM-DD (default: $RCM_TODAY, else today)\n"

/*
 * The whole option loop of a command that takes only the common options,
 * --help and (when allow_json) --json: returns -1 to go on (optind at the
 * first operand), else the exit code (usage printed to stdout for --help,
 * to stderr for a wrong option).
 */
int cli_cycle_args(int argc, char **argv, const char *usage, int allow_json, cli_cycle_opts *co, int *json);

/*
 * One of a command's own options for cli_cycle_parse: the long name
 * (without "--"), no_argument or required_argument, and where it goes. A
 * flag sets *(int *)out to 1; an argument is stored in *(const char **)out,
 * or, when check is set, given to check(out, "--NAME", arg), which prints
 * why a bad one is bad and returns its exit code (0: taken). Rows with the
 * same out and check are spellings of one option (--role, --roles).
 */
typedef struct cli_opt {
    const char *name;
    int has_arg;
    void *out;
    int (*check)(void *out, const char *opt, const char *arg);
} cli_opt;

/* The rows of a cli_opt array and their count, for cli_cycle_parse. */
#define CLI_OPTS(rows) (rows), (sizeof(rows) / sizeof((rows)[0]))
#define CLI_OPTS_MAX 16

/*
 * The check of an option of the command's family that this subcommand does
 * not take: "does not apply here" and the usage. CLI_OPT_HERE(applies) is
 * NULL (no check) when applies, else cli_opt_not_here.
 */
int cli_opt_not_here(void *out, const char *opt, const char *arg);
#define CLI_OPT_HERE(applies) ((applies) ? NULL : cli_opt_not_here)

/* check for a date option (YYYY-MM-DD or YYYYMMDD) into the rcm_date at out. */
int cli_opt_date(void *out, const char *opt, const char *arg);

/*
 * The option loop of a command: its n rows (at most CLI_OPTS_MAX, in their
 * order), then --help, then, when co is not NULL, the common options. With
 * operands >= 0 exactly that many operands must follow. Returns -1 to go on
 * (optind at the first operand), else the exit code: the usage printed to
 * stdout for --help, to stderr for a wrong option or operand count, or the
 * code of a check that refused its argument.
 */
int cli_cycle_parse(int argc, char **argv, const char *usage, const cli_opt *rows, size_t n, int operands,
                    cli_cycle_opts *co);

/* Prints err (cli_error) and returns EXIT_UNREADABLE: a library step failed or was refused. */
int cli_cycle_fail(const rcm_error *err);

/* Takes a common option (returns 1), or returns 0 for any other. */
int cli_cycle_option(cli_cycle_opts *o, int opt, const char *arg);

/*
 * Opens the store and the cycle as the session's user. Prints "rcm: ..."
 * and returns EXIT_UNREADABLE on failure (no session, an ended one, a token
 * file of another store or one others can read); 0 with *st and *cy set
 * (free with cli_cycle_close).
 */
int cli_cycle_open(rcm_store **st, rcm_cycle **cy, const cli_cycle_opts *o);
void cli_cycle_close(rcm_store *st, rcm_cycle *cy);

/*
 * One run of a cycle command: the store and cycle cli_cycle_open gave, and
 * the error the library steps fill in.
 */
typedef struct cli_run {
    rcm_store *st;
    rcm_cycle *cy;
    rcm_error err;
} cli_run;

/* cli_cycle_open into r, with r->err cleared: 0, or the exit code (printed). */
int cli_run_open(cli_run *r, const cli_cycle_opts *co);

/*
 * Closes r's cycle and store. rc < 0 (a library step failed): prints
 * r->err and returns EXIT_UNREADABLE; otherwise returns rc.
 */
int cli_run_close(cli_run *r, int rc);

/* A library import of the file at path into the cycle (rcm_practice_import, rcm_encounter_import). */
typedef int (*cli_import_fn)(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err);

/*
 * An import command: "FILE [common options]" parsed against usage, the
 * cycle opened, FILE imported by import and the cycle closed. Returns -1
 * with *path and *rep set (the caller prints the report), else the exit
 * code: of the options, of the open, or EXIT_UNREADABLE when the import
 * failed (its error printed, then "rcm: FILE: failed_note" when
 * failed_note is not NULL).
 */
int cli_cycle_import(int argc, char **argv, const char *usage, cli_import_fn import, const char *failed_note,
                     const char **path, rcm_import_report *rep);

/* The token file's path into out (-1 when neither $RCM_TOKEN_FILE nor a home is known). */
int cli_token_path(char *out, size_t n);

/* "cli HOST pid N": where a command runs, for the audit events. */
void cli_origin(char *out, size_t n);

/* The session a command acts in, as found. */
typedef struct cli_session {
    char token[RCM_TOKEN_LEN + 2];  /* '' when none; longer than a token is cut (and then refused) */
    int from_file;                  /* 1: the token file; 0: $RCM_TOKEN */
    char path[PATH_MAX];            /* the token file ('' when no home is known) */
    char store[PATH_MAX];           /* the store the token file names ('' from $RCM_TOKEN) */
    int64_t expires;                /* the token file's latest end of the session (0: not known) */
} cli_session;

/*
 * Finds the session: $RCM_TOKEN, else the token file. Returns 1 found, 0
 * none, or -1 (message printed) when the token file is a symbolic link, not
 * the user's, readable by others, or unreadable.
 */
int cli_session_find(cli_session *s);

/* The same from the token file alone, whatever $RCM_TOKEN says. */
int cli_session_file(cli_session *s);

/*
 * Checks that the token file at path may be written: not a symbolic link,
 * the user's, not readable by others. 0, or EXIT_UNREADABLE (printed).
 */
int cli_session_check(const char *path);

/*
 * Writes the token file at path (the token, the store's absolute path and
 * the session's latest end): missing folders are made 0700, the file 0600,
 * replaced whole by a rename. 0, or EXIT_UNREADABLE (printed).
 */
int cli_session_save(const char *path, const char *token, const char *store, int64_t expires);

/* Removes the token file (a missing one is fine). 0, or EXIT_UNREADABLE (printed). */
int cli_session_remove(const char *path);

/* The absolute path of the store file into out (the path as given when it cannot be resolved). */
void cli_store_abspath(const char *path, char *out, size_t n);

/* The name a login defaults to: $RCM_LOGIN, else the OS login name. */
const char *cli_login_name(void);

/*
 * Reads a password into out (n bytes, at least RCM_PASSWORD_MAX + 2): with
 * from_stdin one line of standard input, else from the terminal without
 * echo after prompt, asked twice when confirm. 0, or EXIT_UNREADABLE
 * (printed: no terminal, end of input, too long, the two differ).
 */
int cli_password(char *out, size_t n, const char *prompt, int confirm, int from_stdin);

/* Wipes a password or token buffer. */
void cli_wipe(void *p, size_t n);

/* t (seconds since 1970) as "YYYY-MM-DD HH:MM UTC". */
void cli_time_fmt(int64_t t, char *out, size_t n);

#endif
