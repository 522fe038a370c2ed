/*
 * The acknowledgment builder (rcm_x12_ack_build) and the TA1 writer: small
 * in-memory interchanges with one fault each are acknowledged, and what is
 * written is read back through rcm's own 999 and TA1 readers with the 999
 * guide (the codes put in come back out, with no problem in the
 * acknowledgment itself). Envelope
 * cases run with the walker alone (guides NULL), so they do not depend on
 * the guide tables; the guide cases load the built-in guides.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/guide.h"
#include "rcm/x12ack.h"

/* ---- building inputs ---- */

static const char isa_fmt[] =
    "ISA*00*          *00*          *ZZ*CLINIC01       *ZZ*PAYER01        *261120*0900*^*00501*%09u*%c*P*:~\n";

/* One 837P set body (ST..SE excluded) that the 005010X222A1 guide accepts. */
static const char body837[] =
    "BHT*0019*00*B1*20261120*0900*CH~\n"
    "NM1*41*2*RIVERSIDE BILLING*****46*RBS0001~\n"
    "PER*IC*MARIA LOPEZ*TE*6155550100~\n"
    "NM1*40*2*CLEARHOUSE EDI*****46*CLRHS01~\n"
    "HL*1**20*1~\n"
    "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893~\n"
    "N3*1200 RIVER ROAD~\n"
    "N4*NASHVILLE*TN*372031234~\n"
    "REF*EI*621234567~\n"
    "HL*2*1*22*0~\n"
    "SBR*P*18*******CI~\n"
    "NM1*IL*1*HARTMAN*LAURA****MI*BRH778812301~\n"
    "N3*45 OAK LANE~\n"
    "N4*FRANKLIN*TN*37064~\n"
    "DMG*D8*19790614*F~\n"
    "NM1*PR*2*BLUE RIVER HEALTH PLAN*****PI*BRHP1~\n"
    "CLM*A1*100***11:B:1*Y*A*Y*Y~\n"
    "HI*ABK:J0190~\n"
    "LX*1~\n"
    "SV1*HC:99213*100*UN*1***1~\n"
    "DTP*472*D8*20261101~\n";

static int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

/* A set: ST, body, SE with the right count plus se_off. */
static void add_set(rcm_buf *b, const char *control, const char *body, int se_off)
{
    rcm_buf_addf(b, "ST*837*%s*005010X222A1~\n%sSE*%d*%s~\n", control, body, count_lines(body) + 2 + se_off,
                 control);
}

static void add_gs(rcm_buf *b, unsigned control)
{
    rcm_buf_addf(b, "GS*HC*CLINIC01*PAYER01*20261120*0900*%u*X*005010X222A1~\n", control);
}

/* ---- acknowledging and reading back ---- */

typedef struct ik3 {
    char seg_id[4], loop[5], code[4];
    long position;
    int n_el;
    char el_code[4][4];
    int el_pos[4];
    char el_value[4][100];
    char ctx[80];
} ik3;

typedef struct akset {
    char st_control[10], status, codes[5][4];
    int n_ik3;
    ik3 ik3[8];
} akset;

typedef struct got {
    rcm_buf out;
    rcm_x12_ack_stats st;
    int rc;
    rcm_error err;
    /* read back */
    int n999, n_ta1, n_sets;
    akset sets[16];
    char group_status[4];
    char group_codes[5][4];
    long included, received, accepted;
    char ta1_status, ta1_note[4], ta1_control[10];
    long problems;
    char first_problem[256];
} got;

static int sink(void *ctx, const char *p, size_t n)
{
    return rcm_buf_add(ctx, p, n) < 0 ? RCM_EIO : 0;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    got *g = ctx;
    if (!g->problems++) {
        rcm_buf t;
        rcm_buf_init(&t, 4096);
        rcm_x12_problem_format(p, &t);
        snprintf(g->first_problem, sizeof(g->first_problem), "%s", t.ptr);
        rcm_buf_release(&t);
    }
    return 0;
}

