/*
 * Writing 837P (005010X222A1) and 837I (005010X223A2) batches.
 *
 * A streaming writer: claims are added one at a time and their segments
 * appended to an output buffer that the caller drains (rcm_x12_writer_take)
 * or that the writer writes to a file descriptor as it fills, so a batch of
 * any size needs memory for one claim only.
 *
 * What it writes: one interchange (ISA/IEA) with one functional group
 * (GS/GE) holding one or more transaction sets (ST/SE). A new set begins
 * when a claim's submitter, receiver or BHT differs from the previous
 * claim's, or after opts.max_claims_per_set claims. Inside a set, consecutive
 * claims with the same billing provider side share a 2000A, with the same
 * subscriber and payer a 2000B, with the same patient a 2000C; a 2000C is
 * written only when the patient is not the subscriber. Sort claims by
 * billing provider, subscriber and patient for the fewest HL levels.
 * Control numbers match (ISA13 = IEA02, GS06 = GE02, ST02 = SE02), counts
 * are exact (SE01, GE01, IEA01), HL numbers run from 1 in each set.
 *
 * The date and time of the envelope come from the options: the library never
 * reads the clock.
 *
 * A claim that cannot be written validly (a required value missing, a value
 * the loop cannot carry, a delimiter inside a value, CLM02 not the sum of
 * the line charges...) is refused by rcm_x12_writer_add with an error naming
 * the claim and the field as a claims-JSON path:
 *   claim 'A123': lines[2].code: missing (SV101-2 procedure code)
 * and nothing of it is written; the writer stays usable.
 */
#ifndef RCM_X12WRITE_H
#define RCM_X12WRITE_H

#include <stdint.h>
#include "x12.h"
#include "claim.h"
#include "ack.h"

typedef struct rcm_x12_write_opts {
    char kind;                      /* 'P' 837P or 'I' 837I */
    rcm_x12_delims delims;          /* elem, comp, rep, seg; defaults * : ^ ~ */
    int newline;                    /* a '\n' after each segment terminator */
    char sender_qual[3];            /* ISA05, default ZZ */
    char sender_id[16];             /* ISA06; default: the first claim's submitter id */
    char receiver_qual[3];          /* ISA07, default ZZ */
    char receiver_id[16];           /* ISA08; default: the first claim's receiver id */
    char gs_sender[16];             /* GS02; default ISA06 */
    char gs_receiver[16];           /* GS03; default ISA08 */
    uint32_t isa_control;           /* ISA13/IEA02, 1..999999999 */
    uint32_t gs_control;            /* GS06/GE02, 1..999999999 */
    uint32_t st_control;            /* ST02/SE02 of the first set (written with at least 4 digits) */
    char usage;                     /* ISA15: 'P' production (default), 'T' test */
    char ack_requested;             /* ISA14: '0' (default) or '1' */
    rcm_date date;                  /* ISA09 and GS04; required */
    char time[5];                   /* HHMM for ISA10 and GS05; required */
    /* BHT: these, when set, override the claims' bht fields; when neither is
     * set BHT03 is the ST02, BHT02 00, BHT04/05 the date and time above, BHT06 CH. */
    char bht_id[31], bht_purpose[3], bht_type[3];
    /* 1000A/1000B for claims that have no submitter/receiver (borrowed). */
    const rcm_party *submitter, *receiver;
    int zip5_ok;                    /* accept a 5-digit ZIP where 5010 wants ZIP+4 (billing
                                     * provider, service facility); payers reject those */
    int fd;                         /* >= 0: output is written there as it fills; -1: take it */
    uint32_t max_claims_per_set;    /* 0: 5000 */
} rcm_x12_write_opts;

typedef struct rcm_x12_writer rcm_x12_writer;

/* Sets the defaults above: delimiters * : ^ ~, ZZ qualifiers, control numbers 1, usage P, fd -1. */
RCM_API void rcm_x12_write_opts_init(rcm_x12_write_opts *o, char kind);

