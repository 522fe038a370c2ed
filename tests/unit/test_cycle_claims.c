/*
 * Claims (lib/cycle/claims.c): the claim an encounter assembles into, what
 * rcm_claims_build writes (claims, lines, charges, findings, holds, work
 * items, numbers), cycle_claim_create as corrections and secondary claims
 * call it, and rcm_claim_find/show.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "rcm/x12write.h"
#include "rcm/x12read.h"
#include "rcm/json.h"
#include "rcm/audit.h"
#include "../../lib/cycle/cycle_internal.h"

/* ---- helpers ---- */

static const char *rules_of(const rcm_findings *fl, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < fl->n && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%s(%s)", i ? ", " : "", fl->v[i].rule, fl->v[i].message);
    return out;
}

/* Scrubs c with the cycle's engine into fl (reset first). */
static void scrub(cyfx *f, const rcm_claim *c, rcm_findings *fl)
{
    const rcm_scrub *s = NULL;
    cr_assert_eq(cycle_scrubber(f->cy, &s, &f->err), 0, "%s", f->err.msg);
    rcm_findings_reset(fl);
    cr_assert_geq(rcm_scrub_claim(s, c, 0, fl), 0);
}

typedef struct readback {
    long claims, problems;
    char first[256];
    char ids[8][39];
} readback;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    readback *r = ctx;
    if (!r->problems++)
        snprintf(r->first, sizeof(r->first), "segment %ld '%s' element %d: %s", p->segment, p->seg_id, p->element,
                 p->msg);
    return 0;
}

static int on_claim(void *ctx, const rcm_claim *c)
{
    readback *r = ctx;
    if (r->claims < 8)
        snprintf(r->ids[r->claims], sizeof(r->ids[0]), "%s", c->id);
    r->claims++;
    return 0;
}

/* Writes c as an 837 of its kind and reads it back: the problems found (asserts the writer takes it). */
static readback write_read(const rcm_claim *c)
{
    rcm_x12_write_opts o;
    rcm_x12_write_opts_init(&o, c->kind);
    o.date = rcm_date_from_ymd(2022, 7, 1);
    memcpy(o.time, "1200", 5);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_writer *w = NULL;
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_x12_writer_add(w, c, &err), 0, "the 837 writer refused claim %s: %s", c->id, err.msg);
    cr_assert_eq(rcm_x12_writer_finish(w, &err), 0, "%s", err.msg);
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 24);
    cr_assert_eq(rcm_x12_writer_take(w, &b), 0);
    rcm_x12_writer_free(w);
    readback r;
    memset(&r, 0, sizeof(r));
    rcm_x12_reader *xr = NULL;
    cr_assert_eq(rcm_x12_open_mem(&xr, b.ptr, b.len, "claim.837", &err), 0, "%s", err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &r;
    cb.problem = on_problem;
    cb.claim = on_claim;
    cr_assert_eq(rcm_x12_read(xr, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(xr);
    rcm_buf_release(&b);
    return r;
}

static int64_t claim_int(cyfx *f, const char *fmt, int64_t id)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, (long long)id);
    return cyfx_int(f, sql);
}

static const char *claim_text(cyfx *f, const char *fmt, int64_t id)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, (long long)id);
    return cyfx_text(f, sql);
}

/* ---- clean encounters assemble into clean claims that the 837 writer takes ---- */

typedef struct clean_case {
    const char *name;
    cyfx_spec spec;
    char kind;
} clean_case;

static const clean_case clean_cases[] = {
    { "medicare, self", { .id = "CLEAN-1", .payer = "MCR", .dx = "E11.65,I10", .lines = "99214:25:1:1,2;36415::1:1" },
      'P' },
    { "commercial, spouse's plan (2000C patient)",
      { .id = "CLEAN-2", .payer = "BCBS", .relation = "01", .dx = "J06.9", .lines = "99213" }, 'P' },
    { "referring provider, prior authorization, 2 units",
      { .id = "CLEAN-3", .payer = "AETNA", .referring = "1245319599", .prior_auth = "AUTH12345", .dx = "M17.11",
        .lines = "20610:RT:1:1;J1100::2:1", .provider = CYFX_NPI2 },
      'P' },
    { "institutional outpatient (837I 131)",
      { .id = "CLEAN-4", .payer = "MCR", .kind = 'I', .dx = "R07.9,I10", .lines = "99283::1::0450;93000::1::0730" },
      'I' },
    { "institutional inpatient type of bill (837I 111)",
      { .id = "CLEAN-5", .payer = "BCBS", .kind = 'I', .bill_type = "111", .dx = "J18.9", .lines = "99283::1::0450" },
      'I' },
};

