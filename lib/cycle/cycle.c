/*
 * The cycle handle and what every step shares: row ids, audit events, the
 * files exchanged with payers, control numbers and work items.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "cycle_internal.h"
#include "../util/banned.h"

static rcm_date date_of(int64_t t)
{
    int64_t d = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
    return (rcm_date)d;
}

void rcm_cycle_free(rcm_cycle *cy)
{
    if (!cy)
        return;
    audit_stmts_release(&cy->aq);
    rcm_scrub_free(cy->scrub);
    rcm_codeset_free(cy->codeset);
    rcm_edits_close(cy->edits);
    free(cy);
}

void rcm_cycle_set_now(rcm_cycle *cy, int64_t now)
{
    cy->now = now;
    cy->today = date_of(now);
}

void rcm_cycle_set_today(rcm_cycle *cy, rcm_date today) { cy->today = today; }
rcm_store *rcm_cycle_store(const rcm_cycle *cy) { return cy->st; }
const char *rcm_cycle_user(const rcm_cycle *cy) { return cy->user; }
int64_t rcm_cycle_user_id(const rcm_cycle *cy) { return cy->user_id; }
unsigned rcm_cycle_roles(const rcm_cycle *cy) { return cy->roles; }
int64_t rcm_cycle_session_end(const rcm_cycle *cy) { return cy->session_end; }
int64_t rcm_cycle_now(const rcm_cycle *cy) { return cy->now; }
rcm_date rcm_cycle_today(const rcm_cycle *cy) { return cy->today; }

int cycle_practice(rcm_cycle *cy, int64_t *out, rcm_error *err)
{
    if (cy->practice_id) {
        *out = cy->practice_id;
        return 0;
    }
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT practice_id FROM practice ORDER BY practice_id LIMIT 1", err);
    if (rc < 0)
        return rc;
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        cy->practice_id = sqlite3_column_int64(s, 0);
        *out = cy->practice_id;
    } else if (step == SQLITE_DONE) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "no practice in the store: run 'rcm practice import'");
    } else {
        rc = store_sqlerr(cy->st, err, "reading the practice");
    }
    sqlite3_finalize(s);
    return rc;
}

int cycle_next_id(rcm_cycle *cy, const char *table, const char *col, int64_t *out, rcm_error *err)
{
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(%s), 0) + 1 FROM %s", col, table);
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, table);
    sqlite3_finalize(s);
    return rc;
}

/* The patient and claim a record belongs to, for the entities that have them. */
static int record_owner(rcm_cycle *cy, const char *entity, int64_t id, int64_t *patient, int64_t *claim,
                        rcm_error *err)
{
    static const struct {
        const char *entity, *sql;
    } q[] = {
        { "claim", "SELECT e.patient_id, c.claim_id FROM claim c JOIN encounter e USING (encounter_id)"
                   " WHERE c.claim_id = ?" },
        { "encounter", "SELECT patient_id, 0 FROM encounter WHERE encounter_id = ?" },
        { "coverage", "SELECT patient_id, 0 FROM coverage WHERE coverage_id = ?" },
        { "patient", "SELECT patient_id, 0 FROM patient WHERE patient_id = ?" },
        { "denial", "SELECT e.patient_id, c.claim_id FROM denial d JOIN claim c USING (claim_id)"
                    " JOIN encounter e USING (encounter_id) WHERE d.denial_id = ?" },
        { "appeal", "SELECT e.patient_id, c.claim_id FROM appeal a JOIN claim c USING (claim_id)"
                    " JOIN encounter e USING (encounter_id) WHERE a.appeal_id = ?" },
        { "statement", "SELECT patient_id, 0 FROM statement WHERE statement_id = ?" },
        { "work_item", "SELECT COALESCE(e.patient_id, e2.patient_id, 0), COALESCE(w.claim_id, 0)"
                       " FROM work_item w LEFT JOIN claim c ON c.claim_id = w.claim_id"
                       " LEFT JOIN encounter e ON e.encounter_id = c.encounter_id"
                       " LEFT JOIN encounter e2 ON e2.encounter_id = w.encounter_id WHERE w.item_id = ?" },
        { "writeoff_request", "SELECT e.patient_id, c.claim_id FROM writeoff_request r JOIN claim c USING (claim_id)"
                              " JOIN encounter e USING (encounter_id) WHERE r.request_id = ?" },
    };
    if (!entity || id <= 0)
        return 0;
    for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
        if (strcmp(entity, q[i].entity) != 0)
            continue;
        sqlite3_stmt *s = NULL;
        int rc = store_prepare(cy->st, &s, q[i].sql, err);
        if (rc < 0)
            return rc;
        sqlite3_bind_int64(s, 1, id);
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW) {
            if (!*patient)
                *patient = sqlite3_column_int64(s, 0);
            if (!*claim)
                *claim = sqlite3_column_int64(s, 1);
        } else if (step != SQLITE_DONE) {
            rc = store_sqlerr(cy->st, err, "finding an audited record's patient");
        }
        sqlite3_finalize(s);
        return rc;
    }
    return 0;
}

