/*
 * The scrubber: the claim edit engine between coding and submission.
 *
 * One call, rcm_scrub_claim, runs every enabled edit family on one claim and
 * appends what it finds to a caller-owned list. The same call serves the
 * coder's screen (one encounter as it is coded) and a batch of claims (the
 * biller's submission run, a bench of millions): two callers, one engine.
 *
 * An engine (rcm_scrub) is built once from a configuration and is then
 * immutable: it holds borrowed pointers to the reference tables (the NCCI
 * index of rcm/edits.h, the code sets of rcm/codeset.h), the practice's payer
 * rules and an optional history of claims already submitted. rcm_scrub_claim
 * does no I/O, takes no lock and allocates only when the findings list grows,
 * so any number of threads may scrub at once, each with its own list. The
 * findings depend only on the claim and the engine: never on the thread, the
 * batch or the order claims come in.
 *
 * Every finding names its rule (a stable id whose prefix is its family), who
 * must act (coder or biller), the claim, lines and codes involved, a message a
 * person can act on, a hint at the fix and the reference row that fired (the
 * table, its version, the file and line, the row's fields). docs/scrub.md
 * lists every rule.
 */
#ifndef RCM_SCRUB_H
#define RCM_SCRUB_H

#include <stddef.h>
#include <stdint.h>
#include "error.h"
#include "value.h"
#include "claim.h"
#include "edits.h"
#include "codeset.h"
#include "x12.h"

/* ---- findings ---- */

/* Severities are rcm/x12.h's RCM_SEV_ERROR, RCM_SEV_WARNING, RCM_SEV_INFO. */
enum { RCM_ROUTE_CODER = 1, RCM_ROUTE_BILLER = 2 };

/* "info", "warning", "error" / "coder", "biller"; "" for anything else. */
RCM_API const char *rcm_severity_name(int severity);
RCM_API const char *rcm_route_name(int route);

#define RCM_FINDING_RULE_MAX 40
#define RCM_FINDING_LINES 8
#define RCM_FINDING_CODES 4
#define RCM_FINDING_CODE_MAX 16
#define RCM_FINDING_SRC 8
#define RCM_FINDING_MSG_MAX 256
#define RCM_FINDING_HINT_MAX 224

/* One field of the reference row behind a finding ("column1" = "29881"). */
typedef struct rcm_finding_field {
    const char *key;                /* a static string */
    char value[48];
} rcm_finding_field;

typedef struct rcm_finding {
    char rule[RCM_FINDING_RULE_MAX];    /* "PTP-001"; payer rules "PAYER-..." */
    int severity;                       /* RCM_SEV_* */
    int route;                          /* RCM_ROUTE_* */
    char claim[39];                     /* CLM01 */
    uint32_t claim_index;               /* rcm_scrub_claim's index argument */
    uint32_t lines[RCM_FINDING_LINES];  /* 1-based positions of the lines in the claim (LX01 in a
                                           well-formed 837); none for a claim-level finding */
    uint32_t nlines;
    char codes[RCM_FINDING_CODES][RCM_FINDING_CODE_MAX]; /* codes involved: "29880", "E119", "59" */
    uint32_t ncodes;
    char message[RCM_FINDING_MSG_MAX];  /* what is wrong, for a person: "29880 is bundled into 29881..." */
    char hint[RCM_FINDING_HINT_MAX];    /* how to fix it; "" when there is nothing to suggest */
    /* the source: the table and row behind the finding ("" / 0 when the rule needs none) */
    char table[32];                     /* "ncci_ptp practitioner", "mue practitioner", "icd10cm",
                                           "payer_rules"... */
    char version[32];                   /* "v313r0", "2025Q3", "2022", the rules file's version */
    char file[96];                      /* the file the row was imported from, or the rules file */
    long file_line;                     /* the row's line in that file */
    rcm_finding_field fields[RCM_FINDING_SRC]; /* the row's fields that mattered */
    uint32_t nfields;
} rcm_finding;

/*
 * A growable list of findings, one per thread. It also holds the engine's
 * per-claim scratch, so it must not be shared by two threads at once.
 */
typedef struct rcm_findings {
    rcm_finding *v;
    size_t n, cap;
    size_t errors, warnings, infos;     /* counts by severity */
    int failed;                         /* sticky: an append ran out of memory */
    void *scratch;                      /* the engine's, freed by rcm_findings_release */
    size_t scratch_cap;
} rcm_findings;

RCM_API void rcm_findings_init(rcm_findings *f);
/* Empties the list, keeping its memory. */
RCM_API void rcm_findings_reset(rcm_findings *f);
RCM_API void rcm_findings_release(rcm_findings *f);

