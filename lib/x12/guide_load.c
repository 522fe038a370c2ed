/*
 * The implementation-guide table loader: parses the dictionary, guide and
 * restriction tables (docs/x12-guides.md) and compiles them into the form
 * the validator walks (guide_internal.h): per position an element array with
 * types, lengths, usage and sorted code lists, per loop its children with
 * their same-id groups. Every error is located "FILE:LINE: message"; a file
 * that fails leaves the guides as they were before it.
 */
#include <stdarg.h>
#include <errno.h>
#include "guide_internal.h"

#define ARENA_MAX ((size_t)256 << 20)

/* ---- parsed (not yet compiled) guide ---- */

typedef struct rtok {
    uint8_t el, comp, usage, key;
    uint8_t has_len;
    uint16_t rep;              /* 0: not given */
    uint16_t min, max;
    const char *codes;         /* text after '=', NULL: none */
} rtok;

typedef struct rseg {
    char id[4];
    uint8_t usage;
    uint32_t max;
    int line;
    uint32_t ntok;
    rtok *tok;
} rseg;

typedef struct rloop rloop;
typedef struct rnode {
    rseg *seg;
    rloop *loop;
} rnode;

struct rloop {
    char id[8];
    uint8_t usage;
    uint32_t max;
    int line;
    uint32_t n, cap;
    rnode *child;
    rloop *parent;
};

typedef struct rcodes {
    const char *name;
    rcm_buf text;
    const gcodes *compiled;
    int line;
} rcodes;

/* one change a restriction made, undone when the file fails */
typedef struct undo {
    void *p;
    size_t n;
    unsigned char old[sizeof(void *) > 4 ? sizeof(void *) : 4];
} undo;

enum { M_DICT, M_GUIDE, M_RESTRICT };

typedef struct ld {
    rcm_guides *g;
    arena tmp;                 /* parse state, freed at the end of the file */
    const char *file;          /* kept in g->a: dictionary entries point at it */
    int line;
    rcm_error *err;
    int mode;
    /* guide */
    rcm_guide *guide;
    rloop root;
    rloop *cur;
    int guide_line;
    rcodes *codes;
    uint32_t ncodes, capcodes;
    /* restriction */
    rcm_guide *target;
    undo *undo;
    uint32_t nundo, capundo;
} ld;

static int lerr(ld *L, const char *fmt, ...) RCM_PRINTF(2, 3);
static int lerr(ld *L, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return rcm_error_set(L->err, RCM_EFORMAT, "%s:%d: %s", L->file, L->line, msg);
}

static int nomem(ld *L)
{
    return rcm_error_set(L->err, RCM_ENOMEM, "%s:%d: out of memory loading the guide", L->file, L->line);
}

/* Room for one more element in an array grown in arena a (old copies stay until the arena goes). */
static void *agrow(arena *a, void *p, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *np = arena_alloc(a, (size_t)nc * size);
    if (!np)
        return NULL;
    if (n)
        memcpy(np, p, (size_t)n * size);
    *cap = nc;
    return np;
}

/* The same with realloc, for the dictionary arrays (counts are rolled back on error). */
static void *rgrow(void *p, uint32_t n, uint32_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    uint32_t nc = *cap ? *cap * 2 : 64;
    void *np = realloc(p, (size_t)nc * size);
    if (np)
        *cap = nc;
    return np;
}

static int parse_num(const char *s, long lo, long hi, long *out)
{
    if (!*s || *s == '-' || *s == '+' || *s == ' ')
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static uint32_t id_key(const char *id)
{
    size_t n = strlen(id);
    if (n == 2)
        return RCM_X12_KEY(id[0], id[1], 0);
    if (n == 3)
        return RCM_X12_KEY(id[0], id[1], id[2]);
    return 0;
}

static int valid_seg_id(const char *id)
{
    size_t n = strlen(id);
    if (n < 2 || n > 3 || id[0] < 'A' || id[0] > 'Z')
        return 0;
    for (size_t i = 1; i < n; i++)
        if (!((id[i] >= 'A' && id[i] <= 'Z') || (id[i] >= '0' && id[i] <= '9')))
            return 0;
    return 1;
}

/* ---- code lists ---- */

/* The order guide_code_in searches in. */
static int code_cmp(rcm_str a, rcm_str b) { return code_order(code_key(a.p, a.n), a, code_key(b.p, b.n), b); }

static int code_qcmp(const void *a, const void *b) { return code_cmp(*(const rcm_str *)a, *(const rcm_str *)b); }

static rcodes *find_codes(ld *L, const char *name, size_t n)
{
    for (uint32_t i = 0; i < L->ncodes; i++)
        if (strlen(L->codes[i].name) == n && memcmp(L->codes[i].name, name, n) == 0)
            return &L->codes[i];
    return NULL;
}

/* Appends the codes of text (comma-separated; $NAME expands a named list) to v. */
static int collect_codes(ld *L, const char *text, rcm_str **v, uint32_t *n, uint32_t *cap, int depth)
{
    const char *p = text;
    for (;;) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (!len)
            return lerr(L, "empty code in '%s'", text);
        if (p[0] == '$') {
            rcodes *rc = find_codes(L, p + 1, len - 1);
            if (!rc)
                return lerr(L, "no code list named '%.*s' (define it with a codes line)", (int)len - 1, p + 1);
            if (depth > 4)
                return lerr(L, "code list '%s' refers to itself", rc->name);
            int r = collect_codes(L, rc->text.ptr, v, n, cap, depth + 1);
            if (r < 0)
                return r;
        } else {
            for (size_t i = 0; i < len; i++)
                if ((unsigned char)p[i] < 0x20 || (unsigned char)p[i] > 0x7E)
                    return lerr(L, "code '%.*s' has a character outside printable ASCII", (int)len, p);
            if (!(*v = agrow(&L->g->a, *v, *n, cap, sizeof(rcm_str))))
                return nomem(L);
            char *s = arena_strdup(&L->g->a, p, len);
            if (!s)
                return nomem(L);
            (*v)[(*n)++] = (rcm_str){ s, len };
        }
        if (!e)
            return 0;
        p = e + 1;
    }
}

static int compile_codes(ld *L, const char *text, const gcodes **out)
{
    if (text[0] == '$' && !strchr(text, ',')) { /* one named list: compiled once, shared */
        rcodes *rc = find_codes(L, text + 1, strlen(text + 1));
        if (rc && rc->compiled) {
            *out = rc->compiled;
            return 0;
        }
    }
    rcm_str *v = NULL;
    uint32_t n = 0, cap = 0;
    int r = collect_codes(L, text, &v, &n, &cap, 0);
    if (r < 0)
        return r;
    gcodes *c = arena_zalloc(&L->g->a, sizeof(*c));
    rcm_str *shown = arena_alloc(&L->g->a, (n ? n : 1) * sizeof(rcm_str));
    if (!c || !shown)
        return nomem(L);
    uint32_t ns = 0; /* the table's order, repeats dropped */
    for (uint32_t i = 0; i < n; i++) {
        uint32_t j = 0;
        while (j < ns && code_cmp(shown[j], v[i]) != 0)
            j++;
        if (j == ns)
            shown[ns++] = v[i];
    }
    qsort(v, n, sizeof(*v), code_qcmp);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!k || code_cmp(v[k - 1], v[i]) != 0)
            v[k++] = v[i];
    c->n = k;
    c->v = v;
    c->shown = shown;
    if (!(c->k = arena_alloc(&L->g->a, (k ? k : 1) * sizeof(uint64_t))))
        return nomem(L);
    for (uint32_t i = 0; i < k; i++)
        c->k[i] = code_key(v[i].p, v[i].n);
    if (k > GCODES_LINEAR) { /* the table: at most half full */
        uint32_t size = 8, shift = 61;
        while (size < 2 * k)
            size *= 2, shift--;
        c->hmask = size - 1;
        c->hshift = shift;
        if (!(c->hk = arena_zalloc(&L->g->a, size * sizeof(uint64_t))) ||
            !(c->hv = arena_zalloc(&L->g->a, size * sizeof(uint32_t))))
            return nomem(L);
        for (uint32_t i = 0; i < k; i++) {
            uint32_t h = code_slot(c->k[i], shift);
            while (c->hk[h])
                h = (h + 1) & c->hmask;
            c->hk[h] = c->k[i];
            c->hv[h] = i;
        }
    }
    *out = c;
    if (text[0] == '$' && !strchr(text, ',')) {
        rcodes *rc = find_codes(L, text + 1, strlen(text + 1));
        if (rc)
            rc->compiled = c;
    }
    return 0;
}

