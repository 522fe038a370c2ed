/*
 * Inside the payer rules (docs/payer-rules.md): the compiled form the parser
 * builds and the evaluator reads.
 *
 * A rules file compiles into flat arrays owned by the rcm_payer_rules: rules,
 * conditions, code values, number values, payer ids and tests. Rules refer
 * to their parts by index range, so a one-rule view (the tests) is a copy of
 * the struct with `rules` pointing at one rule. Nothing here changes after
 * loading: evaluation reads it from any number of threads and allocates
 * nothing.
 */
#ifndef RCM_PAYER_INTERNAL_H
#define RCM_PAYER_INTERNAL_H

#include "../scrub_internal.h"

/* The fields a condition reads. The order is the documentation's. */
enum pr_field {
    /* claim */
    PF_KIND, PF_FILING, PF_POS, PF_FREQ, PF_DX, PF_PDX, PF_AGE, PF_SEX, PF_DOS, PF_CHARGE, PF_ATTACH,
    PF_BILL_NPI, PF_BILL_TYPE, PF_BILL_TAXONOMY, PF_REND_NPI, PF_REF_NPI,
    /* line */
    PF_L_CODE, PF_L_MOD, PF_L_UNITS, PF_L_CHARGE, PF_L_POS, PF_L_DX, PF_L_REV, PF_L_NDC, PF_L_NPI, PF_L_ATTACH,
    PF_COUNT
};

/* What a field holds: one code, a number (money, units, age, a date), or several codes. */
enum pr_type { PT_CODE, PT_NUM, PT_SET };

enum pr_op {
    PO_IN, PO_NOT_IN,           /* '=' and '!=' are these with one value */
    PO_LT, PO_LE, PO_GT, PO_GE,
    PO_HAS, PO_LACKS,
    PO_MISSING, PO_PRESENT
};

enum pr_action { PA_FLAG = 1, PA_REQ_MOD, PA_REQ_AUTH, PA_REQ_REFERRAL, PA_REQ_ATTACH, PA_TF };

/* One code value: exactly lo, codes starting with lo (lo*), or codes whose first len characters are in lo..hi. */
enum { PV_EXACT, PV_PREFIX, PV_RANGE };
#define PR_CODE_MAX 16
typedef struct pr_code {
    char lo[PR_CODE_MAX], hi[PR_CODE_MAX];
    uint8_t kind, len;
} pr_code;

/* One number value: lo..hi inclusive (lo == hi for a single value). */
typedef struct pr_num {
    int64_t lo, hi;
} pr_num;

typedef struct pr_cond {
    uint8_t field, op;
    uint32_t first, n;          /* values: codes[] or nums[] by the field's type */
} pr_cond;

typedef struct pr_payer {
    char id[81];                /* 2010BB NM109 */
} pr_payer;

typedef struct pr_test {
    long line;                  /* of the 'test' clause */
    int expect_fire;
    rcm_date as_of;             /* RCM_DATE_NONE: the run's today */
    rcm_claim *claim;           /* an inline claim (owned), or NULL */
    const char *path;           /* a claims file, relative to base_dir (in the arena), or NULL */
} pr_test;

typedef struct pr_rule {
    char id[RCM_FINDING_RULE_MAX];
    long line;                  /* the 'rule' line */
    int action;                 /* PA_* */
    int severity, route;
    int per_line;               /* evaluated once per service line */
    int tf_days;                /* PA_TF */
    uint32_t payer_first, npayers;  /* 0 payers: all */
    uint32_t cond_first;        /* the claim conditions, then the line conditions */
    uint32_t nclaim, nline;
    uint32_t req_first, nreq;   /* codes[]: the modifiers or attachment report types required */
    uint32_t test_first, ntests;
    const char *message, *hint; /* "" when not given (defaults are built at evaluation) */
    int msg_fields, hint_fields;/* 1 when the text holds {placeholders} */
    const char *when_text;      /* the conditions as text, for listings */
    const char *payer_text;     /* "60054 68862" or "*" */
    const char *action_text;    /* "require modifier 95, GT" */
} pr_rule;

struct rcm_payer_rules {
    pr_rule *rules;
    size_t nrules;
    pr_cond *conds;
    size_t nconds;
    pr_code *codes;
    size_t ncodes;
    pr_num *nums;
    size_t nnums;
    pr_payer *payers;
    size_t npayers;
    pr_test *tests;
    size_t ntests;
    char version[32];
    const char *source;         /* the file name, in the arena */
    const char *base_dir;       /* for test claim files; "" the current directory */
    arena mem;                  /* every string above */
};

/* Field facts, by PF_*. */
typedef struct pr_field_info {
    const char *name;
    uint8_t type;               /* PT_* */
    uint8_t line;               /* a line field: the rule runs per line */
    uint8_t dated;              /* age, dos: the line's date in a rule per line */
    const char *what;           /* for messages: "a place of service (2 digits)" */
} pr_field_info;

extern const pr_field_info pr_fields[PF_COUNT];

/* 1 when the rule applies to the claim's payer. */
int pr_payer_matches(const rcm_payer_rules *r, const pr_rule *ru, const scrub_claim *sc);

/* 1 when every condition of [first, first + n) holds for the claim (and line l, may be NULL). */
int pr_conds_hold(const rcm_payer_rules *r, uint32_t first, uint32_t n, const scrub_claim *sc, const scrub_line *l);

/* Evaluates every rule (except timely filing) on the claim and appends findings. */
int pr_eval(const rcm_payer_rules *r, const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out);

#endif
