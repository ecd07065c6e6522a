#!/usr/bin/env bash
# Builds the programs under fixtures/toolchains/ with every Debian Go toolchain installed
# (scripts/setup.sh: 1.19, 1.21–1.24, 1.26, 1.27) into ${GOREADY_CORPUS:-<repo>/.corpus}/toolchains:
#
#   toolchains/go1.NN/<program>-<variant>   one binary per toolchain, program and variant
#   toolchains/manifest.json                [{path, program, variant, go, goVersion, goos, goarch,
#                                             stripped, pie, cgo, env, flags}]
#
# Each program is a directory with a go.mod (standard library only: nothing is downloaded) and a
# file `variants`, one variant a line:
#
#   NAME [min=1.NN] [ENV=VALUE ...] [-- go build flags ...]
#
# e.g. `arm64-stripped GOARCH=arm64 -- -ldflags=-s -w` or `arm64-v8.1 min=1.23 GOARCH=arm64 GOARM64=v8.1`.
# GOOS defaults to linux, CGO_ENABLED to 0, GOARCH to amd64. A variant with min= is built only by
# toolchains at least that new. Arguments after -- are split on spaces, except that -ldflags=...
# keeps the rest of the line's words up to the next word starting with -.
#
# A program that needs a module beyond the standard library lists it in a file `vendor-from-debian`
# (`MODULE VERSION` a line, e.g. `golang.org/x/sys v0.3.0`): the module's source is taken from
# Debian's packaged Go sources under /usr/share/gocode/src (golang-golang-x-sys-dev …) into a
# vendor/ directory of a temporary copy of the program, which is built with -mod=vendor. Nothing is
# downloaded and nothing is vendored in the repository.
#
# Cached per binary: a binary is rebuilt only when its program's files, its variant line, its
# vendored sources or its toolchain's version change. GOREADY_TOOLCHAINS="1.19 1.27" limits the toolchains.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SRC="$ROOT/fixtures/toolchains"
CORPUS="${GOREADY_CORPUS:-$ROOT/.corpus}"
OUT="$CORPUS/toolchains"
TOOLCHAINS="${GOREADY_TOOLCHAINS:-1.19 1.21 1.22 1.23 1.24 1.26 1.27}"

die() { echo "toolchains: error: $*" >&2; exit 1; }
now_ms() { date +%s%3N; }
T0=$(now_ms)
[ -d "$SRC" ] || die "no $SRC"
mkdir -p "$OUT/.cache" "$OUT/.stamps"

for v in $TOOLCHAINS; do
  [ -x "/usr/lib/go-$v/bin/go" ] || die "Go $v is missing: /usr/lib/go-$v/bin/go (bash scripts/setup.sh installs it)"
done

# A clean, pinned Go environment: nothing from the caller's Go settings, no network.
for var in $(env | sed -n 's/^\(GO[A-Z0-9_]*\|CGO_[A-Z_]*\)=.*/\1/p'); do unset "$var"; done
export GOPROXY=off GOFLAGS=-mod=mod GOSUMDB=off GOTOOLCHAIN=local GOWORK=off GO111MODULE=on GOENV=off
export LC_ALL=C TZ=UTC

version_ge() { # A B: A >= B for 1.NN versions
  [ "${1#1.}" -ge "${2#1.}" ]
}

