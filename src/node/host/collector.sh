#!/bin/sh
# goready host snapshot collector, POSIX sh edition (printed by "goready host --script").
# Needs only sh, awk, od, tr, grep, sed, sort, head, ls, uname and date.
# Prints one JSON document matching schema/host-snapshot.schema.json ("collector": "sh") with the
# same values the Node collector ("goready host") reads on the same machine. Runs nothing else:
# it reads /proc, /sys and files, and runs "systemctl show" only with --unit.
#   sh goready-host.sh [--unit NAME] > host.json
#   goready host --script | ssh HOST sh -s -- --unit myapp.service > host.json
# GOREADY_ROOT=DIR reads os-release, libc (musl loader, apk db, libseccomp) and the libraries
# under DIR instead of /, symlinks resolved inside DIR (an extracted image, a chroot).
#
# Every value follows the rule the Node collector (src/node/host/*.ts) follows; test/host.test.ts
# runs this file under dash and busybox and compares the two field by field. Where they differ
# by design:
# - ELF files (libc's and the libraries' .gnu.version_d, runtime programs' Go build info) are read
#   with od and awk: ELF header, section headers, then the one section wanted. Go build info is
#   read only in Go >= 1.18's inline form from the .go.buildinfo section (older build info records
#   no build settings); the Node collector uses goready's readers.
# - glibc's banner is found with tr -c ' -~' and grep -o (printable runs only, no strings(1)).
# - limits, affinity and seccomp are those of the awk that reads /proc/self, a child of this
#   script: the same as the script's own unless something in between changed them.
# - With GOREADY_ROOT, symlinks are resolved inside the root with ls -ld (gr_host).

# ---------- lists: the TypeScript constants they mirror are named; test/collector-sh.test.ts
# fails when the two drift ----------
# SYSCTLS (src/core/facts/host.ts)
GR_SYSCTLS="net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies net.ipv4.tcp_abort_on_overflow net.ipv4.tcp_tw_reuse net.ipv4.ip_local_port_range net.ipv4.tcp_fin_timeout net.ipv4.tcp_max_tw_buckets net.core.netdev_max_backlog net.core.rmem_max net.core.wmem_max net.ipv4.tcp_rmem net.ipv4.tcp_wmem vm.max_map_count vm.overcommit_memory fs.file-max fs.nr_open kernel.pid_max kernel.threads-max"
# SYSTEMD_PROPERTIES (src/core/facts/host.ts)
GR_SYSTEMD_PROPERTIES="LoadState LimitNOFILE LimitNPROC TasksMax MemoryMax CPUQuotaPerSecUSec"
# CGROUP_HINTS (src/core/facts/host.ts)
GR_CGROUP_HINTS="containerd crio docker kubepods libpod lxc"
# RUNTIME_PROGRAMS with their RUNTIME_ROLES, NAME:ROLE (src/core/facts/host.ts)
GR_RUNTIME_PROGRAMS="containerd:engine crio:engine crun:oci-runtime docker:client dockerd:engine kubelet:node-agent podman:engine runc:oci-runtime"
# RUNTIME_DIRS (src/core/facts/host.ts)
GR_RUNTIME_DIRS="/usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin"
# DEFAULT_LIB_DIRS (src/core/linux/loader.ts)
GR_DEFAULT_LIB_DIRS="/lib64 /usr/lib64 /lib /usr/lib"
# MAX_INCLUDE_DEPTH, MAX_CONF_FILES (src/core/linux/ldconf.ts)
GR_MAX_INCLUDE_DEPTH=16
GR_MAX_CONF_FILES=1000

LC_ALL=C
export LC_ALL
gr_unit=
gr_have_unit=0
while [ $# -gt 0 ]; do
  case $1 in
    --unit)
      if [ $# -lt 2 ]; then echo "goready host script: --unit needs a NAME" >&2; exit 2; fi
      gr_unit=$2; gr_have_unit=1; shift 2 ;;
    --unit=*) gr_unit=$(printf '%s\n' "$1" | sed 's/^--unit=//'); gr_have_unit=1; shift ;;
    *) echo "goready host script: unknown argument: $1 (usage: sh goready-host.sh [--unit NAME])" >&2; exit 2 ;;
  esac
