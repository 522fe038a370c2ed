/*
 * The audit trail read back (include/rcm/audit.h): listing events by user,
 * patient, claim, action and time; proving the chain event by event;
 * anchoring its head in a file kept elsewhere; the Ed25519 key pairs that
 * sign anchors.
 *
 * The verifier streams: one statement walks audit_log by seq (one SQLite
 * read snapshot) keeping the last two hashes only, so its memory does not
 * grow with the trail. The anchor file is read first (one line per anchor,
 * a few a day) and each line is compared as the walk passes its event.
 *
 * The anchor file, one anchor a line:
 *   rcm-anchor-v1 SEQ HASH AT [SIG]
 * SEQ the event anchored (from 1, no leading zero), HASH its hash (64
 * lowercase hex digits), AT when it was anchored (YYYY-MM-DDTHH:MM:SSZ, the
 * cycle's clock) and SIG, when signed, 128 lowercase hex digits: the Ed25519
 * signature (crypto_sign_detached) of the line's text before " SIG". Fields
 * are separated by one space; a line ends with LF (CR LF is read too).
 * Blank lines and lines starting with '#' are skipped.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "rcm/audit.h"
#include "chain.h"
#include "../cycle/cycle_internal.h"
#include "../util/banned.h"

#define ANCHOR_TAG "rcm-anchor-v1"
#define ANCHOR_FILE_MAX ((size_t)64 << 20)   /* about 300,000 anchors */
#define ANCHOR_LINE_MAX 256                  /* a signed line is 228 bytes */

enum { SIG_NONE, SIG_OK, SIG_BAD, SIG_UNCHECKED };

typedef struct anchor {
    int64_t seq;
    long line;
    char hash[65];
    int sig;                /* SIG_* */
} anchor;

typedef struct anchor_set {
    anchor *v;
    size_t n, cap;
    int open_end;           /* the file's last line has no newline (an append starts a new line first) */
} anchor_set;

static int is_lhex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
            return 0;
    return 1;
}

static int is_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* Lowercase hex of exactly 2 * n digits into bytes; 0 or -1. */
static int hex_bytes(unsigned char *out, size_t n, const char *hex)
{
    size_t got = 0;
    if (!hex || strlen(hex) != 2 * n || !is_lhex(hex, 2 * n) ||
        sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) != 0 || got != n)
        return -1;
    return 0;
}

/* t as YYYY-MM-DDTHH:MM:SSZ (out: 21 bytes), clamped to years 1970-9999. */
static void iso_time(int64_t t, char out[21])
{
    if (t < 0)
        t = 0;
    if (t > INT64_C(253402300799))
        t = INT64_C(253402300799);
    int y, m, d;
    rcm_date_to_ymd((rcm_date)(t / 86400), &y, &m, &d);
    int s = (int)(t % 86400);
    snprintf(out, 21, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, s / 3600, s / 60 % 60, s % 60);
}

/* ---- the anchor file ---- */

/*
 * One line (without its end): 0 with *a filled, else RCM_EFORMAT and *why.
 * pk: the public key signatures are checked with (NULL: not checked).
 */
