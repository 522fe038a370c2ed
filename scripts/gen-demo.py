#!/usr/bin/env python3
"""Writes rcm's bundled demo data: a month of synthetic encounters of a small practice.

    scripts/gen-demo.py            write data/demo/* and the planted-error table of docs/demo.md
    scripts/gen-demo.py --check    write nothing; exit 1 when a committed file differs from what
                                   this script would write

Files written (all committed; `rcm demo` reads them):
    data/demo/practice.json     the practice, its providers and payers, fees and contracts
    data/demo/encounters.jsonl  June 2022 encounters as the EHR sends them, with planted coding errors
    data/demo/coder.json        what the demo's coder and biller decide (corrections, overrides,
                                corrected codes for denied claims, write-offs and appeals) and
                                the names of the demo's users
    data/demo/paysim.conf       the payer simulator's configuration (docs/paysim.md)

Everything is synthetic: names, addresses, member ids and NPIs are made up (NPIs carry a valid
check digit). The output depends only on SEED: a seeded generator, no clock, no environment.
Every diagnosis is checked against the bundled ICD-10-CM FY2022 file and every HCPCS Level II
code against the bundled HCPCS 2022 file, so the demo's dates of service (June 2022) have both
code sets in force. CPT codes appear as numbers only (never their descriptors).
"""

import argparse
import gzip
import json
import os
import random
import sys

SEED = 20220601
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
REFDATA = os.path.join(ROOT, "data", "refdata")
OUT = os.path.join(ROOT, "data", "demo")
DOC = os.path.join(ROOT, "docs", "demo.md")

# ---------------------------------------------------------------- identifiers


