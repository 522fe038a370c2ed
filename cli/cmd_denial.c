/*
 * rcm denial: working denials after posting (docs/denials-workflow.md).
 *
 *   rcm denial list [--route coder|biller] [--all] [--json]
 *   rcm denial correct CLAIM --dx CODE[,CODE...] --line CODE:MODS:UNITS:PTRS:REV ...
 *   rcm denial rebill CLAIM [--note TEXT]
 *   rcm denial writeoff ID --reason TEXT
 *   rcm denial pending [--all] [--json]
 *   rcm denial approve REQUEST [--note TEXT]
 *   rcm denial reject REQUEST --note TEXT
 *   rcm denial appeal ID [--note TEXT]
 *   rcm denial appeal-close APPEAL won|lost|withdrawn
 *
 * Exit 0 done, 1 refused (the denial's or claim's state, coder-routed
 * errors left in a correction, a permission, separation of duties, or a
 * write-off request's state), 2 bad arguments or an error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "cmd.h"
#include "cli_coding.h"
#include "cli_cycle.h"
#include "rcm/denial.h"

static int denial_list(int argc, char **argv);
static int denial_correct(int argc, char **argv);
static int denial_rebill(int argc, char **argv);
static int denial_writeoff(int argc, char **argv);
static int denial_appeal(int argc, char **argv);
static int denial_appeal_close(int argc, char **argv);
static int denial_pending(int argc, char **argv);
static int denial_approve(int argc, char **argv);
static int denial_reject(int argc, char **argv);

static const cmd denial_cmds[] = {
    { "appeal", denial_appeal, "file an appeal of a denial (its deadline from the payer's appeal days)" },
    { "appeal-close", denial_appeal_close, "record an appeal's outcome: won, lost or withdrawn" },
    { "approve", denial_approve, "approve another person's write-off request: it posts" },
    { "correct", denial_correct, "the coder's corrected codes: a replacement claim (frequency 7, REF*F8)" },
    { "list", denial_list, "denials by route and status, with their appeal deadlines" },
    { "pending", denial_pending, "write-off requests waiting for a second person's approval" },
    { "rebill", denial_rebill, "a replacement claim with the same codes after a billing fix" },
    { "reject", denial_reject, "reject a write-off request (a note is required): nothing posts" },
    { "writeoff", denial_writeoff, "write a denied amount off (a reason is required; large ones wait for approval)" },
};

int cmd_denial(int argc, char **argv)
{
    return cmd_dispatch("rcm denial", denial_cmds, sizeof(denial_cmds) / sizeof(denial_cmds[0]), argc - 1,
                        argv + 1);
}

/* The exit status of a library failure: refused (1) or an error (2). */
static int fail(const rcm_error *err)
{
    cli_error(err);
    return err->code == RCM_EDENIED ? EXIT_PROBLEMS : EXIT_UNREADABLE;
}

/* A positive integer id argument. */
static int parse_id(int64_t *out, const char *what, const char *s)
{
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || v <= 0) {
        fprintf(stderr, "rcm: %s '%s': not an id\n", what, s);
        return EXIT_UNREADABLE;
    }
    *out = v;
    return 0;
}

static int find_claim(rcm_cycle *cy, const char *ref, int64_t *out)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_claim_find(cy, ref, out, &err) < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- list ---- */

static const char list_usage[] =
    "usage: rcm denial list [--route coder|biller] [--all] [--json] [options]\n"
    "The open denials (--all: every one), oldest first, with the payer's appeal deadline.\n"
    "  --route R     only those routed to R (coder or biller)\n"
    "  --all         every status: open corrected appealed written-off resolved\n"
    "  --json        a JSON array\n" CLI_CYCLE_HELP;

static json_t *denial_json(const rcm_denial *d)
{
    char amount[32], dl[16] = "";
    rcm_cents_fmt(amount, d->amount_cents);
    if (d->deadline != RCM_DATE_NONE)
        rcm_date_fmt(dl, d->deadline, 1);
    return json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "denial", (json_int_t)d->denial_id,
                     "claim", d->claim_no, "line", (json_int_t)d->line_no, "code", d->code, "group", d->group,
                     "carc", d->carc, "rarc", d->rarc, "amount", amount, "route", d->route, "root", d->root,
                     "status", d->status, "deadline", dl);
}

