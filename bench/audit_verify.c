/*
 * audit_verify [-e EVENTS] [-n RUNS] [-d DIR] [-c KIB]: proving the audit trail at
 * scale (rcm_audit_verify, lib/audit/trail.c), which must stream: one pass
 * by seq, its memory independent of the trail's length.
 *
 * Setup, timed apart: a scratch store whose trail holds EVENTS events
 * (default 1,000,000), appended with audit_append (lib/audit/chain.h) in
 * transactions of 10,000, as the cycle writes them: the mix of actions a
 * practice's day has (reads most, then coding, submissions, postings,
 * logins, denials), 12 users, details of 30 to 120 bytes, patient and
 * claim ids. With -d DIR the store is DIR/audit.db and is reused by a later
 * run asking for the same EVENTS.
 *
 * Timed on the open store (RUNS times, default 3): rcm_audit_verify alone,
 * then with an anchor file of 100 lines (one per 1% of the trail). Each
 * verification appends its own event, so each run reads one more. Then
 * rcm_audit_log for the newest 100 events, and for one user's denials (an
 * index lookup). Prints one key=value line per
 * stage (bench.h): median and best wall seconds, events per second by wall
 * and by CPU time, and the peak RSS. The store keeps a 64 MiB page cache
 * (lib/store/sqlite.c), which one pass over a large trail fills: -c KIB sets
 * a smaller one, and a run with -c 2048 on a store kept with -d (so nothing
 * is appended first) shows the pass itself holds a few MiB whatever EVENTS
 * is.
 */
#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"
#include "bench_cycle.h"
#include "rcm/rcm.h"
#include "rcm/audit.h"
#include <sodium.h>
#include "../lib/audit/chain.h"
#include "../lib/store/store_internal.h"

#define DEF_EVENTS 1000000L
#define BATCH 10000L
#define NOW INT64_C(1768478400)   /* 2026-01-15 12:00 UTC */

static void die(const char *what, const rcm_error *err)
{
    fprintf(stderr, "audit_verify: %s: %s\n", what, err ? err->msg : "");
    exit(1);
}

static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static const char *const users[] = { "ana.coder", "ben.coder", "cho.coder", "dee.biller", "eli.biller",
                                     "fay.biller", "gus.poster", "hal.auditor", "ivy.admin", "jo.coder",
                                     "kim.biller", "lee.coder" };

/* One event of a practice's day, built into r (strings in bufs). */
static void make_event(audit_row *r, int64_t i, char *detail, size_t n, char *origin, size_t on)
{
    unsigned u = (unsigned)(next() % (sizeof(users) / sizeof(users[0])));
    int64_t patient = 1 + (int64_t)(next() % 200000), claim = 1 + (int64_t)(next() % 1000000);
    unsigned kind = (unsigned)(next() % 100);
    memset(r, 0, sizeof(*r));
    r->at = NOW - 86400 * 365 + i * 30;
    r->user_id = u + 2;
    r->user = users[u];
    r->roles = strstr(users[u], "coder") ? "coder" : strstr(users[u], "auditor") ? "auditor" : "biller";
    snprintf(origin, on, "cli ws-%02u pid %u session %016llx", u, 1000 + (unsigned)(i / 500),
             (unsigned long long)(next() & 0xffffffffffffULL));
    r->origin = origin;
    r->outcome = "ok";
    if (kind < 55) {
        r->action = "read";
        r->entity = "claim";
        r->entity_id = claim;
        r->patient_id = patient;
        r->claim_id = claim;
        snprintf(detail, n, "claim C%09lld shown: 3 lines, 2 findings", (long long)claim);
    } else if (kind < 70) {
        r->action = "assign";
        r->entity = "encounter";
        r->entity_id = claim;
        r->patient_id = patient;
        snprintf(detail, n, "encounter %lld dx I10,E11.65 -> I10,E11.9 lines 99214-25:1,36415:1 -> 99213:1,36415:1",
                 (long long)claim);
    } else if (kind < 80) {
        r->action = "submit";
        r->entity = "batch";
        r->entity_id = i / 1000;
        snprintf(detail, n, "837P payer MCR claims 40 isa %lld gs %lld file %lld held 0", (long long)i,
                 (long long)i, (long long)i);
    } else if (kind < 88) {
        r->action = "post";
        r->entity = "remit";
        r->entity_id = i / 1000;
        snprintf(detail, n, "835 trace T%lld claims 25 matched 25 unmatched 0", (long long)i);
    } else if (kind < 95) {
        r->action = "login";
        r->entity = "app_user";
        r->entity_id = u + 2;
        snprintf(detail, n, "session %016llx", (unsigned long long)next());
    } else {
        r->action = "denied";
        r->outcome = "denied";
        r->entity = "";
        snprintf(detail, n, "permission claims.submit (needs biller)");
    }
    r->detail = detail;
}

