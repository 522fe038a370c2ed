/*
 * x12gen: writes a large, valid, balanced X12 5010 file of about a given
 * size for the benchmarks: an 835 remittance (005010X221A1) or an 837P
 * claim file (005010X222A1). The bytes depend only on the mode, the size
 * and the seed.
 *
 *   x12gen [-s SEED] [-l] 835|837 SIZE OUT
 *
 * SIZE is in MB (10^6 bytes), or in kB with a k suffix ("50k"); the file
 * ends at the first set boundary past SIZE minus a trailer's room, so it
 * comes out within a claim or two of it. OUT "-" is standard output. -l puts
 * a newline after each segment terminator. One line of totals goes to
 * standard error, so a reader can check what a typed reader reports.
 *
 * 835: one interchange, one HP group, transaction sets of 50-1500 claims,
 * each a payment to one payee (BPR, TRN, DTM*405, N1*PR and N1*PE loops),
 * claims with line- and claim-level CAS (CO-45, CO-253, PR-1/2/3, OA-23),
 * SVC with modifiers, DTM*472, REF*6R, AMT*B6, LQ*HE; denials (CLP02 4),
 * secondary claims (CLP02 2), reversals (CLP02 22, amounts negated) each
 * followed by its corrected claim; PLB with WO and L6. Every balancing rule
 * of the 835 holds in integer cents: SVC02 - line CAS = SVC03, CLP03 -
 * claim CAS - line CAS = CLP04, CLP05 = PR adjustments, BPR02 = sum CLP04 -
 * sum PLB.
 *
 * 837P: one interchange, one HC group, sets of 50-1500 claims under 1-4
 * billing providers (HL 20), subscribers (HL 22) with a dependent patient
 * (HL 23) a quarter of the time, 1-3 claims each with 1-12 ICD-10 codes and
 * 1-6 SV1 lines (modifiers, units, diagnosis pointers, DTP*472, REF*6R);
 * CLM02 = sum of SV102.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "synth.h"

#define MAX_LINES 6

/* ---- segment writing ---- */

typedef struct segw {
    rcm_buf b;
    long segs;      /* segments ended since the last reset */
    int nl;         /* newline after each terminator */
} segw;

static void w_init(segw *w, int nl)
{
    rcm_buf_init(&w->b, (size_t)1 << 30);
    w->segs = 0;
    w->nl = nl;
}

static void w_reset(segw *w)
{
    rcm_buf_reset(&w->b);
    w->segs = 0;
}

static void w_seg(segw *w, const char *id) { rcm_buf_adds(&w->b, id); }
static void w_el(segw *w, const char *s)
{
    rcm_buf_addc(&w->b, '*');
    rcm_buf_adds(&w->b, s);
}
static void w_comp(segw *w, const char *s)
{
    rcm_buf_addc(&w->b, ':');
    rcm_buf_adds(&w->b, s);
}
static void w_cents(segw *w, int64_t cents)
{
    rcm_buf_addc(&w->b, '*');
    rcm_buf_addcents(&w->b, cents);
}
static void w_uint(segw *w, uint64_t v)
{
    rcm_buf_addc(&w->b, '*');
    rcm_buf_addu(&w->b, v);
}
static void w_date(segw *w, rcm_date d)
{
    char tmp[12];
    rcm_date_fmt(tmp, d, 0);
    w_el(w, tmp);
}

/* Ends the segment; trailing empty elements are dropped as X12 requires. */
static void w_end(segw *w)
{
    while (w->b.len && w->b.ptr[w->b.len - 1] == '*')
        w->b.len--;
    rcm_buf_addc(&w->b, '~');
    if (w->nl)
        rcm_buf_addc(&w->b, '\n');
    w->segs++;
}

/* ---- the generator ---- */

typedef struct gen {
    FILE *out;
    uint64_t target, written;
    int done;
    synth_rng rng;
    segw head, body;
    size_t head_room;   /* bytes of a header not yet written (835: BPR comes after its claims) */
    rcm_date today;
    /* totals, printed at the end */
    long sets, claims, lines, denied, reversed, secondary, plbs;
    int64_t charge_cents, paid_cents, plb_cents, payment_cents;
    unsigned claim_seq;
} gen;

static void put(gen *g, const void *p, size_t n)
{
    fwrite(p, 1, n, g->out);
    g->written += n;
}

static void put_segw(gen *g, segw *w)
{
    put(g, w->b.ptr, w->b.len);
}

/* Bytes kept free for a set's trailer and the envelope trailers. */
#define TRAILER_ROOM 96

/* True when the data buffered so far fills the file. */
static int full(const gen *g)
{
    return g->written + g->head_room + g->head.b.len + g->body.b.len + TRAILER_ROOM >= g->target;
}

