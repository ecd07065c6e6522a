import { FormatError } from '../errors.js';
import { Bytes, StringTable } from '../io/bytes.js';
import { type ByteSource, readExact } from '../io/source.js';
import type { Kind, Linkage, ObjectFile, Section, Segment, Sym } from './types.js';
import { DecodedSymbols, readWord, segmentVaToOffset } from './types.js';

// Constants from the PE/COFF specification (see Go's debug/pe).
const IMAGE_FILE_DLL = 0x2000;
const IMAGE_SCN_CNT_CODE = 0x20;
const IMAGE_SCN_CNT_UNINITIALIZED_DATA = 0x80;
const IMAGE_SCN_MEM_DISCARDABLE = 0x02000000;
const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
const IMAGE_SCN_MEM_READ = 0x40000000;
const IMAGE_SCN_MEM_WRITE = 0x80000000;
const IMAGE_DIRECTORY_ENTRY_IMPORT = 1;
const COFF_SYMBOL_SIZE = 18;
const MAX_SECTIONS = 4096;
const MAX_SYMBOLS = 10_000_000;
const MAX_IMPORTS = 65536;

const MACHINES: Record<number, string> = { 332: '386', 34404: 'amd64', 448: 'arm', 452: 'arm', 43620: 'arm64', 20580: 'riscv64' };

interface PeSection extends Section {
  /** Relative virtual address (addr − ImageBase). */
  rva: number;
  characteristics: number;
}

export class PeFile extends DecodedSymbols implements ObjectFile {
  readonly format = 'pe' as const;
  readonly endian = 'little' as const;
  readonly warnings: string[] = [];
  readonly headers: [number, number][] = [];

