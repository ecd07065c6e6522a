/**
 * The POSIX sh collector that `goready host --script` prints: the same snapshot as the Node
 * collector (collect.ts), for machines without Node. It needs only sh (dash, busybox ash, bash),
 * awk (mawk, gawk, busybox), od, tr, grep, sed, sort, head, uname and date (and ls -ld with
 * GOREADY_ROOT); it reads /proc, /sys and files, and runs `systemctl show` only with --unit.
 *
 * Every value follows the same rule as collect.ts; test/host.test.ts runs this script with dash
 * and with busybox (busybox applets only on PATH) and compares the result field by field with the
 * Node collector's. Where the two differ by design:
 * - libc.versionDefs: the Node collector reads .gnu.version_d with the ELF reader
 *   (src/object/verdef.ts); the script walks the same section with od and awk (ELF header →
 *   section headers → SHT_GNU_verdef entries → their names in the linked string table), so both
 *   list exactly the defined versions, not every GLIBC_ string in the file.
 * - glibc's version: the banner is found with `tr -c ' -~' '\n' | grep -o` (printable runs,
 *   no strings(1), no grep -a), the same pattern the Node collector matches; ldd is never run.
 * - limits, affinity and seccomp are those of the process that reads /proc/self (an awk child of
 *   the script), the same as the script's own unless something in between changed them.
 * - libraries: the same rules as describeRoot (ld.so.conf and its includes, then libDirs; loaders;
 *   every *.so / *.so.* that is a regular file, with versionDefs for glibc's libraries, libgcc_s
 *   and libstdc++ read by the same od/awk walk). With GOREADY_ROOT, symlinks are resolved inside
 *   the root with `ls -ld` (gr_host), as RootFs does in collect.ts; the file list travels to the
 *   final awk on its stdin (it can be larger than an environment variable may be).
 *
 * Kept as a String.raw template: the script must contain no backtick and no dollar-brace.
 */
