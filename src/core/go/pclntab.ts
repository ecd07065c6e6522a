import { FormatError } from '../errors.js';
import { Bytes, type Endian, findWord, StringTable } from '../io/bytes.js';
import type { ObjectFile } from '../object/types.js';
import { findSection } from '../object/types.js';

/**
 * The Go function table (runtime pcHeader/functab/_func; see runtime/symtab.go and
 * cmd/link/internal/ld/pcln.go). Its magic says the layout:
 *   0xfffffffb go1.2  (Go 1.2–1.15)  one table, absolute entry PCs, offsets from the table start
 *   0xfffffffa go1.16 (Go 1.16–1.17) header with offsets to sub-tables
 *   0xfffffff0 go1.18 (Go 1.18–1.19) entry PCs become uint32 offsets from text start
 *   0xfffffff1 go1.20 (Go 1.20+)     generated names use `:`; same layout
 * The magics are chosen so that a byte-swapped read never matches: reading them tells the byte order.
 */
export type PclnFormat = 'go1.2' | 'go1.16' | 'go1.18' | 'go1.20';

const MAGICS: Record<number, PclnFormat> = { 4294967291: 'go1.2', 4294967290: 'go1.16', 4294967280: 'go1.18', 4294967281: 'go1.20' };

/** A real program has well under a million functions; more means a corrupt count. */
const MAX_FUNCS = 2_000_000;
/**
 * The fewest bytes one function takes in a file: an 8-byte functab entry, a _func record of at
 * least 36 bytes, three pc-value streams of at least 2 bytes and one instruction. A count that
 * would need more bytes than the file has is corrupt (and would otherwise cost memory per entry).
 */
const MIN_FUNC_BYTES = 48;
/**
 * Names are listed once per function, and everything downstream (package names, sizes, search)
 * costs time per character: their total may not exceed a few times the name table itself.
 */
const NAME_BYTES_FACTOR = 4;
/** Candidates the magic scan validates before it gives up: a real file has one table. */
const MAX_SCAN_CANDIDATES = 256;
/** Upper bound on one table read when its end is not recorded (stripped, no section headers). */
const MAX_TABLE = 512 << 20;
const SCAN_CHUNK = 4 << 20;
const HOST_LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

export interface PclnLocation {
  /** File offset of the pcHeader. */
  offset: number;
  /** Virtual address of the pcHeader (0 when unknown). */
  addr: number;
  /** Bytes from the header to the end of the table, or to the end of its region when the end is not recorded. */
  size: number;
  locatedBy: 'section' | 'symbol' | 'moduledata' | 'scan';
}

export interface PclnFunction {
  name: string;
  entry: number;
  size: number;
  /**
   * `_func.args`: bytes of arguments and results the function has in its caller's frame (stack
   * arguments, and the spill slots of register arguments). Machine-code analyses use it to know
   * which caller stack slots a call may overwrite.
   */
  args?: number;
  file?: string;
}

export interface Pclntab {
  format: PclnFormat;
  endian: Endian;
  ptrSize: number;
  quantum: number;
  functionCount: number;
  textStart: number;
  functions: PclnFunction[];
}

interface Header {
  format: PclnFormat;
  endian: Endian;
  quantum: number;
  ptrSize: number;
  nfunc: number;
}

/** Reads and validates the fixed 8-byte prefix; null when these bytes are not a pcHeader. */
function header8(b: Uint8Array, off: number, bits?: number): Omit<Header, 'nfunc'> | null {
  if (off + 8 > b.length) return null;
  if (b[off + 4] !== 0 || b[off + 5] !== 0) return null;
  const quantum = b[off + 6] as number;
  const ptrSize = b[off + 7] as number;
  if (quantum !== 1 && quantum !== 2 && quantum !== 4) return null;
  if (ptrSize !== 4 && ptrSize !== 8) return null;
  if (bits !== undefined && ptrSize * 8 !== bits) return null;
  const le = ((b[off] as number) | ((b[off + 1] as number) << 8) | ((b[off + 2] as number) << 16) | ((b[off + 3] as number) << 24)) >>> 0;
  const be = (((b[off] as number) << 24) | ((b[off + 1] as number) << 16) | ((b[off + 2] as number) << 8) | (b[off + 3] as number)) >>> 0;
  const fl = MAGICS[le];
  if (fl) return { format: fl, endian: 'little', quantum, ptrSize };
  const fb = MAGICS[be];
  if (fb) return { format: fb, endian: 'big', quantum, ptrSize };
  return null;
}

