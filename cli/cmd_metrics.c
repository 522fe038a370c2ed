/*
 * rcm metrics [--from DATE] [--to DATE] [--by payer|provider|coder] [--json]
 *
 * The revenue-cycle metrics of a date-of-service cohort (rcm_metrics_get;
 * docs/metrics.md defines every figure). Text by default (cli_metrics.h),
 * or one JSON object: money in integer cents, rates in basis points (-1:
 * no denominator).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_store.h"
#include "cli_metrics.h"

static const char usage_text[] =
    "usage: rcm metrics [--from DATE] [--to DATE] [--by payer|provider|coder] [--json] [common options]\n"
    "  Clean-claim rate, first-pass rate, denial rates (count and dollars), denials by root\n"
    "  cause and by CARC, net and gross collection rates, AR, share of AR over 90 days, days in\n"
    "  AR, E/M level distribution per provider, for the original claims whose date of service\n"
    "  is in the period (docs/metrics.md). AR is taken at --to, else the business date.\n"
    "  --from DATE    first date of service (default: the first)\n"
    "  --to DATE      last date of service (default: the last)\n"
    "  --by KIND      one row per payer, rendering provider or coder (default: the total)\n"
    "  --json         one JSON object (cents, basis points)\n" CLI_CYCLE_HELP
    "Exit: 0 shown, 2 bad usage or error.\n";

static json_t *jdate(rcm_date d)
{
    char s[11];
    if (d == RCM_DATE_NONE)
        return json_null();
    rcm_date_fmt(s, d, 1);
    return json_string(s);
}

static json_t *row_json(const rcm_metrics_row *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "key", json_string(r->key));
#define I(name) json_object_set_new(o, #name, json_integer((json_int_t)r->name))
    I(claims_submitted);
    I(claims_clean);
    I(claims_first_pass_accepted);
    I(claims_adjudicated);
    I(claims_first_pass_paid);
    I(claims_denied);
    I(lines_denied);
    I(gross_charges_cents);
    I(adjudicated_charges_cents);
    I(denied_charges_cents);
    I(payments_cents);
    I(payer_payments_cents);
    I(patient_payments_cents);
    I(contractual_cents);
    I(writeoff_cents);
    I(ar_cents);
    I(ar_over_90_cents);
    I(charges_90d_cents);
    I(clean_claim_bp);
    I(first_pass_bp);
    I(denial_rate_bp);
    I(denial_dollar_bp);
    I(net_collection_bp);
    I(gross_collection_bp);
    I(ar_over_90_bp);
    I(days_in_ar_x100);
#undef I
    return o;
}

static json_t *counts_json(const rcm_metrics_count *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s, s:I, s:I}", "key", v[i].key, "count", (json_int_t)v[i].count,
                                           "cents", (json_int_t)v[i].cents));
    return a;
}

static int print_json(const rcm_metrics *m)
{
    json_t *o = json_object();
    json_object_set_new(o, "from", jdate(m->from));
    json_object_set_new(o, "to", jdate(m->to));
    json_object_set_new(o, "period_end", jdate(m->period_end));
    json_t *rows = json_array();
    for (size_t i = 0; i < m->n_rows; i++)
        json_array_append_new(rows, row_json(&m->rows[i]));
    json_object_set_new(o, "rows", rows);
    json_object_set_new(o, "denials_by_root", counts_json(m->by_root, m->n_by_root));
    json_object_set_new(o, "denials_by_carc", counts_json(m->by_carc, m->n_by_carc));
    json_t *em = json_array();
    for (size_t i = 0; i < m->n_em; i++) {
        const char *sp = strchr(m->em[i].key, ' ');
        json_array_append_new(em, json_pack("{s:s%, s:s, s:I}", "npi", m->em[i].key,
                                            sp ? (size_t)(sp - m->em[i].key) : strlen(m->em[i].key), "code",
                                            sp ? sp + 1 : "", "count", (json_int_t)m->em[i].count));
    }
    json_object_set_new(o, "em", em);
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

int cmd_metrics(int argc, char **argv)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },
        { "by", required_argument, NULL, 'b' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    rcm_metrics_query q = { RCM_DATE_NONE, RCM_DATE_NONE, RCM_METRICS_TOTAL };
    int json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case 'f':
            if (cli_parse_date(&q.from, "--from", optarg) != 0)
                return EXIT_UNREADABLE;
            break;
        case 't':
            if (cli_parse_date(&q.to, "--to", optarg) != 0)
                return EXIT_UNREADABLE;
            break;
        case 'b':
            if (strcmp(optarg, "payer") == 0)
                q.by = RCM_METRICS_BY_PAYER;
            else if (strcmp(optarg, "provider") == 0)
                q.by = RCM_METRICS_BY_PROVIDER;
            else if (strcmp(optarg, "coder") == 0)
                q.by = RCM_METRICS_BY_CODER;
            else {
                fprintf(stderr, "rcm: --by '%s': payer, provider or coder\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        case 'j': json = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    if (q.from != RCM_DATE_NONE && q.to != RCM_DATE_NONE && q.from > q.to) {
        fprintf(stderr, "rcm: --from is after --to\n");
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_metrics m;
    rc = rcm_metrics_get(cy, &q, &m, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    if (json)
        rc = print_json(&m);
    else
        cli_metrics_print(stdout, &m);
    rcm_metrics_release(&m);
    if (rc < 0 || fflush(stdout) == EOF) {
        fprintf(stderr, "rcm: cannot write the report\n");
        return EXIT_UNREADABLE;
    }
    return EXIT_CLEAN;
}
