/*
 * Coding (lib/cycle/coding.c): the queue, proposed and assigned codes, the
 * scrubber as the coder works, overrides and sign-off.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"

static const char *status_of(cyfx *f, const char *ext_id)
{
    char sql[128];
    snprintf(sql, sizeof(sql), "SELECT status FROM encounter WHERE ext_id = '%s'", ext_id);
    return cyfx_text(f, sql);
}

/* Assigns codes in the fixture's notation; returns the rc, findings in fl. */
static int assign(cyfx *f, int64_t enc, const char *dx, const char *lines, rcm_findings *fl)
{
    rcm_coding *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    cyfx_codes(c, dx, lines);
    memset(&f->err, 0, sizeof(f->err));
    int rc = rcm_coding_assign(f->cy, enc, c, fl, &f->err);
    free(c);
    return rc;
}

/* ---- the queue and reading codes ---- */

Test(cycle_coding, queue_lists_what_waits_for_a_coder_oldest_first)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-B", "2022-06-20", "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-A", "2022-06-10", "MCR", "", "");
    cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-C", .date = "2022-06-12", .payer = "BCBS", .dx = "J06.9",
                                    .lines = "99212", .provider = CYFX_NPI2 });
    rcm_coding_item *q = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_coding_queue(f.cy, &q, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(q[0].ext_id, "ENC-A");
    cr_assert_eq(q[0].has_proposed, 0);
    cr_assert_str_eq(q[1].ext_id, "ENC-C");
    cr_assert_str_eq(q[1].provider_npi, CYFX_NPI2);
    cr_assert_eq(q[1].has_proposed, 1);
    cr_assert_str_eq(q[2].ext_id, "ENC-B");
    cr_assert_eq(q[2].dos, rcm_date_from_ymd(2022, 6, 20));
    cr_assert_str_eq(q[2].status, "new");
    cr_assert_eq(q[2].n_dx, 0);
    free(q);
    /* coded: still queued, with its counts; signed: gone */
    int64_t b = cyfx_enc(&f, "ENC-B");
    cyfx_code(&f, b, NULL);
    cr_assert_eq(rcm_coding_queue(f.cy, &q, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(q[2].status, "coded");
    cr_assert_eq(q[2].n_dx, 1);
    cr_assert_eq(q[2].n_lines, 1);
    free(q);
    cyfx_sign(&f, b);
    cr_assert_eq(rcm_coding_queue(f.cy, &q, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 2);
    free(q);
    cyfx_close(&f);
}

Test(cycle_coding, get_returns_the_proposal_then_the_assigned_codes)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415::2:2");
    rcm_coding c;
    cr_assert_eq(rcm_coding_get(f.cy, enc, 1, &c, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.n_dx, 2);
    cr_assert_str_eq(c.dx[0], "E1165");
    cr_assert_str_eq(c.dx[1], "I10");
    cr_assert_eq(c.n_lines, 2);
    cr_assert_str_eq(c.lines[0].code, "99214");
    cr_assert_str_eq(c.lines[0].mods[0], "25");
    cr_assert_eq(c.lines[0].units_milli, 1000);
    cr_assert_eq(c.lines[0].ptrs[0], 1);
    cr_assert_eq(c.lines[0].ptrs[1], 2);
    cr_assert_eq(c.lines[1].units_milli, 2000);
    cr_assert_eq(c.lines[1].ptrs[0], 2);
    /* nothing assigned yet */
    cr_assert_eq(rcm_coding_get(f.cy, enc, 0, &c, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.n_dx, 0);
    cr_assert_eq(c.n_lines, 0);
    cyfx_code(&f, enc, NULL);
    cr_assert_eq(rcm_coding_get(f.cy, enc, 0, &c, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(c.n_dx, 2);
    cr_assert_str_eq(c.dx[0], "E1165");
    cr_assert_eq(c.n_lines, 2);
    cr_assert_str_eq(c.lines[1].code, "36415");
    cr_assert_eq(c.lines[1].units_milli, 2000);
    cr_assert_eq(rcm_coding_get(f.cy, 999, 0, &c, &f.err), RCM_ENOTFOUND);
    /* an 837I proposal: revenue codes, no pointers */
    int64_t inst = cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-I", .kind = 'I', .dx = "R07.9",
                                                   .lines = "99283::1::0450" });
    cr_assert_eq(rcm_coding_get(f.cy, inst, 1, &c, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(c.lines[0].rev_code, "0450");
    cr_assert_eq(c.lines[0].ptrs[0], 0);
    cyfx_close(&f);
}

/* ---- assignment ---- */

typedef struct bad_case {
    const char *dx, *lines;
    char kind;
    const char *msg;            /* a piece of the error message */
} bad_case;

Test(cycle_coding, assign_refuses_malformed_codes_and_changes_nothing)
{
    static const bad_case cases[] = {
        { "11.65", "99213", 'P', "not an ICD-10-CM code" },
        { "I10,I10", "99213", 'P', "I10 is there twice" },
        { "I10", "9921", 'P', "not a CPT or HCPCS code" },
        { "I10", "99213:2", 'P', "modifier 1 '2'" },
        { "I10", "99213:25,25", 'P', "modifier 25 is there twice" },
        { "I10", "99213::0", 'P', "units must be above 0" },
        { "I10", "99213:::2", 'P', "pointer 2 points beyond the diagnoses" },
        { "I10", "99213:::1,1", 'P', "pointer 1 is there twice" },
        { "I10", "99213::::0450", 'P', "a revenue code is for 837I" },
        { "R07.9", "99283", 'I', "needs a revenue code" },
        { "R07.9", "99283:::1", 'I', "needs a revenue code" },
        { "R07.9", "99283:::1:0450", 'I', "837I lines carry no diagnosis pointers" },
    };
    cyfx f;
    cyfx_open(&f);
    int64_t p = cyfx_add(&f, "ENC-P", NULL, "MCR", "I10", "99213");
    int64_t i = cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-I", .kind = 'I', .dx = "R07.9", .lines = "99283::1::0450" });
    int64_t audit = cyfx_int(&f, "SELECT count(*) FROM audit_log");
    rcm_findings fl;
    rcm_findings_init(&fl);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const bad_case *t = &cases[k];
        int rc = assign(&f, t->kind == 'I' ? i : p, t->dx, t->lines, &fl);
        cr_expect_eq(rc, RCM_EINVAL, "%s / %s: rc %d", t->dx, t->lines, rc);
        cr_expect(strstr(f.err.msg, t->msg) != NULL, "%s / %s: '%s'", t->dx, t->lines, f.err.msg);
        cr_expect_eq(fl.n, 0);
    }
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM encounter_dx"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM encounter_line"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM encounter WHERE status = 'new'"), 2);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log"), audit, "a refused assignment writes no event");
    cr_assert_eq(assign(&f, 999, "I10", "99213", &fl), RCM_ENOTFOUND);
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

typedef struct finding_case {
    const char *name, *dx, *lines;
    const char *fire[3];        /* rules that must fire */
    const char *quiet[3];       /* rules that must not */
} finding_case;

Test(cycle_coding, assign_returns_the_findings_of_the_claim_it_would_produce)
{
    static const finding_case cases[] = {
        { "clean", "E11.65,I10", "99214:25:1:1,2;36415::1:1", { NULL }, { "MOD-006", "SYN-016", "SYN-021" } },
        { "no diagnosis", "", "99213", { "SYN-021", "SYN-016" }, { "SYN-008" } },
        { "a line without a pointer", "I10", "99213:::1;36415", { "SYN-016" }, { "SYN-021", "SYN-017" } },
        { "25 on a lone E/M", "I10", "99214:25:1:1", { "MOD-006" }, { "MOD-005" } },
        { "25 on a procedure", "I10", "36415:25:1:1", { "MOD-005" }, { "MOD-006" } },
        { "LT and RT together", "M17.11", "20610:LT,RT:1:1", { "MOD-002" }, { "SYN-016" } },
        { "no fee: the biller's, not the coder's", "I10", "99499:::1", { "SYN-008" }, { "SYN-016" } },
        { "identical lines", "I10", "36415:::1;36415:::1", { "DUP-001" }, { "SYN-016" } },
    };
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "", "");
    rcm_findings fl;
    rcm_findings_init(&fl);
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const finding_case *t = &cases[k];
        cr_assert_eq(assign(&f, enc, t->dx, t->lines, &fl), 0, "%s: %s", t->name, f.err.msg);
        for (int r = 0; r < 3 && t->fire[r]; r++)
            cr_expect_gt(cyfx_fired(&fl, t->fire[r]), 0, "%s: %s must fire", t->name, t->fire[r]);
        for (int r = 0; r < 3 && t->quiet[r]; r++)
            cr_expect_eq(cyfx_fired(&fl, t->quiet[r]), 0, "%s: %s must not fire", t->name, t->quiet[r]);
        if (!t->fire[0])
            cr_expect_eq(fl.n, 0, "%s: %zu findings, first %s", t->name, fl.n, fl.n ? fl.v[0].rule : "");
        cr_expect_str_eq(status_of(&f, "ENC-1"), "coded");
    }
    /* every assignment is audited with its codes before -> after, never names */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'assign' AND entity = 'encounter'"),
                 (int64_t)(sizeof(cases) / sizeof(cases[0])));
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'assign' ORDER BY seq LIMIT 1"),
                     "dx none -> E1165,I10; lines none -> 99214:25>1.2,36415>1; status new -> coded;"
                     " findings 0 errors, 0 warnings");
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'assign'"
                                   " ORDER BY seq LIMIT 1 OFFSET 1"),
                     "dx E1165,I10 -> none; lines 99214:25>1.2,36415>1 -> 99213; status coded -> coded;"
                     " findings 2 errors, 0 warnings");
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'assign'"
                                   " ORDER BY seq LIMIT 1 OFFSET 4"),
                     "dx I10 (same); lines 99214:25>1 -> 36415:25>1; status coded -> coded;"
                     " findings 1 error, 0 warnings");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'assign' AND patient_id ="
                              " (SELECT patient_id FROM encounter WHERE ext_id = 'ENC-1')"),
                 (int64_t)(sizeof(cases) / sizeof(cases[0])));
    cr_assert_str_eq(cyfx_text(&f, "SELECT coded_by FROM encounter"), "tester");
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

