import type { BuildInfoData } from '../../go/modinfo.js';
import { openListing, type PclnListing, type PclnLocation } from '../../go/pclntab.js';
import { type GeneratedPrefix, generatedPrefixOf, packageOf } from '../../go/pkgname.js';
import { Bytes, latin1OrUtf8 } from '../../io/bytes.js';
import type { ElfFile } from '../../object/elf.js';
import type { ObjectFile, Section, Sym } from '../../object/types.js';
import { readVA } from '../../object/types.js';
import type { PackageSize, SizeReport } from './model.js';

const DWARF = /^(\.z?debug_|__z?debug_)/;
const SYMTAB = new Set(['.symtab', '.strtab', '.gosymtab', '__gosymtab']);
const DYNAMIC =
  /^(\.interp|\.dynsym|\.dynstr|\.dynamic|\.rela?\.|\.gnu\.(version|hash)|\.hash|\.note|\.got|\.plt|__(got|la_symbol_ptr|nl_symbol_ptr|stubs|stub_helper|symbol_stub\d*)$|\.idata|\.reloc|\.edata)/;
const PCLNTAB = new Set(['.gopclntab', '__gopclntab']);
const COMPILER_SECTIONS = new Set(['.typelink', '.itablink', '__typelink', '__itablink', '.go.type', '__go_type', '.go.func', '__go_func']);

/** Which pseudo-package a whole section belongs to, when its name says. */
function sectionBucket(s: Section): string | null {
  if (DWARF.test(s.name) || s.segment === '__DWARF') return '<dwarf>';
  if (SYMTAB.has(s.name)) return '<symtab>';
  if (DYNAMIC.test(s.name)) return '<dynamic>';
  if (PCLNTAB.has(s.name)) return '<pclntab>';
  if (COMPILER_SECTIONS.has(s.name)) return '<compiler>';
  if (s.name === '.shstrtab') return '<headers>';
  return null;
}

/** The package of a data symbol; generated symbols (type:, go:itab., go:string.) belong to <compiler>. */
function dataPackage(name: string, prefix: GeneratedPrefix): string {
  // $f64.… / $i64.… are the compiler's pooled constants.
  return (name.startsWith('$') ? '' : packageOf(name, prefix)) || '<compiler>';
}

/** Longest module path that is the package or a parent of it; std for dotless first elements. */
export function moduleOf(pkg: string, modules: string[]): string {
  if (pkg.startsWith('<')) return pkg;
  let best = '';
  for (const m of modules) if ((pkg === m || pkg.startsWith(`${m}/`)) && m.length > best.length) best = m;
  if (best) return best;
  if (pkg === 'main') return modules[0] ?? 'main';
  const first = pkg.split('/')[0] as string;
  return first.includes('.') ? '<unknown module>' : 'std';
}

interface Claim {
  start: number;
  end: number;
  pkg: string;
  code: boolean;
  fn?: string;
}

export interface SizeOptions {
  /** The function table, located once by the caller; null when the binary has none. */
  pclntab: PclnLocation | null;
  path?: string;
  buildInfo?: BuildInfoData | null;
  cgo?: boolean;
  functions?: boolean;
}