/* ---- the dictionary ---- */

static int find_elem(const rcm_guides *g, const char *ref)
{
    for (uint32_t i = 0; i < g->nelems; i++)
        if (strcmp(g->elems[i].ref, ref) == 0)
            return (int)i;
    return -1;
}

static int find_comp(const rcm_guides *g, const char *name)
{
    for (uint32_t i = 0; i < g->ncomps; i++)
        if (strcmp(g->comps[i].name, name) == 0)
            return (int)i;
    return -1;
}

static gd_seg *find_dseg(const rcm_guides *g, uint32_t key)
{
    for (uint32_t i = 0; i < g->nsegs; i++)
        if (g->segs[i].key == key)
            return &g->segs[i];
    return NULL;
}

const gd_seg *guide_dict_seg(const rcm_guides *g, uint32_t key)
{
    return key ? find_dseg(g, key) : NULL;
}

static int parse_type(const char *t, uint8_t *out)
{
    static const struct { const char *name; uint8_t type; } types[] = {
        { "AN", GT_AN }, { "ID", GT_ID }, { "R", GT_R }, { "DT", GT_DT }, { "TM", GT_TM }, { "B", GT_B },
    };
    for (size_t i = 0; i < ARRAY_SIZE(types); i++)
        if (strcmp(t, types[i].name) == 0) {
            *out = types[i].type;
            return 0;
        }
    if ((t[0] == 'N' || t[0] == 'R') && t[1] >= '0' && t[1] <= '9' && !t[2]) {
        *out = t[0] == 'N' ? GT_N : GT_R;
        return 0;
    }
    return -1;
}

static const char *joined(ld *L, char **tok, int ntok)
{
    size_t len = 0;
    for (int i = 0; i < ntok; i++)
        len += strlen(tok[i]) + 1;
    char *s = arena_alloc(&L->g->a, len + 1);
    if (!s)
        return NULL;
    s[0] = '\0';
    char *p = s;
    for (int i = 0; i < ntok; i++) {
        size_t n = strlen(tok[i]);
        if (i)
            *p++ = ' ';
        memcpy(p, tok[i], n);
        p += n;
        *p = '\0';
    }
    return s;
}

static int d_elem(ld *L, char **tok, int ntok)
{
    if (ntok < 5)
        return lerr(L, "elem needs: REF TYPE MIN MAX NAME");
    gd_elem e;
    memset(&e, 0, sizeof(e));
    long mn, mx;
    if (strlen(tok[1]) >= sizeof(e.ref))
        return lerr(L, "element reference '%s' is too long", tok[1]);
    cstr_copy(e.ref, sizeof(e.ref), tok[1]);
    if (parse_type(tok[2], &e.type) < 0)
        return lerr(L, "element %s: unknown type '%s' (AN ID N0-N9 R DT TM B)", tok[1], tok[2]);
    if (parse_num(tok[3], 0, 65535, &mn) < 0 || parse_num(tok[4], 1, 65535, &mx) < 0 || mn > mx)
        return lerr(L, "element %s: bad length '%s %s' (MIN MAX, MIN <= MAX)", tok[1], tok[3], tok[4]);
    e.min = (uint16_t)mn;
    e.max = (uint16_t)mx;
    e.file = L->file;
    e.line = L->line;
    if (!(e.name = joined(L, tok + 5, ntok - 5)))
        return nomem(L);
    int i = find_elem(L->g, e.ref);
    if (i >= 0) {
        const gd_elem *o = &L->g->elems[i];
        if (o->type != e.type || o->min != e.min || o->max != e.max)
            return lerr(L, "element %s conflicts with its definition at %s:%d", e.ref, o->file, o->line);
        return 0;
    }
    rcm_guides *g = L->g;
    gd_elem *ne = rgrow(g->elems, g->nelems, &g->capelems, sizeof(gd_elem));
    if (!ne)
        return nomem(L);
    g->elems = ne;
    g->elems[g->nelems++] = e;
    return 0;
}

static int d_comp(ld *L, char **tok, int ntok)
{
    if (ntok < 3)
        return lerr(L, "comp needs: NAME REF...");
    if (strlen(tok[1]) >= 8)
        return lerr(L, "composite name '%s' is too long", tok[1]);
    if (ntok - 2 > 64)
        return lerr(L, "composite %s has more than 64 components", tok[1]);
    gd_comp c;
    memset(&c, 0, sizeof(c));
    cstr_copy(c.name, sizeof(c.name), tok[1]);
    c.n = (uint32_t)(ntok - 2);
    if (!(c.elems = arena_alloc(&L->g->a, c.n * sizeof(uint32_t))))
        return nomem(L);
    for (int i = 2; i < ntok; i++) {
        int e = find_elem(L->g, tok[i]);
        if (e < 0)
            return lerr(L, "composite %s: unknown element %s (define it with an elem line first)", tok[1], tok[i]);
        c.elems[i - 2] = (uint32_t)e;
    }
    c.file = L->file;
    c.line = L->line;
    int i = find_comp(L->g, c.name);
    if (i >= 0) {
        const gd_comp *o = &L->g->comps[i];
        if (o->n != c.n || memcmp(o->elems, c.elems, c.n * sizeof(uint32_t)) != 0)
            return lerr(L, "composite %s conflicts with its definition at %s:%d", c.name, o->file, o->line);
        return 0;
    }
    rcm_guides *g = L->g;
    gd_comp *nc = rgrow(g->comps, g->ncomps, &g->capcomps, sizeof(gd_comp));
    if (!nc)
        return nomem(L);
    g->comps = nc;
    g->comps[g->ncomps++] = c;
    return 0;
}

static int d_seg(ld *L, char **tok, int ntok)
{
    if (ntok < 2 || !valid_seg_id(tok[1]))
        return lerr(L, "seg needs a segment id of 2-3 upper-case letters or digits");
    if (ntok - 2 > RCM_X12_MAX_ELEMS)
        return lerr(L, "segment %s has more than %d elements", tok[1], RCM_X12_MAX_ELEMS);
    gd_seg s;
    memset(&s, 0, sizeof(s));
    cstr_copy(s.id, sizeof(s.id), tok[1]);
    s.key = id_key(s.id);
    s.n = (uint32_t)(ntok - 2);
    if (s.n && !(s.items = arena_zalloc(&L->g->a, s.n * sizeof(gd_item))))
        return nomem(L);
    for (int i = 2; i < ntok; i++) {
        gd_item *it = &s.items[i - 2];
        char ref[16];
        cstr_copy(ref, sizeof(ref), tok[i]);
        char *caret = strchr(ref, '^');
        it->rep = 1;
        if (caret) {
            long r;
            *caret = '\0';
            if (parse_num(caret + 1, 1, 65535, &r) < 0)
                return lerr(L, "segment %s: bad repeat count in '%s'", s.id, tok[i]);
            it->rep = (uint16_t)r;
        }
        int c = find_comp(L->g, ref);
        if (c >= 0) {
            it->comp = 1;
            it->idx = (uint32_t)c;
        } else {
            int e = find_elem(L->g, ref);
            if (e < 0)
                return lerr(L, "segment %s: unknown element or composite '%s'", s.id, ref);
            it->idx = (uint32_t)e;
        }
    }
    s.file = L->file;
    s.line = L->line;
    gd_seg *o = find_dseg(L->g, s.key);
    if (o) {
        if (o->n != s.n || (s.n && memcmp(o->items, s.items, s.n * sizeof(gd_item)) != 0))
            return lerr(L, "segment %s conflicts with its definition at %s:%d", s.id, o->file, o->line);
        return 0;
    }
    rcm_guides *g = L->g;
    gd_seg *ns = rgrow(g->segs, g->nsegs, &g->capsegs, sizeof(gd_seg));
    if (!ns)
        return nomem(L);
    g->segs = ns;
    g->segs[g->nsegs++] = s;
    return 0;
}

