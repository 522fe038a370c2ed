/*
 * The practice's set-up and the encounters that come from the EHR.
 *
 * rcm_practice_import reads the practice file (docs/practice-json.md): the
 * practice (billing provider, submitter and receiver ids), its providers,
 * payers (X12 payer id, filing indicator, timely-filing and appeal limits),
 * its fee schedule and each payer's contracted allowed amounts. Importing it
 * again updates what changed; a payer, provider or fee is never deleted.
 *
 * rcm_encounter_import reads encounters as documented JSON
 * (docs/encounter-json.md: a JSON array or JSON Lines): patient, coverages,
 * rendering provider, date, place, the clinician's documented services and
 * problems in words, and the codes the EHR proposes, if any. Patients and
 * coverages are created or updated by the medical record number. An
 * encounter already imported (same id) is left alone when its content is
 * the same, updated while it is still new (not yet coded), and refused once
 * coded. The whole file is one transaction: a bad record stops the import
 * with a located error (file, line, field) and nothing is imported.
 */
#ifndef RCM_ENCOUNTER_H
#define RCM_ENCOUNTER_H

#include <stdint.h>
#include "cycle.h"

typedef struct rcm_import_report {
    long records;           /* records read */
    long added, updated, unchanged;
    long patients_added, coverages_added;
} rcm_import_report;

/* Errors: RCM_EIO, RCM_EFORMAT (located: file, line, field), RCM_ENOTFOUND (unknown payer or provider). */
RCM_API int rcm_practice_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err);
RCM_API int rcm_encounter_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err);

/* An encounter by the EHR's id, or by "#N" for encounter id N. RCM_ENOTFOUND when none. */
RCM_API int rcm_encounter_find(rcm_cycle *cy, const char *ref, int64_t *out, rcm_error *err);

/* A payer by the practice's code for it (MCR, BCBS...). RCM_ENOTFOUND when none. */
RCM_API int rcm_payer_find(rcm_cycle *cy, const char *code, int64_t *out, rcm_error *err);

#endif
