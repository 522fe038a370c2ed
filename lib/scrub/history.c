/*
 * The history of claims already submitted, for the DUP family: every line of
 * every claim added, keyed by what makes a service the same service to a
 * payer (DOMAIN.md 3.7): the patient (member id, name, date of birth), the
 * billing and performing providers, the payer, the dates of service, the
 * procedure code with its modifiers in order, the units and the charge.
 *
 * Keys are kept whole (in an arena) and hashed into an open-addressing
 * table; a lookup compares the full key, so a hash collision never makes a
 * false duplicate. Built single-threaded, then read by any number of engines.
 */
#include "scrub_internal.h"

typedef struct hist_slot {
    uint64_t hash;          /* 0: empty */
    const char *key;        /* NUL-terminated, in the arena */
    const char *claim;      /* the first claim that had the line */
} hist_slot;

struct rcm_scrub_history {
    arena mem;
    hist_slot *slots;
    size_t cap, n;
};

/* FNV-1a, 64 bits, with a final mix so low bits spread; never 0. */
static uint64_t hash_key(const char *k, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= UINT64_C(0x100000001b3);
    }
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h ? h : 1;
}

/* Builds the line's key into out (size outsz); returns its length. Fields are separated by '|'. */
static size_t line_key(char *out, size_t outsz, const rcm_claim *c, const rcm_claim_line *l, const char *perf)
{
    const rcm_party *pt = c->patient.present ? &c->patient : &c->subscriber;
    rcm_date dob = c->patient.present ? c->patient_dob : c->subscriber_dob;
    rcm_date from = l->from != RCM_DATE_NONE ? l->from : c->statement_from;
    rcm_date to = l->from != RCM_DATE_NONE ? (l->to != RCM_DATE_NONE ? l->to : l->from) : c->statement_to;
    int n = snprintf(out, outsz, "%s|%s|%s|%ld|%s|%s|%s|%ld|%ld|%s|%s|%s|%s|%s|%lld|%lld", c->subscriber.id,
                     pt->last, pt->first, (long)dob, c->billing.id, perf, c->payer.id, (long)from, (long)to,
                     l->code, l->mods[0], l->mods[1], l->mods[2], l->mods[3], (long long)l->units_milli,
                     (long long)l->charge_cents);
    return n < 0 ? 0 : (size_t)n >= outsz ? outsz - 1 : (size_t)n;
}

/* The performing provider's NPI as the engine resolves it (scrub_claim view). */
static const char *performer(const rcm_claim *c, const rcm_claim_line *l)
{
    if (l->rendering.present && l->rendering.id[0])
        return l->rendering.id;
    if (c->rendering.present && c->rendering.id[0])
        return c->rendering.id;
    return c->billing.id;
}

#define KEY_MAX 1024

int rcm_scrub_history_new(rcm_scrub_history **out, rcm_error *err)
{
    rcm_scrub_history *h = calloc(1, sizeof(*h));
    if (!h)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    arena_init(&h->mem, 64 * 1024, SIZE_MAX);
    *out = h;
    return 0;
}

void rcm_scrub_history_free(rcm_scrub_history *h)
{
    if (!h)
        return;
    arena_release(&h->mem);
    free(h->slots);
    free(h);
}

size_t rcm_scrub_history_lines(const rcm_scrub_history *h)
{
    return h ? h->n : 0;
}

static hist_slot *probe(hist_slot *slots, size_t cap, uint64_t hash, const char *key)
{
    size_t i = (size_t)hash & (cap - 1);
    for (;;) {
        hist_slot *sl = &slots[i];
        if (!sl->hash || (sl->hash == hash && strcmp(sl->key, key) == 0))
            return sl;
        i = (i + 1) & (cap - 1);
    }
}

static int grow(rcm_scrub_history *h)
{
    size_t cap = h->cap ? h->cap * 2 : 1024;
    hist_slot *v = calloc(cap, sizeof(*v));
    if (!v)
        return RCM_ENOMEM;
    for (size_t i = 0; i < h->cap; i++)
        if (h->slots[i].hash)
            *probe(v, cap, h->slots[i].hash, h->slots[i].key) = h->slots[i];
    free(h->slots);
    h->slots = v;
    h->cap = cap;
    return 0;
}

int rcm_scrub_history_add(rcm_scrub_history *h, const rcm_claim *c)
{
    char key[KEY_MAX];
    const char *claim = NULL;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        if ((h->n + 1) * 4 > h->cap * 3 && grow(h) < 0)
            return RCM_ENOMEM;
        const rcm_claim_line *l = &c->lines[i];
        size_t n = line_key(key, sizeof(key), c, l, performer(c, l));
        uint64_t hash = hash_key(key, n);
        hist_slot *sl = probe(h->slots, h->cap, hash, key);
        if (sl->hash)
            continue;   /* the first claim that had it stays */
        if (!claim && !(claim = arena_strdup(&h->mem, c->id, strlen(c->id))))
            return RCM_ENOMEM;
        const char *k = arena_strdup(&h->mem, key, n);
        if (!k)
            return RCM_ENOMEM;
        sl->hash = hash;
        sl->key = k;
        sl->claim = claim;
        h->n++;
    }
    return 0;
}

const char *scrub_history_find(const rcm_scrub_history *h, const scrub_claim *sc, const scrub_line *l)
{
    if (!h || !h->n)
        return NULL;
    char key[KEY_MAX];
    size_t n = line_key(key, sizeof(key), sc->c, l->l, performer(sc->c, l->l));
    const hist_slot *sl = probe(h->slots, h->cap, hash_key(key, n), key);
    return sl->hash ? sl->claim : NULL;
}
