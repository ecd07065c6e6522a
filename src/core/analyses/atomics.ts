import type { Finding } from '../checks/finding.js';
import type { X86Decoder } from '../code/amd64.js';
import { type AtomicCounts, arm32Atomics, arm64Atomics, type FlagRange, type FunctionAtomics, LSE_FLAG_SYMBOLS, x86Atomics } from '../code/atomics.js';
import { scanArm64Atomics } from '../code/atomics-scan.js';
import { functionCode } from '../code/functions.js';
import { FormatError, UnsupportedError } from '../errors.js';
import type { InspectReport } from '../facts/binary.js';
import { setting } from '../facts/target.js';
import { readBuildInfo } from '../go/buildinfo.js';
import { ModinfoError, parseModinfo } from '../go/modinfo.js';
import { findPclntab, openListing, type PclnFormat, type PclnFunction, type Pclntab, readPclntab } from '../go/pclntab.js';
import { generatedPrefixOf, packageOf } from '../go/pkgname.js';
import { findGoVersion, splitGoVersion } from '../go/version.js';
import type { CpuModel } from '../linux/cpus.js';
import type { ObjectFile } from '../object/types.js';

/** `goready atomics --format json`: see schema/atomics-report.schema.json. */
export interface AtomicsReport {
  path: string;
  arch: string;
  goVersion: string | null;
  /** The GOARM64 build setting (Go ≥ 1.23), null when not recorded. */
  goarm64: string | null;
  lse: { total: number; guarded: number; unguarded: number };
  llsc: { total: number };
  ldar: number;
  stlr: number;
  dmb: number;
  lock: number;
  xchg: number;
  mfence: number;
  /** arm64: some LSE instruction runs without a runtime check, so the CPU must have LSE (FEAT_LSE, "atomics"). */
  requiresLSE: boolean;
  /** The flag symbols found (unstripped binaries); the guard test is matched by shape otherwise. */
  flagSymbols: string[];
  /** Every function with at least one atomic instruction, in address order. */
  functions: FunctionAtomics[];
  /** Functions whose code was not in the file (corrupt entries). */
  skippedFunctions: number;
}

/** One entry of `goready atomics --format json`: the census, its packages when asked, and the verdict for the target (null without one). */
export interface AtomicsResult extends AtomicsReport {
  packages?: PackageAtomics[];
  verdict: { target: string; cpu: CpuModel | null; lse: boolean; cores: number | null; findings: Finding[] } | null;
}

/** The census as the CLI and the page print it (the verdict from atomics-verdict.ts, or null). */
export function atomicsResult(r: AtomicsReport, verdict: AtomicsResult['verdict'], byPackage = false): AtomicsResult {
  return { ...r, ...(byPackage ? { packages: atomicsByPackage(r) } : {}), verdict };
}

export interface PackageAtomics extends AtomicCounts {
  package: string;
  functions: number;
  lseUnguarded: number;
}

/** What the census needs besides the bytes: an x86 decoder (iced-x86, loaded by the Node edge) for amd64/386. */
export interface AtomicsDeps {
  x86?: (bits: 64 | 32) => X86Decoder;
}

export class UnsupportedArchError extends Error {
  override name = 'UnsupportedArchError';
}

/** What the census repeats about a binary besides its code: from `inspect`, or read by `atomicsOfObject`. */
interface AtomicsFacts {
  goVersion: string | null;
  /** The GOARM64 build setting, null when not recorded. */
  goarm64: string | null;
}

/** The census of one Go binary (one object: a universal Mach-O slice is one object), with the facts `inspect` found. */
export async function atomicsReport(obj: ObjectFile, report: InspectReport, deps: AtomicsDeps = {}): Promise<AtomicsReport> {
  const facts = { goVersion: report.go.version, goarm64: setting(report, 'GOARM64') ?? null };
  return census(obj, { path: report.path, arch: report.file.arch, facts: async () => facts }, deps);
}

/**
 * As `atomicsReport`, without inspecting the binary first: only the Go version and GOARM64 are
 * read (build info, else the version as `inspect` finds it), after the census, so a file with no
 * function table fails before any scan.
 */
export async function atomicsOfObject(obj: ObjectFile, path: string, deps: AtomicsDeps = {}): Promise<AtomicsReport> {
  return census(obj, { path, arch: obj.arch, facts: () => readFacts(obj) }, deps);
}

/** Build info and version readers tolerate damage as `inspect` does: a damaged structure is a missing fact. */
async function tolerant<T>(f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof FormatError || e instanceof UnsupportedError || e instanceof ModinfoError) return null;
    throw e;
  }
}

async function readFacts(obj: ObjectFile): Promise<AtomicsFacts> {
  const raw = await tolerant(() => readBuildInfo(obj));
  const settings = raw ? ((await tolerant(async () => parseModinfo(raw.modinfo)))?.settings ?? []) : [];
  const ver = await tolerant(() => findGoVersion(obj, raw));
  return {
    goVersion: ver?.version ? splitGoVersion(ver.version).version : null,
    goarm64: settings.find((s) => s.key === 'GOARM64')?.value ?? null,
  };
}

