/*
 * The store on SQLite: open/create with the pragmas rcm relies on, apply the
 * migrations of schema.c, nested transactions, and the error helpers lib/
 * modules use around their statements.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "store_internal.h"
#include "../util/util.h"

/* How long a writer waits for another process's lock before failing. */
/* How long a writer waits for another process's write lock: a large 835 posts in seconds. */
#define STORE_BUSY_MS 60000

sqlite3 *store_db(rcm_store *st)
{
    return st->db;
}

int store_sqlerr(rcm_store *st, rcm_error *err, const char *what)
{
    int ec = st && st->db ? sqlite3_errcode(st->db) : SQLITE_ERROR;
    const char *msg = st && st->db ? sqlite3_errmsg(st->db) : "no database";
    int code = ec == SQLITE_NOMEM ? RCM_ENOMEM : RCM_EIO;
    if (ec == SQLITE_BUSY || ec == SQLITE_LOCKED)
        msg = "the store is locked by another process (try again)";
    return rcm_error_set(err, code, "%s: %s", what, msg);
}

int store_exec(rcm_store *st, const char *sql, rcm_error *err)
{
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_sqlerr(st, err, "store");
    return 0;
}

int store_prepare(rcm_store *st, sqlite3_stmt **out, const char *sql, rcm_error *err)
{
    *out = NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL) != SQLITE_OK)
        return store_sqlerr(st, err, "store: preparing a statement");
    return 0;
}

int store_step_done(rcm_store *st, sqlite3_stmt *s, const char *what, rcm_error *err)
{
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        int r = store_sqlerr(st, err, what);
        sqlite3_reset(s);
        return r;
    }
    sqlite3_reset(s);
    return 0;
}

int store_bind_date(sqlite3_stmt *s, int i, int32_t day)
{
    if (day == RCM_DATE_NONE)
        return sqlite3_bind_null(s, i);
    return sqlite3_bind_int(s, i, day);
}

int32_t store_column_date(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL)
        return RCM_DATE_NONE;
    return (int32_t)sqlite3_column_int(s, i);
}

/* ---- open and migrate ---- */

/*
 * SQLite creates files with the process umask; a store holds practice data,
 * so it is created 0600 before SQLite opens it.
 */
static int create_private(const char *path, unsigned flags, rcm_error *err)
{
    struct stat sb;
    if (stat(path, &sb) == 0)
        return 0;
    if (errno != ENOENT)
        return rcm_error_set(err, RCM_EIO, "store '%s': %s", path, strerror(errno));
    if (!(flags & RCM_STORE_CREATE) || (flags & RCM_STORE_READONLY))
        return rcm_error_set(err, RCM_ENOTFOUND, "store '%s' does not exist (create it with 'rcm init')",
                             path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST)
        return rcm_error_set(err, RCM_EIO, "store '%s': cannot create: %s", path, strerror(errno));
    if (fd >= 0)
        close(fd);
    return 0;
}

static int read_version(rcm_store *st, int *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    *out = 0;
    int rc = sqlite3_prepare_v2(st->db,
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        -1, &s, NULL);
    if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return store_sqlerr(st, err, "store: reading the schema version");
    }
    int exists = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (!exists)
        return 0;
    rc = sqlite3_prepare_v2(st->db, "SELECT coalesce(max(version), 0) FROM schema_version", -1, &s, NULL);
    if (rc != SQLITE_OK || sqlite3_step(s) != SQLITE_ROW) {
        sqlite3_finalize(s);
        return store_sqlerr(st, err, "store: reading the schema version");
    }
    *out = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    return 0;
}

static int migrate(rcm_store *st, rcm_error *err)
{
    int have = 0, rc;
    if ((rc = read_version(st, &have, err)) < 0)
        return rc;
    if (have > store_nmigrations)
        return rcm_error_set(err, RCM_EFORMAT,
                             "store '%s': schema version %d is newer than this rcm knows (%d): upgrade rcm",
                             st->path, have, store_nmigrations);
    if (have == store_nmigrations) {
        st->version = have;
        return 0;
    }
    /* Re-read under the write lock: another process may have migrated meanwhile. */
    if ((rc = rcm_store_begin(st, err)) < 0)
        return rc;
    if ((rc = read_version(st, &have, err)) < 0)
        goto fail;
    if (have == 0 && (rc = store_exec(st,
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER NOT NULL PRIMARY KEY,"
            " name TEXT NOT NULL)", err)) < 0)
        goto fail;
    sqlite3_stmt *ins = NULL;
    if ((rc = store_prepare(st, &ins, "INSERT INTO schema_version (version, name) VALUES (?, ?)", err)) < 0)
        goto fail;
    for (int v = have + 1; v <= store_nmigrations; v++) {
        const store_migration *m = &store_migrations[v - 1];
        char what[128];
        snprintf(what, sizeof(what), "store: migration %d '%s'", v, m->name);
        if ((m->sql && sqlite3_exec(st->db, m->sql, NULL, NULL, NULL) != SQLITE_OK) ||
            (m->sqlite_sql && sqlite3_exec(st->db, m->sqlite_sql, NULL, NULL, NULL) != SQLITE_OK)) {
            rc = store_sqlerr(st, err, what);
            sqlite3_finalize(ins);
            goto fail;
        }
        sqlite3_bind_int(ins, 1, v);
        sqlite3_bind_text(ins, 2, m->name, -1, SQLITE_STATIC);
        if ((rc = store_step_done(st, ins, what, err)) < 0) {
            sqlite3_finalize(ins);
            goto fail;
        }
    }
    sqlite3_finalize(ins);
    if ((rc = rcm_store_commit(st, err)) < 0)
        goto fail;
    st->version = store_nmigrations;
    return 0;
fail:
    rcm_store_rollback(st);
    return rc;
}

