/*
 * The 835 (005010X221A1) typed reader and its JSON face: every field family,
 * CAS triplets, PLB pairs, reversals with negative amounts, the three
 * balancing rules firing with the right cents (and staying quiet on
 * balanced input), bad values located at their segment and element,
 * structural problems, BOM + CRLF input, several sets per file, and the
 * hand-checked totals of tests/data/x12/rcm/reversal-denial-plb.835.
 *
 * Claims and remits are recorded through their JSON (rcm_remit_claim_to_json,
 * rcm_remit_to_json): a record is only valid during its callback.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/json.h"
#include "rcm/x12read.h"

/* ---- building an interchange around a transaction set body ---- */

#define ISA "ISA*00*          *00*          *ZZ*PAYER          *ZZ*PROVIDER       *240315*0930*^*00501*000000001*0*T*:~"

/* Header segments most tests share (file segments 4..9). */
#define HDR                                                                                        \
    "BPR*I*%s*C*ACH*CCP*01*071000013*DA*12345*1234567890**01*021000021*DA*98765*20240318~"       \
    "TRN*1*TRACE001*1234567890~"                                                                   \
    "DTM*405*20240315~"                                                                            \
    "N1*PR*EXAMPLE PLAN~"                                                                          \
    "N1*PE*EXAMPLE CLINIC*XX*1234567893~"                                                          \
    "LX*1~"

/*
 * Wraps body (segments ending in '~') in ISA/GS/ST ... SE/GE/IEA with a
 * correct SE01; each segment is followed by eol. Returns a malloc'd string.
 */
static char *wrap_eol(const char *body, const char *eol, int bom)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)64 << 20);
    long n = 2;
    for (const char *p = body; *p; p++)
        n += *p == '~';
    if (bom)
        rcm_buf_adds(&b, "\xEF\xBB\xBF");
    rcm_buf_adds(&b, ISA);
    rcm_buf_adds(&b, eol);
    rcm_buf_adds(&b, "GS*HP*PAYER*PROVIDER*20240315*0930*1*X*005010X221A1~");
    rcm_buf_adds(&b, eol);
    rcm_buf_adds(&b, "ST*835*0001*005010X221A1~");
    rcm_buf_adds(&b, eol);
    for (const char *p = body; *p; p++) {
        rcm_buf_addc(&b, *p);
        if (*p == '~')
            rcm_buf_adds(&b, eol);
    }
    rcm_buf_addf(&b, "SE*%ld*0001~%sGE*1*1~%sIEA*1*000000001~%s", n, eol, eol, eol);
    cr_assert(!rcm_buf_failed(&b));
    char *s = strdup(b.ptr);
    rcm_buf_release(&b);
    return s;
}

static char *wrap(const char *body) { return wrap_eol(body, "", 0); }

/* A balanced claim after HDR with BPR02 = 60 (file segments 10..14). */
#define HDR_BALANCED_BODY                                                                          \
    "BPR*I*60*C*CHK************20240318~TRN*1*TRACE001*1234567890~DTM*405*20240315~"              \
    "N1*PR*EXAMPLE PLAN~N1*PE*EXAMPLE CLINIC*XX*1234567893~LX*1~"                                  \
    "CLP*CRLF1*1*100*60*10*12*I~NM1*QC*1*X~SVC*HC:99213*100*60~CAS*CO*45*30~CAS*PR*3*10~"

/* body with HDR in front, BPR02 = payment. */
static char *wrap_hdr(const char *payment, const char *claims)
{
    char *body = NULL;
    cr_assert(asprintf(&body, HDR "%s", payment, claims) > 0);
    char *s = wrap(body);
    free(body);
    return s;
}

/* ---- recording what the reader hands out ---- */

#define MAX_PROBLEMS 64

typedef struct rec {
    json_t *claims;      /* rcm_remit_claim_to_json of each claim */
    json_t *remits;      /* rcm_remit_to_json of each set */
    rcm_x12_problem p[MAX_PROBLEMS];
    int n, errors;
    long claims_seen_by_header; /* remit_claim calls whose hdr had the trace */
} rec;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    rec *r = ctx;
    if (r->n < MAX_PROBLEMS)
        r->p[r->n++] = *p;
    if (p->severity == RCM_SEV_ERROR)
        r->errors++;
    return 0;
}

static int on_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c)
{
    rec *r = ctx;
    json_t *j = rcm_remit_claim_to_json(c);
    cr_assert_not_null(j);
    json_array_append_new(r->claims, j);
    if (strcmp(hdr->trace, "TRACE001") == 0)
        r->claims_seen_by_header++;
    return 0;
}

static int on_end(void *ctx, const rcm_remit *m)
{
    rec *r = ctx;
    json_t *j = rcm_remit_to_json(m);
    cr_assert_not_null(j);
    json_array_append_new(r->remits, j);
    return 0;
}

static void rec_init(rec *r)
{
    memset(r, 0, sizeof(*r));
    r->claims = json_array();
    r->remits = json_array();
}

static void rec_release(rec *r)
{
    json_decref(r->claims);
    json_decref(r->remits);
}

static int read_into(rec *r, rcm_x12_reader *rd)
{
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.problem = on_problem;
    cb.remit_claim = on_claim;
    cb.remit_end = on_end;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_read(rd, &cb, NULL, &err);
    rcm_x12_reader_free(rd);
    return rc;
}

/* Reads text (and frees it). */
static void run(rec *r, char *text)
{
    rec_init(r);
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&rd, text, strlen(text), "t.835", &err), 0, "%s", err.msg);
    cr_assert_eq(read_into(r, rd), 0);
    free(text);
}

/* A JSON value by path: "lines.1.cas.0.amount_cents" (numbers index arrays). NULL when absent. */
static json_t *jget(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    json_t *cur = root;
    for (char *tok = buf, *next; cur && tok; tok = next) {
        next = strchr(tok, '.');
        if (next)
            *next++ = '\0';
        if (json_is_array(cur))
            cur = json_array_get(cur, (size_t)strtoul(tok, NULL, 10));
        else
            cur = json_object_get(cur, tok);
    }
    return cur;
}

static long long ji(json_t *root, const char *path)
{
    json_t *v = jget(root, path);
    cr_assert(json_is_integer(v), "%s is not an integer", path);
    return json_integer_value(v);
}

static const char *js(json_t *root, const char *path)
{
    json_t *v = jget(root, path);
    cr_assert(json_is_string(v), "%s is not a string", path);
    return json_string_value(v);
}

static json_t *claim(rec *r, size_t i)
{
    json_t *c = json_array_get(r->claims, i);
    cr_assert_not_null(c, "no claim %zu", i);
    return c;
}