/** Attributes every byte of the file. */
export async function attributeSizes(obj: ObjectFile, opts: SizeOptions): Promise<SizeReport> {
  const fileSize = obj.source.size;
  const bi = opts.buildInfo ?? null;
  const modules = [bi?.main?.path, ...(bi?.deps ?? []).map((d) => d.path)].filter((m): m is string => !!m);

  const claims: Claim[] = [];
  const pclnSections: { offset: number; size: number }[] = [];
  const loc = opts.pclntab;
  let prefix: GeneratedPrefix = 'dot';
  if (loc) {
    const tab = await openListing(obj, loc);
    prefix = generatedPrefixOf(tab.format);
    codeClaims(obj, tab, !!opts.functions, prefix, claims);
    if (loc.locatedBy !== 'section') pclnSections.push({ offset: loc.offset, size: Math.min(loc.size, fileSize - loc.offset) });
  }
  // Table claims for a pclntab that has no section of its own (PE, external-link PIE).
  for (const p of pclnSections) claims.push({ start: p.offset, end: p.offset + p.size, pkg: '<pclntab>', code: false });

  // Data: symbols with sizes (ELF), or up to the next symbol (PE, Mach-O).
  const syms: Sym[] = (await obj.hasSymbols()) ? await obj.symbols() : [];

  const dataSyms = syms.filter((s) => s.kind !== 'func' && s.section >= 0 && !(obj.sections[s.section] as Section).flags.exec);
  dataSyms.sort((a, b) => a.value - b.value);
  for (let i = 0; i < dataSyms.length; i++) {
    const s = dataSyms[i] as Sym;
    const sec = obj.sections[s.section] as Section;
    if (sec.fileSize === 0 || sectionBucket(sec)) continue;
    let size = s.size;
    if (size === 0) {
      const next = dataSyms[i + 1];
      size = next && next.section === s.section ? next.value - s.value : sec.addr + sec.fileSize - s.value;
    }
    const off = obj.vaToOffset(s.value);
    if (off === null || size <= 0) continue;
    claims.push({ start: off, end: off + size, pkg: dataPackage(s.name, prefix), code: false });
  }

  // go:embed file contents have no symbols of their own (they sit inside the span of a marker such as
  // go.string.*); an embed.FS's table (`<var>.files`) points at them, and those ranges win.
  const embeds = syms.length ? await embeddedFiles(obj, syms) : await scannedEmbeds(obj);
  for (const e of embeds) {
    const start = e.offset;
    const end = e.offset + e.bytes;
    for (let i = claims.length - 1; i >= 0; i--) {
      const c = claims[i] as Claim;
      if (c.end <= start || c.start >= end) continue;
      const parts: Claim[] = [];
      if (c.start < start) parts.push({ ...c, end: start });
      if (c.end > end) parts.push({ ...c, start: end });
      claims.splice(i, 1, ...parts);
    }
    claims.push({ start, end, pkg: e.variable === '<embed>' ? '<embed>' : packageOf(e.variable, prefix) || '<compiler>', code: false });
  }
  claims.sort((a, b) => a.start - b.start || b.end - a.end);

  const pkgs = new Map<string, PackageSize>();
  const fnBytes = new Map<string, { package: string; bytes: number }>();
  const unattributed = new Map<string, number>();
  const sectionBytes = new Map<string, { fileBytes: number; memBytes: number }>();
  let attributed = 0;
  const addPkg = (name: string, bytes: number, code: boolean) => {
    if (bytes <= 0) return;
    let p = pkgs.get(name);
    if (!p) {
      p = { name, module: moduleOf(name, modules), codeBytes: 0, dataBytes: 0 };
      pkgs.set(name, p);
    }
    if (code) p.codeBytes += bytes;
    else p.dataBytes += bytes;
    attributed += bytes;
  };
  const addSection = (name: string, fileBytes: number, memBytes: number) => {
    const e = sectionBytes.get(name) ?? { fileBytes: 0, memBytes: 0 };
    e.fileBytes += fileBytes;
    e.memBytes += memBytes;
    sectionBytes.set(name, e);
  };
  const remainder = (sec: string, bytes: number, exec: boolean) => {
    if (bytes <= 0) return;
    if (exec && opts.cgo) return addPkg('<C>', bytes, true);
    addPkg('<unattributed>', bytes, false);
    unattributed.set(sec, (unattributed.get(sec) ?? 0) + bytes);
  };

  // Sweep the file in offset order: sections claim their ranges once; inside a section, leaf
  // claims (functions, symbols, tables) take their bytes and the rest is the section's remainder.
  const secs = obj.sections.filter((s) => s.fileSize > 0).sort((a, b) => a.offset - b.offset || b.fileSize - a.fileSize);
  let cursor = 0;
  let ci = 0;
  const headers = obj.headers;
  const gap = (from: number, to: number) => {
    // Bytes outside every section: headers where the format puts them, else padding.
    let pos = from;
    for (const [hs, he] of headers) {
      const s = Math.max(pos, hs);
      const e = Math.min(to, he);
      if (e > s) {
        if (s > pos) remainder('(between sections)', s - pos, false);
        addPkg('<headers>', e - s, false);
        addSection('(headers)', e - s, 0);
        pos = e;
      }
    }
    if (to > pos) remainder('(between sections)', to - pos, false);
    if (to > from) addSection('(between sections)', to - from - headersIn(headers, from, to), 0);
  };
  for (const sec of secs) {
    const start = Math.max(sec.offset, cursor);
    const end = Math.min(sec.offset + sec.fileSize, fileSize);
    if (end <= start) {
      addSection(sectionName(sec), 0, sec.flags.alloc ? sec.size : 0);
      continue;
    }
    if (start > cursor) gap(cursor, start);
    addSection(sectionName(sec), end - start, sec.flags.alloc ? sec.size : 0);
    const whole = sectionBucket(sec);
    // Claims that start before this section cannot reach into it (they were clipped already).
    while (ci < claims.length && (claims[ci] as Claim).start < start) ci++;
    if (whole) {
      addPkg(whole, end - start, false);
    } else {
      let pos = start;
      while (ci < claims.length && (claims[ci] as Claim).start < end) {
        const c = claims[ci++] as Claim;
        const s = Math.max(c.start, pos);
        const e = Math.min(c.end, end);
        if (e <= s) continue;
        if (s > pos) remainder(sectionName(sec), s - pos, sec.flags.exec);
        addPkg(c.pkg, e - s, c.code);
        if (c.fn && opts.functions) {
          const f = fnBytes.get(c.fn) ?? { package: c.pkg, bytes: 0 };
          f.bytes += e - s;
          fnBytes.set(c.fn, f);
        }
        pos = e;
      }
      if (end > pos) remainder(sectionName(sec), end - pos, sec.flags.exec);
    }
    cursor = end;
  }
  if (fileSize > cursor) gap(cursor, fileSize);

  const memOnly = obj.sections.filter((s) => s.fileSize === 0 && s.flags.alloc && s.size > 0).reduce((a, s) => a + s.size, 0);
  for (const s of obj.sections) if (s.fileSize === 0 && s.flags.alloc && s.size > 0) addSection(sectionName(s), 0, s.size);

  const packages = [...pkgs.values()].sort((a, b) => b.codeBytes + b.dataBytes - (a.codeBytes + a.dataBytes) || a.name.localeCompare(b.name));
  const mods = new Map<string, number>();
  for (const p of packages) mods.set(p.module, (mods.get(p.module) ?? 0) + p.codeBytes + p.dataBytes);
  const report: SizeReport = {
    path: opts.path ?? '',
    fileSize,
    attributedBytes: attributed,
    memOnlyBytes: memOnly,
    packages,
    modules: [...mods].map(([path, bytes]) => ({ path, bytes })).sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path)),
    sections: [...sectionBytes].map(([name, v]) => ({ name, ...v })),
    unattributed: [...unattributed].map(([section, bytes]) => ({ section, bytes })).sort((a, b) => b.bytes - a.bytes),
    stripped: syms.length === 0,
    embeds: embeds.map(({ variable, file, bytes }) => ({ variable, file, bytes })),
  };
  if (opts.functions) report.functions = [...fnBytes].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.bytes - a.bytes);
  return report;
}

