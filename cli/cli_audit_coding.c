/*
 * The coding-audit subcommands of rcm audit (cli_audit_coding.h): sample,
 * score, report, em and em-reference. Each parses its options, calls
 * librcm (include/rcm/audit.h) and prints text or, with --json, one JSON
 * object on one line (money in cents, rates in basis points).
 * docs/coding-audit.md describes the audit and every figure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_audit_coding.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "cli_store.h"
#include "rcm/audit.h"
#include "rcm/auth.h"
/* rcm_audit_score_file, rcm_em_reference_get, rcm_em_chi2_p: proposed for include/rcm/audit.h */

/* The pass mark: a coder passes with 95% or more of the codes reviewed right (docs/coding-audit.md). */
#define PASS_BP 9500

static const char *error_types[] = { RCM_AUDIT_ERROR_TYPES };
#define N_TYPES ((int)(sizeof(error_types) / sizeof(error_types[0])))

/* ---- small helpers ---- */

/* num / den in basis points, rounded half up; -1 when den is 0. */
static int64_t bp(int64_t num, int64_t den)
{
    if (den <= 0)
        return -1;
    return (num * 20000 + den) / (2 * den);
}

/* "96.15%" or "-" (v: hundredths of a percent, 0..10000) */
static const char *pct(char out[16], int64_t v)
{
    if (v < 0 || v > 1000000)
        snprintf(out, 16, "-");
    else
        snprintf(out, 16, "%d.%02d%%", (int)(v / 100), (int)(v % 100));
    return out;
}

static const char *money(char out[24], int64_t cents)
{
    rcm_cents_fmt(out, cents);
    return out;
}

static json_t *jdate(rcm_date d)
{
    char s[11];
    if (d == RCM_DATE_NONE)
        return json_null();
    rcm_date_fmt(s, d, 1);
    return json_string(s);
}

/* cli_opt checks (cli_cycle.h): 0, or EXIT_UNREADABLE with the reason printed. */
static int parse_count(void *out, const char *opt, const char *s)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || !end || *end || end == s || v < 1 || v > 1000000) {
        fprintf(stderr, "rcm: %s '%s': a whole number 1 to 1000000\n", opt, s);
        return EXIT_UNREADABLE;
    }
    *(int *)out = (int)v;
    return 0;
}

static int parse_id(void *out, const char *what, const char *s)
{
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || !end || *end || end == s || v < 1) {
        fprintf(stderr, "rcm: %s '%s': a number from 1\n", what, s);
        return EXIT_UNREADABLE;
    }
    *(int64_t *)out = v;
    return 0;
}

/* A seed: 0 to 18446744073709551615, digits only, into a seed_arg. */
typedef struct seed_arg {
    uint64_t v;
    int given;
} seed_arg;

static int parse_seed(void *out, const char *opt, const char *s)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = s[0] >= '0' && s[0] <= '9' ? strtoull(s, &end, 10) : 0;
    if (!end || *end || end == s || errno) {
        fprintf(stderr, "rcm: %s '%s': a whole number 0 to 18446744073709551615\n", opt, s);
        return EXIT_UNREADABLE;
    }
    ((seed_arg *)out)->v = (uint64_t)v;
    ((seed_arg *)out)->given = 1;
    return 0;
}

/* ---- rcm audit sample ---- */

static const char sample_usage[] =
    "usage: rcm audit sample --coder NAME --from DATE --to DATE --n N --seed S [--stratify none|em|dollars]\n"
    "                        [--json] [common options]\n"
    "  Draws a reproducible random sample of a coder's original claims whose first date of\n"
    "  service is in [--from, --to] and records it (audit.coding; not your own coding). The\n"
    "  same seed over the same claims draws the same sample.\n"
    "  --coder NAME     whose claims (the user who coded them)\n"
    "  --from, --to     the date-of-service range, both included\n"
    "  --n N            claims to draw (all of them when fewer)\n"
    "  --seed S         the generator's seed, 0 to 18446744073709551615: keep it with the audit\n"
    "  --stratify HOW   none (default); em: by the claim's highest E/M level (99202-99205,\n"
    "                   99211-99215, else no-em); dollars: by charge quartile (q1..q4). N is\n"
    "                   split over the strata in proportion to their sizes\n"
    "  --json           one JSON object\n" CLI_CYCLE_HELP
    "Prints the sample's number and its claims in the order drawn.\n"
    "Exit: 0 drawn, 2 bad usage, no claims, not allowed or error.\n";

