/*
 * Secondary claims (rcm_cob_build) and the primary's adjudication they carry
 * (cycle_cob_fill: 837 loops 2320, 2330A/B, 2430): a primary paying with a
 * deductible and coinsurance leaves a balance with a patient who has
 * secondary coverage, so a claim to the secondary payer is built, the
 * balance moves to it, and its 837 balances (SV102 - 2430 CAS = SVD02,
 * CLM02 - CAS = AMT*D) and reads back clean. Which claims are due and which
 * are not (no secondary coverage, nothing left to the patient, a denial
 * still worked, coverage not in force, not adjudicated, built already);
 * claim-level adjustments; a reversed adjudication is never reported.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "post_fixture.h"
#include "rcm/denial.h"
#include "rcm/submit.h"
#include "rcm/x12read.h"
#include "../../lib/cycle/cycle_internal.h"

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_cob, .init = setup, .fini = teardown);

static int64_t q(const char *sql) { return cyfx_int(&f, sql); }

static const char *tf(const char *fmt, long long a)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, a);
    return cyfx_text(&f, sql);
}

static rcm_date day(const char *iso)
{
    rcm_date d;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c(iso)), 0);
    return d;
}

static int64_t claim_of(const char *enc, char seq)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT COALESCE(MAX(c.claim_id), 0) FROM claim c JOIN encounter e ON e.encounter_id = c.encounter_id"
             " WHERE e.ext_id = '%s' AND c.seq = '%c'",
             enc, seq);
    return cyfx_int(&f, sql);
}

static const char *no_of(int64_t id) { return tf("SELECT claim_no FROM claim WHERE claim_id = %lld", id); }

static void build(rcm_build_report *r)
{
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_cob_build(f.cy, r, &f.err), 0, "%s", f.err.msg);
    pfx_ledger_ok(&f);
}

/* MCR pays 99214 and 36415 after a 20.00 deductible and 20% coinsurance: 91.09 paid, 42.77 to the patient. */
#define DEDUCTIBLE_LINES                                                                                     \
    "SVC*HC:99214*215*88.69~DTM*472*20220615~CAS*CO*45*84.14~CAS*PR*1*20*1*2*22.17~AMT*B6*130.86~"          \
    "SVC*HC:36415*15*2.4~DTM*472*20220615~CAS*CO*45*12~CAS*PR*2*0.6~AMT*B6*3~"

/* "CLP*<claim no>*" rest, with the patient's NM1*QC after the CLP segment (and its claim-level CAS). */
static const char *clp(char *buf, size_t n, int64_t claim, const char *rest)
{
    const char *end = strchr(rest, '~');
    cr_assert_not_null(end);
    snprintf(buf, n, "CLP*%s*%.*sNM1*QC*1*TESTER*PAT~%s", no_of(claim), (int)(end + 1 - rest), rest, end + 1);
    return buf;
}

/* The 837 a submission writes, read back. */
typedef struct readback {
    long errors, claims;
    rcm_claim c;                    /* the last claim's top-level facts (arrays not kept) */
    uint32_t n_other, n_other_cas, line_adj[4], line_cas[4];
    int64_t paid, remaining, svd_paid[4];
    char text[1 << 14];
} readback;

static int rb_claim(void *ctx, const rcm_claim *c)
{
    readback *r = ctx;
    r->claims++;
    r->c = *c;
    r->n_other = c->n_other;
    if (c->n_other) {
        r->paid = c->other[0].paid_cents;
        r->remaining = c->other[0].remaining_cents;
        r->n_other_cas = c->other[0].n_cas;
    }
    for (uint32_t i = 0; i < c->n_lines && i < 4; i++) {
        r->line_adj[i] = c->lines[i].n_adj;
        r->line_cas[i] = c->lines[i].n_adj ? c->lines[i].adj[0].n_cas : 0;
        r->svd_paid[i] = c->lines[i].n_adj ? c->lines[i].adj[0].paid_cents : -1;
    }
    return 0;
}

