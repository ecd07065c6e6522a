import { type Damage, FormatError, hex } from '../errors.js';
import { Bytes, StringTable } from '../io/bytes.js';
import { type ByteSource, ReadBudget, readExact } from '../io/source.js';
import type { Kind, Linkage, ObjectFile, Section, Segment, Sym } from './types.js';
import { DecodedSymbols, readWord, segmentVaToOffset } from './types.js';

// Constants from the PE/COFF specification (names as in Go's debug/pe).
const IMAGE_FILE_DLL = 0x2000;
const IMAGE_NT_OPTIONAL_HDR32_MAGIC = 0x10b;
const IMAGE_NT_OPTIONAL_HDR64_MAGIC = 0x20b;
const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_INITIALIZED_DATA = 0x40;
const IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80;
const IMAGE_SCN_MEM_DISCARDABLE = 0x02000000;
const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
const IMAGE_SCN_MEM_READ = 0x40000000;
const IMAGE_SCN_MEM_WRITE = 0x80000000;
const IMAGE_DIRECTORY_ENTRY_IMPORT = 1;
const IMAGE_SYM_UNDEFINED = 0;
const IMAGE_SYM_ABSOLUTE = -1;

const DOS_HEADER_SIZE = 64;
const COFF_HEADER_SIZE = 20;
const SECTION_HEADER_SIZE = 40;
const COFF_SYMBOL_SIZE = 18;
const IMPORT_DESCRIPTOR_SIZE = 20;
/** The fields up to and including NumberOfRvaAndSizes: a shorter optional header cannot describe an image. */
const OPTIONAL_HEADER_MIN = { 32: 96, 64: 112 } as const;
/** Caps that keep a crafted header from making us allocate or loop without bound. */
const MAX_SYMBOLS = 10_000_000;
const MAX_IMPORTS = 65536;
/** DLL names are short; the loader itself limits them to MAX_PATH. */
const MAX_NAME = 260;

const MACHINES = new Map<number, string>([
  [0x14c, '386'], // IMAGE_FILE_MACHINE_I386
  [0x8664, 'amd64'], // IMAGE_FILE_MACHINE_AMD64
  [0x1c0, 'arm'], // IMAGE_FILE_MACHINE_ARM
  [0x1c4, 'arm'], // IMAGE_FILE_MACHINE_ARMNT (Thumb-2, what Go's windows/arm writes)
  [0xaa64, 'arm64'], // IMAGE_FILE_MACHINE_ARM64
  [0x5064, 'riscv64'], // IMAGE_FILE_MACHINE_RISCV64
  [0x6264, 'loong64'], // IMAGE_FILE_MACHINE_LOONGARCH64
]);

interface PeSection extends Section {
  /** Relative virtual address (addr − ImageBase). */
  rva: number;
  characteristics: number;
}

/** Where the COFF string table starts; it is shared by long section names and symbol names. */
interface StringTableRef {
  offset: number;
}

export class PeFile extends DecodedSymbols implements ObjectFile {
  readonly format = 'pe' as const;
  readonly endian = 'little' as const;
  readonly damage: Damage[] = [];
  readonly headers: [number, number][] = [];
  readonly budget: ReadBudget;

  constructor(
    readonly source: ByteSource,
    readonly arch: string,
    readonly bits: 32 | 64,
    readonly kind: Kind,
    readonly entry: number,
    readonly imageBase: number,
    readonly sections: PeSection[],
    /**
     * One 'load' segment per section that has file bytes and a virtual address: PE maps sections,
     * not segments, and this is what lets vaToOffset and readVA work as they do for ELF.
     */
    readonly segments: Segment[],
    private readonly symtab: { offset: number; count: number },
    private readonly strtab: StringTableRef | null,
    private readonly importDir: { rva: number; size: number },
  ) {
    super();
    this.budget = new ReadBudget(source);
  }

  get hasDWARF(): boolean {
    return this.sections.some((s) => s.name.startsWith('.debug_') || s.name.startsWith('.zdebug_'));
  }

  vaToOffset(addr: number): number | null {
    return segmentVaToOffset(this.segments, addr);
  }

  /** PE files hold absolute addresses for the preferred ImageBase: no relocation is needed to read them. */
  readPointer(addr: number): Promise<number | null> {
    return readWord(this, addr);
  }

