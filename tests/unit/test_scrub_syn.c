/*
 * SYN family: required data and formats. Each case starts from the fixture's
 * clean claim with one 99213 line, changes one thing, and names the rules
 * that must fire; no other SYN rule may fire (the case lists them all), and
 * the must-not column names the neighbours a careless rule would hit.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "codeset_fixture.h"

#define SYN (1u << RCM_FAM_SYN)

typedef void (*tweak_fn)(rcm_claim *c);

typedef struct syn_case {
    const char *what;
    char kind;
    tweak_fn tweak;         /* NULL: the baseline */
    const char *must;       /* exactly the SYN rules that fire */
    const char *must_not;
} syn_case;

static rcm_claim *baseline(char kind)
{
    rcm_claim *c = fx_claim(kind);
    fx_line(c, "99213", NULL, NULL, 12000, 1);
    return c;
}

static int listed(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list ? list : ""; (p = strstr(p, id)); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
            return 1;
    return 0;
}

/* Every finding of f is one of the rules in must. */
static void only(const rcm_findings *f, const char *what, const char *must)
{
    for (size_t i = 0; i < f->n; i++)
        cr_assert(listed(must, f->v[i].rule), "%s: %s fired too: %s", what, f->v[i].rule, f->v[i].message);
}

static rcm_scrub *engine(const rcm_codeset *cs)
{
    rcm_scrub_config cfg = fx_config(NULL, cs);
    cfg.families = SYN;
    rcm_scrub *s = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    return s;
}

