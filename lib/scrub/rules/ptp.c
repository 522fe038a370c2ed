/*
 * PTP family: NCCI procedure-to-procedure edits (DOMAIN.md 3.1, docs/edits.md).
 *
 * Lines billed for the same patient (one claim), the same date of service and
 * the same performing provider are paired: every ordered pair of lines with
 * different codes (a, b) asks whether (a column 1, b column 2) is an edit in
 * force on that date in the claim's table (practitioner for an 837P, outpatient
 * hospital for an 837I). The pairs are looked up in batches of one date
 * (rcm_ptp_find_n overlaps their memory accesses); nothing is formatted unless
 * an edit is found, and nothing is allocated.
 *
 *   indicator 0  PTP-001: never bypassed, whatever the modifiers
 *   indicator 1  bypassed (PTP-004, info) when the column 2 line carries an
 *                NCCI-associated modifier; an anatomic one counts only when the
 *                column 1 line does not carry the same (LT on both lines is the
 *                same site). Otherwise PTP-003 when the column 1 line carries
 *                one the column 2 line does not, else PTP-002.
 *
 * Lines with no procedure code, no units or no date of service are left out
 * (the SYN family reports those). A line's date of service is its first day.
 * Findings come in the order of the lines' positions: by the lower position
 * of the pair, then the higher; when both orders of a pair are edits, the one
 * with the lower line as column 1 first.
 */
#include "lines.h"

/* Pairs per rcm_ptp_find_n call: a claim's pairs of one date go in chunks of this many. */
#define PTP_BATCH 64

typedef struct ptp_batch {
    rcm_ptp_query q[PTP_BATCH];
    uint32_t col1[PTP_BATCH], col2[PTP_BATCH];  /* indexes into sc->lines */
    int found[PTP_BATCH];
    rcm_ptp_row row[PTP_BATCH];
    size_t n;
    rcm_date dos;
} ptp_batch;

/* A modifier key back to its two characters. */
static void mod_str(char out[3], uint16_t k)
{
    out[0] = (char)(k >> 8);
    out[1] = (char)(k & 0xFF);
    out[2] = 0;
}

/* Anatomic NCCI-associated modifiers: E1-E4, FA, F1-F9, TA, T1-T9, LT, RT, LC, LD, RC, LM, RI. */
static int is_anatomic(uint16_t k)
{
    char a = (char)(k >> 8), b = (char)(k & 0xFF);
    switch (a) {
    case 'E': return b >= '1' && b <= '4';
    case 'F':
    case 'T': return b == 'A' || (b >= '1' && b <= '9');
    case 'L': return b == 'T' || b == 'C' || b == 'D' || b == 'M';
    case 'R': return b == 'T' || b == 'C' || b == 'I';
    default: return 0;
    }
}

static int is_bypass(const rcm_scrub *s, uint16_t k)
{
    char m[3];
    mod_str(m, k);
    return scrub_is_bypass(s, m);
}

/*
 * The modifier of line on that bypasses the edit against line other: an
 * NCCI-associated modifier, anatomic ones only when other does not carry the
 * same. 0 when none.
 */
static uint16_t bypass_on(const rcm_scrub *s, const scrub_line *on, const scrub_line *other)
{
    for (uint32_t i = 0; i < on->nmods; i++) {
        uint16_t k = on->mods[i];
        if (is_bypass(s, k) && !(is_anatomic(k) && line_has_key(other, k)))
            return k;
    }
    return 0;
}

/* Any NCCI-associated modifier on line l (for saying that an indicator 0 edit ignores it). */
static uint16_t any_bypass(const rcm_scrub *s, const scrub_line *l)
{
    for (uint32_t i = 0; i < l->nmods; i++)
        if (is_bypass(s, l->mods[i]))
            return l->mods[i];
    return 0;
}

static void add_source(rcm_finding *f, const scrub_claim *sc, const rcm_ptp_row *r, const char *c1, const char *c2)
{
    if (!f)
        return;
    char eff[11], del[11];
    finding_source(f, sc->table == RCM_NCCI_HOSPITAL ? "ncci_ptp hospital" : "ncci_ptp practitioner", r->version,
                   r->source, r->line);
    finding_field(f, "column1", "%s", c1);
    finding_field(f, "column2", "%s", c2);
    finding_field(f, "modifier_indicator", "%d", r->modifier);
    finding_field(f, "effective", "%s", scrub_datestr(eff, r->eff));
    finding_field(f, "deleted", "%s", scrub_datestr(del, r->del));
    finding_field(f, "pre1996", "%d", r->pre1996 ? 1 : 0);
}

