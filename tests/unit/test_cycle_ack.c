/*
 * Acknowledgments (rcm_ack_import): 999 set verdicts on a batch's claims,
 * TA1 on its interchange, 277CA on each claim (routed to the coder or the
 * biller by status code), unmatched verdicts to the poster, the same file
 * twice, malformed files. The acknowledgments are small texts written here
 * against the batch's control numbers; their segment counts are computed.
 */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "cycle_fixture.h"
#include "cycle_fixture_claims.h"
#include "rcm/submit.h"

/* ---- writing acknowledgments ---- */

static unsigned ack_seq = 900;   /* ISA13 of each acknowledgment written: every file differs */

/* An interchange with one group and one set around body (segments ending in '~'). */
static void interchange(rcm_buf *b, const char *func, const char *version, const char *st_id, const char *body)
{
    unsigned ctl = ++ack_seq;
    long segs = 0;
    for (const char *p = body; *p; p++)
        segs += *p == '~';
    rcm_buf_addf(b,
                 "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*RIVERSIDE01    *220702*0900*^*00501*%09u*0*P*:~\n"
                 "GS*%s*CLEARHOUSE*RIVERSIDE01*20220702*0900*%u*X*%s~\n"
                 "ST*%s*0001*%s~\n%sSE*%ld*0001~\nGE*1*%u~\nIEA*1*%09u~\n",
                 ctl, func, ctl, version, st_id, version, body, segs + 2, ctl, ctl);
}

/* Writes text to NAME in the fixture's folder; returns the path (static buffer, one at a time). */
static const char *put_file(cyfx *f, const char *name, const char *text)
{
    static char path[400];
    snprintf(path, sizeof(path), "%s/%s", f->dir, name);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(text, 1, strlen(text), fp), strlen(text));
    cr_assert_eq(fclose(fp), 0);
    return path;
}

/* A 999 for group gs: sets as "ST02:IK5" (IK5 "R*5"), extra segments (IK3...) before a set's IK5 after '|'. */
static const char *ack999(cyfx *f, const char *name, long gs, char group_status, int nsets, ...)
{
    rcm_buf body, file;
    rcm_buf_init(&body, 1 << 16);
    rcm_buf_init(&file, 1 << 16);
    rcm_buf_addf(&body, "AK1*HC*%ld*005010X222A1~\n", gs);
    va_list ap;
    va_start(ap, nsets);
    int accepted = 0;
    for (int i = 0; i < nsets; i++) {
        const char *st = va_arg(ap, const char *);
        const char *ik5 = va_arg(ap, const char *);
        const char *errs = va_arg(ap, const char *);
        rcm_buf_addf(&body, "AK2*837*%s*005010X222A1~\n%sIK5*%s~\n", st, errs, ik5);
        accepted += ik5[0] == 'A' || ik5[0] == 'E';
    }
    va_end(ap);
    rcm_buf_addf(&body, "AK9*%c*%d*%d*%d~\n", group_status, nsets, nsets, accepted);
    interchange(&file, "FA", "005010X231A1", "999", body.ptr);
    const char *path = put_file(f, name, file.ptr);
    rcm_buf_release(&body);
    rcm_buf_release(&file);
    return path;
}

/* One 277CA claim: TRN02, STC01 (category:code:entity), REF*1K ('' none), extra segments. */
typedef struct c277 {
    const char *trn, *stc, *icn, *extra;
} c277;