async function census(obj: ObjectFile, about: { path: string; arch: string; facts: () => Promise<AtomicsFacts> }, deps: AtomicsDeps): Promise<AtomicsReport> {
  const arch = about.arch;
  if (!['arm64', 'amd64', '386', 'arm'].includes(arch)) throw new UnsupportedArchError(`atomics: ${arch} is not analysed (arm64, amd64, 386, arm are)`);
  const loc = await findPclntab(obj);
  if (!loc) throw new UnsupportedArchError('atomics: no Go function table (pclntab) found');
  const flags: FlagRange[] = [];
  if (arch === 'arm64') {
    for (const [name, s] of await obj.lookupSymbols(LSE_FLAG_SYMBOLS)) flags.push({ name, start: s.value, end: s.value + Math.max(1, s.size) });
  }
  const x86 = arch === 'amd64' || arch === '386' ? deps.x86?.(arch === 'amd64' ? 64 : 32) : undefined;
  if ((arch === 'amd64' || arch === '386') && !x86) throw new UnsupportedArchError(`atomics: ${arch} needs an x86 decoder`);
  // arm64: one pass over the code, naming only the functions with atomics; the table's records are
  // read on demand (header and functab checked here, every entry's order by the scan).
  const index = arch === 'arm64' ? await openListing(obj, loc, { validateOnly: true }) : null;
  const scanned = index ? await scanArm64Atomics(obj, index, flags) : null;
  let functions: FunctionAtomics[];
  let skipped: number;
  let format: PclnFormat;
  if (scanned && index) {
    ({ functions, skipped } = scanned);
    format = index.format;
  } else {
    const tab = await readPclntab(obj, loc, { list: true });
    ({ functions, skipped } = await censusByFunction(obj, tab, arch, flags, x86));
    format = tab.format;
  }
  const prefix = generatedPrefixOf(format);
  for (const f of functions) f.package = packageOf(f.name, prefix);
  const sum = (k: keyof FunctionAtomics) => functions.reduce((n, f) => n + (f[k] as number), 0);
  const guarded = functions.filter((f) => f.guarded).reduce((n, f) => n + f.lse, 0);
  const lse = sum('lse');
  const facts = await about.facts();
  return {
    path: about.path,
    arch,
    goVersion: facts.goVersion,
    goarm64: facts.goarm64,
    lse: { total: lse, guarded, unguarded: lse - guarded },
    llsc: { total: sum('llsc') },
    ldar: sum('ldar'),
    stlr: sum('stlr'),
    dmb: sum('dmb'),
    lock: sum('lock'),
    xchg: sum('xchg'),
    mfence: sum('mfence'),
    requiresLSE: lse > guarded,
    flagSymbols: flags.map((f) => f.name),
    functions,
    skippedFunctions: skipped,
  };
}

/** The census function by function, each read on its own (amd64/386/arm, and arm64 code the one-pass scan cannot take). */
async function censusByFunction(
  obj: ObjectFile,
  tab: Pclntab,
  arch: string,
  flags: readonly FlagRange[],
  x86: X86Decoder | undefined,
): Promise<{ functions: FunctionAtomics[]; skipped: number }> {
  const skipped = { count: 0 };
  const functions: FunctionAtomics[] = [];
  for await (const code of functionCode(obj, tab.functions, { skipped })) {
    const f = tab.functions[code.index] as PclnFunction;
    const r =
      arch === 'arm64'
        ? arm64Atomics(f, code.bytes, flags)
        : arch === 'arm'
          ? arm32Atomics(f, code.bytes)
          : x86Atomics(f, code.bytes, x86 as X86Decoder, arch === 'amd64');
    if (r) functions.push(r);
  }
  return { functions, skipped: skipped.count };
}

/** The census summed per package, most atomic instructions first. */
export function atomicsByPackage(r: AtomicsReport): PackageAtomics[] {
  const m = new Map<string, PackageAtomics>();
  for (const f of r.functions) {
    const p = m.get(f.package) ?? { package: f.package, functions: 0, lse: 0, lseUnguarded: 0, llsc: 0, ldar: 0, stlr: 0, dmb: 0, lock: 0, xchg: 0, mfence: 0 };
    p.functions++;
    p.lse += f.lse;
    if (!f.guarded) p.lseUnguarded += f.lse;
    p.llsc += f.llsc;
    p.ldar += f.ldar;
    p.stlr += f.stlr;
    p.dmb += f.dmb;
    p.lock += f.lock;
    p.xchg += f.xchg;
    p.mfence += f.mfence;
    m.set(f.package, p);
  }
  const weight = (p: PackageAtomics) => p.lse + p.llsc + p.ldar + p.stlr + p.dmb + p.lock + p.xchg + p.mfence;
  return [...m.values()].sort((a, b) => weight(b) - weight(a) || a.package.localeCompare(b.package));
}
