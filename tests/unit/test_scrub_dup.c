/*
 * DUP family and the claim history: identical lines within a claim (DUP-001,
 * with the 76/77/91 repeat exceptions) and lines already billed on an earlier
 * claim (DUP-002: another claim id, or the same id sent again as new; a
 * replacement or void of it is not a duplicate). The history's key is every
 * field of the line that makes it the same service: each case changes one.
 */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include "scrub_fixture.h"

#define DUP (1u << RCM_FAM_DUP)

static rcm_scrub *engine(const rcm_scrub_history *h, uint32_t families)
{
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.families = families;
    cfg.history = h;
    rcm_scrub *s = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_new(&s, &cfg, &err), 0, "%s", err.msg);
    return s;
}

/* ---- DUP-001: within one claim ---- */

typedef struct line_spec {
    const char *code, *mods, *dos;
    int64_t charge_cents;
    int units;
    const char *npi;        /* line rendering provider; NULL: the claim's */
} line_spec;

typedef struct within_case {
    const char *what;
    char kind;
    line_spec lines[3];
    const char *must, *must_not;
} within_case;

#define L(code) { code, NULL, NULL, 12000, 1, NULL }
#define LM(code, mods) { code, mods, NULL, 12000, 1, NULL }

static rcm_claim *claim_of(char kind, const line_spec *ls, size_t n)
{
    rcm_claim *c = fx_claim(kind);
    for (size_t i = 0; i < n && ls[i].code; i++) {
        rcm_claim_line *l = fx_line(c, ls[i].code, ls[i].mods, ls[i].dos, ls[i].charge_cents, ls[i].units);
        if (ls[i].npi)
            fx_line_rendering(l, ls[i].npi);
    }
    return c;
}

static const within_case within_cases[] = {
    { "one line", 'P', { L("99213") }, NULL, "DUP-001" },
    { "two different codes", 'P', { L("99213"), L("36415") }, NULL, "DUP-001" },
    { "the same line twice", 'P', { L("80053"), L("80053") }, "DUP-001", "DUP-002" },
    { "the same line with the same modifiers", 'P', { LM("20610", "RT"), LM("20610", "RT") }, "DUP-001", NULL },
    { "modifiers in another order", 'P', { LM("20610", "59,RT"), LM("20610", "RT,59") }, "DUP-001", NULL },
    { "different modifiers", 'P', { LM("20610", "RT"), LM("20610", "LT") }, NULL, "DUP-001" },
    { "one line with a modifier", 'P', { L("20610"), LM("20610", "RT") }, NULL, "DUP-001" },
    { "another date", 'P', { L("80053"), { "80053", NULL, "2025-11-04", 12000, 1, NULL } }, NULL, "DUP-001" },
    { "another charge", 'P', { L("80053"), { "80053", NULL, NULL, 12001, 1, NULL } }, NULL, "DUP-001" },
    { "other units", 'P', { L("80053"), { "80053", NULL, NULL, 12000, 2, NULL } }, NULL, "DUP-001" },
    { "another performing provider", 'P',
      { L("80053"), { "80053", NULL, NULL, 12000, 1, "1234567802" } }, NULL, "DUP-001" },
    { "the same performing provider on the line", 'P',
      { L("80053"), { "80053", NULL, NULL, 12000, 1, FX_RENDERING_NPI } }, "DUP-001", NULL },
    { "repeat procedure 76 on the later line", 'P', { L("93005"), LM("93005", "76") }, NULL, "DUP-001" },
    { "repeat procedure 77 on the later line", 'P', { L("93005"), LM("93005", "77") }, NULL, "DUP-001" },
    { "repeat test 91 on the later line", 'P', { L("80053"), LM("80053", "91") }, NULL, "DUP-001" },
    { "91 on both lines", 'P', { LM("80053", "91"), LM("80053", "91") }, NULL, "DUP-001" },
    { "91 on the first line only", 'P', { LM("80053", "91"), L("80053") }, NULL, "DUP-001" },
    { "three times, 91 on the third", 'P', { L("80053"), L("80053"), LM("80053", "91") }, "DUP-001", NULL },
    { "837I the same HCPCS line twice", 'I', { L("80053"), L("80053") }, "DUP-001", NULL },
    { "837I revenue-code-only lines", 'I', { L(""), L("") }, NULL, "DUP-001" },
};

