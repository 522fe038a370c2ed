/*
 * write837: how fast the 837P writer turns rcm_claim records into X12.
 *
 *   write837 [-n RUNS] [-s SIZE] OUT
 *
 * Builds a pool of synthetic professional claims in memory first (not
 * timed): POOL claims under a few billing providers, subscribers with 1-3
 * claims each, a quarter of them for a dependent patient, 1-12 ICD-10
 * codes, 1-6 lines with modifiers and pointers, the same mix x12gen writes.
 * Then each run times rcm_x12_writer_new, rcm_x12_writer_add of the pool's
 * claims round-robin (each with a fresh CLM01) until SIZE MB (default 10; a
 * k suffix means kB) have been written, and rcm_x12_writer_finish, with the
 * writer writing to OUT through its file descriptor (OUT is emptied before
 * each run, outside the timing). A pool rather than every claim keeps memory flat: the peak
 * RSS reported is the writer's plus the pool's (pool_mb in the report).
 * Prints one report line (see bench.h) with the median and best of RUNS
 * (default 5).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <unistd.h>
#include "rcm/rcm.h"
#include "rcm/x12write.h"
#include "bench.h"
#include "synth.h"

#define POOL 256
#define MAX_LINES 6

static void copy(char *dst, size_t n, const char *s)
{
    snprintf(dst, n, "%s", s);
}

static void person(rcm_party *p, const char *entity, const synth_person *sp, const char *qual,
                   const char *id)
{
    p->present = 1;
    copy(p->entity, sizeof(p->entity), entity);
    p->type = '1';
    copy(p->last, sizeof(p->last), sp->last);
    copy(p->first, sizeof(p->first), sp->first);
    copy(p->middle, sizeof(p->middle), sp->middle);
    copy(p->id_qual, sizeof(p->id_qual), qual);
    copy(p->id, sizeof(p->id), id);
}

static void org(rcm_party *p, const char *entity, const char *name, const char *qual, const char *id)
{
    p->present = 1;
    copy(p->entity, sizeof(p->entity), entity);
    p->type = '2';
    copy(p->last, sizeof(p->last), name);
    copy(p->id_qual, sizeof(p->id_qual), qual);
    copy(p->id, sizeof(p->id), id);
}

static void address(synth_rng *r, rcm_party *p, int zip9)
{
    const synth_place *pl = &SYNTH_PICK(r, synth_places);
    snprintf(p->addr1, sizeof(p->addr1), "%u %s", (unsigned)synth_range(r, 10, 9899),
             SYNTH_PICK(r, synth_street));
    copy(p->city, sizeof(p->city), pl->city);
    copy(p->state, sizeof(p->state), pl->state);
    copy(p->zip, sizeof(p->zip), pl->zip);
    if (zip9)
        synth_digits(r, p->zip + 5, 4);
}

static rcm_date birth_date(synth_rng *r, int from_year, int to_year)
{
    rcm_date a = rcm_date_from_ymd(from_year, 1, 1), b = rcm_date_from_ymd(to_year, 12, 31);
    return a + (rcm_date)synth_below(r, (uint32_t)(b - a + 1));
}

typedef struct pool {
    rcm_claim claims[POOL];
    rcm_claim_line lines[POOL][MAX_LINES];
    int n;
} pool;

/* The claim's own part: CLM, dates, references, HI, rendering, lines. */
static void claim_fill(synth_rng *r, rcm_claim *c, rcm_claim_line *lines, unsigned seq)
{
    snprintf(c->id, sizeof(c->id), "PCN%09u", seq);
    copy(c->pos, sizeof(c->pos), synth_chance(r, 90) ? "11" : "22");
    c->facility_qual = 'B';
    c->freq = '1';
    c->signature = 'Y';
    c->assignment = 'A';
    c->benefits = 'Y';
    c->release = 'Y';
    rcm_date dos = rcm_date_from_ymd(2024, 1, 2) + (rcm_date)synth_below(r, 60);
    if (synth_chance(r, 20))
        c->onset = dos - (rcm_date)synth_range(r, 1, 30);
    if (synth_chance(r, 5))
        synth_alnum(r, c->prior_auth, 10);
    if (synth_chance(r, 2)) {
        c->freq = '7';
        snprintf(c->original_ref, sizeof(c->original_ref), "24%03u%09u", (unsigned)synth_below(r, 366),
                 (unsigned)synth_below(r, 1000000000u));
    }
    copy(c->dx_qual, sizeof(c->dx_qual), "ABK");
    c->n_dx = synth_chance(r, 10) ? (uint32_t)synth_range(r, 5, 12) : (uint32_t)synth_range(r, 1, 4);
    for (uint32_t i = 0; i < c->n_dx; i++) {
        int again;
        do {
            copy(c->dx[i], sizeof(c->dx[i]), SYNTH_PICK(r, synth_dx));
            again = 0;
            for (uint32_t k = 0; k < i; k++)
                again |= strcmp(c->dx[k], c->dx[i]) == 0;
        } while (again);
    }
    if (synth_chance(r, 60)) {
        synth_person p;
        char npi[11];
        synth_person_pick(r, &p);
        synth_npi(r, npi);
        person(&c->rendering, "82", &p, "XX", npi);
        copy(c->rendering.taxonomy, sizeof(c->rendering.taxonomy), SYNTH_PICK(r, synth_orgs).taxonomy);
    }
    c->lines = lines;
    c->n_lines = (uint32_t)synth_range(r, 1, 4) + (synth_chance(r, 15) ? 2 : 0);
    c->charge_cents = 0;
    for (uint32_t i = 0; i < c->n_lines; i++) {
        rcm_claim_line *l = &lines[i];
        rcm_claim_line_init(l);
        const synth_proc *p = &SYNTH_PICK(r, synth_procs);
        int cands = 0, nmods = 0;
        while (cands < 3 && p->mods[cands])
            cands++;
        if (cands && synth_chance(r, 35)) {
            copy(l->mods[nmods++], sizeof(l->mods[0]), p->mods[synth_below(r, (uint32_t)cands)]);
            if (cands > 1 && synth_chance(r, 20)) {
                const char *m2 = p->mods[synth_below(r, (uint32_t)cands)];
                if (strcmp(m2, l->mods[0]) != 0)
                    copy(l->mods[nmods++], sizeof(l->mods[0]), m2);
            }
        }
        int units = p->max_units > 1 ? (int)synth_range(r, 1, p->max_units) : 1;
        l->number = i + 1;
        copy(l->qual, sizeof(l->qual), "HC");
        copy(l->code, sizeof(l->code), p->code);
        l->charge_cents = synth_range(r, p->lo_cents / 100, p->hi_cents / 100) * 100 * units;
        copy(l->unit_type, sizeof(l->unit_type), "UN");
        l->units_milli = (int64_t)units * 1000;
        uint32_t nptr = c->n_dx < 4 ? (uint32_t)synth_range(r, 1, c->n_dx) : (uint32_t)synth_range(r, 1, 4);
        uint32_t first = synth_below(r, c->n_dx);
        for (uint32_t k = 0; k < nptr; k++)
            l->dx_ptr[k] = (uint8_t)((first + k) % c->n_dx + 1);
        l->from = l->to = dos;
        snprintf(l->control, sizeof(l->control), "%uL%u", seq, i + 1);
        c->charge_cents += l->charge_cents;
    }
}