/**
 * Finds the table: the .gopclntab/__gopclntab section; the runtime.pclntab symbol (PE, and ELF
 * PIE/external links where the table sits inside .data.rel.ro with no section of its own); then a
 * scan of the loaded non-executable data for a header that parses. Every candidate is validated.
 */
export async function findPclntab(obj: ObjectFile): Promise<PclnLocation | null> {
  // PIEs linked internally keep the table in relro data, named after it (.data.rel.ro.gopclntab).
  const sec = findSection(obj, '.gopclntab', '__gopclntab', '.data.rel.ro.gopclntab');
  if (sec && sec.fileSize >= 16) {
    const loc: PclnLocation = { offset: sec.offset, addr: sec.addr, size: sec.fileSize, locatedBy: 'section' };
    if (await plausible(obj, loc)) return loc;
  }
  const syms = await obj.lookupSymbols(['runtime.pclntab', 'runtime.epclntab', 'pclntab', 'epclntab']);
  const start = syms.get('runtime.pclntab') ?? syms.get('pclntab');
  if (start) {
    const end = syms.get('runtime.epclntab') ?? syms.get('epclntab');
    const offset = obj.vaToOffset(start.value);
    if (offset !== null) {
      const size = end && end.value > start.value ? end.value - start.value : regionEnd(obj, offset) - offset;
      const loc: PclnLocation = { offset, addr: start.value, size, locatedBy: 'symbol' };
      if (await plausible(obj, loc)) return loc;
    }
  }
  return scan(obj);
}

/** End of the file-backed load segment (or section) holding a file offset. */
function regionEnd(obj: ObjectFile, offset: number): number {
  for (const s of obj.segments) if (s.type === 'load' && offset >= s.offset && offset < s.offset + s.fileSize) return s.offset + s.fileSize;
  for (const s of obj.sections) if (offset >= s.offset && offset < s.offset + s.fileSize) return s.offset + s.fileSize;
  return obj.source.size;
}

function addrOf(obj: ObjectFile, offset: number): number {
  for (const s of obj.segments) if (s.type === 'load' && offset >= s.offset && offset < s.offset + s.fileSize) return s.vaddr + (offset - s.offset);
  for (const s of obj.sections) if (s.addr && offset >= s.offset && offset < s.offset + s.fileSize) return s.addr + (offset - s.offset);
  return 0;
}

/** A candidate is real when its header parses and its first functab entries lie inside the table. */
async function plausible(obj: ObjectFile, loc: PclnLocation): Promise<boolean> {
  const head = await obj.source.read(loc.offset, 8 + 8 * 8);
  const h = header8(head, 0, obj.bits);
  if (!h) return false;
  try {
    const b = new Bytes(head, h.endian, 'pclntab header', loc.offset);
    const p = h.ptrSize;
    const nfunc = b.word(8, p);
    if (nfunc === 0 || nfunc > MAX_FUNCS) return false;
    if (h.format === 'go1.2') return 8 + p + nfunc * 2 * p <= loc.size;
    const offs = h.format === 'go1.16' ? [2, 3, 4, 5, 6] : [3, 4, 5, 6, 7];
    const vals = offs.map((i) => b.word(8 + i * p, p));
    const pcln = vals[4] as number;
    if (vals.some((v) => v > loc.size) || pcln + (nfunc + 1) * (h.format === 'go1.16' ? 2 * p : 8) > loc.size) return false;
    return true;
  } catch (e) {
    if (e instanceof FormatError) return false;
    throw e;
  }
}

