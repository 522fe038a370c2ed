/*
 * The store as lib/ modules see it: the SQLite handle and helpers that turn
 * SQLite failures into rcm errors. Not public: callers above lib/ use
 * rcm/store.h only, and nothing outside lib/store and the table modules
 * (lib/refdata...) writes SQL.
 */
#ifndef RCM_STORE_INTERNAL_H
#define RCM_STORE_INTERNAL_H

#include <stdint.h>
#include <sqlite3.h>
#include "rcm/store.h"

struct rcm_store {
    sqlite3 *db;
    char *path;
    int depth;        /* open transaction levels */
    int version;      /* schema version after open */
};

/* The SQLite handle; valid until the store is closed. */
sqlite3 *store_db(rcm_store *st);

/*
 * Fills err from the handle's last SQLite error as "WHAT: sqlite message";
 * returns RCM_ENOMEM for SQLITE_NOMEM, else RCM_EIO.
 */
int store_sqlerr(rcm_store *st, rcm_error *err, const char *what);

/* Runs SQL with no result rows (several statements allowed). */
int store_exec(rcm_store *st, const char *sql, rcm_error *err);

/* Prepares one statement (kept: SQLITE_PREPARE_PERSISTENT); *out NULL on failure. */
int store_prepare(rcm_store *st, sqlite3_stmt **out, const char *sql, rcm_error *err);

/*
 * Steps a statement that returns no rows and resets it (bindings kept).
 * what names the statement in the message.
 */
int store_step_done(rcm_store *st, sqlite3_stmt *s, const char *what, rcm_error *err);

/*
 * Binds a date (day number) or NULL for RCM_DATE_NONE; reads one back.
 * Dates are stored as INTEGER day numbers (days since 1970-01-01).
 */
int store_bind_date(sqlite3_stmt *s, int i, int32_t day);
int32_t store_column_date(sqlite3_stmt *s, int i);

/*
 * The schema: an append-only list of migrations. Migration i (1-based) moves
 * the store from version i-1 to i. Never edit or reorder a released entry:
 * append a new one. sql is portable (SQLite and PostgreSQL: INTEGER, BIGINT,
 * SMALLINT, TEXT, REAL; ids assigned by rcm, no AUTOINCREMENT/SERIAL; no
 * dialect functions); sqlite_sql, when not NULL, holds the SQLite-only part
 * (FTS5 tables...), which a PostgreSQL backend replaces with its own
 * equivalent keyed by the same migration number.
 */
typedef struct store_migration {
    const char *name;
    const char *sql;
    const char *sqlite_sql;
} store_migration;

extern const store_migration store_migrations[];
extern const int store_nmigrations;

#endif
