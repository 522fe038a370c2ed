/* rcm x12 check: envelope, syntax and typed-transaction problems of X12 files. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

static const cmd x12_cmds[] = {
    { "check", cmd_x12_check, "report envelope, syntax and balancing problems" },
    { "json", cmd_x12_json, "print the typed model (835, 837, 999, 277CA, TA1) as JSON" },
    { "write", cmd_x12_write, "write an 837P or 837I from claims JSON" },
};

int cmd_x12(int argc, char **argv)
{
    return cmd_dispatch("rcm x12", x12_cmds, sizeof(x12_cmds) / sizeof(x12_cmds[0]), argc - 1, argv + 1);
}

typedef struct check_ctx {
    rcm_buf line;
    long errors, warnings;
    int quiet_warnings;
} check_ctx;

static int on_problem(void *vctx, const rcm_x12_problem *p)
{
    check_ctx *c = vctx;
    if (p->severity == RCM_SEV_ERROR)
        c->errors++;
    else
        c->warnings++;
    if (p->severity != RCM_SEV_ERROR && c->quiet_warnings)
        return 0;
    rcm_buf_reset(&c->line);
    rcm_x12_problem_format(p, &c->line);
    puts(c->line.ptr);
    return 0;
}

int cmd_x12_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "summary", no_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int summary = 0, quiet = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "qsh", opts, NULL)) != -1) {
        switch (o) {
        case 'q': quiet = 1; break;
        case 's': summary = 1; break;
        case 'h':
            puts("usage: rcm x12 check [--quiet] [--summary] FILE...\n"
                 "  Reports envelope, syntax and balancing problems as\n"
                 "  FILE:LINE: segment N 'ID' element E: message\n"
                 "  --quiet    errors only, no warnings\n"
                 "  --summary  one line per file with its counts (on stderr)\n"
                 "Exit: 0 clean, 1 problems found, 2 a file could not be read.");
            return 0;
        default: return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: rcm x12 check [--quiet] [--summary] FILE...\n");
        return EXIT_UNREADABLE;
    }
    int worst = EXIT_CLEAN;
    for (int i = optind; i < argc; i++) {
        check_ctx c;
        memset(&c, 0, sizeof(c));
        rcm_buf_init(&c.line, RCM_MAX_MESSAGE);
        c.quiet_warnings = quiet;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        rcm_x12_reader *r = NULL;
        rcm_x12_stats st;
        memset(&st, 0, sizeof(st));
        int rc = rcm_x12_open_file(&r, argv[i], &err);
        if (rc == 0) {
            rcm_x12_typed_cb cb;
            memset(&cb, 0, sizeof(cb));
            cb.ctx = &c;
            cb.problem = on_problem;
            rc = rcm_x12_read(r, &cb, &st, &err);
        }
        if (rc < 0) {
            cli_error(&err);
            worst = EXIT_UNREADABLE;
        } else if (c.errors && worst < EXIT_PROBLEMS) {
            worst = EXIT_PROBLEMS;
        }
        if (summary)
            fprintf(stderr, "%s: %s: %ld segments, %ld interchanges, %ld groups, %ld sets, %ld errors, %ld warnings\n",
                    argv[i], rc < 0 ? "unreadable" : c.errors ? "problems" : "ok", st.segments,
                    st.interchanges, st.groups, st.sets, c.errors, c.warnings);
        rcm_x12_reader_free(r);
        rcm_buf_release(&c.line);
    }
    return worst;
}
