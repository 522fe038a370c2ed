/* The store, user and clock every revenue-cycle command opens (cli_cycle.h). */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_store.h"

int cli_cycle_option(cli_cycle_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_DB: o->db = arg; return 1;
    case CLI_OPT_USER: o->user = arg; return 1;
    case CLI_OPT_TODAY: o->today = arg; return 1;
    default: return 0;
    }
}

int cli_cycle_args(int argc, char **argv, const char *usage, int allow_json, cli_cycle_opts *co, int *json)
{
    enum { OPT_JSON = 1 };
    static const struct option lopts[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        if (cli_cycle_option(co, o, optarg))
            continue;
        if (o == OPT_JSON && allow_json) {
            *json = 1;
            continue;
        }
        if (o == 'h') {
            fputs(usage, stdout);
            return EXIT_CLEAN;
        }
        fputs(usage, stderr);
        return EXIT_UNREADABLE;
    }
    return -1;
}

static const char *login_name(void)
{
    const char *u = getenv("RCM_USER");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    u = getenv("USER");
    return u && *u ? u : "unknown";
}

int cli_cycle_open(rcm_store **st, rcm_cycle **cy, const cli_cycle_opts *o)
{
    *st = NULL;
    *cy = NULL;
    const char *today = o->today ? o->today : getenv("RCM_TODAY");
    rcm_date d = RCM_DATE_NONE;
    if (today && *today && cli_parse_date(&d, "--today", today) != 0)
        return EXIT_UNREADABLE;
    int rc = cli_store_open(st, o->db, 0);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_cycle_new(cy, *st, o->user ? o->user : login_name(), &err) < 0) {
        cli_error(&err);
        rcm_store_close(*st);
        *st = NULL;
        return EXIT_UNREADABLE;
    }
    const char *now = getenv("RCM_NOW");
    if (d != RCM_DATE_NONE)
        rcm_cycle_set_now(*cy, (int64_t)d * 86400 + 12 * 3600);
    else if (now && *now) {
        char *end;
        long long t = strtoll(now, &end, 10);
        if (*end == '\0')
            rcm_cycle_set_now(*cy, t);
    }
    return 0;
}

void cli_cycle_close(rcm_store *st, rcm_cycle *cy)
{
    rcm_cycle_free(cy);
    rcm_store_close(st);
}