static json_t *remit(rec *r, size_t i)
{
    json_t *m = json_array_get(r->remits, i);
    cr_assert_not_null(m, "no remit %zu", i);
    return m;
}

/* The first problem of kind at segment id whose message contains text (NULL: any). */
static const rcm_x12_problem *find(const rec *r, int kind, const char *seg_id, const char *text)
{
    for (int i = 0; i < r->n; i++) {
        const rcm_x12_problem *p = &r->p[i];
        if (p->kind == kind && (!seg_id || strcmp(p->seg_id, seg_id) == 0) &&
            (!text || strstr(p->msg, text)))
            return p;
    }
    return NULL;
}

static int count_kind(const rec *r, int kind)
{
    int n = 0;
    for (int i = 0; i < r->n; i++)
        n += r->p[i].kind == kind;
    return n;
}

static void dump_problems(const rec *r)
{
    for (int i = 0; i < r->n; i++) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        rcm_x12_problem_format(&r->p[i], &b);
        cr_log_info("%s", b.ptr);
        rcm_buf_release(&b);
    }
}

static void assert_clean(const rec *r)
{
    if (r->n)
        dump_problems(r);
    cr_assert_eq(r->n, 0, "%d problems, first: %s", r->n, r->n ? r->p[0].msg : "");
}

/* ---- field families ---- */

Test(x12_835, header_fields)
{
    rec r;
    run(&r, wrap("BPR*C*1500.5*C*ACH*CTX*01*999999992*DA*123456*1512345678*SUPP*01*999988880*DA*98765*20020913~"
                 "TRN*1*12345*1512345678*ORIG9~"
                 "CUR*PR*CAD~"
                 "REF*EV*RECEIVER1~"
                 "REF*F2*VERSION2~"
                 "DTM*405*20020916~"
                 "N1*PR*INSURANCE COMPANY*XV*PAYER01~"
                 "N3*1 MAIN STREET*FLOOR 2~"
                 "N4*TIMBUCKTU*AK*89111*US~"
                 "REF*2U*999~"
                 "PER*CX*CLAIMS*TE*8005551212*EM*a@b.example~"
                 "PER*BL*EDI*TE*8005550000~"
                 "PER*IC**UR*www.example.com~"
                 "N1*PE*REGIONAL HOSPITAL*XX*6543210903~"
                 "N3*9 ELM~"
                 "N4*SOMEWHERE*NY*10001~"
                 "REF*TJ*111222333~"
                 "REF*PQ*10488~"
                 "PLB*6543210903*20021231*CS:ADJ1*-1500.50~"));
    assert_clean(&r);
    json_t *m = remit(&r, 0);
    cr_expect_str_eq(js(m, "st_control"), "0001");
    cr_expect_str_eq(js(m, "handling"), "C");
    cr_expect_eq(ji(m, "payment_cents"), 150050);
    cr_expect_str_eq(js(m, "credit_debit"), "C");
    cr_expect_str_eq(js(m, "method"), "ACH");
    cr_expect_str_eq(js(m, "format"), "CTX");
    cr_expect_str_eq(js(m, "sender_dfi_qual"), "01");
    cr_expect_str_eq(js(m, "sender_dfi"), "999999992");
    cr_expect_str_eq(js(m, "sender_account_qual"), "DA");
    cr_expect_str_eq(js(m, "sender_account"), "123456");
    cr_expect_str_eq(js(m, "payer_originator"), "1512345678");
    cr_expect_str_eq(js(m, "originator_supplemental"), "SUPP");
    cr_expect_str_eq(js(m, "receiver_dfi"), "999988880");
    cr_expect_str_eq(js(m, "receiver_account"), "98765");
    cr_expect_str_eq(js(m, "payment_date"), "2002-09-13");
    cr_expect_str_eq(js(m, "trace"), "12345");
    cr_expect_str_eq(js(m, "trace_payer"), "1512345678");
    cr_expect_str_eq(js(m, "trace_supplemental"), "ORIG9");
    cr_expect_str_eq(js(m, "currency"), "CAD");
    cr_expect_str_eq(js(m, "receiver_id"), "RECEIVER1");
    cr_expect_str_eq(js(m, "version_id"), "VERSION2");
    cr_expect_str_eq(js(m, "production_date"), "2002-09-16");
    cr_expect_str_eq(js(m, "payer.name"), "INSURANCE COMPANY");
    cr_expect_str_eq(js(m, "payer.id_qual"), "XV");
    cr_expect_str_eq(js(m, "payer.id"), "PAYER01");
    cr_expect_str_eq(js(m, "payer.addr2"), "FLOOR 2");
    cr_expect_str_eq(js(m, "payer.country"), "US");
    cr_expect_str_eq(js(m, "payer.refs.0.qual"), "2U");
    cr_expect_str_eq(js(m, "payer.contact"), "CLAIMS");
    cr_expect_str_eq(js(m, "payer.phone"), "8005551212");
    cr_expect_str_eq(js(m, "payer.email"), "a@b.example");
    cr_expect_str_eq(js(m, "payer.url"), "www.example.com");
    cr_expect_str_eq(js(m, "payee.name"), "REGIONAL HOSPITAL");
    cr_expect_str_eq(js(m, "payee.id"), "6543210903");
    cr_expect_str_eq(js(m, "payee.city"), "SOMEWHERE");
    cr_expect_str_eq(js(m, "payee.refs.1.value"), "10488");
    cr_expect_null(jget(m, "payee.addr2"), "empty strings are left out");
    cr_expect_eq(ji(m, "claims"), 0);
    cr_expect(json_is_true(jget(m, "balanced")));
    cr_expect(json_is_true(jget(m, "complete")));
    rec_release(&r);
}

