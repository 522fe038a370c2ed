/* The rcm command table and helpers shared by the subcommands. */
#ifndef RCM_CLI_CMD_H
#define RCM_CLI_CMD_H

#include <stdio.h>
#include "rcm/rcm.h"
#include "rcm/json.h"

/* Exit codes of every command. */
enum { EXIT_CLEAN = 0, EXIT_PROBLEMS = 1, EXIT_UNREADABLE = 2 };

typedef struct cmd {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
} cmd;

/* Runs the subcommand argv[0] from table (sorted by name); prints usage for unknown ones. */
int cmd_dispatch(const char *prefix, const cmd *table, size_t n, int argc, char **argv);

/* Prints err as "rcm: SOURCE:LINE: message" to stderr. */
void cli_error(const rcm_error *err);

int cmd_x12(int argc, char **argv);
int cmd_era(int argc, char **argv);
int cmd_init(int argc, char **argv);     /* cmd_init.c */
int cmd_refdata(int argc, char **argv);  /* cmd_refdata.c */
int cmd_code(int argc, char **argv);     /* cmd_code.c */
int cmd_ncci(int argc, char **argv);     /* cmd_ncci.c */
int cmd_fee(int argc, char **argv);      /* cmd_fee.c */
int cmd_rules(int argc, char **argv);    /* cmd_rules.c */
int cmd_scrub(int argc, char **argv);    /* cmd_scrub.c */
int cmd_submit(int argc, char **argv);   /* cmd_submit.c */
int cmd_ack(int argc, char **argv);      /* cmd_ack.c */
int cmd_practice(int argc, char **argv); /* cmd_practice.c */
int cmd_encounter(int argc, char **argv); /* cmd_encounter.c */
int cmd_ledger(int argc, char **argv);   /* cmd_ledger.c */
int cmd_routes(int argc, char **argv);   /* cmd_routes.c */
int cmd_demo(int argc, char **argv);     /* cmd_demo.c */
int cmd_ar(int argc, char **argv);       /* cmd_ar.c */
int cmd_metrics(int argc, char **argv);  /* cmd_metrics.c */
int cmd_statements(int argc, char **argv); /* cmd_statements.c */
int cmd_paysim(int argc, char **argv);   /* cmd_paysim.c */
int cmd_denial(int argc, char **argv);   /* cmd_denial.c */
int cmd_coding(int argc, char **argv);   /* cmd_coding.c */
int cmd_claims(int argc, char **argv);   /* cmd_claims.c */
int cmd_coverage(int argc, char **argv); /* cmd_coverage.c */
int cmd_audit(int argc, char **argv);    /* cmd_audit.c */
int cmd_access(int argc, char **argv);   /* cmd_access.c */
int cmd_login(int argc, char **argv);    /* cmd_login.c */
int cmd_logout(int argc, char **argv);   /* cmd_login.c */
int cmd_whoami(int argc, char **argv);   /* cmd_login.c */
int cmd_passwd(int argc, char **argv);   /* cmd_login.c */
int cmd_user(int argc, char **argv);     /* cmd_user.c */
int cmd_settings(int argc, char **argv); /* cmd_user.c */
int cmd_sod(int argc, char **argv);      /* cmd_user.c */

/* x12 subcommands */
int cmd_x12_ack(int argc, char **argv);  /* cmd_x12_ack.c */
int cmd_x12_check(int argc, char **argv);
/* cmd_x12.c: the built-in guides plus each --guide file (rcm x12 check, rcm x12 ack); a load
 * error is printed. 0, or EXIT_UNREADABLE. */
struct rcm_guides;
int cli_guides_load(struct rcm_guides **out, char *const *files, size_t nfiles);
int cmd_x12_json(int argc, char **argv);
int cmd_x12_write(int argc, char **argv);
/* era subcommands */
int cmd_era_summary(int argc, char **argv);
int cmd_era_post(int argc, char **argv);

#endif