static void interchange_begin(gen *g, const char *func, const char *version)
{
    char isa[128], gs[128];
    /* ISA is fixed width: 106 bytes with its terminator */
    int n = snprintf(isa, sizeof(isa),
                     "ISA*00*          *00*          *ZZ*%-15s*ZZ*%-15s*240315*0930*^*00501*%09u*0*P*:~%s",
                     "RCMBENCHSENDER", "RCMBENCHRECEIVE", 1u, g->head.nl ? "\n" : "");
    put(g, isa, (size_t)n);
    n = snprintf(gs, sizeof(gs), "GS*%s*RCMBENCHSENDER*RCMBENCHRECEIVE*20240315*0930*1*X*%s~%s", func,
                 version, g->head.nl ? "\n" : "");
    put(g, gs, (size_t)n);
}

static void interchange_end(gen *g)
{
    char t[96];
    int n = snprintf(t, sizeof(t), "GE*%ld*1~%sIEA*1*%09u~%s", g->sets, g->head.nl ? "\n" : "", 1u,
                     g->head.nl ? "\n" : "");
    put(g, t, (size_t)n);
}

/* Writes head, body and SE: SE01 counts ST through SE. */
static void set_flush(gen *g, const char *control)
{
    char se[64];
    int n = snprintf(se, sizeof(se), "SE*%ld*%s~%s", g->head.segs + g->body.segs + 1, control,
                     g->head.nl ? "\n" : "");
    put_segw(g, &g->head);
    put_segw(g, &g->body);
    put(g, se, (size_t)n);
    w_reset(&g->head);
    w_reset(&g->body);
}

static void address(gen *g, segw *w, int zip9)
{
    synth_rng *r = &g->rng;
    char num[8], zip[12];
    const synth_place *pl = &SYNTH_PICK(r, synth_places);
    snprintf(num, sizeof(num), "%u", (unsigned)synth_range(r, 10, 9899));
    w_seg(w, "N3");
    rcm_buf_addc(&w->b, '*');
    rcm_buf_adds(&w->b, num);
    rcm_buf_addc(&w->b, ' ');
    rcm_buf_adds(&w->b, SYNTH_PICK(r, synth_street));
    w_end(w);
    memcpy(zip, pl->zip, 5);
    if (zip9)
        synth_digits(r, zip + 5, 4);
    else
        zip[5] = '\0';
    w_seg(w, "N4");
    w_el(w, pl->city);
    w_el(w, pl->state);
    w_el(w, zip);
    w_end(w);
}

/* A service date in January-February 2024. */
static rcm_date service_date(gen *g)
{
    return rcm_date_from_ymd(2024, 1, 2) + (rcm_date)synth_below(&g->rng, 60);
}

static void procedure_pick(gen *g, const synth_proc **p, const char *mods[2], int *nmods, int *units)
{
    synth_rng *r = &g->rng;
    *p = &SYNTH_PICK(r, synth_procs);
    *nmods = 0;
    int cands = 0;
    while (cands < 3 && (*p)->mods[cands])
        cands++;
    if (cands && synth_chance(r, 35)) {
        mods[(*nmods)++] = (*p)->mods[synth_below(r, (uint32_t)cands)];
        /* a second modifier now and then (e.g. 59 after RT) */
        if (cands > 1 && synth_chance(r, 20)) {
            const char *m2 = (*p)->mods[synth_below(r, (uint32_t)cands)];
            if (strcmp(m2, mods[0]) != 0)
                mods[(*nmods)++] = m2;
        }
    }
    *units = (*p)->max_units > 1 ? (int)synth_range(r, 1, (*p)->max_units) : 1;
}

/* Unit charge in whole dollars, as practices set their fee schedules. */
static int64_t unit_charge(gen *g, const synth_proc *p)
{
    return synth_range(&g->rng, p->lo_cents / 100, p->hi_cents / 100) * 100;
}

static void composite_proc(segw *w, const synth_proc *p, const char *const mods[2], int nmods)
{
    w_el(w, "HC");
    w_comp(w, p->code);
    for (int i = 0; i < nmods; i++)
        w_comp(w, mods[i]);
}

/* ================================ 835 ================================ */

typedef struct adj {
    const char *group, *reason;
    int64_t cents;
} adj;

typedef struct line835 {
    const synth_proc *proc;
    const char *mods[2];
    int nmods, units;
    int64_t charge, paid, allowed;
    int has_allowed;
    adj cas[6];
    int ncas;
    rcm_date date;
    char control[24];
    const char *remark;
} line835;

typedef struct claim835 {
    char id[24], icn[16], member[16], rend_npi[11];
    const char *status;
    const synth_payer *payer;
    int64_t charge, paid, patient_resp;
    synth_person patient, insured, rendering;
    int has_insured, has_rendering;
    const char *moa;
    adj cas[2];
    int ncas;
    rcm_date received;
    line835 lines[MAX_LINES];
    int nlines;
} claim835;

enum { ADJ_PRIMARY, ADJ_SECONDARY, ADJ_DENIED };

static void add_adj(adj *a, int *n, const char *group, const char *reason, int64_t cents)
{
    if (cents == 0)
        return;
    a[*n].group = group;
    a[*n].reason = reason;
    a[*n].cents = cents;
    (*n)++;
}

/*
 * Prices one line the way a payer does: allowed = a share of the charge,
 * the rest written off (CO-45); then deductible, coinsurance and, for
 * Medicare, 2% sequestration (CO-253) come off the allowed amount.
 * Every step is integer cents, so SVC02 - CAS = SVC03 exactly.
 */
