/* rcm x12 check: envelope, syntax, implementation-guide and typed-transaction problems of X12 files. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"

static const cmd x12_cmds[] = {
    { "ack", cmd_x12_ack, "write the TA1/999 acknowledgment of an X12 file" },
    { "check", cmd_x12_check, "report envelope, syntax, implementation-guide and balancing problems" },
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
    int json;
} check_ctx;

static void print_json(const rcm_x12_problem *p)
{
    json_t *o = rcm_x12_problem_to_json(p);
    if (!o)
        return;
    json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(o);
}

static int on_problem(void *vctx, const rcm_x12_problem *p)
{
    check_ctx *c = vctx;
    if (p->severity == RCM_SEV_ERROR)
        c->errors++;
    else
        c->warnings++;
    if (p->severity != RCM_SEV_ERROR && c->quiet_warnings)
        return 0;
    if (c->json) {
        print_json(p);
        return 0;
    }
    rcm_buf_reset(&c->line);
    rcm_x12_problem_format(p, &c->line);
    puts(c->line.ptr);
    return 0;
}

#define CHECK_USAGE "usage: rcm x12 check [--quiet] [--summary] [--json] [--guide FILE]... [--no-guide] FILE...\n"

/* The built-in guides plus each --guide file; a load error is printed. 0, or EXIT_UNREADABLE. */
int cli_guides_load(rcm_guides **out, char *const *files, size_t nfiles)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_guides_builtin(out, &err);
    for (size_t i = 0; rc == 0 && i < nfiles; i++)
        rc = rcm_guides_load(*out, files[i], &err);
    if (rc < 0) {
        cli_error(&err);
        rcm_guides_free(*out);
        *out = NULL;
        return EXIT_UNREADABLE;
    }
    return 0;
}

int cmd_x12_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "quiet", no_argument, NULL, 'q' },
        { "summary", no_argument, NULL, 's' },
        { "json", no_argument, NULL, 'j' },
        { "guide", required_argument, NULL, 'g' },
        { "no-guide", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int summary = 0, quiet = 0, json = 0, no_guide = 0, o;
    char **guide_files = calloc((size_t)argc + 1, sizeof(char *));
    int nguide = 0;
    if (!guide_files)
        return EXIT_UNREADABLE;
    optind = 1;
    while ((o = getopt_long(argc, argv, "qsh", opts, NULL)) != -1) {
        switch (o) {
        case 'q': quiet = 1; break;
        case 's': summary = 1; break;
        case 'j': json = 1; break;
        case 'g': guide_files[nguide++] = optarg; break;
        case 'n': no_guide = 1; break;
        case 'h':
            puts(CHECK_USAGE
                 "  Reports envelope, syntax, implementation-guide (5010 TR3) and balancing problems as\n"
                 "  FILE:LINE: segment N 'ID' loop PATH element E: message\n"
                 "  --quiet        errors only, no warnings\n"
                 "  --summary      one line per file with its counts (on stderr)\n"
                 "  --json         one JSON object per problem (with its level: 1 syntax, 2 guide, 3 balancing)\n"
                 "  --guide FILE   also load a guide or companion-guide restriction table (repeatable)\n"
                 "  --no-guide     envelope, syntax and typed checks only (no implementation guides)\n"
                 "Exit: 0 clean, 1 problems found, 2 a file or a guide table could not be read.");
            free(guide_files);
            return 0;
        default: free(guide_files); return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc || (no_guide && nguide)) {
        fprintf(stderr, no_guide && nguide ? "rcm: --guide and --no-guide together\n" CHECK_USAGE : CHECK_USAGE);
        free(guide_files);
        return EXIT_UNREADABLE;
    }
    rcm_guides *guides = NULL;
    int worst = no_guide ? 0 : cli_guides_load(&guides, guide_files, (size_t)nguide);
    free(guide_files);
    if (worst)
        return worst;
    for (int i = optind; i < argc; i++) {
        check_ctx c;
        memset(&c, 0, sizeof(c));
        rcm_buf_init(&c.line, RCM_MAX_MESSAGE);
        c.quiet_warnings = quiet;
        c.json = json;
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
            cb.guides = guides;
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
    rcm_guides_free(guides);
    return worst;
}
