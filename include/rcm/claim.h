/*
 * The claim model: one professional (837P, 005010X222A1) or institutional
 * (837I, 005010X223A2) claim with everything around it. The X12 reader fills
 * it, the writer writes it, the scrubber reads it, the store persists it;
 * docs/claim-json.md documents its JSON face (JSON keys are the field names
 * below).
 *
 * Money is integer cents, units are thousandths, dates are rcm_date day
 * numbers (RCM_DATE_NONE when absent), codes are NUL-terminated strings in
 * fixed arrays ("" when absent), single-letter codes are chars (0 when
 * absent). Variable parts (lines, COB payers, adjustments, codes, extra
 * references and dates) are arrays that the owner of the claim allocates: a
 * claim handed to a callback is borrowed (valid during the call);
 * rcm_claim_from_json allocates one claim that owns all its arrays and is
 * freed with rcm_claim_free. A party whose present is 0 is absent; its other
 * fields are then all empty.
 *
 * Sizes follow the X12 maximum lengths of the elements they hold, so a value
 * read from a valid file always fits.
 */
#ifndef RCM_CLAIM_H
#define RCM_CLAIM_H

#include <stdint.h>
#include "value.h"
#include "remit.h"

#define RCM_CLAIM_MAX_DX 25         /* 837I: principal + 24 other (2 HI of 12); 837P allows 12 */
#define RCM_CLAIM_MAX_DX_P 12       /* 837P: HI01-HI12 */
#define RCM_CLAIM_MAX_PTR 4
#define RCM_CLAIM_MAX_MODS 4
#define RCM_CLAIM_MAX_LINES_P 50    /* 837P loop 2400 repeat */
#define RCM_CLAIM_MAX_LINES_I 999   /* 837I loop 2400 repeat */
#define RCM_PARTY_MAX_IDS 3         /* REFs beyond the tax id and the first secondary id */

/* A person or organization: NM1 with N3/N4, REF, PER, PRV around it. */
typedef struct rcm_party {
    int present;
    char entity[4];                 /* NM101: 85 87 PE IL QC PR DN P3 82 77 DQ PW 45 71 72 ZZ 41 40 DK QB */
    char type;                      /* NM102: '1' person, '2' non-person */
    char last[61];                  /* NM103: last name or organization name */
    char first[36], middle[26], suffix[11];
    char id_qual[3];                /* NM108: XX (NPI), MI, II, PI, XV, 46 */
    char id[81];                    /* NM109 */
    char addr1[56], addr2[56];      /* N301, N302 */
    char city[31], state[3], zip[16], country[4];
    char country_sub[4];            /* N407 */
    char taxonomy[51];              /* PRV03 (PRV01 follows from the loop: BI, PE, AT) */
    char tax_id_qual[3];            /* REF01: EI (EIN) or SY (SSN): billing provider, pay-to plan */
    char tax_id[51];
    char secondary_qual[4];         /* the first other REF (G2, LU, 0B, 1G, 2U, FY, NF, SY, Y4...) */
    char secondary_id[51];
    rcm_ref other_ids[RCM_PARTY_MAX_IDS]; /* further REFs, in file order */
    uint32_t n_other_ids;
    char contact[61];               /* PER02 */
    char phone[81];                 /* PER TE */
    char phone_ext[11];             /* PER EX */
    char email[81];                 /* PER EM */
    char fax[81];                   /* PER FX */
} rcm_party;

/* A qualified date that has no field of its own (DTP01, DTP03: D8, or RD8 as from..to). */
typedef struct rcm_claim_date {
    char qual[4];                   /* DTP01: 454 304 453 484 455 471 314 360 361 297 296 090 091 444 050... */
    rcm_date from, to;              /* to is RCM_DATE_NONE for a D8 date */
} rcm_claim_date;