static int on_999(void *ctx, const rcm_ack999 *a)
{
    got *g = ctx;
    g->n999++;
    g->group_status[0] = a->group_status;
    memcpy(g->group_codes, a->group_codes, sizeof(g->group_codes));
    g->included = a->included;
    g->received = a->received;
    g->accepted = a->accepted;
    for (uint32_t i = 0; i < a->n_sets && g->n_sets < 16; i++) {
        const rcm_ack_set *s = &a->sets[i];
        akset *k = &g->sets[g->n_sets++];
        memset(k, 0, sizeof(*k));
        snprintf(k->st_control, sizeof(k->st_control), "%s", s->st_control);
        k->status = s->status;
        memcpy(k->codes, s->codes, sizeof(k->codes));
        for (uint32_t j = 0; j < s->n_segments && k->n_ik3 < 8; j++) {
            const rcm_ack_segment_error *e = &s->segments[j];
            ik3 *x = &k->ik3[k->n_ik3++];
            snprintf(x->seg_id, sizeof(x->seg_id), "%s", e->seg_id);
            snprintf(x->loop, sizeof(x->loop), "%s", e->loop);
            snprintf(x->code, sizeof(x->code), "%s", e->code);
            x->position = e->position;
            if (e->claim_id[0])
                snprintf(x->ctx, sizeof(x->ctx), "CLM01:%s", e->claim_id);
            for (uint32_t c = 0; c < e->n_contexts && !x->ctx[0]; c++)
                snprintf(x->ctx, sizeof(x->ctx), "%s:%s", e->contexts[c].name, e->contexts[c].ref);
            for (uint32_t m = 0; m < e->n_elements && x->n_el < 4; m++) {
                snprintf(x->el_code[x->n_el], 4, "%s", e->elements[m].code);
                snprintf(x->el_value[x->n_el], 100, "%s", e->elements[m].value);
                x->el_pos[x->n_el++] = e->elements[m].position;
            }
        }
    }
    return 0;
}

static int on_ta1(void *ctx, const rcm_ta1 *t)
{
    got *g = ctx;
    g->n_ta1++;
    g->ta1_status = t->status;
    snprintf(g->ta1_note, sizeof(g->ta1_note), "%s", t->note);
    snprintf(g->ta1_control, sizeof(g->ta1_control), "%s", t->control);
    return 0;
}

static void opts_for(rcm_x12_ack_opts *o, got *g)
{
    rcm_x12_ack_opts_init(o);
    o->date = rcm_date_from_ymd(2026, 11, 27);
    memcpy(o->time, "0600", 5);
    o->write = sink;
    o->write_ctx = &g->out;
}

/* Acknowledges text with o (NULL: defaults) and guides, then reads the answer back. */
static void ack_with(got *g, const char *text, const rcm_x12_ack_opts *o, const rcm_guides *guides)
{
    memset(g, 0, sizeof(*g));
    rcm_buf_init(&g->out, RCM_MAX_DOCUMENT);
    rcm_x12_ack_opts local;
    if (!o) {
        opts_for(&local, g);
        o = &local;
    } else {
        ((rcm_x12_ack_opts *)o)->write_ctx = &g->out;
    }
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, text, strlen(text), "in", &g->err), 0, "%s", g->err.msg);
    g->rc = rcm_x12_ack_build(r, guides, o, &g->st, &g->err);
    rcm_x12_reader_free(r);
    if (g->rc < 0 || !g->out.len)
        return;
    /* read back through the 999 reader and rcm's own 999 guide (005010X231A1) */
    rcm_guides *g999 = NULL;
    cr_assert_eq(rcm_guides_builtin(&g999, &g->err), 0, "%s", g->err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.problem = on_problem;
    cb.ack999 = on_999;
    cb.ta1 = on_ta1;
    cb.guides = g999;
    cr_assert_eq(rcm_x12_open_mem(&r, g->out.ptr, g->out.len, "ack", &g->err), 0, "%s", g->err.msg);
    cr_assert_eq(rcm_x12_read(r, &cb, NULL, &g->err), 0, "%s", g->err.msg);
    rcm_x12_reader_free(r);
    rcm_guides_free(g999);
}

static void ack(got *g, const char *text)
{
    ack_with(g, text, NULL, NULL);
    cr_assert_eq(g->rc, 0, "%s", g->err.msg);
    /* the acknowledgment is itself clean X12 */
    cr_assert_eq(g->problems, 0, "the acknowledgment has a problem: %s\n%s", g->first_problem, g->out.ptr);
}

static void done(got *g, rcm_buf *in)
{
    rcm_buf_release(&g->out);
    if (in)
        rcm_buf_release(in);
}

/* One interchange of n sets; set k (1-based) gets se_off added to its SE01. */
static void build(rcm_buf *b, unsigned isa_control, char ack_requested, int n, int bad_set, int se_off)
{
    rcm_buf_addf(b, isa_fmt, isa_control, ack_requested);
    add_gs(b, 1);
    for (int i = 1; i <= n; i++) {
        char ctl[16];
        snprintf(ctl, sizeof(ctl), "%04d", i);
        add_set(b, ctl, body837, i == bad_set ? se_off : 0);
    }
    rcm_buf_addf(b, "GE*%d*1~\nIEA*1*%09u~\n", n, isa_control);
}