int cycle_audit_full(rcm_cycle *cy, const char *action, const char *outcome, const char *entity, int64_t entity_id,
                     int64_t patient_id, int64_t claim_id, const char *detail, rcm_error *err)
{
    /* the owner is looked up unless the caller knew it */
    int rc = patient_id ? 0 : record_owner(cy, entity, entity_id, &patient_id, &claim_id, err);
    if (rc < 0)
        return rc;
    char origin[160];
    snprintf(origin, sizeof(origin), "%s%s%s", cy->origin, cy->session[0] ? " session " : "", cy->session);
    audit_row r = { .at = cy->now, .user_id = cy->user_id, .user = cy->user, .roles = cy->roles_s,
                    .origin = origin, .action = action, .outcome = outcome, .entity = entity,
                    .entity_id = entity_id, .patient_id = patient_id, .claim_id = claim_id, .detail = detail };
    return audit_append(cy->st, &cy->aq, &r, NULL, err);
}

int cycle_audit(rcm_cycle *cy, const char *action, const char *entity, int64_t entity_id,
                const char *detail, rcm_error *err)
{
    return cycle_audit_full(cy, action, "ok", entity, entity_id, 0, 0, detail, err);
}

int cycle_audit_read(rcm_cycle *cy, const char *entity, int64_t entity_id, const char *detail, rcm_error *err)
{
    /* outside a transaction the append commits on its own (lib/audit/chain.c) */
    return cycle_audit_full(cy, "read", "ok", entity, entity_id, 0, 0, detail, err);
}

int cycle_read_file(const char *path, char **out, size_t *len, rcm_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    int rc = 0;
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) {
            if (ferror(f))
                rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
            break;
        }
        char *nb = cap > ((size_t)1 << 40) ? NULL : realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    fclose(f);
    if (!buf)
        return rcm_error_set(err, RCM_ENOMEM, "'%s': out of memory", path);
    if (rc < 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return 0;
}

