/*
 * The 999 and 277CA writers: every sample acknowledgment read into its
 * model, written back and read again gives the same model (compared through
 * the JSON face, without file positions); hand-built models write the
 * segments of 005010X231A1 / 005010X214 and read back with no problems,
 * accepted and rejected as built; bad values are refused with nothing
 * written.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "x12_roundtrip.h"

/* What a read gave: each acknowledgment as JSON, the problems, and (per 999/277) what writing it did. */
typedef struct got {
    int write;                      /* write each set back as it is read */
    rcm_buf out;                    /* the written interchanges */
    json_t *sets;
    x12rt_problems pr;
    long refused;
    long accepted, rejected;        /* 277CA claims */
} got;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    got *g = ctx;
    x12rt_count_problem(&g->pr, p);
    return 0;
}

static void after_write(got *g, int rc, const rcm_error *err)
{
    if (rc == RCM_EINVAL) {
        /* the writer refuses what the guide forbids; the reader must have found it too */
        cr_assert_gt(g->pr.errors, 0, "refused (%s) but the reader found nothing", err->msg);
        g->refused++;
        return;
    }
    cr_assert_eq(rc, 0, "%s", err->msg);
}

static int on_999(void *ctx, const rcm_ack999 *a)
{
    got *g = ctx;
    json_array_append_new(g->sets, rcm_ack999_to_json(a));
    if (g->write) {
        rcm_x12_envelope env;
        x12rt_envelope(&env, 7);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        after_write(g, rcm_x12_write_999(&g->out, &env, a, 1, &err), &err);
    }
    return 0;
}

static int on_277(void *ctx, const rcm_ack277 *a)
{
    got *g = ctx;
    json_array_append_new(g->sets, rcm_ack277_to_json(a));
    g->accepted += a->claims_accepted;
    g->rejected += a->claims_rejected;
    if (g->write) {
        rcm_x12_envelope env;
        x12rt_envelope(&env, 7);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        after_write(g, rcm_x12_write_277ca(&g->out, &env, a, 1, &err), &err);
    }
    return 0;
}

static void got_read(got *g, const char *text, size_t len, const char *source, int write)
{
    memset(g, 0, sizeof(*g));
    g->write = write;
    g->sets = json_array();
    rcm_buf_init(&g->out, RCM_MAX_DOCUMENT);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.problem = on_problem;
    cb.ack999 = on_999;
    cb.ack277 = on_277;
    x12rt_read(text, len, source, &cb);
}

static void got_release(got *g)
{
    json_decref(g->sets);
    rcm_buf_release(&g->out);
}

Test(x12_wack, samples_round_trip_to_the_same_model)
{
    static const char *const files[] = {
        "tests/data/x12/imsweb-x12-parser/x12_999_accepted.txt",
        "tests/data/x12/imsweb-x12-parser/x12_999_rejected.txt",
        "tests/data/x12/oopfactory-x12parser/999_DHS_Wisconsin_Sample.txt",
        "tests/data/x12/imsweb-x12-parser/x12_277CA_accepted.txt",
        "tests/data/x12/imsweb-x12-parser/x12_277CA_rejected.txt",
        "tests/data/x12/oopfactory-x12parser/277_5010_Deidentified_from_nth.txt",
    };
    long compared = 0;
    for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
        size_t len;
        char *text = x12rt_slurp(files[f], &len);
        got a, b;
        got_read(&a, text, len, files[f], 1);
        cr_assert_gt(json_array_size(a.sets), 0, "%s: no acknowledgment", files[f]);
        if (!a.refused) {
            /* what rcm writes from a sample that passes the guide passes it too */
            if (x12rt_guide_problems(text, len, files[f], NULL, 0) == 0)
                x12rt_assert_valid(a.out.ptr, a.out.len, files[f]);
            got_read(&b, a.out.ptr, a.out.len, "written", 0);
            char *ja = x12rt_dumps(json_incref(a.sets)), *jb = x12rt_dumps(json_incref(b.sets));
            cr_assert_str_eq(jb, ja, "%s: the written acknowledgment reads back differently", files[f]);
            cr_assert_leq(b.pr.errors, a.pr.errors, "%s: %s", files[f], b.pr.first);
            compared++;
            free(ja);
            free(jb);
            got_release(&b);
        }
        got_release(&a);
        free(text);
    }
    cr_assert_geq(compared, 5);
}

