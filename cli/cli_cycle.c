/* The store, session and clock every revenue-cycle command opens; the token file; passwords (cli_cycle.h). */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "cli_print.h"
#include "cli_store.h"

int cli_cycle_option(cli_cycle_opts *o, int opt, const char *arg)
{
    switch (opt) {
    case CLI_OPT_DB: o->db = arg; return 1;
    case CLI_OPT_TODAY: o->today = arg; return 1;
    default: return 0;
    }
}

int cli_cycle_args(int argc, char **argv, const char *usage, int allow_json, cli_cycle_opts *co, int *json)
{
    enum { OPT_JSON = 1 };
    static const struct option lopts[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    int o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        if (cli_cycle_option(co, o, optarg))
            continue;
        if (o == OPT_JSON && allow_json) {
            *json = 1;
            continue;
        }
        if (o == 'h') {
            fputs(usage, stdout);
            return EXIT_CLEAN;
        }
        fputs(usage, stderr);
        return EXIT_UNREADABLE;
    }
    return -1;
}

int cli_opt_not_here(void *out, const char *opt, const char *arg)
{
    (void)out;
    (void)opt;
    (void)arg;
    return EXIT_UNREADABLE;
}

int cli_opt_date(void *out, const char *opt, const char *arg)
{
    return cli_parse_date(out, opt, arg);
}

int cli_cycle_fail(const rcm_error *err)
{
    cli_error(err);
    return EXIT_UNREADABLE;
}

/* getopt_long values of a command's rows: ROW_VAL + the row's index. */
enum { ROW_VAL = 0x100 };

int cli_cycle_parse(int argc, char **argv, const char *usage, const cli_opt *rows, size_t n, int operands,
                    cli_cycle_opts *co)
{
    static const struct option tail[] = {
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
    };
    struct option lopts[CLI_OPTS_MAX + 4];
    size_t k = 0;
    assert(n <= CLI_OPTS_MAX);
    for (size_t i = 0; i < n && i < CLI_OPTS_MAX; i++) {
        size_t first = i; /* an earlier spelling of the same option shares its value, as getopt_long wants */
        for (size_t j = 0; j < i; j++)
            if (rows[j].out == rows[i].out && rows[j].check == rows[i].check && rows[j].has_arg == rows[i].has_arg) {
                first = j;
                break;
            }
        lopts[k++] = (struct option){ rows[i].name, rows[i].has_arg, NULL, ROW_VAL + (int)first };
    }
    for (size_t i = 0; i < (co ? 3u : 1u); i++)
        lopts[k++] = tail[i];
    lopts[k] = (struct option){ NULL, 0, NULL, 0 };
    int o, li = -1;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, &li)) != -1) {
        if (co && cli_cycle_option(co, o, optarg))
            continue;
        if (o == 'h')
            return cli_usage(usage, EXIT_CLEAN);
        if (o < ROW_VAL || o >= ROW_VAL + (int)n || li < 0)
            return cli_usage(usage, EXIT_UNREADABLE);
        const cli_opt *r = &rows[o - ROW_VAL];
        if (r->check == cli_opt_not_here) {
            fprintf(stderr, "%s: option '--%s' does not apply here\n", argv[0], lopts[li].name);
            return cli_usage(usage, EXIT_UNREADABLE);
        }
        if (r->check) {
            char name[64];
            snprintf(name, sizeof(name), "--%s", lopts[li].name);
            int rc = r->check(r->out, name, optarg);
            if (rc != 0)
                return rc;
        } else if (r->has_arg == no_argument) {
            *(int *)r->out = 1;
        } else {
            *(const char **)r->out = optarg;
        }
    }
    if (operands >= 0 && argc - optind != operands)
        return cli_usage(usage, EXIT_UNREADABLE);
    return -1;
}

int cli_token_path(char *out, size_t n)
{
    const char *p = getenv("RCM_TOKEN_FILE");
    if (p && *p)
        return snprintf(out, n, "%s", p) < (int)n ? 0 : -1;
    const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
    if (x && *x)
        return snprintf(out, n, "%s/rcm/token", x) < (int)n ? 0 : -1;
    if (h && *h)
        return snprintf(out, n, "%s/.config/rcm/token", h) < (int)n ? 0 : -1;
    return -1;
}

void cli_origin(char *out, size_t n)
{
    char host[64] = "";
    if (gethostname(host, sizeof(host) - 1) != 0)
        snprintf(host, sizeof(host), "unknown");
    host[sizeof(host) - 1] = '\0';
    snprintf(out, n, "cli %s pid %ld", host, (long)getpid());
}