/* ---- envelope and set-level cases (walker only) ---- */

Test(x12_ack_build, clean_interchange_accepted_no_ta1)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 5, '0', 2, 0, 0);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n_ta1, 0, "no TA1 unless asked or needed");
    cr_assert_eq(g.n999, 1);
    cr_assert_eq(g.n_sets, 2);
    cr_assert_eq(g.sets[0].status, 'A');
    cr_assert_eq(g.sets[1].status, 'A');
    cr_assert_str_eq(g.sets[1].st_control, "0002");
    cr_assert_str_eq(g.group_status, "A");
    cr_assert_eq(g.received, 2);
    cr_assert_eq(g.accepted, 2);
    cr_assert_eq(g.st.sets_accepted, 2);
    cr_assert_eq(g.st.sets_rejected + g.st.sets_errors + g.st.ta1_rejected, 0);
    /* the answer goes back: sender and receiver swapped, our control number and date */
    cr_assert(strstr(g.out.ptr, "ISA*00*          *00*          *ZZ*PAYER01        *ZZ*CLINIC01       "
                                "*261127*0600*^*00501*000000001*0*P*:~") != NULL, "%s", g.out.ptr);
    cr_assert(strstr(g.out.ptr, "GS*FA*PAYER01*CLINIC01*20261127*0600*1*X*005010X231A1~") != NULL, "%s", g.out.ptr);
    cr_assert(strstr(g.out.ptr, "AK1*HC*1*005010X222A1~") != NULL);
    cr_assert(strstr(g.out.ptr, "AK2*837*0001*005010X222A1~IK5*A~") != NULL);
    cr_assert(strstr(g.out.ptr, "AK9*A*2*2*2~") != NULL);
    cr_assert(strstr(g.out.ptr, "GE*1*1~IEA*1*000000001~") != NULL);
    done(&g, &in);
}

Test(x12_ack_build, ack_requested_gives_ta1_accepted)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 42, '1', 1, 0, 0);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n_ta1, 1);
    cr_assert_eq(g.ta1_status, 'A');
    cr_assert_str_eq(g.ta1_note, "000");
    cr_assert_str_eq(g.ta1_control, "000000042");
    cr_assert_eq(g.n999, 1, "an accepted TA1 comes with the 999");
    cr_assert(strstr(g.out.ptr, "TA1*000000042*261120*0900*A*000~GS*FA") != NULL, "%s", g.out.ptr);
    done(&g, &in);
}

Test(x12_ack_build, se_count_off_rejects_that_set_only)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 1, '0', 3, 2, 1);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n_sets, 3);
    cr_assert_eq(g.sets[0].status, 'A');
    cr_assert_eq(g.sets[1].status, 'R');
    cr_assert_str_eq(g.sets[1].codes[0], "4", "IK502 4: segment count");
    cr_assert_eq(g.sets[2].status, 'A');
    cr_assert_str_eq(g.group_status, "P", "some sets rejected");
    cr_assert_eq(g.received, 3);
    cr_assert_eq(g.accepted, 2);
    cr_assert_str_eq(g.st.first_rejection, "IK5 4");
    done(&g, &in);
}

Test(x12_ack_build, all_sets_rejected_rejects_the_group)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 1, '0', 1, 1, -3);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.sets[0].status, 'R');
    cr_assert_str_eq(g.group_status, "R");
    cr_assert_eq(g.accepted, 0);
    done(&g, &in);
}

Test(x12_ack_build, bad_isa_rejected_by_ta1_without_999)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 9, '0', 2, 0, 0);
    char *d = strstr(in.ptr, "*261120*");
    memcpy(d + 1, "261340", 6); /* ISA09 month 13 */
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n_ta1, 1);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "014", "invalid interchange date");
    cr_assert_eq(g.n999, 0, "no 999 for a rejected interchange");
    cr_assert(strstr(g.out.ptr, "IEA*0*000000001~") != NULL, "%s", g.out.ptr);
    cr_assert(strstr(g.out.ptr, "GS*") == NULL);
    cr_assert_eq(g.st.ta1_rejected, 1);
    cr_assert_eq(g.st.sets_rejected, 2, "the sets of a rejected interchange count as rejected");
    cr_assert_eq(g.st.sets_accepted, 0);
    cr_assert_eq(g.st.groups, 0);
    cr_assert_str_eq(g.st.first_rejection, "TA1 014");
    done(&g, &in);
}

