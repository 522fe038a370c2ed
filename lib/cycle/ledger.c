/*
 * Proving the ledger (rcm_ledger_check) and listing a claim's rows
 * (rcm_ledger_rows). The check is a handful of aggregate queries, each
 * naming the first row, claim or remittance that breaks a rule of the
 * ledger (cycle_internal.h; the ledger table's comment in schema.c):
 * charges match claim lines, remittances add up to their payments,
 * reversals negate their targets exactly, transfers net to zero, no replaced
 * claim carries a balance, no row refers to something missing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_internal.h"
#include "rcm/post.h"
#include "../util/banned.h"

/* One rule: a query whose rows (what, a, b) are the offenders, oldest first; msg formats the first. */
typedef struct ledger_rule {
    const char *sql;
    const char *msg;                /* printf with %s what, %s a, %s b */
    int money;                      /* a and b are cents (else plain counts) */
} ledger_rule;

static const ledger_rule rules[] = {
    /* an original claim (frequency 1, neither secondary nor a rebill of another claim) is charged exactly its
       charge, by charge rows */
    { "SELECT c.claim_no, COALESCE(SUM(l.amount_cents), 0), c.charge_cents FROM claim c"
      " LEFT JOIN ledger l ON l.claim_id = c.claim_id AND l.kind = 'charge'"
      " WHERE c.freq = '1' AND c.primary_claim_id IS NULL AND c.original_claim_id IS NULL"
      " GROUP BY c.claim_id, c.claim_no, c.charge_cents"
      " HAVING COALESCE(SUM(l.amount_cents), 0) <> c.charge_cents ORDER BY c.claim_id",
      "claim '%s': charge rows add up to %s, its charge is %s", 1 },
    { "SELECT c.claim_no, c.charge_cents, COALESCE(SUM(cl.charge_cents), 0) FROM claim c"
      " LEFT JOIN claim_line cl ON cl.claim_id = c.claim_id"
      " GROUP BY c.claim_id, c.claim_no, c.charge_cents"
      " HAVING c.charge_cents <> COALESCE(SUM(cl.charge_cents), 0) ORDER BY c.claim_id",
      "claim '%s': its charge is %s, its lines add up to %s", 1 },
    /* replacements, rebills to another payer and secondary claims start from transfers, never charges */
    { "SELECT c.claim_no, SUM(l.amount_cents), COUNT(*) FROM claim c"
      " JOIN ledger l ON l.claim_id = c.claim_id AND l.kind = 'charge'"
      " WHERE c.freq <> '1' OR c.primary_claim_id IS NOT NULL OR c.original_claim_id IS NOT NULL"
      " GROUP BY c.claim_id, c.claim_no ORDER BY c.claim_id",
      "claim '%s' is not an original claim, yet has charge rows of %s (%s rows)", 0 },
    /* BPR02 = sum(CLP04) - sum(PLB) */
    { "SELECT r.trace, COALESCE(SUM(rc.paid_cents), 0) - r.plb_cents, r.payment_cents FROM remit r"
      " LEFT JOIN remit_claim rc ON rc.remit_id = r.remit_id"
      " GROUP BY r.remit_id, r.trace, r.plb_cents, r.payment_cents"
      " HAVING COALESCE(SUM(rc.paid_cents), 0) - r.plb_cents <> r.payment_cents ORDER BY r.remit_id",
      "remittance '%s': claims paid less provider adjustments come to %s, its payment is %s", 1 },
    { "SELECT r.trace, COALESCE(SUM(b.amount_cents), 0), r.plb_cents FROM remit r"
      " LEFT JOIN remit_plb b ON b.remit_id = r.remit_id GROUP BY r.remit_id, r.trace, r.plb_cents"
      " HAVING COALESCE(SUM(b.amount_cents), 0) <> r.plb_cents ORDER BY r.remit_id",
      "remittance '%s': provider adjustments add up to %s, it records %s", 1 },
    { "SELECT r.trace, COUNT(rc.remit_claim_id), r.claims FROM remit r"
      " LEFT JOIN remit_claim rc ON rc.remit_id = r.remit_id GROUP BY r.remit_id, r.trace, r.claims"
      " HAVING COUNT(rc.remit_claim_id) <> r.claims ORDER BY r.remit_id",
      "remittance '%s': %s claims posted, it holds %s", 0 },
    /* every matched adjudication's payment rows are its CLP04 */
    { "SELECT rc.clp01, -COALESCE(p.total, 0), rc.paid_cents FROM remit_claim rc"
      " LEFT JOIN (SELECT remit_claim_id, SUM(amount_cents) AS total FROM ledger"
      " WHERE kind = 'payment' AND remit_claim_id IS NOT NULL GROUP BY remit_claim_id) p"
      " ON p.remit_claim_id = rc.remit_claim_id"
      " WHERE rc.claim_id IS NOT NULL AND rc.status <> '22' AND -COALESCE(p.total, 0) <> rc.paid_cents"
      " ORDER BY rc.remit_claim_id",
      "remitted claim '%s': payment rows add up to %s, the payer paid %s", 1 },
    /* a reversal negates its target exactly: same claim, line and party, opposite amount */
    { "SELECT CAST(l.entry_id AS TEXT), l.amount_cents, COALESCE(t.amount_cents, 0) FROM ledger l"
      " LEFT JOIN ledger t ON t.entry_id = l.reverses WHERE l.reverses IS NOT NULL AND (t.entry_id IS NULL"
      " OR t.amount_cents <> -l.amount_cents OR t.claim_id <> l.claim_id OR t.line_no <> l.line_no"
      " OR COALESCE(t.payer_id, 0) <> COALESCE(l.payer_id, 0)) ORDER BY l.entry_id",
      "ledger row %s (%s) does not negate the row it reverses (%s)", 1 },
    { "SELECT CAST(reverses AS TEXT), COUNT(*), 0 FROM ledger WHERE reverses IS NOT NULL"
      " GROUP BY reverses HAVING COUNT(*) > 1 ORDER BY reverses",
      "ledger row %s is reversed %s times%.0s", 0 },
    /* transfers move money between parties: each posting's transfers (and their reversals) net to zero */
    { "SELECT COALESCE(CAST(l.remit_claim_id AS TEXT), 'none'), SUM(l.amount_cents), COUNT(*) FROM ledger l"
      " LEFT JOIN ledger t ON t.entry_id = l.reverses"
      " WHERE l.kind = 'transfer' OR (l.kind = 'reversal' AND t.kind = 'transfer')"
      " GROUP BY l.remit_claim_id HAVING SUM(l.amount_cents) <> 0 ORDER BY l.remit_claim_id",
      "the transfers of remitted claim %s do not net to zero (%s over %s rows)", 0 },
    { "SELECT c.claim_no, SUM(l.amount_cents), 0 FROM claim c JOIN ledger l ON l.claim_id = c.claim_id"
      " WHERE c.status = 'replaced' GROUP BY c.claim_id, c.claim_no HAVING SUM(l.amount_cents) <> 0"
      " ORDER BY c.claim_id",
      "claim '%s' is replaced yet carries a balance of %s%.0s", 1 },
    { "SELECT CAST(l.entry_id AS TEXT), 0, 0 FROM ledger l"
      " LEFT JOIN claim c ON c.claim_id = l.claim_id"
      " LEFT JOIN remit r ON r.remit_id = l.remit_id"
      " LEFT JOIN remit_claim rc ON rc.remit_claim_id = l.remit_claim_id"
      " WHERE c.claim_id IS NULL OR c.patient_id <> l.patient_id"
      " OR (l.remit_id IS NOT NULL AND r.remit_id IS NULL)"
      " OR (l.remit_claim_id IS NOT NULL AND (rc.remit_claim_id IS NULL OR rc.remit_id <> l.remit_id"
      " OR rc.claim_id IS NULL))"
      " ORDER BY l.entry_id",
      "ledger row %s refers to a missing claim, remittance or remitted claim, or to another patient%.0s%.0s", 0 },
    { "SELECT CAST(entry_id AS TEXT), 0, 0 FROM ledger WHERE kind NOT IN ('charge', 'payment', 'adjustment',"
      " 'transfer', 'reversal', 'patient_payment', 'writeoff', 'refund') ORDER BY entry_id",
      "ledger row %s has an unknown kind%.0s%.0s", 0 },
};

