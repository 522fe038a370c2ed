/*
 * The revenue-cycle metrics (rcm_metrics_get, include/rcm/ar.h): every
 * formula, cohort rule and rounding is in docs/metrics.md; this file follows
 * it line by line, in integer arithmetic.
 *
 * The cohort is the original claims (frequency 1, not a secondary claim,
 * not a rebill of another claim to a new payer) whose date of service is in
 * [from, to]. Every other claim of the same encounter (replacements, voids,
 * rebills, secondary claims) is counted through its
 * original: its money goes to the original's group and cohort, and it is
 * never counted as a claim of its own. AR figures are taken at the period
 * end (to, else the business date) over every claim of the group.
 *
 * Four passes, each one aggregate query handing its rows to C (ar_scan): the
 * claims (counts, and each claim's group, original and date), the ledger
 * (ar_ledger_load: every claim's sums, from the ledger summary when the
 * store has it), the denial rows, and the claim lines (E/M levels and the
 * denied lines' charges); the last two on a second connection in a thread
 * of their own while the first two run. Nothing is queried per claim.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ar_internal.h"
#include "route.h"
#include "../util/banned.h"

__extension__ typedef __int128 i128;

enum { F_ORIG = 1, F_COHORT = 2, F_APPEALED = 4, F_SEEN = 8, F_DENIED = 16 };

static const char *const em_codes[] = { "99202", "99203", "99204", "99205", "99211",
                                        "99212", "99213", "99214", "99215" };
#define N_EM ((int)ARRAY_SIZE(em_codes))

/* A count with its key, growable (by root cause, by CARC, E/M). */
typedef struct counts {
    ar_idmap map;           /* hash or packed key -> index */
    rcm_metrics_count *v;
    size_t n, cap;
} counts;

typedef struct mx {
    rcm_cycle *cy;
    int by;
    rcm_date from, to, end;
    rcm_error *err;
    /* per claim, by claim_id (n of them) */
    int64_t n;
    int32_t *enc, *grp, *dos, *prov;
    int64_t *charge;        /* an original's charge_cents */
    uint8_t *flags;
    int32_t *root;          /* by encounter_id: the encounter's first original claim; 0 none */
    int64_t n_enc;
    /* groups */
    ar_idmap gmap;          /* payer_id, provider_id, or a coder name's hash -> group */
    char (*coder)[64];      /* by coder: each group's name */
    rcm_metrics_row *rows;
    size_t n_rows, cap_rows;
    counts by_root, by_carc, em;
} mx;

static int oom(mx *m) { return rcm_error_set(m->err, RCM_ENOMEM, "out of memory for the metrics"); }

static uint64_t hash_text(const unsigned char *s, int n)
{
    uint64_t h = UINT64_C(1469598103934665603);
    for (int i = 0; i < n; i++)
        h = (h ^ s[i]) * UINT64_C(1099511628211);
    return h;
}

/* The row of a group id (created empty when new); NULL when out of memory. */
static int32_t group_of(mx *m, int64_t id, const unsigned char *coder, int coder_len)
{
    int32_t g = ar_idmap_get(&m->gmap, id);
    if (g < 0)
        return -1;
    if ((size_t)g < m->n_rows) {
        if (coder && (strlen(m->coder[g]) != (size_t)coder_len || memcmp(m->coder[g], coder, (size_t)coder_len)))
            return -2; /* two coder names with one hash: cannot happen in practice; refused, not merged */
        return g;
    }
    if (m->n_rows == m->cap_rows) {
        size_t cap = m->cap_rows ? m->cap_rows * 2 : 16;
        rcm_metrics_row *r = realloc(m->rows, cap * sizeof(*r));
        if (r)
            m->rows = r;
        char(*c)[64] = realloc(m->coder, cap * sizeof(*c));
        if (c)
            m->coder = c;
        if (!r || !c)
            return -1;
        m->cap_rows = cap;
    }
    memset(&m->rows[g], 0, sizeof(m->rows[g]));
    m->coder[g][0] = '\0';
    if (coder) {
        size_t n = (size_t)coder_len < sizeof(m->coder[g]) - 1 ? (size_t)coder_len : sizeof(m->coder[g]) - 1;
        memcpy(m->coder[g], coder, n);
        m->coder[g][n] = '\0';
    }
    m->rows[g].key[0] = '\0';
    m->n_rows++;
    return g;
}

