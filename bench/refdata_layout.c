/*
 * refdata_layout: the PTP pair layouts considered for the compiled index,
 * measured on the same 2,000,000 synthetic pairs in memory (one core):
 *   hash       open addressing, 16-byte slots (key + row), at most 3/4 full:
 *              what the index uses (without its pair filter)
 *   sorted     a sorted array of 8-byte keys, binary search
 *   eytzinger  the same keys in breadth-first (Eytzinger) order, branch-free
 *              descent with the next levels prefetched
 * Each is asked the same queries: pairs present, and random pairs (nearly
 * all absent). Report lines in bench.h format.
 */
#include "bench.h"
#include "refdata_synth.h"

#define NQ 4000000
#define MUL UINT64_C(0x9E3779B97F4A7C15)

typedef struct slot {
    uint64_t key;
    uint32_t a, b;
} slot;

static int cmp_u64(const void *x, const void *y)
{
    uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
    return (a > b) - (a < b);
}

static uint64_t key_of(uint32_t c1, uint32_t c2)
{
    /* any injective packing will do here: the layouts, not the codes, are measured */
    return (uint64_t)(c1 + 1) << 32 | (c2 + 1);
}

static size_t eyt_fill(const uint64_t *sorted, uint64_t *eyt, size_t n, size_t i, size_t k)
{
    if (k <= n) {
        i = eyt_fill(sorted, eyt, n, i, 2 * k);
        eyt[k] = sorted[i++];
        i = eyt_fill(sorted, eyt, n, i, 2 * k + 1);
    }
    return i;
}

static void report(const char *layout, const char *set, double secs, long hits, double mb)
{
    printf("stage=layout layout=%s set=%s lookups=%d found=%ld mlps=%.1f ns_per_lookup=%.1f mb=%.1f\n", layout, set,
           NQ, hits, NQ / secs / 1e6, secs / NQ * 1e9, mb);
}

int main(void)
{
    size_t n = SYN_PTP_ROWS;
    uint64_t *keys = malloc(n * sizeof(*keys));
    for (size_t i = 0; i < n; i++) {
        syn_ptp r;
        syn_ptp_row(&r, i);
        keys[i] = key_of(r.c1, r.c2);
    }
    qsort(keys, n, sizeof(*keys), cmp_u64);
    size_t u = 0;
    for (size_t i = 0; i < n; i++)
        if (i == 0 || keys[i] != keys[u - 1])
            keys[u++] = keys[i];
    n = u;
    unsigned log2 = 4;
    while (((size_t)1 << log2) * 3 / 4 < n)
        log2++;
    size_t cap = (size_t)1 << log2;
    slot *t = calloc(cap, sizeof(*t));
    for (size_t i = 0; i < n; i++) {
        size_t h = (keys[i] * MUL) >> (64 - log2);
        while (t[h].key)
            h = (h + 1) & (cap - 1);
        t[h].key = keys[i];
        t[h].a = (uint32_t)i;
    }
    uint64_t *eyt = calloc(n + 1, sizeof(*eyt));
    eyt_fill(keys, eyt, n, 0, 1);
    uint64_t *q = malloc(2 * (size_t)NQ * sizeof(*q));
    for (size_t i = 0; i < NQ; i++) {
        syn_ptp r;
        syn_ptp_row(&r, syn_mix(i + 12345) % SYN_PTP_ROWS);
        q[i] = key_of(r.c1, r.c2);
        uint64_t h = syn_mix(i + 777);
        q[NQ + i] = key_of((uint32_t)(h % SYN_PTP_CODES), (uint32_t)((h >> 32) % SYN_PTP_CODES));
    }
    static const char *const sets[] = { "present", "random_pairs" };
    for (int s = 0; s < 2; s++) {
        const uint64_t *qs = q + (size_t)s * NQ;
        for (int rep = 0; rep < 2; rep++) { /* the second pass is reported: pages and caches warm */
            long hits = 0;
            double t0 = bench_now();
            for (size_t i = 0; i < NQ; i++) {
                size_t h = (qs[i] * MUL) >> (64 - log2);
                while (t[h].key && t[h].key != qs[i])
                    h = (h + 1) & (cap - 1);
                hits += t[h].key == qs[i];
            }
            double th = bench_now() - t0;
            long hits2 = 0;
            t0 = bench_now();
            for (size_t i = 0; i < NQ; i++) {
                size_t lo = 0, len = n;
                while (len > 1) {
                    size_t half = len / 2;
                    lo = keys[lo + half] <= qs[i] ? lo + half : lo;
                    len -= half;
                }
                hits2 += keys[lo] == qs[i];
            }
            double ts = bench_now() - t0;
            long hits3 = 0;
            t0 = bench_now();
            for (size_t i = 0; i < NQ; i++) {
                size_t k = 1;
                while (k <= n) {
                    __builtin_prefetch(eyt + 16 * k);
                    k = 2 * k + (eyt[k] < qs[i]);
                }
                k >>= __builtin_ffsll((long long)~k);
                hits3 += k && k <= n && eyt[k] == qs[i];
            }
            double te = bench_now() - t0;
            if (rep == 1) {
                report("hash", sets[s], th, hits, cap * sizeof(slot) / 1048576.0);
                report("sorted", sets[s], ts, hits2, n * sizeof(uint64_t) / 1048576.0);
                report("eytzinger", sets[s], te, hits3, (n + 1) * sizeof(uint64_t) / 1048576.0);
            }
        }
    }
    free(q);
    free(eyt);
    free(t);
    free(keys);
    return 0;
}
