/*
 * Acknowledgment and structural readers: 999 / 997, 277CA / 277, TA1, the
 * structural summary of 270/271/276/834, and their JSON. Inputs are small
 * in-memory interchanges and every acknowledgment, eligibility and status
 * sample under tests/data/x12 (the tests run from the repository root).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/json.h"

#define SAMPLES "tests/data/x12/"

typedef struct prob {
    int kind, severity;
    char code[4], seg_id[4];
    long segment;
    int element, component;
    char msg[224];
} prob;

typedef struct coll {
    json_t *recs;              /* every record delivered, as JSON */
    prob probs[512];
    int n_probs;
    int n999, n277, nta1, ngen;
    int stop_with;             /* a callback returns this when non-zero */
} coll;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    coll *c = ctx;
    if (c->n_probs < (int)(sizeof(c->probs) / sizeof(c->probs[0]))) {
        prob *q = &c->probs[c->n_probs];
        q->kind = p->kind;
        q->severity = p->severity;
        snprintf(q->code, sizeof(q->code), "%s", p->code);
        snprintf(q->seg_id, sizeof(q->seg_id), "%s", p->seg_id);
        q->segment = p->segment;
        q->element = p->element;
        q->component = p->component;
        snprintf(q->msg, sizeof(q->msg), "%s", p->msg);
    }
    c->n_probs++;
    return 0;
}

static int keep(coll *c, json_t *j)
{
    cr_assert_not_null(j, "a record did not convert to JSON");
    cr_assert_eq(json_array_append_new(c->recs, j), 0);
    return c->stop_with;
}

static int on_999(void *ctx, const rcm_ack999 *a)
{
    coll *c = ctx;
    c->n999++;
    for (uint32_t i = 0; i < a->n_sets; i++)
        for (uint32_t k = 0; k < a->sets[i].n_segments; k++)
            cr_assert(a->sets[i].segments[k].n_elements == 0 || a->sets[i].segments[k].elements);
    return keep(c, rcm_ack999_to_json(a));
}

static int on_277(void *ctx, const rcm_ack277 *a)
{
    coll *c = ctx;
    c->n277++;
    uint32_t acc = 0, rej = 0;
    for (uint32_t i = 0; i < a->n_claims; i++) {
        cr_assert(!(a->claims[i].accepted && a->claims[i].rejected), "claim %u both accepted and rejected", i);
        acc += (uint32_t)a->claims[i].accepted;
        rej += (uint32_t)a->claims[i].rejected;
    }
    cr_assert_eq(acc, a->claims_accepted);
    cr_assert_eq(rej, a->claims_rejected);
    return keep(c, rcm_ack277_to_json(a));
}

static int on_ta1(void *ctx, const rcm_ta1 *t)
{
    coll *c = ctx;
    c->nta1++;
    return keep(c, rcm_ta1_to_json(t));
}

static int on_generic(void *ctx, const rcm_x12_generic *g)
{
    coll *c = ctx;
    c->ngen++;
    return keep(c, rcm_x12_generic_to_json(g));
}

static void coll_init(coll *c)
{
    memset(c, 0, sizeof(*c));
    c->recs = json_array();
    cr_assert_not_null(c->recs);
}

static int read_with(coll *c, rcm_x12_reader *r)
{
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = c;
    cb.problem = on_problem;
    cb.ack999 = on_999;
    cb.ack277 = on_277;
    cb.ta1 = on_ta1;
    cb.generic = on_generic;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_read(r, &cb, NULL, &err);
    rcm_x12_reader_free(r);
    return rc;
}

static int read_file(coll *c, const char *path)
{
    coll_init(c);
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_file(&r, path, &err);
    cr_assert_eq(rc, 0, "cannot open %s: %s", path, err.msg);
    return read_with(c, r);
}

static int read_mem(coll *c, const char *text)
{
    coll_init(c);
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_open_mem(&r, text, strlen(text), "test", &err);
    cr_assert_eq(rc, 0, "cannot open: %s", err.msg);
    return read_with(c, r);
}

static void coll_free(coll *c) { json_decref(c->recs); }

/*
 * One interchange, one group, one set: ISA/GS/ST around segs (each ending
 * in '~'), with SE01, GE01 and IEA01 right. The text is static: one at a time.
 */
static const char *wrap(const char *func, const char *st_id, const char *version, const char *segs)
{
    static char buf[1 << 16];
    int n = 0;
    for (const char *p = segs; *p; p++)
        n += *p == '~';
    snprintf(buf, sizeof(buf),
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~"
             "GS*%s*SENDER*RECEIVER*20240101*1200*1*X*%s~ST*%s*0001*%s~%sSE*%d*0001~GE*1*1~IEA*1*000000001~",
             func, version, st_id, version, segs, n + 2);
    return buf;
}

/* The value at a dotted path ("sets.1.segments.0.code": array indexes are numbers). */
static json_t *jget(json_t *o, const char *path)
{
    const char *p = path;
    while (o && *p) {
        char key[64];
        size_t n = strcspn(p, ".");
        cr_assert_lt(n, sizeof(key));
        memcpy(key, p, n);
        key[n] = '\0';
        if (json_is_array(o))
            o = json_array_get(o, (size_t)strtoul(key, NULL, 10));
        else
            o = json_object_get(o, key);
        p += n;
        if (*p == '.')
            p++;
    }
    return o;
}

static json_t *rec(const coll *c, size_t i)
{
    json_t *r = json_array_get(c->recs, i);
    cr_assert_not_null(r, "no record %zu (%zu delivered)", i, json_array_size(c->recs));
    return r;
}

static void expect_s(json_t *o, const char *path, const char *want)
{
    json_t *v = jget(o, path);
    cr_assert(json_is_string(v), "%s is not a string", path);
    cr_assert_str_eq(json_string_value(v), want, "%s is '%s', expected '%s'", path, json_string_value(v), want);
}

static void expect_i(json_t *o, const char *path, long long want)
{
    json_t *v = jget(o, path);
    cr_assert(json_is_integer(v), "%s is not an integer", path);
    cr_assert_eq(json_integer_value(v), want, "%s is %lld, expected %lld", path,
                 (long long)json_integer_value(v), want);
}

static void expect_b(json_t *o, const char *path, int want)
{
    json_t *v = jget(o, path);
    cr_assert(json_is_boolean(v), "%s is not a boolean", path);
    cr_assert_eq(json_is_true(v), want, "%s is %s", path, json_is_true(v) ? "true" : "false");
}

static void expect_absent(json_t *o, const char *path)
{
    cr_assert_null(jget(o, path), "%s should be left out", path);
}

static size_t jlen(json_t *o, const char *path)
{
    json_t *v = jget(o, path);
    cr_assert(json_is_array(v), "%s is not an array", path);
    return json_array_size(v);
}

/* The problem at segment/element with code (and severity), or NULL. */
static const prob *find_prob(const coll *c, long segment, int element, const char *code)
{
    for (int i = 0; i < c->n_probs && i < (int)(sizeof(c->probs) / sizeof(c->probs[0])); i++)
        if (c->probs[i].segment == segment && c->probs[i].element == element &&
            (!code || strcmp(c->probs[i].code, code) == 0))
            return &c->probs[i];
    return NULL;
}

