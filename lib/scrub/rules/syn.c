/*
 * SYN family: the data a payer's front end refuses a claim without, and the
 * shapes of what is there (837P 005010X222A1, 837I 005010X223A2).
 *
 *   patient      SYN-001 no date of birth, SYN-002 no sex ('U' is a warning:
 *                some payers take it), SYN-003 born after the service, in the
 *                future or more than 124 years before it
 *   subscriber   SYN-004 no member id (2010BA NM109)
 *   payer        SYN-005 no name or id (2010BB NM103 / NM109)
 *   billing      SYN-006 no NPI (2010AA NM109 with NM108 XX)
 *   money        SYN-007 CLM02 not positive, SYN-008 a line charge not
 *                positive, SYN-010 CLM02 not the sum of the lines (exact cents)
 *   units        SYN-009 a line's units not positive
 *   dates        SYN-011 an 837P line without DTP*472 (837I: no statement
 *                dates), SYN-012 after today, SYN-013 a range that ends before
 *                it starts (line, statement, admission/discharge)
 *   POS          SYN-014 CLM05-1 / SV105 not 2 digits or not in the place of
 *                service table on the date (837I CLM05-1 is a facility type
 *                code: only its shape is checked)
 *   diagnoses    SYN-015 more than 12 on an 837P, SYN-021 none, SYN-016 an
 *                837P line without SV107-1, SYN-017 a pointer past the
 *                diagnoses, SYN-018 the same pointer twice on a line
 *   frequency    SYN-019 CLM05-3 not a claim frequency code, SYN-020 7
 *                (replacement) or 8 (void) without REF*F8
 *   lines        SYN-022 none, SYN-023 a line without a procedure code
 *                (837I lines may carry only a revenue code)
 *   id           SYN-024 no CLM01
 */
#include "lines.h"

/* The element as the claim's guide names it: 837P p, 837I i ("SV102" / "SV203"). */
static const char *el(const rcm_claim *c, const char *p, const char *i)
{
    return c->kind == RCM_CLAIM_INSTITUTIONAL ? i : p;
}

/* Thousandths as a quantity: 1500 -> "1.5", -2000 -> "-2". */
static const char *units_str(char out[32], int64_t milli)
{
    uint64_t v = milli < 0 ? 0 - (uint64_t)milli : (uint64_t)milli;
    int n = snprintf(out, 32, "%s%llu", milli < 0 ? "-" : "", (unsigned long long)(v / 1000));
    unsigned frac = (unsigned)(v % 1000);
    if (frac && n > 0 && n < 27) {
        int digits = 3;
        while (frac % 10 == 0) {
            frac /= 10;
            digits--;
        }
        snprintf(out + n, (size_t)(32 - n), ".%0*u", digits, frac);
    }
    return out;
}

/* One finding at a line, with its code. */
static rcm_finding *at_line(const rcm_scrub *s, const scrub_claim *sc, int rule, const scrub_line *l,
                            rcm_findings *out)
{
    rcm_finding *f = scrub_emit(s, sc, rule, out);
    finding_line(f, l->pos);
    finding_code(f, l->l->code);
    return f;
}

static void patient(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    const char *who = c->patient.present ? "2010CA patient" : "2010BA subscriber (the patient)";
    if (sc->dob == RCM_DATE_NONE) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_001, out);
        finding_msg(f, "%s has no date of birth (DMG02)", who);
        finding_hint(f, "enter the patient's date of birth from the registration record");
    } else {
        char dob[11], day[11];
        rcm_date ref = sc->first_dos != RCM_DATE_NONE ? sc->first_dos : s->cfg.today;
        int age = scrub_age(sc->dob, ref);
        if (sc->dob > s->cfg.today || sc->dob > ref || age > 124) {
            rcm_finding *f = scrub_emit(s, sc, R_SYN_003, out);
            if (sc->dob > s->cfg.today)
                finding_msg(f, "%s date of birth %s is in the future", who, scrub_datestr(dob, sc->dob));
            else if (sc->dob > ref)
                finding_msg(f, "%s date of birth %s is after the date of service %s", who,
                            scrub_datestr(dob, sc->dob), scrub_datestr(day, ref));
            else
                finding_msg(f, "%s date of birth %s makes the patient %d on %s", who, scrub_datestr(dob, sc->dob),
                            age, scrub_datestr(day, ref));
            finding_hint(f, "check the date of birth (DMG02, CCYYMMDD) against the registration record");
        }
    }
    if (sc->sex != 'F' && sc->sex != 'M') {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_002, out);
        if (sc->sex == 'U') {
            finding_severity(f, RCM_SEV_WARNING);
            finding_msg(f, "%s sex is U (unknown)", who);
            finding_hint(f, "many payers refuse U: report F or M when the record has it");
        } else {
            finding_msg(f, "%s has no sex (DMG03)", who);
            finding_hint(f, "enter F or M from the registration record");
        }
    }
}

