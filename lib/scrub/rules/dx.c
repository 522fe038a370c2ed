/*
 * DX family: the claim's diagnoses against ICD-10-CM (DOMAIN.md 2.1).
 *
 *   DX-001  not in the ICD-10-CM load in force on the date of service
 *   DX-002  in it, but a header (category): not billable
 *   DX-003  the same diagnosis twice on the claim (reported at the repeat)
 *   DX-004  an external-cause code (V00-Y99) as the principal or first-listed
 *           diagnosis
 *   DX-005  malformed: not ICD-10-CM-shaped, or written with its dot (claims
 *           carry E119, not E11.9); the code is judged on nothing else
 *   DX-006  ICD-9 diagnoses (HI qualifier BK/BF) on a date of service from
 *           2015-10-01; the ICD-10-CM rules then say nothing of the codes
 *   DX-007  no ICD-10-CM load covers the date of service: the codes were not
 *           verified (info, at most once per claim)
 *
 * The date each diagnosis is judged on is dxview.h's (the earliest date of
 * the lines pointing at it, else the claim's first date of service). Without
 * any date, validity is not judged: SYN-011 reports the missing date.
 */
#include <ctype.h>
#include "dxview.h"

/* The first day of ICD-10-CM on claims (dates of service from 1 October 2015). */
#define ICD10_START_Y 2015
#define ICD10_START_M 10

static int icd9_qualifier(const char *q)
{
    return strcmp(q, "BK") == 0 || strcmp(q, "BF") == 0;
}

/* The fiscal year an ICD-10-CM file for d would carry (1 October starts the next one). */
static int fiscal_year(rcm_date d)
{
    int y, m, dd;
    rcm_date_to_ymd(d, &y, &m, &dd);
    return m >= 10 ? y + 1 : y;
}

static void source(rcm_finding *f, const rcm_code_fact *k, const char *disp)
{
    finding_source(f, "icd10cm", k->version, k->source, 0);
    finding_field(f, "code", "%s", disp);
}

/* ---- DX-005 ---- */

/* Why code is malformed, or NULL when it is ICD-10-CM-shaped as claims carry it. */
static const char *malformed(const char *code)
{
    const char *why = NULL;
    for (const char *p = code; *p; p++) {
        if (*p == '.')
            return "claims carry diagnoses without the dot";
        if (islower((unsigned char)*p))
            return "letters must be upper case";
    }
    return rcm_code_check_icd10cm(rcm_str_c(code), &why) < 0 ? why : NULL;
}

static void report_malformed(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, const char *why,
                             rcm_findings *out)
{
    const char *code = sc->c->dx[i];
    rcm_finding *f = scrub_emit(s, sc, R_DX_005, out);
    finding_code(f, code);
    dx_lines(f, sc, i);
    finding_msg(f, "diagnosis %u '%s' is not an ICD-10-CM code: %s", (unsigned)i + 1, code, why);
    if (strchr(code, '.')) {
        char fixed[RCM_CODE_MAX];
        if (rcm_code_icd10cm_normalize(fixed, rcm_str_c(code)) == 0)
            finding_hint(f, "write it without the dot: %s", fixed);
        else
            finding_hint(f, "write the code without the dot: a letter, 2 digits, then up to 4 letters or digits");
    } else {
        finding_hint(f, "correct the code: a letter, a digit, a letter or digit, then up to 4 more (E119, S72001A)");
    }
}

/* ---- DX-001 / DX-002 ---- */

/*
 * The codes one character longer than code in the load (36 probes, on a
 * finding only): the first and last found in display form; 0 when none.
 */
static int children(const rcm_codeset *cs, const char *code, rcm_date dos, char first[RCM_CODE_MAX],
                    char last[RCM_CODE_MAX])
{
    static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    size_t n = strlen(code);
    int found = 0;
    if (n >= 7)
        return 0;
    char probe[8];
    memcpy(probe, code, n);
    probe[n + 1] = '\0';
    for (const char *d = digits; *d; d++) {
        probe[n] = *d;
        rcm_code_fact k;
        if (rcm_codeset_find(cs, RCM_SET_ICD10CM, (rcm_str){ probe, n + 1 }, dos, &k) != 1)
            continue;
        if (!found++)
            rcm_code_icd10cm_display(first, probe);
        rcm_code_icd10cm_display(last, probe);
    }
    return found;
}

