import type { PclnListing } from '../go/pclntab.js';
import type { ObjectFile, Segment } from '../object/types.js';
import {
  type AtomicKind,
  classifyArm64Atomic,
  countAtomic,
  type FlagRange,
  type FunctionAtomics,
  LITTLE_ENDIAN_HOST,
  newFunctionAtomics,
  testsFlag,
} from './atomics.js';
import { MAX_FUNCTION } from './functions.js';

/** The function table as the scan needs it: entries in address order, names and sizes decoded on demand. */
export type FunctionIndex = Pick<PclnListing, 'functionCount' | 'entry' | 'name' | 'size'>;

/** Bytes of code scanned per read: a 300 MB binary is never held whole. */
const WINDOW = 4 << 20;

/**
 * The arm64 census of a whole binary in one pass over its code: the words between the first
 * function's entry and the table's end PC are tested against the atomic classes, and each hit is
 * given to the function that holds it (the functab is in address order, so a cursor follows the
 * hits). Only functions with atomics are named and sized. Counts are those of a census function by
 * function (`arm64Atomics`): a hit counts when it lies inside its function's code size, padding
 * after it does not.
 *
 * Returns null when that equivalence is not certain (entries not strictly increasing, code not in
 * one executable segment of the file, a big-endian host): the caller then reads function by function.
 */
export async function scanArm64Atomics(
  obj: ObjectFile,
  fns: FunctionIndex,
  flags: readonly FlagRange[],
): Promise<{ functions: FunctionAtomics[]; skipped: number } | null> {
  const n = fns.functionCount;
  if (!LITTLE_ENDIAN_HOST || n === 0) return null;
  const entries = entryTable(fns);
  if (!entries) return null;
  const lo = entries[0] as number;
  const hi = entries[n] as number;
  const seg = onlySegment(obj.segments, lo, hi);
  if (!seg) return null;
  const fileStart = seg.offset + (lo - seg.vaddr);
  if (fileStart + (hi - lo) > obj.source.size) return null;

  const census = new Census(fns, entries);
  for (let at = lo; at < hi; at += WINDOW) {
    const len = Math.min(WINDOW, hi - at) & ~3;
    if (len === 0) break;
    const words = asWords(await obj.source.read(fileStart + (at - lo), len));
    if (words.length * 4 < len) return null;
    census.scan(words, at);
    census.pending = await settleGuards(obj, census.pending, words, at, flags, fileStart - lo);
  }
  await settleGuards(obj, census.pending, new Uint32Array(0), hi, flags, fileStart - lo, true);
  return { functions: census.functions, skipped: 0 };
}

/**
 * The word indexes in `words` that may hold an atomic instruction. The loop is kept to integer
 * tests in a small synchronous function: V8 optimizes a hot loop in place (on-stack replacement)
 * only outside async functions, and compiles a small one in a few milliseconds. It reads each
 * word's upper half: 16-bit values are small integers in every tier of V8, while a 32-bit word
 * above 2^30 is a heap number until the loop is optimized.
 */
function candidates(words: Uint32Array): number[] {
  const out: number[] = [];
  const halves = new Uint16Array(words.buffer, words.byteOffset, words.length * 2);
  for (let k = 0; k < words.length; k++) {
    const h = halves[2 * k + 1] as number;
    // mayBeAtomic (core/code/atomics.ts), on halves: the exclusive/ordered space; LD<op>/SWP (bits 11:10 in the lower half); DMB.
    if ((h & 0x3f00) === 0x0800 || ((h & 0x3f20) === 0x3820 && ((halves[2 * k] as number) & 0x0c00) === 0)) out.push(k);
    else if (h === 0xd503 && ((halves[2 * k] as number) & 0xf0ff) === 0x30bf) out.push(k);
  }
  return out;
}

/** The census's state across windows: the function the last hit fell in, and the records so far. */
class Census {
  readonly functions: FunctionAtomics[] = [];
  /** Functions whose guard test waits for their whole code. */
  pending: { r: FunctionAtomics; end: number }[] = [];
  private fi = 0;
  private cur: FunctionAtomics | null = null;
  private curIndex = -1;
  private curEnd = 0;
  private readonly classified = new Map<number, { kind: AtomicKind; mnemonic: string } | null>();

