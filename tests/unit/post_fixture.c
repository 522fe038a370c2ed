/* Posting and ledger test helpers (see post_fixture.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "post_fixture.h"

int64_t pfx_claim(cyfx *f, const char *claim_no, const char *enc_id, const char *payer, const char *lines)
{
    /* the encounter's proposed lines: the codes alone */
    char codes[256] = "";
    size_t n = 0;
    for (const char *p = lines; *p;) {
        const char *colon = strchr(p, ':');
        cr_assert_not_null(colon, "pfx_claim: '%s'", lines);
        const char *dash = memchr(p, '-', (size_t)(colon - p));
        const char *end = dash ? dash : colon;
        n += (size_t)snprintf(codes + n, sizeof(codes) - n, "%s%.*s", n ? ";" : "", (int)(end - p), p);
        const char *semi = strchr(colon, ';');
        p = semi ? semi + 1 : colon + strlen(colon);
    }
    int64_t enc = cyfx_add(f, enc_id, NULL, payer, "I10", codes);
    int64_t id = cyfx_int(f, "SELECT COALESCE(MAX(claim_id), 0) + 1 FROM claim");
    char sql[2048];
    snprintf(sql, sizeof(sql),
             "INSERT INTO claim (claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id,"
             " coverage_id, payer_id, seq, kind, freq, original_claim_id, primary_claim_id, original_icn,"
             " payer_icn, status, charge_cents, dos_from, dos_to, scrub_errors, coded_by, created_at, created_by,"
             " batch_id, submitted_at, submitted_by, submissions, acked_at, adjudicated_at, first_ack, first_835)"
             " SELECT %lld, e.practice_id, '%s', e.encounter_id, e.patient_id, e.provider_id, v.coverage_id,"
             " v.payer_id, 'P', 'P', '1', NULL, NULL, '', '', 'submitted', 0, e.dos, e.dos, 0, 'tester', %lld,"
             " 'tester', NULL, %lld, 'tester', 1, NULL, NULL, 'accepted', ''"
             " FROM encounter e JOIN coverage v ON v.patient_id = e.patient_id AND v.seq = 'P'"
             " WHERE e.encounter_id = %lld",
             (long long)id, claim_no, (long long)CYFX_NOW, (long long)CYFX_NOW, (long long)enc);
    cyfx_exec(f, sql);
    int line = 0;
    int64_t total = 0;
    for (const char *p = lines; *p;) {
        const char *colon = strchr(p, ':');
        const char *dash = memchr(p, '-', (size_t)(colon - p));
        char code[16], mod[3] = "";
        snprintf(code, sizeof(code), "%.*s", (int)((dash ? dash : colon) - p), p);
        if (dash)
            snprintf(mod, sizeof(mod), "%.*s", (int)(colon - dash - 1), dash + 1);
        char *end;
        double amt = strtod(colon + 1, &end);
        int64_t cents = (int64_t)(amt * 100 + 0.5);
        total += cents;
        line++;
        snprintf(sql, sizeof(sql),
                 "INSERT INTO claim_line (claim_id, line_no, code, mod1, mod2, mod3, mod4, units_milli,"
                 " charge_cents, ptr1, ptr2, ptr3, ptr4, dos, rev_code)"
                 " SELECT %lld, %d, '%s', '%s', '', '', '', 1000, %lld, 1, 0, 0, 0, dos_from, ''"
                 " FROM claim WHERE claim_id = %lld",
                 (long long)id, line, code, mod, (long long)cents, (long long)id);
        cyfx_exec(f, sql);
        snprintf(sql, sizeof(sql),
                 "INSERT INTO ledger (entry_id, practice_id, claim_id, line_no, patient_id, payer_id, kind,"
                 " group_code, carc, amount_cents, remit_id, remit_claim_id, reverses, effective, at, user_name,"
                 " memo) SELECT (SELECT COALESCE(MAX(entry_id), 0) + 1 FROM ledger), practice_id, claim_id, %d,"
                 " patient_id, payer_id, 'charge', '', '', %lld, NULL, NULL, NULL, dos_from, %lld, 'tester', ''"
                 " FROM claim WHERE claim_id = %lld",
                 line, (long long)cents, (long long)CYFX_NOW, (long long)id);
        cyfx_exec(f, sql);
        const char *semi = strchr(colon, ';');
        p = semi ? semi + 1 : colon + strlen(colon);
    }
    snprintf(sql, sizeof(sql), "UPDATE claim SET charge_cents = %lld WHERE claim_id = %lld", (long long)total,
             (long long)id);
    cyfx_exec(f, sql);
    return id;
}

#define ISA                                                                                                  \
    "ISA*00*          *00*          *ZZ*MCRB1          *ZZ*RIVERSIDE01    *220705*0930*^*00501*000000101*0*P*:~\n"

