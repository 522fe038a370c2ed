/*
 * MOD family: modifiers on their own and with their line (DOMAIN.md 2.3).
 *
 *   MOD-001  a modifier no loaded HCPCS/CPT modifier list knows on the date
 *   MOD-002  LT and RT on one line (both sides: 50, or two lines)
 *   MOD-003  50 with LT or RT on one line
 *   MOD-004  26 with TC on one line (the two components are the global service)
 *   MOD-005  25 on a code that is not an E/M service (99202-99499)
 *   MOD-006  25 on an E/M with no other, non-E/M procedure the same day
 *   MOD-007  59 with XE, XS, XP or XU on one line (the X modifier replaces 59)
 *   MOD-008  the same modifier twice on a line
 *   MOD-009  26 or TC on a code whose fee schedule PC/TC indicator is 0
 *
 * MOD-001 and MOD-009 need the code sets (cfg.codes) and say nothing when no
 * table covers the date. Each rule fires at most once per line.
 */
#include "lines.h"

#define K(a, b) ((uint16_t)((unsigned char)(a) << 8 | (unsigned char)(b)))

enum {
    M_LT = K('L', 'T'), M_RT = K('R', 'T'), M_50 = K('5', '0'), M_26 = K('2', '6'), M_TC = K('T', 'C'),
    M_25 = K('2', '5'), M_59 = K('5', '9'), M_XE = K('X', 'E'), M_XS = K('X', 'S'), M_XP = K('X', 'P'),
    M_XU = K('X', 'U')
};

/* The line's code for messages: the packed code unpacked, else as billed. */
static const char *line_code(char out[16], const scrub_line *l)
{
    if (l->proc != SCRUB_NO_PROC)
        rcm_proc_unpack(out, l->proc);
    else
        cstr_copy(out, 16, l->l->code);
    return out;
}

static rcm_finding *emit(const rcm_scrub *s, const scrub_claim *sc, int rule, const scrub_line *l, const char *code,
                         const char *m1, const char *m2, rcm_findings *out)
{
    rcm_finding *f = scrub_emit(s, sc, rule, out);
    finding_line(f, l->pos);
    finding_code(f, code);
    finding_code(f, m1);
    finding_code(f, m2);
    return f;
}

static void unknown_mods(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, rcm_findings *out)
{
    const rcm_claim_line *cl = l->l;
    char code[16], day[11];
    for (uint32_t m = 0; m < RCM_CLAIM_MAX_MODS; m++) {
        const char *mod = cl->mods[m];
        if (!mod[0])
            continue;
        int again = 0;      /* a repeated modifier is reported once (and by MOD-008) */
        for (uint32_t k = 0; k < m; k++)
            again |= strcmp(cl->mods[k], mod) == 0;
        if (again)
            continue;
        rcm_code_fact fact;
        if (rcm_codeset_find(s->cfg.codes, RCM_SET_HCPCS_MOD, rcm_str_c(mod), l->from, &fact) != 0)
            continue;
        rcm_finding *f = emit(s, sc, R_MOD_001, l, line_code(code, l), mod, NULL, out);
        finding_msg(f, "modifier %s on line %u (%s) is not a HCPCS or CPT modifier on %s", mod, (unsigned)l->pos, code,
                    scrub_datestr(day, l->from));
        finding_hint(f, "correct the modifier (a typing error?) or remove it");
        finding_source(f, "hcpcs_mod", fact.version, fact.source, 0);
        finding_field(f, "modifier", "%s", mod);
    }
}

/* PC/TC indicator 0: the professional/technical split does not apply. */
static void split_not_allowed(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, rcm_findings *out)
{
    if (l->proc == SCRUB_NO_PROC || (!line_has_key(l, M_26) && !line_has_key(l, M_TC)))
        return;
    char code[16];
    rcm_code_fact fact;
    line_code(code, l);
    if (rcm_codeset_find(s->cfg.codes, RCM_SET_PFS, rcm_str_c(code), l->from, &fact) != 1 || fact.pctc != '0')
        return;
    const char *m = line_has_key(l, M_26) ? "26" : "TC";
    rcm_finding *f = emit(s, sc, R_MOD_009, l, code, m, NULL, out);
    finding_msg(f, "%s on line %u: %s has PC/TC indicator 0, so it has no professional and technical components",
                m, (unsigned)l->pos, code);
    finding_hint(f, "remove %s: %s is billed whole", m, code);
    finding_source(f, "pfs", fact.version, fact.source, 0);
    finding_field(f, "code", "%s", code);
    finding_field(f, "pctc", "%c", fact.pctc);
}

