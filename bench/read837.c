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
#include "typedread.h"

typedef struct totals {
    bench_problems bp;  /* first */
    long claims, lines;
    int64_t charge_cents, line_charge_cents;
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

int main(int argc, char **argv)
{
    totals t;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &t;
    cb.claim = on_claim;
    cb.problem = bench_on_problem;
    const char *path = NULL;
    int runs;
    bench_times bt;
    int rc = bench_typed_read(argc, argv, "read837", &cb, sizeof(t), &path, &runs, &bt);
    if (rc || !path)
        return rc;
    char charge[32], line_charge[32];
    rcm_cents_fmt(charge, t.charge_cents);
    rcm_cents_fmt(line_charge, t.line_charge_cents);
    bench_report("read837", path, bench_file_size(path), &bt, runs);
    printf(" claims=%ld lines=%ld charge=%s line_charge=%s problems=%ld errors=%ld\n", t.claims, t.lines,
           charge, line_charge, t.bp.problems, t.bp.errors);
    return 0;
}
