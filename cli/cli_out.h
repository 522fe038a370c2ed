/*
 * An output written whole or not at all (rcm x12 write, rcm x12 ack): with a
 * path, a temporary file beside it, renamed over it at the end; without, an
 * anonymous temporary file copied to standard output at the end. A command
 * that fails abandons it and nothing is written.
 */
#ifndef RCM_CLI_OUT_H
#define RCM_CLI_OUT_H

typedef struct cli_out {
    const char *path;   /* NULL: standard output */
    char *tmp;          /* the temporary beside path */
    int fd;             /* where the command writes, -1 when closed */
} cli_out;

/* Opens the temporary: 0, or -1 with the message printed. */
int cli_out_open(cli_out *o, const char *path);
/* Syncs and renames it over path, or copies it to standard output; then closes.
 * 0, or -1 with the message printed (the temporary is then removed). */
int cli_out_commit(cli_out *o);
/* Closes and removes the temporary (after a failure, or after a commit: then it does nothing). */
void cli_out_abandon(cli_out *o);

#endif