Test(cycle_claims, clean_encounters_assemble_into_claims_without_findings)
{
    cyfx f;
    cyfx_open(&f);
    rcm_findings fl;
    rcm_findings_init(&fl);
    char buf[1024];
    for (size_t i = 0; i < sizeof(clean_cases) / sizeof(clean_cases[0]); i++) {
        const clean_case *t = &clean_cases[i];
        int64_t enc = cyfx_add_spec(&f, &t->spec);
        cyfx_code(&f, enc, &fl);
        cr_expect_eq(fl.n, 0, "%s: the coder sees %s", t->name, rules_of(&fl, buf, sizeof(buf)));
        arena mem;
        arena_init(&mem, 1 << 16, (size_t)16 << 20);
        rcm_claim c;
        cr_assert_eq(cycle_encounter_claim(f.cy, enc, &c, &mem, &f.err), 0, "%s: %s", t->name, f.err.msg);
        cr_expect_eq(c.kind, t->kind, "%s", t->name);
        scrub(&f, &c, &fl);
        cr_expect_eq(fl.n, 0, "%s: %s", t->name, rules_of(&fl, buf, sizeof(buf)));
        readback r = write_read(&c);
        cr_expect_eq(r.problems, 0, "%s: the 837 reads back with %ld problems, first %s", t->name, r.problems,
                     r.first);
        cr_expect_eq(r.claims, 1, "%s", t->name);
        arena_release(&mem);
        cyfx_sign(&f, enc);
    }
    rcm_build_report rep;
    cr_assert_eq(cyfx_bill(&f, &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 5);
    cr_assert_eq(rep.ready, 5);
    cr_assert_eq(rep.held, 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim_finding"), 0);
    /* the stored claims assemble clean too, and the submission writes them */
    for (size_t i = 0; i < sizeof(clean_cases) / sizeof(clean_cases[0]); i++) {
        const clean_case *t = &clean_cases[i];
        int64_t id = cyfx_claim_of(&f, t->spec.id);
        arena mem;
        arena_init(&mem, 1 << 16, (size_t)16 << 20);
        rcm_claim c;
        cr_assert_eq(cycle_claim_assemble(f.cy, id, &c, &mem, &f.err), 0, "%s: %s", t->name, f.err.msg);
        scrub(&f, &c, &fl);
        cr_expect_eq(fl.n, 0, "%s: %s", t->name, rules_of(&fl, buf, sizeof(buf)));
        readback r = write_read(&c);
        cr_expect_eq(r.problems, 0, "%s: %s", t->name, r.first);
        cr_expect_str_eq(r.ids[0], claim_text(&f, "SELECT claim_no FROM claim WHERE claim_id = %lld", id));
        arena_release(&mem);
    }
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

Test(cycle_claims, assembled_claim_carries_the_practice_payer_parties_and_codes)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-1", .payer = "BCBS", .relation = "01", .referring = "1245319599",
                                    .prior_auth = "PA-77", .dx = "E11.65,I10", .lines = "99214:25:1:1,2;36415::2:2" });
    cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-2", .kind = 'I', .payer = "MCR", .dx = "R07.9",
                                    .lines = "99283::1::0450" });
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)16 << 20);
    rcm_claim c;
    cr_assert_eq(cycle_claim_assemble(f.cy, cyfx_claim_of(&f, "ENC-1"), &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.kind, 'P');
    cr_assert_str_eq(c.id, "C000000001");
    /* 1000A/B, 2010AA */
    cr_assert_str_eq(c.submitter.id, "RIVERSIDE01");
    cr_assert_str_eq(c.submitter.phone, "6155550100");
    cr_assert_str_eq(c.receiver.id, "CLEARHOUSE");
    cr_assert_str_eq(c.billing.entity, "85");
    cr_assert_eq(c.billing.type, '2');
    cr_assert_str_eq(c.billing.id_qual, "XX");
    cr_assert_str_eq(c.billing.id, CYFX_PRACTICE_NPI);
    cr_assert_str_eq(c.billing.tax_id_qual, "EI");
    cr_assert_str_eq(c.billing.tax_id, "621234567");
    cr_assert_str_eq(c.billing.taxonomy, "207Q00000X");
    cr_assert_str_eq(c.billing.zip, "372031234");
    /* 2000B/2010BA/2010BB/2000C: the spouse is the subscriber */
    cr_assert_eq(c.payer_seq, 'P');
    cr_assert_str_eq(c.subscriber_rel, "");
    cr_assert_str_eq(c.filing, "BL");
    cr_assert_str_eq(c.subscriber.last, "SUBSCRIBER");
    cr_assert_str_eq(c.subscriber.id_qual, "MI");
    cr_assert_str_eq(c.subscriber.id, "XYZ123456789");
    cr_assert_eq(c.subscriber_dob, rcm_date_from_ymd(1948, 5, 5));
    cr_assert_str_eq(c.payer.id_qual, "PI");
    cr_assert_str_eq(c.payer.id, "BCBST");
    cr_assert_str_eq(c.payer.last, "BLUECROSS BLUESHIELD OF TENNESSEE");
    cr_assert_eq(c.patient.present, 1);
    cr_assert_str_eq(c.patient_rel, "01");
    cr_assert_str_eq(c.patient.last, "TESTER");
    cr_assert_eq(c.patient_dob, rcm_date_from_ymd(1950, 2, 3));
    cr_assert_eq(c.patient_sex, 'F');
    /* 2300 */
    cr_assert_eq(c.charge_cents, 21500 + 3000);
    cr_assert_str_eq(c.pos, "11");
    cr_assert_eq(c.facility_qual, 'B');
    cr_assert_eq(c.freq, '1');
    cr_assert(c.signature == 'Y' && c.assignment == 'A' && c.benefits == 'Y' && c.release == 'Y');
    cr_assert_str_eq(c.prior_auth, "PA-77");
    cr_assert_str_eq(c.dx_qual, "ABK");
    cr_assert_eq(c.n_dx, 2);
    cr_assert_str_eq(c.dx[0], "E1165");
    cr_assert_str_eq(c.dx[1], "I10");
    /* 2310A/B */
    cr_assert_str_eq(c.rendering.id, CYFX_NPI1);
    cr_assert_str_eq(c.rendering.last, "OKAFOR");
    cr_assert_str_eq(c.rendering.taxonomy, "207Q00000X");
    cr_assert_str_eq(c.referring.entity, "DN");
    cr_assert_str_eq(c.referring.id, "1245319599");
    /* 2400 */
    cr_assert_eq(c.n_lines, 2);
    cr_assert_str_eq(c.lines[0].qual, "HC");
    cr_assert_str_eq(c.lines[0].code, "99214");
    cr_assert_str_eq(c.lines[0].mods[0], "25");
    cr_assert_eq(c.lines[0].charge_cents, 21500);
    cr_assert_str_eq(c.lines[0].unit_type, "UN");
    cr_assert_eq(c.lines[0].units_milli, 1000);
    cr_assert_eq(c.lines[0].dx_ptr[0], 1);
    cr_assert_eq(c.lines[0].dx_ptr[1], 2);
    cr_assert_eq(c.lines[0].from, rcm_date_from_ymd(2022, 6, 15));
    cr_assert_eq(c.lines[1].units_milli, 2000);
    cr_assert_eq(c.lines[1].charge_cents, 3000, "15.00 x 2 units");
    cr_assert_eq(c.lines[1].dx_ptr[0], 2);

    /* 837I: the type of bill, statement dates, revenue codes, the attending provider */
    arena_reset(&mem);
    cr_assert_eq(cycle_claim_assemble(f.cy, cyfx_claim_of(&f, "ENC-2"), &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.kind, 'I');
    cr_assert_str_eq(c.pos, "13");
    cr_assert_eq(c.facility_qual, 'A');
    cr_assert_eq(c.freq, '1');
    cr_assert_eq(c.statement_from, rcm_date_from_ymd(2022, 6, 15));
    cr_assert_eq(c.statement_to, rcm_date_from_ymd(2022, 6, 15));
    cr_assert_str_eq(c.patient_status, "01");
    cr_assert_str_eq(c.lines[0].revenue_code, "0450");
    cr_assert_eq(c.lines[0].dx_ptr[0], 0);
    cr_assert_eq(c.attending.present, 1);
    cr_assert_str_eq(c.attending.id, CYFX_NPI1);
    cr_assert_eq(c.rendering.present, 0);
    cr_assert_str_eq(c.filing, "MB");
    arena_release(&mem);
    cyfx_close(&f);
}

/* ---- charges ---- */

typedef struct fee_case {
    const char *lines;
    int64_t cents[3];           /* each line's charge */
} fee_case;

Test(cycle_claims, charges_come_from_the_fee_schedule_times_units)
{
    static const fee_case cases[] = {
        { "99213", { 15000 } },
        { "99213::2", { 30000 } },
        { "20610:RT;20610:LT", { 17500, 16000 } },  /* the RT fee; LT has none: the code's '' fee */
        { "J1100::2.5", { 2000 } },                 /* 8.00 x 2.5 */
        { "97110::0.5", { 8 } },                    /* 0.15 x 0.5 = 0.075: half up to 0.08 */
        { "97110::0.333", { 5 } },                  /* 0.04995 */
    };
    cyfx f;
    cyfx_open(&f);
    cyfx_exec(&f, "INSERT INTO fee (practice_id, code, modifier, charge_cents) VALUES (1, '20610', 'RT', 17500),"
                  " (1, '97110', '', 15)");
    char id[32];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(id, sizeof(id), "FEE-%zu", i);
        cyfx_add(&f, id, NULL, "AETNA", "M17.11", cases[i].lines);
    }
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        snprintf(id, sizeof(id), "FEE-%zu", i);
        int64_t claim = cyfx_claim_of(&f, id);
        int64_t total = 0;
        for (int k = 0; k < 3 && cases[i].cents[k]; k++) {
            char sql[160];
            snprintf(sql, sizeof(sql), "SELECT charge_cents FROM claim_line WHERE claim_id = %lld AND line_no = %d",
                     (long long)claim, k + 1);
            cr_expect_eq(cyfx_int(&f, sql), cases[i].cents[k], "%s line %d", cases[i].lines, k + 1);
            total += cases[i].cents[k];
        }
        cr_expect_eq(claim_int(&f, "SELECT charge_cents FROM claim WHERE claim_id = %lld", claim), total, "%s",
                     cases[i].lines);
        cr_expect_str_eq(claim_text(&f, "SELECT status FROM claim WHERE claim_id = %lld", claim), "ready", "%s",
                         cases[i].lines);
    }
    cyfx_close(&f);
}

