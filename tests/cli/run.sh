#!/bin/sh
# End-to-end CLI tests. Each case is a folder tests/cli/NNNN-name/ holding:
#   cmd           a shell script, run with sh in a fresh temporary folder
#   expected.out  what it must print on stdout (optional: not compared when absent)
#   expected.err  what it must print on stderr (optional)
#   expected.rc   its exit status (optional: 0 when absent)
# The script sees RCM (the rcm binary), DATA (tests/data, absolute) and CASE
# (its own folder, absolute). Usage: RCM=path tests/cli/run.sh [CASE...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$here/../data" && pwd)
: "${RCM:?set RCM to the rcm binary}"
# rcm init finds the bundled data beside its binary; a build elsewhere (BUILD=dir) needs telling.
RCM_REFDATA_DIR=${RCM_REFDATA_DIR:-$(cd "$here/../../data/refdata" && pwd)}
export RCM DATA RCM_REFDATA_DIR
# no case may find a session, a store or a clock of the person running the suite
unset RCM_TOKEN RCM_TOKEN_FILE RCM_DB RCM_TODAY RCM_NOW RCM_LOGIN
pass=0 fail=0
cases=${*:-$(ls -d "$here"/[0-9]*/ | sort)}
for c in $cases; do
    c=$(cd "$c" && pwd)
    name=$(basename "$c")
    tmp=$(mktemp -d)
    (cd "$tmp" && CASE="$c" sh "$c/cmd" >"$tmp/.out" 2>"$tmp/.err"); rc=$?
    want_rc=0
    [ -f "$c/expected.rc" ] && want_rc=$(cat "$c/expected.rc")
    ok=1 why=""
    if [ "$rc" != "$want_rc" ]; then ok=0; why="exit $rc, expected $want_rc"; fi
    if [ -f "$c/expected.out" ] && ! diff -u "$c/expected.out" "$tmp/.out" >"$tmp/.diff" 2>&1; then
        ok=0; why="$why stdout differs"
    fi
    if [ -f "$c/expected.err" ] && ! diff -u "$c/expected.err" "$tmp/.err" >>"$tmp/.diff" 2>&1; then
        ok=0; why="$why stderr differs"
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL $name:$why"
        head -40 "$tmp/.diff" 2>/dev/null
        [ -s "$tmp/.err" ] && { echo "--- stderr:"; head -10 "$tmp/.err"; }
    fi
    rm -rf "$tmp"
done
echo "cli: $pass passed, $fail failed"
[ $fail = 0 ]
