/*
 * cycle_ar: aging buckets at their edges (30/31, 60/61, 90/91, 120/121
 * days) and by payer, patient and provider; the worklist's items, scores
 * and order; patient statements (who gets one, the amounts of each line,
 * the files, running it twice, a failure leaving nothing). Rows are written
 * straight into the store (ar_fixture.h); the business date is 2022-07-01.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ar_fixture.h"

static cyfx fx;

static void setup(void) { cyfx_open(&fx); }
static void teardown(void) { cyfx_close(&fx); }

TestSuite(cycle_ar, .init = setup, .fini = teardown);

static const rcm_aging_row *aging_row(const rcm_aging_row *v, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].key, key) == 0)
            return &v[i];
    cr_assert_fail("no aging row '%s'", key);
    return NULL;
}

/* A claim to payer with one line of amount on dos, charged and left open. */
static int64_t open_claim(int64_t patient, const char *npi, const char *payer, const char *dos, int64_t amount)
{
    int64_t e = arfx_encounter(&fx, patient, npi, dos);
    int64_t c = ARFX_CLAIM(&fx, .encounter = e, .payer = payer, .status = "accepted", .submissions = 1,
                           .first_ack = "accepted", .submitted = dos);
    arfx_line(&fx, c, 1, "99213", amount);
    arfx_charges(&fx, c, payer, dos);
    return c;
}

Test(cycle_ar, aging_bucket_edges)
{
    int64_t p = arfx_patient(&fx, "A1", "ADAMS", "ANN", "MCR", NULL);
    /* today 2022-07-01: each date is the age in days named, an amount of that many dollars */
    static const struct {
        const char *dos;
        int age, bucket;
    } cases[] = {
        { "2022-07-01", 0, 0 },   { "2022-06-01", 30, 0 },  { "2022-05-31", 31, 1 }, { "2022-05-02", 60, 1 },
        { "2022-05-01", 61, 2 },  { "2022-04-02", 90, 2 },  { "2022-04-01", 91, 3 }, { "2022-03-03", 120, 3 },
        { "2022-03-02", 121, 4 }, { "2021-07-01", 365, 4 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(arfx_day(CYFX_TODAY) - arfx_day(cases[i].dos), cases[i].age);
        open_claim(p, CYFX_NPI1, "MCR", cases[i].dos, (cases[i].age + 1) * 100);
    }
    rcm_aging_row *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_ar_aging(fx.cy, RCM_AR_TOTAL, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].key, "total");
    int64_t want[RCM_AR_BUCKETS] = { 0 };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        want[cases[i].bucket] += (cases[i].age + 1) * 100;
    /* 0-30: 1 + 31 = 32.00; 31-60: 32 + 61 = 93.00; 61-90: 62 + 91 = 153.00; 91-120: 92 + 121 = 213.00;
       over 120: 122 + 366 = 488.00 */
    cr_assert_eq(want[0], 3200);
    cr_assert_eq(want[4], 48800);
    for (int b = 0; b < RCM_AR_BUCKETS; b++)
        cr_assert_eq(v[0].bucket_cents[b], want[b], "bucket %d", b);
    cr_assert_eq(v[0].total_cents, 3200 + 9300 + 15300 + 21300 + 48800);
    cr_assert_eq(v[0].claims, 10);
    free(v);
}

