/*
 * MUE family: medically unlikely edits (DOMAIN.md 3.2, docs/edits.md).
 *
 * Each line's code is looked up in the claim's MUE table (practitioner for an
 * 837P, outpatient hospital for an 837I) in the version in force on the line's
 * date of service. The MUE adjudication indicator says what is compared:
 *
 *   MAI 1     the line's units (MUE-001): each line on its own, so units beyond
 *             the MUE may go on further lines with 76/77/91 or anatomic modifiers
 *   MAI 2, 3  the units of the code summed over the lines of the same date of
 *             service and performing provider (MUE-002 policy, MUE-003 clinical),
 *             one finding per code and date naming all its lines
 *
 * Units are thousandths and the MUE is whole units: compared exactly, so a
 * line exactly at the MUE passes. A line over the MUE is denied whole, not cut
 * down to it. Lines with no procedure code, no units or no date are left out.
 */
#include "lines.h"

/* Same code, date of service and performing provider: the lines an MAI 2 or 3 MUE sums. */
static int same_unit(const scrub_line *a, const scrub_line *b)
{
    return a->proc == b->proc && line_same_encounter(a, b);
}

/* Units in thousandths as a person writes them: "3", "2.5", "0.125". */
static const char *units_str(char out[32], int64_t milli)
{
    int64_t whole = milli / 1000, frac = milli % 1000;
    if (frac == 0) {
        snprintf(out, 32, "%lld", (long long)whole);
        return out;
    }
    char f[4];
    snprintf(f, sizeof(f), "%03lld", (long long)(frac < 0 ? -frac : frac));
    int n = 3;
    while (n > 1 && f[n - 1] == '0')
        n--;
    snprintf(out, 32, "%lld.%.*s", (long long)whole, n, f);
    return out;
}

static void add_source(rcm_finding *f, const scrub_claim *sc, const rcm_mue_row *m, const char *code)
{
    if (!f)
        return;
    finding_source(f, sc->table == RCM_NCCI_HOSPITAL ? "mue hospital" : "mue practitioner", m->version, m->source,
                   m->line);
    finding_field(f, "code", "%s", code);
    finding_field(f, "value", "%ld", m->value);
    finding_field(f, "mai", "%d", m->mai);
}

static void report_line(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const rcm_mue_row *m,
                        rcm_findings *out)
{
    rcm_finding *f = scrub_emit(s, sc, R_MUE_001, out);
    if (!f)
        return;
    char code[6], day[11], u[32];
    rcm_proc_unpack(code, l->proc);
    finding_line(f, l->pos);
    finding_code(f, code);
    finding_msg(f, "%s (line %u): %s units on %s exceed the MUE of %ld per line (MAI 1); the whole line will be "
                "denied", code, (unsigned)l->pos, units_str(u, l->l->units_milli), scrub_datestr(day, l->from),
                m->value);
    finding_hint(f, "if more units were truly provided, report them on separate lines with 76/77/91 or anatomic "
                 "modifiers; a line over the MUE is denied whole");
    add_source(f, sc, m, code);
}

/*
 * The lines of the same code, date and provider as sc->lines[first] (the
 * first of them), summed: reported once when the sum is over the MUE.
 */
static void report_day(const rcm_scrub *s, const scrub_claim *sc, uint32_t first, const rcm_mue_row *m,
                       rcm_findings *out)
{
    const scrub_line *l = &sc->lines[first];
    int64_t sum = 0;
    uint32_t nlines = 0;
    for (uint32_t j = first; j < sc->n; j++)
        if (line_billed(&sc->lines[j]) && same_unit(l, &sc->lines[j])) {
            sum += sc->lines[j].l->units_milli;
            nlines++;
        }
    if (sum <= (int64_t)m->value * 1000)
        return;
    rcm_finding *f = scrub_emit(s, sc, m->mai == 2 ? R_MUE_002 : R_MUE_003, out);
    if (!f)
        return;
    char code[6], day[11], u[32], where[64];
    rcm_proc_unpack(code, l->proc);
    size_t w = 0;
    int more = 0;
    where[0] = 0;
    for (uint32_t j = first; j < sc->n; j++)
        if (line_billed(&sc->lines[j]) && same_unit(l, &sc->lines[j])) {
            finding_line(f, sc->lines[j].pos);
            if (w + 16 < sizeof(where))
                w += (size_t)snprintf(where + w, sizeof(where) - w, "%s%u", w ? ", " : "",
                                      (unsigned)sc->lines[j].pos);
            else if (!more) {
                snprintf(where + w, sizeof(where) - w, ", ...");
                more = 1;
            }
        }
    finding_code(f, code);
    finding_msg(f, "%s: %s units on %s (line%s %s) exceed the MUE of %ld per date of service (MAI %d, %s)", code,
                units_str(u, sum), scrub_datestr(day, l->from), nlines > 1 ? "s" : "", where, m->value, m->mai,
                m->mai == 2 ? "policy: absolute" : "clinical");
    if (m->mai == 2)
        finding_hint(f, "report at most %ld units of %s for the day: more are impossible under the policy (MAI 2); "
                     "check the units for a typing error", m->value, code);
    else
        finding_hint(f, "report at most %ld units of %s for the day; if more were medically necessary, keep the "
                     "documentation: the contractor may pay the excess on appeal (MAI 3)", m->value, code);
    add_source(f, sc, m, code);
}

/* 1 when an earlier line has the same code, date and provider (its group is already judged). */
static int seen_before(const scrub_claim *sc, uint32_t i)
{
    for (uint32_t j = 0; j < i; j++)
        if (line_billed(&sc->lines[j]) && same_unit(&sc->lines[i], &sc->lines[j]))
            return 1;
    return 0;
}

/* Lines whose MUE lookups are kept for the later lines of the same code and date (the lookup is a cache miss). */
#define MUE_MEMO 16

int family_mue(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (!s->cfg.edits)
        return 0;
    rcm_mue_row memo[MUE_MEMO];
    int memo_found[MUE_MEMO];
    /* every line's slot first, so the lookups' cache misses overlap */
    for (uint32_t i = 0; i < sc->n; i++)
        if (line_billed(&sc->lines[i]))
            rcm_mue_prefetch(s->cfg.edits, sc->lines[i].proc, sc->lines[i].from, sc->table);
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        if (!line_billed(l))
            continue;
        rcm_mue_row m;
        int found = -1;
        for (uint32_t j = 0; j < i && j < MUE_MEMO; j++) {
            const scrub_line *e = &sc->lines[j];
            if (e->proc == l->proc && e->from == l->from && line_billed(e)) {
                found = memo_found[j];
                if (found)
                    m = memo[j];
                break;
            }
        }
        if (found < 0)
            found = rcm_mue_find(s->cfg.edits, l->proc, l->from, sc->table, &m);
        if (i < MUE_MEMO) {
            memo_found[i] = found;
            if (found)
                memo[i] = m;
        }
        if (!found)
            continue;
        if (m.mai == 1) {
            if (l->l->units_milli > (int64_t)m.value * 1000)
                report_line(s, sc, l, &m, out);
        } else if (!seen_before(sc, i)) {
            report_day(s, sc, i, &m, out);
        }
    }
    return out->failed ? RCM_ENOMEM : 0;
}
