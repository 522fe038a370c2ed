/*
 * rcm rules: the practice's payer rules (docs/payer-rules.md).
 *
 * rcm rules check FILE    loads the file and lists its rules
 * rcm rules test FILE     runs every rule's test claims; exit 1 when one fails
 *
 * Both exit 2 when the file cannot be read or has a mistake, printed as
 * "rcm: FILE:LINE: what is wrong".
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"

static int cmd_rules_check(int argc, char **argv);
static int cmd_rules_test(int argc, char **argv);

static const cmd rules_cmds[] = {
    { "check", cmd_rules_check, "load a payer rules file and list its rules" },
    { "test", cmd_rules_test, "run the test claims of every rule" },
};

int cmd_rules(int argc, char **argv)
{
    return cmd_dispatch("rcm rules", rules_cmds, sizeof(rules_cmds) / sizeof(rules_cmds[0]), argc - 1, argv + 1);
}

static int load(rcm_payer_rules **out, const char *path)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_payer_rules_load(out, path, &err) < 0) {
        cli_error(&err);
        return -1;
    }
    return 0;
}

static const char check_usage[] =
    "usage: rcm rules check FILE\n"
    "  Loads a payer rules file and lists its rules: payers, conditions, action,\n"
    "  what it reports and how many test claims it carries.\n"
    "Exit: 0 the file loaded; 2 it cannot be read or has a mistake (FILE:LINE: what).";

static int cmd_rules_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (o == 'h') {
            puts(check_usage);
            return 0;
        }
        return EXIT_UNREADABLE;
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s\n", check_usage);
        return EXIT_UNREADABLE;
    }
    const char *path = argv[optind];
    rcm_payer_rules *r = NULL;
    if (load(&r, path) < 0)
        return EXIT_UNREADABLE;
    size_t n = rcm_payer_rules_count(r), tests = 0;
    for (size_t i = 0; i < n; i++) {
        rcm_payer_rule_info ri;
        if (rcm_payer_rules_get(r, i, &ri) < 0)
            break;
        tests += ri.tests;
        printf("%s (line %ld)\n", ri.id, ri.line);
        printf("  payers   %s\n", strcmp(ri.payers, "*") == 0 ? "* (every payer)" : ri.payers);
        printf("  when     %s\n", ri.when[0] ? ri.when : "(always)");
        printf("  action   %s%s\n", ri.action, ri.per_line ? ", per line" : "");
        if (ri.tf_days)
            printf("  reports  nothing itself: the payer's timely-filing limit for TF-001 and TF-002\n");
        else if (ri.message[0])
            printf("  reports  %s to the %s: \"%s\"\n", rcm_severity_name(ri.severity), rcm_route_name(ri.route),
                   ri.message);
        else
            printf("  reports  %s to the %s\n", rcm_severity_name(ri.severity), rcm_route_name(ri.route));
        printf("  tests    %zu\n", ri.tests);
    }
    const char *v = rcm_payer_rules_version(r);
    printf("%s: %zu rule%s, %zu test%s%s%s\n", path, n, n == 1 ? "" : "s", tests, tests == 1 ? "" : "s",
           v[0] ? ", version " : "", v);
    rcm_payer_rules_free(r);
    return EXIT_CLEAN;
}

typedef struct test_out {
    const char *path;
    int quiet;
} test_out;

static int on_result(void *ctx, const rcm_rules_test_result *res)
{
    test_out *t = ctx;
    if (t->quiet && res->passed)
        return 0;
    char where[64] = "";
    if (res->file && !res->claim_error)
        snprintf(where, sizeof(where), " (%s claim %ld)", res->file, res->index + 1);
    const char *what;
    if (res->claim_error)
        what = "the test claim cannot be used";
    else if (res->passed)
        what = res->fired ? "fires" : "does not fire";
    else
        what = res->expect_fire ? "should fire but does not" : "should not fire but does";
    printf("%-4s %s %s:%ld%s %s%s%s\n", res->passed ? "ok" : "FAIL", res->rule, t->path, res->line, where, what,
           res->detail[0] ? ": " : "", res->detail);
    return 0;
}

static const char test_usage[] =
    "usage: rcm rules test FILE [--today YYYY-MM-DD] [--quiet]\n"
    "  Runs every rule's test claims through the rule alone: a 'test fire' claim\n"
    "  must make the rule report, a 'test pass' claim must not.\n"
    "  --today DATE   the date timely-filing tests count to, when a test gives\n"
    "                 no 'as-of' date (default: today)\n"
    "  --quiet        print only the failures and the totals\n"
    "Exit: 0 every test passed; 1 some failed; 2 the file cannot be read or has a\n"
    "mistake (FILE:LINE: what).";

static rcm_date local_today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return RCM_DATE_NONE;
    return rcm_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static int cmd_rules_test(int argc, char **argv)
{
    static const struct option opts[] = {
        { "today", required_argument, NULL, 't' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    test_out t = { NULL, 0 };
    rcm_date today = local_today();
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "t:qh", opts, NULL)) != -1) {
        switch (o) {
        case 't':
            if (strlen(optarg) != 10 || rcm_date_parse_iso(&today, rcm_str_c(optarg)) < 0) {
                fprintf(stderr, "rcm: --today '%s': expected a date YYYY-MM-DD\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        case 'q': t.quiet = 1; break;
        case 'h': puts(test_usage); return 0;
        default: return EXIT_UNREADABLE;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "%s\n", test_usage);
        return EXIT_UNREADABLE;
    }
    t.path = argv[optind];
    rcm_payer_rules *r = NULL;
    if (load(&r, t.path) < 0)
        return EXIT_UNREADABLE;
    size_t passed = 0, failed = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_payer_rules_test(r, today, on_result, &t, &passed, &failed, &err);
    if (rc < 0) {
        cli_error(&err);
        rcm_payer_rules_free(r);
        return EXIT_UNREADABLE;
    }
    /* rules without a test are worth saying: nothing shows they do what they mean */
    size_t untested = 0;
    for (size_t i = 0; i < rcm_payer_rules_count(r); i++) {
        rcm_payer_rule_info ri;
        if (rcm_payer_rules_get(r, i, &ri) == 0 && ri.tests == 0) {
            printf("note %s (line %ld) has no test\n", ri.id, ri.line);
            untested++;
        }
    }
    printf("%s: %zu passed, %zu failed\n", t.path, passed, failed);
    rcm_payer_rules_free(r);
    return failed ? EXIT_PROBLEMS : EXIT_CLEAN;
}
