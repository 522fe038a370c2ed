/*
 * Submission (rcm_submit, rcm_batch_list, rcm_submit_control): the ready
 * claims of a payer into one 837 batch; control numbers that never repeat,
 * even when a run fails after taking them; the file reads back as the same
 * claims; claims marked submitted; nothing twice.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cycle_fixture.h"
#include "cycle_fixture_claims.h"
#include "rcm/coding.h"
#include "rcm/submit.h"
#include "rcm/x12read.h"
#include "../../lib/cycle/cycle_internal.h"

/* ---- helpers ---- */

static void out_path(cyfx *f, char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", f->dir, name);
}

static int submit(cyfx *f, const char *payer, char kind, const char *name, rcm_submit_report *rep)
{
    char path[400];
    out_path(f, path, sizeof(path), name);
    memset(&f->err, 0, sizeof(f->err));
    return rcm_submit(f->cy, payer, kind, path, rep, &f->err);
}

static void submit_ok(cyfx *f, const char *payer, char kind, const char *name, rcm_submit_report *rep)
{
    int rc = submit(f, payer, kind, name, rep);
    cr_assert_eq(rc, 0, "submit: %s", f->err.msg);
}

static int exists(cyfx *f, const char *name)
{
    char path[400];
    struct stat sb;
    out_path(f, path, sizeof(path), name);
    return stat(path, &sb) == 0;
}

/* What a batch file holds, read back with the typed reader. */
typedef struct readback {
    char ids[64][39];
    int n;
    long errors;
    char isa[10], gs[10], st[64][10];
    int lines;
    int64_t charge;
} readback;

static int rb_claim(void *ctx, const rcm_claim *c)
{
    readback *r = ctx;
    cr_assert_lt(r->n, 64);
    snprintf(r->ids[r->n], sizeof(r->ids[0]), "%s", c->id);
    snprintf(r->st[r->n], sizeof(r->st[0]), "%s", c->st_control);
    r->n++;
    r->lines += (int)c->n_lines;
    r->charge += c->charge_cents;
    return 0;
}

static int rb_problem(void *ctx, const rcm_x12_problem *p)
{
    readback *r = ctx;
    if (p->severity == RCM_SEV_ERROR) {
        r->errors++;
        cr_log_error("problem: segment %ld '%s': %s", p->segment, p->seg_id, p->msg);
    }
    return 0;
}

static void read_back(cyfx *f, const char *name, readback *r)
{
    char path[400];
    out_path(f, path, sizeof(path), name);
    memset(r, 0, sizeof(*r));
    rcm_x12_reader *x = NULL;
    rcm_error err = { 0 };
    cr_assert_eq(rcm_x12_open_file(&x, path, &err), 0, "%s", err.msg);
    rcm_x12_typed_cb cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = r;
    cb.claim = rb_claim;
    cb.problem = rb_problem;
    cr_assert_eq(rcm_x12_read(x, &cb, NULL, &err), 0, "%s", err.msg);
    rcm_x12_reader_free(x);
    /* ISA13 is at a fixed place; GS06 is the 6th element of the GS */
    FILE *fp = fopen(path, "rb");
    char head[400] = "";
    cr_assert_not_null(fp);
    size_t k = fread(head, 1, sizeof(head) - 1, fp);
    fclose(fp);
    head[k] = '\0';
    cr_assert_gt(k, 106);
    memcpy(r->isa, head + 90, 9);
    r->isa[9] = '\0';
    const char *gs = strstr(head, "GS*");
    cr_assert_not_null(gs);
    for (int i = 0; i < 6; i++)
        gs = strchr(gs, '*') + 1;
    size_t gl = strcspn(gs, "*");
    snprintf(r->gs, sizeof(r->gs), "%.*s", (int)gl, gs);
}

