/**
 * Reads what a trace needs from the binary itself: Go version, function table (from the pclntab,
 * so stripped binaries work), struct offsets (DWARF, else the per-version table), probe sites,
 * and turns it into a probe plan with file offsets. Pure: any ByteSource.
 */
import type { Instruction } from '../../code/instruction.js';
import { GO_ABI_REGISTERS, PROLOGUE_BYTES, type ProbeSite, probeSite } from '../../code/probe-site.js';
import { readGoBuildId } from '../../go/buildid.js';
import { readBuildInfo } from '../../go/buildinfo.js';
import { dwarfOffsets, fieldStructs, type GoOffsets, goMinor, TABLE_MAX, TABLE_MIN, tableOffsets } from '../../go/offsets.js';
import { findPclntab, readPclntab } from '../../go/pclntab.js';
import { findGoVersion, splitGoVersion } from '../../go/version.js';
import type { ByteSource } from '../../io/source.js';
import { readDwarfStructs } from '../../object/dwarf/info.js';
import { openObject } from '../../object/open.js';
import { type ObjectFile, readVA } from '../../object/types.js';
import { HTTP_FUNCTIONS, type HttpPlan, type Limitation, planHttp } from './http-plan.js';

/** Decodes machine code for `arch` (the code stage's decoders; x86 needs iced-x86, which Node loads). */
export type Decode = (arch: string, bytes: Uint8Array, addr: number) => Instruction[];

export interface HttpTarget {
  arch: string;
  goVersion: string | null;
  buildId: string | null;
  plan: HttpPlan;
  /** File offset of each probe's site, by probe name. */
  fileOffsets: Record<string, number>;
}

/** What a trace knows once it runs: the target, the binary's analysis and what cannot be measured. */
export interface HttpTraceInfo {
  /** What was traced, in words: `pid 1234 (/srv/app)`. */
  target: string;
  pids: number[];
  goVersion: string | null;
  buildId: string | null;
  analysis: HttpTarget;
  /** Listening TCP endpoints whose kernel events are traced. */
  listeners: string[];
  limitations: Limitation[];
}

/** First Go release with the register ABI, per architecture (arguments and g in registers). */
const REGABI: Record<string, number> = { amd64: 17, arm64: 18 };

/** Without `decode`, every probe goes on its function's entry (two traps a hit). */
export async function analyzeHttpBinary(src: ByteSource, decode?: Decode): Promise<HttpTarget> {
  const objs = await openObject(src);
  if (objs.length !== 1) throw new Error('a universal Mach-O is not a Linux binary');
  const obj = (objs[0] as { obj: ObjectFile }).obj;
  if (obj.format !== 'elf') throw new Error(`a ${obj.format} binary does not run on Linux`);
  const raw = await readBuildInfo(obj);
  const { version: full } = await findGoVersion(obj, raw);
  const goVersion = full ? splitGoVersion(full).version : null;
  const minor = goMinor(goVersion);
  if (minor === null)
    throw new Error('no Go version found in the binary: cannot tell how it passes arguments (Go < 1.17 uses the stack), so no probe would be safe to read');
  const regabi = REGABI[obj.arch];
  if (regabi === undefined) throw new Error(`trace http reads Go's registers on amd64 and arm64; this binary is ${obj.arch}`);
  if (minor < regabi) throw new Error(`${goVersion} passes arguments on the stack; goready reads the register ABI of Go ≥ 1.${regabi} on ${obj.arch}`);

  const loc = await findPclntab(obj);
  if (!loc) throw new Error('no function table (pclntab) in the binary');
  const tab = await readPclntab(obj, loc, { list: true });
  const wanted = new Set(Object.values(HTTP_FUNCTIONS));
  const functions = new Map<string, number>();
  const sizes = new Map<string, number>();
  for (const f of tab.functions) {
    if (wanted.has(f.name) && !functions.has(f.name)) {
      functions.set(f.name, f.entry);
      sizes.set(f.name, f.size);
    }
  }

  let offsets: GoOffsets = {};
  let source: HttpPlan['offsets'] = 'none';
  let note: string | undefined;
  const structs = obj.hasDWARF ? await readDwarfStructs(obj, fieldStructs()) : null;
  if (structs && structs.size > 0) {
    offsets = dwarfOffsets(structs);
    source = 'dwarf';
  } else {
    const t = tableOffsets(goVersion);
    if (t) {
      offsets = t;
      source = 'table';
    } else
      note = `${goVersion} is outside goready's offset table (Go 1.${TABLE_MIN}–1.${TABLE_MAX}) and the binary has no DWARF; build without -ldflags=-w to keep it`;
  }

  const sites = new Map<string, ProbeSite>();
  for (const [name, entry] of functions) {
    const head = decode ? await readVA(obj, entry, Math.min(PROLOGUE_BYTES, sizes.get(name) ?? PROLOGUE_BYTES)) : null;
    const keep = GO_ABI_REGISTERS[obj.arch] ?? new Set<string>();
    sites.set(name, head && decode ? probeSite(decode(obj.arch, head, entry), entry, keep) : { addr: entry, emulated: false });
  }
  const plan = planHttp({ arch: obj.arch, functions, sites, offsets, offsetsSource: source, offsetsNote: note });
  const fileOffsets: Record<string, number> = {};
  for (const p of plan.probes) {
    const off = obj.vaToOffset(p.site.addr);
    if (off === null) throw new Error(`${p.function} at 0x${p.site.addr.toString(16)} is not in the file's loaded segments`);
    fileOffsets[p.name] = off;
  }
  return { arch: obj.arch, goVersion, buildId: await readGoBuildId(obj), plan, fileOffsets };
}
