/*
 * rcm coding: the coder's hand-off (include/rcm/coding.h).
 *
 *   rcm coding queue [--json]                  encounters waiting for a coder
 *   rcm coding show ENC [--json]               documentation, proposed and assigned codes, findings
 *   rcm coding assign ENC --proposed | --dx LIST --line SPEC...
 *                                              assign codes; prints the scrubber's findings
 *   rcm coding override ENC RULE [--line N] --reason TEXT
 *   rcm coding signoff ENC                     refused while coder-routed errors are open
 *
 * ENC is the EHR's encounter id or #N. Exit: 0 done, 1 error findings
 * (assign) or refused (signoff, override of a billed encounter), 2 bad
 * arguments or an error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_coding.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "rcm/coding.h"
#include "rcm/encounter.h"
#include "rcm/refdata.h"

/* The encounter id of ENC (its EHR id or #N); prints the error. */
static int find_encounter(rcm_cycle *cy, const char *ref, int64_t *out)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_encounter_find(cy, ref, out, &err) < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- queue ---- */

static const char queue_usage[] =
    "usage: rcm coding queue [--json] [common options]\n"
    "Encounters waiting for a coder (new or coded, not yet signed off), oldest date first.\n"
    "  --json        one JSON object per encounter (JSON Lines)\n" CLI_CYCLE_HELP;

static int coding_queue(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    const cli_opt opts[] = { { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, queue_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_coding_item *q = NULL;
    size_t n = 0;
    if (rcm_coding_queue(r.cy, &q, &n, &r.err) < 0)
        return cli_run_close(&r, -1);
    if (!json && !n)
        printf("nothing to code\n");
    else if (!json)
        printf("%-16s %-10s %-10s  %-6s %3s %5s  %s\n", "encounter", "date", "provider", "status", "dx", "lines",
               "proposed");
    for (size_t i = 0; i < n; i++) {
        char day[11];
        rcm_date_fmt(day, q[i].dos, 1);
        if (json)
            cli_print_json(json_pack("{s:s, s:I, s:s, s:s, s:s, s:i, s:i, s:b}", "encounter", q[i].ext_id,
                                 "encounter_id", (json_int_t)q[i].encounter_id, "date", day, "provider",
                                 q[i].provider_npi, "status", q[i].status, "dx", (int)q[i].n_dx, "lines",
                                 (int)q[i].n_lines, "proposed", q[i].has_proposed));
        else
            printf("%-16s %-10s %-10s  %-6s %3u %5u  %s\n", q[i].ext_id, day, q[i].provider_npi, q[i].status,
                   (unsigned)q[i].n_dx, (unsigned)q[i].n_lines, q[i].has_proposed ? "yes" : "no");
    }
    if (!json && n)
        printf("%zu encounter%s to code\n", n, n == 1 ? "" : "s");
    free(q);
    return cli_done(cli_run_close(&r, EXIT_CLEAN));
}

/* ---- show ---- */

static const char show_usage[] =
    "usage: rcm coding show ENC [--json] [common options]\n"
    "The coder's view of an encounter (its EHR id or #N): the clinician's documentation, the\n"
    "proposed and assigned codes, the scrubber's findings on the assigned codes, the overrides.\n"
    "  --json        one JSON object\n" CLI_CYCLE_HELP;

/* "E11.65, I10; 99214-25 x1 -> 1,2; 36415 x1 -> 2" */
static void print_codes(const char *label, const json_t *codes)
{
    printf("%s:", label);
    const json_t *dx = json_object_get(codes, "dx"), *lines = json_object_get(codes, "lines"), *v;
    size_t i;
    if (!json_array_size(dx) && !json_array_size(lines)) {
        printf(" none\n");
        return;
    }
    printf(" dx");
    json_array_foreach(dx, i, v) {
        char d[RCM_CODE_MAX];
        rcm_code_icd10cm_display(d, json_string_value(v));
        printf("%s %s", i ? "," : "", d);
    }
    if (!json_array_size(dx))
        printf(" none");
    printf("\n");
    json_array_foreach(lines, i, v) {
        const json_t *m;
        size_t k;
        const char *code = json_string_value(json_object_get(v, "code"));
        const char *rev = json_string_value(json_object_get(v, "rev_code"));
        printf("  line %zu: %s", i + 1, code && *code ? code : "(no code)");
        json_array_foreach(json_object_get(v, "mods"), k, m)
            printf("-%s", json_string_value(m));
        printf(" x%s", json_string_value(json_object_get(v, "units")));
        if (json_array_size(json_object_get(v, "ptrs"))) {
            printf(" dx");
            json_array_foreach(json_object_get(v, "ptrs"), k, m)
                printf("%s%lld", k ? "," : " ", (long long)json_integer_value(m));
        }
        if (rev && *rev)
            printf(" revenue %s", rev);
        printf("\n");
    }
}

static void print_words(const char *label, const json_t *a)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v)
        printf("  %s: %s\n", label, json_string_value(v));
}

