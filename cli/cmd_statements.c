/*
 * rcm statements [--out DIR]: patient statements for the balances left after
 * insurance (rcm_statements). Prints counts only: the statements carry
 * names and addresses, this command's output does not.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/ar.h"

static const char usage_text[] =
    "usage: rcm statements [--out DIR] [common options]\n"
    "  A statement for every patient who owes a balance on visits that nothing holds with\n"
    "  a payer any more, due in 30 days; recorded in the store. Run again the same day\n"
    "  with nothing changed, it issues nothing new.\n"
    "  --out DIR      also write each one as DIR/STMT-<id>.txt and a printable DIR/STMT-<id>.pdf\n"
    "                 (created 0700 when missing; the files are 0600)\n" CLI_CYCLE_HELP
    "Exit: 0 done, 2 bad usage or error (nothing recorded, no file left).\n";

int cmd_statements(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    const char *out_dir = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case 'o': out_dir = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_statement_report rep;
    rc = rcm_statements(cy, out_dir, &rep, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    char total[32];
    rcm_cents_fmt(total, rep.total_cents);
    printf("statements: %ld issued, %ld visit%s, %s due", rep.statements, rep.visits, rep.visits == 1 ? "" : "s",
           total);
    if (out_dir && rep.statements)
        printf(", written to %s", out_dir);
    printf("\n");
    if (rep.already)
        printf("%ld patient%s already sent today's statement for the same balance\n", rep.already,
               rep.already == 1 ? "" : "s");
    if (fflush(stdout) == EOF)
        return EXIT_UNREADABLE;
    return EXIT_CLEAN;
}
