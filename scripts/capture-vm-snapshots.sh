#!/usr/bin/env bash
# Captures real host snapshots of two QEMU virtual machines with the POSIX sh collector
# (`goready host --script`) and saves them, exactly as the script printed them, in
# test/data/hosts/:
#
#   amd64  qemu-x86_64-qemu64-sh.json       qemu-system-x86_64 -cpu qemu64 (no AVX: x86-64 v1/v2)
#   arm64  qemu-arm64-cortex-a53-sh.json    qemu-system-aarch64 -M virt -cpu cortex-a53 (ARMv8.0,
#                                           no LSE atomics)
#
# Run by hand, as root, in a checkout with `npm run build` done. It is NOT run by CI: it downloads
# about 130 MB of Debian packages and boots two VMs under TCG software emulation (some 10-30 s each
# on a 2-core machine, more on a slow one); the snapshots it writes are kept in the repository.
#
# Each VM boots Debian's own 6.1 kernel (linux-image-<abi>-<arch>, the version that the
# linux-image-<arch> meta package points at, downloaded with `apt-get download` and unpacked with
# dpkg-deb, never installed) with a tiny initramfs: Debian's busybox-static for that architecture
# as /bin/busybox, the collector at /goready-host.sh, an honest /etc/os-release and an /init that
# mounts proc, sysfs and devtmpfs (no cgroup, tracefs or network), installs the busybox applet
# links, prints the collector's output between marker lines on the serial console and powers off.
# The JSON between the markers (the console's \r stripped) is checked with
# `goready host --validate` before it replaces the file in test/data/hosts/.
#
#   bash scripts/capture-vm-snapshots.sh [amd64] [arm64]      (default: both)
#
# Environment: GOREADY_VM_CACHE (downloads, initramfs and console logs; default <repo>/.corpus/vm),
# GOREADY_VM_OUT (where the snapshots go; default <repo>/test/data/hosts),
# GOREADY_VM_TIMEOUT (seconds per boot; default 900).
# The arm64 packages are fetched with apt's APT::Architectures option for that one call; dpkg's
# architecture list is left as it is.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="${GOREADY_VM_CACHE:-$ROOT/.corpus/vm}"
OUT="${GOREADY_VM_OUT:-$ROOT/test/data/hosts}"
TIMEOUT="${GOREADY_VM_TIMEOUT:-900}"
CLI="$ROOT/dist/cli/main.js"
BEGIN_MARK='=====GOREADY-HOST-SNAPSHOT-BEGIN====='
END_MARK='=====GOREADY-HOST-SNAPSHOT-END====='

die() { echo "capture-vm: error: $*" >&2; exit 1; }
log() { echo "capture-vm: $*" >&2; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get, and mknod for the initramfs's /dev/console)"
[ -f "$CLI" ] || die "$CLI missing: run npm run build first"

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(amd64 arm64)
for t in "${targets[@]}"; do
  case $t in amd64|arm64) ;; *) die "unknown target $t (amd64 or arm64)" ;; esac
done

# Host tools, from Debian.
need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
command -v qemu-system-aarch64 >/dev/null || need+=(qemu-system-arm)
command -v cpio >/dev/null || need+=(cpio)
command -v gzip >/dev/null || need+=(gzip)
command -v timeout >/dev/null || need+=(coreutils)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

mkdir -p "$CACHE/dl"
APT_ARCHS=(-o APT::Architectures::=amd64 -o APT::Architectures::=arm64)
log "apt-get update (amd64 + arm64 package lists)"
apt-get "${APT_ARCHS[@]}" update -qq