static void print_show(const json_t *o)
{
    const char *payer = json_string_value(json_object_get(o, "payer"));
    printf("encounter %s (#%lld)  %s  %s  status %s  provider %s  payer %s\n",
           json_string_value(json_object_get(o, "encounter")),
           (long long)json_integer_value(json_object_get(o, "encounter_id")),
           json_string_value(json_object_get(o, "date")),
           strcmp(json_string_value(json_object_get(o, "kind")), "I") == 0 ? "837I" : "837P",
           json_string_value(json_object_get(o, "status")), json_string_value(json_object_get(o, "provider")),
           payer && *payer ? payer : "(none in force)");
    const json_t *doc = json_object_get(o, "documentation");
    printf("documentation:\n");
    print_words("service", json_object_get(doc, "services"));
    print_words("problem", json_object_get(doc, "problems"));
    const char *note = json_string_value(json_object_get(doc, "note"));
    if (note && *note)
        printf("  note: %s\n", note);
    print_codes("proposed", json_object_get(o, "proposed"));
    print_codes("assigned", json_object_get(o, "assigned"));
    const json_t *fs = json_object_get(o, "findings"), *f;
    size_t i;
    if (!json_array_size(fs))
        printf("findings: none\n");
    else
        printf("findings:\n");
    json_array_foreach(fs, i, f) {
        rcm_finding x;
        memset(&x, 0, sizeof(x));
        snprintf(x.rule, sizeof(x.rule), "%s", json_string_value(json_object_get(f, "rule")));
        const char *sev = json_string_value(json_object_get(f, "severity"));
        x.severity = strcmp(sev, "error") == 0 ? RCM_SEV_ERROR : strcmp(sev, "warning") == 0 ? RCM_SEV_WARNING
                                                                                            : RCM_SEV_INFO;
        x.route = strcmp(json_string_value(json_object_get(f, "route")), "coder") == 0 ? RCM_ROUTE_CODER
                                                                                        : RCM_ROUTE_BILLER;
        size_t k;
        const json_t *l;
        json_array_foreach(json_object_get(f, "line"), k, l) {
            if (x.nlines < RCM_FINDING_LINES)
                x.lines[x.nlines++] = (uint32_t)json_integer_value(l);
        }
        snprintf(x.message, sizeof(x.message), "%s", json_string_value(json_object_get(f, "message")));
        snprintf(x.hint, sizeof(x.hint), "%s", json_string_value(json_object_get(f, "hint")));
        cli_finding_print(&x, json_string_value(json_object_get(f, "overridden")));
    }
    const json_t *ovs = json_object_get(o, "overrides"), *ov;
    json_array_foreach(ovs, i, ov) {
        json_int_t line = json_integer_value(json_object_get(ov, "line"));
        printf("override: %s %s%lld by %s: %s\n", json_string_value(json_object_get(ov, "rule")),
               line ? "line " : "claim", line ? (long long)line : 0LL, json_string_value(json_object_get(ov, "user")),
               json_string_value(json_object_get(ov, "reason")));
    }
}

