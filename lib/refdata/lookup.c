/*
 * Code lookups in the store: one code across every code set, judged on a
 * date of service by the load in force on it; and ranked text search over
 * descriptions (FTS5, bm25), billable codes first.
 */
#include <ctype.h>
#include "refdata_internal.h"

/* The loader kind whose loads hold a code set's rows. */
static const char *set_kind(const char *set)
{
    return strcmp(set, "hcpcs_mod") == 0 ? "hcpcs" : set;
}

static void display_code(char *out, const char *set, const char *code)
{
    if (strcmp(set, "icd10cm") == 0)
        rcm_code_icd10cm_display(out, code);
    else
        snprintf(out, RCM_CODE_MAX, "%s", code);
}

/* A date window; RCM_DATE_NONE ends are open. */
typedef struct span {
    int64_t from, to;       /* open ends as INT64_MIN/INT64_MAX */
} span;

static int64_t lo_of(rcm_date d) { return d == RCM_DATE_NONE ? INT64_MIN : d; }
static int64_t hi_of(rcm_date d) { return d == RCM_DATE_NONE ? INT64_MAX : d; }
static rcm_date date_of(int64_t v) { return v == INT64_MIN || v == INT64_MAX ? RCM_DATE_NONE : (rcm_date)v; }

typedef struct row {
    char set[RCM_REFDATA_KIND_MAX];
    char code[RCM_CODE_MAX];
    span w;                 /* the row's window: its own dates within its load's range */
    int open_end;           /* the row has no stop date of its own */
    int unbounded;          /* its load covers all dates (lists whose codes carry their own) */
    int billable;
    long load_id;
    char version[RCM_REFDATA_VERSION_MAX];
    char *short_desc, *desc;
} row;

static void rows_free(row *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].short_desc);
        free(r[i].desc);
    }
    free(r);
}

static char *dup_col(sqlite3_stmt *s, int i)
{
    const char *t = (const char *)sqlite3_column_text(s, i);
    return strdup(t ? t : "");
}

static int fetch_rows(row **out, size_t *n, rcm_store *st, const char *code, int icd_only, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    *out = NULL;
    *n = 0;
    if (store_prepare(st, &s,
            "SELECT r.code_set, r.code, r.valid_from, r.valid_to, r.billable, r.short_desc, r.descr,"
            " l.load_id, l.version, l.eff_from, l.eff_to"
            " FROM ref_code r JOIN refdata_load l ON l.load_id = r.load_id"
            " WHERE r.code = ?1 AND l.replaced_by IS NULL AND (?2 = 0 OR r.code_set = 'icd10cm')"
            " ORDER BY r.code_set, coalesce(l.eff_from, -2147483647), l.load_id", err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, code, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, icd_only);
    size_t cap = 0;
    row *v = NULL;
    int r, rc = 0;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            row *q = realloc(v, cap * sizeof(*q));
            if (!q) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
                break;
            }
            v = q;
        }
        row *x = &v[*n];
        memset(x, 0, sizeof(*x));
        snprintf(x->set, sizeof(x->set), "%s", (const char *)sqlite3_column_text(s, 0));
        snprintf(x->code, sizeof(x->code), "%s", (const char *)sqlite3_column_text(s, 1));
        int64_t rf = lo_of(store_column_date(s, 2)), rt = hi_of(store_column_date(s, 3));
        int64_t lf = lo_of(store_column_date(s, 9)), lt = hi_of(store_column_date(s, 10));
        x->open_end = rt == INT64_MAX;
        x->unbounded = lf == INT64_MIN && lt == INT64_MAX;
        x->w.from = rf > lf ? rf : lf;
        x->w.to = rt < lt ? rt : lt;
        x->billable = sqlite3_column_int(s, 4);
        x->short_desc = dup_col(s, 5);
        x->desc = dup_col(s, 6);
        x->load_id = (long)sqlite3_column_int64(s, 7);
        snprintf(x->version, sizeof(x->version), "%s", (const char *)sqlite3_column_text(s, 8));
        (*n)++;
        if (!x->short_desc || !x->desc) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
    }
    if (rc == 0 && r != SQLITE_DONE)
        rc = store_sqlerr(st, err, "store: looking up a code");
    sqlite3_finalize(s);
    if (rc < 0) {
        rows_free(v, *n);
        *n = 0;
        return rc;
    }
    *out = v;
    return 0;
}