def npi(base9):
    """The NPI for a 9-digit base: Luhn check digit over 80840 + base (DOMAIN.md 2.4)."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:          # the rightmost base digit is doubled (the check digit goes after it)
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return base9 + str((10 - total % 10) % 10)


def cents(s):
    """'150.00' -> 15000."""
    whole, _, frac = s.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def money(c):
    return "%d.%02d" % (c // 100, c % 100)


def dotted(dx):
    """E1165 -> E11.65 (ICD-10-CM as the EHR writes it)."""
    return dx if len(dx) <= 3 else dx[:3] + "." + dx[3:]


# ---------------------------------------------------------------- reference data


def load_icd10():
    """{code without dot: (billable, long description)} from the bundled FY2022 order file."""
    out = {}
    with gzip.open(os.path.join(REFDATA, "icd10cm_order_2022.txt.gz"), "rt", encoding="latin-1") as f:
        for line in f:
            code = line[6:13].strip()
            out[code] = (line[14] == "1", line[77:].strip())
    return out


def load_hcpcs():
    codes = set()
    with gzip.open(os.path.join(REFDATA, "hcpcs_2022.csv.gz"), "rt", encoding="latin-1") as f:
        next(f)
        for line in f:
            codes.add(line.split(",", 1)[0])
    return codes


def load_pfs_codes():
    codes = set()
    with gzip.open(os.path.join(REFDATA, "pprrvu_2025_oct.csv.gz"), "rt", encoding="latin-1") as f:
        next(f)
        for line in f:
            codes.add(line.split(",", 1)[0])
    return codes


# ---------------------------------------------------------------- the practice

PRACTICE = {
    "name": "RIVERSIDE MEDICAL GROUP",
    "npi": npi("145236987"),
    "tax_id": "621234567",
    "taxonomy": "193200000X",
    "address": {"line1": "1200 RIVER ROAD", "line2": "SUITE 300", "city": "NASHVILLE", "state": "TN",
                "zip": "372031234"},
    "contact": "BILLING OFFICE",
    "phone": "6155550100",
    "submitter": {"id": "RIVERSIDE01", "name": "RIVERSIDE MEDICAL GROUP"},
    "receiver": {"id": "DEMOCLEAR", "name": "DEMO CLEARINGHOUSE"},
}

# key, last, first, taxonomy, specialty, NPI base
PROVIDERS = [
    ("FM1", "OKAFOR", "ADA", "207Q00000X", "family medicine", "167957672"),
    ("FM2", "BRENNAN", "MARCUS", "207Q00000X", "family medicine", "132846519"),
    ("IM", "NAKAMURA", "HELEN", "207R00000X", "internal medicine", "158203746"),
    ("OR", "ALVAREZ", "DANIEL", "207X00000X", "orthopaedic surgery", "119384027"),
]
PROV = {k: {"npi": npi(b), "last": l, "first": f, "taxonomy": t, "specialty": s}
        for k, l, f, t, s, b in PROVIDERS}

# code, payer id (2010BB), name, SBR09, timely-filing days, appeal days, address
PAYERS = [
    ("MCR", "MCRB1", "MEDICARE PART B", "MB", 365, 120, ("PO BOX 1000", "NASHVILLE", "TN", "37202")),
    ("BCBS", "BCBST1", "BLUECROSS DEMO PLAN", "BL", 180, 180, ("PO BOX 2000", "CHATTANOOGA", "TN", "37402")),
    ("COM", "ACME01", "ACME HEALTH PLAN", "CI", 90, 60, ("PO BOX 3000", "MEMPHIS", "TN", "38101")),
]
PAYER_EXT = {p[0]: p[1] for p in PAYERS}

# Fee schedule: code -> (the practice's charge, Medicare allowed ('' when Medicare does not pay it),
# what the clinician documents). Commercial contracts are a percentage of the Medicare amount
# (the preventive codes Medicare does not cover have their own amounts). The words are the
# clinician's, not code descriptors.
FEES = {
    "99202": ("130.00", "74.50", "office visit, new patient, straightforward medical decision making"),
    "99203": ("190.00", "113.10", "office visit, new patient, low medical decision making"),
    "99204": ("280.00", "168.30", "office visit, new patient, moderate medical decision making"),
    "99205": ("370.00", "222.10", "office visit, new patient, high medical decision making"),
    "99211": ("50.00", "23.80", "nurse visit, established patient"),
    "99212": ("100.00", "57.80", "office visit, established patient, straightforward medical decision making"),
    "99213": ("150.00", "92.50", "office visit, established patient, low medical decision making"),
    "99214": ("220.00", "130.70", "office visit, established patient, moderate medical decision making"),
    "99215": ("300.00", "183.60", "office visit, established patient, high medical decision making"),
    "99385": ("210.00", "", "annual preventive exam, new patient, age 18 to 39"),
    "99386": ("240.00", "", "annual preventive exam, new patient, age 40 to 64"),
    "99393": ("160.00", "", "annual well-child exam, established patient, age 5 to 11"),
    "99394": ("175.00", "", "annual well-child exam, established patient, age 12 to 17"),
    "99395": ("185.00", "", "annual preventive exam, established patient, age 18 to 39"),
    "99396": ("200.00", "", "annual preventive exam, established patient, age 40 to 64"),
    "G0438": ("260.00", "172.50", "annual wellness visit, first"),
    "G0439": ("180.00", "117.30", "annual wellness visit, subsequent"),
    "36415": ("15.00", "3.00", "venipuncture for blood draw"),
    "81002": ("15.00", "3.50", "urine dipstick, in office"),
    "85025": ("30.00", "7.80", "complete blood count with differential"),
    "80053": ("45.00", "10.60", "comprehensive metabolic panel"),
    "80061": ("50.00", "13.40", "lipid panel"),
    "83036": ("40.00", "9.70", "hemoglobin A1c"),
    "84443": ("55.00", "16.80", "thyroid stimulating hormone"),
    "87880": ("40.00", "16.50", "rapid strep test"),
    "93000": ("60.00", "17.00", "12-lead electrocardiogram with interpretation and report"),
    "96372": ("40.00", "14.50", "intramuscular injection of medication"),
    "J1885": ("10.00", "0.30", "ketorolac 15 mg"),
    "J0696": ("20.00", "0.80", "ceftriaxone 250 mg"),
    "J3420": ("15.00", "0.50", "vitamin B12 1000 mcg"),
    "J1030": ("20.00", "4.00", "methylprednisolone acetate 40 mg"),
    "J3301": ("8.00", "1.50", "triamcinolone acetonide 10 mg"),
    "J7325": ("22.00", "11.70", "hylan G-F 20, 1 mg"),
    "20610": ("175.00", "64.40", "aspiration or injection of a major joint or bursa"),
    "20550": ("140.00", "48.10", "injection of a tendon sheath"),
    "20526": ("150.00", "76.20", "injection of the carpal tunnel"),
    "11102": ("210.00", "103.90", "tangential biopsy of a skin lesion"),
    "17110": ("220.00", "118.00", "destruction of benign lesions (warts), up to 14"),
    "17000": ("150.00", "67.80", "destruction of a premalignant lesion, first"),
    "17003": ("20.00", "3.50", "destruction of a premalignant lesion, each additional"),
    "73030": ("95.00", "32.40", "shoulder x-ray, 2 views"),
    "73502": ("110.00", "45.60", "hip x-ray, 2 to 3 views"),
    "73562": ("110.00", "38.80", "knee x-ray, 3 views"),
    "73610": ("100.00", "35.10", "ankle x-ray, 3 views"),
}
CONTRACT_PCT = {"BCBS": 110, "COM": 125}
PREVENTIVE_ALLOWED = {"99385": ("140.00", "155.00"), "99386": ("160.00", "175.00"),
                      "99393": ("110.00", "120.00"), "99394": ("118.00", "128.00"),
                      "99395": ("125.00", "138.00"), "99396": ("135.00", "150.00")}
# Planted underpayment: BCBS allows 73562 below its contract (the poster's underpayment queue).
UNDERPAID = {("BCBS", "73562"): "40.00"}


def contract_cents(payer, code):
    """The contracted allowed amount in cents, or None when the payer does not cover the code."""
    mcr = FEES[code][1]
    if code in PREVENTIVE_ALLOWED:
        if payer == "MCR":
            return None
        return cents(PREVENTIVE_ALLOWED[code][0 if payer == "BCBS" else 1])
    if code in ("G0438", "G0439") and payer != "MCR":
        return None
    if payer == "MCR":
        return cents(mcr)
    return (cents(mcr) * CONTRACT_PCT[payer] + 50) // 100


# ---------------------------------------------------------------- people

FIRST_F = ["MARY", "PATRICIA", "LINDA", "BARBARA", "ELIZABETH", "JENNIFER", "MARIA", "SUSAN", "MARGARET",
           "DOROTHY", "LISA", "NANCY", "KAREN", "BETTY", "HELEN", "SANDRA", "DONNA", "CAROL", "RUTH",
           "SHARON", "MICHELLE", "LAURA", "SARAH", "KIMBERLY", "DEBORAH", "JESSICA", "SHIRLEY", "CYNTHIA",
           "ANGELA", "MELISSA", "BRENDA", "AMY", "ANNA", "REBECCA", "VIRGINIA", "KATHLEEN", "PAMELA",
           "MARTHA", "DEBRA", "AMANDA", "STEPHANIE", "CAROLYN", "CHRISTINE", "MARIE", "JANET", "CATHERINE",
           "FRANCES", "ANN", "JOYCE", "DIANE", "EMMA", "OLIVIA", "AVA", "SOPHIA", "ISABELLA", "MIA", "CHLOE",
           "GRACE", "LILY", "ZOE", "NORA", "HAZEL", "ELLIE", "AUDREY", "CLAIRE"]
FIRST_M = ["JAMES", "JOHN", "ROBERT", "MICHAEL", "WILLIAM", "DAVID", "RICHARD", "CHARLES", "JOSEPH",
           "THOMAS", "CHRISTOPHER", "DANIEL", "PAUL", "MARK", "DONALD", "GEORGE", "KENNETH", "STEVEN",
           "EDWARD", "BRIAN", "RONALD", "ANTHONY", "KEVIN", "JASON", "MATTHEW", "GARY", "TIMOTHY", "JOSE",
           "LARRY", "JEFFREY", "FRANK", "SCOTT", "ERIC", "STEPHEN", "ANDREW", "RAYMOND", "GREGORY", "JOSHUA",
           "JERRY", "DENNIS", "WALTER", "PATRICK", "PETER", "HAROLD", "DOUGLAS", "HENRY", "CARL", "ARTHUR",
           "RYAN", "ROGER", "LIAM", "NOAH", "ETHAN", "MASON", "LUCAS", "OWEN", "CALEB", "WYATT", "LEVI",
           "ISAAC", "HUDSON", "EZRA", "MILES", "JONAH", "SILAS"]
LAST = ["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "GARCIA", "MILLER", "DAVIS", "RODRIGUEZ",
        "MARTINEZ", "HERNANDEZ", "LOPEZ", "GONZALEZ", "WILSON", "ANDERSON", "THOMAS", "TAYLOR", "MOORE",
        "JACKSON", "MARTIN", "LEE", "PEREZ", "THOMPSON", "WHITE", "HARRIS", "SANCHEZ", "CLARK", "RAMIREZ",
        "LEWIS", "ROBINSON", "WALKER", "YOUNG", "ALLEN", "KING", "WRIGHT", "SCOTT", "TORRES", "NGUYEN",
        "HILL", "FLORES", "GREEN", "ADAMS", "NELSON", "BAKER", "HALL", "RIVERA", "CAMPBELL", "MITCHELL",
        "CARTER", "ROBERTS", "GOMEZ", "PHILLIPS", "EVANS", "TURNER", "DIAZ", "PARKER", "CRUZ", "EDWARDS",
        "COLLINS", "REYES", "STEWART", "MORRIS", "MORALES", "MURPHY", "COOK", "ROGERS", "GUTIERREZ",
        "ORTIZ", "MORGAN", "COOPER", "PETERSON", "BAILEY", "REED", "KELLY", "HOWARD", "RAMOS", "KIM", "COX",
        "WARD", "RICHARDSON", "WATSON", "BROOKS", "CHAVEZ", "WOOD", "JAMES", "BENNETT", "GRAY", "MENDOZA",
        "RUIZ", "HUGHES", "PRICE", "ALVARADO", "CASTILLO", "SANDERS", "PATEL", "MYERS", "LONG", "ROSS",
        "FOSTER", "JIMENEZ", "HARTMAN", "WHITFIELD", "OKAFOR", "LINDQVIST", "PETROV", "OYELARAN", "DUBOIS"]
STREETS = ["OAK LANE", "MAPLE AVENUE", "CEDAR STREET", "ELM DRIVE", "HICKORY HOLLOW", "RIVER BEND ROAD",
           "MAGNOLIA COURT", "WALNUT STREET", "DOGWOOD TRAIL", "CHURCH STREET", "MILL CREEK ROAD",
           "HARDING PIKE", "BELLE MEADE BOULEVARD", "GRANNY WHITE PIKE", "FRANKLIN ROAD", "HILLSBORO ROAD",
           "CONCORD ROAD", "OLD HICKORY BOULEVARD", "LEBANON PIKE", "MURFREESBORO ROAD"]
CITIES = [("NASHVILLE", "37203"), ("NASHVILLE", "37205"), ("NASHVILLE", "37209"), ("NASHVILLE", "37211"),
          ("NASHVILLE", "37215"), ("FRANKLIN", "37064"), ("BRENTWOOD", "37027"), ("MURFREESBORO", "37130"),
          ("HENDERSONVILLE", "37075"), ("SMYRNA", "37167"), ("GALLATIN", "37066"), ("MOUNT JULIET", "37122")]
MBI_ALPHA = "ACDEFGHJKMNPQRTUVWXY"      # letters an MBI may use (no S L O I B Z)


class Person:
    pass


class Gen:
    def __init__(self, icd, hcpcs, pfs):
        self.rng = random.Random(SEED)
        self.icd, self.hcpcs, self.pfs = icd, hcpcs, pfs
        self.patients = []
        self.panels = {k: [] for k in PROV}
        self.member_ids = set()
        self.names = set()

    # ---- people and coverage

    def dob(self, age):
        """A date of birth giving exactly age on 2022-06-01."""
        y, m, d = 2022 - age, self.rng.randint(1, 12), self.rng.randint(1, 28)
        if (m, d) > (6, 1):
            y -= 1
        return "%04d-%02d-%02d" % (y, m, d)

    def name(self, sex, last=None):
        while True:
            first = self.rng.choice(FIRST_F if sex == "F" else FIRST_M)
            ln = last or self.rng.choice(LAST)
            if (ln, first) not in self.names:
                self.names.add((ln, first))
                return ln, first

    def address(self):
        city, zipc = self.rng.choice(CITIES)
        return {"line1": "%d %s" % (self.rng.randint(10, 4999), self.rng.choice(STREETS)), "line2": "",
                "city": city, "state": "TN", "zip": zipc}

    def member_id(self, payer):
        while True:
            if payer == "MCR":
                r, a = self.rng, MBI_ALPHA
                alnum = a + "0123456789"
                mid = (str(r.randint(1, 9)) + r.choice(a) + r.choice(alnum) + str(r.randint(0, 9)) + r.choice(a)
                       + r.choice(alnum) + str(r.randint(0, 9)) + r.choice(a) + r.choice(a)
                       + "%02d" % r.randint(0, 99))
            elif payer == "BCBS":
                mid = "XDM%09d" % self.rng.randint(0, 999999999)
            else:
                mid = "W%09d" % self.rng.randint(0, 999999999)
            if mid not in self.member_ids:
                self.member_ids.add(mid)
                return mid

    def new_patient(self, kind):
        """kind: senior (Medicare), adult, child."""
        r = self.rng
        p = Person()
        p.sex = r.choice("FM")
        if kind == "senior":
            p.age = r.choice([66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 84, 86, 88, 91])
        elif kind == "adult":
            p.age = r.randint(19, 63)
        else:
            p.age = r.randint(5, 17)
        p.last, p.first = self.name(p.sex)
        p.dob = self.dob(p.age)
        p.address = self.address()
        p.phone = "615555%04d" % r.randint(200, 9999)
        p.mrn = "MRN%05d" % (len(self.patients) + 1)
        p.new_to_practice = r.random() < 0.30
        p.seen = {}                     # provider key -> dates seen
        p.covs = []
        if kind == "senior":
            y = int(p.dob[:4]) + 65
            frm = "%04d-%s-01" % (max(y, 2012), p.dob[5:7])
            p.covs.append(self.coverage("P", "MCR", frm))
            if r.random() < 0.40:       # a Medicare supplement plan
                p.covs.append(self.coverage("S", "BCBS", "%d-01-01" % r.choice([2019, 2020, 2021, 2022]),
                                            group="MEDSUP1", group_name="MEDICARE SUPPLEMENT"))
        else:
            payer = "BCBS" if r.random() < 0.5 else "COM"
            grp = r.choice(["100450", "100871", "204410", "310022"]) if payer == "BCBS" else \
                r.choice(["G12001", "G12044", "G18230"])
            gname = {"100450": "MUSIC ROW INC", "100871": "CUMBERLAND SCHOOLS", "204410": "RIVERSIDE LOGISTICS",
                     "310022": "HARPETH BANK", "G12001": "VOLUNTEER MANUFACTURING",
                     "G12044": "MIDSTATE RETAIL", "G18230": "BELLEVUE DENTAL GROUP"}[grp]
            frm = "%d-%02d-01" % (r.choice([2018, 2019, 2020, 2021, 2022]), r.choice([1, 1, 1, 4, 7, 10]))
            if frm > "2022-05-01":
                frm = "2022-01-01"
            if kind == "child" or (kind == "adult" and r.random() < 0.25):
                # a dependent: the subscriber is a parent or the spouse
                rel = "19" if kind == "child" else "01"
                s = Person()
                s.sex = r.choice("FM") if rel == "19" else ("M" if p.sex == "F" else "F")
                s.last, s.first = self.name(s.sex, last=p.last)
                s.dob = self.dob(r.randint(max(p.age + 22, 28), max(p.age + 30, 50)) if rel == "19"
                                 else max(19, min(63, p.age + r.randint(-4, 4))))
                sub = {"last": s.last, "first": s.first, "dob": s.dob, "sex": s.sex, "address": p.address}
                p.covs.append(self.coverage("P", payer, frm, rel=rel, sub=sub, group=grp, group_name=gname))
            else:
                p.covs.append(self.coverage("P", payer, frm, group=grp, group_name=gname))
        p.payer = p.covs[0]["payer"]
        self.patients.append(p)
        return p

    def coverage(self, seq, payer, frm, rel="18", sub=None, group="", group_name=""):
        empty = {"last": "", "first": "", "dob": "", "sex": "",
                 "address": {"line1": "", "line2": "", "city": "", "state": "", "zip": ""}}
        return {"seq": seq, "payer": payer, "member_id": self.member_id(payer), "group": group,
                "group_name": group_name, "relation": rel, "from": frm, "to": "", "subscriber": sub or empty}

    # ---- the schedule

    def pick_patient(self, prov, day):
        """An established patient of the provider's panel not seen in the last week, or a new one."""
        r = self.rng
        panel = [p for p in self.panels[prov] if all(day - d >= 7 for d in p.seen.get(prov, []))]
        if panel and r.random() < (0.35 if prov == "OR" else 0.22):
            return r.choice(panel)
        if prov == "OR":
            kind = "senior" if r.random() < 0.45 else "adult"
        elif prov == "IM":
            kind = "senior" if r.random() < 0.60 else "adult"
        else:
            x = r.random()
            kind = "senior" if x < 0.38 else ("child" if x < 0.50 else "adult")
        p = self.new_patient(kind)
        if kind == "adult" and prov == "IM" and p.age < 40:
            p.age = 40 + p.age % 20
            p.dob = self.dob(p.age)
        self.panels[prov].append(p)
        return p