/* ---- overrides and sign-off ---- */

Test(cycle_coding, override_needs_a_known_coder_rule_that_fires_and_a_reason)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99214:25:1:1;36415:25:1:1");
    rcm_findings fl;
    rcm_findings_init(&fl);
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-005", 2, "documented", &f.err), RCM_EDENIED, "not coded yet");
    cr_assert_eq(assign(&f, enc, "I10", "99214:25:1:1;36415:25:1:1", &fl), 0, "%s", f.err.msg);
    cr_assert_eq(cyfx_fired(&fl, "MOD-005"), 1);
    static const struct {
        const char *rule;
        uint32_t line;
        const char *reason;
        int rc;
        const char *msg;
    } bad[] = {
        { "MOD-005", 2, NULL, RCM_EINVAL, "a reason is required" },
        { "MOD-005", 2, "   ", RCM_EINVAL, "a reason is required" },
        { "MOD-999", 2, "why", RCM_EINVAL, "no such rule" },
        { "", 0, "why", RCM_EINVAL, "no rule given" },
        { "SYN-004", 0, "why", RCM_EINVAL, "routed to the biller" },
        { "MOD-005", 1, "why", RCM_EINVAL, "does not fire on line 1" },
        { "PTP-001", 0, "why", RCM_EINVAL, "does not fire on the claim" },
    };
    for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        memset(&f.err, 0, sizeof(f.err));
        int rc = rcm_coding_override(f.cy, enc, bad[k].rule, bad[k].line, bad[k].reason, &f.err);
        cr_expect_eq(rc, bad[k].rc, "%s line %u: rc %d", bad[k].rule, bad[k].line, rc);
        cr_expect(strstr(f.err.msg, bad[k].msg) != NULL, "%s: '%s'", bad[k].rule, f.err.msg);
    }
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM finding_override"), 0);
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-005", 2, " venipuncture documented separately", &f.err), 0,
                 "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT rule_id || ' ' || line_no || ' ' || reason || ' ' || user_name"
                                   " FROM finding_override"),
                     "MOD-005 2 venipuncture documented separately tester");
    /* again: the reason is replaced, not doubled */
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-005", 2, "second thoughts", &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM finding_override"), 1);
    /* a payer rule's id is taken as it is: the cycle's engine does not run the practice's rules */
    cr_assert_eq(rcm_coding_override(f.cy, enc, "PAYER-MCR-TEST", 0, "payer allows it", &f.err), 0, "%s",
                 f.err.msg);
    /* the trail keeps every reason given (the row only the last): the coder's justification */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'override'"), 3);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(detail, ' | ') FROM (SELECT detail FROM audit_log"
                                   " WHERE action = 'override' ORDER BY seq)"),
                     "rule MOD-005 line 2: reason 'venipuncture documented separately' | rule MOD-005 line 2:"
                     " reason 'venipuncture documented separately' -> 'second thoughts' | rule PAYER-MCR-TEST line 0:"
                     " reason 'payer allows it'");
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

