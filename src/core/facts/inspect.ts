import { type Damage, damageText, FormatError, UnsupportedError } from '../errors.js';
import { readGoBuildId } from '../go/buildid.js';
import { readBuildInfo } from '../go/buildinfo.js';
import { cryptoFacts } from '../go/crypto.js';
import { type BuildInfoData, ModinfoError, parseModinfo } from '../go/modinfo.js';
import { findPclntab, openListing, type PclnListing, type Pclntab, readPclntab } from '../go/pclntab.js';
import { generatedPrefixOf, packageOf } from '../go/pkgname.js';
import { findGoVersion, splitGoVersion } from '../go/version.js';
import { latin1OrUtf8 } from '../io/bytes.js';
import type { ByteSource } from '../io/source.js';
import { minGlibc } from '../linux/glibc.js';
import { openObject } from '../object/open.js';
import type { Linkage, ObjectFile } from '../object/types.js';
import { isUpxPacked } from '../object/upx.js';
import type { FunctionFacts, InspectReport, PclntabFacts } from './binary.js';

export interface InspectOptions {
  /** Name to report as `path`. */
  path?: string;
  /** List every function from the pclntab. */
  functions?: boolean;
  /** With `functions`, also resolve each function's source file. */
  files?: boolean;
}

/** A damaged structure makes the input malformed (exit 2 in the CLI), even when the rest was read. */
export function isMalformed(r: InspectReport): boolean {
  return r.damage.length > 0;
}

/**
 * Inspects one file: every slice of a universal Mach-O gives its own report. Throws
 * UnsupportedError when the file is not an executable format and FormatError when its headers
 * are unreadable; damage further in is reported in `damage` (and as lines of `diagnosis`).
 */
export async function inspect(src: ByteSource, opts: InspectOptions = {}): Promise<InspectReport[]> {
  const out: InspectReport[] = [];
  for (const { report, functions } of await inspectListing(src, opts)) {
    if (functions) report.functions = [...functions.all()];
    out.push(report);
  }
  return out;
}

/** The functions of an inspected binary, validated, decoded as they are read. */
export interface FunctionListing {
  readonly count: number;
  /** Every function in address order; the listing's table stays in memory, its entries do not. */
  all(): Generator<FunctionFacts>;
}

/**
 * As `inspect`, but with `functions` each report comes with a listing instead of its `functions`
 * array, so a caller that writes them out (the CLI) never holds them all as objects; the table was
 * validated whole, so damage is in the report before the first function is written.
 */
export async function inspectListing(src: ByteSource, opts: InspectOptions = {}): Promise<{ report: InspectReport; functions: FunctionListing | null }[]> {
  const objs = await openObject(src);
  const out: { report: InspectReport; functions: FunctionListing | null }[] = [];
  for (const { obj, fat } of objs) out.push(await inspectObject(obj, opts, fat ? { index: fat.index, count: fat.count } : null));
  return out;
}

/** What one report found wrong, in the order found: damaged structures, and other diagnosis lines. */
type Problems = (Damage | string)[];

/** Runs one reader; a malformed structure is recorded as damage instead of failing the report. */
async function attempt<T>(found: Problems, what: string, f: () => Promise<T>): Promise<T | null> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof FormatError) {
      found.push({ kind: e.kind, detail: `${what}: ${e.detail}` });
    } else if (e instanceof UnsupportedError) {
      found.push(`${what}: ${e.message}`);
    } else if (e instanceof RangeError) {
      // The engine's own limits (string length, stack depth, array size) reached on crafted input:
      // say what was being read instead of surfacing the engine's message alone.
      throw new Error(`reading the ${what}: ${e.message}`);
    } else {
      throw e;
    }
    return null;
  }
}

/** Sections and symbols that only the Go toolchain writes. */
const GO_SECTIONS = new Set([
  '.go.buildinfo',
  '.gopclntab',
  '.gosymtab',
  '.note.go.buildid',
  '__go_buildinfo',
  '__gopclntab',
  '__gosymtab',
  '.go.module',
  '__go_module',
]);

function hasGoSection(obj: ObjectFile): boolean {
  return obj.sections.some((s) => GO_SECTIONS.has(s.name));
}

const RUNTIME_SYMBOLS = ['runtime.main', 'runtime.buildVersion', 'runtime.text'];

