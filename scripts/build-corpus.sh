#!/usr/bin/env bash
# Builds goready's test corpus of real Go binaries into ${GOREADY_CORPUS:-<repo>/.corpus}:
#
#   go/<name>        fixtures/src built with Debian's Go 1.19 for many GOOS/GOARCH/build modes,
#                    plus Go's own cmd/go (go/cmd-go, the large unstripped binary for benchmarks)
#   npm/<pkg>@<ver>/ Go binaries shipped in npm packages at pinned versions (npm pack + tar)
#   misc/            a UPX-packed Go binary and non-Go binaries (C, and Rust when rustc exists)
#   manifest.json    one entry per binary: name, path, source, goos, goarch, isGo, stripped,
#                    twin, buildmode, cgo, notes
#
# Nothing comes from the Go module proxy: GOPROXY=off, except for the deps fixture, whose modules
# are served from a file:// proxy this script builds from fixtures/src/deps/modules.
# Cached: when manifest.json exists and .stamp holds the hash of this script, fixtures/src and the
# toolchain, it exits at once. Safe to rerun after a failure (GOCACHE and npm downloads are kept
# in <corpus>/.cache). UPX comes from Debian bullseye's upx-ucl, installed with apt when running
# as root and upx is not on PATH.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SCRIPT="$ROOT/scripts/build-corpus.sh"
FIXTURES="$ROOT/fixtures/src"
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
GO="${GOREADY_GO:-/usr/lib/go-1.19/bin/go}"

