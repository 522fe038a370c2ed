/*
 * PAYER family: the practice's own payer rules (rcm/rules.h,
 * docs/payer-rules.md), loaded from a rules file and handed to the engine as
 * cfg.rules. Each finding carries the rule's own id (PAYER-...), severity,
 * route and message, and names the rules file, its version and the rule's
 * line as its source. Timely-filing rules report nothing here: the TF family
 * asks payer_rules_tf_limit for the payer's limit.
 */
#include "../payer/payer_internal.h"

int family_payer(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_payer_rules *r = s->cfg.rules;
    if (!r || !r->nrules)
        return 0;
    return pr_eval(r, s, sc, out);
}
