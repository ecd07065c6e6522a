import { FormatError } from '../errors.js';

export type Endian = 'little' | 'big';

/**
 * Bounds-checked, endian-aware reads from one in-memory block. `base` is the file offset of the
 * block, so errors report real file offsets. 64-bit values are returned as numbers: every offset
 * and address goready handles fits in 2^53, and a larger one is reported as corrupt input.
 */
export class Bytes {
  readonly view: DataView;
  readonly le: boolean;
  constructor(
    readonly data: Uint8Array,
    readonly endian: Endian,
    readonly what: string,
    readonly base = 0,
  ) {
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    this.le = endian === 'little';
  }

  get length(): number {
    return this.data.length;
  }

  private check(off: number, n: number): void {
    if (!(off >= 0 && off + n <= this.data.length)) {
      throw new FormatError(this.what, this.base + Math.max(0, off), `${n}-byte read past end (${this.data.length} bytes)`, 'truncated');
    }
  }

  u8(off: number): number {
    this.check(off, 1);
    return this.data[off] as number;
  }
  u16(off: number): number {
    this.check(off, 2);
    return this.view.getUint16(off, this.le);
  }
  u32(off: number): number {
    this.check(off, 4);
    return this.view.getUint32(off, this.le);
  }
  i32(off: number): number {
    this.check(off, 4);
    return this.view.getInt32(off, this.le);
  }
  u64(off: number): number {
    this.check(off, 8);
    const lo = this.view.getUint32(off + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(off + (this.le ? 4 : 0), this.le);
    if (hi >= 0x200000) throw new FormatError(this.what, this.base + off, `64-bit value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} too large`);
    return hi * 0x100000000 + lo;
  }
  /** A 64-bit value that may legitimately exceed 2^53 (flags, signed sentinels); precision is not needed. */
  u64Lossy(off: number): number {
    this.check(off, 8);
    const lo = this.view.getUint32(off + (this.le ? 0 : 4), this.le);
    const hi = this.view.getUint32(off + (this.le ? 4 : 0), this.le);
    return hi * 0x100000000 + lo;
  }
  /** An unsigned word of `size` bytes (4 or 8). */
  word(off: number, size: number): number {
    return size === 8 ? this.u64(off) : this.u32(off);
  }
  sub(off: number, n: number, what = this.what): Bytes {
    this.check(off, n);
    return new Bytes(this.data.subarray(off, off + n), this.endian, what, this.base + off);
  }
  /** A NUL-terminated string starting at `off` (bounded by the block, or by `max` bytes). */
  cstring(off: number, max = this.data.length - off): string {
    if (off < 0 || off >= this.data.length) throw new FormatError(this.what, this.base + Math.max(0, off), 'string offset out of range');
    const end = Math.min(this.data.length, off + max);
    let i = off;
    while (i < end && this.data[i] !== 0) i++;
    return latin1OrUtf8(this.data.subarray(off, i));
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

/** Decodes bytes as UTF-8; ASCII is decoded without allocating a decoder call per byte. */
export function latin1OrUtf8(b: Uint8Array): string {
  let ascii = true;
  for (let i = 0; i < b.length; i++) {
    if ((b[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii && b.length < 64) return String.fromCharCode(...b);
  return utf8.decode(b);
}

/**
 * Index of `needle` in `hay` at or after `from`, or -1. The native byte search anchors on the
 * needle's first byte that is neither 0x00 nor 0xff: those two fill binaries, and anchoring on
 * them would stop at nearly every position.
 */
export function indexOf(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  const n = needle.length;
  if (n === 0) return from;
  let k = 0;
  while (k < n - 1 && (needle[k] === 0 || needle[k] === 0xff)) k++;
  const anchor = needle[k] as number;
  const last = hay.length - n;
  for (let i = hay.indexOf(anchor, from + k); i !== -1 && i - k <= last; i = hay.indexOf(anchor, i + 1)) {
    const start = i - k;
    let j = 0;
    while (j < n && hay[start + j] === needle[j]) j++;
    if (j === n) return start;
  }
  return -1;
}

export function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
  return b;
}

/**
 * A table of NUL-terminated strings (ELF .strtab, Go's funcnametab) decoded once: names are slices
 * of one latin1 string, so a lookup allocates no decoder call; the rare name with non-ASCII bytes
 * (Go ≤ 1.19 spells some generated names with '·') is re-decoded as UTF-8. The first lookups decode
 * their own bytes only: a caller that wants a few names of a large table (the atomics census) does
 * not pay for the whole.
 */
export class StringTable {
  private text: string | null = null;
  private lookups = 0;
  constructor(
    readonly data: Uint8Array,
    readonly what: string,
    readonly base = 0,
  ) {}

  private decoded(): string {
    if (this.text === null) {
      this.text = latin1(this.data);
    }
    return this.text;
  }

  /** The byte length of the string at `off`, without decoding it. */
  lengthAt(off: number): number {
    if (!(off >= 0 && off < this.data.length)) throw new FormatError(this.what, this.base + Math.max(0, off), 'string offset out of range');
    const end = this.data.indexOf(0, off);
    return (end < 0 ? this.data.length : end) - off;
  }

  at(off: number): string {
    if (!(off >= 0 && off < this.data.length)) throw new FormatError(this.what, this.base + Math.max(0, off), 'string offset out of range');
    if (this.text === null && this.lookups++ < FEW_LOOKUPS) {
      // What the slice below gives: ASCII decodes alike, and any other byte sends it to UTF-8.
      const nul = this.data.indexOf(0, off);
      return utf8.decode(this.data.subarray(off, nul < 0 ? this.data.length : nul));
    }
    const t = this.decoded();
    let end = t.indexOf('\0', off);
    if (end < 0) end = t.length;
    const s = t.slice(off, end);
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return utf8.decode(this.data.subarray(off, end));
    return s;
  }
}

/** Lookups a StringTable serves from its bytes before it decodes the whole table. */
const FEW_LOOKUPS = 4096;

/** Each byte as the character of that code (what the whole-table decode does). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  return s;
}

/** The bytes of an unsigned integer of `size` bytes (4 or 8) in the given byte order. */
export function wordBytes(value: number, size: number, endian: Endian): Uint8Array {
  const b = new Uint8Array(size);
  let v = value;
  for (let i = 0; i < size; i++) {
    b[endian === 'little' ? i : size - 1 - i] = v % 256;
    v = Math.floor(v / 256);
  }
  return b;
}

/** Offsets in `hay` where the word `value` is stored at a multiple of `align` (a native-speed search for pointers). */
export function findWord(hay: Uint8Array, value: number, size: number, endian: Endian, align = size): number[] {
  const needle = wordBytes(value, size, endian);
  const out: number[] = [];
  for (let i = indexOf(hay, needle); i >= 0; i = indexOf(hay, needle, i + 1)) if (i % align === 0) out.push(i);
  return out;
}
