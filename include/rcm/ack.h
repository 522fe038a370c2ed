/*
 * Acknowledgment models: 999 (005010X231A1), 277CA (005010X214) and 277
 * claim status (005010X212), TA1; and a structural summary of the sets rcm
 * reads without a typed model (270, 271, 276...). Records handed to
 * callbacks are borrowed.
 */
#ifndef RCM_ACK_H
#define RCM_ACK_H

#include <stdint.h>
#include "value.h"

/* 999 IK4: an element error. */
typedef struct rcm_ack_element_error {
    int position, component, repetition; /* IK401-1..3 */
    char ref[7];                    /* IK402: data element reference number */
    char code[4];                   /* IK403: 1-13, I6, I9-I13 */
    char value[100];                /* IK404 */
} rcm_ack_element_error;

/* 999 IK3: a segment error, with its IK4s. */
typedef struct rcm_ack_segment_error {
    char seg_id[4];                 /* IK301 */
    long position;                  /* IK302: position in the set */
    char loop[5];                   /* IK303 */
    char code[4];                   /* IK304: 1-8, I4, I6-I9 */
    rcm_ack_element_error *elements;
    uint32_t n_elements;
} rcm_ack_segment_error;

/* 999 AK2..IK5: one acknowledged transaction set. */
typedef struct rcm_ack_set {
    char st_id[4];                  /* AK201 */
    char st_control[10];            /* AK202 */
    char version[36];               /* AK203 */
    char status;                    /* IK501: A accepted, E accepted with errors, R rejected, M W X */
    char codes[5][4];               /* IK502..506 */
    rcm_ack_segment_error *segments;
    uint32_t n_segments;
} rcm_ack_set;

typedef struct rcm_ack999 {
    char st_control[10];
    char func_id[3];                /* AK101 */
    char group_control[10];         /* AK102: the GS06 acknowledged */
    char version[13];               /* AK103 */
    rcm_ack_set *sets;
    uint32_t n_sets;
    char group_status;              /* AK901: A E P R M W X */
    long included, received, accepted; /* AK902..904 */
    char group_codes[5][4];         /* AK905..909 */
    long segment, line;
} rcm_ack999;

/* A status (STC) on one level of a 277. */
typedef struct rcm_ack_status {
    char category[4];               /* STC01-1: A1 A2 A3 A6 A7 F1 P1... */
    char code[6];                   /* STC01-2: claim status code */
    char entity[4];                 /* STC01-3 */
    rcm_date date;                  /* STC02 */
    char action[3];                 /* STC03: WQ accepted, U rejected */
    int64_t amount_cents;           /* STC04 */
    int has_amount;
    char free_text[265];            /* STC12 */
} rcm_ack_status;

/* One claim (patient level, HL 'PT') in a 277CA / 277. */
typedef struct rcm_ack_claim {
    char claim_id[39];              /* TRN02 at claim level: the CLM01 sent */
    char payer_claim_number[51];    /* REF*1K */
    char clearinghouse_id[51];      /* REF*D9 */
    char bill_type[4];              /* REF*BLT */
    char patient_last[61], patient_first[36], member_id[81]; /* NM1*QC */
    rcm_date service_from, service_to; /* DTP*472 */
    int64_t charge_cents;           /* from STC04 of the first status */
    rcm_ack_status *status;
    uint32_t n_status;
    int accepted;                   /* 1 when the first status category is A1/A2 (A0, A5: forwarded/split) */
    char provider_id[81];           /* the billing provider it sits under (NM1*85 NM109) */
    long segment, line;             /* where its HL is */
} rcm_ack_claim;

typedef struct rcm_ack277 {
    char st_control[10];
    char version[36];               /* 005010X214 (277CA) or 005010X212 */
    char bht_id[31];
    rcm_date bht_date;
    char source_name[61], receiver_name[61];
    long accepted_qty, rejected_qty; /* QTY*90 / QTY*AA at the receiver level */
    int64_t accepted_cents, rejected_cents; /* AMT YU / YY */
    rcm_ack_claim *claims;
    uint32_t n_claims;
    long segment, line;
} rcm_ack277;

typedef struct rcm_ta1 {
    char control[10];               /* TA101: the ISA13 acknowledged */
    rcm_date date;                  /* TA102 (YYMMDD, read as 20YY) */
    char time[5];                   /* TA103 */
    char status;                    /* TA104: A accepted, E accepted with errors, R rejected */
    char note[4];                   /* TA105 */
    long segment, line;
} rcm_ta1;

/* A transaction set rcm reads only structurally. */
typedef struct rcm_x12_generic {
    char st_id[4], st_control[10], version[36];
    long segments;                  /* between ST and SE, both included */
    long hl_count;                  /* HL segments */
    long hl_by_level[8];            /* HL03 20, 21, 22, 23, 19, PT, other, (unused) */
    long eb_count, aaa_count, stc_count, trn_count; /* 271 benefits, request errors, statuses, traces */
    long segment, line;
} rcm_x12_generic;

#endif
