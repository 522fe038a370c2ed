/*
 * rcm error codes and the caller-owned error detail struct.
 *
 * Every librcm call that can fail returns int: 0 (or a positive count) on
 * success, a negative RCM_E* code on failure, and fills the rcm_error the
 * caller passed (which may be NULL when the caller does not want details).
 * Codes are never renumbered; add new ones at the end.
 */
#ifndef RCM_ERROR_H
#define RCM_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define RCM_API __attribute__((visibility("default")))
#define RCM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RCM_API
#define RCM_PRINTF(f, a)
#endif

enum {
    RCM_OK = 0,
    RCM_ENOMEM = -1,    /* out of memory, or a size limit was reached */
    RCM_EIO = -2,       /* a file could not be opened, read or written */
    RCM_EFORMAT = -3,   /* input is not what it claims to be (not X12, bad JSON...) */
    RCM_ESYNTAX = -4,   /* X12 syntax too broken to go on reading */
    RCM_EINVAL = -5,    /* a caller passed something invalid */
    RCM_ENOTFOUND = -6, /* a named thing does not exist */
    RCM_ELIMIT = -7,    /* input exceeds a hard limit (segment too long...) */
    RCM_EBALANCE = -8,  /* money does not balance */
    RCM_EDENIED = -9,   /* not allowed now: the record's state, an open finding or a permission forbids it */
    RCM_EEXIST = -10    /* already done: the same file or record was taken before */
};

typedef struct rcm_error {
    int code;
    const char *source;  /* file name, "stdin"...; borrowed, not freed */
    long line;           /* 1-based, 0 when not applicable */
    long segment;        /* 1-based segment number in the file, 0 n/a */
    long element;        /* 1-based element position, 0 n/a */
    long component;      /* 1-based component position, 0 n/a */
    unsigned long long offset; /* byte offset in the input */
    char msg[256];
} rcm_error;

/* Clears err (NULL is fine). */
RCM_API void rcm_error_clear(rcm_error *err);

/* Sets err's code and message; returns code so callers can `return rcm_error_set(...)`. */
RCM_API int rcm_error_set(rcm_error *err, int code, const char *fmt, ...) RCM_PRINTF(3, 4);

/* Short name of a code ("out of memory", "i/o error"...). */
RCM_API const char *rcm_strerror(int code);

/*
 * Formats err as "SOURCE:LINE: segment N 'ID' element E: message" into out
 * (always NUL-terminated). Parts that are 0 are left out.
 */
RCM_API void rcm_error_format(const rcm_error *err, char *out, size_t outsz);

#endif