static int anchor_line(const char *p, size_t n, const unsigned char *pk, anchor *a, const char **why)
{
    static const char tag[] = ANCHOR_TAG " ";
    const size_t ntag = sizeof(tag) - 1;
    memset(a, 0, sizeof(*a));
    if (n < ntag || memcmp(p, tag, ntag) != 0) {
        *why = "not an anchor line (expected '" ANCHOR_TAG " SEQ HASH AT [SIG]')";
        return RCM_EFORMAT;
    }
    size_t i = ntag, k = i;
    while (k < n && p[k] >= '0' && p[k] <= '9')
        k++;
    if (k == i || k - i > 19 || p[i] == '0' || k == n || p[k] != ' ') {
        *why = "the event number is not a whole number from 1";
        return RCM_EFORMAT;
    }
    uint64_t seq = 0;
    for (size_t j = i; j < k; j++) {
        if (seq > (UINT64_C(9223372036854775807) - (uint64_t)(p[j] - '0')) / 10) {
            *why = "the event number is too large";
            return RCM_EFORMAT;
        }
        seq = seq * 10 + (uint64_t)(p[j] - '0');
    }
    a->seq = (int64_t)seq;
    i = k + 1;
    if (n - i < 64 || !is_lhex(p + i, 64) || (n - i > 64 && p[i + 64] != ' ')) {
        *why = "the hash is not 64 lowercase hex digits";
        return RCM_EFORMAT;
    }
    if (n - i == 64) {
        *why = "the time is missing after the hash";
        return RCM_EFORMAT;
    }
    memcpy(a->hash, p + i, 64);
    a->hash[64] = '\0';
    i += 65;
    const char *t = p + i;
    if (n - i < 20 || !is_digits(t, 4) || t[4] != '-' || !is_digits(t + 5, 2) || t[7] != '-' ||
        !is_digits(t + 8, 2) || t[10] != 'T' || !is_digits(t + 11, 2) || t[13] != ':' || !is_digits(t + 14, 2) ||
        t[16] != ':' || !is_digits(t + 17, 2) || t[19] != 'Z') {
        *why = "the time is not YYYY-MM-DDTHH:MM:SSZ";
        return RCM_EFORMAT;
    }
    i += 20;
    size_t signed_len = i;
    if (i == n) {
        a->sig = SIG_NONE;
        return 0;
    }
    if (p[i] != ' ' || n - i - 1 != 128 || !is_lhex(p + i + 1, 128)) {
        *why = "the signature is not 128 lowercase hex digits at the end of the line";
        return RCM_EFORMAT;
    }
    if (!pk) {
        a->sig = SIG_UNCHECKED;
        return 0;
    }
    unsigned char sig[crypto_sign_BYTES];
    size_t got = 0;
    if (sodium_hex2bin(sig, sizeof(sig), p + i + 1, 128, NULL, &got, NULL) != 0 || got != sizeof(sig)) {
        *why = "the signature is not 128 lowercase hex digits at the end of the line";
        return RCM_EFORMAT;
    }
    a->sig = crypto_sign_verify_detached(sig, (const unsigned char *)p, signed_len, pk) == 0 ? SIG_OK : SIG_BAD;
    return 0;
}

static int anchor_cmp(const void *x, const void *y)
{
    const anchor *a = x, *b = y;
    if (a->seq != b->seq)
        return a->seq < b->seq ? -1 : 1;
    return (a->line > b->line) - (a->line < b->line);
}

/* Parses the anchor file's bytes (source names it in errors); as->v sorted by seq, then line. */
static int anchors_parse(const char *source, const char *buf, size_t len, const unsigned char *pk, anchor_set *as,
                         rcm_error *err)
{
    long line = 0;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(buf + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - buf) : len, n = end - i;
        line++;
        const char *p = buf + i;
        i = nl ? end + 1 : len;
        as->open_end = nl == NULL;
        if (n && p[n - 1] == '\r')
            n--;
        if (n == 0 || p[0] == '#')
            continue;
        const char *why = "";
        anchor a;
        int rc = n > ANCHOR_LINE_MAX ? RCM_EFORMAT : anchor_line(p, n, pk, &a, &why);
        if (n > ANCHOR_LINE_MAX)
            why = "too long for an anchor line";
        if (rc < 0) {
            if (err) {
                err->source = source;
                err->line = line;
            }
            return rcm_error_set(err, rc, "%s", why);
        }
        a.line = line;
        anchor *nv = cycle_grow(as->v, &as->cap, as->n, sizeof(*as->v), 16);
        if (!nv)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory reading the anchor file");
        as->v = nv;
        as->v[as->n++] = a;
    }
    if (as->n > 1)
        qsort(as->v, as->n, sizeof(*as->v), anchor_cmp);
    return 0;
}

/* Reads and parses the anchor file at path; missing_ok: a file that does not exist is an empty set. */
static int anchors_load(const char *path, const unsigned char *pk, int missing_ok, anchor_set *as, rcm_error *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        if (missing_ok && errno == ENOENT)
            return 0;
        return rcm_error_set(err, RCM_EIO, "anchor file '%s': %s", path, strerror(errno));
    }
    if (S_ISDIR(sb.st_mode))
        return rcm_error_set(err, RCM_EIO, "anchor file '%s' is a folder", path);
    if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > ANCHOR_FILE_MAX)
        return rcm_error_set(err, RCM_ELIMIT, "anchor file '%s' is larger than %zu MiB", path, ANCHOR_FILE_MAX >> 20);
    char *buf = NULL;
    size_t len = 0;
    int rc = cycle_read_file(path, &buf, &len, err);
    if (rc < 0)
        return rc;
    if (len > ANCHOR_FILE_MAX)
        rc = rcm_error_set(err, RCM_ELIMIT, "anchor file '%s' is larger than %zu MiB", path, ANCHOR_FILE_MAX >> 20);
    else
        rc = anchors_parse(path, buf, len, pk, as, err);
    free(buf);
    return rc;
}

