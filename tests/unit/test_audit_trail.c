/*
 * The chained audit trail read back (include/rcm/audit.h, lib/audit/trail.c):
 * rcm_audit_verify against an attacker who opens the store with sqlite3,
 * drops the triggers and edits, deletes, inserts, reorders or rewrites
 * events, or edits the anchor file: each is caught and the first broken
 * event named. The triggers themselves refuse UPDATE and DELETE. Anchors
 * (signed and not), keys, the log's filters (user, patient, claim, action,
 * time, limit) and who may do all this.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "cycle_fixture.h"
#include "cycle_fixture_claims.h"
#include "post_fixture.h"
#include "rcm/audit.h"
#include "rcm/auth.h"
#include "rcm/submit.h"
#include "../../lib/audit/chain.h"

static cyfx f;
static rcm_cycle *aud;     /* an auditor */

/* A store with a few dozen events: the fixture's users and practice, three encounters coded and billed. */
static void setup(void)
{
    cyfx_open(&f);
    aud = cyfx_user(&f, "audrey", RCM_ROLE_AUDITOR, 0);
    cyfx_add(&f, "ENC-1", NULL, "MCR", "I10", "99213");
    cyfx_add(&f, "ENC-2", NULL, "MCR", "E11.9", "99214");
    cyfx_add(&f, "ENC-3", NULL, "BCBS", "I10", "99213");
    cr_assert_eq(cyfx_bill(&f), 0, "%s", f.err.msg);
}
static void teardown(void) { cyfx_close(&f); }
TestSuite(audit_trail, .init = setup, .fini = teardown);

static int64_t q(const char *sql) { return cyfx_int(&f, sql); }
static int64_t head(void) { return q("SELECT MAX(seq) FROM audit_log"); }

/* ---- the attacker: sqlite3 on the store's file ---- */

static void raw_v(int check, const char *fmt, va_list ap)
{
    char sql[4096];
    vsnprintf(sql, sizeof(sql), fmt, ap);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(f.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    char *msg = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &msg);
    if (check)
        cr_assert_eq(rc, SQLITE_OK, "%s: %s", sql, msg ? msg : "");
    sqlite3_free(msg);
    sqlite3_close(db);
}

/* Runs SQL as the attacker (asserts it runs). */
static void raw(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    raw_v(1, fmt, ap);
    va_end(ap);
}

static void drop_triggers(void)
{
    raw("DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;");
}

/* Saves event k aside (tamper, verify, then restore_event puts it back exactly). */
static void save_event(int64_t k)
{
    raw("DROP TABLE IF EXISTS saved; CREATE TABLE saved AS SELECT * FROM audit_log WHERE seq = %lld", (long long)k);
}

static void restore_event(int64_t k)
{
    raw("DELETE FROM audit_log WHERE seq = %lld; INSERT INTO audit_log SELECT * FROM saved; DROP TABLE saved",
        (long long)k);
}

/* An event's stored hash. */
static const char *hash_of(int64_t k)
{
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT hash FROM audit_log WHERE seq = %lld", (long long)k);
    return cyfx_text(&f, sql);
}

static rcm_audit_verdict verify_as(rcm_cycle *cy, const char *anchor, const char *pk)
{
    rcm_audit_verdict v;
    memset(&f.err, 0, sizeof(f.err));
    int rc = rcm_audit_verify(cy, anchor, pk, &v, &f.err);
    cr_assert_eq(rc, 0, "verify: %s:%ld: %s", f.err.source ? f.err.source : "", f.err.line, f.err.msg);
    return v;
}

static rcm_audit_verdict verify(const char *anchor, const char *pk) { return verify_as(aud, anchor, pk); }

static void assert_holds(const char *anchor, const char *pk)
{
    rcm_audit_verdict v = verify(anchor, pk);
    cr_assert_eq(v.first_bad, 0, "the chain should hold: %s", v.why);
}

static void assert_broken(const char *anchor, const char *pk, int64_t first, const char *why_part)
{
    rcm_audit_verdict v = verify(anchor, pk);
    cr_assert_eq(v.first_bad, first, "first bad %lld, expected %lld: %s", (long long)v.first_bad,
                 (long long)first, v.why);
    cr_assert_not_null(strstr(v.why, why_part), "'%s' does not say '%s'", v.why, why_part);
}

static const char *path_in(const char *name)
{
    static char p[8][320];
    static int i;
    char *out = p[i++ % 8];
    snprintf(out, 320, "%s/%s", f.dir, name);
    return out;
}

static void anchor(const char *path, const char *sk)
{
    rcm_audit_verdict v;
    memset(&f.err, 0, sizeof(f.err));
    cr_assert_eq(rcm_audit_anchor(aud, path, sk, &v, &f.err), 0, "anchor: %s", f.err.msg);
    cr_assert_eq(v.first_bad, 0, "anchoring a broken chain: %s", v.why);
}