static int64_t count_events(rcm_store *st)
{
    sqlite3_stmt *s = NULL;
    int64_t n = -1;
    if (sqlite3_prepare_v2(store_db(st), "SELECT COALESCE(MAX(seq), 0) FROM audit_log", -1, &s, NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

static void build(rcm_store *st, int64_t events)
{
    rcm_error err = { 0 };
    int64_t have = count_events(st);
    if (have >= events)
        return;     /* a kept store (-d): reused as it is */
    char detail[256], origin[128];
    double t0 = bench_now();
    for (int64_t i = have; i < events;) {
        if (rcm_store_begin(st, &err) < 0)
            die("begin", &err);
        for (int64_t k = 0; k < BATCH && i < events; k++, i++) {
            audit_row r;
            make_event(&r, i, detail, sizeof(detail), origin, sizeof(origin));
            if (audit_append(st, NULL, &r, NULL, &err) < 0)
                die("audit_append", &err);
        }
        if (rcm_store_commit(st, &err) < 0)
            die("commit", &err);
    }
    double t = bench_now() - t0;
    fprintf(stderr, "audit_verify: %lld events appended in %.1f s (%.0f events/s)\n", (long long)(events - have), t,
            t > 0 ? (double)(events - have) / t : 0.0);
}

/* An anchor file of lines lines, one per 1/lines of the trail (signed with a fresh key). */
static void write_anchors(rcm_store *st, const char *path, int lines, char pk[65])
{
    char sk[129];
    rcm_error err = { 0 };
    if (rcm_audit_keygen(pk, sk, &err) < 0)
        die("keygen", &err);
    int64_t n = count_events(st);
    FILE *f = fopen(path, "w");
    if (!f)
        die(path, NULL);
    fclose(f);
    /* anchoring walks the whole trail: instead, sign lines for chosen events directly */
    unsigned char skb[64];
    size_t got = 0;
    if (sodium_hex2bin(skb, sizeof(skb), sk, 128, NULL, &got, NULL) != 0)
        die("secret key", NULL);
    f = fopen(path, "a");
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(store_db(st), "SELECT hash FROM audit_log WHERE seq = ?", -1, &s, NULL) != SQLITE_OK)
        die("prepare", NULL);
    for (int i = 1; i <= lines; i++) {
        int64_t seq = n * i / lines;
        sqlite3_bind_int64(s, 1, seq);
        if (sqlite3_step(s) != SQLITE_ROW)
            die("anchor event", NULL);
        char text[160], sig_hex[129];
        snprintf(text, sizeof(text), "rcm-anchor-v1 %lld %s 2026-01-15T12:00:00Z", (long long)seq,
                 (const char *)sqlite3_column_text(s, 0));
        sqlite3_reset(s);
        unsigned char sig[64];
        crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), skb);
        sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
        fprintf(f, "%s %s\n", text, sig_hex);
    }
    sqlite3_finalize(s);
    fclose(f);
}

static int collect(const rcm_audit_event *e, void *ctx)
{
    (void)e;
    ++*(int64_t *)ctx;
    return 0;
}

static void report(const char *stage, bench_times *t, int runs, int64_t events, const char *extra)
{
    double med = bench_median(t->wall, runs), best = t->wall[0], cpu = bench_median(t->cpu, runs);
    printf("stage=%s events=%lld runs=%d median_s=%.3f best_s=%.3f events_per_s=%.0f cpu_events_per_s=%.0f"
           " rss_mb=%.1f %s\n",
           stage, (long long)events, runs, med, best, med > 0 ? (double)events / med : 0.0,
           cpu > 0 ? (double)events / cpu : 0.0, bench_rss_mb(), extra);
}

