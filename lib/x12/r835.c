/*
 * The 835 (005010X221A1) typed reader: a state machine over the segments of
 * one transaction set. It fills rcm_remit (header, PLB, totals) and one
 * rcm_remit_claim at a time, checks the three balancing rules in integer
 * cents, and hands each claim to the caller when the next CLP, LX, PLB or SE
 * shows that it is complete.
 *
 * Memory stays flat: a claim's lines, adjustments, references, amounts and
 * remarks live in an arena reset once the claim is delivered, PLBs in an
 * arena reset per set. Nothing of a delivered claim is kept but the totals.
 *
 * Loops (X221A1): header BPR TRN CUR REF DTM*405, 1000A N1*PR N3 N4 REF PER,
 * 1000B N1*PE N3 N4 REF RDM, 2000 LX TS3 TS2, 2100 CLP CAS NM1 MIA MOA REF
 * DTM PER AMT QTY, 2110 SVC DTM CAS REF AMT QTY LQ, trailer PLB.
 */
#include <stdarg.h>
#include "x12_internal.h"

#define K RCM_X12_KEY

#define CLAIM_ARENA_MAX ((size_t)256 << 20) /* one claim: far beyond 999 lines */
#define SET_ARENA_MAX ((size_t)64 << 20)    /* one set's PLBs */

/* Code lists of X221A1 [pyx12 835.5010.X221.A1 map], the common codes first. */
static const char BPR01_CODES[] = "C D H I P U X";
static const char BPR04_CODES[] = "ACH BOP CHK FWT NON";
static const char CLP02_CODES[] = "1 2 4 22 3 19 20 21 23 25";
static const char CLP06_CODES[] = "12 MB MC MA 13 14 15 16 17 AM CH DS HM LM OF TV VA WC ZZ";
static const char SVC01_QUALS[] = "HC NU AD N4 ER HP IV N6 UI WK";
static const char SVC06_QUALS[] = "HC NU AD N4 ER HP IV WK";
static const char CLAIM_AMT_QUALS[] = "AU I F5 D8 DY NL T T2 ZK ZL ZM ZN ZO";
static const char LINE_AMT_QUALS[] = "B6 KH T T2 ZK ZL ZM ZN ZO";
static const char CLAIM_QTY_QUALS[] = "CA CD LA LE NE NR OU PS VS ZK ZL ZM ZN ZO";
static const char LINE_QTY_QUALS[] = "ZK ZL ZM ZN ZO";
static const char PLB_REASONS[] = "50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO "
                                  "HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU";

enum loop { L_HEADER, L_PAYER, L_PAYEE, L_2000, L_CLAIM, L_LINE, L_TRAILER };

/* Where a segment was, to report a problem there once the segment is gone. */
typedef struct seg_at {
    long number, line;
    uint64_t offset;
    char id[4];
} seg_at;

typedef struct r835 {
    const rcm_x12_typed_cb *cb;
    rcm_remit remit;
    rcm_remit_claim claim;
    arena claim_mem;          /* the open claim's arrays; reset when it is delivered */
    arena set_mem;            /* the open set's PLB array */
    int loop;                 /* enum loop */
    int started;              /* a segment after the ST was seen */
    int header_checked;       /* the header's required segments were checked */
    int have_bpr, have_trn;
    int in_claim, in_line;
    /* running sums for balancing, and whether an amount they need was unreadable */
    int64_t claim_cas, claim_line_cas, line_cas;
    int bpr_bad, set_bad, claim_bad, line_bad;
    long header_number;       /* LX01 of the open 2000 loop */
    seg_at bpr_at, clp_at, svc_at;
    /* capacities of the arrays being grown */
    uint32_t cap_lines, cap_cas, cap_refs, cap_amts, cap_qtys;          /* open claim */
    uint32_t cap_lcas, cap_lrefs, cap_lamts, cap_lqtys, cap_lremarks;   /* open line */
    uint32_t cap_plb;                                                   /* open set */
} r835;

/* ---- arithmetic that cannot overflow (hostile input can sum past int64) ---- */

static int64_t cadd(int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_add_overflow(a, b, &s))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return s;
}

static int64_t csub(int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_sub_overflow(a, b, &s))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return s;
}

/* ---- problems ---- */

static void at_set(seg_at *a, const rcm_x12_seg *s)
{
    rcm_str id = rcm_x12_id(s);
    a->number = s->number;
    a->line = s->line;
    a->offset = s->offset;
    str_copy(a->id, sizeof(a->id), id); /* BPR, CLP or SVC */
}

/* Reports a problem at a segment read earlier (kept as a seg_at). */
static int report_at(const rcm_x12_env *env, const seg_at *a, int kind, int el, const char *code,
                     const char *fmt, ...) RCM_PRINTF(6, 7);
static int report_at(const rcm_x12_env *env, const seg_at *a, int kind, int el, const char *code,
                     const char *fmt, ...)
{
    char msg[224];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rcm_x12_seg s;
    s.ptr = a->id;
    s.len = (uint32_t)strlen(a->id);
    s.n = 0;
    s.off[0] = 0;
    s.off[1] = s.len + 1;
    s.number = a->number;
    s.line = a->line;
    s.offset = a->offset;
    s.too_many = s.unterminated = 0;
    s.d = env->delims;
    return rcm_x12_report(env, &s, kind, RCM_SEV_ERROR, el, 0, code, "%s", msg);
}

/* A value shown in a message: printable, cut at 40 characters. */
static void shown(char *out, size_t outsz, rcm_str v)
{
    size_t n = v.n < outsz - 4 ? v.n : outsz - 4;
    for (size_t i = 0; i < n; i++)
        out[i] = isprint((unsigned char)v.p[i]) ? v.p[i] : '?';
    if (n < v.n)
        memcpy(out + n, "...", 3), n += 3;
    out[n] = '\0';
}

/* IK403 7: a code that is not in the element's list. */
static int bad_code(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp, rcm_str v,
                    const char *what)
{
    char tmp[48];
    shown(tmp, sizeof(tmp), v);
    return rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "7", "'%s' is not %s",
                          tmp, what);
}

/* IK403 1: a required element is empty or absent. */
static int missing(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp, const char *what)
{
    return rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "1", "%s is missing", what);
}

/* IK304 2: a segment where the 835 has no place for it. */
static int unexpected(const rcm_x12_env *env, const rcm_x12_seg *seg, const char *why)
{
    char id[8];
    shown(id, sizeof(id), rcm_x12_id(seg));
    return rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "2", "'%s' is not expected %s",
                          id, why);
}

/* ---- element readers ---- */

/* v == s for a literal s: inlined, so the length and the compare fold to constants. */
static inline int is(rcm_str v, const char *s)
{
    size_t n = strlen(s);
    return v.n == n && memcmp(v.p, s, n) == 0;
}

