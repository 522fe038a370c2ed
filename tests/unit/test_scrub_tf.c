/*
 * TF family: timely filing. Medicare's limit is one calendar year after the
 * date of service (the same day a year later, 28 February for a 29 February
 * DOS): from a professional line's from date, an institutional claim's
 * through date. Other payers only when a payer rule sets a limit in days.
 * TF-001 past the last day, TF-002 within the warning window (30 days by
 * default) of it.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_fixture.h"

#define TF (1u << RCM_FAM_TF)

typedef struct tf_case {
    const char *what;
    char kind;
    const char *filing;     /* SBR09 */
    const char *from, *to;  /* 837P: the line's dates; 837I: the statement's (NULL to: same day) */
    const char *today;
    int months, warn;       /* cfg.medicare_tf_months, cfg.tf_warn_days (0: defaults) */
    const char *must, *must_not;
} tf_case;

static rcm_claim *claim_of(char kind, const char *filing, const char *from, const char *to)
{
    rcm_claim *c = fx_claim(kind);
    snprintf(c->filing, sizeof(c->filing), "%s", filing);
    rcm_claim_line *l = fx_line(c, "99213", NULL, from, 12000, 1);
    if (kind == 'P') {
        if (to)
            l->to = fx_date(to);
    } else {
        l->from = l->to = RCM_DATE_NONE;
        c->statement_from = fx_date(from);
        c->statement_to = fx_date(to ? to : from);
    }
    return c;
}

static rcm_scrub *engine(const char *today, int months, int warn, const rcm_payer_rules *rules)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.families = TF;
    cfg.today = fx_date(today);
    cfg.medicare_tf_months = months;
    cfg.tf_warn_days = warn;
    cfg.rules = rules;
    rcm_scrub *s = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    return s;
}

static void run(const tf_case *cases, size_t n)
{
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < n; i++) {
        const tf_case *k = &cases[i];
        rcm_scrub *s = engine(k->today, k->months, k->warn, NULL);
        rcm_claim *c = claim_of(k->kind, k->filing, k->from, k->to);
        fx_scrub(s, c, &f);
        fx_expect(&f, k->what, k->must, k->must_not);
        cr_assert_leq(f.n, 1, "%s: one finding per claim", k->what);
        fx_free(c);
        rcm_scrub_free(s);
    }
    rcm_findings_release(&f);
}