Test(x12_ack_build, iea_count_off_is_ta1_e_with_999)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 3, '0', 1, 0, 0);
    char *iea = strstr(in.ptr, "IEA*1*");
    iea[4] = '2';
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'E');
    cr_assert_str_eq(g.ta1_note, "021");
    cr_assert_eq(g.n999, 1);
    cr_assert_eq(g.sets[0].status, 'A');
    cr_assert_eq(g.st.ta1_errors, 1);
    done(&g, &in);
}

Test(x12_ack_build, iea_control_mismatch_rejects)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 3, '0', 1, 0, 0);
    char *iea = strstr(in.ptr, "IEA*1*000000003");
    iea[14] = '4';
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "001");
    cr_assert_eq(g.n999, 0);
    done(&g, &in);
}

Test(x12_ack_build, missing_iea_rejects)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 3, '0', 1, 0, 0);
    char *iea = strstr(in.ptr, "IEA*");
    *iea = '\0';
    in.len = (size_t)(iea - in.ptr);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "023");
    done(&g, &in);
}

Test(x12_ack_build, ge_count_and_control_off_are_noted_in_ak9)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 3, '0', 2, 0, 0);
    char *ge = strstr(in.ptr, "GE*2*1~");
    memcpy(ge, "GE*3*7~", 7);
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n999, 1);
    cr_assert_str_eq(g.group_status, "E", "noted: every set was acknowledged on its own");
    cr_assert_str_eq(g.group_codes[0], "5", "AK905 5: set count");
    cr_assert_str_eq(g.group_codes[1], "4", "AK906 4: control number");
    cr_assert_eq(g.sets[0].status, 'A', "the sets themselves stay accepted");
    cr_assert_eq(g.accepted, 2);
    cr_assert_eq(g.n_ta1, 0);
    done(&g, &in);
}

Test(x12_ack_build, missing_se_is_ik5_2)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    rcm_buf_addf(&in, isa_fmt, 1u, '0');
    add_gs(&in, 1);
    rcm_buf_addf(&in, "ST*837*0001*005010X222A1~\n%s", body837);
    add_set(&in, "0002", body837, 0);
    rcm_buf_adds(&in, "GE*2*1~\nIEA*1*000000001~\n");
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.n_sets, 2);
    cr_assert_eq(g.sets[0].status, 'R');
    cr_assert_str_eq(g.sets[0].codes[0], "2", "IK502 2: trailer missing");
    cr_assert_eq(g.sets[1].status, 'A');
    done(&g, &in);
}

Test(x12_ack_build, a_set_the_999_cannot_name_rejects_the_interchange)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    rcm_buf_addf(&in, isa_fmt, 1u, '0');
    add_gs(&in, 1);
    add_set(&in, "0001", body837, 0);
    add_set(&in, "12", body837, 0); /* ST02 too short for AK202 */
    rcm_buf_adds(&in, "GE*2*1~\nIEA*1*000000001~\n");
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "024");
    cr_assert_eq(g.n999, 0);
    done(&g, &in);
}

Test(x12_ack_build, a_group_the_999_cannot_name_rejects_the_interchange)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 1, '0', 1, 0, 0);
    char *gs = strstr(in.ptr, "*0900*1*X*");
    gs[6] = 'Q'; /* GS06 not a number: AK102 could not repeat it */
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "024");
    done(&g, &in);
}

Test(x12_ack_build, groups_and_interchanges_answered_one_by_one)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    for (unsigned i = 1; i <= 2; i++) {
        rcm_buf_addf(&in, isa_fmt, 100 + i, '0');
        for (unsigned k = 1; k <= 2; k++) {
            add_gs(&in, k);
            add_set(&in, "0001", body837, i == 2 && k == 2 ? 1 : 0);
            rcm_buf_addf(&in, "GE*1*%u~\n", k);
        }
        rcm_buf_addf(&in, "IEA*2*%09u~\n", 100 + i);
    }
    rcm_x12_ack_opts o;
    got g;
    opts_for(&o, &g);
    o.control = 7;
    ack_with(&g, in.ptr, &o, NULL);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    cr_assert_eq(g.n999, 4, "one 999 per input group");
    cr_assert_eq(g.st.interchanges, 2);
    cr_assert(strstr(g.out.ptr, "*000000007*0*P*:~") != NULL);
    cr_assert(strstr(g.out.ptr, "GE*2*7~IEA*1*000000007~") != NULL, "%s", g.out.ptr);
    cr_assert(strstr(g.out.ptr, "*000000008*0*P*:~") != NULL, "control numbers count up");
    cr_assert(strstr(g.out.ptr, "ST*999*0002*005010X231A1~AK1*HC*2*005010X222A1~") != NULL, "%s", g.out.ptr);
    cr_assert_eq(g.sets[3].status, 'R');
    cr_assert_eq(g.st.sets_accepted, 3);
    cr_assert_eq(g.st.sets_rejected, 1);
    cr_assert_eq(g.st.groups_rejected, 1);
    cr_assert_eq(g.st.groups_accepted, 3);
    done(&g, &in);
}

