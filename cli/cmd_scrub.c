/*
 * rcm scrub [options] FILE...: the claim edit engine (rcm/scrub.h) over 837P
 * and 837I files and claims JSON, before the claims go to the payer.
 *
 * Each FILE is detected by its first bytes (after a byte order mark and
 * white space): '{' or '[' is claims JSON (cli_claims.h), anything else goes
 * to the X12 engine. Claims are scrubbed one by one as they are read (the
 * 837 reader hands each claim over at its end), so memory stays flat but for
 * the history of lines kept to catch duplicates. Each claim joins that
 * history once scrubbed, so a duplicate later in the same run is caught.
 *
 * Findings go to stdout, as a table grouped by claim or as JSON Lines; X12
 * problems of the inputs go to stderr as rcm x12 check words them. Exit 0:
 * no error-severity finding and no X12 error; 1: some; 2: an input or the
 * reference data could not be read, or an argument is wrong. Nothing is
 * written but stdout and stderr: the store is only read (opened as every
 * command opens it; a read-only connection would leave SQLite's -wal and
 * -shm files behind), and the edit index beside it is rebuilt only when
 * stale, as by every reader of it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cmd.h"
#include "cli_claims.h"
#include "cli_store.h"
#include "rcm/rules.h"

static const char usage_text[] =
    "usage: rcm scrub [options] FILE...\n"
    "  Scrubs the claims of each FILE (an 837P/837I, or claims JSON: one claim, an\n"
    "  array or JSON Lines; '-' reads stdin) and prints the findings grouped by claim.\n"
    "  --json              one finding per line (JSON Lines), in claim order\n"
    "  --db PATH           the store with the reference data (default: $RCM_DB, else ./rcm.db)\n"
    "  --no-db             scrub without reference data (no NCCI or code-set edits)\n"
    "  --rules FILE        the practice's payer rules (docs/payer-rules.md)\n"
    "  --today DATE        the date for timely filing and future dates (default: today, UTC)\n"
    "  --only LIST         run these families only (SYN,NPI,DX,PX,MOD,PTP,MUE,AOC,AGE,SEX,DUP,TF,MN,PAYER)\n"
    "  --disable LIST      do not report these rules or families (PTP-004,TF)\n"
    "  --bypass LIST       the NCCI-associated modifiers (default: the NCCI policy manual's)\n"
    "  --history FILE      claims already submitted, for duplicates (repeatable)\n"
    "Exit: 0 no errors, 1 errors found (findings or X12 errors), 2 unreadable input.\n"
    "Rules and the finding JSON: docs/scrub.md.\n";

#define MAX_HISTORY 64
#define PEEK_MAX 4096

typedef struct run {
    const rcm_scrub *engine;
    rcm_scrub_history *hist;
    rcm_findings f;
    int as_json;
    int to_history;             /* reading --history files: add, do not scrub */
    const char *name;           /* the input being read */
    long file_claims;           /* claims of the input being read */
    uint32_t index;             /* claims scrubbed in the run */
    long with_errors;           /* claims with at least one error finding */
    size_t errors, warnings, infos;
    long x12_errors;
    rcm_buf text;
    int failed;                 /* out of memory */
} run;

/* ---- output ---- */

static void print_lines(const rcm_finding *f)
{
    char buf[96];
    size_t k = 0;
    if (!f->nlines) {
        printf("%-10s", "claim");
        return;
    }
    k += (size_t)snprintf(buf, sizeof(buf), "line%s ", f->nlines > 1 ? "s" : "");
    for (uint32_t i = 0; i < f->nlines && k < sizeof(buf); i++)
        k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%u", i ? "," : "", (unsigned)f->lines[i]);
    printf("%-10s", buf);
}

static void print_finding(const rcm_finding *f)
{
    printf("  %-8s %-9s %-7s ", rcm_severity_name(f->severity), f->rule, rcm_route_name(f->route));
    print_lines(f);
    printf(" %s\n", f->message);
    if (f->hint[0])
        printf("      hint: %s\n", f->hint);
    if (f->table[0]) {
        printf("      source: %s", f->table);
        if (f->version[0])
            printf(" %s", f->version);
        if (f->file[0])
            printf(", %s", f->file);
        if (f->file_line)
            printf(" line %ld", f->file_line);
        for (uint32_t i = 0; i < f->nfields && i < RCM_FINDING_SRC; i++)
            printf("%s%s=%s", i ? ", " : ": ", f->fields[i].key ? f->fields[i].key : "?", f->fields[i].value);
        putchar('\n');
    }
}