static int coding_show(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    const cli_opt opts[] = { { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, show_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    int64_t enc = 0;
    json_t *j = NULL;
    if ((rc = find_encounter(r.cy, argv[optind], &enc)) == 0 && rcm_coding_show(r.cy, enc, &j, &r.err) < 0)
        rc = -1;
    if (rc == 0 && json)
        rc = cli_print_json(j);
    else if (rc == 0) {
        print_show(j);
        json_decref(j);
    }
    return cli_done(cli_run_close(&r, rc));
}

/* ---- assign ---- */

static const char assign_usage[] =
    "usage: rcm coding assign ENC --proposed [common options]\n"
    "       rcm coding assign ENC --dx CODE[,CODE...] --line SPEC [--line SPEC...] [common options]\n"
    "Replaces the encounter's codes and prints what the scrubber finds on the claim they make.\n"
    "  --proposed    take the codes the EHR proposed\n"
    "  --dx CODES    diagnoses in order, principal first, comma-separated, dots optional (repeatable)\n"
    "  --line SPEC   a service line (repeatable): CODE:MODS:UNITS:PTRS:REV, MODS and PTRS\n"
    "                comma-separated, every part after CODE optional: units 1, pointer 1 when\n"
    "                there are diagnoses and no revenue code; REV the revenue code of an 837I line\n"
    "                99214:25:1:1,2   36415::1:2   99283::1::0450\n"
    "  --json        the findings as JSON Lines (docs/scrub.md)\n" CLI_CYCLE_HELP
    "Exit: 0 no error findings, 1 error findings (the codes are stored), 2 bad arguments.\n";

/* The codes --dx and --line give, and whether any was given. */
typedef struct assign_codes {
    cli_codes cc;
    int given;
} assign_codes;

static int assign_dx(void *out, const char *opt, const char *arg)
{
    (void)opt;
    assign_codes *a = out;
    a->given = 1;
    return cli_codes_add_dx(&a->cc, arg);
}

static int assign_line(void *out, const char *opt, const char *arg)
{
    (void)opt;
    assign_codes *a = out;
    a->given = 1;
    return cli_codes_add_line(&a->cc, arg);
}

static int coding_assign(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    assign_codes ac = { .given = 0 };
    int rc = cli_codes_init(&ac.cc);
    if (rc)
        return rc;
    rcm_coding *codes = ac.cc.codes;
    int proposed = 0, json = 0;
    const cli_opt opts[] = {
        { "proposed", no_argument, &proposed, NULL },
        { "dx", required_argument, &ac, assign_dx },
        { "line", required_argument, &ac, assign_line },
        { "json", no_argument, &json, NULL },
    };
    if ((rc = cli_cycle_parse(argc, argv, assign_usage, CLI_OPTS(opts), 1, &co)) < 0 && proposed == ac.given)
        rc = cli_usage(assign_usage, EXIT_UNREADABLE);
    if (rc >= 0) {
        cli_codes_release(&ac.cc);
        return rc;
    }
    cli_codes_finish(&ac.cc);
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0) {
        cli_codes_release(&ac.cc);
        return rc;
    }
    rcm_findings fl;
    rcm_findings_init(&fl);
    int64_t enc = 0;
    if ((rc = find_encounter(r.cy, argv[optind], &enc)) != 0)
        goto out;
    if (proposed && rcm_coding_get(r.cy, enc, 1, codes, &r.err) < 0) {
        rc = -1;
        goto out;
    }
    if (rcm_coding_assign(r.cy, enc, codes, &fl, &r.err) < 0) {
        cli_error(&r.err);
        rc = r.err.code == RCM_EDENIED ? EXIT_PROBLEMS : EXIT_UNREADABLE;
        goto out;
    }
    if (json) {
        for (size_t i = 0; i < fl.n; i++)
            cli_print_json(rcm_finding_to_json(&fl.v[i]));
    } else {
        printf("encounter %s coded: %u diagnos%s, %u line%s; ", argv[optind], (unsigned)codes->n_dx,
               codes->n_dx == 1 ? "is" : "es", (unsigned)codes->n_lines, codes->n_lines == 1 ? "" : "s");
        cli_findings_summary(&fl);
        for (size_t i = 0; i < fl.n; i++)
            cli_finding_print(&fl.v[i], NULL);
    }
    rc = fl.errors ? EXIT_PROBLEMS : EXIT_CLEAN;
out:
    rcm_findings_release(&fl);
    cli_codes_release(&ac.cc);
    return cli_done(cli_run_close(&r, rc));
}

/* ---- override ---- */

static const char override_usage[] =
    "usage: rcm coding override ENC RULE [--line N] --reason TEXT [common options]\n"
    "Answers a coder-routed finding (RULE on line N, or on the claim) with a reason, so that it\n"
    "no longer blocks the sign-off. Codes that make the finding go away drop the override.\n"
    "  --line N      the finding's (first) line; none: a claim-level finding\n"
    "  --reason TEXT why the claim is right as coded (required)\n" CLI_CYCLE_HELP;

/* --line N: a line number, 1 to 999, into the long at out. */
static int override_line(void *out, const char *opt, const char *arg)
{
    char *end = NULL;
    long v = strtol(arg, &end, 10);
    if (end == arg || *end || v < 1 || v > 999) {
        fprintf(stderr, "rcm: %s '%s': a line number, 1 to 999\n", opt, arg);
        return EXIT_UNREADABLE;
    }
    *(long *)out = v;
    return 0;
}

static int coding_override(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *reason = NULL;
    long line = 0;
    const cli_opt opts[] = {
        { "line", required_argument, &line, override_line },
        { "reason", required_argument, &reason, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, override_usage, CLI_OPTS(opts), 2, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    int64_t enc = 0;
    const char *rule = argv[optind + 1];
    if ((rc = find_encounter(r.cy, argv[optind], &enc)) == 0) {
        if (rcm_coding_override(r.cy, enc, rule, (uint32_t)line, reason, &r.err) < 0) {
            cli_error(&r.err);
            rc = r.err.code == RCM_EDENIED ? EXIT_PROBLEMS : EXIT_UNREADABLE;
        } else if (line) {
            printf("encounter %s: %s on line %ld overridden\n", argv[optind], rule, line);
        } else {
            printf("encounter %s: %s overridden\n", argv[optind], rule);
        }
    }
    return cli_done(cli_run_close(&r, rc));
}

/* ---- signoff ---- */

static const char signoff_usage[] =
    "usage: rcm coding signoff ENC [common options]\n"
    "Signs the encounter off for billing. Refused (exit 1, the blocking findings printed) while a\n"
    "coder-routed error is neither fixed nor overridden.\n" CLI_CYCLE_HELP;

static int coding_signoff(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int rc = cli_cycle_parse(argc, argv, signoff_usage, NULL, 0, 1, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_findings fl;
    rcm_findings_init(&fl);
    int64_t enc = 0;
    if ((rc = find_encounter(r.cy, argv[optind], &enc)) == 0) {
        if (rcm_coding_signoff(r.cy, enc, &fl, &r.err) < 0) {
            for (size_t i = 0; i < fl.n; i++)
                cli_finding_print(&fl.v[i], NULL);
            cli_error(&r.err);
            rc = r.err.code == RCM_EDENIED ? EXIT_PROBLEMS : EXIT_UNREADABLE;
        } else {
            printf("encounter %s signed off by %s\n", argv[optind], rcm_cycle_user(r.cy));
        }
    }
    rcm_findings_release(&fl);
    return cli_done(cli_run_close(&r, rc));
}

int cmd_coding(int argc, char **argv)
{
    static const cmd table[] = {
        { "assign", coding_assign, "assign an encounter's codes; print the scrubber's findings" },
        { "override", coding_override, "override a coder-routed finding with a reason" },
        { "queue", coding_queue, "encounters waiting for a coder" },
        { "show", coding_show, "documentation, proposed and assigned codes, findings of an encounter" },
        { "signoff", coding_signoff, "sign an encounter off for billing" },
    };
    return cmd_dispatch("rcm coding", table, sizeof(table) / sizeof(table[0]), argc - 1, argv + 1);
}