/* Is the row in force on dos; with no dos: does it lack a stop date of its own. */
static int covers(const row *x, rcm_date dos)
{
    return dos == RCM_DATE_NONE ? x->open_end : (x->w.from <= dos && dos <= x->w.to);
}

/* Fills one set's answer from its rows r[0..n) (ordered by load effective date). */
static int judge(rcm_code_info *out, rcm_store *st, const row *r, size_t n, rcm_date dos, rcm_error *err)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->set, sizeof(out->set), "%s", r[0].set);
    snprintf(out->code, sizeof(out->code), "%s", r[0].code);
    display_code(out->display, r[0].set, r[0].code);
    long in_force = 0;
    int rc = refdata_load_in_force(st, set_kind(r[0].set), dos, &in_force, err);
    if (rc < 0)
        return rc;
    /* the row giving the description: in force on dos, else in the load in force, else the latest */
    const row *best = NULL;
    out->valid = in_force ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        if (r[i].load_id != in_force)
            continue;
        if (covers(&r[i], dos)) {
            best = &r[i];
            out->valid = 1;
            break;
        }
        if (!best)
            best = &r[i];
    }
    if (!best)
        best = &r[n - 1];
    out->billable = best->billable;
    out->load_id = best->load_id;
    snprintf(out->version, sizeof(out->version), "%s", best->version);
    snprintf(out->short_desc, sizeof(out->short_desc), "%s", best->short_desc);
    snprintf(out->desc, sizeof(out->desc), "%s", best->desc);
    /*
     * Merge the windows into spans; report the one holding dos, else the
     * latest. Of loads covering all dates only the latest counts: a newer
     * list supersedes an older one whole.
     */
    long latest = 0;
    if ((rc = refdata_load_in_force(st, set_kind(r[0].set), RCM_DATE_NONE, &latest, err)) < 0)
        return rc;
    size_t first = 0;
    while (first < n && r[first].unbounded && r[first].load_id != latest)
        first++;
    if (first == n) {
        out->valid_from = out->valid_to = RCM_DATE_NONE;
        return 0;
    }
    span cur = r[first].w, pick = cur;
    int picked = 0;
    for (size_t i = first + 1; i <= n; i++) {
        if (i < n && r[i].unbounded && r[i].load_id != latest)
            continue;
        if (i < n && r[i].w.from <= (cur.to == INT64_MAX ? INT64_MAX : cur.to + 1)) {
            if (r[i].w.to > cur.to)
                cur.to = r[i].w.to;
            if (r[i].w.from < cur.from)
                cur.from = r[i].w.from;
            continue;
        }
        if (dos != RCM_DATE_NONE && cur.from <= dos && dos <= cur.to) {
            pick = cur;
            picked = 1;
        }
        if (!picked)
            pick = cur;
        if (i < n)
            cur = r[i].w;
    }
    out->valid_from = date_of(pick.from);
    out->valid_to = date_of(pick.to);
    return 0;
}

int rcm_code_lookup(rcm_code_info *out, size_t max, rcm_store *st, const char *code, rcm_date dos,
                    rcm_error *err)
{
    char key[RCM_CODE_MAX];
    size_t n = 0;
    int dotted = 0;
    for (const char *p = code; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (*p == '.') {
            dotted = 1;
            continue;
        }
        if (n + 1 >= sizeof(key))
            return 0; /* longer than any code */
        key[n++] = (char)toupper((unsigned char)*p);
    }
    key[n] = '\0';
    if (!n)
        return rcm_error_set(err, RCM_EINVAL, "no code given");
    row *r = NULL;
    size_t nr = 0;
    int rc = fetch_rows(&r, &nr, st, key, dotted, err);
    if (rc < 0)
        return rc;
    int found = 0;
    for (size_t i = 0; i < nr;) {
        size_t j = i;
        while (j < nr && strcmp(r[j].set, r[i].set) == 0)
            j++;
        if ((size_t)found < max && (rc = judge(&out[found], st, r + i, j - i, dos, err)) < 0)
            break;
        found++;
        i = j;
    }
    rows_free(r, nr);
    return rc < 0 ? rc : found;
}

