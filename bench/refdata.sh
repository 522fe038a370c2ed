#!/bin/sh
# bench/refdata.sh BUILD: the reference-data benchmarks at national scale.
#
# Generates synthetic tables in the official layouts (2,000,000 PTP rows in
# 4 parts, 45,000 MUE rows, 100,000 ICD-10-CM codes; bench/refdata_synth.h),
# imports them into a new store through the import framework, builds the
# compiled edit index, then in new processes opens the index and measures
# PTP pair lookups on one core (RCM_BENCH_RUNS processes, medians reported),
# and compares the candidate lookup layouts in memory. Prints every raw
# report line, then a summary.
#
# Build the programs first:
#   make BUILD=build build/bench/refdata_synth build/bench/refdata_import \
#       build/bench/refdata_lookup build/bench/refdata_layout
#   bench/refdata.sh build
# Environment: RCM_BENCH_RUNS=3 (lookup processes), RCM_BENCH_DIR=DIR (generate
# into DIR and keep it; default: a temporary folder, deleted at the end).
# Needs about 600 MB of disk. Exit status 0 when every step ran.
set -u

build=${1:?usage: bench/refdata.sh BUILD}
bin=$build/bench
runs=${RCM_BENCH_RUNS:-3}
for p in refdata_synth refdata_import refdata_lookup refdata_layout; do
    [ -x "$bin/$p" ] || { echo "refdata.sh: $bin/$p is missing: build it first (see the header)" >&2; exit 2; }
done
if [ -n "${RCM_BENCH_DIR:-}" ]; then
    dir=$RCM_BENCH_DIR
    mkdir -p "$dir" || exit 1
    rm -f "$dir/rcm.db" "$dir/rcm.db-wal" "$dir/rcm.db-shm" "$dir/rcm.db.refidx"
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/rcm-refdata-bench.XXXXXX") || exit 1
    trap 'rm -rf "$dir"' EXIT
fi
raw=$dir/report.txt
: >"$raw"

echo "== generating synthetic tables in $dir"
"$bin/refdata_synth" "$dir" | tee -a "$raw" || exit 1
echo "== importing (one transaction per file) and building the index"
"$bin/refdata_import" "$dir/rcm.db" "$dir"/ccipra-v313r0-f1.txt "$dir"/ccipra-v313r0-f2.txt \
    "$dir"/ccipra-v313r0-f3.txt "$dir"/ccipra-v313r0-f4.txt "$dir/MUE_Practitioner_2025_Q4.csv" \
    "$dir/icd10cm_order_2026.txt" | tee -a "$raw" || exit 1
i=1
while [ "$i" -le "$runs" ]; do
    echo "== lookups, process $i of $runs"
    "$bin/refdata_lookup" "$dir/rcm.db" | sed "s/^/run=$i /" | tee -a "$raw" || exit 1
    i=$((i + 1))
done
echo "== layouts compared in memory"
"$bin/refdata_layout" | tee -a "$raw" || exit 1

echo
echo "== summary ($(date -u +%Y-%m-%d), $(nproc) CPUs; lookups on one core, medians of $runs processes)"
awk '
function val(k,   i, n, a) { n = split($0, a, " "); for (i = 1; i <= n; i++) if (index(a[i], k "=") == 1) return substr(a[i], length(k) + 2); return "" }
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
/stage=import / { imp[val("kind")] += val("seconds"); rows[val("kind")] += val("rows") }
/stage=index_build/ { build = val("seconds"); bytes = val("bytes"); brss = val("rss_mb") }
/stage=index_open / { open = open " " val("open_ms"); orss = orss " " val("rss_mb") }
/stage=index_open_via_store/ { vstore = vstore " " val("open_ms") }
/stage=ptp_lookup/ { k = val("set") " " val("api"); m[k] = m[k] " " val("median_mlps"); f[k] = f[k] " " val("first_pass_mlps") }
/stage=mue_lookup/ { mue = mue " " val("median_mlps") }
/stage=memory/ { rss = rss " " val("rss_mb"); rfile = rfile " " val("rss_file_mb"); qmb = val("queries_mb") }
/stage=layout/ { lay[val("layout") " " val("set")] = val("mlps") }
END {
    printf "import        PTP %d rows %.2f s (%.0f rows/s), MUE %d rows %.2f s, ICD-10-CM %d codes %.2f s\n", rows["ptp"], imp["ptp"], rows["ptp"] / imp["ptp"], rows["mue"], imp["mue"], rows["icd10cm"], imp["icd10cm"]
    printf "index build   %.2f s, %.1f MB file, peak RSS %.0f MiB\n", build, bytes / 1e6, brss
    printf "index open    %.3f ms in a new process (mmap + checks); %.2f ms through the store (open, fingerprint check)\n", median(open), median(vstore)
    for (k in m) printf "PTP lookups   %-28s %6.1f M/s warm, %6.1f M/s first pass\n", k, median(m[k]), median(f[k])
    printf "MUE lookups   %.1f M/s (code packing included)\n", median(mue)
    printf "memory        RSS %.1f MiB after the lookups, of which the mapped index %.1f MiB (queries %.1f MiB); %.1f MiB right after open\n", median(rss), median(rfile), qmb, median(orss)
    for (k in lay) printf "layout        %-24s %6.1f M/s\n", k, lay[k]
}' "$raw" | sort -s -k1,1
