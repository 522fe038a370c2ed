/*
 * The 835 writer: every sample 835 read into the model, written back and
 * read again gives the same model (compared through its JSON face, without
 * the file positions); a model built by hand writes the expected segments
 * and reads back balanced with no problems; unbalanced sets are refused
 * (line, claim and transaction rules) unless asked for; values holding a
 * delimiter and missing required values are refused with nothing written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x12_roundtrip.h"

/* ---- deep copies of what the reader lends ---- */

static void *dup_mem(const void *p, size_t n)
{
    if (!n)
        return NULL;
    void *q = malloc(n);
    cr_assert_not_null(q);
    memcpy(q, p, n);
    return q;
}

#define DUP_ARR(dst, src, n) ((dst) = dup_mem((src), (size_t)(n) * sizeof(*(src))))

static void copy_claim(rcm_remit_claim *d, const rcm_remit_claim *s)
{
    *d = *s;
    DUP_ARR(d->cas, s->cas, s->n_cas);
    DUP_ARR(d->refs, s->refs, s->n_refs);
    DUP_ARR(d->amts, s->amts, s->n_amts);
    DUP_ARR(d->qtys, s->qtys, s->n_qtys);
    DUP_ARR(d->lines, s->lines, s->n_lines);
    for (uint32_t i = 0; i < s->n_lines; i++) {
        rcm_remit_line *l = &d->lines[i];
        const rcm_remit_line *k = &s->lines[i];
        DUP_ARR(l->cas, k->cas, k->n_cas);
        DUP_ARR(l->refs, k->refs, k->n_refs);
        DUP_ARR(l->amts, k->amts, k->n_amts);
        DUP_ARR(l->qtys, k->qtys, k->n_qtys);
        DUP_ARR(l->remarks, k->remarks, k->n_remarks);
    }
}

static void free_claim(rcm_remit_claim *c)
{
    for (uint32_t i = 0; i < c->n_lines; i++) {
        rcm_remit_line *l = &c->lines[i];
        free(l->cas);
        free(l->refs);
        free(l->amts);
        free(l->qtys);
        free(l->remarks);
    }
    free(c->lines);
    free(c->cas);
    free(c->refs);
    free(c->amts);
    free(c->qtys);
}

#define MAX_SETS 16

/* What a read gave: the sets (models and their JSON), the problems. */
typedef struct got {
    rcm_remit remits[MAX_SETS];
    rcm_remit_claim *claims[MAX_SETS];
    uint32_t n_claims[MAX_SETS], cap[MAX_SETS];
    uint32_t n_sets;
    x12rt_problems pr;
} got;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    got *g = ctx;
    x12rt_count_problem(&g->pr, p);
    return 0;
}

static int on_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c)
{
    got *g = ctx;
    (void)hdr;
    uint32_t s = g->n_sets;
    cr_assert(s < MAX_SETS);
    if (g->n_claims[s] == g->cap[s]) {
        g->cap[s] = g->cap[s] ? g->cap[s] * 2 : 8;
        g->claims[s] = realloc(g->claims[s], g->cap[s] * sizeof(rcm_remit_claim));
        cr_assert_not_null(g->claims[s]);
    }
    copy_claim(&g->claims[s][g->n_claims[s]++], c);
    return 0;
}

static int on_end(void *ctx, const rcm_remit *m)
{
    got *g = ctx;
    uint32_t s = g->n_sets++;
    cr_assert(s < MAX_SETS);
    g->remits[s] = *m;
    DUP_ARR(g->remits[s].plb, m->plb, m->n_plb);
    return 0;
}

static void got_read(got *g, const char *text, size_t len, const char *source)
{
    memset(g, 0, sizeof(*g));
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.problem = on_problem;
    cb.remit_claim = on_claim;
    cb.remit_end = on_end;
    x12rt_read(text, len, source, &cb);
}

static void got_release(got *g)
{
    for (uint32_t s = 0; s < MAX_SETS; s++) {
        for (uint32_t i = 0; i < g->n_claims[s]; i++)
            free_claim(&g->claims[s][i]);
        free(g->claims[s]);
        if (s < g->n_sets)
            free(g->remits[s].plb);
    }
}

/* The models as JSON, per set {"remit":..., "claims":[...]}, without file positions; caller frees. */
static char *got_json(const got *g)
{
    json_t *all = json_array();
    for (uint32_t s = 0; s < g->n_sets; s++) {
        json_t *o = json_object(), *cl = json_array();
        json_object_set_new(o, "remit", rcm_remit_to_json(&g->remits[s]));
        for (uint32_t i = 0; i < g->n_claims[s]; i++)
            json_array_append_new(cl, rcm_remit_claim_to_json(&g->claims[s][i]));
        json_object_set_new(o, "claims", cl);
        json_array_append_new(all, o);
    }
    return x12rt_dumps(all);
}

/* The 4010 correction group CR, gone in 5010, as OA (the set's totals follow). */
static void cas_5010(rcm_remit *m, rcm_cas *c)
{
    if (strcmp(c->group, "CR"))
        return;
    memcpy(c->group, "OA", 3);
    m->total_cas_cents[RCM_CAS_OTHER] -= c->amount_cents;
    m->total_cas_cents[RCM_CAS_OA] += c->amount_cents;
}

