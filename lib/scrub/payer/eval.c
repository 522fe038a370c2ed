/*
 * Evaluating payer rules on one claim (docs/payer-rules.md): the PAYER
 * family's work and the timely-filing limit the TF family asks for.
 *
 * A rule applies when the claim's payer (2010BB NM109) is one of its payers
 * (or it has none) and its conditions hold: claim conditions once, then, for
 * a rule on line fields, line conditions per service line. Everything read
 * here was checked and normalized when the file was loaded, so evaluation
 * only compares fixed strings and integers; it allocates nothing beyond the
 * findings themselves.
 */
#include "payer_internal.h"

/* ---- claim and line values ---- */

static const char *party_npi(const rcm_party *p)
{
    if (!p->present || !p->id[0] || (p->id_qual[0] && strcmp(p->id_qual, "XX") != 0))
        return "";
    return p->id;
}

/* The line's rendering NPI: its own 2420A/2420C, else the claim's 2310B/2310D. */
static const char *line_npi(const scrub_claim *sc, const scrub_line *l)
{
    const char *n = party_npi(&l->l->rendering);
    return n[0] ? n : party_npi(&sc->c->rendering);
}

static const char *line_pos(const scrub_claim *sc, const scrub_line *l)
{
    return l->l->pos[0] ? l->l->pos : sc->c->pos;
}

/* The value of a code field ("" when absent); ch holds one-character values. */
static const char *code_value(const scrub_claim *sc, const scrub_line *l, int field, char ch[2])
{
    const rcm_claim *c = sc->c;
    ch[1] = 0;
    switch (field) {
    case PF_KIND: ch[0] = c->kind; return ch;
    case PF_FILING: return c->filing;
    case PF_POS: return c->pos;
    case PF_FREQ: ch[0] = c->freq; return ch;
    case PF_PDX: return c->n_dx ? c->dx[0] : "";
    case PF_SEX: ch[0] = sc->sex; return ch;
    case PF_BILL_NPI: return party_npi(&c->billing);
    case PF_BILL_TYPE: ch[0] = c->billing.present ? c->billing.type : 0; return ch;
    case PF_BILL_TAXONOMY: return c->billing.taxonomy;
    case PF_REND_NPI: return party_npi(&c->rendering);
    case PF_REF_NPI: return party_npi(&c->referring);
    case PF_L_CODE: return l->l->code;
    case PF_L_POS: return line_pos(sc, l);
    case PF_L_REV: return l->l->revenue_code;
    case PF_L_NDC: return l->l->ndc;
    case PF_L_NPI: return line_npi(sc, l);
    default: return "";
    }
}

/* The date a claim rule or a line rule reads for age and dos. */
static rcm_date when_of(const scrub_claim *sc, const scrub_line *l)
{
    return l ? l->from : sc->first_dos;
}

/* The value of a number field; 0 when the claim has none. */
static int num_value(const scrub_claim *sc, const scrub_line *l, int field, int64_t *v)
{
    switch (field) {
    case PF_AGE: {
        int age = scrub_age(sc->dob, when_of(sc, l));
        *v = age;
        return age >= 0;
    }
    case PF_DOS: {
        rcm_date d = when_of(sc, l);
        *v = d;
        return d != RCM_DATE_NONE;
    }
    case PF_CHARGE: *v = sc->c->charge_cents; return 1;
    case PF_L_UNITS: *v = l->l->units_milli; return 1;
    case PF_L_CHARGE: *v = l->l->charge_cents; return 1;
    default: return 0;
    }
}