void cli_wipe(void *p, size_t n)
{
    sodium_memzero(p, n);
}

void cli_time_fmt(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm) || strftime(out, n, "%Y-%m-%d %H:%M UTC", &tm) == 0)
        snprintf(out, n, "%lld", (long long)t);
}

void cli_store_abspath(const char *path, char *out, size_t n)
{
    char buf[PATH_MAX], cwd[PATH_MAX];
    if (realpath(path, buf))
        snprintf(out, n, "%s", buf);
    else if (path[0] != '/' && getcwd(cwd, sizeof(cwd)))
        snprintf(out, n, "%s/%s", cwd, path);
    else
        snprintf(out, n, "%s", path);
}

const char *cli_login_name(void)
{
    const char *u = getenv("RCM_LOGIN");
    if (u && *u)
        return u;
    struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && *pw->pw_name)
        return pw->pw_name;
    u = getenv("USER");
    return u && *u ? u : "";
}

/* ---- the token file ---- */

/* Why a token file's mode or owner is unsafe ('' when it is fine). */
static const char *unsafe_file(const struct stat *sb)
{
    if (S_ISLNK(sb->st_mode))
        return "is a symbolic link";
    if (!S_ISREG(sb->st_mode))
        return "is not a regular file";
    if (sb->st_uid != getuid())
        return "belongs to another user";
    if (sb->st_mode & 077)
        return "can be read or written by others (chmod 600 it, or remove it and log in again)";
    return "";
}

