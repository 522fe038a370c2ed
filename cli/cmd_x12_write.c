/*
 * rcm x12 write: an 837P or 837I batch from claims JSON (docs/claim-json.md).
 *
 * Input is claims JSON as cli_claims.h reads it: JSON Lines (as rcm x12
 * json prints them: objects whose "type" is "claim", or plain claim
 * objects; other types are skipped), one claim object, or JSON arrays of
 * claim objects. Output goes through a
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
#include "cli_out.h"
#include "cmd.h"
#include "cli_claims.h"
#include "rcm/x12write.h"

static const char usage_text[] =
    "usage: rcm x12 write 837p|837i CLAIMS.json [options]\n"
    "  Writes the claims (JSON Lines, a claim object or JSON arrays of claims; '-'\n"
    "  reads stdin) as one 837P or 837I interchange.\n"
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

/* One claim of the input goes into the batch. */
static int add_claim(void *vc, const rcm_claim *claim, long line, long index, rcm_error *err)
{
    wctx *c = vc;
    (void)line;
    (void)index;
    c->claims++;
    return rcm_x12_writer_add(c->w, claim, err);
}

/* Reads the input and writes every claim; 0 or a negative code (message printed). */
static int convert(wctx *c, FILE *in)
{
    cli_claims_stats st;
    int rc = cli_claims_read(in, NULL, 0, c->path, add_claim, c, &st);
    if (rc == 0 && st.values == 0) {
        fprintf(stderr, "rcm: %s: no claims\n", c->path);
        return RCM_EFORMAT;
    }
    return rc;
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
    cli_out dst;
    if (cli_out_open(&dst, out) < 0) {
        if (in != stdin)
            fclose(in);
        return EXIT_UNREADABLE;
    }
    wo.fd = dst.fd;

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
    if (rc == 0 && cli_out_commit(&dst) < 0)
        rc = RCM_EIO;
    cli_out_abandon(&dst);
    return rc < 0 ? EXIT_UNREADABLE : EXIT_CLEAN;
}
