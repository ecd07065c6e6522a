import type { InspectReport } from '../facts/binary.js';
import { binaryLibc, type CheckInput, setting, type Target } from '../facts/target.js';
import { resolveLibrary as resolve } from '../linux/loader.js';
import { type Checks, onTarget } from './check.js';

/** The binary's C library needs against the target's (GR-LIBC-*; rules.ts has each rule). */
export const libcChecks = {
  'GR-LIBC-001': onTarget(({ binary: r, target }) => {
    const host = target.host;
    const libs = host.libraries;
    if (r.linkage.static || !libs || libcMismatch(r, target)) return null;
    const runpath = runpathOf(r);
    const lacking: { lib: string; path: string; versions: { name: string; symbols: string[] }[]; defined: string[] }[] = [];
    for (const need of r.linkage.versionNeeds) {
      const file = resolve(need.file, runpath, libs);
      let defs = file?.versionDefs ?? null;
      if (!defs && need.file === 'libc.so.6' && host.libc.versionDefs) defs = host.libc.versionDefs;
      // A library whose definitions were not collected cannot be judged; a missing one is GR-LINK-002.
      if (!file || !defs) continue;
      const absent = need.versions.filter((v) => !defs.includes(v.name));
      if (absent.length) lacking.push({ lib: need.file, path: file.path, versions: absent, defined: defs });
    }
    if (!lacking.length) return null;
    const all = lacking.flatMap((l) => l.versions.map((v) => v.name));
    const glibcMax = (defs: string[]) =>
      defs
        .map((d) => /^GLIBC_(\d+)\.(\d+)/.exec(d))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [Number(m[1]), Number(m[2])] as const)
        .sort((a, b) => a[0] - b[0] || a[1] - b[1])
        .at(-1);
    const evidence: string[] = [];
    for (const l of lacking) {
      for (const v of l.versions) evidence.push(`${l.lib} (${l.path}) does not define ${v.name}, needed by ${v.symbols.join(', ') || 'the binary'}`);
      const max = glibcMax(l.defined);
      if (max) evidence.push(`${target.name}: ${l.lib} defines up to GLIBC_${max[0]}.${max[1]}`);
    }
    if (host.libc.version) evidence.push(`${target.name}: glibc ${host.libc.version}`);
    if (r.linkage.minGlibc) evidence.push(`binary needs glibc ≥ ${r.linkage.minGlibc}`);
    const cgo = setting(r, 'CGO_ENABLED');
    if (cgo) evidence.push(`build setting CGO_ENABLED=${cgo}`);
    return {
      title: `${target.name} lacks symbol version${all.length > 1 ? 's' : ''} ${all.join(', ')}`,
      evidence,
      fix: `The loader refuses to start it: "version '${all[0]}' not found (required by ${baseName(r.path)})". The binary was linked with cgo against a newer glibc than the target has (usually: built on a newer distro, or Go ≥ 1.20 turned cgo on for net/os/user). Build with CGO_ENABLED=0, or build in an image whose glibc is no newer than the target's${host.libc.version ? ` (${host.libc.version}${DEBIAN_BUILD_IMAGE[host.libc.version] ? `: golang:<version>-${DEBIAN_BUILD_IMAGE[host.libc.version]}` : ''})` : ''}.`,
    };
  }),

  'GR-LIBC-002': onTarget(({ binary: r, target }) => {
    const mismatch = r.linkage.static ? null : libcMismatch(r, target);
    if (!mismatch) return null;
    const { want, have } = mismatch;
    const libc = target.host.libc;
    return {
      title: `Linked against ${want}, but ${target.name} has ${have}`,
      evidence: [
        `interpreter ${r.linkage.interpreter}`,
        `${target.name}: ${have}${libc.version ? ` ${libc.version}` : ''} (${libc.file ?? 'libc'})`,
        ...(setting(r, 'CGO_ENABLED') ? [`build setting CGO_ENABLED=${setting(r, 'CGO_ENABLED')}`] : []),
      ],
      fix: `exec fails with "no such file or directory" (a shell says "not found") because the loader is missing. Build with CGO_ENABLED=0 for a static binary, or build in a ${have} image (e.g. golang:alpine for musl).`,
    };
  }),
} satisfies Checks<CheckInput>;

/**
 * A glibc-linked binary on a musl target or the reverse (GR-LIBC-002); null when they agree or
 * either is unknown. The other loader and library rules stay silent then: nothing else can load.
 */
export function libcMismatch(r: InspectReport, target: Target): { want: string; have: string } | null {
  const want = binaryLibc(r);
  const have = target.host.libc.family;
  return want !== null && have !== 'unknown' && want !== have ? { want, have } : null;
}

/** The directories the loader searches first: RUNPATH, or RPATH when there is no RUNPATH. */
export function runpathOf(r: InspectReport): string[] {
  return [...r.linkage.runpath, ...(r.linkage.runpath.length ? [] : r.linkage.rpath)];
}

/** Debian releases by glibc version: the golang image suffix that builds against that glibc. */
const DEBIAN_BUILD_IMAGE: Record<string, string> = { '2.28': 'buster', '2.31': 'bullseye', '2.36': 'bookworm', '2.41': 'trixie' };

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