Test(cycle_claims, ledger_charge_rows_equal_the_claim_charges)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415::1:1");
    cyfx_add(&f, "ENC-2", "2022-06-16", "BCBS", "I10", "99213;93000");
    cyfx_add(&f, "ENC-3", "2022-06-17", "AETNA", "M17.11", "20610:RT::1;J1100::3:1");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim"), 3);
    /* one charge row per line, the line's charge, owed by the claim's payer, on the date of service */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ledger"), 6);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ledger l JOIN claim_line cl ON cl.claim_id = l.claim_id"
                              " AND cl.line_no = l.line_no JOIN claim c ON c.claim_id = l.claim_id"
                              " WHERE l.kind = 'charge' AND l.amount_cents = cl.charge_cents"
                              " AND l.payer_id = c.payer_id AND l.patient_id = c.patient_id"
                              " AND l.effective = cl.dos AND l.user_name = 'tester' AND l.at = 1656676800"),
                 6);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim c WHERE c.charge_cents <> (SELECT SUM(amount_cents)"
                              " FROM ledger l WHERE l.claim_id = c.claim_id AND l.kind = 'charge')"),
                 0);
    cr_assert_eq(cyfx_int(&f, "SELECT SUM(amount_cents) FROM ledger"), 21500 + 1500 + 15000 + 4500 + 16000 + 2400);
    cyfx_close(&f);
}

/* ---- holds ---- */

Test(cycle_claims, a_missing_fee_holds_the_claim_for_the_biller)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213;99499");     /* 99499: no fee */
    cyfx_add(&f, "ENC-2", NULL, "MCR", "I10", "99212");
    rcm_build_report rep;
    cr_assert_eq(cyfx_bill(&f, &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 2);
    cr_assert_eq(rep.held, 1);
    cr_assert_eq(rep.ready, 1);
    cr_assert_eq(rep.charge_cents, 15000 + 9000);
    int64_t held = cyfx_claim_of(&f, "ENC-1");
    cr_assert_str_eq(claim_text(&f, "SELECT status FROM claim WHERE claim_id = %lld", held), "held");
    cr_assert_eq(claim_int(&f, "SELECT scrub_errors FROM claim WHERE claim_id = %lld", held), 1);
    cr_assert_eq(claim_int(&f, "SELECT charge_cents FROM claim_line WHERE claim_id = %lld AND line_no = 2", held), 0);
    /* the finding says why, on the line, routed to the biller */
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM claim_finding WHERE claim_id = %lld AND rule_id = 'SYN-008'"
                               " AND route = 'biller' AND severity = 'error' AND line_no = 2", held),
                 1);
    cr_assert_str_eq(claim_text(&f, "SELECT message FROM claim_finding WHERE claim_id = %lld", held),
                     "line 2 (99499): no fee for 99499 in the practice's fee schedule; the charge is 0.00");
    /* one biller item naming the claim and the rule, due by the payer's filing limit; no names */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item"), 1);
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM work_item WHERE claim_id = %lld AND queue = 'biller'"
                               " AND kind = 'scrub' AND status = 'open' AND amount_cents = 15000", held),
                 1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT summary FROM work_item"), "claim C000000001 held: SYN-008 line 2");
    cr_assert_eq(cyfx_int(&f, "SELECT due FROM work_item"), rcm_date_from_ymd(2022, 6, 15) + 365);
    /* the priced line is charged; the unpriced one is not */
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM ledger WHERE claim_id = %lld", held), 1);
    /* the clean claim is ready with nothing stored against it */
    int64_t ready = cyfx_claim_of(&f, "ENC-2");
    cr_assert_str_eq(claim_text(&f, "SELECT status FROM claim WHERE claim_id = %lld", ready), "ready");
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM claim_finding WHERE claim_id = %lld", ready), 0);
    cyfx_close(&f);
}

Test(cycle_claims, no_coverage_in_force_leaves_the_encounter_signed_with_one_biller_item)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "OLD-1", "2019-06-01", "MCR", "I10", "99213");     /* coverage from 2020-01-01 */
    cyfx_add(&f, "SELF-1", NULL, "", "I10", "99213");               /* self-pay: no coverage */
    cyfx_add(&f, "OK-1", NULL, "MCR", "I10", "99213");
    rcm_build_report rep;
    cr_assert_eq(cyfx_bill(&f, &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 1);
    cr_assert_eq(rep.encounters, 1);
    cr_assert_eq(rep.uncovered, 2);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM encounter WHERE ext_id = 'OLD-1'"), "signed");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM encounter WHERE ext_id = 'SELF-1'"), "signed");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM encounter WHERE ext_id = 'OK-1'"), "billed");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE queue = 'biller' AND kind = 'coverage'"
                              " AND claim_id IS NULL AND encounter_id IS NOT NULL"),
                 2);
    cr_assert_str_eq(cyfx_text(&f, "SELECT summary FROM work_item w JOIN encounter e"
                                   " ON e.encounter_id = w.encounter_id WHERE e.ext_id = 'OLD-1'"),
                     "encounter OLD-1: no coverage in force on 2019-06-01; add it, then build claims");
    /* the only number taken is the claim's */
    cr_assert_eq(cyfx_int(&f, "SELECT value FROM control_counter WHERE name = 'claim'"), 1);
    /* building again: no claim, no second item */
    cr_assert_eq(cyfx_bill(&f, &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 0);
    cr_assert_eq(rep.uncovered, 2);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item"), 2);
    cyfx_close(&f);
}

/* ---- numbers, statuses, idempotence, atomicity ---- */

