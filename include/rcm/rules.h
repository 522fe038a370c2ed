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
 * err->line = the line, err->msg what is wrong and where on the line.
 * Test claims given by file name are read relative to base_dir (NULL: the
 * current directory). Freed with rcm_payer_rules_free.
 */
RCM_API int rcm_payer_rules_parse(rcm_payer_rules **out, const char *text, size_t n, const char *source,
                                  const char *base_dir, rcm_error *err);

/* Reads and parses the file at path (RCM_ENOTFOUND, RCM_EIO, or as _parse). */
RCM_API int rcm_payer_rules_load(rcm_payer_rules **out, const char *path, rcm_error *err);

RCM_API void rcm_payer_rules_free(rcm_payer_rules *r);

/* How many rules were loaded. */
RCM_API size_t rcm_payer_rules_count(const rcm_payer_rules *r);

/* The version the file declares ("" when none). */
RCM_API const char *rcm_payer_rules_version(const rcm_payer_rules *r);

/* The outcome of one test claim of one rule. */
typedef struct rcm_rules_test_result {
    const char *rule;           /* the rule's id */
    long line;                  /* the test's line in the rules file */
    int expect_fire;            /* 1: the rule must fire on the claim, 0: it must not */
    int fired;                  /* what happened */
    int passed;
    char detail[256];           /* the finding's message, or why the claim could not be read */
} rcm_rules_test_result;

/*
 * Runs every rule's test claims through the rule (the rule alone, with
 * today as the date for timely filing). Calls cb for each result (cb may
 * stop the run by returning non-zero, which is returned). Returns 0 when
 * the run completed (failures are in the results), or an error.
 */
RCM_API int rcm_payer_rules_test(const rcm_payer_rules *r, rcm_date today,
                                 int (*cb)(void *ctx, const rcm_rules_test_result *res), void *ctx,
                                 size_t *passed, size_t *failed, rcm_error *err);

#endif
