import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damageText, FormatError, UnsupportedError } from '../src/core/errors.js';
import { type ByteSource, BytesSource } from '../src/core/io/source.js';
import { openObject } from '../src/core/object/open.js';
import { openPE } from '../src/core/object/pe.js';
import type { ObjectFile } from '../src/core/object/types.js';
import { FileSource } from '../src/node/files/source.js';
import { CORPUS, corpus, GO, run } from './helpers/corpus.js';
import { randomDamage } from './helpers/damage.js';

/**
 * The PE reader against two independent readers of the same real files: Go's debug/pe (through
 * test/tools/pemacho) and GNU binutils' objdump (pei-i386 / pei-x86-64). Files: the corpus's
 * windows fixtures and npm binaries, Go 1.19 builds for windows/arm and windows/arm64 made here,
 * and the MinGW-built executables that ship with Go's own debug/pe tests (real gcc output: aux
 * symbol records, .debug_* long names, several imported DLLs).
 */

const tmp = mkdtempSync(join(tmpdir(), 'goready-pe-'));
const truthTool = join(tmp, 'pemacho');
const GOROOT_PE = '/usr/lib/go-1.19/src/debug/pe/testdata';
const goEnv = { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };

interface PeTruth {
  format: 'pe';
  machine: number;
  bits: 32 | 64;
  characteristics: number;
  imageBase: number;
  entry: number;
  sections: { name: string; addr: number; virtualSize: number; rawSize: number; offset: number; characteristics: number }[];
  symbols: { name: string; value: number; section: number }[];
  imports: string[];
}

function truth(file: string): PeTruth {
  return JSON.parse(execFileSync(truthTool, [file], { encoding: 'utf8', maxBuffer: 1 << 28 })) as PeTruth;
}

/** objdump -h: name, size (binutils: min(VirtualSize, SizeOfRawData), or the inflated size for .zdebug_*), VMA, file offset. */
function objdumpSections(file: string): { name: string; size: number; vma: number; offset: number }[] {
  const out: { name: string; size: number; vma: number; offset: number }[] = [];
  for (const m of run('objdump', ['-h', file]).matchAll(/^\s*\d+\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+2\*\*\d+$/gm)) {
    out.push({
      name: m[1] as string,
      size: Number.parseInt(m[2] as string, 16),
      vma: Number.parseInt(m[3] as string, 16),
      offset: Number.parseInt(m[4] as string, 16),
    });
  }
  return out;
}

/** objdump -t: every symbol record (aux records are printed on their own lines, not matched). */
function objdumpSymbols(file: string): { name: string; sec: number; value: number }[] {
  const out: { name: string; sec: number; value: number }[] = [];
  for (const m of run('objdump', ['-t', file]).matchAll(
    /^\[\s*\d+\]\(sec\s+(-?\d+)\)\(fl 0x[0-9a-f]+\)\(ty\s+[0-9a-f]+\)\(scl\s+-?\d+\) \(nx \d+\) 0x([0-9a-f]+) (.*)$/gm,
  )) {
    out.push({ sec: Number(m[1]), value: Number.parseInt(m[2] as string, 16), name: m[3] as string });
  }
  return out;
}

const MACHINE_ARCH = new Map([
  [0x14c, '386'],
  [0x8664, 'amd64'],
  [0x1c4, 'arm'],
  [0xaa64, 'arm64'],
]);

/** A ByteSource that records every read, to check that only headers are read up front. */
class CountingSource implements ByteSource {
  reads: [number, number][] = [];
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push([offset, length]);
    return this.inner.read(offset, length);
  }
  get bytes(): number {
    return this.reads.reduce((n, [, l]) => n + l, 0);
  }
}

/** Everything the reader does with a file; what it throws must be one of goready's own errors. */
async function readAll(src: ByteSource): Promise<void> {
  for (const { obj } of await openObject(src)) {
    await obj.symbols();
    await obj.linkage();
    for (const s of obj.sections.slice(0, 4)) await obj.readPointer(s.addr);
  }
}

async function expectOnlyOwnErrors(src: ByteSource): Promise<'ok' | 'error'> {
  try {
    await readAll(src);
    return 'ok';
  } catch (e) {
    if (e instanceof FormatError || e instanceof UnsupportedError) return 'error';
    throw e;
  }
}

interface Case {
  name: string;
  file: string;
  arch: string;
  stripped: boolean;
  /** Built by Go's linker: kernel32.dll is its only import, and firstmoduledata points at pclntab. */
  go: boolean;
}

