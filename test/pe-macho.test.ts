import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormatError, UnsupportedError } from '../src/errors.js';
import { inspect } from '../src/inspect.js';
import { FileSource } from '../src/io/file.js';
import { BytesSource } from '../src/io/source.js';
import { openObject } from '../src/object/open.js';
import { corpus, entry, GO } from './helpers/corpus.js';

const tmp = mkdtempSync(join(tmpdir(), 'goready-pe-macho-'));
const objinfo = join(tmp, 'objinfo');

beforeAll(() => {
  // Go's own debug/pe and debug/macho are the independent truth (test/tools/objinfo.go).
  execFileSync(GO, ['build', '-o', objinfo, join(import.meta.dirname, 'tools', 'objinfo.go')], {
    env: { ...process.env, GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOFLAGS: '' },
  });
});

interface Truth {
  sections: { name: string; addr: number; size: number; offset: number }[] | null;
  symbols: { name: string; value: number }[] | null;
  libs: string[] | null;
}

describe('PE and Mach-O readers against Go debug/pe and debug/macho', () => {
  for (const e of corpus().filter((x) => x.goos === 'windows' || x.goos === 'darwin')) {
    it(e.name, async () => {
      const want = JSON.parse(execFileSync(objinfo, [e.file], { encoding: 'utf8', maxBuffer: 1 << 28 })) as Truth;
      const src = new FileSource(e.file);
      const [opened] = await openObject(src);
      const obj = opened?.obj;
      expect(obj?.format).toBe(e.goos === 'windows' ? 'pe' : 'macho');
      expect(obj?.arch).toBe(e.goarch);
      expect(obj?.sections.map((s) => ({ name: s.name, addr: s.addr, size: s.size, offset: s.offset }))).toEqual(want.sections ?? []);
      const syms = (await obj?.symbols()) ?? [];
      expect(syms.map((s) => ({ name: s.name, value: s.value }))).toEqual(want.symbols ?? []);
      const l = await obj?.linkage();
      expect(l?.needed).toEqual(want.libs ?? []);
      src.close();
    });
  }
});

describe('universal (fat) Mach-O', () => {
  it('reads every slice of a universal binary made from the darwin fixtures', async () => {
    const a = readFileSync(entry('darwin-amd64').file);
    const b = readFileSync(entry('darwin-arm64').file);
    const align = 1 << 14;
    const offA = align;
    const offB = Math.ceil((offA + a.length) / align) * align;
    const fat = Buffer.alloc(offB + b.length);
    fat.writeUInt32BE(0xcafebabe, 0);
    fat.writeUInt32BE(2, 4);
    // fat_arch: cputype, cpusubtype, offset, size, align (log2)
    [
      [0x01000007, 3, offA, a.length],
      [0x0100000c, 0, offB, b.length],
    ].forEach(([cpu, sub, off, size], i) => {
      const p = 8 + i * 20;
      fat.writeUInt32BE(cpu as number, p);
      fat.writeUInt32BE(sub as number, p + 4);
      fat.writeUInt32BE(off as number, p + 8);
      fat.writeUInt32BE(size as number, p + 12);
      fat.writeUInt32BE(14, p + 16);
    });
    a.copy(fat, offA);
    b.copy(fat, offB);
    const file = join(tmp, 'universal');
    writeFileSync(file, fat);
    const src = new FileSource(file);
    const reports = await inspect(src, { path: file });
    src.close();
    expect(reports.map((r) => [r.file.arch, r.file.universal, r.go.version, r.pclntab?.functionCount])).toEqual([
      ['amd64', { index: 0, count: 2 }, 'go1.19.8', 1592],
      ['arm64', { index: 1, count: 2 }, 'go1.19.8', 1594],
    ]);
  });

  it('a Java class file (same CAFEBABE magic) is not an executable', async () => {
    const cls = Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x37, 0x00, 0x10]);
    await expect(openObject(new BytesSource(cls))).rejects.toThrow(UnsupportedError);
  });

  it('truncated PE and Mach-O headers give FormatErrors naming the structure', async () => {
    for (const [n, what] of [
      ['windows-amd64', /PE (section table|optional header)/],
      ['darwin-arm64', /Mach-O load commands/],
    ] as const) {
      const b = readFileSync(entry(n).file).subarray(0, 300);
      const p = openObject(new BytesSource(b));
      await expect(p).rejects.toThrow(FormatError);
      await expect(openObject(new BytesSource(b))).rejects.toThrow(what);
    }
  });
});
