/*
 * The store: one database per practice holding reference data versions and,
 * later, the revenue cycle's records.
 *
 * SQLite now (one file, WAL journal, foreign keys on, file mode 0600); a
 * PostgreSQL backend will sit behind the same functions. Callers above
 * lib/store never see SQL or a dialect: they open a store, pass it to librcm
 * functions, and may group several calls into one transaction.
 *
 * The schema is a list of numbered migrations (lib/store/schema.c), applied
 * in order at open, all pending ones in one transaction; the versions applied
 * are recorded in the schema_version table. Opening an up-to-date store
 * changes nothing.
 *
 * A store handle is used by one thread at a time; open one handle per thread.
 */
#ifndef RCM_STORE_H
#define RCM_STORE_H

#include "error.h"

typedef struct rcm_store rcm_store;

/* rcm_store_open flags */
enum {
    RCM_STORE_CREATE = 1 << 0,   /* create the file when it does not exist */
    RCM_STORE_READONLY = 1 << 1, /* open for reading; fails if migrations are pending */
};

/* The default store file when neither --db nor RCM_DB names one. */
#define RCM_STORE_DEFAULT_PATH "rcm.db"

/*
 * Opens (or, with RCM_STORE_CREATE, creates) the store at path and brings
 * its schema up to date. A new file is created with mode 0600. Waits up to a
 * minute for another process's write lock. On success *out is a handle
 * the caller frees with rcm_store_close(). Errors: RCM_ENOTFOUND (no such
 * file and no RCM_STORE_CREATE), RCM_EIO (cannot open, not a database,
 * locked, a migration failed: nothing is changed then), RCM_EFORMAT (the
 * store was written by a newer rcm: its schema version is above ours).
 */
RCM_API int rcm_store_open(rcm_store **out, const char *path, unsigned flags, rcm_error *err);

/* Closes the store, rolling back an open transaction. NULL does nothing. */
RCM_API void rcm_store_close(rcm_store *st);

/*
 * Transactions. begin/commit nest: the outermost begin takes the write lock
 * (BEGIN IMMEDIATE), inner ones are savepoints. rollback undoes the innermost
 * open level and never fails. Errors: RCM_EIO (busy, disk full...),
 * RCM_EINVAL (commit or rollback with no open transaction).
 */
RCM_API int rcm_store_begin(rcm_store *st, rcm_error *err);
RCM_API int rcm_store_commit(rcm_store *st, rcm_error *err);
RCM_API void rcm_store_rollback(rcm_store *st);

/* Depth of open transactions (0: none). */
RCM_API int rcm_store_in_transaction(const rcm_store *st);

/* The schema version the store is at (the last migration applied). */
RCM_API int rcm_store_schema_version(const rcm_store *st);

/* The number of migrations this build of librcm knows. */
RCM_API int rcm_store_schema_latest(void);

/* The path the store was opened with; valid until the store is closed. */
RCM_API const char *rcm_store_path(const rcm_store *st);

#endif
