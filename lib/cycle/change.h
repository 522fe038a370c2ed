/*
 * The "what changed" part of a change event's detail (cycle_audit): each
 * field that changed, as "field before -> after" when its values may be
 * shown (codes, ids, dates of service, amounts, the practice's own data), or
 * "field changed" when they may not (a patient's name, date of birth,
 * address, a member id, clinical text). Fields are separated by "; ".
 * Not public.
 */
#ifndef RCM_CYCLE_CHANGE_H
#define RCM_CYCLE_CHANGE_H

#include "rcm/buf.h"
#include "import.h"

/* Text values longer than this are cut (with "...") in a detail. */
#define CHANGE_MAX_VALUE 60

/* Appends "; " to b unless b is empty. */
void change_sep(rcm_buf *b);

/* "field before -> after" ('' shown for an empty value, values with spaces quoted). */
void change_str(rcm_buf *b, const char *field, const char *before, const char *after);

/* An amount as details show it: "150.00", "-12.50". */
void change_cents(rcm_buf *b, int64_t cents);

/* "field changed": the values are not for the audit trail. */
void change_hidden(rcm_buf *b, const char *field);

/* A value as a detail shows it: '' for empty, quoted when it holds a space or a quote, cut when long. */
void change_value(rcm_buf *b, const char *v);

/*
 * Compares the row r found last (cyr_find returned 1: r->sel is on it, its
 * cols at columns 1..ncols) with colv and appends each column that differs,
 * its values shown when show is NULL or show[i] is 1. Call before
 * cyr_update or the next cyr_find. Returns how many columns differ.
 */
int change_row(rcm_buf *b, const cyr *r, const cyv *colv, const unsigned char *show);

#endif
