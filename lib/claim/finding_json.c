/*
 * The JSON face of a scrub finding (docs/scrub.md, "Findings as JSON"). Every
 * key is always present, so a consumer never has to test for one: empty
 * arrays for a claim-level finding or one without codes, "" for no hint,
 * null for the source of a finding that rests on no reference table.
 */
#include <stdlib.h>
#include "../util/util.h"
#include "rcm/json.h"
#include "json_internal.h"

/*
 * A JSON string of s: as is when it is UTF-8 (messages rcm writes);
 * otherwise (claim ids and codes read from an 8-bit X12 file) as the claims
 * JSON writes model strings.
 */
static json_t *text(const char *s)
{
    json_t *j = json_string(s);
    return j ? j : jw_text(s);
}

static json_t *source_json(const rcm_finding *f)
{
    if (!f->table[0])
        return json_null();
    json_t *o = json_object(), *row = json_object();
    if (!o || !row) {
        json_decref(o);
        json_decref(row);
        return NULL;
    }
    int bad = 0;
    for (uint32_t i = 0; i < f->nfields && i < RCM_FINDING_SRC; i++)
        if (f->fields[i].key)
            bad |= json_object_set_new(row, f->fields[i].key, text(f->fields[i].value));
    bad |= json_object_set_new(o, "table", text(f->table));
    bad |= json_object_set_new(o, "version", text(f->version));
    bad |= json_object_set_new(o, "file", text(f->file));
    bad |= json_object_set_new(o, "line", json_integer(f->file_line));
    bad |= json_object_set_new(o, "row", row);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *rcm_finding_to_json(const rcm_finding *f)
{
    json_t *o = json_object(), *lines = json_array(), *codes = json_array();
    int bad = !o || !lines || !codes;
    for (uint32_t i = 0; !bad && i < f->nlines && i < RCM_FINDING_LINES; i++)
        bad |= json_array_append_new(lines, json_integer(f->lines[i]));
    for (uint32_t i = 0; !bad && i < f->ncodes && i < RCM_FINDING_CODES; i++)
        bad |= json_array_append_new(codes, text(f->codes[i]));
    if (bad) {
        json_decref(o);
        json_decref(lines);
        json_decref(codes);
        return NULL;
    }
    bad |= json_object_set_new(o, "rule", text(f->rule));
    bad |= json_object_set_new(o, "severity", json_string(rcm_severity_name(f->severity)));
    bad |= json_object_set_new(o, "route", json_string(rcm_route_name(f->route)));
    bad |= json_object_set_new(o, "claim", text(f->claim));
    bad |= json_object_set_new(o, "claim_index", json_integer(f->claim_index));
    bad |= json_object_set_new(o, "line", lines);
    bad |= json_object_set_new(o, "codes", codes);
    bad |= json_object_set_new(o, "message", text(f->message));
    bad |= json_object_set_new(o, "hint", text(f->hint));
    bad |= json_object_set_new(o, "source", source_json(f));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
