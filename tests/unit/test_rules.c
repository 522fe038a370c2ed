/*
 * Payer rules (rcm/rules.h, docs/payer-rules.md): the parser's located
 * errors, every field and operator on one claim, money parsed exactly,
 * rules per line against rules per claim, each action, the payer filter,
 * the timely-filing limit the TF family asks for, and the rules' own tests.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scrub_fixture.h"
#include "../../lib/scrub/payer/payer_internal.h"

TestSuite(rules);

static rcm_payer_rules *parse_ok(const char *text)
{
    rcm_payer_rules *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_payer_rules_parse(&r, text, strlen(text), "t.rules", NULL, &err);
    cr_assert_eq(rc, 0, "parse failed: t.rules:%ld: %s\n%s", err.line, err.msg, text);
    cr_assert_not_null(r);
    return r;
}

/* Findings of the payer rules r on c (only the PAYER family runs). */
static void scrub_with(const rcm_payer_rules *r, const rcm_claim *c, rcm_findings *f)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.rules = r;
    cfg.families = 1u << RCM_FAM_PAYER;
    rcm_scrub *s = NULL;
    rcm_error err;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0);
    fx_scrub(s, c, f);
    rcm_scrub_free(s);
}

/*
 * The claim every operator case reads: professional, payer 04412 (Medicare
 * B, filing MB), POS 11, frequency 1, patient F born 1950-05-01 (75 on the
 * date of service 2025-11-03), diagnoses E119 and I10, total 1100.00;
 * line 1 99213-25, 100.00, 1 unit, pointing at E119; line 2 70551, 1000.00,
 * 2 units, pointing at I10.
 */
static rcm_claim *base_claim(void)
{
    rcm_claim *c = fx_claim('P');
    fx_dx(c, "I10");
    fx_line(c, "99213", "25", NULL, 10000, 1);
    rcm_claim_line *l = fx_line(c, "70551", NULL, NULL, 100000, 2);
    l->dx_ptr[0] = 2;
    return c;
}

typedef struct op_case {
    const char *when;   /* the condition lines after 'when' */
    int fired;          /* findings expected: 0 or 1 for a claim rule, lines matched for a line rule */
    int per_line;
} op_case;

static const op_case op_cases[] = {
    /* codes: =, !=, in, not in, ranges, prefixes, is missing / is present */
    { "kind = professional", 1, 0 },
    { "kind = institutional", 0, 0 },
    { "kind != I", 1, 0 },
    { "filing = MB", 1, 0 },
    { "filing in MC, CI", 0, 0 },
    { "filing not in MC, CI", 1, 0 },
    { "pos = 11", 1, 0 },
    { "pos != 11", 0, 0 },
    { "pos in 1*", 1, 0 },
    { "pos in 20..29", 0, 0 },
    { "pos in 02 10..19", 1, 0 },
    { "freq = 1", 1, 0 },
    { "freq in 7, 8", 0, 0 },
    { "principal-dx = E119", 1, 0 },
    { "principal-dx = E11.9", 1, 0 },
    { "principal-dx = I10", 0, 0 },
    { "principal-dx in E08..E13", 1, 0 },
    { "principal-dx in E10..E10", 0, 0 },
    { "sex = F", 1, 0 },
    { "sex = male", 0, 0 },
    { "billing.npi = " FX_BILLING_NPI, 1, 0 },
    { "billing.type = organization", 1, 0 },
    { "billing.type = person", 0, 0 },
    { "billing.taxonomy is missing", 1, 0 },
    { "billing.taxonomy is present", 0, 0 },
    { "rendering.npi is present", 1, 0 },
    { "rendering.npi = " FX_RENDERING_NPI, 1, 0 },
    { "referring.npi is missing", 1, 0 },
    /* sets: has, lacks, is missing / is present */
    { "dx has E11*", 1, 0 },
    { "dx has E119", 1, 0 },
    { "dx has e11.9", 1, 0 },
    { "dx has E11", 0, 0 },
    { "dx has I10", 1, 0 },
    { "dx lacks Z79.4", 1, 0 },
    { "dx lacks E08..E13", 0, 0 },
    { "dx is present", 1, 0 },
    { "dx is missing", 0, 0 },
    { "attachment is missing", 1, 0 },
    { "attachment has OZ", 0, 0 },
    { "attachment lacks OZ", 1, 0 },
    /* numbers: <, <=, >, >=, =, !=, in, not in with ranges */
    { "age >= 65", 1, 0 },
    { "age < 65", 0, 0 },
    { "age = 75", 1, 0 },
    { "age > 75", 0, 0 },
    { "age <= 75", 1, 0 },
    { "age != 75", 0, 0 },
    { "age in 0..17, 70..80", 1, 0 },
    { "age not in 70..80", 0, 0 },
    { "age is present", 1, 0 },
    { "dos >= 2025-11-01", 1, 0 },
    { "dos < 2025-11-03", 0, 0 },
    { "dos = 2025-11-03", 1, 0 },
    { "dos in 2025-01-01..2025-12-31", 1, 0 },
    { "charge > 1099.99", 1, 0 },
    { "charge > 1100.00", 0, 0 },
    { "charge >= 1100", 1, 0 },
    { "charge = $1100.00", 1, 0 },
    { "charge != 1100.00", 0, 0 },
    { "charge in 0..1100.00", 1, 0 },
    { "charge < 1100.01", 1, 0 },
    /* several conditions: all must hold */
    { "pos = 11\n  and filing = MB\n  and dx has E11*", 1, 0 },
    { "pos = 11\n  and filing = MC", 0, 0 },
    /* line fields: the rule runs per line and fires once per matching line */
    { "line.code = 99213", 1, 1 },
    { "line.code in 70551..70553", 1, 1 },
    { "line.code in 7*", 1, 1 },
    { "line.code in 9*, 7*", 2, 1 },
    { "line.code not in 99213", 1, 1 },
    { "line.code is present", 2, 1 },
    { "line.code in 7055..7055", 1, 1 },
    { "line.mod has 25", 1, 1 },
    { "line.mod has 59, 25", 1, 1 },
    { "line.mod lacks 25", 1, 1 },
    { "line.mod is missing", 1, 1 },
    { "line.mod is present", 1, 1 },
    { "line.units > 1", 1, 1 },
    { "line.units >= 1", 2, 1 },
    { "line.units = 2", 1, 1 },
    { "line.units in 1.5..2.5", 1, 1 },
    { "line.units < 1.001", 1, 1 },
    { "line.charge > 999.99", 1, 1 },
    { "line.charge >= 1000.00", 1, 1 },
    { "line.charge > 1000.00", 0, 1 },
    { "line.charge = 100", 1, 1 },
    { "line.pos = 11", 2, 1 },
    { "line.pos in 02, 10", 0, 1 },
    { "line.dx has I10", 1, 1 },
    { "line.dx has E11*", 1, 1 },
    { "line.dx lacks E11*", 1, 1 },
    { "line.rev is missing", 2, 1 },
    { "line.ndc is missing", 2, 1 },
    { "line.npi = " FX_RENDERING_NPI, 2, 1 },
    { "line.attachment is missing", 2, 1 },
    { "line.attachment has OB", 0, 1 },
    /* claim conditions gate a rule per line; age and dos read the line's date */
    { "filing = MB\n  and line.code = 70551", 1, 1 },
    { "filing = MC\n  and line.code = 70551", 0, 1 },
    { "line.code = 70551\n  and age >= 75", 1, 1 },
    { "age >= 75\n  and line.code is present", 2, 1 },
    { "line.code is present\n  and dos = 2025-11-03", 2, 1 },
};