static void price_line(gen *g, const claim835 *c, line835 *l, int how, const char *const deny[2])
{
    synth_rng *r = &g->rng;
    l->ncas = 0;
    l->remark = NULL;
    l->has_allowed = 0;
    if (how == ADJ_DENIED) {
        add_adj(l->cas, &l->ncas, strcmp(deny[0], "204") == 0 ? "PR" : "CO", deny[0], l->charge);
        l->paid = 0;
        l->allowed = 0;
        l->remark = deny[1];
        return;
    }
    int pct = c->payer->medicare ? (int)synth_range(r, 38, 62) : (int)synth_range(r, 48, 88);
    l->allowed = l->charge * pct / 100;
    l->has_allowed = 1;
    add_adj(l->cas, &l->ncas, "CO", "45", l->charge - l->allowed);
    int64_t rest = l->allowed;
    if (how == ADJ_SECONDARY) {
        /* the primary paid most of it (OA-23); the patient owes a little */
        int64_t prior = rest * 80 / 100;
        add_adj(l->cas, &l->ncas, "OA", "23", prior);
        rest -= prior;
        if (synth_chance(r, 30)) {
            int64_t ded = rest / 2;
            add_adj(l->cas, &l->ncas, "PR", "1", ded);
            rest -= ded;
        }
        l->paid = rest;
        return;
    }
    if (synth_chance(r, 12)) {
        int64_t ded = synth_range(r, 10, 250) * 100;
        ded = ded < rest ? ded : rest;
        add_adj(l->cas, &l->ncas, "PR", "1", ded);
        rest -= ded;
    }
    if (c->payer->medicare || synth_chance(r, 45)) {
        int64_t coins = rest * (c->payer->medicare ? 20 : (int)synth_range(r, 1, 3) * 10) / 100;
        add_adj(l->cas, &l->ncas, "PR", "2", coins);
        rest -= coins;
    }
    if (c->payer->medicare) {
        int64_t seq = rest * 2 / 100;
        add_adj(l->cas, &l->ncas, "CO", "253", seq);
        rest -= seq;
    }
    if (rest == 0 && synth_chance(r, 50))
        l->remark = "N130";
    else if (synth_chance(r, 4))
        l->remark = SYNTH_PICK(r, synth_rarc);
    l->paid = rest;
}

/* Totals of the claim from its lines and claim-level adjustments. */
static void claim_totals(claim835 *c)
{
    c->charge = c->paid = c->patient_resp = 0;
    for (int i = 0; i < c->nlines; i++) {
        const line835 *l = &c->lines[i];
        c->charge += l->charge;
        c->paid += l->paid;
        for (int k = 0; k < l->ncas; k++)
            if (strcmp(l->cas[k].group, "PR") == 0)
                c->patient_resp += l->cas[k].cents;
    }
    for (int k = 0; k < c->ncas; k++) {
        c->paid -= c->cas[k].cents;
        if (strcmp(c->cas[k].group, "PR") == 0)
            c->patient_resp += c->cas[k].cents;
    }
}

static void adjudicate(gen *g, claim835 *c, int how)
{
    synth_rng *r = &g->rng;
    const char *const *deny = synth_deny[synth_below(r, (uint32_t)SYNTH_LEN(synth_deny))];
    c->status = how == ADJ_DENIED ? "4" : how == ADJ_SECONDARY ? "2" : "1";
    c->ncas = 0;
    c->moa = c->payer->medicare && how != ADJ_DENIED && synth_chance(r, 30) ? "MA01" : NULL;
    for (int i = 0; i < c->nlines; i++)
        price_line(g, c, &c->lines[i], how, deny);
    claim_totals(c);
    /* an office copay taken at claim level (PR-3), commercial plans only */
    if (how == ADJ_PRIMARY && !c->payer->medicare && c->paid > 0 && synth_chance(r, 25)) {
        int64_t copay = synth_range(r, 2, 8) * 500;
        add_adj(c->cas, &c->ncas, "PR", "3", copay < c->paid ? copay : c->paid);
        claim_totals(c);
    }
    snprintf(c->icn, sizeof(c->icn), "24%03u%09u", (unsigned)synth_below(r, 366),
             (unsigned)synth_below(r, 1000000000u));
}

/* A new claim as billed: patient, lines, charges; not yet adjudicated. */
static void claim835_new(gen *g, claim835 *c, const synth_payer *payer)
{
    synth_rng *r = &g->rng;
    memset(c, 0, sizeof(*c));
    c->payer = payer;
    snprintf(c->id, sizeof(c->id), "PCN%09u", ++g->claim_seq);
    synth_person_pick(r, &c->patient);
    synth_alnum(r, c->member, 11);
    if (!payer->medicare && synth_chance(r, 20)) {
        c->has_insured = 1;
        synth_person_pick(r, &c->insured);
        c->insured.last = c->patient.last;
    }
    if (synth_chance(r, 55)) {
        c->has_rendering = 1;
        synth_person_pick(r, &c->rendering);
        synth_npi(r, c->rend_npi);
    }
    rcm_date dos = service_date(g);
    c->received = dos + (rcm_date)synth_range(r, 2, 21);
    c->nlines = (int)synth_range(r, 1, 4) + (synth_chance(r, 15) ? 2 : 0);
    for (int i = 0; i < c->nlines; i++) {
        line835 *l = &c->lines[i];
        procedure_pick(g, &l->proc, l->mods, &l->nmods, &l->units);
        l->charge = unit_charge(g, l->proc) * l->units;
        l->date = dos;
        snprintf(l->control, sizeof(l->control), "%uL%d", g->claim_seq, i + 1);
    }
}

