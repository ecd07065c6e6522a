#!/usr/bin/env bash
# Go binaries nobody here built, for the tests of issue 9's defects (test/foreign.test.ts): pinned
# npm packages (npm pack) and Debian packages (apt-get download + dpkg-deb -x), unpacked into
# ${GOREADY_CORPUS:-<repo>/.corpus}/foreign. Nothing is installed or run. Only the files the tests
# read are kept:
#
#   npm/esbuild-linux-64@0.1.0/esbuild          Go 1.13.8, build info with no module lines
#   npm/ibazel@0.28.0/darwin_arm64/ibazel       Mach-O arm64, externally linked (cgo), built by Bazel
#   npm/ibazel@0.28.0/linux_amd64/ibazel        ELF built by Bazel: build info without modules
#   debian/node-exporter-1.5.0/prometheus-node-exporter   bookworm, Go 1.19, GOPATH build, go.uber.org
#   debian/node-exporter-1.9.0/prometheus-node-exporter   trixie, Go 1.24, GOPATH build, go.uber.org
#   debian/libdevmapper/root/                   libdevmapper1.02.1 (bookworm) unpacked as a root with
#                                               the dpkg database entries dpkg would write for it
#   manifest.json                               {name: {source, version, path}}
#
# Cached: exits at once when .stamp holds the hash of this script. Downloads are kept in .cache/.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="$CORPUS/foreign"
die() { echo "foreign: error: $*" >&2; exit 1; }
for tool in npm apt-get dpkg-deb tar flock; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH (bash scripts/setup.sh installs what is needed)"
done
mkdir -p "$OUT/.cache"
# Test files run in parallel and each asks for the inputs: one fetch at a time.
exec 9>"$OUT/.lock"
flock 9
HASH=$(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)
if [ -f "$OUT/manifest.json" ] && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$HASH" ]; then
  echo "foreign: up to date ($OUT)"
  exit 0
fi
rm -rf "$OUT/npm" "$OUT/debian" "$OUT/manifest.json" "$OUT/.stamp"
CACHE="$OUT/.cache"
ROWS=""
row() { ROWS="$ROWS\"$1\":{\"source\":\"$2\",\"version\":\"$3\",\"path\":\"$4\"},"; }

# npm_keep PACKAGE VERSION DIR FILE... : npm pack, then keep FILE (paths inside package/) under npm/DIR.
npm_keep() {
  local pkg=$1 ver=$2 dir=$3 tgz tmp f
  shift 3
  tgz=$(ls "$CACHE/$(echo "$pkg" | sed 's/^@//; s#/#-#')-$ver.tgz" 2>/dev/null || true)
  if [ -z "$tgz" ]; then
    (cd "$CACHE" && npm pack "$pkg@$ver" --silent --loglevel=error --cache "$CACHE/npm" >/dev/null) || die "npm pack $pkg@$ver failed"
    tgz=$(ls "$CACHE/$(echo "$pkg" | sed 's/^@//; s#/#-#')-$ver.tgz")
  fi
  tmp=$(mktemp -d)
  tar -xzf "$tgz" -C "$tmp"
  for f in "$@"; do
    [ -f "$tmp/package/$f" ] || die "$pkg@$ver has no $f"
    mkdir -p "$OUT/npm/$dir/$(dirname "${f#bin/}")"
    mv "$tmp/package/$f" "$OUT/npm/$dir/${f#bin/}"
    chmod 755 "$OUT/npm/$dir/${f#bin/}"
    row "$pkg@$ver/${f#bin/}" npm "$ver" "npm/$dir/${f#bin/}"
  done
  rm -rf "$tmp"
}

# deb_fetch PACKAGE=VERSION : the .deb in the cache (apt-get download once); prints its path.
deb_fetch() {
  local spec=$1 pkg=${1%%=*} ver=${1#*=} deb
  # apt-get download names the file PKG_VERSION_ARCH.deb with the epoch's colon as %3a.
  local file="${pkg}_${ver/:/%3a}_"
  deb=$(ls "$CACHE/$file"*.deb 2>/dev/null | head -1 || true)
  if [ -z "$deb" ]; then
    local tmp
    tmp=$(mktemp -d)
    chmod 777 "$tmp" # apt's sandbox user writes the download
    (cd "$tmp" && apt-get download -q "$spec" >/dev/null 2>&1) ||
      die "apt-get download $spec failed (apt-get update first; bash scripts/apt-sources.sh adds the trixie suite)"
    mv "$tmp"/*.deb "$CACHE/"
    rm -rf "$tmp"
    deb=$(ls "$CACHE/$file"*.deb | head -1)
  fi
  echo "$deb"
}

# deb_keep PACKAGE=VERSION DIR FILE : keeps one file of the package under debian/DIR.
deb_keep() {
  local spec=$1 dir=$2 file=$3 deb tmp
  deb=$(deb_fetch "$spec")
  tmp=$(mktemp -d)
  dpkg-deb -x "$deb" "$tmp"
  [ -f "$tmp/$file" ] || die "$spec has no $file"
  mkdir -p "$OUT/debian/$dir"
  mv "$tmp/$file" "$OUT/debian/$dir/"
  rm -rf "$tmp"
  row "${spec%%=*}@${spec#*=}" debian "${spec#*=}" "debian/$dir/${file##*/}"
}

# deb_root PACKAGE=VERSION DIR : the whole package unpacked into debian/DIR/root with the entries
# dpkg writes when it installs it (status paragraph, info/PKG:ARCH.list), so goready's dpkg readers
# see an installed package.
deb_root() {
  local spec=$1 dir=$2 deb root pkg arch name
  deb=$(deb_fetch "$spec")
  root="$OUT/debian/$dir/root"
  mkdir -p "$root/var/lib/dpkg/info"
  dpkg-deb -x "$deb" "$root"
  pkg=$(dpkg-deb -f "$deb" Package)
  arch=$(dpkg-deb -f "$deb" Architecture)
  name=$pkg
  [ "$(dpkg-deb -f "$deb" Multi-Arch)" = same ] && name="$pkg:$arch"
  # dpkg's list: every path the package holds, "/." as "/", no trailing slashes.
  dpkg-deb --fsys-tarfile "$deb" | tar -t | sed 's#^\./#/#; s#/$##; s#^$#/.#' >"$root/var/lib/dpkg/info/$name.list"
  {
    echo "Package: $pkg"
    echo "Status: install ok installed"
    dpkg-deb -f "$deb" Priority Section Installed-Size Maintainer Architecture Multi-Arch Source Version
    echo
  } >>"$root/var/lib/dpkg/status"
  row "${spec%%=*}@${spec#*=}" debian "${spec#*=}" "debian/$dir/root"
}

echo "foreign: fetching into $OUT"
npm_keep esbuild-linux-64 0.1.0 esbuild-linux-64@0.1.0 bin/esbuild
npm_keep @bazel/ibazel 0.28.0 ibazel@0.28.0 bin/darwin_arm64/ibazel bin/linux_amd64/ibazel
deb_keep prometheus-node-exporter=1.5.0-1+b6 node-exporter-1.5.0 usr/bin/prometheus-node-exporter
deb_keep prometheus-node-exporter=1.9.0-1+b4 node-exporter-1.9.0 usr/bin/prometheus-node-exporter
deb_root libdevmapper1.02.1=2:1.02.185-2 libdevmapper
echo "{${ROWS%,}}" >"$OUT/manifest.json"
echo "$HASH" >"$OUT/.stamp"
echo "foreign: done ($(du -sh --exclude=.cache "$OUT" | cut -f1))"