Test(cycle_coding, signoff_is_refused_while_coder_errors_are_open_then_allowed)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "", "");
    rcm_findings fl, blocking;
    rcm_findings_init(&fl);
    rcm_findings_init(&blocking);
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, &blocking, &f.err), RCM_EDENIED, "nothing coded");
    cr_assert(strstr(f.err.msg, "has no codes"), "%s", f.err.msg);
    /* two coder errors (MOD-005, MOD-002) and a biller one (SYN-008: no fee for 99499) */
    cr_assert_eq(assign(&f, enc, "M17.11", "20610:LT,RT:1:1;36415:25:1:1;99499:::1", &fl), 0, "%s", f.err.msg);
    cr_assert_gt(cyfx_fired(&fl, "SYN-008"), 0);
    for (size_t i = 0; i < fl.n; i++)
        if (strcmp(fl.v[i].rule, "SYN-008") == 0)
            cr_assert_str_eq(fl.v[i].message,
                             "line 3 (99499): no fee for 99499 in the practice's fee schedule; the charge is 0.00");
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, &blocking, &f.err), RCM_EDENIED);
    cr_assert_eq(blocking.n, 2, "only the coder's errors block: %zu", blocking.n);
    cr_assert_eq(cyfx_fired(&blocking, "MOD-002"), 1);
    cr_assert_eq(cyfx_fired(&blocking, "MOD-005"), 1);
    cr_assert_eq(blocking.errors, 2);
    cr_assert(strstr(f.err.msg, "encounter ENC-1: 2 coder-routed errors open"), "%s", f.err.msg);
    cr_assert_str_eq(status_of(&f, "ENC-1"), "coded");
    /* override one: still refused, the other blocks */
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-005", 2, "separately identifiable", &f.err), 0, "%s",
                 f.err.msg);
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, &blocking, &f.err), RCM_EDENIED);
    cr_assert_eq(blocking.n, 1);
    cr_assert_str_eq(blocking.v[0].rule, "MOD-002");
    /* fix the other: the override of MOD-005 stays (it still fires), sign-off goes through */
    cr_assert_eq(assign(&f, enc, "M17.11", "20610:RT:1:1;36415:25:1:1;99499:::1", &fl), 0, "%s", f.err.msg);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM finding_override"), 1);
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, &blocking, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(blocking.n, 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || signed_by || ' ' || signed_at FROM encounter"),
                     "signed tester 1656676800");
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(detail) FROM audit_log WHERE action = 'signoff'"),
                     "status coded -> signed");
    /* signing again changes nothing */
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, NULL, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'signoff'"), 1);
    /* a new assignment withdraws the sign-off; an assignment that fixes MOD-005 drops its override */
    cr_assert_eq(assign(&f, enc, "M17.11", "20610:RT:1:1;36415:::1", &fl), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || COALESCE(signed_by, '-') FROM encounter"), "coded -");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM finding_override"), 0);
    cr_assert(strstr(cyfx_text(&f, "SELECT detail FROM audit_log WHERE action = 'assign' ORDER BY seq DESC LIMIT 1"),
                     "status signed -> coded; findings 0 errors, 0 warnings; 1 override dropped; sign-off withdrawn"));
    cyfx_sign(&f, enc);
    /* billed: the codes are the claim's now */
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
    cr_assert_str_eq(status_of(&f, "ENC-1"), "billed");
    cr_assert_eq(assign(&f, enc, "M17.11", "20610:RT:1:1", &fl), RCM_EDENIED);
    cr_assert_eq(rcm_coding_signoff(f.cy, enc, &blocking, &f.err), RCM_EDENIED);
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-005", 2, "late", &f.err), RCM_EDENIED);
    rcm_findings_release(&fl);
    rcm_findings_release(&blocking);
    cyfx_close(&f);
}