static void plural(const char *lead, size_t n, const char *what)
{
    printf("%s%zu %s%s", lead, n, what, n == 1 ? "" : "s");
}

/* The claim's heading: located as the X12 engine and the JSON reader locate things. */
static void print_claim(const run *r, const rcm_claim *c, long line, long json_index)
{
    if (json_index >= 0)
        printf("%s:%ld: claims[%ld]: claim %s:", r->name, line, json_index, c->id[0] ? c->id : "(no id)");
    else
        printf("%s:%ld: segment %ld 'CLM': claim %s:", r->name, line, c->segment, c->id[0] ? c->id : "(no id)");
    const char *sep = " ";
    if (r->f.errors) {
        plural(sep, r->f.errors, "error");
        sep = ", ";
    }
    if (r->f.warnings) {
        plural(sep, r->f.warnings, "warning");
        sep = ", ";
    }
    if (r->f.infos)
        printf("%s%zu info", sep, r->f.infos);
    putchar('\n');
    for (size_t i = 0; i < r->f.n; i++)
        print_finding(&r->f.v[i]);
}

static int print_json(run *r)
{
    for (size_t i = 0; i < r->f.n; i++) {
        json_t *j = rcm_finding_to_json(&r->f.v[i]);
        if (!j)
            return RCM_ENOMEM;
        int rc = json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
        json_decref(j);
        if (rc < 0)
            return RCM_EIO;
        putchar('\n');
    }
    return 0;
}

/* ---- one claim ---- */

/* Scrubs c (or adds it to the history when reading --history files). */
static int take(run *r, const rcm_claim *c, long line, long json_index)
{
    r->file_claims++;
    if (r->to_history)
        return rcm_scrub_history_add(r->hist, c);
    rcm_findings_reset(&r->f);
    int rc = rcm_scrub_claim(r->engine, c, r->index++, &r->f);
    if (rc < 0)
        return rc;
    r->errors += r->f.errors;
    r->warnings += r->f.warnings;
    r->infos += r->f.infos;
    if (r->f.errors)
        r->with_errors++;
    if (r->as_json)
        rc = print_json(r);
    else if (r->f.n)
        print_claim(r, c, line, json_index);
    if (rc < 0)
        return rc;
    /* later claims of the run are checked against this one */
    return rcm_scrub_history_add(r->hist, c);
}

static int on_json_claim(void *ctx, const rcm_claim *c, long line, long index, rcm_error *err)
{
    int rc = take(ctx, c, line, index);
    if (rc < 0)
        rcm_error_set(err, rc, "%s", rc == RCM_EIO ? "cannot write to standard output" : "out of memory");
    return rc;
}

static int on_x12_claim(void *ctx, const rcm_claim *c)
{
    run *r = ctx;
    int rc = take(r, c, c->line, -1);
    if (rc < 0)
        r->failed = rc;
    return rc;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    run *r = ctx;
    if (p->severity == RCM_SEV_ERROR)
        r->x12_errors++;
    rcm_buf_reset(&r->text);
    rcm_x12_problem_format(p, &r->text);
    fprintf(stderr, "%s\n", r->text.ptr);
    return 0;
}

/* ---- inputs ---- */

