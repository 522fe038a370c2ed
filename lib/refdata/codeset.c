/*
 * The code sets in memory (rcm/codeset.h): one read of the store into
 * open-addressing hash tables (the public sets in one big table, the MCE
 * lists and the medical-necessity index each in a small one), then lookups
 * that touch no store, take no lock and allocate nothing.
 *
 * Every answer comes from one load: per key space (each public set, the MCE
 * lists, the medical-necessity policies) the loads not replaced are kept
 * sorted by (effective-from, load id), as the store orders them, and the one
 * in force on a date of service is found by binary search and a short walk
 * back (lib/refdata/import.c refdata_load_in_force). The fee schedule keeps
 * rcm_pfs_rvu_find's rule: the release in force, else the earliest release
 * of the date's year.
 *
 * A key is the code packed into 42 bits (up to 7 characters [0-9A-Z], 6 bits
 * each, the first character highest, so packed codes compare as the strings
 * do), the load's slot in its space (16 bits) and the space (4 bits): a
 * lookup is one probe sequence. Rows of one load with the same code (a list
 * whose codes carry their own dates) are kept side by side and the probe
 * takes the first whose own dates cover the date.
 */
#include <ctype.h>
#include "mn_internal.h"
#include "rcm/codeset.h"

/* Key spaces beyond the public sets. */
#define CS_MCE RCM_SET_COUNT
#define CS_MN (RCM_SET_COUNT + 1)
#define CS_SPACES (RCM_SET_COUNT + 2)

#define CS_SLOT_MAX 0xffff
#define CS_OPEN_FROM INT32_MIN
#define CS_OPEN_TO INT32_MAX
#define MN_DX_LOCAL 32

/* The loader kind of each space and the ref_code set its rows carry (NULL: another table). */
static const struct {
    const char *kind, *code_set;
} spaces[CS_SPACES] = {
    [RCM_SET_ICD10CM] = { "icd10cm", "icd10cm" }, [RCM_SET_HCPCS] = { "hcpcs", "hcpcs" },
    [RCM_SET_HCPCS_MOD] = { "hcpcs", "hcpcs_mod" }, [RCM_SET_CPT] = { "cpt", "cpt" },
    [RCM_SET_POS] = { "pos", "pos" }, [RCM_SET_PFS] = { "pprrvu", NULL },
    [CS_MCE] = { "mce", NULL }, [CS_MN] = { "mn", NULL },
};

/* The MCE age categories in rcm_mce_fact order. */
static const char *const age_cats[4] = { "newborn", "pediatric", "maternity", "adult" };
static const int default_age_min[4] = { 0, 0, 9, 15 }, default_age_max[4] = { 0, 17, 64, 124 };

typedef struct cs_load {
    long id;
    int32_t from, to;               /* the load's range; open ends CS_OPEN_FROM / CS_OPEN_TO */
    const char *version, *source;
    int age_min[4], age_max[4];     /* MCE loads */
} cs_load;

typedef struct cs_loads {
    cs_load *v;
    size_t n, cap;
} cs_loads;

typedef struct cs_entry {
    uint64_t key;                   /* 0: an empty slot */
    int32_t from, to;               /* the row's own dates; open ends CS_OPEN_FROM / CS_OPEN_TO */
    uint64_t info;                  /* ICD-10-CM: billable; PFS: the facts packed (pfs_info);
                                       MCE: RCM_MCE_* bits; MN: first << 32 | count into mn_idx */
} cs_entry;

/* One medical-necessity row: the diagnoses it names as packed codes lo..hi. */
typedef struct mn_row {
    uint64_t lo, hi;
    int32_t from, to;
    const char *policy, *payer, *group; /* shared by consecutive rows that are equal */
    size_t payer_len;
    long line;
    uint16_t slot;
} mn_row;

/* One open-addressing table (linear probing, kept under half full). */
typedef struct cs_table {
    cs_entry *v;
    size_t cap, used;
    unsigned shift;                 /* 64 - log2(cap) */
} cs_table;

/*
 * The public sets share the big table (about 6 MB at national scale). The
 * MCE lists and the medical-necessity index have small tables of their own:
 * most diagnoses are in no MCE list and most procedures under no policy, so
 * those lookups miss, and a miss in a table that stays in cache is cheap.
 */
struct rcm_codeset {
    cs_loads loads[CS_SPACES];
    cs_table tab, mce, mn_tab;
    size_t count[CS_SPACES];
    mn_row *mn;
    size_t nmn, mn_cap;
    uint32_t *mn_idx;
    arena strings;
};

/* ---- packing and hashing ---- */

