#!/usr/bin/env bash
# Times goready against its peer tool on the same input in one run and prints the ratios.
#   npm run bench        (needs: npm run build, npm run corpus; hyperfine from Debian)
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${GOREADY_CORPUS:-$PWD/.corpus}"
GO="${GOREADY_GO:-/usr/lib/go-1.19/bin/go}"
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)"; exit 2; }
[ -f "$CORPUS/manifest.json" ] || { echo "bench: corpus missing: npm run corpus"; exit 2; }
GR="node $PWD/dist/cli/main.js"
# GOREADY_BEFORE=DIR (an older build's dist/) adds it to each timing, to report before and after.
BEFORE="${GOREADY_BEFORE:+node $GOREADY_BEFORE/cli/main.js}"
LARGEST=$(node -e '
  const m = require(process.argv[1] + "/manifest.json"); const fs = require("fs");
  const c = m.filter((e) => e.isGo && !e.stripped && e.goos === "linux").map((e) => ({ p: process.argv[1] + "/" + e.path, s: fs.statSync(process.argv[1] + "/" + e.path).size }));
  c.sort((a, b) => b.s - a.s); console.log(c[0].p);' "$CORPUS")
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ratio() { # name, json from hyperfine: prints goready mean / peer mean (and the older build's, third)
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
    const [g, p, b] = r; const x = g.mean / p.mean;
    const before = b ? `; before ${(b.mean * 1000).toFixed(1)} ms, ratio ${(b.mean / p.mean).toFixed(2)}x` : "";
    console.log(`${process.argv[2]}: goready ${(g.mean * 1000).toFixed(1)} ms, peer ${(p.mean * 1000).toFixed(1)} ms, ratio ${x.toFixed(2)}x (goal <= ${process.argv[3]}x)${before}`);
    // CPU time moves less than wall time on a shared machine.
    const cpu = (r) => r.user + r.system;
    const cb = b ? `; before ${(cpu(b) * 1000).toFixed(0)} ms, ratio ${(cpu(b) / cpu(p)).toFixed(2)}x` : "";
    console.log(`   CPU (user+sys): goready ${(cpu(g) * 1000).toFixed(0)} ms, peer ${(cpu(p) * 1000).toFixed(0)} ms, ratio ${(cpu(g) / cpu(p)).toFixed(2)}x${cb}`);' "$1" "$2" "$3"
}
# The older build's command, as hyperfine's third, when GOREADY_BEFORE is set.
before() { if [ -n "$BEFORE" ]; then printf '%s\n' "$BEFORE $*"; fi; }

echo "== start-up: goready --version vs node -e 0 (Node's own start)"
mapfile -t B < <(before --version)
hyperfine -N --warmup 3 --runs 20 --export-json "$TMP/start.json" "$GR --version" "node -e 0" "${B[@]}" >/dev/null
ratio "$TMP/start.json" "goready --version" 1.5

DIRS="$CORPUS/go $CORPUS/npm $CORPUS/misc"
echo "== inspect over the whole corpus ($(find $DIRS -type f | wc -l) files) vs go version -m"
mapfile -t B < <(before inspect $DIRS --format json -o /dev/null)
hyperfine -N --warmup 2 --runs 10 --export-json "$TMP/dir.json" \
  "$GR inspect $DIRS --format json -o /dev/null" "$GO version -m $DIRS" "${B[@]}" >/dev/null
ratio "$TMP/dir.json" "inspect DIR" 1.0

echo "== inspect --functions --format json vs go tool nm -size -sort size on $(basename "$LARGEST") ($(stat -c %s "$LARGEST") bytes)"
mapfile -t B < <(before inspect --functions --format json -o /dev/null "$LARGEST")
hyperfine -N --warmup 1 --runs 10 --export-json "$TMP/nm.json" \
  "$GR inspect --functions --format json -o /dev/null $LARGEST" "$GO tool nm -size -sort size $LARGEST" "${B[@]}" >/dev/null
ratio "$TMP/nm.json" "inspect --functions" 1.0

echo "== peak RSS on $(basename "$LARGEST")"
python3 - "$LARGEST" <<'PY'
import resource, subprocess, sys
subprocess.run(["node", "dist/cli/main.js", "inspect", "--functions", "--files", "--format", "json", "-o", "/dev/null", sys.argv[1]], check=True)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"peak RSS: {kb / 1024:.1f} MB (goal <= 100 MB)")
PY

echo "== size --format json vs go tool nm -size -sort size on $(basename "$LARGEST")"
mapfile -t B < <(before size --format json -o /dev/null "$LARGEST")
hyperfine -N --warmup 1 --runs 10 --export-json "$TMP/size.json" \
  "$GR size --format json -o /dev/null $LARGEST" "$GO tool nm -size -sort size $LARGEST" "${B[@]}" >/dev/null
ratio "$TMP/size.json" "size --format json" 1.0
python3 - "$LARGEST" <<'PY'
import resource, subprocess, sys
subprocess.run(["node", "dist/cli/main.js", "size", "--functions", "--format", "json", "-o", "/dev/null", sys.argv[1]], check=True)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"size peak RSS: {kb / 1024:.1f} MB (goal <= 150 MB)")
PY

