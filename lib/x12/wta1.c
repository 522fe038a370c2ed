/*
 * The TA1 interchange acknowledgment writer (include/rcm/x12ack.h): a TA1
 * stands between the ISA and the first GS of an interchange, or alone in an
 * interchange with no functional group (IEA01 = 0).
 */
#include "ack_internal.h"

void ack_isa_gs(xw *w, const rcm_x12_envelope *env, const char *func, const char *version, rcm_buf *gs)
{
    rcm_buf tmp;
    rcm_buf_init(&tmp, 4096);
    xw t;
    xw_init(&t, &tmp, env, w->err);
    xw_open(&t, env, func, version);
    size_t isa = ACK_ISA_LEN + 1 + (env->newline ? 1 : 0);
    if (tmp.failed || tmp.len < isa) {
        xw_fail(w, RCM_ENOMEM, "out of memory writing an interchange header");
    } else {
        rcm_buf_add(w->b, tmp.ptr, isa);
        if (gs)
            rcm_buf_add(gs, tmp.ptr + isa, tmp.len - isa);
        w->segments++;
    }
    rcm_buf_release(&tmp);
}

static int all_digits(const char *s, size_t n)
{
    if (strlen(s) != n)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

void ack_ta1_seg(xw *w, const rcm_ta1 *t)
{
    char d8[16] = "";
    if (t->date != RCM_DATE_NONE)
        rcm_date_fmt(d8, t->date, 0);
    xw_seg(w, "TA1");
    xw_s(w, t->control, "control");
    xw_lit(w, d8[0] ? d8 + 2 : "");
    xw_s(w, t->time, "time");
    xw_chr(w, t->status, "status");
    xw_s(w, t->note, "note");
    xw_end(w);
    if (!all_digits(t->control, 9))
        xw_fail(w, RCM_EINVAL, "control: '%.12s' is not 9 digits (TA101 interchange control number)", t->control);
    if (!d8[0])
        xw_fail(w, RCM_EINVAL, "date: missing (TA102 interchange date)");
    if (!all_digits(t->time, 4))
        xw_fail(w, RCM_EINVAL, "time: '%.8s' is not HHMM (TA103 interchange time)", t->time);
    if (t->status != 'A' && t->status != 'E' && t->status != 'R')
        xw_fail(w, RCM_EINVAL, "status: must be A, E or R (TA104 interchange acknowledgment code)");
    if (!all_digits(t->note, 3))
        xw_fail(w, RCM_EINVAL, "note: '%.8s' is not 3 digits (TA105 interchange note code)", t->note);
}

int rcm_x12_write_ta1(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ta1 *ta1, uint32_t n,
                      rcm_error *err)
{
    int rc = xw_envelope_check(env, err);
    if (rc < 0)
        return rc;
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no TA1 to write: a TA1 interchange needs one");
    xw w;
    size_t len0 = out->len;
    xw_init(&w, out, env, err);
    ack_isa_gs(&w, env, "FA", "005010X231A1", NULL);
    for (uint32_t i = 0; i < n && !w.rc; i++) {
        snprintf(w.what, sizeof(w.what), "TA1 %u", i + 1);
        ack_ta1_seg(&w, &ta1[i]);
    }
    w.what[0] = '\0';
    char ctl[16];
    snprintf(ctl, sizeof(ctl), "%09u", (unsigned)(env->isa_control % 1000000000u));
    xw_seg(&w, "IEA");
    xw_lit(&w, "0");
    xw_lit(&w, ctl);
    xw_end(&w);
    return xw_done(&w, len0);
}
