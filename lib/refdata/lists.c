/*
 * The X12 external code lists and other short lists, as CSV with a header:
 *   carc       code,description,start_date,stop_date[,...]  claim adjustment reason codes
 *   rarc       code,description,start_date,stop_date[,...]  remittance advice remark codes
 *   csc_cat    code,description                             claim status category codes (277 STC01-1)
 *   csc        code,description                             claim status codes (277 STC01-2)
 *   pos        code,description                             place of service (CMS)
 *   cas_group  code,description                             claim adjustment group codes (CAS01)
 * The first column is the code, the second its text; start_date/stop_date
 * (MM/DD/YYYY, YYYYMMDD or YYYY-MM-DD; a stop date is the code's last day)
 * are used when the header names them. Each load covers all dates: the codes
 * carry their own, and the newest load of a list wins.
 */
#include <ctype.h>
#include "refdata_internal.h"

typedef int (*code_ok_fn)(rcm_str s);

static int alnum_run(rcm_str s, size_t lo, size_t hi)
{
    if (s.n < lo || s.n > hi)
        return 0;
    for (size_t i = 0; i < s.n; i++)
        if (!isdigit((unsigned char)s.p[i]) && !isupper((unsigned char)s.p[i]))
            return 0;
    return 1;
}

static int carc_ok(rcm_str s) { return alnum_run(s, 1, 4); }
static int rarc_ok(rcm_str s) { return alnum_run(s, 2, 6) && (s.p[0] == 'M' || s.p[0] == 'N'); }
static int csc_cat_ok(rcm_str s) { return alnum_run(s, 2, 3) && isupper((unsigned char)s.p[0]); }
static int csc_ok(rcm_str s) { return s.n >= 1 && s.n <= 5 && strspn(s.p, "0123456789") == s.n; }
static int pos_ok(rcm_str s)
{
    return s.n == 2 && isdigit((unsigned char)s.p[0]) && isdigit((unsigned char)s.p[1]);
}
static int group_ok(rcm_str s)
{
    return s.n == 2 && isupper((unsigned char)s.p[0]) && isupper((unsigned char)s.p[1]);
}

typedef struct list_kind {
    const char *set;
    const char *what;        /* for messages: "a CARC is 1-4 letters or digits" */
    code_ok_fn ok;
} list_kind;

static const list_kind lk_carc = { "carc", "a CARC is 1-4 letters or digits", carc_ok };
static const list_kind lk_rarc = { "rarc", "a RARC is M or N and up to 5 more letters or digits", rarc_ok };
static const list_kind lk_csc_cat = { "csc_cat", "a status category code is a letter and 1-2 more characters",
                                      csc_cat_ok };
static const list_kind lk_csc = { "csc", "a claim status code is 1-5 digits", csc_ok };
static const list_kind lk_pos = { "pos", "a place of service code is 2 digits", pos_ok };
static const list_kind lk_group = { "cas_group", "a group code is 2 letters", group_ok };

/* ---- detection: the header, the name, and the first code ---- */

static int dated_header(const refdata_probe *p)
{
    return refdata_probe_starts(p, "code,description,start_date,stop_date") ||
           refdata_probe_starts(p, "code,description,start,stop");
}

static int plain_header(const refdata_probe *p)
{
    return refdata_probe_starts(p, "code,description\n") || refdata_probe_starts(p, "code,description\r\n");
}

/* The first field of the second line, into out. */
static void first_code(const refdata_probe *p, char *out, size_t outsz)
{
    out[0] = '\0';
    const char *nl = memchr(p->head, '\n', p->len);
    if (!nl)
        return;
    const char *q = nl + 1, *end = p->head + p->len;
    size_t o = 0;
    if (q < end && *q == '"')
        q++;
    while (q < end && *q != ',' && *q != '"' && *q != '\r' && *q != '\n' && o + 1 < outsz)
        out[o++] = *q++;
    out[o] = '\0';
}

static int detect_carc(const refdata_probe *p)
{
    if (!dated_header(p))
        return refdata_name_has(p, "carc") && plain_header(p) ? 60 : 0;
    char code[16];
    first_code(p, code, sizeof(code));
    if (refdata_name_has(p, "carc") || refdata_name_has(p, "adjustment_reason"))
        return 95;
    return rarc_ok(rcm_str_c(code)) ? 10 : 80;
}

static int detect_rarc(const refdata_probe *p)
{
    if (!dated_header(p))
        return refdata_name_has(p, "rarc") && plain_header(p) ? 60 : 0;
    char code[16];
    first_code(p, code, sizeof(code));
    if (refdata_name_has(p, "rarc") || refdata_name_has(p, "remark"))
        return 95;
    return rarc_ok(rcm_str_c(code)) ? 85 : 10;
}

static int detect_csc_cat(const refdata_probe *p)
{
    if (!plain_header(p))
        return 0;
    if (refdata_name_has(p, "category"))
        return 95;
    char code[16];
    first_code(p, code, sizeof(code));
    return csc_cat_ok(rcm_str_c(code)) && !group_ok(rcm_str_c(code)) ? 50 : 0;
}

