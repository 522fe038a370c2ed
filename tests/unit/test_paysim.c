/*
 * The payer simulator: 837s written by rcm's writer from claims built here,
 * answered with a test configuration, and every answer read back by rcm's
 * readers (no problems, the 835 balanced). Hand-computed payments (CO-45,
 * PR-1/2/3, rounding, modifier and percentage prices, units), each denial
 * rule firing and not firing, the 277CA rejections, a 999 rejection, a
 * replacement's reversal and new payment (deductible given back), voids,
 * PLBs applied once, secondary claims, determinism, configuration errors.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rcm/json.h"
#include "rcm/paysim.h"
#include "rcm/x12read.h"
#include "rcm/x12write.h"
#include "x12_roundtrip.h"

#define TODAY "2026-11-02"

static const char conf_text[] =
    "# test payers\n"
    "payer P1\n"
    "  name TEST HEALTH PLAN\n"
    "  address PO BOX 77 | NASHVILLE | TN | 37202\n"
    "  tax-id 620000001\n"
    "  icn-prefix 20\n"
    "  allowed 99213 92.50\n"
    "  allowed 99214 131.00\n"
    "  allowed 36415 3.00\n"
    "  allowed 20610:RT 62.00\n"
    "  allowed 20610 70.00\n"
    "  allowed-percent 50\n"
    "  coinsurance 20\n"
    "  member-deductible DED1 50.00\n"
    "  member M1 2020-01-01\n"
    "  member M2 2020-01-01 2026-09-30\n"
    "  member M3 2026-10-01 -\n"
    "  member DED1 2020-01-01\n"
    "  timely-days 90\n"
    "  auth 70551 70552\n"
    "  bundle 99214 36415\n"
    "  dx-cover 82947 50 N115 E11 R73\n"
    "  unit-limit 97110 4\n"
    "  deny 99999 carc=96 remark=N130\n"
    "\n"
    "payer P2\n"
    "  allowed-percent 80\n"
    "  copay 25.00 99213 99214\n"
    "  unknown-members reject\n"
    "  member-id-format NNNNA\n"
    "  member 1234A 2020-01-01\n"
    "\n"
    "payer P3   # provider-level adjustments\n"
    "  allowed 99213 92.50\n"
    "  coinsurance 20\n"
    "  plb L6 -4.27\n"
    "  plb WO 25.00 1026100000007\n"
    "  plb WO 500.00 BIG\n"
    "\n"
    "payer P4\n"
    "  allowed 99213 100.00\n"
    "  coinsurance 10\n";

/* ---- claims ---- */

typedef struct tline {
    const char *code, *mods;        /* mods: "25" or "RT,59" */
    int64_t charge, units_milli;    /* units 0: 1 */
    const char *date;               /* NULL: 2026-10-05 */
    const char *ptrs;               /* "1,2"; NULL: "1" */
    const char *auth;               /* line REF*G1 */
} tline;

typedef struct tclaim {
    const char *id, *payer, *member;
    char freq, seq;                 /* 0: '1', 'P' */
    const char *orig, *auth;        /* REF*F8, REF*G1 */
    const char *dx;                 /* "\"I10\",\"E119\""; NULL: "\"I10\"" */
    const char *other;              /* raw JSON of "other" (COB), NULL none */
    const char *adj;                /* raw JSON of lines[0].adj, NULL none */
    tline lines[6];
} tclaim;

static void add_line(rcm_buf *b, const tline *l, int n, const char *adj)
{
    rcm_buf_addf(b, "%s{\"number\":%d,\"qual\":\"HC\",\"code\":\"%s\",\"charge_cents\":%lld,\"unit_type\":\"UN\","
                 "\"units_milli\":%lld,\"dx_ptr\":[%s],\"from\":\"%s\",\"to\":\"%s\",\"control\":\"L%d\"",
                 n > 1 ? "," : "", n, l->code, (long long)l->charge, (long long)(l->units_milli ? l->units_milli : 1000),
                 l->ptrs ? l->ptrs : "1", l->date ? l->date : "2026-10-05", l->date ? l->date : "2026-10-05", n);
    if (l->mods) {
        rcm_buf_adds(b, ",\"mods\":[");
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%s", l->mods);
        int first = 1;
        for (char *s = tmp, *c; s; s = c ? c + 1 : NULL) {
            c = strchr(s, ',');
            if (c)
                *c = '\0';
            rcm_buf_addf(b, "%s\"%s\"", first ? "" : ",", s);
            first = 0;
        }
        rcm_buf_adds(b, "]");
    }
    if (l->auth)
        rcm_buf_addf(b, ",\"prior_auth\":\"%s\"", l->auth);
    if (adj && n == 1)
        rcm_buf_addf(b, ",\"adj\":%s", adj);
    rcm_buf_adds(b, "}");
}