static void cas_segments(segw *w, const adj *a, int n, int sign)
{
    static const char *const groups[] = { "CO", "PR", "OA", "PI" };
    for (size_t gi = 0; gi < SYNTH_LEN(groups); gi++) {
        int open = 0;
        for (int k = 0; k < n; k++) {
            if (strcmp(a[k].group, groups[gi]) != 0)
                continue;
            if (!open) {
                w_seg(w, "CAS");
                w_el(w, groups[gi]);
                open = 1;
            } else {
                w_el(w, "");    /* CAS04/07...: quantity, not used */
            }
            w_el(w, a[k].reason);
            w_cents(w, sign * a[k].cents);
        }
        if (open)
            w_end(w);
    }
}

static void name_segment(segw *w, const char *entity, const synth_person *p, const char *qual,
                         const char *id)
{
    w_seg(w, "NM1");
    w_el(w, entity);
    w_el(w, "1");
    w_el(w, p->last);
    w_el(w, p->first);
    w_el(w, p->middle);
    w_el(w, "");
    w_el(w, "");
    w_el(w, qual);
    w_el(w, id);
    w_end(w);
}

/* Writes a claim; sign -1 writes it as a reversal (CLP02 22, every amount negated). */
static void claim835_write(gen *g, const claim835 *c, int sign)
{
    segw *w = &g->body;
    w_seg(w, "CLP");
    w_el(w, c->id);
    w_el(w, sign < 0 ? "22" : c->status);
    w_cents(w, sign * c->charge);
    w_cents(w, sign * c->paid);
    if (c->patient_resp)
        w_cents(w, sign * c->patient_resp);
    else
        w_el(w, "");
    w_el(w, c->payer->filing835);
    w_el(w, c->icn);
    w_el(w, "11");
    w_el(w, "1");
    w_end(w);
    cas_segments(w, c->cas, c->ncas, sign);
    name_segment(w, "QC", &c->patient, "MI", c->member);
    if (c->has_insured)
        name_segment(w, "IL", &c->insured, "MI", c->member);
    if (c->has_rendering)
        name_segment(w, "82", &c->rendering, "XX", c->rend_npi);
    if (c->moa) {
        w_seg(w, "MOA");
        w_el(w, "");
        w_el(w, "");
        w_el(w, c->moa);
        w_end(w);
    }
    w_seg(w, "DTM");
    w_el(w, "050");
    w_date(w, c->received);
    w_end(w);
    for (int i = 0; i < c->nlines; i++) {
        const line835 *l = &c->lines[i];
        w_seg(w, "SVC");
        composite_proc(w, l->proc, l->mods, l->nmods);
        w_cents(w, sign * l->charge);
        w_cents(w, sign * l->paid);
        if (l->units > 1) {
            w_el(w, "");
            w_uint(w, (uint64_t)l->units);
        }
        w_end(w);
        w_seg(w, "DTM");
        w_el(w, "472");
        w_date(w, l->date);
        w_end(w);
        cas_segments(w, l->cas, l->ncas, sign);
        w_seg(w, "REF");
        w_el(w, "6R");
        w_el(w, l->control);
        w_end(w);
        if (l->has_allowed) {
            w_seg(w, "AMT");
            w_el(w, "B6");
            w_cents(w, sign * l->allowed);
            w_end(w);
        }
        if (l->remark) {
            w_seg(w, "LQ");
            w_el(w, "HE");
            w_el(w, l->remark);
            w_end(w);
        }
    }
    g->claims++;
    g->lines += c->nlines;
    g->charge_cents += sign * c->charge;
    g->paid_cents += sign * c->paid;
}

typedef struct payee {
    const synth_org *org;
    char npi[11], tin[10];
} payee;