static const char *ack277(cyfx *f, const char *name, int n, const c277 *c)
{
    rcm_buf body, file;
    rcm_buf_init(&body, 1 << 16);
    rcm_buf_init(&file, 1 << 16);
    rcm_buf_adds(&body, "BHT*0085*08*277REF1*20220702*0900*TH~\n"
                        "HL*1**20*1~\nNM1*PR*2*MEDICARE PART B*****PI*MCRB1~\nTRN*1*SRC0001~\n"
                        "DTP*050*D8*20220702~\nDTP*009*D8*20220702~\n"
                        "HL*2*1*21*1~\nNM1*41*2*RIVERSIDE FAMILY MEDICINE*****46*RIVERSIDE01~\nTRN*2*RCV0001~\n"
                        "STC*A1:20*20220702*WQ*100~\n"
                        "HL*3*2*19*1~\nNM1*85*2*RIVERSIDE FAMILY MEDICINE*****XX*1234567893~\nTRN*1*PRV0001~\n");
    for (int i = 0; i < n; i++) {
        rcm_buf_addf(&body, "HL*%d*3*PT~\nNM1*QC*1*TESTER*PAT****MI*1EG4TE5MK73~\nTRN*2*%s~\nSTC*%s*20220702*%s*100~\n",
                     4 + i, c[i].trn, c[i].stc, c[i].stc[1] == '3' || c[i].stc[1] == '6' || c[i].stc[1] == '7' ? "U" : "WQ");
        if (c[i].icn && c[i].icn[0])
            rcm_buf_addf(&body, "REF*1K*%s~\n", c[i].icn);
        rcm_buf_adds(&body, "DTP*472*D8*20220615~\n");
        if (c[i].extra)
            rcm_buf_adds(&body, c[i].extra);
    }
    interchange(&file, "HN", "005010X214", "277", body.ptr);
    const char *path = put_file(f, name, file.ptr);
    rcm_buf_release(&body);
    rcm_buf_release(&file);
    return path;
}

static const char *ta1(cyfx *f, const char *name, long isa, char status, const char *note)
{
    char text[512];
    unsigned ctl = ++ack_seq;
    snprintf(text, sizeof(text),
             "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*RIVERSIDE01    *220702*0900*^*00501*%09u*0*P*:~\n"
             "TA1*%09ld*220701*1200*%c*%s~\nIEA*0*%09u~\n",
             ctl, isa, status, note, ctl);
    return put_file(f, name, text);
}

/* ---- the cycle around them ---- */

/* Three MCR claims submitted in batch 1 (ISA13 1, GS06 1). */
static void batch_of_three(cyfx *f)
{
    cyfx_add(f, "ENC-1", NULL, "MCR", "E11.65,I10", "99214:25:1:1,2;36415");
    cyfx_add(f, "ENC-2", "2022-06-16", "MCR", "I10", "99213");
    cyfx_add(f, "ENC-3", "2022-06-17", "MCR", "J06.9", "99212");
    cyfx_bill(f);
    char path[400];
    snprintf(path, sizeof(path), "%s/b1.837", f->dir);
    rcm_submit_report rep;
    cr_assert_eq(rcm_submit(f->cy, "MCR", 'P', path, &rep, &f->err), 0, "%s", f->err.msg);
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.gs_control, 1);
}

static const char *claim_no(cyfx *f, int encounter)
{
    char sql[120];
    snprintf(sql, sizeof(sql), "SELECT claim_no FROM claim WHERE encounter_id = %d", encounter);
    return cyfx_text(f, sql);
}

static int import(cyfx *f, const char *path, rcm_ack_report *rep)
{
    memset(&f->err, 0, sizeof(f->err));
    return rcm_ack_import(f->cy, path, rep, &f->err);
}

static void import_ok(cyfx *f, const char *path, rcm_ack_report *rep)
{
    int rc = import(f, path, rep);
    cr_assert_eq(rc, 0, "ack import: %s:%ld: %s", f->err.source ? f->err.source : "", f->err.line, f->err.msg);
    cr_assert_not(rep->already);
}

static int64_t status_count(cyfx *f, const char *status)
{
    char sql[120];
    snprintf(sql, sizeof(sql), "SELECT count(*) FROM claim WHERE status = '%s'", status);
    return cyfx_int(f, sql);
}

/* What an import may write: compared before and after to prove nothing was. */
static const char *state(cyfx *f)
{
    return cyfx_text(f, "SELECT (SELECT count(*) FROM ack) || ' ' || (SELECT count(*) FROM x12_file) || ' ' ||"
                        " (SELECT count(*) FROM work_item) || ' ' || (SELECT count(*) FROM audit_log) || ' ' ||"
                        " (SELECT group_concat(status || first_ack, ',') FROM claim)");
}

/* ---- 999 ---- */