/* ---- the walk ---- */

typedef struct walker {
    rcm_audit_verdict *v;
    const anchor_set *as;
    int need_sig;           /* a public key was given: every line must carry a good signature */
    size_t ai;              /* the next anchor to compare */
    int64_t good_seq;       /* the last anchored event that matched (0: none yet) */
    long good_line;
    int chain_ok;           /* no break found yet (the chain checks stop at the first) */
    int64_t expected;       /* the seq the next event must have */
    char prev[65], prev2[65];   /* the hashes of the last two events, as stored */
    int have_prev2;
} walker;

/* Keeps the problem with the lowest event number (the first of equals). */
static void problem(rcm_audit_verdict *v, int64_t seq, const char *fmt, ...) RCM_PRINTF(3, 4);
static void problem(rcm_audit_verdict *v, int64_t seq, const char *fmt, ...)
{
    if (seq < 1)
        seq = 1;
    if (v->first_bad && v->first_bad <= seq)
        return;
    v->first_bad = seq;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v->why, sizeof(v->why), fmt, ap);
    va_end(ap);
}

/* An integer column as stored: 1, or 0 when it holds anything else (an edit through SQL). */
static int col_int(sqlite3_stmt *s, int i, int64_t *out)
{
    if (sqlite3_column_type(s, i) != SQLITE_INTEGER) {
        *out = 0;
        return 0;
    }
    *out = sqlite3_column_int64(s, i);
    return 1;
}

/* A text column as stored: 1, or 0 when it is not text or holds a NUL (*out "" or the text up to it). */
static int col_text(sqlite3_stmt *s, int i, const char **out)
{
    if (sqlite3_column_type(s, i) != SQLITE_TEXT) {
        *out = "";
        return 0;
    }
    const char *t = (const char *)sqlite3_column_text(s, i);
    int n = sqlite3_column_bytes(s, i);
    *out = t ? t : "";
    return t && strlen(t) == (size_t)n;
}

#define EVENT_COLUMNS                                                                                          \
    "seq, at, user_id, user_name, roles, origin, action, outcome, entity, entity_id, patient_id, claim_id,"    \
    " detail, prev_hash, hash"

/* Reads the row's fields (columns as EVENT_COLUMNS); 1 when every one holds its type. */
static int read_row(sqlite3_stmt *s, audit_row *r, const char **prev_hash, const char **hash)
{
    int ok = col_int(s, 1, &r->at);
    ok &= col_int(s, 2, &r->user_id);
    ok &= col_text(s, 3, &r->user);
    ok &= col_text(s, 4, &r->roles);
    ok &= col_text(s, 5, &r->origin);
    ok &= col_text(s, 6, &r->action);
    ok &= col_text(s, 7, &r->outcome);
    ok &= col_text(s, 8, &r->entity);
    ok &= col_int(s, 9, &r->entity_id);
    ok &= col_int(s, 10, &r->patient_id);
    ok &= col_int(s, 11, &r->claim_id);
    ok &= col_text(s, 12, &r->detail);
    ok &= col_text(s, 13, prev_hash);
    ok &= col_text(s, 14, hash);
    return ok;
}