Test(rules, every_field_and_operator)
{
    rcm_claim *c = base_claim();
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(op_cases) / sizeof(op_cases[0]); i++) {
        const op_case *k = &op_cases[i];
        char text[512];
        snprintf(text, sizeof(text), "rule PAYER-T\n  when %s\n  flag\n  message \"m\"\n", k->when);
        rcm_payer_rules *r = parse_ok(text);
        rcm_payer_rule_info ri;
        cr_assert_eq(rcm_payer_rules_get(r, 0, &ri), 0);
        cr_assert_eq(ri.per_line, k->per_line, "'%s': per_line %d", k->when, ri.per_line);
        scrub_with(r, c, &f);
        cr_assert_eq((int)f.n, k->fired, "'%s': %zu findings, expected %d", k->when, f.n, k->fired);
        rcm_payer_rules_free(r);
    }
    rcm_findings_release(&f);
    fx_free(c);
}

Test(rules, absent_values)
{
    /* no date of birth: age compares false whatever the operator, but is missing */
    rcm_claim *c = base_claim();
    c->subscriber_dob = RCM_DATE_NONE;
    c->pos[0] = 0;
    c->lines[1].pos[0] = 0;
    static const op_case cases[] = {
        { "age < 200", 0, 0 },     { "age >= 0", 0, 0 },     { "age != 5", 0, 0 },
        { "age not in 0..5", 0, 0 }, { "age is missing", 1, 0 }, { "pos is missing", 1, 0 },
        { "pos not in 11", 1, 0 },   { "pos in 11", 0, 0 },     { "line.pos is missing", 2, 1 },
    };
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "rule PAYER-T\n  when %s\n  flag\n  message \"m\"\n", cases[i].when);
        rcm_payer_rules *r = parse_ok(text);
        scrub_with(r, c, &f);
        cr_assert_eq((int)f.n, cases[i].fired, "'%s': %zu findings", cases[i].when, f.n);
        rcm_payer_rules_free(r);
    }
    rcm_findings_release(&f);
    fx_free(c);
}

typedef struct err_case {
    const char *text;
    long line;
    const char *msg;    /* a part of the message */
} err_case;

