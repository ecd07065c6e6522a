import { type Damage, FormatError, hex } from '../errors.js';
import { ascii, Bytes, type Endian, indexOf, StringTable } from '../io/bytes.js';
import { PagedTable } from '../io/paged.js';
import { type ByteSource, ReadBudget, readExact } from '../io/source.js';
import type { Kind, Linkage, ObjectFile, Section, Segment, SegmentType, Sym, VersionNeed } from './types.js';
import { readWord, segmentVaToOffset } from './types.js';

// Constants from the System V gABI and the GNU extensions (see Go's debug/elf/elf.go).
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const PT_NOTE = 4;

const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_RELA = 4;
const SHT_NOBITS = 8;
const SHT_REL = 9;
const SHT_DYNSYM = 11;
const SHT_GNU_VERNEED = 0x6ffffffe;
const SHT_GNU_VERSYM = 0x6fffffff;

const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const SHF_COMPRESSED = 0x800;

const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SYMTAB = 6;
const DT_RELA = 7;
const DT_RELASZ = 8;
const DT_STRSZ = 10;
const DT_SONAME = 14;
const DT_SYMENT = 11;
const DT_RPATH = 15;
const DT_REL = 17;
const DT_RELSZ = 18;
const DT_RUNPATH = 29;
const DT_FLAGS_1 = 0x6ffffffb;
const DT_VERSYM = 0x6ffffff0;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;
const DF_1_PIE = 0x08000000;

const STT_OBJECT = 1;
const STT_FUNC = 2;
const SHN_UNDEF = 0;
const SHN_LORESERVE = 0xff00;

/** R_*_RELATIVE per e_machine: the loader writes base + addend; base is 0 for our purposes. */
const RELATIVE: Record<number, number> = {
  3: 8, // R_386_RELATIVE
  62: 8, // R_X86_64_RELATIVE
  40: 23, // R_ARM_RELATIVE
  183: 1027, // R_AARCH64_RELATIVE
  21: 22, // R_PPC64_RELATIVE
  22: 12, // R_390_RELATIVE
  243: 3, // R_RISCV_RELATIVE
  258: 3, // R_LARCH_RELATIVE
};

/** Caps that keep a crafted header from making us allocate or loop without bound. */
const MAX_HEADERS = 65535;
/** A real .gnu.version_r holds a few dozen 16-byte records (under 4 KiB); more is not read. */
const MAX_VERNEED_BYTES = 1 << 20;
const MAX_TABLE_BYTES = 512 * 1024 * 1024;

function archOf(machine: number, is64: boolean, endian: Endian): string {
  const le = endian === 'little';
  switch (machine) {
    case 3:
      return '386';
    case 62:
      return 'amd64';
    case 40:
      return 'arm';
    case 183:
      return 'arm64';
    case 8:
    case 10:
      return is64 ? (le ? 'mips64le' : 'mips64') : le ? 'mipsle' : 'mips';
    case 21:
      return le ? 'ppc64le' : 'ppc64';
    case 20:
      return 'ppc';
    case 22:
      return is64 ? 's390x' : 's390';
    case 243:
      return is64 ? 'riscv64' : 'riscv';
    case 258:
      return 'loong64';
    case 2:
    case 43:
      return 'sparc64';
    default:
      return `unknown(${machine})`;
  }
}

interface RawSection extends Section {
  type: number;
  link: number;
  info: number;
  entsize: number;
}

interface DynEntry {
  tag: number;
  val: number;
}

export class ElfFile implements ObjectFile {
  readonly format = 'elf' as const;
  readonly imageBase = 0;
  readonly damage: Damage[] = [];
  readonly headers: [number, number][] = [];
  readonly budget: ReadBudget;
  private symCache: Promise<Sym[]> | null = null;
  private relocCache: Promise<Map<number, number>> | null = null;
  private dynCache: Promise<DynEntry[]> | null = null;

  constructor(
    readonly source: ByteSource,
    readonly arch: string,
    readonly bits: 32 | 64,
    readonly endian: Endian,
    readonly kind: Kind,
    readonly machine: number,
    readonly entry: number,
    readonly sections: RawSection[],
    readonly segments: Segment[],
    readonly interpreter: string | null,
  ) {
    this.budget = new ReadBudget(source);
  }

