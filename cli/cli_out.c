/* An output written whole or not at all: see cli_out.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli_out.h"

int cli_out_open(cli_out *o, const char *path)
{
    memset(o, 0, sizeof(*o));
    o->path = path;
    o->fd = -1;
    if (path) {
        size_t n = strlen(path);
        if (!(o->tmp = malloc(n + 16))) {
            fprintf(stderr, "rcm: out of memory\n");
            return -1;
        }
        memcpy(o->tmp, path, n);
        memcpy(o->tmp + n, ".tmp.XXXXXX", 12);
        o->fd = mkstemp(o->tmp);
    } else {
        FILE *t = tmpfile();
        o->fd = t ? dup(fileno(t)) : -1;
        if (t)
            fclose(t);
    }
    if (o->fd < 0) {
        fprintf(stderr, "rcm: %s: cannot create: %s\n", path ? o->tmp : "temporary file", strerror(errno));
        free(o->tmp);
        o->tmp = NULL;
        return -1;
    }
    return 0;
}

static int copy_out(int from, FILE *to)
{
    char buf[65536];
    ssize_t n;
    if (lseek(from, 0, SEEK_SET) < 0)
        return -1;
    while ((n = read(from, buf, sizeof(buf))) > 0)
        if (fwrite(buf, 1, (size_t)n, to) != (size_t)n)
            return -1;
    return n < 0 || fflush(to) != 0 ? -1 : 0;
}

int cli_out_commit(cli_out *o)
{
    int rc = 0;
    if (o->path) {
        if (fsync(o->fd) < 0 || close(o->fd) < 0 || rename(o->tmp, o->path) < 0) {
            fprintf(stderr, "rcm: %s: cannot write: %s\n", o->path, strerror(errno));
            rc = -1;
        } else {
            free(o->tmp);
            o->tmp = NULL;      /* renamed: nothing to remove */
        }
        o->fd = -1;
    } else if (copy_out(o->fd, stdout) < 0) {
        fprintf(stderr, "rcm: cannot write to standard output: %s\n", strerror(errno));
        rc = -1;
    }
    cli_out_abandon(o);
    return rc;
}

void cli_out_abandon(cli_out *o)
{
    if (o->fd >= 0)
        close(o->fd);
    o->fd = -1;
    if (o->tmp)
        unlink(o->tmp);
    free(o->tmp);
    o->tmp = NULL;
}
