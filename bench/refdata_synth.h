/*
 * Synthetic reference data at national scale, for the refdata benchmarks and
 * the scrub benchmark: deterministic functions of a row number, so the
 * generator writes the files and the lookup benchmark can regenerate any row
 * (to look up pairs it knows are there) without reading them back. Rows name
 * codes by number; syn_code gives the generator's own codes, and the scrub
 * benchmark maps the numbers to real fee-schedule codes instead (the _write
 * and _line functions take the codes as text). Header-only: every bench
 * program is one .c file.
 *
 *   codes     50,000 CPT/HCPCS-shaped codes: 40,000 five-digit numbers from
 *             10000 up, 10,000 letter + 4 digits (A-T)
 *   PTP       2,000,000 rows over the first 16,000 codes (about 125 column 2
 *             codes per column 1 code), random pairs, so some pairs repeat
 *             (as deleted and re-added edits do); 12% deleted; indicators
 *             0/1/9 about 30/65/5%
 *   MUE       45,000 codes, one row each
 *   ICD-10-CM 100,000 codes in the order-file layout
 */
#ifndef RCM_BENCH_REFDATA_SYNTH_H
#define RCM_BENCH_REFDATA_SYNTH_H

#include <stdint.h>
#include <stdio.h>

#define SYN_CODES 50000u
#define SYN_PTP_CODES 16000u
#define SYN_PTP_ROWS 2000000u
#define SYN_PTP_PARTS 4u
#define SYN_MUE_ROWS 45000u
#define SYN_ICD_ROWS 100000u

static inline uint64_t syn_mix(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

/* Code k (k < SYN_CODES) into out (6 bytes). */
static inline void syn_code(char out[6], uint32_t k)
{
    if (k < 40000) {
        snprintf(out, 6, "%05u", 10000u + k * 2u);
    } else {
        uint32_t j = k - 40000;              /* 10,000: 20 letters x 500 */
        snprintf(out, 6, "%c%04u", 'A' + (int)(j / 500), (j % 500) * 17u % 10000u);
    }
}

typedef struct syn_ptp {
    uint32_t c1, c2;        /* code numbers */
    int y, m, d;            /* effective date */
    int deleted;            /* deletion date: a year later, same day */
    int modifier;
    int pre1996;
} syn_ptp;

static inline void syn_ptp_row(syn_ptp *r, uint64_t i)
{
    uint64_t h = syn_mix(i * 4 + 1), g = syn_mix(i * 4 + 2);
    r->c1 = (uint32_t)(h % SYN_PTP_CODES);
    r->c2 = (uint32_t)((h >> 32) % (SYN_PTP_CODES - 1));
    if (r->c2 >= r->c1)
        r->c2++;
    r->y = 1996 + (int)(g % 30);
    r->m = 1 + (int)((g >> 8) % 4) * 3;
    r->d = 1;
    r->deleted = (g >> 16) % 100 < 12;
    unsigned p = (unsigned)((g >> 24) % 100);
    r->modifier = p < 30 ? 0 : p < 95 ? 1 : 9;
    r->pre1996 = r->y == 1996 && (g >> 32) % 2;
}

static inline int syn_preamble(FILE *f)
{
    return fprintf(f, "CPT only copyright 2025 American Medical Association. All rights reserved.\r\n"
                      "Column1/Column2 Edits\r\n"
                      "Column 1\tColumn 2\t*=in existence prior to 1996\tEffective Date\tDeletion Date\t"
                      "Modifier\tPTP Edit Rationale\r\n"
                      "\t\t\t\t\t0=not allowed\t\r\n"
                      "\t\t\t\t*=no data\t1=allowed\t\r\n"
                      "\t\t\t\t\t9=not applicable\t\r\n") < 0;
}

/*
 * Writes PTP row i (r, from syn_ptp_row) with its codes as text: the
 * generator's own codes (syn_ptp_line) or a caller's mapping of code numbers
 * to codes (the scrub benchmark maps them to fee-schedule codes).
 */
static inline int syn_ptp_write(FILE *f, uint64_t i, const syn_ptp *r, const char *col1, const char *col2)
{
    char del[10];
    if (r->deleted)
        snprintf(del, sizeof(del), "%04d%02d%02d", r->y + 1, r->m, r->d);
    else
        snprintf(del, sizeof(del), "*");
    return fprintf(f, "%s\t%s\t%s\t%04d%02d%02d\t%s\t%d\t%s\r\n", col1, col2, r->pre1996 ? "*" : "", r->y, r->m,
                   r->d, del, r->modifier, (i % 3) ? "Standards of medical / surgical practice"
                                                  : "Misuse of column two code with column one code") < 0;
}

static inline int syn_ptp_line(FILE *f, uint64_t i)
{
    syn_ptp r;
    char a[6], b[6];
    syn_ptp_row(&r, i);
    syn_code(a, r.c1);
    syn_code(b, r.c2);
    return syn_ptp_write(f, i, &r, a, b);
}

/* The MUE row of code number k: the value (1-12 units) and the adjudication indicator (1-3). */
static inline void syn_mue_row(uint32_t k, unsigned *value, int *mai)
{
    uint64_t h = syn_mix(k + 7777);
    *value = (unsigned)(1 + h % 12);
    *mai = 1 + (int)((h >> 8) % 3);
}

static inline int syn_mue_preamble(FILE *f)
{
    return fprintf(f, "\"CPT codes and descriptions only are copyright 2025 American Medical Association. All"
                      " Rights Reserved.\"\r\n\"HCPCS/CPT Code\",\"Practitioner Services MUE Values\",\"MUE"
                      " Adjudication Indicator\",\"MUE Rationale\"\r\n") < 0;
}

/* Writes the MUE row of code number k for code (its text). */
static inline int syn_mue_line(FILE *f, uint32_t k, const char *code)
{
    static const char *const mai_text[] = { "1 Line Edit", "2 Date of Service Edit: Policy",
                                            "3 Date of Service Edit: Clinical" };
    unsigned value;
    int mai;
    syn_mue_row(k, &value, &mai);
    return fprintf(f, "\"%s\",\"%u\",\"%s\",\"Clinical: Data\"\r\n", code, value, mai_text[mai - 1]) < 0;
}

#endif
