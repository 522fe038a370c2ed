/*
 * rcm submit: the ready claims of one payer into an 837 batch file.
 *
 * rcm submit --payer P [--kind P|I] --out FILE [--json]: writes every ready
 * claim of payer P (its code) and kind (P: 837P, the default; I: 837I) into
 * FILE, which must not exist, marks them submitted and prints the batch:
 * claims, lines, charges, the ISA13 and GS06 it carries. Nothing ready: a
 * message, no file, exit 0.
 *
 * rcm submit --list [--json]: every batch, newest first, with what its
 * acknowledgments said, and the last control numbers taken (a number below
 * them that no batch carries was skipped: docs/submission.md).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/submit.h"

static const char usage_text[] =
    "usage: rcm submit --payer P [--kind P|I] --out FILE [--json] [common options]\n"
    "       rcm submit --list [--json] [common options]\n"
    "  --payer P     the payer's code in the practice file (MCR, BCBS...)\n"
    "  --kind K      P: 837P professional claims (default), I: 837I institutional claims\n"
    "  --out FILE    the batch file to write (it must not exist)\n"
    "  --list        list the batches written so far, newest first\n"
    "  --json        one JSON object (a batch) or JSON Lines (the list)\n" CLI_CYCLE_HELP
    "Exit: 0 written (or nothing ready), 2 error. docs/submission.md explains control numbers.\n";

static void money(char *out, int64_t cents) { rcm_cents_fmt(out, cents); }

/* A time for people ("2022-07-01 12:00") or, iso, for JSON ("2022-07-01T12:00:00Z"); UTC. */
static void when(char *out, size_t n, int64_t t, int iso)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, n, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M", &tm);
    else
        snprintf(out, n, "%lld", (long long)t);
}

static int print_json(json_t *o)
{
    if (!o)
        return -1;
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

static int list_batches(rcm_cycle *cy, int json)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_batch *b = NULL;
    size_t n = 0;
    int64_t isa = 0, gs = 0;
    if (rcm_batch_list(cy, &b, &n, &err) < 0 || rcm_submit_control(cy, "isa", &isa, &err) < 0 ||
        rcm_submit_control(cy, "gs", &gs, &err) < 0) {
        cli_error(&err);
        free(b);
        return EXIT_UNREADABLE;
    }
    if (!json && n == 0)
        printf("no batches yet\n");
    else if (!json)
        printf("%-6s %-8s %-5s %-9s %-9s %7s %12s  %-16s %-12s %s\n", "batch", "payer", "kind", "ISA13", "GS06",
               "claims", "charges", "written", "999/TA1", "277CA");
    for (size_t i = 0; i < n; i++) {
        char amt[32], at[32], sets[24], claims[24];
        money(amt, b[i].charge_cents);
        when(at, sizeof(at), b[i].created_at, json);
        if (json) {
            json_t *o = json_pack("{s:I, s:s, s:s, s:I, s:I, s:i, s:s, s:s, s:s, s:s, s:{s:i, s:i}, s:{s:i, s:i}}",
                                  "batch_id", (json_int_t)b[i].batch_id, "payer", b[i].payer, "kind", b[i].kind,
                                  "isa_control", (json_int_t)b[i].isa_control, "gs_control",
                                  (json_int_t)b[i].gs_control, "claims", (int)b[i].claims, "charge", amt,
                                  "created_at", at, "created_by", b[i].created_by, "file", b[i].file, "sets",
                                  "accepted", (int)b[i].sets_accepted, "rejected", (int)b[i].sets_rejected,
                                  "claims_acknowledged", "accepted", (int)b[i].claims_accepted, "rejected",
                                  (int)b[i].claims_rejected);
            print_json(o);
            continue;
        }
        if (b[i].sets_accepted + b[i].sets_rejected == 0)
            snprintf(sets, sizeof(sets), "-");
        else
            snprintf(sets, sizeof(sets), "%ld ok %ld rej", b[i].sets_accepted, b[i].sets_rejected);
        if (b[i].claims_accepted + b[i].claims_rejected == 0)
            snprintf(claims, sizeof(claims), "-");
        else
            snprintf(claims, sizeof(claims), "%ld ok %ld rej", b[i].claims_accepted, b[i].claims_rejected);
        printf("%-6lld %-8s %-5s %09lld %-9lld %7ld %12s  %-16s %-12s %s\n", (long long)b[i].batch_id, b[i].payer,
               b[i].kind, (long long)b[i].isa_control, (long long)b[i].gs_control, b[i].claims, amt, at, sets,
               claims);
    }
    if (!json)
        printf("control numbers taken: ISA13 up to %09lld, GS06 up to %lld (a number no batch shows was skipped)\n",
               (long long)isa, (long long)gs);
    free(b);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}

int cmd_submit(int argc, char **argv)
{
    enum { OPT_PAYER = 1, OPT_KIND, OPT_OUT, OPT_LIST, OPT_JSON };
    static const struct option lopts[] = {
        { "payer", required_argument, NULL, OPT_PAYER },
        { "kind", required_argument, NULL, OPT_KIND },
        { "out", required_argument, NULL, OPT_OUT },
        { "list", no_argument, NULL, OPT_LIST },
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    const char *payer = NULL, *out = NULL, *kind_s = "P";
    int list = 0, json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case OPT_PAYER: payer = optarg; break;
        case OPT_KIND: kind_s = optarg; break;
        case OPT_OUT: out = optarg; break;
        case OPT_LIST: list = 1; break;
        case OPT_JSON: json = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc || (list && (payer || out)) || (!list && (!payer || !out))) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    if (strcmp(kind_s, "P") && strcmp(kind_s, "I")) {
        fprintf(stderr, "rcm: --kind '%s': P (837P) or I (837I)\n", kind_s);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    if (list) {
        rc = list_batches(cy, json);
        cli_cycle_close(st, cy);
        return rc;
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_submit_report rep;
    if (rcm_submit(cy, payer, kind_s[0], out, &rep, &err) < 0) {
        cli_error(&err);
        cli_cycle_close(st, cy);
        return EXIT_UNREADABLE;
    }
    char amt[32];
    money(amt, rep.charge_cents);
    if (json) {
        json_t *j = json_pack("{s:I, s:s, s:s, s:i, s:i, s:s, s:I, s:I, s:i, s:s?}", "batch_id",
                              (json_int_t)rep.batch_id, "payer", payer, "kind", rep.kind, "claims", (int)rep.claims,
                              "lines", (int)rep.lines, "charge", amt, "isa_control", (json_int_t)rep.isa_control,
                              "gs_control", (json_int_t)rep.gs_control, "refused", (int)rep.refused, "file",
                              rep.batch_id ? out : NULL);
        print_json(j);
    } else if (rep.batch_id) {
        printf("batch %lld: %s to %s, %ld claim%s, %ld line%s, charges %s\n", (long long)rep.batch_id, rep.kind,
               payer, rep.claims, rep.claims == 1 ? "" : "s", rep.lines, rep.lines == 1 ? "" : "s", amt);
        printf("  ISA13 %09lld  GS06 %lld  written to %s\n", (long long)rep.isa_control, (long long)rep.gs_control,
               out);
    } else if (!rep.refused) {
        printf("nothing to submit: no ready %s claims for %s\n", rep.kind, payer);
    } else {
        printf("nothing submitted: no ready %s claim for %s could be written; no file\n", rep.kind, payer);
    }
    if (!json && rep.refused)
        printf("  %ld claim%s not writable as 837: held, with a work item for the biller\n", rep.refused,
               rep.refused == 1 ? "" : "s");
    cli_cycle_close(st, cy);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}