/* ---- 999 by hand ---- */

typedef struct ack_fixture {
    rcm_ack999 a;
    rcm_ack_set sets[3];
    rcm_ack_segment_error seg[2];
    rcm_ack_element_error el[1];
    rcm_ack_context ctx[1];
} ack_fixture;

static void ack_fixture_init(ack_fixture *f)
{
    memset(f, 0, sizeof(*f));
    rcm_ack999 *a = &f->a;
    memcpy(a->func_id, "HC", 3);
    memcpy(a->group_control, "17", 3);
    memcpy(a->version, "005010X222A1", 13);
    a->sets = f->sets;
    a->n_sets = 3;
    for (int i = 0; i < 3; i++) {
        memcpy(f->sets[i].st_id, "837", 4);
        memcpy(f->sets[i].st_control, "0001", 5);
        f->sets[i].st_control[3] = (char)('1' + i);
        memcpy(f->sets[i].version, "005010X222A1", 13);
        f->sets[i].status = 'A';
    }
    /* set 2: CLM02 not a number (IK4 code 6 with the CLM01 context) -> rejected */
    rcm_ack_segment_error *g = &f->seg[0];
    memcpy(g->seg_id, "CLM", 4);
    g->position = 22;
    memcpy(g->loop, "2300", 5);
    memcpy(g->code, "8", 2);
    memcpy(g->claim_id, "C000000002", 11);
    rcm_ack_element_error *e = &f->el[0];
    e->position = 2;
    memcpy(e->ref, "782", 4);
    memcpy(e->code, "6", 2);
    memcpy(e->value, "12X", 4);
    g->elements = e;
    g->n_elements = 1;
    f->sets[1].segments = g;
    f->sets[1].n_segments = 1;
    f->sets[1].status = 'R';
    memcpy(f->sets[1].codes[0], "5", 2);
    /* set 3: an unexpected segment, accepted with errors */
    g = &f->seg[1];
    memcpy(g->seg_id, "PWK", 4);
    g->position = 40;
    memcpy(g->code, "2", 2);
    rcm_ack_context *c = &f->ctx[0];
    memcpy(c->name, "SITUATIONAL TRIGGER", 20);
    memcpy(c->seg_id, "CLM", 4);
    c->position = 38;
    memcpy(c->loop, "2300", 5);
    c->element = 5;
    c->component = 3;
    memcpy(c->element_ref, "1325", 5);
    g->contexts = c;
    g->n_contexts = 1;
    f->sets[2].segments = g;
    f->sets[2].n_segments = 1;
    f->sets[2].status = 'E';
    memcpy(f->sets[2].codes[0], "5", 2);
    a->group_status = 'P';
    a->included = a->received = 3;
    a->accepted = 2;
}

Test(x12_wack, hand_built_999_writes_ik3_ik4_ctx_and_reads_back)
{
    ack_fixture f;
    ack_fixture_init(&f);
    rcm_x12_envelope env;
    x12rt_envelope(&env, 7);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_write_999(&out, &env, &f.a, 1, &err), 0, "%s", err.msg);
    const char *expect =
        "ISA*00*          *00*          *ZZ*PAYER01        *ZZ*CLINIC01       *261102*1200*^*00501*000000007*0*P*:~"
        "GS*FA*PAYER01*CLINIC01*20261102*1200*7*X*005010X231A1~"
        "ST*999*0001*005010X231A1~"
        "AK1*HC*17*005010X222A1~"
        "AK2*837*0001*005010X222A1~"
        "IK5*A~"
        "AK2*837*0002*005010X222A1~"
        "IK3*CLM*22*2300*8~"
        "CTX*CLM01:C000000002~"
        "IK4*2*782*6*12X~"
        "IK5*R*5~"
        "AK2*837*0003*005010X222A1~"
        "IK3*PWK*40**2~"
        "CTX*SITUATIONAL TRIGGER*CLM*38*2300*5:3*1325~"
        "IK5*E*5~"
        "AK9*P*3*3*2~"
        "SE*15*0001~"
        "GE*1*7~"
        "IEA*1*000000007~";
    cr_assert_str_eq(out.ptr, expect);
    x12rt_assert_valid(out.ptr, out.len, "hand_built.999");
    got g;
    got_read(&g, out.ptr, out.len, "written.999", 0);
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    json_t *j = json_array_get(g.sets, 0);
    char *s = json_dumps(j, JSON_SORT_KEYS);
    cr_assert(strstr(s, "\"claim_id\": \"C000000002\""), "%s", s);
    free(s);
    got_release(&g);
    rcm_buf_release(&out);
}