static rcm_metrics_count *count_of(counts *c, int64_t id, const char *key)
{
    int32_t i = ar_idmap_get(&c->map, id);
    if (i < 0)
        return NULL;
    if ((size_t)i == c->n) {
        if (c->n == c->cap) {
            size_t cap = c->cap ? c->cap * 2 : 16;
            rcm_metrics_count *v = realloc(c->v, cap * sizeof(*v));
            if (!v)
                return NULL;
            c->v = v;
            c->cap = cap;
        }
        memset(&c->v[i], 0, sizeof(c->v[i]));
        cstr_copy(c->v[i].key, sizeof(c->v[i].key), key);
        c->n++;
    }
    return &c->v[i];
}

/* ---- pass 1: appeals, then the claims ---- */

static int appeal_row(void *ctx, sqlite3_value **v, int n)
{
    mx *m = ctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[0]);
    if (c >= 0 && c < m->n)
        m->flags[c] |= F_APPEALED;
    return 0;
}

static int text_is(sqlite3_value *v, const char *s)
{
    int n = sqlite3_value_bytes(v);
    const unsigned char *t = sqlite3_value_text(v);
    return t && (size_t)n == strlen(s) && memcmp(t, s, (size_t)n) == 0;
}

/*
 * claim_id, encounter_id, original, payer_id, provider_id, coded_by, status,
 * dos_from, charge_cents, scrub_errors, submissions, first_ack, first_835
 */
static int claim_row(void *ctx, sqlite3_value **v, int n)
{
    mx *m = ctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[0]);
    int64_t enc = sqlite3_value_int64(v[1]);
    if (c < 0 || c >= m->n || enc < 0 || enc >= m->n_enc)
        return rcm_error_set(m->err, RCM_EIO, "claim %lld: ids out of range", (long long)c);
    int64_t dos = sqlite3_value_int64(v[7]);
    m->enc[c] = (int32_t)enc;
    m->grp[c] = -1;
    m->dos[c] = (int32_t)dos;
    m->prov[c] = (int32_t)sqlite3_value_int64(v[4]);
    m->flags[c] |= F_SEEN;
    if (!sqlite3_value_int(v[2]))
        return 0; /* not an original: it takes its original's group (resolve_roots) */
    int32_t g;
    switch (m->by) {
    case RCM_METRICS_BY_PAYER: g = group_of(m, sqlite3_value_int64(v[3]), NULL, 0); break;
    case RCM_METRICS_BY_PROVIDER: g = group_of(m, sqlite3_value_int64(v[4]), NULL, 0); break;
    case RCM_METRICS_BY_CODER: {
        const unsigned char *t = sqlite3_value_text(v[5]);
        int tn = t ? sqlite3_value_bytes(v[5]) : 0;
        t = t ? t : (const unsigned char *)"";
        g = group_of(m, (int64_t)hash_text(t, tn), t, tn);
        break;
    }
    default: g = group_of(m, 0, NULL, 0); break;
    }
    if (g == -2)
        return rcm_error_set(m->err, RCM_EINVAL, "claim %lld: two coder names share a hash", (long long)c);
    if (g < 0)
        return oom(m);
    m->grp[c] = g;
    m->charge[c] = sqlite3_value_int64(v[8]);
    m->flags[c] |= F_ORIG;
    if (!m->root[enc] || c < m->root[enc])
        m->root[enc] = (int32_t)c;
    if ((m->from != RCM_DATE_NONE && dos < m->from) || (m->to != RCM_DATE_NONE && dos > m->to))
        return 0;
    m->flags[c] |= F_COHORT;
    rcm_metrics_row *r = &m->rows[g];
    int64_t submissions = sqlite3_value_int64(v[10]);
    int accepted = text_is(v[11], "accepted");
    int adjudicated = sqlite3_value_bytes(v[12]) > 0;
    if (submissions >= 1) {
        r->claims_submitted++;
        if (accepted) {
            r->claims_first_pass_accepted++;
            if (sqlite3_value_int64(v[9]) == 0)
                r->claims_clean++;
        }
    }
    if (adjudicated) {
        r->claims_adjudicated++;
        r->adjudicated_charges_cents += sqlite3_value_int64(v[8]);
        if (text_is(v[12], "paid") && submissions == 1 && !text_is(v[6], "replaced") && !text_is(v[6], "void") &&
            !(m->flags[c] & F_APPEALED))
            r->claims_first_pass_paid++;
    }
    return 0;
}

