/*
 * audit_em: the E/M reference (loading, its located errors, all or nothing,
 * reading it back) and the providers' distribution against it, on
 * constructed distributions with the statistics worked by hand: a provider
 * billing every visit at 99215 (high, one level), one matching the
 * reference exactly (no flag), one below the em-min-visits setting (no flag
 * until the setting is lowered), one billing everything at 99212 (low);
 * replacements replace the original, secondary claims and voided visits do
 * not count; the chi-square tail against known values; permissions.
 */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "rcm/audit.h"
#include "rcm/auth.h"

static cyfx fx;
static rcm_cycle *aud;

/* office-established 5/10/40/35/10 (levels 4-5: 45%, mean 3.35); office-new 10/40/40/10 (4-5: 50%, mean 3.5) */
static const char reference[] =
    "# a test reference\n"
    "family,code,level,share\n"
    "office-new,99202,2,10\n"
    "office-new,99203,3,40\n"
    "office-new,99204,4,40\n"
    "office-new,99205,5,10\n"
    "\n"
    "office-established,99211,1,5\n"
    "office-established,99212,2,10.0\n"
    "office-established,99213,3,40\n"
    "office-established,99214,4,35.0000\n"
    "office-established,99215,5,10\n";

static const char *write_file(const char *name, const char *text)
{
    static char path[400];
    snprintf(path, sizeof(path), "%s/%s", fx.dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(text, 1, strlen(text), f), strlen(text));
    cr_assert_eq(fclose(f), 0);
    return path;
}

static void setup(void)
{
    cyfx_open(&fx);
    aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
}
static void teardown(void) { cyfx_close(&fx); }

TestSuite(audit_em, .init = setup, .fini = teardown);

static void load_reference(void)
{
    cr_assert_eq(rcm_em_reference_load(aud, write_file("ref.csv", reference), "test table", &fx.err), 0, "%s:%ld: %s",
                 fx.err.source, fx.err.line, fx.err.msg);
}

/* Adds visits: count encounters of provider npi, each one line of code, ids PREFIX-N, served on date. */
static void visits(rcm_buf *b, const char *prefix, const char *npi, const char *code, int count, const char *date)
{
    for (int i = 1; i <= count; i++) {
        char id[32];
        snprintf(id, sizeof(id), "%s-%s-%d", prefix, code, i);
        rcm_buf_adds(b, CYFX_ENC(&fx, .id = id, .date = date, .payer = "MCR", .dx = "I10", .lines = code,
                                 .provider = npi));
        rcm_buf_addc(b, '\n');
    }
}

static void bill(rcm_buf *b)
{
    cr_assert(!rcm_buf_failed(b));
    cyfx_import_ok(&fx, b->ptr);
    rcm_buf_release(b);
    cr_assert_eq(cyfx_bill(&fx), 0, "%s", fx.err.msg);
}

static const rcm_em_row *row_of(const rcm_em_row *v, size_t n, const char *npi, const char *family)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].provider_npi, npi) == 0 && strcmp(v[i].family, family) == 0)
            return &v[i];
    cr_assert_fail("no row %s %s", npi, family);
    return NULL;
}

static void distribution(rcm_cycle *cy, rcm_em_row **v, size_t *n)
{
    memset(&fx.err, 0, sizeof(fx.err));
    cr_assert_eq(rcm_em_distribution(cy, rcm_date_from_ymd(2022, 6, 1), rcm_date_from_ymd(2022, 6, 30), v, n,
                                     &fx.err),
                 0, "%s", fx.err.msg);
}

#define NEAR(a, b) cr_assert(fabs((a) - (b)) < 1e-3, "%s = %.6f, expected %.6f", #a, (double)(a), (double)(b))

