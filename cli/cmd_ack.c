/*
 * rcm ack: acknowledgments of submitted batches.
 *
 * rcm ack import FILE [--json]: reads a 999, 277CA or TA1, records each
 * verdict on its batch or claim (rejected claims go back to the biller or
 * the coder with a work item) and prints the verdicts. The same file again
 * records nothing and says so. A file with an error is refused whole with
 * the error located (exit 2).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/submit.h"

static int cmd_ack_import(int argc, char **argv);

static const cmd ack_cmds[] = {
    { "import", cmd_ack_import, "record a 999, 277CA or TA1: claims accepted or rejected" },
};

int cmd_ack(int argc, char **argv)
{
    return cmd_dispatch("rcm ack", ack_cmds, sizeof(ack_cmds) / sizeof(ack_cmds[0]), argc - 1, argv + 1);
}

static const char usage_text[] =
    "usage: rcm ack import FILE [--json] [common options]\n"
    "  records the verdicts of a 999, 277CA or TA1 on the batches and claims it names:\n"
    "  a rejected claim goes back to status rejected with a work item (coder when the\n"
    "  payer's status code names a diagnosis or procedure code, else biller)\n"
    "  --json        the report and each verdict as one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 recorded (or imported before), 2 unreadable or refused. docs/submission.md.\n";

static json_t *verdict_json(const rcm_ack_verdict *v)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "kind", v->kind, "status", v->status, "code", v->code,
                          "set_control", v->set_control, "claim_no", v->claim_no);
    if (!o)
        return NULL;
    if (v->batch_id)
        json_object_set_new(o, "batch_id", json_integer(v->batch_id));
    if (v->claim_id)
        json_object_set_new(o, "claim_id", json_integer(v->claim_id));
    json_object_set_new(o, "matched", json_boolean(v->matched));
    if (v->stale)
        json_object_set_new(o, "stale", json_true());
    if (v->queue[0])
        json_object_set_new(o, "queue", json_string(v->queue));
    if (!strcmp(v->kind, "999") || !strcmp(v->kind, "TA1"))
        json_object_set_new(o, "claims_rejected", json_integer(v->claims));
    return o;
}

static void print_json(const char *file, const rcm_ack_report *r, const rcm_ack_verdict *v, size_t n)
{
    json_t *list = json_array();
    for (size_t i = 0; list && i < n; i++)
        json_array_append_new(list, verdict_json(&v[i]));
    json_t *o = json_pack("{s:s, s:s, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "file",
                          file, "kind", r->kind, "already", r->already, "sets", (int)r->sets, "sets_accepted",
                          (int)r->sets_accepted, "sets_rejected", (int)r->sets_rejected, "claims", (int)r->claims,
                          "claims_accepted", (int)r->claims_accepted, "claims_rejected", (int)r->claims_rejected,
                          "pending", (int)r->pending, "stale", (int)r->stale, "unmatched", (int)r->unmatched,
                          "work_items", (int)r->work_items, "coder", (int)r->coder, "biller", (int)r->biller,
                          "verdicts", list ? list : json_array());
    if (o) {
        json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', stdout);
        json_decref(o);
    }
}

static void print_text(const char *file, const rcm_ack_report *r, const rcm_ack_verdict *v, size_t n)
{
    if (r->already) {
        printf("%s: imported before: nothing recorded\n", file);
        return;
    }
    printf("%s %s:", r->kind, file);
    if (r->sets)
        printf(" %ld set%s (%ld accepted, %ld rejected);", r->sets, r->sets == 1 ? "" : "s", r->sets_accepted,
               r->sets_rejected);
    printf(" %ld claim%s: %ld accepted, %ld rejected", r->claims, r->claims == 1 ? "" : "s", r->claims_accepted,
           r->claims_rejected);
    if (r->pending)
        printf(", %ld pending", r->pending);
    if (r->stale)
        printf(", %ld no longer waiting (nothing changed)", r->stale);
    printf("; %ld unmatched; %ld work item%s", r->unmatched, r->work_items, r->work_items == 1 ? "" : "s");
    if (r->coder || r->biller)
        printf(" (coder %ld, biller %ld)", r->coder, r->biller);
    printf("\n");
    for (size_t i = 0; i < n; i++) {
        const rcm_ack_verdict *x = &v[i];
        char where[48], line[256];
        if (x->matched)
            snprintf(where, sizeof(where), "batch %lld", (long long)x->batch_id);
        else
            snprintf(where, sizeof(where), "unmatched");
        int k;
        if (!strcmp(x->kind, "277CA"))
            k = snprintf(line, sizeof(line), "  claim %-12s %-10s %-8s %-20s", x->claim_no, where, x->status, x->code);
        else
            k = snprintf(line, sizeof(line), "  %s %-10s %-10s %-8s %-20s", !strcmp(x->kind, "TA1") ? "ISA13" : "set  ",
                         x->set_control, where, x->status, x->code);
        if (k > 0 && x->claims)
            k += snprintf(line + k, sizeof(line) - (size_t)k, " %ld claim%s", x->claims, x->claims == 1 ? "" : "s");
        if (k > 0 && (size_t)k < sizeof(line)) {
            const char *to = x->queue[0] ? x->queue : !x->matched ? "poster" : "";
            if (*to)
                k += snprintf(line + k, sizeof(line) - (size_t)k, " -> %s", to);
        }
        if (k > 0 && (size_t)k < sizeof(line) && x->stale)
            snprintf(line + k, sizeof(line) - (size_t)k, " (no longer waiting: nothing changed)");
        size_t len = strlen(line);
        while (len && line[len - 1] == ' ')
            line[--len] = '\0';
        printf("%s\n", line);
    }
}

static int cmd_ack_import(int argc, char **argv)
{
    enum { OPT_JSON = 1 };
    static const struct option lopts[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    int json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case OPT_JSON: json = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
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
    rcm_ack_report rep;
    rcm_ack_verdict *v = NULL;
    size_t n = 0;
    if (rcm_ack_import_verdicts(cy, file, &rep, &v, &n, &err) < 0) {
        cli_error(&err);
        cli_cycle_close(st, cy);
        return EXIT_UNREADABLE;
    }
    if (json)
        print_json(file, &rep, v, n);
    else
        print_text(file, &rep, v, n);
    free(v);
    cli_cycle_close(st, cy);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}
