/*
 * The remittance model: what an 835 (005010X221A1) says about payments.
 * Money is integer cents, quantities thousandths, dates rcm_date day numbers
 * (RCM_DATE_NONE when absent), codes short NUL-terminated strings (empty when
 * absent). Records handed to callbacks are borrowed: a claim and everything
 * it points to is valid only during the remit_claim call, because the reader
 * reuses that memory for the next claim.
 *
 * Balancing (checked by the reader, reported as RCM_X12P_BALANCE problems,
 * never adjusted): line SVC02 - sum(line CAS) = SVC03; claim CLP03 -
 * sum(claim CAS) - sum(line CAS) = CLP04; transaction BPR02 = sum(CLP04) -
 * sum(PLB amounts). Reversals (CLP02 22) carry negative amounts and balance
 * with their signs. docs/x12-json.md documents the JSON face.
 */
#ifndef RCM_REMIT_H
#define RCM_REMIT_H

#include <stdint.h>
#include "value.h"

/* One CAS adjustment: a (group, reason, amount, quantity) triple, flattened. */
typedef struct rcm_cas {
    char group[3];          /* CAS01: CO, OA, PI, PR (anything else was reported) */
    char reason[6];         /* CARC */
    int64_t amount_cents;
    int64_t qty_milli;      /* quantity in thousandths */
    int has_qty;
} rcm_cas;

/* CAS group codes as indexes (rcm_remit.total_cas_cents). */
enum { RCM_CAS_CO, RCM_CAS_OA, RCM_CAS_PI, RCM_CAS_PR, RCM_CAS_OTHER, RCM_CAS_GROUPS };

typedef struct rcm_ref {
    char qual[4];
    char value[51];
} rcm_ref;

typedef struct rcm_amt {
    char qual[4];
    int64_t cents;
} rcm_amt;

typedef struct rcm_qty {            /* QTY: a qualified quantity */
    char qual[3];
    int64_t milli;                  /* thousandths */
} rcm_qty;

typedef struct rcm_remit_name {     /* NM1 in loop 2100 */
    int present;
    char entity[4];                 /* NM101: QC, IL, 74, 82, TT, PR, GB */
    char type;                      /* NM102: '1' person, '2' non-person */
    char last[61], first[36], middle[26], suffix[11];
    char id_qual[3], id[81];        /* NM108/NM109 */
} rcm_remit_name;

typedef struct rcm_remit_line {     /* loop 2110 */
    uint32_t number;                /* 1-based position in its claim */
    char qual[3];                   /* SVC01-1: HC, AD, ER, IV, N4, NU, WK... */
    char code[49];                  /* SVC01-2 */
    char mods[4][3];                /* SVC01-3..6 */
    char desc[81];                  /* SVC01-7 */
    int64_t charge_cents;           /* SVC02 */
    int64_t paid_cents;             /* SVC03 */
    char revenue_code[49];          /* SVC04 */
    int64_t units_milli;            /* SVC05, thousandths; 1000 when absent */
    char orig_qual[3], orig_code[49], orig_mods[4][3]; /* SVC06: the code as billed */
    int64_t orig_units_milli;       /* SVC07, 0 when absent */
    rcm_date date_from, date_to;    /* DTM*472 (both), or 150 / 151 */
    char control[51];               /* REF*6R line item control number */
    int64_t allowed_cents;          /* AMT*B6 */
    int has_allowed;
    rcm_cas *cas;
    uint32_t n_cas;
    rcm_ref *refs;                  /* other REFs (LU, 0K, 1A...) */
    uint32_t n_refs;
    rcm_amt *amts;                  /* other AMTs (KH...) */
    uint32_t n_amts;
    rcm_qty *qtys;                  /* QTY in 2110 (ZK..ZO) */
    uint32_t n_qtys;
    char (*remarks)[8];             /* LQ*HE RARCs (LQ*RX prefixed "RX:") */
    uint32_t n_remarks;
    long segment, line;             /* where the SVC is in the input */
} rcm_remit_line;

