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
 *
 * The table is what a lookup waits on (it outgrows every cache), so its
 * slots are small: 16 bytes, the hash, the key's length and the index of
 * the line's record (key and claim) in a separate array, read only when the
 * hash and length match. In front of the table, a filter of one 64-bit word
 * per 16 slots (1/32 of the table's size, small enough to stay in the
 * caches): every key sets 4 bits of one word, and a line whose bits are not
 * all set is in no slot, so most lines, new ones, never touch the table. A
 * claim's lines are hashed first and their filter words and then slots
 * prefetched, so the misses that remain overlap.
 */
#include "scrub_internal.h"

typedef struct hist_slot {
    uint64_t hash;          /* 0: empty */
    uint32_t rec;           /* index in recs */
    uint32_t len;           /* the key's length */
} hist_slot;

typedef struct hist_rec {
    const unsigned char *key; /* in the arena */
    const char *claim;      /* the first claim that had the line */
} hist_rec;

struct rcm_scrub_history {
    arena mem;
    hist_slot *slots;
    hist_rec *recs;         /* n used, rec_cap allocated */
    uint64_t *filter;       /* cap / FILTER_SLOTS words */
    size_t cap, n, rec_cap;
};

/* Slots per filter word; the bits a hash sets in its word (4 of 64). */
#define FILTER_SLOTS 16

static size_t filter_word(uint64_t hash, size_t cap)
{
    return (size_t)(hash >> 40) & (cap / FILTER_SLOTS - 1);
}

static uint64_t filter_bits(uint64_t hash)
{
    return (UINT64_C(1) << (hash & 63)) | (UINT64_C(1) << ((hash >> 6) & 63)) |
           (UINT64_C(1) << ((hash >> 12) & 63)) | (UINT64_C(1) << ((hash >> 18) & 63));
}

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
 * 64-bit hash, 8 bytes a step (a multiply and a shift each), then the length
 * and a full avalanche so the table's low bits spread; never 0 (0 marks an
 * empty slot). The length comes in last so that the claim's part of every
 * line's key (claim_key) is hashed once: hash_words on its whole words, the
 * state kept, then each line's key from there (hash_from).
 */
#define HASH_SEED UINT64_C(0x9e3779b97f4a7c15)

static uint64_t hash_words(uint64_t h, const unsigned char *p, size_t words)
{
    for (; words; p += 8, words--) {
        uint64_t w;
        memcpy(&w, p, 8);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
    }
    return h;
}

