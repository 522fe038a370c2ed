/*
 * The compiled edit index: PTP semantics (order of the pair, dates,
 * deletion, indicator 9, several rows of one pair, parts of one version,
 * versions by date of service, practitioner vs hospital), MUE by table and
 * version, add-on code checks; the file: rebuilt when stale, missing,
 * truncated or corrupt files refused (never a crash), every byte of a small
 * index flipped, lookups from several threads.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rcm/edits.h"
#include "rcm/refdata.h"

#define FIX "tests/data/edits/"

static char tmpdir[256], dbpath[300], idxpath[320];
static rcm_store *st;
static rcm_edits *idx;

static void import_fix(const char *name)
{
    char p[300];
    snprintf(p, sizeof(p), FIX "%s", name);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.now = 1700000000;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(st, p, &o, NULL, &err), 0, "%s: %ld: %s", name, err.line, err.msg);
}

static void open_store(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-refidx-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
    snprintf(dbpath, sizeof(dbpath), "%s/i.db", tmpdir);
    snprintf(idxpath, sizeof(idxpath), "%s" RCM_EDITS_SUFFIX, dbpath);
    cr_assert_eq(rcm_store_open(&st, dbpath, RCM_STORE_CREATE, NULL), 0);
}

static void setup(void)
{
    open_store();
    static const char *const files[] = {
        "ccipra-v313r0-f1.txt", "ccipra-v313r0-f2.txt", "ccipra-v320r0-f1.txt", "ccioph-v313r0-f1.csv",
        "MUE_Practitioner_2025_Q4.csv", "MUE_Practitioner_2026_Q1.csv", "MUE_OutpatientHospital_2025_Q4.csv",
        "MUE_DME_2025_Q4.csv", "AOC_2025_Q4.csv",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        import_fix(files[i]);
    rcm_error err = { 0 };
    int rebuilt = 0;
    cr_assert_eq(rcm_edits_open_store(&idx, st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 1);
}

static void teardown(void)
{
    rcm_edits_close(idx);
    idx = NULL;
    rcm_store_close(st);
    st = NULL;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

TestSuite(refidx_ptp, .init = setup, .fini = teardown);
TestSuite(refidx_mue, .init = setup, .fini = teardown);
TestSuite(refidx_aoc, .init = setup, .fini = teardown);
TestSuite(refidx_file, .init = setup, .fini = teardown);
TestSuite(refidx_empty, .init = open_store, .fini = teardown);

static rcm_proc P(const char *code)
{
    rcm_proc p;
    cr_assert_eq(rcm_proc_pack(&p, rcm_str_c(code)), 0, "%s", code);
    return p;
}

static rcm_date D(int y, int m, int d) { return rcm_date_from_ymd(y, m, d); }

#define PRAC RCM_NCCI_PRACTITIONER
#define HOSP RCM_NCCI_HOSPITAL

/* ---- PTP ---- */

Test(refidx_ptp, indicator_0_in_force_with_its_row)
{
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), PRAC, &r), 1);
    cr_assert_eq(r.modifier, 0);
    cr_assert_eq(r.pre1996, 1);
    cr_assert_eq(r.eff, D(1996, 1, 1));
    cr_assert_eq(r.del, RCM_DATE_NONE);
    cr_assert_eq(r.line, 7);
    cr_assert_str_eq(r.source, "ccipra-v313r0-f1.txt");
    cr_assert_str_eq(r.version, "v313r0");
    cr_assert_eq(r.table, PRAC);
    cr_assert_gt(r.load_id, 0);
    char c1[6], c2[6];
    rcm_proc_unpack(c1, r.col1);
    rcm_proc_unpack(c2, r.col2);
    cr_assert_str_eq(c1, "93000");
    cr_assert_str_eq(c2, "93005");
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), PRAC, NULL), 1, "out may be NULL");
}