  /** True at the first defined symbol record, without decoding names (the table can be megabytes). */
  override async hasSymbols(): Promise<boolean> {
    const { offset, count } = this.symtab;
    if (offset === 0 || count === 0) return false;
    const what = 'PE COFF symbol table';
    const b = new Bytes(await readExact(this.source, offset, count * COFF_SYMBOL_SIZE, what), 'little', what, offset);
    for (let i = 0; i < count; i += 1 + b.u8(i * COFF_SYMBOL_SIZE + 17)) {
      const sect = b.view.getInt16(i * COFF_SYMBOL_SIZE + 12, true);
      if (sect !== IMAGE_SYM_UNDEFINED && sect >= IMAGE_SYM_ABSOLUTE && sect <= this.sections.length) return true;
    }
    return false;
  }

  protected async readSymbols(): Promise<Sym[]> {
    const { offset, count } = this.symtab;
    if (offset === 0 || count === 0) return [];
    const what = 'PE COFF symbol table';
    this.budget.take(count * COFF_SYMBOL_SIZE, what, offset);
    const b = new Bytes(await readExact(this.source, offset, count * COFF_SYMBOL_SIZE, what), 'little', what, offset);
    let names: StringTable | null = null;
    const longName = async (p: number, off: number): Promise<string> => {
      names ??= await readStringTable(this.source, this.strtab, offset + p);
      if (off < 4 || off >= names.data.length)
        throw new FormatError(what, offset + p, `name offset ${off} outside the string table (${names.data.length} bytes)`);
      return names.at(off);
    };
    const out: Sym[] = [];
    let bad = 0;
    // Each record is followed by NumberOfAuxSymbols auxiliary records, which are not symbols.
    for (let i = 0; i < count; i += 1 + b.u8(i * COFF_SYMBOL_SIZE + 17)) {
      const p = i * COFF_SYMBOL_SIZE;
      const sect = b.view.getInt16(p + 12, true);
      if (sect === IMAGE_SYM_UNDEFINED || sect < IMAGE_SYM_ABSOLUTE) continue; // undefined, or IMAGE_SYM_DEBUG
      if (sect > this.sections.length) {
        bad++;
        continue;
      }
      const name = b.u32(p) === 0 ? await longName(p, b.u32(p + 4)) : b.cstring(p, 8);
      const value = b.u32(p + 8);
      if (sect === IMAGE_SYM_ABSOLUTE) {
        out.push({ name, value, size: 0, kind: 'other', section: -1 });
        continue;
      }
      const s = this.sections[sect - 1] as PeSection;
      const c = s.characteristics;
      out.push({
        name,
        value: this.imageBase + s.rva + value,
        size: 0,
        kind:
          c & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE)
            ? 'func'
            : c & (IMAGE_SCN_CNT_INITIALIZED_DATA | IMAGE_SCN_CNT_UNINITIALIZED_DATA)
              ? 'object'
              : 'other',
        section: sect - 1,
      });
    }
    if (bad)
      this.damage.push({
        kind: 'corrupt',
        detail: `${bad} COFF symbols name a section past the ${this.sections.length} in the section table; they were skipped`,
      });
    return out;
  }

  /** The file bytes from an RVA to the end of its section's file data, or null when the RVA has none. */
  private rvaExtent(rva: number): { offset: number; avail: number } | null {
    const addr = this.imageBase + rva;
    for (const s of this.segments) {
      if (addr >= s.vaddr && addr < s.vaddr + s.fileSize) return { offset: s.offset + (addr - s.vaddr), avail: s.vaddr + s.fileSize - addr };
    }
    return null;
  }

  async linkage(): Promise<Linkage> {
    const needed: string[] = [];
    const { rva } = this.importDir;
    if (rva !== 0) {
      const what = 'PE import directory';
      const at = this.rvaExtent(rva);
      if (at === null) throw new FormatError(what, 0, `RVA ${hex(rva)} has no file bytes in any section`);
      // IMAGE_IMPORT_DESCRIPTOR array, ended by an all-zero entry; the directory's Size is not
      // reliable (linkers disagree on whether it counts the terminator), so the section end bounds it.
      const n = Math.min(MAX_IMPORTS, Math.floor(at.avail / IMPORT_DESCRIPTOR_SIZE));
      const d = new Bytes(await readExact(this.source, at.offset, n * IMPORT_DESCRIPTOR_SIZE, what), 'little', what, at.offset);
      let ended = false;
      for (let i = 0; i < n; i++) {
        const p = i * IMPORT_DESCRIPTOR_SIZE;
        const nameRva = d.u32(p + 12);
        if (nameRva === 0) {
          ended = true;
          break;
        }
        const name = this.rvaExtent(nameRva);
        if (name === null) throw new FormatError(what, at.offset + p + 12, `DLL name RVA ${hex(nameRva)} has no file bytes in any section`);
        const len = Math.min(MAX_NAME, name.avail);
        needed.push(new Bytes(await readExact(this.source, name.offset, len, 'PE import DLL name'), 'little', 'PE import DLL name', name.offset).cstring(0));
      }
      if (!ended) throw new FormatError(what, at.offset, 'no terminating descriptor before the end of its section');
    }
    return { static: needed.length === 0, interpreter: null, needed, rpath: [], runpath: [], versionNeeds: [] };
  }
}

