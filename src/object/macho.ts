import { FormatError, UnsupportedError } from '../errors.js';
import { Bytes, type Endian, StringTable } from '../io/bytes.js';
import { type ByteSource, readExact, SubSource } from '../io/source.js';
import type { OpenedObject } from './open.js';
import type { Kind, Linkage, ObjectFile, Section, Segment, Sym } from './types.js';
import { DecodedSymbols, readWord, segmentVaToOffset } from './types.js';

// Constants from <mach-o/loader.h> and <mach-o/nlist.h> (see Go's debug/macho).
const MH_OBJECT = 1;
const MH_EXECUTE = 2;
const MH_DYLIB = 6;
const MH_BUNDLE = 8;
const MH_PIE = 0x200000;

const LC_SEGMENT = 0x1;
const LC_SYMTAB = 0x2;
const LC_LOAD_DYLIB = 0xc;
const LC_LOAD_DYLINKER = 0xe;
const LC_LOAD_WEAK_DYLIB = 0x80000018;
const LC_SEGMENT_64 = 0x19;
const LC_RPATH = 0x8000001c;
const LC_REEXPORT_DYLIB = 0x8000001f;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_LOAD_UPWARD_DYLIB = 0x80000023;
const LC_MAIN = 0x80000028;
const DYLIB_COMMANDS = new Set([LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB]);

const S_ZEROFILL = 0x1;
const S_GB_ZEROFILL = 0xc;
const S_THREAD_LOCAL_ZEROFILL = 0x12;
const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
const S_ATTR_SOME_INSTRUCTIONS = 0x400;
const VM_PROT_READ = 1;
const VM_PROT_WRITE = 2;
const VM_PROT_EXECUTE = 4;

const N_STAB = 0xe0;
const N_TYPE = 0x0e;
const N_SECT = 0x0e;

const CPU_ARCH_ABI64 = 0x01000000;
const CPUS: Record<number, string> = {
  7: '386',
  [7 | CPU_ARCH_ABI64]: 'amd64',
  12: 'arm',
  [12 | CPU_ARCH_ABI64]: 'arm64',
  18: 'ppc',
  [18 | CPU_ARCH_ABI64]: 'ppc64',
};

const MAX_COMMANDS = 65536;
const MAX_SYMBOLS = 10_000_000;
/** Universal binaries hold a handful of slices; Java class files share the magic with a version ≥ 45 here. */
const MAX_FAT_SLICES = 20;

export class MachOFile extends DecodedSymbols implements ObjectFile {
  readonly format = 'macho' as const;
  readonly imageBase = 0;
  readonly warnings: string[] = [];
  readonly headers: [number, number][] = [];

  constructor(
    readonly source: ByteSource,
    readonly arch: string,
    readonly bits: 32 | 64,
    readonly endian: Endian,
    readonly kind: Kind,
    readonly entry: number,
    readonly sections: Section[],
    readonly segments: Segment[],
    private readonly symtab: { symoff: number; nsyms: number; stroff: number; strsize: number } | null,
    private readonly link: Linkage,
  ) {
    super();
  }

  get hasDWARF(): boolean {
    return this.sections.some((s) => s.segment === '__DWARF' || s.name.startsWith('__zdebug_') || s.name.startsWith('__debug_'));
  }

  vaToOffset(addr: number): number | null {
    return segmentVaToOffset(this.segments, addr);
  }

  /** Go's internal linker writes absolute pointers (rebased by dyld); the file value is the address. */
  readPointer(addr: number): Promise<number | null> {
    return readWord(this, addr);
  }

  protected async readSymbols(): Promise<Sym[]> {
    const t = this.symtab;
    if (!t || t.nsyms === 0) return [];
    const ent = this.bits === 64 ? 16 : 12;
    const [syms, strs] = await Promise.all([
      readExact(this.source, t.symoff, t.nsyms * ent, 'Mach-O symbol table'),
      readExact(this.source, t.stroff, t.strsize, 'Mach-O string table'),
    ]);
    const b = new Bytes(syms, this.endian, 'Mach-O symbol table', t.symoff);
    const names = new StringTable(strs, 'Mach-O string table', t.stroff);
    const out: Sym[] = [];
    for (let i = 0; i < t.nsyms; i++) {
      const p = i * ent;
      const type = b.u8(p + 4);
      // Debugger entries and undefined imports are not symbols of this file.
      if (type & N_STAB || (type & N_TYPE) !== N_SECT) continue;
      const sect = b.u8(p + 5);
      const strx = b.u32(p);
      const s = this.sections[sect - 1];
      // As debug/macho does: the C-level '_' prefix is dropped from names with a '.' (Go symbols).
      let name = strx < strs.length ? names.at(strx) : '';
      if (name.startsWith('_') && name.includes('.')) name = name.slice(1);
      out.push({
        name,
        value: this.bits === 64 ? b.u64Lossy(p + 8) : b.u32(p + 8),
        size: 0,
        kind: s?.flags.exec ? 'func' : 'object',
        section: sect >= 1 && sect <= this.sections.length ? sect - 1 : -1,
      });
    }
    return out;
  }

