/*
 * rcm ncci CODE CODE... [--dos DATE] [--modifiers 59,XU] [--table practitioner|hospital|dme] [--json]
 *
 * Which NCCI edits apply among the codes billed together (same patient,
 * provider and date of service): procedure-to-procedure edits in both orders,
 * whether the modifiers given bypass them, each code's MUE and, for add-on
 * codes, whether a primary is among the codes. Every answer names the table
 * version and the file row behind it. Lookups go through the compiled index
 * beside the store (rebuilt first when the store's edit tables changed).
 * Exit 1 when a PTP edit applies that the modifiers do not bypass.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "cli_store.h"
#include "rcm/edits.h"

#define MAX_CODES 64
#define MAX_MODS 8
#define MAX_ROWS 16

typedef struct code_arg {
    char text[6];
    rcm_proc code;
    char mods[MAX_MODS][3];
    int nmods;
} code_arg;

static const char usage_text[] =
    "usage: rcm ncci CODE CODE... [options]\n"
    "  NCCI PTP edits among the codes (both orders), their MUE values and add-on code checks\n"
    "  CODE        a CPT/HCPCS code, optionally with its modifiers: 29880-59 or 29880-59-RT\n"
    "  --dos DATE          date of service (default: today)\n"
    "  --modifiers LIST    modifiers reported with every code, comma-separated (59,XU)\n"
    "  --table T           practitioner (default), hospital, or dme (MUE only)\n"
    "  --bypass LIST       the NCCI-associated modifiers that bypass an indicator-1 edit\n"
    "                      (default: the NCCI policy manual's list, see docs/edits.md)\n"
    "  --json              JSON output\n"
    "  --db PATH           the store (default: $RCM_DB, else ./rcm.db)\n"
    "  exit 1 when an edit applies that the modifiers given do not bypass\n";

/* Adds the modifiers of "59,XU" (or "59-XU") to c; returns 0 or prints and returns -1. */
static int add_mods(code_arg *c, const char *list, const char *what)
{
    const char *p = list;
    while (*p) {
        while (*p == ',' || *p == '-' || *p == ' ')
            p++;
        if (!*p)
            break;
        const char *q = p;
        while (*q && *q != ',' && *q != '-' && *q != ' ')
            q++;
        rcm_str m = { p, (size_t)(q - p) };
        char up[3] = { 0, 0, 0 };
        if (m.n == 2) {
            up[0] = (char)(p[0] >= 'a' && p[0] <= 'z' ? p[0] - 32 : p[0]);
            up[1] = (char)(p[1] >= 'a' && p[1] <= 'z' ? p[1] - 32 : p[1]);
        }
        const char *why = NULL;
        if (m.n != 2 || rcm_code_check_modifier(rcm_str_c(up), &why) < 0) {
            fprintf(stderr, "rcm: %s: modifier '%.*s': a modifier is 2 letters or digits\n", what, (int)m.n, p);
            return -1;
        }
        int dup = 0;
        for (int i = 0; i < c->nmods; i++)
            dup |= strcmp(c->mods[i], up) == 0;
        if (!dup) {
            if (c->nmods == MAX_MODS) {
                fprintf(stderr, "rcm: %s: more than %d modifiers\n", what, MAX_MODS);
                return -1;
            }
            memcpy(c->mods[c->nmods++], up, 3);
        }
        p = q;
    }
    return 0;
}

static int parse_code(code_arg *c, const char *arg, const char *all_mods)
{
    memset(c, 0, sizeof(*c));
    const char *dash = strchr(arg, '-');
    size_t n = dash ? (size_t)(dash - arg) : strlen(arg);
    char up[8] = { 0 };
    for (size_t i = 0; i < n && i < 7; i++)
        up[i] = (char)(arg[i] >= 'a' && arg[i] <= 'z' ? arg[i] - 32 : arg[i]);
    rcm_str s = { up, n < 7 ? n : 7 };
    const char *w1 = NULL, *w2 = NULL;
    if ((rcm_code_check_cpt(s, &w1) < 0 && rcm_code_check_hcpcs(s, &w2) < 0) || rcm_proc_pack(&c->code, s) < 0) {
        fprintf(stderr, "rcm: ncci: '%.*s': not a CPT or HCPCS code\n", (int)n, arg);
        return -1;
    }
    memcpy(c->text, up, 5);
    c->text[5] = '\0';
    if (dash && add_mods(c, dash + 1, arg) < 0)
        return -1;
    if (all_mods && add_mods(c, all_mods, "--modifiers") < 0)
        return -1;
    return 0;
}

