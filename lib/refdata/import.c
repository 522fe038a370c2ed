/*
 * The import framework: read a reference-data file whole (plain, gzip or a
 * zip with one data file), checksum it, skip it when loaded before, detect
 * its kind, and run the kind's loader inside one transaction that records the
 * load, replaces an earlier load of the same kind and version, and commits
 * only when every row was good (or skipped with skip_bad).
 */
#include <errno.h>
#include <stdarg.h>
#include <ctype.h>
#include <sodium.h>
#include <zip.h>
#include <zlib.h>
#include "refdata_internal.h"

/* Largest decompressed file accepted (the national PTP table is ~150 MB). */
#define REFDATA_MAX_BYTES ((size_t)2 << 30)

/* ---- the kind table ---- */

#define KIND(n) extern const refdata_kind refdata_kind_##n;
#include "kinds.def"
#undef KIND

const refdata_kind *const refdata_kinds[] = {
#define KIND(n) &refdata_kind_##n,
#include "kinds.def"
#undef KIND
};
const size_t refdata_nkinds = sizeof(refdata_kinds) / sizeof(refdata_kinds[0]);

const refdata_kind *refdata_kind_find(const char *name)
{
    for (size_t i = 0; i < refdata_nkinds; i++)
        if (strcmp(refdata_kinds[i]->name, name) == 0)
            return refdata_kinds[i];
    return NULL;
}

const char *rcm_refdata_kind_name(size_t i, const char **description)
{
    if (i >= refdata_nkinds)
        return NULL;
    if (description)
        *description = refdata_kinds[i]->description;
    return refdata_kinds[i]->name;
}

void rcm_refdata_opts_init(rcm_refdata_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->eff_from = RCM_DATE_NONE;
    o->eff_to = RCM_DATE_NONE;
}

void rcm_refdata_report_release(rcm_refdata_report *r)
{
    if (!r)
        return;
    free(r->skipped);
    memset(r, 0, sizeof(*r));
}

/* ---- reading the file ---- */

typedef struct file_bytes {
    char *data;
    size_t len;
    char member[RCM_REFDATA_SOURCE_MAX]; /* zip member read, "" otherwise */
} file_bytes;

static int read_all(file_bytes *fb, const char *path, rcm_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return rcm_error_set(err, errno == ENOENT ? RCM_ENOTFOUND : RCM_EIO, "cannot open: %s",
                             strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *p = malloc(cap);
    int rc = 0;
    while (p) {
        if (len == cap) {
            if (cap >= REFDATA_MAX_BYTES) {
                rc = rcm_error_set(err, RCM_ELIMIT, "file is larger than %zu bytes", REFDATA_MAX_BYTES);
                break;
            }
            char *q = realloc(p, cap * 2);
            if (!q)
                break;
            p = q;
            cap *= 2;
        }
        size_t n = fread(p + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f))
                rc = rcm_error_set(err, RCM_EIO, "read failed: %s", strerror(errno));
            break;
        }
    }
    fclose(f);
    if (!p)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory reading the file");
    if (rc < 0) {
        free(p);
        return rc;
    }
    fb->data = p;
    fb->len = len;
    return 0;
}

