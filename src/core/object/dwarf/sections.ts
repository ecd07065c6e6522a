/**
 * DWARF section bytes, decompressed. Compilers store them three ways:
 *   - ELF SHF_COMPRESSED (gABI; Go ≥ 1.12 on ELF): an Elf32/64_Chdr {type, size, addralign}, then a
 *     zlib (type 1) or zstd (type 2) stream;
 *   - the older GNU form, a `.zdebug_*` section (Go 1.11 on ELF; Go on PE): "ZLIB", a big-endian
 *     u64 size, then a zlib stream;
 *   - Mach-O `__zdebug_*` sections of the __DWARF segment, in the same "ZLIB" form.
 */
import { unzlibSync } from 'fflate';
import { decompress as unzstd } from 'fzstd';
import { FormatError } from '../../errors.js';
import { Bytes } from '../../io/bytes.js';
import { readExact } from '../../io/source.js';
import type { ObjectFile, Section } from '../types.js';

export type DwarfSectionName = 'info' | 'abbrev' | 'str' | 'line_str' | 'str_offsets';

/** A decompressed DWARF section larger than this is a lie in its header: Go's largest binaries carry tens of MB. */
const MAX_SECTION = 1 << 30;
const ELFCOMPRESS_ZLIB = 1;
const ELFCOMPRESS_ZSTD = 2;

/** The section holding `.debug_<name>` in any of its spellings (Mach-O names stop at 16 bytes). */
export function dwarfSection(obj: ObjectFile, name: DwarfSectionName): Section | null {
  const names = obj.format === 'macho' ? [`__debug_${name}`, `__zdebug_${name}`].map((n) => n.slice(0, 16)) : [`.debug_${name}`, `.zdebug_${name}`];
  for (const n of names) {
    const s = obj.sections.find((x) => x.name === n && (obj.format !== 'macho' || x.segment === '__DWARF'));
    if (s && s.fileSize > 0) return s;
  }
  return null;
}

/** The bytes of `.debug_<name>`, decompressed; null when the binary has no such section. */
export async function readDwarfSection(obj: ObjectFile, name: DwarfSectionName): Promise<Uint8Array | null> {
  const s = dwarfSection(obj, name);
  if (!s) return null;
  const what = `DWARF section ${s.name}`;
  if (s.fileSize > MAX_SECTION) throw new FormatError(what, s.offset, `implausible size ${s.fileSize}`);
  const raw = await readExact(obj.source, s.offset, s.fileSize, what);
  if (s.flags.compressed) return inflateElf(raw, obj, what, s.offset);
  if (/^(\.zdebug_|__zdebug_)/.test(s.name)) return inflateGnu(raw, what, s.offset);
  return raw;
}

function inflateElf(raw: Uint8Array, obj: ObjectFile, what: string, at: number): Uint8Array {
  const b = new Bytes(raw, obj.endian, what, at);
  const is64 = obj.bits === 64;
  const type = b.u32(0);
  const size = is64 ? b.u64(8) : b.u32(4);
  const header = is64 ? 24 : 12;
  if (type === ELFCOMPRESS_ZLIB) return inflate(raw.subarray(header), size, 'zlib', what, at);
  if (type === ELFCOMPRESS_ZSTD) return inflate(raw.subarray(header), size, 'zstd', what, at);
  throw new FormatError(what, at, `unknown compression type ${type} in the section's header`);
}

function inflateGnu(raw: Uint8Array, what: string, at: number): Uint8Array {
  if (raw.length < 12 || raw[0] !== 0x5a || raw[1] !== 0x4c || raw[2] !== 0x49 || raw[3] !== 0x42) {
    throw new FormatError(what, at, 'no "ZLIB" header');
  }
  const size = new Bytes(raw, 'big', what, at).u64(4);
  return inflate(raw.subarray(12), size, 'zlib', what, at);
}

function inflate(stream: Uint8Array, size: number, kind: 'zlib' | 'zstd', what: string, at: number): Uint8Array {
  if (size > MAX_SECTION) throw new FormatError(what, at, `implausible decompressed size ${size}`);
  let out: Uint8Array;
  try {
    out = kind === 'zlib' ? unzlibSync(stream, { out: new Uint8Array(size) }) : unzstd(stream, new Uint8Array(size));
  } catch (e) {
    throw new FormatError(what, at, `${kind} stream does not decompress: ${(e as Error).message}`);
  }
  if (out.length !== size) throw new FormatError(what, at, `decompressed to ${out.length} bytes, header says ${size}`);
  return out;
}
