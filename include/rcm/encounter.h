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
 *
 * Each function checks the permission its comment names (RCM_PERMS in
 * include/rcm/cycle.h) before anything else: without it, RCM_EDENIED and a
 * "denied" audit event. A change is an audit event with what changed,
 * before -> after (field names only for patient data); a read of patient
 * data (an encounter, a patient's coverages) is a "read" event, written
 * before the data is returned.
 */
#ifndef RCM_ENCOUNTER_H
#define RCM_ENCOUNTER_H

#include <stdint.h>
#include "cycle.h"

typedef struct rcm_import_report {
    long records;           /* records read (practice file: the practice, providers, payers, fees, contracts) */
    long added, updated, unchanged;
    long patients_added, coverages_added;       /* encounter import only */
    long patients_updated, coverages_updated;   /* encounter import only */
} rcm_import_report;

/*
 * Errors: RCM_EIO, RCM_EFORMAT (located: file, line, field), RCM_ENOTFOUND
 * (unknown payer or provider), RCM_EDENIED. rcm_practice_import needs
 * practice.import (an event per practice, provider and payer added or
 * updated, one per fee and contract import); rcm_encounter_import needs
 * encounter.import (an event per encounter, patient and coverage updated,
 * one for the import).
 */
RCM_API int rcm_practice_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err);
RCM_API int rcm_encounter_import(rcm_cycle *cy, const char *path, rcm_import_report *out, rcm_error *err);

/*
 * An encounter by the EHR's id, or by "#N" for encounter id N. RCM_ENOTFOUND
 * when none. Needs encounter.read (only an id: no read event).
 */
RCM_API int rcm_encounter_find(rcm_cycle *cy, const char *ref, int64_t *out, rcm_error *err);

/* A payer by the practice's code for it (MCR, BCBS...). RCM_ENOTFOUND when none. Needs practice.read. */
RCM_API int rcm_payer_find(rcm_cycle *cy, const char *code, int64_t *out, rcm_error *err);

/* ---- reading back (rcm practice show, rcm encounter show) ---- */

typedef struct rcm_practice_info {
    int64_t practice_id;
    char name[61], npi[11], tax_id[10], taxonomy[11];
    char addr1[56], addr2[56], city[31], state[3], zip[10];
    char contact[61], phone[11];
    char submitter_id[81], submitter_name[61], receiver_id[81], receiver_name[61];
    long providers, payers, fees, contracts, patients, encounters;   /* row counts */
} rcm_practice_info;

typedef struct rcm_provider_info {
    int64_t provider_id;
    char npi[11], last[61], first[36], middle[26], taxonomy[11], specialty[81];
    int active;
    long encounters;
} rcm_provider_info;

typedef struct rcm_payer_info {
    int64_t payer_id;
    char code[11], name[61], payer_ext_id[81], filing[3];
    long timely_days, appeal_days;
    char addr1[56], city[31], state[3], zip[10];
    long contracts;             /* contracted allowed amounts on file */
} rcm_payer_info;

/*
 * The store's practice with its row counts; its providers (by NPI) and
 * payers (by code) as arrays the caller frees with free(). Errors:
 * RCM_ENOTFOUND (no practice), RCM_EIO, RCM_ENOMEM. Each needs
 * practice.read (the practice's own data: no read event).
 */
RCM_API int rcm_practice_get(rcm_cycle *cy, rcm_practice_info *out, rcm_error *err);
RCM_API int rcm_provider_list(rcm_cycle *cy, rcm_provider_info **out, size_t *n, rcm_error *err);
RCM_API int rcm_payer_list(rcm_cycle *cy, rcm_payer_info **out, size_t *n, rcm_error *err);

/* A coverage as an encounter's patient holds it. */
typedef struct rcm_coverage_info {
    int64_t coverage_id;
    char seq[2], payer[11], relation[3];
    int64_t payer_id;
} rcm_coverage_info;

/*
 * An encounter as stored. documentation and proposed are the compact JSON
 * texts (docs/encounter-json.md, "As stored"), malloc'ed: release the
 * struct with rcm_encounter_info_release. Patient data is limited to the
 * MRN: names, date of birth and addresses are not read.
 */
