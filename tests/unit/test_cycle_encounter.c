/*
 * cycle_encounter: the practice file and the encounter import
 * (rcm/encounter.h): counts, idempotent re-import, updates while new,
 * refusal after coding, and tables of bad input, each expecting its error
 * code, its line and a fragment of its message, and leaving the store as it
 * was (cyfx_digest before and after).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture.h"
#include "cycle_fixture_claims.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static cyfx F;
static void setup(void) { cyfx_open(&F); }
static void teardown(void) { cyfx_close(&F); }

TestSuite(cycle_encounter, .init = setup, .fini = teardown);

/* text with the first occurrence of from replaced by to (malloc'ed). */
static char *edit(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    cr_assert_not_null(at, "'%s' is not in the text", from);
    size_t n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    cr_assert_not_null(out);
    size_t head = (size_t)(at - text);
    memcpy(out, text, head);
    memcpy(out + head, to, strlen(to));
    memcpy(out + head + strlen(to), at + strlen(from), strlen(at + strlen(from)) + 1);
    return out;
}

/* The 1-based line of the first occurrence of what in text. */
static long line_of(const char *text, const char *what)
{
    const char *at = strstr(text, what);
    cr_assert_not_null(at, "'%s' is not in the text", what);
    long line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

static void expect_fail(int rc, int want_rc, long want_line, const char *fragment, const char *what)
{
    cr_expect_eq(rc, want_rc, "%s: rc %d, expected %d (%s)", what, rc, want_rc, F.err.msg);
    cr_expect_eq(F.err.line, want_line, "%s: line %ld, expected %ld (%s)", what, F.err.line, want_line, F.err.msg);
    cr_expect_not_null(strstr(F.err.msg, fragment), "%s: '%s' does not say '%s'", what, F.err.msg, fragment);
    cr_expect(F.err.source && strcmp(F.err.source, F.path) == 0, "%s: source '%s'", what,
              F.err.source ? F.err.source : "(none)");
}

/*
 * A handle on another store st (a new one: its admin is bootstrapped) for a
 * new user name with roles; the caller frees it.
 */
static rcm_cycle *open_user(rcm_store *st, const char *name, unsigned roles)
{
    rcm_error err = { 0 };
    char token[RCM_TOKEN_LEN + 1];
    rcm_cycle *admin = NULL, *cy = NULL;
    cr_assert_eq(rcm_auth_bootstrap(st, CYFX_ADMIN, CYFX_PASSWORD, "minimum", CYFX_NOW, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_auth_login(st, CYFX_ADMIN, CYFX_PASSWORD, "test", CYFX_NOW, token, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_cycle_open(&admin, st, token, "test", CYFX_NOW, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_user_add(admin, name, roles, CYFX_PASSWORD, &err), 0, "%s", err.msg);
    rcm_cycle_free(admin);
    cr_assert_eq(rcm_auth_login(st, name, CYFX_PASSWORD, "test", CYFX_NOW, token, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_cycle_open(&cy, st, token, "test", CYFX_NOW, &err), 0, "%s", err.msg);
    rcm_cycle_set_now(cy, CYFX_NOW);
    return cy;
}

/* ---- the practice ---- */

Test(cycle_encounter, practice_imported_by_the_fixture)
{
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM practice"), 1);
    cr_assert_str_eq(cyfx_text(&F, "SELECT npi || ' ' || tax_id || ' ' || zip FROM practice"),
                     "1234567893 621234567 372031234");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM provider WHERE active = 1"), 2);
    cr_assert_str_eq(cyfx_text(&F, "SELECT group_concat(code || ':' || payer_ext_id || ':' || filing || ':' ||"
                                   " timely_days || ':' || appeal_days, ' ') FROM"
                                   " (SELECT * FROM payer ORDER BY code)"),
                     "AETNA:60054:CI:90:180 BCBS:BCBST:BL:180:180 MCR:MCRB1:MB:365:120");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM fee"), 20);
    cr_assert_eq(cyfx_int(&F, "SELECT charge_cents FROM fee WHERE code = '99213' AND modifier = ''"), 15000);
    cr_assert_eq(cyfx_int(&F, "SELECT allowed_cents FROM contract_fee c JOIN payer p USING (payer_id)"
                              " WHERE p.code = 'MCR' AND c.code = '99213'"),
                 9250);
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM contract_fee c JOIN payer p USING (payer_id) WHERE p.code = 'BCBS'"),
                 6);
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM contract_fee c JOIN payer p USING (payer_id) WHERE p.code = 'AETNA'"),
                 0);
    /* tester's import (the fixture's admin wrote the events of its set-up and tester's login before):
       1 practice + 2 providers + 3 payers, fees and contracts as one event each */
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE user_name = 'tester' AND action <> 'login'"),
                 8);
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE user_name = 'tester' AND action = 'add'"
                              " AND outcome = 'ok' AND entity IN ('practice', 'provider', 'payer') AND entity_id > 0"
                              " AND patient_id = 0 AND claim_id = 0"),
                 6);
    cr_assert_eq(cyfx_int(&F, "SELECT min(at) FROM audit_log WHERE user_name = 'tester'"), CYFX_NOW);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'add' AND entity = 'payer'"
                                   " ORDER BY seq LIMIT 1"),
                     "code MCR payer_id MCRB1");
    cr_assert_gt(cyfx_payer(&F, "AETNA"), 0);
    int64_t id = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_payer_find(F.cy, "UHC", &id, &err), RCM_ENOTFOUND);
}

Test(cycle_encounter, practice_reimport_changes_nothing)
{
    cyfx_sum before = cyfx_digest(&F);
    cr_assert_eq(cyfx_import_practice(&F, cyfx_practice_json), 0, "%s", F.err.msg);
    cr_assert_eq(F.rep.records, 45);
    cr_assert_eq(F.rep.added, 0);
    cr_assert_eq(F.rep.updated, 0);
    cr_assert_eq(F.rep.unchanged, 45);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
}

Test(cycle_encounter, practice_reimport_updates_what_changed)
{
    char *a = edit(cyfx_practice_json, "\"timely_days\": 90", "\"timely_days\": 120");
    char *b = edit(a, "{\"code\": \"99213\", \"charge\": \"150.00\"}", "{\"code\": \"99213\", \"charge\": \"155.50\"}");
    char *c = edit(b, "{\"code\": \"99283\", \"charge\": \"320.00\"}",
                   "{\"code\": \"99283\", \"charge\": \"320.00\"}, {\"code\": \"99213\", \"modifier\": \"GT\","
                   " \"charge\": \"150.00\"}");
    long events = (long)cyfx_int(&F, "SELECT count(*) FROM audit_log");
    cr_assert_eq(cyfx_import_practice(&F, c), 0, "%s:%ld: %s", F.path, F.err.line, F.err.msg);
    cr_assert_eq(F.rep.added, 1);
    cr_assert_eq(F.rep.updated, 2);
    cr_assert_eq(F.rep.unchanged, 43);
    cr_assert_eq(cyfx_int(&F, "SELECT timely_days FROM payer WHERE code = 'AETNA'"), 120);
    cr_assert_eq(cyfx_int(&F, "SELECT charge_cents FROM fee WHERE code = '99213' AND modifier = ''"), 15550);
    cr_assert_eq(cyfx_int(&F, "SELECT charge_cents FROM fee WHERE code = '99213' AND modifier = 'GT'"), 15000);
    /* the payer update and one event for the fees, each with what changed */
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log") - events, 2);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE entity = 'fee' ORDER BY seq DESC"),
                     "1 added, 1 updated: 99213 150.00 -> 155.50; 99213-GT none -> 150.00");
    cr_assert_str_eq(cyfx_text(&F, "SELECT action || ' ' || detail FROM audit_log WHERE entity = 'payer'"
                                   " ORDER BY seq DESC"),
                     "update code AETNA payer_id 60054: timely_days 90 -> 120");
    free(a);
    free(b);
    free(c);
}

Test(cycle_encounter, practice_row_itself_is_updated)
{
    char *a = edit(cyfx_practice_json, "\"contact\": \"BILLING OFFICE\"", "\"contact\": \"BILLING DESK\"");
    cr_assert_eq(cyfx_import_practice(&F, a), 0, "%s", F.err.msg);
    cr_assert_eq(F.rep.updated, 1);
    cr_assert_eq(F.rep.unchanged, 44);
    cr_assert_str_eq(cyfx_text(&F, "SELECT contact || ' ' || created_at FROM practice"), "BILLING DESK 1656676800");
    cr_assert_str_eq(cyfx_text(&F, "SELECT action || ' ' || detail FROM audit_log WHERE entity = 'practice'"
                                   " ORDER BY seq DESC"),
                     "update npi 1234567893: contact 'BILLING OFFICE' -> 'BILLING DESK'");
    free(a);
}

typedef struct pcase {
    const char *from, *to;      /* the edit of cyfx_practice_json */
    int rc;
    const char *fragment;
} pcase;