Test(x12_835, claim_fields)
{
    rec r;
    run(&r, wrap_hdr("100", "CLP*PCN-7*1*150*100*50*MA*ICN000777*11*1**DRG1*1.2345*0.5~"
                            "CAS*PR*1*50~"
                            "NM1*QC*1*JONES*SAM*O**JR*HN*666666666A~"
                            "NM1*IL*1*JONES*MARY****MI*SUB123~"
                            "NM1*74*1*JONAS*SAMUEL~"
                            "NM1*82*2*ACME RENDERING*****XX*1811901945~"
                            "NM1*TT*2*CROSSOVER PLAN*****PI*CX99~"
                            "NM1*PR*2*PRIORITY PAYER*****PI*PP01~"
                            "NM1*GB*1*OTHER*SUB****MI*OS9~"
                            "MIA*8**2*1234.56*MA01**********3*****MA02*MA03~"
                            "MOA*0.85*12.5*MA04*MA05****7.25~"
                            "REF*EA*MRN42~"
                            "REF*F8*ORIGICN~"
                            "DTM*232*20240101~"
                            "DTM*233*20240105~"
                            "DTM*050*20240110~"
                            "DTM*036*20241231~"
                            "PER*CX*CLAIM DESK*TE*8005550101~"
                            "AMT*AU*150~"
                            "AMT*I*2.5~"
                            "QTY*CA*4~"));
    assert_clean(&r);
    json_t *c = claim(&r, 0);
    cr_expect_str_eq(js(c, "id"), "PCN-7");
    cr_expect_str_eq(js(c, "status"), "1");
    cr_expect_eq(ji(c, "charge_cents"), 15000);
    cr_expect_eq(ji(c, "paid_cents"), 10000);
    cr_expect_eq(ji(c, "patient_resp_cents"), 5000);
    cr_expect_str_eq(js(c, "filing"), "MA");
    cr_expect_str_eq(js(c, "payer_icn"), "ICN000777");
    cr_expect_str_eq(js(c, "facility"), "11");
    cr_expect_str_eq(js(c, "freq"), "1");
    cr_expect_str_eq(js(c, "drg"), "DRG1");
    cr_expect_str_eq(js(c, "drg_weight"), "1.2345");
    cr_expect_str_eq(js(c, "discharge_fraction"), "0.5");
    cr_expect_str_eq(js(c, "patient.last"), "JONES");
    cr_expect_str_eq(js(c, "patient.middle"), "O");
    cr_expect_str_eq(js(c, "patient.suffix"), "JR");
    cr_expect_str_eq(js(c, "patient.id_qual"), "HN");
    cr_expect_str_eq(js(c, "patient.id"), "666666666A");
    cr_expect_str_eq(js(c, "insured.id"), "SUB123");
    cr_expect_str_eq(js(c, "corrected.first"), "SAMUEL");
    cr_expect_str_eq(js(c, "rendering.type"), "2");
    cr_expect_str_eq(js(c, "rendering.id"), "1811901945");
    cr_expect_str_eq(js(c, "crossover.last"), "CROSSOVER PLAN");
    cr_expect_str_eq(js(c, "priority_payer.id"), "PP01");
    cr_expect_str_eq(js(c, "other_subscriber.id"), "OS9");
    cr_expect_eq(ji(c, "mia_covered_days_milli"), 8000);
    cr_expect_eq(ji(c, "mia_psych_days_milli"), 2000);
    cr_expect_eq(ji(c, "mia_drg_cents"), 123456);
    cr_expect_eq(ji(c, "mia_cost_report_days_milli"), 3000);
    cr_expect_str_eq(js(c, "mia_remarks.0"), "MA01");
    cr_expect_str_eq(js(c, "mia_remarks.1"), "MA02");
    cr_expect_str_eq(js(c, "mia_remarks.2"), "MA03");
    cr_expect_str_eq(js(c, "moa_rate"), "0.85");
    cr_expect_eq(ji(c, "moa_hcpcs_payable_cents"), 1250);
    cr_expect_eq(ji(c, "moa_esrd_cents"), 725);
    cr_expect_str_eq(js(c, "moa_remarks.0"), "MA04");
    cr_expect_str_eq(js(c, "moa_remarks.1"), "MA05");
    cr_expect_null(jget(c, "moa_remarks.2"));
    cr_expect_str_eq(js(c, "refs.0.qual"), "EA");
    cr_expect_str_eq(js(c, "refs.1.value"), "ORIGICN");
    cr_expect_str_eq(js(c, "statement_from"), "2024-01-01");
    cr_expect_str_eq(js(c, "statement_to"), "2024-01-05");
    cr_expect_str_eq(js(c, "received"), "2024-01-10");
    cr_expect_str_eq(js(c, "coverage_expiration"), "2024-12-31");
    cr_expect_str_eq(js(c, "amts.1.qual"), "I");
    cr_expect_eq(ji(c, "amts.1.amount_cents"), 250);
    cr_expect_str_eq(js(c, "qtys.0.qual"), "CA");
    cr_expect_eq(ji(c, "qtys.0.qty_milli"), 4000);
    cr_expect_eq(ji(c, "header_number"), 1);
    cr_expect_eq(ji(c, "segment"), 10);
    cr_expect_eq(json_array_size(jget(c, "lines")), 0);
    cr_expect_eq(json_array_size(jget(c, "cas")), 1);
    rec_release(&r);
}

Test(x12_835, line_fields)
{
    rec r;
    run(&r, wrap_hdr("95", "CLP*A1*1*200*95**12*ICN1~"
                           "NM1*QC*1*DOE*JANE~"
                           "SVC*HC:99214:25:59:XE:GT:OFFICE VISIT*120*80*0510*2*HC:99215*3~"
                           "DTM*472*20240110~"
                           "CAS*CO*45*40~"
                           "REF*6R*LINE-1~"
                           "REF*LU*LOC9~"
                           "AMT*B6*80~"
                           "AMT*KH*1.5~"
                           "QTY*ZK*2~"
                           "LQ*HE*N381~"
                           "LQ*RX*75~"
                           "SVC*NU:0450*80*15~"
                           "DTM*150*20240111~"
                           "DTM*151*20240112~"
                           "CAS*CO*45*65~"));
    assert_clean(&r);
    json_t *c = claim(&r, 0);
    cr_assert_eq(json_array_size(jget(c, "lines")), 2);
    cr_expect_eq(ji(c, "lines.0.number"), 1);
    cr_expect_str_eq(js(c, "lines.0.qual"), "HC");
    cr_expect_str_eq(js(c, "lines.0.code"), "99214");
    cr_expect_str_eq(js(c, "lines.0.mods.0"), "25");
    cr_expect_str_eq(js(c, "lines.0.mods.3"), "GT");
    cr_expect_str_eq(js(c, "lines.0.desc"), "OFFICE VISIT");
    cr_expect_eq(ji(c, "lines.0.charge_cents"), 12000);
    cr_expect_eq(ji(c, "lines.0.paid_cents"), 8000);
    cr_expect_str_eq(js(c, "lines.0.revenue_code"), "0510");
    cr_expect_eq(ji(c, "lines.0.units_milli"), 2000);
    cr_expect_str_eq(js(c, "lines.0.orig_qual"), "HC");
    cr_expect_str_eq(js(c, "lines.0.orig_code"), "99215");
    cr_expect_eq(ji(c, "lines.0.orig_units_milli"), 3000);
    cr_expect_str_eq(js(c, "lines.0.date_from"), "2024-01-10");
    cr_expect_str_eq(js(c, "lines.0.date_to"), "2024-01-10");
    cr_expect_str_eq(js(c, "lines.0.control"), "LINE-1");
    cr_expect_str_eq(js(c, "lines.0.refs.0.qual"), "LU");
    cr_expect_null(jget(c, "lines.0.refs.1"), "REF*6R is the control number, not a ref");
    cr_expect_eq(ji(c, "lines.0.allowed_cents"), 8000);
    cr_expect_str_eq(js(c, "lines.0.amts.0.qual"), "KH");
    cr_expect_eq(ji(c, "lines.0.amts.0.amount_cents"), 150);
    cr_expect_eq(ji(c, "lines.0.qtys.0.qty_milli"), 2000);
    cr_expect_str_eq(js(c, "lines.0.remarks.0"), "N381");
    cr_expect_str_eq(js(c, "lines.0.remarks.1"), "RX:75");
    cr_expect_eq(ji(c, "lines.0.segment"), 12);
    /* second line: NU revenue qualifier, units absent = 1, a 150/151 span, no allowed amount */
    cr_expect_str_eq(js(c, "lines.1.qual"), "NU");
    cr_expect_eq(ji(c, "lines.1.units_milli"), 1000);
    cr_expect_str_eq(js(c, "lines.1.date_from"), "2024-01-11");
    cr_expect_str_eq(js(c, "lines.1.date_to"), "2024-01-12");
    cr_expect_null(jget(c, "lines.1.allowed_cents"));
    cr_expect_null(jget(c, "lines.1.mods"));
    cr_expect_eq(ji(c, "lines.1.cas.0.amount_cents"), 6500);
    cr_expect_null(jget(c, "patient_resp_cents"), "CLP05 absent");
    rec_release(&r);
}