/**
 * Code: each function owns its bytes up to the next function's entry (alignment padding included;
 * the last one its code size). Without per-function figures, a run of functions of one package
 * in one section is one claim: the same bytes for the package, a fraction of the claims to sort.
 */
function codeClaims(obj: ObjectFile, tab: PclnListing, perFunction: boolean, prefix: GeneratedPrefix, claims: Claim[]): void {
  const n = tab.functionCount;
  let run: Claim | null = null;
  let runSectionEnd = 0;
  for (let i = 0; i < n; i++) {
    const entry = tab.entry(i);
    const off = obj.vaToOffset(entry);
    if (off === null) {
      run = null;
      continue;
    }
    const next = i + 1 < n ? tab.entry(i + 1) : entry;
    const name = tab.name(i);
    const span = next > entry ? next - entry : tab.size(i);
    const pkg = packageOf(name, prefix) || '<compiler>';
    if (!perFunction && run && run.pkg === pkg && run.end === off && off < runSectionEnd) {
      run.end = off + span;
      continue;
    }
    run = { start: off, end: off + span, pkg, code: true };
    if (perFunction) run.fn = name;
    runSectionEnd = sectionEndOf(obj, off);
    claims.push(run);
  }
}

/** End (file offset) of the section holding a file offset; the file's end when none does. */
function sectionEndOf(obj: ObjectFile, off: number): number {
  for (const s of obj.sections) if (s.fileSize > 0 && off >= s.offset && off < s.offset + s.fileSize) return s.offset + s.fileSize;
  return obj.source.size;
}

