/*
 * Acknowledgments (include/rcm/submit.h): a 999, 277CA or TA1 file read
 * with the typed readers and recorded as verdicts on batches and claims.
 *
 * The file is read whole first and every verdict copied out; a file with an
 * error (rcm x12 check shows the same) is refused with the first error
 * located, and nothing is written. Then one transaction records the file
 * (the same bytes again: nothing more), and each verdict:
 *
 * - 999: AK102 names the batch (its GS06), AK202 the transaction set (its
 *   ST02). Each set gets an ack row. A rejected set (IK501 R M W X) sends
 *   its claims back to rejected, each with a biller work item naming the
 *   IK3/IK4 errors. Which claims a set held is read from the batch's own
 *   file as the store kept it (x12_file.body), so it is exact whatever the
 *   writer's set size was. A group rejected with no AK2 rejects the batch.
 * - TA1: TA101 names the batch (its ISA13); a rejection (R) rejects the
 *   whole batch the same way.
 * - 277CA: each claim (2200D) is matched by its TRN02 / REF*EJ (our CLM01,
 *   the claim number), else by REF*1K (the payer's claim number learned
 *   earlier). A rejection (any STC category A3 A4 A6 A7 A8, claim or line)
 *   sends the claim back to rejected with a work item for the coder when a
 *   status code names a diagnosis or procedure code (coding_status), else
 *   for the biller; an acceptance (first category A0 A1 A2 A5) moves a
 *   submitted claim to accepted and keeps the payer's claim number.
 *
 * A verdict only changes a claim that waits for one (submitted, or accepted
 * by an earlier 277CA); on any other it is recorded and counted as stale.
 * claim.first_ack keeps the first verdict a claim ever got. Verdicts on
 * batches or claims the store does not know are recorded (ack rows without
 * a claim) and put in the poster's queue (kind unmatched).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/submit.h"
#include "rcm/x12read.h"
#include "cycle_internal.h"
#include "../util/banned.h"

/* ---- verdicts as read, copied out of the readers' borrowed records ---- */

typedef struct v_err {
    char claim[36];             /* CTX*CLM01 of the segment error, '' none */
    char text[56];              /* "IK3 NM1 at 17 code 8" / "IK4 element 3 code 7" */
} v_err;

typedef struct v_set {
    char st[10];                /* AK202 */
    char status;                /* IK501 */
    char code[24];              /* "R 5" */
    size_t err0, nerr;
} v_set;

typedef struct v_999 {
    char st[10];                /* the 999's own ST02 */
    char func[3];               /* AK101 */
    char group[10];             /* AK102 */
    char group_status;          /* AK901 */
    size_t set0, nset;
} v_999;

enum { V_PENDING, V_ACCEPTED, V_REJECTED };

typedef struct v_277 {
    char st[10];                /* the 277CA's ST02 */
    char claim_no[39];          /* REF*EJ, else TRN02 */
    char trace[51];             /* TRN02 */
    char icn[51];               /* REF*1K */
    char codes[40];             /* "A7:562:85 A7:255" */
    char first_status[6];       /* the first rejecting (else first) status code, for its description */
    int verdict;                /* V_* */
    int coding;                 /* a rejection whose status code names a dx or procedure code */
} v_277;

typedef struct v_ta1 {
    char control[10];           /* TA101 */
    char status;                /* TA104 */
    char note[4];               /* TA105 */
} v_ta1;

typedef struct vec {
    void *v;
    size_t n, cap, size;
} vec;

static void *vec_push(vec *x)
{
    if (x->n == x->cap) {
        size_t nc = x->cap ? x->cap * 2 : 16;
        void *nv = realloc(x->v, nc * x->size);
        if (!nv)
            return NULL;
        x->v = nv;
        x->cap = nc;
    }
    void *p = (char *)x->v + x->n++ * x->size;
    memset(p, 0, x->size);
    return p;
}

/* A 277CA rejection above the claims (receiver or billing provider level). */
typedef struct v_level {
    char st[10];
    char what[16];              /* "receiver" / "provider" */
    char codes[40];
} v_level;

typedef struct reading {
    const char *path;
    vec errs, sets, acks999, claims, ta1s, levels;  /* v_err v_set v_999 v_277 v_ta1 v_level */
    long sets277;               /* 277CA transaction sets read */
    long errors;
    rcm_x12_problem first;      /* the first error */
    const char *not_ack;        /* what the file holds instead of an acknowledgment */
    int oom;
} reading;

/* ---- reading ---- */

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    reading *r = ctx;
    if (p->severity == RCM_SEV_ERROR && r->errors++ == 0)
        r->first = *p;
    return 0;
}

static int stop_not_ack(reading *r, const char *what)
{
    r->not_ack = what;
    return RCM_EFORMAT;
}

static int on_claim(void *ctx, const rcm_claim *c) { return stop_not_ack(ctx, "an 837 claim file"); }
static int on_remit(void *ctx, const rcm_remit *h, const rcm_remit_claim *c)
{
    return stop_not_ack(ctx, "an 835 remittance");
}
static int on_remit_end(void *ctx, const rcm_remit *h) { return stop_not_ack(ctx, "an 835 remittance"); }
static int on_generic(void *ctx, const rcm_x12_generic *g) { return stop_not_ack(ctx, "not a 999, 277CA or TA1"); }

