/*
 * The scrub engine: builds an immutable engine from a configuration, turns
 * each claim into the view the families read (packed codes, modifiers,
 * dates, performing provider), runs the families in a fixed order and keeps
 * the findings list. The families themselves are in rules/.
 */
#include <stdarg.h>
#include "scrub_internal.h"

/* ---- the rule catalogue ---- */

static const rcm_rule_info rule_table[] = {
#define RULE(name, id, fam, sev, rt, title) { id, RCM_FAM_##fam, RCM_SEV_##sev, RCM_ROUTE_##rt, title },
#include "rules.def"
#undef RULE
};

const rcm_rule_info *rcm_scrub_rule(size_t i)
{
    return i < ARRAY_SIZE(rule_table) ? &rule_table[i] : NULL;
}

const rcm_rule_info *rcm_scrub_rule_find(const char *id)
{
    for (size_t i = 0; id && i < ARRAY_SIZE(rule_table); i++)
        if (strcmp(rule_table[i].id, id) == 0)
            return &rule_table[i];
    return NULL;
}

static const char *const family_names[RCM_FAM_COUNT] = {
    "SYN", "NPI", "DX", "PX", "MOD", "PTP", "MUE", "AOC", "AGE", "SEX", "DUP", "TF", "MN", "PAYER",
};

const char *rcm_scrub_family_name(int family)
{
    return family >= 0 && family < RCM_FAM_COUNT ? family_names[family] : NULL;
}

const char *rcm_severity_name(int severity)
{
    switch (severity) {
    case RCM_SEV_INFO: return "info";
    case RCM_SEV_WARNING: return "warning";
    case RCM_SEV_ERROR: return "error";
    default: return "";
    }
}

const char *rcm_route_name(int route)
{
    switch (route) {
    case RCM_ROUTE_CODER: return "coder";
    case RCM_ROUTE_BILLER: return "biller";
    default: return "";
    }
}

/* ---- findings list ---- */

void rcm_findings_init(rcm_findings *f)
{
    memset(f, 0, sizeof(*f));
}

void rcm_findings_reset(rcm_findings *f)
{
    f->n = 0;
    f->errors = f->warnings = f->infos = 0;
    f->failed = 0;
}

void rcm_findings_release(rcm_findings *f)
{
    if (!f)
        return;
    free(f->v);
    free(f->scratch);
    rcm_findings_init(f);
}


static rcm_finding *append(rcm_findings *out)
{
    if (out->failed)
        return NULL;
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        rcm_finding *v = realloc(out->v, cap * sizeof(*v));
        if (!v) {
            out->failed = 1;
            return NULL;
        }
        out->v = v;
        out->cap = cap;
    }
    rcm_finding *f = &out->v[out->n++];
    memset(f, 0, offsetof(rcm_finding, message));
    f->message[0] = f->hint[0] = 0;
    f->table[0] = f->version[0] = f->file[0] = 0;
    f->file_line = 0;
    f->nfields = 0;
    return f;
}

static rcm_finding *start(const scrub_claim *sc, const char *id, int severity, int route, rcm_findings *out)
{
    rcm_finding *f = append(out);
    if (!f)
        return NULL;
    cstr_copy(f->rule, sizeof(f->rule), id);
    f->severity = severity;
    f->route = route;
    cstr_copy(f->claim, sizeof(f->claim), sc->c->id);
    f->claim_index = sc->index;
    return f;
}

rcm_finding *scrub_emit(const rcm_scrub *s, const scrub_claim *sc, int r, rcm_findings *out)
{
    if (r < 0 || r >= R_COUNT || s->disabled[r])
        return NULL;
    const rcm_rule_info *ri = &rule_table[r];
    return start(sc, ri->id, ri->severity, ri->route, out);
}

rcm_finding *scrub_emit_custom(const rcm_scrub *s, const scrub_claim *sc, const char *id, int severity,
                               int route, rcm_findings *out)
{
    if (s->disabled_payer[0]) {
        size_t n = strlen(id);
        for (const char *p = s->disabled_payer; (p = strstr(p, id)); p += n)
            if (p[-1] == ',' && p[n] == ',')
                return NULL;
    }
    return start(sc, id, severity, route, out);
}

void finding_severity(rcm_finding *f, int severity)
{
    if (f)
        f->severity = severity;
}

