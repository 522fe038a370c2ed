/* Shared by the 837 reader (r837.c) and writer (w837.c); not public. */
#ifndef RCM_X837_H
#define RCM_X837_H

#include <stddef.h>

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

/*
 * PWK (2300 and 2400 of both guides): is the n bytes at p a PWK01 attachment
 * report type code? The list is the same in 837P and 837I.
 */
int x12_837_pwk_type(const char *p, size_t n);

/* What a PWK02 attachment transmission code is for (x12_837_pwk_transmission). */
enum {
    X12_PWK_NONE = 0,           /* not a code of either list */
    X12_PWK_SUPPLEMENTAL = 1,   /* AA BM EL EM FT FX: claim or line supplemental information */
    X12_PWK_CMN = 2             /* AB AD AF AG NS: the 837P 2400 DME certificate of medical
                                 * necessity indicator, whose PWK01 is CT */
};
int x12_837_pwk_transmission(const char *p, size_t n);

/* A 2300 or 2400 loop carries up to 10 supplemental information PWKs; an 837P 2400 also 1 DME certificate indicator. */
#define X12_PWK_MAX 10
#define X12_PWK_MAX_CMN 1

/*
 * Is a PWK with these PWK01/PWK02 (n1, n2 bytes) the 837P line's DME
 * certificate indicator (kind 'P', at X12_AT_LINE, PWK01 CT, a CMN code)?
 */
int x12_837_pwk_is_cmn(char kind, int at, const char *type, size_t n1, const char *trans, size_t n2);

#endif
