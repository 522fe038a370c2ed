/*
 * The payer simulator (include/rcm/paysim.h, docs/paysim.md): reads an 837
 * with rcm's reader and answers it as a payer would, with a 999, a 277CA and
 * an 835 written by rcm's writers, from a configuration of payer rules and a
 * state file that remembers what each payer claim number (ICN) was paid.
 *
 * A run: (1) walk the 837 for its groups and sets, (2) read its claims and
 * problems, (3) decide each set's 999 status, (4) order the claims of the
 * accepted sets by payer, billing provider and position, give each its
 * 277CA status and ICN, (5) adjudicate the accepted ones into 835 sets, a
 * replacement's reversal first, then (6) write the files and the state.
 * Everything comes from the inputs and the date: no clock, no randomness.
 */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <sys/stat.h>
#include "cycle_internal.h"
#include "rcm/paysim.h"
#include "rcm/x12read.h"
#include "rcm/x12write.h"

#define MAX_CONF_BYTES ((size_t)64 << 20)
#define MAX_PAYERS 1000
#define MAX_CONF_LINES 1000000
#define MAX_IK3 20                  /* segment errors reported per rejected set */

/* ---- the configuration ---- */

enum { R_DENY, R_AUTH, R_UNITS, R_DX, R_BUNDLE, R_KINDS };

typedef struct ps_rule {
    int kind;
    char code[49], code2[49];       /* code2: the bundled (column 2) code */
    char group[3], carc[6], remark[8];
    int mods_bypass;                /* bundle: bypass modifiers apply */
    int64_t max_milli;              /* unit-limit */
    char (*dx)[8];                  /* dx-cover prefixes, without dots */
    uint32_t n_dx;
} ps_rule;

typedef struct ps_fee {
    char code[49], mod[3];
    int64_t cents;                  /* per unit */
} ps_fee;

typedef struct ps_member {
    char id[81];
    rcm_date from, to;              /* to RCM_DATE_NONE: no end */
} ps_member;

typedef struct ps_mded {
    char id[81];
    int64_t cents;
} ps_mded;

typedef struct ps_plb {
    char reason[3], ref[51];
    int64_t cents;
} ps_plb;

typedef struct ps_payer {
    char id[81], name[61];
    char addr1[56], addr2[56], city[31], state[3], zip[16];
    char tax_id[10], contact[61], phone[81], icn_prefix[5], check_prefix[11];
    int64_t pct_milli;              /* allowed-percent in thousandths of a percent */
    char contract_group[3], contract_carc[6];
    int64_t deductible, copay;
    int64_t coins_milli;
    char (*copay_codes)[49];
    uint32_t n_copay_codes;
    int unknown_reject;
    char (*formats)[81];
    uint32_t n_formats;
    long timely_days;               /* -1: no limit */
    char bypass[16][3];
    uint32_t n_bypass;
    ps_fee *fees;
    uint32_t n_fees, cap_fees;
    ps_member *members;
    uint32_t n_members, cap_members;
    ps_mded *mded;
    uint32_t n_mded, cap_mded;
    ps_rule *rules;
    uint32_t n_rules, cap_rules;
    ps_plb *plbs;
    uint32_t n_plbs, cap_plbs;
    unsigned once;                  /* bits of the clauses seen (once each) */
} ps_payer;

struct rcm_paysim {
    ps_payer *payers;               /* sorted by id, "*" excluded */
    uint32_t n_payers, cap_payers;
    ps_payer *any;                  /* "payer *" or NULL */
    char *state_path;
    json_t *state;
};

/* ---- small helpers ---- */

static void *grow_arr(void *arr, uint32_t n, uint32_t *cap, size_t sz)
{
    if (n < *cap)
        return arr;
    uint32_t nc = *cap ? *cap * 2 : 8;
    void *p = realloc(arr, (size_t)nc * sz);
    if (p)
        *cap = nc;
    return p;
}

/* round(a * b / d) for a, b >= 0, halves up; no overflow for b, d <= 10^6. */
static int64_t mul_div(int64_t a, int64_t b, int64_t d)
{
    if (a <= 0 || b <= 0)
        return 0;
    int64_t q = a / d, r = a % d;
    return q * b + (r * b + d / 2) / d;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int has_mod(const char (*mods)[3], const char *m)
{
    for (int i = 0; i < 4; i++)
        if (mods[i][0] && strcmp(mods[i], m) == 0)
            return 1;
    return 0;
}

/* ---- configuration parsing ---- */

typedef struct conf_ctx {
    const char *path;
    long line;
    rcm_error *err;
} conf_ctx;

static int conf_fail(conf_ctx *c, const char *fmt, ...) RCM_PRINTF(2, 3);
static int conf_fail(conf_ctx *c, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    rcm_error_set(c->err, RCM_EFORMAT, "%s", msg);
    if (c->err) {
        c->err->source = c->path;
        c->err->line = c->line;
    }
    return RCM_EFORMAT;
}

static int p_amount(conf_ctx *c, const char *kw, const char *s, int64_t *out, int allow_negative)
{
    const char *why;
    if (rcm_cents_parse(out, rcm_str_c(s), &why) < 0 || (!allow_negative && *out < 0))
        return conf_fail(c, "'%s': '%s' is not an amount (dollars, at most 2 decimals)", kw, s);
    return 0;
}

static int p_percent(conf_ctx *c, const char *kw, const char *s, int64_t *out)
{
    const char *why;
    if (rcm_milli_parse(out, rcm_str_c(s), &why) < 0 || *out < 0 || *out > 100000)
        return conf_fail(c, "'%s': '%s' is not a percentage (0 to 100, at most 3 decimals)", kw, s);
    return 0;
}

static int p_date(conf_ctx *c, const char *kw, const char *s, rcm_date *out)
{
    if (rcm_date_parse_iso(out, rcm_str_c(s)) < 0)
        return conf_fail(c, "'%s': '%s' is not a date (YYYY-MM-DD)", kw, s);
    return 0;
}

static int p_copy(conf_ctx *c, const char *kw, const char *s, char *dst, size_t dstsz)
{
    size_t n = strlen(s);
    if (n >= dstsz)
        return conf_fail(c, "'%s': '%.40s' is longer than %zu characters", kw, s, dstsz - 1);
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f || strchr("*:^~|>", *p))
            return conf_fail(c, "'%s': '%.40s' holds a character an X12 file cannot carry", kw, s);
    memcpy(dst, s, n + 1);
    return 0;
}

static int p_code(conf_ctx *c, const char *kw, const char *s, char *dst, size_t dstsz)
{
    for (const char *p = s; *p; p++)
        if (!isalnum((unsigned char)*p))
            return conf_fail(c, "'%s': '%s' is not a code (letters and digits)", kw, s);
    return p_copy(c, kw, s, dst, dstsz);
}

/* CODE or CODE:MOD */
static int p_code_mod(conf_ctx *c, const char *kw, const char *s, char *code, size_t codesz, char *mod)
{
    char tmp[64];
    const char *colon = strchr(s, ':');
    mod[0] = '\0';
    if (!colon)
        return p_code(c, kw, s, code, codesz);
    size_t n = (size_t)(colon - s);
    if (n >= sizeof(tmp))
        return conf_fail(c, "'%s': '%.40s' is too long", kw, s);
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (p_code(c, kw, tmp, code, codesz) < 0)
        return RCM_EFORMAT;
    if (strlen(colon + 1) != 2)
        return conf_fail(c, "'%s': '%s': a modifier is 2 characters", kw, colon + 1);
    return p_code(c, kw, colon + 1, mod, 3);
}

