/*
 * Synthetic billing data for the bench programs: a fixed-seed PRNG and the
 * tables that make generated claims look like a physician practice's (names,
 * places, payers, provider taxonomies, CPT/HCPCS codes with typical charges,
 * billable ICD-10-CM codes). Everything is deterministic: a seed gives the
 * same values on every machine, so a generated file is the same bytes
 * wherever it is made.
 *
 * Header-only (static functions): every bench program is built from one .c file.
 */
#ifndef RCM_BENCH_SYNTH_H
#define RCM_BENCH_SYNTH_H

#include <stdint.h>
#include <string.h>

#define SYNTH_LEN(a) (sizeof(a) / sizeof((a)[0]))

typedef struct synth_rng {
    uint64_t s;
} synth_rng;

/* splitmix64 (Steele, Lea and Flood, 2014): full period, good enough for test data. */
static inline uint64_t synth_next(synth_rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n) (n > 0), by multiply-shift: no modulo bias worth the name for n < 2^20. */
static inline uint32_t synth_below(synth_rng *r, uint32_t n)
{
    return (uint32_t)(((synth_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* Uniform in [lo, hi]. */
static inline int64_t synth_range(synth_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)synth_below(r, (uint32_t)(hi - lo + 1));
}

/* 1 with probability pct/100. */
static inline int synth_chance(synth_rng *r, unsigned pct)
{
    return synth_below(r, 100) < pct;
}

#define SYNTH_PICK(r, a) ((a)[synth_below((r), (uint32_t)SYNTH_LEN(a))])

/* n random decimal digits into out (NUL-terminated; out holds n + 1). */
static inline void synth_digits(synth_rng *r, char *out, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        out[i] = (char)('0' + synth_below(r, 10));
    out[n] = '\0';
}

/* n random upper-case letters and digits into out (NUL-terminated). */
static inline void synth_alnum(synth_rng *r, char *out, unsigned n)
{
    static const char set[] = "ABCDEFGHJKMNPQRTUVWXY0123456789";
    for (unsigned i = 0; i < n; i++)
        out[i] = set[synth_below(r, (uint32_t)(sizeof(set) - 1))];
    out[n] = '\0';
}

/*
 * A valid NPI into out (11 bytes): nine digits starting with 1 and the Luhn
 * check digit computed with the 80840 prefix (the prefix contributes 24).
 */
static inline void synth_npi(synth_rng *r, char out[11])
{
    out[0] = '1';
    synth_digits(r, out + 1, 8);
    int sum = 24;
    for (int i = 8; i >= 0; i--) {
        int d = out[i] - '0';
        if ((8 - i) % 2 == 0) {     /* rightmost base digit and every other one to its left */
            d *= 2;
            d = d > 9 ? d - 9 : d;
        }
        sum += d;
    }
    out[9] = (char)('0' + (10 - sum % 10) % 10);
    out[10] = '\0';
}

/* ---- people and places ---- */

static const char *const synth_last[] = {
    "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
    "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE",
    "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ",
    "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES", "NGUYEN",
    "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL", "RIVERA", "CAMPBELL", "MITCHELL",
    "OCONNOR", "KOWALSKI", "SCHMIDT", "OKAFOR", "PATEL", "KIM", "CHEN", "NOVAK", "DUBOIS", "ROSSI",
};
static const char *const synth_first_f[] = {
    "MARY", "PATRICIA", "JENNIFER", "LINDA", "ELIZABETH", "BARBARA", "SUSAN", "JESSICA", "SARAH",
    "KAREN", "LISA", "NANCY", "BETTY", "MARGARET", "SANDRA", "ASHLEY", "EMILY", "DONNA", "MICHELLE",
    "CAROL", "AMANDA", "MELISSA", "DEBORAH", "STEPHANIE", "ROSA", "AISHA", "MEI", "PRIYA",
};
static const char *const synth_first_m[] = {
    "JAMES", "ROBERT", "JOHN", "MICHAEL", "DAVID", "WILLIAM", "RICHARD", "JOSEPH", "THOMAS",
    "CHARLES", "CHRISTOPHER", "DANIEL", "MATTHEW", "ANTHONY", "MARK", "DONALD", "STEVEN", "PAUL",
    "ANDREW", "JOSHUA", "KENNETH", "KEVIN", "BRIAN", "GEORGE", "LUIS", "AHMED", "WEI", "RAJ",
};
static const char *const synth_street[] = {
    "MAIN ST", "OAK AVE", "MAPLE DR", "CEDAR LN", "PINE ST", "ELM ST", "WASHINGTON BLVD",
    "LAKE VIEW RD", "HILLCREST DR", "PARK AVE", "SUNSET BLVD", "RIVER RD", "CHURCH ST", "MILL RD",
    "HIGHLAND AVE", "FOREST DR", "MEADOW LN", "CENTER ST", "SPRING ST", "VALLEY RD",
};

typedef struct synth_place {
    const char *city, *state, *zip;
} synth_place;

static const synth_place synth_places[] = {
    { "SPRINGFIELD", "IL", "62701" }, { "COLUMBUS", "OH", "43215" }, { "AUSTIN", "TX", "78701" },
    { "DENVER", "CO", "80202" },      { "PORTLAND", "OR", "97205" }, { "NASHVILLE", "TN", "37203" },
    { "MADISON", "WI", "53703" },     { "RALEIGH", "NC", "27601" },  { "TAMPA", "FL", "33602" },
    { "SACRAMENTO", "CA", "95814" },  { "ALBANY", "NY", "12207" },   { "RICHMOND", "VA", "23219" },
    { "BOISE", "ID", "83702" },       { "OMAHA", "NE", "68102" },    { "TUCSON", "AZ", "85701" },
    { "HARTFORD", "CT", "06103" },    { "LANSING", "MI", "48933" },  { "DES MOINES", "IA", "50309" },
};

/*
 * ---- payers ----
 * filing: SBR09 on the 837 (BL, CI, HM, MB, MC...); filing835: CLP06 on the
 * 835, whose code list has no CI or BL: commercial PPO plans answer 12.
 */
typedef struct synth_payer {
    const char *name, *id, *filing, *filing835;
    int medicare;   /* applies the 2% sequestration (CO-253) and MOA remarks */
} synth_payer;

static const synth_payer synth_payers[] = {
    { "MEDICARE PART B", "04412", "MB", "MB", 1 },  { "BLUE CROSS BLUE SHIELD", "00590", "BL", "12", 0 },
    { "AETNA", "60054", "CI", "12", 0 },            { "UNITEDHEALTHCARE", "87726", "CI", "12", 0 },
    { "CIGNA", "62308", "CI", "12", 0 },            { "HUMANA", "61101", "HM", "HM", 0 },
    { "STATE MEDICAID", "77027", "MC", "MC", 0 },   { "KAISER PERMANENTE", "94320", "HM", "HM", 0 },
};

/* Billing organizations and their taxonomy (PRV03). */
typedef struct synth_org {
    const char *name, *taxonomy;
} synth_org;

static const synth_org synth_orgs[] = {
    { "RIVERSIDE FAMILY MEDICINE", "207Q00000X" },  { "LAKESHORE INTERNAL MEDICINE", "207R00000X" },
    { "SUMMIT ORTHOPAEDICS", "207X00000X" },        { "VALLEY PHYSICAL THERAPY", "225100000X" },
    { "NORTHGATE PEDIATRICS", "208000000X" },       { "CEDAR PRIMARY CARE", "208D00000X" },
    { "HARBOR CARDIOLOGY ASSOCIATES", "207RC0000X" }, { "MAPLE URGENT CARE", "261QU0200X" },
};

/* ---- procedures: code, charge range in cents, max units, modifiers that fit ---- */

typedef struct synth_proc {
    const char *code;
    int64_t lo_cents, hi_cents;
    int max_units;
    const char *mods[3];   /* candidates, NULL-padded */
} synth_proc;

static const synth_proc synth_procs[] = {
    { "99213", 12500, 18000, 1, { "25", NULL, NULL } },  { "99214", 17500, 26000, 1, { "25", NULL, NULL } },
    { "99212", 8000, 12000, 1, { "25", NULL, NULL } },   { "99203", 16000, 22000, 1, { NULL, NULL, NULL } },
    { "99204", 24000, 34000, 1, { "25", NULL, NULL } },  { "99395", 22000, 30000, 1, { "25", NULL, NULL } },
    { "G0439", 20000, 30000, 1, { NULL, NULL, NULL } },  { "36415", 1000, 2500, 1, { NULL, NULL, NULL } },
    { "80053", 3500, 7000, 1, { "QW", NULL, NULL } },    { "85025", 2500, 5000, 1, { NULL, NULL, NULL } },
    { "83036", 3000, 6000, 1, { "QW", NULL, NULL } },    { "80061", 4000, 8000, 1, { NULL, NULL, NULL } },
    { "93000", 5000, 9000, 1, { NULL, NULL, NULL } },    { "71046", 9000, 16000, 1, { "26", "TC", NULL } },
    { "73610", 8000, 14000, 1, { "RT", "LT", "26" } },   { "97110", 4500, 7500, 4, { "GP", "59", NULL } },
    { "97140", 4000, 7000, 3, { "GP", "59", NULL } },    { "20610", 15000, 25000, 1, { "RT", "LT", "59" } },
    { "29125", 10000, 15000, 1, { "RT", "LT", NULL } },  { "96372", 3000, 5000, 2, { NULL, NULL, NULL } },
    { "J1030", 1000, 3000, 2, { NULL, NULL, NULL } },    { "90471", 2500, 4000, 1, { NULL, NULL, NULL } },
    { "90686", 3000, 5000, 1, { NULL, NULL, NULL } },    { "87880", 2000, 4000, 1, { "QW", NULL, NULL } },
    { "81002", 800, 1500, 1, { NULL, NULL, NULL } },     { "11721", 6000, 9000, 1, { "Q8", NULL, NULL } },
};

/* Billable ICD-10-CM codes (FY2022 order file), written without the dot as X12 wants. */
static const char *const synth_dx[] = {
    "E119", "E1165", "I10", "E785", "E039", "J069", "J029", "J020", "M5450", "Z0000", "Z0001",
    "Z23", "F419", "F329", "J449", "K219", "M1711", "M1712", "M25561", "M25562", "N390", "R0602",
    "R109", "R5383", "Z1231", "Z79899", "G4733", "I4891", "E669", "R079", "S93401A", "L03115",
    "Z87891", "E559", "D649", "R739", "Z7984",
};

/* Remark codes (RARC) seen on professional remittances. */
static const char *const synth_rarc[] = { "N130", "M15", "N362", "MA130", "N20", "M80", "N115" };
/* Denial reasons (CARC, group CO) with a remark that goes with each. */
static const char *const synth_deny[][2] = {
    { "50", "N115" }, { "97", "M15" }, { "16", "MA130" }, { "29", "N211" }, { "204", "N130" },
};

/* Picks one name for a person: sex 'F' or 'M' and a middle initial. */
typedef struct synth_person {
    const char *last, *first;
    char middle[2];
    char sex;
} synth_person;

static inline void synth_person_pick(synth_rng *r, synth_person *p)
{
    p->last = SYNTH_PICK(r, synth_last);
    p->sex = synth_chance(r, 52) ? 'F' : 'M';
    p->first = p->sex == 'F' ? SYNTH_PICK(r, synth_first_f) : SYNTH_PICK(r, synth_first_m);
    p->middle[0] = (char)('A' + synth_below(r, 26));
    p->middle[1] = '\0';
}

#endif
