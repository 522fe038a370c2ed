/*
 * Patient statements (rcm_statements, include/rcm/ar.h).
 *
 * A visit (an encounter and every claim built for it: the original,
 * replacements, secondary claims) goes on a statement when the patient owes
 * a balance on it and nothing is left with a payer: no claim of the visit
 * has a payer balance or is waiting to be sent, answered or adjudicated,
 * and no secondary claim is still to be built (the patient has secondary
 * coverage in force on the date of service and the visit has no secondary
 * claim yet). A patient whose visits add up to a balance above zero gets a
 * statement: a statement row, a line per visit (named by its first claim)
 * with its charges, what insurance paid, adjustments, what the patient paid
 * and the balance, due 30 days after the statement date. Running it again on
 * the same business date with nothing changed issues nothing new.
 *
 * With an output folder, each statement is also written as STMT-<id>.txt
 * and STMT-<id>.pdf (libharu), mode 0600: they carry the patient's name and
 * address, which a statement is mailed to. Nothing else here prints a name:
 * errors and audit events name records by id.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <hpdf.h>
#include "ar_internal.h"
#include "../util/banned.h"

#define STMT_DUE_DAYS 30

/* One visit that goes on a statement. */
typedef struct visit {
    int64_t encounter_id, patient_id, claim_id;
    char claim_no[39];
    rcm_date dos;
    int has_secondary;      /* a claim of the visit went to a secondary payer */
    int64_t charge, insurance, adjusted, patient_paid, balance;
} visit;

typedef struct visits {
    visit *v;
    size_t n, cap;
} visits;

/* A statement to write: its patient and visits (a range of the sorted visits). */
typedef struct stmt_out {
    int64_t statement_id, patient_id;
    size_t first, count;
    int64_t total;
} stmt_out;

static const char *col_text(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? (const char *)t : "";
}

static int visits_push(visits *vs, const visit *v)
{
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 64;
        visit *nv = realloc(vs->v, cap * sizeof(*nv));
        if (!nv)
            return -1;
        vs->v = nv;
        vs->cap = cap;
    }
    vs->v[vs->n++] = *v;
    return 0;
}

/*
 * Every visit whose patient balance is not zero and that nothing holds with
 * a payer, from the claims in encounter order and the ledger sums.
 */
static int find_visits(rcm_cycle *cy, const ar_ledger *lg, visits *out, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT claim_id, encounter_id, patient_id, status, seq, dos_from, claim_no FROM claim"
                           " ORDER BY encounter_id, claim_id",
                           err);
    if (rc < 0)
        return rc;
    visit cur;
    int have = 0, waiting = 0;
    int step;
    for (;;) {
        step = sqlite3_step(s);
        int64_t enc = step == SQLITE_ROW ? sqlite3_column_int64(s, 1) : -1;
        if (have && enc != cur.encounter_id) {
            if (!waiting && cur.balance != 0 && visits_push(out, &cur) < 0) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for statements");
                break;
            }
            have = 0;
        }
        if (step != SQLITE_ROW)
            break;
        int64_t claim = sqlite3_column_int64(s, 0);
        if (!have) {
            memset(&cur, 0, sizeof(cur));
            cur.encounter_id = enc;
            cur.patient_id = sqlite3_column_int64(s, 2);
            cur.claim_id = claim;
            cur.dos = store_column_date(s, 5);
            cstr_copy(cur.claim_no, sizeof(cur.claim_no), col_text(s, 6));
            waiting = 0;
            have = 1;
        }
        if (ar_status_waiting(sqlite3_column_text(s, 3), sqlite3_column_bytes(s, 3)))
            waiting = 1;
        if (strcmp(col_text(s, 4), "P") != 0)
            cur.has_secondary = 1;
        if (claim >= 0 && claim < lg->n) {
            const ar_money *m = &lg->m[claim];
            if (m->payer != 0)
                waiting = 1;
            cur.charge += m->charge;
            cur.insurance += m->payer_paid;
            cur.adjusted += m->contractual + m->writeoff;
            cur.patient_paid += m->patient_paid;
            cur.balance += m->patient;
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading claims for statements");
    sqlite3_finalize(s);
    return rc;
}

