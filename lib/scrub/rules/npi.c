/*
 * NPI family: the providers' identifiers (DOMAIN.md 2.4).
 *
 *   NPI-001  the billing provider's NPI is not 10 digits with a valid check
 *            digit (Luhn over 80840 + the first 9 digits)
 *   NPI-002  the same for every other provider given with NM108 XX: claim
 *            rendering, referring, supervising, service facility, primary care
 *            (837P); attending, operating, other operating (837I); each line's
 *            rendering and other providers
 *   NPI-003  a rendering provider (claim or line) that is an organization
 *            (NM102 2): the rendering provider is the person who performed the
 *            service
 *   NPI-004  a rendering NPI equal to the billing NPI while the billing
 *            provider is an organization: the group's NPI in the individual's
 *            place
 *   NPI-005  837P, an organization billing with no individual rendering
 *            provider, neither at claim level nor on every line (a warning:
 *            the guide lets the rendering provider default to the billing one,
 *            which for a group is not a person)
 */
#include "lines.h"

/* The party's NPI when it is given as one (NM108 XX), else NULL. */
static const char *npi_of(const rcm_party *p)
{
    if (!p->present || !p->id[0] || strcmp(p->id_qual, "XX") != 0)
        return NULL;
    return p->id;
}

/* The billing provider's NPI: 2010AA NM109 must be one, so an id without a qualifier is read as one too. */
static const char *billing_npi(const rcm_party *b)
{
    if (b->present && b->id[0] && !b->id_qual[0])
        return b->id;
    return npi_of(b);
}

static void check(const rcm_scrub *s, const scrub_claim *sc, int rule, const rcm_party *p, const char *who,
                  const scrub_line *l, rcm_findings *out)
{
    const char *npi = rule == R_NPI_001 ? billing_npi(p) : npi_of(p);
    if (!npi)
        return;
    const char *why = NULL;
    if (rcm_code_check_npi(rcm_str_c(npi), &why) == 0)
        return;
    rcm_finding *f = scrub_emit(s, sc, rule, out);
    if (l)
        finding_line(f, l->pos);
    finding_code(f, npi);
    if (l)
        finding_msg(f, "line %u %s NPI '%s' is not valid: %s", (unsigned)l->pos, who, npi, why ? why : "bad format");
    else
        finding_msg(f, "%s NPI '%s' is not valid: %s", who, npi, why ? why : "bad format");
    finding_hint(f, "copy the NPI from the NPPES registry; a typo usually fails the check digit");
}

/* NPI-003 and NPI-004 for a rendering provider; who names its loop, l its line (NULL: claim level). */
static void org_rendering(const rcm_scrub *s, const scrub_claim *sc, const rcm_party *r, const char *who,
                          const scrub_line *l, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (!r->present)
        return;
    char at[24] = "";
    if (l)
        snprintf(at, sizeof(at), "line %u ", (unsigned)l->pos);
    if (r->type == '2') {
        rcm_finding *f = scrub_emit(s, sc, R_NPI_003, out);
        if (l)
            finding_line(f, l->pos);
        finding_code(f, r->id);
        finding_msg(f, "%s%s '%s' is an organization (NM102 2)", at, who, r->last);
        finding_hint(f, "report the individual who performed the service, with the individual's NPI");
    }
    const char *rn = npi_of(r), *bn = billing_npi(&c->billing);
    if (rn && bn && c->billing.type == '2' && strcmp(rn, bn) == 0) {
        rcm_finding *f = scrub_emit(s, sc, R_NPI_004, out);
        if (l)
            finding_line(f, l->pos);
        finding_code(f, rn);
        finding_msg(f, "%s%s NPI %s is the billing organization's NPI (2010AA '%s')", at, who, rn, c->billing.last);
        finding_hint(f, "a group's NPI cannot render a service: report the individual's NPI (type 1)");
    }
}

/* Loop names differ between the guides: 837P 005010X222A1, 837I 005010X223A2. */
int family_npi(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    int inst = c->kind == RCM_CLAIM_INSTITUTIONAL;
    const char *rendering = inst ? "2310D rendering provider" : "2310B rendering provider";
    const char *line_rendering = inst ? "2420C rendering provider" : "2420A rendering provider";
    check(s, sc, R_NPI_001, &c->billing, "2010AA billing provider", NULL, out);
    const struct {
        const rcm_party *p;
        const char *who;
    } claim_parties[] = {
        { &c->rendering, rendering },
        { &c->referring, inst ? "2310F referring provider" : "2310A referring provider" },
        { &c->supervising, "2310D supervising provider" },
        { &c->facility, inst ? "2310E service facility" : "2310C service facility" },
        { &c->primary_care, "2310A primary care provider" },
        { &c->attending, "2310A attending provider" },
        { &c->operating, "2310B operating physician" },
        { &c->other_operating, "2310C other operating physician" },
    };
    for (size_t i = 0; i < ARRAY_SIZE(claim_parties); i++)
        check(s, sc, R_NPI_002, claim_parties[i].p, claim_parties[i].who, NULL, out);
    org_rendering(s, sc, &c->rendering, rendering, NULL, out);

    int every_line_rendered = sc->n > 0;
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        check(s, sc, R_NPI_002, &l->l->rendering, line_rendering, l, out);
        for (uint32_t k = 0; k < l->l->n_providers; k++) {
            const rcm_party *p = &l->l->providers[k];
            char who[40];
            snprintf(who, sizeof(who), "2420 provider (NM1*%s)", p->entity);
            check(s, sc, R_NPI_002, p, who, l, out);
        }
        org_rendering(s, sc, &l->l->rendering, line_rendering, l, out);
        if (!l->l->rendering.present)
            every_line_rendered = 0;
    }
    if (!inst && c->billing.present && c->billing.type == '2' && !c->rendering.present && !every_line_rendered) {
        rcm_finding *f = scrub_emit(s, sc, R_NPI_005, out);
        finding_msg(f, "2010AA billing provider '%s' is an organization and no individual rendering provider is "
                       "given (2310B, or 2420A on every line)", c->billing.last);
        finding_hint(f, "add the rendering provider (2310B) with the individual's NPI");
    }
    return out->failed ? RCM_ENOMEM : 0;
}