/* Reports the edit r between line a (column 1) and line b (column 2). */
static void report(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *a, const scrub_line *b,
                   const rcm_ptp_row *r, rcm_findings *out)
{
    char c1[6], c2[6], day[11], m[3];
    int rule;
    uint16_t mod = 0;
    uint32_t modline = 0;
    if (r->modifier == 0) {
        rule = R_PTP_001;
        if ((mod = any_bypass(s, b)) != 0)
            modline = b->pos;
        else if ((mod = any_bypass(s, a)) != 0)
            modline = a->pos;
    } else if ((mod = bypass_on(s, b, a)) != 0) {
        rule = R_PTP_004;
        modline = b->pos;
    } else if ((mod = bypass_on(s, a, b)) != 0) {
        rule = R_PTP_003;
        modline = a->pos;
    } else {
        rule = R_PTP_002;
    }
    rcm_finding *f = scrub_emit(s, sc, rule, out);
    if (!f)
        return;
    rcm_proc_unpack(c1, a->proc);
    rcm_proc_unpack(c2, b->proc);
    mod_str(m, mod);
    scrub_datestr(day, b->from);
    finding_line(f, a->pos < b->pos ? a->pos : b->pos);
    finding_line(f, a->pos < b->pos ? b->pos : a->pos);
    finding_code(f, c2);
    finding_code(f, c1);
    if (mod)
        finding_code(f, m);
    /* both messages start alike: "29880 (line 2) is a column 2 code of 29881 (line 1) on 2025-11-03: " */
#define PAIR "%s (line %u) is a column 2 code of %s (line %u) on %s: "
#define PAIR_ARGS c2, (unsigned)b->pos, c1, (unsigned)a->pos, day
    switch (rule) {
    case R_PTP_001:
        if (mod)
            finding_msg(f, PAIR "it is bundled and will be denied; modifier %s on line %u does not bypass this "
                        "edit (modifier indicator 0)", PAIR_ARGS, m, (unsigned)modline);
        else
            finding_msg(f, PAIR "it is bundled and will be denied; no modifier bypasses this edit (modifier "
                        "indicator 0)", PAIR_ARGS);
        finding_hint(f, "remove %s (column 2): CMS does not pay it with %s on the same day by the same provider, "
                     "with any modifier", c2, c1);
        break;
    case R_PTP_002:
        finding_msg(f, PAIR "it is bundled and will be denied", PAIR_ARGS);
        finding_hint(f, "append 59 or a more specific XE/XS/XP/XU to %s (column 2) if the services were distinct; "
                     "otherwise remove it", c2);
        break;
    case R_PTP_003:
        finding_msg(f, PAIR "the NCCI-associated modifier %s is on the column 1 line, so %s will still be denied",
                    PAIR_ARGS, m, c2);
        if (is_anatomic(mod))
            finding_hint(f, "if %s was performed on another site, report that site's modifier on it (line %u); "
                         "otherwise remove it", c2, (unsigned)b->pos);
        else
            finding_hint(f, "move %s to %s (column 2, line %u) if the services were distinct; otherwise remove %s",
                         m, c2, (unsigned)b->pos, c2);
        break;
    default:
        finding_msg(f, PAIR "the edit is bypassed by modifier %s on line %u", PAIR_ARGS, m, (unsigned)modline);
        finding_hint(f, "keep documentation that %s was distinct from %s (%s): the payer may ask for it", c2, c1,
                     m);
        break;
    }
#undef PAIR
#undef PAIR_ARGS
    add_source(f, sc, r, c1, c2);
}

static void flush(const rcm_scrub *s, const scrub_claim *sc, ptp_batch *bt, rcm_findings *out)
{
    if (!bt->n)
        return;
    size_t hits = rcm_ptp_find_n(s->cfg.edits, bt->q, bt->n, bt->dos, sc->table, bt->found, bt->row);
    for (size_t i = 0; hits && i < bt->n; i++)
        if (bt->found[i]) {
            report(s, sc, &sc->lines[bt->col1[i]], &sc->lines[bt->col2[i]], &bt->row[i], out);
            hits--;
        }
    bt->n = 0;
}

static void add_pair(const rcm_scrub *s, const scrub_claim *sc, ptp_batch *bt, uint32_t a, uint32_t b,
                     rcm_findings *out)
{
    rcm_date dos = sc->lines[a].from;
    if (bt->n == PTP_BATCH || (bt->n && bt->dos != dos))
        flush(s, sc, bt, out);
    bt->dos = dos;
    bt->q[bt->n].col1 = sc->lines[a].proc;
    bt->q[bt->n].col2 = sc->lines[b].proc;
    bt->col1[bt->n] = a;
    bt->col2[bt->n] = b;
    bt->n++;
}

int family_ptp(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (!s->cfg.edits || sc->n < 2)
        return 0;
    ptp_batch bt;
    bt.n = 0;
    bt.dos = RCM_DATE_NONE;
    for (uint32_t i = 0; i + 1 < sc->n; i++) {
        const scrub_line *a = &sc->lines[i];
        if (!line_billed(a))
            continue;
        for (uint32_t j = i + 1; j < sc->n; j++) {
            const scrub_line *b = &sc->lines[j];
            /* the same code twice is a duplicate or MUE matter, not PTP */
            if (b->proc == a->proc || !line_billed(b) || !line_same_encounter(a, b))
                continue;
            add_pair(s, sc, &bt, i, j, out);
            add_pair(s, sc, &bt, j, i, out);
        }
    }
    flush(s, sc, &bt, out);
    return out->failed ? RCM_ENOMEM : 0;
}
