/*
 * What the typed-read benchmarks (read835, read837) share: the problem
 * count, and the timed loop over RUNS reads of one file through
 * rcm_x12_read. Each program keeps only its callbacks and its report.
 */
#ifndef RCM_BENCH_TYPEDREAD_H
#define RCM_BENCH_TYPEDREAD_H

#include <getopt.h>
#include "rcm/rcm.h"
#include "bench.h"

/* First member of each program's totals, so one problem callback serves both. */
typedef struct bench_problems {
    const char *name;   /* the program, for what it prints */
    long problems, errors;
    int shown;          /* problems shown so far (the first run shows a few) */
} bench_problems;

/* Counts a problem and shows the first three on standard error: a generated file has none. */
static inline int bench_on_problem(void *ctx, const rcm_x12_problem *p)
{
    bench_problems *bp = ctx;
    bp->problems++;
    bp->errors += p->severity == RCM_SEV_ERROR;
    if (bp->shown < 3) {
        bp->shown++;
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        rcm_x12_problem_format(p, &b);
        fprintf(stderr, "%s: %s\n", bp->name, b.ptr);
        rcm_buf_release(&b);
    }
    return 0;
}

/*
 * Parses "[-n RUNS] FILE" and reads FILE RUNS times through rcm_x12_read
 * with cb. Before each run the totals (cb->ctx, tsize bytes, starting with
 * a bench_problems) are cleared, keeping the count of problems shown, so
 * they are those of one run. Returns 0 with *path, *runs and *bt set, or
 * the exit status the program should return.
 */
static inline int bench_typed_read(int argc, char **argv, const char *name, const rcm_x12_typed_cb *cb,
                                   size_t tsize, const char **path, int *runs, bench_times *bt)
{
    int o;
    *runs = 5;
    while ((o = getopt(argc, argv, "n:h")) != -1) {
        if (o == 'n' && (*runs = bench_runs(optarg)) > 0)
            continue;
        fprintf(stderr, "usage: %s [-n RUNS] FILE   (RUNS 1 to %d)\n", name, BENCH_MAX_RUNS);
        return o == 'h' ? 0 : 2;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: %s [-n RUNS] FILE\n", name);
        return 2;
    }
    *path = argv[optind];
    bench_problems *bp = cb->ctx;
    memset(cb->ctx, 0, tsize);
    for (int i = 0; i < *runs; i++) {
        int shown = bp->shown;
        memset(cb->ctx, 0, tsize);
        bp->name = name;
        bp->shown = shown;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        rcm_x12_reader *r = NULL;
        bench_start(bt);
        int rc = rcm_x12_open_file(&r, *path, &err);
        if (rc == 0)
            rc = rcm_x12_read(r, cb, NULL, &err);
        rcm_x12_reader_free(r);
        bench_stop(bt, i);
        if (rc < 0) {
            char msg[512];
            rcm_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "%s: %s\n", name, msg);
            return 1;
        }
    }
    return 0;
}

#endif
