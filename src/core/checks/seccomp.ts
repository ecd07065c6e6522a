import { binaryLibc, type CheckInput, compareVersions, numericVersion } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** System calls the target's sandbox refuses (GR-SECCOMP-*; rules.ts has each rule). */
export const seccompChecks = {
  // clone3: glibc ≥ 2.34 creates threads with clone3 and falls back only on ENOSYS; Docker before
  // 20.10.10 answered EPERM from its default seccomp profile.
  'GR-SECCOMP-001': onTarget(({ binary: r, target }) => {
    const libc = target.host.libc;
    const glibc = numericVersion(libc.family === 'glibc' ? libc.version : null);
    const versions = target.host.container.runtimeVersions ?? {};
    const docker = versions.dockerd ?? versions.docker ?? null;
    const dockerV = numericVersion(docker);
    const clone3 = binaryLibc(r) === 'glibc' && !!glibc && compareVersions(glibc, [2, 34]) >= 0;
    if (!clone3 || !dockerV || compareVersions(dockerV, [20, 10, 10]) >= 0) return null;
    return {
      title: `glibc ${libc.version} calls clone3, which Docker ${docker}'s seccomp profile rejects with EPERM`,
      evidence: [
        `${target.name}: glibc ${libc.version}`,
        `${target.name}: Docker ${docker} (clone3 allowed from 20.10.10)`,
        `interpreter ${r.linkage.interpreter}`,
      ],
    };
  }),
} satisfies Checks<CheckInput>;