Test(x12_wack, bad_999_values_are_refused)
{
    ack_fixture f;
    rcm_x12_envelope env;
    x12rt_envelope(&env, 7);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));

    ack_fixture_init(&f);
    memcpy(f.el[0].value, "1~2", 4);
    cr_assert_eq(rcm_x12_write_999(&out, &env, &f.a, 1, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "set '0002': elements.value: '1~2' holds '~', a delimiter"), "%s", err.msg);
    cr_assert_eq(out.len, 0);

    ack_fixture_init(&f);
    f.sets[0].status = 0;
    cr_assert_eq(rcm_x12_write_999(&out, &env, &f.a, 1, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "status: missing (IK501"), "%s", err.msg);

    ack_fixture_init(&f);
    cr_assert_eq(rcm_x12_write_999(&out, &env, &f.a, 0, &err), RCM_EINVAL);
    env.time[0] = 'X';
    cr_assert_eq(rcm_x12_write_999(&out, &env, &f.a, 1, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "HHMM"), "%s", err.msg);
    cr_assert_eq(out.len, 0);
    rcm_buf_release(&out);
}

/* ---- 277CA by hand ---- */

typedef struct ca_fixture {
    rcm_ack277 a;
    rcm_ack_provider prov[1];
    rcm_ack_claim claims[2];
    rcm_ack_status st[4];
} ca_fixture;

