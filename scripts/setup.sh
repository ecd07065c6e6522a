#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian bookworm machine: Debian's Go 1.19 (builds the
# fixtures and is the independent truth: go version -m, go tool nm), binutils (readelf, objdump),
# the C toolchain for cgo fixtures, and Chromium for the HTML report test. Runs apt as root, or through sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS="golang-1.19-go gcc libc6-dev binutils python3 file chromium"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
echo "setup: $(/usr/lib/go-1.19/bin/go version), $(readelf --version | head -1)"