done
R=$(printf '%s\n' "$GOREADY_ROOT" | sed 's#/*$##')
case $R in ''|/*) ;; *) R=$(pwd)/$R ;; esac
TAB=$(printf '\t')

# Host byte order: od prints 16-bit words in it.
case $(printf 'ab' | od -A n -t x2 | tr -d ' \n') in
  6162) GR_ENDIAN=big ;;
  *) GR_ENDIAN=little ;;
esac
GR_MACHINE=$(uname -m 2>/dev/null)
GR_UNAME_R=$(uname -r 2>/dev/null)
GR_UNAME_V=$(uname -v 2>/dev/null)
GR_UNAME_N=$(uname -n 2>/dev/null)
case $GR_MACHINE in
  x86_64|amd64) GR_ARCH=amd64 ;;
  i386|i486|i586|i686) GR_ARCH=386 ;;
  aarch64|arm64|aarch64_be) GR_ARCH=arm64 ;;
  arm*) GR_ARCH=arm ;;
  ppc64le) GR_ARCH=ppc64le ;;
  ppc64) GR_ARCH=ppc64 ;;
  s390x) GR_ARCH=s390x ;;
  riscv64) GR_ARCH=riscv64 ;;
  loongarch64) GR_ARCH=loong64 ;;
  mips64) if [ "$GR_ENDIAN" = little ]; then GR_ARCH=mips64le; else GR_ARCH=mips64; fi ;;
  mips) if [ "$GR_ENDIAN" = little ]; then GR_ARCH=mipsle; else GR_ARCH=mips; fi ;;
  *) GR_ARCH=$GR_MACHINE ;;
esac
case $GR_ARCH in
  amd64) gr_t="x86_64-linux-gnu" ;;
  386) gr_t="i386-linux-gnu" ;;
  arm64) gr_t="aarch64-linux-gnu" ;;
  arm) gr_t="arm-linux-gnueabihf arm-linux-gnueabi" ;;
  ppc64le) gr_t="powerpc64le-linux-gnu" ;;
  ppc64) gr_t="powerpc64-linux-gnu" ;;
  s390x) gr_t="s390x-linux-gnu" ;;
  riscv64) gr_t="riscv64-linux-gnu" ;;
  mips64le) gr_t="mips64el-linux-gnuabi64" ;;
  mips64) gr_t="mips64-linux-gnuabi64" ;;
  loong64) gr_t="loongarch64-linux-gnu" ;;
  *) gr_t="" ;;
esac
gr_dirs=
for t in $gr_t; do gr_dirs="$gr_dirs /lib/$t /usr/lib/$t"; done
gr_dirs="$gr_dirs $GR_DEFAULT_LIB_DIRS"

# awk helpers for od -t u1 output: b[0..n-1] bytes, u(offset, size) an integer in byte order le.
# shellcheck disable=SC2016 # awk code: its $i are awk's fields, not the shell's
GR_AWK_BYTES='
{ for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
function u(o, k,   v, i) {
  v = 0
  if (le) { for (i = k - 1; i >= 0; i--) v = v * 256 + b[o + i] }
  else { for (i = 0; i < k; i++) v = v * 256 + b[o + i] }
  return v
}'

# The version names an ELF shared object defines (.gnu.version_d, SHT_GNU_verdef), base entry
# left out, one per line, sorted and unique; status 1 when the file cannot be read as ELF.
gr_verdefs() {
  gr_f=$1
  # The awk prints the numbers to split into the positional parameters.
  # shellcheck disable=SC2046
  set -- $(od -A n -v -t u1 -N 64 "$gr_f" 2>/dev/null | awk "$GR_AWK_BYTES"'
    END {
      if (n < 52 || b[0] != 127 || b[1] != 69 || b[2] != 76 || b[3] != 70) exit
      le = (b[5] == 1)
      if (b[4] == 2 && n >= 64) printf "%d 64 %.0f %.0f %.0f\n", le, u(40, 8), u(58, 2), u(60, 2)
      else if (b[4] == 1) printf "%d 32 %.0f %.0f %.0f\n", le, u(32, 4), u(46, 2), u(48, 2)
    }')
  [ $# -eq 5 ] || return 1
  gr_le=$1 gr_cls=$2
  [ "$4" -gt 0 ] && [ "$5" -gt 0 ] || return 1
  # shellcheck disable=SC2046
  set -- $(od -A n -v -t u1 -j "$3" -N $(($4 * $5)) "$gr_f" 2>/dev/null | awk -v le="$gr_le" -v cls="$gr_cls" -v es="$4" -v num="$5" "$GR_AWK_BYTES"'
    END {
      if (n < es * num) exit
      vd = -1
      for (s = 0; s < num; s++) {
        base = s * es
        if (cls == 64) { off[s] = u(base + 24, 8); size[s] = u(base + 32, 8); link[s] = u(base + 40, 4); info[s] = u(base + 44, 4) }
        else { off[s] = u(base + 16, 4); size[s] = u(base + 20, 4); link[s] = u(base + 24, 4); info[s] = u(base + 28, 4) }
        if (vd < 0 && u(base + 4, 4) == 1879048189) vd = s
      }
      if (vd < 0 || size[vd] == 0 || link[vd] >= num) exit
      printf "%.0f %.0f %.0f %.0f %.0f\n", off[vd], size[vd], info[vd], off[link[vd]], size[link[vd]]
    }')
  [ $# -eq 5 ] || return 1
  gr_stroff=$4 gr_strsize=$5
  gr_names=$(od -A n -v -t u1 -j "$1" -N "$2" "$gr_f" 2>/dev/null | awk -v le="$gr_le" -v cnt="$3" "$GR_AWK_BYTES"'
    END {
      off = 0
      for (k = 0; k < cnt; k++) {
        if (off + 20 > n) { exit 1 }
        if (u(off, 2) != 1) { exit 1 }
        flags = u(off + 2, 2); c = u(off + 6, 2); aux = off + u(off + 12, 4)
        if (c > 0) {
          if (aux + 8 > n) { exit 1 }
          if (flags % 2 == 0) printf "%.0f\n", u(aux, 4)
        }
        nx = u(off + 16, 4)
        if (nx == 0) break
        off += nx
      }
    }') || return 1
  [ -n "$gr_names" ] || return 0
  gr_min=$(printf '%s\n' "$gr_names" | sort -n | head -n 1)
  [ "$gr_min" -lt "$gr_strsize" ] || return 1
  gr_out=$(od -A n -v -t u1 -j $((gr_stroff + gr_min)) -N $((gr_strsize - gr_min)) "$gr_f" 2>/dev/null | awk -v min="$gr_min" -v want="$gr_names" '
    { for (i = 1; i <= NF; i++) b[n++] = $i + 0 }
    END {
      k = split(want, w, "\n")
      for (j = 1; j <= k; j++) {
        o = w[j] - min
        if (o >= n) { exit 1 }
        s = ""
        for (i = o; i < n && b[i] != 0; i++) s = s sprintf("%c", b[i])
        if (s != "") print s
      }
    }') || return 1
  printf '%s\n' "$gr_out" | sort -u
}

# ---------- a root filesystem (GOREADY_ROOT) ----------
# rs_resolve(root, path): PATH (absolute inside ROOT; ROOT "" is this machine's /) with every
# symlink resolved inside ROOT, as chroot(2) would (an absolute target /lib/x is ROOT/lib/x, ".."
# stops at the root), read with ls -ld; "" on a loop (over 40 links) or past 4096 components
# (PATH_MAX allows no more). Root.resolve in
# src/core/linux/root.ts. Sets RS_TYPE to the first character ls -ld shows for the result ("-"
# regular file, "d" directory; "" when nothing is there). Needs SQ (a single quote). ls -ld answers
# are kept in RS_LS: one awk resolving many paths asks once per path.
GR_AWK_RESOLVE='
function rs_lsmode(at,   line, cmd) {
  if (at in RS_LS) return RS_LS[at]
  line = ""
  if (index(at, SQ) == 0) { cmd = "ls -ld " SQ at SQ " 2>/dev/null"; cmd | getline line; close(cmd) }
  return RS_LS[at] = line
}
function rs_resolve(root, path,   T, nt, P, n, i, D, nd, miss, links, steps, c, at, line, k, target, out) {
  nt = 0; n = split(path, P, "/"); for (i = n; i >= 1; i--) T[++nt] = P[i]
  nd = 0; miss = 0; links = 0; steps = 0; RS_TYPE = "d"
  while (nt > 0) {
    c = T[nt--]
    if (c == "" || c == ".") continue
    if (++steps > 4096) return ""
    if (c == "..") { if (nd > 0) nd--; if (miss > nd) miss = 0; RS_TYPE = "?"; continue }
    # Below a component that is not there, nothing is: no ls to ask.
    if (miss) { D[++nd] = c; RS_TYPE = ""; continue }
    at = root; for (i = 1; i <= nd; i++) at = at "/" D[i]; at = at "/" c
    line = rs_lsmode(at)
    k = index(line, at " -> ")
    if (substr(line, 1, 1) != "l" || k == 0) { D[++nd] = c; RS_TYPE = substr(line, 1, 1); if (RS_TYPE == "") miss = nd; continue }
    target = substr(line, k + length(at) + 4)
    if (++links > 40) return ""
    if (substr(target, 1, 1) == "/") { nd = 0; miss = 0 }
    n = split(target, P, "/"); for (i = n; i >= 1; i--) T[++nt] = P[i]
  }
  out = ""; for (i = 1; i <= nd; i++) out = out "/" D[i]
  if (out == "") out = "/"
  if (RS_TYPE == "?") RS_TYPE = substr(rs_lsmode(root out), 1, 1)
  return out
}'
# gr_host PATH: the file to open for PATH (absolute inside the root). Without GOREADY_ROOT, PATH
# itself (the kernel resolves it). With it, rs_resolve's result under the root; status 1 on a loop.
gr_host() {
  if [ -z "$R" ]; then printf '%s\n' "$1"; return 0; fi
  awk -v root="$R" -v path="$1" "$GR_AWK_RESOLVE"'
    BEGIN {
      SQ = sprintf("%c", 39)
      r = rs_resolve(root, path)
      if (r == "") exit 1
      print (r == "/" ? root "/" : root r)
    }'
}
# gr_in HOSTDIR DIR NAME: the file to open for DIR/NAME, DIR already resolved to HOSTDIR.
gr_in() {
  if [ -n "$R" ] && [ -h "$1/$3" ]; then
    if [ "$2" = / ]; then gr_host "/$3"; else gr_host "$2/$3"; fi
  else
    printf '%s\n' "$1/$3"
  fi
}

# ---------- distro, libc family and version, verdefs, libseccomp ----------
GR_OS_FILE=
GR_OS_PATH=
for f in /etc/os-release /usr/lib/os-release; do
  h=$(gr_host "$f") || continue
  if [ -f "$h" ] && [ -r "$h" ]; then GR_OS_FILE=$f; GR_OS_PATH=$h; break; fi
done
GR_SECCOMP=
for d in $gr_dirs; do
  h=$(gr_host "$d") || continue
  for f in "$h"/libseccomp.so.[0-9]*; do
    if [ -f "$f" ] && [ ! -h "$f" ]; then
      GR_SECCOMP=$(printf '%s\n' "$f" | sed 's#.*/libseccomp\.so\.##')
      break 2
    fi
  done
done
GR_LIBC_FILE=
GR_LIBC_FAMILY=unknown
GR_LIBC_VERSION=
GR_LIBC_BANNER=
GR_LIBC_VERDEFS=
gr_file=
for d in $gr_dirs; do
  h=$(gr_host "$d/libc.so.6") || continue
  if [ -f "$h" ] && [ -r "$h" ]; then gr_file=$d/libc.so.6; gr_hfile=$h; break; fi
done
if [ -n "$gr_file" ]; then
  # The banner glibc compiles in (csu/version.c), found without strings(1): printable runs only.
  gr_banner=$(tr -c ' -~' '\n' < "$gr_hfile" 2>/dev/null | grep -o 'GNU C Library .*release version [0-9][0-9.]*[0-9]' | head -n 1)
  gr_defs=$(gr_verdefs "$gr_hfile") || gr_defs=
  if [ -n "$gr_banner" ] || printf '%s\n' "$gr_defs" | grep -q '^GLIBC_'; then
    GR_LIBC_FAMILY=glibc
    GR_LIBC_FILE=$gr_file
    GR_LIBC_BANNER=$gr_banner
    GR_LIBC_VERDEFS=$gr_defs
    if [ -n "$gr_banner" ]; then GR_LIBC_VERSION=$(printf '%s\n' "$gr_banner" | sed 's/.*release version //'); fi
  fi