int cli_audit_sample(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    rcm_audit_sample_spec spec = { NULL, RCM_DATE_NONE, RCM_DATE_NONE, 0, 0, "none" };
    seed_arg sd = { 0, 0 };
    int json = 0;
    const cli_opt opts[] = {
        { "coder", required_argument, &spec.coder, NULL },   { "from", required_argument, &spec.from, cli_opt_date },
        { "to", required_argument, &spec.to, cli_opt_date }, { "n", required_argument, &spec.n, parse_count },
        { "seed", required_argument, &sd, parse_seed },      { "stratify", required_argument, &spec.stratify, NULL },
        { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, sample_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (!spec.coder || spec.from == RCM_DATE_NONE || spec.to == RCM_DATE_NONE || !spec.n || !sd.given) {
        fprintf(stderr, "rcm: audit sample needs --coder, --from, --to, --n and --seed\n");
        return cli_usage(sample_usage, EXIT_UNREADABLE);
    }
    spec.seed = sd.v;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    rc = cli_run_close(&r, rcm_audit_sample(r.cy, &spec, &id, &v, &n, &r.err));
    if (rc != 0)
        return rc;
    char seed[24], from[11], to[11];
    snprintf(seed, sizeof(seed), "%llu", (unsigned long long)spec.seed);
    rcm_date_fmt(from, spec.from, 1);
    rcm_date_fmt(to, spec.to, 1);
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:i, s:s, s:s, s:I}", "pick", v[i].pick, "claim", v[i].claim_no,
                                               "stratum", v[i].stratum, "charge_cents", (json_int_t)v[i].charge_cents));
        free(v);
        json_t *obj = json_pack("{s:I, s:s, s:s, s:s, s:i, s:s, s:s, s:o}", "sample", (json_int_t)id, "coder",
                                spec.coder, "from", from, "to", to, "n", spec.n, "seed", seed, "stratify",
                                spec.stratify, "claims", a);
        return cli_done(cli_print_json(obj));
    }
    printf("sample %lld: coder %s, dates of service %s..%s, seed %s, stratify %s: %zu claim%s drawn\n",
           (long long)id, spec.coder, from, to, seed, spec.stratify, n, n == 1 ? "" : "s");
    printf("%4s  %-12s %-8s %12s\n", "pick", "claim", "stratum", "charge");
    for (size_t i = 0; i < n; i++) {
        char m[24];
        printf("%4d  %-12s %-8s %12s\n", v[i].pick, v[i].claim_no, v[i].stratum, money(m, v[i].charge_cents));
    }
    free(v);
    return cli_done(EXIT_CLEAN);
}

/* ---- rcm audit score ---- */

static const char score_usage[] =
    "usage: rcm audit score SAMPLE --file FILE.json [--json] [common options]\n"
    "  Records the auditor's review of claims of sample SAMPLE from a JSON file\n"
    "  (docs/coding-audit.md): every claim of the file or none. Each claim with an error\n"
    "  becomes a correction work item for the coder who coded it (audit.coding; not for a\n"
    "  claim you coded; a claim is reviewed once).\n"
    "  --file FILE   the reviews: {\"claims\": [{\"claim\": \"C000000001\", \"note\": \"...\",\n"
    "                \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\", \"correct\": \"99214\",\n"
    "                \"error\": \"upcoded\", \"effect\": \"-45.00\"}]}]}\n"
    "  --json        one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 recorded, 2 bad usage, a bad file (located), not allowed or error.\n";

