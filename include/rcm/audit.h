/*
 * The audit trail and coding audits.
 *
 * The trail: every login, read of patient data, change (with before and
 * after values), permission denial and use of an exception is one event in
 * the store's audit_log, chained by BLAKE2b-256: each event's hash covers the
 * previous event's hash and its own fields, so editing, deleting, inserting or
 * reordering any past event breaks the chain at that event. rcm never changes
 * or deletes an event (the store refuses it too) and keeps them all; an
 * anchor file kept elsewhere (rcm_audit_anchor) also catches the removal of
 * the newest events and a rewrite of the whole chain.
 *
 * Coding audits (CPMA-style): a reproducible random sample of a coder's
 * claims, the auditor's verdict on each code, the accuracy report, and the
 * providers' E/M level distribution against a reference.
 */
#ifndef RCM_AUDIT_H
#define RCM_AUDIT_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "value.h"
#include "store.h"
#include "cycle.h"

/* ---- the trail ---- */

typedef struct rcm_audit_event {
    int64_t seq;
    int64_t at;             /* seconds since 1970 UTC (the acting handle's clock) */
    int64_t user_id;        /* 0: no user (a failed login with an unknown name) */
    const char *user;       /* the user name (or the name tried, for a failed login) */
    const char *roles;      /* the roles held then, "coder,biller" */
    const char *origin;     /* where from: "cli HOST pid N", an address */
    const char *action;     /* login login-failed logout read denied assign submit post writeoff ... */
    const char *outcome;    /* ok / denied / failed */
    const char *entity;     /* the table of the record, or '' */
    int64_t entity_id;
    int64_t patient_id;     /* 0: none */
    int64_t claim_id;       /* 0: none */
    const char *detail;     /* ids, codes, amounts, before/after; never names or clinical text */
    const char *prev_hash;  /* 64 hex digits; the first event's is 64 zeros */
    const char *hash;
} rcm_audit_event;

typedef struct rcm_audit_filter {
    const char *user;       /* NULL: anyone */
    const char *patient;    /* a patient's MRN: the events about the patient, their encounters and
                               claims, and the batches and remittances holding those claims */
    const char *claim_no;   /* NULL: any claim */
    const char *action;     /* NULL: any */
    int64_t from, to;       /* at in [from, to); 0: open */
    int64_t limit;          /* 0: all */
} rcm_audit_filter;

/*
 * Calls fn for each event matching f, oldest first (strings valid during the
 * call only); fn returning non-zero stops the walk. With a limit, the newest
 * limit matches (still oldest first). Needs audit.read; the query itself is
 * an "audit-log" event written before the walk (so it is on record even if
 * the walk fails), and the walk stops just before it. Errors: RCM_ENOTFOUND
 * for an unknown patient or claim (nothing written), RCM_EIO.
 */
RCM_API int rcm_audit_log(rcm_cycle *cy, const rcm_audit_filter *f,
                          int (*fn)(const rcm_audit_event *ev, void *ctx), void *ctx, rcm_error *err);

typedef struct rcm_audit_verdict {
    int64_t events;         /* events checked */
    int64_t first_bad;      /* 0: the chain holds; else the first event that breaks it (or, for a
                               missing event, the seq expected there) */
    char why[256];          /* what is wrong with first_bad */
    char head[65];          /* the last event's hash */
    int64_t head_seq;
    int anchors;            /* anchor lines checked */
} rcm_audit_verdict;

/*
 * Proves the chain: seq runs 1..n without gaps, each prev_hash is the hash
 * before it, and each hash is recomputed from the fields. anchor_path (NULL:
 * none): an anchor file written by rcm_audit_anchor; each of its lines must
 * match the chain (so events removed from the end, or a rewritten chain, are
 * caught); pubkey_hex (NULL: unsigned anchors accepted) requires each line
 * to carry a valid Ed25519 signature by that key (a key without an anchor
 * file is RCM_EINVAL). Returns 0 and fills v whether or not the chain holds
 * (v->first_bad says); errors only when it cannot be read (a malformed
 * anchor line is RCM_EFORMAT with err's source and line set). Needs
 * audit.read; the verification is then an event.
 */
RCM_API int rcm_audit_verify(rcm_cycle *cy, const char *anchor_path, const char *pubkey_hex,
                             rcm_audit_verdict *v, rcm_error *err);