static void fmt_value(char *out, size_t outsz, int64_t v, int money)
{
    if (money)
        rcm_cents_fmt(out, v);
    else
        snprintf(out, outsz, "%lld", (long long)v);
}

/* Runs one rule: adds its offenders to problems, and the first one's message when none was kept yet. */
static int run_rule(rcm_cycle *cy, const ledger_rule *r, rcm_ledger_report *rep, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, r->sql, err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        if (rep->problems++ == 0) {
            char a[32], b[32];
            fmt_value(a, sizeof(a), sqlite3_column_int64(s, 1), r->money);
            fmt_value(b, sizeof(b), sqlite3_column_int64(s, 2), r->money);
            const char *what = (const char *)sqlite3_column_text(s, 0);
            snprintf(rep->first_problem, sizeof(rep->first_problem), r->msg, what ? what : "", a, b);
        }
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "checking the ledger");
    sqlite3_finalize(s);
    return rc;
}

/* Entries, claims, remittances, and the sums by kind (a reversal counts as the kind it reverses). */
static int totals(rcm_cycle *cy, rcm_ledger_report *rep, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COALESCE(t.kind, l.kind), l.payer_id IS NULL, COUNT(*), SUM(l.amount_cents)"
                           " FROM ledger l LEFT JOIN ledger t ON t.entry_id = l.reverses"
                           " GROUP BY COALESCE(t.kind, l.kind), l.payer_id IS NULL",
                           err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 0);
        int patient = sqlite3_column_int(s, 1);
        int64_t sum = sqlite3_column_int64(s, 3);
        rep->entries += (long)sqlite3_column_int64(s, 2);
        if (patient)
            rep->patient_ar_cents += sum;
        else
            rep->payer_ar_cents += sum;
        if (!kind)
            continue;
        if (strcmp(kind, "charge") == 0)
            rep->charges_cents += sum;
        else if (strcmp(kind, "payment") == 0 || strcmp(kind, "patient_payment") == 0 ||
                 strcmp(kind, "refund") == 0)
            rep->payments_cents -= sum;
        else if (strcmp(kind, "adjustment") == 0)
            rep->adjustments_cents -= sum;
        else if (strcmp(kind, "writeoff") == 0)
            rep->writeoffs_cents -= sum;
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "adding the ledger up");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    const char *counts[2] = { "SELECT COUNT(*) FROM claim", "SELECT COUNT(*) FROM remit" };
    long *into[2] = { &rep->claims, &rep->remits };
    for (int i = 0; i < 2 && rc == 0; i++) {
        if ((rc = store_prepare(cy->st, &s, counts[i], err)) < 0)
            return rc;
        if (sqlite3_step(s) == SQLITE_ROW)
            *into[i] = (long)sqlite3_column_int64(s, 0);
        else
            rc = store_sqlerr(cy->st, err, "counting");
        sqlite3_finalize(s);
    }
    return rc;
}