/* More events after an anchor: an encounter imported, coded and signed off. */
static void more_events(const char *id)
{
    int64_t enc = cyfx_add(&f, id, NULL, "AETNA", "I10", "99212");
    cyfx_code(&f, enc, NULL);
    cyfx_sign(&f, enc);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    cr_assert_not_null(fp, "%s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    fputs(text, fp);
    fclose(fp);
}

/* ---- an untouched chain ---- */

Test(audit_trail, untouched_chain_holds_and_verification_is_an_event)
{
    int64_t n = head();
    cr_assert_gt(n, 20, "the fixture has %lld events", (long long)n);
    rcm_audit_verdict v = verify(NULL, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.events, n);
    cr_assert_eq(v.head_seq, n);
    cr_assert_str_eq(v.head, hash_of(n));
    cr_assert_eq(v.anchors, 0);
    cr_assert_eq(head(), n + 1, "the verification is an event");
    cr_assert_str_eq(cyfx_text(&f, "SELECT action || ' ' || outcome || ' ' || user_name || ' ' || detail"
                                   " FROM audit_log ORDER BY seq DESC LIMIT 1"),
                     cyfx_text(&f, "SELECT 'audit-verify ok audrey holds: ' || (MAX(seq) - 1) || ' events through"
                                   " event ' || (MAX(seq) - 1) || ', 0 anchor lines' FROM audit_log"));
    /* the first event starts from zeros; every event links to the one before */
    cr_assert_str_eq(cyfx_text(&f, "SELECT prev_hash FROM audit_log WHERE seq = 1"), AUDIT_ZERO_HASH);
    cr_assert_eq(q("SELECT count(*) FROM audit_log a JOIN audit_log b ON b.seq = a.seq + 1"
                   " WHERE b.prev_hash <> a.hash"), 0);
    /* again, now over its own event */
    v = verify(NULL, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.events, n + 1);
}

Test(audit_trail, triggers_refuse_update_and_delete)
{
    static const char *const sql[] = {
        "UPDATE audit_log SET detail = 'x' WHERE seq = 3",
        "UPDATE audit_log SET seq = seq + 1000",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
    };
    int64_t n = head();
    char before[65];
    snprintf(before, sizeof(before), "%s", hash_of(3));
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3 *db = NULL;
        cr_assert_eq(sqlite3_open_v2(f.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
        char *msg = NULL;
        int rc = sqlite3_exec(db, sql[i], NULL, NULL, &msg);
        cr_assert_eq(rc, SQLITE_CONSTRAINT, "%s: rc %d", sql[i], rc);
        cr_assert_not_null(msg);
        cr_assert_not_null(strstr(msg, "the audit trail cannot be changed"), "%s: %s", sql[i], msg);
        sqlite3_free(msg);
        sqlite3_close(db);
    }
    cr_assert_eq(head(), n);
    cr_assert_str_eq(hash_of(3), before);
    assert_holds(NULL, NULL);
}

/* ---- edits ---- */

Test(audit_trail, an_edit_of_any_column_names_the_event)
{
    static const struct {
        const char *column, *set;
    } edits[] = {
        { "at", "at + 1" },
        { "at", "CAST(at AS TEXT) || 'x'" },     /* same number read as an integer, but not one */
        { "user_id", "user_id + 1" },
        { "user_name", "'mallory'" },
        { "roles", "roles || ',admin'" },
        { "origin", "origin || ' '" },
        { "action", "action || 'x'" },
        { "outcome", "'deniedx'" },
        { "entity", "entity || 'x'" },
        { "entity_id", "entity_id + 1" },
        { "patient_id", "patient_id + 1" },
        { "claim_id", "claim_id + 7" },
        { "detail", "detail || '!'" },
        { "detail", "detail || char(0) || 'hidden'" },  /* a NUL: the same text up to it */
        { "detail", "CAST(detail AS BLOB)" },
        /* the first digit always changes (a fixed digit would equal it one time in sixteen) */
        { "prev_hash", "CASE substr(prev_hash, 1, 1) WHEN '1' THEN '2' ELSE '1' END || substr(prev_hash, 2)" },
        { "prev_hash", "upper(prev_hash)" },
        { "hash", "CASE substr(hash, 1, 1) WHEN '0' THEN '1' ELSE '0' END || substr(hash, 2)" },
        { "hash", "hash || '0'" },
    };
    drop_triggers();
    int64_t k = head() / 2;
    for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
        save_event(k);
        raw("UPDATE audit_log SET %s = %s WHERE seq = %lld", edits[i].column, edits[i].set, (long long)k);
        cr_assert_eq(q("SELECT count(*) FROM audit_log a JOIN saved s USING (seq)"
                       " WHERE a.at IS s.at AND a.user_id IS s.user_id AND a.user_name IS s.user_name"
                       " AND a.roles IS s.roles AND a.origin IS s.origin AND a.action IS s.action"
                       " AND a.outcome IS s.outcome AND a.entity IS s.entity AND a.entity_id IS s.entity_id"
                       " AND a.patient_id IS s.patient_id AND a.claim_id IS s.claim_id AND a.detail IS s.detail"
                       " AND a.prev_hash IS s.prev_hash AND a.hash IS s.hash"),
                     0, "edit %zu (%s) changed nothing", i, edits[i].column);
        rcm_audit_verdict v = verify(NULL, NULL);
        cr_assert_eq(v.first_bad, k, "edit of %s (%s): first bad %lld, expected %lld: %s", edits[i].column,
                     edits[i].set, (long long)v.first_bad, (long long)k, v.why);
        /* a field or the hash: "edited"; the link itself: named as a broken link */
        const char *want = strcmp(edits[i].column, "prev_hash") == 0 ? "prev_hash is not event" : "(edited)";
        cr_assert_not_null(strstr(v.why, want), "edit of %s: '%s'", edits[i].column, v.why);
        restore_event(k);
        assert_holds(NULL, NULL);
    }
}

Test(audit_trail, an_edit_of_the_first_or_newest_event)
{
    drop_triggers();
    save_event(1);
    raw("UPDATE audit_log SET detail = 'x' WHERE seq = 1");
    assert_broken(NULL, NULL, 1, "event 1: its hash does not match its fields (edited)");
    restore_event(1);
    assert_holds(NULL, NULL);
    int64_t n = head();
    raw("UPDATE audit_log SET user_name = 'nobody' WHERE seq = %lld", (long long)n);
    assert_broken(NULL, NULL, n, "(edited)");
}

/* ---- deletions ---- */

Test(audit_trail, a_deleted_middle_event_is_missing)
{
    drop_triggers();
    int64_t k = head() / 2;
    raw("DELETE FROM audit_log WHERE seq = %lld", (long long)k);
    char why[96];
    snprintf(why, sizeof(why), "event %lld missing (seq jumps %lld -> %lld)", (long long)k, (long long)k - 1,
             (long long)k + 1);
    assert_broken(NULL, NULL, k, why);
}

Test(audit_trail, deleted_first_events)
{
    drop_triggers();
    raw("DELETE FROM audit_log WHERE seq <= 2");
    assert_broken(NULL, NULL, 1, "event 1 missing (the trail starts at event 3)");
}

Test(audit_trail, deleted_then_renumbered_breaks_at_the_gap)
{
    drop_triggers();
    int64_t k = head() / 2;
    raw("DELETE FROM audit_log WHERE seq = %lld;"
        "UPDATE audit_log SET seq = -(seq - 1) WHERE seq > %lld; UPDATE audit_log SET seq = -seq WHERE seq < 0",
        (long long)k, (long long)k);
    assert_broken(NULL, NULL, k, "prev_hash is not event");
}

Test(audit_trail, deleting_the_newest_events_is_caught_only_with_an_anchor)
{
    const char *file = path_in("trail.anchor");
    int64_t n = head();
    anchor(file, NULL);                      /* anchors event n; the anchoring is event n + 1 */
    more_events("ENC-9");
    drop_triggers();
    raw("DELETE FROM audit_log WHERE seq >= %lld", (long long)n);
    assert_holds(NULL, NULL);                /* what is left is a good chain */
    char why[160];
    snprintf(why, sizeof(why), "event %lld missing: anchor line 1 holds event %lld but the trail ends at event %lld"
                               " (events removed from the end)",
             (long long)n, (long long)n, (long long)n - 1);
    /* the verification above appended event n: delete it too, as the attacker would */
    raw("DELETE FROM audit_log WHERE seq >= %lld", (long long)n);
    assert_broken(file, NULL, n, why);
}

Test(audit_trail, deleting_only_the_last_anchored_event_is_caught)
{
    const char *file = path_in("a");
    anchor(file, NULL);
    int64_t n = head() - 1;                  /* the anchored event */
    drop_triggers();
    raw("DELETE FROM audit_log WHERE seq = %lld", (long long)n);
    assert_broken(file, NULL, n, "missing");
}

/* ---- insertions and reordering ---- */

/* Reads event k as an audit_row (strings into bufs). */
typedef struct ev_copy {
    audit_row r;
    char user[64], roles[64], origin[160], action[32], outcome[16], entity[32], detail[512], prev[65], hash[65];
} ev_copy;

static void read_event(int64_t k, ev_copy *e)
{
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(f.db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(db,
                                    "SELECT at, user_id, user_name, roles, origin, action, outcome, entity,"
                                    " entity_id, patient_id, claim_id, detail, prev_hash, hash FROM audit_log"
                                    " WHERE seq = ?",
                                    -1, &s, NULL),
                 SQLITE_OK);
    sqlite3_bind_int64(s, 1, k);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW, "no event %lld", (long long)k);
    memset(e, 0, sizeof(*e));
#define T(i, field) snprintf(e->field, sizeof(e->field), "%s", (const char *)sqlite3_column_text(s, i))
    e->r.at = sqlite3_column_int64(s, 0);
    e->r.user_id = sqlite3_column_int64(s, 1);
    T(2, user);
    T(3, roles);
    T(4, origin);
    T(5, action);
    T(6, outcome);
    T(7, entity);
    e->r.entity_id = sqlite3_column_int64(s, 8);
    e->r.patient_id = sqlite3_column_int64(s, 9);
    e->r.claim_id = sqlite3_column_int64(s, 10);
    T(11, detail);
    T(12, prev);
    T(13, hash);
#undef T
    sqlite3_finalize(s);
    sqlite3_close(db);
    e->r.user = e->user;
    e->r.roles = e->roles;
    e->r.origin = e->origin;
    e->r.action = e->action;
    e->r.outcome = e->outcome;
    e->r.entity = e->entity;
    e->r.detail = e->detail;
}

