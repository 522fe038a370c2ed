/*
 * refdata_import DB FILE...: imports each file into the store DB (created
 * when missing) through the reference-data framework, one transaction per
 * file, then builds the compiled edit index beside it (DB.refidx). Prints a
 * report line (bench.h format) per import and for the index build: wall
 * seconds, rows, rows per second, peak RSS. Exit 1 when an import fails.
 */
#include <time.h>
#include "bench.h"
#include "rcm/rcm.h"

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: refdata_import DB FILE...\n");
        return 2;
    }
    rcm_store *st = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_store_open(&st, argv[1], RCM_STORE_CREATE, &err) < 0) {
        fprintf(stderr, "refdata_import: %s: %s\n", argv[1], err.msg);
        return 1;
    }
    double total = 0;
    for (int i = 2; i < argc; i++) {
        rcm_refdata_opts o;
        rcm_refdata_opts_init(&o);
        o.now = (int64_t)time(NULL);
        rcm_refdata_report rep;
        double t0 = bench_now();
        int rc = rcm_refdata_import(st, argv[i], &o, &rep, &err);
        double t = bench_now() - t0;
        total += t;
        if (rc < 0) {
            fprintf(stderr, "refdata_import: %s:%ld: %s\n", argv[i], err.line, err.msg);
            rcm_refdata_report_release(&rep);
            rcm_store_close(st);
            return 1;
        }
        printf("stage=import file=%s kind=%s rows=%ld seconds=%.3f rows_per_s=%.0f rss_mb=%.1f%s\n", rep.source,
               rep.kind, rep.rows, t, t > 0 ? (double)rep.rows / t : 0, bench_rss_mb(),
               rep.already_loaded ? " already_loaded=1" : "");
        rcm_refdata_report_release(&rep);
    }
    char idx[4096];
    snprintf(idx, sizeof(idx), "%s" RCM_EDITS_SUFFIX, argv[1]);
    double t0 = bench_now();
    int rc = rcm_edits_build(st, idx, &err);
    double t = bench_now() - t0;
    if (rc < 0) {
        fprintf(stderr, "refdata_import: index: %s\n", err.msg);
        rcm_store_close(st);
        return 1;
    }
    printf("stage=index_build file=%s seconds=%.3f bytes=%llu rss_mb=%.1f\n", idx, t,
           (unsigned long long)bench_file_size(idx), bench_rss_mb());
    printf("stage=import_total seconds=%.3f store_bytes=%llu\n", total, (unsigned long long)bench_file_size(argv[1]));
    rcm_store_close(st);
    return 0;
}
