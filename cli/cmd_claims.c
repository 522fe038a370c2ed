/*
 * rcm claims: from signed-off encounters to claims (include/rcm/coding.h),
 * and the secondary claims (include/rcm/denial.h).
 *
 *   rcm claims build [--json]                  every signed-off encounter into a claim
 *   rcm claims list [--status S] [--payer P] [--json]
 *   rcm claims show CLAIM [--json]             a claim, its lines, balances and findings
 *   rcm claims secondary [--json]              claims to the secondary payers that are due
 *   rcm claims recheck CLAIM... | --all        held or rejected claims again, once the data is fixed
 *
 * CLAIM is the claim number (CLM01) or #N. Text output never names the
 * patient; --json of show is the claim itself (docs/claim-json.md) with its
 * cycle facts. Exit: 0 done, 2 bad arguments or an error; recheck: 1 when a
 * claim stays held.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "rcm/coding.h"
#include "rcm/denial.h"
#include "rcm/refdata.h"

static void print_report(const char *what, const rcm_build_report *r, int json)
{
    char amt[32];
    rcm_cents_fmt(amt, r->charge_cents);
    if (json) {
        cli_print_json(json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "encounters", (json_int_t)r->encounters,
                             "claims", (json_int_t)r->claims, "secondary", (json_int_t)r->secondary, "ready",
                             (json_int_t)r->ready, "held", (json_int_t)r->held, "lines", (json_int_t)r->lines,
                             "charge", amt, "uncovered", (json_int_t)r->uncovered));
        return;
    }
    if (r->claims)
        printf("%s: %ld claim%s (%ld ready, %ld held for the biller), %ld line%s, charges %s\n", what, r->claims,
               r->claims == 1 ? "" : "s", r->ready, r->held, r->lines, r->lines == 1 ? "" : "s", amt);
    if (r->uncovered)
        printf("%ld signed-off encounter%s without a coverage in force on the date of service: left signed off,"
               " the biller has a work item\n", r->uncovered, r->uncovered == 1 ? "" : "s");
}

/* ---- build ---- */

static const char build_usage[] =
    "usage: rcm claims build [--json] [common options]\n"
    "Turns every signed-off encounter into a claim to its primary payer (837P or 837I), charged\n"
    "from the practice's fee schedule and scrubbed: a claim with an error for the biller is held\n"
    "in the biller's queue, the others are ready to submit. An encounter without a primary\n"
    "coverage in force on its date stays signed off, with a work item for the biller.\n"
    "  --json        the report as one JSON object\n" CLI_CYCLE_HELP;

