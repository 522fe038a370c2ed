/*
 * rcm paysim: the payer simulator (docs/paysim.md). Adjudicates each 837
 * given into a 999, a 277CA and an 835 in --out, with the payer rules of
 * --config and the payments remembered in --state, and prints what it
 * wrote. It needs no store.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "cli_store.h"
#include "rcm/paysim.h"

static const char usage_text[] =
    "usage: rcm paysim --config FILE --state FILE --out DIR [--today DATE] FILE.837...\n"
    "  Answers each 837 as a payer would: writes DIR/NAME.999, DIR/NAME.277ca and\n"
    "  DIR/NAME.835 (NAME: the 837's file name without its extension).\n"
    "  --config FILE  the payers' rules (docs/paysim.md)\n"
    "  --state FILE   what was paid so far (created when missing; updated)\n"
    "  --out DIR      where the answers go (it must exist)\n"
    "  --today DATE   the payer's date, YYYY-MM-DD (default: $RCM_TODAY, else today)\n"
    "Exit: 0 answered; 2 an input could not be read or an answer could not be written.";

static void money(char *out, int64_t cents)
{
    rcm_cents_fmt(out, cents);
}

static void print_report(const char *path, const rcm_paysim_report *r)
{
    char paid[32], plb[32];
    money(paid, r->paid_cents);
    money(plb, r->plb_cents);
    printf("%s: %ld set%s (%ld rejected), %ld claim%s (%ld rejected)\n", path, r->sets, r->sets == 1 ? "" : "s",
           r->sets_rejected, r->claims, r->claims == 1 ? "" : "s", r->claims_rejected);
    printf("  paid %ld, partly paid %ld, denied %ld, reversed %ld; payment %s, provider adjustments %s\n", r->paid,
           r->partial, r->denied, r->reversed, paid, plb);
    const char *files[] = { r->ack999_path, r->ack277_path, r->era_path };
    for (size_t i = 0; i < 3; i++)
        if (files[i][0])
            printf("  wrote %s\n", files[i]);
}

int cmd_paysim(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "state", required_argument, NULL, 's' },
        { "out", required_argument, NULL, 'o' },
        { "today", required_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *state = NULL, *out = NULL, *today = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "c:s:o:t:h", opts, NULL)) != -1) {
        switch (o) {
        case 'c': config = optarg; break;
        case 's': state = optarg; break;
        case 'o': out = optarg; break;
        case 't': today = optarg; break;
        case 'h': puts(usage_text); return EXIT_CLEAN;
        default: fprintf(stderr, "%s\n", usage_text); return EXIT_UNREADABLE;
        }
    }
    if (!config || !state || !out || optind >= argc) {
        fprintf(stderr, "%s\n", usage_text);
        return EXIT_UNREADABLE;
    }
    rcm_date day = RCM_DATE_NONE;
    if (!today)
        today = getenv("RCM_TODAY");
    if (today && *today) {
        if (cli_parse_date(&day, "--today", today) != 0)
            return EXIT_UNREADABLE;
    } else {
        time_t now = time(NULL);
        struct tm lt;
        localtime_r(&now, &lt);
        day = rcm_date_from_ymd(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_paysim *ps = NULL;
    if (rcm_paysim_new(&ps, config, state, &err) < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    int rc = EXIT_CLEAN;
    for (int i = optind; i < argc; i++) {
        rcm_paysim_report rep;
        memset(&err, 0, sizeof(err));
        if (rcm_paysim_run(ps, argv[i], out, day, &rep, &err) < 0) {
            if (!err.source)
                err.source = argv[i];
            cli_error(&err);
            rc = EXIT_UNREADABLE;
            break;
        }
        print_report(argv[i], &rep);
    }
    rcm_paysim_free(ps);
    return rc;
}
