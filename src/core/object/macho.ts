import { type Damage, FormatError, hex, UnsupportedError } from '../errors.js';
import { Bytes, type Endian, StringTable } from '../io/bytes.js';
import { type ByteSource, ReadBudget, readExact, SubSource } from '../io/source.js';
import type { Kind, Linkage, ObjectFile, OpenedObject, Section, Segment, Sym } from './types.js';
import { DecodedSymbols, readWord } from './types.js';

// Constants from <mach-o/loader.h>, <mach-o/nlist.h> and <mach-o/fat.h> (names as in Go's debug/macho).
const MH_MAGIC = 0xfeedface;
const MH_MAGIC_64 = 0xfeedfacf;
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;

const MH_OBJECT = 0x1;
const MH_EXECUTE = 0x2;
const MH_DYLIB = 0x6;
const MH_BUNDLE = 0x8;
const MH_PIE = 0x200000;

const LC_SEGMENT = 0x1;
const LC_SYMTAB = 0x2;
const LC_UNIXTHREAD = 0x5;
const LC_LOAD_DYLIB = 0xc;
const LC_LOAD_DYLINKER = 0xe;
const LC_SEGMENT_64 = 0x19;
const LC_LAZY_LOAD_DYLIB = 0x20;
const LC_LOAD_WEAK_DYLIB = 0x80000018;
const LC_RPATH = 0x8000001c;
const LC_REEXPORT_DYLIB = 0x8000001f;
const LC_LOAD_UPWARD_DYLIB = 0x80000023;
const LC_MAIN = 0x80000028;
const LC_DYLD_CHAINED_FIXUPS = 0x80000034;
const DYLIB_COMMANDS = new Set([LC_LOAD_DYLIB, LC_LOAD_WEAK_DYLIB, LC_REEXPORT_DYLIB, LC_LAZY_LOAD_DYLIB, LC_LOAD_UPWARD_DYLIB]);

const SECTION_TYPE = 0xff;
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
const N_ABS = 0x2;
const N_SECT = 0xe;

const CPU_ARCH_ABI64 = 0x01000000;
const CPU_TYPE_X86 = 7;
const CPU_TYPE_ARM = 12;
const CPU_TYPE_POWERPC = 18;
const CPUS: Record<number, string> = {
  [CPU_TYPE_X86]: '386',
  [CPU_TYPE_X86 | CPU_ARCH_ABI64]: 'amd64',
  [CPU_TYPE_ARM]: 'arm',
  [CPU_TYPE_ARM | CPU_ARCH_ABI64]: 'arm64',
  [CPU_TYPE_POWERPC]: 'ppc',
  [CPU_TYPE_POWERPC | CPU_ARCH_ABI64]: 'ppc64',
};

/**
 * Where LC_UNIXTHREAD keeps the program counter: the thread-state flavor that holds it and the
 * byte offset of the pc in the command (8-byte command header, flavor, count, then the registers).
 */
const THREAD_PC: Record<number, { flavor: number; offset: number; size: 4 | 8 }> = {
  [CPU_TYPE_X86]: { flavor: 1, offset: 16 + 10 * 4, size: 4 }, // x86_THREAD_STATE32: eax…esp, ss, eflags, eip
  [CPU_TYPE_X86 | CPU_ARCH_ABI64]: { flavor: 4, offset: 16 + 16 * 8, size: 8 }, // x86_THREAD_STATE64: rax…r15, rip
  [CPU_TYPE_ARM]: { flavor: 1, offset: 16 + 15 * 4, size: 4 }, // ARM_THREAD_STATE: r0…r12, sp, lr, pc
  [CPU_TYPE_ARM | CPU_ARCH_ABI64]: { flavor: 6, offset: 16 + 32 * 8, size: 8 }, // ARM_THREAD_STATE64: x0…x28, fp, lr, sp, pc
  [CPU_TYPE_POWERPC]: { flavor: 1, offset: 16, size: 4 }, // PPC_THREAD_STATE: srr0 first
  [CPU_TYPE_POWERPC | CPU_ARCH_ABI64]: { flavor: 5, offset: 16, size: 8 }, // PPC_THREAD_STATE64
};

