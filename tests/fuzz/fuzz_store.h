/*
 * The throwaway store of the fuzz targets that need one: a private
 * directory in the temporary folder ($TMPDIR when set) holding the store
 * "f.db" and the one file each input is written to, created on the first
 * input and removed at exit.
 *
 * Functions are static so that a target (fuzz_NAME.c, built alone with the
 * replay driver or libFuzzer) needs nothing more than this header. Include
 * it after defining CHECK(c), the target's own check that aborts with its
 * name.
 */
#ifndef RCM_FUZZ_STORE_H
#define RCM_FUZZ_STORE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "rcm/rcm.h"

typedef struct fuzz_store {
    char dir[64];
    char file[96];      /* where each input is written */
    char db[96];
} fuzz_store;

/* Writes n bytes of data as the whole file at path. */
static void fuzz_write_file(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    CHECK(f);
    CHECK(fwrite(data, 1, n, f) == n);
    CHECK(fclose(f) == 0);
}

/*
 * Makes the directory, names the input file file_name in it and creates the
 * store; returns the open store (the caller closes it before
 * fuzz_store_remove).
 */
static rcm_store *fuzz_store_create(fuzz_store *fs, const char *file_name)
{
    const char *t = getenv("TMPDIR");
    snprintf(fs->dir, sizeof(fs->dir), "%s/rcm-fuzz-XXXXXX", t && *t && strlen(t) < 40 ? t : "/tmp");
    CHECK(mkdtemp(fs->dir));
    snprintf(fs->file, sizeof(fs->file), "%s/%s", fs->dir, file_name);
    snprintf(fs->db, sizeof(fs->db), "%s/f.db", fs->dir);
    rcm_store *s = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    CHECK(rcm_store_open(&s, fs->db, RCM_STORE_CREATE, &err) == 0);
    return s;
}

/* Removes the store's files (with SQLite's journals), the input file and the directory. */
static void fuzz_store_remove(const fuzz_store *fs)
{
    static const char *const ext[] = { "", "-wal", "-shm", "-journal" };
    char p[128];
    for (size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
        snprintf(p, sizeof(p), "%s%s", fs->db, ext[i]);
        unlink(p);
    }
    unlink(fs->file);
    rmdir(fs->dir);
}

#endif
