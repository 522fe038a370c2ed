/*
 * access_matrix: the permission matrix. Every public librcm entry point that
 * takes a cycle handle (include/rcm/{encounter,coding,submit,post,denial,ar,
 * auth,audit,cycle}.h) is a row: a call with plausible arguments on the
 * fixture's store and the permission it needs (RCM_PERMS, include/rcm/cycle.h).
 * Each row runs on a store of its own (the cycle fixture, a few claims with
 * denials, work items and an appeal) as each of four single-role users:
 * coder, biller, auditor, admin.
 *
 * - A role without the permission gets RCM_EDENIED, a new audit_log event
 *   (action denied, outcome denied) for that user naming the permission,
 *   and nothing else in the store changes (every table but audit_log is
 *   digested before and after), nor is a file written.
 * - A role holding it does not get RCM_EDENIED and no denial is logged. The
 *   call may still fail for other reasons (a file that does not exist, a
 *   record in another state): the matrix is about permissions only. A row
 *   marked as showing patient data must write a "read" event for the user
 *   when it succeeds.
 *
 * Each row is a test of its own (access_matrix/row, by index), checked as
 * every role before it fails, so its message lists every role that broke
 * the matrix. Another test proves the table names every permission at
 * least once.
 */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "cycle_fixture_claims.h"
#include "post_fixture.h"
#include "rcm/auth.h"
#include "rcm/audit.h"
#include "rcm/ar.h"
#include "rcm/denial.h"
#include "rcm/submit.h"
#include "../../lib/cycle/cycle_internal.h"

#define MX_PW CYFX_PASSWORD
#define NONE RCM_PERM_COUNT

/* One row's store and the records its calls name. */
typedef struct mx {
    cyfx f;
    int64_t enc_coded;      /* ENC-A: billed; claim_a, with a coder-routed CO-97 denial on line 2 */
    int64_t claim_a, denial_coder;
    int64_t claim_b;        /* ENC-B: billed, both lines denied CO-27 (biller) */
    int64_t denial_biller, denial_biller2;
    int64_t appeal;         /* ENC-D: denied like ENC-B, line 1 appealed */
    int64_t request[2];     /* ENC-C: both lines denied CO-27, a write-off of each waiting for approval */
    int64_t enc_new;        /* ENC-N: not coded */
    int64_t enc_signable;   /* ENC-S: coded, not signed off */
    int64_t item_coder[2], item_biller[2];
    int64_t sample;         /* a sample of tester's claims drawn by another auditor (0: could not) */
    int64_t exception;      /* tester's exception */
    char claim_a_no[40];
    char out[320];          /* a path the call may write: "<dir>/out-<role>" */
    const char *role;       /* the acting role's name */
} mx;

typedef struct mrow {
    const char *fn;         /* the entry point (and its arguments when several rows call it) */
    rcm_perm perm;          /* what it needs; NONE: nothing (every role may call it) */
    rcm_perm alt;           /* another permission that lets it through too; NONE: none */
    int (*call)(mx *m, rcm_cycle *cy, rcm_error *err);
    int reads;              /* 1: shows patient data, so a call that succeeds writes a "read" event */
} mrow;

/* ---- the calls ---- */

static int c_practice_import(mx *m, rcm_cycle *cy, rcm_error *err)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/practice-again.json", m->f.dir);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs(cyfx_practice_json, fp);
    fclose(fp);
    rcm_import_report r;
    return rcm_practice_import(cy, path, &r, err);
}

static int c_encounter_import(mx *m, rcm_cycle *cy, rcm_error *err)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/enc-%s.jsonl", m->f.dir, m->role);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs(cyfx_encounter(&m->f, "ENC-NEW", NULL, "MCR", "I10", "99213"), fp);
    fputc('\n', fp);
    fclose(fp);
    rcm_import_report r;
    return rcm_encounter_import(cy, path, &r, err);
}

static int c_encounter_find(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_encounter_find(cy, "ENC-A", &id, err);
}

static int c_payer_find(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_payer_find(cy, "MCR", &id, err);
}

static int c_practice_get(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_practice_info p;
    return rcm_practice_get(cy, &p, err);
}

static int c_provider_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_provider_info *v = NULL;
    size_t n = 0;
    int rc = rcm_provider_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_payer_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_payer_info *v = NULL;
    size_t n = 0;
    int rc = rcm_payer_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_encounter_get(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_encounter_info e;
    memset(&e, 0, sizeof(e));
    int rc = rcm_encounter_get(cy, m->enc_coded, &e, err);
    if (rc == 0)
        rcm_encounter_info_release(&e);
    return rc;
}

static int c_coverage_set(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coverage_update u = { .mrn = "MRN-ENC-B", .seq = "P", .payer = "BCBS", .member_id = "XYZ123456789",
                              .sub_dob = RCM_DATE_NONE, .from = RCM_DATE_NONE, .to = RCM_DATE_NONE };
    return rcm_coverage_set(cy, &u, err);
}

static int c_coverage_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coverage_row *v = NULL;
    size_t n = 0;
    int rc = rcm_coverage_list(cy, "MRN-ENC-B", &v, &n, err);
    free(v);
    return rc;
}