static int d_rule(ld *L, char **tok, int ntok)
{
    if (ntok < 3)
        return lerr(L, "rule needs: SEGMENT NOTE... (e.g. rule NM1 P0809)");
    gd_seg *s = find_dseg(L->g, id_key(tok[1]));
    if (!s)
        return lerr(L, "rule for segment %s, which the dictionary does not have (seg line first)", tok[1]);
    for (int i = 2; i < ntok; i++) {
        const char *t = tok[i];
        size_t n = strlen(t);
        gd_rule r;
        memset(&r, 0, sizeof(r));
        r.type = t[0];
        if (!strchr("PRECL", t[0]) || n < 5 || (n - 1) % 2 || (n - 1) / 2 > ARRAY_SIZE(r.pos))
            return lerr(L, "segment %s: bad syntax note '%s' (P R E C or L, then 2-digit positions)", s->id, t);
        r.n = (uint8_t)((n - 1) / 2);
        for (unsigned k = 0; k < r.n; k++) {
            char d0 = t[1 + 2 * k], d1 = t[2 + 2 * k];
            if (d0 < '0' || d0 > '9' || d1 < '0' || d1 > '9')
                return lerr(L, "segment %s: bad syntax note '%s'", s->id, t);
            unsigned pos = (unsigned)(d0 - '0') * 10 + (unsigned)(d1 - '0');
            if (pos < 1 || pos > s->n)
                return lerr(L, "segment %s: syntax note '%s' names element %u; the segment has %u", s->id, t,
                            pos, s->n);
            r.pos[k] = (uint8_t)pos;
            uint64_t bit = (uint64_t)1 << (pos - 1);
            r.all |= bit;
            if (k == 0)
                r.first = bit;
            else
                r.rest |= bit;
        }
        int dup = 0;
        for (uint32_t k = 0; k < s->nrules; k++)
            dup |= memcmp(&s->rules[k], &r, sizeof(r)) == 0;
        if (dup)
            continue;
        gd_rule *nr = arena_alloc(&L->g->a, (s->nrules + 1) * sizeof(gd_rule));
        if (!nr)
            return nomem(L);
        if (s->nrules)
            memcpy(nr, s->rules, s->nrules * sizeof(gd_rule));
        nr[s->nrules] = r;
        s->rules = nr; /* a fresh array: a failed load restores the old pointer and count */
        s->nrules++;
    }
    return 0;
}

static int d_fmt(ld *L, char **tok, int ntok)
{
    long v, q;
    if (ntok != 4)
        return lerr(L, "fmt needs: SEGMENT VALUE QUALIFIER (element positions)");
    gd_seg *s = find_dseg(L->g, id_key(tok[1]));
    if (!s)
        return lerr(L, "fmt for segment %s, which the dictionary does not have (seg line first)", tok[1]);
    if (parse_num(tok[2], 1, s->n, &v) < 0 || parse_num(tok[3], 1, s->n, &q) < 0 || v == q)
        return lerr(L, "fmt %s: positions '%s %s' must be two different elements of the segment (1-%u)", s->id,
                    tok[2], tok[3], s->n);
    for (uint32_t k = 0; k < s->nfmts; k++) {
        if (s->fmts[k].value == v) {
            if (s->fmts[k].qual == q)
                return 0;
            return lerr(L, "fmt %s %ld conflicts with an earlier fmt line for that element", s->id, v);
        }
    }
    gd_fmt *nf = arena_alloc(&L->g->a, (s->nfmts + 1) * sizeof(gd_fmt));
    if (!nf)
        return nomem(L);
    if (s->nfmts)
        memcpy(nf, s->fmts, s->nfmts * sizeof(gd_fmt));
    nf[s->nfmts].value = (uint8_t)v;
    nf[s->nfmts].qual = (uint8_t)q;
    s->fmts = nf;
    s->nfmts++;
    return 0;
}

/* ---- guide lines ---- */

static int parse_usage(const char *t, int allow_n, uint8_t *out)
{
    if (strcmp(t, "R") == 0)
        *out = GU_R;
    else if (strcmp(t, "S") == 0)
        *out = GU_S;
    else if (allow_n && strcmp(t, "N") == 0)
        *out = GU_N;
    else
        return -1;
    return 0;
}

