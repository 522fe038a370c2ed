/*
 * PX family: the lines' procedure codes against the code sets (DOMAIN.md 2.2)
 * and, on Medicare claims, the fee schedule's status (DOMAIN.md 7).
 *
 *   PX-001  malformed: neither CPT-shaped (5 digits, 4 digits + F/T/U) nor
 *           HCPCS Level II (a letter A-V + 4 digits)
 *   PX-002  a HCPCS Level II code not in the HCPCS load in force
 *   PX-003  a CPT-shaped code not in the CPT load in force (the practice's
 *           licensed file, when one covers the date)
 *   PX-004  no CPT load covers the date and the code is not in the fee
 *           schedule release in force either (warning: the fee schedule does
 *           not list every CPT code; PLA codes, priced on the lab fee
 *           schedule, are left unverified instead)
 *   PX-005  Medicare claims: fee schedule status I (or G): not valid for
 *           Medicare, another code is billed
 *   PX-006  Medicare claims: status N (not covered), B (bundled) or X
 *           (statutory exclusion). Status X is left out for codes Medicare
 *           pays on another fee schedule: clinical laboratory (80047-89398,
 *           PLA codes), vaccines and immune globulins (90281-90759),
 *           venipuncture (36415) and HCPCS Level II codes (DMEPOS, drugs,
 *           ambulance)
 *   PX-007  codes no table could verify on their date (info, once a claim)
 *
 * Only lines whose code is a CPT/HCPCS code (qualifier HC, or none) are
 * judged; 837I lines without a procedure code (revenue code only) are
 * skipped, and 837P lines without one are SYN-023's. A line is judged on its
 * first date of service; without one, only its format is.
 */
#include "rcm/refdata.h"
#include "../scrub_internal.h"

static void fee_source(rcm_finding *f, const rcm_code_fact *k, const char *code)
{
    finding_source(f, "pfs_rvu", k->version, k->source, 0);
    finding_field(f, "code", "%s", code);
    finding_field(f, "status", "%c", k->status ? k->status : '-');
}

static rcm_finding *emit(const rcm_scrub *s, const scrub_claim *sc, int rule, const scrub_line *l, const char *code,
                         rcm_findings *out)
{
    rcm_finding *f = scrub_emit(s, sc, rule, out);
    finding_line(f, l->pos);
    finding_code(f, code);
    return f;
}

/* Codes Medicare pays outside the physician fee schedule: status X is expected there. */
static int paid_elsewhere(const char *code)
{
    if (code[0] < '0' || code[0] > '9')
        return 1; /* HCPCS Level II */
    if (code[4] == 'U')
        return 1; /* PLA */
    if (code[4] < '0' || code[4] > '9')
        return 0;
    long v = strtol(code, NULL, 10);
    return (v >= 80047 && v <= 89398) || (v >= 90281 && v <= 90759) || v == 36415;
}

static void medicare_status(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const char *code,
                            const rcm_code_fact *k, rcm_findings *out)
{
    char st = k->status;
    rcm_finding *f;
    if (st == 'I' || st == 'G') {
        f = emit(s, sc, R_PX_005, l, code, out);
        finding_msg(f, "line %u: Medicare does not accept %s (fee schedule %s status %c: %s)", (unsigned)l->pos, code,
                    k->version, st, rcm_pfs_status_text(st));
        finding_hint(f, "bill the code Medicare uses for this service instead (often a HCPCS G code)");
        fee_source(f, k, code);
    } else if (st == 'N' || st == 'B' || (st == 'X' && !paid_elsewhere(code))) {
        f = emit(s, sc, R_PX_006, l, code, out);
        finding_msg(f, "line %u: %s has fee schedule %s status %c: %s", (unsigned)l->pos, code, k->version, st,
                    rcm_pfs_status_text(st));
        if (st == 'B')
            finding_hint(f, "Medicare pays %s as part of the other services: do not bill it on its own line", code);
        else
            finding_hint(f, "Medicare will deny %s: get an ABN signed before the service (modifier GA) or, when it is"
                         " never covered, add GY and bill the patient or another payer", code);
        fee_source(f, k, code);
    }
}

/* Appends code to the PX-007 list (codes separated by ", "). */
static void note_unverified(char *list, size_t listsz, const char *code)
{
    size_t n = strlen(list);
    if (n + strlen(code) + 3 < listsz)
        snprintf(list + n, listsz - n, "%s%s", n ? ", " : "", code);
}

/*
 * Asks for the table slots of every line's lookups before the first one, so
 * their cache misses overlap: HCPCS-shaped codes in HCPCS, the others in CPT
 * and the fee schedule (the fallback, and Medicare's status).
 */
static void prefetch_lines(const rcm_codeset *cs, const scrub_claim *sc)
{
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        const char *code = l->l->code;
        if (!code[0] || l->from == RCM_DATE_NONE)
            continue;
        rcm_str c = rcm_str_c(code);
        if (code[0] >= 'A' && code[0] <= 'Z') {
            rcm_codeset_prefetch(cs, RCM_SET_HCPCS, c, l->from);
            if (sc->medicare)
                rcm_codeset_prefetch(cs, RCM_SET_PFS, c, l->from);
        } else {
            rcm_codeset_prefetch(cs, RCM_SET_CPT, c, l->from);
            rcm_codeset_prefetch(cs, RCM_SET_PFS, c, l->from);
        }
    }
}

