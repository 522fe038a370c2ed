/*
 * Small claims for the scrubber's table-driven tests, and ways to ask which
 * rules fired. fx_claim gives a clean baseline claim (a professional claim by
 * an organization with an individual rendering provider, a Medicare patient,
 * one diagnosis, no lines); each case adds lines and changes one thing.
 * Fixture claims own their arrays: free them with fx_free (not
 * rcm_claim_free).
 */
#ifndef SCRUB_FIXTURE_H
#define SCRUB_FIXTURE_H

#include <stdint.h>
#include "rcm/rcm.h"

/* Two NPIs with valid check digits: the billing organization's and the rendering person's. */
#define FX_BILLING_NPI "1912301953"
#define FX_RENDERING_NPI "1234567893"
#define FX_TODAY "2025-12-01"       /* fx_config's today */
#define FX_DOS "2025-11-03"         /* the date fx_line uses when given NULL */

rcm_date fx_date(const char *iso);

/* A clean claim of kind 'P' or 'I' with one diagnosis (E119) and no lines. */
rcm_claim *fx_claim(char kind);

/*
 * Appends a line: code, modifiers as "59" or "59,LT" (NULL none), date of
 * service (ISO, NULL: FX_DOS), charge in cents and units in whole units.
 * Points it at diagnosis 1 and adds its charge to the claim's total.
 * Returns the line (valid until the next fx_line on c).
 */
rcm_claim_line *fx_line(rcm_claim *c, const char *code, const char *mods, const char *dos, int64_t charge_cents,
                        int units);

/* Appends a diagnosis (as on claims, no dot); returns its 1-based pointer. */
int fx_dx(rcm_claim *c, const char *dx);

/* Sets a line's rendering provider (a person with that NPI). */
void fx_line_rendering(rcm_claim_line *l, const char *npi);

void fx_free(rcm_claim *c);

/* A configuration with today = FX_TODAY and the given tables (any may be NULL). */
rcm_scrub_config fx_config(const rcm_edits *edits, const rcm_codeset *codes);

/* Resets f, scrubs c with s; returns rcm_scrub_claim's result. */
int fx_scrub(const rcm_scrub *s, const rcm_claim *c, rcm_findings *f);

/* How many findings of rule id (exact, or a family prefix such as "PTP") f holds. */
int fx_fired(const rcm_findings *f, const char *rule);

/* The value of the source field key of finding x (Criterion fails the test when it has none). */
const char *fx_field(const rcm_finding *x, const char *key);

/* The first finding of rule id, or NULL. */
const rcm_finding *fx_finding(const rcm_findings *f, const char *rule);

/*
 * Asserts (Criterion) that every rule in must (comma-separated ids) fired and
 * none in must_not did; either may be NULL or "". what names the case in the
 * failure message, which lists every finding.
 */
void fx_expect(const rcm_findings *f, const char *what, const char *must, const char *must_not);

#endif
