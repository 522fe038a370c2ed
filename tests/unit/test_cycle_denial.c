/*
 * Working denials (include/rcm/denial.h): the coder's corrected claim after a
 * bundling denial (frequency 7, REF*F8 in its 837, balances moved, a charge
 * correction when the codes change the charges, the payer's reversal and new
 * adjudication landing on it), the refusals (no coder denial, coder errors
 * left, bad codes, a replaced claim), the biller's replacement and
 * write-offs after an eligibility denial, appeals with their levels and
 * deadlines, and the list. The ledger reconciles after every step.
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

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_denial, .init = setup, .fini = teardown);

static int64_t q(const char *sql) { return cyfx_int(&f, sql); }

static int64_t qf(const char *fmt, long long a)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, a);
    return cyfx_int(&f, sql);
}

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

static const char *claim_no(int64_t id) { return tf("SELECT claim_no FROM claim WHERE claim_id = %lld", id); }

/* One MCR encounter billed: 99214 (215.00) and 93000 (45.00), 260.00. Returns its claim id. */
static int64_t billed_claim(const char *enc)
{
    cyfx_add(&f, enc, NULL, "MCR", "E11.65,I10", "99214::1:1,2;93000::1:1");
    cr_assert_eq(cyfx_bill(&f, NULL), 0, "%s", f.err.msg);
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT c.claim_id FROM claim c JOIN encounter e ON e.encounter_id = c.encounter_id"
             " WHERE e.ext_id = '%s' AND c.freq = '1'",
             enc);
    int64_t id = cyfx_int(&f, sql);
    cr_assert_gt(id, 0, "encounter %s was billed", enc);
    cr_assert_eq(qf("SELECT charge_cents FROM claim WHERE claim_id = %lld", id), 26000);
    return id;
}

/* The payer pays 99214 and denies 93000 as bundled (CO-97), ICN icn. */
static void post_bundling(int64_t claim, const char *icn, const char *trace)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "CLP*%s*1*260*130.86**MB*%s~NM1*QC*1*TESTER*PAT~"
             "SVC*HC:99214*215*130.86~DTM*472*20220615~CAS*CO*45*84.14~"
             "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*97*45~",
             claim_no(claim), icn);
    pfx_post_ok(&f, pfx_835(&f, trace, "130.86", body), NULL);
}

/* The payer denies the whole claim: coverage terminated (CO-27) on both lines. */
static void post_eligibility(int64_t claim, const char *icn, const char *trace)
{
    char body[1024];
    snprintf(body, sizeof(body),
             "CLP*%s*4*260*0**MB*%s~NM1*QC*1*TESTER*PAT~"
             "SVC*HC:99214*215*0~DTM*472*20220615~CAS*CO*27*215~"
             "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
             claim_no(claim), icn);
    pfx_post_ok(&f, pfx_835(&f, trace, "0", body), NULL);
}

static int64_t denial_of(int64_t claim, int line)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT denial_id FROM denial WHERE claim_id = %lld AND line_no = %d",
             (long long)claim, line);
    return cyfx_int(&f, sql);
}

static int correct(int64_t claim, const char *dx, const char *lines, rcm_findings *fl, int64_t *out)
{
    rcm_coding c;
    cyfx_codes(&c, dx, lines);
    memset(&f.err, 0, sizeof(f.err));
    return rcm_denial_correct(f.cy, claim, &c, fl, out, &f.err);
}

/* The 837 written for payer's ready claims, read back: error problems counted, its text returned. */
typedef struct sent {
    char *text;
    long errors, claims;
    char freq;
    char f8[51];
} sent;

static int on_claim(void *ctx, const rcm_claim *c)
{
    sent *s = ctx;
    s->claims++;
    s->freq = c->freq;
    snprintf(s->f8, sizeof(s->f8), "%s", c->original_ref);
    return 0;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    sent *s = ctx;
    if (p->severity == RCM_SEV_ERROR) {
        s->errors++;
        cr_log_error("837 problem: segment %ld '%s': %s", p->segment, p->seg_id, p->msg);
    }
    return 0;
}

