/*
 * tokenize: how fast the X12 tokenizer and the envelope walker read a file.
 *
 *   tokenize [-n RUNS] [-w] FILE
 *
 * Default: rcm_x12_open_file + rcm_x12_next to the end, counting segments
 * and elements (stage "tokenize"). -w: rcm_x12_walk with no visitor, which
 * adds the ISA/GS/ST control checks and segment syntax checks (stage
 * "walk"). Each run opens the file afresh and reads it through the
 * reader's fixed window; the file should be in the page cache (run.sh
 * has just written it). Prints one report line (see bench.h) with the
 * median and best of RUNS (default 5) and the peak RSS.
 */
#include <getopt.h>
#include "rcm/rcm.h"
#include "bench.h"

typedef struct counts {
    long segments, elements, sets, problems;
    uint64_t idsum;     /* a use of every segment, so no loop is only counting */
} counts;

static int run_tokenize(const char *path, counts *c, rcm_error *err)
{
    rcm_x12_reader *r = NULL;
    const rcm_x12_seg *s;
    int rc = rcm_x12_open_file(&r, path, err);
    if (rc < 0)
        return rc;
    memset(c, 0, sizeof(*c));
    while ((rc = rcm_x12_next(r, &s, err)) > 0) {
        c->segments++;
        c->elements += s->n;
        c->idsum += (unsigned char)s->ptr[0];
    }
    rcm_x12_reader_free(r);
    return rc;
}

static int run_walk(const char *path, counts *c, rcm_error *err)
{
    rcm_x12_reader *r = NULL;
    rcm_x12_stats st;
    int rc = rcm_x12_open_file(&r, path, err);
    if (rc < 0)
        return rc;
    memset(c, 0, sizeof(*c));
    rc = rcm_x12_walk(r, NULL, &st, err);
    c->segments = st.segments;
    c->sets = st.sets;
    c->problems = st.problems;
    rcm_x12_reader_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    int runs = 5, walk = 0, o;
    while ((o = getopt(argc, argv, "n:wh")) != -1) {
        switch (o) {
        case 'n':
            if ((runs = bench_runs(optarg)) < 0) {
                fprintf(stderr, "tokenize: -n wants 1 to %d runs\n", BENCH_MAX_RUNS);
                return 2;
            }
            break;
        case 'w': walk = 1; break;
        default:
            fprintf(stderr, "usage: tokenize [-n RUNS] [-w] FILE\n");
            return o == 'h' ? 0 : 2;
        }
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: tokenize [-n RUNS] [-w] FILE\n");
        return 2;
    }
    const char *path = argv[optind];
    bench_times bt;
    counts c;
    for (int i = 0; i < runs; i++) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        bench_start(&bt);
        int rc = walk ? run_walk(path, &c, &err) : run_tokenize(path, &c, &err);
        bench_stop(&bt, i);
        if (rc < 0) {
            char msg[512];
            rcm_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "tokenize: %s\n", msg);
            return 1;
        }
    }
    bench_report(walk ? "walk" : "tokenize", path, bench_file_size(path), &bt, runs);
    if (walk)
        printf(" segments=%ld sets=%ld problems=%ld\n", c.segments, c.sets, c.problems);
    else
        printf(" segments=%ld elements=%ld idsum=%llu\n", c.segments, c.elements,
               (unsigned long long)c.idsum);
    return 0;
}
