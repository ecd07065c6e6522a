import type { LibraryFile } from '../facts/host.js';
import { binaryLibc, type CheckInput, setting, type Target } from '../facts/target.js';
import type { Finding } from './finding.js';

/**
 * The binary's C library needs against the target's.
 *   GR-LIBC-001  a required symbol version (GLIBC_2.34 …) is not defined by the target's library
 *   GR-LIBC-002  a glibc-linked binary on a musl target, or a musl-linked one on glibc
 *   GR-LINK-001  the interpreter (PT_INTERP) does not exist on the target
 *   GR-LINK-002  a NEEDED library is not found on the target's loader path
 */
export function libcChecks({ binary: r, target }: CheckInput): Finding[] {
  if (!target || r.file.format !== 'elf' || r.linkage.static) return [];
  const out: Finding[] = [];
  const host = target.host;
  const want = binaryLibc(r);
  const have = host.libc.family;
  const mismatch = want !== null && have !== 'unknown' && want !== have;
  if (mismatch) {
    out.push({
      id: 'GR-LIBC-002',
      severity: 'fatal',
      title: `Linked against ${want}, but ${target.name} has ${have}`,
      subject: r.path,
      evidence: [
        `interpreter ${r.linkage.interpreter}`,
        `${target.name}: ${have}${host.libc.version ? ` ${host.libc.version}` : ''} (${host.libc.file ?? 'libc'})`,
        ...(setting(r, 'CGO_ENABLED') ? [`build setting CGO_ENABLED=${setting(r, 'CGO_ENABLED')}`] : []),
      ],
      fix: `exec fails with "no such file or directory" (a shell says "not found") because the loader is missing. Build with CGO_ENABLED=0 for a static binary, or build in a ${have} image (e.g. golang:alpine for musl).`,
      refs: ['https://github.com/gliderlabs/docker-alpine/issues/12'],
    });
  }
  const libs = host.libraries;
  if (!libs) return out;

  const interp = r.linkage.interpreter;
  if (interp && !mismatch && !libs.loaders.includes(interp) && !libs.files.some((f) => f.path === interp)) {
    out.push({
      id: 'GR-LINK-001',
      severity: 'fatal',
      title: `The interpreter ${interp} does not exist on ${target.name}`,
      subject: r.path,
      evidence: [`interpreter ${interp}`, `${target.name} loaders: ${libs.loaders.join(', ') || 'none'}`],
      fix: 'exec fails with "no such file or directory". Build with CGO_ENABLED=0, or install the C library the binary was linked against on the target.',
      refs: ['https://man7.org/linux/man-pages/man8/ld.so.8.html'],
    });
  }

  const runpath = [...r.linkage.runpath, ...(r.linkage.runpath.length ? [] : r.linkage.rpath)];
  // $ORIGIN and relative entries depend on where the binary is installed, and a snapshot lists only
  // the loader's search directories: a library that a RUNPATH entry outside them could provide is
  // not judged.
  const unknowable = runpath.some((p) => !p.startsWith('/') || p.includes('$') || !libs.searchPaths.includes(p.replace(/\/+$/, '')));
  const missing: string[] = [];
  for (const soname of r.linkage.needed) {
    if (mismatch) break;
    if (resolve(soname, runpath, libs) === null && !unknowable) missing.push(soname);
  }
  if (missing.length) {
    out.push({
      id: 'GR-LINK-002',
      severity: 'fatal',
      title: `${missing.length === 1 ? 'A needed library is' : 'Needed libraries are'} missing on ${target.name}: ${missing.join(', ')}`,
      subject: r.path,
      evidence: [
        ...missing.map((m) => `NEEDED ${m}: not in ${[...runpath, ...libs.searchPaths].join(', ')}`),
        ...(runpath.length ? [`RUNPATH ${runpath.join(':')}`] : []),
      ],
      fix: `The loader stops with "error while loading shared libraries: ${missing[0]}: cannot open shared object file". Install the package that ships it on the target, or build with CGO_ENABLED=0 so nothing is needed.`,
      refs: ['https://man7.org/linux/man-pages/man8/ld.so.8.html'],
    });
  }

  if (mismatch) return out;
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
  if (lacking.length) {
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
    out.push({
      id: 'GR-LIBC-001',
      severity: 'fatal',
      title: `${target.name} lacks symbol version${all.length > 1 ? 's' : ''} ${all.join(', ')}`,
      subject: r.path,
      evidence,
      fix: `The loader refuses to start it: "version '${all[0]}' not found (required by ${baseName(r.path)})". The binary was linked with cgo against a newer glibc than the target has (usually: built on a newer distro, or Go ≥ 1.20 turned cgo on for net/os/user). Build with CGO_ENABLED=0, or build in an image whose glibc is no newer than the target's${host.libc.version ? ` (${host.libc.version}${DEBIAN_BUILD_IMAGE[host.libc.version] ? `: golang:<version>-${DEBIAN_BUILD_IMAGE[host.libc.version]}` : ''})` : ''}.`,
      refs: ['https://github.com/golang/go/issues/58550', 'https://github.com/docker-library/golang/issues/466'],
    });
  }
  return out;
}

/** Debian releases by glibc version: the golang image suffix that builds against that glibc. */
const DEBIAN_BUILD_IMAGE: Record<string, string> = { '2.28': 'buster', '2.31': 'bullseye', '2.36': 'bookworm', '2.41': 'trixie' };

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** Where the loader would find `soname` on the target: absolute RUNPATH dirs, then the search path. */
export function resolve(soname: string, runpath: readonly string[], libs: NonNullable<Target['host']['libraries']>): LibraryFile | null {
  if (soname.includes('/')) return libs.files.find((f) => f.path === soname) ?? null;
  for (const dir of [...runpath.filter((p) => p.startsWith('/')), ...libs.searchPaths]) {
    const path = `${dir.replace(/\/+$/, '')}/${soname}`;
    const hit = libs.files.find((f) => f.path === path);
    if (hit) return hit;
  }
  return null;
}
