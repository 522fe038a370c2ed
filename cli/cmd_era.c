/*
 * rcm era: 835 remittance commands.
 *
 * rcm era summary FILE [--json]: the totals of every 835 transaction set in
 * FILE (claims, service lines, charges, payments, patient responsibility,
 * adjustments by group, PLB, payment), the claims reversed (CLP02 22) and
 * denied (CLP02 4), and whether it all balanced. Problems go to stderr as
 * located text. Memory is constant but for the two id lists: claims are
 * only counted, never kept, and the text path builds no JSON.
 *
 * rcm era post FILE [--json]: posts the 835 to the store in one transaction
 * (rcm_era_post, docs/posting.md) and prints what it did. A payment posted
 * before is said so (exit 0); a file that does not balance or read clean
 * is refused whole with the reason (exit 2).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "cmd.h"
#include "cli_cycle.h"
#include "rcm/post.h"

static const cmd era_cmds[] = {
    { "post", cmd_era_post, "post an 835 to the store: payments, adjustments, denials, reversals" },
    { "summary", cmd_era_summary, "totals, adjustments by group, reversals, denials, balancing" },
};

int cmd_era(int argc, char **argv)
{
    return cmd_dispatch("rcm era", era_cmds, sizeof(era_cmds) / sizeof(era_cmds[0]), argc - 1, argv + 1);
}

/* Claim ids one after the other, each NUL-terminated. */
typedef struct id_list {
    rcm_buf ids;
    long n;
} id_list;

typedef struct summary {
    long transactions, claims, lines;
    int64_t charge, paid, patient_resp, plb, payment;
    int64_t cas[RCM_CAS_GROUPS];
    int balanced;                   /* every set balanced */
    id_list reversed, denied;
    long errors, warnings;
    rcm_buf msg;                    /* one problem line */
} summary;

static const char *const group_names[RCM_CAS_GROUPS] = { "CO", "OA", "PI", "PR", "other" };

/* Sums across sets saturate instead of overflowing (hostile input). */
static int64_t sadd(int64_t a, int64_t b)
{
    int64_t s;
    if (__builtin_add_overflow(a, b, &s))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return s;
}

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    summary *s = ctx;
    if (p->severity == RCM_SEV_ERROR)
        s->errors++;
    else
        s->warnings++;
    rcm_buf_reset(&s->msg);
    rcm_x12_problem_format(p, &s->msg);
    rcm_buf_addc(&s->msg, '\n');
    fputs(s->msg.ptr, stderr);
    return 0;
}

static int list_add(id_list *l, const char *id)
{
    if (rcm_buf_add(&l->ids, id, strlen(id) + 1) < 0)
        return RCM_ENOMEM;
    l->n++;
    return 0;
}

/* Per claim only the status is looked at: the totals come with each set's end. */
static int on_claim(void *ctx, const rcm_remit *hdr, const rcm_remit_claim *c)
{
    summary *s = ctx;
    if (c->status[0] == '2' && c->status[1] == '2' && !c->status[2])
        return list_add(&s->reversed, c->id);
    if (c->status[0] == '4' && !c->status[1])
        return list_add(&s->denied, c->id);
    return 0;
}

static int on_remit_end(void *ctx, const rcm_remit *r)
{
    summary *s = ctx;
    s->transactions++;
    s->claims += r->claims;
    s->lines += r->lines;
    s->charge = sadd(s->charge, r->total_charge_cents);
    s->paid = sadd(s->paid, r->total_paid_cents);
    s->patient_resp = sadd(s->patient_resp, r->total_patient_resp_cents);
    s->plb = sadd(s->plb, r->total_plb_cents);
    s->payment = sadd(s->payment, r->credit_debit[0] == 'D' ? -r->payment_cents : r->payment_cents);
    for (int g = 0; g < RCM_CAS_GROUPS; g++)
        s->cas[g] = sadd(s->cas[g], r->total_cas_cents[g]);
    if (!r->balanced)
        s->balanced = 0;
    return 0;
}

static void print_money(const char *label, int64_t cents)
{
    char tmp[32];
    rcm_cents_fmt(tmp, cents);
    printf("%-28s %16s\n", label, tmp);
}

static void print_ids(const char *label, const id_list *l)
{
    printf("%-28s %16ld\n", label, l->n);
    const char *p = l->ids.ptr;
    for (long i = 0; i < l->n; i++) {
        printf("  %s\n", p);
        p += strlen(p) + 1;
    }
}

static void print_text(const char *file, const summary *s)
{
    printf("%-28s %s\n", "file", file);
    printf("%-28s %16ld\n", "transactions", s->transactions);
    printf("%-28s %16ld\n", "claims", s->claims);
    printf("%-28s %16ld\n", "service lines", s->lines);
    print_money("charged", s->charge);
    print_money("paid", s->paid);
    print_money("patient responsibility", s->patient_resp);
    for (int g = 0; g < RCM_CAS_GROUPS; g++) {
        if (g == RCM_CAS_OTHER && !s->cas[g])
            continue;
        char label[32];
        snprintf(label, sizeof(label), "adjustments %s", group_names[g]);
        print_money(label, s->cas[g]);
    }
    print_money("provider adjustments (PLB)", s->plb);
    print_money("payment (BPR02)", s->payment);
    printf("%-28s %16s\n", "balanced", s->balanced ? "yes" : "no");
    print_ids("reversed (CLP02 22)", &s->reversed);
    print_ids("denied (CLP02 4)", &s->denied);
}