/* Inflates gzip data (several members allowed, as gzip -c a b > c makes). */
static int gunzip(file_bytes *fb, rcm_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof(z));
    if (inflateInit2(&z, 15 + 16) != Z_OK)
        return rcm_error_set(err, RCM_ENOMEM, "gzip: cannot start zlib");
    size_t cap = fb->len * 4 + 4096, len = 0;
    char *out = malloc(cap);
    int rc = 0;
    z.next_in = (unsigned char *)fb->data;
    size_t in_left = fb->len;
    while (out) {
        if (len == cap) {
            if (cap >= REFDATA_MAX_BYTES) {
                rc = rcm_error_set(err, RCM_ELIMIT, "gzip: content is larger than %zu bytes",
                                   REFDATA_MAX_BYTES);
                break;
            }
            char *q = realloc(out, cap * 2);
            if (!q) {
                free(out);
                out = NULL;
                break;
            }
            out = q;
            cap *= 2;
        }
        uInt in_chunk = in_left > (1u << 30) ? (1u << 30) : (uInt)in_left;
        z.avail_in = in_chunk;
        size_t room = cap - len;
        z.avail_out = room > (1u << 30) ? (1u << 30) : (uInt)room;
        z.next_out = (unsigned char *)out + len;
        uInt out_before = z.avail_out;
        int zr = inflate(&z, Z_NO_FLUSH);
        len += out_before - z.avail_out;
        in_left -= in_chunk - z.avail_in;
        if (zr == Z_STREAM_END) {
            /* another member follows? skip any trailing zero padding */
            if (in_left >= 2 && z.next_in[0] == 0x1f && z.next_in[1] == 0x8b) {
                inflateReset(&z);
                continue;
            }
            break;
        }
        if (zr == Z_BUF_ERROR && in_left == 0) {
            rc = rcm_error_set(err, RCM_EFORMAT, "gzip: the file is truncated");
            break;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            rc = rcm_error_set(err, RCM_EFORMAT, "gzip: corrupt data (%s)", z.msg ? z.msg : "inflate failed");
            break;
        }
    }
    inflateEnd(&z);
    if (!out)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory decompressing");
    if (rc < 0) {
        free(out);
        return rc;
    }
    free(fb->data);
    fb->data = out;
    fb->len = len;
    return 0;
}

static int has_data_ext(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcasecmp(dot, ".txt") == 0 || strcasecmp(dot, ".csv") == 0 ||
                   strcasecmp(dot, ".tsv") == 0);
}

/* A downloaded zip: its one data file (.txt/.csv/.tsv); read documents are ignored. */
static int unzip_one(file_bytes *fb, rcm_error *err)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *src = zip_source_buffer_create(fb->data, fb->len, 0, &ze);
    zip_t *za = src ? zip_open_from_source(src, ZIP_RDONLY, &ze) : NULL;
    if (!za) {
        int rc = rcm_error_set(err, RCM_EFORMAT, "zip: %s", zip_error_strerror(&ze));
        if (src)
            zip_source_free(src);
        zip_error_fini(&ze);
        return rc;
    }
    zip_error_fini(&ze);
    zip_int64_t n = zip_get_num_entries(za, 0), pick = -1;
    int ndata = 0;
    for (zip_int64_t i = 0; i < n; i++) {
        const char *nm = zip_get_name(za, (zip_uint64_t)i, 0);
        if (nm && has_data_ext(nm) && nm[strlen(nm) - 1] != '/') {
            ndata++;
            pick = i;
        }
    }
    int rc = 0;
    if (ndata != 1) {
        if (ndata)
            rc = rcm_error_set(err, RCM_EFORMAT, "zip: holds %d data files: unzip it and import each one",
                               ndata);
        else
            rc = rcm_error_set(err, RCM_EFORMAT, "zip: holds no .txt, .csv or .tsv file");
        goto done;
    }
    zip_stat_t zs;
    if (zip_stat_index(za, (zip_uint64_t)pick, 0, &zs) < 0 || !(zs.valid & ZIP_STAT_SIZE)) {
        rc = rcm_error_set(err, RCM_EFORMAT, "zip: cannot read the member's size");
        goto done;
    }
    if (zs.size > REFDATA_MAX_BYTES) {
        rc = rcm_error_set(err, RCM_ELIMIT, "zip: member is larger than %zu bytes", REFDATA_MAX_BYTES);
        goto done;
    }
    char *out = malloc(zs.size + 1);
    zip_file_t *zf = out ? zip_fopen_index(za, (zip_uint64_t)pick, 0) : NULL;
    if (!zf || zip_fread(zf, out, zs.size) != (zip_int64_t)zs.size) {
        rc = out ? rcm_error_set(err, RCM_EFORMAT, "zip: cannot read '%s': %s", zs.name,
                                 zip_strerror(za))
                 : rcm_error_set(err, RCM_ENOMEM, "out of memory unzipping");
        if (zf)
            zip_fclose(zf);
        free(out);
        goto done;
    }
    zip_fclose(zf);
    const char *base = strrchr(zs.name, '/');
    snprintf(fb->member, sizeof(fb->member), "%s", base ? base + 1 : zs.name);
    free(fb->data);
    fb->data = out;
    fb->len = zs.size;
done:
    zip_close(za); /* frees src */
    return rc;
}