/* Three MCR claims, one BCBS claim, one 837I MCR claim, all ready. */
static void three_mcr(cyfx *f)
{
    cyfx_add(f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415");
    cyfx_add(f, "ENC-2", "2022-06-16", "MCR", "I10", "99213");
    CYFX_ADD(f, .id = "ENC-3", .payer = "MCR", .dx = "J06.9", .lines = "99212", .mrn = "MRN-SAME",
             .last = "OTHER", .first = "ONE");
    cyfx_add(f, "ENC-4", NULL, "BCBS", "I10", "99213");
    CYFX_ADD(f, .id = "ENC-5", .payer = "MCR", .kind = 'I', .dx = "R51.9", .lines = "99283::::0450");
    cyfx_bill(f);
}

/* ---- tests ---- */

Test(cycle_submit, writes_the_ready_claims_of_a_payer)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'"), 5);
    rcm_submit_report rep;
    submit_ok(&f, "MCR", 'P', "b1.837", &rep);
    cr_assert_eq(rep.batch_id, 1);
    cr_assert_str_eq(rep.kind, "837P");
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.lines, 4);
    cr_assert_eq(rep.charge_cents, cyfx_int(&f, "SELECT sum(charge_cents) FROM claim c JOIN payer p"
                                                " ON p.payer_id = c.payer_id WHERE p.code = 'MCR' AND c.kind = 'P'"));
    cr_assert_eq(rep.isa_control, 1);
    cr_assert_eq(rep.gs_control, 1);
    cr_assert_eq(rep.refused, 0);

    /* the file: valid 837P holding exactly those claims, in claim order */
    readback rb;
    read_back(&f, "b1.837", &rb);
    cr_assert_eq(rb.errors, 0);
    cr_assert_eq(rb.n, 3);
    cr_assert_str_eq(rb.isa, "000000001");
    cr_assert_str_eq(rb.gs, "1");
    cr_assert_eq(rb.lines, 4);
    cr_assert_eq(rb.charge, rep.charge_cents);
    char want[200];
    snprintf(want, sizeof(want), "%s,%s,%s", rb.ids[0], rb.ids[1], rb.ids[2]);
    cr_assert_str_eq(want, cyfx_text(&f, "SELECT group_concat(claim_no, ',') FROM (SELECT claim_no FROM claim c"
                                         " JOIN payer p ON p.payer_id = c.payer_id WHERE p.code = 'MCR'"
                                         " AND c.kind = 'P' ORDER BY c.claim_id)"));
    cr_assert_str_eq(rb.st[0], "0001");

    /* the claims, the batch, the file, the audit */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'submitted' AND batch_id = 1"
                              " AND submitted_by = 'tester' AND submissions = 1 AND submitted_at = 1656676800"),
                 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'"), 2, "BCBS and the 837I wait");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM batch WHERE batch_id = 1 AND isa_control = 1 AND gs_control = 1"
                              " AND claims = 3 AND kind = 'P' AND created_by = 'tester'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM x12_file f JOIN batch b ON b.file_id = f.file_id"
                              " WHERE f.kind = '837P' AND f.direction = 'out'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'submit' AND entity = 'batch'"
                              " AND entity_id = 1"),
                 1);
    /* the stored body is the file, byte for byte */
    char path[400];
    out_path(&f, path, sizeof(path), "b1.837");
    struct stat sb;
    cr_assert_eq(stat(path, &sb), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT size FROM x12_file WHERE kind = '837P'"), (int64_t)sb.st_size);
    cyfx_close(&f);
}

Test(cycle_submit, control_numbers_increase_and_a_second_run_writes_nothing)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    rcm_submit_report rep;
    submit_ok(&f, "MCR", 'P', "b1.837", &rep);
    cr_assert_eq(rep.isa_control, 1);

    /* nothing ready: no file, no number taken */
    submit_ok(&f, "MCR", 'P', "again.837", &rep);
    cr_assert_eq(rep.batch_id, 0);
    cr_assert_eq(rep.claims, 0);
    cr_assert_not(exists(&f, "again.837"));
    cr_assert_eq(cyfx_int(&f, "SELECT value FROM control_counter WHERE name = 'isa'"), 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM batch"), 1);

    /* the other payer, the other kind: the next numbers */
    submit_ok(&f, "BCBS", 'P', "b2.837", &rep);
    cr_assert_eq(rep.batch_id, 2);
    cr_assert_eq(rep.claims, 1);
    cr_assert_eq(rep.isa_control, 2);
    cr_assert_eq(rep.gs_control, 2);
    submit_ok(&f, "MCR", 'I', "b3.837", &rep);
    cr_assert_eq(rep.claims, 1);
    cr_assert_str_eq(rep.kind, "837I");
    cr_assert_eq(rep.isa_control, 3);
    readback rb;
    read_back(&f, "b3.837", &rb);
    cr_assert_eq(rb.errors, 0);
    cr_assert_eq(rb.n, 1);
    cr_assert_str_eq(rb.isa, "000000003");

    int64_t v = 0;
    cr_assert_eq(rcm_submit_control(f.cy, "isa", &v, &f.err), 0);
    cr_assert_eq(v, 3);
    cr_assert_eq(rcm_submit_control(f.cy, "nosuch", &v, &f.err), 0);
    cr_assert_eq(v, 0);
    cyfx_close(&f);
}

