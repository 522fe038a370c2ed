/*
 * refdata import framework and loaders: fixed-width and TSV ICD-10-CM,
 * HCPCS with continuation rows, CPT, lists, MCE; gzip and zip read
 * transparently; the same file twice is a no-op; a malformed row rejects the
 * whole file (nothing stored) unless skip_bad, which lists every skipped
 * line; a later file of the same kind and version replaces the earlier one.
 * Fixtures: tests/data/refdata (the tests run from the repository root).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zip.h>
#include <zlib.h>
#include "rcm/refdata.h"
#include "../../lib/store/store_internal.h"

#define FIX "tests/data/refdata/"

static char tmpdir[256];
static rcm_store *st;

static void setup(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-refdata-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    char p[300];
    snprintf(p, sizeof(p), "%s/r.db", tmpdir);
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

TestSuite(refdata_import, .init = setup, .fini = teardown);

static long count(const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static int import(const char *path, const rcm_refdata_opts *o, rcm_refdata_report *rep, rcm_error *err)
{
    rcm_refdata_opts d;
    if (!o) {
        rcm_refdata_opts_init(&d);
        d.now = 1700000000;
        o = &d;
    }
    return rcm_refdata_import(st, path, o, rep, err);
}

static void ok_import(const char *path, const rcm_refdata_opts *o, rcm_refdata_report *rep)
{
    rcm_error err = { 0 };
    int rc = import(path, o, rep, &err);
    cr_assert_eq(rc, 0, "%s: %s:%ld: %s", path, err.source ? err.source : "", err.line, err.msg);
}

/* Writes a copy of a file into tmpdir under name, gzip-compressed when gz. */
static void copy_to(char *out, size_t outsz, const char *src, const char *name, int gz)
{
    snprintf(out, outsz, "%s/%s", tmpdir, name);
    FILE *in = fopen(src, "rb");
    cr_assert_not_null(in, "%s", src);
    char buf[65536];
    size_t n = fread(buf, 1, sizeof(buf), in);
    fclose(in);
    if (gz) {
        gzFile g = gzopen(out, "wb9");
        cr_assert_not_null(g);
        cr_assert_eq(gzwrite(g, buf, (unsigned)n), (int)n);
        gzclose(g);
    } else {
        FILE *f = fopen(out, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(buf, 1, n, f), n);
        fclose(f);
    }
}