/* Writes event e at seq k with prev_hash prev and a hash computed as rcm would (an attacker who read chain.c). */
static void write_event(int64_t k, ev_copy *e, const char *prev, int insert)
{
    char h[65];
    audit_hash(&e->r, k, prev, h);
    sqlite3 *db = NULL;
    cr_assert_eq(sqlite3_open_v2(f.db, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt *s = NULL;
    const char *sql = insert ? "INSERT INTO audit_log (at, user_id, user_name, roles, origin, action, outcome, entity,"
                               " entity_id, patient_id, claim_id, detail, prev_hash, hash, seq)"
                               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             : "UPDATE audit_log SET at = ?, user_id = ?, user_name = ?, roles = ?, origin = ?,"
                               " action = ?, outcome = ?, entity = ?, entity_id = ?, patient_id = ?, claim_id = ?,"
                               " detail = ?, prev_hash = ?, hash = ? WHERE seq = ?";
    cr_assert_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_bind_int64(s, 1, e->r.at);
    sqlite3_bind_int64(s, 2, e->r.user_id);
    sqlite3_bind_text(s, 3, e->r.user, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, e->r.roles, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, e->r.origin, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, e->r.action, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, e->r.outcome, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 8, e->r.entity, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 9, e->r.entity_id);
    sqlite3_bind_int64(s, 10, e->r.patient_id);
    sqlite3_bind_int64(s, 11, e->r.claim_id);
    sqlite3_bind_text(s, 12, e->r.detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 13, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 14, h, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 15, k);
    cr_assert_eq(sqlite3_step(s), SQLITE_DONE, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    sqlite3_close(db);
    snprintf(e->hash, sizeof(e->hash), "%s", h);
}

/* Moves events k.. one place up (k is then free). */
static void shift_up(int64_t k)
{
    raw("UPDATE audit_log SET seq = -(seq + 1) WHERE seq >= %lld; UPDATE audit_log SET seq = -seq WHERE seq < 0",
        (long long)k);
}

Test(audit_trail, a_forged_event_inserted_in_the_middle_is_named)
{
    drop_triggers();
    int64_t k = head() / 2;
    ev_copy e;
    read_event(k, &e);
    char prev[65];
    snprintf(prev, sizeof(prev), "%s", e.prev);   /* event k - 1's hash */
    shift_up(k);
    snprintf(e.detail, sizeof(e.detail), "writeoff claim C000000001 amount 9999.00");
    snprintf(e.action, sizeof(e.action), "writeoff");
    write_event(k, &e, prev, 1);                  /* a correct-looking hash over a correct prev_hash */
    char why[160];
    snprintf(why, sizeof(why), "event %lld: not part of the chain: event %lld's prev_hash is event %lld's hash"
                               " (inserted)", (long long)k, (long long)k + 1, (long long)k - 1);
    assert_broken(NULL, NULL, k, why);
}

Test(audit_trail, a_forged_event_inserted_second)
{
    drop_triggers();
    ev_copy e;
    read_event(2, &e);
    shift_up(2);
    write_event(2, &e, hash_of(1), 1);
    assert_broken(NULL, NULL, 2, "event 2: not part of the chain: event 3's prev_hash is event 1's hash");
}

Test(audit_trail, a_forged_first_event)
{
    drop_triggers();
    ev_copy e;
    read_event(1, &e);
    shift_up(1);
    write_event(1, &e, AUDIT_ZERO_HASH, 1);
    assert_broken(NULL, NULL, 1, "event 1: not part of the chain: event 2's prev_hash is the chain's start");
}

Test(audit_trail, an_event_numbered_before_one)
{
    drop_triggers();
    ev_copy e;
    read_event(1, &e);
    write_event(0, &e, AUDIT_ZERO_HASH, 1);
    assert_broken(NULL, NULL, 1, "an event numbered 0 comes before event 1 (inserted)");
}

Test(audit_trail, swapped_events_are_named_at_the_first_place)
{
    static const int gap[] = { 1, 3 };
    for (size_t i = 0; i < sizeof(gap) / sizeof(gap[0]); i++) {
        drop_triggers();
        int64_t k = head() / 2, j = k + gap[i];
        raw("UPDATE audit_log SET seq = -1 WHERE seq = %lld; UPDATE audit_log SET seq = %lld WHERE seq = %lld;"
            "UPDATE audit_log SET seq = %lld WHERE seq = -1",
            (long long)k, (long long)k, (long long)j, (long long)j);
        char why[96];
        snprintf(why, sizeof(why), "event %lld: prev_hash is not event %lld's hash", (long long)k, (long long)k - 1);
        assert_broken(NULL, NULL, k, why);
        /* swap back: holds again (the verifications appended at the head) */
        raw("UPDATE audit_log SET seq = -1 WHERE seq = %lld; UPDATE audit_log SET seq = %lld WHERE seq = %lld;"
            "UPDATE audit_log SET seq = %lld WHERE seq = -1",
            (long long)k, (long long)k, (long long)j, (long long)j);
        assert_holds(NULL, NULL);
    }
}

/* ---- a rewritten chain ---- */

/* Changes event k's detail and recomputes every hash from k to the head: a chain that holds. */
static void rewrite_from(int64_t k)
{
    int64_t n = head();
    char prev[65];
    ev_copy e;
    read_event(k, &e);
    snprintf(prev, sizeof(prev), "%s", e.prev);
    for (int64_t i = k; i <= n; i++) {
        read_event(i, &e);
        if (i == k)
            snprintf(e.detail, sizeof(e.detail), "nothing to see");
        write_event(i, &e, prev, 0);
        snprintf(prev, sizeof(prev), "%s", e.hash);
    }
}

Test(audit_trail, a_chain_rewritten_whole_is_caught_only_with_an_anchor)
{
    const char *file = path_in("trail.anchor");
    int64_t a1 = head();
    anchor(file, NULL);                     /* line 1: event a1 */
    more_events("ENC-7");
    int64_t a2 = head();
    anchor(file, NULL);                     /* line 2: event a2 */
    more_events("ENC-8");
    cr_assert_lt(a1 + 3, a2);
    assert_holds(file, NULL);
    drop_triggers();
    rewrite_from(a1 + 2);
    assert_holds(NULL, NULL);               /* consistent: the chain alone cannot tell */
    char why[200];
    snprintf(why, sizeof(why), "event %lld: its hash is not the one anchor line 2 holds (the trail was rewritten"
                               " after event %lld, anchored intact on line 1, or the anchor edited)",
             (long long)a2, (long long)a1);
    assert_broken(file, NULL, a2, why);
}

Test(audit_trail, a_rewrite_before_every_anchor)
{
    const char *file = path_in("x");
    more_events("ENC-7");
    int64_t a = head();
    anchor(file, NULL);
    drop_triggers();
    rewrite_from(3);
    assert_holds(NULL, NULL);
    assert_broken(file, NULL, a, "rewritten up to it, or the anchor edited");
}

Test(audit_trail, a_rewrite_after_the_last_anchor_is_not_seen)
{
    /* the limit of anchoring: what came after the newest anchor is only as safe as the store */
    const char *file = path_in("x");
    anchor(file, NULL);
    int64_t a = head();
    more_events("ENC-7");
    drop_triggers();
    rewrite_from(a + 1);
    assert_holds(file, NULL);
}

/* ---- anchors ---- */

Test(audit_trail, anchor_file_lines_mode_and_verify)
{
    const char *file = path_in("trail.anchor");
    int64_t n = head();
    anchor(file, NULL);
    struct stat sb;
    cr_assert_eq(stat(file, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600);
    char want[200];
    snprintf(want, sizeof(want), "rcm-anchor-v1 %lld %s 2022-07-01T12:00:00Z\n", (long long)n, hash_of(n));
    cr_assert_str_eq(slurp(file), want);
    cr_assert_str_eq(cyfx_text(&f, "SELECT action || ' ' || detail FROM audit_log ORDER BY seq DESC LIMIT 1"),
                     cyfx_text(&f, "SELECT 'audit-anchor holds: ' || (MAX(seq) - 1) || ' events through event '"
                                   " || (MAX(seq) - 1) || ', 0 anchor lines; anchored event ' || (MAX(seq) - 1)"
                                   " FROM audit_log"));
    more_events("ENC-7");
    anchor(file, NULL);
    int64_t n2 = head() - 1;
    char two[400];
    snprintf(two, sizeof(two), "%srcm-anchor-v1 %lld %s 2022-07-01T12:00:00Z\n", want, (long long)n2, hash_of(n2));
    cr_assert_str_eq(slurp(file), two);
    rcm_audit_verdict v = verify(file, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.anchors, 2);
    /* comments, blank lines and CR LF are read */
    char edited[600];
    snprintf(edited, sizeof(edited), "# kept on the backup host\n\n%.*s\r\n%s", (int)strlen(want) - 1, want,
             two + strlen(want));
    spit(file, edited);
    v = verify(file, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.anchors, 2);
}

Test(audit_trail, anchor_appends_on_a_new_line_when_the_file_ends_without_one)
{
    const char *file = path_in("a");
    anchor(file, NULL);
    char first[200];
    snprintf(first, sizeof(first), "%s", slurp(file));
    first[strlen(first) - 1] = '\0';
    spit(file, first);                      /* its newline lost */
    anchor(file, NULL);
    rcm_audit_verdict v = verify(file, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.anchors, 2);
}

Test(audit_trail, signed_anchors)
{
    char pk[65], sk[129], pk2[65], sk2[129];
    cr_assert_eq(rcm_audit_keygen(pk, sk, &f.err), 0);
    cr_assert_eq(rcm_audit_keygen(pk2, sk2, &f.err), 0);
    cr_assert_eq(strlen(pk), 64);
    cr_assert_eq(strlen(sk), 128);
    cr_assert_str_neq(pk, pk2);
    const char *file = path_in("signed.anchor");
    anchor(file, sk);
    more_events("ENC-7");
    anchor(file, sk);
    const char *text = slurp(file);
    const char *nl = strchr(text, '\n');
    cr_assert_eq((size_t)(nl - text), 14 + strcspn(text + 14, " ") + 1 + 64 + 1 + 20 + 1 + 128, "%s", text);
    rcm_audit_verdict v = verify(file, pk);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    cr_assert_eq(v.anchors, 2);
    assert_holds(file, NULL);               /* without a key the signatures are not checked */
    int64_t first = strtoll(text + 14, NULL, 10);
    /* another key */
    assert_broken(file, pk2, first, "anchor line 1 (event");
    assert_broken(file, pk2, first, "its signature does not verify with the key given");
    /* the time edited: the line still matches the chain, not its signature */
    char edited[1024];
    snprintf(edited, sizeof(edited), "%s", text);
    char *t = strstr(edited, "2022-07-01T12");
    t[12] = '3';
    spit(file, edited);
    assert_holds(file, NULL);
    assert_broken(file, pk, first, "anchor line 1 (event");
    /* an unsigned line where signatures are required */
    snprintf(edited, sizeof(edited), "%.*s\n%s", (int)(nl - text) - 129, text, nl + 1);
    spit(file, edited);
    assert_holds(file, NULL);
    assert_broken(file, pk, first, "is not signed");
}

Test(audit_trail, an_edited_anchor_line)
{
    const char *file = path_in("e.anchor");
    anchor(file, NULL);
    more_events("ENC-7");
    anchor(file, NULL);
    const char *text = slurp(file);
    int64_t a1 = strtoll(text + 14, NULL, 10);
    char edited[1024];
    /* another hash for the same event */
    snprintf(edited, sizeof(edited), "%s", text);
    char *h = edited + 14 + (strchr(text + 14, ' ') - (text + 14)) + 1;
    h[5] = h[5] == 'a' ? 'b' : 'a';
    spit(file, edited);
    assert_broken(file, NULL, a1, "its hash is not the one anchor line 1 holds");
    /* an event number that is not there any more: beyond the head */
    char hash[65];
    snprintf(hash, sizeof(hash), "%.64s", h);
    snprintf(edited, sizeof(edited), "rcm-anchor-v1 99999 %s 2022-07-01T12:00:00Z\n", hash);
    spit(file, edited);
    char why[160];
    int64_t n = head();
    snprintf(why, sizeof(why), "event %lld missing: anchor line 1 holds event 99999", (long long)n + 1);
    assert_broken(file, NULL, n + 1, why);
}

Test(audit_trail, an_unreadable_anchor_file_is_an_error)
{
    static const struct {
        const char *text;
        long line;
        const char *msg;
    } bad[] = {
        { "rcm-anchor-v2 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z\n",
          1, "not an anchor line" },
        { "\nrcm-anchor-v1 0 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z\n",
          2, "the event number is not a whole number from 1" },
        { "rcm-anchor-v1 01 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z\n",
          1, "the event number" },
        { "rcm-anchor-v1 99999999999999999999 0000000000000000000000000000000000000000000000000000000000000000 "
          "2022-07-01T12:00:00Z\n", 1, "the event number" },
        { "rcm-anchor-v1 9223372036854775808 0000000000000000000000000000000000000000000000000000000000000000 "
          "2022-07-01T12:00:00Z\n", 1, "too large" },
        { "rcm-anchor-v1 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z"
          "\n# x\nrcm-anchor-v1 1 000000000000000000000000000000000000000000000000000000000000000 "
          "2022-07-01T12:00:00Z\n", 3, "the hash is not 64 lowercase hex digits" },
        { "rcm-anchor-v1 1 000000000000000000000000000000000000000000000000000000000000000A 2022-07-01T12:00:00Z\n",
          1, "the hash" },
        { "rcm-anchor-v1 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01 12:00:00\n",
          1, "the time is not YYYY-MM-DDTHH:MM:SSZ" },
        { "rcm-anchor-v1 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z \n",
          1, "the signature is not 128 lowercase hex digits" },
        { "rcm-anchor-v1 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z"
          "  00\n", 1, "the signature" },
        { " rcm-anchor-v1 1 0000000000000000000000000000000000000000000000000000000000000000 2022-07-01T12:00:00Z\n",
          1, "not an anchor line" },
    };
    const char *file = path_in("bad.anchor");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        spit(file, bad[i].text);
        int64_t n = head();
        rcm_audit_verdict v;
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_audit_verify(aud, file, NULL, &v, &f.err), RCM_EFORMAT, "case %zu", i);
        cr_assert_str_eq(f.err.source, file);
        cr_assert_eq(f.err.line, bad[i].line, "case %zu: line %ld", i, f.err.line);
        cr_assert_not_null(strstr(f.err.msg, bad[i].msg), "case %zu: %s", i, f.err.msg);
        cr_assert_eq(head(), n, "case %zu: an unreadable file writes no event", i);
        /* the anchor command refuses to append to it too */
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_audit_anchor(aud, file, NULL, &v, &f.err), RCM_EFORMAT, "case %zu", i);
        cr_assert_str_eq(slurp(file), bad[i].text);
    }
    memset(&f.err, 0, sizeof(f.err));
    rcm_audit_verdict v;
    cr_assert_eq(rcm_audit_verify(aud, path_in("none"), NULL, &v, &f.err), RCM_EIO);
    cr_assert_eq(rcm_audit_verify(aud, f.dir, NULL, &v, &f.err), RCM_EIO);
    cr_assert_eq(rcm_audit_verify(aud, NULL, "00", &v, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_audit_verify(aud, file, "abc", &v, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_audit_anchor(aud, path_in("k"), "00", &v, &f.err), RCM_EINVAL);
    /* a damaged secret key: its public half is not its own */
    char pk[65], sk[129];
    cr_assert_eq(rcm_audit_keygen(pk, sk, &f.err), 0);
    sk[100] = sk[100] == 'a' ? 'b' : 'a';
    cr_assert_eq(rcm_audit_anchor(aud, path_in("k"), sk, &v, &f.err), RCM_EINVAL);
    cr_assert_not_null(strstr(f.err.msg, "damaged"), "%s", f.err.msg);
    struct stat sb;
    cr_assert_neq(stat(path_in("k"), &sb), 0, "nothing written");
}

/* ---- the log ---- */

typedef struct seen {
    int n;
    int64_t seq[512];
    char action[512][24];
    int64_t patient[512], claim[512];
    char entity[512][16];
    int stop_after;
} seen;

static int collect(const rcm_audit_event *e, void *ctx)
{
    seen *s = ctx;
    cr_assert_lt(s->n, 512);
    s->seq[s->n] = e->seq;
    snprintf(s->action[s->n], sizeof(s->action[0]), "%s", e->action);
    snprintf(s->entity[s->n], sizeof(s->entity[0]), "%s", e->entity);
    s->patient[s->n] = e->patient_id;
    s->claim[s->n] = e->claim_id;
    if (s->n > 0)
        cr_assert_gt(e->seq, s->seq[s->n - 1], "oldest first");
    cr_assert_eq(strlen(e->hash), 64);
    s->n++;
    return s->stop_after && s->n >= s->stop_after;
}

static seen *log_of(const rcm_audit_filter *flt)
{
    static seen s;
    memset(&s, 0, sizeof(s));
    memset(&f.err, 0, sizeof(f.err));
    int rc = rcm_audit_log(aud, flt, collect, &s, &f.err);
    cr_assert_eq(rc, 0, "log: %s", f.err.msg);
    return &s;
}

Test(audit_trail, log_filters_by_user_action_time_and_limit)
{
    int64_t n = head();
    seen *s = log_of(NULL);
    cr_assert_eq(s->n, n, "everything but itself");
    cr_assert_eq(s->seq[0], 1);
    cr_assert_eq(s->seq[s->n - 1], n);
    cr_assert_eq(head(), n + 1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT action || '|' || entity || '|' || detail || '|' || user_name FROM"
                                   " audit_log ORDER BY seq DESC LIMIT 1"),
                     "audit-log|audit_log|audit log|audrey");

    rcm_audit_filter flt = { .user = "admin" };
    s = log_of(&flt);
    cr_assert_eq(s->n, q("SELECT count(*) FROM audit_log WHERE user_name = 'admin'"));
    cr_assert_gt(s->n, 3);

    flt = (rcm_audit_filter){ .action = "signoff" };
    s = log_of(&flt);
    cr_assert_eq(s->n, 3);
    for (int i = 0; i < s->n; i++)
        cr_assert_str_eq(s->action[i], "signoff");

    flt = (rcm_audit_filter){ .action = "audit-log", .limit = 2 };
    s = log_of(&flt);
    cr_assert_eq(s->n, 2);
    cr_assert_eq(s->seq[1], head() - 1, "the newest two, oldest first");
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1"),
                     "audit log action=audit-log limit=2");

    /* time: the fixture's events are at CYFX_NOW; one later event */
    rcm_cycle_set_now(aud, CYFX_NOW + 86400 * 3);
    rcm_audit_verdict v;
    cr_assert_eq(rcm_audit_verify(aud, NULL, NULL, &v, &f.err), 0);
    int64_t later = head();
    flt = (rcm_audit_filter){ .from = CYFX_NOW + 86400 };
    s = log_of(&flt);
    cr_assert_eq(s->n, 1);
    cr_assert_eq(s->seq[0], later);
    flt = (rcm_audit_filter){ .from = CYFX_NOW, .to = CYFX_NOW + 1, .action = "audit-verify" };
    s = log_of(&flt);
    cr_assert_eq(s->n, 0);
    flt = (rcm_audit_filter){ .to = CYFX_NOW + 86400, .user = "audrey", .action = "audit-verify" };
    s = log_of(&flt);
    cr_assert_eq(s->n, 0, "to is exclusive of the later event");

    /* the callback stops the walk */
    s = log_of(&(rcm_audit_filter){ 0 });
    static seen few;
    memset(&few, 0, sizeof(few));
    few.stop_after = 3;
    cr_assert_eq(rcm_audit_log(aud, NULL, collect, &few, &f.err), 0);
    cr_assert_eq(few.n, 3);

    /* bad filters */
    flt = (rcm_audit_filter){ .limit = -1 };
    cr_assert_eq(rcm_audit_log(aud, &flt, collect, &few, &f.err), RCM_EINVAL);
    flt = (rcm_audit_filter){ .from = 10, .to = 5 };
    cr_assert_eq(rcm_audit_log(aud, &flt, collect, &few, &f.err), RCM_EINVAL);
    cr_assert_eq(rcm_audit_log(aud, NULL, NULL, NULL, &f.err), RCM_EINVAL);
}

/* Submits MCR's ready claims (ENC-1 and ENC-2) and posts a payment of ENC-1's claim. */
static void submit_and_post(char claim1[40], char claim2[40])
{
    char path[320];
    snprintf(path, sizeof(path), "%s/mcr.837", f.dir);
    rcm_submit_report rep;
    cr_assert_eq(rcm_submit(f.cy, "MCR", 'P', path, &rep, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.claims, 2);
    int64_t c1 = cyfx_claim_of(&f, "ENC-1"), c2 = cyfx_claim_of(&f, "ENC-2");
    char sql[96];
    snprintf(sql, sizeof(sql), "SELECT claim_no FROM claim WHERE claim_id = %lld", (long long)c1);
    snprintf(claim1, 40, "%s", cyfx_text(&f, sql));
    snprintf(sql, sizeof(sql), "SELECT claim_no FROM claim WHERE claim_id = %lld", (long long)c2);
    snprintf(claim2, 40, "%s", cyfx_text(&f, sql));
    char body[512];
    snprintf(body, sizeof(body),
             "CLP*%s*1*150*74*18.5*MB*ICN1~NM1*QC*1*TESTER*PAT~SVC*HC:99213*150*74~DTM*472*20220615~"
             "CAS*CO*45*57.5~CAS*PR*2*18.5~AMT*B6*92.5~", claim1);
    rcm_post_report pr;
    pfx_post_ok(&f, pfx_835(&f, "TRACE-A", "74", body), &pr);
    cr_assert_eq(pr.matched, 1);
}

static int has(const seen *s, const char *action, const char *entity)
{
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->action[i], action) == 0 && strcmp(s->entity[i], entity) == 0)
            return 1;
    return 0;
}

