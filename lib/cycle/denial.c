/*
 * Denials after posting: the coder's corrected claims, the biller's
 * replacements and write-offs, and appeals with their deadlines
 * (include/rcm/denial.h). docs/denials-workflow.md describes the workflow
 * and the ledger rows each step writes; the ledger rules are at the top of
 * cycle_internal.h.
 *
 * Every step is one transaction. A replacement (frequency 7) takes over the
 * whole claim: it carries REF*F8 with the payer's claim number (CLP07), every
 * open balance of the claim it replaces moves to it by transfer pairs, and
 * the difference between its charges and the replaced claim's is a charge
 * correction row on it (kind adjustment, no CAS group: only original claims
 * have charge rows), so that what it owes is its own charges less what the
 * payer already settled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/denial.h"
#include "rcm/auth.h"
#include "rcm/refdata.h"
#include "coding_internal.h"
#include "denial_internal.h"
#include "../util/banned.h"

/* ---- shared with cob.c (denial_internal.h) ---- */

int denial_claim_load(rcm_cycle *cy, int64_t claim_id, denial_claim *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT claim_id, practice_id, encounter_id, patient_id, coverage_id, payer_id,"
                           " COALESCE(original_claim_id, 0), COALESCE(primary_claim_id, 0), claim_no, seq, kind,"
                           " freq, status, payer_icn, charge_cents, dos_from FROM claim WHERE claim_id = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->claim_id = sqlite3_column_int64(s, 0);
        out->practice_id = sqlite3_column_int64(s, 1);
        out->encounter_id = sqlite3_column_int64(s, 2);
        out->patient_id = sqlite3_column_int64(s, 3);
        out->coverage_id = sqlite3_column_int64(s, 4);
        out->payer_id = sqlite3_column_int64(s, 5);
        out->original_claim_id = sqlite3_column_int64(s, 6);
        out->primary_claim_id = sqlite3_column_int64(s, 7);
        cstr_copy(out->claim_no, sizeof(out->claim_no), (const char *)sqlite3_column_text(s, 8));
        const char *seq = (const char *)sqlite3_column_text(s, 9);
        const char *kind = (const char *)sqlite3_column_text(s, 10);
        const char *freq = (const char *)sqlite3_column_text(s, 11);
        out->seq = seq ? seq[0] : 0;
        out->kind = kind ? kind[0] : 0;
        out->freq = freq ? freq[0] : 0;
        cstr_copy(out->status, sizeof(out->status), (const char *)sqlite3_column_text(s, 12));
        cstr_copy(out->payer_icn, sizeof(out->payer_icn), (const char *)sqlite3_column_text(s, 13));
        out->charge_cents = sqlite3_column_int64(s, 14);
        out->dos = store_column_date(s, 15);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "claim %lld: no such claim", (long long)claim_id);
    } else {
        rc = store_sqlerr(cy->st, err, "reading a claim");
    }
    sqlite3_finalize(s);
    return rc;
}

static int read_dx(rcm_cycle *cy, int64_t claim_id, cycle_claim_new *spec, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT code FROM claim_dx WHERE claim_id = ? ORDER BY seq", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    int step;
    spec->n_dx = 0;
    while ((step = sqlite3_step(s)) == SQLITE_ROW && spec->n_dx < RCM_CLAIM_MAX_DX)
        cstr_copy(spec->dx[spec->n_dx++], sizeof(spec->dx[0]), (const char *)sqlite3_column_text(s, 0));
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading a claim's diagnoses");
    sqlite3_finalize(s);
    return rc;
}

