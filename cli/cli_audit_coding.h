/*
 * The coding-audit subcommands of rcm audit (cli/cmd_audit.c dispatches to
 * them): argv[0] is the subcommand's own name ("sample", "score", ...), the
 * options follow. Each returns the process exit code and prints its own
 * usage and errors.
 *
 *   rcm audit sample --coder C --from D --to D --n N --seed S [--stratify none|em|dollars] [--json]
 *   rcm audit score SAMPLE --file F.json [--json]
 *   rcm audit report [--sample S] [--coder C] [--from D --to D] [--json]
 *   rcm audit em [--from D --to D] [--json]
 *   rcm audit em-reference load FILE [--source TEXT] | show [--json]
 */
#ifndef RCM_CLI_AUDIT_CODING_H
#define RCM_CLI_AUDIT_CODING_H

int cli_audit_sample(int argc, char **argv);
int cli_audit_score(int argc, char **argv);
int cli_audit_report(int argc, char **argv);
int cli_audit_em(int argc, char **argv);
int cli_audit_em_reference(int argc, char **argv);

#endif
