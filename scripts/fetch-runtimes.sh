#!/usr/bin/env bash
# Fetches real container runtime programs for the tests of runtime versions (test/runtimes.test.ts):
# Debian bookworm's docker.io (dockerd), containerd and runc, downloaded with apt-get download and
# unpacked with dpkg-deb into ${GOREADY_CORPUS:-<repo>/.corpus}/runtimes. Nothing is installed or run.
#
#   runtimes/bin/{dockerd,containerd,runc}   the programs, as the packages ship them
#   runtimes/runtimes.json                   per program: package, Debian version (dpkg-deb -f), .deb file
#
# Cached: exits at once when runtimes.json exists and .stamp holds the hash of this script and the
# package versions apt would download.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="$CORPUS/runtimes"

die() { echo "runtimes: error: $*" >&2; exit 1; }
for tool in apt-get apt-cache dpkg-deb python3; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH (bash scripts/setup.sh installs what is needed)"
done

# package:path-in-package for each program
PROGRAMS="docker.io:usr/sbin/dockerd containerd:usr/bin/containerd runc:usr/sbin/runc"
VERSIONS=""
for spec in $PROGRAMS; do
  p=${spec%%:*}
  v=$(apt-cache policy "$p" | awk '/Candidate:/ { print $2 }')
  if [ -z "$v" ] || [ "$v" = "(none)" ]; then die "apt knows no candidate for $p (is Debian bookworm's main in the apt sources?)"; fi
  VERSIONS="$VERSIONS $p=$v"
done

mkdir -p "$OUT"
HASH=$({ sha256sum <"${BASH_SOURCE[0]}"; echo "$VERSIONS"; } | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/runtimes.json" ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$HASH" ]; then
  echo "runtimes: up to date ($OUT)"
  exit 0
fi
echo "runtimes: fetching into $OUT"
rm -rf "${OUT:?}/debs" "${OUT:?}/bin" "$OUT/runtimes.json" "$OUT/.stamp"
mkdir -p "$OUT/debs" "$OUT/bin"

# apt's sandbox user cannot write to most directories: download in a world-writable temp dir.
tmp=$(mktemp -d)
chmod 777 "$tmp"
specs=()
for spec in $VERSIONS; do specs+=("$spec"); done
(cd "$tmp" && { apt-get download -qq "${specs[@]}" 2>&1 | grep -v 'unsandboxed' || :; }) >&2
for spec in $PROGRAMS; do
  p=${spec%%:*}
  ls "$tmp/${p}_"*.deb >/dev/null 2>&1 || { rm -rf "$tmp"; die "apt-get download $p failed"; }
done
mv "$tmp"/*.deb "$OUT/debs/"
rm -rf "$tmp"

entries=()
for spec in $PROGRAMS; do
  p=${spec%%:*}
  path=${spec#*:}
  deb=$(ls "$OUT/debs/${p}_"*.deb)
  name=${path##*/}
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./$path" >"$OUT/bin/$name"
  chmod 755 "$OUT/bin/$name"
  entries+=("$name" "$p" "$(dpkg-deb -f "$deb" Version)" "debs/${deb##*/}" "/$path")
done
python3 - "$OUT/runtimes.json" "${entries[@]}" <<'EOF'
import json, sys
out, rest = sys.argv[1], sys.argv[2:]
data = {rest[i]: {"package": rest[i + 1], "version": rest[i + 2], "deb": rest[i + 3], "path": rest[i + 4]} for i in range(0, len(rest), 5)}
with open(out, "w") as f:
    json.dump(data, f, indent=2)
EOF
echo "$HASH" >"$OUT/.stamp"
echo "runtimes: done"