Test(x12_835, custom_component_separator)
{
    /* ISA16 '>' (United Healthcare style): SVC01 splits on it */
    char *t = wrap_hdr("10", "CLP*A*1*10*10**12*I~NM1*QC*1*X~SVC*HC>B4152>NU*10*10~");
    char *p = strstr(t, "*T*:~");
    cr_assert_not_null(p);
    p[3] = '>';
    rec r;
    run(&r, t);
    assert_clean(&r);
    cr_expect_str_eq(js(claim(&r, 0), "lines.0.code"), "B4152");
    cr_expect_str_eq(js(claim(&r, 0), "lines.0.mods.0"), "NU");
    rec_release(&r);
}

/* ---- CAS and PLB ---- */

Test(x12_835, cas_six_triplets)
{
    rec r;
    run(&r, wrap_hdr("40", "CLP*T6*1*100*40*21*12*I~"
                           "CAS*CO*45*10*1*253*1**A2*2*3~"
                           "NM1*QC*1*X~"
                           "SVC*HC:99213*87*40~"
                           "CAS*PR*1*10**2*5**3*6*1*66*0**100*0.5**187*-0.5~"
                           "CAS*OA*23*26~"));
    assert_clean(&r);
    json_t *c = claim(&r, 0);
    cr_assert_eq(json_array_size(jget(c, "cas")), 3);
    cr_expect_str_eq(js(c, "cas.0.group"), "CO");
    cr_expect_str_eq(js(c, "cas.0.reason"), "45");
    cr_expect_eq(ji(c, "cas.0.amount_cents"), 1000);
    cr_expect_eq(ji(c, "cas.0.qty_milli"), 1000);
    cr_expect_str_eq(js(c, "cas.1.reason"), "253");
    cr_expect_null(jget(c, "cas.1.qty_milli"), "no quantity");
    cr_expect_str_eq(js(c, "cas.2.reason"), "A2");
    cr_expect_eq(ji(c, "cas.2.qty_milli"), 3000);
    cr_assert_eq(json_array_size(jget(c, "lines.0.cas")), 7, "six triplets + one");
    cr_expect_str_eq(js(c, "lines.0.cas.5.group"), "PR");
    cr_expect_str_eq(js(c, "lines.0.cas.5.reason"), "187");
    cr_expect_eq(ji(c, "lines.0.cas.5.amount_cents"), -50);
    cr_expect_eq(ji(c, "lines.0.cas.3.amount_cents"), 0);
    cr_expect_str_eq(js(c, "lines.0.cas.6.group"), "OA");
    json_t *m = remit(&r, 0);
    cr_expect_eq(ji(m, "total_cas_cents.CO"), 1300);
    cr_expect_eq(ji(m, "total_cas_cents.PR"), 2100);
    cr_expect_eq(ji(m, "total_cas_cents.OA"), 2600);
    cr_expect_eq(ji(m, "total_cas_cents.PI"), 0);
    cr_expect_null(jget(m, "total_cas_cents.other"));
    rec_release(&r);
}

Test(x12_835, plb_six_pairs)
{
    rec r;
    run(&r, wrap_hdr("64.5", "CLP*P*1*100*100**12*I~NM1*QC*1*X~"
                             "PLB*1234567893*20241231*WO:ICN1*50*L6:ICN2*-3.5*72*10*FB:X*-20*CS*0*J1:Z*-1~"
                             "PLB*1234567893*20241231*IR*0.25~"
                             "PLB*1234567893*20241231*90*-0.25~"));
    assert_clean(&r);
    json_t *m = remit(&r, 0);
    cr_assert_eq(json_array_size(jget(m, "plb")), 8);
    cr_expect_str_eq(js(m, "plb.0.reason"), "WO");
    cr_expect_str_eq(js(m, "plb.0.ref"), "ICN1");
    cr_expect_eq(ji(m, "plb.0.amount_cents"), 5000);
    cr_expect_eq(ji(m, "plb.0.element"), 3);
    cr_expect_str_eq(js(m, "plb.0.provider"), "1234567893");
    cr_expect_str_eq(js(m, "plb.0.fiscal_date"), "2024-12-31");
    cr_expect_str_eq(js(m, "plb.1.reason"), "L6");
    cr_expect_eq(ji(m, "plb.1.amount_cents"), -350);
    cr_expect_str_eq(js(m, "plb.2.reason"), "72");
    cr_expect_null(jget(m, "plb.2.ref"));
    cr_expect_eq(ji(m, "plb.5.element"), 13);
    cr_expect_eq(ji(m, "plb.5.amount_cents"), -100);
    cr_expect_str_eq(js(m, "plb.6.reason"), "IR");
    /* 50 - 3.5 + 10 - 20 + 0 - 1 + 0.25 - 0.25 = 35.50; BPR02 = 100 - 35.50 */
    cr_expect_eq(ji(m, "total_plb_cents"), 3550);
    cr_expect(json_is_true(jget(m, "balanced")));
    rec_release(&r);
}

/* ---- balancing ---- */

