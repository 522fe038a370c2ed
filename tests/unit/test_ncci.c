/*
 * NCCI loaders: PTP (practitioner text, hospital CSV, zip, gzip, parts),
 * MUE (practitioner, outpatient hospital, DME told by the header), add-on
 * codes; versions from file names; malformed rows rejected whole or skipped
 * and listed; the row parsers, packed codes and bypass modifiers on their own.
 * Fixtures: tests/data/edits (invented rows in the CMS layouts) and the
 * bundled samples in data/refdata. Run from the repository root.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include "rcm/edits.h"
#include "rcm/refdata.h"
#include "../../lib/refdata/edits_internal.h"

#define FIX "tests/data/edits/"
#define BUNDLED "data/refdata/"

static char tmpdir[256];
static rcm_store *st;

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-ncci-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    char p[300];
    snprintf(p, sizeof(p), "%s/n.db", tmpdir);
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

TestSuite(ncci_ptp, .init = setup, .fini = teardown);
TestSuite(mue_load, .init = setup, .fini = teardown);
TestSuite(ncci_aoc, .init = setup, .fini = teardown);
TestSuite(ncci_parse);

static long count(const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int import(const char *path, rcm_refdata_opts *o, rcm_refdata_report *rep, rcm_error *err)
{
    rcm_refdata_opts d;
    if (!o) {
        rcm_refdata_opts_init(&d);
        o = &d;
    }
    o->now = 1700000000;
    return rcm_refdata_import(st, path, o, rep, err);
}

static void ok_import(const char *path, rcm_refdata_opts *o, rcm_refdata_report *rep)
{
    rcm_error err = { 0 };
    int rc = import(path, o, rep, &err);
    cr_assert_eq(rc, 0, "%s: %s:%ld: %s", path, err.source ? err.source : "", err.line, err.msg);
}

static rcm_date ymd(int y, int m, int d) { return rcm_date_from_ymd(y, m, d); }

/* ---- PTP ---- */

