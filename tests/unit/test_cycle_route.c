/*
 * The denial routing table: the built-in rows of DOMAIN.md section 5 case by
 * case (the route, root and denial flag each adjustment must get, and the
 * routes it must not), the most specific match winning, remark codes
 * deciding CARC 16 and 96, and a practice's own CSV replacing the table
 * whole (header, comments, quoting, '*'), refused with a located error and
 * nothing changed when a row is bad, and reset back to the built-in table.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "cycle_fixture.h"
#include "rcm/post.h"
#include "../../lib/cycle/route.h"

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_route, .init = setup, .fini = teardown);

typedef struct route_case {
    const char *group, *carc;
    const char *rarcs[3];
    const char *route, *root;
    int denial;
    const char *not_route;      /* a route it must not get */
} route_case;

static const route_case builtin_cases[] = {
    /* patient shares: not denials */
    { "PR", "1", { NULL }, "patient", "patient-share", 0, "biller" },
    { "PR", "2", { NULL }, "patient", "patient-share", 0, "biller" },
    { "PR", "3", { NULL }, "patient", "patient-share", 0, "coder" },
    /* posted automatically */
    { "CO", "45", { NULL }, "auto", "contractual", 0, "biller" },
    { "CO", "253", { NULL }, "auto", "contractual", 0, "biller" },
    { "OA", "23", { NULL }, "auto", "cob", 0, "biller" },
    { "CO", "59", { NULL }, "auto", "contractual", 0, "coder" },
    /* coding-rooted */
    { "CO", "97", { NULL }, "coder", "bundling", 1, "biller" },
    { "CO", "4", { NULL }, "coder", "modifier", 1, "biller" },
    { "CO", "11", { NULL }, "coder", "dx-mismatch", 1, "biller" },
    { "CO", "50", { NULL }, "coder", "medical-necessity", 1, "patient" },
    { "CO", "151", { NULL }, "coder", "mue", 1, "biller" },
    { "CO", "236", { NULL }, "coder", "bundling", 1, "auto" },
    { "CO", "B15", { NULL }, "coder", "bundling", 1, "biller" },
    /* billing-rooted */
    { "CO", "27", { NULL }, "biller", "eligibility", 1, "coder" },
    { "CO", "29", { NULL }, "biller", "timely-filing", 1, "coder" },
    { "CO", "197", { NULL }, "biller", "authorization", 1, "coder" },
    { "OA", "18", { NULL }, "biller", "duplicate", 1, "coder" },
    { "CO", "22", { NULL }, "biller", "cob", 1, "coder" },
    { "CO", "206", { NULL }, "biller", "missing-info", 1, "coder" },
    /* 16 and 96: the remark decides */
    { "CO", "16", { NULL }, "biller", "missing-info", 1, "coder" },
    { "CO", "16", { "M76" }, "coder", "dx-mismatch", 1, "biller" },
    { "CO", "16", { "N19", "M51" }, "coder", "coding", 1, "biller" },
    { "CO", "16", { "N56" }, "coder", "coding", 1, "biller" },
    { "CO", "16", { "MA63" }, "coder", "dx-mismatch", 1, "biller" },
    { "CO", "16", { "MA130" }, "biller", "missing-info", 1, "coder" },
    { "CO", "96", { NULL }, "biller", "other", 1, "coder" },
    { "CO", "96", { "M76" }, "coder", "dx-mismatch", 1, "biller" },
    { "PR", "96", { NULL }, "patient", "other", 1, "biller" },
    /* group + CARC beats CARC alone: PR-50 with an ABN is the patient's */
    { "PR", "50", { NULL }, "patient", "medical-necessity", 1, "coder" },
    { "PR", "27", { NULL }, "patient", "eligibility", 1, "biller" },
    /* reasons the table does not know */
    { "CO", "999", { NULL }, "biller", "other", 1, "auto" },
    { "OA", "999", { NULL }, "biller", "other", 1, "auto" },
    { "PI", "999", { NULL }, "biller", "other", 1, "auto" },
    { "PR", "999", { NULL }, "patient", "patient-share", 1, "biller" },
    { "XX", "999", { NULL }, "biller", "other", 1, "patient" },
};