/* Bounded copy into a fixed array, always NUL-terminated (str_copy, inlined for the hot path). */
static inline void scopy(char *dst, size_t dstsz, rcm_str v)
{
    size_t n = v.n < dstsz - 1 ? v.n : dstsz - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = v.p[i];
    dst[n] = '\0';
}

/* True when v is one of the space-separated codes of list. */
static int code_in(rcm_str v, const char *list)
{
    if (!v.n)
        return 0;
    for (const char *p = list;;) {
        size_t i = 0;
        while (i < v.n && p[i] != ' ' && p[i] != '\0' && p[i] == v.p[i])
            i++;
        if (i == v.n && (p[i] == ' ' || p[i] == '\0'))
            return 1;
        while (*p && *p != ' ')
            p++;
        if (!*p)
            return 0;
        p++;
    }
}

/* Copies element el (component comp when > 0); reports a value longer than dst holds (IK403 5). */
static inline void copy_el(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
                           char *dst, size_t dstsz)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    if (comp)
        v = rcm_x12_comp(v, seg->d.comp, (unsigned)comp);
    if (UNLIKELY(v.n >= dstsz)) {
        char tmp[48];
        shown(tmp, sizeof(tmp), v);
        rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "5",
                       "'%s' is longer than %zu characters", tmp, dstsz - 1);
    }
    scopy(dst, dstsz, v);
}

#define COPY(dst, el) copy_el(env, seg, (el), 0, (dst), sizeof(dst))

/*
 * The common amount shapes ("-123", "45.6", "7.89", at most 13 digits before
 * the dot) in cents, without a call: amounts are most of an 835. Returns 0,
 * or -1 for anything else, which rcm_cents_parse then decides (and
 * x12_cents reports). For every input it accepts it gives what
 * rcm_cents_parse gives: 13 digits and 2 decimals stay within RCM_CENTS_MAX.
 */
static inline int fast_cents(rcm_str v, int64_t *out)
{
    const char *p = v.p, *e = v.p + v.n;
    int neg = p < e && *p == '-';
    p += neg;
    if (e - p > 16)
        return -1;
    int64_t x = 0;
    int digits = 0, frac = 0;
    while (p < e && (unsigned)(*p - '0') < 10) {
        x = x * 10 + (*p++ - '0');
        digits++;
    }
    if (digits > 13)
        return -1;
    if (p < e) {
        if (*p++ != '.')
            return -1;
        while (p < e && frac < 2 && (unsigned)(*p - '0') < 10) {
            x = x * 10 + (*p++ - '0');
            frac++;
            digits++;
        }
        if (p != e)
            return -1;
    }
    if (!digits)
        return -1;
    for (; frac < 2; frac++)
        x *= 10;
    *out = neg ? -x : x;
    return 0;
}

/* An amount element in cents, 0 when absent; a bad one is reported and sets *bad. */
static int64_t amount(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int *present, int *bad)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    int64_t c = 0;
    if (present)
        *present = v.n > 0;
    if (!v.n)
        return 0;
    if (LIKELY(fast_cents(v, &c) == 0) || rcm_cents_parse(&c, v, NULL) == 0)
        return c;
    if (bad)
        *bad = 1;
    x12_cents(env, seg, el, &c, NULL); /* parses again to report it */
    return 0;
}

/*
 * A required amount. Absent, it is reported and balances as 0 (what the
 * sender said, by omission); unreadable, it sets *bad and the rules that
 * need it are not checked (their result would be noise).
 */
static int64_t req_amount(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, const char *what,
                          int *bad)
{
    if (!rcm_x12_el(seg, (unsigned)el).n) {
        missing(env, seg, el, 0, what);
        return 0;
    }
    return amount(env, seg, el, NULL, bad);
}

/* A quantity in thousandths; returns 1 when present and valid. */
static int quantity(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int64_t *out)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    *out = 0;
    if (!v.n)
        return 0;
    const char *why;
    if (rcm_milli_parse(out, v, &why) < 0) {
        *out = 0;
        x12_bad_value(env, seg, el, 0, v, "a quantity");
        return 0;
    }
    return 1;
}

/* An R-type decimal kept as written (DRG weight, rates): checked, never converted. */
static void decimal(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, char *dst, size_t dstsz)
{
    rcm_str v = rcm_x12_el(seg, (unsigned)el);
    size_t i = 0, digits = 0, dots = 0;
    if (v.n && v.p[0] == '-')
        i++;
    for (; i < v.n; i++) {
        if (v.p[i] == '.')
            dots++;
        else if (v.p[i] >= '0' && v.p[i] <= '9')
            digits++;
        else
            break;
    }
    if (v.n && (i < v.n || !digits || dots > 1 || v.n >= dstsz)) {
        x12_bad_value(env, seg, el, 0, v, "a decimal number");
        dst[0] = '\0';
        return;
    }
    str_copy(dst, dstsz, v);
}

/* A CARC: 1 to 5 upper-case letters or digits. */
static int carc_ok(rcm_str v)
{
    if (v.n < 1 || v.n > 5)
        return 0;
    for (size_t i = 0; i < v.n; i++)
        if (!((v.p[i] >= 'A' && v.p[i] <= 'Z') || (v.p[i] >= '0' && v.p[i] <= '9')))
            return 0;
    return 1;
}

static int cas_group(rcm_str g)
{
    if (g.n == 2) {
        if (g.p[0] == 'C' && g.p[1] == 'O') return RCM_CAS_CO;
        if (g.p[0] == 'O' && g.p[1] == 'A') return RCM_CAS_OA;
        if (g.p[0] == 'P' && g.p[1] == 'I') return RCM_CAS_PI;
        if (g.p[0] == 'P' && g.p[1] == 'R') return RCM_CAS_PR;
    }
    return RCM_CAS_OTHER;
}

/* ---- arrays grown in an arena ---- */

static void *grow(arena *a, const void *old, uint32_t n, uint32_t *cap, size_t sz)
{
    uint32_t nc = *cap ? *cap * 2 : 4;
    void *p = arena_alloc(a, (size_t)nc * sz);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, old, (size_t)n * sz);
    *cap = nc;
    return p;
}

/*
 * Appends a zeroed element to arr (n used, room for cap) and points out at
 * it; returns RCM_ENOMEM from the enclosing function when the arena is full.
 */
#define APPEND(mem, out, arr, n, cap)                                                  \
    do {                                                                               \
        if ((n) == (cap)) {                                                            \
            void *grown_ = grow((mem), (arr), (n), &(cap), sizeof(*(arr)));            \
            if (!grown_)                                                               \
                return RCM_ENOMEM;                                                     \
            (arr) = grown_;                                                            \
        }                                                                              \
        (out) = memset(&(arr)[(n)++], 0, sizeof(*(arr)));                              \
    } while (0)