static void fmt_date(char out[16], rcm_date d)
{
    if (d == RCM_DATE_NONE)
        snprintf(out, 16, "none");
    else
        rcm_date_fmt(out, d, 1);
}

/* ---- PTP ---- */

enum { ST_APPLIES, ST_BYPASSED, ST_DELETED, ST_NOT_YET, ST_NOT_EDIT };
static const char *const st_name[] = { "applies", "bypassed", "deleted", "not_yet_effective", "not_an_edit" };

typedef struct verdict {
    rcm_ptp_row row;
    int status;
    const code_arg *c1, *c2;
    char by[3];         /* the bypassing modifier */
    const char *on;     /* the code carrying it */
} verdict;

static void judge(verdict *v, const code_arg *a, const code_arg *b, rcm_date dos, const char *bypass)
{
    const rcm_ptp_row *r = &v->row;
    v->c1 = a;
    v->c2 = b;
    v->by[0] = '\0';
    v->on = NULL;
    if (r->modifier == 9)
        v->status = ST_NOT_EDIT;
    else if (rcm_ptp_in_force(r, dos))
        v->status = ST_APPLIES;
    else if (r->eff > dos)
        v->status = ST_NOT_YET;
    else
        v->status = ST_DELETED;
    if (v->status != ST_APPLIES || r->modifier != 1)
        return;
    /* an NCCI-associated modifier on either code; the column 2 code is where it usually belongs */
    const code_arg *order[2] = { b, a };
    for (int k = 0; k < 2; k++)
        for (int i = 0; i < order[k]->nmods; i++)
            if (rcm_ncci_modifier_bypasses(rcm_str_c(order[k]->mods[i]), bypass)) {
                memcpy(v->by, order[k]->mods[i], 3);
                v->on = order[k]->text;
                v->status = ST_BYPASSED;
                return;
            }
}

static void print_verdict(const verdict *v)
{
    const rcm_ptp_row *r = &v->row;
    char eff[16], del[16];
    fmt_date(eff, r->eff);
    fmt_date(del, r->del);
    printf("  %s / %s: ", v->c1->text, v->c2->text);
    switch (v->status) {
    case ST_APPLIES:
        if (r->modifier == 0)
            printf("applies: %s is denied; indicator 0: no modifier bypasses it\n", v->c2->text);
        else
            printf("applies: %s is denied; indicator 1: an NCCI-associated modifier (59, XE, XS, XP, XU, ...)"
                   " would bypass it\n", v->c2->text);
        break;
    case ST_BYPASSED:
        printf("bypassed by modifier %s on %s (indicator 1)\n", v->by, v->on);
        break;
    case ST_DELETED:
        printf("does not apply: deleted %s\n", del);
        break;
    case ST_NOT_YET:
        printf("does not apply: effective only from %s\n", eff);
        break;
    default:
        printf("not an edit (indicator 9)\n");
        break;
    }
    printf("    row: column 1 %s, column 2 %s, effective %s, deletion %s, modifier indicator %d%s\n",
           v->c1->text, v->c2->text, eff, del, r->modifier, r->pre1996 ? ", in existence prior to 1996" : "");
    printf("    from %s line %ld (load %ld, %s table version %s)\n", r->source, r->line, r->load_id,
           rcm_ncci_table_name(r->table), r->version);
}

