/*
 * The compiled edit index: the NCCI tables of a store (PTP, MUE, AOC, every
 * version loaded) in one read-only file beside it, memory-mapped by readers,
 * laid out for the scrubber's lookups.
 *
 * File layout (native byte order, recorded in the header; offsets in bytes):
 *   header        idx_header: magic, format, byte order, sizes, the
 *                 fingerprint of the loads it was built from, checksums
 *   tables        idx_seg[nseg]: one per table version (kind, table, dates)
 *   files         idx_load[nload]: the loads (files) behind the rows
 *   per table     its hash slots (idx_slot[2^log2cap], 64-byte aligned),
 *                 its extra records (PTP rows that do not fit a slot, MUE
 *                 rows likewise, AOC primaries) and, for PTP, its pair
 *                 filter; each 64-byte aligned
 * The header checksum covers header, tables and files and is checked on
 * open; the body checksum covers the rest and is checked by
 * rcm_edits_verify (reading every page would defeat a fast open).
 *
 * Hash tables: open addressing with linear probing over 16-byte slots, at
 * most 3/4 full, keyed by the packed codes (PTP: column 1 << 32 | column 2;
 * MUE and AOC: the code); the slot index is the high bits of key times a
 * 64-bit odd constant. A PTP slot holds its row when the row is the pair's
 * only one and its dates and line fit (the common case: one cache line per
 * lookup); otherwise it points at the pair's rows in the extra records. The
 * longest probe sequence is recorded per table, so a lookup ends after it
 * even in a damaged file.
 *
 * Pair filter: most pairs a scrubber asks about (every ordered pair of a
 * claim's codes) are not edits, and the PTP slots (64 MB at national scale)
 * do not stay in any cache, so each absent pair would cost a trip to memory.
 * A blocked Bloom filter (one 64-byte block per pair, 4 bits set, 16 bits
 * per pair: 4 MB for 2 million pairs, mostly resident in the last-level
 * cache) answers "certainly absent" for about 99.7% of absent pairs.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "edits_internal.h"

/* ---- the format ---- */

#define IDX_MAGIC "RCMEDIX\x1a"
#define IDX_FORMAT 1u
#define IDX_ORDER 0x01020304u
#define IDX_ALIGN 64
#define HASH_MUL UINT64_C(0x9E3779B97F4A7C15)
#define FILTER_MUL UINT64_C(0xD6E8FEB86659FD93)
#define FILTER_BITS_PER_KEY 16

enum { EK_PTP = 0, EK_MUE = 1, EK_AOC = 2, EK_N = 3 };
#define NTABLES 3

typedef struct idx_header {
    char magic[8];
    uint32_t format;
    uint32_t order;
    uint64_t file_size;
    uint64_t meta_size;         /* header + tables + files */
    uint64_t fingerprint;
    uint64_t body_sum;
    uint32_t nseg;
    uint32_t nload;
    uint64_t header_sum;        /* over [0, meta_size) with this field 0 */
    uint8_t reserved[32];
} idx_header;

typedef struct idx_seg {
    uint8_t kind;               /* EK_* */
    uint8_t table;              /* RCM_NCCI_* */
    uint16_t reserved0;
    uint32_t log2cap;           /* slots: 2^log2cap */
    int32_t eff_from, eff_to;   /* RCM_DATE_NONE: open */
    uint32_t first_load, nloads;
    uint32_t maxprobe;          /* slots probed past the home slot, at most */
    uint32_t filter_log2;       /* PTP: the pair filter has 2^filter_log2 blocks; 0: none */
    uint64_t filter_off;
    uint64_t nrows;
    uint64_t slots_off;
    uint64_t extra_off;
    uint64_t nextra;
    char version[32];
} idx_seg;

typedef struct idx_load {
    uint64_t load_id;
    char version[32];
    char source[120];
} idx_load;

typedef struct idx_slot {
    uint64_t key;               /* 0: empty */
    uint32_t a, b;
} idx_slot;

/* PTP slot, one row: a = eff | del << 16 (days since 1970, del 0xFFFF none);
   b = line | load << 24 | modifier code << 28 | pre1996 << 30. Several rows
   (or one that does not fit): b = SLOT_MULTI | count, a = first extra. */
#define SLOT_MULTI 0x80000000u
#define LINE_BITS 24
#define LINE_MASK ((1u << LINE_BITS) - 1)
#define LOAD_MAX_COMPACT 15u
#define DATE16_NONE 0xFFFFu

typedef struct idx_ptp_x {
    int32_t eff, del;
    uint32_t line;
    uint16_t load;
    uint8_t modifier;
    uint8_t pre1996;
} idx_ptp_x;

/* MUE slot: a = value, b = line | load << 24 | mai << 28; or SLOT_MULTI with a = extra index. */
typedef struct idx_mue_x {
    uint32_t value;
    uint32_t line;
    uint16_t load;
    uint8_t mai;
    uint8_t reserved0;
    uint32_t reserved1;
} idx_mue_x;

/* AOC slot: a = first primary, b = count (always in the extra records). */
typedef struct idx_aoc_x {
    uint32_t primary;
    int32_t eff, del;
    uint32_t line;
    uint16_t load;
    uint8_t type;
    uint8_t reserved;
} idx_aoc_x;

_Static_assert(sizeof(idx_header) == 96, "header layout");
_Static_assert(sizeof(idx_seg) == 104, "table layout");
_Static_assert(sizeof(idx_load) == 160, "file layout");
_Static_assert(sizeof(idx_slot) == 16, "slot layout");
_Static_assert(sizeof(idx_ptp_x) == 16, "ptp layout");
_Static_assert(sizeof(idx_mue_x) == 16, "mue layout");
_Static_assert(sizeof(idx_aoc_x) == 20, "aoc layout");

static size_t extra_size(int kind)
{
    return kind == EK_PTP ? sizeof(idx_ptp_x) : kind == EK_MUE ? sizeof(idx_mue_x) : sizeof(idx_aoc_x);
}

/* ---- checksums: 4 lanes of multiply-rotate over 8-byte words, 32-byte blocks ---- */

#define P1 UINT64_C(0x9E3779B185EBCA87)
#define P2 UINT64_C(0xC2B2AE3D27D4EB4F)
#define P3 UINT64_C(0x165667B19E3779F9)

typedef struct sum_state {
    uint64_t v[4];
    uint64_t len;
    unsigned char buf[32];      /* a block not yet complete */
    size_t nbuf;
} sum_state;

static uint64_t rotl(uint64_t x, int r) { return x << r | x >> (64 - r); }

static void sum_init(sum_state *s, uint64_t seed)
{
    s->v[0] = seed + P1;
    s->v[1] = seed ^ P2;
    s->v[2] = seed + P3;
    s->v[3] = seed - P1;
    s->len = 0;
    s->nbuf = 0;
}

static void sum_block(uint64_t v[4], const unsigned char *c)
{
    for (int k = 0; k < 4; k++) {
        uint64_t w;
        memcpy(&w, c + 8 * k, 8);
        v[k] = rotl(v[k] + w * P2, 31) * P1;
    }
}

