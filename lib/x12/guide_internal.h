/*
 * The compiled form of the implementation guides (shared by guide_load.c,
 * which builds it from the tables, and guide_check.c, which validates with
 * it). Everything is allocated in the rcm_guides arena at load time; the
 * validator only reads it.
 */
#ifndef RCM_GUIDE_INTERNAL_H
#define RCM_GUIDE_INTERNAL_H

#include "x12_internal.h"
#include "rcm/guide.h"

/* element types (dictionary) */
enum { GT_AN, GT_ID, GT_N, GT_R, GT_DT, GT_TM, GT_B };
/* usage: ordered so that narrowing only ever raises S to R or lowers S to N */
enum { GU_N = 0, GU_S = 1, GU_R = 2 };
#define G_UNBOUNDED UINT32_MAX
#define G_MAX_KEYS 4
#define G_MAX_DEPTH 16

/*
 * A code list, sorted by (key, length, bytes after the 8th): a code of up
 * to 7 bytes is found by comparing one integer. A list longer than
 * GCODES_LINEAR also has an open-addressing table of those integers, so a
 * value is found in one or two probes.
 */
#define GCODES_LINEAR 4
typedef struct gcodes {
    uint32_t n;
    uint32_t hmask;          /* table slots - 1 (0: no table, the list is searched in order) */
    uint32_t hshift;         /* 64 - log2(slots): the hash is the top bits of a product */
    rcm_str *v;              /* in search order */
    uint64_t *k;             /* code_key of each */
    rcm_str *shown;          /* in the order the table lists them (messages) */
    uint64_t *hk;            /* [hmask + 1]: a code's key in its slot, 0 empty (no code has key 0) */
    uint32_t *hv;            /* [hmask + 1]: the index in v of the code in each slot */
} gcodes;

/*
 * The first 8 bytes of a code as one number (bytes past its end 0), without
 * reading past it; a code shorter than 8 bytes has its length in the top
 * byte (1-7, which no X12 character is).
 */
