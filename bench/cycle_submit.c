/*
 * cycle_submit [-r RUNS] [-d DIR] [ENCOUNTERS]: building and submitting
 * claims at scale (target: build + submit 100,000 claims under 3 s).
 *
 * Setup, timed but not part of the target: a new store, the practice of
 * the unit-test fixture (two providers, three payers, a fee schedule),
 * ENCOUNTERS (default 100,000) generated encounters written as JSON Lines
 * into a scratch folder and imported with rcm_encounter_import, then coded
 * and signed off through the coding API (rcm_coding_get of the proposed
 * codes, rcm_coding_assign, rcm_coding_signoff) inside one outer
 * transaction (each call's own transaction becomes a savepoint: the setup
 * does not pay a disk sync per call). Each step runs as a user holding its
 * role (bench_cycle.h): the practice file as the admin, the encounters as
 * bench.biller, the codes as bench.coder; the timed steps as bench.biller.
 *
 * Encounters: one of 25,000 patients each (MRN-n), dates of service from
 * 2022-01-03 on, Medicare (MCR) as the only payer, two rendering
 * providers, 1 to 3 lines (an office visit 99212-99215, then 36415 and
 * 93000 on some) with 1 or 2 diagnoses. The store has no reference data:
 * the scrubber runs with the families that need none.
 *
 * Timed, each once per run on a fresh copy of the signed-off store:
 * rcm_claims_build (every encounter into a claim, one transaction) and
 * rcm_submit (every ready claim into one 837P file, one transaction).
 * With -d DIR the scratch folder is kept, and a later run with the same DIR
 * reuses its signed-off store (the setup takes minutes at 100,000).
 * Prints seconds, claims per second and bytes written for each, then one
 * "stage=cycle_submit ..." key=value line (bench.h). The batch file must
 * read back with every claim and no problem, else the exit status is 1.
 */
#include <getopt.h>
#include <unistd.h>
#include "bench.h"
#include "bench_cycle.h"
#include "rcm/rcm.h"
#include "rcm/encounter.h"
#include "rcm/coding.h"
#include "rcm/submit.h"
#include "rcm/x12read.h"

#define DEF_ENCOUNTERS 100000L
#define PATIENTS 25000L
#define NOW INT64_C(1656676800)   /* 2022-07-01 12:00 UTC */
#define TARGET_S 3.0