static rcm_remit_line *open_line(r835 *r) { return &r->claim.lines[r->claim.n_lines - 1]; }

/* ---- balancing and delivery ---- */

/* Rule 1 at the SVC: SVC02 - sum(line CAS) = SVC03. */
static void close_line(r835 *r, const rcm_x12_env *env)
{
    if (!r->in_line)
        return;
    r->in_line = 0;
    const rcm_remit_line *ln = open_line(r);
    if (r->line_bad) { /* an amount was unreadable (reported): nothing to check against */
        r->remit.balanced = 0;
        return;
    }
    int64_t expect = csub(ln->charge_cents, r->line_cas);
    if (expect == ln->paid_cents)
        return;
    char a[32], b[32], c[32], d[32], e[32];
    rcm_cents_fmt(a, ln->charge_cents);
    rcm_cents_fmt(b, r->line_cas);
    rcm_cents_fmt(c, expect);
    rcm_cents_fmt(d, ln->paid_cents);
    rcm_cents_fmt(e, csub(expect, ln->paid_cents));
    char id[48];
    shown(id, sizeof(id), rcm_str_c(r->claim.id));
    r->remit.balanced = 0;
    report_at(env, &r->svc_at, RCM_X12P_BALANCE, 0, "",
              "claim '%s' line %u does not balance: SVC02 %s - CAS %s = %s, SVC03 is %s (off by %s)",
              id, ln->number, a, b, c, d, e);
}

/* Rule 2 at the CLP: CLP03 - sum(claim CAS) - sum(line CAS) = CLP04. */
static void balance_claim(r835 *r, const rcm_x12_env *env)
{
    const rcm_remit_claim *c = &r->claim;
    if (r->claim_bad) {
        r->remit.balanced = 0;
        return;
    }
    int64_t expect = csub(csub(c->charge_cents, r->claim_cas), r->claim_line_cas);
    if (expect == c->paid_cents)
        return;
    char a[32], b[32], l[32], x[32], p[32], d[32];
    rcm_cents_fmt(a, c->charge_cents);
    rcm_cents_fmt(b, r->claim_cas);
    rcm_cents_fmt(l, r->claim_line_cas);
    rcm_cents_fmt(x, expect);
    rcm_cents_fmt(p, c->paid_cents);
    rcm_cents_fmt(d, csub(expect, c->paid_cents));
    char id[48];
    shown(id, sizeof(id), rcm_str_c(c->id));
    r->remit.balanced = 0;
    if (c->n_lines)
        report_at(env, &r->clp_at, RCM_X12P_BALANCE, 0, "",
                  "claim '%s' does not balance: CLP03 %s - claim CAS %s - line CAS %s = %s, "
                  "CLP04 is %s (off by %s)", id, a, b, l, x, p, d);
    else
        report_at(env, &r->clp_at, RCM_X12P_BALANCE, 0, "",
                  "claim '%s' does not balance: CLP03 %s - claim CAS %s = %s, CLP04 is %s (off by %s)",
                  id, a, b, x, p, d);
}

/* Hands the open claim to the caller and frees its memory for the next one. */
static int deliver(r835 *r, const rcm_x12_env *env)
{
    if (!r->in_claim)
        return 0;
    close_line(r, env);
    rcm_remit_claim *c = &r->claim;
    rcm_remit *m = &r->remit;
    if (!c->patient.present) {
        char id[48];
        shown(id, sizeof(id), rcm_str_c(c->id));
        report_at(env, &r->clp_at, RCM_X12P_SEGMENT, 0, "3", "claim '%s' has no patient name (NM1*QC)", id);
    }
    balance_claim(r, env);
    m->claims++;
    m->lines += c->n_lines;
    m->total_charge_cents = cadd(m->total_charge_cents, c->charge_cents);
    m->total_paid_cents = cadd(m->total_paid_cents, c->paid_cents);
    m->total_patient_resp_cents = cadd(m->total_patient_resp_cents, c->patient_resp_cents);
    if (strcmp(c->status, "22") == 0)
        m->reversals++;
    else if (strcmp(c->status, "4") == 0)
        m->denials++;
    int rc = r->cb->remit_claim ? r->cb->remit_claim(r->cb->ctx, m, c) : 0;
    r->in_claim = 0;
    arena_reset(&r->claim_mem);
    return rc;
}

/* The header's required segments, checked once when the first LX, CLP, PLB or the SE arrives. */
static void check_header(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    if (r->header_checked)
        return;
    r->header_checked = 1;
    if (!r->have_bpr)
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                       "the 835 has no financial information (BPR) in its header");
    if (!r->have_trn)
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                       "the 835 has no reassociation trace number (TRN) in its header");
    if (!r->remit.payer.present)
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                       "the 835 has no payer identification (N1*PR) in its header");
    if (!r->remit.payee.present)
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "3",
                       "the 835 has no payee identification (N1*PE) in its header");
}

/* Rule 3 at the BPR: BPR02 = sum(CLP04) - sum(PLB amounts); BPR03 D makes BPR02 a debit. */
static void balance_set(r835 *r, const rcm_x12_env *env)
{
    rcm_remit *m = &r->remit;
    if (!r->have_bpr || r->bpr_bad || r->set_bad) {
        m->balanced = 0;
        return;
    }
    int debit = m->credit_debit[0] == 'D';
    int64_t pay = debit ? -m->payment_cents : m->payment_cents;
    int64_t expect = csub(m->total_paid_cents, m->total_plb_cents);
    if (pay == expect)
        return;
    char a[32], b[32], x[32], p[32], d[32];
    rcm_cents_fmt(a, m->total_paid_cents);
    rcm_cents_fmt(b, m->total_plb_cents);
    rcm_cents_fmt(x, expect);
    rcm_cents_fmt(p, pay);
    rcm_cents_fmt(d, csub(expect, pay));
    char trace[64];
    shown(trace, sizeof(trace), rcm_str_c(m->trace));
    m->balanced = 0;
    report_at(env, &r->bpr_at, RCM_X12P_BALANCE, 0, "",
              "payment '%s' does not balance: CLP04 total %s - PLB total %s = %s, BPR02 is %s%s (off by %s)",
              trace, a, b, x, p, debit ? " (debit)" : "", d);
}

/* ---- header ---- */