Test(cycle_encounter, practice_mistakes_are_located_and_change_nothing)
{
    static const pcase cases[] = {
        { "\"timely_days\": 90", "\"timely_days\": 0", RCM_EFORMAT,
          "field 'payers[2].timely_days': 0 is out of range (1 to 3650)" },
        { "\"timely_days\": 90", "\"timely_days\": \"90\"", RCM_EFORMAT,
          "field 'payers[2].timely_days': must be a whole number" },
        { "\"npi\": \"1234567893\"", "\"npi\": \"1234567890\"", RCM_EFORMAT,
          "field 'practice.npi': '1234567890' is not an NPI: the NPI check digit is wrong" },
        { "\"npi\": \"1234567893\"", "\"npi\": \"1245319599\"", RCM_EDENIED,
          "field 'practice.npi': the store holds the practice with NPI 1234567893: one practice per store" },
        { "\"npi\": \"1245319599\"", "\"npi\": \"124531959\"", RCM_EFORMAT,
          "field 'providers[1].npi': '124531959' is not an NPI" },
        { "\"filing\": \"CI\"", "\"filing\": \"XX\"", RCM_EFORMAT,
          "field 'payers[2].filing': 'XX' is not a claim filing indicator" },
        { "\"charge\": \"150.00\"", "\"charge\": \"1.234\"", RCM_EFORMAT,
          "field 'fees[6].charge': '1.234' is not an amount" },
        { "\"charge\": \"150.00\"", "\"charge\": 150", RCM_EFORMAT,
          "field 'fees[6].charge': must be a decimal string" },
        { "\"charge\": \"150.00\"", "\"charge\": \"-1.00\"", RCM_EFORMAT, "field 'fees[6].charge': '-1.00' is negative" },
        { "{\"code\": \"99213\", \"charge\"", "{\"code\": \"9921\", \"charge\"", RCM_EFORMAT,
          "field 'fees[6].code': '9921' is not a CPT or HCPCS code" },
        { "{\"code\": \"99212\", \"charge\"", "{\"code\": \"99211\", \"charge\"", RCM_EFORMAT,
          "field 'fees[5]': the same code and modifier as fees[4]" },
        { "{\"code\": \"99212\", \"charge\"", "{\"code\": \"99212\", \"modifier\": \"2\", \"charge\"", RCM_EFORMAT,
          "field 'fees[5].modifier': '2' is not a modifier" },
        { "{\"payer\": \"BCBS\", \"code\": \"99203\"", "{\"payer\": \"UHC\", \"code\": \"99203\"", RCM_ENOTFOUND,
          "field 'contracts[13].payer': no payer 'UHC' in the file or the store" },
        { "{\"payer\": \"BCBS\", \"code\": \"99203\"", "{\"payer\": \"BCBS\", \"code\": \"99213\"", RCM_EFORMAT,
          "field 'contracts[14]': the same payer, code and modifier as contracts[13]" },
        { "\"zip\": \"372031234\"", "\"zip\": \"37203123\"", RCM_EFORMAT,
          "field 'practice.address.zip': must be 5 or 9 digits" },
        { "\"state\": \"TN\", \"zip\": \"372031234\"", "\"state\": \"Tn\", \"zip\": \"372031234\"", RCM_EFORMAT,
          "field 'practice.address.state': must be 2 upper-case letters" },
        { "\"contact\": \"BILLING OFFICE\"", "\"kontact\": \"BILLING OFFICE\"", RCM_EFORMAT,
          "field 'practice.kontact': unknown member" },
        { "\"last\": \"CHEN\"", "\"last\": \"\"", RCM_EFORMAT, "field 'providers[1].last': must not be empty" },
        { "\"last\": \"CHEN\"", "\"last\": \"CH~EN\"", RCM_EFORMAT,
          "field 'providers[1].last': must be printable ASCII without ~ * : ^" },
        { "\"tax_id\": \"621234567\"", "\"tax_id\": \"62123456\"", RCM_EFORMAT,
          "field 'practice.tax_id': '62123456' is not a tax id (9 digits)" },
        { "{\"code\": \"AETNA\"", "{\"code\": \"BCBS\"", RCM_EFORMAT, "field 'payers[2]': the same code as payers[1]" },
        { "{\"code\": \"AETNA\"", "{\"code\": \"aetna\"", RCM_EFORMAT,
          "field 'payers[2].code': 'aetna' must be upper-case letters and digits only" },
        { "\"receiver\": {\"id\": \"CLEARHOUSE\", ", "\"receiver\": {", RCM_EFORMAT,
          "field 'practice.receiver.id': is required" },
        { "\"payers\": [", "\"payers\" [", RCM_EFORMAT, "not JSON: ':' is expected after a member name" },
        { "\"payers\": [", "\"providers\": [", RCM_EFORMAT,
          "not JSON: a member name appears twice in an object: 'providers'" },
        { "\"taxonomy\": \"207Q00000X\",\n", "\"taxonomy\": \"207Q0000\",\n", RCM_EFORMAT,
          "field 'practice.taxonomy': '207Q0000' is not a taxonomy code" },
    };
    cyfx_sum before = cyfx_digest(&F);
    for (size_t i = 0; i < COUNT(cases); i++) {
        const pcase *c = &cases[i];
        char *text = edit(cyfx_practice_json, c->from, c->to);
        int rc = cyfx_import_practice(&F, text);
        expect_fail(rc, c->rc, line_of(cyfx_practice_json, c->from), c->fragment, c->to);
        cr_expect_str_eq(cyfx_digest(&F).s, before.s, "%s: the store changed", c->to);
        free(text);
    }
}

Test(cycle_encounter, practice_file_shapes)
{
    cyfx_sum before = cyfx_digest(&F);
    expect_fail(cyfx_import_practice(&F, ""), RCM_EFORMAT, 1, "empty: a practice file holds one JSON object", "empty");
    expect_fail(cyfx_import_practice(&F, "[]"), RCM_EFORMAT, 1, "must be a JSON object", "array");
    size_t tn = 2 * strlen(cyfx_practice_json) + 1;
    char *two = malloc(tn);
    snprintf(two, tn, "%s%s", cyfx_practice_json, cyfx_practice_json);
    long lines = 1;
    for (const char *p = cyfx_practice_json; *p; p++)
        lines += *p == '\n';
    expect_fail(cyfx_import_practice(&F, two), RCM_EFORMAT, lines, "a second JSON value", "two objects");
    free(two);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    memset(&F.err, 0, sizeof(F.err));
    cr_assert_eq(rcm_practice_import(F.cy, "no/such/file.json", &F.rep, &F.err), RCM_EIO);
    cr_assert_not_null(strstr(F.err.msg, "no/such/file.json"), "%s", F.err.msg);
}

Test(cycle_encounter, practice_reading_back)
{
    cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    rcm_practice_info pi;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_practice_get(F.cy, &pi, &err), 0, "%s", err.msg);
    cr_assert_str_eq(pi.npi, CYFX_PRACTICE_NPI);
    cr_assert_str_eq(pi.submitter_id, "RIVERSIDE01");
    cr_assert_str_eq(pi.receiver_name, "DEMO CLEARINGHOUSE");
    cr_assert_eq(pi.providers, 2);
    cr_assert_eq(pi.payers, 3);
    cr_assert_eq(pi.fees, 20);
    cr_assert_eq(pi.contracts, 19);
    cr_assert_eq(pi.patients, 1);
    cr_assert_eq(pi.encounters, 1);
    rcm_provider_info *pv = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_provider_list(F.cy, &pv, &n, &err), 0);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(pv[0].npi, CYFX_NPI2);     /* by NPI */
    cr_assert_eq(pv[0].encounters, 0);
    cr_assert_str_eq(pv[1].last, "OKAFOR");
    cr_assert_eq(pv[1].encounters, 1);
    free(pv);
    rcm_payer_info *py = NULL;
    cr_assert_eq(rcm_payer_list(F.cy, &py, &n, &err), 0);
    cr_assert_eq(n, 3);
    cr_assert_str_eq(py[2].code, "MCR");        /* by code */
    cr_assert_eq(py[2].contracts, 13);
    cr_assert_eq(py[2].timely_days, 365);
    cr_assert_str_eq(py[2].zip, "37202");
    cr_assert_str_eq(py[0].addr1, "");          /* AETNA has no address */
    free(py);
}

/* ---- encounters ---- */

static const char *const enc_tables_sql =
    "SELECT (SELECT count(*) FROM encounter) || ' ' || (SELECT count(*) FROM patient) || ' ' ||"
    " (SELECT count(*) FROM coverage)";

