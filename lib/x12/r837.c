/*
 * The 837P (005010X222A1) and 837I (005010X223A2) typed reader: a state
 * machine over one transaction set that fills an rcm_claim and hands it to
 * cb->claim once per CLM, when the claim ends (at the next CLM, HL or SE).
 *
 * Parties above the claim (1000A/B submitter and receiver, 2010AA/AB/AC
 * billing side, 2010BA/BB subscriber and payer, 2010CA patient) are kept as
 * the hierarchical context and copied into each claim. Per-claim arrays
 * (lines, COB payers, adjustments, codes...) live in an arena reset after
 * each claim is delivered, so memory stays flat whatever the file size.
 *
 * Problems found (reported through rcm_x12_report, reading goes on): HL
 * numbering and nesting (HL01 sequential from 1, HL02 naming the enclosing
 * level, HL03 20/22/23), bad amounts, quantities and dates, values too long
 * for the model, CLM02 not equal to the sum of the line charges, more
 * diagnoses than the guide allows, diagnosis pointers past the diagnosis
 * list, more service lines than the guide allows, PWK attachment codes not
 * in the guide's lists and more PWKs than a loop allows.
 */
#include <stdlib.h>
#include "x12_internal.h"
#include "x837.h"

#define ID2(a, b) ((uint32_t)(a) << 8 | (uint32_t)(b))
#define ID3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

/* Where the reader is in the set: decides what NM1, REF, DTP, AMT... mean. */
enum { L_HDR, L_20, L_22, L_23, L_2300, L_2320, L_2400, L_2430 };

/*
 * What the 5010 guides let each NM1 loop carry, by claim kind, entity and
 * place (X12_AT_*): the NM1 name and id parts, N3/N4, REF (tax id, other
 * ids), PER and PRV. The reader keeps only these (a value in an element the
 * guide does not use is not read); the writer refuses a party with anything
 * else, so what one writes the other reads back.
 */
unsigned x12_837_party_rules(char kind, const char *entity, int at)
{
    unsigned person = X12_PR_LAST | X12_PR_FIRST | X12_PR_MID | X12_PR_SUF | X12_PR_ID;
    uint32_t k = entity[0] && entity[1] && !entity[2] ? ID2(entity[0], entity[1]) : 0;
    int p = kind != 'I';
    if (at == X12_AT_COB) {
        if (k == ID2('I', 'L'))
            return person | X12_PR_ADDR | X12_PR_REF;
        if (k == ID2('P', 'R'))
            return X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_REF;
        return 0;
    }
    switch (k) {
    case ID2('4', '1'): return at == X12_AT_TOP ? X12_PR_LAST | X12_PR_FIRST | X12_PR_MID | X12_PR_ID | X12_PR_PER : 0;
    case ID2('4', '0'): return at == X12_AT_TOP ? X12_PR_LAST | X12_PR_ID : 0;
    case ID2('8', '5'):
        if (at != X12_AT_TOP)
            return 0;
        return p ? person | X12_PR_ADDR | X12_PR_TAX | X12_PR_REF | X12_PR_PER | X12_PR_PRV
                 : X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_TAX | X12_PR_PER | X12_PR_PRV;
    case ID2('8', '7'): return at == X12_AT_TOP ? X12_PR_ADDR : 0;
    case ID2('P', 'E'): return at == X12_AT_TOP ? X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_TAX | X12_PR_REF : 0;
    case ID2('I', 'L'): return at == X12_AT_TOP ? person | X12_PR_ADDR | X12_PR_REF | (p ? X12_PR_PER : 0) : 0;
    case ID2('P', 'R'): return at == X12_AT_TOP ? X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_REF : 0;
    case ID2('Q', 'C'):
        return at == X12_AT_TOP ? X12_PR_LAST | X12_PR_FIRST | X12_PR_MID | X12_PR_SUF | X12_PR_ADDR |
                                      X12_PR_REF | (p ? X12_PR_PER : 0)
                                : 0;
    case ID2('8', '2'): return at == X12_AT_TOP ? 0 : person | X12_PR_REF | (p ? X12_PR_PRV : 0);
    case ID2('7', '7'):
        return at == X12_AT_TOP ? 0 : X12_PR_LAST | X12_PR_ID | X12_PR_ADDR | X12_PR_REF |
                                          (p && at == X12_AT_CLAIM ? X12_PR_PER : 0);
    case ID2('D', 'N'): return at == X12_AT_TOP ? 0 : person | X12_PR_REF;
    case ID2('P', '3'): return p && at != X12_AT_TOP ? person | X12_PR_REF : 0;
    case ID2('D', 'Q'): return p && at != X12_AT_TOP ? person | X12_PR_REF : 0;
    case ID2('D', 'K'): return p && at == X12_AT_LINE ? person | X12_PR_ADDR | X12_PR_REF | X12_PR_PER : 0;
    case ID2('Q', 'B'): return p && at == X12_AT_LINE ? X12_PR_ID | X12_PR_REF : 0;
    case ID2('P', 'W'): return p && at != X12_AT_TOP ? X12_PR_ADDR : 0;
    case ID2('4', '5'): return p && at != X12_AT_TOP ? X12_PR_LAST | X12_PR_ADDR : 0;
    case ID2('7', '1'): return !p && at == X12_AT_CLAIM ? person | X12_PR_REF | X12_PR_PRV : 0;
    case ID2('7', '2'):
    case ID2('Z', 'Z'): return !p && at != X12_AT_TOP ? person | X12_PR_REF : 0;
    }
    return 0;
}

/*
 * The PWK code lists of both guides (2300 and 2400 alike), two characters a
 * code, as the pyx12 5010 maps list them.
 */
static const char pwk_types[] = "030405060708091011131521A3A4AMASB2B3B4BRBSBTCBCKCTD2DADBDGDJDSEBHCHR"
                                "I5IRLAM1MTNNOBOCODOEOXOZP4P5PEPNPOPQPYPZRBRRRTRXSGV5XP";
static const char pwk_supplemental[] = "AABMELEMFTFX";
static const char pwk_cmn[] = "ABADAFAGNS";

static int in_pairs(const char *list, const char *p, size_t n)
{
    if (n != 2)
        return 0;
    for (; *list; list += 2)
        if (list[0] == p[0] && list[1] == p[1])
            return 1;
    return 0;
}

int x12_837_pwk_type(const char *p, size_t n) { return in_pairs(pwk_types, p, n); }

int x12_837_pwk_transmission(const char *p, size_t n)
{
    if (in_pairs(pwk_supplemental, p, n))
        return X12_PWK_SUPPLEMENTAL;
    return in_pairs(pwk_cmn, p, n) ? X12_PWK_CMN : X12_PWK_NONE;
}

int x12_837_pwk_is_cmn(char kind, int at, const char *type, size_t n1, const char *trans, size_t n2)
{
    return kind == 'P' && at == X12_AT_LINE && n1 == 2 && type[0] == 'C' && type[1] == 'T' &&
           x12_837_pwk_transmission(trans, n2) == X12_PWK_CMN;
}