int cli_audit_score(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *file = NULL;
    int json = 0;
    const cli_opt opts[] = { { "file", required_argument, &file, NULL }, { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, score_usage, CLI_OPTS(opts), 1, &co);
    if (rc >= 0)
        return rc;
    if (!file)
        return cli_usage(score_usage, EXIT_UNREADABLE);
    int64_t sample = 0;
    if (parse_id(&sample, "sample", argv[optind]) != 0)
        return EXIT_UNREADABLE;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_audit_score_report rep;
    rc = cli_run_close(&r, rcm_audit_score_file(r.cy, sample, file, &rep, &r.err));
    if (rc != 0)
        return rc;
    if (json)
        return cli_done(cli_print_json(json_pack(
            "{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "sample", (json_int_t)sample, "claims", (json_int_t)rep.claims,
            "codes", (json_int_t)rep.codes, "errors", (json_int_t)rep.errors, "over_cents",
            (json_int_t)rep.over_cents, "under_cents", (json_int_t)rep.under_cents, "work_items",
            (json_int_t)rep.work_items)));
    char over[24], under[24];
    printf("sample %lld: %zu claim%s reviewed, %lld code%s, %lld error%s; over-coded %s, under-coded %s;"
           " %zu correction item%s for the coders\n",
           (long long)sample, rep.claims, rep.claims == 1 ? "" : "s", (long long)rep.codes, rep.codes == 1 ? "" : "s",
           (long long)rep.errors, rep.errors == 1 ? "" : "s", money(over, rep.over_cents),
           money(under, rep.under_cents), rep.work_items, rep.work_items == 1 ? "" : "s");
    return cli_done(EXIT_CLEAN);
}

/* ---- rcm audit report ---- */

static const char report_usage[] =
    "usage: rcm audit report [--sample S] [--coder NAME] [--from DATE] [--to DATE] [--json] [common options]\n"
    "  Coding accuracy per coder over the reviews recorded (audit.coding or audit.read):\n"
    "  claim accuracy (claims without an error), code accuracy (codes right), the errors by\n"
    "  type, over- and under-coded dollars, the net, the dollar error rate\n"
    "  ((over + under) / billed), and PASS when code accuracy is 95% or more, else FAIL.\n"
    "  --sample S      the reviews of one sample (default: all)\n"
    "  --coder NAME    one coder (default: all)\n"
    "  --from, --to    reviewed on these dates, both included (default: any)\n"
    "  --json          one JSON object (cents, basis points)\n" CLI_CYCLE_HELP
    "Exit: 0 every coder passes (or no reviews), 1 a coder fails, 2 bad usage or error.\n";

static void print_accuracy(const rcm_audit_accuracy *a, int pass)
{
    char p1[16], p2[16], p3[16], m1[24], m2[24], m3[24], m4[24];
    printf("coder %s: %s\n", a->coder, pass ? "PASS" : "FAIL");
    printf("  claims reviewed %lld, without error %lld: claim accuracy %s\n", (long long)a->claims,
           (long long)a->claims_ok, pct(p1, bp(a->claims_ok, a->claims)));
    printf("  codes reviewed %lld, right %lld: code accuracy %s\n", (long long)a->codes, (long long)a->codes_ok,
           pct(p2, bp(a->codes_ok, a->codes)));
    printf("  errors:");
    int any = 0;
    for (int i = 0; i < N_TYPES; i++)
        if (a->by_type[i]) {
            printf("%s %s %lld", any ? "," : "", error_types[i], (long long)a->by_type[i]);
            any = 1;
        }
    printf("%s\n", any ? "" : " none");
    printf("  over-coded %s, under-coded %s, net %s\n", money(m1, a->over_cents), money(m2, a->under_cents),
           money(m3, a->under_cents - a->over_cents));
    printf("  billed %s: dollar error rate %s\n", money(m4, a->billed_cents),
           pct(p3, bp(a->over_cents + a->under_cents, a->billed_cents)));
}

static json_t *accuracy_json(const rcm_audit_accuracy *a, int pass)
{
    json_t *types = json_object();
    for (int i = 0; i < N_TYPES; i++)
        json_object_set_new(types, error_types[i], json_integer((json_int_t)a->by_type[i]));
    return json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:b}", "coder", a->coder,
                     "claims", (json_int_t)a->claims, "claims_ok", (json_int_t)a->claims_ok, "codes",
                     (json_int_t)a->codes, "codes_ok", (json_int_t)a->codes_ok, "claim_accuracy_bp",
                     (json_int_t)bp(a->claims_ok, a->claims), "code_accuracy_bp",
                     (json_int_t)bp(a->codes_ok, a->codes), "over_cents", (json_int_t)a->over_cents, "under_cents",
                     (json_int_t)a->under_cents, "net_cents", (json_int_t)(a->under_cents - a->over_cents),
                     "billed_cents", (json_int_t)a->billed_cents, "dollar_error_bp",
                     (json_int_t)bp(a->over_cents + a->under_cents, a->billed_cents), "errors", types, "pass", pass);
}

