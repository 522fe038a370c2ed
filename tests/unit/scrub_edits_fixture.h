/*
 * The edit index behind the PTP, MUE and AOC scrub tests: a store in a
 * temporary folder with the NCCI fixtures of tests/data/edits (see its
 * README: practitioner PTP 31.3 in two parts and 32.0, hospital PTP 31.3,
 * MUE practitioner 2025 Q4 and 2026 Q1, hospital and DME 2025 Q4, add-on
 * codes 2025 Q4), and engines over it. Run from the repository root.
 */
#ifndef SCRUB_EDITS_FIXTURE_H
#define SCRUB_EDITS_FIXTURE_H

#include "scrub_fixture.h"

/* Set up by fxe_open, released by fxe_close (Criterion .init / .fini). */
extern rcm_store *fxe_store;
extern rcm_edits *fxe_edits;

void fxe_open(void);
void fxe_close(void);

/* Imports a file into the open store (after fxe_open; the index is rebuilt on the next fxe_engine). */
void fxe_import(const char *path);

/* The temporary folder of the store, for files a test writes. */
const char *fxe_dir(void);

/*
 * An engine over the fixture index running only the families in mask (bits
 * 1 << RCM_FAM_*), with codes (may be NULL) and bypass (NULL: the default
 * list). Free with rcm_scrub_free.
 */
rcm_scrub *fxe_engine(uint32_t mask, const rcm_codeset *codes, const char *bypass);

/* A line of a table-driven case. */
typedef struct fxe_line {
    const char *code, *mods;    /* mods as fx_line: "59,LT", NULL none */
    const char *dos;            /* NULL: FX_DOS */
    int units;                  /* whole units; 0: 1 unit; FXE_NO_UNITS: 0 units */
    const char *npi;            /* the line's rendering provider; NULL: the claim's */
} fxe_line;

#define FXE_NO_UNITS -1
#define FXE_LINES 6
#define FXE_OTHER_NPI "1987654328"  /* a valid NPI other than the fixture's two */

#define LX(code, mods, dos, units, npi) { code, mods, dos, units, npi }
#define L(code) LX(code, NULL, NULL, 0, NULL)
#define LM(code, mods) LX(code, mods, NULL, 0, NULL)
#define LD(code, mods, dos) LX(code, mods, dos, 0, NULL)
#define LU(code, mods, units) LX(code, mods, NULL, units, NULL)

/* A claim, the rules that must fire on it and those that must not (comma-separated). */
typedef struct fxe_case {
    const char *what;
    char kind;                  /* 'P' or 'I' */
    fxe_line lines[FXE_LINES];  /* up to the first with no code */
    const char *must, *must_not;
} fxe_case;

/* A fixture claim of kind with lines (up to max, or the first with no code). Free with fx_free. */
rcm_claim *fxe_claim(char kind, const fxe_line *lines, size_t max);

/* Scrubs each case with fxe_engine(mask, codes, bypass) and checks what fired (fx_expect). */
void fxe_run(uint32_t mask, const rcm_codeset *codes, const char *bypass, const fxe_case *cases, size_t n);

#define FXE_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif
