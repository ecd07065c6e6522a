#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian bookworm machine: Debian's Go 1.19 (builds the
# fixtures and is the independent truth: go version -m, go tool nm), binutils (readelf, objdump),
# the C toolchain for cgo fixtures, Chromium for the HTML report test, and Debian's packaged Go
# module sources for the licence tests, and for the host snapshot tests busybox and dash (the sh
# collector under both), openssh-server (goready host --ssh against a local sshd), procps (sysctl)
# and util-linux (unshare). Runs apt as root, or through sudo.
#
# From other Debian suites (scripts/apt-sources.sh pins them so nothing installed is upgraded): Go
# 1.21–1.23 from bookworm-backports, 1.24 from trixie, 1.26 and 1.27 from forky (fixtures built by
# each toolchain and checked with that toolchain's own tools), and upx-ucl from bullseye (the
# UPX-packed fixture). For run-time analysis: strace and qemu-user (syscall truth on amd64 and
# arm64), binutils-aarch64-linux-gnu (objdump truth on arm64), python3-seccomp (loads generated
# seccomp profiles), bpftrace (tracing); shellcheck lints the sh collector; wrk and hyperfine run the
# benchmarks; postgresql is the fleet server's database in its tests.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
$SUDO bash "$(dirname "${BASH_SOURCE[0]}")/apt-sources.sh"
PKGS="golang-1.19-go golang-1.21-go golang-1.22-go golang-1.23-go golang-1.24-go golang-1.26-go golang-1.27-go upx-ucl gcc libc6-dev binutils python3 file chromium busybox dash openssh-server procps util-linux iproute2"
# The image reader's test images (scripts/build-images.sh): zstd-compressed layers.
PKGS="$PKGS zstd"
PKGS="$PKGS strace qemu-user binutils-aarch64-linux-gnu binutils-arm-linux-gnueabihf python3-seccomp bpftrace shellcheck wrk hyperfine postgresql"
# goready trace tcp tests: packet loss between network namespaces where the kernel has no sch_netem.
PKGS="$PKGS nftables"
# goready serve's tests: curl pushes the sh collector's snapshot to the fleet server (postgresql above is its database).
PKGS="$PKGS curl"
# golang.org/x/sys sources for the seccomp fixture (its ABI0 syscall wrappers), vendored at build time.
PKGS="$PKGS golang-golang-x-sys-dev"
# Real Go module sources whose Debian copyright files carry licence texts labelled by Debian.
PKGS="$PKGS golang-github-stretchr-testify-dev golang-github-pkg-errors-dev golang-gopkg-yaml.v3-dev golang-github-google-uuid-dev"
PKGS="$PKGS golang-github-spf13-cobra-dev golang-github-davecgh-go-spew-dev golang-github-hashicorp-golang-lru-dev"
# The shells goready completion writes scripts for (test/completion.test.ts runs each).
PKGS="$PKGS zsh fish"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086 # a list of package names
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
for v in 1.19 1.21 1.22 1.23 1.24 1.26 1.27; do
  [ -x "/usr/lib/go-$v/bin/go" ] || { echo "setup: error: /usr/lib/go-$v/bin/go is missing after the install" >&2; exit 1; }
done
echo "setup: Go $(for v in 1.19 1.21 1.22 1.23 1.24 1.26 1.27; do GOTOOLCHAIN=local "/usr/lib/go-$v/bin/go" env GOVERSION; done | sed 's/^go//' | paste -sd' '), $(readelf --version | head -1)"
