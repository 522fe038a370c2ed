/*
 * The mutation test of the guide validator: valid files (rcm's own and public
 * samples that check clean) are broken one change at a time, and the
 * validator must report each mutant at the right place.
 *
 * Mutations (SE01 is recounted after each, so the envelope walker alone
 * cannot catch them: the guides must):
 *   delete     a segment the guide always requires (the lists below, written
 *              from the guides independently of the tables): reported at the
 *              segment that took its place, or, when that one belongs to the
 *              same X12 position (the 2330A-G loops may come in any order),
 *              no later than the next required segment of another id;
 *   duplicate  a segment the guide allows once in its place: reported at the
 *              copy;
 *   swap       a required segment with the next one (a different id): reported
 *              at one of the two;
 *   blank      a required element (not an identifying qualifier): reported as
 *              IK403 1 at that segment and element.
 * Every candidate of every base file is mutated (not a sample of them), and
 * the test fails if any mutant is missed or reported elsewhere, listing them.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rcm/rcm.h"
#include "rcm/guide.h"

#define SAMPLES "tests/data/x12/"
#define MAX_SEGS 4096

/* A segment "ID" or "ID*QUAL" (QUAL: the first element) the guides require. */
typedef struct family {
    const char *st01;
    const char *version_prefix;     /* "" any */
    const char *required[24];       /* may be deleted or swapped: always an error */
    const char *once[16];           /* may be duplicated: always an error */
    const char *req_elems[16];      /* "ID*QUAL:E" or "ID:E": element E is required */
} family;

static const family families[] = {
    { "837", "005010X222",
      { "BHT", "HL", "NM1*41", "NM1*40", "NM1*85", "SBR", "NM1*IL", "NM1*PR", "CLM", "HI", "LX", "SV1",
        "DTP*472", NULL },
      { "BHT", "SBR", "CLM", "SV1", "DTP*472", "HL", "NM1*85", "NM1*IL", "NM1*PR", NULL },
      { "CLM:1", "CLM:2", "SV1:2", "HL:1", "NM1*85:3", "NM1*IL:3", "NM1*PR:3", "BHT:3", "SBR:1", "LX:1",
        NULL } },
    { "837", "005010X223",
      { "BHT", "HL", "NM1*41", "NM1*40", "NM1*85", "SBR", "NM1*IL", "NM1*PR", "CLM", "CL1", "DTP*434",
        "LX", "SV2", NULL },
      { "BHT", "SBR", "CLM", "SV2", "CL1", "HL", "NM1*85", "NM1*IL", "NM1*PR", NULL },
      { "CLM:1", "CLM:2", "SV2:1", "SV2:3", "HL:1", "NM1*85:3", "NM1*IL:3", "BHT:3", "SBR:1", NULL } },
    { "835", "",
      { "BPR", "TRN", "N1*PR", "N1*PE", "CLP", "NM1*QC", NULL },
      { "BPR", "TRN", "CLP", "NM1*QC", "N1*PR", "N1*PE", NULL },
      { "BPR:1", "BPR:2", "TRN:2", "CLP:1", "CLP:2", "CLP:3", "CLP:4", "N1*PR:2", NULL } },
    { "999", "",
      { "AK1", "AK2", "IK5", "AK9", NULL },
      { "AK1", "IK5", "AK9", NULL },
      { "AK1:1", "AK1:2", "AK2:1", "AK2:2", "IK5:1", "AK9:1", "AK9:2", "AK9:3", "AK9:4", NULL } },
    /* 277CA and 277: TRN is not in the lists, the 2200C (and 277 2200B) loops being situational */
    { "277", "005010X214",
      { "BHT", "HL", "NM1*PR", "NM1*41", "NM1*QC", NULL },
      { "BHT", "HL", "NM1*PR", "NM1*41", "NM1*QC", NULL },
      { "BHT:1", "HL:1", "TRN:2", "NM1*PR:3", NULL } },
    { "277", "005010X212",
      { "BHT", "HL", "NM1*PR", "NM1*41", "NM1*IL", NULL },
      { "BHT", "HL", "NM1*PR", "NM1*41", NULL },
      { "BHT:1", "HL:1", "TRN:2", "NM1*PR:3", NULL } },
    { "276", "",
      { "BHT", "HL", "NM1*PR", "NM1*41", "NM1*IL", "TRN", NULL },
      { "BHT", "HL", "NM1*PR", "NM1*41", NULL },
      { "BHT:1", "HL:1", "TRN:2", "NM1*PR:3", NULL } },
    { "270", "",
      { "BHT", "HL", "NM1*PR", "NM1*IL", NULL },
      { "BHT", "HL", "NM1*PR", NULL },
      { "BHT:1", "HL:1", NULL } },
    { "271", "",
      { "BHT", "HL", "NM1*PR", "NM1*IL", NULL },
      { "BHT", "HL", "NM1*PR", NULL },
      { "BHT:1", "HL:1", NULL } },
};