typedef struct r837 {
    const rcm_x12_typed_cb *cb;
    arena mem;                  /* per-claim arrays, reset after each claim */
    char kind;                  /* of the set: 'P' or 'I' */
    int loop;
    /* context above the claim */
    char st_control[10];
    char bht_id[31], bht_purpose[3], bht_type[3], bht_time[9];
    rcm_date bht_date;
    /* the context parties live in c itself (submitter, receiver, billing, pay_to,
     * pay_to_plan, subscriber, payer, patient): kept across claims, never copied */
    char payer_seq, subscriber_rel[3], group[51], group_name[61], ins_type[4], filing[3];
    rcm_date subscriber_dob, patient_dob;
    char subscriber_sex, patient_sex, patient_rel[3];
    int under_patient;          /* the current claims hang under a 2000C */
    /* HL numbering */
    long hl_next;               /* HL01 expected next */
    long hl20, hl22;            /* ids of the open billing provider / subscriber levels */
    /* where segments go */
    rcm_party *party;           /* N3 N4 REF PER PRV of the last NM1 */
    unsigned allow;             /* what its loop carries: x12_837_party_rules */
    rcm_party scratch;          /* parties the model does not keep */
    /* the open claim */
    int in_claim;
    rcm_claim c;
    int have_principal;
    long clm_segment, clm_line;
    uint64_t clm_offset;
    int line_over;              /* the too-many-lines problem was reported */
    uint32_t clm_pwk;           /* 2300 PWKs read */
    uint32_t line_pwk, line_cmn; /* the current line's: supplemental ones, DME certificate indicators */
    char last_date[8];          /* the last CCYYMMDD parsed, and its value: dates repeat */
    rcm_date last_value;
} r837;

/* ---- small helpers ---- */

static void shown(char *out, size_t outsz, rcm_str v)
{
    size_t n = v.n < outsz - 4 ? v.n : outsz - 4;
    for (size_t i = 0; i < n; i++)
        out[i] = isprint((unsigned char)v.p[i]) ? v.p[i] : '?';
    if (n < v.n)
        memcpy(out + n, "...", 3), n += 3;
    out[n] = '\0';
}

static void too_long(const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str v,
                     size_t max)
{
    char tmp[48];
    shown(tmp, sizeof(tmp), v);
    rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "5",
                   "'%s' is too long: at most %zu character%s", tmp, max, max == 1 ? "" : "s");
}

/* Copies v into dst[sz]; a value that does not fit is cut and reported. */
static inline void put(const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str v,
                       char *dst, size_t sz)
{
    if (LIKELY(v.n < sz)) {
        memcpy(dst, v.p, v.n);
        dst[v.n] = '\0';
        return;
    }
    memcpy(dst, v.p, sz - 1);
    dst[sz - 1] = '\0';
    too_long(env, s, el, comp, v, sz - 1);
}

static inline void put1(const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str v,
                        char *dst)
{
    *dst = v.n ? v.p[0] : 0;
    if (UNLIKELY(v.n > 1))
        too_long(env, s, el, comp, v, 1);
}

/* Splits composite el on sep into out[0..n) (empty views past its end); one pass. */
static void split(rcm_str el, char sep, rcm_str *out, unsigned n)
{
    const char *p = el.p, *e = el.p + el.n;
    unsigned k = 0;
    while (k < n) {
        const char *q = p;
        while (q < e && *q != sep)
            q++;
        out[k].p = p;
        out[k].n = (size_t)(q - p);
        k++;
        if (q >= e)
            break;
        p = q + 1;
    }
    for (; k < n; k++) {
        out[k].p = e;
        out[k].n = 0;
    }
}

#define EL(i) rcm_x12_el(s, (i))
#define COMP(v, j) rcm_x12_comp((v), s->d.comp, (j))
#define PUT(i, dst) put(env, s, (i), 0, EL(i), (dst), sizeof(dst))
#define PUTC(i, j, v, dst) put(env, s, (i), (j), (v), (dst), sizeof(dst))
#define PUT1(i, dst) put1(env, s, (i), 0, EL(i), &(dst))

static int is_str(rcm_str v, const char *lit, size_t n) { return v.n == n && memcmp(v.p, lit, n) == 0; }
#define IS(v, lit) is_str((v), lit, sizeof(lit) - 1)

static void amount(const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str v,
                   int64_t *out, int *present)
{
    const char *why;
    *out = 0;
    if (present)
        *present = v.n > 0;
    if (!v.n)
        return;
    if (rcm_cents_parse(out, v, &why) < 0) {
        char what[64];
        *out = 0;
        if (strcmp(why, "is not a number") == 0)
            snprintf(what, sizeof(what), "an amount");
        else
            snprintf(what, sizeof(what), "an amount: it %s", why);
        x12_bad_value(env, s, el, comp, v, what);
    }
}

static void quantity(const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str v,
                     int64_t *out)
{
    const char *why;
    *out = 0;
    if (!v.n)
        return;
    if (rcm_milli_parse(out, v, &why) < 0) {
        char what[64];
        *out = 0;
        if (strcmp(why, "is not a number") == 0)
            snprintf(what, sizeof(what), "a quantity");
        else
            snprintf(what, sizeof(what), "a quantity: it %s", why);
        x12_bad_value(env, s, el, comp, v, what);
    }
}

/* CCYYMMDD at p (8 bytes) through a one-entry cache. */
static int date8_parse(r837 *r, const char *p, rcm_date *out)
{
    if (memcmp(p, r->last_date, 8) == 0) {
        *out = r->last_value;
        return 0;
    }
    rcm_str v = { p, 8 };
    if (rcm_date_parse(out, v) < 0)
        return RCM_EFORMAT;
    memcpy(r->last_date, p, 8);
    r->last_value = *out;
    return 0;
}

/* A date in format fmt (D8, RD8, DT; TM gives only hhmm). Empty value: no date. */
static void date_value(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s, int el, int comp, rcm_str fmt,
                       rcm_str v, rcm_date *from, rcm_date *to, char *hhmm)
{
    *from = RCM_DATE_NONE;
    if (to)
        *to = RCM_DATE_NONE;
    if (!v.n)
        return;
    if (IS(fmt, "RD8")) {
        if (v.n != 17 || v.p[8] != '-' || date8_parse(r, v.p, from) < 0 || date8_parse(r, v.p + 9, to) < 0) {
            *from = RCM_DATE_NONE;
            if (to)
                *to = RCM_DATE_NONE;
            x12_bad_value(env, s, el, comp, v, "a date range (CCYYMMDD-CCYYMMDD)");
        }
        return;
    }
    if (IS(fmt, "TM")) {
        if (v.n != 4 || !isdigit((unsigned char)v.p[0]) || !isdigit((unsigned char)v.p[1]) ||
            !isdigit((unsigned char)v.p[2]) || !isdigit((unsigned char)v.p[3])) {
            x12_bad_value(env, s, el, comp, v, "a time (HHMM)");
            return;
        }
        if (hhmm)
            memcpy(hhmm, v.p, 4), hhmm[4] = '\0';
        return;
    }
    if (IS(fmt, "DT")) {
        if (v.n != 12 || date8_parse(r, v.p, from) < 0 || !isdigit((unsigned char)v.p[8]) ||
            !isdigit((unsigned char)v.p[9]) || !isdigit((unsigned char)v.p[10]) ||
            !isdigit((unsigned char)v.p[11])) {
            *from = RCM_DATE_NONE;
            x12_bad_value(env, s, el, comp, v, "a date and time (CCYYMMDDHHMM)");
            return;
        }
        if (hhmm)
            memcpy(hhmm, v.p + 8, 4), hhmm[4] = '\0';
        return;
    }
    if (!IS(fmt, "D8") && fmt.n) {
        x12_bad_value(env, s, el - 1, comp ? comp - 1 : 0, fmt, "a date format (D8, RD8)");
        return;
    }
    if (v.n != 8 || date8_parse(r, v.p, from) < 0) {
        *from = RCM_DATE_NONE;
        x12_bad_value(env, s, el, comp, v, "a date (CCYYMMDD)");
    }
}

/*
 * Appends one zeroed element to an arena array of n elements. Capacity is
 * implied by n (4, then powers of two), so a growing array is copied into a
 * block twice its size; the old block is reclaimed when the arena is reset.
 */
