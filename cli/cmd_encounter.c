/*
 * rcm encounter: encounters from the EHR (docs/encounter-json.md).
 *
 * rcm encounter import FILE      imports a JSON array or JSON Lines file
 * rcm encounter show ENC [--json] one encounter by its EHR id or #N
 *
 * show prints ids, dates, place, provider, status, the coverages by payer
 * code, the documentation and the proposed codes. Of the patient it prints
 * the MRN only, never the name or date of birth.
 *
 * Exit 0 done; 2 the file cannot be read or has a mistake ("rcm:
 * FILE:LINE: encounter 'ENC-1': field 'patient.dob': ..."; nothing is
 * imported then), an encounter changed after coding, or no such encounter.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/encounter.h"
#include "rcm/refdata.h"

static int cmd_encounter_import(int argc, char **argv);
static int cmd_encounter_show(int argc, char **argv);

static const cmd encounter_cmds[] = {
    { "import", cmd_encounter_import, "import encounters from the EHR (JSON array or JSON Lines)" },
    { "show", cmd_encounter_show, "one encounter: ids, dates, status, documentation, proposed codes" },
};

int cmd_encounter(int argc, char **argv)
{
    return cmd_dispatch("rcm encounter", encounter_cmds, sizeof(encounter_cmds) / sizeof(encounter_cmds[0]),
                        argc - 1, argv + 1);
}

static const char import_usage[] =
    "usage: rcm encounter import FILE [common options]\n"
    "  Imports the encounters of FILE (docs/encounter-json.md: a JSON array or JSON\n"
    "  Lines). Patients and coverages are created or updated by MRN. An encounter\n"
    "  imported before is left alone when unchanged, updated while new, refused\n"
    "  once coded. One transaction: a bad record stops the import and nothing is\n"
    "  imported.\n" CLI_CYCLE_HELP
    "Exit: 0 imported; 2 the file cannot be read or has a mistake (FILE:LINE: what).\n";

static const char show_usage[] =
    "usage: rcm encounter show ENC [--json] [common options]\n"
    "  One encounter by the EHR's id (ENC-000123) or its number (#N): ids, date,\n"
    "  place, provider, status, coverages, documentation and proposed codes.\n"
    "  Of the patient only the MRN is shown.\n"
    "  --json   one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 shown; 2 no such encounter, or an error.\n";

static int cmd_encounter_import(int argc, char **argv)
{
    const char *path = NULL;
    rcm_import_report rep;
    int rc = cli_cycle_import(argc, argv, import_usage, rcm_encounter_import, "nothing imported", &path, &rep);
    if (rc >= 0)
        return rc;
    printf("%s: %ld encounter%s: %ld added, %ld updated, %ld unchanged; %ld patient%s and %ld coverage%s added",
           path, rep.records, rep.records == 1 ? "" : "s", rep.added, rep.updated, rep.unchanged, rep.patients_added,
           rep.patients_added == 1 ? "" : "s", rep.coverages_added, rep.coverages_added == 1 ? "" : "s");
    if (rep.patients_updated || rep.coverages_updated)
        printf(", %ld patient%s and %ld coverage%s updated", rep.patients_updated,
               rep.patients_updated == 1 ? "" : "s", rep.coverages_updated, rep.coverages_updated == 1 ? "" : "s");
    putchar('\n');
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}

static void when(char *out, size_t n, int64_t t)
{
    if (!t) {
        snprintf(out, n, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm))
        strftime(out, n, "%Y-%m-%d %H:%M UTC", &tm);
    else
        snprintf(out, n, "%lld", (long long)t);
}

static void print_strings(const char *label, const json_t *a)
{
    size_t i;
    const json_t *v;
    json_array_foreach(a, i, v) printf("    %-10s %s\n", label, json_string_value(v) ? json_string_value(v) : "");
}

static void print_text(const rcm_encounter_info *e, const json_t *doc, const json_t *prop)
{
    char d1[16], d2[16], t[40];
    rcm_date_fmt(d1, e->dos, 1);
    rcm_date_fmt(d2, e->dos_to, 1);
    printf("encounter %s (#%lld)\n", e->ext_id, (long long)e->encounter_id);
    printf("  status      %s\n", e->status);
    printf("  kind        %c (837%c)%s%s\n", e->kind, e->kind, e->bill_type[0] ? ", type of bill " : "",
           e->bill_type);
    if (e->dos_to != e->dos)
        printf("  date        %s to %s\n", d1, d2);
    else
        printf("  date        %s\n", d1);
    printf("  place       %s\n", e->pos);
    printf("  provider    %s\n", e->provider_npi);
    printf("  referring   %s\n", e->referring_npi[0] ? e->referring_npi : "-");
    printf("  prior auth  %s\n", e->prior_auth[0] ? e->prior_auth : "-");
    printf("  patient     MRN %s (#%lld)\n", e->mrn, (long long)e->patient_id);
    printf("  coverage    ");
    if (!e->n_coverages)
        printf("none (self-pay)");
    for (size_t i = 0; i < e->n_coverages; i++)
        printf("%s%s %s (relation %s)", i ? ", " : "", e->coverages[i].seq, e->coverages[i].payer,
               e->coverages[i].relation);
    putchar('\n');
    when(t, sizeof(t), e->imported_at);
    printf("  imported    %s from %s\n", t, e->source);
    if (e->coded_at) {
        when(t, sizeof(t), e->coded_at);
        printf("  coded       %s by %s\n", t, e->coded_by);
    }
    if (e->signed_at) {
        when(t, sizeof(t), e->signed_at);
        printf("  signed      %s by %s\n", t, e->signed_by);
    }
    printf("  documentation\n");
    print_strings("service", json_object_get(doc, "services"));
    print_strings("problem", json_object_get(doc, "problems"));
    const char *note = json_string_value(json_object_get(doc, "note"));
    if (note && note[0])
        printf("    %-10s %s\n", "note", note);
    printf("  proposed\n");
    const json_t *dx = json_object_get(prop, "dx"), *lines = json_object_get(prop, "lines");
    if (!json_array_size(dx) && !json_array_size(lines))
        printf("    none\n");
    size_t i;
    const json_t *v;
    json_array_foreach(dx, i, v) {
        char disp[RCM_CODE_MAX];
        rcm_code_icd10cm_display(disp, json_string_value(v) ? json_string_value(v) : "");
        printf("    dx %-7zu %s\n", i + 1, disp);
    }
    json_array_foreach(lines, i, v) {
        const char *code = json_string_value(json_object_get(v, "code"));
        printf("    line %-5zu %s", i + 1, code && code[0] ? code : "-");
        const char *rev = json_string_value(json_object_get(v, "rev_code"));
        if (rev && rev[0])
            printf(" rev %s", rev);
        size_t k;
        const json_t *m;
        json_array_foreach(json_object_get(v, "mods"), k, m) printf("%s%s", k ? "," : " mod ", json_string_value(m));
        printf(" units %s", json_string_value(json_object_get(v, "units")));
        json_array_foreach(json_object_get(v, "ptrs"), k, m) printf("%s%lld", k ? "," : " ptrs ",
                                                                  (long long)json_integer_value(m));
        putchar('\n');
    }
}

static int print_json(const rcm_encounter_info *e, json_t *doc, json_t *prop)
{
    char d1[16], d2[16];
    rcm_date_fmt(d1, e->dos, 1);
    rcm_date_fmt(d2, e->dos_to, 1);
    char kind[2] = { e->kind, 0 };
    json_t *covs = json_array();
    for (size_t i = 0; covs && i < e->n_coverages; i++)
        json_array_append_new(covs, json_pack("{s:s, s:s, s:s}", "seq", e->coverages[i].seq, "payer",
                                              e->coverages[i].payer, "relation", e->coverages[i].relation));
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:s, s:I, s:s?, s:I,"
                          " s:s?, s:I, s:O, s:O}",
                          "encounter_id", (json_int_t)e->encounter_id, "id", e->ext_id, "kind", kind, "date", d1,
                          "date_to", d2, "place", e->pos, "provider", e->provider_npi, "referring_npi",
                          e->referring_npi, "bill_type", e->bill_type, "prior_auth", e->prior_auth, "mrn", e->mrn,
                          "patient_id", (json_int_t)e->patient_id, "coverages", covs ? covs : json_array(), "status",
                          e->status, "imported_at", (json_int_t)e->imported_at, "coded_by",
                          e->coded_at ? e->coded_by : NULL, "coded_at", (json_int_t)e->coded_at, "signed_by",
                          e->signed_at ? e->signed_by : NULL, "signed_at", (json_int_t)e->signed_at,
                          "documentation", doc, "proposed", prop);
    if (!o)
        return -1;
    json_object_set_new(o, "source", json_string(e->source));
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

static int cmd_encounter_show(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    int rc = cli_cycle_args(argc, argv, show_usage, 1, &co, &json);
    if (rc >= 0)
        return rc;
    if (optind + 1 != argc) {
        fputs(show_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    if ((rc = cli_cycle_open(&st, &cy, &co)) != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int64_t id = 0;
    rcm_encounter_info e;
    memset(&e, 0, sizeof(e));
    json_t *doc = NULL, *prop = NULL;
    rc = EXIT_CLEAN;
    if (rcm_encounter_find(cy, argv[optind], &id, &err) < 0 || rcm_encounter_get(cy, id, &e, &err) < 0) {
        cli_error(&err);
        rc = EXIT_UNREADABLE;
        goto done;
    }
    doc = json_loads(e.documentation, 0, NULL);
    prop = json_loads(e.proposed, 0, NULL);
    if (!doc || !prop) {
        fprintf(stderr, "rcm: encounter #%lld: its stored documentation or proposed codes are not JSON\n",
                (long long)e.encounter_id);
        rc = EXIT_UNREADABLE;
        goto done;
    }
    if (json) {
        if (print_json(&e, doc, prop) < 0)
            rc = EXIT_UNREADABLE;
    } else {
        print_text(&e, doc, prop);
    }
done:
    json_decref(doc);
    json_decref(prop);
    rcm_encounter_info_release(&e);
    cli_cycle_close(st, cy);
    if (fflush(stdout) != 0)
        rc = EXIT_UNREADABLE;
    return rc;
}
