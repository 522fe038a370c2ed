/*
 * read837: how fast the typed 837 reader turns a file into rcm_claim records.
 *
 *   read837 [-n RUNS] FILE
 *
 * rcm_x12_read over the file with a claim callback that counts claims and
 * lines and sums claim and line charges (so every record is used), and a
 * problem callback that counts problems and shows the first few on standard
 * error: a generated file should have none. Prints one report line (see
 * bench.h) with the median and best of RUNS (default 5) and the peak RSS.
 */
#include <getopt.h>
#include "rcm/rcm.h"
#include "bench.h"

typedef struct totals {
    long claims, lines, problems, errors;
    int64_t charge_cents, line_charge_cents;
    int shown;          /* problems shown so far (the first run shows a few) */
} totals;

static int on_claim(void *ctx, const rcm_claim *c)
{
    totals *t = ctx;
    t->claims++;
    t->lines += c->n_lines;
    t->charge_cents += c->charge_cents;
    for (uint32_t i = 0; i < c->n_lines; i++)
        t->line_charge_cents += c->lines[i].charge_cents;
    return 0;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    totals *t = ctx;
    t->problems++;
    t->errors += p->severity == RCM_SEV_ERROR;
    if (t->shown < 3) {
        t->shown++;
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        rcm_x12_problem_format(p, &b);
        fprintf(stderr, "read837: %s\n", b.ptr);
        rcm_buf_release(&b);
    }
    return 0;
}

static int run(const char *path, totals *t, rcm_error *err)
{
    rcm_x12_reader *r = NULL;
    int rc = rcm_x12_open_file(&r, path, err);
    if (rc < 0)
        return rc;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    int shown = t->shown;
    memset(t, 0, sizeof(*t));
    t->shown = shown;
    cb.ctx = t;
    cb.claim = on_claim;
    cb.problem = on_problem;
    rc = rcm_x12_read(r, &cb, NULL, err);
    rcm_x12_reader_free(r);
    return rc;
}

int main(int argc, char **argv)
{
    int runs = 5, o;
    while ((o = getopt(argc, argv, "n:h")) != -1) {
        if (o == 'n' && (runs = bench_runs(optarg)) > 0)
            continue;
        fprintf(stderr, "usage: read837 [-n RUNS] FILE   (RUNS 1 to %d)\n", BENCH_MAX_RUNS);
        return o == 'h' ? 0 : 2;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: read837 [-n RUNS] FILE\n");
        return 2;
    }
    const char *path = argv[optind];
    bench_times bt;
    totals t;
    memset(&t, 0, sizeof(t));
    for (int i = 0; i < runs; i++) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        bench_start(&bt);
        int rc = run(path, &t, &err);
        bench_stop(&bt, i);
        if (rc < 0) {
            char msg[512];
            rcm_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "read837: %s\n", msg);
            return 1;
        }
    }
    char charge[32], line_charge[32];
    rcm_cents_fmt(charge, t.charge_cents);
    rcm_cents_fmt(line_charge, t.line_charge_cents);
    bench_report("read837", path, bench_file_size(path), &bt, runs);
    printf(" claims=%ld lines=%ld charge=%s line_charge=%s problems=%ld errors=%ld\n", t.claims, t.lines,
           charge, line_charge, t.problems, t.errors);
    return 0;
}
