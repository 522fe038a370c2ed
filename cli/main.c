/* rcm: the command-line tool. Parses arguments, calls librcm, prints. */
#include <string.h>
#include "cmd.h"

static const cmd top[] = {
    { "access", cmd_access, "the permission matrix: which role may do what (no store needed)" },
    { "ack", cmd_ack, "import 999, 277CA and TA1 acknowledgments: claims accepted or rejected" },
    { "ar", cmd_ar, "AR aging by payer, patient or provider; the follow-up worklist" },
    { "audit", cmd_audit, "the audit trail (verify, log, anchor) and coding audits" },
    { "claims", cmd_claims, "build claims from signed-off encounters; list and show them; secondary claims" },
    { "code", cmd_code, "look up and search ICD-10-CM, HCPCS and CPT codes" },
    { "coding", cmd_coding, "the coder's queue: assign codes, override findings, sign off" },
    { "coverage", cmd_coverage, "set and show a patient's coverage (after a coverage denial)" },
    { "demo", cmd_demo, "README command 1: the whole revenue cycle on the bundled demo data" },
    { "denial", cmd_denial, "work denials: corrected claims, replacements, write-offs, appeals" },
    { "encounter", cmd_encounter, "import encounters from the EHR and show one" },
    { "era", cmd_era, "read 835 remittances (summary) and post them (post)" },
    { "fee", cmd_fee, "expected Medicare allowed amount from the fee schedule" },
    { "init", cmd_init, "create a store holding the bundled reference data, and its first admin" },
    { "ledger", cmd_ledger, "prove the ledger reconciles; show a claim's rows and balances" },
    { "login", cmd_login, "log in to the store: the session the other commands act in" },
    { "logout", cmd_logout, "end the session and remove the token file" },
    { "metrics", cmd_metrics, "clean-claim, first-pass, denial and collection rates, days in AR, E/M levels" },
    { "ncci", cmd_ncci, "NCCI procedure-to-procedure and MUE edits among codes" },
    { "passwd", cmd_passwd, "change your own password" },
    { "paysim", cmd_paysim, "the payer simulator: answer an 837 with a 999, a 277CA and an 835" },
    { "practice", cmd_practice, "import the practice's providers, payers, fees and contracts; show them" },
    { "refdata", cmd_refdata, "import reference data files and show what is loaded" },
    { "routes", cmd_routes, "the denial routing table: show, load a practice's own, reset" },
    { "rules", cmd_rules, "check and test the practice's payer rules" },
    { "scrub", cmd_scrub, "check claims before submission: NCCI edits, code sets, duplicates, timely filing" },
    { "settings", cmd_settings, "the store's access settings: show, set (admin)" },
    { "sod", cmd_sod, "separation-of-duties exceptions: grant, revoke, list (admin)" },
    { "statements", cmd_statements, "patient statements for balances after insurance (text and PDF)" },
    { "submit", cmd_submit, "write the ready claims of a payer into an 837 batch; list batches" },
    { "user", cmd_user, "the people who use the store: add, list, roles, enable, disable, password" },
    { "whoami", cmd_whoami, "who the session belongs to, their roles, when it ends" },
    { "x12", cmd_x12, "check, convert and write X12 5010 files" },
};

int main(int argc, char **argv)
{
    if (argc >= 2 && (strcmp(argv[1], "--version") == 0)) {
        printf("rcm %s\n", RCM_VERSION);
        return 0;
    }
    return cmd_dispatch("rcm", top, sizeof(top) / sizeof(top[0]), argc - 1, argv + 1);
}