static rcm_claim *make_claim(const tclaim *t)
{
    rcm_buf b;
    rcm_buf_init(&b, 1 << 20);
    int64_t total = 0;
    for (int i = 0; i < 6 && t->lines[i].code; i++)
        total += t->lines[i].charge;
    rcm_buf_addf(&b,
                 "{\"kind\":\"professional\",\"id\":\"%s\",\"charge_cents\":%lld,"
                 "\"bht\":{\"id\":\"B1\",\"purpose\":\"00\",\"type\":\"CH\",\"date\":\"2026-10-20\",\"time\":\"0900\"},"
                 "\"submitter\":{\"entity\":\"41\",\"type\":\"2\",\"last\":\"RIVERSIDE FAMILY MEDICINE\",\"id_qual\":\"46\","
                 "\"id\":\"RIVERSIDE01\",\"contact\":\"BILLING OFFICE\",\"phone\":\"6155550100\"},"
                 "\"receiver\":{\"entity\":\"40\",\"type\":\"2\",\"last\":\"DEMO CLEARINGHOUSE\",\"id_qual\":\"46\",\"id\":\"CLEARHOUSE\"},"
                 "\"billing\":{\"entity\":\"85\",\"type\":\"2\",\"last\":\"RIVERSIDE FAMILY MEDICINE\",\"id_qual\":\"XX\","
                 "\"id\":\"1234567893\",\"addr1\":\"1200 RIVER ROAD\",\"city\":\"NASHVILLE\",\"state\":\"TN\",\"zip\":\"372031234\","
                 "\"tax_id_qual\":\"EI\",\"tax_id\":\"621234567\"},"
                 "\"subscriber\":{\"entity\":\"IL\",\"type\":\"1\",\"last\":\"HARTMAN\",\"first\":\"LAURA\",\"id_qual\":\"MI\","
                 "\"id\":\"%s\",\"addr1\":\"45 OAK LANE\",\"city\":\"FRANKLIN\",\"state\":\"TN\",\"zip\":\"37064\"},"
                 "\"payer\":{\"entity\":\"PR\",\"type\":\"2\",\"last\":\"PAYER %s\",\"id_qual\":\"PI\",\"id\":\"%s\"},"
                 "\"payer_seq\":\"%c\",\"subscriber_rel\":\"18\",\"filing\":\"CI\",\"subscriber_dob\":\"1950-02-03\","
                 "\"subscriber_sex\":\"F\",\"pos\":\"11\",\"freq\":\"%c\",\"signature\":\"Y\",\"assignment\":\"A\","
                 "\"benefits\":\"Y\",\"release\":\"Y\",\"dx_qual\":\"ABK\",\"dx\":[%s]",
                 t->id, (long long)total, t->member, t->payer, t->payer, t->seq ? t->seq : 'P', t->freq ? t->freq : '1',
                 t->dx ? t->dx : "\"I10\"");
    if (t->orig)
        rcm_buf_addf(&b, ",\"original_ref\":\"%s\"", t->orig);
    if (t->auth)
        rcm_buf_addf(&b, ",\"prior_auth\":\"%s\"", t->auth);
    if (t->other)
        rcm_buf_addf(&b, ",\"other\":%s", t->other);
    rcm_buf_adds(&b, ",\"lines\":[");
    for (int i = 0; i < 6 && t->lines[i].code; i++)
        add_line(&b, &t->lines[i], i + 1, t->adj);
    rcm_buf_adds(&b, "]}");
    cr_assert(!rcm_buf_failed(&b));
    json_error_t je;
    json_t *j = json_loads(b.ptr, 0, &je);
    cr_assert_not_null(j, "claim JSON: %s", je.text);
    rcm_claim *c = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_claim_from_json(&c, j, &err), 0, "%s: %s", t->id, err.msg);
    json_decref(j);
    rcm_buf_release(&b);
    return c;
}

/* ---- a test folder, the 837, the run ---- */

typedef struct env {
    char dir[256], conf[300], state[300], out[300];
} env;

static void env_open(env *e, const char *conf)
{
    const char *t = getenv("TMPDIR");
    snprintf(e->dir, sizeof(e->dir), "%s/rcm-paysim-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(e->dir));
    snprintf(e->conf, sizeof(e->conf), "%s/paysim.conf", e->dir);
    snprintf(e->state, sizeof(e->state), "%s/paysim.state", e->dir);
    snprintf(e->out, sizeof(e->out), "%s/out", e->dir);
    cr_assert_eq(mkdir(e->out, 0700), 0);
    FILE *f = fopen(e->conf, "w");
    cr_assert_not_null(f);
    fputs(conf ? conf : conf_text, f);
    fclose(f);
}

static void env_close(env *e)
{
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", e->dir);
    cr_assert_eq(system(cmd), 0);
}

/* Writes the claims as an 837P (one set per claim when per_set is 1) into DIR/name; returns the path. */
static char *write_837(env *e, const char *name, const tclaim *claims, int n, int per_set, const char *corrupt,
                       const char *with)
{
    rcm_x12_write_opts o;
    rcm_x12_write_opts_init(&o, 'P');
    o.date = rcm_date_from_ymd(2026, 10, 20);
    memcpy(o.time, "0900", 5);
    o.isa_control = o.gs_control = 77;
    o.max_claims_per_set = per_set ? 1 : 0;
    rcm_x12_writer *w = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0, "%s", err.msg);
    for (int i = 0; i < n; i++) {
        rcm_claim *c = make_claim(&claims[i]);
        cr_assert_eq(rcm_x12_writer_add(w, c, &err), 0, "%s", err.msg);
        rcm_claim_free(c);
    }
    cr_assert_eq(rcm_x12_writer_finish(w, &err), 0, "%s", err.msg);
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    cr_assert_eq(rcm_x12_writer_take(w, &b), 0);
    rcm_x12_writer_free(w);
    char *path = malloc(400);
    snprintf(path, 400, "%s/%s", e->dir, name);
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    const char *p = b.ptr;
    if (corrupt) { /* replace the first occurrence of corrupt with with (same length) */
        char *at = strstr(b.ptr, corrupt);
        cr_assert_not_null(at, "'%s' is not in the 837", corrupt);
        cr_assert_eq(strlen(corrupt), strlen(with));
        memcpy(at, with, strlen(with));
    }
    fwrite(p, 1, b.len, f);
    fclose(f);
    rcm_buf_release(&b);
    return path;
}

/* ---- reading the answers back ---- */

typedef struct rline {
    char code[49];
    int64_t charge, paid, allowed, units;
    int has_allowed;
    char cas[6][16];                /* "CO-45=5750" */
    int n_cas;
    char remark[8];
} rline;

typedef struct rclaim {
    char id[39], status[3], icn[51], freq[2];
    int64_t charge, paid, pr;
    rline l[6];
    int n;
} rclaim;

typedef struct answers {
    int have999, have277, have835;
    /* 999 */
    int n_sets;
    char set_status[16];
    int set_ik3[16];
    char ik3_seg[4], ik4_code[4];
    int ik3_pos, ik4_pos;
    char group_status;
    /* 277CA */
    int n_ack;
    struct {
        char id[39], stc[20], icn[51];
        int accepted, rejected;
    } ack[32];
    /* 835 */
    int n_claims, n_remits;
    rclaim c[32];
    int64_t bpr[8], plb_total[8];
    char handling[8][3];
    char plb[8][64];
    int n_plb;
    int balanced;
    long problems;
    char first_problem[256];
} answers;

static int a_problem(void *ctx, const rcm_x12_problem *p)
{
    answers *a = ctx;
    if (!a->problems)
        snprintf(a->first_problem, sizeof(a->first_problem), "segment %ld %s: %s", p->segment, p->seg_id, p->msg);
    a->problems++;
    return 0;
}

