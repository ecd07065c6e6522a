/**
 * Struct layouts from DWARF `.debug_info` (versions 2–5, 32- and 64-bit DWARF): the member
 * offsets a probe needs to read a field of a live process. Only what that takes is decoded — unit
 * headers, abbreviation tables, and the name, size, member location and type of struct DIEs —
 * every other attribute is skipped by its form. Format per the DWARF 5 standard, §7.5.
 */
import { FormatError } from '../../errors.js';
import { Bytes } from '../../io/bytes.js';
import type { ObjectFile } from '../types.js';
import { readDwarfSection } from './sections.js';

export interface DwarfMember {
  name: string;
  /** Byte offset inside the struct. */
  offset: number;
  /** Name of the member's type (`*net/http.conn`, `net.Conn`, `int`), when it has one. */
  type: string | null;
}

export interface DwarfStruct {
  name: string;
  size: number | null;
  members: DwarfMember[];
}

const DW_TAG_structure_type = 0x13;
const DW_TAG_member = 0x0d;
const DW_AT_name = 0x03;
const DW_AT_byte_size = 0x0b;
const DW_AT_data_member_location = 0x38;
const DW_AT_type = 0x49;
const DW_AT_str_offsets_base = 0x72;
const DW_OP_plus_uconst = 0x23;

const DW_FORM_implicit_const = 0x21;
const DW_FORM_indirect = 0x16;

/** Bounds that stop a crafted file from looping without end. */
const MAX_ABBREVS = 1 << 20;
const MAX_ATTRS = 256;

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: { at: number; form: number; implicit: number }[];
}

/** A cursor over one section, with LEB128 reads. The hot reads index the bytes directly (a walk visits every DIE). */
class Cursor {
  pos = 0;
  private readonly d: Uint8Array;
  constructor(
    readonly b: Bytes,
    start = 0,
  ) {
    this.pos = start;
    this.d = b.data;
  }
  private past(): never {
    throw new FormatError(this.b.what, this.b.base + this.pos, 'value runs past the end of the section', 'truncated');
  }
  u8(): number {
    const v = this.d[this.pos++];
    return v === undefined ? this.past() : v;
  }
  u16(): number {
    const v = this.b.u16(this.pos);
    this.pos += 2;
    return v;
  }
  u32(): number {
    const v = this.b.u32(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): number {
    const v = this.b.u64Lossy(this.pos);
    this.pos += 8;
    return v;
  }
  uleb(): number {
    const d = this.d;
    let c = d[this.pos++];
    if (c === undefined) return this.past();
    if (c < 0x80) return c;
    let result = c & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      c = d[this.pos++];
      if (c === undefined) return this.past();
      if (i < 8) result += (c & 0x7f) * mul;
      mul *= 128;
      if (c < 0x80) return result;
      if (i > 18) throw new FormatError(this.b.what, this.b.base + this.pos, 'LEB128 value too long');
    }
  }
  sleb(): number {
    let result = 0;
    let mul = 1;
    let c: number;
    let i = 0;
    do {
      c = this.u8();
      if (i < 8) result += (c & 0x7f) * mul;
      mul *= 128;
      if (++i > 19) throw new FormatError(this.b.what, this.b.base + this.pos, 'LEB128 value too long');
    } while (c >= 0x80);
    if (c & 0x40 && i < 8) result -= mul;
    return result;
  }
  cstring(): string {
    const s = this.b.cstring(this.pos);
    const end = this.d.indexOf(0, this.pos);
    this.pos = end < 0 ? this.d.length : end + 1;
    return s;
  }
  skipCstring(): void {
    const end = this.d.indexOf(0, this.pos);
    if (end < 0) this.past();
    this.pos = end + 1;
  }
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.d.length) throw new FormatError(this.b.what, this.b.base + this.pos, `${n}-byte value past the end`, 'truncated');
    this.pos += n;
  }
}