  get hasDWARF(): boolean {
    return this.sections.some((s) => s.name.startsWith('.debug_') || s.name.startsWith('.zdebug_'));
  }

  vaToOffset(addr: number): number | null {
    const off = segmentVaToOffset(this.segments, addr);
    if (off !== null) return off;
    // Files with no program headers (relocatable objects) map through their sections.
    if (this.segments.length === 0) {
      for (const s of this.sections) {
        if (s.flags.alloc && s.fileSize > 0 && addr >= s.addr && addr < s.addr + s.fileSize) return s.offset + (addr - s.addr);
      }
    }
    return null;
  }

  private get ptr(): number {
    return this.bits === 64 ? 8 : 4;
  }

  private async table(off: number, size: number, what: string): Promise<Bytes> {
    if (size > MAX_TABLE_BYTES) throw new FormatError(what, off, `implausible size ${size}`);
    this.budget.take(size, what, off);
    return new Bytes(await readExact(this.source, off, size, what), this.endian, what, off);
  }

  async readPointer(addr: number): Promise<number | null> {
    const raw = await readWord(this, addr);
    if (raw === null || this.kind === 'executable') return raw;
    const relocs = await this.relocations();
    return relocs.get(addr) ?? raw;
  }

  /** R_*_RELATIVE relocations (address → addend) of a PIE or shared object, read once. */
  relocations(): Promise<Map<number, number>> {
    this.relocCache ??= this.loadRelocations();
    return this.relocCache;
  }

  private async loadRelocations(): Promise<Map<number, number>> {
    const map = new Map<number, number>();
    const relative = RELATIVE[this.machine];
    if (relative === undefined) return map;
    const tables: { off: number; size: number; rela: boolean }[] = [];
    for (const s of this.sections) {
      if ((s.type === SHT_RELA || s.type === SHT_REL) && s.flags.alloc) tables.push({ off: s.offset, size: s.fileSize, rela: s.type === SHT_RELA });
    }
    if (tables.length === 0) {
      const dyn = await this.dynamic();
      const get = (t: number) => dyn.find((d) => d.tag === t)?.val;
      const rela = get(DT_RELA);
      const relasz = get(DT_RELASZ);
      const rel = get(DT_REL);
      const relsz = get(DT_RELSZ);
      if (rela !== undefined && relasz) {
        const off = this.vaToOffset(rela);
        if (off !== null) tables.push({ off, size: relasz, rela: true });
      }
      if (rel !== undefined && relsz) {
        const off = this.vaToOffset(rel);
        if (off !== null) tables.push({ off, size: relsz, rela: false });
      }
    }
    const w = this.ptr;
    // Only RELA tables carry the addend; REL keeps it in place, so the raw word is already right.
    for (const t of tables.filter((x) => x.rela)) {
      const ent = t.rela ? 3 * w : 2 * w;
      const b = await this.table(t.off, t.size - (t.size % ent), 'ELF relocation table');
      for (let i = 0; i + ent <= b.length; i += ent) {
        const where = b.word(i, w);
        const info = w === 8 ? b.u64Lossy(i + 8) : b.u32(i + 4);
        const type = w === 8 ? info % 0x100000000 : info & 0xff;
        if (type === relative) map.set(where, w === 8 ? b.u64Lossy(i + 16) : b.u32(i + 8));
      }
    }
    return map;
  }

  symbols(): Promise<Sym[]> {
    this.symCache ??= this.readSymbols(SHT_SYMTAB);
    return this.symCache;
  }