# ---------------------------------------------------------------- visit templates
#
# Each template returns (services words, diagnoses in order, lines, prior_auth, tags). Lines are
# [code, [mods], units, [pointers]]. Tags say which planted errors the encounter could carry.


def em_level(rng, new, weights):
    levels = [2, 3, 4, 5] if new else [1, 2, 3, 4, 5]
    w = weights[1:] if new else weights
    lvl = rng.choices(levels, weights=w)[0]
    return ("9920%d" if new else "9921%d") % lvl


EM_MIX = [3, 10, 45, 37, 5]         # 99211..99215 (new: 99202..99205 take the last four)


def visit_chronic(g, p, prov, new):
    r = g.rng
    dm = r.random() < 0.55
    dx = []
    if dm:
        dx.append(r.choice(["E119", "E119", "E1165", "E1122"]))
        if dx[0] == "E1122":
            dx.append("N1830")
    dx.append("I10")
    lipid = r.random() < 0.5
    if lipid:
        dx.append(r.choice(["E785", "E782"]))
    if dm and r.random() < 0.3:
        dx.append("Z794")
    em = em_level(r, new, [0, 8, 42, 44, 6])
    lines = [[em, [], 1, list(range(1, min(len(dx), 4) + 1))]]
    services = [FEES[em][2]]
    tags = {"chronic"}
    labs = []
    if dm:
        labs.append(("83036", [1]))
    if r.random() < 0.6:
        labs.append(("80053", [1 if not dm else 2]))
    if lipid and r.random() < 0.7:
        labs.append(("80061", [dx.index("E785" if "E785" in dx else "E782") + 1]))
        tags.add("lipid")
    if labs:
        lines.append(["36415", [], 1, [1]])
        services.append(FEES["36415"][2])
        for code, ptr in labs:
            lines.append([code, [], 1, ptr])
            services.append(FEES[code][2])
        tags.add("venipuncture")
    return services, dx, lines, "", tags