static int denial_list(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *route = NULL;
    int all = 0, as_json = 0;
    const cli_opt opts[] = {
        { "route", required_argument, &route, NULL },
        { "all", no_argument, &all, NULL },
        { "json", no_argument, &as_json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, list_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (route && strcmp(route, "coder") != 0 && strcmp(route, "biller") != 0) {
        fprintf(stderr, "rcm: --route '%s': coder or biller\n", route);
        return EXIT_UNREADABLE;
    }
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_denial *v = NULL;
    size_t n = 0;
    if (rcm_denial_list(r.cy, route, !all, &v, &n, &r.err) < 0) {
        rc = fail(&r.err);
        goto done;
    }
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, denial_json(&v[i]));
        char *s = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (s)
            printf("%s\n", s);
        else
            rc = EXIT_UNREADABLE;
        free(s);
        json_decref(arr);
        goto done;
    }
    printf("%-6s %-12s %4s %-6s %-7s %-6s %10s %-6s %-17s %-11s %s\n", "id", "claim", "line", "code", "adj",
           "rarc", "amount", "route", "root", "status", "deadline");
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const rcm_denial *d = &v[i];
        char amount[32], dl[16] = "-", adj[16];
        rcm_cents_fmt(amount, d->amount_cents);
        if (d->deadline != RCM_DATE_NONE)
            rcm_date_fmt(dl, d->deadline, 1);
        snprintf(adj, sizeof(adj), "%s-%s", d->group, d->carc);
        printf("%-6lld %-12s %4u %-6s %-7s %-6s %10s %-6s %-17s %-11s %s\n", (long long)d->denial_id, d->claim_no,
               (unsigned)d->line_no, d->code[0] ? d->code : "-", adj, d->rarc[0] ? d->rarc : "-", amount, d->route,
               d->root, d->status, dl);
        total += d->amount_cents;
    }
    char t[32];
    rcm_cents_fmt(t, total);
    printf("%zu denial%s, %s\n", n, n == 1 ? "" : "s", t);
done:
    free(v);
    return cli_run_close(&r, rc);
}

/* ---- correct ---- */

static const char correct_usage[] =
    "usage: rcm denial correct CLAIM --dx CODE[,CODE...] --line SPEC [--line SPEC...] [options]\n"
    "The coder's codes for a claim with an open coder-routed denial: a replacement claim\n"
    "(frequency 7, REF*F8 = the payer's claim number), scrubbed; coder-routed errors refuse it.\n"
    "CLAIM is the claim number (CLM01) or #ID.\n"
    "  --dx CODES    diagnoses in order, principal first, comma-separated, dots optional (repeatable)\n"
    "  --line SPEC   a service line (repeatable), as rcm coding assign reads it: CODE:MODS:UNITS:PTRS:REV,\n"
    "                MODS and PTRS comma-separated, every part after CODE optional: units 1, pointer 1\n"
    "                when there are diagnoses and no revenue code; REV the revenue code of an 837I line\n"
    "                99214:25:1:1,2   93000::1:1\n" CLI_CYCLE_HELP
    "Exit: 0 the replacement was created, 1 refused (its findings are printed), 2 bad arguments.\n";

static int claim_no_of(rcm_cycle *cy, int64_t id, char *out, size_t outsz)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    json_t *j = NULL;
    snprintf(out, outsz, "#%lld", (long long)id);
    if (rcm_claim_show(cy, id, &j, &err) < 0)
        return 0;
    const char *no = json_string_value(json_object_get(j, "id"));
    if (no)
        snprintf(out, outsz, "%s", no);
    json_decref(j);
    return 0;
}

/* cli_opt checks of --dx and --line: into the cli_codes at out. */
static int opt_dx(void *out, const char *opt, const char *arg)
{
    (void)opt;
    return cli_codes_add_dx(out, arg);
}

static int opt_line(void *out, const char *opt, const char *arg)
{
    (void)opt;
    return cli_codes_add_line(out, arg);
}

