/*
 * validate: how fast a file is checked against its implementation guide.
 *
 *   validate [-n RUNS] [-g] FILE
 *
 * Each run opens FILE afresh and calls rcm_x12_validate with the built-in
 * guides: the tokenizer, the envelope walker and the full guide check of
 * every segment (loop placement, order, repeats, element usage, types,
 * lengths, code values, syntax rules, HL structure). The guides are loaded
 * once, before the runs (their load time is printed apart: load_ms).
 * -g runs the walker alone (no guides) on the same file, for comparison.
 * Prints one report line (bench.h) with the counts of segments, sets and
 * problems of the last run, so a reader sees the work was done and the file
 * was valid (problems=0).
 */
#include <getopt.h>
#include "rcm/rcm.h"
#include "rcm/guide.h"
#include "typedread.h"

typedef struct counts {
    bench_problems bp;  /* first: bench_on_problem counts into it */
    long segments, sets;
} counts;

static int run(const char *path, const rcm_guides *g, counts *c, rcm_error *err)
{
    rcm_x12_reader *r = NULL;
    rcm_x12_stats st;
    int rc = rcm_x12_open_file(&r, path, err);
    if (rc < 0)
        return rc;
    int shown = c->bp.shown;
    memset(c, 0, sizeof(*c));
    c->bp.name = "validate";
    c->bp.shown = shown;    /* a few problems shown in all, not a few per run */
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = c;
    v.problem = bench_on_problem;
    memset(&st, 0, sizeof(st));
    rc = rcm_x12_validate(r, g, &v, &st, err);
    c->segments = st.segments;
    c->sets = st.sets;
    rcm_x12_reader_free(r);
    return rc;
}

static void fail(const rcm_error *err)
{
    char msg[512];
    rcm_error_format(err, msg, sizeof(msg));
    fprintf(stderr, "validate: %s\n", msg);
}

int main(int argc, char **argv)
{
    int runs = 5, walker_only = 0, o;
    while ((o = getopt(argc, argv, "n:gh")) != -1) {
        switch (o) {
        case 'n':
            if ((runs = bench_runs(optarg)) < 0) {
                fprintf(stderr, "validate: -n wants 1 to %d runs\n", BENCH_MAX_RUNS);
                return 2;
            }
            break;
        case 'g': walker_only = 1; break;
        default:
            fprintf(stderr, "usage: validate [-n RUNS] [-g] FILE\n");
            return o == 'h' ? 0 : 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: validate [-n RUNS] [-g] FILE\n");
        return 2;
    }
    const char *path = argv[optind];
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_guides *g = NULL;
    double t0 = bench_now();
    if (!walker_only && rcm_guides_builtin(&g, &err) < 0) {
        fail(&err);
        rcm_guides_free(g);
        return 1;
    }
    double load_ms = (bench_now() - t0) * 1e3;
    bench_times bt;
    counts c;
    memset(&c, 0, sizeof(c));
    for (int i = 0; i < runs; i++) {
        bench_start(&bt);
        int rc = run(path, g, &c, &err);
        bench_stop(&bt, i);
        if (rc < 0) {
            fail(&err);
            rcm_guides_free(g);
            return 1;
        }
    }
    rcm_guides_free(g);
    bench_report(walker_only ? "walk" : "validate", path, bench_file_size(path), &bt, runs);
    printf(" segments=%ld sets=%ld problems=%ld errors=%ld load_ms=%.2f\n", c.segments, c.sets,
           c.bp.problems, c.bp.errors, load_ms);
    return 0;
}
