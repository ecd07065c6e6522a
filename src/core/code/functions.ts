import { findPclntab, type PclnFunction, type Pclntab, readPclntab } from '../go/pclntab.js';
import type { ObjectFile, Segment } from '../object/types.js';

/** One Go function's machine code, as the pclntab places it. */
export interface FunctionCode {
  /** Index in the pclntab's function list (entry order). */
  index: number;
  name: string;
  entry: number;
  /** The function's code bytes (its pclntab size, without the alignment padding after it). */
  bytes: Uint8Array;
}

/**
 * Bytes read from the file at a time. Functions are visited in address order, so one window serves
 * thousands of them and a 300 MB binary costs a few hundred reads, never the whole file in memory.
 */
const WINDOW = 1 << 20;
/** Larger functions are read on their own: real Go functions stay far below this, crafted sizes do not. */
export const MAX_FUNCTION = 64 << 20;

/**
 * Reads function code through the object's loaded segments (so PIE, external links and stripped
 * binaries work alike), a window at a time.
 */
export class CodeReader {
  private winStart = 0;
  private winBytes: Uint8Array = new Uint8Array(0);

  constructor(readonly obj: ObjectFile) {}

  /** The bytes of [addr, addr+size) when they all come from one file-backed executable segment; null otherwise. */
  async read(addr: number, size: number): Promise<Uint8Array | null> {
    if (size <= 0 || size > MAX_FUNCTION) return null;
    const seg = segmentOf(this.obj.segments, addr, size);
    if (!seg) return null;
    const off = seg.offset + (addr - seg.vaddr);
    if (off + size > this.obj.source.size) return null;
    if (off >= this.winStart && off + size <= this.winStart + this.winBytes.length) {
      return this.winBytes.subarray(off - this.winStart, off - this.winStart + size);
    }
    if (size > WINDOW) {
      const b = await this.obj.source.read(off, size);
      return b.length === size ? b : null;
    }
    const end = Math.min(this.obj.source.size, seg.offset + seg.fileSize, off + WINDOW);
    this.winBytes = await this.obj.source.read(off, end - off);
    this.winStart = off;
    return this.winBytes.length >= size ? this.winBytes.subarray(0, size) : null;
  }
}

/** The load segment that holds [addr, addr+size) in the file; executable segments first. */
function segmentOf(segments: readonly Segment[], addr: number, size: number): Segment | null {
  let fallback: Segment | null = null;
  for (const s of segments) {
    if (s.type !== 'load' || addr < s.vaddr || addr + size > s.vaddr + s.fileSize) continue;
    if (s.x) return s;
    fallback ??= s;
  }
  return fallback;
}

/** The function table of a Go binary, or null when it has none. */
export async function goFunctions(obj: ObjectFile): Promise<Pclntab | null> {
  const loc = await findPclntab(obj);
  return loc ? readPclntab(obj, loc, { list: true }) : null;
}

/**
 * Yields the code of each function of `functions` (all of them by default) in address order.
 * A function whose bytes are not in the file (a corrupt entry or size) is skipped and counted in
 * `skipped`, so a caller can say so.
 */
export async function* functionCode(
  obj: ObjectFile,
  functions: readonly PclnFunction[],
  opts: { only?: (f: PclnFunction, index: number) => boolean; skipped?: { count: number } } = {},
): AsyncGenerator<FunctionCode> {
  const reader = new CodeReader(obj);
  const order = functions.map((_, i) => i).sort((a, b) => (functions[a] as PclnFunction).entry - (functions[b] as PclnFunction).entry);
  for (const i of order) {
    const f = functions[i] as PclnFunction;
    if (opts.only && !opts.only(f, i)) continue;
    const bytes = await reader.read(f.entry, f.size);
    if (!bytes) {
      if (opts.skipped) opts.skipped.count++;
      continue;
    }
    yield { index: i, name: f.name, entry: f.entry, bytes };
  }
}
