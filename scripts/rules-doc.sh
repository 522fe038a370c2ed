#!/bin/sh
# The rule table of docs/scrub.md, generated from lib/scrub/rules.def (the one
# list of built-in rules), between the lines "<!-- rules:begin -->" and
# "<!-- rules:end -->".
#   scripts/rules-doc.sh            print the table
#   scripts/rules-doc.sh --update   rewrite the table in docs/scrub.md
#   scripts/rules-doc.sh --check    exit 1 when docs/scrub.md is out of date
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
def="$root/lib/scrub/rules.def"
doc="$root/docs/scrub.md"

table() {
    rows=$(grep -c '^RULE(' "$def" || true)
    parsed=$(parse | wc -l)
    if [ "$rows" != "$parsed" ]; then
        echo "rules-doc: lib/scrub/rules.def: $rows RULE rows, $parsed in the expected form" >&2
        exit 2
    fi
    echo "| rule | family | severity | route | what it catches |"
    echo "|---|---|---|---|---|"
    # RULE(name, "ID", FAMILY, SEVERITY, ROUTE, "title")
    parse |
        awk -F '\t' '{ gsub(/\|/, "\\|", $5); printf "| %s | %s | %s | %s | %s |\n", $1, $2, tolower($3), tolower($4), $5 }'
}

parse() {
    sed -n 's/^RULE([A-Z0-9_]*, *"\([^"]*\)", *\([A-Z]*\), *\([A-Z]*\), *\([A-Z]*\), *"\(.*\)") *$/\1\t\2\t\3\t\4\t\5/p' "$def"
}

# docs/scrub.md with the table between the markers replaced by the current one
render() {
    table >"$1.table"
    awk -v t="$1.table" '
        /^<!-- rules:begin -->$/ { print; while ((getline l < t) > 0) print l; skip = 1; found++; next }
        /^<!-- rules:end -->$/ { skip = 0 }
        !skip { print }
        END { if (found != 1) exit 3 }' "$doc"
    rm -f "$1.table"
}

case "${1:-}" in
"")
    table
    ;;
--update)
    tmp=$(mktemp)
    render "$tmp" >"$tmp.md" || { rm -f "$tmp" "$tmp.md"; echo "rules-doc: no rules:begin/end markers in docs/scrub.md" >&2; exit 2; }
    mv "$tmp.md" "$doc"
    rm -f "$tmp"
    ;;
--check)
    tmp=$(mktemp)
    render "$tmp" >"$tmp.md" || { rm -f "$tmp" "$tmp.md"; echo "rules-doc: no rules:begin/end markers in docs/scrub.md" >&2; exit 2; }
    if ! cmp -s "$tmp.md" "$doc"; then
        echo "docs/scrub.md is out of date with lib/scrub/rules.def: run scripts/rules-doc.sh --update" >&2
        diff -u "$doc" "$tmp.md" | sed -n '3,40p' >&2
        rm -f "$tmp" "$tmp.md"
        exit 1
    fi
    rm -f "$tmp" "$tmp.md"
    ;;
*)
    echo "usage: scripts/rules-doc.sh [--update | --check]" >&2
    exit 2
    ;;
esac
