/* Claims and assertions shared by the scrubber's tests (see scrub_fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "scrub_fixture.h"

rcm_date fx_date(const char *iso)
{
    rcm_date d = RCM_DATE_NONE;
    if (iso)
        cr_assert_eq(rcm_date_parse_iso(&d, (rcm_str){ iso, strlen(iso) }), 0, "bad date %s", iso);
    return d;
}

static void person(rcm_party *p, const char *entity, char type, const char *last, const char *first,
                   const char *qual, const char *id)
{
    memset(p, 0, sizeof(*p));
    p->present = 1;
    snprintf(p->entity, sizeof(p->entity), "%s", entity);
    p->type = type;
    snprintf(p->last, sizeof(p->last), "%s", last);
    snprintf(p->first, sizeof(p->first), "%s", first ? first : "");
    snprintf(p->id_qual, sizeof(p->id_qual), "%s", qual);
    snprintf(p->id, sizeof(p->id), "%s", id);
}

rcm_claim *fx_claim(char kind)
{
    rcm_claim *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    rcm_claim_init(c);
    c->kind = kind;
    snprintf(c->id, sizeof(c->id), "FX-1");
    person(&c->billing, "85", '2', "FIXTURE CLINIC", NULL, "XX", FX_BILLING_NPI);
    snprintf(c->billing.addr1, sizeof(c->billing.addr1), "1 MAIN STREET");
    snprintf(c->billing.city, sizeof(c->billing.city), "AUSTIN");
    snprintf(c->billing.state, sizeof(c->billing.state), "TX");
    snprintf(c->billing.zip, sizeof(c->billing.zip), "787011200");
    snprintf(c->billing.tax_id_qual, sizeof(c->billing.tax_id_qual), "EI");
    snprintf(c->billing.tax_id, sizeof(c->billing.tax_id), "741234567");
    person(&c->subscriber, "IL", '1', "DOE", "JANE", "MI", "1EG4TE5MK73");
    person(&c->payer, "PR", '2', "MEDICARE B", NULL, "PI", "04412");
    if (kind == 'P')
        person(&c->rendering, "82", '1', "SMITH", "ANNA", "XX", FX_RENDERING_NPI);
    else
        person(&c->attending, "71", '1', "SMITH", "ANNA", "XX", FX_RENDERING_NPI);
    c->payer_seq = 'P';
    snprintf(c->subscriber_rel, sizeof(c->subscriber_rel), "18");
    snprintf(c->filing, sizeof(c->filing), kind == 'P' ? "MB" : "MA");
    c->subscriber_dob = fx_date("1950-05-01");
    c->subscriber_sex = 'F';
    snprintf(c->pos, sizeof(c->pos), kind == 'P' ? "11" : "13");
    c->facility_qual = kind == 'P' ? 'B' : 'A';
    c->freq = '1';
    c->signature = 'Y';
    c->assignment = 'A';
    c->benefits = 'Y';
    c->release = 'Y';
    if (kind == 'I') {
        c->statement_from = c->statement_to = fx_date(FX_DOS);
        snprintf(c->patient_status, sizeof(c->patient_status), "01");
    }
    snprintf(c->dx_qual, sizeof(c->dx_qual), "ABK");
    fx_dx(c, "E119");
    return c;
}

rcm_claim_line *fx_line(rcm_claim *c, const char *code, const char *mods, const char *dos, int64_t charge_cents,
                        int units)
{
    rcm_claim_line *v = realloc(c->lines, (c->n_lines + 1) * sizeof(*v));
    cr_assert_not_null(v);
    c->lines = v;
    rcm_claim_line *l = &v[c->n_lines++];
    rcm_claim_line_init(l);
    l->number = c->n_lines;
    snprintf(l->qual, sizeof(l->qual), "HC");
    snprintf(l->code, sizeof(l->code), "%s", code);
    if (mods) {
        const char *p = mods;
        for (int m = 0; m < RCM_CLAIM_MAX_MODS && *p; m++) {
            size_t n = strcspn(p, ",");
            cr_assert(n == 2, "modifier list '%s'", mods);
            memcpy(l->mods[m], p, 2);
            l->mods[m][2] = 0;
            p += n;
            if (*p == ',')
                p++;
        }
    }
    l->from = l->to = fx_date(dos ? dos : FX_DOS);
    l->charge_cents = charge_cents;
    c->charge_cents += charge_cents;
    snprintf(l->unit_type, sizeof(l->unit_type), "UN");
    l->units_milli = (int64_t)units * 1000;
    l->dx_ptr[0] = 1;
    if (c->kind == 'I')
        snprintf(l->revenue_code, sizeof(l->revenue_code), "0510");
    return l;
}

int fx_dx(rcm_claim *c, const char *dx)
{
    cr_assert(c->n_dx < RCM_CLAIM_MAX_DX);
    snprintf(c->dx[c->n_dx], sizeof(c->dx[0]), "%s", dx);
    return (int)++c->n_dx;
}

void fx_line_rendering(rcm_claim_line *l, const char *npi)
{
    person(&l->rendering, "82", '1', "JONES", "BEN", "XX", npi);
}

void fx_free(rcm_claim *c)
{
    if (!c)
        return;
    free(c->lines);
    free(c);
}

rcm_scrub_config fx_config(const rcm_edits *edits, const rcm_codeset *codes)
{
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    cfg.today = fx_date(FX_TODAY);
    cfg.edits = edits;
    cfg.codes = codes;
    return cfg;
}

int fx_scrub(const rcm_scrub *s, const rcm_claim *c, rcm_findings *f)
{
    rcm_findings_reset(f);
    int rc = rcm_scrub_claim(s, c, 0, f);
    cr_assert(rc >= 0, "scrub failed: %d", rc);
    return rc;
}

static int matches(const char *rule, const char *want)
{
    size_t n = strlen(want);
    return strcmp(rule, want) == 0 || (strncmp(rule, want, n) == 0 && rule[n] == '-' && !strchr(want, '-'));
}

int fx_fired(const rcm_findings *f, const char *rule)
{
    int n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += matches(f->v[i].rule, rule);
    return n;
}

const rcm_finding *fx_finding(const rcm_findings *f, const char *rule)
{
    for (size_t i = 0; i < f->n; i++)
        if (matches(f->v[i].rule, rule))
            return &f->v[i];
    return NULL;
}

const char *fx_field(const rcm_finding *x, const char *key)
{
    for (uint32_t i = 0; i < x->nfields; i++)
        if (strcmp(x->fields[i].key, key) == 0)
            return x->fields[i].value;
    cr_assert_fail("no field %s", key);
    return NULL;
}

static void listing(const rcm_findings *f, char *out, size_t outsz)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < f->n && k + 1 < outsz; i++) {
        int w = snprintf(out + k, outsz - k, "\n  %s %s: %s", f->v[i].rule, rcm_severity_name(f->v[i].severity),
                         f->v[i].message);
        if (w < 0)
            break;
        k += (size_t)w;
    }
}

static void each(const char *list, const rcm_findings *f, const char *what, int want)
{
    char buf[512];
    snprintf(buf, sizeof(buf), "%s", list ? list : "");
    for (char *save = NULL, *id = strtok_r(buf, ", ", &save); id; id = strtok_r(NULL, ", ", &save)) {
        int n = fx_fired(f, id);
        if ((n > 0) != want) {
            char all[4096];
            listing(f, all, sizeof(all));
            cr_assert_fail("%s: %s %s; findings:%s", what, id, want ? "did not fire" : "fired", all[0] ? all : " none");
        }
    }
}

void fx_expect(const rcm_findings *f, const char *what, const char *must, const char *must_not)
{
    each(must, f, what, 1);
    each(must_not, f, what, 0);
}