static int c_coding_queue(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coding_item *v = NULL;
    size_t n = 0;
    int rc = rcm_coding_queue(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_coding_get(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coding c;
    return rcm_coding_get(cy, m->enc_new, 1, &c, err);
}

static int c_coding_assign(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coding c;
    cyfx_codes(&c, "I10", "99213::1:1");
    rcm_findings fl;
    rcm_findings_init(&fl);
    int rc = rcm_coding_assign(cy, m->enc_new, &c, &fl, err);
    rcm_findings_release(&fl);
    return rc;
}

static int c_coding_override(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_coding_override(cy, m->enc_signable, "PTP-001", 1, "documented separate procedure", err);
}

static int c_coding_signoff(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_findings fl;
    rcm_findings_init(&fl);
    int rc = rcm_coding_signoff(cy, m->enc_signable, &fl, err);
    rcm_findings_release(&fl);
    return rc;
}

static int c_coding_show(mx *m, rcm_cycle *cy, rcm_error *err)
{
    json_t *j = NULL;
    int rc = rcm_coding_show(cy, m->enc_new, &j, err);
    json_decref(j);
    return rc;
}

static int c_claims_build(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_build_report r;
    return rcm_claims_build(cy, &r, err);
}

static int c_claims_recheck(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_build_report r;
    return rcm_claims_recheck(cy, 0, &r, err);
}

static int c_claims_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_claim_item *v = NULL;
    size_t n = 0;
    int rc = rcm_claims_list(cy, NULL, NULL, &v, &n, err);
    free(v);
    return rc;
}

static int c_claim_find(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_claim_find(cy, m->claim_a_no, &id, err);
}

static int c_claim_show(mx *m, rcm_cycle *cy, rcm_error *err)
{
    json_t *j = NULL;
    int rc = rcm_claim_show(cy, m->claim_a, &j, err);
    json_decref(j);
    return rc;
}

static int c_submit(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_submit_report r;
    return rcm_submit(cy, "MCR", 'P', m->out, &r, err);
}

static int c_batch_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_batch *v = NULL;
    size_t n = 0;
    int rc = rcm_batch_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_submit_control(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t v;
    return rcm_submit_control(cy, "isa", &v, err);
}

static int c_ack_import(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_ack_report r;
    return rcm_ack_import(cy, "no-such-999.x12", &r, err);
}

static int c_ack_import_verdicts(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_ack_report r;
    rcm_ack_verdict *v = NULL;
    size_t n = 0;
    int rc = rcm_ack_import_verdicts(cy, "no-such-277.x12", &r, &v, &n, err);
    free(v);
    return rc;
}

static int c_era_post(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_post_report r;
    return rcm_era_post(cy, "no-such-835.x12", &r, err);
}

static int c_ledger_check(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_ledger_report r;
    return rcm_ledger_check(cy, &r, err);
}

static int c_ledger_rows(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_ledger_row *v = NULL;
    size_t n = 0;
    int rc = rcm_ledger_rows(cy, m->claim_a_no, &v, &n, err);
    free(v);
    return rc;
}

static int c_routes_load(mx *m, rcm_cycle *cy, rcm_error *err)
{
    long rows;
    return rcm_routes_load(cy, "no-such-routes.csv", &rows, err);
}

static int c_routes_reset(mx *m, rcm_cycle *cy, rcm_error *err) { return rcm_routes_reset(cy, err); }

static int c_routes_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_route_row *v = NULL;
    size_t n = 0;
    int builtin;
    int rc = rcm_routes_list(cy, &v, &n, &builtin, err);
    free(v);
    return rc;
}

static int c_denial_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_denial *v = NULL;
    size_t n = 0;
    int rc = rcm_denial_list(cy, NULL, 0, &v, &n, err);
    free(v);
    return rc;
}

static int c_denial_correct(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_coding c;
    cyfx_codes(&c, "E1165,I10", "99214:25:1:1,2;93000::1:1");
    int64_t id;
    return rcm_denial_correct(cy, m->claim_a, &c, NULL, &id, err);
}

static int c_denial_writeoff(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_writeoff_result w;
    return rcm_denial_writeoff(cy, m->denial_biller2, "coverage ended before the visit", &w, err);
}

/* Each approving role decides a request of its own: the biller the first, the admin the second. */
static int64_t request_for(mx *m) { return strcmp(m->role, "admin") == 0 ? m->request[1] : m->request[0]; }

static int c_writeoff_approve(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_writeoff_approve(cy, request_for(m), "checked the eligibility response", err);
}

static int c_writeoff_reject(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_writeoff_reject(cy, request_for(m), "appeal it first", err);
}

static int c_writeoff_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_writeoff_request *v = NULL;
    size_t n = 0;
    int rc = rcm_writeoff_list(cy, "pending", &v, &n, err);
    free(v);
    return rc;
}

static int c_denial_rebill(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_denial_rebill(cy, m->claim_b, "member id corrected", &id, err);
}

static int c_appeal_file(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_appeal_file(cy, m->denial_biller2, "coverage proof sent", &id, err);
}

static int c_appeal_close(mx *m, rcm_cycle *cy, rcm_error *err) { return rcm_appeal_close(cy, m->appeal, "won", err); }

static int c_cob_build(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_build_report r;
    return rcm_cob_build(cy, &r, err);
}

static int c_statements(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_statement_report r;
    return rcm_statements(cy, m->out, &r, err);
}

static int c_ar_aging(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_aging_row *v = NULL;
    size_t n = 0;
    int rc = rcm_ar_aging(cy, RCM_AR_BY_PAYER, &v, &n, err);
    free(v);
    return rc;
}

