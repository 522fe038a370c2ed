/*
 * What the acknowledgment readers and the structural reader share: element
 * checks that report located problems (with the IK403 code a 999 of our
 * own would carry), array growth in an arena or with realloc, and the HL
 * numbering check of hierarchical transactions (277, 270/271, 276).
 */
#include <stdlib.h>
#include "rack_internal.h"

void ack_keep(int *stop, int rc)
{
    if (rc < 0 && !*stop)
        *stop = rc;
}

void ack_printable(char *out, size_t outsz, rcm_str v)
{
    size_t n = v.n < outsz - 4 ? v.n : outsz - 4;
    for (size_t i = 0; i < n; i++)
        out[i] = v.p[i] >= 0x20 && v.p[i] < 0x7f ? v.p[i] : '?';
    if (n < v.n) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

int ack_need(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             const char *what)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    if (comp)
        v = rcm_x12_comp(v, seg->d.comp, (unsigned)comp);
    if (v.n)
        return 1;
    ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "1",
                                  "%s is missing", what));
    return 0;
}

void ack_bad(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             const char *code, rcm_str v, const char *what)
{
    char tmp[48];
    ack_printable(tmp, sizeof(tmp), v);
    ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, code,
                                  "'%s' is not %s", tmp, what));
}

int ack_in(rcm_str v, const char *const *list)
{
    for (; *list; list++)
        if (rcm_str_eq(v, *list))
            return 1;
    return 0;
}

int ack_code(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             rcm_str v, const char *const *list, const char *what)
{
    if (!v.n)
        return 0;
    if (ack_in(v, list))
        return 1;
    ack_bad(stop, env, seg, el, comp, "7", v, what);
    return 0;
}

int ack_uint(long *out, int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el,
             int comp, rcm_str v, const char *what)
{
    uint64_t u;
    *out = 0;
    if (!v.n)
        return 0;
    if (v.n > 15 || rcm_uint_parse(&u, v) < 0) {
        ack_bad(stop, env, seg, el, comp, "6", v, what);
        return 0;
    }
    *out = (long)u;
    return 1;
}

int ack_len(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, rcm_str v,
            size_t min, size_t max, const char *what)
{
    if (!v.n || (v.n >= min && v.n <= max))
        return 1;
    char tmp[48];
    ack_printable(tmp, sizeof(tmp), v);
    ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0,
                                  v.n < min ? "4" : "5",
                                  "'%s' is too %s for %s (%zu to %zu characters)", tmp,
                                  v.n < min ? "short" : "long", what, min, max));
    return 0;
}

void ack_dtp_range(rcm_date *from, rcm_date *to, int *stop, const rcm_x12_env *env,
                   const rcm_x12_seg *seg)
{
    rcm_str fmt = rcm_x12_el(seg, 2), v = rcm_x12_el(seg, 3);
    *from = *to = RCM_DATE_NONE;
    if (!ack_need(stop, env, seg, 3, 0, "the date"))
        return;
    if (rcm_str_eq(fmt, "RD8")) {
        rcm_str a = { v.p, 0 }, b = { v.p, 0 };
        const char *dash = memchr(v.p, '-', v.n);
        if (dash) {
            a.n = (size_t)(dash - v.p);
            b.p = dash + 1;
            b.n = v.n - a.n - 1;
        }
        if (!dash || rcm_date_parse(from, a) < 0 || rcm_date_parse(to, b) < 0) {
            *from = *to = RCM_DATE_NONE;
            ack_bad(stop, env, seg, 3, 0, "8", v, "a date range (CCYYMMDD-CCYYMMDD)");
        } else if (*to < *from) {
            ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 3, 0, "8",
                                          "the date range ends before it begins"));
        }
        return;
    }
    if (!rcm_str_eq(fmt, "D8"))
        ack_bad(stop, env, seg, 2, 0, "7", fmt, "a date format (D8 or RD8)");
    if (rcm_date_parse(from, v) < 0) {
        *from = RCM_DATE_NONE;
        ack_bad(stop, env, seg, 3, 0, "8", v, "a date (CCYYMMDD)");
        return;
    }
    *to = *from;
}

void *ack_grow(arena *a, void *arr, uint32_t n, uint32_t *cap, size_t elsz)
{
    if (n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 1; /* most lists hold one or two */
        if (nc < *cap || (size_t)nc > ACK_MAX_BYTES / elsz)
            return NULL;
        void *na = arena_alloc(a, (size_t)nc * elsz);
        if (!na)
            return NULL;
        if (n)
            memcpy(na, arr, (size_t)n * elsz);
        arr = na;
        *cap = nc;
    }
    memset((char *)arr + (size_t)n * elsz, 0, elsz);
    return arr;
}

void *ack_vec_grow(void *arr, uint32_t n, uint32_t *cap, size_t elsz, size_t max)
{
    if (n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        if (nc < *cap || (size_t)nc > max / elsz)
            nc = (uint32_t)(max / elsz);
        if (nc <= n)
            return NULL;
        void *na = realloc(arr, (size_t)nc * elsz);
        if (!na)
            return NULL;
        arr = na;
        *cap = nc;
    }
    memset((char *)arr + (size_t)n * elsz, 0, elsz);
    return arr;
}

