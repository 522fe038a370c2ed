/*
 * 837P/837I: the typed reader (lib/x12/r837.c), the writer (lib/x12/w837.c)
 * and the round trips read -> claims JSON -> write -> read over every 837
 * sample under tests/data/x12 and the test claims under tests/data/claims.
 * Tests run from the repository root.
 */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"
#include "rcm/json.h"
#include "rcm/x12write.h"
#include "x12_roundtrip.h"

/* ---- reading helpers ---- */

typedef struct x8_got {
    json_t *claims;             /* claims as JSON, in order */
    json_t *problems;           /* "SEG/ELEMENT: msg" strings, errors only unless all */
    int all;
    long deliveries;
} x8_got;

static int x8_on_claim(void *ctx, const rcm_claim *c)
{
    x8_got *g = ctx;
    g->deliveries++;
    json_array_append_new(g->claims, rcm_claim_to_json(c));
    return 0;
}

static int x8_on_problem(void *ctx, const rcm_x12_problem *p)
{
    x8_got *g = ctx;
    if (p->severity != RCM_SEV_ERROR && !g->all)
        return 0;
    char tmp[400];
    snprintf(tmp, sizeof(tmp), "%s/%d: %s", p->seg_id, p->element, p->msg);
    json_array_append_new(g->problems, json_string(tmp));
    return 0;
}