static void sum_update(sum_state *s, const void *p, size_t n)
{
    const unsigned char *c = p;
    s->len += n;
    if (s->nbuf) {
        size_t k = 32 - s->nbuf < n ? 32 - s->nbuf : n;
        memcpy(s->buf + s->nbuf, c, k);
        s->nbuf += k;
        c += k;
        n -= k;
        if (s->nbuf < 32)
            return;
        sum_block(s->v, s->buf);
        s->nbuf = 0;
    }
    uint64_t v[4] = { s->v[0], s->v[1], s->v[2], s->v[3] };
    for (; n >= 32; c += 32, n -= 32)
        sum_block(v, c);
    memcpy(s->v, v, sizeof(v));
    memcpy(s->buf, c, n);
    s->nbuf = n;
}

static uint64_t sum_final(const sum_state *s0)
{
    sum_state t = *s0, *s = &t;
    if (s->nbuf) {
        memset(s->buf + s->nbuf, 0, 32 - s->nbuf);
        sum_block(s->v, s->buf);
    }
    uint64_t h = rotl(s->v[0], 1) + rotl(s->v[1], 7) + rotl(s->v[2], 12) + rotl(s->v[3], 18);
    h ^= s->len * P3;
    h ^= h >> 33;
    h *= P2;
    h ^= h >> 29;
    h *= P3;
    h ^= h >> 32;
    return h;
}

static uint64_t sum64(const void *p, size_t n, uint64_t seed)
{
    sum_state s;
    sum_init(&s, seed);
    sum_update(&s, p, n);
    return sum_final(&s);
}

static uint64_t header_sum(const unsigned char *meta, size_t meta_size)
{
    sum_state s;
    idx_header h;
    memcpy(&h, meta, sizeof(h));
    h.header_sum = 0;
    sum_init(&s, IDX_FORMAT);
    sum_update(&s, &h, sizeof(h));
    sum_update(&s, meta + sizeof(h), meta_size - sizeof(h));
    return sum_final(&s);
}

/* ---- which loads ---- */

typedef struct bload {
    long id;
    int kind, table;
    char version[32];
    char base[32];
    char source[120];
    char sha[65];
    rcm_date eff_from;
} bload;

static int kind_of(const char *k, int *kind, int *table)
{
    static const struct { const char *name; int kind, table; } m[] = {
        { EDITS_KIND_PTP, EK_PTP, RCM_NCCI_PRACTITIONER }, { EDITS_KIND_PTP_HOSP, EK_PTP, RCM_NCCI_HOSPITAL },
        { EDITS_KIND_MUE, EK_MUE, RCM_NCCI_PRACTITIONER }, { EDITS_KIND_MUE_HOSP, EK_MUE, RCM_NCCI_HOSPITAL },
        { EDITS_KIND_MUE_DME, EK_MUE, RCM_NCCI_DME },      { EDITS_KIND_AOC, EK_AOC, RCM_NCCI_PRACTITIONER },
    };
    for (size_t i = 0; i < ARRAY_SIZE(m); i++)
        if (strcmp(k, m[i].name) == 0) {
            *kind = m[i].kind;
            *table = m[i].table;
            return 1;
        }
    return 0;
}

static void text_col(char *out, size_t outsz, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    snprintf(out, outsz, "%s", t ? (const char *)t : "");
}

/* Every load of the edit kinds not replaced, by id; *out freed by the caller. */
static int list_loads(bload **out, size_t *n, uint64_t *fingerprint, rcm_store *st, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT load_id, kind, version, source, sha256, eff_from FROM refdata_load"
                              " WHERE replaced_by IS NULL AND kind IN ('" EDITS_KIND_PTP "', '"
                              EDITS_KIND_PTP_HOSP "', '" EDITS_KIND_MUE "', '" EDITS_KIND_MUE_HOSP "', '"
                              EDITS_KIND_MUE_DME "', '" EDITS_KIND_AOC "') ORDER BY load_id", err) < 0)
        return RCM_EIO;
    size_t cap = 0;
    bload *v = NULL;
    sum_state fs;
    sum_init(&fs, IDX_FORMAT);
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            bload *q = realloc(v, cap * sizeof(*v));
            if (!q) {
                free(v);
                sqlite3_finalize(s);
                return rcm_error_set(err, RCM_ENOMEM, "out of memory listing the edit tables");
            }
            v = q;
        }
        bload *l = &v[*n];
        memset(l, 0, sizeof(*l));
        char kind[RCM_REFDATA_KIND_MAX];
        l->id = (long)sqlite3_column_int64(s, 0);
        text_col(kind, sizeof(kind), s, 1);
        text_col(l->version, sizeof(l->version), s, 2);
        text_col(l->source, sizeof(l->source), s, 3);
        text_col(l->sha, sizeof(l->sha), s, 4);
        l->eff_from = store_column_date(s, 5);
        if (!kind_of(kind, &l->kind, &l->table))
            continue;
        edits_base_version(l->base, sizeof(l->base), l->version);
        /* the fingerprint: what the loads are, not where they are in memory */
        char line[400];
        int len = snprintf(line, sizeof(line), "%ld|%s|%s|%s|%ld\n", l->id, kind, l->version, l->sha,
                           (long)l->eff_from);
        uint64_t h = sum64(line, (size_t)len, 0);
        uint64_t blk[4] = { h, (uint64_t)l->id, 0, 0 };
        sum_update(&fs, blk, sizeof(blk));
        (*n)++;
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE) {
        free(v);
        *n = 0;
        return store_sqlerr(st, err, "store: listing the edit tables");
    }
    *out = v;
    *fingerprint = sum_final(&fs);
    return 0;
}

static int cmp_date(rcm_date a, rcm_date b) { return (a > b) - (a < b); }

/* By kind, table, start; within one start the greatest version first, then by id. */
static int bload_cmp(const void *x, const void *y)
{
    const bload *a = x, *b = y;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    if (a->table != b->table)
        return a->table - b->table;
    int c = cmp_date(a->eff_from, b->eff_from);
    if (c)
        return c;
    c = strcmp(b->base, a->base);
    if (c)
        return c;
    return (a->id > b->id) - (a->id < b->id);
}

/* ---- output: a file or memory ---- */

typedef struct sink {
    int fd;                     /* -1: memory */
    unsigned char *mem;
    size_t cap;
    uint64_t pos;
    sum_state body;
    int failed_write;           /* the file could not be written (not a store problem) */
} sink;

static int sink_write(sink *o, const void *p, size_t n, int body, rcm_error *err)
{
    if (body)
        sum_update(&o->body, p, n);
    if (o->fd >= 0) {
        const unsigned char *c = p;
        size_t left = n;
        while (left) {
            ssize_t w = write(o->fd, c, left);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0) {
                o->failed_write = 1;
                return rcm_error_set(err, RCM_EIO, "writing the edit index: %s", strerror(errno));
            }
            c += w;
            left -= (size_t)w;
        }
    } else {
        if (o->pos + n > o->cap) {
            size_t cap = o->cap ? o->cap : 1 << 20;
            while (cap < o->pos + n)
                cap *= 2;
            unsigned char *q = realloc(o->mem, cap);
            if (!q)
                return rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
            o->mem = q;
            o->cap = cap;
        }
        memcpy(o->mem + o->pos, p, n);
    }
    o->pos += n;
    return 0;
}