/*
 * Appends the chain's head ("seq hash at", and a signature when seckey_hex
 * is given) as one line to the anchor file at path (created 0600 when
 * missing), after checking the trail against the lines already there (v
 * holds that verdict: the line is appended even when the trail is broken).
 * Keep the file off the store's machine or write-once. RCM_ENOTFOUND on an
 * empty trail. Needs audit.read.
 */
RCM_API int rcm_audit_anchor(rcm_cycle *cy, const char *path, const char *seckey_hex, rcm_audit_verdict *v,
                             rcm_error *err);

/* A new Ed25519 key pair for signed anchors, as hex (pk 64 digits, sk 128). */
RCM_API int rcm_audit_keygen(char pk_hex[65], char sk_hex[129], rcm_error *err);

/* ---- coding audits ---- */

typedef struct rcm_audit_sample_spec {
    const char *coder;      /* whose claims (claim.coded_by) */
    rcm_date from, to;      /* claims whose first date of service is in [from, to] */
    int n;                  /* claims to draw (all when fewer) */
    uint64_t seed;          /* the same seed over the same claims draws the same sample */
    const char *stratify;   /* NULL or "none", "em" (by the claim's highest E/M level), "dollars"
                               (by charge quartile): n is split over the strata in proportion */
} rcm_audit_sample_spec;

typedef struct rcm_audit_sampled {
    int64_t claim_id;
    char claim_no[39];
    char stratum[16];       /* "all", "99214", "no-em", "q1".."q4" */
    int64_t charge_cents;
    int pick;               /* order drawn, from 1 */
} rcm_audit_sampled;

/*
 * Draws and records a sample of the coder's original claims (not
 * replacements or secondaries). *out (freed with free()) in draw order.
 * Needs audit.coding; an auditor may not sample their own coding
 * (RCM_EDENIED). RCM_EINVAL for n < 1 or from > to; RCM_ENOTFOUND when the
 * coder has no claims in the range.
 */
RCM_API int rcm_audit_sample(rcm_cycle *cy, const rcm_audit_sample_spec *spec, int64_t *sample_id,
                             rcm_audit_sampled **out, size_t *n, rcm_error *err);

/* The auditor's verdict on one code of a sampled claim. */
typedef struct rcm_audit_code {
    int line;               /* claim line number from 1; 0 for a diagnosis */
    char kind;              /* 'd' diagnosis, 'p' procedure, 'm' modifier, 'u' units */
    char code[16];          /* as billed ("" for a code the coder missed) */
    char correct[16];       /* what it should have been ("" when it should not be there) */
    char error_type[24];    /* "" when right; else one of RCM_AUDIT_ERROR_TYPES */
    int64_t effect_cents;   /* the change in expected payment the error caused; negative: over-coded.
                               INT64_MIN: compute it from the fee schedule */
} rcm_audit_code;

/* The error types an auditor may record. */
#define RCM_AUDIT_ERROR_TYPES                                                                               \
    "upcoded", "undercoded", "wrong-code", "missing-code", "unsupported-code", "modifier", "units",          \
        "dx-specificity", "dx-pointer", "sequencing"

/*
 * Records the review of one claim of a sample: codes lists only what the
 * auditor names; every other code of the claim counts as right. A code
 * named with correct == code and no error type is right too. A claim with
 * errors becomes one correction work item for the coder who coded it (queue
 * coder, kind audit, assignee the coder). Reviewing a claim twice replaces
 * nothing: RCM_EEXIST. Needs audit.coding; not for a claim the auditor coded.
 */
RCM_API int rcm_audit_score(rcm_cycle *cy, int64_t sample_id, const char *claim_no, const rcm_audit_code *codes,
                            size_t n, const char *note, rcm_error *err);

/* What a score file did. */
typedef struct rcm_audit_score_report {
    size_t claims;              /* claims reviewed */
    int64_t codes, errors;      /* codes reviewed / found in error */
    int64_t over_cents;         /* sum of the negative effects, as a positive amount */
    int64_t under_cents;        /* sum of the positive effects */
    size_t work_items;          /* correction items sent to the coders (one per claim with an error) */
} rcm_audit_score_report;

