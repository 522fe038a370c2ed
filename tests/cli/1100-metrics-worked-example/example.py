# The worked example of docs/metrics.md written straight into a store (as
# tests/unit/ar_fixture.h does): python3 example.py STORE
import datetime
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA foreign_keys = ON")


def day(iso):
    return (datetime.date.fromisoformat(iso) - datetime.date(1970, 1, 1)).days


def one(sql, *args):
    return db.execute(sql, args).fetchone()[0]


def nextid(table, col):
    return one("SELECT COALESCE(MAX(%s), 0) + 1 FROM %s" % (col, table))


def payer(code):
    return one("SELECT payer_id FROM payer WHERE code = ?", code)


def patient(mrn, last, first, p, s=None):
    pid = nextid("patient", "patient_id")
    db.execute("INSERT INTO patient VALUES (?, 1, ?, ?, ?, '', ?, 'F', '45 OAK LANE', '', 'FRANKLIN', 'TN',"
               " '37064', '6155550142')", (pid, mrn, last, first, day("1950-02-03")))
    for seq, code in (("P", p), ("S", s)):
        if code:
            db.execute("INSERT INTO coverage VALUES (?, ?, ?, ?, 'M', '', '', '18', '', '', NULL, '', '', '', '',"
                       " '', ?, NULL)", (nextid("coverage", "coverage_id"), pid, payer(code), seq, day("2020-01-01")))
    return pid


def encounter(pid, npi, dos):
    eid = nextid("encounter", "encounter_id")
    prov = one("SELECT provider_id FROM provider WHERE npi = ?", npi)
    db.execute("INSERT INTO encounter (encounter_id, practice_id, ext_id, patient_id, provider_id, referring_npi,"
               " referring_last, referring_first, dos, dos_to, pos, kind, bill_type, prior_auth, status,"
               " documentation, proposed, source, imported_at) VALUES (?, 1, ?, ?, ?, '', '', '', ?, ?, '11', 'P',"
               " '', '', 'billed', '{}', '{}', 'test', 0)", (eid, "ENC-%d" % eid, pid, prov, day(dos), day(dos)))
    return eid


def claim(enc, code, status="ready", seq="P", freq="1", original=None, primary=None, scrub=0, coder="coder1",
          submissions=0, ack="", first835="", submitted=None, lines=()):
    cid = nextid("claim", "claim_id")
    pid, prov, dos = db.execute("SELECT patient_id, provider_id, dos FROM encounter WHERE encounter_id = ?",
                                (enc,)).fetchone()
    cov = one("SELECT coverage_id FROM coverage WHERE patient_id = ? AND seq = ?", pid, seq)
    db.execute("INSERT INTO claim (claim_id, practice_id, claim_no, encounter_id, patient_id, provider_id,"
               " coverage_id, payer_id, seq, kind, freq, original_claim_id, primary_claim_id, original_icn,"
               " payer_icn, status, charge_cents, dos_from, dos_to, scrub_errors, coded_by, created_at, created_by,"
               " submitted_at, submissions, first_ack, first_835) VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, 'P', ?, ?, ?,"
               " '', '', ?, ?, ?, ?, ?, ?, 0, 'tester', ?, ?, ?, ?)",
               (cid, "C%09d" % cid, enc, pid, prov, cov, payer(code), seq, freq, original, primary, status,
                sum(c for _, c in lines), dos, dos, scrub, coder,
                day(submitted) * 86400 + 43200 if submitted else None, submissions, ack, first835))
    for n, (proc, charge) in enumerate(lines, 1):
        db.execute("INSERT INTO claim_line VALUES (?, ?, ?, '', '', '', '', 1000, ?, 1, 0, 0, 0, ?, '')",
                   (cid, n, proc, charge, dos))
    return cid