echo "== licence classification of the whole SPDX list"
node --input-type=module -e '
  const { spdxIndex, spdxTexts } = await import(process.argv[1] + "/dist/node/license/spdx.js");
  const { classify } = await import(process.argv[1] + "/dist/core/analyses/license/classify.js");
  let t = performance.now(); const index = spdxIndex(); const built = performance.now() - t;
  const texts = Object.values(spdxTexts()).filter((x) => x.trim());
  t = performance.now(); for (const x of texts) classify(index, x); const s = (performance.now() - t) / 1000;
  console.log(`index of ${index.entries.length} licences built in ${built.toFixed(0)} ms; ${texts.length} texts classified in ${s.toFixed(2)} s = ${(texts.length / s).toFixed(0)} texts/s`);
' "$PWD"

echo "== atomics --format json vs aarch64-linux-gnu-objdump -d on the largest arm64 ELF of the corpus"
command -v aarch64-linux-gnu-objdump >/dev/null || { echo "bench: needs aarch64-linux-gnu-objdump (binutils-aarch64-linux-gnu)"; exit 2; }
# objdump reads ELF only (the corpus's larger arm64 binaries are Mach-O), so the largest arm64 ELF.
ARM64=$(node -e '
  const m = require(process.argv[1] + "/manifest.json"); const fs = require("fs");
  const c = m.filter((e) => e.isGo && e.goarch === "arm64" && e.goos === "linux").map((e) => ({ p: process.argv[1] + "/" + e.path, s: fs.statSync(process.argv[1] + "/" + e.path).size }));
  c.sort((a, b) => b.s - a.s); console.log(c[0].p);' "$CORPUS")
echo "   $(basename "$(dirname "$(dirname "$ARM64")")")/$(basename "$ARM64"), $(stat -c %s "$ARM64") bytes; load average $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
hyperfine -N --output=null --warmup 1 --runs 10 --export-json "$TMP/atomics.json" \
  "$GR atomics --format json $ARM64" "aarch64-linux-gnu-objdump -d $ARM64" >/dev/null
ratio "$TMP/atomics.json" "atomics --format json" 0.1

echo "== lint on Go's src/net/http vs gofmt -l (Go's own parser over the same files)"
GOSRC=""
for v in 1.27 1.26 1.24 1.23 1.22 1.21 1.19; do
  for d in /usr/share/go-$v/src /usr/lib/go-$v/src; do [ -z "$GOSRC" ] && [ -d "$d/net/http" ] && GOSRC=$d; done
done
[ -n "$GOSRC" ] || { echo "bench: no Go source tree (golang-1.NN-src)"; exit 2; }
FILES=$(find "$GOSRC/net/http" -name '*.go' ! -name '_*' ! -path '*/testdata/*' | wc -l)
GOFMT=$(dirname "$GOSRC")/bin/gofmt
[ -x "$GOFMT" ] || GOFMT=/usr/lib/go-1.27/bin/gofmt
hyperfine -N --output=null --warmup 1 --runs 10 --export-json "$TMP/lint.json" \
  "$GR lint --format json $GOSRC/net/http" "$GOFMT -l $GOSRC/net/http" >/dev/null
ratio "$TMP/lint.json" "lint net/http" 3.0
node -e '
  const [g] = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  console.log(`   ${process.argv[2]} files: ${(process.argv[2] / g.mean).toFixed(0)} files/s wall, ${(process.argv[2] / (g.user + g.system)).toFixed(0)} files/s CPU (goal >= 100)`);' "$TMP/lint.json" "$FILES"

echo "== goready trace http: overhead on a traced server vs the same server untraced (wrk)"
if [ "$(id -u)" = 0 ]; then node bench/trace.mjs; else echo "bench: the trace overhead needs root (uprobes): sudo npm run bench"; fi

# seccomp: the static syscall scan against the step go2seccomp's method starts from (a full
# disassembly with go tool objdump, which needs a symbol table: the largest unstripped binary).
echo "== seccomp --format json vs go tool objdump on $(basename "$LARGEST")"
hyperfine -N --output=null --warmup 1 --runs 5 --export-json "$TMP/seccomp.json" \
  "$GR seccomp --format json -o /dev/null $LARGEST" "$GO tool objdump $LARGEST" >/dev/null
ratio "$TMP/seccomp.json" "seccomp --format json" 0.25
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
  const [g, p] = r; console.log(`   CPU time (user+sys): goready ${((g.user + g.system) * 1000).toFixed(0)} ms, go tool objdump ${((p.user + p.system) * 1000).toFixed(0)} ms, ratio ${((g.user + g.system) / (p.user + p.system)).toFixed(2)}x`);' "$TMP/seccomp.json"
BIGGEST=$(ls -S "$CORPUS/debian/rclone" "$LARGEST" 2>/dev/null | head -1)
echo "== seccomp peak RSS on $(basename "$BIGGEST") ($(stat -c %s "$BIGGEST") bytes)"
python3 - "$BIGGEST" <<'PY'
import resource, subprocess, sys
subprocess.run(["node", "dist/cli/main.js", "seccomp", "--format", "json", "-o", "/dev/null", sys.argv[1]], check=True)
kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"seccomp peak RSS: {kb / 1024:.1f} MB (goal <= 200 MB)")
PY