Test(cycle_ack, accepted_999_records_the_set_and_changes_no_claim)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    rcm_ack_report rep;
    import_ok(&f, ack999(&f, "a.999", 1, 'A', 1, "0001", "A", ""), &rep);
    cr_assert_str_eq(rep.kind, "999");
    cr_assert_eq(rep.sets, 1);
    cr_assert_eq(rep.sets_accepted, 1);
    cr_assert_eq(rep.sets_rejected, 0);
    cr_assert_eq(rep.claims_rejected, 0);
    cr_assert_eq(rep.unmatched, 0);
    cr_assert_eq(rep.work_items, 0);
    cr_assert_eq(status_count(&f, "submitted"), 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE kind = '999' AND batch_id = 1 AND claim_id IS NULL"
                              " AND set_control = '0001' AND status = 'accepted'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM x12_file WHERE kind = '999' AND direction = 'in'"), 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'ack' AND entity = 'x12_file'"), 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE first_ack <> ''"), 0, "a 999 is no claim verdict");
    cyfx_close(&f);
}

Test(cycle_ack, rejected_999_set_sends_its_claims_to_the_biller)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    /* IK3 with CTX naming claim 2; an IK4 quoting a bad value (a name) */
    char errs[256];
    snprintf(errs, sizeof(errs), "IK3*CLM*25**8~\nIK3*NM1*17*2010*8~\nCTX*CLM01:%s~\nIK4*3*1035*7*HARTMAN~\n",
             claim_no(&f, 2));
    rcm_ack_report rep;
    rcm_ack_verdict *v = NULL;
    size_t n = 0;
    const char *path = ack999(&f, "r.999", 1, 'R', 1, "0001", "R*5", errs);
    cr_assert_eq(rcm_ack_import_verdicts(f.cy, path, &rep, &v, &n, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.claims_rejected, 3);
    cr_assert_eq(rep.work_items, 3);
    cr_assert_eq(rep.biller, 3);
    cr_assert_eq(rep.coder, 0);
    cr_assert_eq(n, 1);
    cr_assert_str_eq(v[0].kind, "999");
    cr_assert_str_eq(v[0].status, "rejected");
    cr_assert_str_eq(v[0].set_control, "0001");
    cr_assert_str_eq(v[0].code, "R 5");
    cr_assert_eq(v[0].claims, 3);
    cr_assert_eq(v[0].batch_id, 1);
    cr_assert_str_eq(v[0].queue, "biller");
    free(v);

    cr_assert_eq(status_count(&f, "rejected"), 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE first_ack = 'rejected' AND acked_at = 1656676800"), 3);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE queue = 'biller' AND kind = 'rejection'"
                              " AND claim_id IS NOT NULL AND status = 'open'"),
                 3);
    /* the named claim's item lists its errors; the others say the errors are elsewhere */
    const char *mine = cyfx_text(&f, "SELECT w.summary FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                                     " WHERE c.encounter_id = 2");
    cr_assert(strstr(mine, "999 set 0001 of batch 1 rejected (IK5 R 5)"), "%s", mine);
    cr_assert(strstr(mine, "rejected (IK5 R 5): IK3 NM1 at 17 loop 2010 code 8; IK4 element 3 ref 1035 code 7"),
              "%s", mine);
    cr_assert_null(strstr(mine, "CLM at 25"), "%s", mine);
    const char *other = cyfx_text(&f, "SELECT w.summary FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                                      " WHERE c.encounter_id = 1");
    cr_assert(strstr(other, "rejected (IK5 R 5): IK3 CLM at 25 code 8 (errors in other claims of the set)"), "%s",
              other);
    cr_assert_null(strstr(other, "NM1"), "%s", other);
    /* the bad value is never copied anywhere */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE summary LIKE '%HARTMAN%'"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE message LIKE '%HARTMAN%'"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE detail LIKE '%HARTMAN%'"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM audit_log WHERE action = 'reject' AND entity = 'claim'"), 3);

    /* listed with the batch */
    rcm_batch *b = NULL;
    size_t nb = 0;
    cr_assert_eq(rcm_batch_list(f.cy, &b, &nb, &f.err), 0);
    cr_assert_eq(nb, 1);
    cr_assert_eq(b[0].sets_rejected, 1);
    cr_assert_eq(b[0].sets_accepted, 0);
    free(b);
    cyfx_close(&f);
}

