/* PLACEHOLDER: rcm ncci (reference-data developers replace this file). */
#include "cmd.h"
int cmd_ncci(int argc, char **argv) { fprintf(stderr, "rcm ncci: not built yet\n"); return 2; }