static const tf_case medicare_cases[] = {
    { "the fixture's claim", 'P', "MB", FX_DOS, NULL, FX_TODAY, 0, 0, NULL, "TF" },
    { "13 months before today", 'P', "MB", "2024-11-01", NULL, FX_TODAY, 0, 0, "TF-001", "TF-002" },
    { "11 months before today", 'P', "MB", "2025-01-01", NULL, FX_TODAY, 0, 0, NULL, "TF" },
    { "14 days late", 'P', "MB", "2025-02-16", NULL, "2026-03-02", 0, 0, "TF-001", "TF-002" },
    { "the last day", 'P', "MB", "2025-02-16", NULL, "2026-02-16", 0, 0, "TF-002", "TF-001" },
    { "the day after the last", 'P', "MB", "2025-02-16", NULL, "2026-02-17", 0, 0, "TF-001", "TF-002" },
    { "30 days before the last", 'P', "MB", "2025-02-16", NULL, "2026-01-17", 0, 0, "TF-002", "TF-001" },
    { "31 days before the last", 'P', "MB", "2025-02-16", NULL, "2026-01-16", 0, 0, NULL, "TF" },
    { "Medicare Part A", 'P', "MA", "2025-02-16", NULL, "2026-03-02", 0, 0, "TF-001", NULL },
    { "commercial: no limit without a payer rule", 'P', "CI", "2020-01-01", NULL, FX_TODAY, 0, 0, NULL, "TF" },
    { "Medicaid: no limit without a payer rule", 'P', "MC", "2020-01-01", NULL, FX_TODAY, 0, 0, NULL, "TF" },
    { "no filing indicator", 'P', "", "2020-01-01", NULL, FX_TODAY, 0, 0, NULL, "TF" },
    /* 29 February: filed by 28 February of the next year */
    { "29 Feb DOS, 28 Feb next year", 'P', "MB", "2024-02-29", NULL, "2025-02-28", 0, 0, "TF-002", "TF-001" },
    { "29 Feb DOS, 1 Mar next year", 'P', "MB", "2024-02-29", NULL, "2025-03-01", 0, 0, "TF-001", "TF-002" },
    { "28 Feb DOS, 28 Feb of a leap year", 'P', "MB", "2023-02-28", NULL, "2024-02-28", 0, 0, "TF-002", NULL },
    { "28 Feb DOS, 29 Feb of a leap year", 'P', "MB", "2023-02-28", NULL, "2024-02-29", 0, 0, "TF-001", NULL },
    { "1 Mar DOS into a leap year: 1 Mar", 'P', "MB", "2023-03-01", NULL, "2024-03-01", 0, 0, "TF-002", NULL },
    { "31 Dec DOS, 31 Dec next year", 'P', "MB", "2024-12-31", NULL, "2025-12-31", 0, 0, "TF-002", NULL },
    { "31 Dec DOS, 1 Jan two years on", 'P', "MB", "2024-12-31", NULL, "2026-01-01", 0, 0, "TF-001", NULL },
    /* month ends with other limits in months */
    { "31 Jan + 1 month: 28 Feb", 'P', "MB", "2025-01-31", NULL, "2025-02-28", 1, 0, "TF-002", "TF-001" },
    { "31 Jan + 1 month, 1 Mar", 'P', "MB", "2025-01-31", NULL, "2025-03-01", 1, 0, "TF-001", NULL },
    { "31 Jan + 1 month in a leap year: 29 Feb", 'P', "MB", "2024-01-31", NULL, "2024-02-29", 1, 0, "TF-002",
      "TF-001" },
    { "31 Jan + 13 months: 28 Feb", 'P', "MB", "2024-01-31", NULL, "2025-03-01", 13, 0, "TF-001", NULL },
    { "31 Mar + 6 months: 30 Sep", 'P', "MB", "2025-03-31", NULL, "2025-09-30", 6, 0, "TF-002", NULL },
    { "31 Mar + 6 months, 1 Oct", 'P', "MB", "2025-03-31", NULL, "2025-10-01", 6, 0, "TF-001", NULL },
    { "30 Nov + 3 months crosses the year", 'P', "MB", "2024-11-30", NULL, "2025-02-28", 3, 0, "TF-002", NULL },
    /* the warning window */
    { "60-day window, 45 days left", 'P', "MB", "2025-02-16", NULL, "2026-01-02", 0, 60, "TF-002", NULL },
    { "60-day window, 61 days left", 'P', "MB", "2025-02-16", NULL, "2025-12-17", 0, 60, NULL, "TF" },
    { "no window, the last day", 'P', "MB", "2025-02-16", NULL, "2026-02-16", 0, -1, NULL, "TF" },
    { "no window, late", 'P', "MB", "2025-02-16", NULL, "2026-02-17", 0, -1, "TF-001", NULL },
    /* which date counts */
    { "837P span: the from date", 'P', "MB", "2024-10-01", "2024-11-15", "2025-10-02", 0, 0, "TF-001", NULL },
    { "837I span: the through date", 'I', "MA", "2024-10-01", "2024-11-15", "2025-10-02", 0, 0, NULL, "TF" },
    { "837I span: the through date's last day", 'I', "MA", "2024-10-01", "2024-11-15", "2025-11-15", 0, 0,
      "TF-002", "TF-001" },
    { "837I span: past the through date's limit", 'I', "MA", "2024-10-01", "2024-11-15", "2025-11-16", 0, 0,
      "TF-001", NULL },
};

Test(scrub_tf, medicare_one_calendar_year)
{
    run(medicare_cases, sizeof(medicare_cases) / sizeof(medicare_cases[0]));
}