// windows/arm and windows/arm64 are not in the corpus; Go 1.19 builds them without cgo (beforeAll).
const built: Case[] = ['arm', 'arm64'].map((goarch) => ({
  name: `go1.19 windows-${goarch} (built here)`,
  file: join(tmp, `hello-windows-${goarch}.exe`),
  arch: goarch,
  stripped: false,
  go: true,
}));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  execFileSync(GO, ['build', '-o', truthTool, join(import.meta.dirname, 'tools', 'pemacho', 'main.go')], { env: goEnv });
  const gocache = join(CORPUS, '.cache', 'gocache');
  mkdirSync(gocache, { recursive: true });
  for (const c of built) {
    execFileSync(GO, ['build', '-o', c.file, '.'], {
      cwd: join(import.meta.dirname, '..', 'fixtures', 'src', 'hello'),
      env: { ...process.env, GOOS: 'windows', GOARCH: c.arch, CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOCACHE: gocache },
    });
  }
});

function cases(): Case[] {
  const fromCorpus = corpus()
    .filter((e) => e.goos === 'windows')
    .map((e) => ({ name: e.name, file: e.file, arch: e.goarch, stripped: e.stripped, go: true }));
  expect(fromCorpus.map((c) => c.name)).toEqual(
    expect.arrayContaining(['windows-amd64', 'windows-386', 'windows-amd64-stripped', 'lefthook-windows-x64@2.0.16/lefthook']),
  );
  return [
    ...fromCorpus,
    { name: 'gcc-386-mingw-exec', file: join(GOROOT_PE, 'gcc-386-mingw-exec'), arch: '386', stripped: false, go: false },
    { name: 'gcc-386-mingw-no-symbols-exec', file: join(GOROOT_PE, 'gcc-386-mingw-no-symbols-exec'), arch: '386', stripped: true, go: false },
    { name: 'gcc-amd64-mingw-exec', file: join(GOROOT_PE, 'gcc-amd64-mingw-exec'), arch: 'amd64', stripped: false, go: false },
  ];
}

async function open(file: string): Promise<ObjectFile> {
  const opened = await openObject(new BytesSource(readFileSync(file)));
  expect(opened).toHaveLength(1);
  expect(opened[0]?.fat).toBeNull();
  return opened[0]!.obj;
}

