/*
 * rcm access [--json | --markdown]
 *
 * The permission matrix: each permission of RCM_PERMS (include/rcm/cycle.h,
 * the one table the library checks), what it allows and which roles hold
 * it. Needs no store and no session. --markdown prints the table as
 * docs/access.md carries it (a CLI case checks the two are the same).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include "cmd.h"
#include "cli_print.h"

static const char usage_text[] =
    "usage: rcm access [--json | --markdown]\n"
    "  The permission matrix: every permission the library checks, the roles that hold it\n"
    "  (coder, biller, auditor, admin) and what it allows. Needs no store or session.\n"
    "  --json        one JSON object\n"
    "  --markdown    the table as docs/access.md carries it\n"
    "Exit: 0 shown, 2 bad usage.\n";

static const struct {
    const char *name;
    unsigned role;
} roles[] = {
    { "coder", RCM_ROLE_CODER },
    { "biller", RCM_ROLE_BILLER },
    { "auditor", RCM_ROLE_AUDITOR },
    { "admin", RCM_ROLE_ADMIN },
};
#define NROLES (sizeof(roles) / sizeof(roles[0]))

static const char *mark(rcm_perm p, size_t r) { return rcm_perm_roles(p) & roles[r].role ? "yes" : "-"; }

static void print_text(void)
{
    int w = (int)strlen("permission");
    for (int p = 0; p < RCM_PERM_COUNT; p++) {
        int n = (int)strlen(rcm_perm_name((rcm_perm)p));
        if (n > w)
            w = n;
    }
    printf("%-*s", w, "permission");
    for (size_t r = 0; r < NROLES; r++)
        printf("  %-7s", roles[r].name);
    printf("  what\n");
    for (int p = 0; p < RCM_PERM_COUNT; p++) {
        printf("%-*s", w, rcm_perm_name((rcm_perm)p));
        for (size_t r = 0; r < NROLES; r++)
            printf("  %-7s", mark((rcm_perm)p, r));
        printf("  %s\n", rcm_perm_what((rcm_perm)p));
    }
}

static void print_markdown(void)
{
    printf("| permission |");
    for (size_t r = 0; r < NROLES; r++)
        printf(" %s |", roles[r].name);
    printf(" what |\n|---|");
    for (size_t r = 0; r < NROLES; r++)
        printf("---|");
    printf("---|\n");
    for (int p = 0; p < RCM_PERM_COUNT; p++) {
        printf("| `%s` |", rcm_perm_name((rcm_perm)p));
        for (size_t r = 0; r < NROLES; r++)
            printf(" %s |", mark((rcm_perm)p, r));
        printf(" %s |\n", rcm_perm_what((rcm_perm)p));
    }
}

static int print_json(void)
{
    json_t *o = json_object(), *rs = json_array(), *ps = json_array();
    for (size_t r = 0; r < NROLES; r++)
        json_array_append_new(rs, json_string(roles[r].name));
    for (int p = 0; p < RCM_PERM_COUNT; p++) {
        json_t *e = json_object(), *held = json_array();
        json_object_set_new(e, "permission", json_string(rcm_perm_name((rcm_perm)p)));
        json_object_set_new(e, "what", json_string(rcm_perm_what((rcm_perm)p)));
        for (size_t r = 0; r < NROLES; r++)
            if (rcm_perm_roles((rcm_perm)p) & roles[r].role)
                json_array_append_new(held, json_string(roles[r].name));
        json_object_set_new(e, "roles", held);
        json_array_append_new(ps, e);
    }
    json_object_set_new(o, "roles", rs);
    json_object_set_new(o, "permissions", ps);
    return cli_print_json(o);
}

int cmd_access(int argc, char **argv)
{
    enum { OPT_JSON = 1, OPT_MARKDOWN };
    static const struct option lopts[] = {
        { "json", no_argument, NULL, OPT_JSON },
        { "markdown", no_argument, NULL, OPT_MARKDOWN },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int o, form = 0;
    optind = 1;
    while ((o = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
        if (o == 'h')
            return cli_usage(usage_text, EXIT_CLEAN);
        if ((o != OPT_JSON && o != OPT_MARKDOWN) || (form && form != o))
            return cli_usage(usage_text, EXIT_UNREADABLE);
        form = o;
    }
    if (optind < argc)
        return cli_usage(usage_text, EXIT_UNREADABLE);
    if (form == OPT_JSON)
        return cli_done(print_json());
    if (form == OPT_MARKDOWN)
        print_markdown();
    else
        print_text();
    return cli_done(EXIT_CLEAN);
}