Test(refidx_ptp, the_pair_has_an_order)
{
    cr_assert_eq(rcm_ptp_find(idx, P("93005"), P("93000"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_rows(idx, P("93005"), P("93000"), D(2025, 11, 3), PRAC, NULL, 0), 0);
}

Test(refidx_ptp, deleted_edit_does_not_apply)
{
    /* 97140/97530: effective and deleted 2020-01-01 */
    cr_assert_eq(rcm_ptp_find(idx, P("97140"), P("97530"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("97140"), P("97530"), D(2020, 1, 1), PRAC, NULL), 0, "not on the deletion date");
    cr_assert_eq(rcm_ptp_find(idx, P("97140"), P("97530"), D(2019, 12, 31), PRAC, NULL), 0, "not before it started");
    rcm_ptp_row r[4];
    cr_assert_eq(rcm_ptp_rows(idx, P("97140"), P("97530"), D(2025, 11, 3), PRAC, r, 4), 1, "the row is still there");
    cr_assert_eq(r[0].del, D(2020, 1, 1));
    cr_assert_eq(rcm_ptp_in_force(&r[0], D(2025, 11, 3)), 0);
}

Test(refidx_ptp, indicator_9_is_not_an_edit)
{
    cr_assert_eq(rcm_ptp_find(idx, P("36415"), P("36416"), D(2015, 6, 1), PRAC, NULL), 0, "even inside its dates");
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_rows(idx, P("36415"), P("36416"), D(2015, 6, 1), PRAC, &r, 1), 1);
    cr_assert_eq(r.modifier, 9);
}

Test(refidx_ptp, deletion_date_is_exclusive)
{
    /* 11042/97597: indicator 1 from 2011-01-01, deleted 2025-04-01; re-added with 0 from 2025-07-01 */
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_find(idx, P("11042"), P("97597"), D(2025, 3, 31), PRAC, &r), 1);
    cr_assert_eq(r.modifier, 1);
    cr_assert_eq(r.line, 11);
    cr_assert_eq(rcm_ptp_find(idx, P("11042"), P("97597"), D(2025, 4, 1), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("11042"), P("97597"), D(2025, 6, 30), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("11042"), P("97597"), D(2025, 7, 1), PRAC, &r), 1);
    cr_assert_eq(r.modifier, 0);
    cr_assert_eq(r.line, 12);
    rcm_ptp_row all[4];
    cr_assert_eq(rcm_ptp_rows(idx, P("11042"), P("97597"), D(2025, 11, 3), PRAC, all, 4), 2);
    cr_assert_eq(all[0].line, 11, "by effective date");
    cr_assert_eq(all[1].line, 12);
}

Test(refidx_ptp, not_yet_effective)
{
    cr_assert_eq(rcm_ptp_find(idx, P("99214"), P("99213"), D(2025, 12, 31), PRAC, NULL), 0);
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_rows(idx, P("99214"), P("99213"), D(2025, 12, 31), PRAC, &r, 1), 1);
    cr_assert_eq(r.eff, D(2026, 1, 1));
}

Test(refidx_ptp, parts_of_one_version_together)
{
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_find(idx, P("20611"), P("20610"), D(2025, 11, 3), PRAC, &r), 1);
    cr_assert_str_eq(r.source, "ccipra-v313r0-f2.txt");
    cr_assert_eq(r.line, 8);
    cr_assert_str_eq(r.version, "v313r0");
}

Test(refidx_ptp, version_in_force_on_the_date_of_service)
{
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_find(idx, P("29881"), P("29880"), D(2025, 12, 31), PRAC, &r), 1);
    cr_assert_eq(r.modifier, 1);
    cr_assert_str_eq(r.version, "v313r0");
    cr_assert_eq(rcm_ptp_find(idx, P("29881"), P("29880"), D(2026, 1, 1), PRAC, &r), 1);
    cr_assert_eq(r.modifier, 0, "changed in 2026 Q1");
    cr_assert_str_eq(r.version, "v320r0");
    cr_assert_eq(rcm_ptp_find(idx, P("96372"), P("99211"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("96372"), P("99211"), D(2026, 2, 1), PRAC, NULL), 1);
    /* before every version: the earliest, whose rows carry their own dates */
    cr_assert_eq(rcm_ptp_find(idx, P("29881"), P("29880"), D(2019, 5, 1), PRAC, &r), 1);
    cr_assert_str_eq(r.version, "v313r0");
    /* no date: the latest version */
    cr_assert_eq(rcm_ptp_find(idx, P("29881"), P("29880"), RCM_DATE_NONE, PRAC, &r), 1);
    cr_assert_str_eq(r.version, "v320r0");
    /* 20611/20610 is only in the 2025 parts */
    cr_assert_eq(rcm_ptp_find(idx, P("20611"), P("20610"), D(2026, 2, 1), PRAC, NULL), 0);
}