/** Sorted, merged [start, end) ranges. */
function merged(ranges: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [a, b] of [...ranges].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else if (a < b) out.push([a, b]);
  }
  return out;
}

/** The parts of the sorted ranges `want` that the sorted ranges `done` do not cover, in one linear pass. */
function minus(want: [number, number][], done: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  let j = 0;
  for (const [a, b] of want) {
    let from = a;
    while (j < done.length && (done[j] as [number, number])[1] <= from) j++;
    for (let k = j; k < done.length && (done[k] as [number, number])[0] < b; k++) {
      const [x, y] = done[k] as [number, number];
      if (x > from) out.push([from, x]);
      from = Math.max(from, y);
    }
    if (from < b) out.push([from, b]);
  }
  return out;
}

/**
 * Magic scan over loaded, non-executable data, then the executable rest. Every file byte is scanned
 * once, however many (possibly overlapping, possibly crafted) segments map it: the segments are
 * merged into disjoint ranges first, so the cost is linear in the file and the segment count.
 */
async function scan(obj: ObjectFile): Promise<PclnLocation | null> {
  const loaded = obj.segments.filter((s) => s.type === 'load' && s.fileSize > 0);
  const range = (s: (typeof loaded)[number]): [number, number] => [s.offset, Math.min(obj.source.size, s.offset + s.fileSize)];
  const data = merged(loaded.filter((s) => !s.x).map(range));
  const code = minus(merged(loaded.filter((s) => s.x).map(range)), data);
  let candidates = 0;
  // The magics as a 32-bit word of this machine reads them from the file's bytes: a quick filter.
  const swapped = (obj.endian === 'little') !== HOST_LITTLE;
  const magicMask = swapped ? 0x0b000000 : 0x0b;
  const magicTarget = swapped ? 0xfbffffff | 0 : 0xfffffffb | 0;
  for (const [from, to] of [...data, ...code]) {
    // Chunks start 4-aligned in the file, so each is one array of 32-bit words.
    for (let pos = from - (from % 4); pos < to; pos += SCAN_CHUNK) {
      const read = await obj.source.read(pos, Math.min(SCAN_CHUNK + 8, to - pos));
      // A view into a larger buffer may start unaligned (BytesSource): copy it then.
      const chunk = read.byteOffset % 4 ? read.slice() : read;
      const words = new Int32Array(chunk.buffer, chunk.byteOffset, chunk.byteLength >> 2);
      // Header starts at offsets in [max(pos, from), pos + SCAN_CHUNK) with 8 bytes to check.
      const stop = Math.min(words.length, Math.ceil(Math.min(SCAN_CHUNK, chunk.length - 7) / 4));
      for (let w = pos < from ? 1 : 0; w < stop; w++) {
        // Every magic is 0xfffffff0/1/a/b: one OR and compare rejects nearly every word.
        if (((words[w] as number) | magicMask) !== magicTarget) continue;
        const at = w << 2;
        if (!header8(chunk, at, obj.bits)) continue;
        const offset = pos + at;
        if (++candidates > MAX_SCAN_CANDIDATES) {
          throw new FormatError('pclntab scan', offset, `more than ${MAX_SCAN_CANDIDATES} pclntab headers that do not validate`);
        }
        const loc: PclnLocation = { offset, addr: addrOf(obj, offset), size: regionEnd(obj, offset) - offset, locatedBy: 'scan' };
        if (await plausible(obj, loc)) {
          try {
            await readPclntab(obj, loc, { validateOnly: true });
            return loc;
          } catch (e) {
            if (!(e instanceof FormatError)) throw e;
          }
        }
      }
    }
  }
  return null;
}

/**
 * Text start for 1.18+ tables, whose entries are offsets from it: the runtime.text symbol; else the
 * header's textStart word (relocated in PIEs; always 0 since Go 1.26); else the first executable
 * section. `.text` alone is wrong for cgo/external links, where C code comes first — hence the order.
 */
