/*
 * Physician fee schedule: the loaders (PPRRVU, GPCI, CF, anesthesia CF,
 * localities), fixed-point parsing, the exact amount and its rounding, and
 * fees of real CY2025 codes checked against amounts computed by hand from
 * the bundled 2025 files:
 *   amount = (wRVU x wGPCI + peRVU x peGPCI + mpRVU x mpGPCI) x 32.3465,
 *   rounded half up to the cent once, at the end.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/edits.h"
#include "rcm/refdata.h"
#include "../../lib/refdata/edits_internal.h"

#define FIX "tests/data/edits/"
#define BUNDLED "data/refdata/"

static char tmpdir[256];
static rcm_store *st;

static void open_store(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-pfs-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    char p[300];
    snprintf(p, sizeof(p), "%s/p.db", tmpdir);
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
}

static void teardown(void)
{
    rcm_store_close(st);
    st = NULL;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static void ok_import(const char *path, rcm_refdata_report *rep)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.now = 1700000000;
    rcm_error err = { 0 };
    rcm_refdata_report own;
    int rc = rcm_refdata_import(st, path, &o, rep ? rep : &own, &err);
    cr_assert_eq(rc, 0, "%s: %ld: %s", path, err.line, err.msg);
    if (!rep)
        rcm_refdata_report_release(&own);
}

/* The real 2025 files as bundled. */
static void bundled(void)
{
    open_store();
    ok_import(BUNDLED "pprrvu_2025_oct.csv.gz", NULL);
    ok_import(BUNDLED "gpci_2025.csv.gz", NULL);
    ok_import(BUNDLED "conversion_factor_2025.csv.gz", NULL);
    ok_import(BUNDLED "anes_cf_2025.csv.gz", NULL);
    ok_import(BUNDLED "locality_counties_2025.csv.gz", NULL);
}

TestSuite(pfs_load, .init = open_store, .fini = teardown);
TestSuite(pfs_amount);
TestSuite(pfs_fee, .init = bundled, .fini = teardown);

static long count(const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* ---- loaders ---- */

Test(pfs_load, every_kind_detected)
{
    static const struct { const char *file, *kind, *version; long rows; } f[] = {
        { "pprrvu_2025_oct_test.csv", "pprrvu", "2025-10", 9 },
        { "gpci_2025_test.csv", "gpci", "2025", 7 },
        { "conversion_factor_2025_test.csv", "cf", "2025", 2 },
        { "anes_cf_2025_test.csv", "anes_cf", "2025", 2 },
        { "locality_counties_2025_test.csv", "locality", "2025", 4 },
    };
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        char p[300];
        snprintf(p, sizeof(p), FIX "%s", f[i].file);
        rcm_refdata_report rep;
        ok_import(p, &rep);
        cr_assert_str_eq(rep.kind, f[i].kind, "%s", f[i].file);
        cr_assert_str_eq(rep.version, f[i].version, "%s", f[i].file);
        cr_assert_eq(rep.rows, f[i].rows, "%s: %ld", f[i].file, rep.rows);
        cr_assert_eq(rep.eff_to, rcm_date_from_ymd(2025, 12, 31));
        rcm_refdata_report_release(&rep);
    }
    cr_assert_eq(count("SELECT count(*) FROM pfs_rvu WHERE hcpcs = '99213' AND modifier = '' AND work_rvu = 13000"
                       " AND pe_nonfac = 13500 AND pe_fac = 5700 AND mp_rvu = 1000 AND conv_factor = 323465"
                       " AND status = 'A' AND glob_days = 'XXX'"), 1);
    cr_assert_eq(count("SELECT count(*) FROM pfs_rvu WHERE hcpcs = '71046' AND modifier = 'TC' AND fac_na = 1"), 1);
    cr_assert_eq(count("SELECT post_op FROM pfs_rvu WHERE hcpcs = '27447'"), 2100);
    cr_assert_eq(count("SELECT gpci_mp FROM pfs_gpci WHERE mac = '13202' AND locality = '01'"), 16560);
    cr_assert_eq(count("SELECT cf FROM pfs_cf WHERE cf_type = 'anesthesia'"), 203178);
    cr_assert_eq(count("SELECT anes_cf FROM pfs_anes_cf WHERE mac = '10112'"), 193100);
    cr_assert_eq(count("SELECT count(*) FROM pfs_locality WHERE state = 'WYOMING'"), 0, "the footnote row is skipped");
}