/*
 * NPI1: 25 established visits, all 99215. Expected counts 25 x (.05 .10 .40 .35 .10) = 1.25 2.5 10 8.75 2.5;
 * chi2 = 1.25 + 2.5 + 10 + 8.75 + (25 - 2.5)^2 / 2.5 = 22.5 + 202.5 = 225. Levels 4-5: 100% against 45%:
 * z = (1 - .45) / sqrt(.45 x .55 / 25) = .55 / .0994987 = 5.52771. Mean 5 against 3.35. high,one-level.
 * NPI2: 20 established visits 1 2 8 7 2 (exactly the reference): chi2 0, z 0, mean 3.35, no flag. And 3 new
 * visits, all 99205: one level, but 3 < 20 (em-min-visits): no flag. A visit in May is not counted.
 */
Test(audit_em, flags_on_constructed_distributions)
{
    load_reference();
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 22);
    visits(&b, "A", CYFX_NPI1, "99215", 25, NULL);
    visits(&b, "B", CYFX_NPI2, "99211", 1, NULL);
    visits(&b, "B", CYFX_NPI2, "99212", 2, NULL);
    visits(&b, "B", CYFX_NPI2, "99213", 8, NULL);
    visits(&b, "B", CYFX_NPI2, "99214", 7, NULL);
    visits(&b, "B", CYFX_NPI2, "99215", 2, NULL);
    visits(&b, "B", CYFX_NPI2, "99205", 3, NULL);
    visits(&b, "M", CYFX_NPI2, "99215", 1, "2022-05-10");
    bill(&b);

    rcm_em_row *v = NULL;
    size_t n = 0;
    distribution(aud, &v, &n);
    cr_assert_eq(n, 3);
    /* ordered by NPI (1245319599 < 1679576722), then family */
    cr_assert_str_eq(v[0].provider_npi, CYFX_NPI2);
    cr_assert_str_eq(v[0].family, "office-established");
    cr_assert_str_eq(v[1].family, "office-new");
    cr_assert_str_eq(v[2].provider_npi, CYFX_NPI1);

    const rcm_em_row *a = row_of(v, n, CYFX_NPI1, "office-established");
    cr_assert_eq(a->visits, 25);
    cr_assert_eq(a->count[5], 25);
    NEAR(a->share[5], 100);
    NEAR(a->ref_share[3], 40);
    NEAR(a->chi2, 225);
    NEAR(a->z_top, 5.527708);
    NEAR(a->mean_level, 5);
    NEAR(a->ref_mean, 3.35);
    cr_assert_str_eq(a->flag, "high,one-level");

    const rcm_em_row *m = row_of(v, n, CYFX_NPI2, "office-established");
    cr_assert_eq(m->visits, 20);
    cr_assert_eq(m->count[1], 1);
    cr_assert_eq(m->count[3], 8);
    NEAR(m->share[4], 35);
    NEAR(m->chi2, 0);
    NEAR(m->z_top, 0);
    NEAR(m->mean_level, 3.35);
    cr_assert_str_eq(m->flag, "");

    const rcm_em_row *s = row_of(v, n, CYFX_NPI2, "office-new");
    cr_assert_eq(s->visits, 3);
    cr_assert_str_eq(s->flag, "");
    free(v);

    /*
     * With em-min-visits 3 the new visits are compared: levels 4-5 100% against 50%, z = .5 / sqrt(.25 / 3) =
     * 1.73205 (not above 2): one-level only. chi2 = .3 + 1.2 + 1.2 + (3 - .3)^2 / .3 = 2.7 + 24.3 = 27.
     */
    cr_assert_eq(rcm_setting_set(fx.admin, "em-min-visits", "3", &fx.err), 0, "%s", fx.err.msg);
    distribution(aud, &v, &n);
    s = row_of(v, n, CYFX_NPI2, "office-new");
    NEAR(s->z_top, 1.732051);
    NEAR(s->chi2, 27);
    NEAR(s->ref_mean, 3.5);
    cr_assert_str_eq(s->flag, "one-level");
    cr_assert_str_eq(row_of(v, n, CYFX_NPI2, "office-established")->flag, "");
    free(v);
}