Test(cycle_coding, the_coder_sees_a_missing_coverage_as_the_billers_problem)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "SELF-1", NULL, "", "I10", "99213");
    rcm_findings fl;
    rcm_findings_init(&fl);
    cyfx_code(&f, enc, &fl);
    cr_assert_gt(cyfx_fired(&fl, "SYN-004"), 0, "no member id");
    cr_assert_gt(cyfx_fired(&fl, "SYN-005"), 0, "no payer");
    for (size_t i = 0; i < fl.n; i++)
        cr_assert_eq(fl.v[i].route, RCM_ROUTE_BILLER, "%s", fl.v[i].rule);
    cyfx_sign(&f, enc);
    cr_assert_str_eq(status_of(&f, "SELF-1"), "signed");
    rcm_findings_release(&fl);
    cyfx_close(&f);
}

Test(cycle_coding, show_gives_the_coders_view_without_the_patients_name)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add_spec(&f, &(cyfx_spec){ .id = "ENC-1", .dx = "M17.11", .lines = "20610:LT,RT:1:1",
                                                  .last = "HARTMAN", .first = "LAURA", .problems = "knee pain" });
    json_t *j = NULL;
    cr_assert_eq(rcm_coding_show(f.cy, enc, &j, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "new");
    cr_assert_str_eq(json_string_value(json_object_get(j, "payer")), "MCR");
    cr_assert_eq(json_array_size(json_object_get(j, "findings")), 0, "nothing assigned: nothing scrubbed");
    cr_assert_eq(json_array_size(json_object_get(json_object_get(j, "assigned"), "lines")), 0);
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(j, "documentation"),
                                                                      "problems"), 0)),
                     "knee pain");
    json_t *pl = json_array_get(json_object_get(json_object_get(j, "proposed"), "lines"), 0);
    cr_assert_str_eq(json_string_value(json_object_get(pl, "code")), "20610");
    cr_assert_str_eq(json_string_value(json_array_get(json_object_get(pl, "mods"), 1)), "RT");
    json_decref(j);
    cyfx_code(&f, enc, NULL);
    cr_assert_eq(rcm_coding_override(f.cy, enc, "MOD-002", 1, "both knees", &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rcm_coding_show(f.cy, enc, &j, &f.err), 0, "%s", f.err.msg);
    json_t *fs = json_object_get(j, "findings");
    cr_assert_eq(json_array_size(fs), 1);
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 0), "rule")), "MOD-002");
    cr_assert_str_eq(json_string_value(json_object_get(json_array_get(fs, 0), "overridden")), "both knees");
    cr_assert_eq(json_array_size(json_object_get(j, "overrides")), 1);
    char *text = json_dumps(j, 0);
    cr_assert_null(strstr(text, "HARTMAN"));
    cr_assert_null(strstr(text, "LAURA"));
    cr_assert_null(strstr(text, "1950-02-03"));
    free(text);
    json_decref(j);
    cr_assert_eq(rcm_coding_show(f.cy, 99, &j, &f.err), RCM_ENOTFOUND);
    cyfx_close(&f);
}