static void x8_read_mem(x8_got *g, const char *buf, size_t len)
{
    g->claims = json_array();
    g->problems = json_array();
    g->deliveries = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_reader *r = NULL;
    cr_assert_eq(rcm_x12_open_mem(&r, buf, len, "mem", &err), 0, "%s", err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.claim = x8_on_claim;
    cb.problem = x8_on_problem;
    cr_assert_eq(rcm_x12_read(r, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(r);
}

static int x8_read_file(x8_got *g, const char *path)
{
    g->claims = json_array();
    g->problems = json_array();
    g->deliveries = 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_reader *r = NULL;
    if (rcm_x12_open_file(&r, path, &err) < 0)
        return -1;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = g;
    cb.claim = x8_on_claim;
    cb.problem = x8_on_problem;
    int rc = rcm_x12_read(r, &cb, NULL, &err);
    rcm_x12_reader_free(r);
    return rc;
}

static void x8_free(x8_got *g)
{
    json_decref(g->claims);
    json_decref(g->problems);
}

/* Wraps set body (segments ending in '~') in ISA/GS/ST ... SE/GE/IEA with the right SE01. */
static char *x8_wrap(const char *version, const char *body)
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

static const char *x8_str(json_t *o, const char *path)
{
    /* a dotted path of object keys and [i] indexes */
    char key[64];
    const char *p = path;
    json_t *cur = o;
    while (*p && cur) {
        if (*p == '[') {
            size_t i = strtoul(p + 1, (char **)&p, 10);
            p++;
            cur = json_array_get(cur, i);
        } else {
            size_t n = strcspn(p, ".[");
            memcpy(key, p, n);
            key[n] = '\0';
            p += n;
            cur = json_object_get(cur, key);
        }
        if (*p == '.')
            p++;
    }
    if (!cur)
        return NULL;
    if (json_is_integer(cur)) {
        static char num[32];
        snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(cur));
        return num;
    }
    return json_string_value(cur);
}

#define X8_EQ(o, path, want)                                                                     \
    do {                                                                                         \
        const char *got_ = x8_str((o), (path));                                                  \
        cr_assert(got_ && strcmp(got_, (want)) == 0, "%s: got '%s', want '%s'", (path),          \
                  got_ ? got_ : "(absent)", (want));                                             \
    } while (0)

static int x8_has_problem(const x8_got *g, const char *text)
{
    size_t i;
    json_t *v;
    json_array_foreach(g->problems, i, v) {
        if (strcmp(json_string_value(v), text) == 0)
            return 1;
    }
    return 0;
}

static void x8_assert_problem(const x8_got *g, const char *text)
{
    if (x8_has_problem(g, text))
        return;
    char *all = json_dumps(g->problems, JSON_INDENT(1));
    cr_assert_fail("no problem '%s' among %s", text, all);
    free(all);
}

/* ---- the reader ---- */

Test(x12_837_read, professional_sample)
{
    x8_got g;
    cr_assert_eq(x8_read_file(&g, "tests/data/x12/linuxforhealth-x12/demo.837"), 0);
    cr_assert_eq(json_array_size(g.claims), 1);
    json_t *c = json_array_get(g.claims, 0);
    X8_EQ(c, "kind", "professional");
    X8_EQ(c, "id", "26463774");
    X8_EQ(c, "charge_cents", "10000");
    X8_EQ(c, "bht.id", "244579");
    X8_EQ(c, "bht.date", "2006-10-15");
    X8_EQ(c, "submitter.phone_ext", "231");
    X8_EQ(c, "billing.id", "1912301953");
    X8_EQ(c, "billing.taxonomy", "203BF0100Y");
    X8_EQ(c, "billing.tax_id", "587654321");
    X8_EQ(c, "billing.zip", "331110000");
    X8_EQ(c, "pay_to.addr1", "2345 OCEAN BLVD");
    X8_EQ(c, "subscriber.id", "JS00111223333");
    X8_EQ(c, "payer.secondary_qual", "G2");
    X8_EQ(c, "patient.first", "TED");
    X8_EQ(c, "patient_rel", "19");
    X8_EQ(c, "patient_dob", "1973-05-01");
    X8_EQ(c, "pos", "11");
    X8_EQ(c, "freq", "1");
    X8_EQ(c, "release", "I");
    X8_EQ(c, "refs[0].qual", "D9");
    X8_EQ(c, "dx_qual", "BK");
    X8_EQ(c, "dx[1]", "V7389");
    X8_EQ(c, "lines[3].code", "86663");
    X8_EQ(c, "lines[3].charge_cents", "1000");
    X8_EQ(c, "lines[3].units_milli", "1000");
    X8_EQ(c, "lines[3].dx_ptr[0]", "2");
    X8_EQ(c, "lines[3].from", "2006-10-10");
    cr_assert_eq(json_array_size(g.problems), 0);
    x8_free(&g);
}

Test(x12_837_read, institutional_sample)
{
    x8_got g;
    cr_assert_eq(x8_read_file(&g, "tests/data/x12/linuxforhealth-x12/demo.837i"), 0);
    cr_assert_eq(json_array_size(g.claims), 1);
    json_t *c = json_array_get(g.claims, 0);
    X8_EQ(c, "kind", "institutional");
    X8_EQ(c, "pos", "14");
    X8_EQ(c, "facility_qual", "A");
    cr_assert_null(x8_str(c, "signature"), "CLM06 is not used in 837I");
    X8_EQ(c, "statement_from", "1996-09-11");
    X8_EQ(c, "statement_to", "1996-09-11");
    X8_EQ(c, "admission_type", "3");
    X8_EQ(c, "patient_status", "01");
    X8_EQ(c, "codes[0].qual", "BH");
    X8_EQ(c, "codes[0].date", "1926-11-11");
    X8_EQ(c, "codes[4].qual", "BE");
    X8_EQ(c, "codes[4].amount_cents", "1531");
    X8_EQ(c, "codes[5].code", "09");
    X8_EQ(c, "attending.last", "JONES");
    X8_EQ(c, "attending.secondary_id", "B99937");
    X8_EQ(c, "other[0].group_name", "STATE TEACHERS");
    X8_EQ(c, "other[0].payer.id", "1135");
    X8_EQ(c, "lines[1].revenue_code", "0730");
    X8_EQ(c, "lines[1].units_milli", "3000");
    x8_free(&g);
}

Test(x12_837_read, institutional_by_st03_or_sv2)
{
    /* GS08 says X222 but ST03 says X223 (as in the oopfactory 837I samples) */
    x8_got g;
    cr_assert_eq(x8_read_file(&g, "tests/data/x12/oopfactory-x12parser/837I_5010_Spec_3.1.2_TwoClaimsForTheSameProvider.txt"), 0);
    cr_assert_eq(json_array_size(g.claims), 2);
    X8_EQ(json_array_get(g.claims, 1), "kind", "institutional");
    x8_free(&g);
    /* labelled 837P, but an SV2 makes it institutional */
    char *x = x8_wrap("005010X222A1",
                      "BHT*0019*00*1*20240101*1200*CH~HL*1**20*1~NM1*85*2*H*****XX*1234567893~HL*2*1*22*0~"
                      "SBR*P*18~NM1*IL*1*A*B~NM1*PR*2*P*****PI*1~CLM*C1*10***11:A:1**A*Y*Y~HI*ABK:R69~"
                      "LX*1~SV2*0450*HC:99283*10*UN*1~");
    x8_read_mem(&g, x, strlen(x));
    X8_EQ(json_array_get(g.claims, 0), "kind", "institutional");
    X8_EQ(json_array_get(g.claims, 0), "lines[0].revenue_code", "0450");
    x8_free(&g);
    free(x);
}

#define X8_HEAD "BHT*0019*00*1*20240101*1200*CH~NM1*41*2*S*****46*S1~PER*IC**TE*5551234567~NM1*40*2*R*****46*R1~"
#define X8_BILL "HL*1**20*1~NM1*85*2*BILLING*****XX*1234567893~N3*1 MAIN ST~N4*TOWN*TN*372031234~REF*EI*123456789~"
#define X8_SUB(hl, par) "HL*" hl "*" par "*22*0~SBR*P*18*******CI~NM1*IL*1*DOE*JANE****MI*M1~" \
                        "DMG*D8*19800101*F~NM1*PR*2*PAYER*****PI*P1~"
#define X8_CLM(id, amt) "CLM*" id "*" amt "***11:B:1*Y*A*Y*Y~HI*ABK:R69*ABF:Z00~"
#define X8_LINE(n, amt) "LX*" n "~SV1*HC:99213*" amt "*UN*1***1~DTP*472*D8*20240101~"

Test(x12_837_read, claims_end_at_clm_hl_and_se)
{
    char *x = x8_wrap("005010X222A1", X8_HEAD X8_BILL X8_SUB("2", "1") X8_CLM("A", "10") X8_LINE("1", "10")
                      X8_CLM("B", "5") X8_LINE("1", "5") X8_SUB("3", "1") X8_CLM("C", "7") X8_LINE("1", "7"));
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    cr_assert_eq(g.deliveries, 3);
    X8_EQ(json_array_get(g.claims, 0), "id", "A");
    X8_EQ(json_array_get(g.claims, 1), "id", "B");
    X8_EQ(json_array_get(g.claims, 2), "id", "C");
    /* the context is copied into every claim */
    X8_EQ(json_array_get(g.claims, 1), "billing.last", "BILLING");
    X8_EQ(json_array_get(g.claims, 1), "subscriber.last", "DOE");
    X8_EQ(json_array_get(g.claims, 2), "subscriber_dob", "1980-01-01");
    X8_EQ(json_array_get(g.claims, 2), "lines[0].charge_cents", "700");
    cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
    x8_free(&g);
    free(x);
}

Test(x12_837_read, patient_level_is_only_for_its_claims)
{
    char *x = x8_wrap("005010X222A1",
                      X8_HEAD X8_BILL "HL*2*1*22*1~SBR*P********CI~NM1*IL*1*DOE*JOHN****MI*M1~NM1*PR*2*PAYER*****PI*P1~"
                      "HL*3*2*23*0~PAT*19~NM1*QC*1*DOE*KID~N3*1 A ST~N4*TOWN*TN*37203~DMG*D8*20100101*M~"
                      X8_CLM("K", "10") X8_LINE("1", "10") X8_SUB("4", "1") X8_CLM("S", "10") X8_LINE("1", "10"));
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    cr_assert_eq(json_array_size(g.claims), 2);
    X8_EQ(json_array_get(g.claims, 0), "patient.first", "KID");
    X8_EQ(json_array_get(g.claims, 0), "patient_dob", "2010-01-01");
    X8_EQ(json_array_get(g.claims, 0), "patient_rel", "19");
    cr_assert_null(x8_str(json_array_get(g.claims, 1), "patient"));
    cr_assert_null(x8_str(json_array_get(g.claims, 1), "patient_rel"));
    X8_EQ(json_array_get(g.claims, 1), "subscriber.first", "JANE");
    x8_free(&g);
    free(x);
}

Test(x12_837_read, charge_that_is_not_the_sum_of_the_lines)
{
    char *x = x8_wrap("005010X222A1", X8_HEAD X8_BILL X8_SUB("2", "1") X8_CLM("A", "100") X8_LINE("1", "40")
                      X8_LINE("2", "35.50"));
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    x8_assert_problem(&g, "CLM/2: claim 'A': total charge 100.00 is not the sum of its line charges 75.50 "
                          "(difference 24.50)");
    x8_free(&g);
    free(x);
}

Test(x12_837_read, bad_values_are_located_and_reading_goes_on)
{
    char *x = x8_wrap("005010X222A1", X8_HEAD X8_BILL X8_SUB("2", "1")
                      "CLM*A*12.345***11:B:1*Y*A*Y*Y~DTP*431*D8*20240230~HI*ABK:R69~"
                      "LX*1~SV1*HC:99213*12.345*UN*1.5x***1~DTP*472*RD8*20240101-2024010~"
                      "NM1*82*1*AVERYLONGLASTNAMEAVERYLONGLASTNAMEAVERYLONGLASTNAMEAVERYLONGLASTNAME*X~"
                      X8_CLM("B", "1") X8_LINE("1", "1"));
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    x8_assert_problem(&g, "CLM/2: '12.345' is not an amount: it has more than 2 decimal places");
    x8_assert_problem(&g, "DTP/3: '20240230' is not a date (CCYYMMDD)");
    x8_assert_problem(&g, "SV1/2: '12.345' is not an amount: it has more than 2 decimal places");
    x8_assert_problem(&g, "SV1/4: '1.5x' is not a quantity");
    x8_assert_problem(&g, "DTP/3: '20240101-2024010' is not a date range (CCYYMMDD-CCYYMMDD)");
    x8_assert_problem(&g, "NM1/3: 'AVERYLONGLASTNAMEAVERYLONGLASTNAMEAVERYLONGL...' is too long: at most 60 characters");
    cr_assert_eq(json_array_size(g.claims), 2, "reading went on");
    X8_EQ(json_array_get(g.claims, 1), "id", "B");
    x8_free(&g);
    free(x);
}

Test(x12_837_read, hl_numbering_and_nesting)
{
    char *x = x8_wrap("005010X222A1", X8_HEAD X8_BILL
                      "HL*3*1*22*0~SBR*P*18~"        /* out of sequence */
                      "HL*4*9*22*0~SBR*P*18~"        /* parent does not exist */
                      "HL*5*3*22*1~SBR*P~"           /* subscriber whose parent is a 22 */
                      "HL*6*1*23*0~PAT*19~"          /* patient whose parent is a 20 */
                      "HL*7*5*24*0~"                 /* not an 837 level */
                      "HL*8*1*20*1~");               /* a billing provider with a parent */
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    x8_assert_problem(&g, "HL/1: HL01 '3' is out of sequence: expected 2");
    x8_assert_problem(&g, "HL/2: HL02 parent '9' of HL '4' does not exist");
    x8_assert_problem(&g, "HL/2: subscriber HL '5' has parent '3', which is not a billing provider HL (20)");
    x8_assert_problem(&g, "HL/2: patient HL '6' has parent '1', which is not a subscriber HL (22)");
    x8_assert_problem(&g, "HL/3: '24' is not an 837 hierarchical level code (20, 22, 23)");
    x8_assert_problem(&g, "HL/2: billing provider HL '8' must not have a parent (HL02 '1')");
    x8_free(&g);
    free(x);
}

Test(x12_837_read, biller_checks)
{
    /* 13 diagnoses, a pointer past them, 51 lines */
    char body[16384];
    int n = snprintf(body, sizeof(body), "%s%s%s%s", X8_HEAD, X8_BILL, X8_SUB("2", "1"),
                     "CLM*A*51***11:B:1*Y*A*Y*Y~HI*ABK:A00*ABF:A01*ABF:A02*ABF:A03*ABF:A04*ABF:A05*ABF:A06"
                     "*ABF:A07*ABF:A08*ABF:A09*ABF:A10*ABF:A11~HI*ABF:A12~");
    for (int i = 1; i <= 51; i++)
        n += snprintf(body + n, sizeof(body) - (size_t)n, "LX*%d~SV1*HC:99213*1*UN*1***%s~DTP*472*D8*20240101~", i,
                      i == 2 ? "1:14" : "1");
    char *x = x8_wrap("005010X222A1", body);
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    x8_assert_problem(&g, "HI/1: claim 'A' has more than 12 diagnoses (837P allows 12)");
    x8_assert_problem(&g, "SV1/7: '14' is not a diagnosis pointer (1-12)");
    x8_assert_problem(&g, "LX/0: claim 'A' has more than 50 service lines (837P allows 50)");
    x8_free(&g);
    free(x);
    /* a pointer within 1-12 but past the claim's diagnoses */
    x = x8_wrap("005010X222A1", X8_HEAD X8_BILL X8_SUB("2", "1") "CLM*A*1***11:B:1*Y*A*Y*Y~HI*ABK:A00*ABF:A01~"
                "LX*1~SV1*HC:99213*1*UN*1***1:3~DTP*472*D8*20240101~");
    x8_read_mem(&g, x, strlen(x));
    x8_assert_problem(&g, "SV1/7: diagnosis pointer '3' points past the 2 diagnoses of claim 'A'");
    x8_free(&g);
    free(x);
}

/* ---- the writer ---- */

static rcm_claim *x8_claim_from(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    cr_assert_not_null(j, "%s", e.text);
    rcm_claim *c = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_claim_from_json(&c, j, &err), 0, "%s", err.msg);
    json_decref(j);
    return c;
}

/* The professional test claims (tests/data/claims/professional.jsonl), in file order. */
static size_t x8_load_claims(const char *path, rcm_claim **out, size_t max)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s: run the tests from the repository root", path);
    json_error_t e;
    size_t n = 0;
    int ch = getc(f);
    ungetc(ch, f);
    if (ch == '[') {
        json_t *a = json_loadf(f, 0, &e);
        cr_assert_not_null(a, "%s: %s", path, e.text);
        for (size_t i = 0; i < json_array_size(a) && n < max; i++) {
            char *s = json_dumps(json_array_get(a, i), 0);
            out[n++] = x8_claim_from(s);
            free(s);
        }
        json_decref(a);
    } else {
        char line[65536];
        while (fgets(line, sizeof(line), f) && n < max) {
            if (line[0] == '\n')
                continue;
            json_t *o = json_loads(line, 0, &e);
            cr_assert_not_null(o, "%s: %s", path, e.text);
            const char *t = json_string_value(json_object_get(o, "type"));
            int skip = t && strcmp(t, "claim") != 0;
            json_decref(o);
            if (skip)
                continue;
            out[n++] = x8_claim_from(line);
        }
    }
    fclose(f);
    return n;
}