static const err_case err_cases[] = {
    { "rule PAYER-X\n  when line.cod in 99213\n  flag\n", 2, "'when': unknown field 'line.cod': did you mean 'line.code'?" },
    { "# comment\n\nrule PAYER-X\n  payer 1\n  when code = 99213\n", 5, "did you mean 'line.code'?" },
    { "rule PAYER-X\n  when zzzzzzz = 1\n", 2, "unknown field 'zzzzzzz' (claim fields: kind, filing" },
    { "when pos = 11\n", 1, "'when' outside a rule" },
    { "version 1\nversion 2\n", 2, "'version' is already given" },
    { "rule PAYER-A\n  flag\n  message \"m\"\nversion 2\n", 4, "'version' comes before the first rule" },
    { "rule X-1\n", 1, "must start with 'PAYER-'" },
    { "rule PAYER-\n", 1, "must start with 'PAYER-'" },
    { "rule PAYER-a\n", 1, "capital letters" },
    { "rule PAYER-A\n  flag\n  message \"m\"\n\n\nrule PAYER-A\n", 6, "'PAYER-A' is already defined on line 1" },
    { "rule PAYER-A\n  when pos = 11\n\nrule PAYER-B\n", 1, "rule 'PAYER-A' has no action" },
    { "rule PAYER-A\n  when pos = 11\n", 1, "rule 'PAYER-A' has no action" },
    { "rule PAYER-A\n  flag\n", 1, "'flag' needs a 'message'" },
    { "rule PAYER-A\n  flag\n  message \"m\"\n  require prior-auth\n", 4, "already has an action (line 2)" },
    { "rule PAYER-A\n  flog\n", 2, "unknown clause 'flog'" },
    { "rule PAYER-A\n  and pos = 11\n", 2, "'and' before 'when'" },
    { "rule PAYER-A\n  when pos = 11\n  when pos = 12\n", 3, "a rule has one 'when' (line 2)" },
    { "rule PAYER-A\n  when pos = 11 and freq = 1\n", 2, "one condition per line" },
    { "rule PAYER-A\n  when pos\n", 2, "'pos' needs an operator" },
    { "rule PAYER-A\n  when pos ~ 11\n", 2, "'~' is not an operator" },
    { "rule PAYER-A\n  when pos == 11\n", 2, "'==' is not an operator (use '=')" },
    { "rule PAYER-A\n  when pos ! 11\n", 2, "'!' alone is not an operator" },
    { "rule PAYER-A\n  when pos not 11\n", 2, "expected 'in' after 'not'" },
    { "rule PAYER-A\n  when pos is there\n", 2, "expected 'missing' or 'present' after 'is'" },
    { "rule PAYER-A\n  when pos =\n", 2, "'pos =' needs a value" },
    { "rule PAYER-A\n  when pos = 11 12\n", 2, "'=' takes one value" },
    { "rule PAYER-A\n  when pos in 11,\n", 2, "a value is missing after the last ','" },
    { "rule PAYER-A\n  when pos in , 11\n", 2, "a value is missing before ','" },
    { "rule PAYER-A\n  when pos in 1\n", 2, "'1' is not a place of service (2 digits) (too short)" },
    { "rule PAYER-A\n  when pos in 1A\n", 2, "digits only" },
    { "rule PAYER-A\n  when pos < 12\n", 2, "'<' compares numbers and dates: 'pos' is a code" },
    { "rule PAYER-A\n  when pos has 11\n", 2, "'pos' holds one value: use 'in' or 'not in'" },
    { "rule PAYER-A\n  when dx in E11*\n", 2, "'dx' holds several values: use 'has' or 'lacks' (not 'in')" },
    { "rule PAYER-A\n  when line.mod = 25\n", 2, "'line.mod' holds several values" },
    { "rule PAYER-A\n  when dx has 123\n", 2, "a diagnosis starts with a letter" },
    { "rule PAYER-A\n  when dx has *\n", 2, "'*' needs at least one character before it" },
    { "rule PAYER-A\n  when dx has E*1\n", 2, "is not an ICD-10-CM code" },
    { "rule PAYER-A\n  when line.code in 70553..70551\n", 2, "range '70553..70551' ends before it starts" },
    { "rule PAYER-A\n  when line.code in 7055..70551\n", 2, "both ends need the same number of characters" },
    { "rule PAYER-A\n  when line.mod has 2\n", 2, "'2' is not a modifier" },
    { "rule PAYER-A\n  when line.mod has 2*\n", 2, "takes whole values, not patterns" },
    { "rule PAYER-A\n  when kind = dental\n", 2, "'dental' is not a value of 'kind'" },
    { "rule PAYER-A\n  when age > 1..5\n", 2, "this operator takes one value, not a range" },
    { "rule PAYER-A\n  when age > 201\n", 2, "'201' is past 200" },
    { "rule PAYER-A\n  when age > -1\n", 2, "'-1' is not a number" },
    { "rule PAYER-A\n  when age in 9..3\n", 2, "range '9..3' ends before it starts" },
    { "rule PAYER-A\n  when dos > 2026-02-30\n", 2, "'2026-02-30' is not a date YYYY-MM-DD" },
    { "rule PAYER-A\n  when charge > 10.001\n", 2, "'10.001' has more than 2 decimal places" },
    { "rule PAYER-A\n  when charge > 1,000.00\n", 2, "'>' takes one value" },
    { "rule PAYER-A\n  when charge > 10000000000000.00\n", 2, "is too large" },
    { "rule PAYER-A\n  when line.units > 1.0001\n", 2, "has too many decimal places" },
    { "rule PAYER-A\n  payer\n", 2, "which payers?" },
    { "rule PAYER-A\n  payer * 60054\n", 2, "list ids or '*', not both" },
    { "rule PAYER-A\n  payer 1\n  payer 2\n", 3, "'payer' is already given (line 2)" },
    { "rule PAYER-A\n  require\n", 2, "expected what is required" },
    { "rule PAYER-A\n  require nothing\n", 2, "unknown requirement 'nothing'" },
    { "rule PAYER-A\n  require modifier\n", 2, "which modifiers?" },
    { "rule PAYER-A\n  require modifier 9\n", 2, "'9' is not a modifier" },
    { "rule PAYER-A\n  require prior-auth now\n", 2, "unexpected 'now'" },
    { "rule PAYER-A\n  timely-filing 90\n", 2, "expected 'days' after the number" },
    { "rule PAYER-A\n  timely-filing 3 months\n", 2, "not 'months'" },
    { "rule PAYER-A\n  timely-filing 0 days\n", 2, "'0' is not a number of days from 1 to 3650" },
    { "rule PAYER-A\n  timely-filing 90 days\n  and line.code = 1\n", 3, "'and' before 'when'" },
    { "rule PAYER-A\n  timely-filing 90 days\n\n  when line.code = 99213\n", 4,
      "timely filing applies to whole claims: 'line.code' is a line field" },
    { "rule PAYER-A\n  timely-filing 90 days\n  severity warning\n", 3, "a timely-filing rule reports nothing itself" },
    { "rule PAYER-A\n  severity fatal\n", 2, "'fatal' is not a severity" },
    { "rule PAYER-A\n  severity error\n  severity info\n", 3, "'severity' is already given (line 2)" },
    { "rule PAYER-A\n  route billing\n", 2, "'billing' is not a route" },
    { "rule PAYER-A\n  message m\n", 2, "expected text in double quotes" },
    { "rule PAYER-A\n  message \"open\n", 2, "the string has no closing '\"'" },
    { "rule PAYER-A\n  message \"\"\n", 2, "the text is empty" },
    { "rule PAYER-A\n  message \"a \\n b\"\n", 2, "unknown escape '\\n'" },
    { "rule PAYER-A\n  message \"{code} on {lin}\"\n", 2, "unknown placeholder '{lin}'" },
    { "rule PAYER-A\n  hint \"x\" y\n", 2, "unexpected 'y'" },
    { "rule PAYER-A\n  test\n", 2, "expected fire or pass" },
    { "rule PAYER-A\n  test maybe x.json\n", 2, "expected fire or pass, not 'maybe'" },
    { "rule PAYER-A\n  test fire\n", 2, "expected a claim" },
    { "rule PAYER-A\n  test fire as-of 2026-1-1 x.json\n", 2, "as-of '2026-1-1' is not a date" },
    { "rule PAYER-A\n  test fire {\"kind\":\"professional\",\n\n   \"id\": }\n", 4, "the claim is not JSON" },
    { "rule PAYER-A\n  test fire {\"kind\":\"professional\",\"id\":\"1\",\"charge_cents\":1.5}\n", 2,
      "'test': claim: charge_cents: must be an integer" },
    { "rule PAYER-A\n  test pass {\"kind\":\"professional\",\"id\":\"1\",\"charge_cents\":1,\n  \"lines\":[]} extra\n", 3,
      "unexpected 'extra'" },
    { "rule PAYER-A\n  flag\n  message \"m\"\n  test pass {\"kind\":\"professional\",\"id\":\"1\",\n"
      "  \"charge_cents\":1}\n  whenever\n", 6, "unknown clause 'whenever'" },
    { "rule PAYER-A\n  when pos = \"11\"\n", 2, "is not a value of 'pos'" },
    { "rule PAYER-A\n  when pos = 1\0001\n", 2, "NUL byte" },
};

