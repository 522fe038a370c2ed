/*
 * ICD-10-CM from the CDC/CMS order file, icd10cm_order_YYYY.txt: fixed
 * width, one code per line (headers and billable codes), CRLF:
 *   cols 1-5 order number (zero-filled), 7-13 code (no dot, left-justified),
 *   15 billable flag (1 billable, 0 header), 17-76 short description,
 *   78-end long description.
 * Also its TSV derivative with a header line
 *   order, code, billable, short_description, long_description[, poa_exempt].
 * Version: the fiscal year, from the file name or opts ("2022"): in force
 * 1 October of the year before to 30 September. "YYYY-04" is the April
 * update of fiscal year YYYY: 1 April to 30 September YYYY.
 */
#include <ctype.h>
#include "refdata_internal.h"

static const char *const tsv_header[] = { "order", "code", "billable", "short_description",
                                          "long_description" };

/* Does line look like an order-file line: 5 digits, blank, code, blank, 0/1, blank? */
static int fixed_line(const char *p, size_t n)
{
    if (n < 17)
        return 0;
    for (int i = 0; i < 5; i++)
        if (!isdigit((unsigned char)p[i]))
            return 0;
    return p[5] == ' ' && isalnum((unsigned char)p[6]) && p[13] == ' ' &&
           (p[14] == '0' || p[14] == '1') && p[15] == ' ';
}

static int detect(const refdata_probe *p)
{
    if (refdata_probe_starts(p, "order\tcode\tbillable\t"))
        return 100;
    if (fixed_line(p->head, p->len))
        return refdata_name_has(p, "icd10") || refdata_name_has(p, "order") ? 100 : 60;
    return 0;
}

static rcm_str trimmed(const char *p, size_t n)
{
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    while (n && *p == ' ')
        p++, n--;
    rcm_str s = { p, n };
    return s;
}

static int set_range(refdata_ctx *c)
{
    int fy = refdata_default_version(c, 1);
    if (!c->version[0])
        return RCM_EINVAL;
    if (!fy) {
        if (c->opts->eff_from == RCM_DATE_NONE)
            return refdata_fail(c, RCM_EINVAL, "version '%s' is not a fiscal year (YYYY or YYYY-04):"
                                " pass --from and --to", c->version);
        return 0;
    }
    size_t vn = strlen(c->version);
    if (vn == 7 && c->version[4] == '-' && c->version[5] == '0' && c->version[6] == '4') {
        c->eff_from = rcm_date_from_ymd(fy, 4, 1);
    } else if (vn == 4) {
        c->eff_from = rcm_date_from_ymd(fy - 1, 10, 1);
    } else if (c->opts->eff_from == RCM_DATE_NONE) {
        return refdata_fail(c, RCM_EINVAL, "version '%s' is not a fiscal year (YYYY or YYYY-04):"
                            " pass --from and --to", c->version);
    }
    c->eff_to = rcm_date_from_ymd(fy, 9, 30);
    return 0;
}

static int put(refdata_ctx *c, rcm_str code, int billable, rcm_str sdesc, rcm_str ldesc)
{
    const char *why = NULL;
    if (rcm_code_check_icd10cm(code, &why) < 0)
        return refdata_bad(c, "field 'code': '%.*s': %s", (int)code.n, code.p, why);
    if (memchr(code.p, '.', code.n))
        return refdata_bad(c, "field 'code': '%.*s': the order file has codes without the dot",
                           (int)code.n, code.p);
    if (!ldesc.n)
        ldesc = sdesc;
    if (!ldesc.n)
        return refdata_bad(c, "field 'long description': empty for '%.*s'", (int)code.n, code.p);
    return refdata_code_put(c, "icd10cm", code, RCM_DATE_NONE, RCM_DATE_NONE, billable, sdesc, ldesc);
}

static int load_fixed(refdata_ctx *c, rcm_str line)
{
    const char *p = line.p;
    size_t n = line.n;
    if (n < 17 || p[5] != ' ' || p[13] != ' ' || p[15] != ' ')
        return refdata_bad(c, "not an order-file line (order 1-5, code 7-13, flag 15,"
                           " short 17-76, long 78-)");
    for (int i = 0; i < 5; i++)
        if (!isdigit((unsigned char)p[i]))
            return refdata_bad(c, "field 'order' (cols 1-5): '%.5s' is not a number", p);
    if (p[14] != '0' && p[14] != '1')
        return refdata_bad(c, "field 'billable' (col 15): '%c' is not 0 or 1", p[14]);
    rcm_str code = trimmed(p + 6, 7);
    rcm_str sdesc = trimmed(p + 16, n < 76 ? n - 16 : 60);
    rcm_str ldesc = n > 77 ? trimmed(p + 77, n - 77) : (rcm_str){ "", 0 };
    if (n > 76 && p[76] != ' ')
        return refdata_bad(c, "col 77 should be blank between the short and long descriptions");
    return put(c, code, p[14] - '0', sdesc, ldesc);
}

static int load_tsv(refdata_ctx *c, rcm_str line)
{
    rcm_str f[8];
    int n = refdata_split(c, line, '\t', f, 8);
    if (n < 5)
        return refdata_bad(c, "expected 5 or 6 tab-separated fields, found %d", n < 0 ? 0 : n);
    if (f[0].n == 0 || strspn(f[0].p, "0123456789") != f[0].n)
        return refdata_bad(c, "field 1 'order': '%s' is not a number", f[0].p);
    if (f[2].n != 1 || (f[2].p[0] != '0' && f[2].p[0] != '1'))
        return refdata_bad(c, "field 3 'billable': '%s' is not 0 or 1", f[2].p);
    return put(c, f[1], f[2].p[0] - '0', f[3], f[4]);
}

static int load(refdata_ctx *c)
{
    int rc = set_range(c);
    if (rc < 0)
        return rc;
    rcm_str line;
    int tsv = -1;
    while (refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        if (tsv < 0) {
            rcm_str f[6];
            int n = refdata_split(c, line, '\t', f, 6);
            tsv = refdata_header_is(f, n, tsv_header, 5);
            if (tsv)
                continue;
        }
        if ((rc = tsv ? load_tsv(c, line) : load_fixed(c, line)) < 0)
            return rc;
    }
    return 0;
}

static const char *const tables[] = { NULL };

const refdata_kind refdata_kind_icd10cm = {
    "icd10cm", "ICD-10-CM order file (fixed width or TSV), one fiscal year", detect, load, tables,
};