static void x8_opts(rcm_x12_write_opts *o, char kind)
{
    rcm_x12_write_opts_init(o, kind);
    o->date = rcm_date_from_ymd(2024, 3, 5);
    memcpy(o->time, "1030", 5);
    o->usage = 'T';
}

/* Writes claims with o; returns the output (caller frees) or NULL with err set by the first refusal. */
static char *x8_write(const rcm_x12_write_opts *o, rcm_claim **claims, size_t n, rcm_error *err)
{
    rcm_x12_writer *w = NULL;
    cr_assert_eq(rcm_x12_writer_new(&w, o, err), 0, "%s", err->msg);
    for (size_t i = 0; i < n; i++)
        if (rcm_x12_writer_add(w, claims[i], err) < 0) {
            rcm_x12_writer_free(w);
            return NULL;
        }
    cr_assert_eq(rcm_x12_writer_finish(w, err), 0, "%s", err->msg);
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    cr_assert_eq(rcm_x12_writer_take(w, &b), 0);
    rcm_x12_writer_free(w);
    x12rt_assert_valid(b.ptr, b.len, "written.837");
    char *s = strdup(b.ptr);
    rcm_buf_release(&b);
    return s;
}

/* The segments of x whose id is id, joined by '~'. */
static char *x8_segments(const char *x, const char *id, char term)
{
    size_t idn = strlen(id);
    char *out = calloc(1, strlen(x) + 1);
    const char *p = x;
    while (*p) {
        while (*p == '\n')
            p++;
        const char *e = strchr(p, term);
        if (!e)
            break;
        if ((size_t)(e - p) > idn && strncmp(p, id, idn) == 0 && !isalnum((unsigned char)p[idn])) {
            strncat(out, p, (size_t)(e - p) + 1);
        }
        p = e + 1;
    }
    return out;
}

Test(x12_837_write, envelope_and_levels)
{
    rcm_claim *c[4];
    size_t n = x8_load_claims("tests/data/claims/professional.jsonl", c, 4);
    cr_assert_eq(n, 3);
    rcm_x12_write_opts o;
    x8_opts(&o, 'P');
    o.isa_control = 42;
    o.gs_control = 7;
    o.st_control = 12;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char *x = x8_write(&o, c, n, &err);
    cr_assert_not_null(x, "%s", err.msg);
    /* fixed-width ISA: 106 characters with its terminator */
    cr_assert_eq(strchr(x, '~') - x + 1, 106);
    cr_assert(strncmp(x, "ISA*00*          *00*          *ZZ*RBS0001        *ZZ*CLRHS01        *240305*1030*^*00501"
                         "*000000042*0*T*:~", 106) == 0, "%.106s", x);
    char *hl = x8_segments(x, "HL", '~');
    /* claims 1 and 2 share the billing provider; claim 2 is a dependent (2000C); claim 3 has another billing provider */
    cr_assert_str_eq(hl, "HL*1**20*1~HL*2*1*22*0~HL*3*1*22*1~HL*4*3*23*0~HL*5**20*1~HL*6*5*22*0~");
    free(hl);
    char *se = x8_segments(x, "SE", '~'), *ge = x8_segments(x, "GE", '~'), *iea = x8_segments(x, "IEA", '~');
    char *st = x8_segments(x, "ST", '~');
    cr_assert_str_eq(st, "ST*837*0012*005010X222A1~");
    cr_assert_str_eq(se, "SE*108*0012~");
    cr_assert_str_eq(ge, "GE*1*7~");
    cr_assert_str_eq(iea, "IEA*1*000000042~");
    free(se);
    free(ge);
    free(iea);
    free(st);
    /* what was written reads back without a problem, to the same claims */
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
    cr_assert_eq(json_array_size(g.claims), 3);
    X8_EQ(json_array_get(g.claims, 1), "other[0].cas[2].amount_cents", "4850");
    X8_EQ(json_array_get(g.claims, 1), "lines[1].ndc", "00409379601");
    X8_EQ(json_array_get(g.claims, 1), "lines[1].adj[0].cas[1].reason", "45");
    x8_free(&g);
    free(x);
    for (size_t i = 0; i < n; i++)
        rcm_claim_free(c[i]);
}