async function inspectObject(
  obj: ObjectFile,
  opts: InspectOptions,
  universal: { index: number; count: number } | null,
): Promise<{ report: InspectReport; functions: FunctionListing | null }> {
  const diagnosis: Problems = [...obj.damage];
  const hasSymbols = (await attempt(diagnosis, 'symbol table', () => obj.hasSymbols())) ?? false;
  const linkage: Linkage = (await attempt(diagnosis, 'dynamic section', () => obj.linkage())) ?? {
    static: true,
    interpreter: null,
    needed: [],
    rpath: [],
    runpath: [],
    versionNeeds: [],
  };
  const buildId = await attempt(diagnosis, 'Go build ID', () => readGoBuildId(obj));
  const upx = await isUpxPacked(obj);
  // Runtime symbols only decide when nothing cheaper has: the symbol table of a large binary is
  // megabytes, while Go's sections and build ID note are found in the headers.
  const runtimeSyms =
    hasSymbols && !hasGoSection(obj) && buildId === null
      ? ((await attempt(diagnosis, 'symbol table', () => obj.lookupSymbols(RUNTIME_SYMBOLS)))?.size ?? 0) > 0
      : false;

  // A file with section headers and none of Go's markers is not Go: skip the scans that a Go
  // binary without sections would need, so directory walks over /usr/bin stay fast.
  const markers = hasGoSection(obj) || runtimeSyms || buildId !== null;
  // PE has no Go-specific section names, so a PE file is always searched.
  const mayScan = markers || obj.sections.length === 0 || upx || obj.format === 'pe';

  const raw = mayScan ? await attempt(diagnosis, 'build info', () => readBuildInfo(obj)) : null;
  let buildInfo: BuildInfoData | null = null;
  if (raw) {
    try {
      // Build info with no module lines (Go 1.13–1.17 outside module mode, GOPATH and Bazel builds)
      // is still build info: `go version -m` prints its version line.
      buildInfo = parseModinfo(raw.modinfo);
      buildInfo.goVersion = raw.goVersion;
    } catch (e) {
      if (!(e instanceof ModinfoError)) throw e;
      diagnosis.push({ kind: 'corrupt', detail: `build info at offset 0x${raw.offset.toString(16)}: ${e.message}` });
    }
  }

  let pclntab: PclntabFacts | null = null;
  let functions: FunctionListing | null = null;
  if (mayScan || raw) {
    const loc = await attempt(diagnosis, 'pclntab', () => findPclntab(obj));
    if (loc) {
      const tab = await attempt<Pclntab | PclnListing>(diagnosis, 'pclntab', () =>
        opts.functions ? openListing(obj, loc, { files: !!opts.files }) : readPclntab(obj, loc),
      );
      if (tab) {
        pclntab = {
          format: tab.format,
          functionCount: tab.functionCount,
          locatedBy: loc.locatedBy,
          offset: loc.offset,
          textStart: tab.textStart,
          ptrSize: tab.ptrSize,
          quantum: tab.quantum,
        };
        if (typeof tab.functions === 'function') {
          const listed = tab.functions;
          const prefix = generatedPrefixOf(tab.format);
          functions = {
            count: tab.functionCount,
            all: () => listed((name) => packageOf(name, prefix)) as Generator<FunctionFacts>,
          };
        }
      }
    }
  }

  const isGo = raw !== null || pclntab !== null || buildId !== null || runtimeSyms;
  const ver = isGo || mayScan ? await attempt(diagnosis, 'Go version', () => findGoVersion(obj, raw)) : null;
  const version = ver?.version ?? null;
  const split = version === null ? null : splitGoVersion(version);

  const damage = diagnosis.filter((d): d is Damage => typeof d !== 'string');
  const malformed = damage.length > 0;
  if (upx) diagnosis.push('UPX-packed: code and tables are compressed; unpack with `upx -d` to inspect the Go binary inside');
  if (!isGo && !upx && !malformed) diagnosis.push(`not a Go binary: no Go build info, pclntab, build ID or runtime symbols${await foreignToolchain(obj)}`);
  if (isGo && !raw && !malformed)
    diagnosis.push(
      `no build info: the toolchain wrote none (patched linker, garble, gccgo or Go < 1.13)${version ? `; version ${version} recovered from ${ver?.source === 'symbol' ? 'runtime.buildVersion' : 'a string scan'}` : ''}`,
    );
  if (buildInfo && !buildInfo.main && !buildInfo.deps.length) diagnosis.push(noModuleList(buildInfo));
  if (isGo && raw && !pclntab && !malformed) {
    diagnosis.push('garbled pclntab: build info is present but no valid function table was found (obfuscated, e.g. garble, or damaged)');
  }

  const report: InspectReport = {
    path: opts.path ?? '',
    file: {
      format: obj.format,
      arch: obj.arch,
      bits: obj.bits,
      endian: obj.endian,
      kind: obj.kind,
      size: obj.source.size,
      stripped: !hasSymbols,
      dwarf: obj.hasDWARF,
      buildId,
      universal,
    },
    go: {
      isGo,
      version: split?.version ?? null,
      versionSource: version ? (ver?.source ?? null) : null,
      experiments: split?.experiments ?? [],
      crypto: cryptoFacts(split?.experiments ?? [], buildInfo?.settings ?? []),
    },
    buildInfo,
    pclntab,
    linkage: { ...linkage, minGlibc: minGlibc(linkage.versionNeeds) },
    diagnosis: diagnosis.map((d) => (typeof d === 'string' ? d : damageText(d))),
    damage,
  };
  return { report, functions };
}

/**
 * Build info without a module list: the go command records modules only in module mode, so a
 * GOPATH build (Debian's dh-golang), a Bazel/Blaze build (rules_go links without the go command) or
 * Go < 1.18 outside module mode have none; licences and SBOMs cannot list the dependencies.
 */
function noModuleList(bi: BuildInfoData): string {
  const how = bi.settings.length
    ? bi.path
      ? `built outside module mode (GOPATH, as Debian builds Go packages), main package ${bi.path}`
      : 'built outside module mode'
    : bi.path
      ? `main package ${bi.path}, no build settings`
      : 'only the Go version is recorded (Bazel/Blaze builds, or Go < 1.18 outside module mode)';
  return `no module list in the build info: ${how}; dependencies and their licences cannot be listed from the binary`;
}

/** What built a non-Go binary, when its .comment section says (GCC, clang, rustc write one). */
async function foreignToolchain(obj: ObjectFile): Promise<string> {
  const c = obj.sections.find((s) => s.name === '.comment');
  if (!c || c.fileSize === 0) return '';
  const text = latin1OrUtf8(await obj.source.read(c.offset, Math.min(c.fileSize, 1024)));
  const tools = [
    ...new Set(
      text
        .split('\0')
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
  const rust = tools.find((t) => t.startsWith('rustc'));
  if (rust) return ` (a Rust binary: ${rust})`;
  return tools.length ? ` (built by ${tools.join('; ')})` : '';
}