Test(x12_835, reversal_balances_with_negative_amounts)
{
    rec r;
    run(&r, wrap_hdr("15", "CLP*PCN1*22*-250*-180*-20*12*ICN0~"
                           "NM1*QC*1*DOE*JANE~"
                           "SVC*HC:99214*-250*-180**-1~"
                           "CAS*CO*45*-50~"
                           "CAS*PR*2*-20~"
                           "CLP*PCN1*1*250*195*15*12*ICN1~"
                           "NM1*QC*1*DOE*JANE~"
                           "SVC*HC:99214*250*195~"
                           "CAS*CO*45*40~"
                           "CAS*PR*2*15~"));
    assert_clean(&r);
    json_t *c = claim(&r, 0);
    cr_expect_str_eq(js(c, "status"), "22");
    cr_expect_eq(ji(c, "charge_cents"), -25000);
    cr_expect_eq(ji(c, "paid_cents"), -18000);
    cr_expect_eq(ji(c, "patient_resp_cents"), -2000);
    cr_expect_eq(ji(c, "lines.0.units_milli"), -1000);
    cr_expect_eq(ji(c, "lines.0.cas.0.amount_cents"), -5000);
    json_t *m = remit(&r, 0);
    cr_expect_eq(ji(m, "reversals"), 1);
    cr_expect_eq(ji(m, "total_paid_cents"), 1500);
    cr_expect_eq(ji(m, "total_charge_cents"), 0);
    cr_expect(json_is_true(jget(m, "balanced")));
    rec_release(&r);
}

Test(x12_835, line_rule_fires_at_the_svc)
{
    rec r;
    /* SVC02 100 - CAS 15 = 85, SVC03 says 80: off by 5.00; the claim rule still holds */
    run(&r, wrap_hdr("85", "CLP*L1*1*100*85**12*I~"
                           "NM1*QC*1*X~"
                           "SVC*HC:99213*100*80~"
                           "CAS*CO*45*15~"));
    cr_assert_eq(count_kind(&r, RCM_X12P_BALANCE), 1);
    const rcm_x12_problem *p = find(&r, RCM_X12P_BALANCE, "SVC", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 12, "segment %ld", p->segment);
    cr_expect_eq(p->severity, RCM_SEV_ERROR);
    cr_expect_str_eq(p->st_control, "0001");
    cr_expect_str_eq(p->msg, "claim 'L1' line 1 does not balance: SVC02 100.00 - CAS 15.00 = 85.00, "
                             "SVC03 is 80.00 (off by 5.00)");
    cr_expect(json_is_false(jget(remit(&r, 0), "balanced")));
    rec_release(&r);
}

Test(x12_835, claim_rule_fires_at_the_clp)
{
    rec r;
    /* 100 - claim CAS 10 - line CAS 20 = 70, CLP04 says 75: off by -5.00 (lines balance) */
    run(&r, wrap_hdr("75", "CLP*C1*1*100*75**12*I~"
                           "CAS*CO*253*10~"
                           "NM1*QC*1*X~"
                           "SVC*HC:99213*100*80~"
                           "CAS*CO*45*20~"));
    cr_assert_eq(count_kind(&r, RCM_X12P_BALANCE), 1);
    const rcm_x12_problem *p = find(&r, RCM_X12P_BALANCE, "CLP", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 10);
    cr_expect_str_eq(p->msg, "claim 'C1' does not balance: CLP03 100.00 - claim CAS 10.00 - line CAS 20.00 "
                             "= 70.00, CLP04 is 75.00 (off by -5.00)");
    rec_release(&r);
}

Test(x12_835, claim_without_lines_uses_claim_cas_only)
{
    rec r;
    run(&r, wrap_hdr("912", "CLP*N1*2*10323.64*912**12*I~"
                            "CAS*OA*23*9411.64~"
                            "NM1*QC*1*X~"));
    assert_clean(&r);
    cr_expect_eq(json_array_size(jget(claim(&r, 0), "lines")), 0);
    rec_release(&r);

    run(&r, wrap_hdr("912", "CLP*N2*2*10323.64*912**12*I~"
                            "CAS*OA*23*9411.63~"
                            "NM1*QC*1*X~"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_BALANCE, "CLP", "claim 'N2'");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->msg, "claim 'N2' does not balance: CLP03 10323.64 - claim CAS 9411.63 = 912.01, "
                             "CLP04 is 912.00 (off by 0.01)");
    cr_expect_eq(count_kind(&r, RCM_X12P_BALANCE), 1);
    rec_release(&r);
}

Test(x12_835, transaction_rule_fires_at_the_bpr)
{
    rec r;
    /* sum CLP04 450 + 495 = 945, PLB -1.27 adds: 946.27 expected, BPR02 says 945 */
    run(&r, wrap_hdr("945", "CLP*A*1*800*450**12*I~CAS*CO*45*350~NM1*QC*1*X~"
                            "CLP*B*1*1200*495**12*I~CAS*CO*45*705~NM1*QC*1*Y~"
                            "PLB*123*20021231*CV:CP*-1.27~"));
    cr_assert_eq(count_kind(&r, RCM_X12P_BALANCE), 1);
    const rcm_x12_problem *p = find(&r, RCM_X12P_BALANCE, "BPR", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 4);
    cr_expect_str_eq(p->msg, "payment 'TRACE001' does not balance: CLP04 total 945.00 - PLB total -1.27 = "
                             "946.27, BPR02 is 945.00 (off by 1.27)");
    json_t *m = remit(&r, 0);
    cr_expect(json_is_false(jget(m, "balanced")));
    cr_expect_eq(ji(m, "total_plb_cents"), -127);
    rec_release(&r);

    run(&r, wrap_hdr("946.27", "CLP*A*1*800*450**12*I~CAS*CO*45*350~NM1*QC*1*X~"
                               "CLP*B*1*1200*495**12*I~CAS*CO*45*705~NM1*QC*1*Y~"
                               "PLB*123*20021231*CV:CP*-1.27~"));
    assert_clean(&r);
    cr_expect(json_is_true(jget(remit(&r, 0), "balanced")));
    rec_release(&r);
}

Test(x12_835, debit_payment_balances_negative)
{
    rec r;
    char *t = wrap_hdr("30", "CLP*R*22*-30*-30**12*I~NM1*QC*1*X~");
    char *p = strstr(t, "BPR*I*30*C*");
    cr_assert_not_null(p);
    p[9] = 'D';
    run(&r, t);
    assert_clean(&r);
    cr_expect_str_eq(js(remit(&r, 0), "credit_debit"), "D");
    rec_release(&r);
}

