/* The JSON face of an X12 problem (what rcm x12 check reports). */
#include "../util/util.h"
#include "rcm/json.h"

static const char *kind_name(int kind)
{
    switch (kind) {
    case RCM_X12P_INTERCHANGE: return "interchange";
    case RCM_X12P_GROUP: return "group";
    case RCM_X12P_SET: return "set";
    case RCM_X12P_SEGMENT: return "segment";
    case RCM_X12P_ELEMENT: return "element";
    case RCM_X12P_BALANCE: return "balance";
    default: return "other";
    }
}

json_t *rcm_x12_problem_to_json(const rcm_x12_problem *p)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    int bad = 0;
    bad |= json_object_set_new(o, "severity",
                               json_string(p->severity == RCM_SEV_ERROR     ? "error"
                                           : p->severity == RCM_SEV_WARNING ? "warning"
                                                                            : "info"));
    bad |= json_object_set_new(o, "kind", json_string(kind_name(p->kind)));
    if (p->code[0])
        bad |= json_object_set_new(o, "code", json_string(p->code));
    if (p->source)
        bad |= json_object_set_new(o, "file", json_string(p->source));
    if (p->line)
        bad |= json_object_set_new(o, "line", json_integer(p->line));
    if (p->segment)
        bad |= json_object_set_new(o, "segment", json_integer(p->segment));
    if (p->seg_id[0])
        bad |= json_object_set_new(o, "segment_id", json_string(p->seg_id));
    if (p->element)
        bad |= json_object_set_new(o, "element", json_integer(p->element));
    if (p->component)
        bad |= json_object_set_new(o, "component", json_integer(p->component));
    if (p->set_position)
        bad |= json_object_set_new(o, "set_position", json_integer(p->set_position));
    if (p->st_control[0]) {
        bad |= json_object_set_new(o, "st_id", json_string(p->st_id));
        bad |= json_object_set_new(o, "st_control", json_string(p->st_control));
    }
    bad |= json_object_set_new(o, "offset", json_integer((json_int_t)p->offset));
    bad |= json_object_set_new(o, "message", json_string(p->msg));
    /* the implementation guide's fields (999 material), when a guide found the problem */
    if (p->repetition)
        bad |= json_object_set_new(o, "repetition", json_integer(p->repetition));
    if (p->loop[0])
        bad |= json_object_set_new(o, "loop", json_string(p->loop));
    if (p->loop_id[0])
        bad |= json_object_set_new(o, "loop_id", json_string(p->loop_id));
    if (p->elem_ref[0])
        bad |= json_object_set_new(o, "elem_ref", json_string(p->elem_ref));
    if (p->value[0])
        bad |= json_object_set_new(o, "value", json_string(p->value));
    if (p->unit[0])
        bad |= json_object_set_new(o, "unit", json_string(p->unit));
    if (p->level)
        bad |= json_object_set_new(o, "level", json_integer(p->level));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