Test(cycle_ack, a_rejected_set_rejects_the_claims_the_batch_file_put_in_it)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    /* the batch's file as kept by the store, with claim 1 in set 0001 and claims 2 and 3 in set 0002
     * (the writer starts a new set every 5,000 claims: too many for a unit test) */
    cyfx_exec(&f, "UPDATE x12_file SET body = substr(body, 1, 106) ||"
                  " 'GS*HC*RIVERSIDE01*CLEARHOUSE*20220701*1200*1*X*005010X222A1~'"
                  " || 'ST*837*0001*005010X222A1~CLM*' || (SELECT claim_no FROM claim WHERE encounter_id = 1)"
                  " || '*1~SE*3*0001~ST*837*0002*005010X222A1~CLM*'"
                  " || (SELECT claim_no FROM claim WHERE encounter_id = 2) || '*1~CLM*'"
                  " || (SELECT claim_no FROM claim WHERE encounter_id = 3) || '*1~SE*4*0002~GE*2*1~IEA*1*000000001~'"
                  " WHERE kind = '837P'");
    rcm_ack_report rep;
    import_ok(&f, ack999(&f, "p.999", 1, 'P', 2, "0001", "A", "", "0002", "R*5", ""), &rep);
    cr_assert_eq(rep.sets, 2);
    cr_assert_eq(rep.sets_accepted, 1);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(rep.claims_rejected, 2);
    cr_assert_str_eq(cyfx_text(&f, "SELECT group_concat(status, ',') FROM (SELECT status FROM claim"
                                   " ORDER BY encounter_id)"),
                     "submitted,rejected,rejected");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE kind = '999' AND batch_id = 1"), 2);
    const char *s = cyfx_text(&f, "SELECT summary FROM work_item LIMIT 1");
    cr_assert(strstr(s, "999 set 0002 of batch 1 rejected (IK5 R 5)"), "%s", s);
    cyfx_close(&f);
}

Test(cycle_ack, a_999_on_a_set_or_group_we_never_sent_goes_to_the_poster)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    rcm_ack_report rep;
    /* batch 1 has one set: 0002 holds no claim of ours */
    import_ok(&f, ack999(&f, "s.999", 1, 'R', 1, "0002", "R*5", ""), &rep);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(rep.claims_rejected, 0);
    cr_assert_eq(rep.unmatched, 1);
    cr_assert_eq(status_count(&f, "submitted"), 3);
    /* no batch carries GS06 77 */
    import_ok(&f, ack999(&f, "g.999", 77, 'A', 1, "0001", "A", ""), &rep);
    cr_assert_eq(rep.unmatched, 1);
    cr_assert_eq(rep.sets_accepted, 0, "not counted on a batch");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE queue = 'poster' AND kind = 'unmatched'"), 2);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE batch_id IS NULL AND set_control = '0001'"), 1);
    const char *s = cyfx_text(&f, "SELECT summary FROM work_item WHERE summary LIKE '%group 77%'");
    cr_assert(strstr(s, "no batch with that GS06"), "%s", s);
    cr_assert_eq(status_count(&f, "submitted"), 3);
    cyfx_close(&f);
}

Test(cycle_ack, a_group_rejected_without_sets_rejects_the_batch)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    rcm_ack_report rep;
    import_ok(&f, ack999(&f, "g.999", 1, 'R', 0), &rep);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(rep.claims_rejected, 3);
    cr_assert_eq(status_count(&f, "rejected"), 3);
    cyfx_close(&f);
}

/* ---- TA1 ---- */

Test(cycle_ack, ta1_rejection_rejects_the_whole_interchange)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    rcm_ack_report rep;
    import_ok(&f, ta1(&f, "ok.ta1", 1, 'A', "000"), &rep);
    cr_assert_str_eq(rep.kind, "TA1");
    cr_assert_eq(rep.sets_accepted, 1);
    cr_assert_eq(status_count(&f, "submitted"), 3);

    import_ok(&f, ta1(&f, "r.ta1", 1, 'R', "024"), &rep);
    cr_assert_eq(rep.sets_rejected, 1);
    cr_assert_eq(rep.claims_rejected, 3);
    cr_assert_eq(status_count(&f, "rejected"), 3);
    const char *s = cyfx_text(&f, "SELECT summary FROM work_item LIMIT 1");
    cr_assert(strstr(s, "TA1 rejected interchange 000000001 of batch 1 (note 024)"), "%s", s);

    /* a TA1 about an interchange we never sent */
    import_ok(&f, ta1(&f, "x.ta1", 555, 'R', "024"), &rep);
    cr_assert_eq(rep.unmatched, 1);
    cr_assert_eq(rep.claims_rejected, 0);
    cyfx_close(&f);
}

/* ---- 277CA ---- */