static void add_text(char *dst, size_t n, const char *s)
{
    size_t have = strlen(dst);
    if (have && have + 1 < n)
        dst[have++] = ' ';
    if (have < n)
        cstr_copy(dst + have, n - have, s);
}

static int on_999(void *ctx, const rcm_ack999 *a)
{
    reading *r = ctx;
    v_999 *g = vec_push(&r->acks999);
    if (!g)
        return r->oom = 1, RCM_ENOMEM;
    cstr_copy(g->st, sizeof(g->st), a->st_control);
    cstr_copy(g->func, sizeof(g->func), a->func_id);
    cstr_copy(g->group, sizeof(g->group), a->group_control);
    g->group_status = a->group_status;
    g->set0 = r->sets.n;
    for (uint32_t i = 0; i < a->n_sets; i++) {
        const rcm_ack_set *s = &a->sets[i];
        v_set *v = vec_push(&r->sets);
        if (!v)
            return r->oom = 1, RCM_ENOMEM;
        cstr_copy(v->st, sizeof(v->st), s->st_control);
        v->status = s->status;
        v->code[0] = s->status ? s->status : '?';
        v->code[1] = '\0';
        for (int k = 0; k < 5 && s->codes[k][0]; k++)
            add_text(v->code, sizeof(v->code), s->codes[k]);
        v->err0 = r->errs.n;
        for (uint32_t j = 0; j < s->n_segments; j++) {
            const rcm_ack_segment_error *e = &s->segments[j];
            v_err *t = vec_push(&r->errs);
            if (!t)
                return r->oom = 1, RCM_ENOMEM;
            cstr_copy(t->claim, sizeof(t->claim), e->claim_id);
            snprintf(t->text, sizeof(t->text), "IK3 %.3s at %ld%s%.4s code %.3s", e->seg_id, e->position,
                     e->loop[0] ? " loop " : "", e->loop, e->code);
            /* IK404 (a copy of the bad data) is never kept: it may be a name */
            for (uint32_t k = 0; k < e->n_elements; k++) {
                const rcm_ack_element_error *x = &e->elements[k];
                v_err *u = vec_push(&r->errs);
                if (!u)
                    return r->oom = 1, RCM_ENOMEM;
                cstr_copy(u->claim, sizeof(u->claim), e->claim_id);
                snprintf(u->text, sizeof(u->text), "IK4 element %d%s%.6s code %.3s", x->position,
                         x->ref[0] ? " ref " : "", x->ref, x->code);
            }
        }
        v->nerr = r->errs.n - v->err0;
    }
    g->nset = r->sets.n - g->set0;
    return 0;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static const char *const reject_categories[] = { "A3", "A4", "A6", "A7", "A8", NULL };
static const char *const accept_categories[] = { "A0", "A1", "A2", "A5", NULL };

/*
 * Claim status codes (code source 508) that point at a diagnosis or a
 * procedure code, so the coder fixes them: 86 diagnosis and gender
 * mismatch, 232 admitting diagnosis, 254 principal diagnosis, 255 diagnosis
 * code, 256 DRG, 258 days/units for procedure or revenue code, 453
 * procedure code modifiers, 454 procedure code, 455 revenue code, 465
 * principal procedure code, 474 procedure and gender mismatch, 475
 * procedure not valid for age, 476 units of service, 477 diagnosis code
 * pointer, 488 diagnosis codes for the services, 490 other procedure code,
 * 507 HCPCS, 526 bundled or unbundled line, 666 surgical procedure code,
 * 678 revenue code and gender mismatch, 688 present on admission
 * indicator, 700 ICD-10, 772 diagnosis code specificity.
 */
static int coding_status(const char *code)
{
    static const char *const coding[] = { "86", "232", "254", "255", "256", "258", "453", "454",
                                          "455", "465", "474", "475", "476", "477", "488", "490",
                                          "507", "526", "666", "678", "688", "700", "772", NULL };
    return in_list(code, coding);
}

static void add_status(v_277 *v, const rcm_ack_status *s, int *rejected)
{
    char one[20];
    snprintf(one, sizeof(one), "%.3s:%.5s%s%.3s", s->category, s->code, s->entity[0] ? ":" : "", s->entity);
    if (!strstr(v->codes, one))
        add_text(v->codes, sizeof(v->codes), one);
    if (in_list(s->category, reject_categories)) {
        if (!*rejected)
            cstr_copy(v->first_status, sizeof(v->first_status), s->code);
        *rejected = 1;
        if (coding_status(s->code))
            v->coding = 1;
    }
}

/* Keeps a level's statuses when one of them rejects. */
static int level_rejects(reading *r, const char *st, const char *what, const rcm_ack_status *s, uint32_t n)
{
    v_level tmp;
    memset(&tmp, 0, sizeof(tmp));
    int rejected = 0;
    for (uint32_t k = 0; k < n; k++) {
        char one[20];
        snprintf(one, sizeof(one), "%.3s:%.5s", s[k].category, s[k].code);
        add_text(tmp.codes, sizeof(tmp.codes), one);
        rejected |= in_list(s[k].category, reject_categories);
    }
    if (!rejected)
        return 0;
    v_level *v = vec_push(&r->levels);
    if (!v)
        return r->oom = 1, RCM_ENOMEM;
    *v = tmp;
    cstr_copy(v->st, sizeof(v->st), st);
    cstr_copy(v->what, sizeof(v->what), what);
    return 0;
}

static int on_277(void *ctx, const rcm_ack277 *a)
{
    reading *r = ctx;
    if (!a->is_277ca)
        return stop_not_ack(r, "a 277 claim status response (005010X212), not a 277CA");
    r->sets277++;
    int rc = level_rejects(r, a->st_control, "receiver", a->receiver_status, a->n_receiver_status);
    for (uint32_t i = 0; rc == 0 && i < a->n_providers; i++)
        rc = level_rejects(r, a->st_control, "provider", a->providers[i].status, a->providers[i].n_status);
    if (rc < 0)
        return rc;
    for (uint32_t i = 0; i < a->n_claims; i++) {
        const rcm_ack_claim *c = &a->claims[i];
        v_277 *v = vec_push(&r->claims);
        if (!v)
            return r->oom = 1, RCM_ENOMEM;
        cstr_copy(v->st, sizeof(v->st), a->st_control);
        cstr_copy(v->claim_no, sizeof(v->claim_no), c->claim_id);
        cstr_copy(v->trace, sizeof(v->trace), c->trace);
        cstr_copy(v->icn, sizeof(v->icn), c->payer_claim_number);
        int rejected = 0;
        for (uint32_t k = 0; k < c->n_status; k++)
            add_status(v, &c->status[k], &rejected);
        for (uint32_t l = 0; l < c->n_lines; l++)
            for (uint32_t k = 0; k < c->lines[l].n_status; k++)
                add_status(v, &c->lines[l].status[k], &rejected);
        if (rejected)
            v->verdict = V_REJECTED;
        else if (c->n_status && in_list(c->status[0].category, accept_categories))
            v->verdict = V_ACCEPTED;
        else
            v->verdict = V_PENDING;
        if (!rejected && c->n_status)
            cstr_copy(v->first_status, sizeof(v->first_status), c->status[0].code);
    }
    return 0;
}

static int on_ta1(void *ctx, const rcm_ta1 *t)
{
    reading *r = ctx;
    v_ta1 *v = vec_push(&r->ta1s);
    if (!v)
        return r->oom = 1, RCM_ENOMEM;
    cstr_copy(v->control, sizeof(v->control), t->control);
    v->status = t->status;
    cstr_copy(v->note, sizeof(v->note), t->note);
    return 0;
}

static void reading_init(reading *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    r->path = path;
    r->errs.size = sizeof(v_err);
    r->sets.size = sizeof(v_set);
    r->acks999.size = sizeof(v_999);
    r->claims.size = sizeof(v_277);
    r->ta1s.size = sizeof(v_ta1);
    r->levels.size = sizeof(v_level);
}

static void reading_release(reading *r)
{
    free(r->errs.v);
    free(r->sets.v);
    free(r->acks999.v);
    free(r->claims.v);
    free(r->ta1s.v);
    free(r->levels.v);
}

static int read_ack(reading *r, const char *data, size_t len, rcm_error *err)
{
    rcm_x12_reader *x = NULL;
    int rc = rcm_x12_open_mem(&x, data, len, r->path, err);
    if (rc < 0)
        return rc;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.problem = on_problem;
    cb.claim = on_claim;
    cb.remit_claim = on_remit;
    cb.remit_end = on_remit_end;
    cb.ack999 = on_999;
    cb.ack277 = on_277;
    cb.ta1 = on_ta1;
    cb.generic = on_generic;
    rcm_error rerr;
    memset(&rerr, 0, sizeof(rerr));
    rc = rcm_x12_read(x, &cb, NULL, &rerr);
    rcm_x12_reader_free(x);
    if (r->oom)
        return rcm_error_set(err, RCM_ENOMEM, "'%s': out of memory", r->path);
    if (r->not_ack)
        return rcm_error_set(err, RCM_EFORMAT, "'%s': %s, not an acknowledgment (999, 277CA or TA1)", r->path,
                             r->not_ack);
    if (rc < 0) {
        if (err)
            *err = rerr;
        return rc;
    }
    if (r->errors) {
        const rcm_x12_problem *p = &r->first;
        char where[64] = "";
        if (p->segment && p->element)
            snprintf(where, sizeof(where), "segment %ld '%.3s' element %d: ", p->segment, p->seg_id, p->element);
        else if (p->segment)
            snprintf(where, sizeof(where), "segment %ld '%.3s': ", p->segment, p->seg_id);
        rc = rcm_error_set(err, RCM_EFORMAT, "%s%s (%ld error%s: nothing recorded)", where, p->msg, r->errors,
                           r->errors == 1 ? "" : "s");
        if (err) {
            err->source = r->path;
            err->line = p->line;
            err->segment = p->segment;
            err->element = p->element;
            err->component = p->component;
            err->offset = p->offset;
        }
        return rc;
    }
    if (!r->acks999.n && !r->sets277 && !r->ta1s.n)
        return rcm_error_set(err, RCM_EFORMAT, "'%s': no 999, 277CA or TA1 in it", r->path);
    return 0;
}

/* ---- recording ---- */

enum {
    S_BY_NO, S_BY_ICN, S_ACK, S_ACCEPT, S_REJECT, S_BATCH_GS, S_BATCH_ISA, S_DESC, S_BODY, S_N
};

static const char *const sql_text[S_N] = {
    [S_BY_NO] = "SELECT c.claim_id, c.claim_no, c.status, COALESCE(c.batch_id, 0), c.charge_cents, c.encounter_id,"
                " c.dos_from + p.timely_days FROM claim c JOIN payer p ON p.payer_id = c.payer_id"
                " WHERE c.claim_no = ?",
    [S_BY_ICN] = "SELECT c.claim_id, c.claim_no, c.status, COALESCE(c.batch_id, 0), c.charge_cents, c.encounter_id,"
                 " c.dos_from + p.timely_days FROM claim c JOIN payer p ON p.payer_id = c.payer_id"
                 " WHERE c.payer_icn = ? AND c.payer_icn <> '' ORDER BY c.claim_id DESC LIMIT 1",
    [S_ACK] = "INSERT INTO ack (ack_id, file_id, kind, batch_id, claim_id, set_control, status, code, message, at)"
              " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [S_ACCEPT] = "UPDATE claim SET status = 'accepted', acked_at = ?,"
                 " first_ack = CASE first_ack WHEN '' THEN 'accepted' ELSE first_ack END,"
                 " payer_icn = CASE WHEN ? <> '' THEN ? ELSE payer_icn END WHERE claim_id = ?",
    [S_REJECT] = "UPDATE claim SET status = 'rejected', acked_at = ?,"
                 " first_ack = CASE first_ack WHEN '' THEN 'rejected' ELSE first_ack END WHERE claim_id = ?",
    [S_BATCH_GS] = "SELECT batch_id, file_id, isa_control, gs_control FROM batch WHERE gs_control = ?"
                   " ORDER BY batch_id DESC LIMIT 1",
    [S_BATCH_ISA] = "SELECT batch_id, file_id, isa_control, gs_control FROM batch WHERE isa_control = ?"
                    " ORDER BY batch_id DESC LIMIT 1",
    [S_DESC] = "SELECT descr FROM ref_code WHERE code = ? AND code_set = 'csc' ORDER BY load_id DESC LIMIT 1",
    [S_BODY] = "SELECT body FROM x12_file WHERE file_id = ?",
};

/* One claim of a batch's file: the ST02 of its set and its CLM01. */
typedef struct set_claim {
    long st;
    char claim_no[39];
} set_claim;

typedef struct rec {
    rcm_cycle *cy;
    rcm_error *err;
    sqlite3_stmt *s[S_N];
    int64_t file_id, next_ack;
    rcm_ack_report *rep;
    vec verdicts;               /* rcm_ack_verdict */
    int keep_verdicts;
    /* the claims of the last batch whose file was read */
    int64_t map_batch;
    vec map;                    /* set_claim */
} rec;

static int stmt(rec *r, int which, sqlite3_stmt **out)
{
    if (!r->s[which]) {
        int rc = store_prepare(r->cy->st, &r->s[which], sql_text[which], r->err);
        if (rc < 0)
            return rc;
    } else {
        sqlite3_reset(r->s[which]);
        sqlite3_clear_bindings(r->s[which]);
    }
    *out = r->s[which];
    return 0;
}

typedef struct claim_row {
    int64_t claim_id, batch_id, charge, encounter_id;
    char claim_no[39];
    char status[12];
    rcm_date due;
} claim_row;

/* A claim by claim number or payer claim number: 1 found, 0 not, < 0 error. */
static int find_claim(rec *r, int which, const char *key, claim_row *out)
{
    sqlite3_stmt *s;
    int rc = stmt(r, which, &s);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->claim_id = sqlite3_column_int64(s, 0);
        cstr_copy(out->claim_no, sizeof(out->claim_no), (const char *)sqlite3_column_text(s, 1));
        cstr_copy(out->status, sizeof(out->status), (const char *)sqlite3_column_text(s, 2));
        out->batch_id = sqlite3_column_int64(s, 3);
        out->charge = sqlite3_column_int64(s, 4);
        out->encounter_id = sqlite3_column_int64(s, 5);
        out->due = sqlite3_column_type(s, 6) == SQLITE_NULL ? RCM_DATE_NONE : (rcm_date)sqlite3_column_int64(s, 6);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(r->cy->st, r->err, "looking a claim up");
    }
    sqlite3_reset(s);
    return rc;
}