int rcm_ledger_check(rcm_cycle *cy, rcm_ledger_report *out, rcm_error *err)
{
    rcm_ledger_report local;
    if (!out)
        out = &local;
    memset(out, 0, sizeof(*out));
    int rc = cycle_require(cy, RCM_PERM_LEDGER_READ, err);
    if (rc < 0)
        return rc;
    /* one read transaction: every query sees the same store */
    int own = !rcm_store_in_transaction(cy->st);
    rc = own ? store_exec(cy->st, "BEGIN", err) : 0;
    if (rc < 0)
        return rc;
    rc = totals(cy, out, err);
    for (size_t i = 0; i < ARRAY_SIZE(rules) && rc == 0; i++)
        rc = run_rule(cy, &rules[i], out, err);
    if (own)
        store_exec(cy->st, "COMMIT", NULL);
    if (rc < 0)
        return rc;
    if (out->problems)
        return rcm_error_set(err, RCM_EBALANCE, "the ledger does not reconcile: %s", out->first_problem);
    return 0;
}

int rcm_ledger_rows(rcm_cycle *cy, const char *claim_no, rcm_ledger_row **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_LEDGER_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s, "SELECT claim_id FROM claim WHERE claim_no = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, claim_no, -1, SQLITE_STATIC);
    int64_t claim_id = 0;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        claim_id = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "looking the claim up");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if (!claim_id)
        return rcm_error_set(err, RCM_ENOTFOUND, "claim '%s': no such claim", claim_no);
    rc = store_prepare(cy->st, &s,
                       "SELECT l.entry_id, l.line_no, COALESCE(l.payer_id, 0), COALESCE(p.code, ''), l.kind,"
                       " l.group_code, l.carc, l.amount_cents, COALESCE(l.remit_id, 0), COALESCE(l.reverses, 0),"
                       " l.effective, l.at, l.user_name, l.memo"
                       " FROM ledger l LEFT JOIN payer p ON p.payer_id = l.payer_id"
                       " WHERE l.claim_id = ? ORDER BY l.entry_id",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, claim_id);
    size_t cap = 0;
    rcm_ledger_row *v = NULL;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_ledger_row *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 32);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_ledger_row *r = &v[(*n)++];
        memset(r, 0, sizeof(*r));
        r->entry_id = sqlite3_column_int64(s, 0);
        r->claim_id = claim_id;
        r->line_no = sqlite3_column_int(s, 1);
        r->payer_id = sqlite3_column_int64(s, 2);
        if (r->payer_id)
            cstr_copy(r->party, sizeof(r->party), (const char *)sqlite3_column_text(s, 3));
        else
            cstr_copy(r->party, sizeof(r->party), "patient");
        cstr_copy(r->kind, sizeof(r->kind), (const char *)sqlite3_column_text(s, 4));
        cstr_copy(r->group_code, sizeof(r->group_code), (const char *)sqlite3_column_text(s, 5));
        cstr_copy(r->carc, sizeof(r->carc), (const char *)sqlite3_column_text(s, 6));
        r->amount_cents = sqlite3_column_int64(s, 7);
        r->remit_id = sqlite3_column_int64(s, 8);
        r->reverses = sqlite3_column_int64(s, 9);
        r->effective = store_column_date(s, 10);
        r->at = sqlite3_column_int64(s, 11);
        cstr_copy(r->user, sizeof(r->user), (const char *)sqlite3_column_text(s, 12));
        cstr_copy(r->memo, sizeof(r->memo), (const char *)sqlite3_column_text(s, 13));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the ledger");
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[96];
        snprintf(detail, sizeof(detail), "ledger of claim %.38s rows=%zu", claim_no, *n);
        rc = cycle_audit_read(cy, "claim", claim_id, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}