/*
 * Up to 7 characters [0-9A-Z] (lower case folded; with skip_dot a '.' is
 * ignored) as 6-bit digits 1-36, the first character in the highest place;
 * 0 when s is empty or not such a code. *len gets the character count.
 */
static inline uint64_t pack_code(rcm_str s, int skip_dot, unsigned *len)
{
    uint64_t v = 0;
    unsigned n = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned ch = (unsigned char)s.p[i], d;
        if (ch - '0' < 10)
            d = ch - '0' + 1;
        else if (ch - 'A' < 26)
            d = ch - 'A' + 11;
        else if (ch - 'a' < 26)
            d = ch - 'a' + 11;
        else if (ch == '.' && skip_dot)
            continue;
        else
            return 0;
        if (n == 7)
            return 0;
        v |= (uint64_t)d << (6 * (6 - n));
        n++;
    }
    if (len)
        *len = n;
    return v;
}

/* Every code that starts with a packed code of len characters lies in [code, code | below(len)]. */
static uint64_t below(unsigned len)
{
    return len >= 7 ? 0 : (UINT64_C(1) << (6 * (7 - len))) - 1;
}

static inline uint64_t make_key(int space, size_t slot, uint64_t code)
{
    return code | (uint64_t)slot << 42 | (uint64_t)space << 58;
}

static inline size_t home(const cs_table *tb, uint64_t key)
{
    return (size_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> tb->shift);
}

static int tab_resize(cs_table *tb, size_t cap)
{
    cs_entry *old = tb->v;
    size_t oldcap = tb->cap;
    cs_entry *t = calloc(cap, sizeof(*t));
    if (!t)
        return RCM_ENOMEM;
    unsigned bits = 0;
    while (((size_t)1 << bits) < cap)
        bits++;
    tb->v = t;
    tb->cap = cap;
    tb->shift = 64 - bits;
    for (size_t i = 0; i < oldcap; i++) {
        if (!old[i].key)
            continue;
        size_t j = home(tb, old[i].key);
        while (t[j].key)
            j = (j + 1) & (cap - 1);
        t[j] = old[i];
    }
    free(old);
    return 0;
}

/* Adds an entry (a key may repeat); kept under half full. */
static int tab_put(cs_table *tb, uint64_t key, int32_t from, int32_t to, uint64_t info)
{
    if ((tb->used + 1) * 2 > tb->cap && tab_resize(tb, tb->cap ? tb->cap * 2 : 64) < 0)
        return RCM_ENOMEM;
    size_t j = home(tb, key);
    while (tb->v[j].key)
        j = (j + 1) & (tb->cap - 1);
    tb->v[j] = (cs_entry){ key, from, to, info };
    tb->used++;
    return 0;
}

/* The first entry with key, or NULL. */
static inline const cs_entry *tab_find(const cs_table *tb, uint64_t key)
{
    if (!tb->cap)
        return NULL;
    for (size_t j = home(tb, key);; j = (j + 1) & (tb->cap - 1)) {
        const cs_entry *e = &tb->v[j];
        if (e->key == key)
            return e;
        if (!e->key)
            return NULL;
    }
}

static inline int entry_covers(const cs_entry *e, rcm_date dos)
{
    return dos == RCM_DATE_NONE ? e->to == CS_OPEN_TO : e->from <= dos && dos <= e->to;
}

/* ---- the load in force ---- */

/*
 * The slot of the load in force on dos: the latest (effective-from, load id)
 * whose range covers dos; dos RCM_DATE_NONE: the latest load. -1: none.
 */
static int load_in_force(const cs_loads *l, rcm_date dos)
{
    if (!l->n)
        return -1;
    if (dos == RCM_DATE_NONE)
        return (int)l->n - 1;
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (l->v[mid].from <= dos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i-- > 0;)
        if (l->v[i].to >= dos)
            return (int)i;
    return -1;
}

/* The fee schedule's rule: in force, else the earliest release starting in dos's year (fee.c pick_load). */
static int pfs_in_force(const cs_loads *l, rcm_date dos)
{
    int i = load_in_force(l, dos);
    if (i >= 0 || dos == RCM_DATE_NONE)
        return i;
    int y, m, d;
    rcm_date_to_ymd(dos, &y, &m, &d);
    rcm_date y0 = rcm_date_from_ymd(y, 1, 1), y1 = rcm_date_from_ymd(y, 12, 31);
    for (size_t k = 0; k < l->n; k++) {
        if (l->v[k].from == CS_OPEN_FROM || l->v[k].from < y0)
            continue;
        if (l->v[k].from > y1)
            break;
        while (k + 1 < l->n && l->v[k + 1].from == l->v[k].from)
            k++; /* the same start: the later load */
        return (int)k;
    }
    return -1;
}

