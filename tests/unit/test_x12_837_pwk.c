/*
 * PWK attachments (rcm_attachment) end to end: the 837 reader keeps them at
 * claim (2300) and line (2400) level and reports codes outside the guide's
 * lists, the writer puts them back in the guide's place and refuses what it
 * cannot write validly, and the claims JSON carries them both ways. The
 * hand-written sample is tests/data/x12/rcm/attachments.837. Tests run from
 * the repository root.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/json.h"
#include "rcm/x12write.h"

#define PWK_SAMPLE "tests/data/x12/rcm/attachments.837"

/* ---- helpers ---- */

typedef struct pwk_got {
    json_t *claims;             /* claims as JSON, in order */
    json_t *problems;           /* "SEG/ELEMENT/CODE: msg", errors only */
} pwk_got;

static int pwk_on_claim(void *ctx, const rcm_claim *c)
{
    pwk_got *g = ctx;
    json_array_append_new(g->claims, rcm_claim_to_json(c));
    return 0;
}

static int pwk_on_problem(void *ctx, const rcm_x12_problem *p)
{
    pwk_got *g = ctx;
    if (p->severity != RCM_SEV_ERROR)
        return 0;
    char tmp[400];
    snprintf(tmp, sizeof(tmp), "%s/%d/%s: %s", p->seg_id, p->element, p->code, p->msg);
    json_array_append_new(g->problems, json_string(tmp));
    return 0;
}

static void pwk_read(pwk_got *g, rcm_x12_reader *r)
{
    g->claims = json_array();
    g->problems = json_array();
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.claim = pwk_on_claim;
    cb.problem = pwk_on_problem;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_read(r, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(r);
}

static void pwk_read_mem(pwk_got *g, const char *buf, size_t len)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&r, buf, len, "mem", &err), 0, "%s", err.msg);
    pwk_read(g, r);
}

static void pwk_read_file(pwk_got *g, const char *path)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_file(&r, path, &err), 0, "%s: %s (run the tests from the repository root)", path,
                 err.msg);
    pwk_read(g, r);
}

static void pwk_free(pwk_got *g)
{
    json_decref(g->claims);
    json_decref(g->problems);
}

static char *pwk_dump(const json_t *j)
{
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    cr_assert_not_null(s);
    return s;
}

/* Asserts that the JSON value at key of o (compact, sorted keys) is want; want NULL: absent. */
static void pwk_expect_json(const json_t *o, const char *key, const char *want, const char *what)
{
    json_t *v = json_object_get(o, key);
    if (!want) {
        cr_expect_null(v, "%s: %s should be absent", what, key);
        return;
    }
    cr_assert_not_null(v, "%s: %s is absent", what, key);
    char *got = pwk_dump(v);
    cr_expect_str_eq(got, want, "%s: %s", what, key);
    free(got);
}

/* Wraps an 837 set body in ISA/GS/ST ... SE/GE/IEA for version (SE01 counted). */
static char *pwk_wrap(const char *version, const char *body)
{
    long n = 2;
    for (const char *p = body; *p; p++)
        n += *p == '~';
    size_t cap = strlen(body) + 512;
    char *out = malloc(cap);
    cr_assert_not_null(out);
    snprintf(out, cap,
             "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~"
             "GS*HC*SENDER*RECEIVER*20240101*1200*1*X*%s~ST*837*0001*%s~%sSE*%ld*0001~GE*1*1~IEA*1*000000001~",
             version, version, body, n);
    return out;
}

#define PWK_HEAD "BHT*0019*00*1*20240101*1200*CH~NM1*41*2*S*****46*S1~PER*IC**TE*5551234567~NM1*40*2*R*****46*R1~" \
                 "HL*1**20*1~NM1*85*2*BILLING*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*TN*372031234~REF*EI*123456789~" \
                 "HL*2*1*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~NM1*PR*2*PAYER*****PI*P1~"
#define PWK_CLM_P "CLM*C1*100***11:B:1*Y*A*Y*Y~"
#define PWK_HI "HI*ABK:R69~"
#define PWK_LINE_P "LX*1~SV1*HC:99213*100*UN*1***1~"
#define PWK_DTP_P "DTP*472*D8*20240101~"
#define PWK_CLM_I "CLM*C1*100***13:A:1**A*Y*Y~DTP*434*RD8*20240101-20240101~CL1*1*7*01~"
#define PWK_LINE_I "LX*1~SV2*0450*HC:99283*100*UN*1~"

