/*
 * The acknowledgment builder (include/rcm/x12ack.h): reads an input
 * through the envelope walker and the implementation guides and answers
 * each interchange with a TA1 and/or a functional group of 999s
 * (005010X231A1), streaming.
 *
 * The walker tells the builder where it stands through the visitor
 * callbacks that carry the envelope (set_begin, set_end, outside,
 * interchange_end); problems come without it, so a problem is placed by
 * what it is: a set's problems arrive while that set is open (those of its
 * ST just before it opens), a group's GE problems and "no GE" while it is
 * the open group, its GS problems before its first set; an interchange's
 * ISA problems before anything else of it. Problems that cannot be placed
 * yet wait in a short queue that the next callback with an envelope drains.
 *
 * Memory: the open set's IK3s (at most max_segment_errors, each with at
 * most IK4_MAX IK4s: they are written in segment order at its SE, as a
 * problem may name an earlier segment), a queue of QUEUE_MAX problems, and
 * the open interchange's 999s in a spool (memory, then a temporary file).
 */
#include <stdarg.h>
#include <stdlib.h>
#include "ack_internal.h"
#include "rcm/guide.h"

#define V999 "005010X231A1"
#define IK4_MAX 99      /* IK4s per IK3 (loop 2110 repeats 99 times; more are counted, not written) */
#define QUEUE_MAX 32    /* problems waiting for their envelope */

typedef struct el_err {
    int position, component, repetition;
    char ref[7], code[4], value[40];
    int32_t next;       /* the next IK4 of the same IK3 in the pool, -1 none */
} el_err;

/* One IK3 in the making: a segment with its segment-level code and its element errors. */
typedef struct seg_err {
    char seg_id[4];
    long position;
    char loop[5];
    char code[4];
    char unit_name[36], unit_ref[36]; /* the CTX business unit: CLM01, A123 */
    uint32_t n_el, seq;               /* IK4s; order of arrival (ties in the sort by position) */
    int32_t first_el, last_el;        /* its IK4s in the pool, -1 none */
    int32_t hnext;                    /* the next IK3 with the same position hash, -1 none */
} seg_err;

typedef struct queued {
    int kind, severity;
    char code[4], seg_id[4];
    long segment;
} queued;

/* The 999s of the open interchange: in memory up to limit bytes, then in a temporary file. */
typedef struct spool {
    rcm_buf mem;
    FILE *file;
    size_t limit;
} spool;

typedef struct ab {
    const rcm_x12_ack_opts *o;
    rcm_x12_ack_stats st;           /* totals of the interchanges closed */
    rcm_x12_ack_stats ist;          /* the open interchange's 999s: counted when they are sent */
    rcm_error *err;
    int rc;                         /* the first output error, sticky: stops the walk */
    uint32_t control;               /* the next output ISA13/GS06 */
    rcm_buf scratch;                /* an interchange's ISA/TA1/GE/IEA, assembled at its end */
    spool body;                     /* GS and the 999s */
    xw w;                           /* writes into body.mem */

    /* the open input interchange */
    int ich_open;
    rcm_x12_envelope env;           /* the output interchange's envelope */
    char isa_control[10], isa_date[7], isa_time[5], isa_ack;
    char reject_code[4], warn_code[4]; /* the first envelope error / warning (TA105) */
    int gs_written;
    uint32_t groups;                /* 999s in body */
    uint32_t st_counter;

    /* the open input group */
    int grp_open;
    char gs_func[3], gs_control[10], gs_version[13], gs_sender[16], gs_receiver[16];
    char gs_date[9], gs_time[9];
    long grp_first_segment;
    long grp_received, grp_accepted, grp_with_errors;
    char grp_codes[5][4];
    int grp_n_codes, grp_errors, grp_warnings;
    int grp_skip;                   /* an FA group (999s, 997s): not acknowledged */

    /* the open input set */
    int set_open;
    int set_orphan;                 /* outside any group, or in an FA group: not in a 999 */
    char set_codes[5][4];
    int set_n_codes;
    long set_errors, set_warnings, set_seg_errors;
    /* the open set's IK3s (at most max_segment_errors) and their IK4s, written at its SE */
    seg_err *segs;
    uint32_t n_segs, cap_segs;
    el_err *els;
    uint32_t n_els, cap_els;
    int32_t *hash;                  /* position -> first IK3 of its chain; hcap a power of 2 */
    uint32_t hcap;

    queued queue[QUEUE_MAX];
    uint32_t n_queue;

    /* the input interchange closed last: to tell a segment after its IEA from a new interchange's */
    int closed_any;
    char closed_control[10], closed_date[7], closed_time[5];
} ab;

/* ---- output ---- */

static int fail(ab *b, int code, const char *fmt, ...) RCM_PRINTF(3, 4);
static int fail(ab *b, int code, const char *fmt, ...)
{
    if (b->rc)
        return b->rc;
    va_list ap;
    va_start(ap, fmt);
    char msg[200];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    b->rc = rcm_error_set(b->err, code, "%s", msg);
    return b->rc;
}