def visit_acute(g, p, prov, new):
    r = g.rng
    kind = r.choice(["uri", "uri", "strep", "sinus", "bronch", "uti", "back", "back", "headache",
                     "gerd", "anxiety", "rash"])
    if kind == "uti" and p.sex == "M":
        kind = "uri"
    em = em_level(r, new, [2, 14, 55, 27, 2])
    services = [FEES[em][2]]
    tags = set()
    if kind == "uri":
        dx = ["J069"]
        lines = [[em, [], 1, [1]]]
    elif kind == "strep":
        dx = ["J029"]
        lines = [[em, [], 1, [1]], ["87880", [], 1, [1]]]
        services.append(FEES["87880"][2])
    elif kind == "sinus":
        dx = [r.choice(["J0190", "J0100"])]
        lines = [[em, [], 1, [1]]]
    elif kind == "bronch":
        dx = ["J209"] + (["J45909"] if r.random() < 0.3 else [])
        lines = [[em, [], 1, list(range(1, len(dx) + 1))]]
        if len(dx) == 2:
            tags.add("ptr2")
    elif kind == "uti":
        dx = ["N390", "R300"] if r.random() < 0.6 else ["N390"]
        lines = [[em, [], 1, list(range(1, len(dx) + 1))], ["81002", [], 1, [len(dx)]]]
        services.append(FEES["81002"][2])
        if len(dx) == 2:
            tags.add("ptr2")
        if r.random() < 0.25:
            lines[0][1] = ["25"]
            lines += [["96372", [], 1, [1]], ["J0696", [], 1, [1]]]
            services += [FEES["96372"][2], FEES["J0696"][2]]
    elif kind == "back":
        dx = ["M5450"] + (["M5416"] if r.random() < 0.3 else [])
        lines = [[em, [], 1, list(range(1, len(dx) + 1))]]
        tags.add("backpain")
        if len(dx) == 2:
            tags.add("ptr2")
        if r.random() < 0.45:
            lines[0][1] = ["25"]
            lines += [["96372", [], 1, [1]], ["J1885", [], 2, [1]]]
            services += [FEES["96372"][2], "ketorolac 30 mg"]
    elif kind == "headache":
        dx = ["R519"]
        lines = [[em, [], 1, [1]]]
        tags.add("headache")
    elif kind == "gerd":
        dx = ["K219"] + (["E669"] if r.random() < 0.4 else [])
        lines = [[em, [], 1, list(range(1, len(dx) + 1))]]
    elif kind == "anxiety":
        dx = [r.choice(["F411", "F32A"])]
        lines = [[em, [], 1, [1]]]
    else:
        dx = [r.choice(["L309", "R21"])]
        lines = [[em, [], 1, [1]]]
    if p.age < 18 and kind in ("back", "headache", "gerd", "anxiety"):
        dx = ["J069"]
        lines = [[em, [], 1, [1]]]
        services = [FEES[em][2]]
        tags = set()
    return services, dx, lines, "", tags


def visit_preventive(g, p, prov, new):
    r = g.rng
    if p.payer == "MCR" and p.covs[0]["seq"] == "P" and p.age >= 65:
        code = "G0438" if (new and p.new_to_practice) else "G0439"
        dx = ["Z0000"]
        lines = [[code, [], 1, [1]]]
        services = [FEES[code][2]]
        tags = {"awv"}
        if r.random() < 0.35:
            # a chronic problem addressed at the same visit: a separate E/M with 25
            dx.append(r.choice(["I10", "E119", "E785"]))
            em = r.choice(["99213", "99213", "99214"])
            lines.append([em, ["25"], 1, [2]])
            services.append(FEES[em][2] + " for a chronic problem, separate from the wellness visit")
        return services, dx, lines, "", tags
    if p.age < 18:
        code = "99393" if p.age < 12 else "99394"
        return [FEES[code][2]], ["Z00129"], [[code, [], 1, [1]]], "", {"wellchild"}
    code = ("99385" if p.age < 40 else "99386") if new else ("99395" if p.age < 40 else "99396")
    dx = ["Z0000"]
    lines = [[code, [], 1, [1]]]
    services = [FEES[code][2]]
    tags = {"preventive"}
    if r.random() < 0.75:
        lines += [["36415", [], 1, [1]], ["80053", [], 1, [1]], ["85025", [], 1, [1]]]
        services += [FEES[c][2] for c in ("36415", "80053", "85025")]
        tags.add("venipuncture")
        if p.age >= 20 and r.random() < 0.5:
            dx.append("Z13220")
            lines.append(["80061", [], 1, [2]])
            services.append("lipid panel for screening")
            tags.add("screen_lipid")
    return services, dx, lines, "", tags


def visit_ecg(g, p, prov, new):
    r = g.rng
    dx = [r.choice(["R079", "R0789", "R002", "R002", "I4891", "I480", "R42", "R0602"])]
    if r.random() < 0.4:
        dx.append("I10")
    em = em_level(r, new, [0, 4, 38, 50, 8])
    lines = [[em, [], 1, list(range(1, len(dx) + 1))], ["93000", [], 1, [1]]]
    return [FEES[em][2], FEES["93000"][2]], dx, lines, "", {"ecg"}


def visit_thyroid(g, p, prov, new):
    r = g.rng
    dx = [r.choice(["E039", "E039", "R5383"])]
    em = em_level(r, new, [0, 10, 55, 33, 2])
    lines = [[em, [], 1, [1]], ["36415", [], 1, [1]], ["84443", [], 1, [1]]]
    services = [FEES[em][2], FEES["36415"][2], FEES["84443"][2]]
    if r.random() < 0.4:
        dx.append("D649")
        lines.append(["85025", [], 1, [2]])
        services.append(FEES["85025"][2])
    return services, dx, lines, "", {"venipuncture"}


def visit_skin(g, p, prov, new):
    r = g.rng
    kind = r.choice(["wart", "wart", "ak", "ak", "biopsy"])
    if kind == "wart":
        dx = [r.choice(["B078", "B070"])]
        lines = [["17110", [], 1, [1]]]
        services = ["destruction of warts"]
        tags = set()
    elif kind == "ak":
        n = r.randint(2, 6)
        dx = ["L570"]
        lines = [["17000", [], 1, [1]], ["17003", [], n - 1, [1]]]
        services = ["destruction of %d actinic keratoses" % n]
        tags = {"ak"}
    else:
        dx = ["D485"]
        lines = [["11102", [], 1, [1]]]
        services = ["tangential biopsy of a skin lesion of the back"]
        tags = set()
    if r.random() < 0.3:
        extra = r.choice(["I10", "K219", "F411"])
        dx.append(extra)
        em = r.choice(["99212", "99213"])
        lines.insert(0, [em, ["25"], 1, [2]])
        services.insert(0, FEES[em][2] + " for a separate problem")
    return services, dx, lines, "", tags


def visit_nurse_b12(g, p, prov, new):
    dx = [g.rng.choice(["D510", "E538"])]
    return ([FEES["96372"][2], FEES["J3420"][2], "nurse visit for the injection only"], dx,
            [["96372", [], 1, [1]], ["J3420", [], 1, [1]]], "", {"nurse_b12"})


def knee(g, p):
    side = g.rng.choice(["RT", "LT"])
    return side, {"RT": ["M1711", "M25561"], "LT": ["M1712", "M25562"]}[side]