/* Zero bytes up to the next multiple of IDX_ALIGN. */
static int sink_pad(sink *o, int body, rcm_error *err)
{
    static const unsigned char zero[IDX_ALIGN];
    size_t n = (size_t)(-o->pos & (IDX_ALIGN - 1));
    return n ? sink_write(o, zero, n, body, err) : 0;
}

/* ---- building one table version ---- */

typedef struct prow {
    uint64_t key;
    int32_t eff, del;
    uint32_t line;
    uint16_t load;
    uint8_t a, b;               /* PTP: modifier, pre1996; MUE: mai; AOC: type */
    uint32_t primary;           /* AOC: the primary code (part of the order) */
    uint32_t value;             /* MUE: the value */
} prow;

static int prow_cmp(const void *x, const void *y)
{
    const prow *a = x, *b = y;
    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    if (a->primary != b->primary)
        return a->primary < b->primary ? -1 : 1;
    if (a->eff != b->eff)
        return a->eff < b->eff ? -1 : 1;
    if (a->load != b->load)
        return a->load < b->load ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

typedef struct rows {
    prow *v;
    size_t n, cap;
} rows;

static int rows_add(rows *r, const prow *p, rcm_error *err)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 4096;
        prow *q = realloc(r->v, cap * sizeof(*q));
        if (!q)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
        r->v = q;
        r->cap = cap;
    }
    r->v[r->n++] = *p;
    return 0;
}

static int pack_col(rcm_proc *out, sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return RCM_EFORMAT;
    return rcm_proc_pack(out, rcm_str_c((const char *)t));
}

/* Reads the rows of one load into r (load: its number within the table version). */
static int read_load(rows *r, rcm_store *st, int kind, long load_id, uint16_t load, rcm_error *err)
{
    static const char *const sql[EK_N] = {
        "SELECT col1, col2, eff_date, del_date, line, modifier, pre1996 FROM ncci_ptp WHERE load_id = ?",
        "SELECT code, NULL, NULL, NULL, line, mai, mue FROM ncci_mue WHERE load_id = ?",
        "SELECT addon, primary_code, eff_date, del_date, line, edit_type FROM ncci_aoc WHERE load_id = ?",
    };
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, sql[kind], err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, load_id);
    int rc = 0, q;
    while ((q = sqlite3_step(s)) == SQLITE_ROW) {
        prow p;
        memset(&p, 0, sizeof(p));
        rcm_proc c1 = 0, c2 = 0;
        if (pack_col(&c1, s, 0) < 0 || (kind == EK_PTP && pack_col(&c2, s, 1) < 0)) {
            rc = rcm_error_set(err, RCM_EFORMAT, "store: load %ld line %lld: a code is not 5 letters or digits",
                               load_id, (long long)sqlite3_column_int64(s, 4));
            break;
        }
        if (kind == EK_AOC && sqlite3_column_type(s, 1) != SQLITE_NULL && pack_col(&c2, s, 1) < 0) {
            rc = rcm_error_set(err, RCM_EFORMAT, "store: load %ld line %lld: a code is not 5 letters or digits",
                               load_id, (long long)sqlite3_column_int64(s, 4));
            break;
        }
        p.key = kind == EK_PTP ? (uint64_t)c1 << 32 | c2 : c1;
        p.eff = kind == EK_MUE ? 0 : (int32_t)sqlite3_column_int64(s, 2);
        p.del = kind == EK_MUE ? RCM_DATE_NONE : store_column_date(s, 3);
        sqlite3_int64 line = sqlite3_column_int64(s, 4);
        p.line = line < 0 || line > UINT32_MAX ? 0 : (uint32_t)line;
        p.load = load;
        p.a = (uint8_t)sqlite3_column_int(s, 5);
        if (kind == EK_PTP)
            p.b = (uint8_t)sqlite3_column_int(s, 6);
        else if (kind == EK_MUE) {
            sqlite3_int64 v = sqlite3_column_int64(s, 6);
            p.value = v < 0 || v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
        } else
            p.primary = c2;
        if ((rc = rows_add(r, &p, err)) < 0)
            break;
    }
    if (rc == 0 && q != SQLITE_DONE)
        rc = store_sqlerr(st, err, "store: reading an edit table");
    sqlite3_finalize(s);
    return rc;
}

static uint32_t mod_code(int m) { return m == 9 ? 2u : m == 1 ? 1u : 0u; }
static int mod_of_code(uint32_t c) { return c == 2 ? 9 : c == 1 ? 1 : 0; }

static int fits16(int32_t d) { return d >= 0 && d < (int32_t)DATE16_NONE; }

/* The filter block of key (64 bytes: 8 words) and its 4 bits, 9 bits of position each. */
static inline uint64_t filter_block(uint64_t key, unsigned log2) { return (key * FILTER_MUL) >> (64 - log2); }
static inline uint64_t filter_bits(uint64_t key)
{
    uint64_t g = key ^ key >> 31;
    g *= HASH_MUL;
    return g ^ g >> 29;
}

static void filter_add(uint64_t *f, unsigned log2, uint64_t key)
{
    uint64_t *b = f + filter_block(key, log2) * 8, g = filter_bits(key);
    for (int k = 0; k < 4; k++, g >>= 9)
        b[(g >> 6) & 7] |= (uint64_t)1 << (g & 63);
}

static inline int filter_may_have(const uint64_t *f, unsigned log2, uint64_t key)
{
    const uint64_t *b = f + filter_block(key, log2) * 8;
    uint64_t g = filter_bits(key);
    int ok = 1;
    for (int k = 0; k < 4; k++, g >>= 9)
        ok &= (int)(b[(g >> 6) & 7] >> (g & 63)) & 1;
    return ok;
}

/* Places key in the table; returns its slot. */
static idx_slot *place(idx_slot *t, unsigned log2cap, uint64_t key, uint32_t *maxprobe)
{
    uint64_t mask = ((uint64_t)1 << log2cap) - 1;
    uint64_t i = (key * HASH_MUL) >> (64 - log2cap);
    uint32_t p = 0;
    while (t[i].key) {
        i = (i + 1) & mask;
        p++;
    }
    if (p > *maxprobe)
        *maxprobe = p;
    t[i].key = key;
    return &t[i];
}

/*
 * Builds one table version's slots and extra records from its sorted rows
 * and writes them; fills the offsets and counts of seg.
 */