static void set835_header(gen *g, const synth_payer *payer, const payee *pe, int64_t payment,
                          const char *control)
{
    synth_rng *r = &g->rng;
    segw *w = &g->head;
    rcm_date paid_on = g->today + (rcm_date)synth_range(r, 0, 3);
    char trace[16], acct[16];
    w_seg(w, "ST");
    w_el(w, "835");
    w_el(w, control);
    w_end(w);
    w_seg(w, "BPR");
    if (payment > 0 && synth_chance(r, 80)) {
        /* electronic funds transfer: CCD+ with both banks' routing and account */
        w_el(w, "I");
        w_cents(w, payment);
        w_el(w, "C");
        w_el(w, "ACH");
        w_el(w, "CCP");
        w_el(w, "01");
        synth_digits(r, acct, 9);
        w_el(w, acct);
        w_el(w, "DA");
        synth_digits(r, acct, 10);
        w_el(w, acct);
        w_el(w, "1512345678");
        w_el(w, "");
        w_el(w, "01");
        synth_digits(r, acct, 9);
        w_el(w, acct);
        w_el(w, "DA");
        synth_digits(r, acct, 12);
        w_el(w, acct);
    } else {
        w_el(w, payment > 0 ? "I" : "H");
        w_cents(w, payment);
        w_el(w, "C");
        w_el(w, payment > 0 ? "CHK" : "NON");
        for (int i = 5; i <= 15; i++)
            w_el(w, "");
    }
    w_date(w, paid_on);
    w_end(w);
    synth_digits(r, trace, 12);
    w_seg(w, "TRN");
    w_el(w, "1");
    w_el(w, trace);
    w_el(w, "1512345678");
    w_end(w);
    w_seg(w, "DTM");
    w_el(w, "405");
    w_date(w, g->today);
    w_end(w);
    w_seg(w, "N1");
    w_el(w, "PR");
    w_el(w, payer->name);
    w_end(w);
    address(g, w, 0);
    w_seg(w, "REF");
    w_el(w, "2U");
    w_el(w, payer->id);
    w_end(w);
    w_seg(w, "PER");
    w_el(w, "BL");
    w_el(w, "EDI SUPPORT");
    w_el(w, "TE");
    w_el(w, "8005550100");
    w_end(w);
    w_seg(w, "N1");
    w_el(w, "PE");
    w_el(w, pe->org->name);
    w_el(w, "XX");
    w_el(w, pe->npi);
    w_end(w);
    address(g, w, 1);
    w_seg(w, "REF");
    w_el(w, "TJ");
    w_el(w, pe->tin);
    w_end(w);
    w_seg(w, "LX");
    w_el(w, "1");
    w_end(w);
}

/*
 * PLB at the set's end: now and then an overpayment recovery (WO, positive:
 * it reduces the payment) or interest owed to the provider (L6, negative).
 * Returns the sum of the amounts as written.
 */
static int64_t set835_plb(gen *g, const payee *pe, int64_t paid)
{
    synth_rng *r = &g->rng;
    int wo = paid > 10000 && synth_chance(r, 30), l6 = synth_chance(r, 15);
    if (!wo && !l6)
        return 0;
    segw *w = &g->body;
    int64_t sum = 0;
    char ref[24];
    w_seg(w, "PLB");
    w_el(w, pe->npi);
    w_el(w, "20241231");
    if (wo) {
        int64_t amt = paid / 10 < 150000 ? synth_range(r, 1, paid / 10) : synth_range(r, 100, 150000);
        snprintf(ref, sizeof(ref), "24%03u%09u", (unsigned)synth_below(r, 366),
                 (unsigned)synth_below(r, 1000000000u));
        w_el(w, "WO");
        w_comp(w, ref);
        w_cents(w, amt);
        sum += amt;
    }
    if (l6) {
        int64_t amt = -synth_range(r, 5, 4000);
        snprintf(ref, sizeof(ref), "24%03u%09u", (unsigned)synth_below(r, 366),
                 (unsigned)synth_below(r, 1000000000u));
        w_el(w, "L6");
        w_comp(w, ref);
        w_cents(w, amt);
        sum += amt;
    }
    w_end(w);
    g->plbs++;
    return sum;
}

static void set835(gen *g)
{
    synth_rng *r = &g->rng;
    char control[24];
    snprintf(control, sizeof(control), "%04ld", g->sets + 1);
    const synth_payer *payer = &SYNTH_PICK(r, synth_payers);
    payee pe;
    pe.org = &SYNTH_PICK(r, synth_orgs);
    synth_npi(r, pe.npi);
    synth_digits(r, pe.tin, 9);
    long max = synth_range(r, 50, 1500), n = 0;
    int64_t paid = 0;
    claim835 c, orig;
    /* the header is written after the claims (BPR02 needs their sum) */
    g->head_room = 700;
    while (n == 0 || (n < max && !full(g))) {
        int64_t before = g->paid_cents;
        claim835_new(g, &c, payer);
        unsigned roll = synth_below(r, 100);
        if (roll < 3) {
            /* a reversal of an earlier payment, then the corrected claim under the same id */
            orig = c;
            adjudicate(g, &orig, ADJ_PRIMARY);
            claim835_write(g, &orig, -1);
            adjudicate(g, &c, ADJ_PRIMARY);
            claim835_write(g, &c, 1);
            g->reversed++;
            n += 2;
        } else if (roll < 9) {
            adjudicate(g, &c, ADJ_DENIED);
            claim835_write(g, &c, 1);
            g->denied++;
            n++;
        } else if (roll < 15 && !payer->medicare) {
            adjudicate(g, &c, ADJ_SECONDARY);
            claim835_write(g, &c, 1);
            g->secondary++;
            n++;
        } else {
            adjudicate(g, &c, ADJ_PRIMARY);
            claim835_write(g, &c, 1);
            n++;
        }
        paid += g->paid_cents - before;
    }
    int64_t plb = set835_plb(g, &pe, paid);
    int64_t payment = paid - plb;
    g->head_room = 0;
    set835_header(g, payer, &pe, payment, control);
    g->plb_cents += plb;
    g->payment_cents += payment;
    g->sets++;
    set_flush(g, control);
    if (full(g))
        g->done = 1;
}