static int waiting(const claim_row *c) { return !strcmp(c->status, "submitted") || !strcmp(c->status, "accepted"); }

static int put_ack(rec *r, const char *kind, int64_t batch_id, int64_t claim_id, const char *set_control,
                   const char *status, const char *code, const char *message)
{
    sqlite3_stmt *s;
    int rc = stmt(r, S_ACK, &s);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, r->next_ack++);
    sqlite3_bind_int64(s, 2, r->file_id);
    sqlite3_bind_text(s, 3, kind, -1, SQLITE_STATIC);
    if (batch_id)
        sqlite3_bind_int64(s, 4, batch_id);
    else
        sqlite3_bind_null(s, 4);
    if (claim_id)
        sqlite3_bind_int64(s, 5, claim_id);
    else
        sqlite3_bind_null(s, 5);
    sqlite3_bind_text(s, 6, set_control, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, status, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, code, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 9, message, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 10, r->cy->now);
    return store_step_done(r->cy->st, s, "recording an acknowledgment", r->err);
}

static rcm_ack_verdict *verdict(rec *r, const char *kind, const char *status)
{
    if (!r->keep_verdicts)
        return NULL;
    rcm_ack_verdict *v = vec_push(&r->verdicts);
    if (v) {
        cstr_copy(v->kind, sizeof(v->kind), kind);
        cstr_copy(v->status, sizeof(v->status), status);
    }
    return v;
}