static inline uint64_t code_key(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t m = n < 8 ? n : 8;
    uint64_t k;
    if (m >= 4) { /* two 4-byte reads that may overlap: the overlap holds the same bytes */
        uint64_t lo = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24;
        const unsigned char *q = p + m - 4;
        uint64_t hi = (uint64_t)q[0] | (uint64_t)q[1] << 8 | (uint64_t)q[2] << 16 | (uint64_t)q[3] << 24;
        k = lo | hi << (8 * (m - 4));
    } else {
        switch (m) {
        case 3: k = (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16; break;
        case 2: k = (uint64_t)p[0] | (uint64_t)p[1] << 8; break;
        case 1: k = p[0]; break;
        default: k = 0; break;
        }
    }
    return n < 8 ? k | (uint64_t)n << 56 : k;
}

/* The order of a code list: <0, 0, >0. */
static inline int code_order(uint64_t ka, rcm_str a, uint64_t kb, rcm_str b)
{
    if (ka != kb)
        return ka < kb ? -1 : 1;
    if (a.n < 8) /* same key: same length, same bytes */
        return 0;
    if (a.n != b.n)
        return a.n < b.n ? -1 : 1;
    return memcmp(a.p + 8, b.p + 8, a.n - 8);
}

/* The first table slot of a code key. */
static inline uint32_t code_slot(uint64_t k, uint32_t shift)
{
    return (uint32_t)((k * UINT64_C(0x9E3779B97F4A7C15)) >> shift);
}

/* 1 when v, whose code_key is k, is in the list. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int guide_code_in_k(const gcodes *c, rcm_str v, uint64_t k)
{
    if (!c->hmask) {
        for (uint32_t i = 0; i < c->n; i++)
            if (c->k[i] == k && (v.n < 8 || code_order(k, c->v[i], k, v) == 0))
                return 1;
        return 0;
    }
    uint64_t sk;
    for (uint32_t h = code_slot(k, c->hshift); (sk = c->hk[h]) != 0; h = (h + 1) & c->hmask)
        if (sk == k && (v.n < 8 || code_order(k, c->v[c->hv[h]], k, v) == 0))
            return 1;
    return 0;
}

/* 1 when v is in the list. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int guide_code_in(const gcodes *c, rcm_str v)
{
    return guide_code_in_k(c, v, code_key(v.p, v.n));
}

/* ---- the dictionary ---- */

typedef struct gd_elem {
    char ref[8];
    uint8_t type;
    uint16_t min, max;
    const char *name;
    const char *file;
    int line;
} gd_elem;

typedef struct gd_comp {
    char name[8];
    uint32_t n;
    uint32_t *elems;    /* gd_elem indexes */
    const char *file;
    int line;
} gd_comp;

typedef struct gd_item {
    uint8_t comp;       /* 1: a composite (idx into comps), 0: an element (idx into elems) */
    uint32_t idx;
    uint16_t rep;       /* repeat count (1: may not repeat) */
} gd_item;

/* A syntax note: type P R E C L, positions (1-based) in the order written. */
typedef struct gd_rule {
    char type;
    uint8_t n;
    uint8_t pos[12];
    uint64_t all, first, rest;   /* element bits (1 << (pos - 1)): all, the first, the others */
} gd_rule;

typedef struct gd_fmt {
    uint8_t value, qual;
} gd_fmt;

typedef struct gd_seg {
    char id[4];
    uint32_t key;
    uint32_t n;
    gd_item *items;
    uint32_t nrules, nfmts;
    gd_rule *rules;
    gd_fmt *fmts;
    const char *file;
    int line;
} gd_seg;

/* ---- a compiled guide ---- */

typedef struct gel {
    uint8_t type, usage, comp, ncomp;
    uint8_t creq;            /* a composite's last required component (0: none) */
    uint8_t key;             /* a key: its code was checked when the segment was placed */
    uint8_t op;              /* GOP_*: what a clean value needs checked (gel_op, kept current) */
    uint16_t min, max;
    uint16_t rep;            /* repetitions allowed (1: may not repeat) */
    const gcodes *codes;     /* NULL: any value of the type */
    struct gel *c;           /* components [ncomp + 1] (1-based) of a composite */
    const char *ref;         /* element reference ("98"), a composite's name ("C003") */
    const char *name;
} gel;

/*
 * What a clean value (X12 characters only, no separator) of an element or
 * component needs checked, so that the validator's common case is one
 * switch: GOP_NONE nothing (a key, whose code placed the segment; binary),
 * GOP_LEN its length, GOP_CODE its code; GOP_CHECK anything else (numbers,
 * dates, times, a composite, an element the guide does not use).
 */
enum { GOP_CHECK = 0, GOP_NONE, GOP_LEN, GOP_CODE };

static inline uint8_t gel_op(const gel *e)
{
    if (e->usage == GU_N || e->comp)
        return GOP_CHECK;
    if (e->type == GT_AN || e->type == GT_ID)
        return !e->codes ? GOP_LEN : e->key ? GOP_NONE : GOP_CODE;
    return e->type == GT_B ? GOP_NONE : GOP_CHECK;
}

typedef struct gkey {
    uint8_t el, comp;        /* comp 0: the element itself */
    const gcodes *codes;
} gkey;

typedef struct gpos {
    char id[4];
    uint32_t key;
    uint32_t nel;            /* elements in the dictionary segment */
    uint32_t last_req;       /* the last required element (0: none) */
    gel *el;                 /* [nel + 1], 1-based */
    uint32_t nkeys;
    gkey keys[G_MAX_KEYS];
    const gd_rule *rules;
    const gd_fmt *fmts;
    uint32_t nrules, nfmts;
    /* the syntax notes can only fail when an element of rule_touch is present, or rule_r */
    uint64_t rule_touch;
    uint8_t rule_r;
    uint8_t hl;              /* an HL position: numbering and parent checked */
    const char *file;
    int line;
} gpos;

typedef struct gloop gloop;

typedef struct gnode {
    uint8_t loop;            /* 1: a child loop */
    uint8_t usage;
    uint32_t max;
    uint32_t group;          /* first child of the same-id group this child belongs to */
    uint32_t key;            /* segment id of the position (a loop: of its first position) */
    uint32_t nkeys;          /* pos->nkeys */
    uint8_t k1;              /* 1: the first key is element 1 with one code, k1code its code_key */
    uint64_t k1code;
    gpos *pos;               /* the position (a loop: its first position) */
    gloop *sub;              /* the loop */
} gnode;

struct gloop {
    char id[8];              /* "" for the set's root */
    gloop *parent;
    uint32_t n;
    gnode *child;
    uint32_t *req;           /* req[i]: required children before child i ([n + 1]) */
    uint32_t *ridx;          /* the required children's indexes, ascending ([req[n]]) */
    /* children by segment id: an open-addressing table of (key, run of idx) */
    uint32_t hmask;
    struct gslot { uint32_t key, first, count; } *slots;
    uint32_t *idx;           /* child indexes grouped by key, ascending within a key */
    uint32_t base;           /* this loop's children's counts: counts[base .. base + n) */
    uint32_t depth;          /* root 0 */
    uint8_t hl;              /* its first position is an HL */
    int line;
};

/* The first slot of a segment id in a loop's table (Fibonacci hashing). */
static inline uint32_t guide_slot(uint32_t key, uint32_t mask) { return (key * 2654435761u >> 7) & mask; }

#define GUIDE_MAX_ALIASES 4

struct rcm_guide {
    char st01[4], version[16], gs01[4];
    char alias[GUIDE_MAX_ALIASES][16];  /* other versions validated with this guide (errata) */
    uint8_t nalias;
    const char *title;
    gloop root;
    uint32_t ncounts;        /* children of all loops */
    uint32_t depth;          /* deepest loop nesting */
    uint32_t nids;
    uint32_t *ids;           /* every segment id of the guide, sorted */
    uint32_t unit_key;       /* business unit: segment id, element, label (0: none) */
    uint8_t unit_el;
    char unit_label[12];
    const char *file;
    int line;
};

struct rcm_guides {
    arena a;
    gd_elem *elems;
    gd_comp *comps;
    gd_seg *segs;
    uint32_t nelems, ncomps, nsegs, capelems, capcomps, capsegs;
    rcm_guide **g;
    uint32_t ng, capg;
};

/* The dictionary segment of id key, or NULL. */
const gd_seg *guide_dict_seg(const rcm_guides *g, uint32_t key);

/* ---- built-in tables (generated from lib/x12/guides by the Makefile) ---- */
typedef struct guide_table {
    const char *name;
    const unsigned char *text;
    size_t len;
} guide_table;
extern const guide_table guide_tables[];
extern const size_t guide_ntables;

#endif
