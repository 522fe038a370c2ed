/*
 * Code sets in memory, for the scrubber's hot path.
 *
 * rcm_code_lookup (rcm/refdata.h) answers one code at a time from the store;
 * the scrubber asks millions of times a second. rcm_codeset_open_store reads
 * the code sets, the Medicare Code Editor lists, the fee schedule's code facts
 * and the medical-necessity tables out of the store once into hash tables
 * keyed by packed codes; every lookup below is then a pure function of the
 * snapshot: no I/O, no allocation, thread-safe.
 *
 * Dates of service decide which load answers, as in the store: per set, the
 * load in force on dos (the latest start on or before dos whose range covers
 * it; replaced loads are left out). A code's own dates (valid_from/valid_to,
 * when its file has them) narrow its load's range.
 */
#ifndef RCM_CODESET_H
#define RCM_CODESET_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "buf.h"
#include "value.h"
#include "store.h"

typedef struct rcm_codeset rcm_codeset;

/*
 * Reads a snapshot of the store's code sets. Errors: RCM_EIO, RCM_ENOMEM.
 * An empty store gives an empty snapshot (every lookup answers "no table").
 * Freed with rcm_codeset_free; the strings the lookups return (versions,
 * file names, policies) point into the snapshot and live as long as it.
 */
RCM_API int rcm_codeset_open_store(rcm_codeset **out, rcm_store *st, rcm_error *err);
RCM_API void rcm_codeset_free(rcm_codeset *cs);

enum {
    RCM_SET_ICD10CM,    /* ICD-10-CM (codes without the dot) */
    RCM_SET_HCPCS,      /* HCPCS Level II codes */
    RCM_SET_HCPCS_MOD,  /* HCPCS modifiers (and the CPT modifiers rcm knows by number) */
    RCM_SET_CPT,        /* the user's licensed CPT file */
    RCM_SET_POS,        /* place of service */
    RCM_SET_PFS,        /* codes priced in the physician fee schedule (PPRRVU), with their facts */
    RCM_SET_COUNT
};

/* What a set knows of a code on a date of service. */
typedef struct rcm_code_fact {
    int valid;              /* 1 in the load in force on dos, 0 not in it, -1 no load of the set covers dos */
    int billable;           /* ICD-10-CM: 1 a reportable leaf, 0 a header; 1 for other sets */
    /* RCM_SET_PFS: the global-service row of the release in force */
    char status;            /* PFS status code ('A', 'I', 'N', 'B', 'X'...); 0 otherwise */
    char pctc;              /* PC/TC indicator '0'-'9'; 0 otherwise */
    char glob_days[4];      /* "000" "010" "090" "XXX" "YYY" "ZZZ" "MMM"; "" otherwise */
    char bilat;             /* bilateral surgery indicator '0'-'9'; 0 otherwise */
    const char *version;    /* of the load that answered (valid 0 or 1); NULL when valid is -1 */
    const char *source;     /* its file name */
    long load_id;
} rcm_code_fact;

/*
 * Looks code up in set on dos (code as on claims: no dot, upper case; up to
 * 7 characters; lower case is folded, and ICD-10-CM codes may carry their
 * dot). dos RCM_DATE_NONE: the latest load, and a code valid there when it
 * has no stop date of its own. Fills out and returns out->valid. The CPT
 * modifier numbers answer valid 1 in RCM_SET_HCPCS_MOD on every date
 * (version "built-in", load_id 0) when no HCPCS load holds them. Hot path.
 */
RCM_API int rcm_codeset_find(const rcm_codeset *cs, int set, rcm_str code, rcm_date dos, rcm_code_fact *out);

/*
 * A hint before rcm_codeset_find(cs, set, code, dos, ...): starts loading
 * the table slot that lookup probes first, so that a caller with several
 * codes to look up can overlap their cache misses (hint all, then look up
 * all). Answers nothing, changes nothing; any arguments are safe.
 */
RCM_API void rcm_codeset_prefetch(const rcm_codeset *cs, int set, rcm_str code, rcm_date dos);

/* ---- Medicare Code Editor: age and sex edits of diagnoses ---- */

enum {
    RCM_MCE_NEWBORN = 1 << 0,
    RCM_MCE_PEDIATRIC = 1 << 1,
    RCM_MCE_MATERNITY = 1 << 2,
    RCM_MCE_ADULT = 1 << 3,
    RCM_MCE_MALE = 1 << 4,      /* diagnosis for males only */
    RCM_MCE_FEMALE = 1 << 5     /* diagnosis for females only */
};

typedef struct rcm_mce_fact {
    unsigned cats;          /* RCM_MCE_* bits of the code; 0 none */
    int age_min[4], age_max[4]; /* per age category (newborn, pediatric, maternity, adult), years inclusive */
    const char *version, *source;
    long load_id;
} rcm_mce_fact;

/*
 * The MCE categories of diagnosis dx in the MCE load in force on dos.
 * Returns 1 (out filled, cats may be 0), or -1 when no MCE load covers dos.
 * Hot path.
 */
RCM_API int rcm_codeset_mce(const rcm_codeset *cs, rcm_str dx, rcm_date dos, rcm_mce_fact *out);

/* ---- medical necessity (kind mn: docs/refdata.md) ---- */

enum {
    RCM_MN_NO_POLICY = 0,   /* no policy of the payer (or of all payers) lists the procedure on dos */
    RCM_MN_COVERED = 1,     /* a policy lists it and one of the diagnoses given covers it */
    RCM_MN_NOT_COVERED = 2  /* a policy lists it and none of the diagnoses covers it */
};

typedef struct rcm_mn_fact {
    const char *policy;     /* "L33252", "NCD 190.18", as in the file */
    const char *payer;      /* "" all payers */
    const char *group;      /* the diagnosis group that covered; "" a diagnosis alone */
    const char *version, *source;
    long load_id;
    long line;              /* the row that covered (COVERED) or the policy's first row for the procedure */
    size_t dx_index;        /* COVERED: which of the diagnoses covered */
} rcm_mn_fact;

/*
 * Is procedure proc with diagnoses dx[0..ndx-1] (as on claims, no dot)
 * covered on dos under the policies of payer (a payer id; policies for all
 * payers apply too)? Covered when, under one policy listing proc on dos, a
 * row without a group matches one of the diagnoses, or every row of one
 * group does. Returns RCM_MN_*; out (may be NULL) gets the policy. Hot path.
 */
RCM_API int rcm_codeset_mn(const rcm_codeset *cs, rcm_str payer, rcm_str proc, rcm_date dos,
                           const rcm_str *dx, size_t ndx, rcm_mn_fact *out);

/*
 * 1 when a policy of the medical-necessity load in force on dos (of any
 * payer) lists proc, else 0: when 0, rcm_codeset_mn answers
 * RCM_MN_NO_POLICY for every payer and diagnoses. Cheap (a small table).
 */
RCM_API int rcm_codeset_mn_listed(const rcm_codeset *cs, rcm_str proc, rcm_date dos);

/* Rows held per set (for status displays and tests). */
RCM_API size_t rcm_codeset_count(const rcm_codeset *cs, int set);

#endif