/* The base files: each must check clean against the guides before it is mutated. */
static const char *const bases[] = {
    "rcm/attachments.837",
    "rcm/reversal-denial-plb.835",
    "imsweb-x12-parser/x12_999_rejected.txt",
    "imsweb-x12-parser/x12_277CA_rejected.txt",
    "linuxforhealth-x12/demo.837",
    "linuxforhealth-x12/demo.cob.example3.B.837",
    "linuxforhealth-x12/demo.drug.example10.2.837",
    "rcm/institutional.837",
    "linuxforhealth-x12/claim-level-status.276",
    "linuxforhealth-x12/provider-level-status.276",
    "linuxforhealth-x12/claim-level-status.277",
    "linuxforhealth-x12/provider-level-status.277",
    "linuxforhealth-x12/subscriber-health-benefit-check.270",
    "linuxforhealth-x12/dependent-health-benefit-check.270",
    "linuxforhealth-x12/dependent-health-benefit-check.271",
    "linuxforhealth-x12/subscriber-health-benefit-check.271",
    "badx12/X222-ambulance.edi",
    "badx12/X222-COB-claim-from-billing-provider-to-payer-b.edi",
    "badx12/X222-anesthesia.edi",
    "badx12/X221-multiple-claims-single-check.edi",
    "badx12/X221-secondary-payments.edi",
    "badx12/X221-dollars-and-data-sent-together.edi",
    "edi-835-parser/emedny_sample.txt",
    "pyx12/835_mult_loops.txt",
};

/* ---- a file as a list of segments ---- */

typedef struct segs {
    char *text[MAX_SEGS];           /* each segment without its terminator */
    int n;
    char term, elem;
    char st01[4], version[16];      /* of the (last) set, for the family */
} segs;

static void segs_free(segs *s)
{
    for (int i = 0; i < s->n; i++)
        free(s->text[i]);
    s->n = 0;
}

static char *dup_n(const char *p, size_t n)
{
    char *t = malloc(n + 1);
    cr_assert_not_null(t);
    memcpy(t, p, n);
    t[n] = '\0';
    return t;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "cannot open %s", path);
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    do {
        if (n + 65536 > cap) {
            cap = cap ? cap * 2 : 131072;
            buf = realloc(buf, cap);
            cr_assert_not_null(buf);
        }
        got = fread(buf + n, 1, cap - n, f);
        n += got;
    } while (got > 0);
    fclose(f);
    *len = n;
    return buf;
}

static void segs_load(segs *s, const char *path)
{
    size_t len;
    char *buf = read_all(path, &len);
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    memset(s, 0, sizeof(*s));
    cr_assert_eq(rcm_x12_open_mem(&r, buf, len, path, &err), 0, "%s: %s", path, err.msg);
    const rcm_x12_seg *g;
    int rc;
    while ((rc = rcm_x12_next(r, &g, &err)) > 0) {
        cr_assert_lt(s->n, MAX_SEGS, "%s: too many segments for the mutation test", path);
        s->text[s->n++] = dup_n(g->ptr, g->len);
        s->term = g->d.seg;
        s->elem = g->d.elem;
        if (rcm_x12_is(g, "ST")) {
            rcm_str a = rcm_x12_el(g, 1), v = rcm_x12_el(g, 3);
            snprintf(s->st01, sizeof(s->st01), "%.*s", (int)a.n, a.p);
            snprintf(s->version, sizeof(s->version), "%.*s", (int)v.n, v.p);
        } else if (rcm_x12_is(g, "GS") && !s->version[0]) {
            rcm_str v = rcm_x12_el(g, 8);
            snprintf(s->version, sizeof(s->version), "%.*s", (int)v.n, v.p);
        }
    }
    cr_assert_eq(rc, 0, "%s: %s", path, err.msg);
    rcm_x12_reader_free(r);
    free(buf);
}