/* The i-th value of a set field, NULL past the last. */
static const char *set_value(const scrub_claim *sc, const scrub_line *l, int field, uint32_t i)
{
    const rcm_claim *c = sc->c;
    switch (field) {
    case PF_DX:
        return i < c->n_dx && i < RCM_CLAIM_MAX_DX ? c->dx[i] : NULL;
    case PF_ATTACH:
        return i < c->n_attachments ? c->attachments[i].report_type : NULL;
    case PF_L_MOD:
        /* the modifiers present, in order (an empty slot is skipped) */
        for (uint32_t k = 0, seen = 0; k < RCM_CLAIM_MAX_MODS; k++)
            if (l->l->mods[k][0] && seen++ == i)
                return l->l->mods[k];
        return NULL;
    case PF_L_DX:
        for (uint32_t k = 0, seen = 0; k < RCM_CLAIM_MAX_PTR; k++) {
            unsigned p = l->l->dx_ptr[k];
            if (p >= 1 && p <= c->n_dx && p <= RCM_CLAIM_MAX_DX && c->dx[p - 1][0] && seen++ == i)
                return c->dx[p - 1];
        }
        return NULL;
    case PF_L_ATTACH:
        return i < l->l->n_attachments ? l->l->attachments[i].report_type : NULL;
    default:
        return NULL;
    }
}

/* ---- matching ---- */

static int code_match(const pr_code *v, const char *s, size_t n)
{
    switch (v->kind) {
    case PV_EXACT: return n == v->len && memcmp(s, v->lo, n) == 0;
    case PV_PREFIX: return n >= v->len && memcmp(s, v->lo, v->len) == 0;
    default: return n >= v->len && memcmp(s, v->lo, v->len) >= 0 && memcmp(s, v->hi, v->len) <= 0;
    }
}

static int any_code(const pr_code *v, uint32_t n, const char *s)
{
    size_t len = strlen(s);
    for (uint32_t i = 0; i < n; i++)
        if (code_match(&v[i], s, len))
            return 1;
    return 0;
}

static int cond_holds(const rcm_payer_rules *r, const pr_cond *c, const scrub_claim *sc, const scrub_line *l)
{
    switch (pr_fields[c->field].type) {
    case PT_CODE: {
        char ch[2];
        const char *s = code_value(sc, l, c->field, ch);
        switch (c->op) {
        case PO_MISSING: return !s[0];
        case PO_PRESENT: return s[0] != 0;
        case PO_IN: return s[0] && any_code(r->codes + c->first, c->n, s);
        case PO_NOT_IN: return !(s[0] && any_code(r->codes + c->first, c->n, s));
        default: return 0;
        }
    }
    case PT_NUM: {
        int64_t v;
        int has = num_value(sc, l, c->field, &v);
        if (c->op == PO_MISSING || c->op == PO_PRESENT)
            return has == (c->op == PO_PRESENT);
        if (!has)
            return 0;
        const pr_num *x = r->nums + c->first;
        switch (c->op) {
        case PO_LT: return v < x->lo;
        case PO_LE: return v <= x->lo;
        case PO_GT: return v > x->lo;
        case PO_GE: return v >= x->lo;
        default: break;
        }
        int in = 0;
        for (uint32_t i = 0; i < c->n && !in; i++)
            in = x[i].lo <= v && v <= x[i].hi;
        return c->op == PO_IN ? in : !in;
    }
    default: {
        const char *s = set_value(sc, l, c->field, 0);
        if (c->op == PO_MISSING || c->op == PO_PRESENT)
            return (s != NULL) == (c->op == PO_PRESENT);
        int has = 0;
        for (uint32_t i = 0; s && !has; s = set_value(sc, l, c->field, ++i))
            has = s[0] && any_code(r->codes + c->first, c->n, s);
        return c->op == PO_HAS ? has : !has;
    }
    }
}

int pr_conds_hold(const rcm_payer_rules *r, uint32_t first, uint32_t n, const scrub_claim *sc, const scrub_line *l)
{
    for (uint32_t i = 0; i < n; i++)
        if (!cond_holds(r, &r->conds[first + i], sc, l))
            return 0;
    return 1;
}