async function compare(c: Case): Promise<void> {
  const want = truth(c.file);
  const obj = await open(c.file);
  const ctx = c.name;

  // Header facts.
  expect(obj.format, ctx).toBe('pe');
  expect(obj.arch, ctx).toBe(c.arch);
  expect(MACHINE_ARCH.get(want.machine), ctx).toBe(c.arch);
  expect(obj.bits, ctx).toBe(want.bits);
  expect(obj.endian, ctx).toBe('little');
  expect(obj.kind, ctx).toBe(want.characteristics & 0x2000 ? 'shared' : 'executable');
  expect(obj.imageBase, ctx).toBe(want.imageBase);
  expect(obj.entry, ctx).toBe(want.entry);
  expect(obj.damage.map(damageText), ctx).toEqual([]);

  // Sections, against debug/pe (sizes as stored) and objdump (file bytes, VMA, offset).
  expect(
    obj.sections.map((s) => ({ name: s.name, addr: s.addr, size: s.size, offset: s.offset })),
    ctx,
  ).toEqual(want.sections.map((s) => ({ name: s.name, addr: s.addr, size: s.virtualSize || s.rawSize, offset: s.offset })));
  // Debian's binutils reads x86 PE only (pei-i386, pei-x86-64).
  const withObjdump = c.arch === '386' || c.arch === 'amd64';
  if (withObjdump) {
    const od = objdumpSections(c.file);
    expect(od.length, ctx).toBe(obj.sections.length);
    obj.sections.forEach((s, i) => {
      const o = od[i]!;
      expect({ name: s.name, vma: s.addr, offset: s.offset }, ctx).toEqual({ name: o.name, vma: o.vma, offset: o.offset });
      // binutils inflates .zdebug_* sections and reports that size; every other size is the file bytes.
      if (!s.name.startsWith('.zdebug_') && s.fileSize > 0) expect(s.fileSize, `${ctx} ${s.name}`).toBe(o.size);
    });
  }
  obj.sections.forEach((s, i) => {
    const w = want.sections[i]!;
    const fileSize = w.characteristics & 0x80 || w.offset === 0 ? 0 : w.virtualSize ? Math.min(w.virtualSize, w.rawSize) : w.rawSize;
    expect(s.fileSize, `${ctx} ${s.name}`).toBe(fileSize);
  });
  expect(obj.hasDWARF, ctx).toBe(want.sections.some((s) => /^\.z?debug_/.test(s.name)));
  expect(obj.hasDWARF, ctx).toBe(!c.stripped);

  // One load segment per section with file bytes, so every such section's bytes are reachable by address.
  for (const s of obj.sections) {
    if (s.fileSize === 0 || s.addr === obj.imageBase) continue;
    expect(obj.vaToOffset(s.addr), `${ctx} ${s.name}`).toBe(s.offset);
    expect(obj.vaToOffset(s.addr + s.fileSize - 1), `${ctx} ${s.name}`).toBe(s.offset + s.fileSize - 1);
    // Past the file bytes (.data's zero-filled tail: Go puts .bss there) there is nothing to read.
    if (s.size > s.fileSize) expect(obj.vaToOffset(s.addr + s.fileSize), `${ctx} ${s.name}`).toBeNull();
  }
  expect(obj.segments.every((g) => g.type === 'load' && g.fileSize > 0)).toBe(true);
  expect(obj.segments.filter((g) => g.x).map((g) => g.vaddr)).toEqual(obj.sections.filter((s) => s.flags.exec && s.fileSize > 0).map((s) => s.addr));

  // Symbols: the whole defined table in order, as debug/pe reads it; name → address as objdump reads it.
  const syms = await obj.symbols();
  expect(
    syms.map((s) => ({ name: s.name, value: s.value, section: s.section })),
    ctx,
  ).toEqual(want.symbols);
  expect(await obj.hasSymbols(), ctx).toBe(!c.stripped);
  if (withObjdump) {
    const odSyms = objdumpSymbols(c.file).filter((s) => s.sec > 0 || s.sec === -1);
    expect(odSyms.length, ctx).toBe(syms.length);
    odSyms.forEach((o, i) => {
      const addr = o.sec === -1 ? o.value : obj.sections[o.sec - 1]!.addr + o.value;
      expect({ name: syms[i]!.name, value: syms[i]!.value }, ctx).toEqual({ name: o.name, value: addr });
    });
  }
  for (const s of syms) {
    const ch = s.section >= 0 ? want.sections[s.section]!.characteristics : 0;
    const kind = ch & 0x20000020 ? 'func' : ch & 0xc0 ? 'object' : 'other';
    expect(s.kind, `${ctx} ${s.name}`).toBe(kind);
  }

  // Imports: the DLL names in descriptor order.
  const l = await obj.linkage();
  expect(l.needed, ctx).toEqual(want.imports);
  // binutils finds the section holding the import directory by the sections' sizes, and it takes the
  // inflated size of .zdebug_* sections: in Go's layout the last one then seems to cover .idata.
  if (withObjdump && !obj.sections.some((s) => s.name.startsWith('.zdebug_'))) {
    const odDlls = [...run('objdump', ['-p', c.file]).matchAll(/^\tDLL Name: (.*)$/gm)].map((m) => m[1]);
    expect(l.needed, ctx).toEqual(odDlls);
  }
  expect(l, ctx).toEqual({ static: l.needed.length === 0, interpreter: null, needed: l.needed, rpath: [], runpath: [], versionNeeds: [] });
  if (c.go) expect(l.needed, ctx).toEqual(['kernel32.dll']);

  // readPointer: Go's firstmoduledata starts with a pointer to the pclntab header.
  if (c.go && !c.stripped) {
    const md = (await obj.lookupSymbols(['runtime.firstmoduledata', 'runtime.pclntab'])) as Map<string, { value: number }>;
    expect(await obj.readPointer(md.get('runtime.firstmoduledata')!.value), ctx).toBe(md.get('runtime.pclntab')!.value);
  }
}