Test(scrub_dup, identical_lines_within_a_claim)
{
    rcm_scrub *s = engine(NULL, DUP);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(within_cases) / sizeof(within_cases[0]); i++) {
        const within_case *k = &within_cases[i];
        rcm_claim *c = claim_of(k->kind, k->lines, 3);
        fx_scrub(s, c, &f);
        fx_expect(&f, k->what, k->must, k->must_not);
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

Test(scrub_dup, within_findings_name_both_lines)
{
    rcm_scrub *s = engine(NULL, DUP);
    rcm_findings f;
    rcm_findings_init(&f);
    static const line_spec ls[] = { L("80053"), L("99213"), L("80053") };
    rcm_claim *c = claim_of('P', ls, 3);
    fx_line(c, "80053", NULL, NULL, 12000, 1);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 2, "lines 3 and 4 each repeat line 1");
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "DUP-001");
    cr_assert_eq(x->nlines, 2);
    cr_assert_eq(x->lines[0], 1);
    cr_assert_eq(x->lines[1], 3);
    cr_assert_str_eq(x->codes[0], "80053");
    cr_assert_str_eq(x->message, "line 3 repeats line 1: 80053 on 2025-11-03 with the same modifiers, units and charge");
    cr_assert(strstr(x->hint, "91"), "%s", x->hint);
    cr_assert_eq(x->route, RCM_ROUTE_BILLER);
    cr_assert_eq(f.v[1].lines[0], 1);
    cr_assert_eq(f.v[1].lines[1], 4);
    fx_free(c);
    rcm_findings_release(&f);
    rcm_scrub_free(s);
}

/* ---- DUP-002: the history ---- */

/* The claim the history holds: FX-1 with a 99213 and an 80053 line. */
static rcm_claim *earlier(void)
{
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99213", "25", NULL, 12000, 1);
    fx_line(c, "80053", NULL, NULL, 2500, 1);
    return c;
}

static void set(char *dst, size_t n, const char *v) { snprintf(dst, n, "%s", v); }
#define SET(field, v) set(field, sizeof(field), v)

typedef void (*tweak_fn)(rcm_claim *c);

static void other_id(rcm_claim *c) { SET(c->id, "FX-2"); }
static void same_id_again(rcm_claim *c) { (void)c; }
static void replacement(rcm_claim *c) { c->freq = '7'; SET(c->original_ref, "2225301123456"); }
static void void_claim(rcm_claim *c) { c->freq = '8'; SET(c->original_ref, "2225301123456"); }
static void replacement_other_id(rcm_claim *c) { other_id(c); replacement(c); }
static void interim_same_id(rcm_claim *c) { c->freq = '3'; }
static void no_freq_same_id(rcm_claim *c) { c->freq = 0; }
static void member(rcm_claim *c) { other_id(c); SET(c->subscriber.id, "1EG4TE5MK74"); }
static void last_name(rcm_claim *c) { other_id(c); SET(c->subscriber.last, "DOW"); }
static void first_name(rcm_claim *c) { other_id(c); SET(c->subscriber.first, "JOAN"); }
static void dob(rcm_claim *c) { other_id(c); c->subscriber_dob = fx_date("1950-05-02"); }
static void dependant(rcm_claim *c)
{
    other_id(c);
    c->patient.present = 1;
    c->patient.type = '1';
    SET(c->patient.last, "DOE");
    SET(c->patient.first, "BABY");
    c->patient_dob = fx_date("2020-03-04");
}
static void billing(rcm_claim *c) { other_id(c); SET(c->billing.id, "1234567802"); }
static void rendering(rcm_claim *c) { other_id(c); SET(c->rendering.id, "1234567802"); }
static void line_rendering_same(rcm_claim *c) { other_id(c); fx_line_rendering(&c->lines[0], FX_RENDERING_NPI); }
static void payer(rcm_claim *c) { other_id(c); SET(c->payer.id, "04411"); }
static void date(rcm_claim *c) { other_id(c); c->lines[0].from = c->lines[0].to = fx_date("2025-11-04"); }
static void date_to(rcm_claim *c) { other_id(c); c->lines[0].to = fx_date("2025-11-04"); }
static void code(rcm_claim *c) { other_id(c); SET(c->lines[0].code, "99214"); }
static void modifier(rcm_claim *c) { other_id(c); SET(c->lines[0].mods[0], "57"); }
static void modifier_added(rcm_claim *c) { other_id(c); SET(c->lines[0].mods[1], "GT"); }
static void units(rcm_claim *c) { other_id(c); c->lines[0].units_milli = 2000; }
static void charge(rcm_claim *c)
{
    other_id(c);
    c->lines[0].charge_cents += 1;
    c->charge_cents += 1;
}
/* "DOE|X" "JANE": runs into the history's "DOE" "X|JANE" unless the key keeps its fields apart. */
static void name_split(rcm_claim *c)
{
    other_id(c);
    SET(c->subscriber.last, "DOE|X");
}

