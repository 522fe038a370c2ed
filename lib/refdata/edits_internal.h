/*
 * Shared by the edit-table and fee-schedule loaders (ptp.c, mue.c, aoc.c,
 * pfs.c), the compiled index (refidx.c) and the fee lookups (fee.c): row
 * parsers that work on split fields (pure, testable without a store), the
 * version rules, fixed-point numbers and the kinds' names.
 */
#ifndef RCM_EDITS_INTERNAL_H
#define RCM_EDITS_INTERNAL_H

#include "refdata_internal.h"
#include "rcm/edits.h"

/* ---- numbers and codes ---- */

/*
 * Parses an unsigned decimal ("1.30", "32.3465", ".5", "2") into fixed point
 * with `decimals` places: "1.30" with 4 -> 13000. Digits past `decimals`
 * must be zeros (never rounded). Returns 0 or RCM_EFORMAT. max bounds the
 * result.
 */
int edits_fixed_parse(int64_t *out, rcm_str s, int decimals, int64_t max);

/* Formats fixed point with `decimals` places, trimming zeros beyond `keep`: 13000,4,2 -> "1.30". */
void edits_fixed_fmt(char *out, size_t outsz, int64_t v, int decimals, int keep);

/* A CPT (5 digits, 4 digits + F/T/U) or HCPCS Level II code (letter A-V + 4 digits), packed. */
int edits_proc_parse(rcm_proc *out, rcm_str s, const char **why);

/* ---- versions ---- */

/*
 * The quarter a version label or file name names, as the first day of the
 * quarter; RCM_DATE_NONE when none. Understood:
 *   NCCI version "v313r0" (31.3 = 2025 Q4: major - 1994 is the year, minor
 *     0-3 the quarter), also inside a name: "ccipra-v313r0-f1"
 *   "2025Q3", "2025_Q3", "2025-Q3", "Q3_2025", "Q3-2025"
 *   "Eff_07-01-2025", "07-01-2025", "2025-07-01", "2025-07" (the month's quarter start
 *     is not assumed: the month itself starts the version)
 * When label is set, *label receives a normalized version ("v313r0", "2025Q3",
 * "2025-07") of labelsz bytes.
 */
rcm_date edits_quarter_of(const char *s, char *label, size_t labelsz);

/* The NCCI part number of a name ("-f2" -> 2), 0 when none. */
int edits_part_of(const char *s);

/*
 * Sets c->version and c->eff_from for a quarterly edit table: --version
 * (understood as above when it can be) or the file name ("-f2" parts are
 * kept in the label: "v313r0-f2"); a file named SAMPLE... is version
 * "sample" in force for all dates. Fails with RCM_EINVAL "no version" when
 * neither names one.
 */
int edits_quarterly_version(refdata_ctx *c);

/* The label without its "-fN" part suffix: "v313r0-f2" -> "v313r0" (into out). */
void edits_base_version(char *out, size_t outsz, const char *version);

/* ---- delimited files with a preamble ---- */

/*
 * Splits a line of a file that may be tab-delimited or CSV: sep '\t' when the
 * line holds a tab, else ','. Returns the field count (as refdata_split).
 */
int edits_split_any(refdata_ctx *c, rcm_str line, rcm_str *f, int max);

/* Is field s, with blanks, case and punctuation ignored, equal to name (lower case letters and digits)? */
int edits_field_is(rcm_str s, const char *name);

/* Does field s, normalized as above, start with / contain prefix? */
int edits_field_starts(rcm_str s, const char *prefix);
int edits_field_has(rcm_str s, const char *part);

/* Probe helpers: the probe's lines, for detectors that look past a preamble. */
typedef struct probe_line {
    const char *p;
    size_t n;
} probe_line;
/* Fills up to max lines of the probe (CR/LF removed); returns how many. */
size_t edits_probe_lines(const refdata_probe *p, probe_line *out, size_t max);
/* Case-insensitive: does line l contain s? */
int edits_line_has(probe_line l, const char *s);

/* ---- parsed rows ---- */

typedef struct ptp_rec {
    rcm_proc col1, col2;
    int pre1996;
    rcm_date eff, del;      /* del RCM_DATE_NONE: '*' (not deleted) */
    int modifier;           /* 0, 1, 9 */
    rcm_str rationale;
} ptp_rec;

/*
 * Parses the fields of one PTP row (column 1, column 2, pre-1996 mark,
 * effective date, deletion date or '*', modifier indicator[, rationale]).
 * On failure writes "field N 'name': ..." into msg and returns RCM_EFORMAT.
 */
int ptp_parse_fields(ptp_rec *out, const rcm_str *f, int n, char *msg, size_t msgsz);

/* Is this a PTP header row ("Column 1", "Column 2", ...)? */
int ptp_is_header(const rcm_str *f, int n);

typedef struct mue_rec {
    rcm_proc code;
    long value;
    int mai;
    rcm_str mai_text, rationale;
} mue_rec;

int mue_parse_fields(mue_rec *out, const rcm_str *f, int n, char *msg, size_t msgsz);

typedef struct aoc_rec {
    rcm_proc addon, primary;    /* primary 0: none listed */
    int type;
    rcm_date eff, del;
} aoc_rec;

/* ---- store tables ---- */

/* The edit kinds' names and the tables they fill (refidx.c reads them). */
#define EDITS_KIND_PTP "ptp"
#define EDITS_KIND_PTP_HOSP "ptp_hospital"
#define EDITS_KIND_MUE "mue"
#define EDITS_KIND_MUE_HOSP "mue_hospital"
#define EDITS_KIND_MUE_DME "mue_dme"
#define EDITS_KIND_AOC "aoc"

/* Bytes of the ISO date of d ("" for RCM_DATE_NONE) for messages. */
void edits_date_str(char out[11], rcm_date d);

#endif