/*
 * 20 visits all at 99212: levels 4-5 0% against 45%: z = -.45 / sqrt(.45 x .55 / 20) = -4.04520; chi2 =
 * 1 + (20 - 2)^2 / 2 + 8 + 7 + 2 = 180. Low and one level. 12 at 99213 and 8 at 99214: 40% at 4-5, z =
 * -.05 / .111243 = -0.449467, chi2 = 1 + 2 + (12 - 8)^2 / 8 + (8 - 7)^2 / 7 + 2 = 7.142857, p = 0.128 with 4
 * degrees of freedom: no flag.
 */
Test(audit_em, low_and_unremarkable)
{
    load_reference();
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 22);
    visits(&b, "L", CYFX_NPI1, "99212", 20, NULL);
    visits(&b, "N", CYFX_NPI2, "99213", 12, NULL);
    visits(&b, "N", CYFX_NPI2, "99214", 8, NULL);
    bill(&b);
    rcm_em_row *v = NULL;
    size_t n = 0;
    distribution(aud, &v, &n);
    const rcm_em_row *l = row_of(v, n, CYFX_NPI1, "office-established");
    NEAR(l->z_top, -4.045199);
    NEAR(l->chi2, 180);
    cr_assert_str_eq(l->flag, "low,one-level");
    const rcm_em_row *u = row_of(v, n, CYFX_NPI2, "office-established");
    NEAR(u->z_top, -0.449467);
    NEAR(u->chi2, 7.142857);
    cr_assert_str_eq(u->flag, "");
    free(v);
    /* the admin reads it (audit.read); a coder may not */
    cr_assert_eq(rcm_em_distribution(fx.admin, RCM_DATE_NONE, RCM_DATE_NONE, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 2);
    free(v);
    rcm_cycle *coder = cyfx_user(&fx, "coder2", RCM_ROLE_CODER, 0);
    cr_assert_eq(rcm_em_distribution(coder, RCM_DATE_NONE, RCM_DATE_NONE, &v, &n, &fx.err), RCM_EDENIED);
    cr_assert_eq(rcm_em_distribution(aud, rcm_date_from_ymd(2022, 7, 1), rcm_date_from_ymd(2022, 6, 1), &v, &n,
                                     &fx.err),
                 RCM_EINVAL);
}

static const char claim_cols[] =
    "claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id, coverage_id, payer_id, seq, kind,"
    " freq, original_claim_id, primary_claim_id, original_icn, payer_icn, status, charge_cents, dos_from, dos_to,"
    " scrub_errors, coded_by, created_at, created_by, submissions, first_ack, first_835";

/* A copy of claim `from` as claim `id` with freq and links given, its lines recoded to code. */
static void copy_claim(int64_t from, int64_t id, const char *freq, const char *orig, const char *primary,
                       const char *code)
{
    char sql[1600];
    snprintf(sql, sizeof(sql),
             "INSERT INTO claim (%s) SELECT %lld, practice_id, 'C%09lld', encounter_id, patient_id, provider_id,"
             " coverage_id, payer_id, seq, kind, '%s', %s, %s, '', '', 'ready', charge_cents, dos_from, dos_to, 0,"
             " coded_by, created_at, created_by, 0, '', '' FROM claim WHERE claim_id = %lld",
             claim_cols, (long long)id, (long long)id, freq, orig, primary, (long long)from);
    cyfx_exec(&fx, sql);
    snprintf(sql, sizeof(sql),
             "INSERT INTO claim_line (claim_id, line_no, code, mod1, mod2, mod3, mod4, units_milli, charge_cents,"
             " ptr1, ptr2, ptr3, ptr4, dos, rev_code) SELECT %lld, line_no, '%s', mod1, mod2, mod3, mod4,"
             " units_milli, charge_cents, ptr1, ptr2, ptr3, ptr4, dos, rev_code FROM claim_line WHERE claim_id = %lld",
             (long long)id, code, (long long)from);
    cyfx_exec(&fx, sql);
}