static void parties(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (!c->subscriber.id[0]) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_004, out);
        finding_msg(f, "2010BA NM109 subscriber member id is empty");
        finding_hint(f, "copy the member id from the insurance card or the eligibility response (271)");
    }
    if (!c->payer.last[0] || !c->payer.id[0]) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_005, out);
        finding_msg(f, "2010BB payer %s empty",
                    !c->payer.last[0] && !c->payer.id[0] ? "name (NM103) and id (NM109) are"
                    : !c->payer.last[0]                  ? "name (NM103) is"
                                                         : "id (NM109) is");
        finding_hint(f, "pick the payer from the practice's payer list (its clearinghouse payer id)");
    }
    if (!c->billing.id[0] || (c->billing.id_qual[0] && strcmp(c->billing.id_qual, "XX") != 0)) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_006, out);
        finding_msg(f, "2010AA billing provider has no NPI (NM108 XX, NM109)");
        finding_hint(f, "set the billing provider's NPI in the practice settings");
    }
    if (!c->id[0]) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_024, out);
        finding_msg(f, "2300 CLM01 patient control number is empty");
        finding_hint(f, "every claim needs its own id: the 835 echoes it in CLP01");
    }
}

static void money(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    char a[32], b[32];
    if (c->charge_cents <= 0) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_007, out);
        rcm_cents_fmt(a, c->charge_cents);
        finding_msg(f, "2300 CLM02 total charge is %s", a);
        finding_hint(f, "a claim must bill a positive amount: check the lines' charges");
    }
    int64_t sum = 0;
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        sum += l->l->charge_cents;
        if (l->l->charge_cents <= 0) {
            rcm_finding *f = at_line(s, sc, R_SYN_008, l, out);
            rcm_cents_fmt(a, l->l->charge_cents);
            finding_msg(f, "line %u (%s) %s charge is %s", (unsigned)l->pos, l->l->code, el(c, "SV102", "SV203"), a);
            finding_hint(f, "enter the practice's fee for the service (from the fee schedule)");
        }
        if (l->l->units_milli <= 0) {
            rcm_finding *f = at_line(s, sc, R_SYN_009, l, out);
            finding_msg(f, "line %u (%s) %s units are %s", (unsigned)l->pos, l->l->code, el(c, "SV104", "SV205"),
                        units_str(a, l->l->units_milli));
            finding_hint(f, "report the units provided, at least 1");
        }
    }
    if (sc->n && sum != c->charge_cents) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_010, out);
        rcm_cents_fmt(a, c->charge_cents);
        rcm_cents_fmt(b, sum);
        finding_msg(f, "2300 CLM02 total charge %s differs from the sum of the line charges %s", a, b);
        finding_hint(f, "the total must equal the lines exactly: recompute it after changing a line");
    }
}

/* What range() names a line's dates: "line 2 DTP*472 service". Built only for a finding. */
static const char *line_where(char out[48], const scrub_line *l)
{
    snprintf(out, 48, "line %u DTP*472 service", (unsigned)l->pos);
    return out;
}

/*
 * SYN-012 and SYN-013 for one range; where names it ("2300 DTP*434
 * statement"), or NULL for line l's service dates.
 */
static void range(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const char *where, rcm_date from,
                  rcm_date to, rcm_findings *out)
{
    char d1[11], d2[11], buf[48];
    if (from != RCM_DATE_NONE && to != RCM_DATE_NONE && to < from) {
        rcm_finding *f = l ? at_line(s, sc, R_SYN_013, l, out) : scrub_emit(s, sc, R_SYN_013, out);
        if (!where)
            where = line_where(buf, l);
        finding_msg(f, "%s dates end %s before they start %s", where, scrub_datestr(d2, to), scrub_datestr(d1, from));
        finding_hint(f, "correct the range: from must not be after through");
    }
    rcm_date last = to != RCM_DATE_NONE && to > from ? to : from;
    if (last != RCM_DATE_NONE && last > s->cfg.today) {
        rcm_finding *f = l ? at_line(s, sc, R_SYN_012, l, out) : scrub_emit(s, sc, R_SYN_012, out);
        if (!where)
            where = line_where(buf, l);
        finding_msg(f, "%s date %s is in the future (today is %s)", where, scrub_datestr(d1, last),
                    scrub_datestr(d2, s->cfg.today));
        finding_hint(f, "services are billed after they are provided: check the date or hold the claim");
    }
}

