/*
 * NCCI edits (procedure-to-procedure, medically unlikely edits, add-on
 * codes) and the Medicare Physician Fee Schedule.
 *
 * The edit tables are imported into the store like every reference-data kind
 * (rcm/refdata.h: kinds ptp, ptp_hospital, mue, mue_hospital, mue_dme, aoc;
 * pprrvu, gpci, cf, anes_cf, locality for the fee schedule). For lookups the
 * scrubber does not query the store: the edit tables are compiled into a
 * read-only index file beside it (STORE + RCM_EDITS_SUFFIX), rebuilt from
 * the store after an import and memory-mapped by readers. An open index
 * (rcm_edits) is immutable: every lookup below is a pure function of it, does
 * no I/O and no allocation, and may run on any number of threads at once.
 *
 * Versions. Each table (PTP practitioner, PTP hospital, MUE practitioner,
 * MUE hospital, MUE DME, AOC) may hold several quarterly versions side by
 * side. A version is in force from its quarter's first day (from the file
 * name: ccipra-v313r0 is NCCI 31.3, in force from 2025-10-01) until the next
 * loaded version starts. A lookup on a date of service uses the version in
 * force on that date, or the earliest version loaded when the date is
 * before all of them (PTP and AOC rows carry their own dates, so an older
 * date is still judged by them). docs/edits.md has the details.
 *
 * The fee schedule is read from the store (it is not on the scrubber's hot
 * path) and priced in exact fixed point: no floating point anywhere.
 */
#ifndef RCM_EDITS_H
#define RCM_EDITS_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "buf.h"
#include "value.h"
#include "store.h"

/* ---- procedure codes as integers ---- */

/*
 * A CPT or HCPCS code (5 letters or digits) packed into 30 bits, 6 per
 * character, first character highest: packed order is the codes' string
 * order. 0 is never a packed code.
 */
typedef uint32_t rcm_proc;

/*
 * Packs code (5 characters [0-9A-Za-z]; lower case is taken as upper).
 * Returns 0, or RCM_EFORMAT when code is not 5 letters or digits.
 */
RCM_API int rcm_proc_pack(rcm_proc *out, rcm_str code);

/* Writes the code back as 5 characters and a NUL into out (6 bytes); "" for 0. */
RCM_API void rcm_proc_unpack(char out[6], rcm_proc code);

/* ---- tables ---- */

enum {
    RCM_NCCI_PRACTITIONER = 0,  /* PTP and MUE, practitioner services (837P) */
    RCM_NCCI_HOSPITAL = 1,      /* PTP and MUE, outpatient hospital services (837I) */
    RCM_NCCI_DME = 2            /* MUE only: DME supplier services */
};

/* "practitioner", "hospital", "dme"; NULL for anything else. */
RCM_API const char *rcm_ncci_table_name(int table);

/* Parses a table name (also "outpatient", "prac", "hosp"); returns 0 or RCM_EINVAL. */
RCM_API int rcm_ncci_table_parse(int *out, const char *name);

/* ---- the compiled index ---- */

typedef struct rcm_edits rcm_edits;

/* The index file sits beside the store: "rcm.db" -> "rcm.db.refidx". */
#define RCM_EDITS_SUFFIX ".refidx"

/*
 * Builds the index of every edit table in the store (all loads of the edit
 * kinds not replaced) into the file at path: written to a temporary file in
 * the same folder, then renamed over path, so a reader never sees a partial
 * file and one that has the old file mapped keeps it. Errors: RCM_EIO
 * (store, or cannot write), RCM_ENOMEM, RCM_ELIMIT (a table version of more
 * than 2^31 rows).
 */
RCM_API int rcm_edits_build(rcm_store *st, const char *path, rcm_error *err);

/*
 * Maps the index file at path read-only and validates it: magic, format
 * version, file size, the header's checksum and every table's bounds. A
 * truncated, corrupt or foreign file fails with RCM_EFORMAT (never a crash
 * in a later lookup); a missing one with RCM_ENOTFOUND. The body's checksum
 * is not read here (that would touch every page): rcm_edits_verify does it.
 * On success *out is freed with rcm_edits_close().
 */
