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
    /* 2 */
    { "NCCI edit tables (PTP, MUE, add-on codes) and the physician fee schedule",
      /* NCCI procedure-to-procedure edits, practitioner (kind ptp) and hospital (ptp_hospital):
         one row per row of the CMS file, line = its line in the file. del_date NULL: '*'. */
      "CREATE TABLE ncci_ptp ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " line INTEGER NOT NULL,"
      " col1 TEXT NOT NULL,"
      " col2 TEXT NOT NULL,"
      " pre1996 SMALLINT NOT NULL,"
      " eff_date INTEGER NOT NULL,"
      " del_date INTEGER,"
      " modifier SMALLINT NOT NULL,"
      " rationale TEXT,"
      " PRIMARY KEY (load_id, line));"
      /* Medically unlikely edits (kinds mue, mue_hospital, mue_dme): one value per code and load. */
      "CREATE TABLE ncci_mue ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " code TEXT NOT NULL,"
      " line INTEGER NOT NULL,"
      " mue INTEGER NOT NULL,"
      " mai SMALLINT NOT NULL,"
      " mai_text TEXT,"
      " rationale TEXT,"
      " PRIMARY KEY (load_id, code));"
      /* Add-on codes and their primaries (kind aoc); primary_code NULL: no list (type 2). */
      "CREATE TABLE ncci_aoc ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " line INTEGER NOT NULL,"
      " addon TEXT NOT NULL,"
      " primary_code TEXT,"
      " edit_type SMALLINT NOT NULL,"
      " eff_date INTEGER NOT NULL,"
      " del_date INTEGER,"
      " PRIMARY KEY (load_id, line));"
      /* PPRRVU (kind pprrvu): RVUs and fractions as INTEGER x 10000 (1.30 -> 13000);
         modifier '' for the global service; indicators as the file's characters. */
      "CREATE TABLE pfs_rvu ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " hcpcs TEXT NOT NULL,"
      " modifier TEXT NOT NULL,"
      " line INTEGER NOT NULL,"
      " status TEXT NOT NULL,"
      " work_rvu INTEGER NOT NULL,"
      " pe_nonfac INTEGER NOT NULL,"
      " nonfac_na SMALLINT NOT NULL,"
      " pe_fac INTEGER NOT NULL,"
      " fac_na SMALLINT NOT NULL,"
      " mp_rvu INTEGER NOT NULL,"
      " pctc TEXT NOT NULL,"
      " glob_days TEXT NOT NULL,"
      " pre_op INTEGER NOT NULL,"
      " intra_op INTEGER NOT NULL,"
      " post_op INTEGER NOT NULL,"
      " mult_proc TEXT NOT NULL,"
      " bilat_surg TEXT NOT NULL,"
      " asst_surg TEXT NOT NULL,"
      " co_surg TEXT NOT NULL,"
      " team_surg TEXT NOT NULL,"
      " endo_base TEXT NOT NULL,"
      " conv_factor INTEGER NOT NULL,"
      " PRIMARY KEY (load_id, hcpcs, modifier));"
      /* GPCIs by locality (kind gpci), x 10000. */
      "CREATE TABLE pfs_gpci ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " mac TEXT NOT NULL,"
      " locality TEXT NOT NULL,"
      " line INTEGER NOT NULL,"
      " state TEXT NOT NULL,"
      " name TEXT NOT NULL,"
      " gpci_work INTEGER NOT NULL,"
      " gpci_pe INTEGER NOT NULL,"
      " gpci_mp INTEGER NOT NULL,"
      " PRIMARY KEY (load_id, mac, locality));"
      /* Conversion factors (kind cf), x 10000, each with its own dates. */
      "CREATE TABLE pfs_cf ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " line INTEGER NOT NULL,"
      " cf_type TEXT NOT NULL,"
      " cf INTEGER NOT NULL,"
      " descr TEXT,"
      " eff_from INTEGER,"
      " eff_to INTEGER,"
      " PRIMARY KEY (load_id, line));"
      /* Anesthesia conversion factor by locality (kind anes_cf), x 10000. */
      "CREATE TABLE pfs_anes_cf ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " mac TEXT NOT NULL,"
      " locality TEXT NOT NULL,"
      " line INTEGER NOT NULL,"
      " name TEXT NOT NULL,"
      " anes_cf INTEGER NOT NULL,"
      " PRIMARY KEY (load_id, mac, locality));"
      /* Localities and the counties they cover (kind locality). */
      "CREATE TABLE pfs_locality ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " line INTEGER NOT NULL,"
      " mac TEXT NOT NULL,"
      " locality TEXT NOT NULL,"
      " state TEXT NOT NULL,"
      " area TEXT NOT NULL,"
      " counties TEXT NOT NULL,"
      " PRIMARY KEY (load_id, line));",
      NULL },
    /* 3 */
    { "medical necessity policies (kind mn)",
      /* One row per row of the file (line = its line). A procedure range is proc_from..proc_to
         (equal for one code). dx as written; dx_from..dx_to the codes without the dot: equal for
         one code, a range whose upper end includes its subcodes, or (dx_prefix 1) a prefix.
         payer '' applies to every payer; dx_group '' means the diagnosis alone supports the
         procedure, a name that every row of the group must be matched together.
         eff_from/eff_to: the row's own dates, NULL open. */
      "CREATE TABLE mn_policy ("
      " load_id INTEGER NOT NULL REFERENCES refdata_load (load_id),"
      " line INTEGER NOT NULL,"
      " policy TEXT NOT NULL,"
      " payer TEXT NOT NULL,"
      " proc_from TEXT NOT NULL,"
      " proc_to TEXT NOT NULL,"
      " dx TEXT NOT NULL,"
      " dx_from TEXT NOT NULL,"
      " dx_to TEXT NOT NULL,"
      " dx_prefix SMALLINT NOT NULL,"
      " dx_group TEXT NOT NULL,"
      " eff_from INTEGER,"
      " eff_to INTEGER,"
      " PRIMARY KEY (load_id, line));",
      NULL },
};

const int store_nmigrations = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