  constructor(
    readonly source: ByteSource,
    readonly arch: string,
    readonly bits: 32 | 64,
    readonly kind: Kind,
    readonly entry: number,
    readonly imageBase: number,
    readonly sections: PeSection[],
    /** One load segment per section with file bytes: PE maps sections, not segments. */
    readonly segments: Segment[],
    private readonly symtab: { offset: number; count: number },
    private readonly strtab: StringTable | null,
    private readonly importDir: { rva: number; size: number },
  ) {
    super();
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

  protected async readSymbols(): Promise<Sym[]> {
    const { offset, count } = this.symtab;
    if (offset === 0 || count === 0) return [];
    const b = new Bytes(await readExact(this.source, offset, count * COFF_SYMBOL_SIZE, 'PE COFF symbol table'), 'little', 'PE COFF symbol table', offset);
    const out: Sym[] = [];
    for (let i = 0; i < count; i++) {
      const p = i * COFF_SYMBOL_SIZE;
      const aux = b.u8(p + 17);
      const sect = b.view.getInt16(p + 12, true);
      if (sect > 0 && sect <= this.sections.length) {
        const s = this.sections[sect - 1] as PeSection;
        out.push({
          name: symbolName(b, p, this.strtab),
          value: this.imageBase + s.rva + b.u32(p + 8),
          size: 0,
          kind: s.characteristics & (IMAGE_SCN_CNT_CODE | IMAGE_SCN_MEM_EXECUTE) ? 'func' : 'object',
          section: sect - 1,
        });
      }
      i += aux;
    }
    return out;
  }

  private rvaToOffset(rva: number): number | null {
    return this.vaToOffset(this.imageBase + rva);
  }

  private async cstringAtRva(rva: number, what: string): Promise<string> {
    const off = this.rvaToOffset(rva);
    if (off === null) throw new FormatError(what, 0, `RVA 0x${rva.toString(16)} is not in any section`);
    const b = await this.source.read(off, 512);
    return new Bytes(b, 'little', what, off).cstring(0);
  }

  async linkage(): Promise<Linkage> {
    const needed: string[] = [];
    if (this.importDir.rva !== 0 && this.importDir.size !== 0) {
      const off = this.rvaToOffset(this.importDir.rva);
      if (off === null) throw new FormatError('PE import directory', 0, `RVA 0x${this.importDir.rva.toString(16)} is not in any section`);
      // IMAGE_IMPORT_DESCRIPTOR: 20 bytes each, ended by an all-zero entry (Size is often not exact).
      for (let i = 0; i < MAX_IMPORTS; i++) {
        const d = new Bytes(await readExact(this.source, off + i * 20, 20, 'PE import descriptor'), 'little', 'PE import descriptor', off + i * 20);
        const nameRva = d.u32(12);
        if (nameRva === 0 && d.u32(0) === 0 && d.u32(16) === 0) break;
        needed.push(await this.cstringAtRva(nameRva, 'PE import name'));
      }
    }
    return { static: needed.length === 0, interpreter: null, needed, rpath: [], runpath: [], versionNeeds: [] };
  }
}

function symbolName(b: Bytes, p: number, strtab: StringTable | null): string {
  if (b.u32(p) === 0) {
    const off = b.u32(p + 4);
    return strtab && off < strtab.data.length ? strtab.at(off) : '';
  }
  return b.cstring(p, 8);
}

export async function openPE(src: ByteSource): Promise<ObjectFile> {
  const dos = new Bytes(await readExact(src, 0, 64, 'DOS header'), 'little', 'DOS header');
  const peOff = dos.u32(0x3c);
  const sig = new Bytes(await readExact(src, peOff, 24, 'PE header'), 'little', 'PE header', peOff);
  if (sig.u32(0) !== 0x00004550) throw new FormatError('PE header', peOff, 'missing PE signature (an MS-DOS program?)');
  const machine = sig.u16(4);
  const nsect = sig.u16(6);
  const symOff = sig.u32(12);
  const nsyms = sig.u32(16);
  const optSize = sig.u16(20);
  const chars = sig.u16(22);
  if (nsect > MAX_SECTIONS) throw new FormatError('PE COFF header', peOff + 6, `implausible section count ${nsect}`);
  if (nsyms > MAX_SYMBOLS) throw new FormatError('PE COFF header', peOff + 16, `implausible symbol count ${nsyms}`);
  const optOff = peOff + 24;
  const opt = new Bytes(await readExact(src, optOff, optSize, 'PE optional header'), 'little', 'PE optional header', optOff);
  const magic = optSize >= 2 ? opt.u16(0) : 0;
  if (magic !== 0x10b && magic !== 0x20b) throw new FormatError('PE optional header', optOff, `bad magic 0x${magic.toString(16)}`);
  const is64 = magic === 0x20b;
  const entryRva = opt.u32(16);
  const imageBase = is64 ? opt.u64(24) : opt.u32(28);
  const ndirs = opt.u32(is64 ? 108 : 92);
  const dirBase = is64 ? 112 : 96;
  const importDir = { rva: 0, size: 0 };
  if (ndirs > IMAGE_DIRECTORY_ENTRY_IMPORT && dirBase + 16 <= optSize) {
    importDir.rva = opt.u32(dirBase + 8);
    importDir.size = opt.u32(dirBase + 12);
  }

  // The COFF string table follows the symbol table; long section names (/123) point into it.
  let strtab: StringTable | null = null;
  if (symOff !== 0) {
    const strOff = symOff + nsyms * COFF_SYMBOL_SIZE;
    if (strOff + 4 <= src.size) {
      const len = new Bytes(await src.read(strOff, 4), 'little', 'PE string table', strOff).u32(0);
      if (len >= 4 && strOff + len <= src.size) strtab = new StringTable(await src.read(strOff, len), 'PE string table', strOff);
      else throw new FormatError('PE string table', strOff, `size ${len} runs past the end of the file`);
    }
  }

  const shOff = optOff + optSize;
  const sh = new Bytes(await readExact(src, shOff, nsect * 40, 'PE section table'), 'little', 'PE section table', shOff);
  const sections: PeSection[] = [];
  const segments: Segment[] = [];
  const warnings: string[] = [];
  for (let i = 0; i < nsect; i++) {
    const p = i * 40;
    let name = sh.cstring(p, 8);
    if (name.startsWith('/') && strtab) {
      const n = Number(name.slice(1));
      if (Number.isInteger(n) && n < strtab.data.length) name = strtab.at(n);
    }
    const vsize = sh.u32(p + 8);
    const rva = sh.u32(p + 12);
    const rawSize = sh.u32(p + 16);
    const rawOff = sh.u32(p + 20);
    const c = sh.u32(p + 36);
    let fileSize = c & IMAGE_SCN_CNT_UNINITIALIZED_DATA ? 0 : vsize > 0 ? Math.min(rawSize, vsize) : rawSize;
    if (fileSize > 0 && rawOff + fileSize > src.size) {
      warnings.push(`truncated: file ends at offset 0x${src.size.toString(16)} but section ${name} extends to 0x${(rawOff + fileSize).toString(16)}`);
      fileSize = Math.max(0, src.size - rawOff);
    }
    const addr = imageBase + rva;
    const exec = !!(c & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE));
    const write = !!(c & IMAGE_SCN_MEM_WRITE);
    sections.push({
      name,
      segment: '',
      addr,
      rva,
      size: vsize || rawSize,
      offset: rawOff,
      fileSize,
      flags: { alloc: rva !== 0 && !(c & IMAGE_SCN_MEM_DISCARDABLE), write, exec },
      characteristics: c,
    });
    if (fileSize > 0 && rva !== 0)
      segments.push({ type: 'load', name, vaddr: addr, memSize: vsize || rawSize, offset: rawOff, fileSize, r: !!(c & IMAGE_SCN_MEM_READ), w: write, x: exec });
  }
  const arch = MACHINES[machine] ?? `unknown(0x${machine.toString(16)})`;
  const kind: Kind = chars & IMAGE_FILE_DLL ? 'shared' : 'executable';
  const pe = new PeFile(
    src,
    arch,
    is64 ? 64 : 32,
    kind,
    entryRva ? imageBase + entryRva : 0,
    imageBase,
    sections,
    segments,
    { offset: symOff, count: nsyms },
    strtab,
    importDir,
  );
  pe.warnings.push(...warnings);
  pe.headers.push([0, shOff + nsect * 40]);
  return pe;
}
