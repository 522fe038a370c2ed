/*
 * Shared by the acknowledgment readers (r999.c, r277.c, rta1.c) and the
 * structural reader (rgeneric.c): element checks that report located
 * problems, array growth, and the HL numbering check. Not public.
 */
#ifndef RCM_RACK_INTERNAL_H
#define RCM_RACK_INTERNAL_H

#include "x12_internal.h"

/* Most memory one transaction set's model may take (arena and arrays together). */
#define ACK_MAX_BYTES ((size_t)1 << 30)

/*
 * The checks below report through rcm_x12_report and keep the first
 * negative return of the problem callback in *stop (0 while reading goes
 * on); a reader returns *stop at the end of the segment.
 */
void ack_keep(int *stop, int rc);

/* Copies v for a message: non-printable bytes (and any past 7-bit ASCII) become '?', "..." marks a cut. */
void ack_printable(char *dst, size_t dstsz, rcm_str v);

/* Reports "WHAT is missing" (IK403 1) unless element el (component comp, 0 for the element) is present. */
int ack_need(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             const char *what);
/* Reports "'VALUE' is not WHAT" with the given IK403 code. */
void ack_bad(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             const char *code, rcm_str v, const char *what);
/* True when v is one of the strings of list (NULL-terminated). */
int ack_in(rcm_str v, const char *const *list);
/* Reports (IK403 7) a present value not in list; returns 1 when v is present and valid. */
int ack_code(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, int comp,
             rcm_str v, const char *const *list, const char *what);
/*
 * Reads an unsigned whole number (N0) into *out (0 when absent or bad);
 * reports a bad one (IK403 6). Returns 1 when present and valid.
 */
int ack_uint(long *out, int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el,
             int comp, rcm_str v, const char *what);
/* Reports (IK403 4 / 5) a present value shorter than min or longer than max characters. */
int ack_len(int *stop, const rcm_x12_env *env, const rcm_x12_seg *seg, int el, rcm_str v,
            size_t min, size_t max, const char *what);
/* Reads a CCYYMMDD date or a CCYYMMDD-CCYYMMDD range by DTP02 (D8 / RD8); reports bad ones. */
void ack_dtp_range(rcm_date *from, rcm_date *to, int *stop, const rcm_x12_env *env,
                   const rcm_x12_seg *seg);

/*
 * Room for one more element of size elsz in arr (n used, *cap allocated),
 * allocated from a; the new element is zeroed. Returns the (maybe moved)
 * array, or NULL when out of memory (arr is then unchanged).
 */
void *ack_grow(arena *a, void *arr, uint32_t n, uint32_t *cap, size_t elsz);
/* The same with realloc, for the top-level arrays kept between sets; NULL past max bytes. */
void *ack_vec_grow(void *arr, uint32_t n, uint32_t *cap, size_t elsz, size_t max);

/* ---- HL numbering: HL01 1, 2, 3... in order; HL02 names an earlier HL ---- */

typedef struct ack_hl_entry {
    long id;           /* HL01 */
    char level[3];     /* HL03 */
    char children;     /* HL04: '0', '1', or 0 when absent */
} ack_hl_entry;

/* Expected parent level of a level code: { "PT", "19" }; parent "" for a root level. */
typedef struct ack_hl_rule {
    const char *level, *parent;
} ack_hl_rule;

typedef struct ack_hl {
    ack_hl_entry *v;
    uint32_t n, cap;
    long last;         /* the last valid HL01 */
    int ordered;       /* HL01 values so far strictly increase (binary search) */
} ack_hl;

void ack_hl_init(ack_hl *h);
void ack_hl_reset(ack_hl *h);   /* a new set begins */
void ack_hl_release(ack_hl *h);
/*
 * Checks an HL segment against those seen in the set: HL01 numbering, HL02
 * naming an earlier HL whose HL04 allows children, HL03 present and (when
 * rules is not NULL) one of the rule levels under its expected parent level.
 * On return *out is the recorded entry (NULL when out of memory) and
 * *parent the parent's entry (NULL for a root or a bad reference). Returns
 * 0, or RCM_ENOMEM.
 */
int ack_hl_check(const ack_hl_entry **out, const ack_hl_entry **parent, ack_hl *h, int *stop,
                 const rcm_x12_env *env, const rcm_x12_seg *seg, const ack_hl_rule *rules,
                 size_t n_rules);

#endif