Test(cycle_claims, build_numbers_claims_and_bills_the_encounters_once)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", "2022-06-16", "BCBS", "I10", "99213;36415");
    cyfx_add(&f, "ENC-3", "2022-06-17", "AETNA", "I10", "99212");
    rcm_build_report rep;
    cr_assert_eq(cyfx_bill(&f, &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.encounters, 3);
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.lines, 4);
    cr_assert_eq(rep.secondary, 0);
    cr_assert_eq(rep.charge_cents, 15000 + 16500 + 9000);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(claim_no, ' ') FROM (SELECT claim_no FROM claim"
                                   " ORDER BY claim_id)"),
                     "C000000001 C000000002 C000000003");
    cr_assert_eq(cyfx_int(&f, "SELECT value FROM control_counter WHERE name = 'claim'"), 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM encounter WHERE status = 'billed'"), 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE freq = '1' AND seq = 'P' AND status = 'ready'"
                              " AND coded_by = 'tester' AND created_by = 'tester' AND submissions = 0"
                              " AND first_ack = '' AND first_835 = '' AND original_claim_id IS NULL"
                              " AND primary_claim_id IS NULL AND dos_from = dos_to"),
                 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim c JOIN coverage v ON v.coverage_id = c.coverage_id"
                              " WHERE v.seq = 'P' AND v.payer_id = c.payer_id"),
                 3);
    /* one chained event per claim built, on the claim and its patient, ids and codes only */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log a JOIN claim c ON c.claim_id = a.entity_id"
                              " WHERE a.action = 'build' AND a.entity = 'claim' AND a.claim_id = c.claim_id"
                              " AND a.patient_id = c.patient_id AND a.user_name = 'tester' AND a.outcome = 'ok'"),
                 3);
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'build' ORDER BY seq LIMIT 1"),
                     "claim C000000001 encounter 1 payer MCR seq P kind P freq 1 lines 1 charge 150.00 ready,"
                     " 0 errors");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE instr(detail, 'TESTER')"), 0, "no names");
    /* claims.c appends them itself (statements prepared once): the chain must hold, and their origin be the one
       every other event of the handle has */
    rcm_audit_verdict v;
    cr_assert_eq(rcm_audit_verify(f.admin, NULL, NULL, &v, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(v.first_bad, 0, "event %lld: %s", (long long)v.first_bad, v.why);
    cr_assert_eq(cyfx_int(&f, "SELECT count(DISTINCT origin) FROM audit_log WHERE user_name = 'tester'"
                              " AND action IN ('build', 'assign')"),
                 1);
    /* a second build makes nothing and changes nothing, not even the trail (called alone: cyfx_bill would
       read the coding queue first, a read event) */
    const char *before = cyfx_text(&f, "SELECT (SELECT count(*) FROM claim) || ' ' || (SELECT count(*) FROM ledger)"
                                       " || ' ' || (SELECT count(*) FROM audit_log) || ' ' ||"
                                       " (SELECT value FROM control_counter WHERE name = 'claim')");
    char saved[128];
    snprintf(saved, sizeof(saved), "%s", before);
    cr_assert_eq(rcm_claims_build(f.cy, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 0);
    cr_assert_eq(rep.encounters, 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT (SELECT count(*) FROM claim) || ' ' || (SELECT count(*) FROM ledger)"
                                   " || ' ' || (SELECT count(*) FROM audit_log) || ' ' ||"
                                   " (SELECT value FROM control_counter WHERE name = 'claim')"),
                     saved);
    cyfx_close(&f);
}

Test(cycle_claims, a_failed_build_writes_nothing_and_its_numbers_are_skipped)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", "2022-06-16", "MCR", "I10", "99212");
    cyfx_add(&f, "ENC-3", "2022-06-17", "MCR", "I10", "99211");
    cyfx_code(&f, cyfx_enc(&f, "ENC-1"), NULL);
    cyfx_code(&f, cyfx_enc(&f, "ENC-2"), NULL);
    cyfx_code(&f, cyfx_enc(&f, "ENC-3"), NULL);
    cyfx_sign(&f, cyfx_enc(&f, "ENC-1"));
    cyfx_sign(&f, cyfx_enc(&f, "ENC-2"));
    cyfx_sign(&f, cyfx_enc(&f, "ENC-3"));
    /* the third claim's charge cannot be written */
    cyfx_exec(&f, "CREATE TRIGGER no_third BEFORE INSERT ON ledger WHEN NEW.claim_id = 3"
                  " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    const char *before = cyfx_text(&f, "SELECT (SELECT count(*) FROM claim) || ' ' || (SELECT count(*) FROM claim_line)"
                                       " || ' ' || (SELECT count(*) FROM ledger) || ' ' || (SELECT count(*) FROM"
                                       " audit_log) || ' ' || (SELECT count(*) FROM work_item) || ' ' ||"
                                       " (SELECT group_concat(status) FROM encounter)");
    char saved[256];
    snprintf(saved, sizeof(saved), "%s", before);
    rcm_build_report rep;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_lt(rcm_claims_build(f.cy, &rep, &f.err), 0);
    cr_assert(strstr(f.err.msg, "disk trouble"), "%s", f.err.msg);
    cr_assert_eq(rep.claims, 0, "a failed build reports nothing");
    cr_assert_str_eq(cyfx_text(&f, "SELECT (SELECT count(*) FROM claim) || ' ' || (SELECT count(*) FROM claim_line)"
                                   " || ' ' || (SELECT count(*) FROM ledger) || ' ' || (SELECT count(*) FROM"
                                   " audit_log) || ' ' || (SELECT count(*) FROM work_item) || ' ' ||"
                                   " (SELECT group_concat(status) FROM encounter)"),
                     saved);
    /* the numbers were spent: the next build uses new ones */
    cr_assert_eq(cyfx_int(&f, "SELECT value FROM control_counter WHERE name = 'claim'"), 3);
    cyfx_exec(&f, "DROP TRIGGER no_third");
    cr_assert_eq(rcm_claims_build(f.cy, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 3);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(claim_no, ' ') FROM (SELECT claim_no FROM claim"
                                   " ORDER BY claim_id)"),
                     "C000000004 C000000005 C000000006");
    cyfx_close(&f);
}