/**
 * The files of every embed.FS: the compiler emits `<var>.files` = []embed.file{name, data string;
 * hash [16]byte} in read-only data. Each entry's data string is the file's content.
 */
async function embeddedFiles(obj: ObjectFile, syms: Sym[]): Promise<{ variable: string; file: string; offset: number; bytes: number }[]> {
  const out: { variable: string; file: string; offset: number; bytes: number }[] = [];
  const w = obj.bits / 8;
  const entry = 4 * w + 16;
  for (const s of syms) {
    if (!s.name.endsWith('.files') || s.kind === 'func') continue;
    const hdr = await readVA(obj, s.value, 3 * w);
    if (!hdr) continue;
    const h = new Bytes(hdr, obj.endian, 'embed.FS files');
    const ptr = (await obj.readPointer(s.value)) ?? h.word(0, w);
    const n = h.word(w, w);
    if (n === 0 || n > 1_000_000) continue;
    const table = await readVA(obj, ptr, n * entry);
    if (!table) continue;
    const t = new Bytes(table, obj.endian, 'embed.FS files');
    for (let i = 0; i < n; i++) {
      const at = i * entry;
      const nameLen = t.word(at + w, w);
      const dataLen = t.word(at + 3 * w, w);
      if (dataLen === 0 || nameLen === 0 || nameLen > 4096) continue;
      const nameBytes = await readVA(obj, (await obj.readPointer(ptr + at)) ?? t.word(at, w), nameLen);
      const dataAddr = (await obj.readPointer(ptr + at + 2 * w)) ?? t.word(at + 2 * w, w);
      const offset = obj.vaToOffset(dataAddr);
      if (!nameBytes || offset === null || offset + dataLen > obj.source.size) continue;
      out.push({ variable: s.name.slice(0, -'.files'.length), file: latin1OrUtf8(nameBytes), offset, bytes: dataLen });
    }
  }
  return out;
}

/** Sections that never hold an embed.FS table; the rest of the read-only and data sections are scanned. */
const NOT_EMBED =
  /^(\.gopclntab|__gopclntab|\.gosymtab|__gosymtab|\.typelink|__typelink|\.itablink|__itablink|\.go\.buildinfo|__go_buildinfo|\.noptrbss|\.bss|\.tbss|\.debug_.*|\.zdebug_.*|__debug_.*|\.symtab|\.strtab|\.dynsym|\.dynstr|\.rela?\..*|\.gnu\..*|\.note.*|\.eh_frame.*)$/;
const EMBED_SCAN_MAX = 1_000_000;

/**
 * The embed.FS tables of a binary without symbols. cmd/compile writes `<var>.files` as one
 * read-only symbol: a slice header pointing just past itself ({base+3w, n, n}) and then the n
 * entries. So a word equal to its own address + 3 words, followed by two equal counts, is a
 * candidate (in a PIE the word is a RELATIVE relocation's addend); the entries must then all be
 * valid names in embed's sort order with data inside the file. The embedding variable is unknown,
 * so the files are charged to `<embed>`.
 */
