import { type CheckInput, compareVersions, goVersionParts, numericVersion } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** The target's kernel against the binary's Go release (GR-KERNEL-*; rules.ts has each rule). */
export const kernelChecks = {
  'GR-KERNEL-001': onTarget(({ binary: r, target }) => {
    const release = target.host.kernel.release;
    const kernel = numericVersion(release);
    const go = goVersionParts(r.go.version);
    if (!kernel || !go) return null;
    const min = minimumKernel(go, r.file.arch);
    if (compareVersions(kernel, min.version) >= 0) return null;
    return {
      title: `${r.go.version} needs Linux ≥ ${min.version.join('.')}; ${target.name} runs ${release}`,
      evidence: [`Go version ${r.go.version} (${r.file.arch})`, `${target.name}: kernel ${release}`, min.why],
      fix: `Go does not support this kernel: the runtime relies on system calls it lacks, so the binary fails at start or later. Upgrade the kernel, or build with the newest Go release that supports ${release}.`,
    };
  }),
} satisfies Checks<CheckInput>;

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