/* ---- search ---- */

#define SEARCH_KINDS 3
static const char *const search_kinds[SEARCH_KINDS] = { "icd10cm", "hcpcs", "cpt" };

static int is_stopword(const char *w)
{
    static const char *const stop[] = { "a", "an", "and", "as", "at", "by", "for", "from", "in", "of",
                                        "on", "or", "the", "to", "with", "other", "unspecified" };
    for (size_t i = 0; i < ARRAY_SIZE(stop); i++)
        if (strcmp(w, stop[i]) == 0)
            return 1;
    return 0;
}

enum { FTS_ALL, FTS_ALL_BUT, FTS_ANY };

/*
 * Builds the FTS5 query: each word quoted (so no word is read as an
 * operator), the last one a prefix when it has 3 or more characters and the
 * text does not end in a blank. FTS_ALL: every word; FTS_ALL_BUT: every word
 * but stopwords and the skip-th of the others; FTS_ANY: any word but
 * stopwords. Returns the number of words in the query.
 */
static int fts_query(rcm_buf *q, const char *text, int mode, int skip)
{
    int nw = 0, k = 0;
    size_t len = strlen(text);
    int prefix_last = len && isalnum((unsigned char)text[len - 1]);
    for (const char *p = text; *p;) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        const char *w = p;
        while (*p && isalnum((unsigned char)*p))
            p++;
        size_t wn = (size_t)(p - w);
        if (!wn)
            break;
        char word[64];
        if (wn >= sizeof(word))
            wn = sizeof(word) - 1;
        for (size_t i = 0; i < wn; i++)
            word[i] = (char)tolower((unsigned char)w[i]);
        word[wn] = '\0';
        int last = *p == '\0';
        if (mode != FTS_ALL && is_stopword(word))
            continue;
        if (mode == FTS_ALL_BUT && k++ == skip)
            continue;
        if (nw)
            rcm_buf_adds(q, mode == FTS_ANY ? " OR " : " ");
        /* a prefix of 1-2 letters matches most of the set: ranking it would cost 50-100 ms */
        rcm_buf_addf(q, "\"%s\"%s", word, last && prefix_last && wn >= 3 ? "*" : "");
        nw++;
    }
    return nw;
}

typedef struct search_state {
    rcm_code_hit *out;
    size_t max, n;
    long loads[SEARCH_KINDS];
    sqlite3_int64 *ids;     /* ids already listed */
} search_state;

static int seen(const search_state *ss, sqlite3_int64 id)
{
    for (size_t i = 0; i < ss->n; i++)
        if (ss->ids[i] == id)
            return 1;
    return 0;
}