export const HOST_SCRIPT: string = String.raw`#!/bin/sh
# goready host snapshot collector, POSIX sh edition (printed by "goready host --script").
# Needs only sh, awk, od, tr, grep, sed, sort, head, uname and date (ls with GOREADY_ROOT).
# Prints one JSON document matching schema/host-snapshot.schema.json ("collector": "sh") with the
# same values the Node collector ("goready host") reads on the same machine. Runs nothing else,
# reads /proc, /sys and files; "systemctl show" only with --unit.
#   sh goready-host.sh [--unit NAME] > host.json
#   goready host --script | ssh HOST sh -s -- --unit myapp.service > host.json
# GOREADY_ROOT=DIR reads os-release, libc (musl loader, apk db, libseccomp) and the libraries
# under DIR instead of /, symlinks resolved inside DIR (an extracted image, a chroot).
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
gr_dirs="$gr_dirs /lib64 /usr/lib64 /lib /usr/lib"

# awk helpers for od -t u1 output: b[0..n-1] bytes, u(offset, size) an integer in byte order le.
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
# gr_host PATH: the file to open for PATH (absolute inside the root). Without GOREADY_ROOT, PATH
# itself. With it, every symlink is resolved inside the root, as chroot(2) would (an absolute
# target /lib/x is ROOT/lib/x, ".." stops at the root), with ls -ld; status 1 on a loop.
gr_host() {
  if [ -z "$R" ]; then printf '%s\n' "$1"; return 0; fi
  awk -v root="$R" -v path="$1" '
    BEGIN {
      SQ = sprintf("%c", 39)
      nt = 0; n = split(path, P, "/"); for (i = n; i >= 1; i--) T[++nt] = P[i]
      nd = 0; links = 0
      while (nt > 0) {
        c = T[nt--]
        if (c == "" || c == ".") continue
        if (c == "..") { if (nd > 0) nd--; continue }
        at = root; for (i = 1; i <= nd; i++) at = at "/" D[i]; at = at "/" c
        line = ""
        if (index(at, SQ) == 0) { cmd = "ls -ld " SQ at SQ " 2>/dev/null"; cmd | getline line; close(cmd) }
        k = index(line, at " -> ")
        if (substr(line, 1, 1) != "l" || k == 0) { D[++nd] = c; continue }
        target = substr(line, k + length(at) + 4)
        if (++links > 40) exit 1
        if (substr(target, 1, 1) == "/") nd = 0
        n = split(target, P, "/"); for (i = n; i >= 1; i--) T[++nt] = P[i]
      }
      out = root; for (i = 1; i <= nd; i++) out = out "/" D[i]
      print (nd ? out : out "/")
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
# gr_conf FILE DEPTH: the directories of an ld.so.conf file (a path inside the root), one a line,
# as ldconfig reads it: "#" comments, blanks trimmed, "include PATTERN..." read in place (relative
# to the file's directory, wildcards in the last component, C order), hwcap and relative entries
# skipped, trailing slashes removed; includes nest up to 16 deep.
gr_conf() (
  gr_depth=$2
  [ "$gr_depth" -le 16 ] || exit 0
  gr_h=$(gr_host "$1") || exit 0
  [ -f "$gr_h" ] && [ -r "$gr_h" ] || exit 0
  gr_cd=$(printf '%s\n' "$1" | sed 's#/[^/]*$##')
  sed -e 's/#.*//' -e "s/^[ $TAB]*//" -e "s/[ $TAB]*\$//" "$gr_h" | while IFS= read -r gr_l || [ -n "$gr_l" ]; do
    case $gr_l in
      "include "*|"include$TAB"*)
        set -f
        for gr_p in $(printf '%s\n' "$gr_l" | sed "s/^include[ $TAB]*//"); do
          case $gr_p in /*) ;; *) gr_p=$gr_cd/$gr_p ;; esac
          gr_pd=$(printf '%s\n' "$gr_p" | sed 's#/[^/]*$##')
          gr_pb=$(printf '%s\n' "$gr_p" | sed 's#.*/##')
          [ -n "$gr_pd" ] || gr_pd=/
          gr_ph=$(gr_host "$gr_pd") || continue
          set +f
          for gr_m in "$gr_ph"/$gr_pb; do
            [ -e "$gr_m" ] || [ -h "$gr_m" ] || continue
            gr_mn=$(printf '%s\n' "$gr_m" | sed 's#.*/##')
            if [ "$gr_pd" = / ]; then gr_conf "/$gr_mn" $((gr_depth + 1)); else gr_conf "$gr_pd/$gr_mn" $((gr_depth + 1)); fi
          done
          set -f
        done
        set +f ;;
      "hwcap "*|"hwcap$TAB"*) ;;
      /*) printf '%s\n' "$gr_l" | sed 's#\(.\)/*$#\1#' ;;
    esac
  done
)
GR_LIB_SEARCH=$({ gr_conf /etc/ld.so.conf 0; for d in $gr_dirs; do printf '%s\n' "$d"; done; } | awk '!seen[$0]++')
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
GR_RUNTIMES=
GR_RUNTIME_VERSIONS=
for p in containerd crio crun docker dockerd kubelet podman runc; do
  for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    if [ -f "$d/$p" ] && [ -x "$d/$p" ]; then
      GR_RUNTIMES="$GR_RUNTIMES $p"
      # First line of "PROG --version"; awk keeps the first dotted number of it.
      gr_v=$({ "$d/$p" --version 2>/dev/null </dev/null | head -n 1 | tr -d '\t'; } 2>/dev/null)
      GR_RUNTIME_VERSIONS="$GR_RUNTIME_VERSIONS$p	$gr_v
"
      break
    fi
  done
done

# ---------- systemd unit (only with --unit) ----------
GR_SD_OK=0
GR_SD_OUT=
GR_SD_NOTE=
gr_props=LoadState,LimitNOFILE,LimitNPROC,TasksMax,MemoryMax,CPUQuotaPerSecUSec
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
  GR_PID1_READABLE GR_PID1_HAS GR_PID1_CONTAINER GR_RUNTIMES GR_RUNTIME_VERSIONS GR_SD_OK GR_SD_OUT GR_SD_NOTE GR_DATE
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

  n = split("net.core.somaxconn net.ipv4.tcp_max_syn_backlog net.ipv4.tcp_syncookies net.ipv4.tcp_abort_on_overflow net.ipv4.tcp_tw_reuse net.ipv4.ip_local_port_range net.ipv4.tcp_fin_timeout net.ipv4.tcp_max_tw_buckets net.core.netdev_max_backlog net.core.rmem_max net.core.wmem_max net.ipv4.tcp_rmem net.ipv4.tcp_wmem vm.max_map_count vm.overcommit_memory fs.file-max fs.nr_open kernel.pid_max kernel.threads-max", SY, " ")
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
  split("containerd crio docker kubepods libpod lxc", HW, " ")
  split("", HINT); hints = ""
  if (t != NONE) {
    n = split(t, L, "\n")
    for (i = 1; i <= n; i++) {
      a = index(L[i], ":"); rest = a ? substr(L[i], a + 1) : ""; b = index(rest, ":")
      path = (a && b) ? substr(rest, b + 1) : ""
      for (j = 1; j <= 6; j++) if (index(path, HW[j]) > 0) HINT[HW[j]] = 1
    }
  }
  m = 0
  for (j = 1; j <= 6; j++) if (HW[j] in HINT) S[++m] = HW[j]
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
  m = split(ENVIRON["GR_RUNTIMES"], S, " ")
  nv = split(ENVIRON["GR_RUNTIME_VERSIONS"], RV, "\n"); rvs = ""
  for (j = 1; j <= nv; j++) {
    t = index(RV[j], "\t"); if (!t) continue
    if (match(substr(RV[j], t + 1), /[0-9]+\.[0-9]+(\.[0-9]+)?/)) rvs = rvs (rvs == "" ? "" : ", ") esc(substr(RV[j], 1, t - 1)) ": " esc(substr(substr(RV[j], t + 1), RSTART, RLENGTH))
  }
  printf "  \"container\": {\"dockerenv\": %s, \"containerenv\": %s, \"systemdContainer\": %s, \"pid1Container\": %s, \"pid1EnvironReadable\": %s,\n", \
    jbool(de), jbool(ce), jstr(sc), jstr(p1), jbool(ENVIRON["GR_PID1_READABLE"] == "1")
  printf "    \"cgroupHints\": %s, \"kubernetes\": %s, \"rootFsType\": %s, \"runtime\": %s, \"runtimePrograms\": %s, \"runtimeVersions\": {%s}},\n", \
    hints, jbool(k8s), jstr(rootfs), jstr(rt), jlist(m), rvs

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
      np = split("LoadState LimitNOFILE LimitNPROC TasksMax MemoryMax CPUQuotaPerSecUSec", PN, " ")
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
`;