static int emit_table(sink *o, idx_seg *seg, rows *r, rcm_error *err)
{
    int kind = seg->kind;
    if (r->n > 1)
        qsort(r->v, r->n, sizeof(prow), prow_cmp);
    size_t uniq = 0;
    for (size_t i = 0; i < r->n; i++)
        if (i == 0 || r->v[i].key != r->v[i - 1].key)
            uniq++;
    unsigned log2cap = 4;
    while (((uint64_t)1 << log2cap) * 3 / 4 < uniq)
        log2cap++;
    if (log2cap > 32 || r->n > UINT32_MAX / 2)
        return rcm_error_set(err, RCM_ELIMIT, "edit table %s has too many rows for the index", seg->version);
    size_t cap = (size_t)1 << log2cap;
    idx_slot *t = calloc(cap, sizeof(idx_slot));
    size_t xsz = extra_size(kind);
    unsigned char *x = r->n ? malloc(r->n * xsz) : NULL;
    if (!t || (r->n && !x)) {
        free(t);
        free(x);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
    }
    size_t nx = 0;
    uint32_t maxprobe = 0;
    uint64_t nrows = 0;
    for (size_t i = 0; i < r->n;) {
        size_t j = i + 1;
        while (j < r->n && r->v[j].key == r->v[i].key)
            j++;
        idx_slot *sl = place(t, log2cap, r->v[i].key, &maxprobe);
        const prow *p = &r->v[i];
        if (kind == EK_PTP) {
            int compact = j - i == 1 && p->line <= LINE_MASK && p->load <= LOAD_MAX_COMPACT && fits16(p->eff) &&
                          (p->del == RCM_DATE_NONE || fits16(p->del));
            if (compact) {
                sl->a = (uint32_t)p->eff | (p->del == RCM_DATE_NONE ? DATE16_NONE : (uint32_t)p->del) << 16;
                sl->b = p->line | (uint32_t)p->load << LINE_BITS | mod_code(p->a) << 28 | (uint32_t)(p->b & 1)
                        << 30;
            } else {
                sl->a = (uint32_t)nx;
                sl->b = SLOT_MULTI | (uint32_t)(j - i);
                for (size_t k = i; k < j; k++) {
                    idx_ptp_x e = { r->v[k].eff, r->v[k].del, r->v[k].line, r->v[k].load, r->v[k].a, r->v[k].b };
                    memcpy(x + nx++ * xsz, &e, sizeof(e));
                }
            }
            nrows += j - i;
        } else if (kind == EK_MUE) { /* a code twice across the files of one version: the first file wins */
            if (p->line <= LINE_MASK && p->load <= LOAD_MAX_COMPACT) {
                sl->a = p->value;
                sl->b = p->line | (uint32_t)p->load << LINE_BITS | (uint32_t)(p->a & 3) << 28;
            } else {
                idx_mue_x e = { p->value, p->line, p->load, p->a, 0, 0 };
                sl->a = (uint32_t)nx;
                sl->b = SLOT_MULTI | 1u;
                memcpy(x + nx++ * xsz, &e, sizeof(e));
            }
            nrows++;
        } else {
            sl->a = (uint32_t)nx;
            sl->b = (uint32_t)(j - i);
            for (size_t k = i; k < j; k++) {
                idx_aoc_x e = { r->v[k].primary, r->v[k].eff, r->v[k].del, r->v[k].line, r->v[k].load, r->v[k].a, 0 };
                memcpy(x + nx++ * xsz, &e, sizeof(e));
            }
            nrows += j - i;
        }
        i = j;
    }
    seg->log2cap = log2cap;
    seg->maxprobe = maxprobe;
    seg->nrows = nrows;
    seg->nextra = nx;
    uint64_t *filter = NULL;
    size_t filter_bytes = 0;
    if (kind == EK_PTP && uniq) {
        unsigned fl = 1;
        while (((uint64_t)512 << fl) < (uint64_t)uniq * FILTER_BITS_PER_KEY)
            fl++;
        filter_bytes = (size_t)64 << fl;
        if (!(filter = calloc(1, filter_bytes))) {
            free(t);
            free(x);
            return rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
        }
        for (size_t i = 0; i < r->n; i++)
            if (i == 0 || r->v[i].key != r->v[i - 1].key)
                filter_add(filter, fl, r->v[i].key);
        seg->filter_log2 = fl;
    }
    int rc = sink_pad(o, 1, err);
    if (rc == 0) {
        seg->slots_off = o->pos;
        rc = sink_write(o, t, cap * sizeof(idx_slot), 1, err);
    }
    if (rc == 0)
        rc = sink_pad(o, 1, err);
    if (rc == 0) {
        seg->extra_off = o->pos;
        rc = nx ? sink_write(o, x, nx * xsz, 1, err) : 0;
    }
    if (rc == 0)
        rc = sink_pad(o, 1, err);
    if (rc == 0 && filter) {
        seg->filter_off = o->pos;
        rc = sink_write(o, filter, filter_bytes, 1, err);
    }
    free(filter);
    free(t);
    free(x);
    return rc;
}

/*
 * Builds the whole index into o. The meta part (header, tables, files) is
 * written first as zeros and filled in at the end: *meta and *meta_size
 * receive it for the caller to write at offset 0.
 */
static int build(sink *o, rcm_store *st, unsigned char **meta_out, size_t *meta_size_out, rcm_error *err)
{
    bload *loads = NULL;
    size_t nl = 0;
    uint64_t fp = 0;
    int rc = list_loads(&loads, &nl, &fp, st, err);
    if (rc < 0)
        return rc;
    if (nl > 1)
        qsort(loads, nl, sizeof(*loads), bload_cmp);
    /* table versions: same kind, table and start; only the greatest version label of a start */
    idx_seg *segs = calloc(nl ? nl : 1, sizeof(idx_seg));
    idx_load *files = calloc(nl ? nl : 1, sizeof(idx_load));
    uint32_t nseg = 0, nfile = 0;
    if (!segs || !files) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
        goto done;
    }
    for (size_t i = 0; i < nl;) {
        size_t j = i + 1;
        while (j < nl && loads[j].kind == loads[i].kind && loads[j].table == loads[i].table &&
               loads[j].eff_from == loads[i].eff_from)
            j++;
        idx_seg *sg = &segs[nseg++];
        sg->kind = (uint8_t)loads[i].kind;
        sg->table = (uint8_t)loads[i].table;
        sg->eff_from = loads[i].eff_from;
        sg->eff_to = RCM_DATE_NONE;
        snprintf(sg->version, sizeof(sg->version), "%s", loads[i].base);
        sg->first_load = nfile;
        for (size_t k = i; k < j && strcmp(loads[k].base, loads[i].base) == 0; k++) {
            idx_load *f = &files[nfile++];
            f->load_id = (uint64_t)loads[k].id;
            snprintf(f->version, sizeof(f->version), "%s", loads[k].version);
            snprintf(f->source, sizeof(f->source), "%s", loads[k].source);
            sg->nloads++;
        }
        i = j;
    }
    /* each version ends the day before the next one of its table starts */
    for (uint32_t i = 0; i + 1 < nseg; i++)
        if (segs[i + 1].kind == segs[i].kind && segs[i + 1].table == segs[i].table &&
            segs[i + 1].eff_from != RCM_DATE_NONE)
            segs[i].eff_to = segs[i + 1].eff_from - 1;

    size_t meta_size = sizeof(idx_header) + nseg * sizeof(idx_seg) + nfile * sizeof(idx_load);
    meta_size = (meta_size + IDX_ALIGN - 1) & ~(size_t)(IDX_ALIGN - 1);
    unsigned char *meta = calloc(1, meta_size);
    if (!meta) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory building the edit index");
        goto done;
    }
    sum_init(&o->body, IDX_FORMAT);
    if ((rc = sink_write(o, meta, meta_size, 0, err)) < 0) {
        free(meta);
        goto done;
    }
    for (uint32_t i = 0; i < nseg && rc == 0; i++) {
        rows r = { NULL, 0, 0 };
        for (uint32_t k = 0; k < segs[i].nloads && rc == 0; k++)
            rc = read_load(&r, st, segs[i].kind, (long)files[segs[i].first_load + k].load_id, (uint16_t)k, err);
        if (rc == 0)
            rc = emit_table(o, &segs[i], &r, err);
        free(r.v);
    }
    if (rc < 0) {
        free(meta);
        goto done;
    }
    idx_header h;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, IDX_MAGIC, 8);
    h.format = IDX_FORMAT;
    h.order = IDX_ORDER;
    h.file_size = o->pos;
    h.meta_size = meta_size;
    h.fingerprint = fp;
    h.body_sum = sum_final(&o->body);
    h.nseg = nseg;
    h.nload = nfile;
    memcpy(meta, &h, sizeof(h));
    memcpy(meta + sizeof(h), segs, nseg * sizeof(idx_seg));
    memcpy(meta + sizeof(h) + nseg * sizeof(idx_seg), files, nfile * sizeof(idx_load));
    h.header_sum = header_sum(meta, meta_size);
    memcpy(meta, &h, sizeof(h));
    *meta_out = meta;
    *meta_size_out = meta_size;
