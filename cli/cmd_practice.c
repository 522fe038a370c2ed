/*
 * rcm practice: the practice's set-up (docs/practice-json.md).
 *
 * rcm practice import FILE   creates or updates the practice, its providers,
 *                            payers, fees and contracts from the file
 * rcm practice show [--json] the practice, its providers and payers, with
 *                            the counts of fees and contracted amounts
 *
 * Exit 0 done; 2 the file cannot be read or has a mistake ("rcm:
 * FILE:LINE: field 'payers[2].timely_days': ..."), nothing is changed then.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/encounter.h"

static int cmd_practice_import(int argc, char **argv);
static int cmd_practice_show(int argc, char **argv);

static const cmd practice_cmds[] = {
    { "import", cmd_practice_import, "create or update the practice from a practice file" },
    { "show", cmd_practice_show, "the practice, its providers and payers" },
};

int cmd_practice(int argc, char **argv)
{
    return cmd_dispatch("rcm practice", practice_cmds, sizeof(practice_cmds) / sizeof(practice_cmds[0]), argc - 1,
                        argv + 1);
}

static const char import_usage[] =
    "usage: rcm practice import FILE [common options]\n"
    "  Creates or updates the practice, its providers, payers, fee schedule and\n"
    "  contracted allowed amounts from FILE (docs/practice-json.md). Rows are\n"
    "  matched by NPI, payer code, code and modifier: new ones are added,\n"
    "  changed ones updated, nothing is deleted. One transaction.\n" CLI_CYCLE_HELP
    "Exit: 0 imported; 2 the file cannot be read or has a mistake (FILE:LINE: field: what).\n";

static const char show_usage[] =
    "usage: rcm practice show [--json] [common options]\n"
    "  The practice (billing provider, submitter, receiver), its providers and\n"
    "  payers, with the counts of fees and contracted allowed amounts.\n"
    "  --json   one JSON object\n" CLI_CYCLE_HELP
    "Exit: 0 shown; 2 no practice in the store, or an error.\n";

static int cmd_practice_import(int argc, char **argv)
{
    const char *path = NULL;
    rcm_import_report rep;
    int rc = cli_cycle_import(argc, argv, import_usage, rcm_practice_import, NULL, &path, &rep);
    if (rc >= 0)
        return rc;
    printf("%s: %ld record%s: %ld added, %ld updated, %ld unchanged\n", path, rep.records,
           rep.records == 1 ? "" : "s", rep.added, rep.updated, rep.unchanged);
    return fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_UNREADABLE;
}

static void name_of(char *out, size_t n, const rcm_provider_info *p)
{
    snprintf(out, n, "%s, %s%s%s", p->last, p->first, p->middle[0] ? " " : "", p->middle);
}

static int show_json(const rcm_practice_info *pi, const rcm_provider_info *pv, size_t npv,
                     const rcm_payer_info *py, size_t npy)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s}, s:s, s:s, s:{s:s, s:s}, s:{s:s, s:s},"
                          " s:i, s:i, s:i, s:i}",
                          "name", pi->name, "npi", pi->npi, "tax_id", pi->tax_id, "taxonomy", pi->taxonomy,
                          "address", "line1", pi->addr1, "line2", pi->addr2, "city", pi->city, "state", pi->state,
                          "zip", pi->zip, "contact", pi->contact, "phone", pi->phone, "submitter", "id",
                          pi->submitter_id, "name", pi->submitter_name, "receiver", "id", pi->receiver_id, "name",
                          pi->receiver_name, "fees", (int)pi->fees, "contracts", (int)pi->contracts, "patients",
                          (int)pi->patients, "encounters", (int)pi->encounters);
    json_t *provs = json_array(), *pays = json_array();
    if (!o || !provs || !pays) {
        json_decref(o);
        json_decref(provs);
        json_decref(pays);
        return -1;
    }
    for (size_t i = 0; i < npv; i++)
        json_array_append_new(provs, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:i}", "npi", pv[i].npi, "last",
                                               pv[i].last, "first", pv[i].first, "middle", pv[i].middle, "taxonomy",
                                               pv[i].taxonomy, "specialty", pv[i].specialty, "active", pv[i].active,
                                               "encounters", (int)pv[i].encounters));
    for (size_t i = 0; i < npy; i++)
        json_array_append_new(pays, json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:{s:s, s:s, s:s, s:s}, s:i}", "code",
                                              py[i].code, "name", py[i].name, "payer_id", py[i].payer_ext_id,
                                              "filing", py[i].filing, "timely_days", (int)py[i].timely_days,
                                              "appeal_days", (int)py[i].appeal_days, "address", "line1",
                                              py[i].addr1, "city", py[i].city, "state", py[i].state, "zip",
                                              py[i].zip, "contracts", (int)py[i].contracts));
    json_object_set_new(o, "providers", provs);
    json_object_set_new(o, "payers", pays);
    int rc = json_dumpf(o, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

static void show_text(const rcm_practice_info *pi, const rcm_provider_info *pv, size_t npv,
                      const rcm_payer_info *py, size_t npy)
{
    printf("practice  %s\n", pi->name);
    printf("  npi         %s\n", pi->npi);
    printf("  tax id      %s\n", pi->tax_id);
    printf("  taxonomy    %s\n", pi->taxonomy[0] ? pi->taxonomy : "-");
    printf("  address     %s%s%s, %s %s %s\n", pi->addr1, pi->addr2[0] ? ", " : "", pi->addr2, pi->city,
           pi->state, pi->zip);
    printf("  contact     %s%s%s\n", pi->contact[0] ? pi->contact : "-", pi->phone[0] ? ", " : "", pi->phone);
    printf("  submitter   %s (%s)\n", pi->submitter_id, pi->submitter_name);
    printf("  receiver    %s (%s)\n", pi->receiver_id, pi->receiver_name);
    printf("  fees        %ld\n", pi->fees);
    printf("  contracts   %ld\n", pi->contracts);
    printf("  patients    %ld\n", pi->patients);
    printf("  encounters  %ld\n", pi->encounters);
    printf("\nproviders (%zu)\n", npv);
    if (npv)
        printf("  %-10s  %-28s  %-10s  %-8s  %10s  %s\n", "NPI", "name", "taxonomy", "active", "encounters",
               "specialty");
    for (size_t i = 0; i < npv; i++) {
        char name[128];
        name_of(name, sizeof(name), &pv[i]);
        printf("  %-10s  %-28s  %-10s  %-8s  %10ld  %s\n", pv[i].npi, name, pv[i].taxonomy[0] ? pv[i].taxonomy : "-",
               pv[i].active ? "yes" : "no", pv[i].encounters, pv[i].specialty);
    }
    printf("\npayers (%zu)\n", npy);
    if (npy)
        printf("  %-6s  %-34s  %-10s  %-6s  %6s  %6s  %9s\n", "code", "name", "payer id", "filing", "timely",
               "appeal", "contracts");
    for (size_t i = 0; i < npy; i++)
        printf("  %-6s  %-34s  %-10s  %-6s  %6ld  %6ld  %9ld\n", py[i].code, py[i].name, py[i].payer_ext_id,
               py[i].filing, py[i].timely_days, py[i].appeal_days, py[i].contracts);
}

static int cmd_practice_show(int argc, char **argv)
{
    cli_cycle_opts co = { 0 };
    int json = 0;
    int rc = cli_cycle_args(argc, argv, show_usage, 1, &co, &json);
    if (rc >= 0)
        return rc;
    if (optind != argc) {
        fputs(show_usage, stderr);
        return EXIT_UNREADABLE;
    }
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    if ((rc = cli_cycle_open(&st, &cy, &co)) != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_practice_info pi;
    rcm_provider_info *pv = NULL;
    rcm_payer_info *py = NULL;
    size_t npv = 0, npy = 0;
    rc = EXIT_CLEAN;
    if (rcm_practice_get(cy, &pi, &err) < 0 || rcm_provider_list(cy, &pv, &npv, &err) < 0 ||
        rcm_payer_list(cy, &py, &npy, &err) < 0) {
        cli_error(&err);
        rc = EXIT_UNREADABLE;
    } else if (json) {
        if (show_json(&pi, pv, npv, py, npy) < 0)
            rc = EXIT_UNREADABLE;
    } else {
        show_text(&pi, pv, npv, py, npy);
    }
    free(pv);
    free(py);
    cli_cycle_close(st, cy);
    if (fflush(stdout) != 0)
        rc = EXIT_UNREADABLE;
    return rc;
}