  constructor(
    private readonly fns: FunctionIndex,
    private readonly entries: Float64Array,
  ) {}

  /** Counts the atomics in `words`, the code from address `at`. */
  scan(words: Uint32Array, at: number): void {
    const entries = this.entries;
    const last = this.fns.functionCount - 1;
    for (const k of candidates(words)) {
      const w = words[k] as number;
      // The same instruction (same registers) recurs: each word is classified once.
      let hit = this.classified.get(w);
      if (hit === undefined) {
        hit = classifyArm64Atomic(w);
        this.classified.set(w, hit);
      }
      if (!hit) continue;
      const addr = at + k * 4;
      while (this.fi < last && (entries[this.fi + 1] as number) <= addr) this.fi++;
      if (this.fi !== this.curIndex) {
        this.curIndex = this.fi;
        this.cur = null;
        this.curEnd = (entries[this.fi] as number) + this.fns.size(this.fi);
      }
      // Alignment padding after the function's code is nobody's.
      if (addr + 4 > this.curEnd) continue;
      if (!this.cur) {
        this.cur = newFunctionAtomics(this.fns.name(this.fi), entries[this.fi] as number);
        this.functions.push(this.cur);
        this.pending.push({ r: this.cur, end: this.curEnd });
      }
      countAtomic(this.cur, hit.kind, hit.mnemonic);
    }
  }
}

/**
 * Every entry and the end PC, when each function starts after the one before (by at most
 * MAX_FUNCTION) and all share one word alignment; null otherwise. (Not inside the async caller, so
 * V8 can optimize the loop.)
 */
function entryTable(fns: FunctionIndex): Float64Array | null {
  const n = fns.functionCount;
  const entries = new Float64Array(n + 1);
  for (let i = 0; i <= n; i++) entries[i] = fns.entry(i);
  const lo = entries[0] as number;
  for (let i = 0; i < n; i++) {
    const e = entries[i] as number;
    const next = entries[i + 1] as number;
    // Words are read from each function's entry: one alignment for all keeps the word grid the same.
    if (next <= e || next - e > MAX_FUNCTION || (e - lo) % 4 !== 0) return null;
  }
  return entries;
}

/**
 * Decides `guarded` for the pending functions whose code lies inside the window just scanned
 * (`words` from `at`), and keeps the others for later; with `last`, reads each remaining one alone.
 */
async function settleGuards(
  obj: ObjectFile,
  pending: { r: FunctionAtomics; end: number }[],
  words: Uint32Array,
  at: number,
  flags: readonly FlagRange[],
  toFile: number,
  last = false,
): Promise<{ r: FunctionAtomics; end: number }[]> {
  const left: { r: FunctionAtomics; end: number }[] = [];
  const winEnd = at + words.length * 4;
  for (const p of pending) {
    const { r } = p;
    if (!last && p.end > winEnd) {
      left.push(p);
      continue;
    }
    if (!(r.lse > 0 && r.llsc > 0)) continue;
    const n = Math.floor((p.end - r.entry) / 4);
    const from = (r.entry - at) / 4;
    r.guarded = testsFlag(r.entry >= at ? words.subarray(from, from + n) : asWords(await obj.source.read(r.entry + toFile, n * 4)), r.entry, flags);
  }
  return left;
}

/** Little-endian words over the bytes, in place when they are 4-byte aligned. */
function asWords(b: Uint8Array): Uint32Array {
  const n = b.length >>> 2;
  if (b.byteOffset % 4 === 0) return new Uint32Array(b.buffer, b.byteOffset, n);
  const out = new Uint32Array(n);
  new Uint8Array(out.buffer).set(b.subarray(0, n * 4));
  return out;
}

/** The one file-backed executable load segment that holds [lo, hi), when no other load segment overlaps it. */
function onlySegment(segments: readonly Segment[], lo: number, hi: number): Segment | null {
  let found: Segment | null = null;
  for (const s of segments) {
    if (s.type !== 'load' || hi <= s.vaddr || lo >= s.vaddr + Math.max(s.memSize, s.fileSize)) continue;
    if (found || !s.x || lo < s.vaddr || hi > s.vaddr + s.fileSize) return null;
    found = s;
  }
  return found;
}
