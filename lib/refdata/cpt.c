/*
 * CPT from the user's licensed file. CPT descriptors are AMA copyright: rcm
 * never ships them; a practice with a licence loads its own copy as CSV:
 *   code,descriptor           (header optional; quotes as in RFC 4180)
 *   99213,"..."
 * Codes: 5 digits, or 4 digits + F, T or U. Version: the CPT year, from the
 * file name (cpt_2025.csv) or --version; in force 1 January to 31 December.
 */
#include "refdata_internal.h"

static int detect(const refdata_probe *p)
{
    if (refdata_probe_starts(p, "code,descriptor") || refdata_probe_starts(p, "\"code\",\"descriptor\""))
        return 90;
    if (refdata_name_has(p, "cpt") && p->len >= 6 && p->head[5] == ',')
        return 80;
    return 0;
}

static int load(refdata_ctx *c)
{
    int y = refdata_default_version(c, 1);
    if (!c->version[0])
        return RCM_EINVAL;
    if (y) {
        c->eff_from = rcm_date_from_ymd(y, 1, 1);
        c->eff_to = rcm_date_from_ymd(y, 12, 31);
    }
    rcm_str line, f[4];
    int rc = 0;
    while (refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = refdata_split(c, line, ',', f, 4);
        if (n < 0) {
            rc = refdata_bad(c, "a quoted field is not closed");
        } else if (c->line == 1 && n >= 1 && strcasecmp(f[0].p, "code") == 0) {
            continue;
        } else if (n < 2) {
            rc = refdata_bad(c, "expected code,descriptor, found %d field%s", n, n == 1 ? "" : "s");
        } else {
            const char *why = NULL;
            if (rcm_code_check_cpt(f[0], &why) < 0)
                rc = refdata_bad(c, "field 1 'code': '%s': %s", f[0].p, why);
            else if (!f[1].n)
                rc = refdata_bad(c, "field 2 'descriptor': empty for '%s'", f[0].p);
            else
                rc = refdata_code_put(c, "cpt", f[0], RCM_DATE_NONE, RCM_DATE_NONE, 1,
                                      (rcm_str){ "", 0 }, f[1]);
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

static const char *const tables[] = { NULL };

const refdata_kind refdata_kind_cpt = {
    "cpt", "CPT codes and descriptors from a licensed file (CSV code,descriptor)", detect, load, tables,
};