function readAbbrevs(b: Bytes, offset: number): Map<number, Abbrev> {
  const c = new Cursor(b, offset);
  const out = new Map<number, Abbrev>();
  for (let n = 0; n < MAX_ABBREVS; n++) {
    const code = c.uleb();
    if (code === 0) return out;
    const tag = c.uleb();
    const children = c.u8() === 1;
    const attrs: Abbrev['attrs'] = [];
    for (let k = 0; ; k++) {
      if (k > MAX_ATTRS) throw new FormatError(b.what, b.base + c.pos, 'abbreviation with too many attributes');
      const at = c.uleb();
      const form = c.uleb();
      if (at === 0 && form === 0) break;
      attrs.push({ at, form, implicit: form === DW_FORM_implicit_const ? c.sleb() : 0 });
    }
    out.set(code, { tag, children, attrs });
  }
  throw new FormatError(b.what, b.base + offset, 'abbreviation table without end');
}

interface Unit {
  version: number;
  offsetSize: 4 | 8;
  addrSize: number;
  /** Section offset of the unit header (the base of CU-relative references). */
  start: number;
  strOffsetsBase: number;
}

type Value = number | string | Uint8Array | null;

/** Reads (or skips, returning null) one attribute value of the given form. */
function readForm(c: Cursor, form: number, u: Unit, strs: Strings, want: boolean): Value {
  switch (form) {
    case 0x01: // addr
      c.skip(u.addrSize);
      return null;
    case 0x03: {
      const n = c.u16();
      const v = want ? c.b.data.subarray(c.pos, c.pos + n) : null;
      c.skip(n);
      return v;
    }
    case 0x04: {
      const n = c.u32();
      const v = want ? c.b.data.subarray(c.pos, c.pos + n) : null;
      c.skip(n);
      return v;
    }
    case 0x05:
      return c.u16();
    case 0x06:
      return c.u32();
    case 0x07:
      return c.u64();
    case 0x08: // string
      if (want) return c.cstring();
      c.skipCstring();
      return null;
    case 0x09:
    case 0x18: {
      // block, exprloc
      const n = c.uleb();
      const v = want ? c.b.data.subarray(c.pos, c.pos + n) : null;
      c.skip(n);
      return v;
    }
    case 0x0a: {
      const n = c.u8();
      const v = want ? c.b.data.subarray(c.pos, c.pos + n) : null;
      c.skip(n);
      return v;
    }
    case 0x0b:
    case 0x0c:
    case 0x11:
      return c.u8();
    case 0x0d:
      return c.sleb();
    case 0x0f:
    case 0x15:
      return c.uleb();
    case 0x0e: {
      const off = u.offsetSize === 8 ? c.u64() : c.u32();
      return want ? strs.at('str', off) : null;
    }
    case 0x1f: {
      const off = u.offsetSize === 8 ? c.u64() : c.u32();
      return want ? strs.at('line_str', off) : null;
    }
    case 0x10: {
      // ref_addr: a section offset (address-sized in DWARF 2)
      const size = u.version <= 2 ? u.addrSize : u.offsetSize;
      if (size === 8) return c.u64();
      if (size === 4) return c.u32();
      c.skip(size);
      return null;
    }
    case 0x12:
      return c.u16();
    case 0x13:
      return c.u32();
    case 0x14:
      return c.u64();
    case 0x17: // sec_offset
    case 0x1d: // strp_sup
    case 0x1f20: // GNU_ref_alt
    case 0x1f21: // GNU_strp_alt
      c.skip(u.offsetSize);
      return null;
    case 0x19: // flag_present
    case DW_FORM_implicit_const:
      return null;
    case 0x1a: {
      const i = c.uleb();
      return want ? strs.indexed(i, u) : null;
    }
    case 0x25:
    case 0x26:
    case 0x27:
    case 0x28: {
      const n = form - 0x24;
      let i = 0;
      for (let k = 0; k < n; k++) i += c.u8() * 256 ** k;
      return want ? strs.indexed(i, u) : null;
    }
    case 0x1b: // addrx
    case 0x22: // loclistx
    case 0x23: // rnglistx
    case 0x1f01: // GNU_addr_index
    case 0x1f02: // GNU_str_index
      c.uleb();
      return null;
    case 0x1c: // ref_sup4
      c.skip(4);
      return null;
    case 0x1e: // data16
      c.skip(16);
      return null;
    case 0x20: // ref_sig8
    case 0x24: // ref_sup8
      c.skip(8);
      return null;
    case 0x29:
    case 0x2a:
    case 0x2b:
    case 0x2c: // addrx1..4
      c.skip(form - 0x28);
      return null;
    case DW_FORM_indirect:
      return readForm(c, c.uleb(), u, strs, want);
    default:
      throw new FormatError(c.b.what, c.b.base + c.pos, `unknown attribute form 0x${form.toString(16)}`);
  }
}