typedef struct hist_case {
    const char *what;
    tweak_fn tweak;
    int lines;              /* how many lines DUP-002 names (0: it must not fire) */
} hist_case;

static const hist_case hist_cases[] = {
    { "another claim id", other_id, 2 },
    { "the same claim sent again as new", same_id_again, 2 },
    { "the same claim id without a frequency code", no_freq_same_id, 2 },
    { "a replacement of the claim", replacement, 0 },
    { "a void of the claim", void_claim, 0 },
    { "an interim bill under the claim id", interim_same_id, 0 },
    { "a replacement under another claim id (REF*F8 names the original)", replacement_other_id, 0 },
    { "another member id", member, 0 },
    { "another last name", last_name, 0 },
    { "another first name", first_name, 0 },
    { "another date of birth", dob, 0 },
    { "a dependant of the subscriber", dependant, 0 },
    { "another billing NPI", billing, 0 },
    { "another rendering NPI", rendering, 0 },
    { "the line naming the same rendering NPI", line_rendering_same, 2 },
    { "another payer", payer, 0 },
    { "line 1 on another day", date, 1 },
    { "line 1 over two days", date_to, 1 },
    { "line 1 another code", code, 1 },
    { "line 1 another modifier", modifier, 1 },
    { "line 1 one more modifier", modifier_added, 1 },
    { "line 1 other units", units, 1 },
    { "line 1 another charge", charge, 1 },
    { "names split differently", name_split, 0 },
};

static rcm_scrub_history *history_of(const rcm_claim *c)
{
    rcm_scrub_history *h = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_scrub_history_new(&h, &err), 0, "%s", err.msg);
    cr_assert_eq(rcm_scrub_history_add(h, c), 0);
    return h;
}

Test(scrub_dup, lines_already_billed)
{
    rcm_claim *first = earlier();
    rcm_scrub_history *h = history_of(first);
    /* the split-name case: the history also holds a claim of "DOE" "X|JANE" */
    rcm_claim *split = earlier();
    SET(split->id, "FX-0");
    SET(split->subscriber.first, "X|JANE");
    cr_assert_eq(rcm_scrub_history_add(h, split), 0);
    cr_assert_eq(rcm_scrub_history_lines(h), 4);

    rcm_scrub *s = engine(h, DUP);
    rcm_findings f;
    rcm_findings_init(&f);
    for (size_t i = 0; i < sizeof(hist_cases) / sizeof(hist_cases[0]); i++) {
        const hist_case *k = &hist_cases[i];
        rcm_claim *c = earlier();
        k->tweak(c);
        fx_scrub(s, c, &f);
        cr_assert_eq(fx_fired(&f, "DUP-002"), k->lines, "%s: DUP-002 fired %d times, expected %d", k->what,
                     fx_fired(&f, "DUP-002"), k->lines);
        fx_expect(&f, k->what, NULL, "DUP-001");
        fx_free(c);
    }
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(h);
    fx_free(first);
    fx_free(split);
}

