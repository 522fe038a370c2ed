/*
 * audit_score: rcm_audit_score and rcm_audit_score_file on a sample of three
 * claims coded by "tester" and drawn by "auditor1"; effects computed from the
 * fixture's fee schedule and given by the auditor (worked by hand in the
 * comments); the rows stored for every code of the claim; the correction
 * work item routed to the coder with the assignee set; the accuracy report's
 * figures added up by hand; refusals (twice, not in the sample, codes not on
 * the claim, inconsistent verdicts, no fee, separation of duties, no
 * permission) leaving nothing behind; score files: located errors, all or
 * nothing.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"
#include "rcm/audit.h"
#include "rcm/auth.h"

static cyfx fx;
static rcm_cycle *aud;
static char c1[39], c2[39], c3[39];    /* the claim numbers of E1, E2, E3 */

#define EFFECT_COMPUTE INT64_MIN

static void claim_no(const char *ext, char out[39])
{
    char sql[200];
    snprintf(sql, sizeof(sql), "SELECT claim_no FROM claim WHERE claim_id = %lld", (long long)cyfx_claim_of(&fx, ext));
    snprintf(out, 39, "%s", cyfx_text(&fx, sql));
}

/*
 * Fees (cycle_fixture.c): 99213 150.00, 99214 215.00, 99215 295.00, 36415 15.00, 93000 45.00.
 *   E1  dx I10, E11.65; line 1 99215-25 x 1, line 2 36415 x 1      charge 310.00
 *   E2  dx J06.9;       line 1 99213 x 1,    line 2 36415 x 1      charge 165.00
 *   E3  dx I10;         line 1 99213 x 1                            charge 150.00
 * all coded by tester, in sample 1 (auditor1, n 3).
 */