/* The longest shorter code (3 characters at least) in the load, in display form; 0 when none. */
static int nearest_parent(const rcm_codeset *cs, const char *code, rcm_date dos, char out[RCM_CODE_MAX],
                          int *billable)
{
    for (size_t n = strlen(code); n-- > 3;) {
        rcm_code_fact k;
        if (rcm_codeset_find(cs, RCM_SET_ICD10CM, (rcm_str){ code, n }, dos, &k) == 1) {
            char p[8];
            memcpy(p, code, n);
            p[n] = '\0';
            rcm_code_icd10cm_display(out, p);
            *billable = k.billable;
            return 1;
        }
    }
    return 0;
}

static void report_invalid(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, rcm_date dos,
                           const rcm_code_fact *k, rcm_findings *out)
{
    const char *code = sc->c->dx[i];
    char disp[RCM_CODE_MAX], day[11], parent[RCM_CODE_MAX];
    dx_display(disp, code);
    rcm_finding *f = scrub_emit(s, sc, R_DX_001, out);
    finding_code(f, code);
    dx_lines(f, sc, i);
    finding_msg(f, "diagnosis %u %s is not in ICD-10-CM %s, the version in force on %s", (unsigned)i + 1, disp,
                k->version, scrub_datestr(day, dos));
    int billable = 0, found = f ? nearest_parent(s->cfg.codes, code, dos, parent, &billable) : 0;
    if (found && billable)
        finding_hint(f, "%s is in ICD-10-CM %s: if it is what the record supports, report it", parent, k->version);
    else if (found)
        finding_hint(f, "%s is a category in ICD-10-CM %s: pick the billable code under it that the record supports",
                     parent, k->version);
    else
        finding_hint(f, "check the code for ICD-10-CM %s (deleted, not yet in force, or mistyped?) and correct it",
                     k->version);
    source(f, k, disp);
}

static void report_header(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, rcm_date dos,
                          const rcm_code_fact *k, rcm_findings *out)
{
    const char *code = sc->c->dx[i];
    char disp[RCM_CODE_MAX], first[RCM_CODE_MAX], last[RCM_CODE_MAX];
    dx_display(disp, code);
    rcm_finding *f = scrub_emit(s, sc, R_DX_002, out);
    finding_code(f, code);
    dx_lines(f, sc, i);
    finding_msg(f, "diagnosis %u %s is a category (header) in ICD-10-CM %s, not a billable code", (unsigned)i + 1,
                disp, k->version);
    int n = children(s->cfg.codes, code, dos, first, last);
    if (n > 1)
        finding_hint(f, "report a code to the highest specificity, e.g. one of %s-%s", first, last);
    else if (n == 1)
        finding_hint(f, "report a code to the highest specificity, e.g. %s or a code under it", first);
    else
        finding_hint(f, "report a code to the highest specificity: the billable codes under %s", disp);
    source(f, k, disp);
    finding_field(f, "billable", "0");
}

/* ---- the family ---- */

/* DX-004: V00-Y99 first. */
static void external_cause_first(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const char *code = sc->c->dx[0];
    if (code[0] < 'V' || code[0] > 'Y')
        return;
    char disp[RCM_CODE_MAX];
    dx_display(disp, code);
    rcm_finding *f = scrub_emit(s, sc, R_DX_004, out);
    finding_code(f, code);
    dx_lines(f, sc, 0);
    finding_msg(f, "%s, an external-cause code (V00-Y99), is the %s diagnosis: it tells how an injury happened"
                " and may not come first", disp, sc->c->kind == RCM_CLAIM_INSTITUTIONAL ? "principal" : "first-listed");
    if (sc->c->n_dx > 1) {
        char second[RCM_CODE_MAX];
        finding_hint(f, "list the injury or condition first (e.g. %s) and %s after it",
                     dx_display(second, sc->c->dx[1]), disp);
    } else {
        finding_hint(f, "add the injury or condition treated as the first diagnosis and list %s after it", disp);
    }
    /* the convention is ICD-10-CM's (chapter 20, V00-Y99): name the version in force when one is loaded */
    rcm_code_fact k;
    rcm_date dos = dx_dos(sc, 0);
    if (f && dos != RCM_DATE_NONE && rcm_codeset_find(s->cfg.codes, RCM_SET_ICD10CM, rcm_str_c(code), dos, &k) >= 0)
        source(f, &k, disp);
    else
        finding_source(f, "icd10cm", "", "", 0);
}

