/* Store selection and date options shared by the store-using commands. */
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_store.h"

const char *cli_db_path(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("RCM_DB");
    if (env && *env)
        return env;
    return RCM_STORE_DEFAULT_PATH;
}

int cli_store_open(rcm_store **out, const char *opt, unsigned flags)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_store_open(out, cli_db_path(opt), flags, &err) < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    return 0;
}

int cli_parse_date(rcm_date *out, const char *opt_name, const char *s)
{
    rcm_str v = rcm_str_c(s);
    if ((v.n == 10 && rcm_date_parse_iso(out, v) == 0) || (v.n == 8 && rcm_date_parse(out, v) == 0))
        return 0;
    fprintf(stderr, "rcm: %s '%s': not a date (YYYY-MM-DD)\n", opt_name, s);
    return EXIT_UNREADABLE;
}
