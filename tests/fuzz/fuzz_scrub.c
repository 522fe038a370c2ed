/*
 * Fuzz target: the scrubber on hostile claims. The input is claims JSON (a
 * claim object or an array); each accepted claim is scrubbed by an engine
 * with no reference tables (the families that need none: SYN, NPI, MOD, DUP,
 * TF), with a small history holding the claims before it, and with a payer
 * rule that reads line fields. Every finding must name a rule of the
 * catalogue (or the payer rule), lines within the claim and a NUL-terminated
 * message; the error count returned must match the list's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/json.h"

#define CHECK(c)                                                                            \
    do {                                                                                    \
        if (!(c)) {                                                                         \
            fprintf(stderr, "fuzz_scrub: check failed: %s (line %d)\n", #c, __LINE__);      \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

static const char rules_text[] = "version fuzz\n"
                                 "rule PAYER-FUZZ\n"
                                 "  when line.code in 70551..70553, 99211\n"
                                 "  and line.units > 1\n"
                                 "  require modifier 59, XU\n"
                                 "  message \"{code} on line {line} needs 59 or XU\"\n"
                                 "rule PAYER-FUZZ-TF\n"
                                 "  when filing = CI\n"
                                 "  timely-filing 90 days\n";

static void check_findings(const rcm_findings *f, size_t first, const rcm_claim *c, int errors)
{
    int counted = 0;
    for (size_t i = first; i < f->n; i++) {
        const rcm_finding *x = &f->v[i];
        CHECK(memchr(x->rule, 0, sizeof(x->rule)) && memchr(x->message, 0, sizeof(x->message)));
        CHECK(rcm_scrub_rule_find(x->rule) || strncmp(x->rule, "PAYER-FUZZ", 10) == 0);
        CHECK(x->nlines <= RCM_FINDING_LINES && x->ncodes <= RCM_FINDING_CODES && x->nfields <= RCM_FINDING_SRC);
        for (uint32_t k = 0; k < x->nlines; k++)
            CHECK(x->lines[k] >= 1 && x->lines[k] <= c->n_lines);
        counted += x->severity == RCM_SEV_ERROR;
    }
    CHECK(counted == errors);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, size, JSON_DECODE_ANY, &jerr);
    if (!root)
        return 0;
    rcm_payer_rules *rules = NULL;
    rcm_scrub_history *hist = NULL;
    rcm_scrub *s = NULL;
    rcm_error err;
    CHECK(rcm_payer_rules_parse(&rules, rules_text, sizeof(rules_text) - 1, "fuzz.rules", NULL, &err) == 0);
    CHECK(rcm_scrub_history_new(&hist, &err) == 0);
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = rcm_date_from_ymd(2025, 12, 1);
    cfg.rules = rules;
    cfg.history = hist;
    CHECK(rcm_scrub_new(&s, &cfg, &err) == 0);
    rcm_findings f;
    rcm_findings_init(&f);
    size_t n = json_is_array(root) ? json_array_size(root) : 1;
    for (size_t i = 0; i < n && i < 64; i++) {
        const json_t *j = json_is_array(root) ? json_array_get(root, i) : root;
        rcm_claim *c = NULL;
        if (rcm_claim_from_json(&c, j, &err) < 0)
            continue;
        size_t first = f.n;
        int errors = rcm_scrub_claim(s, c, (uint32_t)i, &f);
        CHECK(errors >= 0);
        check_findings(&f, first, c, errors);
        CHECK(rcm_scrub_history_add(hist, c) == 0);
        rcm_claim_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(hist);
    rcm_payer_rules_free(rules);
    json_decref(root);
    return 0;
}
