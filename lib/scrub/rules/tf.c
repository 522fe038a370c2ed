/*
 * TF family: timely filing (DOMAIN.md 3.7).
 *
 *   TF-001  today is past the last day to file
 *   TF-002  today is within cfg.tf_warn_days of it (default 30)
 *
 * The date counted from: a professional claim's earliest line date (each line
 * has its own limit; the earliest binds first), an institutional claim's
 * "through" date (the statement's, else the latest line's).
 *
 * Medicare (SBR09 MA or MB): 42 CFR 424.44 allows "1 calendar year after the
 * date of service". Read here as cfg.medicare_tf_months (12) calendar months:
 * the same day of the month a year later, clamped to the month's last day,
 * so a 29 February date of service must be filed by 28 February of the next
 * year, as CMS says. The last day itself is still in time.
 *
 * Other payers: only when a payer rule sets a limit (`timely-filing N days`):
 * the last day is the date of service + N days. A rule that matches a
 * Medicare claim takes the place of the Medicare limit: the practice's file
 * is the more specific word.
 *
 * One finding per claim, naming the lines in the same state by their own
 * dates (a professional claim's later lines may still be in time).
 */
#include "lines.h"

static int days_in_month(int y, int m)
{
    static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : d[m - 1];
}

/* d plus months calendar months, the day clamped to the target month's length. */
static rcm_date add_months(rcm_date d, int months)
{
    int y, m, dd;
    rcm_date_to_ymd(d, &y, &m, &dd);
    int total = y * 12 + (m - 1) + months;
    y = total / 12;
    m = total % 12 + 1;
    int dim = days_in_month(y, m);
    return rcm_date_from_ymd(y, m, dd > dim ? dim : dd);
}

int family_tf(const rcm_scrub *s, const scrub_claim *sc, rcm_findings *out)
{
    const rcm_claim *c = sc->c;
    rcm_date from = c->kind == RCM_CLAIM_INSTITUTIONAL
                        ? (c->statement_to != RCM_DATE_NONE ? c->statement_to : sc->last_dos)
                        : sc->first_dos;
    if (from == RCM_DATE_NONE)
        return 0;   /* SYN-011 reports the missing date */
    rcm_date last;
    int days = 0;
    const char *rule_id = NULL, *file = NULL;
    long line = 0;
    if (s->cfg.rules && payer_rules_tf_limit(s->cfg.rules, sc, &days, &rule_id, &file, &line))
        last = from + days;
    else if (sc->medicare)
        last = add_months(from, s->cfg.medicare_tf_months);
    else
        return 0;

    rcm_date today = s->cfg.today;
    int rule;
    if (today > last)
        rule = R_TF_001;
    else if (s->cfg.tf_warn_days >= 0 && last - today <= s->cfg.tf_warn_days)
        rule = R_TF_002;
    else
        return 0;

    rcm_finding *f = scrub_emit(s, sc, rule, out);
    if (!f)
        return out->failed ? RCM_ENOMEM : 0;
    char d_today[11], d_last[11], d_from[11];
    scrub_datestr(d_today, today);
    scrub_datestr(d_last, last);
    scrub_datestr(d_from, from);
    const char *limit = rule_id ? "the payer's" : "the Medicare";
    long n = rule == R_TF_001 ? (long)(today - last) : (long)(last - today);
    const char *days_word = n == 1 ? "day" : "days";
    if (rule == R_TF_001)
        finding_msg(f, "filed %s, %ld %s after %s limit %s for DOS %s", d_today, n, days_word, limit, d_last, d_from);
    else if (n == 0)
        finding_msg(f, "last day to file: %s limit is %s (today) for DOS %s", limit, d_last, d_from);
    else
        finding_msg(f, "%ld %s left to file: %s limit is %s for DOS %s", n, days_word, limit, d_last, d_from);
    /* the lines in the same state by their own limit: past it (TF-001), or near it (TF-002) */
    for (uint32_t i = 0; i < sc->n; i++) {
        const scrub_line *l = &sc->lines[i];
        rcm_date d = c->kind == RCM_CLAIM_INSTITUTIONAL ? from : l->from;
        if (d == RCM_DATE_NONE)
            continue;
        rcm_date ll = rule_id ? d + days : add_months(d, s->cfg.medicare_tf_months);
        if (rule == R_TF_001 ? today > ll : ll - today <= s->cfg.tf_warn_days)
            finding_line(f, l->pos);
    }
    if (rule_id) {
        finding_source(f, "payer_rules", rcm_payer_rules_version(s->cfg.rules), file, line);
        finding_field(f, "rule", "%s", rule_id);
        finding_field(f, "limit_days", "%d", days);
        finding_hint(f, rule == R_TF_001 ? "file proof of timely filing (an earlier 999/277CA acceptance) if the "
                                           "claim was sent in time; otherwise the balance is written off"
                                         : "submit the claim now");
    } else {
        finding_source(f, "medicare_timely_filing", "42 CFR 424.44", "", 0);
        finding_field(f, "limit_months", "%d", s->cfg.medicare_tf_months);
        finding_hint(f, rule == R_TF_001 ? "Medicare denies late claims with CO-29, not appealable; an exception "
                                           "applies only for the reasons of 424.44(b) (report the delay reason in CLM20)"
                                         : "submit the claim now: a late Medicare claim is denied (CO-29) and "
                                           "cannot be appealed");
    }
    finding_field(f, "date_of_service", "%s", d_from);
    finding_field(f, "last_day", "%s", d_last);
    return out->failed ? RCM_ENOMEM : 0;
}
