/*
 * HCPCS Level II, from the CMS alpha-numeric file saved as CSV (the columns
 * the CMS spreadsheet names HCPC, SEQNUM, RECID, LONG DESCRIPTION, SHORT
 * DESCRIPTION, ... ADD DT, TERM DT; as snake_case in the bundled copy:
 * hcpcs, seqnum, recid, long_description, short_description). Columns are
 * found by their header name; the date columns are optional.
 * RECID: 3 a procedure's first line, 4 its continuation, 7 a modifier's
 * first line, 8 its continuation. A continuation's text is appended to the
 * long description of the code before it.
 * Version: the year ("2022") or a quarter's first month ("2025-04"): in force
 * from 1 January (or that month) to 31 December of the year. ADD DT / TERM DT,
 * when present, bound each code's own validity (TERM DT taken as its last day).
 */
#include <ctype.h>
#include "refdata_internal.h"

enum { COL_CODE, COL_SEQ, COL_RECID, COL_LONG, COL_SHORT, COL_ADD, COL_TERM, NCOLS };

/* header names, compared without case, blanks and underscores */
static const char *const col_names[NCOLS][4] = {
    { "hcpcs", "hcpc", "code", NULL },
    { "seqnum", "seq", NULL, NULL },
    { "recid", NULL, NULL, NULL },
    { "longdescription", "longdesc", NULL, NULL },
    { "shortdescription", "shortdesc", NULL, NULL },
    { "adddt", "adddate", NULL, NULL },
    { "termdt", "termdate", "terminationdate", NULL },
};

static void squash(char *out, size_t outsz, rcm_str s)
{
    size_t o = 0;
    for (size_t i = 0; i < s.n && o + 1 < outsz; i++) {
        char ch = s.p[i];
        if (ch == ' ' || ch == '_' || ch == '-')
            continue;
        out[o++] = (char)tolower((unsigned char)ch);
    }
    out[o] = '\0';
}

static int detect(const refdata_probe *p)
{
    if (refdata_probe_starts(p, "hcpcs,seqnum,recid,") || refdata_probe_starts(p, "hcpc,seqnum,recid,") ||
        refdata_probe_starts(p, "\"hcpc\",\"seqnum\",\"recid\""))
        return 100;
    return 0;
}

typedef struct pending {
    int have;
    int modifier;
    char code[8];
    long line;
    rcm_buf longd;
    char shortd[128];
    rcm_date add, term;
} pending;

static int flush(refdata_ctx *c, pending *pd)
{
    if (!pd->have)
        return 0;
    pd->have = 0;
    long save = c->line;
    c->line = pd->line;
    if (rcm_buf_failed(&pd->longd))
        return refdata_fail(c, RCM_ENOMEM, "description too long");
    int rc = refdata_code_put(c, pd->modifier ? "hcpcs_mod" : "hcpcs", rcm_str_c(pd->code), pd->add,
                              pd->term, 1, rcm_str_c(pd->shortd),
                              (rcm_str){ pd->longd.ptr, pd->longd.len });
    c->line = save;
    return rc;
}

static int set_range(refdata_ctx *c)
{
    int y = refdata_default_version(c, 1);
    if (!c->version[0])
        return RCM_EINVAL;
    if (!y)
        return 0; /* not a year: open range unless --from/--to */
    int m = 1;
    if (strlen(c->version) == 7 && c->version[4] == '-' && isdigit((unsigned char)c->version[5]))
        m = (c->version[5] - '0') * 10 + (c->version[6] - '0');
    if (m < 1 || m > 12)
        m = 1;
    c->eff_from = rcm_date_from_ymd(y, m, 1);
    c->eff_to = rcm_date_from_ymd(y, 12, 31);
    return 0;
}

