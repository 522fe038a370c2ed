/*
 * rcm code: look codes up and search descriptions.
 *
 *   rcm code show CODE... [--dos DATE] [--json]   every code set knowing CODE, billable or
 *                                                 header, valid on DATE or not, since/until when
 *   rcm code search TEXT... [--limit N] [--dos DATE] [--json]
 *                                                 ranked search of ICD-10-CM, HCPCS (and a loaded
 *                                                 CPT) descriptions, billable codes first
 *   rcm code check CODE...                        format checks (NPI, ICD-10-CM, CPT, HCPCS, modifier)
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "rcm/edits.h"
#include "cli_store.h"
#include "cmd_refdata.h"
#include "rcm/refdata.h"

static int cmd_show(int argc, char **argv);
static int cmd_search(int argc, char **argv);
static int cmd_check(int argc, char **argv);

static const cmd code_cmds[] = {
    { "check", cmd_check, "check code formats (NPI check digit, ICD-10-CM, CPT, HCPCS, modifier)" },
    { "search", cmd_search, "ranked text search of ICD-10-CM and HCPCS descriptions" },
    { "show", cmd_show, "what a code is and whether it is valid on a date of service" },
};

int cmd_code(int argc, char **argv)
{
    return cmd_dispatch("rcm code", code_cmds, sizeof(code_cmds) / sizeof(code_cmds[0]), argc - 1, argv + 1);
}

static const char *set_title(const char *set)
{
    static const struct { const char *set, *title; } t[] = {
        { "icd10cm", "ICD-10-CM diagnosis" }, { "hcpcs", "HCPCS Level II procedure" },
        { "hcpcs_mod", "HCPCS modifier" }, { "cpt", "CPT procedure" },
        { "carc", "claim adjustment reason code" }, { "rarc", "remittance advice remark code" },
        { "csc_cat", "claim status category code" }, { "csc", "claim status code" },
        { "pos", "place of service" }, { "cas_group", "claim adjustment group code" },
    };
    for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (strcmp(t[i].set, set) == 0)
            return t[i].title;
    return set;
}

static void print_info(const rcm_code_info *c, rcm_date dos)
{
    char range[64], d[16];
    refdata_fmt_range(range, sizeof(range), c->valid_from, c->valid_to);
    rcm_date_fmt(d, dos, 1);
    printf("%s  %s%s\n", c->display, set_title(c->set),
           strcmp(c->set, "icd10cm") == 0 ? (c->billable ? ", billable" : ", header (not billable)") : "");
    printf("  %s\n", c->desc);
    if (dos == RCM_DATE_NONE)
        printf("  %s: %s (version %s)\n", c->valid ? "in the latest table" : "not in the latest table",
               range, c->version);
    else if (c->valid < 0)
        printf("  valid on %s: unknown: no %s table loaded covers that date (valid %s)\n", d,
               set_title(c->set), range);
    else if (c->valid)
        printf("  valid on %s: yes, %s (version %s)\n", d, range, c->version);
    else
        printf("  valid on %s: no (valid %s)\n", d, range);
}

static json_t *info_json(const rcm_code_info *c, rcm_date dos)
{
    char a[16], b[16];
    rcm_date_fmt(a, c->valid_from, 1);
    rcm_date_fmt(b, c->valid_to, 1);
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(c->code));
    json_object_set_new(j, "display", json_string(c->display));
    json_object_set_new(j, "set", json_string(c->set));
    json_object_set_new(j, "billable", json_boolean(c->billable));
    json_object_set_new(j, "description", json_string(c->desc));
    if (c->short_desc[0])
        json_object_set_new(j, "short_description", json_string(c->short_desc));
    json_object_set_new(j, "valid", c->valid < 0 ? json_null() : json_boolean(c->valid));
    json_object_set_new(j, "valid_from", c->valid_from == RCM_DATE_NONE ? json_null() : json_string(a));
    json_object_set_new(j, "valid_to", c->valid_to == RCM_DATE_NONE ? json_null() : json_string(b));
    json_object_set_new(j, "version", json_string(c->version));
    json_object_set_new(j, "load", json_integer(c->load_id));
    (void)dos;
    return j;
}

/* RVUs are kept x RCM_PFS_SCALE (10^4): "1.30" with two decimals, exactly. */
static void fmt_rvu(char *out, size_t outsz, int32_t v)
{
    snprintf(out, outsz, "%s%d.%02d", v < 0 ? "-" : "", abs(v) / RCM_PFS_SCALE,
             abs(v) % RCM_PFS_SCALE / 100);
}

/* The fee-schedule facts of a procedure code (PPRRVU row in force on dos), or 0 when none. */
static int fee_facts(rcm_pfs_rvu *out, rcm_store *st, const char *code, rcm_date dos)
{
    if (strlen(code) != 5)
        return 0;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    return rcm_pfs_rvu_find(out, st, code, NULL, dos, &err) == 0;
}

