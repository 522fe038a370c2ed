/* The JSON face of a scrub finding (lib/claim/finding_json.c): every key, in order, always present. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/json.h"

/* A fixed-size field of the finding set to a string literal. */
#define FJ_SET(dst, s) snprintf((dst), sizeof(dst), "%s", (s))

static void fj_init(rcm_finding *f)
{
    memset(f, 0, sizeof(*f));
    FJ_SET(f->rule, "PTP-001");
    f->severity = RCM_SEV_ERROR;
    f->route = RCM_ROUTE_CODER;
    FJ_SET(f->claim, "C-7");
    f->claim_index = 3;
}

/* f as compact JSON with the keys in order: what rcm scrub --json prints. */
static char *fj_dump(const rcm_finding *f)
{
    json_t *j = rcm_finding_to_json(f);
    cr_assert_not_null(j);
    char *s = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
    cr_assert_not_null(s);
    json_decref(j);
    return s;
}

Test(finding_json, line_finding_with_source_row)
{
    rcm_finding f;
    fj_init(&f);
    f.lines[0] = 3;
    f.lines[1] = 4;
    f.nlines = 2;
    FJ_SET(f.codes[0], "93005");
    FJ_SET(f.codes[1], "93000");
    f.ncodes = 2;
    FJ_SET(f.message, "93005 is bundled");
    FJ_SET(f.hint, "remove 93005");
    FJ_SET(f.table, "ncci_ptp practitioner");
    FJ_SET(f.version, "v313r0");
    FJ_SET(f.file, "ccipra-v313r0-f1.txt");
    f.file_line = 7;
    f.fields[0].key = "column1";
    FJ_SET(f.fields[0].value, "93000");
    f.fields[1].key = "modifier_indicator";
    FJ_SET(f.fields[1].value, "0");
    f.nfields = 2;
    char *s = fj_dump(&f);
    cr_assert_str_eq(s, "{\"rule\":\"PTP-001\",\"severity\":\"error\",\"route\":\"coder\",\"claim\":\"C-7\","
                        "\"claim_index\":3,\"line\":[3,4],\"codes\":[\"93005\",\"93000\"],"
                        "\"message\":\"93005 is bundled\",\"hint\":\"remove 93005\","
                        "\"source\":{\"table\":\"ncci_ptp practitioner\",\"version\":\"v313r0\","
                        "\"file\":\"ccipra-v313r0-f1.txt\",\"line\":7,"
                        "\"row\":{\"column1\":\"93000\",\"modifier_indicator\":\"0\"}}}");
    free(s);
}

Test(finding_json, claim_level_without_table_has_empty_arrays_and_null_source)
{
    rcm_finding f;
    fj_init(&f);
    FJ_SET(f.rule, "SYN-001");
    f.severity = RCM_SEV_WARNING;
    f.route = RCM_ROUTE_BILLER;
    FJ_SET(f.message, "no date of birth");
    char *s = fj_dump(&f);
    cr_assert_str_eq(s, "{\"rule\":\"SYN-001\",\"severity\":\"warning\",\"route\":\"biller\",\"claim\":\"C-7\","
                        "\"claim_index\":3,\"line\":[],\"codes\":[],\"message\":\"no date of birth\",\"hint\":\"\","
                        "\"source\":null}");
    free(s);
}

Test(finding_json, info_severity_and_a_table_without_file)
{
    rcm_finding f;
    fj_init(&f);
    FJ_SET(f.rule, "DX-007");
    f.severity = RCM_SEV_INFO;
    FJ_SET(f.table, "icd10cm");
    json_t *j = rcm_finding_to_json(&f);
    cr_assert_not_null(j);
    cr_assert_str_eq(json_string_value(json_object_get(j, "severity")), "info");
    json_t *src = json_object_get(j, "source");
    cr_assert(json_is_object(src));
    cr_assert_str_eq(json_string_value(json_object_get(src, "version")), "");
    cr_assert_str_eq(json_string_value(json_object_get(src, "file")), "");
    cr_assert_eq(json_integer_value(json_object_get(src, "line")), 0);
    cr_assert_eq(json_object_size(json_object_get(src, "row")), 0);
    json_decref(j);
}

/* A claim id read as 8-bit bytes from an X12 file is not UTF-8: each byte becomes U+0080-U+00FF. */
Test(finding_json, latin1_bytes_become_characters)
{
    rcm_finding f;
    fj_init(&f);
    FJ_SET(f.claim, "JOS\xc9-1");           /* 0xC9 alone: not UTF-8 */
    FJ_SET(f.message, "caf\xc3\xa9 ok"); /* already UTF-8: kept */
    json_t *j = rcm_finding_to_json(&f);
    cr_assert_not_null(j);
    cr_assert_str_eq(json_string_value(json_object_get(j, "claim")), "JOS\xc3\x89-1");
    cr_assert_str_eq(json_string_value(json_object_get(j, "message")), "caf\xc3\xa9 ok");
    json_decref(j);
}