Test(cycle_submit, numbers_taken_by_a_failed_run_are_never_reused)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    int64_t claims_ready = cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'");

    /* the file cannot be written: the run fails after taking ISA13 1 and GS06 1 */
    rcm_submit_report rep;
    int rc = submit(&f, "MCR", 'P', "no-such-folder/b.837", &rep);
    cr_assert_eq(rc, RCM_EIO, "%d %s", rc, f.err.msg);
    cr_assert(strstr(f.err.msg, "no-such-folder"), "%s", f.err.msg);
    cr_assert_eq(rep.batch_id, 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'"), claims_ready);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM batch"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM x12_file"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT value FROM control_counter WHERE name = 'isa'"), 1);

    /* a run that dies right after taking its numbers (take, then fail) */
    int64_t isa = 0, gs = 0;
    cr_assert_eq(cycle_counter_take(f.cy, "isa", 1, &isa, &f.err), 0);
    cr_assert_eq(cycle_counter_take(f.cy, "gs", 1, &gs, &f.err), 0);
    cr_assert_eq(isa, 2);
    cr_assert_eq(gs, 2);

    /* the next run gets new numbers; the skipped ones never appear */
    submit_ok(&f, "MCR", 'P', "b.837", &rep);
    cr_assert_eq(rep.isa_control, 3);
    cr_assert_eq(rep.gs_control, 3);
    cr_assert_eq(rep.claims, 3);
    readback rb;
    read_back(&f, "b.837", &rb);
    cr_assert_str_eq(rb.isa, "000000003");
    cr_assert_str_eq(rb.gs, "3");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM batch WHERE isa_control IN (1, 2) OR gs_control IN (1, 2)"), 0);
    cyfx_close(&f);
}

Test(cycle_submit, refuses_bad_arguments_and_an_existing_file)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    rcm_submit_report rep;
    cr_assert_eq(submit(&f, "NOPE", 'P', "x.837", &rep), RCM_ENOTFOUND);
    cr_assert(strstr(f.err.msg, "'NOPE'"), "%s", f.err.msg);
    cr_assert_eq(submit(&f, "MCR", 'X', "x.837", &rep), RCM_EINVAL);
    cr_assert_eq(submit(&f, "", 'P', "x.837", &rep), RCM_EINVAL);

    char path[400];
    out_path(&f, path, sizeof(path), "taken.837");
    FILE *fp = fopen(path, "w");
    cr_assert_not_null(fp);
    fputs("an earlier batch\n", fp);
    fclose(fp);
    cr_assert_eq(submit(&f, "MCR", 'P', "taken.837", &rep), RCM_EEXIST);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM control_counter WHERE name IN ('isa', 'gs')"), 0, "no number taken");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'submitted'"), 0);
    fp = fopen(path, "r");
    char line[64] = "";
    cr_assert_not_null(fgets(line, sizeof(line), fp));
    fclose(fp);
    cr_assert_str_eq(line, "an earlier batch\n", "never overwritten");

    /* inside a transaction: refused (the numbers must be committed first) */
    cr_assert_eq(rcm_store_begin(f.st, &f.err), 0);
    cr_assert_eq(submit(&f, "MCR", 'P', "y.837", &rep), RCM_EINVAL);
    rcm_store_rollback(f.st);
    cyfx_close(&f);
}

Test(cycle_submit, a_claim_the_writer_refuses_is_held_for_the_biller)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    /* a value X12 cannot carry: a delimiter inside the patient's name */
    cyfx_exec(&f, "UPDATE patient SET last = 'O*HARA' WHERE mrn = 'MRN-SAME'");
    rcm_submit_report rep;
    submit_ok(&f, "MCR", 'P', "b.837", &rep);
    cr_assert_eq(rep.claims, 2);
    cr_assert_eq(rep.refused, 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE encounter_id = 3 AND status = 'held'"), 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                              " WHERE c.encounter_id = 3 AND w.queue = 'biller' AND w.kind = 'scrub'"),
                 1);
    const char *summary = cyfx_text(&f, "SELECT summary FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                                        " WHERE c.encounter_id = 3 AND w.queue = 'biller'");
    cr_assert(strstr(summary, "not writable as 837"), "%s", summary);
    cr_assert(strstr(summary, "patient") || strstr(summary, "subscriber"), "names the field: %s", summary);
    cr_assert_null(strstr(summary, "HARA"), "never the value (a name): %s", summary);
    readback rb;
    read_back(&f, "b.837", &rb);
    cr_assert_eq(rb.errors, 0);
    cr_assert_eq(rb.n, 2);
    cyfx_close(&f);
}