/* Whether segment text t starts with the id (and first element) of pattern "ID" / "ID*QUAL". */
static int seg_is(const segs *s, const char *t, const char *pat)
{
    const char *star = strchr(pat, '*');
    size_t idn = star ? (size_t)(star - pat) : strlen(pat);
    if (strncmp(t, pat, idn) != 0 || (t[idn] != s->elem && t[idn] != '\0'))
        return 0;
    if (!star)
        return 1;
    size_t qn = strlen(star + 1);
    return t[idn] == s->elem && strncmp(t + idn + 1, star + 1, qn) == 0 &&
           (t[idn + 1 + qn] == s->elem || t[idn + 1 + qn] == '\0');
}

static int in_list(const segs *s, const char *t, const char *const *list)
{
    for (; *list; list++)
        if (seg_is(s, t, *list))
            return 1;
    return 0;
}

static int seg_id_eq(const segs *s, const char *a, const char *b)
{
    size_t i = 0;
    while (a[i] && a[i] != s->elem && b[i] == a[i])
        i++;
    return (a[i] == '\0' || a[i] == s->elem) && (b[i] == '\0' || b[i] == s->elem);
}

static int is_envelope(const segs *s, const char *t)
{
    static const char *const env[] = { "ISA", "IEA", "GS", "GE", "ST", "SE", "TA1", NULL };
    return in_list(s, t, env);
}

/*
 * Writes the segments (with skip/insert/swap applied by the caller beforehand)
 * into out, recounting every SE01 from its ST. Returns the length.
 */
static size_t segs_render(const segs *s, char **order, int n, char **out)
{
    size_t cap = 64, len = 0;
    for (int i = 0; i < n; i++)
        cap += strlen(order[i]) + 16;
    char *b = malloc(cap);
    cr_assert_not_null(b);
    int st_at = -1;
    for (int i = 0; i < n; i++) {
        const char *t = order[i];
        if (seg_is(s, t, "ST"))
            st_at = i;
        if (seg_is(s, t, "SE") && st_at >= 0) {
            const char *rest = strchr(t + 3, s->elem);   /* SE02 onwards */
            len += (size_t)snprintf(b + len, cap - len, "SE%c%d%s", s->elem, i - st_at + 1,
                                    rest ? rest : "");
            st_at = -1;
        } else {
            memcpy(b + len, t, strlen(t));
            len += strlen(t);
        }
        b[len++] = s->term;
        b[len++] = '\n';
    }
    b[len] = '\0';
    *out = b;
    return len;
}

/* ---- validating a buffer ---- */

typedef struct found {
    long seg[64];
    int elem[64];
    char code[64][4];
    int n, errors, unguided;
} found;

static int on_problem(void *ctx, const rcm_x12_problem *p)
{
    found *f = ctx;
    if (p->kind == RCM_X12P_SET && p->level == 2 && strcmp(p->code, "1") == 0)
        f->unguided++;      /* a set with no implementation guide */
    if (p->severity != RCM_SEV_ERROR)
        return 0;
    if (f->n < 64) {
        f->seg[f->n] = p->segment;
        f->elem[f->n] = p->element;
        snprintf(f->code[f->n], sizeof(f->code[0]), "%s", p->code);
        f->n++;
    }
    f->errors++;
    return 0;
}

static void validate(const rcm_guides *g, const char *buf, size_t len, const char *name, found *f)
{
    rcm_x12_reader *r = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    memset(f, 0, sizeof(*f));
    cr_assert_eq(rcm_x12_open_mem(&r, buf, len, name, &err), 0, "%s: %s", name, err.msg);
    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = f;
    v.problem = on_problem;
    int rc = rcm_x12_validate(r, g, &v, NULL, &err);
    rcm_x12_reader_free(r);
    cr_assert_geq(rc, 0, "%s: %s", name, err.msg);
}