Test(pfs_load, release_month_from_the_name)
{
    rcm_refdata_report rep;
    ok_import(FIX "pprrvu_2025_oct_test.csv", &rep);
    cr_assert_eq(rep.eff_from, rcm_date_from_ymd(2025, 10, 1));
    rcm_refdata_report_release(&rep);
}

Test(pfs_load, malformed_rows)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(st, FIX "pprrvu_2025_bad.csv", &o, &rep, &err), RCM_EFORMAT);
    cr_assert_eq(err.line, 2);
    cr_assert_str_eq(err.msg, "field 5 'work_rvu': '1.3x' is not a number with at most 4 decimals");
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT count(*) FROM pfs_rvu"), 0);
    o.skip_bad = 1;
    cr_assert_eq(rcm_refdata_import(st, FIX "pprrvu_2025_bad.csv", &o, &rep, &err), 0, "%s", err.msg);
    cr_assert_eq(rep.rows, 1);
    cr_assert_eq(rep.nskipped, 4);
    cr_assert_eq(rep.skipped[1].line, 4);
    cr_assert_str_eq(rep.skipped[1].msg, "code '99214' appears twice in the file");
    cr_assert_eq(rep.skipped[2].line, 5);
    cr_assert_not_null(strstr(rep.skipped[2].msg, "expected NA or nothing"), "%s", rep.skipped[2].msg);
    cr_assert_eq(rep.skipped[3].line, 6);
    cr_assert_not_null(strstr(rep.skipped[3].msg, "'conv_factor': '32.34651'"), "never rounded: %s",
                       rep.skipped[3].msg);
    rcm_refdata_report_release(&rep);
}

/* ---- fixed point and the amount ---- */

Test(pfs_amount, fixed_point_parse)
{
    int64_t v;
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("1.30"), 4, 1000000000), 0);
    cr_assert_eq(v, 13000);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("32.3465"), 4, 1000000000), 0);
    cr_assert_eq(v, 323465);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("1"), 4, 1000000000), 0);
    cr_assert_eq(v, 10000);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c(".5"), 4, 1000000000), 0);
    cr_assert_eq(v, 5000);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("0.869000"), 4, 1000000000), 0, "trailing zeros are fine");
    cr_assert_eq(v, 8690);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("0.86901"), 4, 1000000000), RCM_EFORMAT, "never rounded");
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c(""), 4, 1000000000), RCM_EFORMAT);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("."), 4, 1000000000), RCM_EFORMAT);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("1.2.3"), 4, 1000000000), RCM_EFORMAT);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("-1"), 4, 1000000000), RCM_EFORMAT);
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("100001"), 4, 1000000000), RCM_EFORMAT, "over max");
    cr_assert_eq(edits_fixed_parse(&v, rcm_str_c("99999999999999999999"), 4, INT64_MAX), RCM_EFORMAT);
    char s[32];
    edits_fixed_fmt(s, sizeof(s), 13000, 4, 2);
    cr_assert_str_eq(s, "1.30");
    edits_fixed_fmt(s, sizeof(s), 323465, 4, 2);
    cr_assert_str_eq(s, "32.3465");
    edits_fixed_fmt(s, sizeof(s), 10000, 4, 0);
    cr_assert_str_eq(s, "1");
}

Test(pfs_amount, formula_and_half_up_rounding)
{
    int64_t c;
    /* 99213 national non-facility: (1.30 + 1.35 + 0.10) x 32.3465 = 88.952875 */
    cr_assert_eq(rcm_pfs_amount(&c, 13000, 13500, 1000, 10000, 10000, 10000, 323465, 10000), 0);
    cr_assert_eq(c, 8895);
    /* exactly half a cent rounds up: 0.0005 x 1 x 10.0000 = $0.005 */
    cr_assert_eq(rcm_pfs_amount(&c, 5, 0, 0, 10000, 10000, 10000, 100000, 10000), 0);
    cr_assert_eq(c, 1);
    /* just under half a cent: 0.0001 x 0.4999 x 100.0000 = $0.004999 */
    cr_assert_eq(rcm_pfs_amount(&c, 1, 0, 0, 4999, 10000, 10000, 1000000, 10000), 0);
    cr_assert_eq(c, 0);
    /* a percentage multiplies the exact product: 38.88 x 32.3465 x 150% = 1886.44788 */
    cr_assert_eq(rcm_pfs_amount(&c, 196000, 153000, 39800, 10000, 10000, 10000, 323465, 15000), 0);
    cr_assert_eq(c, 188645);
    cr_assert_eq(rcm_pfs_amount(&c, -1, 0, 0, 10000, 10000, 10000, 323465, 10000), RCM_EINVAL);
    /* the largest inputs do not overflow the exact product, but do not fit in cents */
    cr_assert_eq(rcm_pfs_amount(&c, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX,
                                INT32_MAX), RCM_ELIMIT);
}

