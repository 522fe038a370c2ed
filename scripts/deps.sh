#!/bin/sh
# Installs the Debian 12 packages rcm builds and tests with (idempotent).
#   scripts/deps.sh          install what is missing (as root, or through sudo)
#   scripts/deps.sh --check  exit 0 when everything is there, 1 otherwise
set -eu
PKGS="build-essential pkg-config libjansson-dev libcriterion-dev libsodium-dev libsqlite3-dev zlib1g-dev libzip-dev libhpdf-dev clang libclang-rt-14-dev python3 diffutils util-linux"

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "${1:-}" = "--check" ]; then
    echo "missing:$missing"
    exit 1
fi
echo "rcm: installing Debian packages:$missing" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "rcm: run as root or install sudo to install:$missing" >&2; exit 1; }
    SUDO=sudo
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
