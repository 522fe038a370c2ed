/*
 * The claim's diagnoses as the code-set families (DX, AGE, SEX, MN) see
 * them: which date of service judges each one and which lines point at it.
 *
 * Diagnoses are claim-level (2300 HI) but code sets change by date of
 * service (ICD-10-CM on 1 October, sometimes 1 April). A diagnosis is judged
 * on the earliest date of the lines that point at it (SV107); one that no
 * line points at (an 837I, whose lines carry no pointers, or a pointer-less
 * 837P) on the claim's first date of service, sc->first_dos. A claim that
 * crosses 1 October thus judges each diagnosis on the services it supports.
 */
#ifndef RCM_SCRUB_DXVIEW_H
#define RCM_SCRUB_DXVIEW_H

#include "rcm/refdata.h"
#include "../scrub_internal.h"

/* 1 when line l points at diagnosis i (0-based). */
static inline int dx_pointed_by(const scrub_line *l, uint32_t i)
{
    for (uint32_t k = 0; k < RCM_CLAIM_MAX_PTR; k++)
        if (l->l->dx_ptr[k] == i + 1)
            return 1;
    return 0;
}

/* The date of service diagnosis i is judged on; RCM_DATE_NONE when the claim has none. */
static inline rcm_date dx_dos(const scrub_claim *sc, uint32_t i)
{
    rcm_date d = RCM_DATE_NONE;
    for (uint32_t j = 0; j < sc->n; j++) {
        const scrub_line *l = &sc->lines[j];
        if (l->from != RCM_DATE_NONE && dx_pointed_by(l, i) && (d == RCM_DATE_NONE || l->from < d))
            d = l->from;
    }
    return d != RCM_DATE_NONE ? d : sc->first_dos;
}

/* Adds the lines pointing at diagnosis i to f. */
static inline void dx_lines(rcm_finding *f, const scrub_claim *sc, uint32_t i)
{
    for (uint32_t j = 0; f && j < sc->n; j++)
        if (dx_pointed_by(&sc->lines[j], i))
            finding_line(f, sc->lines[j].pos);
}

/* 1 when diagnosis i repeats an earlier one (reported once, by DX-003). */
static inline int dx_repeated(const rcm_claim *c, uint32_t i)
{
    for (uint32_t k = 0; k < i; k++)
        if (strcmp(c->dx[k], c->dx[i]) == 0)
            return 1;
    return 0;
}

/* The display form of a diagnosis as billed: E11621 -> E11.621 (as billed when it is not 4-7 characters). */
static inline const char *dx_display(char out[RCM_FINDING_CODE_MAX], const char *code)
{
    size_t n = strlen(code);
    if (n < 4 || n > 7 || strchr(code, '.'))
        cstr_copy(out, RCM_FINDING_CODE_MAX, code);
    else
        rcm_code_icd10cm_display(out, code);
    return out;
}

#endif
