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
#include "typedread.h"

typedef struct totals {
    bench_problems bp;  /* first */
    long sets, balanced, claims, lines;
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

int main(int argc, char **argv)
{
    totals t;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &t;
    cb.remit_claim = on_claim;
    cb.remit_end = on_end;
    cb.problem = bench_on_problem;
    const char *path = NULL;
    int runs;
    bench_times bt;
    int rc = bench_typed_read(argc, argv, "read835", &cb, sizeof(t), &path, &runs, &bt);
    if (rc || !path)
        return rc;
    char charge[32], paid[32], payment[32], plb[32];
    rcm_cents_fmt(charge, t.charge_cents);
    rcm_cents_fmt(paid, t.paid_cents);
    rcm_cents_fmt(payment, t.payment_cents);
    rcm_cents_fmt(plb, t.plb_cents);
    bench_report("read835", path, bench_file_size(path), &bt, runs);
    printf(" sets=%ld balanced=%ld claims=%ld lines=%ld charge=%s paid=%s plb=%s payments=%s "
           "problems=%ld errors=%ld\n",
           t.sets, t.balanced, t.claims, t.lines, charge, paid, plb, payment, t.bp.problems, t.bp.errors);
    return 0;
}
