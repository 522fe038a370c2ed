/*
 * refdata_lookup DB [QUERIES]: run as a new process after refdata_import.
 *   1. opens the compiled edit index DB.refidx (mmap and validation) and
 *      reports the time: the "ready for lookups in a new process" figure;
 *      then the same through the store (open, fingerprint check, mmap);
 *   2. PTP pair lookups on one core, one call per pair (rcm_ptp_find) and a
 *      claim's 30 pairs per call (rcm_ptp_find_n): pairs that are in the
 *      table, random pairs of the table's codes (nearly all absent), claims
 *      of 6 codes looked up in all 30 ordered pairs with common codes more
 *      frequent; the first pass (pages faulted in) and the median of warm
 *      passes; MUE lookups;
 *   3. resident memory: VmRSS and its file-backed part (the mapped index).
 * Queries are generated before the clock starts (refdata_synth.h regenerates
 * the rows the import read). Report lines in bench.h format.
 */
#include "bench.h"
#include "refdata_synth.h"
#include "rcm/rcm.h"

#define PASSES 5

/* VmRSS and RssFile of this process in MiB (0 when unknown). */
static void rss_now(double *total, double *file)
{
    *total = *file = 0;
    FILE *f = fopen("/proc/self/status", "r");
    if (!f)
        return;
    char line[256];
    while (fgets(line, sizeof(line), f)) {
        long kb;
        if (sscanf(line, "VmRSS: %ld", &kb) == 1)
            *total = kb / 1024.0;
        else if (sscanf(line, "RssFile: %ld", &kb) == 1)
            *file = kb / 1024.0;
    }
    fclose(f);
}

static rcm_proc pack(uint32_t k)
{
    char c[6];
    syn_code(c, k);
    rcm_proc p = 0;
    rcm_proc_pack(&p, rcm_str_c(c));
    return p;
}

typedef rcm_ptp_query query;

/* One call per pair (rcm_ptp_find), or 30 pairs a call (rcm_ptp_find_n, a claim's worth). */
static long run(const rcm_edits *e, const query *q, size_t n, rcm_date dos, int batch)
{
    long hits = 0;
    if (!batch) {
        for (size_t i = 0; i < n; i++)
            hits += rcm_ptp_find(e, q[i].col1, q[i].col2, dos, RCM_NCCI_PRACTITIONER, NULL);
        return hits;
    }
    int found[30];
    for (size_t i = 0; i < n; i += 30)
        hits += (long)rcm_ptp_find_n(e, q + i, n - i < 30 ? n - i : 30, dos, RCM_NCCI_PRACTITIONER, found, NULL);
    return hits;
}

