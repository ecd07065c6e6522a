import type { Damage } from '../errors.js';
import { Bytes, type Endian } from '../io/bytes.js';
import type { ByteSource, ReadBudget } from '../io/source.js';

export type Format = 'elf' | 'pe' | 'macho';
/** executable: fixed-address program; pie: position-independent executable; shared: .so/.dll/.dylib. */
export type Kind = 'executable' | 'pie' | 'shared' | 'object' | 'other';

export interface SectionFlags {
  alloc: boolean;
  write: boolean;
  exec: boolean;
  /** ELF SHF_COMPRESSED: the section's bytes start with a compression header (DWARF sections of Go ≥ 1.12). */
  compressed?: boolean;
}

export interface Section {
  /** Section name as stored (`.text`, `__text`, `.rdata`). */
  name: string;
  /** Mach-O segment name (`__TEXT`); empty for ELF and PE. */
  segment: string;
  /** Virtual address; 0 when the section is not loaded. For PE this includes ImageBase. */
  addr: number;
  /** Size in memory. */
  size: number;
  /** File offset of the section's bytes. */
  offset: number;
  /** Bytes the section occupies in the file: 0 for .bss, zerofill and other NOBITS sections. */
  fileSize: number;
  flags: SectionFlags;
}

export type SegmentType = 'load' | 'dynamic' | 'interp' | 'note' | 'other';

export interface Segment {
  type: SegmentType;
  /** Mach-O segment name; empty elsewhere. */
  name: string;
  vaddr: number;
  memSize: number;
  offset: number;
  fileSize: number;
  r: boolean;
  w: boolean;
  x: boolean;
}

export interface Sym {
  name: string;
  /** Virtual address (PE: including ImageBase). */
  value: number;
  /** Size in bytes when the format records it (ELF), else 0. */
  size: number;
  kind: 'func' | 'object' | 'other';
  /** Index into ObjectFile.sections, or -1 when the symbol is undefined/absolute. */
  section: number;
}

export interface VersionNeed {
  /** Library that must define the versions, e.g. `libc.so.6`. */
  file: string;
  versions: { name: string; symbols: string[] }[];
}

export interface Linkage {
  /** True when the binary needs no dynamic loader and no shared libraries. */
  static: boolean;
  /** ELF PT_INTERP (e.g. /lib64/ld-linux-x86-64.so.2), Mach-O LC_LOAD_DYLINKER; else null. */
  interpreter: string | null;
  /** ELF DT_NEEDED; PE imported DLLs; Mach-O linked dylibs — in file order. */
  needed: string[];
  rpath: string[];
  runpath: string[];
  /** ELF .gnu.version_r with, for each version, the dynamic symbols that require it. */
  versionNeeds: VersionNeed[];
}

/**
 * One object file (one slice of a universal Mach-O). Format readers fill it from headers only;
 * section contents are read on demand through `source`.
 */
export interface ObjectFile {
  readonly format: Format;
  readonly source: ByteSource;
  /** GOARCH-style name (amd64, 386, arm, arm64, mips, mipsle, mips64, mips64le, ppc64, ppc64le, riscv64, s390x, loong64, wasm), or `unknown(<machine>)`. */
  readonly arch: string;
  readonly bits: 32 | 64;
  readonly endian: Endian;
  readonly kind: Kind;
  readonly sections: readonly Section[];
  readonly segments: readonly Segment[];
  /** Entry point address (0 when none). */
  readonly entry: number;
  /** DWARF present: .debug_ or .zdebug_ sections (ELF, PE), or sections of the __DWARF segment (Mach-O). */
  readonly hasDWARF: boolean;
  /** PE ImageBase; 0 for other formats. */
  readonly imageBase: number;
  /** Malformed structures found while opening; the rest of the file may still be readable. */
  readonly damage: Damage[];
  /** Bytes of tables this object's readers may still hold in memory (see ReadBudget). */
  readonly budget: ReadBudget;
  /** File ranges [start, end) of the format's own headers and header tables. */
  readonly headers: [number, number][];

  /** The static symbol table (ELF .symtab, PE COFF symbols, Mach-O LC_SYMTAB), defined symbols only; [] when stripped. */
  symbols(): Promise<Sym[]>;
  /** The defined symbols with these exact names, without building the whole table where the format allows. */
  lookupSymbols(names: readonly string[]): Promise<Map<string, Sym>>;
  /** True when the file has a static symbol table with at least one defined symbol (not stripped). */
  hasSymbols(): Promise<boolean>;
  /** Dynamic linking facts. */
  linkage(): Promise<Linkage>;
  /** Translates a virtual address into a file offset through the loaded segments, or null when the address has no file bytes. */
  vaToOffset(addr: number): number | null;
  /**
   * Reads a pointer-sized word at a virtual address, applying the dynamic relocation the loader
   * would apply (ELF R_*_RELATIVE in PIE/shared objects). Null when the address is not in the file.
   */
  readPointer(addr: number): Promise<number | null>;
}

export function findSection(obj: ObjectFile, ...names: string[]): Section | undefined {
  for (const n of names) {
    const s = obj.sections.find((x) => x.name === n);
    if (s) return s;
  }
  return undefined;
}

/** Reads `length` bytes at a virtual address; null when any part of the range has no file bytes. */
export async function readVA(obj: ObjectFile, addr: number, length: number): Promise<Uint8Array | null> {
  const off = obj.vaToOffset(addr);
  if (off === null) return null;
  const end = obj.vaToOffset(addr + length - 1);
  if (length > 0 && end !== off + length - 1) return null;
  if (off + length > obj.source.size) return null;
  const b = await obj.source.read(off, length);
  return b.length === length ? b : null;
}

/** Shared vaToOffset over file-backed load segments. */
export function segmentVaToOffset(segments: readonly Segment[], addr: number): number | null {
  for (const s of segments) {
    if (s.type !== 'load') continue;
    if (addr >= s.vaddr && addr < s.vaddr + s.fileSize) return s.offset + (addr - s.vaddr);
  }
  return null;
}

/** The pointer-sized word stored at a virtual address, as the file holds it (no relocation applied). */
export async function readWord(obj: ObjectFile, addr: number): Promise<number | null> {
  const off = obj.vaToOffset(addr);
  const w = obj.bits / 8;
  if (off === null || off + w > obj.source.size) return null;
  return new Bytes(await obj.source.read(off, w), obj.endian, 'pointer', off).word(0, w);
}

/**
 * Symbol access for formats whose table is decoded whole (PE, Mach-O): one cached decode serves
 * symbols(), lookupSymbols() and hasSymbols().
 */
export abstract class DecodedSymbols {
  private symCache: Promise<Sym[]> | null = null;
  protected abstract readSymbols(): Promise<Sym[]>;

  symbols(): Promise<Sym[]> {
    this.symCache ??= this.readSymbols();
    return this.symCache;
  }

  async lookupSymbols(names: readonly string[]): Promise<Map<string, Sym>> {
    const want = new Set(names);
    const out = new Map<string, Sym>();
    for (const s of await this.symbols()) if (want.has(s.name) && !out.has(s.name)) out.set(s.name, s);
    return out;
  }

  async hasSymbols(): Promise<boolean> {
    return (await this.symbols()).length > 0;
  }
}

/** One object in a file; a universal (fat) Mach-O yields one per architecture slice. */
export interface OpenedObject {
  obj: ObjectFile;
  /** Present for slices of a universal Mach-O. */
  fat: { index: number; count: number; offset: number } | null;
}
