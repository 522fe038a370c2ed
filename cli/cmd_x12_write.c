/* PLACEHOLDER: rcm x12 write (837 helper replaces this file). */
#include "cmd.h"
int cmd_x12_write(int argc, char **argv) { fprintf(stderr, "rcm x12 write: not built yet\n"); return 2; }