Test(cycle_ack, ca277_accepts_rejects_and_routes_by_status_code)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    char c1[40], c2[40], c3[40];
    snprintf(c1, sizeof(c1), "%s", claim_no(&f, 1));
    snprintf(c2, sizeof(c2), "%s", claim_no(&f, 2));
    snprintf(c3, sizeof(c3), "%s", claim_no(&f, 3));
    c277 c[] = {
        { c1, "A2:20", "22183000001", NULL },
        { c2, "A7:255:85", "", NULL },          /* diagnosis code: the coder's */
        { c3, "A3:116:PR", "", NULL },          /* the wrong payer: the biller's */
        { "C999999999", "A2:20", "22183000009", NULL },
    };
    rcm_ack_report rep;
    rcm_ack_verdict *v = NULL;
    size_t n = 0;
    const char *path = ack277(&f, "a.277", 4, c);
    cr_assert_eq(rcm_ack_import_verdicts(f.cy, path, &rep, &v, &n, &f.err), 0, "%s:%ld: %s",
                 f.err.source ? f.err.source : "", f.err.line, f.err.msg);
    cr_assert_str_eq(rep.kind, "277CA");
    cr_assert_eq(rep.claims, 3);
    cr_assert_eq(rep.claims_accepted, 1);
    cr_assert_eq(rep.claims_rejected, 2);
    cr_assert_eq(rep.coder, 1);
    cr_assert_eq(rep.biller, 1);
    cr_assert_eq(rep.unmatched, 1);
    cr_assert_eq(rep.work_items, 3);
    cr_assert_eq(n, 4);
    cr_assert_str_eq(v[0].status, "accepted");
    cr_assert_str_eq(v[0].claim_no, c1);
    cr_assert_str_eq(v[1].status, "rejected");
    cr_assert_str_eq(v[1].queue, "coder");
    cr_assert_str_eq(v[1].code, "A7:255:85");
    cr_assert_str_eq(v[2].queue, "biller");
    cr_assert_not(v[3].matched);
    free(v);

    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE encounter_id = 1 AND status = 'accepted'"
                              " AND payer_icn = '22183000001' AND first_ack = 'accepted'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM claim WHERE encounter_id IN (2, 3) AND status = 'rejected'"
                              " AND first_ack = 'rejected'"),
                 2);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                              " WHERE c.encounter_id = 2 AND w.queue = 'coder' AND w.kind = 'rejection'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                              " WHERE c.encounter_id = 3 AND w.queue = 'biller' AND w.kind = 'rejection'"),
                 1);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE queue = 'poster' AND kind = 'unmatched'"
                              " AND summary LIKE '%C999999999%'"),
                 1);
    /* the due date of a rejection: the filing limit (date of service + 365 for MCR) */
    cr_assert_eq(cyfx_int(&f, "SELECT w.due - c.dos_from FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                              " WHERE c.encounter_id = 2"),
                 365);
    const char *s = cyfx_text(&f, "SELECT w.summary FROM work_item w JOIN claim c ON c.claim_id = w.claim_id"
                                  " WHERE c.encounter_id = 2");
    cr_assert(strstr(s, "277CA rejected A7:255:85"), "%s", s);
    /* never the patient's name (NM1*QC TESTER PAT) */
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item WHERE summary LIKE '%TESTER%'"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE message LIKE '%TESTER%' OR code LIKE '%TESTER%'"), 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE kind = '277CA'"), 4);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE kind = '277CA' AND claim_id IS NULL"), 1);

    rcm_batch *b = NULL;
    size_t nb = 0;
    cr_assert_eq(rcm_batch_list(f.cy, &b, &nb, &f.err), 0);
    cr_assert_eq(b[0].claims_accepted, 1);
    cr_assert_eq(b[0].claims_rejected, 2);
    free(b);
    cyfx_close(&f);
}