/** Caps that keep a crafted header from making us allocate or loop without bound. */
const MAX_COMMANDS = 65536;
const MAX_SYMBOLS = 10_000_000;
/**
 * Universal binaries hold a handful of slices. Java class files share the CAFEBABE magic and have
 * their version where the slice count would be: major ≥ 45 in the low half, so never this small.
 */
const MAX_FAT_SLICES = 20;

/**
 * How dyld's chained fixups store a pointer in the file (mach-o/fixup-chains.h): instead of the
 * address, a rebase holds a target and the distance to the next fixup in its high bits. `vmaddr`
 * formats hold the link-time address in the target bits, `offset` ones the distance from the image
 * base (the __TEXT segment, where the Mach-O header is). ld64 writes DYLD_CHAINED_PTR_64_OFFSET (6)
 * for arm64 macOS ≥ 12, which is why a Go binary linked externally (cgo) there holds runtime.text as
 * 0x2700 instead of 0x100002700.
 */
const CHAINED_FORMATS: Record<number, { base: 'vmaddr' | 'offset'; arm64e: boolean }> = {
  1: { base: 'vmaddr', arm64e: true }, // DYLD_CHAINED_PTR_ARM64E
  2: { base: 'vmaddr', arm64e: false }, // DYLD_CHAINED_PTR_64
  6: { base: 'offset', arm64e: false }, // DYLD_CHAINED_PTR_64_OFFSET
  12: { base: 'offset', arm64e: true }, // DYLD_CHAINED_PTR_ARM64E_USERLAND
};

interface Symtab {
  symoff: number;
  nsyms: number;
  stroff: number;
  strsize: number;
}

export class MachOFile extends DecodedSymbols implements ObjectFile {
  readonly format = 'macho' as const;
  readonly imageBase = 0;
  readonly damage: Damage[] = [];
  readonly headers: [number, number][] = [];
  readonly budget: ReadBudget;

  constructor(
    readonly source: ByteSource,
    readonly arch: string,
    readonly bits: 32 | 64,
    readonly endian: Endian,
    readonly kind: Kind,
    readonly entry: number,
    readonly sections: Section[],
    /** One 'load' segment per LC_SEGMENT(_64), __PAGEZERO (no file bytes) and __LINKEDIT included. */
    readonly segments: Segment[],
    private readonly symtab: Symtab | null,
    private readonly link: Linkage,
    /** The pointer format of LC_DYLD_CHAINED_FIXUPS, when the file has one. */
    private readonly chained: number | null = null,
  ) {
    super();
    this.budget = new ReadBudget(source);
  }

  get hasDWARF(): boolean {
    return this.sections.some((s) => s.segment === '__DWARF' || s.name.startsWith('__zdebug_') || s.name.startsWith('__debug_'));
  }

  /**
   * A segment maps min(filesize, vmsize) bytes of the file. The filesize alone is not enough:
   * __DWARF has file bytes but vmsize 0, and Go's linker gives it the address of __LINKEDIT.
   */
  vaToOffset(addr: number): number | null {
    for (const s of this.segments) {
      if (addr >= s.vaddr && addr < s.vaddr + Math.min(s.fileSize, s.memSize)) return s.offset + (addr - s.vaddr);
    }
    return null;
  }

  /**
   * Mach-O executables hold link-time addresses (dyld slides them, which is not needed to read
   * them), except under chained fixups, where a pointer is a rebase record to decode: its target,
   * from the image base for the offset formats; a bind (an imported symbol) has no address here.
   */
  async readPointer(addr: number): Promise<number | null> {
    if (this.chained === null || this.bits !== 64) return readWord(this, addr);
    const format = CHAINED_FORMATS[this.chained];
    const off = this.vaToOffset(addr);
    if (!format || off === null || off + 8 > this.source.size) return readWord(this, addr);
    const b = new Bytes(await this.source.read(off, 8), this.endian, 'chained fixup', off);
    const lo = b.u32(0);
    const hi = b.u32(4);
    let target: number;
    if (format.arm64e) {
      const auth = hi >>> 31;
      const bind = (hi >>> 30) & 1;
      if (bind) return null;
      // An authenticated rebase keeps 32 bits of target (always an offset); a plain one 43.
      target = auth ? lo : (hi & 0x7ff) * 2 ** 32 + lo;
      if (auth) return this.headerAddress() + target;
    } else {
      if (hi >>> 31) return null; // bind
      target = (hi & 0xf) * 2 ** 32 + lo; // 36 bits; high8 (bits 36–43) is a tag Go never sets
    }
    return format.base === 'offset' ? this.headerAddress() + target : target;
  }

