/*
 * Reference data: code sets and edit tables, versioned by date of service.
 *
 * Files are imported into a store (rcm/store.h) in their official layouts.
 * Each import is one "load": a row of refdata_load recording the kind, the
 * source file name, the SHA-256 of its bytes (after gunzip/unzip), the version
 * label, the range of dates of service it is in force for and its row count.
 * Loads of one kind form a timeline: on a date of service the load in force is
 * the one with the latest effective-from date whose range covers the date (a
 * later load of the same version replaces an earlier one). Several ICD-10-CM
 * years thus live side by side, and a lookup by date of service picks the
 * right one.
 *
 * Kinds (rcm_refdata_kind_name lists them; docs/refdata.md has the layouts):
 *   icd10cm    ICD-10-CM order file (fixed width, or its TSV derivative)
 *   hcpcs      HCPCS Level II (CSV with recid 3/4/7/8 rows)
 *   cpt        CPT from the user's licensed file (CSV: code,descriptor)
 *   carc rarc  claim adjustment reason / remittance advice remark codes
 *   csc_cat csc claim status category codes / claim status codes
 *   pos        place of service codes
 *   cas_group  claim adjustment group codes
 *   mce        Medicare Code Editor age/sex edit lists
 *   mce_ages   the age ranges of the MCE age categories for one version
 * and the edit-table and fee-schedule kinds added beside them.
 *
 * The functions below do I/O on the store; the code format checks at the end
 * are pure functions, safe from any thread.
 */
#ifndef RCM_REFDATA_H
#define RCM_REFDATA_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "buf.h"
#include "value.h"
#include "store.h"

/* ---- import ---- */

#define RCM_REFDATA_KIND_MAX 16     /* bytes, with the NUL */
#define RCM_REFDATA_VERSION_MAX 32
#define RCM_REFDATA_SOURCE_MAX 256

typedef struct rcm_refdata_opts {
    const char *kind;       /* NULL: detected from the file's name and layout */
    const char *version;    /* NULL: from the file name or content (e.g. "2022" for ICD FY2022) */
    rcm_date eff_from;      /* RCM_DATE_NONE: the kind's default for the version */
    rcm_date eff_to;        /* inclusive; RCM_DATE_NONE: the kind's default (often open) */
    int skip_bad;           /* 1: skip malformed rows (each listed in the report) */
    int64_t now;            /* seconds since 1970 UTC, recorded as loaded_at (no clock in lib) */
    const char *source_name;/* name recorded for the file; NULL: base name of path */
} rcm_refdata_opts;

/* Sets every field to its default (detect kind, no version, not skip_bad, now 0). */
RCM_API void rcm_refdata_opts_init(rcm_refdata_opts *o);

typedef struct rcm_refdata_skip {
    long line;              /* 1-based line in the (decompressed) file */
    char msg[256];          /* what was wrong, "field 2 'code': ..." */
} rcm_refdata_skip;

typedef struct rcm_refdata_report {
    char kind[RCM_REFDATA_KIND_MAX];
    char version[RCM_REFDATA_VERSION_MAX];
    char source[RCM_REFDATA_SOURCE_MAX];
    char sha256[65];        /* lower-case hex of the file's bytes after decompression */
    long load_id;           /* the new load, or the existing one when already_loaded */
    long replaced;          /* load id this import replaced (same kind and version), 0 none */
    int already_loaded;     /* 1: same kind and checksum were loaded before; nothing changed */
    rcm_date eff_from, eff_to;  /* RCM_DATE_NONE = open */
    long rows;              /* rows stored */
    long lines;             /* lines read */
    rcm_refdata_skip *skipped;  /* the lines skipped with skip_bad; owned by the report */
    size_t nskipped;
} rcm_refdata_report;

/* Frees what the report owns and clears it; a zeroed report is fine. */
RCM_API void rcm_refdata_report_release(rcm_refdata_report *r);

/*
 * Imports the file at path (plain, gzip, or a zip holding one data file) into
 * the store, all of it in one transaction. A file whose kind and checksum
 * were loaded before is not loaded again: returns 0 with
 * report->already_loaded set. A malformed row fails the whole import with
 * RCM_EFORMAT, err->source = path, err->line = its line and the field in
 * err->msg; with opts->skip_bad the row is skipped and listed in the report
 * instead. The report (caller-owned, released with
 * rcm_refdata_report_release; may be NULL) is filled on success and, as far
 * as known, on failure. opts may be NULL (defaults). Other errors:
 * RCM_ENOTFOUND (no such file), RCM_EIO (cannot read the file, a store write
 * failed), RCM_ELIMIT (over 2 GiB decompressed), RCM_EINVAL (unknown
 * opts->kind, the kind cannot be detected, a needed version is missing),
 * RCM_ENOMEM.
 */
RCM_API int rcm_refdata_import(rcm_store *st, const char *path, const rcm_refdata_opts *opts,
                               rcm_refdata_report *report, rcm_error *err);

/* The i-th kind's name and a one-line description, NULL past the end. */
RCM_API const char *rcm_refdata_kind_name(size_t i, const char **description);

/* ---- what is loaded ---- */