static int load_bytes(file_bytes *fb, const char *path, rcm_error *err)
{
    memset(fb, 0, sizeof(*fb));
    int rc = read_all(fb, path, err);
    if (rc < 0)
        return rc;
    const unsigned char *u = (const unsigned char *)fb->data;
    if (fb->len >= 2 && u[0] == 0x1f && u[1] == 0x8b)
        rc = gunzip(fb, err);
    else if (fb->len >= 4 && memcmp(u, "PK\x03\x04", 4) == 0)
        rc = unzip_one(fb, err);
    if (rc < 0) {
        free(fb->data);
        fb->data = NULL;
    }
    return rc;
}

/* The base name of path without a trailing .gz, into out. */
static void base_name(char *out, size_t outsz, const char *path)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (n > 3 && strcasecmp(b + n - 3, ".gz") == 0)
        n -= 3;
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, b, n);
    out[n] = '\0';
}

static void sha256_hex(char out[65], const char *data, size_t len)
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)data, len);
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < sizeof(h); i++) {
        out[2 * i] = hex[h[i] >> 4];
        out[2 * i + 1] = hex[h[i] & 15];
    }
    out[64] = '\0';
}

static const refdata_kind *detect(const refdata_probe *p)
{
    const refdata_kind *best = NULL;
    int best_score = 0;
    for (size_t i = 0; i < refdata_nkinds; i++) {
        int s = refdata_kinds[i]->detect ? refdata_kinds[i]->detect(p) : 0;
        if (s > best_score) {
            best_score = s;
            best = refdata_kinds[i];
        }
    }
    return best;
}

/* ---- helpers for loaders ---- */

int refdata_next_line(refdata_ctx *c, rcm_str *line)
{
    if (c->pos >= c->len)
        return 0;
    const char *p = c->data + c->pos;
    const char *nl = memchr(p, '\n', c->len - c->pos);
    size_t n = nl ? (size_t)(nl - p) : c->len - c->pos;
    c->pos += n + (nl ? 1 : 0);
    if (n && p[n - 1] == '\r')
        n--;
    if (c->line == 0 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3;
        n -= 3;
    }
    c->line++;
    line->p = p;
    line->n = n;
    return 1;
}

static int add_skip(refdata_ctx *c, const char *msg)
{
    rcm_refdata_report *r = c->report;
    if ((r->nskipped & (r->nskipped - 1)) == 0) { /* grow at powers of two */
        size_t cap = r->nskipped ? r->nskipped * 2 : 8;
        rcm_refdata_skip *q = realloc(r->skipped, cap * sizeof(*q));
        if (!q)
            return rcm_error_set(c->err, RCM_ENOMEM, "out of memory listing skipped lines");
        r->skipped = q;
    }
    rcm_refdata_skip *s = &r->skipped[r->nskipped++];
    s->line = c->line;
    snprintf(s->msg, sizeof(s->msg), "%s", msg);
    return 0;
}

int refdata_bad(refdata_ctx *c, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (c->opts->skip_bad)
        return add_skip(c, msg);
    rcm_error_set(c->err, RCM_EFORMAT, "%s", msg);
    if (c->err)
        c->err->line = c->line;
    return RCM_EFORMAT;
}

int refdata_fail(refdata_ctx *c, int code, const char *fmt, ...)
{
    if (c->err) {
        c->err->code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err->msg, sizeof(c->err->msg), fmt, ap);
        va_end(ap);
        c->err->line = c->line;
    }
    return code;
}

int refdata_sqlerr(refdata_ctx *c, const char *what)
{
    int rc = store_sqlerr(c->st, c->err, what);
    if (c->err)
        c->err->line = c->line;
    return rc;
}