/* Splits s at spaces and tabs in place; returns the number of words (at most max). */
static int split_words(char *s, char **w, int max)
{
    int n = 0;
    for (char *p = s; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (n == max)
            return max + 1;
        w[n++] = p;
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static void payer_release(ps_payer *p)
{
    free(p->copay_codes);
    free(p->formats);
    free(p->fees);
    free(p->members);
    free(p->mded);
    for (uint32_t i = 0; i < p->n_rules; i++)
        free(p->rules[i].dx);
    free(p->rules);
    free(p->plbs);
}

static void payer_defaults(ps_payer *p, const char *id)
{
    memset(p, 0, sizeof(*p));
    cstr_copy(p->id, sizeof(p->id), id);
    p->pct_milli = 100000;
    memcpy(p->contract_group, "CO", 3);
    memcpy(p->contract_carc, "45", 3);
    memcpy(p->tax_id, "000000000", 10);
    memcpy(p->contact, "PROVIDER SERVICES", 18);
    memcpy(p->phone, "8005550100", 11);
    memcpy(p->icn_prefix, "10", 3);
    memcpy(p->check_prefix, "CHK", 4);
    memcpy(p->addr1, "PO BOX 1", 9);
    memcpy(p->city, "NASHVILLE", 10);
    memcpy(p->state, "TN", 3);
    memcpy(p->zip, "37202", 6);
    p->timely_days = -1;
    static const char *const bypass[] = { "59", "XE", "XP", "XS", "XU" };
    for (size_t i = 0; i < ARRAY_SIZE(bypass); i++)
        memcpy(p->bypass[i], bypass[i], 3);
    p->n_bypass = ARRAY_SIZE(bypass);
}

/* The once-only clauses, as bits of ps_payer.once. */
static const char *const once_kw[] = { "name", "address", "tax-id", "contact", "phone", "icn-prefix",
                                       "check-prefix", "allowed-percent", "contractual", "deductible",
                                       "coinsurance", "timely-days", "unknown-members", "bundle-modifiers" };

static int once(conf_ctx *c, ps_payer *p, const char *kw)
{
    for (size_t i = 0; i < ARRAY_SIZE(once_kw); i++)
        if (strcmp(kw, once_kw[i]) == 0) {
            if (p->once & (1u << i))
                return conf_fail(c, "'%s' is given twice for payer '%s'", kw, p->id);
            p->once |= 1u << i;
        }
    return 0;
}

/* key=value options after a rule's positional words. */
typedef struct rule_opts {
    const char *remark, *carc, *group, *modifiers;
} rule_opts;

static int take_opts(conf_ctx *c, const char *kw, char **w, int *n, rule_opts *o, const char *allowed)
{
    memset(o, 0, sizeof(*o));
    while (*n > 1) {
        char *eq = strchr(w[*n - 1], '=');
        if (!eq)
            break;
        *eq = '\0';
        const char *k = w[*n - 1], *v = eq + 1;
        if (!strstr(allowed, k))
            return conf_fail(c, "'%s': unknown option '%s=' (options: %s)", kw, k, allowed);
        if (strcmp(k, "remark") == 0)
            o->remark = v;
        else if (strcmp(k, "carc") == 0)
            o->carc = v;
        else if (strcmp(k, "group") == 0)
            o->group = v;
        else if (strcmp(k, "modifiers") == 0)
            o->modifiers = v;
        else
            return conf_fail(c, "'%s': unknown option '%s=' (options: %s)", kw, k, allowed);
        (*n)--;
    }
    return 0;
}

static ps_rule *add_rule(ps_payer *p, int kind)
{
    ps_rule *v = grow_arr(p->rules, p->n_rules, &p->cap_rules, sizeof(*v));
    if (!v)
        return NULL;
    p->rules = v;
    ps_rule *r = &v[p->n_rules++];
    memset(r, 0, sizeof(*r));
    r->kind = kind;
    memcpy(r->group, "CO", 3);
    return r;
}

static int rule_remark(conf_ctx *c, const char *kw, ps_rule *r, const char *v, const char *def)
{
    if (!v)
        v = def;
    if (strcmp(v, "-") == 0) {
        r->remark[0] = '\0';
        return 0;
    }
    return p_code(c, kw, v, r->remark, sizeof(r->remark));
}

static int carc_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 5)
        return 0;
    for (; *s; s++)
        if (!isupper((unsigned char)*s) && !isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static int group_ok(const char *g)
{
    return strcmp(g, "CO") == 0 || strcmp(g, "OA") == 0 || strcmp(g, "PI") == 0 || strcmp(g, "PR") == 0;
}

#define NOMEM(c) conf_fail((c), "out of memory")

static int clause(conf_ctx *c, ps_payer *p, char *line)
{
    char *w[72];
    char *rest = line;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    char *kwend = rest;
    while (*kwend && *kwend != ' ' && *kwend != '\t')
        kwend++;
    char *after = *kwend ? kwend + 1 : kwend;
    char kw[32];
    size_t kl = (size_t)(kwend - rest);
    if (kl >= sizeof(kw))
        kl = sizeof(kw) - 1;
    memcpy(kw, rest, kl);
    kw[kl] = '\0';
    if (once(c, p, kw) < 0)
        return RCM_EFORMAT;
    /* clauses whose value is the rest of the line */
    if (strcmp(kw, "name") == 0 || strcmp(kw, "contact") == 0) {
        char *v = trim(after);
        if (!*v)
            return conf_fail(c, "'%s' needs a value", kw);
        return kw[0] == 'n' ? p_copy(c, kw, v, p->name, sizeof(p->name))
                            : p_copy(c, kw, v, p->contact, sizeof(p->contact));
    }
    if (strcmp(kw, "address") == 0) {
        char *parts[6];
        int n = 0;
        for (char *s = after; n < 6;) {
            char *bar = strchr(s, '|');
            if (bar)
                *bar = '\0';
            parts[n++] = trim(s);
            if (!bar)
                break;
            s = bar + 1;
        }
        if (n != 4 && n != 5)
            return conf_fail(c, "'address': expected LINE1 | CITY | ST | ZIP (or LINE1 | LINE2 | CITY | ST | ZIP)");
        int k = 0;
        if (p_copy(c, kw, parts[k++], p->addr1, sizeof(p->addr1)) < 0)
            return RCM_EFORMAT;
        p->addr2[0] = '\0';
        if (n == 5 && p_copy(c, kw, parts[k++], p->addr2, sizeof(p->addr2)) < 0)
            return RCM_EFORMAT;
        if (p_copy(c, kw, parts[k++], p->city, sizeof(p->city)) < 0 ||
            p_copy(c, kw, parts[k++], p->state, sizeof(p->state)) < 0 ||
            p_copy(c, kw, parts[k++], p->zip, sizeof(p->zip)) < 0)
            return RCM_EFORMAT;
        if (!p->addr1[0] || !p->city[0] || strlen(p->state) != 2 || !p->zip[0])
            return conf_fail(c, "'address': a line, a city, a 2-letter state and a ZIP are required");
        if (strlen(p->city) < 2 || strlen(p->zip) < 3) /* the 835's N401 and N403 */
            return conf_fail(c, "'address': the city needs 2 characters at least, the ZIP 3");
        return 0;
    }
    int n = split_words(line, w, 70);
    if (n > 70)
        return conf_fail(c, "'%s': too many words on one line", kw);
    rule_opts o;
    if (strcmp(kw, "tax-id") == 0) {
        if (n != 2 || strlen(w[1]) != 9 || strspn(w[1], "0123456789") != 9)
            return conf_fail(c, "'tax-id': expected 9 digits");
        memcpy(p->tax_id, w[1], 10);
    } else if (strcmp(kw, "phone") == 0) {
        if (n != 2 || strspn(w[1], "0123456789") != strlen(w[1]) || strlen(w[1]) < 10)
            return conf_fail(c, "'phone': expected digits (at least 10)");
        return p_copy(c, kw, w[1], p->phone, sizeof(p->phone));
    } else if (strcmp(kw, "icn-prefix") == 0) {
        if (n != 2 || strlen(w[1]) < 1 || strlen(w[1]) > 4 || strspn(w[1], "0123456789") != strlen(w[1]))
            return conf_fail(c, "'icn-prefix': expected 1 to 4 digits");
        memcpy(p->icn_prefix, w[1], strlen(w[1]) + 1);
    } else if (strcmp(kw, "check-prefix") == 0) {
        if (n != 2 || strlen(w[1]) > 10)
            return conf_fail(c, "'check-prefix': expected 1 to 10 letters or digits");
        return p_code(c, kw, w[1], p->check_prefix, sizeof(p->check_prefix));
    } else if (strcmp(kw, "allowed-percent") == 0) {
        if (n != 2)
            return conf_fail(c, "'allowed-percent': expected a percentage");
        return p_percent(c, kw, w[1], &p->pct_milli);
    } else if (strcmp(kw, "allowed") == 0) {
        if (n != 3)
            return conf_fail(c, "'allowed': expected CODE[:MOD] AMOUNT");
        ps_fee *v = grow_arr(p->fees, p->n_fees, &p->cap_fees, sizeof(*v));
        if (!v)
            return NOMEM(c);
        p->fees = v;
        ps_fee *f = &v[p->n_fees];
        if (p_code_mod(c, kw, w[1], f->code, sizeof(f->code), f->mod) < 0 ||
            p_amount(c, kw, w[2], &f->cents, 0) < 0)
            return RCM_EFORMAT;
        p->n_fees++;
    } else if (strcmp(kw, "contractual") == 0) {
        if (n != 3 || !group_ok(w[1]) || !carc_ok(w[2]))
            return conf_fail(c, "'contractual': expected GROUP (CO, OA, PI) and CARC");
        memcpy(p->contract_group, w[1], 3);
        memcpy(p->contract_carc, w[2], strlen(w[2]) + 1);
    } else if (strcmp(kw, "deductible") == 0) {
        if (n != 2)
            return conf_fail(c, "'deductible': expected an amount (per member: 'member-deductible ID AMOUNT')");
        return p_amount(c, kw, w[1], &p->deductible, 0);
    } else if (strcmp(kw, "member-deductible") == 0) {
        if (n != 3)
            return conf_fail(c, "'member-deductible': expected ID AMOUNT");
        ps_mded *v = grow_arr(p->mded, p->n_mded, &p->cap_mded, sizeof(*v));
        if (!v)
            return NOMEM(c);
        p->mded = v;
        if (p_copy(c, kw, w[1], v[p->n_mded].id, sizeof(v[0].id)) < 0 ||
            p_amount(c, kw, w[2], &v[p->n_mded].cents, 0) < 0)
            return RCM_EFORMAT;
        p->n_mded++;
    } else if (strcmp(kw, "coinsurance") == 0) {
        if (n != 2)
            return conf_fail(c, "'coinsurance': expected a percentage");
        return p_percent(c, kw, w[1], &p->coins_milli);
    } else if (strcmp(kw, "copay") == 0) {
        if (n < 2)
            return conf_fail(c, "'copay': expected AMOUNT [CODE...]");
        if (p->copay)
            return conf_fail(c, "'copay' is given twice for payer '%s'", p->id);
        if (p_amount(c, kw, w[1], &p->copay, 0) < 0)
            return RCM_EFORMAT;
        if (!p->copay)
            return conf_fail(c, "'copay': the amount must be more than 0");
        p->copay_codes = calloc((size_t)n, sizeof(*p->copay_codes));
        if (!p->copay_codes)
            return NOMEM(c);
        for (int i = 2; i < n; i++)
            if (p_code(c, kw, w[i], p->copay_codes[p->n_copay_codes++], sizeof(p->copay_codes[0])) < 0)
                return RCM_EFORMAT;
    } else if (strcmp(kw, "member") == 0) {
        if (n < 3 || n > 4)
            return conf_fail(c, "'member': expected ID FROM [TO]");
        ps_member *v = grow_arr(p->members, p->n_members, &p->cap_members, sizeof(*v));
        if (!v)
            return NOMEM(c);
        p->members = v;
        ps_member *m = &v[p->n_members];
        m->to = RCM_DATE_NONE;
        if (p_copy(c, kw, w[1], m->id, sizeof(m->id)) < 0 || p_date(c, kw, w[2], &m->from) < 0)
            return RCM_EFORMAT;
        if (n == 4 && strcmp(w[3], "-") != 0 && p_date(c, kw, w[3], &m->to) < 0)
            return RCM_EFORMAT;
        if (m->to != RCM_DATE_NONE && m->to < m->from)
            return conf_fail(c, "'member': coverage of '%s' ends before it starts", m->id);
        p->n_members++;
    } else if (strcmp(kw, "unknown-members") == 0) {
        if (n != 2 || (strcmp(w[1], "reject") && strcmp(w[1], "accept")))
            return conf_fail(c, "'unknown-members': expected 'reject' or 'accept'");
        p->unknown_reject = strcmp(w[1], "reject") == 0;
    } else if (strcmp(kw, "member-id-format") == 0) {
        if (n < 2)
            return conf_fail(c, "'member-id-format': expected one or more patterns");
        char(*v)[81] = realloc(p->formats, (p->n_formats + (size_t)n) * sizeof(*v));
        if (!v)
            return NOMEM(c);
        p->formats = v;
        for (int i = 1; i < n; i++)
            if (p_copy(c, kw, w[i], v[p->n_formats++], sizeof(v[0])) < 0)
                return RCM_EFORMAT;
    } else if (strcmp(kw, "timely-days") == 0) {
        char *end;
        long d = n == 2 ? strtol(w[1], &end, 10) : -1;
        if (n != 2 || *end || d < 1 || d > 100000)
            return conf_fail(c, "'timely-days': expected a number of days");
        p->timely_days = d;
    } else if (strcmp(kw, "auth") == 0 || strcmp(kw, "deny") == 0) {
        int deny = kw[0] == 'd';
        if (take_opts(c, kw, w, &n, &o, deny ? "carc remark group" : "remark") < 0)
            return RCM_EFORMAT;
        if (n < 2)
            return conf_fail(c, "'%s': expected one or more codes", kw);
        if (deny && (!o.carc || !carc_ok(o.carc)))
            return conf_fail(c, "'deny': carc=N is required (the adjustment reason code)");
        if (deny && o.group && !group_ok(o.group))
            return conf_fail(c, "'deny': group=%s is not CO, OA, PI or PR", o.group);
        for (int i = 1; i < n; i++) {
            ps_rule *r = add_rule(p, deny ? R_DENY : R_AUTH);
            if (!r)
                return NOMEM(c);
            if (p_code(c, kw, w[i], r->code, sizeof(r->code)) < 0 ||
                rule_remark(c, kw, r, o.remark, deny ? "-" : "M62") < 0)
                return RCM_EFORMAT;
            memcpy(r->carc, deny ? o.carc : "197", strlen(deny ? o.carc : "197") + 1);
            if (o.group)
                memcpy(r->group, o.group, 3);
        }
    } else if (strcmp(kw, "bundle") == 0) {
        if (take_opts(c, kw, w, &n, &o, "remark modifiers") < 0)
            return RCM_EFORMAT;
        if (n != 3)
            return conf_fail(c, "'bundle': expected CODE1 CODE2 [remark=R] [modifiers=no]");
        if (o.modifiers && strcmp(o.modifiers, "no") && strcmp(o.modifiers, "yes"))
            return conf_fail(c, "'bundle': modifiers= takes 'yes' or 'no'");
        ps_rule *r = add_rule(p, R_BUNDLE);
        if (!r)
            return NOMEM(c);
        if (p_code(c, kw, w[1], r->code, sizeof(r->code)) < 0 || p_code(c, kw, w[2], r->code2, sizeof(r->code2)) < 0 ||
            rule_remark(c, kw, r, o.remark, "M15") < 0)
            return RCM_EFORMAT;
        memcpy(r->carc, "97", 3);
        r->mods_bypass = !o.modifiers || strcmp(o.modifiers, "no") != 0;
    } else if (strcmp(kw, "bundle-modifiers") == 0) {
        if (n < 2 || n - 1 > (int)ARRAY_SIZE(p->bypass))
            return conf_fail(c, "'bundle-modifiers': expected 1 to %zu modifiers", ARRAY_SIZE(p->bypass));
        p->n_bypass = 0;
        for (int i = 1; i < n; i++) {
            if (strlen(w[i]) != 2)
                return conf_fail(c, "'bundle-modifiers': '%s' is not a modifier (2 characters)", w[i]);
            if (p_code(c, kw, w[i], p->bypass[p->n_bypass++], 3) < 0)
                return RCM_EFORMAT;
        }
    } else if (strcmp(kw, "dx-cover") == 0) {
        if (n < 5)
            return conf_fail(c, "'dx-cover': expected CODE CARC REMARK DX...");
        ps_rule *r = add_rule(p, R_DX);
        if (!r)
            return NOMEM(c);
        if (p_code(c, kw, w[1], r->code, sizeof(r->code)) < 0)
            return RCM_EFORMAT;
        if (!carc_ok(w[2]))
            return conf_fail(c, "'dx-cover': '%s' is not an adjustment reason code", w[2]);
        memcpy(r->carc, w[2], strlen(w[2]) + 1);
        if (rule_remark(c, kw, r, w[3], "-") < 0)
            return RCM_EFORMAT;
        r->dx = calloc((size_t)n, sizeof(*r->dx));
        if (!r->dx)
            return NOMEM(c);
        for (int i = 4; i < n; i++) {
            char *d = r->dx[r->n_dx++];
            size_t k = 0;
            for (const char *s = w[i]; *s; s++) {
                if (*s == '.')
                    continue;
                if (!isalnum((unsigned char)*s) || k >= 7)
                    return conf_fail(c, "'dx-cover': '%s' is not a diagnosis code prefix", w[i]);
                d[k++] = (char)toupper((unsigned char)*s);
            }
            d[k] = '\0';
            if (!k)
                return conf_fail(c, "'dx-cover': '%s' is not a diagnosis code prefix", w[i]);
        }
    } else if (strcmp(kw, "unit-limit") == 0) {
        if (take_opts(c, kw, w, &n, &o, "remark") < 0)
            return RCM_EFORMAT;
        if (n != 3)
            return conf_fail(c, "'unit-limit': expected CODE MAX [remark=R]");
        ps_rule *r = add_rule(p, R_UNITS);
        if (!r)
            return NOMEM(c);
        const char *why;
        if (p_code(c, kw, w[1], r->code, sizeof(r->code)) < 0 || rule_remark(c, kw, r, o.remark, "N362") < 0)
            return RCM_EFORMAT;
        if (rcm_milli_parse(&r->max_milli, rcm_str_c(w[2]), &why) < 0 || r->max_milli <= 0)
            return conf_fail(c, "'unit-limit': '%s' is not a number of units", w[2]);
        memcpy(r->carc, "151", 4);
    } else if (strcmp(kw, "plb") == 0) {
        if (n < 3 || n > 4)
            return conf_fail(c, "'plb': expected REASON AMOUNT [REFERENCE]");
        static const char reasons[] = " 50 51 72 90 AH AM AP B2 B3 BD BN C5 CR CS CT CV CW DM E3 FB FC GO "
                                      "HM IP IR IS J1 L3 L6 LE LS OA OB PI PL RA RE SL TL WO WU ";
        char key[8];
        snprintf(key, sizeof(key), " %.3s ", w[1]);
        if (strlen(w[1]) != 2 || !strstr(reasons, key))
            return conf_fail(c, "'plb': '%s' is not a provider adjustment reason (WO, L6, 72, FB, CS...)", w[1]);
        ps_plb *v = grow_arr(p->plbs, p->n_plbs, &p->cap_plbs, sizeof(*v));
        if (!v)
            return NOMEM(c);
        p->plbs = v;
        ps_plb *b = &v[p->n_plbs];
        memset(b, 0, sizeof(*b));
        memcpy(b->reason, w[1], 3);
        if (p_amount(c, kw, w[2], &b->cents, 1) < 0)
            return RCM_EFORMAT;
        if (!b->cents)
            return conf_fail(c, "'plb': the amount must not be 0");
        if (n == 4 && p_copy(c, kw, w[3], b->ref, sizeof(b->ref)) < 0)
            return RCM_EFORMAT;
        p->n_plbs++;
    } else {
        return conf_fail(c, "unknown clause '%s'", kw);
    }
    return 0;
}

static int cmp_fee(const void *a, const void *b)
{
    const ps_fee *x = a, *y = b;
    int k = strcmp(x->code, y->code);
    return k ? k : strcmp(x->mod, y->mod);
}

static int cmp_member(const void *a, const void *b)
{
    const ps_member *x = a, *y = b;
    int k = strcmp(x->id, y->id);
    return k ? k : (x->from > y->from) - (x->from < y->from);
}

static int cmp_mded(const void *a, const void *b) { return strcmp(((const ps_mded *)a)->id, ((const ps_mded *)b)->id); }
static int cmp_payer(const void *a, const void *b) { return strcmp(((const ps_payer *)a)->id, ((const ps_payer *)b)->id); }

static int payer_finish(conf_ctx *c, ps_payer *p)
{
    if (p->n_fees)
        qsort(p->fees, p->n_fees, sizeof(*p->fees), cmp_fee);
    for (uint32_t i = 1; i < p->n_fees; i++)
        if (!cmp_fee(&p->fees[i - 1], &p->fees[i]))
            return conf_fail(c, "payer '%s': 'allowed' is given twice for %s%s%s", p->id, p->fees[i].code,
                             p->fees[i].mod[0] ? ":" : "", p->fees[i].mod);
    if (p->n_members)
        qsort(p->members, p->n_members, sizeof(*p->members), cmp_member);
    for (uint32_t i = 1; i < p->n_members; i++)
        if (!strcmp(p->members[i - 1].id, p->members[i].id))
            return conf_fail(c, "payer '%s': 'member' is given twice for '%s'", p->id, p->members[i].id);
    if (p->n_mded)
        qsort(p->mded, p->n_mded, sizeof(*p->mded), cmp_mded);
    for (uint32_t i = 1; i < p->n_mded; i++)
        if (!strcmp(p->mded[i - 1].id, p->mded[i].id))
            return conf_fail(c, "payer '%s': 'member-deductible' is given twice for '%s'", p->id, p->mded[i].id);
    return 0;
}

static int conf_parse(rcm_paysim *ps, const char *path, char *text, size_t len, rcm_error *err)
{
    conf_ctx c = { path, 0, err };
    ps_payer *cur = NULL;
    int rc = 0;
    char *p = text, *end = text + len;
    if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end && rc == 0) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        char *le = nl ? nl : end;
        *le = '\0';
        if (le > p && le[-1] == '\r')
            le[-1] = '\0';
        c.line++;
        if (c.line > (long)MAX_CONF_LINES)
            return conf_fail(&c, "more than %ld lines", (long)MAX_CONF_LINES);
        char *hash = strchr(p, '#');
        if (hash)
            *hash = '\0';
        for (char *q = p; *q; q++)
            if ((unsigned char)*q < 0x20 && *q != '\t')
                return conf_fail(&c, "a control character (0x%02x) in the line", (unsigned char)*q);
        char *s = trim(p);
        p = nl ? nl + 1 : end;
        if (!*s)
            continue;
        if (strncmp(s, "payer", 5) == 0 && (s[5] == ' ' || s[5] == '\t' || !s[5])) {
            char *w[3];
            int n = split_words(s, w, 2);
            if (n != 2)
                return conf_fail(&c, "'payer': expected one payer id (or *)");
            if (cur && (rc = payer_finish(&c, cur)) < 0)
                return rc;
            if (strcmp(w[1], "*") == 0) {
                if (ps->any)
                    return conf_fail(&c, "'payer *' is given twice");
                ps->any = calloc(1, sizeof(*ps->any));
                if (!ps->any)
                    return NOMEM(&c);
                payer_defaults(ps->any, "*");
                cur = ps->any;
                continue;
            }
            if (ps->n_payers >= MAX_PAYERS)
                return conf_fail(&c, "more than %d payers", MAX_PAYERS);
            ps_payer *v = grow_arr(ps->payers, ps->n_payers, &ps->cap_payers, sizeof(*v));
            if (!v)
                return NOMEM(&c);
            ps->payers = v;
            cur = &v[ps->n_payers];
            payer_defaults(cur, "");
            if (p_copy(&c, "payer", w[1], cur->id, sizeof(cur->id)) < 0)
                return RCM_EFORMAT;
            for (uint32_t i = 0; i < ps->n_payers; i++)
                if (strcmp(ps->payers[i].id, cur->id) == 0)
                    return conf_fail(&c, "'payer %s' is given twice (the first on an earlier line)", cur->id);
            ps->n_payers++;
            continue;
        }
        if (!cur)
            return conf_fail(&c, "'%.20s' before the first 'payer' line", s);
        rc = clause(&c, cur, s);
    }
    if (rc == 0 && cur)
        rc = payer_finish(&c, cur);
    if (rc == 0 && !ps->n_payers && !ps->any) {
        c.line = 0;
        return conf_fail(&c, "no payer: the file needs at least one 'payer' block");
    }
    if (rc == 0 && ps->n_payers)
        qsort(ps->payers, ps->n_payers, sizeof(*ps->payers), cmp_payer);
    return rc;
}