/* ================================ 837P ================================ */

typedef struct set837 {
    segw *w;
    long hl;            /* last HL number used */
    long claims;
} set837;

static void hl_segment(set837 *s, long parent, const char *level, int children)
{
    w_seg(s->w, "HL");
    w_uint(s->w, (uint64_t)++s->hl);
    if (parent)
        w_uint(s->w, (uint64_t)parent);
    else
        w_el(s->w, "");
    w_el(s->w, level);
    w_el(s->w, children ? "1" : "0");
    w_end(s->w);
}

static void dmg_segment(segw *w, rcm_date dob, char sex)
{
    char sx[2] = { sex, '\0' };
    w_seg(w, "DMG");
    w_el(w, "D8");
    w_date(w, dob);
    w_el(w, sx);
    w_end(w);
}

static rcm_date birth_date(gen *g, int from_year, int to_year)
{
    rcm_date a = rcm_date_from_ymd(from_year, 1, 1), b = rcm_date_from_ymd(to_year, 12, 31);
    return a + (rcm_date)synth_below(&g->rng, (uint32_t)(b - a + 1));
}

static void claim837(gen *g, set837 *s)
{
    synth_rng *r = &g->rng;
    segw *w = s->w;
    char id[24], tmp[24];
    const synth_proc *procs[MAX_LINES];
    const char *mods[MAX_LINES][2];
    int nmods[MAX_LINES], units[MAX_LINES];
    int64_t charges[MAX_LINES], total = 0;
    int nlines = (int)synth_range(r, 1, 4) + (synth_chance(r, 15) ? 2 : 0);
    for (int i = 0; i < nlines; i++) {
        procedure_pick(g, &procs[i], mods[i], &nmods[i], &units[i]);
        charges[i] = unit_charge(g, procs[i]) * units[i];
        total += charges[i];
    }
    /* most claims carry 1-4 diagnoses, a few up to the 12 the HI segment holds */
    int ndx = synth_chance(r, 10) ? (int)synth_range(r, 5, 12) : (int)synth_range(r, 1, 4);
    int dx[RCM_CLAIM_MAX_DX];
    for (int i = 0; i < ndx; i++) {
        int again;
        do {
            dx[i] = (int)synth_below(r, (uint32_t)SYNTH_LEN(synth_dx));
            again = 0;
            for (int k = 0; k < i; k++)
                again |= dx[k] == dx[i];
        } while (again);
    }
    int freq7 = synth_chance(r, 2);
    rcm_date dos = service_date(g);

    snprintf(id, sizeof(id), "PCN%09u", ++g->claim_seq);
    w_seg(w, "CLM");
    w_el(w, id);
    w_cents(w, total);
    w_el(w, "");
    w_el(w, "");
    w_el(w, synth_chance(r, 90) ? "11" : "22");
    w_comp(w, "B");
    w_comp(w, freq7 ? "7" : "1");
    w_el(w, "Y");
    w_el(w, "A");
    w_el(w, "Y");
    w_el(w, "Y");
    w_end(w);
    if (synth_chance(r, 20)) {
        w_seg(w, "DTP");
        w_el(w, "431");
        w_el(w, "D8");
        w_date(w, dos - (rcm_date)synth_range(r, 1, 30));
        w_end(w);
    }
    if (synth_chance(r, 5)) {
        synth_alnum(r, tmp, 10);
        w_seg(w, "REF");
        w_el(w, "G1");
        w_el(w, tmp);
        w_end(w);
    }
    if (freq7) {
        snprintf(tmp, sizeof(tmp), "24%03u%09u", (unsigned)synth_below(r, 366),
                 (unsigned)synth_below(r, 1000000000u));
        w_seg(w, "REF");
        w_el(w, "F8");
        w_el(w, tmp);
        w_end(w);
    }
    if (synth_chance(r, 30)) {
        synth_digits(r, tmp, 17);
        w_seg(w, "REF");
        w_el(w, "D9");
        w_el(w, tmp);
        w_end(w);
    }
    w_seg(w, "HI");
    for (int i = 0; i < ndx; i++) {
        w_el(w, i ? "ABF" : "ABK");
        w_comp(w, synth_dx[dx[i]]);
    }
    w_end(w);
    if (synth_chance(r, 60)) {
        synth_person p;
        char npi[11];
        synth_person_pick(r, &p);
        synth_npi(r, npi);
        name_segment(w, "82", &p, "XX", npi);
        w_seg(w, "PRV");
        w_el(w, "PE");
        w_el(w, "PXC");
        w_el(w, SYNTH_PICK(r, synth_orgs).taxonomy);
        w_end(w);
    }
    for (int i = 0; i < nlines; i++) {
        w_seg(w, "LX");
        w_uint(w, (uint64_t)i + 1);
        w_end(w);
        w_seg(w, "SV1");
        composite_proc(w, procs[i], mods[i], nmods[i]);
        w_cents(w, charges[i]);
        w_el(w, "UN");
        w_uint(w, (uint64_t)units[i]);
        w_el(w, "");
        w_el(w, "");
        /* SV107: 1-4 distinct pointers into HI, the first at any diagnosis */
        int nptr = ndx < 4 ? (int)synth_range(r, 1, ndx) : (int)synth_range(r, 1, 4);
        int first = (int)synth_below(r, (uint32_t)ndx);
        for (int k = 0; k < nptr; k++) {
            char ptr[4];
            snprintf(ptr, sizeof(ptr), "%d", (first + k) % ndx + 1);
            if (k)
                w_comp(w, ptr);
            else
                w_el(w, ptr);
        }
        w_end(w);
        w_seg(w, "DTP");
        w_el(w, "472");
        w_el(w, "D8");
        w_date(w, dos);
        w_end(w);
        snprintf(tmp, sizeof(tmp), "%uL%d", g->claim_seq, i + 1);
        w_seg(w, "REF");
        w_el(w, "6R");
        w_el(w, tmp);
        w_end(w);
    }
    s->claims++;
    g->claims++;
    g->lines += nlines;
    g->charge_cents += total;
}

