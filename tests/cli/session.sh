# Sourced by the cases that work on a store: . "$CASE/../session.sh"
#
#   rcm_store [USER]   makes ./rcm.db without reference data (an empty MANIFEST in ./none),
#                      with 'admin' as its first admin, multi-role on, write-offs up to
#                      100000.00 without approval, and USER (default tester) holding every
#                      role and a separation-of-duties exception: the case acts as one person
#                      doing every step, as USER, logged in through RCM_TOKEN.
#   rcm_as USER        the same person for USER (made on first use), logged in as USER.
#   rcm_admin ARGS...  runs rcm ARGS as the admin.
#
# Passwords are fixed test passwords hashed at the minimum cost; every login uses the real
# clock, whatever RCM_TODAY says. A case about write-off approvals sets the limit back with
# 'rcm_admin settings set writeoff-approval 100.00'.

RCM_TEST_PASSWORD=test-password-0001
# never the real token file of whoever runs the tests
RCM_TOKEN_FILE=$PWD/.rcm-token
export RCM_TOKEN_FILE
unset RCM_TOKEN
rcm_admin_token=
rcm_people=" "

rcm_login_token() {
    printf '%s\n' "$RCM_TEST_PASSWORD" | "$RCM" login --user "$1" --password-stdin --print-token
}

rcm_admin() {
    RCM_TOKEN=$rcm_admin_token "$RCM" "$@"
}

rcm_as() {
    case $rcm_people in
    *" $1 "*) ;;
    *)
        printf '%s\n' "$RCM_TEST_PASSWORD" |
            rcm_admin user add "$1" --role coder,biller,auditor,admin --password-stdin >/dev/null || exit 1
        rcm_admin sod grant "$1" --reason "one person does every step in this test" >/dev/null || exit 1
        rcm_people="$rcm_people$1 "
        ;;
    esac
    RCM_TOKEN=$(rcm_login_token "$1") || exit 1
    export RCM_TOKEN
}

rcm_store() {
    mkdir -p none && : >none/MANIFEST
    printf '%s\n' "$RCM_TEST_PASSWORD" |
        "$RCM" init --quiet --data none --admin admin --password-hash minimum --password-stdin >/dev/null || exit 1
    rcm_admin_token=$(rcm_login_token admin) || exit 1
    rcm_admin settings set multi-role on >/dev/null || exit 1
    rcm_admin settings set writeoff-approval 100000.00 >/dev/null || exit 1
    rcm_as "${1:-tester}"
}
