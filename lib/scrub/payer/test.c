/*
 * The rules' own tests (rcm_payer_rules_test): each test claim runs through
 * its rule alone, as the scrubber runs it (an engine with only the PAYER
 * family and a one-rule view of the file), and must fire or not as the test
 * says. A timely-filing rule reports nothing itself, so its test asks
 * whether the claim is past the rule's limit on the test's date.
 */
#include <jansson.h>
#include "payer_internal.h"
#include "rcm/json.h"

typedef struct runner {
    const rcm_payer_rules *r;
    rcm_payer_rules view;       /* r with one rule */
    rcm_scrub *engine;          /* reads view */
    rcm_findings f;
    rcm_date today;
    int (*cb)(void *ctx, const rcm_rules_test_result *res);
    void *ctx;
    size_t passed, failed;
} runner;

/*
 * A timely-filing rule reports nothing itself: its test runs the TF family
 * (rules/tf.c, the one place the limit is counted) on the test's date with
 * only this rule loaded, warning as far ahead as can be, so the rule either
 * makes TF-001 (past the limit), TF-002 (within it), or nothing (it does not
 * apply). Findings of the Medicare limit (no rule in their source) are not
 * this rule's.
 */
static int tf_check(runner *x, const pr_rule *ru, const pr_test *te, const rcm_claim *c, rcm_rules_test_result *res)
{
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = te->as_of != RCM_DATE_NONE ? te->as_of : x->today;
    cfg.rules = &x->view;
    cfg.families = 1u << RCM_FAM_TF;
    cfg.tf_warn_days = INT32_MAX;
    rcm_scrub *tf;
    int rc = rcm_scrub_new(&tf, &cfg, NULL);
    if (rc < 0)
        return rc;
    rcm_findings_reset(&x->f);
    rc = rcm_scrub_claim(tf, c, 0, &x->f);
    rcm_scrub_free(tf);
    if (rc < 0)
        return rc;
    snprintf(res->detail, sizeof(res->detail), "the rule does not apply to the claim (payer, conditions or no date)");
    for (size_t i = 0; i < x->f.n; i++) {
        const rcm_finding *fi = &x->f.v[i];
        const char *rule = NULL;
        for (uint32_t k = 0; k < fi->nfields; k++)
            if (strcmp(fi->fields[k].key, "rule") == 0)
                rule = fi->fields[k].value;
        if (!rule || strcmp(rule, ru->id) != 0)
            continue;
        res->fired = strcmp(fi->rule, "TF-001") == 0;
        snprintf(res->detail, sizeof(res->detail), "%.250s", fi->message);
        break;
    }
    return 0;
}

static void scrub_check(runner *x, const pr_rule *ru, const rcm_claim *c, rcm_rules_test_result *res)
{
    rcm_findings_reset(&x->f);
    if (rcm_scrub_claim(x->engine, c, 0, &x->f) < 0)
        return;
    for (size_t i = 0; i < x->f.n; i++) {
        const rcm_finding *fi = &x->f.v[i];
        if (strcmp(fi->rule, ru->id) != 0)
            continue;
        res->fired = 1;
        if (fi->nlines)
            snprintf(res->detail, sizeof(res->detail), "line %u: %.230s", fi->lines[0], fi->message);
        else
            snprintf(res->detail, sizeof(res->detail), "%.250s", fi->message);
        return;
    }
}

/* Reports one result; c NULL with why set: the claim could not be read. */
static int report(runner *x, const pr_rule *ru, const pr_test *te, const rcm_claim *c, long index, const char *why)
{
    rcm_rules_test_result res;
    memset(&res, 0, sizeof(res));
    res.rule = ru->id;
    res.line = te->line;
    res.file = te->path;
    res.index = index;
    res.expect_fire = te->expect_fire;
    if (!c) {
        res.claim_error = 1;
        snprintf(res.detail, sizeof(res.detail), "%s", why);
    } else if (ru->action == PA_TF) {
        int rc = tf_check(x, ru, te, c, &res);
        if (rc < 0)
            return rc;
    } else {
        scrub_check(x, ru, c, &res);
        if (x->f.failed)
            return RCM_ENOMEM;
    }
    res.passed = c && res.fired == res.expect_fire;
    if (res.passed)
        x->passed++;
    else
        x->failed++;
    return x->cb ? x->cb(x->ctx, &res) : 0;
}

/* The claims of a test file: one claim object or an array of them. */
static int run_file(runner *x, const pr_rule *ru, const pr_test *te)
{
    char path[4096];
    const char *base = x->r->base_dir;
    if (te->path[0] == '/' || !base[0])
        snprintf(path, sizeof(path), "%s", te->path);
    else
        snprintf(path, sizeof(path), "%s%s%s", base, base[strlen(base) - 1] == '/' ? "" : "/", te->path);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    char why[256] = "";
    if (!j) {
        snprintf(why, sizeof(why), "%.100s: cannot read the claim: %.120s", te->path, jerr.text);
        return report(x, ru, te, NULL, 0, why);
    }
    int rc = 0;
    size_t n = json_is_array(j) ? json_array_size(j) : 1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        const json_t *o = json_is_array(j) ? json_array_get(j, i) : j;
        rcm_claim *c = NULL;
        rcm_error cerr;
        memset(&cerr, 0, sizeof(cerr));
        int crc = rcm_claim_from_json(&c, o, &cerr);
        if (crc == RCM_ENOMEM) {
            rc = crc;
            break;
        }
        if (crc < 0) {
            if (json_is_array(j))
                snprintf(why, sizeof(why), "%.100s: claims[%zu]: %.120s", te->path, i, cerr.msg);
            else
                snprintf(why, sizeof(why), "%.100s: %.150s", te->path, cerr.msg);
        }
        rc = report(x, ru, te, c, (long)i, why);
        rcm_claim_free(c);
    }
    if (n == 0)
        rc = report(x, ru, te, NULL, 0, "the claims file holds no claim");
    json_decref(j);
    return rc;
}

int rcm_payer_rules_test(const rcm_payer_rules *r, rcm_date today,
                         int (*cb)(void *ctx, const rcm_rules_test_result *res), void *ctx,
                         size_t *passed, size_t *failed, rcm_error *err)
{
    if (passed)
        *passed = 0;
    if (failed)
        *failed = 0;
    if (!r || today == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "payer rules test: no rules or no date for today");
    runner x;
    memset(&x, 0, sizeof(x));
    x.r = r;
    x.view = *r;
    x.view.nrules = 1;
    x.today = today;
    x.cb = cb;
    x.ctx = ctx;
    rcm_findings_init(&x.f);
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = today;
    cfg.rules = &x.view;
    cfg.families = 1u << RCM_FAM_PAYER;
    int rc = rcm_scrub_new(&x.engine, &cfg, err);
    for (size_t i = 0; rc == 0 && i < r->nrules; i++) {
        const pr_rule *ru = &r->rules[i];
        x.view.rules = &r->rules[i];
        for (uint32_t k = 0; rc == 0 && k < ru->ntests; k++) {
            const pr_test *te = &r->tests[ru->test_first + k];
            rc = te->claim ? report(&x, ru, te, te->claim, 0, NULL) : run_file(&x, ru, te);
        }
    }
    if (rc == RCM_ENOMEM)
        rcm_error_set(err, RCM_ENOMEM, "out of memory");
    rcm_scrub_free(x.engine);
    rcm_findings_release(&x.f);
    if (passed)
        *passed = x.passed;
    if (failed)
        *failed = x.failed;
    return rc;
}