static int c_ar_aging_patient(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_aging_row *v = NULL;
    size_t n = 0;
    int rc = rcm_ar_aging(cy, RCM_AR_BY_PATIENT, &v, &n, err);
    free(v);
    return rc;
}

static int c_ar_worklist(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_worklist_item *v = NULL;
    size_t n = 0;
    int rc = rcm_ar_worklist(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_metrics(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_metrics_query q = { RCM_DATE_NONE, RCM_DATE_NONE, RCM_METRICS_BY_PAYER };
    rcm_metrics r;
    memset(&r, 0, sizeof(r));
    int rc = rcm_metrics_get(cy, &q, &r, err);
    rcm_metrics_release(&r);
    return rc;
}

static int work_list(rcm_cycle *cy, const char *queue, rcm_error *err)
{
    rcm_work_item *v = NULL;
    size_t n = 0;
    int rc = rcm_work_list(cy, queue, &v, &n, err);
    free(v);
    return rc;
}

static int c_work_list_coder(mx *m, rcm_cycle *cy, rcm_error *err) { return work_list(cy, RCM_QUEUE_CODER, err); }
static int c_work_list_biller(mx *m, rcm_cycle *cy, rcm_error *err) { return work_list(cy, RCM_QUEUE_BILLER, err); }
static int c_work_list_patient(mx *m, rcm_cycle *cy, rcm_error *err) { return work_list(cy, RCM_QUEUE_PATIENT, err); }
static int c_work_list_poster(mx *m, rcm_cycle *cy, rcm_error *err) { return work_list(cy, RCM_QUEUE_POSTER, err); }
static int c_work_list_all(mx *m, rcm_cycle *cy, rcm_error *err) { return work_list(cy, NULL, err); }

/*
 * rcm_work_close reads the item's queue first (the permission depends on
 * it), so a closed item is "not found" for anyone: the role that may close
 * it closes a second one, and the others try the first, still open.
 */
static int c_work_close_coder(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_work_close(cy, m->item_coder[strcmp(m->role, "coder") == 0], err);
}

static int c_work_close_biller(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_work_close(cy, m->item_biller[strcmp(m->role, "biller") == 0], err);
}

static int c_setting_set(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_setting_set(cy, "idle-minutes", "45", err);
}

static int c_user_add(mx *m, rcm_cycle *cy, rcm_error *err)
{
    char name[64];
    snprintf(name, sizeof(name), "new-%s", m->role);
    return rcm_user_add(cy, name, RCM_ROLE_CODER, MX_PW, err);
}

static int c_user_set_roles(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_user_set_roles(cy, "spare", RCM_ROLE_BILLER, err);
}

static int c_user_set_status(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_user_set_status(cy, "spare", "disabled", err);
}

static int c_user_reset_password(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_user_reset_password(cy, "spare", "another long passphrase", err);
}

static int c_user_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_user_info *v = NULL;
    size_t n = 0;
    int rc = rcm_user_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_sod_grant(mx *m, rcm_cycle *cy, rcm_error *err)
{
    int64_t id;
    return rcm_sod_grant(cy, "spare", "a two-person practice on Saturdays", RCM_DATE_NONE, &id, err);
}

static int c_sod_revoke(mx *m, rcm_cycle *cy, rcm_error *err) { return rcm_sod_revoke(cy, m->exception, err); }

static int c_sod_list(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_sod_exception *v = NULL;
    size_t n = 0;
    int rc = rcm_sod_list(cy, &v, &n, err);
    free(v);
    return rc;
}

static int count_event(const rcm_audit_event *ev, void *ctx)
{
    (void)ev;
    ++*(long *)ctx;
    return 0;
}

static int c_audit_log(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_audit_filter f = { 0 };
    long n = 0;
    return rcm_audit_log(cy, &f, count_event, &n, err);
}

static int c_audit_verify(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_audit_verdict v;
    return rcm_audit_verify(cy, NULL, NULL, &v, err);
}

static int c_audit_anchor(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_audit_verdict v;
    return rcm_audit_anchor(cy, m->out, NULL, &v, err);
}

static int c_audit_sample(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_date from, to;
    cr_assert_eq(rcm_date_parse_iso(&from, rcm_str_c("2022-01-01")), 0);
    cr_assert_eq(rcm_date_parse_iso(&to, rcm_str_c("2022-12-31")), 0);
    rcm_audit_sample_spec spec = { .coder = CYFX_USER, .from = from, .to = to, .n = 1, .seed = 42 };
    int64_t id;
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int rc = rcm_audit_sample(cy, &spec, &id, &v, &n, err);
    free(v);
    return rc;
}

static int c_audit_score(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_audit_score(cy, m->sample ? m->sample : 1, m->claim_a_no, NULL, 0, "all codes supported", err);
}

static int c_audit_score_file(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_audit_score_report r;
    return rcm_audit_score_file(cy, m->sample ? m->sample : 1, "no-such-score.json", &r, err);
}

static int c_audit_accuracy(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_audit_accuracy *v = NULL;
    size_t n = 0;
    int rc = rcm_audit_accuracy_report(cy, 0, NULL, 0, 0, &v, &n, err);
    free(v);
    return rc;
}

static int c_em_reference_load(mx *m, rcm_cycle *cy, rcm_error *err)
{
    return rcm_em_reference_load(cy, "no-such-reference.csv", "test", err);
}

static int c_em_reference_get(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_em_reference_row *v = NULL;
    size_t n = 0;
    int rc = rcm_em_reference_get(cy, &v, &n, err);
    free(v);
    return rc;
}

static int c_em_distribution(mx *m, rcm_cycle *cy, rcm_error *err)
{
    rcm_date from, to;
    cr_assert_eq(rcm_date_parse_iso(&from, rcm_str_c("2022-01-01")), 0);
    cr_assert_eq(rcm_date_parse_iso(&to, rcm_str_c("2022-12-31")), 0);
    rcm_em_row *v = NULL;
    size_t n = 0;
    int rc = rcm_em_distribution(cy, from, to, &v, &n, err);
    free(v);
    return rc;
}

#define P(x) RCM_PERM_##x
static const mrow rows[] = {
    /* encounter.h */
    { "rcm_practice_import", P(PRACTICE_IMPORT), NONE, c_practice_import, 0 },
    { "rcm_encounter_import", P(ENCOUNTER_IMPORT), NONE, c_encounter_import, 0 },
    { "rcm_encounter_find", P(ENCOUNTER_READ), NONE, c_encounter_find, 0 },
    { "rcm_payer_find", P(PRACTICE_READ), NONE, c_payer_find, 0 },
    { "rcm_practice_get", P(PRACTICE_READ), NONE, c_practice_get, 0 },
    { "rcm_provider_list", P(PRACTICE_READ), NONE, c_provider_list, 0 },
    { "rcm_payer_list", P(PRACTICE_READ), NONE, c_payer_list, 0 },
    { "rcm_encounter_get", P(ENCOUNTER_READ), NONE, c_encounter_get, 1 },
    { "rcm_coverage_set", P(COVERAGE_SET), NONE, c_coverage_set, 0 },
    { "rcm_coverage_list", P(COVERAGE_READ), NONE, c_coverage_list, 1 },
    /* coding.h */
    { "rcm_coding_queue", P(CODING_READ), NONE, c_coding_queue, 1 },
    { "rcm_coding_get", P(CODING_READ), NONE, c_coding_get, 1 },
    { "rcm_coding_assign", P(CODING_WRITE), NONE, c_coding_assign, 0 },
    { "rcm_coding_override", P(CODING_WRITE), NONE, c_coding_override, 0 },
    { "rcm_coding_signoff", P(CODING_WRITE), NONE, c_coding_signoff, 0 },
    { "rcm_coding_show", P(CODING_READ), NONE, c_coding_show, 1 },
    { "rcm_claims_build", P(CLAIMS_BUILD), NONE, c_claims_build, 0 },
    { "rcm_claims_recheck", P(CLAIMS_BUILD), NONE, c_claims_recheck, 0 },
    { "rcm_claims_list", P(CLAIMS_READ), NONE, c_claims_list, 1 },
    { "rcm_claim_find", P(CLAIMS_READ), NONE, c_claim_find, 0 },
    { "rcm_claim_show", P(CLAIMS_READ), NONE, c_claim_show, 1 },
    /* submit.h */
    { "rcm_submit", P(SUBMIT), NONE, c_submit, 0 },
    { "rcm_batch_list", P(CLAIMS_READ), NONE, c_batch_list, 0 },
    { "rcm_submit_control", P(CLAIMS_READ), NONE, c_submit_control, 0 },
    { "rcm_ack_import", P(ACK_IMPORT), NONE, c_ack_import, 0 },
    { "rcm_ack_import_verdicts", P(ACK_IMPORT), NONE, c_ack_import_verdicts, 0 },
    /* post.h */
    { "rcm_era_post", P(ERA_POST), NONE, c_era_post, 0 },
    { "rcm_ledger_check", P(LEDGER_READ), NONE, c_ledger_check, 0 },
    { "rcm_ledger_rows", P(LEDGER_READ), NONE, c_ledger_rows, 1 },
    { "rcm_routes_load", P(ROUTES_WRITE), NONE, c_routes_load, 0 },
    { "rcm_routes_reset", P(ROUTES_WRITE), NONE, c_routes_reset, 0 },
    { "rcm_routes_list", P(ROUTES_READ), NONE, c_routes_list, 0 },
    /* denial.h */
    { "rcm_denial_list", P(DENIAL_READ), NONE, c_denial_list, 1 },
    { "rcm_denial_correct", P(DENIAL_CORRECT), NONE, c_denial_correct, 0 },
    { "rcm_denial_writeoff", P(WRITEOFF), NONE, c_denial_writeoff, 0 },
    { "rcm_writeoff_approve", P(WRITEOFF_APPROVE), NONE, c_writeoff_approve, 0 },
    { "rcm_writeoff_reject", P(WRITEOFF_APPROVE), NONE, c_writeoff_reject, 0 },
    { "rcm_writeoff_list", P(WRITEOFF_APPROVE), NONE, c_writeoff_list, 1 },
    { "rcm_denial_rebill", P(DENIAL_WORK), NONE, c_denial_rebill, 0 },
    { "rcm_appeal_file", P(DENIAL_WORK), NONE, c_appeal_file, 0 },
    { "rcm_appeal_close", P(DENIAL_WORK), NONE, c_appeal_close, 0 },
    { "rcm_cob_build", P(CLAIMS_BUILD), NONE, c_cob_build, 0 },
    /* ar.h */
    { "rcm_statements", P(STATEMENTS), NONE, c_statements, 0 },
    { "rcm_ar_aging", P(AR_READ), NONE, c_ar_aging, 0 },
    { "rcm_ar_aging by patient", P(AR_READ), NONE, c_ar_aging_patient, 1 },
    { "rcm_ar_worklist", P(AR_READ), NONE, c_ar_worklist, 1 },
    { "rcm_metrics_get", P(METRICS), NONE, c_metrics, 0 },
    /* cycle.h: the auditor reads every queue (audit.read) */
    { "rcm_work_list coder", P(WORK_CODER), P(AUDIT_READ), c_work_list_coder, 1 },
    { "rcm_work_list biller", P(WORK_BILLER), P(AUDIT_READ), c_work_list_biller, 1 },
    { "rcm_work_list patient", P(WORK_BILLER), P(AUDIT_READ), c_work_list_patient, 1 },
    { "rcm_work_list poster", P(WORK_BILLER), P(AUDIT_READ), c_work_list_poster, 1 },
    { "rcm_work_list NULL (the queues the user may see)", NONE, NONE, c_work_list_all, 1 },
    { "rcm_work_close coder item", P(WORK_CODER), NONE, c_work_close_coder, 0 },
    { "rcm_work_close biller item", P(WORK_BILLER), NONE, c_work_close_biller, 0 },
    /* auth.h */
    { "rcm_setting_set", P(SETTINGS), NONE, c_setting_set, 0 },
    { "rcm_user_add", P(USERS), NONE, c_user_add, 0 },
    { "rcm_user_set_roles", P(USERS), NONE, c_user_set_roles, 0 },
    { "rcm_user_set_status", P(USERS), NONE, c_user_set_status, 0 },
    { "rcm_user_reset_password", P(USERS), NONE, c_user_reset_password, 0 },
    { "rcm_user_list", P(USERS_READ), NONE, c_user_list, 0 },
    { "rcm_sod_grant", P(SOD_GRANT), NONE, c_sod_grant, 0 },
    { "rcm_sod_revoke", P(SOD_GRANT), NONE, c_sod_revoke, 0 },
    { "rcm_sod_list", P(USERS_READ), NONE, c_sod_list, 0 },
    /* audit.h */
    { "rcm_audit_log", P(AUDIT_READ), NONE, c_audit_log, 0 },
    { "rcm_audit_verify", P(AUDIT_READ), NONE, c_audit_verify, 0 },
    { "rcm_audit_anchor", P(AUDIT_READ), NONE, c_audit_anchor, 0 },
    { "rcm_audit_sample", P(AUDIT_CODING), NONE, c_audit_sample, 0 },
    { "rcm_audit_score", P(AUDIT_CODING), NONE, c_audit_score, 0 },
    { "rcm_audit_score_file", P(AUDIT_CODING), NONE, c_audit_score_file, 0 },
    { "rcm_audit_accuracy_report", P(AUDIT_CODING), P(AUDIT_READ), c_audit_accuracy, 0 },
    { "rcm_em_reference_load", P(EM_REFERENCE), NONE, c_em_reference_load, 0 },
    { "rcm_em_reference_get", P(AUDIT_CODING), P(AUDIT_READ), c_em_reference_get, 0 },
    { "rcm_em_distribution", P(AUDIT_CODING), P(AUDIT_READ), c_em_distribution, 0 },
};
#undef P

#define NROWS (sizeof(rows) / sizeof(rows[0]))

static const struct {
    const char *name;
    unsigned role;
} roles[] = {
    { "coder", RCM_ROLE_CODER },
    { "biller", RCM_ROLE_BILLER },
    { "auditor", RCM_ROLE_AUDITOR },
    { "admin", RCM_ROLE_ADMIN },
};

/* ---- the store each row runs on ---- */

static int64_t q1(mx *m, const char *fmt, long long v)
{
    char sql[512];
    snprintf(sql, sizeof(sql), fmt, v);
    return cyfx_int(&m->f, sql);
}

static int64_t billed(mx *m, const char *enc)
{
    cyfx_add(&m->f, enc, NULL, "MCR", "E11.65,I10", "99214::1:1,2;93000::1:1");
    cr_assert_eq(cyfx_bill(&m->f), 0, "%s", m->f.err.msg);
    return cyfx_claim_of(&m->f, enc);
}

static void post(mx *m, int64_t claim, const char *clp_rest, const char *trace, const char *paid)
{
    char no[64], body[1024], sql[160];
    snprintf(sql, sizeof(sql), "SELECT claim_no FROM claim WHERE claim_id = %lld", (long long)claim);
    snprintf(no, sizeof(no), "%s", cyfx_text(&m->f, sql));
    snprintf(body, sizeof(body), "CLP*%s*%s", no, clp_rest);
    pfx_post_ok(&m->f, pfx_835(&m->f, trace, paid, body), NULL);
}

static void mx_open(mx *m)
{
    memset(m, 0, sizeof(*m));
    cyfx_open(&m->f);
    cyfx *f = &m->f;
    rcm_error err = { 0 };
    /* ENC-A: 99214 paid, 93000 denied as bundled (CO-97: the coder's) */
    m->claim_a = billed(m, "ENC-A");
    m->enc_coded = cyfx_enc(f, "ENC-A");
    post(m, m->claim_a,
         "1*260*130.86**MB*ICN-A~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*130.86~DTM*472*20220615~CAS*CO*45*84.14~"
         "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*97*45~",
         "TRACE-A", "130.86");
    /* ENC-B: both lines denied, coverage terminated (CO-27: the biller's) */
    m->claim_b = billed(m, "ENC-B");
    post(m, m->claim_b,
         "4*260*0**MB*ICN-B~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*0~DTM*472*20220615~CAS*CO*27*215~"
         "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
         "TRACE-B", "0");
    snprintf(m->claim_a_no, sizeof(m->claim_a_no), "%s",
             cyfx_text(f, "SELECT claim_no FROM claim WHERE claim_id = (SELECT min(claim_id) FROM claim)"));
    m->denial_coder = q1(m, "SELECT min(denial_id) FROM denial WHERE claim_id = %lld", (long long)m->claim_a);
    m->denial_biller = q1(m, "SELECT min(denial_id) FROM denial WHERE claim_id = %lld", (long long)m->claim_b);
    m->denial_biller2 = q1(m, "SELECT max(denial_id) FROM denial WHERE claim_id = %lld", (long long)m->claim_b);
    cr_assert(m->denial_coder > 0 && m->denial_biller > 0 && m->denial_biller2 > m->denial_biller);
    /* ENC-C: denied the same way; tester asks to write off each line (above the 10.00 approval threshold) */
    int64_t claim_c = billed(m, "ENC-C");
    post(m, claim_c,
         "4*260*0**MB*ICN-C~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*0~DTM*472*20220615~CAS*CO*27*215~"
         "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
         "TRACE-C", "0");
    cr_assert_eq(rcm_setting_set(f->admin, "writeoff-approval", "10.00", &err), 0, "%s", err.msg);
    for (int i = 0; i < 2; i++) {
        int64_t d = q1(m, i ? "SELECT max(denial_id) FROM denial WHERE claim_id = %lld"
                            : "SELECT min(denial_id) FROM denial WHERE claim_id = %lld",
                       (long long)claim_c);
        rcm_writeoff_result w = { 0 };
        if (rcm_denial_writeoff(f->cy, d, "coverage ended before the visit", &w, &err) == 0)
            m->request[i] = w.request_id;
    }
    /* ENC-D: denied the same way, line 1 appealed */
    int64_t claim_d = billed(m, "ENC-D");
    post(m, claim_d,
         "4*260*0**MB*ICN-D~NM1*QC*1*TESTER*PAT~SVC*HC:99214*215*0~DTM*472*20220615~CAS*CO*27*215~"
         "SVC*HC:93000*45*0~DTM*472*20220615~CAS*CO*27*45~",
         "TRACE-D", "0");
    int64_t denial_d = q1(m, "SELECT min(denial_id) FROM denial WHERE claim_id = %lld", (long long)claim_d);
    cr_assert_eq(rcm_appeal_file(f->cy, denial_d, "coverage proof sent", &m->appeal, &err), 0, "%s", err.msg);
    /* ENC-N new, ENC-S coded and waiting for its sign-off */
    m->enc_new = cyfx_add(f, "ENC-N", NULL, "MCR", "I10", "99213");
    m->enc_signable = cyfx_add(f, "ENC-S", NULL, "MCR", "I10", "99213");
    cyfx_code(f, m->enc_signable, NULL);
    /* two open items in each of the coder's and the biller's queues */
    cr_assert_eq(rcm_store_begin(f->st, &err), 0);
    static const char *const queues[] = { RCM_QUEUE_CODER, RCM_QUEUE_BILLER };
    for (int i = 0; i < 2; i++) {
        cycle_work w = { .queue = queues[i], .kind = "correction", .claim_id = m->claim_a, .due = RCM_DATE_NONE,
                         .summary = "a second item for the matrix" };
        int64_t id;
        cr_assert_eq(cycle_work_add(f->cy, &w, &id, &err), 0, "%s", err.msg);
    }
    cr_assert_eq(rcm_store_commit(f->st, &err), 0);
    for (int i = 0; i < 2; i++) {
        m->item_coder[i] = cyfx_int(f, i ? "SELECT max(item_id) FROM work_item WHERE queue = 'coder' AND status = 'open'"
                                         : "SELECT min(item_id) FROM work_item WHERE queue = 'coder' AND status = 'open'");
        m->item_biller[i] = cyfx_int(f, i ? "SELECT max(item_id) FROM work_item WHERE queue = 'biller' AND status = 'open'"
                                          : "SELECT min(item_id) FROM work_item WHERE queue = 'biller' AND status = 'open'");
    }
    cr_assert(m->item_coder[0] > 0 && m->item_coder[1] > m->item_coder[0], "two coder items");
    cr_assert(m->item_biller[0] > 0 && m->item_biller[1] > m->item_biller[0], "two biller items");
    m->exception = cyfx_int(f, "SELECT min(exception_id) FROM sod_exception");
    /* users the admin rows act on, and a sample of tester's coding by another auditor */
    cr_assert_eq(rcm_user_add(f->admin, "spare", RCM_ROLE_CODER, MX_PW, &err), 0, "%s", err.msg);
    rcm_cycle *aud0 = cyfx_user(f, "aud0", RCM_ROLE_AUDITOR, 0);
    rcm_date from, to;
    cr_assert_eq(rcm_date_parse_iso(&from, rcm_str_c("2022-01-01")), 0);
    cr_assert_eq(rcm_date_parse_iso(&to, rcm_str_c("2022-12-31")), 0);
    rcm_audit_sample_spec spec = { .coder = CYFX_USER, .from = from, .to = to, .n = 2, .seed = 7 };
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    if (rcm_audit_sample(aud0, &spec, &m->sample, &v, &n, &err) < 0)
        m->sample = 0;
    free(v);
}

/* ---- checking ---- */

/* A digest of every row of every table but audit_log: equal before and after proves nothing changed. */
static void store_digest(rcm_store *st, char out[65])
{
    sqlite3 *db = store_db(st);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    sqlite3_stmt *t = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'audit_log'"
                                    " AND name NOT LIKE 'sqlite_%' ORDER BY name",
                                    -1, &t, NULL),
                 SQLITE_OK);
    while (sqlite3_step(t) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        char *sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK) {
            crypto_generichash_update(&h, (const unsigned char *)name, strlen(name) + 1);
            while (sqlite3_step(s) == SQLITE_ROW)
                for (int i = 0; i < sqlite3_column_count(s); i++) {
                    const unsigned char *v = sqlite3_column_text(s, i);
                    int len = sqlite3_column_bytes(s, i);
                    crypto_generichash_update(&h, v ? v : (const unsigned char *)"\1", v ? (size_t)len + 1 : 1);
                }
        }
        sqlite3_finalize(s);
        sqlite3_free(sql);
    }
    sqlite3_finalize(t);
    unsigned char dig[32];
    crypto_generichash_final(&h, dig, sizeof(dig));
    sodium_bin2hex(out, 65, dig, sizeof(dig));
}

