/*
 * Access control in submission, acknowledgments, posting, the ledger, the
 * routing table, denials, write-offs, statements and AR (include/rcm/cycle.h
 * RCM_PERMS): every entry point refuses a user without its permission
 * (RCM_EDENIED, one 'denied' event naming the permission, nothing else
 * written) and lets a user holding it past the check.
 *
 * Separation of duties: a user holding the coder and biller roles who coded
 * a claim may not submit it, post an 835 paying it or write it off. The
 * whole step is refused (nothing written but the 'denied' event, which names
 * the claim) while another biller does the same step; with an exception the
 * coder-biller passes and each such claim is an 'sod-exception' event.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cycle_fixture_claims.h"
#include "post_fixture.h"
#include "rcm/auth.h"
#include "rcm/ar.h"
#include "rcm/denial.h"
#include "rcm/submit.h"

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_perm, .init = setup, .fini = teardown);
TestSuite(cycle_sod, .init = setup, .fini = teardown);

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

static int64_t last_seq(void) { return q("SELECT COALESCE(MAX(seq), 0) FROM audit_log"); }

/* The tables the steps below write, with their rows' states: equal before and after means nothing changed. */
static const char *state(void)
{
    return cyfx_text(&f, "SELECT (SELECT count(*) FROM x12_file) || ' batch=' || (SELECT count(*) FROM batch)"
                         " || ' claims=' || (SELECT group_concat(claim_no || ':' || status, ',') FROM claim)"
                         " || ' remit=' || (SELECT count(*) FROM remit)"
                         " || ' ledger=' || (SELECT count(*) || ':' || COALESCE(SUM(amount_cents), 0) FROM ledger)"
                         " || ' denials=' || (SELECT COALESCE(group_concat(status, ','), '') FROM denial)"
                         " || ' items=' || (SELECT COALESCE(group_concat(status, ','), '') FROM work_item)"
                         " || ' appeals=' || (SELECT count(*) FROM appeal)"
                         " || ' requests=' || (SELECT count(*) FROM writeoff_request)"
                         " || ' routes=' || (SELECT count(*) FROM denial_route)"
                         " || ' statements=' || (SELECT count(*) FROM statement)");
}

/* ---- every entry point without its permission ---- */

static char missing[320];

static int do_submit(rcm_cycle *cy, rcm_error *err)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/perm.837", f.dir);
    rcm_submit_report r;
    return rcm_submit(cy, "MCR", 'P', path, &r, err);
}