/* The chain checks of one event; 0 when it breaks there (the problem is noted). */
static int check_event(walker *w, sqlite3_stmt *s, int64_t seq)
{
    rcm_audit_verdict *v = w->v;
    long long n = (long long)seq, e = (long long)w->expected;
    if (seq < w->expected) {
        problem(v, 1, "an event numbered %lld comes before event 1 (inserted)", n);
        return 0;
    }
    if (seq > w->expected) {
        if (w->expected == 1)
            problem(v, 1, "event 1 missing (the trail starts at event %lld)", n);
        else
            problem(v, w->expected, "event %lld missing (seq jumps %lld -> %lld)", e, e - 1, n);
        return 0;
    }
    audit_row r;
    const char *prev_hash, *hash;
    int types_ok = read_row(s, &r, &prev_hash, &hash);
    char h[65];
    audit_hash(&r, seq, prev_hash, h);
    int hash_ok = types_ok && strcmp(h, hash) == 0;
    int link_ok = strcmp(prev_hash, w->prev) == 0;
    if (link_ok && hash_ok)
        return 1;
    if (link_ok) {
        problem(v, seq, "event %lld: its hash does not match its fields (edited)", n);
    } else if (w->have_prev2 && strcmp(prev_hash, w->prev2) == 0) {
        /* the event before this one sits between two events that were adjacent */
        if (seq == 2)
            problem(v, 1, "event 1: not part of the chain: event 2's prev_hash is the chain's start (inserted)");
        else
            problem(v, seq - 1, "event %lld: not part of the chain: event %lld's prev_hash is event %lld's hash"
                                " (inserted)", n - 1, n, n - 2);
    } else if (seq == 1) {
        problem(v, 1, "event 1: prev_hash is not the chain's start (64 zeros)%s",
                hash_ok ? "" : " and its hash does not match its fields");
    } else if (hash_ok) {
        problem(v, seq, "event %lld: prev_hash is not event %lld's hash (inserted or reordered)", n, n - 1);
    } else {
        problem(v, seq, "event %lld: prev_hash is not event %lld's hash and its hash does not match its fields"
                        " (edited, renumbered or reordered)", n, n - 1);
    }
    return 0;
}

/* Compares the anchors of events up to seq (hash: event seq's, as stored). */
static void check_anchors(walker *w, int64_t seq, const char *hash)
{
    const anchor_set *as = w->as;
    for (; as && w->ai < as->n && as->v[w->ai].seq <= seq; w->ai++) {
        const anchor *a = &as->v[w->ai];
        long long n = (long long)a->seq;
        if (w->need_sig && a->sig == SIG_NONE)
            problem(w->v, a->seq, "anchor line %ld (event %lld) is not signed", a->line, n);
        else if (w->need_sig && a->sig != SIG_OK)
            problem(w->v, a->seq, "anchor line %ld (event %lld): its signature does not verify with the key given"
                                  " (the line was edited, or signed with another key)", a->line, n);
        if (a->seq < seq) {
            problem(w->v, a->seq, "event %lld missing: anchor line %ld holds it", n, a->line);
        } else if (strcmp(a->hash, hash) != 0) {
            if (w->good_seq)
                problem(w->v, a->seq, "event %lld: its hash is not the one anchor line %ld holds (the trail was"
                                      " rewritten after event %lld, anchored intact on line %ld, or the anchor"
                                      " edited)", n, a->line, (long long)w->good_seq, w->good_line);
            else
                problem(w->v, a->seq, "event %lld: its hash is not the one anchor line %ld holds (the trail was"
                                      " rewritten up to it, or the anchor edited)", n, a->line);
        } else if (!w->need_sig || a->sig == SIG_OK) {
            w->good_seq = a->seq;
            w->good_line = a->line;
        }
    }
}

/* Walks the whole trail by seq, filling w->v. Errors only when the store cannot be read. */
static int walk(rcm_store *st, walker *w, rcm_error *err)
{
    rcm_audit_verdict *v = w->v;
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(st, &s, "SELECT " EVENT_COLUMNS " FROM audit_log ORDER BY seq", err);
    if (rc < 0)
        return rc;
    w->chain_ok = 1;
    w->expected = 1;
    snprintf(w->prev, sizeof(w->prev), "%s", AUDIT_ZERO_HASH);
    w->have_prev2 = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        v->events++;
        if (w->chain_ok)
            w->chain_ok = check_event(w, s, seq);
        const char *hash;
        (void)col_text(s, 14, &hash);
        check_anchors(w, seq, hash);
        memcpy(w->prev2, w->prev, sizeof(w->prev2));
        w->have_prev2 = 1;
        snprintf(w->prev, sizeof(w->prev), "%.64s", hash);
        memcpy(v->head, w->prev, sizeof(v->head));
        v->head_seq = seq;
        w->expected = seq < INT64_MAX ? seq + 1 : seq;
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(st, err, "reading the audit trail");
    sqlite3_finalize(s);
    if (rc < 0)
        return rc;
    /* anchors past the newest event: events were removed from the end */
    const anchor_set *as = w->as;
    if (as && w->ai < as->n) {
        const anchor *a = &as->v[w->ai];
        if (v->head_seq)
            problem(v, v->head_seq + 1, "event %lld missing: anchor line %ld holds event %lld but the trail ends at"
                                        " event %lld (events removed from the end)", (long long)v->head_seq + 1,
                    a->line, (long long)a->seq, (long long)v->head_seq);
        else
            problem(v, 1, "event 1 missing: anchor line %ld holds event %lld but the trail is empty", a->line,
                    (long long)a->seq);
    }
    return 0;
}