Test(cycle_submit, every_claim_refused_writes_no_file)
{
    cyfx f;
    cyfx_open(&f);
    cyfx_add(&f, "ENC-1", NULL, "BCBS", "I10", "99213");
    cyfx_bill(&f);
    cyfx_exec(&f, "UPDATE patient SET first = 'A~B'");
    rcm_submit_report rep;
    submit_ok(&f, "BCBS", 'P', "b.837", &rep);
    cr_assert_eq(rep.batch_id, 0);
    cr_assert_eq(rep.refused, 1);
    cr_assert_not(exists(&f, "b.837"));
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM batch"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'held'"), 1);
    cyfx_close(&f);
}

Test(cycle_submit, a_rejected_claim_made_ready_goes_into_the_next_batch)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    rcm_submit_report rep;
    submit_ok(&f, "MCR", 'P', "b1.837", &rep);
    /* rejected, then fixed by the biller: ready again */
    cyfx_exec(&f, "UPDATE claim SET status = 'ready' WHERE encounter_id = 2");
    submit_ok(&f, "MCR", 'P', "b2.837", &rep);
    cr_assert_eq(rep.batch_id, 2);
    cr_assert_eq(rep.claims, 1);
    cr_assert_eq(rep.isa_control, 2);
    cr_assert_eq(cyfx_int(&f, "SELECT submissions FROM claim WHERE encounter_id = 2"), 2);
    cr_assert_eq(cyfx_int(&f, "SELECT batch_id FROM claim WHERE encounter_id = 2"), 2);
    cr_assert_eq(cyfx_int(&f, "SELECT batch_id FROM claim WHERE encounter_id = 1"), 1);

    rcm_batch *b = NULL;
    size_t n = 0;
    cr_assert_eq(rcm_batch_list(f.cy, &b, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(n, 2);
    cr_assert_eq(b[0].batch_id, 2, "newest first");
    cr_assert_eq(b[0].claims, 1);
    cr_assert_eq(b[0].isa_control, 2);
    cr_assert_str_eq(b[0].payer, "MCR");
    cr_assert_str_eq(b[0].kind, "837P");
    cr_assert(strstr(b[0].file, "b2.837"));
    cr_assert_eq(b[1].claims, 3);
    cr_assert_eq(b[1].sets_accepted + b[1].sets_rejected, 0);
    free(b);
    cyfx_close(&f);
}

Test(cycle_submit, a_failure_after_the_file_is_written_removes_it)
{
    cyfx f;
    cyfx_open(&f);
    three_mcr(&f);
    /* the store refuses the batch row: the file was already renamed into place */
    cyfx_exec(&f, "CREATE TRIGGER no_batch BEFORE INSERT ON batch BEGIN SELECT RAISE(ABORT, 'disk on fire'); END");
    rcm_submit_report rep;
    int rc = submit(&f, "MCR", 'P', "b.837", &rep);
    cr_assert_lt(rc, 0);
    cr_assert(strstr(f.err.msg, "disk on fire"), "%s", f.err.msg);
    cr_assert(strstr(f.err.msg, "nothing recorded; the batch file"), "%s", f.err.msg);
    cr_assert(strstr(f.err.msg, "was removed"), "%s", f.err.msg);
    cr_assert_not(exists(&f, "b.837"));
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM x12_file"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE status = 'ready'"), 5);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'submit'"), 0);

    /* the next run: new numbers, and the claims go */
    cyfx_exec(&f, "DROP TRIGGER no_batch");
    submit_ok(&f, "MCR", 'P', "b.837", &rep);
    cr_assert_eq(rep.isa_control, 2);
    cr_assert_eq(rep.claims, 3);
    cr_assert(exists(&f, "b.837"));
    cyfx_close(&f);
}
