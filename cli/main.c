/* rcm: the command-line tool. Parses arguments, calls librcm, prints. */
#include <string.h>
#include "cmd.h"

static const cmd top[] = {
    { "code", cmd_code, "look up and search ICD-10-CM, HCPCS and CPT codes" },
    { "era", cmd_era, "read 835 remittances (summary)" },
    { "fee", cmd_fee, "expected Medicare allowed amount from the fee schedule" },
    { "init", cmd_init, "create a store holding the bundled reference data" },
    { "ncci", cmd_ncci, "NCCI procedure-to-procedure and MUE edits among codes" },
    { "refdata", cmd_refdata, "import reference data files and show what is loaded" },
    { "rules", cmd_rules, "check and test the practice's payer rules" },
    { "scrub", cmd_scrub, "check claims before submission: NCCI edits, code sets, duplicates, timely filing" },
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