static void print_fee(const rcm_pfs_rvu *r)
{
    char w[16], pn[16], pf[16], mp[16];
    fmt_rvu(w, sizeof(w), r->work);
    fmt_rvu(pn, sizeof(pn), r->pe_nonfac);
    fmt_rvu(pf, sizeof(pf), r->pe_fac);
    fmt_rvu(mp, sizeof(mp), r->mp);
    printf("  fee schedule %s: status %c, RVUs work %s, PE %s non-facility / %s facility, MP %s\n",
           r->version, r->status ? r->status : '?', w, pn, pf, mp);
    printf("    global %s, PC/TC %c, multiple procedure %c, bilateral %c, assistant %c, co-surgeon %c\n",
           r->glob_days, r->pctc, r->mult_proc, r->bilat_surg, r->asst_surg, r->co_surg);
}

static json_t *fee_json(const rcm_pfs_rvu *r)
{
    json_t *j = json_object();
    char b[4][16];
    fmt_rvu(b[0], sizeof(b[0]), r->work);
    fmt_rvu(b[1], sizeof(b[1]), r->pe_nonfac);
    fmt_rvu(b[2], sizeof(b[2]), r->pe_fac);
    fmt_rvu(b[3], sizeof(b[3]), r->mp);
    char st[2] = { r->status, 0 }, pctc[2] = { r->pctc, 0 };
    json_object_set_new(j, "version", json_string(r->version));
    json_object_set_new(j, "status", json_string(st));
    json_object_set_new(j, "work_rvu", json_string(b[0]));
    json_object_set_new(j, "pe_rvu_nonfacility", json_string(b[1]));
    json_object_set_new(j, "pe_rvu_facility", json_string(b[2]));
    json_object_set_new(j, "mp_rvu", json_string(b[3]));
    json_object_set_new(j, "global_days", json_string(r->glob_days));
    json_object_set_new(j, "pctc", json_string(pctc));
    return j;
}

static void print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    json_decref(j);
}

/* What a code not in any loaded set looks like, by format. */
static void explain_unknown(const char *code)
{
    rcm_str s = rcm_str_c(code);
    if (rcm_code_check_cpt(s, NULL) == 0)
        printf("%s: not in the store; a CPT code by format (CPT descriptors are licensed: load your"
               " file with 'rcm refdata import --kind cpt')\n", code);
    else
        printf("%s: not found in any loaded code set\n", code);
}

static const char show_usage[] =
    "usage: rcm code show CODE... [--dos YYYY-MM-DD] [--json] [--db PATH]\n"
    "  ICD-10-CM codes with or without the dot; exit 1 when a code is unknown or not valid on --dos\n";

