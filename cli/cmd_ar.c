/*
 * rcm ar: accounts receivable.
 *
 * rcm ar aging [--by payer|patient|provider] [--json]: balances owed on the
 * business date by age from the date of service (0-30, 31-60, 61-90,
 * 91-120, over 120 days), in total or by payer (the patients' share as its
 * own row "patient"), patient (MRN) or rendering provider (NPI).
 * rcm ar worklist [--limit N] [--json]: the claims that need follow-up,
 * highest score first (docs/metrics.md, "The worklist").
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/ar.h"

static int ar_aging(int argc, char **argv);
static int ar_worklist(int argc, char **argv);

static const cmd ar_cmds[] = {
    { "aging", ar_aging, "balances by age from the date of service: total, by payer, patient or provider" },
    { "worklist", ar_worklist, "claims needing follow-up, ordered by amount, age and deadlines" },
};

int cmd_ar(int argc, char **argv)
{
    return cmd_dispatch("rcm ar", ar_cmds, sizeof(ar_cmds) / sizeof(ar_cmds[0]), argc - 1, argv + 1);
}

static const char *const bucket_names[RCM_AR_BUCKETS] = { "0-30", "31-60", "61-90", "91-120", "over_120" };

static int print_json(json_t *o)
{
    if (!o)
        return -1;
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

static const char aging_usage[] =
    "usage: rcm ar aging [--by payer|patient|provider] [--json] [common options]\n"
    "  What payers and patients owe on the business date, by days since the date of\n"
    "  service: 0-30, 31-60, 61-90, 91-120, over 120.\n"
    "  --by payer     one row per payer, the patients' share as the row \"patient\"\n"
    "  --by patient   one row per patient (MRN): everything owed on the patient's claims\n"
    "  --by provider  one row per rendering provider (NPI)\n"
    "  --json         one JSON object (money in integer cents)\n" CLI_CYCLE_HELP
    "Exit: 0 shown, 2 bad usage or error.\n";

static int ar_aging(int argc, char **argv)
{
    static const struct option opts[] = {
        { "by", required_argument, NULL, 'b' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    int by = RCM_AR_TOTAL, json = 0, o;
    const char *by_name = "total";
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case 'b':
            by_name = optarg;
            if (strcmp(optarg, "payer") == 0)
                by = RCM_AR_BY_PAYER;
            else if (strcmp(optarg, "patient") == 0)
                by = RCM_AR_BY_PATIENT;
            else if (strcmp(optarg, "provider") == 0)
                by = RCM_AR_BY_PROVIDER;
            else {
                fprintf(stderr, "rcm: --by '%s': payer, patient or provider\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        case 'j': json = 1; break;
        case 'h': fputs(aging_usage, stdout); return EXIT_CLEAN;
        default: fputs(aging_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc) {
        fputs(aging_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_aging_row *rows = NULL;
    size_t n = 0;
    char today[11];
    rcm_date_fmt(today, rcm_cycle_today(cy), 1);
    rc = rcm_ar_aging(cy, by, &rows, &n, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    rcm_aging_row total;
    memset(&total, 0, sizeof(total));
    for (size_t i = 0; i < n; i++) {
        for (int b = 0; b < RCM_AR_BUCKETS; b++)
            total.bucket_cents[b] += rows[i].bucket_cents[b];
        total.total_cents += rows[i].total_cents;
    }
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *r = json_object();
            json_object_set_new(r, "key", json_string(rows[i].key));
            for (int b = 0; b < RCM_AR_BUCKETS; b++)
                json_object_set_new(r, bucket_names[b], json_integer((json_int_t)rows[i].bucket_cents[b]));
            json_object_set_new(r, "total", json_integer((json_int_t)rows[i].total_cents));
            json_object_set_new(r, "claims", json_integer((json_int_t)rows[i].claims));
            json_array_append_new(a, r);
        }
        json_t *t = json_object();
        for (int b = 0; b < RCM_AR_BUCKETS; b++)
            json_object_set_new(t, bucket_names[b], json_integer((json_int_t)total.bucket_cents[b]));
        json_object_set_new(t, "total", json_integer((json_int_t)total.total_cents));
        rc = print_json(json_pack("{s:s, s:s, s:o, s:o}", "date", today, "by", by_name, "rows", a, "total", t));
    } else {
        if (by == RCM_AR_TOTAL)
            printf("AR aging on %s (days from the date of service)\n", today);
        else
            printf("AR aging on %s by %s (days from the date of service)\n", today, by_name);
        printf("%-16s %12s %12s %12s %12s %12s %13s %7s\n", by == RCM_AR_TOTAL ? "" : by_name, "0-30", "31-60",
               "61-90", "91-120", "over 120", "total", "claims");
        for (size_t i = 0; i <= n; i++) {
            const rcm_aging_row *r = i < n ? &rows[i] : &total;
            if (i == n && by == RCM_AR_TOTAL)
                break;
            char c[RCM_AR_BUCKETS + 1][32];
            for (int b = 0; b < RCM_AR_BUCKETS; b++)
                rcm_cents_fmt(c[b], r->bucket_cents[b]);
            rcm_cents_fmt(c[RCM_AR_BUCKETS], r->total_cents);
            if (i < n)
                printf("%-16s %12s %12s %12s %12s %12s %13s %7ld\n", r->key, c[0], c[1], c[2], c[3], c[4], c[5],
                       r->claims);
            else
                printf("%-16s %12s %12s %12s %12s %12s %13s\n", "total", c[0], c[1], c[2], c[3], c[4], c[5]);
        }
        if (n == 0 && by == RCM_AR_TOTAL)
            printf("nothing is owed\n");
    }
    free(rows);
    if (rc < 0 || fflush(stdout) == EOF) {
        fprintf(stderr, "rcm: cannot write the report\n");
        return EXIT_UNREADABLE;
    }
    return EXIT_CLEAN;
}

static const char worklist_usage[] =
    "usage: rcm ar worklist [--limit N] [--json] [common options]\n"
    "  The claims that need follow-up, highest score first: payer balances with no\n"
    "  remittance 30 days after submission (check claim status, 276), open denials\n"
    "  with their appeal deadlines, unsent or rejected claims near the payer's\n"
    "  timely-filing limit, patient balances past the statement's due date. The score\n"
    "  adds the amount, the age and the nearness of the deadline (docs/metrics.md).\n"
    "  --limit N      the first N items (default: all)\n"
    "  --json         one JSON object (money in integer cents)\n" CLI_CYCLE_HELP
    "Exit: 0 shown, 2 bad usage or error.\n";

static int ar_worklist(int argc, char **argv)
{
    static const struct option opts[] = {
        { "limit", required_argument, NULL, 'n' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    int json = 0, o;
    long limit = -1;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case 'n': {
            char *end;
            limit = strtol(optarg, &end, 10);
            if (*end || end == optarg || limit < 0) {
                fprintf(stderr, "rcm: --limit '%s': a count\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        }
        case 'j': json = 1; break;
        case 'h': fputs(worklist_usage, stdout); return EXIT_CLEAN;
        default: fputs(worklist_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc) {
        fputs(worklist_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_worklist_item *v = NULL;
    size_t n = 0;
    char today[11];
    rcm_date_fmt(today, rcm_cycle_today(cy), 1);
    rc = rcm_ar_worklist(cy, &v, &n, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    size_t shown = limit >= 0 && (size_t)limit < n ? (size_t)limit : n;
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < shown; i++) {
            char d[11] = "";
            if (v[i].deadline != RCM_DATE_NONE)
                rcm_date_fmt(d, v[i].deadline, 1);
            json_array_append_new(a, json_pack("{s:I, s:s, s:s, s:I, s:i, s:s?, s:s, s:I}", "claim_id",
                                               (json_int_t)v[i].claim_id, "claim_no", v[i].claim_no, "payer",
                                               v[i].payer, "balance_cents", (json_int_t)v[i].balance_cents,
                                               "age_days", v[i].age_days, "deadline", d[0] ? d : NULL, "reason",
                                               v[i].reason, "score", (json_int_t)v[i].score));
        }
        rc = print_json(json_pack("{s:s, s:I, s:o}", "date", today, "items", (json_int_t)n, "worklist", a));
    } else {
        printf("AR worklist on %s: %zu item%s%s\n", today, n, n == 1 ? "" : "s",
               shown < n ? " (the first shown)" : "");
        if (shown)
            printf("%7s  %-12s %-8s %11s %5s  %-10s  %s\n", "score", "claim", "payer", "balance", "age", "deadline",
                   "reason");
        for (size_t i = 0; i < shown; i++) {
            char bal[32], d[11] = "-";
            rcm_cents_fmt(bal, v[i].balance_cents);
            if (v[i].deadline != RCM_DATE_NONE)
                rcm_date_fmt(d, v[i].deadline, 1);
            printf("%7lld  %-12s %-8s %11s %5d  %-10s  %s\n", (long long)v[i].score, v[i].claim_no, v[i].payer, bal,
                   v[i].age_days, d, v[i].reason);
        }
    }
    free(v);
    if (rc < 0 || fflush(stdout) == EOF) {
        fprintf(stderr, "rcm: cannot write the report\n");
        return EXIT_UNREADABLE;
    }
    return EXIT_CLEAN;
}
