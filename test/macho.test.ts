import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { damageText, FormatError, UnsupportedError } from '../src/core/errors.js';
import { type ByteSource, BytesSource } from '../src/core/io/source.js';
import { openFat, openMachO } from '../src/core/object/macho.js';
import { openObject } from '../src/core/object/open.js';
import type { ObjectFile } from '../src/core/object/types.js';
import { FileSource } from '../src/node/files/source.js';
import { CORPUS, corpus, GO, run } from './helpers/corpus.js';
import { randomDamage } from './helpers/damage.js';

/**
 * The Mach-O reader against Go's debug/macho (through test/tools/pemacho) and `go tool nm`, on real
 * files: the corpus's darwin fixtures and npm binaries, a Go 1.19 darwin/amd64 PIE built here, and
 * the Apple-toolchain executables and objects that ship with Go's own debug/macho tests (gcc and
 * clang output: 32-bit, LC_UNIXTHREAD and LC_MAIN, rpath, a universal binary made by lipo).
 * Universal binaries are also assembled here from the corpus's two darwin slices.
 */

const tmp = mkdtempSync(join(tmpdir(), 'goready-macho-'));
const truthTool = join(tmp, 'pemacho');
const goEnv = { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' };

// Go keeps its Mach-O test binaries base64-encoded; decode them once.
const GOROOT_MACHO = '/usr/lib/go-1.19/src/debug/macho/testdata';
const apple = (name: string) => {
  const file = join(tmp, name);
  writeFileSync(file, Buffer.from(readFileSync(join(GOROOT_MACHO, `${name}.base64`), 'utf8'), 'base64'));
  return file;
};

interface MachoTruth {
  format: 'macho';
  cpu: number;
  bits: 32 | 64;
  bigEndian: boolean;
  type: number;
  flags: number;
  sections: { name: string; segment: string; addr: number; size: number; offset: number; flags: number }[];
  segments: { name: string; addr: number; memSize: number; offset: number; fileSize: number; prot: number }[];
  symbols: { name: string; value: number; section: number }[];
  dylibs: string[];
  rpaths: string[];
  dylinker: string | null;
}

interface FatTruth {
  format: 'fat';
  arches: { cpu: number; offset: number; size: number; file: MachoTruth }[];
}

function truth<T = MachoTruth>(file: string): T {
  return JSON.parse(execFileSync(truthTool, [file], { encoding: 'utf8', maxBuffer: 1 << 28 })) as T;
}

const CPU_ARCH = new Map([
  [7, '386'],
  [0x01000007, 'amd64'],
  [12, 'arm'],
  [0x0100000c, 'arm64'],
]);

interface Case {
  name: string;
  file: string;
  arch: string;
  /** The symbol at the entry point (LC_MAIN or LC_UNIXTHREAD), or null for files without one. */
  entrySym: string | null;
  go: boolean;
}

function cases(): Case[] {
  const fromCorpus = corpus()
    .filter((e) => e.goos === 'darwin')
    .map((e) => ({ name: e.name, file: e.file, arch: e.goarch, entrySym: e.stripped ? null : `_rt0_${e.goarch}_darwin`, go: true }));
  expect(fromCorpus.map((c) => c.name)).toEqual(expect.arrayContaining(['darwin-amd64', 'darwin-arm64', 'darwin-arm64-stripped']));
  return [
    ...fromCorpus,
    { name: 'gcc-386-darwin-exec', file: apple('gcc-386-darwin-exec'), arch: '386', entrySym: 'start', go: false },
    { name: 'gcc-amd64-darwin-exec', file: apple('gcc-amd64-darwin-exec'), arch: 'amd64', entrySym: 'start', go: false },
    { name: 'clang-386-darwin-exec-with-rpath', file: apple('clang-386-darwin-exec-with-rpath'), arch: '386', entrySym: 'main', go: false },
    { name: 'clang-amd64-darwin-exec-with-rpath', file: apple('clang-amd64-darwin-exec-with-rpath'), arch: 'amd64', entrySym: 'main', go: false },
    { name: 'clang-386-darwin.obj', file: apple('clang-386-darwin.obj'), arch: '386', entrySym: null, go: false },
    { name: 'clang-amd64-darwin.obj', file: apple('clang-amd64-darwin.obj'), arch: 'amd64', entrySym: null, go: false },
    { name: 'gcc-amd64-darwin-exec-debug (dSYM)', file: apple('gcc-amd64-darwin-exec-debug'), arch: 'amd64', entrySym: null, go: false },
  ];
}

const pie: Case = {
  name: 'go1.19 darwin-amd64 -buildmode=pie (built here)',
  file: join(tmp, 'hello-darwin-amd64-pie'),
  arch: 'amd64',
  entrySym: '_rt0_amd64_darwin',
  go: true,
};

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(() => {
  execFileSync(GO, ['build', '-o', truthTool, join(import.meta.dirname, 'tools', 'pemacho', 'main.go')], { env: goEnv });
  const gocache = join(CORPUS, '.cache', 'gocache');
  mkdirSync(gocache, { recursive: true });
  execFileSync(GO, ['build', '-buildmode=pie', '-o', pie.file, '.'], {
    cwd: join(import.meta.dirname, '..', 'fixtures', 'src', 'hello'),
    env: { ...process.env, GOOS: 'darwin', GOARCH: 'amd64', CGO_ENABLED: '0', GOFLAGS: '-mod=mod', GOPROXY: 'off', GOTOOLCHAIN: 'local', GOCACHE: gocache },
  });
});

function expectedKind(t: MachoTruth): string {
  if (t.type === 2) return t.flags & 0x200000 ? 'pie' : 'executable';
  if (t.type === 6 || t.type === 8) return 'shared';
  return t.type === 1 ? 'object' : 'other';
}

/** Compares one opened Mach-O with what debug/macho read from the same bytes. */
async function compare(obj: ObjectFile, want: MachoTruth, c: Case): Promise<void> {
  const ctx = c.name;
  expect(obj.format, ctx).toBe('macho');
  expect(obj.arch, ctx).toBe(c.arch);
  expect(CPU_ARCH.get(want.cpu), ctx).toBe(c.arch);
  expect(obj.bits, ctx).toBe(want.bits);
  expect(obj.endian, ctx).toBe(want.bigEndian ? 'big' : 'little');
  expect(obj.kind, ctx).toBe(expectedKind(want));
  expect(obj.imageBase, ctx).toBe(0);
  expect(obj.damage.map(damageText), ctx).toEqual([]);

  expect(
    obj.sections.map((s) => ({ name: s.name, segment: s.segment, addr: s.addr, size: s.size, offset: s.offset })),
    ctx,
  ).toEqual(want.sections.map((s) => ({ name: s.name, segment: s.segment, addr: s.addr, size: s.size, offset: s.offset })));
  obj.sections.forEach((s, i) => {
    const type = want.sections[i]!.flags & 0xff;
    const zerofill = type === 0x1 || type === 0xc || type === 0x12;
    expect(s.fileSize, `${ctx} ${s.segment},${s.name}`).toBe(zerofill || s.offset === 0 ? 0 : s.size);
    expect(s.flags.exec, `${ctx} ${s.name}`).toBe((want.sections[i]!.flags & 0x80000400) !== 0);
  });
  expect(
    obj.segments.map((g) => ({
      type: g.type,
      name: g.name,
      vaddr: g.vaddr,
      memSize: g.memSize,
      offset: g.offset,
      fileSize: g.fileSize,
      r: g.r,
      w: g.w,
      x: g.x,
    })),
    ctx,
  ).toEqual(
    want.segments.map((g) => ({
      type: 'load',
      name: g.name,
      vaddr: g.addr,
      memSize: g.memSize,
      offset: g.offset,
      fileSize: g.fileSize,
      r: (g.prot & 1) !== 0,
      w: (g.prot & 2) !== 0,
      x: (g.prot & 4) !== 0,
    })),
  );
  expect(obj.hasDWARF, ctx).toBe(want.sections.some((s) => s.segment === '__DWARF'));

  // Every mapped section's bytes are reachable by address (not __DWARF: it has file bytes but no memory).
  for (const s of obj.sections) {
    const seg = obj.segments.find((g) => g.name === s.segment);
    if (s.fileSize === 0 || !seg || seg.memSize === 0 || want.type === 1) continue;
    expect(obj.vaToOffset(s.addr), `${ctx} ${s.name}`).toBe(s.offset);
    expect(obj.vaToOffset(s.addr + s.fileSize - 1), `${ctx} ${s.name}`).toBe(s.offset + s.fileSize - 1);
  }
  const linkedit = obj.segments.find((g) => g.name === '__LINKEDIT');
  if (linkedit) expect(obj.vaToOffset(linkedit.vaddr), ctx).toBe(linkedit.offset);
  const pagezero = obj.segments.find((g) => g.name === '__PAGEZERO');
  if (pagezero) {
    expect(pagezero.fileSize, ctx).toBe(0);
    expect(obj.vaToOffset(0), ctx).toBeNull();
  }

  const syms = await obj.symbols();
  expect(
    syms.map((s) => ({ name: s.name, value: s.value, section: s.section })),
    ctx,
  ).toEqual(want.symbols);
  for (const s of syms) if (s.section >= 0) expect(s.kind, `${ctx} ${s.name}`).toBe(obj.sections[s.section]!.flags.exec ? 'func' : 'object');
  expect(await obj.hasSymbols(), ctx).toBe(want.symbols.length > 0);

  const l = await obj.linkage();
  expect(l, ctx).toEqual({
    static: want.dylibs.length === 0 && want.dylinker === null,
    interpreter: want.dylinker,
    needed: want.dylibs,
    rpath: want.rpaths,
    runpath: [],
    versionNeeds: [],
  });

  const entry = c.entrySym === null ? undefined : syms.find((s) => s.name === c.entrySym);
  if (c.entrySym !== null && entry) expect(obj.entry, ctx).toBe(entry.value);
  if (c.entrySym === null && want.type !== 2) expect(obj.entry, ctx).toBe(0);

  if (c.go) {
    expect(l.interpreter, ctx).toBe('/usr/lib/dyld');
    expect(l.needed, ctx).toContain('/usr/lib/libSystem.B.dylib');
    expect(l.static, ctx).toBe(false);
    // readPointer: Go's firstmoduledata starts with a pointer to the pclntab header.
    const md = await obj.lookupSymbols(['runtime.firstmoduledata', 'runtime.pclntab']);
    if (md.size === 2) expect(await obj.readPointer(md.get('runtime.firstmoduledata')!.value), ctx).toBe(md.get('runtime.pclntab')!.value);
  }
}

async function openOne(file: string): Promise<ObjectFile> {
  const opened = await openObject(new BytesSource(readFileSync(file)));
  expect(opened).toHaveLength(1);
  return opened[0]!.obj;
}

describe('Mach-O reader against debug/macho', () => {
  for (const c of [...cases(), pie]) {
    it(c.name, async () => {
      await compare(await openOne(c.file), truth(c.file), c);
    });
  }

  it('the Go fixtures: kinds, entry points, and every defined symbol at the address go tool nm gives', async () => {
    const byName = new Map([...cases(), pie].map((c) => [c.name, c]));
    const kinds: string[] = [];
    for (const n of ['darwin-amd64', 'darwin-arm64', pie.name]) {
      const c = byName.get(n)!;
      const obj = await openOne(c.file);
      kinds.push(obj.kind);
      const syms = new Map((await obj.symbols()).map((s) => [s.name, s.value]));
      // Go 1.19 prefixes every name with '_'; go tool nm shows debug/macho's names, which drop it only from dotted names.
      // Lines are "ADDR CODE NAME"; names may hold spaces (type..eq.struct { … }).
      const nm = [...run(GO, ['tool', 'nm', c.file]).matchAll(/^\s*([0-9a-f]+) ([A-Za-z]) (.*)$/gm)].filter((m) => m[2] !== 'U');
      expect(nm.length, n).toBeGreaterThan(1000);
      for (const [, addr, , raw] of nm) {
        const name = raw!.includes('.') ? raw! : raw!.replace(/^_/, '');
        expect(syms.get(name), `${n} ${name}`).toBe(Number.parseInt(addr!, 16));
      }
      expect(obj.entry, n).toBe(syms.get(`_rt0_${c.arch}_darwin`));
      expect(syms.has('runtime.main') && syms.has('main.main'), n).toBe(true);
    }
    // Go 1.19 links darwin/amd64 as a fixed-address executable by default, darwin/arm64 as PIE.
    expect(kinds).toEqual(['executable', 'pie', 'pie']);
  });

  it('LC_UNIXTHREAD (gcc, Go on amd64) and LC_MAIN (clang, Go on arm64) entry points', async () => {
    const entries: Record<string, number> = {};
    for (const c of cases().filter((x) => x.entrySym !== null && !x.go)) {
      const obj = await openOne(c.file);
      const sym = (await obj.symbols()).find((s) => s.name === c.entrySym)!;
      expect(obj.entry, c.name).toBe(sym.value);
      entries[c.name] = obj.entry;
    }
    expect(Object.keys(entries)).toHaveLength(4);
  });

  it('a dSYM companion (MH_DSYM) and object files open with their kinds', async () => {
    const kinds = await Promise.all(
      cases()
        .filter((c) => /obj|dSYM/.test(c.name))
        .map(async (c) => (await openOne(c.file)).kind),
    );
    expect(kinds).toEqual(['object', 'object', 'other']);
  });

  it('a file whose dynamic symbol table command lies still opens (debug/macho refuses it)', async () => {
    const bad = await openOne(apple('gcc-amd64-darwin-exec-with-bad-dysym'));
    const good = await openOne(apple('gcc-amd64-darwin-exec'));
    expect(bad.sections).toEqual(good.sections);
    expect(await bad.symbols()).toEqual(await good.symbols());
  });

  it('reads only the header and load commands when opening; the symbol table only when asked', async () => {
    const file = cases().find((c) => c.name === 'darwin-arm64')!.file;
    const fs = new FileSource(file);
    const reads: [number, number][] = [];
    const src: ByteSource = {
      size: fs.size,
      read: (o, l) => {
        reads.push([o, l]);
        return fs.read(o, l);
      },
    };
    const obj = await openMachO(src);
    const b = readFileSync(file);
    const sizeofcmds = b.readUInt32LE(20);
    expect(reads.every(([o, l]) => o + l <= 32 + sizeofcmds)).toBe(true);
    const n = reads.length;
    await obj.linkage();
    expect(reads.length).toBe(n);
    await obj.symbols();
    expect(reads.length).toBe(n + 2);
    fs.close();
  });
});

/** A universal binary of the given thin files: big-endian fat header, slices aligned to 2^14. */
function universal(files: string[], is64: boolean): Buffer {
  const align = 1 << 14;
  const slices = files.map((f) => readFileSync(f));
  let off = align;
  const placed = slices.map((b) => {
    const at = off;
    off = Math.ceil((at + b.length) / align) * align;
    return at;
  });
  const last = slices.length - 1;
  const fat = Buffer.alloc(placed[last]! + slices[last]!.length);
  fat.writeUInt32BE(is64 ? 0xcafebabf : 0xcafebabe, 0);
  fat.writeUInt32BE(slices.length, 4);
  slices.forEach((b, i) => {
    // fat_arch {cputype, cpusubtype, offset, size, align}; fat_arch_64 widens offset and size and adds a reserved word.
    const p = 8 + i * (is64 ? 32 : 20);
    fat.writeUInt32BE(b.readUInt32LE(4), p);
    fat.writeUInt32BE(b.readUInt32LE(8) & 0x00ffffff, p + 4);
    if (is64) {
      fat.writeBigUInt64BE(BigInt(placed[i]!), p + 8);
      fat.writeBigUInt64BE(BigInt(b.length), p + 16);
      fat.writeUInt32BE(14, p + 24);
    } else {
      fat.writeUInt32BE(placed[i]!, p + 8);
      fat.writeUInt32BE(b.length, p + 12);
      fat.writeUInt32BE(14, p + 16);
    }
    b.copy(fat, placed[i]!);
  });
  return fat;
}

describe('universal (fat) Mach-O', () => {
  const thin = () => {
    const byName = new Map(cases().map((c) => [c.name, c]));
    return [byName.get('darwin-amd64')!, byName.get('darwin-arm64')!];
  };

  for (const is64 of [false, true]) {
    it(`reads both slices of a ${is64 ? 'CAFEBABF (64-bit)' : 'CAFEBABE'} universal binary of darwin-amd64 and darwin-arm64`, async () => {
      const parts = thin();
      const fat = universal(
        parts.map((c) => c.file),
        is64,
      );
      const file = join(tmp, `universal${is64 ? '64' : ''}`);
      writeFileSync(file, fat);
      const src = new FileSource(file);
      const opened = await openObject(src);
      expect(opened.map((o) => o.fat)).toEqual([
        { index: 0, count: 2, offset: 1 << 14 },
        { index: 1, count: 2, offset: Math.ceil(((1 << 14) + readFileSync(parts[0]!.file).length) / (1 << 14)) * (1 << 14) },
      ]);
      for (const [i, c] of parts.entries()) {
        const slice = opened[i]!.obj;
        // A slice reads exactly like the thin file it was made from (offsets are slice-relative).
        await compare(slice, truth(c.file), c);
        const alone = await openOne(c.file);
        expect(await slice.symbols()).toEqual(await alone.symbols());
        expect(slice.entry).toBe(alone.entry);
      }
      if (!is64) {
        // debug/macho reads CAFEBABE (not CAFEBABF in Go 1.19): compare with its slice table too.
        const t = truth<FatTruth>(file);
        expect(t.arches.map((a) => ({ arch: CPU_ARCH.get(a.cpu), offset: a.offset }))).toEqual(
          opened.map((o) => ({ arch: o.obj.arch, offset: o.fat!.offset })),
        );
        for (const [i, a] of t.arches.entries()) await compare(opened[i]!.obj, a.file, parts[i]!);
      }
      src.close();
    });
  }

  it('reads the universal i386/x86_64 binary made by Apple lipo (Go debug/macho testdata)', async () => {
    const file = apple('fat-gcc-386-amd64-darwin-exec');
    const opened = await openFat(new BytesSource(readFileSync(file)));
    const t = truth<FatTruth>(file);
    expect(opened.map((o) => [o.obj.arch, o.fat?.offset])).toEqual([
      ['386', t.arches[0]!.offset],
      ['amd64', t.arches[1]!.offset],
    ]);
    for (const [i, a] of t.arches.entries())
      await compare(opened[i]!.obj, a.file, { name: `fat slice ${i}`, file, arch: opened[i]!.obj.arch, entrySym: 'start', go: false });
  });

  it('a Java class file (same CAFEBABE magic, version where the slice count would be) is not an executable', async () => {
    // The first 10 bytes of a Java 8 class file: magic, minor 0, major 52, constant pool count.
    const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34, 0x00, 0x1d]);
    await expect(openObject(new BytesSource(cls))).rejects.toThrow(UnsupportedError);
    await expect(openObject(new BytesSource(cls))).rejects.toThrow(/implausible slice count 52/);
    const none = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0]);
    await expect(openFat(new BytesSource(none))).rejects.toThrow(UnsupportedError);
  });

  it('damaged universal headers are FormatErrors at file offsets', async () => {
    const fat = universal(
      thin().map((c) => c.file),
      false,
    );
    const slice1 = fat.readUInt32BE(8 + 20 + 8);
    const patched = (f: (x: Buffer) => void) => {
      const x = Buffer.from(fat);
      f(x);
      return new BytesSource(x);
    };
    await expect(openFat(patched((x) => x.writeUInt32BE(fat.length, 8 + 20 + 12)))).rejects.toThrow(
      /slice 1 .* is not inside the file.* in universal slice table at offset 0x1c/,
    );
    await expect(openFat(patched((x) => x.writeUInt32BE(4, 8 + 8)))).rejects.toThrow(/slice 0 .* is not inside the file/);
    await expect(openFat(new BytesSource(fat.subarray(0, 30)))).rejects.toThrow(/in universal slice table at offset 0x8/);
    const err = await openFat(patched((x) => x.writeUInt32BE(0x12345678, slice1))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).message).toBe(`bad magic 0x78563412 in Mach-O header (universal slice 1) at offset 0x${slice1.toString(16)}`);
  });
});

