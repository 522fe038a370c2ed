/* The revenue-cycle fixture's coding and claims helpers (see cycle_fixture_claims.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cycle_fixture_claims.h"

size_t cyfx_fired(const rcm_findings *list, const char *rule)
{
    size_t n = 0;
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->v[i].rule, rule) == 0)
            n++;
    return n;
}

/* "PTP-001 line 3, SYN-021" of a list, for assertion messages. */
static const char *rules_of(const rcm_findings *list, char *out, size_t n)
{
    size_t k = 0;
    out[0] = '\0';
    for (size_t i = 0; i < list->n && k < n; i++)
        k += (size_t)snprintf(out + k, n - k, "%s%s", i ? ", " : "", list->v[i].rule);
    return out;
}

void cyfx_code(cyfx *f, int64_t encounter_id, rcm_findings *findings)
{
    rcm_coding *c = calloc(1, sizeof(*c));
    cr_assert_not_null(c);
    memset(&f->err, 0, sizeof(f->err));
    int rc = rcm_coding_get(f->cy, encounter_id, 1, c, &f->err);
    cr_assert_eq(rc, 0, "encounter #%lld: the proposal: %s", (long long)encounter_id, f->err.msg);
    rcm_findings local;
    rcm_findings_init(&local);
    rc = rcm_coding_assign(f->cy, encounter_id, c, findings ? findings : &local, &f->err);
    cr_assert_eq(rc, 0, "encounter #%lld: assigning the proposal: %s", (long long)encounter_id, f->err.msg);
    rcm_findings_release(&local);
    free(c);
}

void cyfx_sign(cyfx *f, int64_t encounter_id)
{
    rcm_findings b;
    rcm_findings_init(&b);
    memset(&f->err, 0, sizeof(f->err));
    int rc = rcm_coding_signoff(f->cy, encounter_id, &b, &f->err);
    char rules[256];
    cr_assert_eq(rc, 0, "encounter #%lld: sign-off refused: %s (%s)", (long long)encounter_id, f->err.msg,
                 rules_of(&b, rules, sizeof(rules)));
    rcm_findings_release(&b);
}

int cyfx_bill_report(cyfx *f, rcm_build_report *out)
{
    rcm_coding_item *q = NULL;
    size_t n = 0;
    memset(&f->err, 0, sizeof(f->err));
    cr_assert_eq(rcm_coding_queue(f->cy, &q, &n, &f->err), 0, "coding queue: %s", f->err.msg);
    for (size_t i = 0; i < n; i++) {
        if (strcmp(q[i].status, "new") != 0)
            continue;
        cyfx_code(f, q[i].encounter_id, NULL);
        cyfx_sign(f, q[i].encounter_id);
    }
    free(q);
    rcm_build_report rep;
    memset(&f->err, 0, sizeof(f->err));
    int rc = rcm_claims_build(f->cy, &rep, &f->err);
    if (out)
        *out = rep;
    return rc;
}

/* Copies the n bytes at p into out (size bytes with the NUL); asserts they fit. */
static void take(char *out, size_t size, const char *p, size_t n)
{
    cr_assert_lt(n, size, "'%.*s' is too long", (int)n, p);
    memcpy(out, p, n);
    out[n] = '\0';
}