/* One subscriber (HL 22), maybe a dependent patient (HL 23), and their claims. */
static void subscriber837(gen *g, set837 *s, long parent)
{
    synth_rng *r = &g->rng;
    segw *w = s->w;
    const synth_payer *payer = &SYNTH_PICK(r, synth_payers);
    int dependent = !payer->medicare && synth_chance(r, 25);
    synth_person sub;
    char member[16], group[16];
    synth_person_pick(r, &sub);
    synth_alnum(r, member, 11);
    hl_segment(s, parent, "22", dependent);
    long sub_hl = s->hl;
    w_seg(w, "SBR");
    w_el(w, "P");
    w_el(w, dependent ? "" : "18");
    if (!payer->medicare && synth_chance(r, 70)) {
        synth_alnum(r, group, 8);
        w_el(w, group);
    } else {
        w_el(w, "");
    }
    for (int i = 4; i <= 8; i++)
        w_el(w, "");
    w_el(w, payer->filing);
    w_end(w);
    name_segment(w, "IL", &sub, "MI", member);
    address(g, w, 0);
    dmg_segment(w, payer->medicare ? birth_date(g, 1935, 1958) : birth_date(g, 1950, 2003), sub.sex);
    w_seg(w, "NM1");
    w_el(w, "PR");
    w_el(w, "2");
    w_el(w, payer->name);
    for (int i = 4; i <= 7; i++)
        w_el(w, "");
    w_el(w, "PI");
    w_el(w, payer->id);
    w_end(w);
    if (dependent) {
        synth_person pat;
        synth_person_pick(r, &pat);
        pat.last = sub.last;
        hl_segment(s, sub_hl, "23", 0);
        w_seg(w, "PAT");
        w_el(w, "19");
        w_end(w);
        w_seg(w, "NM1");
        w_el(w, "QC");
        w_el(w, "1");
        w_el(w, pat.last);
        w_el(w, pat.first);
        w_end(w);
        address(g, w, 0);
        dmg_segment(w, birth_date(g, 2006, 2021), pat.sex);
    }
    int n = synth_chance(r, 70) ? 1 : (int)synth_range(r, 2, 3);
    for (int i = 0; i < n; i++)
        claim837(g, s);
}

static void set837_write(gen *g)
{
    synth_rng *r = &g->rng;
    char control[24], tmp[24];
    snprintf(control, sizeof(control), "%04ld", g->sets + 1);
    set837 s = { &g->body, 0, 0 };
    segw *w = &g->head;
    w_seg(w, "ST");
    w_el(w, "837");
    w_el(w, control);
    w_el(w, "005010X222A1");
    w_end(w);
    snprintf(tmp, sizeof(tmp), "B%08ld", g->sets + 1);
    w_seg(w, "BHT");
    w_el(w, "0019");
    w_el(w, "00");
    w_el(w, tmp);
    w_date(w, g->today);
    w_el(w, "0930");
    w_el(w, "CH");
    w_end(w);
    w_seg(w, "NM1");
    w_el(w, "41");
    w_el(w, "2");
    w_el(w, "RCM BENCH BILLING SERVICE");
    for (int i = 4; i <= 7; i++)
        w_el(w, "");
    w_el(w, "46");
    w_el(w, "RCMBENCH01");
    w_end(w);
    w_seg(w, "PER");
    w_el(w, "IC");
    w_el(w, "EDI DEPARTMENT");
    w_el(w, "TE");
    w_el(w, "8005550199");
    w_end(w);
    w_seg(w, "NM1");
    w_el(w, "40");
    w_el(w, "2");
    w_el(w, "RCM BENCH CLEARINGHOUSE");
    for (int i = 4; i <= 7; i++)
        w_el(w, "");
    w_el(w, "46");
    w_el(w, "RCMBENCHCH");
    w_end(w);

    long max = synth_range(r, 50, 1500);
    int providers = (int)synth_range(r, 1, 4);
    for (int p = 0; p == 0 || (p < providers && s.claims < max && !full(g)); p++) {
        const synth_org *org = &SYNTH_PICK(r, synth_orgs);
        char npi[11], ein[10];
        synth_npi(r, npi);
        synth_digits(r, ein, 9);
        hl_segment(&s, 0, "20", 1);
        long bp = s.hl;
        w = s.w;
        w_seg(w, "PRV");
        w_el(w, "BI");
        w_el(w, "PXC");
        w_el(w, org->taxonomy);
        w_end(w);
        w_seg(w, "NM1");
        w_el(w, "85");
        w_el(w, "2");
        w_el(w, org->name);
        for (int i = 4; i <= 7; i++)
            w_el(w, "");
        w_el(w, "XX");
        w_el(w, npi);
        w_end(w);
        address(g, w, 1);
        w_seg(w, "REF");
        w_el(w, "EI");
        w_el(w, ein);
        w_end(w);
        long share = max * (p + 1) / providers;
        do
            subscriber837(g, &s, bp);
        while (s.claims < share && !full(g));
    }
    g->sets++;
    set_flush(g, control);
    if (full(g))
        g->done = 1;
}

