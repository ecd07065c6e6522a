#!/usr/bin/env bash
# Runs a command in a constrained environment made for real (root, cgroup v1 mounted at
# /sys/fs/cgroup/{cpu,memory,pids}): a cgroup NAME with cpu.cfs_quota_us=50000 per 100000 µs,
# memory.limit_in_bytes=512 MiB and pids.max=256, a new network namespace (unshare -n) with
# net.core.somaxconn=128, and ulimit -n 1024 -u 4096. Used by test/host.test.ts and to capture
# test/data/hosts/debian12-constrained-sh.json. The cgroup directories stay (empty) for the caller
# to rmdir.
#   bash scripts/constrained.sh NAME 'COMMAND'
set -euo pipefail
name=${1:?usage: constrained.sh NAME COMMAND}
cmd=${2:?usage: constrained.sh NAME COMMAND}
cg=/sys/fs/cgroup
for c in cpu memory pids; do
  [ -e "$cg/$c/cgroup.procs" ] || { echo "constrained.sh: cgroup v1 $c controller not mounted at $cg/$c" >&2; exit 1; }
  mkdir -p "$cg/$c/$name"
done
echo 100000 > "$cg/cpu/$name/cpu.cfs_period_us"
echo 50000 > "$cg/cpu/$name/cpu.cfs_quota_us"
echo $((512 * 1024 * 1024)) > "$cg/memory/$name/memory.limit_in_bytes"
echo 256 > "$cg/pids/$name/pids.max"
# Move this shell in; the unshare below and everything it runs inherit the cgroups.
for c in cpu memory pids; do echo $$ > "$cg/$c/$name/cgroup.procs"; done
exec unshare -n bash -c 'echo 128 > /proc/sys/net/core/somaxconn && ulimit -n 1024 -u 4096 && eval "$1"' constrained "$cmd"