static int claims_build(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    const cli_opt opts[] = { { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, build_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_build_report rep;
    if (rcm_claims_build(r.cy, &rep, &r.err) < 0) {
        rc = -1;
    } else if (!json && !rep.claims && !rep.uncovered) {
        printf("nothing to build: no signed-off encounter waits for a claim\n");
    } else {
        print_report("claims built", &rep, json);
    }
    return cli_done(cli_run_close(&r, rc));
}

/* ---- secondary ---- */

static const char secondary_usage[] =
    "usage: rcm claims secondary [--json] [common options]\n"
    "Builds the claims to secondary payers that are due: the primary payer adjudicated the claim\n"
    "and left a balance with a patient who has a secondary coverage in force. Each carries the\n"
    "primary's adjudication (837 loops 2320/2430); the balance moves to the secondary payer.\n"
    "  --json        the report as one JSON object\n" CLI_CYCLE_HELP;

static int claims_secondary(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    const cli_opt opts[] = { { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, secondary_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_build_report rep;
    if (rcm_cob_build(r.cy, &rep, &r.err) < 0) {
        rc = -1;
    } else if (!json && !rep.claims) {
        printf("no secondary claim is due\n");
    } else {
        print_report("secondary claims built", &rep, json);
    }
    return cli_done(cli_run_close(&r, rc));
}

/* ---- list ---- */

static const char list_usage[] =
    "usage: rcm claims list [--status S] [--payer P] [--json] [common options]\n"
    "The claims in claim number order, with their balance on the ledger.\n"
    "  --status S    held, ready, submitted, accepted, rejected, paid, partial, denied, replaced,\n"
    "                void or closed\n"
    "  --payer P     the payer's code in the practice file\n"
    "  --json        one JSON object per claim (JSON Lines)\n" CLI_CYCLE_HELP;

static int claims_list(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *status = NULL, *payer = NULL;
    int json = 0;
    const cli_opt opts[] = {
        { "status", required_argument, &status, NULL },
        { "payer", required_argument, &payer, NULL },
        { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, list_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    rcm_claim_item *v = NULL;
    size_t n = 0;
    if (rcm_claims_list(r.cy, status, payer, &v, &n, &r.err) < 0)
        return cli_run_close(&r, -1);
    if (!json && !n)
        printf("no claims\n");
    else if (!json)
        printf("%-11s %-16s %-6s %-3s %-4s %-4s %-9s %-10s %10s %10s %s\n", "claim", "encounter", "payer", "seq",
               "kind", "freq", "status", "date", "charge", "balance", "errors");
    int64_t charge = 0, balance = 0;
    for (size_t i = 0; i < n; i++) {
        const rcm_claim_item *c = &v[i];
        char day[11], amt[32], bal[32], seq[2] = { c->seq, 0 }, kind[2] = { c->kind, 0 }, freq[2] = { c->freq, 0 };
        rcm_date_fmt(day, c->dos, 1);
        rcm_cents_fmt(amt, c->charge_cents);
        rcm_cents_fmt(bal, c->balance_cents);
        charge += c->charge_cents;
        balance += c->balance_cents;
        if (json)
            cli_print_json(json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I}", "claim_id",
                                 (json_int_t)c->claim_id, "claim_no", c->claim_no, "encounter", c->encounter, "payer",
                                 c->payer, "seq", seq, "kind", kind, "freq", freq, "status", c->status, "date", day,
                                 "charge_cents", (json_int_t)c->charge_cents, "balance_cents",
                                 (json_int_t)c->balance_cents, "errors", (json_int_t)c->errors));
        else
            printf("%-11s %-16s %-6s %-3s %-4s %-4s %-9s %-10s %10s %10s %ld\n", c->claim_no, c->encounter, c->payer,
                   seq, kind, freq, c->status, day, amt, bal, c->errors);
    }
    if (!json && n) {
        char amt[32], bal[32];
        rcm_cents_fmt(amt, charge);
        rcm_cents_fmt(bal, balance);
        printf("%zu claim%s, charges %s, balance %s\n", n, n == 1 ? "" : "s", amt, bal);
    }
    free(v);
    return cli_done(cli_run_close(&r, EXIT_CLEAN));
}

/* ---- show ---- */

static const char show_usage[] =
    "usage: rcm claims show CLAIM [--json] [common options]\n"
    "A claim (its number or #N): payer, codes, lines, balances by party and the scrubber's\n"
    "findings when it was built. The text names no patient.\n"
    "  --json        the claim as claims JSON (docs/claim-json.md) with its cycle facts under \"cycle\"\n"
    CLI_CYCLE_HELP;

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void print_money(const char *label, json_int_t cents)
{
    char amt[32];
    rcm_cents_fmt(amt, (int64_t)cents);
    printf("%s%s", label, amt);
}

/* Thousandths as the shortest decimal: 1000 "1", 1500 "1.5". */
static void units_text(char out[32], json_int_t milli)
{
    int n = snprintf(out, 32, "%lld", (long long)(milli / 1000));
    json_int_t f = milli % 1000;
    if (f > 0 && n > 0 && n < 26) {
        int digits = 3;
        while (f % 10 == 0) {
            f /= 10;
            digits--;
        }
        snprintf(out + n, (size_t)(32 - n), ".%0*lld", digits, (long long)f);
    }
}

static void print_claim(const json_t *j)
{
    const json_t *cy = json_object_get(j, "cycle");
    printf("claim %s (#%lld)  status %s  payer %s (%s)  837%s  frequency %s\n", jstr(cy, "claim_no"),
           (long long)json_integer_value(json_object_get(cy, "claim_id")), jstr(cy, "status"), jstr(cy, "payer"),
           jstr(cy, "seq"), jstr(cy, "kind"), jstr(cy, "freq"));
    printf("encounter %s  dates %s", jstr(cy, "encounter"), jstr(cy, "dos_from"));
    if (strcmp(jstr(cy, "dos_to"), jstr(cy, "dos_from")) != 0)
        printf(" to %s", jstr(cy, "dos_to"));
    printf("  coded by %s\n", jstr(cy, "coded_by"));
    if (*jstr(cy, "replaces"))
        printf("replaces %s (REF*F8 %s)\n", jstr(cy, "replaces"), jstr(j, "original_ref"));
    if (*jstr(cy, "follows"))
        printf("secondary to %s\n", jstr(cy, "follows"));
    print_money("charge ", json_integer_value(json_object_get(cy, "charge_cents")));
    print_money("  balance ", json_integer_value(json_object_get(cy, "balance_cents")));
    const char *key;
    const json_t *v;
    int first = 1;
    json_object_foreach((json_t *)json_object_get(cy, "balances"), key, v) {
        printf("%s%s ", first ? " (" : ", ", key);
        print_money("", json_integer_value(v));
        first = 0;
    }
    printf("%s\n", first ? "" : ")");
    const json_t *dx = json_object_get(j, "dx"), *x;
    size_t i;
    printf("diagnoses:");
    json_array_foreach(dx, i, x) {
        const char *code = json_is_string(x) ? json_string_value(x) : jstr(x, "code");
        char d[RCM_CODE_MAX];
        rcm_code_icd10cm_display(d, code);
        printf("%s %s", i ? "," : "", d);
    }
    printf("%s\n", json_array_size(dx) ? "" : " none");
    printf("lines:\n");
    json_array_foreach(json_object_get(j, "lines"), i, x) {
        char code[64];
        size_t k = (size_t)snprintf(code, sizeof(code), "%s", *jstr(x, "code") ? jstr(x, "code") : "-");
        const json_t *m;
        size_t q;
        json_array_foreach(json_object_get(x, "mods"), q, m) {
            if (k < sizeof(code))
                k += (size_t)snprintf(code + k, sizeof(code) - k, "-%s", json_string_value(m));
        }
        json_int_t milli = json_integer_value(json_object_get(x, "units_milli"));
        char amt[32], units[32];
        rcm_cents_fmt(amt, (int64_t)json_integer_value(json_object_get(x, "charge_cents")));
        units_text(units, milli);
        printf("  %3zu  %-14s %5s unit%s %10s", i + 1, code, units, milli == 1000 ? " " : "s", amt);
        if (*jstr(x, "revenue_code"))
            printf("  revenue %s", jstr(x, "revenue_code"));
        const json_t *ptrs = json_object_get(x, "dx_ptr");
        if (json_array_size(ptrs)) {
            printf("  dx");
            json_array_foreach(ptrs, q, m)
                printf("%s%lld", q ? "," : " ", (long long)json_integer_value(m));
        }
        printf("  %s\n", jstr(x, "from"));
    }
    const json_t *fs = json_object_get(cy, "findings");
    if (!json_array_size(fs))
        printf("findings: none\n");
    else
        printf("findings:\n");
    json_array_foreach(fs, i, x) {
        json_int_t line = json_integer_value(json_object_get(x, "line"));
        char where[24];
        if (line)
            snprintf(where, sizeof(where), "line %lld", (long long)line);
        else
            snprintf(where, sizeof(where), "claim");
        printf("  %-8s %-9s %-7s %-10s %s\n", jstr(x, "severity"), jstr(x, "rule"), jstr(x, "route"), where,
               jstr(x, "message"));
    }
}

static int claims_show(int argc, char **argv)
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
    int64_t id = 0;
    json_t *j = NULL;
    if (rcm_claim_find(r.cy, argv[optind], &id, &r.err) < 0 || rcm_claim_show(r.cy, id, &j, &r.err) < 0) {
        rc = -1;
    } else if (json) {
        rc = cli_print_json(j);
    } else {
        print_claim(j);
        json_decref(j);
    }
    return cli_done(cli_run_close(&r, rc));
}

/* ---- recheck ---- */

static const char recheck_usage[] =
    "usage: rcm claims recheck CLAIM... | --all [common options]\n"
    "Checks held or rejected claims again once the biller fixed their data (a practice file with\n"
    "the missing fee, a coverage, a provider): lines charged 0 for want of a fee are priced from\n"
    "the fee schedule, the claim is assembled from the current data and scrubbed again. It is\n"
    "ready (its work items closed) when no error for the biller remains, else held; a rejected\n"
    "claim made ready goes out in the next submission as it is. Exit 1 when a claim stays held.\n"
    "  --all         every held or rejected claim, in one transaction\n" CLI_CYCLE_HELP;

/* Prints claim id as rechecked: "claim C000000001: held -> ready", then its remaining errors. */
static int print_rechecked(rcm_cycle *cy, int64_t id, const char *was, int *held, rcm_error *err)
{
    json_t *j = NULL;
    if (rcm_claim_show(cy, id, &j, err) < 0)
        return -1;
    const json_t *c = json_object_get(j, "cycle");
    const char *now = jstr(c, "status");
    printf("claim %s: %s -> %s\n", jstr(c, "claim_no"), was, now);
    if (strcmp(now, "held") == 0)
        *held = 1;
    const json_t *x;
    size_t i;
    json_array_foreach(json_object_get(c, "findings"), i, x) {
        if (strcmp(jstr(x, "severity"), "error") != 0)
            continue;
        json_int_t line = json_integer_value(json_object_get(x, "line"));
        char where[24];
        if (line)
            snprintf(where, sizeof(where), "line %lld", (long long)line);
        else
            snprintf(where, sizeof(where), "claim");
        printf("  %-8s %-9s %-7s %-10s %s\n", jstr(x, "severity"), jstr(x, "rule"), jstr(x, "route"), where,
               jstr(x, "message"));
    }
    json_decref(j);
    return 0;
}

/* The claim's status now ("held", "rejected"...) into out. */
static int status_of(rcm_cycle *cy, int64_t id, char out[12], rcm_error *err)
{
    json_t *j = NULL;
    if (rcm_claim_show(cy, id, &j, err) < 0)
        return -1;
    snprintf(out, 12, "%s", jstr(json_object_get(j, "cycle"), "status"));
    json_decref(j);
    return 0;
}

static void print_recheck_total(const rcm_build_report *r)
{
    char amt[32];
    rcm_cents_fmt(amt, r->charge_cents);
    printf("rechecked %ld claim%s: %ld ready, %ld held; %ld line%s repriced, charges added %s\n", r->claims,
           r->claims == 1 ? "" : "s", r->ready, r->held, r->lines, r->lines == 1 ? "" : "s", amt);
}

/* --all: every held or rejected claim in one call, then each printed. */
static int recheck_all(rcm_cycle *cy, int *held, rcm_error *err)
{
    rcm_claim_item *v = NULL, *w = NULL;
    size_t n = 0, m = 0;
    int rc = 0;
    if (rcm_claims_list(cy, "held", NULL, &v, &n, err) < 0 || rcm_claims_list(cy, "rejected", NULL, &w, &m, err) < 0) {
        free(v);
        return -1;
    }
    rcm_build_report rep;
    if (!n && !m) {
        printf("no held or rejected claim to recheck\n");
    } else if (rcm_claims_recheck(cy, 0, &rep, err) < 0) {
        rc = -1;
    } else {
        /* in claim id order, as they were rechecked */
        size_t i = 0, k = 0;
        while (rc == 0 && (i < n || k < m)) {
            int take_v = k == m || (i < n && v[i].claim_id < w[k].claim_id);
            const rcm_claim_item *c = take_v ? &v[i++] : &w[k++];
            rc = print_rechecked(cy, c->claim_id, c->status, held, err);
        }
        if (rc == 0)
            print_recheck_total(&rep);
    }
    free(v);
    free(w);
    return rc;
}

static int claims_recheck(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int all = 0;
    const cli_opt opts[] = { { "all", no_argument, &all, NULL } };
    int rc = cli_cycle_parse(argc, argv, recheck_usage, CLI_OPTS(opts), -1, &co);
    if (rc >= 0)
        return rc;
    if (all == (optind < argc))
        return cli_usage(recheck_usage, EXIT_UNREADABLE);
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    int held = 0, failed = 0;
    if (all) {
        failed = recheck_all(r.cy, &held, &r.err) < 0;
    } else {
        /* every claim named must exist before any is rechecked */
        int n = argc - optind;
        int64_t *ids = calloc((size_t)n, sizeof(*ids));
        if (!ids) {
            rcm_error_set(&r.err, RCM_ENOMEM, "out of memory");
            failed = 1;
        }
        for (int i = 0; !failed && i < n; i++)
            failed = rcm_claim_find(r.cy, argv[optind + i], &ids[i], &r.err) < 0;
        rcm_build_report total, rep;
        memset(&total, 0, sizeof(total));
        for (int i = 0; !failed && i < n; i++) {
            char was[12];
            failed = status_of(r.cy, ids[i], was, &r.err) < 0 || rcm_claims_recheck(r.cy, ids[i], &rep, &r.err) < 0 ||
                     print_rechecked(r.cy, ids[i], was, &held, &r.err) < 0;
            if (!failed) {
                total.claims += rep.claims;
                total.ready += rep.ready;
                total.held += rep.held;
                total.lines += rep.lines;
                total.charge_cents += rep.charge_cents;
            }
        }
        if (!failed && n > 1)
            print_recheck_total(&total);
        free(ids);
    }
    rc = failed ? -1 : held ? EXIT_PROBLEMS : EXIT_CLEAN;
    return cli_done(cli_run_close(&r, rc));
}

int cmd_claims(int argc, char **argv)
{
    static const cmd table[] = {
        { "build", claims_build, "turn signed-off encounters into claims, scrubbed" },
        { "list", claims_list, "claims by status and payer, with their balances" },
        { "recheck", claims_recheck, "check held or rejected claims again once their data is fixed" },
        { "secondary", claims_secondary, "build the claims to secondary payers that are due" },
        { "show", claims_show, "a claim: payer, codes, lines, balances, findings" },
    };
    return cmd_dispatch("rcm claims", table, sizeof(table) / sizeof(table[0]), argc - 1, argv + 1);
}
