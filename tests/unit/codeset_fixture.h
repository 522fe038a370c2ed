/*
 * A store holding the code-set fixtures of tests/data/codeset (with two
 * ICD-10-CM years of tests/data/refdata), for the code-set and scrubber
 * tests. tests/data/codeset/README.md says what each file holds.
 */
#ifndef CODESET_FIXTURE_H
#define CODESET_FIXTURE_H

#include "rcm/rcm.h"
#include "scrub_fixture.h"

typedef struct cx_store {
    char dir[256];          /* the temporary folder holding the store */
    rcm_store *st;
    rcm_codeset *cs;        /* the snapshot of st */
} cx_store;

/* Creates the store in a new temporary folder, imports every fixture and opens the snapshot (asserts). */
void cx_open(cx_store *x);

/* Imports one more file (kind and version may be NULL); asserts it loaded. */
void cx_import(cx_store *x, const char *path, const char *kind, const char *version);

/* Frees the snapshot, closes the store and removes the folder. */
void cx_close(cx_store *x);

/*
 * A fixture claim (scrub_fixture.h) from a compact description:
 *   dx     the diagnoses, "E119,I10" (they replace the fixture's E119; NULL keeps it)
 *   lines  "99213@2025-11-03>1,2;80061>2": code ("-": none), @date (default FX_DOS),
 *          >pointers (default 1; ">" alone: none; 837I lines never have them), lines
 *          separated by ';' (NULL: none)
 *   set    other fields, "sex=M;dob=2025-11-03;filing=CI;payer=60054;qual=BK;patient=1"
 *          (patient=1 makes the patient a dependant whose dob and sex are the ones set)
 * Free with fx_free.
 */
rcm_claim *cx_claim(char kind, const char *dx, const char *lines, const char *set);

/* A table-driven case: the claim and the rules that must and must not fire. */
typedef struct cx_case {
    const char *what;
    char kind;
    const char *dx, *lines, *set;
    const char *must, *must_not;
} cx_case;

/* Scrubs every case with an engine running families (bits of RCM_FAM_*) over cs; checks with fx_expect. */
void cx_run(const rcm_codeset *cs, uint32_t families, const cx_case *cases, size_t n);

/* Scrubs one case into f (reset first) with families over cs. */
void cx_scrub(const rcm_codeset *cs, uint32_t families, const cx_case *c, rcm_findings *f);

#define CX_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