static int row(refdata_ctx *c, const int *col, rcm_str *f, int n, pending *pd)
{
    for (int k = 0; k < NCOLS; k++)
        if (col[k] >= n && (k == COL_CODE || k == COL_RECID || k == COL_LONG))
            return refdata_bad(c, "expected at least %d fields, found %d", col[k] + 1, n);
    rcm_str code = f[col[COL_CODE]], recid = f[col[COL_RECID]], longd = f[col[COL_LONG]];
    if (recid.n != 1 || !strchr("3478", recid.p[0]))
        return refdata_bad(c, "field %d 'recid': '%s' is not 3, 4, 7 or 8", col[COL_RECID] + 1, recid.p);
    int modifier = recid.p[0] == '7' || recid.p[0] == '8';
    int cont = recid.p[0] == '4' || recid.p[0] == '8';
    const char *why = NULL;
    if (modifier ? rcm_code_check_modifier(code, &why) < 0 : rcm_code_check_hcpcs(code, &why) < 0)
        return refdata_bad(c, "field %d 'hcpcs': '%s': %s", col[COL_CODE] + 1, code.p, why);
    if (col[COL_SEQ] >= 0 && col[COL_SEQ] < n) {
        rcm_str s = f[col[COL_SEQ]];
        if (s.n == 0 || strspn(s.p, "0123456789") != s.n)
            return refdata_bad(c, "field %d 'seqnum': '%s' is not a number", col[COL_SEQ] + 1, s.p);
    }
    if (cont) {
        if (!pd->have || strcmp(pd->code, code.p) != 0 || pd->modifier != modifier)
            return refdata_bad(c, "field %d 'recid': continuation of '%s' follows no first line of it",
                               col[COL_RECID] + 1, code.p);
        if (longd.n) {
            rcm_buf_addc(&pd->longd, ' ');
            rcm_buf_addstr(&pd->longd, longd);
        }
        return 0;
    }
    rcm_date add = RCM_DATE_NONE, term = RCM_DATE_NONE;
    if (col[COL_ADD] >= 0 && col[COL_ADD] < n && refdata_parse_date(&add, f[col[COL_ADD]]) < 0)
        return refdata_bad(c, "field %d 'add date': '%s' is not a date", col[COL_ADD] + 1,
                           f[col[COL_ADD]].p);
    if (col[COL_TERM] >= 0 && col[COL_TERM] < n && refdata_parse_date(&term, f[col[COL_TERM]]) < 0)
        return refdata_bad(c, "field %d 'termination date': '%s' is not a date", col[COL_TERM] + 1,
                           f[col[COL_TERM]].p);
    if (!longd.n)
        return refdata_bad(c, "field %d 'long description': empty for '%s'", col[COL_LONG] + 1, code.p);
    /* the row is good: the previous code is complete */
    int rc = flush(c, pd);
    if (rc < 0)
        return rc;
    pd->have = 1;
    pd->modifier = modifier;
    pd->line = c->line;
    snprintf(pd->code, sizeof(pd->code), "%s", code.p);
    rcm_buf_reset(&pd->longd);
    rcm_buf_addstr(&pd->longd, longd);
    pd->shortd[0] = '\0';
    if (col[COL_SHORT] >= 0 && col[COL_SHORT] < n)
        snprintf(pd->shortd, sizeof(pd->shortd), "%s", f[col[COL_SHORT]].p);
    pd->add = add;
    pd->term = term;
    return 0;
}

static int load(refdata_ctx *c)
{
    int rc = set_range(c);
    if (rc < 0)
        return rc;
    rcm_str line, f[64];
    int col[NCOLS];
    if (!refdata_next_line(c, &line))
        return refdata_fail(c, RCM_EFORMAT, "empty file");
    int n = refdata_split(c, line, ',', f, 64);
    for (int k = 0; k < NCOLS; k++) {
        col[k] = -1;
        for (int i = 0; i < n && i < 64 && col[k] < 0; i++) {
            char h[40];
            squash(h, sizeof(h), f[i]);
            for (int j = 0; j < 4 && col_names[k][j]; j++)
                if (strcmp(h, col_names[k][j]) == 0)
                    col[k] = i;
        }
    }
    if (col[COL_CODE] < 0 || col[COL_RECID] < 0 || col[COL_LONG] < 0)
        return refdata_fail(c, RCM_EFORMAT, "header: needs the columns hcpcs, recid and long_description");
    pending pd;
    memset(&pd, 0, sizeof(pd));
    rcm_buf_init(&pd.longd, RCM_CODE_DESC_MAX * 4);
    while (refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        n = refdata_split(c, line, ',', f, 64);
        if (n < 0)
            rc = refdata_bad(c, "a quoted field is not closed");
        else
            rc = row(c, col, f, n, &pd);
        if (rc < 0)
            break;
    }
    if (rc == 0)
        rc = flush(c, &pd);
    rcm_buf_release(&pd.longd);
    return rc;
}

static const char *const tables[] = { NULL };

const refdata_kind refdata_kind_hcpcs = {
    "hcpcs", "HCPCS Level II codes and modifiers (CMS alpha-numeric file as CSV)", detect, load, tables,
};