async function textStart(obj: ObjectFile, loc: PclnLocation, b: Bytes, p: number): Promise<number> {
  const raw = b.word(8 + 2 * p, p);
  // In a fixed-address file the header holds runtime.text as the linker resolved it: no need to
  // read the symbol table (megabytes) for the same word.
  if (raw && obj.kind === 'executable') return raw;
  const t = (await obj.lookupSymbols(['runtime.text'])).get('runtime.text');
  if (t) return t.value;
  const addr = loc.addr || addrOf(obj, loc.offset);
  const relocated = addr ? await obj.readPointer(addr + 8 + 2 * p) : null;
  const fromHeader = relocated || raw;
  if (fromHeader) return fromHeader;
  const md = await moduledataText(obj, addr, p);
  if (md) return md;
  const text = findSection(obj, '.text', '__text') ?? obj.sections.find((s) => s.flags.exec && s.size > 0);
  return text?.addr ?? 0;
}

/**
 * moduledata starts with a pointer to the pcHeader and holds `text` 22 words in (Go 1.16+); find
 * the word in writable data that points at the table and check the slice after it points into it too.
 */
function moduledataText(obj: ObjectFile, pclnAddr: number, p: number): Promise<number | null> {
  // Memoized: locating a table validates it before it is read, and both need text start.
  const byAddr = moduledataMemo.get(obj) ?? new Map<number, Promise<number | null>>();
  moduledataMemo.set(obj, byAddr);
  const found = byAddr.get(pclnAddr) ?? searchModuledata(obj, pclnAddr, p);
  byAddr.set(pclnAddr, found);
  return found;
}

const moduledataMemo = new WeakMap<ObjectFile, Map<number, Promise<number | null>>>();

/** Sections that can hold runtime.firstmoduledata: the linker puts it in noptrdata (PE merges that into .data). */
const MODULEDATA_SECTIONS = ['.noptrdata', '__noptrdata'];

async function searchModuledata(obj: ObjectFile, pclnAddr: number, p: number): Promise<number | null> {
  if (!pclnAddr) return null;
  const writable = obj.sections.filter((x) => x.flags.write && x.fileSize > 0);
  const noptr = writable.filter((x) => MODULEDATA_SECTIONS.includes(x.name));
  // A budget over all sections: crafted files can list the same bytes thousands of times.
  let budget = 128 << 20;
  for (const s of [...noptr, ...writable.filter((x) => !noptr.includes(x))]) {
    if (budget <= 0) break;
    const raw = await obj.source.read(s.offset, Math.min(s.fileSize, 64 << 20, budget));
    budget -= raw.length;
    const data = new Bytes(raw, obj.endian, 'moduledata search', s.offset);
    // Arbitrary data: read words without the 2^53 guard; a miss is simply not moduledata.
    const word = (o: number) => (p === 8 ? data.u64Lossy(o) : data.u32(o));
    for (const i of findWord(raw, pclnAddr, p, obj.endian)) {
      if (i + 23 * p > data.length) continue;
      const funcnametab = word(i + p);
      if (funcnametab <= pclnAddr || funcnametab > pclnAddr + (64 << 20)) continue;
      const text = word(i + 22 * p);
      if (text) return text;
    }
  }
  return null;
}

/** Sub-table offsets (relative to the header) per format. */
interface Layout {
  funcnametab: number;
  cutab: number;
  filetab: number;
  pctab: number;
  functab: number;
  /** Offset of name/args/pcsp/pcfile/cuOffset within a _func record. */
  nameOff: number;
  argsOff: number;
  pcspOff: number;
  pcfileOff: number;
  cuOff: number;
  /** Bytes per functab entry (entry, funcoff). */
  ftabEntry: number;
}