static void run(const rcm_codeset *cs, const syn_case *cases, size_t n)
{
    rcm_scrub *s = engine(cs);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < n; i++) {
        rcm_claim *c = baseline(cases[i].kind);
        if (cases[i].tweak)
            cases[i].tweak(c);
        fx_scrub(s, c, &f);
        fx_expect(&f, cases[i].what, cases[i].must, cases[i].must_not);
        only(&f, cases[i].what, cases[i].must);
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* One finding of rule in the findings of c scrubbed by s (asserts there is exactly one). */
static const rcm_finding *one(const rcm_scrub *s, const rcm_claim *c, rcm_findings *f, const char *rule)
{
    fx_scrub(s, c, f);
    cr_assert_eq(fx_fired(f, rule), 1, "%s fired %d times", rule, fx_fired(f, rule));
    return fx_finding(f, rule);
}

static void set(char *dst, size_t n, const char *v) { snprintf(dst, n, "%s", v); }
#define SET(field, v) set(field, sizeof(field), v)

/* ---- patient ---- */

static void no_dob(rcm_claim *c) { c->subscriber_dob = RCM_DATE_NONE; }
static void dependant(rcm_claim *c)
{
    c->patient.present = 1;
    c->patient.type = '1';
    SET(c->patient.entity, "QC");
    SET(c->patient.last, "DOE");
    SET(c->patient.first, "BABY");
    SET(c->subscriber_rel, "19");
    c->patient_dob = fx_date("2020-03-04");
    c->patient_sex = 'M';
}
static void dependant_no_dob(rcm_claim *c) { dependant(c); c->patient_dob = RCM_DATE_NONE; }
static void dependant_subscriber_no_dob(rcm_claim *c) { dependant(c); c->subscriber_dob = RCM_DATE_NONE; c->subscriber_sex = 0; }
static void dependant_no_sex(rcm_claim *c) { dependant(c); c->patient_sex = 0; }
static void no_sex(rcm_claim *c) { c->subscriber_sex = 0; }
static void sex_u(rcm_claim *c) { c->subscriber_sex = 'U'; }
static void sex_x(rcm_claim *c) { c->subscriber_sex = 'X'; }
static void dob_after_dos(rcm_claim *c) { c->subscriber_dob = fx_date("2025-11-10"); }
static void dob_on_dos(rcm_claim *c) { c->subscriber_dob = fx_date(FX_DOS); }
static void dob_future(rcm_claim *c) { c->subscriber_dob = fx_date("2026-01-01"); }
static void age_125(rcm_claim *c) { c->subscriber_dob = fx_date("1900-11-03"); }
static void age_124(rcm_claim *c) { c->subscriber_dob = fx_date("1900-11-04"); }

static const syn_case patient_cases[] = {
    { "baseline 837P", 'P', NULL, NULL, "SYN" },
    { "baseline 837I", 'I', NULL, NULL, "SYN" },
    { "no date of birth", 'P', no_dob, "SYN-001", "SYN-003" },
    { "a dependant: the patient's dates", 'P', dependant, NULL, "SYN-001,SYN-002,SYN-003" },
    { "a dependant without a date of birth", 'P', dependant_no_dob, "SYN-001", "SYN-003" },
    { "a dependant: the subscriber's date of birth is not needed", 'P', dependant_subscriber_no_dob, NULL,
      "SYN-001,SYN-002" },
    { "a dependant without a sex", 'P', dependant_no_sex, "SYN-002", "SYN-001" },
    { "no sex", 'P', no_sex, "SYN-002", "SYN-001" },
    { "sex U", 'P', sex_u, "SYN-002", NULL },
    { "sex X", 'P', sex_x, "SYN-002", NULL },
    { "born after the service", 'P', dob_after_dos, "SYN-003", "SYN-001" },
    { "born on the day of service", 'P', dob_on_dos, NULL, "SYN-003" },
    { "born in the future", 'P', dob_future, "SYN-003", NULL },
    { "125 on the date of service", 'P', age_125, "SYN-003", NULL },
    { "124 on the date of service", 'P', age_124, NULL, "SYN-003" },
    { "837I born after the statement", 'I', dob_after_dos, "SYN-003", NULL },
};

Test(scrub_syn, patient)
{
    run(NULL, patient_cases, CX_COUNT(patient_cases));
}

/* ---- parties and ids ---- */

static void no_member_id(rcm_claim *c) { c->subscriber.id[0] = 0; }
static void no_payer_name(rcm_claim *c) { c->payer.last[0] = 0; }
static void no_payer_id(rcm_claim *c) { c->payer.id[0] = 0; }
static void no_billing_npi(rcm_claim *c) { c->billing.id[0] = 0; }
static void billing_ein(rcm_claim *c) { SET(c->billing.id_qual, "24"); SET(c->billing.id, "741234567"); }
static void billing_no_qual(rcm_claim *c) { c->billing.id_qual[0] = 0; }
static void no_claim_id(rcm_claim *c) { c->id[0] = 0; }

static const syn_case party_cases[] = {
    { "no member id", 'P', no_member_id, "SYN-004", "SYN-005" },
    { "no payer name", 'P', no_payer_name, "SYN-005", "SYN-004" },
    { "no payer id", 'I', no_payer_id, "SYN-005", NULL },
    { "no billing NPI", 'P', no_billing_npi, "SYN-006", NULL },
    { "billing id is not an NPI", 'P', billing_ein, "SYN-006", NULL },
    { "billing NPI without its qualifier", 'P', billing_no_qual, NULL, "SYN-006" },
    { "no claim id", 'P', no_claim_id, "SYN-024", NULL },
};

Test(scrub_syn, parties_and_ids)
{
    run(NULL, party_cases, CX_COUNT(party_cases));
}

/* ---- charges and units ---- */

static void total_zero(rcm_claim *c) { c->charge_cents = 0; }
static void total_negative(rcm_claim *c) { c->charge_cents = -12000; c->lines[0].charge_cents = -12000; }
static void line_zero(rcm_claim *c) { fx_line(c, "36415", NULL, NULL, 0, 1); }
static void total_cent_off(rcm_claim *c) { c->charge_cents += 1; }
static void two_lines_sum(rcm_claim *c) { fx_line(c, "36415", NULL, NULL, 1999, 1); }
static void units_zero(rcm_claim *c) { c->lines[0].units_milli = 0; }
static void units_negative(rcm_claim *c) { c->lines[0].units_milli = -1000; }
static void units_half(rcm_claim *c) { c->lines[0].units_milli = 500; }

static const syn_case money_cases[] = {
    { "claim total zero", 'P', total_zero, "SYN-007,SYN-010", "SYN-008" },
    { "claim and line negative", 'P', total_negative, "SYN-007,SYN-008", "SYN-010" },
    { "a line at zero", 'P', line_zero, "SYN-008", "SYN-007,SYN-010" },
    { "total one cent over the lines", 'P', total_cent_off, "SYN-010", "SYN-007" },
    { "total is the sum of two lines", 'P', two_lines_sum, NULL, "SYN-010" },
    { "837I total one cent over", 'I', total_cent_off, "SYN-010", NULL },
    { "no units", 'P', units_zero, "SYN-009", NULL },
    { "negative units", 'I', units_negative, "SYN-009", NULL },
    { "half a unit", 'P', units_half, NULL, "SYN-009" },
};

Test(scrub_syn, charges_and_units)
{
    run(NULL, money_cases, CX_COUNT(money_cases));
}

/* ---- dates ---- */

static void line_no_date(rcm_claim *c) { c->lines[0].from = c->lines[0].to = RCM_DATE_NONE; }
static void no_statement(rcm_claim *c) { c->statement_from = c->statement_to = RCM_DATE_NONE; line_no_date(c); }
static void line_tomorrow(rcm_claim *c) { c->lines[0].from = c->lines[0].to = fx_date("2025-12-02"); }
static void line_today(rcm_claim *c) { c->lines[0].from = c->lines[0].to = fx_date(FX_TODAY); }
static void line_range_future(rcm_claim *c) { c->lines[0].to = fx_date("2025-12-05"); }
static void line_backwards(rcm_claim *c) { c->lines[0].to = fx_date("2025-11-01"); }
static void line_from_only(rcm_claim *c) { c->lines[0].to = RCM_DATE_NONE; }
static void statement_backwards(rcm_claim *c) { line_no_date(c); c->statement_to = fx_date("2025-11-01"); }
static void statement_future(rcm_claim *c) { line_no_date(c); c->statement_to = fx_date("2025-12-10"); }
static void statement_span(rcm_claim *c)
{
    line_no_date(c);
    c->statement_from = fx_date("2025-10-28");
    c->statement_to = fx_date("2025-11-03");
}
static void discharge_before_admission(rcm_claim *c)
{
    c->admission = fx_date("2025-11-03");
    c->discharge = fx_date("2025-11-02");
}
static void discharge_same_day(rcm_claim *c)
{
    c->admission = fx_date("2025-11-03");
    c->discharge = fx_date("2025-11-03");
}

static const syn_case date_cases[] = {
    { "837P line without a date", 'P', line_no_date, "SYN-011", "SYN-012,SYN-013" },
    { "837I line without a date: the statement's", 'I', line_no_date, NULL, "SYN-011" },
    { "837I without statement dates", 'I', no_statement, "SYN-011", NULL },
    { "a line tomorrow", 'P', line_tomorrow, "SYN-012", "SYN-013,SYN-011" },
    { "a line today", 'P', line_today, NULL, "SYN-012" },
    { "a range ending in the future", 'P', line_range_future, "SYN-012", "SYN-013" },
    { "a range ending before it starts", 'P', line_backwards, "SYN-013", "SYN-012" },
    { "a line with only a from date", 'P', line_from_only, NULL, "SYN-011,SYN-013" },
    { "837I statement ending before it starts", 'I', statement_backwards, "SYN-013", NULL },
    { "837I statement ending in the future", 'I', statement_future, "SYN-012", NULL },
    { "837I statement span", 'I', statement_span, NULL, "SYN-011,SYN-012,SYN-013" },
    { "837I line ending before it starts", 'I', line_backwards, "SYN-013", NULL },
    { "discharge before admission", 'P', discharge_before_admission, "SYN-013", NULL },
    { "discharged the day of admission", 'P', discharge_same_day, NULL, "SYN-013" },
};

Test(scrub_syn, dates)
{
    run(NULL, date_cases, CX_COUNT(date_cases));
}

/* ---- place of service ---- */

static void pos_one_digit(rcm_claim *c) { SET(c->pos, "1"); }
static void pos_empty(rcm_claim *c) { c->pos[0] = 0; }
static void pos_letters(rcm_claim *c) { SET(c->pos, "1A"); }
static void pos_ab(rcm_claim *c) { SET(c->pos, "AB"); }
static void pos_99(rcm_claim *c) { SET(c->pos, "99"); }
static void pos_12(rcm_claim *c) { SET(c->pos, "12"); }
static void pos_02(rcm_claim *c) { SET(c->pos, "02"); }
static void line_pos_bad(rcm_claim *c) { SET(c->lines[0].pos, "9X"); }
static void line_pos_12(rcm_claim *c) { SET(c->lines[0].pos, "12"); }
static void line_pos_02(rcm_claim *c) { SET(c->lines[0].pos, "02"); }
static void pos_12_line_pos_12(rcm_claim *c) { pos_12(c); line_pos_12(c); }
static void pos_12_no_line_date(rcm_claim *c) { pos_12(c); line_no_date(c); }
static void facility_99(rcm_claim *c) { SET(c->pos, "99"); }

static const syn_case pos_shape_cases[] = {
    { "POS one digit", 'P', pos_one_digit, "SYN-014", NULL },
    { "POS empty", 'P', pos_empty, "SYN-014", NULL },
    { "POS with a letter", 'P', pos_letters, "SYN-014", NULL },
    { "line POS with a letter", 'P', line_pos_bad, "SYN-014", NULL },
    { "POS AB", 'P', pos_ab, "SYN-014", NULL },
    { "POS 12 without code sets: not judged", 'P', pos_12, NULL, "SYN-014" },
    { "POS 99 without code sets: not judged", 'P', pos_99, NULL, "SYN-014" },
    { "837I facility type one digit", 'I', pos_one_digit, "SYN-014", NULL },
    { "837I facility type empty", 'I', pos_empty, "SYN-014", NULL },
    { "837I facility type 99", 'I', facility_99, NULL, "SYN-014" },
};

Test(scrub_syn, place_of_service_shape)
{
    run(NULL, pos_shape_cases, CX_COUNT(pos_shape_cases));
}

/* The code-set fixture's place of service list holds 02 and 11 only. */
static const syn_case pos_table_cases[] = {
    { "POS 11 in the list", 'P', NULL, NULL, "SYN-014" },
    { "POS 02 in the list", 'P', pos_02, NULL, "SYN-014" },
    { "POS 12 not in the list", 'P', pos_12, "SYN-014", NULL },
    { "line POS 12 not in the list", 'P', line_pos_12, "SYN-014", NULL },
    { "line POS 02 in the list", 'P', line_pos_02, NULL, "SYN-014" },
    { "claim and line POS 12", 'P', pos_12_line_pos_12, "SYN-014", NULL },
    { "POS 12, no date of service: not judged", 'P', pos_12_no_line_date, "SYN-011", "SYN-014" },
    { "837I facility type 99: not a place of service", 'I', facility_99, NULL, "SYN-014" },
};

Test(scrub_syn, place_of_service_in_the_code_set)
{
    cx_store x;
    cx_open(&x);
    run(x.cs, pos_table_cases, CX_COUNT(pos_table_cases));

    rcm_scrub *s = engine(x.cs);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = baseline('P');
    pos_12_line_pos_12(c);
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "SYN-014"), 2);
    cr_assert_str_eq(f.v[0].message, "2300 CLM05-1 place of service 12 is not a place of service code on 2025-11-03");
    cr_assert_eq(f.v[0].nlines, 0);
    cr_assert_str_eq(f.v[0].table, "pos");
    cr_assert_str_eq(f.v[0].version, "2022");
    cr_assert_str_eq(f.v[0].file, "place_of_service_test.csv");
    cr_assert_str_eq(f.v[0].fields[0].key, "code");
    cr_assert_str_eq(f.v[0].fields[0].value, "12");
    cr_assert_str_eq(f.v[1].message, "line 1 SV105 place of service 12 is not a place of service code on 2025-11-03");
    cr_assert_eq(f.v[1].nlines, 1);
    cr_assert_eq(f.v[1].lines[0], 1);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    cx_close(&x);
}