static int detect_csc(const refdata_probe *p)
{
    if (!plain_header(p))
        return 0;
    if (refdata_name_has(p, "status") && !refdata_name_has(p, "category"))
        return 90;
    char code[16];
    first_code(p, code, sizeof(code));
    return csc_ok(rcm_str_c(code)) ? 40 : 0;
}

static int detect_pos(const refdata_probe *p)
{
    if (refdata_probe_starts(p, "place_of_service_code,"))
        return 100;
    if (plain_header(p) && (refdata_name_has(p, "place_of_service") || refdata_name_has(p, "pos")))
        return 90;
    return 0;
}

static int detect_group(const refdata_probe *p)
{
    if (!plain_header(p))
        return 0;
    if (refdata_name_has(p, "group"))
        return 95;
    char code[16];
    first_code(p, code, sizeof(code));
    return group_ok(rcm_str_c(code)) ? 60 : 0;
}

/* ---- loading ---- */

static int header_col(rcm_str *f, int n, const char *a, const char *b)
{
    for (int i = 0; i < n && i < 16; i++)
        if (strcasecmp(f[i].p, a) == 0 || (b && strcasecmp(f[i].p, b) == 0))
            return i;
    return -1;
}

static int load_list(refdata_ctx *c, const list_kind *lk)
{
    int y = refdata_default_version(c, 0);
    (void)y;
    if (!c->version[0])
        return refdata_fail(c, RCM_EINVAL, "no version: pass --version (the list's date, e.g. 2024-11)");
    rcm_str line, f[16];
    if (!refdata_next_line(c, &line))
        return refdata_fail(c, RCM_EFORMAT, "empty file");
    int n = refdata_split(c, line, ',', f, 16);
    if (n < 2)
        return refdata_fail(c, RCM_EFORMAT, "header: expected code,description[,start_date,stop_date]");
    int cstart = header_col(f, n, "start_date", "start");
    int cstop = header_col(f, n, "stop_date", "stop");
    int rc = 0;
    while (refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        n = refdata_split(c, line, ',', f, 16);
        rcm_date from = RCM_DATE_NONE, to = RCM_DATE_NONE;
        if (n < 0)
            rc = refdata_bad(c, "a quoted field is not closed");
        else if (n < 2)
            rc = refdata_bad(c, "expected code,description, found %d field", n);
        else if (!lk->ok(f[0]))
            rc = refdata_bad(c, "field 1 'code': '%s': %s", f[0].p, lk->what);
        else if (!f[1].n)
            rc = refdata_bad(c, "field 2 'description': empty for '%s'", f[0].p);
        else if (cstart >= 0 && cstart < n && refdata_parse_date(&from, f[cstart]) < 0)
            rc = refdata_bad(c, "field %d 'start_date': '%s' is not a date", cstart + 1, f[cstart].p);
        else if (cstop >= 0 && cstop < n && refdata_parse_date(&to, f[cstop]) < 0)
            rc = refdata_bad(c, "field %d 'stop_date': '%s' is not a date", cstop + 1, f[cstop].p);
        else if (from != RCM_DATE_NONE && to != RCM_DATE_NONE && to < from)
            rc = refdata_bad(c, "field %d 'stop_date': before the start date", cstop + 1);
        else
            rc = refdata_code_put(c, lk->set, f[0], from, to, 1, (rcm_str){ "", 0 }, f[1]);
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int load_carc(refdata_ctx *c) { return load_list(c, &lk_carc); }
static int load_rarc(refdata_ctx *c) { return load_list(c, &lk_rarc); }
static int load_csc_cat(refdata_ctx *c) { return load_list(c, &lk_csc_cat); }
static int load_csc(refdata_ctx *c) { return load_list(c, &lk_csc); }
static int load_pos(refdata_ctx *c) { return load_list(c, &lk_pos); }
static int load_group(refdata_ctx *c) { return load_list(c, &lk_group); }

static const char *const tables[] = { NULL };

const refdata_kind refdata_kind_carc = {
    "carc", "claim adjustment reason codes with start/stop dates (CSV)", detect_carc, load_carc, tables,
};
const refdata_kind refdata_kind_rarc = {
    "rarc", "remittance advice remark codes with start/stop dates (CSV)", detect_rarc, load_rarc, tables,
};
const refdata_kind refdata_kind_csc_cat = {
    "csc_cat", "claim status category codes (CSV)", detect_csc_cat, load_csc_cat, tables,
};
const refdata_kind refdata_kind_csc = {
    "csc", "claim status codes (CSV)", detect_csc, load_csc, tables,
};
const refdata_kind refdata_kind_pos = {
    "pos", "place of service codes (CSV)", detect_pos, load_pos, tables,
};
const refdata_kind refdata_kind_cas_group = {
    "cas_group", "claim adjustment group codes (CSV)", detect_group, load_group, tables,
};
