#!/bin/sh
# bench/run.sh BUILD: the benchmark table ("make bench" runs it).
#
# Generates deterministic 835 and 837P files of 1, 10 and 100 MB (and a 1 GB
# 835 when RCM_BENCH_BIG=1) into a scratch folder, checks them with
# "rcm x12 check", runs every stage on each and prints one table: stage,
# file, size, MB/s by wall clock (median of RCM_BENCH_RUNS runs, and the
# best), MB/s by CPU time (median), peak RSS, the target and whether it was
# met. MB is 10^6 bytes, RSS is in MiB. docs/bench.md explains the stages.
#
# Environment:
#   RCM_BENCH_RUNS=5        runs per stage and file
#   RCM_BENCH_SIZES="1 10 100"  file sizes in MB
#   RCM_BENCH_BIG=1         also a 1 GB 835 (tokenize, walk, typed read, era summary)
#   RCM_BENCH_DIR=DIR       generate into DIR and keep the files (default: a
#                           temporary folder, deleted at the end)
#
# Needs only POSIX sh, awk, GNU date (+%N) and GNU time (/usr/bin/time);
# uses hyperfine to time whole processes when it is installed.
# Exit status: 0 when every stage ran on every file and every generated or
# written file checked clean, 1 otherwise (the table and notes say which).
set -u

build=${1:?usage: bench/run.sh BUILD}
bin=$build/bench
rcm=$build/rcm
runs=${RCM_BENCH_RUNS:-5}
sizes=${RCM_BENCH_SIZES:-1 10 100}
status=0

if [ -n "${RCM_BENCH_DIR:-}" ]; then
    dir=$RCM_BENCH_DIR
    mkdir -p "$dir" || exit 1
    scratch=$(mktemp -d "${TMPDIR:-/tmp}/rcm-bench.XXXXXX") || exit 1
    trap 'rm -rf "$scratch"' EXIT
else
    dir=$(mktemp -d "${TMPDIR:-/tmp}/rcm-bench.XXXXXX") || exit 1
    scratch=$dir
    trap 'rm -rf "$dir"' EXIT
fi
trap 'exit 1' HUP INT PIPE TERM  # the EXIT trap then removes the scratch folder

if [ ! -x /usr/bin/time ]; then
    echo "bench/run.sh: /usr/bin/time (GNU time) is needed for peak RSS" >&2
    exit 1
fi
hyperfine=$(command -v hyperfine 2>/dev/null || true)

notes=$scratch/notes
: >"$notes"

# value KEY LINE: the value of KEY=... in a report line
value() {
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

row() {
    printf '%-16s %-20s %7s %9s %9s %9s %8s %-12s %s\n' "$@"
}

# verdict STAGE MB/s RSS: the targets (one core): tokenize 1500 MB/s, the
# typed 835 read with balancing 500 MB/s, full implementation-guide validation
# 300 MB/s, 837P write 400 MB/s, RSS < 32 MiB
verdict() {
    case $1 in
        tokenize) want=1500 ;;
        read835 | "rcm era summary") want=500 ;;
        validate) want=300 ;;
        write837) want=400 ;;
        *) want=0 ;;
    esac
    awk -v w="$want" -v m="$2" -v r="$3" 'BEGIN {
        s = w > 0 ? (m + 0 >= w ? ">=" w " ok" : ">=" w " MISS") : "-"
        if (r + 0 >= 32) s = s " RSS!"
        print s }'
}

# pick "K1 K2..." LINE: those key=value pairs of a report line
pick() {
    for k in $1; do
        v=$(value "$k" "$2")
        [ -n "$v" ] && printf '%s=%s ' "$k" "$v"
    done
}

# note TEXT: a line for the notes after the table
note() {
    printf '%s\n' "$1" >>"$notes"
}

# size_mb FILE: its size in MB, "-" when it does not exist
size_mb() {
    if [ -f "$1" ]; then
        awk -v b="$(wc -c <"$1")" 'BEGIN { printf "%.1f", b / 1e6 }'
    else
        echo -
    fi
}