/* Fills the required values some samples lack, so the writer takes them (it refuses invalid sets). */
static void repair(got *g)
{
    for (uint32_t s = 0; s < g->n_sets; s++) {
        rcm_remit *m = &g->remits[s];
        if (m->payment_date == RCM_DATE_NONE)
            m->payment_date = rcm_date_from_ymd(2020, 1, 1);
        if (!m->payer.contact[0] && !m->payer.phone[0] && !m->payer.email[0] && !m->payer.url[0])
            memcpy(m->payer.contact, "EDI SUPPORT", 12);
        if (!m->payer.addr1[0])
            memcpy(m->payer.addr1, "PO BOX 1", 9);
        if (!m->payer.city[0])
            memcpy(m->payer.city, "NASHVILLE", 10);
        for (uint32_t i = 0; i < g->n_claims[s]; i++) {
            rcm_remit_claim *c = &g->claims[s][i];
            if (!c->filing[0])
                memcpy(c->filing, "ZZ", 3);
            if (!c->payer_icn[0])
                memcpy(c->payer_icn, "0", 2);
            for (uint32_t j = 0; j < c->n_cas; j++)
                cas_5010(m, &c->cas[j]);
            if (!c->patient.present) {
                c->patient.present = 1;
                memcpy(c->patient.entity, "QC", 3);
                c->patient.type = '1';
                memcpy(c->patient.last, "X", 2);
            }
            for (uint32_t j = 0; j < c->n_lines; j++) {
                rcm_remit_line *l = &c->lines[j];
                for (uint32_t k = 0; k < l->n_cas; k++)
                    cas_5010(m, &l->cas[k]);
                if (!strcmp(l->qual, "ZZ") || !strcmp(l->qual, "XX")) /* not product or service id qualifiers */
                    memcpy(l->qual, "HC", 3);
                if (!c->lines[j].qual[0])
                    memcpy(c->lines[j].qual, "HC", 3);
                if (l->orig_qual[0] && !l->orig_code[0]) /* an SVC06 cut by a wrong separator */
                    memset(l->orig_qual, 0, sizeof(l->orig_qual));
                if (!c->lines[j].code[0])
                    memcpy(c->lines[j].code, "0", 2);
            }
        }
    }
}

/* What the writer does not write (1000B has no PER) or writes for the guide (LX*1 before a claim with none). */
static void not_written(got *g)
{
    for (uint32_t s = 0; s < g->n_sets; s++) {
        rcm_remit_party *e = &g->remits[s].payee;
        e->contact[0] = e->phone[0] = e->email[0] = e->url[0] = '\0';
        long header = 0;
        for (uint32_t i = 0; i < g->n_claims[s]; i++) {
            rcm_remit_claim *c = &g->claims[s][i];
            if (c->header_number > 0)
                header = c->header_number;
            else if (!header)
                c->header_number = header = 1;
            else
                c->header_number = header;
        }
    }
}

/* Writes g's sets into out (appends); returns the writer's code. */
static int write_sets(const got *g, const rcm_x12_envelope *env, rcm_buf *out, rcm_error *err)
{
    rcm_remit_set sets[MAX_SETS];
    for (uint32_t s = 0; s < g->n_sets; s++) {
        sets[s].remit = &g->remits[s];
        sets[s].claims = g->claims[s];
        sets[s].n_claims = g->n_claims[s];
    }
    return rcm_x12_write_835(out, env, sets, g->n_sets, err);
}

/* ---- every sample round-trips ---- */