# fetch PKG:ARCH -> path of the downloaded .deb (cached in $CACHE/dl).
fetch() {
  local spec=$1 name=${1%%:*} arch=${1##*:} deb
  deb=$(ls "$CACHE/dl/${name}_"*"_${arch}.deb" 2>/dev/null | head -n 1 || true)
  if [ -z "$deb" ]; then
    (cd "$CACHE/dl" && apt-get "${APT_ARCHS[@]}" -o APT::Sandbox::User=root -qq download "$spec" >&2)
    deb=$(ls "$CACHE/dl/${name}_"*"_${arch}.deb" | head -n 1)
  fi
  [ -f "$deb" ] || die "could not download $spec"
  printf '%s\n' "$deb"
}

# deb_version DEB -> the package's Version field.
deb_version() { dpkg-deb -f "$1" Version; }

capture() {
  local arch=$1 qemu qemu_args console out kpkg kdeb bdeb work kernel kver bver qver initrd conlog
  case $arch in
    amd64)
      qemu='qemu-system-x86_64'
      qemu_args=(-M pc -accel tcg -cpu qemu64)
      console=ttyS0
      out='qemu-x86_64-qemu64-sh.json'
      ;;
    arm64)
      qemu='qemu-system-aarch64'
      qemu_args=(-M virt -accel tcg -cpu cortex-a53)
      console=ttyAMA0
      out='qemu-arm64-cortex-a53-sh.json'
      ;;
  esac

  # The ABI package the linux-image-<arch> meta package depends on (linux-image-6.1.0-N-<arch>).
  kpkg=$(apt-cache "${APT_ARCHS[@]}" depends "linux-image-$arch:$arch" |
    sed -n 's/^ *Depends: \(linux-image-[0-9][^:]*\).*/\1/p' | head -n 1)
  [ -n "$kpkg" ] || die "cannot resolve linux-image-$arch to a kernel package"
  kdeb=$(fetch "$kpkg:$arch")
  bdeb=$(fetch "busybox-static:$arch")
  kver=$(deb_version "$kdeb")
  bver=$(deb_version "$bdeb")
  qver=$("$qemu" --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
  log "$arch: $kpkg $kver, busybox-static $bver, $qemu $qver"

  work="$CACHE/$arch"
  rm -rf "$work"
  mkdir -p "$work/kernel" "$work/busybox" "$work/initramfs"
  dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*'
  kernel=$(ls "$work/kernel/boot/vmlinuz-"* | head -n 1)
  dpkg-deb -x "$bdeb" "$work/busybox"

  # The initramfs.
  local ir="$work/initramfs"
  mkdir -p "$ir/bin" "$ir/sbin" "$ir/usr/bin" "$ir/usr/sbin" "$ir/etc" "$ir/proc" "$ir/sys" \
    "$ir/dev" "$ir/tmp" "$ir/root"
  cp "$work/busybox/bin/busybox" "$ir/bin/busybox"
  chmod 755 "$ir/bin/busybox"
  ln -s busybox "$ir/bin/sh"
  mknod -m 600 "$ir/dev/console" c 5 1
  mknod -m 666 "$ir/dev/null" c 1 3
  node "$CLI" host --script > "$ir/goready-host.sh"
  cat > "$ir/etc/os-release" <<EOF
NAME="goready initramfs"
ID=goready-initramfs
VERSION_ID=1
PRETTY_NAME="busybox initramfs on Debian's 6.1 kernel under QEMU (busybox-static $bver, $kpkg $kver, QEMU $qver TCG ${qemu_args[*]})"
EOF
  cat > "$ir/init" <<EOF
#!/bin/sh
# goready capture-vm-snapshots.sh: mount, run the collector between markers, power off.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev 2>/dev/null
/bin/busybox --install -s /bin
PATH=/bin:/sbin:/usr/bin:/usr/sbin
HOME=/root
export PATH HOME
# Keep kernel messages off the console while the JSON is printed.
dmesg -n 1
hostname goready-qemu-$arch
cd /
# The firmware leaves escape sequences on the console's last line: start on a new one.
echo
echo '$BEGIN_MARK'
sh /goready-host.sh
rc=\$?
echo '$END_MARK' "rc=\$rc"
sync
poweroff -f
EOF
  chmod 755 "$ir/init"
  initrd="$work/initramfs.cpio.gz"
  (cd "$ir" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) |
    gzip -9 -n > "$initrd"

  conlog="$CACHE/$arch.console.log"
  log "$arch: booting ($qemu ${qemu_args[*]} -m 512M -smp 2), console in $conlog"
  local t0=$SECONDS
  timeout "$TIMEOUT" "$qemu" "${qemu_args[@]}" -m 512M -smp 2 -nographic -no-reboot -nic none \
    -kernel "$kernel" -initrd "$initrd" -append "console=$console quiet panic=-1" \
    < /dev/null > "$conlog" 2>&1 || die "$arch: $qemu failed or timed out (see $conlog)"
  log "$arch: VM ran for $((SECONDS - t0)) s"

  grep -q "^$END_MARK rc=0" <(tr -d '\r' < "$conlog") ||
    die "$arch: no '$END_MARK rc=0' line on the console (see $conlog)"
  local json="$work/snapshot.json"
  # The begin marker may follow the firmware's escape sequences on its line; the end marker starts one.
  tr -d '\r' < "$conlog" | sed -n "/$BEGIN_MARK\$/,/^$END_MARK /p" | sed '1d;$d' > "$json"
  node "$CLI" host --validate "$json" >&2 || die "$arch: the snapshot does not validate (see $json)"
  cp "$json" "$OUT/$out"
  log "$arch: wrote $OUT/$out"
}

for t in "${targets[@]}"; do capture "$t"; done