/* ---- who may: coding.read and coding.write (RCM_PERMS), and the trail of reads ---- */

static cyfx *G;                 /* the fixture the calls below act on */
static int64_t G_ENC;           /* their encounter */

static int call_queue(rcm_cycle *cy)
{
    rcm_coding_item *q = NULL;
    size_t n = 0;
    int rc = rcm_coding_queue(cy, &q, &n, &G->err);
    free(q);
    return rc;
}

static int call_get(rcm_cycle *cy)
{
    rcm_coding c;
    return rcm_coding_get(cy, G_ENC, 0, &c, &G->err);
}

static int call_show(rcm_cycle *cy)
{
    json_t *j = NULL;
    int rc = rcm_coding_show(cy, G_ENC, &j, &G->err);
    json_decref(j);
    return rc;
}

static int call_assign(rcm_cycle *cy)
{
    rcm_coding *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    cyfx_codes(c, "I10", "99214:25:1:1;36415:25:1:1");
    int rc = rcm_coding_assign(cy, G_ENC, c, NULL, &G->err);
    free(c);
    return rc;
}

static int call_override(rcm_cycle *cy) { return rcm_coding_override(cy, G_ENC, "MOD-005", 2, "drawn apart", &G->err); }
static int call_signoff(rcm_cycle *cy) { return rcm_coding_signoff(cy, G_ENC, NULL, &G->err); }