int pr_payer_matches(const rcm_payer_rules *r, const pr_rule *ru, const scrub_claim *sc)
{
    if (!ru->npayers)
        return 1;
    const char *id = sc->payer_id ? sc->payer_id : "";
    for (uint32_t i = 0; i < ru->npayers; i++)
        if (strcmp(r->payers[ru->payer_first + i].id, id) == 0)
            return 1;
    return 0;
}

/* ---- actions ---- */

static int line_has_ref(const rcm_claim_line *l, const char *qual)
{
    for (uint32_t i = 0; i < l->n_refs; i++)
        if (strcmp(l->refs[i].qual, qual) == 0 && l->refs[i].value[0])
            return 1;
    return 0;
}

static int attach_ok(const rcm_payer_rules *r, const pr_rule *ru, const rcm_attachment *a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        if (!ru->nreq || any_code(r->codes + ru->req_first, ru->nreq, a[i].report_type))
            return 1;
    return 0;
}

/* What the line itself carries for a requirement (prior-auth, referral, attachment). */
static int line_meets(const rcm_payer_rules *r, const pr_rule *ru, const rcm_claim_line *l)
{
    switch (ru->action) {
    case PA_REQ_AUTH: return l->prior_auth[0] || line_has_ref(l, "G1");
    case PA_REQ_REFERRAL: return line_has_ref(l, "9F");
    case PA_REQ_ATTACH: return attach_ok(r, ru, l->attachments, l->n_attachments);
    default: return 0;
    }
}

static int claim_meets(const rcm_payer_rules *r, const pr_rule *ru, const rcm_claim *c)
{
    switch (ru->action) {
    case PA_REQ_AUTH: return c->prior_auth[0] != 0;
    case PA_REQ_REFERRAL: return c->referral[0] != 0;
    case PA_REQ_ATTACH: return attach_ok(r, ru, c->attachments, c->n_attachments);
    default: return 0;
    }
}

/* 1 when the rule must report: its requirement is not met (a flag always reports). */
static int violated(const rcm_payer_rules *r, const pr_rule *ru, const scrub_claim *sc, const scrub_line *l)
{
    const rcm_claim *c = sc->c;
    switch (ru->action) {
    case PA_FLAG:
        return 1;
    case PA_REQ_MOD:
        for (uint32_t i = 0; i < ru->nreq; i++)
            if (line_has_mod(l, r->codes[ru->req_first + i].lo))
                return 0;
        return 1;
    default:
        if (claim_meets(r, ru, c))
            return 0;
        if (l)
            return !line_meets(r, ru, l->l);
        /* a claim rule is also met when every line carries it */
        if (!c->n_lines)
            return 1;
        for (uint32_t i = 0; i < c->n_lines; i++)
            if (!line_meets(r, ru, &c->lines[i]))
                return 1;
        return 0;
    }
}

/* ---- messages ---- */

typedef struct out_text {
    char *p;
    size_t n, cap;
} out_text;

static void put(out_text *o, const char *s, size_t n)
{
    if (o->n + 1 >= o->cap)
        return;
    size_t room = o->cap - 1 - o->n;
    if (n > room)
        n = room;
    memcpy(o->p + o->n, s, n);
    o->n += n;
    o->p[o->n] = 0;
}

static void puts_(out_text *o, const char *s)
{
    put(o, s, strlen(s));
}

/* "95 or GT", "OZ, 09 or 77" */
static void put_list(out_text *o, const rcm_payer_rules *r, const pr_rule *ru)
{
    for (uint32_t i = 0; i < ru->nreq; i++) {
        if (i)
            puts_(o, i + 1 == ru->nreq ? " or " : ", ");
        puts_(o, r->codes[ru->req_first + i].lo);
    }
}