static const char practice_json[] =
    "{\"practice\": {\"name\": \"RIVERSIDE FAMILY MEDICINE\", \"npi\": \"1234567893\",\n"
    "  \"tax_id\": \"621234567\", \"taxonomy\": \"207Q00000X\",\n"
    "  \"address\": {\"line1\": \"1200 RIVER ROAD\", \"line2\": \"\", \"city\": \"NASHVILLE\", \"state\": \"TN\","
    " \"zip\": \"372031234\"},\n"
    "  \"contact\": \"BILLING OFFICE\", \"phone\": \"6155550100\",\n"
    "  \"submitter\": {\"id\": \"RIVERSIDE01\", \"name\": \"RIVERSIDE FAMILY MEDICINE\"},\n"
    "  \"receiver\": {\"id\": \"CLEARHOUSE\", \"name\": \"DEMO CLEARINGHOUSE\"}},\n"
    " \"providers\": [\n"
    "  {\"npi\": \"1679576722\", \"last\": \"OKAFOR\", \"first\": \"ADA\", \"middle\": \"\","
    " \"taxonomy\": \"207Q00000X\", \"specialty\": \"family medicine\"},\n"
    "  {\"npi\": \"1245319599\", \"last\": \"CHEN\", \"first\": \"MARK\", \"middle\": \"L\","
    " \"taxonomy\": \"207R00000X\", \"specialty\": \"internal medicine\"}],\n"
    " \"payers\": [\n"
    "  {\"code\": \"MCR\", \"name\": \"MEDICARE PART B\", \"payer_id\": \"MCRB1\", \"filing\": \"MB\","
    " \"timely_days\": 365, \"appeal_days\": 120,\n"
    "   \"address\": {\"line1\": \"PO BOX 1000\", \"city\": \"NASHVILLE\", \"state\": \"TN\", \"zip\": \"37202\"}},\n"
    "  {\"code\": \"BCBS\", \"name\": \"BLUECROSS BLUESHIELD OF TENNESSEE\", \"payer_id\": \"BCBST\","
    " \"filing\": \"BL\", \"timely_days\": 180, \"appeal_days\": 180,\n"
    "   \"address\": {\"line1\": \"1 CAMERON HILL CIRCLE\", \"city\": \"CHATTANOOGA\", \"state\": \"TN\","
    " \"zip\": \"37402\"}},\n"
    "  {\"code\": \"AETNA\", \"name\": \"AETNA\", \"payer_id\": \"60054\", \"filing\": \"CI\","
    " \"timely_days\": 90, \"appeal_days\": 180}],\n"
    " \"fees\": [\n"
    "  {\"code\": \"99212\", \"charge\": \"90.00\"}, {\"code\": \"99213\", \"charge\": \"150.00\"},\n"
    "  {\"code\": \"99214\", \"charge\": \"215.00\"}, {\"code\": \"99215\", \"charge\": \"295.00\"},\n"
    "  {\"code\": \"36415\", \"charge\": \"15.00\"}, {\"code\": \"93000\", \"charge\": \"45.00\"}],\n"
    " \"contracts\": [\n"
    "  {\"payer\": \"MCR\", \"code\": \"99213\", \"allowed\": \"92.50\"},"
    " {\"payer\": \"MCR\", \"code\": \"99214\", \"allowed\": \"130.86\"}]}\n";

static const char *const visits[] = { "99212", "99213", "99214", "99215" };
static const char *const dxs[] = { "E11.65", "I10", "E78.5", "J06.9", "M54.50", "Z00.00", "R51.9", "K21.9" };
static const char *const lasts[] = { "HARTMAN", "OKONJO", "BAKER", "NGUYEN", "SILVA", "PETERS", "KLEIN", "MORA" };
static const char *const firsts[] = { "LAURA", "JAMES", "MARIA", "ROBERT", "ANNA", "DAVID", "SARA", "PAUL" };

static void die(const char *what, const rcm_error *err)
{
    fprintf(stderr, "cycle_submit: %s: %s%s%s (line %ld)\n", what, err->source ? err->source : "",
            err->source ? ": " : "", err->msg, err->line);
    exit(1);
}

