/*
 * Acknowledgment models: 999 (005010X231A1, and the older 997 read into the
 * same model), 277CA (005010X214) and 277 claim status (005010X212), TA1;
 * and a structural summary of the sets rcm reads without a typed model
 * (270, 271, 276, 834...).
 *
 * Records handed to callbacks are borrowed: every pointer in them (arrays
 * included) is valid only during the call. Codes are NUL-terminated strings
 * ("" when absent), money is integer cents, dates are rcm_date day numbers
 * (RCM_DATE_NONE when absent). A transaction set cut short (no SE) is not
 * handed over: the walker reports it and nothing half-read is delivered.
 */
#ifndef RCM_ACK_H
#define RCM_ACK_H

#include <stdint.h>
#include "value.h"

/*
 * 999 CTX: where an error sits in the business sense. A "SITUATIONAL
 * TRIGGER" context names the segment that made the one in error required;
 * a business unit context such as CLM01 names the claim (its CLM01).
 */
typedef struct rcm_ack_context {
    char name[36];                  /* CTX01-1: "SITUATIONAL TRIGGER", "CLM01"... */
    char ref[36];                   /* CTX01-2: the business unit's value */
    char seg_id[4];                 /* CTX02 */
    long position;                  /* CTX03: segment position in the set, 0 absent */
    char loop[5];                   /* CTX04 */
    int element, component, repetition; /* CTX05-1..3, 0 absent */
    char element_ref[7], component_ref[7]; /* CTX06-1..2: data element reference numbers */
} rcm_ack_context;

/* 999 IK4 (997 AK4): an element error. */
typedef struct rcm_ack_element_error {
    int position, component, repetition; /* IK401-1..3 (0 absent) */
    char ref[7];                    /* IK402: data element reference number */
    char code[4];                   /* IK403: 1-13, I6, I9-I13 */
    char value[100];                /* IK404: a copy of the bad data */
    rcm_ack_context *contexts;      /* CTX after the IK4 (element context) */
    uint32_t n_contexts;
} rcm_ack_element_error;

/* 999 IK3 (997 AK3): a segment error, with its IK4s. */
typedef struct rcm_ack_segment_error {
    char seg_id[4];                 /* IK301 */
    long position;                  /* IK302: position in the set (ST = 1) */
    char loop[5];                   /* IK303 */
    char code[4];                   /* IK304: 1-8, I4, I6-I9 */
    rcm_ack_element_error *elements;
    uint32_t n_elements;
    rcm_ack_context *contexts;      /* CTX after the IK3 (trigger and business unit) */
    uint32_t n_contexts;
    char claim_id[36];              /* CTX*CLM01:<id> when present: the claim in error */
} rcm_ack_segment_error;

/* 999 AK2..IK5: one acknowledged transaction set. */
typedef struct rcm_ack_set {
    char st_id[4];                  /* AK201 */
    char st_control[10];            /* AK202: the ST02 acknowledged */
    char version[36];               /* AK203 */
    char status;                    /* IK501: A accepted, E accepted with errors, R rejected, M W X
                                       (rejected for security reasons); 0 when the IK5 is missing */
    char codes[5][4];               /* IK502..506 */
    rcm_ack_segment_error *segments;
    uint32_t n_segments;
    long segment, line;             /* where its AK2 is */
} rcm_ack_set;

typedef struct rcm_ack999 {
    char st_id[4];                  /* ST01: "999", or "997" for a 4010-style acknowledgment */
    char st_control[10];
    char st_version[36];            /* ST03 (GS08 when ST03 is absent) */
    char func_id[3];                /* AK101 */
    char group_control[10];         /* AK102: the GS06 acknowledged */
    char version[13];               /* AK103: the GS08 acknowledged */
    rcm_ack_set *sets;
    uint32_t n_sets;
    char group_status;              /* AK901: A E P R M W X; 0 when the AK9 is missing */
    long included, received, accepted; /* AK902..904 */
    char group_codes[5][4];         /* AK905..909 */
    long segment, line;             /* where its ST is */
} rcm_ack999;

/* A status (STC) on one level of a 277: each STC gives one per composite (STC01, STC10, STC11). */
typedef struct rcm_ack_status {
    char category[4];               /* STC01-1: A1 A2 A3 A6 A7 F1 P1... */
    char code[6];                   /* STC01-2: claim status code */
    char entity[4];                 /* STC01-3 */
    char code_list[4];              /* STC01-4: code list qualifier (RX: NCPDP reject code) */
    int element;                    /* which composite: 1, 10 or 11 */
    rcm_date date;                  /* STC02 */
    char action[3];                 /* STC03: WQ accepted, U rejected */
    int64_t amount_cents;           /* STC04: total claim charge */
    int has_amount;
    int64_t paid_cents;             /* STC05: claim payment (277 claim status) */
    int has_paid;
    rcm_date adjudication_date;     /* STC06 */
    char payment_method[4];         /* STC07: ACH BOP CHK FWT NON */
    rcm_date check_date;            /* STC08 */
    char check_number[17];          /* STC09 */
    char free_text[265];            /* STC12 */
} rcm_ack_status;

/* A service line (loop 2220, SVC) of a claim in a 277, with its statuses. */
typedef struct rcm_ack_line {
    char qualifier[3];              /* SVC01-1: HC, AD, ER, IV, N4, NU, WK... */
    char procedure[49];             /* SVC01-2 */
    char modifiers[4][3];           /* SVC01-3..6 */
    int64_t charge_cents;           /* SVC02 */
    int64_t paid_cents;             /* SVC03 */
    int has_paid;
    char revenue_code[49];          /* SVC04 */
    int64_t units_milli;            /* SVC07 in thousandths, 0 absent */
    char line_id[51];               /* REF*FJ: the line item control number sent (837 REF*6R) */
    rcm_date service_from, service_to; /* DTP*472 */
    rcm_ack_status *status;
    uint32_t n_status;
    long segment, line;             /* where its SVC is */
} rcm_ack_line;

