/*
 * What the practice and encounter importers share: reading their JSON files
 * with located errors ("FILE:LINE: encounter 'ENC-1': field 'patient.dob':
 * ...") and writing rows that are inserted, updated or left alone.
 *
 * A file is read whole and parsed by jansson, record by record: the elements
 * of a JSON array, or JSON Lines (objects that follow each other, usually
 * one per line). Member names must be unique (JSON_REJECT_DUPLICATES),
 * whole numbers stay integers, and a \u0000 inside a string reaches the
 * member readers, which refuse it with the field's name (JSON_ALLOW_NUL).
 *
 * jansson keeps no positions, so lines are counted here in the text: where
 * each record starts, and, only when reporting an error, where the field
 * named by the error's path is (cyj_fail). Both walk text that jansson has
 * already accepted, following strings and nesting; they decode nothing.
 * Not public.
 */
#ifndef RCM_CYCLE_IMPORT_H
#define RCM_CYCLE_IMPORT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "rcm/error.h"
#include "rcm/buf.h"
#include "rcm/value.h"
#include "cycle_internal.h"

/* The records of a file, in order. */
typedef struct cyj_reader {
    const char *buf;
    size_t len, pos;
    long line;              /* the line of buf[pos] */
    const char *source;     /* the file name, for errors */
    int state;              /* 0 start, 1 values, 2 array elements, 3 done */
    long index;             /* records returned */
    json_t *doc;            /* an array file: the whole array; else the current record */
} cyj_reader;

void cyj_reader_init(cyj_reader *r, const char *buf, size_t len, const char *source);
void cyj_reader_release(cyj_reader *r);

/*
 * The next record: *out the object (borrowed: valid until the next call or
 * cyj_reader_release), *text and *n its bytes in buf, *line its first line.
 * Returns 1 with a record, 0 at the end, RCM_EFORMAT (located: "not JSON:
 * WHAT (column C)") when the file is not JSON or a record is not an
 * object; RCM_ENOMEM. allow_array: a top-level array holds the records
 * (the whole array is parsed on the first call and held until
 * cyj_reader_release: a syntax error anywhere in it comes before any
 * record).
 */
int cyj_next(cyj_reader *r, int allow_array, const json_t **out, const char **text, size_t *n, long *line,
             rcm_error *err);

/* Where a value is read from, and the path to it ("payers[2].timely_days"). */
typedef struct cyj {
    rcm_error *err;
    const char *source;     /* the file name */
    const char *text;       /* the record's text; NULL: errors take line as is */
    size_t len;
    long line;              /* the record's first line */
    char record[80];        /* "encounter 'ENC-1'" or "": the message's lead */
    int quiet;              /* > 0: values are patient data, never echoed in messages */
    char path[192];
    size_t plen;
} cyj;

void cyj_init(cyj *j, rcm_error *err, const char *source, const char *text, size_t len, long line);

/* Path stack: push ".key" / "[i]", returning the length to pop back to. */
size_t cyj_key(cyj *j, const char *key);
size_t cyj_index(cyj *j, size_t i);
void cyj_pop(cyj *j, size_t at);

/*
 * Fails with code at the current path: err->source, err->line (the line of
 * the deepest part of the path found in the text) and the message
 * "[RECORD: ]field 'PATH': MESSAGE" ("RECORD: MESSAGE" at the top).
 */
int cyj_fail(cyj *j, int code, const char *fmt, ...) RCM_PRINTF(3, 4);

/* Flags of the member readers. */
enum {
    CYJ_REQ = 1 << 0,       /* must be there and, for strings, not '' */
    CYJ_X12 = 1 << 1,       /* goes into X12: printable ASCII but ~ * : ^ */
    CYJ_TEXT = 1 << 2,      /* free text: anything but NUL */
    CYJ_DIGITS = 1 << 3,    /* digits only */
    CYJ_ALNUM = 1 << 4,     /* upper-case letters and digits only */
    CYJ_QUIET = 1 << 5      /* patient data: the value is never echoed */
};

/*
 * o must be an object whose members are all in names (NULL-terminated):
 * RCM_EFORMAT "must be an object" or naming the unknown member.
 */
int cyj_members(cyj *j, const json_t *o, const char *const *names);

/* A string member into out (size bytes with the NUL). Absent: "" (an error with CYJ_REQ). */
int cyj_str(cyj *j, const json_t *o, const char *key, unsigned flags, char *out, size_t size);