done:
    free(segs);
    free(files);
    free(loads);
    return rc;
}

/* Builds into path (via a temporary file renamed over it). *write_failed: the file side failed. */
static int build_file(rcm_store *st, const char *path, int *write_failed, rcm_error *err)
{
    *write_failed = 0;
    rcm_buf tmp;
    rcm_buf_init(&tmp, 4096);
    rcm_buf_addf(&tmp, "%s.tmpXXXXXX", path);
    if (rcm_buf_failed(&tmp)) {
        rcm_buf_release(&tmp);
        return rcm_error_set(err, RCM_ENOMEM, "index path too long");
    }
    int fd = mkstemp(tmp.ptr);
    if (fd < 0) {
        *write_failed = 1;
        int rc = rcm_error_set(err, RCM_EIO, "cannot create the edit index '%s': %s", path, strerror(errno));
        rcm_buf_release(&tmp);
        return rc;
    }
    sink o;
    memset(&o, 0, sizeof(o));
    o.fd = fd;
    unsigned char *meta = NULL;
    size_t meta_size = 0;
    int rc = build(&o, st, &meta, &meta_size, err);
    if (rc == 0) {
        ssize_t w;
        do
            w = pwrite(fd, meta, meta_size, 0);
        while (w < 0 && errno == EINTR);
        if (w != (ssize_t)meta_size || fdatasync(fd) < 0) {
            o.failed_write = 1;
            rc = rcm_error_set(err, RCM_EIO, "writing the edit index '%s': %s", path, strerror(errno));
        }
    }
    free(meta);
    if (close(fd) < 0 && rc == 0) {
        o.failed_write = 1;
        rc = rcm_error_set(err, RCM_EIO, "writing the edit index '%s': %s", path, strerror(errno));
    }
    if (rc == 0 && rename(tmp.ptr, path) < 0) {
        o.failed_write = 1;
        rc = rcm_error_set(err, RCM_EIO, "cannot replace the edit index '%s': %s", path, strerror(errno));
    }
    if (rc < 0)
        unlink(tmp.ptr);
    *write_failed = o.failed_write;
    rcm_buf_release(&tmp);
    return rc;
}

int rcm_edits_build(rcm_store *st, const char *path, rcm_error *err)
{
    int wf;
    return build_file(st, path, &wf, err);
}

/* ---- opening ---- */

struct rcm_edits {
    const unsigned char *base;
    size_t size;
    int mapped;                 /* munmap, else free */
    const idx_header *h;
    const idx_seg *seg;
    const idx_load *load;
    uint32_t *order;            /* table versions by kind, table, start */
    struct { uint32_t first, n; } sel[EK_N][NTABLES];
};

static int corrupt(rcm_error *err, const char *path, const char *what)
{
    return rcm_error_set(err, RCM_EFORMAT, "edit index '%s': %s: rebuild it (rcm refdata import does)",
                         path ? path : "(memory)", what);
}

static int has_nul(const char *s, size_t n) { return memchr(s, '\0', n) != NULL; }

/* Table versions in lookup order: kind, table, start. */
static int seg_cmp(const idx_seg *a, const idx_seg *b)
{
    if (a->kind != b->kind)
        return a->kind - b->kind;
    if (a->table != b->table)
        return a->table - b->table;
    return cmp_date(a->eff_from, b->eff_from);
}

/* Checks the header and every table's bounds; fills e's pointers. */
static int validate(rcm_edits *e, const char *path, rcm_error *err)
{
    if (e->size < sizeof(idx_header))
        return corrupt(err, path, "truncated (shorter than its header)");
    const idx_header *h = (const idx_header *)e->base;
    if (memcmp(h->magic, IDX_MAGIC, 8) != 0)
        return corrupt(err, path, "not an rcm edit index");
    if (h->order != IDX_ORDER)
        return corrupt(err, path, "written on a machine of the other byte order");
    if (h->format != IDX_FORMAT)
        return corrupt(err, path, "written by another version of rcm");
    if (h->file_size != e->size)
        return corrupt(err, path, h->file_size > e->size ? "truncated" : "longer than its header says");
    if (h->nseg > 65536 || h->nload > 65536)
        return corrupt(err, path, "damaged header");
    uint64_t meta = sizeof(idx_header) + (uint64_t)h->nseg * sizeof(idx_seg) + (uint64_t)h->nload * sizeof(idx_load);
    if (h->meta_size < meta || h->meta_size > e->size || h->meta_size % IDX_ALIGN)
        return corrupt(err, path, "damaged header");
    if (header_sum(e->base, (size_t)h->meta_size) != h->header_sum)
        return corrupt(err, path, "header checksum mismatch");
    e->h = h;
    e->seg = (const idx_seg *)(e->base + sizeof(idx_header));
    e->load = (const idx_load *)(e->base + sizeof(idx_header) + h->nseg * sizeof(idx_seg));
    for (uint32_t i = 0; i < h->nload; i++)
        if (!has_nul(e->load[i].version, sizeof(e->load[i].version)) ||
            !has_nul(e->load[i].source, sizeof(e->load[i].source)))
            return corrupt(err, path, "damaged file list");
    for (uint32_t i = 0; i < h->nseg; i++) {
        const idx_seg *s = &e->seg[i];
        if (s->kind >= EK_N || s->table >= NTABLES || s->log2cap < 4 || s->log2cap > 32 ||
            !has_nul(s->version, sizeof(s->version)) || (uint64_t)s->first_load + s->nloads > h->nload)
            return corrupt(err, path, "damaged table list");
        uint64_t cap = (uint64_t)1 << s->log2cap;
        if (s->maxprobe >= cap || s->slots_off % IDX_ALIGN || s->slots_off < h->meta_size ||
            s->slots_off > e->size || cap * sizeof(idx_slot) > e->size - s->slots_off)
            return corrupt(err, path, "a table lies outside the file");
        uint64_t xs = extra_size(s->kind);
        if (s->extra_off % 4 || s->extra_off < h->meta_size || s->extra_off > e->size ||
            s->nextra > (e->size - s->extra_off) / xs)
            return corrupt(err, path, "a table lies outside the file");
        if (s->filter_log2 && (s->kind != EK_PTP || s->filter_log2 > 32 || s->filter_off % IDX_ALIGN ||
                               s->filter_off < h->meta_size || s->filter_off > e->size ||
                               ((uint64_t)64 << s->filter_log2) > e->size - s->filter_off))
            return corrupt(err, path, "a table lies outside the file");
    }
    e->order = malloc((h->nseg ? h->nseg : 1) * sizeof(uint32_t));
    if (!e->order)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory opening the edit index");
    for (uint32_t i = 0; i < h->nseg; i++)
        e->order[i] = i;
    /* a handful of entries: an insertion sort (qsort would need the table list in a global) */
    for (uint32_t i = 1; i < h->nseg; i++) {
        uint32_t v = e->order[i], j = i;
        while (j > 0 && seg_cmp(&e->seg[e->order[j - 1]], &e->seg[v]) > 0) {
            e->order[j] = e->order[j - 1];
            j--;
        }
        e->order[j] = v;
    }
    for (uint32_t i = 0; i < h->nseg; i++) {
        const idx_seg *s = &e->seg[e->order[i]];
        if (e->sel[s->kind][s->table].n == 0)
            e->sel[s->kind][s->table].first = i;
        e->sel[s->kind][s->table].n++;
    }
    return 0;
}

