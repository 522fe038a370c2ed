/*
 * rcm ledger: the append-only ledger of charges, payments, adjustments,
 * transfers and reversals.
 *
 * rcm ledger check [--json]: proves the ledger reconciles (rcm_ledger_check)
 * and prints its totals; exit 1 and the first problem when it does not.
 * rcm ledger show CLAIM [--json]: the rows of one claim (its claim number,
 * CLM01), oldest first, with the running balance of each party and of the
 * claim.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/post.h"

static int ledger_check(int argc, char **argv);
static int ledger_show(int argc, char **argv);

static const cmd ledger_cmds[] = {
    { "check", ledger_check, "prove the ledger reconciles; print its totals" },
    { "show", ledger_show, "a claim's rows with running balances by party" },
};

int cmd_ledger(int argc, char **argv)
{
    return cmd_dispatch("rcm ledger", ledger_cmds, sizeof(ledger_cmds) / sizeof(ledger_cmds[0]), argc - 1,
                        argv + 1);
}

static int print_json(json_t *o)
{
    if (!o)
        return -1;
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

/* getopt over the common options and --json; the positional arguments are left at argv[optind..]. */
static int parse(int argc, char **argv, const char *usage, cli_cycle_opts *co, int *json)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (cli_cycle_option(co, o, optarg))
            continue;
        switch (o) {
        case 'j': *json = 1; break;
        case 'h': fputs(usage, stdout); return 1;
        default: fputs(usage, stderr); return -1;
        }
    }
    return 0;
}

static const char check_usage[] =
    "usage: rcm ledger check [--json] [common options]\n"
    "  Proves the ledger reconciles: original claims are charged their lines,\n"
    "  remittances add up to their payments and provider adjustments, every\n"
    "  posted claim's payment rows are what the payer paid, reversals negate\n"
    "  exactly what they reverse, transfers net to zero, no replaced claim\n"
    "  carries a balance, no row refers to something missing. Prints the totals.\n"
    "  --json        one JSON object (money in integer cents)\n" CLI_CYCLE_HELP
    "Exit: 0 it reconciles, 1 it does not (the first problem is named), 2 error.\n";

static void line_money(const char *label, int64_t cents)
{
    char tmp[32];
    rcm_cents_fmt(tmp, cents);
    printf("  %-24s %16s\n", label, tmp);
}