static void pwk_opts(rcm_x12_write_opts *o, char kind)
{
    rcm_x12_write_opts_init(o, kind);
    o->date = rcm_date_from_ymd(2024, 3, 11);
    memcpy(o->time, "1415", 5);
    o->usage = 'T';
    o->newline = 1;
}

/* Writes the claims (n) with o: the output (caller frees), or NULL with err set by the first refusal. */
static char *pwk_write(const rcm_x12_write_opts *o, rcm_claim **c, size_t n, rcm_error *err)
{
    rcm_x12_writer *w = NULL;
    cr_assert_eq(rcm_x12_writer_new(&w, o, err), 0, "%s", err->msg);
    for (size_t i = 0; i < n; i++)
        if (rcm_x12_writer_add(w, c[i], err) < 0) {
            rcm_x12_writer_free(w);
            return NULL;
        }
    cr_assert_eq(rcm_x12_writer_finish(w, err), 0, "%s", err->msg);
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    cr_assert_eq(rcm_x12_writer_take(w, &b), 0);
    rcm_x12_writer_free(w);
    char *s = strdup(b.ptr);
    rcm_buf_release(&b);
    return s;
}

static rcm_claim *pwk_claim(const json_t *j)
{
    rcm_claim *c = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_claim_from_json(&c, j, &err), 0, "%s", err.msg);
    return c;
}

/* The transaction set of an interchange: from "ST*" to the end of the SE segment. */
static char *pwk_set(const char *x)
{
    const char *st = strstr(x, "ST*837*");
    cr_assert_not_null(st);
    const char *se = strstr(st, "SE*");
    cr_assert_not_null(se);
    const char *end = strchr(se, '~');
    cr_assert_not_null(end);
    return strndup(st, (size_t)(end - st) + 1);
}

/* The PWK segments of x, each ending in '~' (newlines dropped). */
static char *pwk_segments(const char *x)
{
    char *out = calloc(1, strlen(x) + 1);
    size_t n = 0;
    for (const char *p = strstr(x, "PWK*"); p; p = strstr(p + 1, "PWK*")) {
        if (p != x && p[-1] != '~' && p[-1] != '\n')
            continue;
        const char *e = strchr(p, '~');
        memcpy(out + n, p, (size_t)(e - p) + 1);
        n += (size_t)(e - p) + 1;
    }
    return out;
}

/* ---- the reader ---- */

Test(x12_837_pwk, sample_claim_and_line_attachments)
{
    pwk_got g;
    pwk_read_file(&g, PWK_SAMPLE);
    cr_assert_eq(json_array_size(g.problems), 0, "%s", pwk_dump(g.problems));
    cr_assert_eq(json_array_size(g.claims), 2);
    json_t *c1 = json_array_get(g.claims, 0), *c2 = json_array_get(g.claims, 1);
    pwk_expect_json(c1, "attachments",
                    "[{\"control\":\"OPN20240311A\",\"report_type\":\"OB\",\"transmission\":\"FX\"},"
                    "{\"control\":\"RAD5531\",\"report_type\":\"RR\",\"transmission\":\"EL\"}]",
                    "ATT-1001");
    json_t *lines = json_object_get(c1, "lines");
    pwk_expect_json(json_array_get(lines, 0), "attachments",
                    "[{\"control\":\"ORD0042\",\"report_type\":\"B3\",\"transmission\":\"BM\"}]", "ATT-1001 line 1");
    pwk_expect_json(json_array_get(lines, 1), "attachments",
                    "[{\"report_type\":\"OZ\",\"transmission\":\"AA\"},"
                    "{\"control\":\"NAV-LOG-0311\",\"report_type\":\"DG\",\"transmission\":\"FT\"}]",
                    "ATT-1001 line 2");
    /* the segments around the PWKs are read as before */
    pwk_expect_json(c1, "prior_auth", "\"AUTH88120\"", "ATT-1001");
    pwk_expect_json(json_array_get(lines, 1), "control", "\"ATT1001-2\"", "ATT-1001 line 2");
    pwk_expect_json(json_array_get(lines, 1), "from", "\"2024-03-11\"", "ATT-1001 line 2");
    /* the next claim starts empty: nothing of the first one's attachments is left */
    pwk_expect_json(c2, "attachments",
                    "[{\"control\":\"EOB-PRI-778\",\"report_type\":\"EB\",\"transmission\":\"EM\"}]", "ATT-1002");
    pwk_expect_json(json_array_get(json_object_get(c2, "lines"), 0), "attachments", NULL, "ATT-1002 line 1");
    pwk_free(&g);
}