/*
 * Fills the pool in the order the writer groups best: claims of one billing
 * provider together, and a subscriber's claims one after another.
 */
static void pool_fill(pool *pl)
{
    synth_rng rng = { UINT64_C(0x837837837) }, *r = &rng;
    rcm_party billing;
    unsigned seq = 0;
    int i = 0;
    while (i < POOL) {
        const synth_org *o = &SYNTH_PICK(r, synth_orgs);
        char npi[11];
        synth_npi(r, npi);
        memset(&billing, 0, sizeof(billing));
        org(&billing, "85", o->name, "XX", npi);
        address(r, &billing, 1);
        copy(billing.taxonomy, sizeof(billing.taxonomy), o->taxonomy);
        copy(billing.tax_id_qual, sizeof(billing.tax_id_qual), "EI");
        synth_digits(r, billing.tax_id, 9);
        int end = i + (int)synth_range(r, 40, 120);
        while (i < POOL && i < end) {
            const synth_payer *payer = &SYNTH_PICK(r, synth_payers);
            int dependent = !payer->medicare && synth_chance(r, 25);
            int n = synth_chance(r, 70) ? 1 : (int)synth_range(r, 2, 3);
            rcm_claim *first = &pl->claims[i];
            rcm_claim_init(first);
            first->kind = 'P';
            first->billing = billing;
            synth_person sub;
            char member[16];
            synth_person_pick(r, &sub);
            synth_alnum(r, member, 11);
            person(&first->subscriber, "IL", &sub, "MI", member);
            address(r, &first->subscriber, 0);
            first->subscriber_dob = payer->medicare ? birth_date(r, 1935, 1958) : birth_date(r, 1950, 2003);
            first->subscriber_sex = sub.sex;
            org(&first->payer, "PR", payer->name, "PI", payer->id);
            first->payer_seq = 'P';
            copy(first->filing, sizeof(first->filing), payer->filing);
            if (!payer->medicare && synth_chance(r, 70))
                synth_alnum(r, first->group, 8);
            if (dependent) {
                synth_person pat;
                synth_person_pick(r, &pat);
                pat.last = sub.last;
                person(&first->patient, "QC", &pat, "", "");
                address(r, &first->patient, 0);
                first->patient_dob = birth_date(r, 2006, 2021);
                first->patient_sex = pat.sex;
                copy(first->patient_rel, sizeof(first->patient_rel), "19");
            } else {
                copy(first->subscriber_rel, sizeof(first->subscriber_rel), "18");
            }
            for (int k = 0; k < n && i < POOL; k++, i++) {
                rcm_claim *c = &pl->claims[i];
                if (k) {
                    *c = *first;    /* same subscriber, payer and patient */
                    c->onset = RCM_DATE_NONE;
                    c->prior_auth[0] = c->original_ref[0] = '\0';
                    memset(&c->rendering, 0, sizeof(c->rendering));
                }
                claim_fill(r, c, pl->lines[i], ++seq);
            }
        }
    }
    pl->n = POOL;
}