describe('PE reader against debug/pe and objdump', () => {
  for (const c of [...cases(), ...built]) it(c.name, () => compare(c));

  it('windows-386 is PE32 and windows-amd64 PE32+, with Go symbols at the addresses objdump gives', async () => {
    const byName = new Map(cases().map((c) => [c.name, c]));
    const w386 = await open(byName.get('windows-386')!.file);
    const w64 = await open(byName.get('windows-amd64')!.file);
    expect([w386.bits, w386.imageBase, w64.bits, w64.imageBase]).toEqual([32, 0x400000, 64, 0x400000]);
    for (const [obj, file] of [
      [w386, byName.get('windows-386')!.file],
      [w64, byName.get('windows-amd64')!.file],
    ] as const) {
      const main = (await obj.lookupSymbols(['main.main'])).get('main.main')!;
      expect(main.kind).toBe('func');
      expect(obj.sections[main.section]?.name).toBe('.text');
      const text = objdumpSections(file).find((s) => s.name === '.text')!;
      const o = objdumpSymbols(file).find((s) => s.name === 'main.main')!;
      expect(main.value).toBe(text.vma + o.value);
    }
  });

  it('the long section names Go and gcc store in the string table (/4, /19, …) are resolved', async () => {
    const raw = (file: string) => {
      const b = readFileSync(file);
      const pe = b.readUInt32LE(0x3c);
      const shOff = pe + 24 + b.readUInt16LE(pe + 20);
      return Array.from({ length: b.readUInt16LE(pe + 6) }, (_, i) =>
        b
          .subarray(shOff + i * 40, shOff + i * 40 + 8)
          .toString('latin1')
          .replace(/\0.*$/, ''),
      );
    };
    for (const file of [cases().find((c) => c.name === 'windows-amd64')!.file, join(GOROOT_PE, 'gcc-amd64-mingw-exec')]) {
      const names = raw(file);
      expect(names.some((n) => /^\/\d+$/.test(n))).toBe(true);
      const obj = await open(file);
      names.forEach((n, i) => {
        if (/^\/\d+$/.test(n)) expect(obj.sections[i]?.name).toMatch(/^\.z?debug_/);
        else expect(obj.sections[i]?.name).toBe(n);
      });
    }
  });

  it('a stripped (-s -w) Go binary and the npm binaries have no symbols and no DWARF', async () => {
    for (const c of cases().filter((x) => x.stripped)) {
      const obj = await open(c.file);
      expect(await obj.symbols(), c.name).toEqual([]);
      expect(await obj.hasSymbols(), c.name).toBe(false);
      expect(obj.hasDWARF, c.name).toBe(false);
    }
  });

  it('reads only headers when opening; the symbol table only when asked', async () => {
    const file = cases().find((c) => c.name === 'windows-amd64')!.file;
    const fs = new FileSource(file);
    const src = new CountingSource(fs);
    const obj = await openPE(src);
    const want = truth(file);
    const b = readFileSync(file);
    const symOff = b.readUInt32LE(b.readUInt32LE(0x3c) + 12);
    // DOS header, PE header, optional header, section table and the few long section names.
    expect(src.bytes).toBeLessThan(8192);
    expect(src.reads.every(([o, l]) => o + l <= 4096 || o >= symOff)).toBe(true);
    const beforeSymbols = src.reads.length;
    await obj.linkage();
    expect(src.reads.slice(beforeSymbols).every(([o]) => o < symOff)).toBe(true);
    const syms = await obj.symbols();
    expect(syms.length).toBe(want.symbols.length);
    expect(src.reads.slice(beforeSymbols).some(([o]) => o === symOff)).toBe(true);
    fs.close();
  });
});

