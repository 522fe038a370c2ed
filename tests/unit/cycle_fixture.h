/*
 * The revenue-cycle test fixture: a store in a temporary folder holding a
 * small practice (cyfx_practice_json), a cycle handle acting as user
 * "tester" (every role, with a separation-of-duties exception, so the steps
 * of the cycle can be run by one handle; tests of access control use
 * cyfx_user) on a fixed clock (CYFX_NOW: 2022-07-01 12:00 UTC), and helpers
 * that write encounters as the EHR would send them (docs/encounter-json.md)
 * and import them.
 *
 * The practice: RIVERSIDE FAMILY MEDICINE (NPI 1234567893); providers
 * CYFX_NPI1 (OKAFOR) and CYFX_NPI2 (CHEN); payers MCR (Medicare Part B,
 * payer id MCRB1, filing MB, timely 365, appeal 120), BCBS (BCBST, BL, 180,
 * 180) and AETNA (60054, CI, 90, 180); fees for 99202-99205, 99211-99215,
 * 36415, 81002, 93000, 20610, 11102, 17110, J1100, G0439, 90471, 96372 and
 * 99283 (99213 is 150.00; see the JSON for the others); contracted allowed
 * amounts for MCR (99213 92.50...) and BCBS (99213 105.00...), none for
 * AETNA.
 *
 * Typical use:
 *   cyfx f;
 *   cyfx_open(&f);
 *   int64_t enc = cyfx_add(&f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415");
 *   ...
 *   cyfx_close(&f);
 *
 * Every helper asserts (Criterion) on what the test did not mean to fail;
 * functions returning an rc leave the failure to the test (f->err holds it).
 * This file calls encounter.h and the cycle handle only; the helpers that
 * code, sign and build claims are in cycle_fixture_claims.h.
 */
#ifndef CYCLE_FIXTURE_H
#define CYCLE_FIXTURE_H

#include <stdint.h>
#include "rcm/rcm.h"
#include "rcm/encounter.h"
#include "rcm/cycle.h"

#define CYFX_NOW INT64_C(1656676800)   /* 2022-07-01 12:00:00 UTC */
#define CYFX_TODAY "2022-07-01"
#define CYFX_DOS "2022-06-15"          /* the default date of service */
#define CYFX_PRACTICE_NPI "1234567893"
#define CYFX_NPI1 "1679576722"         /* OKAFOR ADA, family medicine (the default provider) */
#define CYFX_NPI2 "1245319599"         /* CHEN MARK, internal medicine */
#define CYFX_USER "tester"
#define CYFX_ADMIN "admin"
#define CYFX_PASSWORD "correct horse battery"  /* every fixture user's password (hashed at the minimum cost) */

#define CYFX_SLOTS 8

typedef struct cyfx {
    char dir[256];          /* the temporary folder */
    char db[300];           /* the store file in it */
    rcm_store *st;
    rcm_cycle *cy;          /* "tester": every role, and a separation-of-duties exception */
    rcm_cycle *admin;       /* "admin": the bootstrap admin */
    rcm_cycle *extra[8];    /* handles made by cyfx_user, freed by cyfx_close */
    unsigned nextra;
    rcm_error err;          /* the last failure of a helper returning an rc */
    rcm_import_report rep;  /* the report of the last import */
    char path[300];         /* the file the last cyfx_import wrote (kept for error sources) */
    unsigned nfiles;
    rcm_buf out[CYFX_SLOTS];/* cyfx_encounter's results, reused round-robin */
    unsigned slot;
} cyfx;

/* The built-in practice file (docs/practice-json.md). */
extern const char cyfx_practice_json[];

/*
 * Creates the folder, the store (RCM_STORE_CREATE), the cycle for "tester"
 * at CYFX_NOW and imports cyfx_practice_json (asserts).
 */
void cyfx_open(cyfx *f);

/* Frees everything and removes the folder. A zeroed or closed fixture is fine. */
void cyfx_close(cyfx *f);

/*
 * Adds a user with roles (RCM_ROLE_* mask; several are allowed: the fixture
 * turns multi-role on), logs them in and returns their cycle handle on the
 * fixture's clock (freed by cyfx_close). sod: 1 to grant them a
 * separation-of-duties exception as well.
 */
rcm_cycle *cyfx_user(cyfx *f, const char *name, unsigned roles, int sod);

/* Logs name in (CYFX_PASSWORD) and opens a handle on the fixture's clock; the caller frees it. */
rcm_cycle *cyfx_login(cyfx *f, const char *name);

/*
 * Writes text to a new file in the folder (f->path: enc-N.jsonl) and runs
 * rcm_encounter_import on it: returns its rc, f->rep and f->err filled.
 */
int cyfx_import(cyfx *f, const char *text);