static int do_batches(rcm_cycle *cy, rcm_error *err)
{
    rcm_batch *v = NULL;
    size_t n = 0;
    int rc = rcm_batch_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int do_control(rcm_cycle *cy, rcm_error *err)
{
    int64_t v = 0;
    return rcm_submit_control(cy, "isa", &v, err);
}

static int do_ack(rcm_cycle *cy, rcm_error *err)
{
    rcm_ack_report r;
    return rcm_ack_import(cy, missing, &r, err);
}

static int do_ack_verdicts(rcm_cycle *cy, rcm_error *err)
{
    rcm_ack_report r;
    rcm_ack_verdict *v = NULL;
    size_t n = 0;
    int rc = rcm_ack_import_verdicts(cy, missing, &r, &v, &n, err);
    free(v);
    return rc;
}

static int do_post(rcm_cycle *cy, rcm_error *err)
{
    rcm_post_report r;
    return rcm_era_post(cy, missing, &r, err);
}

static int do_ledger_check(rcm_cycle *cy, rcm_error *err)
{
    rcm_ledger_report r;
    return rcm_ledger_check(cy, &r, err);
}

static int do_ledger_rows(rcm_cycle *cy, rcm_error *err)
{
    rcm_ledger_row *v = NULL;
    size_t n = 0;
    int rc = rcm_ledger_rows(cy, "C999", &v, &n, err);
    free(v);
    return rc;
}

static int do_routes_load(rcm_cycle *cy, rcm_error *err)
{
    long rows = 0;
    return rcm_routes_load(cy, missing, &rows, err);
}

static int do_routes_reset(rcm_cycle *cy, rcm_error *err) { return rcm_routes_reset(cy, err); }

static int do_denials(rcm_cycle *cy, rcm_error *err)
{
    rcm_denial *v = NULL;
    size_t n = 0;
    int rc = rcm_denial_list(cy, NULL, 0, &v, &n, err);
    free(v);
    return rc;
}

static int do_correct(rcm_cycle *cy, rcm_error *err)
{
    rcm_coding c;
    cyfx_codes(&c, "I10", "99213");
    int64_t id = 0;
    return rcm_denial_correct(cy, 999, &c, NULL, &id, err);
}

static int do_rebill(rcm_cycle *cy, rcm_error *err)
{
    int64_t id = 0;
    return rcm_denial_rebill(cy, 999, NULL, &id, err);
}

static int do_writeoff(rcm_cycle *cy, rcm_error *err) { return rcm_denial_writeoff(cy, 999, "why", NULL, err); }

static int do_appeal(rcm_cycle *cy, rcm_error *err)
{
    int64_t id = 0;
    return rcm_appeal_file(cy, 999, NULL, &id, err);
}

static int do_appeal_close(rcm_cycle *cy, rcm_error *err) { return rcm_appeal_close(cy, 999, "won", err); }
static int do_approve(rcm_cycle *cy, rcm_error *err) { return rcm_writeoff_approve(cy, 999, NULL, err); }
static int do_reject(rcm_cycle *cy, rcm_error *err) { return rcm_writeoff_reject(cy, 999, "no", err); }

static int do_requests(rcm_cycle *cy, rcm_error *err)
{
    rcm_writeoff_request *v = NULL;
    size_t n = 0;
    int rc = rcm_writeoff_list(cy, NULL, &v, &n, err);
    free(v);
    return rc;
}

static int do_statements(rcm_cycle *cy, rcm_error *err)
{
    rcm_statement_report r;
    return rcm_statements(cy, NULL, &r, err);
}

static int do_aging(rcm_cycle *cy, rcm_error *err)
{
    rcm_aging_row *v = NULL;
    size_t n = 0;
    int rc = rcm_ar_aging(cy, RCM_AR_BY_PATIENT, &v, &n, err);
    free(v);
    return rc;
}

static int do_worklist(rcm_cycle *cy, rcm_error *err)
{
    rcm_worklist_item *v = NULL;
    size_t n = 0;
    int rc = rcm_ar_worklist(cy, &v, &n, err);
    free(v);
    return rc;
}

enum { CODER, BILLER, AUDITOR, ADMIN };
static const char *const role_names[] = { "coder", "biller", "auditor", "admin" };

/*
 * Each entry point with its permission, a role that lacks it and one that
 * holds it. routes.read and metrics are held by every role: rcm_routes_list
 * and rcm_metrics_get cannot be refused to anyone with a role, so they are
 * only checked to let each role through.
 */
static const struct {
    const char *name;
    int (*fn)(rcm_cycle *cy, rcm_error *err);
    const char *perm;
    int denied, allowed;
} entry[] = {
    { "rcm_submit", do_submit, "claims.submit", CODER, BILLER },
    { "rcm_submit (auditor)", do_submit, "claims.submit", AUDITOR, BILLER },
    { "rcm_batch_list", do_batches, "claims.read", ADMIN, AUDITOR },
    { "rcm_submit_control", do_control, "claims.read", ADMIN, CODER },
    { "rcm_ack_import", do_ack, "ack.import", AUDITOR, BILLER },
    { "rcm_ack_import_verdicts", do_ack_verdicts, "ack.import", CODER, BILLER },
    { "rcm_era_post", do_post, "era.post", CODER, BILLER },
    { "rcm_era_post (admin)", do_post, "era.post", ADMIN, BILLER },
    { "rcm_ledger_check", do_ledger_check, "ledger.read", CODER, AUDITOR },
    { "rcm_ledger_rows", do_ledger_rows, "ledger.read", ADMIN, BILLER },
    { "rcm_routes_load", do_routes_load, "routes.write", BILLER, ADMIN },
    { "rcm_routes_reset", do_routes_reset, "routes.write", AUDITOR, ADMIN },
    { "rcm_denial_list", do_denials, "denial.read", ADMIN, CODER },
    { "rcm_denial_correct", do_correct, "denial.correct", BILLER, CODER },
    { "rcm_denial_rebill", do_rebill, "denial.work", CODER, BILLER },
    { "rcm_denial_writeoff", do_writeoff, "denial.writeoff", AUDITOR, BILLER },
    { "rcm_denial_writeoff (admin)", do_writeoff, "denial.writeoff", ADMIN, BILLER },
    { "rcm_appeal_file", do_appeal, "denial.work", AUDITOR, BILLER },
    { "rcm_appeal_close", do_appeal_close, "denial.work", CODER, BILLER },
    { "rcm_writeoff_approve", do_approve, "writeoff.approve", CODER, ADMIN },
    { "rcm_writeoff_approve (auditor)", do_approve, "writeoff.approve", AUDITOR, BILLER },
    { "rcm_writeoff_reject", do_reject, "writeoff.approve", AUDITOR, ADMIN },
    { "rcm_writeoff_list", do_requests, "writeoff.approve", CODER, BILLER },
    { "rcm_statements", do_statements, "statements", AUDITOR, BILLER },
    { "rcm_ar_aging", do_aging, "ar.read", CODER, AUDITOR },
    { "rcm_ar_worklist", do_worklist, "ar.read", ADMIN, BILLER },
};

Test(cycle_perm, each_entry_point_refuses_a_role_without_its_permission)
{
    snprintf(missing, sizeof(missing), "%s/no-such-file", f.dir);
    rcm_cycle *as[4] = { cyfx_user(&f, "coder1", RCM_ROLE_CODER, 0), cyfx_user(&f, "biller1", RCM_ROLE_BILLER, 0),
                         cyfx_user(&f, "auditor1", RCM_ROLE_AUDITOR, 0), f.admin };
    const char *user[4] = { "coder1", "biller1", "auditor1", CYFX_ADMIN };
    for (size_t i = 0; i < sizeof(entry) / sizeof(entry[0]); i++) {
        const char *name = entry[i].name;
        char keep[1024];
        snprintf(keep, sizeof(keep), "%s", state());
        int64_t seq = last_seq();
        rcm_error err = { 0 };
        cr_assert_eq(entry[i].fn(as[entry[i].denied], &err), RCM_EDENIED, "%s as the %s", name,
                     role_names[entry[i].denied]);
        char want[160];
        snprintf(want, sizeof(want), "(%s) may not ", role_names[entry[i].denied]);
        cr_assert_not_null(strstr(err.msg, want), "%s: %s", name, err.msg);
        cr_assert_eq(last_seq(), seq + 1, "%s: one event, the denial", name);
        char sql[512];
        snprintf(sql, sizeof(sql),
                 "SELECT action || ' ' || outcome || ' ' || user_name || ' ' || detail FROM audit_log"
                 " WHERE seq = %lld",
                 (long long)seq + 1);
        snprintf(want, sizeof(want), "denied denied %s permission %s (needs ", user[entry[i].denied],
                 entry[i].perm);
        const char *ev = cyfx_text(&f, sql);
        cr_assert_eq(strncmp(ev, want, strlen(want)), 0, "%s: event '%s'", name, ev);
        cr_assert_str_eq(state(), keep, "%s: nothing else written", name);

        /* a role holding it gets past the check (the call may fail for its own reasons) */
        seq = last_seq();
        memset(&err, 0, sizeof(err));
        cr_assert_neq(entry[i].fn(as[entry[i].allowed], &err), RCM_EDENIED, "%s as the %s: %s", name,
                      role_names[entry[i].allowed], err.msg);
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE seq > %lld AND action = 'denied'",
                 (long long)seq);
        cr_assert_eq(q(sql), 0, "%s as the %s: no denial", name, role_names[entry[i].allowed]);
    }
}

