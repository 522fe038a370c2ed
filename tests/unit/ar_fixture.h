/*
 * Rows for the AR and metrics tests, written straight into a cycle fixture's
 * store (cycle_fixture.h) so that every amount is one the test chose and can
 * add up by hand: patients, coverages, encounters, claims and their lines,
 * ledger rows, remittances, denials, appeals.
 *
 * Ids are MAX + 1 of their table. Dates are "YYYY-MM-DD". Amounts are cents.
 * Header-only: each test file that includes it gets its own static copies.
 */
#ifndef AR_FIXTURE_H
#define AR_FIXTURE_H

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cycle_fixture.h"
#include "rcm/ar.h"

static inline rcm_date arfx_day(const char *iso)
{
    rcm_date d = RCM_DATE_NONE;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c(iso)), 0, "bad date %s", iso);
    return d;
}

static inline void arfx_sql(cyfx *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void arfx_sql(cyfx *f, const char *fmt, ...)
{
    char sql[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    cr_assert(n > 0 && (size_t)n < sizeof(sql));
    cyfx_exec(f, sql);
}

static inline int64_t arfx_last(cyfx *f, const char *table, const char *col)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT MAX(%s) FROM %s", col, table);
    return cyfx_int(f, sql);
}

static inline int64_t arfx_payer(cyfx *f, const char *code)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT payer_id FROM payer WHERE code = '%s'", code);
    return cyfx_int(f, sql);
}

static inline int64_t arfx_provider(cyfx *f, const char *npi)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT provider_id FROM provider WHERE npi = '%s'", npi);
    return cyfx_int(f, sql);
}

/* A patient (address 45 OAK LANE, FRANKLIN TN 37064) with a coverage of seq P (and S when payer2). */
static inline int64_t arfx_patient(cyfx *f, const char *mrn, const char *last, const char *first, const char *payer,
                                   const char *payer2)
{
    arfx_sql(f,
             "INSERT INTO patient (patient_id, practice_id, mrn, last, first, middle, dob, sex, addr1, addr2, city,"
             " state, zip, phone) SELECT COALESCE(MAX(patient_id), 0) + 1, 1, '%s', '%s', '%s', '', %d, 'F',"
             " '45 OAK LANE', '', 'FRANKLIN', 'TN', '37064', '6155550142' FROM patient",
             mrn, last, first, (int)arfx_day("1950-02-03"));
    int64_t id = arfx_last(f, "patient", "patient_id");
    const char *payers[2] = { payer, payer2 };
    for (int i = 0; i < 2; i++) {
        if (!payers[i])
            continue;
        arfx_sql(f,
                 "INSERT INTO coverage (coverage_id, patient_id, payer_id, seq, member_id, group_no, group_name,"
                 " relation, sub_last, sub_first, sub_dob, sub_sex, sub_addr1, sub_city, sub_state, sub_zip,"
                 " eff_from, eff_to) SELECT COALESCE(MAX(coverage_id), 0) + 1, %lld, %lld, '%s', 'M%lld', '', '',"
                 " '18', '', '', NULL, '', '', '', '', '', %d, NULL FROM coverage",
                 (long long)id, (long long)arfx_payer(f, payers[i]), i ? "S" : "P", (long long)id,
                 (int)arfx_day("2020-01-01"));
    }
    return id;
}

static inline int64_t arfx_coverage(cyfx *f, int64_t patient, const char *seq)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT coverage_id FROM coverage WHERE patient_id = %lld AND seq = '%s'",
             (long long)patient, seq);
    return cyfx_int(f, sql);
}

static inline int64_t arfx_encounter(cyfx *f, int64_t patient, const char *npi, const char *dos)
{
    rcm_date d = arfx_day(dos);
    arfx_sql(f,
             "INSERT INTO encounter (encounter_id, practice_id, ext_id, patient_id, provider_id, referring_npi,"
             " referring_last, referring_first, dos, dos_to, pos, kind, bill_type, prior_auth, status, documentation,"
             " proposed, source, imported_at) SELECT COALESCE(MAX(encounter_id), 0) + 1, 1,"
             " 'ENC-' || (COALESCE(MAX(encounter_id), 0) + 1), %lld, %lld, '', '', '', %d, %d, '11', 'P', '', '',"
             " 'billed', '{}', '{}', 'test', 0 FROM encounter",
             (long long)patient, (long long)arfx_provider(f, npi), (int)d, (int)d);
    return arfx_last(f, "encounter", "encounter_id");
}