RCM_API int rcm_edits_open(rcm_edits **out, const char *path, rcm_error *err);

/*
 * The index for a store: opens STORE.refidx and, when it is missing,
 * unreadable or older than the store's edit loads (the index records a
 * fingerprint of the loads it was built from), rebuilds it first. When the
 * file cannot be written (read-only folder) the index is built in memory
 * instead. *rebuilt (may be NULL) is set to 1 when a build happened.
 */
RCM_API int rcm_edits_open_store(rcm_edits **out, rcm_store *st, int *rebuilt, rcm_error *err);

/*
 * Rebuilds STORE.refidx when it is missing or stale; does nothing when it is
 * current, or when the store holds no edit tables and there is no index file.
 * For importers: call after rcm_refdata_import. *rebuilt may be NULL.
 */
RCM_API int rcm_edits_refresh(rcm_store *st, int *rebuilt, rcm_error *err);

/* Reads the whole file and checks the body's checksum: RCM_EFORMAT when it differs. */
RCM_API int rcm_edits_verify(const rcm_edits *idx, rcm_error *err);

/* Unmaps the index. NULL does nothing. */
RCM_API void rcm_edits_close(rcm_edits *idx);

/* One table version held by the index (for status displays). */
typedef struct rcm_edits_table {
    const char *kind;       /* "ptp", "mue" or "aoc" */
    int table;              /* RCM_NCCI_*; practitioner for aoc */
    const char *version;    /* "v313r0", "2025Q3", "sample" */
    rcm_date eff_from;      /* RCM_DATE_NONE: no start (the earliest version) */
    rcm_date eff_to;        /* the day before the next version starts; RCM_DATE_NONE: open */
    long rows;
    int files;              /* loads (files) behind it: a PTP table comes in several */
} rcm_edits_table;

/*
 * Fills up to max entries of out (strings valid until the index is closed);
 * returns how many table versions the index holds.
 */
RCM_API size_t rcm_edits_tables(const rcm_edits *idx, rcm_edits_table *out, size_t max);

/* Fingerprint of the loads the index was built from (what rcm_edits_refresh compares). */
RCM_API uint64_t rcm_edits_fingerprint(const rcm_edits *idx);

/* ---- PTP: procedure-to-procedure edits ---- */

typedef struct rcm_ptp_row {
    rcm_proc col1, col2;    /* column 1 (paid) and column 2 (denied) codes */
    rcm_date eff;           /* effective date */
    rcm_date del;           /* deletion date (the edit does not apply on or after it); RCM_DATE_NONE */
    int modifier;           /* modifier indicator: 0 never bypassed, 1 bypassable, 9 not an edit */
    int pre1996;            /* 1: the edit existed before 1996 ('*' in the file) */
    int table;              /* RCM_NCCI_PRACTITIONER or RCM_NCCI_HOSPITAL */
    const char *version;    /* table version; valid until the index is closed */
    const char *source;     /* the imported file's name */
    long load_id;           /* the load (rcm refdata status) */
    long line;              /* line of the row in that file */
} rcm_ptp_row;

/*
 * Is there a PTP edit with column 1 col1 and column 2 col2 (this order) in
 * force on dos in the table? In force: eff <= dos, no deletion date or
 * dos < del, and modifier indicator 0 or 1 (9 is not an edit). Returns 1 and
 * fills out (may be NULL) with the row, or 0 when no edit applies. When
 * several rows of the pair are in force, the one with the latest effective
 * date is returned. dos RCM_DATE_NONE: the latest version, rows not deleted.
 * Hot path: no allocation, no I/O, thread-safe.
 */
RCM_API int rcm_ptp_find(const rcm_edits *idx, rcm_proc col1, rcm_proc col2, rcm_date dos, int table,
                         rcm_ptp_row *out);

/* One pair for rcm_ptp_find_n. */
typedef struct rcm_ptp_query {
    rcm_proc col1, col2;
} rcm_ptp_query;

