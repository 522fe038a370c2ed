/*
 * Exact decimal and date parsing. X12 R-type amounts become integer cents
 * digit by digit; no floating point is ever involved.
 */
#include "util.h"

static int parse_fixed(int64_t *out, rcm_str s, int scale, const char **why)
{
    static const char *const bad = "is not a number";
    const char *p = s.p, *e = s.p + s.n;
    int neg = 0;
    if (p < e && *p == '-') {
        neg = 1;
        p++;
    }
    if (p == e) {
        *why = s.n ? bad : "is empty";
        return RCM_EFORMAT;
    }
    int64_t v = 0;
    int digits = 0, frac = -1; /* frac: digits seen after '.', -1 before the dot */
    for (; p < e; p++) {
        char c = *p;
        if (c == '.') {
            if (frac >= 0) {
                *why = bad;
                return RCM_EFORMAT;
            }
            frac = 0;
            continue;
        }
        if (c < '0' || c > '9') {
            *why = bad;
            return RCM_EFORMAT;
        }
        digits++;
        if (frac >= 0) {
            if (frac >= scale) {
                if (c != '0') {
                    *why = scale == 2 ? "has more than 2 decimal places" : "has too many decimal places";
                    return RCM_EFORMAT;
                }
                continue;
            }
            frac++;
        }
        if (v > (RCM_CENTS_MAX - 9) / 10) {
            *why = "is too large";
            return RCM_EFORMAT;
        }
        v = v * 10 + (c - '0');
    }
    if (!digits) {
        *why = bad;
        return RCM_EFORMAT;
    }
    for (int f = frac < 0 ? 0 : frac; f < scale; f++) {
        if (v > RCM_CENTS_MAX / 10) {
            *why = "is too large";
            return RCM_EFORMAT;
        }
        v *= 10;
    }
    *out = neg ? -v : v;
    return 0;
}

int rcm_cents_parse(int64_t *out, rcm_str s, const char **why)
{
    const char *dummy;
    return parse_fixed(out, s, 2, why ? why : &dummy);
}

int rcm_milli_parse(int64_t *out, rcm_str s, const char **why)
{
    const char *dummy;
    return parse_fixed(out, s, 3, why ? why : &dummy);
}

int rcm_uint_parse(uint64_t *out, rcm_str s)
{
    if (s.n == 0 || s.n > 18)
        return RCM_EFORMAT;
    uint64_t v = 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned d = (unsigned char)s.p[i] - '0';
        if (d > 9)
            return RCM_EFORMAT;
        v = v * 10 + d;
    }
    *out = v;
    return 0;
}

int rcm_cents_fmt(char *out, int64_t cents)
{
    char tmp[32];
    int i = (int)sizeof(tmp);
    uint64_t v = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
    tmp[--i] = (char)('0' + v % 10);
    v /= 10;
    tmp[--i] = '.';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    if (cents < 0)
        tmp[--i] = '-';
    int n = (int)sizeof(tmp) - i;
    memcpy(out, tmp + i, (size_t)n);
    out[n] = '\0';
    return n;
}

/* Days from civil (proleptic Gregorian), after H. Hinnant's public algorithm. */
rcm_date rcm_date_from_ymd(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (rcm_date)(era * 146097 + doe - 719468);
}

void rcm_date_to_ymd(rcm_date z0, int *y, int *m, int *dd)
{
    int64_t z = (int64_t)z0 + 719468; /* 64-bit: any day number, RCM_DATE_NONE included */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int doe = (int)(z - era * 146097);
    int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = yoe + era * 400;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int d = doy - (153 * mp + 2) / 5 + 1;
    int mm = mp + (mp < 10 ? 3 : -9);
    *y = (int)(yy + (mm <= 2));
    *m = mm;
    *dd = d;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int digits(const char *p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    *out = v;
    return 0;
}

static int ymd_valid(rcm_date *out, int y, int m, int d)
{
    if (y < 1800 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return RCM_EFORMAT;
    *out = rcm_date_from_ymd(y, m, d);
    return 0;
}

int rcm_date_parse(rcm_date *out, rcm_str s)
{
    int y, m, d;
    if (s.n != 8 || digits(s.p, 4, &y) || digits(s.p + 4, 2, &m) || digits(s.p + 6, 2, &d))
        return RCM_EFORMAT;
    return ymd_valid(out, y, m, d);
}

int rcm_date_parse_iso(rcm_date *out, rcm_str s)
{
    int y, m, d;
    if (s.n != 10 || s.p[4] != '-' || s.p[7] != '-' || digits(s.p, 4, &y) ||
        digits(s.p + 5, 2, &m) || digits(s.p + 8, 2, &d))
        return RCM_EFORMAT;
    return ymd_valid(out, y, m, d);
}

int rcm_date_fmt(char *out, rcm_date dt, int iso)
{
    int y, m, d;
    if (dt == RCM_DATE_NONE) {
        out[0] = '\0';
        return 0;
    }
    rcm_date_to_ymd(dt, &y, &m, &d);
    char *p = out;
    p[0] = (char)('0' + y / 1000 % 10);
    p[1] = (char)('0' + y / 100 % 10);
    p[2] = (char)('0' + y / 10 % 10);
    p[3] = (char)('0' + y % 10);
    p += 4;
    if (iso)
        *p++ = '-';
    p[0] = (char)('0' + m / 10);
    p[1] = (char)('0' + m % 10);
    p += 2;
    if (iso)
        *p++ = '-';
    p[0] = (char)('0' + d / 10);
    p[1] = (char)('0' + d % 10);
    p += 2;
    *p = '\0';
    return (int)(p - out);
}