static void dates(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (c->kind == RCM_CLAIM_INSTITUTIONAL) {
        if (c->statement_from == RCM_DATE_NONE) {
            rcm_finding *f = scrub_emit(s, sc, R_SYN_011, out);
            finding_msg(f, "2300 DTP*434 statement dates are missing");
            finding_hint(f, "report the statement covers period (from and through)");
        }
        range(s, sc, NULL, "2300 DTP*434 statement", c->statement_from, c->statement_to, out);
    }
    if (c->admission != RCM_DATE_NONE && c->discharge != RCM_DATE_NONE && c->discharge < c->admission) {
        char d1[11], d2[11];
        rcm_finding *f = scrub_emit(s, sc, R_SYN_013, out);
        finding_msg(f, "2300 DTP*096 discharge %s is before DTP*435 admission %s", scrub_datestr(d1, c->discharge),
                    scrub_datestr(d2, c->admission));
        finding_hint(f, "correct the admission or discharge date");
    }
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        if (l->l->from == RCM_DATE_NONE) {
            if (c->kind == RCM_CLAIM_PROFESSIONAL) {
                rcm_finding *f = at_line(s, sc, R_SYN_011, l, out);
                finding_msg(f, "line %u (%s) has no date of service (DTP*472)", (unsigned)l->pos, l->l->code);
                finding_hint(f, "enter the date the service was provided");
            }
            continue;
        }
        range(s, sc, l, NULL, l->l->from, l->l->to, out);
    }
}

static int two_digits(const char *p)
{
    return p[0] >= '0' && p[0] <= '9' && p[1] >= '0' && p[1] <= '9' && !p[2];
}

/* SYN-014 for one place of service; l NULL for the claim's. */
static void pos_check(const rcm_scrub *s, const scrub_claim *sc, const scrub_line *l, const char *pos,
                      rcm_date dos, rcm_findings *out)
{
    const char *where = l ? "SV105" : "2300 CLM05-1";
    if (!two_digits(pos)) {
        rcm_finding *f = l ? at_line(s, sc, R_SYN_014, l, out) : scrub_emit(s, sc, R_SYN_014, out);
        if (l)
            finding_msg(f, "line %u %s place of service '%s' is not 2 digits", (unsigned)l->pos, where, pos);
        else if (!pos[0])
            finding_msg(f, "%s place of service is empty", where);
        else
            finding_msg(f, "%s place of service '%s' is not 2 digits", where, pos);
        finding_hint(f, "report the place of service code, e.g. 11 office, 22 outpatient hospital, 02 telehealth");
        return;
    }
    if (!s->cfg.codes || dos == RCM_DATE_NONE)
        return;
    rcm_code_fact k;
    if (rcm_codeset_find(s->cfg.codes, RCM_SET_POS, (rcm_str){ pos, 2 }, dos, &k) == 0) {
        rcm_finding *f = l ? at_line(s, sc, R_SYN_014, l, out) : scrub_emit(s, sc, R_SYN_014, out);
        char day[11];
        if (l)
            finding_msg(f, "line %u %s place of service %s is not a place of service code on %s", (unsigned)l->pos,
                        where, pos, scrub_datestr(day, dos));
        else
            finding_msg(f, "%s place of service %s is not a place of service code on %s", where, pos,
                        scrub_datestr(day, dos));
        finding_hint(f, "pick a code from the CMS place of service list");
        finding_source(f, "pos", k.version, k.source, 0);
        finding_field(f, "code", "%s", pos);
    }
}

static void places(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (c->kind == RCM_CLAIM_INSTITUTIONAL) {
        /* CLM05-1 is the facility type code (the first two digits of the type of bill). */
        if (!two_digits(c->pos)) {
            rcm_finding *f = scrub_emit(s, sc, R_SYN_014, out);
            finding_msg(f, "2300 CLM05-1 facility type code '%s' is not 2 digits", c->pos);
            finding_hint(f, "report the first two digits of the type of bill, e.g. 13 hospital outpatient");
        }
        return;
    }
    pos_check(s, sc, NULL, c->pos, sc->first_dos, out);
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        if (l->l->pos[0])
            pos_check(s, sc, l, l->l->pos, l->from, out);
    }
}

