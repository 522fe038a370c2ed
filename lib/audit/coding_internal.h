/*
 * What the coding-audit files (lib/audit/sample.c, score.c, em.c) share with
 * each other and with their fuzz targets: the score file reader and the E/M
 * reference CSV reader, which touch no store. Not public.
 */
#ifndef RCM_AUDIT_CODING_INTERNAL_H
#define RCM_AUDIT_CODING_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include "rcm/audit.h"
#include "../util/util.h"

/* The error types, in the order of RCM_AUDIT_ERROR_TYPES and rcm_audit_accuracy.by_type. */
extern const char *const audit_error_types[];
#define AUDIT_N_ERROR_TYPES 10

/* The index of an error type, or -1 for one that is not in the list. */
int audit_error_type_index(const char *s);

/* ---- the score file (score.c) ---- */

/* One claim of a score file. Strings are in the document's arena. */
typedef struct audit_score_claim {
    const char *claim_no;
    const char *note;
    rcm_audit_code *codes;
    size_t n;
} audit_score_claim;

typedef struct audit_score_doc {
    audit_score_claim *claims;
    size_t n;
    arena mem;
} audit_score_doc;

/* Limits of a score file. */
#define AUDIT_MAX_FILE ((size_t)16 << 20)
#define AUDIT_MAX_CLAIMS 10000
#define AUDIT_MAX_CODES 200         /* per claim */
#define AUDIT_MAX_NOTE 2000         /* bytes */

/*
 * Reads a score file's text (docs/coding-audit.md): shapes, field types,
 * kinds, error types and amounts are checked here; whether the codes are on
 * the claim is checked when scoring. Errors are RCM_EFORMAT with
 * err->source = source and the message naming the field
 * ("claims[1].codes[0].kind: ..."), err->line set for a JSON syntax error.
 * On success out owns everything (audit_score_doc_release); on failure
 * nothing is left to release.
 */
int audit_score_doc_read(audit_score_doc *out, const char *source, const char *text, size_t len, rcm_error *err);
void audit_score_doc_release(audit_score_doc *d);

/* ---- the E/M reference CSV (em.c) ---- */

typedef struct em_ref_entry {
    char family[24];
    char code[8];
    int level;                  /* 1..5 */
    int64_t share_ppm;          /* percent x 10000 */
    long line;                  /* its line in the file */
} em_ref_entry;

/* Limits of a reference file. */
#define EM_MAX_FILE ((size_t)1 << 20)
#define EM_MAX_ROWS 500

/*
 * Reads a reference CSV (family,code,level,share; a header line; # comments
 * and blank lines skipped): each row checked, no code twice, no level twice
 * in a family, each family's shares adding up to 100 within 0.5. *out
 * (freed with free()) in file order. Errors: RCM_EFORMAT located
 * "source:line: what" (line 0 for what concerns the whole file), RCM_ENOMEM.
 */
int em_reference_parse(const char *source, const char *text, size_t len, em_ref_entry **out, size_t *n,
                       rcm_error *err);

#endif