/** The whole COFF string table: a u32 byte length (counting itself), then NUL-terminated names. */
async function readStringTable(src: ByteSource, ref: StringTableRef | null, user: number): Promise<StringTable> {
  const what = 'PE COFF string table';
  if (ref === null) throw new FormatError(what, user, 'long name but the file has no symbol table (so no string table)');
  const len = new Bytes(await readExact(src, ref.offset, 4, what), 'little', what, ref.offset).u32(0);
  if (len < 4) throw new FormatError(what, ref.offset, `bad size ${len}`);
  return new StringTable(await readExact(src, ref.offset, len, what), what, ref.offset);
}

/**
 * A long section name "/123" is a decimal offset into the string table. Only the few bytes of
 * that one name are read: the string table also holds every long symbol name.
 */
async function longSectionName(src: ByteSource, ref: StringTableRef, off: number): Promise<string | null> {
  if (ref.offset + 4 > src.size) return null;
  const len = new Bytes(await src.read(ref.offset, 4), 'little', 'PE COFF string table', ref.offset).u32(0);
  if (off < 4 || off >= len || ref.offset + len > src.size) return null;
  const start = ref.offset + off;
  const b = await src.read(start, Math.min(len - off, 256));
  return new Bytes(b, 'little', 'PE COFF string table', start).cstring(0);
}