/* The verdict as an event's detail. */
static void verdict_detail(const rcm_audit_verdict *v, const char *extra, char *out, size_t n)
{
    if (v->first_bad)
        snprintf(out, n, "broken at event %lld: %s; %lld events, %d anchor line%s%s", (long long)v->first_bad,
                 v->why, (long long)v->events, v->anchors, v->anchors == 1 ? "" : "s", extra);
    else
        snprintf(out, n, "holds: %lld events through event %lld, %d anchor line%s%s", (long long)v->events,
                 (long long)v->head_seq, v->anchors, v->anchors == 1 ? "" : "s", extra);
}

int rcm_audit_verify(rcm_cycle *cy, const char *anchor_path, const char *pubkey_hex, rcm_audit_verdict *v,
                     rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_AUDIT_READ, err);
    if (rc < 0)
        return rc;
    if (!v)
        return rcm_error_set(err, RCM_EINVAL, "no verdict to fill");
    memset(v, 0, sizeof(*v));
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES];
    if (pubkey_hex && hex_bytes(pk, sizeof(pk), pubkey_hex) != 0)
        return rcm_error_set(err, RCM_EINVAL, "the public key is not 64 lowercase hex digits");
    if (pubkey_hex && !anchor_path)
        return rcm_error_set(err, RCM_EINVAL, "a public key checks an anchor file's signatures: name the file");
    anchor_set as = { 0 };
    walker w = { .v = v, .as = anchor_path ? &as : NULL, .need_sig = pubkey_hex != NULL };
    char detail[480];
    if (anchor_path && (rc = anchors_load(anchor_path, pubkey_hex ? pk : NULL, 0, &as, err)) < 0)
        goto done;
    v->anchors = (int)(as.n > INT32_MAX ? INT32_MAX : as.n);
    if ((rc = walk(cy->st, &w, err)) < 0)
        goto done;
    verdict_detail(v, !anchor_path ? "" : pubkey_hex ? ", signatures checked" : "", detail, sizeof(detail));
    rc = cycle_audit_full(cy, "audit-verify", v->first_bad ? "failed" : "ok", "audit_log", 0, 0, 0, detail, err);
done:
    free(as.v);
    return rc;
}

/* ---- anchoring ---- */

/* Writes the whole line at the end of path (created 0600), then fsync (and the folder's when created). */
static int append_line(const char *path, const char *line, size_t n, rcm_error *err)
{
    struct stat sb;
    int created = stat(path, &sb) != 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return rcm_error_set(err, RCM_EIO, "anchor file '%s': %s", path, strerror(errno));
    size_t off = 0;
    int rc = 0;
    while (off < n) {
        ssize_t k = write(fd, line + off, n - off);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            rc = rcm_error_set(err, RCM_EIO, "anchor file '%s': %s", path, k < 0 ? strerror(errno) : "nothing written");
            break;
        }
        off += (size_t)k;
    }
    if (rc == 0 && fsync(fd) != 0)
        rc = rcm_error_set(err, RCM_EIO, "anchor file '%s': %s", path, strerror(errno));
    if (close(fd) != 0 && rc == 0)
        rc = rcm_error_set(err, RCM_EIO, "anchor file '%s': %s", path, strerror(errno));
    if (rc == 0 && created) {
        /* the new name must survive a crash too */
        char dir[4096] = ".";
        const char *slash = strrchr(path, '/');
        if (slash == path)
            snprintf(dir, sizeof(dir), "/");
        else if (slash)
            snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
        int dfd = open(dir, O_RDONLY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)fsync(dfd);
            close(dfd);
        }
    }
    return rc;
}

/* The secret key (libsodium's 64 bytes: seed and public key) from hex, checked to be one whole key pair. */
static int secret_key(unsigned char sk[crypto_sign_SECRETKEYBYTES], const char *hex, rcm_error *err)
{
    if (hex_bytes(sk, crypto_sign_SECRETKEYBYTES, hex) != 0)
        return rcm_error_set(err, RCM_EINVAL, "the secret key is not 128 lowercase hex digits");
    unsigned char seed[crypto_sign_SEEDBYTES], pk[crypto_sign_PUBLICKEYBYTES], sk2[crypto_sign_SECRETKEYBYTES];
    crypto_sign_ed25519_sk_to_seed(seed, sk);
    int ok = crypto_sign_seed_keypair(pk, sk2, seed) == 0 &&
             sodium_memcmp(pk, sk + crypto_sign_SEEDBYTES, sizeof(pk)) == 0;
    sodium_memzero(seed, sizeof(seed));
    sodium_memzero(sk2, sizeof(sk2));
    if (!ok)
        return rcm_error_set(err, RCM_EINVAL, "the secret key is damaged (its public half does not match it)");
    return 0;
}

