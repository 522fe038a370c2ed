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
    /* 4 */
    { "the revenue cycle: practice, providers, payers, fees, patients, coverages, encounters",
      /* The practice and its set-up (rcm practice import). One store usually holds one practice;
         every cycle row is keyed by practice_id so a shared database can hold several. */
      "CREATE TABLE practice ("
      " practice_id INTEGER NOT NULL PRIMARY KEY,"
      " name TEXT NOT NULL,"
      " npi TEXT NOT NULL,"
      " tax_id TEXT NOT NULL,"
      " taxonomy TEXT NOT NULL,"
      " addr1 TEXT NOT NULL, addr2 TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,"
      " contact TEXT NOT NULL, phone TEXT NOT NULL,"
      " submitter_id TEXT NOT NULL,"   /* 1000A NM109 */
      " submitter_name TEXT NOT NULL,"
      " receiver_id TEXT NOT NULL,"    /* 1000B NM109: the clearinghouse */
      " receiver_name TEXT NOT NULL,"
      " created_at BIGINT NOT NULL);"
      "CREATE TABLE provider ("
      " provider_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " npi TEXT NOT NULL,"
      " last TEXT NOT NULL, first TEXT NOT NULL, middle TEXT NOT NULL,"
      " taxonomy TEXT NOT NULL,"
      " specialty TEXT NOT NULL,"      /* free text, used by reports (E/M reference by specialty) */
      " active SMALLINT NOT NULL,"
      " UNIQUE (practice_id, npi));"
      /* code: the practice's short name for the payer (MCR, BCBS...). payer_ext_id: 2010BB NM109.
         filing: SBR09 (MB MC CI BL HM...). timely_days/appeal_days: filing and appeal limits in days. */
      "CREATE TABLE payer ("
      " payer_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " code TEXT NOT NULL,"
      " name TEXT NOT NULL,"
      " payer_ext_id TEXT NOT NULL,"
      " filing TEXT NOT NULL,"
      " timely_days INTEGER NOT NULL,"
      " appeal_days INTEGER NOT NULL,"
      " addr1 TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,"
      " UNIQUE (practice_id, code));"
      "CREATE INDEX payer_ext ON payer (payer_ext_id);"
      /* The practice's own charges (what goes in CLM02/SV102), by code and modifier ('' any). */
      "CREATE TABLE fee ("
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " code TEXT NOT NULL, modifier TEXT NOT NULL,"
      " charge_cents BIGINT NOT NULL,"
      " PRIMARY KEY (practice_id, code, modifier));"
      /* What each payer's contract allows (underpayment check), by code and modifier ('' any). */
      "CREATE TABLE contract_fee ("
      " payer_id INTEGER NOT NULL REFERENCES payer (payer_id),"
      " code TEXT NOT NULL, modifier TEXT NOT NULL,"
      " allowed_cents BIGINT NOT NULL,"
      " PRIMARY KEY (payer_id, code, modifier));"
      /* Patients, by the EHR's medical record number. sex: F M U. */
      "CREATE TABLE patient ("
      " patient_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " mrn TEXT NOT NULL,"
      " last TEXT NOT NULL, first TEXT NOT NULL, middle TEXT NOT NULL,"
      " dob INTEGER NOT NULL, sex TEXT NOT NULL,"
      " addr1 TEXT NOT NULL, addr2 TEXT NOT NULL, city TEXT NOT NULL, state TEXT NOT NULL, zip TEXT NOT NULL,"
      " phone TEXT NOT NULL,"
      " UNIQUE (practice_id, mrn));"
      /* Coverage: seq P S T; relation: the patient's relation to the subscriber (SBR02/PAT01:
         18 self, 01 spouse, 19 child, G8 other). sub_*: the subscriber when not the patient. */
      "CREATE TABLE coverage ("
      " coverage_id INTEGER NOT NULL PRIMARY KEY,"
      " patient_id INTEGER NOT NULL REFERENCES patient (patient_id),"
      " payer_id INTEGER NOT NULL REFERENCES payer (payer_id),"
      " seq TEXT NOT NULL,"
      " member_id TEXT NOT NULL,"
      " group_no TEXT NOT NULL, group_name TEXT NOT NULL,"
      " relation TEXT NOT NULL,"
      " sub_last TEXT NOT NULL, sub_first TEXT NOT NULL, sub_dob INTEGER, sub_sex TEXT NOT NULL,"
      " sub_addr1 TEXT NOT NULL, sub_city TEXT NOT NULL, sub_state TEXT NOT NULL, sub_zip TEXT NOT NULL,"
      " eff_from INTEGER, eff_to INTEGER,"
      " UNIQUE (patient_id, seq));"
      /* Encounters from the EHR (rcm encounter import), by the EHR's id. kind: P professional,
         I institutional. status: new (imported), coded (codes assigned), signed (signed off by a
         coder), billed (a claim was built). documentation and proposed: the JSON as imported.
         coded_by/signed_by: user names. */
      "CREATE TABLE encounter ("
      " encounter_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " ext_id TEXT NOT NULL,"
      " patient_id INTEGER NOT NULL REFERENCES patient (patient_id),"
      " provider_id INTEGER NOT NULL REFERENCES provider (provider_id),"
      " referring_npi TEXT NOT NULL, referring_last TEXT NOT NULL, referring_first TEXT NOT NULL,"
      " dos INTEGER NOT NULL, dos_to INTEGER NOT NULL,"
      " pos TEXT NOT NULL,"
      " kind TEXT NOT NULL,"
      " bill_type TEXT NOT NULL,"      /* 837I: facility type + frequency source (e.g. 13) */
      " prior_auth TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " documentation TEXT NOT NULL,"
      " proposed TEXT NOT NULL,"
      " source TEXT NOT NULL,"         /* the file and line it was imported from */
      " imported_at BIGINT NOT NULL,"
      " coded_by TEXT, coded_at BIGINT,"
      " signed_by TEXT, signed_at BIGINT,"
      " UNIQUE (practice_id, ext_id));"
      "CREATE INDEX encounter_status ON encounter (status, dos);"
      "CREATE INDEX encounter_patient ON encounter (patient_id);"
      /* The coder's codes for an encounter: diagnoses in order (seq 1 = principal) and lines.
         mod1..mod4 '' when absent; ptr1..ptr4 1-based into the diagnoses, 0 when absent. */
      "CREATE TABLE encounter_dx ("
      " encounter_id INTEGER NOT NULL REFERENCES encounter (encounter_id),"
      " seq INTEGER NOT NULL,"
      " code TEXT NOT NULL,"
      " PRIMARY KEY (encounter_id, seq));",
      NULL },
    /* 5 */
    { "the revenue cycle: coding, claims, control numbers, exchanged files, batches",
      "CREATE TABLE encounter_line ("
      " encounter_id INTEGER NOT NULL REFERENCES encounter (encounter_id),"
      " line_no INTEGER NOT NULL,"
      " code TEXT NOT NULL,"
      " mod1 TEXT NOT NULL, mod2 TEXT NOT NULL, mod3 TEXT NOT NULL, mod4 TEXT NOT NULL,"
      " units_milli BIGINT NOT NULL,"
      " ptr1 SMALLINT NOT NULL, ptr2 SMALLINT NOT NULL, ptr3 SMALLINT NOT NULL, ptr4 SMALLINT NOT NULL,"
      " rev_code TEXT NOT NULL,"
      " PRIMARY KEY (encounter_id, line_no));"
      /* A coder's explicit override of a coder-routed finding (line_no 0: the claim). */
      "CREATE TABLE finding_override ("
      " encounter_id INTEGER NOT NULL REFERENCES encounter (encounter_id),"
      " rule_id TEXT NOT NULL,"
      " line_no INTEGER NOT NULL,"
      " reason TEXT NOT NULL,"
      " user_name TEXT NOT NULL,"
      " at BIGINT NOT NULL,"
      " PRIMARY KEY (encounter_id, rule_id, line_no));"
      /* Claims: what was billed, to whom. claim_no is CLM01 (unique, never reused). seq: the
         payer's order for this claim (P S T). freq: CLM05-3 (1 original, 7 replacement, 8 void).
         original_claim_id: the claim a 7/8 replaces or a secondary follows (primary_claim_id).
         original_icn: REF*F8 on a 7/8. payer_icn: CLP07 learned from the 835 (or 277CA REF*1K).
         status: held (errors for the biller), ready, submitted, accepted, rejected, paid, partial,
         denied, replaced, void, closed. first_*: kept for the first-pass metrics. */
      "CREATE TABLE claim ("
      " claim_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " claim_no TEXT NOT NULL,"
      " encounter_id INTEGER NOT NULL REFERENCES encounter (encounter_id),"
      " patient_id INTEGER NOT NULL REFERENCES patient (patient_id),"
      " provider_id INTEGER NOT NULL REFERENCES provider (provider_id),"
      " coverage_id INTEGER NOT NULL REFERENCES coverage (coverage_id),"
      " payer_id INTEGER NOT NULL REFERENCES payer (payer_id),"
      " seq TEXT NOT NULL,"
      " kind TEXT NOT NULL,"
      " freq TEXT NOT NULL,"
      " original_claim_id INTEGER REFERENCES claim (claim_id),"
      " primary_claim_id INTEGER REFERENCES claim (claim_id),"
      " original_icn TEXT NOT NULL,"
      " payer_icn TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " charge_cents BIGINT NOT NULL,"
      " dos_from INTEGER NOT NULL, dos_to INTEGER NOT NULL,"
      " scrub_errors INTEGER NOT NULL,"   /* error findings when it was built (not counting coder overrides) */
      " coded_by TEXT NOT NULL,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL,"
      " batch_id INTEGER,"
      " submitted_at BIGINT, submitted_by TEXT,"
      " submissions INTEGER NOT NULL,"    /* times submitted (1 on the first) */
      " acked_at BIGINT, adjudicated_at BIGINT,"
      " first_ack TEXT NOT NULL,"         /* '' / accepted / rejected: the first acknowledgment's verdict */
      " first_835 TEXT NOT NULL,"         /* '' / paid / partial / denied: the first remittance's verdict */
      " UNIQUE (claim_no));"
      "CREATE INDEX claim_status ON claim (status, payer_id);"
      "CREATE INDEX claim_encounter ON claim (encounter_id);"
      "CREATE INDEX claim_patient ON claim (patient_id);"
      "CREATE INDEX claim_icn ON claim (payer_icn);"
      "CREATE INDEX claim_dos ON claim (dos_from);"
      "CREATE TABLE claim_dx ("
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " seq INTEGER NOT NULL,"
      " code TEXT NOT NULL,"
      " PRIMARY KEY (claim_id, seq));"
      "CREATE TABLE claim_line ("
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " line_no INTEGER NOT NULL,"
      " code TEXT NOT NULL,"
      " mod1 TEXT NOT NULL, mod2 TEXT NOT NULL, mod3 TEXT NOT NULL, mod4 TEXT NOT NULL,"
      " units_milli BIGINT NOT NULL,"
      " charge_cents BIGINT NOT NULL,"
      " ptr1 SMALLINT NOT NULL, ptr2 SMALLINT NOT NULL, ptr3 SMALLINT NOT NULL, ptr4 SMALLINT NOT NULL,"
      " dos INTEGER NOT NULL,"
      " rev_code TEXT NOT NULL,"
      " PRIMARY KEY (claim_id, line_no));"
      /* The scrubber's findings on a claim when it was built (the biller's queue reads them). */
      "CREATE TABLE claim_finding ("
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " seq INTEGER NOT NULL,"
      " rule_id TEXT NOT NULL,"
      " severity TEXT NOT NULL,"
      " route TEXT NOT NULL,"
      " line_no INTEGER NOT NULL,"
      " message TEXT NOT NULL,"
      " PRIMARY KEY (claim_id, seq));"
      /* Control numbers: one row per counter (isa, gs, st...), only ever increased, each
         increase committed before the number is used, so a number is never used twice. */
      "CREATE TABLE control_counter ("
      " name TEXT NOT NULL PRIMARY KEY,"
      " value BIGINT NOT NULL);"
      /* Every file exchanged, as sent or received (X12 is text), by its SHA-256. */
      "CREATE TABLE x12_file ("
      " file_id INTEGER NOT NULL PRIMARY KEY,"
      " sha256 TEXT NOT NULL,"
      " kind TEXT NOT NULL,"           /* 837P 837I 999 277CA TA1 835 */
      " direction TEXT NOT NULL,"      /* out / in */
      " name TEXT NOT NULL,"
      " size BIGINT NOT NULL,"
      " at BIGINT NOT NULL,"
      " user_name TEXT NOT NULL,"
      " body TEXT NOT NULL,"
      " UNIQUE (sha256));"
      "CREATE TABLE batch ("
      " batch_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " payer_id INTEGER NOT NULL REFERENCES payer (payer_id),"
      " kind TEXT NOT NULL,"
      " isa_control BIGINT NOT NULL,"
      " gs_control BIGINT NOT NULL,"
      " file_id INTEGER NOT NULL REFERENCES x12_file (file_id),"
      " claims INTEGER NOT NULL,"
      " charge_cents BIGINT NOT NULL,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL);"
      "CREATE INDEX batch_gs ON batch (gs_control);",
      NULL },
    /* 6 */
    { "the revenue cycle: acknowledgments, remittances, the ledger, denials",
      /* Acknowledgments, one row per verdict: a 999 set (claim_id NULL: the whole set of
         batch_id) or a 277CA claim. status: accepted / rejected (999 IK5 A E / R; 277CA WQ / U);
         code: IK5/AK9 code or STC01 category:status; message: what a person reads. */
      "CREATE TABLE ack ("
      " ack_id INTEGER NOT NULL PRIMARY KEY,"
      " file_id INTEGER NOT NULL REFERENCES x12_file (file_id),"
      " kind TEXT NOT NULL,"
      " batch_id INTEGER REFERENCES batch (batch_id),"
      " claim_id INTEGER REFERENCES claim (claim_id),"
      " set_control TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " code TEXT NOT NULL,"
      " message TEXT NOT NULL,"
      " at BIGINT NOT NULL);"
      "CREATE INDEX ack_claim ON ack (claim_id);"
      /* Remittances: one row per 835 transaction set posted. (trace_payer, trace) is unique: the
         same payment is never posted twice, whatever file it arrives in. */
      "CREATE TABLE remit ("
      " remit_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " file_id INTEGER NOT NULL REFERENCES x12_file (file_id),"
      " st_control TEXT NOT NULL,"
      " trace_payer TEXT NOT NULL,"    /* TRN03, else the payer's N1*PR id */
      " trace TEXT NOT NULL,"          /* TRN02 */
      " payer_id INTEGER REFERENCES payer (payer_id),"
      " payer_name TEXT NOT NULL,"
      " payment_cents BIGINT NOT NULL,"  /* signed: a debit (BPR03 D) is negative */
      " method TEXT NOT NULL,"
      " payment_date INTEGER,"
      " claims INTEGER NOT NULL,"
      " plb_cents BIGINT NOT NULL,"
      " posted_at BIGINT NOT NULL, posted_by TEXT NOT NULL,"
      " UNIQUE (trace_payer, trace));"
      /* Each CLP of a posted 835; claim_id NULL: not matched (a work item in the unmatched queue). */
      "CREATE TABLE remit_claim ("
      " remit_claim_id INTEGER NOT NULL PRIMARY KEY,"
      " remit_id INTEGER NOT NULL REFERENCES remit (remit_id),"
      " seq INTEGER NOT NULL,"
      " claim_id INTEGER REFERENCES claim (claim_id),"
      " clp01 TEXT NOT NULL,"
      " status TEXT NOT NULL,"         /* CLP02 */
      " charge_cents BIGINT NOT NULL, paid_cents BIGINT NOT NULL, patient_cents BIGINT NOT NULL,"
      " payer_icn TEXT NOT NULL,"
      " segment BIGINT NOT NULL);"
      "CREATE INDEX remit_claim_claim ON remit_claim (claim_id);"
      "CREATE INDEX remit_claim_remit ON remit_claim (remit_id);"
      /* Each SVC of a matched claim (line_no: the claim line it paid, 0 when none matched). */
      "CREATE TABLE remit_line ("
      " remit_claim_id INTEGER NOT NULL REFERENCES remit_claim (remit_claim_id),"
      " seq INTEGER NOT NULL,"
      " line_no INTEGER NOT NULL,"
      " code TEXT NOT NULL,"
      " mod1 TEXT NOT NULL, mod2 TEXT NOT NULL, mod3 TEXT NOT NULL, mod4 TEXT NOT NULL,"
      " charge_cents BIGINT NOT NULL, paid_cents BIGINT NOT NULL,"
      " units_milli BIGINT NOT NULL,"
      " allowed_cents BIGINT,"         /* AMT*B6, NULL when absent */
      " expected_cents BIGINT,"        /* the contract's allowed amount, NULL when none */
      " PRIMARY KEY (remit_claim_id, seq));"
      /* Provider-level adjustments (PLB) of a posted 835: not claim AR. Positive reduces the payment. */
      "CREATE TABLE remit_plb ("
      " remit_id INTEGER NOT NULL REFERENCES remit (remit_id),"
      " seq INTEGER NOT NULL,"
      " reason TEXT NOT NULL, ref TEXT NOT NULL,"
      " amount_cents BIGINT NOT NULL,"
      " PRIMARY KEY (remit_id, seq));"
      /* The ledger: append-only; a row is never updated or deleted. amount_cents is what the row
         adds to the balance owed on the claim by payer_id (NULL: the patient): a charge is
         positive, a payment or an adjustment negative, a transfer is a pair (minus from one party,
         plus to the next), a reversal is the negation of the rows it reverses (reverses = their
         entry_id). kind: charge payment adjustment transfer reversal patient_payment writeoff
         refund. group_code/carc: the CAS that caused an adjustment or transfer. line_no 0: the
         claim as a whole. effective: the business date (835 payment date, claim date...). */
      "CREATE TABLE ledger ("
      " entry_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " line_no INTEGER NOT NULL,"
      " patient_id INTEGER NOT NULL REFERENCES patient (patient_id),"
      " payer_id INTEGER REFERENCES payer (payer_id),"
      " kind TEXT NOT NULL,"
      " group_code TEXT NOT NULL, carc TEXT NOT NULL,"
      " amount_cents BIGINT NOT NULL,"
      " remit_id INTEGER REFERENCES remit (remit_id),"
      " remit_claim_id INTEGER REFERENCES remit_claim (remit_claim_id),"
      " reverses INTEGER REFERENCES ledger (entry_id),"
      " effective INTEGER NOT NULL,"
      " at BIGINT NOT NULL, user_name TEXT NOT NULL,"
      " memo TEXT NOT NULL);"
      "CREATE INDEX ledger_claim ON ledger (claim_id);"
      "CREATE INDEX ledger_patient ON ledger (patient_id);"
      "CREATE INDEX ledger_remit ON ledger (remit_id);"
      /* The denial routing table (data, overridable): the most specific matching row wins.
         '' in group_code, carc or rarc matches anything. route: coder biller patient auto.
         root: bundling modifier dx-mismatch medical-necessity mue coding eligibility
         timely-filing cob missing-info authorization duplicate contractual patient-share other. */
      "CREATE TABLE denial_route ("
      " group_code TEXT NOT NULL, carc TEXT NOT NULL, rarc TEXT NOT NULL,"
      " route TEXT NOT NULL, root TEXT NOT NULL, denial SMALLINT NOT NULL,"
      " note TEXT NOT NULL,"
      " PRIMARY KEY (group_code, carc, rarc));"
      /* Denied or adjusted lines that need work, classified by the routing table. status: open,
         corrected (a corrected claim was built), appealed, written-off, resolved. */
      "CREATE TABLE denial ("
      " denial_id INTEGER NOT NULL PRIMARY KEY,"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " line_no INTEGER NOT NULL,"
      " remit_claim_id INTEGER NOT NULL REFERENCES remit_claim (remit_claim_id),"
      " group_code TEXT NOT NULL, carc TEXT NOT NULL, rarc TEXT NOT NULL,"
      " amount_cents BIGINT NOT NULL,"
      " route TEXT NOT NULL, root TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " created_at BIGINT NOT NULL,"
      " resolved_at BIGINT, resolved_by TEXT,"
      " corrected_claim_id INTEGER REFERENCES claim (claim_id));"
      "CREATE INDEX denial_claim ON denial (claim_id);"
      "CREATE INDEX denial_status ON denial (status, route);",
      NULL },
    /* 7 */
    { "the revenue cycle: work items, appeals, statements, audit events",
      /* Work queues: coder, biller, patient, poster. kind: scrub rejection denial unmatched
         underpayment appeal correction, and audit (a coding audit's corrections, from migration
         9). due: the date it must be done by (filing, appeal). */
      "CREATE TABLE work_item ("
      " item_id INTEGER NOT NULL PRIMARY KEY,"
      " practice_id INTEGER NOT NULL REFERENCES practice (practice_id),"
      " queue TEXT NOT NULL,"
      " kind TEXT NOT NULL,"
      " claim_id INTEGER REFERENCES claim (claim_id),"
      " encounter_id INTEGER REFERENCES encounter (encounter_id),"
      " denial_id INTEGER REFERENCES denial (denial_id),"
      " remit_claim_id INTEGER REFERENCES remit_claim (remit_claim_id),"
      " amount_cents BIGINT NOT NULL,"
      " due INTEGER,"
      " status TEXT NOT NULL,"         /* open / done */
      " summary TEXT NOT NULL,"
      " created_at BIGINT NOT NULL,"
      " closed_at BIGINT, closed_by TEXT);"
      "CREATE INDEX work_item_queue ON work_item (queue, status);"
      "CREATE INDEX work_item_claim ON work_item (claim_id);"
      "CREATE TABLE appeal ("
      " appeal_id INTEGER NOT NULL PRIMARY KEY,"
      " denial_id INTEGER NOT NULL REFERENCES denial (denial_id),"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " level INTEGER NOT NULL,"
      " filed INTEGER NOT NULL,"
      " deadline INTEGER NOT NULL,"
      " status TEXT NOT NULL,"         /* filed / won / lost / withdrawn */
      " note TEXT NOT NULL,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL);"
      "CREATE INDEX appeal_claim ON appeal (claim_id);"
      /* Patient statements: one row per statement, one line per claim on it. */
      "CREATE TABLE statement ("
      " statement_id INTEGER NOT NULL PRIMARY KEY,"
      " patient_id INTEGER NOT NULL REFERENCES patient (patient_id),"
      " stmt_date INTEGER NOT NULL,"
      " due INTEGER NOT NULL,"
      " balance_cents BIGINT NOT NULL,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL);"
      "CREATE TABLE statement_line ("
      " statement_id INTEGER NOT NULL REFERENCES statement (statement_id),"
      " seq INTEGER NOT NULL,"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " charge_cents BIGINT NOT NULL,"
      " insurance_cents BIGINT NOT NULL,"   /* paid by insurance */
      " adjusted_cents BIGINT NOT NULL,"    /* written off */
      " patient_paid_cents BIGINT NOT NULL,"
      " balance_cents BIGINT NOT NULL,"
      " PRIMARY KEY (statement_id, seq));"
      /* Audit events of the cycle: who did what to which record. (Chained and verified by the
         audit module.) detail never holds patient names or clinical text: record ids only. */
      "CREATE TABLE audit_event ("
      " event_id INTEGER NOT NULL PRIMARY KEY,"
      " at BIGINT NOT NULL,"
      " user_name TEXT NOT NULL,"
      " action TEXT NOT NULL,"
      " entity TEXT NOT NULL,"
      " entity_id BIGINT NOT NULL,"
      " detail TEXT NOT NULL);",
      NULL },
    /* 8 */
    { "the ledger summary the reports keep",
      /* Each claim's sums through ledger row ledger_sum_state.through_entry (the ledger is
         append-only, so the rows after it are all that is new), the latest effective date among
         them, and the ledger by effective date (rows to take back out for an earlier date). A
         cache derived from the ledger, never the truth: only the reports write it (lib/cycle/ar.c),
         and emptying both tables is always safe (the next report rebuilds them). */
      "CREATE TABLE ledger_sum ("
      " claim_id INTEGER NOT NULL PRIMARY KEY REFERENCES claim (claim_id),"
      " charge_cents BIGINT NOT NULL, payer_paid_cents BIGINT NOT NULL, patient_paid_cents BIGINT NOT NULL,"
      " contractual_cents BIGINT NOT NULL, writeoff_cents BIGINT NOT NULL,"
      " payer_cents BIGINT NOT NULL, patient_cents BIGINT NOT NULL);"
      "CREATE TABLE ledger_sum_state ("
      " id INTEGER NOT NULL PRIMARY KEY,"
      " through_entry BIGINT NOT NULL,"
      " max_effective INTEGER);"
      "CREATE INDEX ledger_effective ON ledger (effective);",
      NULL },
    /* 9 */
    { "people, roles, sessions, separation of duties, the chained audit trail, coding audits",
      /* Users: name is unique and never changes (the cycle's *_by columns hold it). roles: a mask of
         RCM_ROLE_* (include/rcm/auth.h). pw_hash: libsodium's Argon2id string (parameters inside).
         status: active / disabled; a lock-out is locked_until in the future. failed: consecutive
         failed logins; next_try: no password is checked before it (throttling). */
      "CREATE TABLE app_user ("
      " user_id INTEGER NOT NULL PRIMARY KEY,"
      " name TEXT NOT NULL UNIQUE,"
      " roles INTEGER NOT NULL,"
      " pw_hash TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " failed INTEGER NOT NULL, next_try BIGINT NOT NULL, locked_until BIGINT NOT NULL,"
      " last_login BIGINT,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL);"
      /* Sessions: the token is never stored, only its BLAKE2b-256 hash (hex). A session ends at
         expires_at, after idle_minutes without use (last_used), or when revoked. */
      "CREATE TABLE session ("
      " token_hash TEXT NOT NULL PRIMARY KEY,"
      " user_id INTEGER NOT NULL REFERENCES app_user (user_id),"
      " origin TEXT NOT NULL,"
      " created_at BIGINT NOT NULL, last_used BIGINT NOT NULL, expires_at BIGINT NOT NULL,"
      " revoked_at BIGINT);"
      "CREATE INDEX session_user ON session (user_id);"
      /* Settings an admin changes (keys and defaults: include/rcm/auth.h). */
      "CREATE TABLE setting ("
      " key TEXT NOT NULL PRIMARY KEY,"
      " value TEXT NOT NULL,"
      " changed_at BIGINT NOT NULL, changed_by TEXT NOT NULL);"
      /* Separation-of-duties exceptions: a documented permission, for a small practice, for one
         user to submit, post or write off claims they coded. Every use is an audit event. */
      "CREATE TABLE sod_exception ("
      " exception_id INTEGER NOT NULL PRIMARY KEY,"
      " user_id INTEGER NOT NULL REFERENCES app_user (user_id),"
      " reason TEXT NOT NULL,"
      " expires INTEGER,"
      " granted_at BIGINT NOT NULL, granted_by TEXT NOT NULL,"
      " revoked_at BIGINT, revoked_by TEXT);"
      /* Write-offs above the approval threshold wait here for a second person. status: pending /
         approved / rejected. */
      "CREATE TABLE writeoff_request ("
      " request_id INTEGER NOT NULL PRIMARY KEY,"
      " denial_id INTEGER NOT NULL REFERENCES denial (denial_id),"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " amount_cents BIGINT NOT NULL,"
      " reason TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " requested_at BIGINT NOT NULL, requested_by TEXT NOT NULL,"
      " decided_at BIGINT, decided_by TEXT, decision_note TEXT);"
      "CREATE INDEX writeoff_request_denial ON writeoff_request (denial_id);"
      /* Work items routed to one person (an auditor's corrections to the coder who coded). */
      "ALTER TABLE work_item ADD COLUMN assignee TEXT;"
      /* The audit trail. seq runs 1, 2, 3... without gaps; hash = BLAKE2b-256 over the previous
         event's hash and this event's fields (lib/audit/chain.c defines the encoding), so any edit,
         deletion, insertion or reordering breaks the chain at that event. Rows are never updated or
         deleted (the triggers refuse it). detail: record ids, codes, amounts and before/after
         values of what changed; never patient names or clinical text. The events of migration 7's
         audit_event (not chained) stay there, read-only. */
      "CREATE TABLE audit_log ("
      " seq INTEGER NOT NULL PRIMARY KEY,"
      " at BIGINT NOT NULL,"
      " user_id BIGINT NOT NULL,"
      " user_name TEXT NOT NULL,"
      " roles TEXT NOT NULL,"
      " origin TEXT NOT NULL,"
      " action TEXT NOT NULL,"
      " outcome TEXT NOT NULL,"
      " entity TEXT NOT NULL,"
      " entity_id BIGINT NOT NULL,"
      " patient_id BIGINT NOT NULL,"
      " claim_id BIGINT NOT NULL,"
      " detail TEXT NOT NULL,"
      " prev_hash TEXT NOT NULL,"
      " hash TEXT NOT NULL);"
      /* events about a claim are found through the claim (the patient's claims), so the patient
         index holds only the others: a claims build does not pay for it per claim */
      "CREATE INDEX audit_log_patient ON audit_log (patient_id) WHERE claim_id = 0;"
      "CREATE INDEX audit_log_claim ON audit_log (claim_id);"
      "CREATE INDEX audit_log_user ON audit_log (user_name);"
      "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
      " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;"
      "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
      " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;"
      "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event"
      " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;"
      "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event"
      " BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;"
      /* Coding audits. A sample: its parameters (so it can be drawn again) and its claims, each in
         its stratum. A review: the auditor's verdict on one claim of a sample, one row per code
         reviewed (kind d diagnosis, p procedure, m modifier, u units; line 0 for diagnoses).
         effect_cents: what the error changed in the expected payment, negative when the claim was
         over-coded. */
      "CREATE TABLE audit_sample ("
      " sample_id INTEGER NOT NULL PRIMARY KEY,"
      " coder TEXT NOT NULL,"
      " date_from INTEGER NOT NULL, date_to INTEGER NOT NULL,"
      " n INTEGER NOT NULL,"
      " seed TEXT NOT NULL,"
      " stratify TEXT NOT NULL,"
      " universe INTEGER NOT NULL,"
      " created_at BIGINT NOT NULL, created_by TEXT NOT NULL);"
      "CREATE TABLE audit_sample_claim ("
      " sample_id INTEGER NOT NULL REFERENCES audit_sample (sample_id),"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " stratum TEXT NOT NULL,"
      " pick INTEGER NOT NULL,"
      " PRIMARY KEY (sample_id, claim_id));"
      "CREATE TABLE audit_review ("
      " review_id INTEGER NOT NULL PRIMARY KEY,"
      " sample_id INTEGER NOT NULL REFERENCES audit_sample (sample_id),"
      " claim_id INTEGER NOT NULL REFERENCES claim (claim_id),"
      " coder TEXT NOT NULL,"
      " note TEXT NOT NULL,"
      " reviewed_at BIGINT NOT NULL, reviewed_by TEXT NOT NULL,"
      " UNIQUE (sample_id, claim_id));"
      "CREATE TABLE audit_review_code ("
      " review_id INTEGER NOT NULL REFERENCES audit_review (review_id),"
      " seq INTEGER NOT NULL,"
      " line INTEGER NOT NULL,"
      " kind TEXT NOT NULL,"
      " code TEXT NOT NULL,"
      " correct TEXT NOT NULL,"
      " ok INTEGER NOT NULL,"
      " error_type TEXT NOT NULL,"
      " effect_cents BIGINT NOT NULL,"
      " PRIMARY KEY (review_id, seq));"
      /* The E/M reference distribution the providers are compared with: one row per code, its
         family (office-new, office-established...) and its share in parts per million. */
      "CREATE TABLE em_reference ("
      " family TEXT NOT NULL,"
      " code TEXT NOT NULL PRIMARY KEY,"
      " level INTEGER NOT NULL,"
      " share_ppm INTEGER NOT NULL,"
      " source TEXT NOT NULL,"
      " loaded_at BIGINT NOT NULL, loaded_by TEXT NOT NULL);",
      NULL },
};

const int store_nmigrations = (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