/* ================================ main ================================ */

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || v == 0)
        return -1;
    if (*end == 'k' || *end == 'K') {
        *out = v * 1000;
        end++;
    } else {
        *out = v * 1000000;
    }
    return *end ? -1 : 0;
}

static void usage(FILE *f)
{
    fputs("usage: x12gen [-s SEED] [-l] 835|837 SIZE OUT\n"
          "  SIZE in MB (10^6 bytes), or kB with a k suffix (50k); OUT - is standard output\n"
          "  -s SEED  another deterministic file (default 1)\n"
          "  -l       newline after each segment terminator\n",
          f);
}

int main(int argc, char **argv)
{
    uint64_t seed = 1;
    int nl = 0, o;
    while ((o = getopt(argc, argv, "s:lh")) != -1) {
        switch (o) {
        case 's': seed = strtoull(optarg, NULL, 10); break;
        case 'l': nl = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (argc - optind != 3 || (strcmp(argv[optind], "835") != 0 && strcmp(argv[optind], "837") != 0)) {
        usage(stderr);
        return 2;
    }
    int is835 = strcmp(argv[optind], "835") == 0;
    gen g;
    memset(&g, 0, sizeof(g));
    if (parse_size(argv[optind + 1], &g.target) < 0) {
        fprintf(stderr, "x12gen: '%s' is not a size (MB, or kB with a k suffix)\n", argv[optind + 1]);
        return 2;
    }
    const char *path = argv[optind + 2];
    g.out = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
    if (!g.out) {
        fprintf(stderr, "x12gen: %s: cannot create: %s\n", path, strerror(errno));
        return 2;
    }
    static char obuf[1 << 20];
    setvbuf(g.out, obuf, _IOFBF, sizeof(obuf));
    g.rng.s = seed * UINT64_C(0x2545F4914F6CDD1D) + (is835 ? 835 : 837);
    g.today = rcm_date_from_ymd(2024, 3, 15);
    w_init(&g.head, nl);
    w_init(&g.body, nl);

    if (is835) {
        interchange_begin(&g, "HP", "005010X221A1");
        while (!g.done)
            set835(&g);
    } else {
        interchange_begin(&g, "HC", "005010X222A1");
        while (!g.done)
            set837_write(&g);
    }
    interchange_end(&g);
    int failed = rcm_buf_failed(&g.head.b) || rcm_buf_failed(&g.body.b);
    if (fflush(g.out) != 0 || ferror(g.out) || (g.out != stdout && fclose(g.out) != 0))
        failed = 1;
    rcm_buf_release(&g.head.b);
    rcm_buf_release(&g.body.b);
    if (failed) {
        fprintf(stderr, "x12gen: %s: write failed\n", path);
        return 1;
    }
    char charge[32], paid[32], plb[32], payment[32];
    rcm_cents_fmt(charge, g.charge_cents);
    rcm_cents_fmt(paid, g.paid_cents);
    rcm_cents_fmt(plb, g.plb_cents);
    rcm_cents_fmt(payment, g.payment_cents);
    if (is835)
        fprintf(stderr,
                "x12gen: 835 %llu bytes, %ld sets, %ld claims (%ld denied, %ld secondary, %ld reversals "
                "each with its correction), %ld lines, charge %s, paid %s, plb %s (%ld PLB), "
                "payments %s\n",
                (unsigned long long)g.written, g.sets, g.claims, g.denied, g.secondary, g.reversed,
                g.lines, charge, paid, plb, g.plbs, payment);
    else
        fprintf(stderr, "x12gen: 837 %llu bytes, %ld sets, %ld claims, %ld lines, charge %s\n",
                (unsigned long long)g.written, g.sets, g.claims, g.lines, charge);
    return 0;
}