/* ---- fees of real 2025 codes, by hand ---- */

static rcm_fee_quote quote(const char *code, const char *mods, const char *loc, int facility)
{
    rcm_fee_request r = { code, mods, loc, facility, RCM_DATE_NONE };
    rcm_fee_quote q;
    rcm_error err = { 0 };
    int rc = rcm_fee_quote_get(&q, st, &r, &err);
    cr_assert_eq(rc, 0, "%s: %s", code, err.msg);
    return q;
}

Test(pfs_fee, office_visit_national_and_manhattan)
{
    rcm_fee_quote q = quote("99213", NULL, NULL, 0);
    cr_assert_eq(q.cents, 8895, "(1.30 + 1.35 + 0.10) x 32.3465 = 88.952875");
    cr_assert_str_eq(q.exact, "88.952875");
    cr_assert(q.national);
    cr_assert(q.priced);
    cr_assert_eq(q.cf, 323465);
    cr_assert_str_eq(q.cf_version, "2025");
    cr_assert_str_eq(q.rvu.version, "2025-10");
    cr_assert_gt(q.rvu.line, 1);
    q = quote("99213", NULL, NULL, 1);
    cr_assert_eq(q.cents, 6372, "(1.30 + 0.57 + 0.10) x 32.3465 = 63.722605");
    /* Manhattan 13202:01, GPCI 1.065 / 1.166 / 1.656:
       1.3845 + 1.5741 + 0.1656 = 3.1242; x 32.3465 = 101.0569353 */
    q = quote("99213", NULL, "manhattan", 0);
    cr_assert_eq(q.cents, 10106);
    cr_assert_str_eq(q.exact, "101.0569353");
    cr_assert_str_eq(q.loc.mac, "13202");
    cr_assert_str_eq(q.loc.locality, "01");
    cr_assert_eq(q.loc.anes_cf, 227600);
    cr_assert_str_eq(q.loc.counties, "NEW YORK");
}

Test(pfs_fee, professional_and_technical_components)
{
    /* 71046 global: (0.22 + 0.77 + 0.02) x 32.3465 = 32.669965 */
    cr_assert_eq(quote("71046", NULL, NULL, 0).cents, 3267);
    /* -TC: (0 + 0.69 + 0.01) x 32.3465 = 22.64255 */
    cr_assert_eq(quote("71046", "TC", NULL, 0).cents, 2264);
    /* -26 in San Francisco 01112:05 (1.088 / 1.419 / 0.445):
       0.23936 + 0.11352 + 0.00445 = 0.35733; x 32.3465 = 11.558374845 */
    rcm_fee_quote q = quote("71046", "26", "01112:05", 0);
    cr_assert_eq(q.cents, 1156);
    cr_assert_str_eq(q.rvu.modifier, "26");
    cr_assert_str_eq(q.exact, "11.558374845");
}

Test(pfs_fee, procedure_in_alabama)
{
    /* 20610 non-facility, Alabama 10112:00 (1 / 0.869 / 0.575):
       0.79 + 0.90376 + 0.07475 = 1.76851; x 32.3465 = 57.205108715 */
    rcm_fee_quote q = quote("20610", NULL, "10112:0", 0);
    cr_assert_eq(q.cents, 5721);
    cr_assert_str_eq(q.exact, "57.205108715");
}