/* DX-003 at diagnosis i, which repeats an earlier one. */
static void repeated(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, rcm_findings *out)
{
    uint32_t k = 0;
    while (strcmp(sc->c->dx[k], sc->c->dx[i]) != 0)
        k++;
    char disp[RCM_CODE_MAX];
    dx_display(disp, sc->c->dx[i]);
    rcm_finding *f = scrub_emit(s, sc, R_DX_003, out);
    finding_code(f, sc->c->dx[i]);
    dx_lines(f, sc, i);
    finding_msg(f, "%s is listed twice: diagnoses %u and %u", disp, (unsigned)k + 1, (unsigned)i + 1);
    finding_hint(f, "remove diagnosis %u and point its lines at diagnosis %u", (unsigned)i + 1, (unsigned)k + 1);
}

static void icd9_after_cutover(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    rcm_date start = rcm_date_from_ymd(ICD10_START_Y, ICD10_START_M, 1);
    if (sc->last_dos == RCM_DATE_NONE || sc->last_dos < start)
        return;
    char day[11];
    rcm_finding *f = scrub_emit(s, sc, R_DX_006, out);
    for (uint32_t i = 0; i < sc->c->n_dx; i++)
        finding_code(f, sc->c->dx[i]);
    finding_msg(f, "the diagnoses are ICD-9 (qualifier %s) but services from %s on must be coded in ICD-10-CM",
                sc->c->dx_qual, scrub_datestr(day, start));
    finding_hint(f, "code the diagnoses in ICD-10-CM and send them with qualifiers ABK (principal) and ABF (other)");
    finding_field(f, "dx_qual", "%s", sc->c->dx_qual);
}

int family_dx(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (c->n_dx == 0)
        return 0; /* SYN-021 */
    if (icd9_qualifier(c->dx_qual)) {
        icd9_after_cutover(s, sc, out);
        return out->failed ? RCM_ENOMEM : 0;
    }
    /* DX-007: the codes no load could verify, listed once */
    char unverified[RCM_FINDING_MSG_MAX] = "";
    size_t ulen = 0;
    uint32_t unv[RCM_CLAIM_MAX_DX], nunverified = 0;
    rcm_date unverified_dos = RCM_DATE_NONE;
    /* every diagnosis's table slot is asked for before the first lookup: the cache misses overlap */
    rcm_date dos_of[RCM_CLAIM_MAX_DX];
    for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
        dos_of[i] = c->dx[i][0] ? dx_dos(sc, i) : RCM_DATE_NONE;
        if (dos_of[i] != RCM_DATE_NONE)
            rcm_codeset_prefetch(s->cfg.codes, RCM_SET_ICD10CM, rcm_str_c(c->dx[i]), dos_of[i]);
    }
    for (uint32_t i = 0; i < c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
        const char *code = c->dx[i];
        if (!code[0])
            continue;
        if (dx_repeated(c, i)) {
            repeated(s, sc, i, out);
            continue;
        }
        const char *why = malformed(code);
        if (why) {
            report_malformed(s, sc, i, why, out);
            continue;
        }
        if (i == 0)
            external_cause_first(s, sc, out);
        rcm_date dos = dos_of[i];
        if (dos == RCM_DATE_NONE)
            continue;
        rcm_code_fact k;
        int v = rcm_codeset_find(s->cfg.codes, RCM_SET_ICD10CM, rcm_str_c(code), dos, &k);
        if (v < 0) {
            char disp[RCM_CODE_MAX];
            if (ulen + RCM_CODE_MAX + 2 < sizeof(unverified))
                ulen += (size_t)snprintf(unverified + ulen, sizeof(unverified) - ulen, "%s%s", ulen ? ", " : "",
                                         dx_display(disp, code));
            if (unverified_dos == RCM_DATE_NONE)
                unverified_dos = dos;
            unv[nunverified++] = i;
        } else if (v == 0) {
            report_invalid(s, sc, i, dos, &k, out);
        } else if (!k.billable) {
            report_header(s, sc, i, dos, &k, out);
        }
    }
    if (nunverified) {
        char day[11];
        int fy = fiscal_year(unverified_dos);
        rcm_finding *f = scrub_emit(s, sc, R_DX_007, out);
        for (uint32_t i = 0; i < nunverified; i++) {
            finding_code(f, c->dx[unv[i]]);
            dx_lines(f, sc, unv[i]);
        }
        finding_msg(f, "no ICD-10-CM table is loaded for %s: %s not verified", scrub_datestr(day, unverified_dos),
                    unverified);
        finding_hint(f, "import the ICD-10-CM order file of fiscal year %d (rcm refdata import icd10cm_order_%d.txt)",
                     fy, fy);
        finding_source(f, "icd10cm", "", "", 0);
    }
    return out->failed ? RCM_ENOMEM : 0;
}
