/*
 * Codes on the command line and printed findings (cli_coding.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_coding.h"

int cli_codes_init(cli_codes *c)
{
    memset(c, 0, sizeof(*c));
    c->codes = calloc(1, sizeof(*c->codes));
    if (!c->codes) {
        fputs("rcm: out of memory\n", stderr);
        return EXIT_UNREADABLE;
    }
    return 0;
}

void cli_codes_release(cli_codes *c)
{
    free(c->codes);
    c->codes = NULL;
}

static void upcase(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

int cli_codes_add_dx(cli_codes *c, const char *arg)
{
    rcm_coding *codes = c->codes;
    for (const char *p = arg; *p;) {
        size_t n = strcspn(p, ",");
        char code[16];
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (p[i] != '.' && p[i] != ' ') {
                if (k == sizeof(code) - 1)
                    break;
                code[k++] = p[i];
            }
        code[k] = '\0';
        upcase(code);
        if (k) {
            if (codes->n_dx >= RCM_CLAIM_MAX_DX || k >= sizeof(codes->dx[0])) {
                fprintf(stderr, "rcm: --dx '%s': at most %d diagnoses of at most 7 characters\n", arg,
                        RCM_CLAIM_MAX_DX);
                return EXIT_UNREADABLE;
            }
            memcpy(codes->dx[codes->n_dx++], code, k + 1);
        }
        p += n;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Copies the part into out (size with the NUL): 0, or -1 when too long. */
static int part_copy(char *out, size_t size, const char *p)
{
    size_t n = strlen(p);
    if (n >= size)
        return -1;
    memcpy(out, p, n + 1);
    return 0;
}

int cli_codes_add_line(cli_codes *c, const char *spec)
{
    rcm_coding *codes = c->codes;
    if (codes->n_lines >= RCM_CODING_MAX_LINES) {
        fprintf(stderr, "rcm: --line: at most %d lines\n", RCM_CODING_MAX_LINES);
        return EXIT_UNREADABLE;
    }
    char buf[160];
    if (part_copy(buf, sizeof(buf), spec) < 0)
        goto bad;
    char *part[5] = { buf, NULL, NULL, NULL, NULL };
    int np = 1;
    for (char *p = buf; *p; p++)
        if (*p == ':') {
            if (np == 5)
                goto bad;
            *p = '\0';
            part[np++] = p + 1;
        }
    rcm_coding_line *l = &codes->lines[codes->n_lines];
    memset(l, 0, sizeof(*l));
    upcase(part[0]);
    if (part_copy(l->code, sizeof(l->code), part[0]) < 0)
        goto bad;
    int m = 0;
    for (char *p = part[1]; p && *p;) {
        char *e = strchr(p, ',');
        if (e)
            *e = '\0';
        upcase(p);
        if (m == RCM_CLAIM_MAX_MODS || part_copy(l->mods[m++], sizeof(l->mods[0]), p) < 0)
            goto bad;
        p = e ? e + 1 : NULL;
    }
    l->units_milli = 1000;
    if (part[2] && part[2][0] && rcm_milli_parse(&l->units_milli, rcm_str_c(part[2]), NULL) < 0)
        goto bad;
    int k = 0;
    for (char *p = part[3]; p && *p;) {
        char *end = NULL;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || v < 1 || v > 99 || k == RCM_CLAIM_MAX_PTR)
            goto bad;
        l->ptrs[k++] = (uint8_t)v;
        p = *end ? end + 1 : NULL;
    }
    c->ptrs_given[codes->n_lines] = k > 0;
    if (part[4] && part_copy(l->rev_code, sizeof(l->rev_code), part[4]) < 0)
        goto bad;
    codes->n_lines++;
    return 0;
bad:
    fprintf(stderr, "rcm: --line '%s': not CODE:MODS:UNITS:PTRS:REV (99214:25:1:1,2)\n", spec);
    return EXIT_UNREADABLE;
}

void cli_codes_finish(cli_codes *c)
{
    rcm_coding *codes = c->codes;
    for (uint32_t i = 0; i < codes->n_lines; i++)
        if (!c->ptrs_given[i] && !codes->lines[i].rev_code[0] && codes->n_dx)
            codes->lines[i].ptrs[0] = 1;
}

void cli_finding_print(const rcm_finding *f, const char *overridden)
{
    char lines[64] = "claim";
    size_t k = 0;
    for (uint32_t i = 0; i < f->nlines && k < sizeof(lines); i++)
        k += (size_t)snprintf(lines + k, sizeof(lines) - k, "%s%u", i ? "," : f->nlines > 1 ? "lines " : "line ",
                              (unsigned)f->lines[i]);
    printf("  %-8s %-9s %-7s %-10s %s\n", rcm_severity_name(f->severity), f->rule, rcm_route_name(f->route), lines,
           f->message);
    if (f->hint[0])
        printf("      hint: %s\n", f->hint);
    if (overridden)
        printf("      overridden: %s\n", overridden);
}

void cli_findings_summary(const rcm_findings *fl)
{
    printf("findings: %zu error%s, %zu warning%s, %zu info\n", fl->errors, fl->errors == 1 ? "" : "s", fl->warnings,
           fl->warnings == 1 ? "" : "s", fl->infos);
}