# inproc STAGE FILE "KEYS" PROGRAM ARGS...: a bench program that times
# itself; it gets "-n RUNS FILE" after ARGS (write837 writes FILE, the others
# read it); KEYS are the counts of its report shown in the table
inproc() {
    stage=$1 file=$2 keys=$3
    shift 3
    name=$(basename "$file")
    if [ ! -x "$1" ]; then
        row "$stage" "$name" "$(size_mb "$file")" - - - - - "not measured: $(basename "$1") is not built"
        status=1
        return
    fi
    if out=$("$@" -n "$runs" "$file" 2>"$scratch/err"); then
        med=$(value median_mbs "$out") rss=$(value rss_mb "$out")
        row "$stage" "$name" "$(size_mb "$file")" "$med" "$(value best_mbs "$out")" \
            "$(value cpu_mbs "$out")" "$rss" \
            "$(verdict "$stage" "$med" "$rss")" "$(pick "$keys" "$out")"
    else
        row "$stage" "$name" "$(size_mb "$file")" - - - - - "failed: $(tail -n 1 "$scratch/err")"
        status=1
    fi
    if [ -s "$scratch/err" ]; then
        sed "s|^|$stage $name: |" "$scratch/err" | head -n 3 >>"$notes"
    fi
}

# the median of a sorted column of numbers
# shellcheck disable=SC2016 # awk's $1, not the shell's
median_awk='{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'

# mbs BYTES SECONDS: MB/s
mbs() {
    awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "-" }'
}

# process STAGE FILE COMMAND...: a whole command, timed from outside
process() {
    stage=$1 file=$2
    shift 2
    name=$(basename "$file")
    bytes=$(wc -c <"$file")
    mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
    # one run under GNU time: exit status, output, peak RSS
    /usr/bin/time -f '%e %M' -o "$scratch/time" "$@" >"$scratch/out" 2>"$scratch/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        why=$(grep -v '^Command exited' "$scratch/err" | tail -n 1)
        row "$stage" "$name" "$mb" - - - - - "failed (exit $rc): $why"
        status=1
        return
    fi
    rss=$(tail -n 1 "$scratch/time" | awk '{ printf "%.1f", $2 / 1024 }')
    if [ -n "$hyperfine" ]; then
        # -N: no shell in between; one warm-up run; CSV: command,mean,stddev,median,user,system,min,max
        "$hyperfine" -N -w 1 -r "$runs" --export-csv "$scratch/h.csv" -- "$*" >/dev/null 2>&1
        secs=$(sed -n 2p "$scratch/h.csv" | awk -F, '{ print $4, $7, $5 + $6 }')
    else
        i=0
        : >"$scratch/ns"
        : >"$scratch/cpu"
        while [ $i -lt "$runs" ]; do
            t0=$(date +%s%N)
            /usr/bin/time -f '%U %S' -o "$scratch/time" "$@" >/dev/null 2>&1
            t1=$(date +%s%N)
            echo $((t1 - t0)) >>"$scratch/ns"
            tail -n 1 "$scratch/time" | awk '{ print $1 + $2 }' >>"$scratch/cpu"
            i=$((i + 1))
        done
        wall=$(sort -n "$scratch/ns" | awk "$median_awk")
        best=$(sort -n "$scratch/ns" | head -n 1)
        cpu=$(sort -n "$scratch/cpu" | awk "$median_awk")
        secs=$(awk -v w="$wall" -v b="$best" -v c="$cpu" 'BEGIN { print w / 1e9, b / 1e9, c }')
    fi
    # shellcheck disable=SC2086 # split on purpose: median, best, CPU seconds
    set -- $secs
    med=$(mbs "$bytes" "$1")
    row "$stage" "$name" "$mb" "$med" "$(mbs "$bytes" "$2")" "$(mbs "$bytes" "$3")" "$rss" \
        "$(verdict "$stage" "$med" "$rss")" \
        "whole process (start-up included)"
}

