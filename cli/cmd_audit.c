/*
 * rcm audit: the chained audit trail (docs/audit-trail.md) and the coding
 * audits (docs/coding-audit.md, cli/cli_audit_coding.c).
 *
 *   rcm audit verify [--anchor FILE] [--pubkey HEX | --pubkey-file F] [--json]
 *   rcm audit log [--user U] [--patient MRN] [--claim C] [--action A] [--from DATE] [--to DATE]
 *                 [--limit N] [--json]
 *   rcm audit anchor --out FILE [--key-file SK] [--json]
 *   rcm audit keygen --out PREFIX
 *   rcm audit exceptions [--from DATE] [--to DATE] [--json]
 *   rcm audit sample | score | report | em | em-reference ...   (the coding audits)
 *
 * Text output never names a patient: events carry record ids, and the
 * patient filter takes the MRN but prints only the patient's id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "cmd.h"
#include "cli_audit_coding.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "cli_store.h"
#include "rcm/audit.h"
#include "rcm/auth.h"

static int audit_anchor(int argc, char **argv);
static int audit_exceptions(int argc, char **argv);
static int audit_keygen(int argc, char **argv);
static int audit_log(int argc, char **argv);
static int audit_verify(int argc, char **argv);

static const cmd audit_cmds[] = {
    { "anchor", audit_anchor, "append the trail's head to an anchor file kept elsewhere (signed with a key)" },
    { "em", cli_audit_em, "providers' E/M level distribution against the reference" },
    { "em-reference", cli_audit_em_reference, "load or show the E/M reference distribution" },
    { "exceptions", audit_exceptions, "separation-of-duties exceptions and every use of them" },
    { "keygen", audit_keygen, "a key pair for signed anchors" },
    { "log", audit_log, "the trail's events by user, patient, claim, action and time" },
    { "report", cli_audit_report, "coders' accuracy over the reviewed samples" },
    { "sample", cli_audit_sample, "draw a reproducible random sample of a coder's claims" },
    { "score", cli_audit_score, "record the auditor's verdict on a sampled claim's codes" },
    { "verify", audit_verify, "prove the chain (and its anchors): no event edited, removed, inserted or moved" },
};

int cmd_audit(int argc, char **argv)
{
    return cmd_dispatch("rcm audit", audit_cmds, sizeof(audit_cmds) / sizeof(audit_cmds[0]), argc - 1, argv + 1);
}

/* "2022-07-01 12:00:00" (sep ' ') or "2022-07-01T12:00:00Z" (sep 'T'), UTC. */
static void fmt_time(char out[24], int64_t at, char sep)
{
    time_t t = (time_t)at;
    struct tm tm;
    if (!gmtime_r(&t, &tm) ||
        strftime(out, 24, sep == 'T' ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm) == 0)
        snprintf(out, 24, "%lld", (long long)at);
}