Test(cycle_ack, ca277_line_status_and_codes_route_table_driven)
{
    /* status on the claim (or a line) -> queue: the coding status codes go to the coder */
    static const struct {
        const char *stc, *extra, *queue;
    } cases[] = {
        { "A7:254", NULL, "coder" },        /* principal diagnosis */
        { "A7:454", NULL, "coder" },        /* procedure code */
        { "A6:453", NULL, "coder" },        /* procedure code modifiers */
        { "A3:477", NULL, "coder" },        /* diagnosis code pointer */
        { "A7:562:85", NULL, "biller" },    /* NPI */
        { "A3:33:IL", NULL, "biller" },     /* subscriber not found */
        { "A7:164:IL", NULL, "biller" },    /* member id */
        { "A7:21", NULL, "biller" },        /* missing or invalid information */
        { "A8:116", NULL, "biller" },
        { "A4:35", NULL, "biller" },        /* not found */
        /* accepted at claim level, a line rejected for its procedure code */
        { "A2:20", "SVC*HC:99214*215*0~\nSTC*A7:454*20220702*U~\nDTP*472*D8*20220615~\n", "coder" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cyfx f;
        cyfx_open(&f);
        batch_of_three(&f);
        char c1[40];
        snprintf(c1, sizeof(c1), "%s", claim_no(&f, 1));
        c277 c = { c1, cases[i].stc, "", cases[i].extra };
        rcm_ack_report rep;
        import_ok(&f, ack277(&f, "t.277", 1, &c), &rep);
        cr_assert_eq(rep.claims_rejected, 1, "%s", cases[i].stc);
        cr_assert_eq(rep.claims_accepted, 0, "%s", cases[i].stc);
        char sql[200];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM work_item WHERE queue = '%s' AND kind = 'rejection'",
                 cases[i].queue);
        cr_assert_eq(cyfx_int(&f, sql), 1, "%s -> %s", cases[i].stc, cases[i].queue);
        cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item"), 1, "%s", cases[i].stc);
        cyfx_close(&f);
    }
}

Test(cycle_ack, ca277_pending_and_icn_matching)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    char c1[40];
    snprintf(c1, sizeof(c1), "%s", claim_no(&f, 1));
    /* A1 (received) first: accepted, the ICN kept */
    c277 a = { c1, "A1:19", "ICN-1", NULL };
    rcm_ack_report rep;
    import_ok(&f, ack277(&f, "1.277", 1, &a), &rep);
    cr_assert_eq(rep.claims_accepted, 1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT payer_icn FROM claim WHERE encounter_id = 1"), "ICN-1");
    /* then a rejection matched only by the payer claim number (an unknown TRN02) */
    c277 r = { "PAYERTRACE", "A7:255", "ICN-1", NULL };
    import_ok(&f, ack277(&f, "2.277", 1, &r), &rep);
    cr_assert_eq(rep.claims_rejected, 1);
    cr_assert_eq(rep.unmatched, 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || first_ack FROM claim WHERE encounter_id = 1"),
                     "rejected accepted", "first_ack keeps the first verdict");
    /* a pending status (P1) changes nothing */
    char c2[40];
    snprintf(c2, sizeof(c2), "%s", claim_no(&f, 2));
    c277 p = { c2, "P1:20", "", NULL };
    import_ok(&f, ack277(&f, "3.277", 1, &p), &rep);
    cr_assert_eq(rep.pending, 1);
    cr_assert_eq(rep.claims_accepted + rep.claims_rejected, 0);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || '/' || first_ack FROM claim WHERE encounter_id = 2"), "submitted/");
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM ack WHERE status = 'pending'"), 1);
    cyfx_close(&f);
}

Test(cycle_ack, first_ack_stays_after_resubmission_and_stale_verdicts_change_nothing)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    char c1[40];
    snprintf(c1, sizeof(c1), "%s", claim_no(&f, 1));
    c277 r = { c1, "A7:562:85", "", NULL };
    rcm_ack_report rep;
    import_ok(&f, ack277(&f, "r.277", 1, &r), &rep);
    cr_assert_eq(rep.claims_rejected, 1);
    /* the same verdict again in another file: the claim no longer waits */
    import_ok(&f, ack277(&f, "r2.277", 1, &r), &rep);
    cr_assert_eq(rep.stale, 1);
    cr_assert_eq(rep.claims_rejected, 0);
    cr_assert_eq(cyfx_int(&f, "SELECT count(*) FROM work_item"), 1);

    /* fixed and resubmitted: batch 2; then accepted */
    cyfx_exec(&f, "UPDATE claim SET status = 'ready' WHERE encounter_id = 1");
    char path[400];
    snprintf(path, sizeof(path), "%s/b2.837", f.dir);
    rcm_submit_report sr;
    cr_assert_eq(rcm_submit(f.cy, "MCR", 'P', path, &sr, &f.err), 0, "%s", f.err.msg);
    cr_assert_eq(sr.batch_id, 2);
    c277 a = { c1, "A2:20", "ICN-9", NULL };
    import_ok(&f, ack277(&f, "a.277", 1, &a), &rep);
    cr_assert_eq(rep.claims_accepted, 1);
    cr_assert_str_eq(cyfx_text(&f, "SELECT status || ' ' || first_ack FROM claim WHERE encounter_id = 1"),
                     "accepted rejected");
    cr_assert_eq(cyfx_int(&f, "SELECT batch_id FROM ack WHERE kind = '277CA' ORDER BY ack_id DESC LIMIT 1"), 2);

    /* a late 999 rejecting batch 1 leaves the resubmitted claim alone */
    import_ok(&f, ack999(&f, "late.999", 1, 'R', 1, "0001", "R*5", ""), &rep);
    cr_assert_eq(rep.claims_rejected, 2, "claims 2 and 3 still waited in batch 1");
    cr_assert_str_eq(cyfx_text(&f, "SELECT status FROM claim WHERE encounter_id = 1"), "accepted");
    cyfx_close(&f);
}