static size_t nrarcs(const route_case *c)
{
    size_t n = 0;
    while (n < 3 && c->rarcs[n])
        n++;
    return n;
}

Test(cycle_route, builtin_table_routes_by_group_carc_and_rarc)
{
    for (size_t i = 0; i < sizeof(builtin_cases) / sizeof(builtin_cases[0]); i++) {
        const route_case *c = &builtin_cases[i];
        cycle_route r;
        cycle_route_classify(f.cy, c->group, c->carc, c->rarcs, nrarcs(c), &r);
        cr_expect_str_eq(r.route, c->route, "%s-%s %s: route %s", c->group, c->carc,
                         c->rarcs[0] ? c->rarcs[0] : "", r.route);
        cr_expect_str_eq(r.root, c->root, "%s-%s: root %s", c->group, c->carc, r.root);
        cr_expect_eq(r.denial, c->denial, "%s-%s: denial %d", c->group, c->carc, r.denial);
        cr_expect_str_neq(r.route, c->not_route, "%s-%s must not go to %s", c->group, c->carc, c->not_route);
    }
}

Test(cycle_route, the_rarc_that_decided_is_named)
{
    route_table t;
    cr_assert_eq(route_table_load(f.cy, &t, NULL), 0);
    cr_assert_eq(t.builtin, 1);
    const char *rarcs[] = { "N19", "MA63" };
    cycle_route r;
    const char *hit = NULL;
    route_table_classify(&t, "CO", "16", rarcs, 2, &r, &hit);
    cr_assert_str_eq(hit, "MA63");
    route_table_classify(&t, "CO", "97", rarcs, 2, &r, &hit);
    cr_assert_str_eq(hit, "", "CO-97 did not match on a remark");
    route_table_release(&t);
}

Test(cycle_route, every_builtin_row_is_valid_and_unique)
{
    rcm_route_row *rows = NULL;
    size_t n = 0;
    int builtin = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_routes_list(f.cy, &rows, &n, &builtin, &err), 0);
    cr_assert_eq(builtin, 1);
    cr_assert_gt(n, 60);
    /* written out as CSV, the built-in table loads back as a practice table unchanged */
    char path[320];
    snprintf(path, sizeof(path), "%s/builtin.csv", f.dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    for (size_t i = 0; i < n; i++)
        fprintf(fp, "%s,%s,%s,%s,%s,%d,\"%s\"\n", rows[i].group_code, rows[i].carc, rows[i].rarc, rows[i].route,
                rows[i].root, rows[i].denial, rows[i].note);
    fclose(fp);
    long loaded = 0;
    cr_assert_eq(rcm_routes_load(f.cy, path, &loaded, &err), 0, "%s:%ld: %s", err.source, err.line, err.msg);
    cr_assert_eq((size_t)loaded, n);
    for (size_t i = 0; i < sizeof(builtin_cases) / sizeof(builtin_cases[0]); i++) {
        const route_case *c = &builtin_cases[i];
        cycle_route r;
        cycle_route_classify(f.cy, c->group, c->carc, c->rarcs, nrarcs(c), &r);
        cr_expect_str_eq(r.route, c->route, "loaded %s-%s: %s", c->group, c->carc, r.route);
        cr_expect_str_eq(r.root, c->root, "loaded %s-%s: %s", c->group, c->carc, r.root);
    }
    free(rows);
}

static const char *write(const char *name, const char *text)
{
    static char path[320];
    snprintf(path, sizeof(path), "%s/%s", f.dir, name);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
    return path;
}