int rcm_store_open(rcm_store **out, const char *path, unsigned flags, rcm_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return rcm_error_set(err, RCM_EINVAL, "store: no path");
    int rc = create_private(path, flags, err);
    if (rc < 0)
        return rc;
    rcm_store *st = calloc(1, sizeof(*st));
    if (!st || !(st->path = strdup(path))) {
        free(st);
        return rcm_error_set(err, RCM_ENOMEM, "store: out of memory");
    }
    int oflags = (flags & RCM_STORE_READONLY) ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    if (sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = store_sqlerr(st, err, "store: cannot open");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 0);
    sqlite3_busy_timeout(st->db, STORE_BUSY_MS);
    /* journal_mode returns a row; exec ignores it. A read-only open keeps the file's mode.
     * synchronous FULL: a committed posting survives a power loss, not only a crash. A 64 MiB page
     * cache keeps a large posting or claims build from rereading the file. */
    if (!(flags & RCM_STORE_READONLY) &&
        sqlite3_exec(st->db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_sqlerr(st, err, "store: not a usable database");
        goto fail;
    }
    if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA cache_size = -65536",
                     NULL, NULL, NULL) != SQLITE_OK) {
        rc = store_sqlerr(st, err, "store: not a usable database");
        goto fail;
    }
    if (flags & RCM_STORE_READONLY) {
        int have = 0;
        if ((rc = read_version(st, &have, err)) < 0)
            goto fail;
        if (have != store_nmigrations) {
            rc = rcm_error_set(err, have > store_nmigrations ? RCM_EFORMAT : RCM_EIO,
                               "store '%s': schema version %d, this rcm needs %d", path, have,
                               store_nmigrations);
            goto fail;
        }
        st->version = have;
    } else if ((rc = migrate(st, err)) < 0) {
        goto fail;
    }
    *out = st;
    return 0;
fail:
    if (err && err->msg[0] && !strstr(err->msg, path)) {
        rcm_buf b;
        rcm_buf_init(&b, RCM_MAX_MESSAGE);
        rcm_buf_addf(&b, "%s (store '%s')", err->msg, path);
        cstr_copy(err->msg, sizeof(err->msg), b.ptr);
        rcm_buf_release(&b);
    }
    rcm_store_close(st);
    return rc;
}

void rcm_store_close(rcm_store *st)
{
    if (!st)
        return;
    if (st->db) {
        if (st->depth > 0)
            sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close_v2(st->db);
    }
    free(st->path);
    free(st);
}

/* ---- transactions ---- */

int rcm_store_begin(rcm_store *st, rcm_error *err)
{
    char sql[48];
    if (st->depth == 0)
        snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof(sql), "SAVEPOINT rcm_sp%d", st->depth);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_sqlerr(st, err, "store: cannot start a transaction");
    st->depth++;
    return 0;
}

int rcm_store_commit(rcm_store *st, rcm_error *err)
{
    char sql[48];
    if (st->depth <= 0)
        return rcm_error_set(err, RCM_EINVAL, "store: commit with no transaction");
    if (st->depth == 1)
        snprintf(sql, sizeof(sql), "COMMIT");
    else
        snprintf(sql, sizeof(sql), "RELEASE rcm_sp%d", st->depth - 1);
    if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
        return store_sqlerr(st, err, "store: commit failed");
    st->depth--;
    return 0;
}

void rcm_store_rollback(rcm_store *st)
{
    char sql[80];
    if (!st || st->depth <= 0)
        return;
    if (st->depth == 1)
        snprintf(sql, sizeof(sql), "ROLLBACK");
    else
        snprintf(sql, sizeof(sql), "ROLLBACK TO rcm_sp%d; RELEASE rcm_sp%d", st->depth - 1,
                 st->depth - 1);
    sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    st->depth--;
}

int rcm_store_in_transaction(const rcm_store *st)
{
    return st->depth;
}

int rcm_store_schema_version(const rcm_store *st)
{
    return st->version;
}

int rcm_store_schema_latest(void)
{
    return store_nmigrations;
}

const char *rcm_store_path(const rcm_store *st)
{
    return st->path;
}