static const family *family_of(const segs *s)
{
    for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
        if (strcmp(families[i].st01, s->st01) == 0 &&
            strncmp(s->version, families[i].version_prefix, strlen(families[i].version_prefix)) == 0)
            return &families[i];
    return NULL;
}

typedef struct tally {
    int mutants, caught, kinds[4], bad_bases;
    char missed[4096];
    size_t missed_len;
} tally;

static void miss(tally *t, const char *fmt, const char *file, const char *what, int seg)
{
    if (t->missed_len < sizeof(t->missed) - 200)
        t->missed_len += (size_t)snprintf(t->missed + t->missed_len, sizeof(t->missed) - t->missed_len,
                                          fmt, file, what, seg);
}

/* Checks one mutant: an error at a segment number in lo..hi, with element and code when given. */
static int judge(const rcm_guides *g, const segs *s, char **order, int n, long lo, long hi,
                 int elem, const char *code)
{
    char *buf;
    size_t len = segs_render(s, order, n, &buf);
    found f;
    validate(g, buf, len, "mutant", &f);
    free(buf);
    for (int i = 0; i < f.n; i++) {
        if (f.seg[i] < lo || f.seg[i] > hi)
            continue;
        if (elem && (f.elem[i] != elem || strcmp(f.code[i], code) != 0))
            continue;
        return 1;
    }
    return 0;
}

