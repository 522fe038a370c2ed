/*
 * Medicare Code Editor age and sex edit lists for diagnoses.
 *   mce       CSV code,desc,rule: rule is newborn, pediatric, maternity, adult
 *             (age categories), male, female (sex), or questionable
 *             (questionable admission). Codes with or without the dot.
 *   mce_ages  CSV category,age_min,age_max: the age range of each category
 *             in that MCE version (years, inclusive). The ranges differ by
 *             version (maternity was 12-55 in MCE v31, 9-64 now), so they are
 *             data. An mce load without an mce_ages load of its version uses
 *             the current ranges, stored with it: newborn 0-0, pediatric
 *             0-17, maternity 9-64, adult 15-124.
 * Version: the fiscal year, as ICD-10-CM (1 October to 30 September).
 */
#include "refdata_internal.h"

static const char *const categories[] = { "newborn", "pediatric", "maternity", "adult", "male", "female",
                                          "questionable" };
static const struct { const char *cat; int lo, hi; } default_ages[] = {
    { "newborn", 0, 0 }, { "pediatric", 0, 17 }, { "maternity", 9, 64 }, { "adult", 15, 124 },
};

static int fy_range(refdata_ctx *c)
{
    int fy = refdata_default_version(c, 1);
    if (!c->version[0])
        return RCM_EINVAL;
    if (fy) {
        c->eff_from = rcm_date_from_ymd(fy - 1, 10, 1);
        c->eff_to = rcm_date_from_ymd(fy, 9, 30);
    }
    return 0;
}

static int put_age(refdata_ctx *c, sqlite3_stmt *s, const char *cat, size_t catn, int lo, int hi)
{
    sqlite3_bind_int64(s, 1, c->load_id);
    sqlite3_bind_text(s, 2, cat, (int)catn, SQLITE_TRANSIENT);
    sqlite3_bind_int(s, 3, lo);
    sqlite3_bind_int(s, 4, hi);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_reset(s);
        return refdata_sqlerr(c, "store: saving an MCE age range");
    }
    sqlite3_reset(s);
    return 0;
}

static int detect_mce(const refdata_probe *p)
{
    return refdata_probe_starts(p, "code,desc,rule") || refdata_probe_starts(p, "code,description,rule")
               ? 100 : 0;
}

static int detect_ages(const refdata_probe *p)
{
    return refdata_probe_starts(p, "category,age_min,age_max") ? 100 : 0;
}

static int load_mce(refdata_ctx *c)
{
    int rc = fy_range(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *ins = NULL, *age = NULL;
    if (store_prepare(c->st, &ins, "INSERT INTO mce_edit (load_id, code, category) VALUES (?, ?, ?)"
                      " ON CONFLICT DO NOTHING", c->err) < 0 ||
        store_prepare(c->st, &age, "INSERT INTO mce_age (load_id, category, age_min, age_max)"
                      " VALUES (?, ?, ?, ?)", c->err) < 0) {
        sqlite3_finalize(ins);
        return refdata_sqlerr(c, "store: preparing the MCE insert");
    }
    rcm_str line, f[8];
    refdata_next_line(c, &line); /* header, checked by detection or --kind */
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = refdata_split(c, line, ',', f, 8);
        char code[RCM_CODE_MAX];
        size_t k = 0;
        if (n < 0) {
            rc = refdata_bad(c, "a quoted field is not closed");
            continue;
        }
        if (n < 3) {
            rc = refdata_bad(c, "expected code,desc,rule, found %d field%s", n, n == 1 ? "" : "s");
            continue;
        }
        if (rcm_code_icd10cm_normalize(code, f[0]) < 0) {
            rc = refdata_bad(c, "field 1 'code': '%s' is not an ICD-10-CM code", f[0].p);
            continue;
        }
        for (k = 0; k < ARRAY_SIZE(categories); k++)
            if (strcasecmp(f[2].p, categories[k]) == 0)
                break;
        if (k == ARRAY_SIZE(categories)) {
            rc = refdata_bad(c, "field 3 'rule': '%s' is not newborn, pediatric, maternity, adult,"
                             " male, female or questionable", f[2].p);
            continue;
        }
        sqlite3_bind_int64(ins, 1, c->load_id);
        sqlite3_bind_text(ins, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(ins, 3, categories[k], -1, SQLITE_STATIC);
        if (sqlite3_step(ins) != SQLITE_DONE)
            rc = refdata_sqlerr(c, "store: saving an MCE edit");
        sqlite3_reset(ins);
        c->rows++;
    }
    for (size_t i = 0; rc == 0 && i < ARRAY_SIZE(default_ages); i++)
        rc = put_age(c, age, default_ages[i].cat, strlen(default_ages[i].cat), default_ages[i].lo,
                     default_ages[i].hi);
    sqlite3_finalize(ins);
    sqlite3_finalize(age);
    return rc;
}

static int parse_age(rcm_str s, int *out)
{
    if (s.n == 0 || s.n > 3 || strspn(s.p, "0123456789") != s.n)
        return -1;
    *out = 0;
    for (size_t i = 0; i < s.n; i++)
        *out = *out * 10 + (s.p[i] - '0');
    return *out <= 124 ? 0 : -1;
}

static int load_ages(refdata_ctx *c)
{
    int rc = fy_range(c);
    if (rc < 0)
        return rc;
    sqlite3_stmt *age = NULL;
    if (store_prepare(c->st, &age, "INSERT INTO mce_age (load_id, category, age_min, age_max)"
                      " VALUES (?, ?, ?, ?)", c->err) < 0)
        return refdata_sqlerr(c, "store: preparing the MCE age insert");
    rcm_str line, f[4];
    refdata_next_line(c, &line); /* header */
    int seen = 0;
    while (rc == 0 && refdata_next_line(c, &line)) {
        if (line.n == 0)
            continue;
        int n = refdata_split(c, line, ',', f, 4), lo, hi;
        size_t k;
        for (k = 0; k < 4; k++)
            if (n >= 1 && strcasecmp(f[0].p, categories[k]) == 0)
                break;
        if (n < 3)
            rc = refdata_bad(c, "expected category,age_min,age_max");
        else if (k == 4)
            rc = refdata_bad(c, "field 1 'category': '%s' is not newborn, pediatric, maternity or adult",
                             f[0].p);
        else if (seen & (1 << k))
            rc = refdata_bad(c, "field 1 'category': '%s' given twice", f[0].p);
        else if (parse_age(f[1], &lo) < 0)
            rc = refdata_bad(c, "field 2 'age_min': '%s' is not an age 0-124", f[1].p);
        else if (parse_age(f[2], &hi) < 0 || hi < lo)
            rc = refdata_bad(c, "field 3 'age_max': '%s' is not an age from age_min to 124", f[2].p);
        else {
            seen |= 1 << k;
            rc = put_age(c, age, categories[k], strlen(categories[k]), lo, hi);
            c->rows++;
        }
    }
    sqlite3_finalize(age);
    return rc;
}

static const char *const tables[] = { "mce_edit", "mce_age", NULL };

const refdata_kind refdata_kind_mce = {
    "mce", "Medicare Code Editor age/sex edit lists (CSV code,desc,rule)", detect_mce, load_mce, tables,
};
const refdata_kind refdata_kind_mce_ages = {
    "mce_ages", "MCE age category ranges for one version (CSV category,age_min,age_max)", detect_ages,
    load_ages, tables,
};