describe('hostile PE input', () => {
  const file = () => cases().find((c) => c.name === 'windows-amd64')!.file;

  it('every truncation of the headers is a FormatError naming a PE structure and its offset', async () => {
    const b = readFileSync(file());
    const pe = b.readUInt32LE(0x3c);
    const headersEnd = pe + 24 + b.readUInt16LE(pe + 20) + b.readUInt16LE(pe + 6) * 40;
    for (let n = 0; n < headersEnd; n++) {
      const err = await openPE(new BytesSource(b.subarray(0, n))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `cut at ${n}`).toBeInstanceOf(FormatError);
      expect((err as FormatError).message, `cut at ${n}`).toMatch(/in (DOS header|PE header|PE optional header|PE section table) at offset 0x[0-9a-f]+$/);
    }
    await expect(openPE(new BytesSource(b.subarray(0, 300)))).rejects.toThrow(
      /^truncated: needs 240 bytes, file has 148 in PE optional header at offset 0x98$/,
    );
    await expect(openPE(new BytesSource(b.subarray(0, 500)))).rejects.toThrow(/^truncated: needs \d+ bytes, file has 108 in PE section table at offset 0x188$/);
  });

  it('a file cut inside the sections opens with a warning; reading past the cut is a FormatError', async () => {
    const b = readFileSync(file());
    const symOff = b.readUInt32LE(b.readUInt32LE(0x3c) + 12);
    const obj = await openPE(new BytesSource(b.subarray(0, symOff - 100)));
    expect(obj.damage.map(damageText).join('\n')).toMatch(/^truncated: file ends at offset 0x[0-9a-f]+ but section \.symtab extend/m);
    await expect(obj.symbols()).rejects.toThrow(FormatError);
    await expect(obj.symbols()).rejects.toThrow(/PE COFF symbol table/);
  });

  it('lying counts and offsets are FormatErrors, never allocations or hangs', async () => {
    const b = readFileSync(file());
    const pe = b.readUInt32LE(0x3c);
    const patched = (f: (x: Buffer) => void) => {
      const x = Buffer.from(b);
      f(x);
      return new BytesSource(x);
    };
    await expect(openPE(patched((x) => x.writeUInt32LE(0x7ffffff0, 0x3c)))).rejects.toThrow(/in PE header at offset 0x7ffffff0/);
    await expect(openPE(patched((x) => x.writeUInt32LE(0x00004551, pe)))).rejects.toThrow(/missing PE signature/);
    await expect(openPE(patched((x) => x.writeUInt16LE(0xffff, pe + 6)))).rejects.toThrow(/truncated.* in PE section table/);
    await expect(openPE(patched((x) => x.writeUInt16LE(0xffff, pe + 20)))).rejects.toThrow(
      /16 data directories do not fill the 65423 bytes after the fixed fields in PE optional header at offset 0x104/,
    );
    await expect(openPE(patched((x) => x.writeUInt32LE(17, pe + 24 + 108)))).rejects.toThrow(/17 data directories do not fill the 128 bytes/);
    await expect(openPE(patched((x) => x.writeUInt16LE(0x10c, pe + 24)))).rejects.toThrow(/bad magic 0x10c in PE optional header/);
    await expect(openPE(patched((x) => x.writeUInt32LE(0xffffffff, pe + 16)))).rejects.toThrow(/implausible symbol count/);
    // A symbol table that starts past the end of the file.
    const far = await openPE(patched((x) => x.writeUInt32LE(b.length + 10, pe + 12)));
    await expect(far.symbols()).rejects.toThrow(/in PE COFF symbol table/);
    // A symbol with a long name past the string table.
    const symOff = b.readUInt32LE(pe + 12);
    const longName = await openPE(
      patched((x) => {
        x.writeUInt32LE(0, symOff);
        x.writeUInt32LE(0x7fffffff, symOff + 4);
      }),
    );
    await expect(longName.symbols()).rejects.toThrow(/name offset 2147483647 outside the string table/);
    // An import directory whose RVA has no file bytes, and one whose DLL name RVA has none.
    const dirOff = pe + 24 + 112 + 8;
    const badDir = await openPE(patched((x) => x.writeUInt32LE(0x7ff00000, dirOff)));
    await expect(badDir.linkage()).rejects.toThrow(/RVA 0x7ff00000 has no file bytes in any section in PE import directory/);
    const good = await openPE(new BytesSource(b));
    const idata = good.vaToOffset(good.imageBase + b.readUInt32LE(dirOff))!;
    const badName = await openPE(patched((x) => x.writeUInt32LE(0x7ff00000, idata + 12)));
    await expect(badName.linkage()).rejects.toThrow(/DLL name RVA 0x7ff00000/);
  });

  it('random byte damage in the headers, symbols and imports ends in a FormatError or a result', async () => {
    const b = readFileSync(file());
    const pe = b.readUInt32LE(0x3c);
    const symOff = b.readUInt32LE(pe + 12);
    const good = await openPE(new BytesSource(b));
    const idata = good.sections.find((s) => s.name === '.idata')!;
    const regions: [number, number][] = [
      [0, pe + 24 + 240 + 13 * 40],
      [symOff, 2000],
      [idata.offset, idata.fileSize],
    ];
    const outcomes = { ok: 0, error: 0 };
    for (const x of randomDamage(b, regions, 600, 12345)) {
      outcomes[await expectOnlyOwnErrors(new BytesSource(x))]++;
    }
    expect(outcomes.ok + outcomes.error).toBe(600);
    expect(outcomes.error).toBeGreaterThan(0);
  });

  it('the headers-only kernel image in Go debug/pe testdata opens like debug/pe reads it, with a truncation warning', async () => {
    const file = join(GOROOT_PE, 'vmlinuz-4.15.0-47-generic');
    const want = truth(file);
    const obj = await open(file);
    expect([obj.arch, obj.bits, obj.kind]).toEqual(['amd64', 64, 'executable']);
    expect(obj.sections.map((s) => ({ name: s.name, addr: s.addr, offset: s.offset }))).toEqual(
      want.sections.map((s) => ({ name: s.name, addr: s.addr, offset: s.offset })),
    );
    expect(obj.damage.map(damageText)).toEqual([
      `truncated: file ends at offset 0x1da but sections .setup, .reloc, .text extend to 0x7c0790 (8128400 bytes needed)`,
    ]);
    expect(obj.sections.map((s) => s.fileSize)).toEqual([0, 0, 0, 0]);
    expect(obj.segments).toEqual([]);
    expect(await obj.readPointer(obj.entry)).toBeNull();
    expect(await obj.symbols()).toEqual([]);
  });
});