int rcm_audit_anchor(rcm_cycle *cy, const char *path, const char *seckey_hex, rcm_audit_verdict *v, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_AUDIT_READ, err);
    if (rc < 0)
        return rc;
    if (!v || !path || !*path)
        return rcm_error_set(err, RCM_EINVAL, "no anchor file named");
    memset(v, 0, sizeof(*v));
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    unsigned char sk[crypto_sign_SECRETKEYBYTES] = { 0 };
    anchor_set as = { 0 };
    walker w = { .v = v, .as = &as };
    char at[21], line[ANCHOR_LINE_MAX + 8], detail[480], extra[64];
    int len;
    if (seckey_hex && (rc = secret_key(sk, seckey_hex, err)) < 0)
        goto done;
    /* the trail is proved against the file's earlier lines first: a head is never anchored unseen */
    if ((rc = anchors_load(path, NULL, 1, &as, err)) < 0)
        goto done;
    v->anchors = (int)(as.n > INT32_MAX ? INT32_MAX : as.n);
    if ((rc = walk(cy->st, &w, err)) < 0)
        goto done;
    if (v->events == 0) {
        rc = rcm_error_set(err, RCM_ENOTFOUND, "the audit trail has no event to anchor");
        goto done;
    }
    if (strlen(v->head) != 64 || !is_lhex(v->head, 64)) {
        rc = rcm_error_set(err, RCM_EFORMAT, "event %lld's hash is not 64 hex digits (the trail is damaged): not"
                                             " anchored", (long long)v->head_seq);
        goto done;
    }
    iso_time(cy->now, at);
    len = snprintf(line, sizeof(line), "%s" ANCHOR_TAG " %lld %s %s", as.open_end ? "\n" : "",
                   (long long)v->head_seq, v->head, at);
    if (seckey_hex) {
        const char *text = line + (as.open_end ? 1 : 0);
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), sk);
        char sig_hex[2 * crypto_sign_BYTES + 1];
        sodium_bin2hex(sig_hex, sizeof(sig_hex), sig, sizeof(sig));
        len += snprintf(line + len, sizeof(line) - (size_t)len, " %s", sig_hex);
    }
    len += snprintf(line + len, sizeof(line) - (size_t)len, "\n");
    if ((rc = append_line(path, line, (size_t)len, err)) < 0)
        goto done;
    snprintf(extra, sizeof(extra), "; anchored event %lld%s", (long long)v->head_seq, seckey_hex ? ", signed" : "");
    verdict_detail(v, extra, detail, sizeof(detail));
    rc = cycle_audit_full(cy, "audit-anchor", "ok", "audit_log", 0, 0, 0, detail, err);
done:
    free(as.v);
    sodium_memzero(sk, sizeof(sk));
    return rc;
}

int rcm_audit_keygen(char pk_hex[65], char sk_hex[129], rcm_error *err)
{
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "libsodium could not start");
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    if (crypto_sign_keypair(pk, sk) != 0)
        return rcm_error_set(err, RCM_EIO, "could not make a key pair");
    sodium_bin2hex(pk_hex, 65, pk, sizeof(pk));
    sodium_bin2hex(sk_hex, 129, sk, sizeof(sk));
    sodium_memzero(sk, sizeof(sk));
    return 0;
}

/* ---- the log ---- */

/*
 * The events about a set of claims (the CTE pc): theirs, and those of the
 * batches, remittances and exchanged files that hold them. A claim's
 * batch is claim.batch_id (its latest submission) or any batch an
 * acknowledgment of the claim names.
 */
#define CLAIM_SET_CTES                                                                                         \
    " pb(id) AS (SELECT batch_id FROM claim WHERE claim_id IN pc AND batch_id IS NOT NULL"                     \
    "  UNION SELECT batch_id FROM ack WHERE claim_id IN pc AND batch_id IS NOT NULL),"                         \
    " pr(id) AS (SELECT remit_id FROM remit_claim WHERE claim_id IN pc),"                                      \
    " pf(id) AS (SELECT file_id FROM batch WHERE batch_id IN pb UNION SELECT file_id FROM remit WHERE"          \
    "  remit_id IN pr UNION SELECT file_id FROM ack WHERE claim_id IN pc OR batch_id IN pb)"