def visit_ortho_new(g, p, prov, new):
    r = g.rng
    kind = r.choice(["knee", "knee", "shoulder", "hip", "ankle", "hand"])
    em = em_level(r, True, [0, 10, 45, 40, 5]) if new else em_level(r, False, [0, 8, 50, 38, 4])
    if kind == "knee":
        side, codes = knee(g, p)
        dx = [codes[0]]
        lines = [[em, [], 1, [1]], ["73562", [side], 1, [1]]]
        services = [FEES[em][2], "knee x-ray, 3 views, " + ("right" if side == "RT" else "left")]
        tags = {"knee_xray"}
        if r.random() < 0.45:
            lines[0][1] = ["25"]
            lines += [["20610", [side], 1, [1]], ["J3301", [], 4, [1]]]
            services += ["injection of the %s knee" % ("right" if side == "RT" else "left"),
                         "triamcinolone 40 mg"]
            tags.add("em_inj")
    elif kind == "shoulder":
        dx = [r.choice(["M7541", "M25511", "M75101", "M19011"])]
        lines = [[em, [], 1, [1]], ["73030", ["RT"], 1, [1]]]
        services = [FEES[em][2], "shoulder x-ray, 2 views, right"]
        tags = set()
    elif kind == "hip":
        dx = [r.choice(["M1611", "M25551", "M7061"])]
        lines = [[em, [], 1, [1]], ["73502", ["RT"], 1, [1]]]
        services = [FEES[em][2], "hip x-ray, right"]
        tags = set()
    elif kind == "ankle":
        dx = [r.choice(["S93401A", "M25571"])]
        lines = [[em, [], 1, [1]], ["73610", ["RT"], 1, [1]]]
        services = [FEES[em][2], "ankle x-ray, 3 views, right"]
        tags = set()
    else:
        dx = [r.choice(["G5601", "M65331", "M7711"])]
        lines = [[em, [], 1, [1]]]
        services = [FEES[em][2]]
        tags = set()
    return services, dx, lines, "", tags


def visit_ortho_injection(g, p, prov, new):
    r = g.rng
    kind = r.choice(["knee", "knee", "knee", "shoulder", "bursa", "trigger", "carpal", "hyal", "hyal"])
    tags = set()
    pa = ""
    if kind == "knee":
        side, codes = knee(g, p)
        dx = [codes[0]]
        drug = r.choice([("J3301", 4, "triamcinolone 40 mg"), ("J1030", 1, "methylprednisolone 40 mg")])
        lines = [["20610", [side], 1, [1]], [drug[0], [], drug[1], [1]]]
        services = ["injection of the %s knee" % ("right" if side == "RT" else "left"), drug[2]]
        if r.random() < 0.4:
            # a second problem evaluated the same day: a separate E/M with 25
            dx.append(r.choice(["M25511", "M7541", "M7061"]))
            em = r.choice(["99213", "99213", "99214"])
            lines.insert(0, [em, ["25"], 1, [2]])
            services.insert(0, FEES[em][2] + " for a separate problem")
            tags.add("em_inj")
    elif kind == "shoulder":
        dx = [r.choice(["M7541", "M19011"])]
        lines = [["20610", ["RT"], 1, [1]], ["J3301", [], 4, [1]]]
        services = ["injection of the right shoulder", "triamcinolone 40 mg"]
    elif kind == "bursa":
        dx = [r.choice(["M7061", "M7062"])]
        side = "RT" if dx[0] == "M7061" else "LT"
        lines = [["20610", [side], 1, [1]], ["J1030", [], 1, [1]]]
        services = ["injection of the trochanteric bursa", "methylprednisolone 40 mg"]
    elif kind == "trigger":
        dx = ["M65331"]
        lines = [["20550", ["F7"], 1, [1]], ["J3301", [], 1, [1]]]
        services = ["injection of the tendon sheath, right middle finger", "triamcinolone 10 mg"]
    elif kind == "carpal":
        dx = ["G5601"]
        lines = [["20526", ["RT"], 1, [1]], ["J1030", [], 1, [1]]]
        services = ["injection of the right carpal tunnel", "methylprednisolone 40 mg"]
    else:
        side, codes = knee(g, p)
        dx = [codes[0]]
        lines = [["20610", [side], 1, [1]], ["J7325", [], 48, [1]]]
        services = ["injection of the %s knee" % ("right" if side == "RT" else "left"),
                    "hylan G-F 20, 48 mg"]
        tags.add("hyal")
        pa = "PA%07d" % r.randint(0, 9999999)
    return services, dx, lines, pa, tags


def visit_child_sick(g, p, prov, new):
    r = g.rng
    kind = r.choice(["uri", "strep", "otitis"])
    em = em_level(r, new, [0, 25, 60, 15, 0])
    if kind == "strep":
        return ([FEES[em][2], FEES["87880"][2]], ["J029"], [[em, [], 1, [1]], ["87880", [], 1, [1]]], "",
                set())
    dx = ["J069"] if kind == "uri" else ["H6690"]
    return [FEES[em][2]], dx, [[em, [], 1, [1]]], "", set()


def choose_visit(g, p, prov, new):
    r = g.rng
    if prov == "OR":
        seen_before = bool(p.seen.get("OR"))
        return visit_ortho_injection(g, p, prov, new) if seen_before or r.random() < 0.35 else \
            visit_ortho_new(g, p, prov, new)
    if p.age < 18:
        return visit_preventive(g, p, prov, new) if r.random() < 0.35 else visit_child_sick(g, p, prov, new)
    table = [(visit_chronic, 30 if prov == "IM" else 22), (visit_acute, 14 if prov == "IM" else 30),
             (visit_preventive, 14), (visit_ecg, 14 if prov == "IM" else 4), (visit_thyroid, 7),
             (visit_skin, 2 if prov == "IM" else 10), (visit_nurse_b12, 7)]
    fn = r.choices([t[0] for t in table], weights=[t[1] for t in table])[0]
    return fn(g, p, prov, new)


# ---------------------------------------------------------------- encounters

def june_weekdays():
    # 2022-06-01 was a Wednesday
    days = []
    for d in range(1, 31):
        if (2 + d - 1) % 7 not in (5, 6):       # 0 = Monday
            days.append(d)
    return days


class Enc:
    pass


def build(g):
    r = g.rng
    encs = []
    per_day = {"FM1": (4, 5), "FM2": (3, 5), "IM": (3, 4), "OR": (3, 4)}
    for day in june_weekdays():
        for prov in ("FM1", "FM2", "IM", "OR"):
            lo, hi = per_day[prov]
            for _ in range(r.randint(lo, hi)):
                p = g.pick_patient(prov, day)
                new = not p.seen.get(prov) and (prov == "OR" or p.new_to_practice)
                if prov == "OR" and p.seen.get("OR"):
                    new = False
                if prov != "OR" and any(p.seen.values()) and not p.seen.get(prov):
                    new = False         # seen by a colleague of the same group: established
                services, dx, lines, pa, tags = choose_visit(g, p, prov, new)
                if len(dx) == 2 and any(2 in ln[3] for ln in lines):
                    tags.add("ptr2")
                e = Enc()
                e.p, e.prov, e.day, e.new = p, prov, day, new
                e.services, e.dx, e.lines, e.pa, e.tags = services, dx, lines, pa, tags
                e.referring = None
                if prov == "OR":
                    ref = r.choice(["FM1", "FM2", "IM"])
                    e.referring = {"npi": PROV[ref]["npi"], "last": PROV[ref]["last"], "first": PROV[ref]["first"]}
                p.seen.setdefault(prov, []).append(day)
                encs.append(e)
    for i, e in enumerate(encs):
        e.id = "ENC-%06d" % (1001 + i)
        e.date = "2022-06-%02d" % e.day
        e.proposed_dx, e.proposed_lines = list(e.dx), [list(map(_copy, ln)) for ln in e.lines]
        e.has_proposed = True
        e.plant = None
    return encs


def _copy(x):
    return list(x) if isinstance(x, list) else x


