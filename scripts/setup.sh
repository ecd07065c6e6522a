#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian bookworm machine: Debian's Go 1.19 (builds the
# fixtures and is the independent truth: go version -m, go tool nm), binutils (readelf, objdump),
# the C toolchain for cgo fixtures, Chromium for the HTML report test, and Debian's packaged Go
# module sources for the licence tests, and for the host snapshot tests busybox and dash (the sh
# collector under both), openssh-server (goready host --ssh against a local sshd), procps (sysctl)
# and util-linux (unshare). Runs apt as root, or through sudo.
set -euo pipefail
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
PKGS="golang-1.19-go gcc libc6-dev binutils python3 file chromium busybox dash openssh-server procps util-linux iproute2"
# The image reader's test images (scripts/build-images.sh): zstd-compressed layers.
PKGS="$PKGS zstd"
# Real Go module sources whose Debian copyright files carry licence texts labelled by Debian.
PKGS="$PKGS golang-github-stretchr-testify-dev golang-github-pkg-errors-dev golang-gopkg-yaml.v3-dev golang-github-google-uuid-dev"
PKGS="$PKGS golang-github-spf13-cobra-dev golang-github-davecgh-go-spew-dev golang-github-hashicorp-golang-lru-dev"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing$missing"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
echo "setup: $(/usr/lib/go-1.19/bin/go version), $(readelf --version | head -1)"
