/* Shared by the 837 reader (r837.c) and writer (w837.c); not public. */
#ifndef RCM_X837_H
#define RCM_X837_H

/* Where a party's NM1 loop stands. */
enum { X12_AT_TOP, X12_AT_CLAIM, X12_AT_LINE, X12_AT_COB };

/* What a party's loop carries (x12_837_party_rules). */
enum {
    X12_PR_LAST = 1 << 0,   /* NM103 */
    X12_PR_FIRST = 1 << 1,  /* NM104 */
    X12_PR_MID = 1 << 2,    /* NM105 */
    X12_PR_SUF = 1 << 3,    /* NM107 */
    X12_PR_ID = 1 << 4,     /* NM108/NM109 */
    X12_PR_ADDR = 1 << 5,   /* N3, N4 */
    X12_PR_TAX = 1 << 6,    /* REF*EI/SY tax id */
    X12_PR_REF = 1 << 7,    /* other REF ids */
    X12_PR_PER = 1 << 8,    /* PER contact */
    X12_PR_PRV = 1 << 9     /* PRV taxonomy */
};

/*
 * What the 5010 guide lets the loop of a party with this NM101 entity carry
 * in an 837P (kind 'P') or 837I ('I') at place at (X12_AT_*): 0 when the
 * entity has no such loop there.
 */
unsigned x12_837_party_rules(char kind, const char *entity, int at);

#endif