typedef struct rcm_encounter_info {
    int64_t encounter_id;
    char ext_id[51];
    char kind;                  /* 'P' or 'I' */
    rcm_date dos, dos_to;
    char pos[3], bill_type[4], prior_auth[51], status[8];
    int64_t patient_id;
    char mrn[31];
    int64_t provider_id;
    char provider_npi[11];
    char referring_npi[11];
    char source[300];           /* FILE:LINE it was imported from */
    int64_t imported_at, coded_at, signed_at;   /* 0: not yet */
    char coded_by[64], signed_by[64];
    size_t n_coverages;
    rcm_coverage_info coverages[3];
    char *documentation, *proposed;
} rcm_encounter_info;

/*
 * Errors: RCM_ENOTFOUND, RCM_EIO, RCM_ENOMEM. Needs encounter.read; a read
 * event (entity encounter) is written before it returns.
 */
RCM_API int rcm_encounter_get(rcm_cycle *cy, int64_t encounter_id, rcm_encounter_info *out, rcm_error *err);
RCM_API void rcm_encounter_info_release(rcm_encounter_info *e);

/* ---- a patient's coverage set by the biller (rcm coverage set / show) ---- */

/*
 * A coverage as the biller sets it, outside an encounter import: after a
 * billing-rooted denial (CO-27 coverage ended, CO-109 not this payer, CO-31
 * member not identified) the biller corrects the coverage, then rebills
 * (rcm_denial_rebill). Strings are borrowed; NULL and '' mean none.
 */
typedef struct rcm_coverage_update {
    const char *mrn;            /* the patient's medical record number (required) */
    const char *seq;            /* "P", "S" or "T" (required) */
    const char *payer;          /* the practice's payer code (required) */
    const char *member_id;      /* required; X12 text, at most 80 */
    const char *group_no;       /* at most 50 */
    const char *group_name;     /* at most 60 */
    const char *relation;       /* SBR02: NULL or '' is 18 (self); 01 19 20 21 39 40 53 G8 */
    /* the subscriber, required (last, first, dob, sex) when relation is not 18, empty when it is */
    const char *sub_last, *sub_first, *sub_sex;
    rcm_date sub_dob;           /* RCM_DATE_NONE: none */
    const char *sub_addr1, *sub_city, *sub_state, *sub_zip;     /* all or none */
    rcm_date from, to;          /* in force from, to (RCM_DATE_NONE: open) */
} rcm_coverage_update;

/*
 * Creates or replaces the coverage (patient, seq) in one transaction, with
 * an audit event "coverage-set" (the payer, relation and dates before ->
 * after; the member id, group and subscriber only named: "member_id
 * changed"; nothing is written when the stored coverage is the same). A
 * secondary needs a primary, a tertiary a secondary. Claims keep the payer
 * they were sent to. Errors name the field, never its value: RCM_EINVAL (a
 * bad field), RCM_ENOTFOUND (no such patient or payer), RCM_EIO. On an
 * error nothing is written. Needs coverage.set.
 */
RCM_API int rcm_coverage_set(rcm_cycle *cy, const rcm_coverage_update *u, rcm_error *err);

/* A stored coverage, as rcm coverage show lists it. */
typedef struct rcm_coverage_row {
    int64_t coverage_id, payer_id;
    char seq[2], payer[11], member_id[81], group_no[51], group_name[61], relation[3];
    int has_subscriber;         /* 1: the subscriber is not the patient (names are not read) */
    rcm_date from, to;          /* RCM_DATE_NONE: open */
} rcm_coverage_row;

/*
 * The coverages of the patient with medical record number mrn, P S T in
 * order, as an array the caller frees with free(). Errors: RCM_ENOTFOUND (no
 * such patient), RCM_EIO, RCM_ENOMEM. Needs coverage.read; a read event
 * (entity patient) is written before it returns.
 */
RCM_API int rcm_coverage_list(rcm_cycle *cy, const char *mrn, rcm_coverage_row **out, size_t *n, rcm_error *err);

#endif