static void *push(arena *a, void *arrp, uint32_t *n, size_t elsz)
{
    void **arr = arrp;
    uint32_t k = *n;
    if (k == 0 || (k >= 4 && (k & (k - 1)) == 0)) {
        size_t cap = k == 0 ? 4 : (size_t)k * 2;
        void *nb = arena_alloc(a, cap * elsz);
        if (!nb)
            return NULL;
        if (k)
            memcpy(nb, *arr, k * elsz);
        *arr = nb;
    }
    void *slot = (char *)*arr + k * elsz;
    memset(slot, 0, elsz);
    *n = k + 1;
    return slot;
}

static int oom(const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "8",
                   "claim is too large to read (out of memory)");
    return RCM_ENOMEM;
}

/* An absent party is all zeros (the model's rule), so only a present one needs clearing. */
static void party_clear(rcm_party *p)
{
    if (p->present)
        memset(p, 0, sizeof(*p));
}

/* ---- claim lifecycle ---- */

/* A stand-in segment for problems located at the claim's CLM after it was read. */
static void clm_locator(const r837 *r, rcm_x12_seg *clm_seg)
{
    memset(clm_seg, 0, offsetof(rcm_x12_seg, off));
    clm_seg->ptr = "CLM";
    clm_seg->len = 3;
    clm_seg->n = 0;
    clm_seg->number = r->clm_segment;
    clm_seg->line = r->clm_line;
    clm_seg->offset = r->clm_offset;
    clm_seg->off[0] = 0;
    clm_seg->off[1] = 4;
}

static void claim_reset(r837 *r);

static int claim_end(r837 *r, const rcm_x12_env *env)
{
    if (!r->in_claim)
        return 0;
    r->in_claim = 0;
    rcm_claim *c = &r->c;
    int64_t sum = 0;
    for (uint32_t i = 0; i < c->n_lines; i++)
        sum += c->lines[i].charge_cents;
    if (c->n_lines && sum != c->charge_cents) {
        rcm_x12_seg clm_seg;
        char a[32], b[32], d[32];
        clm_locator(r, &clm_seg);
        rcm_cents_fmt(a, c->charge_cents);
        rcm_cents_fmt(b, sum);
        rcm_cents_fmt(d, c->charge_cents - sum);
        rcm_x12_report(env, &clm_seg, RCM_X12P_BALANCE, RCM_SEV_ERROR, 2, 0, "6",
                       "claim '%s': total charge %s is not the sum of its line charges %s "
                       "(difference %s)", c->id, a, b, d);
    }
    int rc = r->cb->claim ? r->cb->claim(r->cb->ctx, c) : 0;
    arena_reset(&r->mem);
    claim_reset(r); /* its arrays lived in the arena: nothing may point into it now */
    return rc;
}

/*
 * Empties the claim for the next CLM. The claim struct is large (parties are
 * fixed arrays): the context parties in it stay as they are, and of the
 * claim's own parties only those the last claim used are cleared.
 */
static void claim_reset(r837 *r)
{
    rcm_claim *c = &r->c;
    rcm_party *const used[] = { &c->referring, &c->rendering, &c->facility, &c->supervising, &c->primary_care,
                                &c->ambulance_pickup, &c->ambulance_dropoff, &c->attending, &c->operating,
                                &c->other_operating };
    for (size_t i = 0; i < ARRAY_SIZE(used); i++)
        if (used[i]->present)
            party_clear(used[i]);
    memset(c, 0, offsetof(rcm_claim, submitter));
    memset((char *)c + offsetof(rcm_claim, payer_seq), 0, sizeof(*c) - offsetof(rcm_claim, payer_seq));
    c->bht_date = RCM_DATE_NONE;
    c->subscriber_dob = c->patient_dob = RCM_DATE_NONE;
    c->onset = c->accident = c->admission = c->discharge = c->last_seen = RCM_DATE_NONE;
    c->statement_from = c->statement_to = RCM_DATE_NONE;
}

static void claim_begin(r837 *r, const rcm_x12_seg *s)
{
    rcm_claim *c = &r->c;
    claim_reset(r);
    c->kind = r->kind;
    memcpy(c->st_control, r->st_control, sizeof(c->st_control));
    memcpy(c->bht_id, r->bht_id, sizeof(c->bht_id));
    memcpy(c->bht_purpose, r->bht_purpose, sizeof(c->bht_purpose));
    memcpy(c->bht_type, r->bht_type, sizeof(c->bht_type));
    memcpy(c->bht_time, r->bht_time, sizeof(c->bht_time));
    c->bht_date = r->bht_date;
    c->segment = s->number;
    c->line = s->line;
    c->payer_seq = r->payer_seq;
    memcpy(c->subscriber_rel, r->subscriber_rel, sizeof(c->subscriber_rel));
    memcpy(c->group, r->group, sizeof(c->group));
    memcpy(c->group_name, r->group_name, sizeof(c->group_name));
    memcpy(c->ins_type, r->ins_type, sizeof(c->ins_type));
    memcpy(c->filing, r->filing, sizeof(c->filing));
    c->subscriber_dob = r->subscriber_dob;
    c->subscriber_sex = r->subscriber_sex;
    if (r->under_patient) {
        memcpy(c->patient_rel, r->patient_rel, sizeof(c->patient_rel));
        c->patient_dob = r->patient_dob;
        c->patient_sex = r->patient_sex;
    }
    r->in_claim = 1;
    r->have_principal = 0;
    r->line_over = 0;
    r->clm_pwk = r->line_pwk = r->line_cmn = 0;
    r->clm_segment = s->number;
    r->clm_line = s->line;
    r->clm_offset = s->offset;
}

/* An 837P set turned out institutional (SV2 or CL1 seen): drop what 837I does not have. */
static void become_institutional(r837 *r)
{
    r->kind = 'I';
    if (r->in_claim) {
        rcm_claim *c = &r->c;
        c->kind = 'I';
        c->signature = c->sig_source = 0;
        memset(c->related, 0, sizeof(c->related));
        c->accident_state[0] = c->accident_country[0] = c->special_program[0] = '\0';
    }
}

static rcm_claim_line *cur_line(r837 *r) { return r->c.n_lines ? &r->c.lines[r->c.n_lines - 1] : NULL; }
static rcm_other_payer *cur_other(r837 *r) { return r->c.n_other ? &r->c.other[r->c.n_other - 1] : NULL; }
static rcm_line_adj *cur_adj(r837 *r)
{
    rcm_claim_line *l = cur_line(r);
    return l && l->n_adj ? &l->adj[l->n_adj - 1] : NULL;
}

/* ---- segments ---- */

static void on_bht(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    PUT(2, r->bht_purpose);
    PUT(3, r->bht_id);
    x12_date(env, s, 4, &r->bht_date);
    PUT(5, r->bht_time);
    PUT(6, r->bht_type);
}

static int place_of(int loop)
{
    if (loop >= L_2400)
        return X12_AT_LINE;
    if (loop == L_2320)
        return X12_AT_COB;
    return loop == L_2300 ? X12_AT_CLAIM : X12_AT_TOP;
}