static void expect_prob(const coll *c, long segment, int element, const char *code, const char *msg_part)
{
    const prob *p = find_prob(c, segment, element, code);
    if (!p) {
        for (int i = 0; i < c->n_probs; i++)
            fprintf(stderr, "  problem: segment %ld '%s' element %d code %s: %s\n", c->probs[i].segment,
                    c->probs[i].seg_id, c->probs[i].element, c->probs[i].code, c->probs[i].msg);
        cr_assert_fail("no problem at segment %ld element %d code %s", segment, element, code ? code : "*");
    }
    if (msg_part)
        cr_assert(strstr(p->msg, msg_part), "message '%s' lacks '%s'", p->msg, msg_part);
}

static int n_errors(const coll *c)
{
    int n = 0;
    for (int i = 0; i < c->n_probs; i++)
        n += c->probs[i].severity == RCM_SEV_ERROR;
    return n;
}

static void expect_clean(const coll *c)
{
    for (int i = 0; i < c->n_probs; i++)
        fprintf(stderr, "  unexpected: segment %ld '%s' element %d code %s: %s\n", c->probs[i].segment,
                c->probs[i].seg_id, c->probs[i].element, c->probs[i].code, c->probs[i].msg);
    cr_assert_eq(c->n_probs, 0, "%d problems", c->n_probs);
}

/* ================================ 999 ================================ */

Test(x12_ack999, accepted_sample)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x12_999_accepted.txt"), 0);
    cr_assert_eq(c.n999, 1);
    json_t *a = rec(&c, 0);
    expect_s(a, "type", "999");
    expect_s(a, "st_id", "999");
    expect_s(a, "func_id", "HC");
    expect_s(a, "group_control", "17456");
    expect_s(a, "version", "005010X223A2");
    expect_s(a, "st_version", "005010X231A1");
    cr_assert_eq(jlen(a, "sets"), 1);
    expect_s(a, "sets.0.st_id", "837");
    expect_s(a, "sets.0.st_control", "0001");
    expect_s(a, "sets.0.version", "005010X223A2");
    expect_s(a, "sets.0.status", "A");
    cr_assert_eq(jlen(a, "sets.0.segments"), 0);
    expect_s(a, "group_status", "A");
    expect_i(a, "included", 1);
    expect_i(a, "received", 1);
    expect_i(a, "accepted", 1);
    /* the sample's only flaw is its IEA02, an envelope matter */
    cr_assert_eq(c.n_probs, 1);
    expect_prob(&c, 10, 2, "001", NULL);
    coll_free(&c);
}

Test(x12_ack999, rejected_sample_with_pipe_separator)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x12_999_rejected.txt"), 0);
    expect_clean(&c);
    cr_assert_eq(c.n999, 1);
    json_t *a = rec(&c, 0);
    expect_s(a, "group_control", "28");
    expect_s(a, "sets.0.st_control", "0028");
    expect_absent(a, "sets.0.version");
    expect_s(a, "sets.0.status", "R");
    expect_s(a, "sets.0.codes.0", "5");
    cr_assert_eq(jlen(a, "sets.0.segments"), 1);
    expect_s(a, "sets.0.segments.0.seg_id", "NM");
    expect_i(a, "sets.0.segments.0.position", 17);
    expect_absent(a, "sets.0.segments.0.loop");
    expect_s(a, "sets.0.segments.0.code", "1");
    cr_assert_eq(jlen(a, "sets.0.segments.0.elements"), 0);
    expect_s(a, "group_status", "R");
    expect_i(a, "received", 1);
    expect_i(a, "accepted", 0);
    coll_free(&c);
}

Test(x12_ack999, wisconsin_sample_ik3_ik4_ctx)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "oopfactory-x12parser/999_DHS_Wisconsin_Sample.txt"), 0);
    cr_assert_eq(c.n999, 1);
    json_t *a = rec(&c, 0);
    expect_s(a, "version", "004010X098A1");
    cr_assert_eq(jlen(a, "sets"), 3);
    expect_s(a, "sets.0.status", "A");
    expect_s(a, "sets.1.st_control", "002");
    expect_s(a, "sets.1.status", "R");
    expect_s(a, "sets.1.codes.0", "5");
    expect_s(a, "sets.1.segments.0.seg_id", "CLM");
    expect_i(a, "sets.1.segments.0.position", 22);
    expect_s(a, "sets.1.segments.0.code", "8");
    expect_s(a, "sets.1.segments.0.claim_id", "123456789");
    expect_s(a, "sets.1.segments.0.contexts.0.name", "CLM01");
    expect_i(a, "sets.1.segments.0.elements.0.position", 2);
    expect_s(a, "sets.1.segments.0.elements.0.ref", "782");
    expect_s(a, "sets.1.segments.0.elements.0.code", "1");
    expect_s(a, "sets.2.segments.0.seg_id", "REF");
    expect_i(a, "sets.2.segments.0.position", 57);
    expect_s(a, "sets.2.segments.0.code", "3");
    expect_s(a, "sets.2.segments.0.claim_id", "987654321");
    expect_s(a, "sets.2.segments.0.contexts.0.name", "SITUATIONAL TRIGGER");
    expect_s(a, "sets.2.segments.0.contexts.0.seg_id", "CLM");
    expect_i(a, "sets.2.segments.0.contexts.0.position", 43);
    expect_i(a, "sets.2.segments.0.contexts.0.element", 5);
    expect_i(a, "sets.2.segments.0.contexts.0.component", 3);
    expect_s(a, "sets.2.segments.0.contexts.0.element_ref", "C023");
    expect_s(a, "sets.2.segments.0.contexts.0.component_ref", "1325");
    expect_s(a, "group_status", "P");
    expect_i(a, "included", 3);
    expect_i(a, "received", 3);
    expect_i(a, "accepted", 1);
    /* AK202 '002' is shorter than an ST02 can be */
    cr_assert_eq(c.n_probs, 1);
    expect_prob(&c, 7, 2, "4", "too short");
    coll_free(&c);
}

Test(x12_ack999, truncated_set_is_not_delivered)
{
    /* the LinuxForHealth "997" is a 999 cut short after its AK1 */
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/cob-contractural-adjustment.835.997"), 0);
    cr_assert_eq(c.n999, 0);
    cr_assert_eq(c.ngen, 0);
    int found = 0;
    for (int i = 0; i < c.n_probs; i++)
        found |= c.probs[i].kind == RCM_X12P_SET && strstr(c.probs[i].msg, "no SE trailer") != NULL;
    cr_assert(found);
    coll_free(&c);
}

