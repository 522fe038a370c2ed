/* PLACEHOLDER: rcm init (reference-data developers replace this file). */
#include "cmd.h"
int cmd_init(int argc, char **argv) { fprintf(stderr, "rcm init: not built yet\n"); return 2; }