static int64_t reads_of(mx *m, const char *user)
{
    char sql[256];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM audit_log WHERE user_name = '%s' AND action = 'read' AND outcome = 'ok'",
             user);
    return cyfx_int(&m->f, sql);
}

static int64_t denials_of(mx *m, const char *user)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM audit_log WHERE user_name = '%s' AND action = 'denied' AND outcome = 'denied'", user);
    return cyfx_int(&m->f, sql);
}

static unsigned allowed_roles(const mrow *r)
{
    if (r->perm == NONE)
        return RCM_ROLE_ALL;
    return rcm_perm_roles(r->perm) | (r->alt == NONE ? 0 : rcm_perm_roles(r->alt));
}

/* Appends one broken (row, role) to the report. */
static void broke(rcm_buf *rep, long *fails, const mrow *r, const char *role, const char *fmt, const char *a1,
                  const char *a2)
{
    ++*fails;
    rcm_buf_addf(rep, "\n  %s as %s: ", r->fn, role);
    rcm_buf_addf(rep, fmt, a1, a2);
}

/* Runs row r as each role on a store of its own; what broke goes to rep. */
static void run_row(const mrow *r, rcm_buf *rep, long *fails)
{
    mx m;
    mx_open(&m);
    rcm_cycle *cy[4];
    for (int k = 0; k < 4; k++) {
        char name[32];
        snprintf(name, sizeof(name), "%s1", roles[k].name);
        cy[k] = cyfx_user(&m.f, name, roles[k].role, 0);
    }
    unsigned ok_roles = allowed_roles(r);
    for (int k = 0; k < 4; k++) {
        const char *user = rcm_cycle_user(cy[k]);
        m.role = roles[k].name;
        snprintf(m.out, sizeof(m.out), "%s/out-%s", m.f.dir, roles[k].name);
        int allowed = (ok_roles & roles[k].role) != 0;
        char before[65], after[65];
        store_digest(m.f.st, before);
        int64_t denied0 = denials_of(&m, user), reads0 = reads_of(&m, user);
        rcm_error err = { 0 };
        int rc = r->call(&m, cy[k], &err);
        int64_t denied1 = denials_of(&m, user), reads1 = reads_of(&m, user);
        char rcs[16];
        snprintf(rcs, sizeof(rcs), "%d", rc);
        if (allowed) {
            if (rc == RCM_EDENIED)
                broke(rep, fails, r, roles[k].name, "holds the permission but got RCM_EDENIED (%s)%s", err.msg, "");
            else if (denied1 != denied0)
                broke(rep, fails, r, roles[k].name, "holds the permission but a denial was logged (rc %s)%s", rcs, "");
            else if (r->reads && rc == 0 && reads1 == reads0)
                broke(rep, fails, r, roles[k].name, "showed patient data without a read event%s%s", "", "");
            continue;
        }
        if (rc != RCM_EDENIED) {
            broke(rep, fails, r, roles[k].name, "lacks the permission but got rc %s (%s)", rcs, err.msg);
            continue;
        }
        if (reads1 != reads0)
            broke(rep, fails, r, roles[k].name, "denied, yet a read event was written%s%s", "", "");
        if (denied1 != denied0 + 1) {
            broke(rep, fails, r, roles[k].name, "RCM_EDENIED but no denied event was logged%s%s", "", "");
            continue;
        }
        char sql[256], want[160], need[48];
        snprintf(sql, sizeof(sql),
                 "SELECT detail FROM audit_log WHERE user_name = '%s' AND action = 'denied' ORDER BY seq DESC LIMIT 1",
                 user);
        const char *detail = cyfx_text(&m.f, sql);
        rcm_perm named[2] = { r->perm, r->alt };
        int match = 0;
        for (int i = 0; i < 2 && !match; i++) {
            if (named[i] == NONE)
                continue;
            rcm_roles_format(rcm_perm_roles(named[i]), need, sizeof(need));
            snprintf(want, sizeof(want), "permission %s (needs %s)", rcm_perm_name(named[i]), need);
            match = strcmp(detail, want) == 0;
        }
        if (!match)
            broke(rep, fails, r, roles[k].name, "the denial names another permission: '%s'%s", detail, "");
        store_digest(m.f.st, after);
        if (strcmp(before, after) != 0)
            broke(rep, fails, r, roles[k].name, "denied, yet the store changed%s%s", "", "");
        if (access(m.out, F_OK) == 0)
            broke(rep, fails, r, roles[k].name, "denied, yet %s was written%s", m.out, "");
    }
    cyfx_close(&m.f);
}