fi
if [ "$GR_LIBC_FAMILY" = unknown ] && h=$(gr_host /lib); then
  for f in "$h"/ld-musl-*.so.1; do
    gr_n=$(printf '%s\n' "$f" | sed 's#.*/##')
    gr_hf=$(gr_in "$h" /lib "$gr_n") || continue
    if [ -f "$gr_hf" ]; then
      GR_LIBC_FAMILY=musl
      GR_LIBC_FILE=/lib/$gr_n
      gr_db=$(gr_host /lib/apk/db/installed) || gr_db=
      if [ -n "$gr_db" ] && [ -f "$gr_db" ] && [ -r "$gr_db" ]; then
        GR_LIBC_VERSION=$(awk '$0 == "" { m = 0; next } $0 == "P:musl" { m = 1; next } m && substr($0, 1, 2) == "V:" { v = substr($0, 3); sub(/-r[0-9]+$/, "", v); print v; exit }' "$gr_db")
      fi
      break
    fi
  done
fi

# ---------- libraries the loader can find ----------
# gr_ldconf: the directories /etc/ld.so.conf adds, one a line, as ldconfig reads it (ldSoConfDirs
# in src/core/linux/ldconf.ts): "#" comments, blanks trimmed, "include PATTERN..." read in place
# (relative to the including file's directory as written, wildcards in the last component, C
# order), hwcap and relative entries skipped, trailing slashes removed. Each file is read once (by
# its path resolved inside the root), includes nest at most GR_MAX_INCLUDE_DEPTH deep and at most
# GR_MAX_CONF_FILES files are read, so includes that name themselves end quickly.
gr_ldconf() {
  awk -v root="$R" -v maxdepth="$GR_MAX_INCLUDE_DEPTH" -v maxfiles="$GR_MAX_CONF_FILES" "$GR_AWK_RESOLVE"'
    function host(p) { return root == "" ? p : (p == "/" ? root "/" : root p) }
    function dirof(p,   i) { for (i = length(p); i > 0 && substr(p, i, 1) != "/"; i--) ; return i <= 1 ? "/" : substr(p, 1, i - 1) }
    function joinin(d, n) { return d == "/" ? "/" n : d "/" n }
    # resolved(p): rs_resolve cached, with the type of what it names in RT[p].
    function resolved(p) {
      if (!(p in RES)) { RES[p] = rs_resolve(root, p); RT[p] = RS_TYPE }
      return RES[p]
    }
    # Lists directory D (a resolved path) into LS[d, 1..LSN[d]], once, in ls order (C order under
    # LC_ALL=C). One ls -la of it tells the type of each entry that is not a symlink, so resolving
    # them asks ls no more (its lines come in the same order; one that does not end in the name
    # expected is skipped, and that entry is asked about alone).
    function listdir(d,   cmd, name, n, k, line, h, at) {
      if (d in LSN) return
      n = 0; h = host(d)
      if (index(h, SQ) == 0) {
        cmd = "ls -a1 " SQ h SQ " 2>/dev/null"
        while ((cmd | getline name) > 0) if (name != "." && name != "..") LS[d, ++n] = name
        close(cmd)
        cmd = "ls -la " SQ h SQ " 2>/dev/null"; k = 1
        while ((cmd | getline line) > 0) {
          if (k > n) continue
          name = LS[d, k]
          if (substr(line, 1, 1) == "l") { if (index(line, " " name " -> ")) k++; continue }
          if (length(line) <= length(name) || substr(line, length(line) - length(name)) != " " name) continue
          at = d == "/" ? root "/" name : root d "/" name
          if (!(at in RS_LS)) RS_LS[at] = substr(line, 1, 1)
          k++
        }
        close(cmd)
      }
      LSN[d] = n
    }
    # gm(s, p): whether name S matches the sh glob P (*, ?, [...], [!...]); a leading dot only literally.
    function gm(s, p,   si, pi, ns, np, star, mark, c, j, body, neg, ok, k, a, ch) {
      if (substr(s, 1, 1) == "." && substr(p, 1, 1) != ".") return 0
      ns = length(s); np = length(p); si = 1; pi = 1; star = 0; mark = 0
      while (si <= ns) {
        c = pi <= np ? substr(p, pi, 1) : ""
        ch = substr(s, si, 1)
        if (c == "*") { star = pi; mark = si; pi++; continue }
        if (c == "[") {
          j = index(substr(p, pi + 2), "]")
          if (j > 0) {
            body = substr(p, pi + 1, j); neg = 0
            if (substr(body, 1, 1) == "!" || substr(body, 1, 1) == "^") { neg = 1; body = substr(body, 2) }
            ok = 0
            for (k = 1; k <= length(body); ) {
              a = substr(body, k, 1)
              if (k + 2 <= length(body) && substr(body, k + 1, 1) == "-") { if (ch >= a && ch <= substr(body, k + 2, 1)) ok = 1; k += 3 }
              else { if (ch == a) ok = 1; k++ }
            }
            if (ok != neg) { si++; pi += j + 2; continue }
          } else if (ch == "[") { si++; pi++; continue }
        } else if (c != "" && (c == "?" || c == ch)) { si++; pi++; continue }
        if (!star) return 0
        pi = star + 1; si = ++mark
      }
      while (pi <= np && substr(p, pi, 1) == "*") pi++
      return pi > np
    }
    function conf(path, depth,   key, h, r, line, n, i, l, nw, w, pat, pd, pb, rd, k, m) {
      if (depth > maxdepth || nseen >= maxfiles) return
      key = resolved(path)
      if (key == "" || (key in SEEN) || RT[path] != "-") return
      h = host(key); n = 0
      while ((r = (getline line < h)) > 0) L[depth, ++n] = line
      close(h)
      if (r < 0) return
      SEEN[key] = 1; nseen++
      for (i = 1; i <= n; i++) {
        l = L[depth, i]
        sub(/#.*/, "", l); sub(/^[ \t]+/, "", l); sub(/[ \t]+$/, "", l)
        if (l == "") continue
        if (l ~ /^include[ \t]/) {
          sub(/^include[ \t]+/, "", l)
          nw = split(l, w, /[ \t]+/)
          for (k = 1; k <= nw; k++) W[depth, k] = w[k]
          for (k = 1; k <= nw; k++) {
            pat = W[depth, k]
            if (pat == "") continue
            if (substr(pat, 1, 1) != "/") pat = joinin(dirof(path), pat)
            pd = dirof(pat); pb = pat; sub(/.*\//, "", pb)
            rd = resolved(pd)
            if (rd == "" || RT[pd] != "d") continue
            listdir(rd)
            for (m = 1; m <= LSN[rd]; m++) if (gm(LS[rd, m], pb)) conf(joinin(pd, LS[rd, m]), depth + 1)
          }
          continue
        }
        if (l ~ /^hwcap[ \t]/ || substr(l, 1, 1) != "/") continue
        while (length(l) > 1 && substr(l, length(l), 1) == "/") l = substr(l, 1, length(l) - 1)
        print l
      }
    }
    BEGIN { SQ = sprintf("%c", 39); nseen = 0; conf("/etc/ld.so.conf", 0) }'
}
GR_LIB_SEARCH=$({ gr_ldconf; for d in $gr_dirs; do printf '%s\n' "$d"; done; } | awk '!seen[$0]++')
gr_ldirs=
for t in $gr_t; do gr_ldirs="$gr_ldirs /lib/$t /usr/lib/$t"; done
gr_ldirs="$gr_ldirs /lib /lib64 /usr/lib /usr/lib64"
GR_LIB_LOADERS=$(for d in $gr_ldirs; do
  h=$(gr_host "$d") || continue
  (cd "$h" 2> /dev/null || exit 0
   for f in ld-*.so*; do
     gr_hf=$(gr_in "$h" "$d" "$f") || continue
     [ -f "$gr_hf" ] && printf '%s/%s\n' "$d" "$f"
   done)
done | sort -u)
# path TAB versionDefs (space-separated; "-" for null), sorted by path.
GR_LIB_FILES=$(printf '%s\n' "$GR_LIB_SEARCH" | while IFS= read -r d; do
  [ -n "$d" ] || continue
  h=$(gr_host "$d") || continue
  (cd "$h" 2> /dev/null || exit 0
   for f in *.so*; do
     case $f in *.so|*.so.*) ;; *) continue ;; esac
     gr_hf=$(gr_in "$h" "$d" "$f") || continue
     [ -f "$gr_hf" ] || continue
     gr_v=-
     case $f in
       libc.so|libc.so.*|libm.so|libm.so.*|libpthread.so|libpthread.so.*|libdl.so|libdl.so.*|librt.so|librt.so.*|\
       libresolv.so|libresolv.so.*|libutil.so|libutil.so.*|libanl.so|libanl.so.*|libnsl.so|libnsl.so.*|\
       libgcc_s.so|libgcc_s.so.*|libstdc++.so|libstdc++.so.*|ld-linux*|ld64.so.*)
         case $gr_hf in /*) ;; *) gr_hf=$h/$gr_hf ;; esac
         gr_v=$(gr_verdefs "$gr_hf" | tr '\n' ' ') || gr_v=
         [ -n "$gr_v" ] || gr_v=- ;;
     esac
     if [ "$d" = / ]; then printf '/%s\t%s\n' "$f" "$gr_v"; else printf '%s/%s\t%s\n' "$d" "$f" "$gr_v"; fi
   done)
done | sort -t "$TAB" -k1,1)

# ---------- listening TCP sockets, sorted by family, port, address, inode ----------
GR_LISTEN_ANY=0
for fam in tcp tcp6; do
  if [ -r /proc/net/$fam ]; then GR_LISTEN_ANY=1; fi
done
GR_LISTEN=$(for fam in tcp tcp6; do
  [ -r /proc/net/$fam ] || continue
  awk -v fam="$fam" -v le="$GR_ENDIAN" '
    function hex(s,   i, v) { v = 0; s = toupper(s); for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789ABCDEF", substr(s, i, 1)) - 1; return v }
    function addr(h,   nb, w, i, by, k, g, best, blen, j, out) {
      if (h !~ /^[0-9A-Fa-f]+$/ || (length(h) != 8 && length(h) != 32)) return ""
      nb = 0
      for (w = 1; w <= length(h); w += 8) {
        for (i = 0; i < 4; i++) by[i] = hex(substr(h, w + 2 * i, 2))
        if (le == "little") { for (i = 3; i >= 0; i--) B[nb++] = by[i] }
        else { for (i = 0; i < 4; i++) B[nb++] = by[i] }
      }
      if (nb == 4) return B[0] "." B[1] "." B[2] "." B[3]
      for (k = 0; k < 8; k++) g[k] = B[2 * k] * 256 + B[2 * k + 1]
      best = -1; blen = 1
      for (k = 0; k < 8; ) {
        if (g[k] != 0) { k++; continue }
        j = k
        while (j < 8 && g[j] == 0) j++
        if (j - k > blen) { best = k; blen = j - k }
        k = j
      }
      out = ""
      if (best < 0) { for (k = 0; k < 8; k++) out = out (k ? ":" : "") sprintf("%x", g[k]); return out }
      for (k = 0; k < best; k++) out = out (k ? ":" : "") sprintf("%x", g[k])
      out = out "::"
      for (k = best + blen; k < 8; k++) out = out (k > best + blen ? ":" : "") sprintf("%x", g[k])
      return out
    }
    NR > 1 && $4 == "0A" && NF >= 10 {
      split($2, l, ":"); split($5, q, ":")
      a = addr(l[1])
      if (a == "" || l[2] == "" || q[2] == "" || $8 !~ /^-?[0-9]+$/ || $10 !~ /^-?[0-9]+$/) next
      printf "%s\t%d\t%s\t%.0f\t%s\t%s\n", fam, hex(l[2]), a, hex(q[2]), $8, $10
    }' /proc/net/$fam
done | sort -t "$TAB" -k1,1 -k2,2n -k3,3 -k6,6n)

# ---------- container hints that need the shell ----------
GR_DOCKERENV=0; [ -e /.dockerenv ] && GR_DOCKERENV=1
GR_CONTAINERENV=0; [ -e /run/.containerenv ] && GR_CONTAINERENV=1
GR_K8S_DIR=0; [ -d /var/run/secrets/kubernetes.io/serviceaccount ] && GR_K8S_DIR=1
GR_PID1_READABLE=0
GR_PID1_HAS=0
GR_PID1_CONTAINER=
if { tr '\000' '\n' < /proc/1/environ > /dev/null; } 2>/dev/null; then
  GR_PID1_READABLE=1
  gr_line=$({ tr '\000' '\n' < /proc/1/environ; } 2>/dev/null | grep '^container=' | head -n 1)
  if [ -n "$gr_line" ]; then
    GR_PID1_HAS=1
    GR_PID1_CONTAINER=$(printf '%s\n' "$gr_line" | sed 's/^container=//')
  fi
fi

# ---------- container runtime programs and their versions, read without running them ----------
# (runtimes.ts and src/core/facts/runtime-version.ts): dpkg's database when a package owns the
# file, else the program's Go build info.

# gr_dpkg PATH: "VERSION<TAB>PACKAGE DEBIAN-VERSION" from the installed package whose list
# (var/lib/dpkg/info/*.list, C order) first names PATH or its merged-/usr twin; status 1 when none.
gr_dpkg() {
  case $1 in
    /usr/bin/*|/usr/sbin/*|/usr/lib*/*) gr_twin=${1#/usr} ;;
    /bin/*|/sbin/*|/lib*/*) gr_twin=/usr$1 ;;
    *) gr_twin=$1 ;;
  esac
  gr_list=$(grep -l -F -x -e "$1" -e "$gr_twin" /var/lib/dpkg/info/*.list 2>/dev/null | head -n 1)
  [ -n "$gr_list" ] && [ -r /var/lib/dpkg/status ] || return 1
  gr_pkg=${gr_list##*/}
  gr_pkg=${gr_pkg%.list}
  gr_out=$(awk -v pkg="$gr_pkg" '
    BEGIN {
      RS = ""
      name = pkg; arch = ""
      if (index(pkg, ":")) { name = substr(pkg, 1, index(pkg, ":") - 1); arch = substr(pkg, index(pkg, ":") + 1) }
    }
    function field(k,   i, v) {
      for (i = 1; i <= nl; i++) if (index(L[i], k ":") == 1) { v = substr(L[i], length(k) + 2); sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v); return v }
      return "\001none"
    }
    {
      nl = split($0, L, "\n")
      if (field("Package") != name || (arch != "" && field("Architecture") != arch) || field("Status") !~ / installed$/) next
      v = field("Version"); d = v
      if (v == "\001none") exit
      sub(/^[0-9]+:/, "", d)
      if (match(d, /^v?[0-9]+\.[0-9]+(\.[0-9]+)?/)) { d = substr(d, RSTART, RLENGTH); sub(/^v/, "", d); printf "%s\t%s %s\n", d, pkg, v }
      exit
    }' /var/lib/dpkg/status)
  [ -n "$gr_out" ] || return 1
  printf '%s\n' "$gr_out"
}