/* ---- IK3 / IK4: dedup, cap ---- */

Test(x12_ack_build, one_ik3_per_segment_with_its_ik4)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    rcm_buf_addf(&in, isa_fmt, 1u, '0');
    add_gs(&in, 1);
    /* a bad segment id (IK304 1) that also has more than 64 elements (IK403 3): one IK3 */
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    rcm_buf_adds(&b, body837);
    rcm_buf_adds(&b, "zz1");
    for (int i = 0; i < 70; i++)
        rcm_buf_adds(&b, "*X");
    rcm_buf_adds(&b, "~\n");
    add_set(&in, "0001", b.ptr, 0);
    rcm_buf_release(&b);
    rcm_buf_adds(&in, "GE*1*1~\nIEA*1*000000001~\n");
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.sets[0].status, 'R');
    cr_assert_str_eq(g.sets[0].codes[0], "5", "IK502 5: segments in error");
    cr_assert_eq(g.sets[0].n_ik3, 1, "%s", g.out.ptr);
    ik3 *x = &g.sets[0].ik3[0];
    cr_assert_str_eq(x->code, "1", "the segment-level code, not 8");
    cr_assert_eq(x->position, count_lines(body837) + 2);
    cr_assert_eq(x->n_el, 1);
    cr_assert_str_eq(x->el_code[0], "3");
    cr_assert_eq(x->el_pos[0], 65);
    cr_assert_eq(g.st.segment_errors, 1);
    cr_assert_eq(g.st.element_errors, 1);
    done(&g, &in);
}

Test(x12_ack_build, ik3_capped_per_set)
{
    rcm_buf in, b;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    rcm_buf_addf(&in, isa_fmt, 1u, '0');
    add_gs(&in, 1);
    rcm_buf_adds(&b, body837);
    for (int i = 0; i < 500; i++)
        rcm_buf_adds(&b, "z9*1~\n");
    add_set(&in, "0001", b.ptr, 0);
    add_set(&in, "0002", b.ptr, 0);
    rcm_buf_release(&b);
    rcm_buf_adds(&in, "GE*2*1~\nIEA*1*000000001~\n");
    rcm_x12_ack_opts o;
    got g;
    opts_for(&o, &g);
    o.max_segment_errors = 10;
    ack_with(&g, in.ptr, &o, NULL);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    cr_assert_eq(g.st.segment_errors, 20, "10 per set");
    cr_assert_eq(g.st.segment_errors_dropped, 980);
    cr_assert_eq(g.sets[1].status, 'R', "the cap does not change the verdict");
    done(&g, &in);
}

Test(x12_ack_build, spool_to_file_gives_the_same_bytes)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 1, '1', 300, 150, 2);
    got a, b;
    ack(&a, in.ptr);
    rcm_x12_ack_opts o;
    opts_for(&o, &b);
    o.spool_memory = 64; /* every set goes through the temporary file */
    ack_with(&b, in.ptr, &o, NULL);
    cr_assert_eq(b.rc, 0, "%s", b.err.msg);
    cr_assert_eq(a.out.len, b.out.len);
    cr_assert_eq(memcmp(a.out.ptr, b.out.ptr, a.out.len), 0);
    cr_assert_eq(a.st.sets, 300);
    cr_assert_eq(a.st.sets_rejected, 1);
    done(&a, &in);
    done(&b, NULL);
}

/* ---- values, options, output ---- */

Test(x12_ack_build, values_with_our_delimiters_are_cleaned)
{
    /* '|' separates elements: a '*' inside GS02 cannot go into a '*' output as it is */
    const char *text =
        "ISA|00|          |00|          |ZZ|CLINIC01       |ZZ|PAYER01        |261120|0900|^|00501|000000001|0|P|:~"
        "GS|HC|CLI*NIC|PAYER01|20261120|0900|1|X|005010X222A1~"
        "ST|837|0001|005010X222A1~BHT|0019|00|B1|20261120|0900|CH~SE|3|0001~"
        "GE|1|1~IEA|1|000000001~";
    got g;
    ack(&g, text);
    cr_assert(strstr(g.out.ptr, "GS*FA*PAYER01*CLI?NIC*") != NULL, "%s", g.out.ptr);
    done(&g, NULL);
}