typedef struct rcm_remit_claim {    /* loop 2100 */
    char id[39];                    /* CLP01: the provider's claim id (CLM01) */
    char status[3];                 /* CLP02: 1 2 3 4 19 20 21 22 23 25 */
    int64_t charge_cents;           /* CLP03 */
    int64_t paid_cents;             /* CLP04 */
    int64_t patient_resp_cents;     /* CLP05 (0 when absent) */
    int has_patient_resp;
    char filing[3];                 /* CLP06 */
    char payer_icn[51];             /* CLP07: payer claim control number */
    char facility[3];               /* CLP08 */
    char freq[2];                   /* CLP09 */
    char drg[5];                    /* CLP11 */
    char drg_weight[19];            /* CLP12, the decimal as written (checked, never rounded) */
    char discharge_fraction[19];    /* CLP13, the decimal as written */
    rcm_remit_name patient, insured, corrected, rendering, crossover; /* NM1 QC IL 74 82 TT */
    rcm_remit_name priority_payer, other_subscriber;                 /* NM1 PR GB */
    int has_mia, has_moa;
    int64_t mia_covered_days_milli;   /* MIA01 */
    int64_t mia_psych_days_milli;     /* MIA03 lifetime psychiatric days */
    int64_t mia_drg_cents;            /* MIA04 claim DRG amount */
    int64_t mia_cost_report_days_milli; /* MIA15 */
    int64_t mia_nonpayable_cents;     /* MIA19 nonpayable professional component */
    char moa_rate[19];              /* MOA01 reimbursement rate, as written */
    int64_t moa_hcpcs_payable_cents;  /* MOA02 */
    int64_t moa_esrd_cents;           /* MOA08 */
    int64_t moa_nonpayable_cents;     /* MOA09 */
    char moa_remarks[5][8];         /* MOA03..07 */
    char mia_remarks[5][8];         /* MIA05, MIA20..23 */
    rcm_date statement_from, statement_to, received, coverage_expiration; /* DTM 232 233 050 036 */
    rcm_cas *cas;                   /* claim-level CAS */
    uint32_t n_cas;
    rcm_ref *refs;                  /* REF in 2100 */
    uint32_t n_refs;
    rcm_amt *amts;                  /* AMT in 2100 (I interest, AU, F5...) */
    uint32_t n_amts;
    rcm_qty *qtys;                  /* QTY in 2100 (CA covered days, NE, VS...) */
    uint32_t n_qtys;
    rcm_remit_line *lines;
    uint32_t n_lines;
    long segment, line;             /* where the CLP is */
    long header_number;             /* LX01 of the 2000 loop, 0 when none */
} rcm_remit_claim;

/* A PLB adjustment, one per reason/amount pair. Positive amounts reduce the payment. */
typedef struct rcm_plb {
    char provider[51];              /* PLB01 */
    rcm_date fiscal_date;           /* PLB02 */
    char reason[3];                 /* PLBxx-1: WO, L6, 72, FB, CS... */
    char ref[51];                   /* PLBxx-2 */
    int64_t amount_cents;
    int element;                    /* PLB element of the reason (3, 5 ... 13) */
    long segment, line;             /* where the PLB is */
} rcm_plb;

typedef struct rcm_remit_party {    /* loop 1000A payer / 1000B payee */
    int present;                    /* its N1 was read */
    char name[61];
    char id_qual[3], id[81];        /* N103/N104 */
    char addr1[56], addr2[56], city[31], state[3], zip[16], country[4]; /* N3, N4 */
    rcm_ref refs[4];                /* the first four REFs */
    uint32_t n_refs;
    char contact[61], phone[81];    /* first PER02 and telephone (TE) */
    char email[81], url[81];        /* first EM and UR numbers of any PER */
} rcm_remit_party;

/* One 835 transaction set: the header first, PLBs and totals at its end. */
typedef struct rcm_remit {
    char st_control[10];
    char handling[3];               /* BPR01 */
    int64_t payment_cents;          /* BPR02, as written (never negative in a valid 835) */
    char credit_debit[2];           /* BPR03: C credit, D debit (balances as -BPR02) */
    char method[4];                 /* BPR04: ACH CHK BOP FWT NON */
    char format[11];                /* BPR05 */
    char sender_dfi_qual[3], sender_dfi[13];   /* BPR06, BPR07 */
    char sender_account_qual[3], sender_account[36]; /* BPR08, BPR09 */
    char payer_originator[11];                 /* BPR10 */
    char originator_supplemental[10];          /* BPR11 */
    char receiver_dfi_qual[3], receiver_dfi[13]; /* BPR12, BPR13 */
    char receiver_account_qual[3], receiver_account[36]; /* BPR14, BPR15 */
    rcm_date payment_date;          /* BPR16 */
    char trace[51];                 /* TRN02: check or EFT trace number */
    char trace_payer[11];           /* TRN03 */
    char trace_supplemental[51];    /* TRN04 */
    char currency[4];               /* CUR02 (empty: US dollars) */
    char receiver_id[51];           /* REF*EV */
    char version_id[51];            /* REF*F2 */
    rcm_date production_date;       /* DTM*405 */
    rcm_remit_party payer, payee;
    /* filled as the set is read; complete at remit_end */
    rcm_plb *plb;
    uint32_t n_plb;
    long claims, lines;
    long reversals, denials;        /* claims with CLP02 22 / CLP02 4 */
    int64_t total_charge_cents, total_paid_cents, total_patient_resp_cents;
    int64_t total_cas_cents[RCM_CAS_GROUPS]; /* claim + line CAS by group (RCM_CAS_CO...) */
    int64_t total_plb_cents;        /* sum of PLB amounts, signed as in the file */
    int balanced;                   /* 1 when every balancing rule held (0 for a set cut short) */
    int complete;                   /* 1 when the set ended with its SE */
    long segment, line;             /* where the ST is */
} rcm_remit;

#endif