/* ---- diagnoses and pointers ---- */

static void thirteen_dx(rcm_claim *c)
{
    static const char *const more[] = { "I10", "E785", "J449", "N183", "K219", "M170", "G4733", "F329", "Z7901",
                                        "R0602", "E039", "D649" };
    for (size_t i = 0; i < sizeof(more) / sizeof(more[0]); i++)
        fx_dx(c, more[i]);
}
static void twelve_dx(rcm_claim *c) { thirteen_dx(c); c->n_dx = 12; }
static void no_pointer(rcm_claim *c) { c->lines[0].dx_ptr[0] = 0; }
static void pointer_past(rcm_claim *c) { c->lines[0].dx_ptr[1] = 2; }
static void pointer_second_ok(rcm_claim *c) { fx_dx(c, "I10"); c->lines[0].dx_ptr[1] = 2; }
static void pointer_3_of_2(rcm_claim *c) { fx_dx(c, "I10"); c->lines[0].dx_ptr[1] = 3; }
static void pointer_twice(rcm_claim *c) { c->lines[0].dx_ptr[2] = 1; }
static void pointer_gap(rcm_claim *c) { fx_dx(c, "I10"); c->lines[0].dx_ptr[0] = 0; c->lines[0].dx_ptr[1] = 2; }
static void no_dx(rcm_claim *c) { c->n_dx = 0; }
static void no_dx_no_pointer(rcm_claim *c) { c->n_dx = 0; no_pointer(c); }