static int denial_correct(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    cli_codes cc;
    int rc = cli_codes_init(&cc);
    if (rc)
        return rc;
    const cli_opt opts[] = { { "dx", required_argument, &cc, opt_dx }, { "line", required_argument, &cc, opt_line } };
    if ((rc = cli_cycle_parse(argc, argv, correct_usage, CLI_OPTS(opts), 1, &co)) >= 0) {
        cli_codes_release(&cc);
        return rc;
    }
    cli_codes_finish(&cc);
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0) {
        cli_codes_release(&cc);
        return rc;
    }
    rcm_findings f;
    rcm_findings_init(&f);
    int64_t claim = 0, fixed = 0;
    if ((rc = find_claim(r.cy, argv[optind], &claim)) != 0)
        goto done;
    int lrc = rcm_denial_correct(r.cy, claim, cc.codes, &f, &fixed, &r.err);
    if (f.n)
        cli_findings_summary(&f);
    for (size_t i = 0; i < f.n; i++)
        cli_finding_print(&f.v[i], NULL);
    if (lrc < 0) {
        rc = fail(&r.err);
        goto done;
    }
    char no[48];
    claim_no_of(r.cy, fixed, no, sizeof(no));
    printf("corrected claim %s replaces %s: the biller submits it\n", no, argv[optind]);
done:
    rcm_findings_release(&f);
    cli_codes_release(&cc);
    return cli_run_close(&r, rc);
}

/* ---- rebill ---- */

static const char rebill_usage[] =
    "usage: rcm denial rebill CLAIM [--note TEXT] [options]\n"
    "After a billing fix, a replacement claim (frequency 7, REF*F8) with the same codes;\n"
    "the claim's open biller-routed denials become corrected. When the claim's coverage now\n"
    "names another payer (rcm coverage set), a new claim (frequency 1) to that payer instead:\n"
    "the balance moves to it, the old claim closes and its billing denials are resolved.\n" CLI_CYCLE_HELP;