static int unmatched(rec *r, const char *summary)
{
    r->rep->unmatched++;
    r->rep->work_items++;
    cycle_work w = { .queue = RCM_QUEUE_POSTER, .kind = "unmatched", .due = RCM_DATE_NONE, .summary = summary };
    return cycle_work_add(r->cy, &w, NULL, r->err);
}

/* Sends a waiting claim back to rejected with a work item in queue. */
static int reject_claim(rec *r, const claim_row *c, const char *queue, const char *summary, const char *audit)
{
    sqlite3_stmt *s;
    int rc = stmt(r, S_REJECT, &s);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, r->cy->now);
    sqlite3_bind_int64(s, 2, c->claim_id);
    if ((rc = store_step_done(r->cy->st, s, "rejecting a claim", r->err)) < 0)
        return rc;
    cycle_work w = { .queue = queue, .kind = "rejection", .claim_id = c->claim_id, .encounter_id = c->encounter_id,
                     .amount_cents = c->charge, .due = c->due, .summary = summary };
    if ((rc = cycle_work_add(r->cy, &w, NULL, r->err)) < 0)
        return rc;
    r->rep->work_items++;
    r->rep->claims_rejected++;
    if (!strcmp(queue, RCM_QUEUE_CODER))
        r->rep->coder++;
    else
        r->rep->biller++;
    char detail[128];
    snprintf(detail, sizeof(detail), "claim %s status %s -> rejected: %s", c->claim_no, c->status, audit);
    return cycle_audit(r->cy, "reject", "claim", c->claim_id, detail, r->err);
}