static int parse_max(const char *t, uint32_t *out)
{
    long v;
    if (strcmp(t, ">1") == 0) {
        *out = G_UNBOUNDED;
        return 0;
    }
    if (parse_num(t, 1, 99999999, &v) < 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int is_max(const char *t)
{
    uint32_t m;
    return parse_max(t, &m) == 0;
}

/* POS[.COMP][^N][MARK][=CODES][/MIN-MAX], '@' first for a key. */
static int parse_tok(ld *L, char *t, rtok *out)
{
    const char *orig = t;
    memset(out, 0, sizeof(*out));
    out->usage = GU_R;
    char *eq = strchr(t, '=');
    char *slash = strrchr(t, '/');
    if (slash && (!eq || slash > eq)) { /* a length: /MIN-MAX at the end */
        char *dash = strchr(slash, '-');
        long mn, mx;
        if (!dash)
            return lerr(L, "bad element token '%s': a length is /MIN-MAX", orig);
        *dash = '\0';
        if (parse_num(slash + 1, 0, 65535, &mn) < 0 || parse_num(dash + 1, 1, 65535, &mx) < 0 || mn > mx)
            return lerr(L, "bad element token '%s': a length is /MIN-MAX", orig);
        out->has_len = 1;
        out->min = (uint16_t)mn;
        out->max = (uint16_t)mx;
        *slash = '\0';
    }
    if (eq) {
        *eq = '\0';
        if (!eq[1])
            return lerr(L, "bad element token '%s': no codes after '='", orig);
        out->codes = eq + 1;
    }
    if (*t == '@') {
        out->key = 1;
        t++;
    }
    long v;
    char *p = t;
    while (*p >= '0' && *p <= '9')
        p++;
    char save = *p;
    *p = '\0';
    if (parse_num(t, 1, RCM_X12_MAX_ELEMS, &v) < 0)
        return lerr(L, "bad element token '%s': it starts with the element position", orig);
    out->el = (uint8_t)v;
    *p = save;
    if (*p == '.') {
        char *c = ++p;
        while (*p >= '0' && *p <= '9')
            p++;
        save = *p;
        *p = '\0';
        if (parse_num(c, 1, 64, &v) < 0)
            return lerr(L, "bad element token '%s': bad component number", orig);
        out->comp = (uint8_t)v;
        *p = save;
    }
    for (;;) {
        if (*p == '^') {
            char *c = ++p;
            while (*p >= '0' && *p <= '9')
                p++;
            save = *p;
            *p = '\0';
            if (parse_num(c, 1, 65535, &v) < 0)
                return lerr(L, "bad element token '%s': bad repeat count", orig);
            out->rep = (uint16_t)v;
            *p = save;
        } else if (*p == '?') {
            out->usage = GU_S;
            p++;
        } else if (*p == '-') {
            out->usage = GU_N;
            p++;
        } else {
            break;
        }
    }
    if (*p)
        return lerr(L, "bad element token '%s' (POS[.COMP][?|-][=CODES][/MIN-MAX])", orig);
    if (out->key && !out->codes)
        return lerr(L, "key element '%s' must list its codes", orig);
    if (out->key && out->usage != GU_R)
        return lerr(L, "key element '%s' must be required", orig);
    return 0;
}

static int parse_toks(ld *L, char **tok, int ntok, rtok **out, uint32_t *n)
{
    *n = 0;
    *out = NULL;
    if (ntok <= 0)
        return 0;
    if (!(*out = arena_alloc(&L->tmp, (size_t)ntok * sizeof(rtok))))
        return nomem(L);
    for (int i = 0; i < ntok; i++) {
        int r = parse_tok(L, tok[i], &(*out)[i]);
        if (r < 0)
            return r;
        if ((*out)[i].codes && !((*out)[i].codes = arena_strdup(&L->tmp, (*out)[i].codes, strlen((*out)[i].codes))))
            return nomem(L);
    }
    *n = (uint32_t)ntok;
    return 0;
}

static int add_child(ld *L, rloop *parent, rnode node)
{
    if (!(parent->child = agrow(&L->tmp, parent->child, parent->n, &parent->cap, sizeof(rnode))))
        return nomem(L);
    parent->child[parent->n++] = node;
    return 0;
}

static int g_seg(ld *L, char **tok, int ntok)
{
    if (ntok < 4 || !valid_seg_id(tok[1]))
        return lerr(L, "seg needs: ID USAGE MAX ELEMENTS...");
    rseg *s = arena_zalloc(&L->tmp, sizeof(*s));
    if (!s)
        return nomem(L);
    cstr_copy(s->id, sizeof(s->id), tok[1]);
    s->line = L->line;
    if (parse_usage(tok[2], 1, &s->usage) < 0)
        return lerr(L, "segment %s: usage '%s' must be R, S or N", s->id, tok[2]);
    if (parse_max(tok[3], &s->max) < 0)
        return lerr(L, "segment %s: maximum use '%s' must be a number or >1", s->id, tok[3]);
    int r = parse_toks(L, tok + 4, ntok - 4, &s->tok, &s->ntok);
    if (r < 0)
        return r;
    return add_child(L, L->cur, (rnode){ s, NULL });
}

static int g_loop(ld *L, char **tok, int ntok)
{
    if (ntok != 4)
        return lerr(L, "loop needs: ID USAGE MAX");
    if (strlen(tok[1]) > 6)
        return lerr(L, "loop id '%s' is longer than 6 characters", tok[1]);
    rloop *lp = arena_zalloc(&L->tmp, sizeof(*lp));
    if (!lp)
        return nomem(L);
    cstr_copy(lp->id, sizeof(lp->id), tok[1]);
    lp->line = L->line;
    lp->parent = L->cur;
    if (parse_usage(tok[2], 1, &lp->usage) < 0)
        return lerr(L, "loop %s: usage '%s' must be R, S or N", lp->id, tok[2]);
    if (parse_max(tok[3], &lp->max) < 0)
        return lerr(L, "loop %s: maximum '%s' must be a number or >1", lp->id, tok[3]);
    int depth = 0;
    for (rloop *p = L->cur; p; p = p->parent)
        depth++;
    if (depth >= G_MAX_DEPTH)
        return lerr(L, "loop %s: loops nested more than %d deep", lp->id, G_MAX_DEPTH - 1);
    int r = add_child(L, L->cur, (rnode){ NULL, lp });
    if (r < 0)
        return r;
    L->cur = lp;
    return 0;
}

static int g_codes(ld *L, char **tok, int ntok)
{
    if (ntok != 3)
        return lerr(L, "codes needs: NAME A,B,C (no spaces in the list)");
    rcodes *c = find_codes(L, tok[1], strlen(tok[1]));
    if (!c) {
        if (!(L->codes = agrow(&L->tmp, L->codes, L->ncodes, &L->capcodes, sizeof(rcodes))))
            return nomem(L);
        c = &L->codes[L->ncodes++];
        memset(c, 0, sizeof(*c));
        if (!(c->name = arena_strdup(&L->tmp, tok[1], strlen(tok[1]))))
            return nomem(L);
        rcm_buf_init(&c->text, RCM_MAX_MESSAGE);
        c->line = L->line;
    } else {
        rcm_buf_addc(&c->text, ',');
    }
    rcm_buf_adds(&c->text, tok[2]);
    return rcm_buf_failed(&c->text) ? nomem(L) : 0;
}

static int g_unit(ld *L, char **tok, int ntok)
{
    long el;
    if (ntok != 4 || !valid_seg_id(tok[1]) || parse_num(tok[2], 1, RCM_X12_MAX_ELEMS, &el) < 0 ||
        strlen(tok[3]) >= sizeof(L->guide->unit_label))
        return lerr(L, "unit needs: SEGMENT ELEMENT LABEL (e.g. unit CLM 1 CLM01)");
    L->guide->unit_key = id_key(tok[1]);
    L->guide->unit_el = (uint8_t)el;
    cstr_copy(L->guide->unit_label, sizeof(L->guide->unit_label), tok[3]);
    return 0;
}

static int g_header(ld *L, char **tok, int ntok)
{
    if (L->mode != M_DICT)
        return lerr(L, "one guide or restrict header per file");
    if (ntok < 4 || strlen(tok[1]) != 3 || strlen(tok[2]) >= 16 || strlen(tok[3]) > 2)
        return lerr(L, "guide needs: ST01 VERSION GS01 TITLE... (e.g. guide 837 005010X222A1 HC ...)");
    rcm_guide *gd = arena_zalloc(&L->g->a, sizeof(*gd));
    if (!gd)
        return nomem(L);
    cstr_copy(gd->st01, sizeof(gd->st01), tok[1]);
    cstr_copy(gd->version, sizeof(gd->version), tok[2]);
    cstr_copy(gd->gs01, sizeof(gd->gs01), tok[3]);
    if (!(gd->title = joined(L, tok + 4, ntok - 4)))
        return nomem(L);
    gd->file = L->file;
    gd->line = L->line;
    L->guide = gd;
    L->mode = M_GUIDE;
    L->cur = &L->root;
    L->guide_line = L->line;
    return 0;
}

/* alias VERSION...: sets carrying these versions (an errata the table also fits) use this guide */
static int g_alias(ld *L, char **tok, int ntok)
{
    if (L->mode != M_GUIDE)
        return lerr(L, "alias belongs in a guide, after its guide line");
    if (ntok < 2)
        return lerr(L, "alias needs: VERSION... (e.g. alias 005010X222A2)");
    for (int i = 1; i < ntok; i++) {
        if (strlen(tok[i]) >= sizeof(L->guide->alias[0]) || !tok[i][0])
            return lerr(L, "alias '%s' is not a version (at most 15 characters)", tok[i]);
        if (L->guide->nalias == GUIDE_MAX_ALIASES)
            return lerr(L, "more than %d aliases", GUIDE_MAX_ALIASES);
        if (strcmp(tok[i], L->guide->version) == 0)
            return lerr(L, "alias '%s' is the guide's own version", tok[i]);
        cstr_copy(L->guide->alias[L->guide->nalias], sizeof(L->guide->alias[0]), tok[i]);
        L->guide->nalias++;
    }
    return 0;
}

/* ---- compiling a guide ---- */

/* The last required element; each composite's last required component too. */
static uint32_t last_required(gpos *p)
{
    uint32_t last = 0;
    for (uint32_t i = 1; i <= p->nel; i++) {
        gel *e = &p->el[i];
        if (e->usage == GU_R)
            last = i;
        if (e->comp) {
            e->creq = 0;
            for (uint32_t j = 1; j <= e->ncomp; j++)
                if (e->c[j].usage == GU_R)
                    e->creq = (uint8_t)j;
        }
    }
    return last;
}

static int compile_pos(ld *L, const rseg *rs, gpos *p)
{
    const rcm_guides *g = L->g;
    L->line = rs->line;
    cstr_copy(p->id, sizeof(p->id), rs->id);
    p->key = id_key(rs->id);
    p->file = L->file;
    p->line = rs->line;
    p->hl = p->key == RCM_X12_KEY('H', 'L', 0);
    const gd_seg *ds = find_dseg(g, p->key);
    if (!ds)
        return lerr(L, "segment %s is not in the dictionary (add a seg line)", rs->id);
    p->nel = ds->n;
    p->rules = ds->rules;
    p->nrules = ds->nrules;
    p->fmts = ds->fmts;
    p->nfmts = ds->nfmts;
    for (uint32_t k = 0; k < p->nrules; k++) {
        const gd_rule *r = &p->rules[k];
        if (r->type == 'R')
            p->rule_r = 1; /* fails when none is present */
        else if (r->type == 'C' || r->type == 'L')
            p->rule_touch |= r->first; /* only when the first is present */
        else
            p->rule_touch |= r->all;
    }
    if (!(p->el = arena_zalloc(&L->g->a, (ds->n + 1) * sizeof(gel))))
        return nomem(L);
    /* 1: the composite's own usage was given */
    uint8_t own[RCM_X12_MAX_ELEMS + 1], comps_listed[RCM_X12_MAX_ELEMS + 1];
    memset(own, 0, sizeof(own));
    memset(comps_listed, 0, sizeof(comps_listed));
    for (uint32_t i = 1; i <= ds->n; i++) {
        const gd_item *it = &ds->items[i - 1];
        gel *e = &p->el[i];
        e->usage = GU_N;
        e->rep = it->rep;
        if (it->comp) {
            const gd_comp *c = &g->comps[it->idx];
            e->comp = 1;
            e->ncomp = (uint8_t)c->n;
            e->ref = c->name;
            e->name = c->name;
            e->type = GT_AN;
            if (!(e->c = arena_zalloc(&L->g->a, (c->n + 1) * sizeof(gel))))
                return nomem(L);
            for (uint32_t j = 1; j <= c->n; j++) {
                const gd_elem *de = &g->elems[c->elems[j - 1]];
                gel *ce = &e->c[j];
                ce->type = de->type;
                ce->min = de->min;
                ce->max = de->max;
                ce->rep = 1;
                ce->usage = GU_N;
                ce->ref = de->ref;
                ce->name = de->name;
            }
        } else {
            const gd_elem *de = &g->elems[it->idx];
            e->type = de->type;
            e->min = de->min;
            e->max = de->max;
            e->ref = de->ref;
            e->name = de->name;
        }
    }
    uint8_t seen[RCM_X12_MAX_ELEMS + 1][65];
    memset(seen, 0, sizeof(seen));
    for (uint32_t k = 0; k < rs->ntok; k++) {
        const rtok *t = &rs->tok[k];
        if (t->el > ds->n)
            return lerr(L, "segment %s: element %u given; the segment has %u", rs->id, t->el, ds->n);
        gel *e = &p->el[t->el], *target = e;
        if (t->comp) {
            if (!e->comp)
                return lerr(L, "segment %s: element %u is not a composite (%u.%u given)", rs->id, t->el, t->el,
                            t->comp);
            if (t->comp > e->ncomp)
                return lerr(L, "segment %s: composite %s has %u components (%u.%u given)", rs->id, e->ref,
                            e->ncomp, t->el, t->comp);
            target = &e->c[t->comp];
            comps_listed[t->el] = 1;
        } else if (e->comp) {
            if (t->codes || t->has_len)
                return lerr(L, "segment %s: element %u is a composite: codes and lengths go on its components",
                            rs->id, t->el);
            own[t->el] = 1;
        }
        if (seen[t->el][t->comp]++)
            return lerr(L, "segment %s: element %u%s%.0u listed twice", rs->id, t->el, t->comp ? "." : "",
                        t->comp);
        target->usage = t->usage;
        if (t->has_len) {
            if (t->min < target->min || t->max > target->max)
                return lerr(L, "segment %s: length %u-%u of element %u is wider than the dictionary's %u-%u",
                            rs->id, t->min, t->max, t->el, target->min, target->max);
            target->min = t->min;
            target->max = t->max;
        }
        if (t->rep) {
            if (t->comp || t->rep > e->rep)
                return lerr(L, "segment %s: element %u may repeat at most %u times (dictionary)", rs->id, t->el,
                            e->rep);
            e->rep = t->rep;
        }
        if (t->codes) {
            int r = compile_codes(L, t->codes, &target->codes);
            if (r < 0)
                return r;
            if (target->type != GT_ID && target->type != GT_AN && target->type != GT_N)
                return lerr(L, "segment %s: element %u has codes but its type is not ID, AN or N", rs->id,
                            t->el);
        }
        if (t->key) {
            if (p->nkeys == G_MAX_KEYS)
                return lerr(L, "segment %s: more than %d key elements", rs->id, G_MAX_KEYS);
            p->keys[p->nkeys++] = (gkey){ t->el, t->comp, target->codes };
            target->key = 1;
        }
    }
    for (uint32_t i = 1; i <= ds->n; i++) {
        gel *e = &p->el[i];
        if (!e->comp)
            continue;
        /* (last_req below, once composites have their usage) */
        if (!own[i] && comps_listed[i]) {
            e->usage = GU_S;
            for (uint32_t j = 1; j <= e->ncomp; j++)
                if (e->c[j].usage == GU_R)
                    e->usage = GU_R;
        } else if (own[i] && !comps_listed[i]) { /* components type-checked only */
            for (uint32_t j = 1; j <= e->ncomp; j++)
                e->c[j].usage = GU_S;
        }
    }
    p->last_req = last_required(p);
    for (uint32_t i = 1; i <= ds->n; i++) {
        gel *e = &p->el[i];
        e->op = gel_op(e);
        for (uint32_t j = 1; e->comp && j <= e->ncomp; j++)
            e->c[j].op = gel_op(&e->c[j]);
    }
    return 0;
}

/* Two positions of one same-id group must be told apart by their keys. */
static int keys_overlap(const gpos *a, const gpos *b)
{
    if (!a->nkeys || !b->nkeys)
        return 1;
    for (uint32_t i = 0; i < a->nkeys; i++)
        for (uint32_t j = 0; j < b->nkeys; j++) {
            const gkey *x = &a->keys[i], *y = &b->keys[j];
            if (x->el != y->el || x->comp != y->comp)
                continue;
            int common = 0;
            for (uint32_t k = 0; k < x->codes->n && !common; k++)
                common = guide_code_in(y->codes, x->codes->v[k]);
            if (!common)
                return 0; /* this key separates them */
        }
    return 1;
}

/* The one code of a first key on element 1, compared as a number when placing a segment. */
static void node_k1(gnode *c)
{
    const gkey *k = c->nkeys ? &c->pos->keys[0] : NULL;
    c->k1 = k && k->el == 1 && !k->comp && k->codes->n == 1;
    c->k1code = c->k1 ? k->codes->k[0] : 0;
}

/* The required-children prefix counts (rebuilt when a restriction changes a usage). */
static int loop_req(ld *L, gloop *lp)
{
    if (!lp->req && (!(lp->req = arena_alloc(&L->g->a, (lp->n + 1) * sizeof(uint32_t))) ||
                     !(lp->ridx = arena_alloc(&L->g->a, (lp->n + 1) * sizeof(uint32_t)))))
        return nomem(L);
    lp->req[0] = 0;
    for (uint32_t i = 0; i < lp->n; i++) {
        lp->req[i + 1] = lp->req[i] + (lp->child[i].usage == GU_R);
        if (lp->child[i].usage == GU_R)
            lp->ridx[lp->req[i]] = i;
    }
    return 0;
}

/* The children by segment id, so that placing a segment looks at the positions of its id only. */
static int loop_index(ld *L, gloop *lp)
{
    uint32_t size = 8;
    while (size < lp->n * 2)
        size *= 2;
    lp->hmask = size - 1;
    if (!(lp->slots = arena_zalloc(&L->g->a, size * sizeof(*lp->slots))) ||
        !(lp->idx = arena_alloc(&L->g->a, lp->n * sizeof(uint32_t))))
        return nomem(L);
    uint32_t used = 0;
    for (uint32_t i = 0; i < lp->n; i++) {
        uint32_t key = lp->child[i].key, h = guide_slot(key, lp->hmask);
        while (lp->slots[h].count && lp->slots[h].key != key)
            h = (h + 1) & lp->hmask;
        if (lp->slots[h].count)
            continue; /* this key's run was built at its first child */
        lp->slots[h].key = key;
        lp->slots[h].first = used;
        for (uint32_t j = i; j < lp->n; j++)
            if (lp->child[j].key == key)
                lp->idx[used++] = j;
        lp->slots[h].count = used - lp->slots[h].first;
    }
    return 0;
}

static int compile_loop(ld *L, const rloop *rl, gloop *out, gloop *parent, uint32_t depth)
{
    int r0;
    rcm_guide *gd = L->guide;
    cstr_copy(out->id, sizeof(out->id), rl->id);
    out->parent = parent;
    out->depth = depth;
    out->line = rl->line;
    out->n = rl->n;
    out->base = gd->ncounts;
    gd->ncounts += rl->n;
    if (depth > gd->depth)
        gd->depth = depth;
    L->line = rl->line;
    if (!rl->n)
        return lerr(L, depth ? "loop %s has no segments" : "guide has no segments", rl->id);
    if (depth && !rl->child[0].seg)
        return lerr(L, "loop %s must begin with a seg line (it identifies the loop)", rl->id);
    if (!(out->child = arena_zalloc(&L->g->a, rl->n * sizeof(gnode))))
        return nomem(L);
    for (uint32_t i = 0; i < rl->n; i++) {
        gnode *c = &out->child[i];
        int r;
        if (rl->child[i].seg) {
            const rseg *rs = rl->child[i].seg;
            if (!(c->pos = arena_zalloc(&L->g->a, sizeof(gpos))))
                return nomem(L);
            if ((r = compile_pos(L, rs, c->pos)) < 0)
                return r;
            c->usage = rs->usage;
            c->max = rs->max;
        } else {
            const rloop *sub = rl->child[i].loop;
            if (!(c->sub = arena_zalloc(&L->g->a, sizeof(gloop))))
                return nomem(L);
            if ((r = compile_loop(L, sub, c->sub, out, depth + 1)) < 0)
                return r;
            c->loop = 1;
            c->usage = sub->usage;
            c->max = sub->max;
            c->pos = c->sub->child[0].pos;
        }
        c->key = c->pos->key;
        c->nkeys = c->pos->nkeys;
        node_k1(c);
        /* the loop's first position identifies it: a group of its own */
        c->group = i > (depth ? 1u : 0u) && out->child[i - 1].key == c->key ? out->child[i - 1].group : i;
        /* the loop's first position is a group of its own, but must be told from its same-id followers too */
        uint32_t check_from = depth && c->group == 1 && out->child[0].key == c->key ? 0 : c->group;
        for (uint32_t k = check_from; k < i; k++) {
            if (keys_overlap(out->child[k].pos, c->pos)) {
                L->line = c->pos->line;
                return lerr(L, "segment %s cannot be told from the %s at line %d (same id, keys not disjoint)",
                            c->pos->id, out->child[k].pos->id, out->child[k].pos->line);
            }
        }
    }
    if (depth)
        out->hl = out->child[0].key == RCM_X12_KEY('H', 'L', 0);
    if ((r0 = loop_index(L, out)) < 0)
        return r0;
    return loop_req(L, out);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static void collect_ids(const gloop *lp, uint32_t *ids, uint32_t *n)
{
    for (uint32_t i = 0; i < lp->n; i++) {
        if (lp->child[i].loop)
            collect_ids(lp->child[i].sub, ids, n);
        else
            ids[(*n)++] = lp->child[i].key;
    }
}

static int finish_guide(ld *L)
{
    rcm_guide *gd = L->guide;
    if (L->cur != &L->root) {
        L->line = L->cur->line;
        return lerr(L, "loop %s has no end line", L->cur->id);
    }
    int r = compile_loop(L, &L->root, &gd->root, NULL, 0);
    if (r < 0)
        return r;
    if (!(gd->ids = arena_alloc(&L->g->a, gd->ncounts * sizeof(uint32_t))))
        return nomem(L);
    uint32_t n = 0;
    collect_ids(&gd->root, gd->ids, &n);
    qsort(gd->ids, n, sizeof(uint32_t), cmp_u32);
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (!k || gd->ids[k - 1] != gd->ids[i])
            gd->ids[k++] = gd->ids[i];
    gd->nids = k;
    return 0;
}

/* ---- restrictions ---- */

static int set_field(ld *L, void *p, const void *v, size_t n)
{
    if (!(L->undo = agrow(&L->tmp, L->undo, L->nundo, &L->capundo, sizeof(undo))))
        return nomem(L);
    undo *u = &L->undo[L->nundo++];
    u->p = p;
    u->n = n;
    memcpy(u->old, p, n);
    memcpy(p, v, n);
    return 0;
}

static void undo_all(ld *L)
{
    while (L->nundo) {
        undo *u = &L->undo[--L->nundo];
        memcpy(u->p, u->old, u->n);
    }
}

static int r_header(ld *L, char **tok, int ntok)
{
    if (L->mode != M_DICT)
        return lerr(L, "one guide or restrict header per file");
    if (ntok < 3)
        return lerr(L, "restrict needs: ST01 VERSION TITLE...");
    const rcm_guide *gd = rcm_guides_find(L->g, tok[1], tok[2]);
    if (!gd)
        return lerr(L, "restrict %s %s: no such guide is loaded", tok[1], tok[2]);
    L->target = (rcm_guide *)gd;
    L->mode = M_RESTRICT;
    return 0;
}

static const char *usage_name(uint8_t u) { return u == GU_R ? "R" : u == GU_S ? "S" : "N"; }

static int narrow_usage(ld *L, const char *what, uint8_t *field, uint8_t nu)
{
    uint8_t old = *field;
    if (nu != old && old != GU_S)
        return lerr(L, "%s: usage %s -> %s widens the guide (only S may become R or N)", what, usage_name(old),
                    usage_name(nu));
    return set_field(L, field, &nu, 1);
}

static int narrow_max(ld *L, const char *what, uint32_t *field, uint32_t nm)
{
    if (nm > *field)
        return lerr(L, "%s: maximum %u widens the guide's %u", what, nm, *field);
    return set_field(L, field, &nm, sizeof(nm));
}

static void find_loops(gloop *lp, const char *id, gloop **out, uint32_t *n, uint32_t cap)
{
    if (strcmp(lp->id, id) == 0 && *n < cap)
        out[(*n)++] = lp;
    for (uint32_t i = 0; i < lp->n; i++)
        if (lp->child[i].loop)
            find_loops(lp->child[i].sub, id, out, n, cap);
}

static int narrow_elem(ld *L, const char *what, gel *e, const rtok *t)
{
    int r;
    if (t->key)
        return lerr(L, "%s: a restriction cannot change keys ('@')", what);
    if (e->usage == GU_N && t->usage != GU_N)
        return lerr(L, "%s: element %u%s%.0u is not used by the guide; a restriction cannot add it", what,
                    t->el, t->comp ? "." : "", t->comp);
    if ((r = narrow_usage(L, what, &e->usage, t->usage)) < 0)
        return r;
    if (t->has_len) {
        if (t->min < e->min || t->max > e->max)
            return lerr(L, "%s: length %u-%u widens the guide's %u-%u", what, t->min, t->max, e->min, e->max);
        if ((r = set_field(L, &e->min, &t->min, sizeof(t->min))) < 0 ||
            (r = set_field(L, &e->max, &t->max, sizeof(t->max))) < 0)
            return r;
    }
    if (t->rep) {
        if (t->rep > e->rep)
            return lerr(L, "%s: %u repetitions widen the guide's %u", what, t->rep, e->rep);
        if ((r = set_field(L, &e->rep, &t->rep, sizeof(t->rep))) < 0)
            return r;
    }
    if (t->codes) {
        const gcodes *c;
        if ((r = compile_codes(L, t->codes, &c)) < 0)
            return r;
        if (e->codes) {
            for (uint32_t i = 0; i < c->n; i++)
                if (!guide_code_in(e->codes, c->v[i]))
                    return lerr(L, "%s: code '%.*s' is not in the guide's list (a restriction only narrows)",
                                what, (int)c->v[i].n, c->v[i].p);
        }
        if ((r = set_field(L, &e->codes, &c, sizeof(c))) < 0)
            return r;
    }
    uint8_t op = gel_op(e);
    return set_field(L, &e->op, &op, sizeof(op));
}

static int r_seg(ld *L, char **tok, int ntok)
{
    if (ntok < 4)
        return lerr(L, "restriction seg needs: LOOP SEGMENT[*KEYCODE] USAGE [MAX] ELEMENTS...");
    char what[64];
    snprintf(what, sizeof(what), "%s %s", tok[1], tok[2]);
    char segid[8], *code = NULL;
    cstr_copy(segid, sizeof(segid), tok[2]);
    char *star = strchr(segid, '*');
    if (star) {
        *star = '\0';
        code = strchr(tok[2], '*') + 1;
    }
    if (!valid_seg_id(segid))
        return lerr(L, "restriction: '%s' is not a segment id", segid);
    uint8_t usage;
    uint32_t max = 0;
    if (parse_usage(tok[3], 1, &usage) < 0)
        return lerr(L, "%s: usage '%s' must be R, S or N", what, tok[3]);
    int first = 4;
    if (ntok > 4 && is_max(tok[4])) {
        parse_max(tok[4], &max);
        first = 5;
    }
    rtok *toks;
    uint32_t ntoks;
    int r = parse_toks(L, tok + first, ntok - first, &toks, &ntoks);
    if (r < 0)
        return r;
    gloop *loops[8];
    uint32_t nl = 0;
    const char *lid = strcmp(tok[1], "-") == 0 ? "" : tok[1];
    find_loops(&L->target->root, lid, loops, &nl, ARRAY_SIZE(loops));
    if (!nl)
        return lerr(L, "%s: the guide has no loop %s ('-' names the header and trailer)", what, tok[1]);
    uint32_t key = id_key(segid), hits = 0;
    for (uint32_t li = 0; li < nl; li++) {
        for (uint32_t i = 0; i < loops[li]->n; i++) {
            gnode *c = &loops[li]->child[i];
            if (c->loop || c->key != key)
                continue;
            if (code && (!c->pos->nkeys || !guide_code_in(c->pos->keys[0].codes, rcm_str_c(code))))
                continue;
            hits++;
            if ((r = narrow_usage(L, what, &c->usage, usage)) < 0)
                return r;
            if (max && (r = narrow_max(L, what, &c->max, max)) < 0)
                return r;
            for (uint32_t k = 0; k < ntoks; k++) {
                const rtok *t = &toks[k];
                if (t->el > c->pos->nel)
                    return lerr(L, "%s: element %u given; the segment has %u", what, t->el, c->pos->nel);
                gel *e = &c->pos->el[t->el];
                if (t->comp) {
                    if (!e->comp || t->comp > e->ncomp)
                        return lerr(L, "%s: element %u has no component %u", what, t->el, t->comp);
                    e = &e->c[t->comp];
                }
                if ((r = narrow_elem(L, what, e, t)) < 0)
                    return r;
                for (uint32_t ki = 0; ki < c->pos->nkeys; ki++) { /* a key's narrower codes place the segment */
                    gkey *pk = &c->pos->keys[ki];
                    if (pk->el == t->el && pk->comp == t->comp && pk->codes != e->codes &&
                        (r = set_field(L, &pk->codes, &e->codes, sizeof(e->codes))) < 0)
                        return r;
                }
                gnode nc = *c;
                node_k1(&nc);
                if ((r = set_field(L, &c->k1, &nc.k1, sizeof(nc.k1))) < 0 ||
                    (r = set_field(L, &c->k1code, &nc.k1code, sizeof(nc.k1code))) < 0)
                    return r;
            }
            uint32_t last = last_required(c->pos);
            if ((r = set_field(L, &c->pos->last_req, &last, sizeof(last))) < 0)
                return r;
        }
    }
    if (!hits)
        return lerr(L, "%s: no such segment position in loop %s%s%s", what, tok[1], code ? " with key code " : "",
                    code ? code : "");
    return 0;
}

static int r_loop(ld *L, char **tok, int ntok)
{
    if (ntok < 3 || ntok > 4)
        return lerr(L, "restriction loop needs: LOOP USAGE [MAX]");
    char what[48];
    snprintf(what, sizeof(what), "loop %s", tok[1]);
    uint8_t usage;
    uint32_t max = 0;
    if (parse_usage(tok[2], 1, &usage) < 0)
        return lerr(L, "%s: usage '%s' must be R, S or N", what, tok[2]);
    if (ntok == 4 && parse_max(tok[3], &max) < 0)
        return lerr(L, "%s: maximum '%s' must be a number or >1", what, tok[3]);
    gloop *loops[8];
    uint32_t nl = 0;
    find_loops(&L->target->root, tok[1], loops, &nl, ARRAY_SIZE(loops));
    if (!nl || !tok[1][0])
        return lerr(L, "%s: the guide has no such loop", what);
    for (uint32_t li = 0; li < nl; li++) {
        gloop *parent = loops[li]->parent;
        for (uint32_t i = 0; i < parent->n; i++) {
            gnode *c = &parent->child[i];
            if (!c->loop || c->sub != loops[li])
                continue;
            int r;
            if ((r = narrow_usage(L, what, &c->usage, usage)) < 0)
                return r;
            if (max && (r = narrow_max(L, what, &c->max, max)) < 0)
                return r;
        }
    }
    return 0;
}

/* ---- a file ---- */

static int split(char *line, char **tok, int cap)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            return n;
        if (n == cap)
            return -1;
        tok[n++] = p;
        /* a double-quoted span keeps its spaces (a code such as "SITUATIONAL TRIGGER"); the
         * quotes themselves are removed */
        char *w = p;
        int quoted = 0;
        while (*p && (quoted || (*p != ' ' && *p != '\t'))) {
            if (*p == '"')
                quoted = !quoted;
            else
                *w++ = *p;
            p++;
        }
        if (quoted)
            return -2;
        int end = *p != '\0';
        *w = '\0';
        if (end)
            p++;
    }
}

static int do_line(ld *L, char **tok, int ntok)
{
    const char *d = tok[0];
    if (strcmp(d, "elem") == 0)
        return d_elem(L, tok, ntok);
    if (strcmp(d, "comp") == 0)
        return d_comp(L, tok, ntok);
    if (strcmp(d, "rule") == 0)
        return d_rule(L, tok, ntok);
    if (strcmp(d, "fmt") == 0)
        return d_fmt(L, tok, ntok);
    if (strcmp(d, "guide") == 0)
        return g_header(L, tok, ntok);
    if (strcmp(d, "restrict") == 0)
        return r_header(L, tok, ntok);
    if (strcmp(d, "codes") == 0 && L->mode != M_DICT)
        return g_codes(L, tok, ntok);
    if (strcmp(d, "alias") == 0)
        return g_alias(L, tok, ntok);
    if (L->mode == M_RESTRICT) {
        if (strcmp(d, "seg") == 0)
            return r_seg(L, tok, ntok);
        if (strcmp(d, "loop") == 0)
            return r_loop(L, tok, ntok);
        return lerr(L, "unknown line '%s' in a restriction (seg, loop)", d);
    }
    if (strcmp(d, "seg") == 0) {
        /* a position's third token is its usage, a letter; a dictionary segment's an element */
        if (L->mode == M_GUIDE && ntok >= 3 && tok[2][0] >= 'A' && tok[2][0] <= 'Z' && !tok[2][1])
            return g_seg(L, tok, ntok);
        return d_seg(L, tok, ntok);
    }
    static const char *const guide_only[] = { "loop", "end", "codes", "unit" };
    int known = 0;
    for (size_t i = 0; i < ARRAY_SIZE(guide_only); i++)
        known |= strcmp(d, guide_only[i]) == 0;
    if (!known)
        return lerr(L, "unknown line '%s' (elem comp seg rule fmt guide unit codes loop end restrict)", d);
    if (L->mode != M_GUIDE)
        return lerr(L, "'%s' outside a guide (a guide line comes first)", d);
    if (strcmp(d, "loop") == 0)
        return g_loop(L, tok, ntok);
    if (strcmp(d, "end") == 0) {
        if (ntok != 1)
            return lerr(L, "end takes nothing after it");
        if (L->cur == &L->root)
            return lerr(L, "end without a loop");
        L->cur = L->cur->parent;
        return 0;
    }
    return g_unit(L, tok, ntok);
}

static int commit_guide(ld *L)
{
    rcm_guides *g = L->g;
    for (uint32_t i = 0; i < g->ng; i++) {
        if (strcmp(g->g[i]->st01, L->guide->st01) == 0 && strcmp(g->g[i]->version, L->guide->version) == 0) {
            g->g[i] = L->guide; /* replaced; the old one stays in the arena until g is freed */
            return 0;
        }
    }
    rcm_guide **ng = rgrow(g->g, g->ng, &g->capg, sizeof(rcm_guide *));
    if (!ng)
        return nomem(L);
    g->g = ng;
    g->g[g->ng++] = L->guide;
    return 0;
}

/* Usage changed by a restriction (or restored after a failed one): the prefix counts follow. */
static void req_all(ld *L, gloop *lp)
{
    loop_req(L, lp); /* the array exists: no allocation, cannot fail */
    for (uint32_t i = 0; i < lp->n; i++)
        if (lp->child[i].loop)
            req_all(L, lp->child[i].sub);
}

static int load_text(ld *L, char *text, size_t len)
{
    int rc = 0;
    char *p = text, *end = text + len;
    char *tok[512];
    while (p < end && rc == 0) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = '\0';
        L->line++;
        if (memchr(p, '\0', (size_t)(le - p)) != NULL) {
            rc = lerr(L, "a NUL byte in the table");
            break;
        }
        char *hash = strchr(p, '#');
        if (hash)
            *hash = '\0';
        for (char *c = p; *c; c++)
            if (*c == '\r')
                *c = ' ';
        int ntok = rc ? 0 : split(p, tok, (int)ARRAY_SIZE(tok));
        if (ntok == -2)
            rc = lerr(L, "a double quote is not closed");
        else if (ntok < 0)
            rc = lerr(L, "more than %zu tokens on a line", ARRAY_SIZE(tok));
        else if (ntok > 0)
            rc = do_line(L, tok, ntok);
        p = le + 1;
    }
    if (rc == 0 && L->mode == M_GUIDE && (rc = finish_guide(L)) == 0)
        rc = commit_guide(L);
    if (rc == 0 && L->mode == M_RESTRICT)
        req_all(L, &L->target->root);
    return rc;
}