/* The party an NM1 names, by its entity code and where the reader is; NULL: not kept. */
static rcm_party *nm1_target(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s, rcm_str e)
{
    if (e.n != 2)
        return NULL;
    uint32_t k = ID2(e.p[0], e.p[1]);
    switch (r->loop) {
    case L_HDR:
        if (k == ID2('4', '1')) return &r->c.submitter;
        if (k == ID2('4', '0')) return &r->c.receiver;
        break;
    case L_20:
        if (k == ID2('8', '5')) return &r->c.billing;
        if (k == ID2('8', '7')) return &r->c.pay_to;
        if (k == ID2('P', 'E')) return &r->c.pay_to_plan;
        break;
    case L_22:
        if (k == ID2('I', 'L')) return &r->c.subscriber;
        if (k == ID2('P', 'R')) return &r->c.payer;
        break;
    case L_23:
        if (k == ID2('Q', 'C')) return &r->c.patient;
        break;
    case L_2300: {
        rcm_claim *c = &r->c;
        switch (k) {
        case ID2('D', 'N'): return &c->referring;
        case ID2('P', '3'): return &c->primary_care;
        case ID2('8', '2'): return &c->rendering;
        case ID2('7', '7'): return &c->facility;
        case ID2('D', 'Q'): return &c->supervising;
        case ID2('P', 'W'): return &c->ambulance_pickup;
        case ID2('4', '5'): return &c->ambulance_dropoff;
        case ID2('7', '1'): return &c->attending;
        case ID2('7', '2'): return &c->operating;
        case ID2('Z', 'Z'): return &c->other_operating;
        }
        break;
    }
    case L_2320: {
        rcm_other_payer *o = cur_other(r);
        if (k == ID2('I', 'L')) return &o->subscriber;
        if (k == ID2('P', 'R')) return &o->payer;
        break; /* 2330C-I: the other payer's provider ids, not kept */
    }
    case L_2400:
    case L_2430: {
        rcm_claim_line *l = cur_line(r);
        if (k == ID2('8', '2'))
            return &l->rendering;
        rcm_party *p = push(&r->mem, &l->providers, &l->n_providers, sizeof(rcm_party));
        if (!p)
            oom(env, s);
        return p;
    }
    }
    return NULL;
}

static void on_nm1(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_str e = EL(1);
    char entity[4];
    PUT(1, entity);
    int at = place_of(r->loop);
    unsigned allow = x12_837_party_rules(r->kind, entity, at);
    rcm_party *p = allow ? nm1_target(r, env, s, e) : NULL;
    if (r->loop == L_2430)
        r->loop = L_2400;
    if (!p) {
        p = &r->scratch;
        allow = 0;
    }
    /* parties are cleared when their loop opens: only a second NM1 for one finds it used */
    if (p->present)
        party_clear(p);
    p->present = 1;
    memcpy(p->entity, entity, sizeof(entity));
    PUT1(2, p->type);
    if (allow & X12_PR_LAST)
        PUT(3, p->last);
    if (allow & X12_PR_FIRST)
        PUT(4, p->first);
    if (allow & X12_PR_MID)
        PUT(5, p->middle);
    if (allow & X12_PR_SUF)
        PUT(7, p->suffix);
    if (allow & X12_PR_ID) {
        PUT(8, p->id_qual);
        PUT(9, p->id);
    }
    r->party = p;
    r->allow = allow;
}

static void on_n3(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (!r->party || !(r->allow & X12_PR_ADDR))
        return;
    PUT(1, r->party->addr1);
    PUT(2, r->party->addr2);
}

static void on_n4(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_party *p = r->party;
    if (!p || !(r->allow & X12_PR_ADDR))
        return;
    PUT(1, p->city);
    PUT(2, p->state);
    PUT(3, p->zip);
    PUT(4, p->country);
    PUT(7, p->country_sub);
}

static void on_per(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_party *p = r->party;
    if (!p || !(r->allow & X12_PR_PER) || p->contact[0] || p->phone[0] || p->email[0] || p->fax[0])
        return; /* the first PER is kept */
    PUT(2, p->contact);
    for (int i = 3; i <= 7; i += 2) {
        rcm_str q = EL(i);
        if (IS(q, "TE"))
            PUT(i + 1, p->phone);
        else if (IS(q, "EX"))
            PUT(i + 1, p->phone_ext);
        else if (IS(q, "EM"))
            PUT(i + 1, p->email);
        else if (IS(q, "FX"))
            PUT(i + 1, p->fax);
        else if (q.n)
            x12_bad_value(env, s, i, 0, q, "a communication number qualifier (TE, EX, EM, FX)");
    }
}

static void party_ref(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_party *p = r->party;
    rcm_str q = EL(1);
    if ((r->allow & X12_PR_TAX) && (IS(q, "EI") || IS(q, "SY")) && !p->tax_id[0]) {
        PUT(1, p->tax_id_qual);
        PUT(2, p->tax_id);
    } else if (!(r->allow & X12_PR_REF)) {
        return;
    } else if (!p->secondary_qual[0]) {
        PUT(1, p->secondary_qual);
        PUT(2, p->secondary_id);
    } else if (p->n_other_ids < RCM_PARTY_MAX_IDS) {
        rcm_ref *f = &p->other_ids[p->n_other_ids++];
        PUT(1, f->qual);
        PUT(2, f->value);
    } else {
        /* valid X12 (the 2420 loops allow 20 REFs): a limit of rcm's claim model, not an error */
        rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_WARNING, 0, 0, "5",
                       "more than %d secondary ids for one party: the claim model keeps the first %d, "
                       "this one is not kept", RCM_PARTY_MAX_IDS + 1, RCM_PARTY_MAX_IDS + 1);
    }
}

static int push_ref(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s, rcm_ref **arr, uint32_t *n)
{
    rcm_ref *f = push(&r->mem, arr, n, sizeof(rcm_ref));
    if (!f)
        return oom(env, s);
    PUT(1, f->qual);
    PUT(2, f->value);
    return 0;
}

static int on_ref(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_str q = EL(1);
    if (r->loop == L_2300 && !r->party) {
        rcm_claim *c = &r->c;
        char *dst = NULL;
        size_t sz = 0;
        if (IS(q, "G1")) dst = c->prior_auth, sz = sizeof(c->prior_auth);
        else if (IS(q, "9F")) dst = c->referral, sz = sizeof(c->referral);
        else if (IS(q, "F8")) dst = c->original_ref, sz = sizeof(c->original_ref);
        else if (IS(q, "EA")) dst = c->medical_record, sz = sizeof(c->medical_record);
        else if (IS(q, "X4")) dst = c->clia, sz = sizeof(c->clia);
        if (dst && !dst[0]) {
            put(env, s, 2, 0, EL(2), dst, sz);
            return 0;
        }
        return push_ref(r, env, s, &c->refs, &c->n_refs);
    }
    if ((r->loop == L_2400) && !r->party) {
        rcm_claim_line *l = cur_line(r);
        if (IS(q, "6R") && !l->control[0]) {
            PUT(2, l->control);
            return 0;
        }
        if (IS(q, "G1") && !l->prior_auth[0]) {
            PUT(2, l->prior_auth);
            return 0;
        }
        if ((IS(q, "XZ") || IS(q, "VY")) && !l->drug_ref_qual[0]) {
            PUT(1, l->drug_ref_qual);
            PUT(2, l->drug_ref);
            return 0;
        }
        return push_ref(r, env, s, &l->refs, &l->n_refs);
    }
    if (r->loop == L_2320 && r->party) {
        rcm_other_payer *o = cur_other(r);
        if (r->party == &o->payer && IS(q, "F8") && !o->payer_claim_number[0]) {
            PUT(2, o->payer_claim_number);
            return 0;
        }
    }
    if (r->party)
        party_ref(r, env, s);
    return 0;
}

static void on_prv(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->party && (r->allow & X12_PR_PRV))
        PUT(3, r->party->taxonomy);
}

static void on_dmg(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_date d;
    char sex;
    rcm_str fmt = EL(1);
    if (fmt.n && !IS(fmt, "D8"))
        x12_bad_value(env, s, 1, 0, fmt, "a date format (D8)");
    x12_date(env, s, 2, &d);
    put1(env, s, 3, 0, EL(3), &sex);
    if (r->loop == L_22) {
        r->subscriber_dob = d;
        r->subscriber_sex = sex;
    } else if (r->loop == L_23) {
        r->patient_dob = d;
        r->patient_sex = sex;
    }
}