Test(x12_ack_build, options_checked)
{
    got g;
    memset(&g, 0, sizeof(g));
    rcm_x12_ack_opts o;
    opts_for(&o, &g);
    o.date = RCM_DATE_NONE;
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    const char *text = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~IEA*0*000000001~";
    cr_assert_eq(rcm_x12_open_mem(&r, text, strlen(text), "in", &err), 0);
    cr_assert_eq(rcm_x12_ack_build(r, NULL, &o, NULL, &err), RCM_EINVAL);
    opts_for(&o, &g);
    o.write = NULL;
    cr_assert_eq(rcm_x12_ack_build(r, NULL, &o, NULL, &err), RCM_EINVAL);
    opts_for(&o, &g);
    o.delims.comp = '*';
    cr_assert_eq(rcm_x12_ack_build(r, NULL, &o, NULL, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "delimiters must differ") != NULL, "%s", err.msg);
    opts_for(&o, &g);
    o.control = 0;
    cr_assert_eq(rcm_x12_ack_build(r, NULL, &o, NULL, &err), RCM_EINVAL);
    rcm_x12_reader_free(r);
}

static int failing_sink(void *ctx, const char *p, size_t n)
{
    (void)ctx;
    (void)p;
    (void)n;
    return RCM_EIO;
}

Test(x12_ack_build, output_failure_is_returned)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 1, '0', 1, 0, 0);
    got g;
    rcm_x12_ack_opts o;
    opts_for(&o, &g);
    o.write = failing_sink;
    ack_with(&g, in.ptr, &o, NULL);
    cr_assert_eq(g.rc, RCM_EIO);
    done(&g, &in);
}

Test(x12_ack_build, nothing_to_acknowledge_writes_nothing)
{
    const char *text = "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~IEA*0*000000001~";
    got g;
    ack_with(&g, text, NULL, NULL);
    cr_assert_eq(g.rc, 0);
    cr_assert_eq(g.out.len, 0);
    cr_assert_eq(g.st.interchanges, 0);
    done(&g, NULL);
}

/* ---- the TA1 writer ---- */

Test(x12_ack_build, write_ta1_reads_back)
{
    rcm_x12_envelope env;
    rcm_x12_envelope_init(&env);
    memcpy(env.sender_id, "PAYER01", 8);
    memcpy(env.receiver_id, "CLINIC01", 9);
    env.date = rcm_date_from_ymd(2026, 11, 27);
    memcpy(env.time, "0600", 5);
    env.isa_control = 12;
    rcm_ta1 t[2];
    memset(t, 0, sizeof(t));
    memcpy(t[0].control, "000000101", 10);
    t[0].date = rcm_date_from_ymd(2026, 11, 20);
    memcpy(t[0].time, "0900", 5);
    t[0].status = 'R';
    memcpy(t[0].note, "024", 4);
    t[1] = t[0];
    t[1].status = 'A';
    memcpy(t[1].note, "000", 4);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_write_ta1(&out, &env, t, 2, &err), 0, "%s", err.msg);
    cr_assert(strstr(out.ptr, "~TA1*000000101*261120*0900*R*024~TA1*000000101*261120*0900*A*000~IEA*0*000000012~") !=
              NULL, "%s", out.ptr);
    got g;
    memset(&g, 0, sizeof(g));
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &g;
    cb.problem = on_problem;
    cb.ta1 = on_ta1;
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, out.ptr, out.len, "ta1", &err), 0);
    cr_assert_eq(rcm_x12_read(r, &cb, NULL, &err), 0);
    rcm_x12_reader_free(r);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    cr_assert_eq(g.n_ta1, 2);
    cr_assert_eq(g.ta1_status, 'A');
    /* a bad value: nothing appended */
    size_t len = out.len;
    t[1].status = 'X';
    cr_assert_eq(rcm_x12_write_ta1(&out, &env, t, 2, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "TA104") != NULL, "%s", err.msg);
    cr_assert_eq(out.len, len);
    memcpy(t[1].control, "12345", 6);
    t[1].status = 'A';
    cr_assert_eq(rcm_x12_write_ta1(&out, &env, t, 2, &err), RCM_EINVAL);
    cr_assert_eq(rcm_x12_write_ta1(&out, &env, t, 0, &err), RCM_EINVAL);
    cr_assert_eq(out.len, len);
    rcm_buf_release(&out);
}

/* ---- segments outside the structure ---- */