/* A claim, described field by field (NULL/0: the default in brackets). */
typedef struct arfx_claim {
    int64_t encounter;      /* required: patient, provider and date come from it */
    const char *payer;      /* required: payer code; its coverage is seq (P) */
    const char *seq;        /* P */
    char freq;              /* '1' */
    int64_t original, primary; /* the claim a 7 replaces, the claim a secondary follows */
    const char *status;     /* ready */
    int64_t charge;         /* sum of the lines when 0 */
    int scrub_errors;
    const char *coder;      /* coder1 */
    int submissions;
    const char *first_ack, *first_835; /* '' */
    const char *submitted;  /* a date: submitted_at at noon UTC; NULL none */
} arfx_claim;

static inline int64_t arfx_claim_add(cyfx *f, const arfx_claim *c)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT patient_id FROM encounter WHERE encounter_id = %lld", (long long)c->encounter);
    int64_t patient = cyfx_int(f, sql);
    snprintf(sql, sizeof(sql), "SELECT provider_id FROM encounter WHERE encounter_id = %lld", (long long)c->encounter);
    int64_t provider = cyfx_int(f, sql);
    snprintf(sql, sizeof(sql), "SELECT dos FROM encounter WHERE encounter_id = %lld", (long long)c->encounter);
    int64_t dos = cyfx_int(f, sql);
    const char *seq = c->seq ? c->seq : "P";
    char orig[24] = "NULL", prim[24] = "NULL", sub[32] = "NULL";
    if (c->original)
        snprintf(orig, sizeof(orig), "%lld", (long long)c->original);
    if (c->primary)
        snprintf(prim, sizeof(prim), "%lld", (long long)c->primary);
    if (c->submitted)
        snprintf(sub, sizeof(sub), "%lld", (long long)arfx_day(c->submitted) * 86400 + 43200);
    arfx_sql(f,
             "INSERT INTO claim (claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id, coverage_id,"
             " payer_id, seq, kind, freq, original_claim_id, primary_claim_id, original_icn, payer_icn, status,"
             " charge_cents, dos_from, dos_to, scrub_errors, coded_by, created_at, created_by, batch_id, submitted_at,"
             " submitted_by, submissions, acked_at, adjudicated_at, first_ack, first_835)"
             " SELECT COALESCE(MAX(claim_id), 0) + 1, 1, printf('C%%09d', COALESCE(MAX(claim_id), 0) + 1), %lld, %lld,"
             " %lld, %lld, %lld, '%s', 'P', '%c', %s, %s, '', '', '%s', %lld, %lld, %lld, %d, '%s', 0, 'tester', NULL,"
             " %s, NULL, %d, NULL, NULL, '%s', '%s' FROM claim",
             (long long)c->encounter, (long long)patient, (long long)provider,
             (long long)arfx_coverage(f, patient, seq[0] == 'S' ? "S" : "P"), (long long)arfx_payer(f, c->payer), seq,
             c->freq ? c->freq : '1', orig, prim, c->status ? c->status : "ready", (long long)c->charge,
             (long long)dos, (long long)dos, c->scrub_errors, c->coder ? c->coder : "coder1", sub, c->submissions,
             c->first_ack ? c->first_ack : "", c->first_835 ? c->first_835 : "");
    return arfx_last(f, "claim", "claim_id");
}
#define ARFX_CLAIM(f, ...) arfx_claim_add((f), &(arfx_claim){ __VA_ARGS__ })

/* A claim line; the claim's charge_cents becomes the sum of its lines. */
static inline void arfx_line(cyfx *f, int64_t claim, int line_no, const char *code, int64_t charge)
{
    arfx_sql(f,
             "INSERT INTO claim_line (claim_id, line_no, code, mod1, mod2, mod3, mod4, units_milli, charge_cents, ptr1,"
             " ptr2, ptr3, ptr4, dos, rev_code) SELECT %lld, %d, '%s', '', '', '', '', 1000, %lld, 1, 0, 0, 0, dos_from,"
             " '' FROM claim WHERE claim_id = %lld",
             (long long)claim, line_no, code, (long long)charge, (long long)claim);
    arfx_sql(f,
             "UPDATE claim SET charge_cents = (SELECT SUM(charge_cents) FROM claim_line WHERE claim_id = %lld)"
             " WHERE claim_id = %lld",
             (long long)claim, (long long)claim);
}