static const ps_payer *payer_find(const rcm_paysim *ps, const char *id)
{
    ps_payer key;
    cstr_copy(key.id, sizeof(key.id), id);
    const ps_payer *p = ps->n_payers ? bsearch(&key, ps->payers, ps->n_payers, sizeof(key), cmp_payer) : NULL;
    return p ? p : ps->any;
}

static const ps_member *member_find(const ps_payer *p, const char *id)
{
    if (!p->n_members)
        return NULL;
    ps_member key;
    cstr_copy(key.id, sizeof(key.id), id);
    key.from = INT32_MIN;
    /* ids are unique: compare by id only */
    uint32_t lo = 0, hi = p->n_members;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        int k = strcmp(p->members[mid].id, key.id);
        if (k == 0)
            return &p->members[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static int64_t member_deductible(const ps_payer *p, const char *id)
{
    ps_mded key;
    cstr_copy(key.id, sizeof(key.id), id);
    const ps_mded *m = p->n_mded ? bsearch(&key, p->mded, p->n_mded, sizeof(key), cmp_mded) : NULL;
    return m ? m->cents : p->deductible;
}

/* The allowed amount per unit for a line's code and modifiers; -1 when the table has none. */
static int64_t fee_find(const ps_payer *p, const char *code, const char (*mods)[3])
{
    uint32_t lo = 0, hi = p->n_fees;
    while (lo < hi) {
        uint32_t mid = (lo + hi) / 2;
        if (strcmp(p->fees[mid].code, code) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int64_t plain = -1;
    for (uint32_t i = lo; i < p->n_fees && strcmp(p->fees[i].code, code) == 0; i++) {
        if (!p->fees[i].mod[0])
            plain = p->fees[i].cents;
        else if (has_mod(mods, p->fees[i].mod))
            return p->fees[i].cents;
    }
    return plain;
}

/* A member id against a shape: N digit, A letter, X letter or digit, anything else itself. */
static int shape_ok(const char *id, const char *pat)
{
    for (; *pat; pat++, id++) {
        unsigned char ch = (unsigned char)*id;
        if (!ch)
            return 0;
        if (*pat == 'N' ? !isdigit(ch) : *pat == 'A' ? !isalpha(ch) : *pat == 'X' ? !isalnum(ch) : ch != (unsigned char)*pat)
            return 0;
    }
    return !*id;
}

/* ---- the state ---- */

static int state_load(rcm_paysim *ps, const char *path, rcm_error *err)
{
    struct stat sb;
    if (stat(path, &sb) < 0 && errno == ENOENT) {
        ps->state = json_pack("{s:i, s:i, s:{}, s:{}}", "version", 1, "control", 0, "payers", "claims");
        return ps->state ? 0 : rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    char *text = NULL;
    size_t len = 0;
    int rc = cycle_read_file(path, &text, &len, err);
    if (rc < 0)
        return rc;
    json_error_t je;
    json_t *j = json_loadb(text, len, 0, &je);
    free(text);
    if (!j) {
        rc = rcm_error_set(err, RCM_EFORMAT, "paysim state: %s", je.text);
        if (err) {
            err->source = path;
            err->line = je.line;
        }
        return rc;
    }
    json_t *v = json_object_get(j, "version");
    if (!json_is_object(j) || !json_is_integer(v) || json_integer_value(v) != 1 ||
        !json_is_integer(json_object_get(j, "control")) || !json_is_object(json_object_get(j, "payers")) ||
        !json_is_object(json_object_get(j, "claims"))) {
        json_decref(j);
        rc = rcm_error_set(err, RCM_EFORMAT, "not a paysim state file (version 1 with control, payers, claims)");
        if (err)
            err->source = path;
        return rc;
    }
    ps->state = j;
    return 0;
}

static json_t *state_payer(json_t *st, const char *id)
{
    json_t *payers = json_object_get(st, "payers");
    json_t *p = json_object_get(payers, id);
    if (!p) {
        p = json_pack("{s:i, s:i, s:{}, s:[]}", "icn", 0, "check", 0, "deductible_used", "plb_applied");
        if (!p || json_object_set_new(payers, id, p) < 0)
            return NULL;
    }
    return p;
}

static int64_t jint(json_t *o, const char *k)
{
    json_t *v = json_object_get(o, k);
    return json_is_integer(v) ? (int64_t)json_integer_value(v) : 0;
}

static const char *jsv(json_t *v)
{
    const char *s = json_string_value(v);
    return s ? s : "";
}

static const char *jstr(json_t *o, const char *k) { return jsv(json_object_get(o, k)); }

/* Takes the next number of counter k of object o. */
static int64_t take(json_t *o, const char *k)
{
    int64_t v = jint(o, k) + 1;
    json_object_set_new(o, k, json_integer(v));
    return v;
}

/* ---- what the 837 holds ---- */

typedef struct ps_set {
    char st_id[4], st_control[10], version[36];
    long seg_from, seg_to;          /* file segments of its ST and SE */
    uint32_t group;
    long errors, warnings;
    rcm_ack_segment_error *ik3;     /* arena */
    rcm_ack_element_error *ik4;     /* one per IK3 at most */
    uint32_t n_ik3;
    char ik5_codes[5][4];
    uint32_t n_ik5;
    long claims;
} ps_set;

typedef struct ps_group {
    char control[10], version[13], func[3];
    long seg_from, seg_to;
    char codes[5][4];
    uint32_t n_codes;
    long errors;
} ps_group;

typedef struct ps_prov {
    char npi[81], name[61], addr1[56], addr2[56], city[31], state[3], zip[16], tax_id[51], tax_qual[3];
} ps_prov;

typedef struct ps_line {
    char qual[3], code[49], mods[4][3], rev[5];
    int64_t charge, units_milli;
    rcm_date from, to;
    char control[51], auth[51];
    uint8_t ptr[4];
    int64_t prior_resp;             /* patient's liability after the prior payer; -1 unknown */
} ps_line;

typedef struct ps_claim {
    uint32_t set, order, prov;
    char id[39], kind, freq, seq;
    char payer_id[81], payer_name[61], member[81];
    char member_ack[81];            /* the member id the 277CA and 835 name (member_id_of) */
    char sub_last[61], sub_first[36], sub_mid[26];
    char pat_last[61], pat_first[36], pat_mid[26];
    int has_patient;
    char filing[3], pos[3], auth[51], orig_ref[51];
    int64_t charge;
    rcm_date from, to;              /* service dates: statement dates or the lines' span */
    char dx[RCM_CLAIM_MAX_DX][8];
    uint32_t n_dx;
    int has_prior;
    int64_t prior_remaining;        /* 2320: AMT*EAF, else the PR CAS; -1 unknown */
    ps_line *lines;
    uint32_t n_lines;
    /* the 277CA's answer */
    int rejected;
    char stc_cat[4], stc_code[6], stc_entity[4];
    char icn[51];
} ps_claim;

typedef struct run {
    rcm_paysim *ps;
    rcm_date today;
    arena mem;
    rcm_error *err;
    /* envelope of the 837 */
    char isa_sender_q[3], isa_sender[16], isa_receiver_q[3], isa_receiver[16];
    char gs_sender[16], gs_receiver[16], isa_control[10];
    char submitter_name[61], submitter_id[81], bht_id[31];
    int have_env;
    ps_group *groups;
    uint32_t n_groups, cap_groups;
    ps_set *sets;
    uint32_t n_sets, cap_sets;
    ps_prov *provs;
    uint32_t n_provs, cap_provs;
    ps_claim *claims;
    uint32_t n_claims, cap_claims;
    int n837;                       /* 837 sets seen */
    int rc;
} run;

/* pass 1: the envelope structure */

static int w_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    run *r = ctx;
    if (!r->have_env) {
        r->have_env = 1;
        cstr_copy(r->isa_sender_q, sizeof(r->isa_sender_q), env->isa_sender_q);
        cstr_copy(r->isa_sender, sizeof(r->isa_sender), env->isa_sender);
        cstr_copy(r->isa_receiver_q, sizeof(r->isa_receiver_q), env->isa_receiver_q);
        cstr_copy(r->isa_receiver, sizeof(r->isa_receiver), env->isa_receiver);
        cstr_copy(r->gs_sender, sizeof(r->gs_sender), env->gs_sender);
        cstr_copy(r->gs_receiver, sizeof(r->gs_receiver), env->gs_receiver);
        cstr_copy(r->isa_control, sizeof(r->isa_control), env->isa_control);
    }
    ps_group *g = r->n_groups ? &r->groups[r->n_groups - 1] : NULL;
    if (!g || strcmp(g->control, env->gs_control) || st->number > g->seg_to + 2) {
        ps_group *v = grow_arr(r->groups, r->n_groups, &r->cap_groups, sizeof(*v));
        if (!v)
            return RCM_ENOMEM;
        r->groups = v;
        g = &v[r->n_groups++];
        memset(g, 0, sizeof(*g));
        cstr_copy(g->control, sizeof(g->control), env->gs_control);
        cstr_copy(g->version, sizeof(g->version), env->gs_version);
        cstr_copy(g->func, sizeof(g->func), env->gs_func);
        g->seg_from = st->number - 1;
    }
    ps_set *v = grow_arr(r->sets, r->n_sets, &r->cap_sets, sizeof(*v));
    if (!v)
        return RCM_ENOMEM;
    r->sets = v;
    ps_set *s = &v[r->n_sets++];
    memset(s, 0, sizeof(*s));
    cstr_copy(s->st_id, sizeof(s->st_id), env->st_id);
    cstr_copy(s->st_control, sizeof(s->st_control), env->st_control);
    cstr_copy(s->version, sizeof(s->version), env->st_version);
    s->seg_from = st->number;
    s->seg_to = st->number;
    s->group = r->n_groups - 1;
    g->seg_to = st->number;
    r->n837 += strcmp(env->st_id, "837") == 0;
    return 0;
}

static int w_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    run *r = ctx;
    (void)env;
    if (r->n_sets && se) {
        r->sets[r->n_sets - 1].seg_to = se->number;
        r->groups[r->n_groups - 1].seg_to = se->number + 1; /* the GE, when it follows */
    }
    return 0;
}

static int w_segment(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    run *r = ctx;
    (void)env;
    if (r->n_sets)
        r->sets[r->n_sets - 1].seg_to = seg->number;
    return 0;
}

/* pass 2: claims and problems */

/* The set holding file segment number segment (sets are in file order). */
static ps_set *set_at(run *r, long segment)
{
    uint32_t lo = 0, hi = r->n_sets;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (r->sets[mid].seg_to < segment)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < r->n_sets && segment >= r->sets[lo].seg_from ? &r->sets[lo] : NULL;
}

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return 1;
    return 0;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    static const char *const ik304[] = { "1", "2", "3", "4", "5", "6", "7", "8", "I4", "I6", "I7", "I8", "I9", NULL };
    static const char *const ik403[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13",
                                         "I10", "I11", "I12", "I13", "I6", "I9", NULL };
    static const char *const ik502[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                                         "13", "15", "16", "17", "18", "19", "23", "24", "25", "26",
                                         "I5", "I6", NULL };
    static const char *const ak905[] = { "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12",
                                         "13", "14", "15", "16", "17", "18", "19", "23", "24", "25", "26", NULL };
    run *r = ctx;
    if (p->kind == RCM_X12P_INTERCHANGE || p->kind == RCM_X12P_BALANCE)
        return 0;
    if (p->kind == RCM_X12P_GROUP) {
        for (uint32_t i = 0; i < r->n_groups; i++) {
            ps_group *g = &r->groups[i];
            if (p->segment >= g->seg_from && p->segment <= g->seg_to) {
                if (p->severity == RCM_SEV_ERROR)
                    g->errors++;
                if (g->n_codes < 5 && in_list(p->code, ak905))
                    cstr_copy(g->codes[g->n_codes++], 4, p->code);
                break;
            }
        }
        return 0;
    }
    ps_set *s = set_at(r, p->segment);
    if (!s)
        return 0;
    if (p->severity == RCM_SEV_ERROR)
        s->errors++;
    else if (p->severity == RCM_SEV_WARNING)
        s->warnings++;
    else
        return 0;
    if (p->kind == RCM_X12P_SET) {
        if (s->n_ik5 < 5 && in_list(p->code, ik502))
            cstr_copy(s->ik5_codes[s->n_ik5++], 4, p->code);
        return 0;
    }
    if (s->n_ik3 >= MAX_IK3 || p->set_position <= 0)
        return 0;
    if (!s->ik3) {
        s->ik3 = arena_zalloc(&r->mem, MAX_IK3 * sizeof(*s->ik3));
        s->ik4 = arena_zalloc(&r->mem, MAX_IK3 * sizeof(*s->ik4));
        if (!s->ik3 || !s->ik4)
            return RCM_ENOMEM;
    }
    rcm_ack_segment_error *g = &s->ik3[s->n_ik3];
    cstr_copy(g->seg_id, sizeof(g->seg_id), p->seg_id);
    if (!g->seg_id[0] || strspn(g->seg_id, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(g->seg_id))
        return 0; /* a segment id that cannot be written back (too broken): counted, not listed */
    g->position = p->set_position;
    if (p->kind == RCM_X12P_ELEMENT && p->element > 0) {
        memcpy(g->code, "8", 2);
        rcm_ack_element_error *e = &s->ik4[s->n_ik3];
        e->position = p->element;
        e->component = p->component;
        e->repetition = p->repetition;
        cstr_copy(e->code, sizeof(e->code), in_list(p->code, ik403) ? p->code : "6");
        g->elements = e;
        g->n_elements = 1;
    } else {
        cstr_copy(g->code, sizeof(g->code), in_list(p->code, ik304) ? p->code : "8");
    }
    s->n_ik3++;
    return 0;
}

static uint32_t prov_index(run *r, const rcm_party *b)
{
    for (uint32_t i = r->n_provs; i-- > 0;) { /* the last one first: claims come grouped */
        ps_prov *p = &r->provs[i];
        if (!strcmp(p->npi, b->id) && !strcmp(p->name, b->last) && !strcmp(p->addr1, b->addr1) &&
            !strcmp(p->zip, b->zip) && !strcmp(p->tax_id, b->tax_id))
            return i;
    }
    ps_prov *v = grow_arr(r->provs, r->n_provs, &r->cap_provs, sizeof(*v));
    if (!v)
        return UINT32_MAX;
    r->provs = v;
    ps_prov *p = &v[r->n_provs];
    memset(p, 0, sizeof(*p));
    cstr_copy(p->npi, sizeof(p->npi), b->id);
    cstr_copy(p->name, sizeof(p->name), b->last);
    cstr_copy(p->addr1, sizeof(p->addr1), b->addr1);
    cstr_copy(p->addr2, sizeof(p->addr2), b->addr2);
    cstr_copy(p->city, sizeof(p->city), b->city);
    cstr_copy(p->state, sizeof(p->state), b->state);
    cstr_copy(p->zip, sizeof(p->zip), b->zip);
    cstr_copy(p->tax_id, sizeof(p->tax_id), b->tax_id);
    cstr_copy(p->tax_qual, sizeof(p->tax_qual), b->tax_id_qual);
    return r->n_provs++;
}

/* The prior payer's view of the claim: what the patient still owes after it, per line and in all. */
static void prior_liability(ps_claim *k, const rcm_claim *c)
{
    k->has_prior = 0;
    k->prior_remaining = -1;
    for (uint32_t i = 0; i < c->n_other; i++) {
        const rcm_other_payer *o = &c->other[i];
        if (!o->has_paid && !o->n_cas && !o->has_remaining)
            continue;
        k->has_prior = 1;
        if (o->has_remaining) {
            k->prior_remaining = o->remaining_cents;
        } else if (o->n_cas) {
            int64_t pr = 0;
            for (uint32_t j = 0; j < o->n_cas; j++)
                if (strcmp(o->cas[j].group, "PR") == 0)
                    pr += o->cas[j].amount_cents;
            k->prior_remaining = pr;
        }
        break;
    }
    for (uint32_t i = 0; i < k->n_lines; i++) {
        const rcm_claim_line *l = &c->lines[i];
        k->lines[i].prior_resp = -1;
        for (uint32_t a = 0; a < l->n_adj; a++) {
            const rcm_line_adj *d = &l->adj[a];
            int64_t pr = 0;
            for (uint32_t j = 0; j < d->n_cas; j++)
                if (strcmp(d->cas[j].group, "PR") == 0)
                    pr += d->cas[j].amount_cents;
            k->lines[i].prior_resp = d->has_remaining ? d->remaining_cents : pr;
            k->has_prior = 1;
            break;
        }
    }
}

/*
 * The id that names the member in the 277CA (2100D NM109, required) and the
 * 835 (NM1*QC / NM1*IL): the subscriber's member id, else the first other
 * identifier the claim carries for the patient or the subscriber (the
 * patient's id, the subscriber's secondary ids), else the claim's own id, so
 * that no acknowledgment is refused for want of one. The guides want 2
 * characters at least.
 */
static void member_id_of(char *out, size_t outsz, const rcm_claim *c)
{
    const char *ids[4 + RCM_PARTY_MAX_IDS];
    size_t n = 0;
    ids[n++] = c->subscriber.id;
    ids[n++] = c->patient.present ? c->patient.id : "";
    ids[n++] = c->subscriber.secondary_id;
    for (uint32_t i = 0; i < c->subscriber.n_other_ids && i < RCM_PARTY_MAX_IDS; i++)
        ids[n++] = c->subscriber.other_ids[i].value;
    ids[n++] = c->id;
    for (size_t i = 0; i < n; i++)
        if (strlen(ids[i]) >= 2) {
            cstr_copy(out, outsz, ids[i]);
            return;
        }
    cstr_copy(out, outsz, c->subscriber.id[0] ? c->subscriber.id : c->id);
}

static int on_claim(void *ctx, const rcm_claim *c)
{
    run *r = ctx;
    ps_set *s = set_at(r, c->segment);
    if (!s || strcmp(s->st_id, "837"))
        return 0;
    ps_claim *v = grow_arr(r->claims, r->n_claims, &r->cap_claims, sizeof(*v));
    if (!v)
        return RCM_ENOMEM;
    r->claims = v;
    ps_claim *k = &v[r->n_claims];
    memset(k, 0, sizeof(*k));
    k->set = (uint32_t)(s - r->sets);
    k->order = r->n_claims;
    k->prov = prov_index(r, &c->billing);
    if (k->prov == UINT32_MAX)
        return RCM_ENOMEM;
    cstr_copy(k->id, sizeof(k->id), c->id);
    k->kind = c->kind;
    k->freq = c->freq ? c->freq : '1';
    k->seq = c->payer_seq;
    cstr_copy(k->payer_id, sizeof(k->payer_id), c->payer.id);
    cstr_copy(k->payer_name, sizeof(k->payer_name), c->payer.last);
    cstr_copy(k->member, sizeof(k->member), c->subscriber.id);
    member_id_of(k->member_ack, sizeof(k->member_ack), c);
    cstr_copy(k->sub_last, sizeof(k->sub_last), c->subscriber.last);
    cstr_copy(k->sub_first, sizeof(k->sub_first), c->subscriber.first);
    cstr_copy(k->sub_mid, sizeof(k->sub_mid), c->subscriber.middle);
    if (c->patient.present) {
        k->has_patient = 1;
        cstr_copy(k->pat_last, sizeof(k->pat_last), c->patient.last);
        cstr_copy(k->pat_first, sizeof(k->pat_first), c->patient.first);
        cstr_copy(k->pat_mid, sizeof(k->pat_mid), c->patient.middle);
    }
    cstr_copy(k->filing, sizeof(k->filing), c->filing);
    cstr_copy(k->pos, sizeof(k->pos), c->pos);
    cstr_copy(k->auth, sizeof(k->auth), c->prior_auth);
    cstr_copy(k->orig_ref, sizeof(k->orig_ref), c->original_ref);
    k->charge = c->charge_cents;
    k->n_dx = c->n_dx;
    memcpy(k->dx, c->dx, sizeof(k->dx));
    k->from = c->statement_from;
    k->to = c->statement_to != RCM_DATE_NONE ? c->statement_to : c->statement_from;
    k->lines = arena_zalloc(&r->mem, (c->n_lines ? c->n_lines : 1) * sizeof(*k->lines));
    if (!k->lines)
        return RCM_ENOMEM;
    k->n_lines = c->n_lines;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        const rcm_claim_line *l = &c->lines[i];
        ps_line *d = &k->lines[i];
        cstr_copy(d->qual, sizeof(d->qual), l->qual[0] ? l->qual : "HC");
        cstr_copy(d->code, sizeof(d->code), l->code);
        memcpy(d->mods, l->mods, sizeof(d->mods));
        cstr_copy(d->rev, sizeof(d->rev), l->revenue_code);
        d->charge = l->charge_cents;
        d->units_milli = l->units_milli ? l->units_milli : 1000;
        d->from = l->from != RCM_DATE_NONE ? l->from : c->statement_from;
        d->to = l->to != RCM_DATE_NONE ? l->to : d->from;
        cstr_copy(d->control, sizeof(d->control), l->control);
        cstr_copy(d->auth, sizeof(d->auth), l->prior_auth);
        memcpy(d->ptr, l->dx_ptr, sizeof(d->ptr));
        if (d->from != RCM_DATE_NONE && (k->from == RCM_DATE_NONE || d->from < k->from))
            k->from = d->from;
        if (d->to != RCM_DATE_NONE && (k->to == RCM_DATE_NONE || d->to > k->to))
            k->to = d->to;
    }
    prior_liability(k, c);
    if (!r->submitter_name[0]) {
        cstr_copy(r->submitter_name, sizeof(r->submitter_name), c->submitter.last);
        cstr_copy(r->submitter_id, sizeof(r->submitter_id), c->submitter.id);
        cstr_copy(r->bht_id, sizeof(r->bht_id), c->bht_id);
    }
    s->claims++;
    r->n_claims++;
    return 0;
}

/* ---- 999 ---- */

static int set_accepted(const run *r, const ps_set *s)
{
    (void)r;
    return !s->errors;
}

static int build_999(run *r, rcm_ack999 **out, uint32_t *n_out)
{
    rcm_ack999 *acks = arena_zalloc(&r->mem, (r->n_groups ? r->n_groups : 1) * sizeof(*acks));
    if (!acks)
        return RCM_ENOMEM;
    uint32_t next = 0; /* a group's sets follow one another in the file */
    for (uint32_t gi = 0; gi < r->n_groups; gi++) {
        ps_group *g = &r->groups[gi];
        rcm_ack999 *a = &acks[gi];
        memcpy(a->func_id, g->func[0] ? g->func : "HC", 3);
        cstr_copy(a->group_control, sizeof(a->group_control), g->control);
        cstr_copy(a->version, sizeof(a->version), g->version);
        uint32_t first = next;
        while (next < r->n_sets && r->sets[next].group == gi)
            next++;
        uint32_t n = next - first;
        a->sets = arena_zalloc(&r->mem, (n ? n : 1) * sizeof(*a->sets));
        if (!a->sets)
            return RCM_ENOMEM;
        long accepted = 0, with_errors = 0;
        for (uint32_t i = first; i < next; i++) {
            ps_set *s = &r->sets[i];
            rcm_ack_set *k = &a->sets[a->n_sets++];
            cstr_copy(k->st_id, sizeof(k->st_id), s->st_id);
            cstr_copy(k->st_control, sizeof(k->st_control), s->st_control);
            cstr_copy(k->version, sizeof(k->version), s->version);
            k->segments = s->ik3;
            k->n_segments = s->n_ik3;
            memcpy(k->codes, s->ik5_codes, sizeof(k->codes));
            if (s->errors) {
                k->status = 'R';
            } else if (s->warnings && s->n_ik3) {
                k->status = 'E';
                with_errors++;
            } else {
                k->status = 'A';
                k->n_segments = 0;
                memset(k->codes, 0, sizeof(k->codes));
            }
            if (k->status != 'A' && !k->codes[0][0])
                memcpy(k->codes[0], "5", 2); /* one or more segments in error */
            accepted += k->status != 'R';
        }
        a->included = a->received = (long)a->n_sets;
        a->accepted = accepted;
        a->group_status = accepted == 0 && a->n_sets ? 'R' : accepted < (long)a->n_sets ? 'P'
                          : with_errors || g->errors ? 'E' : 'A';
        memcpy(a->group_codes, g->codes, sizeof(a->group_codes));
    }
    *out = acks;
    *n_out = r->n_groups;
    return 0;
}

/* ---- ordering and the 277CA ---- */

static int cmp_claim_order(const void *a, const void *b, void *ctx)
{
    const run *sr = ctx;
    const ps_claim *x = &sr->claims[*(const uint32_t *)a], *y = &sr->claims[*(const uint32_t *)b];
    int k = strcmp(x->payer_id, y->payer_id);
    if (k)
        return k;
    k = strcmp(sr->provs[x->prov].npi, sr->provs[y->prov].npi);
    if (k)
        return k;
    if (x->prov != y->prov)
        return x->prov < y->prov ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void reject(ps_claim *k, const char *cat, const char *code, const char *entity)
{
    k->rejected = 1;
    cstr_copy(k->stc_cat, sizeof(k->stc_cat), cat);
    cstr_copy(k->stc_code, sizeof(k->stc_code), code);
    cstr_copy(k->stc_entity, sizeof(k->stc_entity), entity);
}

/* The 277CA decision for one claim (docs/paysim.md, step 2); assigns the ICN when accepted. */
static int acknowledge(run *r, json_t *st, ps_claim *k)
{
    const ps_payer *p = payer_find(r->ps, k->payer_id);
    if (!p) {
        reject(k, "A3", "116", "PR");
        return 0;
    }
    if (p->n_formats) {
        int ok = 0;
        for (uint32_t i = 0; i < p->n_formats && !ok; i++)
            ok = shape_ok(k->member, p->formats[i]);
        if (!ok) {
            reject(k, "A7", "164", "IL");
            return 0;
        }
    }
    if (p->unknown_reject && !member_find(p, k->member)) {
        reject(k, "A3", "33", "IL");
        return 0;
    }
    if (k->freq == '7' || k->freq == '8') {
        json_t *orig = k->orig_ref[0] ? json_object_get(json_object_get(st, "claims"), k->orig_ref) : NULL;
        if (!orig || !json_is_true(json_object_get(orig, "current")) || strcmp(jstr(orig, "payer"), k->payer_id)) {
            reject(k, "A7", "21", "");
            return 0;
        }
        /* reversed in this run's 835: a second replacement of it must name the new ICN */
        json_object_set_new(orig, "current", json_false());
    }
    json_t *sp = state_payer(st, k->payer_id);
    if (!sp)
        return RCM_ENOMEM;
    int64_t seq = take(sp, "icn");
    int y, m, d;
    rcm_date_to_ymd(r->today, &y, &m, &d);
    int doy = (int)(r->today - rcm_date_from_ymd(y, 1, 1)) + 1;
    snprintf(k->icn, sizeof(k->icn), "%s%02d%03d%06lld", p->icn_prefix, y % 100, doy, (long long)(seq % 1000000));
    cstr_copy(k->stc_cat, sizeof(k->stc_cat), "A2");
    cstr_copy(k->stc_code, sizeof(k->stc_code), "20");
    cstr_copy(k->stc_entity, sizeof(k->stc_entity), "PR");
    return 0;
}

static rcm_ack_status *status1(run *r, const char *cat, const char *code, const char *entity, rcm_date date,
                               const char *action, int64_t amount)
{
    rcm_ack_status *s = arena_zalloc(&r->mem, sizeof(*s));
    if (!s)
        return NULL;
    cstr_copy(s->category, sizeof(s->category), cat);
    cstr_copy(s->code, sizeof(s->code), code);
    cstr_copy(s->entity, sizeof(s->entity), entity);
    s->element = 1;
    s->date = date;
    s->adjudication_date = s->check_date = RCM_DATE_NONE;
    cstr_copy(s->action, sizeof(s->action), action);
    s->amount_cents = amount;
    s->has_amount = 1;
    return s;
}

/* One 277CA set per payer: the claims idx[from..to) (all of one payer id). */
static int build_277(run *r, const uint32_t *idx, uint32_t from, uint32_t to, rcm_ack277 *a)
{
    const ps_claim *first = &r->claims[idx[from]];
    const ps_payer *p = payer_find(r->ps, first->payer_id);
    memset(a, 0, sizeof(*a));
    memcpy(a->version, "005010X214", 11);
    a->is_277ca = 1;
    a->bht_date = a->received_date = a->processed_date = r->today;
    cstr_copy(a->source_name, sizeof(a->source_name),
              p && p->name[0] ? p->name : first->payer_name[0] ? first->payer_name : first->payer_id);
    cstr_copy(a->source_id, sizeof(a->source_id), first->payer_id);
    cstr_copy(a->source_trace, sizeof(a->source_trace), r->isa_control);
    cstr_copy(a->receiver_name, sizeof(a->receiver_name), r->submitter_name[0] ? r->submitter_name : r->isa_sender);
    cstr_copy(a->receiver_id, sizeof(a->receiver_id), r->submitter_id[0] ? r->submitter_id : r->isa_sender);
    cstr_copy(a->receiver_trace, sizeof(a->receiver_trace), r->bht_id[0] ? r->bht_id : r->isa_control);
    uint32_t n = to - from;
    a->claims = arena_zalloc(&r->mem, n * sizeof(*a->claims));
    a->providers = arena_zalloc(&r->mem, n * sizeof(*a->providers));
    if (!a->claims || !a->providers)
        return RCM_ENOMEM;
    int64_t total = 0;
    uint32_t last_prov = UINT32_MAX;
    for (uint32_t i = from; i < to; i++) {
        const ps_claim *k = &r->claims[idx[i]];
        if (k->prov != last_prov) {
            last_prov = k->prov;
            const ps_prov *pv = &r->provs[k->prov];
            rcm_ack_provider *v = &a->providers[a->n_providers++];
            cstr_copy(v->name, sizeof(v->name), pv->name);
            memcpy(v->id_qualifier, "XX", 3);
            cstr_copy(v->id, sizeof(v->id), pv->npi);
            cstr_copy(v->trace, sizeof(v->trace), pv->npi);
            v->has_accepted_qty = v->has_rejected_qty = v->has_accepted_amount = v->has_rejected_amount = 1;
        }
        rcm_ack_provider *v = &a->providers[a->n_providers - 1];
        rcm_ack_claim *c = &a->claims[a->n_claims++];
        cstr_copy(c->claim_id, sizeof(c->claim_id), k->id);
        cstr_copy(c->trace, sizeof(c->trace), k->id);
        cstr_copy(c->payer_claim_number, sizeof(c->payer_claim_number), k->icn);
        if (k->kind == 'I' && strlen(k->pos) == 2)
            snprintf(c->bill_type, sizeof(c->bill_type), "%s%c", k->pos, k->freq);
        cstr_copy(c->patient_last, sizeof(c->patient_last), k->has_patient ? k->pat_last : k->sub_last);
        cstr_copy(c->patient_first, sizeof(c->patient_first), k->has_patient ? k->pat_first : k->sub_first);
        cstr_copy(c->member_id, sizeof(c->member_id), k->member_ack);
        c->service_from = k->from;
        c->service_to = k->to != k->from ? k->to : RCM_DATE_NONE;
        c->provider = (int)(a->n_providers - 1);
        c->status = status1(r, k->stc_cat, k->stc_code, k->stc_entity, r->today, k->rejected ? "U" : "WQ", k->charge);
        if (!c->status)
            return RCM_ENOMEM;
        c->n_status = 1;
        v->n_claims++;
        total += k->charge;
        if (k->rejected) {
            v->rejected_qty++;
            v->rejected_cents += k->charge;
            a->rejected_qty++;
            a->rejected_cents += k->charge;
        } else {
            v->accepted_qty++;
            v->accepted_cents += k->charge;
            a->accepted_qty++;
            a->accepted_cents += k->charge;
        }
    }
    /* the batch and each provider were received (A1:19), whatever became of their claims */
    a->has_accepted_qty = a->has_rejected_qty = a->has_accepted_amount = a->has_rejected_amount = 1;
    a->receiver_status = status1(r, "A1", "19", "PR", r->today, "WQ", total);
    if (!a->receiver_status)
        return RCM_ENOMEM;
    a->n_receiver_status = 1;
    for (uint32_t i = 0; i < a->n_providers; i++) {
        rcm_ack_provider *v = &a->providers[i];
        v->status = status1(r, "A1", "19", "PR", RCM_DATE_NONE, "WQ", v->accepted_cents + v->rejected_cents);
        if (!v->status)
            return RCM_ENOMEM;
        v->n_status = 1;
        v->has_accepted_qty = v->accepted_qty > 0;
        v->has_rejected_qty = v->rejected_qty > 0;
        v->has_accepted_amount = v->accepted_qty > 0;
        v->has_rejected_amount = v->rejected_qty > 0;
    }
    a->has_accepted_qty = a->has_accepted_amount = a->accepted_qty > 0;
    a->has_rejected_qty = a->has_rejected_amount = a->rejected_qty > 0;
    return 0;
}

/* ---- adjudication ---- */

typedef struct cas_list {
    rcm_cas v[12];
    uint32_t n;
} cas_list;

static void cas_add(cas_list *l, const char *group, const char *reason, int64_t cents)
{
    if (!cents || l->n >= ARRAY_SIZE(l->v))
        return;
    rcm_cas *c = &l->v[l->n++];
    memset(c, 0, sizeof(*c));
    cstr_copy(c->group, sizeof(c->group), group);
    cstr_copy(c->reason, sizeof(c->reason), reason);
    c->amount_cents = cents;
}

/* Which rule denies line i, or NULL (rules 4-8 of docs/paysim.md; coverage and timely filing come first). */
static const ps_rule *line_denial(const ps_payer *p, const ps_claim *k, uint32_t i)
{
    const ps_line *l = &k->lines[i];
    for (int kind = R_DENY; kind < R_KINDS; kind++) {
        for (uint32_t j = 0; j < p->n_rules; j++) {
            const ps_rule *r = &p->rules[j];
            if (r->kind != kind)
                continue;
            switch (kind) {
            case R_DENY:
                if (!strcmp(r->code, l->code))
                    return r;
                break;
            case R_AUTH:
                if (!strcmp(r->code, l->code) && !k->auth[0] && !l->auth[0])
                    return r;
                break;
            case R_UNITS:
                if (!strcmp(r->code, l->code) && l->units_milli > r->max_milli)
                    return r;
                break;
            case R_DX: {
                if (strcmp(r->code, l->code))
                    break;
                int ok = 0, any_ptr = 0;
                for (int t = 0; t < 4 && !ok; t++) {
                    unsigned ptr = l->ptr[t];
                    if (!ptr || ptr > k->n_dx)
                        continue;
                    any_ptr = 1;
                    for (uint32_t d = 0; d < r->n_dx && !ok; d++)
                        ok = strncmp(k->dx[ptr - 1], r->dx[d], strlen(r->dx[d])) == 0;
                }
                if (!any_ptr && k->n_dx) /* no pointer (837I): the principal diagnosis */
                    for (uint32_t d = 0; d < r->n_dx && !ok; d++)
                        ok = strncmp(k->dx[0], r->dx[d], strlen(r->dx[d])) == 0;
                if (!ok)
                    return r;
                break;
            }
            case R_BUNDLE: {
                if (strcmp(r->code2, l->code))
                    break;
                for (uint32_t o = 0; o < k->n_lines; o++) {
                    const ps_line *c1 = &k->lines[o];
                    if (o == i || strcmp(c1->code, r->code) || c1->from != l->from)
                        continue;
                    int bypass = 0;
                    for (uint32_t m = 0; m < p->n_bypass && r->mods_bypass && !bypass; m++)
                        bypass = has_mod(l->mods, p->bypass[m]) || has_mod(c1->mods, p->bypass[m]);
                    if (!bypass)
                        return r;
                }
                break;
            }
            }
        }
    }
    return NULL;
}

typedef struct adj_ctx {
    run *r;
    const ps_payer *p;
    json_t *sp;                     /* the payer's state */
    int64_t ded_taken;              /* PR-1 of this claim */
} adj_ctx;

static int64_t deductible_left(adj_ctx *a, const char *member)
{
    json_t *used = json_object_get(a->sp, "deductible_used");
    int64_t left = member_deductible(a->p, member) - jint(used, member);
    return left > 0 ? left : 0;
}

static void deductible_take(adj_ctx *a, const char *member, int64_t cents)
{
    if (!cents)
        return;
    json_t *used = json_object_get(a->sp, "deductible_used");
    json_object_set_new(used, member, json_integer(jint(used, member) + cents));
}

static char filing_835(const char *f, char *out)
{
    /* 837 SBR09 codes the 835's CLP06 does not have */
    if (!f[0])
        memcpy(out, "ZZ", 3);
    else if (!strcmp(f, "CI") || !strcmp(f, "BL"))
        memcpy(out, "15", 3);
    else if (!strcmp(f, "11") || !strcmp(f, "FI"))
        memcpy(out, "OF", 3);
    else
        cstr_copy(out, 3, f);
    return out[0];
}

static void name_of(rcm_remit_name *n, const char *entity, const char *last, const char *first,
                    const char *mid, const char *id)
{
    n->present = 1;
    cstr_copy(n->entity, sizeof(n->entity), entity);
    n->type = '1';
    cstr_copy(n->last, sizeof(n->last), last);
    cstr_copy(n->first, sizeof(n->first), first);
    cstr_copy(n->middle, sizeof(n->middle), mid);
    if (id && id[0]) {
        memcpy(n->id_qual, "MI", 3);
        cstr_copy(n->id, sizeof(n->id), id);
    }
}

/* The new adjudication of claim k into c (lines and CAS in the run's arena). */
static int adjudicate(adj_ctx *a, const ps_claim *k, rcm_remit_claim *c, long *denied_lines)
{
    run *r = a->r;
    const ps_payer *p = a->p;
    memset(c, 0, sizeof(*c));
    c->statement_from = c->statement_to = c->coverage_expiration = RCM_DATE_NONE;
    c->header_number = 1;
    cstr_copy(c->id, sizeof(c->id), k->id);
    c->charge_cents = k->charge;
    filing_835(k->filing, c->filing);
    cstr_copy(c->payer_icn, sizeof(c->payer_icn), k->icn);
    cstr_copy(c->facility, sizeof(c->facility), k->pos);
    c->freq[0] = k->freq;
    c->received = r->today;
    if (k->has_patient) {
        name_of(&c->patient, "QC", k->pat_last, k->pat_first, k->pat_mid, NULL);
        name_of(&c->insured, "IL", k->sub_last, k->sub_first, k->sub_mid, k->member_ack);
    } else {
        name_of(&c->patient, "QC", k->sub_last, k->sub_first, k->sub_mid, k->member_ack);
    }
    c->lines = arena_zalloc(&r->mem, (k->n_lines ? k->n_lines : 1) * sizeof(*c->lines));
    if (!c->lines)
        return RCM_ENOMEM;
    c->n_lines = k->n_lines;
    const ps_member *m = member_find(p, k->member);
    int copay_done = 0;
    int64_t prior_left = k->prior_remaining; /* claim-level prior liability, spread over the lines */
    long denied = 0;
    a->ded_taken = 0;
    for (uint32_t i = 0; i < k->n_lines; i++) {
        const ps_line *l = &k->lines[i];
        rcm_remit_line *o = &c->lines[i];
        o->number = i + 1;
        cstr_copy(o->qual, sizeof(o->qual), l->qual);
        cstr_copy(o->code, sizeof(o->code), l->code);
        memcpy(o->mods, l->mods, sizeof(o->mods));
        if (k->kind == 'I' && l->code[0])
            cstr_copy(o->revenue_code, sizeof(o->revenue_code), l->rev);
        if (!l->code[0] && l->rev[0]) { /* 837I line without HCPCS: the revenue code is the service */
            memcpy(o->qual, "NU", 3);
            cstr_copy(o->code, sizeof(o->code), l->rev);
        }
        o->charge_cents = l->charge;
        o->units_milli = l->units_milli;
        o->date_from = l->from;
        o->date_to = l->to;
        cstr_copy(o->control, sizeof(o->control), l->control);
        cas_list cas = { .n = 0 };
        const char *remark = "";
        int64_t charge = l->charge;
        const char *deny_group = NULL, *deny_carc = NULL;
        rcm_date dos = l->from;
        const ps_rule *rule = NULL;
        if (l->charge < 0) /* never from rcm's writer: nothing to pay, the line still balances */
            deny_group = "CO", deny_carc = "16";
        else if (m && dos != RCM_DATE_NONE && dos < m->from)
            deny_group = "CO", deny_carc = "26";
        else if (m && m->to != RCM_DATE_NONE && dos != RCM_DATE_NONE && dos > m->to)
            deny_group = "CO", deny_carc = "27";
        else if (p->timely_days >= 0 && dos != RCM_DATE_NONE && r->today - dos > p->timely_days)
            deny_group = "CO", deny_carc = "29";
        else if ((rule = line_denial(p, k, i)) != NULL)
            deny_group = rule->group, deny_carc = rule->carc, remark = rule->remark;
        if (deny_group) {
            cas_add(&cas, deny_group, deny_carc, l->charge);
            o->paid_cents = 0;
            denied++;
        } else {
            int64_t fee = fee_find(p, l->code, l->mods);
            int64_t allowed = fee >= 0 ? mul_div(fee, l->units_milli, 1000) : mul_div(charge, p->pct_milli, 100000);
            allowed = min64(allowed, charge);
            int64_t ded = min64(allowed, deductible_left(a, k->member));
            deductible_take(a, k->member, ded);
            a->ded_taken += ded;
            int64_t copay = 0;
            if (p->copay && !copay_done) {
                int eligible = !p->n_copay_codes;
                for (uint32_t j = 0; j < p->n_copay_codes && !eligible; j++)
                    eligible = !strcmp(p->copay_codes[j], l->code);
                if (eligible) {
                    copay = min64(p->copay, allowed - ded);
                    copay_done = 1;
                }
            }
            int64_t coins = mul_div(allowed - ded - copay, p->coins_milli, 100000);
            int64_t pay = allowed - ded - copay - coins;
            o->allowed_cents = allowed;
            o->has_allowed = 1;
            int64_t prior = l->prior_resp;
            if (k->has_prior && prior < 0 && prior_left >= 0) { /* spread the claim-level liability */
                prior = min64(prior_left, charge);
                prior_left -= prior;
            }
            if (k->has_prior && prior >= 0) {
                /* secondary: pay up to what the patient still owes after the prior payer */
                int64_t pay2 = min64(pay, prior);
                int64_t still = prior - pay2, pr1 = min64(ded, still);
                cas_add(&cas, "OA", "23", charge - prior);
                cas_add(&cas, "PR", "1", pr1);
                cas_add(&cas, "PR", "2", still - pr1);
                deductible_take(a, k->member, pr1 - ded); /* only what was reported is taken */
                a->ded_taken += pr1 - ded;
                o->paid_cents = pay2;
            } else {
                cas_add(&cas, p->contract_group, p->contract_carc, charge - allowed);
                cas_add(&cas, "PR", "1", ded);
                cas_add(&cas, "PR", "2", coins);
                cas_add(&cas, "PR", "3", copay);
                o->paid_cents = pay;
            }
        }
        o->cas = arena_alloc(&r->mem, (cas.n ? cas.n : 1) * sizeof(*o->cas));
        if (!o->cas)
            return RCM_ENOMEM;
        memcpy(o->cas, cas.v, cas.n * sizeof(*o->cas));
        o->n_cas = cas.n;
        if (remark[0]) {
            o->remarks = arena_zalloc(&r->mem, sizeof(*o->remarks));
            if (!o->remarks)
                return RCM_ENOMEM;
            cstr_copy(o->remarks[0], sizeof(o->remarks[0]), remark);
            o->n_remarks = 1;
        }
        c->paid_cents += o->paid_cents;
        for (uint32_t j = 0; j < o->n_cas; j++)
            if (!strcmp(o->cas[j].group, "PR"))
                c->patient_resp_cents += o->cas[j].amount_cents;
    }
    c->has_patient_resp = 1;
    /* CLP03 is the claim's charge; lines that do not add up to it (never from rcm) leave a claim CAS */
    int64_t lines_charge = 0;
    for (uint32_t i = 0; i < c->n_lines; i++)
        lines_charge += c->lines[i].charge_cents;
    if (lines_charge != c->charge_cents) {
        c->cas = arena_zalloc(&r->mem, sizeof(*c->cas));
        if (!c->cas)
            return RCM_ENOMEM;
        cstr_copy(c->cas[0].group, sizeof(c->cas[0].group), "CO");
        cstr_copy(c->cas[0].reason, sizeof(c->cas[0].reason), "16");
        c->cas[0].amount_cents = c->charge_cents - lines_charge;
        c->n_cas = 1;
    }
    if (k->n_lines && denied == (long)k->n_lines)
        memcpy(c->status, "4", 2);
    else
        memcpy(c->status, k->seq == 'S' ? "2" : k->seq == 'T' ? "3" : "1", 2);
    *denied_lines = denied;
    return 0;
}

/* ---- what the state keeps of a claim, and its reversal ---- */

static json_t *name_json(const rcm_remit_name *n)
{
    if (!n->present)
        return json_null();
    return json_pack("{s:s, s:s, s:s, s:s}", "last", n->last, "first", n->first, "middle", n->middle, "id", n->id);
}

static json_t *date_json(rcm_date d)
{
    char s[16];
    if (d == RCM_DATE_NONE)
        return json_null();
    rcm_date_fmt(s, d, 1);
    return json_string(s);
}

static json_t *remit_json(const rcm_remit_claim *c)
{
    json_t *lines = json_array();
    for (uint32_t i = 0; i < c->n_lines && lines; i++) {
        const rcm_remit_line *l = &c->lines[i];
        json_t *mods = json_array(), *cas = json_array();
        for (int m = 0; m < 4; m++)
            if (l->mods[m][0])
                json_array_append_new(mods, json_string(l->mods[m]));
        for (uint32_t j = 0; j < l->n_cas; j++)
            json_array_append_new(cas, json_pack("[s, s, I]", l->cas[j].group, l->cas[j].reason,
                                                 (json_int_t)l->cas[j].amount_cents));
        json_t *o = json_pack("{s:s, s:s, s:o, s:s, s:I, s:I, s:I, s:o, s:o, s:s, s:o}", "qual", l->qual,
                              "code", l->code, "mods", mods, "rev", l->revenue_code, "charge",
                              (json_int_t)l->charge_cents, "paid", (json_int_t)l->paid_cents, "units",
                              (json_int_t)l->units_milli, "from", date_json(l->date_from), "to",
                              date_json(l->date_to), "control", l->control, "cas", cas);
        if (o && l->has_allowed)
            json_object_set_new(o, "allowed", json_integer(l->allowed_cents));
        json_array_append_new(lines, o);
    }
    json_t *ccas = json_array();
    for (uint32_t j = 0; j < c->n_cas; j++)
        json_array_append_new(ccas, json_pack("[s, s, I]", c->cas[j].group, c->cas[j].reason,
                                              (json_int_t)c->cas[j].amount_cents));
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "id", c->id, "status",
                     c->status, "charge", (json_int_t)c->charge_cents, "paid", (json_int_t)c->paid_cents, "pr",
                     (json_int_t)c->patient_resp_cents, "filing", c->filing, "facility", c->facility, "freq",
                     c->freq, "patient", name_json(&c->patient), "insured", name_json(&c->insured), "cas", ccas,
                     "lines", lines);
}

static void name_from(rcm_remit_name *n, json_t *j, const char *entity)
{
    if (!json_is_object(j))
        return;
    name_of(n, entity, jstr(j, "last"), jstr(j, "first"), jstr(j, "middle"), jstr(j, "id"));
}

static rcm_date date_from(json_t *j)
{
    rcm_date d;
    const char *s = json_string_value(j);
    return s && rcm_date_parse_iso(&d, rcm_str_c(s)) == 0 ? d : RCM_DATE_NONE;
}

static int cas_from(run *r, json_t *arr, rcm_cas **out, uint32_t *n)
{
    size_t k = json_array_size(arr);
    *out = arena_zalloc(&r->mem, (k ? k : 1) * sizeof(**out));
    if (!*out)
        return RCM_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < k; i++) {
        json_t *t = json_array_get(arr, i);
        rcm_cas *c = &(*out)[(*n)++];
        cstr_copy(c->group, sizeof(c->group), jsv(json_array_get(t, 0)));
        cstr_copy(c->reason, sizeof(c->reason), jsv(json_array_get(t, 1)));
        c->amount_cents = -(int64_t)json_integer_value(json_array_get(t, 2));
    }
    return 0;
}

/* The reversal (CLP02 22) of what the state says ICN icn was paid: every amount negated. */
static int reversal_of(run *r, json_t *rec, const char *icn, rcm_remit_claim *c)
{
    json_t *m = json_object_get(rec, "remit");
    memset(c, 0, sizeof(*c));
    c->statement_from = c->statement_to = c->coverage_expiration = RCM_DATE_NONE;
    c->received = r->today;
    c->header_number = 1;
    cstr_copy(c->id, sizeof(c->id), jstr(m, "id"));
    memcpy(c->status, "22", 3);
    c->charge_cents = -jint(m, "charge");
    c->paid_cents = -jint(m, "paid");
    c->patient_resp_cents = -jint(m, "pr");
    c->has_patient_resp = 1;
    cstr_copy(c->filing, sizeof(c->filing), jstr(m, "filing"));
    cstr_copy(c->payer_icn, sizeof(c->payer_icn), icn);
    cstr_copy(c->facility, sizeof(c->facility), jstr(m, "facility"));
    cstr_copy(c->freq, sizeof(c->freq), jstr(m, "freq"));
    name_from(&c->patient, json_object_get(m, "patient"), "QC");
    name_from(&c->insured, json_object_get(m, "insured"), "IL");
    if (cas_from(r, json_object_get(m, "cas"), &c->cas, &c->n_cas) < 0)
        return RCM_ENOMEM;
    json_t *lines = json_object_get(m, "lines");
    size_t n = json_array_size(lines);
    c->lines = arena_zalloc(&r->mem, (n ? n : 1) * sizeof(*c->lines));
    if (!c->lines)
        return RCM_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        json_t *j = json_array_get(lines, i);
        rcm_remit_line *l = &c->lines[c->n_lines++];
        l->number = (uint32_t)i + 1;
        cstr_copy(l->qual, sizeof(l->qual), jstr(j, "qual"));
        cstr_copy(l->code, sizeof(l->code), jstr(j, "code"));
        json_t *mods = json_object_get(j, "mods");
        for (size_t k = 0; k < json_array_size(mods) && k < 4; k++)
            cstr_copy(l->mods[k], sizeof(l->mods[k]), jsv(json_array_get(mods, k)));
        cstr_copy(l->revenue_code, sizeof(l->revenue_code), jstr(j, "rev"));
        l->charge_cents = -jint(j, "charge");
        l->paid_cents = -jint(j, "paid");
        l->units_milli = jint(j, "units");
        l->date_from = date_from(json_object_get(j, "from"));
        l->date_to = date_from(json_object_get(j, "to"));
        cstr_copy(l->control, sizeof(l->control), jstr(j, "control"));
        if (json_object_get(j, "allowed")) {
            l->allowed_cents = -jint(j, "allowed");
            l->has_allowed = 1;
        }
        if (cas_from(r, json_object_get(j, "cas"), &l->cas, &l->n_cas) < 0)
            return RCM_ENOMEM;
    }
    return 0;
}