/* Encounter i as one JSON line (docs/encounter-json.md). */
static void encounter(FILE *f, long i)
{
    long pat = i % PATIENTS;
    rcm_date dos = rcm_date_from_ymd(2022, 1, 3) + (rcm_date)(i % 170);
    char date[16];
    rcm_date_fmt(date, dos, 1);
    const char *dx1 = dxs[i % 8], *dx2 = dxs[(i / 8 + 3) % 8];
    int two = i % 3 != 0 && strcmp(dx1, dx2) != 0;
    fprintf(f,
            "{\"id\": \"ENC-%07ld\", \"kind\": \"P\", \"date\": \"%s\", \"place\": \"11\", \"provider\": \"%s\","
            " \"patient\": {\"mrn\": \"MRN-%06ld\", \"last\": \"%s\", \"first\": \"%s\", \"middle\": \"\","
            " \"dob\": \"19%02ld-%02ld-%02ld\", \"sex\": \"%s\", \"address\": {\"line1\": \"%ld OAK LANE\","
            " \"line2\": \"\", \"city\": \"FRANKLIN\", \"state\": \"TN\", \"zip\": \"37064\"},"
            " \"phone\": \"6155550142\"},"
            " \"coverages\": [{\"seq\": \"P\", \"payer\": \"MCR\", \"member_id\": \"1EG4TE%05ld\", \"group\": \"\","
            " \"relation\": \"18\", \"from\": \"2020-01-01\", \"to\": \"\"}],"
            " \"documentation\": {\"services\": [\"office visit\"], \"problems\": [\"follow-up\"], \"note\": \"\"},"
            " \"proposed\": {\"dx\": [\"%s\"%s%s%s], \"lines\": [{\"code\": \"%s\", \"mods\": [], \"units\": \"1\","
            " \"ptrs\": [1%s]}",
            i, date, i % 2 ? "1245319599" : "1679576722", pat, lasts[pat % 8], firsts[(pat / 8) % 8],
            30 + pat % 25, 1 + pat % 12, 1 + pat % 28, pat % 2 ? "M" : "F", 10 + pat % 900, pat, dx1,
            two ? ", \"" : "", two ? dx2 : "", two ? "\"" : "", visits[i % 4], two ? ", 2" : "");
    if (i % 4 == 1)
        fprintf(f, ", {\"code\": \"36415\", \"mods\": [], \"units\": \"1\", \"ptrs\": [1]}");
    if (i % 10 == 7)
        fprintf(f, ", {\"code\": \"93000\", \"mods\": [], \"units\": \"1\", \"ptrs\": [%d]}", two ? 2 : 1);
    fprintf(f, "]}}\n");
}

/* The people: the practice file is the admin's, the encounters and claims the biller's, the codes the coder's. */
#define CODER "bench.coder"
#define BILLER "bench.biller"

static void open_store(const char *path, unsigned flags, rcm_store **st)
{
    rcm_error err = { 0 };
    if (rcm_store_open(st, path, flags, &err) < 0)
        die(path, &err);
}