Test(cycle_claims, build_inside_a_callers_transaction_takes_numbers_with_it)
{
    cyfx f;
    cyfx_open(&f);
    int64_t e1 = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_code(&f, e1, NULL);
    cyfx_sign(&f, e1);
    cr_assert_eq(rcm_store_begin(f.st, &f.err), 0);
    rcm_build_report rep;
    cr_assert_eq(rcm_claims_build(f.cy, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 1);
    rcm_store_rollback(f.st);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM control_counter WHERE name = 'claim'"), 0);
    cr_assert_eq(rcm_claims_build(f.cy, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT claim_no FROM claim"), "C000000001");
    cyfx_close(&f);
}

/* ---- cycle_claim_create, as corrections and secondary claims call it ---- */

Test(cycle_claims, create_a_replacement_with_a_reserved_number_and_no_charges)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415::1:1");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t orig = cyfx_claim_of(&f, "ENC-1");
    cycle_line lines[1];
    memset(lines, 0, sizeof(lines));
    snprintf(lines[0].code, sizeof(lines[0].code), "99213");
    lines[0].units_milli = 1000;
    lines[0].charge_cents = -1;
    lines[0].ptrs[0] = 1;
    lines[0].dos = RCM_DATE_NONE;
    cycle_claim_new spec;
    memset(&spec, 0, sizeof(spec));
    spec.encounter_id = cyfx_enc(&f, "ENC-1");
    spec.coverage_id = cyfx_int(&f, "SELECT coverage_id FROM claim WHERE claim_id = 1");
    spec.freq = '7';
    spec.original_claim_id = orig;
    snprintf(spec.original_icn, sizeof(spec.original_icn), "ICN-998877");
    spec.n_dx = 1;
    snprintf(spec.dx[0], sizeof(spec.dx[0]), "E1165");
    spec.n_lines = 1;
    spec.lines = lines;
    snprintf(spec.claim_no, sizeof(spec.claim_no), "C000000042");
    rcm_findings fl;
    rcm_findings_init(&fl);
    int64_t id = 0;
    cr_assert_eq(rcm_store_begin(f.st, &f.err), 0);
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, &fl, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_store_commit(f.st, &f.err), 0);
    cr_assert_eq(fl.n, 0);
    cr_assert_str_eq(claim_text(&f, "SELECT claim_no || ' ' || freq || ' ' || original_icn || ' ' || status || ' ' ||"
                                    " original_claim_id || ' ' || charge_cents FROM claim WHERE claim_id = %lld", id),
                     "C000000042 7 ICN-998877 ready 1 15000");
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM ledger WHERE claim_id = %lld", id), 0, "no charge rows");
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)16 << 20);
    rcm_claim c;
    cr_assert_eq(cycle_claim_assemble(f.cy, id, &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.freq, '7');
    cr_assert_str_eq(c.original_ref, "ICN-998877");
    cr_assert_str_eq(c.id, "C000000042");
    readback r = write_read(&c);
    cr_assert_eq(r.problems, 0, "%s", r.first);
    arena_release(&mem);

    /* without a reserved number the counter moves inside the transaction */
    spec.claim_no[0] = '\0';
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, &fl, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(claim_text(&f, "SELECT claim_no FROM claim WHERE claim_id = %lld", id), "C000000002");
    /* the reserved number cannot be used twice */
    snprintf(spec.claim_no, sizeof(spec.claim_no), "C000000042");
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, &fl, &f.err), RCM_EEXIST, "%s", f.err.msg);
    /* bad specs */
    spec.claim_no[0] = '\0';
    spec.n_lines = 0;
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, NULL, &f.err), RCM_EINVAL);
    spec.n_lines = 1;
    spec.original_claim_id = 0;
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, NULL, &f.err), RCM_EINVAL, "7 without an original");
    spec.freq = '1';
    spec.coverage_id = 999;
    cr_assert_eq(cycle_claim_create(f.cy, &spec, &id, NULL, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim"), 3);
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

/* ---- find and show ---- */

Test(cycle_claims, find_and_show)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415::1:1");
    cyfx_add(&f, "ENC-2", NULL, "BCBS", "I10", "99213;99499");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t id = 0;
    cr_assert_eq(rcm_claim_find(f.cy, "C000000002", &id, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(id, 2);
    cr_assert_eq(rcm_claim_find(f.cy, "#1", &id, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(id, 1);
    cr_assert_eq(rcm_claim_find(f.cy, "C000000009", &id, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_claim_find(f.cy, "#9", &id, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_claim_find(f.cy, "#x", &id, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_claim_find(f.cy, "", &id, &f.err), RCM_EINVAL);

    json_t *j = NULL;
    cr_assert_eq(rcm_claim_show(f.cy, 1, &j, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(json_string_value(json_object_get(j, "id")), "C000000001");
    cr_assert_eq(json_integer_value(json_object_get(j, "charge_cents")), 23000);
    json_t *cyc = json_object_get(j, "cycle");
    cr_assert_not_null(cyc);
    cr_assert_eq(json_integer_value(json_object_get(cyc, "claim_id")), 1);
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "status")), "ready");
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "payer")), "MCR");
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "seq")), "P");
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "freq")), "1");
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "encounter")), "ENC-1");
    cr_assert_eq(json_integer_value(json_object_get(cyc, "balance_cents")), 23000);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(cyc, "balances"), "MCR")), 23000);
    cr_assert_eq(json_array_size(json_object_get(cyc, "findings")), 0);
    json_decref(j);

    cr_assert_eq(rcm_claim_show(f.cy, 2, &j, &f.err), 0, "%s", f.err.msg);
    cyc = json_object_get(j, "cycle");
    cr_assert_str_eq(json_string_value(json_object_get(cyc, "status")), "held");
    json_t *fs = json_object_get(cyc, "findings");
    cr_assert_eq(json_array_size(fs), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 0), "rule")), "SYN-008");
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(fs, 0), "line")), 2);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 0), "route")), "biller");
    json_decref(j);
    cr_assert_eq(rcm_claim_show(f.cy, 7, &j, &f.err), RCM_ENOTFOUND);
    cr_assert_null(j);
    cyfx_close(&f);
}

