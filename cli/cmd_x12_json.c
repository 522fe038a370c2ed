/*
 * rcm x12 json: the typed model of every transaction set in a file, as JSON
 * Lines (one object per line, each with a "type"), streamed as it is read so
 * memory stays flat. Problems go to stderr as located text (or into the
 * stream with --problems).
 */
#include <getopt.h>
#include <string.h>
#include "cmd.h"

typedef struct json_ctx {
    int pretty, problems_inline, first;
    long errors;
    rcm_buf line;
    int failed;
} json_ctx;

static int emit(json_ctx *c, const char *type, json_t *o)
{
    if (!o) {
        c->failed = 1;
        return RCM_ENOMEM;
    }
    /* "type" first: rebuild the object with it in front */
    json_t *out = json_object();
    if (!out || json_object_set_new(out, "type", json_string(type)) || json_object_update(out, o)) {
        json_decref(out);
        json_decref(o);
        c->failed = 1;
        return RCM_ENOMEM;
    }
    json_decref(o);
    size_t flags = JSON_PRESERVE_ORDER | (c->pretty ? JSON_INDENT(2) : JSON_COMPACT);
    if (c->pretty)
        fputs(c->first ? "[\n" : ",\n", stdout);
    c->first = 0;
    if (json_dumpf(out, stdout, flags) < 0)
        c->failed = 1;
    if (!c->pretty)
        fputc('\n', stdout);
    json_decref(out);
    return c->failed ? RCM_EIO : 0;
}

static int on_problem(void *vc, const rcm_x12_problem *p)
{
    json_ctx *c = vc;
    if (p->severity == RCM_SEV_ERROR)
        c->errors++;
    if (c->problems_inline)
        return emit(c, "problem", rcm_x12_problem_to_json(p));
    rcm_buf_reset(&c->line);
    rcm_x12_problem_format(p, &c->line);
    fprintf(stderr, "%s\n", c->line.ptr);
    return 0;
}

static int on_claim(void *c, const rcm_claim *cl) { return emit(c, "claim", rcm_claim_to_json(cl)); }
static int on_remit_claim(void *c, const rcm_remit *r, const rcm_remit_claim *cl)
{
    json_t *o = rcm_remit_claim_to_json(cl);
    if (o && (json_object_set_new(o, "remit_st_control", json_string(r->st_control)) ||
              json_object_set_new(o, "remit_trace", json_string(r->trace)))) {
        json_decref(o);
        o = NULL;
    }
    return emit(c, "remit_claim", o);
}
static int on_remit_end(void *c, const rcm_remit *r) { return emit(c, "remit", rcm_remit_to_json(r)); }
static int on_999(void *c, const rcm_ack999 *a) { return emit(c, "999", rcm_ack999_to_json(a)); }
static int on_277(void *c, const rcm_ack277 *a) { return emit(c, "277", rcm_ack277_to_json(a)); }
static int on_ta1(void *c, const rcm_ta1 *t) { return emit(c, "ta1", rcm_ta1_to_json(t)); }
static int on_generic(void *c, const rcm_x12_generic *g) { return emit(c, "generic", rcm_x12_generic_to_json(g)); }

int cmd_x12_json(int argc, char **argv)
{
    static const struct option opts[] = {
        { "pretty", no_argument, NULL, 'p' },
        { "problems", no_argument, NULL, 'P' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    json_ctx c;
    memset(&c, 0, sizeof(c));
    c.first = 1;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "pPh", opts, NULL)) != -1) {
        switch (o) {
        case 'p': c.pretty = 1; break;
        case 'P': c.problems_inline = 1; break;
        case 'h':
            puts("usage: rcm x12 json [--pretty] [--problems] FILE\n"
                 "  Prints every record of FILE as JSON Lines, each object with a \"type\":\n"
                 "  claim (837P/837I), remit_claim and remit (835), 999, 277, ta1, generic.\n"
                 "  --pretty    one indented JSON array instead of JSON Lines\n"
                 "  --problems  problems as {\"type\":\"problem\"} records instead of stderr text\n"
                 "Exit: 0 clean, 1 problems found, 2 unreadable. Keys: docs/claim-json.md, docs/x12-json.md.");
            return 0;
        default: return EXIT_UNREADABLE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: rcm x12 json [--pretty] [--problems] FILE\n");
        return EXIT_UNREADABLE;
    }
    rcm_buf_init(&c.line, RCM_MAX_MESSAGE);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_reader *r = NULL;
    int rc = rcm_x12_open_file(&r, argv[optind], &err);
    if (rc == 0) {
        rcm_x12_typed_cb cb;
        memset(&cb, 0, sizeof(cb));
        cb.ctx = &c;
        cb.problem = on_problem;
        cb.claim = on_claim;
        cb.remit_claim = on_remit_claim;
        cb.remit_end = on_remit_end;
        cb.ack999 = on_999;
        cb.ack277 = on_277;
        cb.ta1 = on_ta1;
        cb.generic = on_generic;
        rc = rcm_x12_read(r, &cb, NULL, &err);
    }
    if (c.pretty)
        fputs(c.first ? "[]\n" : "\n]\n", stdout);
    if (fflush(stdout) != 0 && rc == 0) {
        rc = RCM_EIO;
        rcm_error_set(&err, rc, "cannot write the output");
    }
    if (rc < 0)
        cli_error(&err);
    rcm_x12_reader_free(r);
    rcm_buf_release(&c.line);
    return rc < 0 ? EXIT_UNREADABLE : c.errors ? EXIT_PROBLEMS : EXIT_CLEAN;
}
