/*
 * Claims JSON input for the commands that take claims (cli_claims.h). The
 * bytes go to jansson one at a time through a callback, so a value is parsed
 * straight from the stream and reading stops right after it: the next value
 * (or the ',' between array elements) is still unread.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_claims.h"

typedef struct src {
    FILE *f;
    const unsigned char *pre;
    size_t npre, ipre;
    int back;           /* a byte given back, -1 none */
    long line;          /* the line of the byte read last */
    int ioerr;          /* errno of a read error, 0 none */
} src;

static int get(src *s)
{
    int ch;
    if (s->back >= 0) {
        ch = s->back;
        s->back = -1;
        return ch;
    }
    if (s->ipre < s->npre) {
        ch = s->pre[s->ipre++];
    } else if ((ch = getc(s->f)) == EOF) {
        if (ferror(s->f) && !s->ioerr)
            s->ioerr = errno ? errno : EIO;
        return EOF;
    }
    if (ch == '\n')
        s->line++;
    return ch;
}

/* The next byte that is not white space, or EOF. */
static int skip_ws(src *s)
{
    int ch;
    while ((ch = get(s)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
        ;
    return ch;
}

static size_t feed(void *buf, size_t buflen, void *data)
{
    src *s = data;
    if (!buflen)
        return 0;
    int ch = get(s);
    if (ch == EOF)
        return s->ioerr ? (size_t)-1 : 0;
    *(unsigned char *)buf = (unsigned char)ch;
    return 1;
}

typedef struct rd {
    src s;
    const char *name;
    cli_claim_fn fn;
    void *ctx;
    cli_claims_stats st;
} rd;

static int read_error(rd *r)
{
    fprintf(stderr, "rcm: %s: cannot read: %s\n", r->name, strerror(r->s.ioerr));
    return RCM_EIO;
}

/* Parses the value that starts with ch (on line) and hands a claim to the callback. */
static int value(rd *r, int ch, long line)
{
    r->s.back = ch;
    json_error_t jerr;
    json_t *v = json_load_callback(feed, &r->s, JSON_DISABLE_EOF_CHECK, &jerr);
    if (!v) {
        if (r->s.ioerr)
            return read_error(r);
        fprintf(stderr, "rcm: %s:%ld: not JSON: %s\n", r->name, jerr.line > 0 ? line + jerr.line - 1 : r->s.line,
                jerr.text);
        return RCM_EFORMAT;
    }
    int rc = 0;
    if (json_is_object(v)) {
        const json_t *t = json_object_get(v, "type");
        if (t && !(json_is_string(t) && strcmp(json_string_value(t), "claim") == 0)) {
            json_decref(v);
            return 0;   /* another record of rcm x12 json */
        }
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_claim *claim = NULL;
    rc = rcm_claim_from_json(&claim, v, &err);
    json_decref(v);
    if (rc == 0)
        rc = r->fn(r->ctx, claim, line, r->st.claims, &err);
    rcm_claim_free(claim);
    if (rc < 0)
        fprintf(stderr, "rcm: %s:%ld: claims[%ld]: %s\n", r->name, line, r->st.claims, err.msg);
    r->st.claims++;
    return rc;
}

/* The elements of an array whose '[' was just read. */
static int array(rd *r)
{
    int ch = skip_ws(&r->s);
    if (ch == ']')
        return 0;
    for (;;) {
        if (ch == EOF)
            break;
        int rc = value(r, ch, r->s.line);
        if (rc < 0)
            return rc;
        ch = skip_ws(&r->s);
        if (ch == ']')
            return 0;
        if (ch != ',')
            break;
        ch = skip_ws(&r->s);
    }
    if (r->s.ioerr)
        return read_error(r);
    if (ch == EOF)
        fprintf(stderr, "rcm: %s:%ld: not JSON: the array is not closed: ']' expected\n", r->name, r->s.line);
    else
        fprintf(stderr, "rcm: %s:%ld: not JSON: ',' or ']' expected near '%c'\n", r->name, r->s.line, ch);
    return RCM_EFORMAT;
}

int cli_claims_read(FILE *in, const void *pre, size_t npre, const char *name, cli_claim_fn fn, void *ctx,
                    cli_claims_stats *stats)
{
    rd r;
    memset(&r, 0, sizeof(r));
    r.s.f = in;
    r.s.pre = pre;
    r.s.npre = pre ? npre : 0;
    r.s.back = -1;
    r.s.line = 1;
    r.name = name;
    r.fn = fn;
    r.ctx = ctx;
    int rc = 0, ch = get(&r.s);
    if (ch == 0xEF) {
        /* a UTF-8 byte order mark; anything else starting with 0xEF is not JSON anyway */
        int b = get(&r.s), c = get(&r.s);
        if (b != 0xBB || c != 0xBF) {
            fprintf(stderr, "rcm: %s:1: not JSON: invalid byte at the start\n", name);
            rc = RCM_EFORMAT;
        }
        ch = get(&r.s);
    }
    r.s.back = ch;
    while (rc == 0 && (ch = skip_ws(&r.s)) != EOF) {
        r.st.values++;
        rc = ch == '[' ? array(&r) : value(&r, ch, r.s.line);
    }
    if (rc == 0 && r.s.ioerr)
        rc = read_error(&r);
    if (stats)
        *stats = r.st;
    return rc;
}