/*
 * Three visits of NPI1 billed 99215. R: replaced by a claim at 99213 (frequency 7): counted once, at 99213.
 * S: a secondary claim repeats 99215: counted once. V: voided (a frequency 8 claim): not counted.
 */
Test(audit_em, replacements_secondaries_and_voids)
{
    load_reference();
    cyfx_import_ok(&fx, cyfx_lines(&fx, 3, cyfx_encounter(&fx, "R", NULL, "MCR", "I10", "99215"),
                                   cyfx_encounter(&fx, "S", NULL, "MCR", "I10", "99215"),
                                   cyfx_encounter(&fx, "V", NULL, "MCR", "I10", "99215")));
    cr_assert_eq(cyfx_bill(&fx), 0, "%s", fx.err.msg);
    int64_t r = cyfx_claim_of(&fx, "R"), s = cyfx_claim_of(&fx, "S"), vd = cyfx_claim_of(&fx, "V");
    char orig[24];
    snprintf(orig, sizeof(orig), "%lld", (long long)r);
    copy_claim(r, 900, "7", orig, "NULL", "99213");
    cyfx_exec(&fx, "UPDATE claim SET status = 'replaced' WHERE claim_id = (SELECT original_claim_id FROM claim"
                   " WHERE claim_id = 900)");
    snprintf(orig, sizeof(orig), "%lld", (long long)s);
    copy_claim(s, 901, "1", "NULL", orig, "99215");
    snprintf(orig, sizeof(orig), "%lld", (long long)vd);
    copy_claim(vd, 902, "8", orig, "NULL", "99215");
    rcm_em_row *v = NULL;
    size_t n = 0;
    distribution(aud, &v, &n);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].visits, 2);
    cr_assert_eq(v[0].count[3], 1);
    cr_assert_eq(v[0].count[5], 1);
    free(v);
}

Test(audit_em, reference_load_and_read_back)
{
    rcm_em_row *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_em_distribution(aud, RCM_DATE_NONE, RCM_DATE_NONE, &v, &n, &fx.err), RCM_ENOTFOUND);
    cr_assert(strstr(fx.err.msg, "no E/M reference is loaded"), "%s", fx.err.msg);
    rcm_em_reference_row *r = NULL;
    cr_assert_eq(rcm_em_reference_get(aud, &r, &n, &fx.err), 0);
    cr_assert_eq(n, 0);
    cr_assert_null(r);

    load_reference();
    cr_assert_eq(rcm_em_reference_get(aud, &r, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 9);
    /* by family, then level */
    cr_assert_str_eq(r[0].family, "office-established");
    cr_assert_str_eq(r[0].code, "99211");
    cr_assert_eq(r[0].share_ppm, 50000);
    cr_assert_eq(r[3].share_ppm, 350000);
    cr_assert_str_eq(r[5].code, "99202");
    cr_assert_str_eq(r[0].source, "test table");
    cr_assert_str_eq(r[0].loaded_by, "auditor1");
    free(r);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'em-reference'"), 1);
    cr_assert(strstr(cyfx_text(&fx, "SELECT detail FROM audit_log WHERE action = 'em-reference'"),
                     "0 codes -> 9 codes, source 'test table'"));

    /* a second load replaces the first; no source: the file's name */
    cr_assert_eq(rcm_em_reference_load(aud,
                                       write_file("two.csv", "family,code,level,share\r\nx,99213,3,50.5\r\n"
                                                             "x,99214,4,49.5\r\n"),
                                       NULL, &fx.err),
                 0, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM em_reference"), 2);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT DISTINCT source FROM em_reference"), "two.csv");
    cr_assert_eq(cyfx_int(&fx, "SELECT share_ppm FROM em_reference WHERE code = '99213'"), 505000);

    /* the admin may load it; a coder may not */
    cr_assert_eq(rcm_em_reference_load(fx.admin, write_file("ref.csv", reference), NULL, &fx.err), 0, "%s",
                 fx.err.msg);
    rcm_cycle *coder = cyfx_user(&fx, "coder2", RCM_ROLE_CODER, 0);
    cr_assert_eq(rcm_em_reference_load(coder, write_file("ref.csv", reference), NULL, &fx.err), RCM_EDENIED);
    cr_assert_eq(rcm_em_reference_get(coder, &r, &n, &fx.err), RCM_EDENIED);
}