Test(cycle_route, practice_table_replaces_the_builtin_whole_and_reset_restores_it)
{
    const char *path = write("mine.csv", "# our payers' habits\n"
                                         "group,carc,rarc,route,root,denial,note\n"
                                         "*,*,*,biller,other,1,\"anything else, reviewed\"\n"
                                         "  CO , 97 ,, biller , bundling , 1 , we appeal bundling\n"
                                         "\n"
                                         "*,16,M76,coder,dx-mismatch,1,\n");
    long rows = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_routes_load(f.cy, path, &rows, &err), 0, "%s", err.msg);
    cr_assert_eq(rows, 3);
    cycle_route r;
    cycle_route_classify(f.cy, "CO", "97", NULL, 0, &r);
    cr_assert_str_eq(r.route, "biller");
    cr_assert_str_eq(r.root, "bundling");
    /* CO-45 is not in this table: its default row applies, nothing of the built-in one */
    cycle_route_classify(f.cy, "CO", "45", NULL, 0, &r);
    cr_assert_str_eq(r.route, "biller");
    cr_assert_str_eq(r.root, "other");
    const char *m76[] = { "M76" };
    cycle_route_classify(f.cy, "CO", "16", m76, 1, &r);
    cr_assert_str_eq(r.route, "coder");
    rcm_route_row *list = NULL;
    size_t n = 0;
    int builtin = 1;
    cr_assert_eq(rcm_routes_list(f.cy, &list, &n, &builtin, &err), 0);
    cr_assert_eq(builtin, 0);
    cr_assert_eq(n, 3);
    int found_note = 0;
    for (size_t i = 0; i < n; i++)
        found_note |= strcmp(list[i].note, "anything else, reviewed") == 0 && !list[i].group_code[0] &&
                      !list[i].carc[0];
    cr_assert(found_note, "'*' matches anything, a quoted note keeps its comma");
    free(list);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'routes-load'"), 1);
    cr_assert_eq(rcm_routes_reset(f.cy, &err), 0);
    cycle_route_classify(f.cy, "CO", "45", NULL, 0, &r);
    cr_assert_str_eq(r.route, "auto");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM denial_route"), 0);
}

typedef struct bad_case {
    const char *text;
    long line;
    const char *msg;
} bad_case;

static const bad_case bad_cases[] = {
    { "CO,97,,coders,bundling,1,x\n", 1, "route 'coders'" },
    { "group,carc,rarc,route,root,denial,note\nCO,97,,coder,bundling,1,\nCR,97,,coder,bundling,1,\n", 3,
      "group 'CR'" },
    { "CO,97,,coder,bundle,1,\n", 1, "root 'bundle'" },
    { "CO,97,,coder,bundling,yes,\n", 1, "denial 'yes'" },
    { "CO,9-7,,coder,bundling,1,\n", 1, "carc '9-7'" },
    { "CO,97,m76,coder,bundling,1,\n", 1, "rarc 'm76'" },
    { "CO,97,,coder,bundling\n", 1, "5 fields" },
    { "CO,97,,coder,bundling,1,a,b\n", 1, "more than 7 fields" },
    { "CO,97,,coder,bundling,1,\"open\n", 1, "not closed" },
    { "# nothing\n\n", 0, "no routing rows" },
    { "CO,97,,coder,bundling,1,\n\nCO,97,,biller,bundling,1,\n", 3, "again (first on line 1)" },
};

Test(cycle_route, bad_rows_are_refused_located_and_change_nothing)
{
    const char *good = write("good.csv", "CO,97,,biller,bundling,1,\n");
    rcm_error err = { 0 };
    cr_assert_eq(rcm_routes_load(f.cy, good, NULL, &err), 0);
    for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        char name[32];
        snprintf(name, sizeof(name), "bad-%zu.csv", i);
        const char *path = write(name, bad_cases[i].text);
        memset(&err, 0, sizeof(err));
        long rows = -1;
        cr_expect_eq(rcm_routes_load(f.cy, path, &rows, &err), RCM_EFORMAT, "case %zu", i);
        cr_expect_eq(rows, 0);
        cr_expect_eq(err.line, bad_cases[i].line, "case %zu: line %ld", i, err.line);
        cr_expect_not_null(strstr(err.msg, bad_cases[i].msg), "case %zu: '%s'", i, err.msg);
        cr_expect_str_eq(err.source, path);
        /* the table is still the one loaded before */
        cr_expect_eq(cyfx_int(&f, "SELECT count(*) FROM denial_route"), 1);
        cr_expect_str_eq(cyfx_text(&f, "SELECT route FROM denial_route"), "biller");
    }
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_routes_load(f.cy, "no-such.csv", NULL, &err), RCM_EIO);
}
