/*
 * Submission (include/rcm/submit.h): the ready claims of one payer and kind
 * become one 837 batch file, and the store records the batch.
 *
 * The order of the work is what keeps control numbers unique:
 *   1. the ISA and GS control numbers are taken from their counters, each
 *      in its own committed transaction (cycle_counter_take): from then on
 *      they are spent, whatever happens next;
 *   2. one write transaction opens (BEGIN IMMEDIATE: no other writer can
 *      submit the same claims meanwhile); the ready claims are read in claim
 *      id order, assembled (cycle_claims_assemble: statements and practice
 *      rows cached for the batch) and written into memory;
 *   3. the file is written beside its final name, synced and renamed into
 *      place (cycle_write_file);
 *   4. the file row, the batch row, the claims' new status and the audit
 *      event are written, and the transaction commits.
 * A failure in 4 rolls back and removes the file. A crash between the
 * rename and the commit leaves a file no batch row names: its claims are
 * still ready and go into the next batch, under new numbers; the orphan's
 * numbers are never used again (docs/submission.md tells how to spot one).
 *
 * A claim the 837 writer refuses (a value X12 cannot carry, a required
 * value missing) is not sent: it goes back to held with a biller work item,
 * and the others are sent.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/submit.h"
#include "rcm/x12write.h"
#include "cycle_internal.h"
#include "claims.h"
#include "../util/banned.h"

#define MAX_CONTROL INT64_C(999999999)   /* ISA13 and GS06 are at most 9 digits */

/* The claims chosen, in claim id order; mine[i]: the submitting user coded claim ids[i]. */
typedef struct pick {
    int64_t *ids;
    unsigned char *mine;
    size_t n, cap;
} pick;

static int pick_add(pick *p, int64_t id, int mine)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 1024;
        int64_t *v = realloc(p->ids, nc * sizeof(*v));
        if (!v)
            return RCM_ENOMEM;
        p->ids = v;
        unsigned char *m = realloc(p->mine, nc);
        if (!m)
            return RCM_ENOMEM;
        p->mine = m;
        p->cap = nc;
    }
    p->mine[p->n] = (unsigned char)(mine != 0);
    p->ids[p->n++] = id;
    return 0;
}

/* A claim the writer refused, and why (the message without any value in it). */
typedef struct refused {
    int64_t claim_id;
    char why[120];
} refused;

static int lookup_payer(rcm_cycle *cy, int64_t practice, const char *code, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT payer_id FROM payer WHERE practice_id = ? AND code = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    sqlite3_bind_text(s, 2, code, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step == SQLITE_DONE)
        rc = rcm_error_set(err, RCM_ENOTFOUND, "payer '%s': not in the store", code);
    else
        rc = store_sqlerr(cy->st, err, "looking the payer up");
    sqlite3_finalize(s);
    return rc;
}

/* The number of claims of payer and kind in status ready. */
static int count_ready(rcm_cycle *cy, int64_t payer, const char *kind, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT count(*) FROM claim WHERE status = 'ready' AND payer_id = ? AND kind = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, payer);
    sqlite3_bind_text(s, 2, kind, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "counting ready claims");
    sqlite3_finalize(s);
    return rc;
}

static int read_ready(rcm_cycle *cy, int64_t payer, const char *kind, pick *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT claim_id, COALESCE(coded_by = ?, 0) FROM claim"
                           " WHERE status = 'ready' AND payer_id = ? AND kind = ? ORDER BY claim_id",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, payer);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW)
        if (pick_add(out, sqlite3_column_int64(s, 0), sqlite3_column_int(s, 1)) < 0) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading ready claims");
    sqlite3_finalize(s);
    return rc;
}

/* The envelope's parties: ISA06 from the submitter id, ISA08 from the receiver id (15 characters each). */
static int envelope_ids(rcm_cycle *cy, int64_t practice, rcm_x12_write_opts *o, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT submitter_id, receiver_id FROM practice WHERE practice_id = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, practice);
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *sub = (const char *)sqlite3_column_text(s, 0);
        const char *rcv = (const char *)sqlite3_column_text(s, 1);
        if (!sub || !*sub || strlen(sub) >= sizeof(o->sender_id))
            rc = rcm_error_set(err, RCM_EINVAL, "the practice's submitter id '%s' must be 1 to 15 characters (ISA06)",
                               sub ? sub : "");
        else if (!rcv || !*rcv || strlen(rcv) >= sizeof(o->receiver_id))
            rc = rcm_error_set(err, RCM_EINVAL, "the practice's receiver id '%s' must be 1 to 15 characters (ISA08)",
                               rcv ? rcv : "");
        else {
            cstr_copy(o->sender_id, sizeof(o->sender_id), sub);
            cstr_copy(o->receiver_id, sizeof(o->receiver_id), rcv);
        }
    } else {
        rc = store_sqlerr(cy->st, err, "reading the practice");
    }
    sqlite3_finalize(s);
    return rc;
}