/*
 * rcm_ptp_find for n pairs at once (typically every ordered pair of a
 * claim's codes): found[i] receives what rcm_ptp_find(q[i]...) returns and,
 * when out is not NULL, out[i] its row. Same answers as n single calls,
 * faster: the memory accesses of several pairs overlap. Returns how many
 * were found. Hot path: no allocation, no I/O, thread-safe.
 */
RCM_API size_t rcm_ptp_find_n(const rcm_edits *idx, const rcm_ptp_query *q, size_t n, rcm_date dos, int table,
                              int *found, rcm_ptp_row *out);

/*
 * Every row of the pair (col1, col2) in the version in force on dos, in
 * force or not (deleted, not yet effective, indicator 9), by effective
 * date. Fills up to max rows of out; returns how many there are.
 */
RCM_API size_t rcm_ptp_rows(const rcm_edits *idx, rcm_proc col1, rcm_proc col2, rcm_date dos, int table,
                            rcm_ptp_row *out, size_t max);

/* 1 when the row is an edit in force on dos (the rule of rcm_ptp_find), else 0. Pure. */
RCM_API int rcm_ptp_in_force(const rcm_ptp_row *r, rcm_date dos);

/*
 * The NCCI-associated modifiers that may bypass a PTP edit with modifier
 * indicator 1 (NCCI policy manual, as quoted in docs/edits.md). Payers and
 * years differ: a caller with its own list passes it to
 * rcm_ncci_modifier_bypasses instead.
 */
#define RCM_NCCI_BYPASS_DEFAULT                                                                  \
    "E1,E2,E3,E4,FA,F1,F2,F3,F4,F5,F6,F7,F8,F9,TA,T1,T2,T3,T4,T5,T6,T7,T8,T9,LT,RT,LC,LD,RC,LM,RI," \
    "24,25,27,57,58,78,79,59,91,XE,XS,XP,XU"

/*
 * 1 when modifier mod is in list (comma-separated, case-insensitive; NULL:
 * RCM_NCCI_BYPASS_DEFAULT), else 0. Pure.
 */
RCM_API int rcm_ncci_modifier_bypasses(rcm_str mod, const char *list);

/* ---- MUE: medically unlikely edits ---- */

typedef struct rcm_mue_row {
    rcm_proc code;
    long value;             /* the most units of the code per line (MAI 1) or per date of service (2, 3) */
    int mai;                /* MUE adjudication indicator: 1 line, 2 date of service (policy), 3 (clinical) */
    int table;              /* RCM_NCCI_PRACTITIONER, _HOSPITAL or _DME */
    const char *version, *source;
    long load_id, line;
} rcm_mue_row;

/* The MUE of code in the table's version in force on dos: 1 with out filled, 0 none. Hot path. */
RCM_API int rcm_mue_find(const rcm_edits *idx, rcm_proc code, rcm_date dos, int table, rcm_mue_row *out);

/*
 * A hint: starts loading the memory rcm_mue_find(idx, code, dos, table)
 * will read first, so a caller with several codes to look up can overlap
 * their cache misses. No effect on any answer; idx may be NULL.
 */
RCM_API void rcm_mue_prefetch(const rcm_edits *idx, rcm_proc code, rcm_date dos, int table);

/* ---- AOC: add-on codes ---- */

typedef struct rcm_aoc_row {
    rcm_proc addon;
    rcm_proc primary;       /* 0: no primary list (type 2: the contractor decides) */
    int type;               /* 1 listed primaries only, 2 no list, 3 listed and others may qualify */
    rcm_date eff, del;      /* del RCM_DATE_NONE: not deleted; the row applies for eff <= dos < del */
    const char *version, *source;
    long load_id, line;
} rcm_aoc_row;

/*
 * The primary codes of add-on code addon in force on dos (rows whose dates
 * cover it). Fills up to max rows of out, returns how many there are: 0 when
 * addon is not an add-on code on dos. Hot path.
 */
RCM_API size_t rcm_aoc_primaries(const rcm_edits *idx, rcm_proc addon, rcm_date dos, rcm_aoc_row *out,
                                 size_t max);