static void bench_set(const rcm_edits *e, const char *name, const query *q, size_t n, rcm_date dos)
{
    for (int batch = 0; batch < 2; batch++) {
        double wall[PASSES], cpu[PASSES];
        long hits = 0;
        for (int p = 0; p < PASSES; p++) {
            double t0 = bench_now(), c0 = bench_cpu_now();
            hits = run(e, q, n, dos, batch);
            wall[p] = bench_now() - t0;
            cpu[p] = bench_cpu_now() - c0;
        }
        double first = wall[0];
        double mw = bench_median(wall + 1, PASSES - 1), mc = bench_median(cpu + 1, PASSES - 1);
        printf("stage=ptp_lookup set=%s api=%s lookups=%zu found_in_force=%ld first_pass_mlps=%.1f"
               " median_mlps=%.1f cpu_mlps=%.1f ns_per_lookup=%.1f\n", name, batch ? "find_n" : "find", n, hits,
               n / first / 1e6, n / mw / 1e6, n / mc / 1e6, mw / n * 1e9);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: refdata_lookup DB [QUERIES]\n");
        return 2;
    }
    size_t nq = argc == 3 ? (size_t)strtoull(argv[2], NULL, 10) : 4000000;
    if (nq < 1000)
        nq = 1000;
    char path[4096];
    snprintf(path, sizeof(path), "%s" RCM_EDITS_SUFFIX, argv[1]);
    rcm_error err;
    memset(&err, 0, sizeof(err));

    /* 1. ready for lookups */
    rcm_edits *e = NULL;
    double t0 = bench_now();
    int rc = rcm_edits_open(&e, path, &err);
    double t_open = bench_now() - t0;
    if (rc < 0) {
        fprintf(stderr, "refdata_lookup: %s\n", err.msg);
        return 1;
    }
    rcm_ptp_row row;
    t0 = bench_now();
    int found = rcm_ptp_find(e, pack(0), pack(1), RCM_DATE_NONE, RCM_NCCI_PRACTITIONER, &row);
    double t_first = bench_now() - t0;
    double rss, rss_file;
    rss_now(&rss, &rss_file);
    printf("stage=index_open file=%s bytes=%llu open_ms=%.3f first_lookup_us=%.1f rss_mb=%.1f rss_file_mb=%.1f"
           " found=%d\n", path, (unsigned long long)bench_file_size(path), t_open * 1e3, t_first * 1e6, rss,
           rss_file, found);
    rcm_store *st = NULL;
    rcm_edits *e2 = NULL;
    int rebuilt = 0;
    t0 = bench_now();
    if (rcm_store_open(&st, argv[1], RCM_STORE_READONLY, &err) < 0 ||
        rcm_edits_open_store(&e2, st, &rebuilt, &err) < 0) {
        fprintf(stderr, "refdata_lookup: %s\n", err.msg);
        return 1;
    }
    double t_store = bench_now() - t0;
    printf("stage=index_open_via_store open_ms=%.3f rebuilt=%d\n", t_store * 1e3, rebuilt);
    rcm_edits_close(e2);
    rcm_store_close(st);

    /* 2. lookups */
    query *q = malloc(nq * sizeof(*q));
    if (!q)
        return 1;
    rcm_date dos = rcm_date_from_ymd(2025, 11, 3);
    for (size_t i = 0; i < nq; i++) {
        syn_ptp r;
        syn_ptp_row(&r, syn_mix(i + 12345) % SYN_PTP_ROWS);
        q[i].col1 = pack(r.c1);
        q[i].col2 = pack(r.c2);
    }
    bench_set(e, "present", q, nq, dos);
    for (size_t i = 0; i < nq; i++) {
        uint64_t h = syn_mix(i + 777);
        q[i].col1 = pack((uint32_t)(h % SYN_PTP_CODES));
        q[i].col2 = pack((uint32_t)((h >> 32) % SYN_PTP_CODES));
    }
    bench_set(e, "random_pairs", q, nq, dos);
    /* claims: 6 codes, common codes more likely (the square of a uniform draw), 30 ordered pairs */
    size_t nc = 0;
    for (uint64_t c = 0; nc + 30 <= nq; c++) {
        rcm_proc codes[6];
        for (int k = 0; k < 6; k++) {
            uint64_t h = syn_mix(c * 8 + (uint64_t)k);
            double u = (double)(h >> 11) / 9007199254740992.0;
            codes[k] = pack((uint32_t)(u * u * SYN_PTP_CODES));
        }
        for (int a = 0; a < 6; a++)
            for (int b = 0; b < 6; b++)
                if (a != b) {
                    q[nc].col1 = codes[a];
                    q[nc].col2 = codes[b];
                    nc++;
                }
    }
    bench_set(e, "claims_6_codes", q, nc, dos);

    double wall[PASSES];
    long hits = 0;
    for (int p = 0; p < PASSES; p++) {
        double s = bench_now();
        for (size_t i = 0; i < nq; i++)
            hits += rcm_mue_find(e, pack((uint32_t)(syn_mix(i) % SYN_CODES)), dos, RCM_NCCI_PRACTITIONER, NULL);
        wall[p] = bench_now() - s;
    }
    printf("stage=mue_lookup lookups=%zu found=%ld median_mlps=%.1f (including packing each code)\n", nq,
           hits / PASSES, nq / bench_median(wall, PASSES) / 1e6);

    /* 3. memory */
    rss_now(&rss, &rss_file);
    printf("stage=memory rss_mb=%.1f rss_file_mb=%.1f queries_mb=%.1f peak_rss_mb=%.1f\n", rss, rss_file,
           nq * sizeof(*q) / 1048576.0, bench_rss_mb());
    free(q);
    rcm_edits_close(e);
    return 0;
}