Test(x12_ack_build, stray_segment_before_gs_rejects_its_interchange)
{
    const char *text =
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~"
        "XX*1~GS*HC*A*B*20261120*0900*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*B1*20261120*0900*CH~"
        "SE*3*0001~GE*1*1~IEA*1*000000001~";
    got g;
    ack(&g, text);
    cr_assert_eq(g.ta1_status, 'R');
    cr_assert_str_eq(g.ta1_note, "024", "invalid interchange content");
    cr_assert_eq(g.n999, 0);
    done(&g, NULL);
}

Test(x12_ack_build, stray_segment_after_iea_answers_nothing)
{
    const char *text =
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~"
        "GS*HC*A*B*20261120*0900*1*X*005010X222A1~ST*837*0001*005010X222A1~BHT*0019*00*B1*20261120*0900*CH~"
        "SE*3*0001~GE*1*1~IEA*1*000000001~YY*2~";
    got g;
    ack(&g, text);
    cr_assert_eq(g.n_ta1, 0, "the interchange before it is not to blame");
    cr_assert_eq(g.sets[0].status, 'A');
    cr_assert_eq(g.st.problems_unplaced, 1);
    done(&g, NULL);
}

Test(x12_ack_build, segment_between_gs_and_st_is_a_group_fault)
{
    const char *text =
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~"
        "GS*HC*A*B*20261120*0900*1*X*005010X222A1~XX*1~ST*837*0001*005010X222A1~BHT*0019*00*B1*20261120*0900*CH~"
        "SE*3*0001~GE*1*1~IEA*1*000000001~";
    got g;
    ack(&g, text);
    cr_assert_eq(g.n_ta1, 0);
    cr_assert_eq(g.n999, 1, "one group, not two");
    cr_assert_str_eq(g.group_status, "E");
    cr_assert_str_eq(g.group_codes[0], "6");
    cr_assert_eq(g.sets[0].status, 'A');
    done(&g, NULL);
}

/* ---- guide problems (the built-in guides) ---- */

static rcm_guides *builtin(void)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_guides_builtin(&g, &err), 0, "%s", err.msg);
    return g;
}

/* One interchange, one group, one set whose body is body with each (from, to) replacement made. */
static void one_set(rcm_buf *in, const char *const *edits, size_t n_edits)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    rcm_buf_adds(&b, body837);
    for (size_t i = 0; i < n_edits; i += 2) {
        char *at = strstr(b.ptr, edits[i]);
        cr_assert_not_null(at, "no '%s' in the body", edits[i]);
        rcm_buf t;
        rcm_buf_init(&t, RCM_MAX_DOCUMENT);
        rcm_buf_add(&t, b.ptr, (size_t)(at - b.ptr));
        rcm_buf_adds(&t, edits[i + 1]);
        rcm_buf_adds(&t, at + strlen(edits[i]));
        rcm_buf_release(&b);
        b = t;
    }
    rcm_buf_addf(in, isa_fmt, 1u, '0');
    add_gs(in, 1);
    add_set(in, "0001", b.ptr, 0);
    rcm_buf_adds(in, "GE*1*1~\nIEA*1*000000001~\n");
    rcm_buf_release(&b);
}

Test(x12_ack_build, guide_clean_set_accepted)
{
    rcm_guides *gd = builtin();
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    one_set(&in, NULL, 0);
    got g;
    ack_with(&g, in.ptr, NULL, gd);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    cr_assert_eq(g.sets[0].status, 'A', "%s", g.out.ptr);
    cr_assert_str_eq(g.group_status, "A");
    done(&g, &in);
    rcm_guides_free(gd);
}