int cli_audit_report(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *coder = NULL;
    int64_t sample = 0;
    rcm_date from = RCM_DATE_NONE, to = RCM_DATE_NONE;
    int json = 0;
    const cli_opt opts[] = {
        { "sample", required_argument, &sample, parse_id }, { "coder", required_argument, &coder, NULL },
        { "from", required_argument, &from, cli_opt_date }, { "to", required_argument, &to, cli_opt_date },
        { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, report_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (from != RCM_DATE_NONE && to != RCM_DATE_NONE && from > to) {
        fprintf(stderr, "rcm: --from is after --to\n");
        return EXIT_UNREADABLE;
    }
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_audit_accuracy *v = NULL;
    size_t n = 0;
    /* reviewed_at is in seconds: [from 00:00 UTC, the day after to 00:00 UTC) */
    int64_t t0 = from == RCM_DATE_NONE ? 0 : (int64_t)from * 86400;
    int64_t t1 = to == RCM_DATE_NONE ? 0 : ((int64_t)to + 1) * 86400;
    rc = cli_run_close(&r, rcm_audit_accuracy_report(r.cy, sample, coder, t0, t1, &v, &n, &r.err));
    if (rc != 0)
        return rc;
    int failed = 0;
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++) {
            int pass = bp(v[i].codes_ok, v[i].codes) >= PASS_BP;
            failed |= !pass;
            json_array_append_new(a, accuracy_json(&v[i], pass));
        }
        json_t *obj = json_pack("{s:o, s:o, s:o, s:o, s:i, s:o}", "sample", sample ? json_integer(sample) : json_null(),
                                "coder", coder ? json_string(coder) : json_null(), "from", jdate(from), "to", jdate(to),
                                "pass_bp", PASS_BP, "coders", a);
        free(v);
        rc = cli_done(cli_print_json(obj));
        return rc ? rc : failed ? EXIT_PROBLEMS : EXIT_CLEAN;
    }
    if (sample)
        printf("coding accuracy, sample %lld", (long long)sample);
    else
        printf("coding accuracy, all samples");
    if (from != RCM_DATE_NONE || to != RCM_DATE_NONE) {
        char f[11] = "", t[11] = "";
        if (from != RCM_DATE_NONE)
            rcm_date_fmt(f, from, 1);
        if (to != RCM_DATE_NONE)
            rcm_date_fmt(t, to, 1);
        printf(", reviewed %s..%s", f, t);
    }
    printf(" (pass: code accuracy 95.00%% or more)\n");
    if (!n)
        printf("no reviews\n");
    for (size_t i = 0; i < n; i++) {
        int pass = bp(v[i].codes_ok, v[i].codes) >= PASS_BP;
        failed |= !pass;
        print_accuracy(&v[i], pass);
    }
    free(v);
    rc = cli_done(EXIT_CLEAN);
    return rc ? rc : failed ? EXIT_PROBLEMS : EXIT_CLEAN;
}

/* ---- rcm audit em ---- */

static const char em_usage[] =
    "usage: rcm audit em [--from DATE] [--to DATE] [--json] [common options]\n"
    "  Each rendering provider's E/M level distribution per family against the loaded\n"
    "  reference (rcm audit em-reference): shares per level, mean level, z of the share of\n"
    "  levels 4-5, chi-square goodness of fit and its p-value; flags high / low (|z| > 2 and\n"
    "  p < 0.01) and one-level (90% or more at one level), for providers with at least the\n"
    "  em-min-visits setting of visits. A flag is a reason to look, not a finding.\n"
    "  --from, --to   dates of service, both included (default: all)\n"
    "  --json         one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 nothing flagged, 1 a provider flagged, 2 bad usage, no reference or error.\n";

/* The reference's degrees of freedom for the row: its levels less one. */
static int row_df(const rcm_em_row *r)
{
    int levels = 0;
    for (int l = 1; l <= 5; l++)
        levels += r->ref_share[l] > 0;
    return levels - 1;
}