static int open_mem(rcm_edits **out, unsigned char *mem, size_t size, int mapped, const char *path,
                    rcm_error *err)
{
    rcm_edits *e = calloc(1, sizeof(*e));
    if (!e) {
        if (mapped)
            munmap(mem, size);
        else
            free(mem);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory opening the edit index");
    }
    e->base = mem;
    e->size = size;
    e->mapped = mapped;
    int rc = validate(e, path, err);
    if (rc < 0) {
        rcm_edits_close(e);
        return rc;
    }
    *out = e;
    return 0;
}

int rcm_edits_open(rcm_edits **out, const char *path, rcm_error *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return rcm_error_set(err, errno == ENOENT ? RCM_ENOTFOUND : RCM_EIO, "edit index '%s': %s", path,
                             strerror(errno));
    struct stat sb;
    if (fstat(fd, &sb) < 0) {
        int rc = rcm_error_set(err, RCM_EIO, "edit index '%s': %s", path, strerror(errno));
        close(fd);
        return rc;
    }
    if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)sizeof(idx_header)) {
        close(fd);
        return corrupt(err, path, S_ISREG(sb.st_mode) ? "truncated (shorter than its header)" : "not a file");
    }
    size_t size = (size_t)sb.st_size;
    void *m = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return rcm_error_set(err, RCM_EIO, "edit index '%s': cannot map: %s", path, strerror(errno));
    return open_mem(out, m, size, 1, path, err);
}

void rcm_edits_close(rcm_edits *e)
{
    if (!e)
        return;
    if (e->base) {
        if (e->mapped)
            munmap((void *)e->base, e->size);
        else
            free((void *)e->base);
    }
    free(e->order);
    free(e);
}

int rcm_edits_verify(const rcm_edits *e, rcm_error *err)
{
    sum_state s;
    sum_init(&s, IDX_FORMAT);
    const unsigned char *p = e->base + e->h->meta_size;
    size_t n = e->size - (size_t)e->h->meta_size;
    sum_update(&s, p, n);
    if (sum_final(&s) != e->h->body_sum)
        return corrupt(err, NULL, "body checksum mismatch");
    return 0;
}

uint64_t rcm_edits_fingerprint(const rcm_edits *e) { return e->h->fingerprint; }

static const char *kind_name(int k) { return k == EK_PTP ? "ptp" : k == EK_MUE ? "mue" : "aoc"; }

size_t rcm_edits_tables(const rcm_edits *e, rcm_edits_table *out, size_t max)
{
    size_t n = e->h->nseg;
    for (size_t i = 0; i < n && i < max; i++) {
        const idx_seg *s = &e->seg[e->order[i]];
        out[i].kind = kind_name(s->kind);
        out[i].table = s->table;
        out[i].version = s->version;
        out[i].eff_from = s->eff_from;
        out[i].eff_to = s->eff_to;
        out[i].rows = (long)s->nrows;
        out[i].files = (int)s->nloads;
    }
    return n;
}

/* ---- for a store ---- */

static int index_path(rcm_buf *b, rcm_store *st)
{
    const char *p = rcm_store_path(st);
    if (!p || !*p || strcmp(p, ":memory:") == 0)
        return 0;
    rcm_buf_addf(b, "%s" RCM_EDITS_SUFFIX, p);
    return !rcm_buf_failed(b);
}

static int build_memory(rcm_edits **out, rcm_store *st, rcm_error *err)
{
    sink o;
    memset(&o, 0, sizeof(o));
    o.fd = -1;
    unsigned char *meta = NULL;
    size_t meta_size = 0;
    int rc = build(&o, st, &meta, &meta_size, err);
    if (rc < 0) {
        free(o.mem);
        return rc;
    }
    memcpy(o.mem, meta, meta_size);
    free(meta);
    return open_mem(out, o.mem, (size_t)o.pos, 0, NULL, err);
}

/* Opens the index beside the store when it is current; *out NULL when it is not. */
static int open_current(rcm_edits **out, const char *path, uint64_t fp)
{
    rcm_edits *e = NULL;
    *out = NULL;
    if (rcm_edits_open(&e, path, NULL) < 0)
        return 0;
    if (e->h->fingerprint != fp) {
        rcm_edits_close(e);
        return 0;
    }
    *out = e;
    return 1;
}

/* The fingerprint of the store's edit loads, and how many there are. */
static int store_fingerprint(uint64_t *fp, size_t *nloads, rcm_store *st, rcm_error *err)
{
    bload *l = NULL;
    int rc = list_loads(&l, nloads, fp, st, err);
    free(l);
    return rc;
}

int rcm_edits_open_store(rcm_edits **out, rcm_store *st, int *rebuilt, rcm_error *err)
{
    *out = NULL;
    if (rebuilt)
        *rebuilt = 0;
    uint64_t fp;
    size_t nloads;
    int rc = store_fingerprint(&fp, &nloads, st, err);
    if (rc < 0)
        return rc;
    rcm_buf path;
    rcm_buf_init(&path, 4096);
    if (!index_path(&path, st)) {
        rcm_buf_release(&path);
        if (rebuilt)
            *rebuilt = 1;
        return build_memory(out, st, err);
    }
    if (!open_current(out, path.ptr, fp)) {
        if (rebuilt)
            *rebuilt = 1;
        int wf = 0;
        rc = build_file(st, path.ptr, &wf, err);
        if (rc == 0)
            rc = rcm_edits_open(out, path.ptr, err);
        else if (wf) /* a read-only folder: the index lives in memory for this process */
            rc = build_memory(out, st, err);
    }
    rcm_buf_release(&path);
    return rc;
}

int rcm_edits_refresh(rcm_store *st, int *rebuilt, rcm_error *err)
{
    if (rebuilt)
        *rebuilt = 0;
    uint64_t fp;
    size_t nloads;
    int rc = store_fingerprint(&fp, &nloads, st, err);
    if (rc < 0)
        return rc;
    rcm_buf path;
    rcm_buf_init(&path, 4096);
    if (!index_path(&path, st)) {
        rcm_buf_release(&path);
        return 0;
    }
    rcm_edits *e = NULL;
    struct stat sb;
    if (nloads == 0 && stat(path.ptr, &sb) < 0 && errno == ENOENT) {
        /* no edit tables and no index: nothing to keep in step (a reader builds an empty one) */
    } else if (open_current(&e, path.ptr, fp)) {
        rcm_edits_close(e);
    } else {
        int wf;
        rc = build_file(st, path.ptr, &wf, err);
        if (rc == 0 && rebuilt)
            *rebuilt = 1;
    }
    rcm_buf_release(&path);
    return rc;
}