/* Every claim takes its encounter's original's group, date and cohort. */
static void resolve_roots(mx *m)
{
    for (int64_t c = 1; c < m->n; c++) {
        if (!(m->flags[c] & F_SEEN) || (m->flags[c] & F_ORIG))
            continue;
        int32_t r = m->root[m->enc[c]];
        if (r <= 0 || r >= m->n)
            continue; /* no original in the encounter: not counted anywhere */
        m->grp[c] = m->grp[r];
        m->dos[c] = m->dos[r];
        if (m->flags[r] & F_COHORT)
            m->flags[c] |= F_COHORT;
    }
}

/* ---- pass 2: money ---- */

static void add_money(mx *m, const ar_ledger *lg)
{
    int64_t end = m->end;
    for (int64_t c = 1; c < m->n && c < lg->n; c++) {
        const ar_money *a = &lg->m[c];
        if (!(m->flags[c] & F_SEEN) || m->grp[c] < 0)
            continue;
        rcm_metrics_row *r = &m->rows[m->grp[c]];
        if (m->flags[c] & F_COHORT) {
            r->gross_charges_cents += a->charge;
            r->payer_payments_cents += a->payer_paid;
            r->patient_payments_cents += a->patient_paid;
            r->contractual_cents += a->contractual;
            r->writeoff_cents += a->writeoff;
        }
        int64_t dos = m->dos[c];
        if (dos > end)
            continue;
        int64_t bal = a->payer + a->patient;
        r->ar_cents += bal;
        if (end - dos > 90)
            r->ar_over_90_cents += bal;
        if (end - dos < 90)
            r->charges_90d_cents += a->charge;
    }
}

/* ---- passes 3 and 4, on a second reader when there can be one: the denial rows, the claim lines ---- */

/*
 * They need nothing of passes 1 and 2 but the number of claims, so they run
 * beside them (a thread and a read-only connection of their own) and keep
 * what they find per claim; the counts are made once both are done. The
 * two readers may see the store a moment apart: a claim posted in between
 * is simply not in the counts.
 */

typedef struct denial_row {
    int64_t claim, line, amount;
    int64_t line_charge;    /* filled by the lines pass */
    char root[20], carc[16];
} denial_row;

typedef struct route_memo {
    char key[48];
    int denial;
} route_memo;

typedef struct side {
    sqlite3 *db;
    int64_t n;              /* claims 0..n-1 */
    const route_table *routes;
    ar_idmap cache;         /* hash of "group|carc|rarc" -> memo */
    route_memo *memo;
    size_t n_memo, cap_memo;
    denial_row *v;          /* the rows on a first remittance that are denials, sorted by claim and line */
    size_t n_rows, cap_rows;
    uint8_t *denied;        /* by claim: it has such a row */
    uint8_t (*em)[2];       /* by claim: its first two E/M lines' code index + 1 (0: none) */
    int64_t *em_more;       /* a third E/M line and on: claim x 16 + code index */
    size_t n_more, cap_more;
    int rc;
    rcm_error err;
} side;

static int side_oom(side *sd) { return rcm_error_set(&sd->err, RCM_ENOMEM, "out of memory for the metrics"); }

