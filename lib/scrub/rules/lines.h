/*
 * Line tests shared by the families that judge lines together (PTP, MUE,
 * AOC, MOD): which lines count as billed services, and which are the same
 * encounter for the NCCI edits (same patient, which one claim is, same date
 * of service, same performing provider).
 */
#ifndef RCM_SCRUB_RULES_LINES_H
#define RCM_SCRUB_RULES_LINES_H

#include "../scrub_internal.h"

/* A billed service: a CPT/HCPCS code, units and a date of service (SYN reports lines without). */
static inline int line_billed(const scrub_line *l)
{
    return l->proc != SCRUB_NO_PROC && l->l->units_milli > 0 && l->from != RCM_DATE_NONE;
}

/* Same date of service (the first day) and the same performing provider. */
static inline int line_same_encounter(const scrub_line *a, const scrub_line *b)
{
    return a->from == b->from && (a->npi == b->npi || strcmp(a->npi, b->npi) == 0);
}

#endif