Test(cycle_perm, routes_and_metrics_are_open_to_every_role)
{
    rcm_cycle *as[4] = { cyfx_user(&f, "coder1", RCM_ROLE_CODER, 0), cyfx_user(&f, "biller1", RCM_ROLE_BILLER, 0),
                         cyfx_user(&f, "auditor1", RCM_ROLE_AUDITOR, 0), f.admin };
    for (int r = 0; r < 4; r++) {
        rcm_route_row *rows = NULL;
        size_t n = 0;
        int builtin = 0;
        cr_assert_eq(rcm_routes_list(as[r], &rows, &n, &builtin, &f.err), 0, "%s: %s", role_names[r], f.err.msg);
        cr_assert_gt(n, 0);
        free(rows);
        rcm_metrics m;
        cr_assert_eq(rcm_metrics_get(as[r], NULL, &m, &f.err), 0, "%s: %s", role_names[r], f.err.msg);
        rcm_metrics_release(&m);
    }
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'denied'"), 0);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'read'"), 0, "aggregates and tables: no read");
}

/* ---- separation of duties ---- */

/* Codes and signs off an encounter's proposal as cy (a coder). */
static void code_as(rcm_cycle *cy, int64_t enc)
{
    rcm_coding *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    rcm_findings fl;
    rcm_findings_init(&fl);
    cr_assert_eq(rcm_coding_get(cy, enc, 1, c, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_coding_assign(cy, enc, c, &fl, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_coding_signoff(cy, enc, &fl, &f.err), 0, "%s", f.err.msg);
    rcm_findings_release(&fl);
    free(c);
}

/*
 * Two MCR encounters billed (99213, 150.00 each): ENC-1 coded by coder (its
 * claim returned), ENC-2 by the fixture's user; *other gets ENC-2's claim.
 */
static int64_t two_claims(rcm_cycle *coder, int64_t *other)
{
    int64_t e1 = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", NULL, "MCR", "I10", "99213");
    code_as(coder, e1);
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t c1 = cyfx_claim_of(&f, "ENC-1"), c2 = cyfx_claim_of(&f, "ENC-2");
    cr_assert_str_eq(tf("SELECT coded_by FROM claim WHERE claim_id = %lld", c1), rcm_cycle_user(coder));
    cr_assert_str_eq(tf("SELECT coded_by FROM claim WHERE claim_id = %lld", c2), CYFX_USER);
    *other = c2;
    return c1;
}

static const char *claim_no(int64_t id) { return tf("SELECT claim_no FROM claim WHERE claim_id = %lld", id); }

static int submit_as(rcm_cycle *cy, const char *name, rcm_submit_report *rep)
{
    char path[400];
    snprintf(path, sizeof(path), "%s/%s", f.dir, name);
    memset(&f.err, 0, sizeof(f.err));
    return rcm_submit(cy, "MCR", 'P', path, rep, &f.err);
}

/* The one 'denied' event written since seq: its claim and detail. */
static void denied_since(int64_t seq, int64_t claim, const char *user, const char *detail)
{
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT user_name || '|' || entity || '|' || entity_id || '|' || claim_id || '|' || detail"
             " FROM audit_log WHERE seq > %lld AND action = 'denied' AND outcome = 'denied'",
             (long long)seq);
    char want[400];
    snprintf(want, sizeof(want), "%s|claim|%lld|%lld|%s", user, (long long)claim, (long long)claim, detail);
    cr_assert_str_eq(cyfx_text(&f, sql), want);
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE seq > %lld", (long long)seq);
    cr_assert_eq(q(sql), 1, "the denial is the only event");
}

Test(cycle_sod, a_coder_biller_may_not_submit_a_claim_they_coded)
{
    rcm_cycle *cb = cyfx_user(&f, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, 0);
    rcm_cycle *b2 = cyfx_user(&f, "b2", RCM_ROLE_BILLER, 0);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    char keep[1024], c1_no[40];
    snprintf(keep, sizeof(keep), "%s", state());
    snprintf(c1_no, sizeof(c1_no), "%s", claim_no(c1));
    int64_t seq = last_seq();

    rcm_submit_report rep;
    cr_assert_eq(submit_as(cb, "cb.837", &rep), RCM_EDENIED);
    char want[256];
    snprintf(want, sizeof(want),
             "user 'cb' coded claim %s and may not submit it: separation of duties (an admin can record an"
             " exception for a small practice)",
             c1_no);
    cr_assert_str_eq(f.err.msg, want);
    cr_assert_eq(rep.batch_id, 0);
    cr_assert_str_eq(state(), keep, "the whole batch refused: nothing written");
    struct stat sb;
    char path[400];
    snprintf(path, sizeof(path), "%s/cb.837", f.dir);
    cr_assert_neq(stat(path, &sb), 0, "no file");
    snprintf(want, sizeof(want), "separation of duties: submit of claim %s coded by the same user", c1_no);
    denied_since(seq, c1, "cb", want);

    /* another biller sends both */
    cr_assert_eq(submit_as(b2, "b2.837", &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 2);
    cr_assert_eq(q("SELECT count(*) FROM claim WHERE status = 'submitted' AND submitted_by = 'b2'"), 2);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'sod-exception'"), 0);
}

Test(cycle_sod, an_exception_lets_the_coder_biller_submit_with_an_event_per_claim)
{
    rcm_cycle *cb = cyfx_user(&f, "cbx", RCM_ROLE_CODER | RCM_ROLE_BILLER, 1);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    rcm_submit_report rep;
    cr_assert_eq(submit_as(cb, "cbx.837", &rep), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 2);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'sod-exception'"), 1, "one claim was theirs");
    cr_assert_eq(qf("SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND user_name = 'cbx'"
                    " AND entity = 'claim' AND claim_id = %lld AND detail LIKE 'exception %% used: submit of claim %%'",
                    c1), 1);
    cr_assert_eq(qf("SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND claim_id = %lld", c2), 0);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'denied'"), 0);
}

/* An 835 paying both claims: each 99213 allowed 92.50, 18.50 coinsurance. */
static const char *pay_both(int64_t c1, int64_t c2, const char *trace)
{
    static char body[1024];
    char n1[40];
    snprintf(n1, sizeof(n1), "%s", claim_no(c1));
    snprintf(body, sizeof(body),
             "CLP*%s*1*150*74*18.5*MB*ICN1~NM1*QC*1*TESTER*PAT~SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~"
             "CLP*%s*1*150*74*18.5*MB*ICN2~NM1*QC*1*TESTER*PAT~SVC*HC:99213*150*74~CAS*CO*45*57.5~CAS*PR*2*18.5~",
             n1, claim_no(c2));
    return pfx_835(&f, trace, "148", body);
}

Test(cycle_sod, a_coder_biller_may_not_post_an_835_paying_a_claim_they_coded)
{
    rcm_cycle *cb = cyfx_user(&f, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, 0);
    rcm_cycle *b2 = cyfx_user(&f, "b2", RCM_ROLE_BILLER, 0);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    rcm_submit_report srep;
    cr_assert_eq(submit_as(b2, "b2.837", &srep), 0, "%s", f.err.msg);
    const char *pay = pay_both(c1, c2, "TRACE-1");
    char keep[1024], c1_no[40];
    snprintf(keep, sizeof(keep), "%s", state());
    snprintf(c1_no, sizeof(c1_no), "%s", claim_no(c1));
    int64_t seq = last_seq();

    rcm_post_report rep;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_era_post(cb, pay, &rep, &f.err), RCM_EDENIED);
    char want[256];
    snprintf(want, sizeof(want), "user 'cb' coded claim %s and may not post it", c1_no);
    cr_assert_eq(strncmp(f.err.msg, want, strlen(want)), 0, "%s", f.err.msg);
    cr_assert_eq(rep.matched, 0);
    cr_assert_str_eq(state(), keep, "the whole 835 refused: nothing posted");
    snprintf(want, sizeof(want), "separation of duties: post of claim %s coded by the same user", c1_no);
    denied_since(seq, c1, "cb", want);

    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_era_post(b2, pay, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.matched, 2);
    cr_assert_eq(pfx_balance(&f, c1_no, "patient"), 1850);
    pfx_ledger_ok(&f);
}

Test(cycle_sod, an_exception_lets_the_coder_biller_post_with_an_event_per_claim)
{
    rcm_cycle *cb = cyfx_user(&f, "cbx", RCM_ROLE_CODER | RCM_ROLE_BILLER, 1);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    rcm_post_report rep;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_era_post(cb, pay_both(c1, c2, "TRACE-1"), &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.matched, 2);
    cr_assert_eq(qf("SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND user_name = 'cbx'"
                    " AND claim_id = %lld AND detail LIKE 'exception %% used: post of claim %%'", c1), 1);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'sod-exception'"), 1);
    pfx_ledger_ok(&f);
}

/* The payer denies both claims whole (CO-27, 150.00 each): a biller-routed denial each. */
static void deny_both(rcm_cycle *poster, int64_t c1, int64_t c2)
{
    char body[1024], n1[40];
    snprintf(n1, sizeof(n1), "%s", claim_no(c1));
    snprintf(body, sizeof(body),
             "CLP*%s*4*150*0**MB*ICN1~NM1*QC*1*TESTER*PAT~SVC*HC:99213*150*0~CAS*CO*27*150~"
             "CLP*%s*4*150*0**MB*ICN2~NM1*QC*1*TESTER*PAT~SVC*HC:99213*150*0~CAS*CO*27*150~",
             n1, claim_no(c2));
    rcm_post_report rep;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_era_post(poster, pfx_835(&f, "TRACE-D", "0", body), &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.denials, 2);
}

Test(cycle_sod, a_coder_biller_may_not_write_off_a_claim_they_coded)
{
    rcm_cycle *cb = cyfx_user(&f, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, 0);
    rcm_cycle *b2 = cyfx_user(&f, "b2", RCM_ROLE_BILLER, 0);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    deny_both(b2, c1, c2);
    cr_assert_eq(rcm_setting_set(f.admin, "writeoff-approval", "1000.00", &f.err), 0, "%s", f.err.msg);
    int64_t d1 = qf("SELECT denial_id FROM denial WHERE claim_id = %lld", c1);
    int64_t d2 = qf("SELECT denial_id FROM denial WHERE claim_id = %lld", c2);
    char keep[1024], c1_no[40];
    snprintf(keep, sizeof(keep), "%s", state());
    snprintf(c1_no, sizeof(c1_no), "%s", claim_no(c1));
    int64_t seq = last_seq();

    rcm_writeoff_result res;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_denial_writeoff(cb, d1, "coverage ended", &res, &f.err), RCM_EDENIED);
    char want[256];
    snprintf(want, sizeof(want), "user 'cb' coded claim %s and may not write off it", c1_no);
    cr_assert_eq(strncmp(f.err.msg, want, strlen(want)), 0, "%s", f.err.msg);
    cr_assert_eq(res.amount_cents, 0);
    cr_assert_str_eq(state(), keep, "nothing written off");
    snprintf(want, sizeof(want), "separation of duties: writeoff of claim %s coded by the same user", c1_no);
    denied_since(seq, c1, "cb", want);

    /* the claim they did not code they may write off; another biller writes off theirs */
    cr_assert_eq(rcm_denial_writeoff(cb, d2, "coverage ended", &res, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(res.request_id, 0);
    cr_assert_eq(rcm_denial_writeoff(b2, d1, "coverage ended", &res, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(res.amount_cents, 15000);
    cr_assert_eq(q("SELECT count(*) FROM denial WHERE status = 'written-off'"), 2);
    pfx_ledger_ok(&f);
}

Test(cycle_sod, an_exception_lets_the_coder_biller_write_off_with_an_event)
{
    rcm_cycle *cb = cyfx_user(&f, "cbx", RCM_ROLE_CODER | RCM_ROLE_BILLER, 1);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    deny_both(cb, c1, c2);
    int64_t d1 = qf("SELECT denial_id FROM denial WHERE claim_id = %lld", c1);
    cr_assert_eq(rcm_setting_set(f.admin, "writeoff-approval", "1000.00", &f.err), 0, "%s", f.err.msg);
    int64_t before = q("SELECT count(*) FROM audit_log WHERE action = 'sod-exception'");
    cr_assert_eq(before, 1, "the posting used it once");
    cr_assert_eq(rcm_denial_writeoff(cb, d1, "coverage ended", NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(qf("SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND claim_id = %lld"
                    " AND detail LIKE 'exception %% used: writeoff of claim %%'", c1), 1);
    pfx_ledger_ok(&f);
}

Test(cycle_sod, a_revoked_exception_no_longer_counts)
{
    rcm_cycle *cb = cyfx_user(&f, "cbx", RCM_ROLE_CODER | RCM_ROLE_BILLER, 1);
    int64_t c2 = 0, c1 = two_claims(cb, &c2);
    rcm_sod_exception *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_sod_list(f.admin, &v, &n, &f.err), 0, "%s", f.err.msg);
    int64_t xid = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].user, "cbx") == 0)
            xid = v[i].exception_id;
    free(v);
    cr_assert_gt(xid, 0);
    cr_assert_eq(rcm_sod_revoke(f.admin, xid, &f.err), 0, "%s", f.err.msg);
    rcm_submit_report rep;
    cr_assert_eq(submit_as(cb, "cbx.837", &rep), RCM_EDENIED);
    cr_assert_eq(qf("SELECT count(*) FROM audit_log WHERE action = 'denied' AND claim_id = %lld", c1), 1);
    cr_assert_eq(q("SELECT count(*) FROM claim WHERE status = 'ready'"), 2);
}
