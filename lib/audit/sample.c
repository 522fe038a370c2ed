/*
 * Coding-audit samples (rcm_audit_sample, include/rcm/audit.h): a
 * reproducible random draw of a coder's original claims, recorded with
 * everything needed to draw it again (docs/coding-audit.md).
 *
 * The universe: the claims coded by the coder (claim.coded_by) that are
 * originals (frequency 1, not a secondary claim, not a rebill of another
 * claim to a new payer) with a first date of service (claim.dos_from) in
 * [from, to], ordered by claim id.
 *
 * The generator is xoshiro256** (Blackman and Vigna) with its four words of
 * state filled from the seed by splitmix64; a bounded draw rejects the few
 * values that would bias the remainder. Within each stratum the claims are
 * drawn without replacement by a partial Fisher-Yates shuffle of the
 * stratum's claims in claim-id order; the strata are drawn one after the
 * other in their fixed order (em: 99202..99205, 99211..99215, no-em;
 * dollars: q1..q4) from the one generator, and pick numbers the claims in
 * that order. So the same seed over the same universe draws the same
 * claims in the same order, on any machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "coding_internal.h"
#include "../cycle/cycle_internal.h"
#include "../util/banned.h"

/* ---- the generator ---- */

typedef struct prng {
    uint64_t s[4];
} prng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void prng_seed(prng *g, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t v, int k) { return (v << k) | (v >> (64 - k)); }

static uint64_t prng_next(prng *g)
{
    uint64_t *s = g->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* A uniform value in [0, bound), bound > 0: values below 2^64 mod bound are drawn again. */
static uint64_t prng_below(prng *g, uint64_t bound)
{
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t r = prng_next(g);
        if (r >= threshold)
            return r % bound;
    }
}

/* ---- the universe and its strata ---- */

typedef struct sm_claim {
    int64_t claim_id;
    char claim_no[39];
    int64_t charge_cents;
    char em[6];                 /* the highest-level E/M code, '' none */
    int stratum;
} sm_claim;

/* The E/M codes that name strata, in stratum order; "no-em" follows them. */
static const char *const em_codes[] = { "99202", "99203", "99204", "99205", "99211",
                                        "99212", "99213", "99214", "99215" };
#define N_EM ((int)ARRAY_SIZE(em_codes))
#define MAX_STRATA (N_EM + 1)

typedef struct sm_strata {
    int k;                      /* strata */
    char name[MAX_STRATA][16];
    size_t size[MAX_STRATA];
    size_t alloc[MAX_STRATA];
} sm_strata;

#define UNIVERSE_WHERE                                                                                       \
    " c.coded_by = ?1 AND c.freq = '1' AND c.primary_claim_id IS NULL AND c.original_claim_id IS NULL"        \
    " AND c.dos_from BETWEEN ?2 AND ?3"

static int load_universe(rcm_cycle *cy, const rcm_audit_sample_spec *spec, sm_claim **out, size_t *n,
                         rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    /* the highest level first (the code's last digit), the larger code on a tie */
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_id, c.claim_no, c.charge_cents,"
                           " (SELECT l.code FROM claim_line l WHERE l.claim_id = c.claim_id AND l.code IN"
                           "  ('99202', '99203', '99204', '99205', '99211', '99212', '99213', '99214', '99215')"
                           "  ORDER BY substr(l.code, 5, 1) DESC, l.code DESC LIMIT 1)"
                           " FROM claim c WHERE" UNIVERSE_WHERE " ORDER BY c.claim_id",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, spec->coder, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, spec->from);
    sqlite3_bind_int64(s, 3, spec->to);
    size_t cap = 0;
    sm_claim *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        sm_claim *nv = cycle_grow(v, &cap, *n, sizeof(*v), 64);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        sm_claim *c = &v[(*n)++];
        memset(c, 0, sizeof(*c));
        c->claim_id = sqlite3_column_int64(s, 0);
        const unsigned char *t = sqlite3_column_text(s, 1);
        cstr_copy(c->claim_no, sizeof(c->claim_no), t ? (const char *)t : "");
        c->charge_cents = sqlite3_column_int64(s, 2);
        t = sqlite3_column_text(s, 3);
        cstr_copy(c->em, sizeof(c->em), t ? (const char *)t : "");
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the coder's claims");
    sqlite3_finalize(s);
    if (rc < 0) {
        free(v);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/*
 * The first claim of the universe whose encounter the auditor coded or
 * signed off, or whose encounter has a claim the auditor coded (a
 * correction): 1 with its number in claim_no, 0 none.
 */
static int auditor_coded(rcm_cycle *cy, const rcm_audit_sample_spec *spec, char claim_no[39], rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT c.claim_no FROM claim c JOIN encounter e ON e.encounter_id = c.encounter_id"
                           " WHERE" UNIVERSE_WHERE " AND (e.coded_by = ?4 OR e.signed_by = ?4 OR EXISTS"
                           " (SELECT 1 FROM claim c2 WHERE c2.encounter_id = c.encounter_id AND c2.coded_by = ?4))"
                           " ORDER BY c.claim_id LIMIT 1",
                           err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, spec->coder, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, spec->from);
    sqlite3_bind_int64(s, 3, spec->to);
    sqlite3_bind_text(s, 4, cy->user, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(s, 0);
        cstr_copy(claim_no, 39, t ? (const char *)t : "");
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading who coded the claims");
    }
    sqlite3_finalize(s);
    return rc;
}

