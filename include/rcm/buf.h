/*
 * Growable byte buffers and string views.
 *
 * rcm_buf is always NUL-terminated, its ptr is never NULL, it has a maximum
 * size set at init, and a sticky error: after a failed append every further
 * append does nothing, so a caller checks rcm_buf_failed() once at the end.
 */
#ifndef RCM_BUF_H
#define RCM_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include "error.h"

#define RCM_MAX_MESSAGE ((size_t)64 * 1024)
#define RCM_MAX_DOCUMENT ((size_t)1 << 32) /* 4 GiB */

typedef struct rcm_str {
    const char *p;
    size_t n;
} rcm_str;

typedef struct rcm_buf {
    char *ptr;       /* never NULL; NUL-terminated */
    size_t len;
    size_t cap;      /* allocated bytes (0 while ptr points at a static "") */
    size_t max;      /* appends that would pass this fail */
    int failed;      /* sticky: RCM_ENOMEM once an append failed */
} rcm_buf;

RCM_API void rcm_buf_init(rcm_buf *b, size_t max);
RCM_API void rcm_buf_release(rcm_buf *b);
/* Empties b, keeping its allocation and clearing the sticky error. */
RCM_API void rcm_buf_reset(rcm_buf *b);
RCM_API int rcm_buf_add(rcm_buf *b, const void *p, size_t n);
RCM_API int rcm_buf_addc(rcm_buf *b, char c);
RCM_API int rcm_buf_adds(rcm_buf *b, const char *s);
RCM_API int rcm_buf_addstr(rcm_buf *b, rcm_str s);
RCM_API int rcm_buf_addf(rcm_buf *b, const char *fmt, ...) RCM_PRINTF(2, 3);
RCM_API int rcm_buf_vaddf(rcm_buf *b, const char *fmt, va_list ap);
/* Makes room for n more bytes; returns a pointer to write them or NULL. */
RCM_API char *rcm_buf_reserve(rcm_buf *b, size_t n);
/* Appends an unsigned/signed decimal integer. */
RCM_API int rcm_buf_addu(rcm_buf *b, uint64_t v);
/* Appends cents as an X12 decimal: 12345 -> "123.45", 100 -> "1", -5 -> "-0.05". */
RCM_API int rcm_buf_addcents(rcm_buf *b, int64_t cents);
static inline int rcm_buf_failed(const rcm_buf *b) { return b->failed; }


RCM_API int rcm_str_eq(rcm_str a, const char *s);

#include <string.h>
static inline rcm_str rcm_str_c(const char *s) { rcm_str r = { s, strlen(s) }; return r; }

#endif