/*
 * A ledger row: party is a payer code or NULL (the patient); kind as stored;
 * effective a date. Returns its entry id.
 */
static inline int64_t arfx_ledger(cyfx *f, int64_t claim, int line_no, const char *party, const char *kind,
                                  const char *group, const char *carc, int64_t amount, const char *effective,
                                  int64_t reverses)
{
    char payer[24] = "NULL", rev[24] = "NULL";
    if (party)
        snprintf(payer, sizeof(payer), "%lld", (long long)arfx_payer(f, party));
    if (reverses)
        snprintf(rev, sizeof(rev), "%lld", (long long)reverses);
    arfx_sql(f,
             "INSERT INTO ledger (entry_id, practice_id, claim_id, line_no, patient_id, payer_id, kind, group_code,"
             " carc, amount_cents, remit_id, remit_claim_id, reverses, effective, at, user_name, memo)"
             " SELECT (SELECT COALESCE(MAX(entry_id), 0) + 1 FROM ledger), 1, %lld, %d, patient_id, %s, '%s', '%s',"
             " '%s', %lld, NULL, NULL, %s, %d, 0, 'tester', '' FROM claim WHERE claim_id = %lld",
             (long long)claim, line_no, payer, kind, group ? group : "", carc ? carc : "", (long long)amount, rev,
             (int)arfx_day(effective), (long long)claim);
    return arfx_last(f, "ledger", "entry_id");
}

/* A charge row per line, on the claim's payer, effective the date given. */
static inline void arfx_charges(cyfx *f, int64_t claim, const char *payer, const char *effective)
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM claim_line WHERE claim_id = %lld", (long long)claim);
    int64_t n = cyfx_int(f, sql);
    for (int64_t i = 1; i <= n; i++) {
        snprintf(sql, sizeof(sql), "SELECT charge_cents FROM claim_line WHERE claim_id = %lld AND line_no = %lld",
                 (long long)claim, (long long)i);
        arfx_ledger(f, claim, (int)i, payer, "charge", "", "", cyfx_int(f, sql), effective, 0);
    }
}

/*
 * A line adjudicated: payment, contractual (CO-45) and the patient's share
 * (group PR with carc, transferred from the payer to the patient); zeros
 * write no row.
 */
static inline void arfx_paid_line(cyfx *f, int64_t claim, int line_no, const char *payer, int64_t paid,
                                  int64_t contractual, const char *pr_carc, int64_t patient, const char *effective)
{
    if (paid)
        arfx_ledger(f, claim, line_no, payer, "payment", "", "", -paid, effective, 0);
    if (contractual)
        arfx_ledger(f, claim, line_no, payer, "adjustment", "CO", "45", -contractual, effective, 0);
    if (patient) {
        arfx_ledger(f, claim, line_no, payer, "transfer", "PR", pr_carc, -patient, effective, 0);
        arfx_ledger(f, claim, line_no, NULL, "transfer", "PR", pr_carc, patient, effective, 0);
    }
}