/* What rcm_aoc_check found. */
enum {
    RCM_AOC_NOT_ADDON = 0,      /* addon is not an add-on code on dos */
    RCM_AOC_PRIMARY = 1,        /* one of codes is a listed primary: out is its row */
    RCM_AOC_MISSING = 2,        /* type 1 and none of codes is a listed primary: out is the first row */
    RCM_AOC_CONTRACTOR = 3      /* type 2 or 3 with no listed primary among codes: the contractor decides */
};

/*
 * Checks add-on code addon against the other codes billed with it (same
 * patient, practitioner and date of service). Returns RCM_AOC_*; out (may be
 * NULL) gets the row behind the answer. Hot path.
 */
RCM_API int rcm_aoc_check(const rcm_edits *idx, rcm_proc addon, const rcm_proc *codes, size_t ncodes,
                          rcm_date dos, rcm_aoc_row *out);

/* ---- fee schedule (MPFS) ---- */

/*
 * RVUs, GPCIs, conversion factors and percentages are fixed point with
 * 4 decimal places (value x 10000): 1.30 RVU is 13000, a GPCI of 1.065 is
 * 10650, the 2025 CF $32.3465 is 323465, 150% is 15000.
 */
#define RCM_PFS_SCALE 10000

#define RCM_PFS_VERSION_MAX 32
#define RCM_PFS_SOURCE_MAX 256

/* One row of the PPRRVU file: a code, or a code with modifier 26, TC or 53. */
typedef struct rcm_pfs_rvu {
    char code[6];
    char modifier[3];           /* "" for the global service, "26", "TC", "53" */
    char status;                /* status code: 'A' active, 'R' restricted, 'T', 'C' carrier priced... */
    int32_t work, pe_nonfac, pe_fac, mp;    /* RVUs x RCM_PFS_SCALE */
    int nonfac_na, fac_na;      /* 1: the setting's PE RVU is marked NA */
    char pctc;                  /* PC/TC indicator '0'-'9' */
    char glob_days[4];          /* "000" "010" "090" "MMM" "XXX" "YYY" "ZZZ" */
    int32_t pre_op, intra_op, post_op;  /* share of the global package x RCM_PFS_SCALE */
    char mult_proc, bilat_surg, asst_surg, co_surg, team_surg;  /* indicators '0'-'9' */
    char endo_base[6];
    int32_t conv_factor;        /* the CF printed on the row, x RCM_PFS_SCALE; 0 when absent */
    char version[RCM_PFS_VERSION_MAX];
    char source[RCM_PFS_SOURCE_MAX];
    long load_id, line;
} rcm_pfs_rvu;

/* A payment locality with its GPCIs (and anesthesia CF and counties when those files are loaded). */
typedef struct rcm_pfs_locality {
    char mac[8];                /* Medicare administrative contractor: "01112" */
    char locality[4];           /* "05" */
    char state[4];
    char name[96];
    int32_t gpci_work, gpci_pe, gpci_mp;    /* x RCM_PFS_SCALE (work with the 1.0 floor) */
    int32_t anes_cf;            /* anesthesia CF for the locality x RCM_PFS_SCALE; 0 when not loaded */
    char counties[256];         /* "" when not loaded */
    char version[RCM_PFS_VERSION_MAX];
    long load_id, line;
} rcm_pfs_locality;

/*
 * The PPRRVU row of code with modifier (NULL or "" for the global service)
 * from the release in force on dos (the latest release of that year when
 * none has started yet; dos RCM_DATE_NONE: the latest release). Returns 0,
 * RCM_ENOTFOUND (no fee schedule loaded for that year, or no such row;
 * err says which), RCM_EIO.
 */
RCM_API int rcm_pfs_rvu_find(rcm_pfs_rvu *out, rcm_store *st, const char *code, const char *modifier,
                             rcm_date dos, rcm_error *err);

/*
 * Localities matching spec in the GPCI file in force on dos: "MAC:LOC"
 * ("01112:05"), or words found (case-insensitively) in the locality name or
 * state ("manhattan", "san francisco"). Fills up to max entries; returns
 * the number of matches (0: none), or a negative error.
 */