  /** The address of the Mach-O header: the segment that maps file offset 0 (__TEXT). */
  private headerAddress(): number {
    return this.segments.find((s) => s.offset === 0 && s.fileSize > 0)?.vaddr ?? 0;
  }

  /** True at the first defined symbol, without decoding names (the table can be megabytes). */
  override async hasSymbols(): Promise<boolean> {
    const t = this.symtab;
    if (!t || t.nsyms === 0) return false;
    const ent = this.bits === 64 ? 16 : 12;
    const b = new Bytes(await readExact(this.source, t.symoff, t.nsyms * ent, 'Mach-O symbol table'), this.endian, 'Mach-O symbol table', t.symoff);
    for (let i = 0; i < t.nsyms; i++) {
      const type = b.u8(i * ent + 4);
      if (!(type & N_STAB) && ((type & N_TYPE) === N_SECT || (type & N_TYPE) === N_ABS)) return true;
    }
    return false;
  }

  protected async readSymbols(): Promise<Sym[]> {
    const t = this.symtab;
    if (!t || t.nsyms === 0) return [];
    const ent = this.bits === 64 ? 16 : 12;
    this.budget.take(t.nsyms * ent, 'Mach-O symbol table', t.symoff);
    this.budget.take(t.strsize, 'Mach-O string table', t.stroff);
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
      // Debugger (stab) entries, undefined imports and indirect symbols are not definitions in this file.
      if (type & N_STAB) continue;
      const nt = type & N_TYPE;
      if (nt !== N_SECT && nt !== N_ABS) continue;
      const strx = b.u32(p);
      let name = strx > 0 && strx < strs.length ? names.at(strx) : '';
      // The linker prefixes every name with '_' as C compilers do on Darwin (Go ≥ 1.19 does it for
      // Go symbols too: _runtime.main); without it the names are the ones ELF and PE files carry.
      if (name.startsWith('_')) name = name.slice(1);
      const value = this.bits === 64 ? b.u64Lossy(p + 8) : b.u32(p + 8);
      if (nt === N_ABS) {
        out.push({ name, value, size: 0, kind: 'other', section: -1 });
        continue;
      }
      // n_sect is 1-based over all sections of all segments, in load command order.
      const sect = b.u8(p + 5);
      const s = sect >= 1 ? this.sections[sect - 1] : undefined;
      out.push({ name, value, size: 0, kind: s ? (s.flags.exec ? 'func' : 'object') : 'other', section: s ? sect - 1 : -1 });
    }
    return out;
  }

  async linkage(): Promise<Linkage> {
    return this.link;
  }
}