function layout(h: Header, b: Bytes): Layout {
  const p = h.ptrSize;
  const w = (i: number) => b.word(8 + i * p, p);
  switch (h.format) {
    case 'go1.2':
      return {
        funcnametab: 0,
        cutab: 0,
        filetab: b.u32(8 + p + h.nfunc * 2 * p + p),
        pctab: 0,
        functab: 8 + p,
        nameOff: p,
        argsOff: p + 4,
        pcspOff: p + 12,
        pcfileOff: p + 16,
        cuOff: -1,
        ftabEntry: 2 * p,
      };
    case 'go1.16':
      return {
        funcnametab: w(2),
        cutab: w(3),
        filetab: w(4),
        pctab: w(5),
        functab: w(6),
        nameOff: p,
        argsOff: p + 4,
        pcspOff: p + 12,
        pcfileOff: p + 16,
        cuOff: p + 28,
        ftabEntry: 2 * p,
      };
    default:
      return {
        funcnametab: w(3),
        cutab: w(4),
        filetab: w(5),
        pctab: w(6),
        functab: w(7),
        nameOff: 4,
        argsOff: 8,
        pcspOff: 16,
        pcfileOff: 20,
        cuOff: 32,
        ftabEntry: 8,
      };
  }
}

/**
 * Without a listing only the header and the functab are read (kilobytes, not the whole table):
 * the count and format are in the header, and every functab entry is checked for order and range.
 */
async function readSummary(obj: ObjectFile, loc: PclnLocation): Promise<Pclntab> {
  const head = await obj.source.read(loc.offset, Math.min(loc.size, 8 + 8 * 8));
  const h8 = header8(head, 0);
  if (!h8) throw new FormatError('pclntab header', loc.offset, 'bad magic or header');
  const hb = new Bytes(head, h8.endian, 'pclntab header', loc.offset);
  const p = h8.ptrSize;
  const nfunc = hb.word(8, p);
  if (nfunc > MAX_FUNCS || nfunc * 8 > loc.size || nfunc * MIN_FUNC_BYTES > obj.source.size)
    throw new FormatError('pclntab header', loc.offset + 8, `implausible function count ${nfunc}`);
  const modern = h8.format === 'go1.18' || h8.format === 'go1.20';
  const functab = h8.format === 'go1.2' ? 8 + p : hb.word(8 + (h8.format === 'go1.16' ? 6 : 7) * p, p);
  const ent = modern ? 8 : 2 * p;
  const len = (nfunc + 1) * ent;
  if (functab <= 0 || functab + len > loc.size)
    throw new FormatError('pclntab functab', loc.offset + Math.max(0, functab), `${nfunc} entries run past the table end`);
  obj.budget.take(len, 'pclntab functab', loc.offset + functab);
  const ft = new Bytes(await obj.source.read(loc.offset + functab, len), h8.endian, 'pclntab functab', loc.offset + functab);
  if (ft.length < len) throw new FormatError('pclntab functab', loc.offset + functab, `${ft.length} of ${len} bytes`, 'truncated');
  let prev = -1;
  for (let i = 0; i <= nfunc; i++) {
    const e = modern ? ft.u32(i * 8) : ft.word(i * ent, p);
    if (e < prev) throw new FormatError('pclntab functab', ft.base + i * ent, `entries out of order (0x${e.toString(16)} after 0x${prev.toString(16)})`);
    prev = e;
  }
  const textStartAt = modern ? await textStart(obj, loc, hb, p) : 0;
  return { format: h8.format, endian: h8.endian, ptrSize: p, quantum: h8.quantum, functionCount: nfunc, textStart: textStartAt, functions: [] };
}

/**
 * A validated function table whose entries are decoded on demand, in address order: a listing
 * written out as it is decoded never holds every function as an object at once.
 */
export interface PclnListing extends Omit<Pclntab, 'functions'> {
  /** Entry PC of function `i` (0 ≤ i < functionCount). */
  entry(i: number): number;
  /** Name of function `i`. */
  name(i: number): string;
  /** Code size of function `i`, from its pc-value table. */
  size(i: number): number;
  /**
   * Every function, decoded one by one; with `packageOf`, each record carries its package too
   * (name, entry, size, package, file: one object per function instead of two).
   */
  functions(packageOf?: (name: string) => string): Generator<PclnFunction & { package?: string }>;
}