Test(x12_837_write, delimiters_newline_and_sets)
{
    rcm_claim *c[4];
    size_t n = x8_load_claims("tests/data/claims/professional.jsonl", c, 4);
    rcm_x12_write_opts o;
    x8_opts(&o, 'P');
    o.delims.elem = '|';
    o.delims.comp = '>';
    o.delims.rep = '!';
    o.delims.seg = '\'';
    o.newline = 1;
    o.max_claims_per_set = 2;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char *x = x8_write(&o, c, n, &err);
    cr_assert_not_null(x, "%s", err.msg);
    cr_assert_eq(x[105], '\'');
    cr_assert_eq(x[106], '\n');
    cr_assert_eq(x[104], '>');
    cr_assert_eq(x[82], '!');
    cr_assert_not_null(strstr(x, "SV1|HC>99214>25|180|UN|1|||1>2>3'\n"));
    char *st = x8_segments(x, "ST", '\'');
    cr_assert_str_eq(st, "ST|837|0001|005010X222A1'ST|837|0002|005010X222A1'");
    free(st);
    char *ge = x8_segments(x, "GE", '\'');
    cr_assert_str_eq(ge, "GE|2|1'");
    free(ge);
    x8_got g;
    x8_read_mem(&g, x, strlen(x));
    cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
    cr_assert_eq(json_array_size(g.claims), 3);
    x8_free(&g);
    free(x);
    for (size_t i = 0; i < n; i++)
        rcm_claim_free(c[i]);
}

/* Writes the first professional test claim changed by edit; expects the refusal msg. */
static void x8_expect_refusal(void (*edit)(rcm_claim *), const char *msg)
{
    rcm_claim *c[4];
    size_t n = x8_load_claims("tests/data/claims/professional.jsonl", c, 4);
    edit(c[0]);
    rcm_x12_write_opts o;
    x8_opts(&o, 'P');
    rcm_x12_writer *w = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0);
    cr_assert_eq(rcm_x12_writer_add(w, c[0], &err), RCM_EINVAL, "accepted");
    cr_assert_str_eq(err.msg, msg);
    /* nothing of it was written, and the writer goes on */
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_DOCUMENT);
    rcm_x12_writer_take(w, &b);
    cr_assert_eq(b.len, 0);
    cr_assert_eq(rcm_x12_writer_add(w, c[2], &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_x12_writer_finish(w, &err), 0);
    rcm_x12_writer_take(w, &b);
    x8_got g;
    x12rt_assert_valid(b.ptr, b.len, "refusal.837");
    x8_read_mem(&g, b.ptr, b.len);
    cr_assert_eq(json_array_size(g.claims), 1);
    cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
    x8_free(&g);
    rcm_buf_release(&b);
    rcm_x12_writer_free(w);
    for (size_t i = 0; i < n; i++)
        rcm_claim_free(c[i]);
}

static void x8_no_billing(rcm_claim *c) { memset(&c->billing, 0, sizeof(c->billing)); }
static void x8_no_code(rcm_claim *c) { c->lines[1].code[0] = '\0'; }
static void x8_delim(rcm_claim *c) { memcpy(c->subscriber.last, "SMITH*JONES", 12); }
static void x8_sum(rcm_claim *c) { c->charge_cents += 1; }
static void x8_ptr(rcm_claim *c) { c->lines[0].dx_ptr[3] = 4; }
static void x8_zip5(rcm_claim *c) { memcpy(c->billing.zip, "37203", 6); }
static void x8_no_tax(rcm_claim *c) { c->billing.tax_id[0] = '\0'; }
static void x8_dot(rcm_claim *c) { memcpy(c->dx[1], "R05.1", 6); }
static void x8_no_date(rcm_claim *c) { c->lines[0].from = c->lines[0].to = RCM_DATE_NONE; }
static void x8_not_used(rcm_claim *c) { memcpy(c->referring.last, "X", 2), c->referring.present = 1, memcpy(c->referring.addr1, "1 ST", 5); }
static void x8_kind(rcm_claim *c) { c->kind = 'I'; }
static void x8_rel(rcm_claim *c) { c->subscriber_rel[0] = '\0'; }
static void x8_ssn(rcm_claim *c)
{
    memcpy(c->subscriber.secondary_qual, "SY", 3);
    memcpy(c->subscriber.secondary_id, "12345", 6);
}
static void x8_13dx(rcm_claim *c)
{
    for (int i = 0; i < 13; i++) {
        c->dx[i][0] = 'A';
        c->dx[i][1] = (char)('0' + i / 10);
        c->dx[i][2] = (char)('0' + i % 10);
        c->dx[i][3] = '\0';
    }
    c->n_dx = 13;
}
static void x8_51(rcm_claim *c) { c->n_lines = 51; }
static rcm_ref x8_ref_g1 = { "G1", "PA1" };
static void x8_own(rcm_claim *c) { c->lines[0].refs = &x8_ref_g1, c->lines[0].n_refs = 1; }
static void x8_other_ids(rcm_claim *c)
{
    c->payer.n_other_ids = 1;
    memcpy(c->payer.other_ids[0].qual, "2U", 3);
    memcpy(c->payer.other_ids[0].value, "X", 2);
}
static void x8_per4(rcm_claim *c)
{
    memcpy(c->billing.email, "a@b.example", 12);
    memcpy(c->billing.fax, "5550001111", 11);
    memcpy(c->billing.phone_ext, "12", 3);
}

Test(x12_837_write, refuses_claims_it_cannot_write_validly)
{
    x8_expect_refusal(x8_no_billing, "claim 'RFM-2024-0001': billing: missing (loop 2010AA billing provider)");
    x8_expect_refusal(x8_no_code, "claim 'RFM-2024-0001': lines[1].code: missing (SV101-2 procedure code)");
    x8_expect_refusal(x8_delim, "claim 'RFM-2024-0001': subscriber.last: 'SMITH*JONES' holds '*', a delimiter of "
                                "this interchange");
    x8_expect_refusal(x8_sum, "claim 'RFM-2024-0001': charge_cents: total charge 235.01 is not the sum of the line "
                              "charges 235.00 (difference 0.01)");
    x8_expect_refusal(x8_ptr, "claim 'RFM-2024-0001': lines[0].dx_ptr: pointer 4 points past the 3 diagnoses of "
                              "the claim");
    x8_expect_refusal(x8_zip5, "claim 'RFM-2024-0001': billing.zip: '37203' is not a 9-digit ZIP code (5010 "
                               "requires ZIP+4 in this loop)");
    x8_expect_refusal(x8_no_tax, "claim 'RFM-2024-0001': billing.tax_id: missing (REF tax identification)");
    x8_expect_refusal(x8_dot, "claim 'RFM-2024-0001': dx[1]: 'R05.1': a diagnosis code is written without its dot");
    x8_expect_refusal(x8_no_date, "claim 'RFM-2024-0001': lines[0].from: missing (DTP*472 service date)");
    x8_expect_refusal(x8_not_used, "claim 'RFM-2024-0001': referring.addr1: not used in 837P loop 2310A (N3/N4)");
    x8_expect_refusal(x8_kind, "claim 'RFM-2024-0001': kind: institutional, the batch is 837P");
    x8_expect_refusal(x8_rel, "claim 'RFM-2024-0001': subscriber_rel: must be 18 when the claim has no patient "
                              "(the patient is the subscriber)");
    x8_expect_refusal(x8_ssn, "claim 'RFM-2024-0001': subscriber.secondary_id: '12345' is not a social security "
                              "number (REF*SY: 9 digits)");
    x8_expect_refusal(x8_13dx, "claim 'RFM-2024-0001': dx: 13 diagnoses, 837P allows 12");
    x8_expect_refusal(x8_51, "claim 'RFM-2024-0001': lines: 51 service lines, 837P allows 50");
    x8_expect_refusal(x8_own, "claim 'RFM-2024-0001': lines[0].refs.qual: 'G1' goes in prior_auth, which is empty");
    x8_expect_refusal(x8_other_ids, "claim 'RFM-2024-0001': payer.other_ids: set secondary_qual/secondary_id first "
                                    "(other_ids are the REFs after it)");
    x8_expect_refusal(x8_per4, "claim 'RFM-2024-0001': billing.fax: PER holds at most 3 numbers (phone, "
                               "extension, email, fax)");
}