Test(x12_ack999, reads_a_997)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "997", "004010",
                                   "AK1*HC*1234~AK2*837*0001~AK3*NM1*8*2010*8~AK4*3*66*7*ZZ~AK5*R*5~"
                                   "AK2*837*0002~AK5*A~AK9*P*2*2*1~")), 0);
    expect_clean(&c);
    cr_assert_eq(c.n999, 1);
    cr_assert_eq(c.ngen, 0);
    json_t *a = rec(&c, 0);
    expect_s(a, "st_id", "997");
    expect_s(a, "sets.0.status", "R");
    expect_s(a, "sets.0.segments.0.seg_id", "NM1");
    expect_i(a, "sets.0.segments.0.position", 8);
    expect_s(a, "sets.0.segments.0.loop", "2010");
    expect_s(a, "sets.0.segments.0.code", "8");
    expect_i(a, "sets.0.segments.0.elements.0.position", 3);
    expect_s(a, "sets.0.segments.0.elements.0.ref", "66");
    expect_s(a, "sets.0.segments.0.elements.0.code", "7");
    expect_s(a, "sets.0.segments.0.elements.0.value", "ZZ");
    expect_s(a, "sets.1.status", "A");
    expect_s(a, "group_status", "P");
    coll_free(&c);
}

Test(x12_ack999, element_error_with_components_and_context)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1*005010X222A1~AK2*837*0001*005010X222A1~"
                                   "IK3*SV1*30*2400*8~CTX*CLM01:PCN-77~IK4*1:2:1*235*7*XX~"
                                   "CTX*SITUATIONAL TRIGGER*SV1*30*2400*1:2~IK5*R*5~AK9*R*1*1*0~")), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    expect_s(a, "sets.0.segments.0.claim_id", "PCN-77");
    expect_i(a, "sets.0.segments.0.elements.0.position", 1);
    expect_i(a, "sets.0.segments.0.elements.0.component", 2);
    expect_i(a, "sets.0.segments.0.elements.0.repetition", 1);
    expect_s(a, "sets.0.segments.0.elements.0.value", "XX");
    expect_s(a, "sets.0.segments.0.elements.0.contexts.0.seg_id", "SV1");
    expect_s(a, "sets.0.segments.0.elements.0.contexts.0.loop", "2400");
    cr_assert_eq(jlen(a, "sets.0.segments.0.contexts"), 1);
    coll_free(&c);
}

Test(x12_ack999, bad_codes_are_located)
{
    /* segments: ISA 1, GS 2, ST 3, AK1 4, AK2 5, IK3 6, IK4 7, IK5 8, AK9 9 */
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK3*CLM*5**9~IK4*2*1028*14~IK5*Q~AK9*Z*1*1*0~")), 0);
    cr_assert_eq(c.n999, 1);
    expect_prob(&c, 6, 4, "7", "'9' is not a segment syntax error code");
    expect_prob(&c, 7, 3, "7", "'14' is not an element syntax error code");
    expect_prob(&c, 8, 1, "7", "'Q' is not a set acknowledgment code");
    expect_prob(&c, 9, 1, "7", "'Z' is not a group acknowledgment code");
    json_t *a = rec(&c, 0);
    expect_s(a, "sets.0.segments.0.code", "9"); /* kept as sent */
    expect_absent(a, "sets.0.status");
    expect_absent(a, "group_status");
    coll_free(&c);
}

Test(x12_ack999, i_codes_are_valid)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK3*REF*9*2300*I9~IK4*2*127*I12~IK5*E*I5~"
                                   "AK9*E*1*1*1~")), 0);
    expect_clean(&c);
    coll_free(&c);
}

Test(x12_ack999, ak9_counts_checked)
{
    /* AK9 at segment 9: says 1 accepted while both sets are accepted, and A needs all accepted */
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK5*A~AK2*837*0002~IK5*A~AK9*A*2*2*1~")), 0);
    expect_prob(&c, 9, 4, "I12", "the AK2 loops accept 2");
    expect_prob(&c, 9, 1, "I12", "group is accepted");
    coll_free(&c);

    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK5*A~AK9*A*1*1*2~")), 0);
    expect_prob(&c, 7, 4, "I12", "more than the 1 received");
    coll_free(&c);

    /* AK902 = 3 but two AK2 loops, and AK903 = 3 too */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK5*R*5~AK2*837*0002~IK5*R*5~AK9*R*3*3*0~")), 0);
    expect_prob(&c, 9, 2, "I12", "lists 2");
    coll_free(&c);

    /* partially accepted with none accepted */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK5*R*5~AK9*P*1*1*0~")), 0);
    expect_prob(&c, 7, 1, "I12", "partially accepted");
    coll_free(&c);

    /* not a number */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1", "AK1*HC*1~AK9*A*x*0*0~")), 0);
    expect_prob(&c, 5, 2, "6", "'x' is not a number of transaction sets");
    coll_free(&c);
}

Test(x12_ack999, structure_problems)
{
    coll c;
    /* no IK5 before the next AK2 (segment 6), none before the AK9 (segment 7): both reported */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~AK2*837*0002~AK9*R*2*2*0~")), 0);
    expect_prob(&c, 6, 0, "3", "'0001'");
    expect_prob(&c, 7, 0, "3", "'0002'");
    cr_assert_eq(c.n999, 1);
    coll_free(&c);

    /* IK4 without an IK3; CTX without an error; a stranger; no AK9 (reported at the SE, segment 9) */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK4*1**7~CTX*CLM01:1~NM1*XX~IK5*A~")), 0);
    expect_prob(&c, 6, 0, "7", "out of sequence");
    expect_prob(&c, 7, 0, "7", "out of sequence");
    expect_prob(&c, 8, 0, "6", "'NM1' is not a segment of a 999");
    expect_prob(&c, 10, 0, "3", "AK9");
    coll_free(&c);

    /* a 997 segment inside a 999 */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~AK3*NM1*5**8~IK5*R*5~AK9*R*1*1*0~")), 0);
    expect_prob(&c, 6, 0, "6", "uses IK3");
    json_t *a = rec(&c, 0);
    expect_s(a, "sets.0.segments.0.seg_id", "NM1"); /* read anyway */
    coll_free(&c);

    /* missing required elements */
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1**1~AK2*837~IK3*CLM~IK5~AK9*R*1*1*0~")), 0);
    expect_prob(&c, 4, 1, "1", "missing");
    expect_prob(&c, 5, 2, "1", "missing");
    expect_prob(&c, 6, 2, "1", "missing");
    expect_prob(&c, 6, 4, "1", "missing");
    expect_prob(&c, 7, 1, "1", "missing");
    coll_free(&c);
}

Test(x12_ack999, ik5_warnings)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK3*CLM*5**8~IK5*A~AK9*A*1*1*1~")), 0);
    const prob *p = find_prob(&c, 7, 1, "I12");
    cr_assert_not_null(p);
    cr_assert_eq(p->severity, RCM_SEV_WARNING);
    cr_assert_eq(n_errors(&c), 0);
    coll_free(&c);

    cr_assert_eq(read_mem(&c, wrap("FA", "999", "005010X231A1",
                                   "AK1*HC*1~AK2*837*0001~IK5*R~AK9*R*1*1*0~")), 0);
    p = find_prob(&c, 6, 2, "2");
    cr_assert_not_null(p);
    cr_assert_eq(p->severity, RCM_SEV_WARNING);
    coll_free(&c);
}

Test(x12_ack999, callback_stops_the_read)
{
    coll c;
    coll_init(&c);
    json_decref(c.recs);
    c.recs = json_array();
    c.stop_with = RCM_EINVAL;
    const char *text = wrap("FA", "999", "005010X231A1", "AK1*HC*1~AK2*837*0001~IK5*A~AK9*A*1*1*1~");
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&r, text, strlen(text), "test", &err), 0);
    cr_assert_eq(read_with(&c, r), RCM_EINVAL);
    cr_assert_eq(c.n999, 1);
    coll_free(&c);
}

