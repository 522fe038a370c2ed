/*
 * rcm x12 ack: the TA1 and 999 acknowledgment of an X12 file, as a
 * receiver would send it back (include/rcm/x12ack.h, docs/x12-ack.md).
 *
 * The acknowledgment goes to a temporary file that replaces --out (or is
 * copied to standard output) only when the whole input was read: an
 * unreadable input leaves nothing behind.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "cli_out.h"
#include "cmd.h"
#include "rcm/guide.h"
#include "rcm/x12ack.h"

static const char usage_text[] =
    "usage: rcm x12 ack FILE [options]\n"
    "  Writes the acknowledgment of FILE ('-' reads stdin): per interchange a TA1\n"
    "  when its envelope has a problem or ISA14 asks for one, and a 999 per\n"
    "  functional group (AK2/IK3/IK4/IK5 per set, AK9), validated against the\n"
    "  built-in implementation guides.\n"
    "  --out FILE          write to FILE (default: standard output)\n"
    "  --now CCYYMMDDHHMM  the acknowledgment's date and time (default: now)\n"
    "  --control N         ISA13/GS06 of the first interchange written (default 1)\n"
    "  --guide FILE        load a guide or companion-guide restriction (repeatable)\n"
    "  --newline           a newline after each segment terminator\n"
    "A summary line goes to stderr.\n"
    "Exit: 0 everything accepted; 1 written, with errors or rejections; 2 the input\n"
    "or a guide could not be read (nothing is written).";

static int fd_write(void *ctx, const char *p, size_t n)
{
    int fd = *(int *)ctx;
    while (n) {
        ssize_t k = write(fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return RCM_EIO;
        p += k;
        n -= (size_t)k;
    }
    return 0;
}

/* CCYYMMDDHHMM into the options' date and time. */
static int parse_now(const char *s, rcm_x12_ack_opts *o)
{
    if (strlen(s) != 12)
        return -1;
    for (int i = 0; i < 12; i++)
        if (s[i] < '0' || s[i] > '9')
            return -1;
    if (rcm_date_parse(&o->date, (rcm_str){ s, 8 }) < 0)
        return -1;
    if ((s[8] - '0') * 10 + (s[9] - '0') > 23 || (s[10] - '0') * 10 + (s[11] - '0') > 59)
        return -1;
    memcpy(o->time, s + 8, 4);
    o->time[4] = '\0';
    return 0;
}

static void set_now(rcm_x12_ack_opts *o)
{
    time_t now = time(NULL);
    struct tm lt;
    localtime_r(&now, &lt);
    o->date = rcm_date_from_ymd(lt.tm_year + 1900, lt.tm_mon + 1, lt.tm_mday);
    unsigned hh = (unsigned)lt.tm_hour % 24, mm = (unsigned)lt.tm_min % 60;
    o->time[0] = (char)('0' + hh / 10);
    o->time[1] = (char)('0' + hh % 10);
    o->time[2] = (char)('0' + mm / 10);
    o->time[3] = (char)('0' + mm % 10);
    o->time[4] = '\0';
}

static void summary(const char *name, const rcm_x12_ack_stats *s, uint32_t max_ik3)
{
    if (!s->interchanges) {
        fprintf(stderr, "%s: nothing to acknowledge\n", name);
        return;
    }
    fprintf(stderr, "%s: %ld set%s: %ld accepted, %ld accepted with errors, %ld rejected", name, s->sets,
            s->sets == 1 ? "" : "s", s->sets_accepted, s->sets_errors, s->sets_rejected);
    if (s->ta1_rejected)
        fprintf(stderr, "; %ld interchange%s rejected", s->ta1_rejected, s->ta1_rejected == 1 ? "" : "s");
    if (s->ta1_errors)
        fprintf(stderr, "; %ld interchange%s accepted with errors", s->ta1_errors, s->ta1_errors == 1 ? "" : "s");
    if (s->first_rejection[0])
        fprintf(stderr, " (first: %s)", s->first_rejection);
    if (s->segment_errors_dropped)
        fprintf(stderr, "; %ld segment errors not written (over %u in a set)", s->segment_errors_dropped,
                max_ik3);
    if (s->element_errors_dropped)
        fprintf(stderr, "; %ld element errors not written (over 99 in a segment)", s->element_errors_dropped);
    fputc('\n', stderr);
}