Test(x12_w835, samples_round_trip_to_the_same_model)
{
    static const char *const files[] = {
        "tests/data/x12/rcm/reversal-denial-plb.835",
        "tests/data/x12/rcm/unbalanced.835",
        "tests/data/x12/linuxforhealth-x12/demo.835",
        "tests/data/x12/linuxforhealth-x12/managed-care.835",
        "tests/data/x12/linuxforhealth-x12/cob-contractural-adjustment.835",
        "tests/data/x12/linuxforhealth-x12/secondary-payment.835",
        "tests/data/x12/linuxforhealth-x12/tertiary-payment.835",
        "tests/data/x12/linuxforhealth-x12/medicare-part-a.835",
        "tests/data/x12/pyx12/835_mult_loops.txt",
        "tests/data/x12/oopfactory-x12parser/835_5010_Example1.txt",
        "tests/data/x12/oopfactory-x12parser/835_WithMultipleInterchanges.txt",
        "tests/data/x12/badx12/X221-dollars-and-data-sent-separate.edi",
        "tests/data/x12/badx12/X221-dollars-and-data-sent-together.edi",
        "tests/data/x12/badx12/X221-era-sample.edi",
        "tests/data/x12/badx12/X221-multiple-claims-single-check.edi",
        "tests/data/x12/badx12/X221-secondary-payment-with-higher-fee-schedule.edi",
        "tests/data/x12/badx12/X221-secondary-payments.edi",
        "tests/data/x12/badx12/X221-tertiary-payments.edi",
        "tests/data/x12/edi-835-parser/emedny_sample.txt",
        "tests/data/x12/edi-835-parser/united_healthcare_legacy_sample.txt",
    };
    long total_claims = 0, refused = 0;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *text = x12rt_slurp(files[f], &len);
        got a, b;
        got_read(&a, text, len, files[f]);
        cr_assert_gt(a.n_sets, 0, "%s: no 835 set", files[f]);
        rcm_x12_envelope env;
        x12rt_envelope(&env, 42);
        env.unbalanced_ok = 1; /* the unbalanced sample must come back unbalanced */
        rcm_buf out;
        rcm_buf_init(&out, RCM_MAX_DOCUMENT);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = write_sets(&a, &env, &out, &err);
        if (rc == RCM_EINVAL) {
            /* a sample the reader or the guide finds wanting (a required value missing): the writer refuses it too */
            cr_assert(a.pr.errors > 0 || x12rt_guide_problems(text, len, files[f], NULL, 0) > 0,
                      "%s: refused (%s) but the reader and the guide found nothing", files[f], err.msg);
            cr_assert_eq(out.len, 0, "%s: refused but written", files[f]);
            refused++;
            repair(&a);
            rc = write_sets(&a, &env, &out, &err);
        }
        cr_assert_eq(rc, 0, "%s: %s", files[f], err.msg);
        if (strcmp(files[f], "tests/data/x12/rcm/unbalanced.835")) /* the balancing problems are the point */
            x12rt_assert_valid(out.ptr, out.len, files[f]);
        not_written(&a);
        got_read(&b, out.ptr, out.len, "written.835");
        char *ja = got_json(&a), *jb = got_json(&b);
        cr_assert_str_eq(jb, ja, "%s: the written 835 reads back differently", files[f]);
        cr_assert_leq(b.pr.errors, a.pr.errors, "%s: %ld errors read back, %ld in the sample (%s)", files[f],
                      b.pr.errors, a.pr.errors, b.pr.first);
        for (uint32_t s = 0; s < a.n_sets; s++)
            total_claims += a.n_claims[s];
        free(ja);
        free(jb);
        rcm_buf_release(&out);
        got_release(&a);
        got_release(&b);
        free(text);
    }
    cr_assert_gt(total_claims, 40);
    /* 4 without BPR16, 3 without the payer's PER*BL, 1 with SVC01-1 XX */
    cr_assert_eq(refused, 8, "%ld samples refused", refused);
}

/* ---- a model built by hand ---- */

typedef struct fixture {
    rcm_remit m;
    rcm_remit_claim c[2];
    rcm_remit_line l[3];
    rcm_cas cas[8];
    char remarks[2][8];
    rcm_plb plb[2];
} fixture;