static void diagnoses(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    int prof = c->kind == RCM_CLAIM_PROFESSIONAL;
    if (c->n_dx == 0) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_021, out);
        finding_msg(f, "2300 HI: the claim has no diagnosis");
        finding_hint(f, "code the diagnoses that support the services from the documentation");
    }
    if (prof && c->n_dx > RCM_CLAIM_MAX_DX_P) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_015, out);
        finding_msg(f, "2300 HI holds %u diagnoses: an 837P carries at most 12", (unsigned)c->n_dx);
        finding_hint(f, "keep the 12 that the lines point to and that matter most; split the claim if needed");
    }
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        const uint8_t *p = l->l->dx_ptr;
        if (prof && p[0] == 0) {
            rcm_finding *f = at_line(s, sc, R_SYN_016, l, out);
            finding_msg(f, "line %u (%s) points to no diagnosis (SV107)", (unsigned)l->pos, l->l->code);
            if (c->n_dx)
                finding_hint(f, "point the line at the diagnosis that supports it (1-%u)", (unsigned)c->n_dx);
            else
                finding_hint(f, "code the claim's diagnoses, then point the line at the one that supports it");
        }
        for (int k = 0; k < RCM_CLAIM_MAX_PTR; k++) {
            if (!p[k])
                continue;
            if (p[k] > c->n_dx) {
                rcm_finding *f = at_line(s, sc, R_SYN_017, l, out);
                finding_msg(f, "line %u (%s) SV107 points to diagnosis %u, but the claim has %u", (unsigned)l->pos,
                            l->l->code, (unsigned)p[k], (unsigned)c->n_dx);
                finding_hint(f, "point it at one of diagnoses 1-%u, or add the missing diagnosis", (unsigned)c->n_dx);
            }
            for (int j = 0; j < k; j++)
                if (p[j] == p[k]) {
                    rcm_finding *f = at_line(s, sc, R_SYN_018, l, out);
                    finding_msg(f, "line %u (%s) SV107 points to diagnosis %u twice", (unsigned)l->pos, l->l->code,
                                (unsigned)p[k]);
                    finding_hint(f, "each pointer of SV107 should name a different diagnosis");
                    break;
                }
        }
    }
}

/*
 * CLM05-3. 837P: 1 original, 7 replacement, 8 void (the professional guide
 * takes these three of the NUBC codes). 837I: the type of bill's third
 * character as NUBC lists it (UB-04 manual, FL 4; CMS Pub. 100-04 ch. 25):
 * 0 non-payment/zero claim, 1 admit through discharge, 2 interim first,
 * 3 interim continuing, 4 interim last, 5 late charges only, 7 replacement,
 * 8 void/cancel, 9 final claim for a home health PPS episode, and the
 * provider-submitted hospice notices A-E. 6 is reserved; F-P are adjustments
 * the Medicare contractor initiates, never a provider's.
 */
static int freq_ok(char kind, char freq)
{
    if (kind == RCM_CLAIM_PROFESSIONAL)
        return freq == '1' || freq == '7' || freq == '8';
    return (freq >= '0' && freq <= '9' && freq != '6') || (freq >= 'A' && freq <= 'E');
}

static void frequency(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    if (!freq_ok(c->kind, c->freq)) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_019, out);
        const char *allowed = c->kind == RCM_CLAIM_PROFESSIONAL ? "1, 7 or 8" : "0-5, 7-9 or A-E";
        if (!c->freq)
            finding_msg(f, "2300 CLM05-3 claim frequency code is empty (%s)", allowed);
        else
            finding_msg(f, "2300 CLM05-3 claim frequency code '%c' is not %s", c->freq, allowed);
        finding_hint(f, "1 for a new claim, 7 to replace a claim the payer has, 8 to void one");
        return;
    }
    if ((c->freq == '7' || c->freq == '8') && !c->original_ref[0]) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_020, out);
        finding_msg(f, "frequency %c (%s) without the payer's claim number of the original (2300 REF*F8)", c->freq,
                    c->freq == '7' ? "replacement" : "void");
        finding_hint(f, "copy the payer claim control number from the 835 (CLP07) or the 277CA into REF*F8");
    }
}

static void lines(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (sc->n == 0) {
        rcm_finding *f = scrub_emit(s, sc, R_SYN_022, out);
        finding_msg(f, "the claim has no service lines (loop 2400)");
        finding_hint(f, "add the services provided");
        return;
    }
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        if (l->l->code[0])
            continue;
        if (sc->c->kind == RCM_CLAIM_INSTITUTIONAL && l->l->revenue_code[0])
            continue;
        rcm_finding *f = at_line(s, sc, R_SYN_023, l, out);
        finding_msg(f, "line %u %s has no procedure code", (unsigned)l->pos, el(sc->c, "SV101-2", "SV202-2"));
        finding_hint(f, "code the service (CPT or HCPCS) from the documentation");
    }
}

int family_syn(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    patient(s, sc, out);
    parties(s, sc, out);
    money(s, sc, out);
    dates(s, sc, out);
    places(s, sc, out);
    diagnoses(s, sc, out);
    frequency(s, sc, out);
    lines(s, sc, out);
    return out->failed ? RCM_ENOMEM : 0;
}