/* The routing table's denial flag of (group, CARC, RARC), remembered per combination. */
static int denial_flag(side *sd, const char *group, const char *carc, const char *rarc, int *flag)
{
    char key[48];
    snprintf(key, sizeof(key), "%s|%s|%s", group, carc, rarc);
    int32_t i = ar_idmap_get(&sd->cache, (int64_t)hash_text((const unsigned char *)key, (int)strlen(key)));
    if (i < 0)
        return -1;
    if ((size_t)i < sd->n_memo && strcmp(sd->memo[i].key, key) == 0) {
        *flag = sd->memo[i].denial;
        return 0;
    }
    const char *rarcs[1] = { rarc };
    cycle_route r;
    route_table_classify(sd->routes, group, carc, rarcs, rarc[0] ? 1 : 0, &r, NULL);
    *flag = r.denial;
    if ((size_t)i == sd->n_memo) {
        if (sd->n_memo == sd->cap_memo) {
            size_t cap = sd->cap_memo ? sd->cap_memo * 2 : 32;
            route_memo *nm = realloc(sd->memo, cap * sizeof(*nm));
            if (!nm)
                return -1;
            sd->memo = nm;
            sd->cap_memo = cap;
        }
        cstr_copy(sd->memo[i].key, sizeof(sd->memo[i].key), key);
        sd->memo[i].denial = r.denial;
        sd->n_memo++;
    }
    return 0;
}

/* claim_id, line_no, group_code, carc, rarc, root, amount_cents, on the first remittance */
static int denial_row_in(void *ctx, sqlite3_value **v, int n)
{
    side *sd = ctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[0]);
    if (c < 0 || c >= sd->n || !sqlite3_value_int(v[7]))
        return 0;
    const char *group = (const char *)sqlite3_value_text(v[2]);
    const char *carc = (const char *)sqlite3_value_text(v[3]);
    const char *rarc = (const char *)sqlite3_value_text(v[4]);
    group = group ? group : "";
    carc = carc ? carc : "";
    rarc = rarc ? rarc : "";
    int flag = 0;
    if (denial_flag(sd, group, carc, rarc, &flag) < 0)
        return side_oom(sd);
    if (!flag)
        return 0;
    if (sd->n_rows == sd->cap_rows) {
        size_t cap = sd->cap_rows ? sd->cap_rows * 2 : 256;
        denial_row *nv = realloc(sd->v, cap * sizeof(*nv));
        if (!nv)
            return side_oom(sd);
        sd->v = nv;
        sd->cap_rows = cap;
    }
    denial_row *r = &sd->v[sd->n_rows++];
    r->claim = c;
    r->line = sqlite3_value_int64(v[1]);
    r->amount = sqlite3_value_int64(v[6]);
    r->line_charge = 0;
    const char *root = (const char *)sqlite3_value_text(v[5]);
    cstr_copy(r->root, sizeof(r->root), root && root[0] ? root : "other");
    snprintf(r->carc, sizeof(r->carc), "%s-%s", group, carc);
    sd->denied[c] = 1;
    return 0;
}