static void write_file(char *out, size_t outsz, const char *name, const char *text)
{
    snprintf(out, outsz, "%s/%s", tmpdir, name);
    FILE *f = fopen(out, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
}

Test(refdata_import, icd10cm_fixed_width)
{
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_2022.txt", NULL, &rep);
    cr_assert_str_eq(rep.kind, "icd10cm");
    cr_assert_str_eq(rep.version, "2022");
    cr_assert_str_eq(rep.source, "icd10cm_order_2022.txt");
    cr_assert_eq(rep.rows, 7);
    cr_assert_eq(rep.load_id, 1);
    cr_assert_eq(rep.already_loaded, 0);
    cr_assert_eq(rep.eff_from, rcm_date_from_ymd(2021, 10, 1));
    cr_assert_eq(rep.eff_to, rcm_date_from_ymd(2022, 9, 30));
    cr_assert_eq(strlen(rep.sha256), 64);
    cr_assert_eq(count("SELECT count(*) FROM ref_code WHERE billable = 0"), 3);
    cr_assert_eq(count("SELECT count(*) FROM ref_code WHERE code = 'E11621' AND short_desc ="
                       " 'Type 2 diabetes mellitus with foot ulcer'"), 1);
    cr_assert_eq(count("SELECT loaded_at FROM refdata_load"), 1700000000);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, same_file_twice_is_a_noop)
{
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_2022.txt", NULL, &rep);
    char sha[65];
    memcpy(sha, rep.sha256, sizeof(sha));
    rcm_refdata_report_release(&rep);
    ok_import(FIX "icd10cm_order_2022.txt", NULL, &rep);
    cr_assert_eq(rep.already_loaded, 1);
    cr_assert_eq(rep.load_id, 1);
    cr_assert_str_eq(rep.sha256, sha);
    cr_assert_str_eq(rep.version, "2022");
    cr_assert_eq(count("SELECT count(*) FROM refdata_load"), 1);
    cr_assert_eq(count("SELECT count(*) FROM ref_code"), 7);
    rcm_refdata_report_release(&rep);
    /* the same content gzip-compressed is the same file: the checksum is of the content */
    char gz[300];
    copy_to(gz, sizeof(gz), FIX "icd10cm_order_2022.txt", "icd10cm_order_2022.txt.gz", 1);
    ok_import(gz, NULL, &rep);
    cr_assert_eq(rep.already_loaded, 1);
    cr_assert_str_eq(rep.sha256, sha);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, gzip_read_transparently)
{
    char gz[300];
    copy_to(gz, sizeof(gz), FIX "icd10cm_order_2021.txt", "icd10cm_order_2021.txt.gz", 1);
    rcm_refdata_report rep;
    ok_import(gz, NULL, &rep);
    cr_assert_str_eq(rep.kind, "icd10cm");
    cr_assert_str_eq(rep.version, "2021");
    cr_assert_str_eq(rep.source, "icd10cm_order_2021.txt");
    cr_assert_eq(rep.rows, 5);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, zip_with_one_data_file)
{
    char zp[300];
    snprintf(zp, sizeof(zp), "%s/download.zip", tmpdir);
    int ze = 0;
    zip_t *z = zip_open(zp, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    cr_assert_not_null(z);
    zip_source_t *s1 = zip_source_file(z, FIX "icd10cm_order_2021.txt", 0, -1);
    zip_source_t *s2 = zip_source_buffer(z, "read me", 7, 0);
    cr_assert(zip_file_add(z, "icd10cm_order_2021.txt", s1, 0) >= 0);
    cr_assert(zip_file_add(z, "README.pdf", s2, 0) >= 0);
    cr_assert_eq(zip_close(z), 0);
    rcm_refdata_report rep;
    ok_import(zp, NULL, &rep);
    cr_assert_str_eq(rep.kind, "icd10cm");
    cr_assert_str_eq(rep.version, "2021", "version from the member's name");
    cr_assert_eq(rep.rows, 5);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, zip_with_several_data_files_refused)
{
    char zp[300];
    snprintf(zp, sizeof(zp), "%s/two.zip", tmpdir);
    int ze = 0;
    zip_t *z = zip_open(zp, ZIP_CREATE | ZIP_TRUNCATE, &ze);
    cr_assert_not_null(z);
    cr_assert(zip_file_add(z, "a_2021.txt", zip_source_file(z, FIX "icd10cm_order_2021.txt", 0, -1), 0) >= 0);
    cr_assert(zip_file_add(z, "b_2022.txt", zip_source_file(z, FIX "icd10cm_order_2022.txt", 0, -1), 0) >= 0);
    cr_assert_eq(zip_close(z), 0);
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(st, zp, NULL, NULL, &err), RCM_EFORMAT, "opts and report may be NULL");
    cr_assert_not_null(strstr(err.msg, "2 data files"), "%s", err.msg);
    cr_assert_eq(rcm_refdata_import(st, FIX "icd10cm_order_2021.txt", NULL, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(count("SELECT count(*) FROM refdata_load"), 1);
}

Test(refdata_import, malformed_row_rejects_whole_file)
{
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    int rc = import(FIX "icd10cm_order_2022_bad.txt", NULL, &rep, &err);
    cr_assert_eq(rc, RCM_EFORMAT);
    cr_assert_str_eq(err.source, FIX "icd10cm_order_2022_bad.txt");
    cr_assert_eq(err.line, 3);
    cr_assert_not_null(strstr(err.msg, "billable"), "%s", err.msg);
    cr_assert_eq(rep.load_id, 0);
    cr_assert_eq(count("SELECT count(*) FROM refdata_load"), 0, "nothing half-written");
    cr_assert_eq(count("SELECT count(*) FROM ref_code"), 0);
    cr_assert_eq(count("SELECT count(*) FROM ref_code_fts WHERE ref_code_fts MATCH 'cholera'"), 0);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, skip_bad_lists_every_line)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_2022_bad.txt", &o, &rep);
    cr_assert_eq(rep.rows, 5);
    cr_assert_eq(rep.nskipped, 2);
    cr_assert_eq(rep.skipped[0].line, 3);
    cr_assert_not_null(strstr(rep.skipped[0].msg, "billable"));
    cr_assert_eq(rep.skipped[1].line, 5);
    cr_assert_not_null(strstr(rep.skipped[1].msg, "'11621'"), "%s", rep.skipped[1].msg);
    cr_assert_eq(count("SELECT skipped FROM refdata_load"), 2);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, icd10cm_tsv_derivative)
{
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_fy2023.tsv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "icd10cm");
    cr_assert_str_eq(rep.version, "2023");
    cr_assert_eq(rep.rows, 7);
    cr_assert_eq(rep.eff_from, rcm_date_from_ymd(2022, 10, 1));
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, icd10cm_april_update_and_explicit_range)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.version = "2022-04";
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_2022.txt", &o, &rep);
    cr_assert_eq(rep.eff_from, rcm_date_from_ymd(2022, 4, 1));
    cr_assert_eq(rep.eff_to, rcm_date_from_ymd(2022, 9, 30));
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts_init(&o);
    o.version = "2021";
    o.eff_from = rcm_date_from_ymd(2020, 10, 1);
    o.eff_to = rcm_date_from_ymd(2021, 3, 31);
    ok_import(FIX "icd10cm_order_2021.txt", &o, &rep);
    cr_assert_eq(rep.eff_to, rcm_date_from_ymd(2021, 3, 31));
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, hcpcs_continuations_and_modifiers)
{
    rcm_refdata_report rep;
    ok_import(FIX "hcpcs_2023.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "hcpcs");
    cr_assert_str_eq(rep.version, "2023");
    cr_assert_eq(rep.rows, 5);
    cr_assert_eq(rep.eff_from, rcm_date_from_ymd(2023, 1, 1));
    cr_assert_eq(rep.eff_to, rcm_date_from_ymd(2023, 12, 31));
    cr_assert_eq(count("SELECT count(*) FROM ref_code WHERE code_set = 'hcpcs_mod'"), 2);
    cr_assert_eq(count("SELECT count(*) FROM ref_code WHERE code = 'G0503' AND descr LIKE"
                       " '%required elements: tracking patient follow-up%'"), 1);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, hcpcs_bad_rows_located)
{
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(FIX "hcpcs_2023_bad.csv", NULL, &rep, &err), RCM_EFORMAT);
    cr_assert_eq(err.line, 3);
    cr_assert_not_null(strstr(err.msg, "'A420'"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    ok_import(FIX "hcpcs_2023_bad.csv", &o, &rep);
    cr_assert_eq(rep.rows, 1);
    cr_assert_eq(rep.nskipped, 4);
    long want[] = { 3, 4, 5, 6 };
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(rep.skipped[i].line, want[i], "skip %zu: line %ld", i, rep.skipped[i].line);
    cr_assert_not_null(strstr(rep.skipped[1].msg, "continuation"));
    cr_assert_not_null(strstr(rep.skipped[2].msg, "recid"));
    cr_assert_not_null(strstr(rep.skipped[3].msg, "quoted"));
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, cpt_needs_a_version)
{
    rcm_refdata_report rep;
    ok_import(FIX "cpt_2025.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "cpt");
    cr_assert_eq(rep.rows, 3);
    cr_assert_eq(count("SELECT count(*) FROM ref_code WHERE code = '0001F' AND descr ="
                       " 'test descriptor, category II'"), 1);
    rcm_refdata_report_release(&rep);
    char p[300];
    write_file(p, sizeof(p), "mycodes.csv", "99214,test descriptor four\n");
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.kind = "cpt";
    rcm_error err = { 0 };
    cr_assert_eq(import(p, &o, &rep, &err), RCM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "version"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
    o.version = "2024";
    ok_import(p, &o, &rep);
    cr_assert_eq(rep.rows, 1);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, lists_with_dates)
{
    rcm_refdata_report rep;
    ok_import(FIX "carc_2024-11.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "carc");
    cr_assert_str_eq(rep.version, "2024-11");
    cr_assert_eq(rep.eff_from, RCM_DATE_NONE);
    cr_assert_eq(rep.eff_to, RCM_DATE_NONE);
    cr_assert_eq(count("SELECT valid_to FROM ref_code WHERE code = 'D1'"), rcm_date_from_ymd(2008, 1, 1));
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.version = "2022";
    ok_import(FIX "place_of_service_test.csv", &o, &rep);
    cr_assert_str_eq(rep.kind, "pos");
    cr_assert_eq(rep.rows, 2);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, mce_edits_and_ages)
{
    rcm_refdata_report rep;
    ok_import(FIX "mce_test_2022.csv", NULL, &rep);
    cr_assert_str_eq(rep.kind, "mce");
    cr_assert_eq(rep.rows, 3);
    cr_assert_eq(count("SELECT count(*) FROM mce_edit WHERE code = 'P0730' AND category = 'newborn'"), 1);
    cr_assert_eq(count("SELECT age_min FROM mce_age WHERE category = 'maternity'"), 9);
    rcm_refdata_report_release(&rep);
    char p[300];
    write_file(p, sizeof(p), "mce_ages_v31.csv", "category,age_min,age_max\nmaternity,12,55\nadult,15,124\n");
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.version = "2014";
    ok_import(p, &o, &rep);
    cr_assert_str_eq(rep.kind, "mce_ages");
    cr_assert_eq(rep.rows, 2);
    rcm_refdata_report_release(&rep);
    write_file(p, sizeof(p), "mce_ages_bad.csv", "category,age_min,age_max\nmaternity,55,12\n");
    rcm_error err = { 0 };
    cr_assert_eq(import(p, &o, &rep, &err), RCM_EFORMAT);
    cr_assert_eq(err.line, 2);
    cr_assert_not_null(strstr(err.msg, "age_max"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, same_version_replaces_earlier_load)
{
    rcm_refdata_report rep;
    ok_import(FIX "icd10cm_order_2021.txt", NULL, &rep);
    rcm_refdata_report_release(&rep);
    /* a corrected FY2021 file: one more code */
    char p[300];
    FILE *in = fopen(FIX "icd10cm_order_2021.txt", "rb");
    char buf[4096];
    size_t n = fread(buf, 1, sizeof(buf) - 1, in);
    fclose(in);
    buf[n] = '\0';
    snprintf(p, sizeof(p), "%s/icd10cm_order_2021.txt", tmpdir);
    FILE *f = fopen(p, "wb");
    fputs(buf, f);
    fputs("00006 Z0000   1 Encounter (test)                                             Encounter for"
          " general adult medical examination without abnormal findings (test)\r\n", f);
    fclose(f);
    ok_import(p, NULL, &rep);
    cr_assert_eq(rep.replaced, 1);
    cr_assert_eq(rep.load_id, 2);
    cr_assert_eq(rep.rows, 6);
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT replaced_by FROM refdata_load WHERE load_id = 1"), 2);
    cr_assert_eq(count("SELECT count(*) FROM ref_code"), 6, "the replaced load's rows are gone");
    cr_assert_eq(count("SELECT count(*) FROM ref_code_fts WHERE ref_code_fts MATCH 'cholera'"), 2);
    rcm_refdata_load *v = NULL;
    size_t nl = 0;
    cr_assert_eq(rcm_refdata_loads(&v, &nl, st, NULL), 0);
    cr_assert_eq(nl, 2);
    cr_assert_eq(v[0].replaced_by, 2);
    cr_assert_eq(v[1].rows, 6);
    free(v);
}

Test(refdata_import, unknown_layout_and_kind)
{
    char p[300];
    write_file(p, sizeof(p), "notes.txt", "hello\nworld\n");
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(p, NULL, &rep, &err), RCM_EINVAL);
    cr_assert_not_null(strstr(err.msg, "--kind"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.kind = "nosuch";
    cr_assert_eq(import(p, &o, &rep, &err), RCM_EINVAL);
    rcm_refdata_report_release(&rep);
    cr_assert_eq(import("tests/data/refdata/no-such-file.txt", NULL, &rep, &err), RCM_ENOTFOUND);
    rcm_refdata_report_release(&rep);
    write_file(p, sizeof(p), "empty_2022.txt", "");
    o.kind = "icd10cm";
    cr_assert_eq(import(p, &o, &rep, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "no rows"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
    cr_assert_eq(count("SELECT count(*) FROM refdata_load"), 0);
}

Test(refdata_import, truncated_gzip)
{
    char gz[300];
    copy_to(gz, sizeof(gz), FIX "icd10cm_order_2022.txt", "cut_2022.txt.gz", 1);
    FILE *f = fopen(gz, "r+b");
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fclose(f);
    cr_assert_eq(truncate(gz, n / 2), 0);
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(import(gz, NULL, &rep, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "gzip"), "%s", err.msg);
    rcm_refdata_report_release(&rep);
}

Test(refdata_import, kinds_are_listed)
{
    const char *desc = NULL, *name;
    int icd = 0, n = 0;
    for (size_t i = 0; (name = rcm_refdata_kind_name(i, &desc)); i++, n++) {
        cr_assert_not_null(desc);
        icd |= strcmp(name, "icd10cm") == 0;
    }
    cr_assert(icd);
    cr_assert_geq(n, 11);
}