static int rb_problem(void *ctx, const rcm_x12_problem *p)
{
    readback *r = ctx;
    if (p->severity == RCM_SEV_ERROR) {
        r->errors++;
        cr_log_error("837 problem: segment %ld '%s': %s", p->segment, p->seg_id, p->msg);
    }
    return 0;
}

static void submit_read(const char *payer, const char *name, readback *r)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/%s", f.dir, name);
    rcm_submit_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_submit(f.cy, payer, 'P', path, &rep, &err), 0, "submit: %s", err.msg);
    cr_assert_gt(rep.batch_id, 0, "a batch was written");
    cr_assert_eq(rep.refused, 0);
    memset(r, 0, sizeof(*r));
    rcm_x12_reader *x = NULL;
    cr_assert_eq(rcm_x12_open_file(&x, path, &err), 0, "%s", err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.claim = rb_claim;
    cb.problem = rb_problem;
    cr_assert_eq(rcm_x12_read(x, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(x);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    size_t k = fread(r->text, 1, sizeof(r->text) - 1, fp);
    fclose(fp);
    r->text[k] = '\0';
}

static void has(const readback *r, const char *seg)
{
    cr_assert_not_null(strstr(r->text, seg), "the 837 has %s:\n%s", seg, r->text);
}

Test(cycle_cob, deductible_left_to_a_patient_with_secondary_coverage_goes_to_the_secondary_payer)
{
    CYFX_ADD(&f, .id = "ENC-1", .payer = "MCR", .payer2 = "BCBS", .dx = "E11.65,I10",
             .lines = "99214::1:1,2;36415::1:1");
    cr_assert_eq(cyfx_bill(&f, NULL), 0, "%s", f.err.msg);
    int64_t c1 = claim_of("ENC-1", 'P');
    cr_assert_eq(q("SELECT charge_cents FROM claim WHERE claim_id = 1"), 23000);
    char b[1024];
    pfx_post_ok(&f, pfx_835(&f, "TRACE-1", "91.09",
                            clp(b, sizeof(b), c1, "1*230*91.09*42.77*MB*ICN0100~"
                                                  DEDUCTIBLE_LINES)), NULL);
    cr_assert_eq(pfx_balance(&f, no_of(c1), "patient"), 4277);

    rcm_build_report r;
    build(&r);
    cr_assert_eq(r.secondary, 1);
    cr_assert_eq(r.claims, 1);
    cr_assert_eq(r.ready + r.held, 1);
    cr_assert_eq(r.ready, 1, "nothing for the biller to fix");
    cr_assert_eq(r.lines, 2);
    cr_assert_eq(r.charge_cents, 23000);
    int64_t s = claim_of("ENC-1", 'S');
    cr_assert_gt(s, c1);
    cr_assert_str_eq(tf("SELECT c.seq || ' ' || c.freq || ' ' || p.code || ' ' || c.primary_claim_id || ' '"
                        " || c.charge_cents || ' ' || c.status || ' ' || COALESCE(c.original_claim_id, 0)"
                        " FROM claim c JOIN payer p ON p.payer_id = c.payer_id WHERE c.claim_id = %lld", s),
                     "S 1 BCBS 1 23000 ready 0");
    cr_assert_str_eq(tf("SELECT group_concat(code || ':' || charge_cents || ':' || units_milli, ' ') FROM"
                        " (SELECT * FROM claim_line WHERE claim_id = %lld ORDER BY line_no)", s),
                     "99214:21500:1000 36415:1500:1000");
    /* the patient's 42.77 now waits on BCBS; no charge rows on a secondary claim */
    cr_assert_eq(pfx_balance(&f, no_of(c1), "patient"), 0);
    cr_assert_eq(pfx_balance(&f, no_of(s), "payer"), 4277);
    cr_assert_str_eq(tf("SELECT group_concat(kind || ':' || amount_cents || ':' || COALESCE(payer_id, 'pt'), ' ')"
                        " FROM (SELECT * FROM ledger WHERE claim_id = %lld ORDER BY entry_id)", s),
                     "transfer:4277:2");
    /* the secondary claim's events: its creation, then the balance it moved, before -> after */
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'create' AND entity = 'claim' AND claim_id = 2"), 1);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'secondary' AND entity = 'claim' AND claim_id = 2"
                   " AND detail = 'secondary of claim 1 C000000001; moved 42.77 from the patient: patient on"
                   " C000000001 42.77 -> 0.00, payer 2 on C000000002 0.00 -> 42.77'"),
                 1);

    /* built once */
    build(&r);
    cr_assert_eq(r.secondary, 0);
    cr_assert_eq(q("SELECT count(*) FROM claim"), 2);

    /* the primary's adjudication as the 837 will carry it */
    rcm_claim c;
    arena mem;
    arena_init(&mem, 1 << 14, 1 << 24);
    cr_assert_eq(cycle_claim_assemble(f.cy, s, &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.payer_seq, 'S');
    cr_assert_str_eq(c.payer.id, "BCBST");
    cr_assert_eq(c.n_other, 1);
    const rcm_other_payer *o = &c.other[0];
    cr_assert_eq(o->seq, 'P');
    cr_assert_str_eq(o->rel, "18");
    cr_assert_str_eq(o->filing, "MB");
    cr_assert(o->has_paid);
    cr_assert_eq(o->paid_cents, 9109);
    cr_assert(o->has_remaining);
    cr_assert_eq(o->remaining_cents, 4277);
    cr_assert_eq(o->n_cas, 0, "every adjustment is at line level");
    cr_assert_eq(o->adjudicated, day("2022-07-05"));
    cr_assert_str_eq(o->payer.id, "MCRB1");
    cr_assert_str_eq(o->payer.id_qual, "PI");
    cr_assert_str_eq(o->payer.last, "MEDICARE PART B");
    cr_assert_str_eq(o->payer_claim_number, "ICN0100");
    cr_assert_str_eq(o->subscriber.id, "1EG4TE5MK73");
    cr_assert_str_eq(o->subscriber.last, "TESTER");
    cr_assert_eq(c.n_lines, 2);
    static const struct {
        int64_t paid;
        const char *cas;
    } want[2] = { { 8869, "CO45:8414 PR1:2000 PR2:2217" }, { 240, "CO45:1200 PR2:60" } };
    for (uint32_t i = 0; i < 2; i++) {
        const rcm_claim_line *l = &c.lines[i];
        cr_assert_eq(l->n_adj, 1, "line %u", i + 1);
        const rcm_line_adj *a = &l->adj[0];
        cr_assert_str_eq(a->payer_id, "MCRB1");
        cr_assert_eq(a->paid_cents, want[i].paid, "line %u", i + 1);
        cr_assert_str_eq(a->code, l->code);
        cr_assert_eq(a->units_milli, 1000);
        cr_assert_eq(a->adjudicated, day("2022-07-05"));
        char got[128] = "";
        size_t k = 0;
        int64_t sum = 0;
        for (uint32_t j = 0; j < a->n_cas; j++) {
            k += (size_t)snprintf(got + k, sizeof(got) - k, "%s%s%s:%lld", j ? " " : "", a->cas[j].group,
                                  a->cas[j].reason, (long long)a->cas[j].amount_cents);
            sum += a->cas[j].amount_cents;
        }
        cr_assert_str_eq(got, want[i].cas, "line %u", i + 1);
        cr_assert_eq(l->charge_cents - sum, a->paid_cents, "SV102 - 2430 CAS = SVD02 on line %u", i + 1);
    }
    arena_release(&mem);

    /* the 837 to BCBS: 2320/2330A/2330B/2430 written and read back clean */
    readback rb;
    submit_read("BCBS", "secondary.837", &rb);
    cr_assert_eq(rb.errors, 0);
    cr_assert_eq(rb.claims, 1);
    cr_assert_eq(rb.n_other, 1);
    cr_assert_eq(rb.paid, 9109);
    cr_assert_eq(rb.remaining, 4277);
    cr_assert_eq(rb.line_adj[0], 1);
    cr_assert_eq(rb.line_adj[1], 1);
    cr_assert_eq(rb.svd_paid[0], 8869);
    cr_assert_eq(rb.svd_paid[1], 240);
    cr_assert_eq(rb.line_cas[0], 3);
    has(&rb, "SBR*S*18*");
    has(&rb, "SBR*P*18*******MB~");
    has(&rb, "AMT*D*91.09~");
    has(&rb, "AMT*EAF*42.77~");
    has(&rb, "NM1*PR*2*MEDICARE PART B*****PI*MCRB1~");
    has(&rb, "DTP*573*D8*20220705~");
    has(&rb, "REF*F8*ICN0100~");
    has(&rb, "SVD*MCRB1*88.69*HC:99214**1~");
    has(&rb, "SVD*MCRB1*2.4*HC:36415**1~");
    has(&rb, "CAS*CO*45*84.14~");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", s), "submitted");
}

Test(cycle_cob, only_adjudicated_claims_with_a_patient_balance_and_secondary_coverage_are_due)
{
    /* A: due. B: no secondary coverage. C: nothing left to the patient. D: a line denied (CO-97), still
       worked. E: the secondary coverage starts after the date of service. F: not adjudicated. */
    CYFX_ADD(&f, .id = "ENC-A", .payer = "MCR", .payer2 = "BCBS", .dx = "I10", .lines = "99214;36415");
    CYFX_ADD(&f, .id = "ENC-B", .payer = "MCR", .dx = "I10", .lines = "99213");
    CYFX_ADD(&f, .id = "ENC-C", .payer = "MCR", .payer2 = "BCBS", .dx = "I10", .lines = "99213");
    CYFX_ADD(&f, .id = "ENC-D", .payer = "MCR", .payer2 = "AETNA", .dx = "I10", .lines = "99214;36415");
    CYFX_ADD(&f, .id = "ENC-E", .payer = "MCR", .payer2 = "BCBS", .dx = "I10", .lines = "99213");
    CYFX_ADD(&f, .id = "ENC-F", .payer = "MCR", .payer2 = "BCBS", .dx = "I10", .lines = "99213");
    cr_assert_eq(cyfx_bill(&f, NULL), 0, "%s", f.err.msg);
    cyfx_exec(&f, "UPDATE coverage SET eff_from = eff_from + 10000 WHERE seq = 'S' AND patient_id ="
                  " (SELECT patient_id FROM encounter WHERE ext_id = 'ENC-E')");
    char body[4096], b[1024];
    size_t n = 0;
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
                          clp(b, sizeof(b), claim_of("ENC-A", 'P'), "1*230*91.09*42.77*MB*ICNA~" DEDUCTIBLE_LINES));
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
                          clp(b, sizeof(b), claim_of("ENC-B", 'P'),
                              "1*150*74*18.5*MB*ICNB~SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~"));
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
                          clp(b, sizeof(b), claim_of("ENC-C", 'P'),
                              "1*150*92.5**MB*ICNC~SVC*HC:99213*150*92.5~CAS*CO*45*57.5~"));
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
                          clp(b, sizeof(b), claim_of("ENC-D", 'P'),
                              "1*230*88.69*42.17*MB*ICND~SVC*HC:99214*215*88.69~CAS*CO*45*84.14~"
                              "CAS*PR*1*20*1*2*22.17~SVC*HC:36415*15*0~CAS*CO*97*15~"));
    n += (size_t)snprintf(body + n, sizeof(body) - n, "%s",
                          clp(b, sizeof(b), claim_of("ENC-E", 'P'),
                              "1*150*74*18.5*MB*ICNE~SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~"));
    /* 91.09 + 74 + 92.50 + 88.69 + 74 */
    pfx_post_ok(&f, pfx_835(&f, "TRACE-1", "420.28", body), NULL);

    rcm_build_report r;
    build(&r);
    cr_assert_eq(r.secondary, 1);
    cr_assert_gt(claim_of("ENC-A", 'S'), 0);
    static const char *const not_due[] = { "ENC-B", "ENC-C", "ENC-D", "ENC-E", "ENC-F" };
    for (size_t i = 0; i < sizeof(not_due) / sizeof(not_due[0]); i++)
        cr_assert_eq(claim_of(not_due[i], 'S'), 0, "%s is not due", not_due[i]);
    cr_assert_eq(pfx_balance(&f, no_of(claim_of("ENC-B", 'P')), "patient"), 1850, "B stays with the patient");

    /* the bundled line written off, D is due: its 2430 reports the denial with nothing paid */
    int64_t d = q("SELECT denial_id FROM denial WHERE status = 'open'");
    cr_assert_eq(rcm_denial_writeoff(f.cy, d, "bundled, not billable to the patient", NULL, &f.err), 0, "%s",
                 f.err.msg);
    build(&r);
    cr_assert_eq(r.secondary, 1);
    int64_t sd = claim_of("ENC-D", 'S');
    cr_assert_gt(sd, 0);
    cr_assert_eq(pfx_balance(&f, no_of(sd), "payer"), 4217);
    rcm_claim c;
    arena mem;
    arena_init(&mem, 1 << 14, 1 << 24);
    cr_assert_eq(cycle_claim_assemble(f.cy, sd, &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.n_other, 1);
    cr_assert_eq(c.other[0].paid_cents, 8869);
    cr_assert_eq(c.other[0].remaining_cents, 4217);
    cr_assert_eq(c.lines[1].n_adj, 1);
    cr_assert_eq(c.lines[1].adj[0].paid_cents, 0);
    cr_assert_eq(c.lines[1].adj[0].n_cas, 1);
    cr_assert_str_eq(c.lines[1].adj[0].cas[0].group, "CO");
    cr_assert_str_eq(c.lines[1].adj[0].cas[0].reason, "97");
    cr_assert_eq(c.lines[1].adj[0].cas[0].amount_cents, 1500);
    arena_release(&mem);
    readback rb;
    submit_read("AETNA", "aetna.837", &rb);
    cr_assert_eq(rb.errors, 0);
    has(&rb, "SVD*MCRB1*0*HC:36415**1~");
    has(&rb, "CAS*CO*97*15~");
    build(&r);
    cr_assert_eq(r.secondary, 0);
}