static const syn_case dx_cases[] = {
    { "13 diagnoses on an 837P", 'P', thirteen_dx, "SYN-015", NULL },
    { "12 diagnoses on an 837P", 'P', twelve_dx, NULL, "SYN-015" },
    { "13 diagnoses on an 837I", 'I', thirteen_dx, NULL, "SYN-015" },
    { "837P line without a pointer", 'P', no_pointer, "SYN-016", "SYN-017" },
    { "837I line without a pointer", 'I', no_pointer, NULL, "SYN-016" },
    { "837P first pointer empty, second set", 'P', pointer_gap, "SYN-016", "SYN-017" },
    { "a pointer past the diagnoses", 'P', pointer_past, "SYN-017", "SYN-016,SYN-018" },
    { "a second pointer to the second diagnosis", 'P', pointer_second_ok, NULL, "SYN-017" },
    { "pointer 3 with 2 diagnoses", 'P', pointer_3_of_2, "SYN-017", "SYN-016,SYN-018" },
    { "the same pointer twice", 'P', pointer_twice, "SYN-018", "SYN-017" },
    { "no diagnosis", 'P', no_dx, "SYN-021,SYN-017", "SYN-015" },
    { "no diagnosis, no pointer", 'P', no_dx_no_pointer, "SYN-021,SYN-016", "SYN-017" },
    { "837I no diagnosis", 'I', no_dx, "SYN-021,SYN-017", NULL },
};