static void submit_read(const char *payer, const char *name, sent *s)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/%s", f.dir, name);
    rcm_submit_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_submit(f.cy, payer, 'P', path, &rep, &err), 0, "submit: %s", err.msg);
    cr_assert_gt(rep.batch_id, 0);
    memset(s, 0, sizeof(*s));
    rcm_x12_reader *x = NULL;
    cr_assert_eq(rcm_x12_open_file(&x, path, &err), 0, "%s", err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = s;
    cb.claim = on_claim;
    cb.problem = on_problem;
    cr_assert_eq(rcm_x12_read(x, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(x);
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp);
    s->text = calloc(1, 1 << 16);
    size_t k = fread(s->text, 1, (1 << 16) - 1, fp);
    fclose(fp);
    s->text[k] = '\0';
}

/* ---- the coder's correction ---- */

Test(cycle_denial, bundling_denial_corrected_by_the_coder_becomes_a_replacement_claim)
{
    int64_t c1 = billed_claim("ENC-1");
    sent first;
    submit_read("MCR", "first.837", &first);
    cr_assert_eq(first.freq, '1');
    free(first.text);
    post_bundling(c1, "ICN0001", "TRACE-1");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "partial");

    /* the coder's queue holds the CO-97 line, the biller's nothing */
    rcm_denial *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_denial_list(f.cy, "coder", 1, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].claim_id, c1);
    cr_assert_eq(v[0].line_no, 2);
    cr_assert_str_eq(v[0].code, "93000");
    cr_assert_str_eq(v[0].group, "CO");
    cr_assert_str_eq(v[0].carc, "97");
    cr_assert_eq(v[0].amount_cents, 4500);
    cr_assert_str_eq(v[0].route, "coder");
    cr_assert_str_eq(v[0].root, "bundling");
    cr_assert_str_eq(v[0].status, "open");
    cr_assert_eq(v[0].deadline, day("2022-07-05") + 120, "payment date + MCR's 120 appeal days");
    free(v);
    cr_assert_eq(rcm_denial_list(f.cy, "biller", 1, &v, &n, &f.err), 0);
    cr_assert_eq(n, 0);
    free(v);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND queue = 'coder' AND status = 'open'",
                    c1), 1);

    /* the coder marks the E/M separately identifiable: the same charges, modifier 25 */
    rcm_findings fl;
    rcm_findings_init(&fl);
    int64_t c2 = 0;
    cr_assert_eq(correct(c1, "E1165,I10", "99214:25:1:1,2;93000::1:1", &fl, &c2), 0, "%s", f.err.msg);
    for (size_t i = 0; i < fl.n; i++)
        cr_assert(!(fl.v[i].severity == RCM_SEV_ERROR && fl.v[i].route == RCM_ROUTE_CODER), "%s", fl.v[i].rule);
    rcm_findings_release(&fl);
    cr_assert_gt(c2, c1);

    /* the replacement: frequency 7, REF*F8 = the payer's ICN, the same encounter and coverage */
    cr_assert_str_eq(tf("SELECT freq || ' ' || seq || ' ' || original_icn || ' ' || original_claim_id || ' '"
                        " || charge_cents || ' ' || status FROM claim WHERE claim_id = %lld", c2),
                     "7 P ICN0001 1 26000 ready");
    cr_assert_eq(qf("SELECT count(*) FROM claim a JOIN claim b ON a.encounter_id = b.encounter_id"
                    " AND a.coverage_id = b.coverage_id WHERE a.claim_id = 1 AND b.claim_id = %lld", c2), 1);
    cr_assert_str_eq(tf("SELECT group_concat(code || ':' || mod1 || ':' || ptr1 || ptr2, ' ') FROM"
                        " (SELECT * FROM claim_line WHERE claim_id = %lld ORDER BY line_no)", c2),
                     "99214:25:12 93000::10");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "replaced");

    /* the denial is corrected by it; the coder's item is done; the biller submits */
    cr_assert_str_eq(tf("SELECT status || ' ' || corrected_claim_id || ' ' || resolved_by FROM denial"
                        " WHERE claim_id = %lld", c1), "corrected 2 tester");
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c1), 0);
    cr_assert_str_eq(tf("SELECT queue || ' ' || kind || ' ' || summary FROM work_item WHERE claim_id = %lld"
                        " AND status = 'open'", c2),
                     "biller correction submit corrected claim C000000002 (replaces C000000001)");

    /* the ledger: the payer's 45.00 moved to the replacement; equal charges, no correction row */
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 4500);
    cr_assert_eq(pfx_balance(&f, "C000000002", "patient"), 0);
    cr_assert_str_eq(tf("SELECT group_concat(kind || ':' || amount_cents || ':' || COALESCE(payer_id, 'pt'), ' ')"
                        " FROM (SELECT * FROM ledger WHERE claim_id = %lld ORDER BY entry_id)", c2),
                     "transfer:4500:1");
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'transfer' AND remit_claim_id IS NULL"), 2);
    pfx_ledger_ok(&f);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'correct' AND entity = 'claim'"
                   " AND entity_id = 1 AND detail LIKE 'replaced by claim 2 C000000002 freq 7 ref F8 ICN0001%'"), 1);

    /* its 837: frequency 7 with REF*F8, read back without a problem */
    sent s;
    submit_read("MCR", "corrected.837", &s);
    cr_assert_eq(s.errors, 0);
    cr_assert_eq(s.claims, 1, "only the replacement was ready");
    cr_assert_eq(s.freq, '7');
    cr_assert_str_eq(s.f8, "ICN0001");
    cr_assert_not_null(strstr(s.text, "CLM*C000000002*260***11:B:7*"), "%s", s.text);
    cr_assert_not_null(strstr(s.text, "REF*F8*ICN0001~"));
    cr_assert_not_null(strstr(s.text, "SV1*HC:99214:25*215*UN*1***1:2~"));
    free(s.text);
}