Test(x12_837_pwk, institutional_claim_and_line)
{
    char *x = pwk_wrap("005010X223A2", PWK_HEAD PWK_CLM_I "PWK*DS*BM***AC*DS1~PWK*OZ*AA~" PWK_HI
                                       PWK_LINE_I "PWK*RT*EL***AC*RT9~DTP*472*D8*20240101~");
    pwk_got g;
    pwk_read_mem(&g, x, strlen(x));
    cr_assert_eq(json_array_size(g.problems), 0, "%s", pwk_dump(g.problems));
    json_t *c = json_array_get(g.claims, 0);
    pwk_expect_json(c, "kind", "\"institutional\"", "837I");
    pwk_expect_json(c, "attachments",
                    "[{\"control\":\"DS1\",\"report_type\":\"DS\",\"transmission\":\"BM\"},"
                    "{\"report_type\":\"OZ\",\"transmission\":\"AA\"}]",
                    "837I");
    pwk_expect_json(json_array_get(json_object_get(c, "lines"), 0), "attachments",
                    "[{\"control\":\"RT9\",\"report_type\":\"RT\",\"transmission\":\"EL\"}]", "837I line");
    /* and back: the writer puts the 2300 PWKs after CL1, the 2400 one after SV2 */
    rcm_claim *cl = pwk_claim(c);
    rcm_x12_write_opts o;
    pwk_opts(&o, 'I');
    o.zip5_ok = 1;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char *out = pwk_write(&o, &cl, 1, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_expect_not_null(strstr(out, "CL1*1*7*01~\nPWK*DS*BM***AC*DS1~\nPWK*OZ*AA~\n"), "%s", out);
    cr_expect_not_null(strstr(out, "SV2*0450*HC:99283*100*UN*1~\nPWK*RT*EL***AC*RT9~\nDTP*472"), "%s", out);
    pwk_got back;
    pwk_read_mem(&back, out, strlen(out));
    cr_assert_eq(json_array_size(back.problems), 0, "%s", pwk_dump(back.problems));
    json_t *b = json_array_get(back.claims, 0);
    json_object_del(b, "source");
    json_object_del(c, "source");
    cr_expect(json_equal(b, c), "837I round trip:\nwant %s\ngot  %s", pwk_dump(c), pwk_dump(b));
    pwk_free(&back);
    free(out);
    rcm_claim_free(cl);
    pwk_free(&g);
    free(x);
}

/*
 * One PWK (or several) in a small claim, and the problems it must raise
 * (each "SEG/ELEMENT/CODE: msg"); NULL: no problem at all. The attachments
 * are kept either way (att is the JSON of the loop's attachments).
 */
static const struct {
    const char *name, *version, *claim_pwk, *line_pwk, *problem, *att;
} pwk_cases[] = {
    /* must not fire */
    { "claim level, control number", "005010X222A1", "PWK*OB*FX***AC*OP1~", "", NULL,
      "[{\"control\":\"OP1\",\"report_type\":\"OB\",\"transmission\":\"FX\"}]" },
    { "available on request needs no control number", "005010X222A1", "PWK*OZ*AA~", "", NULL,
      "[{\"report_type\":\"OZ\",\"transmission\":\"AA\"}]" },
    { "837P line DME certificate indicator", "005010X222A1", "", "PWK*CT*AD~", NULL,
      "[{\"report_type\":\"CT\",\"transmission\":\"AD\"}]" },
    { "certificate indicator: PWK05/PWK06 not used, not read", "005010X222A1", "", "PWK*CT*NS***AC*X~", NULL,
      "[{\"report_type\":\"CT\",\"transmission\":\"NS\"}]" },
    { "837P line: 10 supplemental and a certificate indicator", "005010X222A1", "",
      "PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*CT*AB~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~"
      "PWK*OZ*AA~", NULL, NULL },
    { "837I line", "005010X223A2", "", "PWK*RR*EM***AC*R1~", NULL,
      "[{\"control\":\"R1\",\"report_type\":\"RR\",\"transmission\":\"EM\"}]" },
    /* must fire */
    { "bad report type", "005010X222A1", "PWK*ZZ*FX***AC*OP1~", "",
      "PWK/1/7: 'ZZ' is not an attachment report type code",
      "[{\"control\":\"OP1\",\"report_type\":\"ZZ\",\"transmission\":\"FX\"}]" },
    { "bad report type on a line", "005010X222A1", "", "PWK*9Z*EL***AC*L1~",
      "PWK/1/7: '9Z' is not an attachment report type code",
      "[{\"control\":\"L1\",\"report_type\":\"9Z\",\"transmission\":\"EL\"}]" },
    { "837I bad report type", "005010X223A2", "PWK*X1*BM~", "",
      "PWK/1/7: 'X1' is not an attachment report type code", "[{\"report_type\":\"X1\",\"transmission\":\"BM\"}]" },
    { "bad transmission", "005010X222A1", "PWK*OB*XX***AC*OP1~", "",
      "PWK/2/7: 'XX' is not an attachment transmission code (AA BM EL EM FT FX)", NULL },
    { "certificate code at claim level", "005010X222A1", "PWK*CT*AD~", "",
      "PWK/2/7: 'AD' is not an attachment transmission code (AA BM EL EM FT FX)", NULL },
    { "certificate code without CT", "005010X222A1", "", "PWK*OZ*AD~",
      "PWK/2/7: 'AD' is not an attachment transmission code (AA BM EL EM FT FX; AB AD AF AG NS with PWK01 CT)",
      NULL },
    { "837I has no certificate indicator", "005010X223A2", "", "PWK*CT*AD~",
      "PWK/2/7: 'AD' is not an attachment transmission code (AA BM EL EM FT FX)", NULL },
    { "PWK05 not AC", "005010X222A1", "PWK*OB*FX***ZZ*OP1~", "",
      "PWK/5/7: 'ZZ' is not an identification code qualifier (AC)", NULL },
    { "PWK05 without PWK06", "005010X222A1", "PWK*OB*FX***AC~", "",
      "PWK/6/2: PWK06 attachment control number is missing (PWK05 is present)", NULL },
    { "PWK06 without PWK05", "005010X222A1", "PWK*OB*FX****OP1~", "",
      "PWK/5/2: PWK05 is missing (AC, needed with the attachment control number)",
      "[{\"control\":\"OP1\",\"report_type\":\"OB\",\"transmission\":\"FX\"}]" },
    { "no report type", "005010X222A1", "PWK**FX~", "", "PWK/1/1: PWK01 attachment report type code is missing",
      "[{\"report_type\":\"\",\"transmission\":\"FX\"}]" },
    { "no transmission", "005010X222A1", "PWK*OB~", "", "PWK/2/1: PWK02 attachment transmission code is missing",
      NULL },
    { "too long: one problem, not two", "005010X222A1", "PWK*OBX*FX~", "",
      "PWK/1/5: 'OBX' is too long: at most 2 characters", "[{\"report_type\":\"OB\",\"transmission\":\"FX\"}]" },
    { "11 at claim level", "005010X222A1",
      "PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~"
      "PWK*OB*BM***AC*11~", "",
      "PWK/0/5: claim 'C1' has more than 10 attachments (PWK)", NULL },
    { "11 on a line", "005010X223A2", "",
      "PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~PWK*OZ*AA~"
      "PWK*OZ*AA~",
      "PWK/0/5: line 1 of claim 'C1' has more than 10 attachments (PWK)", NULL },
    { "two certificate indicators", "005010X222A1", "", "PWK*CT*AD~PWK*CT*AB~",
      "PWK/0/5: line 1 of claim 'C1' has more than one DME certificate indicator (PWK*CT)", NULL },
};

Test(x12_837_pwk, codes_are_checked_and_bad_ones_located)
{
    for (size_t i = 0; i < sizeof(pwk_cases) / sizeof(pwk_cases[0]); i++) {
        int inst = strcmp(pwk_cases[i].version, "005010X223A2") == 0;
        char body[4096];
        snprintf(body, sizeof(body), "%s%s%s%s%s%s%s", PWK_HEAD, inst ? PWK_CLM_I : PWK_CLM_P,
                 pwk_cases[i].claim_pwk, PWK_HI, inst ? PWK_LINE_I : PWK_LINE_P, pwk_cases[i].line_pwk,
                 inst ? "" : PWK_DTP_P);
        char *x = pwk_wrap(pwk_cases[i].version, body);
        pwk_got g;
        pwk_read_mem(&g, x, strlen(x));
        const char *name = pwk_cases[i].name, *want = pwk_cases[i].problem;
        if (!want) {
            cr_expect_eq(json_array_size(g.problems), 0, "%s: %s", name, pwk_dump(g.problems));
        } else {
            cr_expect_eq(json_array_size(g.problems), 1, "%s: %s", name, pwk_dump(g.problems));
            const char *got = json_string_value(json_array_get(g.problems, 0));
            cr_expect(got && strcmp(got, want) == 0, "%s: got '%s', want '%s'", name, got ? got : "(none)", want);
        }
        cr_assert_eq(json_array_size(g.claims), 1, "%s", name);
        json_t *c = json_array_get(g.claims, 0);
        json_t *line = json_array_get(json_object_get(c, "lines"), 0);
        cr_expect_not_null(line, "%s: the line is read", name);
        json_t *owner = pwk_cases[i].claim_pwk[0] ? c : line;
        json_t *att = json_object_get(owner, "attachments");
        size_t want_n = 0;
        for (const char *p = pwk_cases[i].claim_pwk[0] ? pwk_cases[i].claim_pwk : pwk_cases[i].line_pwk; *p; p++)
            want_n += *p == '~';
        cr_expect_eq(json_array_size(att), want_n, "%s: every PWK is kept", name);
        cr_expect_null(json_object_get(owner == c ? line : c, "attachments"), "%s: nothing on the other level", name);
        if (pwk_cases[i].att)
            pwk_expect_json(owner, "attachments", pwk_cases[i].att, name);
        pwk_free(&g);
        free(x);
    }
}

/* ---- 837 -> claim -> 837 ---- */

Test(x12_837_pwk, sample_round_trips_byte_for_byte)
{
    pwk_got g;
    pwk_read_file(&g, PWK_SAMPLE);
    cr_assert_eq(json_array_size(g.claims), 2);
    rcm_claim *c[2] = { pwk_claim(json_array_get(g.claims, 0)), pwk_claim(json_array_get(g.claims, 1)) };
    cr_assert_eq(c[0]->n_attachments, 2);
    cr_assert_eq(c[0]->lines[1].n_attachments, 2);
    cr_expect_str_eq(c[0]->lines[1].attachments[0].control, "");
    rcm_x12_write_opts o;
    pwk_opts(&o, 'P');
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char *out = pwk_write(&o, c, 2, &err);
    cr_assert_not_null(out, "%s", err.msg);
    /* the set as written is the set of the sample */
    FILE *f = fopen(PWK_SAMPLE, "rb");
    cr_assert_not_null(f);
    char in[16384];
    size_t n = fread(in, 1, sizeof(in) - 1, f);
    fclose(f);
    in[n] = '\0';
    char *a = pwk_set(in), *b = pwk_set(out);
    cr_expect_str_eq(b, a);
    char *segs = pwk_segments(out);
    cr_expect_str_eq(segs, "PWK*OB*FX***AC*OPN20240311A~PWK*RR*EL***AC*RAD5531~PWK*B3*BM***AC*ORD0042~"
                           "PWK*OZ*AA~PWK*DG*FT***AC*NAV-LOG-0311~PWK*EB*EM***AC*EOB-PRI-778~");
    /* and it reads back to the same claims */
    pwk_got back;
    pwk_read_mem(&back, out, strlen(out));
    cr_assert_eq(json_array_size(back.problems), 0, "%s", pwk_dump(back.problems));
    for (size_t i = 0; i < 2; i++) {
        json_t *want = json_array_get(g.claims, i), *got = json_array_get(back.claims, i);
        json_object_del(want, "source");
        json_object_del(got, "source");
        cr_expect(json_equal(want, got), "claim %zu:\nwant %s\ngot  %s", i, pwk_dump(want), pwk_dump(got));
    }
    pwk_free(&back);
    free(segs);
    free(a);
    free(b);
    free(out);
    rcm_claim_free(c[0]);
    rcm_claim_free(c[1]);
    pwk_free(&g);
}

/* ---- the writer ---- */

/* The sample's first claim, to edit. */
static rcm_claim *pwk_base(void)
{
    pwk_got g;
    pwk_read_file(&g, PWK_SAMPLE);
    rcm_claim *c = pwk_claim(json_array_get(g.claims, 0));
    pwk_free(&g);
    return c;
}

static rcm_attachment pwk_att[12];

static void pwk_fill(uint32_t n, const char *type, const char *trans, const char *control)
{
    for (uint32_t i = 0; i < n; i++) {
        snprintf(pwk_att[i].report_type, sizeof(pwk_att[i].report_type), "%s", type);
        snprintf(pwk_att[i].transmission, sizeof(pwk_att[i].transmission), "%s", trans);
        snprintf(pwk_att[i].control, sizeof(pwk_att[i].control), "%s", control);
    }
}

static void pwk_e_type(rcm_claim *c) { memcpy(c->attachments[1].report_type, "ZZ", 3); }
static void pwk_e_trans(rcm_claim *c) { c->lines[1].attachments[1].transmission[0] = '\0'; }
static void pwk_e_no_type(rcm_claim *c) { c->attachments[0].report_type[0] = '\0'; }
static void pwk_e_cmn_claim(rcm_claim *c)
{
    memcpy(c->attachments[0].report_type, "CT", 3);
    memcpy(c->attachments[0].transmission, "AD", 3);
}
static void pwk_e_cmn_other(rcm_claim *c) { memcpy(c->lines[0].attachments[0].transmission, "AG", 3); }
static void pwk_e_cmn_ctl(rcm_claim *c)
{
    memcpy(c->lines[0].attachments[0].report_type, "CT", 3);
    memcpy(c->lines[0].attachments[0].transmission, "AD", 3);
}
static void pwk_e_delim(rcm_claim *c) { memcpy(c->attachments[0].control, "OPN*1", 6); }
static void pwk_e_11(rcm_claim *c)
{
    pwk_fill(11, "OZ", "AA", "");
    c->attachments = pwk_att;
    c->n_attachments = 11;
}
static void pwk_e_2cmn(rcm_claim *c)
{
    pwk_fill(2, "CT", "AD", "");
    c->lines[0].attachments = pwk_att;
    c->lines[0].n_attachments = 2;
}

Test(x12_837_pwk, writer_refuses_what_it_cannot_write_validly)
{
    static const struct {
        void (*edit)(rcm_claim *);
        const char *msg;
    } t[] = {
        { pwk_e_type, "claim 'ATT-1001': attachments[1].report_type: 'ZZ' is not an attachment report type code "
                      "(PWK01)" },
        { pwk_e_trans, "claim 'ATT-1001': lines[1].attachments[1].transmission: missing (PWK02 attachment "
                       "transmission code)" },
        { pwk_e_no_type, "claim 'ATT-1001': attachments[0].report_type: missing (PWK01 attachment report type "
                         "code)" },
        { pwk_e_cmn_claim, "claim 'ATT-1001': attachments[0].transmission: 'AD' is not an attachment transmission "
                           "code (PWK02: AA BM EL EM FT FX)" },
        { pwk_e_cmn_other, "claim 'ATT-1001': lines[0].attachments[0].transmission: 'AG' is not an attachment "
                           "transmission code (PWK02: AA BM EL EM FT FX; AB AD AF AG NS with report_type CT)" },
        { pwk_e_cmn_ctl, "claim 'ATT-1001': lines[0].attachments[0].control: not used in 837P loop 2400 (PWK06 "
                         "of the DME certificate indicator)" },
        { pwk_e_delim, "claim 'ATT-1001': attachments[0].control: 'OPN*1' holds '*', a delimiter of this "
                       "interchange" },
        { pwk_e_11, "claim 'ATT-1001': attachments: 11 attachments, loop 2300 allows 10 (PWK)" },
        { pwk_e_2cmn, "claim 'ATT-1001': lines[0].attachments: 2 DME certificate indicators (report_type CT with "
                      "AB AD AF AG NS), 837P allows 1" },
    };
    rcm_x12_write_opts o;
    pwk_opts(&o, 'P');
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        rcm_claim *c = pwk_base();
        t[i].edit(c);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        char *out = pwk_write(&o, &c, 1, &err);
        cr_expect_null(out, "case %zu was written", i);
        cr_expect_eq(err.code, RCM_EINVAL, "case %zu", i);
        cr_expect_str_eq(err.msg, t[i].msg, "case %zu", i);
        free(out);
        rcm_claim_free(c);
    }
}