static int a_999(void *ctx, const rcm_ack999 *k)
{
    answers *a = ctx;
    a->have999 = 1;
    a->group_status = k->group_status;
    for (uint32_t i = 0; i < k->n_sets && a->n_sets < 16; i++) {
        a->set_status[a->n_sets] = k->sets[i].status;
        a->set_ik3[a->n_sets] = (int)k->sets[i].n_segments;
        if (k->sets[i].n_segments) {
            const rcm_ack_segment_error *g = &k->sets[i].segments[0];
            memcpy(a->ik3_seg, g->seg_id, 4);
            a->ik3_pos = (int)g->position;
            if (g->n_elements) {
                memcpy(a->ik4_code, g->elements[0].code, 4);
                a->ik4_pos = g->elements[0].position;
            }
        }
        a->n_sets++;
    }
    return 0;
}

static int a_277(void *ctx, const rcm_ack277 *k)
{
    answers *a = ctx;
    a->have277 = 1;
    for (uint32_t i = 0; i < k->n_claims && a->n_ack < 32; i++) {
        const rcm_ack_claim *c = &k->claims[i];
        cr_assert_gt(c->n_status, 0);
        memcpy(a->ack[a->n_ack].id, c->claim_id, sizeof(c->claim_id));
        snprintf(a->ack[a->n_ack].stc, sizeof(a->ack[0].stc), "%s:%s%s%s", c->status[0].category,
                 c->status[0].code, c->status[0].entity[0] ? ":" : "", c->status[0].entity);
        memcpy(a->ack[a->n_ack].icn, c->payer_claim_number, sizeof(a->ack[0].icn));
        a->ack[a->n_ack].accepted = c->accepted;
        a->ack[a->n_ack].rejected = c->rejected;
        a->n_ack++;
    }
    return 0;
}

static int a_claim(void *ctx, const rcm_remit *h, const rcm_remit_claim *c)
{
    answers *a = ctx;
    (void)h;
    cr_assert_lt(a->n_claims, 32);
    rclaim *r = &a->c[a->n_claims++];
    memcpy(r->id, c->id, sizeof(r->id));
    memcpy(r->status, c->status, sizeof(r->status));
    memcpy(r->icn, c->payer_icn, sizeof(r->icn));
    memcpy(r->freq, c->freq, sizeof(r->freq));
    r->charge = c->charge_cents;
    r->paid = c->paid_cents;
    r->pr = c->patient_resp_cents;
    cr_assert_eq(c->n_cas, 0, "claim '%s' has claim-level adjustments", c->id);
    for (uint32_t i = 0; i < c->n_lines && i < 6; i++) {
        const rcm_remit_line *l = &c->lines[i];
        rline *o = &r->l[r->n++];
        memcpy(o->code, l->code, sizeof(o->code));
        o->charge = l->charge_cents;
        o->paid = l->paid_cents;
        o->allowed = l->allowed_cents;
        o->has_allowed = l->has_allowed;
        o->units = l->units_milli;
        for (uint32_t j = 0; j < l->n_cas && j < 6; j++)
            snprintf(o->cas[o->n_cas++], sizeof(o->cas[0]), "%s-%s=%lld", l->cas[j].group, l->cas[j].reason,
                     (long long)l->cas[j].amount_cents);
        if (l->n_remarks)
            memcpy(o->remark, l->remarks[0], sizeof(o->remark));
    }
    return 0;
}

static int a_remit(void *ctx, const rcm_remit *m)
{
    answers *a = ctx;
    cr_assert_lt(a->n_remits, 8);
    a->bpr[a->n_remits] = m->credit_debit[0] == 'D' ? -m->payment_cents : m->payment_cents;
    a->plb_total[a->n_remits] = m->total_plb_cents;
    memcpy(a->handling[a->n_remits], m->handling, 3);
    for (uint32_t i = 0; i < m->n_plb && a->n_plb < 8; i++)
        snprintf(a->plb[a->n_plb++], sizeof(a->plb[0]), "%s:%s=%lld", m->plb[i].reason, m->plb[i].ref,
                 (long long)m->plb[i].amount_cents);
    a->balanced &= m->balanced;
    a->n_remits++;
    return 0;
}

static void read_answer(answers *a, const char *path)
{
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_file(&rd, path, &err), 0, "%s: %s", path, err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = a;
    cb.problem = a_problem;
    cb.ack999 = a_999;
    cb.ack277 = a_277;
    cb.remit_claim = a_claim;
    cb.remit_end = a_remit;
    cr_assert_eq(rcm_x12_read(rd, &cb, NULL, &err), 0, "%s: %s", path, err.msg);
    rcm_x12_reader_free(rd);
}

/* The answer at path passes rcm's implementation guides (999, 277CA, 835). */
static void assert_guide_valid(const char *path)
{
    size_t len;
    char *text = x12rt_slurp(path, &len);
    x12rt_assert_valid(text, len, path);
    free(text);
}

/* Runs the simulator on path and reads every answer back: no problems, the 835 balanced, the guides pass. */
static void run(env *e, const char *path, const char *today, rcm_paysim_report *rep, answers *a)
{
    rcm_paysim *ps = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_paysim_new(&ps, e->conf, e->state, &err), 0, "%s", err.msg);
    rcm_date d;
    cr_assert_eq(rcm_date_parse_iso(&d, rcm_str_c(today ? today : TODAY)), 0);
    cr_assert_eq(rcm_paysim_run(ps, path, e->out, d, rep, &err), 0, "%s", err.msg);
    rcm_paysim_free(ps);
    memset(a, 0, sizeof(*a));
    a->balanced = 1;
    cr_assert(rep->ack999_path[0]);
    read_answer(a, rep->ack999_path);
    if (rep->ack277_path[0])
        read_answer(a, rep->ack277_path);
    if (rep->era_path[0])
        read_answer(a, rep->era_path);
    cr_assert_eq(a->problems, 0, "%s", a->first_problem);
    cr_assert(a->balanced);
    assert_guide_valid(rep->ack999_path);
    if (rep->ack277_path[0])
        assert_guide_valid(rep->ack277_path);
    if (rep->era_path[0])
        assert_guide_valid(rep->era_path);
}

static const rclaim *claim_of(const answers *a, const char *id, const char *status)
{
    for (int i = 0; i < a->n_claims; i++)
        if (!strcmp(a->c[i].id, id) && (!status || !strcmp(a->c[i].status, status)))
            return &a->c[i];
    return NULL;
}