  async hasSymbols(): Promise<boolean> {
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB);
    return !!tab && tab.fileSize >= 2 * (this.bits === 64 ? 24 : 16);
  }

  /**
   * Finds a few names without decoding the table: their offsets in the string table (a native
   * byte search for "\0name\0"), then the entries whose st_name is one of them.
   */
  async lookupSymbols(names: readonly string[]): Promise<Map<string, Sym>> {
    const out = new Map<string, Sym>();
    if (this.symCache) {
      for (const s of await this.symCache) if (names.includes(s.name) && !out.has(s.name)) out.set(s.name, s);
      return out;
    }
    const tab = this.sections.find((s) => s.type === SHT_SYMTAB);
    if (!tab || tab.fileSize === 0) return out;
    const strtab = this.sections[tab.link];
    if (!strtab || strtab.type !== SHT_STRTAB) throw new FormatError('ELF symbol table', tab.offset, `bad string table link ${tab.link}`);
    const [syms, strs] = await Promise.all([
      this.table(tab.offset, tab.fileSize, `ELF ${tab.name} section`),
      this.table(strtab.offset, strtab.fileSize, `ELF ${strtab.name} section`),
    ]);
    const byOffset = new Map<number, string>();
    for (const n of names) {
      const needle = ascii(`\0${n}\0`);
      for (let i = indexOf(strs.data, needle); i >= 0; i = indexOf(strs.data, needle, i + 1)) byOffset.set(i + 1, n);
    }
    if (byOffset.size === 0) return out;
    const ent = this.bits === 64 ? 24 : 16;
    for (let i = ent; i + ent <= syms.length; i += ent) {
      const name = byOffset.get(syms.u32(i));
      if (name === undefined || out.has(name)) continue;
      const s = readSym(syms, i, this.bits);
      if (s.shndx === SHN_UNDEF) continue;
      out.set(name, {
        name,
        value: s.value,
        size: s.size,
        kind: s.type === STT_FUNC ? 'func' : s.type === STT_OBJECT ? 'object' : 'other',
        section: s.shndx >= SHN_LORESERVE || s.shndx >= this.sections.length ? -1 : s.shndx,
      });
    }
    return out;
  }

  private async readSymbols(type: number): Promise<Sym[]> {
    const tab = this.sections.find((s) => s.type === type);
    if (!tab || tab.fileSize === 0) return [];
    const strtab = this.sections[tab.link];
    if (!strtab || strtab.type !== SHT_STRTAB) throw new FormatError('ELF symbol table', tab.offset, `bad string table link ${tab.link}`);
    const [syms, strs] = await Promise.all([
      this.table(tab.offset, tab.fileSize, `ELF ${tab.name} section`),
      this.table(strtab.offset, strtab.fileSize, `ELF ${strtab.name} section`),
    ]);
    const out: Sym[] = [];
    const ent = this.bits === 64 ? 24 : 16;
    const names = new StringTable(strs.data, strs.what, strs.base);
    for (let i = ent; i + ent <= syms.length; i += ent) {
      const s = readSym(syms, i, this.bits);
      if (s.shndx === SHN_UNDEF) continue;
      out.push({
        name: s.name < strs.length ? names.at(s.name) : '',
        value: s.value,
        size: s.size,
        kind: s.type === STT_FUNC ? 'func' : s.type === STT_OBJECT ? 'object' : 'other',
        section: s.shndx >= SHN_LORESERVE || s.shndx >= this.sections.length ? -1 : s.shndx,
      });
    }
    return out;
  }

  /** The dynamic array, from .dynamic or PT_DYNAMIC. */
  dynamic(): Promise<DynEntry[]> {
    this.dynCache ??= this.readDynamic();
    return this.dynCache;
  }

  private async readDynamic(): Promise<DynEntry[]> {
    let off: number | null = null;
    let size = 0;
    const sec = this.sections.find((s) => s.name === '.dynamic' && s.fileSize > 0);
    if (sec) {
      off = sec.offset;
      size = sec.fileSize;
    } else {
      const seg = this.segments.find((s) => s.type === 'dynamic');
      if (seg) {
        off = seg.offset;
        size = seg.fileSize;
      }
    }
    if (off === null || size === 0) return [];
    const w = this.ptr;
    const b = await this.table(off, size - (size % (2 * w)), 'ELF dynamic section');
    const out: DynEntry[] = [];
    for (let i = 0; i + 2 * w <= b.length; i += 2 * w) {
      const tag = w === 8 ? b.u64Lossy(i) : b.u32(i);
      if (tag === DT_NULL) break;
      out.push({ tag, val: w === 8 ? b.u64Lossy(i + w) : b.u32(i + w) });
    }
    return out;
  }

  async linkage(): Promise<Linkage> {
    const dyn = await this.dynamic();
    const needed: string[] = [];
    const rpath: string[] = [];
    const runpath: string[] = [];
    const strOff = dyn.find((d) => d.tag === DT_STRTAB)?.val;
    const strSize = dyn.find((d) => d.tag === DT_STRSZ)?.val;
    // Paged: a binary that exports every Go symbol (plugins, -rdynamic) has megabytes of .dynstr
    // and .dynsym, of which linkage needs a few dozen names.
    let dynstr: PagedTable | null = null;
    const dynstrSec = this.sections.find((s) => s.name === '.dynstr' && s.type === SHT_STRTAB);
    if (dynstrSec) dynstr = this.paged(dynstrSec.offset, dynstrSec.fileSize, 'ELF .dynstr section');
    else if (strOff !== undefined && strSize !== undefined) {
      const off = this.vaToOffset(strOff);
      if (off !== null) dynstr = this.paged(off, strSize, 'ELF dynamic string table');
    }
    const str = (o: number) => {
      if (!dynstr) throw new FormatError('ELF dynamic section', 0, 'no dynamic string table');
      return dynstr.cstring(o);
    };
    for (const d of dyn) {
      if (d.tag === DT_NEEDED) needed.push(await str(d.val));
      else if (d.tag === DT_RPATH) rpath.push(...(await str(d.val)).split(':'));
      else if (d.tag === DT_RUNPATH) runpath.push(...(await str(d.val)).split(':'));
    }
    const versionNeeds = dynstr ? await this.versionNeeds(dyn, dynstr) : [];
    return {
      static: this.interpreter === null && needed.length === 0,
      interpreter: this.interpreter,
      needed,
      rpath,
      runpath,
      versionNeeds,
    };
  }

  private paged(off: number, size: number, what: string): PagedTable {
    if (size > MAX_TABLE_BYTES) throw new FormatError(what, off, `implausible size ${size}`);
    return new PagedTable(this.source, off, size, what, this.budget);
  }

  /** .gnu.version_r joined with .gnu.version and .dynsym: which dynamic symbols need each version. */
  private async versionNeeds(dyn: DynEntry[], dynstr: PagedTable): Promise<VersionNeed[]> {
    const vnSec = this.sections.find((s) => s.type === SHT_GNU_VERNEED);
    let vnOff: number | null = null;
    let vnCount = 0;
    if (vnSec) {
      vnOff = vnSec.offset;
      vnCount = vnSec.info;
    } else {
      const va = dyn.find((d) => d.tag === DT_VERNEED)?.val;
      vnCount = dyn.find((d) => d.tag === DT_VERNEEDNUM)?.val ?? 0;
      if (va !== undefined) vnOff = this.vaToOffset(va);
    }
    if (vnOff === null || vnCount === 0) return [];
    if (vnCount > MAX_HEADERS) throw new FormatError('ELF .gnu.version_r', vnOff, `implausible count ${vnCount}`);
    // The records live in the section (or, without section headers, in the segment holding
    // DT_VERNEED): every record must lie inside it, and none may be read twice, so a crafted chain
    // of self-referencing records ends after at most (size / 16) reads.
    const seg = this.segments.find((g) => g.type === 'load' && g.offset <= vnOff && vnOff < g.offset + g.fileSize);
    const end = vnSec ? vnSec.offset + vnSec.fileSize : seg ? seg.offset + seg.fileSize : vnOff;
    const size = Math.min(end, this.source.size) - vnOff;
    if (size < 16) throw new FormatError('ELF .gnu.version_r', vnOff, `${Math.max(0, size)} bytes: too short for one record`, 'truncated');
    const block = await this.table(vnOff, Math.min(size, MAX_VERNEED_BYTES), 'ELF .gnu.version_r');
    const seen = new Set<number>();
    const record = (rel: number, what: string): number => {
      if (rel < 0 || rel + 16 > block.length)
        throw new FormatError(`ELF .gnu.version_r ${what}`, vnOff + rel, `outside the ${block.length}-byte version needs`);
      if (seen.has(rel)) throw new FormatError(`ELF .gnu.version_r ${what}`, vnOff + rel, 'the record chain loops back to a record already read');
      seen.add(rel);
      return rel;
    };

    const needs: VersionNeed[] = [];
    const byIndex = new Map<number, { need: VersionNeed; v: { name: string; symbols: string[] } }>();
    let off = 0;
    for (let i = 0; i < vnCount; i++) {
      const vn = record(off, 'entry');
      const cnt = block.u16(vn + 2);
      const need: VersionNeed = { file: await dynstr.cstring(block.u32(vn + 4)), versions: [] };
      let auxOff = vn + block.u32(vn + 8);
      for (let j = 0; j < cnt; j++) {
        const aux = record(auxOff, 'aux entry');
        const v = { name: await dynstr.cstring(block.u32(aux + 8)), symbols: [] as string[] };
        need.versions.push(v);
        byIndex.set(block.u16(aux + 6) & 0x7fff, { need, v });
        const next = block.u32(aux + 12);
        if (next === 0) break;
        auxOff = aux + next;
      }
      needs.push(need);
      const next = block.u32(vn + 12);
      if (next === 0) break;
      off = vn + next;
    }

    const versym = this.sections.find((s) => s.type === SHT_GNU_VERSYM);
    const dynsym = this.sections.find((s) => s.type === SHT_DYNSYM);
    let vsOff: number | null = versym ? versym.offset : null;
    if (vsOff === null) {
      const va = dyn.find((d) => d.tag === DT_VERSYM)?.val;
      if (va !== undefined) vsOff = this.vaToOffset(va);
    }
    let dsOff: number | null = dynsym ? dynsym.offset : null;
    let dsSize = dynsym ? dynsym.fileSize : 0;
    const ent = this.bits === 64 ? 24 : 16;
    if (dsOff === null) {
      // Without section headers the symbol count is not recorded; glibc's layout puts .dynstr right after .dynsym.
      const va = dyn.find((d) => d.tag === DT_SYMTAB)?.val;
      const strva = dyn.find((d) => d.tag === DT_STRTAB)?.val;
      const syment = dyn.find((d) => d.tag === DT_SYMENT)?.val ?? ent;
      if (va !== undefined && strva !== undefined && strva > va && syment === ent) {
        dsOff = this.vaToOffset(va);
        dsSize = strva - va;
      }
    }
    if (vsOff === null || dsOff === null) return needs;
    const n = Math.floor(dsSize / ent);
    // The version of every symbol is read (2 bytes each); only the symbols that need a version are
    // then read from .dynsym and named, page by page.
    const syms = this.paged(dsOff, n * ent, 'ELF .dynsym section');
    const vers = await this.table(vsOff, n * 2, 'ELF .gnu.version section');
    for (let i = 1; i < n; i++) {
      const idx = vers.u16(i * 2) & 0x7fff;
      if (idx < 2) continue;
      const hit = byIndex.get(idx);
      if (!hit) continue;
      const s = readSym(new Bytes(await syms.bytes(i * ent, ent), this.endian, syms.what, syms.offset + i * ent), 0, this.bits);
      hit.v.symbols.push(await dynstr.cstring(s.name));
    }
    return needs;
  }
}