/** The string sections, read only when a string form points into them. */
class Strings {
  constructor(private readonly sections: { str: Bytes | null; line_str: Bytes | null; str_offsets: Bytes | null }) {}
  at(which: 'str' | 'line_str', off: number): string {
    const b = this.sections[which];
    if (!b) throw new FormatError('DWARF', 0, `a string points into .debug_${which}, which is missing`);
    return b.cstring(off);
  }
  indexed(i: number, u: Unit): string {
    const b = this.sections.str_offsets;
    if (!b) throw new FormatError('DWARF', 0, 'a string index points into .debug_str_offsets, which is missing');
    const off = u.offsetSize === 8 ? b.u64(u.strOffsetsBase + i * 8) : b.u32(u.strOffsetsBase + i * 4);
    return this.at('str', off);
  }
}

/** A member location: a constant (DWARF 3+) or a `DW_OP_plus_uconst N` expression (DWARF 2, still emitted by some compilers). */
function memberOffset(v: Value): number | null {
  if (typeof v === 'number') return v;
  if (v instanceof Uint8Array && v.length >= 2 && v[0] === DW_OP_plus_uconst) {
    const c = new Cursor(new Bytes(v, 'little', 'DW_AT_data_member_location'), 1);
    return c.uleb();
  }
  return null;
}

/**
 * The layouts of the named structs (`net/http.Request`, `runtime.g`), or null when the binary
 * carries no DWARF. A struct that appears in several units is read from the first with members.
 */