Test(x12_837_write, zip5_when_allowed)
{
    rcm_claim *c = x8_claim_from(
        "{\"kind\":\"professional\",\"id\":\"Z\",\"charge_cents\":100,"
        "\"submitter\":{\"last\":\"S\",\"id_qual\":\"46\",\"id\":\"S1\",\"phone\":\"5551234567\"},"
        "\"receiver\":{\"last\":\"R\",\"id_qual\":\"46\",\"id\":\"R1\"},"
        "\"billing\":{\"last\":\"B\",\"addr1\":\"1 A ST\",\"city\":\"CY\",\"state\":\"TN\",\"zip\":\"37203\","
        "\"tax_id_qual\":\"EI\",\"tax_id\":\"123456789\"},"
        "\"subscriber\":{\"type\":\"1\",\"last\":\"D\",\"first\":\"J\",\"id_qual\":\"MI\",\"id\":\"M1\"},"
        "\"payer\":{\"last\":\"P\",\"id_qual\":\"PI\",\"id\":\"P1\"},\"payer_seq\":\"P\",\"subscriber_rel\":\"18\","
        "\"pos\":\"11\",\"freq\":\"1\",\"signature\":\"Y\",\"assignment\":\"A\",\"benefits\":\"Y\",\"release\":\"Y\","
        "\"dx_qual\":\"ABK\",\"dx\":[\"R69\"],"
        "\"lines\":[{\"code\":\"99213\",\"charge_cents\":100,\"units_milli\":1000,\"dx_ptr\":[1],\"from\":\"2024-01-02\"}]}");
    rcm_x12_write_opts o;
    x8_opts(&o, 'P');
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_null(x8_write(&o, &c, 1, &err));
    cr_assert(strstr(err.msg, "billing.zip: '37203' is not a 9-digit ZIP"), "%s", err.msg);
    o.zip5_ok = 1;
    char *x = x8_write(&o, &c, 1, &err);
    cr_assert_not_null(x, "%s", err.msg);
    /* written from defaults: SBR02 18, BHT from the options, NM102 from the name, UN units */
    cr_assert_not_null(strstr(x, "BHT*0019*00*0001*20240305*1030*CH~"));
    cr_assert_not_null(strstr(x, "NM1*41*2*S*****46*S1~PER*IC**TE*5551234567~"));
    cr_assert_not_null(strstr(x, "SBR*P*18~NM1*IL*1*D*J****MI*M1~"), "%s", x);
    cr_assert_not_null(strstr(x, "SV1*HC:99213*1*UN*1***1~DTP*472*D8*20240102~"));
    free(x);
    rcm_claim_free(c);
}

Test(x12_837_write, streams_to_an_fd)
{
    rcm_claim *c[4];
    size_t n = x8_load_claims("tests/data/claims/professional.jsonl", c, 4);
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : P_tmpdir;
    char path[512];
    snprintf(path, sizeof(path), "%s/rcm-837-XXXXXX", dir);
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    rcm_x12_write_opts o;
    x8_opts(&o, 'P');
    o.fd = fd;
    rcm_x12_writer *w = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0);
    for (int k = 0; k < 400; k++)
        cr_assert_eq(rcm_x12_writer_add(w, c[k % n], &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_x12_writer_finish(w, &err), 0);
    rcm_x12_write_stats st;
    rcm_x12_writer_stats(w, &st);
    cr_assert_eq(st.claims, 400);
    cr_assert_eq(st.sets, 1);
    cr_assert_eq((off_t)st.bytes, lseek(fd, 0, SEEK_END));
    rcm_x12_writer_free(w);
    close(fd);
    x8_got g;
    cr_assert_eq(x8_read_file(&g, path), 0);
    cr_assert_eq(json_array_size(g.claims), 400);
    cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
    x8_free(&g);
    unlink(path);
    for (size_t i = 0; i < n; i++)
        rcm_claim_free(c[i]);
}

Test(x12_837_write, options_are_checked)
{
    rcm_x12_write_opts o;
    rcm_x12_writer *w = NULL;
    rcm_error err;
    x8_opts(&o, 'P');
    o.delims.comp = '*';
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), RCM_EINVAL);
    cr_assert_str_eq(err.msg, "delimiters must differ ('*' is used twice)");
    x8_opts(&o, 'P');
    o.date = RCM_DATE_NONE;
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), RCM_EINVAL);
    cr_assert_str_eq(err.msg, "the interchange date is required");
    x8_opts(&o, 'X');
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), RCM_EINVAL);
    x8_opts(&o, 'P');
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0);
    cr_assert_eq(rcm_x12_writer_finish(w, &err), RCM_EINVAL);
    cr_assert_str_eq(err.msg, "no claim was written: an interchange needs at least one");
    rcm_x12_writer_free(w);
    rcm_x12_writer_free(NULL);
}

/* ---- round trips ---- */

/* Claims JSON without what legitimately changes in a round trip (the source
 * location, and CLM05-2, which the writer always fills with its one value). */
static void x8_normalize(json_t *claims)
{
    size_t i;
    json_t *c;
    json_array_foreach(claims, i, c) {
        json_object_del(c, "source");
        json_object_del(c, "facility_qual");
    }
}

/* read -> JSON -> claims -> write -> read; "" when the claims came back the same, else why not. */
static void x8_round_trip(const char *path, int zip5_ok, char *why, size_t whysz, size_t *nclaims)
{
    x8_got a;
    why[0] = '\0';
    *nclaims = 0;
    if (x8_read_file(&a, path) < 0 || !json_array_size(a.claims)) {
        x8_free(&a);
        snprintf(why, whysz, "no claims");
        return;
    }
    *nclaims = json_array_size(a.claims);
    const char *kind = json_string_value(json_object_get(json_array_get(a.claims, 0), "kind"));
    rcm_x12_write_opts o;
    x8_opts(&o, kind && strcmp(kind, "institutional") == 0 ? 'I' : 'P');
    o.zip5_ok = zip5_ok;
    rcm_x12_writer *w = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0);
    size_t i;
    json_t *jc;
    json_array_foreach(a.claims, i, jc) {
        rcm_claim *c = NULL;
        cr_assert_eq(rcm_claim_from_json(&c, jc, &err), 0, "%s: claims[%zu]: %s", path, i, err.msg);
        int rc = rcm_x12_writer_add(w, c, &err);
        rcm_claim_free(c);
        if (rc < 0) {
            snprintf(why, whysz, "%s", err.msg);
            break;
        }
    }
    if (!why[0]) {
        cr_assert_eq(rcm_x12_writer_finish(w, &err), 0);
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_DOCUMENT);
        rcm_x12_writer_take(w, &b);
        x8_got back;
        x8_read_mem(&back, b.ptr, b.len);
        char first[256];
        long nbad = x12rt_guide_problems(b.ptr, b.len, path, first, sizeof(first));
        x8_normalize(a.claims);
        x8_normalize(back.claims);
        if (nbad)
            snprintf(why, whysz, "written, but %ld problems against the guides: %s", nbad, first);
        else if (json_array_size(back.problems))
            snprintf(why, whysz, "problems reading it back: %s", json_dumps(back.problems, JSON_COMPACT));
        else if (!json_equal(a.claims, back.claims))
            snprintf(why, whysz, "claims differ");
        x8_free(&back);
        rcm_buf_release(&b);
    }
    rcm_x12_writer_free(w);
    x8_free(&a);
}

/*
 * The samples that do not round trip, and why: all are problems of the files
 * (rcm x12 check reports them too). With zip5_ok, the published examples'
 * 5-digit billing ZIPs are let through.
 */
