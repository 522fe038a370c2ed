/*
 * Shared by the medical-necessity loader (mn.c) and the in-memory code sets
 * (codeset.c): what a procedure range of the mn kind means.
 */
#ifndef RCM_MN_INTERNAL_H
#define RCM_MN_INTERNAL_H

#include "refdata_internal.h"

/* The widest procedure range a row may give (codes in it, both ends included). */
#define MN_SPAN_MAX 10000

/*
 * A procedure range lo..hi of codes with the same shape that differ only in
 * their digits: five digits (82947-82952), a letter and four digits
 * (G0101-G0105: the letter the same), or four digits and a letter
 * (0001F-0015F: the letter the same). The codes are code with the digits at
 * [pos, pos + width) counting from first to last.
 */
typedef struct mn_span {
    char code[6];
    int pos, width;
    long first, last;
} mn_span;

/*
 * Reads the range lo..hi (each a CPT or HCPCS Level II code, upper case;
 * lo == hi for one code). Returns 0, or RCM_EFORMAT with a reason in *why
 * (a static string).
 */
int mn_proc_span(mn_span *out, rcm_str lo, rcm_str hi, const char **why);

/* The code of the span whose counted digits are v (first <= v <= last), into out. */
void mn_span_code(char out[6], const mn_span *s, long v);

#endif