/*
 * The writer's refusal as a work-item summary: "claim 'C1': lines[2].code:
 * missing (...)" keeps its path and reason, but a reason quoting a value
 * (which may be a name) keeps the path alone.
 */
static void refusal_text(char *out, size_t n, const char *msg)
{
    const char *p = strstr(msg, "': ");
    p = p ? p + 3 : msg;
    const char *colon = strstr(p, ": ");
    if (!colon) {
        snprintf(out, n, "not writable as 837: %.80s", p);
        return;
    }
    const char *why = colon + 2;
    if (strchr(why, '\''))
        snprintf(out, n, "not writable as 837: %.*s: a value X12 cannot carry", (int)(colon - p), p);
    else
        snprintf(out, n, "not writable as 837: %.*s: %.60s", (int)(colon - p), p, why);
}

/* A claim the writer refused goes back to held, with a biller work item. */
static int hold_refused(rcm_cycle *cy, const refused *r, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "UPDATE claim SET status = 'held' WHERE claim_id = ? AND status = 'ready'",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, r->claim_id);
    rc = store_step_done(cy->st, s, "holding a claim", err);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    int64_t charge = 0, enc = 0;
    if ((rc = store_prepare(cy->st, &s, "SELECT charge_cents, encounter_id FROM claim WHERE claim_id = ?", err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, r->claim_id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        charge = sqlite3_column_int64(s, 0);
        enc = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    cycle_work w = { .queue = RCM_QUEUE_BILLER, .kind = "scrub", .claim_id = r->claim_id, .encounter_id = enc,
                     .amount_cents = charge, .due = RCM_DATE_NONE, .summary = r->why };
    if ((rc = cycle_work_add(cy, &w, NULL, err)) < 0)
        return rc;
    return cycle_audit(cy, "hold", "claim", r->claim_id, "status ready -> held: not writable as 837", err);
}

static int insert_batch(rcm_cycle *cy, int64_t practice, int64_t payer, const char *kind, int64_t file_id,
                        const rcm_submit_report *rep, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "INSERT INTO batch (batch_id, practice_id, payer_id, kind, isa_control, gs_control, file_id,"
                           " claims, charge_cents, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, rep->batch_id);
    sqlite3_bind_int64(s, 2, practice);
    sqlite3_bind_int64(s, 3, payer);
    sqlite3_bind_text(s, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, rep->isa_control);
    sqlite3_bind_int64(s, 6, rep->gs_control);
    sqlite3_bind_int64(s, 7, file_id);
    sqlite3_bind_int64(s, 8, rep->claims);
    sqlite3_bind_int64(s, 9, rep->charge_cents);
    sqlite3_bind_int64(s, 10, cy->now);
    sqlite3_bind_text(s, 11, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "recording the batch", err);
    sqlite3_finalize(s);
    return rc;
}

/*
 * Every claim still ready for payer and kind was written (the refused ones
 * were held first): one statement marks them all submitted. The transaction
 * has held the write lock since they were read, so the count must match.
 */
static int mark_submitted(rcm_cycle *cy, int64_t payer, const char *kind, int64_t batch_id, long expect,
                          rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "UPDATE claim SET status = 'submitted', batch_id = ?, submitted_at = ?, submitted_by = ?,"
                           " submissions = submissions + 1 WHERE status = 'ready' AND payer_id = ? AND kind = ?",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, batch_id);
    sqlite3_bind_int64(s, 2, cy->now);
    sqlite3_bind_text(s, 3, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 4, payer);
    sqlite3_bind_text(s, 5, kind, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "marking claims submitted", err);
    long changed = (long)sqlite3_changes(cycle_db(cy));
    sqlite3_finalize(s);
    if (rc == 0 && changed != expect)
        rc = rcm_error_set(err, RCM_EIO, "batch %lld: %ld claims marked submitted, %ld written", (long long)batch_id,
                           changed, expect);
    if (rc < 0)
        return rc;
    /* The biller's "submit the corrected claim" items are done once it is sent. */
    if ((rc = store_prepare(cy->st, &s,
                            "UPDATE work_item SET status = 'done', closed_at = ?, closed_by = ?"
                            " WHERE kind = 'correction' AND status = 'open' AND claim_id IN"
                            " (SELECT claim_id FROM claim WHERE batch_id = ?)",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, cy->now);
    sqlite3_bind_text(s, 2, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, batch_id);
    rc = store_step_done(cy->st, s, "closing the corrected claims' work items", err);
    sqlite3_finalize(s);
    return rc;
}

/* Writes every picked claim; refused ones are listed in *ref. Output goes to out. */
static int write_claims(rcm_cycle *cy, const pick *p, const rcm_x12_write_opts *o, rcm_buf *out,
                        refused **ref, size_t *n_ref, rcm_submit_report *rep, rcm_error *err)
{
    rcm_x12_writer *w = NULL;
    cycle_claims *cc = NULL;
    int rc = rcm_x12_writer_new(&w, o, err);
    if (rc < 0)
        return rc;
    if ((rc = cycle_claims_open(cy, &cc, err)) < 0) {
        rcm_x12_writer_free(w);
        return rc;
    }
    arena mem;
    arena_init(&mem, 1 << 16, (size_t)64 << 20);
    size_t cap = 0;
    for (size_t i = 0; i < p->n; i++) {
        arena_reset(&mem);
        rcm_claim c;
        if ((rc = cycle_claims_assemble(cc, p->ids[i], &c, &mem, err)) < 0)
            break;
        rcm_error werr;
        memset(&werr, 0, sizeof(werr));
        rc = rcm_x12_writer_add(w, &c, &werr);
        if (rc == RCM_EINVAL) {
            if (*n_ref == cap) {
                size_t nc = cap ? cap * 2 : 16;
                refused *v = realloc(*ref, nc * sizeof(*v));
                if (!v) {
                    rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
                    break;
                }
                *ref = v;
                cap = nc;
            }
            refused *r = &(*ref)[(*n_ref)++];
            r->claim_id = p->ids[i];
            refusal_text(r->why, sizeof(r->why), werr.msg);
            rc = 0;
            continue;
        }
        if (rc < 0) {
            if (err)
                *err = werr;
            break;
        }
        rep->claims++;
        rep->lines += (long)c.n_lines;
        rep->charge_cents += c.charge_cents;
        /* keep memory flat: move the output along as it grows */
        if (rcm_x12_writer_take(w, out) < 0) {
            rc = rcm_error_set(err, RCM_ENOMEM, "the batch is too large to hold in memory");
            break;
        }
    }
    if (rc == 0 && rep->claims > 0) {
        if ((rc = rcm_x12_writer_finish(w, err)) == 0 && rcm_x12_writer_take(w, out) < 0)
            rc = rcm_error_set(err, RCM_ENOMEM, "the batch is too large to hold in memory");
    }
    arena_release(&mem);
    cycle_claims_close(cc);
    rcm_x12_writer_free(w);
    return rc;
}

/*
 * Separation of duties: the claims going into the batch (picked, not
 * refused by the writer) that the submitting user coded. One conflict
 * refuses the whole submission (the caller rolls back); a live exception
 * lets each through with an event.
 */
static int check_duties(rcm_cycle *cy, const pick *p, const refused *ref, size_t n_ref, rcm_error *err)
{
    size_t r = 0;
    for (size_t i = 0; i < p->n; i++) {
        /* ref is in claim id order, as the picks are */
        while (r < n_ref && ref[r].claim_id < p->ids[i])
            r++;
        if (!p->mine[i] || (r < n_ref && ref[r].claim_id == p->ids[i]))
            continue;
        int rc = cycle_sod(cy, p->ids[i], "submit", err);
        if (rc < 0)
            return rc;
    }
    return 0;
}

/* After a failure that follows the rename: the file goes, and the message says so. */
static void remove_file(const char *path, rcm_error *err)
{
    int gone = unlink(path) == 0 || errno == ENOENT;
    if (!err)
        return;
    rcm_buf b;
    rcm_buf_init(&b, sizeof(err->msg) * 4);
    rcm_buf_addf(&b, "%s (nothing recorded; the batch file '%s' %s)", err->msg, path,
                 gone ? "was removed" : "could not be removed: delete it, it was never sent");
    cstr_copy(err->msg, sizeof(err->msg), b.ptr);
    rcm_buf_release(&b);
}

static void envelope_clock(const rcm_cycle *cy, rcm_x12_write_opts *o)
{
    int64_t now = cy->now;
    int64_t day = now >= 0 ? now / 86400 : -((-now + 86399) / 86400);
    int64_t sec = now - day * 86400;
    int hh = (int)(sec / 3600), mm = (int)(sec / 60 % 60);
    o->date = (rcm_date)day;
    o->time[0] = (char)('0' + hh / 10);
    o->time[1] = (char)('0' + hh % 10);
    o->time[2] = (char)('0' + mm / 10);
    o->time[3] = (char)('0' + mm % 10);
    o->time[4] = '\0';
}

int rcm_submit(rcm_cycle *cy, const char *payer, char kind, const char *out_path, rcm_submit_report *out,
               rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = cycle_require(cy, RCM_PERM_SUBMIT, err);
    if (rc < 0)
        return rc;
    if (kind != 'P' && kind != 'I')
        return rcm_error_set(err, RCM_EINVAL, "claim kind '%c': P (837P) or I (837I)", kind ? kind : '?');
    if (!payer || !*payer)
        return rcm_error_set(err, RCM_EINVAL, "no payer given");
    if (!out_path || !*out_path)
        return rcm_error_set(err, RCM_EINVAL, "no output file given");
    if (rcm_store_in_transaction(cy->st))
        return rcm_error_set(err, RCM_EINVAL, "submit: called inside a transaction");
    const char kind_s[2] = { kind, 0 };
    snprintf(out->kind, sizeof(out->kind), "837%c", kind);

    int64_t practice = 0, payer_id = 0, ready = 0;
    rc = cycle_practice(cy, &practice, err);
    if (rc < 0 || (rc = lookup_payer(cy, practice, payer, &payer_id, err)) < 0 ||
        (rc = count_ready(cy, payer_id, kind_s, &ready, err)) < 0)
        return rc;
    if (ready == 0)
        return 0;
    if (access(out_path, F_OK) == 0)
        return rcm_error_set(err, RCM_EEXIST, "'%s' exists: a batch file is never overwritten", out_path);

    /* 1. the control numbers, committed before anything uses them */
    int64_t isa = 0, gs = 0;
    if ((rc = cycle_counter_take(cy, "isa", 1, &isa, err)) < 0 || (rc = cycle_counter_take(cy, "gs", 1, &gs, err)) < 0)
        return rc;
    if (isa > MAX_CONTROL || gs > MAX_CONTROL)
        return rcm_error_set(err, RCM_ELIMIT, "control numbers are used up (ISA13 %lld, GS06 %lld: 9 digits)",
                             (long long)isa, (long long)gs);

    rcm_x12_write_opts o;
    rcm_x12_write_opts_init(&o, kind);
    o.isa_control = (uint32_t)isa;
    o.gs_control = (uint32_t)gs;
    o.st_control = 1;
    envelope_clock(cy, &o);

    pick p = { 0 };
    refused *ref = NULL;
    size_t n_ref = 0;
    rcm_buf body;
    rcm_buf_init(&body, RCM_MAX_DOCUMENT);
    int written = 0;
    rcm_submit_report rep;
    memset(&rep, 0, sizeof(rep));
    memcpy(rep.kind, out->kind, sizeof(rep.kind));
    rep.isa_control = isa;
    rep.gs_control = gs;

    /* 2. one transaction from reading the claims to marking them */
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    if ((rc = envelope_ids(cy, practice, &o, err)) < 0 || (rc = read_ready(cy, payer_id, kind_s, &p, err)) < 0 ||
        (rc = write_claims(cy, &p, &o, &body, &ref, &n_ref, &rep, err)) < 0 ||
        (rc = check_duties(cy, &p, ref, n_ref, err)) < 0)
        goto fail;
    for (size_t i = 0; i < n_ref; i++)
        if ((rc = hold_refused(cy, &ref[i], err)) < 0)
            goto fail;
    if (rep.claims == 0) {
        /* nothing writable: the holds are kept, the numbers are skipped */
        rep.isa_control = rep.gs_control = 0;
        if ((rc = rcm_store_commit(cy->st, err)) < 0)
            goto fail;
        goto finish;
    }

    /* 3. the file, in place */
    if ((rc = cycle_write_file(out_path, body.ptr, body.len, err)) < 0)
        goto fail;
    written = 1;

    /* 4. what the store keeps of it */
    int64_t file_id = 0;
    int existed = 0;
    if ((rc = cycle_file_put(cy, out->kind, "out", out_path, body.ptr, body.len, &file_id, &existed, err)) < 0 ||
        (rc = cycle_next_id(cy, "batch", "batch_id", &rep.batch_id, err)) < 0 ||
        (rc = insert_batch(cy, practice, payer_id, kind_s, file_id, &rep, err)) < 0 ||
        (rc = mark_submitted(cy, payer_id, kind_s, rep.batch_id, rep.claims, err)) < 0)
        goto fail;
    char detail[160];
    snprintf(detail, sizeof(detail), "%s payer %s claims %ld ready -> submitted isa %lld gs %lld file %lld held %zu",
             out->kind, payer,
             rep.claims, (long long)isa, (long long)gs, (long long)file_id, n_ref);
    if ((rc = cycle_audit(cy, "submit", "batch", rep.batch_id, detail, err)) < 0)
        goto fail;
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;

finish:
    rep.refused = (long)n_ref;
    *out = rep;
    goto done;
fail:
    rcm_store_rollback(cy->st);
    if (written)
        remove_file(out_path, err);
    cycle_flush_denial(cy);
done:
    free(p.ids);
    free(p.mine);
    free(ref);
    rcm_buf_release(&body);
    return rc;
}

int rcm_batch_list(rcm_cycle *cy, rcm_batch **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    /* 277CA verdicts: the last one per claim (its highest ack id) */
    rc = store_prepare(cy->st, &s,
                           "SELECT b.batch_id, p.code, b.kind, b.isa_control, b.gs_control, b.claims, b.charge_cents,"
                           " b.created_at, b.created_by, COALESCE(f.name, ''),"
                           " (SELECT count(*) FROM ack a WHERE a.batch_id = b.batch_id AND a.claim_id IS NULL"
                           "   AND a.kind IN ('999', 'TA1') AND a.status = 'accepted'),"
                           " (SELECT count(*) FROM ack a WHERE a.batch_id = b.batch_id AND a.claim_id IS NULL"
                           "   AND a.kind IN ('999', 'TA1') AND a.status = 'rejected'),"
                           " (SELECT count(*) FROM ack a WHERE a.batch_id = b.batch_id AND a.kind = '277CA'"
                           "   AND a.status = 'accepted' AND a.ack_id = (SELECT MAX(x.ack_id) FROM ack x"
                           "   WHERE x.claim_id = a.claim_id AND x.kind = '277CA')),"
                           " (SELECT count(*) FROM ack a WHERE a.batch_id = b.batch_id AND a.kind = '277CA'"
                           "   AND a.status = 'rejected' AND a.ack_id = (SELECT MAX(x.ack_id) FROM ack x"
                           "   WHERE x.claim_id = a.claim_id AND x.kind = '277CA'))"
                           " FROM batch b JOIN payer p ON p.payer_id = b.payer_id"
                           " LEFT JOIN x12_file f ON f.file_id = b.file_id"
                           " ORDER BY b.batch_id DESC",
                           err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    rcm_batch *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_batch *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 32);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_batch *b = &v[(*n)++];
        memset(b, 0, sizeof(*b));
        b->batch_id = sqlite3_column_int64(s, 0);
        cstr_copy(b->payer, sizeof(b->payer), (const char *)sqlite3_column_text(s, 1));
        cstr_copy(b->kind, sizeof(b->kind), "837");
        cstr_copy(b->kind + 3, sizeof(b->kind) - 3, (const char *)sqlite3_column_text(s, 2));
        b->isa_control = sqlite3_column_int64(s, 3);
        b->gs_control = sqlite3_column_int64(s, 4);
        b->claims = (long)sqlite3_column_int64(s, 5);
        b->charge_cents = sqlite3_column_int64(s, 6);
        b->created_at = sqlite3_column_int64(s, 7);
        cstr_copy(b->created_by, sizeof(b->created_by), (const char *)sqlite3_column_text(s, 8));
        cstr_copy(b->file, sizeof(b->file), (const char *)sqlite3_column_text(s, 9));
        b->sets_accepted = (long)sqlite3_column_int64(s, 10);
        b->sets_rejected = (long)sqlite3_column_int64(s, 11);
        b->claims_accepted = (long)sqlite3_column_int64(s, 12);
        b->claims_rejected = (long)sqlite3_column_int64(s, 13);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing batches");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

int rcm_submit_control(rcm_cycle *cy, const char *counter, int64_t *out, rcm_error *err)
{
    *out = 0;
    int rc = cycle_require(cy, RCM_PERM_CLAIMS_READ, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s, "SELECT value FROM control_counter WHERE name = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, counter, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading a control number");
    sqlite3_finalize(s);
    return rc;
}