static void read_bpr(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit *m = &r->remit;
    r->have_bpr = 1;
    at_set(&r->bpr_at, seg);
    rcm_str v = rcm_x12_el(seg, 1);
    if (!v.n)
        missing(env, seg, 1, 0, "transaction handling code");
    else if (!code_in(v, BPR01_CODES))
        bad_code(env, seg, 1, 0, v, "a transaction handling code (C, D, H, I, P, U, X)");
    COPY(m->handling, 1);
    m->payment_cents = req_amount(env, seg, 2, "total provider payment", &r->bpr_bad);
    v = rcm_x12_el(seg, 3);
    if (!v.n)
        missing(env, seg, 3, 0, "credit or debit flag");
    else if (!code_in(v, "C D"))
        bad_code(env, seg, 3, 0, v, "a credit or debit flag (C, D)");
    COPY(m->credit_debit, 3);
    v = rcm_x12_el(seg, 4);
    if (!v.n)
        missing(env, seg, 4, 0, "payment method code");
    else if (!code_in(v, BPR04_CODES))
        bad_code(env, seg, 4, 0, v, "a payment method code (ACH, BOP, CHK, FWT, NON)");
    COPY(m->method, 4);
    v = rcm_x12_el(seg, 5);
    if (v.n && !code_in(v, "CCP CTX"))
        bad_code(env, seg, 5, 0, v, "a payment format code (CCP, CTX)");
    COPY(m->format, 5);
    COPY(m->sender_dfi_qual, 6);
    COPY(m->sender_dfi, 7);
    COPY(m->sender_account_qual, 8);
    COPY(m->sender_account, 9);
    COPY(m->payer_originator, 10);
    COPY(m->originator_supplemental, 11);
    COPY(m->receiver_dfi_qual, 12);
    COPY(m->receiver_dfi, 13);
    COPY(m->receiver_account_qual, 14);
    COPY(m->receiver_account, 15);
    if (!rcm_x12_el(seg, 16).n)
        missing(env, seg, 16, 0, "check issue or EFT effective date");
    else
        x12_date(env, seg, 16, &m->payment_date);
}

static void read_trn(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit *m = &r->remit;
    r->have_trn = 1;
    rcm_str v = rcm_x12_el(seg, 1);
    if (!is(v, "1")) {
        if (!v.n)
            missing(env, seg, 1, 0, "trace type code");
        else
            bad_code(env, seg, 1, 0, v, "a trace type code (1)");
    }
    if (!rcm_x12_el(seg, 2).n)
        missing(env, seg, 2, 0, "check or EFT trace number");
    COPY(m->trace, 2);
    if (!rcm_x12_el(seg, 3).n)
        missing(env, seg, 3, 0, "payer identifier");
    COPY(m->trace_payer, 3);
    COPY(m->trace_supplemental, 4);
}

static void read_header_ref(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    if (is(q, "EV"))
        COPY(r->remit.receiver_id, 2);
    else if (is(q, "F2"))
        COPY(r->remit.version_id, 2);
    else if (!q.n)
        missing(env, seg, 1, 0, "reference identification qualifier");
    else
        bad_code(env, seg, 1, 0, q, "a header reference qualifier (EV, F2)");
}

static void read_n1(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str e = rcm_x12_el(seg, 1);
    rcm_remit_party *p;
    if (is(e, "PR")) {
        p = &r->remit.payer;
        r->loop = L_PAYER;
    } else if (is(e, "PE")) {
        p = &r->remit.payee;
        r->loop = L_PAYEE;
    } else {
        if (!e.n)
            missing(env, seg, 1, 0, "entity identifier code");
        else
            bad_code(env, seg, 1, 0, e, "a payer or payee entity code (PR, PE)");
        r->loop = L_HEADER; /* what follows belongs to no party */
        return;
    }
    if (p->present) {
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5", "a second %s identification",
                       p == &r->remit.payer ? "payer" : "payee");
        memset(p, 0, sizeof(*p));
    }
    p->present = 1;
    if (!rcm_x12_el(seg, 2).n)
        missing(env, seg, 2, 0, p == &r->remit.payer ? "payer name" : "payee name");
    COPY(p->name, 2);
    COPY(p->id_qual, 3);
    COPY(p->id, 4);
}

static rcm_remit_party *party(r835 *r)
{
    return r->loop == L_PAYER ? &r->remit.payer : &r->remit.payee;
}

static void read_party_seg(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, uint32_t key)
{
    rcm_remit_party *p = party(r);
    switch (key) {
    case K('N', '2', 0): { /* not in X221A1, but some payers send it: more of the name */
        size_t n = strlen(p->name);
        rcm_str v = rcm_x12_el(seg, 1);
        if (v.n && n + 1 < sizeof(p->name)) {
            p->name[n] = ' ';
            str_copy(p->name + n + 1, sizeof(p->name) - n - 1, v);
        }
        break;
    }
    case K('N', '3', 0):
        COPY(p->addr1, 1);
        COPY(p->addr2, 2);
        break;
    case K('N', '4', 0):
        COPY(p->city, 1);
        COPY(p->state, 2);
        COPY(p->zip, 3);
        COPY(p->country, 4);
        break;
    case K('R', 'E', 'F'):
        if (p->n_refs < ARRAY_SIZE(p->refs)) {
            rcm_ref *f = &p->refs[p->n_refs++];
            COPY(f->qual, 1);
            COPY(f->value, 2);
        }
        break;
    case K('P', 'E', 'R'):
        if (!p->contact[0])
            COPY(p->contact, 2);
        for (unsigned i = 3; i <= 7; i += 2) {
            rcm_str q = rcm_x12_el(seg, i);
            char *dst = NULL;
            size_t sz = 0;
            if (is(q, "TE") && !p->phone[0])
                dst = p->phone, sz = sizeof(p->phone);
            else if (is(q, "EM") && !p->email[0])
                dst = p->email, sz = sizeof(p->email);
            else if (is(q, "UR") && !p->url[0])
                dst = p->url, sz = sizeof(p->url);
            if (dst)
                copy_el(env, seg, (int)i + 1, 0, dst, sz);
        }
        break;
    default: /* RDM: delivery method, nothing to keep */
        break;
    }
}

/* BPR, TRN, CUR and the header REF/DTM: accepted before the first LX/CLP. */
static void read_header_seg(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg, uint32_t key)
{
    switch (key) {
    case K('B', 'P', 'R'):
        if (r->have_bpr) {
            rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                           "a second BPR in one transaction set");
            return;
        }
        read_bpr(r, env, seg);
        break;
    case K('T', 'R', 'N'):
        if (r->have_trn) {
            rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "5",
                           "a second TRN in one transaction set");
            return;
        }
        read_trn(r, env, seg);
        break;
    case K('C', 'U', 'R'): {
        rcm_str e = rcm_x12_el(seg, 1);
        if (!is(e, "PR"))
            bad_code(env, seg, 1, 0, e, "the payer entity code (PR)");
        if (!rcm_x12_el(seg, 2).n)
            missing(env, seg, 2, 0, "currency code");
        COPY(r->remit.currency, 2);
        break;
    }
    case K('R', 'E', 'F'):
        read_header_ref(r, env, seg);
        break;
    case K('D', 'T', 'M'): {
        rcm_str q = rcm_x12_el(seg, 1);
        if (is(q, "405"))
            x12_date(env, seg, 2, &r->remit.production_date);
        else
            bad_code(env, seg, 1, 0, q, "a production date qualifier (405)");
        break;
    }
    }
}