# gr_goversion FILE: "VERSION<TAB>EVIDENCE" from a Go program's build info: Go >= 1.18's inline
# build info at the start of the ELF section .go.buildinfo; the main module's version when it is a
# release (not "(devel)", not a pseudo-version), else the first -ldflags "-X NAME=VALUE" whose NAME
# ends in .Version, .version or .gitVersion and whose VALUE starts with a dotted number. Status 1
# when there is none.
gr_goversion() {
  awk -v f="$1" '
    function rd(off, len,   cmd, line, nf, F, i) {
      n = 0; split("", B)
      if (len <= 0) return 0
      cmd = "od -A n -v -t u1 -j " sprintf("%.0f", off) " -N " sprintf("%.0f", len) " " SQ f SQ " 2>/dev/null"
      while ((cmd | getline line) > 0) { nf = split(line, F, " "); for (i = 1; i <= nf; i++) B[n++] = F[i] + 0 }
      close(cmd)
      return n
    }
    function ux(o, k,   v, i) {
      v = 0
      if (le) { for (i = k - 1; i >= 0; i--) v = v * 256 + B[o + i] }
      else { for (i = 0; i < k; i++) v = v * 256 + B[o + i] }
      return v
    }
    function uvar(p,   x, s, i, c) {
      x = 0; s = 1
      for (i = 0; i < 10 && p + i < n; i++) {
        c = B[p + i]; x += (c % 128) * s
        if (c < 128) { VNEXT = p + i + 1; return x }
        s *= 128
      }
      VNEXT = -1; return 0
    }
    function leading(v) {
      if (!match(v, /^v?[0-9]+\.[0-9]+(\.[0-9]+)?/)) return ""
      v = substr(v, RSTART, RLENGTH); sub(/^v/, "", v); return v
    }
    BEGIN {
      SQ = sprintf("%c", 39)
      if (index(f, SQ) || rd(0, 64) < 52 || B[0] != 127 || B[1] != 69 || B[2] != 76 || B[3] != 70) exit 1
      if (B[5] != 1 && B[5] != 2) exit 1
      le = B[5] == 1; cls = B[4]
      if (cls == 2 && n >= 64) { shoff = ux(40, 8); es = ux(58, 2); num = ux(60, 2); sx = ux(62, 2) }
      else if (cls == 1) { shoff = ux(32, 4); es = ux(46, 2); num = ux(48, 2); sx = ux(50, 2) }
      else exit 1
      if (es < (cls == 2 ? 64 : 40) || num == 0 || sx >= num || es * num > 4194304) exit 1
      if (rd(shoff, es * num) < es * num) exit 1
      for (s = 0; s < num; s++) {
        o = s * es; NAME[s] = ux(o, 4)
        if (cls == 2) { OFF[s] = ux(o + 24, 8); SIZE[s] = ux(o + 32, 8) } else { OFF[s] = ux(o + 16, 4); SIZE[s] = ux(o + 20, 4) }
      }
      if (SIZE[sx] > 4194304 || rd(OFF[sx], SIZE[sx]) < SIZE[sx]) exit 1
      # .go.buildinfo, NUL-terminated
      nw = split("46 103 111 46 98 117 105 108 100 105 110 102 111 0", WANT, " ")
      bi = -1
      for (s = 0; s < num && bi < 0; s++) {
        if (NAME[s] + nw > n) continue
        i = 1
        while (i <= nw && B[NAME[s] + i - 1] == WANT[i]) i++
        if (i > nw) bi = s
      }
      if (bi < 0) exit 1
      base = OFF[bi]
      # "\xff Go buildinf:", then pointer size, flags (bit 1: inline strings), 16 bytes, the version and modinfo strings
      if (rd(base, 32 + 10 + 1000 + 10) < 33) exit 1
      nm = split("255 32 71 111 32 98 117 105 108 100 105 110 102 58", MAGIC, " ")
      for (i = 1; i <= nm; i++) if (B[i - 1] != MAGIC[i]) exit 1
      if (int(B[15] / 2) % 2 == 0) exit 1
      vl = uvar(32)
      if (VNEXT < 0 || vl == 0 || vl > 1000 || VNEXT + vl >= n) exit 1
      ml = uvar(VNEXT + vl)
      if (VNEXT < 0 || ml > 4194304) exit 1
      if (rd(base + VNEXT, ml) < ml) exit 1
      # cmd/go frames modinfo with 16-byte sentinels; without them there is none.
      if (ml < 33 || B[ml - 17] != 10) exit 1
      mod = ""; ld = ""; haveld = 0; line = ""
      for (i = 16; i < ml - 16; i++) {
        if (B[i] != 10) { line = line sprintf("%c", B[i]); continue }
        if (substr(line, 1, 4) == "mod\t") mod = line
        else if (!haveld && substr(line, 1, 15) == "build\t-ldflags=") { ld = substr(line, 16); haveld = 1 }
        line = ""
      }
      pseudo = ""
      for (i = 0; i < 14; i++) pseudo = pseudo "[0-9]"
      pseudo = pseudo "-"
      for (i = 0; i < 12; i++) pseudo = pseudo "[0-9a-f]"
      if (mod != "") {
        k = split(mod, M, "\t")
        if (k >= 3 && M[3] != "(devel)" && M[3] !~ pseudo && (v = leading(M[3])) != "") { printf "%s\tmod %s %s\n", v, M[2], M[3]; exit }
      }
      if (!haveld) exit 1
      q = substr(ld, 1, 1)
      if (q == "`") ld = substr(ld, 2, length(ld) - 2)
      else if (q == "\"") {
        raw = substr(ld, 2, length(ld) - 2); ld = ""
        for (i = 1; i <= length(raw); i++) {
          c = substr(raw, i, 1)
          if (c == "\\" && i < length(raw)) {
            d = substr(raw, ++i, 1)
            if (d == "t") c = "\t"; else if (d == "n") c = "\n"; else if (d == "r") c = "\r"; else if (d == "\\" || d == "\"") c = d; else c = "\\" d
          }
          ld = ld c
        }
      }
      gsub("[\"" SQ "]", " ", ld)
      k = split(ld, W, /[ \t\n]+/)
      for (i = 1; i <= k; i++) {
        a = ""
        if (W[i] == "-X" || W[i] == "--X") { if (i < k) a = W[++i] }
        else if (substr(W[i], 1, 3) == "-X=") a = substr(W[i], 4)
        else if (substr(W[i], 1, 4) == "--X=") a = substr(W[i], 5)
        e = index(a, "=")
        if (e == 0) continue
        name = substr(a, 1, e - 1); last = name; sub(/.*[.\/]/, "", last)
        if (last != "Version" && last != "version" && last != "gitVersion") continue
        v = leading(substr(a, e + 1))
        if (v != "") { printf "%s\t-X %s\n", v, a; exit }
      }
      exit 1
    }'
}