static void ca_fixture_init(ca_fixture *f)
{
    memset(f, 0, sizeof(*f));
    rcm_ack277 *a = &f->a;
    rcm_date d = rcm_date_from_ymd(2026, 11, 2);
    memcpy(a->version, "005010X214", 11);
    a->is_277ca = 1;
    memcpy(a->bht_id, "B0001", 6);
    a->bht_date = a->received_date = a->processed_date = d;
    memcpy(a->source_name, "MEDICARE PART B", 16);
    memcpy(a->source_id, "MCRB1", 6);
    memcpy(a->source_trace, "CA0001", 7);
    memcpy(a->receiver_name, "RIVERSIDE FAMILY MEDICINE", 26);
    memcpy(a->receiver_id, "RIVERSIDE01", 12);
    memcpy(a->receiver_trace, "0001", 5);
    f->st[0] = (rcm_ack_status){ .category = "A1", .code = "19", .entity = "PR", .element = 1, .date = d,
                                 .action = "WQ", .amount_cents = 27500, .has_amount = 1,
                                 .adjudication_date = RCM_DATE_NONE, .check_date = RCM_DATE_NONE };
    a->receiver_status = &f->st[0];
    a->n_receiver_status = 1;
    a->has_accepted_qty = a->has_rejected_qty = a->has_accepted_amount = a->has_rejected_amount = 1;
    a->accepted_qty = a->rejected_qty = 1;
    a->accepted_cents = 15000;
    a->rejected_cents = 12500;
    rcm_ack_provider *p = &f->prov[0];
    memcpy(p->name, "RIVERSIDE FAMILY MEDICINE", 26);
    memcpy(p->id_qualifier, "XX", 3);
    memcpy(p->id, "1234567893", 11);
    memcpy(p->trace, "P0001", 6);
    f->st[3] = f->st[0];
    f->st[3].date = RCM_DATE_NONE; /* STC02 is not used at the provider level */
    p->status = &f->st[3];
    p->n_status = 1;
    p->has_accepted_qty = p->has_rejected_qty = 1;
    p->accepted_qty = p->rejected_qty = 1;
    p->n_claims = 2;
    a->providers = p;
    a->n_providers = 1;
    rcm_ack_claim *c = &f->claims[0];
    memcpy(c->claim_id, "C000000001", 11);
    memcpy(c->trace, "C000000001", 11);
    memcpy(c->payer_claim_number, "1026306000001", 14);
    memcpy(c->patient_last, "HARTMAN", 8);
    memcpy(c->patient_first, "LAURA", 6);
    memcpy(c->member_id, "1EG4TE5MK73", 12);
    c->service_from = rcm_date_from_ymd(2026, 10, 5);
    c->service_to = RCM_DATE_NONE;
    f->st[1] = f->st[0];
    memcpy(f->st[1].category, "A2", 3);
    memcpy(f->st[1].code, "20", 3);
    f->st[1].amount_cents = 15000;
    c->status = &f->st[1];
    c->n_status = 1;
    c->provider = 0;
    c = &f->claims[1];
    memcpy(c->claim_id, "C000000002", 11);
    memcpy(c->trace, "C000000002", 11);
    memcpy(c->patient_last, "OKONJO", 7);
    memcpy(c->patient_first, "SAM", 4);
    memcpy(c->member_id, "99999", 6);
    c->service_from = rcm_date_from_ymd(2026, 10, 6);
    c->service_to = rcm_date_from_ymd(2026, 10, 7);
    f->st[2] = f->st[0];
    memcpy(f->st[2].category, "A3", 3);
    memcpy(f->st[2].code, "33", 3);
    memcpy(f->st[2].entity, "IL", 3);
    memcpy(f->st[2].action, "U", 2);
    f->st[2].amount_cents = 12500;
    c->status = &f->st[2];
    c->n_status = 1;
    c->provider = 0;
    a->claims = f->claims;
    a->n_claims = 2;
}

Test(x12_wack, hand_built_277ca_accepts_and_rejects)
{
    ca_fixture f;
    ca_fixture_init(&f);
    rcm_x12_envelope env;
    x12rt_envelope(&env, 7);
    env.newline = 1;
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_write_277ca(&out, &env, &f.a, 1, &err), 0, "%s", err.msg);
    const char *expect =
        "ISA*00*          *00*          *ZZ*PAYER01        *ZZ*CLINIC01       *261102*1200*^*00501*000000007*0*P*:~\n"
        "GS*HN*PAYER01*CLINIC01*20261102*1200*7*X*005010X214~\n"
        "ST*277*0001*005010X214~\n"
        "BHT*0085*08*B0001*20261102*1200*TH~\n"
        "HL*1**20*1~\n"
        "NM1*PR*2*MEDICARE PART B*****PI*MCRB1~\n"
        "TRN*1*CA0001~\n"
        "DTP*050*D8*20261102~\n"
        "DTP*009*D8*20261102~\n"
        "HL*2*1*21*1~\n"
        "NM1*41*2*RIVERSIDE FAMILY MEDICINE*****46*RIVERSIDE01~\n"
        "TRN*2*0001~\n"
        "STC*A1:19:PR*20261102*WQ*275~\n"
        "QTY*90*1~\n"
        "QTY*AA*1~\n"
        "AMT*YU*150~\n"
        "AMT*YY*125~\n"
        "HL*3*2*19*1~\n"
        "NM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893~\n"
        "TRN*1*P0001~\n"
        "STC*A1:19:PR**WQ*275~\n"
        "QTY*QA*1~\n"
        "QTY*QC*1~\n"
        "HL*4*3*PT~\n"
        "NM1*QC*1*HARTMAN*LAURA****MI*1EG4TE5MK73~\n"
        "TRN*2*C000000001~\n"
        "STC*A2:20:PR*20261102*WQ*150~\n"
        "REF*1K*1026306000001~\n"
        "DTP*472*D8*20261005~\n"
        "HL*5*3*PT~\n"
        "NM1*QC*1*OKONJO*SAM****MI*99999~\n"
        "TRN*2*C000000002~\n"
        "STC*A3:33:IL*20261102*U*125~\n"
        "DTP*472*RD8*20261006-20261007~\n"
        "SE*33*0001~\n"
        "GE*1*7~\n"
        "IEA*1*000000007~\n";
    cr_assert_str_eq(out.ptr, expect);
    x12rt_assert_valid(out.ptr, out.len, "hand_built.277");
    got g;
    got_read(&g, out.ptr, out.len, "written.277", 0);
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    cr_assert_eq(g.accepted, 1);
    cr_assert_eq(g.rejected, 1);
    char *s = json_dumps(json_array_get(g.sets, 0), JSON_SORT_KEYS);
    cr_assert(strstr(s, "\"payer_claim_number\": \"1026306000001\""), "%s", s);
    free(s);
    got_release(&g);
    rcm_buf_release(&out);
}