void finding_line(rcm_finding *f, uint32_t pos)
{
    if (!f || f->nlines >= RCM_FINDING_LINES)
        return;
    for (uint32_t i = 0; i < f->nlines; i++)
        if (f->lines[i] == pos)
            return;
    f->lines[f->nlines++] = pos;
}

void finding_code(rcm_finding *f, const char *code)
{
    if (!f || !code || !code[0] || f->ncodes >= RCM_FINDING_CODES)
        return;
    for (uint32_t i = 0; i < f->ncodes; i++)
        if (strcmp(f->codes[i], code) == 0)
            return;
    cstr_copy(f->codes[f->ncodes++], RCM_FINDING_CODE_MAX, code);
}

void finding_msg(rcm_finding *f, const char *fmt, ...)
{
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof(f->message), fmt, ap);
    va_end(ap);
}

void finding_hint(rcm_finding *f, const char *fmt, ...)
{
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->hint, sizeof(f->hint), fmt, ap);
    va_end(ap);
}

void finding_source(rcm_finding *f, const char *table, const char *version, const char *file, long line)
{
    if (!f)
        return;
    cstr_copy(f->table, sizeof(f->table), table ? table : "");
    cstr_copy(f->version, sizeof(f->version), version ? version : "");
    cstr_copy(f->file, sizeof(f->file), file ? file : "");
    f->file_line = line;
}

void finding_field(rcm_finding *f, const char *key, const char *fmt, ...)
{
    if (!f || f->nfields >= RCM_FINDING_SRC)
        return;
    rcm_finding_field *k = &f->fields[f->nfields++];
    k->key = key;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(k->value, sizeof(k->value), fmt, ap);
    va_end(ap);
}

const char *scrub_datestr(char out[11], rcm_date d)
{
    if (d == RCM_DATE_NONE)
        out[0] = 0;
    else
        rcm_date_fmt(out, d, 1);
    return out;
}

/* ---- helpers for families ---- */

int scrub_age(rcm_date dob, rcm_date d)
{
    if (dob == RCM_DATE_NONE || d == RCM_DATE_NONE || d < dob)
        return -1;
    int by, bm, bd, y, m, dd;
    rcm_date_to_ymd(dob, &by, &bm, &bd);
    rcm_date_to_ymd(d, &y, &m, &dd);
    int age = y - by;
    if (m < bm || (m == bm && dd < bd))
        age--;
    return age;
}

int scrub_is_bypass(const rcm_scrub *s, const char *m)
{
    int i = mod_slot(m);
    return i >= 0 && (s->bypass[i >> 6] >> (i & 63) & 1);
}

/* ---- engine ---- */

void rcm_scrub_config_init(rcm_scrub_config *c)
{
    memset(c, 0, sizeof(*c));
    c->today = RCM_DATE_NONE;
}

static int disable_rules(rcm_scrub *s, const char *list, rcm_error *err)
{
    const char *p = list;
    while (p && *p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if (e > p) {
            char id[RCM_FINDING_RULE_MAX];
            str_copy(id, sizeof(id), (rcm_str){ p, (size_t)(e - p) });
            int found = 0;
            for (size_t i = 0; i < ARRAY_SIZE(rule_table); i++) {
                /* A whole family ("PTP") or one rule ("PTP-002"). */
                size_t n = strlen(id);
                if (strcmp(rule_table[i].id, id) == 0 ||
                    (strncmp(rule_table[i].id, id, n) == 0 && rule_table[i].id[n] == '-')) {
                    s->disabled[i] = 1;
                    found = 1;
                }
            }
            for (int fam = 0; fam < RCM_FAM_COUNT; fam++)
                if (strcmp(id, family_names[fam]) == 0) {
                    s->families &= ~(1u << fam);    /* a whole family: not even run */
                    found = 1;
                }
            if (!found && strncmp(id, "PAYER-", 6) == 0) {
                /* the practice's rule ids are checked when emitting: kept as ",ID," */
                size_t have = strlen(s->disabled_payer), need = strlen(id) + 2;
                if (have + need + 1 > sizeof(s->disabled_payer))
                    return rcm_error_set(err, RCM_ELIMIT, "too many payer rules disabled");
                if (!have)
                    s->disabled_payer[have++] = ',';
                memcpy(s->disabled_payer + have, id, need - 2);
                s->disabled_payer[have + need - 2] = ',';
                s->disabled_payer[have + need - 1] = 0;
                found = 1;
            }
            if (!found)
                return rcm_error_set(err, RCM_EINVAL, "unknown rule '%s'", id);
        }
        p = e;
    }
    return 0;
}