int cli_session_check(const char *path)
{
    struct stat sb;
    if (lstat(path, &sb) != 0) {
        if (errno == ENOENT)
            return 0;
        fprintf(stderr, "rcm: token file %s: %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    const char *why = unsafe_file(&sb);
    if (*why) {
        fprintf(stderr, "rcm: token file %s %s: not writing the session there\n", path, why);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* Reads the token file (already opened as fd) into s. */
static int read_token_file(int fd, cli_session *s)
{
    FILE *f = fdopen(fd, "r");
    if (!f) {
        close(fd);
        fprintf(stderr, "rcm: token file %s: %s\n", s->path, strerror(errno));
        return -1;
    }
    char line[PATH_MAX + 32];
    int first = 1;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (first) {
            line[strcspn(line, " \t")] = '\0';
            snprintf(s->token, sizeof(s->token), "%.*s", RCM_TOKEN_LEN + 1, line);
            first = 0;
        } else if (strncmp(line, "store ", 6) == 0) {
            snprintf(s->store, sizeof(s->store), "%.*s", PATH_MAX - 1, line + 6);
        } else if (strncmp(line, "expires ", 8) == 0) {
            char *end = NULL;
            long long e = strtoll(line + 8, &end, 10);
            if (end && !*end && e > 0)
                s->expires = e;
        }
    }
    cli_wipe(line, sizeof(line));
    fclose(f);
    return 0;
}

int cli_session_find(cli_session *s)
{
    const char *e = getenv("RCM_TOKEN");
    if (!e || !*e)
        return cli_session_file(s);
    memset(s, 0, sizeof(*s));
    if (cli_token_path(s->path, sizeof(s->path)) != 0)
        s->path[0] = '\0';
    snprintf(s->token, sizeof(s->token), "%.*s", RCM_TOKEN_LEN + 1, e);
    return 1;
}

int cli_session_file(cli_session *s)
{
    memset(s, 0, sizeof(*s));
    if (cli_token_path(s->path, sizeof(s->path)) != 0)
        return 0;
    int fd = open(s->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        if (errno == ELOOP)
            fprintf(stderr, "rcm: token file %s is a symbolic link: not using it\n", s->path);
        else
            fprintf(stderr, "rcm: token file %s: %s\n", s->path, strerror(errno));
        return -1;
    }
    struct stat sb;
    const char *why = fstat(fd, &sb) != 0 ? strerror(errno) : unsafe_file(&sb);
    if (*why) {
        close(fd);
        fprintf(stderr, "rcm: token file %s %s: not using it\n", s->path, why);
        return -1;
    }
    if (read_token_file(fd, s) < 0)
        return -1;
    s->from_file = 1;
    return s->token[0] ? 1 : 0;
}

/* Makes the folders above path (0700 where new). */
static int make_parents(const char *path)
{
    char dir[PATH_MAX];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return -1;
    return 0;
}

int cli_session_save(const char *path, const char *token, const char *store, int64_t expires)
{
    int rc = cli_session_check(path);
    if (rc != 0)
        return rc;
    if (make_parents(path) != 0) {
        fprintf(stderr, "rcm: token file %s: cannot make its folder: %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    char tmp[PATH_MAX + 8];
    if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
        fprintf(stderr, "rcm: token file %s: path too long\n", path);
        return EXIT_UNREADABLE;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        fprintf(stderr, "rcm: token file %s: %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    FILE *f = fchmod(fd, 0600) == 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        fprintf(stderr, "rcm: token file %s: %s\n", path, strerror(e));
        return EXIT_UNREADABLE;
    }
    fprintf(f, "%s\nstore %s\nexpires %lld\n", token, store, (long long)expires);
    int bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        fprintf(stderr, "rcm: token file %s: cannot write it: %s\n", path, strerror(errno));
        unlink(tmp);
        return EXIT_UNREADABLE;
    }
    return 0;
}

int cli_session_remove(const char *path)
{
    if (unlink(path) != 0 && errno != ENOENT) {
        fprintf(stderr, "rcm: token file %s: cannot remove it: %s\n", path, strerror(errno));
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- passwords ---- */

/* One line of f into out (n bytes) without its end of line: 0, -1 end of input, -2 too long. */
static int read_line(FILE *f, char *out, size_t n)
{
    if (!fgets(out, (int)n, f))
        return -1;
    size_t len = strlen(out);
    if (len && out[len - 1] == '\n')
        out[--len] = '\0';
    else if (!feof(f)) {
        int c;
        while ((c = fgetc(f)) != EOF && c != '\n')
            ;
        cli_wipe(out, n);
        return -2;
    }
    if (len && out[len - 1] == '\r')
        out[--len] = '\0';
    return 0;
}

/* The terminal's settings while echo is off, put back by a signal that ends rcm meanwhile. */
static struct termios tty_saved;
static volatile sig_atomic_t tty_fd = -1;

static void tty_restore_and_die(int sig)
{
    if (tty_fd >= 0)
        (void)tcsetattr(tty_fd, TCSAFLUSH, &tty_saved);
    signal(sig, SIG_DFL);
    raise(sig);
}

/* One line from the terminal fd into out (n bytes): 0, -1 end of input, -2 too long. */
static int read_tty_line(int fd, char *out, size_t n)
{
    size_t len = 0;
    int too_long = 0;
    for (;;) {
        char c;
        ssize_t r = read(fd, &c, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 && len == 0 && !too_long)
            return -1;
        if (r <= 0 || c == '\n')
            break;
        if (len + 1 < n)
            out[len++] = c;
        else
            too_long = 1;
    }
    out[len] = '\0';
    if (len && out[len - 1] == '\r')
        out[--len] = '\0';
    if (too_long) {
        cli_wipe(out, n);
        return -2;
    }
    return 0;
}

/* Asks prompt on the terminal fd with echo off and reads a line. */
static int ask_tty(int fd, const char *prompt, char *out, size_t n)
{
    static const int sigs[] = { SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGTSTP };
    struct sigaction sa, old_sa[sizeof(sigs) / sizeof(sigs[0])];
    struct termios quiet;
    int have = tcgetattr(fd, &tty_saved) == 0;
    if (have) {
        memset(&sa, 0, sizeof(sa));
        sa.sa_handler = tty_restore_and_die;
        sigemptyset(&sa.sa_mask);
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            sigaction(sigs[i], &sa, &old_sa[i]);
        tty_fd = fd;
        quiet = tty_saved;
        quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
        quiet.c_lflag |= ICANON;
        (void)tcsetattr(fd, TCSAFLUSH, &quiet);
    }
    if (write(fd, prompt, strlen(prompt)) < 0) {
        /* the prompt is a courtesy: the answer is read all the same */
    }
    int rc = read_tty_line(fd, out, n);
    if (have) {
        (void)tcsetattr(fd, TCSAFLUSH, &tty_saved);
        tty_fd = -1;
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
            sigaction(sigs[i], &old_sa[i], NULL);
    }
    if (write(fd, "\n", 1) < 0) {
        /* as above */
    }
    return rc;
}

int cli_password(char *out, size_t n, const char *prompt, int confirm, int from_stdin)
{
    out[0] = '\0';
    if (from_stdin) {
        int rc = read_line(stdin, out, n);
        if (rc == -1)
            fputs("rcm: no password on standard input\n", stderr);
        else if (rc == -2 || strlen(out) > RCM_PASSWORD_MAX)
            fprintf(stderr, "rcm: the password is longer than %d characters\n", RCM_PASSWORD_MAX);
        if (rc == 0 && strlen(out) <= RCM_PASSWORD_MAX)
            return 0;
        cli_wipe(out, n);
        return EXIT_UNREADABLE;
    }
    int tty = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (tty < 0) {
        fputs("rcm: no terminal to read the password from: give it on standard input with --password-stdin\n",
              stderr);
        return EXIT_UNREADABLE;
    }
    char again[RCM_PASSWORD_MAX + 2];
    int rc = ask_tty(tty, prompt, out, n);
    if (rc == 0 && confirm)
        rc = ask_tty(tty, "again: ", again, sizeof(again));
    close(tty);
    const char *why = NULL;
    if (rc == -1)
        why = "no password given";
    else if (rc == -2 || strlen(out) > RCM_PASSWORD_MAX)
        why = "the password is too long";
    else if (confirm && strcmp(out, again) != 0)
        why = "the two passwords differ";
    cli_wipe(again, sizeof(again));
    if (why) {
        fprintf(stderr, "rcm: %s\n", why);
        cli_wipe(out, n);
        return EXIT_UNREADABLE;
    }
    return 0;
}

/* ---- opening the cycle ---- */

/*
 * The token to present: the session's, or '' when the token file belongs to
 * another store (said on stderr, so the refusal that follows makes sense).
 */
static void session_token(rcm_store *st, char tok[RCM_TOKEN_LEN + 2], int *bad)
{
    cli_session s;
    int f = cli_session_find(&s);
    tok[0] = '\0';
    *bad = f < 0;
    if (f <= 0)
        return;
    if (s.from_file && s.store[0]) {
        char here[PATH_MAX];
        cli_store_abspath(rcm_store_path(st), here, sizeof(here));
        if (strcmp(here, s.store) != 0) {
            fprintf(stderr, "rcm: the session in %s is for the store %s\n", s.path, s.store);
            cli_wipe(&s, sizeof(s));
            return;
        }
    }
    memcpy(tok, s.token, RCM_TOKEN_LEN + 2);
    cli_wipe(&s, sizeof(s));
}

int cli_cycle_open(rcm_store **st, rcm_cycle **cy, const cli_cycle_opts *o)
{
    *st = NULL;
    *cy = NULL;
    const char *today = o->today ? o->today : getenv("RCM_TODAY");
    rcm_date d = RCM_DATE_NONE;
    if (today && *today && cli_parse_date(&d, "--today", today) != 0)
        return EXIT_UNREADABLE;
    int rc = cli_store_open(st, o->db, 0);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    char tok[RCM_TOKEN_LEN + 2] = "", origin[128];
    int bad = 0;
    session_token(*st, tok, &bad);
    if (bad) {
        rcm_store_close(*st);
        *st = NULL;
        return EXIT_UNREADABLE;
    }
    cli_origin(origin, sizeof(origin));
    int orc = rcm_cycle_open(cy, *st, tok, origin, (int64_t)time(NULL), &err);
    cli_wipe(tok, sizeof(tok));
    if (orc < 0) {
        cli_error(&err);
        rcm_store_close(*st);
        *st = NULL;
        return EXIT_UNREADABLE;
    }
    const char *now = getenv("RCM_NOW");
    if (d != RCM_DATE_NONE)
        rcm_cycle_set_now(*cy, (int64_t)d * 86400 + 12 * 3600);
    else if (now && *now) {
        char *end;
        long long t = strtoll(now, &end, 10);
        if (*end == '\0')
            rcm_cycle_set_now(*cy, t);
    }
    return 0;
}

void cli_cycle_close(rcm_store *st, rcm_cycle *cy)
{
    rcm_cycle_free(cy);
    rcm_store_close(st);
}

int cli_run_open(cli_run *r, const cli_cycle_opts *co)
{
    memset(&r->err, 0, sizeof(r->err));
    return cli_cycle_open(&r->st, &r->cy, co);
}

int cli_run_close(cli_run *r, int rc)
{
    cli_cycle_close(r->st, r->cy);
    r->st = NULL;
    r->cy = NULL;
    return rc < 0 ? cli_cycle_fail(&r->err) : rc;
}

int cli_cycle_import(int argc, char **argv, const char *usage, cli_import_fn import, const char *failed_note,
                     const char **path, rcm_import_report *rep)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    int rc = cli_cycle_args(argc, argv, usage, 0, &co, &json);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc)
        return cli_usage(usage, EXIT_UNREADABLE);
    *path = argv[optind];
    cli_run r;
    if ((rc = cli_run_open(&r, &co)) != 0)
        return rc;
    if (import(r.cy, *path, rep, &r.err) < 0) {
        cli_error(&r.err);
        if (failed_note)
            fprintf(stderr, "rcm: %s: %s\n", *path, failed_note);
        return cli_run_close(&r, EXIT_UNREADABLE);
    }
    cli_run_close(&r, 0);
    return -1;
}