/* A JSON string of an X12 value; bytes that are not UTF-8 (Latin-1 ids) become '?'. */
static json_t *jstr(const char *s)
{
    json_t *v = json_string(s);
    if (v)
        return v;
    size_t n = strlen(s);
    char *t = malloc(n + 1);
    if (!t)
        return NULL;
    for (size_t i = 0; i <= n; i++)
        t[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    v = json_string(t);
    free(t);
    return v;
}

static json_t *ids_json(const id_list *l)
{
    json_t *a = json_array();
    const char *p = l->ids.ptr;
    for (long i = 0; a && i < l->n; i++) {
        json_t *v = jstr(p);
        if (!v || json_array_append_new(a, v) < 0) {
            json_decref(a);
            return NULL;
        }
        p += strlen(p) + 1;
    }
    return a;
}

static int print_json(const char *file, const summary *s)
{
    json_t *o = json_object(), *cas = json_object();
    int bad = !o || !cas;
    if (!bad) {
        for (int g = 0; g < RCM_CAS_GROUPS; g++)
            if (g != RCM_CAS_OTHER || s->cas[g])
                bad |= json_object_set_new(cas, group_names[g], json_integer(s->cas[g]));
        bad |= json_object_set_new(o, "file", jstr(file));
        bad |= json_object_set_new(o, "transactions", json_integer(s->transactions));
        bad |= json_object_set_new(o, "claims", json_integer(s->claims));
        bad |= json_object_set_new(o, "service_lines", json_integer(s->lines));
        bad |= json_object_set_new(o, "charge_cents", json_integer(s->charge));
        bad |= json_object_set_new(o, "paid_cents", json_integer(s->paid));
        bad |= json_object_set_new(o, "patient_resp_cents", json_integer(s->patient_resp));
        bad |= json_object_set_new(o, "cas_by_group_cents", cas);
        cas = NULL;
        bad |= json_object_set_new(o, "plb_cents", json_integer(s->plb));
        bad |= json_object_set_new(o, "payment_cents", json_integer(s->payment));
        bad |= json_object_set_new(o, "balanced", json_boolean(s->balanced));
        bad |= json_object_set_new(o, "reversed", ids_json(&s->reversed));
        bad |= json_object_set_new(o, "denied", ids_json(&s->denied));
        bad |= json_object_set_new(o, "errors", json_integer(s->errors));
        bad |= json_object_set_new(o, "warnings", json_integer(s->warnings));
    }
    if (!bad)
        bad = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', stdout) == EOF;
    json_decref(cas);
    json_decref(o);
    return bad ? RCM_ENOMEM : 0;
}

static const char usage_text[] =
    "usage: rcm era summary [--json] FILE\n"
    "  Totals of the 835 remittances in FILE: claims, service lines, charges,\n"
    "  payments, patient responsibility, adjustments by group (CO, OA, PI, PR),\n"
    "  provider adjustments (PLB), the payment (BPR02), reversed (CLP02 22) and\n"
    "  denied (CLP02 4) claims, and whether every balancing rule held.\n"
    "  Problems go to stderr as FILE:LINE: segment N 'ID' element E: message\n"
    "  --json   print one JSON object (money in integer cents)\n"
    "Exit: 0 clean, 1 problems found, 2 the file could not be read.\n";

int cmd_era_summary(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int as_json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        switch (o) {
        case 'j': as_json = 1; break;
        case 'h': fputs(usage_text, stdout); return EXIT_CLEAN;
        default: fputs(usage_text, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc - 1) {
        fputs(usage_text, stderr);
        return EXIT_UNREADABLE;
    }
    const char *file = argv[optind];

    summary s;
    memset(&s, 0, sizeof(s));
    s.balanced = 1;
    rcm_buf_init(&s.msg, RCM_MAX_MESSAGE);
    rcm_buf_init(&s.reversed.ids, RCM_MAX_DOCUMENT);
    rcm_buf_init(&s.denied.ids, RCM_MAX_DOCUMENT);
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_x12_reader *r = NULL;
    int rc = rcm_x12_open_file(&r, file, &err);
    if (rc == 0) {
        rcm_x12_typed_cb cb;
        memset(&cb, 0, sizeof(cb));
        cb.ctx = &s;
        cb.problem = on_problem;
        cb.remit_claim = on_claim;
        cb.remit_end = on_remit_end;
        rc = rcm_x12_read(r, &cb, NULL, &err);
    }
    int status = EXIT_CLEAN;
    if (rc < 0) {
        cli_error(&err);
        status = EXIT_UNREADABLE;
    } else {
        if (!s.transactions) {
            fprintf(stderr, "%s: no 835 transaction set found\n", file);
            s.balanced = 0;
        }
        int prc = as_json ? print_json(file, &s) : (print_text(file, &s), 0);
        if (prc < 0 || fflush(stdout) == EOF) {
            fprintf(stderr, "rcm: cannot write the summary\n");
            status = EXIT_UNREADABLE;
        } else if (s.errors || !s.transactions) {
            status = EXIT_PROBLEMS;
        }
    }
    rcm_x12_reader_free(r);
    rcm_buf_release(&s.msg);
    rcm_buf_release(&s.reversed.ids);
    rcm_buf_release(&s.denied.ids);
    return status;
}

/* ---- rcm era post ---- */

static const char post_usage[] =
    "usage: rcm era post [--json] [common options] FILE\n"
    "  Posts the 835 remittance in FILE to the store, in one transaction:\n"
    "  payments, contractual adjustments, patient responsibility, denials routed\n"
    "  to the coder or the biller, reversals (CLP02 22), provider adjustments\n"
    "  (PLB). Claims not found go to the poster's queue. A payment posted before\n"
    "  (the same TRN02 from the same payer) is not posted again.\n"
    "  --json        print one JSON object (money in integer cents)\n" CLI_CYCLE_HELP
    "Exit: 0 posted or already posted, 2 refused (does not balance, unreadable)\n"
    "or error: nothing was posted then. docs/posting.md explains each row.\n";

static void post_money(const char *label, int64_t cents)
{
    char tmp[32];
    rcm_cents_fmt(tmp, cents);
    printf("  %-30s %14s\n", label, tmp);
}

static void post_count(const char *label, long n) { printf("  %-30s %14ld\n", label, n); }

static void post_text(const char *file, const rcm_post_report *r)
{
    if (r->already) {
        printf("already posted: every payment in %s was posted before; nothing changed\n", file);
        return;
    }
    printf("posted %s\n", file);
    post_count("transaction sets", r->sets);
    if (r->skipped)
        post_count("sets posted before (skipped)", r->skipped);
    post_count("claims", r->claims);
    post_count("matched", r->matched);
    post_count("unmatched (poster's queue)", r->unmatched);
    post_count("reversals", r->reversals);
    post_count("service lines", r->lines);
    post_money("paid (CLP04)", r->paid_cents);
    post_money("adjusted (contractual, other)", r->adjusted_cents);
    post_money("to patient responsibility", r->patient_cents);
    post_money("denied, left open", r->denied_cents);
    post_money("provider adjustments (PLB)", r->plb_cents);
    post_count("denials", r->denials);
    post_count("lines paid below contract", r->underpaid);
    post_count("work items", r->work_items);
}

static int post_json(const char *file, const rcm_post_report *r)
{
    json_t *o = json_pack("{s:s, s:b, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:i, s:i, s:i}",
                          "file", file, "already", r->already, "sets", (int)r->sets, "skipped", (int)r->skipped,
                          "claims", (int)r->claims, "matched", (int)r->matched, "unmatched", (int)r->unmatched,
                          "reversals", (int)r->reversals, "lines", (int)r->lines, "paid_cents",
                          (json_int_t)r->paid_cents, "adjusted_cents", (json_int_t)r->adjusted_cents,
                          "patient_cents", (json_int_t)r->patient_cents, "denied_cents",
                          (json_int_t)r->denied_cents, "plb_cents", (json_int_t)r->plb_cents, "denials",
                          (int)r->denials, "underpaid", (int)r->underpaid, "work_items", (int)r->work_items);
    if (!o)
        return -1;
    int rc = json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(o);
    return rc;
}

int cmd_era_post(int argc, char **argv)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        CLI_CYCLE_LONGOPTS,
        { NULL, 0, NULL, 0 },
    };
    cli_cycle_opts co = { 0 };
    int as_json = 0, o;
    optind = 1;
    while ((o = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
        if (cli_cycle_option(&co, o, optarg))
            continue;
        switch (o) {
        case 'j': as_json = 1; break;
        case 'h': fputs(post_usage, stdout); return EXIT_CLEAN;
        default: fputs(post_usage, stderr); return EXIT_UNREADABLE;
        }
    }
    if (optind != argc - 1) {
        fputs(post_usage, stderr);
        return EXIT_UNREADABLE;
    }
    const char *file = argv[optind];
    rcm_store *st = NULL;
    rcm_cycle *cy = NULL;
    int rc = cli_cycle_open(&st, &cy, &co);
    if (rc != 0)
        return rc;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    rcm_post_report rep;
    if (rcm_era_post(cy, file, &rep, &err) < 0) {
        cli_error(&err);
        cli_cycle_close(st, cy);
        return EXIT_UNREADABLE;
    }
    int prc = 0;
    if (as_json)
        prc = post_json(file, &rep);
    else
        post_text(file, &rep);
    cli_cycle_close(st, cy);
    if (prc < 0 || fflush(stdout) == EOF) {
        fprintf(stderr, "rcm: cannot write the report\n");
        return EXIT_UNREADABLE;
    }
    return EXIT_CLEAN;
}