static void parse_line(rcm_coding_line *l, const char *s, size_t len)
{
    const char *part[5] = { s, "", "", "", "" };
    size_t plen[5] = { len, 0, 0, 0, 0 };
    int np = 1;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ':') {
            cr_assert_lt(np, 5, "line '%.*s': at most 5 parts", (int)len, s);
            plen[np - 1] = (size_t)(s + i - part[np - 1]);
            part[np] = s + i + 1;
            plen[np] = len - i - 1;
            np++;
        }
    memset(l, 0, sizeof(*l));
    take(l->code, sizeof(l->code), part[0], plen[0]);
    int m = 0;
    for (size_t i = 0; i < plen[1];) {
        size_t k = strcspn(part[1] + i, ",:");
        if (k > plen[1] - i)
            k = plen[1] - i;
        cr_assert_lt(m, RCM_CLAIM_MAX_MODS);
        take(l->mods[m++], sizeof(l->mods[0]), part[1] + i, k);
        i += k + 1;
    }
    l->units_milli = 1000;
    if (plen[2]) {
        const char *why = NULL;
        cr_assert_eq(rcm_milli_parse(&l->units_milli, (rcm_str){ part[2], plen[2] }, &why), 0, "units '%.*s'",
                     (int)plen[2], part[2]);
    }
    int k = 0;
    for (size_t i = 0; i < plen[3];) {
        char *end = NULL;
        long v = strtol(part[3] + i, &end, 10);
        cr_assert(end > part[3] + i && v >= 0 && v < 100 && k < RCM_CLAIM_MAX_PTR, "pointers '%.*s'",
                  (int)plen[3], part[3]);
        l->ptrs[k++] = (uint8_t)v;
        i = (size_t)(end - part[3]) + 1;
    }
    take(l->rev_code, sizeof(l->rev_code), part[4], plen[4]);
}

void cyfx_codes(rcm_coding *out, const char *dx, const char *lines)
{
    memset(out, 0, sizeof(*out));
    for (const char *p = dx ? dx : ""; *p;) {
        size_t k = strcspn(p, ",");
        cr_assert_lt(out->n_dx, RCM_CLAIM_MAX_DX);
        char *d = out->dx[out->n_dx++];
        size_t w = 0;
        for (size_t i = 0; i < k; i++)
            if (p[i] != '.') {
                cr_assert_lt(w, sizeof(out->dx[0]) - 1, "diagnosis '%.*s' is too long", (int)k, p);
                d[w++] = p[i];
            }
        d[w] = '\0';
        p += k;
        if (*p == ',')
            p++;
    }
    for (const char *p = lines ? lines : ""; *p;) {
        size_t k = strcspn(p, ";");
        cr_assert_lt(out->n_lines, RCM_CODING_MAX_LINES);
        parse_line(&out->lines[out->n_lines++], p, k);
        p += k;
        if (*p == ';')
            p++;
    }
}

int64_t cyfx_claim_of(cyfx *f, const char *ext_id)
{
    int64_t enc = cyfx_enc(f, ext_id);
    char sql[160];
    snprintf(sql, sizeof(sql),
             "SELECT COALESCE(MIN(claim_id), 0) FROM claim WHERE encounter_id = %lld AND freq = '1'"
             " AND primary_claim_id IS NULL",
             (long long)enc);
    int64_t id = cyfx_int(f, sql);
    cr_assert_gt(id, 0, "encounter %s has no claim", ext_id);
    return id;
}

void cyfx_expect_denied(cyfx *f, rcm_cycle *cy, int rc, const char *perm, const char *what)
{
    const char *user = rcm_cycle_user(cy);
    cr_expect_eq(rc, RCM_EDENIED, "%s as %s: rc %d (%s)", what, user, rc, f->err.msg);
    char want[160];
    snprintf(want, sizeof(want), "user '%s' (", user);
    cr_expect(strncmp(f->err.msg, want, strlen(want)) == 0 && strstr(f->err.msg, " may not "), "%s as %s: '%s'",
              what, user, f->err.msg);
    snprintf(want, sizeof(want), "%s denied denied  0 0 0 permission %s (needs ", user, perm);
    const char *last = cyfx_last_event(f);
    cr_expect(strncmp(last, want, strlen(want)) == 0, "%s as %s: the newest event is '%s'", what, user, last);
}

const char *cyfx_last_event(cyfx *f)
{
    return cyfx_text(f, "SELECT user_name || ' ' || action || ' ' || outcome || ' ' || entity || ' ' || entity_id"
                        " || ' ' || patient_id || ' ' || claim_id || ' ' || detail FROM audit_log"
                        " ORDER BY seq DESC LIMIT 1");
}