def ledger(cid, line, party, kind, amount, eff, group="", carc="", reverses=None):
    db.execute("INSERT INTO ledger SELECT ?, 1, ?, ?, patient_id, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, 0, 'tester', ''"
               " FROM claim WHERE claim_id = ?", (nextid("ledger", "entry_id"), cid, line,
                                                  payer(party) if party else None, kind, group, carc, amount,
                                                  reverses, day(eff), cid))


def charges(cid, party, eff):
    for line, charge in db.execute("SELECT line_no, charge_cents FROM claim_line WHERE claim_id = ? ORDER BY line_no",
                                   (cid,)).fetchall():
        ledger(cid, line, party, "charge", charge, eff)


def paid(cid, line, party, pay, co45, carc, pr, eff):
    if pay:
        ledger(cid, line, party, "payment", -pay, eff)
    if co45:
        ledger(cid, line, party, "adjustment", -co45, eff, "CO", "45")
    if pr:
        ledger(cid, line, party, "transfer", -pr, eff, "PR", carc)
        ledger(cid, line, None, "transfer", pr, eff, "PR", carc)


def remit(cid, code, on):
    if one("SELECT COUNT(*) FROM x12_file") == 0:
        db.execute("INSERT INTO x12_file VALUES (1, 'test', '835', 'in', 'test.835', 0, 0, 'tester', '')")
    rid = nextid("remit", "remit_id")
    db.execute("INSERT INTO remit VALUES (?, 1, 1, '0001', 'T', ?, ?, 'PAYER', 0, 'ACH', ?, 1, 0, 0, 'tester')",
               (rid, "TRACE%d" % rid, payer(code), day(on)))
    rc = nextid("remit_claim", "remit_claim_id")
    db.execute("INSERT INTO remit_claim VALUES (?, ?, 1, ?, 'X', '1', 0, 0, 0, '', 0)", (rc, rid, cid))
    return rc


def denial(cid, line, rc, carc, amount, route, root, status):
    did = nextid("denial", "denial_id")
    db.execute("INSERT INTO denial (denial_id, claim_id, line_no, remit_claim_id, group_code, carc, rarc,"
               " amount_cents, route, root, status, created_at) VALUES (?, ?, ?, ?, 'CO', ?, '', ?, ?, ?, ?, 0)",
               (did, cid, line, rc, carc, amount, route, root, status))
    return did


NPI1, NPI2 = "1679576722", "1245319599"
pa = patient("A1", "ADAMS", "ANN", "MCR", "BCBS")
pb = patient("B1", "BAKER", "BETH", "BCBS")
pc = patient("C1", "CLARK", "CARL", "BCBS")
pd = patient("D1", "DAVIS", "DORA", "MCR")
pe = patient("E1", "EVANS", "EVE", "BCBS")
pf = patient("F1", "FOSTER", "FAY", "MCR")

e1 = encounter(pa, NPI1, "2022-06-02")
c1 = claim(e1, "MCR", "paid", submissions=1, ack="accepted", first835="paid", submitted="2022-06-03",
           lines=[("99213", 15000), ("36415", 1500)])
charges(c1, "MCR", "2022-06-02")
remit(c1, "MCR", "2022-06-20")
paid(c1, 1, "MCR", 7400, 5750, "2", 1850, "2022-06-20")
paid(c1, 2, "MCR", 240, 1200, "2", 60, "2022-06-20")

e2 = encounter(pa, NPI1, "2022-06-05")
c2 = claim(e2, "MCR", "denied", scrub=1, submissions=1, ack="accepted", first835="denied", submitted="2022-06-06",
           lines=[("99214", 21500)])
charges(c2, "MCR", "2022-06-05")
denial(c2, 1, remit(c2, "MCR", "2022-06-22"), "50", 21500, "coder", "medical-necessity", "open")

e3 = encounter(pb, NPI2, "2022-06-10")
c3 = claim(e3, "BCBS", "paid", coder="coder2", submissions=2, ack="rejected", first835="paid",
           submitted="2022-06-11", lines=[("99203", 17000), ("93000", 4500)])