/* The hash of key p (n bytes) from state h, the hash_words of its first done whole words. */
static uint64_t hash_from(uint64_t h, size_t done, const unsigned char *p, size_t n)
{
    h = hash_words(h, p + done * 8, n / 8 - done);
    uint64_t w = 0;
    memcpy(&w, p + n / 8 * 8, n % 8);
    h = (h ^ w ^ ((uint64_t)n << 48)) * UINT64_C(0x94d049bb133111eb);
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

/*
 * A line's key (DOMAIN.md 3.7: who, by whom, for whom, when, what, how
 * much) in two parts: the claim's, the same for every line (claim_key), then
 * the line's after it (line_key: k->n is the claim part's length on entry).
 */
static void claim_key(keybuf *k, const rcm_claim *c)
{
    const rcm_party *pt = c->patient.present ? &c->patient : &c->subscriber;
    rcm_date dob = c->patient.present ? c->patient_dob : c->subscriber_dob;
    k->n = 0;
    KEY_STR(k, c->subscriber.id);
    KEY_STR(k, pt->last);
    KEY_STR(k, pt->first);
    key_num(k, dob);
    KEY_STR(k, c->billing.id);
}

static void line_key(keybuf *k, const rcm_claim *c, const rcm_claim_line *l)
{
    rcm_date from = l->from != RCM_DATE_NONE ? l->from : c->statement_from;
    rcm_date to = l->from != RCM_DATE_NONE ? (l->to != RCM_DATE_NONE ? l->to : l->from) : c->statement_to;
    if (to == RCM_DATE_NONE)
        to = from;
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
    free(h->recs);
    free(h->filter);
    free(h);
}

size_t rcm_scrub_history_lines(const rcm_scrub_history *h)
{
    return h ? h->n : 0;
}

/* The slot holding the key, or the empty one where it would go. */
static hist_slot *probe(const rcm_scrub_history *h, hist_slot *slots, size_t cap, uint64_t hash,
                        const unsigned char *key, size_t len)
{
    size_t i = (size_t)hash & (cap - 1);
    for (;;) {
        hist_slot *sl = &slots[i];
        if (!sl->hash || (sl->hash == hash && sl->len == len && memcmp(h->recs[sl->rec].key, key, len) == 0))
            return sl;
        i = (i + 1) & (cap - 1);
    }
}

/* Keys are distinct in the table: moving them needs only an empty slot, never a comparison. */
static int grow(rcm_scrub_history *h)
{
    size_t cap = h->cap ? h->cap * 2 : 1024;
    hist_slot *v = calloc(cap, sizeof(*v));
    uint64_t *filter = calloc(cap / FILTER_SLOTS, sizeof(*filter));
    if (!v || !filter) {
        free(v);
        free(filter);
        return RCM_ENOMEM;
    }
    for (size_t i = 0; i < h->cap; i++) {
        const hist_slot *sl = &h->slots[i];
        if (!sl->hash)
            continue;
        size_t j = (size_t)sl->hash & (cap - 1);
        while (v[j].hash)
            j = (j + 1) & (cap - 1);
        v[j] = *sl;
        filter[filter_word(sl->hash, cap)] |= filter_bits(sl->hash);
    }
    free(h->slots);
    free(h->filter);
    h->slots = v;
    h->filter = filter;
    h->cap = cap;
    return 0;
}

static int grow_recs(rcm_scrub_history *h)
{
    size_t cap = h->rec_cap ? h->rec_cap * 2 : 1024;
    if (cap > UINT32_MAX)
        return RCM_ENOMEM;
    hist_rec *v = realloc(h->recs, cap * sizeof(*v));
    if (!v)
        return RCM_ENOMEM;
    h->recs = v;
    h->rec_cap = cap;
    return 0;
}

int rcm_scrub_history_add(rcm_scrub_history *h, const rcm_claim *c)
{
    keybuf k;
    const char *claim = NULL;
    claim_key(&k, c);
    size_t prefix = k.n;
    uint64_t hp = hash_words(HASH_SEED, k.b, prefix / 8);
    for (uint32_t i = 0; i < c->n_lines; i++) {
        if ((h->n + 1) * 4 > h->cap * 3 && grow(h) < 0)
            return RCM_ENOMEM;
        if (h->n == h->rec_cap && grow_recs(h) < 0)
            return RCM_ENOMEM;
        k.n = prefix;
        line_key(&k, c, &c->lines[i]);
        uint64_t hash = hash_from(hp, prefix / 8, k.b, k.n);
        hist_slot *sl = probe(h, h->slots, h->cap, hash, k.b, k.n);
        if (sl->hash)
            continue;   /* the first claim that had it stays */
        if (!claim && !(claim = arena_strdup(&h->mem, c->id, strlen(c->id))))
            return RCM_ENOMEM;
        unsigned char *key = arena_alloc(&h->mem, k.n);
        if (!key)
            return RCM_ENOMEM;
        memcpy(key, k.b, k.n);
        h->recs[h->n] = (hist_rec){ key, claim };
        h->filter[filter_word(hash, h->cap)] |= filter_bits(hash);
        sl->hash = hash;
        sl->rec = (uint32_t)h->n;
        sl->len = (uint32_t)k.n;
        h->n++;
    }
    return 0;
}

/* Lines hashed, then probed, per step: the hashes stay on the stack. */
#define FIND_STEP 16

void scrub_history_find_lines(const rcm_scrub_history *h, const scrub_claim *sc, uint32_t first, uint32_t n,
                              const char **earlier)
{
    for (uint32_t i = 0; i < n; i++)
        earlier[i] = NULL;
    if (!h || !h->n)
        return;
    const rcm_claim *c = sc->c;
    const size_t mask = h->cap - 1;
    keybuf k;
    claim_key(&k, c);
    size_t prefix = k.n;
    uint64_t hp = hash_words(HASH_SEED, k.b, prefix / 8);
    for (uint32_t base = 0; base < n; base += FIND_STEP) {
        uint32_t m = n - base < FIND_STEP ? n - base : FIND_STEP;
        uint64_t hash[FIND_STEP];
        uint32_t len[FIND_STEP];
        for (uint32_t j = 0; j < m; j++) {
            k.n = prefix;
            line_key(&k, c, sc->lines[first + base + j].l);
            hash[j] = hash_from(hp, prefix / 8, k.b, k.n);
            len[j] = (uint32_t)k.n;
            __builtin_prefetch(&h->filter[filter_word(hash[j], h->cap)]);
        }
        for (uint32_t j = 0; j < m; j++) {
            uint64_t bits = filter_bits(hash[j]);
            if ((h->filter[filter_word(hash[j], h->cap)] & bits) != bits)
                hash[j] = 0;    /* in no slot */
            else
                __builtin_prefetch(&h->slots[(size_t)hash[j] & mask]);
        }
        for (uint32_t j = 0; j < m; j++) {
            if (!hash[j])
                continue;
            int built = 0;  /* k holds line j's key: built again only on a matching hash, which is rare */
            for (size_t i = (size_t)hash[j] & mask;; i = (i + 1) & mask) {
                const hist_slot *sl = &h->slots[i];
                if (!sl->hash)
                    break;
                if (sl->hash != hash[j] || sl->len != len[j])
                    continue;
                if (!built) {
                    k.n = prefix;
                    line_key(&k, c, sc->lines[first + base + j].l);
                    built = 1;
                }
                const hist_rec *r = &h->recs[sl->rec];
                if (memcmp(r->key, k.b, k.n) == 0) {
                    earlier[base + j] = r->claim;
                    break;
                }
            }
        }
    }
}