/* 1 when another billed line of l's date of service is not an E/M service. */
static int procedure_same_day(const scrub_claim *sc, const scrub_line *l)
{
    for (uint32_t j = 0; j < sc->n; j++) {
        const scrub_line *o = &sc->lines[j];
        if (o != l && line_billed(o) && !o->is_em && o->from == l->from)
            return 1;
    }
    return 0;
}

static void check_line(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, rcm_findings *out)
{
    char code[16], day[11];
    rcm_finding *f;
    line_code(code, l);
    int lt = line_has_key(l, M_LT), rt = line_has_key(l, M_RT);
    if (lt && rt) {
        f = emit(s, sc, R_MOD_002, l, code, "LT", "RT", out);
        finding_msg(f, "line %u (%s) carries both LT and RT", (unsigned)l->pos, code);
        finding_hint(f, "for both sides report 50 on one line, or one line with LT and one with RT, as the payer "
                     "requires");
    }
    if (line_has_key(l, M_50) && (lt || rt)) {
        f = emit(s, sc, R_MOD_003, l, code, "50", lt ? "LT" : "RT", out);
        finding_msg(f, "line %u (%s) carries 50 (bilateral) with %s", (unsigned)l->pos, code, lt ? "LT" : "RT");
        finding_hint(f, "50 already says both sides: remove %s, or remove 50 if only one side was treated",
                     lt && rt ? "LT and RT" : lt ? "LT" : "RT");
    }
    if (line_has_key(l, M_26) && line_has_key(l, M_TC)) {
        f = emit(s, sc, R_MOD_004, l, code, "26", "TC", out);
        finding_msg(f, "line %u (%s) carries both 26 (professional component) and TC (technical component)",
                    (unsigned)l->pos, code);
        finding_hint(f, "bill the global service without 26 and TC when both components were provided; otherwise "
                     "keep the one that was");
    }
    if (line_has_key(l, M_25) && l->l->code[0]) {
        if (!l->is_em) {
            f = emit(s, sc, R_MOD_005, l, code, "25", NULL, out);
            finding_msg(f, "25 on line %u: %s is not an E/M service (25 marks a separately identifiable E/M)",
                        (unsigned)l->pos, code);
            finding_hint(f, "remove 25; if an NCCI edit pairs %s with another procedure, 59 or XE/XS/XP/XU may apply",
                         code);
        } else if (!procedure_same_day(sc, l)) {
            f = emit(s, sc, R_MOD_006, l, code, "25", NULL, out);
            finding_msg(f, "25 on the E/M %s (line %u) but no other procedure is billed on %s", code,
                        (unsigned)l->pos, scrub_datestr(day, l->from));
            finding_hint(f, "remove 25 unless a procedure that day is billed on another claim");
        }
    }
    if (line_has_key(l, M_59)) {
        static const char *const xs[] = { "XE", "XS", "XP", "XU" };
        static const uint16_t xk[] = { M_XE, M_XS, M_XP, M_XU };
        for (size_t i = 0; i < ARRAY_SIZE(xk); i++)
            if (line_has_key(l, xk[i])) {
                f = emit(s, sc, R_MOD_007, l, code, "59", xs[i], out);
                finding_msg(f, "line %u (%s) carries 59 with %s", (unsigned)l->pos, code, xs[i]);
                finding_hint(f, "keep the more specific %s and remove 59", xs[i]);
                break;
            }
    }
    for (uint32_t i = 0; i < l->nmods; i++) {
        uint32_t j = i + 1;
        while (j < l->nmods && l->mods[j] != l->mods[i])
            j++;
        if (j < l->nmods) {
            char m[3] = { (char)(l->mods[i] >> 8), (char)(l->mods[i] & 0xFF), 0 };
            f = emit(s, sc, R_MOD_008, l, code, m, NULL, out);
            finding_msg(f, "modifier %s twice on line %u (%s)", m, (unsigned)l->pos, code);
            finding_hint(f, "remove the repeated %s", m);
            break;
        }
    }
}

int family_mod(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        if (!l->nmods)
            continue;
        if (s->cfg.codes)
            unknown_mods(s, sc, l, out);
        check_line(s, sc, l, out);
        if (s->cfg.codes)
            split_not_allowed(s, sc, l, out);
    }
    return out->failed ? RCM_ENOMEM : 0;
}
