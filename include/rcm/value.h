/*
 * Exact values read from X12 and JSON: money in integer cents, dates as day
 * numbers. No floating point: "150000.00" is 15000000 cents, parsed digit by
 * digit.
 */
#ifndef RCM_VALUE_H
#define RCM_VALUE_H

#include <stdint.h>
#include "buf.h"

/* Largest magnitude accepted: 10^15 - 1 cents (X12 R elements hold at most 18 characters). */
#define RCM_CENTS_MAX INT64_C(999999999999999)

/*
 * Parses an X12 decimal (R type: optional '-', digits, optional '.' and
 * digits; at least one digit) into cents. Digits past the second decimal
 * place must be zeros. Returns 0, or RCM_EFORMAT with a reason in *why
 * (a static string) when s is not an amount.
 */
RCM_API int rcm_cents_parse(int64_t *out, rcm_str s, const char **why);

/* Parses an X12 numeric quantity (R type) into thousandths: "1.5" -> 1500. */
RCM_API int rcm_milli_parse(int64_t *out, rcm_str s, const char **why);

/* Parses an unsigned decimal integer of at most 18 digits (N0). */
RCM_API int rcm_uint_parse(uint64_t *out, rcm_str s);

/* Writes cents as "-1234.56" into out (at least 24 bytes); returns length. */
RCM_API int rcm_cents_fmt(char *out, int64_t cents);

/*
 * A calendar date as days since 1970-01-01 (negative before). Parsed from
 * CCYYMMDD with real month lengths and leap years; RCM_DATE_NONE when absent.
 */
typedef int32_t rcm_date;
#define RCM_DATE_NONE INT32_MIN

RCM_API int rcm_date_parse(rcm_date *out, rcm_str s);           /* CCYYMMDD */
RCM_API int rcm_date_parse_iso(rcm_date *out, rcm_str s);       /* YYYY-MM-DD */
RCM_API rcm_date rcm_date_from_ymd(int y, int m, int d);
RCM_API void rcm_date_to_ymd(rcm_date d, int *y, int *m, int *dd);
/* Formats as YYYY-MM-DD (iso != 0) or CCYYMMDD into out (at least 11 bytes). */
RCM_API int rcm_date_fmt(char *out, rcm_date d, int iso);

#endif