static int denial_cmp(const void *x, const void *y)
{
    const denial_row *a = x, *b = y;
    if (a->claim != b->claim)
        return a->claim < b->claim ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int em_index(sqlite3_value *v)
{
    const unsigned char *t = sqlite3_value_text(v);
    if (!t || sqlite3_value_bytes(v) != 5 || t[0] != '9' || t[1] != '9' || t[2] != '2')
        return -1;
    for (int i = 0; i < N_EM; i++)
        if (memcmp(t, em_codes[i], 5) == 0)
            return i;
    return -1;
}

/* claim_id, line_no, code, charge_cents */
static int line_row(void *ctx, sqlite3_value **v, int n)
{
    side *sd = ctx;
    (void)n;
    int64_t c = sqlite3_value_int64(v[0]);
    if (c < 0 || c >= sd->n)
        return 0;
    if (sd->denied[c]) {
        /* the denial rows of this claim and line take its charge */
        denial_row key = { .claim = c, .line = sqlite3_value_int64(v[1]) };
        denial_row *r = bsearch(&key, sd->v, sd->n_rows, sizeof(*sd->v), denial_cmp);
        if (r) {
            while (r > sd->v && denial_cmp(r - 1, &key) == 0)
                r--;
            for (; r < sd->v + sd->n_rows && denial_cmp(r, &key) == 0; r++)
                r->line_charge = sqlite3_value_int64(v[3]);
        }
    }
    int k = em_index(v[2]);
    if (k < 0)
        return 0;
    if (!sd->em[c][0]) {
        sd->em[c][0] = (uint8_t)(k + 1);
    } else if (!sd->em[c][1]) {
        sd->em[c][1] = (uint8_t)(k + 1);
    } else {
        if (sd->n_more == sd->cap_more) {
            size_t cap = sd->cap_more ? sd->cap_more * 2 : 64;
            int64_t *nm = realloc(sd->em_more, cap * sizeof(*nm));
            if (!nm)
                return side_oom(sd);
            sd->em_more = nm;
            sd->cap_more = cap;
        }
        sd->em_more[sd->n_more++] = c * 16 + k;
    }
    return 0;
}

static void side_run(side *sd)
{
    sd->rc = ar_scan_db(sd->db,
                        "SELECT rcm_scan(?1, d.claim_id, d.line_no, d.group_code, d.carc, d.rarc, d.root,"
                        " d.amount_cents, d.remit_claim_id = (SELECT MIN(x.remit_claim_id) FROM remit_claim x"
                        " WHERE x.claim_id = d.claim_id)) FROM denial d",
                        NULL, 0, denial_row_in, sd, &sd->err);
    if (sd->rc == 0 && sd->n_rows > 1)
        qsort(sd->v, sd->n_rows, sizeof(*sd->v), denial_cmp);
    if (sd->rc == 0)
        sd->rc = ar_scan_db(sd->db, "SELECT rcm_scan(?1, claim_id, line_no, code, charge_cents) FROM claim_line", NULL,
                            0, line_row, sd, &sd->err);
}

static void *side_thread(void *arg)
{
    side_run(arg);
    return NULL;
}

static void side_release(side *sd)
{
    ar_idmap_release(&sd->cache);
    free(sd->memo);
    free(sd->v);
    free(sd->denied);
    free(sd->em);
    free(sd->em_more);
}

static int em_add(mx *m, int64_t c, int k)
{
    rcm_metrics_count *e = count_of(&m->em, (int64_t)m->prov[c] * 16 + k, "");
    if (!e)
        return oom(m);
    e->count++;
    return 0;
}

/* Claims and lines denied, their charges, the counts by root cause and by CARC, and the E/M levels. */
static int tally_side(mx *m, const side *sd)
{
    const uint8_t want = F_ORIG | F_COHORT;
    for (size_t i = 0; i < sd->n_rows;) {
        size_t j = i;
        int64_t c = sd->v[i].claim, lines = 0, line_charges = 0;
        int whole = 0;
        int in = (m->flags[c] & want) == want;
        for (; j < sd->n_rows && sd->v[j].claim == c; j++) {
            const denial_row *r = &sd->v[j];
            if (!in)
                continue;
            if (j == i || r->line != sd->v[j - 1].line) {
                lines++;
                if (r->line == 0)
                    whole = 1;
                else
                    line_charges += r->line_charge;
            }
            rcm_metrics_count *k = count_of(&m->by_root, (int64_t)hash_text((const unsigned char *)r->root,
                                                                            (int)strlen(r->root)),
                                            r->root);
            rcm_metrics_count *q = count_of(&m->by_carc, (int64_t)hash_text((const unsigned char *)r->carc,
                                                                            (int)strlen(r->carc)),
                                            r->carc);
            if (!k || !q)
                return oom(m);
            k->count++;
            k->cents += r->amount;
            q->count++;
            q->cents += r->amount;
        }
        if (in) {
            rcm_metrics_row *row = &m->rows[m->grp[c]];
            row->claims_denied++;
            row->lines_denied += (long)lines;
            row->denied_charges_cents += whole ? m->charge[c] : line_charges;
        }
        i = j;
    }
    for (int64_t c = 1; c < m->n; c++) {
        if ((m->flags[c] & want) != want)
            continue;
        for (int s = 0; s < 2 && sd->em[c][s]; s++)
            if (em_add(m, c, sd->em[c][s] - 1) < 0)
                return RCM_ENOMEM;
    }
    for (size_t i = 0; i < sd->n_more; i++) {
        int64_t c = sd->em_more[i] / 16;
        if ((m->flags[c] & want) == want && em_add(m, c, (int)(sd->em_more[i] % 16)) < 0)
            return RCM_ENOMEM;
    }
    return 0;
}

/* A second read-only connection to the store, or NULL (then the passes run on the first, one after the other). */
static sqlite3 *second_reader(rcm_cycle *cy)
{
    /* inside the caller's transaction only the first connection sees its rows */
    if (rcm_store_in_transaction(cy->st))
        return NULL;
    const char *path = rcm_store_path(cy->st);
    sqlite3 *db = NULL;
    if (!path || sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 60000);
    return db;
}

/* ---- naming and ordering ---- */

static int name_rows(mx *m)
{
    if (m->by == RCM_METRICS_TOTAL || m->by == RCM_METRICS_BY_CODER) {
        for (size_t i = 0; i < m->n_rows; i++)
            cstr_copy(m->rows[i].key, sizeof(m->rows[i].key),
                      m->by == RCM_METRICS_TOTAL ? "total" : m->coder[i][0] ? m->coder[i] : "(none)");
        return 0;
    }
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(m->cy->st, &s,
                           m->by == RCM_METRICS_BY_PAYER ? "SELECT payer_id, code FROM payer"
                                                         : "SELECT provider_id, npi FROM provider",
                           m->err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t g = ar_idmap_find(&m->gmap, sqlite3_column_int64(s, 0));
        if (g >= 0)
            cstr_copy(m->rows[g].key, sizeof(m->rows[g].key), (const char *)sqlite3_column_text(s, 1));
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(m->cy->st, m->err, "naming the metrics groups");
    sqlite3_finalize(s);
    return rc;
}

static int name_em(mx *m)
{
    if (!m->em.n)
        return 0;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(m->cy->st, &s, "SELECT provider_id, npi FROM provider", m->err);
    if (rc < 0)
        return rc;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t p = sqlite3_column_int64(s, 0);
        const char *npi = (const char *)sqlite3_column_text(s, 1);
        for (int k = 0; k < N_EM; k++) {
            int32_t i = ar_idmap_find(&m->em.map, p * 16 + k);
            if (i >= 0)
                snprintf(m->em.v[i].key, sizeof(m->em.v[i].key), "%s %s", npi ? npi : "", em_codes[k]);
        }
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(m->cy->st, m->err, "naming the E/M counts");
    sqlite3_finalize(s);
    return rc;
}

static int row_cmp(const void *x, const void *y)
{
    return strcmp(((const rcm_metrics_row *)x)->key, ((const rcm_metrics_row *)y)->key);
}

static int count_cmp(const void *x, const void *y)
{
    const rcm_metrics_count *a = x, *b = y;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return strcmp(a->key, b->key);
}

static int key_cmp(const void *x, const void *y)
{
    return strcmp(((const rcm_metrics_count *)x)->key, ((const rcm_metrics_count *)y)->key);
}

/* num / den in basis points, rounded half away from zero; -1 when den <= 0. */
static int bp(int64_t num, int64_t den)
{
    if (den <= 0)
        return -1;
    i128 v = (i128)num * 20000;
    v = v >= 0 ? (v + den) / (2 * (i128)den) : -((-v + den) / (2 * (i128)den));
    return v > INT_MAX ? INT_MAX : v < -INT_MAX ? -INT_MAX : (int)v;
}

static void rates(rcm_metrics_row *r)
{
    r->payments_cents = r->payer_payments_cents + r->patient_payments_cents;
    r->clean_claim_bp = bp(r->claims_clean, r->claims_submitted);
    r->first_pass_bp = bp(r->claims_first_pass_paid, r->claims_adjudicated);
    r->denial_rate_bp = bp(r->claims_denied, r->claims_adjudicated);
    r->denial_dollar_bp = bp(r->denied_charges_cents, r->adjudicated_charges_cents);
    r->net_collection_bp = bp(r->payments_cents, r->gross_charges_cents - r->contractual_cents);
    r->gross_collection_bp = bp(r->payments_cents, r->gross_charges_cents);
    r->ar_over_90_bp = bp(r->ar_over_90_cents, r->ar_cents);
    if (r->charges_90d_cents <= 0) {
        r->days_in_ar_x100 = -1;
    } else {
        /* AR / (charges / 90) x 100 = AR x 9000 / charges */
        i128 v = (i128)r->ar_cents * 18000;
        i128 d = (i128)r->charges_90d_cents * 2;
        v = v >= 0 ? (v + r->charges_90d_cents) / d : -((-v + r->charges_90d_cents) / d);
        r->days_in_ar_x100 = v > INT64_MAX ? INT64_MAX : v < -INT64_MAX ? -INT64_MAX : (int64_t)v;
    }
}

/* ---- the call ---- */

static int query_int(rcm_cycle *cy, const char *sql, int64_t *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        *out = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading the store for the metrics");
    sqlite3_finalize(s);
    return rc;
}

static void mx_release(mx *m)
{
    free(m->enc);
    free(m->grp);
    free(m->dos);
    free(m->prov);
    free(m->charge);
    free(m->flags);
    free(m->root);
    free(m->coder);
    ar_idmap_release(&m->gmap);
    ar_idmap_release(&m->by_root.map);
    ar_idmap_release(&m->by_carc.map);
    ar_idmap_release(&m->em.map);
}

int rcm_metrics_get(rcm_cycle *cy, const rcm_metrics_query *q, rcm_metrics *out, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    int rc = cycle_require(cy, RCM_PERM_METRICS, err);
    if (rc < 0)
        return rc;
    rcm_metrics_query dq = { RCM_DATE_NONE, RCM_DATE_NONE, RCM_METRICS_TOTAL };
    if (!q)
        q = &dq;
    if (q->by < RCM_METRICS_TOTAL || q->by > RCM_METRICS_BY_CODER)
        return rcm_error_set(err, RCM_EINVAL, "metrics: no such grouping %d", q->by);
    if (q->from != RCM_DATE_NONE && q->to != RCM_DATE_NONE && q->from > q->to)
        return rcm_error_set(err, RCM_EINVAL, "metrics: the period starts after it ends");
    mx m;
    memset(&m, 0, sizeof(m));
    m.cy = cy;
    m.by = q->by;
    m.from = q->from;
    m.to = q->to;
    m.end = q->to != RCM_DATE_NONE ? q->to : cy->today;
    m.err = err;
    int64_t max_claim = 0, max_enc = 0;
    rc = query_int(cy, "SELECT COALESCE(MAX(claim_id), 0) FROM claim", &max_claim, err);
    if (rc < 0 || (rc = query_int(cy, "SELECT COALESCE(MAX(encounter_id), 0) FROM encounter", &max_enc, err)) < 0)
        return rc;
    if (max_claim >= INT32_MAX || max_enc >= INT32_MAX)
        return rcm_error_set(err, RCM_ELIMIT, "metrics: too many claims");
    m.n = max_claim + 1;
    m.n_enc = max_enc + 1;
    m.enc = calloc((size_t)m.n, sizeof(*m.enc));
    m.grp = calloc((size_t)m.n, sizeof(*m.grp));
    m.dos = calloc((size_t)m.n, sizeof(*m.dos));
    m.prov = calloc((size_t)m.n, sizeof(*m.prov));
    m.charge = calloc((size_t)m.n, sizeof(*m.charge));
    m.flags = calloc((size_t)m.n, 1);
    m.root = calloc((size_t)m.n_enc, sizeof(*m.root));
    ar_ledger lg = { NULL, 0 };
    side sd;
    memset(&sd, 0, sizeof(sd));
    route_table routes;
    int have_routes = 0, threaded = 0;
    pthread_t tid;
    if (!m.enc || !m.grp || !m.dos || !m.prov || !m.charge || !m.flags || !m.root) {
        rc = oom(&m);
        goto done;
    }
    /* the TOTAL row exists even for an empty store */
    if (q->by == RCM_METRICS_TOTAL && group_of(&m, 0, NULL, 0) < 0) {
        rc = oom(&m);
        goto done;
    }
    if ((rc = ar_scan(cy, "SELECT rcm_scan(?1, claim_id) FROM appeal", NULL, 0, appeal_row, &m, err)) < 0 ||
        (rc = route_table_load(cy, &routes, err)) < 0)
        goto done;
    have_routes = 1;
    /* the denial rows and the claim lines: beside passes 1 and 2 when a second reader can be had */
    sd.n = m.n;
    sd.routes = &routes;
    sd.denied = calloc((size_t)m.n, 1);
    sd.em = calloc((size_t)m.n, sizeof(*sd.em));
    if (!sd.denied || !sd.em) {
        rc = oom(&m);
        goto done;
    }
    sd.db = second_reader(cy);
    if (sd.db && pthread_create(&tid, NULL, side_thread, &sd) == 0) {
        threaded = 1;
    } else {
        sqlite3_close(sd.db);
        sd.db = NULL;
    }
    rc = ar_scan(cy,
                 "SELECT rcm_scan(?1, claim_id, encounter_id,"
                 " freq = '1' AND primary_claim_id IS NULL AND original_claim_id IS NULL, payer_id, provider_id,"
                 " coded_by, status, dos_from, charge_cents, scrub_errors, submissions, first_ack, first_835)"
                 " FROM claim",
                 NULL, 0, claim_row, &m, err);
    if (rc == 0) {
        resolve_roots(&m);
        if ((rc = ar_ledger_load(cy, m.end, &lg, err)) == 0)
            add_money(&m, &lg);
        ar_ledger_release(&lg);
    }
    if (threaded) {
        pthread_join(tid, NULL);
        threaded = 0;
    } else if (rc == 0) {
        sd.db = cycle_db(cy);
        side_run(&sd);
        sd.db = NULL;
    }
    if (rc == 0 && sd.rc < 0) {
        rc = sd.rc;
        if (err)
            *err = sd.err;
    }
    if (rc < 0 || (rc = tally_side(&m, &sd)) < 0 || (rc = name_rows(&m)) < 0 || (rc = name_em(&m)) < 0)
        goto done;
    for (size_t i = 0; i < m.n_rows; i++)
        rates(&m.rows[i]);
    if (m.n_rows > 1)
        qsort(m.rows, m.n_rows, sizeof(*m.rows), row_cmp);
    if (m.by_root.n > 1)
        qsort(m.by_root.v, m.by_root.n, sizeof(*m.by_root.v), count_cmp);
    if (m.by_carc.n > 1)
        qsort(m.by_carc.v, m.by_carc.n, sizeof(*m.by_carc.v), count_cmp);
    if (m.em.n > 1)
        qsort(m.em.v, m.em.n, sizeof(*m.em.v), key_cmp);
    out->from = q->from;
    out->to = q->to;
    out->period_end = m.end;
    out->rows = m.rows;
    out->n_rows = m.n_rows;
    out->by_root = m.by_root.v;
    out->n_by_root = m.by_root.n;
    out->by_carc = m.by_carc.v;
    out->n_by_carc = m.by_carc.n;
    out->em = m.em.v;
    out->n_em = m.em.n;
    m.rows = NULL;
    m.by_root.v = m.by_carc.v = m.em.v = NULL;
done:
    if (threaded)
        pthread_join(tid, NULL);
    if (sd.db)
        sqlite3_close(sd.db);
    side_release(&sd);
    if (have_routes)
        route_table_release(&routes);
    ar_ledger_release(&lg);
    free(m.rows);
    free(m.by_root.v);
    free(m.by_carc.v);
    free(m.em.v);
    mx_release(&m);
    return rc;
}

void rcm_metrics_release(rcm_metrics *m)
{
    if (!m)
        return;
    free(m->rows);
    free(m->by_root);
    free(m->by_carc);
    free(m->em);
    m->rows = NULL;
    m->by_root = m->by_carc = m->em = NULL;
    m->n_rows = m->n_by_root = m->n_by_carc = m->n_em = 0;
}