/* Drops the visits whose secondary claim is still to be built. */
static int drop_secondary_due(rcm_cycle *cy, visits *vs, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT COUNT(*) FROM coverage WHERE patient_id = ?1 AND seq = 'S'"
                           " AND (eff_from IS NULL OR eff_from <= ?2) AND (eff_to IS NULL OR eff_to >= ?2)",
                           err);
    if (rc < 0)
        return rc;
    size_t keep = 0;
    for (size_t i = 0; i < vs->n && rc == 0; i++) {
        visit *v = &vs->v[i];
        int due = 0;
        if (!v->has_secondary) {
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, v->patient_id);
            sqlite3_bind_int64(s, 2, v->dos);
            if (sqlite3_step(s) == SQLITE_ROW)
                due = sqlite3_column_int64(s, 0) > 0;
            else
                rc = store_sqlerr(cy->st, err, "reading coverages for statements");
        }
        if (!due)
            vs->v[keep++] = *v;
    }
    vs->n = keep;
    sqlite3_finalize(s);
    return rc;
}

static int visit_cmp(const void *x, const void *y)
{
    const visit *a = x, *b = y;
    if (a->patient_id != b->patient_id)
        return a->patient_id < b->patient_id ? -1 : 1;
    if (a->dos != b->dos)
        return a->dos < b->dos ? -1 : 1;
    return a->encounter_id < b->encounter_id ? -1 : a->encounter_id > b->encounter_id;
}

/* ---- the documents ---- */

typedef struct practice_info {
    char name[128], addr1[128], addr2[128], city[64], state[8], zip[16], phone[24];
} practice_info;

typedef struct patient_info {
    char mrn[64], name[200], addr1[128], addr2[128], city[64], state[8], zip[16];
} patient_info;

static void zip_fmt(char *out, size_t n, const char *zip)
{
    if (strlen(zip) == 9)
        snprintf(out, n, "%.5s-%.4s", zip, zip + 5);
    else
        snprintf(out, n, "%s", zip);
}

static void phone_fmt(char *out, size_t n, const char *p)
{
    if (strlen(p) == 10)
        snprintf(out, n, "%.3s-%.3s-%.4s", p, p + 3, p + 6);
    else
        snprintf(out, n, "%s", p);
}

static int read_practice(rcm_cycle *cy, practice_info *pi, rcm_error *err)
{
    int64_t id = 0;
    int rc = cycle_practice(cy, &id, err);
    if (rc < 0)
        return rc;
    sqlite3_stmt *s = NULL;
    if ((rc = store_prepare(cy->st, &s,
                            "SELECT name, addr1, addr2, city, state, zip, phone FROM practice WHERE practice_id = ?",
                            err)) < 0)
        return rc;
    sqlite3_bind_int64(s, 1, id);
    if (sqlite3_step(s) == SQLITE_ROW) {
        cstr_copy(pi->name, sizeof(pi->name), col_text(s, 0));
        cstr_copy(pi->addr1, sizeof(pi->addr1), col_text(s, 1));
        cstr_copy(pi->addr2, sizeof(pi->addr2), col_text(s, 2));
        cstr_copy(pi->city, sizeof(pi->city), col_text(s, 3));
        cstr_copy(pi->state, sizeof(pi->state), col_text(s, 4));
        zip_fmt(pi->zip, sizeof(pi->zip), col_text(s, 5));
        phone_fmt(pi->phone, sizeof(pi->phone), col_text(s, 6));
    } else {
        rc = store_sqlerr(cy->st, err, "reading the practice");
    }
    sqlite3_finalize(s);
    return rc;
}

static int read_patient(rcm_cycle *cy, sqlite3_stmt *s, int64_t patient_id, patient_info *pi, rcm_error *err)
{
    sqlite3_reset(s);
    sqlite3_bind_int64(s, 1, patient_id);
    if (sqlite3_step(s) != SQLITE_ROW)
        return store_sqlerr(cy->st, err, "reading a patient for a statement");
    cstr_copy(pi->mrn, sizeof(pi->mrn), col_text(s, 0));
    const char *first = col_text(s, 2), *middle = col_text(s, 3), *last = col_text(s, 1);
    snprintf(pi->name, sizeof(pi->name), "%s%s%s%s%s", first, first[0] ? " " : "", middle, middle[0] ? " " : "",
             last);
    cstr_copy(pi->addr1, sizeof(pi->addr1), col_text(s, 4));
    cstr_copy(pi->addr2, sizeof(pi->addr2), col_text(s, 5));
    cstr_copy(pi->city, sizeof(pi->city), col_text(s, 6));
    cstr_copy(pi->state, sizeof(pi->state), col_text(s, 7));
    zip_fmt(pi->zip, sizeof(pi->zip), col_text(s, 8));
    return 0;
}

