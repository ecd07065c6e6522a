import { FormatError } from '../errors.js';
import { ascii, Bytes, indexOf, latin1OrUtf8 } from '../io/bytes.js';
import type { ObjectFile } from '../object/types.js';
import { findSection, readVA } from '../object/types.js';

/** The 16-byte-aligned header the linker writes at the start of the go:buildinfo symbol. */
const MAGIC = ascii('\xff Go buildinf:');
const ALIGN = 16;
const HEADER = 32;
const CHUNK = 1 << 20;
/** runtime.modinfo of a real program is kilobytes; a larger length is corrupt input. */
const MAX_MODINFO = 4 << 20;
const MAX_VERSION = 1000;

export interface RawBuildInfo {
  goVersion: string;
  /** Module info text with the sentinels removed; '' when the binary has none (GOPATH builds). */
  modinfo: string;
  /** `inline`: Go ≥ 1.18 varint strings; `pointer`: older pointers to runtime.buildVersion/modinfo. */
  format: 'inline' | 'pointer';
  /** File offset of the header. */
  offset: number;
}

/**
 * Where to start looking, as debug/buildinfo's DataStart: the build info section if there is one,
 * else the first writable data region. Returns the file range to search.
 */
interface Region {
  offset: number;
  size: number;
  /** Virtual address of `offset`. */
  addr: number;
}

function dataRegion(obj: ObjectFile): Region | null {
  const sec = findSection(obj, '.go.buildinfo', '__go_buildinfo');
  if (sec && sec.fileSize > 0) return { offset: sec.offset, size: sec.fileSize, addr: sec.addr };
  if (obj.format === 'pe') {
    const data = obj.sections.find((s) => s.flags.write && !s.flags.exec && s.fileSize > 0 && s.addr !== 0);
    return data ? { offset: data.offset, size: data.fileSize, addr: data.addr } : null;
  }
  const seg = obj.segments.find((s) => s.type === 'load' && s.w && !s.x && s.fileSize > 0 && (obj.format !== 'macho' || s.r));
  return seg ? { offset: seg.offset, size: seg.fileSize, addr: seg.vaddr } : null;
}

/** Finds the 16-aligned magic in the region, reading 1 MiB at a time (the magic never straddles a chunk). */
async function findHeader(obj: ObjectFile, region: Region): Promise<Bytes | null> {
  const end = Math.min(obj.source.size, region.offset + region.size);
  // Alignment is relative to the virtual address, which shares its low bits with the file offset in Go's layouts.
  for (let pos = region.offset; pos < end; pos += CHUNK) {
    const len = Math.min(CHUNK + HEADER, end - pos);
    const chunk = await obj.source.read(pos, len);
    for (let i = indexOf(chunk, MAGIC); i >= 0 && i < CHUNK; i = indexOf(chunk, MAGIC, i + 1)) {
      if ((pos + i - region.offset) % ALIGN !== 0) continue;
      if (i + HEADER > chunk.length) {
        // Header cut by the end of the region: read it whole, or fail as truncated.
        const whole = await obj.source.read(pos + i, HEADER + 64);
        if (whole.length < HEADER) throw new FormatError('Go build info header', pos + i, 'header cut by the end of the data', 'truncated');
        return new Bytes(whole, 'little', 'Go build info', pos + i);
      }
      return new Bytes(chunk.subarray(i), 'little', 'Go build info', pos + i);
    }
  }
  return null;
}

function uvarint(b: Bytes, off: number): { value: number; next: number } {
  let x = 0;
  let s = 1;
  for (let i = 0; i < 10; i++) {
    const c = b.u8(off + i);
    x += (c & 0x7f) * s;
    if (c < 0x80) return { value: x, next: off + i + 1 };
    s *= 128;
  }
  throw new FormatError(b.what, b.base + off, 'varint overflows');
}

/** A pointer-sized word that may hold any value (a wild pointer is not an error, only unusable). */
function lossyWord(b: Bytes, off: number, ptr: number): number {
  return ptr === 8 ? b.u64Lossy(off) : b.u32(off);
}

/** A pointer as the loader would see it; null when it cannot be an address in this file. */
async function relocated(obj: ObjectFile, addr: number): Promise<number | null> {
  if (!Number.isSafeInteger(addr)) return null;
  try {
    return await obj.readPointer(addr);
  } catch (e) {
    if (e instanceof FormatError) return null;
    throw e;
  }
}