Test(pfs_fee, modifier_adjustments)
{
    /* 27447 facility, Manhattan: 20.874 + 17.8398 + 6.59088 = 45.30468; x 32.3465 = 1465.44783162 */
    rcm_fee_quote q = quote("27447", NULL, "13202:01", 1);
    cr_assert_eq(q.cents, 146545);
    /* bilateral indicator 1: 150% of (19.60 + 15.30 + 3.98) x 32.3465 = 1886.44788 */
    q = quote("27447", "50", NULL, 1);
    cr_assert_eq(q.pct, 15000);
    cr_assert_eq(q.cents, 188645);
    /* assistant at surgery (indicator 2): 16% of 1257.63192 = 201.2211072 */
    q = quote("27447", "80", NULL, 1);
    cr_assert_eq(q.cents, 20122);
    /* multiple procedure indicator 2: 50% of 1257.63192 = 628.81596 */
    q = quote("27447", "51", NULL, 1);
    cr_assert_eq(q.cents, 62882);
    /* co-surgeon indicator 1: 62.5% = 786.01995 */
    q = quote("27447", "62", NULL, 1);
    cr_assert_eq(q.cents, 78602);
    /* 99213 has bilateral indicator 0: 50 changes nothing but is noted */
    q = quote("99213", "50", NULL, 0);
    cr_assert_eq(q.cents, 8895);
    cr_assert_eq(q.nnotes, 1);
    cr_assert_not_null(strstr(q.notes[0], "bilateral indicator 0"), "%s", q.notes[0]);
    /* 25 and 59 are coding modifiers: no payment change */
    cr_assert_eq(quote("99213", "25", NULL, 0).cents, 8895);
}

Test(pfs_fee, not_priced_and_not_found)
{
    rcm_fee_quote q = quote("00100", NULL, NULL, 0);
    cr_assert_eq(q.priced, 0, "anesthesia: base and time units");
    cr_assert_eq(q.cents, 0);
    rcm_fee_request r = { "99213", "26", NULL, 0, RCM_DATE_NONE };
    rcm_error err = { 0 };
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_ENOTFOUND);
    cr_assert_str_eq(err.msg, "99213 with modifier 26 is not in the fee schedule 2025-10 (no row for that modifier)");
    r.code = "99999";
    r.modifiers = NULL;
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_ENOTFOUND);
    r.code = "99213";
    r.locality = "atlantis";
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_ENOTFOUND);
    r.locality = "san francisco";
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "matches 2 localities"), "%s", err.msg);
    r.locality = NULL;
    r.modifiers = "26,TC";
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_EINVAL);
    r.modifiers = "5";
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_EINVAL);
    r.modifiers = NULL;
    r.dos = rcm_date_from_ymd(2024, 6, 1);
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), RCM_ENOTFOUND, "no 2024 fee schedule loaded");
    r.dos = rcm_date_from_ymd(2025, 3, 1);
    cr_assert_eq(rcm_fee_quote_get(&q, st, &r, &err), 0, "the October release serves 2025: %s", err.msg);
    cr_assert_eq(q.cents, 8895);
}

Test(pfs_fee, localities_by_name_county_or_number)
{
    rcm_pfs_locality l[8];
    rcm_error err = { 0 };
    cr_assert_eq(rcm_pfs_locality_find(l, 8, st, "queens", RCM_DATE_NONE, &err), 1, "an exact name wins");
    cr_assert_str_eq(l[0].mac, "13292");
    cr_assert_eq(rcm_pfs_locality_find(l, 8, st, "bronx", RCM_DATE_NONE, &err), 1, "by county");
    cr_assert_str_eq(l[0].locality, "02");
    cr_assert_eq(rcm_pfs_locality_find(l, 8, st, "13202:1", RCM_DATE_NONE, &err), 1, "numbers are padded");
    cr_assert_str_eq(l[0].name, "MANHATTAN");
    cr_assert_eq(rcm_pfs_locality_find(l, 8, st, "san francisco", RCM_DATE_NONE, &err), 2);
    cr_assert_eq(rcm_pfs_locality_find(l, 8, st, "nowhere", RCM_DATE_NONE, &err), 0);
    int32_t cf;
    char v[RCM_PFS_VERSION_MAX];
    cr_assert_eq(rcm_pfs_cf_find(&cf, v, st, "anesthesia", rcm_date_from_ymd(2025, 5, 1), &err), 0);
    cr_assert_eq(cf, 203178);
    cr_assert_eq(rcm_pfs_cf_find(&cf, v, st, "physician", rcm_date_from_ymd(2024, 5, 1), &err), RCM_ENOTFOUND);
}