#define CLAIM_SET_EVENTS                                                                                       \
    "a.claim_id IN pc OR (a.entity = 'claim' AND a.entity_id IN pc) OR (a.entity = 'batch' AND a.entity_id IN"  \
    " pb) OR (a.entity = 'remit' AND a.entity_id IN pr) OR (a.entity = 'x12_file' AND a.entity_id IN pf)"

/* One integer a query with one text parameter returns: 1 found, 0 none. */
static int lookup(rcm_cycle *cy, const char *sql, const char *arg, int64_t *out, int64_t *out2, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s, sql, err);
    if (rc < 0)
        return rc;
    sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    int step = sqlite3_step(s);
    if (step == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        if (out2)
            *out2 = sqlite3_column_int64(s, 1);
        rc = 1;
    } else if (step != SQLITE_DONE) {
        rc = store_sqlerr(cy->st, err, "reading the audit log's filter");
    }
    sqlite3_finalize(s);
    return rc;
}

static const char *set_or_null(const char *s) { return s && *s ? s : NULL; }

/* A column as text whatever it holds ("" for NULL), for showing. */
static const char *col_any(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return t ? t : "";
}

/* The filter as the audit-log event's detail (never the MRN: the patient's id). */
static void filter_detail(const rcm_audit_filter *f, int64_t patient_id, int64_t claim_id, rcm_buf *b)
{
    rcm_buf_adds(b, "audit log");
    if (set_or_null(f->user))
        rcm_buf_addf(b, " user=%.64s", f->user);
    if (set_or_null(f->patient))
        rcm_buf_addf(b, " patient=%lld", (long long)patient_id);
    if (set_or_null(f->claim_no))
        rcm_buf_addf(b, " claim=%.38s (id %lld)", f->claim_no, (long long)claim_id);
    if (set_or_null(f->action))
        rcm_buf_addf(b, " action=%.32s", f->action);
    char t[21];
    if (f->from) {
        iso_time(f->from, t);
        rcm_buf_addf(b, " from=%s", t);
    }
    if (f->to) {
        iso_time(f->to, t);
        rcm_buf_addf(b, " to=%s", t);
    }
    if (f->limit)
        rcm_buf_addf(b, " limit=%lld", (long long)f->limit);
}

static int build_query(const rcm_audit_filter *f, int by_patient, int by_claim, int none, rcm_buf *q)
{
    if (by_patient || by_claim) {
        rcm_buf_adds(q, "WITH pc(id) AS (");
        rcm_buf_adds(q, by_claim ? "SELECT :cid" : "SELECT claim_id FROM claim WHERE patient_id = :pid");
        rcm_buf_adds(q, ")," CLAIM_SET_CTES " ");
    }
    rcm_buf_adds(q, "SELECT * FROM (SELECT a.seq, a.at, a.user_id, a.user_name, a.roles, a.origin, a.action,"
                    " a.outcome, a.entity, a.entity_id, a.patient_id, a.claim_id, a.detail, a.prev_hash, a.hash"
                    " FROM audit_log a WHERE a.seq <= :head");
    if (none)
        rcm_buf_adds(q, " AND 0");
    if (by_claim)
        rcm_buf_adds(q, " AND (" CLAIM_SET_EVENTS ")");
    else if (by_patient)
        /* an event about one of the patient's claims is found through the claim (the patient index
           holds only the events without a claim: lib/store/schema.c) */
        rcm_buf_adds(q, " AND ((a.claim_id = 0 AND a.patient_id = :pid) OR " CLAIM_SET_EVENTS ")");
    if (set_or_null(f->user))
        rcm_buf_adds(q, " AND a.user_name = :user");
    if (set_or_null(f->action))
        rcm_buf_adds(q, " AND a.action = :action");
    if (f->from)
        rcm_buf_adds(q, " AND a.at >= :from");
    if (f->to)
        rcm_buf_adds(q, " AND a.at < :to");
    /* a limit keeps the newest events, still listed oldest first */
    rcm_buf_adds(q, f->limit ? " ORDER BY a.seq DESC LIMIT :limit) ORDER BY seq" : ") ORDER BY seq");
    return rcm_buf_failed(q) ? -1 : 0;
}