# name TAB path TAB role TAB version TAB source TAB evidence, one line per program found.
GR_RUNTIMES=
for gr_pr in $GR_RUNTIME_PROGRAMS; do
  gr_p=${gr_pr%%:*}
  for d in $GR_RUNTIME_DIRS; do
    if [ -f "$d/$gr_p" ] && [ -x "$d/$gr_p" ]; then
      gr_src=dpkg
      gr_v=$(gr_dpkg "$d/$gr_p") || { gr_src=buildinfo; gr_v=$(gr_goversion "$d/$gr_p"); } || { gr_src=; gr_v=; }
      GR_RUNTIMES="$GR_RUNTIMES$gr_p$TAB$d/$gr_p$TAB${gr_pr#*:}$TAB${gr_v%%"$TAB"*}$TAB$gr_src$TAB${gr_v#*"$TAB"}
"
      break
    fi
  done
done

# ---------- systemd unit (only with --unit) ----------
GR_SD_OK=0
GR_SD_OUT=
GR_SD_NOTE=
gr_props=$(printf '%s\n' "$GR_SYSTEMD_PROPERTIES" | tr ' ' ',')
if [ "$gr_have_unit" = 1 ]; then
  if command -v systemctl > /dev/null 2>&1; then
    GR_SD_OUT=$(systemctl show "$gr_unit" -p "$gr_props" 2>/dev/null)
    gr_rc=$?
    if [ "$gr_rc" -eq 0 ]; then
      GR_SD_OK=1
    else
      gr_err=$(systemctl show "$gr_unit" -p "$gr_props" 2>&1 > /dev/null | head -n 1)
      GR_SD_NOTE="systemctl show failed (exit $gr_rc)"
      if [ -n "$gr_err" ]; then GR_SD_NOTE="$GR_SD_NOTE: $gr_err"; fi
    fi
  else
    GR_SD_NOTE="systemctl not found"
  fi
fi
GR_DATE=$(date -u +%Y-%m-%dT%H:%M:%SZ)

export GR_OS_FILE GR_OS_PATH GR_ENDIAN GR_MACHINE GR_UNAME_R GR_UNAME_V GR_UNAME_N GR_ARCH GR_SECCOMP GR_LIBC_FILE GR_LIBC_FAMILY \
  GR_LIBC_VERSION GR_LIBC_BANNER GR_LIBC_VERDEFS GR_LISTEN_ANY GR_LISTEN GR_DOCKERENV GR_CONTAINERENV GR_K8S_DIR \
  GR_PID1_READABLE GR_PID1_HAS GR_PID1_CONTAINER GR_RUNTIMES GR_SD_OK GR_SD_OUT GR_SD_NOTE GR_DATE GR_SYSCTLS GR_SYSTEMD_PROPERTIES GR_CGROUP_HINTS
GR_UNIT=$gr_unit
GR_HAVE_UNIT=$gr_have_unit
export GR_UNIT GR_HAVE_UNIT