/* ---- 2000 and 2100 ---- */

static void read_lx(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str v = rcm_x12_el(seg, 1);
    uint64_t n = 0;
    if (!v.n)
        missing(env, seg, 1, 0, "assigned number");
    else if (rcm_uint_parse(&n, v) < 0 || n > 999999)
        x12_bad_value(env, seg, 1, 0, v, "a header number (1 to 6 digits)");
    r->header_number = (long)n;
    r->loop = L_2000;
}

static void start_claim(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit_claim *c = &r->claim;
    memset(c, 0, sizeof(*c));
    c->statement_from = c->statement_to = c->received = c->coverage_expiration = RCM_DATE_NONE;
    c->segment = seg->number;
    c->line = seg->line;
    c->header_number = r->header_number;
    r->in_claim = 1;
    r->in_line = 0;
    r->loop = L_CLAIM;
    r->claim_cas = r->claim_line_cas = 0;
    r->claim_bad = 0;
    r->cap_lines = r->cap_cas = r->cap_refs = r->cap_amts = r->cap_qtys = 0;
    at_set(&r->clp_at, seg);

    if (!rcm_x12_el(seg, 1).n)
        missing(env, seg, 1, 0, "patient control number");
    COPY(c->id, 1);
    rcm_str v = rcm_x12_el(seg, 2);
    if (!v.n)
        missing(env, seg, 2, 0, "claim status code");
    else if (!code_in(v, CLP02_CODES))
        bad_code(env, seg, 2, 0, v, "a claim status code (1, 2, 3, 4, 19, 20, 21, 22, 23, 25)");
    COPY(c->status, 2);
    c->charge_cents = req_amount(env, seg, 3, "total claim charge", &r->claim_bad);
    int paid_bad = 0;
    c->paid_cents = req_amount(env, seg, 4, "claim payment amount", &paid_bad);
    if (paid_bad)
        r->claim_bad = r->set_bad = 1;
    c->patient_resp_cents = amount(env, seg, 5, &c->has_patient_resp, NULL);
    v = rcm_x12_el(seg, 6);
    if (!v.n)
        missing(env, seg, 6, 0, "claim filing indicator code");
    else if (!code_in(v, CLP06_CODES))
        bad_code(env, seg, 6, 0, v, "a claim filing indicator code");
    COPY(c->filing, 6);
    if (!rcm_x12_el(seg, 7).n)
        missing(env, seg, 7, 0, "payer claim control number");
    COPY(c->payer_icn, 7);
    COPY(c->facility, 8);
    COPY(c->freq, 9);
    COPY(c->drg, 11);
    decimal(env, seg, 12, c->drg_weight, sizeof(c->drg_weight));
    decimal(env, seg, 13, c->discharge_fraction, sizeof(c->discharge_fraction));
}

static int read_cas(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    int line_level = r->loop == L_LINE;
    rcm_str g = rcm_x12_el(seg, 1);
    int gi = cas_group(g);
    if (!g.n)
        missing(env, seg, 1, 0, "claim adjustment group code");
    else if (gi == RCM_CAS_OTHER)
        bad_code(env, seg, 1, 0, g, "a claim adjustment group code (CO, OA, PI, PR)");
    int any = 0;
    for (int t = 0; t < 6; t++) {
        int e = 2 + 3 * t;
        rcm_str reason = rcm_x12_el(seg, (unsigned)e), amt = rcm_x12_el(seg, (unsigned)e + 1);
        rcm_str qty = rcm_x12_el(seg, (unsigned)e + 2);
        if (!reason.n && !amt.n && !qty.n)
            continue;
        any = 1;
        if (!reason.n)
            missing(env, seg, e, 0, "adjustment reason code");
        else if (!carc_ok(reason))
            bad_code(env, seg, e, 0, reason, "an adjustment reason code (1 to 5 letters or digits)");
        int bad = 0;
        int64_t cents = req_amount(env, seg, e + 1, "adjustment amount", &bad);
        rcm_cas *c;
        if (line_level) {
            rcm_remit_line *ln = open_line(r);
            APPEND(&r->claim_mem, c, ln->cas, ln->n_cas, r->cap_lcas);
            r->line_cas = cadd(r->line_cas, cents);
            r->claim_line_cas = cadd(r->claim_line_cas, cents);
            r->line_bad |= bad;
        } else {
            APPEND(&r->claim_mem, c, r->claim.cas, r->claim.n_cas, r->cap_cas);
            r->claim_cas = cadd(r->claim_cas, cents);
        }
        r->claim_bad |= bad;
        scopy(c->group, sizeof(c->group), g);
        scopy(c->reason, sizeof(c->reason), reason);
        c->amount_cents = cents;
        c->has_qty = quantity(env, seg, e + 2, &c->qty_milli);
        r->remit.total_cas_cents[gi] = cadd(r->remit.total_cas_cents[gi], cents);
    }
    if (!any)
        missing(env, seg, 2, 0, "adjustment reason code");
    return 0;
}

static void read_nm1(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit_claim *c = &r->claim;
    rcm_str e = rcm_x12_el(seg, 1);
    rcm_remit_name *n = NULL;
    if (e.n == 2) {
        switch (K(e.p[0], e.p[1], 0)) {
        case K('Q', 'C', 0): n = &c->patient; break;
        case K('I', 'L', 0): n = &c->insured; break;
        case K('7', '4', 0): n = &c->corrected; break;
        case K('8', '2', 0): n = &c->rendering; break;
        case K('T', 'T', 0): n = &c->crossover; break;
        case K('P', 'R', 0): n = &c->priority_payer; break;
        case K('G', 'B', 0): n = &c->other_subscriber; break;
        }
    }
    if (!n) {
        if (!e.n)
            missing(env, seg, 1, 0, "entity identifier code");
        else
            bad_code(env, seg, 1, 0, e, "a claim name entity code (QC, IL, 74, 82, TT, PR, GB)");
        return;
    }
    n->present = 1;
    COPY(n->entity, 1);
    rcm_str t = rcm_x12_el(seg, 2);
    n->type = t.n ? t.p[0] : 0;
    COPY(n->last, 3);
    COPY(n->first, 4);
    COPY(n->middle, 5);
    COPY(n->suffix, 7);
    COPY(n->id_qual, 8);
    COPY(n->id, 9);
}

