/*
 * The scrub engine itself: the rule catalogue, configuration errors, which
 * families run without tables, disabling rules, the findings list and its
 * counts.
 */
#include <criterion/criterion.h>
#include <string.h>
#include "scrub_fixture.h"

Test(scrub_engine, catalogue_ids_unique_and_prefixed_by_family)
{
    size_t n = 0;
    for (const rcm_rule_info *r; (r = rcm_scrub_rule(n)); n++) {
        const char *fam = rcm_scrub_family_name(r->family);
        cr_assert_not_null(fam, "%s", r->id);
        cr_assert(strncmp(r->id, fam, strlen(fam)) == 0 && r->id[strlen(fam)] == '-', "%s not in %s", r->id, fam);
        cr_assert(r->route == RCM_ROUTE_CODER || r->route == RCM_ROUTE_BILLER, "%s", r->id);
        cr_assert(r->title[0], "%s", r->id);
        cr_assert_eq(rcm_scrub_rule_find(r->id), r, "%s", r->id);
        for (size_t j = 0; j < n; j++)
            cr_assert_str_neq(rcm_scrub_rule(j)->id, r->id);
    }
    cr_assert_gt(n, 60);
    cr_assert_null(rcm_scrub_rule_find("PTP-999"));
    cr_assert_str_eq(rcm_scrub_family_name(RCM_FAM_PAYER), "PAYER");
    cr_assert_null(rcm_scrub_family_name(RCM_FAM_COUNT));
}

Test(scrub_engine, config_errors)
{
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    rcm_scrub *s = NULL;
    rcm_error err;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), RCM_EINVAL);
    cr_assert_null(s);
    cfg = fx_config(NULL, NULL);
    cfg.disable = "PTP-001,NOPE-7";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "NOPE-7"), "%s", err.msg);
    cfg.disable = "PTP-001, MUE ,PAYER-MY-RULE";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    rcm_scrub_free(s);
}

Test(scrub_engine, unavailable_families_without_tables)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    rcm_scrub *s;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    uint32_t u = rcm_scrub_unavailable(s);
    cr_assert(u & (1u << RCM_FAM_PTP));
    cr_assert(u & (1u << RCM_FAM_MUE));
    cr_assert(u & (1u << RCM_FAM_DX));
    cr_assert(u & (1u << RCM_FAM_MN));
    cr_assert_not(u & (1u << RCM_FAM_SYN));
    cr_assert_not(u & (1u << RCM_FAM_PAYER), "no rules asked for is not unavailable");
    rcm_scrub_free(s);
    cfg.families = 1u << RCM_FAM_SYN;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    cr_assert_eq(rcm_scrub_unavailable(s), 0, "only SYN asked for");
    rcm_scrub_free(s);
}

Test(scrub_engine, severity_and_route_names)
{
    cr_assert_str_eq(rcm_severity_name(RCM_SEV_ERROR), "error");
    cr_assert_str_eq(rcm_severity_name(RCM_SEV_WARNING), "warning");
    cr_assert_str_eq(rcm_severity_name(RCM_SEV_INFO), "info");
    cr_assert_str_eq(rcm_route_name(RCM_ROUTE_CODER), "coder");
    cr_assert_str_eq(rcm_route_name(RCM_ROUTE_BILLER), "biller");
    cr_assert_str_eq(rcm_route_name(0), "");
}

Test(scrub_engine, baseline_claim_is_clean_and_counts_add_up)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    rcm_scrub *s;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99213", NULL, NULL, 12000, 1);
    rcm_findings f;
    rcm_findings_init(&f);
    cr_assert_eq(fx_scrub(s, c, &f), 0);
    fx_expect(&f, "baseline", NULL, "SYN,NPI,MOD,DUP,TF");
    cr_assert_eq(f.errors, 0);
    /* a claim with two faults: no charge on the claim, a line without units */
    c->lines[0].units_milli = 0;
    int errors = fx_scrub(s, c, &f);
    cr_assert_geq(errors, 1);
    cr_assert_eq((size_t)errors, f.errors);
    cr_assert_eq(f.errors + f.warnings + f.infos, f.n);
    for (size_t i = 0; i < f.n; i++) {
        cr_assert_str_eq(f.v[i].claim, "FX-1");
        cr_assert(rcm_scrub_rule_find(f.v[i].rule), "%s", f.v[i].rule);
    }
    rcm_findings_release(&f);
    fx_free(c);
    rcm_scrub_free(s);
}

Test(scrub_engine, disabled_rules_and_families_are_not_reported)
{
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99213", NULL, NULL, 12000, 0);  /* SYN-009: no units */
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    rcm_scrub *s;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "enabled", "SYN-009", NULL);
    rcm_scrub_free(s);
    cfg.disable = "SYN-009";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "rule disabled", NULL, "SYN-009");
    rcm_scrub_free(s);
    cfg.disable = "SYN";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "family disabled", NULL, "SYN");
    rcm_scrub_free(s);
    cfg.disable = NULL;
    cfg.families = 1u << RCM_FAM_NPI;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "family not selected", NULL, "SYN");
    rcm_scrub_free(s);
    rcm_findings_release(&f);
    fx_free(c);
}

Test(scrub_engine, payer_rules_can_be_disabled_by_id)
{
    static const char text[] = "rule PAYER-NO-99211\n"
                               "  when line.code = 99211\n"
                               "  flag\n"
                               "  message \"99211 is not paid\"\n"
                               "rule PAYER-NO-99211-B\n"
                               "  when line.code = 99211\n"
                               "  flag\n"
                               "  message \"99211 is still not paid\"\n";
    rcm_payer_rules *rules = NULL;
    rcm_error err;
    cr_assert_eq(rcm_payer_rules_parse(&rules, text, sizeof(text) - 1, "t.rules", NULL, &err), 0, "%s", err.msg);
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99211", NULL, NULL, 4000, 1);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.rules = rules;
    rcm_scrub *s;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "both rules on", "PAYER-NO-99211,PAYER-NO-99211-B", NULL);
    rcm_scrub_free(s);
    /* disabling one id must not disable the other whose id starts with it */
    cfg.disable = "PAYER-NO-99211";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "PAYER-NO-99211"), 0);
    cr_assert_eq(fx_fired(&f, "PAYER-NO-99211-B"), 1);
    rcm_scrub_free(s);
    cfg.disable = "PAYER-NO-99211-B,PAYER-NO-99211";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "both off", NULL, "PAYER");
    rcm_scrub_free(s);
    rcm_findings_release(&f);
    fx_free(c);
    rcm_payer_rules_free(rules);
}

Test(scrub_engine, disabling_a_family_by_name_also_drops_it_from_unavailable)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.disable = "PTP,PAYER";
    rcm_scrub *s;
    rcm_error err;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    cr_assert_not(rcm_scrub_unavailable(s) & (1u << RCM_FAM_PTP), "PTP was not asked for");
    cr_assert(rcm_scrub_unavailable(s) & (1u << RCM_FAM_MUE));
    rcm_scrub_free(s);
}