# generate KIND MB: FILE path on standard output
generate() {
    f=$dir/bench-$2MB.$1
    t0=$(date +%s%N)
    if ! "$bin/x12gen" "$1" "$2" "$f" 2>"$scratch/gen"; then
        echo "bench/run.sh: x12gen $1 $2 failed: $(cat "$scratch/gen")" >&2
        exit 1
    fi
    t1=$(date +%s%N)
    took=$(awk -v n=$((t1 - t0)) 'BEGIN { printf "%.2f", n / 1e9 }')
    echo "$(basename "$f"): $(sed 's/^x12gen: //' "$scratch/gen") (written in $took s)" >>"$scratch/generated"
    # the files must be valid for the figures to mean anything
    if [ -x "$rcm" ]; then
        "$rcm" x12 check --quiet "$f" >"$scratch/check" 2>&1
        rc=$?
        if [ $rc -ne 0 ]; then
            note "rcm x12 check $(basename "$f") (exit $rc):"
            head -n 5 "$scratch/check" | sed 's/^/    /' >>"$notes"
            : >"$scratch/check-failed"
        fi
    fi
    echo "$f"
}

# era_totals FILE: the totals rcm era summary printed (not its lists of
# claim ids), once, so a reader sees it did the work; x12gen's own totals
# for the same file are in the "Generated" list above
era_totals() {
    if "$rcm" era summary "$1" >"$scratch/era" 2>&1; then
        echo
        echo "rcm era summary $(basename "$1") (totals):"
        grep -v '^  ' "$scratch/era" | sed 's/^/    /'
    fi
}

: >"$scratch/generated"
files835="" files837=""
for s in $sizes; do
    files835="$files835 $(generate 835 "$s")" || exit 1
    files837="$files837 $(generate 837 "$s")" || exit 1
done
if [ "${RCM_BENCH_BIG:-}" = 1 ]; then
    big=$(generate 835 1000) || exit 1
    files835="$files835 $big"
fi

load=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
echo "rcm benchmarks: $(date -u +%Y-%m-%d), $(nproc 2>/dev/null || echo '?') CPU(s), load average ${load:-?}"
echo "MB/s = 10^6 bytes per second of wall time: median and best of $runs runs; MB/s cpu: per second of"
echo "CPU time (median), what the code does when it has the core; peak RSS in MiB"
echo
row stage file MB "MB/s med" "MB/s best" "MB/s cpu" "RSS MiB" target ""
row ----- ---- -- -------- --------- -------- ------- ------ ""
for f in $files835; do
    inproc tokenize "$f" "segments elements" "$bin/tokenize"
    inproc walk "$f" "sets problems" "$bin/tokenize" -w
    inproc validate "$f" "segments sets problems" "$bin/validate"
    inproc read835 "$f" "claims lines paid payments balanced problems" "$bin/read835"
    process "rcm era summary" "$f" "$rcm" era summary "$f"
done
for f in $files837; do
    inproc tokenize "$f" "segments elements" "$bin/tokenize"
    inproc walk "$f" "sets problems" "$bin/tokenize" -w
    inproc validate "$f" "segments sets problems" "$bin/validate"
    inproc read837 "$f" "claims lines charge problems" "$bin/read837"
done
for s in $sizes; do
    out=$dir/bench-write-${s}MB.837
    inproc write837 "$out" "claims sets pool_mb" "$bin/write837" -s "$s"
    # what the writer wrote must read back clean
    if [ -f "$out" ] && [ -x "$rcm" ] && ! "$rcm" x12 check --quiet "$out" >"$scratch/check" 2>&1; then
        note "rcm x12 check $(basename "$out") (written by write837):"
        head -n 5 "$scratch/check" | sed 's/^/    /' >>"$notes"
        status=1
    fi
done

echo
echo "Generated (x12gen, deterministic):"
sed 's/^/    /' "$scratch/generated"
for f in $files835; do
    era_totals "$f"
    break
done
[ -f "$scratch/check-failed" ] && status=1
if [ -s "$notes" ]; then
    echo
    echo "Notes:"
    sed 's/^/    /' "$notes"
fi
exit $status