Test(rules, parse_errors_are_located)
{
    for (size_t i = 0; i < sizeof(err_cases) / sizeof(err_cases[0]); i++) {
        const err_case *k = &err_cases[i];
        size_t n = strlen(k->text);
        if (strstr(k->msg, "NUL"))
            n += 1 + strlen(k->text + n + 1);
        rcm_payer_rules *r = NULL;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = rcm_payer_rules_parse(&r, k->text, n, "bad.rules", NULL, &err);
        cr_assert_eq(rc, RCM_EFORMAT, "case %zu accepted:\n%s", i, k->text);
        cr_assert_null(r);
        cr_assert_str_eq(err.source, "bad.rules");
        cr_assert_eq(err.line, k->line, "case %zu: line %ld, expected %ld (%s)", i, err.line, k->line, err.msg);
        cr_assert(strstr(err.msg, k->msg), "case %zu: message '%s' lacks '%s'", i, err.msg, k->msg);
    }
}

Test(rules, error_formats_as_file_line_message)
{
    const char *text = "version 1\n\nrule PAYER-A\n  when line.cod in 99213\n";
    rcm_payer_rules *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_payer_rules_parse(&r, text, strlen(text), "rules.txt", NULL, &err), RCM_EFORMAT);
    char out[512];
    rcm_error_format(&err, out, sizeof(out));
    cr_assert(strncmp(out, "rules.txt:4: 'when': unknown field 'line.cod': did you mean 'line.code'? (line fields: "
                           "line.code, line.mod,", 96) == 0, "%s", out);
}