Test(x12_837_pwk, writer_limits_and_order)
{
    rcm_x12_write_opts o;
    pwk_opts(&o, 'P');
    rcm_error err;
    memset(&err, 0, sizeof(err));
    /* 10 at claim level is the most; on a line the certificate indicator goes after the others */
    rcm_claim *c = pwk_base();
    static rcm_attachment claim10[10], line3[3] = {
        { "CT", "AD", "" }, { "OZ", "AA", "" }, { "B3", "FX", "ORD9" } };
    for (int i = 0; i < 10; i++) {
        memcpy(claim10[i].report_type, "OZ", 3);
        memcpy(claim10[i].transmission, "EL", 3);
        snprintf(claim10[i].control, sizeof(claim10[i].control), "E%d", i);
    }
    c->attachments = claim10;
    c->n_attachments = 10;
    c->lines[0].attachments = line3;
    c->lines[0].n_attachments = 3;
    char *out = pwk_write(&o, &c, 1, &err);
    cr_assert_not_null(out, "%s", err.msg);
    cr_expect_not_null(strstr(out, "DTP*431*D8*20230915~\nPWK*OZ*EL***AC*E0~\nPWK*OZ*EL***AC*E1~\n"), "%s", out);
    cr_expect_not_null(strstr(out, "PWK*OZ*EL***AC*E9~\nREF*G1*AUTH88120~\n"), "%s", out);
    cr_expect_not_null(strstr(out, "SV1*HC:27447:RT*3500*UN*1***1:2~\nPWK*OZ*AA~\nPWK*B3*FX***AC*ORD9~\n"
                                   "PWK*CT*AD~\nDTP*472*D8*20240311~\n"), "%s", out);
    /* read back: the certificate indicator is last now, nothing else changed */
    pwk_got back;
    pwk_read_mem(&back, out, strlen(out));
    cr_assert_eq(json_array_size(back.problems), 0, "%s", pwk_dump(back.problems));
    json_t *bc = json_array_get(back.claims, 0);
    cr_expect_eq(json_array_size(json_object_get(bc, "attachments")), 10);
    pwk_expect_json(json_array_get(json_object_get(bc, "lines"), 0), "attachments",
                    "[{\"report_type\":\"OZ\",\"transmission\":\"AA\"},"
                    "{\"control\":\"ORD9\",\"report_type\":\"B3\",\"transmission\":\"FX\"},"
                    "{\"report_type\":\"CT\",\"transmission\":\"AD\"}]", "line 1");
    pwk_free(&back);
    free(out);
    /* an 837I line has no certificate indicator */
    rcm_claim *ci = NULL;
    {
        char *x = pwk_wrap("005010X223A2", PWK_HEAD PWK_CLM_I PWK_HI PWK_LINE_I);
        pwk_got g;
        pwk_read_mem(&g, x, strlen(x));
        ci = pwk_claim(json_array_get(g.claims, 0));
        pwk_free(&g);
        free(x);
    }
    ci->lines[0].attachments = line3;
    ci->lines[0].n_attachments = 1;
    rcm_x12_write_opts oi;
    pwk_opts(&oi, 'I');
    oi.zip5_ok = 1;
    out = pwk_write(&oi, &ci, 1, &err);
    cr_expect_null(out);
    cr_expect_str_eq(err.msg, "claim 'C1': lines[0].attachments[0].transmission: 'AD' is not an attachment "
                              "transmission code (PWK02: AA BM EL EM FT FX)");
    free(out);
    rcm_claim_free(ci);
    rcm_claim_free(c);
}