Test(audit_em, reference_errors_are_located_and_load_nothing)
{
    load_reference();
    static const struct {
        const char *text;
        long line;
        const char *msg;
    } bad[] = {
        { "code,family,level,share\nx,99213,3,50\n", 1, "the header line family,code,level,share must come first" },
        { "# only\nfamily,code,level,share\nx,99213,3,50\nx,99214,6,50\n", 4, "level: a whole number 1 to 5" },
        { "family,code,level,share\nx,99213,3,50\nx,99214,4,49\n", 3, "family x: the shares add up to 99.0000, not 100" },
        { "family,code,level,share\nx,99213,3,50\nx,99213,4,50\n", 3, "code 99213 again (first on line 2)" },
        { "family,code,level,share\nx,99213,3,50\nx,99214,3,50\n", 3, "family x: level 3 again (99213 on line 2)" },
        { "family,code,level,share\nx,99213,3,50,1\n", 2, "more than 4 fields" },
        { "family,code,level,share\nx,99213,3\n", 2, "3 fields, expected" },
        { "family,code,level,share\nx,99213,3,50.00001\nx,99214,4,50\n", 2, "share: a percent above 0" },
        { "family,code,level,share\nx,99213,3,0\nx,99214,4,100\n", 2, "share: a percent above 0" },
        { "family,code,level,share\nOffice,99213,3,50\nOffice,99214,4,50\n", 2, "family: 1 to 23 lower-case" },
        { "family,code,level,share\nx,9921,3,50\n", 2, "code: 5 digits" },
        { "family,code,level,share\nx,99213,3,100\n", 2, "family x: one level only" },
        { "family,code,level,share\n", 0, "no rows after the header" },
        { "", 0, "empty" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *path = write_file("bad.csv", bad[i].text);
        memset(&fx.err, 0, sizeof(fx.err));
        int rc = rcm_em_reference_load(aud, path, "bad", &fx.err);
        cr_assert_eq(rc, RCM_EFORMAT, "case %zu: %d %s", i, rc, fx.err.msg);
        cr_assert_str_eq(fx.err.source, path, "case %zu", i);
        cr_assert_eq(fx.err.line, bad[i].line, "case %zu: line %ld (%s)", i, fx.err.line, fx.err.msg);
        cr_assert(strstr(fx.err.msg, bad[i].msg), "case %zu: '%s' not in '%s'", i, bad[i].msg, fx.err.msg);
    }
    /* nothing was replaced */
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM em_reference WHERE source = 'test table'"), 9);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'em-reference'"), 1);
    cr_assert_eq(rcm_em_reference_load(aud, "/nonexistent/ref.csv", NULL, &fx.err), RCM_EIO);
}

/* The 1% critical values of the chi-square: 6.635 (1), 9.210 (2), 11.345 (3), 13.277 (4); and exact forms. */
Test(audit_em, chi_square_tail)
{
    NEAR(rcm_em_chi2_p(6.635, 1), 0.0100);
    NEAR(rcm_em_chi2_p(9.210, 2), 0.0100);
    NEAR(rcm_em_chi2_p(11.345, 3), 0.0100);
    NEAR(rcm_em_chi2_p(13.277, 4), 0.0100);
    NEAR(rcm_em_chi2_p(3.841, 1), 0.0500);
    NEAR(rcm_em_chi2_p(2, 2), exp(-1));
    NEAR(rcm_em_chi2_p(7.142857, 4), 0.128529);
    cr_assert_eq(rcm_em_chi2_p(0, 4), 1.0);
    cr_assert(rcm_em_chi2_p(225, 4) < 1e-40);
    cr_assert(isnan(rcm_em_chi2_p(1, 0)));
}
