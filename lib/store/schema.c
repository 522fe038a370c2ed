/*
 * The store's schema as an append-only list of migrations (see
 * store_internal.h for the rules). Migration N is applied once, in order,
 * inside the transaction that records it in schema_version.
 *
 * Conventions: dates are INTEGER day numbers (days since 1970-01-01, as
 * rcm_date); an open end is NULL. Money is BIGINT cents. Times are BIGINT
 * seconds since 1970 UTC. Row ids are assigned by rcm (max + 1 inside the
 * writing transaction), so no dialect's auto-increment is needed. Every
 * reference-data row carries the load_id of the refdata_load it came from.
 */
#include <stddef.h>
#include "store_internal.h"

const store_migration store_migrations[] = {
    /* 1 */
    { "reference data: loads, code sets, MCE edits",
      /* One row per imported file. (kind, sha256) is unique: the same file is never loaded twice.
         A later load of the same kind and version replaces an earlier one (replaced_by). */
      "CREATE TABLE refdata_load ("
      " load_id INTEGER NOT NULL PRIMARY KEY,"
      " kind TEXT NOT NULL,"
      " version TEXT NOT NULL,"
      " source TEXT NOT NULL,"
      " sha256 TEXT NOT NULL,"
      " eff_from INTEGER,"
      " eff_to INTEGER,"
      " row_count INTEGER NOT NULL,"
      " skipped INTEGER NOT NULL,"
      " loaded_at BIGINT NOT NULL,"
      " replaced_by INTEGER REFERENCES refdata_load (load_id));"
      "CREATE UNIQUE INDEX refdata_load_sum ON refdata_load (kind, sha256);"
      "CREATE INDEX refdata_load_kind ON refdata_load (kind, eff_from);"
      /* Every code set in one table: ICD-10-CM, HCPCS codes and modifiers, CPT, CARC, RARC,
         claim status categories and codes, place of service, adjustment groups.
         valid_from/valid_to: the code's own dates when its file has them (CARC start/stop),
         else NULL and the load's range applies. */
      "CREATE TABLE ref_code ("
      " id INTEGER NOT NULL PRIMARY KEY,"
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " code_set TEXT NOT NULL,"
      " code TEXT NOT NULL,"
      " valid_from INTEGER,"
      " valid_to INTEGER,"
      " billable SMALLINT NOT NULL,"
      " short_desc TEXT,"
      " descr TEXT NOT NULL);"
      "CREATE INDEX ref_code_code ON ref_code (code, code_set);"
      "CREATE INDEX ref_code_load ON ref_code (load_id, code_set);"
      /* Medicare Code Editor: which codes fall in an age or sex category, per load. */
      "CREATE TABLE mce_edit ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " code TEXT NOT NULL,"
      " category TEXT NOT NULL,"
      " PRIMARY KEY (load_id, code, category));"
      "CREATE INDEX mce_edit_code ON mce_edit (code);"
      /* The age range of each MCE age category (years, inclusive), per load. */
      "CREATE TABLE mce_age ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " category TEXT NOT NULL,"
      " age_min INTEGER NOT NULL,"
      " age_max INTEGER NOT NULL,"
      " PRIMARY KEY (load_id, category));",
      /* Text search over descriptions (rowid = ref_code.id), stemmed so "diabetic" finds
         "diabetes". External content: the text lives once, in ref_code. PostgreSQL: a
         tsvector column with a GIN index. */
      "CREATE VIRTUAL TABLE ref_code_fts USING fts5("
      " descr, content = 'ref_code', content_rowid = 'id',"
      " tokenize = 'porter unicode61 remove_diacritics 2');" },
};

const int store_nmigrations = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
