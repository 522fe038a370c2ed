#!/bin/sh
# rcm's main job on the bundled demo data, end to end:
#   1. check every bundled X12 file (envelopes, syntax, 835 balancing, 837 claim totals);
#   2. summarize the bundled 835 remittances (payments, adjustments by group, denials, reversals);
#   3. read the bundled 837P claims into claims JSON, write them back as a new 837P
#      batch, and check the written batch;
#   4. create a store with the bundled reference data and look codes, NCCI edits and fees up;
#   5. scrub the bundled demo claims against that store (findings for the coder and the biller).
# Usage: scripts/demo.sh RCM_BINARY   (make demo runs it; DEMO_DIR=dir keeps the outputs there)
set -eu
RCM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
DATA="$here/tests/data/x12"
out=${DEMO_DIR:-demo-out}
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$DATA"

say() { printf '\n== %s\n' "$*"; }

say "1. rcm x12 check: every bundled 835, 837, 999 and 277CA sample"
files="linuxforhealth-x12/demo.835 linuxforhealth-x12/managed-care.835 badx12/X221-multiple-claims-single-check.edi
linuxforhealth-x12/demo.837 linuxforhealth-x12/demo.837i badx12/X222-commercial-health-insurance.edi
imsweb-x12-parser/x12_999_rejected.txt imsweb-x12-parser/x12_277CA_rejected.txt
imsweb-x12-parser/x12_valid.txt badx12/error_validation.edi"
for f in $files; do
    "$RCM" x12 check --summary "$f" >"$out/problems.txt" 2>"$out/summary.txt" || true
    cat "$out/summary.txt"
    head -3 "$out/problems.txt" | sed 's/^/    /'
    n=$(wc -l <"$out/problems.txt")
    [ "$n" -gt 3 ] && echo "    ... and $((n - 3)) more"
done

say "2. rcm era summary: a remittance with several claims on one check"
"$RCM" era summary badx12/X221-multiple-claims-single-check.edi

say "3. 837P -> claims JSON -> 837P"
"$RCM" x12 json linuxforhealth-x12/demo.837 >"$out/claims.jsonl"
echo "$(wc -l <"$out/claims.jsonl") claim(s) read from linuxforhealth-x12/demo.837 into $out/claims.jsonl"
"$RCM" x12 write 837p "$out/claims.jsonl" --out "$out/rewritten.837" --date 20260101 --time 1200
"$RCM" x12 check --summary "$out/rewritten.837"
"$RCM" x12 json "$out/rewritten.837" >"$out/claims2.jsonl"
# the claims must be the same; only where they sat in the file ("source") may differ
python3 - "$out/claims.jsonl" "$out/claims2.jsonl" <<'PY'
import json, sys
def claims(path):
    out = []
    for line in open(path):
        c = json.loads(line)
        c.pop("source", None)
        out.append(c)
    return out
a, b = claims(sys.argv[1]), claims(sys.argv[2])
if a != b:
    sys.exit("round trip: the claims differ (compare %s and %s)" % (sys.argv[1], sys.argv[2]))
print("round trip: the rewritten 837P reads back to the same %d claim(s)" % len(a))
PY

say "4. reference data: a store with the bundled sets, then lookups a coder and a biller make"
rm -f "$out/rcm.db" "$out/rcm.db-wal" "$out/rcm.db-shm" "$out/rcm.db.refidx"
"$RCM" init --db "$out/rcm.db" --quiet
"$RCM" code show E11.621 --dos 2022-03-01 --db "$out/rcm.db"
"$RCM" code search "type 2 diabetes with foot ulcer" --limit 3 --db "$out/rcm.db"
echo "(the bundled NCCI tables are illustrative samples in the CMS layout, not the official edits)"
"$RCM" ncci 45380 45378-59 --dos 2025-06-01 --db "$out/rcm.db"
"$RCM" fee 99213 --db "$out/rcm.db"

say "5. rcm scrub: three demo claims against the store (two of June 2022, when the bundled ICD-10-CM and HCPCS sets were in force, one of June 2020)"
# exit 1 means findings with error severity: the claims are held, which is what this step shows
rc=0
"$RCM" scrub --db "$out/rcm.db" --today 2022-07-01 ../claims/scrub-demo.jsonl || rc=$?
[ $rc -le 1 ] || exit $rc
[ $rc -eq 1 ] && echo "(rcm scrub exit 1: claims with errors are held until the coder or the biller fixes them)"
"$RCM" scrub --db "$out/rcm.db" --today 2022-07-01 --json ../claims/scrub-demo.jsonl >"$out/findings.jsonl" || [ $? -le 1 ]
echo "the same findings as JSON Lines: $out/findings.jsonl"
echo
echo "outputs are in $out"