/* ---- lookups ---- */

/* The CPT modifiers rcm knows by number (their descriptors are AMA text and not needed here). */
static int cpt_modifier(rcm_str code)
{
    static const unsigned char known[100] = {
        [22] = 1, [23] = 1, [24] = 1, [25] = 1, [26] = 1, [27] = 1, [32] = 1, [33] = 1, [47] = 1, [50] = 1,
        [51] = 1, [52] = 1, [53] = 1, [54] = 1, [55] = 1, [56] = 1, [57] = 1, [58] = 1, [59] = 1, [62] = 1,
        [63] = 1, [66] = 1, [73] = 1, [74] = 1, [76] = 1, [77] = 1, [78] = 1, [79] = 1, [80] = 1, [81] = 1,
        [82] = 1, [90] = 1, [91] = 1, [92] = 1, [93] = 1, [95] = 1, [96] = 1, [97] = 1, [99] = 1,
    };
    if (code.n != 2 || !isdigit((unsigned char)code.p[0]) || !isdigit((unsigned char)code.p[1]))
        return 0;
    return known[(code.p[0] - '0') * 10 + (code.p[1] - '0')];
}

static void pfs_facts(rcm_code_fact *out, uint64_t info)
{
    out->status = (char)(info & 0xff);
    out->pctc = (char)(info >> 8 & 0xff);
    out->bilat = (char)(info >> 16 & 0xff);
    out->glob_days[0] = (char)(info >> 24 & 0xff);
    out->glob_days[1] = (char)(info >> 32 & 0xff);
    out->glob_days[2] = (char)(info >> 40 & 0xff);
    out->glob_days[3] = '\0';
}

int rcm_codeset_find(const rcm_codeset *cs, int set, rcm_str code, rcm_date dos, rcm_code_fact *out)
{
    memset(out, 0, sizeof(*out));
    out->valid = -1;
    if (cs && set >= 0 && set < RCM_SET_COUNT) {
        const cs_loads *l = &cs->loads[set];
        int slot = set == RCM_SET_PFS ? pfs_in_force(l, dos) : load_in_force(l, dos);
        if (slot >= 0) {
            const cs_load *ld = &l->v[slot];
            out->valid = 0;
            out->version = ld->version;
            out->source = ld->source;
            out->load_id = ld->id;
            uint64_t c = pack_code(code, set == RCM_SET_ICD10CM, NULL);
            const cs_entry *first = NULL, *hit = NULL;
            if (c && cs->tab.cap) {
                uint64_t key = make_key(set, (size_t)slot, c);
                for (size_t j = home(&cs->tab, key); cs->tab.v[j].key; j = (j + 1) & (cs->tab.cap - 1)) {
                    const cs_entry *e = &cs->tab.v[j];
                    if (e->key != key)
                        continue;
                    if (entry_covers(e, dos)) {
                        hit = e;
                        break;
                    }
                    if (!first)
                        first = e;
                }
            }
            const cs_entry *e = hit ? hit : first;
            if (hit)
                out->valid = 1;
            if (e) {
                out->billable = set == RCM_SET_ICD10CM ? (int)(e->info & 1) : 1;
                if (set == RCM_SET_PFS)
                    pfs_facts(out, e->info);
            }
        }
    }
    if (out->valid != 1 && set == RCM_SET_HCPCS_MOD && cpt_modifier(code)) {
        out->valid = 1;
        out->billable = 1;
        out->version = "built-in";
        out->source = "CPT modifier numbers known to rcm";
        out->load_id = 0;
    }
    return out->valid;
}

void rcm_codeset_prefetch(const rcm_codeset *cs, int set, rcm_str code, rcm_date dos)
{
    if (!cs || set < 0 || set >= RCM_SET_COUNT || !cs->tab.cap)
        return;
    const cs_loads *l = &cs->loads[set];
    int slot = set == RCM_SET_PFS ? pfs_in_force(l, dos) : load_in_force(l, dos);
    uint64_t c = slot >= 0 ? pack_code(code, set == RCM_SET_ICD10CM, NULL) : 0;
    if (c)
        __builtin_prefetch(&cs->tab.v[home(&cs->tab, make_key(set, (size_t)slot, c))]);
}

