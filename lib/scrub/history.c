/*
 * The history of claims already submitted, for the DUP family: every line of
 * every claim added, keyed by what makes a service the same service to a
 * payer (DOMAIN.md 3.7): the patient (member id, name, date of birth), the
 * billing and performing providers, the payer, the dates of service, the
 * procedure code (and an 837I line's revenue code) with its modifiers in
 * any order, the units and the charge.
 *
 * Keys are kept whole (in an arena, each field length-prefixed) and hashed
 * into an open-addressing table; a lookup compares the full key, so a hash
 * collision never makes a false duplicate. Built single-threaded, then read
 * by any number of engines.
 */
#include "scrub_internal.h"

typedef struct hist_slot {
    uint64_t hash;          /* 0: empty */
    const unsigned char *key; /* in the arena */
    uint32_t len;
    const char *claim;      /* the first claim that had the line */
} hist_slot;

struct rcm_scrub_history {
    arena mem;
    hist_slot *slots;
    size_t cap, n;
};

/*
 * A key: each string field as one length byte and its bytes (every field of
 * the claim model is shorter than 256), each number as its 8 bytes, in a
 * fixed order. No value can run into the next field: "A|B" + "C" and
 * "A" + "B|C" differ. The longest key the claim model allows is 528 bytes.
 */
#define KEY_MAX 1024

typedef struct keybuf {
    unsigned char b[KEY_MAX];
    size_t n;
} keybuf;

static void key_str(keybuf *k, const char *v, size_t max)
{
    size_t n = strnlen(v, max < 255 ? max : 255);
    k->b[k->n++] = (unsigned char)n;
    memcpy(k->b + k->n, v, n);
    k->n += n;
}
#define KEY_STR(k, field) key_str(k, field, sizeof(field) - 1)

static void key_num(keybuf *k, int64_t v)
{
    memcpy(k->b + k->n, &v, sizeof(v));
    k->n += sizeof(v);
}

/*
 * 64-bit hash, 8 bytes a step (a multiply and a shift each), then a full
 * avalanche so the table's low bits spread; never 0 (0 marks an empty slot).
 */
static uint64_t hash_key(const unsigned char *p, size_t n)
{
    uint64_t h = UINT64_C(0x9e3779b97f4a7c15) ^ (uint64_t)n;
    for (; n >= 8; p += 8, n -= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
    }
    uint64_t w = 0;
    memcpy(&w, p, n);
    h = (h ^ w) * UINT64_C(0x94d049bb133111eb);
    h ^= h >> 29;
    h *= UINT64_C(0xbf58476d1ce4e5b9);
    h ^= h >> 32;
    return h ? h : 1;
}

/* The performing provider's NPI as the engine's claim view resolves it: line, claim rendering, billing. */
static const char *npi_or_null(const rcm_party *p)
{
    if (!p->present || !p->id[0] || (p->id_qual[0] && strcmp(p->id_qual, "XX") != 0))
        return NULL;
    return p->id;
}

static const char *performer(const rcm_claim *c, const rcm_claim_line *l)
{
    const char *n = npi_or_null(&l->rendering);
    if (!n)
        n = npi_or_null(&c->rendering);
    if (!n)
        n = npi_or_null(&c->billing);
    return n ? n : "";
}

/*
 * The modifiers in ascending order: their order on the line does not make
 * another service (DUP-001 judges the same within a claim).
 */
static void key_mods(keybuf *k, const rcm_claim_line *l)
{
    const char *m[RCM_CLAIM_MAX_MODS];
    int n = 0;
    for (int i = 0; i < RCM_CLAIM_MAX_MODS; i++) {
        const char *v = l->mods[i];
        if (!v[0])
            continue;
        int j = n++;
        for (; j > 0 && strcmp(m[j - 1], v) > 0; j--)
            m[j] = m[j - 1];
        m[j] = v;
    }
    k->b[k->n++] = (unsigned char)n;
    for (int i = 0; i < n; i++)
        key_str(k, m[i], sizeof(l->mods[0]) - 1);
}

/* The line's key into k (DOMAIN.md 3.7: who, by whom, for whom, when, what, how much). */
static void line_key(keybuf *k, const rcm_claim *c, const rcm_claim_line *l)
{
    const rcm_party *pt = c->patient.present ? &c->patient : &c->subscriber;
    rcm_date dob = c->patient.present ? c->patient_dob : c->subscriber_dob;
    rcm_date from = l->from != RCM_DATE_NONE ? l->from : c->statement_from;
    rcm_date to = l->from != RCM_DATE_NONE ? (l->to != RCM_DATE_NONE ? l->to : l->from) : c->statement_to;
    if (to == RCM_DATE_NONE)
        to = from;
    k->n = 0;
    KEY_STR(k, c->subscriber.id);
    KEY_STR(k, pt->last);
    KEY_STR(k, pt->first);
    key_num(k, dob);
    KEY_STR(k, c->billing.id);
    key_str(k, performer(c, l), sizeof(c->billing.id) - 1);
    KEY_STR(k, c->payer.id);
    key_num(k, from);
    key_num(k, to);
    KEY_STR(k, l->code);
    KEY_STR(k, l->revenue_code);
    key_mods(k, l);
    key_num(k, l->units_milli);
    key_num(k, l->charge_cents);
}

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

static hist_slot *probe(hist_slot *slots, size_t cap, uint64_t hash, const unsigned char *key, size_t len)
{
    size_t i = (size_t)hash & (cap - 1);
    for (;;) {
        hist_slot *sl = &slots[i];
        if (!sl->hash || (sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0))
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
            *probe(v, cap, h->slots[i].hash, h->slots[i].key, h->slots[i].len) = h->slots[i];
    free(h->slots);
    h->slots = v;
    h->cap = cap;
    return 0;
}

int rcm_scrub_history_add(rcm_scrub_history *h, const rcm_claim *c)
{
    keybuf k;
    const char *claim = NULL;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        if ((h->n + 1) * 4 > h->cap * 3 && grow(h) < 0)
            return RCM_ENOMEM;
        line_key(&k, c, &c->lines[i]);
        uint64_t hash = hash_key(k.b, k.n);
        hist_slot *sl = probe(h->slots, h->cap, hash, k.b, k.n);
        if (sl->hash)
            continue;   /* the first claim that had it stays */
        if (!claim && !(claim = arena_strdup(&h->mem, c->id, strlen(c->id))))
            return RCM_ENOMEM;
        unsigned char *key = arena_alloc(&h->mem, k.n);
        if (!key)
            return RCM_ENOMEM;
        memcpy(key, k.b, k.n);
        sl->hash = hash;
        sl->key = key;
        sl->len = (uint32_t)k.n;
        sl->claim = claim;
        h->n++;
    }
    return 0;
}

const char *scrub_history_find(const rcm_scrub_history *h, const scrub_claim *sc, const scrub_line *l)
{
    if (!h || !h->n)
        return NULL;
    keybuf k;
    line_key(&k, sc->c, l->l);
    const hist_slot *sl = probe(h->slots, h->cap, hash_key(k.b, k.n), k.b, k.n);
    return sl->hash ? sl->claim : NULL;
}