/* A prior payer's line adjudication (837 loop 2430: SVD, CAS, DTP*573, AMT*EAF). */
typedef struct rcm_line_adj {
    char payer_id[81];              /* SVD01: matches rcm_other_payer.payer.id */
    int64_t paid_cents;             /* SVD02 */
    char qual[3], code[49], mods[RCM_CLAIM_MAX_MODS][3]; /* SVD03 */
    char desc[81];                  /* SVD03-7 */
    char revenue_code[49];          /* SVD04 (837I) */
    int64_t units_milli;            /* SVD05 */
    uint32_t bundled_line;          /* SVD06, 0 when absent */
    rcm_date adjudicated;           /* DTP*573 */
    rcm_cas *cas;
    uint32_t n_cas;
    int64_t remaining_cents;        /* AMT*EAF */
    int has_remaining;
} rcm_line_adj;

/*
 * A paperwork attachment: PWK at claim level (2300) or line level (2400).
 * Payers that need supporting documents look for it before they pay.
 */
typedef struct rcm_attachment {
    char report_type[3];            /* PWK01: 03 09 B3 OB OZ RR LA M1 ... */
    char transmission[3];           /* PWK02: AA on request, BM mail, EL electronic, EM e-mail, FT, FX */
    char control[81];               /* PWK06 attachment control number (PWK05 = AC) */
} rcm_attachment;

/* A service line: loop 2400. */
typedef struct rcm_claim_line {
    uint32_t number;                /* LX01 */
    char qual[3];                   /* SV101-1 / SV202-1: HC, ER, IV, WK, HP */
    char code[49];                  /* procedure code (CPT/HCPCS) */
    char mods[RCM_CLAIM_MAX_MODS][3];
    char desc[81];                  /* SV101-7 / SV202-7 */
    char revenue_code[5];           /* SV201 (837I) */
    int64_t charge_cents;           /* SV102 / SV203 */
    char unit_type[3];              /* SV103 / SV204: UN, MJ, DA */
    int64_t units_milli;            /* SV104 / SV205 */
    char pos[3];                    /* SV105, when it differs from the claim's */
    uint8_t dx_ptr[RCM_CLAIM_MAX_PTR]; /* SV107: 1-based into rcm_claim.dx; 0 = none */
    char emergency;                 /* SV109 'Y' */
    char epsdt;                     /* SV111 'Y' */
    char family_planning;           /* SV112 'Y' */
    int64_t noncovered_cents;       /* SV207 (837I) */
    rcm_date from, to;              /* DTP*472: D8 sets both, RD8 a range */
    char control[51];               /* REF*6R line item control number */
    char prior_auth[51];            /* REF*G1 at line level */
    char ndc_qual[3], ndc[49];      /* LIN02/03: N4 + 11-digit NDC */
    char ndc_unit[3];               /* CTP05-1: UN, ML, GR, F2, ME */
    int64_t ndc_qty_milli;          /* CTP04 */
    char drug_ref_qual[3];          /* 2410 REF01: XZ prescription number, VY link sequence */
    char drug_ref[51];
    rcm_party rendering;            /* 2420A (837P) / 2420C (837I), when it differs */
    rcm_party *providers;           /* other 2420 loops: QB 77 DQ DK DN P3 PW 45 (837P), 72 ZZ DN (837I) */
    uint32_t n_providers;
    char note_qual[4];              /* NTE01: ADD, DCP, TPO */
    char note[81];                  /* NTE02 */
    rcm_ref *refs;                  /* other line REFs (9B 9D EW X4 F4 BT 9F, further G1), in file order */
    uint32_t n_refs;
    rcm_claim_date *dates;          /* other line DTPs (471 607 463 461 304 738 739 011 455 454) */
    uint32_t n_dates;
    rcm_amt *amts;                  /* line AMT: T sales tax, F4 postage (837P), GT, N8 (837I) */
    uint32_t n_amts;
    rcm_line_adj *adj;              /* 2430 */
    uint32_t n_adj;
    rcm_attachment *attachments;    /* 2400 PWK (up to 10 in both guides; 837P also the DME CMN indicator) */
    uint32_t n_attachments;
} rcm_claim_line;