ENTRIES="$OUT/.cache/entries.tsv"
: >"$ENTRIES"
built=0
cached=0
for prog_dir in "$SRC"/*/; do
  prog=$(basename "$prog_dir")
  [ -f "$prog_dir/variants" ] || die "$prog_dir has no variants file"
  prog_hash=$(cd "$prog_dir" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
  build_dir="$prog_dir"
  mod_flag=()
  if [ -f "$prog_dir/vendor-from-debian" ]; then
    build_dir="$OUT/.cache/src-$prog"
    rm -rf "$build_dir"
    mkdir -p "$build_dir"
    cp -r "$prog_dir/." "$build_dir/"
    mkdir -p "$build_dir/vendor"
    : >"$build_dir/vendor/modules.txt"
    while read -r mod ver _; do
      case "$mod" in '' | '#'*) continue ;; esac
      src="/usr/share/gocode/src/$mod"
      [ -f "$src/go.mod" ] || die "$prog/vendor-from-debian: $src/go.mod is missing (bash scripts/setup.sh installs Debian's Go module sources)"
      mkdir -p "$build_dir/vendor/$(dirname "$mod")"
      cp -rL "$src" "$build_dir/vendor/$mod"
      gover_mod=$(sed -n 's/^go \([0-9.]*\).*/\1/p' "$src/go.mod" | head -1)
      {
        echo "# $mod $ver"
        echo "## explicit${gover_mod:+; go $gover_mod}"
        (cd "$build_dir/vendor" && find "$mod" -name '*.go' ! -name '*_test.go' -printf '%h\n' | grep -v /testdata | LC_ALL=C sort -u)
      } >>"$build_dir/vendor/modules.txt"
      prog_hash=$(printf '%s\n' "$prog_hash" "$(cd "$src" && find . -type f -name '*.go' -print0 | LC_ALL=C sort -z | xargs -0 cat | sha256sum | cut -d' ' -f1)" | sha256sum | cut -d' ' -f1)
    done <"$prog_dir/vendor-from-debian"
    mod_flag=(-mod=vendor)
  fi
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in '' | '#'*) continue ;; esac
    read -r -a words <<<"$line"
    name=${words[0]}
    min=""
    envs=(GOOS=linux GOARCH=amd64 CGO_ENABLED=0)
    flags=()
    i=1
    while [ $i -lt ${#words[@]} ] && [ "${words[$i]}" != -- ]; do
      w=${words[$i]}
      case "$w" in
        min=*) min=${w#min=} ;;
        *=*) envs+=("$w") ;;
        *) die "$prog/variants: '$w' is neither min=, ENV=VALUE nor --" ;;
      esac
      i=$((i + 1))
    done
    if [ $i -lt ${#words[@]} ]; then
      i=$((i + 1))
      while [ $i -lt ${#words[@]} ]; do
        w=${words[$i]}
        if [[ "$w" == -ldflags=* || "$w" == -gcflags=* ]]; then
          while [ $((i + 1)) -lt ${#words[@]} ] && [[ "${words[$((i + 1))]}" != -* || "${words[$((i + 1))]}" == -[sw] ]]; do
            i=$((i + 1))
            w="$w ${words[$i]}"
          done
        fi
        flags+=("$w")
        i=$((i + 1))
      done
    fi
    for v in $TOOLCHAINS; do
      if [ -n "$min" ] && ! version_ge "$v" "$min"; then continue; fi
      go="/usr/lib/go-$v/bin/go"
      gover=$("$go" env GOVERSION)
      out="$OUT/go$v/$prog-$name"
      stamp="$OUT/.stamps/go$v-$prog-$name"
      key=$(printf '%s\n' "$prog_hash" "$line" "$gover" | sha256sum | cut -d' ' -f1)
      if [ ! -f "$out" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$key" ]; then
        mkdir -p "$OUT/go$v"
        t=$(now_ms)
        (
          cd "$build_dir"
          env GOCACHE="$OUT/.cache/gocache-$v" GOPATH="$OUT/.cache/gopath-$v" "${envs[@]}" \
            "$go" build -buildvcs=false ${mod_flag[@]+"${mod_flag[@]}"} ${flags[@]+"${flags[@]}"} -o "$out" .
        ) || die "go$v build of $prog-$name failed"
        echo "$key" >"$stamp"
        built=$((built + 1))
        printf 'toolchains: go%-5s %-40s %5d ms\n' "$v" "$prog-$name" $(($(now_ms) - t))
      else
        cached=$((cached + 1))
      fi
      stripped=false pie=false cgo=false
      for f in ${flags[@]+"${flags[@]}"}; do
        case "$f" in *-s*-w* | *-w*-s*) stripped=true ;; -buildmode=pie) pie=true ;; esac
      done
      for e in "${envs[@]}"; do [ "$e" = CGO_ENABLED=1 ] && cgo=true; done
      goarch=amd64
      for e in "${envs[@]}"; do case "$e" in GOARCH=*) goarch=${e#GOARCH=} ;; esac; done
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "go$v/$prog-$name" "$prog" "$name" "$v" "$gover" "$goarch" \
        "$stripped" "$pie" "$cgo" "${envs[*]}" "${flags[*]-}" >>"$ENTRIES"
    done
  done <"$prog_dir/variants"
done

python3 - "$ENTRIES" "$OUT/manifest.json" <<'PY'
import json, sys
rows = []
for line in open(sys.argv[1], encoding="utf-8"):
    p = line.rstrip("\n").split("\t")
    rows.append({
        "path": p[0], "program": p[1], "variant": p[2], "go": p[3], "goVersion": p[4], "goos": "linux",
        "goarch": p[5], "stripped": p[6] == "true", "pie": p[7] == "true", "cgo": p[8] == "true",
        "env": p[9].split(" ") if p[9] else [], "flags": p[10],
    })
json.dump(rows, open(sys.argv[2], "w"), indent=1)
PY
echo "toolchains: $((built + cached)) binaries ($built built, $cached cached) in $OUT, $(($(now_ms) - T0)) ms"