# ---------- everything read from /proc and /sys, and the JSON ----------
{
  printf '%s\n' "$GR_LIB_SEARCH" | awk -v t="$TAB" '$0 != "" { print "S" t $0 }'
  printf '%s\n' "$GR_LIB_LOADERS" | awk -v t="$TAB" '$0 != "" { print "L" t $0 }'
  printf '%s\n' "$GR_LIB_FILES" | awk -v t="$TAB" '$0 != "" { print "F" t $0 }'
} | awk '
function esc(s,   out, i, n, c) {
  out = ""; n = length(s)
  for (i = 1; i <= n; i++) {
    c = substr(s, i, 1)
    if (c == "\"") out = out "\\\""
    else if (c == "\\") out = out "\\\\"
    else if (c in CTRL) out = out CTRL[c]
    else out = out c
  }
  return "\"" out "\""
}
function jstr(s) { return s == NONE ? "null" : esc(s) }
function jstre(s) { return s == "" ? "null" : esc(s) }
function canon(s,   neg) {
  neg = ""
  if (substr(s, 1, 1) == "-") { neg = "-"; s = substr(s, 2) }
  sub(/^0+/, "", s)
  if (s == "") return "0"
  return neg s
}
function isint(s) { return s != NONE && s ~ /^-?[0-9]+$/ }
function jint(s) { return isint(s) ? canon(s) : "null" }
function jbool(b) { return b ? "true" : "false" }
function readfile(path,   line, r, out, first) {
  out = ""; first = 1
  while ((r = (getline line < path)) > 0) { out = first ? line : out "\n" line; first = 0 }
  close(path)
  if (r < 0) return NONE
  return out
}
function readtrim(path,   t) {
  t = readfile(path)
  if (t != NONE) sub(/\n+$/, "", t)
  return t
}
function trimblank(s) { sub(/^[ \t]+/, "", s); sub(/[ \t]+$/, "", s); return s }
function kvload(path,   t, n, L, i, line, p, k) {
  split("", KV)
  t = readfile(path)
  if (t == NONE) return 0
  n = split(t, L, "\n")
  for (i = 1; i <= n; i++) {
    line = L[i]; p = index(line, ":")
    if (p == 0) continue
    k = substr(line, 1, p - 1); sub(/[ \t]+$/, "", k)
    if (!(k in KV)) KV[k] = trimblank(substr(line, p + 1))
  }
  return 1
}
function kv(k) { return (k in KV) ? KV[k] : NONE }
function cpucount(list,   n, P, i, a, b, m) {
  if (list == NONE) return "null"
  if (list == "") return "0"
  n = split(list, P, ",")
  m = 0
  for (i = 1; i <= n; i++) {
    if (P[i] ~ /^[0-9]+$/) { m++; continue }
    if (P[i] !~ /^[0-9]+-[0-9]+$/) return "null"
    a = substr(P[i], 1, index(P[i], "-") - 1) + 0; b = substr(P[i], index(P[i], "-") + 1) + 0
    if (b < a) return "null"
    m += b - a + 1
  }
  return sprintf("%.0f", m)
}
# Sorts S[1..n] (strings, C order), dropping duplicates; returns the new n.
function usort(n,   i, j, t, m) {
  for (i = 2; i <= n; i++) {
    t = S[i]; j = i - 1
    while (j >= 1 && ("" S[j]) > ("" t)) { S[j + 1] = S[j]; j-- }
    S[j + 1] = t
  }
  m = 0
  for (i = 1; i <= n; i++) if (m == 0 || S[i] != S[m]) S[++m] = S[i]
  return m
}
function jlist(n,   i, out) {
  out = "["
  for (i = 1; i <= n; i++) out = out (i > 1 ? "," : "") esc(S[i])
  return out "]"
}
function oct(s) { return (substr(s, 1, 1) + 0) * 64 + (substr(s, 2, 1) + 0) * 8 + (substr(s, 3, 1) + 0) }
function unoct(s,   out) {
  out = ""
  while (match(s, /\\[0-7][0-7][0-7]/)) {
    out = out substr(s, 1, RSTART - 1) sprintf("%c", oct(substr(s, RSTART + 1, 3)))
    s = substr(s, RSTART + 4)
  }
  return out s
}
function hasword(list, w,   n, A, i) {
  n = split(list, A, ",")
  for (i = 1; i <= n; i++) if (A[i] == w) return 1
  return 0
}
function cgdir(root, point, path,   rel) {
  if (root == "/") rel = path
  else if (path == root) rel = "/"
  else if (substr(path, 1, length(root) + 1) == root "/") rel = substr(path, length(root) + 1)
  else return NONE
  if (rel == "/") return point
  return point == "/" ? rel : point rel
}
# Sets LDIR (NONE when unknown) and LV1 for a controller; returns 0 when the controller is nowhere.
function locate(c,   i, j) {
  LDIR = NONE; LV1 = 0
  for (i = 1; i <= NE; i++) {
    if (ECTL[i] != "" && hasword(ECTL[i], c)) {
      LV1 = 1
      for (j = 1; j <= NM; j++) if (MFS[j] == "cgroup" && hasword(MSOPT[j], c)) { LDIR = cgdir(MROOT[j], MPOINT[j], EPATH[i]); break }
      return 1
    }
  }
  if (V2E) { if (V2M) LDIR = cgdir(MROOT[V2M], MPOINT[V2M], EPATH[V2E]); return 1 }
  return 0
}
function cglimit(s) {
  if (s == NONE) return "null"
  if (s == "max" || s == "-1") return "\"max\""
  if (s !~ /^[0-9]+$/) return "null"
  if (s + 0 >= 1152921504606846976) return "\"max\""
  return canon(s)
}
function statload(path,   t, n, L, i, f) {
  split("", ST)
  t = readfile(path)
  if (t == NONE) return
  n = split(t, L, "\n")
  for (i = 1; i <= n; i++) if (split(L[i], f, "[ ]") >= 2 && !(f[1] in ST)) ST[f[1]] = f[2]
}
function st(k) { return (k in ST) ? ST[k] : NONE }
function bracketed(s,   i, j, r) {
  if (s == NONE) return NONE
  i = index(s, "[")
  if (i == 0) return NONE
  r = substr(s, i + 1); j = index(r, "]")
  return j == 0 ? NONE : substr(r, 1, j - 1)
}
function counters(path, prefix,   t, n, L, i, f, got, nn, nv, N, V, out, k, m) {
  t = readfile(path)
  if (t == NONE) return "null"
  n = split(t, L, "\n"); got = 0
  for (i = 1; i <= n && got < 2; i++) {
    split(L[i], f, "[ ]")
    if (f[1] != prefix) continue
    if (got == 0) nn = split(L[i], N, "[ ]"); else nv = split(L[i], V, "[ ]")
    got++
  }
  if (got < 2) return "null"
  out = "{"; m = 0
  for (k = 2; k <= nn && k <= nv; k++) {
    if (!isint(V[k]) || N[k] == "") continue
    out = out (m++ ? "," : "") esc(N[k]) ":" canon(V[k])
  }
  return out "}"
}
function osvalue(v,   n, out, i, c, d) {
  n = length(v)
  if (n >= 2 && substr(v, 1, 1) == "\"" && substr(v, n, 1) == "\"") {
    v = substr(v, 2, n - 2); n = length(v); out = ""
    for (i = 1; i <= n; i++) {
      c = substr(v, i, 1)
      if (c == "\\" && i < n) {
        d = substr(v, i + 1, 1)
        if (d == "\\" || d == "\"" || d == "$" || d == BQ) { out = out d; i++; continue }
      }
      out = out c
    }
    return out
  }
  if (n >= 2 && substr(v, 1, 1) == SQ && substr(v, n, 1) == SQ) return substr(v, 2, n - 2)
  return v
}
BEGIN {
  NONE = sprintf("%c", 1) "none"
  BQ = sprintf("%c", 96); SQ = sprintf("%c", 39)
  for (i = 1; i < 32; i++) CTRL[sprintf("%c", i)] = sprintf("\\u%04x", i)
  CTRL[sprintf("%c", 8)] = "\\b"; CTRL[sprintf("%c", 9)] = "\\t"; CTRL[sprintf("%c", 10)] = "\\n"
  CTRL[sprintf("%c", 12)] = "\\f"; CTRL[sprintf("%c", 13)] = "\\r"
  arch = ENVIRON["GR_ARCH"]

  printf "{\n  \"schemaVersion\": 1,\n  \"collector\": \"sh\",\n  \"collectedAt\": %s,\n", esc(ENVIRON["GR_DATE"])
  h = readtrim("/proc/sys/kernel/hostname"); if (h == NONE && ENVIRON["GR_UNAME_N"] != "") h = ENVIRON["GR_UNAME_N"]
  printf "  \"hostname\": %s,\n", jstr(h)
  r = readtrim("/proc/sys/kernel/osrelease"); if (r == NONE && ENVIRON["GR_UNAME_R"] != "") r = ENVIRON["GR_UNAME_R"]
  v = readtrim("/proc/sys/kernel/version"); if (v == NONE && ENVIRON["GR_UNAME_V"] != "") v = ENVIRON["GR_UNAME_V"]
  printf "  \"kernel\": {\"release\": %s, \"version\": %s, \"machine\": %s, \"endian\": %s},\n", jstr(r), jstr(v), jstre(ENVIRON["GR_MACHINE"]), esc(ENVIRON["GR_ENDIAN"])

  # distro
  dfile = NONE
  split("", OS)
  t = ENVIRON["GR_OS_FILE"] == "" ? NONE : readfile(ENVIRON["GR_OS_PATH"])
  if (t != NONE) {
    dfile = ENVIRON["GR_OS_FILE"]
    n = split(t, L, "\n")
    for (i = 1; i <= n; i++) {
      if (L[i] !~ /^[A-Za-z_][A-Za-z0-9_]*=/) continue
      p = index(L[i], "=")
      OS[substr(L[i], 1, p - 1)] = osvalue(substr(L[i], p + 1))
    }
  }
  printf "  \"distro\": {\"file\": %s", jstr(dfile)
  split("id ID idLike ID_LIKE versionId VERSION_ID versionCodename VERSION_CODENAME prettyName PRETTY_NAME", DK, " ")
  for (i = 1; i <= 10; i += 2) printf ", \"%s\": %s", DK[i], (DK[i + 1] in OS) ? esc(OS[DK[i + 1]]) : "null"
  printf "},\n"

  # libc
  nd = 0
  if (ENVIRON["GR_LIBC_VERDEFS"] != "") { nd = split(ENVIRON["GR_LIBC_VERDEFS"], S, "\n"); nd = usort(nd) }
  printf "  \"libc\": {\"family\": %s, \"version\": %s, \"file\": %s, \"banner\": %s, \"versionDefs\": %s, \"libseccomp\": %s},\n", \
    esc(ENVIRON["GR_LIBC_FAMILY"]), jstre(ENVIRON["GR_LIBC_VERSION"]), jstre(ENVIRON["GR_LIBC_FILE"]), jstre(ENVIRON["GR_LIBC_BANNER"]), \
    nd ? jlist(nd) : "null", jstre(ENVIRON["GR_SECCOMP"])

  # cpu
  kvload("/proc/cpuinfo")
  model = kv("model name")
  raw = kv("flags"); if (raw == NONE) raw = kv("Features")
  nf = 0; split("", FL)
  if (raw != NONE) {
    nf = split(raw, S, /[ \t]+/)
    m = 0
    for (i = 1; i <= nf; i++) if (S[i] != "") S[++m] = S[i]
    nf = usort(m)
    for (i = 1; i <= nf; i++) FL[S[i]] = 1
  }
  flagsjson = raw == NONE ? "null" : jlist(nf)
  level = "null"
  if (arch == "amd64" && raw != NONE) {
    level = "\"v1\""
    if (("cx16" in FL) && ("lahf_lm" in FL) && ("popcnt" in FL) && (("pni" in FL) || ("sse3" in FL)) && ("sse4_1" in FL) && ("sse4_2" in FL) && ("ssse3" in FL)) {
      level = "\"v2\""
      if (("avx" in FL) && ("avx2" in FL) && ("bmi1" in FL) && ("bmi2" in FL) && ("f16c" in FL) && ("fma" in FL) && (("abm" in FL) || ("lzcnt" in FL)) && ("movbe" in FL) && (("osxsave" in FL) || ("xsave" in FL))) {
        level = "\"v3\""
        if (("avx512f" in FL) && ("avx512bw" in FL) && ("avx512cd" in FL) && ("avx512dq" in FL) && ("avx512vl" in FL)) level = "\"v4\""
      }
    }
  }
  atomics = (arch == "arm64" && raw != NONE) ? jbool("atomics" in FL) : "null"
  online = readtrim("/sys/devices/system/cpu/online")
  kvload("/proc/self/status")
  aff = kv("Cpus_allowed_list")
  seccomp = kv("Seccomp"); seccompf = kv("Seccomp_filters")
  printf "  \"cpu\": {\"arch\": %s, \"modelName\": %s, \"flags\": %s, \"x86Level\": %s, \"atomics\": %s, \"online\": %s, \"onlineCount\": %s, \"affinity\": %s, \"affinityCount\": %s},\n", \
    jstre(arch), jstr(model), flagsjson, level, atomics, jstr(online), cpucount(online), jstr(aff), cpucount(aff)

  kvload("/proc/meminfo")
  mt = kv("MemTotal"); if (mt != NONE) { split(mt, A, /[ \t]+/); mt = A[1] }
  ma = kv("MemAvailable"); if (ma != NONE) { split(ma, A, /[ \t]+/); ma = A[1] }
  printf "  \"memory\": {\"totalKiB\": %s, \"availableKiB\": %s},\n", jint(mt), jint(ma)

  # limits
  t = readfile("/proc/self/limits")
  if (t == NONE) printf "  \"limits\": null,\n"
  else {
    printf "  \"limits\": {"
    n = split(t, L, "\n"); m = 0
    for (i = 2; i <= n; i++) {
      name = substr(L[i], 1, 26); sub(/ +$/, "", name)
      rest = trimblank(substr(L[i], 27))
      k = split(rest, A, /[ \t]+/)
      if (name == "" || k < 2) continue
      printf "%s\n    %s: {\"soft\": %s, \"hard\": %s, \"units\": %s}", (m++ ? "," : ""), esc(name), \
        (A[1] ~ /^[0-9]+$/ ? canon(A[1]) : esc(A[1])), (A[2] ~ /^[0-9]+$/ ? canon(A[2]) : esc(A[2])), (k >= 3 ? esc(A[3]) : "null")
    }
    printf "\n  },\n"
  }

  # cgroup
  NM = 0
  t = readfile("/proc/self/mountinfo")
  if (t != NONE) {
    n = split(t, L, "\n")
    for (i = 1; i <= n; i++) {
      k = split(L[i], f, "[ ]")
      for (j = 7; j <= k; j++) if (f[j] == "-") break
      if (j > k || k < j + 3) continue
      NM++; MROOT[NM] = unoct(f[4]); MPOINT[NM] = unoct(f[5]); MFS[NM] = f[j + 1]; MSOPT[NM] = f[j + 3]
    }
  }
  NE = 0; V2E = 0; V2M = 0; hasv1 = 0
  t = readfile("/proc/self/cgroup")
  if (t != NONE) {
    n = split(t, L, "\n")
    for (i = 1; i <= n; i++) {
      a = index(L[i], ":"); if (a == 0) continue
      rest = substr(L[i], a + 1); b = index(rest, ":"); if (b == 0) continue
      NE++; ECTL[NE] = substr(rest, 1, b - 1); EPATH[NE] = substr(rest, b + 1)
      if (ECTL[NE] == "") { if (!V2E) V2E = NE } else hasv1 = 1
    }
  }
  for (j = 1; j <= NM; j++) if (MFS[j] == "cgroup2") { V2M = j; break }
  cgver = hasv1 ? (V2M ? "hybrid" : "v1") : (V2E ? "v2" : NONE)
  cgpath = NONE
  if (cgver == "v2") cgpath = EPATH[V2E]
  else for (i = 1; i <= NE; i++) if (ECTL[i] != "" && hasword(ECTL[i], "cpu")) { cgpath = EPATH[i]; break }
  quota = "null"; period = "null"; nrp = "null"; nrt = "null"; thr = "null"
  cpudir = NONE
  if (locate("cpu")) cpudir = LDIR
  if (cpudir != NONE) {
    statload(cpudir "/cpu.stat")
    nrp = jint(st("nr_periods")); nrt = jint(st("nr_throttled"))
    if (LV1) {
      quota = cglimit(readtrim(cpudir "/cpu.cfs_quota_us"))
      period = jint(readtrim(cpudir "/cpu.cfs_period_us"))
      if (isint(st("throttled_usec"))) thr = canon(st("throttled_usec"))
      else if (isint(st("throttled_time"))) thr = sprintf("%.0f", int(st("throttled_time") / 1000))
    } else {
      mx = readtrim(cpudir "/cpu.max")
      if (mx != NONE) { k = split(mx, A, "[ ]"); quota = cglimit(k >= 1 ? A[1] : NONE); period = k >= 2 ? jint(A[2]) : "null" }
      thr = jint(st("throttled_usec"))
    }
  }
  memdir = NONE; memmax = "null"
  if (locate("memory")) { memdir = LDIR; if (memdir != NONE) memmax = cglimit(readtrim(memdir (LV1 ? "/memory.limit_in_bytes" : "/memory.max"))) }
  pidsdir = NONE; pidsmax = "null"
  if (locate("pids")) { pidsdir = LDIR; if (pidsdir != NONE) pidsmax = cglimit(readtrim(pidsdir "/pids.max")) }
  printf "  \"cgroup\": {\"version\": %s, \"path\": %s,\n", jstr(cgver), jstr(cgpath)
  printf "    \"cpu\": {\"dir\": %s, \"quotaUsec\": %s, \"periodUsec\": %s, \"nrPeriods\": %s, \"nrThrottled\": %s, \"throttledUsec\": %s},\n", jstr(cpudir), quota, period, nrp, nrt, thr
  printf "    \"memory\": {\"dir\": %s, \"max\": %s},\n    \"pids\": {\"dir\": %s, \"max\": %s}},\n", jstr(memdir), memmax, jstr(pidsdir), pidsmax

  printf "  \"seccomp\": {\"mode\": %s, \"filters\": %s},\n", jint(seccomp), jint(seccompf)

  n = split(ENVIRON["GR_SYSCTLS"], SY, " ")
  printf "  \"sysctls\": {"
  for (i = 1; i <= n; i++) {
    p = SY[i]; gsub(/\./, "/", p)
    printf "%s\n    %s: %s", (i > 1 ? "," : ""), esc(SY[i]), jstr(readtrim("/proc/sys/" p))
  }
  printf "\n  },\n"

  cur = readtrim("/sys/devices/system/clocksource/clocksource0/current_clocksource")
  av = readtrim("/sys/devices/system/clocksource/clocksource0/available_clocksource")
  avj = "null"
  if (av != NONE) { k = split(av, A, /[ \t\n]+/); m = 0; for (i = 1; i <= k; i++) if (A[i] != "") S[++m] = A[i]; avj = jlist(m) }
  printf "  \"clocksource\": {\"current\": %s, \"available\": %s},\n", jstr(cur), avj

  printf "  \"thp\": {\"enabled\": %s, \"defrag\": %s, \"maxPtesNone\": %s},\n", \
    jstr(bracketed(readtrim("/sys/kernel/mm/transparent_hugepage/enabled"))), jstr(bracketed(readtrim("/sys/kernel/mm/transparent_hugepage/defrag"))), \
    jint(readtrim("/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none"))

  printf "  \"tcp\": {\n    \"ext\": %s,\n    \"tcp\": %s\n  },\n", counters("/proc/net/netstat", "TcpExt:"), counters("/proc/net/snmp", "Tcp:")

  if (ENVIRON["GR_LISTEN_ANY"] != "1") printf "  \"listening\": null,\n"
  else {
    printf "  \"listening\": ["
    n = ENVIRON["GR_LISTEN"] == "" ? 0 : split(ENVIRON["GR_LISTEN"], L, "\n")
    for (i = 1; i <= n; i++) {
      split(L[i], A, "\t")
      printf "%s\n    {\"family\": %s, \"address\": %s, \"port\": %s, \"rxQueue\": %s, \"uid\": %s, \"inode\": %s}", (i > 1 ? "," : ""), esc(A[1]), esc(A[3]), canon(A[2]), canon(A[4]), canon(A[5]), canon(A[6])
    }
    printf "%s],\n", n ? "\n  " : ""
  }

  # container
  sc = readtrim("/run/systemd/container")
  p1 = ENVIRON["GR_PID1_HAS"] == "1" ? ENVIRON["GR_PID1_CONTAINER"] : NONE
  t = readfile("/proc/self/cgroup")
  nh = split(ENVIRON["GR_CGROUP_HINTS"], HW, " ")
  split("", HINT); hints = ""
  if (t != NONE) {
    n = split(t, L, "\n")
    for (i = 1; i <= n; i++) {
      a = index(L[i], ":"); rest = a ? substr(L[i], a + 1) : ""; b = index(rest, ":")
      path = (a && b) ? substr(rest, b + 1) : ""
      for (j = 1; j <= nh; j++) if (index(path, HW[j]) > 0) HINT[HW[j]] = 1
    }
  }
  m = 0
  for (j = 1; j <= nh; j++) if (HW[j] in HINT) S[++m] = HW[j]
  hints = jlist(m)
  k8s = ENVIRON["GR_K8S_DIR"] == "1" || ENVIRON["KUBERNETES_SERVICE_HOST"] != ""
  rootfs = NONE
  for (j = 1; j <= NM; j++) if (MPOINT[j] == "/") rootfs = MFS[j]
  de = ENVIRON["GR_DOCKERENV"] == "1"; ce = ENVIRON["GR_CONTAINERENV"] == "1"
  rt = NONE
  if (k8s || ("kubepods" in HINT)) rt = "kubernetes"
  else if (ce || ("libpod" in HINT) || p1 == "podman") rt = "podman"
  else if (de || ("docker" in HINT) || p1 == "docker") rt = "docker"
  else if ("crio" in HINT) rt = "cri-o"
  else if ("containerd" in HINT) rt = "containerd"
  else if (("lxc" in HINT) || p1 == "lxc" || sc == "lxc") rt = "lxc"
  else if (p1 != NONE && p1 != "") rt = p1
  else if (sc != NONE && sc != "") rt = sc
  # runtimes: name, path, role, version, source, evidence (tab-separated lines)
  nr = split(ENVIRON["GR_RUNTIMES"], RL, "\n"); m = 0; rvs = ""; rts = ""
  for (j = 1; j <= nr; j++) {
    if (RL[j] == "") continue
    split(RL[j], A, "\t")
    S[++m] = A[1]
    if (A[4] != "") rvs = rvs (rvs == "" ? "" : ", ") esc(A[1]) ": " esc(A[4])
    rts = rts (rts == "" ? "" : ",") "\n      {\"name\": " esc(A[1]) ", \"path\": " esc(A[2]) ", \"role\": " esc(A[3]) \
      ", \"version\": " jstre(A[4]) ", \"source\": " jstre(A[5]) ", \"evidence\": " jstre(A[6]) "}"
  }
  printf "  \"container\": {\"dockerenv\": %s, \"containerenv\": %s, \"systemdContainer\": %s, \"pid1Container\": %s, \"pid1EnvironReadable\": %s,\n", \
    jbool(de), jbool(ce), jstr(sc), jstr(p1), jbool(ENVIRON["GR_PID1_READABLE"] == "1")
  printf "    \"cgroupHints\": %s, \"kubernetes\": %s, \"rootFsType\": %s, \"runtime\": %s, \"runtimePrograms\": %s, \"runtimeVersions\": {%s},\n", \
    hints, jbool(k8s), jstr(rootfs), jstr(rt), jlist(m), rvs
  printf "    \"runtimes\": [%s%s]},\n", rts, (rts == "" ? "" : "\n    ")

  # libraries: "S dir", "L loader", "F path defs" lines (tab-separated) on stdin
  ns = 0; nl = 0; nfl = 0
  while ((getline line) > 0) {
    k = split(line, A, "\t")
    if (A[1] == "S") SP[++ns] = A[2]
    else if (A[1] == "L") LD[++nl] = A[2]
    else if (A[1] == "F") { FP[++nfl] = A[2]; FV[nfl] = k >= 3 ? A[3] : "-" }
  }
  for (i = 1; i <= ns; i++) S[i] = SP[i]
  printf "  \"libraries\": {\n    \"searchPaths\": %s,\n", jlist(ns)
  for (i = 1; i <= nl; i++) S[i] = LD[i]
  printf "    \"loaders\": %s,\n    \"files\": [", jlist(nl)
  for (i = 1; i <= nfl; i++) {
    m = 0
    if (FV[i] != "-") { m = split(FV[i], S, " ") }
    printf "%s\n      {\"path\": %s, \"versionDefs\": %s}", (i > 1 ? "," : ""), esc(FP[i]), m ? jlist(m) : "null"
  }
  printf "%s]\n  },\n  \"image\": null,\n", nfl ? "\n    " : ""

  # systemd
  if (ENVIRON["GR_HAVE_UNIT"] != "1") printf "  \"systemd\": null\n"
  else {
    printf "  \"systemd\": {\"unit\": %s, ", esc(ENVIRON["GR_UNIT"])
    if (ENVIRON["GR_SD_OK"] != "1") printf "\"properties\": null, \"note\": %s}\n", esc(ENVIRON["GR_SD_NOTE"])
    else {
      np = split(ENVIRON["GR_SYSTEMD_PROPERTIES"], PN, " ")
      split("", PV)
      n = split(ENVIRON["GR_SD_OUT"], L, "\n")
      for (i = 1; i <= n; i++) {
        p = index(L[i], "=")
        if (p > 1) { k = substr(L[i], 1, p - 1); if (!(k in PV)) PV[k] = substr(L[i], p + 1) }
      }
      printf "\"properties\": {"
      for (i = 1; i <= np; i++) printf "%s\"%s\": %s", (i > 1 ? ", " : ""), PN[i], (PN[i] in PV) ? esc(PV[PN[i]]) : "null"
      printf "}, \"note\": null}\n"
    }
  }
  printf "}\n"
}'