static int on_sbr(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop == L_22) {
        PUT1(1, r->payer_seq);
        PUT(2, r->subscriber_rel);
        PUT(3, r->group);
        PUT(4, r->group_name);
        if (r->kind == 'P')
            PUT(5, r->ins_type);
        PUT(9, r->filing);
        return 0;
    }
    if (!r->in_claim || r->loop < L_2300 || r->loop > L_2320)
        return 0;
    rcm_other_payer *o = push(&r->mem, &r->c.other, &r->c.n_other, sizeof(rcm_other_payer));
    if (!o)
        return oom(env, s);
    o->adjudicated = RCM_DATE_NONE;
    PUT1(1, o->seq);
    PUT(2, o->rel);
    PUT(3, o->group);
    PUT(4, o->group_name);
    if (r->kind == 'P')
        PUT(5, o->ins_type);
    PUT(9, o->filing);
    r->loop = L_2320;
    r->party = NULL;
    return 0;
}

static void on_pat(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop == L_23)
        PUT(1, r->patient_rel);
}

static void on_clm(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    claim_begin(r, s);
    rcm_claim *c = &r->c;
    PUT(1, c->id);
    amount(env, s, 2, 0, EL(2), &c->charge_cents, NULL);
    rcm_str k[5];
    split(EL(5), s->d.comp, k, 3);
    PUTC(5, 1, k[0], c->pos);
    put1(env, s, 5, 2, k[1], &c->facility_qual);
    put1(env, s, 5, 3, k[2], &c->freq);
    if (r->kind == 'P') {
        PUT1(6, c->signature);
        PUT1(10, c->sig_source);
        rcm_str e11 = EL(11);
        if (e11.n) {
            split(e11, s->d.comp, k, 5);
            for (int j = 0; j < 3; j++)
                PUTC(11, j + 1, k[j], c->related[j]);
            PUTC(11, 4, k[3], c->accident_state);
            PUTC(11, 5, k[4], c->accident_country);
        }
        PUT(12, c->special_program);
    }
    PUT1(7, c->assignment);
    PUT1(8, c->benefits);
    PUT1(9, c->release);
    PUT(20, c->delay_reason);
    r->loop = L_2300;
    r->party = NULL;
}

static int on_dtp(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_str q = EL(1), fmt = EL(2), v = EL(3);
    rcm_date from, to;
    char hhmm[5] = "";
    date_value(r, env, s, 3, 0, fmt, v, &from, &to, hhmm);
    if (r->loop == L_2300) {
        rcm_claim *c = &r->c;
        rcm_date *dst = NULL;
        if (q.n == 3) {
            switch (ID3(q.p[0], q.p[1], q.p[2])) {
            case ID3('4', '3', '1'): dst = &c->onset; break;
            case ID3('4', '3', '9'): dst = &c->accident; break;
            case ID3('3', '0', '4'): dst = &c->last_seen; break;
            case ID3('4', '3', '5'):
                c->admission = from;
                memcpy(c->admission_hour, hhmm, sizeof(hhmm));
                return 0;
            case ID3('0', '9', '6'):
                c->discharge = from;
                memcpy(c->discharge_hour, hhmm, sizeof(hhmm));
                return 0;
            case ID3('4', '3', '4'):
                c->statement_from = from;
                c->statement_to = to != RCM_DATE_NONE ? to : from;
                return 0;
            }
        }
        if (dst && *dst == RCM_DATE_NONE) {
            *dst = from;
            return 0;
        }
        rcm_claim_date *d = push(&r->mem, &c->dates, &c->n_dates, sizeof(*d));
        if (!d)
            return oom(env, s);
        PUT(1, d->qual);
        d->from = from;
        d->to = to;
        return 0;
    }
    if (r->loop == L_2320) {
        if (IS(q, "573"))
            cur_other(r)->adjudicated = from;
        return 0;
    }
    if (r->loop == L_2400) {
        rcm_claim_line *l = cur_line(r);
        if (IS(q, "472") && l->from == RCM_DATE_NONE) {
            l->from = from;
            l->to = to != RCM_DATE_NONE ? to : from;
            return 0;
        }
        rcm_claim_date *d = push(&r->mem, &l->dates, &l->n_dates, sizeof(*d));
        if (!d)
            return oom(env, s);
        PUT(1, d->qual);
        d->from = from;
        d->to = to;
        return 0;
    }
    if (r->loop == L_2430) {
        if (IS(q, "573"))
            cur_adj(r)->adjudicated = from;
    }
    return 0;
}

static void on_cl1(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->kind != 'I')
        become_institutional(r);
    if (!r->in_claim)
        return;
    PUT(1, r->c.admission_type);
    PUT(2, r->c.admission_source);
    PUT(3, r->c.patient_status);
}

static int on_amt(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_str q = EL(1);
    int64_t v;
    int has;
    x12_cents(env, s, 2, &v, &has);
    switch (r->loop) {
    case L_2300:
        if (IS(q, "F5"))
            r->c.patient_paid_cents = v, r->c.has_patient_paid = 1;
        else if (IS(q, "F3"))
            r->c.patient_due_cents = v, r->c.has_patient_due = 1;
        break;
    case L_2320: {
        rcm_other_payer *o = cur_other(r);
        if (IS(q, "D"))
            o->paid_cents = v, o->has_paid = 1;
        else if (IS(q, "EAF"))
            o->remaining_cents = v, o->has_remaining = 1;
        else if (IS(q, "A8"))
            o->noncovered_cents = v, o->has_noncovered = 1;
        break;
    }
    case L_2400: {
        rcm_claim_line *l = cur_line(r);
        rcm_amt *a = push(&r->mem, &l->amts, &l->n_amts, sizeof(*a));
        if (!a)
            return oom(env, s);
        PUT(1, a->qual);
        a->cents = v;
        break;
    }
    case L_2430:
        if (IS(q, "EAF")) {
            rcm_line_adj *a = cur_adj(r);
            a->remaining_cents = v;
            a->has_remaining = 1;
        }
        break;
    }
    return 0;
}

static void on_nte(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop == L_2300 && !r->c.note_qual[0] && !r->c.note[0]) {
        PUT(1, r->c.note_qual);
        PUT(2, r->c.note);
    } else if (r->loop == L_2400) {
        rcm_claim_line *l = cur_line(r);
        if (!l->note_qual[0] && !l->note[0]) {
            PUT(1, l->note_qual);
            PUT(2, l->note);
        }
    }
}

/* IK403 7: a code that is not in the element's list. */
static void bad_code(const rcm_x12_env *env, const rcm_x12_seg *s, int el, rcm_str v, const char *what)
{
    char tmp[24];
    shown(tmp, sizeof(tmp), v);
    rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "7", "'%s' is not %s", tmp, what);
}

/* The PWK05/PWK06 pair (syntax P0506): AC and the attachment control number. */
static void pwk_control(const rcm_x12_env *env, const rcm_x12_seg *s, rcm_attachment *a)
{
    rcm_str q = EL(5), ctl = EL(6);
    if (q.n && !IS(q, "AC"))
        bad_code(env, s, 5, q, "an identification code qualifier (AC)");
    if (q.n && !ctl.n)
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 6, 0, "2",
                       "PWK06 attachment control number is missing (PWK05 is present)");
    else if (ctl.n && !q.n)
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 5, 0, "2",
                       "PWK05 is missing (AC, needed with the attachment control number)");
    PUT(6, a->control);
}

/*
 * PWK: an attachment of the claim (2300) or of the current line (2400).
 * Codes outside the guide's lists are kept as read (the writer refuses
 * them) and reported; so are more PWKs than the loop allows. The 837P line
 * has a second kind of PWK, the DME certificate indicator (CT with AB AD AF
 * AG NS), which carries no control number.
 */