Test(cycle_ar, aging_by_payer_patient_provider)
{
    arfx_example(&fx);
    /* on 07-01 (rows effective by then, the 9.40 of 07-01 included):
       MCR: 2 (26 days) 215.00, 8 (6) 255.00, 11 (108) 215.00; BCBS: 4 (19) 15.00, 9 (3) 150.00;
       patients: 3 (21) 20.00, 4 (19) 41.00, 6 (16) 10.00 */
    rcm_aging_row *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_ar_aging(fx.cy, RCM_AR_BY_PAYER, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 3, "AETNA owes nothing: no row");
    cr_assert_str_eq(v[0].key, "BCBS");
    cr_assert_str_eq(v[1].key, "MCR");
    cr_assert_str_eq(v[2].key, "patient");
    const rcm_aging_row *mcr = aging_row(v, n, "MCR");
    cr_assert_eq(mcr->bucket_cents[0], 21500 + 25500);
    cr_assert_eq(mcr->bucket_cents[3], 21500);
    cr_assert_eq(mcr->total_cents, 68500);
    cr_assert_eq(mcr->claims, 3);
    const rcm_aging_row *bc = aging_row(v, n, "BCBS");
    cr_assert_eq(bc->total_cents, 16500);
    cr_assert_eq(bc->claims, 2);
    const rcm_aging_row *pt = aging_row(v, n, "patient");
    cr_assert_eq(pt->bucket_cents[0], 2000 + 4100 + 1000);
    cr_assert_eq(pt->claims, 3);
    free(v);

    /* by patient (MRN): everything owed on the patient's claims:
       A 215.00 (2); B 20.00 + 10.00 (3, 6); C 15.00 + 41.00 (4); D 255.00 (8); E 150.00 (9); F 215.00 (11) */
    cr_assert_eq(rcm_ar_aging(fx.cy, RCM_AR_BY_PATIENT, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    static const struct {
        const char *mrn;
        int64_t cents;
        long claims;
    } pats[] = { { "A1", 21500, 1 }, { "B1", 3000, 2 }, { "C1", 5600, 1 },
                 { "D1", 25500, 1 }, { "E1", 15000, 1 }, { "F1", 21500, 1 } };
    cr_assert_eq(n, 6);
    int64_t sum = 0;
    for (size_t i = 0; i < 6; i++) {
        cr_assert_str_eq(v[i].key, pats[i].mrn);
        cr_assert_eq(v[i].total_cents, pats[i].cents, "%s", pats[i].mrn);
        cr_assert_eq(v[i].claims, pats[i].claims, "%s", pats[i].mrn);
        sum += v[i].total_cents;
    }
    /* every grouping partitions the same total: 921.00 */
    cr_assert_eq(sum, 92100);
    free(v);
    /* by provider: OKAFOR 215.00 + 10.00 + 255.00 + 150.00; CHEN 20.00 + 56.00 + 215.00 */
    cr_assert_eq(rcm_ar_aging(fx.cy, RCM_AR_BY_PROVIDER, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(aging_row(v, n, CYFX_NPI1)->total_cents, 63000);
    cr_assert_eq(aging_row(v, n, CYFX_NPI2)->total_cents, 29100);
    cr_assert_eq(aging_row(v, n, CYFX_NPI2)->bucket_cents[3], 21500);
    free(v);
    cr_assert_eq(rcm_ar_aging(fx.cy, 9, &v, &n, &fx.err), RCM_EINVAL);
    /* balances by MRN are a read of patient data; by payer and by provider are not */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT group_concat(entity || ' ' || entity_id || ' ' || detail, '; ')"
                                    " FROM audit_log WHERE action = 'read' AND detail LIKE 'aging%'"),
                     "patient 0 aging by patient rows=6");
}

Test(cycle_ar, aging_empty_store)
{
    rcm_aging_row *v = NULL;
    size_t n = 5;
    cr_assert_eq(rcm_ar_aging(fx.cy, RCM_AR_BY_PAYER, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 0);
    free(v);
}

static const rcm_worklist_item *item(const rcm_worklist_item *v, size_t n, const char *claim_no, const char *payer)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].claim_no, claim_no) == 0 && strcmp(v[i].payer, payer) == 0)
            return &v[i];
    return NULL;
}