Test(cycle_coding, each_step_refuses_the_roles_without_its_permission_and_logs_the_denial)
{
    static const struct {
        const char *what;
        int (*call)(rcm_cycle *cy);
        const char *perm;
        unsigned denied;        /* the roles refused (each alone) */
    } cases[] = {
        { "coding queue", call_queue, "coding.read", RCM_ROLE_BILLER | RCM_ROLE_ADMIN },
        { "coding get", call_get, "coding.read", RCM_ROLE_BILLER | RCM_ROLE_ADMIN },
        { "coding show", call_show, "coding.read", RCM_ROLE_BILLER | RCM_ROLE_ADMIN },
        /* assigned before the override and the sign-off, so those have something to act on */
        { "coding assign", call_assign, "coding.write", RCM_ROLE_BILLER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "coding override", call_override, "coding.write", RCM_ROLE_BILLER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "coding signoff", call_signoff, "coding.write", RCM_ROLE_BILLER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
    };
    static const struct {
        const char *name;
        unsigned role;
    } people[] = { { "cora.coder", RCM_ROLE_CODER }, { "bill.biller", RCM_ROLE_BILLER },
                   { "audrey.auditor", RCM_ROLE_AUDITOR }, { "ada.admin", RCM_ROLE_ADMIN } };
    cyfx f;
    cyfx_open(&f);
    G = &f;
    G_ENC = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99214:25:1:1;36415:25:1:1");
    rcm_cycle *cy[4];
    for (size_t p = 0; p < sizeof(people) / sizeof(people[0]); p++)
        cy[p] = cyfx_user(&f, people[p].name, people[p].role, 0);
    long refused = 0;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        for (size_t p = 0; p < sizeof(people) / sizeof(people[0]); p++) {
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
    /* the coder's assignment, override and sign-off went through, and only theirs */
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(user_name || ':' || action, ' ') FROM (SELECT * FROM audit_log"
                                   " WHERE action IN ('assign', 'override', 'signoff') ORDER BY seq)"),
                     "cora.coder:assign cora.coder:override cora.coder:signoff");
    cr_assert_str_eq(status_of(&f, "ENC-1"), "signed");
    cyfx_close(&f);
}

Test(cycle_coding, a_biller_cannot_assign_codes_or_override_a_finding)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99214:25:1:1;36415:25:1:1");
    cyfx_code(&f, enc, NULL);
    rcm_cycle *biller = cyfx_user(&f, "bill.biller", RCM_ROLE_BILLER, 0);
    const char *codes = "SELECT (SELECT group_concat(code) FROM encounter_dx) || ' ' || (SELECT group_concat(code ||"
                        " mod1) FROM encounter_line) || ' ' || (SELECT count(*) FROM finding_override)";
    cr_assert_str_eq(cyfx_text(&f, codes), "I10 9921425,3641525 0");
    rcm_coding *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    cyfx_codes(c, "E11.9", "99215:::1");
    rcm_findings fl;
    rcm_findings_init(&fl);
    int rc = rcm_coding_assign(biller, enc, c, &fl, &f.err);
    cyfx_expect_denied(&f, biller, rc, "coding.write", "assign");
    cr_assert_str_eq(f.err.msg, "user 'bill.biller' (biller) may not assign codes, override findings, sign off:"
                                " needs the coder role");
    cr_assert_eq(fl.n, 0, "no findings for a refused assignment");
    rc = rcm_coding_override(biller, enc, "MOD-005", 2, "the lab says so", &f.err);
    cyfx_expect_denied(&f, biller, rc, "coding.write", "override");
    rc = rcm_coding_signoff(biller, enc, &fl, &f.err);
    cyfx_expect_denied(&f, biller, rc, "coding.write", "signoff");
    cr_assert_str_eq(cyfx_text(&f, codes), "I10 9921425,3641525 0", "the codes are the coder's");
    cr_assert_str_eq(status_of(&f, "ENC-1"), "coded");
    /* a biller with the coder role too (a small practice) may */
    rcm_cycle *both = cyfx_user(&f, "sam.both", RCM_ROLE_BILLER | RCM_ROLE_CODER, 0);
    cr_assert_eq(rcm_coding_assign(both, enc, c, &fl, &f.err), 0, "%s", f.err.msg);
    cr_assert_str_eq(cyfx_text(&f, codes), "E119 99215 0");
    rcm_findings_release(&fl);
    free(c);
    cyfx_close(&f);
}