int rcm_codeset_mce(const rcm_codeset *cs, rcm_str dx, rcm_date dos, rcm_mce_fact *out)
{
    memset(out, 0, sizeof(*out));
    int slot = cs ? load_in_force(&cs->loads[CS_MCE], dos) : -1;
    if (slot < 0)
        return -1;
    const cs_load *ld = &cs->loads[CS_MCE].v[slot];
    memcpy(out->age_min, ld->age_min, sizeof(out->age_min));
    memcpy(out->age_max, ld->age_max, sizeof(out->age_max));
    out->version = ld->version;
    out->source = ld->source;
    out->load_id = ld->id;
    uint64_t c = pack_code(dx, 1, NULL);
    const cs_entry *e = c ? tab_find(&cs->mce, make_key(CS_MCE, (size_t)slot, c)) : NULL;
    out->cats = e ? (unsigned)e->info : 0;
    return 1;
}

static inline int mn_row_in_force(const mn_row *r, rcm_date dos)
{
    return dos == RCM_DATE_NONE ? r->to == CS_OPEN_TO : r->from <= dos && dos <= r->to;
}

/* 1 + the index of the first diagnosis r names, 0 none. */
static size_t mn_match(const mn_row *r, const uint64_t *packed, size_t nloc, const rcm_str *dx, size_t ndx)
{
    for (size_t i = 0; i < ndx; i++) {
        uint64_t c = i < nloc ? packed[i] : pack_code(dx[i], 1, NULL);
        if (c && r->lo <= c && c <= r->hi)
            return i + 1;
    }
    return 0;
}

static void mn_fill(rcm_mn_fact *out, const rcm_codeset *cs, const mn_row *r, size_t dx_index)
{
    if (!out)
        return;
    const cs_load *ld = &cs->loads[CS_MN].v[r->slot];
    out->policy = r->policy;
    out->payer = r->payer;
    out->group = r->group;
    out->version = ld->version;
    out->source = ld->source;
    out->load_id = ld->id;
    out->line = r->line;
    out->dx_index = dx_index;
}

int rcm_codeset_mn_listed(const rcm_codeset *cs, rcm_str proc, rcm_date dos)
{
    int slot = cs ? load_in_force(&cs->loads[CS_MN], dos) : -1;
    uint64_t pc = slot >= 0 ? pack_code(proc, 0, NULL) : 0;
    return pc && tab_find(&cs->mn_tab, make_key(CS_MN, (size_t)slot, pc)) != NULL;
}

int rcm_codeset_mn(const rcm_codeset *cs, rcm_str payer, rcm_str proc, rcm_date dos, const rcm_str *dx,
                   size_t ndx, rcm_mn_fact *out)
{
    if (out)
        memset(out, 0, sizeof(*out));
    int slot = cs ? load_in_force(&cs->loads[CS_MN], dos) : -1;
    uint64_t pc = slot >= 0 ? pack_code(proc, 0, NULL) : 0;
    const cs_entry *e = pc ? tab_find(&cs->mn_tab, make_key(CS_MN, (size_t)slot, pc)) : NULL;
    if (!e)
        return RCM_MN_NO_POLICY;
    const uint32_t *idx = cs->mn_idx + (e->info >> 32);
    uint32_t count = (uint32_t)e->info;
    uint64_t packed[MN_DX_LOCAL];
    size_t nloc = ndx < MN_DX_LOCAL ? ndx : MN_DX_LOCAL;
    for (size_t i = 0; i < nloc; i++)
        packed[i] = pack_code(dx[i], 1, NULL);
    const mn_row *listed = NULL;
    for (uint32_t k = 0, end; k < count; k = end) {
        /* a run: one policy, payer and group (rows were read sorted so; equal strings are shared) */
        const mn_row *r0 = &cs->mn[idx[k]];
        for (end = k + 1; end < count; end++) {
            const mn_row *r = &cs->mn[idx[end]];
            if (r->policy != r0->policy || r->payer != r0->payer || r->group != r0->group)
                break;
        }
        if (r0->payer_len && (payer.n != r0->payer_len || memcmp(payer.p, r0->payer, payer.n) != 0))
            continue;
        int grouped = r0->group[0] != '\0', any = 0, all = 1;
        const mn_row *hit = NULL;
        size_t hit_dx = 0;
        for (uint32_t j = k; j < end; j++) {
            const mn_row *r = &cs->mn[idx[j]];
            if (!mn_row_in_force(r, dos))
                continue;
            if (!listed)
                listed = r;
            any = 1;
            size_t m = mn_match(r, packed, nloc, dx, ndx);
            if (m && !hit) {
                hit = r;
                hit_dx = m - 1;
            }
            if (!m)
                all = 0;
            if ((m && !grouped) || (!m && grouped))
                break;
        }
        if (any && hit && (!grouped || all)) {
            mn_fill(out, cs, hit, hit_dx);
            return RCM_MN_COVERED;
        }
    }
    if (!listed)
        return RCM_MN_NO_POLICY;
    mn_fill(out, cs, listed, 0);
    return RCM_MN_NOT_COVERED;
}


