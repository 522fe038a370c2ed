/*
 * The permission table (RCM_PERMS in include/rcm/cycle.h) and the checks every
 * step makes before it reads patient data or changes anything.
 */
#include <stdio.h>
#include <string.h>
#include "rcm/auth.h"
#include "../cycle/cycle_internal.h"
#include "../util/banned.h"

static const struct {
    const char *name;
    unsigned roles;
    const char *what;
} perms[] = {
#define RCM_PERM_ROW_(id, name, roles, what) { name, roles, what },
    RCM_PERMS(RCM_PERM_ROW_)
#undef RCM_PERM_ROW_
};

_Static_assert(RCM_ROLE_CODER == RCM_R_C && RCM_ROLE_BILLER == RCM_R_B && RCM_ROLE_AUDITOR == RCM_R_A &&
                   RCM_ROLE_ADMIN == RCM_R_D,
               "the permission table's role letters are the roles");

const char *rcm_perm_name(rcm_perm p) { return (unsigned)p < RCM_PERM_COUNT ? perms[p].name : "?"; }
unsigned rcm_perm_roles(rcm_perm p) { return (unsigned)p < RCM_PERM_COUNT ? perms[p].roles : 0; }
const char *rcm_perm_what(rcm_perm p) { return (unsigned)p < RCM_PERM_COUNT ? perms[p].what : "?"; }

int rcm_cycle_may(const rcm_cycle *cy, rcm_perm p)
{
    return cy && (unsigned)p < RCM_PERM_COUNT && (cy->roles & perms[p].roles) != 0;
}

/* "coder,biller,auditor" -> "coder, biller or auditor" */
static void roles_words(const char *list, char *out, size_t n)
{
    size_t commas = 0, o = 0, seen = 0;
    for (const char *c = list; *c; c++)
        commas += *c == ',';
    for (const char *c = list; *c && o + 5 < n; c++) {
        if (*c != ',') {
            out[o++] = *c;
            continue;
        }
        const char *sep = ++seen == commas ? " or " : ", ";
        for (const char *t = sep; *t && o + 1 < n; t++)
            out[o++] = *t;
    }
    out[o < n ? o : n - 1] = '\0';
}

int cycle_require(rcm_cycle *cy, rcm_perm p, rcm_error *err)
{
    if (rcm_cycle_may(cy, p))
        return 0;
    char need[48];
    rcm_roles_format(rcm_perm_roles(p), need, sizeof(need));
    char words[64];
    roles_words(need, words, sizeof(words));
    char detail[160];
    snprintf(detail, sizeof(detail), "permission %s (needs %s)", rcm_perm_name(p), need);
    rcm_error ignored = { 0 };
    /* the denial is recorded even though the step does nothing */
    if (cycle_audit_full(cy, "denied", "denied", "", 0, 0, 0, detail, &ignored) < 0 && err)
        return rcm_error_set(err, RCM_EDENIED,
                             "user '%s' (%s) may not %s: needs the %s role (and the denial could not be logged: %s)",
                             cy->user, cy->roles_s, rcm_perm_what(p), words, ignored.msg);
    return rcm_error_set(err, RCM_EDENIED, "user '%s' (%s) may not %s: needs the %s role", cy->user, cy->roles_s,
                         rcm_perm_what(p), words);
}

void cycle_flush_denial(rcm_cycle *cy)
{
    if (!cy->pending_action[0])
        return;
    rcm_error ignored = { 0 };
    (void)cycle_audit_full(cy, "denied", "denied", cy->pending_claim ? "claim" : "", cy->pending_claim, 0,
                           cy->pending_claim, cy->pending_why, &ignored);
    cy->pending_action[0] = '\0';
    cy->pending_claim = 0;
    cy->pending_why[0] = '\0';
}