# ---------------------------------------------------------------- planted errors

def plant(g, encs):
    """Plants the coding mistakes; returns the records for coder.json and the docs table."""
    r = g.rng
    used = set()
    planted = []            # (encounter, kind, what, what happens)
    coder_fix, overrides, denial_fix, biller = [], [], [], []

    def pick(pred, n, what):
        cands = [e for e in encs if e.id not in used and pred(e)]
        if len(cands) < n:
            sys.exit("gen-demo: only %d encounters can carry '%s' (%d wanted)" % (len(cands), what, n))
        chosen = sorted(r.sample(cands, n), key=lambda e: e.id)
        for e in chosen:
            used.add(e.id)
        return chosen

    def fix(e, why):
        coder_fix.append({"encounter": e.id, "why": why, "dx": [dotted(d) for d in e.dx],
                          "lines": [line_json(ln) for ln in e.lines]})

    # --- the coder overrides a finding judged wrong (coder.json "overrides") ---
    for e in [e for e in encs if "screen_lipid" in e.tags and e.p.payer != "MCR"]:
        if e.id in used:
            continue
        used.add(e.id)
        line = [ln[0] for ln in e.lines].index("80061") + 1
        overrides.append({"encounter": e.id, "rule": "MN-001", "line": line,
                          "reason": "screening lipid panel at a preventive visit of a commercial plan, "
                                    "covered as preventive care; NCD 190.23 is a Medicare policy"})
        planted.append((e, "override", "MN-001", "screening lipid panel (80061 for Z13.220) at a commercial "
                        "preventive visit: the bundled MN sample applies NCD 190.23 to every payer",
                        "coder overrides MN-001 with a reason; the plan pays it"))

    # --- caught by the scrubber while the coder works (coder.json "coding") ---
    for e in pick(lambda e: "backpain" in e.tags, 3, "M54.5"):
        e.proposed_dx = ["M545" if d == "M5450" else d for d in e.proposed_dx]
        e.plant = "DX-002"
        planted.append((e, "scrubber", "DX-002", "M54.5 (low back pain) proposed: a header code since FY2022 "
                        "(the EHR's problem list predates it)", "coder corrects it to M54.50"))
        fix(e, "DX-002: M54.5 is a category since 2021-10-01; the note documents low back pain, unspecified: M54.50")
    for e in pick(lambda e: "headache" in e.tags, 1, "R51"):
        e.proposed_dx = ["R51" if d == "R519" else d for d in e.proposed_dx]
        e.plant = "DX-002"
        planted.append((e, "scrubber", "DX-002", "R51 (headache) proposed: a header code since FY2022",
                        "coder corrects it to R51.9"))
        fix(e, "DX-002: R51 is a category since 2021-10-01; the note documents headache, unspecified: R51.9")
    for e in pick(lambda e: "E119" in e.dx and e.prov != "OR", 1, "E11"):
        e.proposed_dx = ["E11" if d == "E119" else d for d in e.proposed_dx]
        e.plant = "DX-002"
        planted.append((e, "scrubber", "DX-002", "E11 (type 2 diabetes) proposed without its fourth character",
                        "coder corrects it to E11.9"))
        fix(e, "DX-002: E11 is a category; the note documents type 2 diabetes without complications: E11.9")
    for e in pick(lambda e: "ptr2" in e.tags, 3, "pointer"):
        e.proposed_dx = e.proposed_dx[:1]
        e.plant = "SYN-017"
        planted.append((e, "coding", "pointer", "the EHR dropped the second diagnosis; a line still points at it "
                        "(on a claim, the scrubber's SYN-017)", "coding refuses the proposed codes; the coder adds "
                        "the documented diagnosis back"))
        fix(e, "pointer 2 has no diagnosis; the note documents %s: added as diagnosis 2"
            % dotted(e.dx[1]))
    for e in pick(lambda e: "nurse_b12" in e.tags, 3, "99211"):
        e.proposed_lines.insert(0, ["99211", [], 1, [1]])
        e.plant = "PTP-002"
        planted.append((e, "scrubber", "PTP-002", "99211 billed with the injection 96372 (a nurse visit for the "
                        "injection only), no modifier", "coder removes 99211 (no separately identifiable visit)"))
        fix(e, "PTP-002: 99211 bundles into 96372; the visit was for the injection only: 99211 removed")
    for e in pick(lambda e: "venipuncture" in e.tags and e.p.payer != "MCR", 2, "36415 x2"):
        for ln in e.proposed_lines:
            if ln[0] == "36415":
                ln[2] = 2
        e.plant = "MUE-002"
        planted.append((e, "scrubber", "MUE-002", "36415 billed with 2 units (one draw for all the tubes)",
                        "coder corrects the units to 1"))
        fix(e, "MUE-002: one venipuncture was documented: 36415 x 1")
    for e in pick(lambda e: "ak" in e.tags and e.lines[-1][2] >= 1 and len(e.lines) == 2, 2, "17003"):
        n = sum(ln[2] for ln in e.lines if ln[0] in ("17000", "17003"))
        e.proposed_lines = [["17003", [], n, [1]]]
        e.plant = "AOC-001"
        planted.append((e, "scrubber", "AOC-001", "17003 x %d billed without its primary 17000" % n,
                        "coder bills 17000 x 1 + 17003 x %d" % (n - 1)))
        fix(e, "AOC-001: %d lesions were destroyed: 17000 for the first, 17003 x %d for the others" % (n, n - 1))
    for e in pick(lambda e: "lipid" in e.tags and e.dx[0] != "I10" and e.p.payer != "MCR", 2, "80061 pointer"):
        for ln in e.proposed_lines:
            if ln[0] == "80061":
                ln[3] = [1]
        e.plant = "MN-002"
        planted.append((e, "scrubber", "MN-002", "80061 points at the diabetes diagnosis, not the hyperlipidemia "
                        "on the claim", "coder points it at the hyperlipidemia"))
        fix(e, "MN-002: the lipid panel was ordered for the documented hyperlipidemia: pointer corrected")

    # --- no codes from the EHR: the office lead codes from the documentation ---
    for e in pick(lambda e: not e.tags & {"hyal", "em_inj"}, 10, "uncoded"):
        e.has_proposed = False
        planted.append((e, "uncoded", "-", "no codes proposed by the EHR",
                        "the office lead (coder and biller roles) codes from the documentation, and may not "
                        "submit the claim"))
        fix(e, "no codes from the EHR: coded from the documentation")

    # --- slip through to the payer (coder.json "denials" and "biller") ---
    for e in pick(lambda e: "em_inj" in e.tags and e.p.payer != "MCR", 3, "bundle"):
        for ln in e.proposed_lines:
            if ln[0].startswith("992"):
                ln[1] = []
        e.plant = "CO-97"
        em = [ln[0] for ln in e.lines if ln[0].startswith("992")][0]
        planted.append((e, "payer", "CO-97", "E/M %s with the joint injection 20610 the same day, without "
                        "modifier 25 (no NCCI sample row: the scrubber is silent)" % em,
                        "payer denies the E/M CO-97 M15; coder adds 25; corrected claim (freq 7) paid, "
                        "the original's payment reversed"))
        denial_fix.append({"encounter": e.id, "why": "CO-97: the E/M was for a separate problem, documented "
                           "apart from the injection: modifier 25 added",
                           "dx": [dotted(d) for d in e.dx], "lines": [line_json(ln) for ln in e.lines]})
    ecg_support = ("R00", "R07", "R06", "R42", "R55", "I48", "I10", "I25")
    awv = pick(lambda e: "awv" in e.tags and len(e.lines) == 1 and e.p.payer == "MCR", 3, "AWV ECG")
    for e in awv:
        sym = r.choice(["R002", "R0789"])
        e.dx = ["Z0000", sym]
        e.lines = [[e.lines[0][0], [], 1, [1]], ["93000", [], 1, [2]]]
        e.services = e.services + [FEES["93000"][2] + " for %s reported at the visit"
                                   % ("palpitations" if sym == "R002" else "chest pain")]
        e.proposed_dx = ["Z0000"]
        e.proposed_lines = [[e.lines[0][0], [], 1, [1]], ["93000", [], 1, [1]]]
        e.plant = "CO-50"
        planted.append((e, "payer", "CO-50", "ECG 93000 pointed at the wellness-visit diagnosis Z00.00; the "
                        "symptom that led to it is documented but not coded",
                        "payer denies 93000 CO-50 N115 (its ECG policy); coder adds %s and points 93000 at it; "
                        "corrected claim paid" % dotted(sym)))
        denial_fix.append({"encounter": e.id, "why": "CO-50: the ECG was done for the documented %s: "
                           "added as diagnosis 2, 93000 points at it"
                           % ("palpitations" if sym == "R002" else "chest pain"),
                           "dx": [dotted(d) for d in e.dx], "lines": [line_json(ln) for ln in e.lines]})
    ended = []
    for i, e in enumerate(pick(lambda e: e.p.payer in ("BCBS", "COM") and len(e.p.covs) == 1 and
                               sum(len(v) for v in e.p.seen.values()) == 1 and not e.tags & {"hyal", "em_inj"},
                               2, "ended")):
        e.plant = "CO-27"
        ended.append(e)
        if i == 0:
            # the patient changed jobs: the new employer's plan covers the visit; the biller learns it
            # from the patient, records the coverage and bills the new plan
            new = "COM" if e.p.payer == "BCBS" else "BCBS"
            e.p.new_cov = {"seq": "P", "payer": new, "member_id": new_member_id(g, new, e.p.mrn),
                           "group": "", "group_name": "", "relation": "18", "from": "2022-06-01", "to": ""}
            planted.append((e, "payer", "CO-27", "the patient's %s coverage ended 2022-05-31 (a new job: %s "
                            "covers the patient since 2022-06-01); the EHR still shows the old plan"
                            % (e.p.payer, new), "payer denies every line CO-27; biller records the %s coverage "
                            "and rebills: a new claim to %s with the corrected claims, paid" % (new, new)))
            biller.append({"encounter": e.id, "action": "rebill",
                           "reason": "coverage ended 2022-05-31; the patient's new plan covers the visit",
                           "coverage": e.p.new_cov})
            continue
        planted.append((e, "payer", "CO-27", "the patient's %s coverage ended 2022-05-31; the EHR still shows it "
                        "active" % e.p.payer, "payer denies every line CO-27; biller writes the claim off "
                        "(eligibility was not verified at check-in)"))
        biller.append({"encounter": e.id, "action": "writeoff",
                       "reason": "coverage ended 2022-05-31 and eligibility was not checked at the visit"})
    hyal = pick(lambda e: "hyal" in e.tags and e.p.payer != "MCR", 2, "auth")
    for i, e in enumerate(hyal):
        e.pa = ""
        e.plant = "CO-197"
        act = "appeal" if i == 0 else "writeoff"
        planted.append((e, "payer", "CO-197", "hylan G-F 20 (J7325) given without the plan's prior "
                        "authorization", "payer denies J7325 CO-197 M62 (20610 is paid); biller "
                        + ("appeals with the retro-authorization request" if act == "appeal"
                           else "writes the drug off (the contract bars billing the patient)")))
        biller.append({"encounter": e.id, "action": act,
                       "reason": "retro-authorization requested from the plan" if act == "appeal"
                       else "no authorization was obtained before the service: contractual write-off"})
    typo = pick(lambda e: e.p.payer == "MCR" and len(e.p.covs) == 1 and
                sum(len(v) for v in e.p.seen.values()) == 1 and e.prov != "OR", 1, "MBI typo")[0]
    good = typo.p.covs[0]["member_id"]
    typo.p.covs[0]["member_id"] = good[:10]
    typo.plant = "277CA"
    planted.append((typo, "payer", "277CA A7:164", "the Medicare beneficiary identifier was entered with a "
                    "character missing", "the 277CA rejects the claim; it goes to the biller's queue and "
                    "stays there (the correct identifier must come from the patient)"))
    return planted, coder_fix, overrides, denial_fix, biller, ended