int denial_claim_codes(rcm_cycle *cy, int64_t claim_id, cycle_claim_new *spec, cycle_line **lines,
                       rcm_error *err)
{
    *lines = NULL;
    spec->lines = NULL;
    spec->n_lines = 0;
    int rc = read_dx(cy, claim_id, spec, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT code, mod1, mod2, mod3, mod4, units_milli, charge_cents, ptr1, ptr2, ptr3, ptr4,"
                            " dos, rev_code FROM claim_line WHERE claim_id = ? ORDER BY line_no",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    size_t cap = 0, n = 0;
    cycle_line *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        cycle_line *nv = cycle_grow(v, &cap, n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        cycle_line *l = &v[n++];
        memset(l, 0, sizeof(*l));
        cstr_copy(l->code, sizeof(l->code), (const char *)sqlite3_column_text(s, 0));
        for (int m = 0; m < RCM_CLAIM_MAX_MODS; m++)
            cstr_copy(l->mods[m], sizeof(l->mods[m]), (const char *)sqlite3_column_text(s, 1 + m));
        l->units_milli = sqlite3_column_int64(s, 5);
        l->charge_cents = sqlite3_column_int64(s, 6);
        for (int p = 0; p < RCM_CLAIM_MAX_PTR; p++)
            l->ptrs[p] = (uint8_t)sqlite3_column_int(s, 7 + p);
        l->dos = store_column_date(s, 11);
        cstr_copy(l->rev_code, sizeof(l->rev_code), (const char *)sqlite3_column_text(s, 12));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading a claim's lines");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        return rc;
    }
    *lines = v;
    spec->lines = v;
    spec->n_lines = (uint32_t)n;
    return 0;
}

int denial_ledger_add(rcm_cycle *cy, const denial_entry *e, rcm_error *err)
{
    int64_t id = 0;
    int rc = cycle_next_id(cy, "ledger", "entry_id", &id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO ledger (entry_id, practice_id, claim_id, line_no, patient_id, payer_id, kind,"
                            " group_code, carc, amount_cents, remit_id, remit_claim_id, reverses, effective, at,"
                            " user_name, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, e->practice_id);
    sqlite3_bind_int64(s, 3, e->claim_id);
    sqlite3_bind_int64(s, 4, e->line_no);
    sqlite3_bind_int64(s, 5, e->patient_id);
    if (e->payer_id)
        sqlite3_bind_int64(s, 6, e->payer_id);
    else
        sqlite3_bind_null(s, 6);
    sqlite3_bind_text(s, 7, e->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, e->group ? e->group : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, e->carc ? e->carc : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 10, e->amount_cents);
    sqlite3_bind_int64(s, 11, cy->today);
    sqlite3_bind_int64(s, 12, cy->now);
    sqlite3_bind_text(s, 13, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, e->memo ? e->memo : "", -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "writing a ledger row", err);
    sqlite3_finalize(s);
    return rc;
}

int denial_balances(rcm_cycle *cy, int64_t claim_id, denial_balance out[DENIAL_MAX_PARTIES], size_t *n,
                    rcm_error *err)
{
    *n = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COALESCE(payer_id, 0), SUM(amount_cents) FROM ledger WHERE claim_id = ?"
                           " GROUP BY payer_id ORDER BY payer_id IS NULL, payer_id",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t cents = sqlite3_column_int64(s, 1);
        if (cents == 0)
            continue;
        if (*n == DENIAL_MAX_PARTIES) {
            rc = rcm_error_set(err, RCM_ELIMIT, "claim %lld: more than %d parties owe on it",
                               (long long)claim_id, DENIAL_MAX_PARTIES);
            break;
        }
        out[*n].payer_id = sqlite3_column_int64(s, 0);
        out[*n].cents = cents;
        (*n)++;
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading a claim's balances");
    sqlite3_finalize(s);
    return rc;
}

int denial_balance_of(rcm_cycle *cy, int64_t claim_id, int64_t payer_id, int64_t *out, rcm_error *err)
{
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE claim_id = ?1"
                           " AND ((?2 = 0 AND payer_id IS NULL) OR payer_id = ?2)",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    sqlite3_bind_int64(s, 2, payer_id);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading a balance");
    sqlite3_finalize(s);
    return rc;
}

int denial_move_balances(rcm_cycle *cy, const denial_claim *from, const denial_claim *to, int64_t *moved,
                         rcm_error *err)
{
    denial_balance b[DENIAL_MAX_PARTIES];
    size_t n = 0;
    int64_t total = 0;
    int rc = denial_balances(cy, from->claim_id, b, &n, err);
    char memo_out[96], memo_in[96];
    snprintf(memo_out, sizeof(memo_out), "to claim %s", to->claim_no);
    snprintf(memo_in, sizeof(memo_in), "from claim %s", from->claim_no);
    for (size_t i = 0; rc == 0 && i < n; i++) {
        denial_entry e = { .practice_id = from->practice_id, .claim_id = from->claim_id,
                           .patient_id = from->patient_id, .payer_id = b[i].payer_id, .kind = "transfer",
                           .amount_cents = -b[i].cents, .memo = memo_out };
        if ((rc = denial_ledger_add(cy, &e, err)) < 0)
            break;
        e.claim_id = to->claim_id;
        e.practice_id = to->practice_id;
        e.amount_cents = b[i].cents;
        e.memo = memo_in;
        rc = denial_ledger_add(cy, &e, err);
        total += b[i].cents;
    }
    if (rc == 0 && moved)
        *moved = total;
    return rc;
}

/* ---- local helpers ---- */

/* Runs a statement without rows: ?1 a, ?2 b, ?3 now, ?4 the user (those it has). */
static int exec_bind(rcm_cycle *cy, const char *sql, const char *what, int64_t a, int64_t b, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    int np = sqlite3_bind_parameter_count(s);
    if (np >= 1)
        sqlite3_bind_int64(s, 1, a);
    if (np >= 2)
        sqlite3_bind_int64(s, 2, b);
    if (np >= 3)
        sqlite3_bind_int64(s, 3, cy->now);
    if (np >= 4)
        sqlite3_bind_text(s, 4, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, what, err);
    sqlite3_finalize(s);
    return rc;
}

/* One integer from a query with up to two integer parameters (0 when no row). */
static int query_int(rcm_cycle *cy, const char *sql, int64_t a, int64_t b, int64_t *out, rcm_error *err)
{
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    int np = sqlite3_bind_parameter_count(s);
    if (np >= 1)
        sqlite3_bind_int64(s, 1, a);
    if (np >= 2)
        sqlite3_bind_int64(s, 2, b);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the store");
    sqlite3_finalize(s);
    return rc;
}

static int set_claim_status(rcm_cycle *cy, int64_t claim_id, const char *status, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "UPDATE claim SET status = ? WHERE claim_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, claim_id);
    rc = store_step_done(cy->st, s, "updating a claim's status", err);
    sqlite3_finalize(s);
    return rc;
}

/*
 * Closes the claim's denial and appeal work items that have nothing left to
 * work. Posting opens one item per claim and queue for its denials (naming
 * the first); such an item stays open while a denial of the claim routed to
 * its queue is open. An item about one denial (an appeal to follow, a lost
 * appeal) stays open while that denial is appealed (appeal) or open (denial).
 */
static int sweep_items(rcm_cycle *cy, int64_t claim_id, rcm_error *err)
{
    return exec_bind(cy,
                     "UPDATE work_item SET status = 'done', closed_at = ?3, closed_by = ?4"
                     " WHERE status = 'open' AND claim_id = ?1 AND kind IN ('denial', 'appeal')"
                     " AND NOT EXISTS (SELECT 1 FROM denial d WHERE work_item.kind = 'denial'"
                     "  AND d.claim_id = work_item.claim_id AND d.route = work_item.queue AND d.status = 'open')"
                     " AND NOT EXISTS (SELECT 1 FROM denial d WHERE d.denial_id = work_item.denial_id"
                     "  AND d.status = CASE work_item.kind WHEN 'appeal' THEN 'appealed' ELSE 'open' END)",
                     "closing work items", claim_id, 0, err);
}

/* Refuses a claim that was replaced or voided already, naming what replaced it. */
static int still_current(rcm_cycle *cy, const denial_claim *c, rcm_error *err)
{
    if (strcmp(c->status, "replaced") != 0 && strcmp(c->status, "void") != 0)
        return 0;
    char by[39] = "";
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT claim_no FROM claim WHERE original_claim_id = ? ORDER BY claim_id DESC LIMIT 1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, c->claim_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        cstr_copy(by, sizeof(by), (const char *)sqlite3_column_text(s, 0));
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "looking the replacement up");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if (by[0])
        return rcm_error_set(err, RCM_EDENIED, "claim %s is %s by claim %s: work that one", c->claim_no, c->status,
                             by);
    return rcm_error_set(err, RCM_EDENIED, "claim %s is %s", c->claim_no, c->status);
}

/* Refuses a claim that cannot be replaced now: no payer claim number, an appeal pending. */
static int replaceable(rcm_cycle *cy, const denial_claim *c, rcm_error *err)
{
    if (!c->payer_icn[0])
        return rcm_error_set(err, RCM_EDENIED,
                             "claim %s: the payer's claim number (835 CLP07) is unknown, so it cannot be replaced",
                             c->claim_no);
    int64_t pending = 0;
    int rc = query_int(cy, "SELECT COUNT(*) FROM appeal WHERE claim_id = ? AND status = 'filed'", c->claim_id, 0,
                       &pending, err);
    if (rc < 0)
        return rc;
    if (pending)
        return rcm_error_set(err, RCM_EDENIED, "claim %s: an appeal is pending; close it first", c->claim_no);
    return 0;
}

static int count_open(rcm_cycle *cy, int64_t claim_id, const char *route, int64_t *out, rcm_error *err)
{
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM denial WHERE claim_id = ? AND route = ? AND status = 'open'", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    sqlite3_bind_text(s, 2, route, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "counting denials");
    sqlite3_finalize(s);
    return rc;
}

/* Whether the coder overrode (rule, line) on the encounter with a reason. */
static int overridden(rcm_cycle *cy, int64_t encounter_id, const rcm_finding *f, int *out, rcm_error *err)
{
    *out = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM finding_override WHERE encounter_id = ? AND rule_id = ?"
                           " AND line_no = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, encounter_id);
    sqlite3_bind_text(s, 2, f->rule, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, f->nlines ? f->lines[0] : 0);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int(s, 0) > 0;
    else
        rc = store_sqlerr(cy->st, err, "reading overrides");
    sqlite3_finalize(s);
    return rc;
}

/*
 * Replaces claim oc by a new claim built from spec (freq 7, REF*F8): moves
 * the balances, books the charge difference, marks oc replaced and its open
 * denials corrected, and asks the biller to submit the replacement.
 * check_coder (a coder's correction): coder-routed errors in the new claim's
 * findings refuse the replacement (RCM_EDENIED), and the coder's items on
 * the claim close.
 */
static int replace_claim(rcm_cycle *cy, const denial_claim *oc, cycle_claim_new *spec, rcm_findings *findings,
                         int check_coder, const char *action, const char *note, int64_t *new_claim_id,
                         rcm_error *err)
{
    spec->encounter_id = oc->encounter_id;
    spec->coverage_id = oc->coverage_id;
    spec->freq = '7';
    spec->original_claim_id = oc->claim_id;
    spec->primary_claim_id = oc->primary_claim_id;
    cstr_copy(spec->original_icn, sizeof(spec->original_icn), oc->payer_icn);
    spec->charge = 0;
    int64_t new_id = 0;
    int rc = cycle_claim_create(cy, spec, &new_id, findings, err);
    if (rc < 0)
        return rc;
    if (check_coder && findings) {
        size_t blocking = 0;
        const char *first = NULL;
        for (size_t i = 0; i < findings->n; i++) {
            const rcm_finding *f = &findings->v[i];
            if (f->severity != RCM_SEV_ERROR || f->route != RCM_ROUTE_CODER)
                continue;
            int ov = 0;
            if ((rc = overridden(cy, oc->encounter_id, f, &ov, err)) < 0)
                return rc;
            if (!ov) {
                blocking++;
                if (!first)
                    first = f->rule;
            }
        }
        if (blocking)
            return rcm_error_set(err, RCM_EDENIED,
                                 "claim %s: the corrected codes still have %zu coder-routed error%s (%s first):"
                                 " nothing was created",
                                 oc->claim_no, blocking, blocking == 1 ? "" : "s", first);
    }
    denial_claim nc;
    if ((rc = denial_claim_load(cy, new_id, &nc, err)) < 0)
        return rc;
    int64_t moved = 0;
    if ((rc = denial_move_balances(cy, oc, &nc, &moved, err)) < 0)
        return rc;
    int64_t diff = nc.charge_cents - oc->charge_cents;
    if (diff != 0) {
        char memo[96];
        snprintf(memo, sizeof(memo), "charge correction: replaces claim %s", oc->claim_no);
        denial_entry e = { .practice_id = nc.practice_id, .claim_id = nc.claim_id, .patient_id = nc.patient_id,
                           .payer_id = nc.payer_id, .kind = "adjustment", .amount_cents = diff, .memo = memo };
        if ((rc = denial_ledger_add(cy, &e, err)) < 0)
            return rc;
    }
    if ((rc = set_claim_status(cy, oc->claim_id, "replaced", err)) < 0)
        return rc;
    int64_t billing_open = 0;
    if (check_coder && (rc = count_open(cy, oc->claim_id, "biller", &billing_open, err)) < 0)
        return rc;
    /* The replacement carries every line of the claim: its open denials, whoever works them, are corrected by it. */
    if ((rc = exec_bind(cy,
                        "UPDATE denial SET status = 'corrected', corrected_claim_id = ?2, resolved_at = ?3,"
                        " resolved_by = ?4 WHERE claim_id = ?1 AND status = 'open'",
                        "updating denials", oc->claim_id, nc.claim_id, err)) < 0)
        return rc;
    /* The coder's items on the claim are done (the codes were fixed); so are the denial items. */
    if (check_coder && (rc = exec_bind(cy,
                                       "UPDATE work_item SET status = 'done', closed_at = ?3, closed_by = ?4"
                                       " WHERE claim_id = ?1 AND queue = 'coder' AND status = 'open'",
                                       "closing work items", oc->claim_id, 0, err)) < 0)
        return rc;
    if ((rc = sweep_items(cy, oc->claim_id, err)) < 0)
        return rc;
    char summary[160];
    snprintf(summary, sizeof(summary), "submit corrected claim %s (replaces %s)%s", nc.claim_no, oc->claim_no,
             billing_open ? ": fix its billing denial first" : "");
    cycle_work w = { .queue = RCM_QUEUE_BILLER, .kind = "correction", .claim_id = nc.claim_id,
                     .encounter_id = nc.encounter_id, .amount_cents = nc.charge_cents, .due = RCM_DATE_NONE,
                     .summary = summary };
    if ((rc = cycle_work_add(cy, &w, NULL, err)) < 0)
        return rc;
    char moved_s[32], diff_s[32];
    rcm_cents_fmt(moved_s, moved);
    rcm_cents_fmt(diff_s, diff);
    rcm_buf d;
    rcm_buf_init(&d, 1024);
    rcm_buf_addf(&d,
                 "replaced by claim %lld %s freq 7 ref F8 %s; moved %s; charge difference %s; status %s -> replaced",
                 (long long)nc.claim_id, nc.claim_no, oc->payer_icn, moved_s, diff_s, oc->status);
    if (note && *note)
        rcm_buf_addf(&d, "; note: %.300s", note);
    rc = cycle_audit(cy, action, "claim", oc->claim_id, rcm_buf_failed(&d) ? "" : d.ptr, err);
    rcm_buf_release(&d);
    if (rc == 0)
        *new_claim_id = nc.claim_id;
    return rc;
}

/* The claim's coverage (its patient and seq) as it stands now. */
typedef struct rebill_cov {
    int64_t coverage_id, payer_id;
    char payer[11];
    int in_force;               /* on the claim's date of service */
    int64_t timely_days;
} rebill_cov;

static int coverage_now(rcm_cycle *cy, const denial_claim *c, rebill_cov *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT v.coverage_id, v.payer_id, p.code, p.timely_days,"
                           " (v.eff_from IS NULL OR v.eff_from <= ?3) AND (v.eff_to IS NULL OR v.eff_to >= ?3)"
                           " FROM coverage v JOIN payer p ON p.payer_id = v.payer_id"
                           " WHERE v.patient_id = ?1 AND v.seq = ?2",
                           err);
    if (rc < 0)
        return rc;
    char seq[2] = { c->seq, 0 };
    sqlite3_bind_int64(s, 1, c->patient_id);
    sqlite3_bind_text(s, 2, seq, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->dos);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->coverage_id = sqlite3_column_int64(s, 0);
        out->payer_id = sqlite3_column_int64(s, 1);
        cstr_copy(out->payer, sizeof(out->payer), (const char *)sqlite3_column_text(s, 2));
        out->timely_days = sqlite3_column_int64(s, 3);
        out->in_force = sqlite3_column_int(s, 4);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_EDENIED, "claim %s: the patient has no coverage %c any more", c->claim_no,
                           c->seq);
    } else {
        rc = store_sqlerr(cy->st, err, "reading the claim's coverage");
    }
    sqlite3_finalize(s);
    return rc;
}

