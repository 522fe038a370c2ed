/*
 * AOC family: add-on codes (DOMAIN.md 3.3, docs/edits.md).
 *
 * An add-on code is paid only with a primary procedure by the same
 * practitioner, for the same patient, on the same date of service. For each
 * line whose code is an add-on code on its date, rcm_aoc_check is given the
 * codes of the other lines of that date and performing provider:
 *
 *   RCM_AOC_MISSING     a type 1 edit and none of its listed primaries: AOC-001
 *   RCM_AOC_CONTRACTOR  type 2 (no list) or type 3 without a listed primary:
 *                       the contractor decides, AOC-002
 *
 * Lines with no procedure code, no units or no date are neither judged nor
 * counted as primaries. The other lines' codes go to rcm_aoc_check in chunks
 * of a fixed stack array, so a claim of any size allocates nothing.
 */
#include "lines.h"

#define AOC_CODES 64        /* codes per rcm_aoc_check call */
#define AOC_SHOW 6          /* primaries named in a finding */

/*
 * Checks the add-on code of line i against the codes of the other lines of its
 * group. Returns RCM_AOC_* with *row the row behind it and *others the number
 * of other lines in the group.
 */
static int check_line(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, rcm_aoc_row *row, uint32_t *others)
{
    const scrub_line *l = &sc->lines[i];
    rcm_proc codes[AOC_CODES];
    size_t n = 0;
    int rc = RCM_AOC_NOT_ADDON;
    *others = 0;
    for (uint32_t j = 0; j < sc->n; j++) {
        const scrub_line *o = &sc->lines[j];
        if (j == i || !line_billed(o) || !line_same_encounter(l, o))
            continue;
        ++*others;
        codes[n++] = o->proc;
        if (n == AOC_CODES) {
            if ((rc = rcm_aoc_check(s->cfg.edits, l->proc, codes, n, l->from, row)) == RCM_AOC_PRIMARY)
                return rc;
            n = 0;
        }
    }
    if (n || rc == RCM_AOC_NOT_ADDON)
        rc = rcm_aoc_check(s->cfg.edits, l->proc, codes, n, l->from, row);
    return rc;
}

static void report(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, int rc, const rcm_aoc_row *row,
                   uint32_t others, rcm_findings *out)
{
    rcm_finding *f = scrub_emit(s, sc, rc == RCM_AOC_MISSING ? R_AOC_001 : R_AOC_002, out);
    if (!f)
        return;
    char code[6], day[11], eff[11], list[48];
    rcm_proc_unpack(code, l->proc);
    scrub_datestr(day, l->from);
    /* the listed primaries in force on the date, a few of them */
    rcm_aoc_row p[AOC_SHOW];
    size_t np = rcm_aoc_primaries(s->cfg.edits, l->proc, l->from, p, AOC_SHOW);
    size_t w = 0, listed = 0;
    list[0] = 0;
    for (size_t k = 0; k < np && k < AOC_SHOW; k++) {
        if (!p[k].primary)
            continue;
        char pc[6];
        rcm_proc_unpack(pc, p[k].primary);
        w += (size_t)snprintf(list + w, sizeof(list) - w, "%s%s", listed ? ", " : "", pc);
        listed++;
    }
    if (np > AOC_SHOW && w + 5 < sizeof(list))
        snprintf(list + w, sizeof(list) - w, ", ...");
    finding_line(f, l->pos);
    finding_code(f, code);
    const char *alone = others ? "" : " (no other procedure that day)";
    if (rc == RCM_AOC_MISSING) {
        finding_msg(f, "add-on code %s (line %u) is billed on %s without one of its primary codes%s: it will be "
                    "denied", code, (unsigned)l->pos, day, alone);
        finding_hint(f, "bill %s with its primary procedure (%s) by the same provider on the same day, or remove it",
                     code, list);
    } else if (listed) {
        finding_msg(f, "add-on code %s (line %u) is billed on %s without a listed primary code%s: the contractor "
                    "decides whether another primary qualifies (AOC type %d)", code, (unsigned)l->pos, day, alone,
                    row->type);
        finding_hint(f, "check that the contractor accepts the primary procedure billed with %s (listed: %s)", code,
                     list);
    } else {
        finding_msg(f, "add-on code %s (line %u) on %s has no primary list%s: the contractor decides which primary "
                    "procedures qualify (AOC type %d)", code, (unsigned)l->pos, day, alone, row->type);
        finding_hint(f, "check the contractor's list of primary procedures for %s", code);
    }
    finding_source(f, "ncci_aoc", row->version, row->source, row->line);
    finding_field(f, "addon", "%s", code);
    finding_field(f, "primary", "%s", list);
    finding_field(f, "type", "%d", row->type);
    finding_field(f, "effective", "%s", scrub_datestr(eff, row->eff));
}

int family_aoc(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (!s->cfg.edits)
        return 0;
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        /* one probe tells an add-on code; only those gather the other codes */
        if (!line_billed(l) || rcm_aoc_primaries(s->cfg.edits, l->proc, l->from, NULL, 0) == 0)
            continue;
        rcm_aoc_row row;
        uint32_t others;
        int rc = check_line(s, sc, i, &row, &others);
        if (rc == RCM_AOC_MISSING || rc == RCM_AOC_CONTRACTOR)
            report(s, sc, l, rc, &row, others, out);
    }
    return out->failed ? RCM_ENOMEM : 0;
}