/* The signed-off store: practice, encounters, codes. Returns the encounters signed off. */
static long setup(const char *dir, const char *db, long n)
{
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    char path[1100];
    open_store(db, RCM_STORE_CREATE, &st);
    bench_user(st, CODER, RCM_ROLE_CODER);
    rcm_cycle *admin = bench_cycle_login(st, BENCH_ADMIN, NOW);
    rcm_cycle *biller = bench_cycle(st, BILLER, RCM_ROLE_BILLER, NOW);
    rcm_cycle *cy = bench_cycle_login(st, CODER, NOW);

    snprintf(path, sizeof(path), "%s/practice.json", dir);
    FILE *f = fopen(path, "w");
    if (!f || fputs(practice_json, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cycle_submit: cannot write %s\n", path);
        exit(1);
    }
    rcm_import_report rep;
    if (rcm_practice_import(admin, path, &rep, &err) < 0)
        die("practice import", &err);

    double t0 = bench_now();
    snprintf(path, sizeof(path), "%s/encounters.jsonl", dir);
    if (!(f = fopen(path, "w"))) {
        fprintf(stderr, "cycle_submit: cannot write %s\n", path);
        exit(1);
    }
    for (long i = 0; i < n; i++)
        encounter(f, i);
    if (fclose(f) != 0) {
        fprintf(stderr, "cycle_submit: cannot write %s\n", path);
        exit(1);
    }
    double t1 = bench_now();
    if (rcm_encounter_import(biller, path, &rep, &err) < 0)
        die("encounter import", &err);
    double t2 = bench_now();
    printf("setup: %ld encounters written in %.2f s (%.1f MB), imported in %.2f s\n", n, t1 - t0,
           (double)bench_file_size(path) / 1e6, t2 - t1);

    rcm_coding_item *q = NULL;
    size_t nq = 0;
    if (rcm_coding_queue(cy, &q, &nq, &err) < 0)
        die("coding queue", &err);
    rcm_findings fs;
    rcm_findings_init(&fs);
    long signed_off = 0, blocked = 0;
    if (rcm_store_begin(st, &err) < 0)
        die("begin", &err);
    for (size_t i = 0; i < nq; i++) {
        rcm_coding codes;
        if (rcm_coding_get(cy, q[i].encounter_id, 1, &codes, &err) < 0)
            die("coding get", &err);
        if (rcm_coding_assign(cy, q[i].encounter_id, &codes, &fs, &err) < 0)
            die("coding assign", &err);
        int rc = rcm_coding_signoff(cy, q[i].encounter_id, &fs, &err);
        if (rc == RCM_EDENIED)
            blocked++;
        else if (rc < 0)
            die("coding signoff", &err);
        else
            signed_off++;
    }
    if (rcm_store_commit(st, &err) < 0)
        die("commit", &err);
    double t3 = bench_now();
    printf("setup: %ld encounters coded and signed off in %.2f s (%ld blocked by coder findings)\n", signed_off,
           t3 - t2, blocked);
    rcm_findings_release(&fs);
    free(q);
    rcm_cycle_free(cy);
    rcm_cycle_free(biller);
    rcm_cycle_free(admin);
    rcm_store_close(st);
    return signed_off;
}

static int copy_file(const char *from, const char *to)
{
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    int ok = a && b;
    char buf[1 << 16];
    size_t k;
    while (ok && (k = fread(buf, 1, sizeof(buf), a)) > 0)
        ok = fwrite(buf, 1, k, b) == k;
    if (a)
        fclose(a);
    if (b && fclose(b) != 0)
        ok = 0;
    return ok ? 0 : -1;
}

typedef struct readback {
    long claims, problems;
} readback;

static int rb_claim(void *ctx, const rcm_claim *c)
{
    ((readback *)ctx)->claims++;
    return 0;
}

static int rb_problem(void *ctx, const rcm_x12_problem *p)
{
    if (p->severity == RCM_SEV_ERROR)
        ((readback *)ctx)->problems++;
    return 0;
}

static void usage(void)
{
    fprintf(stderr, "usage: cycle_submit [-r RUNS] [-d DIR] [ENCOUNTERS]\n");
}

int main(int argc, char **argv)
{
    int runs = 3, o;
    const char *keep = NULL;
    while ((o = getopt(argc, argv, "r:d:h")) != -1) {
        if (o == 'r' && (runs = bench_runs(optarg)) > 0)
            continue;
        if (o == 'd') {
            keep = optarg;
            continue;
        }
        usage();
        return o == 'h' ? 0 : 2;
    }
    long n = DEF_ENCOUNTERS;
    if (optind < argc) {
        char *end;
        n = strtol(argv[optind], &end, 10);
        if (*end || n < 1 || n > 10000000) {
            usage();
            return 2;
        }
    }
    char dir[1024];
    if (keep) {
        snprintf(dir, sizeof(dir), "%s", keep);
        mkdir(dir, 0700);
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/rcm-cycle-submit.XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            fprintf(stderr, "cycle_submit: cannot create a scratch folder\n");
            return 1;
        }
    }
    char base[1100], db[1100], out[1100];
    snprintf(base, sizeof(base), "%s/signed.db", dir);
    snprintf(db, sizeof(db), "%s/run.db", dir);
    snprintf(out, sizeof(out), "%s/batch.837", dir);
    long signed_off = n;
    if (keep && access(base, F_OK) == 0)
        printf("setup: reusing the signed-off store %s (its encounters, whatever ENCOUNTERS says)\n", base);
    else
        signed_off = setup(dir, base, n);

    double tb[BENCH_MAX_RUNS], ts[BENCH_MAX_RUNS], cpu_b[BENCH_MAX_RUNS], cpu_s[BENCH_MAX_RUNS];
    rcm_build_report br;
    rcm_submit_report sr;
    int status = 0;
    for (int r = 0; r < runs; r++) {
        unlink(db);
        unlink(out);
        char wal[1200];
        snprintf(wal, sizeof(wal), "%s-wal", db);
        unlink(wal);
        if (copy_file(base, db) < 0) {
            fprintf(stderr, "cycle_submit: cannot copy the store\n");
            return 1;
        }
        rcm_store *st = NULL;
        rcm_error err = { 0 };
        open_store(db, 0, &st);
        rcm_cycle *cy = bench_cycle_login(st, BILLER, NOW);
        double t0 = bench_now(), c0 = bench_cpu_now();
        if (rcm_claims_build(cy, &br, &err) < 0)
            die("claims build", &err);
        double t1 = bench_now(), c1 = bench_cpu_now();
        if (rcm_submit(cy, "MCR", 'P', out, &sr, &err) < 0)
            die("submit", &err);
        double t2 = bench_now(), c2 = bench_cpu_now();
        tb[r] = t1 - t0;
        ts[r] = t2 - t1;
        cpu_b[r] = c1 - c0;
        cpu_s[r] = c2 - c1;
        rcm_cycle_free(cy);
        rcm_store_close(st);
    }
    uint64_t bytes = bench_file_size(out);

    /* what was written must read back whole and clean */
    readback rb = { 0, 0 };
    rcm_error err = { 0 };
    rcm_x12_reader *x = NULL;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = &rb;
    cb.claim = rb_claim;
    cb.problem = rb_problem;
    if (rcm_x12_open_file(&x, out, &err) < 0 || rcm_x12_read(x, &cb, NULL, &err) < 0)
        die("reading the batch back", &err);
    rcm_x12_reader_free(x);
    if (rb.claims != sr.claims || rb.problems) {
        fprintf(stderr, "cycle_submit: the batch reads back with %ld claims (%ld written) and %ld errors\n",
                rb.claims, sr.claims, rb.problems);
        status = 1;
    }

    double bmed = bench_median(tb, runs), smed = bench_median(ts, runs);
    double bcpu = bench_median(cpu_b, runs), scpu = bench_median(cpu_s, runs);
    double total = bmed + smed;
    double load[1] = { 0 };
    if (getloadavg(load, 1) != 1)
        load[0] = -1;
    printf("(medians of %d run%s; CPU time is what the step costs when it has the core: load average %.1f)\n", runs,
           runs == 1 ? "" : "s", load[0]);
    printf("claims build: %ld claims (%ld ready, %ld held), %ld lines: %.3f s (CPU %.3f s), %.0f claims/s\n",
           br.claims, br.ready, br.held, br.lines, bmed, bcpu, bmed > 0 ? (double)br.claims / bmed : 0.0);
    printf("submit:       %ld claims, %ld lines, %.1f MB written: %.3f s (CPU %.3f s), %.0f claims/s, %.1f MB/s\n",
           sr.claims, sr.lines, (double)bytes / 1e6, smed, scpu, smed > 0 ? (double)sr.claims / smed : 0.0,
           smed > 0 ? (double)bytes / 1e6 / smed : 0.0);
    printf("build + submit: %.3f s, CPU %.3f s (target < %.1f s: %s); the batch read back: %ld claims, %ld errors\n",
           total, bcpu + scpu, TARGET_S, total < TARGET_S ? "ok" : "MISS", rb.claims, rb.problems);
    printf("stage=cycle_submit encounters=%ld signed=%ld claims=%ld lines=%ld bytes=%llu runs=%d build_s=%.4f"
           " submit_s=%.4f total_s=%.4f build_cpu_s=%.4f submit_cpu_s=%.4f build_cps=%.0f submit_cps=%.0f"
           " rss_mb=%.1f\n",
           n, signed_off, sr.claims, sr.lines, (unsigned long long)bytes, runs, bmed, smed, total, bcpu, scpu,
           bmed > 0 ? (double)br.claims / bmed : 0.0, smed > 0 ? (double)sr.claims / smed : 0.0, bench_rss_mb());
    if (!keep) {
        char cmd[1200];
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "cycle_submit: could not remove %s\n", dir);
    }
    return status;
}