Test(cycle_denial, a_correction_that_drops_a_line_books_the_charge_difference)
{
    int64_t c1 = billed_claim("ENC-1");
    post_bundling(c1, "ICN0001", "TRACE-1");
    /* the diagnoses as a coder may type them, with their dot */
    rcm_coding codes;
    cyfx_codes(&codes, "", "99214:25:1:1,2");
    codes.n_dx = 2;
    snprintf(codes.dx[0], sizeof(codes.dx[0]), "E11.65");
    snprintf(codes.dx[1], sizeof(codes.dx[1]), "I10");
    int64_t c2 = 0;
    cr_assert_eq(rcm_denial_correct(f.cy, c1, &codes, NULL, &c2, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(qf("SELECT charge_cents FROM claim WHERE claim_id = %lld", c2), 21500);
    cr_assert_str_eq(tf("SELECT group_concat(code, ',') FROM (SELECT * FROM claim_dx WHERE claim_id = %lld"
                        " ORDER BY seq)", c2), "E1165,I10");
    /* 45.00 moved in, then -45.00 of charge correction: the payer owes nothing on the replacement yet */
    cr_assert_str_eq(tf("SELECT group_concat(kind || ':' || group_code || carc || ':' || amount_cents, ' ') FROM"
                        " (SELECT * FROM ledger WHERE claim_id = %lld ORDER BY entry_id)", c2),
                     "transfer::4500 adjustment::-4500");
    cr_assert_eq(pfx_balance(&f, "C000000002", "all"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    pfx_ledger_ok(&f);

    /* the payer takes its first adjudication back and pays the replacement */
    const char *body = "CLP*C000000001*22*-260*-130.86**MB*ICN0001~NM1*QC*1*TESTER*PAT~"
                       "SVC*HC:99214*-215*-130.86~CAS*CO*45*-84.14~SVC*HC:93000*-45*0~CAS*CO*97*-45~"
                       "CLP*C000000002*1*215*130.86**MB*ICN0002~NM1*QC*1*TESTER*PAT~"
                       "SVC*HC:99214:25*215*130.86~CAS*CO*45*84.14~";
    pfx_post_ok(&f, pfx_835(&f, "TRACE-2", "0", body), NULL);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000002", "all"), 0, "the replacement is settled as if it were the original");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "replaced");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c2), "paid");
    pfx_ledger_ok(&f);
}

Test(cycle_denial, corrections_refused_write_nothing)
{
    int64_t c1 = billed_claim("ENC-1");
    /* not adjudicated yet: no denial to correct */
    int64_t out = 7;
    cr_assert_eq(correct(c1, "E1165", "99214::1:1", NULL, &out), RCM_EDENIED);
    cr_assert_eq(out, 0);
    cr_assert_not_null(strstr(f.err.msg, "no open coder-routed denial"), "%s", f.err.msg);

    post_bundling(c1, "ICN0001", "TRACE-1");
    const char *before = pfx_counts(&f);
    int64_t claims = q("SELECT count(*) FROM claim");
    char keep[512];
    snprintf(keep, sizeof(keep), "%s", before);

    /* a coder-routed error left in the corrected codes: 25 on a code that is not an E/M (MOD-005) */
    rcm_findings fl;
    rcm_findings_init(&fl);
    cr_assert_eq(correct(c1, "E1165,I10", "99214::1:1,2;93000:25:1:1", &fl, &out), RCM_EDENIED);
    cr_assert_not_null(strstr(f.err.msg, "coder-routed error"), "%s", f.err.msg);
    int mod005 = 0, syn = 0;
    for (size_t i = 0; i < fl.n; i++) {
        mod005 += strcmp(fl.v[i].rule, "MOD-005") == 0;
        syn += strncmp(fl.v[i].rule, "SYN-", 4) == 0 && fl.v[i].severity == RCM_SEV_ERROR;
    }
    cr_assert_eq(mod005, 1, "MOD-005 fires on 93000-25");
    cr_assert_eq(syn, 0, "no syntax error on a well-formed claim");
    /* a line without a diagnosis pointer (SYN-016, the coder's) */
    cr_assert_eq(correct(c1, "E1165,I10", "99214:25:1:1,2;93000::1", &fl, &out), RCM_EDENIED);
    cr_assert_eq(cyfx_fired(&fl, "SYN-016"), 1);
    cr_assert_eq(cyfx_fired(&fl, "MOD-005"), 0);
    rcm_findings_release(&fl);

    /* codes coding refuses */
    static const struct {
        const char *dx, *lines, *set_dx, *why;
    } bad[] = {
        { "E1165", "99214::1:1", "11E", "not an ICD-10-CM code" },
        { "", "99214::1:1", NULL, "no diagnosis" },
        { "E1165", "", NULL, "no line" },
        { "E1165", "9921::1:1", NULL, "not a CPT or HCPCS code" },
        { "E1165", "99214:2:1:1", NULL, "modifier 1 '2'" },
        { "E1165", "99214:25,25:1:1", NULL, "modifier 25 is listed twice" },
        { "E1165", "99214::0:1", NULL, "units must be above 0" },
        { "E1165", "99214:25:1:2", NULL, "pointer 2 points beyond the diagnoses" },
        { "E1165,E11.65", "99214::1:1", NULL, "diagnosis E1165 is listed twice" },
        { "E1165,I10", "99214::1:1,1", NULL, "pointer 1 is listed twice" },
        { "E1165", "99214::1:1:0450", NULL, "a revenue code is for 837I claims" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rcm_coding c;
        cyfx_codes(&c, bad[i].dx, bad[i].lines);
        if (bad[i].set_dx)
            snprintf(c.dx[0], sizeof(c.dx[0]), "%s", bad[i].set_dx);
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_denial_correct(f.cy, c1, &c, NULL, &out, &f.err), RCM_EINVAL, "case %zu", i);
        cr_assert_not_null(strstr(f.err.msg, bad[i].why), "case %zu: %s", i, f.err.msg);
    }
    cr_assert_str_eq(pfx_counts(&f), keep, "nothing was written");
    cr_assert_eq(q("SELECT count(*) FROM claim"), claims);
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE claim_id = %lld", c1), "open");

    /* once replaced, the claim is not corrected again: its replacement is */
    int64_t c2 = 0;
    cr_assert_eq(correct(c1, "E1165,I10", "99214:25:1:1,2;93000::1:1", NULL, &c2), 0, "%s", f.err.msg);
    cr_assert_eq(correct(c1, "E1165,I10", "99214:25:1:1,2", NULL, &out), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "claim C000000001 is replaced by claim C000000002: work that one");
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_eq(correct(424242, "E1165", "99214::1:1", NULL, &out), RCM_ENOTFOUND);
    pfx_ledger_ok(&f);
}

/* ---- the biller: replacement and write-off ---- */

Test(cycle_denial, eligibility_denial_rebilled_after_a_coverage_fix)
{
    int64_t c1 = billed_claim("ENC-1");
    post_eligibility(c1, "ICN0003", "TRACE-3");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "denied");
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND route = 'biller' AND root ="
                    " 'eligibility' AND status = 'open'", c1), 2);
    /* a coder cannot correct a billing denial */
    int64_t out = 0;
    cr_assert_eq(correct(c1, "E1165,I10", "99214::1:1,2;93000::1:1", NULL, &out), RCM_EDENIED);

    cyfx_exec(&f, "UPDATE coverage SET member_id = '1EG4TE5MK99'");
    int64_t c2 = 0;
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, "member id corrected", &c2, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT freq || ' ' || original_icn || ' ' || charge_cents || ' ' || status FROM claim"
                        " WHERE claim_id = %lld", c2), "7 ICN0003 26000 ready");
    cr_assert_str_eq(tf("SELECT group_concat(code || ':' || charge_cents, ' ') FROM"
                        " (SELECT * FROM claim_line WHERE claim_id = %lld ORDER BY line_no)", c2),
                     "99214:21500 93000:4500");
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND status = 'corrected'", c1), 2);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c1), 0);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND kind = 'correction'", c2), 1);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 26000);
    cr_assert_eq(qf("SELECT count(*) FROM ledger WHERE claim_id = %lld AND kind <> 'transfer'", c2), 0);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'rebill' AND detail LIKE"
                   " '%note: member id corrected'"), 1);
    pfx_ledger_ok(&f);
    cr_assert_eq(rcm_denial_rebill(f.cy, c2, NULL, &out, &f.err), RCM_EDENIED, "no denial on the replacement");
}

