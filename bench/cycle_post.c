/*
 * cycle_post [-r RUNS] [-c CLAIMS] [-d DIR] [-m]: posting an 835 at scale
 * (target: 100,000 claims under 2 s).
 *
 * Setup, not timed: a store holding CLAIMS (default 100,000) submitted
 * Medicare claims of 25,000 patients (1 to 3 lines: an office visit, then
 * 36415 and 93000 on some; a charge row per line, as claims build leaves
 * them), written with SQL in one transaction, and an 835 paying them all in
 * ten transaction sets: 70% paid with CO-45 and PR-2, 10% to the deductible
 * (PR-1), 7% a line bundled (CO-97, coder) or the claim lacking a diagnosis
 * (CO-16 with MOA M76, coder), 5% denied whole (CO-27, biller), 4% paid
 * below the contract (underpayments), 4% with sequestration (CO-253); one
 * PLB per set; the last set reverses 1% of the first set's claims (CLP02
 * 22) and adjudicates them again.
 *
 * Timed, once per run on a fresh copy of the store: rcm_era_post of the
 * 835 (both reads, the transaction, the commit). Prints seconds, claims per
 * second and MB per second of each run, the report of the last, then one
 * "stage=cycle_post ..." key=value line (bench.h). The ledger must then
 * reconcile (rcm_ledger_check), else the exit status is 1.
 *
 * The posting runs as bench.poster (a biller; bench_cycle.h), added to the
 * store with its admin; the claims were coded by "coder", so separation of
 * duties lets the poster post them.
 *
 * -m writes the store (DIR/store.db) and the 835s (DIR/pay.835, and
 * DIR/pay-a.835 and DIR/pay-b.835 holding the odd and the even claims under
 * other trace numbers), logs bench.poster in with the token in DIR/token
 * (mode 0600), and exits: tests/crash/run.sh posts them with that token.
 */
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>
#include "bench.h"
#include "bench_cycle.h"
#include "rcm/rcm.h"
#include "rcm/post.h"
#include "../lib/store/store_internal.h"

#define DEF_CLAIMS 100000L
#define NOW INT64_C(1656676800)   /* 2022-07-01 12:00 UTC */
#define TARGET_S 2.0
#define SETS 10
#define POSTER "bench.poster"

static void die(const char *what, const rcm_error *err)
{
    fprintf(stderr, "cycle_post: %s: %s%s%s (line %ld)\n", what, err && err->source ? err->source : "",
            err && err->source ? ": " : "", err ? err->msg : "", err ? err->line : 0L);
    exit(1);
}

/* ---- the store ---- */

typedef struct code_fee {
    const char *code;
    int64_t charge, allowed;
} code_fee;

static const code_fee fees[] = {
    { "99213", 15000, 9250 }, { "99214", 21500, 13086 }, { "36415", 1500, 300 }, { "93000", 4500, 1713 },
};

/* The lines of claim i (1-based): their fee rows. */
static int claim_lines(long i, const code_fee **out)
{
    int n = (int)(i % 3) + 1;
    out[0] = n == 3 ? &fees[1] : &fees[0];
    out[1] = &fees[2];
    out[2] = &fees[3];
    return n;
}

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "cycle_post: %s: %s\n", sql, msg ? msg : "");
        exit(1);
    }
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
        fprintf(stderr, "cycle_post: %s: %s\n", sql, sqlite3_errmsg(db));
        exit(1);
    }
    return s;
}