Test(cycle_encounter, import_counts_rows_and_stores_them)
{
    const char *text = cyfx_lines(&F, 3, CYFX_ENC(&F, .id = "ENC-1", .mrn = "M1", .dx = "E11.65,I10",
                                                 .lines = "99214:25:1:1,2;36415"),
                                  CYFX_ENC(&F, .id = "ENC-2", .mrn = "M1", .date = "2022-06-20", .dx = "I10",
                                           .lines = "99213"),
                                  CYFX_ENC(&F, .id = "ENC-3", .mrn = "M2", .payer = "BCBS", .payer2 = "AETNA",
                                           .provider = CYFX_NPI2, .dx = "J06.9", .lines = "99212"));
    cyfx_import_ok(&F, text);
    cr_assert_eq(F.rep.records, 3);
    cr_assert_eq(F.rep.added, 3);
    cr_assert_eq(F.rep.updated, 0);
    cr_assert_eq(F.rep.unchanged, 0);
    cr_assert_eq(F.rep.patients_added, 2);
    cr_assert_eq(F.rep.coverages_added, 3);
    cr_assert_str_eq(cyfx_text(&F, enc_tables_sql), "3 2 3");
    cr_assert_str_eq(cyfx_text(&F, "SELECT group_concat(status, ',') FROM encounter"), "new,new,new");
    int64_t e3 = cyfx_enc(&F, "ENC-3");
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT pr.npi || ' ' || e.pos || ' ' || e.kind || ' ' || e.dos || ' ' || e.dos_to || ' ' || e.source"
             " FROM encounter e JOIN provider pr USING (provider_id) WHERE encounter_id = %lld",
             (long long)e3);
    /* 2022-06-15 is day 19158 */
    char want[128];
    snprintf(want, sizeof(want), "%s 11 P 19158 19158 %s:3", CYFX_NPI2, strrchr(F.path, '/') + 1);
    cr_assert_str_eq(cyfx_text(&F, sql), want);
    cr_assert_str_eq(cyfx_text(&F, "SELECT group_concat(p.code || c.seq || c.relation, ' ') FROM coverage c"
                                   " JOIN payer p USING (payer_id) JOIN patient pt USING (patient_id)"
                                   " WHERE pt.mrn = 'M2'"),
                     "BCBSP18 AETNAS18");
    cr_assert_str_eq(cyfx_text(&F, "SELECT documentation FROM encounter WHERE ext_id = 'ENC-1'"),
                     "{\"services\":[\"office visit, established patient\"],\"problems\":[\"follow-up\"],\"note\":\"\"}");
    cr_assert_str_eq(cyfx_text(&F, "SELECT proposed FROM encounter WHERE ext_id = 'ENC-1'"),
                     "{\"dx\":[\"E1165\",\"I10\"],\"lines\":[{\"code\":\"99214\",\"mods\":[\"25\"],\"units\":\"1\","
                     "\"ptrs\":[1,2],\"rev_code\":\"\"},{\"code\":\"36415\",\"mods\":[],\"units\":\"1\",\"ptrs\":[1],"
                     "\"rev_code\":\"\"}]}");
    cr_assert_eq(cyfx_int(&F, "SELECT imported_at FROM encounter WHERE ext_id = 'ENC-2'"), CYFX_NOW);
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM encounter WHERE coded_by IS NULL AND signed_by IS NULL"), 3);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE entity = 'encounter'"),
                     "enc-2.jsonl: 3 records, 3 added, 0 updated, 0 unchanged; patients 2 added, 0 updated;"
                     " coverages 3 added, 0 updated");
    /* patient data as sent */
    cr_assert_str_eq(cyfx_text(&F, "SELECT last || ',' || first || ',' || dob || ',' || sex || ',' || zip"
                                   " FROM patient WHERE mrn = 'M1'"),
                     "TESTER,PAT,-7272,F,37064");
}

Test(cycle_encounter, array_and_json_lines_read_the_same)
{
    const char *a = CYFX_ENC(&F, .id = "ENC-1", .dx = "I10", .lines = "99213");
    const char *b = CYFX_ENC(&F, .id = "ENC-2", .dx = "I10", .lines = "99213");
    size_t n = strlen(a) + strlen(b) + 16;
    char *arr = malloc(n);
    snprintf(arr, n, "\xEF\xBB\xBF [\n%s,\n%s\n]\n", a, b);
    cyfx_import_ok(&F, arr);
    cr_assert_eq(F.rep.added, 2);
    cyfx_sum digest = cyfx_digest(&F);
    cyfx_import_ok(&F, cyfx_lines(&F, 2, a, b));
    cr_assert_eq(F.rep.unchanged, 2);
    cr_assert_str_eq(cyfx_digest(&F).s, digest.s);
    /* an empty array and an empty file import nothing */
    cyfx_import_ok(&F, "[ ]\n");
    cr_assert_eq(F.rep.records, 0);
    cyfx_import_ok(&F, "\n\n");
    cr_assert_eq(F.rep.records, 0);
    cr_assert_str_eq(cyfx_digest(&F).s, digest.s);
    free(arr);
}

Test(cycle_encounter, reimport_of_the_same_content_writes_nothing)
{
    const char *text = cyfx_lines(&F, 2, CYFX_ENC(&F, .id = "ENC-1", .dx = "I10", .lines = "99213"),
                                  CYFX_ENC(&F, .id = "ENC-2", .payer2 = "BCBS", .relation = "01", .dx = "I10",
                                           .lines = "99213"));
    cyfx_import_ok(&F, text);
    cyfx_sum before = cyfx_digest(&F);
    cyfx_import_ok(&F, text);
    cr_assert_eq(F.rep.records, 2);
    cr_assert_eq(F.rep.unchanged, 2);
    cr_assert_eq(F.rep.added + F.rep.updated + F.rep.patients_added + F.rep.coverages_added, 0);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s, "a re-import wrote something");
    /* the source stays the first file's */
    cr_assert_str_eq(cyfx_text(&F, "SELECT source FROM encounter WHERE ext_id = 'ENC-2'"), "enc-2.jsonl:2");
}

Test(cycle_encounter, same_id_twice_in_one_file)
{
    /* identical twice: one encounter */
    const char *a = cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_import_ok(&F, cyfx_lines(&F, 2, a, a));
    cr_assert_eq(F.rep.added, 1);
    cr_assert_eq(F.rep.unchanged, 1);
    /* told apart: refused, or a re-import would flip it back and forth */
    cyfx_sum before = cyfx_digest(&F);
    const char *b = cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99213");
    const char *c = cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99214");
    int rc = cyfx_import(&F, cyfx_lines(&F, 3, b, a, c));
    expect_fail(rc, RCM_EFORMAT, 3, "encounter 'ENC-2': also at line 1 of this file, with other content", "twice");
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    /* an update then the same id again, told apart */
    const char *a2 = cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99214");
    rc = cyfx_import(&F, cyfx_lines(&F, 2, a2, a));
    expect_fail(rc, RCM_EFORMAT, 2, "encounter 'ENC-1': also at line 1 of this file", "updated twice");
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
}

Test(cycle_encounter, patient_data_come_from_the_latest_visit)
{
    /* the patient moved between two visits; the file lists the later visit first */
    const char *later = CYFX_ENC(&F, .id = "ENC-2", .mrn = "M1", .date = "2022-06-20", .last = "NEWNAME",
                                 .member = "1EG4TE5MK74", .dx = "I10", .lines = "99213");
    const char *earlier = CYFX_ENC(&F, .id = "ENC-1", .mrn = "M1", .date = "2022-06-10", .dx = "I10",
                                   .lines = "99213");
    const char *text = cyfx_lines(&F, 2, later, earlier);
    char *copy = strdup(text);
    cyfx_import_ok(&F, copy);
    cr_assert_eq(F.rep.patients_added, 1);
    cr_assert_eq(F.rep.patients_updated, 0);
    cr_assert_str_eq(cyfx_text(&F, "SELECT last FROM patient"), "NEWNAME");
    cr_assert_str_eq(cyfx_text(&F, "SELECT member_id FROM coverage"), "1EG4TE5MK74");
    cyfx_sum before = cyfx_digest(&F);
    cyfx_import_ok(&F, copy);
    cr_assert_eq(F.rep.unchanged, 2);
    cr_assert_eq(F.rep.patients_updated + F.rep.coverages_updated, 0);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s, "a re-import flipped the patient's data");
    /* the other order ends the same */
    const char *ordered = cyfx_lines(&F, 2, CYFX_ENC(&F, .id = "ENC-3", .mrn = "M2", .date = "2022-06-10",
                                                     .dx = "I10", .lines = "99213"),
                                     CYFX_ENC(&F, .id = "ENC-4", .mrn = "M2", .date = "2022-06-20",
                                              .last = "NEWNAME", .dx = "I10", .lines = "99213"));
    char *copy2 = strdup(ordered);
    cyfx_import_ok(&F, copy2);
    cr_assert_eq(F.rep.patients_updated, 1);
    cr_assert_str_eq(cyfx_text(&F, "SELECT last FROM patient WHERE mrn = 'M2'"), "NEWNAME");
    before = cyfx_digest(&F);
    cyfx_import_ok(&F, copy2);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    /* a correction sent with the same encounter applies */
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-4", .mrn = "M2", .date = "2022-06-20", .last = "FIXEDNAME",
                                .dx = "I10", .lines = "99213"));
    cr_assert_eq(F.rep.patients_updated, 1);
    cr_assert_str_eq(cyfx_text(&F, "SELECT last FROM patient WHERE mrn = 'M2'"), "FIXEDNAME");
    free(copy);
    free(copy2);
}