/* --from DATE (its first second) and --to DATE (through its last second) into [from, to). */
static int parse_range(const char *from_s, const char *to_s, int64_t *from, int64_t *to)
{
    rcm_date d;
    *from = *to = 0;
    if (from_s) {
        if (cli_parse_date(&d, "--from", from_s) != 0)
            return EXIT_UNREADABLE;
        *from = (int64_t)d * 86400;
    }
    if (to_s) {
        if (cli_parse_date(&d, "--to", to_s) != 0)
            return EXIT_UNREADABLE;
        *to = ((int64_t)d + 1) * 86400;
    }
    if (*from < 0 || *to < 0 || (*from && *to && *from >= *to)) {
        fprintf(stderr, "rcm: --from and --to: not a range of dates from 1970 on (from <= to)\n");
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* The first word of a key file (at most max characters) into out. */
static int read_key_file(const char *path, const char *what, char *out, size_t max)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "rcm: %s '%s': %s\n", what, path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    char buf[512] = "";
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    int bad = ferror(f);
    fclose(f);
    buf[n] = '\0';
    size_t k = strcspn(buf, " \t\r\n");
    int ok = !bad && k > 0 && k <= max && buf[k + strspn(buf + k, " \t\r\n")] == '\0';
    if (ok)
        snprintf(out, max + 1, "%.*s", (int)k, buf);
    memset(buf, 0, sizeof(buf));
    if (!ok) {
        fprintf(stderr, "rcm: %s '%s': not a key file (one key in hex)\n", what, path);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- verify ---- */

static const char verify_usage[] =
    "usage: rcm audit verify [--anchor FILE] [--pubkey HEX | --pubkey-file F] [--json] [common options]\n"
    "Proves the audit trail: events run 1, 2, 3... without a gap, each one's prev_hash is the hash\n"
    "of the event before it, and each hash is recomputed from the event's fields. The first\n"
    "event that breaks the chain is named, with what is wrong with it.\n"
    "  --anchor FILE       an anchor file written by 'rcm audit anchor': each line's event must\n"
    "                      still be there with the hash it had (catches events removed from the\n"
    "                      end and a trail rewritten whole)\n"
    "  --pubkey HEX        every anchor line must carry a good signature by this key\n"
    "  --pubkey-file F     the same, the key read from F (written by 'rcm audit keygen')\n"
    "  --json              the verdict as one JSON object\n" CLI_CYCLE_HELP
    "Needs the auditor or admin role. The verification is itself an audit event.\n"
    "Exit: 0 the trail holds, 1 it is broken, 2 it cannot be read (or not allowed).\n";

static int audit_verify(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *anchor = NULL, *pub = NULL, *pub_file = NULL;
    int json = 0;
    const cli_opt opts[] = {
        { "anchor", required_argument, &anchor, NULL },        { "pubkey", required_argument, &pub, NULL },
        { "pubkey-file", required_argument, &pub_file, NULL }, { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, verify_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if ((pub && pub_file) || ((pub || pub_file) && !anchor))
        return cli_usage(verify_usage, EXIT_UNREADABLE);
    char key[80] = "";
    if (pub_file && read_key_file(pub_file, "public key file", key, 64) != 0)
        return EXIT_UNREADABLE;
    if (pub)
        snprintf(key, sizeof(key), "%s", pub);
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_audit_verdict v;
    rc = cli_run_close(&r, rcm_audit_verify(r.cy, anchor, key[0] ? key : NULL, &v, &r.err));
    if (rc != 0)
        return rc;
    if (json) {
        json_t *j = json_pack("{s:b, s:I, s:I, s:s, s:i, s:b}", "holds", v.first_bad == 0, "events",
                              (json_int_t)v.events, "head_seq", (json_int_t)v.head_seq, "head", v.head, "anchors",
                              v.anchors, "signatures_checked", key[0] != 0);
        if (j && v.first_bad) {
            json_object_set_new(j, "first_bad", json_integer(v.first_bad));
            json_object_set_new(j, "why", json_string(v.why));
        }
        if (cli_print_json(j) != EXIT_CLEAN)
            return cli_done(EXIT_UNREADABLE);
    } else if (v.first_bad) {
        printf("the audit trail is broken: %s\n", v.why);
        printf("%lld events read%s\n", (long long)v.events, anchor ? "" : "; no anchor file given");
    } else {
        printf("the audit trail holds: %lld events", (long long)v.events);
        if (v.events)
            printf(", 1 to %lld, head %s", (long long)v.head_seq, v.head);
        printf("\n");
        if (anchor)
            printf("%d anchor line%s match%s%s\n", v.anchors, v.anchors == 1 ? "" : "s", v.anchors == 1 ? "es" : "",
                   key[0] ? ", every signature verified" : "");
    }
    return cli_done(v.first_bad ? EXIT_PROBLEMS : EXIT_CLEAN);
}

/* ---- log ---- */

static const char log_usage[] =
    "usage: rcm audit log [--user U] [--patient MRN] [--claim C] [--action A] [--from DATE] [--to DATE]\n"
    "                     [--limit N] [--json] [common options]\n"
    "The audit trail's events, oldest first: who (user and roles), when (UTC), what (action and\n"
    "outcome), on which record (entity:id, the patient's and claim's ids) and the detail.\n"
    "  --user U        events of user U (a failed login: the name tried)\n"
    "  --patient MRN   events about the patient: their records, encounters and claims, and the\n"
    "                  batches, remittances and files holding those claims\n"
    "  --claim C       events about claim C (its claim number), its batches, remittances, files\n"
    "  --action A      one action: login submit post writeoff read denied sod-exception ...\n"
    "  --from DATE     events on or after DATE (YYYY-MM-DD, UTC)\n"
    "  --to DATE       events on or before DATE\n"
    "  --limit N       the newest N events that match (still listed oldest first)\n"
    "  --json          JSON Lines, one event a line (with its origin and hashes)\n" CLI_CYCLE_HELP
    "Needs the auditor or admin role. The query is itself an audit event (written before the\n"
    "listing, which shows the trail as it stood before it).\n"
    "Exit: 0 listed; 2 not allowed, bad arguments, an unknown patient or claim, or an error.\n";

typedef struct log_out {
    int json;
    int bad;
    int64_t n;
} log_out;

static int print_event(const rcm_audit_event *e, void *ctx)
{
    log_out *lo = ctx;
    char at[24];
    lo->n++;
    if (lo->json) {
        fmt_time(at, e->at, 'T');
        json_t *j = json_pack("{s:I, s:s, s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s}", "seq",
                              (json_int_t)e->seq, "at", at, "user_id", (json_int_t)e->user_id, "user", e->user,
                              "roles", e->roles, "origin", e->origin, "action", e->action, "outcome", e->outcome,
                              "entity", e->entity, "entity_id", (json_int_t)e->entity_id, "patient_id",
                              (json_int_t)e->patient_id, "claim_id", (json_int_t)e->claim_id, "detail", e->detail,
                              "prev_hash", e->prev_hash, "hash", e->hash);
        lo->bad |= cli_print_json(j) != EXIT_CLEAN;
        return 0;
    }
    if (lo->n == 1)
        printf("%6s  %-19s  %-12s %-26s %-14s %-7s %-18s %7s %7s  %s\n", "seq", "time (UTC)", "user", "roles",
               "action", "outcome", "entity:id", "patient", "claim", "detail");
    fmt_time(at, e->at, ' ');
    char ent[48] = "-", pat[24] = "-", clm[24] = "-";
    if (e->entity_id)
        snprintf(ent, sizeof(ent), "%s:%lld", e->entity[0] ? e->entity : "-", (long long)e->entity_id);
    else if (e->entity[0])
        snprintf(ent, sizeof(ent), "%s", e->entity);
    if (e->patient_id)
        snprintf(pat, sizeof(pat), "%lld", (long long)e->patient_id);
    if (e->claim_id)
        snprintf(clm, sizeof(clm), "%lld", (long long)e->claim_id);
    printf("%6lld  %s  %-12s %-26s %-14s %-7s %-18s %7s %7s  %s\n", (long long)e->seq, at, e->user,
           e->roles[0] ? e->roles : "-", e->action, e->outcome, ent, pat, clm, e->detail);
    return 0;
}

/* --limit N (a cli_opt check) into the int64_t at out. */
static int parse_limit(void *out, const char *opt, const char *arg)
{
    char *end = NULL;
    long long n = strtoll(arg, &end, 10);
    if (!*arg || *end || n <= 0) {
        fprintf(stderr, "rcm: %s '%s': not a number from 1\n", opt, arg);
        return EXIT_UNREADABLE;
    }
    *(int64_t *)out = n;
    return 0;
}

static int audit_log(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    rcm_audit_filter f = { 0 };
    const char *from = NULL, *to = NULL;
    log_out lo = { 0 };
    const cli_opt opts[] = {
        { "user", required_argument, &f.user, NULL },
        { "patient", required_argument, &f.patient, NULL },
        { "claim", required_argument, &f.claim_no, NULL },
        { "action", required_argument, &f.action, NULL },
        { "from", required_argument, &from, NULL },
        { "to", required_argument, &to, NULL },
        { "limit", required_argument, &f.limit, parse_limit },
        { "json", no_argument, &lo.json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, log_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (parse_range(from, to, &f.from, &f.to) != 0)
        return EXIT_UNREADABLE;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rc = rcm_audit_log(r.cy, &f, print_event, &lo, &r.err);
    if (rc < 0)
        fflush(stdout);
    if ((rc = cli_run_close(&r, rc)) != 0)
        return rc;
    if (!lo.json)
        printf("%lld event%s\n", (long long)lo.n, lo.n == 1 ? "" : "s");
    return cli_done(lo.bad ? EXIT_UNREADABLE : EXIT_CLEAN);
}

/* ---- anchor ---- */

static const char anchor_usage[] =
    "usage: rcm audit anchor --out FILE [--key-file SK] [--json] [common options]\n"
    "Proves the trail against FILE's earlier lines, then appends its head as one line\n"
    "(\"rcm-anchor-v1 SEQ HASH AT [SIG]\") to FILE, created private (0600) when missing, and\n"
    "synced to disk. Keep FILE away from the store's machine (another host, write-once\n"
    "storage): 'rcm audit verify --anchor FILE' then catches events removed from the end and a\n"
    "trail rewritten whole.\n"
    "  --out FILE      the anchor file\n"
    "  --key-file SK   sign the line with the secret key in SK (from 'rcm audit keygen')\n"
    "  --json          the result as one JSON object\n" CLI_CYCLE_HELP
    "Needs the auditor or admin role. Anchoring is itself an audit event.\n"
    "Exit: 0 anchored, 1 anchored but the trail is broken (the first bad event is named), 2 not\n"
    "allowed or an error (nothing anchored).\n";

static int audit_anchor(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    const char *out = NULL, *key_file = NULL;
    int json = 0;
    const cli_opt opts[] = {
        { "out", required_argument, &out, NULL },
        { "key-file", required_argument, &key_file, NULL },
        { "json", no_argument, &json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, anchor_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (!out)
        return cli_usage(anchor_usage, EXIT_UNREADABLE);
    char sk[136] = "";
    if (key_file && read_key_file(key_file, "secret key file", sk, 128) != 0)
        return EXIT_UNREADABLE;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0) {
        memset(sk, 0, sizeof(sk));
        return rc;
    }
    rcm_audit_verdict v;
    rc = rcm_audit_anchor(r.cy, out, sk[0] ? sk : NULL, &v, &r.err);
    memset(sk, 0, sizeof(sk));
    if ((rc = cli_run_close(&r, rc)) != 0)
        return rc;
    if (json) {
        json_t *j = json_pack("{s:s, s:I, s:s, s:b, s:b, s:I, s:i}", "file", out, "seq", (json_int_t)v.head_seq,
                              "hash", v.head, "signed", key_file != NULL, "holds", v.first_bad == 0, "events",
                              (json_int_t)v.events, "anchors_before", v.anchors);
        if (j && v.first_bad) {
            json_object_set_new(j, "first_bad", json_integer(v.first_bad));
            json_object_set_new(j, "why", json_string(v.why));
        }
        if (cli_print_json(j) != EXIT_CLEAN)
            return cli_done(EXIT_UNREADABLE);
    } else {
        printf("anchored event %lld (%s) in %s%s\n", (long long)v.head_seq, v.head, out, key_file ? ", signed" : "");
        if (v.first_bad)
            printf("but the audit trail is broken: %s\n", v.why);
    }
    return cli_done(v.first_bad ? EXIT_PROBLEMS : EXIT_CLEAN);
}

/* ---- keygen ---- */

static const char keygen_usage[] =
    "usage: rcm audit keygen --out PREFIX\n"
    "Makes an Ed25519 key pair for signed anchors: PREFIX.key, the secret key (private, 0600:\n"
    "keep it with whoever anchors, never beside the store) and PREFIX.pub, the public key (give\n"
    "it to whoever verifies: 'rcm audit verify --anchor FILE --pubkey-file PREFIX.pub'). Existing\n"
    "files are never overwritten. Needs no store and no session.\n"
    "Exit: 0 written, 2 error.\n";

/* Writes text to a new file (never overwriting one) with mode, synced. */
static int write_new(const char *path, const char *text, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        fprintf(stderr, "rcm: '%s': %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    size_t n = strlen(text);
    int ok = write(fd, text, n) == (ssize_t)n && fsync(fd) == 0;
    ok &= close(fd) == 0;
    if (!ok) {
        fprintf(stderr, "rcm: '%s': %s\n", path, strerror(errno));
        unlink(path);
        return EXIT_UNREADABLE;
    }
    return 0;
}

static int audit_keygen(int argc, char **argv)
{
    const char *prefix = NULL;
    const cli_opt opts[] = { { "out", required_argument, &prefix, NULL } };
    int prc = cli_cycle_parse(argc, argv, keygen_usage, CLI_OPTS(opts), 0, NULL);
    if (prc >= 0)
        return prc;
    if (!prefix || !*prefix)
        return cli_usage(keygen_usage, EXIT_UNREADABLE);
    char key_path[4096], pub_path[4096];
    if (snprintf(key_path, sizeof(key_path), "%s.key", prefix) >= (int)sizeof(key_path) ||
        snprintf(pub_path, sizeof(pub_path), "%s.pub", prefix) >= (int)sizeof(pub_path)) {
        fprintf(stderr, "rcm: --out: the prefix is too long\n");
        return EXIT_UNREADABLE;
    }
    char pk[65], sk[129], text[132];
    rcm_error err;
    memset(&err, 0, sizeof(err));
    if (rcm_audit_keygen(pk, sk, &err) < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }
    snprintf(text, sizeof(text), "%s\n", sk);
    int rc = write_new(key_path, text, 0600);
    memset(sk, 0, sizeof(sk));
    memset(text, 0, sizeof(text));
    if (rc != 0)
        return rc;
    snprintf(text, sizeof(text), "%s\n", pk);
    if ((rc = write_new(pub_path, text, 0644)) != 0) {
        unlink(key_path);
        return rc;
    }
    printf("secret key: %s (private: keep it with whoever anchors, away from the store)\n", key_path);
    printf("public key: %s %s\n", pub_path, pk);
    return cli_done(EXIT_CLEAN);
}

/* ---- exceptions ---- */

static const char exceptions_usage[] =
    "usage: rcm audit exceptions [--from DATE] [--to DATE] [--json] [common options]\n"
    "Separation-of-duties exceptions: every exception granted (live, expired or revoked), who\n"
    "granted it, why, and how often it was used; then each use in the range (an event\n"
    "sod-exception: a user submitting, posting or writing off a claim they coded).\n"
    "  --from DATE     uses on or after DATE (YYYY-MM-DD, UTC)\n"
    "  --to DATE       uses on or before DATE\n"
    "  --json          JSON Lines: one line per exception, then one per use\n" CLI_CYCLE_HELP
    "Needs the auditor or admin role.\n"
    "Exit: 0 listed; 2 not allowed, bad arguments or an error.\n";

typedef struct use_out {
    int json, bad;
    int64_t n;
} use_out;

static int print_use(const rcm_audit_event *e, void *ctx)
{
    use_out *u = ctx;
    char at[24];
    u->n++;
    if (u->json) {
        fmt_time(at, e->at, 'T');
        u->bad |= cli_print_json(json_pack("{s:s, s:I, s:s, s:s, s:s, s:I, s:s}", "kind", "use", "seq",
                                           (json_int_t)e->seq, "at", at, "user", e->user, "roles", e->roles,
                                           "claim_id", (json_int_t)e->claim_id, "detail", e->detail)) != EXIT_CLEAN;
        return 0;
    }
    if (u->n == 1)
        printf("  %6s  %-19s  %-12s %7s  %s\n", "seq", "time (UTC)", "user", "claim", "detail");
    fmt_time(at, e->at, ' ');
    printf("  %6lld  %s  %-12s %7lld  %s\n", (long long)e->seq, at, e->user, (long long)e->claim_id, e->detail);
    return 0;
}

static const char *exception_status(const rcm_sod_exception *x, rcm_date today)
{
    if (x->revoked_at)
        return "revoked";
    if (x->expires != RCM_DATE_NONE && x->expires < today)
        return "expired";
    return "live";
}

static int audit_exceptions(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    rcm_audit_filter f = { .action = "sod-exception" };
    const char *from = NULL, *to = NULL;
    use_out u = { 0 };
    const cli_opt opts[] = {
        { "from", required_argument, &from, NULL },
        { "to", required_argument, &to, NULL },
        { "json", no_argument, &u.json, NULL },
    };
    int rc = cli_cycle_parse(argc, argv, exceptions_usage, CLI_OPTS(opts), 0, &co);
    if (rc >= 0)
        return rc;
    if (parse_range(from, to, &f.from, &f.to) != 0)
        return EXIT_UNREADABLE;
    cli_run r;
    rc = cli_run_open(&r, &co);
    if (rc != 0)
        return rc;
    rcm_sod_exception *xs = NULL;
    size_t n = 0;
    if (rcm_sod_list(r.cy, &xs, &n, &r.err) < 0)
        return cli_run_close(&r, -1);
    rcm_date today = rcm_cycle_today(r.cy);
    if (!u.json) {
        printf("separation-of-duties exceptions: %zu\n", n);
        if (n)
            printf("  %4s  %-12s %-8s %-19s  %-12s %-10s %5s  %s\n", "id", "user", "status", "granted (UTC)", "by",
                   "expires", "uses", "reason");
    }
    for (size_t i = 0; i < n; i++) {
        const rcm_sod_exception *x = &xs[i];
        char granted[24], expires[16] = "-";
        fmt_time(granted, x->granted_at, u.json ? 'T' : ' ');
        if (x->expires != RCM_DATE_NONE)
            rcm_date_fmt(expires, x->expires, 1);
        if (u.json) {
            json_t *j = json_pack("{s:s, s:I, s:s, s:s, s:s, s:s, s:I, s:s}", "kind", "exception", "id",
                                  (json_int_t)x->exception_id, "user", x->user, "status", exception_status(x, today),
                                  "granted_at", granted, "granted_by", x->granted_by, "uses", (json_int_t)x->uses,
                                  "reason", x->reason);
            if (j && x->expires != RCM_DATE_NONE)
                json_object_set_new(j, "expires", json_string(expires));
            if (j && x->revoked_at) {
                char rev[24];
                fmt_time(rev, x->revoked_at, 'T');
                json_object_set_new(j, "revoked_at", json_string(rev));
            }
            u.bad |= cli_print_json(j) != EXIT_CLEAN;
            continue;
        }
        printf("  %4lld  %-12s %-8s %s  %-12s %-10s %5lld  %s\n", (long long)x->exception_id, x->user,
               exception_status(x, today), granted, x->granted_by, expires, (long long)x->uses, x->reason);
    }
    free(xs);
    if (!u.json) {
        char a[24] = "the start", b[24] = "now";
        if (f.from)
            fmt_time(a, f.from, ' ');
        if (f.to)
            fmt_time(b, f.to - 1, ' ');
        printf("uses from %s to %s:\n", a, b);
    }
    rc = rcm_audit_log(r.cy, &f, print_use, &u, &r.err);
    if (rc < 0)
        fflush(stdout);
    if ((rc = cli_run_close(&r, rc)) != 0)
        return rc;
    if (!u.json)
        printf("%lld use%s\n", (long long)u.n, u.n == 1 ? "" : "s");
    return cli_done(u.bad ? EXIT_UNREADABLE : EXIT_CLEAN);
}