/*
 * Scores every claim of a score file (JSON, docs/coding-audit.md) against
 * sample_id, as rcm_audit_score does for one: all the claims or none (one
 * transaction). Errors are located: err->source is path and the message
 * names the claim's index and the field ("claims[2].codes[0].error: ...").
 * rep may be NULL. Needs audit.coding.
 */
RCM_API int rcm_audit_score_file(rcm_cycle *cy, int64_t sample_id, const char *path, rcm_audit_score_report *rep,
                                 rcm_error *err);

/* One coder's accuracy over the reviews selected. */
typedef struct rcm_audit_accuracy {
    char coder[64];
    int64_t claims, claims_ok;          /* reviewed / without any error */
    int64_t codes, codes_ok;            /* codes reviewed / right */
    int64_t over_cents, under_cents;    /* sums of the effects: over-coded (>= 0) and under-coded (>= 0) */
    int64_t billed_cents;               /* the reviewed claims' charges */
    int64_t by_type[10];                /* errors per RCM_AUDIT_ERROR_TYPES, in that order */
} rcm_audit_accuracy;

/*
 * Accuracy per coder over the reviews of sample_id (0: all samples), for
 * coder (NULL: all), reviewed in [from, to) (0: open). Needs audit.coding or
 * audit.read.
 */
RCM_API int rcm_audit_accuracy_report(rcm_cycle *cy, int64_t sample_id, const char *coder, int64_t from, int64_t to,
                                      rcm_audit_accuracy **out, size_t *n, rcm_error *err);

/* ---- E/M level distribution ---- */

/*
 * Loads the reference distribution from a CSV file (family,code,level,share
 * with share in percent; a header line; comments with #), replacing the one
 * before. Shares of each family must add up to 100 (within 0.5). Errors are
 * located "file:line: what"; nothing is loaded then. Needs
 * audit.em-reference.
 */
RCM_API int rcm_em_reference_load(rcm_cycle *cy, const char *path, const char *source, rcm_error *err);

/* One row of the loaded E/M reference. */
typedef struct rcm_em_reference_row {
    char family[24];
    char code[8];
    int level;
    int64_t share_ppm;          /* the share in parts per million (percent x 10000) */
    char source[128];
    int64_t loaded_at;
    char loaded_by[64];
} rcm_em_reference_row;

/*
 * The loaded reference, by family then level; *out (freed with free()) is
 * NULL and *n 0 when none is loaded. Needs audit.coding, audit.read or
 * audit.em-reference.
 */
RCM_API int rcm_em_reference_get(rcm_cycle *cy, rcm_em_reference_row **out, size_t *n, rcm_error *err);

/*
 * The chi-square distribution's upper tail: the probability of a value of
 * at least x with df degrees of freedom (1 to 60; NaN outside), in closed
 * form for whole degrees of freedom.
 */
RCM_API double rcm_em_chi2_p(double x, int df);

typedef struct rcm_em_row {
    char provider_npi[11];
    char family[24];
    int64_t visits;
    int64_t count[6];       /* per level 1..5 in count[1..5] */
    double share[6];        /* the provider's share per level, percent */
    double ref_share[6];    /* the reference's */
    double mean_level, ref_mean;
    double z_top;           /* (provider's share of levels 4-5 - reference's) / binomial SD */
    double chi2;            /* goodness of fit against the reference, 4 degrees of freedom at most */
    char flag[16];          /* "", "high" (possible upcoding), "low" (possible undercoding), "one-level", or
                               "high,one-level" / "low,one-level" */
} rcm_em_row;

/*
 * Each provider's E/M level distribution per family over claims with a date
 * of service in [from, to], against the loaded reference. A provider is
 * flagged "high" when the share of levels 4-5 is more than 2 standard
 * deviations above the reference's and the chi-square test rejects the
 * reference at 1%, "low" the same way below, "one-level" when 90% or more of
 * the visits are at one level; only with at least the em-min-visits setting
 * of visits. RCM_ENOTFOUND when no reference is loaded. Needs
 * audit.coding or audit.read (aggregate: no patient data).
 */
RCM_API int rcm_em_distribution(rcm_cycle *cy, rcm_date from, rcm_date to, rcm_em_row **out, size_t *n,
                                rcm_error *err);

#endif