Test(scrub_syn, diagnoses_and_pointers)
{
    run(NULL, dx_cases, CX_COUNT(dx_cases));
}

/* ---- frequency ---- */

static void freq_none(rcm_claim *c) { c->freq = 0; }
static void freq_0(rcm_claim *c) { c->freq = '0'; }
static void freq_2(rcm_claim *c) { c->freq = '2'; }
static void freq_5(rcm_claim *c) { c->freq = '5'; }
static void freq_6(rcm_claim *c) { c->freq = '6'; }
static void freq_9(rcm_claim *c) { c->freq = '9'; }
static void freq_a(rcm_claim *c) { c->freq = 'A'; }
static void freq_f(rcm_claim *c) { c->freq = 'F'; }
static void freq_7(rcm_claim *c) { c->freq = '7'; }
static void freq_8(rcm_claim *c) { c->freq = '8'; }
static void freq_7_ref(rcm_claim *c) { c->freq = '7'; SET(c->original_ref, "2225301123456"); }
static void freq_8_ref(rcm_claim *c) { c->freq = '8'; SET(c->original_ref, "2225301123456"); }

static const syn_case freq_cases[] = {
    { "837P frequency missing", 'P', freq_none, "SYN-019", "SYN-020" },
    { "837P frequency 0", 'P', freq_0, "SYN-019", NULL },
    { "837P frequency 2", 'P', freq_2, "SYN-019", NULL },
    { "837P frequency 9", 'P', freq_9, "SYN-019", NULL },
    { "837P frequency 7 without REF*F8", 'P', freq_7, "SYN-020", "SYN-019" },
    { "837P frequency 8 without REF*F8", 'P', freq_8, "SYN-020", "SYN-019" },
    { "837P frequency 7 with REF*F8", 'P', freq_7_ref, NULL, "SYN-019,SYN-020" },
    { "837P frequency 8 with REF*F8", 'P', freq_8_ref, NULL, "SYN-020" },
    { "837I frequency missing", 'I', freq_none, "SYN-019", NULL },
    { "837I frequency 0", 'I', freq_0, NULL, "SYN-019" },
    { "837I frequency 2 (interim)", 'I', freq_2, NULL, "SYN-019" },
    { "837I frequency 5 (late charges)", 'I', freq_5, NULL, "SYN-019" },
    { "837I frequency 6 (reserved)", 'I', freq_6, "SYN-019", NULL },
    { "837I frequency 9", 'I', freq_9, NULL, "SYN-019" },
    { "837I frequency A (hospice notice)", 'I', freq_a, NULL, "SYN-019" },
    { "837I frequency F (contractor adjustment)", 'I', freq_f, "SYN-019", NULL },
    { "837I frequency 7 without REF*F8", 'I', freq_7, "SYN-020", "SYN-019" },
    { "837I frequency 8 with REF*F8", 'I', freq_8_ref, NULL, "SYN-020" },
};