/* A statement as lines of text (the .txt file, and what the PDF prints). */
static void stmt_text(rcm_buf *b, const practice_info *pr, const patient_info *pa, const stmt_out *so,
                      const visit *v, rcm_date today)
{
    char date[11], due[11], money[32];
    rcm_date_fmt(date, today, 1);
    rcm_date_fmt(due, (rcm_date)(today + STMT_DUE_DAYS), 1);
    rcm_buf_addf(b, "%-52s%s\n", "PATIENT STATEMENT", pr->name);
    rcm_buf_addf(b, "%-52s%s\n", "", pr->addr1);
    if (pr->addr2[0])
        rcm_buf_addf(b, "%-52s%s\n", "", pr->addr2);
    rcm_buf_addf(b, "%-52s%s, %s %s\n", "", pr->city, pr->state, pr->zip);
    rcm_buf_addf(b, "%-52sBilling questions: %s\n\n", "", pr->phone);
    rcm_buf_addf(b, "Statement %lld   Date %s   Account %s\n\n", (long long)so->statement_id, date, pa->mrn);
    rcm_buf_addf(b, "%s\n%s\n", pa->name, pa->addr1);
    if (pa->addr2[0])
        rcm_buf_addf(b, "%s\n", pa->addr2);
    rcm_buf_addf(b, "%s, %s %s\n\n", pa->city, pa->state, pa->zip);
    rcm_buf_addf(b, "%-10s  %-12s %11s %11s %11s %11s %11s\n", "Service", "Claim", "Charges", "Insurance",
                 "Adjusted", "You paid", "Balance");
    for (size_t i = 0; i < so->count; i++) {
        const visit *x = &v[so->first + i];
        char dos[11], c[5][32];
        rcm_date_fmt(dos, x->dos, 1);
        rcm_cents_fmt(c[0], x->charge);
        rcm_cents_fmt(c[1], x->insurance);
        rcm_cents_fmt(c[2], x->adjusted);
        rcm_cents_fmt(c[3], x->patient_paid);
        rcm_cents_fmt(c[4], x->balance);
        rcm_buf_addf(b, "%-10s  %-12s %11s %11s %11s %11s %11s\n", dos, x->claim_no, c[0], c[1], c[2], c[3], c[4]);
    }
    rcm_cents_fmt(money, so->total);
    rcm_buf_addf(b, "\nAMOUNT DUE %s by %s\n", money, due);
    rcm_buf_addf(b, "Please make your payment to %s and write account %s on it.\n", pr->name, pa->mrn);
}

typedef struct pdf_err {
    HPDF_STATUS status, detail;
} pdf_err;

static void pdf_handler(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
    pdf_err *e = user;
    if (!e->status) {
        e->status = error_no;
        e->detail = detail_no;
    }
}

#define PDF_TOP 740.0f
#define PDF_LEFT 54.0f
#define PDF_LINE 13.0f
#define PDF_BOTTOM 60.0f

/* The printable statement: the text in Courier on US Letter pages, the amount due boxed. */
static int stmt_pdf(const char *text, int64_t statement_id, unsigned char **out, size_t *len, rcm_error *err)
{
    *out = NULL;
    *len = 0;
    pdf_err pe = { 0, 0 };
    HPDF_Doc pdf = HPDF_New(pdf_handler, &pe);
    if (!pdf)
        return rcm_error_set(err, RCM_ENOMEM, "statement %lld: cannot start the PDF", (long long)statement_id);
    HPDF_SetCompressionMode(pdf, HPDF_COMP_ALL);
    HPDF_Font mono = HPDF_GetFont(pdf, "Courier", NULL);
    HPDF_Font bold = HPDF_GetFont(pdf, "Courier-Bold", NULL);
    HPDF_Page page = NULL;
    float y = 0;
    const char *p = text;
    int line = 0;
    while (*p && !pe.status) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char buf[256];
        if (n >= sizeof(buf))
            n = sizeof(buf) - 1;
        memcpy(buf, p, n);
        buf[n] = '\0';
        if (!page || y < PDF_BOTTOM) {
            page = HPDF_AddPage(pdf);
            HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_LETTER, HPDF_PAGE_PORTRAIT);
            y = PDF_TOP;
        }
        int strong = line == 0 || strncmp(buf, "AMOUNT DUE", 10) == 0;
        if (strncmp(buf, "AMOUNT DUE", 10) == 0) {
            HPDF_Page_SetLineWidth(page, 1);
            HPDF_Page_Rectangle(page, PDF_LEFT - 4, y - 4, 6.0f * (float)n + 8, PDF_LINE + 2);
            HPDF_Page_Stroke(page);
        }
        HPDF_Page_BeginText(page);
        HPDF_Page_SetFontAndSize(page, strong ? bold : mono, 9.5f);
        HPDF_Page_TextOut(page, PDF_LEFT, y, buf);
        HPDF_Page_EndText(page);
        y -= PDF_LINE;
        line++;
        p = nl ? nl + 1 : p + n;
    }
    if (!pe.status && HPDF_SaveToStream(pdf) == HPDF_OK) {
        HPDF_UINT32 size = HPDF_GetStreamSize(pdf);
        unsigned char *buf = malloc(size ? size : 1);
        if (!buf) {
            HPDF_Free(pdf);
            return rcm_error_set(err, RCM_ENOMEM, "statement %lld: out of memory", (long long)statement_id);
        }
        HPDF_UINT32 got = size;
        HPDF_STATUS rs = HPDF_ReadFromStream(pdf, buf, &got);
        if ((rs == HPDF_OK || rs == HPDF_STREAM_EOF) && got == size) {
            *out = buf;
            *len = size;
        } else {
            free(buf);
        }
    }
    HPDF_Free(pdf);
    if (!*out)
        return rcm_error_set(err, RCM_EIO, "statement %lld: the PDF could not be made (libharu error 0x%04x/%u)",
                             (long long)statement_id, (unsigned)pe.status, (unsigned)pe.detail);
    return 0;
}