Test(cycle_claims, list_filters_by_status_and_payer)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", "2022-06-16", "BCBS", "I10", "99213;99499");
    cyfx_add(&f, "ENC-3", "2022-06-17", "MCR", "I10", "99212::2");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    rcm_claim_item *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_claims_list(f.cy, NULL, NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[0].claim_no, "C000000001");
    cr_assert_str_eq(v[0].encounter, "ENC-1");
    cr_assert_str_eq(v[0].payer, "MCR");
    cr_assert(v[0].seq == 'P' && v[0].kind == 'P' && v[0].freq == '1');
    cr_assert_eq(v[0].dos, rcm_date_from_ymd(2022, 6, 15));
    cr_assert_eq(v[2].charge_cents, 18000);
    cr_assert_eq(v[2].balance_cents, 18000);
    cr_assert_str_eq(v[1].status, "held");
    cr_assert_eq(v[1].errors, 1);
    free(v);
    cr_assert_eq(rcm_claims_list(f.cy, "ready", "MCR", &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 2);
    free(v);
    cr_assert_eq(rcm_claims_list(f.cy, "held", "MCR", &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 0);
    free(v);
    cr_assert_eq(rcm_claims_list(f.cy, "open", NULL, &v, &n, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_claims_list(f.cy, NULL, "UHC", &v, &n, &f.err), RCM_ENOTFOUND);
    cr_assert_null(v);
    cyfx_close(&f);
}

/* ---- rcm_claims_recheck: held and rejected claims once the data is fixed ---- */

/* The fixture's practice file with a fee for 99499 added (re-imported as the biller would). */
static void import_fee_99499(cyfx *f)
{
    const char *at = strstr(cyfx_practice_json, "\"fees\": [\n");
    cr_assert(at, "the fixture's practice file has no fees");
    size_t head = (size_t)(at - cyfx_practice_json) + strlen("\"fees\": [\n");
    char *text = malloc(strlen(cyfx_practice_json) + 64);
    cr_assert(text);
    memcpy(text, cyfx_practice_json, head);
    snprintf(text + head, strlen(cyfx_practice_json) + 64 - head, "  {\"code\": \"99499\", \"charge\": \"60.00\"},\n%s",
             cyfx_practice_json + head);
    cr_assert_eq(cyfx_import_practice(f, text), 0, "%s", f->err.msg);
    free(text);
}

/* What a recheck may write, in one text: equal before and after proves it wrote nothing. */
static const char *recheck_state(cyfx *f)
{
    return cyfx_text(f, "SELECT (SELECT group_concat(claim_no || ':' || status || ':' || charge_cents || ':' ||"
                        " scrub_errors, ' ') FROM claim) || ' | ' || (SELECT group_concat(charge_cents) FROM claim_line)"
                        " || ' | ' || (SELECT count(*) || '/' || COALESCE(SUM(amount_cents), 0) FROM ledger) || ' | '"
                        " || (SELECT count(*) FROM claim_finding) || ' | ' || (SELECT group_concat(status) FROM"
                        " work_item) || ' | ' || (SELECT count(*) FROM audit_log)");
}

Test(cycle_claims, recheck_prices_a_fee_added_since_and_makes_the_claim_ready)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213;99499");     /* 99499: no fee yet */
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t id = cyfx_claim_of(&f, "ENC-1");
    cr_assert_str_eq(claim_text(&f, "SELECT status FROM claim WHERE claim_id = %lld", id), "held");
    import_fee_99499(&f);
    rcm_build_report rep;
    cr_assert_eq(rcm_claims_recheck(f.cy, id, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 1);
    cr_assert_eq(rep.ready, 1);
    cr_assert_eq(rep.held, 0);
    cr_assert_eq(rep.lines, 1, "only the unpriced line is priced again");
    cr_assert_eq(rep.charge_cents, 6000);
    /* the line, the claim and the ledger carry the new charge; the number and frequency stay */
    cr_assert_str_eq(claim_text(&f, "SELECT status || ' ' || claim_no || ' ' || freq || ' ' || charge_cents || ' ' ||"
                                    " scrub_errors FROM claim WHERE claim_id = %lld", id),
                     "ready C000000001 1 21000 0");
    cr_assert_str_eq(claim_text(&f, "SELECT group_concat(charge_cents, ',') FROM (SELECT charge_cents FROM claim_line"
                                    " WHERE claim_id = %lld ORDER BY line_no)", id),
                     "15000,6000");
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM ledger l JOIN claim c ON c.claim_id = l.claim_id"
                               " WHERE l.claim_id = %lld AND l.kind = 'charge' AND l.line_no = 2"
                               " AND l.amount_cents = 6000 AND l.payer_id = c.payer_id AND l.user_name = 'tester'", id),
                 1);
    cr_assert_eq(claim_int(&f, "SELECT SUM(amount_cents) FROM ledger WHERE claim_id = %lld AND kind = 'charge'", id),
                 21000);
    rcm_ledger_report lr;
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(lr.problems, 0);
    /* SYN-008 no longer fires: no finding left; the biller's item is done */
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM claim_finding WHERE claim_id = %lld", id), 0);
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM work_item WHERE claim_id = %lld AND kind = 'scrub'"
                               " AND status = 'done' AND closed_by = 'tester' AND closed_at = 1656676800", id),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE status = 'open'"), 0);
    /* one audit event, ids, codes and amounts before -> after only */
    cr_assert_str_eq(claim_text(&f, "SELECT detail FROM audit_log WHERE action = 'recheck' AND entity = 'claim'"
                                    " AND entity_id = %lld AND claim_id = entity_id",
                                id),
                     "claim C000000001: status held -> ready; charge 150.00 -> 210.00; 1 line repriced"
                     " (line 2 0.00 -> 60.00)");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE instr(detail, 'TESTER')"), 0);
    /* nothing left to recheck */
    cr_assert_eq(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 0);
    cyfx_close(&f);
}

Test(cycle_claims, recheck_leaves_a_claim_still_wrong_held_with_one_open_item)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99499");
    cyfx_add(&f, "ENC-2", "2022-06-16", "MCR", "I10", "99213");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t held = cyfx_claim_of(&f, "ENC-1"), ready = cyfx_claim_of(&f, "ENC-2");
    rcm_build_report rep;
    cr_assert_eq(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 1, "the ready claim is not rechecked");
    cr_assert_eq(rep.held, 1);
    cr_assert_eq(rep.ready, 0);
    cr_assert_eq(rep.lines, 0);
    cr_assert_str_eq(claim_text(&f, "SELECT status FROM claim WHERE claim_id = %lld", held), "held");
    /* its findings replaced, not added to: SYN-007 (a 0.00 claim) and SYN-008 once each, with the reason */
    cr_assert_str_eq(claim_text(&f, "SELECT group_concat(rule_id || ' ' || line_no || ' ' || message, ' | ') FROM"
                                    " (SELECT * FROM claim_finding WHERE claim_id = %lld ORDER BY seq)", held),
                     "SYN-007 0 2300 CLM02 total charge is 0.00 | SYN-008 1 line 1 (99499): no fee for 99499 in the"
                     " practice's fee schedule; the charge is 0.00");
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", held), 1,
                 "its open item is kept, no second one");
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'recheck' AND entity_id = %lld",
                           ready),
                 0);
    cr_assert_str_eq(claim_text(&f, "SELECT detail FROM audit_log WHERE action = 'recheck' AND entity_id = %lld",
                                held),
                     "claim C000000001: status held -> held; charge 0.00 -> 0.00; 0 lines repriced;"
                     " held by SYN-007,SYN-008");
    /* its item closed by hand: the next recheck that still holds it opens one */
    cyfx_exec(&f, "UPDATE work_item SET status = 'done'");
    cr_assert_eq(rcm_claims_recheck(f.cy, held, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(claim_int(&f, "SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'"
                               " AND kind = 'scrub' AND queue = 'biller'", held),
                 1);
    cr_assert_str_eq(claim_text(&f, "SELECT summary FROM work_item WHERE claim_id = %lld AND status = 'open'", held),
                     "claim C000000001 held: SYN-007, SYN-008 line 1");
    rcm_ledger_report lr;
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &f.err), 0, "%s", f.err.msg);
    cyfx_close(&f);
}

