/*
 * rcm fee CODE [--modifier 26|TC|50,51...] [--locality MAC:LOC|NAME] [--facility] [--year YYYY | --dos DATE]
 *
 * The expected Medicare allowed amount from the physician fee schedule:
 * (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF, exact
 * fixed point, rounded half up to the cent once, at the end. Prints every
 * input and the row it came from. Exit 1 when the code (or code and
 * modifier) is not in the fee schedule or the locality matches none.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_store.h"
#include "rcm/edits.h"

static const char usage_text[] =
    "usage: rcm fee CODE [options]\n"
    "  the expected Medicare allowed amount: (work RVU x work GPCI + PE RVU x PE GPCI + MP RVU x MP GPCI) x CF\n"
    "  CODE may carry modifiers: 71046-26\n"
    "  --modifier LIST    26, TC or 53 (their own fee schedule rows); 50, 51, 62, 80/81/82, AS (adjustments)\n"
    "  --locality L       MAC:LOC (01112:05) or words of the locality name (manhattan); default: national\n"
    "  --facility         facility setting (hospital, ASC, SNF...); default: non-facility (office)\n"
    "  --year YYYY        the fee schedule of that year (its latest release)\n"
    "  --dos DATE         the releases in force on a date of service\n"
    "  --json             JSON output (amounts as decimal strings)\n"
    "  --db PATH          the store (default: $RCM_DB, else ./rcm.db)\n";

/* Fixed point x 10^4 as text with at least `keep` decimals. */
static void fx(char *out, size_t outsz, int64_t v, int keep)
{
    const char *sign = v < 0 ? "-" : "";
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char frac[8];
    snprintf(frac, sizeof(frac), "%04llu", (unsigned long long)(a % RCM_PFS_SCALE));
    int n = 4;
    while (n > keep && frac[n - 1] == '0')
        n--;
    frac[n] = '\0';
    snprintf(out, outsz, "%s%llu%s%s", sign, (unsigned long long)(a / RCM_PFS_SCALE), n ? "." : "", frac);
}

static void cents(char *out, size_t outsz, int64_t c)
{
    snprintf(out, outsz, "%lld.%02lld", (long long)(c / 100), (long long)(c % 100));
}

static void print_text(const rcm_fee_quote *q)
{
    const rcm_pfs_rvu *r = &q->rvu;
    char w[24], pe[24], mp[24], gw[24], gpe[24], gmp[24], cf[24], amt[32];
    fx(w, sizeof(w), r->work, 2);
    fx(pe, sizeof(pe), q->pe, 2);
    fx(mp, sizeof(mp), r->mp, 2);
    fx(gw, sizeof(gw), q->loc.gpci_work, 3);
    fx(gpe, sizeof(gpe), q->loc.gpci_pe, 3);
    fx(gmp, sizeof(gmp), q->loc.gpci_mp, 3);
    fx(cf, sizeof(cf), q->cf, 4);
    cents(amt, sizeof(amt), q->cents);
    const char *setting = q->facility ? "facility" : "non-facility";
    printf("%s%s%s  %s, %s\n", r->code, r->modifier[0] ? "-" : "", r->modifier, setting,
           q->national ? "national (GPCIs 1.000)" : q->loc.name);
    if (!q->national)
        printf("  locality    %s:%s %s (%s), GPCI %s\n", q->loc.mac, q->loc.locality, q->loc.name, q->loc.state,
               q->loc.version);
    printf("  RVUs        work %s, PE %s (%s), MP %s\n", w, pe, setting, mp);
    printf("  GPCIs       work %s, PE %s, MP %s\n", gw, gpe, gmp);
    if (q->cf_version[0])
        printf("  CF          %s (conversion factor %s)\n", cf, q->cf_version);
    else
        printf("  CF          %s (from the PPRRVU row)\n", cf);
    if (q->pct != RCM_PFS_SCALE) {
        char pct[24];
        fx(pct, sizeof(pct), q->pct * 100, 0);
        printf("  adjustment  %s%%\n", pct);
    }
    if (q->priced) {
        if (q->pct != RCM_PFS_SCALE) {
            char pct[24];
            fx(pct, sizeof(pct), q->pct, 2);
            printf("  amount      (%s x %s + %s x %s + %s x %s) x %s x %s = %s -> $%s\n", w, gw, pe, gpe, mp, gmp,
                   cf, pct, q->exact, amt);
        } else {
            printf("  amount      (%s x %s + %s x %s + %s x %s) x %s = %s -> $%s\n", w, gw, pe, gpe, mp, gmp, cf,
                   q->exact, amt);
        }
    } else {
        printf("  amount      not priced under the fee schedule\n");
    }
    printf("  status %c (%s), global %s, PC/TC %c, mult proc %c, bilat %c, asst %c, co-surg %c, team %c\n",
           r->status, rcm_pfs_status_text(r->status), r->glob_days[0] ? r->glob_days : "-",
           r->pctc ? r->pctc : '-', r->mult_proc ? r->mult_proc : '-', r->bilat_surg ? r->bilat_surg : '-',
           r->asst_surg ? r->asst_surg : '-', r->co_surg ? r->co_surg : '-', r->team_surg ? r->team_surg : '-');
    printf("  source      %s line %ld (load %ld, fee schedule %s)\n", r->source, r->line, r->load_id, r->version);
    for (int i = 0; i < q->nnotes; i++)
        printf("  note        %s\n", q->notes[i]);
}