static void read_mia(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    /* MIA amounts at 02 04 06-14 16-19 24 are checked; the common ones kept */
    static const uint8_t amounts[] = { 2, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 24 };
    static const uint8_t remarks[] = { 5, 20, 21, 22, 23 };
    rcm_remit_claim *c = &r->claim;
    c->has_mia = 1;
    if (!rcm_x12_el(seg, 1).n)
        missing(env, seg, 1, 0, "covered days or visits count");
    quantity(env, seg, 1, &c->mia_covered_days_milli);
    quantity(env, seg, 3, &c->mia_psych_days_milli);
    c->mia_drg_cents = amount(env, seg, 4, NULL, NULL);
    quantity(env, seg, 15, &c->mia_cost_report_days_milli);
    c->mia_nonpayable_cents = amount(env, seg, 19, NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(amounts); i++)
        amount(env, seg, amounts[i], NULL, NULL);
    for (size_t i = 0; i < ARRAY_SIZE(remarks); i++)
        COPY(c->mia_remarks[i], remarks[i]);
}

static void read_moa(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit_claim *c = &r->claim;
    c->has_moa = 1;
    decimal(env, seg, 1, c->moa_rate, sizeof(c->moa_rate));
    c->moa_hcpcs_payable_cents = amount(env, seg, 2, NULL, NULL);
    for (int i = 0; i < 5; i++)
        COPY(c->moa_remarks[i], 3 + i);
    c->moa_esrd_cents = amount(env, seg, 8, NULL, NULL);
    c->moa_nonpayable_cents = amount(env, seg, 9, NULL, NULL);
}

static int read_ref(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    if (!q.n)
        missing(env, seg, 1, 0, "reference identification qualifier");
    if (!rcm_x12_el(seg, 2).n)
        missing(env, seg, 2, 0, "reference identification");
    rcm_ref *f;
    if (r->loop == L_LINE) {
        rcm_remit_line *ln = open_line(r);
        if (is(q, "6R")) {
            COPY(ln->control, 2);
            return 0;
        }
        APPEND(&r->claim_mem, f, ln->refs, ln->n_refs, r->cap_lrefs);
    } else {
        APPEND(&r->claim_mem, f, r->claim.refs, r->claim.n_refs, r->cap_refs);
    }
    COPY(f->qual, 1);
    COPY(f->value, 2);
    return 0;
}

static void read_dtm(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    rcm_date d;
    if (!rcm_x12_el(seg, 2).n) {
        missing(env, seg, 2, 0, "date");
        return;
    }
    if (r->loop == L_LINE) {
        rcm_remit_line *ln = open_line(r);
        if (is(q, "472")) {
            x12_date(env, seg, 2, &d);
            ln->date_from = ln->date_to = d;
        } else if (is(q, "150")) {
            x12_date(env, seg, 2, &ln->date_from);
        } else if (is(q, "151")) {
            x12_date(env, seg, 2, &ln->date_to);
        } else {
            bad_code(env, seg, 1, 0, q, "a service date qualifier (150, 151, 472)");
        }
        return;
    }
    rcm_remit_claim *c = &r->claim;
    rcm_date *dst = NULL;
    if (is(q, "232"))
        dst = &c->statement_from;
    else if (is(q, "233"))
        dst = &c->statement_to;
    else if (is(q, "050"))
        dst = &c->received;
    else if (is(q, "036"))
        dst = &c->coverage_expiration;
    if (dst)
        x12_date(env, seg, 2, dst);
    else
        bad_code(env, seg, 1, 0, q, "a claim date qualifier (036, 050, 232, 233)");
}

static int read_amt(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    int line = r->loop == L_LINE;
    if (!code_in(q, line ? LINE_AMT_QUALS : CLAIM_AMT_QUALS)) {
        if (!q.n)
            missing(env, seg, 1, 0, "amount qualifier code");
        else
            bad_code(env, seg, 1, 0, q,
                     line ? "a service amount qualifier (B6, KH, T, T2, ZK, ZL, ZM, ZN, ZO)"
                          : "a claim amount qualifier (AU, D8, DY, F5, I, NL, T, T2, ZK...ZO)");
        return 0;
    }
    int bad = 0;
    int64_t cents = req_amount(env, seg, 2, "amount", &bad);
    rcm_amt *a;
    if (line) {
        rcm_remit_line *ln = open_line(r);
        if (is(q, "B6")) {
            ln->allowed_cents = cents;
            ln->has_allowed = !bad;
            return 0;
        }
        APPEND(&r->claim_mem, a, ln->amts, ln->n_amts, r->cap_lamts);
    } else {
        APPEND(&r->claim_mem, a, r->claim.amts, r->claim.n_amts, r->cap_amts);
    }
    scopy(a->qual, sizeof(a->qual), q);
    a->cents = cents;
    return 0;
}

static int read_qty(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1);
    int line = r->loop == L_LINE;
    if (!code_in(q, line ? LINE_QTY_QUALS : CLAIM_QTY_QUALS)) {
        if (!q.n)
            missing(env, seg, 1, 0, "quantity qualifier");
        else
            bad_code(env, seg, 1, 0, q,
                     line ? "a service quantity qualifier (ZK, ZL, ZM, ZN, ZO)"
                          : "a claim quantity qualifier (CA, CD, LA, LE, NE, NR, OU, PS, VS, ZK...ZO)");
        return 0;
    }
    if (!rcm_x12_el(seg, 2).n)
        missing(env, seg, 2, 0, "quantity");
    rcm_qty *x;
    if (line) {
        rcm_remit_line *ln = open_line(r);
        APPEND(&r->claim_mem, x, ln->qtys, ln->n_qtys, r->cap_lqtys);
    } else {
        APPEND(&r->claim_mem, x, r->claim.qtys, r->claim.n_qtys, r->cap_qtys);
    }
    scopy(x->qual, sizeof(x->qual), q);
    quantity(env, seg, 2, &x->milli);
    return 0;
}

/* ---- 2110 ---- */

/* Splits a composite into at most max components in one pass; returns how many were found. */
static unsigned split_comp(rcm_str v, char sep, rcm_str *out, unsigned max)
{
    unsigned n = 0;
    const char *p = v.p, *e = v.p + v.n;
    while (n < max) {
        const char *q = memchr(p, sep, (size_t)(e - p));
        out[n].p = p;
        out[n].n = (size_t)((q ? q : e) - p);
        n++;
        if (!q)
            break;
        p = q + 1;
    }
    for (unsigned i = n; i < max; i++)
        out[i].p = e, out[i].n = 0;
    return n;
}