Test(x12_835, balanced_sample_has_no_problems)
{
    /* badx12 X221-dollars-and-data-sent-separate, as published */
    rec r;
    run(&r, wrap("BPR*I*945*C*ACH*CCP*01*888999777*DA*24681012*1935665544**01*111333555*DA*144444*20020316~"
                 "TRN*1*71700666555*1935665544~DTM*405*20020314~N1*PR*RUSHMORE LIFE~N3*10 SOUTH AVENUE~"
                 "N4*RAPID CITY*SD*55111~PER*BL*JOHN WAYNE*TE*8005551212*EX*123~"
                 "N1*PE*ACME MEDICAL CENTER*XX*5544667733~REF*TJ*777667755~LX*1~"
                 "CLP*5554555444*1*800*450*300*12*94060555410000~CAS*CO*A2*50~"
                 "NM1*QC*1*BUDD*WILLIAM****MI*33344555510~SVC*HC:99211*800*500~DTM*150*20020301~"
                 "DTM*151*20020304~CAS*PR*1*300~CLP*8765432112*1*1200*495*600*12*9407779923000~"
                 "CAS*CO*A2*55~NM1*QC*1*SETTLE*SUSAN****MI*44455666610~SVC*HC:93555*1200*550~"
                 "DTM*150*20020310~DTM*151*20020312~CAS*PR*1*600~CAS*CO*45*50~"));
    assert_clean(&r);
    cr_expect_eq(json_array_size(r.claims), 2);
    json_t *m = remit(&r, 0);
    cr_expect_eq(ji(m, "claims"), 2);
    cr_expect_eq(ji(m, "lines"), 2);
    cr_expect_eq(ji(m, "total_charge_cents"), 200000);
    cr_expect_eq(ji(m, "total_paid_cents"), 94500);
    cr_expect_eq(ji(m, "total_patient_resp_cents"), 90000);
    cr_expect_eq(ji(m, "total_cas_cents.CO"), 15500);
    cr_expect_eq(ji(m, "total_cas_cents.PR"), 90000);
    cr_expect(json_is_true(jget(m, "balanced")));
    cr_expect_eq(r.claims_seen_by_header, 0, "trace is 71700666555 here");
    rec_release(&r);
}

/* ---- bad values and structure ---- */

Test(x12_835, bad_amounts_are_located_and_reading_goes_on)
{
    rec r;
    run(&r, wrap_hdr("10", "CLP*B1*1*12A*0**12*I~"
                           "NM1*QC*1*X~"
                           "SVC*HC:99213*1.234*0~"
                           "CAS*CO*45*1O~"
                           "CLP*B2*1*10*10**12*I~"
                           "NM1*QC*1*Y~"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_ELEMENT, "CLP", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 10);
    cr_expect_eq(p->element, 3);
    cr_expect_str_eq(p->msg, "'12A' is not an amount");
    p = find(&r, RCM_X12P_ELEMENT, "SVC", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 12);
    cr_expect_eq(p->element, 2);
    cr_expect_str_eq(p->msg, "'1.234' is not an amount: it has more than 2 decimal places");
    p = find(&r, RCM_X12P_ELEMENT, "CAS", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->element, 3);
    cr_expect_str_eq(p->msg, "'1O' is not an amount");
    /* unreadable amounts: their rules are not checked (no noise), the set is not called balanced */
    cr_expect_eq(count_kind(&r, RCM_X12P_BALANCE), 0);
    cr_expect_eq(json_array_size(r.claims), 2, "the next claim is still read");
    cr_expect_str_eq(js(claim(&r, 1), "id"), "B2");
    cr_expect(json_is_false(jget(remit(&r, 0), "balanced")));
    rec_release(&r);
}

Test(x12_835, bad_codes_and_dates)
{
    rec r;
    run(&r, wrap_hdr("0", "CLP*K1*5*10*0**XX*I~"
                          "CAS*CR*18*10~"
                          "NM1*QC*1*X~"
                          "DTM*232*20240231~"
                          "DTM*999*20240101~"
                          "AMT*B6*1~"
                          "SVC*ZZ:M2200*0*0~"
                          "DTM*232*20240101~"
                          "LQ*XX*N1~"
                          "PLB*1*20241231*ZZ*0~"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CLP", "'5' is not a claim status code"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CLP", "'XX' is not a claim filing indicator code"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_ELEMENT, "CAS", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->element, 1);
    cr_expect_str_eq(p->code, "7");
    cr_expect_str_eq(p->msg, "'CR' is not a claim adjustment group code (CO, OA, PI, PR)");
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "DTM", "'20240231' is not a date (CCYYMMDD)"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "DTM", "'999' is not a claim date qualifier"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "AMT", "'B6' is not a claim amount qualifier"));
    p = find(&r, RCM_X12P_ELEMENT, "SVC", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->element, 1);
    cr_expect_eq(p->component, 1);
    cr_expect_not_null(strstr(p->msg, "'ZZ' is not a product or service id qualifier"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "DTM", "'232' is not a service date qualifier"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "LQ", "'XX' is not a remark code list qualifier"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "PLB", "'ZZ' is not a provider adjustment reason code"));
    /* the CR adjustment is kept (the money is in the file) and counted as "other" */
    cr_expect_str_eq(js(claim(&r, 0), "cas.0.group"), "CR");
    cr_expect_eq(ji(remit(&r, 0), "total_cas_cents.other"), 1000);
    cr_expect_eq(count_kind(&r, RCM_X12P_BALANCE), 0);
    rec_release(&r);
}