/* Another payer on the claim (COB): loops 2320 and 2330A/B. */
typedef struct rcm_other_payer {
    char seq;                       /* SBR01: P S T A-H U */
    char rel[3];                    /* SBR02 */
    char group[51];                 /* SBR03 */
    char group_name[61];            /* SBR04 */
    char ins_type[4];               /* SBR05 */
    char filing[3];                 /* SBR09 */
    rcm_cas *cas;                   /* 2320 CAS: the other payer's claim adjustments */
    uint32_t n_cas;
    int64_t paid_cents;             /* AMT*D */
    int has_paid;
    int64_t remaining_cents;        /* AMT*EAF remaining patient liability */
    int has_remaining;
    int64_t noncovered_cents;       /* AMT*A8 */
    int has_noncovered;
    char benefits;                  /* OI03 Y/N/W */
    char sig_source;                /* OI04 P (837P) */
    char release;                   /* OI06 I/Y */
    rcm_party subscriber;           /* 2330A NM1*IL */
    rcm_party payer;                /* 2330B NM1*PR (REF G1 9F T4 2U... in its ids) */
    rcm_date adjudicated;           /* 2330B DTP*573 */
    char payer_claim_number[51];    /* 2330B REF*F8 */
} rcm_other_payer;

/*
 * A code with its qualifier: the HI composites that are not diagnoses
 * (the principal and other diagnoses are in rcm_claim.dx, the admitting one
 * in admitting_dx). 837P: BP BO (anesthesia procedures), BG (conditions).
 * 837I: APR ABN DR BBR BBQ BI BH BE BG TC (and the ICD-9 forms PR BN BR BQ).
 */
typedef struct rcm_claim_code {
    char qual[4];
    char code[31];
    rcm_date date, date_to;         /* BH/BBR/BBQ date (D8), BI span (RD8) */
    int64_t amount_cents;           /* value code amount (BE) */
    int has_amount;
    char poa;                       /* ABN present-on-admission Y N U W, 0 when absent */
} rcm_claim_code;

typedef enum rcm_claim_kind { RCM_CLAIM_PROFESSIONAL = 'P', RCM_CLAIM_INSTITUTIONAL = 'I' } rcm_claim_kind;

