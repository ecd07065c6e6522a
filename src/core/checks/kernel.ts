import { binaryLibc, type CheckInput, compareVersions, goVersionParts, numericVersion } from '../facts/target.js';
import type { Finding } from './finding.js';

/**
 * The target's kernel and container runtime against what the Go runtime and libc expect.
 *   GR-KERNEL-001  kernel older than the minimum of the binary's Go release
 *   GR-SECCOMP-001 glibc ≥ 2.34 (clone3) under a container runtime whose seccomp profile returns EPERM for it
 */
export function kernelChecks({ binary: r, target }: CheckInput): Finding[] {
  if (!target || r.file.format !== 'elf') return [];
  const out: Finding[] = [];
  const release = target.host.kernel.release;
  const kernel = numericVersion(release);
  const go = goVersionParts(r.go.version);
  if (kernel && go) {
    const min = minimumKernel(go, r.file.arch);
    if (compareVersions(kernel, min.version) < 0) {
      out.push({
        id: 'GR-KERNEL-001',
        severity: 'fatal',
        title: `${r.go.version} needs Linux ≥ ${min.version.join('.')}; ${target.name} runs ${release}`,
        subject: r.path,
        evidence: [`Go version ${r.go.version} (${r.file.arch})`, `${target.name}: kernel ${release}`, min.why],
        fix: `Go does not support this kernel: the runtime relies on system calls it lacks, so the binary fails at start or later. Upgrade the kernel, or build with the newest Go release that supports ${release}.`,
        refs: ['https://go.dev/wiki/MinimumRequirements#linux'],
      });
    }
  }

  // clone3: glibc ≥ 2.34 creates threads with clone3 and falls back only on ENOSYS; Docker before
  // 20.10.10 answered EPERM from its default seccomp profile.
  const glibc = numericVersion(target.host.libc.family === 'glibc' ? target.host.libc.version : null);
  const versions = target.host.container.runtimeVersions ?? {};
  const docker = versions.dockerd ?? versions.docker ?? null;
  const dockerV = numericVersion(docker);
  if (binaryLibc(r) === 'glibc' && glibc && compareVersions(glibc, [2, 34]) >= 0 && dockerV && compareVersions(dockerV, [20, 10, 10]) < 0) {
    out.push({
      id: 'GR-SECCOMP-001',
      severity: 'fatal',
      title: `glibc ${target.host.libc.version} calls clone3, which Docker ${docker}'s seccomp profile rejects with EPERM`,
      subject: r.path,
      evidence: [
        `${target.name}: glibc ${target.host.libc.version}`,
        `${target.name}: Docker ${docker} (clone3 allowed from 20.10.10)`,
        `interpreter ${r.linkage.interpreter}`,
      ],
      fix: 'The cgo runtime aborts with "runtime/cgo: pthread_create failed: Operation not permitted". Upgrade Docker to ≥ 20.10.10 (and libseccomp), or use an image with glibc < 2.34, or build with CGO_ENABLED=0. --security-opt seccomp=unconfined confirms the cause.',
      refs: ['https://github.com/moby/moby/issues/42680', 'https://github.com/docker-library/official-images/issues/16829'],
    });
  }
  return out;
}

/** Minimum Linux kernel per Go release (go.dev/wiki/MinimumRequirements), with per-arch extras. */
export function minimumKernel(go: [number, number, number], arch: string): { version: number[]; why: string } {
  const at = (maj: number, min: number) => compareVersions(go, [maj, min, 0]) >= 0;
  let version = at(1, 24) ? [3, 2] : at(1, 19) ? [2, 6, 32] : [2, 6, 23];
  let why = at(1, 24) ? 'Go ≥ 1.24 requires Linux 3.2' : at(1, 19) ? 'Go 1.19–1.23 require Linux 2.6.32' : 'Go ≤ 1.18 requires Linux 2.6.23';
  const extra: Record<string, number[]> = { loong64: [5, 19], mips64le: [4, 8] };
  const e = extra[arch];
  if (e && compareVersions(e, version) > 0) {
    version = e;
    why = `Go on ${arch} requires Linux ${e.join('.')}`;
  }
  return { version, why };
}