static void fixture_init(fixture *f)
{
    memset(f, 0, sizeof(*f));
    rcm_remit *m = &f->m;
    memcpy(m->handling, "C", 2);
    m->payment_cents = 7500 + 4000 - 1000; /* CLP04 75.00 + 40.00, PLB WO 10.00 */
    memcpy(m->credit_debit, "C", 2);
    memcpy(m->method, "CHK", 4);
    m->payment_date = m->production_date = rcm_date_from_ymd(2026, 11, 2);
    memcpy(m->trace, "CHK00000001", 12);
    memcpy(m->trace_payer, "1620000001", 11);
    memcpy(m->payer.name, "MEDICARE PART B", 16);
    m->payer.present = 1;
    memcpy(m->payer.addr1, "PO BOX 1000", 12);
    memcpy(m->payer.city, "NASHVILLE", 10);
    memcpy(m->payer.state, "TN", 3);
    memcpy(m->payer.zip, "37202", 6);
    memcpy(m->payer.contact, "PROVIDER SERVICES", 18);
    memcpy(m->payer.phone, "8005550100", 11);
    m->payee.present = 1;
    memcpy(m->payee.name, "RIVERSIDE FAMILY MEDICINE", 26);
    memcpy(m->payee.id_qual, "XX", 3);
    memcpy(m->payee.id, "1234567893", 11);
    m->payee.n_refs = 1;
    memcpy(m->payee.refs[0].qual, "TJ", 3);
    memcpy(m->payee.refs[0].value, "621234567", 10);
    /* claim 1: 150.00 charged, allowed 92.50: CO-45 57.50, PR-2 17.50, paid 75.00 */
    rcm_remit_claim *c = &f->c[0];
    c->header_number = 1;
    memcpy(c->id, "C000000001", 11);
    memcpy(c->status, "1", 2);
    c->charge_cents = 15000;
    c->paid_cents = 7500;
    c->patient_resp_cents = 1750;
    c->has_patient_resp = 1;
    memcpy(c->filing, "MB", 3);
    memcpy(c->payer_icn, "1026306000001", 14);
    memcpy(c->facility, "11", 3);
    memcpy(c->freq, "1", 2);
    c->patient.present = 1;
    memcpy(c->patient.entity, "QC", 3);
    c->patient.type = '1';
    memcpy(c->patient.last, "HARTMAN", 8);
    memcpy(c->patient.first, "LAURA", 6);
    memcpy(c->patient.id_qual, "MI", 3);
    memcpy(c->patient.id, "1EG4TE5MK73", 12);
    c->statement_from = c->statement_to = c->coverage_expiration = RCM_DATE_NONE;
    c->received = rcm_date_from_ymd(2026, 11, 2);
    rcm_remit_line *l = &f->l[0];
    l->number = 1;
    memcpy(l->qual, "HC", 3);
    memcpy(l->code, "99213", 6);
    memcpy(l->mods[0], "25", 3);
    l->charge_cents = 15000;
    l->paid_cents = 7500;
    l->units_milli = 1000;
    l->date_from = l->date_to = rcm_date_from_ymd(2026, 10, 5);
    memcpy(l->control, "C000000001-1", 13);
    l->allowed_cents = 9250;
    l->has_allowed = 1;
    f->cas[0] = (rcm_cas){ "CO", "45", 5750, 0, 0 };
    f->cas[1] = (rcm_cas){ "PR", "2", 1750, 0, 0 };
    l->cas = &f->cas[0];
    l->n_cas = 2;
    c->lines = l;
    c->n_lines = 1;
    /* claim 2: two lines, one denied CO-97 with M15, 2 units on the paid one */
    c = &f->c[1];
    c->header_number = 1;
    memcpy(c->id, "C000000002", 11);
    memcpy(c->status, "1", 2);
    c->charge_cents = 10000 + 2500;
    c->paid_cents = 4000;
    c->patient_resp_cents = 1000;
    c->has_patient_resp = 1;
    memcpy(c->filing, "MB", 3);
    memcpy(c->payer_icn, "1026306000002", 14);
    memcpy(c->facility, "11", 3);
    memcpy(c->freq, "1", 2);
    c->patient = f->c[0].patient;
    c->statement_from = c->statement_to = c->coverage_expiration = c->received = RCM_DATE_NONE;
    l = &f->l[1];
    l->number = 1;
    memcpy(l->qual, "HC", 3);
    memcpy(l->code, "97110", 6);
    l->charge_cents = 10000;
    l->paid_cents = 4000;
    l->units_milli = 2000;
    l->date_from = l->date_to = rcm_date_from_ymd(2026, 10, 6);
    l->allowed_cents = 5000;
    l->has_allowed = 1;
    f->cas[2] = (rcm_cas){ "CO", "45", 5000, 0, 0 };
    f->cas[3] = (rcm_cas){ "PR", "2", 1000, 0, 0 };
    l->cas = &f->cas[2];
    l->n_cas = 2;
    l = &f->l[2];
    l->number = 2;
    memcpy(l->qual, "HC", 3);
    memcpy(l->code, "36415", 6);
    l->charge_cents = 2500;
    l->units_milli = 1000;
    l->date_from = l->date_to = rcm_date_from_ymd(2026, 10, 6);
    f->cas[4] = (rcm_cas){ "CO", "97", 2500, 0, 0 };
    l->cas = &f->cas[4];
    l->n_cas = 1;
    memcpy(f->remarks[0], "M15", 4);
    l->remarks = f->remarks;
    l->n_remarks = 1;
    c->lines = &f->l[1];
    c->n_lines = 2;
    /* PLB: WO 10.00 recovered from an earlier claim */
    rcm_plb *p = &f->plb[0];
    memcpy(p->provider, "1234567893", 11);
    p->fiscal_date = rcm_date_from_ymd(2026, 12, 31);
    memcpy(p->reason, "WO", 3);
    memcpy(p->ref, "1026100000007", 14);
    p->amount_cents = 1000;
    m->plb = f->plb;
    m->n_plb = 1;
}

static int write_fixture(const fixture *f, const rcm_x12_envelope *env, rcm_buf *out, rcm_error *err)
{
    rcm_remit_set s = { &f->m, f->c, 2 };
    return rcm_x12_write_835(out, env, &s, 1, err);
}

Test(x12_w835, hand_built_set_writes_the_guide_segments)
{
    fixture f;
    fixture_init(&f);
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    env.newline = 1;
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(write_fixture(&f, &env, &out, &err), 0, "%s", err.msg);
    const char *expect =
        "ISA*00*          *00*          *ZZ*PAYER01        *ZZ*CLINIC01       *261102*1200*^*00501*000000042*0*P*:~\n"
        "GS*HP*PAYER01*CLINIC01*20261102*1200*42*X*005010X221A1~\n"
        "ST*835*0001~\n"
        "BPR*C*105*C*CHK************20261102~\n"
        "TRN*1*CHK00000001*1620000001~\n"
        "DTM*405*20261102~\n"
        "N1*PR*MEDICARE PART B~\n"
        "N3*PO BOX 1000~\n"
        "N4*NASHVILLE*TN*37202~\n"
        "PER*BL*PROVIDER SERVICES*TE*8005550100~\n"
        "N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893~\n"
        "REF*TJ*621234567~\n"
        "LX*1~\n"
        "CLP*C000000001*1*150*75*17.5*MB*1026306000001*11*1~\n"
        "NM1*QC*1*HARTMAN*LAURA****MI*1EG4TE5MK73~\n"
        "DTM*050*20261102~\n"
        "SVC*HC:99213:25*150*75~\n"
        "DTM*472*20261005~\n"
        "CAS*CO*45*57.5~\n"
        "CAS*PR*2*17.5~\n"
        "REF*6R*C000000001-1~\n"
        "AMT*B6*92.5~\n"
        "CLP*C000000002*1*125*40*10*MB*1026306000002*11*1~\n"
        "NM1*QC*1*HARTMAN*LAURA****MI*1EG4TE5MK73~\n"
        "SVC*HC:97110*100*40**2~\n"
        "DTM*472*20261006~\n"
        "CAS*CO*45*50~\n"
        "CAS*PR*2*10~\n"
        "AMT*B6*50~\n"
        "SVC*HC:36415*25*0~\n"
        "DTM*472*20261006~\n"
        "CAS*CO*97*25~\n"
        "LQ*HE*M15~\n"
        "PLB*1234567893*20261231*WO:1026100000007*10~\n"
        "SE*33*0001~\n"
        "GE*1*42~\n"
        "IEA*1*000000042~\n";
    cr_assert_str_eq(out.ptr, expect);
    x12rt_assert_valid(out.ptr, out.len, "hand_built.835");
    got g;
    got_read(&g, out.ptr, out.len, "written.835");
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    cr_assert_eq(g.n_sets, 1);
    cr_assert(g.remits[0].balanced);
    cr_assert_eq(g.remits[0].total_paid_cents, 11500);
    cr_assert_eq(g.remits[0].total_plb_cents, 1000);
    cr_assert_eq(g.remits[0].total_cas_cents[RCM_CAS_CO], 5750 + 5000 + 2500);
    cr_assert_eq(g.remits[0].total_cas_cents[RCM_CAS_PR], 1750 + 1000);
    cr_assert_eq(g.n_claims[0], 2);
    cr_assert_eq(g.claims[0][1].lines[0].units_milli, 2000);
    cr_assert_str_eq(g.claims[0][1].lines[1].remarks[0], "M15");
    cr_assert_str_eq(g.remits[0].plb[0].ref, "1026100000007");
    got_release(&g);
    rcm_buf_release(&out);
}