Test(scrub_tf, medicare_findings)
{
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_scrub *s = engine("2026-03-02", 0, 0, NULL);
    rcm_claim *c = claim_of('P', "MB", "2025-02-16", NULL);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "TF-001");
    cr_assert_eq(x->severity, RCM_SEV_ERROR);
    cr_assert_eq(x->route, RCM_ROUTE_BILLER);
    cr_assert_str_eq(x->message, "filed 2026-03-02, 14 days after the Medicare limit 2026-02-16 for DOS 2025-02-16");
    cr_assert(strstr(x->hint, "CO-29"), "%s", x->hint);
    cr_assert(strstr(x->hint, "not appealable"), "%s", x->hint);
    cr_assert(strstr(x->hint, "CLM20"), "%s", x->hint);
    cr_assert_str_eq(x->table, "medicare_timely_filing");
    cr_assert_str_eq(x->version, "42 CFR 424.44");
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 1);
    fx_free(c);
    rcm_scrub_free(s);

    /* a day late, and the last day */
    s = engine("2026-02-17", 0, 0, NULL);
    c = claim_of('P', "MB", "2025-02-16", NULL);
    fx_scrub(s, c, &f);
    cr_assert_str_eq(f.v[0].message, "filed 2026-02-17, 1 day after the Medicare limit 2026-02-16 for DOS 2025-02-16");
    rcm_scrub_free(s);
    s = engine("2026-02-16", 0, 0, NULL);
    fx_scrub(s, c, &f);
    cr_assert_str_eq(f.v[0].rule, "TF-002");
    cr_assert_eq(f.v[0].severity, RCM_SEV_WARNING);
    cr_assert_str_eq(f.v[0].message, "last day to file: the Medicare limit is 2026-02-16 (today) for DOS 2025-02-16");
    rcm_scrub_free(s);
    s = engine("2026-02-01", 0, 0, NULL);
    fx_scrub(s, c, &f);
    cr_assert_str_eq(f.v[0].message, "15 days left to file: the Medicare limit is 2026-02-16 for DOS 2025-02-16");
    cr_assert(strstr(f.v[0].hint, "CO-29"), "%s", f.v[0].hint);
    fx_free(c);
    rcm_scrub_free(s);

    /* three lines: the two past their own limit are named, the later one is still in time */
    s = engine("2025-11-05", 0, 0, NULL);
    c = claim_of('P', "MB", "2024-11-01", NULL);
    fx_line(c, "36415", NULL, "2025-06-01", 1000, 1);
    fx_line(c, "80053", NULL, "2024-11-04", 2500, 1);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].rule, "TF-001");
    cr_assert_str_eq(f.v[0].message, "filed 2025-11-05, 4 days after the Medicare limit 2025-11-01 for DOS 2024-11-01");
    cr_assert_eq(f.v[0].nlines, 2);
    cr_assert_eq(f.v[0].lines[0], 1);
    cr_assert_eq(f.v[0].lines[1], 3);
    fx_free(c);

    /* no date of service at all: SYN-011's, TF says nothing */
    c = claim_of('P', "MB", "2024-11-01", NULL);
    c->lines[0].from = c->lines[0].to = RCM_DATE_NONE;
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 0);
    fx_free(c);
    rcm_scrub_free(s);
    rcm_findings_release(&f);
}

/* ---- payer rules ---- */

static const char rules_text[] = "version 2026-01\n"
                                 "rule PAYER-UHC-TF\n"
                                 "  payer 87726\n"
                                 "  when filing = CI\n"
                                 "  timely-filing 90 days\n"
                                 "rule PAYER-MEDICARE-TF\n"
                                 "  payer 04412\n"
                                 "  when filing = MB\n"
                                 "  timely-filing 30 days\n";

static rcm_payer_rules *rules(void)
{
    rcm_payer_rules *r = NULL;
    rcm_error err = { 0 };
    int rc = rcm_payer_rules_parse(&r, rules_text, strlen(rules_text), "practice.rules", NULL, &err);
    cr_assert_eq(rc, 0, "%s:%ld: %s", err.source, err.line, err.msg);
    return r;
}

typedef struct payer_case {
    const char *what;
    const char *payer, *filing, *dos, *today;
    const char *must, *must_not;
} payer_case;

static const payer_case payer_cases[] = {
    { "90 days: 52 days left", "87726", "CI", "2026-01-12", "2026-02-19", NULL, "TF" },
    { "90 days: 30 days left", "87726", "CI", "2026-01-12", "2026-03-13", "TF-002", "TF-001" },
    { "90 days: the last day", "87726", "CI", "2026-01-12", "2026-04-12", "TF-002", "TF-001" },
    { "90 days: a day late", "87726", "CI", "2026-01-12", "2026-04-13", "TF-001", "TF-002" },
    { "the rule's payer, another filing indicator", "87726", "HM", "2026-01-12", "2026-12-01", NULL, "TF" },
    { "another payer", "60054", "CI", "2026-01-12", "2026-12-01", NULL, "TF" },
    { "a rule for a Medicare payer takes the place of 12 months", "04412", "MB", "2026-01-12", "2026-02-12",
      "TF-001", NULL },
    { "Medicare without a rule of its own: 12 months", "04411", "MB", "2026-01-12", "2026-02-12", NULL, "TF" },
};