/* ---- the biller's coverage fix to another payer ---- */

/* The patient of billed_claim("ENC-1") moves to BCBS as primary from 2022-01-01. */
static rcm_coverage_update to_bcbs(void)
{
    rcm_coverage_update u;
    memset(&u, 0, sizeof(u));
    u.mrn = "MRN-ENC-1";
    u.seq = "P";
    u.payer = "BCBS";
    u.member_id = "XYZ123456789";
    u.group_no = "GRP100";
    u.relation = "18";
    u.sub_dob = RCM_DATE_NONE;
    u.from = day("2022-01-01");
    u.to = RCM_DATE_NONE;
    return u;
}

Test(cycle_denial, coverage_ended_denial_rebilled_to_the_new_payer_as_an_original_claim)
{
    int64_t c1 = billed_claim("ENC-1");
    post_eligibility(c1, "ICN0003", "TRACE-3");
    int64_t mcr = cyfx_payer(&f, "MCR"), bcbs = cyfx_payer(&f, "BCBS");
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 26000);

    rcm_coverage_update u = to_bcbs();
    cr_assert_eq(rcm_coverage_set(f.cy, &u, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(qf("SELECT payer_id FROM coverage WHERE coverage_id = (SELECT coverage_id FROM claim"
                    " WHERE claim_id = %lld)", c1), bcbs, "the same row (patient, seq) now names BCBS");
    cr_assert_eq(qf("SELECT payer_id FROM claim WHERE claim_id = %lld", c1), mcr, "the claim keeps its payer");
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'coverage-set' AND detail LIKE '%BCBS%'"
                   " AND detail NOT LIKE '%XYZ123456789%'"), 1);
    cr_assert_eq(rcm_coverage_set(f.cy, &u, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'coverage-set'"), 1, "the same: nothing written");

    int64_t c2 = 0;
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, "moved to BCBS", &c2, &f.err), 0, "%s", f.err.msg);
    cr_assert_gt(c2, c1);
    cr_assert_str_eq(claim_no(c2), "C000000002");
    cr_assert_str_eq(tf("SELECT freq || ' [' || original_icn || '] ' || charge_cents || ' ' || status FROM claim"
                        " WHERE claim_id = %lld", c2), "1 [] 26000 ready");
    cr_assert_eq(qf("SELECT payer_id FROM claim WHERE claim_id = %lld", c2), bcbs);
    cr_assert_eq(qf("SELECT original_claim_id FROM claim WHERE claim_id = %lld", c2), c1);
    cr_assert_str_eq(tf("SELECT group_concat(code || ':' || charge_cents, ' ') FROM"
                        " (SELECT * FROM claim_line WHERE claim_id = %lld ORDER BY line_no)", c2),
                     "99214:21500 93000:4500");
    /* the balance moved by one transfer pair: off MCR on the old claim, onto BCBS on the new one */
    cr_assert_eq(qf("SELECT count(*) FROM ledger WHERE claim_id = %lld AND kind = 'charge'", c2), 0);
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM ledger WHERE claim_id = %lld AND kind = 'transfer'"
             " AND payer_id = %lld AND amount_cents = -26000", (long long)c1, (long long)mcr);
    cr_assert_eq(q(sql), 1);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM ledger WHERE claim_id = %lld AND kind = 'transfer'"
             " AND payer_id = %lld AND amount_cents = 26000", (long long)c2, (long long)bcbs);
    cr_assert_eq(q(sql), 1);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 26000);
    cr_assert_eq(pfx_balance(&f, "C000000002", "patient"), 0);
    /* the old claim is closed, its denials resolved (not written off), its items done */
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "closed");
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND status = 'resolved'"
                    " AND corrected_claim_id = 2", c1), 2);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'writeoff'"), 0);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c1), 0);
    cr_assert_str_eq(tf("SELECT summary FROM work_item WHERE claim_id = %lld AND status = 'open'", c2),
                     "submit claim C000000002 to BCBS (rebills C000000001: coverage P changed payer)");
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'rebill' AND detail LIKE"
                   " '%freq 1 to payer%BCBS%moved 260.00; status denied -> closed; note: moved to BCBS'"), 1);
    pfx_ledger_ok(&f);

    /* the new claim goes out to BCBS as an original: frequency 1, no REF*F8 */
    sent s;
    submit_read("BCBS", "bcbs.837", &s);
    cr_assert_eq(s.errors, 0);
    cr_assert_eq(s.claims, 1);
    cr_assert_eq(s.freq, '1');
    cr_assert_str_eq(s.f8, "");
    cr_assert_null(strstr(s.text, "REF*F8"));
    free(s.text);
    /* nothing left to rebill on either claim */
    int64_t out = 0;
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_eq(rcm_denial_rebill(f.cy, c2, NULL, &out, &f.err), RCM_EDENIED);
    pfx_ledger_ok(&f);
}

