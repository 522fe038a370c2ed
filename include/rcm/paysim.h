/*
 * The payer simulator: adjudicates an 837 the way a payer would, so the
 * whole cycle can run without a payer (the demo, tests, benchmarks). It is
 * deterministic: the same 837, configuration and state give the same bytes.
 *
 * The configuration (docs/paysim.md) names, per payer id: the allowed
 * amount of each code (a table, else a percentage of the charge), the
 * patient's share (deductible, coinsurance, copay per member), and the
 * payer's own edits that deny (members not covered, codes needing
 * authorization, bundled pairs, diagnoses not supporting a procedure, unit
 * limits, late filing), and provider-level adjustments to apply.
 *
 * For each 837 it writes a 999 (a transaction set is rejected when it has
 * syntax problems), a 277CA (claims accepted into adjudication or rejected
 * with STC reasons for bad member ids and the like) and an 835 (payments,
 * CO-45 contractual adjustments, PR 1/2/3 patient shares, denials with CARC
 * and RARC, PLB). A replacement claim (frequency 7) is answered with the
 * reversal (CLP02 22) of what the original was paid and the new
 * adjudication: the state file remembers what each claim was paid.
 */
#ifndef RCM_PAYSIM_H
#define RCM_PAYSIM_H

#include <stdint.h>
#include "error.h"
#include "value.h"

typedef struct rcm_paysim rcm_paysim;

/* Reads the configuration; state_path (may not exist yet) keeps what was paid between runs. */
RCM_API int rcm_paysim_new(rcm_paysim **out, const char *config_path, const char *state_path, rcm_error *err);
RCM_API void rcm_paysim_free(rcm_paysim *p);

typedef struct rcm_paysim_report {
    long sets, sets_rejected;
    long claims, claims_rejected;   /* 277CA */
    long paid, denied, partial, reversed;
    int64_t paid_cents, plb_cents;
    char ack999_path[512], ack277_path[512], era_path[512]; /* '' when not written */
} rcm_paysim_report;

/*
 * Adjudicates in_837: writes OUT_DIR/BASE.999, BASE.277ca and BASE.835
 * (BASE: the 837's file name without its extension), dated today, and
 * saves the state. Errors: RCM_EIO, RCM_EFORMAT (not an 837), RCM_EINVAL.
 */
RCM_API int rcm_paysim_run(rcm_paysim *p, const char *in_837, const char *out_dir, rcm_date today,
                           rcm_paysim_report *out, rcm_error *err);

#endif