/** With a listing, the whole table is read in one read (every part of it is needed) and decoded. */
export async function readPclntab(
  obj: ObjectFile,
  loc: PclnLocation,
  opts: { list?: boolean; files?: boolean; validateOnly?: boolean } = {},
): Promise<Pclntab> {
  if (!opts.list && !opts.validateOnly) return readSummary(obj, loc);
  const { functions, ...tab } = await openListing(obj, loc, { files: opts.files, validateOnly: opts.validateOnly });
  return { ...tab, functions: opts.validateOnly ? [] : [...functions()] };
}

/**
 * Reads the whole table and checks every record a listing will decode (order, bounds, the total
 * of names and file names) before anything is decoded, so damage is known before output starts.
 * With `validateOnly`, only the header, the functab bounds and the first records are checked.
 */
export async function openListing(obj: ObjectFile, loc: PclnLocation, opts: { files?: boolean; validateOnly?: boolean } = {}): Promise<PclnListing> {
  const size = Math.min(loc.size, MAX_TABLE, obj.source.size - loc.offset);
  obj.budget.take(size, 'pclntab', loc.offset);
  const data = await obj.source.read(loc.offset, size);
  const h8 = header8(data, 0);
  if (!h8) throw new FormatError('pclntab header', loc.offset, 'bad magic or header');
  const b = new Bytes(data, h8.endian, 'pclntab', loc.offset);
  const p = h8.ptrSize;
  const nfunc = b.word(8, p);
  const maxFuncs = Math.min(Math.floor(data.length / 8), Math.floor(obj.source.size / MIN_FUNC_BYTES));
  if (nfunc > MAX_FUNCS || nfunc > maxFuncs) throw new FormatError('pclntab header', loc.offset + 8, `implausible function count ${nfunc}`);
  const h: Header = { ...h8, nfunc };
  const L = layout(h, b);
  const ftabEnd = L.functab + (nfunc + 1) * L.ftabEntry;
  if (L.functab <= 0 || ftabEnd > data.length) throw new FormatError('pclntab functab', loc.offset + L.functab, `${nfunc} entries run past the table end`);
  for (const [name, off] of [
    ['funcnametab', L.funcnametab],
    ['cutab', L.cutab],
    ['filetab', L.filetab],
    ['pctab', L.pctab],
  ] as const) {
    if (off > data.length) throw new FormatError('pclntab header', loc.offset, `${name} offset 0x${off.toString(16)} past the table end`);
  }

  const modern = h.format === 'go1.18' || h.format === 'go1.20';
  const base = modern ? await textStart(obj, loc, b, p) : 0;
  const entryAt = modern ? (i: number) => base + b.u32(L.functab + i * 8) : (i: number) => b.word(L.functab + i * L.ftabEntry, p);
  const funcoffAt = modern ? (i: number) => b.u32(L.functab + i * 8 + 4) : (i: number) => b.word(L.functab + i * L.ftabEntry + p, p);
  // In go1.2 every offset is from the table start; later, _func offsets are from the functab.
  const funcBase = h.format === 'go1.2' ? 0 : L.functab;
  const nameBase = h.format === 'go1.2' ? 0 : L.funcnametab;

  const list = !opts.validateOnly;
  // Names live in funcnametab, which ends where cutab starts (1.16+); go1.2 mixes them into the table.
  const namesEnd = h.format !== 'go1.2' && L.cutab > L.funcnametab ? L.cutab : data.length;
  const names = new StringTable(data.subarray(nameBase, namesEnd), 'pclntab funcnametab', loc.offset + nameBase);
  let nameBytes = NAME_BYTES_FACTOR * (namesEnd - nameBase) + (1 << 20);
  // Many functions share a file: each file name is decoded once, and all of them together within
  // a few times the file table (a crafted table could point every function at its own long run).
  const fileNames = new Map<number, string>();
  const fileLengths = new Map<number, number>();
  let fileBytes = NAME_BYTES_FACTOR * Math.max(0, (h.format === 'go1.2' ? data.length : L.pctab) - L.filetab) + (1 << 20);
  const fileName = (at: number): string => {
    let s = fileNames.get(at);
    if (s === undefined) {
      s = b.cstring(at);
      fileNames.set(at, s);
    }
    return s;
  };
  const nameAtOf = (i: number): { fo: number; nameAt: number } => {
    const fo = funcBase + funcoffAt(i);
    if (fo + L.pcfileOff + 4 > data.length) throw new FormatError('pclntab _func', loc.offset + fo, 'record past the table end');
    const nameOff = b.i32(fo + L.nameOff);
    const nameAt = nameBase + nameOff;
    if (nameOff < 0 || nameAt >= data.length) throw new FormatError('pclntab _func', loc.offset + fo, `name offset ${nameOff} out of range`);
    return { fo, nameAt };
  };

  let prev = entryAt(0);
  const limit = list ? nfunc : Math.min(nfunc, 16);
  for (let i = 0; i < limit; i++) {
    const entry = prev;
    const next = entryAt(i + 1);
    if (next < entry)
      throw new FormatError(
        'pclntab functab',
        loc.offset + L.functab + i * L.ftabEntry,
        `entries out of order (0x${next.toString(16)} after 0x${entry.toString(16)})`,
      );
    const { fo, nameAt } = nameAtOf(i);
    if (list) {
      nameBytes -= names.lengthAt(nameAt - nameBase);
      if (nameBytes < 0)
        throw new FormatError(
          'pclntab funcnametab',
          loc.offset + nameAt,
          `function names total more than ${NAME_BYTES_FACTOR}× the name table: records share names`,
        );
      if (opts.files) {
        const at = fileOf(b, h, L, fo);
        if (at !== null && !fileLengths.has(at)) {
          const end = data.indexOf(0, at);
          fileLengths.set(at, (end < 0 ? data.length : end) - at);
          fileBytes -= fileLengths.get(at) as number;
          if (fileBytes < 0) throw new FormatError('pclntab filetab', loc.offset + at, `file names total more than ${NAME_BYTES_FACTOR}× the file table`);
        }
      }
    }
    prev = next;
  }
  if (!list && nfunc > limit) {
    const last = entryAt(nfunc);
    if (last < prev) throw new FormatError('pclntab functab', loc.offset + L.functab + nfunc * L.ftabEntry, 'end PC before the last entry');
  }
  function* functions(packageOf?: (name: string) => string): Generator<PclnFunction & { package?: string }> {
    for (let i = 0; i < (list ? nfunc : 0); i++) {
      const entry = entryAt(i);
      const { fo, nameAt } = nameAtOf(i);
      const name = names.at(nameAt - nameBase);
      const size = codeSize(b, h, L, fo, entryAt(i + 1) - entry);
      // The listing inspect writes (with packages) is the report's schema: name, entry, size, package, file;
      // the table the code stage reads carries each function's argument bytes too.
      const f: PclnFunction & { package?: string } = packageOf
        ? { name, entry, size, package: packageOf(name) }
        : { name, entry, size, args: b.i32(fo + L.argsOff) };
      if (opts.files) {
        const at = fileOf(b, h, L, fo);
        if (at !== null) f.file = fileName(at);
      }
      yield f;
    }
  }
  const name = (i: number) => names.at(nameAtOf(i).nameAt - nameBase);
  const sizeOf = (i: number) => codeSize(b, h, L, nameAtOf(i).fo, entryAt(i + 1) - entryAt(i));
  return {
    format: h.format,
    endian: h.endian,
    ptrSize: p,
    quantum: h.quantum,
    functionCount: nfunc,
    textStart: base,
    functions,
    entry: entryAt,
    name,
    size: sizeOf,
  };
}