static void mutate_file(const rcm_guides *g, const char *name, tally *t)
{
    char path[256];
    snprintf(path, sizeof(path), SAMPLES "%s", name);
    segs s;
    segs_load(&s, path);
    const family *fam = family_of(&s);
    cr_assert_not_null(fam, "%s: no mutation family for %s %s", name, s.st01, s.version);

    /* the base must be clean */
    char *order[MAX_SEGS + 1];
    for (int i = 0; i < s.n; i++)
        order[i] = s.text[i];
    char *buf;
    size_t len = segs_render(&s, order, s.n, &buf);
    found f;
    validate(g, buf, len, name, &f);
    free(buf);
    if (f.errors || f.unguided) {
        /* not a valid base: counted as a failure, its mutants are not made */
        t->bad_bases++;
        if (t->missed_len < sizeof(t->missed) - 200)
            t->missed_len += (size_t)snprintf(
                t->missed + t->missed_len, sizeof(t->missed) - t->missed_len,
                "%s: not a clean base: %d guide errors (first at segment %ld code %s), %d sets without "
                "a guide\n", name, f.errors, f.n ? f.seg[0] : 0L, f.n ? f.code[0] : "", f.unguided);
        segs_free(&s);
        return;
    }

    for (int k = 0; k < s.n; k++) {
        const char *tk = s.text[k];
        if (is_envelope(&s, tk))
            continue;
        long segno = k + 1;     /* file segment numbers are 1-based */
        /* delete: reported where it was, or, when segments of the same id follow (one X12
         * position, in any order among themselves), no later than the next required segment
         * of another id */
        if (in_list(&s, tk, fam->required)) {
            int m = 0, run = 0;
            for (int i = 0; i < s.n; i++)
                if (i != k)
                    order[m++] = s.text[i];
            if (k + 1 < s.n && seg_id_eq(&s, tk, s.text[k + 1])) {
                run = 1;
                while (k + 1 + run < s.n && !is_envelope(&s, s.text[k + 1 + run]) &&
                       !(in_list(&s, s.text[k + 1 + run], fam->required) &&
                         !seg_id_eq(&s, tk, s.text[k + 1 + run])))
                    run++;
            }
            t->mutants++;
            t->kinds[0]++;
            if (judge(g, &s, order, m, segno, segno + run, 0, NULL))
                t->caught++;
            else
                miss(t, "%s: delete '%.12s' (segment %d) not reported there\n", name, tk, (int)segno);
        }
        /* duplicate */
        if (in_list(&s, tk, fam->once)) {
            int m = 0;
            for (int i = 0; i < s.n; i++) {
                order[m++] = s.text[i];
                if (i == k)
                    order[m++] = s.text[i];
            }
            t->mutants++;
            t->kinds[1]++;
            if (judge(g, &s, order, m, segno + 1, segno + 1, 0, NULL))
                t->caught++;
            else
                miss(t, "%s: duplicate '%.12s' (segment %d) not reported at the copy\n", name, tk,
                     (int)segno);
        }
        /* swap with the next segment of another id */
        if (k + 1 < s.n && in_list(&s, tk, fam->required) && !is_envelope(&s, s.text[k + 1]) &&
            !seg_id_eq(&s, tk, s.text[k + 1]) && !(k > 0 && seg_id_eq(&s, tk, s.text[k - 1]))) {
            for (int i = 0; i < s.n; i++)
                order[i] = s.text[i];
            order[k] = s.text[k + 1];
            order[k + 1] = s.text[k];
            t->mutants++;
            t->kinds[2]++;
            if (judge(g, &s, order, s.n, segno, segno + 1, 0, NULL))
                t->caught++;
            else
                miss(t, "%s: swap '%.12s' (segment %d) with the next not reported\n", name, tk,
                     (int)segno);
        }
        /* blank a required element */
        for (const char *const *re = fam->req_elems; *re; re++) {
            char pat[16];
            const char *colon = strchr(*re, ':');
            snprintf(pat, sizeof(pat), "%.*s", (int)(colon - *re), *re);
            int e = atoi(colon + 1);
            if (!seg_is(&s, tk, pat))
                continue;
            /* find element e's span */
            const char *p = tk;
            for (int i = 0; i < e && p; i++) {
                p = strchr(p, s.elem);
                if (p)
                    p++;
            }
            if (!p || *p == '\0' || *p == s.elem)
                continue;       /* absent already: not a candidate */
            const char *end = strchr(p, s.elem);
            size_t before = (size_t)(p - tk), after_off = end ? (size_t)(end - tk) : strlen(tk);
            char *blank = malloc(strlen(tk) + 1);
            cr_assert_not_null(blank);
            memcpy(blank, tk, before);
            snprintf(blank + before, strlen(tk) + 1 - before, "%s", tk + after_off);
            /* trailing separators are not written */
            size_t bl = strlen(blank);
            while (bl > 0 && blank[bl - 1] == s.elem)
                blank[--bl] = '\0';
            for (int i = 0; i < s.n; i++)
                order[i] = s.text[i];
            order[k] = blank;
            t->mutants++;
            t->kinds[3]++;
            if (judge(g, &s, order, s.n, segno, segno, e, "1"))
                t->caught++;
            else
                miss(t, "%s: blank '%s' (segment %d) not reported as IK403 1 there\n", name, *re,
                     (int)segno);
            free(blank);
        }
    }
    segs_free(&s);
}

Test(guide_mutation, every_mutant_of_every_valid_file_is_reported_where_it_is)
{
    rcm_guides *g = NULL;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_guides_builtin(&g, &err);
    cr_assert_eq(rc, 0, "built-in guides: %s", err.msg);
    tally t;
    memset(&t, 0, sizeof(t));
    for (size_t i = 0; i < sizeof(bases) / sizeof(bases[0]); i++)
        mutate_file(g, bases[i], &t);
    rcm_guides_free(g);
    cr_log_info("guide mutation test: %d mutants (%d deletions, %d duplicates, %d swaps, %d blanked "
                "elements), %d reported at the right place",
                t.mutants, t.kinds[0], t.kinds[1], t.kinds[2], t.kinds[3], t.caught);
    cr_expect_geq(t.mutants, 300, "only %d mutants: the test must make hundreds", t.mutants);
    for (int k = 0; k < 4; k++)
        cr_expect_gt(t.kinds[k], 20, "mutation kind %d made only %d mutants", k, t.kinds[k]);
    cr_assert(t.caught == t.mutants && t.bad_bases == 0,
              "%d of %d mutants missed or misplaced, %d base files not clean:\n%s", t.mutants - t.caught,
              t.mutants, t.bad_bases, t.missed);
}