static int on_pwk(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_attachment **arr;
    uint32_t *n;
    rcm_claim_line *l = NULL;
    if (r->loop == L_2300) {
        arr = &r->c.attachments;
        n = &r->c.n_attachments;
    } else if (r->loop == L_2400) {
        l = cur_line(r);
        arr = &l->attachments;
        n = &l->n_attachments;
    } else {
        return 0; /* 2320, 2430: the guides have no PWK there */
    }
    rcm_str type = EL(1), trans = EL(2);
    int at = l ? X12_AT_LINE : X12_AT_CLAIM;
    int cmn = x12_837_pwk_is_cmn(r->kind, at, type.p, type.n, trans.p, trans.n);
    uint32_t same = cmn ? r->line_cmn++ : l ? r->line_pwk++ : r->clm_pwk++; /* before this one */
    if (cmn && same == X12_PWK_MAX_CMN)
        rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                       "line %u of claim '%s' has more than one DME certificate indicator (PWK*CT)", l->number,
                       r->c.id);
    else if (!cmn && same == X12_PWK_MAX && l)
        rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                       "line %u of claim '%s' has more than %d attachments (PWK)", l->number, r->c.id,
                       X12_PWK_MAX);
    else if (!cmn && same == X12_PWK_MAX)
        rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                       "claim '%s' has more than %d attachments (PWK)", r->c.id, X12_PWK_MAX);
    rcm_attachment *a = push(&r->mem, arr, n, sizeof(*a));
    if (!a)
        return oom(env, s);
    PUT(1, a->report_type);
    PUT(2, a->transmission);
    if (!type.n)
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 1, 0, "1",
                       "PWK01 attachment report type code is missing");
    else if (type.n <= 2 && !x12_837_pwk_type(type.p, type.n)) /* a longer one was reported by PUT */
        bad_code(env, s, 1, type, "an attachment report type code");
    int t = x12_837_pwk_transmission(trans.p, trans.n);
    if (!trans.n)
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 2, 0, "1",
                       "PWK02 attachment transmission code is missing");
    else if (trans.n <= 2 && (t == X12_PWK_NONE || (t == X12_PWK_CMN && !cmn)))
        bad_code(env, s, 2, trans,
                 r->kind == 'P' && l ? "an attachment transmission code (AA BM EL EM FT FX; AB AD AF AG NS "
                                       "with PWK01 CT)"
                                     : "an attachment transmission code (AA BM EL EM FT FX)");
    if (!cmn)
        pwk_control(env, s, a); /* the certificate indicator does not use PWK05/PWK06 */
    return 0;
}

/* Is q one of the HI qualifiers that are not diagnoses the model keeps in dx? */
static int code_qual(rcm_str q, char kind)
{
    static const char *const p_quals[] = { "BP", "BO", "BG" };
    static const char *const i_quals[] = { "APR", "PR", "ABN", "BN", "DR", "BBR", "BR", "CAH", "BBQ",
                                           "BQ", "BI", "BH", "BE", "BG", "TC" };
    const char *const *t = kind == 'I' ? i_quals : p_quals;
    size_t n = kind == 'I' ? ARRAY_SIZE(i_quals) : ARRAY_SIZE(p_quals);
    for (size_t i = 0; i < n; i++)
        if (rcm_str_eq(q, t[i]))
            return 1;
    return 0;
}

static void add_dx(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s, int el, const rcm_str *k,
                   int principal)
{
    rcm_claim *c = &r->c;
    rcm_str code = k[1];
    char poa = 0;
    if (c->kind == 'I')
        put1(env, s, el, 9, k[8], &poa);
    if (c->n_dx >= RCM_CLAIM_MAX_DX) {
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "3",
                       "claim '%s' has more than %d diagnoses; this one is dropped", c->id,
                       RCM_CLAIM_MAX_DX);
        return;
    }
    if (c->kind == 'P' && c->n_dx == RCM_CLAIM_MAX_DX_P)
        rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "3",
                       "claim '%s' has more than %d diagnoses (837P allows %d)", c->id,
                       RCM_CLAIM_MAX_DX_P, RCM_CLAIM_MAX_DX_P);
    uint32_t at = c->n_dx;
    if (principal) {
        if (r->have_principal) {
            rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "2",
                           "claim '%s' has a second principal diagnosis", c->id);
        } else {
            memmove(c->dx[1], c->dx[0], sizeof(c->dx[0]) * c->n_dx);
            memmove(c->dx_poa + 1, c->dx_poa, c->n_dx);
            at = 0;
            r->have_principal = 1;
            put(env, s, el, 1, k[0], c->dx_qual, sizeof(c->dx_qual));
        }
    }
    put(env, s, el, 2, code, c->dx[at], sizeof(c->dx[at]));
    c->dx_poa[at] = poa;
    c->n_dx++;
}

static int on_hi(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop != L_2300)
        return 0;
    rcm_claim *c = &r->c;
    for (unsigned i = 1; i <= s->n; i++) {
        rcm_str e = EL(i), k[9];
        if (!e.n)
            continue;
        split(e, s->d.comp, k, 9);
        rcm_str q = k[0];
        if (IS(q, "ABK") || IS(q, "BK")) {
            add_dx(r, env, s, (int)i, k, 1);
        } else if (IS(q, "ABF") || IS(q, "BF")) {
            add_dx(r, env, s, (int)i, k, 0);
        } else if (c->kind == 'I' && (IS(q, "ABJ") || IS(q, "BJ"))) {
            PUTC((int)i, 2, k[1], c->admitting_dx);
        } else if (code_qual(q, c->kind)) {
            rcm_claim_code *cd = push(&r->mem, &c->codes, &c->n_codes, sizeof(*cd));
            if (!cd)
                return oom(env, s);
            PUTC((int)i, 1, q, cd->qual);
            PUTC((int)i, 2, k[1], cd->code);
            date_value(r, env, s, (int)i, 4, k[2], k[3], &cd->date, &cd->date_to, NULL);
            amount(env, s, (int)i, 5, k[4], &cd->amount_cents, &cd->has_amount);
            put1(env, s, (int)i, 9, k[8], &cd->poa);
        } else {
            x12_bad_value(env, s, (int)i, 1, q,
                          c->kind == 'I' ? "a code list qualifier of an 837I HI"
                                         : "a code list qualifier of an 837P HI");
        }
    }
    return 0;
}

static int on_lx(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (!r->in_claim)
        return 0;
    rcm_claim *c = &r->c;
    unsigned max = c->kind == 'I' ? RCM_CLAIM_MAX_LINES_I : RCM_CLAIM_MAX_LINES_P;
    if (c->n_lines >= max && !r->line_over) {
        r->line_over = 1;
        rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                       "claim '%s' has more than %u service lines (837%c allows %u)", c->id, max,
                       c->kind, max);
    }
    rcm_claim_line *l = push(&r->mem, &c->lines, &c->n_lines, sizeof(*l));
    if (!l)
        return oom(env, s);
    l->from = l->to = RCM_DATE_NONE; /* push zeroed the rest */
    r->line_pwk = r->line_cmn = 0;
    uint64_t n;
    rcm_str v = EL(1);
    if (rcm_uint_parse(&n, v) < 0 || n > UINT32_MAX) {
        x12_bad_value(env, s, 1, 0, v, "a line number");
    } else {
        l->number = (uint32_t)n;
        if (n != c->n_lines)
            rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 1, 0, "6",
                           "line number %llu is out of sequence: expected %u", (unsigned long long)n,
                           c->n_lines);
    }
    r->loop = L_2400;
    r->party = NULL;
    return 0;
}