Test(cycle_denial, rebill_to_a_new_payer_needs_its_coverage_in_force_on_the_date_of_service)
{
    int64_t c1 = billed_claim("ENC-1");
    post_eligibility(c1, "ICN0003", "TRACE-3");
    rcm_coverage_update u = to_bcbs();
    u.from = day("2022-07-01");     /* after the date of service, 2022-06-15 */
    cr_assert_eq(rcm_coverage_set(f.cy, &u, &f.err), 0, "%s", f.err.msg);
    int64_t out = 0;
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "claim C000000001: coverage P (payer BCBS) is not in force on 2022-06-15, the date"
                     " of service: set its dates first (rcm coverage set)");
    cr_assert_eq(out, 0);
    cr_assert_eq(q("SELECT count(*) FROM claim"), 1, "nothing was created");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "denied");
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND status = 'open'", c1), 2);
    pfx_ledger_ok(&f);
}

Test(cycle_denial, coverage_set_refuses_bad_fields_and_changes_nothing)
{
    billed_claim("ENC-1");
    int64_t events = q("SELECT count(*) FROM audit_log");
    const char *before = cyfx_text(&f, "SELECT group_concat(coverage_id || payer_id || seq || member_id || group_no"
                                       " || relation || COALESCE(eff_from, '-') || COALESCE(eff_to, '-'), '|')"
                                       " FROM coverage");
    char keep[512];
    snprintf(keep, sizeof(keep), "%s", before);
    static const struct {
        const char *what, *mrn, *seq, *payer, *member, *relation, *sub_last, *from, *to;
        int rc;
        const char *msg;
    } bad[] = {
        { "unknown payer", "MRN-ENC-1", "P", "NOPE", "M1", "18", "", "", "", RCM_ENOTFOUND,
          "coverage: no payer 'NOPE' in the practice" },
        { "bad payer code", "MRN-ENC-1", "P", "bcbs", "M1", "18", "", "", "", RCM_EINVAL, NULL },
        { "to before from", "MRN-ENC-1", "P", "BCBS", "M1", "18", "", "2022-06-01", "2022-05-31", RCM_EINVAL,
          "coverage: 'to' is before 'from'" },
        { "bad seq", "MRN-ENC-1", "X", "BCBS", "M1", "18", "", "", "", RCM_EINVAL,
          "coverage: 'seq' must be P, S or T" },
        { "seq too long", "MRN-ENC-1", "PS", "BCBS", "M1", "18", "", "", "", RCM_EINVAL,
          "coverage: 'seq' must be P, S or T" },
        { "tertiary without secondary", "MRN-ENC-1", "T", "BCBS", "M1", "18", "", "", "", RCM_EINVAL,
          "coverage: a tertiary (T) coverage needs a secondary (S) one first" },
        { "unknown patient", "MRN-NOBODY", "P", "BCBS", "M1", "18", "", "", "", RCM_ENOTFOUND,
          "coverage: no patient with that MRN" },
        { "no member id", "MRN-ENC-1", "P", "BCBS", "", "18", "", "", "", RCM_EINVAL,
          "coverage: 'member_id' is required" },
        { "member id with a separator", "MRN-ENC-1", "P", "BCBS", "SECRET*9", "18", "", "", "", RCM_EINVAL,
          "coverage: 'member_id' must be printable ASCII without ~ * : ^ (it goes into the 837 as is)" },
        { "unknown relation", "MRN-ENC-1", "P", "BCBS", "M1", "99", "", "", "", RCM_EINVAL, NULL },
        { "spouse without subscriber", "MRN-ENC-1", "P", "BCBS", "M1", "01", "", "", "", RCM_EINVAL,
          "coverage: 'subscriber last' is required" },
        { "self with a subscriber", "MRN-ENC-1", "P", "BCBS", "M1", "18", "SMITH", "", "", RCM_EINVAL,
          "coverage: the subscriber must be empty when relation is 18 (the patient is the subscriber)" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        rcm_coverage_update u;
        memset(&u, 0, sizeof(u));
        u.mrn = bad[i].mrn;
        u.seq = bad[i].seq;
        u.payer = bad[i].payer;
        u.member_id = bad[i].member;
        u.relation = bad[i].relation;
        u.sub_last = bad[i].sub_last;
        u.sub_dob = RCM_DATE_NONE;
        u.from = *bad[i].from ? day(bad[i].from) : RCM_DATE_NONE;
        u.to = *bad[i].to ? day(bad[i].to) : RCM_DATE_NONE;
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_coverage_set(f.cy, &u, &f.err), bad[i].rc, "%s: %s", bad[i].what, f.err.msg);
        if (bad[i].msg)
            cr_assert_str_eq(f.err.msg, bad[i].msg, "%s", bad[i].what);
        cr_assert_null(strstr(f.err.msg, "SECRET"), "%s: the member id is never echoed", bad[i].what);
    }
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(coverage_id || payer_id || seq || member_id || group_no"
                                   " || relation || COALESCE(eff_from, '-') || COALESCE(eff_to, '-'), '|')"
                                   " FROM coverage"),
                     keep, "no coverage changed");
    cr_assert_eq(q("SELECT count(*) FROM audit_log"), events, "no audit event");

    /* a secondary added, then listed after the primary */
    rcm_coverage_update ok;
    memset(&ok, 0, sizeof(ok));
    ok.mrn = "MRN-ENC-1";
    ok.seq = "S";
    ok.payer = "AETNA";
    ok.member_id = "W123";
    ok.relation = "01";
    ok.sub_last = "SPOUSE";
    ok.sub_first = "SAM";
    ok.sub_sex = "M";
    ok.sub_dob = day("1951-03-04");
    ok.from = RCM_DATE_NONE;
    ok.to = RCM_DATE_NONE;
    cr_assert_eq(rcm_coverage_set(f.cy, &ok, &f.err), 0, "%s", f.err.msg);
    rcm_coverage_row *rows = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_coverage_list(f.cy, "MRN-ENC-1", &rows, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(rows[0].seq, "P");
    cr_assert_str_eq(rows[0].payer, "MCR");
    cr_assert_eq(rows[0].has_subscriber, 0);
    cr_assert_str_eq(rows[1].seq, "S");
    cr_assert_str_eq(rows[1].payer, "AETNA");
    cr_assert_str_eq(rows[1].relation, "01");
    cr_assert_eq(rows[1].has_subscriber, 1);
    cr_assert_eq(rows[1].from, RCM_DATE_NONE);
    free(rows);
    cr_assert_eq(rcm_coverage_list(f.cy, "MRN-NOBODY", &rows, &n, &f.err), RCM_ENOTFOUND);
    cr_assert_null(rows);
    pfx_ledger_ok(&f);
}