size_t rcm_codeset_count(const rcm_codeset *cs, int set)
{
    return cs && set >= 0 && set < RCM_SET_COUNT ? cs->count[set] : 0;
}

void rcm_codeset_free(rcm_codeset *cs)
{
    if (!cs)
        return;
    for (int i = 0; i < CS_SPACES; i++)
        free(cs->loads[i].v);
    free(cs->tab.v);
    free(cs->mce.v);
    free(cs->mn_tab.v);
    free(cs->mn);
    free(cs->mn_idx);
    arena_release(&cs->strings);
    free(cs);
}

/* ---- reading the store ---- */

static const char *keep(rcm_codeset *cs, const unsigned char *s)
{
    const char *t = s ? (const char *)s : "";
    return arena_strdup(&cs->strings, t, strlen(t));
}

/* The same string as prev when equal (so runs compare by pointer), else a copy. */
static const char *keep_run(rcm_codeset *cs, const char *prev, const unsigned char *s)
{
    const char *t = s ? (const char *)s : "";
    return prev && strcmp(prev, t) == 0 ? prev : arena_strdup(&cs->strings, t, strlen(t));
}

static int32_t col_from(sqlite3_stmt *s, int i)
{
    int32_t d = store_column_date(s, i);
    return d == RCM_DATE_NONE ? CS_OPEN_FROM : d;
}

static int32_t col_to(sqlite3_stmt *s, int i)
{
    int32_t d = store_column_date(s, i);
    return d == RCM_DATE_NONE ? CS_OPEN_TO : d;
}

static int oom(rcm_error *err)
{
    return rcm_error_set(err, RCM_ENOMEM, "out of memory reading the code sets");
}

static int push_load(rcm_codeset *cs, int space, const cs_load *ld, rcm_error *err)
{
    cs_loads *l = &cs->loads[space];
    if (l->n > CS_SLOT_MAX)
        return rcm_error_set(err, RCM_ELIMIT, "more than %d %s loads: remove old ones", CS_SLOT_MAX,
                             spaces[space].kind);
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        cs_load *v = realloc(l->v, cap * sizeof(*v));
        if (!v)
            return oom(err);
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = *ld;
    return 0;
}

/* An mce_ages load: its version and id. */
typedef struct ages_load {
    const char *version;
    long id;
} ages_load;

/*
 * Every load not replaced, in the store's order, into its spaces; mce_ages
 * loads into *ages. Sizes the table from the row counts.
 */
static int read_loads(rcm_codeset *cs, rcm_store *st, ages_load **ages, size_t *nages, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT load_id, kind, version, source, eff_from, eff_to, row_count"
                      " FROM refdata_load WHERE replaced_by IS NULL"
                      " AND kind IN ('icd10cm', 'hcpcs', 'cpt', 'pos', 'pprrvu', 'mce', 'mce_ages', 'mn')"
                      " ORDER BY coalesce(eff_from, -2147483647), load_id", err) < 0)
        return RCM_EIO;
    int r = SQLITE_DONE, rc = 0;
    size_t rows = 0, acap = 0;
    while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(s, 1);
        cs_load ld;
        memset(&ld, 0, sizeof(ld));
        ld.id = (long)sqlite3_column_int64(s, 0);
        ld.version = keep(cs, sqlite3_column_text(s, 2));
        ld.source = keep(cs, sqlite3_column_text(s, 3));
        ld.from = col_from(s, 4);
        ld.to = col_to(s, 5);
        if (kind && strcmp(kind, "mce") != 0 && strcmp(kind, "mn") != 0)
            rows += (size_t)sqlite3_column_int64(s, 6); /* the big table's */
        if (!ld.version || !ld.source) {
            rc = oom(err);
            break;
        }
        if (kind && strcmp(kind, "mce_ages") == 0) {
            if (*nages == acap) {
                acap = acap ? acap * 2 : 4;
                ages_load *v = realloc(*ages, acap * sizeof(*v));
                if (!v) {
                    rc = oom(err);
                    break;
                }
                *ages = v;
            }
            (*ages)[(*nages)++] = (ages_load){ ld.version, ld.id };
            continue;
        }
        for (int sp = 0; sp < CS_SPACES && rc == 0; sp++)
            if (kind && strcmp(kind, spaces[sp].kind) == 0)
                rc = push_load(cs, sp, &ld, err);
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = store_sqlerr(st, err, "store: reading the loads");
    sqlite3_finalize(s);
    if (rc == 0) {
        size_t cap = 1024;
        while (cap < rows * 2 + 2)
            cap *= 2;
        if (tab_resize(&cs->tab, cap) < 0)
            rc = oom(err);
    }
    return rc;
}

