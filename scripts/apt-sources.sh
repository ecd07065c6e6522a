#!/usr/bin/env bash
# Adds the Debian suites the tests install from, reusing the mirror already configured for bookworm
# (no host name is written here): bullseye (upx-ucl, the bullseye test image), bookworm-backports
# (Go 1.21–1.23), trixie (Go 1.24) and forky (Go 1.26, 1.27).
#
# trixie, forky and bullseye are pinned at priority 50, below the installed packages' 100: at 100 or
# more apt would "upgrade" libc and half the system to the newer suite on the next unrelated install.
# Packages that exist only there (golang-1.24-go, upx-ucl) still install by name.
# Idempotent: rewrites the two files and runs apt-get update only when they change. Needs root.
set -euo pipefail

SOURCES=/etc/apt/sources.list.d/goready.sources
PREFS=/etc/apt/preferences.d/goready
die() { echo "apt-sources: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (run it with sudo)"

mirror=""
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources)
fi
if [ -z "$mirror" ] && [ -f /etc/apt/sources.list ]; then
  mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' /etc/apt/sources.list)
fi
[ -n "$mirror" ] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || die "$keyring is missing (apt-get install debian-archive-keyring)"

want_sources=$(
  cat <<EOF
# Written by goready's scripts/apt-sources.sh: Go toolchains and test inputs from other Debian suites.
Types: deb
URIs: $mirror
Suites: bookworm-backports trixie forky bullseye
Components: main
Signed-By: $keyring
EOF
)
want_prefs=$(
  cat <<'EOF'
# Written by goready's scripts/apt-sources.sh: never upgrade installed packages to these suites.
Package: *
Pin: release n=trixie
Pin-Priority: 50

Package: *
Pin: release n=forky
Pin-Priority: 50

Package: *
Pin: release n=bullseye
Pin-Priority: 50
EOF
)

changed=no
if [ "$(cat "$SOURCES" 2>/dev/null)" != "$want_sources" ]; then
  printf '%s\n' "$want_sources" >"$SOURCES"
  changed=yes
fi
if [ "$(cat "$PREFS" 2>/dev/null)" != "$want_prefs" ]; then
  printf '%s\n' "$want_prefs" >"$PREFS"
  changed=yes
fi
# An older goready wrote this file with a fixed host name; the suite is now in goready.sources.
if [ -f /etc/apt/sources.list.d/bullseye.list ]; then
  rm -f /etc/apt/sources.list.d/bullseye.list
  changed=yes
fi
if [ "$changed" = yes ] || ! apt-cache policy golang-1.27-go 2>/dev/null | grep -q 'Candidate: [0-9]'; then
  apt-get update -qq >/dev/null || die "apt-get update failed"
fi