Test(cycle_claims, recheck_makes_a_rejected_claim_ready_as_it_is)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t id = cyfx_claim_of(&f, "ENC-1");
    /* as a 277CA A7 leaves it: rejected, with the biller's rejection item */
    char sql[512];
    snprintf(sql, sizeof(sql), "UPDATE claim SET status = 'rejected', submissions = 1, first_ack = 'rejected'"
                               " WHERE claim_id = %lld", (long long)id);
    cyfx_exec(&f, sql);
    snprintf(sql, sizeof(sql), "INSERT INTO work_item (item_id, practice_id, queue, kind, claim_id, encounter_id,"
                               " amount_cents, status, summary, created_at) VALUES (9, 1, 'biller', 'rejection',"
                               " %lld, NULL, 15000, 'open', 'claim C000000001 rejected A7:562', 0)",
             (long long)id);
    cyfx_exec(&f, sql);
    int64_t rows = cyfx_int(&f, "SELECT count(*) FROM ledger");
    rcm_build_report rep;
    cr_assert_eq(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 1);
    cr_assert_eq(rep.ready, 1);
    cr_assert_str_eq(claim_text(&f, "SELECT status || ' ' || claim_no || ' ' || freq || ' ' || charge_cents || ' '"
                                    " || submissions FROM claim WHERE claim_id = %lld", id),
                     "ready C000000001 1 15000 1");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ledger"), rows, "no charge twice");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || closed_by FROM work_item WHERE item_id = 9"),
                     "done tester");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim"), 1, "no new claim: the same one goes out again");
    cyfx_close(&f);
}

Test(cycle_claims, recheck_refuses_a_claim_in_another_status_and_changes_nothing)
{
    static const char *const statuses[] = { "submitted", "accepted", "ready", "paid", "denied" };
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213;99499");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t id = cyfx_claim_of(&f, "ENC-1");
    import_fee_99499(&f);
    char sql[160], before[512];
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        snprintf(sql, sizeof(sql), "UPDATE claim SET status = '%s' WHERE claim_id = %lld", statuses[i], (long long)id);
        cyfx_exec(&f, sql);
        snprintf(before, sizeof(before), "%s", recheck_state(&f));
        rcm_build_report rep;
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_claims_recheck(f.cy, id, &rep, &f.err), RCM_EDENIED, "%s", statuses[i]);
        cr_assert(strstr(f.err.msg, statuses[i]), "%s", f.err.msg);
        cr_assert_eq(rep.claims, 0);
        cr_assert_eq(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0, "%s", f.err.msg);
        cr_assert_eq(rep.claims, 0, "%s", statuses[i]);
        cr_assert_str_eq(recheck_state(&f), before, "%s", statuses[i]);
    }
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_claims_recheck(f.cy, 99, NULL, &f.err), RCM_ENOTFOUND);
    cyfx_close(&f);
}

Test(cycle_claims, a_failed_recheck_writes_nothing)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213;99499");
    cyfx_add(&f, "ENC-2", "2022-06-16", "MCR", "I10", "99499");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    import_fee_99499(&f);
    /* the second claim's new charge cannot be written */
    cyfx_exec(&f, "CREATE TRIGGER no_second BEFORE INSERT ON ledger WHEN NEW.claim_id = 2"
                  " BEGIN SELECT RAISE(ABORT, 'disk trouble'); END");
    char before[512];
    snprintf(before, sizeof(before), "%s", recheck_state(&f));
    rcm_build_report rep;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_lt(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0);
    cr_assert(strstr(f.err.msg, "disk trouble"), "%s", f.err.msg);
    cr_assert_eq(rep.claims, 0, "a failed recheck reports nothing");
    cr_assert_str_eq(recheck_state(&f), before);
    cyfx_exec(&f, "DROP TRIGGER no_second");
    cr_assert_eq(rcm_claims_recheck(f.cy, 0, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.ready, 2);
    cr_assert_eq(rep.lines, 2);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'"), 2);
    rcm_ledger_report lr;
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &f.err), 0, "%s", f.err.msg);
    cyfx_close(&f);
}

/* ---- who may: claims.build and claims.read (RCM_PERMS), and the trail of reads ---- */

static cyfx *G;                 /* the fixture the calls below act on */
static int64_t G_CLAIM;         /* their claim */

static int call_build(rcm_cycle *cy) { return rcm_claims_build(cy, NULL, &G->err); }
static int call_recheck(rcm_cycle *cy) { return rcm_claims_recheck(cy, 0, NULL, &G->err); }

static int call_list(rcm_cycle *cy)
{
    rcm_claim_item *v = NULL;
    size_t n = 0;
    int rc = rcm_claims_list(cy, NULL, NULL, &v, &n, &G->err);
    free(v);
    return rc;
}

static int call_find(rcm_cycle *cy)
{
    int64_t id = 0;
    return rcm_claim_find(cy, "C000000001", &id, &G->err);
}

static int call_show(rcm_cycle *cy)
{
    json_t *j = NULL;
    int rc = rcm_claim_show(cy, G_CLAIM, &j, &G->err);
    json_decref(j);
    return rc;
}

Test(cycle_claims, each_step_refuses_the_roles_without_its_permission_and_logs_the_denial)
{
    static const struct {
        const char *what;
        int (*call)(rcm_cycle *cy);
        const char *perm;
        unsigned denied;        /* the roles refused (each alone) */
    } cases[] = {
        { "claims build", call_build, "claims.build", RCM_ROLE_CODER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "claims recheck", call_recheck, "claims.build", RCM_ROLE_CODER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "claims list", call_list, "claims.read", RCM_ROLE_ADMIN },
        { "claim find", call_find, "claims.read", RCM_ROLE_ADMIN },
        { "claim show", call_show, "claims.read", RCM_ROLE_ADMIN },
    };
    static const struct {
        const char *name;
        unsigned role;
    } people[] = { { "cora.coder", RCM_ROLE_CODER }, { "bill.biller", RCM_ROLE_BILLER },
                   { "audrey.auditor", RCM_ROLE_AUDITOR }, { "ada.admin", RCM_ROLE_ADMIN } };
    cyfx f;
    cyfx_open(&f);
    G = &f;
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_code(&f, enc, NULL);
    cyfx_sign(&f, enc);
    cyfx_add(&f, "ENC-2", "2022-06-16", "MCR", "I10", "99213");
    cyfx_code(&f, cyfx_enc(&f, "ENC-2"), NULL);
    cyfx_sign(&f, cyfx_enc(&f, "ENC-2"));
    rcm_cycle *cy[4];
    for (size_t p = 0; p < sizeof(people) / sizeof(people[0]); p++)
        cy[p] = cyfx_user(&f, people[p].name, people[p].role, 0);
    long refused = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (size_t p = 0; p < sizeof(people) / sizeof(people[0]); p++) {
            G_CLAIM = cyfx_int(&f, "SELECT COALESCE(MIN(claim_id), 1) FROM claim");
            char what[96];
            snprintf(what, sizeof(what), "%s as %s", cases[i].what, people[p].name);
            memset(&f.err, 0, sizeof(f.err));
            int rc = cases[i].call(cy[p]);
            if (cases[i].denied & people[p].role) {
                cyfx_expect_denied(&f, cy[p], rc, cases[i].perm, what);
                refused++;
            } else {
                cr_expect_eq(rc, 0, "%s: %s", what, f.err.msg);
            }
        }
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND outcome = 'denied'"),
                 refused);
    /* the biller built both claims; nobody else wrote a claim event */
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(user_name || ':' || action || ':' || claim_id, ' ') FROM"
                                   " (SELECT * FROM audit_log WHERE entity = 'claim' AND action <> 'read'"
                                   " ORDER BY seq)"),
                     "bill.biller:build:1 bill.biller:build:2");
    cyfx_close(&f);
}