Test(ncci_ptp, practitioner_text_with_preamble_and_legend)
{
    rcm_refdata_report rep;
    ok_import(FIX "ccipra-v313r0-f1.txt", NULL, &rep);
    cr_assert_str_eq(rep.kind, "ptp");
    cr_assert_str_eq(rep.version, "v313r0-f1");
    cr_assert_eq(rep.eff_from, ymd(2025, 10, 1), "NCCI 31.3 is 2025 Q4");
    cr_assert_eq(rep.eff_to, RCM_DATE_NONE);
    cr_assert_eq(rep.rows, 8);
    cr_assert_eq(count("SELECT count(*) FROM ncci_ptp WHERE line = 7 AND col1 = '93000' AND col2 = '93005'"
                       " AND pre1996 = 1 AND del_date IS NULL AND modifier = 0"), 1);
    cr_assert_eq(count("SELECT del_date FROM ncci_ptp WHERE line = 9"), ymd(2020, 1, 1));
    cr_assert_eq(count("SELECT modifier FROM ncci_ptp WHERE line = 10"), 9);
    cr_assert_eq(count("SELECT count(*) FROM ncci_ptp WHERE rationale LIKE 'Standards of medical%'"), 1);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, hospital_csv_detected_from_name)
{
    rcm_refdata_report rep;
    ok_import(FIX "ccioph-v313r0-f1.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "ptp_hospital");
    cr_assert_str_eq(rep.version, "v313r0-f1");
    cr_assert_eq(rep.rows, 2);
    cr_assert_eq(count("SELECT modifier FROM ncci_ptp WHERE line = 5 AND col1 = '93000'"), 1);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, straight_from_the_zip)
{
    char zp[300];
    snprintf(zp, sizeof(zp), "%s/ccipra-v313r0-f1.zip", tmpdir);
    int ze = 0;
    zip_t *z = zip_open(zp, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    cr_assert_not_null(z);
    cr_assert(zip_file_add(z, "ccipra-v313r0-f1.txt", zip_source_file(z, FIX "ccipra-v313r0-f1.txt", 0, -1), 0) >= 0);
    cr_assert(zip_file_add(z, "CCI_Policy_Manual.pdf", zip_source_buffer(z, "%PDF", 4, 0), 0) >= 0);
    cr_assert_eq(zip_close(z), 0);
    rcm_refdata_report rep;
    ok_import(zp, NULL, &rep);
    cr_assert_str_eq(rep.kind, "ptp");
    cr_assert_str_eq(rep.version, "v313r0-f1");
    cr_assert_eq(rep.rows, 8);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, bundled_sample_gzip)
{
    rcm_refdata_report rep;
    ok_import(BUNDLED "SAMPLE_ptp_practitioner.txt.gz", NULL, &rep);
    cr_assert_str_eq(rep.kind, "ptp");
    cr_assert_str_eq(rep.version, "sample");
    cr_assert_eq(rep.eff_from, RCM_DATE_NONE, "a sample is in force for every date");
    cr_assert_eq(rep.rows, 15);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, parts_are_separate_loads)
{
    rcm_refdata_report rep;
    ok_import(FIX "ccipra-v313r0-f1.txt", NULL, &rep);
    rcm_refdata_report_release(&rep);
    ok_import(FIX "ccipra-v313r0-f2.txt", NULL, &rep);
    cr_assert_str_eq(rep.version, "v313r0-f2");
    cr_assert_eq(rep.replaced, 0, "part 2 does not replace part 1");
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT count(*) FROM ncci_ptp"), 10);
}

Test(ncci_ptp, same_file_twice_is_a_noop)
{
    rcm_refdata_report rep;
    ok_import(FIX "ccipra-v313r0-f1.txt", NULL, &rep);
    rcm_refdata_report_release(&rep);
    ok_import(FIX "ccipra-v313r0-f1.txt", NULL, &rep);
    cr_assert_eq(rep.already_loaded, 1);
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT count(*) FROM ncci_ptp"), 8);
}

Test(ncci_ptp, malformed_row_rejects_the_whole_file)
{
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(FIX "ccipra-v313r0-bad.txt", NULL, &rep, &err), RCM_EFORMAT);
    cr_assert_eq(err.line, 7);
    cr_assert_str_eq(err.msg, "field 1 'column 1': '9300': a CPT or HCPCS code has 5 characters");
    cr_assert_eq(count("SELECT count(*) FROM ncci_ptp"), 0);
    cr_assert_eq(count("SELECT count(*) FROM refdata_load"), 0);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, skip_bad_lists_every_line)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    rcm_refdata_report rep;
    ok_import(FIX "ccipra-v313r0-bad.txt", &o, &rep);
    cr_assert_eq(rep.rows, 1);
    cr_assert_eq(rep.nskipped, 6);
    static const long lines[] = { 7, 8, 9, 10, 12, 13 };
    for (size_t i = 0; i < 6; i++)
        cr_assert_eq(rep.skipped[i].line, lines[i], "skip %zu", i);
    cr_assert_not_null(strstr(rep.skipped[1].msg, "field 6 'modifier indicator': '2'"), "%s", rep.skipped[1].msg);
    cr_assert_not_null(strstr(rep.skipped[2].msg, "field 4 'effective date'"), "%s", rep.skipped[2].msg);
    cr_assert_not_null(strstr(rep.skipped[3].msg, "before the effective date"), "%s", rep.skipped[3].msg);
    cr_assert_not_null(strstr(rep.skipped[4].msg, "expected 7 fields"), "%s", rep.skipped[4].msg);
    cr_assert_not_null(strstr(rep.skipped[5].msg, "field 3 'prior to 1996'"), "%s", rep.skipped[5].msg);
    cr_assert_eq(count("SELECT line FROM ncci_ptp"), 11);
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, version_needed_from_name_or_option)
{
    char p[300];
    snprintf(p, sizeof(p), "%s/edits.txt", tmpdir);
    FILE *in = fopen(FIX "ccipra-v313r0-f1.txt", "rb"), *out = fopen(p, "wb");
    cr_assert(in && out);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf), in);
    fwrite(buf, 1, n, out);
    fclose(in);
    fclose(out);
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(p, NULL, &rep, &err), RCM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "no version"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.version = "2026Q2";
    ok_import(p, &o, &rep);
    cr_assert_str_eq(rep.version, "2026Q2");
    cr_assert_eq(rep.eff_from, ymd(2026, 4, 1));
    rcm_refdata_report_release(&rep);
}