/* CLM01 for the n-th claim written: "PCN" and 9 digits, without printf in the timed loop. */
static void claim_id(char id[39], uint64_t n)
{
    memcpy(id, "PCN", 3);
    for (int i = 11; i >= 3; i--) {
        id[i] = (char)('0' + n % 10);
        n /= 10;
    }
    id[12] = '\0';
}

/* One timed run: a writer on fd (an empty file) gets claims until target bytes are out. */
static int run(pool *pl, int fd, uint64_t target, const rcm_party *submitter, const rcm_party *receiver,
               rcm_x12_write_stats *st, rcm_error *err)
{
    rcm_x12_write_opts o;
    rcm_x12_write_opts_init(&o, 'P');
    copy(o.sender_id, sizeof(o.sender_id), "RCMBENCHSENDER");
    copy(o.receiver_id, sizeof(o.receiver_id), "RCMBENCHRECEIVE");
    o.date = rcm_date_from_ymd(2024, 3, 15);
    copy(o.time, sizeof(o.time), "0930");
    o.submitter = submitter;
    o.receiver = receiver;
    o.fd = fd;
    rcm_x12_writer *w = NULL;
    int rc = rcm_x12_writer_new(&w, &o, err);
    uint64_t n = 0;
    memset(st, 0, sizeof(*st));
    while (rc == 0 && st->bytes < target) {
        rcm_claim *c = &pl->claims[n % (uint64_t)pl->n];
        claim_id(c->id, ++n);
        if ((rc = rcm_x12_writer_add(w, c, err)) == 0)
            rcm_x12_writer_stats(w, st);
    }
    if (rc == 0)
        rc = rcm_x12_writer_finish(w, err);
    if (w)
        rcm_x12_writer_stats(w, st);
    rcm_x12_writer_free(w);
    return rc;
}

static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || v == 0)
        return -1;
    *out = v * (*end == 'k' || *end == 'K' ? 1000 : 1000000);
    return end[*end == 'k' || *end == 'K'] ? -1 : 0;
}

int main(int argc, char **argv)
{
    int runs = 5, o;
    uint64_t target = 10000000;
    while ((o = getopt(argc, argv, "n:s:h")) != -1) {
        if (o == 'n' && (runs = bench_runs(optarg)) > 0)
            continue;
        if (o == 's' && parse_size(optarg, &target) == 0)
            continue;
        fprintf(stderr, "usage: write837 [-n RUNS] [-s SIZE] OUT   (RUNS 1 to %d, SIZE in MB or 50k)\n",
                BENCH_MAX_RUNS);
        return o == 'h' ? 0 : 2;
    }
    if (argc - optind != 1) {
        fprintf(stderr, "usage: write837 [-n RUNS] [-s SIZE] OUT\n");
        return 2;
    }
    const char *path = argv[optind];
    static pool pl;
    pool_fill(&pl);
    rcm_party submitter, receiver;
    memset(&submitter, 0, sizeof(submitter));
    memset(&receiver, 0, sizeof(receiver));
    org(&submitter, "41", "RCM BENCH BILLING SERVICE", "46", "RCMBENCH01");
    copy(submitter.contact, sizeof(submitter.contact), "EDI DEPARTMENT");
    copy(submitter.phone, sizeof(submitter.phone), "8005550199");
    org(&receiver, "40", "RCM BENCH CLEARINGHOUSE", "46", "RCMBENCHCH");

    bench_times bt;
    rcm_x12_write_stats st;
    for (int i = 0; i < runs; i++) {
        rcm_error err;
        memset(&err, 0, sizeof(err));
        /* emptying the previous run's output is not the writer's work: done before the clock starts */
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0) {
            fprintf(stderr, "write837: %s: cannot create: %s\n", path, strerror(errno));
            return 1;
        }
        bench_start(&bt);
        int rc = run(&pl, fd, target, &submitter, &receiver, &st, &err);
        bench_stop(&bt, i);
        if (close(fd) != 0 && rc == 0)
            rc = rcm_error_set(&err, RCM_EIO, "%s: cannot write: %s", path, strerror(errno));
        if (rc < 0) {
            char msg[512];
            rcm_error_format(&err, msg, sizeof(msg));
            fprintf(stderr, "write837: %s\n", msg);
            return 1;
        }
    }
    size_t pool_bytes = sizeof(pl);
    bench_report("write837", path, st.bytes, &bt, runs);
    printf(" claims=%ld sets=%ld segments=%ld pool_claims=%d pool_mb=%.1f\n", st.claims, st.sets,
           st.segments, pl.n, (double)pool_bytes / 1048576.0);
    return 0;
}