/* ---- history (duplicate claims) ---- */

/*
 * Lines of claims already submitted, for the DUP family: a line is a
 * duplicate when one with the same patient, billing and rendering provider,
 * payer, date of service, procedure code, modifiers, units and charge was
 * billed on another claim. Build it, add claims, then hand it to engines
 * (read-only from then on: any number of threads may share it).
 */
typedef struct rcm_scrub_history rcm_scrub_history;

RCM_API int rcm_scrub_history_new(rcm_scrub_history **out, rcm_error *err);
/* Adds every line of c. Returns 0 or RCM_ENOMEM. */
RCM_API int rcm_scrub_history_add(rcm_scrub_history *h, const rcm_claim *c);
RCM_API size_t rcm_scrub_history_lines(const rcm_scrub_history *h);
RCM_API void rcm_scrub_history_free(rcm_scrub_history *h);

/* ---- payer rules (docs/payer-rules.md) ---- */

typedef struct rcm_payer_rules rcm_payer_rules;

/* ---- the engine ---- */

/* Edit families: rule id prefixes. */
enum {
    RCM_FAM_SYN, RCM_FAM_NPI, RCM_FAM_DX, RCM_FAM_PX, RCM_FAM_MOD, RCM_FAM_PTP, RCM_FAM_MUE,
    RCM_FAM_AOC, RCM_FAM_AGE, RCM_FAM_SEX, RCM_FAM_DUP, RCM_FAM_TF, RCM_FAM_MN, RCM_FAM_PAYER,
    RCM_FAM_COUNT
};

/* "SYN", "NPI", ... ; NULL past the end. */
RCM_API const char *rcm_scrub_family_name(int family);

typedef struct rcm_scrub_config {
    rcm_date today;                     /* for dates in the future and timely filing; required */
    const rcm_edits *edits;             /* NCCI PTP/MUE/AOC; NULL: those families are unavailable */
    const rcm_codeset *codes;           /* code sets, MCE, medical necessity; NULL: DX/PX/MOD
                                           validity, AGE, SEX and MN are unavailable */
    const rcm_payer_rules *rules;       /* NULL: no practice rules */
    const rcm_scrub_history *history;   /* NULL: duplicates only within a claim */
    const char *bypass;                 /* NCCI-associated modifiers; NULL RCM_NCCI_BYPASS_DEFAULT */
    uint32_t families;                  /* bit (1 << RCM_FAM_*) per family to run; 0: all */
    const char *disable;                /* comma-separated rule ids not to report; NULL none */
    int medicare_tf_months;             /* 0: 12 (42 CFR 424.44) */
    int tf_warn_days;                   /* warn this many days before the limit; 0: 30, -1: never */
} rcm_scrub_config;

RCM_API void rcm_scrub_config_init(rcm_scrub_config *c);

typedef struct rcm_scrub rcm_scrub;

/*
 * Builds an engine from cfg (copied; the tables it points at are borrowed
 * and must outlive the engine). Errors: RCM_EINVAL (no today, an unknown rule
 * id in disable), RCM_ENOMEM.
 */
RCM_API int rcm_scrub_new(rcm_scrub **out, const rcm_scrub_config *cfg, rcm_error *err);
RCM_API void rcm_scrub_free(rcm_scrub *s);

/*
 * Families that were asked for but cannot run for want of tables (bit per
 * RCM_FAM_*): PTP/MUE/AOC without edits, DX/PX/MOD/AGE/SEX/MN without codes.
 * Callers should say so once, not per claim.
 */
RCM_API uint32_t rcm_scrub_unavailable(const rcm_scrub *s);

/*
 * Scrubs claim c: appends its findings to out (not reset first), each with
 * claim_index = index. Returns the number of error-severity findings added,
 * or RCM_ENOMEM (out->failed is set). Thread-safe for distinct lists.
 */
RCM_API int rcm_scrub_claim(const rcm_scrub *s, const rcm_claim *c, uint32_t index, rcm_findings *out);

/* ---- the rule catalogue ---- */

typedef struct rcm_rule_info {
    const char *id;         /* "PTP-001" */
    int family;             /* RCM_FAM_* */
    int severity;           /* default severity (a finding may be milder: see docs/scrub.md) */
    int route;
    const char *title;      /* one line: what the rule catches */
} rcm_rule_info;

/* The i-th built-in rule, NULL past the end. */
RCM_API const rcm_rule_info *rcm_scrub_rule(size_t i);

/* The built-in rule with this id, or NULL. */
RCM_API const rcm_rule_info *rcm_scrub_rule_find(const char *id);

#endif
