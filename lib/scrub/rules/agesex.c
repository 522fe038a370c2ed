/*
 * AGE and SEX families: the Medicare Code Editor's age and sex edits of
 * diagnoses (DOMAIN.md 3.6).
 *
 *   AGE-001  a diagnosis of an age category (newborn, pediatric, maternity,
 *            adult) whose ranges, in the MCE load in force, do not hold the
 *            patient's age on the date of service
 *   SEX-001  a diagnosis for males only on a female patient, or for females
 *            only on a male patient
 *
 * Each diagnosis is judged once (repeats are DX-003's), on dxview.h's date.
 * Nothing is said without a date of service, a date of birth (AGE) or a sex
 * of M or F (SEX): the SYN family reports what is missing. The age ranges
 * are the load's (they differ by MCE version).
 */
#include "dxview.h"

static const unsigned age_bits[4] = { RCM_MCE_NEWBORN, RCM_MCE_PEDIATRIC, RCM_MCE_MATERNITY, RCM_MCE_ADULT };
static const char *const age_names[4] = { "newborn", "pediatric", "maternity", "adult" };

static void mce_source(rcm_finding *f, const rcm_mce_fact *m, const char *disp)
{
    finding_source(f, "mce", m->version, m->source, 0);
    finding_field(f, "code", "%s", disp);
}

/* The diagnosis's MCE facts on its date; 0 when there is nothing to judge. */
static int facts(const rcm_scrub *s, const scrub_claim *sc, uint32_t i, rcm_date *dos, rcm_mce_fact *m)
{
    const char *code = sc->c->dx[i];
    if (!code[0] || dx_repeated(sc->c, i))
        return 0;
    *dos = dx_dos(sc, i);
    if (*dos == RCM_DATE_NONE)
        return 0;
    return rcm_codeset_mce(s->cfg.codes, rcm_str_c(code), *dos, m) == 1 && m->cats;
}

int family_age(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (sc->dob == RCM_DATE_NONE)
        return 0;
    for (uint32_t i = 0; i < sc->c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
        rcm_date dos;
        rcm_mce_fact m;
        if (!facts(s, sc, i, &dos, &m))
            continue;
        int age = scrub_age(sc->dob, dos);
        if (age < 0)
            continue;
        int has = 0, fits = 0, first = -1;
        for (int k = 0; k < 4; k++) {
            if (!(m.cats & age_bits[k]))
                continue;
            has = 1;
            if (first < 0)
                first = k;
            fits |= m.age_min[k] <= age && age <= m.age_max[k];
        }
        if (!has || fits)
            continue;
        char disp[RCM_FINDING_CODE_MAX], day[11], ranges[96] = "";
        size_t n = 0;
        for (int k = 0; k < 4; k++)
            if (m.cats & age_bits[k])
                n += (size_t)snprintf(ranges + n, sizeof(ranges) - n, "%s%s ages %d-%d", n ? ", " : "", age_names[k],
                                      m.age_min[k], m.age_max[k]);
        dx_display(disp, sc->c->dx[i]);
        rcm_finding *f = scrub_emit(s, sc, R_AGE_001, out);
        finding_code(f, sc->c->dx[i]);
        dx_lines(f, sc, i);
        finding_msg(f, "%s is a %s diagnosis (MCE %s: %s) but the patient is %d on %s", disp, age_names[first],
                    m.version, ranges, age, scrub_datestr(day, dos));
        finding_hint(f, "check the diagnosis against the record, and the patient's date of birth (DMG02)");
        mce_source(f, &m, disp);
        finding_field(f, "category", "%s", age_names[first]);
        finding_field(f, "ages", "%s", ranges);
        finding_field(f, "age", "%d", age);
    }
    return out->failed ? RCM_ENOMEM : 0;
}

int family_sex(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    if (sc->sex != 'M' && sc->sex != 'F')
        return 0;
    for (uint32_t i = 0; i < sc->c->n_dx && i < RCM_CLAIM_MAX_DX; i++) {
        rcm_date dos;
        rcm_mce_fact m;
        if (!facts(s, sc, i, &dos, &m))
            continue;
        const char *only = NULL;
        if ((m.cats & RCM_MCE_MALE) && sc->sex == 'F')
            only = "male";
        else if ((m.cats & RCM_MCE_FEMALE) && sc->sex == 'M')
            only = "female";
        if (!only)
            continue;
        char disp[RCM_FINDING_CODE_MAX];
        dx_display(disp, sc->c->dx[i]);
        rcm_finding *f = scrub_emit(s, sc, R_SEX_001, out);
        finding_code(f, sc->c->dx[i]);
        dx_lines(f, sc, i);
        finding_msg(f, "%s is a diagnosis for %s patients only (MCE %s) but the patient's sex is %s", disp, only,
                    m.version, sc->sex == 'F' ? "female" : "male");
        finding_hint(f, "check the diagnosis against the record, and the patient's sex (DMG03)");
        mce_source(f, &m, disp);
        finding_field(f, "category", "%s", only);
        finding_field(f, "sex", "%c", sc->sex);
    }
    return out->failed ? RCM_ENOMEM : 0;
}