/* A remittance (835) of a payer paid on a date, and the claim's remit_claim row in it; returns the latter. */
static inline int64_t arfx_remit_claim(cyfx *f, int64_t claim, const char *payer, const char *paid_on)
{
    if (cyfx_int(f, "SELECT COUNT(*) FROM x12_file WHERE file_id = 1") == 0)
        cyfx_exec(f, "INSERT INTO x12_file (file_id, sha256, kind, direction, name, size, at, user_name, body)"
                     " VALUES (1, 'test', '835', 'in', 'test.835', 0, 0, 'tester', '')");
    arfx_sql(f,
             "INSERT INTO remit (remit_id, practice_id, file_id, st_control, trace_payer, trace, payer_id, payer_name,"
             " payment_cents, method, payment_date, claims, plb_cents, posted_at, posted_by)"
             " SELECT COALESCE(MAX(remit_id), 0) + 1, 1, 1, '0001', 'T', 'TRACE' || (COALESCE(MAX(remit_id), 0) + 1),"
             " %lld, 'PAYER', 0, 'ACH', %d, 1, 0, 0, 'tester' FROM remit",
             (long long)arfx_payer(f, payer), (int)arfx_day(paid_on));
    int64_t remit = arfx_last(f, "remit", "remit_id");
    arfx_sql(f,
             "INSERT INTO remit_claim (remit_claim_id, remit_id, seq, claim_id, clp01, status, charge_cents, paid_cents,"
             " patient_cents, payer_icn, segment) SELECT COALESCE(MAX(remit_claim_id), 0) + 1, %lld, 1, %lld, 'X', '1',"
             " 0, 0, 0, '', 0 FROM remit_claim",
             (long long)remit, (long long)claim);
    return arfx_last(f, "remit_claim", "remit_claim_id");
}

static inline int64_t arfx_denial(cyfx *f, int64_t claim, int line_no, int64_t remit_claim, const char *group,
                                  const char *carc, const char *rarc, int64_t amount, const char *route,
                                  const char *root, const char *status)
{
    arfx_sql(f,
             "INSERT INTO denial (denial_id, claim_id, line_no, remit_claim_id, group_code, carc, rarc, amount_cents,"
             " route, root, status, created_at) SELECT COALESCE(MAX(denial_id), 0) + 1, %lld, %d, %lld, '%s', '%s',"
             " '%s', %lld, '%s', '%s', '%s', 0 FROM denial",
             (long long)claim, line_no, (long long)remit_claim, group, carc, rarc, (long long)amount, route, root,
             status);
    return arfx_last(f, "denial", "denial_id");
}

static inline void arfx_appeal(cyfx *f, int64_t denial, int64_t claim, const char *filed, const char *deadline)
{
    arfx_sql(f,
             "INSERT INTO appeal (appeal_id, denial_id, claim_id, level, filed, deadline, status, note, created_at,"
             " created_by) SELECT COALESCE(MAX(appeal_id), 0) + 1, %lld, %lld, 1, %d, %d, 'filed', '', 0, 'tester'"
             " FROM appeal",
             (long long)denial, (long long)claim, (int)arfx_day(filed), (int)arfx_day(deadline));
}

/*
 * The worked example of docs/metrics.md: June 2022 at the fixture's practice
 * (business date 2022-07-01). Claims 1..11 in this order:
 *   1  MCR   OKAFOR coder1 06-02 99213 150.00 + 36415 15.00  paid first time
 *   2  MCR   OKAFOR coder1 06-05 99214 215.00   denied CO-50 (built with a scrubber error)
 *   3  BCBS  CHEN   coder2 06-10 99203 170.00 + 93000 45.00  999-rejected, resubmitted, paid
 *   4  BCBS  CHEN   coder2 06-12 99215 295.00 + 36415 15.00  partial: line 2 denied CO-97
 *   5  AETNA OKAFOR coder1 06-15 99212 90.00    denied CO-4, replaced by claim 6
 *   6  AETNA (claim 5's replacement, corrected by coder2)    paid
 *   7  MCR   CHEN   coder2 06-20 99213 150.00   paid; its CO-45 appealed
 *   8  MCR   OKAFOR coder1 06-25 99204 255.00   ready, not sent
 *   9  BCBS  OKAFOR coder1 06-28 99213 150.00   accepted, no remittance yet
 *  10  BCBS  secondary of claim 1                paid the patient's 19.10
 *  11  MCR   CHEN   coder2 03-15 99214 215.00   accepted, no remittance (outside June)
 * Patients: A (claims 1, 2, 10; MCR and secondary BCBS), B (3, 5, 6), C (4), D (7, 8), E (9), F (11).
 */
