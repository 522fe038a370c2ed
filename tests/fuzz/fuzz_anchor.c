/*
 * Fuzz target: the anchor-file reader of rcm_audit_verify (lib/audit/trail.c)
 * on a small store whose trail holds.
 *
 * The store is made once (an admin, a few settings changed: a dozen
 * events). Each input is written as the anchor file and verified inside an
 * outer transaction rolled back at the end, so every input sees the same
 * trail. So that inputs can reach the paths past the parser (anchors that
 * match, good signatures), two escapes are expanded before the file is
 * written; every other byte is kept as it is:
 *   %H followed by a digit d   the stored hash of event d (1 to 9)
 *   " %S" at the end of a line a valid signature of the line before it, by
 *                              the target's fixed key
 * Checks:
 *   - an error is a format or limit error with a message (the file exists);
 *   - a verdict counts every event, and names a first bad event only when
 *     the file has anchor lines (the chain itself holds), never beyond the
 *     event after the head;
 *   - with the public key a broken trail is never found to hold;
 *   - when the trail holds with the file, anchoring appends one line that the
 *     next verification reads and accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "rcm/rcm.h"
#include "rcm/audit.h"
#include "rcm/auth.h"
#include "../../lib/store/store_internal.h"

#define CHECK(c)                                                                           \
    do {                                                                                   \
        if (!(c)) {                                                                        \
            fprintf(stderr, "fuzz_anchor: check failed: %s (line %d)\n", #c, __LINE__);   \
            abort();                                                                       \
        }                                                                                  \
    } while (0)

#include "fuzz_store.h"

#define NOW INT64_C(1656676800)

static fuzz_store fs;
static rcm_store *st;
static rcm_cycle *cy;
static int64_t events;
static char hashes[10][65];
static unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
static char pk_hex[65];

static void cleanup(void)
{
    rcm_cycle_free(cy);
    rcm_store_close(st);
    fuzz_store_remove(&fs);
}

static void setup(void)
{
    st = fuzz_store_create(&fs, "trail.anchor");
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_auth_bootstrap(st, "admin", "fuzzing the anchor file", "minimum", NOW, &err) == 0);
    char token[RCM_TOKEN_LEN + 1];
    CHECK(rcm_auth_login(st, "admin", "fuzzing the anchor file", "fuzz", NOW, token, &err) == 0);
    CHECK(rcm_cycle_open(&cy, st, token, "fuzz", NOW, &err) == 0);
    rcm_cycle_set_now(cy, NOW);
    static const char *const set[][2] = {
        { "idle-minutes", "20" }, { "session-minutes", "240" }, { "lockout-failures", "4" },
        { "em-min-visits", "30" }, { "writeoff-approval", "250.00" }, { "multi-role", "on" },
        { "lockout-minutes", "20" }, { "idle-minutes", "25" }, { "session-minutes", "300" },
        { "em-min-visits", "25" },
    };
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++)
        CHECK(rcm_setting_set(cy, set[i][0], set[i][1], &err) == 0);
    sqlite3_stmt *s = NULL;
    CHECK(sqlite3_prepare_v2(store_db(st), "SELECT seq, hash FROM audit_log ORDER BY seq", -1, &s, NULL) ==
          SQLITE_OK);
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        if (seq < 10)
            snprintf(hashes[seq], sizeof(hashes[seq]), "%s", (const char *)sqlite3_column_text(s, 1));
        events = seq;
    }
    sqlite3_finalize(s);
    CHECK(events >= 10);   /* %H1..%H9 name events before the head; the verifications' are not reachable */
    CHECK(sodium_init() >= 0);
    unsigned char seed[crypto_sign_SEEDBYTES];
    for (size_t i = 0; i < sizeof(seed); i++)
        seed[i] = (unsigned char)(i * 7 + 1);
    CHECK(crypto_sign_seed_keypair(pk, sk, seed) == 0);
    sodium_bin2hex(pk_hex, sizeof(pk_hex), pk, sizeof(pk));
    atexit(cleanup);
}