/**
 * Reads a Go string header {ptr, len} at addr and then the bytes it points at, as debug/buildinfo's
 * readString: null (Go: "") when any part is outside the file or the length is implausible.
 */
async function readGoString(obj: ObjectFile, addr: number, ptr: number, max: number, le: boolean): Promise<string | null> {
  if (!Number.isSafeInteger(addr)) return null;
  const hdr = await readVA(obj, addr, 2 * ptr);
  if (!hdr) return null;
  const h = new Bytes(hdr, le ? 'little' : 'big', 'Go string header');
  const native = ptr === obj.bits / 8 && (le ? 'little' : 'big') === obj.endian;
  const data = native ? await relocated(obj, addr) : lossyWord(h, 0, ptr);
  const len = lossyWord(h, ptr, ptr);
  if (data === null || len > max) return null;
  if (len === 0) return '';
  if (!Number.isSafeInteger(data)) return null;
  const b = await readVA(obj, data, len);
  return b ? latin1OrUtf8(b) : null;
}

/** Strips cmd/go's 16-byte sentinels around modinfo, as debug/buildinfo does; '' when they are absent. */
export function stripSentinels(mod: string): string {
  return mod.length >= 33 && mod[mod.length - 17] === '\n' ? mod.slice(16, -16) : '';
}

/** debug/buildinfo: the Go version and module info the linker recorded, or null when there is no header. */
export async function readBuildInfo(obj: ObjectFile): Promise<RawBuildInfo | null> {
  const region = dataRegion(obj);
  if (!region) return null;
  const h = await findHeader(obj, region);
  if (!h) return null;
  const ptrSize = h.u8(14);
  const flags = h.u8(15);
  let goVersion: string;
  let mod: string;
  let format: RawBuildInfo['format'];
  if (flags & 2) {
    format = 'inline';
    // The strings follow the header; read as much as their lengths say, bounded.
    const v = uvarint(h, HEADER);
    if (v.value > MAX_VERSION) throw new FormatError('Go build info', h.base + HEADER, `implausible version length ${v.value}`);
    const vb = await obj.source.read(h.base + v.next, v.value + 10);
    if (vb.length < v.value) throw new FormatError('Go build info', h.base + v.next, 'version string', 'truncated');
    goVersion = latin1OrUtf8(vb.subarray(0, v.value));
    const mb = new Bytes(vb.subarray(v.value), 'little', 'Go build info', h.base + v.next + v.value);
    const m = uvarint(mb, 0);
    if (m.value > MAX_MODINFO) throw new FormatError('Go build info', mb.base, `implausible module info length ${m.value}`);
    const bytes = await obj.source.read(mb.base + m.next, m.value);
    if (bytes.length < m.value) throw new FormatError('Go build info', mb.base + m.next, `module info (${bytes.length} of ${m.value} bytes)`, 'truncated');
    mod = latin1OrUtf8(bytes);
  } else {
    format = 'pointer';
    if (ptrSize !== 4 && ptrSize !== 8) throw new FormatError('Go build info', h.base + 14, `bad pointer size ${ptrSize}`);
    const le = (flags & 1) === 0;
    const hb = new Bytes(h.data, le ? 'little' : 'big', 'Go build info', h.base);
    // The two pointers are relocated in a PIE: read them as the loader would when the header
    // agrees with the file on word size and byte order.
    const va = region.addr + (h.base - region.offset);
    const native = ptrSize === obj.bits / 8 && (le ? 'little' : 'big') === obj.endian;
    const ptrAt = async (off: number) => (native ? await relocated(obj, va + off) : null) ?? lossyWord(hb, off, ptrSize);
    const verAddr = await ptrAt(16);
    const modAddr = await ptrAt(16 + ptrSize);
    goVersion = (await readGoString(obj, verAddr, ptrSize, MAX_VERSION, le)) ?? '';
    mod = (await readGoString(obj, modAddr, ptrSize, MAX_MODINFO, le)) ?? '';
  }
  if (!goVersion) return null;
  return { goVersion, modinfo: stripSentinels(mod), format, offset: h.base };
}