int rcm_guides_load_mem(rcm_guides *g, const char *text, size_t len, const char *name, rcm_error *err)
{
    if (!g || (!text && len))
        return rcm_error_set(err, RCM_EINVAL, "rcm_guides_load_mem: no guides or no text");
    if (!name)
        name = "guide";
    ld L;
    memset(&L, 0, sizeof(L));
    L.g = g;
    L.err = err;
    arena_init(&L.tmp, 65536, ARENA_MAX);
    L.cur = &L.root;
    int rc = 0;
    /* the dictionary as it was, restored if the file fails */
    uint32_t nelems = g->nelems, ncomps = g->ncomps, nsegs = g->nsegs;
    gd_seg *segs_copy = NULL;
    char *buf = NULL;
    if (nsegs && !(segs_copy = malloc(nsegs * sizeof(gd_seg)))) {
        rc = rcm_error_set(err, RCM_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    if (nsegs)
        memcpy(segs_copy, g->segs, nsegs * sizeof(gd_seg));
    if (!(L.file = arena_strdup(&g->a, name, strlen(name))) || !(buf = malloc(len + 1))) {
        rc = rcm_error_set(err, RCM_ENOMEM, "%s: out of memory", name);
        goto done;
    }
    if (len)
        memcpy(buf, text, len);
    buf[len] = '\0';
    rc = load_text(&L, buf, len);
    if (rc < 0) {
        undo_all(&L);
        if (L.target)
            req_all(&L, &L.target->root);
        g->nelems = nelems;
        g->ncomps = ncomps;
        g->nsegs = nsegs;
        if (nsegs)
            memcpy(g->segs, segs_copy, nsegs * sizeof(gd_seg));
    }
done:
    for (uint32_t i = 0; i < L.ncodes; i++)
        rcm_buf_release(&L.codes[i].text);
    arena_release(&L.tmp);
    free(segs_copy);
    free(buf);
    return rc;
}

int rcm_guides_load(rcm_guides *g, const char *path, rcm_error *err)
{
    if (!g || !path)
        return rcm_error_set(err, RCM_EINVAL, "rcm_guides_load: no guides or no path");
    FILE *f = fopen(path, "rb");
    if (!f)
        return rcm_error_set(err, RCM_EIO, "%s: cannot open: %s", path, strerror(errno));
    rcm_buf b;
    rcm_buf_init(&b, (size_t)64 << 20);
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rcm_buf_add(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    int rc;
    if (bad)
        rc = rcm_error_set(err, RCM_EIO, "%s: read error", path);
    else if (rcm_buf_failed(&b))
        rc = rcm_error_set(err, RCM_ENOMEM, "%s: too large for a guide table", path);
    else
        rc = rcm_guides_load_mem(g, b.ptr, b.len, path, err);
    rcm_buf_release(&b);
    return rc;
}

int rcm_guides_new(rcm_guides **out, rcm_error *err)
{
    *out = calloc(1, sizeof(**out));
    if (!*out)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    arena_init(&(*out)->a, 65536, ARENA_MAX);
    return 0;
}

int rcm_guides_builtin(rcm_guides **out, rcm_error *err)
{
    rcm_guides *g;
    int first = rcm_guides_new(&g, err);
    *out = NULL;
    if (first < 0)
        return first;
    rcm_error e1;
    /* the dictionary first, then every guide in name order (the table is generated in that order) */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t i = 0; i < guide_ntables; i++) {
            const char *nm = guide_tables[i].name;
            const char *base = strrchr(nm, '/');
            int dict = strcmp(base ? base + 1 : nm, "dictionary.tbl") == 0;
            if (dict != (pass == 0))
                continue;
            memset(&e1, 0, sizeof(e1));
            int rc = rcm_guides_load_mem(g, (const char *)guide_tables[i].text, guide_tables[i].len, nm, &e1);
            if (rc == RCM_ENOMEM) {
                rcm_guides_free(g);
                if (err)
                    *err = e1;
                return rc;
            }
            if (rc < 0 && !first) {
                first = rc;
                if (err)
                    *err = e1;
            }
        }
    }
    *out = g;
    return first;
}

void rcm_guides_free(rcm_guides *g)
{
    if (!g)
        return;
    free(g->elems);
    free(g->comps);
    free(g->segs);
    free(g->g);
    arena_release(&g->a);
    free(g);
}

const rcm_guide *rcm_guides_find(const rcm_guides *g, const char *st01, const char *version)
{
    if (!g || !st01 || !version)
        return NULL;
    for (uint32_t i = 0; i < g->ng; i++)
        if (strcmp(g->g[i]->st01, st01) == 0 && strcmp(g->g[i]->version, version) == 0)
            return g->g[i];
    for (uint32_t i = 0; i < g->ng; i++)
        if (strcmp(g->g[i]->st01, st01) == 0)
            for (uint32_t a = 0; a < g->g[i]->nalias; a++)
                if (strcmp(g->g[i]->alias[a], version) == 0)
                    return g->g[i];
    /* a version without its addendum (005010X231 for 005010X231A1): the addendum's guide */
    size_t n = strlen(version);
    if (n < 6)
        return NULL;
    for (uint32_t i = 0; i < g->ng; i++)
        if (strcmp(g->g[i]->st01, st01) == 0 && strncmp(g->g[i]->version, version, n) == 0 &&
            g->g[i]->version[n] == 'A')
            return g->g[i];
    return NULL;
}

size_t rcm_guides_count(const rcm_guides *g) { return g ? g->ng : 0; }
const rcm_guide *rcm_guides_get(const rcm_guides *g, size_t i) { return g && i < g->ng ? g->g[i] : NULL; }
const char *rcm_guide_st01(const rcm_guide *gd) { return gd->st01; }
const char *rcm_guide_version(const rcm_guide *gd) { return gd->version; }
const char *rcm_guide_gs01(const rcm_guide *gd) { return gd->gs01; }
const char *rcm_guide_title(const rcm_guide *gd) { return gd->title; }