static inline void arfx_example(cyfx *f)
{
    int64_t pa = arfx_patient(f, "A1", "ADAMS", "ANN", "MCR", "BCBS");
    int64_t pb = arfx_patient(f, "B1", "BAKER", "BETH", "BCBS", NULL);
    int64_t pc = arfx_patient(f, "C1", "CLARK", "CARL", "BCBS", NULL);
    int64_t pd = arfx_patient(f, "D1", "DAVIS", "DORA", "MCR", NULL);
    int64_t pe = arfx_patient(f, "E1", "EVANS", "EVE", "BCBS", NULL);
    int64_t pf = arfx_patient(f, "F1", "FOSTER", "FAY", "MCR", NULL);

    int64_t e1 = arfx_encounter(f, pa, CYFX_NPI1, "2022-06-02");
    int64_t c1 = ARFX_CLAIM(f, .encounter = e1, .payer = "MCR", .status = "paid", .submissions = 1,
                            .first_ack = "accepted", .first_835 = "paid", .submitted = "2022-06-03");
    arfx_line(f, c1, 1, "99213", 15000);
    arfx_line(f, c1, 2, "36415", 1500);
    arfx_charges(f, c1, "MCR", "2022-06-02");
    arfx_remit_claim(f, c1, "MCR", "2022-06-20");
    arfx_paid_line(f, c1, 1, "MCR", 7400, 5750, "2", 1850, "2022-06-20");
    arfx_paid_line(f, c1, 2, "MCR", 240, 1200, "2", 60, "2022-06-20");

    int64_t e2 = arfx_encounter(f, pa, CYFX_NPI1, "2022-06-05");
    int64_t c2 = ARFX_CLAIM(f, .encounter = e2, .payer = "MCR", .status = "denied", .scrub_errors = 1,
                            .submissions = 1, .first_ack = "accepted", .first_835 = "denied",
                            .submitted = "2022-06-06");
    arfx_line(f, c2, 1, "99214", 21500);
    arfx_charges(f, c2, "MCR", "2022-06-05");
    int64_t r2 = arfx_remit_claim(f, c2, "MCR", "2022-06-22");
    arfx_denial(f, c2, 1, r2, "CO", "50", "", 21500, "coder", "medical-necessity", "open");

    int64_t e3 = arfx_encounter(f, pb, CYFX_NPI2, "2022-06-10");
    int64_t c3 = ARFX_CLAIM(f, .encounter = e3, .payer = "BCBS", .status = "paid", .coder = "coder2",
                            .submissions = 2, .first_ack = "rejected", .first_835 = "paid", .submitted = "2022-06-11");
    arfx_line(f, c3, 1, "99203", 17000);
    arfx_line(f, c3, 2, "93000", 4500);
    arfx_charges(f, c3, "BCBS", "2022-06-10");
    arfx_remit_claim(f, c3, "BCBS", "2022-06-25");
    arfx_paid_line(f, c3, 1, "BCBS", 10000, 4500, "1", 2500, "2022-06-25");
    arfx_paid_line(f, c3, 2, "BCBS", 1760, 2300, "1", 440, "2022-06-25");
    arfx_ledger(f, c3, 0, NULL, "patient_payment", "", "", -940, "2022-07-01", 0);

    int64_t e4 = arfx_encounter(f, pc, CYFX_NPI2, "2022-06-12");
    int64_t c4 = ARFX_CLAIM(f, .encounter = e4, .payer = "BCBS", .status = "partial", .coder = "coder2",
                            .submissions = 1, .first_ack = "accepted", .first_835 = "partial",
                            .submitted = "2022-06-13");
    arfx_line(f, c4, 1, "99215", 29500);
    arfx_line(f, c4, 2, "36415", 1500);
    arfx_charges(f, c4, "BCBS", "2022-06-12");
    int64_t r4 = arfx_remit_claim(f, c4, "BCBS", "2022-06-26");
    arfx_paid_line(f, c4, 1, "BCBS", 16400, 9000, "2", 4100, "2022-06-26");
    arfx_denial(f, c4, 2, r4, "CO", "97", "", 1500, "coder", "bundling", "open");

    int64_t e5 = arfx_encounter(f, pb, CYFX_NPI1, "2022-06-15");
    int64_t c5 = ARFX_CLAIM(f, .encounter = e5, .payer = "AETNA", .status = "replaced", .submissions = 1,
                            .first_ack = "accepted", .first_835 = "denied", .submitted = "2022-06-16");
    arfx_line(f, c5, 1, "99212", 9000);
    arfx_charges(f, c5, "AETNA", "2022-06-15");
    int64_t r5 = arfx_remit_claim(f, c5, "AETNA", "2022-06-27");
    arfx_denial(f, c5, 1, r5, "CO", "4", "", 9000, "coder", "modifier", "corrected");
    int64_t c6 = ARFX_CLAIM(f, .encounter = e5, .payer = "AETNA", .freq = '7', .original = c5, .status = "paid",
                            .coder = "coder2", .submissions = 1, .first_ack = "accepted", .first_835 = "paid",
                            .submitted = "2022-06-28");
    arfx_line(f, c6, 1, "99212", 9000);
    arfx_ledger(f, c5, 0, "AETNA", "transfer", "", "", -9000, "2022-06-28", 0);
    arfx_ledger(f, c6, 0, "AETNA", "transfer", "", "", 9000, "2022-06-28", 0);
    arfx_remit_claim(f, c6, "AETNA", "2022-06-29");
    arfx_paid_line(f, c6, 1, "AETNA", 6000, 2000, "2", 1000, "2022-06-29");

    int64_t e7 = arfx_encounter(f, pd, CYFX_NPI2, "2022-06-20");
    int64_t c7 = ARFX_CLAIM(f, .encounter = e7, .payer = "MCR", .status = "paid", .coder = "coder2",
                            .submissions = 1, .first_ack = "accepted", .first_835 = "paid", .submitted = "2022-06-21");
    arfx_line(f, c7, 1, "99213", 15000);
    arfx_charges(f, c7, "MCR", "2022-06-20");
    int64_t r7 = arfx_remit_claim(f, c7, "MCR", "2022-06-24");
    arfx_paid_line(f, c7, 1, "MCR", 6000, 7500, "2", 1500, "2022-06-24");
    arfx_ledger(f, c7, 0, NULL, "patient_payment", "", "", -1500, "2022-06-29", 0);
    int64_t d7 = arfx_denial(f, c7, 1, r7, "CO", "45", "", 7500, "auto", "contractual", "appealed");
    arfx_appeal(f, d7, c7, "2022-06-28", "2022-10-22");

    int64_t e8 = arfx_encounter(f, pd, CYFX_NPI1, "2022-06-25");
    int64_t c8 = ARFX_CLAIM(f, .encounter = e8, .payer = "MCR", .status = "ready");
    arfx_line(f, c8, 1, "99204", 25500);
    arfx_charges(f, c8, "MCR", "2022-06-25");

    int64_t e9 = arfx_encounter(f, pe, CYFX_NPI1, "2022-06-28");
    int64_t c9 = ARFX_CLAIM(f, .encounter = e9, .payer = "BCBS", .status = "accepted", .submissions = 1,
                            .first_ack = "accepted", .submitted = "2022-06-29");
    arfx_line(f, c9, 1, "99213", 15000);
    arfx_charges(f, c9, "BCBS", "2022-06-28");

    int64_t c10 = ARFX_CLAIM(f, .encounter = e1, .payer = "BCBS", .seq = "S", .primary = c1, .status = "paid",
                             .submissions = 1, .first_ack = "accepted", .first_835 = "paid", .submitted = "2022-06-21");
    arfx_ledger(f, c1, 0, NULL, "transfer", "", "", -1910, "2022-06-21", 0);
    arfx_ledger(f, c10, 0, "BCBS", "transfer", "", "", 1910, "2022-06-21", 0);
    arfx_remit_claim(f, c10, "BCBS", "2022-06-30");
    arfx_ledger(f, c10, 0, "BCBS", "payment", "", "", -1910, "2022-06-30", 0);

    int64_t e11 = arfx_encounter(f, pf, CYFX_NPI2, "2022-03-15");
    int64_t c11 = ARFX_CLAIM(f, .encounter = e11, .payer = "MCR", .status = "accepted", .coder = "coder2",
                             .submissions = 1, .first_ack = "accepted", .submitted = "2022-03-16");
    arfx_line(f, c11, 1, "99214", 21500);
    arfx_charges(f, c11, "MCR", "2022-03-15");
    cr_assert_eq(c11, 11);
    cr_assert_eq(c10, 10);
}

#endif
