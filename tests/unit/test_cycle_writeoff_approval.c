/*
 * Two people for a large write-off (include/rcm/denial.h): at or under the
 * writeoff-approval setting a write-off posts at once; above it nothing
 * posts, a pending request waits, and a second person holding
 * writeoff.approve (a biller or an admin) who neither asked for it nor coded
 * the claim approves it (then it posts exactly as it would have, with the
 * requester's reason) or rejects it. Self-approval and a coder-approver are
 * refused and logged; a decided request is not decided again; the ledger
 * reconciles after each step; every step is an event with its amounts.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "post_fixture.h"
#include "rcm/auth.h"
#include "rcm/denial.h"

static cyfx f;
static void setup(void) { cyfx_open(&f); }
static void teardown(void) { cyfx_close(&f); }
TestSuite(cycle_writeoff, .init = setup, .fini = teardown);

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

/* What a write-off changes: the ledger, denials, work items, claims and requests. */
static const char *state(void)
{
    return cyfx_text(&f, "SELECT (SELECT count(*) || ':' || COALESCE(SUM(amount_cents), 0) FROM ledger)"
                         " || ' denials=' || (SELECT group_concat(status, ',') FROM denial)"
                         " || ' items=' || (SELECT group_concat(status, ',') FROM work_item)"
                         " || ' claims=' || (SELECT group_concat(status, ',') FROM claim)"
                         " || ' requests=' || (SELECT COALESCE(group_concat(status, ','), '') FROM writeoff_request)");
}

/*
 * One MCR claim for 99214 (215.00) and 93000 (45.00), coded by the fixture's
 * user, denied whole by the payer (CO-27): denial 1 is 215.00, denial 2
 * 45.00. Returns the claim id.
 */
static int64_t denied_claim(void)
{
    cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214::1:1,2;93000::1:1");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    int64_t c = cyfx_claim_of(&f, "ENC-1");
    char body[1024];
    snprintf(body, sizeof(body),
             "CLP*%s*4*260*0**MB*ICN1~NM1*QC*1*TESTER*PAT~"
             "SVC*HC:99214*215*0~DTM*472*20220615~CAS*CO*27*215~"
             "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
             tf("SELECT claim_no FROM claim WHERE claim_id = %lld", c));
    pfx_post_ok(&f, pfx_835(&f, "TRACE-1", "0", body), NULL);
    cr_assert_eq(qf("SELECT amount_cents FROM denial WHERE denial_id = %lld", 1), 21500);
    cr_assert_eq(qf("SELECT amount_cents FROM denial WHERE denial_id = %lld", 2), 4500);
    return c;
}

static int writeoff(rcm_cycle *cy, int64_t denial, const char *reason, rcm_writeoff_result *res)
{
    memset(&f.err, 0, sizeof(f.err));
    return rcm_denial_writeoff(cy, denial, reason, res, &f.err);
}

Test(cycle_writeoff, at_or_under_the_threshold_posts_at_once)
{
    denied_claim();
    static const struct {
        const char *threshold;      /* NULL: the default, 100.00 */
        int64_t denial, amount;
        int pending;
    } cases[] = {
        { NULL, 2, 4500, 0 },       /* 45.00 under 100.00 */
        { "215.00", 1, 21500, 0 },  /* exactly the threshold: not above it */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (cases[i].threshold)
            cr_assert_eq(rcm_setting_set(f.admin, "writeoff-approval", cases[i].threshold, &f.err), 0, "%s",
                         f.err.msg);
        rcm_writeoff_result res;
        cr_assert_eq(writeoff(f.cy, cases[i].denial, "coverage ended", &res), 0, "case %zu: %s", i, f.err.msg);
        cr_assert_eq(res.request_id, 0, "case %zu", i);
        cr_assert_eq(res.amount_cents, cases[i].amount, "case %zu", i);
        cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", cases[i].denial), "written-off");
        cr_assert_eq(qf("SELECT -amount_cents FROM ledger WHERE kind = 'writeoff' AND memo LIKE 'denial %lld %%'",
                        cases[i].denial),
                     cases[i].amount, "case %zu", i);
        pfx_ledger_ok(&f);
    }
    cr_assert_eq(q("SELECT count(*) FROM writeoff_request"), 0);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'writeoff-request'"), 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM claim"), "closed");
}