static void bind_named_int(sqlite3_stmt *s, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(s, name);
    if (i > 0)
        sqlite3_bind_int64(s, i, v);
}

static void bind_named_text(sqlite3_stmt *s, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(s, name);
    if (i > 0)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
}

int rcm_audit_log(rcm_cycle *cy, const rcm_audit_filter *f, int (*fn)(const rcm_audit_event *ev, void *ctx),
                  void *ctx, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_AUDIT_READ, err);
    if (rc < 0)
        return rc;
    rcm_audit_filter all = { 0 };
    if (!f)
        f = &all;
    if (!fn)
        return rcm_error_set(err, RCM_EINVAL, "no function to call for each event");
    if (f->limit < 0 || f->from < 0 || f->to < 0 || (f->from && f->to && f->from > f->to))
        return rcm_error_set(err, RCM_EINVAL, "the audit log's filter: limit, from and to are from 0, from <= to");
    int64_t patient_id = 0, claim_id = 0, claim_patient = 0, head = 0;
    int by_patient = set_or_null(f->patient) != NULL, by_claim = set_or_null(f->claim_no) != NULL;
    if (by_patient) {
        rc = lookup(cy, "SELECT patient_id FROM patient WHERE mrn = ? ORDER BY patient_id LIMIT 1", f->patient,
                    &patient_id, NULL, err);
        if (rc == 0)
            rc = rcm_error_set(err, RCM_ENOTFOUND, "no patient has the MRN given");
        if (rc < 0)
            return rc;
    }
    if (by_claim) {
        rc = lookup(cy, "SELECT claim_id, patient_id FROM claim WHERE claim_no = ?", f->claim_no, &claim_id,
                    &claim_patient, err);
        if (rc == 0)
            rc = rcm_error_set(err, RCM_ENOTFOUND, "no claim '%.38s'", f->claim_no);
        if (rc < 0)
            return rc;
    }
    /* the query is on record before any event is shown; it lists the trail as it stood before it */
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s, "SELECT COALESCE(MAX(seq), 0) FROM audit_log", err)) < 0)
        return rc;
    if (sqlite3_step(s) == SQLITE_ROW)
        head = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading the audit trail's head");
    sqlite3_finalize(s);
    s = NULL;
    if (rc < 0)
        return rc;
    rcm_buf b;
    rcm_buf_init(&b, 1024);
    filter_detail(f, patient_id, claim_id, &b);
    rc = cycle_audit_full(cy, "audit-log", "ok", "audit_log", 0, by_patient ? patient_id : claim_patient, claim_id,
                          rcm_buf_failed(&b) ? "audit log" : b.ptr, err);
    rcm_buf_release(&b);
    if (rc < 0)
        return rc;

    rcm_buf q;
    rcm_buf_init(&q, 8192);
    if (build_query(f, by_patient, by_claim, by_patient && by_claim && claim_patient != patient_id, &q) < 0) {
        rcm_buf_release(&q);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory building the audit log's query");
    }
    rc = store_prepare(cy->st, &s, q.ptr, err);
    rcm_buf_release(&q);
    if (rc < 0)
        return rc;
    bind_named_int(s, ":head", head);
    bind_named_int(s, ":pid", patient_id);
    bind_named_int(s, ":cid", claim_id);
    bind_named_text(s, ":user", f->user);
    bind_named_text(s, ":action", f->action);
    bind_named_int(s, ":from", f->from);
    bind_named_int(s, ":to", f->to);
    bind_named_int(s, ":limit", f->limit);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_audit_event ev = {
            .seq = sqlite3_column_int64(s, 0), .at = sqlite3_column_int64(s, 1),
            .user_id = sqlite3_column_int64(s, 2), .user = col_any(s, 3), .roles = col_any(s, 4),
            .origin = col_any(s, 5), .action = col_any(s, 6), .outcome = col_any(s, 7), .entity = col_any(s, 8),
            .entity_id = sqlite3_column_int64(s, 9), .patient_id = sqlite3_column_int64(s, 10),
            .claim_id = sqlite3_column_int64(s, 11), .detail = col_any(s, 12), .prev_hash = col_any(s, 13),
            .hash = col_any(s, 14),
        };
        if (fn(&ev, ctx) != 0) {
            step = SQLITE_DONE;
            break;
        }
    }
    if (step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the audit log");
    sqlite3_finalize(s);
    return rc;
}