Test(refidx_ptp, practitioner_and_hospital_tables)
{
    rcm_ptp_row r;
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), HOSP, &r), 1);
    cr_assert_eq(r.modifier, 1);
    cr_assert_eq(r.table, HOSP);
    cr_assert_str_eq(r.source, "ccioph-v313r0-f1.csv");
    cr_assert_eq(rcm_ptp_find(idx, P("20611"), P("20610"), D(2025, 11, 3), HOSP, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), RCM_NCCI_DME, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), 17, NULL), 0, "no such table");
}

Test(refidx_ptp, unknown_pairs)
{
    cr_assert_eq(rcm_ptp_find(idx, P("99213"), P("99214"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("ZZZZZ"), P("00000"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_ptp_find(idx, 0, 0, D(2025, 11, 3), PRAC, NULL), 0);
}

/* ---- MUE ---- */

Test(refidx_mue, by_table_and_version)
{
    rcm_mue_row m;
    cr_assert_eq(rcm_mue_find(idx, P("99213"), D(2025, 11, 3), PRAC, &m), 1);
    cr_assert_eq(m.value, 1);
    cr_assert_eq(m.mai, 2);
    cr_assert_eq(m.line, 3);
    cr_assert_str_eq(m.version, "2025Q4");
    cr_assert_str_eq(m.source, "MUE_Practitioner_2025_Q4.csv");
    cr_assert_eq(rcm_mue_find(idx, P("99213"), D(2026, 1, 15), PRAC, &m), 1);
    cr_assert_eq(m.value, 2);
    cr_assert_str_eq(m.version, "2026Q1");
    cr_assert_eq(rcm_mue_find(idx, P("J1100"), D(2026, 1, 15), PRAC, NULL), 0, "MUEs carry no dates: the 2026 file has none");
    cr_assert_eq(rcm_mue_find(idx, P("20610"), D(2025, 11, 3), PRAC, &m), 1);
    cr_assert_eq(m.mai, 1);
    cr_assert_eq(rcm_mue_find(idx, P("20610"), D(2025, 11, 3), HOSP, &m), 1);
    cr_assert_eq(m.value, 3);
    cr_assert_eq(m.table, HOSP);
    cr_assert_eq(rcm_mue_find(idx, P("E0100"), D(2025, 11, 3), RCM_NCCI_DME, &m), 1);
    cr_assert_eq(rcm_mue_find(idx, P("E0100"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_mue_find(idx, P("99215"), D(2025, 11, 3), PRAC, NULL), 0);
}

/* ---- AOC ---- */

Test(refidx_aoc, primary_present_missing_or_contractor)
{
    rcm_proc with_primary[] = { P("64483"), P("64484") };
    rcm_aoc_row r;
    cr_assert_eq(rcm_aoc_check(idx, P("64484"), with_primary, 2, D(2025, 11, 3), &r), RCM_AOC_PRIMARY);
    char p[6];
    rcm_proc_unpack(p, r.primary);
    cr_assert_str_eq(p, "64483");
    cr_assert_eq(r.type, 1);
    cr_assert_eq(r.line, 3);
    rcm_proc deleted_primary[] = { P("64480"), P("64484") };
    cr_assert_eq(rcm_aoc_check(idx, P("64484"), deleted_primary, 2, D(2025, 11, 3), &r), RCM_AOC_MISSING,
                 "64480 stopped being a primary in 2020");
    cr_assert_eq(rcm_aoc_check(idx, P("64484"), deleted_primary, 2, D(2019, 11, 3), NULL), RCM_AOC_PRIMARY);
    rcm_proc alone[] = { P("11045") };
    cr_assert_eq(rcm_aoc_check(idx, P("11045"), alone, 1, D(2025, 11, 3), NULL), RCM_AOC_MISSING);
    cr_assert_eq(rcm_aoc_check(idx, P("22614"), NULL, 0, D(2025, 11, 3), &r), RCM_AOC_CONTRACTOR, "type 2");
    cr_assert_eq(r.primary, 0);
    cr_assert_eq(rcm_aoc_check(idx, P("36227"), NULL, 0, D(2025, 11, 3), NULL), RCM_AOC_CONTRACTOR, "type 3");
    cr_assert_eq(rcm_aoc_check(idx, P("99213"), alone, 1, D(2025, 11, 3), NULL), RCM_AOC_NOT_ADDON);
    cr_assert_eq(rcm_aoc_check(idx, P("11045"), alone, 1, D(2012, 1, 1), NULL), RCM_AOC_NOT_ADDON,
                 "before its edit started");
}

Test(refidx_aoc, primaries_in_force)
{
    rcm_aoc_row r[4];
    cr_assert_eq(rcm_aoc_primaries(idx, P("64484"), D(2025, 11, 3), r, 4), 1);
    cr_assert_eq(rcm_aoc_primaries(idx, P("64484"), D(2019, 11, 3), r, 4), 2);
    cr_assert_eq(rcm_aoc_primaries(idx, P("64484"), D(2019, 11, 3), r, 1), 2, "the count even past max");
    cr_assert_eq(rcm_aoc_primaries(idx, P("99213"), D(2019, 11, 3), r, 4), 0);
}

/* ---- the file ---- */

Test(refidx_file, tables_listed)
{
    rcm_edits_table t[16];
    size_t n = rcm_edits_tables(idx, t, 16);
    cr_assert_eq(n, 8, "ptp practitioner x2, ptp hospital, mue practitioner x2, mue hospital, mue dme, aoc");
    int ptp_prac = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(t[i].kind, "ptp") == 0 && t[i].table == PRAC) {
            if (ptp_prac++ == 0) {
                cr_assert_str_eq(t[i].version, "v313r0");
                cr_assert_eq(t[i].files, 2);
                cr_assert_eq(t[i].rows, 10);
                cr_assert_eq(t[i].eff_from, D(2025, 10, 1));
                cr_assert_eq(t[i].eff_to, D(2025, 12, 31));
            } else {
                cr_assert_str_eq(t[i].version, "v320r0");
                cr_assert_eq(t[i].eff_to, RCM_DATE_NONE);
            }
        }
    cr_assert_eq(ptp_prac, 2);
    cr_assert_eq(rcm_edits_verify(idx, NULL), 0);
}

Test(refidx_file, rebuilt_only_when_the_store_changes)
{
    rcm_error err = { 0 };
    int rebuilt = -1;
    rcm_edits *e = NULL;
    cr_assert_eq(rcm_edits_open_store(&e, st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 0);
    cr_assert_eq(rcm_edits_fingerprint(e), rcm_edits_fingerprint(idx));
    rcm_edits_close(e);
    cr_assert_eq(rcm_edits_refresh(st, &rebuilt, &err), 0);
    cr_assert_eq(rebuilt, 0);
    import_fix("AOC_2025_Q4.csv"); /* loaded before: nothing changes */
    cr_assert_eq(rcm_edits_refresh(st, &rebuilt, &err), 0);
    cr_assert_eq(rebuilt, 0);
    /* a corrected 2025 Q4 MUE file replaces the first one (same kind and version) */
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.skip_bad = 1;
    rcm_refdata_report rep;
    cr_assert_eq(rcm_refdata_import(st, FIX "MUE_Practitioner_2025_Q4_bad.csv", &o, &rep, &err), 0, "%s", err.msg);
    cr_assert_gt(rep.replaced, 0);
    rcm_refdata_report_release(&rep);
    cr_assert_eq(rcm_edits_refresh(st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 1);
    cr_assert_eq(rcm_edits_open_store(&e, st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 0);
    cr_assert_neq(rcm_edits_fingerprint(e), rcm_edits_fingerprint(idx));
    cr_assert_eq(rcm_mue_find(e, P("99215"), D(2025, 11, 3), PRAC, NULL), 1);
    cr_assert_eq(rcm_mue_find(e, P("99213"), D(2025, 11, 3), PRAC, NULL), 0, "its 99213 row was bad");
    /* the old mapping still answers: the new file was renamed over it */
    cr_assert_eq(rcm_mue_find(idx, P("99213"), D(2025, 11, 3), PRAC, NULL), 1);
    rcm_edits_close(e);
}

Test(refidx_file, missing_file)
{
    rcm_edits *e = NULL;
    rcm_error err = { 0 };
    char p[400];
    snprintf(p, sizeof(p), "%s/none.refidx", tmpdir);
    cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_ENOTFOUND);
    cr_assert_null(e);
}

static size_t read_whole(const char *path, unsigned char **out)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    *out = malloc((size_t)n);
    cr_assert_eq(fread(*out, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return (size_t)n;
}

static void write_whole(const char *path, const unsigned char *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* Every lookup of the fixtures, on whatever the index says: must not crash. */
static void exercise(const rcm_edits *e)
{
    static const char *const pairs[][2] = { { "93000", "93005" }, { "29881", "29880" }, { "11042", "97597" },
                                            { "20611", "20610" }, { "36415", "36416" }, { "99213", "99214" } };
    rcm_ptp_row r[8];
    rcm_mue_row m;
    rcm_aoc_row a[4];
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++)
        for (int t = 0; t < 3; t++) {
            rcm_ptp_find(e, P(pairs[i][0]), P(pairs[i][1]), D(2025, 11, 3), t, r);
            rcm_ptp_rows(e, P(pairs[i][0]), P(pairs[i][1]), D(2026, 2, 3), t, r, 8);
            rcm_mue_find(e, P(pairs[i][0]), D(2025, 11, 3), t, &m);
        }
    rcm_proc c[] = { P("64483") };
    rcm_aoc_check(e, P("64484"), c, 1, D(2025, 11, 3), a);
    rcm_aoc_primaries(e, P("64484"), D(2019, 11, 3), a, 4);
    rcm_edits_table t[16];
    rcm_edits_tables(e, t, 16);
}

Test(refidx_file, truncated_files_are_refused)
{
    unsigned char *buf;
    size_t n = read_whole(idxpath, &buf);
    char p[400];
    snprintf(p, sizeof(p), "%s/cut.refidx", tmpdir);
    size_t cuts[] = { 0, 1, 8, 95, 96, 97, 200, n / 2, n - 64, n - 1 };
    for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
        write_whole(p, buf, cuts[i]);
        rcm_edits *e = NULL;
        rcm_error err = { 0 };
        cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_EFORMAT, "cut at %zu", cuts[i]);
        cr_assert_null(e);
        cr_assert(strstr(err.msg, "truncated") || strstr(err.msg, "damaged"), "%zu: %s", cuts[i], err.msg);
    }
    /* one byte too many is refused as well */
    unsigned char *more = calloc(1, n + 1);
    memcpy(more, buf, n);
    write_whole(p, more, n + 1);
    rcm_edits *e = NULL;
    cr_assert_eq(rcm_edits_open(&e, p, NULL), RCM_EFORMAT);
    free(more);
    free(buf);
}

Test(refidx_file, foreign_and_corrupt_headers_are_refused)
{
    unsigned char *buf;
    size_t n = read_whole(idxpath, &buf);
    char p[400];
    snprintf(p, sizeof(p), "%s/bad.refidx", tmpdir);
    rcm_edits *e = NULL;
    rcm_error err = { 0 };
    unsigned char *junk = malloc(n);
    for (size_t i = 0; i < n; i++)
        junk[i] = (unsigned char)(i * 7919u >> 3);
    write_whole(p, junk, n);
    cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "not an rcm edit index"), "%s", err.msg);
    free(junk);
    buf[12] ^= 0x80; /* the byte order mark */
    write_whole(p, buf, n);
    cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_EFORMAT);
    buf[12] ^= 0x80;
    buf[8] ^= 1; /* the format version */
    write_whole(p, buf, n);
    cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "another version"), "%s", err.msg);
    buf[8] ^= 1;
    buf[32] ^= 4; /* the fingerprint: covered by the header checksum */
    write_whole(p, buf, n);
    cr_assert_eq(rcm_edits_open(&e, p, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "checksum"), "%s", err.msg);
    buf[32] ^= 4;
    write_whole(p, buf, n);
    cr_assert_eq(rcm_edits_open(&e, p, &err), 0, "restored: %s", err.msg);
    rcm_edits_close(e);
    free(buf);
}

