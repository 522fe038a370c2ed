/* The store and edit index shared by the NCCI scrub tests (see scrub_edits_fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "scrub_edits_fixture.h"

#define FIX "tests/data/edits/"

rcm_store *fxe_store;
rcm_edits *fxe_edits;
static char dir[256];

const char *fxe_dir(void)
{
    return dir;
}

void fxe_import(const char *path)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.now = 1700000000;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(fxe_store, path, &o, NULL, &err), 0, "%s: %ld: %s", path, err.line, err.msg);
    rcm_edits_close(fxe_edits);
    fxe_edits = NULL;
}

void fxe_open(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/rcm-scrub-ncci-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(dir));
    char db[300];
    snprintf(db, sizeof(db), "%s/s.db", dir);
    cr_assert_eq(rcm_store_open(&fxe_store, db, RCM_STORE_CREATE, NULL), 0);
    static const char *const files[] = {
        "ccipra-v313r0-f1.txt", "ccipra-v313r0-f2.txt", "ccipra-v320r0-f1.txt", "ccioph-v313r0-f1.csv",
        "MUE_Practitioner_2025_Q4.csv", "MUE_Practitioner_2026_Q1.csv", "MUE_OutpatientHospital_2025_Q4.csv",
        "MUE_DME_2025_Q4.csv", "AOC_2025_Q4.csv",
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char p[300];
        snprintf(p, sizeof(p), FIX "%s", files[i]);
        fxe_import(p);
    }
}

void fxe_close(void)
{
    rcm_edits_close(fxe_edits);
    fxe_edits = NULL;
    rcm_store_close(fxe_store);
    fxe_store = NULL;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    cr_assert_eq(system(cmd), 0);
}

rcm_scrub *fxe_engine(uint32_t mask, const rcm_codeset *codes, const char *bypass)
{
    rcm_error err = { 0 };
    if (!fxe_edits)
        cr_assert_eq(rcm_edits_open_store(&fxe_edits, fxe_store, NULL, &err), 0, "%s", err.msg);
    rcm_scrub_config cfg = fx_config(fxe_edits, codes);
    cfg.families = mask;
    cfg.bypass = bypass;
    rcm_scrub *s = NULL;
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    return s;
}

rcm_claim *fxe_claim(char kind, const fxe_line *lines, size_t max)
{
    rcm_claim *c = fx_claim(kind);
    for (size_t i = 0; i < max && lines[i].code; i++) {
        int units = lines[i].units == FXE_NO_UNITS ? 0 : lines[i].units ? lines[i].units : 1;
        rcm_claim_line *l = fx_line(c, lines[i].code, lines[i].mods, lines[i].dos, 10000, units);
        if (lines[i].npi)
            fx_line_rendering(l, lines[i].npi);
    }
    return c;
}

void fxe_run(uint32_t mask, const rcm_codeset *codes, const char *bypass, const fxe_case *cases, size_t n)
{
    rcm_scrub *s = fxe_engine(mask, codes, bypass);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < n; i++) {
        rcm_claim *c = fxe_claim(cases[i].kind ? cases[i].kind : 'P', cases[i].lines, FXE_LINES);
        fx_scrub(s, c, &f);
        fx_expect(&f, cases[i].what, cases[i].must, cases[i].must_not);
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