static const char *stc_of(const answers *a, const char *id)
{
    for (int i = 0; i < a->n_ack; i++)
        if (!strcmp(a->ack[i].id, id))
            return a->ack[i].stc;
    return NULL;
}

static const char *icn_of(const answers *a, const char *id)
{
    for (int i = 0; i < a->n_ack; i++)
        if (!strcmp(a->ack[i].id, id))
            return a->ack[i].icn;
    return "";
}

static void expect_line(const rline *l, int64_t paid, int64_t allowed, const char *cas0, const char *cas1,
                        const char *cas2)
{
    cr_assert_eq(l->paid, paid, "%s: paid %lld, expected %lld", l->code, (long long)l->paid, (long long)paid);
    if (allowed >= 0) {
        cr_assert(l->has_allowed, "%s: no AMT*B6", l->code);
        cr_assert_eq(l->allowed, allowed, "%s: allowed %lld", l->code, (long long)l->allowed);
    } else {
        cr_assert(!l->has_allowed, "%s: a denied line has no AMT*B6", l->code);
    }
    const char *want[3] = { cas0, cas1, cas2 };
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (want[i]) {
            cr_assert_lt(n, l->n_cas, "%s: no adjustment %s", l->code, want[i]);
            cr_assert_str_eq(l->cas[n], want[i], "%s: adjustment %d", l->code, n);
            n++;
        }
    cr_assert_eq(l->n_cas, n, "%s: %d adjustments, expected %d", l->code, l->n_cas, n);
}

/* ---- payments ---- */