Test(rules, money_and_units_parse_exactly)
{
    static const struct {
        const char *text;
        int64_t cents;
    } cases[] = {
        { "1000.00", 100000 }, { "1000", 100000 }, { "$1000.5", 100050 }, { "0.10", 10 }, { ".01", 1 },
        { "1000.050", 100005 }, { "19.99", 1999 }, { "0.07", 7 }, { "9999999999999.99", INT64_C(999999999999999) },
        { "-5.25", -525 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[128];
        snprintf(text, sizeof(text), "rule PAYER-M\n  when charge > %s\n  flag\n  message \"m\"\n", cases[i].text);
        rcm_payer_rules *r = parse_ok(text);
        cr_assert_eq(r->nnums, 1);
        cr_assert_eq(r->nums[0].lo, cases[i].cents, "%s: %lld cents", cases[i].text, (long long)r->nums[0].lo);
        rcm_payer_rules_free(r);
    }
    rcm_payer_rules *r = parse_ok("rule PAYER-U\n  when line.units in 0.5..2.125\n  flag\n  message \"m\"\n");
    cr_assert_eq(r->nums[0].lo, 500);
    cr_assert_eq(r->nums[0].hi, 2125);
    rcm_payer_rules_free(r);

    /* the cap fires one cent over, not at the cap */
    r = parse_ok("rule PAYER-CAP\n  when line.charge > 5000.00\n  flag\n  message \"m\"\n");
    rcm_findings f;
    rcm_findings_init(&f);
    static const int64_t charges[] = { 500000, 500001, 499999, 1000000 };
    static const int fired[] = { 0, 1, 0, 1 };
    for (size_t i = 0; i < 4; i++) {
        rcm_claim *c = fx_claim('P');
        fx_line(c, "99213", NULL, NULL, charges[i], 1);
        scrub_with(r, c, &f);
        cr_assert_eq((int)f.n, fired[i], "%lld cents", (long long)charges[i]);
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_payer_rules_free(r);
}

Test(rules, a_line_rule_names_its_line_a_claim_rule_none)
{
    rcm_payer_rules *r = parse_ok("# practice rules\nversion 2026-11\n\n"
                                  "rule PAYER-LINE\n  when line.code in 70551..70553\n  severity warning\n  route coder\n"
                                  "  flag\n  message \"{code} on line {line} ({units} units, ${charge}) for {payer}\"\n"
                                  "  hint \"patient {claim} aged {age}, POS {pos}, {dos}, mods '{mods}'\"\n"
                                  "rule PAYER-CLAIM\n  payer 04412\n  when dx has E11*\n  flag\n"
                                  "  message \"diabetes on claim {claim}, total ${charge}\"\n");
    cr_assert_str_eq(rcm_payer_rules_version(r), "2026-11");
    cr_assert_eq(rcm_payer_rules_count(r), 2);
    rcm_claim *c = base_claim();
    rcm_findings f;
    rcm_findings_init(&f);
    scrub_with(r, c, &f);
    cr_assert_eq(f.n, 2);
    const rcm_finding *x = fx_finding(&f, "PAYER-LINE");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, RCM_SEV_WARNING);
    cr_assert_eq(x->route, RCM_ROUTE_CODER);
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_eq(x->ncodes, 1);
    cr_assert_str_eq(x->codes[0], "70551");
    cr_assert_str_eq(x->message, "70551 on line 2 (2 units, $1000.00) for 04412");
    cr_assert_str_eq(x->hint, "patient FX-1 aged 75, POS 11, 2025-11-03, mods ''");
    cr_assert_str_eq(x->table, "payer_rules");
    cr_assert_str_eq(x->version, "2026-11");
    cr_assert_str_eq(x->file, "t.rules");
    cr_assert_eq(x->file_line, 4);
    const rcm_finding *y = fx_finding(&f, "PAYER-CLAIM");
    cr_assert_not_null(y);
    cr_assert_eq(y->nlines, 0);
    cr_assert_eq(y->severity, RCM_SEV_ERROR);
    cr_assert_eq(y->route, RCM_ROUTE_BILLER);
    cr_assert_str_eq(y->message, "diabetes on claim FX-1, total $1100.00");
    cr_assert_eq(y->file_line, 11);
    cr_assert_eq(y->nfields, 2);
    cr_assert_str_eq(y->fields[0].key, "payer");
    cr_assert_str_eq(y->fields[0].value, "04412");
    cr_assert_str_eq(y->fields[1].key, "action");
    cr_assert_str_eq(y->fields[1].value, "flag");
    rcm_findings_release(&f);
    fx_free(c);
    rcm_payer_rules_free(r);
}

Test(rules, payer_filter)
{
    rcm_claim *c = base_claim();
    rcm_findings f;
    rcm_findings_init(&f);
    static const struct {
        const char *payer;
        int fired;
    } cases[] = {
        { "payer 04412", 1 }, { "payer 60054 04412", 1 }, { "payer 60054, 87726", 0 }, { "payer *", 1 }, { "", 1 },
        { "payer 0441", 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        snprintf(text, sizeof(text), "rule PAYER-P\n  %s\n  when pos = 11\n  flag\n  message \"m\"\n", cases[i].payer);
        rcm_payer_rules *r = parse_ok(text);
        scrub_with(r, c, &f);
        cr_assert_eq((int)f.n, cases[i].fired, "'%s'", cases[i].payer);
        rcm_payer_rules_free(r);
    }
    rcm_findings_release(&f);
    fx_free(c);
}

/* How many findings rule text gives on c. */
static int fired_on(const char *text, const rcm_claim *c, rcm_finding *first)
{
    rcm_payer_rules *r = parse_ok(text);
    rcm_findings f;
    rcm_findings_init(&f);
    scrub_with(r, c, &f);
    int n = (int)f.n;
    if (first && n)
        *first = f.v[0];
    rcm_findings_release(&f);
    rcm_payer_rules_free(r);
    return n;
}

Test(rules, require_modifier)
{
    const char *text = "rule PAYER-TELE\n  when filing = MC\n  and line.pos in 02, 10\n  require modifier 95, GT\n";
    rcm_claim *c = fx_claim('P');
    snprintf(c->filing, sizeof(c->filing), "MC");
    snprintf(c->pos, sizeof(c->pos), "02");
    fx_line(c, "99213", NULL, NULL, 10000, 1);     /* 1: no modifier */
    fx_line(c, "99214", "95", NULL, 10000, 1);     /* 2: 95 */
    fx_line(c, "99214", "25,GT", NULL, 10000, 1);  /* 3: GT */
    fx_line(c, "99215", "25", NULL, 10000, 1);     /* 4: another modifier only */
    rcm_claim_line *l = fx_line(c, "99212", NULL, NULL, 10000, 1);
    snprintf(l->pos, sizeof(l->pos), "11");       /* 5: in the office */
    rcm_finding x;
    cr_assert_eq(fired_on(text, c, &x), 2);
    cr_assert_eq(x.lines[0], 1);
    cr_assert_eq(x.route, RCM_ROUTE_CODER, "require modifier goes to the coder by default");
    cr_assert_str_eq(x.codes[0], "99213");
    cr_assert_str_eq(x.codes[1], "95");
    cr_assert_str_eq(x.codes[2], "GT");
    cr_assert_str_eq(x.message, "99213 on line 1 lacks modifier 95 or GT, which this payer requires");
    cr_assert_str_eq(x.hint, "add modifier 95 or GT when the documentation supports it");
    /* a commercial claim: the rule does not apply */
    snprintf(c->filing, sizeof(c->filing), "CI");
    cr_assert_eq(fired_on(text, c, NULL), 0);
    /* a modifier rule without conditions runs on every line */
    cr_assert_eq(fired_on("rule PAYER-KX\n  require modifier KX\n  route biller\n", c, &x), 5);
    cr_assert_eq(x.route, RCM_ROUTE_BILLER);
    fx_free(c);
}

Test(rules, require_prior_auth_claim_or_line)
{
    const char *line_rule = "rule PAYER-AUTH\n  when line.code in 70551..70553\n  require prior-auth\n";
    const char *claim_rule = "rule PAYER-AUTH\n  when pos = 11\n  require prior-auth\n";
    rcm_claim *c = fx_claim('P');
    fx_line(c, "70551", NULL, NULL, 100000, 1);
    fx_line(c, "99213", NULL, NULL, 10000, 1);
    rcm_finding x;
    cr_assert_eq(fired_on(line_rule, c, &x), 1);
    cr_assert_eq(x.lines[0], 1);
    cr_assert_str_eq(x.message, "70551 on line 1 has no prior authorization number (REF*G1), which this payer requires");
    cr_assert_eq(fired_on(claim_rule, c, &x), 1);
    cr_assert_eq(x.nlines, 0);
    cr_assert_str_eq(x.message, "the claim has no prior authorization number (REF*G1), which this payer requires");
    /* on the line it needs: the line rule is met, the claim rule is not (line 2 has none) */
    snprintf(c->lines[0].prior_auth, sizeof(c->lines[0].prior_auth), "AUTH1");
    cr_assert_eq(fired_on(line_rule, c, NULL), 0);
    cr_assert_eq(fired_on(claim_rule, c, NULL), 1);
    /* on every line: both met */
    snprintf(c->lines[1].prior_auth, sizeof(c->lines[1].prior_auth), "AUTH2");
    cr_assert_eq(fired_on(claim_rule, c, NULL), 0);
    /* at claim level: both met */
    c->lines[0].prior_auth[0] = c->lines[1].prior_auth[0] = 0;
    snprintf(c->prior_auth, sizeof(c->prior_auth), "AUTH0");
    cr_assert_eq(fired_on(line_rule, c, NULL), 0);
    cr_assert_eq(fired_on(claim_rule, c, NULL), 0);
    fx_free(c);
}

Test(rules, require_referral)
{
    const char *text = "rule PAYER-HMO\n  when filing = HM\n  require referral\n";
    rcm_claim *c = fx_claim('P');
    snprintf(c->filing, sizeof(c->filing), "HM");
    fx_line(c, "99243", NULL, NULL, 20000, 1);
    cr_assert_eq(fired_on(text, c, NULL), 1);
    snprintf(c->referral, sizeof(c->referral), "R123");
    cr_assert_eq(fired_on(text, c, NULL), 0);
    fx_free(c);
}

Test(rules, require_attachment_of_a_type)
{
    const char *typed = "rule PAYER-PWK\n  when line.code in 27299, 64999\n  require attachment OB, OZ\n";
    const char *any = "rule PAYER-PWK\n  when line.code in 27299, 64999\n  require attachment\n";
    rcm_claim *c = fx_claim('P');
    fx_line(c, "27299", NULL, NULL, 250000, 1);
    fx_line(c, "99213", NULL, NULL, 10000, 1);
    rcm_finding x;
    cr_assert_eq(fired_on(typed, c, &x), 1);
    cr_assert_str_eq(x.message, "27299 on line 1 has no attachment (PWK) of report type OB or OZ, which this payer requires");
    cr_assert_eq(x.ncodes, 3);
    cr_assert_eq(fired_on(any, c, NULL), 1);
    /* a line attachment of another type: only the untyped rule is met */
    rcm_attachment a = { "09", "FX", "CTRL1" };
    c->lines[0].attachments = &a;
    c->lines[0].n_attachments = 1;
    cr_assert_eq(fired_on(typed, c, NULL), 1);
    cr_assert_eq(fired_on(any, c, NULL), 0);
    /* the right type on the line, then at claim level */
    memcpy(a.report_type, "OB", 3);
    cr_assert_eq(fired_on(typed, c, NULL), 0);
    c->lines[0].attachments = NULL;
    c->lines[0].n_attachments = 0;
    rcm_attachment b = { "OZ", "EL", "CTRL2" };
    c->attachments = &b;
    c->n_attachments = 1;
    cr_assert_eq(fired_on(typed, c, NULL), 0);
    c->attachments = NULL;
    c->n_attachments = 0;
    fx_free(c);
}

Test(rules, flag_with_modifier_present)
{
    const char *text = "rule PAYER-99211-25\n  payer 04412\n  when line.code = 99211\n  and line.mod has 25\n  flag\n"
                       "  message \"99211 with 25 is not paid by this payer\"\n";
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99211", "25", NULL, 3000, 1);
    fx_line(c, "99211", NULL, NULL, 3000, 1);
    fx_line(c, "99212", "25", NULL, 3000, 1);
    rcm_finding x;
    cr_assert_eq(fired_on(text, c, &x), 1);
    cr_assert_eq(x.lines[0], 1);
    fx_free(c);
}

/* The engine's view of c, enough for the timely-filing conditions. */
static scrub_claim tf_view(const rcm_claim *c)
{
    scrub_claim sc;
    memset(&sc, 0, sizeof(sc));
    sc.c = c;
    sc.payer_id = c->payer.id;
    sc.dob = c->subscriber_dob;
    sc.sex = c->subscriber_sex;
    sc.first_dos = sc.last_dos = fx_date(FX_DOS);
    return sc;
}

Test(rules, timely_filing_limit)
{
    rcm_payer_rules *r = parse_ok("rule PAYER-UHC-TF\n  payer 87726\n  when filing = CI\n  timely-filing 90 days\n"
                                  "rule PAYER-MEDICAID-TF\n  when filing = MC\n  and age < 21\n  timely-filing 365 days\n"
                                  "rule PAYER-ANY-TF\n  when filing = MC\n  timely-filing 180 days\n"
                                  "rule PAYER-FLAG\n  flag\n  message \"every claim\"\n");
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99213", NULL, NULL, 10000, 1);
    int days = 0;
    const char *id = NULL, *file = NULL;
    long line = 0;
    scrub_claim sc = tf_view(c);
    /* Medicare B through 04412: no payer rule sets a limit */
    cr_assert_eq(payer_rules_tf_limit(r, &sc, &days, &id, &file, &line), 0);
    /* UHC commercial */
    snprintf(c->payer.id, sizeof(c->payer.id), "87726");
    snprintf(c->filing, sizeof(c->filing), "CI");
    cr_assert_eq(payer_rules_tf_limit(r, &sc, &days, &id, &file, &line), 1);
    cr_assert_eq(days, 90);
    cr_assert_str_eq(id, "PAYER-UHC-TF");
    cr_assert_str_eq(file, "t.rules");
    cr_assert_eq(line, 1);
    /* Medicaid: the first rule whose conditions hold wins */
    snprintf(c->filing, sizeof(c->filing), "MC");
    cr_assert_eq(payer_rules_tf_limit(r, &sc, &days, &id, NULL, &line), 1);
    cr_assert_eq(days, 180, "an adult: the second Medicaid rule");
    cr_assert_eq(line, 9);
    c->subscriber_dob = fx_date("2010-01-01");
    sc = tf_view(c);
    cr_assert_eq(payer_rules_tf_limit(r, &sc, &days, &id, NULL, NULL), 1);
    cr_assert_eq(days, 365, "a child: the first Medicaid rule");
    cr_assert_str_eq(id, "PAYER-MEDICAID-TF");
    cr_assert_eq(payer_rules_tf_limit(NULL, &sc, &days, NULL, NULL, NULL), 0);
    /* timely-filing rules report nothing in the PAYER family */
    rcm_findings f;
    rcm_findings_init(&f);
    scrub_with(r, c, &f);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].rule, "PAYER-FLAG");
    rcm_payer_rule_info ri;
    cr_assert_eq(rcm_payer_rules_get(r, 0, &ri), 0);
    cr_assert_eq(ri.tf_days, 90);
    cr_assert_eq(ri.severity, 0);
    cr_assert_str_eq(ri.action, "timely-filing 90 days");
    cr_assert_str_eq(ri.when, "filing = CI");
    cr_assert_str_eq(ri.payers, "87726");
    cr_assert_eq(rcm_payer_rules_get(r, 4, &ri), RCM_ENOTFOUND);
    rcm_findings_release(&f);
    fx_free(c);
    rcm_payer_rules_free(r);
}