static rcm_str trim(const char *p, size_t n)
{
    while (n && (*p == ' ' || *p == '\t'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    rcm_str s = { p, n };
    return s;
}

int refdata_split(refdata_ctx *c, rcm_str line, char sep, rcm_str *f, int max)
{
    rcm_buf_reset(&c->scratch);
    /* every field is copied with its NUL: at most line.n + 1 fields */
    char *out = rcm_buf_reserve(&c->scratch, 2 * line.n + 2);
    if (!out)
        return -1;
    size_t i = 0, o = 0;
    int nf = 0;
    for (;;) {
        size_t start = o;
        /* leading blanks before a quote */
        size_t j = i;
        while (sep != '\t' && j < line.n && line.p[j] == ' ')
            j++;
        if (sep != '\t' && j < line.n && line.p[j] == '"') {
            i = j + 1;
            for (;;) {
                if (i >= line.n)
                    return -1;
                if (line.p[i] == '"') {
                    if (i + 1 < line.n && line.p[i + 1] == '"') {
                        out[o++] = '"';
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                out[o++] = line.p[i++];
            }
            while (i < line.n && line.p[i] != sep)
                i++; /* text after the closing quote is dropped */
        } else {
            while (i < line.n && line.p[i] != sep)
                out[o++] = line.p[i++];
        }
        rcm_str v = trim(out + start, o - start);
        out[o++] = '\0';
        ((char *)v.p)[v.n] = '\0';
        if (nf < max)
            f[nf] = v;
        nf++;
        if (i >= line.n)
            break;
        i++; /* the separator */
    }
    return nf;
}

int refdata_header_is(rcm_str *f, int n, const char *const *names, int nnames)
{
    if (n < nnames)
        return 0;
    for (int i = 0; i < nnames; i++)
        if (strlen(names[i]) != f[i].n || strncasecmp(names[i], f[i].p, f[i].n) != 0)
            return 0;
    return 1;
}

int refdata_probe_starts(const refdata_probe *p, const char *s)
{
    const char *h = p->head;
    size_t len = p->len;
    if (len >= 3 && memcmp(h, "\xEF\xBB\xBF", 3) == 0)
        h += 3, len -= 3;
    size_t n = strlen(s);
    return len >= n && strncasecmp(h, s, n) == 0;
}

int refdata_name_has(const refdata_probe *p, const char *s)
{
    return p->name && strcasestr(p->name, s) != NULL;
}

/* Where the first year 1990-2099 starts in name, NULL when none. */
static const char *year_at(const char *name)
{
    for (const char *p = name; p && *p; p++) {
        if ((p == name || !isdigit((unsigned char)p[-1])) && isdigit((unsigned char)p[0]) &&
            isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
            isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4])) {
            int y = (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0');
            if (y >= 1990 && y <= 2099)
                return p;
        }
    }
    return NULL;
}

int refdata_year_in_name(const char *name)
{
    const char *p = year_at(name);
    return p ? (p[0] - '0') * 1000 + (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0') : 0;
}

static int year_of_version(const char *v)
{
    if (strlen(v) < 4)
        return 0;
    for (int i = 0; i < 4; i++)
        if (!isdigit((unsigned char)v[i]))
            return 0;
    if (v[4] && isdigit((unsigned char)v[4]))
        return 0;
    int y = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
    return y >= 1990 && y <= 2099 ? y : 0;
}

int refdata_default_version(refdata_ctx *c, int required)
{
    if (!c->version[0]) {
        /* "..._2022..." gives "2022"; "..._2016-03..." gives "2016-03" */
        const char *p = year_at(c->name);
        if (p) {
            int ym = p[4] == '-' && isdigit((unsigned char)p[5]) && isdigit((unsigned char)p[6]) &&
                     !isdigit((unsigned char)p[7]) && (p[5] - '0') * 10 + (p[6] - '0') >= 1 &&
                     (p[5] - '0') * 10 + (p[6] - '0') <= 12;
            snprintf(c->version, sizeof(c->version), "%.*s", ym ? 7 : 4, p);
        }
    }
    if (!c->version[0] && required) {
        c->line = 0;
        return refdata_fail(c, RCM_EINVAL,
                            "no version: put the year in the file name (%s_YYYY...) or pass --version",
                            c->kind->name);
    }
    return year_of_version(c->version);
}

int refdata_parse_date(rcm_date *out, rcm_str s)
{
    if (s.n == 0) {
        *out = RCM_DATE_NONE;
        return 0;
    }
    if (s.n == 10 && s.p[2] == '/' && s.p[5] == '/') {
        char iso[11] = { s.p[6], s.p[7], s.p[8], s.p[9], '-', s.p[0], s.p[1], '-', s.p[3], s.p[4], 0 };
        return rcm_date_parse_iso(out, rcm_str_c(iso)) < 0 ? RCM_EFORMAT : 0;
    }
    if (s.n == 10)
        return rcm_date_parse_iso(out, s) < 0 ? RCM_EFORMAT : 0;
    if (s.n == 8)
        return rcm_date_parse(out, s) < 0 ? RCM_EFORMAT : 0;
    return RCM_EFORMAT;
}

static int is_searchable(const char *set)
{
    return strcmp(set, "icd10cm") == 0 || strcmp(set, "hcpcs") == 0 ||
           strcmp(set, "hcpcs_mod") == 0 || strcmp(set, "cpt") == 0;
}

int refdata_code_put(refdata_ctx *c, const char *set, rcm_str code, rcm_date valid_from,
                     rcm_date valid_to, int billable, rcm_str short_desc, rcm_str desc)
{
    if (!c->code_put) {
        if (store_prepare(c->st, &c->code_put,
                          "INSERT INTO ref_code (id, load_id, code_set, code, valid_from, valid_to,"
                          " billable, short_desc, descr) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          c->err) < 0 ||
            store_prepare(c->st, &c->fts_put, "INSERT INTO ref_code_fts (rowid, descr) VALUES (?, ?)",
                          c->err) < 0)
            return refdata_sqlerr(c, "store: preparing the code insert");
        sqlite3_stmt *s = NULL;
        if (store_prepare(c->st, &s, "SELECT coalesce(max(id), 0) FROM ref_code", c->err) < 0)
            return refdata_sqlerr(c, "store: ref_code ids");
        c->next_code_id = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) + 1 : 1;
        sqlite3_finalize(s);
    }
    long id = c->next_code_id++;
    sqlite3_stmt *s = c->code_put;
    sqlite3_bind_int64(s, 1, id);
    sqlite3_bind_int64(s, 2, c->load_id);
    sqlite3_bind_text(s, 3, set, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, code.p, (int)code.n, SQLITE_TRANSIENT);
    store_bind_date(s, 5, valid_from);
    store_bind_date(s, 6, valid_to);
    sqlite3_bind_int(s, 7, billable);
    if (short_desc.n)
        sqlite3_bind_text(s, 8, short_desc.p, (int)short_desc.n, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(s, 8);
    sqlite3_bind_text(s, 9, desc.p, (int)desc.n, SQLITE_TRANSIENT);
    if (sqlite3_step(s) != SQLITE_DONE) {
        sqlite3_reset(s);
        return refdata_sqlerr(c, "store: saving a code");
    }
    sqlite3_reset(s);
    if (is_searchable(set)) {
        s = c->fts_put;
        sqlite3_bind_int64(s, 1, id);
        sqlite3_bind_text(s, 2, desc.p, (int)desc.n, SQLITE_TRANSIENT);
        if (sqlite3_step(s) != SQLITE_DONE) {
            sqlite3_reset(s);
            return refdata_sqlerr(c, "store: indexing a description");
        }
        sqlite3_reset(s);
    }
    c->rows++;
    return 0;
}

int refdata_load_in_force(rcm_store *st, const char *kind, rcm_date dos, long *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    *out = 0;
    const char *sql = dos == RCM_DATE_NONE
        ? "SELECT load_id FROM refdata_load WHERE kind = ?1 AND replaced_by IS NULL"
          " ORDER BY coalesce(eff_from, -2147483647) DESC, load_id DESC LIMIT 1"
        : "SELECT load_id FROM refdata_load WHERE kind = ?1 AND replaced_by IS NULL"
          " AND (eff_from IS NULL OR eff_from <= ?2) AND (eff_to IS NULL OR eff_to >= ?2)"
          " ORDER BY coalesce(eff_from, -2147483647) DESC, load_id DESC LIMIT 1";
    if (store_prepare(st, &s, sql, err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    if (dos != RCM_DATE_NONE)
        sqlite3_bind_int(s, 2, dos);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW)
        *out = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return store_sqlerr(st, err, "store: finding the load in force");
    return 0;
}

/* ---- the import ---- */

/* An earlier load of this file (same kind and checksum): its id, 0 none. */
static int find_same(rcm_store *st, const char *kind, const char *sha, long *id, long *replaced_by,
                     rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    *id = *replaced_by = 0;
    if (store_prepare(st, &s, "SELECT load_id, coalesce(replaced_by, 0) FROM refdata_load"
                              " WHERE kind = ? AND sha256 = ?", err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
    int r = sqlite3_step(s);
    if (r == SQLITE_ROW) {
        *id = (long)sqlite3_column_int64(s, 0);
        *replaced_by = (long)sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return store_sqlerr(st, err, "store: looking for an earlier load");
    return 0;
}

static int exec_bind1(rcm_store *st, const char *sql, long v, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, sql, err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, v);
    int rc = store_step_done(st, s, "store: replacing an earlier load", err);
    sqlite3_finalize(s);
    return rc;
}

/* Deletes the rows of an earlier load of the same kind and version and marks it replaced. */
static int replace_earlier(refdata_ctx *c, long *replaced)
{
    sqlite3_stmt *s = NULL;
    *replaced = 0;
    if (store_prepare(c->st, &s, "SELECT load_id FROM refdata_load WHERE kind = ? AND version = ?"
                                 " AND load_id <> ? AND replaced_by IS NULL", c->err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, c->kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, c->version, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 3, c->load_id);
    long ids[16];
    int n = 0, r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW && n < 16)
        ids[n++] = (long)sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    if (r != SQLITE_ROW && r != SQLITE_DONE)
        return store_sqlerr(c->st, c->err, "store: looking for an earlier load");
    for (int i = 0; i < n; i++) {
        int rc;
        if ((rc = exec_bind1(c->st, "INSERT INTO ref_code_fts (ref_code_fts, rowid, descr)"
                             " SELECT 'delete', id, descr FROM ref_code WHERE load_id = ?"
                             " AND code_set IN ('icd10cm', 'hcpcs', 'hcpcs_mod', 'cpt')",
                             ids[i], c->err)) < 0 ||
            (rc = exec_bind1(c->st, "DELETE FROM ref_code WHERE load_id = ?", ids[i], c->err)) < 0)
            return rc;
        for (const char *const *t = c->kind->tables; t && *t; t++) {
            char sql[160];
            snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE load_id = ?", *t);
            if ((rc = exec_bind1(c->st, sql, ids[i], c->err)) < 0)
                return rc;
        }
        sqlite3_stmt *u = NULL;
        if (store_prepare(c->st, &u, "UPDATE refdata_load SET replaced_by = ? WHERE load_id = ?",
                          c->err) < 0)
            return RCM_EIO;
        sqlite3_bind_int64(u, 1, c->load_id);
        sqlite3_bind_int64(u, 2, ids[i]);
        rc = store_step_done(c->st, u, "store: replacing an earlier load", c->err);
        sqlite3_finalize(u);
        if (rc < 0)
            return rc;
        *replaced = ids[i];
    }
    return 0;
}

static int insert_load(refdata_ctx *c, const char *sha, int64_t now)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, "SELECT coalesce(max(load_id), 0) + 1 FROM refdata_load", c->err) < 0)
        return RCM_EIO;
    int r = sqlite3_step(s);
    c->load_id = r == SQLITE_ROW ? (long)sqlite3_column_int64(s, 0) : 0;
    sqlite3_finalize(s);
    if (r != SQLITE_ROW)
        return store_sqlerr(c->st, c->err, "store: new load id");
    if (store_prepare(c->st, &s, "INSERT INTO refdata_load (load_id, kind, version, source, sha256,"
                                 " row_count, skipped, loaded_at) VALUES (?, ?, '', ?, ?, 0, 0, ?)",
                      c->err) < 0)
        return RCM_EIO;
    sqlite3_bind_int64(s, 1, c->load_id);
    sqlite3_bind_text(s, 2, c->kind->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, c->report->source, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, sha, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 5, now);
    int rc = store_step_done(c->st, s, "store: recording the load", c->err);
    sqlite3_finalize(s);
    return rc;
}

static int finish_load(refdata_ctx *c)
{
    sqlite3_stmt *s = NULL;
    if (store_prepare(c->st, &s, "UPDATE refdata_load SET version = ?, eff_from = ?, eff_to = ?,"
                                 " row_count = ?, skipped = ? WHERE load_id = ?", c->err) < 0)
        return RCM_EIO;
    sqlite3_bind_text(s, 1, c->version, -1, SQLITE_STATIC);
    store_bind_date(s, 2, c->eff_from);
    store_bind_date(s, 3, c->eff_to);
    sqlite3_bind_int64(s, 4, c->rows);
    sqlite3_bind_int64(s, 5, (sqlite3_int64)c->report->nskipped);
    sqlite3_bind_int64(s, 6, c->load_id);
    int rc = store_step_done(c->st, s, "store: recording the load", c->err);
    sqlite3_finalize(s);
    return rc;
}

static int run_loader(refdata_ctx *c, const char *sha)
{
    int rc;
    if ((rc = rcm_store_begin(c->st, c->err)) < 0)
        return rc;
    if ((rc = insert_load(c, sha, c->opts->now)) < 0)
        goto fail;
    if ((rc = c->kind->load(c)) < 0)
        goto fail;
    c->line = 0;
    if (!c->version[0]) {
        rc = refdata_fail(c, RCM_EINVAL, "no version: pass --version");
        goto fail;
    }
    if (c->opts->eff_from != RCM_DATE_NONE)
        c->eff_from = c->opts->eff_from;
    if (c->opts->eff_to != RCM_DATE_NONE)
        c->eff_to = c->opts->eff_to;
    if (c->eff_from != RCM_DATE_NONE && c->eff_to != RCM_DATE_NONE && c->eff_to < c->eff_from) {
        rc = refdata_fail(c, RCM_EINVAL, "effective range ends before it starts");
        goto fail;
    }
    if (c->rows == 0) {
        rc = refdata_fail(c, RCM_EFORMAT, "no rows: nothing to load");
        goto fail;
    }
    if ((rc = replace_earlier(c, &c->report->replaced)) < 0 || (rc = finish_load(c)) < 0)
        goto fail;
    if ((rc = rcm_store_commit(c->st, c->err)) < 0)
        goto fail;
    return 0;
fail:
    rcm_store_rollback(c->st);
    return rc;
}

static int import(rcm_store *st, const char *path, const rcm_refdata_opts *opts,
                  rcm_refdata_report *report, rcm_error *err)
{
    rcm_refdata_opts dflt;
    if (!opts) {
        rcm_refdata_opts_init(&dflt);
        opts = &dflt;
    }
    memset(report, 0, sizeof(*report));
    report->eff_from = report->eff_to = RCM_DATE_NONE;
    rcm_error_clear(err);
    if (err)
        err->source = path;
    if (sodium_init() < 0)
        return rcm_error_set(err, RCM_EIO, "cannot start the checksum library");

    const refdata_kind *kind = NULL;
    if (opts->kind && !(kind = refdata_kind_find(opts->kind)))
        return rcm_error_set(err, RCM_EINVAL, "unknown kind '%s' (rcm refdata kinds lists them)",
                             opts->kind);

    file_bytes fb;
    int rc = load_bytes(&fb, path, err);
    if (rc < 0)
        return rc;

    char name[RCM_REFDATA_SOURCE_MAX];
    if (fb.member[0])
        snprintf(name, sizeof(name), "%s", fb.member);
    else
        base_name(name, sizeof(name), path);
    if (opts->source_name)
        snprintf(report->source, sizeof(report->source), "%s", opts->source_name);
    else
        base_name(report->source, sizeof(report->source), path);
    sha256_hex(report->sha256, fb.data, fb.len);

    if (!kind) {
        refdata_probe p = { name, fb.data, fb.len < REFDATA_PROBE_MAX ? fb.len : REFDATA_PROBE_MAX };
        if (!(kind = detect(&p))) {
            free(fb.data);
            return rcm_error_set(err, RCM_EINVAL,
                                 "cannot tell what kind of file this is: name it with --kind");
        }
    }
    snprintf(report->kind, sizeof(report->kind), "%s", kind->name);

    long same = 0, same_replaced = 0;
    if ((rc = find_same(st, kind->name, report->sha256, &same, &same_replaced, err)) < 0) {
        free(fb.data);
        return rc;
    }
    if (same) {
        report->already_loaded = 1;
        report->load_id = same;
        free(fb.data);
        sqlite3_stmt *s = NULL;
        if (store_prepare(st, &s, "SELECT version, eff_from, eff_to, row_count FROM refdata_load"
                                  " WHERE load_id = ?", err) == 0) {
            sqlite3_bind_int64(s, 1, same);
            if (sqlite3_step(s) == SQLITE_ROW) {
                snprintf(report->version, sizeof(report->version), "%s",
                         (const char *)sqlite3_column_text(s, 0));
                report->eff_from = store_column_date(s, 1);
                report->eff_to = store_column_date(s, 2);
                report->rows = (long)sqlite3_column_int64(s, 3);
            }
            sqlite3_finalize(s);
        }
        return 0;
    }

    refdata_ctx c;
    memset(&c, 0, sizeof(c));
    c.st = st;
    c.db = store_db(st);
    c.kind = kind;
    c.opts = opts;
    c.path = path;
    c.name = name;
    c.data = fb.data;
    c.len = fb.len;
    c.report = report;
    c.err = err;
    c.eff_from = c.eff_to = RCM_DATE_NONE;
    if (opts->version)
        snprintf(c.version, sizeof(c.version), "%s", opts->version);
    rcm_buf_init(&c.scratch, RCM_MAX_DOCUMENT);

    rc = run_loader(&c, report->sha256);

    sqlite3_finalize(c.code_put);
    sqlite3_finalize(c.fts_put);
    rcm_buf_release(&c.scratch);
    free(fb.data);
    report->lines = c.line;
    snprintf(report->version, sizeof(report->version), "%s", c.version);
    report->eff_from = c.eff_from;
    report->eff_to = c.eff_to;
    report->rows = c.rows;
    if (rc < 0) {
        report->load_id = 0;
        return rc;
    }
    report->load_id = c.load_id;
    return 0;
}

int rcm_refdata_import(rcm_store *st, const char *path, const rcm_refdata_opts *opts,
                       rcm_refdata_report *report, rcm_error *err)
{
    rcm_refdata_report own;
    int rc = import(st, path, opts, report ? report : &own, err);
    if (!report)
        rcm_refdata_report_release(&own);
    return rc;
}

/* ---- status ---- */

int rcm_refdata_loads(rcm_refdata_load **out, size_t *n, rcm_store *st, rcm_error *err)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *s = NULL;
    if (store_prepare(st, &s, "SELECT load_id, kind, version, source, sha256, eff_from, eff_to,"
                              " row_count, skipped, loaded_at, coalesce(replaced_by, 0)"
                              " FROM refdata_load ORDER BY kind, coalesce(eff_from, -2147483647),"
                              " load_id", err) < 0)
        return RCM_EIO;
    size_t cap = 0;
    rcm_refdata_load *v = NULL;
    int r;
    while ((r = sqlite3_step(s)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            rcm_refdata_load *q = realloc(v, cap * sizeof(*v));
            if (!q) {
                sqlite3_finalize(s);
                free(v);
                return rcm_error_set(err, RCM_ENOMEM, "out of memory listing loads");
            }
            v = q;
        }
        rcm_refdata_load *l = &v[(*n)++];
        memset(l, 0, sizeof(*l));
        l->id = (long)sqlite3_column_int64(s, 0);
        snprintf(l->kind, sizeof(l->kind), "%s", (const char *)sqlite3_column_text(s, 1));
        snprintf(l->version, sizeof(l->version), "%s", (const char *)sqlite3_column_text(s, 2));
        snprintf(l->source, sizeof(l->source), "%s", (const char *)sqlite3_column_text(s, 3));
        snprintf(l->sha256, sizeof(l->sha256), "%s", (const char *)sqlite3_column_text(s, 4));
        l->eff_from = store_column_date(s, 5);
        l->eff_to = store_column_date(s, 6);
        l->rows = (long)sqlite3_column_int64(s, 7);
        l->skipped = (long)sqlite3_column_int64(s, 8);
        l->loaded_at = sqlite3_column_int64(s, 9);
        l->replaced_by = (long)sqlite3_column_int64(s, 10);
    }
    sqlite3_finalize(s);
    if (r != SQLITE_DONE) {
        free(v);
        *n = 0;
        return store_sqlerr(st, err, "store: listing loads");
    }
    *out = v;
    return 0;
}