/* A date member, YYYY-MM-DD, a real date. Absent or '': RCM_DATE_NONE (an error with CYJ_REQ). */
int cyj_date(cyj *j, const json_t *o, const char *key, unsigned flags, rcm_date *out);

/* A whole-number member in [min, max]. Absent: def (an error with CYJ_REQ). */
int cyj_int(cyj *j, const json_t *o, const char *key, unsigned flags, long min, long max, long def, long *out);

/* A money member: a decimal string ("150.00"), not negative. */
int cyj_cents(cyj *j, const json_t *o, const char *key, unsigned flags, int64_t *out);

/*
 * An object member (*out NULL when absent: an error with CYJ_REQ) whose
 * members must be in names; the path is left pushed at key (*at to pop).
 */
int cyj_obj(cyj *j, const json_t *o, const char *key, unsigned flags, const char *const *names,
            const json_t **out, size_t *at);

/* An array member (*out NULL when absent: an error with CYJ_REQ), at most max elements. */
int cyj_arr(cyj *j, const json_t *o, const char *key, unsigned flags, size_t max, const json_t **out);

/* Appends s (n bytes, UTF-8) to b as a JSON string, quotes included. */
void cyj_put_str(rcm_buf *b, const char *s, size_t n);

/* A postal address as the X12 N3/N4 segments carry it. */
typedef struct cyj_addr {
    char line1[56], line2[56], city[31], state[3], zip[10];
} cyj_addr;

/*
 * An address member {line1, line2, city, state, zip}: state 2 upper-case
 * letters, zip 5 or 9 digits. With CYJ_REQ it must be there with line1,
 * city, state and zip; without, it may be absent or all '' (then out is all
 * ''), but a partial address is an error. no_line2: line2 must be ''.
 */
int cyj_address(cyj *j, const json_t *o, const char *key, unsigned flags, int no_line2, cyj_addr *out);

/* An NPI member (10 digits, the Luhn check digit right). */
int cyj_npi(cyj *j, const json_t *o, const char *key, unsigned flags, char out[11]);

/* ---- rows ---- */

/* A column value: text s (NULL: SQL NULL) or, with is_int, the integer i (RCM_DATE_NONE dates: NULL). */
typedef struct cyv {
    const char *s;
    int64_t i;
    int is_int;
} cyv;
#define CYV_S(x) ((cyv){ (x), 0, 0 })
#define CYV_I(x) ((cyv){ NULL, (x), 1 })
#define CYV_DATE(x) ((cyv){ NULL, (x), 2 })

/*
 * A table written by key: the statements are prepared on first use and kept
 * for the whole import (cyr_release finalizes them). cols are compared to
 * tell a changed row from an unchanged one; xcols are written on insert and
 * update but not compared; extra is read by the SELECT after the cols (the
 * caller reads it from sel at column 1 + ncols, until the next find).
 */
typedef struct cyr {
    const char *table;
    const char *idcol;          /* NULL: the table has no id column; rows are updated by key */
    const char *const *keys;
    size_t nkeys;
    const char *const *cols;
    size_t ncols;
    const char *const *xcols;
    size_t nxcols;
    const char *extra;          /* NULL, or SQL expressions selected after the cols */
    sqlite3_stmt *sel, *ins, *upd;
    int64_t next_id;            /* 0 until taken (max + 1, then counted on) */
} cyr;

/* Finds the row of keyv: returns 1 (found: *id, *same), 0 (none) or an error. */
int cyr_find(rcm_cycle *cy, cyr *r, const cyv *keyv, const cyv *colv, int64_t *id, int *same, rcm_error *err);

/* Inserts a row (a new id when the table has one: *id). */
int cyr_insert(rcm_cycle *cy, cyr *r, const cyv *keyv, const cyv *colv, const cyv *xv, int64_t *id,
               rcm_error *err);

/*
 * Updates the row found (by id, or by key when the table has no id column).
 * xv NULL leaves the xcols as they are (a cyr keeps to one form: its
 * statement is prepared on the first call).
 */
int cyr_update(rcm_cycle *cy, cyr *r, int64_t id, const cyv *keyv, const cyv *colv, const cyv *xv,
               rcm_error *err);

void cyr_release(cyr *r);

#endif