static const struct { const char *file, *why; } x8_expected[] = {
    { "imsweb-x12-parser/x12_bad_segment_identifier.txt", "submitter.phone: missing (1000A PER needs" },
    { "imsweb-x12-parser/x12_bad_valid_code.txt", "billing: missing (loop 2010AA" },
    { "imsweb-x12-parser/x12_complex.txt", "subscriber_rel: must be 18 when the claim has no patient" },
    { "imsweb-x12-parser/x12_loop_errors3_missing_loops.txt", "billing: missing (loop 2010AA" },
    { "imsweb-x12-parser/x12_many_claims.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_missing_elements.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_multiple_gs.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_multiple_isa.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_multiple_st.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_multiple_transactions.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_no_errors.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_segments_out_of_order.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_valid.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_writer_test.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x223-test.txt", "subscriber_rel: must be 18" },
    { "imsweb-x12-parser/x12_valid_different_separators.txt", "subscriber_rel: must be 18" },
    /* data written with ':' or '>' while ISA16 declares another component separator */
    { "linuxforhealth-x12/demo.cob.2ndary.example4.837", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/demo.example11.837", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/demo.example12.837", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/demo.example6.837", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/demo.example9.837", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/out-of-network-repriced-claim.837i", "freq: missing (CLM05-3" },
    { "linuxforhealth-x12/ppo-repriced-claim.837i", "freq: missing (CLM05-3" },
    { "oopfactory-x12parser/837I_5010_Spec_3.1.3_PPORepricedClaim.txt", "freq: missing (CLM05-3" },
    { "oopfactory-x12parser/837I_5010_Spec_3.1.4_OutOfNetworkRepricedClaim.txt", "freq: missing (CLM05-3" },
    /* required loops or segments missing, totals that do not add up */
    { "linuxforhealth-x12/demo.cob.example3.A.837", "other[0].payer: missing (loop 2330B" },
    { "oopfactory-x12parser/837I_InstitutionalClaim5010.txt", "lines[1].adj[0].adjudicated: missing (DTP*573" },
    { "oopfactory-x12parser/837P_5010_MedicaidExample.txt", "charge_cents: total charge 99.99 is not the sum" },
};

Test(x12_837_roundtrip, every_837_sample)
{
    const char *root = "tests/data/x12";
    DIR *top = opendir(root);
    cr_assert_not_null(top, "%s: run the tests from the repository root", root);
    struct dirent *d;
    int samples = 0, ok = 0, matched[sizeof(x8_expected) / sizeof(x8_expected[0])] = { 0 };
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        char dir[512];
        snprintf(dir, sizeof(dir), "%s/%s", root, d->d_name);
        DIR *sub = opendir(dir);
        if (!sub)
            continue;
        struct dirent *f;
        while ((f = readdir(sub))) {
            if (f->d_name[0] == '.')
                continue;
            char rel[512], path[1024], why[1024];
            snprintf(rel, sizeof(rel), "%s/%s", d->d_name, f->d_name);
            snprintf(path, sizeof(path), "%s/%s", root, rel);
            size_t nclaims;
            x8_round_trip(path, 1, why, sizeof(why), &nclaims);
            if (!nclaims)
                continue; /* not an 837 */
            samples++;
            const char *want = NULL;
            for (size_t i = 0; i < sizeof(x8_expected) / sizeof(x8_expected[0]); i++)
                if (strcmp(x8_expected[i].file, rel) == 0) {
                    want = x8_expected[i].why;
                    matched[i] = 1;
                }
            if (want)
                cr_expect(strstr(why, want) != NULL, "%s: expected a refusal with '%s', got '%s'", rel, want, why);
            else
                cr_expect(why[0] == '\0', "%s does not round trip: %s", rel, why);
            ok += !why[0];
        }
        closedir(sub);
    }
    closedir(top);
    for (size_t i = 0; i < sizeof(x8_expected) / sizeof(x8_expected[0]); i++)
        cr_expect(matched[i], "%s: no such 837 sample", x8_expected[i].file);
    cr_expect_geq(samples, 66, "only %d 837 samples found", samples);
    cr_expect_geq(ok, 39, "only %d samples round trip", ok);
}

Test(x12_837_roundtrip, strict_zip_refuses_the_published_examples)
{
    char why[1024];
    size_t n;
    x8_round_trip("tests/data/x12/linuxforhealth-x12/demo.837i", 0, why, sizeof(why), &n);
    cr_assert_str_eq(why, "claim '756048Q': billing.zip: '17111' is not a 9-digit ZIP code (5010 requires ZIP+4 "
                          "in this loop)");
    x8_round_trip("tests/data/x12/uhin-x12-parser-library/837.edi", 0, why, sizeof(why), &n);
    cr_assert_str_eq(why, "");
}

/* JSON -> 837 -> JSON gives the claims back (the test claims have everything a valid 837 needs). */
Test(x12_837_roundtrip, test_claims)
{
    const char *files[] = { "tests/data/claims/professional.jsonl", "tests/data/claims/institutional.json" };
    for (int f = 0; f < 2; f++) {
        rcm_claim *c[8];
        size_t n = x8_load_claims(files[f], c, 8);
        rcm_x12_write_opts o;
        x8_opts(&o, c[0]->kind);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        char *x = x8_write(&o, c, n, &err);
        cr_assert_not_null(x, "%s: %s", files[f], err.msg);
        x8_got g;
        x8_read_mem(&g, x, strlen(x));
        cr_assert_eq(json_array_size(g.problems), 0, "%s", json_dumps(g.problems, 0));
        cr_assert_eq(json_array_size(g.claims), n);
        x8_normalize(g.claims);
        for (size_t i = 0; i < n; i++) {
            json_t *want = rcm_claim_to_json(c[i]);
            json_t *got = json_array_get(g.claims, i);
            json_object_del(want, "source");
            json_object_del(want, "facility_qual");
            /* a zero non-covered amount is not written */
            cr_assert(json_equal(want, got), "%s[%zu]:\nwant %s\ngot  %s", files[f], i,
                      json_dumps(want, JSON_COMPACT), json_dumps(got, JSON_COMPACT));
            json_decref(want);
            rcm_claim_free(c[i]);
        }
        x8_free(&g);
        free(x);
    }
}

/* ---- what the guides forbid (005010X222A1 / 005010X223A2 positions): refused, or mapped and valid ---- */

static rcm_ref x8g_ref_ew = { "EW", "M1" }, x8g_ref_f5 = { "F5", "Y" }, x8g_ref_4n8 = { "4N", "8" },
               x8g_ref_9f = { "9F", "R1" }, x8g_ref_g4 = { "G4", "P1" };
static rcm_ref x8g_two_4n[2] = { { "4N", "1" }, { "4N", "2" } };
static rcm_claim_date x8g_454, x8g_471, x8g_472, x8g_314_range, x8g_454_range;
static rcm_amt x8g_amt_t = { "T", 100 }, x8g_amt_gt = { "GT", 100 };

static void x8g_dates_init(void)
{
    rcm_date d = rcm_date_from_ymd(2024, 2, 1), e = rcm_date_from_ymd(2024, 2, 9);
    x8g_454 = (rcm_claim_date){ "454", d, RCM_DATE_NONE };
    x8g_471 = (rcm_claim_date){ "471", d, RCM_DATE_NONE };
    x8g_472 = (rcm_claim_date){ "472", d, RCM_DATE_NONE };
    x8g_314_range = (rcm_claim_date){ "314", d, e };
    x8g_454_range = (rcm_claim_date){ "454", d, e };
}

static rcm_claim_code *x8g_code(rcm_claim *c, const char *qual)
{
    for (uint32_t i = 0; i < c->n_codes; i++)
        if (strcmp(c->codes[i].qual, qual) == 0)
            return &c->codes[i];
    cr_assert_fail("no '%s' code in the test claim", qual);
    return NULL;
}

/* 837I (the first institutional test claim) */
static void i_line_prior_auth(rcm_claim *c) { memcpy(c->lines[0].prior_auth, "PA1", 4); }
static void i_line_ref_ew(rcm_claim *c) { c->lines[0].refs = &x8g_ref_ew, c->lines[0].n_refs = 1; }
static void i_line_note_add(rcm_claim *c) { memcpy(c->lines[0].note_qual, "ADD", 4), memcpy(c->lines[0].note, "N", 2); }
static void i_line_note_tpo(rcm_claim *c) { memcpy(c->lines[0].note_qual, "TPO", 4), memcpy(c->lines[0].note, "N", 2); }
static void i_line_date_471(rcm_claim *c) { c->lines[0].dates = &x8g_471, c->lines[0].n_dates = 1; }
static void i_line_amt_t(rcm_claim *c) { c->lines[0].amts = &x8g_amt_t, c->lines[0].n_amts = 1; }
static void i_line_amt_gt(rcm_claim *c) { c->lines[0].amts = &x8g_amt_gt, c->lines[0].n_amts = 1; }
static void i_line_n4(rcm_claim *c) { memcpy(c->lines[0].qual, "N4", 3), memcpy(c->lines[0].code, "00002143380", 12); }
static void i_ref_f5(rcm_claim *c) { c->refs = &x8g_ref_f5, c->n_refs = 1; }
static void i_ref_4n8(rcm_claim *c) { c->refs = &x8g_ref_4n8, c->n_refs = 1; }
static void i_ref_g4(rcm_claim *c) { c->refs = &x8g_ref_g4, c->n_refs = 1; }
static void i_date_454(rcm_claim *c) { c->dates = &x8g_454, c->n_dates = 1; }
static void i_note_tpo(rcm_claim *c) { memcpy(c->note_qual, "TPO", 4), memcpy(c->note, "N", 2); }
static void i_note_cer(rcm_claim *c) { memcpy(c->note_qual, "CER", 4), memcpy(c->note, "N", 2); }
static void i_be_no_amount(rcm_claim *c) { x8g_code(c, "BE")->has_amount = 0; }
static void i_bh_no_date(rcm_claim *c) { x8g_code(c, "BH")->date = RCM_DATE_NONE; }
static void i_bbr_no_date(rcm_claim *c) { x8g_code(c, "BBR")->date = RCM_DATE_NONE; }
static void i_bh_range(rcm_claim *c) { x8g_code(c, "BH")->date_to = rcm_date_from_ymd(2024, 2, 25); }
static void i_bg_date(rcm_claim *c) { x8g_code(c, "BG")->date = rcm_date_from_ymd(2024, 2, 25); }
static void i_apr_poa(rcm_claim *c) { x8g_code(c, "APR")->poa = 'Y'; }
static void i_dr_amount(rcm_claim *c) { x8g_code(c, "DR")->has_amount = 1; }
static void i_poa_x(rcm_claim *c) { c->dx_poa[1] = 'X'; }
static void i_poa_1(rcm_claim *c) { c->dx_poa[1] = '1'; }
static void i_bi_one_day(rcm_claim *c) { x8g_code(c, "BI")->date_to = RCM_DATE_NONE; }
static void i_referring_lu(rcm_claim *c)
{
    rcm_party *p = &c->referring;
    memset(p, 0, sizeof(*p));
    p->present = 1;
    p->type = '1';
    memcpy(p->last, "REFER", 6);
    memcpy(p->first, "RITA", 5);
    memcpy(p->secondary_qual, "LU", 3);
    memcpy(p->secondary_id, "L1", 3);
}
static rcm_party x8g_line_dn;
static void i_line_referring_lu(rcm_claim *c)
{
    rcm_party *p = &x8g_line_dn;
    memset(p, 0, sizeof(*p));
    p->present = 1;
    memcpy(p->entity, "DN", 3);
    p->type = '1';
    memcpy(p->last, "REFER", 6);
    memcpy(p->secondary_qual, "LU", 3);
    memcpy(p->secondary_id, "L1", 3);
    c->lines[0].providers = p;
    c->lines[0].n_providers = 1;
}
static void i_line_referring_1g(rcm_claim *c) { i_line_referring_lu(c), memcpy(x8g_line_dn.secondary_qual, "1G", 3); }
static void i_referring_g2(rcm_claim *c) { i_referring_lu(c), memcpy(c->referring.secondary_qual, "G2", 3); }
static void i_pay_to_1(rcm_claim *c)
{
    rcm_party *p = &c->pay_to;
    memset(p, 0, sizeof(*p));
    p->present = 1;
    p->type = '1';
    memcpy(p->addr1, "PO BOX 1", 9);
    memcpy(p->city, "NASHVILLE", 10);
    memcpy(p->state, "TN", 3);
    memcpy(p->zip, "372030001", 10);
}
static void i_id_short(rcm_claim *c) { memcpy(c->subscriber.id, "M", 2); }
static void i_city_short(rcm_claim *c) { memcpy(c->billing.city, "C", 2); }
/* 837P (the first professional test claim) */
static void p_line_ref_9f(rcm_claim *c) { c->lines[0].refs = &x8g_ref_9f, c->lines[0].n_refs = 1; }
static void p_line_amt_gt(rcm_claim *c) { c->lines[0].amts = &x8g_amt_gt, c->lines[0].n_amts = 1; }
static void p_line_472_again(rcm_claim *c) { c->lines[0].dates = &x8g_472, c->lines[0].n_dates = 1; }
static void p_date_454(rcm_claim *c) { c->dates = &x8g_454, c->n_dates = 1; }
static void p_date_314_range(rcm_claim *c) { c->dates = &x8g_314_range, c->n_dates = 1; }
static void p_date_454_range(rcm_claim *c) { c->dates = &x8g_454_range, c->n_dates = 1; }
static void p_note_cer(rcm_claim *c) { memcpy(c->note_qual, "CER", 4), memcpy(c->note, "N", 2); }
static void p_ref_g4(rcm_claim *c) { c->refs = &x8g_ref_g4, c->n_refs = 1; }
static void p_ref_f5(rcm_claim *c) { c->refs = &x8g_ref_f5, c->n_refs = 1; }
static void p_two_4n(rcm_claim *c) { c->refs = x8g_two_4n, c->n_refs = 2; }
static void p_mod_short(rcm_claim *c) { memcpy(c->lines[0].mods[0], "X", 2); }
static void p_line_n4(rcm_claim *c) { memcpy(c->lines[0].qual, "N4", 3); }
static void p_related3(rcm_claim *c)
{
    memcpy(c->related[0], "AA", 3), memcpy(c->related[1], "EM", 3), memcpy(c->related[2], "OA", 3);
    memcpy(c->accident_state, "TN", 3);
}
static void p_related2(rcm_claim *c) { p_related3(c), c->related[2][0] = '\0'; }
static void p_filing(rcm_claim *c) { memcpy(c->filing, "XX", 3); }
static void p_emergency_n(rcm_claim *c) { c->lines[0].emergency = 'N'; }
static void i_sub_pi(rcm_claim *c) { memcpy(c->subscriber.id_qual, "PI", 3); }
static void i_sex_x(rcm_claim *c) { c->subscriber_sex = 'X'; }
static void p_sub_email(rcm_claim *c) { memcpy(c->subscriber.phone, "6155550101", 11), memcpy(c->subscriber.email, "a@b.example", 12); }
static void p_sub_phone(rcm_claim *c) { memcpy(c->subscriber.phone, "6155550101", 11); }
static void i_two_sy(rcm_claim *c)
{
    memcpy(c->subscriber.secondary_qual, "SY", 3), memcpy(c->subscriber.secondary_id, "123456789", 10);
    c->subscriber.n_other_ids = 1;
    memcpy(c->subscriber.other_ids[0].qual, "SY", 3), memcpy(c->subscriber.other_ids[0].value, "987654321", 10);
}
static void i_sy_y4(rcm_claim *c) { i_two_sy(c), memcpy(c->subscriber.other_ids[0].qual, "Y4", 3); }

/*
 * Each edit of a test claim is refused with msg (nothing written, the
 * writer goes on), or, msg NULL, written: then the batch validates clean
 * against the built-in guide and holds want.
 */
Test(x12_837_write, what_the_guides_forbid_is_refused)
{
    static const struct {
        char kind;
        void (*edit)(rcm_claim *);
        const char *msg, *want;
    } cases[] = {
        { 'I', i_line_prior_auth, "lines[0].prior_auth: 'G1' is not allowed in 837I loop 2400 REF (allowed: 6R,9B,9D)", NULL },
        { 'I', i_line_ref_ew, "lines[0].refs[0].qual: 'EW' is not allowed in 837I loop 2400 REF (allowed: 6R,9B,9D)", NULL },
        { 'I', i_line_note_add, "lines[0].note_qual: 'ADD' is not allowed in 837I loop 2400 NTE (allowed: TPO)", NULL },
        { 'I', i_line_note_tpo, NULL, "NTE*TPO*N~" },
        { 'I', i_line_date_471, "lines[0].dates[0].qual: '471' is not allowed in 837I loop 2400 DTP (allowed: 472)", NULL },
        { 'I', i_line_amt_t, "lines[0].amts[0].qual: 'T' is not allowed in 837I loop 2400 AMT (allowed: GT,N8)", NULL },
        { 'I', i_line_amt_gt, NULL, "AMT*GT*1~" },
        { 'I', i_line_n4, "lines[0].qual: 'N4' is not a procedure code qualifier of 837I (ER,HC,HP,IV,WK)", NULL },
        { 'I', i_ref_f5, "refs[0].qual: 'F5' is not allowed in 837I loop 2300 REF (allowed: 4N,9F,G1,F8,9A,9C,LX,D9,LU,EA,P4,G4)", NULL },
        { 'I', i_ref_4n8, "refs[0].value: '8' is not a value of REF*4N (1,2,3,4,5,6,7)", NULL },
        { 'I', i_ref_g4, NULL, "REF*G4*P1~" },
        { 'I', i_date_454, "dates[0].qual: '454' is not allowed in 837I loop 2300 DTP (allowed: 096,434,435,050)", NULL },
        { 'I', i_note_tpo, "note_qual: 'TPO' is not allowed in 837I loop 2300 NTE (allowed: ALG,DCP,DGN,DME,MED,NTR,ODT,RHB,RLH,RNH,SET,SFM,SPT,UPI,ADD)", NULL },
        { 'I', i_note_cer, "note_qual: 'CER' is not allowed in 837I loop 2300 NTE", NULL },
        { 'I', i_be_no_amount, "codes[6].amount_cents: missing (HI value code amount, required with 'BE')", NULL },
        { 'I', i_bh_no_date, "codes[5].date: missing (HI date D8, required with 'BH')", NULL },
        { 'I', i_bbr_no_date, "codes[2].date: missing (HI date D8, required with 'BBR')", NULL },
        { 'I', i_bh_range, "codes[5].date_to: 'BH' takes one date (D8), not a span", NULL },
        { 'I', i_bg_date, "codes[7].date: not used with HI qualifier 'BG' (837I)", NULL },
        { 'I', i_apr_poa, "codes[0].poa: not used with HI qualifier 'APR' (837I)", NULL },
        { 'I', i_dr_amount, "codes[1].amount_cents: not used with HI qualifier 'DR' (837I)", NULL },
        { 'I', i_poa_x, "dx_poa[1]: 'X' is not a present-on-admission indicator (Y N U W, or 1 for exempt)", NULL },
        { 'I', i_poa_1, NULL, "HI*ABF:" }, /* exempt: no indicator, as 5010 writes it */
        { 'I', i_bi_one_day, NULL, "BI:70:RD8:20240220-20240220" },
        { 'I', i_referring_lu, "referring.secondary_qual: 'LU' is not allowed in 837I loop 2310F REF (allowed: 0B,1G,G2)", NULL },
        { 'I', i_referring_g2, NULL, "NM1*DN*1*REFER*RITA~REF*G2*L1~" },
        { 'I', i_line_referring_lu, "lines[0].providers[0].secondary_qual: 'LU' is not allowed in 837I loop 2420D REF (allowed: 0B,1G,G2)", NULL },
        { 'I', i_line_referring_1g, NULL, "NM1*DN*1*REFER~REF*1G*L1~" },
        { 'I', i_pay_to_1, "pay_to.type: '1' is not allowed in 2010AB (NM102 must be 2)", NULL },
        { 'I', i_id_short, "subscriber.id: 'M' is not 2 to 80 characters (NM109)", NULL },
        { 'I', i_city_short, "billing.city: 'C' is not 2 to 30 characters (N401)", NULL },
        { 'P', p_line_ref_9f, NULL, "REF*9F*R1~" },
        { 'P', p_line_amt_gt, "lines[0].amts[0].qual: 'GT' is not allowed in 837P loop 2400 AMT (allowed: T,F4)", NULL },
        { 'P', p_line_472_again, "lines[0].dates[0].qual: '472': 837P loop 2400 allows 1 DTP with it", NULL },
        { 'P', p_date_454, NULL, "DTP*454*D8*20240201~" },
        { 'P', p_date_314_range, NULL, "DTP*314*RD8*20240201-20240209~" },
        { 'P', p_date_454_range, "dates[0].qual: '454' takes one date (D8), not a range", NULL },
        { 'P', p_note_cer, NULL, "NTE*CER*N~" },
        { 'P', p_ref_f5, NULL, "REF*F5*Y~" },
        { 'P', p_ref_g4, "refs[0].qual: 'G4' is not allowed in 837P loop 2300 REF", NULL },
        { 'P', p_two_4n, "refs[1].qual: '4N': 837P loop 2300 allows 1 REF with it", NULL },
        { 'P', p_mod_short, "lines[0].mods: 'X' is not 2 characters (procedure modifier)", NULL },
        { 'P', p_line_n4, "lines[0].qual: 'N4' is not a procedure code qualifier of 837P (ER,HC,IV,WK)", NULL },
        { 'P', p_related3, "related: not used in 837P loop 2300 (CLM11-3: two related causes at most)", NULL },
        { 'P', p_related2, NULL, "*AA:EM::TN~" },
        { 'P', p_filing, "filing: 'XX' is not a code of SBR09 (11,12,", NULL },
        { 'P', p_emergency_n, "lines[0].emergency: 'N' is not a code of SV109 (Y)", NULL },
        { 'I', i_sub_pi, "subscriber.id_qual: 'PI' is not allowed in 2010BA NM108 (II,MI)", NULL },
        { 'I', i_sex_x, "subscriber_sex: 'X' is not a code of DMG03 (F,M,U)", NULL },
        { 'P', p_sub_email, "subscriber.email: not used in 837P loop 2010BA (PER EM: a phone and extension only)", NULL },
        { 'P', p_sub_phone, NULL, "PER*IC**TE*6155550101~" },
        { 'I', i_two_sy, "subscriber.other_ids: 'SY': 837I loop 2010BA allows 1 REF with it", NULL },
        { 'I', i_sy_y4, NULL, "REF*SY*123456789~REF*Y4*987654321~" },
    };
    x8g_dates_init();
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *path = cases[i].kind == 'I' ? "tests/data/claims/institutional.json"
                                                : "tests/data/claims/professional.jsonl";
        rcm_claim *c[4];
        size_t n = x8_load_claims(path, c, 4);
        cr_assert_geq(n, 2);
        cases[i].edit(c[0]);
        rcm_x12_write_opts o;
        x8_opts(&o, cases[i].kind);
        rcm_error err;
        memset(&err, 0, sizeof(err));
        if (cases[i].msg) {
            rcm_x12_writer *w = NULL;
            cr_assert_eq(rcm_x12_writer_new(&w, &o, &err), 0);
            cr_assert_eq(rcm_x12_writer_add(w, c[0], &err), RCM_EINVAL, "case %zu accepted", i);
            cr_assert(strstr(err.msg, cases[i].msg) && strncmp(err.msg, "claim '", 7) == 0, "case %zu: %s", i,
                      err.msg);
            rcm_buf b;
            rcm_buf_init(&b, RCM_MAX_DOCUMENT);
            rcm_x12_writer_take(w, &b);
            cr_assert_eq(b.len, 0, "case %zu: something written", i);
            cr_assert_eq(rcm_x12_writer_add(w, c[1], &err), 0, "case %zu: %s", i, err.msg);
            cr_assert_eq(rcm_x12_writer_finish(w, &err), 0);
            rcm_x12_writer_take(w, &b);
            x12rt_assert_valid(b.ptr, b.len, "after-refusal.837");
            rcm_buf_release(&b);
            rcm_x12_writer_free(w);
        } else {
            char *x = x8_write(&o, c, 1, &err); /* validates against the guide */
            cr_assert_not_null(x, "case %zu: %s", i, err.msg);
            cr_assert(strstr(x, cases[i].want), "case %zu: no '%s' in %s", i, cases[i].want, x);
            free(x);
        }
        for (size_t k = 0; k < n; k++)
            rcm_claim_free(c[k]);
    }
}