Test(x12_835, missing_required_elements)
{
    rec r;
    run(&r, wrap_hdr("0", "CLP*090909*22~NM1*QC*1*X~SVC*HC~CAS*CO~"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CLP", "total claim charge is missing"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CLP", "claim payment amount is missing"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CLP", "payer claim control number is missing"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "SVC", "procedure code is missing"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "SVC", "line item charge amount is missing"));
    cr_expect_not_null(find(&r, RCM_X12P_ELEMENT, "CAS", "adjustment reason code is missing"));
    /* absent amounts balance as 0: nothing to report */
    cr_expect_eq(count_kind(&r, RCM_X12P_BALANCE), 0);
    rec_release(&r);
}

Test(x12_835, segments_out_of_place)
{
    rec r;
    run(&r, wrap("BPR*I*0*C*NON************20240318~"
                 "TRN*1*T*1234567890~"
                 "N1*PR*P~N1*PE*E*XX*1~"
                 "LX*1~"
                 "SVC*HC:99213*10*10~"
                 "CAS*CO*45*1~"
                 "NM1*QC*1*X~"
                 "HL*1**20*1~"
                 "CLP*A*1*10*10**12*I~"
                 "NM1*QC*1*X~"
                 "SVC*HC:99213*10*10~"
                 "NM1*82*1*LATE~"
                 "MOA***MA01~"
                 "PLB*1*20241231*WO*0~"
                 "CLP*B*1*0*0**12*I~"
                 "NM1*QC*1*X~"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_SEGMENT, "SVC", NULL);
    cr_assert_not_null(p);
    cr_expect_eq(p->segment, 9);
    cr_expect_str_eq(p->msg, "service line (SVC) outside a claim: no CLP before it");
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "CAS", "adjustment (CAS) outside a claim"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "NM1", "'NM1' is not expected outside a claim"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "HL", "'HL' is not a segment of the 835"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "NM1", "after a service line"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "MOA", "after a service line"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "CLP", "after the provider adjustments (PLB)"));
    cr_expect_eq(json_array_size(r.claims), 2, "claims out of place are still read");
    rec_release(&r);
}

Test(x12_835, missing_header_segments)
{
    rec r;
    run(&r, wrap("DTM*405*20240315~N1*PE*E*XX*1~CLP*A*1*10*10**12*I~NM1*QC*1*X~"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_SEGMENT, "DTM", NULL);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->msg, "the 835 must begin with BPR (financial information)");
    p = find(&r, RCM_X12P_SEGMENT, "CLP", "no financial information (BPR)");
    cr_assert_not_null(p);
    cr_expect_str_eq(p->code, "3");
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "CLP", "no reassociation trace number (TRN)"));
    cr_expect_not_null(find(&r, RCM_X12P_SEGMENT, "CLP", "no payer identification (N1*PR)"));
    cr_expect_null(find(&r, RCM_X12P_SEGMENT, NULL, "no payee identification"));
    cr_expect_eq(count_kind(&r, RCM_X12P_BALANCE), 0, "no BPR: nothing to balance against");
    cr_expect(json_is_false(jget(remit(&r, 0), "balanced")));
    rec_release(&r);
}

Test(x12_835, claim_without_patient_name)
{
    rec r;
    run(&r, wrap_hdr("0", "CLP*NONAME*4*10*0**12*I~CAS*CO*29*10~"));
    const rcm_x12_problem *p = find(&r, RCM_X12P_SEGMENT, "CLP", NULL);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->msg, "claim 'NONAME' has no patient name (NM1*QC)");
    cr_expect_eq(ji(remit(&r, 0), "denials"), 1);
    rec_release(&r);
}

/* ---- input shapes ---- */

Test(x12_835, bom_crlf_and_indentation)
{
    char *t = wrap_eol(HDR_BALANCED_BODY, "\r\n    ", 1);
    rec r;
    run(&r, t);
    assert_clean(&r);
    cr_assert_eq(json_array_size(r.claims), 1);
    json_t *c = claim(&r, 0);
    cr_expect_str_eq(js(c, "id"), "CRLF1");
    cr_expect_eq(ji(c, "line"), 10, "line of the CLP: the ISA is on line 1");
    cr_expect_eq(ji(c, "lines.0.line"), 12);
    cr_expect_eq(r.claims_seen_by_header, 1);
    rec_release(&r);
}

Test(x12_835, two_sets_in_one_group)
{
    rcm_buf b;
    rcm_buf_init(&b, RCM_MAX_MESSAGE);
    rcm_buf_adds(&b, ISA "GS*HP*PAYER*PROVIDER*20240315*0930*1*X*005010X221A1~");
    rcm_buf_adds(&b, "ST*835*0001~BPR*I*10*C*CHK************20240318~TRN*1*CHK1*1234567890~"
                     "N1*PR*P~N1*PE*E*XX*1~CLP*S1*1*10*10**12*I~NM1*QC*1*X~SE*8*0001~");
    rcm_buf_adds(&b, "ST*835*0002~BPR*I*25*C*CHK************20240318~TRN*1*CHK2*1234567890~"
                     "N1*PR*P~N1*PE*E*XX*1~CLP*S2*1*30*20**12*I~CAS*CO*45*10~NM1*QC*1*X~"
                     "CLP*S3*1*5*5**12*I~NM1*QC*1*X~SE*11*0002~");
    rcm_buf_adds(&b, "GE*2*1~IEA*1*000000001~");
    rec r;
    run(&r, strdup(b.ptr));
    rcm_buf_release(&b);
    assert_clean(&r);
    cr_assert_eq(json_array_size(r.remits), 2);
    cr_assert_eq(json_array_size(r.claims), 3);
    cr_expect_str_eq(js(remit(&r, 0), "trace"), "CHK1");
    cr_expect_eq(ji(remit(&r, 0), "claims"), 1);
    cr_expect_str_eq(js(remit(&r, 1), "st_control"), "0002");
    cr_expect_str_eq(js(remit(&r, 1), "trace"), "CHK2");
    cr_expect_eq(ji(remit(&r, 1), "claims"), 2);
    cr_expect_eq(ji(remit(&r, 1), "total_paid_cents"), 2500);
    cr_expect_eq(ji(remit(&r, 1), "total_cas_cents.CO"), 1000, "totals start again per set");
    cr_expect_str_eq(js(claim(&r, 2), "id"), "S3");
    rec_release(&r);
}

Test(x12_835, set_cut_short)
{
    char text[] = ISA "GS*HP*PAYER*PROVIDER*20240315*0930*1*X*005010X221A1~"
                      "ST*835*0001~BPR*I*10*C*CHK************20240318~TRN*1*CHK1*1234567890~"
                      "N1*PR*P~N1*PE*E*XX*1~CLP*S1*1*10*10**12*I~NM1*QC*1*X~";
    rec r;
    run(&r, strdup(text));
    cr_expect_eq(json_array_size(r.claims), 1, "the open claim is delivered");
    json_t *m = remit(&r, 0);
    cr_expect(json_is_false(jget(m, "complete")));
    cr_expect(json_is_false(jget(m, "balanced")));
    cr_expect_not_null(find(&r, RCM_X12P_SET, NULL, "has no SE trailer"));
    rec_release(&r);
}

Test(x12_835, many_claims_stream_through)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)64 << 20);
    int n = 20000;
    for (int i = 0; i < n; i++)
        rcm_buf_addf(&b, "CLP*M%d*1*100*60*10*12*I~NM1*QC*1*X~SVC*HC:99213*100*60~CAS*CO*45*30~CAS*PR*3*10~", i);
    char pay[32];
    snprintf(pay, sizeof(pay), "%d", 60 * n);
    char *t = wrap_hdr(pay, b.ptr);
    rcm_buf_release(&b);
    rec r;
    rec_init(&r);
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_mem(&rd, t, strlen(t), "big.835", &err), 0);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &r;
    cb.problem = on_problem;
    cb.remit_end = on_end; /* no per-claim JSON: only totals */
    cr_assert_eq(rcm_x12_read(rd, &cb, NULL, &err), 0);
    rcm_x12_reader_free(rd);
    free(t);
    assert_clean(&r);
    json_t *m = remit(&r, 0);
    cr_expect_eq(ji(m, "claims"), n);
    cr_expect_eq(ji(m, "lines"), n);
    cr_expect_eq(ji(m, "total_paid_cents"), 6000LL * n);
    cr_expect_eq(ji(m, "total_cas_cents.PR"), 1000LL * n);
    rec_release(&r);
}

