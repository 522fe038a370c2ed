/*
 * rcm x12 write: an 837P or 837I batch from claims JSON (docs/claim-json.md).
 *
 * Input is JSON Lines (one object per line, as rcm x12 json prints them:
 * objects whose "type" is "claim", or plain claim objects; other types are
 * skipped) or one JSON array of claim objects. Output goes through a
 * temporary file that replaces --out (or is copied to standard output) only
 * when every claim was written: a bad claim leaves no partial 837 behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "rcm/x12write.h"

static const char usage_text[] =
    "usage: rcm x12 write 837p|837i CLAIMS.json [options]\n"
    "  Writes the claims (JSON Lines, or one JSON array; '-' reads stdin) as one\n"
    "  837P or 837I interchange.\n"
    "  --out FILE          write to FILE (default: standard output)\n"
    "  --sender [QQ:]ID    ISA05/ISA06 interchange sender (default ZZ: the submitter id)\n"
    "  --receiver [QQ:]ID  ISA07/ISA08 interchange receiver (default ZZ: the receiver id)\n"
    "  --control N         ISA13 interchange and GS06 group control number (default 1)\n"
    "  --test              usage indicator T (test) instead of P (production)\n"
    "  --delims EC^S       element, component, repetition separators and segment\n"
    "                      terminator (default '*:^~')\n"
    "  --newline           a newline after each segment terminator\n"
    "  --date CCYYMMDD     envelope date (default: today)\n"
    "  --time HHMM         envelope time (default: now)\n"
    "  --allow-zip5        accept 5-digit ZIP codes where 5010 requires ZIP+4\n"
    "Exit: 0 written; 2 a claim could not be written or the input could not be\n"
    "read (then nothing is written).";

typedef struct wctx {
    const char *path;           /* input name for messages */
    rcm_x12_writer *w;
    long claims;                /* claim objects seen */
} wctx;

static int id_arg(const char *arg, char *qual, char *id, const char *what)
{
    const char *colon = strchr(arg, ':');
    const char *v = arg;
    if (colon) {
        if (colon - arg != 2) {
            fprintf(stderr, "rcm: --%s: '%s': the qualifier before ':' is 2 characters\n", what, arg);
            return -1;
        }
        memcpy(qual, arg, 2);
        qual[2] = '\0';
        v = colon + 1;
    }
    if (!*v || strlen(v) > 15) {
        fprintf(stderr, "rcm: --%s: '%s' must be 1 to 15 characters\n", what, v);
        return -1;
    }
    memcpy(id, v, strlen(v) + 1);
    return 0;
}

static void claim_error(const wctx *c, long line, const rcm_error *err)
{
    if (line)
        fprintf(stderr, "rcm: %s:%ld: claims[%ld]: %s\n", c->path, line, c->claims, err->msg);
    else
        fprintf(stderr, "rcm: %s: claims[%ld]: %s\n", c->path, c->claims, err->msg);
}

/* One JSON value of the input: a claim is written, another "type" skipped. */
static int one(wctx *c, const json_t *v, long line)
{
    if (json_is_object(v)) {
        const json_t *t = json_object_get(v, "type");
        if (t && !(json_is_string(t) && strcmp(json_string_value(t), "claim") == 0))
            return 0;
    }
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_claim *claim = NULL;
    int rc = rcm_claim_from_json(&claim, v, &err);
    if (rc == 0)
        rc = rcm_x12_writer_add(c->w, claim, &err);
    rcm_claim_free(claim);
    if (rc < 0)
        claim_error(c, line, &err);
    c->claims++;
    return rc;
}

static int read_lines(wctx *c, FILE *in)
{
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    long line = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&buf, &cap, in)) >= 0) {
        line++;
        size_t i = 0;
        while (i < (size_t)n && (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\r' || buf[i] == '\n'))
            i++;
        if (i == (size_t)n)
            continue;
        json_error_t jerr;
        json_t *v = json_loadb(buf, (size_t)n, 0, &jerr);
        if (!v) {
            fprintf(stderr, "rcm: %s:%ld: not JSON: %s\n", c->path, line, jerr.text);
            rc = RCM_EFORMAT;
            break;
        }
        rc = one(c, v, line);
        json_decref(v);
    }
    if (rc == 0 && ferror(in)) {
        fprintf(stderr, "rcm: %s: cannot read: %s\n", c->path, strerror(errno));
        rc = RCM_EIO;
    }
    free(buf);
    return rc;
}

static int read_array(wctx *c, FILE *in)
{
    json_error_t jerr;
    json_t *a = json_loadf(in, 0, &jerr);
    if (!a) {
        fprintf(stderr, "rcm: %s:%d: not JSON: %s\n", c->path, jerr.line, jerr.text);
        return RCM_EFORMAT;
    }
    int rc = 0;
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) {
        if ((rc = one(c, v, 0)) < 0)
            break;
    }
    json_decref(a);
    return rc;
}

