/* The metrics as text (cli_metrics.h). */
#include <stdlib.h>
#include <string.h>
#include "cli_metrics.h"

/* A rate in basis points as a percentage with two decimals; "n/a" (-1) when it has no denominator. */
static const char *pct(char *out, size_t n, int bp)
{
    if (bp == -1)
        snprintf(out, n, "n/a");
    else
        snprintf(out, n, "%s%d.%02d%%", bp < 0 ? "-" : "", abs(bp) / 100, abs(bp) % 100);
    return out;
}

static const char *money(char *out, int64_t cents)
{
    rcm_cents_fmt(out, cents);
    return out;
}

/* Days x 100 with two decimals; "n/a" (-1) when there were no charges to divide by. */
static const char *days(char *out, size_t n, int64_t x100)
{
    if (x100 == -1) {
        snprintf(out, n, "n/a");
    } else {
        long long a = x100 < 0 ? -(long long)x100 : (long long)x100;
        snprintf(out, n, "%s%lld.%02lld", x100 < 0 ? "-" : "", a / 100, a % 100);
    }
    return out;
}

static void period(FILE *f, const rcm_metrics *m)
{
    char a[11] = "", b[11] = "", e[11] = "";
    if (m->from != RCM_DATE_NONE)
        rcm_date_fmt(a, m->from, 1);
    if (m->to != RCM_DATE_NONE)
        rcm_date_fmt(b, m->to, 1);
    rcm_date_fmt(e, m->period_end, 1);
    if (a[0] || b[0])
        fprintf(f, "dates of service %s to %s; AR at %s\n", a[0] ? a : "the first", b[0] ? b : "the last", e);
    else
        fprintf(f, "every date of service; AR at %s\n", e);
}

static void one_group(FILE *f, const rcm_metrics_row *r)
{
    char p[24], c[32], d[32];
    fprintf(f, "  claims submitted        %10ld\n", r->claims_submitted);
    fprintf(f, "    clean                 %10ld  %8s  clean-claim rate\n", r->claims_clean,
            pct(p, sizeof(p), r->clean_claim_bp));
    fprintf(f, "    accepted first time   %10ld\n", r->claims_first_pass_accepted);
    fprintf(f, "  claims adjudicated      %10ld\n", r->claims_adjudicated);
    fprintf(f, "    paid on first pass    %10ld  %8s  first-pass rate\n", r->claims_first_pass_paid,
            pct(p, sizeof(p), r->first_pass_bp));
    fprintf(f, "    denied                %10ld  %8s  denial rate (%ld lines)\n", r->claims_denied,
            pct(p, sizeof(p), r->denial_rate_bp), r->lines_denied);
    fprintf(f, "    denied charges        %10s  %8s  of %s adjudicated\n", money(c, r->denied_charges_cents),
            pct(p, sizeof(p), r->denial_dollar_bp), money(d, r->adjudicated_charges_cents));
    fprintf(f, "  gross charges           %10s\n", money(c, r->gross_charges_cents));
    fprintf(f, "  payments                %10s  (payers %s, patients %s)\n", money(c, r->payments_cents),
            money(d, r->payer_payments_cents), money(p, r->patient_payments_cents));
    fprintf(f, "  contractual adjustments %10s\n", money(c, r->contractual_cents));
    fprintf(f, "  written off             %10s\n", money(c, r->writeoff_cents));
    fprintf(f, "  net collection rate     %10s\n", pct(p, sizeof(p), r->net_collection_bp));
    fprintf(f, "  gross collection rate   %10s\n", pct(p, sizeof(p), r->gross_collection_bp));
    fprintf(f, "  AR at period end        %10s\n", money(c, r->ar_cents));
    fprintf(f, "    over 90 days          %10s  %8s\n", money(c, r->ar_over_90_cents),
            pct(p, sizeof(p), r->ar_over_90_bp));
    fprintf(f, "  days in AR              %10s  (charges of the last 90 days %s)\n",
            days(p, sizeof(p), r->days_in_ar_x100), money(c, r->charges_90d_cents));
}

static void table(FILE *f, const rcm_metrics *m)
{
    fprintf(f, "  %-16s %7s %7s %7s %7s %7s %7s %12s %12s %7s %7s %12s %7s %7s\n", "group", "claims", "clean",
            "adjud", "1stpass", "denied", "den $", "charges", "payments", "net", "gross", "AR", ">90d", "days");
    for (size_t i = 0; i < m->n_rows; i++) {
        const rcm_metrics_row *r = &m->rows[i];
        char a[24], b[24], c[24], d[24], e[24], g[24], h[24], k[32], l[32], n[32], o[24];
        fprintf(f, "  %-16s %7ld %7s %7ld %7s %7s %7s %12s %12s %7s %7s %12s %7s %7s\n", r->key, r->claims_submitted,
                pct(a, sizeof(a), r->clean_claim_bp), r->claims_adjudicated, pct(b, sizeof(b), r->first_pass_bp),
                pct(c, sizeof(c), r->denial_rate_bp), pct(d, sizeof(d), r->denial_dollar_bp),
                money(k, r->gross_charges_cents), money(l, r->payments_cents),
                pct(e, sizeof(e), r->net_collection_bp), pct(g, sizeof(g), r->gross_collection_bp),
                money(n, r->ar_cents), pct(h, sizeof(h), r->ar_over_90_bp), days(o, sizeof(o), r->days_in_ar_x100));
    }
}

static void counts(FILE *f, const char *title, const rcm_metrics_count *v, size_t n)
{
    fprintf(f, "%s:%s\n", title, n ? "" : " none");
    for (size_t i = 0; i < n; i++) {
        char c[32];
        fprintf(f, "  %-20s %6ld %12s\n", v[i].key, v[i].count, money(c, v[i].cents));
    }
}

/* E/M lines per provider: each level's count and its share of the provider's E/M lines. */
static void em(FILE *f, const rcm_metrics *m)
{
    fprintf(f, "E/M levels by provider (lines of original claims):%s\n", m->n_em ? "" : " none");
    for (size_t i = 0; i < m->n_em;) {
        const char *sp = strchr(m->em[i].key, ' ');
        size_t plen = sp ? (size_t)(sp - m->em[i].key) : strlen(m->em[i].key);
        size_t j = i;
        long total = 0;
        while (j < m->n_em && strncmp(m->em[j].key, m->em[i].key, plen) == 0 && m->em[j].key[plen] == ' ')
            total += m->em[j++].count;
        fprintf(f, "  %.*s  %ld:", (int)plen, m->em[i].key, total);
        for (size_t k = i; k < j; k++) {
            long share = total ? (m->em[k].count * 1000 + total / 2) / total : 0;
            fprintf(f, " %s %ld (%ld.%ld%%)", m->em[k].key + plen + 1, m->em[k].count, share / 10, share % 10);
        }
        fputc('\n', f);
        if (j == i)
            j++;
        i = j;
    }
}

void cli_metrics_print(FILE *f, const rcm_metrics *m)
{
    period(f, m);
    if (m->n_rows == 1 && strcmp(m->rows[0].key, "total") == 0)
        one_group(f, &m->rows[0]);
    else
        table(f, m);
    counts(f, "denials by root cause (first remittance)", m->by_root, m->n_by_root);
    counts(f, "denials by group and CARC (first remittance)", m->by_carc, m->n_by_carc);
    em(f, m);
}