typedef struct collected {
    int n;
    rcm_rules_test_result v[16];
} collected;

static int collect(void *ctx, const rcm_rules_test_result *res)
{
    collected *k = ctx;
    if (k->n < 16)
        k->v[k->n++] = *res;
    return 0;
}

#define CLAIM(payer, extra) \
    "{\"kind\":\"professional\",\"id\":\"T\",\"charge_cents\":100000,\"pos\":\"11\",\"payer\":{\"id\":\"" payer "\"}" \
    extra ",\n   \"lines\":[{\"code\":\"70551\",\"charge_cents\":100000,\"units_milli\":1000,\"from\":\"2025-11-03\"}]}"

Test(rules, own_tests_run_each_claim_through_its_rule)
{
    const char *text = "rule PAYER-AUTH\n  payer 60054\n  when line.code in 70551..70553\n  require prior-auth\n"
                       "  test fire " CLAIM("60054", "") "\n"
                       "  test pass " CLAIM("60054", ",\"prior_auth\":\"A1\"") "\n"
                       "  test pass " CLAIM("99999", "") "\n"
                       "  test fire " CLAIM("99999", "") "\n" /* wrong: the rule is not for that payer */
                       "rule PAYER-TF\n  payer 60054\n  timely-filing 90 days\n"
                       "  test pass as-of 2026-02-01 " CLAIM("60054", "") "\n"
                       "  test fire as-of 2026-02-02 " CLAIM("60054", "") "\n"
                       "  test fire " CLAIM("60054", "") "\n"
                       "rule PAYER-OTHER\n  flag\n  message \"{code} seen\"\n"
                       "  test pass " CLAIM("1", "") "\n";
    rcm_payer_rules *r = parse_ok(text);
    collected k;
    memset(&k, 0, sizeof(k));
    size_t passed = 0, failed = 0;
    rcm_error err;
    int rc = rcm_payer_rules_test(r, fx_date("2026-01-15"), collect, &k, &passed, &failed, &err);
    cr_assert_eq(rc, 0);
    cr_assert_eq(k.n, 8);
    cr_assert_eq(passed, 5);
    cr_assert_eq(failed, 3);
    static const long lines[] = { 5, 7, 9, 11, 16, 18, 20, 25 };
    static const int ok[] = { 1, 1, 1, 0, 1, 1, 0, 0 };
    for (int i = 0; i < 8; i++) {
        cr_assert_eq(k.v[i].line, lines[i], "result %d: line %ld", i, k.v[i].line);
        cr_assert_eq(k.v[i].passed, ok[i], "result %d (line %ld): %s", i, k.v[i].line, k.v[i].detail);
        cr_assert_eq(k.v[i].claim_error, 0);
        cr_assert_null(k.v[i].file);
    }
    cr_assert_str_eq(k.v[0].rule, "PAYER-AUTH");
    cr_assert_eq(k.v[0].fired, 1);
    cr_assert_str_eq(k.v[0].detail,
                     "line 1: 70551 on line 1 has no prior authorization number (REF*G1), which this payer requires");
    cr_assert_str_eq(k.v[4].detail, "last day to file: the payer's limit is 2026-02-01 (today) for DOS 2025-11-03");
    cr_assert_eq(k.v[5].fired, 1);
    cr_assert_eq(k.v[6].fired, 0, "no as-of: today 2026-01-15 is within the limit");
    cr_assert_str_eq(k.v[7].detail, "70551 seen");
    rcm_payer_rules_free(r);
}

