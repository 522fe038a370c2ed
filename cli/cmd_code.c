/* PLACEHOLDER: rcm code (reference-data developers replace this file). */
#include "cmd.h"
int cmd_code(int argc, char **argv) { fprintf(stderr, "rcm code: not built yet\n"); return 2; }