Test(scrub_syn, claim_frequency)
{
    run(NULL, freq_cases, CX_COUNT(freq_cases));
}

/* ---- lines ---- */

static void no_lines(rcm_claim *c) { c->n_lines = 0; c->charge_cents = 0; }
static void no_lines_total_kept(rcm_claim *c) { c->n_lines = 0; c->charge_cents = 12000; }
static void no_code(rcm_claim *c) { c->lines[0].code[0] = 0; }
static void no_code_no_revenue(rcm_claim *c) { no_code(c); c->lines[0].revenue_code[0] = 0; }

static const syn_case line_cases[] = {
    { "no lines", 'P', no_lines_total_kept, "SYN-022", "SYN-010,SYN-023" },
    { "no lines, no total", 'I', no_lines, "SYN-022,SYN-007", "SYN-010" },
    { "837P line without a code", 'P', no_code, "SYN-023", "SYN-022" },
    { "837I line with only a revenue code", 'I', no_code, NULL, "SYN-023" },
    { "837I line with neither", 'I', no_code_no_revenue, "SYN-023", NULL },
};

Test(scrub_syn, service_lines)
{
    run(NULL, line_cases, CX_COUNT(line_cases));
}

/* ---- what the findings say ---- */

Test(scrub_syn, findings_name_the_field_and_the_line)
{
    rcm_scrub *s = engine(NULL);
    rcm_findings f;
    rcm_findings_init(&f);

    rcm_claim *c = baseline('P');
    no_member_id(c);
    const rcm_finding *x = one(s, c, &f, "SYN-004");
    cr_assert_str_eq(x->message, "2010BA NM109 subscriber member id is empty");
    cr_assert(x->hint[0]);
    cr_assert_eq(x->severity, RCM_SEV_ERROR);
    cr_assert_eq(x->route, RCM_ROUTE_BILLER);
    cr_assert_eq(x->nlines, 0);
    cr_assert_str_eq(x->claim, "FX-1");
    fx_free(c);

    c = baseline('P');
    sex_u(c);
    x = one(s, c, &f, "SYN-002");
    cr_assert_eq(x->severity, RCM_SEV_WARNING, "U is a warning");
    cr_assert_eq(f.errors, 0);
    cr_assert_eq(f.warnings, 1);
    cr_assert_str_eq(x->message, "2010BA subscriber (the patient) sex is U (unknown)");
    no_sex(c);
    x = one(s, c, &f, "SYN-002");
    cr_assert_eq(x->severity, RCM_SEV_ERROR, "a missing sex is an error");
    fx_free(c);

    c = baseline('P');
    dependant_no_dob(c);
    x = one(s, c, &f, "SYN-001");
    cr_assert_str_eq(x->message, "2010CA patient has no date of birth (DMG02)");
    fx_free(c);

    c = baseline('P');
    age_125(c);
    x = one(s, c, &f, "SYN-003");
    cr_assert_str_eq(x->message,
                     "2010BA subscriber (the patient) date of birth 1900-11-03 makes the patient 125 on 2025-11-03");
    dob_after_dos(c);
    x = one(s, c, &f, "SYN-003");
    cr_assert_str_eq(x->message,
                     "2010BA subscriber (the patient) date of birth 2025-11-10 is after the date of service 2025-11-03");
    fx_free(c);

    c = baseline('P');
    two_lines_sum(c);
    c->lines[1].charge_cents = 0;
    c->lines[1].units_milli = 1500;
    fx_line(c, "36415", NULL, NULL, 1999, 0);
    fx_scrub(s, c, &f);
    fx_expect(&f, "line faults", "SYN-008,SYN-009,SYN-010", NULL);
    x = fx_finding(&f, "SYN-008");
    cr_assert_str_eq(x->message, "line 2 (36415) SV102 charge is 0.00");
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_str_eq(x->codes[0], "36415");
    x = fx_finding(&f, "SYN-009");
    cr_assert_str_eq(x->message, "line 3 (36415) SV104 units are 0");
    cr_assert_eq(x->lines[0], 3);
    x = fx_finding(&f, "SYN-010");
    cr_assert_str_eq(x->message, "2300 CLM02 total charge 159.98 differs from the sum of the line charges 139.99");
    fx_free(c);

    c = baseline('I');
    units_half(c);
    c->lines[0].units_milli = -1250;
    x = one(s, c, &f, "SYN-009");
    cr_assert_str_eq(x->message, "line 1 (99213) SV205 units are -1.25");
    fx_free(c);

    c = baseline('P');
    line_backwards(c);
    x = one(s, c, &f, "SYN-013");
    cr_assert_str_eq(x->message, "line 1 DTP*472 service dates end 2025-11-01 before they start 2025-11-03");
    cr_assert_eq(x->lines[0], 1);
    line_range_future(c);
    x = one(s, c, &f, "SYN-012");
    cr_assert_str_eq(x->message, "line 1 DTP*472 service date 2025-12-05 is in the future (today is 2025-12-01)");
    line_no_date(c);
    x = one(s, c, &f, "SYN-011");
    cr_assert_str_eq(x->message, "line 1 (99213) has no date of service (DTP*472)");
    fx_free(c);

    c = baseline('P');
    pointer_past(c);
    pointer_twice(c);
    c->lines[0].dx_ptr[3] = 2;
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "SYN-017"), 2, "each pointer past the diagnoses");
    cr_assert_eq(fx_fired(&f, "SYN-018"), 2, "each repeat");
    cr_assert_str_eq(fx_finding(&f, "SYN-017")->message, "line 1 (99213) SV107 points to diagnosis 2, but the claim has 1");
    cr_assert_str_eq(fx_finding(&f, "SYN-018")->message, "line 1 (99213) SV107 points to diagnosis 1 twice");
    cr_assert_eq(fx_finding(&f, "SYN-018")->severity, RCM_SEV_WARNING);
    fx_free(c);

    c = baseline('P');
    freq_2(c);
    x = one(s, c, &f, "SYN-019");
    cr_assert_str_eq(x->message, "2300 CLM05-3 claim frequency code '2' is not 1, 7 or 8");
    freq_7(c);
    x = one(s, c, &f, "SYN-020");
    cr_assert_str_eq(x->message, "frequency 7 (replacement) without the payer's claim number of the original "
                                 "(2300 REF*F8)");
    fx_free(c);

    c = baseline('I');
    freq_6(c);
    x = one(s, c, &f, "SYN-019");
    cr_assert_str_eq(x->message, "2300 CLM05-3 claim frequency code '6' is not 0-5, 7-9 or A-E");
    pos_one_digit(c);
    x = one(s, c, &f, "SYN-014");
    cr_assert_str_eq(x->message, "2300 CLM05-1 facility type code '1' is not 2 digits");
    fx_free(c);

    c = baseline('P');
    no_payer_name(c);
    no_payer_id(c);
    x = one(s, c, &f, "SYN-005");
    cr_assert_str_eq(x->message, "2010BB payer name (NM103) and id (NM109) are empty");
    fx_free(c);

    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

Test(scrub_syn, a_claim_with_everything_missing)
{
    rcm_scrub *s = engine(NULL);
    rcm_findings f;
    rcm_findings_init(&f);
    rcm_claim *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    rcm_claim_init(c);
    c->kind = 'P';
    fx_scrub(s, c, &f);
    fx_expect(&f, "empty claim", "SYN-001,SYN-002,SYN-004,SYN-005,SYN-006,SYN-007,SYN-014,SYN-019,SYN-021,SYN-022,"
                                 "SYN-024",
              "SYN-003,SYN-010,SYN-011,SYN-012,SYN-013,SYN-015,SYN-016,SYN-017,SYN-018,SYN-020,SYN-023");
    for (size_t i = 0; i < f.n; i++)
        cr_assert_eq(fx_fired(&f, f.v[i].rule), 1, "%s once", f.v[i].rule);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}