/* ---- lookups: no allocation, no I/O, no writes ---- */

/* The version of (kind, table) in force on dos, or the earliest; NULL when none. */
static inline const idx_seg *pick(const rcm_edits *e, int kind, int table, rcm_date dos)
{
    if ((unsigned)table >= NTABLES)
        return NULL;
    uint32_t n = e->sel[kind][table].n;
    if (n == 0)
        return NULL;
    const uint32_t *o = e->order + e->sel[kind][table].first;
    if (n == 1 || dos == RCM_DATE_NONE)
        return &e->seg[o[n - 1]];
    for (uint32_t i = n; i-- > 0;) {
        int32_t f = e->seg[o[i]].eff_from;
        if (f == RCM_DATE_NONE || f <= dos)
            return &e->seg[o[i]];
    }
    return &e->seg[o[0]];
}

static inline const idx_slot *probe(const rcm_edits *e, const idx_seg *s, uint64_t key)
{
    const idx_slot *t = (const idx_slot *)(e->base + s->slots_off);
    uint64_t mask = ((uint64_t)1 << s->log2cap) - 1;
    uint64_t i = (key * HASH_MUL) >> (64 - s->log2cap);
    for (uint32_t p = 0; p <= s->maxprobe; p++) {
        const idx_slot *x = &t[i];
        if (x->key == key)
            return x;
        if (x->key == 0)
            return NULL;
        i = (i + 1) & mask;
    }
    return NULL;
}

static const idx_load *file_of(const rcm_edits *e, const idx_seg *s, uint32_t rel)
{
    return rel < s->nloads ? &e->load[s->first_load + rel] : NULL;
}

static void ptp_fill(rcm_ptp_row *out, const rcm_edits *e, const idx_seg *s, uint64_t key, int32_t eff,
                     int32_t del, uint32_t line, uint32_t load, int modifier, int pre)
{
    const idx_load *f = file_of(e, s, load);
    out->col1 = (rcm_proc)(key >> 32);
    out->col2 = (rcm_proc)(key & 0xFFFFFFFFu);
    out->eff = eff;
    out->del = del;
    out->modifier = modifier;
    out->pre1996 = pre;
    out->table = s->table;
    out->version = s->version;
    out->source = f ? f->source : "";
    out->load_id = f ? (long)f->load_id : 0;
    out->line = (long)line;
}

static inline int active(int32_t eff, int32_t del, int modifier, rcm_date dos)
{
    if (modifier == 9)
        return 0;
    if (dos == RCM_DATE_NONE)
        return del == RCM_DATE_NONE;
    return eff <= dos && (del == RCM_DATE_NONE || dos < del);
}

int rcm_ptp_in_force(const rcm_ptp_row *r, rcm_date dos) { return active(r->eff, r->del, r->modifier, dos); }

/* The extra records of a multi slot, or NULL when they lie outside the table. */
static const unsigned char *extras(const rcm_edits *e, const idx_seg *s, uint32_t first, uint32_t count)
{
    if ((uint64_t)first + count > s->nextra)
        return NULL;
    return e->base + s->extra_off + (uint64_t)first * extra_size(s->kind);
}

/* The pair's slot in the table version s, NULL when the pair is not there. */
static inline const idx_slot *ptp_slot(const rcm_edits *e, const idx_seg *s, uint64_t key)
{
    /* No prefetch of the slot while the filter is tested: it would make a present pair cheaper
       (one memory latency instead of two) but an absent pair, the common case, dearer by as much
       bandwidth (docs/edits.md has both figures). rcm_ptp_find_n overlaps both. */
    if (s->filter_log2 && !filter_may_have((const uint64_t *)(e->base + s->filter_off), s->filter_log2, key))
        return NULL;
    return probe(e, s, key);
}

/* The answer of rcm_ptp_find from the pair's slot. */
static int ptp_resolve(const rcm_edits *e, const idx_seg *s, uint64_t key, const idx_slot *x, rcm_date dos,
                       rcm_ptp_row *out);

int rcm_ptp_find(const rcm_edits *e, rcm_proc col1, rcm_proc col2, rcm_date dos, int table, rcm_ptp_row *out)
{
    const idx_seg *s = pick(e, EK_PTP, table, dos);
    if (!s)
        return 0;
    uint64_t key = (uint64_t)col1 << 32 | col2;
    const idx_slot *x = ptp_slot(e, s, key);
    if (!x)
        return 0;
    return ptp_resolve(e, s, key, x, dos, out);
}

size_t rcm_ptp_find_n(const rcm_edits *e, const rcm_ptp_query *q, size_t n, rcm_date dos, int table, int *found,
                      rcm_ptp_row *out)
{
    const idx_seg *s = pick(e, EK_PTP, table, dos);
    size_t hits = 0;
    if (!s) {
        for (size_t i = 0; i < n; i++)
            found[i] = 0;
        return 0;
    }
    const uint64_t *f = s->filter_log2 ? (const uint64_t *)(e->base + s->filter_off) : NULL;
    const idx_slot *t = (const idx_slot *)(e->base + s->slots_off);
    enum { GROUP = 16 };
    for (size_t i0 = 0; i0 < n; i0 += GROUP) {
        size_t m = n - i0 < GROUP ? n - i0 : GROUP;
        uint64_t key[GROUP];
        int maybe[GROUP];
        /* the filter blocks of the group first, then the slots of the pairs that pass: the
           memory accesses of a group overlap instead of following one another */
        for (size_t k = 0; k < m; k++) {
            key[k] = (uint64_t)q[i0 + k].col1 << 32 | q[i0 + k].col2;
            if (f)
                __builtin_prefetch(f + filter_block(key[k], s->filter_log2) * 8);
        }
        for (size_t k = 0; k < m; k++) {
            maybe[k] = !f || filter_may_have(f, s->filter_log2, key[k]);
            if (maybe[k])
                __builtin_prefetch(&t[(key[k] * HASH_MUL) >> (64 - s->log2cap)]);
        }
        for (size_t k = 0; k < m; k++) {
            const idx_slot *x = maybe[k] ? probe(e, s, key[k]) : NULL;
            found[i0 + k] = x ? ptp_resolve(e, s, key[k], x, dos, out ? &out[i0 + k] : NULL) : 0;
            hits += (size_t)found[i0 + k];
        }
    }
    return hits;
}

