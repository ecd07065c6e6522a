import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspect } from '../src/core/facts/inspect.js';
import { FileSource } from '../src/node/files/source.js';
import { entry } from './helpers/corpus.js';

const tmp = mkdtempSync(join(tmpdir(), 'goready-universal-'));

/** The format readers are compared with debug/pe and debug/macho in pe.test.ts and macho.test.ts; this is the whole pipeline on a universal binary. */
describe('inspect on a universal (fat) Mach-O', () => {
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
});
