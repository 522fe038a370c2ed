/*
 * Hashing and appending audit events (see chain.h and migration 9's
 * audit_log in lib/store/schema.c).
 */
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "chain.h"
#include "../store/store_internal.h"
#include "../util/banned.h"

static void put_u64(crypto_generichash_state *h, uint64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)(v >> (8 * i));
    crypto_generichash_update(h, b, sizeof(b));
}

static void put_str(crypto_generichash_state *h, const char *s)
{
    size_t n = s ? strlen(s) : 0;
    unsigned char b[4];
    for (int i = 0; i < 4; i++)
        b[i] = (unsigned char)((uint32_t)n >> (8 * i));
    crypto_generichash_update(h, b, sizeof(b));
    if (n)
        crypto_generichash_update(h, (const unsigned char *)s, n);
}

void audit_hash(const audit_row *r, int64_t seq, const char *prev_hex, char out[65])
{
    unsigned char prev[32] = { 0 }, dig[32];
    size_t got = 0;
    if (!prev_hex || strlen(prev_hex) != 64 ||
        sodium_hex2bin(prev, sizeof(prev), prev_hex, 64, NULL, &got, NULL) != 0 || got != 32)
        memset(prev, 0, sizeof(prev));
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, sizeof(dig));
    static const char tag[] = "rcm-audit-v1";
    crypto_generichash_update(&h, (const unsigned char *)tag, sizeof(tag));
    crypto_generichash_update(&h, prev, sizeof(prev));
    put_u64(&h, (uint64_t)seq);
    put_u64(&h, (uint64_t)r->at);
    put_u64(&h, (uint64_t)r->user_id);
    put_u64(&h, (uint64_t)r->entity_id);
    put_u64(&h, (uint64_t)r->patient_id);
    put_u64(&h, (uint64_t)r->claim_id);
    put_str(&h, r->user);
    put_str(&h, r->roles);
    put_str(&h, r->origin);
    put_str(&h, r->action);
    put_str(&h, r->outcome);
    put_str(&h, r->entity);
    put_str(&h, r->detail);
    crypto_generichash_final(&h, dig, sizeof(dig));
    sodium_bin2hex(out, 65, dig, sizeof(dig));
}

static const char *nz(const char *s) { return s ? s : ""; }

void audit_stmts_release(audit_stmts *q)
{
    sqlite3_finalize(q->head);
    sqlite3_finalize(q->ins);
    q->head = q->ins = NULL;
}

static int append_q(rcm_store *st, audit_stmts *q, const audit_row *r, int64_t *seq_out, rcm_error *err)
{
    int rc = 0;
    if (!q->head && (rc = store_prepare(st, &q->head, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
                                        err)) < 0)
        return rc;
    if (!q->ins && (rc = store_prepare(st, &q->ins,
                                       "INSERT INTO audit_log (seq, at, user_id, user_name, roles, origin, action,"
                                       " outcome, entity, entity_id, patient_id, claim_id, detail, prev_hash, hash)"
                                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                       err)) < 0)
        return rc;
    int64_t seq = 1;
    char prev[65] = AUDIT_ZERO_HASH, hash[65];
    int step = sqlite3_step(q->head);
    if (step == SQLITE_ROW) {
        seq = sqlite3_column_int64(q->head, 0) + 1;
        const unsigned char *h = sqlite3_column_text(q->head, 1);
        /* chain on the head as stored, even a damaged one: rcm_audit_verify names it */
        snprintf(prev, sizeof(prev), "%s", h ? (const char *)h : "");
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(st, err, "reading the audit trail's head");
    }
    sqlite3_reset(q->head);
    if (rc < 0)
        return rc;
    audit_row row = *r;
    row.user = nz(r->user);
    row.roles = nz(r->roles);
    row.origin = nz(r->origin);
    row.action = nz(r->action);
    row.outcome = r->outcome ? r->outcome : "ok";
    row.entity = nz(r->entity);
    row.detail = nz(r->detail);
    audit_hash(&row, seq, prev, hash);
    sqlite3_stmt *s = q->ins;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_int64(s, 2, row.at);
    sqlite3_bind_int64(s, 3, row.user_id);
    sqlite3_bind_text(s, 4, row.user, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, row.roles, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, row.origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, row.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, row.outcome, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, row.entity, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 10, row.entity_id);
    sqlite3_bind_int64(s, 11, row.patient_id);
    sqlite3_bind_int64(s, 12, row.claim_id);
    sqlite3_bind_text(s, 13, row.detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 15, hash, -1, SQLITE_STATIC);
    rc = store_step_done(st, s, "writing an audit event", err);
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    if (rc == 0 && seq_out)
        *seq_out = seq;
    return rc;
}

int audit_append(rcm_store *st, audit_stmts *q, const audit_row *r, int64_t *seq_out, rcm_error *err)
{
    int own = !rcm_store_in_transaction(st), rc;
    if (own && (rc = rcm_store_begin(st, err)) < 0)
        return rc;
    audit_stmts once = { 0 };
    rc = append_q(st, q ? q : &once, r, seq_out, err);
    audit_stmts_release(&once);
    if (own) {
        if (rc < 0)
            rcm_store_rollback(st);
        else
            rc = rcm_store_commit(st, err);
    }
    return rc;
}
