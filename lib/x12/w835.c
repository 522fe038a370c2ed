/*
 * The 835 writer (include/rcm/x12write.h): remittance transaction sets
 * (005010X221A1) written from the model the 835 reader fills
 * (include/rcm/remit.h), so that what is written reads back the same and
 * balances. It checks the three balancing rules before writing a set and
 * refuses one that does not balance: a payer's remittance that does not add
 * up is worse than none. What the guide (lib/x12/guides/835.tbl) requires
 * and the model lacks, and the codes and qualifiers it does not list for a
 * position, are refused too, naming the field; what a loop cannot carry
 * (the payee's contact: 1000B has no PER) is not written.
 */
#include "xwrite.h"

#define V835 "005010X221A1"

/* ---- what the guide allows (lib/x12/guides/835.tbl) ---- */

/* Is q one of the comma-separated codes of list? */
static int in_list(const char *list, const char *q)
{
    size_t n = strlen(q);
    if (!n)
        return 0;
    for (const char *p = list; *p;) {
        size_t k = strcspn(p, ",");
        if (k == n && memcmp(p, q, n) == 0)
            return 1;
        p += k;
        if (*p)
            p++;
    }
    return 0;
}

/* A present value that is not one of the codes the guide lists for el. */
static void code_check(xw *w, const char *v, const char *codes, const char *field, const char *el)
{
    if (v[0] && !in_list(codes, v))
        xw_fail(w, RCM_EINVAL, "%s: '%.20s' is not a code of %s (%s)", field, v, el, codes);
}

/* A present value shorter or longer than its element allows. */
static void len_check(xw *w, const char *v, size_t min, size_t max, const char *field, const char *el)
{
    size_t n = strlen(v);
    if (!n || (n >= min && n <= max))
        return;
    if (min == max)
        xw_fail(w, RCM_EINVAL, "%s: '%.40s' is not %zu characters (%s)", field, v, min, el);
    else
        xw_fail(w, RCM_EINVAL, "%s: '%.40s' is not %zu to %zu characters (%s)", field, v, min, max, el);
}