Test(cycle_writeoff, above_the_threshold_waits_for_a_second_person)
{
    int64_t c = denied_claim();
    char keep[1024];
    snprintf(keep, sizeof(keep), "%s", state());
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "  coverage ended, no other coverage", &res), 0, "%s", f.err.msg);
    cr_assert_eq(res.request_id, 1);
    cr_assert_eq(res.amount_cents, 21500);
    /* nothing posted, nothing closed: only the request */
    char want[1100];
    snprintf(want, sizeof(want), "%spending", keep);
    cr_assert_str_eq(state(), want);
    cr_assert_str_eq(cyfx_text(&f, "SELECT denial_id || ' ' || claim_id || ' ' || amount_cents || ' ' || reason"
                                   " || ' ' || status || ' ' || requested_by || ' ' || requested_at"
                                   " || ' ' || COALESCE(decided_by, '-') FROM writeoff_request"),
                     tf("SELECT '1 %lld 21500 coverage ended, no other coverage pending tester 1656676800 -'", c));
    cr_assert_str_eq(cyfx_text(&f, "SELECT entity || ' ' || entity_id || ' ' || claim_id || ' ' || detail"
                                   " FROM audit_log WHERE action = 'writeoff-request'"),
                     tf("SELECT 'writeoff_request 1 %lld denial 1 claim C000000001 line 1 CO-27 amount 215.00 above"
                        " 100.00: request -> pending; reason: coverage ended, no other coverage'",
                        c));
    pfx_ledger_ok(&f);

    /* a second request for the same denial waits for the first */
    cr_assert_eq(writeoff(f.cy, 1, "again", &res), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "denial 1: write-off request 1 is waiting for approval");
    cr_assert_eq(res.request_id, 0);
    cr_assert_eq(q("SELECT count(*) FROM writeoff_request"), 1);

    /* the pending list */
    rcm_writeoff_request *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_writeoff_list(f.cy, "pending", &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 1);
    cr_assert_eq(v[0].request_id, 1);
    cr_assert_eq(v[0].denial_id, 1);
    cr_assert_str_eq(v[0].claim_no, "C000000001");
    cr_assert_eq(v[0].line_no, 1);
    cr_assert_str_eq(v[0].group, "CO");
    cr_assert_str_eq(v[0].carc, "27");
    cr_assert_eq(v[0].amount_cents, 21500);
    cr_assert_str_eq(v[0].status, "pending");
    cr_assert_str_eq(v[0].requested_by, CYFX_USER);
    cr_assert_eq(v[0].decided_at, 0);
    free(v);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'read' AND entity = 'writeoff_request'"
                   " AND detail = 'write-off requests list status=pending rows=1'"), 1);
    static const struct {
        const char *status;
        size_t n;
    } lists[] = { { NULL, 1 }, { "approved", 0 }, { "rejected", 0 } };
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        cr_assert_eq(rcm_writeoff_list(f.cy, lists[i].status, &v, &n, &f.err), 0, "%s", f.err.msg);
        cr_assert_eq(n, lists[i].n, "%s", lists[i].status ? lists[i].status : "all");
        free(v);
    }
    cr_assert_eq(rcm_writeoff_list(f.cy, "open", &v, &n, &f.err), RCM_EINVAL);
    cr_assert_null(v);
}