static int is_space(int ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/*
 * Reads the byte order mark and white space at the start of f into pre, and
 * the first byte after them (EOF when there is none). Returns that byte.
 */
static int peek(FILE *f, unsigned char *pre, size_t *n)
{
    static const unsigned char bom[3] = { 0xEF, 0xBB, 0xBF };
    int ch;
    *n = 0;
    while ((ch = getc(f)) != EOF) {
        pre[(*n)++] = (unsigned char)ch;
        if (*n <= 3 && pre[0] == bom[0] && ch == bom[*n - 1])
            continue;
        if ((*n <= 3 && pre[0] == bom[0]) || !is_space(ch) || *n == PEEK_MAX)
            return ch;      /* a broken mark goes to the X12 engine, which says what it is */
    }
    return EOF;
}

/* The rest of stdin after pre, for the X12 engine when stdin cannot be re-read from its start. */
static int slurp(unsigned char **out, size_t *len, const unsigned char *pre, size_t npre, FILE *f)
{
    size_t cap = 65536, n = npre;
    unsigned char *b = malloc(cap);
    if (!b)
        return RCM_ENOMEM;
    memcpy(b, pre, npre);
    for (;;) {
        if (n == cap) {
            unsigned char *nb = cap > ((size_t)1 << 34) ? NULL : realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return RCM_ENOMEM;
            }
            b = nb;
            cap *= 2;
        }
        size_t k = fread(b + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        free(b);
        return RCM_EIO;
    }
    *out = b;
    *len = n;
    return 0;
}

static int read_x12(run *r, rcm_x12_reader *xr)
{
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.problem = on_problem;
    cb.claim = on_x12_claim;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_x12_read(xr, &cb, NULL, &err);
    if (rc < 0 && r->failed) {
        fprintf(stderr, "rcm: %s: %s\n", r->name,
                r->failed == RCM_EIO ? "cannot write to standard output" : "out of memory");
        return r->failed;
    }
    if (rc < 0)
        cli_error(&err);
    return rc;
}

/*
 * Reads one input and scrubs (or, for --history, keeps) its claims.
 * Returns 0, or a negative RCM_E* once the message is printed.
 */
static int read_input(run *r, const char *path)
{
    int use_stdin = strcmp(path, "-") == 0;
    r->name = use_stdin ? "stdin" : path;
    r->file_claims = 0;
    off_t start = use_stdin ? lseek(0, 0, SEEK_CUR) : 0;
    FILE *f = use_stdin ? stdin : fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "rcm: %s: cannot open: %s\n", path, strerror(errno));
        return RCM_EIO;
    }
    unsigned char pre[PEEK_MAX];
    size_t npre;
    int ch = peek(f, pre, &npre), rc = 0, x12 = 0;
    if (ch == EOF && ferror(f)) {
        fprintf(stderr, "rcm: %s: cannot read: %s\n", r->name, strerror(errno));
        rc = RCM_EIO;
    } else if (ch == EOF) {
        fprintf(stderr, "rcm: %s: input is empty: no claims\n", r->name);
        rc = RCM_EFORMAT;
    } else if (ch == '{' || ch == '[' || is_space(ch)) {
        rc = cli_claims_read(f, pre, npre, r->name, on_json_claim, r, NULL);
    } else {
        /* X12, or not: the X12 engine says which, located */
        x12 = 1;
        rcm_error err;
        memset(&err, 0, sizeof(err));
        rcm_x12_reader *xr = NULL;
        unsigned char *mem = NULL;
        size_t len = 0;
        struct stat sb;
        if (!use_stdin) {
            fclose(f);
            f = NULL;
            rc = rcm_x12_open_file(&xr, path, &err);
        } else if (start >= 0 && fstat(0, &sb) == 0 && S_ISREG(sb.st_mode) && lseek(0, start, SEEK_SET) == start) {
            rc = rcm_x12_open_file(&xr, "-", &err);
        } else if ((rc = slurp(&mem, &len, pre, npre, f)) < 0) {
            rcm_error_set(&err, rc, "%s", rc == RCM_EIO ? "cannot read" : "out of memory");
            err.source = "stdin";
        } else {
            rc = rcm_x12_open_mem(&xr, mem, len, "stdin", &err);
        }
        if (rc < 0)
            cli_error(&err);
        else
            rc = read_x12(r, xr);
        rcm_x12_reader_free(xr);
        free(mem);
    }
    if (f && f != stdin)
        fclose(f);
    if (rc == 0 && r->file_claims == 0) {
        fprintf(stderr, "rcm: %s: no claims (%s)\n", r->name,
                x12 ? "no 837P or 837I transaction set in the X12 input" : "no claim object in the JSON");
        rc = RCM_EFORMAT;
    }
    return rc;
}

/* ---- reference data ---- */

/*
 * Which tables the store holds: *edits 1 when it has a load of an NCCI edit
 * kind (so the index has something to read and is not built for nothing),
 * *codes 1 when it has one of a kind the code sets are read from.
 */
static int loaded_kinds(rcm_store *st, int *edits, int *codes, rcm_error *err)
{
    static const char *const code_kinds[] = { "icd10cm", "hcpcs", "cpt", "pos", "mce", "mce_ages", "pprrvu", "mn" };
    rcm_refdata_load *loads = NULL;
    size_t n = 0;
    int rc = rcm_refdata_loads(&loads, &n, st, err);
    if (rc < 0)
        return rc;
    *edits = *codes = 0;
    for (size_t i = 0; i < n; i++) {
        const char *k = loads[i].kind;
        if (loads[i].replaced_by)
            continue;
        if (strncmp(k, "ptp", 3) == 0 || strncmp(k, "mue", 3) == 0 || strcmp(k, "aoc") == 0)
            *edits = 1;
        for (size_t j = 0; j < sizeof(code_kinds) / sizeof(code_kinds[0]); j++)
            if (strcmp(k, code_kinds[j]) == 0)
                *codes = 1;
    }
    free(loads);
    return 0;
}