/* Copies a component already split out; reports one longer than dst holds (IK403 5). */
static void copy_comp(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp, rcm_str v,
                      char *dst, size_t dstsz)
{
    if (UNLIKELY(v.n >= dstsz)) {
        char tmp[48];
        shown(tmp, sizeof(tmp), v);
        rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_ERROR, el, comp, "5",
                       "'%s' is longer than %zu characters", tmp, dstsz - 1);
    }
    scopy(dst, dstsz, v);
}

/* SVC01 / SVC06: qualifier:code:mod1..mod4[:description]. */
static void read_procedure(const rcm_x12_env *env, const rcm_x12_seg *seg, int el, const char *quals,
                           const char *what, char *qual, size_t qualsz, char *code, size_t codesz,
                           char (*mods)[3], char *desc, size_t descsz)
{
    rcm_str c[7];
    split_comp(rcm_x12_el(seg, (unsigned)el), seg->d.comp, c, 7);
    if (!c[0].n)
        missing(env, seg, el, 1, "product or service id qualifier");
    else if (!code_in(c[0], quals))
        bad_code(env, seg, el, 1, c[0], what);
    scopy(qual, qualsz, c[0]); /* a longer one was reported as not a qualifier */
    if (!c[1].n)
        missing(env, seg, el, 2, "procedure code");
    copy_comp(env, seg, el, 2, c[1], code, codesz);
    for (int i = 0; i < 4; i++)
        copy_comp(env, seg, el, 3 + i, c[2 + i], mods[i], 3);
    if (desc)
        copy_comp(env, seg, el, 7, c[6], desc, descsz);
}

static int read_svc(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    close_line(r, env);
    rcm_remit_claim *c = &r->claim;
    rcm_remit_line *ln;
    APPEND(&r->claim_mem, ln, c->lines, c->n_lines, r->cap_lines);
    r->cap_lcas = r->cap_lrefs = r->cap_lamts = r->cap_lqtys = r->cap_lremarks = 0;
    r->in_line = 1;
    r->loop = L_LINE;
    r->line_cas = 0;
    r->line_bad = 0;
    at_set(&r->svc_at, seg);
    ln->number = c->n_lines;
    ln->segment = seg->number;
    ln->line = seg->line;
    ln->date_from = ln->date_to = RCM_DATE_NONE;

    if (!rcm_x12_el(seg, 1).n)
        missing(env, seg, 1, 0, "composite medical procedure identifier");
    else
        read_procedure(env, seg, 1, SVC01_QUALS,
                       "a product or service id qualifier (AD, ER, HC, HP, IV, N4, N6, NU, UI, WK)",
                       ln->qual, sizeof(ln->qual), ln->code, sizeof(ln->code), ln->mods, ln->desc,
                       sizeof(ln->desc));
    ln->charge_cents = req_amount(env, seg, 2, "line item charge amount", &r->line_bad);
    ln->paid_cents = req_amount(env, seg, 3, "line item provider payment amount", &r->line_bad);
    r->claim_bad |= r->line_bad;
    COPY(ln->revenue_code, 4);
    if (!quantity(env, seg, 5, &ln->units_milli) && !rcm_x12_el(seg, 5).n)
        ln->units_milli = 1000; /* SVC05 absent: one unit paid */
    if (rcm_x12_el(seg, 6).n)
        read_procedure(env, seg, 6, SVC06_QUALS,
                       "a product or service id qualifier (AD, ER, HC, HP, IV, N4, NU, WK)",
                       ln->orig_qual, sizeof(ln->orig_qual), ln->orig_code, sizeof(ln->orig_code),
                       ln->orig_mods, NULL, 0);
    quantity(env, seg, 7, &ln->orig_units_milli);
    return 0;
}

static int read_lq(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str q = rcm_x12_el(seg, 1), code = rcm_x12_el(seg, 2);
    int rx = is(q, "RX");
    if (!rx && !is(q, "HE")) {
        if (!q.n)
            missing(env, seg, 1, 0, "code list qualifier");
        else
            bad_code(env, seg, 1, 0, q, "a remark code list qualifier (HE, RX)");
        return 0;
    }
    if (!code.n) {
        missing(env, seg, 2, 0, "remark code");
        return 0;
    }
    rcm_remit_line *ln = open_line(r);
    char(*rem)[8];
    APPEND(&r->claim_mem, rem, ln->remarks, ln->n_remarks, r->cap_lremarks);
    size_t n = 0;
    if (rx)
        memcpy(*rem, "RX:", 3), n = 3;
    str_copy(*rem + n, sizeof(*rem) - n, code);
    if (code.n >= sizeof(*rem) - n)
        copy_el(env, seg, 2, 0, *rem + n, sizeof(*rem) - n); /* reports it too long */
    return 0;
}

/* ---- trailer ---- */

static int read_plb(r835 *r, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_remit *m = &r->remit;
    rcm_date fiscal = RCM_DATE_NONE;
    if (!rcm_x12_el(seg, 1).n)
        missing(env, seg, 1, 0, "provider identifier");
    if (!rcm_x12_el(seg, 2).n)
        missing(env, seg, 2, 0, "fiscal period date");
    else
        x12_date(env, seg, 2, &fiscal);
    int any = 0;
    for (int p = 0; p < 6; p++) {
        int re = 3 + 2 * p, ae = re + 1;
        rcm_str comp = rcm_x12_el(seg, (unsigned)re);
        if (!comp.n && !rcm_x12_el(seg, (unsigned)ae).n)
            continue;
        any = 1;
        rcm_str reason = rcm_x12_comp(comp, seg->d.comp, 1);
        if (!reason.n)
            missing(env, seg, re, 1, "adjustment reason code");
        else if (!code_in(reason, PLB_REASONS))
            bad_code(env, seg, re, 1, reason, "a provider adjustment reason code (WO, L6, 72, FB, CS...)");
        int64_t cents = req_amount(env, seg, ae, "provider adjustment amount", &r->set_bad);
        rcm_plb *b;
        APPEND(&r->set_mem, b, m->plb, m->n_plb, r->cap_plb);
        COPY(b->provider, 1);
        b->fiscal_date = fiscal;
        str_copy(b->reason, sizeof(b->reason), reason);
        copy_el(env, seg, re, 2, b->ref, sizeof(b->ref));
        b->amount_cents = cents;
        b->element = re;
        b->segment = seg->number;
        b->line = seg->line;
        m->total_plb_cents = cadd(m->total_plb_cents, cents);
    }
    if (!any)
        missing(env, seg, 3, 0, "provider adjustment identifier");
    return 0;
}

/* ---- the typed-reader interface ---- */

static int r_create(void **out, const rcm_x12_typed_cb *cb)
{
    r835 *r = calloc(1, sizeof(*r));
    if (!r)
        return RCM_ENOMEM;
    r->cb = cb;
    arena_init(&r->claim_mem, 64 * 1024, CLAIM_ARENA_MAX);
    arena_init(&r->set_mem, 4 * 1024, SET_ARENA_MAX);
    *out = r;
    return 0;
}

