#!/usr/bin/env bash
# Fetches real Go servers nobody here wrote, at pinned Debian versions, into
# ${GOREADY_CORPUS:-<repo>/.corpus}/debian/<package>/ (the .deb unpacked with dpkg-deb -x; nothing
# is installed): the trace tests run them.
#
#   prometheus-node-exporter 1.5.0-1+b6 (bookworm; built by Debian with Go 1.19, stripped)
#
# Cached: a package is fetched again only when its pinned version changes.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="$CORPUS/debian"
PACKAGES="prometheus-node-exporter=1.5.0-1+b6"

die() { echo "debian servers: error: $*" >&2; exit 1; }
command -v apt-get >/dev/null || die "apt-get is needed (a Debian machine)"
mkdir -p "$OUT/.debs"
for spec in $PACKAGES; do
  pkg=${spec%%=*}
  ver=${spec#*=}
  if [ "$(cat "$OUT/$pkg/.version" 2>/dev/null)" = "$ver" ]; then continue; fi
  # apt warns that root downloads unsandboxed; only a failure matters.
  (cd "$OUT/.debs" && apt-get download -q "$spec" >/dev/null 2>&1) ||
    die "apt-get download $spec failed (run apt-get update; the version is pinned to bookworm's)"
  deb=$(ls "$OUT/.debs/${pkg}_"*.deb | head -1)
  rm -rf "$OUT/$pkg"
  mkdir -p "$OUT/$pkg"
  dpkg-deb -x "$deb" "$OUT/$pkg"
  echo "$ver" >"$OUT/$pkg/.version"
  echo "debian servers: $pkg $ver unpacked in $OUT/$pkg"
done