int rcm_scrub_new(rcm_scrub **out, const rcm_scrub_config *cfg, rcm_error *err)
{
    *out = NULL;
    if (!cfg || cfg->today == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "scrub: no date for today");
    rcm_scrub *s = calloc(1, sizeof(*s));
    if (!s)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    s->cfg = *cfg;
    cstr_copy(s->bypass_list, sizeof(s->bypass_list), cfg->bypass ? cfg->bypass : RCM_NCCI_BYPASS_DEFAULT);
    s->cfg.bypass = s->bypass_list;
    s->cfg.disable = NULL;
    if (s->cfg.medicare_tf_months <= 0)
        s->cfg.medicare_tf_months = 12;
    if (s->cfg.tf_warn_days == 0)
        s->cfg.tf_warn_days = 30;
    s->families = cfg->families ? cfg->families : (1u << RCM_FAM_COUNT) - 1;
    int rc = disable_rules(s, cfg->disable, err);
    if (rc < 0) {
        free(s);
        return rc;
    }
    if (!cfg->edits)
        s->unavailable |= s->families & ((1u << RCM_FAM_PTP) | (1u << RCM_FAM_MUE) | (1u << RCM_FAM_AOC));
    if (!cfg->codes)
        s->unavailable |= s->families & ((1u << RCM_FAM_DX) | (1u << RCM_FAM_PX) | (1u << RCM_FAM_AGE) |
                                         (1u << RCM_FAM_SEX) | (1u << RCM_FAM_MN));
    if (!cfg->rules)
        s->families &= ~(1u << RCM_FAM_PAYER);
    /* the NCCI-associated modifiers as a bit set (the list's syntax is rcm_ncci_modifier_bypasses') */
    for (int c1 = 0; c1 < 36; c1++)
        for (int c2 = 0; c2 < 36; c2++) {
            char m[3] = { (char)(c1 < 10 ? '0' + c1 : 'A' + c1 - 10), (char)(c2 < 10 ? '0' + c2 : 'A' + c2 - 10), 0 };
            if (rcm_ncci_modifier_bypasses((rcm_str){ m, 2 }, s->bypass_list)) {
                int i = c1 * 36 + c2;
                s->bypass[i >> 6] |= UINT64_C(1) << (i & 63);
            }
        }
    *out = s;
    return 0;
}

void rcm_scrub_free(rcm_scrub *s)
{
    free(s);
}

uint32_t rcm_scrub_unavailable(const rcm_scrub *s)
{
    return s->unavailable;
}

/* ---- the claim view ---- */

/* 99202-99499: evaluation and management. Called per line: no library calls. */
static int is_em_code(const char *code)
{
    if (code[0] != '9' || code[1] != '9' || code[5] != 0)
        return 0;
    int v = 0;
    for (int i = 2; i < 5; i++) {
        if (code[i] < '0' || code[i] > '9')
            return 0;
        v = v * 10 + (code[i] - '0');
    }
    return v >= 202 && v <= 499;
}

static const char *party_npi(const rcm_party *p)
{
    if (!p->present || !p->id[0])
        return NULL;
    if (p->id_qual[0] && strcmp(p->id_qual, "XX") != 0)
        return NULL;
    return p->id;
}