typedef struct rcm_refdata_load {
    long id;
    char kind[RCM_REFDATA_KIND_MAX];
    char version[RCM_REFDATA_VERSION_MAX];
    char source[RCM_REFDATA_SOURCE_MAX];
    char sha256[65];
    rcm_date eff_from, eff_to;  /* RCM_DATE_NONE = open */
    long rows;
    long skipped;
    int64_t loaded_at;          /* seconds since 1970 UTC, as the importer was told */
    long replaced_by;           /* a later load of the same kind and version, 0 none */
} rcm_refdata_load;

/*
 * Lists every load, ordered by kind and effective date. *out is an array of
 * *n entries the caller frees with free() (NULL when there are none).
 */
RCM_API int rcm_refdata_loads(rcm_refdata_load **out, size_t *n, rcm_store *st, rcm_error *err);

/* ---- code lookup ---- */

#define RCM_CODE_MAX 16
#define RCM_CODE_DESC_MAX 2048

typedef struct rcm_code_info {
    char set[RCM_REFDATA_KIND_MAX]; /* "icd10cm", "hcpcs", "hcpcs_mod", "cpt", "carc", "rarc",
                                       "csc_cat", "csc", "pos", "cas_group" */
    char code[RCM_CODE_MAX];        /* as stored and as on claims: E11621 */
    char display[RCM_CODE_MAX];     /* as people write it: E11.621 */
    int billable;                   /* 1 reportable (ICD leaf), 0 header/category */
    int valid;                      /* on dos: 1 in force, 0 not, -1 no table of this set covers dos */
    rcm_date valid_from, valid_to;  /* the span of consecutive loads holding the code that contains
                                       dos (or the latest span); RCM_DATE_NONE = open */
    char version[RCM_REFDATA_VERSION_MAX]; /* version of the load the description comes from */
    long load_id;
    char short_desc[128];
    char desc[RCM_CODE_DESC_MAX];
} rcm_code_info;

/*
 * Looks CODE up in every code set (a code such as "A1" can be both a HCPCS
 * modifier and a CARC). ICD-10-CM codes are accepted with or without the dot;
 * case is ignored. dos is the date of service to judge validity on, or
 * RCM_DATE_NONE to describe the code as of its latest load (valid is then 1
 * when that load holds it). Fills up to max entries of out and returns how
 * many sets know the code (0: none; may exceed max).
 */
RCM_API int rcm_code_lookup(rcm_code_info *out, size_t max, rcm_store *st, const char *code,
                            rcm_date dos, rcm_error *err);

typedef struct rcm_code_hit {
    char set[RCM_REFDATA_KIND_MAX];
    char code[RCM_CODE_MAX];
    char display[RCM_CODE_MAX];
    int billable;
    double rank;                    /* bm25: lower is better */
    char desc[RCM_CODE_DESC_MAX];
} rcm_code_hit;

/*
 * Ranked text search over ICD-10-CM, HCPCS (and a loaded CPT) descriptions,
 * in the loads in force on dos (RCM_DATE_NONE: the latest load of each
 * set). Every word must match (the last one, from 3 characters on, as a
 * prefix: search as one types); when fewer than max codes match them all,
 * codes matching some of the words follow. Billable codes come before
 * headers, then by bm25. Words are stemmed ("diabetic" finds "diabetes"). A
 * query that looks like a code or its start ("E11.6", "G04") lists the codes
 * starting with it instead (the words are searched when none does; a dot
 * limits it to ICD-10-CM). Returns the number of hits written to out (at
 * most max).
 */
RCM_API int rcm_code_search(rcm_code_hit *out, size_t max, rcm_store *st, const char *text,
                            rcm_date dos, rcm_error *err);

/* ---- code formats (pure; no I/O, no allocation) ---- */

/*
 * Each returns 0 when s has the format, RCM_EFORMAT otherwise with a reason
 * in *why (a static string; why may be NULL). Format only: whether the code
 * exists on a date is rcm_code_lookup's business.
 *   NPI: 10 digits, the last a Luhn check digit over "80840" + the first 9.
 *   ICD-10-CM: letter, digit, alphanumeric, then up to 4 alphanumerics; an
 *     optional dot after the 3rd character (only with more characters after).
 *   CPT: 5 digits (Category I), or 4 digits + F (II), T (III) or U (PLA).
 *   HCPCS Level II: a letter A-V + 4 digits.
 *   modifier: 2 letters/digits.
 * Letters must be upper case, as on claims.
 */
RCM_API int rcm_code_check_npi(rcm_str s, const char **why);
RCM_API int rcm_code_check_icd10cm(rcm_str s, const char **why);
RCM_API int rcm_code_check_cpt(rcm_str s, const char **why);
RCM_API int rcm_code_check_hcpcs(rcm_str s, const char **why);
RCM_API int rcm_code_check_modifier(rcm_str s, const char **why);

/* The NPI check digit (0-9) for 9 digits, or RCM_EFORMAT when s is not 9 digits. */
RCM_API int rcm_code_npi_check_digit(rcm_str s);

/*
 * Writes the ICD-10-CM code in s as stored (dot removed, upper case) into out
 * (at least RCM_CODE_MAX bytes). Returns 0, or RCM_EFORMAT when s is not
 * ICD-10-CM-shaped.
 */
RCM_API int rcm_code_icd10cm_normalize(char *out, rcm_str s);

/* Writes the display form of a stored ICD-10-CM code (E11621 -> E11.621) into out (RCM_CODE_MAX). */
RCM_API void rcm_code_icd10cm_display(char *out, const char *code);

#endif