Test(cycle_denial, rebill_waits_for_the_coder_and_the_coder_correction_carries_billing_denials)
{
    int64_t c1 = billed_claim("ENC-1");
    cr_assert_str_eq(claim_no(c1), "C000000001");
    pfx_post_ok(&f,
                pfx_835(&f, "TRACE-4", "0",
                        "CLP*C000000001*4*260*0**MB*ICN0004~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*0~"
                        "CAS*CO*16*215~LQ*HE*MA130~SVC*HC:93000*45*0~CAS*CO*97*45~"),
                NULL);
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND status = 'open'", c1), 2);
    int64_t out = 0;
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_not_null(strstr(f.err.msg, "coder-routed denial is open"), "%s", f.err.msg);
    cr_assert_eq(q("SELECT count(*) FROM claim"), 1);

    int64_t c2 = 0;
    cr_assert_eq(correct(c1, "E1165,I10", "99214:25:1:1,2;93000::1:1", NULL, &c2), 0, "%s", f.err.msg);
    cr_assert_eq(qf("SELECT count(*) FROM denial WHERE claim_id = %lld AND status = 'corrected'"
                    " AND corrected_claim_id = 2", c1), 2, "the replacement carries every line");
    cr_assert_str_eq(tf("SELECT summary FROM work_item WHERE claim_id = %lld", c2),
                     "submit corrected claim C000000002 (replaces C000000001): fix its billing denial first");
    cr_assert_eq(pfx_balance(&f, "C000000002", "payer"), 26000);
    pfx_ledger_ok(&f);
}

