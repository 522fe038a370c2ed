/*
 * The practice's own payer rules: a text file a billing manager reads and
 * writes without C (docs/payer-rules.md). Each rule names the payers it is
 * for (or all), a condition on claim and line fields, and an action: report
 * an error or warning with a message and a route, require a modifier, a
 * prior authorization number or an attachment, or set the payer's timely
 * filing limit. Rules carry their own test claims, run by rcm_payer_rules_test.
 *
 * Loaded rules are immutable: the scrubber evaluates them from any number of
 * threads (rcm/scrub.h, family PAYER).
 */
#ifndef RCM_RULES_H
#define RCM_RULES_H

#include <stddef.h>
#include "error.h"
#include "claim.h"

typedef struct rcm_payer_rules rcm_payer_rules;

/*
 * Parses rules from text (n bytes; source names it in errors and findings).
 * A mistake fails the whole file with RCM_EFORMAT: err->source = source,
 * err->line = the line, err->msg what is wrong and where on the line
 * ("'when': unknown field 'line.cod': did you mean 'line.code'? ...").
 * RCM_ELIMIT past 16 MiB. Parsing reads no file: test claims given by file
 * name are read by rcm_payer_rules_test, relative to base_dir (NULL: the
 * current directory). Freed with rcm_payer_rules_free.
 */
RCM_API int rcm_payer_rules_parse(rcm_payer_rules **out, const char *text, size_t n, const char *source,
                                  const char *base_dir, rcm_error *err);

/*
 * Reads and parses the file at path (RCM_ENOTFOUND, RCM_EIO, or as _parse),
 * with its folder as base_dir. err->source is path.
 */
RCM_API int rcm_payer_rules_load(rcm_payer_rules **out, const char *path, rcm_error *err);

RCM_API void rcm_payer_rules_free(rcm_payer_rules *r);

/* How many rules were loaded. */
RCM_API size_t rcm_payer_rules_count(const rcm_payer_rules *r);

/* The version the file declares ("" when none). */
RCM_API const char *rcm_payer_rules_version(const rcm_payer_rules *r);

/* One rule as loaded, for listings. Strings are valid until r is freed. */
typedef struct rcm_payer_rule_info {
    const char *id;             /* "PAYER-AETNA-MRI-AUTH" */
    long line;                  /* its 'rule' line */
    const char *payers;         /* "60054 68862", or "*" for every payer */
    const char *when;           /* the conditions as written ("line.code in 70551..70553 and pos in 11, 22");
                                   "" when the rule has none */
    const char *action;         /* "flag", "require modifier 95, GT", "timely-filing 90 days"... */
    const char *message, *hint; /* as written, "" when not given */
    int severity, route;        /* RCM_SEV_*, RCM_ROUTE_*; 0 for a timely-filing rule (TF reports) */
    int per_line;               /* evaluated per service line (a condition on a line field, or a modifier) */
    int tf_days;                /* the timely-filing limit, 0 for other rules */
    size_t tests;
} rcm_payer_rule_info;

/* Fills out with rule i (0-based, file order); RCM_ENOTFOUND past the end. */
RCM_API int rcm_payer_rules_get(const rcm_payer_rules *r, size_t i, rcm_payer_rule_info *out);

/* The outcome of one test claim of one rule. */
typedef struct rcm_rules_test_result {
    const char *rule;           /* the rule's id */
    long line;                  /* the test's line in the rules file */
    const char *file;           /* the claims file as written in the test, NULL for an inline claim */
    long index;                 /* the claim's index in that file (0 for a single claim object) */
    int expect_fire;            /* 1: the rule must fire on the claim, 0: it must not */
    int fired;                  /* what happened */
    int claim_error;            /* 1: the test claim could not be read (detail says why) */
    int passed;
    char detail[256];           /* "line N: " and the finding's message when it fired; for a timely-filing
                                   rule the dates counted; or why the claim could not be read */
} rcm_rules_test_result;

/*
 * Runs every rule's test claims through the rule (the rule alone, as the
 * scrubber's PAYER family runs it). A timely-filing rule "fires" when the
 * claim is past its limit on the test's as-of date, else on today. A test
 * claims file that cannot be read or is not claims JSON is a failed test
 * (detail says why). Calls cb for each result (cb may stop the run by
 * returning non-zero, which is returned). Returns 0 when the run completed
 * (failures are counted in *failed), or an error (RCM_ENOMEM; RCM_EINVAL
 * without a date for today).
 */
RCM_API int rcm_payer_rules_test(const rcm_payer_rules *r, rcm_date today,
                                 int (*cb)(void *ctx, const rcm_rules_test_result *res), void *ctx,
                                 size_t *passed, size_t *failed, rcm_error *err);

#endif