/* ---- HL numbering ---- */

void ack_hl_init(ack_hl *h)
{
    memset(h, 0, sizeof(*h));
    h->ordered = 1;
}

void ack_hl_reset(ack_hl *h)
{
    h->n = 0;
    h->last = 0;
    h->ordered = 1;
}

void ack_hl_release(ack_hl *h)
{
    free(h->v);
    ack_hl_init(h);
}

static const ack_hl_entry *hl_find(const ack_hl *h, long id)
{
    if (h->ordered) {
        uint32_t lo = 0, hi = h->n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (h->v[mid].id < id)
                lo = mid + 1;
            else
                hi = mid;
        }
        return lo < h->n && h->v[lo].id == id ? &h->v[lo] : NULL;
    }
    for (uint32_t i = h->n; i-- > 0;)
        if (h->v[i].id == id)
            return &h->v[i];
    return NULL;
}

static const ack_hl_rule *rule_of(rcm_str level, const ack_hl_rule *rules, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (rcm_str_eq(level, rules[i].level))
            return &rules[i];
    return NULL;
}

int ack_hl_check(const ack_hl_entry **out, const ack_hl_entry **parent, ack_hl *h, int *stop,
                 const rcm_x12_env *env, const rcm_x12_seg *seg, const ack_hl_rule *rules,
                 size_t n_rules)
{
    rcm_str id = rcm_x12_el(seg, 1), par = rcm_x12_el(seg, 2), lvl = rcm_x12_el(seg, 3),
            ch = rcm_x12_el(seg, 4);
    *out = *parent = NULL;

    long idv = -1, prev = h->last;
    if (ack_need(stop, env, seg, 1, 0, "the hierarchical id number (HL01)") &&
        ack_uint(&idv, stop, env, seg, 1, 0, id, "an HL number (1, 2, 3...)")) {
        if (idv != prev + 1)
            ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 1, 0, "I12",
                                          "HL01 is %ld, expected %ld (HLs are numbered 1, 2, 3... "
                                          "in order)", idv, prev + 1));
    } else {
        idv = -1;
    }

    const ack_hl_rule *rule = NULL;
    if (ack_need(stop, env, seg, 3, 0, "the hierarchical level code (HL03)") && rules) {
        rule = rule_of(lvl, rules, n_rules);
        if (!rule) {
            char list[64] = "";
            size_t k = 0;
            for (size_t i = 0; i < n_rules && k + 8 < sizeof(list); i++)
                k += (size_t)snprintf(list + k, sizeof(list) - k, "%s%s", i ? ", " : "", rules[i].level);
            char what[96];
            snprintf(what, sizeof(what), "a level this transaction uses (%s)", list);
            ack_bad(stop, env, seg, 3, 0, "I6", lvl, what);
        }
    }

    const ack_hl_entry *p = NULL;
    if (par.n) {
        long pv;
        if (ack_uint(&pv, stop, env, seg, 2, 0, par, "an HL number (1, 2, 3...)")) {
            p = hl_find(h, pv);
            if (!p) {
                ack_bad(stop, env, seg, 2, 0, "I12", par, "the number of an earlier HL");
            } else if (p->children == '0') {
                ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 2, 0, "I12",
                                              "parent HL %ld says it has no children (HL04 = 0)",
                                              p->id));
            }
        }
        if (p && rule && rule->parent[0] && strcmp(p->level, rule->parent) != 0) {
            char tmp[8], plevel[8];
            ack_printable(plevel, sizeof(plevel), rcm_str_c(p->level));
            ack_printable(tmp, sizeof(tmp), lvl);
            ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 2, 0, "I12",
                                          "level '%s' sits under level '%s' (HL %ld), expected "
                                          "under level '%s'", tmp, plevel, p->id, rule->parent));
        } else if (rule && !rule->parent[0]) {
            char tmp[8];
            ack_printable(tmp, sizeof(tmp), lvl);
            ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 2, 0, "I10",
                                          "level '%s' is a top level and takes no parent (HL02)", tmp));
        }
    } else if (rule && rule->parent[0]) {
        char tmp[8];
        ack_printable(tmp, sizeof(tmp), lvl);
        ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 2, 0, "I9",
                                      "level '%s' needs a parent HL (HL02), expected level '%s'", tmp,
                                      rule->parent));
    }

    static const char *const children[] = { "0", "1", NULL };
    ack_code(stop, env, seg, 4, 0, ch, children, "a hierarchical child code (0 or 1)");

    long pid = p ? p->id : -1;
    ack_hl_entry *v = ack_vec_grow(h->v, h->n, &h->cap, sizeof(*h->v), ACK_MAX_BYTES);
    if (!v)
        return RCM_ENOMEM;
    h->v = v;
    ack_hl_entry *e = &h->v[h->n++];
    e->id = idv;
    str_copy(e->level, sizeof(e->level), lvl);
    e->children = ch.n == 1 ? ch.p[0] : 0;
    if (idv < 0 || (h->n > 1 && idv <= h->v[h->n - 2].id))
        h->ordered = 0;
    if (idv >= 0)
        h->last = idv;
    *out = e;
    *parent = pid >= 0 ? hl_find(h, pid) : NULL; /* the array may have moved */
    return 0;
}