typedef struct refdata {
    rcm_store *st;
    rcm_edits *edits;
    rcm_codeset *codes;
    rcm_payer_rules *rules;
} refdata;

static int open_refdata(refdata *rd, const char *db)
{
    if (cli_store_open(&rd->st, db, 0))
        return -1;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int edits = 0, codes = 0, rc = loaded_kinds(rd->st, &edits, &codes, &err);
    /* a store without them leaves the families that need them unavailable (said once), not failing */
    if (rc == 0 && edits)
        rc = rcm_edits_open_store(&rd->edits, rd->st, NULL, &err);
    if (rc == 0 && codes)
        rc = rcm_codeset_open_store(&rd->codes, rd->st, &err);
    if (rc < 0) {
        cli_error(&err);
        return -1;
    }
    return 0;
}

static void close_refdata(refdata *rd)
{
    rcm_payer_rules_free(rd->rules);
    rcm_codeset_free(rd->codes);
    rcm_edits_close(rd->edits);
    rcm_store_close(rd->st);
}

/*
 * One line naming the families that cannot run, e.g. "rcm: scrub: PTP, MUE,
 * AOC not checked: the store holds no NCCI edit tables (load them with ...)".
 */
static void warn_unavailable(uint32_t missing)
{
    static const struct {
        uint32_t mask;
        const char *why;
    } groups[] = {
        { (1u << RCM_FAM_PTP) | (1u << RCM_FAM_MUE) | (1u << RCM_FAM_AOC), "the store holds no NCCI edit tables" },
        { (1u << RCM_FAM_DX) | (1u << RCM_FAM_PX) | (1u << RCM_FAM_AGE) | (1u << RCM_FAM_SEX) | (1u << RCM_FAM_MN),
          "the store holds no code sets" },
    };
    if (!missing)
        return;
    fputs("rcm: scrub:", stderr);
    const char *gsep = " ";
    for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        uint32_t m = missing & groups[g].mask;
        if (!m)
            continue;
        fputs(gsep, stderr);
        const char *sep = "";
        for (int fam = 0; fam < RCM_FAM_COUNT; fam++)
            if (m >> fam & 1) {
                fprintf(stderr, "%s%s", sep, rcm_scrub_family_name(fam));
                sep = ", ";
            }
        fprintf(stderr, " not checked: %s", groups[g].why);
        gsep = "; ";
    }
    fputs(" (load them with 'rcm init' or 'rcm refdata import')\n", stderr);
}

/* ---- options ---- */

static int parse_families(uint32_t *out, const char *list)
{
    *out = 0;
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ')
            e++;
        if (e == p)
            break;
        int found = -1;
        for (int fam = 0; fam < RCM_FAM_COUNT; fam++) {
            const char *name = rcm_scrub_family_name(fam);
            if (strlen(name) == (size_t)(e - p) && strncasecmp(name, p, (size_t)(e - p)) == 0)
                found = fam;
        }
        if (found < 0) {
            fprintf(stderr, "rcm: --only: '%.*s' is not a rule family (", (int)(e - p), p);
            for (int fam = 0; fam < RCM_FAM_COUNT; fam++)
                fprintf(stderr, "%s%s", fam ? ", " : "", rcm_scrub_family_name(fam));
            fputs(")\n", stderr);
            return -1;
        }
        *out |= 1u << found;
        p = e;
    }
    if (!*out) {
        fputs("rcm: --only: no family given\n", stderr);
        return -1;
    }
    return 0;
}