Test(scrub_dup, history_findings_name_the_earlier_claim)
{
    rcm_claim *first = earlier();
    rcm_scrub_history *h = history_of(first);
    rcm_scrub *s = engine(h, DUP);
    rcm_findings f;
    rcm_findings_init(&f);

    rcm_claim *c = earlier();
    other_id(c);
    code(c);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 1);
    const rcm_finding *x = &f.v[0];
    cr_assert_str_eq(x->rule, "DUP-002");
    cr_assert_str_eq(x->claim, "FX-2");
    cr_assert_eq(x->nlines, 1);
    cr_assert_eq(x->lines[0], 2);
    cr_assert_str_eq(x->codes[0], "80053");
    cr_assert_str_eq(x->message, "line 2 (80053 on 2025-11-03) was already billed on claim 'FX-1'");
    cr_assert(strstr(x->hint, "CARC 18"), "%s", x->hint);
    cr_assert_str_eq(x->table, "claim_history");
    cr_assert_str_eq(x->fields[0].key, "earlier_claim");
    cr_assert_str_eq(x->fields[0].value, "FX-1");
    fx_free(c);

    c = earlier();
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 2);
    cr_assert_str_eq(f.v[0].message, "line 1 (99213 on 2025-11-03) was already billed on claim 'FX-1': the claim is "
                                     "being sent again as new");
    cr_assert(strstr(f.v[0].hint, "frequency 7"), "%s", f.v[0].hint);
    fx_free(c);

    /* disabled, the rule says nothing; without a history only DUP-001 runs */
    rcm_scrub_free(s);
    rcm_scrub_config cfg = fx_config(NULL, NULL);
    cfg.families = DUP;
    cfg.history = h;
    cfg.disable = "DUP-002";
    cr_assert_eq(rcm_scrub_new(&s, &cfg, NULL), 0);
    c = earlier();
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 0);
    rcm_scrub_free(s);
    s = engine(NULL, DUP);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 0);
    fx_free(c);

    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(h);
    fx_free(first);
}

Test(scrub_dup, history_keeps_the_first_claim_and_counts_lines)
{
    rcm_scrub_history *h = NULL;
    cr_assert_eq(rcm_scrub_history_new(&h, NULL), 0);
    cr_assert_eq(rcm_scrub_history_lines(h), 0);
    cr_assert_eq(rcm_scrub_history_lines(NULL), 0);
    rcm_scrub_history_free(NULL);

    rcm_claim *c = earlier();
    fx_line(c, "80053", NULL, NULL, 2500, 1);   /* a line repeated within the claim: one key */
    cr_assert_eq(rcm_scrub_history_add(h, c), 0);
    cr_assert_eq(rcm_scrub_history_lines(h), 2);
    SET(c->id, "FX-9");
    cr_assert_eq(rcm_scrub_history_add(h, c), 0);
    cr_assert_eq(rcm_scrub_history_lines(h), 2, "the same lines again add nothing");

    rcm_scrub *s = engine(h, DUP);
    rcm_findings f;
    rcm_findings_init(&f);
    SET(c->id, "FX-3");
    c->n_lines = 2;
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "DUP-002"), 2);
    cr_assert_str_eq(f.v[0].fields[0].value, "FX-1", "the first claim that had the line");
    SET(c->id, "FX-9");
    fx_scrub(s, c, &f);
    cr_assert_eq(fx_fired(&f, "DUP-002"), 2, "FX-9 was never the first: its lines are FX-1's");
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(h);
    fx_free(c);
}

/* Many claims: the table grows and every line is found under its own claim. */
Test(scrub_dup, history_grows)
{
    rcm_scrub_history *h = NULL;
    cr_assert_eq(rcm_scrub_history_new(&h, NULL), 0);
    rcm_claim *c = fx_claim('P');
    fx_line(c, "99213", NULL, NULL, 10000, 1);
    fx_line(c, "36415", NULL, NULL, 1000, 1);
    enum { N = 5000 };
    for (int i = 0; i < N; i++) {
        snprintf(c->id, sizeof(c->id), "H-%d", i);
        snprintf(c->subscriber.id, sizeof(c->subscriber.id), "M%06d", i);
        cr_assert_eq(rcm_scrub_history_add(h, c), 0);
    }
    cr_assert_eq(rcm_scrub_history_lines(h), 2 * N);

    rcm_scrub *s = engine(h, DUP);
    rcm_findings f;
    rcm_findings_init(&f);
    SET(c->id, "NEW");
    for (int i = 0; i < N; i += 97) {
        snprintf(c->subscriber.id, sizeof(c->subscriber.id), "M%06d", i);
        fx_scrub(s, c, &f);
        cr_assert_eq(f.n, 2, "member %d", i);
        char want[16];
        snprintf(want, sizeof(want), "H-%d", i);
        cr_assert_str_eq(f.v[0].fields[0].value, want);
        cr_assert_str_eq(f.v[1].fields[0].value, want);
    }
    snprintf(c->subscriber.id, sizeof(c->subscriber.id), "M%06d", N);
    fx_scrub(s, c, &f);
    cr_assert_eq(f.n, 0, "a member the history never saw");
    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(h);
    fx_free(c);
}

/*
 * The order of the modifiers does not make another service: DUP-001 says so
 * within a claim (59,RT is RT,59), so the same line sent on another claim
 * with its modifiers reordered is the same duplicate.
 */
