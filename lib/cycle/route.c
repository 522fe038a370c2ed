/*
 * The denial routing table: which queue an adjustment of an 835 goes to
 * (coder, biller, patient, or posted automatically), its root cause and
 * whether it counts as a denial, by (group, CARC, RARC). The built-in table
 * is routes.def; a practice replaces it whole by loading a CSV into
 * denial_route (docs/denials.md).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "route.h"
#include "../util/banned.h"

static const rcm_route_row builtin[] = {
#define ROUTE(g, c, r, route, root, denial, note) { g, c, r, route, root, denial, note },
#include "routes.def"
#undef ROUTE
};

static const char *const roots[] = {
    "bundling", "modifier", "dx-mismatch", "medical-necessity", "mue", "coding", "eligibility",
    "timely-filing", "cob", "missing-info", "authorization", "duplicate", "contractual", "patient-share", "other",
};

static const char *const routes[] = { "coder", "biller", "patient", "auto" };

static int in_list(const char *s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* ---- classifying ---- */

static int rarc_in(const char *rarc, const char *const *rarcs, size_t n, const char **hit)
{
    for (size_t i = 0; i < n; i++)
        if (rarcs[i] && strcmp(rarcs[i], rarc) == 0) {
            *hit = rarcs[i];
            return 1;
        }
    return 0;
}

void route_table_classify(const route_table *t, const char *group, const char *carc, const char *const *rarcs,
                          size_t n_rarcs, cycle_route *out, const char **rarc)
{
    const rcm_route_row *best = NULL;
    const char *best_rarc = "";
    int best_score = -1;
    group = group ? group : "";
    carc = carc ? carc : "";
    for (size_t i = 0; i < t->n; i++) {
        const rcm_route_row *r = &t->rows[i];
        const char *hit = "";
        if (r->group_code[0] && strcmp(r->group_code, group) != 0)
            continue;
        if (r->carc[0] && strcmp(r->carc, carc) != 0)
            continue;
        if (r->rarc[0] && !rarc_in(r->rarc, rarcs, n_rarcs, &hit))
            continue;
        int score = (r->carc[0] ? 4 : 0) + (r->rarc[0] ? 2 : 0) + (r->group_code[0] ? 1 : 0);
        if (score > best_score) {
            best = r;
            best_score = score;
            best_rarc = hit;
        }
    }
    memset(out, 0, sizeof(*out));
    if (best) {
        cstr_copy(out->route, sizeof(out->route), best->route);
        cstr_copy(out->root, sizeof(out->root), best->root);
        out->denial = best->denial;
    } else {
        cstr_copy(out->route, sizeof(out->route), "biller");
        cstr_copy(out->root, sizeof(out->root), "other");
        out->denial = 1;
    }
    if (rarc)
        *rarc = best_rarc;
}

/* ---- the table in effect ---- */

static void use_builtin(route_table *t)
{
    t->rows = builtin;
    t->n = ARRAY_SIZE(builtin);
    t->builtin = 1;
}

void route_table_release(route_table *t)
{
    free(t->owned);
    memset(t, 0, sizeof(*t));
}

int route_table_load(rcm_cycle *cy, route_table *t, rcm_error *err)
{
    memset(t, 0, sizeof(*t));
    use_builtin(t);
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT group_code, carc, rarc, route, root, denial, note FROM denial_route"
                           " ORDER BY group_code, carc, rarc",
                           err);
    if (rc < 0)
        return rc;
    size_t cap = 0, n = 0;
    rcm_route_row *v = NULL;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        rcm_route_row *nv = cycle_grow(v, &cap, n, sizeof(*nv), 64);
        if (!nv) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
            break;
        }
        v = nv;
        rcm_route_row *r = &v[n++];
        memset(r, 0, sizeof(*r));
        cstr_copy(r->group_code, sizeof(r->group_code), (const char *)sqlite3_column_text(s, 0));
        cstr_copy(r->carc, sizeof(r->carc), (const char *)sqlite3_column_text(s, 1));
        cstr_copy(r->rarc, sizeof(r->rarc), (const char *)sqlite3_column_text(s, 2));
        cstr_copy(r->route, sizeof(r->route), (const char *)sqlite3_column_text(s, 3));
        cstr_copy(r->root, sizeof(r->root), (const char *)sqlite3_column_text(s, 4));
        r->denial = sqlite3_column_int(s, 5);
        cstr_copy(r->note, sizeof(r->note), (const char *)sqlite3_column_text(s, 6));
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading the denial routing table");
    sqlite3_finalize(s);
    if (rc < 0 || n == 0) {
        free(v);
        return rc;
    }
    t->rows = v;
    t->owned = v;
    t->n = n;
    t->builtin = 0;
    return 0;
}