static rcm_date today_utc(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return RCM_DATE_NONE;
    return rcm_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static void print_summary(const run *r)
{
    long n = (long)r->index, clean = n - r->with_errors;
    printf("%ld claim%s read, %ld with errors; findings: %zu error%s, %zu warning%s, %zu info", n, n == 1 ? "" : "s",
           r->with_errors, r->errors, r->errors == 1 ? "" : "s", r->warnings, r->warnings == 1 ? "" : "s", r->infos);
    if (n) {
        /* tenths of a percent, rounded half up, in integers */
        long t = (clean * 2000 + n) / (2 * n);
        printf("; clean claims %ld of %ld (%ld.%ld%%)", clean, n, t / 10, t % 10);
    }
    if (r->x12_errors)
        printf("; X12 errors: %ld", r->x12_errors);
    putchar('\n');
}

int cmd_scrub(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "db", required_argument, NULL, 'd' },
        { "no-db", no_argument, NULL, 'N' },
        { "rules", required_argument, NULL, 'r' },
        { "today", required_argument, NULL, 't' },
        { "only", required_argument, NULL, 'o' },
        { "disable", required_argument, NULL, 'x' },
        { "bypass", required_argument, NULL, 'b' },
        { "history", required_argument, NULL, 'H' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    rcm_scrub_config cfg;
    rcm_scrub_config_init(&cfg);
    const char *db = NULL, *rules_path = NULL, *history[MAX_HISTORY];
    int no_db = 0, as_json = 0, nhistory = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "jd:h", opts, NULL)) != -1) {
        switch (o) {
        case 'j': as_json = 1; break;
        case 'd': db = optarg; break;
        case 'N': no_db = 1; break;
        case 'r': rules_path = optarg; break;
        case 't':
            if (cli_parse_date(&cfg.today, "--today", optarg))
                return EXIT_UNREADABLE;
            break;
        case 'o':
            if (parse_families(&cfg.families, optarg) < 0)
                return EXIT_UNREADABLE;
            break;
        case 'x': cfg.disable = optarg; break;
        case 'b': cfg.bypass = optarg; break;
        case 'H':
            if (nhistory == MAX_HISTORY) {
                fprintf(stderr, "rcm: --history: at most %d files\n", MAX_HISTORY);
                return EXIT_UNREADABLE;
            }
            history[nhistory++] = optarg;
            break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    if (no_db && db) {
        fputs("rcm: --db and --no-db: give one\n", stderr);
        return EXIT_UNREADABLE;
    }
    if (cfg.today == RCM_DATE_NONE)
        cfg.today = today_utc();

    refdata rd;
    memset(&rd, 0, sizeof(rd));
    run r;
    memset(&r, 0, sizeof(r));
    rcm_findings_init(&r.f);
    rcm_buf_init(&r.text, RCM_MAX_MESSAGE);
    r.as_json = as_json;
    rcm_scrub *engine = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int status = EXIT_UNREADABLE;

    if (!no_db && open_refdata(&rd, db) < 0)
        goto done;
    if (rules_path && rcm_payer_rules_load(&rd.rules, rules_path, &err) < 0) {
        if (!err.source)
            err.source = rules_path;
        cli_error(&err);
        goto done;
    }
    cfg.edits = rd.edits;
    cfg.codes = rd.codes;
    cfg.rules = rd.rules;
    if (rcm_scrub_history_new(&r.hist, &err) < 0) {
        cli_error(&err);
        goto done;
    }
    cfg.history = r.hist;
    if (rcm_scrub_new(&engine, &cfg, &err) < 0) {
        fprintf(stderr, "rcm: %s%s\n", strncmp(err.msg, "unknown rule", 12) == 0 ? "--disable: " : "", err.msg);
        goto done;
    }
    r.engine = engine;
    if (!no_db)
        warn_unavailable(rcm_scrub_unavailable(engine));

    int unreadable = 0;
    r.to_history = 1;
    for (int i = 0; i < nhistory; i++)
        if (read_input(&r, history[i]) < 0)
            unreadable = 1;
    r.to_history = 0;
    for (int i = optind; i < argc; i++) {
        int rc = read_input(&r, argv[i]);
        if (rc < 0)
            unreadable = 1;
        if (rc == RCM_ENOMEM || (rc == RCM_EIO && ferror(stdout)))
            break;
    }
    if (!as_json)
        print_summary(&r);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "rcm: cannot write to standard output: %s\n", strerror(errno));
        unreadable = 1;
    }
    status = unreadable ? EXIT_UNREADABLE : (r.errors || r.x12_errors) ? EXIT_PROBLEMS : EXIT_CLEAN;
done:
    rcm_scrub_free(engine);
    rcm_scrub_history_free(r.hist);
    rcm_findings_release(&r.f);
    rcm_buf_release(&r.text);
    close_refdata(&rd);
    return status;
}