/* ---- claims JSON ---- */

Test(x12_837_pwk, json_round_trip_both_levels)
{
    const char *text =
        "{\"kind\":\"professional\",\"id\":\"C1\",\"charge_cents\":100,"
        "\"attachments\":[{\"report_type\":\"OB\",\"transmission\":\"FX\",\"control\":\"OP1\"},"
        "{\"report_type\":\"OZ\",\"transmission\":\"AA\"}],"
        "\"lines\":[{\"charge_cents\":100,\"units_milli\":1000,"
        "\"attachments\":[{\"report_type\":\"CT\",\"transmission\":\"AD\"},"
        "{\"report_type\":\"B3\",\"transmission\":\"BM\",\"control\":\"" /* 80 characters: the most */
        "A234567890123456789012345678901234567890123456789012345678901234567890123456789Z\"}]}]}";
    json_error_t je;
    json_t *j = json_loads(text, 0, &je);
    cr_assert_not_null(j, "%s", je.text);
    rcm_claim *c = pwk_claim(j);
    cr_assert_eq(c->n_attachments, 2);
    cr_expect_str_eq(c->attachments[0].report_type, "OB");
    cr_expect_str_eq(c->attachments[0].transmission, "FX");
    cr_expect_str_eq(c->attachments[0].control, "OP1");
    cr_expect_str_eq(c->attachments[1].control, "");
    cr_assert_eq(c->n_lines, 1);
    cr_assert_eq(c->lines[0].n_attachments, 2);
    cr_expect_str_eq(c->lines[0].attachments[0].report_type, "CT");
    cr_expect_eq(strlen(c->lines[0].attachments[1].control), 80);
    json_t *back = rcm_claim_to_json(c);
    cr_expect(json_equal(j, back), "want %s\ngot  %s", pwk_dump(j), pwk_dump(back));
    /* the key sits after codes on the claim and after adj on a line (table order) */
    char *s = json_dumps(back, JSON_COMPACT);
    cr_expect_not_null(strstr(s, "\"charge_cents\":100,\"attachments\":[{\"report_type\":\"OB\",\"transmission\":"
                                 "\"FX\",\"control\":\"OP1\"}"), "%s", s);
    free(s);
    json_decref(back);
    rcm_claim_free(c);
    json_decref(j);
    /* a claim without attachments writes no key */
    j = json_loads("{\"kind\":\"professional\",\"id\":\"C1\",\"charge_cents\":0,\"attachments\":[]}", 0, &je);
    c = pwk_claim(j);
    cr_expect_eq(c->n_attachments, 0);
    back = rcm_claim_to_json(c);
    cr_expect_null(json_object_get(back, "attachments"));
    json_decref(back);
    rcm_claim_free(c);
    json_decref(j);
}

