/*
 * read835: how fast the typed 835 reader reads and balances a remittance,
 * in-process (the "rcm era summary" stage of run.sh times the same work as
 * a whole command).
 *
 *   read835 [-n RUNS] FILE
 *
 * rcm_x12_read over the file with a remit_claim callback that counts claims
 * and lines and sums charges and payments, a remit_end callback that sums
 * BPR02 and PLB amounts and counts the sets that balanced, and a problem
 * callback that counts problems (balancing ones included) and shows the
 * first few on standard error: a generated file should have none. Prints
 * one report line (see bench.h) with the median and best of RUNS (default
 * 5) and the peak RSS.
 */
#include <getopt.h>
#include "rcm/rcm.h"
#include "bench.h"

typedef struct totals {
    long sets, balanced, claims, lines, problems, errors;
    int shown;          /* problems shown so far (the first run shows a few) */
    int64_t charge_cents, paid_cents, payment_cents, plb_cents;
} totals;

static int on_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c)
{
    totals *t = ctx;
    (void)hdr;
    t->claims++;
    t->lines += c->n_lines;
    t->charge_cents += c->charge_cents;
    t->paid_cents += c->paid_cents;
    return 0;
}

static int on_end(void *ctx, const rcm_remit *r)
{
    totals *t = ctx;
    t->sets++;
    t->balanced += r->balanced != 0;
    t->payment_cents += r->payment_cents;
    t->plb_cents += r->total_plb_cents;
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
        fprintf(stderr, "read835: %s\n", b.ptr);
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
    cb.remit_claim = on_claim;
    cb.remit_end = on_end;
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
        fprintf(stderr, "usage: read835 [-n RUNS] FILE   (RUNS 1 to %d)\n", BENCH_MAX_RUNS);
        return o == 'h' ? 0 : 2;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: read835 [-n RUNS] FILE\n");
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
            fprintf(stderr, "read835: %s\n", msg);
            return 1;
        }
    }
    char charge[32], paid[32], payment[32], plb[32];
    rcm_cents_fmt(charge, t.charge_cents);
    rcm_cents_fmt(paid, t.paid_cents);
    rcm_cents_fmt(payment, t.payment_cents);
    rcm_cents_fmt(plb, t.plb_cents);
    bench_report("read835", path, bench_file_size(path), &bt, runs);
    printf(" sets=%ld balanced=%ld claims=%ld lines=%ld charge=%s paid=%s plb=%s payments=%s "
           "problems=%ld errors=%ld\n",
           t.sets, t.balanced, t.claims, t.lines, charge, paid, plb, payment, t.problems, t.errors);
    return 0;
}