Test(x12_w835, reversal_with_negative_amounts_balances)
{
    fixture f;
    fixture_init(&f);
    /* the first claim reversed: every amount negated, then the second claim as it is */
    rcm_remit_claim rev = f.c[0];
    rcm_remit_line rl = f.l[0];
    rcm_cas rc2[2] = { f.cas[0], f.cas[1] };
    rc2[0].amount_cents = -rc2[0].amount_cents;
    rc2[1].amount_cents = -rc2[1].amount_cents;
    rl.cas = rc2;
    rl.charge_cents = -rl.charge_cents;
    rl.paid_cents = -rl.paid_cents;
    rl.allowed_cents = -rl.allowed_cents;
    rev.lines = &rl;
    memcpy(rev.status, "22", 3);
    rev.charge_cents = -rev.charge_cents;
    rev.paid_cents = -rev.paid_cents;
    rev.patient_resp_cents = -rev.patient_resp_cents;
    /* the reversal, the claim paid again, the second claim; WO 10.00: -75 + 75 + 40 - 10 = 30 */
    rcm_remit_claim claims[3] = { rev, f.c[0], f.c[1] };
    rcm_remit_set s = { &f.m, claims, 3 };
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_write_835(&out, &env, &s, 1, &err), RCM_EBALANCE); /* BPR02 still 105 */
    cr_assert(strstr(err.msg, "CLP04 total - PLB total = 30.00, BPR02 is 105.00"), "%s", err.msg);
    cr_assert_eq(out.len, 0);
    f.m.payment_cents = 3000;
    cr_assert_eq(rcm_x12_write_835(&out, &env, &s, 1, &err), 0, "%s", err.msg);
    cr_assert(strstr(out.ptr, "CLP*C000000001*22*-150*-75*-17.5*MB*1026306000001"));
    cr_assert(strstr(out.ptr, "SVC*HC:99213:25*-150*-75~"));
    cr_assert(strstr(out.ptr, "CAS*CO*45*-57.5~CAS*PR*2*-17.5~"));
    cr_assert(strstr(out.ptr, "AMT*B6*-92.5~"));
    x12rt_assert_valid(out.ptr, out.len, "reversal.835");
    got g;
    got_read(&g, out.ptr, out.len, "written.835");
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    cr_assert(g.remits[0].balanced);
    cr_assert_eq(g.remits[0].reversals, 1);
    got_release(&g);
    rcm_buf_release(&out);
}

Test(x12_w835, unbalanced_line_claim_and_set_are_refused)
{
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    rcm_error err;
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    fixture f;

    fixture_init(&f);
    f.cas[1].amount_cents = 1700; /* line 1: 150 - 57.50 - 17 = 75.50, not 75 */
    memset(&err, 0, sizeof(err));
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EBALANCE);
    cr_assert(strstr(err.msg, "claim 'C000000001' line 1 does not balance"), "%s", err.msg);

    fixture_init(&f);
    f.c[1].charge_cents = 12600; /* CLP03 126 but the lines say 125 */
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EBALANCE);
    cr_assert(strstr(err.msg, "claim 'C000000002' does not balance: CLP03 - CAS = 41.00"), "%s", err.msg);

    fixture_init(&f);
    f.m.payment_cents = 11500; /* the PLB was forgotten */
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EBALANCE);
    cr_assert(strstr(err.msg, "CLP04 total - PLB total = 105.00, BPR02 is 115.00"), "%s", err.msg);
    cr_assert_eq(out.len, 0);

    env.unbalanced_ok = 1; /* for readers' tests: written as asked, the reader finds it */
    cr_assert_eq(write_fixture(&f, &env, &out, &err), 0, "%s", err.msg);
    got g;
    got_read(&g, out.ptr, out.len, "written.835");
    cr_assert_eq(g.pr.errors, 1);
    cr_assert(strstr(g.pr.first, "does not balance"), "%s", g.pr.first);
    got_release(&g);
    rcm_buf_release(&out);
}