Test(x12_ack999, many_sets_in_one_999)
{
    static char segs[1 << 20];
    size_t n = 0;
    n += (size_t)snprintf(segs + n, sizeof(segs) - n, "AK1*HC*1~");
    for (int i = 1; i <= 3000; i++)
        n += (size_t)snprintf(segs + n, sizeof(segs) - n, "AK2*837*%04d~IK3*CLM*%d**8~IK4*2*782*1~IK5*R*5~",
                              i, i + 5);
    n += (size_t)snprintf(segs + n, sizeof(segs) - n, "AK9*R*3000*3000*0~");
    cr_assert_lt(n, sizeof(segs) - 1);
    static char text[(1 << 20) + 1024];
    int k = 0;
    for (const char *p = segs; *p; p++)
        k += *p == '~';
    snprintf(text, sizeof(text),
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~"
             "GS*FA*S*R*20240101*1200*1*X*005010X231A1~ST*999*0001*005010X231A1~%sSE*%d*0001~GE*1*1~IEA*1*000000001~",
             segs, k + 2);
    coll c;
    cr_assert_eq(read_mem(&c, text), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "sets"), 3000);
    expect_s(a, "sets.2999.st_control", "3000");
    expect_i(a, "sets.2999.segments.0.position", 3005);
    expect_s(a, "sets.2999.segments.0.elements.0.ref", "782");
    coll_free(&c);
}

/* ================================ 277 ================================ */

Test(x12_ack277, accepted_277ca_sample)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x12_277CA_accepted.txt"), 0);
    cr_assert_eq(c.n277, 1);
    json_t *a = rec(&c, 0);
    expect_s(a, "type", "277");
    expect_b(a, "is_277ca", 1);
    expect_s(a, "version", "005010X214");
    expect_s(a, "bht_id", "000000674");
    expect_s(a, "bht_date", "2011-03-11");
    expect_s(a, "source_name", "NYSDOH");
    expect_s(a, "source_trace", "000014420");
    expect_s(a, "received_date", "2011-03-11");
    expect_s(a, "receiver_name", "A NY MD GROUP");
    expect_s(a, "receiver_trace", "000000674");
    expect_s(a, "receiver_status.0.category", "A1");
    expect_s(a, "receiver_status.0.code", "20");
    expect_i(a, "receiver_status.0.amount_cents", 12500);
    expect_i(a, "accepted_qty", 1);
    expect_i(a, "accepted_cents", 12500);
    expect_absent(a, "rejected_qty");
    cr_assert_eq(jlen(a, "providers"), 1);
    expect_s(a, "providers.0.id", "1234567890");
    expect_s(a, "providers.0.id_qualifier", "XX");
    expect_s(a, "providers.0.trace", "1107000000000135FF");
    cr_assert_eq(jlen(a, "claims"), 1);
    expect_s(a, "claims.0.claim_id", "5781");
    expect_s(a, "claims.0.payer_claim_number", "1107000000014420");
    expect_s(a, "claims.0.patient_last", "TPATIENT");
    expect_s(a, "claims.0.member_id", "LL99999X");
    expect_s(a, "claims.0.status.0.category", "A2");
    expect_s(a, "claims.0.status.0.action", "WQ");
    expect_i(a, "claims.0.charge_cents", 12500);
    expect_b(a, "claims.0.accepted", 1);
    expect_b(a, "claims.0.rejected", 0);
    expect_s(a, "claims.0.level", "PT");
    expect_i(a, "claims.0.provider", 0);
    expect_i(a, "claims_accepted", 1);
    expect_i(a, "claims_rejected", 0);
    /* DTP*472*D8*10010101: year 1001 is no service date */
    expect_prob(&c, 24, 3, "8", "'10010101' is not a date");
    expect_absent(a, "claims.0.service_from");
    coll_free(&c);
}

Test(x12_ack277, rejected_277ca_sample_a7_562_85)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x12_277CA_rejected.txt"), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 1);
    expect_s(a, "claims.0.claim_id", "3920394930203");
    expect_s(a, "claims.0.status.0.category", "A7");
    expect_s(a, "claims.0.status.0.code", "562");
    expect_s(a, "claims.0.status.0.entity", "85");
    expect_s(a, "claims.0.status.0.date", "2011-03-11");
    expect_i(a, "claims.0.status.0.amount_cents", 19914);
    expect_b(a, "claims.0.accepted", 0);
    expect_b(a, "claims.0.rejected", 1);
    expect_s(a, "claims.0.bill_type", "731");
    expect_s(a, "claims.0.payer_claim_number", "1107000000001120");
    expect_s(a, "claims.0.service_from", "2009-03-11");
    expect_s(a, "claims.0.service_to", "2009-03-11");
    expect_s(a, "claims.0.provider_id", "123456789");
    expect_i(a, "claims_rejected", 1);
    expect_i(a, "claims_accepted", 0);
    expect_s(a, "receiver_status.0.category", "A1");
    coll_free(&c);
}

Test(x12_ack277, claim_status_x212_sample)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x12_277_x212.txt"), 0);
    cr_assert_eq(c.n277, 1);
    json_t *a = rec(&c, 0);
    expect_b(a, "is_277ca", 0);
    expect_s(a, "version", "005010X212");
    cr_assert_eq(jlen(a, "claims"), 8);
    cr_assert_eq(jlen(a, "providers"), 8);
    expect_s(a, "claims.0.claim_id", "12345"); /* REF*EJ */
    expect_s(a, "claims.0.trace", "0000001");
    expect_s(a, "claims.0.clearinghouse_id", "12345");
    expect_s(a, "claims.0.level", "22");
    expect_s(a, "claims.0.service_from", "2020-11-13");
    expect_s(a, "claims.0.status.0.free_text", "PAYER ACKNOWLEDGED RECEIPT OF THE CLAIM");
    expect_i(a, "claims.0.charge_cents", 60000);
    expect_s(a, "claims.7.claim_id", "12342");
    expect_s(a, "claims.7.patient_last", "SMITH");
    expect_i(a, "claims_accepted", 8);
    /* only the envelope's IEA02 is wrong */
    cr_assert_eq(c.n_probs, 1);
    expect_prob(&c, 111, 2, "001", NULL);
    coll_free(&c);
}