Test(ncci_ptp, not_a_ptp_file_without_its_header)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.kind = "ptp";
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(FIX "MUE_Practitioner_2025_Q4.csv", &o, &rep, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "not a PTP file"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
}

/* ---- MUE ---- */

Test(mue_load, practitioner_hospital_dme_from_the_header)
{
    rcm_refdata_report rep;
    ok_import(FIX "MUE_Practitioner_2025_Q4.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "mue");
    cr_assert_str_eq(rep.version, "2025Q4");
    cr_assert_eq(rep.eff_from, ymd(2025, 10, 1));
    cr_assert_eq(rep.rows, 4);
    rcm_refdata_report_release(&rep);
    ok_import(FIX "MUE_OutpatientHospital_2025_Q4.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "mue_hospital");
    rcm_refdata_report_release(&rep);
    ok_import(FIX "MUE_DME_2025_Q4.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "mue_dme");
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT count(*) FROM ncci_mue WHERE code = '99213' AND mue = 1 AND mai = 2 AND line = 3"
                       " AND mai_text = '2 Date of Service Edit: Policy'"), 1);
    cr_assert_eq(count("SELECT mai FROM ncci_mue WHERE code = 'J1100'"), 3);
}

Test(mue_load, bundled_sample)
{
    rcm_refdata_report rep;
    ok_import(BUNDLED "SAMPLE_mue_practitioner.csv.gz", NULL, &rep);
    cr_assert_str_eq(rep.kind, "mue");
    cr_assert_str_eq(rep.version, "sample");
    cr_assert_eq(rep.rows, 15);
    rcm_refdata_report_release(&rep);
}

Test(mue_load, malformed_rows)
{
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(FIX "MUE_Practitioner_2025_Q4_bad.csv", NULL, &rep, &err), RCM_EFORMAT);
    cr_assert_eq(err.line, 3);
    cr_assert_str_eq(err.msg, "field 2 'MUE value': 'one': expected a whole number of units");
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    ok_import(FIX "MUE_Practitioner_2025_Q4_bad.csv", &o, &rep);
    cr_assert_eq(rep.rows, 1);
    cr_assert_eq(rep.nskipped, 3);
    cr_assert_eq(rep.skipped[1].line, 4);
    cr_assert_not_null(strstr(rep.skipped[1].msg, "starting with 1, 2 or 3"), "%s", rep.skipped[1].msg);
    cr_assert_eq(rep.skipped[2].line, 6);
    cr_assert_str_eq(rep.skipped[2].msg, "field 1 'code': '99215' appears twice in the file");
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT mue FROM ncci_mue WHERE code = '99215'"), 1, "the first row stays");
}

/* ---- AOC ---- */

Test(ncci_aoc, columns_by_header)
{
    rcm_refdata_report rep;
    ok_import(FIX "AOC_2025_Q4.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "aoc");
    cr_assert_str_eq(rep.version, "2025Q4");
    cr_assert_eq(rep.rows, 5);
    cr_assert_eq(count("SELECT count(*) FROM ncci_aoc WHERE addon = '22614' AND primary_code IS NULL AND edit_type = 2"),
                 1, "CCCCC: no primary list");
    cr_assert_eq(count("SELECT del_date FROM ncci_aoc WHERE line = 4"), ymd(2020, 1, 1));
    rcm_refdata_report_release(&rep);
}

Test(ncci_aoc, bundled_sample)
{
    rcm_refdata_report rep;
    ok_import(BUNDLED "SAMPLE_aoc.csv.gz", NULL, &rep);
    cr_assert_str_eq(rep.kind, "aoc");
    cr_assert_eq(rep.rows, 10);
    rcm_refdata_report_release(&rep);
}

Test(ncci_aoc, malformed_rows)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(FIX "AOC_2025_Q4_bad.csv", &o, &rep, &err), RCM_EFORMAT, "every row bad: no rows");
    cr_assert_eq(rep.nskipped, 3);
    cr_assert_str_eq(rep.skipped[0].msg, "field 3 'AOC Edit Type': '4': expected 1, 2 or 3");
    cr_assert_str_eq(rep.skipped[1].msg, "field 2 'Primary Code': a type 1 add-on code lists its primary codes");
    cr_assert_eq(rep.skipped[2].line, 4);
    rcm_refdata_report_release(&rep);
}