def line_json(ln):
    return {"code": ln[0], "mods": list(ln[1]), "units": str(ln[2]), "ptrs": list(ln[3])}


# ---------------------------------------------------------------- checks

def check_codes(g, encs):
    for e in encs:
        for d in e.dx:
            billable, _ = g.icd.get(d, (False, ""))
            if not billable:
                sys.exit("gen-demo: %s: diagnosis %s is not billable in ICD-10-CM FY2022" % (e.id, d))
        for d in e.proposed_dx:
            if d not in g.icd:
                sys.exit("gen-demo: %s: proposed diagnosis %s is not in ICD-10-CM FY2022" % (e.id, d))
        for ln in e.lines + e.proposed_lines:
            code = ln[0]
            if code not in FEES:
                sys.exit("gen-demo: %s: %s has no fee" % (e.id, code))
            if code[0].isalpha():
                if code not in g.hcpcs:
                    sys.exit("gen-demo: %s: %s is not in HCPCS 2022" % (e.id, code))
            elif code not in g.pfs:
                sys.exit("gen-demo: %s: %s is not in the fee schedule file" % (e.id, code))
            for m in ln[1]:
                if m.isalpha() or m[0].isalpha():
                    if m not in g.hcpcs:
                        sys.exit("gen-demo: %s: modifier %s is not in HCPCS 2022" % (e.id, m))
            for ptr in ln[3]:
                if not 1 <= ptr <= len(e.dx):
                    sys.exit("gen-demo: %s: pointer %d beyond the diagnoses" % (e.id, ptr))
    for key, prov in PROV.items():
        assert npi(prov["npi"][:9]) == prov["npi"]


# ---------------------------------------------------------------- output

def practice_json():
    prov = [{"npi": PROV[k]["npi"], "last": PROV[k]["last"], "first": PROV[k]["first"], "middle": "",
             "taxonomy": PROV[k]["taxonomy"], "specialty": PROV[k]["specialty"]} for k, *_ in PROVIDERS]
    payers = [{"code": c, "name": n, "payer_id": pid, "filing": f, "timely_days": t, "appeal_days": a,
               "address": {"line1": ad[0], "city": ad[1], "state": ad[2], "zip": ad[3]}}
              for c, pid, n, f, t, a, ad in PAYERS]
    fees = [{"code": c, "modifier": "", "charge": FEES[c][0]} for c in sorted(FEES)]
    contracts = []
    for c, *_ in PAYERS:
        for code in sorted(FEES):
            amt = contract_cents(c, code)
            if amt is not None:
                contracts.append({"payer": c, "code": code, "modifier": "", "allowed": money(amt)})
    doc = {"practice": PRACTICE, "providers": prov, "payers": payers, "fees": fees, "contracts": contracts}
    return json.dumps(doc, indent=1) + "\n"


def encounter_json(e):
    p = e.p
    pat = {"mrn": p.mrn, "last": p.last, "first": p.first, "middle": "", "dob": p.dob, "sex": p.sex,
           "address": p.address, "phone": p.phone}
    problems = [g_icd_words(d) for d in e.dx]
    obj = {"id": e.id, "kind": "P", "date": e.date, "place": "11", "provider": PROV[e.prov]["npi"],
           "referring": e.referring or {"npi": "", "last": "", "first": ""}, "prior_auth": e.pa,
           "patient": pat, "coverages": p.covs,
           "documentation": {"services": e.services, "problems": problems, "note": ""}}
    if e.has_proposed:
        obj["proposed"] = {"dx": [dotted(d) for d in e.proposed_dx],
                           "lines": [line_json(ln) for ln in e.proposed_lines]}
    return json.dumps(obj) + "\n"