/* Reads the input and writes every claim; 0 or a negative code (message printed). */
static int convert(wctx *c, FILE *in)
{
    int ch;
    while ((ch = getc(in)) == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
        ;
    if (ch == EOF) {
        fprintf(stderr, "rcm: %s: no claims\n", c->path);
        return RCM_EFORMAT;
    }
    ungetc(ch, in);
    return ch == '[' ? read_array(c, in) : read_lines(c, in);
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

static int parse_date(const char *s, rcm_date *out)
{
    return rcm_date_parse(out, rcm_str_c(s));
}

int cmd_x12_write(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "sender", required_argument, NULL, 's' },
        { "receiver", required_argument, NULL, 'r' },
        { "control", required_argument, NULL, 'c' },
        { "test", no_argument, NULL, 't' },
        { "delims", required_argument, NULL, 'd' },
        { "newline", no_argument, NULL, 'n' },
        { "date", required_argument, NULL, 'D' },
        { "time", required_argument, NULL, 'T' },
        { "allow-zip5", no_argument, NULL, 'z' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    rcm_x12_write_opts wo;
    rcm_x12_write_opts_init(&wo, 'P');
    const char *out = NULL, *date = NULL, *tm = NULL;
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "o:s:r:c:td:nh", opts, NULL)) != -1) {
        switch (o) {
        case 'o': out = optarg; break;
        case 's':
            if (id_arg(optarg, wo.sender_qual, wo.sender_id, "sender") < 0)
                return EXIT_UNREADABLE;
            break;
        case 'r':
            if (id_arg(optarg, wo.receiver_qual, wo.receiver_id, "receiver") < 0)
                return EXIT_UNREADABLE;
            break;
        case 'c': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || v < 1 || v > 999999999) {
                fprintf(stderr, "rcm: --control: '%s' is not a number from 1 to 999999999\n", optarg);
                return EXIT_UNREADABLE;
            }
            wo.isa_control = wo.gs_control = (uint32_t)v;
            break;
        }
        case 't': wo.usage = 'T'; break;
        case 'd':
            if (strlen(optarg) != 4) {
                fprintf(stderr, "rcm: --delims: '%s' must be 4 characters: element, component, "
                                "repetition, segment terminator\n", optarg);
                return EXIT_UNREADABLE;
            }
            wo.delims.elem = optarg[0];
            wo.delims.comp = optarg[1];
            wo.delims.rep = optarg[2];
            wo.delims.seg = optarg[3];
            break;
        case 'n': wo.newline = 1; break;
        case 'D': date = optarg; break;
        case 'T': tm = optarg; break;
        case 'z': wo.zip5_ok = 1; break;
        case 'h': puts(usage_text); return 0;
        default: return EXIT_UNREADABLE;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "%s\n", usage_text);
        return EXIT_UNREADABLE;
    }
    const char *kind = argv[optind], *path = argv[optind + 1];
    if (strcmp(kind, "837p") == 0 || strcmp(kind, "837P") == 0)
        wo.kind = 'P';
    else if (strcmp(kind, "837i") == 0 || strcmp(kind, "837I") == 0)
        wo.kind = 'I';
    else {
        fprintf(stderr, "rcm: '%s' is not 837p or 837i\n", kind);
        return EXIT_UNREADABLE;
    }
    time_t now = time(NULL);
    struct tm lt;
    localtime_r(&now, &lt);
    wo.date = rcm_date_from_ymd(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
    unsigned hh = (unsigned)lt.tm_hour % 24, mm = (unsigned)lt.tm_min % 60;
    wo.time[0] = (char)('0' + hh / 10);
    wo.time[1] = (char)('0' + hh % 10);
    wo.time[2] = (char)('0' + mm / 10);
    wo.time[3] = (char)('0' + mm % 10);
    wo.time[4] = '\0';
    if (date && parse_date(date, &wo.date) < 0) {
        fprintf(stderr, "rcm: --date: '%s' is not a date CCYYMMDD\n", date);
        return EXIT_UNREADABLE;
    }
    if (tm) {
        if (strlen(tm) != 4) {
            fprintf(stderr, "rcm: --time: '%s' is not a time HHMM\n", tm);
            return EXIT_UNREADABLE;
        }
        memcpy(wo.time, tm, 5);
    }

    FILE *in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!in) {
        fprintf(stderr, "rcm: %s: cannot open: %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    /* the output: a temporary file beside --out, or an anonymous one for stdout */
    char *tmp = NULL;
    int fd;
    if (out) {
        size_t n = strlen(out);
        tmp = malloc(n + 16);
        if (!tmp) {
            fprintf(stderr, "rcm: out of memory\n");
            if (in != stdin)
                fclose(in);
            return EXIT_UNREADABLE;
        }
        memcpy(tmp, out, n);
        memcpy(tmp + n, ".tmp.XXXXXX", 12);
        fd = mkstemp(tmp);
    } else {
        FILE *t = tmpfile();
        fd = t ? dup(fileno(t)) : -1;
        if (t)
            fclose(t);
    }
    if (fd < 0) {
        fprintf(stderr, "rcm: %s: cannot create: %s\n", out ? tmp : "temporary file", strerror(errno));
        free(tmp);
        if (in != stdin)
            fclose(in);
        return EXIT_UNREADABLE;
    }
    wo.fd = fd;

    wctx c;
    memset(&c, 0, sizeof(c));
    c.path = strcmp(path, "-") == 0 ? "stdin" : path;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_writer_new(&c.w, &wo, &err);
    if (rc < 0)
        fprintf(stderr, "rcm: %s\n", err.msg);
    if (rc == 0)
        rc = convert(&c, in);
    if (rc == 0 && (rc = rcm_x12_writer_finish(c.w, &err)) < 0)
        fprintf(stderr, "rcm: %s: %s\n", c.path, err.msg);
    rcm_x12_writer_free(c.w);
    if (in != stdin)
        fclose(in);
    if (rc == 0 && out) {
        if (fsync(fd) < 0 || close(fd) < 0 || rename(tmp, out) < 0) {
            fprintf(stderr, "rcm: %s: cannot write: %s\n", out, strerror(errno));
            rc = RCM_EIO;
        }
        fd = -1;
    } else if (rc == 0 && copy_out(fd, stdout) < 0) {
        fprintf(stderr, "rcm: cannot write to standard output: %s\n", strerror(errno));
        rc = RCM_EIO;
    }
    if (fd >= 0)
        close(fd);
    if (rc < 0 && tmp)
        unlink(tmp);
    free(tmp);
    return rc < 0 ? EXIT_UNREADABLE : EXIT_CLEAN;
}