static json_t *jfx(int64_t v, int keep)
{
    char b[32];
    fx(b, sizeof(b), v, keep);
    return json_string(b);
}

static json_t *ind(char c)
{
    char s[2] = { c, 0 };
    return c ? json_string(s) : json_null();
}

static void print_json(const rcm_fee_quote *q, const char *mods)
{
    const rcm_pfs_rvu *r = &q->rvu;
    json_t *j = json_object();
    json_object_set_new(j, "code", json_string(r->code));
    json_object_set_new(j, "row_modifier", r->modifier[0] ? json_string(r->modifier) : json_null());
    json_object_set_new(j, "modifiers", json_string(mods ? mods : ""));
    json_object_set_new(j, "setting", json_string(q->facility ? "facility" : "non-facility"));
    json_t *loc = json_object();
    json_object_set_new(loc, "mac", q->national ? json_null() : json_string(q->loc.mac));
    json_object_set_new(loc, "locality", q->national ? json_null() : json_string(q->loc.locality));
    json_object_set_new(loc, "name", json_string(q->loc.name));
    json_object_set_new(loc, "state", q->national ? json_null() : json_string(q->loc.state));
    json_object_set_new(loc, "gpci_work", jfx(q->loc.gpci_work, 3));
    json_object_set_new(loc, "gpci_pe", jfx(q->loc.gpci_pe, 3));
    json_object_set_new(loc, "gpci_mp", jfx(q->loc.gpci_mp, 3));
    json_object_set_new(loc, "version", q->national ? json_null() : json_string(q->loc.version));
    if (q->loc.anes_cf)
        json_object_set_new(loc, "anesthesia_cf", jfx(q->loc.anes_cf, 2));
    json_object_set_new(j, "locality", loc);
    json_t *rv = json_object();
    json_object_set_new(rv, "work", jfx(r->work, 2));
    json_object_set_new(rv, "pe", jfx(q->pe, 2));
    json_object_set_new(rv, "pe_nonfacility", jfx(r->pe_nonfac, 2));
    json_object_set_new(rv, "pe_facility", jfx(r->pe_fac, 2));
    json_object_set_new(rv, "mp", jfx(r->mp, 2));
    json_object_set_new(j, "rvu", rv);
    json_object_set_new(j, "cf", jfx(q->cf, 4));
    json_object_set_new(j, "cf_version", q->cf_version[0] ? json_string(q->cf_version) : json_null());
    json_object_set_new(j, "adjustment_percent", jfx((int64_t)q->pct * 100, 0));
    json_object_set_new(j, "priced", json_boolean(q->priced));
    char amt[32];
    cents(amt, sizeof(amt), q->cents);
    json_object_set_new(j, "amount", q->priced ? json_string(amt) : json_null());
    json_object_set_new(j, "amount_cents", q->priced ? json_integer(q->cents) : json_null());
    json_object_set_new(j, "exact", q->priced ? json_string(q->exact) : json_null());
    json_t *ix = json_object();
    char st[2] = { r->status, 0 };
    json_object_set_new(ix, "status", json_string(st));
    json_object_set_new(ix, "status_text", json_string(rcm_pfs_status_text(r->status)));
    json_object_set_new(ix, "global_days", json_string(r->glob_days));
    json_object_set_new(ix, "pctc", ind(r->pctc));
    json_object_set_new(ix, "mult_proc", ind(r->mult_proc));
    json_object_set_new(ix, "bilat_surg", ind(r->bilat_surg));
    json_object_set_new(ix, "asst_surg", ind(r->asst_surg));
    json_object_set_new(ix, "co_surg", ind(r->co_surg));
    json_object_set_new(ix, "team_surg", ind(r->team_surg));
    json_object_set_new(ix, "nonfacility_na", json_boolean(r->nonfac_na));
    json_object_set_new(ix, "facility_na", json_boolean(r->fac_na));
    json_object_set_new(j, "indicators", ix);
    json_t *src = json_object();
    json_object_set_new(src, "version", json_string(r->version));
    json_object_set_new(src, "source", json_string(r->source));
    json_object_set_new(src, "line", json_integer(r->line));
    json_object_set_new(src, "load", json_integer(r->load_id));
    json_object_set_new(j, "row", src);
    json_t *notes = json_array();
    for (int i = 0; i < q->nnotes; i++)
        json_array_append_new(notes, json_string(q->notes[i]));
    json_object_set_new(j, "notes", notes);
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    if (s)
        puts(s);
    free(s);
    json_decref(j);
}