static int no_appeal_pending(rcm_cycle *cy, const denial_claim *c, rcm_error *err)
{
    int64_t pending = 0;
    int rc = query_int(cy, "SELECT COUNT(*) FROM appeal WHERE claim_id = ? AND status = 'filed'", c->claim_id, 0,
                       &pending, err);
    if (rc == 0 && pending)
        rc = rcm_error_set(err, RCM_EDENIED, "claim %s: an appeal is pending; close it first", c->claim_no);
    return rc;
}

/*
 * The claim's coverage now names another payer (the biller set it after a
 * coverage-ended or not-this-payer denial): bills that payer with a new
 * original claim (frequency 1, no REF*F8: the new payer never saw the old
 * one) built from spec's codes. The new claim has no charge rows: the old
 * claim's open balances move to it by transfer pairs, the old payer's to
 * the new payer, any other party's to the same party. The old claim is
 * closed (nothing more will be paid on it), its open biller denials are
 * resolved by the new claim and its biller items done; the biller is asked
 * to submit the new claim.
 */
static int rebill_elsewhere(rcm_cycle *cy, const denial_claim *oc, const rebill_cov *cov, cycle_claim_new *spec,
                            const char *note, int64_t *new_claim_id, rcm_error *err)
{
    char dos[16] = "";
    rcm_date_fmt(dos, oc->dos, 1);
    if (!cov->in_force)
        return rcm_error_set(err, RCM_EDENIED,
                             "claim %s: coverage %c (payer %s) is not in force on %s, the date of service: set its"
                             " dates first (rcm coverage set)",
                             oc->claim_no, oc->seq, cov->payer, dos);
    spec->encounter_id = oc->encounter_id;
    spec->coverage_id = cov->coverage_id;
    spec->freq = '1';
    spec->original_claim_id = oc->claim_id;
    spec->primary_claim_id = oc->primary_claim_id;
    spec->original_icn[0] = '\0';
    spec->charge = 0;
    int64_t new_id = 0;
    int rc = cycle_claim_create(cy, spec, &new_id, NULL, err);
    if (rc < 0)
        return rc;
    denial_claim nc;
    if ((rc = denial_claim_load(cy, new_id, &nc, err)) < 0)
        return rc;
    denial_balance b[DENIAL_MAX_PARTIES];
    size_t n = 0;
    if ((rc = denial_balances(cy, oc->claim_id, b, &n, err)) < 0)
        return rc;
    char memo_out[96], memo_in[96];
    snprintf(memo_out, sizeof(memo_out), "to claim %s (payer %s)", nc.claim_no, cov->payer);
    snprintf(memo_in, sizeof(memo_in), "from claim %s", oc->claim_no);
    int64_t moved = 0;
    for (size_t i = 0; i < n; i++) {
        denial_entry e = { .practice_id = oc->practice_id, .claim_id = oc->claim_id, .patient_id = oc->patient_id,
                           .payer_id = b[i].payer_id, .kind = "transfer", .amount_cents = -b[i].cents,
                           .memo = memo_out };
        if ((rc = denial_ledger_add(cy, &e, err)) < 0)
            return rc;
        e.practice_id = nc.practice_id;
        e.claim_id = nc.claim_id;
        e.payer_id = b[i].payer_id == oc->payer_id ? nc.payer_id : b[i].payer_id;
        e.amount_cents = b[i].cents;
        e.memo = memo_in;
        if ((rc = denial_ledger_add(cy, &e, err)) < 0)
            return rc;
        if (b[i].payer_id == oc->payer_id)
            moved += b[i].cents;
    }
    if ((rc = set_claim_status(cy, oc->claim_id, "closed", err)) < 0 ||
        (rc = exec_bind(cy,
                        "UPDATE denial SET status = 'resolved', corrected_claim_id = ?2, resolved_at = ?3,"
                        " resolved_by = ?4 WHERE claim_id = ?1 AND route = 'biller' AND status = 'open'",
                        "updating denials", oc->claim_id, nc.claim_id, err)) < 0 ||
        (rc = exec_bind(cy,
                        "UPDATE work_item SET status = 'done', closed_at = ?3, closed_by = ?4"
                        " WHERE claim_id = ?1 AND queue = 'biller' AND status = 'open'",
                        "closing work items", oc->claim_id, 0, err)) < 0 ||
        (rc = sweep_items(cy, oc->claim_id, err)) < 0)
        return rc;
    char summary[160];
    snprintf(summary, sizeof(summary), "submit claim %s to %s (rebills %s: coverage %c changed payer)",
             nc.claim_no, cov->payer, oc->claim_no, oc->seq);
    cycle_work w = { .queue = RCM_QUEUE_BILLER, .kind = "correction", .claim_id = nc.claim_id,
                     .encounter_id = nc.encounter_id, .amount_cents = moved,
                     .due = cov->timely_days > 0 ? oc->dos + (rcm_date)cov->timely_days : RCM_DATE_NONE,
                     .summary = summary };
    if ((rc = cycle_work_add(cy, &w, NULL, err)) < 0)
        return rc;
    char moved_s[32];
    rcm_cents_fmt(moved_s, moved);
    rcm_buf d;
    rcm_buf_init(&d, 1024);
    rcm_buf_addf(&d,
                 "rebilled as claim %lld %s freq 1 to payer %lld %s (was payer %lld); moved %s; status %s -> closed",
                 (long long)nc.claim_id, nc.claim_no, (long long)nc.payer_id, cov->payer, (long long)oc->payer_id,
                 moved_s, oc->status);
    if (note && *note)
        rcm_buf_addf(&d, "; note: %.300s", note);
    rc = cycle_audit(cy, "rebill", "claim", oc->claim_id, rcm_buf_failed(&d) ? "" : d.ptr, err);
    rcm_buf_release(&d);
    if (rc == 0)
        *new_claim_id = nc.claim_id;
    return rc;
}