static void r_destroy(void *state)
{
    r835 *r = state;
    if (!r)
        return;
    arena_release(&r->claim_mem);
    arena_release(&r->set_mem);
    free(r);
}

static int r_begin(void *state, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    r835 *r = state;
    const rcm_x12_typed_cb *cb = r->cb;
    arena claim_mem = r->claim_mem, set_mem = r->set_mem;
    arena_reset(&claim_mem);
    arena_reset(&set_mem);
    memset(r, 0, sizeof(*r));
    r->cb = cb;
    r->claim_mem = claim_mem;
    r->set_mem = set_mem;
    rcm_remit *m = &r->remit;
    cstr_copy(m->st_control, sizeof(m->st_control), env->st_control);
    m->payment_date = m->production_date = RCM_DATE_NONE;
    m->segment = st->number;
    m->line = st->line;
    m->balanced = 1;
    r->loop = L_HEADER;
    return 0;
}

static int r_segment(void *state, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    r835 *r = state;
    uint32_t key = rcm_x12_key(seg);
    int rc = 0;
    if (UNLIKELY(!r->started)) {
        r->started = 1;
        if (key != K('B', 'P', 'R'))
            rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "7",
                           "the 835 must begin with BPR (financial information)");
    }
    const int claim = r->loop == L_CLAIM, line = r->loop == L_LINE;
    switch (key) {
    case K('C', 'L', 'P'):
        if (r->loop == L_TRAILER)
            unexpected(env, seg, "after the provider adjustments (PLB)");
        check_header(r, env, seg);
        rc = deliver(r, env);
        start_claim(r, env, seg);
        break;
    case K('S', 'V', 'C'):
        if (claim || line)
            rc = read_svc(r, env, seg);
        else
            rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "2",
                           "service line (SVC) outside a claim: no CLP before it");
        break;
    case K('C', 'A', 'S'):
        if (claim || line)
            rc = read_cas(r, env, seg);
        else
            rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "2",
                           "adjustment (CAS) outside a claim: no CLP before it");
        break;
    case K('D', 'T', 'M'):
        if (claim || line)
            read_dtm(r, env, seg);
        else if (r->loop == L_HEADER)
            read_header_seg(r, env, seg, key);
        else
            unexpected(env, seg, "here: dates belong in the header, a claim or a service line");
        break;
    case K('R', 'E', 'F'):
        if (claim || line)
            rc = read_ref(r, env, seg);
        else if (r->loop == L_PAYER || r->loop == L_PAYEE)
            read_party_seg(r, env, seg, key);
        else if (r->loop == L_HEADER)
            read_header_seg(r, env, seg, key);
        else
            unexpected(env, seg, "here: references belong in the header, a party, a claim or a line");
        break;
    case K('A', 'M', 'T'):
        if (claim || line)
            rc = read_amt(r, env, seg);
        else
            unexpected(env, seg, "outside a claim");
        break;
    case K('Q', 'T', 'Y'):
        if (claim || line)
            rc = read_qty(r, env, seg);
        else
            unexpected(env, seg, "outside a claim");
        break;
    case K('L', 'Q', 0):
        if (line)
            rc = read_lq(r, env, seg);
        else
            unexpected(env, seg, "outside a service line (SVC)");
        break;
    case K('N', 'M', '1'):
        if (claim)
            read_nm1(r, env, seg);
        else
            unexpected(env, seg, line ? "after a service line (SVC): names come before the first SVC"
                                      : "outside a claim");
        break;
    case K('M', 'I', 'A'):
    case K('M', 'O', 'A'):
        if (!claim)
            unexpected(env, seg, line ? "after a service line (SVC)" : "outside a claim");
        else if (key == K('M', 'I', 'A'))
            read_mia(r, env, seg);
        else
            read_moa(r, env, seg);
        break;
    case K('L', 'X', 0):
        if (r->loop == L_TRAILER) {
            unexpected(env, seg, "after the provider adjustments (PLB)");
            break;
        }
        check_header(r, env, seg);
        rc = deliver(r, env);
        read_lx(r, env, seg);
        break;
    case K('T', 'S', '3'):
    case K('T', 'S', '2'):
        if (r->loop != L_2000)
            unexpected(env, seg, "here: provider summaries follow the LX");
        break;
    case K('P', 'L', 'B'):
        check_header(r, env, seg);
        rc = deliver(r, env);
        r->loop = L_TRAILER;
        if (rc >= 0)
            rc = read_plb(r, env, seg);
        break;
    case K('P', 'E', 'R'):
        if (r->loop == L_PAYER || r->loop == L_PAYEE)
            read_party_seg(r, env, seg, key);
        else if (!claim) /* 2100 claim contact: nothing to keep */
            unexpected(env, seg, "here: contacts belong to the payer or a claim");
        break;
    case K('N', '1', 0):
        if (r->loop <= L_PAYEE)
            read_n1(r, env, seg);
        else
            unexpected(env, seg, "after the header: payer and payee come before the first LX or CLP");
        break;
    case K('N', '2', 0):
    case K('N', '3', 0):
    case K('N', '4', 0):
    case K('R', 'D', 'M'):
        if (r->loop == L_PAYER || r->loop == L_PAYEE)
            read_party_seg(r, env, seg, key);
        else
            unexpected(env, seg, "outside the payer or payee loop (N1)");
        break;
    case K('B', 'P', 'R'):
    case K('T', 'R', 'N'):
    case K('C', 'U', 'R'):
        if (r->loop == L_HEADER || (r->loop <= L_PAYEE && key == K('B', 'P', 'R') && !r->have_bpr))
            read_header_seg(r, env, seg, key);
        else
            unexpected(env, seg, "here: it belongs at the start of the header");
        break;
    default: {
        char id[8];
        shown(id, sizeof(id), rcm_x12_id(seg));
        rcm_x12_report(env, seg, RCM_X12P_SEGMENT, RCM_SEV_ERROR, 0, 0, "6",
                       "'%s' is not a segment of the 835 (005010X221A1)", id);
        break;
    }
    }
    return rc;
}

static int r_end(void *state, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    r835 *r = state;
    int rc = deliver(r, env);
    check_header(r, env, se);
    if (se) {
        r->remit.complete = 1;
        balance_set(r, env);
    } else {
        r->remit.balanced = 0; /* cut short: what is missing cannot be checked */
    }
    if (rc >= 0 && r->cb->remit_end)
        rc = r->cb->remit_end(r->cb->ctx, &r->remit);
    arena_reset(&r->set_mem);
    return rc;
}

const x12_typed_ops x12_ops_835 = { "835", r_create, r_destroy, r_begin, r_segment, r_end };