die() { echo "corpus: error: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
T_START=$(now_ms)

[ -x "$GO" ] || die "Go 1.19 not found at $GO (apt-get install golang-1.19-go, or set GOREADY_GO)"
for tool in python3 gcc tar npm readelf; do
  command -v "$tool" >/dev/null || die "$tool is not on PATH (bash scripts/setup.sh installs what is needed)"
done
mkdir -p "$CORPUS"
CORPUS=$(cd "$CORPUS" && pwd)
CACHE="$CORPUS/.cache"

# ---------------------------------------------------------------- cache check
HAVE_RUSTC=no
command -v rustc >/dev/null && HAVE_RUSTC=yes
HASH=$(
  {
    sha256sum <"$SCRIPT"
    (cd "$FIXTURES" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum)
    env -u GOROOT GOTOOLCHAIN=local "$GO" version
    echo "rustc=$HAVE_RUSTC"
  } | sha256sum | cut -d' ' -f1
)
if [ -f "$CORPUS/manifest.json" ] && [ -f "$CORPUS/.stamp" ] && [ "$(cat "$CORPUS/.stamp")" = "$HASH" ]; then
  echo "corpus: up to date ($CORPUS, $(($(now_ms) - T_START)) ms)"
  exit 0
fi
echo "corpus: building into $CORPUS"

# ---------------------------------------------------------------- environment
# A clean, pinned Go environment: nothing from the caller's Go settings, no network.
for v in $(env | sed -n 's/^\(GO[A-Z0-9_]*\|CGO_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
unset CC CXX AR PKG_CONFIG
export GOCACHE="$CACHE/gocache" GOPATH="$CACHE/gopath" GOMODCACHE="$CACHE/gopath/pkg/mod"
export GOPROXY=off GOFLAGS=-mod=mod GOSUMDB=off GOTOOLCHAIN=local GOWORK=off GO111MODULE=on GOENV=off
export LC_ALL=C TZ=UTC

# ---------------------------------------------------------------- upx (checked first: fail fast)
# Debian bookworm has no upx; bullseye's upx-ucl (3.96) installs on bookworm as it is.
UPX=$(command -v upx || command -v upx-ucl || true)
if [ -z "$UPX" ]; then
  [ "$(id -u)" = 0 ] || die "upx is not on PATH. As root this script installs it (Debian bullseye's upx-ucl); otherwise install upx yourself, or run: sudo bash scripts/build-corpus.sh"
  t0=$(now_ms)
  echo "corpus: installing upx-ucl from Debian bullseye (bookworm has no upx)"
  bash "$ROOT/scripts/apt-sources.sh" || die "adding Debian's bullseye suite failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq upx-ucl >/dev/null || die "apt-get install upx-ucl failed"
  UPX=$(command -v upx || command -v upx-ucl || true)
  [ -n "$UPX" ] || die "upx-ucl installed but neither upx nor upx-ucl is on PATH"
  echo "corpus: installed $("$UPX" --version | head -1) ($(($(now_ms) - t0)) ms)"
fi

rm -f "$CORPUS/manifest.json" "$CORPUS/.stamp"
rm -rf "$CORPUS/go" "$CORPUS/misc" "$CACHE/src" "$CACHE/proxy" "$CACHE/tmp"
# The module cache holds read-only trees; it only has the deps fixture's small modules.
if [ -d "$GOMODCACHE" ]; then chmod -R u+w "$GOMODCACHE" && rm -rf "$GOMODCACHE"; fi
mkdir -p "$CORPUS/go" "$CORPUS/npm" "$CORPUS/misc" "$CACHE/tmp" "$GOCACHE" "$GOPATH"
# Build from a copy so that go build -mod=mod can never touch fixtures/src.
cp -a "$FIXTURES" "$CACHE/src"
SRC="$CACHE/src"
ENTRIES="$CACHE/tmp/entries.tsv"
: >"$ENTRIES"
COUNT=0

# add_entry name path source goos goarch isGo stripped twin buildmode cgo notes
add_entry() {
  local IFS=$'\t'
  echo "$*" >>"$ENTRIES"
}

progress() { # name, start ms, detail
  COUNT=$((COUNT + 1))
  local ms=$(($(now_ms) - $2))
  printf 'corpus: [%2d] %-62s %5d.%01ds  %s\n' "$COUNT" "$1" $((ms / 1000)) $((ms % 1000 / 100)) "$3"
}

# ---------------------------------------------------------------- Go fixtures
# go_fixture NAME PROGRAM GOOS GOARCH CGO BUILDMODE TWIN [ENV=VALUE...] -- [go build flags...]
go_fixture() {
  local name=$1 prog=$2 goos=$3 goarch=$4 cgo=$5 mode=$6 twin=$7
  shift 7
  local -a envs=() flags=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  flags=("$@")
  local ext="" stripped=false t0
  t0=$(now_ms)
  [ "$goos" = windows ] && ext=.exe
  [ "$mode" = c-shared ] && ext=.so
  local f
  for f in ${flags[@]+"${flags[@]}"}; do
    [ "$f" = "-ldflags=-s -w" ] && stripped=true
  done
  local out="go/$name$ext"
  local -a modeflag=()
  [ "$mode" != exe ] && modeflag=("-buildmode=$mode")
  local cgoflag=0
  [ "$cgo" = true ] && cgoflag=1
  (
    cd "$SRC/$prog"
    env GOOS="$goos" GOARCH="$goarch" CGO_ENABLED=$cgoflag ${envs[@]+"${envs[@]}"} \
      "$GO" build -buildvcs=false ${modeflag[@]+"${modeflag[@]}"} ${flags[@]+"${flags[@]}"} -o "$CORPUS/$out" .
  ) || die "go build of $name failed"
  rm -f "$CORPUS/go/$name.h" # c-shared writes a C header beside the library
  if [ "$mode" = c-shared ]; then
    # go build writes libraries 0644; ld (and distributions) install them 0755, which is also what
    # go version -m needs before it reads a file.
    chmod 755 "$CORPUS/$out"
  fi
  local notes="fixtures/src/$prog; CGO_ENABLED=$cgoflag"
  [ ${#envs[@]} -gt 0 ] && notes="$notes ${envs[*]//"$CACHE"/<corpus>/.cache}"
  [ ${#flags[@]} -gt 0 ] && notes="$notes ${flags[*]}"
  [ "$mode" != exe ] && notes="$notes -buildmode=$mode"
  if [ "$goos" = darwin ] && [ "$stripped" = true ]; then
    # Go before 1.22 keeps the whole Mach-O symbol table under -s; only DWARF goes.
    stripped=false
    notes="$notes; Go 1.19's linker keeps the Mach-O symbol table under -s (only DWARF is dropped), so this is not stripped"
  fi
  add_entry "$name" "$out" fixture "$goos" "$goarch" true "$stripped" "${twin:-}" "$mode" "$cgo" "$notes"
  progress "$out" "$t0" "$goos/$goarch"
}

# ---------------------------------------------------------------- module proxy for the deps fixture
# A GOPROXY=file:// tree (<module>/@v/list, <ver>.info, <ver>.mod, <ver>.zip) made from the module
# sources in fixtures/src/deps/modules/<module path>@<version>/. The zips are byte-for-byte
# reproducible (sorted entries, fixed times); the h1: sums in go.sum hash their file contents.
python3 - "$SRC/deps/modules" "$CACHE/proxy" <<'PY'
import json, os, sys, zipfile

src, dst = sys.argv[1], sys.argv[2]

def escape(path):  # module.EscapePath: upper-case letters become !lower
    return "".join("!" + c.lower() if c.isupper() else c for c in path)

versions = {}
for dirpath, dirnames, _ in os.walk(src):
    dirnames.sort()
    if "@" not in os.path.basename(dirpath):
        continue
    dirnames[:] = []
    mod, ver = os.path.relpath(dirpath, src).replace(os.sep, "/").rsplit("@", 1)
    vdir = os.path.join(dst, escape(mod), "@v")
    os.makedirs(vdir, exist_ok=True)
    base = os.path.join(vdir, escape(ver))
    with open(os.path.join(dirpath, "go.mod"), "rb") as f:
        gomod = f.read()
    with open(base + ".mod", "wb") as f:
        f.write(gomod)
    with open(base + ".info", "w") as f:
        json.dump({"Version": ver, "Time": "2023-01-02T15:04:05Z"}, f)
    files = []
    for d, dn, fn in os.walk(dirpath):
        # A subdirectory with its own go.mod is another module: not part of this zip.
        dn[:] = sorted(x for x in dn if not os.path.exists(os.path.join(d, x, "go.mod")))
        files += [os.path.join(d, x) for x in fn]
    with zipfile.ZipFile(base + ".zip", "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(files):
            rel = os.path.relpath(path, dirpath).replace(os.sep, "/")
            info = zipfile.ZipInfo(f"{mod}@{ver}/{rel}", date_time=(2023, 1, 2, 15, 4, 6))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())
    versions.setdefault(mod, []).append(ver)
for mod, vs in versions.items():
    with open(os.path.join(dst, escape(mod), "@v", "list"), "w") as f:
        f.write("".join(v + "\n" for v in sorted(vs)))
print("corpus: module proxy: " + ", ".join(f"{m}@{v}" for m in sorted(versions) for v in versions[m]))
PY

S=("-ldflags=-s -w")
echo "corpus: Go fixtures ($(env GOTOOLCHAIN=local "$GO" version | cut -d' ' -f3-))"
#          name                      program  goos    goarch   cgo   buildmode twin
go_fixture linux-amd64               hello    linux   amd64    false exe       "" --
go_fixture linux-amd64-stripped      hello    linux   amd64    false exe       linux-amd64 -- "${S[@]}"
go_fixture linux-amd64-trimpath      hello    linux   amd64    false exe       "" -- -trimpath
go_fixture linux-amd64-pie           hello    linux   amd64    false pie       "" --
go_fixture linux-amd64-pie-stripped  hello    linux   amd64    false pie       linux-amd64-pie -- "${S[@]}"
go_fixture linux-amd64-cgo           cgoapp   linux   amd64    true  exe       "" --
go_fixture linux-amd64-cgo-pie       cgoapp   linux   amd64    true  pie       "" --
go_fixture linux-amd64-cshared       cshared  linux   amd64    true  c-shared  "" --
go_fixture linux-amd64-race          hello    linux   amd64    true  exe       "" -- -race
go_fixture linux-amd64-v3            hello    linux   amd64    false exe       "" GOAMD64=v3 --
go_fixture linux-amd64-boring        boring   linux   amd64    true  exe       "" GOEXPERIMENT=boringcrypto --
go_fixture linux-amd64-embed         embed    linux   amd64    false exe       "" --
go_fixture linux-amd64-embed-stripped embed   linux   amd64    false exe       linux-amd64-embed -- "${S[@]}"
go_fixture linux-amd64-embed-pie-stripped embed linux  amd64    false pie       "" -- "${S[@]}"
go_fixture linux-amd64-http          http     linux   amd64    false exe       "" --
go_fixture linux-amd64-deps          deps/app linux   amd64    false exe       "" \
  GOPROXY="file://$CACHE/proxy" -- -tags=netgo,osusergo "-ldflags=-X main.version=1.2.3"
go_fixture linux-arm64               hello    linux   arm64    false exe       "" --
go_fixture linux-arm64-stripped      hello    linux   arm64    false exe       linux-arm64 -- "${S[@]}"
go_fixture linux-386                 hello    linux   386      false exe       "" --
go_fixture linux-arm-5               hello    linux   arm      false exe       "" GOARM=5 --
go_fixture linux-arm-6               hello    linux   arm      false exe       "" GOARM=6 --
go_fixture linux-arm-7               hello    linux   arm      false exe       "" GOARM=7 --
go_fixture linux-mips                hello    linux   mips     false exe       "" --
go_fixture linux-mips64le            hello    linux   mips64le false exe       "" --
go_fixture linux-ppc64le             hello    linux   ppc64le  false exe       "" --
go_fixture linux-s390x               hello    linux   s390x    false exe       "" --
go_fixture linux-s390x-stripped      hello    linux   s390x    false exe       linux-s390x -- "${S[@]}"
go_fixture linux-riscv64             hello    linux   riscv64  false exe       "" --
go_fixture windows-amd64             hello    windows amd64    false exe       "" --
go_fixture windows-amd64-stripped    hello    windows amd64    false exe       windows-amd64 -- "${S[@]}"
go_fixture windows-386               hello    windows 386      false exe       "" --
go_fixture darwin-amd64              hello    darwin  amd64    false exe       "" --
go_fixture darwin-arm64              hello    darwin  arm64    false exe       "" --
go_fixture darwin-arm64-stripped     hello    darwin  arm64    false exe       darwin-arm64 -- "${S[@]}"
if ! cmp -s "$SRC/deps/app/go.sum" "$FIXTURES/deps/app/go.sum"; then
  echo "corpus: warning: fixtures/src/deps/app/go.sum is missing sums the build added; copy $SRC/deps/app/go.sum there" >&2
fi

# Go's own cmd/go from the Go 1.19 sources: the large unstripped binary for benchmarks.
t0=$(now_ms)
(cd "$CACHE" && env CGO_ENABLED=0 "$GO" build -buildvcs=false -o "$CORPUS/go/cmd-go" cmd/go) || die "go build cmd/go failed"
add_entry cmd-go go/cmd-go fixture linux amd64 true false "" exe false "cmd/go from GOROOT/src of $("$GO" version | cut -d' ' -f3); CGO_ENABLED=0"
progress go/cmd-go "$t0" "linux/amd64"

# ---------------------------------------------------------------- npm packages
# Real Go binaries from the npm registry at pinned versions. Only the executables are kept.
# npm_pkg PACKAGE VERSION GOOS GOARCH
npm_pkg() {
  local pkg=$1 ver=$2 goos=$3 goarch=$4 t0
  t0=$(now_ms)
  local dirname
  dirname="$(echo "$pkg" | sed 's/^@//; s#/#__#g')@$ver"
  local dir="npm/$dirname" list="$CACHE/npm-done/$dirname.list"
  NPM_DIRS+=("$dirname")
  local ok=yes f
  if [ -f "$list" ]; then
    while read -r f; do [ -f "$CORPUS/$f" ] || ok=no; done <"$list"
  else
    ok=no
  fi
  local fetched=cached
  if [ $ok = no ]; then
    fetched=fetched
    local tmp="$CACHE/tmp/npm-$dirname"
    rm -rf "$tmp" "${CORPUS:?}/$dir" "$list"
    mkdir -p "$tmp/x" "$CACHE/npm-done"
    if ! (cd "$tmp" && npm pack "$pkg@$ver" --pack-destination "$tmp" --cache "$CACHE/npm" \
      --silent --loglevel=error >"$tmp/pack.log" 2>&1); then
      cat "$tmp/pack.log" >&2
      die "npm pack $pkg@$ver failed"
    fi
    tar -xzf "$tmp"/*.tgz -C "$tmp/x"
    : >"$list.tmp"
    while IFS= read -r -d '' f; do
      local magic rel
      magic=$(head -c 4 "$f" | od -An -tx1 | tr -d ' \n')
      case "$magic" in
        7f454c46 | 4d5a* | cffaedfe | cefaedfe | feedfacf | feedface | cafebabe) ;;
        *) continue ;;
      esac
      rel=${f#"$tmp/x/package/"}
      mkdir -p "$(dirname "$CORPUS/$dir/$rel")"
      mv "$f" "$CORPUS/$dir/$rel"
      chmod 755 "$CORPUS/$dir/$rel"
      echo "$dir/$rel" >>"$list.tmp"
    done < <(find "$tmp/x/package" -type f -print0 | LC_ALL=C sort -z)
    [ -s "$list.tmp" ] || die "npm package $pkg@$ver holds no executable"
    mv "$list.tmp" "$list"
    rm -rf "$tmp"
  fi
  while read -r f; do
    local bin=${f##*/} info goversion stripped cgo mode notes
    bin=${bin%.exe}
    info=$("$GO" version -m "$CORPUS/$f" 2>&1 || true)
    goversion=$(sed -n '1s/^.*: \(go[0-9][^ ]*\)$/\1/p' <<<"$info")
    # Stripped: no symbol table with Go's functions in it (go tool nm reads ELF, PE and Mach-O).
    # (grep -c reads all of nm's output: grep -q under pipefail could see nm die of SIGPIPE.)
    if [ "$("$GO" tool nm "$CORPUS/$f" 2>/dev/null | grep -Ec ' [Tt] runtime\.main$' || true)" != 0 ]; then
      stripped=false
    else
      stripped=true
    fi
    cgo=false
    grep -q $'^\tbuild\tCGO_ENABLED=1$' <<<"$info" && cgo=true
    mode=$(sed -n 's/^\tbuild\t-buildmode=//p' <<<"$info")
    if [ -n "$goversion" ]; then
      notes="$pkg@$ver; built by $goversion"
      if grep -q $'^\tbuild\t' <<<"$info"; then
        notes="$notes; build info in the go1.18+ inline format"
      elif [ "$(wc -l <<<"$info")" -gt 1 ]; then
        notes="$notes; build info in the pre-1.18 pointer format (no build settings)"
      else
        notes="$notes; build info has the version only"
      fi
    else
      notes="$pkg@$ver; go version -m finds no build info: $(sed -n '1s/^[^:]*: //p' <<<"$info")"
    fi
    [ -z "$mode" ] && mode=exe && notes="$notes; buildmode not recorded, exe assumed"
    add_entry "$pkg@$ver/$bin" "$f" npm "$goos" "$goarch" true "$stripped" "" "$mode" "$cgo" "$notes"
    progress "$f" "$t0" "$goos/$goarch ${goversion:-no build info}, $fetched"
    t0=$(now_ms)
  done <"$list"
}

echo "corpus: npm packages"
NPM_DIRS=()
# esbuild's old per-platform packages span Go 1.15 to 1.19 (pointer and inline build info).
for v in 0.8.2 0.11.23 0.12.29 0.13.15 0.14.54 0.15.18; do
  npm_pkg esbuild-linux-64 "$v" linux amd64
done
npm_pkg esbuild-linux-arm64 0.11.20 linux arm64
# The Go releases no installed toolchain covers, for seccomp's recall test: 1.13 and 1.14 (stack
# ABI), 1.17 on arm64 (still the stack ABI there), 1.18 (the first register ABI on arm64), 1.20, 1.25.
npm_pkg esbuild-linux-64 0.1.9 linux amd64
npm_pkg esbuild-linux-64 0.1.26 linux amd64
npm_pkg esbuild-linux-64 0.14.30 linux amd64
npm_pkg esbuild-linux-arm64 0.4.0 linux arm64
npm_pkg esbuild-linux-arm64 0.13.15 linux arm64
npm_pkg esbuild-linux-arm64 0.14.30 linux arm64
npm_pkg @esbuild/linux-x64 0.17.19 linux amd64
npm_pkg @esbuild/linux-x64 0.27.0 linux amd64
# esbuild's current packages (npm's names: x64 = amd64, ia32 = 386, mips64el = mips64le; esbuild's
# linux-ppc64 is GOARCH=ppc64le, win32 = windows).
ESBUILD=0.25.12
npm_pkg @esbuild/linux-x64 $ESBUILD linux amd64
npm_pkg @esbuild/linux-s390x $ESBUILD linux s390x
npm_pkg @esbuild/linux-arm $ESBUILD linux arm
npm_pkg @esbuild/linux-ia32 $ESBUILD linux 386
npm_pkg @esbuild/linux-mips64el $ESBUILD linux mips64le
npm_pkg @esbuild/linux-ppc64 $ESBUILD linux ppc64le
npm_pkg @esbuild/linux-riscv64 $ESBUILD linux riscv64
npm_pkg @esbuild/linux-loong64 $ESBUILD linux loong64
npm_pkg @esbuild/darwin-arm64 $ESBUILD darwin arm64
npm_pkg @esbuild/darwin-x64 $ESBUILD darwin amd64
npm_pkg @esbuild/win32-x64 $ESBUILD windows amd64
npm_pkg @esbuild/freebsd-x64 $ESBUILD freebsd amd64
# Newer esbuild releases ship binaries with no build info at all (go version -m: "not a Go
# executable"): the version has to be recovered from runtime.buildVersion.
ESBUILD_NO_BUILDINFO=0.28.2
npm_pkg @esbuild/linux-x64 $ESBUILD_NO_BUILDINFO linux amd64
npm_pkg @esbuild/linux-arm64 $ESBUILD_NO_BUILDINFO linux arm64
npm_pkg @esbuild/darwin-arm64 $ESBUILD_NO_BUILDINFO darwin arm64
npm_pkg @esbuild/win32-x64 $ESBUILD_NO_BUILDINFO windows amd64
LEFTHOOK=2.0.16
npm_pkg lefthook-linux-x64 $LEFTHOOK linux amd64
npm_pkg lefthook-darwin-arm64 $LEFTHOOK darwin arm64
npm_pkg lefthook-windows-x64 $LEFTHOOK windows amd64
BUF=1.57.2
npm_pkg @bufbuild/buf-linux-x64 $BUF linux amd64
npm_pkg @bufbuild/buf-darwin-arm64 $BUF darwin arm64
# Drop packages that are no longer pinned.
for d in "$CORPUS"/npm/*; do
  [ -e "$d" ] || continue
  case " ${NPM_DIRS[*]} " in *" ${d##*/} "*) ;; *) rm -rf "$d" "$CACHE/npm-done/${d##*/}.list" ;; esac
done

# ---------------------------------------------------------------- misc
echo "corpus: misc"
t0=$(now_ms)
"$UPX" -q -q --no-progress -o "$CORPUS/misc/upx-linux-amd64" "$CORPUS/go/linux-amd64" >/dev/null || die "upx failed"
add_entry upx-linux-amd64 misc/upx-linux-amd64 misc linux amd64 true true "" exe false \
  "go/linux-amd64 packed by $("$UPX" --version | head -1); the Go binary is inside, compressed"
progress misc/upx-linux-amd64 "$t0" "linux/amd64 UPX"

elf_stripped() { if readelf -W -S "$1" 2>/dev/null | grep -q ' \.symtab '; then echo false; else echo true; fi; }

t0=$(now_ms)
gcc -O2 -o "$CORPUS/misc/c-hello" "$SRC/misc/hello.c" || die "gcc failed"
add_entry c-hello misc/c-hello misc linux amd64 false "$(elf_stripped "$CORPUS/misc/c-hello")" "" exe false \
  "fixtures/src/misc/hello.c, gcc -O2 ($(gcc -dumpfullversion)), dynamic glibc"
progress misc/c-hello "$t0" "linux/amd64 C"

if [ $HAVE_RUSTC = yes ]; then
  t0=$(now_ms)
  mkdir -p "$CACHE/tmp/rust"
  (cd "$CACHE/tmp/rust" && rustc -O -o rust-hello "$SRC/misc/hello.rs") || die "rustc failed"
  mv "$CACHE/tmp/rust/rust-hello" "$CORPUS/misc/rust-hello"
  add_entry rust-hello misc/rust-hello misc linux amd64 false "$(elf_stripped "$CORPUS/misc/rust-hello")" "" exe false \
    "fixtures/src/misc/hello.rs, rustc -O ($(rustc --version | cut -d' ' -f2))"
  progress misc/rust-hello "$t0" "linux/amd64 Rust"
else
  echo "corpus: rustc not found: no Rust binary in misc/"
fi

# ---------------------------------------------------------------- manifest
python3 - "$ENTRIES" "$CORPUS/manifest.json.tmp" <<'PY'
import json, sys

keys = ["name", "path", "source", "goos", "goarch", "isGo", "stripped", "twin", "buildmode", "cgo", "notes"]
out = []
with open(sys.argv[1]) as f:
    for line in f:
        e = dict(zip(keys, line.rstrip("\n").split("\t")))
        for k in ("isGo", "stripped", "cgo"):
            e[k] = {"true": True, "false": False}[e[k]]
        e["twin"] = e["twin"] or None
        out.append(e)
names = [e["name"] for e in out]
dups = {n for n in names if names.count(n) > 1}
if dups:
    sys.exit(f"corpus: duplicate manifest names: {sorted(dups)}")
for e in out:
    if e["twin"] and e["twin"] not in names:
        sys.exit(f"corpus: {e['name']}: twin {e['twin']} is not in the manifest")
with open(sys.argv[2], "w") as f:
    json.dump(out, f, indent=2)
    f.write("\n")
PY
mv "$CORPUS/manifest.json.tmp" "$CORPUS/manifest.json"
rm -rf "$CACHE/tmp"
echo "$HASH" >"$CORPUS/.stamp"
ms=$(($(now_ms) - T_START))
echo "corpus: $COUNT binaries, $(du -sh --exclude=.cache "$CORPUS" | cut -f1) in $CORPUS; total wall time $((ms / 1000)).$((ms % 1000 / 100))s"