void cycle_route_classify(rcm_cycle *cy, const char *group, const char *carc, const char *const *rarcs,
                          size_t n_rarcs, cycle_route *out)
{
    route_table t;
    route_table_load(cy, &t, NULL); /* on a store error: the built-in table */
    route_table_classify(&t, group, carc, rarcs, n_rarcs, out, NULL);
    route_table_release(&t);
}

int rcm_routes_list(rcm_cycle *cy, rcm_route_row **out, size_t *n, int *builtin_out, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    int rc = cycle_require(cy, RCM_PERM_ROUTES_READ, err);
    if (rc < 0)
        return rc;
    route_table t;
    rc = route_table_load(cy, &t, err);
    if (rc < 0) {
        route_table_release(&t);
        return rc;
    }
    rcm_route_row *v = malloc((t.n ? t.n : 1) * sizeof(*v));
    if (!v) {
        route_table_release(&t);
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    memcpy(v, t.rows, t.n * sizeof(*v));
    *out = v;
    *n = t.n;
    if (builtin_out)
        *builtin_out = t.builtin;
    route_table_release(&t);
    return 0;
}

/* ---- loading a practice's table ---- */

enum { CSV_FIELDS = 7, NOTE_MAX = 127 };

/*
 * Splits one CSV line (no newline) into at most CSV_FIELDS fields, copied into
 * f (each up to fsz bytes). A field may be quoted ("..." with "" for a
 * quote); spaces around an unquoted field are dropped. Returns the field
 * count, or -1 with *why set.
 */
static int csv_split(const char *line, char f[CSV_FIELDS][160], const char **why)
{
    int nf = 0;
    const char *p = line;
    for (;;) {
        if (nf == CSV_FIELDS) {
            *why = "more than 7 fields (group,carc,rarc,route,root,denial,note)";
            return -1;
        }
        char *o = f[nf];
        size_t n = 0;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '"') {
            p++;
            for (;;) {
                if (!*p) {
                    *why = "a quoted field is not closed";
                    return -1;
                }
                if (*p == '"' && p[1] == '"') {
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else {
                    p++;
                }
                if (n + 1 >= 160) {
                    *why = "a field is longer than 159 bytes";
                    return -1;
                }
                o[n++] = p[-1];
            }
            while (*p == ' ' || *p == '\t')
                p++;
            if (*p && *p != ',') {
                *why = "text after a closing quote";
                return -1;
            }
        } else {
            while (*p && *p != ',') {
                if (n + 1 >= 160) {
                    *why = "a field is longer than 159 bytes";
                    return -1;
                }
                o[n++] = *p++;
            }
            while (n > 0 && (o[n - 1] == ' ' || o[n - 1] == '\t'))
                n--;
        }
        o[n] = '\0';
        nf++;
        if (*p != ',')
            return nf;
        p++;
    }
}

static int code_ok(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isupper((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Checks and converts one row's fields; *why names what is wrong. */
static int row_parse(rcm_route_row *r, char f[CSV_FIELDS][160], int nf, char *why, size_t whysz)
{
    memset(r, 0, sizeof(*r));
    if (nf < 6) {
        snprintf(why, whysz, "%d fields, expected group,carc,rarc,route,root,denial[,note]", nf);
        return -1;
    }
    for (int i = 0; i < 3; i++)
        if (strcmp(f[i], "*") == 0)
            f[i][0] = '\0';
    if (f[0][0] && strcmp(f[0], "CO") != 0 && strcmp(f[0], "OA") != 0 && strcmp(f[0], "PI") != 0 &&
        strcmp(f[0], "PR") != 0) {
        snprintf(why, whysz, "group '%.8s': one of CO, OA, PI, PR, or empty", f[0]);
        return -1;
    }
    if (f[1][0] && !code_ok(f[1], 1, 5)) {
        snprintf(why, whysz, "carc '%.8s': 1 to 5 capital letters or digits", f[1]);
        return -1;
    }
    if (f[2][0] && !code_ok(f[2], 2, 7)) {
        snprintf(why, whysz, "rarc '%.10s': 2 to 7 capital letters or digits", f[2]);
        return -1;
    }
    if (!in_list(f[3], routes, ARRAY_SIZE(routes))) {
        snprintf(why, whysz, "route '%.10s': one of coder, biller, patient, auto", f[3]);
        return -1;
    }
    if (!in_list(f[4], roots, ARRAY_SIZE(roots))) {
        snprintf(why, whysz, "root '%.20s': not a known root cause (docs/denials.md lists them)", f[4]);
        return -1;
    }
    if (strcmp(f[5], "0") != 0 && strcmp(f[5], "1") != 0) {
        snprintf(why, whysz, "denial '%.8s': 0 or 1", f[5]);
        return -1;
    }
    const char *note = nf > 6 ? f[6] : "";
    if (strlen(note) > NOTE_MAX) {
        snprintf(why, whysz, "note longer than %d bytes", NOTE_MAX);
        return -1;
    }
    for (const char *p = note; *p; p++)
        if ((unsigned char)*p < 0x20) {
            snprintf(why, whysz, "note holds a control character");
            return -1;
        }
    cstr_copy(r->group_code, sizeof(r->group_code), f[0]);
    cstr_copy(r->carc, sizeof(r->carc), f[1]);
    cstr_copy(r->rarc, sizeof(r->rarc), f[2]);
    cstr_copy(r->route, sizeof(r->route), f[3]);
    cstr_copy(r->root, sizeof(r->root), f[4]);
    r->denial = f[5][0] == '1';
    cstr_copy(r->note, sizeof(r->note), note);
    return 0;
}

typedef struct parsed {
    rcm_route_row *rows;
    long *lines;
    size_t n, cap;
} parsed;

static int parsed_add(parsed *p, const rcm_route_row *r, long line)
{
    if (p->n == p->cap) {
        size_t nc = p->cap ? p->cap * 2 : 64;
        rcm_route_row *nr = realloc(p->rows, nc * sizeof(*nr));
        if (!nr)
            return RCM_ENOMEM;
        p->rows = nr;
        long *nl = realloc(p->lines, nc * sizeof(*nl));
        if (!nl)
            return RCM_ENOMEM;
        p->lines = nl;
        p->cap = nc;
    }
    p->rows[p->n] = *r;
    p->lines[p->n] = line;
    p->n++;
    return 0;
}

/* A located RCM_EFORMAT: "PATH:LINE: message". */
static int bad_line(rcm_error *err, const char *path, long line, const char *fmt, ...) RCM_PRINTF(4, 5);
static int bad_line(rcm_error *err, const char *path, long line, const char *fmt, ...)
{
    if (!err)
        return RCM_EFORMAT;
    err->code = RCM_EFORMAT;
    err->source = path;
    err->line = line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return RCM_EFORMAT;
}

/* Reads and checks the whole file; a located error names the first bad line. */
static int parse_file(const char *path, const char *text, size_t len, parsed *out, rcm_error *err)
{
    const char *p = text, *end = text + len;
    long line = 0;
    char f[CSV_FIELDS][160];
    char why[200];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        size_t n = (size_t)(e - p);
        if (n && p[n - 1] == '\r')
            n--;
        char buf[1200];
        if (n >= sizeof(buf)) {
            return bad_line(err, path, line, "line longer than %zu bytes", sizeof(buf) - 1);
        }
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (memchr(buf, '\0', n)) {
            return bad_line(err, path, line, "a NUL byte: not a text file");
        }
        p = nl ? nl + 1 : end;
        const char *q = buf;
        while (*q == ' ' || *q == '\t')
            q++;
        if (!*q || *q == '#')
            continue;
        const char *whyc = NULL;
        int nf = csv_split(buf, f, &whyc);
        if (nf < 0) {
            return bad_line(err, path, line, "%s", whyc);
        }
        if (out->n == 0 && strcasecmp(f[0], "group") == 0)
            continue; /* the header */
        rcm_route_row r;
        if (row_parse(&r, f, nf, why, sizeof(why)) < 0) {
            return bad_line(err, path, line, "%s", why);
        }
        for (size_t i = 0; i < out->n; i++) {
            const rcm_route_row *o = &out->rows[i];
            if (strcmp(o->group_code, r.group_code) == 0 && strcmp(o->carc, r.carc) == 0 &&
                strcmp(o->rarc, r.rarc) == 0) {
                return bad_line(err, path, line, "group '%s' carc '%s' rarc '%s' again (first on line %ld)",
                                     r.group_code, r.carc, r.rarc, out->lines[i]);
            }
        }
        if (parsed_add(out, &r, line) < 0)
            return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    }
    if (out->n == 0) {
        return bad_line(err, path, 0, "no routing rows (group,carc,rarc,route,root,denial,note)");
    }
    return 0;
}

/* Replaces denial_route with rows (none: the built-in table applies again), in one transaction. */
static int table_replace(rcm_cycle *cy, const rcm_route_row *rows, size_t n, const char *action,
                         rcm_error *err)
{
    int rc = rcm_store_begin(cy->st, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    int64_t before = 0;
    if ((rc = store_prepare(cy->st, &s, "SELECT count(*) FROM denial_route", err)) < 0)
        goto fail;
    if (sqlite3_step(s) == SQLITE_ROW)
        before = sqlite3_column_int64(s, 0);
    else
        rc = store_sqlerr(cy->st, err, "reading the denial routing table");
    sqlite3_finalize(s);
    s = NULL;
    if (rc < 0 || (rc = store_exec(cy->st, "DELETE FROM denial_route", err)) < 0)
        goto fail;
    if (n) {
        if ((rc = store_prepare(cy->st, &s,
                                "INSERT INTO denial_route (group_code, carc, rarc, route, root, denial, note)"
                                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                                err)) < 0)
            goto fail;
        for (size_t i = 0; i < n && rc == 0; i++) {
            const rcm_route_row *r = &rows[i];
            sqlite3_bind_text(s, 1, r->group_code, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 2, r->carc, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 3, r->rarc, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 4, r->route, -1, SQLITE_STATIC);
            sqlite3_bind_text(s, 5, r->root, -1, SQLITE_STATIC);
            sqlite3_bind_int(s, 6, r->denial);
            sqlite3_bind_text(s, 7, r->note, -1, SQLITE_STATIC);
            rc = store_step_done(cy->st, s, "writing the denial routing table", err);
        }
        sqlite3_finalize(s);
        if (rc < 0)
            goto fail;
    }
    /* no rows stored: the built-in table applies */
    char detail[112], was[48], now[48];
    if (before)
        snprintf(was, sizeof(was), "practice rows %lld", (long long)before);
    else
        snprintf(was, sizeof(was), "built-in");
    if (n)
        snprintf(now, sizeof(now), "practice rows %zu", n);
    else
        snprintf(now, sizeof(now), "built-in");
    snprintf(detail, sizeof(detail), "table %s -> %s", was, now);
    if ((rc = cycle_audit(cy, action, "denial_route", 0, detail, err)) < 0)
        goto fail;
    return rcm_store_commit(cy->st, err);
fail:
    rcm_store_rollback(cy->st);
    return rc;
}

int rcm_routes_load(rcm_cycle *cy, const char *path, long *rows, rcm_error *err)
{
    if (rows)
        *rows = 0;
    int rc = cycle_require(cy, RCM_PERM_ROUTES_WRITE, err);
    if (rc < 0)
        return rc;
    char *text = NULL;
    size_t len = 0;
    rc = cycle_read_file(path, &text, &len, err);
    if (rc < 0)
        return rc;
    parsed p;
    memset(&p, 0, sizeof(p));
    rc = parse_file(path, text, len, &p, err);
    if (rc == 0)
        rc = table_replace(cy, p.rows, p.n, "routes-load", err);
    if (rc == 0 && rows)
        *rows = (long)p.n;
    free(p.rows);
    free(p.lines);
    free(text);
    return rc;
}

int rcm_routes_reset(rcm_cycle *cy, rcm_error *err)
{
    int rc = cycle_require(cy, RCM_PERM_ROUTES_WRITE, err);
    if (rc < 0)
        return rc;
    return table_replace(cy, NULL, 0, "routes-reset", err);
}
