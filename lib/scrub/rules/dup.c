/*
 * DUP family: duplicate services (DOMAIN.md 3.7). Payers deny an exact
 * duplicate as CARC 18; catching it before submission saves the round trip.
 *
 *   DUP-001  two lines of the claim with the same dates, procedure code,
 *            modifiers (in any order), units, charge and performing
 *            provider; a repeat procedure or test (76, 77 or 91 on the later
 *            line) is not one
 *   DUP-002  a line already billed on another claim of the history (the key
 *            is history.c's). Under the same claim id it is a duplicate only
 *            when this claim is sent as an original (frequency 1, or none):
 *            the claim was sent twice. A replacement (7) or void (8) of the
 *            claim is not, nor is any other frequency (the 837I interim and
 *            late-charge bills, 2-5 and 9, continue a claim under its id).
 *            A replacement or void with REF*F8 under another claim id is
 *            not one either: some practice systems number corrected claims
 *            anew, and DOMAIN.md 3.7 takes the F8 reference as the link.
 *
 * Lines without a procedure code (837I revenue-code-only lines) are left
 * out of DUP-001: room and supply lines of one stay legitimately repeat.
 */
#include "lines.h"

/* The line's modifier keys in ascending order into out (at most RCM_CLAIM_MAX_MODS). */
static void sorted_mods(uint16_t out[RCM_CLAIM_MAX_MODS], const scrub_line *l)
{
    for (uint32_t i = 0; i < l->nmods; i++) {
        uint16_t k = l->mods[i];
        uint32_t j = i;
        for (; j > 0 && out[j - 1] > k; j--)
            out[j] = out[j - 1];
        out[j] = k;
    }
}

/* The order of the modifiers does not make another service: 59,LT is LT,59 (the history's key agrees). */
static int same_mods(const scrub_line *a, const scrub_line *b)
{
    if (a->nmods != b->nmods)
        return 0;
    uint16_t x[RCM_CLAIM_MAX_MODS], y[RCM_CLAIM_MAX_MODS];
    sorted_mods(x, a);
    sorted_mods(y, b);
    return memcmp(x, y, a->nmods * sizeof(x[0])) == 0;
}

static int same_service(const scrub_line *a, const scrub_line *b)
{
    const rcm_claim_line *x = a->l, *y = b->l;
    if (a->from != b->from || a->to != b->to || x->units_milli != y->units_milli ||
        x->charge_cents != y->charge_cents || strcmp(x->code, y->code) != 0 || !same_mods(a, b))
        return 0;
    if (strcmp(x->revenue_code, y->revenue_code) != 0)
        return 0;
    return a->npi == b->npi || strcmp(a->npi, b->npi) == 0;
}

static int repeat_modifier(const scrub_line *l)
{
    return line_has_mod(l, "76") || line_has_mod(l, "77") || line_has_mod(l, "91");
}

static void within(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    for (uint32_t j = 1; j < sc->n; j++) {
        const scrub_line *b = &sc->lines[j];
        if (!b->l->code[0] || b->from == RCM_DATE_NONE || repeat_modifier(b))
            continue;
        for (uint32_t i = 0; i < j; i++) {
            const scrub_line *a = &sc->lines[i];
            if (a->proc != b->proc || !same_service(a, b))
                continue;
            rcm_finding *f = scrub_emit(s, sc, R_DUP_001, out);
            finding_line(f, a->pos);
            finding_line(f, b->pos);
            finding_code(f, b->l->code);
            char day[11];
            finding_msg(f, "line %u repeats line %u: %s on %s with the same modifiers, units and charge",
                        (unsigned)b->pos, (unsigned)a->pos, b->l->code, scrub_datestr(day, b->from));
            finding_hint(f, "remove the repeated line, or add 76/77 (repeat procedure) or 91 (repeat test) if the "
                            "service was truly performed again");
            break;  /* one finding per repeated line */
        }
    }
}

/* Lines looked up in the history at once (their probes overlap): more than most claims have. */
#define HISTORY_STEP 16

static void history(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    const char *found[HISTORY_STEP];
    for (uint32_t i = 0; i < sc->n; i++) {
        if (i % HISTORY_STEP == 0)
            scrub_history_find_lines(s->cfg.history, sc, i,
                                     sc->n - i < HISTORY_STEP ? sc->n - i : HISTORY_STEP, found);
        const scrub_line *l = &sc->lines[i];
        const char *earlier = found[i % HISTORY_STEP];
        if (!earlier)
            continue;
        int same_claim = strcmp(earlier, c->id) == 0;
        if (same_claim && c->freq && c->freq != '1')
            continue;
        /* A replacement or void repeats the lines of the claim it names in REF*F8, whatever id the
           practice gave it; the history does not keep payer claim numbers to match F8 against. */
        if (!same_claim && (c->freq == '7' || c->freq == '8') && c->original_ref[0])
            continue;
        rcm_finding *f = scrub_emit(s, sc, R_DUP_002, out);
        finding_line(f, l->pos);
        finding_code(f, l->l->code);
        char day[11];
        if (same_claim)
            finding_msg(f, "line %u (%s on %s) was already billed on claim '%s': the claim is being sent again as new",
                        (unsigned)l->pos, l->l->code, scrub_datestr(day, l->from), earlier);
        else
            finding_msg(f, "line %u (%s on %s) was already billed on claim '%s'", (unsigned)l->pos, l->l->code,
                        scrub_datestr(day, l->from), earlier);
        finding_hint(f, same_claim ? "to change a claim the payer has, send a replacement (frequency 7 with REF*F8); "
                                     "otherwise follow up on the first submission"
                                   : "check the earlier claim's status before sending: the payer denies duplicates "
                                     "(CARC 18)");
        finding_source(f, "claim_history", "", "", 0);
        finding_field(f, "earlier_claim", "%s", earlier);
    }
}

int family_dup(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    within(s, sc, out);
    if (s->cfg.history)
        history(s, sc, out);
    return out->failed ? RCM_ENOMEM : 0;
}
