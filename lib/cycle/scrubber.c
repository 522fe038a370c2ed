/*
 * The cycle's scrubber: one engine over the store's reference data, built on
 * first use and kept in the handle (cy->codeset, cy->edits, cy->scrub; the
 * handle frees them).
 *
 * The code sets and the NCCI edit index are read only when the store holds a
 * load of a kind they are made from; otherwise the families that need them
 * are unavailable (rcm_scrub_unavailable says which), as with 'rcm scrub' on
 * a store without reference data. The engine judges dates against the
 * handle's business date: when that date changes, the engine is rebuilt
 * over the same tables.
 */
#include <stdlib.h>
#include <string.h>
#include "rcm/refdata.h"
#include "cycle_internal.h"
#include "../scrub/scrub_internal.h"
#include "../util/banned.h"

/* Which tables the store holds (the loads in force, not replaced): NCCI edits, code sets. */
static int loaded_kinds(rcm_cycle *cy, int *edits, int *codes, rcm_error *err)
{
    static const char *const code_kinds[] = { "icd10cm", "hcpcs", "cpt", "pos", "mce", "mce_ages", "pprrvu", "mn" };
    rcm_refdata_load *loads = NULL;
    size_t n = 0;
    int rc = rcm_refdata_loads(&loads, &n, cy->st, err);
    if (rc < 0)
        return rc;
    *edits = *codes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = loads[i].kind;
        if (loads[i].replaced_by)
            continue;
        if (strncmp(k, "ptp", 3) == 0 || strncmp(k, "mue", 3) == 0 || strcmp(k, "aoc") == 0)
            *edits = 1;
        for (size_t j = 0; j < ARRAY_SIZE(code_kinds); j++)
            if (strcmp(k, code_kinds[j]) == 0)
                *codes = 1;
    }
    free(loads);
    return 0;
}

int cycle_scrubber(rcm_cycle *cy, const rcm_scrub **out, rcm_error *err)
{
    *out = NULL;
    if (cy->scrub && cy->scrub->cfg.today == cy->today) {
        *out = cy->scrub;
        return 0;
    }
    int rc = 0;
    if (!cy->scrub) {
        /* first use: the tables */
        int edits = 0, codes = 0;
        if ((rc = loaded_kinds(cy, &edits, &codes, err)) < 0)
            return rc;
        if (edits && !cy->edits && (rc = rcm_edits_open_store(&cy->edits, cy->st, NULL, err)) < 0)
            return rc;
        if (codes && !cy->codeset && (rc = rcm_codeset_open_store(&cy->codeset, cy->st, err)) < 0)
            return rc;
    }
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = cy->today;
    cfg.edits = cy->edits;
    cfg.codes = cy->codeset;
    rcm_scrub *s = NULL;
    if ((rc = rcm_scrub_new(&s, &cfg, err)) < 0)
        return rc;
    rcm_scrub_free(cy->scrub);
    cy->scrub = s;
    *out = s;
    return 0;
}
