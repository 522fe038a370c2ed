/*
 * Fuzz target: the reference-data importers. The first byte picks the kind
 * (rcm_refdata_kind_name), the rest is the file, imported into a fresh
 * store with --skip-bad off and then on; whatever was stored is
 * then read back through the code-set snapshot the scrubber uses. A
 * malformed file must fail with a located message and store nothing; an
 * accepted one must give a report that adds up.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"

#define CHECK(c)                                                                            \
    do {                                                                                    \
        if (!(c)) {                                                                         \
            fprintf(stderr, "fuzz_refdata: check failed: %s (line %d)\n", #c, __LINE__);    \
            abort();                                                                        \
        }                                                                                   \
    } while (0)

static char path[64], db[80];

/* A fresh store file for each import (SQLite's own ":memory:" would do, but the store creates its file first). */
static void remove_db(void)
{
    static const char *const ext[] = { "", "-wal", "-shm", "-journal", ".refidx" };
    char p[96];
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", db, ext[i]);
        unlink(p);
    }
}

static void remove_input(void)
{
    unlink(path);
    remove_db();
}

/* The kinds whose versions are quarters; the rest take a year. */
static int quarterly(const char *kind)
{
    return strncmp(kind, "ptp", 3) == 0 || strncmp(kind, "mue", 3) == 0 || strcmp(kind, "aoc") == 0;
}

static void one(const char *kind, int skip_bad)
{
    rcm_store *st = NULL;
    rcm_error err;
    remove_db();
    CHECK(rcm_store_open(&st, db, RCM_STORE_CREATE, &err) == 0);
    rcm_refdata_opts o;
    rcm_refdata_opts_init(&o);
    o.kind = kind;
    o.version = quarterly(kind) ? "2025Q3" : "2025";
    o.skip_bad = skip_bad;
    o.now = 1;
    o.source_name = "fuzz.txt";
    rcm_refdata_report rep;
    memset(&rep, 0, sizeof(rep));
    memset(&err, 0, sizeof(err));
    int rc = rcm_refdata_import(st, path, &o, &rep, &err);
    if (rc < 0) {
        CHECK(err.msg[0]);
        rcm_refdata_load *loads = NULL;
        size_t n = 0;
        CHECK(rcm_refdata_loads(&loads, &n, st, &err) == 0);
        CHECK(n == 0); /* nothing half-written */
        free(loads);
    } else {
        CHECK(rep.rows >= 0 && rep.lines >= 0);
        CHECK(skip_bad || rep.nskipped == 0);
        rcm_codeset *cs = NULL;
        CHECK(rcm_codeset_open_store(&cs, st, &err) == 0);
        rcm_code_fact f;
        for (int set = 0; set < RCM_SET_COUNT; set++)
            (void)rcm_codeset_find(cs, set, rcm_str_c("E119"), rcm_date_from_ymd(2025, 8, 1), &f);
        rcm_codeset_free(cs);
    }
    rcm_refdata_report_release(&rep);
    rcm_store_close(st);
    remove_db();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    if (!path[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(path, sizeof(path), "%s/rcm-fuzz-XXXXXX", t && *t && strlen(t) < 40 ? t : "/tmp");
        int fd = mkstemp(path);
        CHECK(fd >= 0);
        close(fd);
        snprintf(db, sizeof(db), "%s.db", path);
        atexit(remove_input);
    }
    size_t nkinds = 0;
    while (rcm_refdata_kind_name(nkinds, NULL))
        nkinds++;
    const char *kind = rcm_refdata_kind_name(data[0] % nkinds, NULL);
    FILE *f = fopen(path, "wb");
    CHECK(f);
    CHECK(fwrite(data + 1, 1, size - 1, f) == size - 1);
    CHECK(fclose(f) == 0);
    one(kind, 0);
    one(kind, 1);
    return 0;
}