/* Writes a private file (0600: it holds a name and an address) atomically: a temporary file, fsync, rename. */
static int write_private(const char *path, const void *data, size_t len, rcm_error *err)
{
    rcm_buf tmp;
    rcm_buf_init(&tmp, 8192);
    rcm_buf_addf(&tmp, "%s.tmp.%ld", path, (long)getpid());
    if (rcm_buf_failed(&tmp)) {
        rcm_buf_release(&tmp);
        return rcm_error_set(err, RCM_EINVAL, "'%s': path too long", path);
    }
    int rc = 0;
    int fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
        goto done;
    }
    const char *p = data;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
            break;
        }
        p += w;
        len -= (size_t)w;
    }
    if (rc == 0 && fsync(fd) < 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (close(fd) < 0 && rc == 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (rc == 0 && rename(tmp.ptr, path) < 0)
        rc = rcm_error_set(err, RCM_EIO, "'%s': %s", path, strerror(errno));
    if (rc < 0)
        unlink(tmp.ptr);
done:
    rcm_buf_release(&tmp);
    return rc;
}

/* ---- the store ---- */

/* Each patient's latest statement: date and balance (an issued one is not issued again the same day). */
typedef struct last_stmt {
    ar_idmap map;           /* patient -> index */
    rcm_date *date;
    int64_t *balance;
} last_stmt;

static int read_last(rcm_cycle *cy, last_stmt *ls, rcm_error *err)
{
    sqlite3_stmt *s = NULL;
    int rc = store_prepare(cy->st, &s,
                           "SELECT s.patient_id, s.stmt_date, s.balance_cents FROM statement s"
                           " JOIN (SELECT patient_id, MAX(statement_id) AS last FROM statement GROUP BY patient_id) t"
                           " ON t.last = s.statement_id",
                           err);
    if (rc < 0)
        return rc;
    size_t cap = 0;
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int32_t i = ar_idmap_get(&ls->map, sqlite3_column_int64(s, 0));
        if (i < 0) {
            rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for statements");
            break;
        }
        if ((size_t)i >= cap) {
            size_t nc = cap ? cap * 2 : 64;
            rcm_date *d = realloc(ls->date, nc * sizeof(*d));
            if (d)
                ls->date = d;
            int64_t *b = realloc(ls->balance, nc * sizeof(*b));
            if (b)
                ls->balance = b;
            if (!d || !b) {
                rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for statements");
                break;
            }
            cap = nc;
        }
        ls->date[i] = store_column_date(s, 1);
        ls->balance[i] = sqlite3_column_int64(s, 2);
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_sqlerr(cy->st, err, "reading earlier statements");
    sqlite3_finalize(s);
    return rc;
}

static int issued_today(last_stmt *ls, int64_t patient_id, rcm_date today, int64_t total)
{
    int32_t i = ar_idmap_find(&ls->map, patient_id);
    return i >= 0 && ls->date[i] == today && ls->balance[i] == total;
}

typedef struct writer {
    rcm_cycle *cy;
    sqlite3_stmt *ins_stmt, *ins_line, *patient;
    const char *out_dir;
    practice_info practice;
    char **written;         /* files written, removed again on failure */
    size_t n_written, cap_written;
    rcm_buf text;
} writer;

static int remember(writer *w, const char *path)
{
    if (w->n_written == w->cap_written) {
        size_t cap = w->cap_written ? w->cap_written * 2 : 16;
        char **v = realloc(w->written, cap * sizeof(*v));
        if (!v)
            return -1;
        w->written = v;
        w->cap_written = cap;
    }
    char *copy = strdup(path);
    if (!copy)
        return -1;
    w->written[w->n_written++] = copy;
    return 0;
}

static int write_files(writer *w, const stmt_out *so, const visit *v, rcm_error *err)
{
    patient_info pa;
    int rc = read_patient(w->cy, w->patient, so->patient_id, &pa, err);
    if (rc < 0)
        return rc;
    rcm_buf_reset(&w->text);
    stmt_text(&w->text, &w->practice, &pa, so, v, w->cy->today);
    if (rcm_buf_failed(&w->text))
        return rcm_error_set(err, RCM_ENOMEM, "statement %lld: out of memory", (long long)so->statement_id);
    char path[4096];
    int pn = snprintf(path, sizeof(path), "%s/STMT-%lld.txt", w->out_dir, (long long)so->statement_id);
    if (pn < 0 || (size_t)pn >= sizeof(path))
        return rcm_error_set(err, RCM_EINVAL, "'%s': path too long", w->out_dir);
    if ((rc = write_private(path, w->text.ptr, w->text.len, err)) < 0)
        return rc;
    if (remember(w, path) < 0)
        return rcm_error_set(err, RCM_ENOMEM, "out of memory");
    unsigned char *pdf = NULL;
    size_t len = 0;
    if ((rc = stmt_pdf(w->text.ptr, so->statement_id, &pdf, &len, err)) < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/STMT-%lld.pdf", w->out_dir, (long long)so->statement_id);
    rc = write_private(path, pdf, len, err);
    free(pdf);
    if (rc == 0 && remember(w, path) < 0)
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory");
    return rc;
}

static int record(writer *w, const stmt_out *so, const visit *v, rcm_error *err)
{
    rcm_cycle *cy = w->cy;
    sqlite3_stmt *s = w->ins_stmt;
    sqlite3_bind_int64(s, 1, so->statement_id);
    sqlite3_bind_int64(s, 2, so->patient_id);
    sqlite3_bind_int64(s, 3, cy->today);
    sqlite3_bind_int64(s, 4, (int64_t)cy->today + STMT_DUE_DAYS);
    sqlite3_bind_int64(s, 5, so->total);
    sqlite3_bind_int64(s, 6, cy->now);
    sqlite3_bind_text(s, 7, cy->user, -1, SQLITE_STATIC);
    int rc = store_step_done(cy->st, s, "writing a statement", err);
    for (size_t i = 0; i < so->count && rc == 0; i++) {
        const visit *x = &v[so->first + i];
        s = w->ins_line;
        sqlite3_bind_int64(s, 1, so->statement_id);
        sqlite3_bind_int64(s, 2, (int64_t)i + 1);
        sqlite3_bind_int64(s, 3, x->claim_id);
        sqlite3_bind_int64(s, 4, x->charge);
        sqlite3_bind_int64(s, 5, x->insurance);
        sqlite3_bind_int64(s, 6, x->adjusted);
        sqlite3_bind_int64(s, 7, x->patient_paid);
        sqlite3_bind_int64(s, 8, x->balance);
        rc = store_step_done(cy->st, s, "writing a statement line", err);
    }
    if (rc < 0)
        return rc;
    char detail[160], due[11];
    rcm_date_fmt(due, (rcm_date)(cy->today + STMT_DUE_DAYS), 1);
    snprintf(detail, sizeof(detail), "patient %lld visits %zu balance %lld due %s", (long long)so->patient_id,
             so->count, (long long)so->total, due);
    if ((rc = cycle_audit(cy, "statement", "statement", so->statement_id, detail, err)) < 0)
        return rc;
    if (w->out_dir)
        rc = write_files(w, so, v, err);
    return rc;
}

static int open_dir(const char *dir, rcm_error *err)
{
    struct stat st;
    if (stat(dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return rcm_error_set(err, RCM_EIO, "'%s': not a folder", dir);
        return 0;
    }
    if (errno != ENOENT || mkdir(dir, 0700) < 0)
        return rcm_error_set(err, RCM_EIO, "'%s': %s", dir, strerror(errno));
    return 0;
}

int rcm_statements(rcm_cycle *cy, const char *out_dir, rcm_statement_report *out, rcm_error *err)
{
    rcm_statement_report rep;
    memset(&rep, 0, sizeof(rep));
    if (out)
        *out = rep;
    int rc = cycle_require(cy, RCM_PERM_STATEMENTS, err);
    if (rc < 0)
        return rc;
    int64_t practice = 0;
    rc = cycle_practice(cy, &practice, err);
    if (rc < 0)
        return rc;
    if (out_dir && (rc = open_dir(out_dir, err)) < 0)
        return rc;
    ar_ledger lg;
    if ((rc = ar_ledger_load(cy, cy->today, &lg, err)) < 0)
        return rc;
    visits vs = { 0 };
    last_stmt ls;
    memset(&ls, 0, sizeof(ls));
    stmt_out *so = NULL;
    size_t n_so = 0;
    writer w;
    memset(&w, 0, sizeof(w));
    w.cy = cy;
    w.out_dir = out_dir;
    rcm_buf_init(&w.text, RCM_MAX_MESSAGE);
    rc = find_visits(cy, &lg, &vs, err);
    ar_ledger_release(&lg);
    if (rc < 0 || (rc = drop_secondary_due(cy, &vs, err)) < 0 || (rc = read_last(cy, &ls, err)) < 0)
        goto done;
    if (vs.n > 1)
        qsort(vs.v, vs.n, sizeof(*vs.v), visit_cmp);
    /* a statement per patient whose visits add up to a balance owed */
    so = calloc(vs.n ? vs.n : 1, sizeof(*so));
    if (!so) {
        rc = rcm_error_set(err, RCM_ENOMEM, "out of memory for statements");
        goto done;
    }
    for (size_t i = 0; i < vs.n;) {
        size_t j = i;
        int64_t total = 0;
        while (j < vs.n && vs.v[j].patient_id == vs.v[i].patient_id)
            total += vs.v[j++].balance;
        if (total > 0) {
            if (issued_today(&ls, vs.v[i].patient_id, cy->today, total))
                rep.already++;
            else
                so[n_so++] = (stmt_out){ 0, vs.v[i].patient_id, i, j - i, total };
        }
        i = j;
    }
    if (!n_so)
        goto done;
    if ((rc = read_practice(cy, &w.practice, err)) < 0 || (rc = rcm_store_begin(cy->st, err)) < 0)
        goto done;
    int64_t next = 0;
    if ((rc = cycle_next_id(cy, "statement", "statement_id", &next, err)) < 0 ||
        (rc = store_prepare(cy->st, &w.ins_stmt,
                            "INSERT INTO statement (statement_id, patient_id, stmt_date, due, balance_cents,"
                            " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0 ||
        (rc = store_prepare(cy->st, &w.ins_line,
                            "INSERT INTO statement_line (statement_id, seq, claim_id, charge_cents, insurance_cents,"
                            " adjusted_cents, patient_paid_cents, balance_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                            err)) < 0 ||
        (rc = store_prepare(cy->st, &w.patient,
                            "SELECT mrn, last, first, middle, addr1, addr2, city, state, zip FROM patient"
                            " WHERE patient_id = ?",
                            err)) < 0) {
        rcm_store_rollback(cy->st);
        goto done;
    }
    for (size_t i = 0; i < n_so && rc == 0; i++) {
        so[i].statement_id = next++;
        rc = record(&w, &so[i], vs.v, err);
        rep.statements++;
        rep.visits += (long)so[i].count;
        rep.total_cents += so[i].total;
    }
    if (rc == 0)
        rc = rcm_store_commit(cy->st, err);
    else
        rcm_store_rollback(cy->st);
    if (rc < 0) {
        for (size_t i = 0; i < w.n_written; i++)
            unlink(w.written[i]);
        long already = rep.already;
        memset(&rep, 0, sizeof(rep));
        rep.already = already;
    }
done:
    sqlite3_finalize(w.ins_stmt);
    sqlite3_finalize(w.ins_line);
    sqlite3_finalize(w.patient);
    for (size_t i = 0; i < w.n_written; i++)
        free(w.written[i]);
    free(w.written);
    rcm_buf_release(&w.text);
    free(so);
    free(vs.v);
    ar_idmap_release(&ls.map);
    free(ls.date);
    free(ls.balance);
    if (rc == 0 && out)
        *out = rep;
    return rc;
}
