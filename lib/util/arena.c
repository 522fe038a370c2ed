/* Bump allocator: allocations freed together; blocks reused after reset. */
#include <stdlib.h>
#include "util.h"

struct arena_block {
    arena_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
};

void arena_init(arena *a, size_t block_size, size_t max)
{
    a->head = a->first = NULL;
    a->block_size = block_size ? block_size : 16384;
    a->total = 0;
    a->max = max;
}

void arena_release(arena *a)
{
    arena_block *b = a->first;
    while (b) {
        arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = a->first = NULL;
    a->total = 0;
}

void arena_reset(arena *a)
{
    for (arena_block *b = a->first; b; b = b->next)
        b->used = 0;
    a->head = a->first;
}

void *arena_alloc(arena *a, size_t n)
{
    if (n > SIZE_MAX - 15 - sizeof(arena_block)) /* rounding or the block header would wrap */
        return NULL;
    n = (n + 15) & ~(size_t)15;
    if (n == 0)
        n = 16;
    for (;;) {
        arena_block *b = a->head;
        if (b && b->size - b->used >= n) {
            void *p = b->data + b->used;
            b->used += n;
            return p;
        }
        if (b && b->next) { /* a kept block after reset */
            a->head = b->next;
            continue;
        }
        size_t sz = n > a->block_size ? n : a->block_size;
        if (sz > a->max || a->total > a->max - sz)
            return NULL;
        arena_block *nb = malloc(sizeof(*nb) + sz);
        if (!nb)
            return NULL;
        nb->next = NULL;
        nb->size = sz;
        nb->used = 0;
        a->total += sz;
        if (b)
            b->next = nb;
        else
            a->first = nb;
        a->head = nb;
    }
}

void *arena_zalloc(arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *arena_strdup(arena *a, const char *p, size_t n)
{
    char *s = arena_alloc(a, n + 1);
    if (!s)
        return NULL;
    if (n)
        memcpy(s, p, n);
    s[n] = '\0';
    return s;
}
