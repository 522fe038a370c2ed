/*
 * The TA1 reader: an interchange acknowledgment, a single segment between
 * an ISA and its first GS. TA101 the ISA13 acknowledged (9 digits), TA102
 * its date (YYMMDD), TA103 its time (HHMM), TA104 A accepted / E accepted
 * with errors / R rejected, TA105 the note code (000 no error, 001-031 what
 * was wrong). Every TA1 goes to cb->ta1, with its problems reported first.
 */
#include "rack_internal.h"

static int digits(rcm_str v)
{
    for (size_t i = 0; i < v.n; i++)
        if (v.p[i] < '0' || v.p[i] > '9')
            return 0;
    return v.n > 0;
}

static void read_date(rcm_ta1 *t, int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    rcm_str v = rcm_x12_el(seg, 2);
    char full[8] = { '2', '0' };
    rcm_str d = v;
    t->date = RCM_DATE_NONE;
    if (!ack_need(stop, env, seg, 2, 0, "the interchange date (TA102)"))
        return;
    if (v.n == 6) {
        memcpy(full + 2, v.p, 6);
        d.p = full;
        d.n = 8;
    } else if (v.n == 8 && digits(v)) {
        ack_keep(stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 2, 0, "4",
                                      "the date '%.8s' is CCYYMMDD; TA102 is YYMMDD (read anyway)",
                                      v.p));
    } else {
        ack_bad(stop, env, seg, 2, 0, "8", v, "a date (YYMMDD)");
        return;
    }
    if (rcm_date_parse(&t->date, d) < 0) {
        t->date = RCM_DATE_NONE;
        ack_bad(stop, env, seg, 2, 0, "8", v, "a date (YYMMDD)");
    }
}

int x12_ta1_read(const rcm_x12_typed_cb *cb, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    static const char *const statuses[] = { "A", "E", "R", NULL };
    rcm_ta1 t;
    int stop = 0;
    memset(&t, 0, sizeof(t));
    t.segment = seg->number;
    t.line = seg->line;
    cstr_copy(t.isa_control, sizeof(t.isa_control), env->isa_control);

    rcm_str c = rcm_x12_el(seg, 1), tm = rcm_x12_el(seg, 3), st = rcm_x12_el(seg, 4),
            note = rcm_x12_el(seg, 5);
    if (ack_need(&stop, env, seg, 1, 0, "the interchange control number (TA101)") &&
        (c.n != 9 || !digits(c)))
        ack_bad(&stop, env, seg, 1, 0, c.n == 9 ? "6" : c.n < 9 ? "4" : "5", c,
                "an interchange control number (9 digits)");
    str_copy(t.control, sizeof(t.control), c);

    read_date(&t, &stop, env, seg);

    if (ack_need(&stop, env, seg, 3, 0, "the interchange time (TA103)") &&
        (tm.n != 4 || !digits(tm) || (tm.p[0] - '0') * 10 + (tm.p[1] - '0') > 23 ||
         (tm.p[2] - '0') * 10 + (tm.p[3] - '0') > 59))
        ack_bad(&stop, env, seg, 3, 0, "9", tm, "a time (HHMM)");
    str_copy(t.time, sizeof(t.time), tm);

    if (ack_need(&stop, env, seg, 4, 0, "the acknowledgment code (TA104)") &&
        ack_code(&stop, env, seg, 4, 0, st, statuses,
                 "an interchange acknowledgment code (A, E, R)"))
        t.status = st.p[0];

    if (ack_need(&stop, env, seg, 5, 0, "the note code (TA105)")) {
        if (note.n != 3 || !digits(note) || (note.p[0] - '0') * 100 + (note.p[1] - '0') * 10 +
                                                    (note.p[2] - '0') > 31)
            ack_bad(&stop, env, seg, 5, 0, "7", note, "an interchange note code (000-031)");
        else if (t.status == 'A' && !rcm_str_eq(note, "000"))
            ack_keep(&stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 5, 0, "I12",
                                           "the interchange is accepted (A) but the note code is "
                                           "'%.3s', not 000 (no error)", note.p));
        else if ((t.status == 'R' || t.status == 'E') && rcm_str_eq(note, "000"))
            ack_keep(&stop, rcm_x12_report(env, seg, RCM_X12P_ELEMENT, RCM_SEV_WARNING, 5, 0, "I12",
                                           "the interchange is %s (%c) but the note code is 000 "
                                           "(no error)", t.status == 'R' ? "rejected" : "accepted "
                                           "with errors", t.status));
    }
    str_copy(t.note, sizeof(t.note), note);

    if (stop < 0)
        return stop;
    return cb->ta1 ? cb->ta1(cb->ctx, &t) : 0;
}