/* Checks opts and creates a writer (it copies opts, but not the parties they point to). */
RCM_API int rcm_x12_writer_new(rcm_x12_writer **out, const rcm_x12_write_opts *opts, rcm_error *err);

/*
 * Writes one claim (its kind must be the writer's). Returns 0, or RCM_EINVAL
 * when the claim cannot be written validly (nothing of it was written), or
 * RCM_EIO / RCM_ENOMEM when output failed (the writer is then unusable).
 */
RCM_API int rcm_x12_writer_add(rcm_x12_writer *w, const rcm_claim *c, rcm_error *err);

/*
 * Closes the open set, group and interchange and flushes to the fd if any.
 * RCM_EINVAL when no claim was written (an interchange needs one).
 */
RCM_API int rcm_x12_writer_finish(rcm_x12_writer *w, rcm_error *err);

/* Appends the output not yet taken to out and forgets it (fd = -1 writers). */
RCM_API int rcm_x12_writer_take(rcm_x12_writer *w, rcm_buf *out);

typedef struct rcm_x12_write_stats {
    long claims, sets, segments;    /* segments: all, envelopes included */
    uint64_t bytes;
} rcm_x12_write_stats;

RCM_API void rcm_x12_writer_stats(const rcm_x12_writer *w, rcm_x12_write_stats *out);

RCM_API void rcm_x12_writer_free(rcm_x12_writer *w);

/*
 * Writing what a payer sends back: the 999 implementation acknowledgment
 * (005010X231A1), the 277CA claim acknowledgment (005010X214) and the 835
 * remittance (005010X221A1), each from the model rcm's readers fill
 * (include/rcm/ack.h, include/rcm/remit.h), so that what is written reads
 * back as the same model. Each call writes one interchange (ISA/IEA) with
 * one functional group (GS/GE: FA, HN or HP) holding one transaction set
 * per model, appended to out. Nothing is appended when a value cannot be
 * written (a delimiter inside it, a required value missing, a code or a
 * qualifier the implementation guide does not list for its position): the
 * error names the set and the field. Otherwise values are written as the
 * model has them; external code sets (CARC, RARC, states, procedure codes)
 * are not looked up. What each writer refuses or leaves out is below.
 */

/* The envelope around the sets: ISA, GS (ST02 comes from the model, else counts from st_control). */
typedef struct rcm_x12_envelope {
    rcm_x12_delims delims;          /* defaults * : ^ ~ */
    int newline;                    /* a '\n' after each segment terminator */
    char sender_qual[3], sender_id[16];     /* ISA05/ISA06 (required) */
    char receiver_qual[3], receiver_id[16]; /* ISA07/ISA08 (required) */
    char gs_sender[16], gs_receiver[16];    /* GS02/GS03; default ISA06/ISA08 */
    uint32_t isa_control;           /* ISA13/IEA02, 1..999999999 */
    uint32_t gs_control;            /* GS06/GE02, 1..999999999 */
    uint32_t st_control;            /* ST02 of a set whose model has none, counting on */
    char usage;                     /* ISA15: 'P' (default) or 'T' */
    rcm_date date;                  /* ISA09, GS04; required */
    char time[5];                   /* HHMM; required */
    int unbalanced_ok;              /* 835: write sets that do not balance (tests of readers) */
} rcm_x12_envelope;

/* Defaults: delimiters * : ^ ~, ZZ qualifiers, control numbers 1, usage P, no date. */
RCM_API void rcm_x12_envelope_init(rcm_x12_envelope *e);

/*
 * 999: one set per acknowledged functional group: AK1, per set AK2, IK3
 * (+ CTX), IK4 (+ CTX), IK5, then AK9. The writer writes what the model
 * says (statuses, counts and codes are the caller's). RCM_EINVAL when a
 * value cannot be written.
 */
RCM_API int rcm_x12_write_999(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ack999 *acks,
                              uint32_t n, rcm_error *err);