static int charge_cmp(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/*
 * Puts each claim in its stratum. dollars: the universe's charge quartiles
 * by nearest rank (Qk = the charge at rank ceil(k N / 4) in ascending
 * order); a claim is in the first quartile whose upper bound it does not
 * exceed, so equal charges share a stratum (a quartile may stay empty).
 */
static int stratify(sm_claim *v, size_t n, const char *how, sm_strata *st, rcm_error *err)
{
    memset(st, 0, sizeof(*st));
    if (strcmp(how, "em") == 0) {
        st->k = MAX_STRATA;
        for (int i = 0; i < N_EM; i++)
            cstr_copy(st->name[i], sizeof(st->name[i]), em_codes[i]);
        cstr_copy(st->name[N_EM], sizeof(st->name[N_EM]), "no-em");
        for (size_t i = 0; i < n; i++) {
            int k = N_EM;
            for (int j = 0; j < N_EM; j++)
                if (strcmp(v[i].em, em_codes[j]) == 0)
                    k = j;
            v[i].stratum = k;
        }
    } else if (strcmp(how, "dollars") == 0) {
        st->k = 4;
        for (int i = 0; i < 4; i++)
            snprintf(st->name[i], sizeof(st->name[i]), "q%d", i + 1);
        int64_t *c = malloc(n * sizeof(*c));
        if (!c)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            c[i] = v[i].charge_cents;
        qsort(c, n, sizeof(*c), charge_cmp);
        int64_t q[3];
        for (int k = 1; k <= 3; k++)
            q[k - 1] = c[((size_t)k * n + 3) / 4 - 1];
        free(c);
        for (size_t i = 0; i < n; i++) {
            int k = 3;
            while (k > 0 && v[i].charge_cents <= q[k - 1])
                k--;
            v[i].stratum = k;
        }
    } else {
        st->k = 1;
        cstr_copy(st->name[0], sizeof(st->name[0]), "all");
        for (size_t i = 0; i < n; i++)
            v[i].stratum = 0;
    }
    for (size_t i = 0; i < n; i++)
        st->size[v[i].stratum]++;
    return 0;
}

/*
 * Splits want over the strata in proportion to their sizes by largest
 * remainder (Hamilton): each gets floor(want x size / total), and the draws
 * left go one each to the largest remainders (ties: the larger stratum,
 * then the earlier). Then, when want is at least the number of non-empty
 * strata, a non-empty stratum left with none takes one from the stratum
 * holding the most (the earlier on a tie). want >= total takes everything.
 */
static void allocate(sm_strata *st, size_t want, size_t total)
{
    if (want >= total) {
        for (int i = 0; i < st->k; i++)
            st->alloc[i] = st->size[i];
        return;
    }
    uint64_t rem[MAX_STRATA];
    int used[MAX_STRATA] = { 0 };
    size_t given = 0, nonempty = 0;
    for (int i = 0; i < st->k; i++) {
        uint64_t p = (uint64_t)want * st->size[i];
        st->alloc[i] = (size_t)(p / total);
        rem[i] = p % total;
        given += st->alloc[i];
        nonempty += st->size[i] > 0;
    }
    for (; given < want; given++) {
        int best = -1;
        for (int i = 0; i < st->k; i++) {
            if (used[i] || rem[i] == 0)
                continue;
            if (best < 0 || rem[i] > rem[best] || (rem[i] == rem[best] && st->size[i] > st->size[best]))
                best = i;
        }
        if (best < 0)
            break;              /* cannot happen: the remainders add up to (want - given) x total */
        st->alloc[best]++;
        used[best] = 1;
    }
    if (want < nonempty)
        return;
    for (int i = 0; i < st->k; i++) {
        if (st->size[i] == 0 || st->alloc[i] > 0)
            continue;
        int donor = -1;
        for (int j = 0; j < st->k; j++)
            if (st->alloc[j] >= 2 && (donor < 0 || st->alloc[j] > st->alloc[donor]))
                donor = j;
        if (donor < 0)
            break;
        st->alloc[donor]--;
        st->alloc[i]++;
    }
}

/* Draws each stratum's allocation in stratum order into out (want entries at most); returns how many. */
static int draw(const sm_claim *v, size_t n, const sm_strata *st, uint64_t seed, rcm_audit_sampled *out,
                size_t *drawn, rcm_error *err)
{
    size_t *idx = malloc((n ? n : 1) * sizeof(*idx));
    if (!idx)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    prng g;
    prng_seed(&g, seed);
    size_t m = 0;
    for (int k = 0; k < st->k; k++) {
        size_t sz = 0;
        for (size_t i = 0; i < n; i++)
            if (v[i].stratum == k)
                idx[sz++] = i;
        for (size_t i = 0; i < st->alloc[k] && i < sz; i++) {
            size_t j = i + (size_t)prng_below(&g, (uint64_t)(sz - i));
            size_t t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
            const sm_claim *c = &v[idx[i]];
            rcm_audit_sampled *o = &out[m++];
            memset(o, 0, sizeof(*o));
            o->claim_id = c->claim_id;
            cstr_copy(o->claim_no, sizeof(o->claim_no), c->claim_no);
            cstr_copy(o->stratum, sizeof(o->stratum), st->name[k]);
            o->charge_cents = c->charge_cents;
            o->pick = (int)m;
        }
    }
    free(idx);
    *drawn = m;
    return 0;
}

/* ---- recording ---- */

static int record(rcm_cycle *cy, const rcm_audit_sample_spec *spec, const char *how, size_t universe,
                  const sm_strata *st, const rcm_audit_sampled *v, size_t n, int64_t *sample_id, rcm_error *err)
{
    int64_t id = 0;
    int rc = cycle_next_id(cy, "audit_sample", "sample_id", &id, err);
    if (rc < 0)
        return rc;
    char seed[24];
    snprintf(seed, sizeof(seed), "%" PRIu64, spec->seed);
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO audit_sample (sample_id, coder, date_from, date_to, n, seed, stratify,"
                            " universe, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_text(s, 2, spec->coder, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, spec->from);
    sqlite3_bind_int64(s, 4, spec->to);
    sqlite3_bind_int64(s, 5, spec->n);
    sqlite3_bind_text(s, 6, seed, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, how, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 8, (int64_t)universe);
    sqlite3_bind_int64(s, 9, cy->now);
    sqlite3_bind_text(s, 10, cy->user, -1, SQLITE_STATIC);
    rc = store_step_done(cy->st, s, "recording the sample", err);
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    if ((rc = store_prepare(cy->st, &s,
                            "INSERT INTO audit_sample_claim (sample_id, claim_id, stratum, pick) VALUES (?, ?, ?, ?)",
                            err)) < 0)
        return rc;
    for (size_t i = 0; i < n && rc == 0; i++) {
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_int64(s, 2, v[i].claim_id);
        sqlite3_bind_text(s, 3, v[i].stratum, -1, SQLITE_STATIC);
        sqlite3_bind_int(s, 4, v[i].pick);
        rc = store_step_done(cy->st, s, "recording the sample's claims", err);
    }
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;

    /* the event: the parameters (enough to draw it again), the strata and the claims drawn */
    char from[11], to[11];
    rcm_date_fmt(from, spec->from, 1);
    rcm_date_fmt(to, spec->to, 1);
    rcm_buf d;
    rcm_buf_init(&d, RCM_MAX_MESSAGE * 4);
    rcm_buf_addf(&d, "sample %lld: coder %s, dos %s..%s, n %d, seed %s, stratify %s, universe %zu, drawn %zu",
                 (long long)id, spec->coder, from, to, spec->n, seed, how, universe, n);
    if (st->k > 1) {
        rcm_buf_adds(&d, " (");
        int first = 1;
        for (int k = 0; k < st->k; k++) {
            if (!st->size[k])
                continue;
            rcm_buf_addf(&d, "%s%s %zu of %zu", first ? "" : ", ", st->name[k], st->alloc[k], st->size[k]);
            first = 0;
        }
        rcm_buf_addc(&d, ')');
    }
    rcm_buf_adds(&d, ":");
    for (size_t i = 0; i < n; i++)
        rcm_buf_addf(&d, " %s", v[i].claim_no);
    if (rcm_buf_failed(&d)) {
        rcm_buf_release(&d);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    rc = cycle_audit_full(cy, "audit-sample", "ok", "audit_sample", id, 0, 0, d.ptr, err);
    rcm_buf_release(&d);
    if (rc == 0)
        *sample_id = id;
    return rc;
}

static int check_spec(const rcm_audit_sample_spec *spec, const char **how, rcm_error *err)
{
    if (!spec || !spec->coder || !spec->coder[0])
        return rcm_error_set(err, RCM_EINVAL, "a sample needs the coder whose claims it draws");
    if (strlen(spec->coder) > 63)
        return rcm_error_set(err, RCM_EINVAL, "coder name longer than 63 bytes");
    if (spec->n < 1)
        return rcm_error_set(err, RCM_EINVAL, "a sample draws at least 1 claim (n %d)", spec->n);
    if (spec->from == RCM_DATE_NONE || spec->to == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "a sample needs both ends of its date-of-service range");
    if (spec->from > spec->to)
        return rcm_error_set(err, RCM_EINVAL, "the date-of-service range ends before it begins");
    const char *s = spec->stratify && spec->stratify[0] ? spec->stratify : "none";
    if (strcmp(s, "none") != 0 && strcmp(s, "em") != 0 && strcmp(s, "dollars") != 0)
        return rcm_error_set(err, RCM_EINVAL, "stratify '%.20s': none, em or dollars", s);
    *how = s;
    return 0;
}

int rcm_audit_sample(rcm_cycle *cy, const rcm_audit_sample_spec *spec, int64_t *sample_id,
                     rcm_audit_sampled **out, size_t *n, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    if (sample_id)
        *sample_id = 0;
    int rc = cycle_require(cy, RCM_PERM_AUDIT_CODING, err);
    if (rc < 0)
        return rc;
    const char *how = "none";
    if ((rc = check_spec(spec, &how, err)) < 0)
        return rc;
    if (strcmp(spec->coder, cy->user) == 0) {
        cstr_copy(cy->pending_action, sizeof(cy->pending_action), "audit-sample");
        cy->pending_claim = 0;
        snprintf(cy->pending_why, sizeof(cy->pending_why),
                 "separation of duties: sample of the auditor's own coding");
        cycle_flush_denial(cy);
        return rcm_error_set(err, RCM_EDENIED,
                             "user '%s' may not audit their own coding: separation of duties", cy->user);
    }
    if ((rc = rcm_store_begin(cy->st, err)) < 0)
        return rc;
    sm_claim *v = NULL;
    size_t nv = 0;
    rcm_audit_sampled *picked = NULL;
    size_t drawn = 0;
    int64_t id = 0;
    char coded[39] = "";
    sm_strata st;
    if ((rc = load_universe(cy, spec, &v, &nv, err)) < 0)
        goto fail;
    if (nv == 0) {
        char from[11], to[11];
        rcm_date_fmt(from, spec->from, 1);
        rcm_date_fmt(to, spec->to, 1);
        rc = rcm_error_set(err, RCM_ENOTFOUND, "coder '%s' has no original claims with a date of service in %s..%s",
                           spec->coder, from, to);
        goto fail;
    }
    if ((rc = auditor_coded(cy, spec, coded, err)) < 0)
        goto fail;
    if (rc == 1) {
        cstr_copy(cy->pending_action, sizeof(cy->pending_action), "audit-sample");
        cy->pending_claim = 0;
        snprintf(cy->pending_why, sizeof(cy->pending_why),
                 "separation of duties: sample of coder %s, whose claim %s the auditor coded", spec->coder, coded);
        rc = rcm_error_set(err, RCM_EDENIED,
                           "user '%s' coded claim %s of coder '%s' and may not audit that coder's claims:"
                           " separation of duties",
                           cy->user, coded, spec->coder);
        goto fail;
    }
    if ((rc = stratify(v, nv, how, &st, err)) < 0)
        goto fail;
    allocate(&st, (size_t)spec->n, nv);
    size_t want = (size_t)spec->n < nv ? (size_t)spec->n : nv;
    if (!(picked = calloc(want, sizeof(*picked)))) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
        goto fail;
    }
    if ((rc = draw(v, nv, &st, spec->seed, picked, &drawn, err)) < 0 ||
        (rc = record(cy, spec, how, nv, &st, picked, drawn, &id, err)) < 0 ||
        (rc = rcm_store_commit(cy->st, err)) < 0)
        goto fail;
    free(v);
    *out = picked;
    *n = drawn;
    if (sample_id)
        *sample_id = id;
    return 0;
fail:
    rcm_store_rollback(cy->st);
    cycle_flush_denial(cy);
    free(v);
    free(picked);
    return rc;
}
