/* Usage text, JSON lines and the end of a command's output (cli_print.h). */
#include <stdio.h>
#include "cmd.h"
#include "cli_print.h"

int cli_usage(const char *text, int rc)
{
    fputs(text, rc == EXIT_CLEAN ? stdout : stderr);
    return rc;
}

int cli_print_json(json_t *o)
{
    if (!o)
        return EXIT_UNREADABLE;
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc < 0 ? EXIT_UNREADABLE : EXIT_CLEAN;
}

int cli_done(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fputs("rcm: cannot write to standard output\n", stderr);
        return EXIT_UNREADABLE;
    }
    return rc;
}