Test(cycle_cob, claim_level_adjustments_and_another_subscriber)
{
    CYFX_ADD(&f, .id = "ENC-1", .payer = "MCR", .payer2 = "BCBS", .dx = "E11.65,I10",
             .lines = "99214::1:1,2;36415::1:1", .relation = "01");
    cr_assert_eq(cyfx_bill(&f, NULL), 0, "%s", f.err.msg);
    int64_t c1 = claim_of("ENC-1", 'P');
    char b[1024];
    pfx_post_ok(&f, pfx_835(&f, "TRACE-1", "91.09",
                            clp(b, sizeof(b), c1, "1*230*91.09*42.77*MB*ICN0100~CAS*PR*1*20~"
                                                  "SVC*HC:99214*215*108.69~CAS*CO*45*84.14~CAS*PR*2*22.17~"
                                                  "SVC*HC:36415*15*2.4~CAS*CO*45*12~CAS*PR*2*0.6~")), NULL);
    rcm_build_report r;
    build(&r);
    cr_assert_eq(r.secondary, 1);
    int64_t s = claim_of("ENC-1", 'S');
    rcm_claim c;
    arena mem;
    arena_init(&mem, 1 << 14, 1 << 24);
    cr_assert_eq(cycle_claim_assemble(f.cy, s, &c, &mem, &f.err), 0, "%s", f.err.msg);
    const rcm_other_payer *o = &c.other[0];
    cr_assert_eq(o->n_cas, 1);
    cr_assert_str_eq(o->cas[0].group, "PR");
    cr_assert_str_eq(o->cas[0].reason, "1");
    cr_assert_eq(o->cas[0].amount_cents, 2000);
    cr_assert_eq(o->remaining_cents, 4277);
    cr_assert_str_eq(o->rel, "01");
    cr_assert_str_eq(o->subscriber.last, "SUBSCRIBER");
    cr_assert_str_eq(o->subscriber.first, "SAM");
    cr_assert_eq(c.lines[0].adj[0].paid_cents, 10869);
    cr_assert_eq(c.lines[0].adj[0].n_cas, 2);
    arena_release(&mem);
    readback rb;
    submit_read("BCBS", "secondary.837", &rb);
    cr_assert_eq(rb.errors, 0);
    cr_assert_eq(rb.n_other_cas, 1);
    has(&rb, "SBR*P*01*******MB~");
    has(&rb, "CAS*PR*1*20~");
    has(&rb, "NM1*IL*1*SUBSCRIBER*SAM****MI*1EG4TE5MK73~");
}