int family_px(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_codeset *cs = s->cfg.codes;
    char unverified[160] = "";
    uint32_t unv_lines[RCM_FINDING_LINES], nunv = 0;
    rcm_date unv_dos = RCM_DATE_NONE;
    prefetch_lines(cs, sc);
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        const char *code = l->l->code;
        const char *qual = l->l->qual;
        if (!code[0] || (qual[0] && strcmp(qual, "HC") != 0))
            continue;
        rcm_str cs_code = rcm_str_c(code);
        const char *why_cpt = NULL, *why_hcpcs = NULL;
        int cpt = rcm_code_check_cpt(cs_code, &why_cpt) == 0, hcpcs = rcm_code_check_hcpcs(cs_code, &why_hcpcs) == 0;
        if (!cpt && !hcpcs) {
            rcm_finding *f = emit(s, sc, R_PX_001, l, code, out);
            finding_msg(f, "line %u: '%s' is not a CPT or HCPCS code: %s", (unsigned)l->pos, code,
                        code[0] >= '0' && code[0] <= '9' ? why_cpt : why_hcpcs);
            finding_hint(f, "correct the code: 5 digits (99213), 4 digits and F, T or U (0001F), or a capital"
                         " letter A-V and 4 digits (G0439)");
            continue;
        }
        if (l->from == RCM_DATE_NONE)
            continue;
        char day[11];
        rcm_code_fact k, fee;
        int verified = 1, have_fee = 0;
        if (hcpcs) {
            int v = rcm_codeset_find(cs, RCM_SET_HCPCS, cs_code, l->from, &k);
            if (v < 0) {
                verified = 0;
            } else if (v == 0) {
                rcm_finding *f = emit(s, sc, R_PX_002, l, code, out);
                finding_msg(f, "line %u: %s is not in HCPCS %s, the version in force on %s", (unsigned)l->pos, code,
                            k.version, scrub_datestr(day, l->from));
                finding_hint(f, "check %s in the current HCPCS file (deleted, not yet in force, or mistyped?) and"
                             " correct it", code);
                finding_source(f, "hcpcs", k.version, k.source, 0);
                finding_field(f, "code", "%s", code);
            }
        } else if (rcm_codeset_find(cs, RCM_SET_CPT, cs_code, l->from, &k) >= 0) {
            if (k.valid == 0) {
                rcm_finding *f = emit(s, sc, R_PX_003, l, code, out);
                finding_msg(f, "line %u: %s is not in CPT %s, the version in force on %s", (unsigned)l->pos, code,
                            k.version, scrub_datestr(day, l->from));
                finding_hint(f, "check %s in the CPT code set of %s (deleted, not yet in force, or mistyped?) and"
                             " correct it", code, k.version);
                finding_source(f, "cpt", k.version, k.source, 0);
                finding_field(f, "code", "%s", code);
            }
        } else {
            int v = rcm_codeset_find(cs, RCM_SET_PFS, cs_code, l->from, &fee);
            have_fee = 1;
            if (v < 0 || (v == 0 && code[4] == 'U')) {
                verified = 0;
            } else if (v == 0) {
                rcm_finding *f = emit(s, sc, R_PX_004, l, code, out);
                finding_msg(f, "line %u: %s is not in the fee schedule %s and no CPT table is loaded for %s to"
                            " verify it", (unsigned)l->pos, code, fee.version, scrub_datestr(day, l->from));
                finding_hint(f, "check the code; load the practice's licensed CPT file (rcm refdata import"
                             " cpt_YYYY.csv) so CPT codes are verified");
                fee_source(f, &fee, code);
            }
        }
        if (!verified) {
            note_unverified(unverified, sizeof(unverified), code);
            if (nunv < RCM_FINDING_LINES)
                unv_lines[nunv++] = l->pos;
            if (unv_dos == RCM_DATE_NONE)
                unv_dos = l->from;
        }
        if (!sc->medicare)
            continue;
        if (!have_fee)
            rcm_codeset_find(cs, RCM_SET_PFS, cs_code, l->from, &fee);
        if (fee.valid == 1)
            medicare_status(s, sc, l, code, &fee, out);
    }
    if (unverified[0]) {
        char day[11];
        rcm_finding *f = scrub_emit(s, sc, R_PX_007, out);
        for (uint32_t i = 0; i < nunv; i++)
            finding_line(f, unv_lines[i]);
        for (const char *p = unverified; *p && f && f->ncodes < RCM_FINDING_CODES;) {
            char one[8];
            size_t n = strcspn(p, ",");
            snprintf(one, sizeof(one), "%.*s", (int)(n < 7 ? n : 7), p);
            finding_code(f, one);
            p += n;
            while (*p == ',' || *p == ' ')
                p++;
        }
        finding_msg(f, "no loaded table covers %s for %s: not verified", scrub_datestr(day, unv_dos), unverified);
        finding_hint(f, "import the HCPCS Level II file of that year for HCPCS codes, and the fee schedule (PPRRVU)"
                     " or the practice's licensed CPT file for CPT codes");
    }
    return out->failed ? RCM_ENOMEM : 0;
}
