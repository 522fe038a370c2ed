/*
 * Separation of duties: the person who coded a claim does not submit it,
 * post its payments or write it off, unless an admin recorded an exception
 * for them (include/rcm/auth.h); every use of an exception is an event.
 */
#include <stdio.h>
#include <string.h>
#include "access_internal.h"
#include "../util/banned.h"

/* 1 when the user holds a live exception on today, 0 not, < 0 error. */
static int live_exception(rcm_cycle *cy, int64_t *exception_id, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT exception_id FROM sod_exception WHERE user_id = ? AND revoked_at IS NULL"
                           " AND (expires IS NULL OR expires >= ?) ORDER BY exception_id LIMIT 1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, cy->user_id);
    sqlite3_bind_int64(s, 2, cy->today);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *exception_id = sqlite3_column_int64(s, 0);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading separation-of-duties exceptions");
    }
    sqlite3_finalize(s);
    return rc;
}

int cycle_sod(rcm_cycle *cy, int64_t claim_id, const char *what, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT coded_by, claim_no FROM claim WHERE claim_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    char coder[64] = "", claim_no[40] = "";
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const unsigned char *c = sqlite3_column_text(s, 0), *n = sqlite3_column_text(s, 1);
        snprintf(coder, sizeof(coder), "%s", c ? (const char *)c : "");
        snprintf(claim_no, sizeof(claim_no), "%s", n ? (const char *)n : "");
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading who coded a claim");
    }
    sqlite3_finalize(s);
    if (rc < 0 || strcmp(coder, cy->user) != 0)
        return rc;
    int64_t xid = 0;
    if ((rc = live_exception(cy, &xid, err)) < 0)
        return rc;
    char detail[200];
    if (rc == 1) {
        snprintf(detail, sizeof(detail), "exception %lld used: %s of claim %s coded by the same user",
                 (long long)xid, what, claim_no);
        return cycle_audit_full(cy, "sod-exception", "ok", "claim", claim_id, 0, claim_id, detail, err);
    }
    snprintf(cy->pending_action, sizeof(cy->pending_action), "%s", what);
    cy->pending_claim = claim_id;
    snprintf(cy->pending_why, sizeof(cy->pending_why), "separation of duties: %s of claim %s coded by the same user",
             what, claim_no);
    return rcm_error_set(err, RCM_EDENIED,
                         "user '%s' coded claim %s and may not %s it: separation of duties (an admin can record "
                         "an exception for a small practice)",
                         cy->user, claim_no, strcmp(what, "writeoff") == 0 ? "write off" : what);
}