/* ---- parsers, codes, versions, bypass ---- */

Test(ncci_parse, packed_codes_keep_their_order)
{
    static const char *const codes[] = { "0001F", "0042T", "10021", "99213", "99214", "A4550", "G0439", "J1100" };
    rcm_proc prev = 0;
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
        rcm_proc p;
        cr_assert_eq(rcm_proc_pack(&p, rcm_str_c(codes[i])), 0);
        cr_assert_gt(p, prev, "%s", codes[i]);
        cr_assert_lt(p, 1u << 30);
        char back[6];
        rcm_proc_unpack(back, p);
        cr_assert_str_eq(back, codes[i]);
        prev = p;
    }
    rcm_proc p;
    cr_assert_eq(rcm_proc_pack(&p, rcm_str_c("g0439")), 0, "lower case taken as upper");
    char back[6];
    rcm_proc_unpack(back, p);
    cr_assert_str_eq(back, "G0439");
    cr_assert_eq(rcm_proc_pack(&p, rcm_str_c("9921")), RCM_EFORMAT);
    cr_assert_eq(rcm_proc_pack(&p, rcm_str_c("99-13")), RCM_EFORMAT);
    cr_assert_eq(rcm_proc_pack(&p, rcm_str_c("992130")), RCM_EFORMAT);
    rcm_proc_unpack(back, 0);
    cr_assert_str_eq(back, "");
}

Test(ncci_parse, quarter_from_names_and_labels)
{
    char label[32];
    cr_assert_eq(edits_quarter_of("ccipra-v313r0-f1.txt", label, sizeof(label)), ymd(2025, 10, 1));
    cr_assert_str_eq(label, "v313r0");
    cr_assert_eq(edits_quarter_of("ccioph-v321r0-f4", label, sizeof(label)), ymd(2026, 4, 1));
    cr_assert_eq(edits_quarter_of("v310r1", label, sizeof(label)), ymd(2025, 1, 1));
    cr_assert_str_eq(label, "v310r1");
    cr_assert_eq(edits_quarter_of("MUE_Practitioner_2025_Q3.csv", label, sizeof(label)), ymd(2025, 7, 1));
    cr_assert_str_eq(label, "2025Q3");
    cr_assert_eq(edits_quarter_of("2026Q1", label, sizeof(label)), ymd(2026, 1, 1));
    cr_assert_eq(edits_quarter_of("aoc_q2-2025", label, sizeof(label)), ymd(2025, 4, 1));
    cr_assert_eq(edits_quarter_of("MCR_MUE_PractitionerServices_Eff_07-01-2025.csv", label, sizeof(label)),
                 ymd(2025, 7, 1));
    cr_assert_str_eq(label, "2025Q3");
    cr_assert_eq(edits_quarter_of("x_2025-08-15", label, sizeof(label)), ymd(2025, 8, 15));
    cr_assert_str_eq(label, "2025-08-15");
    cr_assert_eq(edits_quarter_of("SAMPLE_ptp_practitioner.txt", label, sizeof(label)), RCM_DATE_NONE);
    cr_assert_eq(edits_quarter_of("v394r0", NULL, 0), RCM_DATE_NONE, "minor 4 is not a quarter");
    cr_assert_eq(edits_quarter_of("2025_Q5", NULL, 0), RCM_DATE_NONE);
    cr_assert_eq(edits_part_of("ccipra-v313r0-f2.txt"), 2);
    cr_assert_eq(edits_part_of("ccipra-v313r0.txt"), 0);
    char base[32];
    edits_base_version(base, sizeof(base), "v313r0-f2");
    cr_assert_str_eq(base, "v313r0");
    edits_base_version(base, sizeof(base), "2025Q3");
    cr_assert_str_eq(base, "2025Q3");
}

static int split(rcm_str *f, char *buf, const char *line)
{
    snprintf(buf, 512, "%s", line);
    int n = 0;
    char *p = buf;
    for (;;) {
        char *t = strchr(p, '|');
        f[n].p = p;
        f[n].n = t ? (size_t)(t - p) : strlen(p);
        n++;
        if (!t)
            break;
        *t = '\0';
        p = t + 1;
    }
    return n;
}