describe('hostile Mach-O input', () => {
  const file = () => cases().find((c) => c.name === 'darwin-arm64')!.file;

  it('every truncation of the header and load commands is a FormatError naming a Mach-O structure', async () => {
    const b = readFileSync(file());
    const end = 32 + b.readUInt32LE(20);
    for (let n = 0; n < end; n++) {
      const err = await openMachO(new BytesSource(b.subarray(0, n))).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `cut at ${n}`).toBeInstanceOf(FormatError);
      expect((err as FormatError).message, `cut at ${n}`).toMatch(/in Mach-O (header|load commands) at offset 0x[0-9a-f]+$/);
    }
    await expect(openObject(new BytesSource(b.subarray(0, 300)))).rejects.toThrow(
      /truncated: needs \d+ bytes, file has 268 in Mach-O load commands at offset 0x20/,
    );
  });

  it('a file cut after its load commands opens with a warning; the lost symbol table is a FormatError', async () => {
    const b = readFileSync(file());
    const obj = await openMachO(new BytesSource(b.subarray(0, 200_000)));
    expect(obj.damage.map(damageText)).toHaveLength(1);
    expect(obj.damage.map(damageText)[0]).toMatch(
      new RegExp(`^truncated: file ends at offset 0x30d40 but segment __TEXT, section __TEXT,__text, .* and \\d+ more extend to 0x${b.length.toString(16)} `),
    );
    // The entry point is still known: LC_MAIN is mapped through the segments as declared.
    expect(obj.entry).toBe((await openOne(file())).entry);
    expect(obj.sections.every((s) => s.fileSize === 0 || s.offset + s.fileSize <= 200_000)).toBe(true);
    await expect(obj.symbols()).rejects.toThrow(/in Mach-O (symbol|string) table at offset/);
  });

  it('lying counts, sizes and offsets are FormatErrors, never allocations or hangs', async () => {
    const b = readFileSync(file());
    const patched = (f: (x: Buffer) => void) => {
      const x = Buffer.from(b);
      f(x);
      return new BytesSource(x);
    };
    // Walk the real load commands to find the ones to damage.
    const at: Record<number, number> = {};
    for (let i = 0, p = 32; i < b.readUInt32LE(16); i++, p += b.readUInt32LE(p + 4)) at[b.readUInt32LE(p)] ??= p;
    const seg = at[0x19]!;
    const symtab = at[0x2]!;
    const dylib = at[0xc]!;
    await expect(openMachO(patched((x) => x.writeUInt32LE(0xffffffff, 16)))).rejects.toThrow(/implausible load command count 4294967295 in Mach-O header/);
    await expect(openMachO(patched((x) => x.writeUInt32LE(0x7fffffff, 20)))).rejects.toThrow(/truncated.* in Mach-O load commands/);
    await expect(openMachO(patched((x) => x.writeUInt32LE(0, seg + 4)))).rejects.toThrow(/bad size 0 for command 0x19 in Mach-O load command/);
    await expect(openMachO(patched((x) => x.writeUInt32LE(0x7fffffff, seg + 64)))).rejects.toThrow(
      /sections do not fit in the \d+-byte command in Mach-O LC_SEGMENT_64/,
    );
    await expect(openMachO(patched((x) => x.writeUInt32LE(0xffffffff, symtab + 12)))).rejects.toThrow(/implausible symbol count/);
    await expect(openMachO(patched((x) => x.writeUInt32LE(5000, dylib + 8)))).rejects.toThrow(
      /string offset 5000 outside the \d+-byte command in Mach-O dylib command/,
    );
    const far = await openMachO(patched((x) => x.writeUInt32LE(b.length - 8, symtab + 8)));
    expect(far.damage.map(damageText)[0]).toMatch(/symbol table extend/);
    await expect(far.symbols()).rejects.toThrow(/in Mach-O symbol table at offset/);
  });

  it('random byte damage in the header, load commands and symbol table ends in a FormatError or a result', async () => {
    const b = readFileSync(file());
    let symtab = 0;
    for (let i = 0, p = 32; i < b.readUInt32LE(16); i++, p += b.readUInt32LE(p + 4)) if (b.readUInt32LE(p) === 0x2) symtab = p;
    const regions: [number, number][] = [
      [0, 32 + b.readUInt32LE(20)],
      [b.readUInt32LE(symtab + 8), 4000],
      [b.readUInt32LE(symtab + 16), 4000],
    ];
    const outcomes = { ok: 0, error: 0 };
    for (const x of randomDamage(b, regions, 600, 987654)) {
      try {
        for (const { obj } of await openObject(new BytesSource(x))) {
          await obj.symbols();
          await obj.linkage();
          for (const s of obj.sections.slice(0, 4)) await obj.readPointer(s.addr);
        }
        outcomes.ok++;
      } catch (e) {
        if (!(e instanceof FormatError || e instanceof UnsupportedError)) throw e;
        outcomes.error++;
      }
    }
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.ok).toBeGreaterThan(0);
  });
});