/** Reads a uvarint at `i`; returns [value, next offset], or null when it runs off the table or overflows. */
function uvarint(b: Bytes, i: number): [number, number] | null {
  let x = 0;
  let s = 1;
  for (let n = 0; n < 5; n++) {
    if (i >= b.length) return null;
    const c = b.data[i++] as number;
    x += (c & 0x7f) * s;
    if (c < 0x80) return [x, i];
    s *= 128;
  }
  return null;
}

/**
 * The function's code size without the alignment padding after it — what the symbol table records
 * and `go tool nm -size` prints: the pc-value tables cover exactly the function's code, so the end
 * of its pcsp stream is the end of the function. Falls back to the distance to the next entry.
 */
function codeSize(b: Bytes, h: Header, L: Layout, fo: number, padded: number): number {
  const pcsp = b.u32(fo + L.pcspOff);
  if (pcsp === 0) return padded;
  let i = (h.format === 'go1.2' ? 0 : L.pctab) + pcsp;
  let pc = 0;
  for (let first = true; ; first = false) {
    const v = uvarint(b, i);
    if (!v) return padded;
    if (v[0] === 0 && !first) break;
    const d = uvarint(b, v[1]);
    // Every pair covers at least one instruction: a stream that does not advance is not real.
    if (!d || d[0] === 0) return padded;
    pc += d[0] * h.quantum;
    i = d[1];
    if (pc > padded) return padded;
  }
  return pc > 0 ? pc : padded;
}