static void setup(void)
{
    cyfx_open(&fx);
    cyfx_import_ok(&fx, cyfx_lines(&fx, 3, cyfx_encounter(&fx, "E1", NULL, "MCR", "I10,E11.65", "99215:25:1:1,2;36415::1:1"),
                                   cyfx_encounter(&fx, "E2", NULL, "MCR", "J06.9", "99213;36415"),
                                   cyfx_encounter(&fx, "E3", NULL, "MCR", "I10", "99213")));
    cr_assert_eq(cyfx_bill(&fx), 0, "%s", fx.err.msg);
    claim_no("E1", c1);
    claim_no("E2", c2);
    claim_no("E3", c3);
    aud = cyfx_user(&fx, "auditor1", RCM_ROLE_AUDITOR, 0);
    rcm_audit_sample_spec spec = { "tester", rcm_date_from_ymd(2022, 6, 1), rcm_date_from_ymd(2022, 6, 30), 3, 1, NULL };
    rcm_audit_sampled *v = NULL;
    size_t n = 0;
    int64_t id = 0;
    cr_assert_eq(rcm_audit_sample(aud, &spec, &id, &v, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(id, 1);
    cr_assert_eq(n, 3);
    free(v);
}

static void teardown(void) { cyfx_close(&fx); }

TestSuite(audit_score, .init = setup, .fini = teardown);

static rcm_audit_code code(int line, char kind, const char *billed, const char *correct, const char *error,
                           int64_t effect)
{
    rcm_audit_code c;
    memset(&c, 0, sizeof(c));
    c.line = line;
    c.kind = kind;
    snprintf(c.code, sizeof(c.code), "%s", billed);
    snprintf(c.correct, sizeof(c.correct), "%s", correct);
    snprintf(c.error_type, sizeof(c.error_type), "%s", error);
    c.effect_cents = effect;
    return c;
}

static int score(rcm_cycle *cy, const char *claim, const rcm_audit_code *v, size_t n)
{
    memset(&fx.err, 0, sizeof(fx.err));
    return rcm_audit_score(cy, 1, claim, v, n, "documentation reviewed", &fx.err);
}

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

static int64_t q(const char *fmt, const char *arg)
{
    char sql[600];
    snprintf(sql, sizeof(sql), fmt, arg);
    return cyfx_int(&fx, sql);
}

/*
 * E1: 99215 -> 99214 (upcoded): (215.00 - 295.00) x 1 = -80.00; line 2 units 1 -> 2: 15.00 x (2 - 1) =
 * +15.00; I10 named right. Codes: 2 dx + line 1 (99215, 25, units) + line 2 (36415, units) = 7, 2 wrong.
 * Over 80.00, under 15.00, net -65.00: one item for tester of 65.00.
 */
Test(audit_score, computed_effects_and_the_work_item)
{
    rcm_audit_code v[] = { code(1, 'p', "99215", "99214", "upcoded", EFFECT_COMPUTE),
                           code(2, 'u', "1", "2", "units", EFFECT_COMPUTE),
                           code(0, 'd', "I10", "I10", "", EFFECT_COMPUTE) };
    cr_assert_eq(score(aud, c1, v, 3), 0, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review_code"), 7);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review_code WHERE ok = 0"), 2);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT group_concat(line || kind || ':' || code || '>' || correct || ':' || ok"
                                    " || ':' || error_type || ':' || effect_cents, ' ')"
                                    " FROM (SELECT * FROM audit_review_code ORDER BY seq)"),
                     "0d:I10>I10:1::0 0d:E1165>E1165:1::0 1p:99215>99214:0:upcoded:-8000 1m:25>25:1::0"
                     " 1u:1>1:1::0 2p:36415>36415:1::0 2u:1>2:0:units:1500");
    cr_assert_eq(q("SELECT count(*) FROM audit_review WHERE coder = 'tester' AND reviewed_by = 'auditor1'"
                   " AND note = 'documentation reviewed' AND claim_id = (SELECT claim_id FROM claim WHERE claim_no = '%s')",
                   c1),
                 1);
    /* the correction goes to the coder who coded the claim, by name */
    char want[120];
    snprintf(want, sizeof(want), "coder audit tester 6500 open audit sample 1: 2 corrections on %s", c1);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT queue || ' ' || kind || ' ' || assignee || ' ' || amount_cents || ' ' ||"
                                    " status || ' ' || summary FROM work_item WHERE kind = 'audit'"),
                     want);
    /* the coder sees it in their queue */
    rcm_work_item *items = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_work_list(fx.cy, RCM_QUEUE_CODER, &items, &n, &fx.err), 0, "%s", fx.err.msg);
    int seen = 0;
    for (size_t i = 0; i < n; i++)
        seen |= strcmp(items[i].kind, "audit") == 0 && strcmp(items[i].claim_no, c1) == 0;
    cr_assert(seen);
    free(items);
    /* the event: claim, counts, net, before -> after */
    const char *d = cyfx_text(&fx, "SELECT detail FROM audit_log WHERE action = 'audit-score'");
    cr_assert(strstr(d, "codes 7, errors 2, over 80.00, under 15.00, net -65.00"), "%s", d);
    cr_assert(strstr(d, "line 1 p 99215 -> 99214 upcoded -80.00") && strstr(d, "line 2 u 1 -> 2 units 15.00"), "%s", d);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'audit-score' AND entity = 'claim'"
                   " AND claim_id = (SELECT claim_id FROM claim WHERE claim_no = '%s') AND patient_id > 0",
                   c1),
                 1);
}

/*
 * E2: a missing diagnosis R05.9 (0: diagnoses have no fee effect), 36415 unsupported (0 - 15.00 = -15.00),
 * a missing modifier 25 on line 1 with the auditor's +5.00, a missing 93000 on a new line 3 (45.00 x 1 unit).
 * Codes: J06.9 + line 1 (99213, units) + line 2 (36415, units) = 5, plus 3 missing = 8, 4 wrong.
 * Over 15.00, under 50.00, net +35.00.
 */