/* ---- the hand-made file: totals checked by hand (see tests/data/x12/rcm/README.md) ---- */

Test(x12_835, handmade_reversal_denial_plb_file)
{
    rcm_x12_reader *rd = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_x12_open_file(&rd, "tests/data/x12/rcm/reversal-denial-plb.835", &err), 0, "%s",
                 err.msg);
    rec r;
    rec_init(&r);
    cr_assert_eq(read_into(&r, rd), 0);
    assert_clean(&r);
    cr_assert_eq(json_array_size(r.claims), 5);
    /* the reversal, then its correction */
    json_t *rev = claim(&r, 0), *cor = claim(&r, 1);
    cr_expect_str_eq(js(rev, "id"), "PCN1001");
    cr_expect_str_eq(js(rev, "status"), "22");
    cr_expect_eq(ji(rev, "paid_cents"), -18000);
    cr_expect_str_eq(js(rev, "payer_icn"), "2401150000123");
    cr_expect_str_eq(js(cor, "id"), "PCN1001");
    cr_expect_str_eq(js(cor, "status"), "1");
    cr_expect_str_eq(js(cor, "freq"), "7");
    cr_expect_str_eq(js(cor, "refs.0.qual"), "F8");
    cr_expect_str_eq(js(cor, "refs.0.value"), "2401150000123");
    cr_expect_eq(ji(cor, "paid_cents"), 19500);
    /* the denial */
    json_t *den = claim(&r, 2);
    cr_expect_str_eq(js(den, "status"), "4");
    cr_expect_eq(ji(den, "paid_cents"), 0);
    cr_expect_str_eq(js(den, "lines.0.cas.0.reason"), "29");
    cr_expect_str_eq(js(den, "lines.0.remarks.0"), "N211");
    /* interest on the paid claim, recovered through PLB L6 */
    json_t *paid = claim(&r, 3);
    cr_expect_str_eq(js(paid, "amts.1.qual"), "I");
    cr_expect_eq(ji(paid, "amts.1.amount_cents"), 312);
    cr_expect_str_eq(js(paid, "moa_remarks.0"), "MA01");
    cr_expect_eq(json_array_size(jget(paid, "lines")), 3);
    cr_expect_eq(ji(claim(&r, 4), "header_number"), 2);
    json_t *m = remit(&r, 0);
    cr_expect_eq(ji(m, "claims"), 5);
    cr_expect_eq(ji(m, "lines"), 6);
    cr_expect_eq(ji(m, "reversals"), 1);
    cr_expect_eq(ji(m, "denials"), 1);
    cr_expect_eq(ji(m, "total_charge_cents"), 98000);     /* -250 + 250 + 180 + 300 + 500 */
    cr_expect_eq(ji(m, "total_paid_cents"), 26300);       /* -180 + 195 + 0 + 198 + 50 */
    cr_expect_eq(ji(m, "total_patient_resp_cents"), 2000); /* -20 + 15 + 0 + 25 + 0 */
    cr_expect_eq(ji(m, "total_cas_cents.CO"), 29700);     /* -50 + 40 + 180 + 2 + 30 + 25 + 20 + 50 */
    cr_expect_eq(ji(m, "total_cas_cents.OA"), 40000);
    cr_expect_eq(ji(m, "total_cas_cents.PR"), 2000);      /* -20 + 15 + 20 + 5 */
    cr_expect_eq(ji(m, "total_cas_cents.PI"), 0);
    cr_expect_str_eq(js(m, "plb.0.reason"), "WO");
    cr_expect_eq(ji(m, "plb.0.amount_cents"), 7500);
    cr_expect_str_eq(js(m, "plb.1.reason"), "L6");
    cr_expect_eq(ji(m, "plb.1.amount_cents"), -312);
    cr_expect_eq(ji(m, "total_plb_cents"), 7188);
    cr_expect_eq(ji(m, "payment_cents"), 19112);          /* 263.00 - 71.88 */
    cr_expect(json_is_true(jget(m, "balanced")));
    rec_release(&r);
}

/* ---- the JSON face on its own ---- */

Test(x12_835_json, leaves_out_what_is_absent)
{
    rcm_remit_claim c;
    memset(&c, 0, sizeof(c));
    c.statement_from = c.statement_to = c.received = c.coverage_expiration = RCM_DATE_NONE;
    memcpy(c.id, "X1", 3);
    c.paid_cents = -5;
    json_t *j = rcm_remit_claim_to_json(&c);
    cr_assert_not_null(j);
    cr_expect_str_eq(js(j, "id"), "X1");
    cr_expect_eq(ji(j, "paid_cents"), -5);
    cr_expect_null(jget(j, "status"));
    cr_expect_null(jget(j, "patient"));
    cr_expect_null(jget(j, "statement_from"));
    cr_expect_null(jget(j, "patient_resp_cents"));
    cr_expect_null(jget(j, "refs"));
    cr_expect(json_is_array(jget(j, "cas")));
    cr_expect(json_is_array(jget(j, "lines")));
    json_decref(j);

    rcm_remit m;
    memset(&m, 0, sizeof(m));
    m.payment_date = m.production_date = RCM_DATE_NONE;
    m.total_cas_cents[RCM_CAS_OTHER] = 7;
    j = rcm_remit_to_json(&m);
    cr_assert_not_null(j);
    cr_expect_null(jget(j, "payer"));
    cr_expect_null(jget(j, "payment_date"));
    cr_expect_eq(ji(j, "total_cas_cents.other"), 7);
    cr_expect(json_is_array(jget(j, "plb")));
    json_decref(j);
}

Test(x12_835_json, non_utf8_text_is_kept_as_ascii)
{
    rcm_remit_claim c;
    memset(&c, 0, sizeof(c));
    c.statement_from = c.statement_to = c.received = c.coverage_expiration = RCM_DATE_NONE;
    c.patient.present = 1;
    memcpy(c.patient.last, "M\xDCLLER", 7);
    json_t *j = rcm_remit_claim_to_json(&c);
    cr_assert_not_null(j);
    cr_expect_str_eq(js(j, "patient.last"), "M?LLER");
    json_decref(j);
}
