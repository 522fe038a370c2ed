/*
 * store: create/open with its file mode, migrations applied once and
 * idempotent, refusal of a newer schema and of non-databases, nested
 * transactions (outer BEGIN, inner savepoints).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rcm/store.h"
#include "../../lib/store/store_internal.h"

static char tmpdir[256];

static void mk_tmp(void)
{
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/rcm-store-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void rm_tmp(void)
{
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    cr_assert_eq(system(cmd), 0);
}

static void db_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static long count(rcm_store *st, const char *sql)
{
    sqlite3_stmt *s = NULL;
    cr_assert_eq(sqlite3_prepare_v2(store_db(st), sql, -1, &s, NULL), SQLITE_OK, "%s", sql);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    long n = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

TestSuite(store_open, .init = mk_tmp, .fini = rm_tmp);
TestSuite(store_txn, .init = mk_tmp, .fini = rm_tmp);

Test(store_open, creates_private_file_and_migrates)
{
    char p[300];
    db_path(p, sizeof(p), "a.db");
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_store_schema_version(st), rcm_store_schema_latest());
    cr_assert_gt(rcm_store_schema_latest(), 0);
    cr_assert_str_eq(rcm_store_path(st), p);
    cr_assert_eq(count(st, "SELECT count(*) FROM schema_version"), rcm_store_schema_latest());
    cr_assert_eq(count(st, "PRAGMA foreign_keys"), 1);
    rcm_store_close(st);
    struct stat sb;
    cr_assert_eq(stat(p, &sb), 0);
    cr_assert_eq(sb.st_mode & 0777, 0600, "mode %o", sb.st_mode & 0777);
}

Test(store_open, reopen_is_idempotent)
{
    char p[300];
    db_path(p, sizeof(p), "a.db");
    rcm_store *st = NULL;
    for (int i = 0; i < 3; i++) {
        cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
        cr_assert_eq(count(st, "SELECT count(*) FROM schema_version"), rcm_store_schema_latest());
        rcm_store_close(st);
    }
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_READONLY, NULL), 0);
    cr_assert_eq(rcm_store_schema_version(st), rcm_store_schema_latest());
    rcm_store_close(st);
}

Test(store_open, journal_is_wal)
{
    char p[300];
    db_path(p, sizeof(p), "w.db");
    rcm_store *st = NULL;
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
    sqlite3_stmt *s = NULL;
    sqlite3_prepare_v2(store_db(st), "PRAGMA journal_mode", -1, &s, NULL);
    cr_assert_eq(sqlite3_step(s), SQLITE_ROW);
    cr_assert_str_eq((const char *)sqlite3_column_text(s, 0), "wal");
    sqlite3_finalize(s);
    rcm_store_close(st);
}

Test(store_open, missing_file_without_create)
{
    char p[300];
    db_path(p, sizeof(p), "none.db");
    rcm_store *st = (rcm_store *)1;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_open(&st, p, 0, &err), RCM_ENOTFOUND);
    cr_assert_null(st);
    cr_assert_not_null(strstr(err.msg, "does not exist"), "%s", err.msg);
    struct stat sb;
    cr_assert_neq(stat(p, &sb), 0, "nothing created");
}

Test(store_open, not_a_database)
{
    char p[300];
    db_path(p, sizeof(p), "junk.db");
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f);
    fputs("this is not an SQLite database, just some text long enough to have a header........\n", f);
    fclose(f);
    rcm_store *st = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, &err), RCM_EIO);
    cr_assert_null(st);
    cr_assert_not_null(strstr(err.msg, p), "message names the store: %s", err.msg);
}

Test(store_open, refuses_newer_schema)
{
    char p[300];
    db_path(p, sizeof(p), "new.db");
    rcm_store *st = NULL;
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
    cr_assert_eq(store_exec(st, "INSERT INTO schema_version VALUES (9999, 'from the future')", NULL), 0);
    rcm_store_close(st);
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_open(&st, p, 0, &err), RCM_EFORMAT);
    cr_assert_not_null(strstr(err.msg, "newer"), "%s", err.msg);
}

Test(store_open, no_path)
{
    rcm_store *st = NULL;
    cr_assert_eq(rcm_store_open(&st, "", RCM_STORE_CREATE, NULL), RCM_EINVAL);
    rcm_store_close(NULL);
}

static rcm_store *open_new(const char *name)
{
    char p[300];
    db_path(p, sizeof(p), name);
    rcm_store *st = NULL;
    cr_assert_eq(rcm_store_open(&st, p, RCM_STORE_CREATE, NULL), 0);
    cr_assert_eq(store_exec(st, "CREATE TABLE t (v INTEGER)", NULL), 0);
    return st;
}

Test(store_txn, nested_rollback_keeps_outer)
{
    rcm_store *st = open_new("t.db");
    cr_assert_eq(rcm_store_begin(st, NULL), 0);
    cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (1)", NULL), 0);
    cr_assert_eq(rcm_store_begin(st, NULL), 0);
    cr_assert_eq(rcm_store_in_transaction(st), 2);
    cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (2)", NULL), 0);
    rcm_store_rollback(st);
    cr_assert_eq(rcm_store_in_transaction(st), 1);
    cr_assert_eq(rcm_store_commit(st, NULL), 0);
    cr_assert_eq(rcm_store_in_transaction(st), 0);
    cr_assert_eq(count(st, "SELECT count(*) FROM t"), 1);
    cr_assert_eq(count(st, "SELECT sum(v) FROM t"), 1);
    rcm_store_close(st);
}

Test(store_txn, close_rolls_back_open_transaction)
{
    char p[300];
    rcm_store *st = open_new("c.db");
    cr_assert_eq(rcm_store_begin(st, NULL), 0);
    cr_assert_eq(store_exec(st, "INSERT INTO t VALUES (7)", NULL), 0);
    rcm_store_close(st);
    db_path(p, sizeof(p), "c.db");
    cr_assert_eq(rcm_store_open(&st, p, 0, NULL), 0);
    cr_assert_eq(count(st, "SELECT count(*) FROM t"), 0);
    rcm_store_close(st);
}

Test(store_txn, commit_without_begin)
{
    rcm_store *st = open_new("e.db");
    rcm_error err = { 0 };
    cr_assert_eq(rcm_store_commit(st, &err), RCM_EINVAL);
    rcm_store_rollback(st); /* harmless */
    cr_assert_eq(rcm_store_in_transaction(st), 0);
    rcm_store_close(st);
}

Test(store_txn, sql_error_is_located)
{
    rcm_store *st = open_new("s.db");
    rcm_error err = { 0 };
    cr_assert_eq(store_exec(st, "INSERT INTO nosuchtable VALUES (1)", &err), RCM_EIO);
    cr_assert_not_null(strstr(err.msg, "nosuchtable"), "%s", err.msg);
    rcm_store_close(st);
}