Test(audit_score, given_effects_missing_and_unsupported_codes)
{
    rcm_audit_code v[] = { code(0, 'd', "", "R05.9", "missing-code", EFFECT_COMPUTE),
                           code(2, 'p', "36415", "", "unsupported-code", EFFECT_COMPUTE),
                           code(1, 'm', "", "25", "modifier", 500),
                           code(3, 'p', "", "93000", "missing-code", EFFECT_COMPUTE) };
    cr_assert_eq(score(aud, c2, v, 4), 0, "%s", fx.err.msg);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT group_concat(line || kind || ':' || code || '>' || correct || ':' ||"
                                    " effect_cents, ' ') FROM (SELECT * FROM audit_review_code WHERE ok = 0 ORDER BY seq)"),
                     "2p:36415>:-1500 0d:>R059:0 1m:>25:500 3p:>93000:4500");
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review_code"), 8);
    cr_assert_eq(cyfx_int(&fx, "SELECT amount_cents FROM work_item WHERE kind = 'audit'"), 3500);
    cr_assert_str_eq(cyfx_text(&fx, "SELECT summary FROM work_item WHERE kind = 'audit'"),
                     "audit sample 1: 4 corrections on C000000002");
    /* a claim without errors: a review, no work item */
    cr_assert_eq(score(aud, c3, NULL, 0), 0, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review"), 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM work_item WHERE kind = 'audit'"), 1);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review_code WHERE review_id = 2 AND ok = 1"), 3);
}

/*
 * The three claims scored from one file (E1 and E2 as in the tests above, E3 right), then the report:
 * claims 3, without error 1 (E3); codes 7 + 8 + 3 = 18, right 5 + 4 + 3 = 12; over 80.00 + 15.00 = 95.00;
 * under 15.00 + 5.00 + 45.00 = 65.00; billed 310.00 + 165.00 + 150.00 = 625.00; by type: upcoded 1,
 * missing-code 2, unsupported-code 1, modifier 1, units 1.
 */