Test(x12_w835, bad_values_are_refused_with_nothing_written)
{
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    rcm_error err;
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_buf_adds(&out, "KEEP");
    fixture f;

    fixture_init(&f);
    memcpy(f.c[1].patient.last, "O*HARA", 7); /* the element separator */
    memset(&err, 0, sizeof(err));
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "claim 'C000000002': patient.last: 'O*HARA' holds '*', a delimiter"), "%s", err.msg);
    cr_assert_str_eq(out.ptr, "KEEP");

    fixture_init(&f);
    f.c[0].payer_icn[0] = '\0';
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "payer_icn: missing (CLP07"), "%s", err.msg);
    cr_assert_str_eq(out.ptr, "KEEP");

    fixture_init(&f);
    f.m.payee.name[0] = '\0';
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "payee.name: missing"), "%s", err.msg);

    fixture_init(&f);
    env.sender_id[0] = '\0';
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "sender and receiver ids are required"), "%s", err.msg);
    x12rt_envelope(&env, 42);
    env.delims.comp = '*';
    cr_assert_eq(write_fixture(&f, &env, &out, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "delimiters must differ"), "%s", err.msg);
    cr_assert_str_eq(out.ptr, "KEEP");
    rcm_buf_release(&out);
}

Test(x12_w835, other_delimiters_and_lx_groups)
{
    fixture f;
    fixture_init(&f);
    f.c[0].header_number = 1;
    f.c[1].header_number = 2;
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    env.delims.elem = '|';
    env.delims.comp = '>';
    env.delims.rep = '!';
    env.delims.seg = '\'';
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(write_fixture(&f, &env, &out, &err), 0, "%s", err.msg);
    cr_assert(strstr(out.ptr, "LX|1'CLP|C000000001|"));
    cr_assert(strstr(out.ptr, "LX|2'CLP|C000000002|"));
    cr_assert(strstr(out.ptr, "SVC|HC>99213>25|150|75'"));
    cr_assert(strstr(out.ptr, "PLB|1234567893|20261231|WO>1026100000007|10'"));
    x12rt_assert_valid(out.ptr, out.len, "delimiters.835");
    got g;
    got_read(&g, out.ptr, out.len, "written.835");
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    cr_assert_eq(g.claims[0][1].header_number, 2);
    got_release(&g);
    rcm_buf_release(&out);
}

/*
 * What the 835 guide forbids or requires, table-driven: each case changes the
 * fixture; a refused case names the set and the field and writes nothing, a
 * written one (msg NULL) passes the guide and holds (or lacks) a segment.
 */