Test(audit_trail, log_by_patient_and_claim_follows_batches_remittances_and_files)
{
    char c1[40], c2[40];
    submit_and_post(c1, c2);
    int64_t p1 = q("SELECT patient_id FROM patient WHERE mrn = 'MRN-ENC-1'");
    int64_t p2 = q("SELECT patient_id FROM patient WHERE mrn = 'MRN-ENC-2'");
    int64_t claim1 = cyfx_claim_of(&f, "ENC-1");
    int64_t remit = q("SELECT remit_id FROM remit");
    int64_t batch = q("SELECT batch_id FROM batch");

    rcm_audit_filter flt = { .patient = "MRN-ENC-1" };
    seen *s = log_of(&flt);
    cr_assert_gt(s->n, 4);
    cr_assert(has(s, "assign", "encounter"));
    cr_assert(has(s, "signoff", "encounter"));
    cr_assert(has(s, "submit", "batch"), "the batch holding the patient's claim");
    cr_assert(has(s, "post", "remit"), "the remittance paying it");
    cr_assert(has(s, "file", "x12_file"), "the files holding it");
    cr_assert(has(s, "sod-exception", "claim"), "the tester submitted claims they coded");
    for (int i = 0; i < s->n; i++)
        cr_assert(s->patient[i] == p1 || s->claim[i] == claim1 || strcmp(s->entity[i], "batch") == 0 ||
                      strcmp(s->entity[i], "remit") == 0 || strcmp(s->entity[i], "x12_file") == 0,
                  "event %lld (%s) is not about the patient", (long long)s->seq[i], s->action[i]);
    int64_t of_p1 = 0;
    for (int i = 0; i < s->n; i++)
        of_p1 += s->patient[i] == p1;
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE patient_id = (SELECT patient_id FROM patient"
                   " WHERE mrn = 'MRN-ENC-1') AND action <> 'audit-log'"),
                 of_p1, "every event with the patient's id");
    /* the query is on record as about the patient, by id, never the MRN */
    char want[64];
    snprintf(want, sizeof(want), "audit log patient=%lld", (long long)p1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT detail FROM audit_log ORDER BY seq DESC LIMIT 1"), want);
    cr_assert_eq(q("SELECT patient_id FROM audit_log ORDER BY seq DESC LIMIT 1"), p1);
    cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE detail LIKE '%MRN-%'"), 0);

    /* the other patient of the batch: the batch and its file, not the remittance */
    flt = (rcm_audit_filter){ .patient = "MRN-ENC-2" };
    s = log_of(&flt);
    cr_assert(has(s, "submit", "batch"));
    cr_assert(!has(s, "post", "remit"), "the 835 paid the other patient's claim only");
    for (int i = 0; i < s->n; i++)
        cr_assert(s->patient[i] != p1, "event %lld is the other patient's", (long long)s->seq[i]);
    (void)p2;

    /* by claim */
    flt = (rcm_audit_filter){ .claim_no = c1 };
    s = log_of(&flt);
    cr_assert(has(s, "submit", "batch"));
    cr_assert(has(s, "post", "remit"));
    cr_assert(has(s, "sod-exception", "claim"));
    cr_assert(!has(s, "assign", "encounter"), "the encounter's coding is the patient's, not the claim's");
    cr_assert_eq(q("SELECT claim_id FROM audit_log ORDER BY seq DESC LIMIT 1"), claim1);
    flt = (rcm_audit_filter){ .claim_no = c2 };
    s = log_of(&flt);
    cr_assert(!has(s, "post", "remit"));
    /* patient and claim: the claim's events when it is the patient's, none otherwise */
    flt = (rcm_audit_filter){ .claim_no = c1, .patient = "MRN-ENC-1" };
    int both = log_of(&flt)->n;
    flt = (rcm_audit_filter){ .claim_no = c1 };
    cr_assert_eq(log_of(&flt)->n, both + 1, "the same events, and the query before (about the claim too)");
    flt = (rcm_audit_filter){ .claim_no = c1, .patient = "MRN-ENC-2" };
    cr_assert_eq(log_of(&flt)->n, 0);
    /* with the others */
    flt = (rcm_audit_filter){ .patient = "MRN-ENC-1", .action = "post" };
    s = log_of(&flt);
    cr_assert_eq(s->n, 1);
    cr_assert_str_eq(s->entity[0], "remit");
    (void)remit;
    (void)batch;

    /* unknown */
    int64_t n = head();
    flt = (rcm_audit_filter){ .patient = "MRN-NOBODY" };
    cr_assert_eq(rcm_audit_log(aud, &flt, collect, log_of(NULL), &f.err), RCM_ENOTFOUND);
    cr_assert_str_eq(f.err.msg, "no patient has the MRN given");
    flt = (rcm_audit_filter){ .claim_no = "C999" };
    cr_assert_eq(rcm_audit_log(aud, &flt, collect, log_of(NULL), &f.err), RCM_ENOTFOUND);
    cr_assert_str_eq(f.err.msg, "no claim 'C999'");
    cr_assert_eq(head(), n + 2, "the two log_of(NULL) only");
}