Test(ncci_parse, ptp_fields)
{
    rcm_str f[8];
    char buf[512], msg[256];
    ptp_rec r;
    int n = split(f, buf, "29881|29880||19970101|*|1|Standards");
    cr_assert_eq(ptp_parse_fields(&r, f, n, msg, sizeof(msg)), 0, "%s", msg);
    char c[6];
    rcm_proc_unpack(c, r.col2);
    cr_assert_str_eq(c, "29880");
    cr_assert_eq(r.eff, ymd(1997, 1, 1));
    cr_assert_eq(r.del, RCM_DATE_NONE);
    cr_assert_eq(r.modifier, 1);
    cr_assert_eq(r.pre1996, 0);
    n = split(f, buf, "36415|36416|*|20100101|20180630|9");
    cr_assert_eq(ptp_parse_fields(&r, f, n, msg, sizeof(msg)), 0, "rationale optional: %s", msg);
    cr_assert_eq(r.del, ymd(2018, 6, 30));
    cr_assert_eq(r.pre1996, 1);
    n = split(f, buf, "36415|3641A||20100101|*|1");
    cr_assert_eq(ptp_parse_fields(&r, f, n, msg, sizeof(msg)), RCM_EFORMAT);
    cr_assert_str_eq(msg, "field 2 'column 2': '3641A': not a CPT or HCPCS code");
    n = split(f, buf, "Column 1|Column 2|*=in existence prior to 1996|Effective Date|Deletion Date|Modifier|R");
    cr_assert(ptp_is_header(f, n));
}

Test(ncci_parse, mue_fields)
{
    rcm_str f[8];
    char buf[512], msg[256];
    mue_rec r;
    int n = split(f, buf, "J1100|60|3 Date of Service Edit: Clinical|Prescribing Information");
    cr_assert_eq(mue_parse_fields(&r, f, n, msg, sizeof(msg)), 0, "%s", msg);
    cr_assert_eq(r.value, 60);
    cr_assert_eq(r.mai, 3);
    n = split(f, buf, "J1100|60|3|x");
    cr_assert_eq(mue_parse_fields(&r, f, n, msg, sizeof(msg)), 0, "a bare digit is an indicator");
    n = split(f, buf, "J1100|-1|3 x");
    cr_assert_eq(mue_parse_fields(&r, f, n, msg, sizeof(msg)), RCM_EFORMAT);
    n = split(f, buf, "J1100|1|12 x");
    cr_assert_eq(mue_parse_fields(&r, f, n, msg, sizeof(msg)), RCM_EFORMAT);
}

Test(ncci_parse, bypass_modifiers)
{
    static const char *const yes[] = { "59", "XE", "XS", "XP", "XU", "25", "LT", "RT", "F5", "T9", "91", "xu", " 59" };
    static const char *const no[] = { "26", "TC", "GA", "50", "51", "76", "", "5", "59X" };
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
        cr_assert_eq(rcm_ncci_modifier_bypasses(rcm_str_c(yes[i]), NULL), 1, "%s", yes[i]);
    for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
        cr_assert_eq(rcm_ncci_modifier_bypasses(rcm_str_c(no[i]), NULL), 0, "%s", no[i]);
    cr_assert_eq(rcm_ncci_modifier_bypasses(rcm_str_c("59"), "XE, XS"), 0, "a payer's own list");
    cr_assert_eq(rcm_ncci_modifier_bypasses(rcm_str_c("XS"), "XE, XS"), 1);
}

Test(ncci_parse, tables_by_name)
{
    int t;
    cr_assert_eq(rcm_ncci_table_parse(&t, "hospital"), 0);
    cr_assert_eq(t, RCM_NCCI_HOSPITAL);
    cr_assert_eq(rcm_ncci_table_parse(&t, "Practitioner"), 0);
    cr_assert_eq(t, RCM_NCCI_PRACTITIONER);
    cr_assert_eq(rcm_ncci_table_parse(&t, "dme"), 0);
    cr_assert_eq(t, RCM_NCCI_DME);
    cr_assert_eq(rcm_ncci_table_parse(&t, "asc"), RCM_EINVAL);
    cr_assert_str_eq(rcm_ncci_table_name(RCM_NCCI_HOSPITAL), "hospital");
    cr_assert_null(rcm_ncci_table_name(7));
}
