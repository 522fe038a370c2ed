/* Subcommand dispatch and shared output helpers. */
#include <string.h>
#include "cmd.h"

static void usage(FILE *f, const char *prefix, const cmd *table, size_t n)
{
    fprintf(f, "usage: %s <command> [options]\n\ncommands:\n", prefix);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "  %-10s %s\n", table[i].name, table[i].help);
}

int cmd_dispatch(const char *prefix, const cmd *table, size_t n, int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 ||
        strcmp(argv[0], "-h") == 0) {
        usage(argc < 1 ? stderr : stdout, prefix, table, n);
        return argc < 1 ? EXIT_UNREADABLE : 0;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(argv[0], table[i].name) == 0)
            return table[i].fn(argc, argv);
    fprintf(stderr, "%s: '%s' is not a command\n", prefix, argv[0]);
    usage(stderr, prefix, table, n);
    return EXIT_UNREADABLE;
}

void cli_error(const rcm_error *err)
{
    char msg[512];
    rcm_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "rcm: %s\n", msg);
}