int cmd_fee(int argc, char **argv)
{
    static const struct option lopts[] = {
        { "modifier", required_argument, NULL, 'm' },
        { "modifiers", required_argument, NULL, 'm' },
        { "locality", required_argument, NULL, 'l' },
        { "facility", no_argument, NULL, 'f' },
        { "year", required_argument, NULL, 'y' },
        { "dos", required_argument, NULL, 'D' },
        { "json", no_argument, NULL, 'j' },
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = NULL, *mod_opt = NULL;
    rcm_fee_request req;
    memset(&req, 0, sizeof(req));
    req.dos = RCM_DATE_NONE;
    int as_json = 0, o, have_year = 0;
    optind = 1;
    while ((o = getopt_long(argc, argv, "m:l:fy:D:jd:h", lopts, NULL)) != -1) {
        switch (o) {
        case 'm': mod_opt = optarg; break;
        case 'l': req.locality = optarg; break;
        case 'f': req.facility = 1; break;
        case 'y': {
            char *end;
            long y = strtol(optarg, &end, 10);
            if (*end || y < 1990 || y > 2099) {
                fprintf(stderr, "rcm: --year '%s': expected a year such as 2025\n", optarg);
                return EXIT_UNREADABLE;
            }
            req.dos = rcm_date_from_ymd((int)y, 12, 31);
            have_year = 1;
            break;
        }
        case 'D':
            if (cli_parse_date(&req.dos, "--dos", optarg))
                return EXIT_UNREADABLE;
            if (have_year) {
                fprintf(stderr, "rcm: fee: give --year or --dos, not both\n");
                return EXIT_UNREADABLE;
            }
            break;
        case 'j': as_json = 1; break;
        case 'd': db = optarg; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (argc - optind != 1) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    /* CODE or CODE-MOD[-MOD]: the code's own modifiers join --modifier */
    char code[8], mods[64];
    const char *arg = argv[optind], *dash = strchr(arg, '-');
    size_t n = dash ? (size_t)(dash - arg) : strlen(arg);
    if (n < 1 || n > 5) {
        fprintf(stderr, "rcm: fee: '%s': not a CPT or HCPCS code\n", arg);
        return EXIT_UNREADABLE;
    }
    snprintf(code, sizeof(code), "%.*s", (int)n, arg);
    snprintf(mods, sizeof(mods), "%s%s%s", dash ? dash + 1 : "", dash && mod_opt ? "," : "", mod_opt ? mod_opt : "");
    req.code = code;
    req.modifiers = mods;

    rcm_store *st = NULL;
    if (cli_store_open(&st, db, RCM_STORE_READONLY))
        return EXIT_UNREADABLE;
    rcm_fee_quote q;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_fee_quote_get(&q, st, &req, &err);
    rcm_store_close(st);
    if (rc < 0) {
        cli_error(&err);
        return rc == RCM_ENOTFOUND ? EXIT_PROBLEMS : EXIT_UNREADABLE;
    }
    if (as_json)
        print_json(&q, mods);
    else
        print_text(&q);
    return EXIT_CLEAN;
}