static void put_milli(out_text *o, int64_t v)
{
    char b[32];
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int n = snprintf(b, sizeof(b), "%s%llu", v < 0 ? "-" : "", (unsigned long long)(a / 1000));
    unsigned frac = (unsigned)(a % 1000);
    if (frac) {
        char f[5];
        snprintf(f, sizeof(f), ".%03u", frac);
        size_t k = strlen(f);
        while (f[k - 1] == '0')
            f[--k] = 0;
        snprintf(b + n, sizeof(b) - (size_t)n, "%s", f);
    }
    puts_(o, b);
}

/* One {placeholder}'s value. */
static void put_field(out_text *o, const char *name, size_t n, const scrub_claim *sc, const scrub_line *l)
{
    char b[32];
#define IS(w) (n == sizeof(w) - 1 && memcmp(name, w, n) == 0)
    if (IS("code")) {
        puts_(o, l ? l->l->code : sc->n ? sc->lines[0].l->code : "");
    } else if (IS("line")) {
        if (l) {
            snprintf(b, sizeof(b), "%u", l->pos);
            puts_(o, b);
        }
    } else if (IS("mods")) {
        for (uint32_t k = 0, any = 0; l && k < RCM_CLAIM_MAX_MODS; k++)
            if (l->l->mods[k][0]) {
                if (any++)
                    puts_(o, ",");
                puts_(o, l->l->mods[k]);
            }
    } else if (IS("pos")) {
        puts_(o, l ? line_pos(sc, l) : sc->c->pos);
    } else if (IS("payer")) {
        puts_(o, sc->payer_id ? sc->payer_id : "");
    } else if (IS("age")) {
        int age = scrub_age(sc->dob, when_of(sc, l));
        if (age >= 0) {
            snprintf(b, sizeof(b), "%d", age);
            puts_(o, b);
        }
    } else if (IS("charge")) {
        rcm_cents_fmt(b, l ? l->l->charge_cents : sc->c->charge_cents);
        puts_(o, b);
    } else if (IS("units")) {
        if (l)
            put_milli(o, l->l->units_milli);
    } else if (IS("dos")) {
        puts_(o, scrub_datestr(b, when_of(sc, l)));
    } else if (IS("claim")) {
        puts_(o, sc->c->id);
    }
#undef IS
}

/* Writes a message or hint with its {placeholders} filled in. */
static void expand(out_text *o, const char *tmpl, int fields, const scrub_claim *sc, const scrub_line *l)
{
    if (!fields) {
        puts_(o, tmpl);
        return;
    }
    const char *p = tmpl;
    while (*p) {
        const char *b = strchr(p, '{');
        if (!b) {
            puts_(o, p);
            return;
        }
        put(o, p, (size_t)(b - p));
        const char *e = strchr(b, '}');
        if (!e) { /* checked at load; kept literal all the same */
            puts_(o, b);
            return;
        }
        put_field(o, b + 1, (size_t)(e - b - 1), sc, l);
        p = e + 1;
    }
}

static void default_message(out_text *o, const rcm_payer_rules *r, const pr_rule *ru, const scrub_claim *sc,
                            const scrub_line *l)
{
    char b[64];
    if (l) {
        snprintf(b, sizeof(b), "%.15s on line %u ", l->l->code[0] ? l->l->code : "the service", l->pos);
        puts_(o, b);
    } else {
        puts_(o, "the claim ");
    }
    switch (ru->action) {
    case PA_REQ_MOD:
        puts_(o, "lacks modifier ");
        put_list(o, r, ru);
        puts_(o, ", which this payer requires");
        break;
    case PA_REQ_AUTH:
        puts_(o, "has no prior authorization number (REF*G1), which this payer requires");
        break;
    case PA_REQ_REFERRAL:
        puts_(o, "has no referral number (REF*9F), which this payer requires");
        break;
    case PA_REQ_ATTACH:
        puts_(o, "has no attachment (PWK)");
        if (ru->nreq) {
            puts_(o, " of report type ");
            put_list(o, r, ru);
        }
        puts_(o, ", which this payer requires");
        break;
    default:
        puts_(o, "matches the payer rule");
        break;
    }
}

