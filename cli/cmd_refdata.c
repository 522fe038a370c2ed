/* PLACEHOLDER: rcm refdata (reference-data developers replace this file). */
#include "cmd.h"
int cmd_refdata(int argc, char **argv) { fprintf(stderr, "rcm refdata: not built yet\n"); return 2; }
