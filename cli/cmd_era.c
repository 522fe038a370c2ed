/* PLACEHOLDER: rcm era (835 helper replaces this file). */
#include "cmd.h"
int cmd_era(int argc, char **argv) { fprintf(stderr, "rcm era: not built yet\n"); return 2; }
int cmd_era_summary(int argc, char **argv) { return 2; }