/* Expands the escapes (see the top) into out; returns its length. */
static size_t expand(const uint8_t *in, size_t n, char *out)
{
    size_t o = 0, line = 0;     /* line: where the current output line starts */
    for (size_t i = 0; i < n;) {
        if (in[i] == '%' && i + 2 < n && in[i + 1] == 'H' && in[i + 2] >= '1' && in[i + 2] <= '9') {
            memcpy(out + o, hashes[in[i + 2] - '0'], 64);
            o += 64;
            i += 3;
            continue;
        }
        int at_end = i + 3 <= n && in[i] == ' ' && in[i + 1] == '%' && in[i + 2] == 'S' &&
                     (i + 3 == n || in[i + 3] == '\n' || in[i + 3] == '\r');
        if (at_end) {
            unsigned char sig[crypto_sign_BYTES];
            crypto_sign_detached(sig, NULL, (const unsigned char *)out + line, o - line, sk);
            out[o++] = ' ';
            sodium_bin2hex(out + o, 2 * crypto_sign_BYTES + 1, sig, sizeof(sig));
            o += 2 * crypto_sign_BYTES;
            i += 3;
            continue;
        }
        out[o++] = (char)in[i];
        if (in[i++] == '\n')
            line = o;
    }
    return o;
}

/* Verifies the anchor file; returns the rc, v and err filled. */
static int verify(const char *key, rcm_audit_verdict *v, rcm_error *err)
{
    memset(err, 0, sizeof(*err));
    int rc = rcm_audit_verify(cy, fs.file, key, v, err);
    CHECK(rcm_store_in_transaction(st) == 1);
    if (rc < 0) {
        CHECK(rc == RCM_EFORMAT || rc == RCM_ELIMIT || rc == RCM_ENOMEM);
        CHECK(err->msg[0]);
    }
    return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!st)
        setup();
    if (size > 1 << 20)
        return 0;
    /* an escape grows 3 bytes into at most 129 */
    char *text = malloc(size / 3 * 129 + 64 + 1);
    CHECK(text);
    size_t n = expand(data, size, text);
    fuzz_write_file(fs.file, text, n);
    free(text);

    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_store_begin(st, &err) == 0);
    rcm_audit_verdict v, vk;
    int rc = verify(NULL, &v, &err);
    int rck = verify(pk_hex, &vk, &err);
    CHECK((rc < 0) == (rck < 0));
    if (rc == 0) {
        /* each verification appends its event: the second saw one more */
        CHECK(v.events == events && v.head_seq == events);
        CHECK(vk.events == events + 1 && vk.head_seq == events + 1);
        CHECK(v.anchors >= 0 && v.anchors == vk.anchors);
        if (v.anchors == 0)
            CHECK(v.first_bad == 0 && vk.first_bad == 0);
        CHECK(v.first_bad >= 0 && v.first_bad <= v.head_seq + 1);
        CHECK(vk.first_bad >= 0 && vk.first_bad <= vk.head_seq + 1);
        CHECK(!v.first_bad || v.why[0]);
        CHECK(!vk.first_bad || vk.why[0]);
        /* a key only adds checks (the second walk also saw the first one's event: compare verdicts only) */
        if (v.first_bad)
            CHECK(vk.first_bad != 0);
        if (v.first_bad == 0) {
            rcm_audit_verdict a, again;
            memset(&err, 0, sizeof(err));
            CHECK(rcm_audit_anchor(cy, fs.file, NULL, &a, &err) == 0);
            CHECK(a.first_bad == 0 && a.anchors == v.anchors);
            CHECK(verify(NULL, &again, &err) == 0);
            CHECK(again.first_bad == 0);
            CHECK(again.anchors == v.anchors + 1);
        }
    }
    rcm_store_rollback(st);
    return 0;
}