Test(x12_ack277, claim_status_with_service_line_and_dependent)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/claim-level-status.277"), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 3);
    expect_s(a, "claims.0.claim_id", "SM123456");
    expect_s(a, "claims.0.status.0.category", "P3");
    expect_s(a, "claims.0.service_from", "2005-08-31");
    expect_s(a, "claims.0.service_to", "2005-09-06");
    expect_s(a, "claims.1.status.0.category", "F0");
    expect_i(a, "claims.1.status.0.paid_cents", 759900);
    expect_s(a, "claims.2.level", "23");
    expect_s(a, "claims.2.patient_first", "JOSEPH");
    expect_s(a, "claims.2.member_id", "345678901"); /* the subscriber's */
    expect_i(a, "claims.2.provider", 1);
    expect_absent(a, "claims.2.service_from");
    cr_assert_eq(jlen(a, "claims.2.lines"), 1);
    expect_s(a, "claims.2.lines.0.qualifier", "HC");
    expect_s(a, "claims.2.lines.0.procedure", "99203");
    expect_i(a, "claims.2.lines.0.charge_cents", 15000);
    expect_i(a, "claims.2.lines.0.paid_cents", 0);
    expect_i(a, "claims.2.lines.0.units_milli", 1000);
    expect_s(a, "claims.2.lines.0.service_from", "2005-05-01");
    expect_s(a, "claims.2.lines.0.status.0.category", "F2");
    expect_s(a, "claims.2.lines.0.status.0.entity", "QC");
    expect_i(a, "providers.0.n_claims", 2);
    expect_i(a, "providers.1.n_claims", 1);
    coll_free(&c);
}

Test(x12_ack277, provider_and_receiver_level_statuses)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/provider-level-status.277"), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 1);
    cr_assert_eq(jlen(a, "providers"), 2);
    expect_s(a, "providers.1.status.0.category", "E0");
    expect_s(a, "providers.1.status.0.code", "24");
    expect_s(a, "providers.1.status.0.entity", "85");
    expect_i(a, "providers.1.n_claims", 0);
    coll_free(&c);

    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/information-receiver-level-status.277"), 0);
    expect_clean(&c);
    a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 0);
    expect_s(a, "receiver_trace", "ABC276XXX");
    expect_s(a, "receiver_status.0.category", "E0");
    expect_s(a, "receiver_status.0.code", "0");
    coll_free(&c);

    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/claim-level-status-ncpdp.277"), 0);
    expect_clean(&c);
    a = rec(&c, 0);
    expect_s(a, "claims.0.status.0.category", "F2");
    expect_s(a, "claims.0.status.0.code_list", "RX");
    expect_absent(a, "claims.0.status.0.entity");
    expect_i(a, "claims.0.status.0.paid_cents", 0);
    coll_free(&c);
}

Test(x12_ack277, deidentified_277ca_counts)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "oopfactory-x12parser/277_5010_Deidentified_from_nth.txt"), 0);
    cr_assert_eq(n_errors(&c), 0); /* the masked categories (X9) are warnings */
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 3);
    cr_assert_eq(jlen(a, "claims.1.status"), 3);
    expect_s(a, "claims.1.status.0.action", "U");
    expect_i(a, "rejected_qty", 3);
    expect_i(a, "rejected_cents", 90000);
    expect_i(a, "providers.0.rejected_qty", 1);
    expect_i(a, "providers.1.rejected_qty", 2);
    expect_i(a, "providers.1.rejected_cents", 68000);
    expect_i(a, "providers.1.n_claims", 2);
    const prob *p = find_prob(&c, 13, 1, "7");
    cr_assert_not_null(p);
    cr_assert_eq(p->component, 1);
    coll_free(&c);
}

Test(x12_ack277, malformed_277ca_sample_is_read_with_problems)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "oopfactory-x12parser/277_5010_FromLatitude81uk.txt"), 0);
    cr_assert_eq(c.n277, 1);
    expect_prob(&c, 4, 4, "8", "'20434343' is not a date");
    expect_prob(&c, 13, 2, "8", "'2trtrtrt' is not a date");
    expect_prob(&c, 13, 3, "7", "'yh' is not an action code");
    expect_prob(&c, 28, 3, "8", "date range");
    json_t *a = rec(&c, 0);
    expect_s(a, "claims.0.claim_id", "MVC132-0145454");
    expect_s(a, "claims.0.status.0.entity", "PRP");
    expect_b(a, "claims.0.accepted", 1);
    expect_i(a, "accepted_qty", 4);
    expect_s(a, "providers.0.status.0.code", "562");
    coll_free(&c);
}

Test(x12_ack277, three_composites_and_rejection_anywhere)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "BHT*0085*08*B1*20240102*1200*TH~"
                                   "HL*1**20*1~NM1*PR*2*PAYER*****PI*P1~TRN*1*T1~DTP*050*D8*20240102~DTP*009*D8*20240102~"
                                   "HL*2*1*21*1~NM1*41*2*SUBMITTER*****46*S1~TRN*2*T2~STC*A1:19*20240102*WQ*300~QTY*90*1~QTY*AA*1~AMT*YU*100~AMT*YY*200~"
                                   "HL*3*2*19*1~NM1*85*2*CLINIC*****XX*1234567893~TRN*1*T3~QTY*QA*1~QTY*QC*1~AMT*YU*100~AMT*YY*200~"
                                   "HL*4*3*PT~NM1*QC*1*DOE*JANE****MI*M1~TRN*2*PCN1~STC*A2:20*20240102*WQ*100~REF*1K*ICN1~REF*D9*CH1~DTP*472*RD8*20231201-20231202~"
                                   "HL*5*3*PT~NM1*QC*1*ROE*RICK****MI*M2~TRN*2*PCN2~STC*A1:19*20240102*WQ*200******A7:21:IL*A3:145~"
                                   "SVC*HC:99213:25*200~STC*A7:454*20240102*U~REF*FJ*LINE1~DTP*472*D8*20231203~")), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    expect_i(a, "accepted_qty", 1);
    expect_i(a, "rejected_qty", 1);
    expect_i(a, "accepted_cents", 10000);
    expect_i(a, "rejected_cents", 20000);
    expect_i(a, "providers.0.accepted_qty", 1);
    expect_i(a, "providers.0.rejected_cents", 20000);
    expect_s(a, "claims.0.claim_id", "PCN1");
    expect_s(a, "claims.0.clearinghouse_id", "CH1");
    expect_s(a, "claims.0.service_from", "2023-12-01");
    expect_s(a, "claims.0.service_to", "2023-12-02");
    expect_b(a, "claims.0.accepted", 1);
    cr_assert_eq(jlen(a, "claims.1.status"), 3);
    expect_i(a, "claims.1.status.0.element", 1);
    expect_s(a, "claims.1.status.1.category", "A7");
    expect_s(a, "claims.1.status.1.entity", "IL");
    expect_i(a, "claims.1.status.1.element", 10);
    expect_s(a, "claims.1.status.2.category", "A3");
    expect_i(a, "claims.1.status.2.element", 11);
    expect_s(a, "claims.1.status.2.date", "2024-01-02"); /* STC02 applies to every composite */
    expect_b(a, "claims.1.accepted", 0);
    expect_b(a, "claims.1.rejected", 1);
    expect_s(a, "claims.1.lines.0.modifiers.0", "25");
    expect_s(a, "claims.1.lines.0.line_id", "LINE1");
    expect_s(a, "claims.1.lines.0.service_from", "2023-12-03");
    expect_s(a, "claims.1.lines.0.status.0.category", "A7");
    expect_absent(a, "claims.1.service_from");
    expect_i(a, "claims_accepted", 1);
    expect_i(a, "claims_rejected", 1);
    coll_free(&c);
}

