#!/usr/bin/env bash
# Installs the Debian packages named in the given lists when any is missing.
# Lists hold one package a line; '#' starts a comment. Run as root (CI is); elsewhere it
# names what is missing and how to install it.
set -euo pipefail
wanted=()
for list in "$@"; do
    while read -r line; do
        line=${line%%#*}
        for pkg in $line; do wanted+=("$pkg"); done
    done < "$list"
done
missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
    echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi
echo "installing Debian packages: ${missing[*]}"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