function readSym(b: Bytes, i: number, bits: 32 | 64): { name: number; value: number; size: number; type: number; shndx: number } {
  if (bits === 64) {
    return { name: b.u32(i), type: b.u8(i + 4) & 0xf, shndx: b.u16(i + 6), value: b.u64Lossy(i + 8), size: b.u64Lossy(i + 16) };
  }
  return { name: b.u32(i), value: b.u32(i + 4), size: b.u32(i + 8), type: b.u8(i + 12) & 0xf, shndx: b.u16(i + 14) };
}

function segType(t: number): SegmentType {
  switch (t) {
    case PT_LOAD:
      return 'load';
    case PT_DYNAMIC:
      return 'dynamic';
    case PT_INTERP:
      return 'interp';
    case PT_NOTE:
      return 'note';
    default:
      return 'other';
  }
}

export async function openElf(src: ByteSource): Promise<ObjectFile> {
  const ident = await readExact(src, 0, 16, 'ELF identification');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) throw new FormatError('ELF identification', 4, `bad class ${cls}`);
  if (data !== 1 && data !== 2) throw new FormatError('ELF identification', 5, `bad data encoding ${data}`);
  const is64 = cls === 2;
  const endian: Endian = data === 1 ? 'little' : 'big';
  const hdr = new Bytes(await readExact(src, 0, is64 ? 64 : 52, 'ELF header'), endian, 'ELF header');
  const w = is64 ? 8 : 4;
  const type = hdr.u16(16);
  const machine = hdr.u16(18);
  const entry = hdr.word(24, w);
  const phoff = hdr.word(24 + w, w);
  const shoff = hdr.word(24 + 2 * w, w);
  const o = 24 + 3 * w + 4; // e_flags, then e_ehsize
  const phentsize = hdr.u16(o + 2);
  const phnum = hdr.u16(o + 4);
  const shentsize = hdr.u16(o + 6);
  let shnum = hdr.u16(o + 8);
  let shstrndx = hdr.u16(o + 10);
  const damage: Damage[] = [];
  // Everything that runs past the end of the file, reported once: a truncated file, or a lying header.
  const past: string[] = [];
  let need = 0;

  const segments: Segment[] = [];
  let interpreter: string | null = null;
  if (phnum > 0) {
    const want = is64 ? 56 : 32;
    if (phentsize < want) throw new FormatError('ELF header', o + 2, `bad program header size ${phentsize}`);
    const ph = new Bytes(await readExact(src, phoff, phnum * phentsize, 'ELF program header table'), endian, 'ELF program header table', phoff);
    for (let i = 0; i < phnum; i++) {
      const p = i * phentsize;
      const t = ph.u32(p);
      const flags = is64 ? ph.u32(p + 4) : ph.u32(p + 24);
      const seg: Segment = is64
        ? {
            type: segType(t),
            name: '',
            offset: ph.u64(p + 8),
            vaddr: ph.u64Lossy(p + 16),
            fileSize: ph.u64(p + 32),
            memSize: ph.u64Lossy(p + 40),
            x: !!(flags & 1),
            w: !!(flags & 2),
            r: !!(flags & 4),
          }
        : {
            type: segType(t),
            name: '',
            offset: ph.u32(p + 4),
            vaddr: ph.u32(p + 8),
            fileSize: ph.u32(p + 16),
            memSize: ph.u32(p + 20),
            x: !!(flags & 1),
            w: !!(flags & 2),
            r: !!(flags & 4),
          };
      if (seg.offset + seg.fileSize > src.size) {
        past.push(`program header ${i}`);
        need = Math.max(need, seg.offset + seg.fileSize);
        seg.fileSize = Math.max(0, src.size - seg.offset);
      }
      segments.push(seg);
      if (t === PT_INTERP && seg.fileSize > 0 && seg.fileSize < 4096) {
        const b = new Bytes(await readExact(src, seg.offset, seg.fileSize, 'ELF interpreter'), endian, 'ELF interpreter', seg.offset);
        interpreter = b.cstring(0);
      }
    }
  }

  const sections: RawSection[] = [];
  if (shoff !== 0) {
    const want = is64 ? 64 : 40;
    if (shentsize < want) throw new FormatError('ELF header', o + 6, `bad section header size ${shentsize}`);
    // Extended numbering: counts that do not fit 16 bits live in section header 0.
    if (shnum === 0 || shstrndx === 0xffff) {
      const s0 = new Bytes(await readExact(src, shoff, shentsize, 'ELF section header 0'), endian, 'ELF section header 0', shoff);
      if (shnum === 0) shnum = is64 ? s0.u64(32) : s0.u32(20);
      if (shstrndx === 0xffff) shstrndx = is64 ? s0.u32(40) : s0.u32(24);
    }
    if (shnum > MAX_HEADERS * 4) throw new FormatError('ELF header', o + 8, `implausible section count ${shnum}`);
    const sh = new Bytes(await readExact(src, shoff, shnum * shentsize, 'ELF section header table'), endian, 'ELF section header table', shoff);
    for (let i = 0; i < shnum; i++) {
      const p = i * shentsize;
      const stype = sh.u32(p + 4);
      const flags = is64 ? sh.u64Lossy(p + 8) : sh.u32(p + 8);
      const addr = is64 ? sh.u64Lossy(p + 16) : sh.u32(p + 12);
      const offset = is64 ? sh.u64Lossy(p + 24) : sh.u32(p + 16);
      const size = is64 ? sh.u64Lossy(p + 32) : sh.u32(p + 20);
      const link = sh.u32(is64 ? p + 40 : p + 24);
      const info = sh.u32(is64 ? p + 44 : p + 28);
      const entsize = is64 ? sh.u64Lossy(p + 56) : sh.u32(p + 36);
      let fileSize = stype === SHT_NOBITS || stype === 0 ? 0 : size;
      if (fileSize > 0 && offset + fileSize > src.size) {
        past.push(`section ${i}`);
        need = Math.max(need, offset + fileSize);
        fileSize = Math.max(0, Math.min(fileSize, src.size - offset));
      }
      sections.push({
        name: String(sh.u32(p)),
        segment: '',
        addr,
        size,
        offset,
        fileSize,
        flags: { alloc: !!(flags & SHF_ALLOC), write: !!(flags & SHF_WRITE), exec: !!(flags & SHF_EXECINSTR), compressed: !!(flags & SHF_COMPRESSED) },
        type: stype,
        link,
        info,
        entsize,
      });
    }
    const strs = sections[shstrndx];
    if (strs && strs.fileSize > 0 && strs.type === SHT_STRTAB) {
      const names = new Bytes(await readExact(src, strs.offset, strs.fileSize, 'ELF section name table'), endian, 'ELF section name table', strs.offset);
      for (const s of sections) {
        const n = Number(s.name);
        s.name = n < names.length ? names.cstring(n) : '';
      }
    } else {
      if (shnum > 0 && past.length === 0) damage.push({ kind: 'corrupt', detail: `section name table (index ${shstrndx}) missing or invalid` });
      for (const s of sections) s.name = '';
    }
  }
  if (past.length) {
    const what = past.length > 3 ? `${past.slice(0, 3).join(', ')} and ${past.length - 3} more` : past.join(', ');
    damage.push({ kind: 'truncated', detail: `file ends at offset ${hex(src.size)} but ${what} extend to ${hex(need)} (${need} bytes needed)` });
  }

  let kind: Kind = type === ET_EXEC ? 'executable' : type === ET_REL ? 'object' : type === ET_DYN ? 'shared' : 'other';
  const elf = new ElfFile(src, archOf(machine, is64, endian), is64 ? 64 : 32, endian, kind, machine, entry, sections, segments, interpreter);
  elf.damage.push(...damage);
  elf.headers.push([0, is64 ? 64 : 52]);
  if (phnum > 0) elf.headers.push([phoff, phoff + phnum * phentsize]);
  if (shoff !== 0) elf.headers.push([shoff, shoff + shnum * shentsize]);
  elf.headers.sort((a, b) => a[0] - b[0]);
  if (type === ET_DYN) {
    // DF_1_PIE marks a PIE (static PIEs have no interpreter). Without it, an ET_DYN with an
    // interpreter and no soname is a PIE too; libc.so.6 has an interpreter but is a library.
    const dyn = await elf.dynamic();
    const flags1 = dyn.find((d) => d.tag === DT_FLAGS_1)?.val ?? 0;
    if (flags1 & DF_1_PIE || (interpreter !== null && !dyn.some((d) => d.tag === DT_SONAME))) kind = 'pie';
    (elf as { kind: Kind }).kind = kind;
  }
  return elf;
}