/* ---- the 835 ---- */

typedef struct out835 {
    rcm_remit *remits;
    rcm_remit_set *sets;
    uint32_t n_sets;
    rcm_remit_claim *claims;        /* all sets' claims, in order */
    uint32_t n_claims;
} out835;

static void remit_header(run *r, const ps_payer *p, const char *payer_id, const char *payer_name,
                         const ps_prov *pv, json_t *sp, rcm_remit *m)
{
    memset(m, 0, sizeof(*m));
    m->payment_date = m->production_date = r->today;
    memcpy(m->credit_debit, "C", 2);
    snprintf(m->trace, sizeof(m->trace), "%s%08lld", p->check_prefix, (long long)(take(sp, "check") % 100000000));
    snprintf(m->trace_payer, sizeof(m->trace_payer), "1%s", p->tax_id);
    rcm_remit_party *y = &m->payer;
    y->present = 1;
    cstr_copy(y->name, sizeof(y->name), p->name[0] ? p->name : payer_name[0] ? payer_name : payer_id);
    cstr_copy(y->addr1, sizeof(y->addr1), p->addr1);
    cstr_copy(y->addr2, sizeof(y->addr2), p->addr2);
    cstr_copy(y->city, sizeof(y->city), p->city);
    cstr_copy(y->state, sizeof(y->state), p->state);
    cstr_copy(y->zip, sizeof(y->zip), p->zip);
    memcpy(y->refs[0].qual, "2U", 3); /* the payer's id, as the 837 named it */
    cstr_copy(y->refs[0].value, sizeof(y->refs[0].value), payer_id);
    y->n_refs = 1;
    cstr_copy(y->contact, sizeof(y->contact), p->contact);
    cstr_copy(y->phone, sizeof(y->phone), p->phone);
    rcm_remit_party *e = &m->payee;
    e->present = 1;
    cstr_copy(e->name, sizeof(e->name), pv->name);
    /* N104 is required: the NPI, else the tax id (FI) */
    memcpy(e->id_qual, pv->npi[0] || !pv->tax_id[0] ? "XX" : "FI", 3);
    cstr_copy(e->id, sizeof(e->id), pv->npi[0] ? pv->npi : pv->tax_id);
    cstr_copy(e->addr1, sizeof(e->addr1), pv->addr1);
    cstr_copy(e->addr2, sizeof(e->addr2), pv->addr2);
    cstr_copy(e->city, sizeof(e->city), pv->city);
    cstr_copy(e->state, sizeof(e->state), pv->state);
    cstr_copy(e->zip, sizeof(e->zip), pv->zip);
    if (pv->tax_id[0] && !strcmp(pv->tax_qual, "EI")) {
        memcpy(e->refs[0].qual, "TJ", 3);
        cstr_copy(e->refs[0].value, sizeof(e->refs[0].value), pv->tax_id);
        e->n_refs = 1;
    }
}

