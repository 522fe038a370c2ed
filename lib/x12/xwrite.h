/*
 * Building X12 segments into an rcm_buf, for the writers of the sets a
 * payer sends (999, 277CA: wack.c; 835: w835.c). Not public.
 *
 * A segment is xw_seg, elements, xw_end. Empty elements are written as
 * separators and trailing empty ones dropped at xw_end, so a writer can put
 * every element of the guide in order without asking which are set. The
 * first invalid value (a delimiter or a control character in it) sets a
 * sticky error naming the owner (xw.what) and the field; output errors
 * (out of memory) are the buffer's sticky error. Check xw_done once.
 */
#ifndef RCM_X12_XWRITE_H
#define RCM_X12_XWRITE_H

#include "x12_internal.h"
#include "rcm/x12write.h"

typedef struct xw {
    rcm_buf *b;
    char el, comp, rep, term;
    int nl;
    size_t mark;                /* length after the last non-empty element */
    size_t cstart, cmark;       /* the open composite: its start, after its last non-empty component */
    int cfirst;
    long set_segments;          /* segments of the open set, ST included */
    long segments;              /* all segments written */
    char st_control[10];        /* the open set's ST02 */
    int rc;                     /* the first error, sticky */
    rcm_error *err;
    char what[128];             /* "set '0001' claim 'A1'": who a value belongs to, for messages */
} xw;

void xw_init(xw *w, rcm_buf *b, const rcm_x12_envelope *env, rcm_error *err);
/* Checks the envelope options (delimiters, ids, control numbers, date and time). */
int xw_envelope_check(const rcm_x12_envelope *env, rcm_error *err);

void xw_seg(xw *w, const char *id);
void xw_end(xw *w);
/* A value from the model: checked for delimiters and control characters; field names it in errors. */
void xw_s(xw *w, const char *s, const char *field);
/* A value rcm makes up (codes, numbers): not checked. */
void xw_lit(xw *w, const char *s);
void xw_empty(xw *w);
void xw_cents(xw *w, int64_t cents);
void xw_milli(xw *w, int64_t milli);
void xw_u(xw *w, uint64_t v);
void xw_chr(xw *w, char c, const char *field); /* one character, empty when 0 */
void xw_date(xw *w, rcm_date d);                /* CCYYMMDD, empty when RCM_DATE_NONE */
/* Composites: xw_cbegin, components, xw_cend (trailing empty components dropped). */
void xw_cbegin(xw *w);
void xw_cs(xw *w, const char *s, const char *field);
void xw_clit(xw *w, const char *s);
void xw_cu(xw *w, uint64_t v);
void xw_cend(xw *w);
/* A C030 position in a segment (999 IK401, CTX05): element, then component and repetition when set. */
void xw_c030(xw *w, int element, int component, int repetition);

/* A required value: sets the error "missing (what)" when s is empty. */
int xw_need(xw *w, const char *s, const char *field, const char *what);
void xw_fail(xw *w, int code, const char *fmt, ...) RCM_PRINTF(3, 4);

/* ISA and GS (func: FA, HN, HP; version: GS08). */
void xw_open(xw *w, const rcm_x12_envelope *env, const char *func, const char *version);
/* ST with the model's control number, else the next of *counter (at least 4 digits); ST03 version unless NULL. */
void xw_st(xw *w, const char *id, const char *control, uint32_t *counter, const char *version);
void xw_se(xw *w);
void xw_close(xw *w, const rcm_x12_envelope *env, uint32_t sets);

/*
 * Ends a writer call: 0, or the error (out of memory from the buffer, else
 * the first invalid value); on error out is cut back to len0.
 */
int xw_done(xw *w, size_t len0);

#endif