static json_t *em_row_json(const rcm_em_row *r)
{
    json_t *counts = json_array(), *share = json_array(), *ref = json_array();
    for (int l = 1; l <= 5; l++) {
        int in = r->ref_share[l] > 0;
        json_array_append_new(counts, in ? json_integer((json_int_t)r->count[l]) : json_null());
        json_array_append_new(share, in ? json_real(r->share[l]) : json_null());
        json_array_append_new(ref, in ? json_real(r->ref_share[l]) : json_null());
    }
    int df = row_df(r);
    double p = df >= 1 ? rcm_em_chi2_p(r->chi2, df) : 1;
    return json_pack("{s:s, s:s, s:I, s:o, s:o, s:o, s:f, s:f, s:f, s:f, s:i, s:f, s:s}", "npi", r->provider_npi,
                     "family", r->family, "visits", (json_int_t)r->visits, "count", counts, "share", share,
                     "ref_share", ref, "mean_level", r->mean_level, "ref_mean", r->ref_mean, "z_top", r->z_top,
                     "chi2", r->chi2, "df", df, "p", p, "flag", r->flag);
}

static void em_row_print(const rcm_em_row *r, int min_visits)
{
    int df = row_df(r);
    double p = df >= 1 ? rcm_em_chi2_p(r->chi2, df) : 1;
    printf("%s %s: %lld visit%s, %s\n", r->provider_npi, r->family, (long long)r->visits, r->visits == 1 ? "" : "s",
           r->flag[0] ? r->flag : r->visits < min_visits ? "not compared (fewer than em-min-visits)" : "no flag");
    printf("  %-10s", "level");
    for (int l = 1; l <= 5; l++)
        printf(" %7d", l);
    printf("\n  %-10s", "visits");
    for (int l = 1; l <= 5; l++)
        r->ref_share[l] > 0 ? printf(" %7lld", (long long)r->count[l]) : printf(" %7s", "-");
    printf("\n  %-10s", "share %");
    for (int l = 1; l <= 5; l++)
        r->ref_share[l] > 0 ? printf(" %7.1f", r->share[l]) : printf(" %7s", "-");
    printf("\n  %-10s", "reference");
    for (int l = 1; l <= 5; l++)
        r->ref_share[l] > 0 ? printf(" %7.1f", r->ref_share[l]) : printf(" %7s", "-");
    printf("\n  mean level %.2f (reference %.2f); levels 4-5 z %.2f; chi-square %.2f, %d df, p %.4f\n",
           r->mean_level, r->ref_mean, r->z_top, r->chi2, df, p);
}

int cli_audit_em(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    rcm_date from = RCM_DATE_NONE, to = RCM_DATE_NONE;
    int json = 0;
    const cli_opt opts[] = {
        { "from", required_argument, &from, cli_opt_date },
        { "to", required_argument, &to, cli_opt_date },
        { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, em_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_em_row *v = NULL;
    size_t n = 0;
    rcm_settings cfg;
    rcm_em_reference_row *ref = NULL;
    size_t nref = 0;
    rc = rcm_em_distribution(r.cy, from, to, &v, &n, &r.err);
    if (rc == 0)
        rc = rcm_settings_get(r.st, &cfg, &r.err);
    if (rc == 0)
        rc = rcm_em_reference_get(r.cy, &ref, &nref, &r.err);
    if ((rc = cli_run_close(&r, rc)) != 0) {
        free(v);
        free(ref);
        return rc;
    }
    const char *source = nref ? ref[0].source : "";
    int flagged = 0;
    for (size_t i = 0; i < n; i++)
        flagged |= v[i].flag[0] != '\0';
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, em_row_json(&v[i]));
        json_t *obj = json_pack("{s:o, s:o, s:s, s:i, s:o}", "from", jdate(from), "to", jdate(to), "reference",
                                source, "min_visits", cfg.em_min_visits, "rows", a);
        free(v);
        free(ref);
        if (!obj)
            return EXIT_UNREADABLE;
        int dr = json_dumpf(obj, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6));
        fputc('\n', stdout);
        json_decref(obj);
        rc = cli_done(dr < 0 ? EXIT_UNREADABLE : EXIT_CLEAN);
        return rc ? rc : flagged ? EXIT_PROBLEMS : EXIT_CLEAN;
    }
    char f[11] = "", t[11] = "";
    if (from != RCM_DATE_NONE)
        rcm_date_fmt(f, from, 1);
    if (to != RCM_DATE_NONE)
        rcm_date_fmt(t, to, 1);
    printf("E/M levels, dates of service %s..%s, against the reference '%s' (providers with %d visits or more"
           " compared)\n",
           f, t, source, cfg.em_min_visits);
    if (!n)
        printf("no E/M visits\n");
    for (size_t i = 0; i < n; i++)
        em_row_print(&v[i], cfg.em_min_visits);
    free(v);
    free(ref);
    rc = cli_done(EXIT_CLEAN);
    return rc ? rc : flagged ? EXIT_PROBLEMS : EXIT_CLEAN;
}