/* Digits only, 1-18 of them: the value; else -1. */
static long long number(const char *s)
{
    long long v = 0;
    size_t n = strlen(s);
    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

typedef struct batch_row {
    int64_t batch_id, file_id, isa, gs;
} batch_row;

static int find_batch(rec *r, int which, long long control, batch_row *out)
{
    if (control < 0)
        return 0;
    sqlite3_stmt *s;
    int rc = stmt(r, which, &s);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, control);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        out->batch_id = sqlite3_column_int64(s, 0);
        out->file_id = sqlite3_column_int64(s, 1);
        out->isa = sqlite3_column_int64(s, 2);
        out->gs = sqlite3_column_int64(s, 3);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(r->cy->st, r->err, "looking a batch up");
    }
    sqlite3_reset(s);
    return rc;
}

/* Walks a batch's stored 837, noting each claim's set. */
typedef struct map_walk {
    vec *map;
    long st;
    int oom;
} map_walk;

static int map_set_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    map_walk *m = ctx;
    m->st = (long)number(env->st_control);
    return 0;
}

static int map_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    map_walk *m = ctx;
    if (rcm_x12_key(seg) != RCM_X12_KEY('C', 'L', 'M'))
        return 0;
    set_claim *c = vec_push(m->map);
    if (!c) {
        m->oom = 1;
        return RCM_ENOMEM;
    }
    c->st = m->st;
    str_copy(c->claim_no, sizeof(c->claim_no), rcm_x12_el(seg, 1));
    return 0;
}

static int load_map(rec *r, const batch_row *b)
{
    if (r->map_batch == b->batch_id)
        return 0;
    r->map.n = 0;
    r->map_batch = 0;
    sqlite3_stmt *s;
    int rc = stmt(r, S_BODY, &s);
    if (rc < 0)
        return rc;
    sqlite3_bind_int64(s, 1, b->file_id);
    if (sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_reset(s);
        return rcm_error_set(r->err, RCM_EIO, "batch %lld: its file %lld is not in the store",
                             (long long)b->batch_id, (long long)b->file_id);
    }
    const char *body = (const char *)sqlite3_column_text(s, 0);
    size_t len = (size_t)sqlite3_column_bytes(s, 0);
    rcm_x12_reader *x = NULL;
    map_walk m = { &r->map, -1, 0 };
    if ((rc = rcm_x12_open_mem(&x, body, len, "batch file", r->err)) == 0) {
        rcm_x12_visitor v;
        memset(&v, 0, sizeof(v));
        v.ctx = &m;
        v.set_begin = map_set_begin;
        v.segment = map_segment;
        rc = rcm_x12_walk(x, &v, NULL, r->err);
        if (m.oom)
            rc = rcm_error_set(r->err, RCM_ENOMEM, "out of memory");
    }
    rcm_x12_reader_free(x);
    sqlite3_reset(s);
    if (rc == 0)
        r->map_batch = b->batch_id;
    return rc;
}

/*
 * Rejects the claims of batch b that sat in set st (-1: every set), each
 * with a biller work item. Returns how many claims changed (or < 0).
 */