export async function openPE(src: ByteSource): Promise<ObjectFile> {
  const dos = new Bytes(await readExact(src, 0, DOS_HEADER_SIZE, 'DOS header'), 'little', 'DOS header');
  if (dos.u16(0) !== 0x5a4d) throw new FormatError('DOS header', 0, 'missing MZ signature');
  const peOff = dos.u32(0x3c);
  const coff = new Bytes(await readExact(src, peOff, 4 + COFF_HEADER_SIZE, 'PE header'), 'little', 'PE header', peOff);
  if (coff.u32(0) !== 0x00004550) throw new FormatError('PE header', peOff, 'missing PE signature (an MS-DOS program?)');
  const machine = coff.u16(4);
  const nsect = coff.u16(6);
  const symOff = coff.u32(12);
  const nsyms = coff.u32(16);
  const optSize = coff.u16(20);
  const chars = coff.u16(22);
  const damage: Damage[] = [];

  const optOff = peOff + 4 + COFF_HEADER_SIZE;
  const opt = new Bytes(await readExact(src, optOff, optSize, 'PE optional header'), 'little', 'PE optional header', optOff);
  const magic = optSize >= 2 ? opt.u16(0) : 0;
  if (magic !== IMAGE_NT_OPTIONAL_HDR32_MAGIC && magic !== IMAGE_NT_OPTIONAL_HDR64_MAGIC) {
    throw new FormatError('PE optional header', optOff, optSize < 2 ? 'missing (a COFF object, not an image)' : `bad magic ${hex(magic)}`);
  }
  const bits = magic === IMAGE_NT_OPTIONAL_HDR64_MAGIC ? 64 : 32;
  if (optSize < OPTIONAL_HEADER_MIN[bits]) throw new FormatError('PE optional header', optOff, `size ${optSize} too small for PE32${bits === 64 ? '+' : ''}`);
  const entryRva = opt.u32(16);
  const imageBase = bits === 64 ? opt.u64(24) : opt.u32(28);
  const dirBase = bits === 64 ? 112 : 96;
  // As debug/pe: the data directories fill the rest of the optional header exactly. A size that
  // disagrees would put the section table somewhere else than the writer meant.
  const ndirs = opt.u32(dirBase - 4);
  if (ndirs * 8 !== optSize - dirBase) {
    throw new FormatError(
      'PE optional header',
      optOff + dirBase - 4,
      `${ndirs} data directories do not fill the ${optSize - dirBase} bytes after the fixed fields`,
    );
  }
  const importDir = { rva: 0, size: 0 };
  if (ndirs > IMAGE_DIRECTORY_ENTRY_IMPORT) {
    importDir.rva = opt.u32(dirBase + 8 * IMAGE_DIRECTORY_ENTRY_IMPORT);
    importDir.size = opt.u32(dirBase + 8 * IMAGE_DIRECTORY_ENTRY_IMPORT + 4);
  }

  // The COFF string table follows the symbol table. Go writes one even when linking internally:
  // section names longer than 8 bytes (.zdebug_info) are stored there as "/4".
  let strtab: StringTableRef | null = null;
  const symtab = { offset: 0, count: 0 };
  if (symOff !== 0) {
    if (nsyms > MAX_SYMBOLS) throw new FormatError('PE COFF header', peOff + 16, `implausible symbol count ${nsyms}`);
    const strOff = symOff + nsyms * COFF_SYMBOL_SIZE;
    if (strOff > src.size)
      damage.push({ kind: 'truncated', detail: `file ends at offset ${hex(src.size)} but the COFF symbol table extends to ${hex(strOff)}` });
    symtab.offset = symOff;
    symtab.count = nsyms;
    strtab = { offset: strOff };
  }

  const shOff = optOff + optSize;
  const sh = new Bytes(await readExact(src, shOff, nsect * SECTION_HEADER_SIZE, 'PE section table'), 'little', 'PE section table', shOff);
  const sections: PeSection[] = [];
  const segments: Segment[] = [];
  const past: string[] = [];
  let need = 0;
  for (let i = 0; i < nsect; i++) {
    const p = i * SECTION_HEADER_SIZE;
    let name = sh.cstring(p, 8);
    if (/^\/\d{1,7}$/.test(name)) {
      const long = strtab ? await longSectionName(src, strtab, Number(name.slice(1))) : null;
      if (long === null) damage.push({ kind: 'corrupt', detail: `section ${i} long name ${name} is not in the COFF string table` });
      else name = long;
    }
    const vsize = sh.u32(p + 8);
    const rva = sh.u32(p + 12);
    const rawSize = sh.u32(p + 16);
    const rawOff = sh.u32(p + 20);
    const c = sh.u32(p + 36);
    // SizeOfRawData is rounded up to FileAlignment; the bytes past VirtualSize are padding the
    // loader does not map. Uninitialized data (.bss) has no file bytes whatever its raw size says.
    let fileSize = c & IMAGE_SCN_CNT_UNINITIALIZED_DATA || rawOff === 0 ? 0 : vsize > 0 ? Math.min(rawSize, vsize) : rawSize;
    if (fileSize > 0 && rawOff + fileSize > src.size) {
      past.push(name);
      need = Math.max(need, rawOff + fileSize);
      fileSize = Math.max(0, src.size - rawOff);
    }
    const addr = imageBase + rva;
    const exec = !!(c & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE));
    const write = !!(c & IMAGE_SCN_MEM_WRITE);
    const memSize = vsize || rawSize;
    sections.push({
      name,
      segment: '',
      addr,
      rva,
      size: memSize,
      offset: rawOff,
      fileSize,
      flags: { alloc: rva !== 0 && !(c & IMAGE_SCN_MEM_DISCARDABLE), write, exec },
      characteristics: c,
    });
    if (fileSize > 0 && rva !== 0)
      segments.push({ type: 'load', name: '', vaddr: addr, memSize, offset: rawOff, fileSize, r: !!(c & IMAGE_SCN_MEM_READ), w: write, x: exec });
  }
  if (past.length) {
    const what = past.length > 3 ? `${past.slice(0, 3).join(', ')} and ${past.length - 3} more` : past.join(', ');
    damage.push({
      kind: 'truncated',
      detail: `file ends at offset ${hex(src.size)} but section${past.length > 1 ? 's' : ''} ${what} extend to ${hex(need)} (${need} bytes needed)`,
    });
  }

  const arch = MACHINES.get(machine) ?? `unknown(${hex(machine)})`;
  const kind: Kind = chars & IMAGE_FILE_DLL ? 'shared' : 'executable';
  const pe = new PeFile(src, arch, bits, kind, entryRva ? imageBase + entryRva : 0, imageBase, sections, segments, symtab, strtab, importDir);
  pe.damage.push(...damage);
  pe.headers.push([0, shOff + nsect * SECTION_HEADER_SIZE]);
  return pe;
}