Test(rules, own_tests_from_files_beside_the_rules)
{
    char dir[256];
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/rcm-rules-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(dir));
    char path[300];
    snprintf(path, sizeof(path), "%s/claims.json", dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("[" CLAIM("60054", "") ", " CLAIM("60054", ",\"prior_auth\":\"A1\"") ", {\"id\":1}]", fp);
    fclose(fp);
    snprintf(path, sizeof(path), "%s/r.rules", dir);
    fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("rule PAYER-AUTH\n  payer 60054\n  when line.code in 70551..70553\n  require prior-auth\n"
          "  test fire claims.json\n  test pass \"missing file.json\"\n",
          fp);
    fclose(fp);
    rcm_payer_rules *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_payer_rules_load(&r, path, &err), 0, "%s", err.msg);
    collected k;
    memset(&k, 0, sizeof(k));
    size_t passed = 0, failed = 0;
    cr_assert_eq(rcm_payer_rules_test(r, fx_date("2026-01-15"), collect, &k, &passed, &failed, &err), 0);
    cr_assert_eq(k.n, 4);
    cr_assert_eq(passed, 1);
    cr_assert_eq(failed, 3);
    cr_assert(k.v[0].passed && k.v[0].fired);
    cr_assert_str_eq(k.v[0].file, "claims.json");
    cr_assert_eq(k.v[1].index, 1);
    cr_assert(!k.v[1].passed && !k.v[1].fired, "claim 2 has its authorization: must not fire");
    cr_assert(k.v[2].claim_error);
    cr_assert(strstr(k.v[2].detail, "claims.json: claims[2]: "), "%s", k.v[2].detail);
    cr_assert(k.v[3].claim_error);
    cr_assert(strstr(k.v[3].detail, "missing file.json: cannot read the claim"), "%s", k.v[3].detail);
    rcm_payer_rules_free(r);
    unlink(path);
    snprintf(path, sizeof(path), "%s/claims.json", dir);
    unlink(path);
    rmdir(dir);

    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_payer_rules_load(&r, "no-such-dir/rules.txt", &err), RCM_ENOTFOUND);
    cr_assert_null(r);
    cr_assert_str_eq(err.source, "no-such-dir/rules.txt");
}