Test(cycle_denial, write_offs_close_the_denial_then_the_claim)
{
    int64_t c1 = billed_claim("ENC-1");
    post_eligibility(c1, "ICN0003", "TRACE-3");
    int64_t d1 = denial_of(c1, 1), d2 = denial_of(c1, 2);
    cr_assert_eq(rcm_denial_writeoff(f.cy, d1, "  ", NULL, &f.err), RCM_EINVAL, "a reason is required");
    cr_assert_eq(rcm_denial_writeoff(f.cy, d1, NULL, NULL, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_denial_writeoff(f.cy, 999, "why", NULL, &f.err), RCM_ENOTFOUND);

    /* 215.00 is above the approval threshold (100.00): a second person approves it, then it posts */
    rcm_writeoff_result res;
    cr_assert_eq(rcm_denial_writeoff(f.cy, d1, "coverage ended, no other coverage", &res, &f.err), 0, "%s",
                 f.err.msg);
    cr_assert_eq(res.amount_cents, 21500);
    cr_assert_gt(res.request_id, 0);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'writeoff'"), 0, "nothing posted yet");
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", d1), "open");
    rcm_cycle *approver = cyfx_user(&f, "approver", RCM_ROLE_BILLER, 0);
    cr_assert_eq(rcm_writeoff_approve(approver, res.request_id, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT user_name FROM ledger WHERE kind = 'writeoff' AND claim_id = %lld", c1), "approver");
    cr_assert_str_eq(tf("SELECT kind || ':' || line_no || ':' || group_code || carc || ':' || amount_cents || ':'"
                        " || memo FROM ledger WHERE kind = 'writeoff' AND claim_id = %lld", c1),
                     "writeoff:1:CO27:-21500:denial 1 written off: coverage ended, no other coverage");
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", d1), "written-off");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "denied", "line 2 is still open");
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c1), 1,
                 "the claim's biller item stays while a denial is open");
    cr_assert_eq(rcm_denial_writeoff(f.cy, d1, "again", NULL, &f.err), RCM_EDENIED);
    pfx_ledger_ok(&f);

    cr_assert_eq(rcm_denial_writeoff(f.cy, d2, "coverage ended", &res, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(res.request_id, 0, "45.00 posts at once");
    cr_assert_eq(res.amount_cents, 4500);
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c1), "closed");
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c1), 0);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'writeoff' AND entity = 'denial'"
                   " AND detail = 'claim C000000001 line 2 CO-27 written off 45.00; denial open -> written-off;"
                   " claim denied -> closed; reason: coverage ended'"), 1);
    rcm_ledger_report lr;
    cr_assert_eq(rcm_ledger_check(f.cy, &lr, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(lr.writeoffs_cents, 26000);
}

/* ---- appeals ---- */

Test(cycle_denial, appeals_go_level_by_level_until_the_deadline)
{
    int64_t c1 = billed_claim("ENC-1");
    post_eligibility(c1, "ICN0003", "TRACE-3");
    int64_t d1 = denial_of(c1, 1), d2 = denial_of(c1, 2);
    rcm_date deadline = day("2022-07-05") + 120;

    int64_t a1 = 0;
    cr_assert_eq(rcm_appeal_file(f.cy, d1, "records attached", &a1, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT level || ' ' || status || ' ' || note FROM appeal WHERE appeal_id = %lld", a1),
                     "1 filed records attached");
    cr_assert_eq(qf("SELECT deadline FROM appeal WHERE appeal_id = %lld", a1), deadline);
    cr_assert_eq(qf("SELECT filed FROM appeal WHERE appeal_id = %lld", a1), day(CYFX_TODAY));
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", d1), "appealed");
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE kind = 'appeal' AND status = 'open' AND denial_id = %lld",
                    d1), 1);
    cr_assert_eq(qf("SELECT due FROM work_item WHERE kind = 'appeal' AND denial_id = %lld", d1), deadline);
    /* the claim is not replaced or written off under a pending appeal, and not appealed twice */
    int64_t out = 0;
    cr_assert_eq(rcm_appeal_file(f.cy, d1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_eq(rcm_denial_writeoff(f.cy, d1, "no", NULL, &f.err), RCM_EDENIED);
    cr_assert_eq(rcm_denial_rebill(f.cy, c1, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_not_null(strstr(f.err.msg, "appeal is pending"), "%s", f.err.msg);

    /* lost: the denial is open again, in the biller's queue; the next appeal is level 2 */
    cr_assert_eq(rcm_appeal_close(f.cy, a1, "maybe", &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_appeal_close(f.cy, a1, "lost", &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_appeal_close(f.cy, a1, "won", &f.err), RCM_EDENIED, "closed already");
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", d1), "open");
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE kind = 'appeal' AND status = 'open' AND denial_id = %lld",
                    d1), 0);
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE kind = 'denial' AND queue = 'biller' AND status = 'open'"
                    " AND denial_id = %lld AND summary LIKE '%%appeal level 1 lost%%'", d1), 1);
    int64_t a2 = 0;
    cr_assert_eq(rcm_appeal_file(f.cy, d1, NULL, &a2, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(qf("SELECT level FROM appeal WHERE appeal_id = %lld", a2), 2);
    cr_assert_eq(rcm_appeal_close(f.cy, a2, "won", &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT status || ' ' || resolved_by FROM denial WHERE denial_id = %lld", d1),
                     "resolved tester");
    cr_assert_eq(rcm_appeal_file(f.cy, d1, NULL, &out, &f.err), RCM_EDENIED, "a resolved denial");
    cr_assert_eq(qf("SELECT amount_cents FROM denial WHERE denial_id = %lld", d1), 21500);
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 26000, "won: the payer still owes until it pays");

    /* the last day is fine, the day after is refused with nothing written */
    rcm_cycle_set_now(f.cy, ((int64_t)deadline + 1) * 86400 + 3600);
    char keep[512];
    snprintf(keep, sizeof(keep), "%s", pfx_counts(&f));
    int64_t appeals = q("SELECT count(*) FROM appeal");
    cr_assert_eq(rcm_appeal_file(f.cy, d2, NULL, &out, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "denial 2: the appeal deadline 2022-11-02 has passed");
    cr_assert_eq(q("SELECT count(*) FROM appeal"), appeals);
    cr_assert_str_eq(pfx_counts(&f), keep);
    rcm_cycle_set_now(f.cy, (int64_t)deadline * 86400 + 3600);
    cr_assert_eq(rcm_appeal_file(f.cy, d2, NULL, &out, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_appeal_close(f.cy, out, "withdrawn", &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", d2), "open");
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'appeal'"), 3);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'appeal-close'"), 3);
    pfx_ledger_ok(&f);
}

Test(cycle_denial, list_filters_by_route_and_status)
{
    int64_t c1 = billed_claim("ENC-1");
    int64_t c2 = billed_claim("ENC-2");
    post_bundling(c1, "ICN0001", "TRACE-1");
    post_eligibility(c2, "ICN0002", "TRACE-2");
    rcm_denial *v = NULL;
    size_t n = 0;
    static const struct {
        const char *route;
        int open_only;
        size_t n;
    } cases[] = { { NULL, 1, 3 }, { "coder", 1, 1 }, { "biller", 1, 2 }, { "patient", 1, 0 } };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cr_assert_eq(rcm_denial_list(f.cy, cases[i].route, cases[i].open_only, &v, &n, &f.err), 0);
        cr_assert_eq(n, cases[i].n, "case %zu", i);
        free(v);
    }
    cr_assert_eq(rcm_denial_writeoff(f.cy, denial_of(c2, 2), "small balance", NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_denial_list(f.cy, "biller", 1, &v, &n, &f.err), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].line_no, 1);
    free(v);
    cr_assert_eq(rcm_denial_list(f.cy, NULL, 0, &v, &n, &f.err), 0);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(v[2].status, "written-off");
    cr_assert_str_eq(v[2].claim_no, "C000000002");
    cr_assert_str_eq(v[2].code, "93000");
    free(v);
    /* each list is one read event, with what was asked and how many rows it showed */
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(entity || ' ' || entity_id || ' ' || detail, '; ')"
                                   " FROM (SELECT * FROM audit_log WHERE action = 'read' AND entity = 'denial'"
                                   " ORDER BY seq)"),
                     "denial 0 denials list route=all status=open rows=3; denial 0 denials list route=coder"
                     " status=open rows=1; denial 0 denials list route=biller status=open rows=2; denial 0 denials"
                     " list route=patient status=open rows=0; denial 0 denials list route=biller status=open rows=1;"
                     " denial 0 denials list route=all status=all rows=3");
}