/*
 * 277CA: one set per model: BHT, HL 20 (NM1*PR, TRN, DTP 050/009), HL 21
 * (NM1*41, TRN, STC, QTY 90/AA, AMT YU/YY), per provider HL 19 (NM1*85,
 * TRN, STC, QTY QA/QC, AMT YU/YY) and per claim HL PT (NM1*QC, TRN, STC,
 * REF 1K/D9/BLT, DTP*472, SVC lines with STC, REF*FJ, DTP*472). Claims go
 * under the provider their index names (a claim with provider -1 goes
 * under the first). RCM_EINVAL when a value cannot be written or a level
 * has no data to write.
 *
 * A set of version 005010X214 (the default) follows that guide. Refused
 * (missing): source_id (2100A NM109), receiver_id (2100B NM109), a
 * provider's id (2100C NM109), a claim's member_id (2100D NM109) and
 * service_from (2200D DTP*472); receiver_status (the 2200B STC); a claim's
 * or a line's STC; an STC's action (STC03); the STC02 date in 2200B and
 * 2200D; the STC04 amount in 2200B, 2200C and 2200D. Not written: STC01-4
 * (code_list) and STC05-09 (paid amount, adjudication date, payment
 * method, check date and number) at any level, STC02 at a provider's
 * (2200C), STC04 at a line's (2220D), SVC03 (paid_cents) of a line. A set
 * of another version (a 277 read into the same model) is written as the
 * model has it.
 */
RCM_API int rcm_x12_write_277ca(rcm_buf *out, const rcm_x12_envelope *env, const rcm_ack277 *sets,
                                uint32_t n, rcm_error *err);

/* One 835 transaction set to write: its header (with its PLBs) and its claims. */
typedef struct rcm_remit_set {
    const rcm_remit *remit;         /* BPR, TRN, CUR, REF, DTM*405, payer, payee, plb */
    const rcm_remit_claim *claims;
    uint32_t n_claims;
} rcm_remit_set;

/*
 * 835: per set BPR, TRN, CUR, REF*EV/F2, DTM*405, N1*PR loop, N1*PE loop,
 * then per claim (an LX whenever header_number changes) CLP, CAS, NM1, MIA,
 * MOA, REF, DTM, AMT, QTY and its lines SVC, DTM, CAS, REF, AMT, QTY, LQ;
 * then PLB (consecutive adjustments of one provider and date share a PLB,
 * six at most) and SE. A set that does not balance (the rules of
 * include/rcm/remit.h) is refused with RCM_EBALANCE naming the claim or
 * line, unless env->unbalanced_ok. The totals in rcm_remit are not used.
 *
 * The sets follow 005010X221A1. Refused with RCM_EINVAL (nothing written):
 * a payer with no address (1000A N3 addr1 and N4 city are required) or no
 * technical contact: PER*BL is required and carries the payer's contact,
 * phone and e-mail, else its web site (PER*BL**UR, the site also in
 * PER*IC); a payee with no id (1000B N104); a qualifier that is not paired
 * with its value (BPR06/07, BPR12/13, BPR08/09, BPR14/15, N103/04,
 * NM108/09); a code the guide does not list for its position (BPR01, 03,
 * 04, 05, 06, 08, 12, 14; N103; CLP02, CLP06; CAS01; NM102 and NM108 by
 * entity; SVC01-1, SVC06-1; PLB reasons); REF, AMT and QTY qualifiers
 * their loop (1000A, 1000B, 2100, 2110) has no position for, or more of
 * them than the position holds (REF*6R of a line: control and refs
 * together once); NM1*IL, *82, *TT, *PR without NM109, NM1*TT and *PR with
 * a person's first, middle name or suffix; values of the wrong length
 * (BPR07, BPR10, BPR11, BPR13, TRN03 10 characters, CUR02, N104, N4,
 * NM109); LX01 over 6 digits. Not written: the payee's contact, phone, e-mail and web site
 * (1000B has no PER). A claim with no header_number before any LX goes
 * under LX*1 (loop 2000 begins with its LX). TS3 and TS2 are not written
 * (the model has no provider summary).
 */
RCM_API int rcm_x12_write_835(rcm_buf *out, const rcm_x12_envelope *env, const rcm_remit_set *sets,
                              uint32_t n, rcm_error *err);

#endif