static int collect(search_state *ss, rcm_store *st, const char *sql, const char *arg, int icd_only,
                   rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, sql, err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    for (int k = 0; k < SEARCH_KINDS; k++)
        sqlite3_bind_int64(s, 2 + k, ss->loads[k]);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)(ss->max * 2 + ss->n));
    if (sqlite3_bind_parameter_count(s) >= 6)
        sqlite3_bind_int(s, 6, icd_only);
    int r = SQLITE_DONE;
    while (ss->n < ss->max && (r = sqlite3_step(s)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(s, 0);
        if (seen(ss, id))
            continue;
        rcm_code_hit *h = &ss->out[ss->n];
        memset(h, 0, sizeof(*h));
        snprintf(h->set, sizeof(h->set), "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(h->code, sizeof(h->code), "%s", (const char *)sqlite3_column_text(s, 2));
        display_code(h->display, h->set, h->code);
        h->billable = sqlite3_column_int(s, 3);
        snprintf(h->desc, sizeof(h->desc), "%s", (const char *)sqlite3_column_text(s, 4));
        h->rank = sqlite3_column_double(s, 5);
        ss->ids[ss->n++] = id;
    }
    if (ss->n < ss->max && r != SQLITE_DONE) {
        int rc = store_sqlerr(st, err, "store: searching");
        sqlite3_finalize(s);
        return rc;
    }
    sqlite3_finalize(s);
    return 0;
}

static const char fts_sql[] =
    "SELECT r.id, r.code_set, r.code, r.billable, r.descr, bm25(ref_code_fts) AS rank"
    " FROM ref_code_fts JOIN ref_code r ON r.id = ref_code_fts.rowid"
    " WHERE ref_code_fts MATCH ?1 AND r.load_id IN (?2, ?3, ?4)"
    " ORDER BY r.billable DESC, rank LIMIT ?5";

static const char code_sql[] =
    "SELECT r.id, r.code_set, r.code, r.billable, r.descr, 0.0"
    " FROM ref_code r WHERE r.code >= ?1 AND r.code < ?1 || '~' AND +r.load_id IN (?2, ?3, ?4)"
    " AND (r.code_set IN ('icd10cm', 'hcpcs', 'hcpcs_mod', 'cpt') AND (?6 = 0 OR r.code_set = 'icd10cm'))"
    " ORDER BY r.code, r.code_set LIMIT ?5";

/* "E11.6", "j12", "9921": a code or the start of one; *dotted when it had an ICD-10-CM dot. */
static int code_like(const char *text, char *key, size_t keysz, int *dotted)
{
    size_t n = 0;
    int digit = 0;
    *dotted = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '.') {
            *dotted = 1;
            continue;
        }
        if (!isalnum((unsigned char)*p) || n + 1 >= keysz)
            return 0;
        digit |= isdigit((unsigned char)*p) != 0;
        key[n++] = (char)toupper((unsigned char)*p);
    }
    key[n] = '\0';
    return n >= 2 && digit;
}

int rcm_code_search(rcm_code_hit *out, size_t max, rcm_store *st, const char *text, rcm_date dos,
                    rcm_error *err)
{
    if (max == 0)
        return 0;
    search_state ss = { out, max, 0, { 0, 0, 0 }, NULL };
    int rc = 0;
    for (int k = 0; k < SEARCH_KINDS; k++)
        if ((rc = refdata_load_in_force(st, search_kinds[k], dos, &ss.loads[k], err)) < 0)
            return rc;
    if (!(ss.ids = malloc(max * sizeof(*ss.ids))))
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    char trimmed[64], key[RCM_CODE_MAX];
    size_t tn = 0;
    for (const char *p = text; *p && tn + 1 < sizeof(trimmed); p++)
        if (*p != ' ' && *p != '\t')
            trimmed[tn++] = *p;
    trimmed[tn] = '\0';
    /* a code or its start lists codes; words are searched when it matches none */
    int dotted = 0, codes_only = 0;
    if (!strpbrk(text, " \t") && code_like(trimmed, key, sizeof(key), &dotted)) {
        rc = collect(&ss, st, code_sql, key, dotted, err);
        codes_only = ss.n > 0;
    }
    rcm_buf q;
    rcm_buf_init(&q, 4096);
    /*
     * Every word; then, for 3-8 words, all but one (dropping the last typed
     * first): the codes matching most words, each query selective and fast;
     * then any word, by bm25.
     */
    rcm_buf_reset(&q);
    int m = fts_query(&q, text, FTS_ANY, 0);
    for (int step = -1; rc == 0 && !codes_only && step <= m && ss.n < max; step++) {
        int mode = step < 0 ? FTS_ALL : step < m ? FTS_ALL_BUT : FTS_ANY;
        if (mode == FTS_ALL_BUT && (m < 3 || m > 8))
            continue;
        if (mode == FTS_ANY && m < 2)
            continue;
        rcm_buf_reset(&q);
        int nw = fts_query(&q, text, mode, m - 1 - step);
        if (rcm_buf_failed(&q)) {
            rc = rcm_error_set(err, RCM_ELIMIT, "search text too long");
            break;
        }
        if (nw > 0)
            rc = collect(&ss, st, fts_sql, q.ptr, 0, err);
    }
    rcm_buf_release(&q);
    free(ss.ids);
    return rc < 0 ? rc : (int)ss.n;
}