Test(paysim, paid_claims_with_contractual_and_patient_shares)
{
    env e;
    env_open(&e, NULL);
    tclaim claims[] = {
        /* 99213 150.00, allowed 92.50: CO-45 57.50, PR-2 20% = 18.50, paid 74.00 */
        { .id = "A1", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        /* no table amount: 50% of 100.05 = 50.025 -> 50.03; PR-2 10.006 -> 10.01; paid 40.02 */
        { .id = "A2", .payer = "P1", .member = "M1", .lines = { { "99215", NULL, 10005, 0, NULL, NULL, NULL } } },
        /* the modifier's price, the plain price; 2 units of 3.00; a charge under the price */
        { .id = "A3", .payer = "P1", .member = "M1",
          .lines = { { "20610", "RT", 10000, 0, NULL, NULL, NULL }, { "20610", "LT", 10000, 0, NULL, NULL, NULL },
                     { "36415", NULL, 1000, 2000, "2026-10-06", NULL, NULL }, { "99213", NULL, 8000, 0, "2026-10-07", NULL, NULL } } },
        /* the deductible (50.00) first: PR-1 50, PR-2 20% of 42.50 = 8.50, paid 34.00 */
        { .id = "A4", .payer = "P1", .member = "DED1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        /* the same member again: the deductible is met */
        { .id = "A5", .payer = "P1", .member = "DED1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        /* P2: 80%, copay 25.00 once per visit on the first 99213/99214 line */
        { .id = "B1", .payer = "P2", .member = "1234A",
          .lines = { { "36415", NULL, 2000, 0, NULL, NULL, NULL }, { "99213", NULL, 10000, 0, NULL, NULL, NULL },
                     { "99214", NULL, 10000, 0, NULL, NULL, NULL } } },
    };
    char *p = write_837(&e, "batch1.837", claims, 6, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    cr_assert_eq(rep.sets, 1);
    cr_assert_eq(rep.sets_rejected, 0);
    cr_assert_eq(rep.claims, 6);
    cr_assert_eq(rep.claims_rejected, 0);
    cr_assert_eq(rep.paid, 6);
    cr_assert_eq(rep.denied + rep.partial + rep.reversed, 0);
    cr_assert_eq(a.set_status[0], 'A');
    cr_assert_eq(a.group_status, 'A');
    for (int i = 0; i < a.n_ack; i++)
        cr_assert_str_eq(a.ack[i].stc, "A2:20:PR", "%s", a.ack[i].id);

    const rclaim *c = claim_of(&a, "A1", "1");
    cr_assert_not_null(c);
    cr_assert_eq(c->charge, 15000);
    cr_assert_eq(c->paid, 7400);
    cr_assert_eq(c->pr, 1850);
    cr_assert_str_eq(c->icn, icn_of(&a, "A1"));
    cr_assert_str_eq(c->icn, "2026306000001"); /* prefix 20, 2026 day 306, the payer's first */
    expect_line(&c->l[0], 7400, 9250, "CO-45=5750", "PR-2=1850", NULL);

    c = claim_of(&a, "A2", "1");
    expect_line(&c->l[0], 4002, 5003, "CO-45=5002", "PR-2=1001", NULL);

    c = claim_of(&a, "A3", "1");
    cr_assert_eq(c->n, 4);
    expect_line(&c->l[0], 4960, 6200, "CO-45=3800", "PR-2=1240", NULL);
    expect_line(&c->l[1], 5600, 7000, "CO-45=3000", "PR-2=1400", NULL);
    expect_line(&c->l[2], 480, 600, "CO-45=400", "PR-2=120", NULL);
    cr_assert_eq(c->l[2].units, 2000);
    expect_line(&c->l[3], 6400, 8000, "PR-2=1600", NULL, NULL);
    cr_assert_eq(c->paid, 4960 + 5600 + 480 + 6400);

    c = claim_of(&a, "A4", "1");
    expect_line(&c->l[0], 3400, 9250, "CO-45=5750", "PR-1=5000", "PR-2=850");
    cr_assert_eq(c->pr, 5850);
    c = claim_of(&a, "A5", "1");
    expect_line(&c->l[0], 7400, 9250, "CO-45=5750", "PR-2=1850", NULL);

    c = claim_of(&a, "B1", "1");
    expect_line(&c->l[0], 1600, 1600, "CO-45=400", NULL, NULL);
    expect_line(&c->l[1], 5500, 8000, "CO-45=2000", "PR-3=2500", NULL);
    expect_line(&c->l[2], 8000, 8000, "CO-45=2000", NULL, NULL);
    cr_assert_eq(c->pr, 2500);

    /* one 835 set per payer; BPR02 = the payments */
    cr_assert_eq(a.n_remits, 2);
    cr_assert_eq(a.bpr[0], 7400 + 4002 + 17440 + 3400 + 7400);
    cr_assert_eq(a.bpr[1], 1600 + 5500 + 8000);
    cr_assert_eq(rep.paid_cents, a.bpr[0] + a.bpr[1]);
    free(p);
    env_close(&e);
}

/* ---- denials: each rule, and the same claim without what triggers it ---- */

typedef struct deny_case {
    const char *name;
    tclaim claim;
    const char *want[6];            /* per line: "CO-26" and the remark, "" paid */
} deny_case;

Test(paysim, each_denial_rule_fires_and_stays_quiet)
{
    static const deny_case cases[] = {
        { "before coverage", { .id = "D1", .payer = "P1", .member = "M3", .lines = { { "99213", NULL, 15000, 0, "2026-09-15", NULL, NULL } } },
          { "CO-26" } },
        { "coverage started", { .id = "D2", .payer = "P1", .member = "M3", .lines = { { "99213", NULL, 15000, 0, "2026-10-01", NULL, NULL } } },
          { "" } },
        { "after coverage", { .id = "D3", .payer = "P1", .member = "M2", .lines = { { "99213", NULL, 15000, 0, "2026-10-05", NULL, NULL } } },
          { "CO-27" } },
        { "coverage last day", { .id = "D4", .payer = "P1", .member = "M2", .lines = { { "99213", NULL, 15000, 0, "2026-09-30", NULL, NULL } } },
          { "" } },
        { "late filing", { .id = "D5", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, "2026-08-03", NULL, NULL },
                                                                                   { "99213", NULL, 15000, 0, "2026-08-04", NULL, NULL } } },
          { "CO-29", "" } }, /* 91 days before the run: late; 90: in time */
        { "never covered", { .id = "D6", .payer = "P1", .member = "M1", .lines = { { "99999", NULL, 5000, 0, NULL, NULL, NULL },
                                                                                    { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
          { "CO-96 N130", "" } },
        { "no authorization", { .id = "D7", .payer = "P1", .member = "M1", .lines = { { "70551", NULL, 90000, 0, NULL, NULL, NULL } } },
          { "CO-197 M62" } },
        { "claim authorization", { .id = "D8", .payer = "P1", .member = "M1", .auth = "PA77",
                                   .lines = { { "70551", NULL, 90000, 0, NULL, NULL, NULL } } },
          { "" } },
        { "line authorization", { .id = "D9", .payer = "P1", .member = "M1",
                                  .lines = { { "70552", NULL, 90000, 0, NULL, NULL, "PA78" }, { "70552", NULL, 90000, 0, "2026-10-06", NULL, NULL } } },
          { "", "CO-197 M62" } },
        { "units over the limit", { .id = "D10", .payer = "P1", .member = "M1",
                                    .lines = { { "97110", NULL, 20000, 5000, NULL, NULL, NULL }, { "97110", NULL, 16000, 4000, "2026-10-06", NULL, NULL } } },
          { "CO-151 N362", "" } },
        { "diagnosis not covered", { .id = "D11", .payer = "P1", .member = "M1", .dx = "\"I10\",\"E119\",\"R739\"",
                                     .lines = { { "82947", NULL, 2000, 0, NULL, "1", NULL }, { "82947", NULL, 2000, 0, "2026-10-06", "1,2", NULL },
                                                { "82947", NULL, 2000, 0, "2026-10-07", "3", NULL } } },
          { "CO-50 N115", "", "" } },
        { "bundled pair", { .id = "D12", .payer = "P1", .member = "M1",
                            .lines = { { "99214", NULL, 20000, 0, NULL, NULL, NULL }, { "36415", NULL, 1000, 0, NULL, NULL, NULL },
                                       { "36415", "59", 1000, 0, NULL, NULL, NULL }, { "36415", "XU", 1000, 0, NULL, NULL, NULL },
                                       { "36415", NULL, 1000, 0, "2026-10-06", NULL, NULL } } },
          { "", "CO-97 M15", "", "", "" } },
    };
    size_t n = sizeof(cases) / sizeof(cases[0]);
    env e;
    env_open(&e, NULL);
    tclaim claims[16];
    for (size_t i = 0; i < n; i++)
        claims[i] = cases[i].claim;
    char *p = write_837(&e, "denials.837", claims, (int)n, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    long denied = 0, partial = 0;
    for (size_t i = 0; i < n; i++) {
        const deny_case *k = &cases[i];
        const rclaim *c = claim_of(&a, k->claim.id, NULL);
        cr_assert_not_null(c, "%s: not in the 835", k->name);
        int lines_denied = 0, lines = 0;
        for (int j = 0; j < 6 && k->claim.lines[j].code; j++, lines++) {
            const rline *l = &c->l[j];
            char got[32] = "";
            if (!l->has_allowed) {
                cr_assert_eq(l->n_cas, 1, "%s line %d", k->name, j + 1);
                char grp[16];
                snprintf(grp, sizeof(grp), "%s", l->cas[0]);
                *strchr(grp, '=') = '\0';
                snprintf(got, sizeof(got), "%s%s%s", grp, l->remark[0] ? " " : "", l->remark);
                cr_assert_eq(l->paid, 0, "%s line %d", k->name, j + 1);
                char amount[24];
                snprintf(amount, sizeof(amount), "=%lld", (long long)l->charge);
                cr_assert(strstr(l->cas[0], amount), "%s line %d: the whole charge (%s)", k->name, j + 1, l->cas[0]);
                lines_denied++;
            } else {
                cr_assert_gt(l->paid, 0, "%s line %d", k->name, j + 1);
                cr_assert_str_eq(l->remark, "", "%s line %d", k->name, j + 1);
            }
            cr_assert_str_eq(got, k->want[j], "%s line %d", k->name, j + 1);
        }
        if (lines_denied == lines) {
            cr_assert_str_eq(c->status, "4", "%s: every line denied", k->name);
            cr_assert_eq(c->paid, 0);
            denied++;
        } else {
            cr_assert_str_eq(c->status, "1", "%s", k->name);
            partial += lines_denied > 0;
        }
    }
    cr_assert_eq(rep.denied, denied);
    cr_assert_eq(rep.partial, partial);
    cr_assert_eq(rep.paid, (long)n - denied - partial);
    cr_assert_eq(denied, 3);
    cr_assert_eq(partial, 6);
    free(p);
    env_close(&e);
}

/* ---- 277CA rejections, 999 rejection ---- */

Test(paysim, claim_acknowledgment_rejections_stay_out_of_the_835)
{
    env e;
    env_open(&e, NULL);
    tclaim claims[] = {
        { .id = "R1", .payer = "P2", .member = "1234A", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "R2", .payer = "P2", .member = "12X4A", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "R3", .payer = "P2", .member = "9999B", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "R4", .payer = "P9", .member = "M1", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "R5", .payer = "P1", .member = "M1", .freq = '7', .orig = "2026306999999",
          .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "R6", .payer = "P1", .member = "M1", .freq = '7', .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
    };
    char *p = write_837(&e, "rejects.837", claims, 6, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    cr_assert_eq(rep.claims, 6);
    cr_assert_eq(rep.claims_rejected, 5);
    cr_assert_str_eq(stc_of(&a, "R1"), "A2:20:PR");
    cr_assert_str_eq(stc_of(&a, "R2"), "A7:164:IL");  /* the member id has the wrong shape */
    cr_assert_str_eq(stc_of(&a, "R3"), "A3:33:IL");   /* not a member of P2 */
    cr_assert_str_eq(stc_of(&a, "R4"), "A3:116:PR");  /* no such payer */
    cr_assert_str_eq(stc_of(&a, "R5"), "A7:21");      /* replaces an ICN the payer does not know */
    cr_assert_str_eq(stc_of(&a, "R6"), "A7:21");      /* replaces without REF*F8 */
    for (int i = 0; i < a.n_ack; i++) {
        int ok = !strcmp(a.ack[i].id, "R1");
        cr_assert_eq(a.ack[i].accepted, ok, "%s", a.ack[i].id);
        cr_assert_eq(a.ack[i].rejected, !ok, "%s", a.ack[i].id);
        cr_assert_eq(a.ack[i].icn[0] != 0, ok, "%s: only accepted claims get an ICN", a.ack[i].id);
    }
    cr_assert_eq(a.n_claims, 1);
    cr_assert_str_eq(a.c[0].id, "R1");
    free(p);
    env_close(&e);
}

/*
 * A claim whose subscriber has no member id (2010BA NM109 cut out of the
 * 837): the 277CA and the 835 still name the patient with an id (2100D
 * NM109 and the 835's NM1*IL are required): the claim's own id, the only
 * other identifier it carries. A claim with its member id keeps it.
 */
Test(paysim, a_claim_without_member_id_is_still_acknowledged_validly)
{
    env e;
    env_open(&e, NULL);
    tclaim claims[] = {
        { .id = "NOID1", .payer = "P1", .member = "M9", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        { .id = "WITHID", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p = write_837(&e, "noid.837", claims, 2, 1, NULL, NULL);
    size_t len;
    char *text = x12rt_slurp(p, &len);
    const char *cut = "*MI*M9~";
    char *at = strstr(text, cut);
    cr_assert_not_null(at);
    memmove(at, at + 6, strlen(at + 6) + 1); /* NM1*IL*1*HARTMAN*LAURA~ */
    FILE *f = fopen(p, "wb");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    free(text);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a); /* every answer passes the guides */
    cr_assert_eq(rep.sets_rejected, 0);
    cr_assert_eq(rep.claims, 2);
    text = x12rt_slurp(rep.ack277_path, &len);
    cr_assert(strstr(text, "NM1*QC*1*HARTMAN*LAURA****MI*NOID1~TRN*2*NOID1~"), "%s", text);
    cr_assert(strstr(text, "NM1*QC*1*HARTMAN*LAURA****MI*M1~TRN*2*WITHID~"), "%s", text);
    free(text);
    text = x12rt_slurp(rep.era_path, &len);
    cr_assert(strstr(text, "NM1*QC*1*HARTMAN*LAURA****MI*NOID1~"), "%s", text);
    free(text);
    free(p);
    env_close(&e);
}

Test(paysim, a_set_with_syntax_errors_is_rejected_in_the_999)
{
    env e;
    env_open(&e, NULL);
    tclaim claims[] = {
        { .id = "S1", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        { .id = "S2", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        { .id = "S3", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    /* one set per claim; the second claim's charge is not a number */
    char *p = write_837(&e, "syntax.837", claims, 3, 1, "CLM*S2*150*", "CLM*S2*1X0*");
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    cr_assert_eq(rep.sets, 3);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(a.n_sets, 3);
    cr_assert_eq(a.set_status[0], 'A');
    cr_assert_eq(a.set_status[1], 'R');
    cr_assert_eq(a.set_status[2], 'A');
    cr_assert_eq(a.set_ik3[1], 1);
    cr_assert_str_eq(a.ik3_seg, "CLM");
    cr_assert_eq(a.ik4_pos, 2);
    cr_assert_str_eq(a.ik4_code, "6");
    cr_assert_eq(a.group_status, 'P');
    /* the rejected set's claim went no further */
    cr_assert_eq(rep.claims, 2);
    cr_assert_null(stc_of(&a, "S2"));
    cr_assert_null(claim_of(&a, "S2", NULL));
    cr_assert_not_null(claim_of(&a, "S3", "1"));
    free(p);
    env_close(&e);
}

/* ---- replacements, voids ---- */

Test(paysim, replacement_reverses_the_original_exactly_then_pays_again)
{
    env e;
    env_open(&e, NULL);
    tclaim first[] = {
        { .id = "C1", .payer = "P1", .member = "DED1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL },
                                                                  { "36415", NULL, 1000, 0, NULL, NULL, NULL } } },
        { .id = "C2", .payer = "P1", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p1 = write_837(&e, "first.837", first, 2, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p1, "2026-11-02", &rep, &a);
    const rclaim *o = claim_of(&a, "C1", "1");
    cr_assert_not_null(o);
    rclaim orig = *o;
    char icn1[51], icn2[51];
    snprintf(icn1, sizeof(icn1), "%s", orig.icn);
    snprintf(icn2, sizeof(icn2), "%s", claim_of(&a, "C2", "1")->icn);
    /* deductible 50.00 on the 99213: paid 34.00; 36415 3.00, PR-2 0.60, paid 2.40 */
    expect_line(&orig.l[0], 3400, 9250, "CO-45=5750", "PR-1=5000", "PR-2=850");
    expect_line(&orig.l[1], 240, 300, "CO-45=700", "PR-2=60", NULL);

    /* the corrected claim: 20610-RT in place of the 99213; and a void of C2 */
    tclaim second[] = {
        { .id = "C1", .payer = "P1", .member = "DED1", .freq = '7', .orig = icn1,
          .lines = { { "20610", "RT", 10000, 0, NULL, NULL, NULL }, { "36415", NULL, 1000, 0, NULL, NULL, NULL } } },
        { .id = "C2", .payer = "P1", .member = "M1", .freq = '8', .orig = icn2,
          .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p2 = write_837(&e, "second.837", second, 2, 0, NULL, NULL);
    run(&e, p2, "2026-11-09", &rep, &a);
    cr_assert_eq(rep.reversed, 2);
    cr_assert_eq(rep.paid, 1);
    const rclaim *rev = claim_of(&a, "C1", "22");
    cr_assert_not_null(rev);
    cr_assert_str_eq(rev->icn, icn1);
    cr_assert_eq(rev->charge, -orig.charge);
    cr_assert_eq(rev->paid, -orig.paid);
    cr_assert_eq(rev->pr, -orig.pr);
    cr_assert_eq(rev->n, orig.n);
    for (int i = 0; i < orig.n; i++) {
        cr_assert_str_eq(rev->l[i].code, orig.l[i].code);
        cr_assert_eq(rev->l[i].charge, -orig.l[i].charge);
        cr_assert_eq(rev->l[i].paid, -orig.l[i].paid);
        cr_assert_eq(rev->l[i].allowed, -orig.l[i].allowed);
        cr_assert_eq(rev->l[i].n_cas, orig.l[i].n_cas);
        for (int j = 0; j < orig.l[i].n_cas; j++) {
            char want[16];
            const char *eq = strchr(orig.l[i].cas[j], '=');
            snprintf(want, sizeof(want), "%.*s=-%s", (int)(eq - orig.l[i].cas[j]), orig.l[i].cas[j], eq + 1);
            cr_assert_str_eq(rev->l[i].cas[j], want);
        }
    }
    /* the reversal comes first, then the new adjudication with a new ICN and the deductible taken again */
    cr_assert(rev < claim_of(&a, "C1", "1"));
    const rclaim *c = claim_of(&a, "C1", "1");
    cr_assert_str_neq(c->icn, icn1);
    cr_assert_str_eq(c->icn, icn_of(&a, "C1"));
    cr_assert_str_eq(c->freq, "7");
    expect_line(&c->l[0], 960, 6200, "CO-45=3800", "PR-1=5000", "PR-2=240");
    expect_line(&c->l[1], 240, 300, "CO-45=700", "PR-2=60", NULL);
    /* the void: the reversal only */
    const rclaim *v = claim_of(&a, "C2", "22");
    cr_assert_not_null(v);
    cr_assert_eq(v->paid, -7400);
    cr_assert_null(claim_of(&a, "C2", "1"));
    /* -36.40 + 9.60 + 2.40 - 74.00: more taken back than paid, a debit (BPR03 D) of 98.40 */
    cr_assert_eq(a.bpr[0], -9840);
    cr_assert_eq(rep.paid_cents, -9840);

    /* the old ICN is spent: replacing it again is rejected; the new one is accepted */
    tclaim third[] = {
        { .id = "C1", .payer = "P1", .member = "DED1", .freq = '7', .orig = icn1,
          .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p3 = write_837(&e, "third.837", third, 1, 0, NULL, NULL);
    run(&e, p3, "2026-11-16", &rep, &a);
    cr_assert_str_eq(stc_of(&a, "C1"), "A7:21");
    cr_assert_eq(rep.era_path[0], 0);
    free(p1);
    free(p2);
    free(p3);
    env_close(&e);
}

/* ---- provider-level adjustments ---- */

Test(paysim, plb_applied_once_and_deferred_when_it_does_not_fit)
{
    env e;
    env_open(&e, NULL);
    tclaim claims[] = {
        { .id = "L1", .payer = "P3", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p = write_837(&e, "plb.837", claims, 1, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    /* paid 74.00; L6 interest -4.27 adds, WO 25.00 recovers; the 500.00 recovery waits */
    cr_assert_eq(a.n_plb, 2);
    cr_assert_str_eq(a.plb[0], "L6:=-427");
    cr_assert_str_eq(a.plb[1], "WO:1026100000007=2500");
    cr_assert_eq(a.bpr[0], 7400 + 427 - 2500);
    cr_assert_eq(rep.plb_cents, -427 + 2500);
    cr_assert_eq(rep.paid_cents, 7400 + 427 - 2500);
    /* the same claim again: nothing applied twice */
    run(&e, p, NULL, &rep, &a);
    cr_assert_eq(a.n_plb, 0);
    cr_assert_eq(a.bpr[0], 7400);
    free(p);
    env_close(&e);
}

/* ---- secondary claims ---- */

Test(paysim, secondary_pays_what_the_patient_still_owes)
{
    env e;
    env_open(&e, NULL);
    static const char other[] =
        "[{\"seq\":\"P\",\"rel\":\"18\",\"filing\":\"CI\",\"cas\":[{\"group\":\"CO\",\"reason\":\"45\",\"amount_cents\":5750},"
        "{\"group\":\"PR\",\"reason\":\"2\",\"amount_cents\":1850}],\"paid_cents\":7400,\"benefits\":\"Y\",\"release\":\"Y\","
        "\"subscriber\":{\"entity\":\"IL\",\"type\":\"1\",\"last\":\"HARTMAN\",\"first\":\"LAURA\",\"id_qual\":\"MI\",\"id\":\"M1\"},"
        "\"payer\":{\"entity\":\"PR\",\"type\":\"2\",\"last\":\"TEST HEALTH PLAN\",\"id_qual\":\"PI\",\"id\":\"P1\"},"
        "\"adjudicated\":\"2026-10-25\"}]";
    static const char adj[] =
        "[{\"payer_id\":\"P1\",\"paid_cents\":7400,\"qual\":\"HC\",\"code\":\"99213\",\"units_milli\":1000,"
        "\"adjudicated\":\"2026-10-25\",\"cas\":[{\"group\":\"CO\",\"reason\":\"45\",\"amount_cents\":5750},"
        "{\"group\":\"PR\",\"reason\":\"2\",\"amount_cents\":1850}]}]";
    tclaim claims[] = {
        { .id = "S1", .payer = "P4", .member = "M1", .seq = 'S', .other = other, .adj = adj,
          .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
    };
    char *p = write_837(&e, "secondary.837", claims, 1, 0, NULL, NULL);
    rcm_paysim_report rep;
    answers a;
    run(&e, p, NULL, &rep, &a);
    const rclaim *c = claim_of(&a, "S1", "2");
    cr_assert_not_null(c, "processed as secondary (CLP02 2)");
    /* P4 alone would pay 90.00 of 100.00; the patient owes 18.50 after P1: that is paid, OA-23 the rest */
    expect_line(&c->l[0], 1850, 10000, "OA-23=13150", NULL, NULL);
    cr_assert_eq(c->pr, 0);
    free(p);
    env_close(&e);
}

/* ---- determinism ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    cr_assert_eq(fread(s, 1, (size_t)n, f), (size_t)n);
    s[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return s;
}

Test(paysim, same_inputs_give_the_same_bytes)
{
    tclaim claims[] = {
        { .id = "X1", .payer = "P2", .member = "1234A", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
        { .id = "X2", .payer = "P1", .member = "DED1", .lines = { { "99214", NULL, 20000, 0, NULL, NULL, NULL },
                                                                  { "36415", NULL, 1000, 0, NULL, NULL, NULL } } },
        { .id = "X3", .payer = "P3", .member = "M1", .lines = { { "99213", NULL, 15000, 0, NULL, NULL, NULL } } },
        { .id = "X4", .payer = "P2", .member = "9999B", .lines = { { "99213", NULL, 10000, 0, NULL, NULL, NULL } } },
    };
    env e[2];
    char *out[2][4];
    size_t len[2][4];
    for (int k = 0; k < 2; k++) {
        env_open(&e[k], NULL);
        char *p = write_837(&e[k], "same.837", claims, 4, 0, NULL, NULL);
        rcm_paysim_report rep;
        answers a;
        run(&e[k], p, NULL, &rep, &a);
        const char *paths[4] = { rep.ack999_path, rep.ack277_path, rep.era_path, e[k].state };
        for (int i = 0; i < 4; i++)
            out[k][i] = slurp(paths[i], &len[k][i]);
        free(p);
    }
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(len[0][i], len[1][i], "file %d", i);
        cr_assert_eq(memcmp(out[0][i], out[1][i], len[0][i]), 0, "file %d differs", i);
        free(out[0][i]);
        free(out[1][i]);
    }
    /* payers in the order of their ids */
    size_t n;
    char *era = NULL;
    {
        rcm_paysim_report rep;
        answers a;
        char *p = write_837(&e[0], "again.837", claims, 4, 0, NULL, NULL);
        run(&e[0], p, NULL, &rep, &a);
        era = slurp(rep.era_path, &n);
        free(p);
    }
    char *p1 = strstr(era, "N1*PR*TEST HEALTH PLAN"), *p2 = strstr(era, "N1*PR*PAYER P2"), *p3 = strstr(era, "N1*PR*PAYER P3");
    cr_assert(p1 && p2 && p3 && p1 < p2 && p2 < p3);
    free(era);
    env_close(&e[0]);
    env_close(&e[1]);
}

/* ---- configuration errors ---- */

Test(paysim, configuration_errors_name_the_line)
{
    static const struct {
        const char *text, *msg;
        long line;
    } cases[] = {
        { "payer P1\n  allowed 99213 92.505\n", "'allowed': '92.505' is not an amount", 2 },
        { "payer P1\n  coinsurance 120\n", "'coinsurance': '120' is not a percentage", 2 },
        { "payer P1\n  member M1 2026-13-01\n", "'member': '2026-13-01' is not a date", 2 },
        { "payer P1\n  colour blue\n", "unknown clause 'colour'", 2 },
        { "  name X\npayer P1\n", "before the first 'payer' line", 1 },
        { "payer P1\n  name A\n  name B\n", "'name' is given twice", 3 },
        { "payer P1\npayer P1\n", "'payer P1' is given twice", 2 },
        { "payer P1\n  deny 99999\n", "carc=N is required", 2 },
        { "payer P1\n  bundle 99214 36415 remrak=M15\n", "unknown option 'remrak='", 2 },
        { "payer P1\n  plb ZZ 4.00\n", "'ZZ' is not a provider adjustment reason", 2 },
        { "payer P1\n  allowed 99213 1\n  allowed 99213 2\n", "'allowed' is given twice for 99213", 0 },
        { "# nothing\n", "no payer", 0 },
        { "payer P1\n  address PO BOX 1 | NASHVILLE\n", "'address': expected", 2 },
        { "payer P1\n  address PO BOX 1 | X | TN | 37202\n", "the city needs 2 characters at least", 2 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        env e;
        env_open(&e, cases[i].text);
        rcm_paysim *ps = NULL;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        cr_assert_eq(rcm_paysim_new(&ps, e.conf, e.state, &err), RCM_EFORMAT, "case %zu", i);
        cr_assert_null(ps);
        cr_assert(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
        if (cases[i].line)
            cr_assert_eq(err.line, cases[i].line, "case %zu: line %ld", i, err.line);
        env_close(&e);
    }
    /* a state file that is not one */
    env e;
    env_open(&e, NULL);
    FILE *f = fopen(e.state, "w");
    fputs("{\"version\": 2}", f);
    fclose(f);
    rcm_paysim *ps = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_paysim_new(&ps, e.conf, e.state, &err), RCM_EFORMAT);
    cr_assert(strstr(err.msg, "not a paysim state file"), "%s", err.msg);
    /* not an 837 */
    cr_assert_eq(unlink(e.state), 0);
    cr_assert_eq(rcm_paysim_new(&ps, e.conf, e.state, &err), 0, "%s", err.msg);
    rcm_paysim_report rep;
    cr_assert_eq(rcm_paysim_run(ps, "tests/data/x12/rcm/reversal-denial-plb.835", e.out, rcm_date_from_ymd(2026, 11, 2),
                                &rep, &err), RCM_EFORMAT);
    cr_assert(strstr(err.msg, "not an 837"), "%s", err.msg);
    cr_assert_eq(rcm_paysim_run(ps, "no-such.837", e.out, rcm_date_from_ymd(2026, 11, 2), &rep, &err), RCM_EIO);
    rcm_paysim_free(ps);
    env_close(&e);
}