Test(x12_wack, statuses_share_an_stc_and_lines_carry_their_own)
{
    ca_fixture f;
    ca_fixture_init(&f);
    /* claim 1: a second status in STC10; a rejected line with its REF*FJ */
    rcm_ack_status two[2] = { f.st[1], f.st[1] };
    memcpy(two[1].category, "A2", 3);
    memcpy(two[1].code, "21", 3);
    two[1].element = 10;
    f.claims[0].status = two;
    f.claims[0].n_status = 2;
    rcm_ack_status ls = f.st[2];
    memcpy(ls.code, "454", 4);
    ls.entity[0] = '\0';
    rcm_ack_line line;
    memset(&line, 0, sizeof(line));
    memcpy(line.qualifier, "HC", 3);
    memcpy(line.procedure, "99213", 6);
    memcpy(line.modifiers[0], "25", 3);
    line.charge_cents = 15000;
    line.units_milli = 1000;
    memcpy(line.line_id, "C000000001-1", 13);
    line.service_from = line.service_to = rcm_date_from_ymd(2026, 10, 5);
    line.has_paid = 1; /* SVC03 is not used in a 277CA: not written */
    line.paid_cents = 9000;
    line.status = &ls;
    line.n_status = 1;
    /* STC01-4 and STC05-09 are not used at any level, STC02 not at the provider's, STC04 not at a line's */
    memcpy(f.st[3].code_list, "RX", 3);
    f.st[3].date = rcm_date_from_ymd(2026, 11, 2);
    two[0].has_paid = 1;
    two[0].paid_cents = 100;
    two[0].check_date = rcm_date_from_ymd(2026, 11, 3);
    memcpy(two[0].check_number, "CHK1", 5);
    memcpy(two[0].payment_method, "CHK", 4);
    f.claims[0].lines = &line;
    f.claims[0].n_lines = 1;
    rcm_x12_envelope env;
    x12rt_envelope(&env, 7);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_write_277ca(&out, &env, &f.a, 1, &err), 0, "%s", err.msg);
    cr_assert(strstr(out.ptr, "STC*A2:20:PR*20261102*WQ*150******A2:21:PR~"), "%s", out.ptr);
    cr_assert(strstr(out.ptr, "SVC*HC:99213:25*150*****1~STC*A3:454*20261102*U~REF*FJ*C000000001-1~"
                              "DTP*472*D8*20261005~"), "%s", out.ptr);
    cr_assert(strstr(out.ptr, "STC*A1:19:PR**WQ*275~"), "%s", out.ptr);
    x12rt_assert_valid(out.ptr, out.len, "statuses.277");
    got g;
    got_read(&g, out.ptr, out.len, "written.277", 0);
    cr_assert_eq(g.pr.problems, 0, "%s", g.pr.first);
    cr_assert_eq(g.accepted, 0); /* a rejected line rejects the claim */
    cr_assert_eq(g.rejected, 2);
    got_release(&g);
    /* a value with the segment terminator is refused, nothing written */
    memcpy(f.claims[1].patient_last, "O~K", 4);
    rcm_buf_reset(&out);
    cr_assert_eq(rcm_x12_write_277ca(&out, &env, &f.a, 1, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "claim 'C000000002': name: 'O~K' holds '~'"), "%s", err.msg);
    cr_assert_eq(out.len, 0);
    /* claims without a provider level cannot be written */
    ca_fixture_init(&f);
    f.a.n_providers = 0;
    cr_assert_eq(rcm_x12_write_277ca(&out, &env, &f.a, 1, &err), RCM_EINVAL);
    cr_assert(strstr(err.msg, "providers: missing"), "%s", err.msg);
    rcm_buf_release(&out);
}