Test(cycle_ar, worklist_items_scores_order)
{
    arfx_example(&fx);
    /* two unsent AETNA claims (timely filing 90 days): 12 ready, limit 07-14; 13 rejected, limit 06-18 passed */
    int64_t pg = arfx_patient(&fx, "G1", "GRAY", "GUS", "AETNA", NULL);
    int64_t e12 = arfx_encounter(&fx, pg, CYFX_NPI1, "2022-04-15");
    int64_t c12 = ARFX_CLAIM(&fx, .encounter = e12, .payer = "AETNA", .status = "ready");
    arfx_line(&fx, c12, 1, "99212", 9000);
    arfx_charges(&fx, c12, "AETNA", "2022-04-15");
    int64_t e13 = arfx_encounter(&fx, pg, CYFX_NPI1, "2022-03-20");
    int64_t c13 = ARFX_CLAIM(&fx, .encounter = e13, .payer = "AETNA", .status = "rejected", .submissions = 1,
                             .first_ack = "rejected", .submitted = "2022-03-21");
    arfx_line(&fx, c13, 1, "99203", 17000);
    arfx_charges(&fx, c13, "AETNA", "2022-03-20");
    /* patient B was sent a statement on 05-15, due 06-14, naming claim 3 */
    cyfx_exec(&fx, "INSERT INTO statement VALUES (1, 2, 19127, 19157, 2940, 0, 'tester')");
    cyfx_exec(&fx, "INSERT INTO statement_line VALUES (1, 1, 3, 21500, 11760, 6800, 0, 2940)");
    cr_assert_eq(arfx_day("2022-05-15"), 19127);

    rcm_worklist_item *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_ar_worklist(fx.cy, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    /*
     * score = min(balance, $10,000) in dollars + 20 x min(age, 365) + 200 x (60 - days to the deadline,
     * clamped to 0..60):
     *   13 rejected: 170 + 20 x 103 + 200 x 60 (passed)            = 14230
     *    3 patient:   20 + 20 x 21  + 200 x 60 (due 06-14, passed)  = 12440
     *   12 ready:     90 + 20 x 77  + 200 x (60 - 13) (07-14)       = 11030
     *   11 no 835:   215 + 20 x 108 + 0 (filing limit 2023-03-15)    =  2375
     *    2 denial:   215 + 20 x 26  + 0 (appeal by 10-20)            =   735
     *    4 denial:    15 + 20 x 19  + 0 (appeal by 12-23)            =   395
     * Not on it: 5 (its denial corrected), 7 (appealed), 8 (ready, a year to file), 9 (sent 2 days ago),
     * 6 (patient balance never sent a statement).
     */
    static const struct {
        const char *claim, *payer;
        int64_t score, balance;
        int age;
        const char *deadline, *reason;
    } want[] = {
        { "C000000013", "AETNA", 14230, 17000, 103, "2022-06-18", "rejected claim: timely filing limit passed" },
        { "C000000003", "patient", 12440, 2000, 21, "2022-06-14", "patient balance past statement 1" },
        { "C000000012", "AETNA", 11030, 9000, 77, "2022-07-14", "ready claim: timely filing limit 2022-07-14 (13" },
        { "C000000011", "MCR", 2375, 21500, 108, "2023-03-15", "no remittance 107 days after submission" },
        { "C000000002", "MCR", 735, 21500, 26, "2022-10-20", "open denial CO-50 (coder)" },
        { "C000000004", "BCBS", 395, 1500, 19, "2022-12-23", "open denial CO-97 (coder)" },
    };
    cr_assert_eq(n, sizeof(want) / sizeof(want[0]));
    for (size_t i = 0; i < n; i++) {
        char d[11];
        rcm_date_fmt(d, v[i].deadline, 1);
        cr_assert_str_eq(v[i].claim_no, want[i].claim, "item %zu", i);
        cr_assert_str_eq(v[i].payer, want[i].payer, "item %zu", i);
        cr_assert_eq(v[i].score, want[i].score, "%s", want[i].claim);
        cr_assert_eq(v[i].balance_cents, want[i].balance, "%s", want[i].claim);
        cr_assert_eq(v[i].age_days, want[i].age, "%s", want[i].claim);
        cr_assert_str_eq(d, want[i].deadline, "%s", want[i].claim);
        cr_assert(strstr(v[i].reason, want[i].reason) != NULL, "%s: %s", want[i].claim, v[i].reason);
    }
    cr_assert_null(item(v, n, "C000000007", "MCR"));
    cr_assert_null(item(v, n, "C000000005", "AETNA"));
    free(v);
    /* one read event for the list */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT group_concat(user_name || ' ' || entity || ' ' || entity_id || ' ' ||"
                                    " detail, '; ') FROM audit_log WHERE action = 'read'"
                                    " AND detail LIKE 'ar worklist%'"),
                     "tester claim 0 ar worklist rows=6");
}

/* ---- statements ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return NULL;
    char *buf = malloc(1 << 20);
    cr_assert_not_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

/*
 * The example plus: H owes 10.00 on a paid MCR claim (a statement); G's paid MCR claim left 20.00 to
 * the patient, but G has secondary coverage and no secondary claim was built yet (no statement).
 */
static void statement_data(void)
{
    arfx_example(&fx);
    int64_t pg = arfx_patient(&fx, "G1", "GRAY", "GUS", "MCR", "BCBS");
    int64_t e = arfx_encounter(&fx, pg, CYFX_NPI1, "2022-06-08");
    int64_t c = ARFX_CLAIM(&fx, .encounter = e, .payer = "MCR", .status = "paid", .submissions = 1,
                           .first_ack = "accepted", .first_835 = "paid");
    arfx_line(&fx, c, 1, "99213", 15000);
    arfx_charges(&fx, c, "MCR", "2022-06-08");
    arfx_paid_line(&fx, c, 1, "MCR", 8000, 5000, "2", 2000, "2022-06-20");
    int64_t ph = arfx_patient(&fx, "H1", "HILL", "HAL", "MCR", NULL);
    e = arfx_encounter(&fx, ph, CYFX_NPI2, "2022-06-09");
    c = ARFX_CLAIM(&fx, .encounter = e, .payer = "MCR", .status = "paid", .submissions = 1, .first_ack = "accepted",
                   .first_835 = "paid");
    arfx_line(&fx, c, 1, "99212", 9000);
    arfx_charges(&fx, c, "MCR", "2022-06-09");
    arfx_paid_line(&fx, c, 1, "MCR", 5000, 3000, "1", 1000, "2022-06-20");
}

