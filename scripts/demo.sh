#!/bin/sh
# README command 1 (make demo): rcm's whole revenue cycle on the bundled demo data
# (docs/demo.md): a month of a small practice's encounters coded, scrubbed, submitted,
# adjudicated by the payer simulator, posted, worked, resubmitted; secondary claims,
# statements, aging, the ledger check and the metrics before and after.
# Then every X12 file the demo exchanged is checked with rcm x12 check (envelopes, the 5010
# implementation guides, balancing), and the practice acknowledges the payers' 835s with rcm x12 ack.
# Usage: scripts/demo.sh RCM_BINARY   (DEMO_DIR=dir: where the store and the files go, default demo-out)
set -eu
RCM=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
out=${DEMO_DIR:-demo-out}
# a build outside the source tree (BUILD=dir) finds the bundled data through these
RCM_REFDATA_DIR=${RCM_REFDATA_DIR:-$here/data/refdata}
RCM_DEMO_DATA=${RCM_DEMO_DATA:-$here/data/demo}
export RCM_REFDATA_DIR RCM_DEMO_DATA

# the outputs of the earlier demo (X12 samples and a scrub; its store was made by rcm init):
# rcm demo refuses a store it did not make, so they go first
if [ -f "$out/findings.jsonl" ] && [ ! -f "$out/paysim.state" ]; then
    rm -f "$out/claims.jsonl" "$out/claims2.jsonl" "$out/findings.jsonl" "$out/problems.txt" \
        "$out/summary.txt" "$out/rewritten.837" "$out/rcm.db" "$out/rcm.db-wal" "$out/rcm.db-shm" \
        "$out/rcm.db.refidx"
fi

"$RCM" demo --dir "$out"

printf '\n== rcm x12 check: every file exchanged\n'
n=0
for f in "$out"/*.837 "$out"/*.999 "$out"/*.277ca "$out"/*.835; do
    [ -f "$f" ] || continue
    "$RCM" x12 check --quiet "$f"
    n=$((n + 1))
done
echo "$n X12 files in $out/: no problems"

printf '\n== rcm x12 ack: the practice acknowledges each 835 it received (a 999 per file)\n'
mkdir -p "$out/acks"
for f in "$out"/*.835; do
    [ -f "$f" ] || continue
    a="$out/acks/$(basename "$f").999"
    # a fixed time: the same bytes on every run
    "$RCM" x12 ack "$f" --now 202207150900 --control 1 --out "$a"
    "$RCM" x12 check --quiet "$a"
done
echo "the 999s are in $out/acks/ and check clean"