/* What the 277CA guide requires is refused when the model lacks it (nothing written); the fixture passes. */
Test(x12_wack, required_277ca_values_are_refused)
{
    static const struct {
        int what;
        const char *msg;            /* NULL: written, and valid */
    } cases[] = {
        { 0, NULL },
        { 1, "claim 'C000000001': member_id: missing (NM109 patient member id, required in 2100D)" },
        { 2, "claim 'C000000002': service_from: missing (DTP*472 claim service date, required in 2200D)" },
        { 3, "277CA set '': receiver_status: missing (STC, required in 2200B)" },
        { 4, "provider 1: providers.status.amount_cents: missing (STC04 total charge, required in 2200C)" },
        { 5, "claim 'C000000001': status.amount_cents: missing (STC04 total charge, required in 2200D)" },
        { 6, "claim 'C000000002': status.date: missing (STC02 status date, required in 2200D)" },
        { 7, "277CA set '': receiver_status.date: missing (STC02 status date, required in 2200B)" },
        { 8, "claim 'C000000001': status.action: missing (STC03 action code, required in 2200D)" },
        { 9, "claim 'C000000001': lines.status: missing (a service line needs an STC, loop 2220D)" },
        { 10, "provider 1: providers.id: missing (NM109 billing provider id, required in 2100C)" },
        { 11, NULL }, /* a line without a date, amount or paid amount of its own */
    };
    rcm_x12_envelope env;
    x12rt_envelope(&env, 7);
    rcm_buf out;
    rcm_buf_init(&out, RCM_MAX_DOCUMENT);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        ca_fixture f;
        ca_fixture_init(&f);
        rcm_ack_line line;
        memset(&line, 0, sizeof(line));
        memcpy(line.qualifier, "HC", 3);
        memcpy(line.procedure, "99213", 6);
        line.charge_cents = 15000;
        rcm_ack_status ls = f.st[1];
        ls.date = RCM_DATE_NONE;
        ls.has_amount = 0;
        line.status = &ls;
        line.n_status = 1;
        switch (cases[i].what) {
        case 1: f.claims[0].member_id[0] = '\0'; break;
        case 2: f.claims[1].service_from = f.claims[1].service_to = RCM_DATE_NONE; break;
        case 3: f.a.n_receiver_status = 0; break;
        case 4: f.st[3].has_amount = 0; break;
        case 5: f.st[1].has_amount = 0; break;
        case 6: f.st[2].date = RCM_DATE_NONE; break;
        case 7: f.st[0].date = RCM_DATE_NONE; break;
        case 8: f.st[1].action[0] = '\0'; break;
        case 9: line.n_status = 0; /* fall through */
        case 11: f.claims[0].lines = &line; f.claims[0].n_lines = 1; break;
        case 10: f.prov[0].id[0] = '\0'; break;
        default: break;
        }
        f.a.st_control[0] = '\0';
        rcm_error err;
        memset(&err, 0, sizeof(err));
        rcm_buf_reset(&out);
        int rc = rcm_x12_write_277ca(&out, &env, &f.a, 1, &err);
        if (!cases[i].msg) {
            cr_assert_eq(rc, 0, "case %zu: %s", i, err.msg);
            x12rt_assert_valid(out.ptr, out.len, "required.277");
            continue;
        }
        cr_assert_eq(rc, RCM_EINVAL, "case %zu written", i);
        cr_assert(strstr(err.msg, cases[i].msg), "case %zu: %s", i, err.msg);
        cr_assert_eq(out.len, 0, "case %zu: something written", i);
    }
    rcm_buf_release(&out);
}