static long reject_set(rec *r, const batch_row *b, long st, const char *why,
                       const v_err *errs, size_t nerr, const char *audit)
{
    int rc = load_map(r, b);
    if (rc < 0)
        return rc;
    long changed = 0;
    const set_claim *m = r->map.v;
    for (size_t i = 0; i < r->map.n; i++) {
        if (st >= 0 && m[i].st != st)
            continue;
        claim_row c;
        if ((rc = find_claim(r, S_BY_NO, m[i].claim_no, &c)) < 0)
            return rc;
        if (rc == 0 || c.batch_id != b->batch_id || !waiting(&c)) {
            if (rc == 1)
                r->rep->stale++;
            continue;
        }
        /* the errors that name this claim (CTX CLM01), else those naming none */
        char summary[160];
        int n = snprintf(summary, sizeof(summary), "%s", why);
        int mine = 0, others = 0, shown = 0;
        for (size_t k = 0; k < nerr; k++)
            mine += !strcmp(errs[k].claim, c.claim_no);
        for (size_t k = 0; k < nerr && n > 0 && (size_t)n < sizeof(summary) - 1; k++) {
            int fits = mine ? !strcmp(errs[k].claim, c.claim_no) : !errs[k].claim[0];
            if (!fits) {
                others++;
                continue;
            }
            n += snprintf(summary + n, sizeof(summary) - (size_t)n, "%s%s", shown++ ? "; " : ": ", errs[k].text);
        }
        if (!mine && others && n > 0 && (size_t)n < sizeof(summary) - 1)
            snprintf(summary + n, sizeof(summary) - (size_t)n, " (errors in other claims of the set)");
        if ((rc = reject_claim(r, &c, RCM_QUEUE_BILLER, summary, audit)) < 0)
            return rc;
        changed++;
    }
    r->rep->claims += changed;
    return changed;
}

static int record_999(rec *r, const reading *rd)
{
    const v_999 *groups = rd->acks999.v;
    const v_set *sets = rd->sets.v;
    const v_err *errs = rd->errs.v;
    int rc = 0;
    for (size_t g = 0; g < rd->acks999.n; g++) {
        const v_999 *a = &groups[g];
        batch_row b = { 0 };
        int found = 0;
        if (!strcmp(a->func, "HC") && (found = find_batch(r, S_BATCH_GS, number(a->group), &b)) < 0)
            return found;
        size_t nset = a->nset;
        int whole = 0;  /* a group rejected with no AK2: every set of the batch */
        if (nset == 0)
            whole = 1;
        for (size_t i = 0; i < (whole ? 1 : nset); i++) {
            v_set none = { .status = a->group_status ? a->group_status : '?' };
            const v_set *s = whole ? &none : &sets[a->set0 + i];
            if (whole)
                snprintf(none.code, sizeof(none.code), "AK9 %c", none.status);
            int rejected = s->status != 'A' && s->status != 'E';
            const char *status = rejected ? "rejected" : "accepted";
            r->rep->sets++;
            char msg[240];
            int n = snprintf(msg, sizeof(msg), "999 %s", whole ? "group" : "set");
            for (size_t k = 0; k < s->nerr && n > 0 && (size_t)n < sizeof(msg) - 1; k++)
                n += snprintf(msg + n, sizeof(msg) - (size_t)n, "%s%s", k ? "; " : ": ", errs[s->err0 + k].text);
            rcm_ack_verdict *v = verdict(r, "999", status);
            if (v) {
                v->batch_id = found ? b.batch_id : 0;
                cstr_copy(v->set_control, sizeof(v->set_control), s->st);
                cstr_copy(v->code, sizeof(v->code), s->code);
                v->matched = found;
            }
            if (!found) {
                char sum[160];
                snprintf(sum, sizeof(sum), "999 for group %.9s (%.2s) set %.9s %s: no batch with that GS06",
                         a->group, a->func, whole ? "-" : s->st, status);
                if ((rc = put_ack(r, "999", 0, 0, s->st, status, s->code, msg)) < 0 || (rc = unmatched(r, sum)) < 0)
                    return rc;
                continue;
            }
            if ((rc = put_ack(r, "999", b.batch_id, 0, s->st, status, s->code, msg)) < 0)
                return rc;
            if (!rejected) {
                r->rep->sets_accepted++;
                continue;
            }
            r->rep->sets_rejected++;
            long st = whole ? -1 : (long)number(s->st);
            if (!whole && st < 0)
                st = -2;    /* an ST02 we never write: no claim sits in it */
            char why[96], audit[64];
            snprintf(why, sizeof(why), "999 %s %.9s of batch %lld rejected (IK5 %.20s)", whole ? "group" : "set",
                     whole ? a->group : s->st, (long long)b.batch_id, s->code);
            snprintf(audit, sizeof(audit), "999 batch %lld set %.9s %c", (long long)b.batch_id, whole ? "*" : s->st,
                     s->status ? s->status : '?');
            long changed = reject_set(r, &b, st, why, errs + s->err0, s->nerr, audit);
            if (changed < 0)
                return (int)changed;
            if (v) {
                v->claims = changed;
                cstr_copy(v->queue, sizeof(v->queue), changed ? RCM_QUEUE_BILLER : "");
            }
            if (changed == 0 && !whole) {
                /* no claim of ours sat in that set: say so rather than drop it */
                char sum[160];
                snprintf(sum, sizeof(sum), "999 rejects set %.9s of batch %lld: no waiting claim of that set",
                         s->st, (long long)b.batch_id);
                if ((rc = unmatched(r, sum)) < 0)
                    return rc;
            }
        }
    }
    return 0;
}