static void proc_comp(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s, int el, char *qual,
                      char *code, char (*mods)[3], char *desc)
{
    rcm_str k[7];
    split(EL(el), s->d.comp, k, 7);
    put(env, s, el, 1, k[0], qual, 3);
    put(env, s, el, 2, k[1], code, 49);
    for (unsigned j = 0; j < RCM_CLAIM_MAX_MODS; j++)
        put(env, s, el, (int)j + 3, k[j + 2], mods[j], 3);
    put(env, s, el, 7, k[6], desc, 81);
}

static void on_sv1(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_claim_line *l = r->loop == L_2400 ? cur_line(r) : NULL;
    if (!l)
        return;
    proc_comp(r, env, s, 1, l->qual, l->code, l->mods, l->desc);
    x12_cents(env, s, 2, &l->charge_cents, NULL);
    PUT(3, l->unit_type);
    quantity(env, s, 4, 0, EL(4), &l->units_milli);
    PUT(5, l->pos);
    rcm_str ptrs[RCM_CLAIM_MAX_PTR];
    split(EL(7), s->d.comp, ptrs, RCM_CLAIM_MAX_PTR);
    for (unsigned j = 0; j < RCM_CLAIM_MAX_PTR; j++) {
        rcm_str p = ptrs[j];
        uint64_t n;
        if (!p.n)
            continue;
        if (rcm_uint_parse(&n, p) < 0 || n < 1 || n > RCM_CLAIM_MAX_DX_P) {
            x12_bad_value(env, s, 7, (int)j + 1, p, "a diagnosis pointer (1-12)");
            continue;
        }
        l->dx_ptr[j] = (uint8_t)n;
        if (n > r->c.n_dx) {
            char tmp[8];
            shown(tmp, sizeof(tmp), p);
            rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, 7, (int)j + 1, "6",
                           "diagnosis pointer '%s' points past the %u diagnoses of claim '%s'", tmp,
                           r->c.n_dx, r->c.id);
        }
    }
    PUT1(9, l->emergency);
    PUT1(11, l->epsdt);
    PUT1(12, l->family_planning);
}

static void on_sv2(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->kind != 'I')
        become_institutional(r);
    rcm_claim_line *l = r->loop == L_2400 ? cur_line(r) : NULL;
    if (!l)
        return;
    PUT(1, l->revenue_code);
    proc_comp(r, env, s, 2, l->qual, l->code, l->mods, l->desc);
    x12_cents(env, s, 3, &l->charge_cents, NULL);
    PUT(4, l->unit_type);
    quantity(env, s, 5, 0, EL(5), &l->units_milli);
    x12_cents(env, s, 7, &l->noncovered_cents, NULL);
}

static void on_lin(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_claim_line *l = r->loop == L_2400 ? cur_line(r) : NULL;
    if (!l)
        return;
    PUT(2, l->ndc_qual);
    PUT(3, l->ndc);
    r->party = NULL;
}

static void on_ctp(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_claim_line *l = r->loop == L_2400 ? cur_line(r) : NULL;
    if (!l)
        return;
    quantity(env, s, 4, 0, EL(4), &l->ndc_qty_milli);
    rcm_str e5 = EL(5);
    PUTC(5, 1, COMP(e5, 1), l->ndc_unit);
}

static int on_svd(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop != L_2400 && r->loop != L_2430)
        return 0;
    rcm_claim_line *l = cur_line(r);
    rcm_line_adj *a = push(&r->mem, &l->adj, &l->n_adj, sizeof(*a));
    if (!a)
        return oom(env, s);
    a->adjudicated = RCM_DATE_NONE;
    PUT(1, a->payer_id);
    x12_cents(env, s, 2, &a->paid_cents, NULL);
    proc_comp(r, env, s, 3, a->qual, a->code, a->mods, a->desc);
    if (r->kind == 'I')
        PUT(4, a->revenue_code);
    quantity(env, s, 5, 0, EL(5), &a->units_milli);
    rcm_str b = EL(6);
    uint64_t n;
    if (b.n && (rcm_uint_parse(&n, b) < 0 || n > UINT32_MAX))
        x12_bad_value(env, s, 6, 0, b, "a line number");
    else if (b.n)
        a->bundled_line = (uint32_t)n;
    r->loop = L_2430;
    r->party = NULL;
    return 0;
}

static int on_cas(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    rcm_cas **arr;
    uint32_t *n;
    if (r->loop == L_2320) {
        rcm_other_payer *o = cur_other(r);
        arr = &o->cas;
        n = &o->n_cas;
    } else if (r->loop == L_2430) {
        rcm_line_adj *a = cur_adj(r);
        arr = &a->cas;
        n = &a->n_cas;
    } else {
        return 0;
    }
    char group[3];
    PUT(1, group);
    for (int i = 2; i + 1 <= 19; i += 3) {
        rcm_str reason = EL((unsigned)i);
        if (!reason.n)
            continue;
        rcm_cas *c = push(&r->mem, arr, n, sizeof(*c));
        if (!c)
            return oom(env, s);
        memcpy(c->group, group, sizeof(group));
        PUT(i, c->reason);
        x12_cents(env, s, i + 1, &c->amount_cents, NULL);
        rcm_str q = EL((unsigned)i + 2);
        c->has_qty = q.n > 0;
        quantity(env, s, i + 2, 0, q, &c->qty_milli);
    }
    return 0;
}

static void on_oi(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    if (r->loop != L_2320)
        return;
    rcm_other_payer *o = cur_other(r);
    PUT1(3, o->benefits);
    if (r->kind == 'P')
        PUT1(4, o->sig_source);
    PUT1(6, o->release);
}

/* ---- HL ---- */

static void subscriber_clear(r837 *r)
{
    party_clear(&r->c.subscriber);
    party_clear(&r->c.payer);
    r->payer_seq = r->subscriber_sex = 0;
    r->subscriber_rel[0] = r->group[0] = r->group_name[0] = r->ins_type[0] = r->filing[0] = '\0';
    r->subscriber_dob = RCM_DATE_NONE;
}

static void patient_clear(r837 *r)
{
    party_clear(&r->c.patient);
    r->patient_rel[0] = '\0';
    r->patient_dob = RCM_DATE_NONE;
    r->patient_sex = 0;
    r->under_patient = 0;
}

static void hl_problem(const rcm_x12_env *env, const rcm_x12_seg *s, int el, const char *fmt, const char *a,
                       const char *b)
{
    rcm_x12_report(env, s, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, 0, "6", fmt, a, b);
}