  async linkage(): Promise<Linkage> {
    return this.link;
  }
}

function fixedString(b: Bytes, off: number, len: number): string {
  return b.cstring(off, len);
}

export async function openMachO(src: ByteSource): Promise<ObjectFile> {
  const m = await readExact(src, 0, 4, 'Mach-O header');
  const be = m[0] === 0xfe;
  const endian: Endian = be ? 'big' : 'little';
  const magic = new Bytes(m, endian, 'Mach-O header').u32(0);
  const is64 = magic === 0xfeedfacf;
  if (!is64 && magic !== 0xfeedface) throw new FormatError('Mach-O header', 0, `bad magic 0x${magic.toString(16)}`);
  const hsize = is64 ? 32 : 28;
  const h = new Bytes(await readExact(src, 0, hsize, 'Mach-O header'), endian, 'Mach-O header');
  const cputype = h.u32(4);
  const filetype = h.u32(12);
  const ncmds = h.u32(16);
  const sizeofcmds = h.u32(20);
  const flags = h.u32(24);
  if (ncmds > MAX_COMMANDS) throw new FormatError('Mach-O header', 16, `implausible load command count ${ncmds}`);
  const cmds = new Bytes(await readExact(src, hsize, sizeofcmds, 'Mach-O load commands'), endian, 'Mach-O load commands', hsize);

  const sections: Section[] = [];
  const segments: Segment[] = [];
  const warnings: string[] = [];
  const link: Linkage = { static: true, interpreter: null, needed: [], rpath: [], runpath: [], versionNeeds: [] };
  let symtab: { symoff: number; nsyms: number; stroff: number; strsize: number } | null = null;
  let entryOff: number | null = null;
  const lcString = (p: number, size: number) => {
    const o = cmds.u32(p + 8);
    if (o >= size) throw new FormatError('Mach-O load command', hsize + p, `string offset ${o} outside the command`);
    return cmds.cstring(p + o, size - o);
  };

  let p = 0;
  for (let i = 0; i < ncmds; i++) {
    if (p + 8 > cmds.length) throw new FormatError('Mach-O load commands', hsize + p, `command ${i} of ${ncmds} past sizeofcmds`);
    const cmd = cmds.u32(p);
    const size = cmds.u32(p + 4);
    if (size < 8 || p + size > cmds.length) throw new FormatError('Mach-O load command', hsize + p, `bad command size ${size}`);
    if (cmd === LC_SEGMENT || cmd === LC_SEGMENT_64) {
      const w64 = cmd === LC_SEGMENT_64;
      const segname = fixedString(cmds, p + 8, 16);
      const word = (o: number) => (w64 ? cmds.u64Lossy(p + o) : cmds.u32(p + o));
      const vmaddr = word(24);
      const vmsize = w64 ? word(32) : word(28);
      const fileoff = w64 ? word(40) : word(32);
      let filesize = w64 ? word(48) : word(36);
      const initprot = cmds.u32(p + (w64 ? 60 : 44));
      const nsects = cmds.u32(p + (w64 ? 64 : 48));
      if (filesize > 0 && fileoff + filesize > src.size) {
        warnings.push(`truncated: file ends at offset 0x${src.size.toString(16)} but segment ${segname} extends to 0x${(fileoff + filesize).toString(16)}`);
        filesize = Math.max(0, src.size - fileoff);
      }
      segments.push({
        type: 'load',
        name: segname,
        vaddr: vmaddr,
        memSize: vmsize,
        offset: fileoff,
        fileSize: filesize,
        r: !!(initprot & VM_PROT_READ),
        w: !!(initprot & VM_PROT_WRITE),
        x: !!(initprot & VM_PROT_EXECUTE),
      });
      const secSize = w64 ? 80 : 68;
      const first = p + (w64 ? 72 : 56);
      if (first + nsects * secSize > p + size) throw new FormatError('Mach-O segment command', hsize + p, `${nsects} sections do not fit in the command`);
      for (let j = 0; j < nsects; j++) {
        const q = first + j * secSize;
        const addr = w64 ? cmds.u64Lossy(q + 32) : cmds.u32(q + 32);
        const ssize = w64 ? cmds.u64Lossy(q + 40) : cmds.u32(q + 36);
        const offset = cmds.u32(q + (w64 ? 48 : 40));
        const sflags = cmds.u32(q + (w64 ? 64 : 56));
        const type = sflags & 0xff;
        const zerofill = type === S_ZEROFILL || type === S_GB_ZEROFILL || type === S_THREAD_LOCAL_ZEROFILL;
        let fileSize = zerofill || offset === 0 ? 0 : ssize;
        if (fileSize > 0 && offset + fileSize > src.size) fileSize = Math.max(0, src.size - offset);
        sections.push({
          name: fixedString(cmds, q, 16),
          segment: fixedString(cmds, q + 16, 16),
          addr,
          size: ssize,
          offset,
          fileSize,
          flags: {
            alloc: segname !== '__DWARF',
            write: !!(initprot & VM_PROT_WRITE),
            exec: !!(sflags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)),
          },
        });
      }
    } else if (cmd === LC_SYMTAB) {
      symtab = { symoff: cmds.u32(p + 8), nsyms: cmds.u32(p + 12), stroff: cmds.u32(p + 16), strsize: cmds.u32(p + 20) };
      if (symtab.nsyms > MAX_SYMBOLS) throw new FormatError('Mach-O LC_SYMTAB', hsize + p, `implausible symbol count ${symtab.nsyms}`);
    } else if (DYLIB_COMMANDS.has(cmd)) {
      link.needed.push(lcString(p, size));
    } else if (cmd === LC_LOAD_DYLINKER) {
      link.interpreter = lcString(p, size);
    } else if (cmd === LC_RPATH) {
      link.rpath.push(lcString(p, size));
    } else if (cmd === LC_MAIN) {
      entryOff = cmds.u64Lossy(p + 8);
    }
    p += size;
  }
  link.static = link.needed.length === 0 && link.interpreter === null;

  let kind: Kind;
  if (filetype === MH_EXECUTE) kind = flags & MH_PIE ? 'pie' : 'executable';
  else if (filetype === MH_DYLIB || filetype === MH_BUNDLE) kind = 'shared';
  else if (filetype === MH_OBJECT) kind = 'object';
  else kind = 'other';
  // LC_MAIN's entry is a file offset; the __TEXT segment maps it to an address.
  const text = segments.find((s) => s.name === '__TEXT');
  const entry = entryOff !== null && text ? text.vaddr + entryOff - text.offset : 0;
  const arch = CPUS[cputype] ?? `unknown(0x${cputype.toString(16)})`;
  const f = new MachOFile(src, arch, is64 ? 64 : 32, endian, kind, entry, sections, segments, symtab, link);
  f.warnings.push(...warnings);
  f.headers.push([0, hsize + sizeofcmds]);
  return f;
}

