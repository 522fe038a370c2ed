/* Helpers shared inside librcm (not public). */
#ifndef RCM_UTIL_H
#define RCM_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "rcm/error.h"
#include "rcm/buf.h"
#include "rcm/value.h"
#include "banned.h" /* last: system headers above may define what it bans */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define LIKELY(x) (x)
#define UNLIKELY(x) (x)
#endif

/*
 * A bump allocator: many small allocations freed together. Blocks are kept
 * on reset so a reader that resets its arena per claim allocates nothing in
 * steady state.
 */
typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;   /* current block */
    arena_block *first;
    size_t block_size;
    size_t total;        /* bytes held */
    size_t max;          /* allocations past this fail */
} arena;

void arena_init(arena *a, size_t block_size, size_t max);
void arena_release(arena *a);
void arena_reset(arena *a);
void *arena_alloc(arena *a, size_t n);           /* 16-byte aligned, NULL on failure */
void *arena_zalloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *p, size_t n); /* NUL-terminated copy */

/* Copies a view into a fixed char array, truncating; always NUL-terminates. */
void str_copy(char *dst, size_t dstsz, rcm_str s);
/* Bounded copy of a C string. */
void cstr_copy(char *dst, size_t dstsz, const char *src);

#endif