/* The same for a practice file (rcm_practice_import; f->path: practice-N.json). */
int cyfx_import_practice(cyfx *f, const char *text);

/* cyfx_import that must succeed (asserts with the located message). */
void cyfx_import_ok(cyfx *f, const char *text);

/* The encounter id of an EHR id ("ENC-1") or "#N" (asserts it exists). */
int64_t cyfx_enc(cyfx *f, const char *ext_id);

/* The payer id of a payer code ("MCR"; asserts it exists). */
int64_t cyfx_payer(cyfx *f, const char *code);

/*
 * An encounter, described field by field; NULL (or 0) takes the default.
 *   id        the EHR's id (required)
 *   date      YYYY-MM-DD (CYFX_DOS)
 *   payer     the primary payer's code ("MCR"); "" for none (self-pay)
 *   payer2    the secondary payer's code (none); payer3 the tertiary
 *   dx        proposed diagnoses, comma-separated, with or without dots ("E11.65,I10"); "" none
 *   lines     proposed lines separated by ';', each CODE:MODS:UNITS:PTRS:REV with
 *             MODS and PTRS comma-separated and every part after CODE optional:
 *             "99214:25:1:1,2;36415" (units default 1, ptrs default 1 on 837P when
 *             there is a dx, none on 837I); NULL or "" none
 *   mrn       the patient's MRN ("MRN-" + id)
 *   sex dob   F, 1950-02-03
 *   last first  the patient's name (TESTER, PAT)
 *   provider  rendering NPI (CYFX_NPI1)
 *   place     place of service (11; 23 for 837I)
 *   kind      'P' (default) or 'I' (then bill_type "131" unless set)
 *   relation  the patient's relation to the primary subscriber ("18"); when not
 *             18 a subscriber (SUBSCRIBER, SAM, 1948-05-05, M) is written
 *   member    the primary member id (one per payer by default)
 *   prior_auth, referring (an NPI; the referring name is DOCTOR REF)
 *   services, problems  one documented service / problem in words
 *   extra     raw JSON members put at the end of the object (",\"x\": 1"), to
 *             test what the importer refuses
 */
typedef struct cyfx_spec {
    const char *id, *date, *payer, *payer2, *payer3, *dx, *lines;
    const char *mrn, *sex, *dob, *last, *first, *provider, *place;
    char kind;
    const char *bill_type, *relation, *member, *prior_auth, *referring;
    const char *services, *problems, *extra;
} cyfx_spec;

/*
 * One encounter as one line of JSON (no newline). The string belongs to f
 * and stays valid for the next CYFX_SLOTS - 1 calls.
 */
const char *cyfx_encounter_spec(cyfx *f, const cyfx_spec *s);
#define CYFX_ENC(f, ...) cyfx_encounter_spec((f), &(cyfx_spec){ __VA_ARGS__ })

/* The common case: the defaults but for these (date, payer may be NULL). */
const char *cyfx_encounter(cyfx *f, const char *id, const char *date, const char *payer, const char *dx,
                           const char *lines);

/* Imports one such encounter and returns its encounter id (asserts). */
int64_t cyfx_add(cyfx *f, const char *id, const char *date, const char *payer, const char *dx,
                 const char *lines);
int64_t cyfx_add_spec(cyfx *f, const cyfx_spec *s);
#define CYFX_ADD(f, ...) cyfx_add_spec((f), &(cyfx_spec){ __VA_ARGS__ })

/* Joins n records into JSON Lines (one per line). Same ownership as cyfx_encounter. */
const char *cyfx_lines(cyfx *f, int n, ...);

/* The single integer a query returns ("SELECT count(*) FROM encounter"); asserts it runs. */
int64_t cyfx_int(cyfx *f, const char *sql);

/* Runs SQL that returns no rows (asserts), e.g. to put a record in a state. */
void cyfx_exec(cyfx *f, const char *sql);

/*
 * A text a query returns (first row, first column), copied into f's slots
 * (valid for the next CYFX_SLOTS - 1 calls that use slots); "" when no row.
 */
const char *cyfx_text(cyfx *f, const char *sql);

/*
 * Row counts of every table the encounter import writes, joined as
 * "practice=1 provider=2 ... audit_event=9", in f's slots like cyfx_text
 * (copy it to keep it).
 */
const char *cyfx_counts(cyfx *f);

/*
 * A digest of every row of those tables and of control_counter: equal
 * before and after a call proves it changed nothing, not even a value.
 * Returned by value (keep it across other calls):
 *   cyfx_sum before = cyfx_digest(&f);
 *   ...
 *   cr_assert_str_eq(cyfx_digest(&f).s, before.s);
 */
typedef struct cyfx_sum {
    char s[48];             /* "ROWS rows HASH" */
} cyfx_sum;
cyfx_sum cyfx_digest(cyfx *f);

#endif