/* The rows of one code set (ref_code) of every load of its space. */
static int read_codes(rcm_codeset *cs, rcm_store *st, int set, rcm_error *err)
{
    const cs_loads *l = &cs->loads[set];
    if (!l->n)
        return 0;
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT code, valid_from, valid_to, billable FROM ref_code"
                      " WHERE load_id = ?1 AND code_set = ?2", err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 2, spaces[set].code_set, -1, SQLITE_STATIC);
    int rc = 0, r = SQLITE_DONE;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        sqlite3_bind_int64(s, 1, l->v[i].id);
        while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW) {
            rcm_str code = { (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0) };
            uint64_t c = code.p ? pack_code(code, 0, NULL) : 0;
            if (!c)
                continue; /* not a code a claim can carry: never asked for */
            if (tab_put(&cs->tab, make_key(set, i, c), col_from(s, 1), col_to(s, 2),
                        (uint64_t)(sqlite3_column_int(s, 3) != 0)) < 0)
                rc = oom(err);
            cs->count[set]++;
        }
        if (rc == 0 && r != SQLITE_DONE)
            rc = store_sqlerr(st, err, "store: reading a code set");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

static uint64_t text_char(sqlite3_stmt *s, int i, int k)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    if (!t)
        return 0;
    for (int j = 0; j < k; j++)
        if (!t[j])
            return 0;
    return t[k];
}

/* The global-service rows (modifier '') of every PPRRVU release. */
static int read_pfs(rcm_codeset *cs, rcm_store *st, rcm_error *err)
{
    const cs_loads *l = &cs->loads[RCM_SET_PFS];
    if (!l->n)
        return 0;
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT hcpcs, status, pctc, glob_days, bilat_surg FROM pfs_rvu"
                      " WHERE load_id = ?1 AND modifier = ''", err) < 0)
        return RCM_EIO;
    int rc = 0, r = SQLITE_DONE;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        sqlite3_bind_int64(s, 1, l->v[i].id);
        while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW) {
            rcm_str code = { (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0) };
            uint64_t c = code.p ? pack_code(code, 0, NULL) : 0;
            if (!c)
                continue;
            uint64_t info = text_char(s, 1, 0) | text_char(s, 2, 0) << 8 | text_char(s, 4, 0) << 16 |
                            text_char(s, 3, 0) << 24 | text_char(s, 3, 1) << 32 | text_char(s, 3, 2) << 40;
            if (tab_put(&cs->tab, make_key(RCM_SET_PFS, i, c), CS_OPEN_FROM, CS_OPEN_TO, info) < 0)
                rc = oom(err);
            cs->count[RCM_SET_PFS]++;
        }
        if (rc == 0 && r != SQLITE_DONE)
            rc = store_sqlerr(st, err, "store: reading the fee schedule");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    return rc;
}

static unsigned mce_bit(const char *cat)
{
    static const struct { const char *name; unsigned bit; } bits[] = {
        { "newborn", RCM_MCE_NEWBORN }, { "pediatric", RCM_MCE_PEDIATRIC }, { "maternity", RCM_MCE_MATERNITY },
        { "adult", RCM_MCE_ADULT }, { "male", RCM_MCE_MALE }, { "female", RCM_MCE_FEMALE },
    };
    for (size_t i = 0; cat && i < ARRAY_SIZE(bits); i++)
        if (strcmp(cat, bits[i].name) == 0)
            return bits[i].bit;
    return 0;
}

/* The age ranges of an MCE load: of the mce_ages load of its version, else stored with it. */
static int read_ages(cs_load *ld, sqlite3_stmt *s, const ages_load *ages, size_t nages, rcm_store *st,
                     rcm_error *err)
{
    memcpy(ld->age_min, default_age_min, sizeof(ld->age_min));
    memcpy(ld->age_max, default_age_max, sizeof(ld->age_max));
    long id = ld->id;
    for (size_t k = 0; k < nages; k++)
        if (strcmp(ages[k].version, ld->version) == 0)
            id = ages[k].id;
    sqlite3_bind_int64(s, 1, id);
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        const char *cat = (const char *)sqlite3_column_text(s, 0);
        for (int k = 0; cat && k < 4; k++)
            if (strcmp(cat, age_cats[k]) == 0) {
                ld->age_min[k] = sqlite3_column_int(s, 1);
                ld->age_max[k] = sqlite3_column_int(s, 2);
            }
    }
    sqlite3_reset(s);
    return r == SQLITE_DONE ? 0 : store_sqlerr(st, err, "store: reading the MCE age ranges");
}

