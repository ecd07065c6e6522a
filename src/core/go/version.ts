import { ascii, Bytes, findWord, indexOf, latin1OrUtf8 } from '../io/bytes.js';
import type { ObjectFile, Section } from '../object/types.js';
import { readVA } from '../object/types.js';
import type { RawBuildInfo } from './buildinfo.js';

export type VersionSource = 'buildinfo' | 'symbol' | 'scan';

/** A whole Go toolchain version string, as runtime.buildVersion holds it. */
const VERSION = /^(go1\.\d+(?:\.\d+)?(?:(?:beta|rc)\d+)?(?: X:[\w,-]+)?|devel [ -~]{1,200})$/;
/** The start of one inside other bytes (strings are packed with no separators). */
const PREFIX = /^go1\.\d+(?:\.\d+)?(?:(?:beta|rc)\d+)?/;
const GO1 = ascii('go1.');
const MAX_SCAN = 64 << 20;
/**
 * A real binary holds a handful of go1.x strings (the toolchain version, a few in the runtime and
 * tests); a file with thousands is crafted or packed data. The first ones found are enough to
 * find the one runtime.buildVersion points at.
 */
const MAX_CANDIDATES = 4096;
/** Room after a candidate for a version with a list of experiments (` X:a,b,…`). */
const CANDIDATE_TEXT = 256;

export function isGoVersion(s: string): boolean {
  return VERSION.test(s);
}

/**
 * Splits the experiments off a version string as Go writes them: `go1.20 X:boringcrypto,arenas`
 * → `go1.20` and [boringcrypto, arenas]. Other strings come back whole with no experiments.
 */
export function splitGoVersion(v: string): { version: string; experiments: string[] } {
  const i = v.indexOf(' X:');
  if (i < 0) return { version: v, experiments: [] };
  return {
    version: v.slice(0, i),
    experiments: v
      .slice(i + 3)
      .split(',')
      .filter(Boolean),
  };
}

/**
 * The Go toolchain version, from the most exact source available: the build info; the
 * runtime.buildVersion string (through its symbol); else a scan of read-only data for go1.x
 * strings, preferring one that a Go string header in data points at with the exact length.
 */
export async function findGoVersion(obj: ObjectFile, raw: RawBuildInfo | null): Promise<{ version: string | null; source: VersionSource | null }> {
  if (raw?.goVersion) return { version: raw.goVersion, source: 'buildinfo' };
  const ptr = obj.bits === 64 ? 8 : 4;
  const sym = (await obj.lookupSymbols(['runtime.buildVersion'])).get('runtime.buildVersion');
  if (sym) {
    const v = await goStringAt(obj, sym.value, ptr);
    if (v !== null && isGoVersion(v)) return { version: v, source: 'symbol' };
  }
  return scanForVersion(obj, ptr);
}

async function goStringAt(obj: ObjectFile, addr: number, ptr: number): Promise<string | null> {
  const hdr = await readVA(obj, addr, 2 * ptr);
  if (!hdr) return null;
  const data = await obj.readPointer(addr);
  const len = new Bytes(hdr, obj.endian, 'Go string header').word(ptr, ptr);
  if (data === null || len === 0 || len > 256) return null;
  const b = await readVA(obj, data, len);
  return b ? latin1OrUtf8(b) : null;
}

/** Loaded regions without section headers, as sections: writable ones, or read-only ones (text included: old layouts put rodata there). */
function regions(obj: ObjectFile, write: boolean): Section[] {
  return obj.segments
    .filter((s) => s.type === 'load' && s.w === write && s.fileSize > 0)
    .map((s) => ({
      name: '',
      segment: s.name,
      addr: s.vaddr,
      size: s.memSize,
      offset: s.offset,
      fileSize: s.fileSize,
      flags: { alloc: true, write, exec: s.x },
    }));
}

function readOnlyData(obj: ObjectFile): Section[] {
  const named = obj.sections.filter((s) => s.fileSize > 0 && ['.rodata', '.rdata', '__rodata', '.go.string'].includes(s.name));
  return named.length ? named : regions(obj, false);
}

function writableData(obj: ObjectFile): Section[] {
  const names = ['.data', '.noptrdata', '__data', '__noptrdata', '.data.rel.ro'];
  const named = obj.sections.filter((s) => s.fileSize > 0 && s.flags.write && !s.flags.exec && names.includes(s.name));
  return named.length ? named : regions(obj, true);
}

/**
 * A stripped binary still holds runtime.buildVersion's string header {ptr, len} in data: a header
 * pointing at a go1.x string with exactly a version's length is that variable ('symbol'). Without
 * one, the most specific go1.x string in read-only data is the answer ('scan').
 */
async function scanForVersion(obj: ObjectFile, ptr: number): Promise<{ version: string | null; source: VersionSource | null }> {
  const candidates: { addr: number; text: string }[] = [];
  let budget = MAX_SCAN;
  for (const s of readOnlyData(obj)) {
    const n = Math.min(s.fileSize, budget);
    budget -= n;
    const b = await obj.source.read(s.offset, n);
    for (let i = indexOf(b, GO1); i >= 0 && candidates.length < MAX_CANDIDATES; i = indexOf(b, GO1, i + 4)) {
      if (PREFIX.test(latin1OrUtf8(b.subarray(i, i + 40)))) candidates.push({ addr: s.addr + i, text: latin1OrUtf8(b.subarray(i, i + CANDIDATE_TEXT)) });
    }
    if (budget <= 0 || candidates.length >= MAX_CANDIDATES) break;
  }
  if (candidates.length === 0) return { version: null, source: null };

  // The runtime.buildVersion header {ptr, len} in data gives the exact string and length. A few
  // candidates are looked for natively; many (a damaged or unusual file) in one pass over the words,
  // so the cost never grows with candidates × data size.
  const byAddr = new Map(candidates.map((c) => [c.addr, c]));
  let dataBudget = MAX_SCAN;
  for (const s of writableData(obj)) {
    if (dataBudget <= 0) break;
    const data = await obj.source.read(s.offset, Math.min(s.fileSize, 16 << 20, dataBudget));
    dataBudget -= data.length;
    const b = new Bytes(data, obj.endian, 'data', s.offset);
    const word = (i: number) => (ptr === 8 ? b.u64Lossy(i) : b.u32(i));
    let hits: number[] = [];
    if (byAddr.size <= 8) hits = [...byAddr.keys()].flatMap((a) => findWord(data, a, ptr, obj.endian));
    else for (let i = 0; i + ptr <= data.length; i += ptr) if (byAddr.has(word(i))) hits.push(i);
    for (const i of hits) {
      const c = byAddr.get(word(i));
      if (!c || i + 2 * ptr > data.length) continue;
      const len = word(i + ptr);
      const v = c.text.slice(0, len);
      if (len > 0 && len <= c.text.length && isGoVersion(v)) return { version: v, source: 'symbol' };
    }
  }
  // Otherwise the most specific version string found (a patch release beats a bare minor).
  const found = [...new Set(candidates.map((c) => (PREFIX.exec(c.text) as RegExpExecArray)[0]))];
  found.sort((a, b) => b.length - a.length);
  return { version: found[0] ?? null, source: 'scan' };
}