Test(refidx_file, every_byte_flipped)
{
    unsigned char *buf;
    size_t n = read_whole(idxpath, &buf);
    char p[400];
    snprintf(p, sizeof(p), "%s/flip.refidx", tmpdir);
    size_t opened = 0, verified_bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 4096 && i % 7)
            continue; /* past the meta part, a sample of the body is enough */
        buf[i] ^= 0x5a;
        write_whole(p, buf, n);
        rcm_edits *e = NULL;
        if (rcm_edits_open(&e, p, NULL) == 0) {
            opened++;
            exercise(e);
            if (rcm_edits_verify(e, NULL) == RCM_EFORMAT)
                verified_bad++;
            rcm_edits_close(e);
        }
        buf[i] ^= 0x5a;
    }
    cr_assert_gt(opened, 0, "a damaged body passes the header checks...");
    cr_assert_eq(verified_bad, opened, "...and fails the body checksum");
    free(buf);
}

Test(refidx_file, corrupt_index_beside_the_store_is_rebuilt)
{
    FILE *f = fopen(idxpath, "r+b");
    cr_assert_not_null(f);
    fseek(f, 20, SEEK_SET);
    fputc(0xff, f);
    fclose(f);
    rcm_edits *e = NULL;
    rcm_error err = { 0 };
    int rebuilt = 0;
    cr_assert_eq(rcm_edits_open_store(&e, st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 1);
    cr_assert_eq(rcm_ptp_find(e, P("93000"), P("93005"), D(2025, 11, 3), PRAC, NULL), 1);
    rcm_edits_close(e);
    cr_assert_eq(truncate(idxpath, 10), 0);
    cr_assert_eq(rcm_edits_refresh(st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 1);
}

typedef struct job {
    const rcm_edits *e;
    long hits;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    rcm_proc a = P("93000"), b = P("93005"), c = P("29881"), d = P("29880");
    for (int i = 0; i < 20000; i++) {
        rcm_ptp_row r;
        j->hits += rcm_ptp_find(j->e, a, b, D(2025, 11, 3), PRAC, &r);
        j->hits += rcm_ptp_find(j->e, c, d, D(2026, 2, 3), PRAC, &r) && r.modifier == 0;
        j->hits += rcm_ptp_find(j->e, b, a, D(2025, 11, 3), PRAC, &r);
        j->hits += rcm_mue_find(j->e, a, D(2025, 11, 3), PRAC, NULL);
    }
    return NULL;
}

Test(refidx_file, lookups_from_several_threads)
{
    pthread_t t[4];
    job jobs[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].e = idx;
        jobs[i].hits = 0;
        cr_assert_eq(pthread_create(&t[i], NULL, worker, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        cr_assert_eq(jobs[i].hits, 60000, "thread %d", i);
    }
}

Test(refidx_file, build_to_a_path)
{
    char p[400];
    snprintf(p, sizeof(p), "%s/copy.refidx", tmpdir);
    rcm_error err = { 0 };
    cr_assert_eq(rcm_edits_build(st, p, &err), 0, "%s", err.msg);
    rcm_edits *e = NULL;
    cr_assert_eq(rcm_edits_open(&e, p, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_edits_fingerprint(e), rcm_edits_fingerprint(idx));
    cr_assert_eq(rcm_edits_verify(e, &err), 0, "%s", err.msg);
    rcm_edits_close(e);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    cr_assert_eq(sb.st_mode & 077, 0, "private like the store");
}

Test(refidx_empty, no_edit_tables_loaded)
{
    rcm_error err = { 0 };
    cr_assert_eq(rcm_edits_open_store(&idx, st, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_edits_tables(idx, NULL, 0), 0);
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_mue_find(idx, P("93000"), D(2025, 11, 3), PRAC, NULL), 0);
    cr_assert_eq(rcm_aoc_check(idx, P("64484"), NULL, 0, D(2025, 11, 3), NULL), RCM_AOC_NOT_ADDON);
    cr_assert_eq(rcm_edits_verify(idx, NULL), 0);
}

Test(refidx_ptp, many_pairs_at_once_same_answers)
{
    static const char *const codes[] = { "93000", "93005", "29881", "29880", "11042", "97597", "20611",
                                         "20610", "36415", "36416", "99214", "99213", "G0439", "64483" };
    size_t nc = sizeof(codes) / sizeof(codes[0]);
    rcm_ptp_query q[256];
    size_t n = 0;
    for (size_t i = 0; i < nc; i++)
        for (size_t j = 0; j < nc; j++)
            if (i != j) {
                q[n].col1 = P(codes[i]);
                q[n].col2 = P(codes[j]);
                n++;
            }
    static const int days[][3] = { { 2025, 3, 31 }, { 2025, 11, 3 }, { 2026, 2, 1 } };
    for (size_t d = 0; d < 3; d++) {
        rcm_date dos = D(days[d][0], days[d][1], days[d][2]);
        int found[256];
        rcm_ptp_row rows[256];
        size_t hits = rcm_ptp_find_n(idx, q, n, dos, PRAC, found, rows);
        size_t want = 0;
        for (size_t k = 0; k < n; k++) {
            rcm_ptp_row r;
            int f = rcm_ptp_find(idx, q[k].col1, q[k].col2, dos, PRAC, &r);
            want += (size_t)f;
            cr_assert_eq(found[k], f, "pair %zu on day %zu", k, d);
            if (f) {
                cr_assert_eq(rows[k].line, r.line);
                cr_assert_eq(rows[k].modifier, r.modifier);
                cr_assert_str_eq(rows[k].source, r.source);
            }
        }
        cr_assert_eq(hits, want);
        cr_assert_gt(want, 0);
    }
}

/* A table large enough for a real pair filter: every pair imported is found (no false
   negatives), and absent pairs are answered absent. */
Test(refidx_empty, thousands_of_pairs_all_found)
{
    char p[400];
    snprintf(p, sizeof(p), "%s/ccipra-v320r0-f1.txt", tmpdir);
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fprintf(f, "copyright\nColumn1/Column2 Edits\nColumn 1\tColumn 2\t*\tEffective Date\tDeletion Date\tModifier\tR\n");
    enum { N = 30000 };
    for (unsigned i = 0; i < N; i++)
        fprintf(f, "%05u\t%05u\t\t20200101\t*\t%u\tr\n", 10000 + (i * 7919u) % 80000, 10000 + (i * 104729u + 13) % 80000,
                i % 2);
    fclose(f);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(st, p, &o, NULL, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_edits_open_store(&idx, st, NULL, &err), 0, "%s", err.msg);
    rcm_date dos = D(2026, 2, 1);
    static rcm_ptp_query q[N];
    static int found[N];
    for (unsigned i = 0; i < N; i++) {
        char a[6], b[6];
        snprintf(a, sizeof(a), "%05u", 10000 + (i * 7919u) % 80000);
        snprintf(b, sizeof(b), "%05u", 10000 + (i * 104729u + 13) % 80000);
        q[i].col1 = P(a);
        q[i].col2 = P(b);
        cr_assert_eq(rcm_ptp_find(idx, q[i].col1, q[i].col2, dos, PRAC, NULL), 1, "row %u", i);
    }
    cr_assert_eq(rcm_ptp_find_n(idx, q, N, dos, PRAC, found, NULL), N);
    size_t absent = 0;
    for (unsigned i = 0; i < N; i++) {
        q[i].col1 = P("99999");
        char b[6];
        snprintf(b, sizeof(b), "%05u", 10000 + i);
        q[i].col2 = P(b);
    }
    absent = N - rcm_ptp_find_n(idx, q, N, dos, PRAC, found, NULL);
    cr_assert_eq(absent, N);
}

/* When the index file cannot be replaced (here a folder is in its way), the index is
   built in memory for the process and lookups still work. */
Test(refidx_file, built_in_memory_when_the_file_cannot_be_written)
{
    rcm_edits_close(idx);
    idx = NULL;
    cr_assert_eq(unlink(idxpath), 0);
    cr_assert_eq(mkdir(idxpath, 0700), 0);
    char inner[400];
    snprintf(inner, sizeof(inner), "%s/keep", idxpath);
    FILE *f = fopen(inner, "w");
    cr_assert_not_null(f);
    fclose(f);
    rcm_edits *e = NULL;
    cr_assert_eq(rcm_edits_open(&e, idxpath, NULL), RCM_EFORMAT, "a folder is not an index");
    rcm_error err = { 0 };
    int rebuilt = 0;
    cr_assert_eq(rcm_edits_open_store(&idx, st, &rebuilt, &err), 0, "%s", err.msg);
    cr_assert_eq(rebuilt, 1);
    cr_assert_eq(rcm_ptp_find(idx, P("93000"), P("93005"), D(2025, 11, 3), PRAC, NULL), 1);
    cr_assert_eq(rcm_edits_verify(idx, &err), 0, "%s", err.msg);
    cr_assert_lt(rcm_edits_refresh(st, NULL, &err), 0, "refresh reports that it cannot write");
}