int main(int argc, char **argv)
{
    int64_t events = DEF_EVENTS;
    int runs = 3, o;
    const char *keep = NULL;
    long cache_kib = 0;
    while ((o = getopt(argc, argv, "e:n:d:c:")) != -1) {
        switch (o) {
        case 'e': events = strtoll(optarg, NULL, 10); break;
        case 'c': cache_kib = strtol(optarg, NULL, 10); break;
        case 'n': runs = bench_runs(optarg); break;
        case 'd': keep = optarg; break;
        default: runs = -1;
        }
    }
    if (runs < 1 || events < 1 || optind != argc) {
        fprintf(stderr, "usage: audit_verify [-e EVENTS] [-n RUNS] [-d DIR] [-c CACHE_KIB]\n");
        return 2;
    }
    char dir[256], db[320], anchors[320];
    if (keep) {
        snprintf(dir, sizeof(dir), "%s", keep);
        mkdir(dir, 0700);
    } else {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/rcm-bench-audit-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir))
            die("mkdtemp", NULL);
    }
    snprintf(db, sizeof(db), "%s/audit.db", dir);
    snprintf(anchors, sizeof(anchors), "%s/trail.anchor", dir);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    if (rcm_store_open(&st, db, RCM_STORE_CREATE, &err) < 0)
        die(db, &err);
    if (cache_kib > 0) {
        char pragma[64];
        snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = -%ld", cache_kib);
        if (sqlite3_exec(store_db(st), pragma, NULL, NULL, NULL) != SQLITE_OK)
            die("cache_size", NULL);
    }
    rcm_cycle *cy = bench_cycle(st, "bench.auditor", RCM_ROLE_AUDITOR, NOW);
    build(st, events);
    int64_t n0 = count_events(st);
    double rss0 = bench_rss_mb();
    struct stat sb;
    double db_mb = stat(db, &sb) == 0 ? (double)sb.st_size / 1048576.0 : 0;

    bench_times t;
    rcm_audit_verdict v;
    char extra[160];
    for (int r = 0; r < runs; r++) {
        bench_start(&t);
        if (rcm_audit_verify(cy, NULL, NULL, &v, &err) < 0)
            die("verify", &err);
        bench_stop(&t, r);
        if (v.first_bad)
            die(v.why, NULL);
    }
    snprintf(extra, sizeof(extra), "store_mb=%.0f rss_before_mb=%.1f cache_kib=%ld holds=%d", db_mb, rss0,
             cache_kib > 0 ? cache_kib : 65536L, v.first_bad == 0);
    report("audit_verify", &t, runs, n0 + runs, extra);

    char pk[65];
    write_anchors(st, anchors, 100, pk);
    for (int r = 0; r < runs; r++) {
        bench_start(&t);
        if (rcm_audit_verify(cy, anchors, pk, &v, &err) < 0)
            die("verify --anchor", &err);
        bench_stop(&t, r);
        if (v.first_bad || v.anchors != 100)
            die(v.first_bad ? v.why : "anchors", NULL);
    }
    report("audit_verify_signed_anchors", &t, runs, count_events(st), "anchors=100 holds=1");

    rcm_audit_filter f = { .limit = 100 };
    int64_t rows = 0;
    for (int r = 0; r < runs; r++) {
        rows = 0;
        bench_start(&t);
        if (rcm_audit_log(cy, &f, collect, &rows, &err) < 0)
            die("log", &err);
        bench_stop(&t, r);
    }
    snprintf(extra, sizeof(extra), "rows=%lld filter=limit100", (long long)rows);
    report("audit_log_newest", &t, runs, count_events(st), extra);

    f = (rcm_audit_filter){ .user = "hal.auditor", .action = "denied" };
    for (int r = 0; r < runs; r++) {
        rows = 0;
        bench_start(&t);
        if (rcm_audit_log(cy, &f, collect, &rows, &err) < 0)
            die("log", &err);
        bench_stop(&t, r);
    }
    snprintf(extra, sizeof(extra), "rows=%lld filter=user+action", (long long)rows);
    report("audit_log_user", &t, runs, count_events(st), extra);

    rcm_cycle_free(cy);
    rcm_store_close(st);
    if (!keep) {
        char p[400];
        static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
        for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
            snprintf(p, sizeof(p), "%s%s", db, ext[i]);
            unlink(p);
        }
        unlink(anchors);
        rmdir(dir);
    }
    return 0;
}
