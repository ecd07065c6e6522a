#!/usr/bin/env bash
# Real Go programs from Debian, for the seccomp tests and figures: restic, rclone, runc, podman at
# pinned bookworm versions, fetched with apt-get download and unpacked with dpkg-deb -x into
#
#   ${GOREADY_CORPUS:-<repo>/.corpus}/debian/<name>          the program's binary
#   ${GOREADY_CORPUS:-<repo>/.corpus}/debian/manifest.json   [{name, package, version, path}]
#
# Cached: a binary whose .deb is already in debian/debs/ is not fetched again.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="$CORPUS/debian"
# name package=version path-in-package
PINS="
restic restic=0.14.0-1+b5 usr/bin/restic
rclone rclone=1.60.1+dfsg-2+b5 usr/bin/rclone
runc runc=1.1.5+ds1-1+deb12u1 usr/sbin/runc
podman podman=4.3.1+ds1-8+deb12u1+b3 usr/bin/podman
"
die() { echo "debian-bins: error: $*" >&2; exit 1; }
mkdir -p "$OUT/debs"
chmod 777 "$OUT/debs" # apt's _apt user writes the download here
rows=""
while read -r name pin path; do
  [ -n "$name" ] || continue
  pkg=${pin%%=*}
  ver=${pin#*=}
  deb=$(ls "$OUT/debs/${pkg}_"*.deb 2>/dev/null | grep -F "_${ver/*:/}_" | head -1 || true)
  if [ -z "$deb" ]; then
    (cd "$OUT/debs" && apt-get download "$pin" >/dev/null 2>&1) || die "apt-get download $pin failed (is the Debian mirror reachable, and is $pin still published? bash scripts/setup.sh configures the sources)"
    deb=$(ls "$OUT/debs/${pkg}_"*.deb | head -1)
  fi
  if [ ! -f "$OUT/$name" ] || [ "$deb" -nt "$OUT/$name" ]; then
    tmp=$(mktemp -d)
    dpkg-deb -x "$deb" "$tmp"
    [ -f "$tmp/$path" ] || die "$deb has no $path"
    cp "$tmp/$path" "$OUT/$name"
    rm -rf "$tmp"
    echo "debian-bins: $name from $(basename "$deb")"
  fi
  rows="$rows{\"name\":\"$name\",\"package\":\"$pkg\",\"version\":\"$ver\",\"path\":\"debian/$name\"},"
done <<<"$PINS"
echo "[${rows%,}]" >"$OUT/manifest.json"
echo "debian-bins: $(ls "$OUT" | grep -vc -e debs -e manifest.json) binaries in $OUT"