Test(scrub_dup, history_ignores_the_order_of_modifiers)
{
    rcm_claim *first = fx_claim('P');
    fx_line(first, "20610", "59,RT", NULL, 15000, 1);
    rcm_scrub_history *h = history_of(first);
    rcm_scrub *s = engine(h, DUP);
    rcm_findings f;
    rcm_findings_init(&f);

    rcm_claim *c = fx_claim('P');
    SET(c->id, "FX-2");
    fx_line(c, "20610", "59,RT", NULL, 15000, 1);
    fx_scrub(s, c, &f);
    fx_expect(&f, "the same modifiers in the same order", "DUP-002", "DUP-001");
    fx_free(c);

    c = fx_claim('P');
    SET(c->id, "FX-2");
    fx_line(c, "20610", "RT,59", NULL, 15000, 1);
    fx_scrub(s, c, &f);
    fx_expect(&f, "the same modifiers in another order", "DUP-002", "DUP-001");
    fx_free(c);

    c = fx_claim('P');
    SET(c->id, "FX-2");
    fx_line(c, "20610", "59,LT", NULL, 15000, 1);
    fx_scrub(s, c, &f);
    fx_expect(&f, "another modifier", NULL, "DUP-001,DUP-002");
    fx_free(c);

    rcm_findings_release(&f);
    rcm_scrub_free(s);
    rcm_scrub_history_free(h);
    fx_free(first);
}

/* ---- one history, two engines, two threads ---- */

typedef struct worker {
    const rcm_scrub *s;
    const rcm_claim *c;
    int rounds;
    int dup002, other;
} worker;

static void *work(void *arg)
{
    worker *w = arg;
    rcm_findings f;
    rcm_findings_init(&f);
    for (int i = 0; i < w->rounds; i++) {
        rcm_findings_reset(&f);
        if (rcm_scrub_claim(w->s, w->c, (uint32_t)i, &f) < 0)
            break;
        for (size_t k = 0; k < f.n; k++) {
            if (strcmp(f.v[k].rule, "DUP-002") == 0)
                w->dup002++;
            else if (strncmp(f.v[k].rule, "DUP-", 4) == 0)
                w->other++;
        }
    }
    rcm_findings_release(&f);
    return NULL;
}

Test(scrub_dup, history_shared_by_two_engines)
{
    rcm_claim *first = earlier();
    rcm_scrub_history *h = history_of(first);
    rcm_scrub *a = engine(h, DUP);
    rcm_scrub *b = engine(h, DUP | (1u << RCM_FAM_SYN) | (1u << RCM_FAM_NPI) | (1u << RCM_FAM_TF));

    rcm_claim *again = earlier();
    SET(again->id, "FX-2");
    rcm_claim *replaced = earlier();
    replacement(replaced);

    /* each engine alone */
    rcm_findings f;
    rcm_findings_init(&f);
    fx_scrub(a, again, &f);
    cr_assert_eq(fx_fired(&f, "DUP-002"), 2);
    fx_scrub(b, again, &f);
    cr_assert_eq(fx_fired(&f, "DUP-002"), 2);
    fx_expect(&f, "engine b", "DUP-002", "SYN,NPI,TF,DUP-001");
    fx_scrub(b, replaced, &f);
    fx_expect(&f, "engine b, a replacement", NULL, "DUP");
    rcm_findings_release(&f);

    /* both at once, from two threads */
    enum { ROUNDS = 2000 };
    worker w[4] = {
        { a, again, ROUNDS, 0, 0 }, { b, again, ROUNDS, 0, 0 }, { a, replaced, ROUNDS, 0, 0 },
        { b, replaced, ROUNDS, 0, 0 },
    };
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        cr_assert_eq(pthread_create(&t[i], NULL, work, &w[i]), 0);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int i = 0; i < 2; i++) {
        cr_assert_eq(w[i].dup002, 2 * ROUNDS, "worker %d: %d", i, w[i].dup002);
        cr_assert_eq(w[i].other, 0);
    }
    for (int i = 2; i < 4; i++)
        cr_assert_eq(w[i].dup002 + w[i].other, 0, "worker %d", i);

    rcm_scrub_free(a);
    rcm_scrub_free(b);
    rcm_scrub_history_free(h);
    fx_free(first);
    fx_free(again);
    fx_free(replaced);
}