static int record_ta1(rec *r, const reading *rd)
{
    const v_ta1 *t = rd->ta1s.v;
    int rc = 0;
    for (size_t i = 0; i < rd->ta1s.n; i++) {
        batch_row b = { 0 };
        int found = find_batch(r, S_BATCH_ISA, number(t[i].control), &b);
        if (found < 0)
            return found;
        int rejected = t[i].status == 'R';
        const char *status = rejected ? "rejected" : "accepted";
        char code[16];
        snprintf(code, sizeof(code), "%c %.3s", t[i].status ? t[i].status : '?', t[i].note);
        r->rep->sets++;
        rcm_ack_verdict *v = verdict(r, "TA1", status);
        if (v) {
            v->batch_id = found ? b.batch_id : 0;
            cstr_copy(v->set_control, sizeof(v->set_control), t[i].control);
            cstr_copy(v->code, sizeof(v->code), code);
            v->matched = found;
        }
        if ((rc = put_ack(r, "TA1", found ? b.batch_id : 0, 0, t[i].control, status, code,
                          rejected ? "TA1: the interchange was rejected" : "TA1: the interchange was received")) < 0)
            return rc;
        if (!found) {
            char sum[160];
            snprintf(sum, sizeof(sum), "TA1 %s interchange %.9s: no batch with that ISA13", status, t[i].control);
            if ((rc = unmatched(r, sum)) < 0)
                return rc;
            continue;
        }
        if (!rejected) {
            r->rep->sets_accepted++;
            continue;
        }
        r->rep->sets_rejected++;
        char why[120], audit[64];
        snprintf(why, sizeof(why), "TA1 rejected interchange %.9s of batch %lld (note %.3s)", t[i].control,
                 (long long)b.batch_id, t[i].note);
        snprintf(audit, sizeof(audit), "TA1 batch %lld %.3s", (long long)b.batch_id, t[i].note);
        long changed = reject_set(r, &b, -1, why, NULL, 0, audit);
        if (changed < 0)
            return (int)changed;
        if (v) {
            v->claims = changed;
            cstr_copy(v->queue, sizeof(v->queue), changed ? RCM_QUEUE_BILLER : "");
        }
    }
    return 0;
}

/* The description of a claim status code, when the reference data has it ('' otherwise). */
static int status_desc(rec *r, const char *code, char *out, size_t n)
{
    out[0] = '\0';
    if (!code[0])
        return 0;
    sqlite3_stmt *s;
    int rc = stmt(r, S_DESC, &s);
    if (rc < 0) {
        /* no reference data tables: the descriptions are a convenience */
        rcm_error_clear(r->err);
        return 0;
    }
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        cstr_copy(out, n, (const char *)sqlite3_column_text(s, 0));
        size_t k = strlen(out);
        while (k && (out[k - 1] == '.' || out[k - 1] == ' '))
            out[--k] = '\0';
    }
    sqlite3_reset(s);
    return 0;
}

static int record_277(rec *r, const reading *rd)
{
    const v_277 *c = rd->claims.v;
    const v_level *lv = rd->levels.v;
    int rc = 0;
    /* a rejection above the claims names no claim of ours: a person looks at the file */
    for (size_t i = 0; i < rd->levels.n; i++) {
        char sum[160];
        snprintf(sum, sizeof(sum), "277CA set %.9s rejects at %s level (%.40s): read the file", lv[i].st,
                 lv[i].what, lv[i].codes);
        if ((rc = put_ack(r, "277CA", 0, 0, lv[i].st, "rejected", lv[i].codes, sum)) < 0 || (rc = unmatched(r, sum)) < 0)
            return rc;
    }
    for (size_t i = 0; i < rd->claims.n; i++) {
        const v_277 *v = &c[i];
        const char *status = v->verdict == V_REJECTED ? "rejected" : v->verdict == V_ACCEPTED ? "accepted" : "pending";
        claim_row row;
        int found = 0;
        if (v->claim_no[0] && (found = find_claim(r, S_BY_NO, v->claim_no, &row)) < 0)
            return found;
        if (!found && v->trace[0] && strcmp(v->trace, v->claim_no) && (found = find_claim(r, S_BY_NO, v->trace, &row)) < 0)
            return found;
        if (!found && v->icn[0] && (found = find_claim(r, S_BY_ICN, v->icn, &row)) < 0)
            return found;
        char desc[120], msg[200];
        status_desc(r, v->first_status, desc, sizeof(desc));
        snprintf(msg, sizeof(msg), "277CA %s%s%s%s", status, desc[0] ? ": " : "", desc,
                 v->verdict == V_REJECTED ? (v->coding ? " (coder)" : " (biller)") : "");
        rcm_ack_verdict *out = verdict(r, "277CA", status);
        if (out) {
            cstr_copy(out->claim_no, sizeof(out->claim_no), found ? row.claim_no : v->claim_no);
            cstr_copy(out->code, sizeof(out->code), v->codes);
            out->matched = found;
            if (found) {
                out->claim_id = row.claim_id;
                out->batch_id = row.batch_id;
            }
        }
        if ((rc = put_ack(r, "277CA", found ? row.batch_id : 0, found ? row.claim_id : 0, v->st, status, v->codes,
                          msg)) < 0)
            return rc;
        if (!found) {
            char sum[200];
            snprintf(sum, sizeof(sum), "277CA %s claim '%.38s'%s%.30s: no such claim (%.40s)", status,
                     v->claim_no[0] ? v->claim_no : v->trace, v->icn[0] ? " payer claim " : "", v->icn, v->codes);
            if ((rc = unmatched(r, sum)) < 0)
                return rc;
            continue;
        }
        r->rep->claims++;
        if (v->verdict == V_PENDING) {
            r->rep->pending++;
            continue;
        }
        if (!waiting(&row)) {
            r->rep->stale++;
            if (out)
                out->stale = 1;
            continue;
        }
        if (v->verdict == V_ACCEPTED) {
            sqlite3_stmt *s;
            if ((rc = stmt(r, S_ACCEPT, &s)) < 0)
                return rc;
            sqlite3_bind_int64(s, 1, r->cy->now);
            sqlite3_bind_text(s, 2, v->icn, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, v->icn, -1, SQLITE_STATIC);
            sqlite3_bind_int64(s, 4, row.claim_id);
            if ((rc = store_step_done(r->cy->st, s, "accepting a claim", r->err)) < 0)
                return rc;
            r->rep->claims_accepted++;
            continue;
        }
        const char *queue = v->coding ? RCM_QUEUE_CODER : RCM_QUEUE_BILLER;
        char sum[160], audit[64];
        snprintf(sum, sizeof(sum), "277CA rejected %.40s%s%.*s", v->codes, desc[0] ? ": " : "",
                 (int)(sizeof(sum) - 60), desc);
        snprintf(audit, sizeof(audit), "277CA %.40s", v->codes);
        if ((rc = reject_claim(r, &row, queue, sum, audit)) < 0)
            return rc;
        if (out)
            cstr_copy(out->queue, sizeof(out->queue), queue);
    }
    return 0;
}