Test(x12_ack277, line_rejection_rejects_the_claim)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*1~HL*2*1*21*1~HL*3*2*19*1~HL*4*3*PT~TRN*2*PCN1~STC*A2:20*20240102*WQ*100~"
                                   "SVC*HC:99213*100~STC*A8:513*20240102*U~")), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    expect_b(a, "claims.0.accepted", 0);
    expect_b(a, "claims.0.rejected", 1);
    coll_free(&c);
}

Test(x12_ack277, hl_problems_are_located)
{
    /* segments: ISA 1 GS 2 ST 3, then HL 4..8 */
    coll c;
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*1~HL*2*1*21*1~HL*4*2*19*1~HL*5*9*PT~HL*6*2*PT~TRN*2*X~STC*A2:20~HL*7*6*99~")), 0);
    expect_prob(&c, 6, 1, "I12", "HL01 is 4, expected 3");
    expect_prob(&c, 7, 2, "I12", "'9' is not the number of an earlier HL");
    expect_prob(&c, 8, 2, "I12", "level 'PT' sits under level '21'");
    expect_prob(&c, 11, 3, "I6", "'99' is not a level this transaction uses (20, 21, 19, PT)");
    /* the PT at segment 7 has no claim: reported when the next HL begins */
    expect_prob(&c, 8, 0, "3", "no claim status");
    coll_free(&c);

    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*0~HL*2*1*21*1~HL*3**19*1~HL*X*3*PT~")), 0);
    expect_prob(&c, 5, 2, "I12", "says it has no children");
    expect_prob(&c, 6, 2, "I9", "needs a parent");
    expect_prob(&c, 7, 1, "6", "'X' is not an HL number");
    coll_free(&c);
}

Test(x12_ack277, claim_structure_problems)
{
    coll c;
    /* a claim without STC (closed by the SE at 9); STC without TRN (segment 10 of the second set) */
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*1~HL*2*1*21*1~HL*3*2*19*1~HL*4*3*PT~TRN*2*PCN1~")), 0);
    expect_prob(&c, 9, 0, "3", "claim 'PCN1'");
    coll_free(&c);

    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*1~HL*2*1*21*1~HL*3*2*19*1~HL*4*3*PT~STC*A2:20*20240102*WQ*1~TRN*2*PCN1~STC*A1:19~")), 0);
    expect_prob(&c, 8, 0, "3", "without a claim tracking number");
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), 2);
    expect_s(a, "claims.1.claim_id", "PCN1");
    coll_free(&c);

    /* bad values */
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X214",
                                   "HL*1**20*1~HL*2*1*21*1~QTY*90*1.5~QTY*ZZ*1~AMT*YU*abc~HL*3*2*19*1~HL*4*3*PT~"
                                   "TRN*2*PCN1~STC*:20*2024*WQ*12.345~STC*A2~DTP*472*D9*20240101~")), 0);
    expect_prob(&c, 6, 2, "6", "'1.5' is not a number of claims");
    expect_prob(&c, 7, 1, "7", "'ZZ' is not a claim count qualifier");
    expect_prob(&c, 8, 2, "6", "'abc' is not an amount");
    const prob *p = find_prob(&c, 12, 1, "1");
    cr_assert_not_null(p);
    cr_assert_eq(p->component, 1);
    expect_prob(&c, 12, 2, "8", "'2024' is not a date");
    expect_prob(&c, 12, 4, "6", "more than 2 decimal places");
    p = find_prob(&c, 13, 1, "1");
    cr_assert_not_null(p);
    cr_assert_eq(p->component, 2);
    expect_prob(&c, 14, 2, "7", "'D9' is not a date format");
    coll_free(&c);
}

Test(x12_ack277, other_277_versions_read_structurally)
{
    coll c;
    cr_assert_eq(read_mem(&c, wrap("HN", "277", "005010X213",
                                   "HL*1**20*1~HL*2*1*21*1~STC*R4:18~")), 0);
    expect_clean(&c);
    cr_assert_eq(c.n277, 0);
    cr_assert_eq(c.ngen, 1);
    json_t *g = rec(&c, 0);
    expect_s(g, "st_id", "277");
    expect_s(g, "version", "005010X213");
    expect_i(g, "stc_count", 1);
    coll_free(&c);
}

Test(x12_ack277, large_277ca_one_set)
{
    enum { N = 20000 };
    size_t cap = (size_t)N * 160 + 4096, n = 0;
    char *segs = malloc(cap);
    cr_assert_not_null(segs);
    n += (size_t)snprintf(segs + n, cap - n, "HL*1**20*1~HL*2*1*21*1~HL*3*2*19*1~NM1*85*2*CLINIC*****XX*1234567893~");
    for (int i = 0; i < N; i++)
        n += (size_t)snprintf(segs + n, cap - n,
                              "HL*%d*3*PT~NM1*QC*1*DOE*JANE****MI*M%d~TRN*2*PCN%d~STC*%s*20240102*WQ*10~",
                              i + 4, i, i, i % 10 == 0 ? "A7:562:85" : "A2:20");
    int k = 0;
    for (size_t i = 0; i < n; i++)
        k += segs[i] == '~';
    size_t tcap = n + 1024;
    char *text = malloc(tcap);
    cr_assert_not_null(text);
    snprintf(text, tcap,
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~"
             "GS*HN*S*R*20240101*1200*1*X*005010X214~ST*277*0001*005010X214~%sSE*%d*0001~GE*1*1~IEA*1*000000001~",
             segs, k + 2);
    coll c;
    cr_assert_eq(read_mem(&c, text), 0);
    expect_clean(&c);
    json_t *a = rec(&c, 0);
    cr_assert_eq(jlen(a, "claims"), N);
    expect_i(a, "claims_rejected", N / 10);
    expect_i(a, "claims_accepted", N - N / 10);
    expect_s(a, "claims.19999.claim_id", "PCN19999");
    expect_i(a, "providers.0.n_claims", N);
    coll_free(&c);
    free(text);
    free(segs);
}

/* ================================ TA1 ================================ */

Test(x12_ta1, uhin_sample)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "uhin-x12-parser-library/TA1.edi"), 0);
    cr_assert_eq(c.nta1, 1);
    json_t *t = rec(&c, 0);
    expect_s(t, "type", "ta1");
    expect_s(t, "control", "000000100");
    expect_s(t, "date", "2003-08-09");
    expect_s(t, "time", "0823");
    expect_s(t, "status", "R");
    expect_s(t, "note", "024");
    expect_s(t, "isa_control", "000000007");
    expect_i(t, "segment", 2);
    for (int i = 0; i < c.n_probs; i++)
        cr_assert_str_neq(c.probs[i].seg_id, "TA1", "TA1 problem: %s", c.probs[i].msg);
    coll_free(&c);
}

Test(x12_ta1, oopfactory_sample_two_ta1s)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "oopfactory-x12parser/TA1_TechnicalAcknowledgment_Sample1.txt"), 0);
    cr_assert_eq(c.nta1, 2);
    json_t *t = rec(&c, 1);
    expect_s(t, "control", "0660");
    expect_s(t, "date", "2011-09-22");
    expect_s(t, "status", "A");
    expect_absent(t, "note");
    expect_prob(&c, 2, 1, "4", "'0659' is not an interchange control number");
    expect_prob(&c, 3, 5, "1", "note code");
    const prob *p = find_prob(&c, 2, 2, "4");
    cr_assert_not_null(p);
    cr_assert_eq(p->severity, RCM_SEV_WARNING);
    coll_free(&c);
}