Test(scrub_tf, payer_rule_limits)
{
    rcm_payer_rules *r = rules();
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(payer_cases) / sizeof(payer_cases[0]); i++) {
        const payer_case *k = &payer_cases[i];
        rcm_scrub *s = engine(k->today, 0, 0, r);
        rcm_claim *c = claim_of('P', k->filing, k->dos, NULL);
        snprintf(c->payer.id, sizeof(c->payer.id), "%s", k->payer);
        fx_scrub(s, c, &f);
        fx_expect(&f, k->what, k->must, k->must_not);
        fx_free(c);
        rcm_scrub_free(s);
    }

    rcm_scrub *s = engine("2026-04-20", 0, 0, r);
    rcm_claim *c = claim_of('P', "CI", "2026-01-12", NULL);
    snprintf(c->payer.id, sizeof(c->payer.id), "87726");
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "TF-001");
    cr_assert_str_eq(x->message, "filed 2026-04-20, 8 days after the payer's limit 2026-04-12 for DOS 2026-01-12");
    cr_assert_str_eq(x->table, "payer_rules");
    cr_assert_str_eq(x->version, "2026-01");
    cr_assert_str_eq(x->file, "practice.rules");
    cr_assert_eq(x->file_line, 2);
    cr_assert_str_eq(x->fields[0].key, "rule");
    cr_assert_str_eq(x->fields[0].value, "PAYER-UHC-TF");
    cr_assert_str_eq(x->fields[1].key, "limit_days");
    cr_assert_str_eq(x->fields[1].value, "90");
    cr_assert_null(strstr(x->hint, "CO-29"), "not Medicare's hint: %s", x->hint);
    fx_free(c);
    rcm_scrub_free(s);

    /* an 837I counts from the statement's through date */
    s = engine("2026-04-20", 0, 0, r);
    c = claim_of('I', "CI", "2026-01-10", "2026-01-20");
    snprintf(c->payer.id, sizeof(c->payer.id), "87726");
    fx_scrub(s, c, &f);
    cr_assert_str_eq(f.v[0].rule, "TF-002");
    cr_assert_str_eq(f.v[0].message, "last day to file: the payer's limit is 2026-04-20 (today) for DOS 2026-01-20");
    fx_free(c);
    rcm_scrub_free(s);

    rcm_findings_release(&f);
    rcm_payer_rules_free(r);
}

/* Two rules cover a claim: the first in the file wins (docs/payer-rules.md). */
static const char layered_text[] = "version 2026-02\n"
                                   "rule PAYER-UHC-TF-60\n"
                                   "  payer 87726\n"
                                   "  timely-filing 60 days\n"
                                   "rule PAYER-COMMERCIAL-TF\n"
                                   "  when filing = CI\n"
                                   "  timely-filing 180 days\n";

typedef struct layered_case {
    const char *what;
    const char *payer, *today;
    int warn;
    const char *must, *must_not;
    const char *rule;       /* the rule the finding names; NULL: no finding */
} layered_case;

static const layered_case layered_cases[] = {
    { "the payer's own rule: day 61", "87726", "2026-03-14", 0, "TF-001", "TF-002", "PAYER-UHC-TF-60" },
    { "the payer's own rule: the last day", "87726", "2026-03-13", 0, "TF-002", "TF-001", "PAYER-UHC-TF-60" },
    { "the payer's own rule: the last day, no window", "87726", "2026-03-13", -1, NULL, "TF", NULL },
    { "the general rule: day 61 is in time", "60054", "2026-03-14", 0, NULL, "TF", NULL },
    { "the general rule: day 181", "60054", "2026-07-12", 0, "TF-001", "TF-002", "PAYER-COMMERCIAL-TF" },
};

Test(scrub_tf, first_rule_wins)
{
    rcm_payer_rules *r = NULL;
    rcm_error err = { 0 };
    int rc = rcm_payer_rules_parse(&r, layered_text, strlen(layered_text), "layered.rules", NULL, &err);
    cr_assert_eq(rc, 0, "%s:%ld: %s", err.source, err.line, err.msg);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(layered_cases) / sizeof(layered_cases[0]); i++) {
        const layered_case *k = &layered_cases[i];
        rcm_scrub *s = engine(k->today, 0, k->warn, r);
        rcm_claim *c = claim_of('P', "CI", "2026-01-12", NULL);
        snprintf(c->payer.id, sizeof(c->payer.id), "%s", k->payer);
        fx_scrub(s, c, &f);
        fx_expect(&f, k->what, k->must, k->must_not);
        if (k->rule) {
            cr_assert_eq(f.n, 1, "%s", k->what);
            cr_assert_str_eq(f.v[0].table, "payer_rules", "%s", k->what);
            cr_assert_str_eq(f.v[0].fields[0].value, k->rule, "%s", k->what);
        }
        fx_free(c);
        rcm_scrub_free(s);
    }
    rcm_findings_release(&f);
    rcm_payer_rules_free(r);
}
