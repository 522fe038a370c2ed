/* The code-set fixture store (see codeset_fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "codeset_fixture.h"

#define REF "tests/data/refdata/"
#define CSD "tests/data/codeset/"

void cx_import(cx_store *x, const char *path, const char *kind, const char *version)
{
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.kind = kind;
    o.version = version;
    rcm_refdata_report rep;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_refdata_import(x->st, path, &o, &rep, &err), 0, "%s:%ld: %s", path, err.line, err.msg);
    rcm_refdata_report_release(&rep);
}

void cx_open(cx_store *x)
{
    memset(x, 0, sizeof(*x));
    const char *t = getenv("TMPDIR");
    snprintf(x->dir, sizeof(x->dir), "%s/rcm-codeset-XXXXXX", t && *t ? t : "/tmp");
    cr_assert_not_null(mkdtemp(x->dir));
    char p[300];
    snprintf(p, sizeof(p), "%s/c.db", x->dir);
    cr_assert_eq(rcm_store_open(&x->st, p, RCM_STORE_CREATE, NULL), 0);
    static const struct { const char *path, *kind, *version; } files[] = {
        { REF "icd10cm_order_2021.txt", NULL, NULL },
        { REF "icd10cm_order_2022.txt", NULL, NULL },
        { CSD "icd10cm_order_2025.txt", NULL, NULL },
        { CSD "icd10cm_order_2026_first.txt", NULL, NULL },
        { CSD "icd10cm_order_2026.txt", NULL, NULL },   /* same version: replaces the one before */
        { REF "hcpcs_2023.csv", NULL, NULL },
        { CSD "hcpcs_2025.csv", NULL, NULL },
        { REF "place_of_service_test.csv", "pos", "2022" },
        { CSD "cpt_2024.csv", NULL, NULL },
        { CSD "pprrvu_2025_jul.csv", NULL, NULL },
        { CSD "pprrvu_2025_oct.csv", NULL, NULL },
        { CSD "mce_2025.csv", NULL, NULL },
        { CSD "mce_2026.csv", NULL, NULL },
        { CSD "mce_ages_2026.csv", NULL, NULL },
        { CSD "mn_policies_2025.csv", NULL, NULL },
    };
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        cx_import(x, files[i].path, files[i].kind, files[i].version);
    rcm_error err = { 0 };
    cr_assert_eq(rcm_codeset_open_store(&x->cs, x->st, &err), 0, "%s", err.msg);
}

void cx_close(cx_store *x)
{
    rcm_codeset_free(x->cs);
    rcm_store_close(x->st);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", x->dir);
    cr_assert_eq(system(cmd), 0);
    memset(x, 0, sizeof(*x));
}

static void set_fields(rcm_claim *c, const char *set)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", set ? set : "");
    int dependant = 0;
    char sex = 0;
    rcm_date dob = RCM_DATE_NONE;
    int have_sex = 0, have_dob = 0;
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        cr_assert_not_null(eq, "field '%s'", kv);
        *eq = '\0';
        const char *v = eq + 1;
        if (strcmp(kv, "sex") == 0) {
            sex = v[0];
            have_sex = 1;
        } else if (strcmp(kv, "dob") == 0) {
            dob = *v ? fx_date(v) : RCM_DATE_NONE;
            have_dob = 1;
        } else if (strcmp(kv, "filing") == 0) {
            snprintf(c->filing, sizeof(c->filing), "%s", v);
        } else if (strcmp(kv, "payer") == 0) {
            snprintf(c->payer.id, sizeof(c->payer.id), "%s", v);
        } else if (strcmp(kv, "qual") == 0) {
            snprintf(c->dx_qual, sizeof(c->dx_qual), "%s", v);
        } else if (strcmp(kv, "patient") == 0) {
            dependant = 1;
        } else {
            cr_assert_fail("unknown field '%s'", kv);
        }
    }
    if (dependant) {
        c->patient.present = 1;
        c->patient.type = '1';
        snprintf(c->patient.entity, sizeof(c->patient.entity), "QC");
        snprintf(c->patient.last, sizeof(c->patient.last), "DOE");
        snprintf(c->patient.first, sizeof(c->patient.first), "BABY");
        snprintf(c->subscriber_rel, sizeof(c->subscriber_rel), "19");
        if (have_dob)
            c->patient_dob = dob;
        if (have_sex)
            c->patient_sex = sex;
        return;
    }
    if (have_dob)
        c->subscriber_dob = dob;
    if (have_sex)
        c->subscriber_sex = sex;
}

rcm_claim *cx_claim(char kind, const char *dx, const char *lines, const char *set)
{
    rcm_claim *c = fx_claim(kind);
    if (dx) {
        c->n_dx = 0;
        char buf[256];
        snprintf(buf, sizeof(buf), "%s", dx);
        for (char *save = NULL, *d = strtok_r(buf, ",", &save); d; d = strtok_r(NULL, ",", &save))
            fx_dx(c, d);
    }
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", lines ? lines : "");
    for (char *save = NULL, *l = strtok_r(buf, ";", &save); l; l = strtok_r(NULL, ";", &save)) {
        char *ptr = strchr(l, '>'), *at = strchr(l, '@');
        if (ptr)
            *ptr++ = '\0';
        if (at)
            *at++ = '\0';
        rcm_claim_line *x = fx_line(c, strcmp(l, "-") == 0 ? "" : l, NULL, at, 10000, 1);
        if (ptr) {
            memset(x->dx_ptr, 0, sizeof(x->dx_ptr));
            int k = 0;
            for (char *q = ptr; *q && k < RCM_CLAIM_MAX_PTR; q++)
                if (*q >= '1' && *q <= '9')
                    x->dx_ptr[k++] = (uint8_t)(*q - '0');
        }
        if (kind == 'I')
            memset(x->dx_ptr, 0, sizeof(x->dx_ptr));
    }
    set_fields(c, set);
    return c;
}

void cx_scrub(const rcm_codeset *cs, uint32_t families, const cx_case *k, rcm_findings *f)
{
    rcm_scrub_config cfg = fx_config(NULL, cs);
    cfg.families = families;
    rcm_scrub *s = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    rcm_claim *c = cx_claim(k->kind, k->dx, k->lines, k->set);
    fx_scrub(s, c, f);
    fx_free(c);
    rcm_scrub_free(s);
}

void cx_run(const rcm_codeset *cs, uint32_t families, const cx_case *cases, size_t n)
{
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < n; i++) {
        cx_scrub(cs, families, &cases[i], &f);
        fx_expect(&f, cases[i].what, cases[i].must, cases[i].must_not);
    }
    rcm_findings_release(&f);
}
