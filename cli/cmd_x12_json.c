/* PLACEHOLDER: rcm x12 json. */
#include "cmd.h"
int cmd_x12_json(int argc, char **argv) { fprintf(stderr, "rcm x12 json: not built yet\n"); return 2; }
