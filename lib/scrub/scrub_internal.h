/*
 * Inside the scrubber: the engine, the per-claim view every family reads, and
 * the helpers that append findings. Families live in lib/scrub/rules/, one
 * file each, as pure functions of (engine, claim view) that append findings.
 */
#ifndef RCM_SCRUB_INTERNAL_H
#define RCM_SCRUB_INTERNAL_H

#include "../util/util.h"
#include "rcm/scrub.h"
#include "rcm/rules.h"
#include "rcm/refdata.h"

/* Rule numbers, from rules.def: R_PTP_001... */
enum {
#define RULE(name, id, fam, sev, route, title) R_##name,
#include "rules.def"
#undef RULE
    R_COUNT
};

struct rcm_scrub {
    rcm_scrub_config cfg;
    uint32_t families;              /* resolved: bit per family to run */
    uint32_t unavailable;
    uint8_t disabled[R_COUNT];      /* 1: the rule is not reported */
    uint64_t bypass[21];            /* NCCI-associated modifiers: bit mod_slot(m) */
    char bypass_list[512];          /* cfg.bypass copied */
    char disabled_payer[1024];      /* ",PAYER-A,PAYER-B,": the practice's rules disabled by id */
};

/* A modifier packed into 16 bits: its two characters. */
static inline uint16_t mod_key(const char *m)
{
    return (uint16_t)(((unsigned char)m[0] << 8) | (unsigned char)(m[0] ? m[1] : 0));
}

/* A two-character modifier [0-9A-Z] as 0..1295, -1 for anything else. */
static inline int mod_slot(const char *m)
{
    int v = 0;
    for (int i = 0; i < 2; i++) {
        unsigned char ch = (unsigned char)m[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'A' && ch <= 'Z' ? ch - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 36 + d;
    }
    return v;
}

#define SCRUB_NO_PROC 0u

/* One service line as the families see it. */
typedef struct scrub_line {
    const rcm_claim_line *l;
    uint32_t pos;                   /* 1-based position in the claim */
    rcm_date from, to;              /* service dates: the line's, else the claim's (837I statement
                                       dates); RCM_DATE_NONE when neither has one */
    rcm_proc proc;                  /* packed procedure code; SCRUB_NO_PROC when not a 5-character
                                       CPT/HCPCS code */
    const char *npi;                /* the performing provider: line rendering, claim rendering,
                                       else billing NPI ("" when none) */
    uint16_t mods[RCM_CLAIM_MAX_MODS]; /* mod_key of each modifier, 0 when absent */
    uint32_t nmods;
    int is_em;                      /* an E/M code (99202-99499) */
} scrub_line;

/* The claim as the families see it: computed once per claim by the engine. */
typedef struct scrub_claim {
    const rcm_claim *c;
    uint32_t index;
    scrub_line *lines;
    uint32_t n;
    const char *patient_id;         /* subscriber member id (2010BA NM109) */
    rcm_date dob;                   /* the patient's: 2010CA when present, else the subscriber's */
    char sex;                       /* 'F' 'M' 'U', 0 when absent */
    rcm_date first_dos, last_dos;   /* over the lines; RCM_DATE_NONE when no line has a date */
    int table;                      /* RCM_NCCI_PRACTITIONER (837P) or RCM_NCCI_HOSPITAL (837I) */
    int medicare;                   /* SBR09 MA or MB */
    const char *payer_id;           /* 2010BB NM109, "" when absent */
} scrub_claim;

/* Age in whole years on day d of someone born on dob; -1 when either is missing or d < dob. */
int scrub_age(rcm_date dob, rcm_date d);

/* 1 when line l carries the modifier with key k (mod_key). */
static inline int line_has_key(const scrub_line *l, uint16_t k)
{
    for (uint32_t i = 0; i < l->nmods; i++)
        if (l->mods[i] == k)
            return 1;
    return 0;
}

/* 1 when line l carries modifier m (two characters). */
static inline int line_has_mod(const scrub_line *l, const char *m)
{
    return line_has_key(l, mod_key(m));
}

/* 1 when m (two characters) is an NCCI-associated modifier for this engine. */
int scrub_is_bypass(const rcm_scrub *s, const char *m);

/*
 * Starts a finding of rule r on claim sc, with the rule's default severity
 * and route. Returns NULL when the rule is disabled or memory ran out
 * (out->failed); every finding_* helper takes NULL and does nothing, so
 * families need not check.
 */
rcm_finding *scrub_emit(const rcm_scrub *s, const scrub_claim *sc, int r, rcm_findings *out);

/* For payer rules: a finding with its own id, severity and route. */
rcm_finding *scrub_emit_custom(const rcm_scrub *s, const scrub_claim *sc, const char *id, int severity,
                               int route, rcm_findings *out);

void finding_severity(rcm_finding *f, int severity);
void finding_line(rcm_finding *f, uint32_t pos);
void finding_code(rcm_finding *f, const char *code);
void finding_msg(rcm_finding *f, const char *fmt, ...) RCM_PRINTF(2, 3);
void finding_hint(rcm_finding *f, const char *fmt, ...) RCM_PRINTF(2, 3);
void finding_source(rcm_finding *f, const char *table, const char *version, const char *file, long line);
void finding_field(rcm_finding *f, const char *key, const char *fmt, ...) RCM_PRINTF(3, 4);
/* A date as YYYY-MM-DD ("" for RCM_DATE_NONE) into out[11]. */
const char *scrub_datestr(char out[11], rcm_date d);

/*
 * The families, in the order they run. Each appends to out and returns 0 or
 * RCM_ENOMEM. They read the engine's tables (which may be NULL: a family
 * whose tables are missing is never called).
 */
#define SCRUB_FAMILY(name) int family_##name(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
SCRUB_FAMILY(syn);      /* rules/syn.c */
SCRUB_FAMILY(npi);      /* rules/npi.c */
SCRUB_FAMILY(dx);       /* rules/dx.c */
SCRUB_FAMILY(px);       /* rules/px.c */
SCRUB_FAMILY(mod);      /* rules/mod.c */
SCRUB_FAMILY(ptp);      /* rules/ptp.c */
SCRUB_FAMILY(mue);      /* rules/mue.c */
SCRUB_FAMILY(aoc);      /* rules/aoc.c */
SCRUB_FAMILY(age);      /* rules/agesex.c */
SCRUB_FAMILY(sex);      /* rules/agesex.c */
SCRUB_FAMILY(dup);      /* rules/dup.c */
SCRUB_FAMILY(tf);       /* rules/tf.c */
SCRUB_FAMILY(mn);       /* rules/mn.c */
SCRUB_FAMILY(payer);    /* rules/payer.c: the practice's rules (rcm/rules.h) */

/*
 * Payer rules' timely-filing limit for claim sc, when a rule sets one: returns
 * 1 with *days and the rule's id and file line, else 0 (lib/scrub/payer/).
 */
int payer_rules_tf_limit(const rcm_payer_rules *r, const scrub_claim *sc, int *days, const char **rule_id,
                         const char **file, long *line);

/*
 * History lookups (history.c): for lines first..first+n-1 of sc, earlier[i]
 * the claim id of an earlier claim holding line first+i, or NULL.
 */
void scrub_history_find_lines(const rcm_scrub_history *h, const scrub_claim *sc, uint32_t first, uint32_t n,
                              const char **earlier);

#endif