/*
 * One claim in a 277CA / 277: a claim status tracking loop (TRN, STC...)
 * under a patient-level HL: PT in a 277CA, 22 (subscriber) or 23 (dependent)
 * in a 277 claim status response.
 */
typedef struct rcm_ack_claim {
    char claim_id[39];              /* the CLM01 sent: REF*EJ when present, else TRN02 */
    char trace[51];                 /* TRN02 at claim level */
    char payer_claim_number[51];    /* REF*1K */
    char clearinghouse_id[51];      /* REF*D9 */
    char bill_type[4];              /* REF*BLT */
    char patient_last[61], patient_first[36], member_id[81]; /* NM1*QC (or NM1*IL at level 22) */
    rcm_date service_from, service_to; /* DTP*472 */
    int64_t charge_cents;           /* from STC04 of the first status */
    rcm_ack_status *status;
    uint32_t n_status;
    /*
     * 1 when the first status category is A0, A1, A2 or A5 (forwarded,
     * received, accepted, split) and none is a rejection.
     */
    int accepted;
    int rejected;                   /* 1 when a status category is A3, A6, A7 or A8 */
    char provider_id[81];           /* the billing provider it sits under (NM1*85 / NM1*1P NM109) */
    int provider;                   /* index in rcm_ack277.providers, -1 none */
    char level[3];                  /* HL03 of its HL: PT, 22 or 23 */
    rcm_ack_line *lines;
    uint32_t n_lines;
    long segment, line;             /* where its HL is */
} rcm_ack_claim;

/* A billing provider level (HL 19) of a 277CA / 277. */
typedef struct rcm_ack_provider {
    char name[61];                  /* NM103 of NM1*85 (277CA) or NM1*1P (277) */
    char id_qualifier[3];           /* NM108: XX = NPI, FI = TIN... */
    char id[81];                    /* NM109 */
    char trace[51];                 /* TRN02 */
    rcm_ack_status *status;         /* provider-level STCs (a rejection here covers its claims) */
    uint32_t n_status;
    long accepted_qty, rejected_qty; /* QTY*QA / QTY*QC */
    int64_t accepted_cents, rejected_cents; /* AMT*YU / AMT*YY */
    int has_accepted_qty, has_rejected_qty, has_accepted_amount, has_rejected_amount;
    uint32_t n_claims;              /* claims under it */
    long segment, line;             /* where its HL is */
} rcm_ack_provider;

typedef struct rcm_ack277 {
    char st_control[10];
    char version[36];               /* 005010X214 (277CA) or 005010X212 (ST03, else GS08) */
    int is_277ca;                   /* 1 for 005010X214, 0 for a claim status response */
    char bht_id[31];                /* BHT03 */
    rcm_date bht_date;              /* BHT04 */
    char source_name[61], receiver_name[61];  /* NM1*PR / NM1*41 NM103 (the first seen) */
    char source_id[81], receiver_id[81];      /* their NM109 */
    char source_trace[51], receiver_trace[51]; /* TRN02 at those levels */
    rcm_date received_date, processed_date;   /* DTP*050 / DTP*009 at the source level */
    rcm_ack_status *receiver_status;          /* STCs at the receiver level */
    uint32_t n_receiver_status;
    long accepted_qty, rejected_qty; /* QTY*90 / QTY*AA at the receiver level (summed) */
    int64_t accepted_cents, rejected_cents; /* AMT YU / YY */
    int has_accepted_qty, has_rejected_qty, has_accepted_amount, has_rejected_amount;
    rcm_ack_provider *providers;
    uint32_t n_providers;
    rcm_ack_claim *claims;
    uint32_t n_claims;
    uint32_t claims_accepted, claims_rejected; /* claims with accepted / rejected set */
    long segment, line;             /* where its ST is */
} rcm_ack277;

typedef struct rcm_ta1 {
    char control[10];               /* TA101: the ISA13 acknowledged */
    rcm_date date;                  /* TA102 (YYMMDD, read as 20YY) */
    char time[5];                   /* TA103 */
    char status;                    /* TA104: A accepted, E accepted with errors, R rejected */
    char note[4];                   /* TA105 */
    char isa_control[10];           /* ISA13 of the interchange that carries the TA1 */
    long segment, line;
} rcm_ta1;

/* Index of each HL level code in rcm_x12_generic.hl_by_level. */
enum {
    RCM_HL_20 = 0,                  /* information source (payer) */
    RCM_HL_21,                      /* information receiver */
    RCM_HL_22,                      /* subscriber */
    RCM_HL_23,                      /* dependent */
    RCM_HL_19,                      /* provider of service */
    RCM_HL_PT,                      /* patient (277CA) */
    RCM_HL_OTHER                    /* any other level code */
};

/* A transaction set rcm reads only structurally. */
typedef struct rcm_x12_generic {
    char st_id[4], st_control[10], version[36];
    long segments;                  /* between ST and SE, both included */
    long hl_count;                  /* HL segments */
    long hl_by_level[8];            /* by RCM_HL_*: HL03 20, 21, 22, 23, 19, PT, other, (unused) */
    long eb_count, aaa_count, stc_count, trn_count; /* 271 benefits, request errors, statuses, traces */
    long eb_active, eb_inactive;    /* EB01 1-5 (active coverage) / 6-8 (inactive) */
    long eq_count;                  /* 270 eligibility inquiries (EQ) */
    long ins_count;                 /* 834 members (INS) */
    long segment, line;             /* where its ST is */
} rcm_x12_generic;

#endif