/* ---- public API ---- */

int rcm_denial_list(rcm_cycle *cy, const char *route, int open_only, rcm_denial **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_DENIAL_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                       "SELECT d.denial_id, d.claim_id, c.claim_no, d.line_no, COALESCE(l.code, ''),"
                       " d.group_code, d.carc, d.rarc, d.amount_cents, d.route, d.root, d.status,"
                       " COALESCE(r.payment_date, r.posted_at / 86400) + p.appeal_days"
                       " FROM denial d JOIN claim c ON c.claim_id = d.claim_id"
                       " JOIN payer p ON p.payer_id = c.payer_id"
                       " JOIN remit_claim rc ON rc.remit_claim_id = d.remit_claim_id"
                       " JOIN remit r ON r.remit_id = rc.remit_id"
                       " LEFT JOIN claim_line l ON l.claim_id = d.claim_id AND l.line_no = d.line_no"
                       " WHERE (?1 IS NULL OR d.route = ?1) AND (?2 = 0 OR d.status = 'open')"
                       " ORDER BY d.denial_id",
                       err);
    if (rc < 0)
        return rc;
    if (route)
        sqlite3_bind_text(s, 1, route, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, open_only ? 1 : 0);
    size_t cap = 0;
    rcm_denial *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_denial *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 32);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_denial *d = &v[(*n)++];
        memset(d, 0, sizeof(*d));
        d->denial_id = sqlite3_column_int64(s, 0);
        d->claim_id = sqlite3_column_int64(s, 1);
        cstr_copy(d->claim_no, sizeof(d->claim_no), (const char *)sqlite3_column_text(s, 2));
        d->line_no = (uint32_t)sqlite3_column_int64(s, 3);
        cstr_copy(d->code, sizeof(d->code), (const char *)sqlite3_column_text(s, 4));
        cstr_copy(d->group, sizeof(d->group), (const char *)sqlite3_column_text(s, 5));
        cstr_copy(d->carc, sizeof(d->carc), (const char *)sqlite3_column_text(s, 6));
        cstr_copy(d->rarc, sizeof(d->rarc), (const char *)sqlite3_column_text(s, 7));
        d->amount_cents = sqlite3_column_int64(s, 8);
        cstr_copy(d->route, sizeof(d->route), (const char *)sqlite3_column_text(s, 9));
        cstr_copy(d->root, sizeof(d->root), (const char *)sqlite3_column_text(s, 10));
        cstr_copy(d->status, sizeof(d->status), (const char *)sqlite3_column_text(s, 11));
        d->deadline = sqlite3_column_type(s, 12) == SQLITE_NULL ? RCM_DATE_NONE
                                                                 : (rcm_date)sqlite3_column_int64(s, 12);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing denials");
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "denials list route=%s status=%s rows=%zu", route ? route : "all",
                 open_only ? "open" : "all", *n);
        rc = cycle_audit_read(cy, "denial", 0, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/*
 * The corrected claim's diagnoses and lines from the coder's (checked) codes:
 * charges from the fee schedule; a line whose code was on the replaced claim
 * keeps that line's date of service and, when the coder gave none, its
 * revenue code. *lines is malloc'ed (free it).
 */
static int corrected_spec(rcm_cycle *cy, int64_t claim_id, const rcm_coding *codes, cycle_claim_new *spec,
                          cycle_line **lines, rcm_error *err)
{
    cycle_claim_new old;
    memset(&old, 0, sizeof(old));
    cycle_line *orig = NULL;
    *lines = NULL;
    int rc = denial_claim_codes(cy, claim_id, &old, &orig, err);
    if (rc < 0)
        return rc;
    cycle_line *v = calloc(codes->n_lines, sizeof(*v));
    if (!v) {
        free(orig);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    spec->n_dx = codes->n_dx;
    for (uint32_t i = 0; i < codes->n_dx; i++)
        cstr_copy(spec->dx[i], sizeof(spec->dx[i]), codes->dx[i]);
    for (uint32_t i = 0; i < codes->n_lines; i++) {
        const rcm_coding_line *cl = &codes->lines[i];
        cycle_line *l = &v[i];
        cstr_copy(l->code, sizeof(l->code), cl->code);
        memcpy(l->mods, cl->mods, sizeof(l->mods));
        l->units_milli = cl->units_milli;
        l->charge_cents = -1;
        memcpy(l->ptrs, cl->ptrs, sizeof(l->ptrs));
        l->dos = RCM_DATE_NONE;
        cstr_copy(l->rev_code, sizeof(l->rev_code), cl->rev_code);
        for (uint32_t j = 0; j < old.n_lines; j++)
            if (strcmp(orig[j].code, cl->code) == 0 &&
                (!cl->rev_code[0] || strcmp(orig[j].rev_code, cl->rev_code) == 0)) {
                l->dos = orig[j].dos;
                if (!l->rev_code[0])
                    memcpy(l->rev_code, orig[j].rev_code, sizeof(l->rev_code));
                break;
            }
    }
    spec->n_lines = codes->n_lines;
    spec->lines = v;
    *lines = v;
    free(orig);
    return 0;
}

int rcm_denial_correct(rcm_cycle *cy, int64_t claim_id, const rcm_coding *codes, rcm_findings *findings,
                       int64_t *new_claim_id, rcm_error *err)
{
    if (new_claim_id)
        *new_claim_id = 0;
    int rc = cycle_require(cy, RCM_PERM_DENIAL_CORRECT, err);
    if (rc < 0)
        return rc;
    if (!codes)
        return rcm_error_set(err, RCM_EINVAL, "no codes");
    rcm_findings local;
    rcm_findings_init(&local);
    rcm_findings *fl = findings ? findings : &local;
    rcm_findings_reset(fl);
    cycle_line *lines = NULL;
    int64_t dummy = 0;
    rcm_coding *norm = malloc(sizeof(*norm));
    rc = norm ? rcm_store_begin(cy->st, err) : rcm_error_set(err, RCM_ENOMEM, "out of memory");
    if (rc < 0)
        goto out;
    denial_claim oc;
    int64_t coder_open = 0;
    if ((rc = denial_claim_load(cy, claim_id, &oc, err)) < 0 || (rc = still_current(cy, &oc, err)) < 0 ||
        (rc = count_open(cy, claim_id, "coder", &coder_open, err)) < 0)
        goto fail;
    if (!coder_open) {
        rc = rcm_error_set(err, RCM_EDENIED, "claim %s: no open coder-routed denial to correct", oc.claim_no);
        goto fail;
    }
    cycle_claim_new spec;
    memset(&spec, 0, sizeof(spec));
    if ((rc = replaceable(cy, &oc, err)) < 0 ||
        (rc = coding_codes_check(codes, oc.kind, CODING_CORRECTION, "", norm, err)) < 0 ||
        (rc = corrected_spec(cy, claim_id, norm, &spec, &lines, err)) < 0 ||
        (rc = replace_claim(cy, &oc, &spec, fl, 1, "correct", NULL, new_claim_id ? new_claim_id : &dummy,
                            err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    goto out;
fail:
    rcm_store_rollback(cy->st);
    if (new_claim_id)
        *new_claim_id = 0;
out:
    free(norm);
    free(lines);
    rcm_findings_release(&local);
    return rc;
}

int rcm_denial_rebill(rcm_cycle *cy, int64_t claim_id, const char *note, int64_t *new_claim_id, rcm_error *err)
{
    if (new_claim_id)
        *new_claim_id = 0;
    cycle_line *lines = NULL;
    int64_t dummy = 0;
    int rc = cycle_require(cy, RCM_PERM_DENIAL_WORK, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    denial_claim oc;
    if ((rc = denial_claim_load(cy, claim_id, &oc, err)) < 0 || (rc = still_current(cy, &oc, err)) < 0)
        goto fail;
    int64_t biller_open = 0, coder_open = 0;
    if ((rc = count_open(cy, claim_id, "biller", &biller_open, err)) < 0 ||
        (rc = count_open(cy, claim_id, "coder", &coder_open, err)) < 0)
        goto fail;
    if (!biller_open) {
        rc = rcm_error_set(err, RCM_EDENIED, "claim %s: no open biller-routed denial to rebill", oc.claim_no);
        goto fail;
    }
    if (coder_open) {
        rc = rcm_error_set(err, RCM_EDENIED,
                           "claim %s: %lld coder-routed denial%s open: the coder corrects it (rcm denial correct)",
                           oc.claim_no, (long long)coder_open, coder_open == 1 ? " is" : "s are");
        goto fail;
    }
    rebill_cov cov;
    if ((rc = coverage_now(cy, &oc, &cov, err)) < 0)
        goto fail;
    cycle_claim_new spec;
    memset(&spec, 0, sizeof(spec));
    if (cov.payer_id != oc.payer_id) {
        /* the coverage now names another payer: a new original claim to it */
        if ((rc = no_appeal_pending(cy, &oc, err)) < 0 ||
            (rc = denial_claim_codes(cy, claim_id, &spec, &lines, err)) < 0 ||
            (rc = rebill_elsewhere(cy, &oc, &cov, &spec, note, new_claim_id ? new_claim_id : &dummy, err)) < 0)
            goto fail;
    } else if ((rc = replaceable(cy, &oc, err)) < 0 ||
               (rc = denial_claim_codes(cy, claim_id, &spec, &lines, err)) < 0 ||
               (rc = replace_claim(cy, &oc, &spec, NULL, 0, "rebill", note, new_claim_id ? new_claim_id : &dummy,
                                   err)) < 0) {
        goto fail;
    }
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    free(lines);
    return 0;
fail:
    rcm_store_rollback(cy->st);
    free(lines);
    if (new_claim_id)
        *new_claim_id = 0;
    return rc;
}

/* A denial with what the steps below decide on. */
typedef struct denial_row {
    int64_t denial_id, claim_id, remit_claim_id;
    uint32_t line_no;
    char group[3], carc[6], status[12], route[8];
    int64_t amount_cents;
    rcm_date deadline;
} denial_row;

static int denial_load(rcm_cycle *cy, int64_t denial_id, denial_row *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT d.denial_id, d.claim_id, d.remit_claim_id, d.line_no, d.group_code, d.carc,"
                           " d.status, d.route, d.amount_cents,"
                           " COALESCE(r.payment_date, r.posted_at / 86400) + p.appeal_days"
                           " FROM denial d JOIN claim c ON c.claim_id = d.claim_id"
                           " JOIN payer p ON p.payer_id = c.payer_id"
                           " JOIN remit_claim rc ON rc.remit_claim_id = d.remit_claim_id"
                           " JOIN remit r ON r.remit_id = rc.remit_id WHERE d.denial_id = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, denial_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->denial_id = sqlite3_column_int64(s, 0);
        out->claim_id = sqlite3_column_int64(s, 1);
        out->remit_claim_id = sqlite3_column_int64(s, 2);
        out->line_no = (uint32_t)sqlite3_column_int64(s, 3);
        cstr_copy(out->group, sizeof(out->group), (const char *)sqlite3_column_text(s, 4));
        cstr_copy(out->carc, sizeof(out->carc), (const char *)sqlite3_column_text(s, 5));
        cstr_copy(out->status, sizeof(out->status), (const char *)sqlite3_column_text(s, 6));
        cstr_copy(out->route, sizeof(out->route), (const char *)sqlite3_column_text(s, 7));
        out->amount_cents = sqlite3_column_int64(s, 8);
        out->deadline = sqlite3_column_type(s, 9) == SQLITE_NULL ? RCM_DATE_NONE
                                                                  : (rcm_date)sqlite3_column_int64(s, 9);
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "denial %lld: no such denial", (long long)denial_id);
    } else {
        rc = store_sqlerr(cy->st, err, "reading a denial");
    }
    sqlite3_finalize(s);
    return rc;
}

static int set_denial_status(rcm_cycle *cy, int64_t denial_id, const char *status, int resolved, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "UPDATE denial SET status = ?, resolved_at = ?, resolved_by = ? WHERE denial_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
    if (resolved) {
        sqlite3_bind_int64(s, 2, cy->now);
        sqlite3_bind_text(s, 3, cy->user, -1, SQLITE_STATIC);
    } else {
        sqlite3_bind_null(s, 2);
        sqlite3_bind_null(s, 3);
    }
    sqlite3_bind_int64(s, 4, denial_id);
    rc = store_step_done(cy->st, s, "updating a denial", err);
    sqlite3_finalize(s);
    return rc;
}

static const char *skip_space(const char *s)
{
    while (s && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
        s++;
    return s;
}

/* ---- write-offs and their approval ---- */

/* An open denial to write off, and what would be written off now. */
typedef struct writeoff_target {
    denial_row d;
    denial_claim c;
    int64_t amount_cents;           /* the denied amount, at most what the payer still owes on the claim */
} writeoff_target;

static int writeoff_target_load(rcm_cycle *cy, int64_t denial_id, writeoff_target *t, rcm_error *err)
{
    int rc;
    if ((rc = denial_load(cy, denial_id, &t->d, err)) < 0 ||
        (rc = denial_claim_load(cy, t->d.claim_id, &t->c, err)) < 0)
        return rc;
    if (strcmp(t->d.status, "open") != 0)
        return rcm_error_set(err, RCM_EDENIED, "denial %lld is %s: only an open denial is written off",
                             (long long)denial_id, t->d.status);
    int64_t open = 0;
    if ((rc = denial_balance_of(cy, t->c.claim_id, t->c.payer_id, &open, err)) < 0)
        return rc;
    t->amount_cents = t->d.amount_cents < open ? t->d.amount_cents : open;
    if (t->amount_cents <= 0)
        return rcm_error_set(err, RCM_EDENIED, "denial %lld: the payer owes nothing on claim %s to write off",
                             (long long)denial_id, t->c.claim_no);
    return 0;
}

/*
 * Writes amount off the payer's balance: the ledger row, the denial
 * written off, its work items done, the claim closed when nobody owes
 * anything on it and nothing is left to work, and the event. approval: ''
 * or how it was approved ("request 3 of alice"), for the event.
 */
static int writeoff_post(rcm_cycle *cy, const writeoff_target *t, int64_t amount, const char *reason,
                         const char *approval, rcm_error *err)
{
    const denial_row *d = &t->d;
    const denial_claim *c = &t->c;
    char memo[160];
    snprintf(memo, sizeof(memo), "denial %lld written off: %s", (long long)d->denial_id, skip_space(reason));
    denial_entry e = { .practice_id = c->practice_id, .claim_id = c->claim_id, .patient_id = c->patient_id,
                       .line_no = d->line_no, .payer_id = c->payer_id, .kind = "writeoff", .group = d->group,
                       .carc = d->carc, .amount_cents = -amount, .memo = memo };
    int rc;
    if ((rc = denial_ledger_add(cy, &e, err)) < 0 ||
        (rc = set_denial_status(cy, d->denial_id, "written-off", 1, err)) < 0 ||
        (rc = sweep_items(cy, d->claim_id, err)) < 0)
        return rc;
    /* A claim nobody owes anything on and with nothing left to work is closed. */
    int64_t owing = 0, working = 0;
    if ((rc = query_int(cy,
                        "SELECT COUNT(*) FROM (SELECT payer_id FROM ledger WHERE claim_id = ? GROUP BY payer_id"
                        " HAVING SUM(amount_cents) <> 0) b",
                        c->claim_id, 0, &owing, err)) < 0 ||
        (rc = query_int(cy, "SELECT COUNT(*) FROM denial WHERE claim_id = ? AND status IN ('open', 'appealed')",
                        c->claim_id, 0, &working, err)) < 0)
        return rc;
    int closes = owing == 0 && working == 0 && strcmp(c->status, "closed") != 0;
    if (closes && (rc = set_claim_status(cy, c->claim_id, "closed", err)) < 0)
        return rc;
    rcm_buf det;
    rcm_buf_init(&det, 1024);
    char amount_s[32];
    rcm_cents_fmt(amount_s, amount);
    rcm_buf_addf(&det, "claim %s line %u %s-%s written off %s; denial open -> written-off", c->claim_no,
                 d->line_no, d->group, d->carc, amount_s);
    if (closes)
        rcm_buf_addf(&det, "; claim %s -> closed", c->status);
    if (approval && *approval)
        rcm_buf_addf(&det, "; %s", approval);
    rcm_buf_addf(&det, "; reason: %.300s", skip_space(reason));
    rc = cycle_audit(cy, "writeoff", "denial", d->denial_id, rcm_buf_failed(&det) ? "" : det.ptr, err);
    rcm_buf_release(&det);
    return rc;
}

/* The pending request on a denial (0: none). */
static int pending_request(rcm_cycle *cy, int64_t denial_id, int64_t *out, rcm_error *err)
{
    return query_int(cy,
                     "SELECT COALESCE(MAX(request_id), 0) FROM writeoff_request WHERE denial_id = ?"
                     " AND status = 'pending'",
                     denial_id, 0, out, err);
}

/* A write-off above the approval threshold waits as a pending request, with its event. */
static int writeoff_request_add(rcm_cycle *cy, const writeoff_target *t, const char *reason, int64_t limit,
                                int64_t *request_id, rcm_error *err)
{
    int64_t id = 0;
    int rc = cycle_next_id(cy, "writeoff_request", "request_id", &id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO writeoff_request (request_id, denial_id, claim_id, amount_cents, reason,"
                            " status, requested_at, requested_by) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                            err)) < 0)
        return rc;
    const char *why = skip_space(reason);
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, t->d.denial_id);
    sqlite3_bind_int64(s, 3, t->c.claim_id);
    sqlite3_bind_int64(s, 4, t->amount_cents);
    sqlite3_bind_text(s, 5, why, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, cy->now);
    sqlite3_bind_text(s, 7, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "recording a write-off request", err);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    char amount_s[32], limit_s[32];
    rcm_cents_fmt(amount_s, t->amount_cents);
    rcm_cents_fmt(limit_s, limit);
    rcm_buf det;
    rcm_buf_init(&det, 1024);
    rcm_buf_addf(&det, "denial %lld claim %s line %u %s-%s amount %s above %s: request -> pending; reason: %.300s",
                 (long long)t->d.denial_id, t->c.claim_no, t->d.line_no, t->d.group, t->d.carc, amount_s, limit_s,
                 why);
    rc = cycle_audit(cy, "writeoff-request", "writeoff_request", id, rcm_buf_failed(&det) ? "" : det.ptr, err);
    rcm_buf_release(&det);
    if (rc == 0)
        *request_id = id;
    return rc;
}

int rcm_denial_writeoff(rcm_cycle *cy, int64_t denial_id, const char *reason, rcm_writeoff_result *out,
                        rcm_error *err)
{
    rcm_writeoff_result res = { 0, 0 };
    if (out)
        *out = res;
    int rc = cycle_require(cy, RCM_PERM_WRITEOFF, err);
    if (rc < 0)
        return rc;
    if (!reason || !*skip_space(reason))
        return rcm_error_set(err, RCM_EINVAL, "denial %lld: a write-off needs a reason", (long long)denial_id);
    rcm_settings cfg;
    if ((rc = rcm_settings_get(cy->st, &cfg, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    writeoff_target t;
    int64_t pending = 0;
    if ((rc = writeoff_target_load(cy, denial_id, &t, err)) < 0 ||
        (rc = pending_request(cy, denial_id, &pending, err)) < 0)
        goto fail;
    if (pending) {
        rc = rcm_error_set(err, RCM_EDENIED, "denial %lld: write-off request %lld is waiting for approval",
                           (long long)denial_id, (long long)pending);
        goto fail;
    }
    if ((rc = cycle_sod(cy, t.c.claim_id, "writeoff", err)) < 0)
        goto fail;
    res.amount_cents = t.amount_cents;
    if (t.amount_cents > cfg.writeoff_approval_cents)
        rc = writeoff_request_add(cy, &t, reason, cfg.writeoff_approval_cents, &res.request_id, err);
    else
        rc = writeoff_post(cy, &t, t.amount_cents, reason, "", err);
    if (rc < 0 || (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    if (out)
        *out = res;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    cycle_flush_denial(cy);
    return rc;
}

/* A request as stored (the columns of rcm_writeoff_request). */
static const char request_sql[] =
    "SELECT r.request_id, r.denial_id, r.claim_id, c.claim_no, d.line_no, d.group_code, d.carc, r.amount_cents,"
    " r.reason, r.status, r.requested_at, r.requested_by, COALESCE(r.decided_at, 0), COALESCE(r.decided_by, ''),"
    " COALESCE(r.decision_note, '')"
    " FROM writeoff_request r JOIN claim c ON c.claim_id = r.claim_id JOIN denial d ON d.denial_id = r.denial_id";

static void request_row(sqlite3_stmt *s, rcm_writeoff_request *r)
{
    memset(r, 0, sizeof(*r));
    r->request_id = sqlite3_column_int64(s, 0);
    r->denial_id = sqlite3_column_int64(s, 1);
    r->claim_id = sqlite3_column_int64(s, 2);
    cstr_copy(r->claim_no, sizeof(r->claim_no), (const char *)sqlite3_column_text(s, 3));
    r->line_no = (uint32_t)sqlite3_column_int64(s, 4);
    cstr_copy(r->group, sizeof(r->group), (const char *)sqlite3_column_text(s, 5));
    cstr_copy(r->carc, sizeof(r->carc), (const char *)sqlite3_column_text(s, 6));
    r->amount_cents = sqlite3_column_int64(s, 7);
    cstr_copy(r->reason, sizeof(r->reason), (const char *)sqlite3_column_text(s, 8));
    cstr_copy(r->status, sizeof(r->status), (const char *)sqlite3_column_text(s, 9));
    r->requested_at = sqlite3_column_int64(s, 10);
    cstr_copy(r->requested_by, sizeof(r->requested_by), (const char *)sqlite3_column_text(s, 11));
    r->decided_at = sqlite3_column_int64(s, 12);
    cstr_copy(r->decided_by, sizeof(r->decided_by), (const char *)sqlite3_column_text(s, 13));
    cstr_copy(r->note, sizeof(r->note), (const char *)sqlite3_column_text(s, 14));
}

/* A request still pending (RCM_ENOTFOUND, or RCM_EDENIED naming its decision). Inside the transaction. */
static int request_pending(rcm_cycle *cy, int64_t request_id, rcm_writeoff_request *out, rcm_error *err)
{
    char sql[sizeof(request_sql) + 32];
    snprintf(sql, sizeof(sql), "%s WHERE r.request_id = ?", request_sql);
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, request_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        request_row(s, out);
    else if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "write-off request %lld: no such request", (long long)request_id);
    else
        rc = store_sqlerr(cy->st, err, "reading a write-off request");
    sqlite3_finalize(s);
    if (rc == 0 && strcmp(out->status, "pending") != 0)
        rc = rcm_error_set(err, RCM_EDENIED, "write-off request %lld was %s by %s", (long long)request_id,
                           out->status, out->decided_by);
    return rc;
}

static int request_decide(rcm_cycle *cy, const rcm_writeoff_request *r, const char *status, const char *note,
                          rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "UPDATE writeoff_request SET status = ?, decided_at = ?, decided_by = ?, decision_note = ?"
                           " WHERE request_id = ? AND status = 'pending'",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, cy->now);
    sqlite3_bind_text(s, 3, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, note ? skip_space(note) : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, r->request_id);
    rc = store_step_done(cy->st, s, "deciding a write-off request", err);
    sqlite3_finalize(s);
    return rc;
}

/* The decision's event: ids, the amounts, the status change and the note. */
static int request_event(rcm_cycle *cy, const rcm_writeoff_request *r, const char *action, const char *status,
                         int64_t posted, const char *note, rcm_error *err)
{
    char amount_s[32], posted_s[32];
    rcm_cents_fmt(amount_s, r->amount_cents);
    rcm_cents_fmt(posted_s, posted);
    rcm_buf det;
    rcm_buf_init(&det, 1024);
    rcm_buf_addf(&det, "denial %lld claim %s amount %s requested by %s: pending -> %s", (long long)r->denial_id,
                 r->claim_no, amount_s, r->requested_by, status);
    if (posted)
        rcm_buf_addf(&det, "; written off %s", posted_s);
    if (note && *skip_space(note))
        rcm_buf_addf(&det, "; note: %.300s", skip_space(note));
    int rc = cycle_audit(cy, action, "writeoff_request", r->request_id, rcm_buf_failed(&det) ? "" : det.ptr, err);
    rcm_buf_release(&det);
    return rc;
}

int rcm_writeoff_approve(rcm_cycle *cy, int64_t request_id, const char *note, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_WRITEOFF_APPROVE, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    rcm_writeoff_request r;
    if ((rc = request_pending(cy, request_id, &r, err)) < 0)
        goto fail;
    if (strcmp(r.requested_by, cy->user) == 0) {
        /* two people: never the requester, exception or not (the denial is logged after the rollback) */
        snprintf(cy->pending_action, sizeof(cy->pending_action), "writeoff-approve");
        cy->pending_claim = r.claim_id;
        snprintf(cy->pending_why, sizeof(cy->pending_why),
                 "write-off request %lld of claim %s: the requester may not approve it", (long long)request_id,
                 r.claim_no);
        rc = rcm_error_set(err, RCM_EDENIED,
                           "user '%s' requested write-off %lld and may not approve it: a second person approves",
                           cy->user, (long long)request_id);
        goto fail;
    }
    writeoff_target t;
    if ((rc = writeoff_target_load(cy, r.denial_id, &t, err)) < 0) {
        /* worked some other way meanwhile (appealed, corrected, paid): nothing left to approve */
        if (rc == RCM_EDENIED && err) {
            char why[sizeof(err->msg)];
            cstr_copy(why, sizeof(why), err->msg);
            rcm_error_set(err, RCM_EDENIED, "write-off request %lld: %s: reject the request", (long long)request_id,
                          why);
        }
        goto fail;
    }
    if ((rc = cycle_sod(cy, r.claim_id, "writeoff", err)) < 0)
        goto fail;
    /* the payer may owe less by now: never more than what was asked */
    int64_t amount = t.amount_cents < r.amount_cents ? t.amount_cents : r.amount_cents;
    char approval[160];
    snprintf(approval, sizeof(approval), "request %lld of %s approved", (long long)request_id, r.requested_by);
    if ((rc = writeoff_post(cy, &t, amount, r.reason, approval, err)) < 0 ||
        (rc = request_decide(cy, &r, "approved", note, err)) < 0 ||
        (rc = request_event(cy, &r, "writeoff-approve", "approved", amount, note, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    cycle_flush_denial(cy);
    return rc;
}

int rcm_writeoff_reject(rcm_cycle *cy, int64_t request_id, const char *note, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_WRITEOFF_APPROVE, err);
    if (rc < 0)
        return rc;
    if (!note || !*skip_space(note))
        return rcm_error_set(err, RCM_EINVAL, "write-off request %lld: a rejection needs a note",
                             (long long)request_id);
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    rcm_writeoff_request r;
    if ((rc = request_pending(cy, request_id, &r, err)) < 0 ||
        (rc = request_decide(cy, &r, "rejected", note, err)) < 0 ||
        (rc = request_event(cy, &r, "writeoff-reject", "rejected", 0, note, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0) {
        rcm_store_rollback(cy->st);
        return rc;
    }
    return 0;
}

int rcm_writeoff_list(rcm_cycle *cy, const char *status, rcm_writeoff_request **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_WRITEOFF_APPROVE, err);
    if (rc < 0)
        return rc;
    if (status && strcmp(status, "pending") != 0 && strcmp(status, "approved") != 0 &&
        strcmp(status, "rejected") != 0)
        return rcm_error_set(err, RCM_EINVAL, "write-off request status '%s': pending, approved or rejected",
                             status);
    char sql[sizeof(request_sql) + 64];
    snprintf(sql, sizeof(sql), "%s WHERE (?1 IS NULL OR r.status = ?1) ORDER BY r.request_id", request_sql);
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, sql, err)) < 0)
        return rc;
    if (status)
        sqlite3_bind_text(s, 1, status, -1, SQLITE_STATIC);
    size_t cap = 0;
    rcm_writeoff_request *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_writeoff_request *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 16);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        request_row(s, &v[(*n)++]);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing write-off requests");
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "write-off requests list status=%s rows=%zu", status ? status : "all", *n);
        rc = cycle_audit_read(cy, "writeoff_request", 0, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

int rcm_appeal_file(rcm_cycle *cy, int64_t denial_id, const char *note, int64_t *appeal_id, rcm_error *err)
{
    if (appeal_id)
        *appeal_id = 0;
    int rc = cycle_require(cy, RCM_PERM_DENIAL_WORK, err);
    if (rc < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    denial_row d;
    denial_claim c;
    if ((rc = denial_load(cy, denial_id, &d, err)) < 0 || (rc = denial_claim_load(cy, d.claim_id, &c, err)) < 0)
        goto fail;
    if (strcmp(d.status, "open") != 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "denial %lld is %s: only an open denial is appealed",
                           (long long)denial_id, d.status);
        goto fail;
    }
    if ((rc = still_current(cy, &c, err)) < 0)
        goto fail;
    char dl[16] = "";
    if (d.deadline != RCM_DATE_NONE)
        rcm_date_fmt(dl, d.deadline, 1);
    if (d.deadline == RCM_DATE_NONE || cy->today > d.deadline) {
        rc = rcm_error_set(err, RCM_EDENIED, "denial %lld: the appeal deadline %s has passed",
                           (long long)denial_id, dl[0] ? dl : "(unknown)");
        goto fail;
    }
    int64_t level = 0, id = 0;
    if ((rc = query_int(cy, "SELECT COALESCE(MAX(level), 0) + 1 FROM appeal WHERE denial_id = ?", denial_id, 0,
                        &level, err)) < 0 ||
        (rc = cycle_next_id(cy, "appeal", "appeal_id", &id, err)) < 0)
        goto fail;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO appeal (appeal_id, denial_id, claim_id, level, filed, deadline, status, note,"
                            " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, 'filed', ?, ?, ?)",
                            err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, denial_id);
    sqlite3_bind_int64(s, 3, d.claim_id);
    sqlite3_bind_int64(s, 4, level);
    sqlite3_bind_int64(s, 5, cy->today);
    sqlite3_bind_int64(s, 6, d.deadline);
    sqlite3_bind_text(s, 7, note ? note : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 8, cy->now);
    sqlite3_bind_text(s, 9, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "filing an appeal", err);
    sqlite3_finalize(s);
    if (rc < 0 || (rc = set_denial_status(cy, denial_id, "appealed", 0, err)) < 0 ||
        (rc = sweep_items(cy, d.claim_id, err)) < 0)
        goto fail;
    char summary[160];
    snprintf(summary, sizeof(summary), "appeal %lld level %lld of denial %lld (%s-%s) on %s: follow up by %s",
             (long long)id, (long long)level, (long long)denial_id, d.group, d.carc, c.claim_no, dl);
    cycle_work w = { .queue = RCM_QUEUE_BILLER, .kind = "appeal", .claim_id = c.claim_id,
                     .encounter_id = c.encounter_id, .denial_id = denial_id, .amount_cents = d.amount_cents,
                     .due = d.deadline, .summary = summary };
    if ((rc = cycle_work_add(cy, &w, NULL, err)) < 0)
        goto fail;
    char detail[160];
    snprintf(detail, sizeof(detail), "denial %lld claim %s level %lld deadline %s", (long long)denial_id,
             c.claim_no, (long long)level, dl);
    if ((rc = cycle_audit(cy, "appeal", "appeal", id, detail, err)) < 0 || (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    if (appeal_id)
        *appeal_id = id;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    return rc;
}

int rcm_appeal_close(rcm_cycle *cy, int64_t appeal_id, const char *outcome, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_DENIAL_WORK, err);
    if (rc < 0)
        return rc;
    if (!outcome || (strcmp(outcome, "won") != 0 && strcmp(outcome, "lost") != 0 &&
                     strcmp(outcome, "withdrawn") != 0))
        return rcm_error_set(err, RCM_EINVAL, "appeal %lld: outcome '%s': won, lost or withdrawn",
                             (long long)appeal_id, outcome ? outcome : "");
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    int64_t denial_id = 0, level = 0;
    char status[12] = "";
    if ((rc = store_prepare(cy->st, &s, "SELECT denial_id, level, status FROM appeal WHERE appeal_id = ?", err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, appeal_id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        denial_id = sqlite3_column_int64(s, 0);
        level = sqlite3_column_int64(s, 1);
        cstr_copy(status, sizeof(status), (const char *)sqlite3_column_text(s, 2));
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "appeal %lld: no such appeal", (long long)appeal_id);
    } else {
        rc = store_sqlerr(cy->st, err, "reading an appeal");
    }
    sqlite3_finalize(s);
    s = NULL;
    if (rc < 0)
        goto fail;
    if (strcmp(status, "filed") != 0) {
        rc = rcm_error_set(err, RCM_EDENIED, "appeal %lld is already %s", (long long)appeal_id, status);
        goto fail;
    }
    denial_row d;
    denial_claim c;
    if ((rc = denial_load(cy, denial_id, &d, err)) < 0 || (rc = denial_claim_load(cy, d.claim_id, &c, err)) < 0)
        goto fail;
    if ((rc = store_prepare(cy->st, &s, "UPDATE appeal SET status = ? WHERE appeal_id = ?", err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, appeal_id);
    rc = store_step_done(cy->st, s, "closing an appeal", err);
    sqlite3_finalize(s);
    if (rc < 0)
        goto fail;
    int won = strcmp(outcome, "won") == 0;
    if ((rc = set_denial_status(cy, denial_id, won ? "resolved" : "open", won, err)) < 0 ||
        (rc = sweep_items(cy, d.claim_id, err)) < 0)
        goto fail;
    if (!won) {
        /* Back in the biller's queue: write it off, or appeal again while the deadline allows. */
        char summary[160];
        snprintf(summary, sizeof(summary), "denial %lld (%s-%s) on %s: appeal level %lld %s; write off or appeal",
                 (long long)denial_id, d.group, d.carc, c.claim_no, (long long)level, outcome);
        cycle_work w = { .queue = RCM_QUEUE_BILLER, .kind = "denial", .claim_id = c.claim_id,
                         .encounter_id = c.encounter_id, .denial_id = denial_id, .amount_cents = d.amount_cents,
                         .due = d.deadline != RCM_DATE_NONE && cy->today <= d.deadline ? d.deadline : RCM_DATE_NONE,
                         .summary = summary };
        if ((rc = cycle_work_add(cy, &w, NULL, err)) < 0)
            goto fail;
    }
    char detail[128];
    snprintf(detail, sizeof(detail), "denial %lld claim %s level %lld %s", (long long)denial_id, c.claim_no,
             (long long)level, outcome);
    if ((rc = cycle_audit(cy, "appeal-close", "appeal", appeal_id, detail, err)) < 0)
        goto fail;
    return rcm_store_commit(cy->st, err);
fail:
    rcm_store_rollback(cy->st);
    return rc;
}