/* One test per row (they run in parallel), each checking the four roles before it fails. */
ParameterizedTestParameters(access_matrix, row)
{
    static size_t idx[NROWS];
    for (size_t i = 0; i < NROWS; i++)
        idx[i] = i;
    return cr_make_param_array(size_t, idx, NROWS);
}

ParameterizedTest(size_t *i, access_matrix, row, .timeout = 120)
{
    rcm_buf rep;
    rcm_buf_init(&rep, 1 << 16);
    long fails = 0;
    run_row(&rows[*i], &rep, &fails);
    cr_assert_eq(fails, 0, "row %zu %s: %ld of 4 roles broke the permission matrix:%s", *i, rows[*i].fn, fails,
                 rep.ptr);
    rcm_buf_release(&rep);
}

Test(access_matrix, table_covers_every_permission)
{
    int seen[RCM_PERM_COUNT] = { 0 };
    for (size_t i = 0; i < NROWS; i++) {
        if (rows[i].perm != NONE)
            seen[rows[i].perm]++;
        if (rows[i].alt != NONE)
            seen[rows[i].alt]++;
    }
    for (int p = 0; p < RCM_PERM_COUNT; p++)
        cr_expect_gt(seen[p], 0, "no row needs %s", rcm_perm_name((rcm_perm)p));
    /* and each role holds something */
    for (size_t k = 0; k < 4; k++) {
        int held = 0;
        for (int p = 0; p < RCM_PERM_COUNT; p++)
            held += (rcm_perm_roles((rcm_perm)p) & roles[k].role) != 0;
        cr_expect_gt(held, 0, "%s holds nothing", roles[k].name);
    }
}