static json_t *verdict_json(const verdict *v)
{
    const rcm_ptp_row *r = &v->row;
    char eff[16], del[16];
    fmt_date(eff, r->eff);
    fmt_date(del, r->del);
    json_t *row = json_object();
    json_object_set_new(row, "column1", json_string(v->c1->text));
    json_object_set_new(row, "column2", json_string(v->c2->text));
    json_object_set_new(row, "effective", json_string(eff));
    json_object_set_new(row, "deletion", r->del == RCM_DATE_NONE ? json_null() : json_string(del));
    json_object_set_new(row, "modifier_indicator", json_integer(r->modifier));
    json_object_set_new(row, "prior_to_1996", json_boolean(r->pre1996));
    json_object_set_new(row, "table", json_string(rcm_ncci_table_name(r->table)));
    json_object_set_new(row, "version", json_string(r->version));
    json_object_set_new(row, "source", json_string(r->source));
    json_object_set_new(row, "line", json_integer(r->line));
    json_object_set_new(row, "load", json_integer(r->load_id));
    json_t *j = json_object();
    json_object_set_new(j, "column1", json_string(v->c1->text));
    json_object_set_new(j, "column2", json_string(v->c2->text));
    json_object_set_new(j, "status", json_string(st_name[v->status]));
    json_object_set_new(j, "denied", v->status == ST_APPLIES ? json_string(v->c2->text) : json_null());
    json_object_set_new(j, "bypassed_by", v->status == ST_BYPASSED ? json_string(v->by) : json_null());
    json_object_set_new(j, "bypass_on", v->status == ST_BYPASSED ? json_string(v->on) : json_null());
    json_object_set_new(j, "row", row);
    return j;
}

/* ---- MUE and AOC ---- */

static const char *mai_text(int mai)
{
    return mai == 1 ? "per line" : mai == 2 ? "per date of service, policy" : mai == 3 ? "per date of service, clinical"
                                                                                     : "?";
}

static json_t *mue_json(const code_arg *c, const rcm_mue_row *m, int found)
{
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(c->text));
    if (!found) {
        json_object_set_new(j, "value", json_null());
        return j;
    }
    json_object_set_new(j, "value", json_integer(m->value));
    json_object_set_new(j, "mai", json_integer(m->mai));
    json_object_set_new(j, "adjudication", json_string(mai_text(m->mai)));
    json_object_set_new(j, "table", json_string(rcm_ncci_table_name(m->table)));
    json_object_set_new(j, "version", json_string(m->version));
    json_object_set_new(j, "source", json_string(m->source));
    json_object_set_new(j, "line", json_integer(m->line));
    json_object_set_new(j, "load", json_integer(m->load_id));
    return j;
}

static const char *aoc_status(int s)
{
    return s == RCM_AOC_PRIMARY ? "primary_present" : s == RCM_AOC_MISSING ? "primary_missing" : "contractor_decides";
}

static json_t *aoc_json(const code_arg *c, int status, const rcm_aoc_row *r, const rcm_aoc_row *all, size_t n)
{
    char p[6];
    json_t *j = json_object();
    json_object_set_new(j, "addon", json_string(c->text));
    json_object_set_new(j, "status", json_string(aoc_status(status)));
    json_object_set_new(j, "type", json_integer(r->type));
    rcm_proc_unpack(p, r->primary);
    json_object_set_new(j, "primary", status == RCM_AOC_PRIMARY ? json_string(p) : json_null());
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++)
        if (all[i].primary) {
            rcm_proc_unpack(p, all[i].primary);
            json_array_append_new(list, json_string(p));
        }
    json_object_set_new(j, "listed_primaries", list);
    json_object_set_new(j, "version", json_string(r->version));
    json_object_set_new(j, "source", json_string(r->source));
    json_object_set_new(j, "line", json_integer(r->line));
    json_object_set_new(j, "load", json_integer(r->load_id));
    return j;
}

/* The version of a kind/table the index holds for dos, for headings; NULL when none is loaded. */
static const char *table_version(const rcm_edits *idx, const char *kind, int table, rcm_date dos)
{
    rcm_edits_table t[64];
    size_t n = rcm_edits_tables(idx, t, 64);
    const char *best = NULL, *first = NULL;
    for (size_t i = 0; i < n && i < 64; i++) {
        if (strcmp(t[i].kind, kind) != 0 || t[i].table != table)
            continue;
        if (!first)
            first = t[i].version;
        if (t[i].eff_from == RCM_DATE_NONE || t[i].eff_from <= dos)
            best = t[i].version;
    }
    return best ? best : first;
}