static int sink(ab *b, const char *p, size_t n)
{
    if (b->rc || !n)
        return b->rc;
    int rc = b->o->write(b->o->write_ctx, p, n);
    if (rc < 0)
        return fail(b, rc, "cannot write the acknowledgment");
    return 0;
}

/* Moves the body out of memory once it passes the limit. */
static void spool_check(ab *b)
{
    spool *s = &b->body;
    if (b->rc)
        return;
    if (s->mem.failed) {
        fail(b, RCM_ENOMEM, "out of memory building a 999");
        return;
    }
    if (s->mem.len < s->limit)
        return;
    if (!s->file && !(s->file = tmpfile())) {
        fail(b, RCM_EIO, "cannot create a temporary file for the acknowledgment");
        return;
    }
    if (fwrite(s->mem.ptr, 1, s->mem.len, s->file) != s->mem.len) {
        fail(b, RCM_EIO, "cannot write a temporary file for the acknowledgment");
        return;
    }
    rcm_buf_reset(&s->mem);
}

static void spool_drain(ab *b)
{
    spool *s = &b->body;
    if (s->file && !b->rc) {
        char buf[65536];
        size_t n;
        if (fflush(s->file) != 0 || fseek(s->file, 0, SEEK_SET) != 0)
            fail(b, RCM_EIO, "cannot read back the acknowledgment's temporary file");
        while (!b->rc && (n = fread(buf, 1, sizeof(buf), s->file)) > 0)
            sink(b, buf, n);
        if (!b->rc && ferror(s->file))
            fail(b, RCM_EIO, "cannot read back the acknowledgment's temporary file");
    }
    sink(b, s->mem.ptr, s->mem.len);
}

static void spool_reset(spool *s)
{
    if (s->file)
        fclose(s->file);
    s->file = NULL;
    rcm_buf_reset(&s->mem);
}

/* A copy of src X12 can carry with the output's delimiters: any other byte becomes '?'. */
static void clean(ab *b, char *dst, size_t dstsz, const char *src)
{
    const rcm_x12_delims *d = &b->o->delims;
    size_t i = 0;
    for (; src[i] && i + 1 < dstsz; i++) {
        unsigned char c = (unsigned char)src[i];
        int bad = c < 0x20 || c >= 0x7f || src[i] == d->elem || src[i] == d->comp || src[i] == d->rep ||
                  src[i] == d->seg;
        dst[i] = bad ? '?' : src[i];
    }
    dst[i] = '\0';
}