/* The MCE categories of every code of every mce load; a code's categories are merged into one entry. */
static int read_mce(rcm_codeset *cs, rcm_store *st, const ages_load *ages, size_t nages, rcm_error *err)
{
    cs_loads *l = &cs->loads[CS_MCE];
    if (!l->n)
        return 0;
    sqlite3_stmt *s = NULL, *a = NULL;
    if (store_prepare(st, &s, "SELECT code, category FROM mce_edit WHERE load_id = ?1", err) < 0 ||
        store_prepare(st, &a, "SELECT category, age_min, age_max FROM mce_age WHERE load_id = ?1", err) < 0) {
        sqlite3_finalize(s);
        return RCM_EIO;
    }
    int rc = 0, r = SQLITE_DONE;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        if ((rc = read_ages(&l->v[i], a, ages, nages, st, err)) < 0)
            break;
        sqlite3_bind_int64(s, 1, l->v[i].id);
        while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW) {
            rcm_str code = { (const char *)sqlite3_column_text(s, 0), (size_t)sqlite3_column_bytes(s, 0) };
            uint64_t c = code.p ? pack_code(code, 1, NULL) : 0;
            unsigned bit = mce_bit((const char *)sqlite3_column_text(s, 1));
            if (!c || !bit)
                continue; /* questionable admission: not an age or sex edit */
            uint64_t key = make_key(CS_MCE, i, c);
            cs_entry *e = (cs_entry *)tab_find(&cs->mce, key);
            if (e)
                e->info |= bit;
            else if (tab_put(&cs->mce, key, CS_OPEN_FROM, CS_OPEN_TO, bit) < 0)
                rc = oom(err);
            else
                cs->count[CS_MCE]++;
        }
        if (rc == 0 && r != SQLITE_DONE)
            rc = store_sqlerr(st, err, "store: reading the MCE lists");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    sqlite3_finalize(a);
    return rc;
}

/* A (procedure code, row) pair: the rows listing each procedure, before they are indexed. */
typedef struct mn_pair {
    uint64_t key;
    uint32_t row;
} mn_pair;

static int pair_cmp(const void *a, const void *b)
{
    const mn_pair *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->row > y->row) - (x->row < y->row);
}

typedef struct pairs {
    mn_pair *v;
    size_t n, cap;
} pairs;

static int pairs_add(pairs *p, uint64_t key, uint32_t row)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        mn_pair *v = realloc(p->v, cap * sizeof(*v));
        if (!v)
            return RCM_ENOMEM;
        p->v = v;
        p->cap = cap;
    }
    p->v[p->n++] = (mn_pair){ key, row };
    return 0;
}

/* A stored diagnosis code (no dot) as its packed value and length; 0 when it is not one. */
static uint64_t col_dx(sqlite3_stmt *s, int i, unsigned *len)
{
    rcm_str t = { (const char *)sqlite3_column_text(s, i), (size_t)sqlite3_column_bytes(s, i) };
    *len = 0;
    return t.p ? pack_code(t, 1, len) : 0;
}

/* One mn_policy row into cs->mn, and a pair per procedure code its range covers. */
static int mn_add_row(rcm_codeset *cs, sqlite3_stmt *s, size_t slot, pairs *pp)
{
    unsigned flen, tlen;
    uint64_t lo = col_dx(s, 5, &flen), hi = col_dx(s, 6, &tlen);
    const char *plo = (const char *)sqlite3_column_text(s, 3), *phi = (const char *)sqlite3_column_text(s, 4);
    const char *why = NULL;
    mn_span span;
    if (!lo || !hi || !plo || !phi || mn_proc_span(&span, rcm_str_c(plo), rcm_str_c(phi), &why) < 0)
        return 0; /* the loader checked it: not from this rcm */
    if (cs->nmn == cs->mn_cap) {
        size_t cap = cs->mn_cap ? cs->mn_cap * 2 : 64;
        mn_row *v = realloc(cs->mn, cap * sizeof(*v));
        if (!v)
            return RCM_ENOMEM;
        cs->mn = v;
        cs->mn_cap = cap;
    }
    const mn_row *prev = cs->nmn && cs->mn[cs->nmn - 1].slot == slot ? &cs->mn[cs->nmn - 1] : NULL;
    mn_row *r = &cs->mn[cs->nmn];
    memset(r, 0, sizeof(*r));
    r->line = (long)sqlite3_column_int64(s, 0);
    r->policy = keep_run(cs, prev ? prev->policy : NULL, sqlite3_column_text(s, 1));
    r->payer = keep_run(cs, prev && r->policy == prev->policy ? prev->payer : NULL, sqlite3_column_text(s, 2));
    r->group = keep_run(cs, prev && r->payer == prev->payer ? prev->group : NULL, sqlite3_column_text(s, 8));
    if (!r->policy || !r->payer || !r->group)
        return RCM_ENOMEM;
    r->payer_len = strlen(r->payer);
    r->lo = lo;
    r->hi = sqlite3_column_int(s, 7) ? lo | below(flen) : flen == tlen && lo == hi ? lo : hi | below(tlen);
    r->from = col_from(s, 9);
    r->to = col_to(s, 10);
    r->slot = (uint16_t)slot;
    uint32_t row = (uint32_t)cs->nmn++;
    for (long v = span.first; v <= span.last; v++) {
        char code[6];
        mn_span_code(code, &span, v);
        uint64_t c = pack_code((rcm_str){ code, 5 }, 0, NULL);
        if (c && pairs_add(pp, make_key(CS_MN, slot, c), row) < 0)
            return RCM_ENOMEM;
    }
    return 0;
}