static int build_view(scrub_claim *sc, const rcm_claim *c, uint32_t index, rcm_findings *out)
{
    memset(sc, 0, sizeof(*sc));
    sc->c = c;
    sc->index = index;
    if (c->n_lines) {
        size_t need = (size_t)c->n_lines * sizeof(scrub_line);
        if (need > out->scratch_cap) {
            void *p = realloc(out->scratch, need);
            if (!p) {
                out->failed = 1;
                return RCM_ENOMEM;
            }
            out->scratch = p;
            out->scratch_cap = need;
        }
        sc->lines = out->scratch;
    }
    sc->n = c->n_lines;
    sc->patient_id = c->subscriber.id;
    if (c->patient.present) {
        sc->dob = c->patient_dob;
        sc->sex = c->patient_sex;
    } else {
        sc->dob = c->subscriber_dob;
        sc->sex = c->subscriber_sex;
    }
    sc->table = c->kind == RCM_CLAIM_INSTITUTIONAL ? RCM_NCCI_HOSPITAL : RCM_NCCI_PRACTITIONER;
    sc->medicare = strcmp(c->filing, "MA") == 0 || strcmp(c->filing, "MB") == 0;
    sc->payer_id = c->payer.id;
    sc->first_dos = sc->last_dos = RCM_DATE_NONE;

    const char *claim_npi = party_npi(&c->rendering);
    if (!claim_npi)
        claim_npi = party_npi(&c->billing);
    if (!claim_npi)
        claim_npi = "";
    rcm_date cfrom = c->statement_from, cto = c->statement_to;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        const rcm_claim_line *l = &c->lines[i];
        scrub_line *v = &sc->lines[i];
        memset(v, 0, sizeof(*v));
        v->l = l;
        v->pos = i + 1;
        v->from = l->from != RCM_DATE_NONE ? l->from : cfrom;
        v->to = l->from != RCM_DATE_NONE ? (l->to != RCM_DATE_NONE ? l->to : l->from) : cto;
        if (v->to == RCM_DATE_NONE)
            v->to = v->from;
        rcm_proc p;
        int five = l->code[0] && l->code[1] && l->code[2] && l->code[3] && l->code[4] && !l->code[5];
        v->proc = five && rcm_proc_pack(&p, (rcm_str){ l->code, 5 }) == 0 ? p : SCRUB_NO_PROC;
        const char *npi = party_npi(&l->rendering);
        v->npi = npi ? npi : claim_npi;
        for (uint32_t m = 0; m < RCM_CLAIM_MAX_MODS; m++)
            if (l->mods[m][0])
                v->mods[v->nmods++] = mod_key(l->mods[m]);
        v->is_em = five && is_em_code(l->code);
        if (v->from != RCM_DATE_NONE) {
            if (sc->first_dos == RCM_DATE_NONE || v->from < sc->first_dos)
                sc->first_dos = v->from;
            if (sc->last_dos == RCM_DATE_NONE || v->to > sc->last_dos)
                sc->last_dos = v->to;
        }
    }
    if (sc->first_dos == RCM_DATE_NONE && cfrom != RCM_DATE_NONE) {
        sc->first_dos = cfrom;
        sc->last_dos = cto != RCM_DATE_NONE ? cto : cfrom;
    }
    return 0;
}

/* ---- running the families ---- */

typedef int (*family_fn)(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out);

static const struct {
    int family;
    family_fn fn;
    int needs;      /* 1 edits, 2 codes */
} families[] = {
    { RCM_FAM_SYN, family_syn, 0 },   { RCM_FAM_NPI, family_npi, 0 },   { RCM_FAM_DX, family_dx, 2 },
    { RCM_FAM_PX, family_px, 2 },     { RCM_FAM_MOD, family_mod, 0 },   { RCM_FAM_PTP, family_ptp, 1 },
    { RCM_FAM_MUE, family_mue, 1 },   { RCM_FAM_AOC, family_aoc, 1 },   { RCM_FAM_AGE, family_age, 2 },
    { RCM_FAM_SEX, family_sex, 2 },   { RCM_FAM_DUP, family_dup, 0 },   { RCM_FAM_TF, family_tf, 0 },
    { RCM_FAM_MN, family_mn, 2 },     { RCM_FAM_PAYER, family_payer, 0 },
};

int rcm_scrub_claim(const rcm_scrub *s, const rcm_claim *c, uint32_t index, rcm_findings *out)
{
    if (out->failed)
        return RCM_ENOMEM;
    size_t first = out->n;
    scrub_claim sc;
    int rc = build_view(&sc, c, index, out);
    if (rc < 0)
        return rc;
    for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
        if (!(s->families >> families[i].family & 1))
            continue;
        if ((families[i].needs == 1 && !s->cfg.edits) || (families[i].needs == 2 && !s->cfg.codes))
            continue;
        if ((rc = families[i].fn(s, &sc, out)) < 0)
            return rc;
    }
    if (out->failed)
        return RCM_ENOMEM;
    /* counted here, once the families have settled each finding's severity */
    int errors = 0;
    for (size_t i = first; i < out->n; i++) {
        int sev = out->v[i].severity;
        if (sev == RCM_SEV_ERROR) {
            out->errors++;
            errors++;
        } else if (sev == RCM_SEV_WARNING)
            out->warnings++;
        else
            out->infos++;
    }
    return errors;
}