Test(cycle_ar, statements_who_and_how_much)
{
    statement_data();
    char dir[320];
    snprintf(dir, sizeof(dir), "%s/stmts", fx.dir);
    rcm_statement_report rep;
    cr_assert_eq(rcm_statements(fx.cy, dir, &rep, &fx.err), 0, "%s", fx.err.msg);
    /*
     * B: visit 3 (paid, 20.00 left after the 9.40 of 07-01) and visit 5+6 (replaced, the replacement paid:
     * 10.00); H: 10.00. Nobody else: A owes nothing on 1 and 2 is denied (with the payer), C's claim 4
     * has an open denied line, D's 8 and E's 9 and F's 11 wait for the payer, G's secondary is due.
     */
    cr_assert_eq(rep.statements, 2);
    cr_assert_eq(rep.visits, 3);
    cr_assert_eq(rep.total_cents, 3000 + 1000);
    cr_assert_eq(rep.already, 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement"), 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT patient_id FROM statement WHERE statement_id = 1"), 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT balance_cents FROM statement WHERE statement_id = 1"), 3000);
    cr_assert_eq(cyfx_int(&fx, "SELECT stmt_date FROM statement WHERE statement_id = 1"), arfx_day(CYFX_TODAY));
    cr_assert_eq(cyfx_int(&fx, "SELECT due FROM statement WHERE statement_id = 1"), arfx_day("2022-07-31"));
    cr_assert_eq(cyfx_int(&fx, "SELECT balance_cents FROM statement WHERE statement_id = 2"), 1000);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT m.mrn FROM statement s JOIN patient m USING (patient_id)"
                                    " WHERE statement_id = 2"),
                     "H1");
    /* visit 3: charges 215.00, insurance 100.00 + 17.60, adjusted 45.00 + 23.00, patient paid 9.40,
       balance 215.00 - 117.60 - 68.00 - 9.40 = 20.00 */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT claim_id || ' ' || charge_cents || ' ' || insurance_cents || ' ' ||"
                                    " adjusted_cents || ' ' || patient_paid_cents || ' ' || balance_cents"
                                    " FROM statement_line WHERE statement_id = 1 AND seq = 1"),
                     "3 21500 11760 6800 940 2000");
    /* visit 5: named by claim 5; 90.00 charged, 60.00 paid by AETNA on 6, 20.00 adjusted, 10.00 owed */
    cr_assert_str_eq(cyfx_text(&fx, "SELECT claim_id || ' ' || charge_cents || ' ' || insurance_cents || ' ' ||"
                                    " adjusted_cents || ' ' || patient_paid_cents || ' ' || balance_cents"
                                    " FROM statement_line WHERE statement_id = 1 AND seq = 2"),
                     "5 9000 6000 2000 0 1000");
    /* an audit event per statement, ids only */
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'statement'"), 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%BAKER%'"
                               " OR detail LIKE '%BETH%' OR detail LIKE '%HILL%'"),
                 0);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT detail FROM audit_log WHERE entity = 'statement' AND entity_id = 1"),
                     "patient 2 visits 2 balance 3000 due 2022-07-31");
    /* each event carries its patient, so the patient's trail finds it */
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM audit_log a JOIN statement s ON s.statement_id = a.entity_id"
                               " WHERE a.entity = 'statement' AND a.action = 'statement'"
                               " AND a.patient_id = s.patient_id AND a.patient_id > 0"),
                 2);

    /* the text: the practice to pay, the patient mailed to, each visit, the amount due */
    char path[400];
    size_t len = 0;
    snprintf(path, sizeof(path), "%s/STMT-1.txt", dir);
    char *text = slurp(path, &len);
    cr_assert_not_null(text, "%s", path);
    static const char *const has[] = {
        "PATIENT STATEMENT", "RIVERSIDE FAMILY MEDICINE", "1200 RIVER ROAD", "NASHVILLE, TN 37203-1234",
        "615-555-0100", "Statement 1", "Date 2022-07-01", "Account B1", "BETH BAKER\n45 OAK LANE\n",
        "FRANKLIN, TN 37064", "2022-06-10  C000000003        215.00      117.60       68.00        9.40       20.00",
        "2022-06-15  C000000005         90.00       60.00       20.00        0.00       10.00",
        "AMOUNT DUE 30.00 by 2022-07-31",
    };
    for (size_t i = 0; i < sizeof(has) / sizeof(has[0]); i++)
        cr_assert(strstr(text, has[i]) != NULL, "no '%s' in:\n%s", has[i], text);
    cr_assert_null(strstr(text, "HILL"), "one patient per statement");
    free(text);
    /* the printable form */
    snprintf(path, sizeof(path), "%s/STMT-1.pdf", dir);
    char *pdf = slurp(path, &len);
    cr_assert_not_null(pdf, "%s", path);
    cr_assert_gt(len, 500);
    cr_assert_eq(memcmp(pdf, "%PDF-", 5), 0);
    cr_assert_not_null(strstr(pdf + len - 16 > pdf ? pdf + len - 16 : pdf, "%%EOF"));
    free(pdf);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert_eq(st.st_mode & 0777, 0600, "statements are private");
    snprintf(path, sizeof(path), "%s/STMT-2.pdf", dir);
    cr_assert_eq(stat(path, &st), 0);
    snprintf(path, sizeof(path), "%s/STMT-3.txt", dir);
    cr_assert_neq(stat(path, &st), 0);
}