/* Indexes the pairs: one table entry per (load, procedure) pointing at its rows in mn_idx. */
static int mn_index(rcm_codeset *cs, pairs *pp)
{
    if (!pp->n)
        return 0;
    qsort(pp->v, pp->n, sizeof(*pp->v), pair_cmp);
    if (!(cs->mn_idx = malloc(pp->n * sizeof(*cs->mn_idx))))
        return RCM_ENOMEM;
    size_t out = 0;
    for (size_t i = 0, j; i < pp->n; i = j) {
        size_t start = out;
        for (j = i; j < pp->n && pp->v[j].key == pp->v[i].key; j++)
            if (j == i || pp->v[j].row != pp->v[j - 1].row)
                cs->mn_idx[out++] = pp->v[j].row; /* a range listing a code once */
        if (tab_put(&cs->mn_tab, pp->v[i].key, CS_OPEN_FROM, CS_OPEN_TO, (uint64_t)start << 32 | (out - start)) < 0)
            return RCM_ENOMEM;
    }
    return 0;
}

static int read_mn(rcm_codeset *cs, rcm_store *st, rcm_error *err)
{
    const cs_loads *l = &cs->loads[CS_MN];
    if (!l->n)
        return 0;
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT line, policy, payer, proc_from, proc_to, dx_from, dx_to, dx_prefix, dx_group,"
                      " eff_from, eff_to FROM mn_policy WHERE load_id = ?1"
                      " ORDER BY policy, payer, dx_group, line", err) < 0)
        return RCM_EIO;
    pairs pp = { NULL, 0, 0 };
    int rc = 0, r = SQLITE_DONE;
    for (size_t i = 0; rc == 0 && i < l->n; i++) {
        sqlite3_bind_int64(s, 1, l->v[i].id);
        while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW)
            if (mn_add_row(cs, s, i, &pp) < 0)
                rc = oom(err);
        if (rc == 0 && r != SQLITE_DONE)
            rc = store_sqlerr(st, err, "store: reading the medical-necessity policies");
        sqlite3_reset(s);
    }
    sqlite3_finalize(s);
    if (rc == 0 && mn_index(cs, &pp) < 0)
        rc = oom(err);
    cs->count[CS_MN] = cs->nmn;
    free(pp.v);
    return rc;
}

int rcm_codeset_open_store(rcm_codeset **out, rcm_store *st, rcm_error *err)
{
    *out = NULL;
    rcm_codeset *cs = calloc(1, sizeof(*cs));
    if (!cs)
        return oom(err);
    arena_init(&cs->strings, 16384, SIZE_MAX);
    /* one read transaction: the snapshot sees one state of the store */
    int rc = store_exec(st, "SAVEPOINT rcm_codeset_read", err);
    if (rc < 0) {
        rcm_codeset_free(cs);
        return rc;
    }
    ages_load *ages = NULL;
    size_t nages = 0;
    rc = read_loads(cs, st, &ages, &nages, err);
    for (int set = 0; rc == 0 && set < CS_SPACES; set++)
        if (spaces[set].code_set)
            rc = read_codes(cs, st, set, err);
    if (rc == 0)
        rc = read_pfs(cs, st, err);
    if (rc == 0)
        rc = read_mce(cs, st, ages, nages, err);
    if (rc == 0)
        rc = read_mn(cs, st, err);
    free(ages);
    store_exec(st, "RELEASE rcm_codeset_read", NULL);
    if (rc < 0) {
        rcm_codeset_free(cs);
        return rc;
    }
    *out = cs;
    return 0;
}