static void done(sqlite3 *db, sqlite3_stmt *s)
{
    if (sqlite3_step(s) != SQLITE_DONE) {
        fprintf(stderr, "cycle_post: insert: %s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(s);
}

static void make_store(const char *path, long claims)
{
    unlink(path);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    if (rcm_store_open(&st, path, RCM_STORE_CREATE, &err) < 0)
        die("creating the store", &err);
    sqlite3 *db = store_db(st);
    exec(db, "BEGIN");
    exec(db, "INSERT INTO practice VALUES (1, 'RIVERSIDE FAMILY MEDICINE', '1234567893', '621234567',"
             " '207Q00000X', '1200 RIVER ROAD', '', 'NASHVILLE', 'TN', '372031234', 'BILLING OFFICE',"
             " '6155550100', 'RIVERSIDE01', 'RIVERSIDE FAMILY MEDICINE', 'CLEARHOUSE', 'DEMO CLEARINGHOUSE', 0);"
             "INSERT INTO provider VALUES (1, 1, '1679576722', 'OKAFOR', 'ADA', '', '207Q00000X',"
             " 'family medicine', 1);"
             "INSERT INTO payer VALUES (1, 1, 'MCR', 'MEDICARE PART B', 'MCRB1', 'MB', 365, 120,"
             " 'PO BOX 1000', 'NASHVILLE', 'TN', '37202');");
    sqlite3_stmt *fee = prep(db, "INSERT INTO fee VALUES (1, ?, '', ?)");
    sqlite3_stmt *con = prep(db, "INSERT INTO contract_fee VALUES (1, ?, '', ?)");
    for (size_t i = 0; i < sizeof(fees) / sizeof(fees[0]); i++) {
        sqlite3_bind_text(fee, 1, fees[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(fee, 2, fees[i].charge);
        done(db, fee);
        sqlite3_bind_text(con, 1, fees[i].code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(con, 2, fees[i].allowed);
        done(db, con);
    }
    sqlite3_finalize(fee);
    sqlite3_finalize(con);
    long patients = claims < 4 ? 1 : claims / 4;
    sqlite3_stmt *pat = prep(db, "INSERT INTO patient VALUES (?, 1, ?, 'PATIENT', 'PAT', '', -7000, 'F',"
                                 " '1 MAIN ST', '', 'NASHVILLE', 'TN', '37201', '')");
    sqlite3_stmt *cov = prep(db, "INSERT INTO coverage VALUES (?, ?, 1, 'P', ?, '', '', '18', '', '', NULL, '',"
                                 " '', '', '', '', NULL, NULL)");
    char buf[64];
    for (long p = 1; p <= patients; p++) {
        snprintf(buf, sizeof(buf), "MRN%07ld", p);
        sqlite3_bind_int64(pat, 1, p);
        sqlite3_bind_text(pat, 2, buf, -1, SQLITE_TRANSIENT);
        done(db, pat);
        snprintf(buf, sizeof(buf), "%ldA", 100000000L + p);
        sqlite3_bind_int64(cov, 1, p);
        sqlite3_bind_int64(cov, 2, p);
        sqlite3_bind_text(cov, 3, buf, -1, SQLITE_TRANSIENT);
        done(db, cov);
    }
    sqlite3_finalize(pat);
    sqlite3_finalize(cov);
    sqlite3_stmt *enc = prep(db, "INSERT INTO encounter VALUES (?, 1, ?, ?, 1, '', '', '', ?, ?, '11', 'P', '',"
                                 " '', 'billed', '{}', '{}', 'bench', 0, 'coder', 0, 'coder', 0)");
    sqlite3_stmt *clm = prep(db, "INSERT INTO claim VALUES (?, 1, ?, ?, ?, 1, ?, 1, 'P', 'P', '1', NULL, NULL,"
                                 " '', '', 'submitted', ?, ?, ?, 0, 'coder', 0, 'biller', NULL, 0, 'biller', 1,"
                                 " NULL, NULL, 'accepted', '')");
    sqlite3_stmt *line = prep(db, "INSERT INTO claim_line VALUES (?, ?, ?, '', '', '', '', 1000, ?, 1, 0, 0, 0,"
                                  " ?, '')");
    sqlite3_stmt *led = prep(db, "INSERT INTO ledger VALUES (?, 1, ?, ?, ?, 1, 'charge', '', '', ?, NULL, NULL,"
                                 " NULL, ?, 0, 'biller', '')");
    int64_t entry = 1;
    for (long i = 1; i <= claims; i++) {
        long p = (i - 1) % patients + 1;
        int dos = 19000 + (int)(i % 150);   /* 2022-01-08 on */
        snprintf(buf, sizeof(buf), "ENC%09ld", i);
        sqlite3_bind_int64(enc, 1, i);
        sqlite3_bind_text(enc, 2, buf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(enc, 3, p);
        sqlite3_bind_int(enc, 4, dos);
        sqlite3_bind_int(enc, 5, dos);
        done(db, enc);
        const code_fee *cf[3];
        int n = claim_lines(i, cf);
        int64_t charge = 0;
        for (int k = 0; k < n; k++)
            charge += cf[k]->charge;
        snprintf(buf, sizeof(buf), "C%09ld", i);
        sqlite3_bind_int64(clm, 1, i);
        sqlite3_bind_text(clm, 2, buf, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(clm, 3, i);
        sqlite3_bind_int64(clm, 4, p);
        sqlite3_bind_int64(clm, 5, p);
        sqlite3_bind_int64(clm, 6, charge);
        sqlite3_bind_int(clm, 7, dos);
        sqlite3_bind_int(clm, 8, dos);
        done(db, clm);
        for (int k = 0; k < n; k++) {
            sqlite3_bind_int64(line, 1, i);
            sqlite3_bind_int(line, 2, k + 1);
            sqlite3_bind_text(line, 3, cf[k]->code, -1, SQLITE_STATIC);
            sqlite3_bind_int64(line, 4, cf[k]->charge);
            sqlite3_bind_int(line, 5, dos);
            done(db, line);
            sqlite3_bind_int64(led, 1, entry++);
            sqlite3_bind_int64(led, 2, i);
            sqlite3_bind_int(led, 3, k + 1);
            sqlite3_bind_int64(led, 4, p);
            sqlite3_bind_int64(led, 5, cf[k]->charge);
            sqlite3_bind_int(led, 6, dos);
            done(db, led);
        }
    }
    sqlite3_finalize(enc);
    sqlite3_finalize(clm);
    sqlite3_finalize(line);
    sqlite3_finalize(led);
    exec(db, "COMMIT");
    bench_user(st, POSTER, RCM_ROLE_BILLER);
    rcm_store_close(st);
}

/* A session for the poster in the store at path, its token written to DIR/token (0600). */
static void write_token(const char *dir, const char *path)
{
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    if (rcm_store_open(&st, path, 0, &err) < 0)
        die("opening the store", &err);
    char token[RCM_TOKEN_LEN + 1], file[512];
    bench_login(st, POSTER, token);
    rcm_store_close(st);
    snprintf(file, sizeof(file), "%s/token", dir);
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, token, RCM_TOKEN_LEN) != RCM_TOKEN_LEN || write(fd, "\n", 1) != 1 || close(fd) != 0) {
        perror(file);
        exit(1);
    }
}

/* ---- the 835 ---- */

static void amt(rcm_buf *b, int64_t cents)
{
    if (cents < 0) {
        rcm_buf_addc(b, '-');
        cents = -cents;
    }
    if (cents % 100)
        rcm_buf_addf(b, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
    else
        rcm_buf_addf(b, "%lld", (long long)(cents / 100));
}

/* A CAS segment of one adjustment, its amount times sign. */
static void cas(rcm_buf *b, const char *group, const char *carc, int64_t cents, int sign)
{
    if (!cents)
        return;
    rcm_buf_addf(b, "CAS*%s*%s*", group, carc);
    amt(b, cents * sign);
    rcm_buf_adds(b, "~\n");
}

/* The outcome of claim i: 0..99, spread evenly. */
static int outcome(long i) { return (int)((i * 7919L) % 100); }

/*
 * Claim i's CLP loop; sign -1 writes its reversal (CLP02 22, every amount
 * negated). Returns CLP04 in cents (signed).
 */
static int64_t write_claim(rcm_buf *b, long i, int sign)
{
    const code_fee *cf[3];
    int n = claim_lines(i, cf);
    int o = outcome(i);
    int64_t charge = 0;
    for (int k = 0; k < n; k++)
        charge += cf[k]->charge;
    rcm_buf c;                      /* the loop after the CLP, written first to learn the totals */
    rcm_buf_init(&c, 1 << 16);
    int64_t paid = 0, patient = 0;
    const char *status = sign < 0 ? "22" : "1";
    rcm_buf_adds(&c, "NM1*QC*1*PATIENT*PAT~\n");
    if (o >= 87 && o < 92) {
        /* denied whole: no lines, coverage ended (CO-27) */
        if (sign > 0)
            status = "4";
        cas(&c, "CO", "27", charge, sign);
    } else {
        if (o >= 80 && o < 87 && n == 1)
            rcm_buf_adds(&c, "MOA***M76~\n");
        for (int k = 0; k < n; k++) {
            int64_t allowed = cf[k]->allowed, lpaid, lpr = 0, co45, other = 0;
            const char *other_carc = NULL, *pr_carc = "2";
            if (o >= 92 && o < 96)
                allowed = allowed > 500 ? allowed - 500 : allowed / 2; /* underpaid */
            co45 = cf[k]->charge - allowed;
            if (o >= 80 && o < 87 && (n == 1 || k == n - 1)) {
                /* denied line: bundled (CO-97), or CO-16 + M76 on a one-line claim */
                other_carc = n == 1 ? "16" : "97";
                other = cf[k]->charge;
                co45 = 0;
                lpaid = 0;
            } else if (o >= 70 && o < 80 && k == 0) {
                pr_carc = "1";      /* the deductible takes the visit */
                lpr = allowed;
                lpaid = 0;
            } else {
                lpaid = allowed * 8 / 10;
                lpr = allowed - lpaid;
                if (o >= 96) {
                    other_carc = "253"; /* sequestration 2% of the payment */
                    other = lpaid * 2 / 100;
                    lpaid -= other;
                }
            }
            rcm_buf_addf(&c, "SVC*HC:%s*", cf[k]->code);
            amt(&c, cf[k]->charge * sign);
            rcm_buf_addc(&c, '*');
            amt(&c, lpaid * sign);
            rcm_buf_adds(&c, "~\nDTM*472*20220115~\n");
            cas(&c, "CO", "45", co45, sign);
            cas(&c, "PR", pr_carc, lpr, sign);
            if (other_carc)
                cas(&c, "CO", other_carc, other, sign);
            paid += lpaid;
            patient += lpr;
        }
    }
    rcm_buf_addf(b, "CLP*C%09ld*%s*", i, status);
    amt(b, charge * sign);
    rcm_buf_addc(b, '*');
    amt(b, paid * sign);
    rcm_buf_addc(b, '*');
    if (patient)
        amt(b, patient * sign);
    rcm_buf_addf(b, "*MB*ICN%09ld~\n", i);
    rcm_buf_add(b, c.ptr, c.len);
    rcm_buf_release(&c);
    return paid * sign;
}

typedef struct file_spec {
    const char *trace;              /* TRN02 prefix */
    int parity;                     /* 0 every claim, 1 odd ones, 2 even ones */
    int reversals;                  /* the last set reverses the first set's paid claims */
} file_spec;

static void write_835(const char *path, long claims, const file_spec *fs, long *segments_out)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 32);
    rcm_buf_adds(&b, "ISA*00*          *00*          *ZZ*MCRB1          *ZZ*RIVERSIDE01    *220705*0930*^*00501"
                     "*000000101*0*P*:~\nGS*HP*MCRB1*RIVERSIDE01*20220705*0930*101*X*005010X221A1~\n");
    long per = (claims + SETS - 1) / SETS;
    int sets = 0;
    for (int s = 0; s < SETS; s++) {
        long from = (long)s * per + 1, to = from + per - 1;
        if (to > claims)
            to = claims;
        if (from > to)
            break;
        rcm_buf body;
        rcm_buf_init(&body, (size_t)1 << 32);
        int64_t total = 0;
        for (long i = from; i <= to; i++)
            if (fs->parity == 0 || (long)(i % 2) == (fs->parity == 1 ? 1 : 0))
                total += write_claim(&body, i, 1);
        if (fs->reversals && s == SETS - 1) {
            long want = claims / 100, done_n = 0;
            for (long i = 1; i <= per && i <= claims && done_n < want; i++) {
                if (outcome(i) >= 70)
                    continue;
                total += write_claim(&body, i, -1);
                total += write_claim(&body, i, 1);
                done_n++;
            }
        }
        int64_t plb = 1000;
        rcm_buf_addf(&body, "PLB*1234567893*20221231*WO:%s%d*10~\n", fs->trace, s + 1);
        sets++;
        rcm_buf set;
        rcm_buf_init(&set, (size_t)1 << 32);
        rcm_buf_addf(&set, "ST*835*%04d~\nBPR*I*", sets);
        amt(&set, total - plb);
        rcm_buf_addf(&set, "*C*CHK************20220705~\nTRN*1*%s%d*1234567890~\nDTM*405*20220705~\n"
                           "N1*PR*MEDICARE PART B*XV*MCRB1~\nN1*PE*RIVERSIDE FAMILY MEDICINE*XX*1234567893~\n"
                           "LX*1~\n",
                     fs->trace, s + 1);
        rcm_buf_add(&set, body.ptr, body.len);
        long segs = 1;
        for (size_t k = 0; k < set.len; k++)
            segs += set.ptr[k] == '~';
        rcm_buf_add(&b, set.ptr, set.len);
        rcm_buf_addf(&b, "SE*%ld*%04d~\n", segs, sets);
        rcm_buf_release(&set);
        rcm_buf_release(&body);
    }
    rcm_buf_addf(&b, "GE*%d*101~\nIEA*1*000000101~\n", sets);
    if (rcm_buf_failed(&b)) {
        fprintf(stderr, "cycle_post: out of memory writing the 835\n");
        exit(1);
    }
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0) {
        fprintf(stderr, "cycle_post: cannot write %s\n", path);
        exit(1);
    }
    if (segments_out) {
        long n = 0;
        for (size_t k = 0; k < b.len; k++)
            n += b.ptr[k] == '~';
        *segments_out = n;
    }
    rcm_buf_release(&b);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    if (!in || !out) {
        fprintf(stderr, "cycle_post: cannot copy %s to %s\n", from, to);
        exit(1);
    }
    static char buf[1 << 20];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        if (fwrite(buf, 1, n, out) != n) {
            fprintf(stderr, "cycle_post: cannot write %s\n", to);
            exit(1);
        }
    fclose(in);
    if (fclose(out) != 0)
        exit(1);
}

static void usage(void)
{
    fputs("usage: cycle_post [-r RUNS] [-c CLAIMS] [-d DIR] [-m]\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    long claims = DEF_CLAIMS;
    int runs = 3, make_only = 0, o;
    const char *dir = NULL;
    while ((o = getopt(argc, argv, "r:n:c:d:m")) != -1) {
        switch (o) {
        case 'r':
        case 'n': runs = bench_runs(optarg); if (runs < 0) usage(); break;
        case 'c': claims = strtol(optarg, NULL, 10); if (claims < 1) usage(); break;
        case 'd': dir = optarg; break;
        case 'm': make_only = 1; break;
        default: usage();
        }
    }
    char tmp[256];
    if (!dir) {
        const char *t = getenv("TMPDIR");
        snprintf(tmp, sizeof(tmp), "%s/rcm-cycle-post-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmp)) {
            perror("mkdtemp");
            return 1;
        }
        dir = tmp;
    }
    char store[512], pay[512], run_db[512];
    snprintf(store, sizeof(store), "%s/store.db", dir);
    snprintf(pay, sizeof(pay), "%s/pay.835", dir);
    snprintf(run_db, sizeof(run_db), "%s/run.db", dir);
    double t0 = bench_now();
    make_store(store, claims);
    double t_store = bench_now() - t0;
    long segments = 0;
    t0 = bench_now();
    file_spec all = { "TRACE-", 0, 1 };
    write_835(pay, claims, &all, &segments);
    double t_835 = bench_now() - t0;
    if (make_only) {
        char a[512], b[512];
        snprintf(a, sizeof(a), "%s/pay-a.835", dir);
        snprintf(b, sizeof(b), "%s/pay-b.835", dir);
        file_spec odd = { "ODD-", 1, 0 }, even = { "EVEN-", 2, 0 };
        write_835(a, claims, &odd, NULL);
        write_835(b, claims, &even, NULL);
        write_token(dir, store);
        printf("cycle_post: %s (%ld claims), %s, %s, %s, %s/token\n", store, claims, pay, a, b, dir);
        return 0;
    }
    uint64_t bytes = bench_file_size(pay);
    printf("setup: store of %ld claims in %.2f s; 835 of %.1f MB, %ld segments in %.2f s\n", claims, t_store,
           (double)bytes / 1e6, segments, t_835);
    bench_times bt;
    rcm_post_report rep;
    int status = 0;
    for (int r = 0; r < runs; r++) {
        unlink(run_db);
        copy_file(store, run_db);
        rcm_store *st = NULL;
        rcm_error err = { 0 };
        if (rcm_store_open(&st, run_db, 0, &err) < 0)
            die("opening the store", &err);
        rcm_cycle *cy = bench_cycle_login(st, POSTER, NOW);
        bench_start(&bt);
        if (rcm_era_post(cy, pay, &rep, &err) < 0)
            die("posting", &err);
        bench_stop(&bt, r);
        printf("run %d: %.3f s, %.0f claims/s, %.1f MB/s\n", r + 1, bt.wall[r],
               (double)rep.claims / bt.wall[r], (double)bytes / 1e6 / bt.wall[r]);
        if (r == runs - 1) {
            rcm_ledger_report lr;
            double c0 = bench_now();
            int lrc = rcm_ledger_check(cy, &lr, &err);
            printf("ledger check: %s in %.2f s (%ld entries)\n", lrc == 0 ? "reconciles" : err.msg, bench_now() - c0,
                   lr.entries);
            if (lrc < 0)
                status = 1;
        }
        rcm_cycle_free(cy);
        rcm_store_close(st);
    }
    char paid[32], adj[32], pat[32], den[32];
    rcm_cents_fmt(paid, rep.paid_cents);
    rcm_cents_fmt(adj, rep.adjusted_cents);
    rcm_cents_fmt(pat, rep.patient_cents);
    rcm_cents_fmt(den, rep.denied_cents);
    printf("posted: %ld sets, %ld claims (%ld matched, %ld unmatched, %ld reversals), %ld lines; paid %s,"
           " adjusted %s, patient %s, denied %s; %ld denials, %ld underpaid lines, %ld work items\n",
           rep.sets, rep.claims, rep.matched, rep.unmatched, rep.reversals, rep.lines, paid, adj, pat, den,
           rep.denials, rep.underpaid, rep.work_items);
    double med = bench_median(bt.wall, runs);
    printf("median %.3f s for %ld claims: %.0f claims/s, %.1f MB/s (target < %.1f s: %s)\n", med, rep.claims,
           (double)rep.claims / med, (double)bytes / 1e6 / med, TARGET_S, med < TARGET_S ? "met" : "MISSED");
    bench_report("cycle_post", pay, bytes, &bt, runs);
    printf(" claims=%ld claims_s=%.0f target_s=%.1f\n", rep.claims, (double)rep.claims / med, TARGET_S);
    unlink(run_db);
    if (dir == tmp) {
        unlink(store);
        unlink(pay);
        rmdir(tmp);
    }
    return status;
}
