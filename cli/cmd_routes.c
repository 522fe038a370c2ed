/*
 * rcm routes: the denial routing table (docs/denials.md).
 *
 * rcm routes show: the table in effect as CSV (what `routes load` reads),
 * after a comment line naming where it comes from.
 * rcm routes load FILE: replaces the table with the practice's own CSV,
 * whole, in one transaction (a bad row: a located error, nothing changed).
 * rcm routes reset: back to the built-in table.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/post.h"

static int routes_show(int argc, char **argv);
static int routes_load(int argc, char **argv);
static int routes_reset(int argc, char **argv);

static const cmd routes_cmds[] = {
    { "load", routes_load, "replace the table with a CSV file" },
    { "reset", routes_reset, "go back to the built-in table" },
    { "show", routes_show, "print the table in effect as CSV" },
};

int cmd_routes(int argc, char **argv)
{
    return cmd_dispatch("rcm routes", routes_cmds, sizeof(routes_cmds) / sizeof(routes_cmds[0]), argc - 1,
                        argv + 1);
}

static const char usage_text[] =
    "usage: rcm routes show [common options]\n"
    "       rcm routes load [common options] FILE\n"
    "       rcm routes reset [common options]\n"
    "  The denial routing table: (group, CARC, RARC) -> route (coder, biller,\n"
    "  patient, auto), root cause, whether it counts as a denial, a note.\n"
    "  show prints the table in effect as CSV (group,carc,rarc,route,root,denial,note);\n"
    "  load replaces it whole with FILE (same columns; empty or * matches anything);\n"
    "  reset goes back to the built-in table.\n" CLI_CYCLE_HELP
    "Exit: 0 done, 2 a bad file (located) or error. docs/denials.md explains the table.\n";

/* Parses the common options; *positional gets the count left. 1: --help, -1: bad usage. */
static int parse(int argc, char **argv, cli_cycle_opts *co)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(co, o, optarg))
            continue;
        if (o == 'h') {
            fputs(usage_text, stdout);
            return 1;
        }
        fputs(usage_text, stderr);
        return -1;
    }
    return 0;
}

/* A CSV field: quoted when it holds a comma or a quote. */
static void csv_field(const char *s, int last)
{
    if (strpbrk(s, ",\"")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"')
                putchar('"');
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    putchar(last ? '\n' : ',');
}

static int routes_show(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int prc = parse(argc, argv, &co);
    if (prc)
        return prc > 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    if (optind != argc) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_route_row *rows = NULL;
    size_t n = 0;
    int builtin = 0;
    rc = rcm_routes_list(cy, &rows, &n, &builtin, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    printf("# %s: %zu rows; the most specific match wins (docs/denials.md)\n",
           builtin ? "the built-in table" : "the practice's table", n);
    printf("group,carc,rarc,route,root,denial,note\n");
    for (size_t i = 0; i < n; i++) {
        const rcm_route_row *r = &rows[i];
        csv_field(r->group_code, 0);
        csv_field(r->carc, 0);
        csv_field(r->rarc, 0);
        csv_field(r->route, 0);
        csv_field(r->root, 0);
        csv_field(r->denial ? "1" : "0", 0);
        csv_field(r->note, 1);
    }
    free(rows);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}

static int routes_load(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int prc = parse(argc, argv, &co);
    if (prc)
        return prc > 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    if (optind != argc - 1) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    const char *file = argv[optind];
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    long rows = 0;
    rc = rcm_routes_load(cy, file, &rows, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    printf("loaded %ld routing row%s from %s: they replace the table in effect\n", rows, rows == 1 ? "" : "s",
           file);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}

static int routes_reset(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int prc = parse(argc, argv, &co);
    if (prc)
        return prc > 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    if (optind != argc) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rc = rcm_routes_reset(cy, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    printf("the built-in routing table is in effect again\n");
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}