Test(x12_ta1, bad_values_are_located)
{
    static const char isa[] =
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*P*:~";
    char text[512];
    coll c;
    snprintf(text, sizeof(text), "%sTA1*000000005*240230*2561*Q*999~IEA*0*000000001~", isa);
    cr_assert_eq(read_mem(&c, text), 0);
    cr_assert_eq(c.nta1, 1);
    expect_prob(&c, 2, 2, "8", "'240230' is not a date");
    expect_prob(&c, 2, 3, "9", "'2561' is not a time");
    expect_prob(&c, 2, 4, "7", "'Q' is not an interchange acknowledgment code");
    expect_prob(&c, 2, 5, "7", "'999' is not an interchange note code");
    json_t *t = rec(&c, 0);
    expect_absent(t, "status");
    expect_absent(t, "date");
    coll_free(&c);

    snprintf(text, sizeof(text), "%sTA1*000000005*240229*2359*A*005~TA1*000000006*240229*2359*R*000~"
                                 "TA1*000000007*240229*2359*E*022~IEA*0*000000001~", isa);
    cr_assert_eq(read_mem(&c, text), 0);
    cr_assert_eq(c.nta1, 3);
    cr_assert_eq(n_errors(&c), 0);
    const prob *p = find_prob(&c, 2, 5, "I12");
    cr_assert_not_null(p);
    cr_assert_eq(p->severity, RCM_SEV_WARNING);
    cr_assert_not_null(find_prob(&c, 3, 5, "I12"));
    cr_assert_null(find_prob(&c, 4, 5, NULL));
    expect_s(rec(&c, 0), "date", "2024-02-29");
    expect_s(rec(&c, 2), "status", "E");
    coll_free(&c);
}

/* ============================= structural ============================= */

Test(x12_generic, x270_4010_reads_structurally)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "imsweb-x12-parser/x270.txt"), 0);
    cr_assert_eq(c.ngen, 1);
    json_t *g = rec(&c, 0);
    expect_s(g, "type", "generic");
    expect_s(g, "st_id", "270");
    expect_s(g, "version", "004010X092A1"); /* no ST03 in 4010: GS08 */
    expect_i(g, "hl_count", 3);
    expect_i(g, "hl_by_level.20", 1);
    expect_i(g, "hl_by_level.21", 1);
    expect_i(g, "hl_by_level.22", 1);
    expect_i(g, "eq_count", 1);
    expect_i(g, "trn_count", 1);
    expect_i(g, "segments", 14);
    const prob *p = find_prob(&c, 1, 12, "017");
    cr_assert_not_null(p);
    cr_assert_eq(p->severity, RCM_SEV_WARNING);
    coll_free(&c);
}

Test(x12_generic, eligibility_samples)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/dependent-health-benefit-check.271"), 0);
    expect_clean(&c);
    json_t *g = rec(&c, 0);
    expect_s(g, "st_id", "271");
    expect_i(g, "eb_count", 5);
    expect_i(g, "eb_active", 2);
    expect_i(g, "eb_inactive", 0);
    expect_i(g, "ins_count", 1);
    expect_i(g, "hl_by_level.23", 1);
    expect_i(g, "segments", 28);
    coll_free(&c);

    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/subscriber-health-benefit-check-error.271"), 0);
    g = rec(&c, 0);
    expect_i(g, "aaa_count", 1);
    expect_i(g, "eb_count", 0);
    coll_free(&c);

    cr_assert_eq(read_file(&c, SAMPLES "oopfactory-x12parser/270_5010_Example1_IG_0x1D.txt"), 0);
    cr_assert_eq(n_errors(&c), 0);
    g = rec(&c, 0);
    expect_i(g, "segments", 13);
    expect_i(g, "eq_count", 1);
    coll_free(&c);

    cr_assert_eq(read_file(&c, SAMPLES "node-x12/271.edi"), 0);
    g = rec(&c, 0);
    expect_i(g, "eb_count", 9);
    expect_i(g, "eb_active", 3);
    coll_free(&c);
}

Test(x12_generic, status_request_276)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "linuxforhealth-x12/claim-level-status.276"), 0);
    expect_clean(&c);
    json_t *g = rec(&c, 0);
    expect_s(g, "st_id", "276");
    expect_i(g, "hl_count", 8);
    expect_i(g, "hl_by_level.19", 2);
    expect_i(g, "hl_by_level.22", 3);
    expect_i(g, "hl_by_level.23", 1);
    expect_i(g, "trn_count", 3);
    coll_free(&c);
}

Test(x12_generic, enrollment_834_several_sets)
{
    coll c;
    cr_assert_eq(read_file(&c, SAMPLES "pyx12/multiple_st_loops.txt"), 0);
    cr_assert_eq(c.ngen, 4);
    for (size_t i = 0; i < 4; i++) {
        expect_s(rec(&c, i), "st_id", "834");
        expect_i(rec(&c, i), "ins_count", 1);
        expect_i(rec(&c, i), "hl_count", 0);
    }
    coll_free(&c);
}

Test(x12_generic, hl_numbering_problems)
{
    /* segments: HL 4..8 */
    coll c;
    cr_assert_eq(read_mem(&c, wrap("HS", "270", "005010X279A1",
                                   "HL*1**20*1~HL*3*1*21*1~HL*4*9*22*0~HL*5*4*23*0~HL*6*3*19~EQ*30~")), 0);
    expect_prob(&c, 5, 1, "I12", "HL01 is 3, expected 2");
    expect_prob(&c, 6, 2, "I12", "'9' is not the number of an earlier HL");
    expect_prob(&c, 7, 2, "I12", "parent HL 4 says it has no children");
    expect_prob(&c, 8, 3, "I6", "'19' is not a level this transaction uses (20, 21, 22, 23)");
    json_t *g = rec(&c, 0);
    expect_i(g, "hl_count", 5);
    expect_i(g, "hl_by_level.19", 1);
    expect_i(g, "eq_count", 1);
    coll_free(&c);

    /* a set without level rules still gets the numbering checks */
    cr_assert_eq(read_mem(&c, wrap("HC", "856", "005010", "HL*1**S~HL*1*1*O~HL*3*2*I~")), 0);
    expect_prob(&c, 5, 1, "I12", "expected 2");
    expect_prob(&c, 6, 2, "I12", NULL);
    coll_free(&c);
}