charges(c3, "BCBS", "2022-06-10")
remit(c3, "BCBS", "2022-06-25")
paid(c3, 1, "BCBS", 10000, 4500, "1", 2500, "2022-06-25")
paid(c3, 2, "BCBS", 1760, 2300, "1", 440, "2022-06-25")
ledger(c3, 0, None, "patient_payment", -940, "2022-07-01")

e4 = encounter(pc, NPI2, "2022-06-12")
c4 = claim(e4, "BCBS", "partial", coder="coder2", submissions=1, ack="accepted", first835="partial",
           submitted="2022-06-13", lines=[("99215", 29500), ("36415", 1500)])
charges(c4, "BCBS", "2022-06-12")
r4 = remit(c4, "BCBS", "2022-06-26")
paid(c4, 1, "BCBS", 16400, 9000, "2", 4100, "2022-06-26")
denial(c4, 2, r4, "97", 1500, "coder", "bundling", "open")

e5 = encounter(pb, NPI1, "2022-06-15")
c5 = claim(e5, "AETNA", "replaced", submissions=1, ack="accepted", first835="denied", submitted="2022-06-16",
           lines=[("99212", 9000)])
charges(c5, "AETNA", "2022-06-15")
denial(c5, 1, remit(c5, "AETNA", "2022-06-27"), "4", 9000, "coder", "modifier", "corrected")
c6 = claim(e5, "AETNA", "paid", freq="7", original=c5, coder="coder2", submissions=1, ack="accepted",
           first835="paid", submitted="2022-06-28", lines=[("99212", 9000)])
ledger(c5, 0, "AETNA", "transfer", -9000, "2022-06-28")
ledger(c6, 0, "AETNA", "transfer", 9000, "2022-06-28")
remit(c6, "AETNA", "2022-06-29")
paid(c6, 1, "AETNA", 6000, 2000, "2", 1000, "2022-06-29")

e7 = encounter(pd, NPI2, "2022-06-20")
c7 = claim(e7, "MCR", "paid", coder="coder2", submissions=1, ack="accepted", first835="paid", submitted="2022-06-21",
           lines=[("99213", 15000)])
charges(c7, "MCR", "2022-06-20")
r7 = remit(c7, "MCR", "2022-06-24")
paid(c7, 1, "MCR", 6000, 7500, "2", 1500, "2022-06-24")
ledger(c7, 0, None, "patient_payment", -1500, "2022-06-29")
d7 = denial(c7, 1, r7, "45", 7500, "auto", "contractual", "appealed")
db.execute("INSERT INTO appeal VALUES (1, ?, ?, 1, ?, ?, 'filed', '', 0, 'tester')",
           (d7, c7, day("2022-06-28"), day("2022-10-22")))

e8 = encounter(pd, NPI1, "2022-06-25")
c8 = claim(e8, "MCR", "ready", lines=[("99204", 25500)])
charges(c8, "MCR", "2022-06-25")

e9 = encounter(pe, NPI1, "2022-06-28")
c9 = claim(e9, "BCBS", "accepted", submissions=1, ack="accepted", submitted="2022-06-29", lines=[("99213", 15000)])
charges(c9, "BCBS", "2022-06-28")

c10 = claim(e1, "BCBS", "paid", seq="S", primary=c1, submissions=1, ack="accepted", first835="paid",
            submitted="2022-06-21")
ledger(c1, 0, None, "transfer", -1910, "2022-06-21")
ledger(c10, 0, "BCBS", "transfer", 1910, "2022-06-21")
remit(c10, "BCBS", "2022-06-30")
ledger(c10, 0, "BCBS", "payment", -1910, "2022-06-30")

e11 = encounter(pf, NPI2, "2022-03-15")
c11 = claim(e11, "MCR", "accepted", coder="coder2", submissions=1, ack="accepted", submitted="2022-03-16",
            lines=[("99214", 21500)])
charges(c11, "MCR", "2022-03-15")
db.commit()