/* The payer's PLB clauses not applied yet go on its first set that can carry them. */
static int apply_plbs(run *r, const ps_payer *p, json_t *sp, rcm_remit *m, int64_t paid)
{
    json_t *applied = json_object_get(sp, "plb_applied");
    m->plb = arena_zalloc(&r->mem, (p->n_plbs ? p->n_plbs : 1) * sizeof(*m->plb));
    if (!m->plb)
        return RCM_ENOMEM;
    int y, mo, d;
    rcm_date_to_ymd(r->today, &y, &mo, &d);
    int64_t net = paid;
    for (uint32_t i = 0; i < p->n_plbs; i++) {
        const ps_plb *b = &p->plbs[i];
        char key[80];
        snprintf(key, sizeof(key), "%s %lld %s", b->reason, (long long)b->cents, b->ref);
        int done = 0;
        size_t k;
        json_t *v;
        json_array_foreach(applied, k, v) done |= !strcmp(jsv(v), key);
        if (done || net - b->cents < 0)
            continue;
        rcm_plb *o = &m->plb[m->n_plb++];
        cstr_copy(o->provider, sizeof(o->provider), m->payee.id);
        o->fiscal_date = rcm_date_from_ymd(y, 12, 31);
        cstr_copy(o->reason, sizeof(o->reason), b->reason);
        cstr_copy(o->ref, sizeof(o->ref), b->ref);
        o->amount_cents = b->cents;
        net -= b->cents;
        json_array_append_new(applied, json_string(key));
    }
    m->payment_cents = net;
    return 0;
}

