/* PLACEHOLDER: rcm fee (reference-data developers replace this file). */
#include "cmd.h"
int cmd_fee(int argc, char **argv) { fprintf(stderr, "rcm fee: not built yet\n"); return 2; }
