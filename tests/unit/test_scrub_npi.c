/*
 * NPI family: check digits of every provider given with NM108 XX, a
 * rendering provider that is an organization or the billing group itself,
 * and a group billing without an individual. Each case starts from the
 * fixture's claim (an organization billing, a person rendering) with one
 * 99213 line and changes one thing.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "scrub_fixture.h"

#define NPI (1u << RCM_FAM_NPI)
#define ALL_NPI "NPI-001,NPI-002,NPI-003,NPI-004,NPI-005"

/* A valid NPI other than the fixture's two (base 123456780: check digit 2). */
#define OTHER_NPI "1234567802"
#define BAD_DIGIT "1234567890"

typedef void (*tweak_fn)(rcm_claim *c);

typedef struct npi_case {
    const char *what;
    char kind;
    tweak_fn tweak;
    const char *must, *must_not;
} npi_case;

/* Line providers for the cases that need them: the claim borrows them (fx_free does not free them). */
static rcm_party line_providers[2];

static void party(rcm_party *p, const char *entity, char type, const char *qual, const char *id)
{
    memset(p, 0, sizeof(*p));
    p->present = 1;
    snprintf(p->entity, sizeof(p->entity), "%s", entity);
    p->type = type;
    snprintf(p->last, sizeof(p->last), "%s", type == '2' ? "SOME GROUP" : "ROE");
    snprintf(p->id_qual, sizeof(p->id_qual), "%s", qual);
    snprintf(p->id, sizeof(p->id), "%s", id);
}

static rcm_scrub *engine(void)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.families = NPI;
    rcm_scrub *s = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    return s;
}

static rcm_claim *baseline(char kind)
{
    rcm_claim *c = fx_claim(kind);
    fx_line(c, "99213", NULL, NULL, 12000, 1);
    return c;
}