static int ptp_resolve(const rcm_edits *e, const idx_seg *s, uint64_t key, const idx_slot *x, rcm_date dos,
                       rcm_ptp_row *out)
{
    if (!(x->b & SLOT_MULTI)) {
        int32_t eff = (int32_t)(x->a & 0xFFFFu), del = (int32_t)(x->a >> 16);
        if (del == (int32_t)DATE16_NONE)
            del = RCM_DATE_NONE;
        int modifier = mod_of_code(x->b >> 28 & 3);
        if (!active(eff, del, modifier, dos))
            return 0;
        if (out)
            ptp_fill(out, e, s, key, eff, del, x->b & LINE_MASK, x->b >> LINE_BITS & 15, modifier, x->b >> 30 & 1);
        return 1;
    }
    uint32_t count = x->b & ~SLOT_MULTI;
    const unsigned char *p = extras(e, s, x->a, count);
    if (!p)
        return 0;
    idx_ptp_x best;
    memset(&best, 0, sizeof(best));
    int have = 0;
    for (uint32_t i = 0; i < count; i++) {
        idx_ptp_x r;
        memcpy(&r, p + i * sizeof(r), sizeof(r));
        if (active(r.eff, r.del, mod_of_code(mod_code(r.modifier)), dos) && (!have || r.eff >= best.eff)) {
            best = r;
            have = 1;
        }
    }
    if (!have)
        return 0;
    if (out)
        ptp_fill(out, e, s, key, best.eff, best.del, best.line, best.load, mod_of_code(mod_code(best.modifier)),
                 best.pre1996 & 1);
    return 1;
}

size_t rcm_ptp_rows(const rcm_edits *e, rcm_proc col1, rcm_proc col2, rcm_date dos, int table, rcm_ptp_row *out,
                    size_t max)
{
    const idx_seg *s = pick(e, EK_PTP, table, dos);
    if (!s)
        return 0;
    uint64_t key = (uint64_t)col1 << 32 | col2;
    const idx_slot *x = ptp_slot(e, s, key);
    if (!x)
        return 0;
    if (!(x->b & SLOT_MULTI)) {
        int32_t eff = (int32_t)(x->a & 0xFFFFu), del = (int32_t)(x->a >> 16);
        if (del == (int32_t)DATE16_NONE)
            del = RCM_DATE_NONE;
        if (max)
            ptp_fill(out, e, s, key, eff, del, x->b & LINE_MASK, x->b >> LINE_BITS & 15, mod_of_code(x->b >> 28 & 3),
                     x->b >> 30 & 1);
        return 1;
    }
    uint32_t count = x->b & ~SLOT_MULTI;
    const unsigned char *p = extras(e, s, x->a, count);
    if (!p)
        return 0;
    for (uint32_t i = 0; i < count && i < max; i++) {
        idx_ptp_x r;
        memcpy(&r, p + i * sizeof(r), sizeof(r));
        ptp_fill(&out[i], e, s, key, r.eff, r.del, r.line, r.load, mod_of_code(mod_code(r.modifier)), r.pre1996 & 1);
    }
    return count;
}

void rcm_mue_prefetch(const rcm_edits *e, rcm_proc code, rcm_date dos, int table)
{
    const idx_seg *s = e ? pick(e, EK_MUE, table, dos) : NULL;
    if (!s)
        return;
    const idx_slot *t = (const idx_slot *)(e->base + s->slots_off);
    __builtin_prefetch(&t[((uint64_t)code * HASH_MUL) >> (64 - s->log2cap)]);
}

int rcm_mue_find(const rcm_edits *e, rcm_proc code, rcm_date dos, int table, rcm_mue_row *out)
{
    const idx_seg *s = pick(e, EK_MUE, table, dos);
    if (!s)
        return 0;
    const idx_slot *x = probe(e, s, code);
    if (!x)
        return 0;
    uint32_t value, line, load, mai;
    if (!(x->b & SLOT_MULTI)) {
        value = x->a;
        line = x->b & LINE_MASK;
        load = x->b >> LINE_BITS & 15;
        mai = x->b >> 28 & 3;
    } else {
        const unsigned char *p = extras(e, s, x->a, 1);
        if (!p)
            return 0;
        idx_mue_x r;
        memcpy(&r, p, sizeof(r));
        value = r.value;
        line = r.line;
        load = r.load;
        mai = r.mai;
    }
    if (out) {
        const idx_load *f = file_of(e, s, load);
        out->code = code;
        out->value = (long)value;
        out->mai = (int)mai;
        out->table = s->table;
        out->version = s->version;
        out->source = f ? f->source : "";
        out->load_id = f ? (long)f->load_id : 0;
        out->line = (long)line;
    }
    return 1;
}

static void aoc_fill(rcm_aoc_row *out, const rcm_edits *e, const idx_seg *s, rcm_proc addon, const idx_aoc_x *r)
{
    const idx_load *f = file_of(e, s, r->load);
    out->addon = addon;
    out->primary = r->primary;
    out->type = r->type;
    out->eff = r->eff;
    out->del = r->del;
    out->version = s->version;
    out->source = f ? f->source : "";
    out->load_id = f ? (long)f->load_id : 0;
    out->line = (long)r->line;
}

static int aoc_active(const idx_aoc_x *r, rcm_date dos)
{
    if (dos == RCM_DATE_NONE)
        return r->del == RCM_DATE_NONE;
    return r->eff <= dos && (r->del == RCM_DATE_NONE || dos < r->del);
}

/* The rows of addon (any dates): *n of them; NULL when addon has none. */
static const unsigned char *aoc_rows(const rcm_edits *e, rcm_proc addon, rcm_date dos, const idx_seg **seg,
                                     uint32_t *n)
{
    const idx_seg *s = pick(e, EK_AOC, RCM_NCCI_PRACTITIONER, dos);
    *n = 0;
    if (!s)
        return NULL;
    const idx_slot *x = probe(e, s, addon);
    if (!x)
        return NULL;
    const unsigned char *p = extras(e, s, x->a, x->b);
    if (!p)
        return NULL;
    *seg = s;
    *n = x->b;
    return p;
}

size_t rcm_aoc_primaries(const rcm_edits *e, rcm_proc addon, rcm_date dos, rcm_aoc_row *out, size_t max)
{
    const idx_seg *s = NULL;
    uint32_t n;
    const unsigned char *p = aoc_rows(e, addon, dos, &s, &n);
    size_t k = 0;
    for (uint32_t i = 0; p && i < n; i++) {
        idx_aoc_x r;
        memcpy(&r, p + i * sizeof(r), sizeof(r));
        if (!aoc_active(&r, dos))
            continue;
        if (k < max)
            aoc_fill(&out[k], e, s, addon, &r);
        k++;
    }
    return k;
}

int rcm_aoc_check(const rcm_edits *e, rcm_proc addon, const rcm_proc *codes, size_t ncodes, rcm_date dos,
                  rcm_aoc_row *out)
{
    const idx_seg *s = NULL;
    uint32_t n;
    const unsigned char *p = aoc_rows(e, addon, dos, &s, &n);
    idx_aoc_x first;
    memset(&first, 0, sizeof(first));
    int have = 0, type1 = 0;
    for (uint32_t i = 0; p && i < n; i++) {
        idx_aoc_x r;
        memcpy(&r, p + i * sizeof(r), sizeof(r));
        if (!aoc_active(&r, dos))
            continue;
        if (!have) {
            first = r;
            have = 1;
        }
        type1 |= r.type == 1;
        if (!r.primary)
            continue;
        for (size_t k = 0; k < ncodes; k++)
            if (codes[k] == r.primary) {
                if (out)
                    aoc_fill(out, e, s, addon, &r);
                return RCM_AOC_PRIMARY;
            }
    }
    if (!have)
        return RCM_AOC_NOT_ADDON;
    if (out)
        aoc_fill(out, e, s, addon, &first);
    return type1 ? RCM_AOC_MISSING : RCM_AOC_CONTRACTOR;
}
