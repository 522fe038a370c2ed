#!/bin/sh
# tests/crash/run.sh BUILD: nothing lost, nothing doubled.
#
# Needs BUILD/rcm and BUILD/bench/cycle_post (which writes the store and the
# 835s: a few thousand submitted claims, an 835 paying them in ten sets, and
# two more 835s paying the odd and the even claims under other traces; and
# logs its poster, a biller, in: every rcm command here uses that session's
# token file).
#
# 1. Kill -9: several times, `rcm era post` of the large 835 is started and
#    killed after a random delay (0 to 1.2 times what a whole posting takes);
#    each time the store must hold all of the 835 or none of it (the entries,
#    remittances and sums of the ledger are those of before or those of a
#    whole posting) and `rcm ledger check` must pass. A store that got all
#    of it is started afresh. Then the 835 is posted whole, and once more:
#    nothing the second time.
# 2. Two processes post the two other 835s into one store at the same time:
#    both succeed (the second waits for the first's write lock), and the
#    ledger holds both and reconciles.
#
# Environment: RCM_CRASH_CLAIMS (default 5000), RCM_CRASH_KILLS (default 12).
# Exit status 0 when every check held; each failure is printed.
set -u

build=${1:?usage: tests/crash/run.sh BUILD}
rcm=$build/rcm
gen=$build/bench/cycle_post
claims=${RCM_CRASH_CLAIMS:-5000}
kills=${RCM_CRASH_KILLS:-12}
for b in "$rcm" "$gen"; do
    [ -x "$b" ] || { echo "crash: $b is not built" >&2; exit 1; }
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/rcm-crash.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
trap 'exit 1' HUP INT PIPE TERM
export RCM_TODAY=2022-07-20
fail=0

"$gen" -m -c "$claims" -d "$dir" >/dev/null || { echo "crash: cycle_post -m failed" >&2; exit 1; }
# the session is in the store, so every copy of it below holds it too
export RCM_TOKEN_FILE="$dir/token"
unset RCM_TOKEN

# fresh NAME: a copy of the generated store as $dir/NAME
fresh() {
    rm -f "$dir/$1" "$dir/$1-wal" "$dir/$1-shm"
    cp "$dir/store.db" "$dir/$1"
}

# state DB: the ledger's entries, remittances and sums, one line; the check's exit status
state() {
    "$rcm" ledger check --json --db "$1" >"$dir/check.json" 2>"$dir/check.err"
    rc=$?
    tr -d ' \n' <"$dir/check.json" |
        sed 's/.*"entries":\([0-9]*\),"claims":[0-9]*,"remits":\([0-9]*\),"charges_cents":\(-*[0-9]*\),"payments_cents":\(-*[0-9]*\),"adjustments_cents":\(-*[0-9]*\).*"payer_ar_cents":\(-*[0-9]*\),"patient_ar_cents":\(-*[0-9]*\).*/entries=\1 remits=\2 charges=\3 payments=\4 adjustments=\5 payer=\6 patient=\7/'
    return $rc
}

now_ms() {
    date +%s%3N
}

# what the store holds before and after one whole posting
fresh before.db
none=$(state "$dir/before.db") || { echo "crash: the generated store does not reconcile" >&2; exit 1; }
fresh whole.db
t0=$(now_ms)
"$rcm" era post --db "$dir/whole.db" "$dir/pay.835" >/dev/null || { echo "crash: posting failed" >&2; exit 1; }
t1=$(now_ms)
took=$((t1 - t0))
all=$(state "$dir/whole.db") || { echo "crash: the ledger does not reconcile after a whole posting" >&2; exit 1; }
echo "crash: $claims claims, a whole posting takes $took ms"
echo "  none: $none"
echo "  all:  $all"

# 1. kill -9 at random points
fresh run.db
# the delays: spread evenly over 0 .. 1.2 x the posting time, in a random order
awk -v s="$(($$ + t1 % 100000))" -v n="$kills" -v t="$took" 'BEGIN {
    srand(s)
    for (i = 0; i < n; i++) d[i] = (i + rand()) / n * t * 1.2 / 1000
    for (i = n - 1; i > 0; i--) { j = int(rand() * (i + 1)); x = d[i]; d[i] = d[j]; d[j] = x }
    for (i = 0; i < n; i++) printf "%.3f\n", d[i] }' >"$dir/delays"
got_none=0 got_all=0
i=1
while [ $i -le "$kills" ]; do
    delay=$(sed -n "${i}p" "$dir/delays")
    "$rcm" era post --db "$dir/run.db" "$dir/pay.835" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 $pid 2>/dev/null
    wait $pid 2>/dev/null
    now=$(state "$dir/run.db")
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL kill $i after ${delay}s: rcm ledger check exit $rc: $(cat "$dir/check.json" "$dir/check.err" | tr '\n' ' ')"
        fail=1
    fi
    if [ "$now" = "$none" ]; then
        verdict=none
        got_none=$((got_none + 1))
    elif [ "$now" = "$all" ]; then
        verdict=all
        got_all=$((got_all + 1))
        fresh run.db
    else
        verdict="PART: $now"
        fail=1
    fi
    echo "  kill $i after ${delay}s: $verdict"
    i=$((i + 1))
done
echo "crash: $kills kills, $got_none left nothing, $got_all left it all"

# then whole, and again
"$rcm" era post --db "$dir/run.db" "$dir/pay.835" >/dev/null || { echo "FAIL: posting after the kills"; fail=1; }
now=$(state "$dir/run.db") || { echo "FAIL: the ledger does not reconcile after the kills and a posting"; fail=1; }
[ "$now" = "$all" ] || { echo "FAIL: after the kills and a posting: $now"; fail=1; }
out=$("$rcm" era post --db "$dir/run.db" "$dir/pay.835")
case $out in
already*) ;;
*) echo "FAIL: the second posting: $out"; fail=1 ;;
esac
[ "$(state "$dir/run.db")" = "$all" ] || { echo "FAIL: the second posting changed the store"; fail=1; }

# 2. two processes, two 835s, one store
fresh two.db
"$rcm" era post --db "$dir/two.db" "$dir/pay-a.835" >"$dir/a.out" 2>&1 &
pa=$!
"$rcm" era post --db "$dir/two.db" "$dir/pay-b.835" >"$dir/b.out" 2>&1 &
pb=$!
wait $pa
ra=$?
wait $pb
rb=$?
if [ $ra -ne 0 ] || [ $rb -ne 0 ]; then
    echo "FAIL: concurrent postings exit $ra and $rb: $(cat "$dir/a.out" "$dir/b.out" | grep rcm: | tr '\n' ' ')"
    fail=1
fi
both=$(state "$dir/two.db") || { echo "FAIL: the ledger does not reconcile after concurrent postings"; fail=1; }
case $both in
*" remits=20 "*) ;;
*) echo "FAIL: concurrent postings left $both"; fail=1 ;;
esac
echo "crash: two concurrent postings: exit $ra and $rb; $both"
[ $fail = 0 ] && echo "crash: all checks held"
exit $fail