typedef struct rcm_claim {
    char kind;                      /* 'P' 837P or 'I' 837I */
    /* where it came from */
    char st_control[10];            /* ST02 of its transaction set */
    char bht_id[31];                /* BHT03 */
    char bht_purpose[3];            /* BHT02: 00 original, 18 reissue */
    char bht_type[3];               /* BHT06: CH chargeable, RP reporting (encounter), 31 (837I) */
    rcm_date bht_date;              /* BHT04 */
    char bht_time[9];               /* BHT05: HHMM, HHMMSS or HHMMSSDD */
    long segment, line;             /* where the CLM is */
    /* parties */
    rcm_party submitter, receiver;  /* 1000A, 1000B */
    rcm_party billing, pay_to;      /* 2010AA, 2010AB */
    rcm_party pay_to_plan;          /* 2010AC */
    rcm_party subscriber, payer;    /* 2010BA, 2010BB */
    rcm_party patient;              /* 2010CA (present only when not the subscriber) */
    rcm_party referring, rendering, facility, supervising; /* 2310A-D (837P); 2310F/D/E (837I) */
    rcm_party primary_care;         /* 2310A NM1*P3 (837P) */
    rcm_party ambulance_pickup, ambulance_dropoff;        /* 2310E/F (837P) */
    rcm_party attending, operating, other_operating;      /* 2310A/B/C (837I) */
    /* 2000B/C */
    char payer_seq;                 /* SBR01: P S T A-H U */
    char subscriber_rel[3];         /* SBR02: 18 when the patient is the subscriber */
    char group[51], group_name[61]; /* SBR03, SBR04 */
    char ins_type[4];               /* SBR05 (Medicare secondary type) */
    char filing[3];                 /* SBR09: MB MC CI BL HM 12-17 WC... */
    char patient_rel[3];            /* PAT01 */
    rcm_date subscriber_dob, patient_dob; /* DMG02 */
    char subscriber_sex, patient_sex;     /* DMG03: F M U */
    /* 2300 */
    char id[39];                    /* CLM01: the claim id (patient control number) */
    int64_t charge_cents;           /* CLM02 */
    char pos[3];                    /* CLM05-1: POS (837P) or facility type code (837I) */
    char facility_qual;             /* CLM05-2: B (837P) or A (837I) */
    char freq;                      /* CLM05-3: 1 original, 7 replacement, 8 void... */
    char signature;                 /* CLM06 Y/N (837P) */
    char assignment;                /* CLM07 A/B/C */
    char benefits;                  /* CLM08 Y/N/W */
    char release;                   /* CLM09 I/Y */
    char sig_source;                /* CLM10 P (837P) */
    char related[3][4];             /* CLM11-1..3: AA auto, EM employment, OA other accident */
    char accident_state[3];         /* CLM11-4 */
    char accident_country[4];       /* CLM11-5 */
    char special_program[3];        /* CLM12 (837P) */
    char delay_reason[3];           /* CLM20 */
    rcm_date onset, accident, admission, discharge, last_seen, statement_from, statement_to;
    char admission_hour[5];         /* 837I DTP*435 DT: HHMM */
    char discharge_hour[5];         /* 837I DTP*096 TM: HHMM */
    char admission_type[2], admission_source[2], patient_status[3]; /* 837I CL1 */
    int64_t patient_paid_cents;     /* AMT*F5 (837P) */
    int has_patient_paid;
    int64_t patient_due_cents;      /* AMT*F3 estimated amount due (837I) */
    int has_patient_due;
    char prior_auth[51];            /* REF*G1 */
    char referral[51];              /* REF*9F */
    char original_ref[51];          /* REF*F8: payer claim number of the claim replaced (freq 7/8) */
    char medical_record[51];        /* REF*EA */
    char clia[51];                  /* REF*X4 */
    rcm_ref *refs;                  /* other 2300 REFs (D9 4N F5 EW 9A 9C LX LU P4 1J G4), in file order */
    uint32_t n_refs;
    rcm_claim_date *dates;          /* other 2300 DTPs (454 304... see rcm_claim_date) */
    uint32_t n_dates;
    char note_qual[4];              /* NTE01: ADD CER DCP DGN TPO (837P); ALG DCP DGN... (837I) */
    char note[81];                  /* NTE02 (the first NTE) */
    char dx_qual[4];                /* ABK (ICD-10-CM) or BK (ICD-9) of the principal */
    char dx[RCM_CLAIM_MAX_DX][8];   /* HI: principal first; no dot */
    char dx_poa[RCM_CLAIM_MAX_DX];  /* 837I present-on-admission Y N U W 1, 0 when absent */
    uint32_t n_dx;
    char admitting_dx[8];           /* 837I ABJ */
    rcm_claim_code *codes;          /* HI composites other than diagnoses (see rcm_claim_code) */
    uint32_t n_codes;
    rcm_attachment *attachments;    /* 2300 PWK (up to 10) */
    uint32_t n_attachments;
    rcm_other_payer *other;         /* COB: 2320 loops */
    uint32_t n_other;
    rcm_claim_line *lines;
    uint32_t n_lines;
} rcm_claim;

/* Sets every field of c to "absent": zeros, RCM_DATE_NONE dates, no arrays. */
RCM_API void rcm_claim_init(rcm_claim *c);
RCM_API void rcm_claim_line_init(rcm_claim_line *l);

#endif