Test(x12_837_pwk, json_errors_name_the_path)
{
    static const struct {
        const char *text, *msg;
    } t[] = {
        { "\"attachments\":[{\"transmission\":\"FX\"}]", "attachments[0].report_type: missing" },
        { "\"attachments\":[{\"report_type\":\"OB\"}]", "attachments[0].transmission: missing" },
        { "\"attachments\":[{\"report_type\":\"OB\",\"transmission\":\"FX\",\"ctrl\":\"1\"}]",
          "attachments[0].ctrl: unknown key" },
        { "\"attachments\":[{\"report_type\":\"OBX\",\"transmission\":\"FX\"}]",
          "attachments[0].report_type: 'OBX' is too long: at most 2 characters" },
        { "\"attachments\":{\"report_type\":\"OB\"}", "attachments: must be an array" },
        { "\"lines\":[{\"charge_cents\":1,\"units_milli\":1,\"attachments\":[{\"report_type\":\"OB\","
          "\"transmission\":7}]}]", "lines[0].attachments[0].transmission: must be a string" },
        { "\"lines\":[{\"charge_cents\":1,\"units_milli\":1,\"attachments\":[{\"report_type\":\"OB\","
          "\"transmission\":\"FX\",\"control\":\"A234567890123456789012345678901234567890123456789012345678901234"
          "5678901234567890X\"}]}]",
          "lines[0].attachments[0].control: 'A234567890123456789012345678901234567890...' is too long: at most 80 "
          "characters" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        char text[1024];
        snprintf(text, sizeof(text), "{\"kind\":\"professional\",\"id\":\"C1\",\"charge_cents\":1,%s}", t[i].text);
        json_error_t je;
        json_t *j = json_loads(text, 0, &je);
        cr_assert_not_null(j, "case %zu: %s", i, je.text);
        rcm_claim *c = (rcm_claim *)1;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int rc = rcm_claim_from_json(&c, j, &err);
        cr_expect_lt(rc, 0, "case %zu accepted", i);
        cr_expect_null(c, "case %zu", i);
        cr_expect_str_eq(err.msg, t[i].msg, "case %zu", i);
        json_decref(j);
    }
}