Test(cycle_encounter, changed_encounter_is_updated_while_new)
{
    cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    int64_t id = cyfx_enc(&F, "ENC-1");
    long events = (long)cyfx_int(&F, "SELECT count(*) FROM audit_log");
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-1", .dx = "I10,E78.5", .lines = "99214:::1,2",
                                .services = "office visit, established patient, moderate"));
    cr_assert_eq(F.rep.updated, 1);
    cr_assert_eq(F.rep.added, 0);
    cr_assert_eq(cyfx_enc(&F, "ENC-1"), id, "an update keeps the encounter's number");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM encounter"), 1);
    cr_assert_not_null(strstr(cyfx_text(&F, "SELECT proposed FROM encounter"), "\"E785\""));
    cr_assert_not_null(strstr(cyfx_text(&F, "SELECT documentation FROM encounter"), "moderate"));
    cr_assert_str_eq(cyfx_text(&F, "SELECT source || ' ' || status FROM encounter"), "enc-3.jsonl:1 new");
    /* the update (the fields that changed, never the clinical text) and the import's summary */
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log") - events, 2);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT detail FROM audit_log WHERE action = 'update' AND entity = 'encounter'"
             " AND entity_id = %lld",
             (long long)id);
    cr_assert_str_eq(cyfx_text(&F, sql), "ext_id ENC-1: documentation changed; proposed changed");
    snprintf(sql, sizeof(sql), "SELECT patient_id FROM audit_log WHERE action = 'update' AND entity_id = %lld",
             (long long)id);
    cr_assert_eq(cyfx_int(&F, sql), cyfx_int(&F, "SELECT patient_id FROM encounter WHERE ext_id = 'ENC-1'"));
    /* a patient's new address is an update of the patient, not of the encounter */
    cyfx_import_ok(&F, cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99213"));
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-2", .mrn = "MRN-ENC-2", .last = "TESTER-SMITH", .dx = "I10",
                                .lines = "99213"));
    cr_assert_eq(F.rep.unchanged, 1);
    cr_assert_eq(F.rep.updated, 0);
    cr_assert_eq(F.rep.patients_updated, 1);
    cr_assert_eq(F.rep.coverages_updated, 0);
    cr_assert_str_eq(cyfx_text(&F, "SELECT last FROM patient WHERE mrn = 'MRN-ENC-2'"), "TESTER-SMITH");
    cr_assert_not_null(strstr(cyfx_text(&F, "SELECT detail FROM audit_log ORDER BY seq DESC"),
                              "patients 0 added, 1 updated"));
    /* the patient's event names the field, never the name */
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'update' AND entity = 'patient'"),
                     "patient: last changed");
    /* a coverage changed: an update of the coverage, the member id named but not shown */
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-2", .mrn = "MRN-ENC-2", .last = "TESTER-SMITH", .dx = "I10",
                                .lines = "99213", .member = "1EG4TE5MK74"));
    cr_assert_eq(F.rep.unchanged, 1);
    cr_assert_eq(F.rep.coverages_updated, 1);
    cr_assert_eq(F.rep.patients_updated, 0);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'update' AND entity = 'coverage'"),
                     "seq P: member_id changed");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE instr(detail, '1EG4TE')"
                              " OR instr(detail, 'TESTER')"),
                 0);
}