export async function readDwarfStructs(obj: ObjectFile, wanted: ReadonlySet<string>): Promise<Map<string, DwarfStruct> | null> {
  const [info, abbrev, str, lineStr, strOffsets] = await Promise.all([
    readDwarfSection(obj, 'info'),
    readDwarfSection(obj, 'abbrev'),
    readDwarfSection(obj, 'str'),
    readDwarfSection(obj, 'line_str'),
    readDwarfSection(obj, 'str_offsets'),
  ]);
  if (!info || !abbrev) return null;
  const e = obj.endian;
  const ib = new Bytes(info, e, '.debug_info');
  const ab = new Bytes(abbrev, e, '.debug_abbrev');
  const strs = new Strings({
    str: str ? new Bytes(str, e, '.debug_str') : null,
    line_str: lineStr ? new Bytes(lineStr, e, '.debug_line_str') : null,
    str_offsets: strOffsets ? new Bytes(strOffsets, e, '.debug_str_offsets') : null,
  });
  const abbrevCache = new Map<number, Map<number, Abbrev>>();
  const out = new Map<string, DwarfStruct>();
  // Type references resolved after the walk (member → section offset of its type's DIE), so that
  // only the few names asked for are decoded, not every DIE's.
  const typeRefs: { member: DwarfMember; ref: number }[] = [];
  const units: { start: number; end: number; unit: Unit; abbrevs: Map<number, Abbrev> }[] = [];

  const c = new Cursor(ib);
  while (c.pos < ib.length) {
    const unitStart = c.pos;
    let len = c.u32();
    let offsetSize: 4 | 8 = 4;
    if (len === 0xffffffff) {
      offsetSize = 8;
      len = c.u64();
    } else if (len >= 0xfffffff0) throw new FormatError('.debug_info', unitStart, `reserved unit length 0x${len.toString(16)}`);
    const unitEnd = c.pos + len;
    if (unitEnd > ib.length) throw new FormatError('.debug_info', unitStart, `unit of ${len} bytes runs past the section`);
    const version = c.u16();
    if (version < 2 || version > 5) throw new FormatError('.debug_info', unitStart, `unsupported DWARF version ${version}`);
    let abbrevOff: number;
    let addrSize: number;
    if (version >= 5) {
      const unitType = c.u8();
      addrSize = c.u8();
      abbrevOff = offsetSize === 8 ? c.u64() : c.u32();
      if (unitType === 4 || unitType === 5)
        c.skip(8); // skeleton / split_compile: dwo_id
      else if (unitType === 2 || unitType === 6) c.skip(8 + offsetSize); // type units: signature, type offset
    } else {
      abbrevOff = offsetSize === 8 ? c.u64() : c.u32();
      addrSize = c.u8();
    }
    let abbrevs = abbrevCache.get(abbrevOff);
    if (!abbrevs) {
      abbrevs = readAbbrevs(ab, abbrevOff);
      abbrevCache.set(abbrevOff, abbrevs);
    }
    const unit: Unit = { version, offsetSize, addrSize, start: unitStart, strOffsetsBase: 8 };
    units.push({ start: unitStart, end: unitEnd, unit, abbrevs });
    // The struct whose members are being read, and the DIE depth of its children.
    let current: DwarfStruct | null = null;
    let currentDepth = -1;
    let depth = 0;
    while (c.pos < unitEnd) {
      const dieOff = c.pos;
      const code = c.uleb();
      if (code === 0) {
        depth--;
        if (current && depth < currentDepth) current = null;
        if (depth < 0) break;
        continue;
      }
      const ab2 = abbrevs.get(code);
      if (!ab2) throw new FormatError('.debug_info', dieOff, `abbreviation code ${code} not in the unit's table`);
      const isStruct = ab2.tag === DW_TAG_structure_type;
      const isMember: boolean = ab2.tag === DW_TAG_member && current !== null && depth === currentDepth;
      let name: string | null = null;
      let size: number | null = null;
      let loc: Value = null;
      let type: number | null = null;
      for (const a of ab2.attrs) {
        const want: boolean =
          (isStruct || isMember) && (a.at === DW_AT_name || a.at === DW_AT_byte_size || a.at === DW_AT_data_member_location || a.at === DW_AT_type);
        const v: Value = a.form === DW_FORM_implicit_const ? a.implicit : readForm(c, a.form, unit, strs, want || a.at === DW_AT_str_offsets_base);
        if (a.at === DW_AT_str_offsets_base && typeof v === 'number') unit.strOffsetsBase = v;
        if (!want) continue;
        if (a.at === DW_AT_name && typeof v === 'string') name = v;
        else if (a.at === DW_AT_byte_size && typeof v === 'number') size = v;
        else if (a.at === DW_AT_data_member_location) loc = v;
        else if (a.at === DW_AT_type && typeof v === 'number') {
          // ref1/2/4/8/udata are unit-relative; ref_addr is a section offset.
          type = a.form === 0x10 ? v : unitStart + v;
        }
      }
      if (isMember && current && name !== null) {
        const off = memberOffset(loc);
        if (off !== null) {
          const m: DwarfMember = { name, offset: off, type: null };
          current.members.push(m);
          if (type !== null) typeRefs.push({ member: m, ref: type });
        }
      }
      if (ab2.children) {
        depth++;
        if (isStruct && name !== null && wanted.has(name) && !out.get(name)?.members.length) {
          current = { name, size, members: [] };
          out.set(name, current);
          currentDepth = depth;
        }
      } else if (isStruct && name !== null && wanted.has(name) && !out.has(name)) {
        out.set(name, { name, size, members: [] });
      }
    }
    c.pos = unitEnd;
  }
  for (const { member, ref } of typeRefs) member.type = nameAt(ib, units, strs, ref);
  return out;
}

/** The DW_AT_name of the DIE at a section offset, or null. */
function nameAt(ib: Bytes, units: { start: number; end: number; unit: Unit; abbrevs: Map<number, Abbrev> }[], strs: Strings, off: number): string | null {
  const u = units.find((x) => off > x.start && off < x.end);
  if (!u) return null;
  const c = new Cursor(ib, off);
  const ab = u.abbrevs.get(c.uleb());
  if (!ab) return null;
  for (const a of ab.attrs) {
    const v = a.form === DW_FORM_implicit_const ? a.implicit : readForm(c, a.form, u.unit, strs, a.at === DW_AT_name);
    if (a.at === DW_AT_name) return typeof v === 'string' ? v : null;
  }
  return null;
}