static void default_hint(out_text *o, const rcm_payer_rules *r, const pr_rule *ru)
{
    switch (ru->action) {
    case PA_REQ_MOD:
        puts_(o, "add modifier ");
        put_list(o, r, ru);
        puts_(o, " when the documentation supports it");
        break;
    case PA_REQ_AUTH:
        puts_(o, "obtain the authorization and report it in REF*G1 (2300 for the claim, 2400 for the line)");
        break;
    case PA_REQ_REFERRAL:
        puts_(o, "obtain the referral and report it in 2300 REF*9F");
        break;
    case PA_REQ_ATTACH:
        puts_(o, "send the paperwork and report it in PWK (2300 or 2400) with its attachment control number");
        break;
    default:
        break;
    }
}

static void emit(const rcm_payer_rules *r, const pr_rule *ru, const rcm_scrub *s, const scrub_claim *sc,
                 const scrub_line *l, rcm_findings *out)
{
    rcm_finding *f = scrub_emit_custom(s, sc, ru->id, ru->severity, ru->route, out);
    if (!f)
        return;
    if (l) {
        finding_line(f, l->pos);
        finding_code(f, l->l->code);
    }
    if (ru->action == PA_REQ_MOD || ru->action == PA_REQ_ATTACH)
        for (uint32_t i = 0; i < ru->nreq; i++)
            finding_code(f, r->codes[ru->req_first + i].lo);
    out_text o = { f->message, 0, sizeof(f->message) };
    f->message[0] = 0;
    if (ru->message[0])
        expand(&o, ru->message, ru->msg_fields, sc, l);
    else
        default_message(&o, r, ru, sc, l);
    out_text h = { f->hint, 0, sizeof(f->hint) };
    f->hint[0] = 0;
    if (ru->hint[0])
        expand(&h, ru->hint, ru->hint_fields, sc, l);
    else
        default_hint(&h, r, ru);
    finding_source(f, "payer_rules", r->version, r->source, ru->line);
    if (ru->npayers)
        finding_field(f, "payer", "%s", sc->payer_id ? sc->payer_id : "");
    finding_field(f, "action", "%s", ru->action_text);
}

int pr_eval(const rcm_payer_rules *r, const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    for (size_t i = 0; i < r->nrules; i++) {
        const pr_rule *ru = &r->rules[i];
        if (ru->action == PA_TF || !pr_payer_matches(r, ru, sc))
            continue;
        if (!pr_conds_hold(r, ru->cond_first, ru->nclaim, sc, NULL))
            continue;
        if (!ru->per_line) {
            if (violated(r, ru, sc, NULL))
                emit(r, ru, s, sc, NULL, out);
            continue;
        }
        for (uint32_t k = 0; k < sc->n; k++) {
            const scrub_line *l = &sc->lines[k];
            if (pr_conds_hold(r, ru->cond_first + ru->nclaim, ru->nline, sc, l) && violated(r, ru, sc, l))
                emit(r, ru, s, sc, l, out);
        }
    }
    return out->failed ? RCM_ENOMEM : 0;
}

int payer_rules_tf_limit(const rcm_payer_rules *r, const scrub_claim *sc, int *days, const char **rule_id,
                         const char **file, long *line)
{
    if (!r)
        return 0;
    for (size_t i = 0; i < r->nrules; i++) {
        const pr_rule *ru = &r->rules[i];
        if (ru->action != PA_TF || !pr_payer_matches(r, ru, sc) ||
            !pr_conds_hold(r, ru->cond_first, ru->nclaim, sc, NULL))
            continue;
        if (days)
            *days = ru->tf_days;
        if (rule_id)
            *rule_id = ru->id;
        if (file)
            *file = r->source;
        if (line)
            *line = ru->line;
        return 1;
    }
    return 0;
}