_ICD = {}


def new_member_id(g, payer, mrn):
    """A member id of PAYER's shape for a coverage the biller records later, derived from the MRN
    (the generator's random stream is not touched, so the rest of the data stays as it was)."""
    n = int("".join(ch for ch in mrn if ch.isdigit()) or "0")
    while True:
        mid = ("XDM%09d" if payer == "BCBS" else "W%09d") % ((n * 7919 + 40123) % 1000000000)
        if mid not in g.member_ids:
            g.member_ids.add(mid)
            return mid
        n += 1


def g_icd_words(d):
    return _ICD[d][1].lower()


def paysim_conf(g, encs, ended):
    """The simulator's configuration (docs/paysim.md) for the demo's three payers."""
    out = ["# The payer simulator's configuration for the demo (docs/paysim.md, docs/demo.md).",
           "# Written by scripts/gen-demo.py: edit the script, not this file.", ""]
    members = {}
    for p in g.patients:
        for c in p.covs:
            members.setdefault(c["payer"], []).append((p, c))
    # Medicare: most members met the Part B deductible (233.00 in 2022) before June
    ded = {"MCR": [], "BCBS": [], "COM": []}
    for payer in ("MCR", "BCBS", "COM"):
        for p, c in members.get(payer, []):
            if c["seq"] != "P":
                continue
            x = g.rng.random()
            if payer == "MCR" and x < 0.2:
                ded[payer].append((c["member_id"], "233.00" if x < 0.1 else "%d.00" % g.rng.randint(20, 180)))
            elif payer != "MCR" and x < 0.3:
                ded[payer].append((c["member_id"], "%d.00" % g.rng.choice([150, 250, 500, 750, 1000])))
    blocks = {
        "MCR": dict(icn="10", check="MCR", coins="20", copay=None,
                    fmt="NAXNAXNAANN", dxcover=("50", "N115")),
        "BCBS": dict(icn="20", check="BCB", coins="20", copay=None,
                     fmt="AAANNNNNNNNN", dxcover=("11", "-")),
        "COM": dict(icn="30", check="ACM", coins="0", copay="30.00",
                    fmt="ANNNNNNNNN", dxcover=("11", "-")),
    }
    taxid = {"MCR": "620000001", "BCBS": "620000002", "COM": "620000003"}
    for code, pid, name, filing, timely, appeal, addr in PAYERS:
        b = blocks[code]
        out += ["payer %s" % pid,
                "  name %s" % name,
                "  address %s | %s | %s | %s" % addr,
                "  tax-id %s" % taxid[code],
                "  icn-prefix %s" % b["icn"],
                "  check-prefix %s" % b["check"],
                "  timely-days %d" % timely,
                "  member-id-format %s" % b["fmt"],
                ""]
        out.append("  # allowed amounts: the contract (practice.json), except where noted")
        for c in sorted(FEES):
            amt = contract_cents(code, c)
            if amt is None:
                continue
            if (code, c) in UNDERPAID:
                out.append("  allowed %s %s    # planted underpayment: the contract says %s"
                           % (c, UNDERPAID[(code, c)], money(amt)))
            else:
                out.append("  allowed %s %s" % (c, money(amt)))
        if code == "MCR":
            out.append("  deny 99385 99386 99393 99394 99395 99396 carc=96 remark=N130   # preventive visits: "
                       "Medicare covers the wellness visits instead")
        out += ["", "  deductible 0", "  coinsurance %s" % b["coins"]]
        if b["copay"]:
            out.append("  copay %s %s" % (b["copay"], " ".join("99%d" % n for n in
                                                                (202, 203, 204, 205, 211, 212, 213, 214, 215))))
        for mid, amt in sorted(ded[code]):
            out.append("  member-deductible %s %s" % (mid, amt))
        for e in ended:
            c = e.p.covs[0]
            if c["payer"] == code:
                out.append("  member %s %s 2022-05-31   # coverage ended: the EHR does not know" %
                           (c["member_id"], c["from"]))
            c = getattr(e.p, "new_cov", None)
            if c and c["payer"] == code:
                out.append("  member %s %s   # the new coverage the biller records after the CO-27 denial" %
                           (c["member_id"], c["from"]))
        out += ["",
                "  # the payer's own edits",
                "  bundle-modifiers 25 59 XE XP XS XU"]
        for proc in ("20610", "20550", "20526", "96372", "17110", "17000", "11102"):
            for em in ("99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"):
                out.append("  bundle %s %s" % (proc, em))
        out.append("  dx-cover 93000 %s %s R00 R06 R07 R42 R55 I10 I25 I48" % b["dxcover"])
        if code != "MCR":
            out.append("  auth J7325")
        if code == "MCR":
            out.append("  plb WO 40.00 1021300000123   # recovery of a 2021 overpayment, outside the demo")
        out.append("")
    return "\n".join(out)


PLANT_BEGIN = "<!-- planted:begin -->"
PLANT_END = "<!-- planted:end -->"


def planted_table(planted, encs):
    counts = {}
    for _, where, rule, _, _ in planted:
        counts[(where, rule)] = counts.get((where, rule), 0) + 1
    lines = [PLANT_BEGIN,
             "Generated by `scripts/gen-demo.py` (seed %d): %d encounters of %d patients, %d with a planted "
             "error or decision." % (SEED, len(encs), len({e.p.mrn for e in encs}), len(planted)),
             "",
             "| encounter | payer | where it shows | rule or CARC | what is wrong | what happens |",
             "|---|---|---|---|---|---|"]
    order = {"coding": 0, "scrubber": 1, "override": 2, "uncoded": 3, "payer": 4}
    for e, where, rule, what, then in sorted(planted, key=lambda t: (order[t[1]], t[2], t[0].id)):
        lines.append("| %s | %s | %s | %s | %s | %s |" % (e.id, e.p.payer, where, rule, what, then))
    lines.append(PLANT_END)
    return "\n".join(lines) + "\n"


def read_text(path):
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file differs")
    args = ap.parse_args()
    icd = load_icd10()
    _ICD.update(icd)
    g = Gen(icd, load_hcpcs(), load_pfs_codes())
    encs = build(g)
    planted, coder_fix, overrides, denial_fix, biller, ended = plant(g, encs)
    check_codes(g, encs)
    files = {
        os.path.join(OUT, "practice.json"): practice_json(),
        os.path.join(OUT, "encounters.jsonl"): "".join(encounter_json(e) for e in encs),
        os.path.join(OUT, "coder.json"): json.dumps({
            "comment": "the demo coder's and biller's decisions (docs/demo.md); written by scripts/gen-demo.py",
            "coder": "coder.kim", "biller": "biller.ray", "poster": "poster.lee", "lead": "lead.sam",
            "auditor": "auditor.ana",
            "coding": coder_fix, "overrides": overrides, "denials": denial_fix, "biller_actions": biller},
            indent=1) + "\n",
        os.path.join(OUT, "paysim.conf"): paysim_conf(g, encs, ended),
    }
    doc = read_text(DOC) or ""
    if PLANT_BEGIN in doc and PLANT_END in doc:
        head, rest = doc.split(PLANT_BEGIN, 1)
        tail = rest.split(PLANT_END, 1)[1].lstrip("\n")
        files[DOC] = head + planted_table(planted, encs) + tail
    stale = []
    for path, text in files.items():
        if read_text(path) != text:
            stale.append(os.path.relpath(path, ROOT))
            if not args.check:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w", encoding="utf-8", newline="\n") as f:
                    f.write(text)
    lines = sum(len(e.lines) for e in encs)
    print("%d encounters (%d lines) of %d patients; %d planted errors or decisions; %s"
          % (len(encs), lines, len(g.patients), len(planted),
             ("differs: " if args.check else "written: ") + ", ".join(stale) if stale else "up to date"))
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