Test(cycle_encounter, change_after_coding_is_refused_whole)
{
    cyfx_import_ok(&F, cyfx_lines(&F, 2, cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213"),
                                  cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99213")));
    int64_t id = cyfx_enc(&F, "ENC-2");
    char sql[128];
    snprintf(sql, sizeof(sql), "UPDATE encounter SET status = 'coded', coded_by = 'coder', coded_at = 1"
             " WHERE encounter_id = %lld", (long long)id);
    cyfx_exec(&F, sql);
    cyfx_sum before = cyfx_digest(&F);
    /* ENC-1 (still new) would be updated and ENC-3 added, but ENC-2 changed after coding: nothing happens */
    const char *text = cyfx_lines(&F, 3, cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99214"),
                                  cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99214"),
                                  cyfx_encounter(&F, "ENC-3", NULL, "MCR", "I10", "99213"));
    int rc = cyfx_import(&F, text);
    char frag[96];
    snprintf(frag, sizeof(frag), "encounter 'ENC-2': already imported (#%lld) and coded", (long long)id);
    expect_fail(rc, RCM_EDENIED, 2, frag, "changed after coding");
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    /* the same content again is fine: nothing to change */
    cyfx_import_ok(&F, cyfx_lines(&F, 2, cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213"),
                                  cyfx_encounter(&F, "ENC-2", NULL, "MCR", "I10", "99213")));
    cr_assert_eq(F.rep.unchanged, 2);
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    /* signed and billed are refused the same way */
    snprintf(sql, sizeof(sql), "UPDATE encounter SET status = 'billed' WHERE encounter_id = %lld", (long long)id);
    cyfx_exec(&F, sql);
    rc = cyfx_import(&F, cyfx_encounter(&F, "ENC-2", "2022-06-16", "MCR", "I10", "99213"));
    expect_fail(rc, RCM_EDENIED, 1, "and billed: its content cannot change now", "billed");
}

/* A bad record between two good ones: the edit applies to the default encounter ENC-BAD. */
typedef struct ecase {
    cyfx_spec spec;             /* .id NULL: ENC-BAD */
    const char *from, *to;      /* then this text edit (NULL: none) */
    int rc;
    const char *fragment;
    const char *never;          /* a value that must not appear in the message (patient data) */
} ecase;

Test(cycle_encounter, bad_records_are_located_and_import_nothing)
{
    static const ecase cases[] = {
        { { .date = "2022-02-30" }, NULL, NULL, RCM_EFORMAT,
          "encounter 'ENC-BAD': field 'date': '2022-02-30' is not a real date (YYYY-MM-DD)", NULL },
        { { .date = "06/15/2022" }, NULL, NULL, RCM_EFORMAT, "field 'date': '06/15/2022' is not a real date", NULL },
        { { .sex = "X" }, NULL, NULL, RCM_EFORMAT, "field 'patient.sex': must be F, M or U", NULL },
        { { .dob = "2023-01-05" }, NULL, NULL, RCM_EFORMAT, "field 'patient.dob': is after the date of service",
          "2023-01-05" },
        { { .dob = "1950-02-29" }, NULL, NULL, RCM_EFORMAT, "field 'patient.dob': is not a real date", "1950" },
        { { .last = "O*NEIL" }, NULL, NULL, RCM_EFORMAT, "field 'patient.last': must be printable ASCII", "NEIL" },
        { { .first = "" }, NULL, NULL, RCM_EFORMAT, "field 'patient.first': must not be empty", NULL },
        { { .mrn = "M0123456789012345678901234567890" }, NULL, NULL, RCM_EFORMAT,
          "field 'patient.mrn': is longer than 30 characters", NULL },
        { { .payer = "UHC" }, NULL, NULL, RCM_ENOTFOUND, "field 'coverages[0].payer': no payer 'UHC' in the practice",
          NULL },
        { { .payer2 = "MCR" }, "\"seq\": \"S\"", "\"seq\": \"P\"", RCM_EFORMAT,
          "field 'coverages[1].seq': a second coverage with seq P", NULL },
        { { .payer2 = "BCBS" }, "\"seq\": \"S\"", "\"seq\": \"T\"", RCM_EFORMAT,
          "field 'coverages': a tertiary (T) coverage needs a secondary (S)", NULL },
        { { .payer2 = "BCBS" }, "\"seq\": \"P\"", "\"seq\": \"T\"", RCM_EFORMAT,
          "field 'coverages': a secondary (S) coverage needs a primary (P)", NULL },
        { { .payer2 = "BCBS" }, "\"seq\": \"P\"", "\"seq\": \"Q\"", RCM_EFORMAT,
          "field 'coverages[0].seq': 'Q' must be P, S or T", NULL },
        { { .member = "" }, NULL, NULL, RCM_EFORMAT, "field 'coverages[0].member_id': must not be empty", NULL },
        { { .member = "1EG4*E5MK73" }, NULL, NULL, RCM_EFORMAT, "field 'coverages[0].member_id': must be printable",
          "1EG4" },
        { { .relation = "99" }, NULL, NULL, RCM_EFORMAT,
          "field 'coverages[0].relation': '99' is not a relation code", NULL },
        { { .relation = "01" }, "\"last\": \"SUBSCRIBER\", ", "", RCM_EFORMAT,
          "field 'coverages[0].subscriber.last': is required", NULL },
        { { .relation = "19" }, "\"dob\": \"1948-05-05\"", "\"dob\": \"1948-13-05\"", RCM_EFORMAT,
          "field 'coverages[0].subscriber.dob': is not a real date", "1948" },
        { { 0 }, "\"relation\": \"18\"", "\"relation\": \"18\", \"subscriber\": {\"last\": \"DOE\"}", RCM_EFORMAT,
          "field 'coverages[0].subscriber': must be empty when relation is 18", "DOE" },
        { { 0 }, "\"to\": \"\"", "\"to\": \"2019-12-31\"", RCM_EFORMAT, "field 'coverages[0].to': is before 'from'",
          NULL },
        { { .provider = "1003000126" }, NULL, NULL, RCM_ENOTFOUND,
          "field 'provider': no provider with NPI 1003000126 in the practice", NULL },
        { { .provider = "1679576723" }, NULL, NULL, RCM_EFORMAT,
          "field 'provider': '1679576723' is not an NPI: the NPI check digit is wrong", NULL },
        { { .referring = "123" }, NULL, NULL, RCM_EFORMAT, "field 'referring.npi': '123' is not an NPI", NULL },
        { { .place = "1" }, NULL, NULL, RCM_EFORMAT, "field 'place': '1' is not a place of service (2 digits)", NULL },
        { { .place = "O1" }, NULL, NULL, RCM_EFORMAT, "field 'place': 'O1' must be digits only", NULL },
        { { .kind = 'X' }, NULL, NULL, RCM_EFORMAT, "field 'kind': 'X' must be P (837P) or I (837I)", NULL },
        { { .kind = 'I', .bill_type = "", .lines = "::1::0450" }, NULL, NULL, RCM_EFORMAT,
          "field 'bill_type': an 837I encounter needs a type of bill", NULL },
        { { .bill_type = "131" }, NULL, NULL, RCM_EFORMAT, "field 'bill_type': is for 837I (kind I) encounters only",
          NULL },
        { { .kind = 'I', .lines = "99283" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].rev_code': is required", NULL },
        { { .kind = 'I', .dx = "R07.9", .lines = "99283:::1:0450" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].ptrs': 837I lines carry no diagnosis pointers", NULL },
        { { .kind = 'I', .lines = "99283::::450" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].rev_code': '450' is not a revenue code (4 digits)", NULL },
        { { .dx = "I10", .lines = "99213::1:1:0450" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].rev_code': is for 837I (kind I) encounters only", NULL },
        { { .dx = "E11.65,1234" }, NULL, NULL, RCM_EFORMAT, "field 'proposed.dx[1]': '1234' is not an ICD-10-CM code",
          NULL },
        { { .dx = "I10,i10" }, NULL, NULL, RCM_EFORMAT, "field 'proposed.dx[1]': 'i10' is there twice", NULL },
        { { .dx = "A00,A01,A02,A03,A04,A05,A06,A07,A08,A09,B00,B01,B02" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.dx': has 13 elements: at most 12", NULL },
        { { .dx = "I10", .lines = "9921" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].code': '9921' is not a CPT or HCPCS code", NULL },
        { { .dx = "I10", .lines = ":25" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].code': must not be empty", NULL },
        { { .dx = "I10", .lines = "99213" }, "\"code\": \"99213\", ", "", RCM_EFORMAT,
          "field 'proposed.lines[0].code': is required", NULL },
        { { .dx = "I10", .lines = "99213;99214:2" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[1].mods[0]': '2' is not a modifier", NULL },
        { { .dx = "I10", .lines = "99213:25,25" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].mods[1]': '25' is there twice", NULL },
        { { .dx = "I10", .lines = "99213:25,59,76,77,91" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].mods': has 5 elements: at most 4", NULL },
        { { .dx = "I10", .lines = "99213::0" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].units': '0' must be above 0 and at most 99999", NULL },
        { { .dx = "I10", .lines = "99213::1.2345" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].units': '1.2345' is not a quantity", NULL },
        { { .dx = "I10", .lines = "99213" }, "\"units\": \"1\"", "\"units\": 1", RCM_EFORMAT,
          "field 'proposed.lines[0].units': must be a decimal string", NULL },
        { { .dx = "I10", .lines = "99213:::13" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].ptrs[0]': 13 is not a diagnosis pointer (1 to 12)", NULL },
        { { .dx = "I10", .lines = "99213:::1,1" }, NULL, NULL, RCM_EFORMAT,
          "field 'proposed.lines[0].ptrs[1]': 1 is there twice", NULL },
        { { .dx = "I10", .lines = "99213" }, "\"ptrs\": [1]", "\"ptrs\": [\"1\"]", RCM_EFORMAT,
          "field 'proposed.lines[0].ptrs[0]': must be a whole number", NULL },
        { { .extra = ", \"colour\": \"red\"" }, NULL, NULL, RCM_EFORMAT, "encounter 'ENC-BAD': field 'colour': unknown member",
          NULL },
        { { 0 }, "\"zip\": \"37064\"", "\"zip\": \"3706\"", RCM_EFORMAT, "field 'patient.address.zip': must be 5 or 9",
          NULL },
        { { 0 }, "\"line1\": \"45 OAK LANE\", ", "", RCM_EFORMAT, "field 'patient.address.line1': is required",
          NULL },
        { { 0 }, "\"phone\": \"6155550142\"", "\"phone\": \"615555014\"", RCM_EFORMAT,
          "field 'patient.phone': must be 10 digits", "615555014" },
        { { 0 }, "\"documentation\": {", "\"documentation\": {\"vitals\": [], ", RCM_EFORMAT,
          "field 'documentation.vitals': unknown member", NULL },
        { { 0 }, "\"problems\": [\"follow-up\"]", "\"problems\": \"follow-up\"", RCM_EFORMAT,
          "field 'documentation.problems': must be an array", NULL },
        { { 0 }, "\"note\": \"\"", "\"note\": 5", RCM_EFORMAT, "field 'documentation.note': must be a string", NULL },
        { { .extra = ", \"date_to\": \"2022-06-14\"" }, NULL, NULL, RCM_EFORMAT,
          "field 'date_to': is before 'date'", NULL },
        { { .id = "#5" }, NULL, NULL, RCM_EFORMAT, "record 2: field 'id': '#5' must be letters, digits", NULL },
        { { .id = "ENC BAD" }, NULL, NULL, RCM_EFORMAT, "record 2: field 'id': 'ENC BAD' must be letters", NULL },
        { { 0 }, "{\"id\": \"ENC-BAD\", ", "{", RCM_EFORMAT, "record 2: field 'id': is required", NULL },
        { { 0 }, "\"kind\": \"P\"", "\"kind\": \"P\", \"kind\": \"P\"", RCM_EFORMAT,
          "not JSON: a member name appears twice in an object: 'kind'", NULL },
        { { 0 }, "{\"id\"", "[] {\"id\"", RCM_EFORMAT, "record 2: must be a JSON object", NULL },
        { { 0 }, "\"follow-up\"", "\"follow\xff-up\"", RCM_EFORMAT, "not JSON: a byte that is not UTF-8", NULL },
        { { 0 }, "\"follow-up\"", "\"follow\tup\"", RCM_EFORMAT, "not JSON: a control character inside a string",
          NULL },
        { { 0 }, "\"follow-up\"", "\"follow\\qup\"", RCM_EFORMAT, "not JSON: an invalid escape in a string", NULL },
        { { 0 }, "\"follow-up\"", "\"follow\\ud800up\"", RCM_EFORMAT,
          "not JSON: a \\u escape is half of a surrogate pair", NULL },
        { { 0 }, "\"place\": \"11\"", "\"place\": 011", RCM_EFORMAT, "not JSON: an invalid value", NULL },
        { { 0 }, "\"place\": \"11\"", "\"place\": tru", RCM_EFORMAT, "not JSON: an invalid value", NULL },
        { { 0 }, "\"place\": \"11\"", "\"place\": \"11\" \"provider\"", RCM_EFORMAT,
          "not JSON: ',' or '}' is expected", NULL },
        { { 0 }, "\"place\": \"11\"", "\"place\": }", RCM_EFORMAT, "not JSON: a value is expected before '}'",
          NULL },
        /* a syntax error never shows the text near it: it may be the patient's */
        { { 0 }, "\"last\": \"TESTER\"", "\"last\" \"TESTER\"", RCM_EFORMAT,
          "not JSON: ':' is expected after a member name", "TESTER" },
        { { 0 }, "\"last\": \"TESTER\"", "\"last\": \"TESTER\" \"PAT\"", RCM_EFORMAT,
          "not JSON: ',' or '}' is expected", "PAT" },
        { { 0 }, "\"last\": \"TESTER\"", "\"last\": TESTER", RCM_EFORMAT, "not JSON: an invalid value", "TESTER" },
        /* whole numbers stay whole numbers, up to 64 bits */
        { { .dx = "I10", .lines = "99213" }, "\"ptrs\": [1]", "\"ptrs\": [1.0]", RCM_EFORMAT,
          "field 'proposed.lines[0].ptrs[0]': must be a whole number", NULL },
        { { .dx = "I10", .lines = "99213" }, "\"ptrs\": [1]", "\"ptrs\": [99999999999999999999]", RCM_EFORMAT,
          "not JSON: a whole number is too large", NULL },
        /* \u0000 parses, and is refused by the field */
        { { 0 }, "\"follow-up\"", "\"follow\\u0000up\"", RCM_EFORMAT,
          "field 'documentation.problems[0]': must not hold a NUL character", NULL },
    };
    cyfx_sum before = cyfx_digest(&F);
    const char *good1 = cyfx_encounter(&F, "ENC-A", NULL, "MCR", "I10", "99213");
    const char *good2 = cyfx_encounter(&F, "ENC-C", NULL, "MCR", "I10", "99213");
    char *g1 = strdup(good1), *g2 = strdup(good2);
    for (size_t i = 0; i < COUNT(cases); i++) {
        const ecase *c = &cases[i];
        cyfx_spec s = c->spec;
        if (!s.id)
            s.id = "ENC-BAD";
        char *bad = strdup(cyfx_encounter_spec(&F, &s));
        if (c->from) {
            char *e = edit(bad, c->from, c->to);
            free(bad);
            bad = e;
        }
        int rc = cyfx_import(&F, cyfx_lines(&F, 3, g1, bad, g2));
        char what[64];
        snprintf(what, sizeof(what), "case %zu", i);
        expect_fail(rc, c->rc, 2, c->fragment, what);
        if (c->never)
            cr_expect_null(strstr(F.err.msg, c->never), "case %zu: '%s' shows patient data", i, F.err.msg);
        cr_expect_eq(F.rep.added + F.rep.updated + F.rep.unchanged, 0, "case %zu: counts on failure", i);
        cr_expect_str_eq(cyfx_digest(&F).s, before.s, "case %zu: the store changed", i);
        free(bad);
    }
    free(g1);
    free(g2);
}

/* In a pretty-printed array the error names the line of the bad value itself. */
Test(cycle_encounter, errors_name_the_line_of_the_value)
{
    const char *one = cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    char *bad = strdup(CYFX_ENC(&F, .id = "ENC-2", .dx = "I10", .lines = "99213;99214::0"));
    /* one member per line */
    size_t n = strlen(bad) * 2 + 1;
    char *pretty = malloc(n), *o = pretty;
    int in_string = 0;
    for (const char *p = bad; *p; p++) {
        *o++ = *p;
        if (*p == '"' && p[-1] != '\\')
            in_string = !in_string;
        if (*p == ',' && p[1] == ' ' && !in_string)
            *o++ = '\n';
    }
    *o = '\0';
    size_t tn = strlen(one) + strlen(pretty) + 16;
    char *text = malloc(tn);
    snprintf(text, tn, "[\n%s,\n%s\n]\n", one, pretty);
    int rc = cyfx_import(&F, text);
    long want = line_of(text, "\"units\": \"0\"");
    cr_assert_gt(want, 5);
    expect_fail(rc, RCM_EFORMAT, want, "field 'proposed.lines[1].units': '0' must be above 0", "pretty");
    /* a missing member is located at its object */
    char *nolast = edit(text, "\"last\": \"TESTER\",\n", "");
    rc = cyfx_import(&F, nolast);
    expect_fail(rc, RCM_EFORMAT, line_of(strstr(nolast, "ENC-2"), "\"patient\"") + line_of(nolast, "ENC-2") - 1,
                "encounter 'ENC-2': field 'patient.last': is required", "missing member");
    /* a syntax error in the middle of a record: its own line */
    char *syn = edit(text, "\"place\": \"11\",\n \"provider\"", "\"place\": \"11\"\n \"provider\"");
    rc = cyfx_import(&F, syn);
    expect_fail(rc, RCM_EFORMAT, line_of(syn, "\"provider\": \"" CYFX_NPI1 "\",\n \"patient\"") + 0,
                "not JSON: ',' or '}' is expected", "syntax");
    /* the same records following each other without an array, the second on the first's last line */
    char *follow = malloc(tn);
    snprintf(follow, tn, "\n%s %s\n", one, pretty);
    rc = cyfx_import(&F, follow);
    expect_fail(rc, RCM_EFORMAT, line_of(follow, "\"units\": \"0\""),
                "encounter 'ENC-2': field 'proposed.lines[1].units': '0' must be above 0", "following");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM encounter"), 0);
    free(bad);
    free(pretty);
    free(text);
    free(nolast);
    free(syn);
    free(follow);
}

Test(cycle_encounter, file_level_mistakes)
{
    const char *good = cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_sum before = cyfx_digest(&F);
    char text[8192];
    snprintf(text, sizeof(text), "[%s,\n]", good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 2, "not JSON: a value is expected before ']'", "trailing comma");
    /* the end of the text is located after its last character, not on the empty line below */
    snprintf(text, sizeof(text), "[%s\n", good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 1, "not JSON: an array is not closed", "unclosed array");
    snprintf(text, sizeof(text), "[%s] x", good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 1, "not JSON: text after the array", "after the array");
    snprintf(text, sizeof(text), "[%s %s]", good, good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 1, "not JSON: ',' or ']' is expected", "no comma");
    snprintf(text, sizeof(text), "%s\n%.*s\n", good, (int)strlen(good) - 1, good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 2, "not JSON: an object is not closed", "truncated line");
    snprintf(text, sizeof(text), "%s\n\n\n42\n", good);
    expect_fail(cyfx_import(&F, text), RCM_EFORMAT, 4, "record 2: must be a JSON object", "a number");
    /* nesting is bounded (jansson's limit) */
    char deep[4200];
    memset(deep, '[', 4000);
    snprintf(deep + 4000, sizeof(deep) - 4000, "\n");
    expect_fail(cyfx_import(&F, deep), RCM_EFORMAT, 1, "not JSON: nested too deeply", "deep");
    cr_assert_str_eq(cyfx_digest(&F).s, before.s);
    memset(&F.err, 0, sizeof(F.err));
    cr_assert_eq(rcm_encounter_import(F.cy, "no/such/file.jsonl", &F.rep, &F.err), RCM_EIO);
}

Test(cycle_encounter, institutional_encounter)
{
    int64_t id = CYFX_ADD(&F, .id = "ENC-ER", .kind = 'I', .date = "2022-06-10", .dx = "R07.9,I10",
                          .lines = "99283:25:1::0450;::2::0300");
    cr_assert_str_eq(cyfx_text(&F, "SELECT kind || ' ' || bill_type || ' ' || pos FROM encounter"), "I 131 23");
    cr_assert_str_eq(cyfx_text(&F, "SELECT proposed FROM encounter"),
                     "{\"dx\":[\"R079\",\"I10\"],\"lines\":[{\"code\":\"99283\",\"mods\":[\"25\"],\"units\":\"1\","
                     "\"ptrs\":[],\"rev_code\":\"0450\"},{\"code\":\"\",\"mods\":[],\"units\":\"2\",\"ptrs\":[],"
                     "\"rev_code\":\"0300\"}]}");
    rcm_encounter_info e;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_encounter_get(F.cy, id, &e, &err), 0, "%s", err.msg);
    cr_assert_eq(e.kind, 'I');
    cr_assert_str_eq(e.bill_type, "131");
    rcm_encounter_info_release(&e);
}

Test(cycle_encounter, units_are_written_back_short)
{
    CYFX_ADD(&F, .id = "ENC-U", .dx = "M17.12", .lines = "J1100::2.500;20610:LT:0.5;96372::1.000");
    cr_assert_str_eq(cyfx_text(&F, "SELECT proposed FROM encounter"),
                     "{\"dx\":[\"M1712\"],\"lines\":[{\"code\":\"J1100\",\"mods\":[],\"units\":\"2.5\",\"ptrs\":[1],"
                     "\"rev_code\":\"\"},{\"code\":\"20610\",\"mods\":[\"LT\"],\"units\":\"0.5\",\"ptrs\":[1],"
                     "\"rev_code\":\"\"},{\"code\":\"96372\",\"mods\":[],\"units\":\"1\",\"ptrs\":[1],"
                     "\"rev_code\":\"\"}]}");
}

Test(cycle_encounter, proposed_pointer_past_the_diagnoses_is_kept_for_the_coder)
{
    /* the EHR dropped a diagnosis: the coder fixes it, the scrubber reports it; the import keeps it */
    CYFX_ADD(&F, .id = "ENC-P", .dx = "M17.12", .lines = "99214:25:1:2;20610:LT:1:1");
    cr_assert_not_null(strstr(cyfx_text(&F, "SELECT proposed FROM encounter"), "\"ptrs\":[2]"));
}

Test(cycle_encounter, dependant_with_a_subscriber_and_secondary)
{
    CYFX_ADD(&F, .id = "ENC-D", .payer = "BCBS", .payer2 = "MCR", .relation = "19", .dob = "2010-04-04",
             .sex = "M", .dx = "J06.9", .lines = "99213");
    cr_assert_str_eq(cyfx_text(&F, "SELECT seq || relation || ' ' || sub_last || ',' || sub_first || ',' ||"
                                   " sub_dob || ',' || sub_sex || ',' || sub_zip FROM coverage WHERE seq = 'P'"),
                     "P19 SUBSCRIBER,SAM,-7911,M,37064");
    cr_assert_str_eq(cyfx_text(&F, "SELECT seq || relation || sub_last || COALESCE(sub_dob, 'none')"
                                   " FROM coverage WHERE seq = 'S'"),
                     "S18none");
}

Test(cycle_encounter, self_pay_and_optional_members)
{
    /* no coverage, no documentation, no proposal: an encounter still */
    cyfx_import_ok(&F, "{\"id\": \"ENC-SP\", \"date\": \"2022-06-01\", \"place\": \"11\", \"provider\": \"" CYFX_NPI1
                       "\", \"patient\": {\"mrn\": \"M9\", \"last\": \"DOE\", \"first\": \"JO\", \"dob\": \"1990-01-01\","
                       " \"sex\": \"U\", \"address\": {\"line1\": \"1 MAIN ST\", \"city\": \"NASHVILLE\", \"state\": \"TN\","
                       " \"zip\": \"37201\"}, \"phone\": null}, \"referring\": null}\n");
    cr_assert_eq(F.rep.added, 1);
    cr_assert_eq(F.rep.coverages_added, 0);
    cr_assert_str_eq(cyfx_text(&F, "SELECT kind || ' ' || documentation || ' ' || proposed FROM encounter"),
                     "P {\"services\":[],\"problems\":[],\"note\":\"\"} {\"dx\":[],\"lines\":[]}");
}

Test(cycle_encounter, escaped_text_is_stored_as_json)
{
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-T", .services = "visit \\\"annual\\\" \\u00e9 \\ud83d\\ude00 a\\\\b",
                                .problems = "line\\nbreak"));
    cr_assert_str_eq(cyfx_text(&F, "SELECT documentation FROM encounter"),
                     "{\"services\":[\"visit \\\"annual\\\" \xc3\xa9 \xf0\x9f\x98\x80 a\\\\b\"],"
                     "\"problems\":[\"line\\nbreak\"],\"note\":\"\"}");
}

Test(cycle_encounter, find_by_id_or_number)
{
    cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    int64_t id = cyfx_add(&F, "ENC-2", NULL, "MCR", "I10", "99213");
    cr_assert_eq(cyfx_enc(&F, "#2"), id);
    int64_t out = 0;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_encounter_find(F.cy, "ENC-9", &out, &err), RCM_ENOTFOUND);
    cr_assert_str_eq(err.msg, "no encounter 'ENC-9'");
    cr_assert_eq(rcm_encounter_find(F.cy, "#9", &out, &err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_encounter_find(F.cy, "#0", &out, &err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_encounter_find(F.cy, "#x", &out, &err), RCM_ENOTFOUND);
    cr_assert_eq(rcm_encounter_find(F.cy, "#", &out, &err), RCM_ENOTFOUND);
    rcm_encounter_info e;
    cr_assert_eq(rcm_encounter_get(F.cy, id, &e, &err), 0, "%s", err.msg);
    cr_assert_str_eq(e.ext_id, "ENC-2");
    cr_assert_str_eq(e.mrn, "MRN-ENC-2");
    cr_assert_str_eq(e.status, "new");
    cr_assert_str_eq(e.provider_npi, CYFX_NPI1);
    cr_assert_eq(e.n_coverages, 1);
    cr_assert_str_eq(e.coverages[0].payer, "MCR");
    cr_assert_eq(e.coverages[0].payer_id, cyfx_payer(&F, "MCR"));
    cr_assert_not_null(strstr(e.proposed, "\"99213\""));
    cr_assert_eq(e.imported_at, CYFX_NOW);
    cr_assert_eq(e.coded_at, 0);
    rcm_encounter_info_release(&e);
    cr_assert_eq(rcm_encounter_get(F.cy, 99, &e, &err), RCM_ENOTFOUND);
}

Test(cycle_encounter, no_practice_no_import)
{
    char path[320];
    snprintf(path, sizeof(path), "%s/empty.db", F.dir);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_open(&st, path, RCM_STORE_CREATE, &err), 0);
    rcm_cycle *cy = open_user(st, "biller", RCM_ROLE_BILLER);
    cyfx_import(&F, cyfx_encounter(&F, "ENC-1", NULL, "MCR", "I10", "99213"));   /* writes the file */
    memset(&err, 0, sizeof(err));
    cr_assert_eq(rcm_encounter_import(cy, F.path, NULL, &err), RCM_ENOTFOUND);
    cr_assert_not_null(strstr(err.msg, "no practice in the store"));
    cr_assert_eq(rcm_store_in_transaction(st), 0);
    rcm_cycle_free(cy);
    rcm_store_close(st);
}

/* ---- who may: the permissions of encounter.h (RCM_PERMS), and the trail of reads and changes ---- */

/* Each call names a file that does not exist: the permission is checked before anything is read. */
static int call_practice_import(rcm_cycle *cy) { return rcm_practice_import(cy, "missing.json", NULL, &F.err); }
static int call_encounter_import(rcm_cycle *cy) { return rcm_encounter_import(cy, "missing.jsonl", NULL, &F.err); }

static int call_encounter_find(rcm_cycle *cy)
{
    int64_t id = 0;
    return rcm_encounter_find(cy, "ENC-1", &id, &F.err);
}

static int call_encounter_get(rcm_cycle *cy)
{
    rcm_encounter_info e;
    int rc = rcm_encounter_get(cy, cyfx_enc(&F, "ENC-1"), &e, &F.err);
    if (rc == 0)
        rcm_encounter_info_release(&e);
    return rc;
}

static rcm_coverage_update coverage_bcbs(void)
{
    rcm_coverage_update u;
    memset(&u, 0, sizeof(u));
    u.mrn = "MRN-ENC-1";
    u.seq = "P";
    u.payer = "BCBS";
    u.member_id = "XYZ123456789";
    u.sub_dob = RCM_DATE_NONE;
    u.from = RCM_DATE_NONE;
    u.to = RCM_DATE_NONE;
    return u;
}

static int call_coverage_set(rcm_cycle *cy)
{
    rcm_coverage_update u = coverage_bcbs();
    return rcm_coverage_set(cy, &u, &F.err);
}

static int call_coverage_list(rcm_cycle *cy)
{
    rcm_coverage_row *v = NULL;
    size_t n = 0;
    int rc = rcm_coverage_list(cy, "MRN-ENC-1", &v, &n, &F.err);
    free(v);
    return rc;
}

static int call_practice_get(rcm_cycle *cy)
{
    rcm_practice_info p;
    return rcm_practice_get(cy, &p, &F.err);
}

static int call_provider_list(rcm_cycle *cy)
{
    rcm_provider_info *v = NULL;
    size_t n = 0;
    int rc = rcm_provider_list(cy, &v, &n, &F.err);
    free(v);
    return rc;
}

static int call_payer_list(rcm_cycle *cy)
{
    rcm_payer_info *v = NULL;
    size_t n = 0;
    int rc = rcm_payer_list(cy, &v, &n, &F.err);
    free(v);
    return rc;
}

static int call_payer_find(rcm_cycle *cy)
{
    int64_t id = 0;
    return rcm_payer_find(cy, "MCR", &id, &F.err);
}

typedef struct deny_case {
    const char *what;
    int (*call)(rcm_cycle *cy);
    const char *perm;
    unsigned denied;            /* the roles refused (each alone) */
} deny_case;

Test(cycle_encounter, each_step_refuses_the_roles_without_its_permission_and_logs_the_denial)
{
    static const deny_case cases[] = {
        { "practice import", call_practice_import, "practice.import",
          RCM_ROLE_CODER | RCM_ROLE_BILLER | RCM_ROLE_AUDITOR },
        { "encounter import", call_encounter_import, "encounter.import",
          RCM_ROLE_CODER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "encounter find", call_encounter_find, "encounter.read", RCM_ROLE_ADMIN },
        { "encounter get", call_encounter_get, "encounter.read", RCM_ROLE_ADMIN },
        { "coverage set", call_coverage_set, "coverage.set", RCM_ROLE_CODER | RCM_ROLE_AUDITOR | RCM_ROLE_ADMIN },
        { "coverage list", call_coverage_list, "coverage.read", RCM_ROLE_CODER | RCM_ROLE_ADMIN },
        /* every role reads the practice: nobody is refused */
        { "practice get", call_practice_get, "practice.read", 0 },
        { "provider list", call_provider_list, "practice.read", 0 },
        { "payer list", call_payer_list, "practice.read", 0 },
        { "payer find", call_payer_find, "practice.read", 0 },
    };
    static const struct {
        const char *name;
        unsigned role;
    } people[] = { { "cora.coder", RCM_ROLE_CODER }, { "bill.biller", RCM_ROLE_BILLER },
                   { "audrey.auditor", RCM_ROLE_AUDITOR }, { "ada.admin", RCM_ROLE_ADMIN } };
    cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    rcm_cycle *cy[4];
    for (size_t p = 0; p < COUNT(people); p++)
        cy[p] = cyfx_user(&F, people[p].name, people[p].role, 0);
    long refused = 0;
    for (size_t i = 0; i < COUNT(cases); i++) {
        for (size_t p = 0; p < COUNT(people); p++) {
            char what[96];
            snprintf(what, sizeof(what), "%s as %s", cases[i].what, people[p].name);
            memset(&F.err, 0, sizeof(F.err));
            int rc = cases[i].call(cy[p]);
            if (cases[i].denied & people[p].role) {
                cyfx_expect_denied(&F, cy[p], rc, cases[i].perm, what);
                refused++;
            } else {
                /* allowed: whatever the step says then, it is not a refusal */
                cr_expect_neq(rc, RCM_EDENIED, "%s: %s", what, F.err.msg);
            }
        }
    }
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE action = 'denied' AND outcome = 'denied'"),
                 refused);
    /* of the coverage sets, only the biller's went through */
    cr_assert_str_eq(cyfx_text(&F, "SELECT p.code FROM coverage c JOIN payer p USING (payer_id)"), "BCBS");
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE action = 'coverage-set'"), 1);
}

Test(cycle_encounter, a_coder_cannot_import_the_practice_the_admin_can)
{
    rcm_cycle *coder = cyfx_user(&F, "cora.coder", RCM_ROLE_CODER, 0);
    char *a = edit(cyfx_practice_json, "\"timely_days\": 90", "\"timely_days\": 120");
    char path[320];
    snprintf(path, sizeof(path), "%s/practice-new.json", F.dir);
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs(a, fp);
    fclose(fp);
    free(a);
    cyfx_sum before = cyfx_digest(&F);
    int rc = rcm_practice_import(coder, path, NULL, &F.err);
    cyfx_expect_denied(&F, coder, rc, "practice.import", "practice import");
    cr_assert_str_eq(F.err.msg, "user 'cora.coder' (coder) may not load or update the practice file: needs the admin"
                                " role");
    cr_assert_eq(cyfx_int(&F, "SELECT timely_days FROM payer WHERE code = 'AETNA'"), 90);
    cr_assert_neq(strcmp(cyfx_digest(&F).s, before.s), 0, "the denial itself is on the trail");
    cr_assert_eq(rcm_practice_import(F.admin, path, NULL, &F.err), 0, "%s", F.err.msg);
    cr_assert_eq(cyfx_int(&F, "SELECT timely_days FROM payer WHERE code = 'AETNA'"), 120);
    cr_assert_str_eq(cyfx_last_event(&F),
                     "admin update ok payer 3 0 0 code AETNA payer_id 60054: timely_days 90 -> 120");
}

Test(cycle_encounter, reading_an_encounter_or_a_patients_coverage_is_a_read_event_on_the_patient)
{
    int64_t enc = cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    int64_t patient = cyfx_int(&F, "SELECT patient_id FROM encounter WHERE ext_id = 'ENC-1'");
    rcm_cycle *auditor = cyfx_user(&F, "audrey.auditor", RCM_ROLE_AUDITOR, 0);
    rcm_encounter_info e;
    cr_assert_eq(rcm_encounter_get(auditor, enc, &e, &F.err), 0, "%s", F.err.msg);
    rcm_encounter_info_release(&e);
    char want[160];
    snprintf(want, sizeof(want), "audrey.auditor read ok encounter %lld %lld 0 encounter get", (long long)enc,
             (long long)patient);
    cr_assert_str_eq(cyfx_last_event(&F), want);
    rcm_coverage_row *v = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_coverage_list(auditor, "MRN-ENC-1", &v, &n, &F.err), 0, "%s", F.err.msg);
    free(v);
    cr_assert_eq(n, 1);
    snprintf(want, sizeof(want), "audrey.auditor read ok patient %lld %lld 0 coverage list rows=1", (long long)patient,
             (long long)patient);
    cr_assert_str_eq(cyfx_last_event(&F), want);
    /* a lookup returns only an id: no read event */
    int64_t seq = cyfx_int(&F, "SELECT max(seq) FROM audit_log");
    int64_t id = 0;
    cr_assert_eq(rcm_encounter_find(auditor, "ENC-1", &id, &F.err), 0, "%s", F.err.msg);
    cr_assert_eq(cyfx_int(&F, "SELECT max(seq) FROM audit_log"), seq);
    /* a read that finds nothing writes nothing */
    cr_assert_eq(rcm_encounter_get(auditor, 999, &e, &F.err), RCM_ENOTFOUND);
    cr_assert_eq(cyfx_int(&F, "SELECT max(seq) FROM audit_log"), seq);
    /* the patient's accounting: every event about them */
    snprintf(want, sizeof(want), "SELECT count(*) FROM audit_log WHERE action = 'read' AND patient_id = %lld",
             (long long)patient);
    cr_assert_eq(cyfx_int(&F, want), 2);
}

Test(cycle_encounter, coverage_set_logs_what_changed_without_the_member_id)
{
    cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    rcm_cycle *biller = cyfx_user(&F, "bill.biller", RCM_ROLE_BILLER, 0);
    rcm_coverage_update u = coverage_bcbs();
    u.from = rcm_date_from_ymd(2022, 1, 1);
    cr_assert_eq(rcm_coverage_set(biller, &u, &F.err), 0, "%s", F.err.msg);
    int64_t patient = cyfx_int(&F, "SELECT patient_id FROM patient WHERE mrn = 'MRN-ENC-1'");
    char want[200];
    snprintf(want, sizeof(want),
             "patient %lld seq P: payer MCR -> BCBS; from 2020-01-01 -> 2022-01-01; member_id changed",
             (long long)patient);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'coverage-set'"), want);
    /* a new secondary: what it is, the member id only said to be set */
    u.seq = "S";
    u.payer = "AETNA";
    u.relation = "01";
    u.sub_last = "SPOUSE";
    u.sub_first = "SAM";
    u.sub_sex = "M";
    u.sub_dob = rcm_date_from_ymd(1948, 5, 5);
    cr_assert_eq(rcm_coverage_set(biller, &u, &F.err), 0, "%s", F.err.msg);
    snprintf(want, sizeof(want), "patient %lld seq S added: payer AETNA (payer %lld); relation 01; from 2022-01-01;"
             " to open; member_id set; subscriber set",
             (long long)patient, (long long)cyfx_payer(&F, "AETNA"));
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'coverage-set' ORDER BY seq DESC"),
                     want);
    /* the subscriber moves: named, not shown */
    u.sub_dob = rcm_date_from_ymd(1948, 5, 6);
    u.sub_last = "SPOUSE-DOE";
    cr_assert_eq(rcm_coverage_set(biller, &u, &F.err), 0, "%s", F.err.msg);
    snprintf(want, sizeof(want), "patient %lld seq S: subscriber name changed; subscriber dob changed",
             (long long)patient);
    cr_assert_str_eq(cyfx_text(&F, "SELECT detail FROM audit_log WHERE action = 'coverage-set' ORDER BY seq DESC"),
                     want);
    cr_assert_eq(cyfx_int(&F, "SELECT count(*) FROM audit_log WHERE instr(detail, 'XYZ1234')"
                              " OR instr(detail, 'SPOUSE') OR instr(detail, '1948')"),
                 0);
    /* the same again: nothing written */
    int64_t seq = cyfx_int(&F, "SELECT max(seq) FROM audit_log");
    cr_assert_eq(rcm_coverage_set(biller, &u, &F.err), 0, "%s", F.err.msg);
    cr_assert_eq(cyfx_int(&F, "SELECT max(seq) FROM audit_log"), seq);
}

Test(cycle_encounter, an_encounter_update_shows_ids_and_dates_before_and_after_and_names_the_rest)
{
    int64_t id = cyfx_add(&F, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_import_ok(&F, CYFX_ENC(&F, .id = "ENC-1", .date = "2022-06-16", .provider = CYFX_NPI2, .dx = "I10",
                                .lines = "99213", .prior_auth = "AUTH777"));
    cr_assert_eq(F.rep.updated, 1);
    char sql[160];
    snprintf(sql, sizeof(sql), "SELECT detail FROM audit_log WHERE action = 'update' AND entity = 'encounter'"
             " AND entity_id = %lld",
             (long long)id);
    cr_assert_str_eq(cyfx_text(&F, sql), "ext_id ENC-1: provider_id 1 -> 2; dos 2022-06-15 -> 2022-06-16;"
                                         " dos_to 2022-06-15 -> 2022-06-16; prior_auth changed");
}