Test(cycle_coding, reading_the_queue_the_codes_or_the_coders_view_is_a_read_event)
{
    cyfx f;
    cyfx_open(&f);
    int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", "2022-06-16", "MCR", "I10", "99213");
    int64_t patient = cyfx_int(&f, "SELECT patient_id FROM encounter WHERE ext_id = 'ENC-1'");
    rcm_cycle *auditor = cyfx_user(&f, "audrey.auditor", RCM_ROLE_AUDITOR, 0);
    rcm_coding_item *q = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_coding_queue(auditor, &q, &n, &f.err), 0, "%s", f.err.msg);
    free(q);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(cyfx_last_event(&f), "audrey.auditor read ok  0 0 0 coding queue rows=2");
    rcm_coding c;
    char want[160];
    cr_assert_eq(rcm_coding_get(auditor, enc, 1, &c, &f.err), 0, "%s", f.err.msg);
    snprintf(want, sizeof(want), "audrey.auditor read ok encounter %lld %lld 0 coding get proposed", (long long)enc,
             (long long)patient);
    cr_assert_str_eq(cyfx_last_event(&f), want);
    json_t *j = NULL;
    cr_assert_eq(rcm_coding_show(auditor, enc, &j, &f.err), 0, "%s", f.err.msg);
    json_decref(j);
    snprintf(want, sizeof(want), "audrey.auditor read ok encounter %lld %lld 0 coding show", (long long)enc,
             (long long)patient);
    cr_assert_str_eq(cyfx_last_event(&f), want);
    /* an encounter that is not there: an error, no read */
    int64_t seq = cyfx_int(&f, "SELECT max(seq) FROM audit_log");
    cr_assert_eq(rcm_coding_show(auditor, 99, &j, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_coding_get(auditor, 99, 0, &c, &f.err), RCM_ENOTFOUND);
    cr_assert_eq(cyfx_int(&f, "SELECT max(seq) FROM audit_log"), seq);
    cyfx_close(&f);
}
