/*
 * The reference-data import framework as loaders see it.
 *
 * A kind is one row of lib/refdata/kinds.def naming a `const refdata_kind
 * refdata_kind_<name>` defined in the kind's own file. Adding a kind (a
 * table, a layout) means: a migration appended to lib/store/schema.c for its
 * tables, a file defining the refdata_kind, and one KIND(name) line in
 * kinds.def. The framework (import.c) does everything around the loader:
 * reads the file (gzip or zip transparently), checksums it, skips a file
 * loaded before, detects the kind, opens the transaction, records the load,
 * replaces an earlier load of the same kind and version, and commits or
 * rolls back.
 */
#ifndef RCM_REFDATA_INTERNAL_H
#define RCM_REFDATA_INTERNAL_H

#include "../util/util.h"
#include "../store/store_internal.h"
#include "rcm/refdata.h"

/* What detect() sees: the file's name and its first bytes. */
typedef struct refdata_probe {
    const char *name;   /* base name, ".gz" removed (for a zip: the member's base name) */
    const char *head;   /* the first bytes of the decompressed content */
    size_t len;         /* at most REFDATA_PROBE_MAX */
} refdata_probe;

#define REFDATA_PROBE_MAX ((size_t)64 * 1024)

typedef struct refdata_ctx refdata_ctx;

typedef struct refdata_kind {
    const char *name;           /* "icd10cm": --kind value and refdata_load.kind */
    const char *description;    /* one line for help and docs */
    /* How sure the kind is that p is its layout: 0 not mine ... 100 certain. */
    int (*detect)(const refdata_probe *p);
    /*
     * Reads every line with refdata_next_line and stores the rows (load id
     * c->load_id). Sets c->version / c->eff_from / c->eff_to when opts did
     * not (refdata_default_version helps). Reports bad rows through
     * refdata_bad. Returns 0 or a negative RCM_E* with c->err filled.
     */
    int (*load)(refdata_ctx *c);
    /* Tables holding rows of this kind's loads, keyed by a load_id column; NULL-terminated. */
    const char *const *tables;
} refdata_kind;

/* Every kind, in kinds.def order. */
extern const refdata_kind *const refdata_kinds[];
extern const size_t refdata_nkinds;
const refdata_kind *refdata_kind_find(const char *name);

struct refdata_ctx {
    rcm_store *st;
    sqlite3 *db;
    const refdata_kind *kind;
    const rcm_refdata_opts *opts;
    const char *path;           /* as given, for messages (err->source) */
    const char *name;           /* base name, as in the probe */
    const char *data;           /* the whole decompressed content */
    size_t len;
    size_t pos;                 /* next line starts here */
    long line;                  /* number of the line last returned */
    long load_id;
    char version[RCM_REFDATA_VERSION_MAX];  /* from opts, else set by the loader */
    rcm_date eff_from, eff_to;  /* from opts, else set by the loader; RCM_DATE_NONE = open */
    long rows;                  /* the loader counts the rows it stores */
    rcm_refdata_report *report;
    rcm_error *err;
    rcm_buf scratch;            /* for refdata_split */
    sqlite3_stmt *code_put;     /* refdata_code_put's statement */
    sqlite3_stmt *fts_put;
    long next_code_id;
};

/* Sets *line to the next line without its CR/LF; returns 1, or 0 at the end. */
int refdata_next_line(refdata_ctx *c, rcm_str *line);

/*
 * A malformed row at the current line. Without skip_bad: fills c->err
 * (source, line, message) and returns RCM_EFORMAT, which the loader returns.
 * With skip_bad: lists the line in the report and returns 0; the loader
 * goes on with the next line. Messages name the field: "field 2 'code': ...".
 */
int refdata_bad(refdata_ctx *c, const char *fmt, ...) RCM_PRINTF(2, 3);

/* A failure that is not one row's (missing header, no version...): RCM_EFORMAT or code given. */
int refdata_fail(refdata_ctx *c, int code, const char *fmt, ...) RCM_PRINTF(3, 4);

/* An SQLite failure while storing: fills c->err, returns RCM_EIO/RCM_ENOMEM. */
int refdata_sqlerr(refdata_ctx *c, const char *what);

/*
 * Splits a delimited line (sep ',' with "quoted" fields and "" escapes, or
 * '\t' taken literally) into at most max fields. The fields point into
 * c->scratch (reused by the next call), NUL-terminated. Returns the number
 * of fields (more than max means there were more), or -1 for an unclosed
 * quote. Fields are trimmed of surrounding blanks.
 */
int refdata_split(refdata_ctx *c, rcm_str line, char sep, rcm_str *f, int max);

/* A header line's fields compared case-insensitively to names; 1 when they match. */
int refdata_header_is(rcm_str *f, int n, const char *const *names, int nnames);

/* Case-insensitive "does the probe's first line start with s". */
int refdata_probe_starts(const refdata_probe *p, const char *s);
/* Case-insensitive substring search in the base name. */
int refdata_name_has(const refdata_probe *p, const char *s);

/* The first 4-digit year 1990-2099 in name, 0 when none. */
int refdata_year_in_name(const char *name);

/*
 * Fills c->version from opts or the file name's year when the loader has not;
 * returns that year (0 when the version is not a year). With required set and
 * no version: fails with RCM_EINVAL "no version: name the file ..._YYYY or
 * pass --version".
 */
int refdata_default_version(refdata_ctx *c, int required);

/* Parses MM/DD/YYYY, YYYYMMDD or YYYY-MM-DD; empty -> RCM_DATE_NONE. Returns 0 or RCM_EFORMAT. */
int refdata_parse_date(rcm_date *out, rcm_str s);

/*
 * Stores one code of a code set (the table every set shares: ref_code) under
 * c->load_id; searchable sets (icd10cm, hcpcs, hcpcs_mod, cpt) are also
 * added to the text index. valid_from/valid_to: the code's own dates when the
 * file has them, else RCM_DATE_NONE (the load's range applies).
 */
int refdata_code_put(refdata_ctx *c, const char *set, rcm_str code, rcm_date valid_from,
                     rcm_date valid_to, int billable, rcm_str short_desc, rcm_str desc);

/*
 * The load of kind in force on dos: the latest effective-from among loads
 * not replaced whose range covers dos (RCM_DATE_NONE: the latest load).
 * *out = 0 when none. Returns 0 or an error.
 */
int refdata_load_in_force(rcm_store *st, const char *kind, rcm_date dos, long *out, rcm_error *err);

#endif