int cycle_write_file(const char *path, const void *data, size_t len, rcm_error *err)
{
    rcm_buf tmp;
    rcm_buf_init(&tmp, 8192);
    rcm_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (rcm_buf_failed(&tmp)) {
        rcm_buf_release(&tmp);
        return rcm_error_set(err, RCM_EINVAL, "'%s': path too long", path);
    }
    int rc = 0;
    int fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) {
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
        goto done;
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
            break;
        }
        p += w;
        left -= (size_t)w;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (close(fd) < 0 && rc == 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (rc == 0 && rename(tmp.ptr, path) < 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (rc < 0)
        unlink(tmp.ptr);
done:
    rcm_buf_release(&tmp);
    return rc;
}

static void sha256_hex(char out[65], const char *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(h); i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

int cycle_file_put(rcm_cycle *cy, const char *kind, const char *direction, const char *name,
                   const char *data, size_t len, int64_t *file_id, int *existed, rcm_error *err)
{
    char sum[65];
    sha256_hex(sum, data, len);
    *existed = 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT file_id FROM x12_file WHERE sha256 = ?", err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, sum, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *file_id = sqlite3_column_int64(s, 0);
        *existed = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "looking a file up");
    }
    sqlite3_finalize(s);
    if (rc < 0 || *existed)
        return rc;
    if ((rc = cycle_next_id(cy, "x12_file", "file_id", file_id, err)) < 0)
        return rc;
    rc = store_prepare(cy->st, &s,
                       "INSERT INTO x12_file (file_id, sha256, kind, direction, name, size, at, user_name, body)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, *file_id);
    sqlite3_bind_text(s, 2, sum, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, direction, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 6, (sqlite3_int64)len);
    sqlite3_bind_int64(s, 7, cy->now);
    sqlite3_bind_text(s, 8, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, data, (int)(len > INT32_MAX ? INT32_MAX : len), SQLITE_STATIC);
    if (len > INT32_MAX)
        rc = rcm_error_set(err, RCM_ELIMIT, "'%s': larger than 2 GiB", name);
    else
        rc = store_step_done(cy->st, s, "recording a file", err);
    sqlite3_finalize(s);
    if (rc == 0) {
        char detail[128];
        snprintf(detail, sizeof(detail), "%s %s sha256 %.16s", kind, direction, sum);
        rc = cycle_audit(cy, "file", "x12_file", *file_id, detail, err);
    }
    return rc;
}

int cycle_counter_take(rcm_cycle *cy, const char *name, int64_t n, int64_t *out, rcm_error *err)
{
    if (rcm_store_in_transaction(cy->st))
        return rcm_error_set(err, RCM_EINVAL, "control number '%s': taken inside a transaction", name);
    if (n < 1)
        return rcm_error_set(err, RCM_EINVAL, "control number '%s': count %lld", name, (long long)n);
    int rc = rcm_store_begin(cy->st, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    int64_t cur = 0;
    if ((rc = store_prepare(cy->st, &s, "SELECT value FROM control_counter WHERE name = ?", err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        cur = sqlite3_column_int64(s, 0);
    else if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading a control number");
    sqlite3_finalize(s);
    s = NULL;
    if (rc < 0)
        goto fail;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO control_counter (name, value) VALUES (?, ?)"
                            " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                            err)) < 0)
        goto fail;
    sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, cur + n);
    rc = store_step_done(cy->st, s, "advancing a control number", err);
    sqlite3_finalize(s);
    if (rc < 0)
        goto fail;
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    *out = cur + 1;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    return rc;
}

void *cycle_grow(void *v, size_t *cap, size_t n, size_t elem, size_t first)
{
    if (n < *cap)
        return v;
    size_t nc = *cap ? *cap * 2 : first;
    if (elem == 0 || nc < *cap || nc > SIZE_MAX / elem)
        return NULL;
    void *nv = realloc(v, nc * elem);
    if (nv)
        *cap = nc;
    return nv;
}

int cycle_work_add(rcm_cycle *cy, const cycle_work *w, int64_t *item_id, rcm_error *err)
{
    int64_t practice = 0, id = 0;
    int rc = cycle_practice(cy, &practice, err);
    if (rc < 0 || (rc = cycle_next_id(cy, "work_item", "item_id", &id, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                       "INSERT INTO work_item (item_id, practice_id, queue, kind, claim_id, encounter_id,"
                       " denial_id, remit_claim_id, amount_cents, due, status, summary, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)",
                       err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, practice);
    sqlite3_bind_text(s, 3, w->queue, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, w->kind, -1, SQLITE_STATIC);
    int64_t refs[4] = { w->claim_id, w->encounter_id, w->denial_id, w->remit_claim_id };
    for (int i = 0; i < 4; i++) {
        if (refs[i])
            sqlite3_bind_int64(s, 5 + i, refs[i]);
        else
            sqlite3_bind_null(s, 5 + i);
    }
    sqlite3_bind_int64(s, 9, w->amount_cents);
    store_bind_date(s, 10, w->due);
    sqlite3_bind_text(s, 11, w->summary ? w->summary : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 12, cy->now);
    rc = store_step_done(cy->st, s, "adding a work item", err);
    sqlite3_finalize(s);
    if (rc == 0 && item_id)
        *item_id = id;
    return rc;
}

/* The permission that works a queue: the coder's, or the biller's (biller, patient, poster). */
static rcm_perm queue_perm(const char *queue)
{
    return strcmp(queue, RCM_QUEUE_CODER) == 0 ? RCM_PERM_WORK_CODER : RCM_PERM_WORK_BILLER;
}

static int queue_known(const char *queue)
{
    return strcmp(queue, RCM_QUEUE_CODER) == 0 || strcmp(queue, RCM_QUEUE_BILLER) == 0 ||
           strcmp(queue, RCM_QUEUE_PATIENT) == 0 || strcmp(queue, RCM_QUEUE_POSTER) == 0;
}

int rcm_work_list(rcm_cycle *cy, const char *queue, rcm_work_item **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    if (queue && !queue_known(queue))
        return rcm_error_set(err, RCM_EINVAL, "queue '%.20s': coder, biller, patient or poster", queue);
    /* who may see which queue: the one working it, and the auditor every one */
    int auditor = rcm_cycle_may(cy, RCM_PERM_AUDIT_READ);
    int coder = auditor || rcm_cycle_may(cy, RCM_PERM_WORK_CODER);
    int biller = auditor || rcm_cycle_may(cy, RCM_PERM_WORK_BILLER);
    int rc = 0;
    if (queue && !(queue_perm(queue) == RCM_PERM_WORK_CODER ? coder : biller))
        rc = cycle_require(cy, queue_perm(queue), err);
    else if (!queue && !coder && !biller)
        rc = cycle_require(cy, RCM_PERM_WORK_BILLER, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    rc = store_prepare(cy->st, &s,
                       "SELECT w.item_id, w.queue, w.kind, COALESCE(w.claim_id, 0), COALESCE(w.encounter_id, 0),"
                       " COALESCE(w.denial_id, 0), COALESCE(w.remit_claim_id, 0), COALESCE(c.claim_no, ''),"
                       " w.amount_cents, w.due, w.status, w.summary, w.created_at"
                       " FROM work_item w LEFT JOIN claim c ON c.claim_id = w.claim_id"
                       " WHERE w.status = 'open' AND (?1 IS NULL OR w.queue = ?1)"
                       " AND (?2 OR w.queue <> 'coder') AND (?3 OR w.queue = 'coder')"
                       " ORDER BY w.due IS NULL, w.due, w.amount_cents DESC, w.item_id",
                       err);
    if (rc < 0)
        return rc;
    if (queue)
        sqlite3_bind_text(s, 1, queue, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, coder);
    sqlite3_bind_int(s, 3, biller);
    size_t cap = 0;
    rcm_work_item *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_work_item *nv = cycle_grow(v, &cap, *n, sizeof(*nv), 64);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_work_item *w = &v[(*n)++];
        memset(w, 0, sizeof(*w));
        w->item_id = sqlite3_column_int64(s, 0);
        cstr_copy(w->queue, sizeof(w->queue), (const char *)sqlite3_column_text(s, 1));
        cstr_copy(w->kind, sizeof(w->kind), (const char *)sqlite3_column_text(s, 2));
        w->claim_id = sqlite3_column_int64(s, 3);
        w->encounter_id = sqlite3_column_int64(s, 4);
        w->denial_id = sqlite3_column_int64(s, 5);
        w->remit_claim_id = sqlite3_column_int64(s, 6);
        cstr_copy(w->claim_no, sizeof(w->claim_no), (const char *)sqlite3_column_text(s, 7));
        w->amount_cents = sqlite3_column_int64(s, 8);
        w->due = store_column_date(s, 9);
        cstr_copy(w->status, sizeof(w->status), (const char *)sqlite3_column_text(s, 10));
        cstr_copy(w->summary, sizeof(w->summary), (const char *)sqlite3_column_text(s, 11));
        w->created_at = sqlite3_column_int64(s, 12);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "listing work items");
    sqlite3_finalize(s);
    if (rc == 0) {
        /* one read event for the list: the queues shown and how many items */
        char detail[96];
        snprintf(detail, sizeof(detail), "work list queue=%s rows=%zu",
                 queue ? queue : coder && biller ? "all" : coder ? "coder" : "biller,patient,poster", *n);
        rc = cycle_audit_read(cy, "work_item", 0, detail, err);
    }
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* The queue and kind of open work item id (queue '' when there is no such open item). */
static int work_open(rcm_cycle *cy, int64_t id, char queue[8], char kind[16], rcm_error *err)
{
    queue[0] = kind[0] = '\0';
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, "SELECT queue, kind FROM work_item WHERE item_id = ? AND status = 'open'",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        cstr_copy(queue, 8, (const char *)sqlite3_column_text(s, 0));
        cstr_copy(kind, 16, (const char *)sqlite3_column_text(s, 1));
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading a work item");
    }
    sqlite3_finalize(s);
    return rc;
}

int rcm_work_close(rcm_cycle *cy, int64_t item_id, rcm_error *err)
{
    char queue[8], kind[16];
    int rc = work_open(cy, item_id, queue, kind, err);
    if (rc < 0)
        return rc;
    if (!queue[0])
        return rcm_error_set(err, RCM_ENOTFOUND, "work item %lld: no such open item", (long long)item_id);
    /* the one working the queue closes its items (an auditor reads them, closes none) */
    if ((rc = cycle_require(cy, queue_perm(queue), err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "UPDATE work_item SET status = 'done', closed_at = ?, closed_by = ?"
                            " WHERE item_id = ? AND status = 'open'",
                            err)) < 0)
        goto fail;
    sqlite3_bind_int64(s, 1, cy->now);
    sqlite3_bind_text(s, 2, cy->user, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, item_id);
    rc = store_step_done(cy->st, s, "closing a work item", err);
    int changed = sqlite3_changes(cycle_db(cy));
    sqlite3_finalize(s);
    if (rc < 0)
        goto fail;
    if (!changed) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "work item %lld: no such open item", (long long)item_id);
        goto fail;
    }
    char detail[64];
    snprintf(detail, sizeof(detail), "queue %s kind %s: status open -> done", queue, kind);
    if ((rc = cycle_audit(cy, "close", "work_item", item_id, detail, err)) < 0)
        goto fail;
    return rcm_store_commit(cy->st, err);
fail:
    rcm_store_rollback(cy->st);
    return rc;
}
