import type { X86Decoder } from '../../code/amd64.js';
import { goFunctions } from '../../code/functions.js';
import { extractionSupported, extractSyscalls, SUPPORTED_TEXT } from '../../code/syscalls.js';
import { damageText, UnsupportedError } from '../../errors.js';
import { inspect } from '../../facts/inspect.js';
import type { SeccompReport } from '../../facts/seccomp.js';
import type { ByteSource } from '../../io/source.js';
import { openObject } from '../../object/open.js';
import { buildSeccompReport, type ReportInput } from './report.js';

export interface SeccompOptions {
  /** Name to report as `path`. */
  path?: string;
  /** runc (default), crun or none. */
  runtime?: string;
  /** Supplies the x86 decoder for amd64 (64) and 386 (32) binaries (Node: `(bits) => new X86Decoder(loadIced(), bits)`); called only when needed. */
  x86?: (bits: 32 | 64) => X86Decoder;
}

/** ELF OSABI bytes Go's linker writes for non-Linux ELF targets (cmd/link elf.go). */
const OSABI: Record<number, string> = { 9: 'freebsd', 12: 'openbsd', 2: 'netbsd', 6: 'solaris' };

/** What the code says, before a runtime's needs are added: the page keeps it to switch runtimes without reading the code again. */
export type SeccompFacts = Omit<ReportInput, 'runtime'>;

/**
 * The syscalls a Linux Go binary can make, found statically (see core/code/syscalls.ts), as a
 * report with the evidence for each. Throws UnsupportedError with one line for what it cannot
 * analyse: not ELF, not Linux, not Go, an architecture without extraction yet.
 */
export async function analyseSeccomp(src: ByteSource, opts: SeccompOptions = {}): Promise<SeccompReport> {
  return buildSeccompReport({ ...(await seccompFacts(src, opts)), runtime: opts.runtime ?? 'runc' });
}

/** analyseSeccomp's reading of the binary, without the runtime (opts.runtime is not used). */
export async function seccompFacts(src: ByteSource, opts: SeccompOptions = {}): Promise<SeccompFacts> {
  const path = opts.path ?? '';
  const objs = await openObject(src);
  const first = objs[0];
  if (!first || objs.length !== 1 || first.obj.format !== 'elf')
    throw new UnsupportedError(
      `seccomp is Linux's: this is a ${first ? `${first.obj.format === 'macho' ? 'Mach-O' : first.obj.format.toUpperCase()} binary` : 'file with no object'}, not a Linux ELF one`,
    );
  const { obj } = first;
  const [facts] = await inspect(src, { path });
  if (!facts) throw new UnsupportedError('no object to analyse');
  const settings = new Map((facts.buildInfo?.settings ?? []).map((s) => [s.key, s.value]));
  const goos = settings.get('GOOS') ?? OSABI[(await src.read(7, 1))[0] ?? 0] ?? 'linux';
  if (goos !== 'linux') throw new UnsupportedError(`seccomp is Linux's: this is a ${goos} binary`);
  // A damaged binary is reported as such (exit 2), not analysed from what happens to be readable.
  const damage = facts.damage[0];
  if (damage) throw new UnsupportedError(damageText(damage));
  if (!facts.go.isGo) throw new UnsupportedError('not a Go binary (no Go function table or build info)');
  if (!extractionSupported(obj.arch)) throw new UnsupportedError(`syscall extraction for ${obj.arch} is not supported yet (${SUPPORTED_TEXT})`);
  const tab = await goFunctions(obj);
  if (!tab || !tab.functions.length) throw new UnsupportedError('no Go function table (pclntab) to read the code from');
  const bits = obj.arch === 'amd64' ? 64 : obj.arch === '386' ? 32 : null;
  const x86 = bits ? opts.x86?.(bits) : undefined;
  if (bits && !x86) throw new Error(`${obj.arch} analysis needs an x86 decoder (opts.x86)`);
  const found = await extractSyscalls(obj, tab.functions, obj.arch, x86 ? { x86 } : {});
  // cgo: recorded in the build settings, or visible as shared libraries needed or the runtime/cgo package's functions.
  const cgo = settings.get('CGO_ENABLED') === '1' || facts.linkage.needed.length > 0 || tab.functions.some((f) => f.name.startsWith('runtime/cgo.'));
  return { path, goVersion: facts.go.version, cgo, interpreter: facts.linkage.interpreter, found };
}