export async function openMachO(src: ByteSource): Promise<ObjectFile> {
  const m = await readExact(src, 0, 4, 'Mach-O header');
  // The magic is written in the file's own byte order: FE ED FA CE/CF is big-endian.
  const endian: Endian = m[0] === 0xfe ? 'big' : 'little';
  const magic = new Bytes(m, endian, 'Mach-O header').u32(0);
  if (magic !== MH_MAGIC && magic !== MH_MAGIC_64) throw new FormatError('Mach-O header', 0, `bad magic ${hex(magic)}`);
  const is64 = magic === MH_MAGIC_64;
  const hsize = is64 ? 32 : 28;
  const h = new Bytes(await readExact(src, 0, hsize, 'Mach-O header'), endian, 'Mach-O header');
  const cputype = h.u32(4);
  const filetype = h.u32(12);
  const ncmds = h.u32(16);
  const sizeofcmds = h.u32(20);
  const flags = h.u32(24);
  if (ncmds > MAX_COMMANDS) throw new FormatError('Mach-O header', 16, `implausible load command count ${ncmds}`);
  if (ncmds * 8 > sizeofcmds) throw new FormatError('Mach-O header', 20, `${ncmds} load commands do not fit in sizeofcmds ${sizeofcmds}`);
  const cmds = new Bytes(await readExact(src, hsize, sizeofcmds, 'Mach-O load commands'), endian, 'Mach-O load commands', hsize);

  const sections: Section[] = [];
  const segments: Segment[] = [];
  const damage: Damage[] = [];
  const past: string[] = [];
  let extent = 0;
  const reach = (end: number) => {
    extent = Math.max(extent, end);
  };
  const link: Linkage = { static: true, interpreter: null, needed: [], rpath: [], runpath: [], versionNeeds: [] };
  let symtab: Symtab | null = null;
  let mainOff: number | null = null;
  let threadPc: number | null = null;
  let chainedAt: { dataoff: number; datasize: number } | null = null;
  // Segment file ranges as the header declares them, before clamping to a truncated file: LC_MAIN is found through these.
  const declared: { vaddr: number; offset: number; fileSize: number }[] = [];

  let p = 0;
  for (let i = 0; i < ncmds; i++) {
    if (p + 8 > cmds.length) throw new FormatError('Mach-O load commands', hsize + p, `command ${i} of ${ncmds} starts past sizeofcmds`);
    const cmd = cmds.u32(p);
    const size = cmds.u32(p + 4);
    if (size < 8 || p + size > cmds.length) throw new FormatError('Mach-O load command', hsize + p, `bad size ${size} for command ${hex(cmd)}`);
    const at = hsize + p;
    const minSize = (min: number, what: string) => {
      if (size < min) throw new FormatError(`Mach-O ${what}`, at, `command size ${size} below the ${min} bytes it needs`);
    };
    // A string inside a command: an offset from the command's start, bounded by the command.
    const lcString = (what: string) => {
      minSize(12, what);
      const o = cmds.u32(p + 8);
      if (o < 12 || o >= size) throw new FormatError(`Mach-O ${what}`, at, `string offset ${o} outside the ${size}-byte command`);
      return cmds.cstring(p + o, size - o);
    };

    if (cmd === LC_SEGMENT || cmd === LC_SEGMENT_64) {
      const w64 = cmd === LC_SEGMENT_64;
      const what = w64 ? 'LC_SEGMENT_64' : 'LC_SEGMENT';
      const hdr = w64 ? 72 : 56;
      minSize(hdr, what);
      const segname = cmds.cstring(p + 8, 16);
      const word = (o: number) => (w64 ? cmds.u64Lossy(p + o) : cmds.u32(p + o));
      const vmaddr = word(24);
      const vmsize = w64 ? word(32) : word(28);
      const fileoff = w64 ? word(40) : word(32);
      let filesize = w64 ? word(48) : word(36);
      const initprot = cmds.u32(p + (w64 ? 60 : 44));
      const nsects = cmds.u32(p + (w64 ? 64 : 48));
      declared.push({ vaddr: vmaddr, offset: fileoff, fileSize: filesize });
      if (filesize > 0 && fileoff + filesize > src.size) {
        past.push(`segment ${segname}`);
        reach(fileoff + filesize);
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
      if (nsects > (size - hdr) / secSize) throw new FormatError(`Mach-O ${what}`, at, `${nsects} sections do not fit in the ${size}-byte command`);
      for (let j = 0; j < nsects; j++) {
        const q = p + hdr + j * secSize;
        const name = cmds.cstring(q, 16);
        const addr = w64 ? cmds.u64Lossy(q + 32) : cmds.u32(q + 32);
        const ssize = w64 ? cmds.u64Lossy(q + 40) : cmds.u32(q + 36);
        const offset = cmds.u32(q + (w64 ? 48 : 40));
        const sflags = cmds.u32(q + (w64 ? 64 : 56));
        const stype = sflags & SECTION_TYPE;
        // Zerofill sections (bss, common, thread-local bss) occupy memory only, whatever their offset says.
        const zerofill = stype === S_ZEROFILL || stype === S_GB_ZEROFILL || stype === S_THREAD_LOCAL_ZEROFILL;
        let fileSize = zerofill || offset === 0 ? 0 : ssize;
        if (fileSize > 0 && offset + fileSize > src.size) {
          past.push(`section ${segname},${name}`);
          reach(offset + fileSize);
          fileSize = Math.max(0, src.size - offset);
        }
        sections.push({
          name,
          segment: cmds.cstring(q + 16, 16),
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
      minSize(24, 'LC_SYMTAB');
      const t = { symoff: cmds.u32(p + 8), nsyms: cmds.u32(p + 12), stroff: cmds.u32(p + 16), strsize: cmds.u32(p + 20) };
      if (t.nsyms > MAX_SYMBOLS) throw new FormatError('Mach-O LC_SYMTAB', at, `implausible symbol count ${t.nsyms}`);
      const symEnd = t.symoff + t.nsyms * (is64 ? 16 : 12);
      if (symEnd > src.size) {
        past.push('symbol table');
        reach(symEnd);
      }
      if (t.stroff + t.strsize > src.size) {
        past.push('string table');
        reach(t.stroff + t.strsize);
      }
      symtab = t;
    } else if (DYLIB_COMMANDS.has(cmd)) {
      link.needed.push(lcString('dylib command'));
    } else if (cmd === LC_LOAD_DYLINKER) {
      link.interpreter = lcString('LC_LOAD_DYLINKER');
    } else if (cmd === LC_RPATH) {
      link.rpath.push(lcString('LC_RPATH'));
    } else if (cmd === LC_MAIN) {
      minSize(24, 'LC_MAIN');
      mainOff = cmds.u64Lossy(p + 8);
    } else if (cmd === LC_DYLD_CHAINED_FIXUPS) {
      minSize(16, 'LC_DYLD_CHAINED_FIXUPS');
      chainedAt = { dataoff: cmds.u32(p + 8), datasize: cmds.u32(p + 12) };
    } else if (cmd === LC_UNIXTHREAD) {
      const pc = THREAD_PC[cputype];
      if (pc && size >= pc.offset + pc.size && cmds.u32(p + 8) === pc.flavor) threadPc = pc.size === 8 ? cmds.u64Lossy(p + pc.offset) : cmds.u32(p + pc.offset);
    }
    p += size;
  }
  if (past.length) {
    const what = past.length > 3 ? `${past.slice(0, 3).join(', ')} and ${past.length - 3} more` : past.join(', ');
    damage.push({ kind: 'truncated', detail: `file ends at offset ${hex(src.size)} but ${what} extend to ${hex(extent)} (${extent} bytes needed)` });
  }
  link.static = link.needed.length === 0 && link.interpreter === null;

  let kind: Kind;
  if (filetype === MH_EXECUTE) kind = flags & MH_PIE ? 'pie' : 'executable';
  else if (filetype === MH_DYLIB || filetype === MH_BUNDLE) kind = 'shared';
  else if (filetype === MH_OBJECT) kind = 'object';
  else kind = 'other';

  let entry = threadPc ?? 0;
  if (mainOff !== null) {
    // LC_MAIN's entryoff is a file offset; the segment that maps it (__TEXT) gives the address.
    const off = mainOff;
    const text = declared.find((s) => s.fileSize > 0 && off >= s.offset && off < s.offset + s.fileSize);
    if (text) entry = text.vaddr + (off - text.offset);
    else damage.push({ kind: 'corrupt', detail: `LC_MAIN entry offset ${hex(off)} is in no segment` });
  }
  const arch = CPUS[cputype] ?? `unknown(${hex(cputype)})`;
  const chained = chainedAt ? await chainedPointerFormat(src, endian, chainedAt, damage) : null;
  const f = new MachOFile(src, arch, is64 ? 64 : 32, endian, kind, entry, sections, segments, symtab, link, chained);
  f.damage.push(...damage);
  f.headers.push([0, hsize + sizeofcmds]);
  return f;
}

/**
 * The pointer format of the chained fixups (dyld_chained_fixups_header → starts_in_image → the first
 * segment with fixups → its pointer_format); every segment of a linked image uses one format.
 * Damage is recorded and null returned: pointers are then read as plain words.
 */
async function chainedPointerFormat(src: ByteSource, endian: Endian, at: { dataoff: number; datasize: number }, damage: Damage[]): Promise<number | null> {
  const fail = (reason: string) => {
    damage.push({ kind: 'corrupt', detail: `${reason} in LC_DYLD_CHAINED_FIXUPS data at offset ${hex(at.dataoff)}` });
    return null;
  };
  // The header and the starts table are a few hundred bytes; read a bounded window.
  const size = Math.min(at.datasize, 64 << 10);
  if (size < 28 || at.dataoff + size > src.size) return fail(`size ${at.datasize} does not fit`);
  const b = new Bytes(await src.read(at.dataoff, size), endian, 'chained fixups', at.dataoff);
  const starts = b.u32(4);
  if (starts + 4 > size) return fail(`starts_offset ${starts} past the data`);
  const segCount = b.u32(starts);
  if (segCount > 256 || starts + 4 + 4 * segCount > size) return fail(`implausible segment count ${segCount}`);
  for (let i = 0; i < segCount; i++) {
    const o = b.u32(starts + 4 + 4 * i);
    if (o === 0) continue;
    if (starts + o + 8 > size) return fail(`segment ${i}'s starts past the data`);
    return b.u16(starts + o + 6);
  }
  return null;
}

/**
 * A universal binary: a big-endian table of (cputype, offset, size) slices, each a Mach-O file.
 * FAT_MAGIC_64 is the same with 64-bit offsets and sizes, for slices past 4 GiB.
 */
export async function openFat(src: ByteSource): Promise<OpenedObject[]> {
  const h = new Bytes(await readExact(src, 0, 8, 'universal header'), 'big', 'universal header');
  const magic = h.u32(0);
  if (magic !== FAT_MAGIC && magic !== FAT_MAGIC_64) throw new FormatError('universal header', 0, `bad magic ${hex(magic)}`);
  const is64 = magic === FAT_MAGIC_64;
  const n = h.u32(4);
  if (n === 0 || n > MAX_FAT_SLICES) throw new UnsupportedError(`not an executable: CAFEBABE header with an implausible slice count ${n} (a Java class file?)`);
  const ent = is64 ? 32 : 20;
  const tableEnd = 8 + n * ent;
  const t = new Bytes(await readExact(src, 8, n * ent, 'universal slice table'), 'big', 'universal slice table', 8);
  const out: OpenedObject[] = [];
  for (let i = 0; i < n; i++) {
    const q = i * ent;
    const cputype = t.u32(q);
    const offset = is64 ? t.u64(q + 8) : t.u32(q + 8);
    const size = is64 ? t.u64(q + 16) : t.u32(q + 12);
    if (offset < tableEnd || offset + size > src.size) {
      throw new FormatError('universal slice table', 8 + q, `slice ${i} (${hex(offset)}+${hex(size)}) is not inside the file after the slice table`);
    }
    let obj: ObjectFile;
    try {
      obj = await openMachO(new SubSource(src, offset, size));
    } catch (e) {
      // Report the damage at its offset in the universal file, not in the slice.
      if (e instanceof FormatError) throw new FormatError(`${e.structure} (universal slice ${i})`, offset + e.offset, e.reason);
      throw e;
    }
    const inner = CPUS[cputype] ?? `unknown(${hex(cputype)})`;
    if (inner !== obj.arch) obj.damage.push({ kind: 'corrupt', detail: `universal slice ${i} is listed as ${inner} but its header says ${obj.arch}` });
    out.push({ obj, fat: { index: i, count: n, offset } });
  }
  return out;
}