static int on_hl(r837 *r, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    int rc = claim_end(r, env);
    if (rc < 0)
        return rc;
    rcm_str id = EL(1), parent = EL(2), level = EL(3);
    char tid[24], tpar[24], tmp[24];
    shown(tid, sizeof(tid), id);
    tpar[0] = '\0';
    if (parent.n)
        shown(tpar, sizeof(tpar), parent);
    uint64_t n = 0, pn = 0;
    int id_ok = rcm_uint_parse(&n, id) == 0;
    if (!id_ok) {
        x12_bad_value(env, s, 1, 0, id, "a hierarchical id number");
    } else if ((long)n != r->hl_next) {
        snprintf(tmp, sizeof(tmp), "%ld", r->hl_next);
        hl_problem(env, s, 1, "HL01 '%s' is out of sequence: expected %s", tid, tmp);
    }
    if (id_ok)
        r->hl_next = (long)n + 1;
    else
        r->hl_next++;
    int par_ok = parent.n && rcm_uint_parse(&pn, parent) == 0;
    if (parent.n && !par_ok)
        x12_bad_value(env, s, 2, 0, parent, "a hierarchical parent id number");
    if (par_ok && (pn == 0 || (id_ok && pn >= n) || (long)pn >= r->hl_next))
        hl_problem(env, s, 2, "HL02 parent '%s' of HL '%s' does not exist", tpar, tid);
    r->party = NULL;
    r->allow = 0;
    r->loop = L_HDR; /* each level below sets its own; an unknown level opens none */
    if (IS(level, "20")) {
        if (parent.n)
            hl_problem(env, s, 2, "billing provider HL '%s' must not have a parent (HL02 '%s')", tid, tpar);
        r->hl20 = id_ok ? (long)n : -1;
        r->hl22 = 0;
        memset(&r->c.billing, 0, sizeof(r->c.billing)); /* a PRV may have filled it without an NM1 */
        party_clear(&r->c.pay_to);
        party_clear(&r->c.pay_to_plan);
        subscriber_clear(r);
        patient_clear(r);
        r->loop = L_20;
        r->party = &r->c.billing; /* 2000A PRV comes before NM1*85 */
        r->allow = X12_PR_PRV;
        r->under_patient = 0;
    } else if (IS(level, "22")) {
        if (!parent.n)
            hl_problem(env, s, 2, "subscriber HL '%s' has no parent%s", tid, "");
        else if (par_ok && (long)pn != r->hl20 && (long)pn < r->hl_next && pn > 0 && (!id_ok || pn < n))
            hl_problem(env, s, 2,
                       "subscriber HL '%s' has parent '%s', which is not a billing provider HL (20)",
                       tid, tpar);
        r->hl22 = id_ok ? (long)n : -1;
        subscriber_clear(r);
        patient_clear(r);
        r->loop = L_22;
    } else if (IS(level, "23")) {
        if (!parent.n)
            hl_problem(env, s, 2, "patient HL '%s' has no parent%s", tid, "");
        else if (par_ok && (long)pn != r->hl22 && (long)pn < r->hl_next && pn > 0 && (!id_ok || pn < n))
            hl_problem(env, s, 2, "patient HL '%s' has parent '%s', which is not a subscriber HL (22)",
                       tid, tpar);
        patient_clear(r);
        r->under_patient = 1;
        r->loop = L_23;
    } else {
        x12_bad_value(env, s, 3, 0, level, "an 837 hierarchical level code (20, 22, 23)");
    }
    return 0;
}

/* ---- typed reader ops ---- */

static int r_create(void **out, const rcm_x12_typed_cb *cb)
{
    r837 *r = calloc(1, sizeof(*r));
    if (!r)
        return RCM_ENOMEM;
    r->cb = cb;
    rcm_claim_init(&r->c);
    arena_init(&r->mem, 64 * 1024, (size_t)512 << 20);
    *out = r;
    return 0;
}

static void r_destroy(void *state)
{
    r837 *r = state;
    if (!r)
        return;
    arena_release(&r->mem);
    free(r);
}

static int r_begin(void *state, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    r837 *r = state;
    const char *v = env->st_version[0] ? env->st_version : env->gs_version;
    r->kind = strstr(v, "X223") ? 'I' : 'P';
    r->loop = L_HDR;
    cstr_copy(r->st_control, sizeof(r->st_control), env->st_control);
    r->bht_id[0] = r->bht_purpose[0] = r->bht_type[0] = r->bht_time[0] = '\0';
    r->bht_date = RCM_DATE_NONE;
    party_clear(&r->c.submitter);
    party_clear(&r->c.receiver);
    party_clear(&r->c.billing);
    party_clear(&r->c.pay_to);
    party_clear(&r->c.pay_to_plan);
    party_clear(&r->c.subscriber);
    party_clear(&r->c.payer);
    party_clear(&r->c.patient);
    r->payer_seq = r->subscriber_sex = r->patient_sex = 0;
    r->subscriber_rel[0] = r->group[0] = r->group_name[0] = r->ins_type[0] = r->filing[0] = '\0';
    r->patient_rel[0] = '\0';
    r->subscriber_dob = r->patient_dob = RCM_DATE_NONE;
    r->under_patient = 0;
    r->hl_next = 1;
    r->hl20 = r->hl22 = 0;
    r->party = NULL;
    r->in_claim = 0;
    arena_reset(&r->mem);
    return 0;
}

static int r_segment(void *state, const rcm_x12_env *env, const rcm_x12_seg *s)
{
    r837 *r = state;
    uint32_t key = rcm_x12_key(s);
    /* segments that need an open claim in the claim loops */
    int claim_loop = r->loop >= L_2300 && r->in_claim; /* after an HL the claim is closed */
    switch (key) {
    case RCM_X12_KEY('N', 'M', '1'): on_nm1(r, env, s); return 0;
    case RCM_X12_KEY('N', '3', 0): on_n3(r, env, s); return 0;
    case RCM_X12_KEY('N', '4', 0): on_n4(r, env, s); return 0;
    case RCM_X12_KEY('R', 'E', 'F'): return on_ref(r, env, s);
    case RCM_X12_KEY('P', 'E', 'R'): on_per(r, env, s); return 0;
    case RCM_X12_KEY('P', 'R', 'V'): on_prv(r, env, s); return 0;
    case RCM_X12_KEY('D', 'T', 'P'): return claim_loop ? on_dtp(r, env, s) : 0;
    case RCM_X12_KEY('L', 'X', 0): return on_lx(r, env, s);
    case RCM_X12_KEY('S', 'V', '1'): on_sv1(r, env, s); return 0;
    case RCM_X12_KEY('S', 'V', '2'): on_sv2(r, env, s); return 0;
    case RCM_X12_KEY('C', 'A', 'S'): return on_cas(r, env, s);
    case RCM_X12_KEY('S', 'V', 'D'): return on_svd(r, env, s);
    case RCM_X12_KEY('A', 'M', 'T'): return claim_loop ? on_amt(r, env, s) : 0;
    case RCM_X12_KEY('P', 'W', 'K'): return claim_loop ? on_pwk(r, env, s) : 0;
    case RCM_X12_KEY('C', 'L', 'M'): {
        int rc = claim_end(r, env);
        if (rc < 0)
            return rc;
        if (r->loop == L_HDR || r->loop == L_20) {
            rcm_x12_report(env, s, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "7",
                           "claim outside a subscriber or patient level (no HL*22 before it)");
        }
        on_clm(r, env, s);
        return 0;
    }
    case RCM_X12_KEY('H', 'I', 0): return on_hi(r, env, s);
    case RCM_X12_KEY('H', 'L', 0): return on_hl(r, env, s);
    case RCM_X12_KEY('S', 'B', 'R'): return on_sbr(r, env, s);
    case RCM_X12_KEY('D', 'M', 'G'): on_dmg(r, env, s); return 0;
    case RCM_X12_KEY('P', 'A', 'T'): on_pat(r, env, s); return 0;
    case RCM_X12_KEY('C', 'L', '1'): on_cl1(r, env, s); return 0;
    case RCM_X12_KEY('N', 'T', 'E'): if (claim_loop) on_nte(r, env, s); return 0;
    case RCM_X12_KEY('L', 'I', 'N'): on_lin(r, env, s); return 0;
    case RCM_X12_KEY('C', 'T', 'P'): on_ctp(r, env, s); return 0;
    case RCM_X12_KEY('O', 'I', 0): on_oi(r, env, s); return 0;
    case RCM_X12_KEY('B', 'H', 'T'): on_bht(r, env, s); return 0;
    }
    return 0;
}

static int r_end(void *state, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    r837 *r = state;
    int rc = claim_end(r, env);
    arena_reset(&r->mem);
    return rc;
}

const x12_typed_ops x12_ops_837 = { "837", r_create, r_destroy, r_begin, r_segment, r_end };