static rcm_date today(void)
{
    time_t t = time(NULL);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return RCM_DATE_NONE;
    return rcm_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int cmd_ncci(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "dos", required_argument, NULL, 'D' },
        { "modifiers", required_argument, NULL, 'm' },
        { "table", required_argument, NULL, 't' },
        { "bypass", required_argument, NULL, 'b' },
        { "json", no_argument, NULL, 'j' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *mods = NULL, *bypass = NULL;
    rcm_date dos = RCM_DATE_NONE;
    int table = RCM_NCCI_PRACTITIONER, as_json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "D:m:t:b:jd:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'D':
            if (cli_parse_date(&dos, "--dos", optarg))
                return EXIT_UNREADABLE;
            break;
        case 'm': mods = optarg; break;
        case 't':
            if (rcm_ncci_table_parse(&table, optarg) < 0) {
                fprintf(stderr, "rcm: --table '%s': expected practitioner, hospital or dme\n", optarg);
                return EXIT_UNREADABLE;
            }
            break;
        case 'b': bypass = optarg; break;
        case 'j': as_json = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    int ncodes = argc - optind;
    if (ncodes < 1) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    if (ncodes > MAX_CODES) {
        fprintf(stderr, "rcm: ncci: at most %d codes\n", MAX_CODES);
        return EXIT_UNREADABLE;
    }
    static code_arg codes[MAX_CODES];
    for (int i = 0; i < ncodes; i++)
        if (parse_code(&codes[i], argv[optind + i], mods) < 0)
            return EXIT_UNREADABLE;
    if (dos == RCM_DATE_NONE)
        dos = today();

    rcm_store *st = NULL;
    if (cli_store_open(&st, db, 0))
        return EXIT_UNREADABLE;
    rcm_edits *idx = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_edits_open_store(&idx, st, NULL, &err);
    rcm_store_close(st);
    if (rc < 0) {
        cli_error(&err);
        return EXIT_UNREADABLE;
    }

    char dtxt[16];
    fmt_date(dtxt, dos);
    const char *tname = rcm_ncci_table_name(table);
    const char *ptp_ver = table_version(idx, "ptp", table, dos);
    const char *mue_ver = table_version(idx, "mue", table, dos);
    int status = EXIT_CLEAN;
    json_t *jptp = json_array(), *jmue = json_array(), *jaoc = json_array();

    /* PTP: every pair of distinct codes, both orders */
    if (!as_json) {
        if (ptp_ver)
            printf("PTP edits on %s (%s table, version %s):\n", dtxt, tname, ptp_ver);
        else if (table == RCM_NCCI_DME)
            printf("PTP edits: none for DME suppliers (NCCI publishes MUEs only)\n");
        else
            printf("PTP edits: no %s PTP table is loaded\n", tname);
    }
    int nptp = 0;
    for (int i = 0; ptp_ver && i < ncodes; i++)
        for (int j = 0; j < ncodes; j++) {
            if (i == j || codes[i].code == codes[j].code)
                continue;
            int dup = 0; /* the same pair once when a code is repeated */
            for (int k = 0; k < i; k++)
                dup |= codes[k].code == codes[i].code;
            for (int k = 0; k < j; k++)
                dup |= codes[k].code == codes[j].code;
            if (dup)
                continue;
            rcm_ptp_row rows[MAX_ROWS];
            size_t n = rcm_ptp_rows(idx, codes[i].code, codes[j].code, dos, table, rows, MAX_ROWS);
            for (size_t k = 0; k < n && k < MAX_ROWS; k++) {
                verdict v;
                v.row = rows[k];
                judge(&v, &codes[i], &codes[j], dos, bypass);
                if (v.status == ST_APPLIES)
                    status = EXIT_PROBLEMS;
                nptp++;
                if (as_json)
                    json_array_append_new(jptp, verdict_json(&v));
                else
                    print_verdict(&v);
            }
        }
    if (!as_json && ptp_ver && !nptp)
        printf("  none among these codes\n");

    /* MUE of each code */
    if (!as_json) {
        if (mue_ver)
            printf("MUE (%s table, version %s):\n", tname, mue_ver);
        else
            printf("MUE: no %s MUE table is loaded\n", tname);
    }
    for (int i = 0; mue_ver && i < ncodes; i++) {
        int dup = 0;
        for (int k = 0; k < i; k++)
            dup |= codes[k].code == codes[i].code;
        if (dup)
            continue;
        rcm_mue_row m;
        int found = rcm_mue_find(idx, codes[i].code, dos, table, &m);
        if (as_json)
            json_array_append_new(jmue, mue_json(&codes[i], &m, found));
        else if (found)
            printf("  %s: %ld unit%s %s (MAI %d); %s line %ld (load %ld)\n", codes[i].text, m.value,
                   m.value == 1 ? "" : "s", mai_text(m.mai), m.mai, m.source, m.line, m.load_id);
        else
            printf("  %s: no MUE\n", codes[i].text);
    }

    /* add-on codes among the codes */
    rcm_proc packed[MAX_CODES];
    for (int i = 0; i < ncodes; i++)
        packed[i] = codes[i].code;
    int naoc = 0;
    for (int i = 0; i < ncodes; i++) {
        rcm_aoc_row r, all[MAX_ROWS];
        int s = rcm_aoc_check(idx, codes[i].code, packed, (size_t)ncodes, dos, &r);
        if (s == RCM_AOC_NOT_ADDON)
            continue;
        size_t n = rcm_aoc_primaries(idx, codes[i].code, dos, all, MAX_ROWS);
        if (n > MAX_ROWS)
            n = MAX_ROWS;
        if (!as_json && naoc == 0)
            printf("Add-on codes (version %s):\n", r.version);
        naoc++;
        if (as_json) {
            json_array_append_new(jaoc, aoc_json(&codes[i], s, &r, all, n));
            continue;
        }
        char p[6];
        rcm_proc_unpack(p, r.primary);
        if (s == RCM_AOC_PRIMARY) {
            printf("  %s: add-on code (type %d), primary %s is among the codes; %s line %ld (load %ld)\n",
                   codes[i].text, r.type, p, r.source, r.line, r.load_id);
            continue;
        }
        printf("  %s: add-on code (type %d), %s", codes[i].text, r.type,
               s == RCM_AOC_MISSING ? "none of its primary codes is among the codes: it is denied without one"
                                    : "no listed primary among the codes: the contractor decides");
        int listed = 0;
        for (size_t k = 0; k < n; k++)
            if (all[k].primary) {
                rcm_proc_unpack(p, all[k].primary);
                printf("%s%s", listed++ ? ", " : " (primaries: ", p);
            }
        printf("%s; %s line %ld (load %ld)\n", listed ? ")" : "", r.source, r.line, r.load_id);
    }

    if (as_json) {
        json_t *j = json_object();
        json_object_set_new(j, "dos", json_string(dtxt));
        json_object_set_new(j, "table", json_string(tname));
        json_object_set_new(j, "ptp_version", ptp_ver ? json_string(ptp_ver) : json_null());
        json_object_set_new(j, "mue_version", mue_ver ? json_string(mue_ver) : json_null());
        json_t *jc = json_array();
        for (int i = 0; i < ncodes; i++) {
            json_t *c = json_object(), *m = json_array();
            json_object_set_new(c, "code", json_string(codes[i].text));
            for (int k = 0; k < codes[i].nmods; k++)
                json_array_append_new(m, json_string(codes[i].mods[k]));
            json_object_set_new(c, "modifiers", m);
            json_array_append_new(jc, c);
        }
        json_object_set_new(j, "codes", jc);
        json_object_set_new(j, "ptp", jptp);
        json_object_set_new(j, "mue", jmue);
        json_object_set_new(j, "aoc", jaoc);
        json_object_set_new(j, "edit_applies", json_boolean(status == EXIT_PROBLEMS));
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        if (s)
            puts(s);
        free(s);
        json_decref(j);
    } else {
        json_decref(jptp);
        json_decref(jmue);
        json_decref(jaoc);
    }
    rcm_edits_close(idx);
    return status;
}