/* Two values X12 wants together (a qualifier and what it qualifies): both or neither. */
static void pair_check(xw *w, const char *a, const char *fa, const char *b, const char *fb, const char *el)
{
    if (a[0] && !b[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (%s goes with %s)", fb, el, fa);
    else if (b[0] && !a[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (%s goes with %s)", fa, el, fb);
}

#define CLAIM_STATUS "1,2,3,4,19,20,21,22,23,25"
#define FILING "12,13,14,15,16,17,AM,CH,DS,HM,LM,MA,MB,MC,OF,TV,VA,WC,ZZ"
#define CAS_GROUPS "CO,OA,PI,PR"
#define PAYER_IDS "AD,FI,NI,PI,PP,XV"
#define PLB_REASONS                                                                                         \
    "50,51,72,90,AH,AM,AP,B2,B3,BD,BN,C5,CR,CS,CT,CV,CW,DM,E3,FB,FC,GO,HM,IP,IR,IS,J1,L3,L6,LE,LS,OA,OB,PI,PL," \
    "RA,RE,SL,TL,WO,WU"

/*
 * The qualifier positions of a loop for the model's lists (REF, AMT, QTY):
 * each position's codes and how many segments it may hold. A qualifier
 * with no position is refused, and so is one more than its position holds.
 */
typedef struct qpos {
    const char *codes;
    unsigned max;
} qpos;

typedef struct qslot {
    const char *loop, *seg;
    const qpos *pos;
    size_t n;
} qslot;

enum { Q_MAX_POS = 4 };

static const qpos Q_1000A_REF[] = { { "2U,EO,HI,NF", 4 } };
static const qpos Q_1000B_REF[] = { { "0B,D3,PQ,TJ", UINT32_MAX } };
static const qpos Q_2100_REF[] = { { "1L,1W,28,6P,9A,9C,BB,CE,EA,F8,G1,G3,IG,SY", 5 },
                                   { "0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,LU", 10 } };
static const qpos Q_2100_AMT[] = { { "AU,D8,DY,F5,I,NL,T,T2,ZK,ZL,ZM,ZN,ZO", 13 } };
static const qpos Q_2100_QTY[] = { { "CA,CD,LA,LE,NE,NR,OU,PS,VS,ZK,ZL,ZM,ZN,ZO", 14 } };
static const qpos Q_2110_REF[] = { { "1S,APC,BB,E9,G1,G3,LU,RB", 8 },
                                   { "6R", 1 },
                                   { "0B,1A,1B,1C,1D,1G,1H,1J,D3,G2,HPI,SY,TJ", 10 },
                                   { "0K", 5 } };
static const qpos Q_2110_AMT[] = { { "B6,KH,T,T2,ZK,ZL,ZM,ZN,ZO", 9 } };
static const qpos Q_2110_QTY[] = { { "ZK,ZL,ZM,ZN,ZO", 6 } };

#define QSLOT(loop, seg, t) { loop, seg, t, ARRAY_SIZE(t) }
static const qslot S_1000A_REF = QSLOT("1000A", "REF", Q_1000A_REF), S_1000B_REF = QSLOT("1000B", "REF", Q_1000B_REF),
                   S_2100_REF = QSLOT("2100", "REF", Q_2100_REF), S_2100_AMT = QSLOT("2100", "AMT", Q_2100_AMT),
                   S_2100_QTY = QSLOT("2100", "QTY", Q_2100_QTY), S_2110_REF = QSLOT("2110", "REF", Q_2110_REF),
                   S_2110_AMT = QSLOT("2110", "AMT", Q_2110_AMT), S_2110_QTY = QSLOT("2110", "QTY", Q_2110_QTY);

/* Counts of one loop instance's segments per position of a slot. */
typedef struct qcount {
    unsigned n[Q_MAX_POS];
} qcount;

/* Takes one qualifier of a loop instance: refused (naming field) when no position has it or it is full. */
static void q_take(xw *w, const qslot *s, qcount *qc, const char *qual, const char *field)
{
    if (!qual[0]) {
        xw_fail(w, RCM_EINVAL, "%s: missing (%s01 qualifier)", field, s->seg);
        return;
    }
    for (size_t i = 0; i < s->n; i++) {
        if (!in_list(s->pos[i].codes, qual))
            continue;
        if (++qc->n[i] > s->pos[i].max)
            xw_fail(w, RCM_EINVAL, "%s: '%s': loop %s allows %u %s with it", field, qual, s->loop, s->pos[i].max,
                    s->seg);
        return;
    }
    char all[160] = "";
    size_t n = 0;
    for (size_t i = 0; i < s->n && n < sizeof(all); i++)
        n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s", n ? "," : "", s->pos[i].codes);
    xw_fail(w, RCM_EINVAL, "%s: '%s' is not allowed in 835 loop %s %s (allowed: %.140s)", field, qual, s->loop,
            s->seg, all);
}

/* ---- balancing ---- */

static int64_t cas_sum(const rcm_cas *c, uint32_t n)
{
    int64_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s += c[i].amount_cents;
    return s;
}

static int check_balance(const rcm_remit_set *s, uint32_t set_index, rcm_error *err)
{
    const rcm_remit *m = s->remit;
    int64_t total_paid = 0, total_plb = 0;
    char a[32], b[32];
    for (uint32_t i = 0; i < s->n_claims; i++) {
        const rcm_remit_claim *c = &s->claims[i];
        int64_t line_cas = 0;
        for (uint32_t j = 0; j < c->n_lines; j++) {
            const rcm_remit_line *l = &c->lines[j];
            int64_t lc = cas_sum(l->cas, l->n_cas);
            if (l->charge_cents - lc != l->paid_cents) {
                rcm_cents_fmt(a, l->charge_cents - lc);
                rcm_cents_fmt(b, l->paid_cents);
                return rcm_error_set(err, RCM_EBALANCE,
                                     "835 set %u claim '%s' line %u does not balance: SVC02 - CAS = %s, SVC03 is %s",
                                     set_index + 1, c->id, j + 1, a, b);
            }
            line_cas += lc;
        }
        int64_t expect = c->charge_cents - cas_sum(c->cas, c->n_cas) - line_cas;
        if (expect != c->paid_cents) {
            rcm_cents_fmt(a, expect);
            rcm_cents_fmt(b, c->paid_cents);
            return rcm_error_set(err, RCM_EBALANCE,
                                 "835 set %u claim '%s' does not balance: CLP03 - CAS = %s, CLP04 is %s",
                                 set_index + 1, c->id, a, b);
        }
        total_paid += c->paid_cents;
    }
    for (uint32_t i = 0; i < m->n_plb; i++)
        total_plb += m->plb[i].amount_cents;
    int64_t pay = m->credit_debit[0] == 'D' ? -m->payment_cents : m->payment_cents;
    if (pay != total_paid - total_plb) {
        rcm_cents_fmt(a, total_paid - total_plb);
        rcm_cents_fmt(b, pay);
        return rcm_error_set(err, RCM_EBALANCE,
                             "835 set %u does not balance: CLP04 total - PLB total = %s, BPR02 is %s",
                             set_index + 1, a, b);
    }
    return 0;
}

/* ---- header ---- */

static void w_bpr(xw *w, const rcm_remit *m)
{
    xw_seg(w, "BPR");
    xw_s(w, m->handling, "handling");
    xw_cents(w, m->payment_cents);
    xw_s(w, m->credit_debit, "credit_debit");
    xw_s(w, m->method, "method");
    xw_s(w, m->format, "format");
    xw_s(w, m->sender_dfi_qual, "sender_dfi_qual");
    xw_s(w, m->sender_dfi, "sender_dfi");
    xw_s(w, m->sender_account_qual, "sender_account_qual");
    xw_s(w, m->sender_account, "sender_account");
    xw_s(w, m->payer_originator, "payer_originator");
    xw_s(w, m->originator_supplemental, "originator_supplemental");
    xw_s(w, m->receiver_dfi_qual, "receiver_dfi_qual");
    xw_s(w, m->receiver_dfi, "receiver_dfi");
    xw_s(w, m->receiver_account_qual, "receiver_account_qual");
    xw_s(w, m->receiver_account, "receiver_account");
    xw_date(w, m->payment_date);
    xw_end(w);
    xw_need(w, m->handling, "handling", "BPR01 transaction handling code");
    xw_need(w, m->credit_debit, "credit_debit", "BPR03 credit or debit flag");
    xw_need(w, m->method, "method", "BPR04 payment method code");
    if (m->payment_date == RCM_DATE_NONE)
        xw_fail(w, RCM_EINVAL, "payment_date: missing (BPR16 check issue or EFT effective date)");
    if (m->payment_cents < 0)
        xw_fail(w, RCM_EINVAL, "payment_cents: negative (BPR02 is never negative: use BPR03 D)");
    code_check(w, m->handling, "C,D,H,I,P,U,X", "handling", "BPR01");
    code_check(w, m->credit_debit, "C,D", "credit_debit", "BPR03");
    code_check(w, m->method, "ACH,BOP,CHK,FWT,NON", "method", "BPR04");
    code_check(w, m->format, "CCP,CTX", "format", "BPR05");
    code_check(w, m->sender_dfi_qual, "01,04", "sender_dfi_qual", "BPR06");
    code_check(w, m->sender_account_qual, "DA", "sender_account_qual", "BPR08");
    code_check(w, m->receiver_dfi_qual, "01,04", "receiver_dfi_qual", "BPR12");
    code_check(w, m->receiver_account_qual, "DA,SG", "receiver_account_qual", "BPR14");
    pair_check(w, m->sender_dfi_qual, "sender_dfi_qual", m->sender_dfi, "sender_dfi", "BPR06/BPR07");
    pair_check(w, m->receiver_dfi_qual, "receiver_dfi_qual", m->receiver_dfi, "receiver_dfi", "BPR12/BPR13");
    if (m->sender_account_qual[0] && !m->sender_account[0])
        xw_fail(w, RCM_EINVAL, "sender_account: missing (BPR09 goes with BPR08)");
    if (m->receiver_account_qual[0] && !m->receiver_account[0])
        xw_fail(w, RCM_EINVAL, "receiver_account: missing (BPR15 goes with BPR14)");
    len_check(w, m->sender_dfi, 3, 12, "sender_dfi", "BPR07");
    len_check(w, m->payer_originator, 10, 10, "payer_originator", "BPR10");
    len_check(w, m->originator_supplemental, 9, 9, "originator_supplemental", "BPR11");
    len_check(w, m->receiver_dfi, 3, 12, "receiver_dfi", "BPR13");
}

/*
 * 1000A payer (N1*PR, N3, N4 and a PER*BL required) and 1000B payee (N1*PE
 * with its id; N3, N4 when the model has an address). The payer's
 * technical contact (PER*BL) carries its contact name, phone and e-mail,
 * else its web site (UR), which also goes in PER*IC. 1000B has no PER: the
 * payee's contact, phone, e-mail and web site are not written.
 */
static void w_party(xw *w, int payer, const rcm_remit_party *p)
{
    const char *name = payer ? "payer" : "payee";
    char f[40], f2[40];
#define FIELD(x) (snprintf(f, sizeof(f), "%s.%s", name, x), f)
#define FIELD2(x) (snprintf(f2, sizeof(f2), "%s.%s", name, x), f2)
    xw_seg(w, "N1");
    xw_lit(w, payer ? "PR" : "PE");
    xw_s(w, p->name, FIELD("name"));
    if (p->id[0] || p->id_qual[0]) {
        xw_s(w, p->id_qual, FIELD("id_qual"));
        xw_s(w, p->id, FIELD("id"));
    }
    xw_end(w);
    xw_need(w, p->name, FIELD("name"), "N102 name");
    if (!payer && !p->id[0])
        xw_fail(w, RCM_EINVAL, "payee.id: missing (N104 payee identification code, required in 1000B)");
    pair_check(w, p->id_qual, FIELD("id_qual"), p->id, FIELD2("id"), "N103/N104");
    code_check(w, p->id_qual, payer ? "XV" : "FI,XV,XX", FIELD("id_qual"), "N103");
    len_check(w, p->id, 2, 80, FIELD("id"), "N104");
    if (p->addr1[0] || p->addr2[0]) {
        xw_seg(w, "N3");
        xw_s(w, p->addr1, FIELD("addr1"));
        xw_s(w, p->addr2, FIELD("addr2"));
        xw_end(w);
    }
    if (!p->addr1[0] && (payer || p->addr2[0]))
        xw_fail(w, RCM_EINVAL, "%s: missing (N301 address line%s)", FIELD("addr1"),
                payer ? ", required in 1000A" : "");
    if (p->city[0] || p->state[0] || p->zip[0] || p->country[0]) {
        xw_seg(w, "N4");
        xw_s(w, p->city, FIELD("city"));
        xw_s(w, p->state, FIELD("state"));
        xw_s(w, p->zip, FIELD("zip"));
        xw_s(w, p->country, FIELD("country"));
        xw_end(w);
    }
    if (!p->city[0] && (payer || p->state[0] || p->zip[0] || p->country[0]))
        xw_fail(w, RCM_EINVAL, "%s: missing (N401 city%s)", FIELD("city"), payer ? ", required in 1000A" : "");
    len_check(w, p->city, 2, 30, FIELD("city"), "N401");
    len_check(w, p->state, 2, 2, FIELD("state"), "N402");
    len_check(w, p->zip, 3, 15, FIELD("zip"), "N403");
    len_check(w, p->country, 2, 3, FIELD("country"), "N404");
    qcount qc;
    memset(&qc, 0, sizeof(qc));
    for (uint32_t i = 0; i < p->n_refs && i < ARRAY_SIZE(p->refs); i++) {
        xw_seg(w, "REF");
        xw_s(w, p->refs[i].qual, FIELD("refs.qual"));
        xw_s(w, p->refs[i].value, FIELD("refs.value"));
        xw_end(w);
        q_take(w, payer ? &S_1000A_REF : &S_1000B_REF, &qc, p->refs[i].qual, FIELD("refs.qual"));
        xw_need(w, p->refs[i].value, FIELD("refs.value"), "REF02 reference identification");
    }
    if (!payer)
        return;
    if (p->contact[0] || p->phone[0] || p->email[0] || p->url[0]) {
        xw_seg(w, "PER");
        xw_lit(w, "BL");
        xw_s(w, p->contact, "payer.contact");
        if (p->phone[0]) {
            xw_lit(w, "TE");
            xw_s(w, p->phone, "payer.phone");
        }
        if (p->email[0]) {
            xw_lit(w, "EM");
            xw_s(w, p->email, "payer.email");
        }
        if (!p->phone[0] && !p->email[0] && p->url[0]) {
            xw_lit(w, "UR");
            xw_s(w, p->url, "payer.url");
        }
        xw_end(w);
    } else {
        xw_fail(w, RCM_EINVAL, "payer.contact: missing (PER*BL payer technical contact, required in 1000A: "
                               "a contact name, phone, email or url)");
    }
    if (p->url[0]) {
        xw_seg(w, "PER");
        xw_lit(w, "IC");
        xw_empty(w);
        xw_lit(w, "UR");
        xw_s(w, p->url, "payer.url");
        xw_end(w);
    }
#undef FIELD
#undef FIELD2
}

static void w_header(xw *w, const rcm_remit *m)
{
    w_bpr(w, m);
    xw_seg(w, "TRN");
    xw_lit(w, "1");
    xw_s(w, m->trace, "trace");
    xw_s(w, m->trace_payer, "trace_payer");
    xw_s(w, m->trace_supplemental, "trace_supplemental");
    xw_end(w);
    xw_need(w, m->trace, "trace", "TRN02 check or EFT trace number");
    xw_need(w, m->trace_payer, "trace_payer", "TRN03 payer identifier");
    len_check(w, m->trace_payer, 10, 10, "trace_payer", "TRN03: '1' and the payer's TIN");
    len_check(w, m->currency, 3, 3, "currency", "CUR02");
    if (m->currency[0]) {
        xw_seg(w, "CUR");
        xw_lit(w, "PR");
        xw_s(w, m->currency, "currency");
        xw_end(w);
    }
    if (m->receiver_id[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "EV");
        xw_s(w, m->receiver_id, "receiver_id");
        xw_end(w);
    }
    if (m->version_id[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "F2");
        xw_s(w, m->version_id, "version_id");
        xw_end(w);
    }
    if (m->production_date != RCM_DATE_NONE) {
        xw_seg(w, "DTM");
        xw_lit(w, "405");
        xw_date(w, m->production_date);
        xw_end(w);
    }
    w_party(w, 1, &m->payer);
    w_party(w, 0, &m->payee);
}

/* ---- claims ---- */

/* CAS: consecutive adjustments of one group share a segment, six at most. */
static void w_cas(xw *w, const rcm_cas *c, uint32_t n)
{
    if (n > 99 * 6)
        xw_fail(w, RCM_EINVAL, "cas: %u adjustments (the loop holds 99 CAS of six at most)", n);
    for (uint32_t i = 0; i < n;) {
        uint32_t k = 0;
        xw_seg(w, "CAS");
        xw_s(w, c[i].group, "cas.group");
        xw_need(w, c[i].group, "cas.group", "CAS01 claim adjustment group code");
        code_check(w, c[i].group, CAS_GROUPS, "cas.group", "CAS01");
        const char *g = c[i].group;
        while (i < n && k < 6 && strcmp(c[i].group, g) == 0) {
            xw_s(w, c[i].reason, "cas.reason");
            xw_need(w, c[i].reason, "cas.reason", "claim adjustment reason code");
            xw_cents(w, c[i].amount_cents);
            if (c[i].has_qty)
                xw_milli(w, c[i].qty_milli);
            else
                xw_empty(w);
            i++;
            k++;
        }
        xw_end(w);
    }
}

/*
 * What an NM1 of loop 2100 may carry, by entity (NM101): the NM102 types,
 * the NM108 qualifiers, whether NM108/NM109 are required, whether it is an
 * organization name only (NM104, NM105, NM107 not used).
 */
typedef struct name_rule {
    const char *entity, *field, *types, *quals;
    int id_required, org_only;
} name_rule;

static const name_rule NAME_RULES[] = {
    { "QC", "patient", "1", "34,HN,II,MI,MR", 0, 0 },
    { "IL", "insured", "1,2", "FI,II,MI", 1, 0 },
    { "74", "corrected", "1", "C", 0, 0 },
    { "82", "rendering", "1,2", "BD,BS,FI,MC,PC,SL,UP,XX", 1, 0 },
    { "TT", "crossover", "2", PAYER_IDS, 1, 1 },
    { "PR", "priority_payer", "2", PAYER_IDS, 1, 1 },
    { "GB", "other_subscriber", "1,2", "FI,II,MI", 0, 0 },
};

static void w_name(xw *w, const rcm_remit_name *n, const name_rule *r)
{
    if (!n->present)
        return;
    char f[48];
#define FIELD(x) (snprintf(f, sizeof(f), "%s.%s", r->field, x), f)
    char type = n->type ? n->type : r->types[0];
    xw_seg(w, "NM1");
    xw_lit(w, r->entity);
    xw_chr(w, type, FIELD("type"));
    xw_s(w, n->last, FIELD("last"));
    xw_s(w, n->first, FIELD("first"));
    xw_s(w, n->middle, FIELD("middle"));
    xw_empty(w);
    xw_s(w, n->suffix, FIELD("suffix"));
    if (n->id[0] || n->id_qual[0]) {
        xw_s(w, n->id_qual, FIELD("id_qual"));
        xw_s(w, n->id, FIELD("id"));
    }
    xw_end(w);
    char t[2] = { type, 0 };
    if (!in_list(r->types, t))
        xw_fail(w, RCM_EINVAL, "%s: '%s' is not allowed in 2100 NM1*%s (NM102: %s)", FIELD("type"), t, r->entity,
                r->types);
    if (r->org_only) {
        xw_need(w, n->last, FIELD("last"), "NM103 name, required in NM1*TT and NM1*PR");
        if (n->first[0] || n->middle[0] || n->suffix[0])
            xw_fail(w, RCM_EINVAL, "%s.first: not used in 2100 NM1*%s (an organization name only)", r->field,
                    r->entity);
    }
    if (r->id_required && !n->id[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (NM109 identification code, required in 2100 NM1*%s)", FIELD("id"),
                r->entity);
    if (n->id[0] && !n->id_qual[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (NM108 goes with NM109)", FIELD("id_qual"));
    if (n->id_qual[0] && !n->id[0])
        xw_fail(w, RCM_EINVAL, "%s: missing (NM109 goes with NM108)", FIELD("id"));
    code_check(w, n->id_qual, r->quals, FIELD("id_qual"), "NM108");
    len_check(w, n->id, 2, 80, FIELD("id"), "NM109");
#undef FIELD
}

static void amount_or_empty(xw *w, int64_t v)
{
    if (v)
        xw_cents(w, v);
    else
        xw_empty(w);
}

static void milli_or_empty(xw *w, int64_t v)
{
    if (v)
        xw_milli(w, v);
    else
        xw_empty(w);
}

static void w_mia_moa(xw *w, const rcm_remit_claim *c)
{
    if (c->has_mia) {
        xw_seg(w, "MIA");
        xw_milli(w, c->mia_covered_days_milli);
        xw_empty(w);
        milli_or_empty(w, c->mia_psych_days_milli);
        amount_or_empty(w, c->mia_drg_cents);
        xw_s(w, c->mia_remarks[0], "mia_remarks");
        for (int e = 6; e <= 14; e++)
            xw_empty(w);
        milli_or_empty(w, c->mia_cost_report_days_milli);
        for (int e = 16; e <= 18; e++)
            xw_empty(w);
        amount_or_empty(w, c->mia_nonpayable_cents);
        for (int i = 1; i < 5; i++)
            xw_s(w, c->mia_remarks[i], "mia_remarks");
        xw_end(w);
    }
    if (c->has_moa) {
        xw_seg(w, "MOA");
        xw_s(w, c->moa_rate, "moa_rate");
        amount_or_empty(w, c->moa_hcpcs_payable_cents);
        for (int i = 0; i < 5; i++)
            xw_s(w, c->moa_remarks[i], "moa_remarks");
        amount_or_empty(w, c->moa_esrd_cents);
        amount_or_empty(w, c->moa_nonpayable_cents);
        xw_end(w);
    }
}

static void w_dtm(xw *w, const char *qual, rcm_date d)
{
    if (d == RCM_DATE_NONE)
        return;
    xw_seg(w, "DTM");
    xw_lit(w, qual);
    xw_date(w, d);
    xw_end(w);
}

static void w_refs(xw *w, const rcm_ref *r, uint32_t n, const qslot *s, qcount *qc)
{
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "REF");
        xw_s(w, r[i].qual, "refs.qual");
        xw_s(w, r[i].value, "refs.value");
        xw_end(w);
        q_take(w, s, qc, r[i].qual, "refs.qual");
        xw_need(w, r[i].value, "refs.value", "REF02 reference identification");
    }
}

static void w_amts(xw *w, const rcm_amt *a, uint32_t n, const qslot *s, qcount *qc)
{
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "AMT");
        xw_s(w, a[i].qual, "amts.qual");
        xw_cents(w, a[i].cents);
        xw_end(w);
        q_take(w, s, qc, a[i].qual, "amts.qual");
    }
}

static void w_qtys(xw *w, const rcm_qty *q, uint32_t n, const qslot *s)
{
    qcount qc;
    memset(&qc, 0, sizeof(qc));
    for (uint32_t i = 0; i < n; i++) {
        xw_seg(w, "QTY");
        xw_s(w, q[i].qual, "qtys.qual");
        xw_milli(w, q[i].milli);
        xw_end(w);
        q_take(w, s, &qc, q[i].qual, "qtys.qual");
    }
}

static void w_procedure(xw *w, const char *qual, const char *code, const char (*mods)[3], const char *desc)
{
    xw_cbegin(w);
    xw_cs(w, qual, "qual");
    xw_cs(w, code, "code");
    for (int i = 0; i < 4; i++)
        xw_cs(w, mods[i], "mods");
    if (desc)
        xw_cs(w, desc, "desc");
    xw_cend(w);
}

static void w_line(xw *w, const rcm_remit_line *l)
{
    xw_seg(w, "SVC");
    w_procedure(w, l->qual, l->code, l->mods, l->desc);
    xw_cents(w, l->charge_cents);
    xw_cents(w, l->paid_cents);
    xw_s(w, l->revenue_code, "revenue_code");
    if (l->units_milli != 1000)
        xw_milli(w, l->units_milli);
    else
        xw_empty(w);
    if (l->orig_qual[0] || l->orig_code[0])
        w_procedure(w, l->orig_qual, l->orig_code, l->orig_mods, NULL);
    else
        xw_empty(w);
    milli_or_empty(w, l->orig_units_milli);
    xw_end(w);
    xw_need(w, l->qual, "qual", "SVC01-1 product or service id qualifier");
    xw_need(w, l->code, "code", "SVC01-2 procedure code");
    code_check(w, l->qual, "AD,ER,HC,HP,IV,N4,N6,NU,UI,WK", "qual", "SVC01-1");
    if (l->orig_qual[0] || l->orig_code[0]) {
        xw_need(w, l->orig_qual, "orig_qual", "SVC06-1 product or service id qualifier, with SVC06-2");
        xw_need(w, l->orig_code, "orig_code", "SVC06-2 procedure code, with SVC06-1");
        code_check(w, l->orig_qual, "AD,ER,HC,HP,IV,N4,NU,WK", "orig_qual", "SVC06-1");
    }
    if (l->date_from != RCM_DATE_NONE && l->date_to == l->date_from) {
        w_dtm(w, "472", l->date_from);
    } else {
        w_dtm(w, "150", l->date_from);
        w_dtm(w, "151", l->date_to);
    }
    w_cas(w, l->cas, l->n_cas);
    qcount refs, amts;
    memset(&refs, 0, sizeof(refs));
    memset(&amts, 0, sizeof(amts));
    if (l->control[0]) {
        xw_seg(w, "REF");
        xw_lit(w, "6R");
        xw_s(w, l->control, "control");
        xw_end(w);
        q_take(w, &S_2110_REF, &refs, "6R", "control");
    }
    w_refs(w, l->refs, l->n_refs, &S_2110_REF, &refs);
    if (l->has_allowed) {
        xw_seg(w, "AMT");
        xw_lit(w, "B6");
        xw_cents(w, l->allowed_cents);
        xw_end(w);
        q_take(w, &S_2110_AMT, &amts, "B6", "allowed_cents");
    }
    w_amts(w, l->amts, l->n_amts, &S_2110_AMT, &amts);
    w_qtys(w, l->qtys, l->n_qtys, &S_2110_QTY);
    if (l->n_remarks > 99)
        xw_fail(w, RCM_EINVAL, "remarks: %u (loop 2110 holds 99 LQ)", l->n_remarks);
    for (uint32_t i = 0; i < l->n_remarks; i++) {
        const char *r = l->remarks[i];
        xw_seg(w, "LQ");
        if (strncmp(r, "RX:", 3) == 0) {
            xw_lit(w, "RX");
            xw_s(w, r + 3, "remarks");
        } else {
            xw_lit(w, "HE");
            xw_s(w, r, "remarks");
        }
        xw_end(w);
        xw_need(w, r[0] == 'R' && r[1] == 'X' && r[2] == ':' ? r + 3 : r, "remarks", "LQ02 remark code");
    }
}

static void w_claim(xw *w, const rcm_remit_claim *c)
{
    xw_seg(w, "CLP");
    xw_s(w, c->id, "id");
    xw_s(w, c->status, "status");
    xw_cents(w, c->charge_cents);
    xw_cents(w, c->paid_cents);
    if (c->has_patient_resp || c->patient_resp_cents)
        xw_cents(w, c->patient_resp_cents);
    else
        xw_empty(w);
    xw_s(w, c->filing, "filing");
    xw_s(w, c->payer_icn, "payer_icn");
    xw_s(w, c->facility, "facility");
    xw_s(w, c->freq, "freq");
    xw_empty(w);
    xw_s(w, c->drg, "drg");
    xw_s(w, c->drg_weight, "drg_weight");
    xw_s(w, c->discharge_fraction, "discharge_fraction");
    xw_end(w);
    xw_need(w, c->id, "id", "CLP01 patient control number");
    xw_need(w, c->status, "status", "CLP02 claim status code");
    xw_need(w, c->filing, "filing", "CLP06 claim filing indicator code");
    xw_need(w, c->payer_icn, "payer_icn", "CLP07 payer claim control number");
    xw_need(w, c->patient.present ? "QC" : "", "patient", "NM1*QC patient name");
    code_check(w, c->status, CLAIM_STATUS, "status", "CLP02");
    code_check(w, c->filing, FILING, "filing", "CLP06");
    w_cas(w, c->cas, c->n_cas);
    const rcm_remit_name *names[] = { &c->patient, &c->insured, &c->corrected, &c->rendering,
                                      &c->crossover, &c->priority_payer, &c->other_subscriber };
    _Static_assert(ARRAY_SIZE(names) == ARRAY_SIZE(NAME_RULES), "one rule per 2100 name");
    for (size_t i = 0; i < ARRAY_SIZE(names); i++)
        w_name(w, names[i], &NAME_RULES[i]);
    w_mia_moa(w, c);
    qcount qc;
    memset(&qc, 0, sizeof(qc));
    w_refs(w, c->refs, c->n_refs, &S_2100_REF, &qc);
    w_dtm(w, "232", c->statement_from);
    w_dtm(w, "233", c->statement_to);
    w_dtm(w, "036", c->coverage_expiration);
    w_dtm(w, "050", c->received);
    memset(&qc, 0, sizeof(qc));
    w_amts(w, c->amts, c->n_amts, &S_2100_AMT, &qc);
    w_qtys(w, c->qtys, c->n_qtys, &S_2100_QTY);
    if (c->n_lines > 999)
        xw_fail(w, RCM_EINVAL, "lines: %u (a claim holds 999 service lines at most)", c->n_lines);
    for (uint32_t i = 0; i < c->n_lines && !w->rc; i++)
        w_line(w, &c->lines[i]);
}

/* PLB: consecutive adjustments of one provider and fiscal date share a segment, six at most. */
static void w_plb(xw *w, const rcm_plb *p, uint32_t n)
{
    for (uint32_t i = 0; i < n;) {
        const rcm_plb *f = &p[i];
        xw_seg(w, "PLB");
        xw_s(w, f->provider, "plb.provider");
        xw_date(w, f->fiscal_date);
        xw_need(w, f->provider, "plb.provider", "PLB01 provider identifier");
        if (f->fiscal_date == RCM_DATE_NONE)
            xw_fail(w, RCM_EINVAL, "plb.fiscal_date: missing (PLB02 fiscal period date)");
        uint32_t k = 0;
        while (i < n && k < 6 && strcmp(p[i].provider, f->provider) == 0 && p[i].fiscal_date == f->fiscal_date) {
            xw_cbegin(w);
            xw_cs(w, p[i].reason, "plb.reason");
            xw_cs(w, p[i].ref, "plb.ref");
            xw_cend(w);
            xw_need(w, p[i].reason, "plb.reason", "PLB03-1 adjustment reason code");
            code_check(w, p[i].reason, PLB_REASONS, "plb.reason", "PLB03-1");
            xw_cents(w, p[i].amount_cents);
            i++;
            k++;
        }
        xw_end(w);
    }
}

static void w_set(xw *w, const rcm_remit_set *s, uint32_t *st_counter)
{
    const rcm_remit *m = s->remit;
    snprintf(w->what, sizeof(w->what), "835 '%.40s'", m->trace);
    xw_st(w, "835", m->st_control, st_counter, NULL);
    w_header(w, m);
    long header = 0;
    for (uint32_t i = 0; i < s->n_claims && !w->rc; i++) {
        const rcm_remit_claim *c = &s->claims[i];
        /* loop 2000 begins with its LX: claims with no header number before any go under LX*1 */
        if ((c->header_number > 0 && c->header_number != header) || !header) {
            header = c->header_number > 0 ? c->header_number : 1;
            if (header > 999999)
                xw_fail(w, RCM_EINVAL, "header_number: %ld is more than LX01 holds (6 digits)", header);
            xw_seg(w, "LX");
            xw_u(w, (uint64_t)header);
            xw_end(w);
        }
        snprintf(w->what, sizeof(w->what), "835 '%.40s' claim '%.38s'", m->trace, c->id);
        w_claim(w, c);
    }
    snprintf(w->what, sizeof(w->what), "835 '%.40s'", m->trace);
    w_plb(w, m->plb, m->n_plb);
    xw_se(w);
}

int rcm_x12_write_835(rcm_buf *out, const rcm_x12_envelope *env, const rcm_remit_set *sets, uint32_t n,
                      rcm_error *err)
{
    int rc = xw_envelope_check(env, err);
    if (rc < 0)
        return rc;
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no remittance to write: an 835 interchange needs a set");
    for (uint32_t i = 0; i < n; i++) {
        if (!sets[i].remit)
            return rcm_error_set(err, RCM_EINVAL, "835 set %u has no header", i + 1);
        if (!env->unbalanced_ok && (rc = check_balance(&sets[i], i, err)) < 0)
            return rc;
    }
    xw w;
    size_t len0 = out->len;
    xw_init(&w, out, env, err);
    uint32_t st = env->st_control;
    xw_open(&w, env, "HP", V835);
    for (uint32_t i = 0; i < n && !w.rc; i++)
        w_set(&w, &sets[i], &st);
    w.what[0] = '\0';
    xw_close(&w, env, n);
    return xw_done(&w, len0);
}