async function scannedEmbeds(obj: ObjectFile): Promise<{ variable: string; file: string; offset: number; bytes: number }[]> {
  const w = obj.bits / 8;
  const candidates: number[] = [];
  const relocs = obj.format === 'elf' ? await (obj as ElfFile).relocations() : new Map<number, number>();
  if (relocs.size) {
    for (const [addr, addend] of relocs) if (addend === addr + 3 * w) candidates.push(addr);
  } else {
    const CHUNK = 1 << 20;
    for (const sec of obj.sections) {
      if (sec.flags.exec || !sec.flags.alloc || sec.fileSize < 3 * w || NOT_EMBED.test(sec.name)) continue;
      for (let pos = 0; pos + 3 * w <= sec.fileSize; pos += CHUNK) {
        const len = Math.min(CHUNK, sec.fileSize - pos);
        const buf = await obj.source.read(sec.offset + pos, len);
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        const le = obj.endian === 'little';
        for (let i = 0; i + w <= buf.length; i += w) {
          const want = sec.addr + pos + i + 3 * w;
          // Compared as 32-bit halves: arbitrary data words can exceed 2^53.
          const hit =
            w === 4
              ? dv.getUint32(i, le) === want
              : dv.getUint32(i + (le ? 0 : 4), le) === want % 2 ** 32 && dv.getUint32(i + (le ? 4 : 0), le) === Math.floor(want / 2 ** 32);
          if (hit) candidates.push(want - 3 * w);
          if (candidates.length > EMBED_SCAN_MAX) return [];
        }
      }
    }
  }
  const out: { variable: string; file: string; offset: number; bytes: number }[] = [];
  const entry = 4 * w + 16;
  for (const at of candidates) {
    const hdr = await readVA(obj, at + w, 2 * w);
    if (!hdr) continue;
    const n = safeWord(hdr, 0, w, obj.endian);
    if (n <= 0 || n !== safeWord(hdr, w, w, obj.endian) || n > 100_000) continue;
    const table = await readVA(obj, at + 3 * w, n * entry);
    if (!table) continue;
    const word = (off: number) => safeWord(table, off, w, obj.endian);
    const files: { file: string; offset: number; bytes: number }[] = [];
    for (let i = 0; i < n; i++) {
      const e = at + 3 * w + i * entry;
      const nameLen = word(i * entry + w);
      const dataLen = word(i * entry + 3 * w);
      if (nameLen <= 0 || nameLen > 4096 || dataLen < 0) break;
      const nameBytes = await readVA(obj, (await obj.readPointer(e)) ?? word(i * entry), nameLen);
      if (!nameBytes) break;
      const name = latin1OrUtf8(nameBytes);
      // Names are slash-separated relative paths; directories end in "/" and have no data.
      if (!/^[^\0/][^\0]*$/.test(name) || name.includes('//') || (name.endsWith('/') && dataLen !== 0)) break;
      let offset = 0;
      if (dataLen > 0) {
        const o = obj.vaToOffset((await obj.readPointer(e + 2 * w)) ?? word(i * entry + 2 * w));
        if (o === null || o + dataLen > obj.source.size) break;
        offset = o;
      }
      files.push({ file: name, offset, bytes: dataLen });
    }
    if (files.length !== n || !embedSorted(files.map((f) => f.file))) continue;
    for (const f of files) if (f.bytes > 0) out.push({ variable: '<embed>', ...f });
  }
  return out;
}

/** A pointer-sized word, or -1 when it does not fit a safe integer (data that is not a table). */
function safeWord(b: Uint8Array, off: number, w: number, endian: 'little' | 'big'): number {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = endian === 'little';
  if (w === 4) return dv.getUint32(off, le);
  const lo = dv.getUint32(off + (le ? 0 : 4), le);
  const hi = dv.getUint32(off + (le ? 4 : 0), le);
  return hi >= 2 ** 21 ? -1 : hi * 2 ** 32 + lo;
}

/** embed's order (embed.go sortSearch): by directory, then by element, each compared as strings. */
function embedSorted(names: string[]): boolean {
  const split = (name: string) => {
    const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
    const i = trimmed.lastIndexOf('/');
    return i < 0 ? ['.', trimmed] : [trimmed.slice(0, i), trimmed.slice(i + 1)];
  };
  for (let i = 1; i < names.length; i++) {
    const [ad, ae] = split(names[i - 1] as string) as [string, string];
    const [bd, be] = split(names[i] as string) as [string, string];
    if (ad > bd || (ad === bd && ae >= be)) return false;
  }
  return true;
}

function sectionName(s: Section): string {
  return s.segment ? `${s.segment},${s.name}` : s.name;
}

function headersIn(headers: [number, number][], from: number, to: number): number {
  let n = 0;
  for (const [s, e] of headers) n += Math.max(0, Math.min(to, e) - Math.max(from, s));
  return n;
}