static void add_set(rcm_buf *b, int st, const char *trace, const char *payment, const char *body)
{
    rcm_buf set;
    rcm_buf_init(&set, (size_t)1 << 26);
    rcm_buf_addf(&set, "ST*835*%04d~\n", st);
    rcm_buf_addf(&set, "BPR*I*%s*C*CHK************" PFX_PAID "~\n", payment);
    rcm_buf_addf(&set, "TRN*1*%s*1234567890~\n", trace);
    rcm_buf_adds(&set, "DTM*405*20220705~\nN1*PR*MEDICARE PART B*XV*MCRB1~\n"
                       "N1*PE*RIVERSIDE FAMILY MEDICINE*XX*" CYFX_PRACTICE_NPI "~\nLX*1~\n");
    for (const char *p = body; *p; p++) {
        rcm_buf_addc(&set, *p);
        if (*p == '~')
            rcm_buf_addc(&set, '\n');
    }
    long segs = 1;
    for (const char *p = set.ptr; *p; p++)
        segs += *p == '~';
    rcm_buf_add(b, set.ptr, set.len);
    rcm_buf_addf(b, "SE*%ld*%04d~\n", segs, st);
    rcm_buf_release(&set);
}

static const char *write_file(cyfx *f, const rcm_buf *b)
{
    static char paths[8][320];
    static unsigned slot;
    char *path = paths[slot++ % 8];
    snprintf(path, 320, "%s/remit-%u.835", f->dir, ++f->nfiles);
    FILE *fp = fopen(path, "wb");
    cr_assert_not_null(fp);
    cr_assert_eq(fwrite(b->ptr, 1, b->len, fp), b->len);
    cr_assert_eq(fclose(fp), 0);
    return path;
}

const char *pfx_835(cyfx *f, const char *trace, const char *payment, const char *body)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 26);
    rcm_buf_adds(&b, ISA "GS*HP*MCRB1*RIVERSIDE01*20220705*0930*101*X*005010X221A1~\n");
    add_set(&b, 1, trace, payment, body);
    rcm_buf_adds(&b, "GE*1*101~\nIEA*1*000000101~\n");
    cr_assert(!rcm_buf_failed(&b));
    const char *path = write_file(f, &b);
    rcm_buf_release(&b);
    return path;
}

const char *pfx_835_two(cyfx *f, const char *trace1, const char *payment1, const char *body1,
                        const char *trace2, const char *payment2, const char *body2)
{
    rcm_buf b;
    rcm_buf_init(&b, (size_t)1 << 26);
    rcm_buf_adds(&b, ISA "GS*HP*MCRB1*RIVERSIDE01*20220705*0930*101*X*005010X221A1~\n");
    add_set(&b, 1, trace1, payment1, body1);
    add_set(&b, 2, trace2, payment2, body2);
    rcm_buf_adds(&b, "GE*2*101~\nIEA*1*000000101~\n");
    cr_assert(!rcm_buf_failed(&b));
    const char *path = write_file(f, &b);
    rcm_buf_release(&b);
    return path;
}

int64_t pfx_balance(cyfx *f, const char *claim_no, const char *party)
{
    const char *cond = strcmp(party, "payer") == 0     ? " AND l.payer_id IS NOT NULL"
                       : strcmp(party, "patient") == 0 ? " AND l.payer_id IS NULL"
                                                       : "";
    char sql[512];
    snprintf(sql, sizeof(sql),
             "SELECT COALESCE(SUM(l.amount_cents), 0) FROM ledger l JOIN claim c ON c.claim_id = l.claim_id"
             " WHERE c.claim_no = '%s'%s",
             claim_no, cond);
    return cyfx_int(f, sql);
}

const char *pfx_counts(cyfx *f)
{
    static const char *const tables[] = { "x12_file", "remit", "remit_claim", "remit_line", "remit_plb", "ledger",
                                          "denial", "work_item", "audit_log" };
    static char out[4][512];
    static unsigned slot;
    char *s = out[slot++ % 4];
    size_t n = 0;
    s[0] = '\0';
    for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
        char sql[128];
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
        n += (size_t)snprintf(s + n, 512 - n, "%s%s=%lld", n ? " " : "", tables[i], (long long)cyfx_int(f, sql));
    }
    /* and what posting changes on claims */
    n += (size_t)snprintf(s + n, 512 - n, " claim_state=%s",
                          cyfx_text(f, "SELECT COALESCE(group_concat(status || ':' || first_835 || ':' || payer_icn,"
                                       " ','), '') FROM claim"));
    return s;
}

int pfx_post(cyfx *f, const char *path, rcm_post_report *rep)
{
    memset(&f->err, 0, sizeof(f->err));
    return rcm_era_post(f->cy, path, rep, &f->err);
}

void pfx_ledger_ok(cyfx *f)
{
    rcm_ledger_report lr;
    rcm_error err;
    memset(&err, 0, sizeof(err));
    int rc = rcm_ledger_check(f->cy, &lr, &err);
    cr_assert_eq(rc, 0, "ledger check: %s", err.msg);
    cr_assert_eq(lr.problems, 0);
}

void pfx_post_ok(cyfx *f, const char *path, rcm_post_report *rep)
{
    int rc = pfx_post(f, path, rep);
    cr_assert_eq(rc, 0, "posting %s: %s (line %ld)", path, f->err.msg, f->err.line);
    pfx_ledger_ok(f);
}