Test(rules, comments_strings_and_layout)
{
    /* '#' starts a comment only where a token would; a message keeps its '#'; CRLF and a BOM are fine */
    const char *text = "\xEF\xBB\xBF# header\r\nversion  v1   # the version\r\n\r\n"
                       "rule PAYER-A   # first\r\n"
                       "\tpayer 60054,68862\r\n"
                       "\twhen line.code in 99211,99212 99213 # codes\r\n"
                       "\tflag\r\n"
                       "\tmessage \"claim #{claim}: \\\"{code}\\\" \\\\ ok\"\r\n";
    rcm_payer_rules *r = parse_ok(text);
    cr_assert_str_eq(rcm_payer_rules_version(r), "v1");
    rcm_payer_rule_info ri;
    cr_assert_eq(rcm_payer_rules_get(r, 0, &ri), 0);
    cr_assert_eq(ri.line, 4);
    cr_assert_str_eq(ri.payers, "60054 68862");
    cr_assert_str_eq(ri.when, "line.code in 99211, 99212, 99213");
    cr_assert_str_eq(ri.message, "claim #{claim}: \"{code}\" \\ ok");
    rcm_claim *c = fx_claim('P');
    snprintf(c->payer.id, sizeof(c->payer.id), "68862");
    fx_line(c, "99212", NULL, NULL, 5000, 1);
    rcm_finding x;
    rcm_payer_rules_free(r);
    cr_assert_eq(fired_on(text, c, &x), 1);
    cr_assert_str_eq(x.message, "claim #FX-1: \"99212\" \\ ok");
    fx_free(c);

    /* an empty file is zero rules */
    r = parse_ok("");
    cr_assert_eq(rcm_payer_rules_count(r), 0);
    cr_assert_str_eq(rcm_payer_rules_version(r), "");
    rcm_payer_rules_free(r);
    rcm_payer_rules_free(NULL);
}

Test(rules, timely_filing_tests_count_as_the_tf_family)
{
    /* institutional: from the statement's through date, not the first line's date */
    const char *text =
        "rule PAYER-TF-30\n  when kind = institutional\n  timely-filing 30 days\n"
        "  test pass as-of 2026-01-19 {\"kind\":\"institutional\",\"id\":\"I\",\"charge_cents\":100,\n"
        "    \"statement_from\":\"2025-12-01\",\"statement_to\":\"2025-12-20\",\n"
        "    \"lines\":[{\"code\":\"99213\",\"revenue_code\":\"0510\",\"charge_cents\":100,\"units_milli\":1000,"
        "\"from\":\"2025-12-01\"}]}\n"
        "  test fire as-of 2026-01-20 {\"kind\":\"institutional\",\"id\":\"I\",\"charge_cents\":100,\n"
        "    \"statement_from\":\"2025-12-01\",\"statement_to\":\"2025-12-20\",\n"
        "    \"lines\":[{\"code\":\"99213\",\"revenue_code\":\"0510\",\"charge_cents\":100,\"units_milli\":1000,"
        "\"from\":\"2025-12-01\"}]}\n"
        /* a professional claim does not match the rule; one without any date cannot be counted */
        "  test pass as-of 2030-01-01 {\"kind\":\"professional\",\"id\":\"P\",\"charge_cents\":100,\n"
        "    \"lines\":[{\"code\":\"99213\",\"charge_cents\":100,\"units_milli\":1000,\"from\":\"2020-01-01\"}]}\n"
        "  test pass {\"kind\":\"institutional\",\"id\":\"N\",\"charge_cents\":100}\n";
    rcm_payer_rules *r = parse_ok(text);
    collected k;
    memset(&k, 0, sizeof(k));
    size_t passed = 0, failed = 0;
    cr_assert_eq(rcm_payer_rules_test(r, fx_date("2026-01-15"), collect, &k, &passed, &failed, NULL), 0);
    cr_assert_eq(k.n, 4);
    cr_assert_eq(passed, 4, "%s / %s / %s / %s", k.v[0].detail, k.v[1].detail, k.v[2].detail, k.v[3].detail);
    cr_assert_str_eq(k.v[1].detail, "filed 2026-01-20, 1 day after the payer's limit 2026-01-19 for DOS 2025-12-20");
    cr_assert_str_eq(k.v[2].detail, "the rule does not apply to the claim (payer, conditions or no date)");
    cr_assert_str_eq(k.v[3].detail, "the rule does not apply to the claim (payer, conditions or no date)");
    cr_assert_eq(rcm_payer_rules_test(r, RCM_DATE_NONE, NULL, NULL, &passed, &failed, NULL), RCM_EINVAL);
    rcm_payer_rules_free(r);
}