Test(cycle_writeoff, a_second_biller_approves_and_it_posts_as_it_would_have)
{
    int64_t c = denied_claim();
    rcm_cycle *approver = cyfx_user(&f, "approver", RCM_ROLE_BILLER, 0);
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    cr_assert_eq(writeoff(f.cy, 2, "coverage ended", NULL), 0, "%s", f.err.msg);
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c), "denied", "denial 1 still open");

    cr_assert_eq(rcm_writeoff_approve(approver, res.request_id, "eligibility response checked", &f.err), 0, "%s",
                 f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT kind || ':' || line_no || ':' || group_code || carc || ':' || amount_cents"
                                   " || ':' || user_name || ':' || memo FROM ledger WHERE kind = 'writeoff'"
                                   " AND line_no = 1"),
                     "writeoff:1:CO27:-21500:approver:denial 1 written off: coverage ended");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || resolved_by FROM denial WHERE denial_id = 1"),
                     "written-off approver");
    cr_assert_str_eq(tf("SELECT status FROM claim WHERE claim_id = %lld", c), "closed", "nothing left to work");
    cr_assert_eq(qf("SELECT count(*) FROM work_item WHERE claim_id = %lld AND status = 'open'", c), 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || decided_by || ' ' || decided_at || ' ' || decision_note"
                                   " FROM writeoff_request WHERE request_id = 1"),
                     "approved approver 1656676800 eligibility response checked");
    cr_assert_str_eq(cyfx_text(&f, "SELECT user_name || ' ' || entity || ' ' || entity_id || ' ' || detail"
                                   " FROM audit_log WHERE action = 'writeoff-approve'"),
                     "approver writeoff_request 1 denial 1 claim C000000001 amount 215.00 requested by tester:"
                     " pending -> approved; written off 215.00; note: eligibility response checked");
    cr_assert_str_eq(cyfx_text(&f, "SELECT user_name || ' ' || detail FROM audit_log WHERE action = 'writeoff'"
                                   " AND entity_id = 1"),
                     "approver claim C000000001 line 1 CO-27 written off 215.00; denial open -> written-off;"
                     " claim denied -> closed; request 1 of tester approved; reason: coverage ended");
    rcm_ledger_report lr;
    cr_assert_eq(rcm_ledger_check(approver, &lr, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(lr.writeoffs_cents, 26000);
    cr_assert_eq(pfx_balance(&f, "C000000001", "all"), 0);

    /* decided: neither approved again nor rejected */
    cr_assert_eq(rcm_writeoff_approve(approver, 1, NULL, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "write-off request 1 was approved by approver");
    cr_assert_eq(rcm_writeoff_reject(approver, 1, "too late", &f.err), RCM_EDENIED);
    cr_assert_eq(rcm_writeoff_approve(approver, 7, NULL, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'writeoff'"), 2);
}

Test(cycle_writeoff, the_admin_may_approve)
{
    denied_claim();
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_writeoff_approve(f.admin, res.request_id, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT decided_by || ' ' || decision_note FROM writeoff_request"), "admin ");
    pfx_ledger_ok(&f);
}

Test(cycle_writeoff, the_requester_may_not_approve_their_own_request)
{
    denied_claim();
    rcm_cycle *b1 = cyfx_user(&f, "b1", RCM_ROLE_BILLER, 1);   /* an exception does not make one person two */
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(b1, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    char keep[1024];
    snprintf(keep, sizeof(keep), "%s", state());
    int64_t seq = q("SELECT MAX(seq) FROM audit_log");
    cr_assert_eq(rcm_writeoff_approve(b1, res.request_id, NULL, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "user 'b1' requested write-off 1 and may not approve it: a second person approves");
    cr_assert_str_eq(state(), keep);
    cr_assert_str_eq(tf("SELECT action || '|' || outcome || '|' || user_name || '|' || claim_id || '|' || detail"
                        " FROM audit_log WHERE seq > %lld",
                        seq),
                     "denied|denied|b1|1|write-off request 1 of claim C000000001: the requester may not approve it");
    /* the requester may withdraw it */
    cr_assert_eq(rcm_writeoff_reject(b1, res.request_id, "asked by mistake", &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM writeoff_request"), "rejected");
}

Test(cycle_writeoff, an_approver_who_coded_the_claim_is_refused)
{
    denied_claim();
    rcm_cycle *cb = cyfx_user(&f, "cb", RCM_ROLE_CODER | RCM_ROLE_BILLER, 0);
    cyfx_exec(&f, "UPDATE claim SET coded_by = 'cb'");
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    char keep[1024];
    snprintf(keep, sizeof(keep), "%s", state());
    int64_t seq = q("SELECT MAX(seq) FROM audit_log");
    cr_assert_eq(rcm_writeoff_approve(cb, res.request_id, NULL, &f.err), RCM_EDENIED);
    cr_assert_not_null(strstr(f.err.msg, "user 'cb' coded claim C000000001"), "%s", f.err.msg);
    cr_assert_str_eq(state(), keep);
    cr_assert_str_eq(tf("SELECT action || '|' || user_name || '|' || claim_id || '|' || detail FROM audit_log"
                        " WHERE seq > %lld",
                        seq),
                     "denied|cb|1|separation of duties: writeoff of claim C000000001 coded by the same user");
    /* with an exception the same person passes, the use recorded */
    cr_assert_eq(rcm_sod_grant(f.admin, "cb", "two-person office, documented", RCM_DATE_NONE, NULL, &f.err), 0,
                 "%s", f.err.msg);
    cr_assert_eq(rcm_writeoff_approve(cb, res.request_id, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'sod-exception' AND user_name = 'cb'"), 1);
    pfx_ledger_ok(&f);
}

Test(cycle_writeoff, a_rejected_request_posts_nothing_and_the_denial_stays_open)
{
    denied_claim();
    rcm_cycle *approver = cyfx_user(&f, "approver", RCM_ROLE_BILLER, 0);
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    char keep[1024];
    snprintf(keep, sizeof(keep), "%s", state());
    cr_assert_eq(rcm_writeoff_reject(approver, res.request_id, NULL, &f.err), RCM_EINVAL, "a note is required");
    cr_assert_eq(rcm_writeoff_reject(approver, res.request_id, " ", &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_writeoff_reject(approver, res.request_id, "appeal it first", &f.err), 0, "%s", f.err.msg);
    size_t k = strlen(keep) - strlen("pending");
    char want[1100];
    snprintf(want, sizeof(want), "%.*srejected", (int)k, keep);
    cr_assert_str_eq(state(), want, "only the request changed");
    cr_assert_str_eq(cyfx_text(&f, "SELECT user_name || ' ' || detail FROM audit_log WHERE action = 'writeoff-reject'"),
                     "approver denial 1 claim C000000001 amount 215.00 requested by tester: pending -> rejected;"
                     " note: appeal it first");
    cr_assert_eq(rcm_writeoff_approve(approver, res.request_id, NULL, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "write-off request 1 was rejected by approver");
    cr_assert_eq(q("SELECT count(*) FROM ledger WHERE kind = 'writeoff'"), 0);
    pfx_ledger_ok(&f);

    /* the denial can be asked for again, and approved this time */
    cr_assert_eq(writeoff(f.cy, 1, "appeal lost", &res), 0, "%s", f.err.msg);
    cr_assert_eq(res.request_id, 2);
    cr_assert_eq(rcm_writeoff_approve(approver, 2, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(status, ',') FROM writeoff_request"), "rejected,approved");
    cr_assert_str_eq(cyfx_text(&f, "SELECT memo FROM ledger WHERE kind = 'writeoff'"),
                     "denial 1 written off: appeal lost");
    pfx_ledger_ok(&f);
}

Test(cycle_writeoff, approval_writes_off_no_more_than_the_payer_still_owes)
{
    int64_t c = denied_claim();
    rcm_cycle *approver = cyfx_user(&f, "approver", RCM_ROLE_BILLER, 0);
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    /* meanwhile the payer reconsiders and pays 99214 (150.00, 65.00 contractual): it owes 45.00 now */
    char body[1024];
    snprintf(body, sizeof(body),
             "CLP*%s*1*260*150**MB*ICN1~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*150~DTM*472*20220615~"
             "CAS*CO*45*65~SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
             tf("SELECT claim_no FROM claim WHERE claim_id = %lld", c));
    pfx_post_ok(&f, pfx_835(&f, "TRACE-2", "150", body), NULL);
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 4500);
    cr_assert_str_eq(tf("SELECT status FROM denial WHERE denial_id = %lld", 1), "open");
    cr_assert_eq(rcm_writeoff_approve(approver, 1, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(q("SELECT -amount_cents FROM ledger WHERE kind = 'writeoff'"), 4500, "not the 215.00 asked for");
    cr_assert_not_null(strstr(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'writeoff-approve'"),
                              "amount 215.00 requested by tester: pending -> approved; written off 45.00"));
    cr_assert_eq(pfx_balance(&f, "C000000001", "payer"), 0);
    pfx_ledger_ok(&f);
}

Test(cycle_writeoff, a_denial_worked_another_way_meanwhile_is_not_written_off)
{
    denied_claim();
    rcm_cycle *approver = cyfx_user(&f, "approver", RCM_ROLE_BILLER, 0);
    rcm_writeoff_result res;
    cr_assert_eq(writeoff(f.cy, 1, "coverage ended", &res), 0, "%s", f.err.msg);
    int64_t appeal = 0;
    cr_assert_eq(rcm_appeal_file(f.cy, 1, "coverage proof sent", &appeal, &f.err), 0, "%s", f.err.msg);
    char keep[1024];
    snprintf(keep, sizeof(keep), "%s", state());
    cr_assert_eq(rcm_writeoff_approve(approver, res.request_id, NULL, &f.err), RCM_EDENIED);
    cr_assert_str_eq(f.err.msg, "write-off request 1: denial 1 is appealed: only an open denial is written off:"
                                " reject the request");
    cr_assert_str_eq(state(), keep);
    cr_assert_eq(rcm_writeoff_reject(approver, res.request_id, "appealed instead", &f.err), 0, "%s", f.err.msg);
    pfx_ledger_ok(&f);
}