static int cmd_show(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "dos", required_argument, NULL, 'D' },
        { "json", no_argument, NULL, 'j' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    rcm_date dos = RCM_DATE_NONE;
    int as_json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "D:jd:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'D':
            if (cli_parse_date(&dos, "--dos", optarg))
                return EXIT_UNREADABLE;
            break;
        case 'j': as_json = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(show_usage, stdout); return EXIT_CLEAN;
        default: fputs(show_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        fputs(show_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    if (cli_store_open(&st, db, 0))
        return EXIT_UNREADABLE;
    enum { MAXSETS = 8 };
    rcm_code_info *info = calloc(MAXSETS, sizeof(*info));
    if (!info) {
        rcm_store_close(st);
        fprintf(stderr, "rcm: out of memory\n");
        return EXIT_UNREADABLE;
    }
    json_t *arr = as_json ? json_array() : NULL;
    int status = EXIT_CLEAN;
    for (int a = optind; a < argc; a++) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        int n = rcm_code_lookup(info, MAXSETS, st, argv[a], dos, &err);
        if (n < 0) {
            cli_error(&err);
            status = EXIT_UNREADABLE;
            break;
        }
        if (n > MAXSETS)
            n = MAXSETS;
        rcm_pfs_rvu fee;
        int has_fee = fee_facts(&fee, st, argv[a], dos);
        if (n == 0 && !has_fee)
            status = status > EXIT_PROBLEMS ? status : EXIT_PROBLEMS;
        for (int i = 0; i < n; i++)
            if (dos != RCM_DATE_NONE && info[i].valid != 1 && status < EXIT_PROBLEMS)
                status = EXIT_PROBLEMS;
        if (as_json) {
            json_t *o1 = json_object();
            json_t *found = json_array();
            char d[16];
            rcm_date_fmt(d, dos, 1);
            for (int i = 0; i < n; i++)
                json_array_append_new(found, info_json(&info[i], dos));
            json_object_set_new(o1, "query", json_string(argv[a]));
            json_object_set_new(o1, "dos", dos == RCM_DATE_NONE ? json_null() : json_string(d));
            json_object_set_new(o1, "found", found);
            json_object_set_new(o1, "fee_schedule", has_fee ? fee_json(&fee) : json_null());
            json_array_append_new(arr, o1);
            continue;
        }
        if (a > optind)
            putchar('\n');
        if (n == 0 && !has_fee)
            explain_unknown(argv[a]);
        if (n == 0 && has_fee)
            printf("%s  procedure code (no descriptor: load your licensed CPT file for it)\n", argv[a]);
        for (int i = 0; i < n; i++)
            print_info(&info[i], dos);
        if (has_fee)
            print_fee(&fee);
    }
    if (as_json)
        print_json(arr);
    free(info);
    rcm_store_close(st);
    return status;
}

static const char search_usage[] =
    "usage: rcm code search TEXT... [--limit N] [--dos YYYY-MM-DD] [--json] [--db PATH]\n"
    "  ranked search of ICD-10-CM and HCPCS (and a loaded CPT) descriptions; billable codes first;\n"
    "  the last word may be a prefix; a code or its start (E11.6) lists codes starting with it\n";

static int cmd_search(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "limit", required_argument, NULL, 'n' },
        { "dos", required_argument, NULL, 'D' },
        { "json", no_argument, NULL, 'j' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL;
    rcm_date dos = RCM_DATE_NONE;
    long limit = 20;
    int as_json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "n:D:jd:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'n': {
            char *end = NULL;
            limit = strtol(optarg, &end, 10);
            if (!*optarg || *end || limit < 1 || limit > 1000) {
                fprintf(stderr, "rcm: --limit '%s': a number from 1 to 1000\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        }
        case 'D':
            if (cli_parse_date(&dos, "--dos", optarg))
                return EXIT_UNREADABLE;
            break;
        case 'j': as_json = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(search_usage, stdout); return EXIT_CLEAN;
        default: fputs(search_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind >= argc) {
        fputs(search_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_buf text;
    rcm_buf_init(&text, 4096);
    for (int a = optind; a < argc; a++) {
        if (a > optind)
            rcm_buf_addc(&text, ' ');
        rcm_buf_adds(&text, argv[a]);
    }
    rcm_store *st = NULL;
    if (rcm_buf_failed(&text) || cli_store_open(&st, db, 0)) {
        if (rcm_buf_failed(&text))
            fprintf(stderr, "rcm: search text too long\n");
        rcm_buf_release(&text);
        return EXIT_UNREADABLE;
    }
    rcm_code_hit *hits = calloc((size_t)limit, sizeof(*hits));
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int n = hits ? rcm_code_search(hits, (size_t)limit, st, text.ptr, dos, &err)
                 : rcm_error_set(&err, RCM_ENOMEM, "out of memory");
    int status = EXIT_CLEAN;
    if (n < 0) {
        cli_error(&err);
        status = EXIT_UNREADABLE;
    } else if (as_json) {
        json_t *arr = json_array();
        for (int i = 0; i < n; i++) {
            json_t *j = json_object();
            json_object_set_new(j, "code", json_string(hits[i].code));
            json_object_set_new(j, "display", json_string(hits[i].display));
            json_object_set_new(j, "set", json_string(hits[i].set));
            json_object_set_new(j, "billable", json_boolean(hits[i].billable));
            json_object_set_new(j, "description", json_string(hits[i].desc));
            json_array_append_new(arr, j);
        }
        print_json(arr);
    } else if (n == 0) {
        printf("no codes match '%s'\n", text.ptr);
        status = EXIT_PROBLEMS;
    } else {
        for (int i = 0; i < n; i++)
            printf("%-9s %-9s %s%s\n", hits[i].display, hits[i].set, hits[i].billable ? "" : "(header) ",
                   hits[i].desc);
    }
    free(hits);
    rcm_buf_release(&text);
    rcm_store_close(st);
    return status;
}

static const char check_usage[] =
    "usage: rcm code check CODE...\n"
    "  says which formats each code has: NPI (with its check digit), ICD-10-CM, CPT, HCPCS, modifier;\n"
    "  exit 1 when a code has none\n";

static int cmd_check(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(check_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_UNREADABLE : EXIT_CLEAN;
    }
    static const struct {
        const char *name;
        int (*fn)(rcm_str, const char **);
    } checks[] = {
        { "NPI", rcm_code_check_npi }, { "ICD-10-CM", rcm_code_check_icd10cm },
        { "CPT", rcm_code_check_cpt }, { "HCPCS", rcm_code_check_hcpcs },
        { "modifier", rcm_code_check_modifier },
    };
    int status = EXIT_CLEAN;
    for (int a = 1; a < argc; a++) {
        rcm_str s = rcm_str_c(argv[a]);
        int any = 0;
        printf("%s:", argv[a]);
        for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
            if (checks[i].fn(s, NULL) == 0) {
                printf(" %s", checks[i].name);
                any = 1;
            }
        }
        if (!any) {
            const char *why = NULL;
            /* say why it is not an NPI when it is 10 digits, the likeliest intent */
            if (s.n == 10 && strspn(argv[a], "0123456789") == 10)
                rcm_code_check_npi(s, &why);
            printf(" no known format%s%s", why ? ": " : "", why ? why : "");
            status = EXIT_PROBLEMS;
        }
        putchar('\n');
    }
    return status;
}