/* ---- rcm audit em-reference ---- */

static const char ref_usage[] =
    "usage: rcm audit em-reference load FILE [--source TEXT] [common options]\n"
    "       rcm audit em-reference show [--json] [common options]\n"
    "  The E/M reference distribution the providers are compared with. load replaces it\n"
    "  with a CSV file (family,code,level,share in percent; a header line; # comments), all\n"
    "  of it or nothing; each family's shares must add up to 100 (within 0.5). --source\n"
    "  says where the figures come from (default: the file's name). audit.em-reference to\n"
    "  load (auditor, admin); show needs audit.coding or audit.read.\n" CLI_CYCLE_HELP
    "Exit: 0 done, 2 bad usage, a bad file (located), not allowed or error.\n";

int cli_audit_em_reference(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *source = NULL;
    int json = 0;
    const cli_opt opts[] = { { "source", required_argument, &source, NULL }, { "json", no_argument, &json, NULL } };
    int rc = cli_cycle_parse(argc, argv, ref_usage, CLI_OPTS(opts), -1, &co);
    if (rc >= 0)
        return rc;
    int load = optind < argc && strcmp(argv[optind], "load") == 0;
    int show = optind < argc && strcmp(argv[optind], "show") == 0;
    if ((load && (optind + 2 != argc || json)) || (show && (optind + 1 != argc || source)) || (!load && !show))
        return cli_usage(ref_usage, EXIT_UNREADABLE);
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    if (load) {
        const char *path = argv[optind + 1];
        rc = rcm_em_reference_load(r.cy, path, source, &r.err);
        rcm_em_reference_row *v = NULL;
        size_t n = 0;
        if (rc == 0)
            rc = rcm_em_reference_get(r.cy, &v, &n, &r.err);
        if ((rc = cli_run_close(&r, rc)) != 0)
            return rc;
        size_t families = 0;
        for (size_t i = 0; i < n; i++)
            families += i == 0 || strcmp(v[i].family, v[i - 1].family) != 0;
        printf("E/M reference loaded from %s: %zu codes in %zu famil%s (source '%s')\n", path, n, families,
               families == 1 ? "y" : "ies", n ? v[0].source : "");
        free(v);
        return cli_done(EXIT_CLEAN);
    }
    rcm_em_reference_row *v = NULL;
    size_t n = 0;
    rc = cli_run_close(&r, rcm_em_reference_get(r.cy, &v, &n, &r.err));
    if (rc != 0)
        return rc;
    if (json) {
        json_t *a = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(a, json_pack("{s:s, s:s, s:i, s:I}", "family", v[i].family, "code", v[i].code,
                                               "level", v[i].level, "share_ppm", (json_int_t)v[i].share_ppm));
        json_t *obj = json_pack("{s:s, s:s, s:o}", "source", n ? v[0].source : "", "loaded_by",
                                n ? v[0].loaded_by : "", "rows", a);
        free(v);
        return cli_done(cli_print_json(obj));
    }
    if (!n) {
        printf("no E/M reference is loaded: rcm audit em-reference load FILE\n");
        free(v);
        return cli_done(EXIT_CLEAN);
    }
    printf("# source '%s', loaded by %s\nfamily,code,level,share\n", v[0].source, v[0].loaded_by);
    for (size_t i = 0; i < n; i++) {
        int64_t s = v[i].share_ppm;
        char frac[8];
        snprintf(frac, sizeof(frac), "%04lld", (long long)(s % 10000));
        for (int k = 3; k >= 0 && frac[k] == '0'; k--)
            frac[k] = '\0';
        printf("%s,%s,%d,%lld%s%s\n", v[i].family, v[i].code, v[i].level, (long long)(s / 10000), frac[0] ? "." : "",
               frac);
    }
    free(v);
    return cli_done(EXIT_CLEAN);
}