static void run(const npi_case *cases, size_t n)
{
    rcm_scrub *s = engine();
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < n; i++) {
        rcm_claim *c = baseline(cases[i].kind);
        if (cases[i].tweak)
            cases[i].tweak(c);
        fx_scrub(s, c, &f);
        fx_expect(&f, cases[i].what, cases[i].must, cases[i].must_not);
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* ---- NPI-001, NPI-002: check digits ---- */

static void billing_bad_digit(rcm_claim *c) { snprintf(c->billing.id, sizeof(c->billing.id), "1912301954"); }
static void billing_nine_digits(rcm_claim *c) { snprintf(c->billing.id, sizeof(c->billing.id), "191230195"); }
static void billing_letter(rcm_claim *c) { snprintf(c->billing.id, sizeof(c->billing.id), "19123O1953"); }
static void billing_no_qual_bad(rcm_claim *c) { c->billing.id_qual[0] = 0; billing_bad_digit(c); }
static void billing_no_qual_good(rcm_claim *c) { c->billing.id_qual[0] = 0; }
static void billing_ein(rcm_claim *c)
{
    snprintf(c->billing.id_qual, sizeof(c->billing.id_qual), "24");
    snprintf(c->billing.id, sizeof(c->billing.id), "741234567");
}
static void billing_empty(rcm_claim *c) { c->billing.id[0] = 0; }
static void rendering_bad(rcm_claim *c) { snprintf(c->rendering.id, sizeof(c->rendering.id), BAD_DIGIT); }
static void referring_bad(rcm_claim *c) { party(&c->referring, "DN", '1', "XX", BAD_DIGIT); }
static void referring_good(rcm_claim *c) { party(&c->referring, "DN", '1', "XX", OTHER_NPI); }
static void referring_other_id(rcm_claim *c) { party(&c->referring, "DN", '1', "", ""); }
/* Another qualifier (G2 a payer's provider number): not an NPI, not checked. */
static void referring_g2(rcm_claim *c) { party(&c->referring, "DN", '1', "G2", "12345"); }
static void rendering_g2(rcm_claim *c)
{
    rendering_bad(c);
    snprintf(c->rendering.id_qual, sizeof(c->rendering.id_qual), "G2");
}
static void line_rendering_g2(rcm_claim *c)
{
    fx_line_rendering(&c->lines[0], "A1234");
    snprintf(c->lines[0].rendering.id_qual, sizeof(c->lines[0].rendering.id_qual), "G2");
}
static void supervising_bad(rcm_claim *c) { party(&c->supervising, "DQ", '1', "XX", "123"); }
static void facility_bad(rcm_claim *c) { party(&c->facility, "77", '2', "XX", BAD_DIGIT); }
static void facility_good(rcm_claim *c) { party(&c->facility, "77", '2', "XX", OTHER_NPI); }
static void primary_care_bad(rcm_claim *c) { party(&c->primary_care, "P3", '1', "XX", BAD_DIGIT); }
static void attending_bad(rcm_claim *c) { snprintf(c->attending.id, sizeof(c->attending.id), BAD_DIGIT); }
static void operating_bad(rcm_claim *c) { party(&c->operating, "72", '1', "XX", BAD_DIGIT); }
static void other_operating_bad(rcm_claim *c) { party(&c->other_operating, "ZZ", '1', "XX", BAD_DIGIT); }
static void operating_good(rcm_claim *c) { party(&c->operating, "72", '1', "XX", OTHER_NPI); }
static void line_rendering_bad(rcm_claim *c) { fx_line_rendering(&c->lines[0], BAD_DIGIT); }
static void line_rendering_good(rcm_claim *c) { fx_line_rendering(&c->lines[0], OTHER_NPI); }
static void line_provider_bad(rcm_claim *c)
{
    party(&line_providers[0], "DK", '1', "XX", OTHER_NPI);
    party(&line_providers[1], "DN", '1', "XX", BAD_DIGIT);
    c->lines[0].providers = line_providers;
    c->lines[0].n_providers = 2;
}
static void line_provider_not_npi(rcm_claim *c)
{
    party(&line_providers[0], "DN", '1', "", "");
    c->lines[0].providers = line_providers;
    c->lines[0].n_providers = 1;
}

static const npi_case digit_cases[] = {
    { "baseline 837P", 'P', NULL, NULL, ALL_NPI },
    { "baseline 837I", 'I', NULL, NULL, ALL_NPI },
    { "billing check digit wrong", 'P', billing_bad_digit, "NPI-001", "NPI-002,NPI-004" },
    { "billing 9 digits", 'P', billing_nine_digits, "NPI-001", "NPI-002" },
    { "billing with a letter", 'I', billing_letter, "NPI-001", "NPI-002" },
    { "billing without a qualifier, wrong", 'P', billing_no_qual_bad, "NPI-001", NULL },
    { "billing without a qualifier, right", 'P', billing_no_qual_good, NULL, ALL_NPI },
    { "billing id not an NPI: SYN-006's", 'P', billing_ein, NULL, "NPI-001" },
    { "billing id empty: SYN-006's", 'P', billing_empty, NULL, "NPI-001" },
    { "rendering check digit wrong", 'P', rendering_bad, "NPI-002", "NPI-001,NPI-003,NPI-004,NPI-005" },
    { "referring check digit wrong", 'P', referring_bad, "NPI-002", "NPI-001" },
    { "referring valid", 'P', referring_good, NULL, ALL_NPI },
    { "referring without an NPI", 'P', referring_other_id, NULL, ALL_NPI },
    { "referring with a G2 number", 'P', referring_g2, NULL, ALL_NPI },
    { "rendering with a G2 number", 'P', rendering_g2, NULL, ALL_NPI },
    { "line rendering with a G2 number", 'P', line_rendering_g2, NULL, ALL_NPI },
    { "supervising too short", 'P', supervising_bad, "NPI-002", NULL },
    { "service facility wrong", 'P', facility_bad, "NPI-002", "NPI-003" },
    { "service facility valid", 'P', facility_good, NULL, ALL_NPI },
    { "primary care wrong", 'P', primary_care_bad, "NPI-002", NULL },
    { "837I attending wrong", 'I', attending_bad, "NPI-002", "NPI-001" },
    { "837I operating wrong", 'I', operating_bad, "NPI-002", NULL },
    { "837I other operating wrong", 'I', other_operating_bad, "NPI-002", NULL },
    { "837I operating valid", 'I', operating_good, NULL, ALL_NPI },
    { "line rendering wrong", 'P', line_rendering_bad, "NPI-002", "NPI-003" },
    { "line rendering valid", 'P', line_rendering_good, NULL, ALL_NPI },
    { "line ordering provider wrong", 'P', line_provider_bad, "NPI-002", NULL },
    { "line provider without an NPI", 'P', line_provider_not_npi, NULL, ALL_NPI },
};

Test(scrub_npi, check_digits)
{
    run(digit_cases, sizeof(digit_cases) / sizeof(digit_cases[0]));
}

/* ---- NPI-003, NPI-004, NPI-005: who renders ---- */

static void rendering_org(rcm_claim *c) { c->rendering.type = '2'; }
static void inst_rendering_org(rcm_claim *c) { party(&c->rendering, "82", '2', "XX", OTHER_NPI); }
static void rendering_is_billing(rcm_claim *c)
{
    snprintf(c->rendering.id, sizeof(c->rendering.id), FX_BILLING_NPI);
}
static void solo_rendering_is_billing(rcm_claim *c)
{
    c->billing.type = '1';
    rendering_is_billing(c);
}
static void line_rendering_org(rcm_claim *c)
{
    line_rendering_good(c);
    c->lines[0].rendering.type = '2';
}
static void line_rendering_is_billing(rcm_claim *c) { fx_line_rendering(&c->lines[0], FX_BILLING_NPI); }
static void no_rendering(rcm_claim *c) { memset(&c->rendering, 0, sizeof(c->rendering)); }
static void rendering_on_every_line(rcm_claim *c)
{
    no_rendering(c);
    fx_line_rendering(&c->lines[0], OTHER_NPI);
    rcm_claim_line *l = fx_line(c, "36415", NULL, NULL, 1000, 1);
    fx_line_rendering(l, FX_RENDERING_NPI);
}
static void rendering_on_one_line(rcm_claim *c)
{
    no_rendering(c);
    fx_line_rendering(&c->lines[0], OTHER_NPI);
    fx_line(c, "36415", NULL, NULL, 1000, 1);
}
static void solo_no_rendering(rcm_claim *c)
{
    no_rendering(c);
    c->billing.type = '1';
}
static void no_rendering_no_lines(rcm_claim *c)
{
    no_rendering(c);
    c->n_lines = 0;
}

static const npi_case who_cases[] = {
    { "rendering provider an organization", 'P', rendering_org, "NPI-003", "NPI-004,NPI-005" },
    { "rendering NPI the group's", 'P', rendering_is_billing, "NPI-004", "NPI-001,NPI-002,NPI-003" },
    { "a sole practitioner rendering under the billing NPI", 'P', solo_rendering_is_billing, NULL, ALL_NPI },
    { "line rendering an organization", 'P', line_rendering_org, "NPI-003", "NPI-004" },
    { "line rendering NPI the group's", 'P', line_rendering_is_billing, "NPI-004", "NPI-003" },
    { "837I rendering an organization", 'I', inst_rendering_org, "NPI-003", "NPI-004,NPI-005" },
    { "group billing, no rendering", 'P', no_rendering, "NPI-005", "NPI-003,NPI-004" },
    { "group billing, rendering on every line", 'P', rendering_on_every_line, NULL, ALL_NPI },
    { "group billing, rendering on one line of two", 'P', rendering_on_one_line, "NPI-005", NULL },
    { "a person billing, no rendering", 'P', solo_no_rendering, NULL, ALL_NPI },
    { "group billing, no rendering, no lines", 'P', no_rendering_no_lines, "NPI-005", NULL },
    { "837I group billing, no rendering", 'I', NULL, NULL, "NPI-005" },
};

Test(scrub_npi, who_renders)
{
    run(who_cases, sizeof(who_cases) / sizeof(who_cases[0]));
}

Test(scrub_npi, findings_name_the_provider_and_the_line)
{
    rcm_scrub *s = engine();
    rcm_findings f;
    rcm_findings_init(&f);

    rcm_claim *c = baseline('P');
    billing_bad_digit(c);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "NPI-001");
    cr_assert_str_eq(x->message, "2010AA billing provider NPI '1912301954' is not valid: the NPI check digit is wrong");
    cr_assert_str_eq(x->codes[0], "1912301954");
    cr_assert_eq(x->nlines, 0);
    cr_assert(x->hint[0]);
    fx_free(c);

    c = baseline('P');
    fx_line(c, "36415", NULL, NULL, 1000, 1);
    line_rendering_bad(c);
    line_provider_bad(c);
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "NPI-002"), 2);
    x = &f.v[0];
    cr_assert_str_eq(x->message,
                     "line 1 2420A rendering provider NPI '1234567890' is not valid: the NPI check digit is wrong");
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 1);
    cr_assert_str_eq(f.v[1].message,
                     "line 1 2420 provider (NM1*DN) NPI '1234567890' is not valid: the NPI check digit is wrong");
    fx_free(c);

    c = baseline('I');
    referring_bad(c);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    cr_assert_str_eq(f.v[0].message,
                     "2310F referring provider NPI '1234567890' is not valid: the NPI check digit is wrong");
    fx_free(c);

    c = baseline('P');
    rendering_is_billing(c);
    rendering_org(c);
    fx_scrub(s, c, &f);
    fx_expect(&f, "the group as rendering provider", "NPI-003,NPI-004", "NPI-005");
    cr_assert_str_eq(fx_finding(&f, "NPI-003")->message,
                     "2310B rendering provider 'SMITH' is an organization (NM102 2)");
    cr_assert_str_eq(fx_finding(&f, "NPI-004")->message,
                     "2310B rendering provider NPI 1912301953 is the billing organization's NPI (2010AA 'FIXTURE "
                     "CLINIC')");
    fx_free(c);

    c = baseline('P');
    no_rendering(c);
    fx_scrub(s, c, &f);
    x = fx_finding(&f, "NPI-005");
    cr_assert_not_null(x);
    cr_assert_eq(x->severity, RCM_SEV_WARNING);
    cr_assert_eq(f.errors, 0);
    cr_assert_eq(f.warnings, 1);
    cr_assert_str_eq(x->message, "2010AA billing provider 'FIXTURE CLINIC' is an organization and no individual "
                                 "rendering provider is given (2310B, or 2420A on every line)");
    fx_free(c);

    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
