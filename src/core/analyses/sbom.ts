import { InputError } from '../errors.js';
import type { InspectReport } from '../facts/binary.js';
import type { LinkedLibrary } from '../facts/linked.js';
import type { CryptoFacts } from '../go/crypto.js';
import type { Module } from '../go/modinfo.js';

/**
 * The facts an SBOM states about one Go binary, independent of the SBOM format: the main module,
 * every dependency as compiled in (replacements applied), the toolchain, build settings, crypto
 * mode, and licences where they were found.
 */
export interface SbomModel {
  name: string;
  main: SbomModule;
  deps: SbomModule[];
  go: { version: string | null; experiments: string[] };
  settings: { key: string; value: string }[];
  crypto: CryptoFacts;
  /** Libraries the binary loads at run time (ELF NEEDED, PE DLLs, Mach-O dylibs). */
  linked: string[];
  /** With a host: where each linked library is, its Debian package and licence. */
  linkedDetails?: LinkedLibrary[];
  goos: string | null;
  goarch: string;
  /** The build info records no modules (GOPATH, Bazel/Blaze builds): the dependencies are unknown, not none. */
  noModuleList: boolean;
}

export interface SbomModule {
  path: string;
  version: string;
  /** How a `(devel)` main-module version was replaced, when it was. */
  versionDerived?: 'vcs' | 'ldflags';
  /** Empty when the module is unknown (a build info without modules names none). */
  purl: string;
  /** Go's h1: dirhash, and the SHA-256 digest it encodes (hex). */
  h1?: string;
  sha256?: string;
  replaces?: { path: string; version: string };
  /** SPDX expression classified from the licence files found offline; null when none was found. */
  licenseConcluded: string | null;
}

/** pkg:golang/<path>@<version>, module path case kept (Go paths are case-sensitive). */
export function goPurl(path: string, version: string): string {
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  return `pkg:golang/${enc(path)}${version ? `@${encodeURIComponent(version)}` : ''}`;
}

/**
 * The Go toolchain's standard library, compiled into every Go binary: a package of its own, as
 * govulncheck and the Go vulnerability database name it (pkg:golang/stdlib@v1.N.M), BSD-3-Clause.
 */
export function stdlibModule(s: SbomModel): SbomModule | null {
  const v = /^go(\d+(?:\.\d+)*)/.exec(s.go.version ?? '')?.[1];
  if (!v) return null;
  return { path: 'stdlib', version: `v${v}`, purl: goPurl('stdlib', `v${v}`), licenseConcluded: 'BSD-3-Clause' };
}

/** Go's h1: is base64 of a SHA-256 digest; SBOMs carry the digest as hex. */
export function h1ToSha256(h1: string): string | undefined {
  if (!h1.startsWith('h1:')) return undefined;
  try {
    const bin = atob(h1.slice(3));
    if (bin.length !== 32) return undefined;
    let hex = '';
    for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, '0');
    return hex;
  } catch {
    // Not base64: an h1: sum that encodes no SHA-256 has none to report.
    return undefined;
  }
}

function setting(settings: { key: string; value: string }[], key: string): string | null {
  return settings.find((s) => s.key === key)?.value ?? null;
}

/**
 * A version for a `(devel)` main module: `-X <main>.version=…`-style ldflags first (the release
 * the builder meant), else a pseudo-version from vcs.revision and vcs.time.
 */
export function deriveMainVersion(mainPath: string, settings: { key: string; value: string }[]): { version: string; from: 'vcs' | 'ldflags' } | null {
  const ldflags = setting(settings, '-ldflags') ?? '';
  for (const m of ldflags.matchAll(/-X[= ]'?"?([^=\s'"]+)=([^\s'"]+)/g)) {
    const sym = m[1] as string;
    const pkg = sym.slice(0, sym.lastIndexOf('.'));
    const name = sym.slice(sym.lastIndexOf('.') + 1);
    if (/^(version|Version|gitVersion|GitVersion|tag|Tag)$/.test(name) && (pkg === 'main' || pkg === mainPath || pkg.startsWith(`${mainPath}/`))) {
      const v = m[2] as string;
      return { version: v.startsWith('v') ? v : `v${v}`, from: 'ldflags' };
    }
  }
  const rev = setting(settings, 'vcs.revision');
  const time = setting(settings, 'vcs.time');
  if (rev && time) {
    const t = time.replace(/[-:TZ]/g, '').slice(0, 14);
    if (/^\d{14}$/.test(t)) return { version: `v0.0.0-${t}-${rev.slice(0, 12)}${setting(settings, 'vcs.modified') === 'true' ? '+dirty' : ''}`, from: 'vcs' };
  }
  return null;
}

function moduleOf(m: Module, licence: string | null): SbomModule {
  const used = m.replace ?? m;
  const out: SbomModule = { path: m.path, version: m.version, purl: goPurl(m.path, m.version), licenseConcluded: licence };
  // The bytes compiled in are the replacement's; its sum is the one that identifies them.
  const sum = used.sum || m.sum;
  if (sum) {
    out.h1 = sum;
    const hex = h1ToSha256(sum);
    if (hex) out.sha256 = hex;
  }
  if (m.replace) out.replaces = { path: m.replace.path, version: m.replace.version };
  return out;
}

/** The SBOM facts of an inspected binary; `licences` maps module path → concluded expression. */
export function sbomModel(r: InspectReport, licences: Map<string, string | null> = new Map()): SbomModel {
  const bi = r.buildInfo;
  if (!bi) throw new InputError(r.path, 'no build info: the binary carries no module list to describe');
  const mainPath = bi.main?.path || bi.path;
  let main: SbomModule;
  if (bi.main?.path) main = moduleOf(bi.main, licences.get(bi.main.path) ?? null);
  else if (mainPath) main = { path: mainPath, version: '', purl: goPurl(mainPath, ''), licenseConcluded: null };
  // No module and no package path (Bazel, Go < 1.18 outside module mode): the file names it, and
  // there is no Go package URL to give.
  else main = { path: r.path.split('/').pop() || r.path, version: '', purl: '', licenseConcluded: null };
  if (!main.version || main.version === '(devel)') {
    const d = deriveMainVersion(mainPath, bi.settings);
    if (d) {
      main.version = d.version;
      main.versionDerived = d.from;
      main.purl = goPurl(main.path, d.version);
    } else if (main.version === '(devel)') {
      // A purl version names a release; (devel) names none.
      main.purl = goPurl(main.path, '');
    }
  }
  return {
    name: main.path,
    main,
    deps: bi.deps.map((d) => moduleOf(d, licences.get(d.path) ?? null)),
    go: { version: r.go.version, experiments: r.go.experiments },
    settings: bi.settings,
    crypto: r.go.crypto,
    linked: r.linkage.needed,
    goos: setting(bi.settings, 'GOOS'),
    goarch: setting(bi.settings, 'GOARCH') ?? r.file.arch,
    noModuleList: !bi.main && !bi.deps.length,
  };
}