Test(x12_generic, every_ack_and_inquiry_sample_reads)
{
    static const struct {
        const char *path;
        int rc, n999, n277, nta1, ngen;
    } files[] = {
        { "imsweb-x12-parser/x12_999_accepted.txt", 0, 1, 0, 0, 0 },
        { "imsweb-x12-parser/x12_999_rejected.txt", 0, 1, 0, 0, 0 },
        { "imsweb-x12-parser/x12_277CA_accepted.txt", 0, 0, 1, 0, 0 },
        { "imsweb-x12-parser/x12_277CA_rejected.txt", 0, 0, 1, 0, 0 },
        { "imsweb-x12-parser/x12_277_x212.txt", 0, 0, 1, 0, 0 },
        { "imsweb-x12-parser/x270.txt", 0, 0, 0, 0, 1 },
        { "imsweb-x12-parser/x271.txt", 0, 0, 0, 0, 1 },
        { "oopfactory-x12parser/999_DHS_Wisconsin_Sample.txt", 0, 1, 0, 0, 0 },
        { "oopfactory-x12parser/TA1_TechnicalAcknowledgment_Sample1.txt", 0, 0, 0, 2, 0 },
        { "oopfactory-x12parser/270_5010_Example1_IG_0x1D.txt", 0, 0, 0, 0, 1 },
        /* ISA11 and ISA16 are both '^': refused by the tokenizer (rc -100: refused or read) */
        { "oopfactory-x12parser/271_5010_Example_3_2_2.txt", -100, 0, 0, 0, 1 },
        { "oopfactory-x12parser/276_5010_Example1_IG.txt", 0, 0, 0, 0, 1 },
        { "oopfactory-x12parser/277_5010_Deidentified_from_nth.txt", 0, 0, 1, 0, 0 },
        { "oopfactory-x12parser/277_5010_FromLatitude81uk.txt", 0, 0, 1, 0, 0 },
        { "uhin-x12-parser-library/TA1.edi", 0, 0, 0, 1, 0 },
        { "linuxforhealth-x12/claim-level-status-ncpdp.276", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/claim-level-status-ncpdp.277", 0, 0, 1, 0, 0 },
        { "linuxforhealth-x12/claim-level-status.276", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/claim-level-status.277", 0, 0, 1, 0, 0 },
        { "linuxforhealth-x12/cob-contractural-adjustment.835.997", 0, 0, 0, 0, 0 },
        { "linuxforhealth-x12/demo-single-line.270", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/dependent-health-benefit-check.270", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/dependent-health-benefit-check.271", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/information-receiver-level-status.276", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/information-receiver-level-status.277", 0, 0, 1, 0, 0 },
        { "linuxforhealth-x12/provider-level-status.276", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/provider-level-status.277", 0, 0, 1, 0, 0 },
        { "linuxforhealth-x12/subscriber-health-benefit-check-error.271", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/subscriber-health-benefit-check.270", 0, 0, 0, 0, 1 },
        { "linuxforhealth-x12/subscriber-health-benefit-check.271", 0, 0, 0, 0, 1 },
        { "node-x12/271.edi", 0, 0, 0, 0, 1 },
        { "badx12/X279-error-response-from-payer-to-clinic-not-eligible-for-inquiries-with-payer.edi", 0, 0, 0, 0, 1 },
        { "badx12/X279-generic-request-by-clinic-for-patient-(subscriber)-eligibility.edi", 0, 0, 0, 0, 1 },
        { "badx12/X279-generic-request-by-physician-for-patient-(dependent)-eligibility.edi", 0, 0, 0, 0, 1 },
        { "badx12/X279-response-to-generic-request-by-clinic-for-patient-(subscriber)-eligibility.edi", 0, 0, 0, 0, 1 },
        { "badx12/X279-response-to-generic-request-by-physician-for-patient-(dependent)-eligibility.edi", 0, 0, 0, 0, 1 },
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), SAMPLES "%s", files[i].path);
        coll c;
        int rc = read_file(&c, path);
        if (files[i].rc == -100) {
            cr_assert(rc == RCM_ESYNTAX || (rc == 0 && c.ngen == 1), "%s: rc %d", files[i].path, rc);
            coll_free(&c);
            continue;
        }
        cr_assert_eq(rc, files[i].rc, "%s: rc %d", files[i].path, rc);
        cr_assert_eq(c.n999, files[i].n999, "%s: %d 999s", files[i].path, c.n999);
        cr_assert_eq(c.n277, files[i].n277, "%s: %d 277s", files[i].path, c.n277);
        cr_assert_eq(c.nta1, files[i].nta1, "%s: %d TA1s", files[i].path, c.nta1);
        cr_assert_eq(c.ngen, files[i].ngen, "%s: %d generic", files[i].path, c.ngen);
        for (int k = 0; k < c.n_probs; k++)
            cr_assert(c.probs[k].msg[0], "%s: a problem without a message", files[i].path);
        coll_free(&c);
    }
}

/* ================================ JSON ================================ */

Test(x12_ack_json, shapes_and_left_out_keys)
{
    rcm_ack999 a;
    memset(&a, 0, sizeof(a));
    snprintf(a.st_id, sizeof(a.st_id), "999");
    json_t *j = rcm_ack999_to_json(&a);
    cr_assert_not_null(j);
    expect_s(j, "type", "999");
    cr_assert_eq(jlen(j, "sets"), 0);
    expect_absent(j, "group_status");
    expect_absent(j, "included");
    expect_absent(j, "group_codes");
    json_decref(j);

    rcm_ta1 t;
    memset(&t, 0, sizeof(t));
    t.date = RCM_DATE_NONE;
    t.status = 'A';
    snprintf(t.note, sizeof(t.note), "000");
    j = rcm_ta1_to_json(&t);
    expect_s(j, "status", "A");
    expect_s(j, "note", "000");
    expect_absent(j, "date");
    expect_absent(j, "control");
    json_decref(j);

    rcm_ack_status st;
    memset(&st, 0, sizeof(st));
    st.date = st.adjudication_date = st.check_date = RCM_DATE_NONE;
    snprintf(st.category, sizeof(st.category), "A7");
    snprintf(st.free_text, sizeof(st.free_text), "caf\xe9"); /* Latin-1: not UTF-8 */
    st.element = 1;
    rcm_ack_claim cl;
    memset(&cl, 0, sizeof(cl));
    cl.service_from = cl.service_to = RCM_DATE_NONE;
    cl.status = &st;
    cl.n_status = 1;
    cl.provider = -1;
    cl.rejected = 1;
    rcm_ack277 r;
    memset(&r, 0, sizeof(r));
    r.bht_date = r.received_date = r.processed_date = RCM_DATE_NONE;
    r.claims = &cl;
    r.n_claims = 1;
    r.has_rejected_amount = 1;
    r.rejected_cents = -5;
    j = rcm_ack277_to_json(&r);
    cr_assert_not_null(j);
    expect_s(j, "claims.0.status.0.free_text", "caf?");
    expect_absent(j, "claims.0.status.0.amount_cents");
    expect_absent(j, "claims.0.charge_cents");
    expect_absent(j, "claims.0.provider");
    expect_b(j, "claims.0.rejected", 1);
    expect_i(j, "rejected_cents", -5);
    expect_absent(j, "accepted_cents");
    expect_absent(j, "receiver_status");
    cr_assert_eq(jlen(j, "providers"), 0);
    cr_assert_eq(jlen(j, "claims.0.lines"), 0);
    json_decref(j);

    rcm_x12_generic g;
    memset(&g, 0, sizeof(g));
    g.hl_by_level[RCM_HL_PT] = 2;
    g.hl_by_level[RCM_HL_OTHER] = 1;
    j = rcm_x12_generic_to_json(&g);
    expect_i(j, "hl_by_level.PT", 2);
    expect_i(j, "hl_by_level.other", 1);
    expect_i(j, "hl_by_level.20", 0);
    json_decref(j);
}