RCM_API int rcm_pfs_locality_find(rcm_pfs_locality *out, size_t max, rcm_store *st, const char *spec,
                                  rcm_date dos, rcm_error *err);

/*
 * The conversion factor of type "physician" or "anesthesia" in force on dos
 * (x RCM_PFS_SCALE) and the version it comes from (RCM_PFS_VERSION_MAX).
 * Returns 0 or RCM_ENOTFOUND.
 */
RCM_API int rcm_pfs_cf_find(int32_t *out, char *version, rcm_store *st, const char *type, rcm_date dos,
                            rcm_error *err);

/*
 * The published formula, exactly:
 *   cents = round_half_up( (work x gpci_work + pe x gpci_pe + mp x gpci_mp) x cf x pct )
 * with every input x RCM_PFS_SCALE (pct 10000 = 100%). The product is
 * carried exactly in 128-bit integers and rounded once, to the cent, at the
 * end. Inputs must be >= 0. Returns 0, RCM_EINVAL (a negative input) or
 * RCM_ELIMIT (the amount does not fit). Pure.
 */
RCM_API int rcm_pfs_amount(int64_t *out_cents, int32_t work, int32_t pe, int32_t mp, int32_t gpci_work,
                           int32_t gpci_pe, int32_t gpci_mp, int32_t cf, int32_t pct);

/* What rcm_fee_quote is asked. */
typedef struct rcm_fee_request {
    const char *code;
    const char *modifiers;      /* comma-separated ("26", "50,51"); NULL none */
    const char *locality;       /* as rcm_pfs_locality_find; NULL: national (every GPCI 1.000) */
    int facility;               /* 1: facility PE RVU (hospital, ASC, SNF...), 0: non-facility (office) */
    rcm_date dos;               /* picks the releases in force; RCM_DATE_NONE: the latest */
} rcm_fee_request;

#define RCM_FEE_NOTES 8

/* The expected Medicare allowed amount and everything it came from. */
typedef struct rcm_fee_quote {
    rcm_pfs_rvu rvu;
    rcm_pfs_locality loc;       /* national: name "NATIONAL", GPCIs 1.0000, mac/locality "" */
    int national;
    int32_t cf;                 /* x RCM_PFS_SCALE */
    char cf_version[RCM_PFS_VERSION_MAX];   /* "" when the CF came from the PPRRVU row */
    int facility;
    int32_t pe;                 /* the PE RVU used (facility or not) */
    int32_t pct;                /* adjustment for the modifiers x RCM_PFS_SCALE (10000 = none) */
    int priced;                 /* 1: paid under the PFS by this formula (status A, R, T) */
    int64_t cents;              /* the amount; 0 when not priced */
    char exact[48];             /* the unrounded amount in dollars, every digit ("88.952875"); "" when not priced */
    char notes[RCM_FEE_NOTES][160]; /* status, NA settings, modifier adjustments */
    int nnotes;
} rcm_fee_quote;

/*
 * Prices a service: the PPRRVU row (26/TC/53 among the modifiers pick
 * their own row), the locality's GPCIs, the physician CF in force (from the
 * cf file, else the row's), the setting's PE RVU, and the payment
 * adjustments of the modifiers the fee schedule indicators govern (50 with
 * bilateral indicator 1: 150%; 51 with multiple-procedure indicator 2: 50%;
 * 62 with co-surgeon indicator 1 or 2: 62.5% each, 0: not paid; 80/81/82
 * with assistant indicator 0 or 2: 16%, AS 13.6%, 1: not paid). Other
 * modifiers do not change the amount; each adjustment is listed in notes.
 * Returns 0 (see quote->priced), RCM_ENOTFOUND (no row, no such locality),
 * RCM_EINVAL (ambiguous locality: err lists matches), RCM_EIO.
 */
RCM_API int rcm_fee_quote_get(rcm_fee_quote *out, rcm_store *st, const rcm_fee_request *req,
                              rcm_error *err);

/* What a PFS status code means ("active code, paid under the fee schedule"); "" when unknown. */
RCM_API const char *rcm_pfs_status_text(char status);

#endif