/* Whether a row calls fn ("rcm_work_list" matches "rcm_work_list coder"). */
static int has_row(const char *fn, size_t n)
{
    for (size_t i = 0; i < NROWS; i++)
        if (strncmp(rows[i].fn, fn, n) == 0 && (rows[i].fn[n] == '\0' || rows[i].fn[n] == ' '))
            return 1;
    return 0;
}

/* Every function a public header declares with a cycle handle as its first argument has a row. */
Test(access_matrix, table_covers_every_entry_point)
{
    static const char *const headers[] = { "encounter.h", "coding.h", "submit.h", "post.h", "denial.h",
                                            "ar.h",        "auth.h",   "audit.h",  "cycle.h",  "paysim.h" };
    long found = 0;
    rcm_buf missing;
    rcm_buf_init(&missing, 1 << 16);
    for (size_t h = 0; h < sizeof(headers) / sizeof(headers[0]); h++) {
        char path[64];
        snprintf(path, sizeof(path), "include/rcm/%s", headers[h]);
        FILE *fp = fopen(path, "rb");
        cr_assert_not_null(fp, "%s (the tests run from the top of the tree)", path);
        static char text[1 << 18];
        size_t len = fread(text, 1, sizeof(text) - 1, fp);
        fclose(fp);
        text[len] = '\0';
        for (const char *p = text; (p = strstr(p, "RCM_API int rcm_")) != NULL; p++) {
            const char *name = p + strlen("RCM_API int ");
            size_t n = strcspn(name, "(");
            if (strncmp(name + n, "(rcm_cycle *cy", 14) != 0)
                continue;
            found++;
            if (!has_row(name, n))
                rcm_buf_addf(&missing, " %.*s", (int)n, name);
        }
    }
    cr_assert_gt(found, 60, "the headers were read");
    cr_assert_eq(missing.len, 0, "entry points without a row:%s", missing.ptr);
    rcm_buf_release(&missing);
}

