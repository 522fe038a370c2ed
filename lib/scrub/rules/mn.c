/*
 * MN family: medical necessity, from the loaded coverage policies (kind mn,
 * docs/refdata.md; DOMAIN.md 3.5).
 *
 *   MN-001  a policy of the payer (or of all payers) lists the line's
 *           procedure on its date and no diagnosis on the claim supports it
 *   MN-002  the diagnoses the line points at (SV107) do not support it but
 *           others on the claim do: the pointer is the fix
 *
 * 837I lines carry no diagnosis pointers: every diagnosis of the claim is
 * the line's, so only MN-001 can fire there. Lines without a CPT/HCPCS code
 * (qualifier HC, or none) or without a date are skipped.
 */
#include "dxview.h"

/* The diagnoses line l points at (837I: all), then the claim's others: sets *npointed. */
static size_t line_dx(const scrub_claim *sc, const scrub_line *l, rcm_str *dx, uint32_t *which, size_t *npointed)
{
    const rcm_claim *c = sc->c;
    size_t n = 0;
    uint8_t taken[RCM_CLAIM_MAX_DX] = { 0 };
    int all = c->kind == RCM_CLAIM_INSTITUTIONAL;
    for (uint32_t k = 0; !all && k < RCM_CLAIM_MAX_PTR; k++) {
        uint32_t p = l->l->dx_ptr[k];
        if (p >= 1 && p <= c->n_dx && p <= RCM_CLAIM_MAX_DX && !taken[p - 1] && c->dx[p - 1][0]) {
            taken[p - 1] = 1;
            which[n] = p - 1;
            dx[n++] = rcm_str_c(c->dx[p - 1]);
        }
    }
    if (all)
        for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++)
            if (c->dx[i][0]) {
                taken[i] = 1;
                which[n] = i;
                dx[n++] = rcm_str_c(c->dx[i]);
            }
    *npointed = n;
    for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++)
        if (!taken[i] && c->dx[i][0]) {
            which[n] = i;
            dx[n++] = rcm_str_c(c->dx[i]);
        }
    return n;
}

static void mn_source(rcm_finding *f, const rcm_mn_fact *m, const char *code)
{
    finding_source(f, "mn", m->version, m->source, m->line);
    finding_field(f, "policy", "%s", m->policy);
    if (m->payer[0])
        finding_field(f, "payer", "%s", m->payer);
    finding_field(f, "procedure", "%s", code);
    if (m->group[0])
        finding_field(f, "group", "%s", m->group);
}

/* The pointed diagnoses as "E78.5, I10" (or "none"). */
static void list_dx(char *out, size_t outsz, const rcm_str *dx, size_t n)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o + RCM_FINDING_CODE_MAX + 2 < outsz; i++) {
        char disp[RCM_FINDING_CODE_MAX];
        o += (size_t)snprintf(out + o, outsz - o, "%s%s", i ? ", " : "", dx_display(disp, dx[i].p));
    }
    if (!n)
        snprintf(out, outsz, "none");
}

static void not_supported(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const char *code,
                          const rcm_str *dx, size_t npointed, const rcm_mn_fact *m, rcm_findings *out)
{
    char day[11], pointed[96];
    list_dx(pointed, sizeof(pointed), dx, npointed);
    rcm_finding *f = scrub_emit(s, sc, R_MN_001, out);
    finding_line(f, l->pos);
    finding_code(f, code);
    finding_msg(f, "line %u: %s on %s is not supported by any diagnosis on the claim under %s (diagnoses pointed"
                " at: %s)", (unsigned)l->pos, code, scrub_datestr(day, l->from), m->policy, pointed);
    finding_hint(f, "if the record supports a diagnosis %s lists for %s, add it and point the line at it; otherwise"
                 " get an ABN signed before the service (modifier GA) or expect a denial (CARC 50)", m->policy, code);
    mn_source(f, m, code);
}

/*
 * MN-002: dx[0..n) with the claim's other diagnoses covers the line (m). The
 * diagnosis to point at: the covering one when it is not pointed, else (a
 * group completed by another diagnosis) the first other diagnosis that
 * completes it.
 */
static void point_at(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const char *code,
                     const rcm_str *dx, const uint32_t *which, size_t npointed, size_t n, const rcm_mn_fact *m,
                     rcm_findings *out)
{
    size_t pick = m->dx_index;
    if (pick < npointed && npointed > RCM_CLAIM_MAX_PTR) {
        pick = n; /* not a line with pointers: no single diagnosis to name */
    } else if (pick < npointed) {
        rcm_str trial[RCM_CLAIM_MAX_PTR + 1];
        rcm_mn_fact t;
        memcpy(trial, dx, npointed * sizeof(*dx));
        for (pick = npointed; pick < n; pick++) {
            trial[npointed] = dx[pick];
            if (rcm_codeset_mn(s->cfg.codes, rcm_str_c(sc->payer_id), rcm_str_c(code), l->from, trial, npointed + 1,
                               &t) == RCM_MN_COVERED)
                break;
        }
    }
    char disp[RCM_FINDING_CODE_MAX], day[11];
    rcm_finding *f = scrub_emit(s, sc, R_MN_002, out);
    finding_line(f, l->pos);
    finding_code(f, code);
    if (pick < n) {
        dx_display(disp, dx[pick].p);
        finding_code(f, dx[pick].p);
        if (m->group[0])
            finding_msg(f, "%s on the claim, with the diagnoses line %u points at, supports %s under %s (group '%s'),"
                        " but the line does not point at it", disp, (unsigned)l->pos, code, m->policy, m->group);
        else
            finding_msg(f, "%s on the claim supports %s under %s, but line %u does not point at it", disp, code,
                        m->policy, (unsigned)l->pos);
        finding_hint(f, "point line %u at %s (diagnosis %u)", (unsigned)l->pos, disp, (unsigned)which[pick] + 1);
    } else {
        finding_msg(f, "diagnoses on the claim together support %s on %s under %s (%s), but line %u does not point"
                    " at them", code, scrub_datestr(day, l->from), m->policy, m->group, (unsigned)l->pos);
        finding_hint(f, "point line %u at the diagnoses of group '%s' of %s", (unsigned)l->pos, m->group, m->policy);
    }
    mn_source(f, m, code);
}

int family_mn(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    rcm_str payer = rcm_str_c(sc->payer_id ? sc->payer_id : "");
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        const char *code = l->l->code, *qual = l->l->qual;
        if (!code[0] || (qual[0] && strcmp(qual, "HC") != 0) || l->from == RCM_DATE_NONE)
            continue;
        if (!rcm_codeset_mn_listed(s->cfg.codes, rcm_str_c(code), l->from))
            continue; /* no policy: most procedures */
        rcm_str dx[RCM_CLAIM_MAX_DX];
        uint32_t which[RCM_CLAIM_MAX_DX];
        size_t npointed, n = line_dx(sc, l, dx, which, &npointed);
        rcm_mn_fact m;
        if (rcm_codeset_mn(s->cfg.codes, payer, rcm_str_c(code), l->from, dx, npointed, &m) != RCM_MN_NOT_COVERED)
            continue;
        rcm_mn_fact all;
        if (n > npointed &&
            rcm_codeset_mn(s->cfg.codes, payer, rcm_str_c(code), l->from, dx, n, &all) == RCM_MN_COVERED)
            point_at(s, sc, l, code, dx, which, npointed, n, &all, out);
        else
            not_supported(s, sc, l, code, dx, npointed, &m, out);
    }
    return out->failed ? RCM_ENOMEM : 0;
}