/* ---- the run ---- */

static void base_name(char *out, size_t outsz, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    const char *dot = strrchr(b, '.');
    size_t n = dot && dot != b ? (size_t)(dot - b) : strlen(b);
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

static int out_path(char *out, size_t outsz, const char *dir, const char *base, const char *ext, rcm_error *err)
{
    int n = snprintf(out, outsz, "%s%s%s.%s", dir, dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", base, ext);
    if (n < 0 || (size_t)n >= outsz)
        return rcm_error_set(err, RCM_EINVAL, "output path too long: '%s'", dir);
    return 0;
}

static void envelope(run *r, rcm_x12_envelope *e, uint32_t control)
{
    rcm_x12_envelope_init(e);
    cstr_copy(e->sender_qual, sizeof(e->sender_qual), r->isa_receiver_q[0] ? r->isa_receiver_q : "ZZ");
    cstr_copy(e->sender_id, sizeof(e->sender_id), r->isa_receiver[0] ? r->isa_receiver : "PAYSIM");
    cstr_copy(e->receiver_qual, sizeof(e->receiver_qual), r->isa_sender_q[0] ? r->isa_sender_q : "ZZ");
    cstr_copy(e->receiver_id, sizeof(e->receiver_id), r->isa_sender[0] ? r->isa_sender : "SUBMITTER");
    cstr_copy(e->gs_sender, sizeof(e->gs_sender), r->gs_receiver);
    cstr_copy(e->gs_receiver, sizeof(e->gs_receiver), r->gs_sender);
    e->isa_control = e->gs_control = control;
    e->date = r->today;
    memcpy(e->time, "1200", 5);
}

static uint32_t next_control(json_t *st)
{
    int64_t v = jint(st, "control") % 999999999 + 1;
    json_object_set_new(st, "control", json_integer(v));
    return (uint32_t)v;
}

static int read_837(run *r, const char *path, rcm_error *err)
{
    rcm_x12_reader *rd = NULL;
    int rc = rcm_x12_open_file(&rd, path, err);
    if (rc < 0)
        return rc;
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = r;
    v.set_begin = w_begin;
    v.segment = w_segment;
    v.set_end = w_end;
    rc = rcm_x12_walk(rd, &v, NULL, err);
    rcm_x12_reader_free(rd);
    if (rc < 0)
        return rc == RCM_ENOMEM ? rcm_error_set(err, rc, "out of memory") : rc;
    if (!r->n837) {
        rc = rcm_error_set(err, RCM_EFORMAT, "not an 837: the file holds no 837 transaction set");
        if (err)
            err->source = path;
        return rc;
    }
    rd = NULL;
    if ((rc = rcm_x12_open_file(&rd, path, err)) < 0)
        return rc;
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.problem = on_problem;
    cb.claim = on_claim;
    rc = rcm_x12_read(rd, &cb, NULL, err);
    rcm_x12_reader_free(rd);
    if (rc == RCM_ENOMEM)
        return rcm_error_set(err, rc, "out of memory");
    return rc;
}

/* Adjudicates the accepted claims idx[from..to) of one payer id into 835 sets (one per billing provider). */
static int payer_835(run *r, json_t *st, const uint32_t *idx, uint32_t from, uint32_t to, out835 *o,
                     rcm_paysim_report *rep)
{
    const ps_claim *first = &r->claims[idx[from]];
    const ps_payer *p = payer_find(r->ps, first->payer_id);
    json_t *sp = state_payer(st, first->payer_id);
    if (!p || !sp)
        return p ? RCM_ENOMEM : 0;
    adj_ctx a = { r, p, sp, 0 };
    int plb_pending = p->n_plbs > 0;
    for (uint32_t i = from; i < to;) {
        uint32_t prov = r->claims[idx[i]].prov, j = i;
        while (j < to && r->claims[idx[j]].prov == prov)
            j++;
        uint32_t first_claim = o->n_claims;
        for (uint32_t t = i; t < j; t++) {
            ps_claim *k = &r->claims[idx[t]];
            if (k->rejected)
                continue;
            if (k->freq == '7' || k->freq == '8') {
                json_t *rec = json_object_get(json_object_get(st, "claims"), k->orig_ref);
                int rc = reversal_of(r, rec, k->orig_ref, &o->claims[o->n_claims++]);
                if (rc < 0)
                    return rc;
                int64_t ded = jint(rec, "deductible_cents");
                deductible_take(&a, jstr(rec, "member"), -ded);
                rep->reversed++;
                if (k->freq == '8')
                    continue;
            }
            rcm_remit_claim *c = &o->claims[o->n_claims++];
            long denied = 0;
            int rc = adjudicate(&a, k, c, &denied);
            if (rc < 0)
                return rc;
            if (!strcmp(c->status, "4"))
                rep->denied++;
            else if (denied)
                rep->partial++;
            else
                rep->paid++;
            json_t *rec = json_pack("{s:s, s:s, s:s, s:b, s:s, s:I, s:o}", "payer", k->payer_id, "claim", k->id,
                                    "status", c->status, "current", 1, "member", k->member, "deductible_cents",
                                    (json_int_t)a.ded_taken, "remit", remit_json(c));
            if (!rec || json_object_set_new(json_object_get(st, "claims"), k->icn, rec) < 0)
                return RCM_ENOMEM;
        }
        if (o->n_claims > first_claim) {
            rcm_remit *m = &o->remits[o->n_sets];
            remit_header(r, p, first->payer_id, first->payer_name, &r->provs[prov], sp, m);
            int64_t paid = 0;
            for (uint32_t t = first_claim; t < o->n_claims; t++)
                paid += o->claims[t].paid_cents;
            m->payment_cents = paid;
            if (plb_pending) {
                int rc = apply_plbs(r, p, sp, m, paid);
                if (rc < 0)
                    return rc;
                plb_pending = 0;
                for (uint32_t t = 0; t < m->n_plb; t++)
                    rep->plb_cents += m->plb[t].amount_cents;
                if (m->n_plb < p->n_plbs) /* what did not fit may go on the next set */
                    plb_pending = 1;
            }
            if (m->payment_cents < 0) { /* reversals larger than this run's payments: a debit */
                memcpy(m->credit_debit, "D", 2);
                m->payment_cents = -m->payment_cents;
            }
            memcpy(m->handling, m->payment_cents ? "C" : "H", 2);
            memcpy(m->method, m->payment_cents ? "CHK" : "NON", 4);
            if (m->credit_debit[0] == 'D')
                memcpy(m->method, "CHK", 4);
            rep->paid_cents += m->credit_debit[0] == 'D' ? -m->payment_cents : m->payment_cents;
            rcm_remit_set *s = &o->sets[o->n_sets++];
            s->remit = m;
            s->claims = &o->claims[first_claim];
            s->n_claims = o->n_claims - first_claim;
        }
        i = j;
    }
    return 0;
}

static int write_out(const char *path, const rcm_buf *b, char *report_path, size_t rpsz, rcm_error *err)
{
    int rc = cycle_write_file(path, b->ptr, b->len, err);
    if (rc == 0)
        cstr_copy(report_path, rpsz, path);
    return rc;
}

int rcm_paysim_run(rcm_paysim *ps, const char *in_837, const char *out_dir, rcm_date today,
                   rcm_paysim_report *rep, rcm_error *err)
{
    if (!ps || !in_837 || !out_dir || !rep || today == RCM_DATE_NONE)
        return rcm_error_set(err, RCM_EINVAL, "paysim: missing argument");
    memset(rep, 0, sizeof(*rep));
    run r;
    memset(&r, 0, sizeof(r));
    r.ps = ps;
    r.today = today;
    r.err = err;
    arena_init(&r.mem, 1 << 20, (size_t)16 << 30);
    json_t *st = json_deep_copy(ps->state);
    rcm_buf b999, b277, b835;
    rcm_buf_init(&b999, RCM_MAX_DOCUMENT);
    rcm_buf_init(&b277, RCM_MAX_DOCUMENT);
    rcm_buf_init(&b835, RCM_MAX_DOCUMENT);
    uint32_t *idx = NULL;
    rcm_ack277 *acks277 = NULL;
    out835 o;
    memset(&o, 0, sizeof(o));
    char base[256], path[1024];
    int rc = st ? 0 : rcm_error_set(err, RCM_ENOMEM, "out of memory");
    if (rc < 0 || (rc = read_837(&r, in_837, err)) < 0)
        goto done;
    base_name(base, sizeof(base), in_837);

    /* 999 */
    rcm_ack999 *acks = NULL;
    uint32_t n_acks = 0;
    if ((rc = build_999(&r, &acks, &n_acks)) < 0)
        goto nomem;
    rcm_x12_envelope env;
    envelope(&r, &env, next_control(st));
    if ((rc = rcm_x12_write_999(&b999, &env, acks, n_acks, err)) < 0)
        goto done;
    for (uint32_t i = 0; i < r.n_sets; i++) {
        rep->sets++;
        rep->sets_rejected += !set_accepted(&r, &r.sets[i]);
    }

    /* 277CA: the claims of accepted sets, ordered */
    uint32_t n = 0;
    idx = malloc((r.n_claims ? r.n_claims : 1) * sizeof(*idx));
    if (!idx)
        goto nomem;
    for (uint32_t i = 0; i < r.n_claims; i++)
        if (set_accepted(&r, &r.sets[r.claims[i].set]))
            idx[n++] = i;
    qsort_r(idx, n, sizeof(*idx), cmp_claim_order, &r);
    uint32_t n_payers = 0;
    acks277 = calloc(n ? n : 1, sizeof(*acks277));
    o.remits = calloc(n ? n : 1, sizeof(*o.remits));
    o.sets = calloc(n ? n : 1, sizeof(*o.sets));
    o.claims = calloc(2 * (size_t)(n ? n : 1), sizeof(*o.claims));
    if (!acks277 || !o.remits || !o.sets || !o.claims)
        goto nomem;
    for (uint32_t i = 0; i < n;) {
        uint32_t j = i;
        while (j < n && !strcmp(r.claims[idx[j]].payer_id, r.claims[idx[i]].payer_id))
            j++;
        for (uint32_t t = i; t < j; t++) {
            ps_claim *k = &r.claims[idx[t]];
            if ((rc = acknowledge(&r, st, k)) < 0)
                goto nomem;
            rep->claims++;
            rep->claims_rejected += k->rejected;
        }
        if ((rc = build_277(&r, idx, i, j, &acks277[n_payers++])) < 0)
            goto nomem;
        if ((rc = payer_835(&r, st, idx, i, j, &o, rep)) < 0)
            goto nomem;
        i = j;
    }
    if (n_payers) {
        envelope(&r, &env, next_control(st));
        if ((rc = rcm_x12_write_277ca(&b277, &env, acks277, n_payers, err)) < 0)
            goto done;
    }
    if (o.n_sets) {
        envelope(&r, &env, next_control(st));
        if ((rc = rcm_x12_write_835(&b835, &env, o.sets, o.n_sets, err)) < 0)
            goto done;
    }

    /* the files, then the state */
    if ((rc = out_path(path, sizeof(path), out_dir, base, "999", err)) < 0 ||
        (rc = write_out(path, &b999, rep->ack999_path, sizeof(rep->ack999_path), err)) < 0)
        goto done;
    if (n_payers && ((rc = out_path(path, sizeof(path), out_dir, base, "277ca", err)) < 0 ||
                     (rc = write_out(path, &b277, rep->ack277_path, sizeof(rep->ack277_path), err)) < 0))
        goto done;
    if (o.n_sets && ((rc = out_path(path, sizeof(path), out_dir, base, "835", err)) < 0 ||
                     (rc = write_out(path, &b835, rep->era_path, sizeof(rep->era_path), err)) < 0))
        goto done;
    char *text = json_dumps(st, JSON_SORT_KEYS | JSON_COMPACT);
    if (!text)
        goto nomem;
    rc = cycle_write_file(ps->state_path, text, strlen(text), err);
    free(text);
    if (rc == 0) {
        json_decref(ps->state);
        ps->state = st;
        st = NULL;
    }
    goto done;
nomem:
    rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
done:
    json_decref(st);
    free(idx);
    free(acks277);
    free(o.remits);
    free(o.sets);
    free(o.claims);
    free(r.groups);
    free(r.sets);
    free(r.provs);
    free(r.claims);
    rcm_buf_release(&b999);
    rcm_buf_release(&b277);
    rcm_buf_release(&b835);
    arena_release(&r.mem);
    return rc;
}

/* ---- the handle ---- */

int rcm_paysim_new(rcm_paysim **out, const char *config_path, const char *state_path, rcm_error *err)
{
    *out = NULL;
    if (!config_path || !state_path)
        return rcm_error_set(err, RCM_EINVAL, "paysim: a configuration and a state file are required");
    rcm_paysim *ps = calloc(1, sizeof(*ps));
    if (!ps)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    char *text = NULL;
    size_t len = 0;
    int rc = cycle_read_file(config_path, &text, &len, err);
    if (rc == 0 && len > MAX_CONF_BYTES)
        rc = rcm_error_set(err, RCM_ELIMIT, "'%s' is larger than %zu MiB", config_path, MAX_CONF_BYTES >> 20);
    if (rc == 0)
        rc = conf_parse(ps, config_path, text, len, err);
    free(text);
    if (rc == 0) {
        ps->state_path = strdup(state_path);
        rc = ps->state_path ? state_load(ps, state_path, err) : rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    if (rc < 0) {
        rcm_paysim_free(ps);
        return rc;
    }
    *out = ps;
    return 0;
}

void rcm_paysim_free(rcm_paysim *p)
{
    if (!p)
        return;
    for (uint32_t i = 0; i < p->n_payers; i++)
        payer_release(&p->payers[i]);
    free(p->payers);
    if (p->any) {
        payer_release(p->any);
        free(p->any);
    }
    free(p->state_path);
    json_decref(p->state);
    free(p);
}