Test(access_matrix, permission_table_lookups)
{
    cr_assert_str_eq(rcm_perm_name(RCM_PERM_SUBMIT), "claims.submit");
    cr_assert_eq(rcm_perm_roles(RCM_PERM_SUBMIT), RCM_ROLE_BILLER);
    cr_assert_str_eq(rcm_perm_what(RCM_PERM_SUBMIT), "submit claims (write the 837)");
    cr_assert_str_eq(rcm_perm_name(RCM_PERM_COUNT), "?");
    cr_assert_eq(rcm_perm_roles((rcm_perm)-1), 0);
    cr_assert_eq(rcm_cycle_may(NULL, RCM_PERM_METRICS), 0);
    /* names are unique and every permission is held by someone */
    for (int p = 0; p < RCM_PERM_COUNT; p++) {
        cr_assert_neq(rcm_perm_roles((rcm_perm)p), 0, "%s", rcm_perm_name((rcm_perm)p));
        cr_assert_eq(rcm_perm_roles((rcm_perm)p) & ~RCM_ROLE_ALL, 0);
        for (int q = p + 1; q < RCM_PERM_COUNT; q++)
            cr_assert_str_neq(rcm_perm_name((rcm_perm)p), rcm_perm_name((rcm_perm)q));
    }
}