static int ledger_check(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    int prc = parse(argc, argv, check_usage, &co, &json);
    if (prc)
        return prc > 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    if (optind != argc) {
        fputs(check_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_ledger_report r;
    rc = rcm_ledger_check(cy, &r, &err);
    cli_cycle_close(st, cy);
    if (rc < 0 && rc != RCM_EBALANCE) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    if (json) {
        json_t *o = json_pack("{s:b, s:i, s:s?, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I}", "reconciles",
                              r.problems == 0, "problems", (int)r.problems, "first_problem",
                              r.problems ? r.first_problem : NULL, "entries", (int)r.entries, "claims",
                              (int)r.claims, "remits", (int)r.remits, "charges_cents", (json_int_t)r.charges_cents,
                              "payments_cents", (json_int_t)r.payments_cents, "adjustments_cents",
                              (json_int_t)r.adjustments_cents, "writeoffs_cents", (json_int_t)r.writeoffs_cents,
                              "payer_ar_cents", (json_int_t)r.payer_ar_cents, "patient_ar_cents",
                              (json_int_t)r.patient_ar_cents);
        if (print_json(o) < 0) {
            fprintf(stderr, "rcm: cannot write the report\n");
            return EXIT_UNREADABLE;
        }
    } else {
        printf("ledger: %ld entries, %ld claims, %ld remittances\n", r.entries, r.claims, r.remits);
        line_money("charges", r.charges_cents);
        line_money("payments", r.payments_cents);
        line_money("adjustments", r.adjustments_cents);
        line_money("write-offs", r.writeoffs_cents);
        line_money("owed by payers", r.payer_ar_cents);
        line_money("owed by patients", r.patient_ar_cents);
        if (r.problems)
            printf("does not reconcile: %ld problem%s; the first: %s\n", r.problems, r.problems == 1 ? "" : "s",
                   r.first_problem);
        else
            printf("reconciles\n");
    }
    if (fflush(stdout) == EOF)
        return EXIT_UNREADABLE;
    return r.problems ? EXIT_PROBLEMS : EXIT_CLEAN;
}

static const char show_usage[] =
    "usage: rcm ledger show [--json] [common options] CLAIM\n"
    "  The ledger rows of claim CLAIM (its claim number), oldest first: each\n"
    "  row's amount is what it adds to what its party (a payer, or the patient)\n"
    "  owes on the claim; the running balances of that party and of the claim\n"
    "  follow. A reversal names the row it negates.\n"
    "  --json        JSON Lines, one row per line (money in integer cents)\n" CLI_CYCLE_HELP
    "Exit: 0 shown, 2 no such claim or error.\n";

/* Running balances of up to 16 parties (payer id, 0 the patient). */
typedef struct party_bal {
    int64_t id;
    char name[16];
    int64_t cents;
} party_bal;

static party_bal *party_of(party_bal *v, int *n, int max, const rcm_ledger_row *r)
{
    for (int i = 0; i < *n; i++)
        if (v[i].id == r->payer_id)
            return &v[i];
    if (*n == max)
        return NULL;
    party_bal *p = &v[(*n)++];
    p->id = r->payer_id;
    snprintf(p->name, sizeof(p->name), "%s", r->party);
    p->cents = 0;
    return p;
}

static int ledger_show(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    int prc = parse(argc, argv, show_usage, &co, &json);
    if (prc)
        return prc > 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
    if (optind != argc - 1) {
        fputs(show_usage, stderr);
        return EXIT_UNREADABLE;
    }
    const char *claim_no = argv[optind];
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_ledger_row *rows = NULL;
    size_t n = 0;
    rc = rcm_ledger_rows(cy, claim_no, &rows, &n, &err);
    cli_cycle_close(st, cy);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    party_bal parties[16];
    int np = 0;
    int64_t total = 0;
    if (!json) {
        printf("claim %s: %zu ledger row%s\n", claim_no, n, n == 1 ? "" : "s");
        printf("%-7s %-10s %-10s %4s %-8s %-7s %12s %12s %12s\n", "entry", "date", "kind", "line", "party", "cas",
               "amount", "party bal", "claim bal");
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const rcm_ledger_row *r = &rows[i];
        party_bal *p = party_of(parties, &np, (int)(sizeof(parties) / sizeof(parties[0])), r);
        if (p)
            p->cents += r->amount_cents;
        total += r->amount_cents;
        char date[16] = "-", cas[12] = "";
        if (r->effective != RCM_DATE_NONE)
            rcm_date_fmt(date, r->effective, 1);
        if (r->group_code[0] || r->carc[0])
            snprintf(cas, sizeof(cas), "%s-%s", r->group_code, r->carc);
        if (json) {
            json_t *o = json_pack("{s:I, s:s, s:s, s:i, s:s, s:s, s:s, s:I, s:I, s:I}", "entry",
                                  (json_int_t)r->entry_id, "date", date, "kind", r->kind, "line", r->line_no,
                                  "party", r->party, "group", r->group_code, "carc", r->carc, "amount_cents",
                                  (json_int_t)r->amount_cents, "party_balance_cents",
                                  (json_int_t)(p ? p->cents : 0), "claim_balance_cents", (json_int_t)total);
            if (o && r->remit_id)
                json_object_set_new(o, "remit_id", json_integer(r->remit_id));
            if (o && r->reverses)
                json_object_set_new(o, "reverses", json_integer(r->reverses));
            if (o && r->memo[0])
                json_object_set_new(o, "memo", json_string(r->memo));
            bad |= o ? json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 : 1;
            fputc('\n', stdout);
            json_decref(o);
            continue;
        }
        char amt[32], pb[32], tb[32];
        rcm_cents_fmt(amt, r->amount_cents);
        rcm_cents_fmt(pb, p ? p->cents : 0);
        rcm_cents_fmt(tb, total);
        printf("%-7lld %-10s %-10s %4d %-8s %-7s %12s %12s %12s", (long long)r->entry_id, date, r->kind, r->line_no,
               r->party, cas, amt, pb, tb);
        if (r->reverses)
            printf("  reverses %lld", (long long)r->reverses);
        if (r->memo[0])
            printf("  %s", r->memo);
        putchar('\n');
    }
    if (!json) {
        printf("balance by party:");
        if (np == 0)
            printf(" none");
        for (int i = 0; i < np; i++) {
            char amt[32];
            rcm_cents_fmt(amt, parties[i].cents);
            printf(" %s %s%s", parties[i].name, amt, i + 1 < np ? "," : "");
        }
        char amt[32];
        rcm_cents_fmt(amt, total);
        printf("; claim %s\n", amt);
    }
    free(rows);
    if (bad || fflush(stdout) == EOF) {
        fprintf(stderr, "rcm: cannot write the rows\n");
        return EXIT_UNREADABLE;
    }
    return EXIT_CLEAN;
}