Test(audit_score, score_file_and_accuracy_report)
{
    char text[2000];
    snprintf(text, sizeof(text),
             "{\"claims\": [\n"
             " {\"claim\": \"%s\", \"note\": \"MDM moderate\", \"codes\": [\n"
             "   {\"line\": 1, \"kind\": \"p\", \"code\": \"99215\", \"correct\": \"99214\", \"error\": \"upcoded\"},\n"
             "   {\"line\": 2, \"kind\": \"u\", \"code\": \"1\", \"correct\": \"2\", \"error\": \"units\"},\n"
             "   {\"line\": 0, \"kind\": \"d\", \"code\": \"I10\", \"correct\": \"I10\"}]},\n"
             " {\"claim\": \"%s\", \"codes\": [\n"
             "   {\"line\": 0, \"kind\": \"d\", \"code\": \"\", \"correct\": \"R05.9\", \"error\": \"missing-code\"},\n"
             "   {\"line\": 2, \"kind\": \"p\", \"code\": \"36415\", \"correct\": \"\", \"error\": \"unsupported-code\"},\n"
             "   {\"line\": 1, \"kind\": \"m\", \"code\": \"\", \"correct\": \"25\", \"error\": \"modifier\","
             " \"effect\": \"5.00\"},\n"
             "   {\"line\": 3, \"kind\": \"p\", \"code\": \"\", \"correct\": \"93000\", \"error\": \"missing-code\"}]},\n"
             " {\"claim\": \"%s\", \"codes\": []}]}\n",
             c1, c2, c3);
    rcm_audit_score_report rep;
    cr_assert_eq(rcm_audit_score_file(aud, 1, write_file("s.json", text), &rep, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.codes, 18);
    cr_assert_eq(rep.errors, 6);
    cr_assert_eq(rep.over_cents, 9500);
    cr_assert_eq(rep.under_cents, 6500);
    cr_assert_eq(rep.work_items, 2);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'audit-score'"), 3);

    rcm_audit_accuracy *a = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_audit_accuracy_report(aud, 1, NULL, 0, 0, &a, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(a[0].coder, "tester");
    cr_assert_eq(a[0].claims, 3);
    cr_assert_eq(a[0].claims_ok, 1);
    cr_assert_eq(a[0].codes, 18);
    cr_assert_eq(a[0].codes_ok, 12);
    cr_assert_eq(a[0].over_cents, 9500);
    cr_assert_eq(a[0].under_cents, 6500);
    cr_assert_eq(a[0].billed_cents, 62500);
    static const int64_t types[10] = { 1, 0, 0, 2, 1, 1, 1, 0, 0, 0 };
    for (int i = 0; i < 10; i++)
        cr_assert_eq(a[0].by_type[i], types[i], "type %d", i);
    free(a);
    /* the same through every filter that keeps them, none through the others */
    cr_assert_eq(rcm_audit_accuracy_report(aud, 0, "tester", CYFX_NOW, CYFX_NOW + 1, &a, &n, &fx.err), 0);
    cr_assert_eq(n, 1);
    cr_assert_eq(a[0].codes, 18);
    free(a);
    cr_assert_eq(rcm_audit_accuracy_report(aud, 0, "coder9", 0, 0, &a, &n, &fx.err), 0);
    cr_assert_eq(n, 0);
    free(a);
    cr_assert_eq(rcm_audit_accuracy_report(aud, 0, NULL, CYFX_NOW + 1, 0, &a, &n, &fx.err), 0);
    cr_assert_eq(n, 0);
    free(a);
    cr_assert_eq(rcm_audit_accuracy_report(aud, 7, NULL, 0, 0, &a, &n, &fx.err), RCM_ENOTFOUND);
    /* the admin reads it too (audit.read); a coder may not */
    cr_assert_eq(rcm_audit_accuracy_report(fx.admin, 0, NULL, 0, 0, &a, &n, &fx.err), 0, "%s", fx.err.msg);
    cr_assert_eq(n, 1);
    free(a);
    rcm_cycle *coder = cyfx_user(&fx, "coder2", RCM_ROLE_CODER, 0);
    cr_assert_eq(rcm_audit_accuracy_report(coder, 0, NULL, 0, 0, &a, &n, &fx.err), RCM_EDENIED);
}

Test(audit_score, refusals_leave_nothing)
{
    rcm_audit_code ok[] = { code(1, 'p', "99215", "99214", "upcoded", -4500) };
    cr_assert_eq(score(aud, c1, ok, 1), 0, "%s", fx.err.msg);
    cr_assert_eq(cyfx_int(&fx, "SELECT effect_cents FROM audit_review_code WHERE ok = 0"), -4500);
    int64_t reviews = 1, items = 1;
    /* twice */
    cr_assert_eq(score(aud, c1, ok, 1), RCM_EEXIST);
    cr_assert(strstr(fx.err.msg, "reviewed in sample 1 already (review 1)"), "%s", fx.err.msg);

    static const struct {
        const char *claim;
        rcm_audit_code c;
        int rc;
        const char *msg;
    } bad[] = {
        { "C000000999", { 1, 'p', "99213", "99213", "", 0 }, RCM_ENOTFOUND, "no claim C000000999" },
        { NULL, { 1, 'p', "99214", "99213", "upcoded", INT64_MIN }, RCM_EINVAL, "line 1 of claim C000000002 has no procedure 99214" },
        { NULL, { 0, 'd', "E11.9", "E11.9", "", INT64_MIN }, RCM_EINVAL, "has no diagnosis E119" },
        { NULL, { 5, 'u', "1", "2", "units", INT64_MIN }, RCM_EINVAL, "has no line 5" },
        { NULL, { 1, 'u', "3", "2", "units", INT64_MIN }, RCM_EINVAL, "line 1 bills 1 units, not '3'" },
        { NULL, { 1, 'd', "J06.9", "J06.9", "", INT64_MIN }, RCM_EINVAL, "a diagnosis is on line 0" },
        { NULL, { 1, 'p', "99213", "99214", "", INT64_MIN }, RCM_EINVAL, "99213 -> 99214 needs an error type" },
        { NULL, { 1, 'p', "99213", "99213", "", 100 }, RCM_EINVAL, "a right code has no effect" },
        { NULL, { 1, 'p', "99213", "99214", "typo", INT64_MIN }, RCM_EINVAL, "unknown error type 'typo'" },
        { NULL, { 1, 'p', "99213", "99999", "wrong-code", INT64_MIN }, RCM_EINVAL, "no fee for 99999" },
        { NULL, { 1, 'p', "", "", "missing-code", INT64_MIN }, RCM_EINVAL, "neither the code billed nor the correct" },
        { NULL, { 1, 'p', "99213", "99214", "missing-code", INT64_MIN }, RCM_EINVAL, "a missing code has code \"\"" },
        { NULL, { 1, 'm', "", "", "modifier", INT64_MIN }, RCM_EINVAL, "neither" },
        { NULL, { 1, 'x', "99213", "99213", "", INT64_MIN }, RCM_EINVAL, "kind: d, p, m or u" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = score(aud, bad[i].claim ? bad[i].claim : c2, &bad[i].c, 1);
        cr_assert_eq(rc, bad[i].rc, "case %zu: %d %s", i, rc, fx.err.msg);
        cr_assert(strstr(fx.err.msg, bad[i].msg), "case %zu: '%s' not in '%s'", i, bad[i].msg, fx.err.msg);
    }
    /* the same code named twice */
    rcm_audit_code twice[] = { code(1, 'p', "99213", "99214", "undercoded", INT64_MIN),
                               code(1, 'p', "99213", "99214", "undercoded", INT64_MIN) };
    cr_assert_eq(score(aud, c2, twice, 2), RCM_EINVAL);
    cr_assert(strstr(fx.err.msg, "codes[1]: procedure 99213 named twice"), "%s", fx.err.msg);
    /* a claim drawn in no sample */
    cyfx_add(&fx, "E4", NULL, "MCR", "I10", "99213");
    cr_assert_eq(cyfx_bill(&fx), 0, "%s", fx.err.msg);
    char c4[39];
    claim_no("E4", c4);
    cr_assert_eq(score(aud, c4, NULL, 0), RCM_ENOTFOUND);
    cr_assert(strstr(fx.err.msg, "is not in sample 1"), "%s", fx.err.msg);
    cr_assert_eq(rcm_audit_score(aud, 9, c2, NULL, 0, NULL, &fx.err), RCM_ENOTFOUND);
    cr_assert(strstr(fx.err.msg, "no sample 9"), "%s", fx.err.msg);

    /* separation of duties: an auditor who signed off the encounter; tester's own claims */
    int64_t denied = cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'");
    rcm_cycle *aud2 = cyfx_user(&fx, "auditor2", RCM_ROLE_AUDITOR, 0);
    cyfx_exec(&fx, "UPDATE encounter SET signed_by = 'auditor2' WHERE ext_id = 'E2'");
    cr_assert_eq(score(aud2, c2, NULL, 0), RCM_EDENIED);
    cr_assert(strstr(fx.err.msg, "user 'auditor2' coded claim C000000002 and may not audit it"), "%s", fx.err.msg);
    cr_assert_eq(score(fx.cy, c3, NULL, 0), RCM_EDENIED);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'denied'"), denied + 2);
    cr_assert(strstr(cyfx_text(&fx, "SELECT detail FROM audit_log WHERE action = 'denied' ORDER BY seq DESC LIMIT 1"),
                     "review of claim C000000003"));
    /* no permission */
    rcm_cycle *coder = cyfx_user(&fx, "coder2", RCM_ROLE_CODER, 0);
    cr_assert_eq(score(coder, c3, NULL, 0), RCM_EDENIED);
    cr_assert(strstr(fx.err.msg, "needs the auditor role"), "%s", fx.err.msg);

    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review"), reviews);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM work_item WHERE kind = 'audit'"), items);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'audit-score'"), 1);
}

Test(audit_score, score_file_errors_are_located_and_all_or_nothing)
{
    char text[1200];
    static const struct {
        const char *body;
        const char *msg;
    } bad[] = {
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\","
          " \"correct\": \"99214\", \"error\": \"overcoded\"}]}]}",
          "claims[0].codes[0].error: unknown error type 'overcoded' (upcoded undercoded wrong-code" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\"}]}]}",
          "claims[0].codes[0].correct: a string is required" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": -1, \"kind\": \"p\", \"code\": \"99215\","
          " \"correct\": \"99215\"}]}]}",
          "claims[0].codes[0].line: a whole number 0 to 999" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"q\", \"code\": \"99215\","
          " \"correct\": \"99215\"}]}]}",
          "claims[0].codes[0].kind" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\","
          " \"correct\": \"99214\", \"error\": \"upcoded\", \"effect\": \"-4.5.0\"}]}]}",
          "claims[0].codes[0].effect: an amount as a string" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": [], \"verdict\": 1}]}", "claims[0].verdict: unknown member" },
        { "{\"claims\": [{\"claim\": \"%s\", \"codes\": []}, {\"claim\": \"%s\", \"codes\": []}]}",
          "claims[1].claim: C000000001 again (claims[0])" },
        { "{\"claims\": []}", "claims: a non-empty array" },
        { "[]", "a score file is an object" },
        { "{\"claims\": [{\"claim\": \"%s\",\n \"codes\": [}]}", "not a score file" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        snprintf(text, sizeof(text), bad[i].body, c1, c1);
        const char *path = write_file("bad.json", text);
        memset(&fx.err, 0, sizeof(fx.err));
        int rc = rcm_audit_score_file(aud, 1, path, NULL, &fx.err);
        cr_assert_eq(rc, RCM_EFORMAT, "case %zu: %d %s", i, rc, fx.err.msg);
        cr_assert(strstr(fx.err.msg, bad[i].msg), "case %zu: '%s' not in '%s'", i, bad[i].msg, fx.err.msg);
        cr_assert_str_eq(fx.err.source, path);
    }
    /* the syntax error is on line 2 */
    cr_assert_eq(fx.err.line, 2);

    /* all or nothing: claims[0] is fine, claims[1] names a code not on its claim */
    snprintf(text, sizeof(text),
             "{\"claims\": [{\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\","
             " \"correct\": \"99214\", \"error\": \"upcoded\"}]},\n"
             " {\"claim\": \"%s\", \"codes\": [{\"line\": 1, \"kind\": \"p\", \"code\": \"99215\","
             " \"correct\": \"99214\", \"error\": \"upcoded\"}]}]}",
             c1, c2);
    const char *path = write_file("half.json", text);
    rcm_audit_score_report rep = { 9, 9, 9, 9, 9, 9 };
    cr_assert_eq(rcm_audit_score_file(aud, 1, path, &rep, &fx.err), RCM_EINVAL);
    cr_assert(strstr(fx.err.msg, "claims[1].codes[0].code: line 1 of claim C000000002 has no procedure 99215"), "%s",
              fx.err.msg);
    cr_assert_str_eq(fx.err.source, path);
    cr_assert_eq(rep.claims, 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_review_code"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM work_item WHERE kind = 'audit'"), 0);
    cr_assert_eq(cyfx_int(&fx, "SELECT count(*) FROM audit_log WHERE action = 'audit-score'"), 0);
    /* a file that is not there */
    cr_assert_eq(rcm_audit_score_file(aud, 1, "/nonexistent/s.json", NULL, &fx.err), RCM_EIO);
}