/** A universal binary: a big-endian table of (cputype, offset, size) slices, each a Mach-O file. */
export async function openFat(src: ByteSource): Promise<OpenedObject[]> {
  const h = new Bytes(await readExact(src, 0, 8, 'universal header'), 'big', 'universal header');
  const is64 = h.u32(0) === 0xcafebabf;
  const n = h.u32(4);
  if (n === 0 || n > MAX_FAT_SLICES) throw new UnsupportedError('not an executable: CAFEBABE header without a plausible slice count (a Java class file?)');
  const ent = is64 ? 32 : 20;
  const t = new Bytes(await readExact(src, 8, n * ent, 'universal slice table'), 'big', 'universal slice table', 8);
  const out: OpenedObject[] = [];
  for (let i = 0; i < n; i++) {
    const q = i * ent;
    const offset = is64 ? t.u64(q + 8) : t.u32(q + 8);
    const size = is64 ? t.u64(q + 16) : t.u32(q + 12);
    if (offset + size > src.size)
      throw new FormatError('universal slice table', 8 + q, `slice ${i} (0x${offset.toString(16)}+0x${size.toString(16)}) runs past the end of the file`);
    out.push({ obj: await openMachO(new SubSource(src, offset, size)), fat: { index: i, count: n, offset } });
  }
  return out;
}