Test(x12_w835, what_the_guide_forbids_is_refused_or_not_written)
{
    static const struct {
        int what;
        const char *msg;            /* NULL: written, and valid */
        const char *has, *lacks;    /* for a written case: text the output holds / must not hold */
    } cases[] = {
        { 0, NULL, "PER*BL*PROVIDER SERVICES*TE*8005550100~", "PER*IC" },
        /* 1000A: PER*BL required; a web site alone is a valid technical contact */
        { 1, "835 'CHK00000001': payer.contact: missing (PER*BL payer technical contact, required in 1000A", NULL,
          NULL },
        { 2, NULL, "PER*BL**UR*www.payer.example~PER*IC**UR*www.payer.example~", NULL },
        { 3, NULL, "PER*BL**EM*edi@payer.example~", "PER*IC" },
        /* 1000A: N3 and N4 required */
        { 4, "835 'CHK00000001': payer.addr1: missing (N301 address line, required in 1000A)", NULL, NULL },
        { 5, "835 'CHK00000001': payer.city: missing (N401 city, required in 1000A)", NULL, NULL },
        { 6, "payer.id_qual: 'PI' is not a code of N103 (XV)", NULL, NULL },
        /* 1000B: no PER; N1 needs the payee's id; an address in parts */
        { 7, NULL, "N1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893~REF*TJ*621234567~LX*1~", "PER*IC" },
        { 8, "835 'CHK00000001': payee.id: missing (N104 payee identification code, required in 1000B)", NULL, NULL },
        { 9, "payee.city: missing (N401 city)", NULL, NULL },
        { 10, NULL, "N3*12 MAIN ST~N4*SPRINGFIELD*IL*62701~REF*TJ", NULL },
        { 11, "payee.refs.qual: 'EV' is not allowed in 835 loop 1000B REF (allowed: 0B,D3,PQ,TJ)", NULL, NULL },
        { 12, "payer.refs.value: missing (REF02 reference identification)", NULL, NULL },
        /* header */
        { 13, "trace_payer: '162000001' is not 10 characters (TRN03", NULL, NULL },
        { 14, "method: 'CASH' is not a code of BPR04", NULL, NULL },
        { 15, "sender_dfi: missing (BPR06/BPR07 goes with sender_dfi_qual)", NULL, NULL },
        /* 2100 */
        { 16, "claim 'C000000001': status: '5' is not a code of CLP02", NULL, NULL },
        { 17, "claim 'C000000001': filing: 'CI' is not a code of CLP06", NULL, NULL },
        { 18, "claim 'C000000001': cas.group: 'CR' is not a code of CAS01 (CO,OA,PI,PR)", NULL, NULL },
        { 19, "claim 'C000000001': insured.id: missing (NM109 identification code, required in 2100 NM1*IL)", NULL,
          NULL },
        { 20, NULL, "NM1*IL*1*HARTMAN*JOHN****MI*1EG4TE5MK73~", NULL },
        { 21, "claim 'C000000001': patient.type: '2' is not allowed in 2100 NM1*QC (NM102: 1)", NULL, NULL },
        { 22, "claim 'C000000001': crossover.first: not used in 2100 NM1*TT", NULL, NULL },
        { 23, NULL, "NM1*TT*2*BLUE PLAN*****PI*12345~", NULL },
        { 24, "claim 'C000000001': patient.id: '1' is not 2 to 80 characters (NM109)", NULL, NULL },
        { 25, "claim 'C000000001': refs.qual: '6R' is not allowed in 835 loop 2100 REF", NULL, NULL },
        { 26, NULL, "REF*EA*MR123~REF*G1*AUTH1~DTM*050", NULL },
        { 27, "claim 'C000000001': refs.qual: '1L': loop 2100 allows 5 REF with it", NULL, NULL },
        { 28, "claim 'C000000001': amts.qual: 'B6' is not allowed in 835 loop 2100 AMT", NULL, NULL },
        { 29, "claim 'C000000001': qtys.qual: 'ZZ' is not allowed in 835 loop 2100 QTY", NULL, NULL },
        /* 2110 */
        { 30, "claim 'C000000001': refs.qual: '6R': loop 2110 allows 1 REF with it", NULL, NULL },
        { 31, NULL, "REF*6R*C000000001-1~REF*LU*22~REF*HPI*1234567893~AMT*B6*92.5~AMT*KH*1~QTY*ZK*2~", NULL },
        { 32, "claim 'C000000001': amts.qual: 'AU' is not allowed in 835 loop 2110 AMT", NULL, NULL },
        { 33, "claim 'C000000001': qual: 'ZZ' is not a code of SVC01-1", NULL, NULL },
        { 34, "claim 'C000000001': orig_qual: 'N6' is not a code of SVC06-1", NULL, NULL },
        { 35, NULL, "SVC*HC:99213:25*150*75***HC:99214~", NULL },
        { 36, "claim 'C000000001': orig_code: missing (SVC06-2", NULL, NULL },
        /* summary */
        { 37, "835 'CHK00000001': plb.reason: 'XX' is not a code of PLB03-1", NULL, NULL },
        /* loop 2000 begins with its LX */
        { 38, NULL, "DTM*405*20261102~N1*PR", NULL },
        { 39, "835 'CHK00000001': currency: 'US' is not 3 characters (CUR02)", NULL, NULL },
        { 40, NULL, "TRN*1*CHK00000001*1620000001~CUR*PR*USD~", NULL },
        { 41, "payer.city: 'X' is not 2 to 30 characters (N401)", NULL, NULL },
        { 42, "payer_originator: '12345' is not 10 characters (BPR10)", NULL, NULL },
    };
    rcm_x12_envelope env;
    x12rt_envelope(&env, 42);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_ref refs[6];
    rcm_amt amts[2];
    rcm_qty qtys[1];
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture f;
        fixture_init(&f);
        rcm_remit *m = &f.m;
        rcm_remit_claim *c = &f.c[0];
        rcm_remit_line *l = &f.l[0];
        memset(refs, 0, sizeof(refs));
        memset(amts, 0, sizeof(amts));
        memset(qtys, 0, sizeof(qtys));
        switch (cases[i].what) {
        case 1: m->payer.contact[0] = m->payer.phone[0] = '\0'; break;
        case 2:
            m->payer.contact[0] = m->payer.phone[0] = '\0';
            memcpy(m->payer.url, "www.payer.example", 18);
            break;
        case 3:
            m->payer.contact[0] = m->payer.phone[0] = '\0';
            memcpy(m->payer.email, "edi@payer.example", 18);
            break;
        case 4: m->payer.addr1[0] = '\0'; break;
        case 5: m->payer.city[0] = '\0'; break;
        case 6:
            memcpy(m->payer.id_qual, "PI", 3);
            memcpy(m->payer.id, "12345", 6);
            break;
        case 7:
            memcpy(m->payee.contact, "BILLING", 8);
            memcpy(m->payee.phone, "5555550100", 11);
            memcpy(m->payee.email, "billing@clinic.example", 23);
            memcpy(m->payee.url, "www.clinic.example", 19);
            break;
        case 8: m->payee.id[0] = m->payee.id_qual[0] = '\0'; break;
        case 9: memcpy(m->payee.zip, "62701", 6); break;
        case 10:
            memcpy(m->payee.addr1, "12 MAIN ST", 11);
            memcpy(m->payee.city, "SPRINGFIELD", 12);
            memcpy(m->payee.state, "IL", 3);
            memcpy(m->payee.zip, "62701", 6);
            break;
        case 11: memcpy(m->payee.refs[0].qual, "EV", 3); break;
        case 12:
            memcpy(m->payer.refs[0].qual, "2U", 3);
            memcpy(m->payer.refs[1].qual, "EO", 3);
            memcpy(m->payer.refs[1].value, "X1", 3);
            m->payer.n_refs = 2;
            break;
        case 13: memcpy(m->trace_payer, "162000001", 10); break;
        case 14: memcpy(m->method, "CASH", 5); break;
        case 15: memcpy(m->sender_dfi_qual, "01", 3); break;
        case 16: memcpy(c->status, "5", 2); break;
        case 17: memcpy(c->filing, "CI", 3); break;
        case 18: memcpy(f.cas[0].group, "CR", 3); break;
        case 20: memcpy(c->insured.id_qual, "MI", 3); memcpy(c->insured.id, "1EG4TE5MK73", 12); /* fall through */
        case 19:
            c->insured.present = 1;
            memcpy(c->insured.last, "HARTMAN", 8);
            memcpy(c->insured.first, "JOHN", 5);
            break;
        case 21: c->patient.type = '2'; break;
        case 23: /* fall through */
        case 22:
            c->crossover.present = 1;
            memcpy(c->crossover.last, "BLUE PLAN", 10);
            if (cases[i].what == 22)
                memcpy(c->crossover.first, "X", 2);
            memcpy(c->crossover.id_qual, "PI", 3);
            memcpy(c->crossover.id, "12345", 6);
            break;
        case 24: memcpy(c->patient.id, "1", 2); break;
        case 25: /* a line's REF at the claim */
            memcpy(refs[0].qual, "6R", 3);
            memcpy(refs[0].value, "X", 2);
            memcpy(refs[1].qual, "EA", 3);
            c->refs = refs;
            c->n_refs = 2;
            break;
        case 26:
            memcpy(refs[0].qual, "EA", 3);
            memcpy(refs[0].value, "MR123", 6);
            memcpy(refs[1].qual, "G1", 3);
            memcpy(refs[1].value, "AUTH1", 6);
            c->refs = refs;
            c->n_refs = 2;
            break;
        case 27:
            for (int k = 0; k < 6; k++) {
                memcpy(refs[k].qual, "1L", 3);
                memcpy(refs[k].value, "G", 2);
            }
            c->refs = refs;
            c->n_refs = 6;
            break;
        case 28: memcpy(amts[0].qual, "B6", 3); c->amts = amts; c->n_amts = 1; break;
        case 29: memcpy(qtys[0].qual, "ZZ", 3); c->qtys = qtys; c->n_qtys = 1; break;
        case 30:
            memcpy(refs[0].qual, "6R", 3);
            memcpy(refs[0].value, "AGAIN", 6);
            l->refs = refs;
            l->n_refs = 1;
            break;
        case 31:
            memcpy(refs[0].qual, "LU", 3);
            memcpy(refs[0].value, "22", 3);
            memcpy(refs[1].qual, "HPI", 4);
            memcpy(refs[1].value, "1234567893", 11);
            l->refs = refs;
            l->n_refs = 2;
            memcpy(amts[0].qual, "KH", 3);
            amts[0].cents = 100;
            l->amts = amts;
            l->n_amts = 1;
            memcpy(qtys[0].qual, "ZK", 3);
            qtys[0].milli = 2000;
            l->qtys = qtys;
            l->n_qtys = 1;
            break;
        case 32: memcpy(amts[0].qual, "AU", 3); l->amts = amts; l->n_amts = 1; break;
        case 33: memcpy(l->qual, "ZZ", 3); break;
        case 34: memcpy(l->orig_qual, "N6", 3); memcpy(l->orig_code, "99214", 6); break;
        case 35: memcpy(l->orig_qual, "HC", 3); memcpy(l->orig_code, "99214", 6); break;
        case 36: memcpy(l->orig_qual, "HC", 3); break;
        case 37: memcpy(f.plb[0].reason, "XX", 3); break;
        case 38: f.c[0].header_number = f.c[1].header_number = 0; break;
        case 39: memcpy(m->currency, "US", 3); break;
        case 40: memcpy(m->currency, "USD", 4); break;
        case 41: memcpy(m->payer.city, "X", 2); break;
        case 42: memcpy(m->payer_originator, "12345", 6); break;
        default: break;
        }
        rcm_error err;
        memset(&err, 0, sizeof(err));
        rcm_buf_reset(&out);
        int rc = write_fixture(&f, &env, &out, &err);
        if (!cases[i].msg) {
            cr_assert_eq(rc, 0, "case %d: %s", cases[i].what, err.msg);
            x12rt_assert_valid(out.ptr, out.len, "guide.835");
            if (cases[i].has)
                cr_assert(strstr(out.ptr, cases[i].has), "case %d: no '%s' in %s", cases[i].what, cases[i].has,
                          out.ptr);
            if (cases[i].lacks)
                cr_assert_null(strstr(out.ptr, cases[i].lacks), "case %d: '%s' written", cases[i].what,
                               cases[i].lacks);
            continue;
        }
        cr_assert_eq(rc, RCM_EINVAL, "case %d written: %s", cases[i].what, out.ptr);
        cr_assert(strstr(err.msg, cases[i].msg), "case %d: %s", cases[i].what, err.msg);
        cr_assert_eq(out.len, 0, "case %d: something written", cases[i].what);
    }
    rcm_buf_release(&out);
}
