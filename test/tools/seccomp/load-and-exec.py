#!/usr/bin/python3
"""Loads an OCI/Docker seccomp profile into the kernel with libseccomp (Debian's python3-seccomp)
and execs a command under it, as runc does: unconditional allow rules, the default action with its
errno, every listed architecture. Names libseccomp does not know (newer than its tables) are
skipped, as runc skips them; they are written to SKIPPED_FILE.

usage: load-and-exec.py PROFILE.json SKIPPED_FILE -- CMD ARGS...
"""
import json
import os
import sys

import seccomp

ARCHES = {
    "SCMP_ARCH_X86_64": seccomp.Arch.X86_64,
    "SCMP_ARCH_X86": seccomp.Arch.X86,
    "SCMP_ARCH_X32": seccomp.Arch.X32,
    "SCMP_ARCH_AARCH64": seccomp.Arch.AARCH64,
    "SCMP_ARCH_ARM": seccomp.Arch.ARM,
}


def main():
    profile_file, skipped_file, dashdash, *cmd = sys.argv[1:]
    if dashdash != "--" or not cmd:
        sys.exit(__doc__)
    with open(profile_file, encoding="utf-8") as f:
        profile = json.load(f)
    if profile["defaultAction"] != "SCMP_ACT_ERRNO":
        sys.exit(f"unsupported defaultAction {profile['defaultAction']}")
    filt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(profile.get("defaultErrnoRet", 1)))
    for name in profile.get("architectures", []):
        arch = ARCHES[name]
        if not filt.exist_arch(arch):
            filt.add_arch(arch)
    skipped = []
    for rule in profile["syscalls"]:
        if rule["action"] != "SCMP_ACT_ALLOW" or rule.get("args"):
            sys.exit(f"unsupported rule {rule}")
        for name in rule["names"]:
            try:
                filt.add_rule(seccomp.ALLOW, name)
            except (ValueError, RuntimeError, OSError):
                skipped.append(name)
    with open(skipped_file, "w", encoding="utf-8") as f:
        json.dump(skipped, f)
    filt.load()
    os.execv(cmd[0], cmd)


main()