static const char *file_kind(const reading *rd)
{
    if (rd->acks999.n)
        return "999";
    if (rd->sets277)
        return "277CA";
    return "TA1";
}

int rcm_ack_import_verdicts(rcm_cycle *cy, const char *path, rcm_ack_report *out, rcm_ack_verdict **verdicts,
                            size_t *n, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    if (verdicts) {
        *verdicts = NULL;
        *n = 0;
    }
    int rc = cycle_require(cy, RCM_PERM_ACK_IMPORT, err);
    if (rc < 0)
        return rc;
    if (!path || !*path)
        return rcm_error_set(err, RCM_EINVAL, "no acknowledgment file given");
    char *data = NULL;
    size_t len = 0;
    rc = cycle_read_file(path, &data, &len, err);
    if (rc < 0)
        return rc;
    reading rd;
    reading_init(&rd, path);
    rec r;
    memset(&r, 0, sizeof(r));
    r.cy = cy;
    r.err = err;
    r.rep = out;
    r.keep_verdicts = verdicts != NULL;
    r.verdicts.size = sizeof(rcm_ack_verdict);
    r.map.size = sizeof(set_claim);
    if ((rc = read_ack(&rd, data, len, err)) < 0)
        goto done;
    const char *kind = file_kind(&rd);
    cstr_copy(out->kind, sizeof(out->kind), kind);
    int64_t practice = 0;
    if ((rc = cycle_practice(cy, &practice, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    int existed = 0;
    if ((rc = cycle_file_put(cy, kind, "in", path, data, len, &r.file_id, &existed, err)) < 0)
        goto fail;
    if (existed) {
        rcm_store_rollback(cy->st);
        out->already = 1;
        goto done;
    }
    if ((rc = cycle_next_id(cy, "ack", "ack_id", &r.next_ack, err)) < 0 || (rc = record_ta1(&r, &rd)) < 0 ||
        (rc = record_999(&r, &rd)) < 0 || (rc = record_277(&r, &rd)) < 0)
        goto fail;
    char detail[200];
    snprintf(detail, sizeof(detail),
             "%s sets %ld accepted %ld rejected %ld claims %ld accepted %ld rejected %ld unmatched %ld stale %ld",
             kind, out->sets, out->sets_accepted, out->sets_rejected, out->claims, out->claims_accepted,
             out->claims_rejected, out->unmatched, out->stale);
    if ((rc = cycle_audit(cy, "ack", "x12_file", r.file_id, detail, err)) < 0)
        goto fail;
    for (int i = 0; i < S_N; i++) {
        sqlite3_finalize(r.s[i]);
        r.s[i] = NULL;
    }
    if ((rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    if (verdicts) {
        *verdicts = r.verdicts.v;
        *n = r.verdicts.n;
        r.verdicts.v = NULL;
    }
    goto done;
fail:
    for (int i = 0; i < S_N; i++) {
        sqlite3_finalize(r.s[i]);
        r.s[i] = NULL;
    }
    rcm_store_rollback(cy->st);
    {
        rcm_ack_report zero;
        memset(&zero, 0, sizeof(zero));
        cstr_copy(zero.kind, sizeof(zero.kind), out->kind);
        *out = zero;
    }
done:
    for (int i = 0; i < S_N; i++)
        sqlite3_finalize(r.s[i]);
    free(r.verdicts.v);
    free(r.map.v);
    reading_release(&rd);
    free(data);
    return rc;
}

int rcm_ack_import(rcm_cycle *cy, const char *path, rcm_ack_report *out, rcm_error *err)
{
    return rcm_ack_import_verdicts(cy, path, out, NULL, NULL, err);
}