/** The source file of a function's entry PC: the offset of its name, through cutab/filetab (from its pcfile stream's first value). */
function fileOf(b: Bytes, h: Header, L: Layout, fo: number): number | null {
  const pcfile = b.u32(fo + L.pcfileOff);
  if (pcfile === 0) return null;
  const streamAt = (h.format === 'go1.2' ? 0 : L.pctab) + pcfile;
  if (streamAt >= b.length) return null;
  // First pair of the stream: uvarint zig-zag value delta from -1.
  let x = 0;
  let s = 1;
  let i = streamAt;
  for (;;) {
    const c = b.u8(i++);
    x += (c & 0x7f) * s;
    if (c < 0x80) break;
    s *= 128;
    if (s > 2 ** 35) return null;
  }
  const delta = x % 2 === 1 ? -((x + 1) / 2) : x / 2;
  const fno = -1 + delta;
  if (fno < 0) return null;
  if (h.format === 'go1.2') {
    const tab = L.filetab;
    const n = b.u32(tab);
    if (fno >= n) return null;
    const off = b.u32(tab + 4 * fno);
    return off < b.length ? off : null;
  }
  const cu = b.u32(fo + L.cuOff);
  const idx = L.cutab + (cu + fno) * 4;
  if (idx + 4 > b.length) return null;
  const off = b.u32(idx);
  if (off === 0xffffffff || L.filetab + off >= b.length) return null;
  return L.filetab + off;
}

/** Every source file name in the table's filetab (Go 1.16+ layouts; [] for go1.2 tables). */
export async function readFileTable(obj: ObjectFile, loc: PclnLocation): Promise<string[]> {
  const head = await obj.source.read(loc.offset, Math.min(loc.size, 8 + 8 * 8));
  const h8 = header8(head, 0);
  if (!h8 || h8.format === 'go1.2') return [];
  const hb = new Bytes(head, h8.endian, 'pclntab header', loc.offset);
  const p = h8.ptrSize;
  const base = h8.format === 'go1.16' ? 4 : 5;
  const filetab = hb.word(8 + base * p, p);
  const pctab = hb.word(8 + (base + 1) * p, p);
  if (!(filetab < pctab && pctab <= loc.size)) throw new FormatError('pclntab header', loc.offset, 'filetab offsets out of order');
  const tab = new StringTable(await obj.source.read(loc.offset + filetab, pctab - filetab), 'pclntab filetab', loc.offset + filetab);
  const out: string[] = [];
  for (let off = 0; off < tab.data.length; ) {
    const s = tab.at(off);
    if (s) out.push(s);
    const nul = tab.data.indexOf(0, off);
    off = nul < 0 ? tab.data.length : nul + 1;
  }
  return out;
}