/* Builds the acknowledgment into fd; 0, or a negative code (message printed). */
static int build(const char *path, const rcm_guides *g, rcm_x12_ack_opts *o, rcm_x12_ack_stats *st)
{
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_reader *r = NULL;
    int rc = rcm_x12_open_file(&r, path, &err);
    if (rc == 0)
        rc = rcm_x12_ack_build(r, g, o, st, &err);
    if (rc < 0)
        cli_error(&err);
    rcm_x12_reader_free(r);
    return rc;
}

int cmd_x12_ack(int argc, char **argv)
{
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { "now", required_argument, NULL, 'N' },
        { "control", required_argument, NULL, 'c' },
        { "guide", required_argument, NULL, 'g' },
        { "newline", no_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    rcm_x12_ack_opts ao;
    rcm_x12_ack_opts_init(&ao);
    set_now(&ao);
    const char *out = NULL;
    char **guide_files = calloc((size_t)argc + 1, sizeof(*guide_files));
    size_t n_guides = 0;
    if (!guide_files) {
        fprintf(stderr, "rcm: out of memory\n");
        return EXIT_UNREADABLE;
    }
    int o, bad = 0;
    optind = 1;
    while (!bad && (o = getopt_long(argc, argv, "o:N:c:g:nh", opts, NULL)) != -1) {
        switch (o) {
        case 'o': out = optarg; break;
        case 'N':
            if (parse_now(optarg, &ao) < 0) {
                fprintf(stderr, "rcm: --now: '%s' is not a date and time CCYYMMDDHHMM\n", optarg);
                bad = 1;
            }
            break;
        case 'c': {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(optarg, &end, 10);
            if (errno || *end || end == optarg || v < 1 || v > 999999999) {
                fprintf(stderr, "rcm: --control: '%s' is not a number from 1 to 999999999\n", optarg);
                bad = 1;
            }
            ao.control = (uint32_t)v;
            break;
        }
        case 'g': guide_files[n_guides++] = optarg; break;
        case 'n': ao.newline = 1; break;
        case 'h':
            puts(usage_text);
            free(guide_files);
            return 0;
        default: bad = 1; break;
        }
    }
    if (!bad && argc - optind != 1) {
        fprintf(stderr, "%s\n", usage_text);
        bad = 1;
    }
    if (bad) {
        free(guide_files);
        return EXIT_UNREADABLE;
    }
    const char *path = argv[optind];
    const char *name = strcmp(path, "-") == 0 ? "stdin" : path;

    rcm_guides *g = NULL;
    int rc = cli_guides_load(&g, guide_files, n_guides);
    free(guide_files);
    if (rc)
        return rc;

    /* the output: a temporary file beside --out, or an anonymous one for stdout */
    cli_out dst;
    if (cli_out_open(&dst, out) < 0) {
        rcm_guides_free(g);
        return EXIT_UNREADABLE;
    }
    ao.write = fd_write;
    ao.write_ctx = &dst.fd;
    rcm_x12_ack_stats st;
    rc = build(path, g, &ao, &st);
    rcm_guides_free(g);
    if (rc == 0 && cli_out_commit(&dst) < 0)
        rc = RCM_EIO;
    cli_out_abandon(&dst);
    if (rc < 0)
        return EXIT_UNREADABLE;
    summary(name, &st, ao.max_segment_errors ? ao.max_segment_errors : 1000);
    int clean = !st.sets_errors && !st.sets_rejected && !st.ta1_errors && !st.ta1_rejected &&
                !st.groups_errors && !st.groups_partial && !st.groups_rejected && !st.problems_unplaced;
    return clean ? EXIT_CLEAN : EXIT_PROBLEMS;
}
