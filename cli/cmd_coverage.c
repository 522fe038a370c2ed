/*
 * rcm coverage: a patient's coverage set by the biller.
 *
 *   rcm coverage set --mrn M --seq P --payer CODE --member-id ID [--group G] [--group-name N]
 *                    [--relation 18] [--from DATE] [--to DATE] [subscriber options]
 *   rcm coverage show --mrn M
 *
 * set creates or replaces the coverage (patient, seq) (rcm_coverage_set);
 * after a billing-rooted denial, 'rcm denial rebill' then bills the payer it
 * names. show lists the patient's coverages. Exit 0 done, 2 bad arguments,
 * a bad field, an unknown patient or payer, or an error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/encounter.h"

static int coverage_set(int argc, char **argv);
static int coverage_show(int argc, char **argv);

static const cmd coverage_cmds[] = {
    { "set", coverage_set, "create or replace a patient's coverage (P, S or T)" },
    { "show", coverage_show, "a patient's coverages" },
};

int cmd_coverage(int argc, char **argv)
{
    return cmd_dispatch("rcm coverage", coverage_cmds, sizeof(coverage_cmds) / sizeof(coverage_cmds[0]),
                        argc - 1, argv + 1);
}

static int usage(const char *text, int rc)
{
    fputs(text, rc ? stderr : stdout);
    return rc;
}

/* A YYYY-MM-DD option ('' or "none": open). */
static int parse_date(rcm_date *out, const char *what, const char *s)
{
    *out = RCM_DATE_NONE;
    if (!*s || strcmp(s, "none") == 0)
        return 0;
    if (rcm_date_parse_iso(out, rcm_str_c(s)) < 0) {
        fprintf(stderr, "rcm: %s '%s': not a date (YYYY-MM-DD)\n", what, s);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- set ---- */

static const char set_usage[] =
    "usage: rcm coverage set --mrn M --seq P|S|T --payer CODE --member-id ID [options]\n"
    "Creates or replaces the patient's coverage of that order; 'rcm denial rebill' then bills\n"
    "the payer it names (a new claim when it is another payer).\n"
    "  --mrn M            the patient's medical record number\n"
    "  --seq P|S|T        primary, secondary or tertiary\n"
    "  --payer CODE       the practice's code for the payer (rcm practice show)\n"
    "  --member-id ID     the member id on the card\n"
    "  --group G          the group number\n"
    "  --group-name N     the group's name\n"
    "  --relation CODE    the patient's relation to the subscriber: 18 self (default), 01 spouse,\n"
    "                     19 child, 20, 21, 39, 40, 53, G8 other\n"
    "  --sub-last L --sub-first F --sub-dob DATE --sub-sex F|M|U\n"
    "                     the subscriber, required when the relation is not 18\n"
    "  --sub-address LINE1 --sub-city C --sub-state ST --sub-zip Z\n"
    "                     the subscriber's address (all or none)\n"
    "  --from DATE        in force from (YYYY-MM-DD; default open)\n"
    "  --to DATE          in force until (default open)\n" CLI_CYCLE_HELP;

enum {
    OPT_MRN = 1, OPT_SEQ, OPT_PAYER, OPT_MEMBER, OPT_GROUP, OPT_GROUP_NAME, OPT_RELATION, OPT_FROM, OPT_TO,
    OPT_SUB_LAST, OPT_SUB_FIRST, OPT_SUB_DOB, OPT_SUB_SEX, OPT_SUB_ADDR, OPT_SUB_CITY, OPT_SUB_STATE,
    OPT_SUB_ZIP
};

static int coverage_set(int argc, char **argv)
{
    static const struct option opts[] = {
        { "mrn", required_argument, NULL, OPT_MRN },
        { "seq", required_argument, NULL, OPT_SEQ },
        { "payer", required_argument, NULL, OPT_PAYER },
        { "member-id", required_argument, NULL, OPT_MEMBER },
        { "group", required_argument, NULL, OPT_GROUP },
        { "group-name", required_argument, NULL, OPT_GROUP_NAME },
        { "relation", required_argument, NULL, OPT_RELATION },
        { "from", required_argument, NULL, OPT_FROM },
        { "to", required_argument, NULL, OPT_TO },
        { "sub-last", required_argument, NULL, OPT_SUB_LAST },
        { "sub-first", required_argument, NULL, OPT_SUB_FIRST },
        { "sub-dob", required_argument, NULL, OPT_SUB_DOB },
        { "sub-sex", required_argument, NULL, OPT_SUB_SEX },
        { "sub-address", required_argument, NULL, OPT_SUB_ADDR },
        { "sub-city", required_argument, NULL, OPT_SUB_CITY },
        { "sub-state", required_argument, NULL, OPT_SUB_STATE },
        { "sub-zip", required_argument, NULL, OPT_SUB_ZIP },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    rcm_coverage_update u;
    memset(&u, 0, sizeof(u));
    u.sub_dob = u.from = u.to = RCM_DATE_NONE;
    int o, rc = 0;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case OPT_MRN: u.mrn = optarg; break;
        case OPT_SEQ: u.seq = optarg; break;
        case OPT_PAYER: u.payer = optarg; break;
        case OPT_MEMBER: u.member_id = optarg; break;
        case OPT_GROUP: u.group_no = optarg; break;
        case OPT_GROUP_NAME: u.group_name = optarg; break;
        case OPT_RELATION: u.relation = optarg; break;
        case OPT_FROM: rc = parse_date(&u.from, "--from", optarg); break;
        case OPT_TO: rc = parse_date(&u.to, "--to", optarg); break;
        case OPT_SUB_LAST: u.sub_last = optarg; break;
        case OPT_SUB_FIRST: u.sub_first = optarg; break;
        case OPT_SUB_DOB: rc = parse_date(&u.sub_dob, "--sub-dob", optarg); break;
        case OPT_SUB_SEX: u.sub_sex = optarg; break;
        case OPT_SUB_ADDR: u.sub_addr1 = optarg; break;
        case OPT_SUB_CITY: u.sub_city = optarg; break;
        case OPT_SUB_STATE: u.sub_state = optarg; break;
        case OPT_SUB_ZIP: u.sub_zip = optarg; break;
        case 'h': return usage(set_usage, EXIT_CLEAN);
        default: return usage(set_usage, EXIT_UNREADABLE);
        }
        if (rc)
            return rc;
    }
    if (optind != argc || !u.mrn || !u.seq || !u.payer || !u.member_id)
        return usage(set_usage, EXIT_UNREADABLE);
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    if ((rc = cli_cycle_open(&st, &cy, &co)) != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_coverage_set(cy, &u, &err) < 0) {
        cli_error(&err);
        rc = EXIT_UNREADABLE;
    } else {
        printf("coverage %s of the patient: payer %s\n", u.seq, u.payer);
    }
    cli_cycle_close(st, cy);
    return rc;
}

/* ---- show ---- */

static const char show_usage[] =
    "usage: rcm coverage show --mrn M [options]\n"
    "The patient's coverages: order, payer, member id, group, relation, dates in force.\n" CLI_CYCLE_HELP;

static int coverage_show(int argc, char **argv)
{
    static const struct option opts[] = {
        { "mrn", required_argument, NULL, OPT_MRN },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    const char *mrn = NULL;
    int o, rc;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case OPT_MRN: mrn = optarg; break;
        case 'h': return usage(show_usage, EXIT_CLEAN);
        default: return usage(show_usage, EXIT_UNREADABLE);
        }
    }
    if (optind != argc || !mrn)
        return usage(show_usage, EXIT_UNREADABLE);
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    if ((rc = cli_cycle_open(&st, &cy, &co)) != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_coverage_row *v = NULL;
    size_t n = 0;
    if (rcm_coverage_list(cy, mrn, &v, &n, &err) < 0) {
        cli_error(&err);
        rc = EXIT_UNREADABLE;
    } else {
        printf("%-3s %-10s %-20s %-12s %-8s %-10s %-10s\n", "SEQ", "PAYER", "MEMBER", "GROUP", "RELATION", "FROM",
               "TO");
        for (size_t i = 0; i < n; i++) {
            char from[16] = "-", to[16] = "-";
            if (v[i].from != RCM_DATE_NONE)
                rcm_date_fmt(from, v[i].from, 1);
            if (v[i].to != RCM_DATE_NONE)
                rcm_date_fmt(to, v[i].to, 1);
            printf("%-3s %-10s %-20s %-12s %-8s %-10s %-10s\n", v[i].seq, v[i].payer, v[i].member_id,
                   v[i].group_no[0] ? v[i].group_no : "-", v[i].relation, from, to);
        }
        if (!n)
            printf("no coverage: self-pay\n");
    }
    free(v);
    cli_cycle_close(st, cy);
    return rc;
}