Test(x12_ack_build, guide_errors_as_ik3_ik4_ctx_in_segment_order)
{
    rcm_guides *gd = builtin();
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    /* HL04 1 with no child (found only at the SE, after the SV1), SV103 not a unit code */
    static const char *const edits[] = { "HL*2*1*22*0~", "HL*2*1*22*1~", "*100*UN*", "*100*XX*" };
    one_set(&in, edits, 4);
    got g;
    ack_with(&g, in.ptr, NULL, gd);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    akset *s = &g.sets[0];
    cr_assert_eq(s->status, 'R');
    cr_assert_str_eq(s->codes[0], "5");
    cr_assert_eq(s->n_ik3, 2, "%s", g.out.ptr);
    cr_assert_str_eq(s->ik3[0].seg_id, "HL", "the earlier segment first");
    cr_assert_eq(s->ik3[0].position, 11);
    cr_assert_str_eq(s->ik3[0].loop, "2000");
    cr_assert_str_eq(s->ik3[0].code, "8");
    cr_assert_str_eq(s->ik3[0].el_code[0], "I12");
    cr_assert_eq(s->ik3[0].el_pos[0], 4);
    cr_assert_str_eq(s->ik3[1].seg_id, "SV1");
    cr_assert_str_eq(s->ik3[1].loop, "2400", "IK303 holds 4 characters");
    cr_assert_str_eq(s->ik3[1].ctx, "CLM01:A1", "the claim in error");
    cr_assert_str_eq(s->ik3[1].el_code[0], "7");
    cr_assert_str_eq(s->ik3[1].el_value[0], "XX");
    cr_assert(strstr(g.out.ptr, "IK3*SV1*21*2400*8~\nCTX*CLM01:A1~\nIK4*3*355*7*XX~") == NULL);
    cr_assert(strstr(g.out.ptr, "IK3*SV1*21*2400*8~CTX*CLM01:A1~IK4*3*355*7*XX~") != NULL, "%s", g.out.ptr);
    done(&g, &in);
    rcm_guides_free(gd);
}

Test(x12_ack_build, guide_missing_loop_names_its_first_segment)
{
    rcm_guides *gd = builtin();
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    static const char *const edits[] = { "NM1*PR*2*BLUE RIVER HEALTH PLAN*****PI*BRHP1~\n", "" };
    one_set(&in, edits, 2);
    got g;
    ack_with(&g, in.ptr, NULL, gd);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    akset *s = &g.sets[0];
    cr_assert_eq(s->status, 'R');
    cr_assert_eq(s->n_ik3, 1, "%s", g.out.ptr);
    cr_assert_str_eq(s->ik3[0].seg_id, "NM1", "the missing loop's first segment, not the CLM it was missed at");
    cr_assert_str_eq(s->ik3[0].code, "3");
    cr_assert_str_eq(s->ik3[0].loop, "2010");
    cr_assert_eq(s->ik3[0].n_el, 0);
    done(&g, &in);
    rcm_guides_free(gd);
}

Test(x12_ack_build, guide_set_without_guide_is_noted)
{
    rcm_guides *gd = builtin();
    const char *text =
        "ISA*00*          *00*          *ZZ*A              *ZZ*B              *261120*0900*^*00501*000000001*0*P*:~"
        "GS*BE*A*B*20261120*0900*1*X*005010X220A1~ST*834*0001*005010X220A1~BGN*00*1*20261120~"
        "SE*3*0001~GE*1*1~IEA*1*000000001~";
    got g;
    ack_with(&g, text, NULL, gd);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.problems, 0, "%s", g.first_problem);
    cr_assert_eq(g.sets[0].status, 'E', "a set rcm has no guide for is noted, not rejected: %s", g.out.ptr);
    cr_assert_str_eq(g.sets[0].codes[0], "1", "IK502 1: not supported (its structure was not checked)");
    cr_assert_str_eq(g.group_status, "E");
    done(&g, NULL);
    rcm_guides_free(gd);
}

Test(x12_ack_build, version_warning_is_ta1_e_with_999)
{
    rcm_buf in;
    rcm_buf_init(&in, RCM_MAX_DOCUMENT);
    build(&in, 4, '0', 1, 0, 0);
    char *v = strstr(in.ptr, "*00501*");
    memcpy(v + 1, "00401", 5); /* ISA12: read as 5010, with a warning */
    got g;
    ack(&g, in.ptr);
    cr_assert_eq(g.ta1_status, 'E');
    cr_assert_str_eq(g.ta1_note, "017");
    cr_assert_eq(g.n999, 1);
    cr_assert_eq(g.sets[0].status, 'A');
    done(&g, &in);
}

Test(x12_ack_build, acknowledgments_are_not_acknowledged)
{
    const char *text =
        "ISA*00*          *00*          *ZZ*PAYER01        *ZZ*CLINIC01       *261127*0600*^*00501*000000001*0*P*:~"
        "GS*FA*PAYER01*CLINIC01*20261127*0600*1*X*005010X231A1~ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~"
        "AK2*837*0001*005010X222A1~IK5*A~AK9*A*1*1*1~SE*6*0001~GE*1*1~IEA*1*000000001~";
    got g;
    ack_with(&g, text, NULL, NULL);
    cr_assert_eq(g.rc, 0, "%s", g.err.msg);
    cr_assert_eq(g.out.len, 0, "no 999 for a 999: %s", g.out.ptr);
    cr_assert_eq(g.st.sets, 0);
    done(&g, NULL);
}