Test(cycle_cob, a_reversed_adjudication_is_replaced_by_the_payers_new_one)
{
    CYFX_ADD(&f, .id = "ENC-1", .payer = "MCR", .payer2 = "BCBS", .dx = "E11.65,I10",
             .lines = "99214::1:1,2;36415::1:1");
    cr_assert_eq(cyfx_bill(&f, NULL), 0, "%s", f.err.msg);
    int64_t c1 = claim_of("ENC-1", 'P');
    char b[1024], b2[2048];
    pfx_post_ok(&f, pfx_835(&f, "TRACE-1", "91.09",
                            clp(b, sizeof(b), c1, "1*230*91.09*42.77*MB*ICN0100~" DEDUCTIBLE_LINES)), NULL);
    /* the payer takes it back and pays again with a 10.00 deductible: 99.09 paid, 34.77 to the patient */
    int k = snprintf(b2, sizeof(b2), "%s",
                     clp(b, sizeof(b), c1, "22*-230*-91.09*-42.77*MB*ICN0100~"
                                           "SVC*HC:99214*-215*-88.69~CAS*CO*45*-84.14~CAS*PR*1*-20*1*2*-22.17~"
                                           "SVC*HC:36415*-15*-2.4~CAS*CO*45*-12~CAS*PR*2*-0.6~"));
    snprintf(b2 + k, sizeof(b2) - (size_t)k, "%s",
             clp(b, sizeof(b), c1, "1*230*99.09*34.77*MB*ICN0101~"
                                   "SVC*HC:99214*215*96.69~CAS*CO*45*84.14~CAS*PR*1*10*1*2*24.17~"
                                   "SVC*HC:36415*15*2.4~CAS*CO*45*12~CAS*PR*2*0.6~"));
    pfx_post_ok(&f, pfx_835(&f, "TRACE-2", "8", b2), NULL);
    cr_assert_eq(pfx_balance(&f, no_of(c1), "patient"), 3477);
    rcm_build_report r;
    build(&r);
    cr_assert_eq(r.secondary, 1);
    int64_t s = claim_of("ENC-1", 'S');
    cr_assert_eq(pfx_balance(&f, no_of(s), "payer"), 3477);
    rcm_claim c;
    arena mem;
    arena_init(&mem, 1 << 14, 1 << 24);
    cr_assert_eq(cycle_claim_assemble(f.cy, s, &c, &mem, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.other[0].paid_cents, 9909);
    cr_assert_eq(c.other[0].remaining_cents, 3477);
    cr_assert_str_eq(c.other[0].payer_claim_number, "ICN0101");
    cr_assert_eq(c.lines[0].adj[0].paid_cents, 9669);
    arena_release(&mem);
}

Test(cycle_cob, only_a_biller_builds_secondary_claims)
{
    static const struct {
        const char *name;
        unsigned role;
    } refused[] = { { "cora.coder", RCM_ROLE_CODER }, { "audrey.auditor", RCM_ROLE_AUDITOR },
                    { "ada.admin", RCM_ROLE_ADMIN } };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        rcm_cycle *cy = cyfx_user(&f, refused[i].name, refused[i].role, 0);
        rcm_build_report r;
        memset(&f.err, 0, sizeof(f.err));
        int rc = rcm_cob_build(cy, &r, &f.err);
        cyfx_expect_denied(&f, cy, rc, "claims.build", "secondary claims");
        cr_assert_eq(r.claims, 0);
    }
    rcm_cycle *biller = cyfx_user(&f, "bill.biller", RCM_ROLE_BILLER, 0);
    rcm_build_report r;
    cr_assert_eq(rcm_cob_build(biller, &r, &f.err), 0, "%s", f.err.msg);
}