/* ---- who may ---- */

Test(audit_trail, only_auditors_and_admins_read_verify_and_anchor)
{
    rcm_cycle *coder = cyfx_user(&f, "cody", RCM_ROLE_CODER, 0);
    rcm_cycle *biller = cyfx_user(&f, "bill", RCM_ROLE_BILLER, 0);
    rcm_cycle *denied[] = { coder, biller };
    const char *file = path_in("who.anchor");
    for (size_t i = 0; i < 2; i++) {
        int64_t n = head();
        rcm_audit_verdict v;
        seen s = { 0 };
        memset(&f.err, 0, sizeof(f.err));
        cr_assert_eq(rcm_audit_log(denied[i], NULL, collect, &s, &f.err), RCM_EDENIED);
        cr_assert_not_null(strstr(f.err.msg, "may not read and verify the audit trail: needs the auditor or admin role"),
                           "%s", f.err.msg);
        cr_assert_eq(s.n, 0);
        cr_assert_eq(rcm_audit_verify(denied[i], NULL, NULL, &v, &f.err), RCM_EDENIED);
        cr_assert_eq(rcm_audit_anchor(denied[i], file, NULL, &v, &f.err), RCM_EDENIED);
        cr_assert_eq(head(), n + 3, "each denial is an event");
        cr_assert_eq(q("SELECT count(*) FROM audit_log WHERE action = 'denied' AND outcome = 'denied'"
                       " AND detail = 'permission audit.read (needs auditor,admin)'"
                       " AND seq > (SELECT MAX(seq) - 3 FROM audit_log)"),
                     3);
        struct stat sb;
        cr_assert_neq(stat(file, &sb), 0);
    }
    /* the admin may */
    rcm_audit_verdict v = verify_as(f.admin, NULL, NULL);
    cr_assert_eq(v.first_bad, 0, "%s", v.why);
    seen s = { 0 };
    cr_assert_eq(rcm_audit_log(f.admin, NULL, collect, &s, &f.err), 0, "%s", f.err.msg);
}
