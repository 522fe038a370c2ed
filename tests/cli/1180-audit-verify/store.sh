# Sourced by the audit-trail cases (1180-1185): a store on 2022-07-01 where tester (every role
# and a separation-of-duties exception) imported 1044's practice and encounters, coded and
# signed off ENC-1 to ENC-3, built their claims and submitted the MCR batch; then audrey, an
# auditor and nothing else, is logged in (RCM_TOKEN) to read the trail.
. "$CASE/../session.sh"
export RCM_TODAY=2022-07-01
rcm_store
ex=$CASE/../1044-submit-batch
"$RCM" practice import "$ex/practice.json" >/dev/null || exit 1
"$RCM" encounter import "$ex/encounters.jsonl" >/dev/null || exit 1
for e in ENC-1 ENC-2 ENC-3; do
    "$RCM" coding assign "$e" --proposed >/dev/null && "$RCM" coding signoff "$e" >/dev/null || exit 1
done
"$RCM" claims build >/dev/null || exit 1
"$RCM" submit --payer MCR --out mcr.837 >/dev/null || exit 1
printf '%s\n' "$RCM_TEST_PASSWORD" | rcm_admin user add audrey --role auditor --password-stdin >/dev/null || exit 1
RCM_TOKEN=$(rcm_login_token audrey) || exit 1
export RCM_TOKEN
# hashes and origins differ from run to run (an origin names the process and session): hidden
hide() {
    sed -e 's/[0-9a-f]\{64\}/HASH/g' -e 's/"origin":"[^"]*"/"origin":"ORIGIN"/g'
}
# rcm ARGS..., its standard output with the hashes hidden, then "exit N"
rcm_hide() {
    "$RCM" "$@" >hide.tmp
    rc=$?
    hide <hide.tmp
    echo "exit $rc"
}