Test(cycle_ar, statements_again_issue_nothing)
{
    statement_data();
    rcm_statement_report rep;
    cr_assert_eq(rcm_statements(fx.cy, NULL, &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.statements, 2);
    cr_assert_eq(rcm_statements(fx.cy, NULL, &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.statements, 0);
    cr_assert_eq(rep.already, 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement"), 2);
    /* H pays 4.00: the balance changed, a new statement for H only */
    int64_t h = cyfx_int(&fx, "SELECT claim_id FROM claim JOIN patient USING (patient_id) WHERE mrn = 'H1'");
    arfx_ledger(&fx, h, 0, NULL, "patient_payment", "", "", -400, CYFX_TODAY, 0);
    cr_assert_eq(rcm_statements(fx.cy, NULL, &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.statements, 1);
    cr_assert_eq(rep.total_cents, 600);
    cr_assert_eq(rep.already, 1);
    /* a month later B has not paid: B and H get new statements */
    rcm_cycle_set_today(fx.cy, arfx_day("2022-08-01"));
    cr_assert_eq(rcm_statements(fx.cy, NULL, &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.statements, 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement"), 5);
}

Test(cycle_ar, statements_failure_leaves_nothing)
{
    statement_data();
    char path[400];
    snprintf(path, sizeof(path), "%s/a-file", fx.dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fclose(fp);
    rcm_statement_report rep;
    cr_assert_eq(rcm_statements(fx.cy, path, &rep, &fx.err), RCM_EIO);
    cr_assert(strstr(fx.err.msg, "not a folder") != NULL, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement"), 0);
    /* the second statement's PDF cannot be written (a folder holds its name): nothing is recorded and the
       first statement's files, written already, are removed */
    char dir[400], sub[450];
    snprintf(dir, sizeof(dir), "%s/out", fx.dir);
    cr_assert_eq(mkdir(dir, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/STMT-2.pdf", dir);
    cr_assert_eq(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof(sub), "%s/STMT-2.pdf/x", dir);
    fp = fopen(sub, "w");
    cr_assert_not_null(fp);
    fclose(fp);
    cr_assert_eq(rcm_statements(fx.cy, dir, &rep, &fx.err), RCM_EIO);
    cr_assert(strstr(fx.err.msg, "STMT-2.pdf") != NULL, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM statement_line"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT COUNT(*) FROM audit_log WHERE entity = 'statement'"), 0);
    struct stat st;
    snprintf(sub, sizeof(sub), "%s/STMT-1.txt", dir);
    cr_assert_neq(stat(sub, &st), 0, "a file of a statement not recorded was left");
    snprintf(sub, sizeof(sub), "%s/STMT-1.pdf", dir);
    cr_assert_neq(stat(sub, &st), 0);
    snprintf(sub, sizeof(sub), "%s/STMT-2.txt", dir);
    cr_assert_neq(stat(sub, &st), 0);
}

Test(cycle_ar, statements_nothing_owed)
{
    rcm_statement_report rep;
    cr_assert_eq(rcm_statements(fx.cy, NULL, &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.statements, 0);
    cr_assert_eq(rep.total_cents, 0);
}