static int denial_rebill(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *note = NULL;
    const cli_opt opts[] = { { "note", required_argument, &note, NULL } };
    int rc = cli_cycle_parse(argc, argv, rebill_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    int64_t claim = 0, fixed = 0;
    if ((rc = find_claim(r.cy, argv[optind], &claim)) == 0) {
        if (rcm_denial_rebill(r.cy, claim, note, &fixed, &r.err) < 0) {
            rc = fail(&r.err);
        } else {
            char no[48];
            claim_no_of(r.cy, fixed, no, sizeof(no));
            /* a frequency-1 claim: the coverage names another payer now, billed afresh */
            json_t *j = NULL;
            rcm_error e2;
            memset(&e2, 0, sizeof(e2));
            const char *freq = NULL, *payer = NULL;
            if (rcm_claim_show(r.cy, fixed, &j, &e2) == 0) {
                json_t *cyc = json_object_get(j, "cycle");
                freq = json_string_value(json_object_get(cyc, "freq"));
                payer = json_string_value(json_object_get(cyc, "payer"));
            }
            if (freq && payer && strcmp(freq, "1") == 0)
                printf("claim %s to %s rebills %s (its coverage names %s now): the biller submits it\n", no, payer,
                       argv[optind], payer);
            else
                printf("replacement claim %s replaces %s: the biller submits it\n", no, argv[optind]);
            json_decref(j);
        }
    }
    return cli_run_close(&r, rc);
}

/* ---- writeoff ---- */

static const char writeoff_usage[] =
    "usage: rcm denial writeoff ID --reason TEXT [options]\n"
    "Writes the denied amount off the payer's balance (ID: the denial's id in 'rcm denial list').\n"
    "An amount above the writeoff-approval setting (100.00 unless an admin changed it) posts\n"
    "nothing yet: it waits for a second person (rcm denial pending, approve, reject).\n"
    "  --reason TEXT  why (required; kept in the ledger and the audit trail)\n" CLI_CYCLE_HELP;

static int denial_writeoff(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *reason = NULL;
    const cli_opt opts[] = { { "reason", required_argument, &reason, NULL } };
    int rc = cli_cycle_parse(argc, argv, writeoff_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    int64_t id = 0;
    if ((rc = parse_id(&id, "denial", argv[optind])) != 0)
        return rc;
    if (!reason || !*reason) {
        fputs("rcm: denial writeoff: --reason is required\n", stderr);
        return EXIT_UNREADABLE;
    }
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_writeoff_result res;
    char amount[32];
    if (rcm_denial_writeoff(r.cy, id, reason, &res, &r.err) < 0) {
        rc = fail(&r.err);
    } else if (res.request_id) {
        rcm_cents_fmt(amount, res.amount_cents);
        printf("write-off of $%s waits for a second person's approval (request %lld)\n", amount,
               (long long)res.request_id);
    } else {
        printf("denial %lld written off\n", (long long)id);
    }
    return cli_run_close(&r, rc);
}

/* ---- write-off requests ---- */

static const char pending_usage[] =
    "usage: rcm denial pending [--all] [--json] [options]\n"
    "The write-off requests waiting for a second person's approval, oldest first\n"
    "(--all: every request, decided or not).\n"
    "  --all         approved and rejected requests too\n"
    "  --json        a JSON array\n" CLI_CYCLE_HELP;

static json_t *request_json(const rcm_writeoff_request *r)
{
    char amount[32], at[32], decided[32] = "", adj[16];
    rcm_cents_fmt(amount, r->amount_cents);
    snprintf(adj, sizeof(adj), "%s-%s", r->group, r->carc);
    cli_time_fmt(r->requested_at, at, sizeof(at));
    if (r->decided_at)
        cli_time_fmt(r->decided_at, decided, sizeof(decided));
    return json_pack("{s:I, s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "request",
                     (json_int_t)r->request_id, "denial", (json_int_t)r->denial_id, "claim", r->claim_no, "line",
                     (json_int_t)r->line_no, "adj", adj, "amount", amount, "status", r->status, "requested_by",
                     r->requested_by, "requested_at", at, "reason", r->reason, "decided_by", r->decided_by,
                     "decided_at", decided, "note", r->note);
}

static int denial_pending(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int all = 0, as_json = 0;
    const cli_opt opts[] = { { "all", no_argument, &all, NULL }, { "json", no_argument, &as_json, NULL } };
    int rc = cli_cycle_parse(argc, argv, pending_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_writeoff_request *v = NULL;
    size_t n = 0;
    if (rcm_writeoff_list(r.cy, all ? NULL : "pending", &v, &n, &r.err) < 0) {
        rc = fail(&r.err);
        goto done;
    }
    if (as_json) {
        json_t *arr = json_array();
        for (size_t i = 0; arr && i < n; i++)
            json_array_append_new(arr, request_json(&v[i]));
        char *s = arr ? json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
        if (s)
            printf("%s\n", s);
        else
            rc = EXIT_UNREADABLE;
        free(s);
        json_decref(arr);
        goto done;
    }
    printf("%-7s %-6s %-12s %4s %-7s %10s %-9s %-12s %-12s %s\n", "request", "denial", "claim", "line", "adj",
           "amount", "status", "requested_by", "decided_by", "reason");
    int64_t total = 0;
    for (size_t i = 0; i < n; i++) {
        const rcm_writeoff_request *q = &v[i];
        char amount[32], adj[16];
        rcm_cents_fmt(amount, q->amount_cents);
        snprintf(adj, sizeof(adj), "%s-%s", q->group, q->carc);
        printf("%-7lld %-6lld %-12s %4u %-7s %10s %-9s %-12s %-12s %s\n", (long long)q->request_id,
               (long long)q->denial_id, q->claim_no, (unsigned)q->line_no, adj, amount, q->status, q->requested_by,
               q->decided_by[0] ? q->decided_by : "-", q->reason);
        total += q->amount_cents;
    }
    char t[32];
    rcm_cents_fmt(t, total);
    printf("%zu request%s, %s\n", n, n == 1 ? "" : "s", t);
done:
    free(v);
    return cli_run_close(&r, rc);
}

static const char approve_usage[] =
    "usage: rcm denial approve REQUEST [--note TEXT] [options]\n"
    "Approves another person's write-off request (REQUEST: its number in 'rcm denial pending'):\n"
    "the write-off posts with the requester's reason. Refused to the requester and to whoever\n"
    "coded the claim.\n"
    "  --note TEXT   why (kept in the audit trail)\n" CLI_CYCLE_HELP;

static const char reject_usage[] =
    "usage: rcm denial reject REQUEST --note TEXT [options]\n"
    "Rejects a write-off request: nothing posts and the denial stays open to work.\n"
    "  --note TEXT   why (required; kept in the audit trail)\n" CLI_CYCLE_HELP;

/* The pending request numbered id ('' claim_no when there is none or it cannot be read). */
static void request_of(rcm_cycle *cy, int64_t id, rcm_writeoff_request *out)
{
    memset(out, 0, sizeof(*out));
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_writeoff_request *v = NULL;
    size_t n = 0;
    if (rcm_writeoff_list(cy, "pending", &v, &n, &err) == 0)
        for (size_t i = 0; i < n; i++)
            if (v[i].request_id == id)
                *out = v[i];
    free(v);
}

/* approve (1) or reject (0) a request. */
static int decide(int argc, char **argv, int approve)
{
    cli_cycle_opts co = { 0 };
    const char *note = NULL;
    const cli_opt opts[] = { { "note", required_argument, &note, NULL } };
    int rc = cli_cycle_parse(argc, argv, approve ? approve_usage : reject_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    int64_t id = 0;
    if ((rc = parse_id(&id, "write-off request", argv[optind])) != 0)
        return rc;
    if (!approve && (!note || !*note)) {
        fputs("rcm: denial reject: --note is required\n", stderr);
        return EXIT_UNREADABLE;
    }
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_writeoff_request q;
    request_of(r.cy, id, &q);
    if ((approve ? rcm_writeoff_approve(r.cy, id, note, &r.err) : rcm_writeoff_reject(r.cy, id, note, &r.err)) < 0) {
        rc = fail(&r.err);
    } else if (q.claim_no[0]) {
        char amount[32];
        rcm_cents_fmt(amount, q.amount_cents);
        printf("write-off request %lld %s: $%s of denial %lld on claim %s %s\n", (long long)id,
               approve ? "approved" : "rejected", amount, (long long)q.denial_id, q.claim_no,
               approve ? "written off" : "stays open");
    } else {
        printf("write-off request %lld %s\n", (long long)id, approve ? "approved" : "rejected");
    }
    return cli_run_close(&r, rc);
}

static int denial_approve(int argc, char **argv) { return decide(argc, argv, 1); }
static int denial_reject(int argc, char **argv) { return decide(argc, argv, 0); }

/* ---- appeals ---- */

static const char appeal_usage[] =
    "usage: rcm denial appeal ID [--note TEXT] [options]\n"
    "Files an appeal of an open denial (level 1, then one more each time), refused after the\n"
    "deadline: the remittance's payment date plus the payer's appeal days.\n" CLI_CYCLE_HELP;

static int denial_appeal(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *note = NULL;
    const cli_opt opts[] = { { "note", required_argument, &note, NULL } };
    int rc = cli_cycle_parse(argc, argv, appeal_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    int64_t id = 0, appeal = 0;
    if ((rc = parse_id(&id, "denial", argv[optind])) != 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    if (rcm_appeal_file(r.cy, id, note, &appeal, &r.err) < 0) {
        rc = fail(&r.err);
    } else {
        char dl[16] = "-";
        rcm_denial *v = NULL;
        size_t n = 0;
        if (rcm_denial_list(r.cy, NULL, 0, &v, &n, &r.err) == 0)
            for (size_t i = 0; i < n; i++)
                if (v[i].denial_id == id && v[i].deadline != RCM_DATE_NONE)
                    rcm_date_fmt(dl, v[i].deadline, 1);
        free(v);
        printf("appeal %lld filed for denial %lld, deadline %s\n", (long long)appeal, (long long)id, dl);
    }
    return cli_run_close(&r, rc);
}

static const char appeal_close_usage[] =
    "usage: rcm denial appeal-close APPEAL won|lost|withdrawn [options]\n"
    "Records an appeal's outcome: won resolves the denial (the payer's next 835 pays it);\n"
    "lost or withdrawn puts it back in the biller's queue to write off or appeal again.\n" CLI_CYCLE_HELP;

static int denial_appeal_close(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int rc = cli_cycle_parse(argc, argv, appeal_close_usage, NULL, 0, 2, &co);
    if (rc >= 0)
        return rc;
    int64_t id = 0;
    if ((rc = parse_id(&id, "appeal", argv[optind])) != 0)
        return rc;
    const char *outcome = argv[optind + 1];
    if (strcmp(outcome, "won") != 0 && strcmp(outcome, "lost") != 0 && strcmp(outcome, "withdrawn") != 0) {
        fprintf(stderr, "rcm: appeal outcome '%s': won, lost or withdrawn\n", outcome);
        return EXIT_UNREADABLE;
    }
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    if (rcm_appeal_close(r.cy, id, outcome, &r.err) < 0)
        rc = fail(&r.err);
    else
        printf("appeal %lld closed: %s\n", (long long)id, outcome);
    return cli_run_close(&r, rc);
}
