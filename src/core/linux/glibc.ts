import type { VersionNeed } from '../object/types.js';

/** glibc 2.36 added DT_RELR; binaries linked with -z pack-relative-relocs need it (GLIBC_ABI_DT_RELR). */
const ABI_VERSIONS: Record<string, string> = { GLIBC_ABI_DT_RELR: '2.36' };

/** Compares dotted numeric versions ("2.3.2" < "2.17"). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The glibc version a symbol version requirement implies, e.g. GLIBC_2.34 → 2.34; null when it implies none. */
export function glibcVersionOf(name: string): string | null {
  const abi = ABI_VERSIONS[name];
  if (abi) return abi;
  const m = /^GLIBC_(\d+(?:\.\d+)+)$/.exec(name);
  return m ? (m[1] as string) : null;
}

/** The oldest glibc that satisfies every GLIBC_* requirement, or null when the binary needs none. */
export function minGlibc(needs: readonly VersionNeed[]): string | null {
  let best: string | null = null;
  for (const n of needs) {
    for (const v of n.versions) {
      const g = glibcVersionOf(v.name);
      if (g && (best === null || compareVersions(g, best) > 0)) best = g;
    }
  }
  return best;
}