/* ---- the same file, bad files ---- */

Test(cycle_ack, the_same_file_twice_records_nothing)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    char c1[40];
    snprintf(c1, sizeof(c1), "%s", claim_no(&f, 1));
    c277 r = { c1, "A7:255", "", NULL };
    const char *path = ack277(&f, "r.277", 1, &r);
    char keep[400];
    snprintf(keep, sizeof(keep), "%s", path);
    rcm_ack_report rep;
    import_ok(&f, keep, &rep);
    char before[256];
    snprintf(before, sizeof(before), "%s", state(&f));
    cr_assert_eq(import(&f, keep, &rep), 0, "%s", f.err.msg);
    cr_assert(rep.already);
    cr_assert_eq(rep.claims + rep.sets + rep.work_items, 0);
    cr_assert_str_eq(state(&f), before);
    cyfx_close(&f);
}

Test(cycle_ack, a_malformed_or_foreign_file_changes_nothing)
{
    cyfx f;
    cyfx_open(&f);
    batch_of_three(&f);
    char before[256];
    snprintf(before, sizeof(before), "%s", state(&f));
    rcm_ack_report rep;

    /* a wrong segment count (SE01) in an otherwise fine rejection */
    const char *bad =
        "ISA*00*          *00*          *ZZ*CLEARHOUSE     *ZZ*RIVERSIDE01    *220702*0900*^*00501*000000801*0*P*:~\n"
        "GS*FA*CLEARHOUSE*RIVERSIDE01*20220702*0900*801*X*005010X231A1~\n"
        "ST*999*0001*005010X231A1~\nAK1*HC*1*005010X222A1~\nAK2*837*0001*005010X222A1~\nIK5*R*5~\n"
        "AK9*R*1*1*0~\nSE*9*0001~\nGE*1*801~\nIEA*1*000000801~\n";
    int rc = import(&f, put_file(&f, "bad.999", bad), &rep);
    cr_assert_eq(rc, RCM_EFORMAT, "%d %s", rc, f.err.msg);
    cr_assert_gt(f.err.line, 0);
    cr_assert_gt(f.err.segment, 0);
    cr_assert(f.err.source && strstr(f.err.source, "bad.999"));
    cr_assert(strstr(f.err.msg, "nothing recorded"), "%s", f.err.msg);
    cr_assert_str_eq(state(&f), before);

    /* not X12 at all */
    rc = import(&f, put_file(&f, "note.txt", "hello\n"), &rep);
    cr_assert(rc == RCM_EFORMAT || rc == RCM_ESYNTAX, "%d %s", rc, f.err.msg);
    cr_assert_str_eq(state(&f), before);

    /* the batch itself: an 837 is not an acknowledgment */
    char path[400];
    snprintf(path, sizeof(path), "%s/b1.837", f.dir);
    rc = import(&f, path, &rep);
    cr_assert_eq(rc, RCM_EFORMAT);
    cr_assert(strstr(f.err.msg, "837"), "%s", f.err.msg);
    cr_assert_str_eq(state(&f), before);

    /* no such file */
    snprintf(path, sizeof(path), "%s/none.999", f.dir);
    cr_assert_eq(import(&f, path, &rep), RCM_EIO);
    cr_assert_str_eq(state(&f), before);
    cyfx_close(&f);
}