static int digits(const char *s, size_t min, size_t max)
{
    size_t n = strlen(s);
    if (n < min || n > max)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

/* ---- codes ---- */

static void add_code(char (*codes)[4], int *n, const char *code)
{
    if (!code[0])
        return;
    for (int i = 0; i < *n; i++)
        if (strcmp(codes[i], code) == 0)
            return;
    if (*n < 5)
        cstr_copy(codes[(*n)++], 4, code);
}

/* ---- IK3 / IK4 ---- */

static void w_ik3(ab *b, const seg_err *g)
{
    xw *w = &b->w;
    /* IK301 is 2-3 characters: an id too short to be one (a broken segment) is padded with '?' */
    char id[4] = "???";
    size_t idn = strlen(g->seg_id);
    memcpy(id, g->seg_id, idn);
    id[idn < 2 ? 2 : idn] = '\0';
    xw_seg(w, "IK3");
    xw_s(w, id, "IK301");
    xw_u(w, (uint64_t)(g->position > 0 ? g->position : 1));
    xw_s(w, g->loop, "IK303");
    xw_s(w, g->code, "IK304");
    xw_end(w);
    if (g->unit_name[0]) {
        xw_seg(w, "CTX");
        xw_cbegin(w);
        xw_cs(w, g->unit_name, "CTX01-1");
        xw_cs(w, g->unit_ref, "CTX01-2");
        xw_cend(w);
        xw_end(w);
    }
    for (int32_t i = g->first_el; i >= 0; i = b->els[i].next) {
        const el_err *e = &b->els[i];
        xw_seg(w, "IK4");
        xw_c030(w, e->position, e->component, e->repetition);
        xw_s(w, e->ref, "IK402");
        xw_s(w, e->code, "IK403");
        if (strcmp(e->code, "1") != 0)
            xw_s(w, e->value, "IK404");
        xw_end(w);
    }
    b->ist.segment_errors++;
    b->ist.element_errors += g->n_el;
}

static int by_position(const void *a, const void *b)
{
    const seg_err *x = a, *y = b;
    if (x->position != y->position)
        return x->position < y->position ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Writes the set's IK3s in segment order (a problem may come after later segments: HL04) and forgets them. */
static void write_ik3s(ab *b)
{
    if (!b->n_segs)
        return;
    qsort(b->segs, b->n_segs, sizeof(b->segs[0]), by_position);
    for (uint32_t i = 0; i < b->n_segs; i++) {
        w_ik3(b, &b->segs[i]);
        spool_check(b);
    }
    b->n_segs = b->n_els = 0;
    for (uint32_t i = 0; i < b->hcap; i++)
        b->hash[i] = -1;
}

static uint32_t hash_of(long position, uint32_t cap)
{
    return (uint32_t)((uint64_t)position * 0x9E3779B97F4A7C15u >> 40) & (cap - 1);
}

/* Grows a pool by doubling: 0, or RCM_ENOMEM. */
static int grow(void **p, uint32_t *cap, size_t size, uint32_t need)
{
    if (need <= *cap)
        return 0;
    uint32_t n = *cap ? *cap : 64;
    while (n < need)
        n *= 2;
    void *q = realloc(*p, (size_t)n * size);
    if (!q)
        return RCM_ENOMEM;
    *p = q;
    *cap = n;
    return 0;
}

static int rehash(ab *b, uint32_t cap)
{
    int32_t *h = malloc((size_t)cap * sizeof(*h));
    if (!h)
        return RCM_ENOMEM;
    for (uint32_t i = 0; i < cap; i++)
        h[i] = -1;
    for (uint32_t i = 0; i < b->n_segs; i++) {
        uint32_t k = hash_of(b->segs[i].position, cap);
        b->segs[i].hnext = h[k];
        h[k] = (int32_t)i;
    }
    free(b->hash);
    b->hash = h;
    b->hcap = cap;
    return 0;
}

/*
 * The IK3 a segment or element problem belongs to: one per segment in
 * error (position and id); a missing segment (IK304 3) is its own IK3,
 * once. NULL when the set has its maximum of IK3s (the problem is counted)
 * or memory ran out (b->rc set).
 */
static seg_err *ik3_for(ab *b, const rcm_x12_problem *p, int missing)
{
    char seg_id[4], loop[5];
    clean(b, seg_id, sizeof(seg_id), p->seg_id);
    clean(b, loop, sizeof(loop), p->loop_id);
    long position = p->set_position;
    if (b->hcap) {
        for (int32_t i = b->hash[hash_of(position, b->hcap)]; i >= 0; i = b->segs[i].hnext) {
            seg_err *g = &b->segs[i];
            if (g->position != position || strcmp(g->seg_id, seg_id) != 0)
                continue;
            if (missing != (strcmp(g->code, "3") == 0))
                continue;
            if (missing && strcmp(g->loop, loop) != 0)
                continue;
            return g;
        }
    }
    uint32_t max = b->o->max_segment_errors ? b->o->max_segment_errors : 1000;
    if (b->n_segs >= max) {
        b->ist.segment_errors_dropped++;
        return NULL;
    }
    if (grow((void **)&b->segs, &b->cap_segs, sizeof(*b->segs), b->n_segs + 1) < 0 ||
        (b->n_segs + 1 > b->hcap / 2 && rehash(b, b->hcap ? b->hcap * 2 : 64) < 0)) {
        fail(b, RCM_ENOMEM, "out of memory holding a set's errors");
        return NULL;
    }
    seg_err *g = &b->segs[b->n_segs];
    memset(g, 0, sizeof(*g));
    cstr_copy(g->seg_id, sizeof(g->seg_id), seg_id);
    cstr_copy(g->loop, sizeof(g->loop), loop);
    g->position = position;
    g->seq = b->n_segs;
    g->first_el = g->last_el = -1;
    uint32_t k = hash_of(position, b->hcap);
    g->hnext = b->hash[k];
    b->hash[k] = (int32_t)b->n_segs++;
    return g;
}

/*
 * The business unit of a problem ("CLM01:A123", as the guide's unit line
 * names it) for the CTX after its IK3; only the names 005010X231A1 lists for
 * CTX01-1 are written (an 835's CLP01 is not one of them).
 */
static void set_unit(ab *b, seg_err *g, const char *unit)
{
    static const char *const names[] = { "CLM01", "TRN02", "NM109", "ENT01", "PATIENT NAME NM109",
                                         "SUBSCRIBER NAME NM109", "SUBSCRIBER NUMBER REF02" };
    const char *colon = strchr(unit, ':');
    if (!colon || !colon[1])
        return;
    size_t n = (size_t)(colon - unit);
    for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
        if (strlen(names[i]) == n && memcmp(names[i], unit, n) == 0) {
            cstr_copy(g->unit_name, sizeof(g->unit_name), names[i]);
            clean(b, g->unit_ref, sizeof(g->unit_ref), colon + 1);
            return;
        }
    }
}

static void on_segment_problem(ab *b, const rcm_x12_problem *p)
{
    int missing = strcmp(p->code, "3") == 0 && p->kind == RCM_X12P_SEGMENT;
    seg_err *g = ik3_for(b, p, missing);
    if (!g)
        return;
    if (!g->unit_name[0] && p->unit[0])
        set_unit(b, g, p->unit);
    if (p->kind == RCM_X12P_SEGMENT) {
        /* a segment-level code wins over "has element errors" */
        if (p->code[0] && (!g->code[0] || strcmp(g->code, "8") == 0))
            cstr_copy(g->code, sizeof(g->code), p->code);
        return;
    }
    if (!g->code[0])
        cstr_copy(g->code, sizeof(g->code), "8");
    if (!p->code[0] || p->element < 1)
        return;
    for (int32_t i = g->first_el; i >= 0; i = b->els[i].next) {
        const el_err *e = &b->els[i];
        if (e->position == p->element && e->component == p->component && e->repetition == p->repetition &&
            strcmp(e->code, p->code) == 0)
            return;
    }
    if (g->n_el == IK4_MAX) {
        b->ist.element_errors_dropped++;
        return;
    }
    if (grow((void **)&b->els, &b->cap_els, sizeof(*b->els), b->n_els + 1) < 0) {
        fail(b, RCM_ENOMEM, "out of memory holding a set's errors");
        return;
    }
    int32_t k = (int32_t)b->n_els++;
    el_err *e = &b->els[k];
    memset(e, 0, sizeof(*e));
    e->next = -1;
    e->position = p->element;
    e->component = p->component;
    e->repetition = p->repetition;
    if (digits(p->elem_ref, 1, 4)) /* IK402 is numeric: a composite's name (C023) is left out */
        cstr_copy(e->ref, sizeof(e->ref), p->elem_ref);
    clean(b, e->code, sizeof(e->code), p->code);
    clean(b, e->value, sizeof(e->value), p->value);
    if (g->last_el >= 0)
        b->els[g->last_el].next = k;
    else
        g->first_el = k;
    g->last_el = k;
    g->n_el++;
}

/* ---- interchanges, groups, sets ---- */

static void ta1_code(ab *b, const char *code, int severity)
{
    /* IEA01 off (021) and warnings (017 version) are noted; anything else rejects */
    int warn = severity != RCM_SEV_ERROR || strcmp(code, "021") == 0;
    char *slot = warn ? b->warn_code : b->reject_code;
    if (!slot[0] && digits(code, 3, 3))
        cstr_copy(slot, 4, code);
    if (!slot[0] && !warn) /* an error without a TA105 code: invalid interchange content */
        cstr_copy(slot, 4, "024");
}

/*
 * The 999 names a group by GS01, GS06 and GS08 (AK1) and a set by ST01 and
 * ST02 (AK2). One it cannot name validly (GS06 not 1-9 digits, no GS08, ST01
 * not 3 digits, ST02 not 4-9 characters) is rejected with its interchange:
 * TA1 R 024, invalid interchange content.
 */
static int group_nameable(const rcm_x12_env *env)
{
    return strlen(env->gs_func) == 2 && digits(env->gs_control, 1, 9) && env->gs_version[0];
}

static int set_nameable(const rcm_x12_env *env)
{
    size_t n = strlen(env->st_control);
    return digits(env->st_id, 3, 3) && n >= 4 && n <= 9;
}

static void id_copy(ab *b, char *dst, size_t dstsz, const char *src)
{
    clean(b, dst, dstsz, src);
    if (!dst[0])
        cstr_copy(dst, dstsz, "UNKNOWN");
}

static void open_interchange(ab *b, const rcm_x12_env *env)
{
    const rcm_x12_ack_opts *o = b->o;
    rcm_x12_envelope *e = &b->env;
    rcm_x12_envelope_init(e);
    e->delims = o->delims;
    e->newline = o->newline;
    /* the answer goes back: its sender is the input's receiver */
    clean(b, e->sender_qual, sizeof(e->sender_qual), env->isa_receiver_q);
    id_copy(b, e->sender_id, sizeof(e->sender_id), env->isa_receiver);
    clean(b, e->receiver_qual, sizeof(e->receiver_qual), env->isa_sender_q);
    id_copy(b, e->receiver_id, sizeof(e->receiver_id), env->isa_sender);
    if (strlen(e->sender_qual) != 2)
        cstr_copy(e->sender_qual, sizeof(e->sender_qual), "ZZ");
    if (strlen(e->receiver_qual) != 2)
        cstr_copy(e->receiver_qual, sizeof(e->receiver_qual), "ZZ");
    e->isa_control = e->gs_control = b->control;
    e->usage = env->isa_usage == 'T' ? 'T' : 'P';
    e->date = o->date;
    cstr_copy(e->time, sizeof(e->time), o->time);
    cstr_copy(b->isa_control, sizeof(b->isa_control), env->isa_control);
    cstr_copy(b->isa_date, sizeof(b->isa_date), env->isa_date);
    cstr_copy(b->isa_time, sizeof(b->isa_time), env->isa_time);
    b->isa_ack = env->isa_ack;
    b->reject_code[0] = b->warn_code[0] = '\0';
    b->gs_written = 0;
    b->groups = 0;
    b->st_counter = 1;
    b->ich_open = 1;
    spool_reset(&b->body);
}

/*
 * AK901 from the sets' verdicts. A fault of the group's own envelope (GE01,
 * GE02, no GE, GS) is noted (E with its AK905 code) rather than rejecting:
 * every set was read and acknowledged on its own, and AK904 must count the
 * sets whose IK5 accepts them.
 */
static char group_status(const ab *b)
{
    if (!b->grp_received)
        return b->grp_errors ? 'R' : 'A';
    if (!b->grp_accepted)
        return 'R';
    if (b->grp_accepted < b->grp_received)
        return 'P';
    if (b->grp_errors || b->grp_with_errors || b->grp_warnings)
        return 'E';
    return 'A';
}

static void close_group(ab *b)
{
    if (!b->grp_open)
        return;
    b->grp_open = 0;
    if (b->grp_skip)
        return;
    xw *w = &b->w;
    char status = group_status(b);
    xw_seg(w, "AK9");
    char s[2] = { status, 0 };
    xw_lit(w, s);
    xw_u(w, (uint64_t)b->grp_received);
    xw_u(w, (uint64_t)b->grp_received);
    xw_u(w, (uint64_t)b->grp_accepted);
    for (int i = 0; i < b->grp_n_codes; i++)
        xw_lit(w, b->grp_codes[i]);
    xw_end(w);
    xw_se(w);
    spool_check(b);
    b->ist.groups++;
    switch (status) {
    case 'A': b->ist.groups_accepted++; break;
    case 'E': b->ist.groups_errors++; break;
    case 'P': b->ist.groups_partial++; break;
    default: b->ist.groups_rejected++; break;
    }
}

static void open_group(ab *b, const rcm_x12_env *env, long segment)
{
    close_group(b);
    b->grp_open = 1;
    cstr_copy(b->gs_func, sizeof(b->gs_func), env->gs_func);
    cstr_copy(b->gs_control, sizeof(b->gs_control), env->gs_control);
    cstr_copy(b->gs_version, sizeof(b->gs_version), env->gs_version);
    cstr_copy(b->gs_sender, sizeof(b->gs_sender), env->gs_sender);
    cstr_copy(b->gs_receiver, sizeof(b->gs_receiver), env->gs_receiver);
    cstr_copy(b->gs_date, sizeof(b->gs_date), env->gs_date);
    cstr_copy(b->gs_time, sizeof(b->gs_time), env->gs_time);
    b->grp_first_segment = segment;
    b->grp_received = b->grp_accepted = b->grp_with_errors = 0;
    b->grp_n_codes = b->grp_errors = b->grp_warnings = 0;
    /* acknowledgments (a group of 999s or 997s) are not acknowledged: AK101 has no FA */
    b->grp_skip = strcmp(env->gs_func, "FA") == 0;
    if (b->grp_skip)
        return;
    if (!group_nameable(env))
        ta1_code(b, "024", RCM_SEV_ERROR);
    xw *w = &b->w;
    if (!b->gs_written) {
        /* the output's GS: the first input group's application ids, swapped */
        clean(b, b->env.gs_sender, sizeof(b->env.gs_sender), env->gs_receiver);
        clean(b, b->env.gs_receiver, sizeof(b->env.gs_receiver), env->gs_sender);
        rcm_buf isa;
        rcm_buf_init(&isa, 4096);
        xw t;
        xw_init(&t, &isa, &b->env, b->err);
        ack_isa_gs(&t, &b->env, "FA", V999, &b->body.mem);
        rcm_buf_release(&isa);
        if (t.rc)
            fail(b, t.rc, "%s", b->err->msg);
        b->gs_written = 1;
    }
    xw_st(w, "999", NULL, &b->st_counter, V999);
    char v[16];
    xw_seg(w, "AK1");
    clean(b, v, sizeof(v), env->gs_func);
    xw_s(w, v[0] ? v : "HC", "AK101");
    clean(b, v, sizeof(v), env->gs_control);
    xw_s(w, v[0] ? v : "0", "AK102");
    clean(b, v, sizeof(v), env->gs_version);
    xw_s(w, v, "AK103");
    xw_end(w);
    b->groups++;
}

/* The group changed when its GS fields did, or a GS problem came after the group's first segment. */
static int group_changed(const ab *b, const rcm_x12_env *env)
{
    if (!b->grp_open)
        return 1;
    if (strcmp(b->gs_control, env->gs_control) || strcmp(b->gs_func, env->gs_func) ||
        strcmp(b->gs_version, env->gs_version) || strcmp(b->gs_sender, env->gs_sender) ||
        strcmp(b->gs_receiver, env->gs_receiver) || strcmp(b->gs_date, env->gs_date) ||
        strcmp(b->gs_time, env->gs_time))
        return 1;
    for (uint32_t i = 0; i < b->n_queue; i++)
        if (b->queue[i].kind == RCM_X12P_GROUP && strcmp(b->queue[i].seg_id, "GS") == 0 &&
            b->queue[i].segment > b->grp_first_segment)
            return 1;
    return 0;
}

static void group_code(ab *b, const char *code, int severity)
{
    if (severity == RCM_SEV_ERROR)
        b->grp_errors++;
    else
        b->grp_warnings++;
    add_code(b->grp_codes, &b->grp_n_codes, code);
}

static void set_code(ab *b, const char *code, int severity)
{
    if (severity == RCM_SEV_ERROR)
        b->set_errors++;
    else
        b->set_warnings++;
    add_code(b->set_codes, &b->set_n_codes, code);
}

/*
 * Brings the builder to where env stands (called by every callback that
 * has it): the interchange open, the group too when want_group (a set or
 * group content begins at segment), the queued problems placed; set
 * problems stay queued for set_begin.
 */
static void sync(ab *b, const rcm_x12_env *env, long segment, int want_group)
{
    if (!b->ich_open)
        open_interchange(b, env);
    int has_gs = env->gs_control[0] || env->gs_func[0];
    if (want_group && has_gs && group_changed(b, env))
        open_group(b, env, segment);
    uint32_t keep = 0;
    for (uint32_t i = 0; i < b->n_queue; i++) {
        queued *q = &b->queue[i];
        if (q->kind == RCM_X12P_INTERCHANGE) {
            ta1_code(b, q->code, q->severity);
        } else if (q->kind == RCM_X12P_GROUP) {
            if (b->grp_open && has_gs)
                group_code(b, q->code, q->severity);
            else if (want_group)
                ta1_code(b, "024", RCM_SEV_ERROR); /* group content with no GS */
            else
                b->queue[keep++] = *q;
        } else {
            b->queue[keep++] = *q; /* set problems: for set_begin */
        }
    }
    b->n_queue = keep;
}

static void enqueue(ab *b, const rcm_x12_problem *p)
{
    if (b->n_queue == QUEUE_MAX) {
        b->st.problems_unplaced++;
        return;
    }
    queued *q = &b->queue[b->n_queue++];
    q->kind = p->kind;
    q->severity = p->severity;
    cstr_copy(q->code, sizeof(q->code), p->code);
    cstr_copy(q->seg_id, sizeof(q->seg_id), p->seg_id);
    q->segment = p->segment;
}

/* Adds the closed interchange's 999 counts to the totals: none written when its TA1 rejected it. */
static void merge_stats(ab *b, int rejected)
{
    rcm_x12_ack_stats *t = &b->st, *i = &b->ist;
    t->sets += i->sets;
    if (rejected) {
        t->sets_rejected += i->sets;
    } else {
        t->sets_accepted += i->sets_accepted;
        t->sets_errors += i->sets_errors;
        t->sets_rejected += i->sets_rejected;
        t->groups += i->groups;
        t->groups_accepted += i->groups_accepted;
        t->groups_errors += i->groups_errors;
        t->groups_partial += i->groups_partial;
        t->groups_rejected += i->groups_rejected;
        t->segment_errors += i->segment_errors;
        t->element_errors += i->element_errors;
        t->segment_errors_dropped += i->segment_errors_dropped;
        t->element_errors_dropped += i->element_errors_dropped;
        if (!t->first_rejection[0])
            cstr_copy(t->first_rejection, sizeof(t->first_rejection), i->first_rejection);
    }
    memset(i, 0, sizeof(*i));
}

static void close_interchange(ab *b)
{
    if (!b->ich_open)
        return;
    if (b->set_open) { /* the walker closes sets first; kept for a callback that stopped early */
        b->set_open = 0;
        b->n_segs = b->n_els = 0;
    }
    close_group(b);
    b->ich_open = 0;
    b->closed_any = 1;
    cstr_copy(b->closed_control, sizeof(b->closed_control), b->isa_control);
    cstr_copy(b->closed_date, sizeof(b->closed_date), b->isa_date);
    cstr_copy(b->closed_time, sizeof(b->closed_time), b->isa_time);
    char status = b->reject_code[0] ? 'R' : b->warn_code[0] ? 'E' : b->isa_ack == '1' ? 'A' : 0;
    int with_group = b->gs_written && status != 'R';
    if (!status && !b->gs_written) { /* nothing to acknowledge */
        spool_reset(&b->body);
        memset(&b->ist, 0, sizeof(b->ist));
        return;
    }
    rcm_buf *h = &b->scratch;
    rcm_buf_reset(h);
    xw w;
    xw_init(&w, h, &b->env, b->err);
    int rc = xw_envelope_check(&b->env, b->err);
    if (rc < 0) {
        fail(b, rc, "%s", b->err->msg);
        return;
    }
    ack_isa_gs(&w, &b->env, "FA", V999, NULL);
    if (status) {
        rcm_ta1 t;
        memset(&t, 0, sizeof(t));
        cstr_copy(t.control, sizeof(t.control), digits(b->isa_control, 9, 9) ? b->isa_control : "000000000");
        /* TA102/TA103 repeat the ISA's date and time; ours when those are unreadable */
        char d8[9] = "20";
        memcpy(d8 + 2, b->isa_date, 6);
        d8[8] = '\0';
        if (strlen(b->isa_date) != 6 || rcm_date_parse(&t.date, rcm_str_c(d8)) < 0)
            t.date = b->env.date;
        const char *it = b->isa_time;
        int tm_ok = digits(it, 4, 4) && (it[0] - '0') * 10 + (it[1] - '0') < 24 && it[2] < '6';
        cstr_copy(t.time, sizeof(t.time), tm_ok ? b->isa_time : b->env.time);
        t.status = status;
        cstr_copy(t.note, sizeof(t.note),
                  status == 'R' ? b->reject_code : status == 'E' ? b->warn_code : "000");
        ack_ta1_seg(&w, &t);
        if (status == 'A')
            b->st.ta1_accepted++;
        else if (status == 'E')
            b->st.ta1_errors++;
        else
            b->st.ta1_rejected++;
        if (status == 'R' && !b->st.first_rejection[0])
            snprintf(b->st.first_rejection, sizeof(b->st.first_rejection), "TA1 %s", b->reject_code);
    }
    if (w.rc) {
        fail(b, w.rc, "%s", b->err->msg);
        return;
    }
    if (!b->rc && !h->failed) {
        sink(b, h->ptr, h->len);
        if (with_group)
            spool_drain(b);
    }
    rcm_buf_reset(h);
    if (with_group) {
        xw_seg(&w, "GE");
        xw_u(&w, b->groups);
        xw_u(&w, b->env.gs_control);
        xw_end(&w);
    }
    char ctl[16];
    snprintf(ctl, sizeof(ctl), "%09u", (unsigned)b->env.isa_control);
    xw_seg(&w, "IEA");
    xw_lit(&w, with_group ? "1" : "0");
    xw_lit(&w, ctl);
    xw_end(&w);
    if (h->failed)
        fail(b, RCM_ENOMEM, "out of memory writing an interchange");
    sink(b, h->ptr, h->len);
    spool_reset(&b->body);
    merge_stats(b, status == 'R');
    b->st.interchanges++;
    b->control = b->control >= 999999999 ? 1 : b->control + 1;
}

/* ---- visitor ---- */

static int v_problem(void *ctx, const rcm_x12_problem *p)
{
    ab *b = ctx;
    b->st.problems++;
    if (p->severity == RCM_SEV_ERROR)
        b->st.errors++;
    switch (p->kind) {
    case RCM_X12P_INTERCHANGE:
        if (b->ich_open)
            ta1_code(b, p->code, p->severity);
        else /* its ISA's problems, or those of the segments before its first set */
            enqueue(b, p);
        break;
    case RCM_X12P_GROUP:
        if (strcmp(p->seg_id, "GE") == 0 || strcmp(p->code, "3") == 0) {
            if (b->grp_open)
                group_code(b, p->code, p->severity);
            else if (b->ich_open)
                ta1_code(b, "024", RCM_SEV_ERROR);
            else
                b->st.problems_unplaced++;
        } else {
            enqueue(b, p);
        }
        break;
    case RCM_X12P_SET:
        if (b->set_open)
            set_code(b, p->code, p->severity);
        else
            enqueue(b, p);
        break;
    case RCM_X12P_SEGMENT:
    case RCM_X12P_ELEMENT:
        if (!b->set_open) /* outside a set: the group or interchange problem that came with it counts */
            break;
        if (p->severity == RCM_SEV_ERROR)
            b->set_errors++;
        else
            b->set_warnings++;
        b->set_seg_errors += p->severity == RCM_SEV_ERROR;
        if (!b->set_orphan && p->code[0])
            on_segment_problem(b, p);
        break;
    default: /* balancing: not an acknowledgment matter */
        break;
    }
    return b->rc;
}

static int v_set_begin(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *st)
{
    ab *b = ctx;
    sync(b, env, st->number, 1);
    b->set_open = 1;
    b->set_orphan = !b->grp_open || !(env->gs_control[0] || env->gs_func[0]);
    if (b->set_orphan || (!b->grp_skip && !set_nameable(env)))
        ta1_code(b, "024", RCM_SEV_ERROR);
    b->set_orphan |= b->grp_skip;
    b->set_n_codes = 0;
    b->set_errors = b->set_warnings = b->set_seg_errors = 0;
    if (b->n_segs)
        write_ik3s(b); /* none: a set ends before the next begins; kept for safety */
    for (uint32_t i = 0; i < b->n_queue; i++)
        if (b->queue[i].kind == RCM_X12P_SET)
            set_code(b, b->queue[i].code, b->queue[i].severity);
    b->n_queue = 0;
    if (!b->set_orphan) {
        xw *w = &b->w;
        char v[36];
        xw_seg(w, "AK2");
        clean(b, v, sizeof(v), env->st_id);
        xw_s(w, v[0] ? v : "000", "AK201");
        clean(b, v, 10, env->st_control);
        xw_s(w, v[0] ? v : "0000", "AK202");
        clean(b, v, sizeof(v), env->st_version);
        xw_s(w, v, "AK203");
        xw_end(w);
    }
    return b->rc;
}

static int v_set_end(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *se)
{
    ab *b = ctx;
    (void)se;
    if (!b->set_open)
        return b->rc;
    b->set_open = 0;
    (void)env;
    if (b->set_orphan) {
        b->n_segs = b->n_els = 0;
        for (uint32_t i = 0; i < b->hcap; i++)
            b->hash[i] = -1;
        return b->rc;
    }
    int findings = b->n_segs > 0;
    write_ik3s(b);
    char status = b->set_errors ? 'R' : (b->set_warnings || findings) ? 'E' : 'A';
    if (status == 'R' && b->set_seg_errors)
        add_code(b->set_codes, &b->set_n_codes, "5");
    xw *w = &b->w;
    xw_seg(w, "IK5");
    char s[2] = { status, 0 };
    xw_lit(w, s);
    for (int i = 0; i < b->set_n_codes; i++)
        xw_lit(w, b->set_codes[i]);
    xw_end(w);
    spool_check(b);
    b->grp_received++;
    b->ist.sets++;
    if (status == 'R') {
        b->ist.sets_rejected++;
        if (!b->ist.first_rejection[0])
            snprintf(b->ist.first_rejection, sizeof(b->ist.first_rejection), "IK5 %s",
                     b->set_n_codes ? b->set_codes[0] : "R");
    } else {
        b->grp_accepted++;
        if (status == 'E') {
            b->grp_with_errors++;
            b->ist.sets_errors++;
        } else {
            b->ist.sets_accepted++;
        }
    }
    return b->rc;
}

/* The envelope is still that of the interchange closed last: no ISA came since its IEA. */
static int after_iea(const ab *b, const rcm_x12_env *env)
{
    return b->closed_any && strcmp(b->closed_control, env->isa_control) == 0 &&
           strcmp(b->closed_date, env->isa_date) == 0 && strcmp(b->closed_time, env->isa_time) == 0;
}

static int v_outside(void *ctx, const rcm_x12_env *env, const rcm_x12_seg *seg)
{
    ab *b = ctx;
    if (!b->ich_open && after_iea(b, env)) { /* between interchanges: nothing answers it */
        uint32_t keep = 0;
        for (uint32_t i = 0; i < b->n_queue; i++) {
            if (b->queue[i].segment == seg->number)
                b->st.problems_unplaced++;
            else
                b->queue[keep++] = b->queue[i];
        }
        b->n_queue = keep;
        return b->rc;
    }
    /* a segment between GS and ST belongs to its group; between ISA and GS, to the interchange */
    sync(b, env, seg->number, b->n_queue > 0);
    return b->rc;
}

static int v_interchange_end(void *ctx, const rcm_x12_env *env)
{
    ab *b = ctx;
    sync(b, env, 0, 0);
    close_interchange(b);
    return b->rc;
}

/* ---- entry point ---- */

void rcm_x12_ack_opts_init(rcm_x12_ack_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->delims.elem = '*';
    o->delims.comp = ':';
    o->delims.rep = '^';
    o->delims.seg = '~';
    o->control = 1;
    o->date = RCM_DATE_NONE;
}

static int check_opts(const rcm_x12_ack_opts *o, rcm_error *err)
{
    if (!o->write)
        return rcm_error_set(err, RCM_EINVAL, "no output for the acknowledgment");
    if (o->control < 1 || o->control > 999999999)
        return rcm_error_set(err, RCM_EINVAL, "the control number must be 1 to 999999999");
    /* the envelope checks (delimiters, date, time) with placeholder ids */
    rcm_x12_envelope e;
    rcm_x12_envelope_init(&e);
    e.delims = o->delims;
    e.date = o->date;
    cstr_copy(e.time, sizeof(e.time), o->time);
    cstr_copy(e.sender_id, sizeof(e.sender_id), "S");
    cstr_copy(e.receiver_id, sizeof(e.receiver_id), "R");
    return xw_envelope_check(&e, err);
}

int rcm_x12_ack_build(rcm_x12_reader *r, const struct rcm_guides *guides, const rcm_x12_ack_opts *o,
                      rcm_x12_ack_stats *stats, rcm_error *err)
{
    rcm_error local;
    if (!err) {
        memset(&local, 0, sizeof(local));
        err = &local;
    }
    if (stats)
        memset(stats, 0, sizeof(*stats));
    int rc = check_opts(o, err);
    if (rc < 0)
        return rc;
    ab *b = calloc(1, sizeof(*b));
    if (!b)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    b->o = o;
    b->err = err;
    b->control = o->control;
    rcm_buf_init(&b->scratch, RCM_MAX_MESSAGE);
    rcm_buf_init(&b->body.mem, RCM_MAX_DOCUMENT);
    b->body.limit = o->spool_memory ? o->spool_memory : (size_t)1 << 20;
    rcm_x12_envelope wenv; /* the segment writer needs the delimiters only */
    rcm_x12_envelope_init(&wenv);
    wenv.delims = o->delims;
    wenv.newline = o->newline;
    xw_init(&b->w, &b->body.mem, &wenv, err);

    rcm_x12_visitor v;
    memset(&v, 0, sizeof(v));
    v.ctx = b;
    v.problem = v_problem;
    v.set_begin = v_set_begin;
    v.set_end = v_set_end;
    v.outside = v_outside;
    v.interchange_end = v_interchange_end;
    rcm_x12_stats ws;
    rc = rcm_x12_validate(r, guides, &v, &ws, err);
    if (rc == 0 && !b->rc) { /* a group or set outside any interchange: closed at the end */
        if (b->ich_open)
            close_interchange(b);
        b->st.problems_unplaced += b->n_queue;
        b->n_queue = 0;
    }
    if (rc == 0 && b->rc)
        rc = b->rc;
    if (rc == 0 && b->w.rc)
        rc = b->w.rc;
    if (stats)
        *stats = b->st;
    spool_reset(&b->body);
    rcm_buf_release(&b->body.mem);
    rcm_buf_release(&b->scratch);
    free(b->segs);
    free(b->els);
    free(b->hash);
    free(b);
    return rc;
}