Test(cycle_claims, showing_a_claim_or_listing_claims_is_a_read_event)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", "2022-06-16", "BCBS", "I10", "99499");   /* no fee: held */
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t id = cyfx_claim_of(&f, "ENC-1");
    int64_t patient = claim_int(&f, "SELECT patient_id FROM claim WHERE claim_id = %lld", id);
    rcm_cycle *auditor = cyfx_user(&f, "audrey.auditor", RCM_ROLE_AUDITOR, 0);
    json_t *j = NULL;
    cr_assert_eq(rcm_claim_show(auditor, id, &j, &f.err), 0, "%s", f.err.msg);
    json_decref(j);
    char want[160];
    snprintf(want, sizeof(want), "audrey.auditor read ok claim %lld %lld %lld claim show", (long long)id,
             (long long)patient, (long long)id);
    cr_assert_str_eq(cyfx_last_event(&f), want);
    /* one event per list, with the filters and the rows shown */
    rcm_claim_item *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_claims_list(auditor, "ready", NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    free(v);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(cyfx_last_event(&f), "audrey.auditor read ok  0 0 0 claims list status=ready payer=any rows=1");
    cr_assert_eq(rcm_claims_list(auditor, NULL, "BCBS", &v, &n, &f.err), 0, "%s", f.err.msg);
    free(v);
    cr_assert_str_eq(cyfx_last_event(&f), "audrey.auditor read ok  0 0 0 claims list status=any payer=BCBS rows=1");
    /* a lookup returns only an id; a claim that is not there is an error: neither is a read */
    int64_t seq = cyfx_int(&f, "SELECT max(seq) FROM audit_log"), found = 0;
    cr_assert_eq(rcm_claim_find(auditor, "C000000001", &found, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_claim_show(auditor, 99, &j, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_claims_list(auditor, "lost", NULL, &v, &n, &f.err), RCM_EINVAL);
    cr_assert_eq(cyfx_int(&f, "SELECT max(seq) FROM audit_log"), seq);
    cyfx_close(&f);
}

/* ---- work items: who sees and closes which queue ---- */

/* Adds an open item to queue (SQL: the steps that make them are tested with them). */
static int64_t work_item(cyfx *f, const char *queue, const char *kind)
{
    int64_t id = cyfx_int(f, "SELECT COALESCE(MAX(item_id), 0) + 1 FROM work_item");
    char sql[400];
    snprintf(sql, sizeof(sql),
             "INSERT INTO work_item (item_id, practice_id, queue, kind, amount_cents, status, summary, created_at)"
             " VALUES (%lld, 1, '%s', '%s', 0, 'open', 'item %lld', 1656676800)",
             (long long)id, queue, kind, (long long)id);
    cyfx_exec(f, sql);
    return id;
}

/* The queues of a list, "coder biller patient" in its order. */
static const char *queues_of(const rcm_work_item *v, size_t n, char *out, size_t size)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && k < size; i++)
        k += (size_t)snprintf(out + k, size - k, "%s%s", i ? " " : "", v[i].queue);
    return out;
}

Test(cycle_work, each_person_sees_and_closes_only_their_queues_an_auditor_sees_all_and_closes_none)
{
    cyfx f;
    cyfx_open(&f);
    int64_t coder_item = work_item(&f, "coder", "denial");
    int64_t biller_item = work_item(&f, "biller", "scrub");
    work_item(&f, "patient", "statement");
    int64_t poster_item = work_item(&f, "poster", "unmatched");
    rcm_cycle *coder = cyfx_user(&f, "cora.coder", RCM_ROLE_CODER, 0);
    rcm_cycle *biller = cyfx_user(&f, "bill.biller", RCM_ROLE_BILLER, 0);
    rcm_cycle *auditor = cyfx_user(&f, "audrey.auditor", RCM_ROLE_AUDITOR, 0);
    rcm_cycle *admin = f.admin;
    rcm_work_item *v = NULL;
    size_t n = 0;
    char got[128];
    /* all queues (NULL): each sees what they may */
    cr_assert_eq(rcm_work_list(coder, NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(queues_of(v, n, got, sizeof(got)), "coder");
    free(v);
    cr_assert_str_eq(cyfx_last_event(&f), "cora.coder read ok work_item 0 0 0 work list queue=coder rows=1");
    cr_assert_eq(rcm_work_list(biller, NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(queues_of(v, n, got, sizeof(got)), "biller patient poster");
    free(v);
    cr_assert_str_eq(cyfx_last_event(&f),
                     "bill.biller read ok work_item 0 0 0 work list queue=biller,patient,poster rows=3");
    cr_assert_eq(rcm_work_list(auditor, NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(queues_of(v, n, got, sizeof(got)), "coder biller patient poster");
    free(v);
    cr_assert_str_eq(cyfx_last_event(&f), "audrey.auditor read ok work_item 0 0 0 work list queue=all rows=4");
    /* the admin holds audit.read too: reads every queue, closes none */
    cr_assert_eq(rcm_work_list(admin, NULL, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 4);
    free(v);
    cyfx_expect_denied(&f, admin, rcm_work_close(admin, biller_item, &f.err), "work.biller", "admin closing");
    /* one queue */
    cr_assert_eq(rcm_work_list(auditor, "coder", &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 1);
    free(v);
    cyfx_expect_denied(&f, biller, rcm_work_list(biller, "coder", &v, &n, &f.err), "work.coder", "coder queue");
    cyfx_expect_denied(&f, coder, rcm_work_list(coder, "patient", &v, &n, &f.err), "work.biller", "patient queue");
    cr_assert_eq(rcm_work_list(coder, "nobody", &v, &n, &f.err), RCM_EINVAL);
    /* closing: the queue's own people only */
    cyfx_expect_denied(&f, auditor, rcm_work_close(auditor, coder_item, &f.err), "work.coder", "auditor closing");
    cyfx_expect_denied(&f, auditor, rcm_work_close(auditor, biller_item, &f.err), "work.biller", "auditor closing");
    cyfx_expect_denied(&f, biller, rcm_work_close(biller, coder_item, &f.err), "work.coder", "biller closing");
    cyfx_expect_denied(&f, coder, rcm_work_close(coder, poster_item, &f.err), "work.biller", "coder closing");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE status = 'open'"), 4, "nothing closed");
    cr_assert_eq(rcm_work_close(coder, coder_item, &f.err), 0, "%s", f.err.msg);
    char want[160];
    snprintf(want, sizeof(want), "cora.coder close ok work_item %lld 0 0 queue coder kind denial: status open -> done",
             (long long)coder_item);
    cr_assert_str_eq(cyfx_last_event(&f), want);
    cr_assert_eq(rcm_work_close(biller, poster_item, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_work_close(biller, poster_item, &f.err), RCM_ENOTFOUND, "closed already");
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(queue || ':' || closed_by, ' ') FROM (SELECT * FROM work_item"
                                   " WHERE status = 'done' ORDER BY item_id)"),
                     "coder:cora.coder poster:bill.biller");
    cyfx_close(&f);
}
