import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../src/core/errors.js';
import { BytesSource } from '../src/core/io/source.js';
import { minGlibc } from '../src/core/linux/glibc.js';
import { openElf } from '../src/core/object/elf.js';
import { FileSource } from '../src/node/files/source.js';
import { corpus, run } from './helpers/corpus.js';

/** System ELF files nobody here built: dynamic C programs and glibc itself. */
const SYSTEM = ['/bin/ls', '/usr/bin/readelf', '/usr/lib/x86_64-linux-gnu/libc.so.6', '/usr/lib/go-1.19/bin/go'];

function elfFiles(): string[] {
  const go = corpus()
    .filter((e) => e.goos === 'linux' || e.source === 'misc')
    .map((e) => e.file)
    .filter((f) => readFileSync(f).subarray(0, 4).toString('latin1') === '\x7fELF');
  return [...SYSTEM, ...go];
}

/** readelf -W -S: name, address, offset, size of every section. */
function readelfSections(file: string): { name: string; addr: number; offset: number; size: number }[] {
  const out: { name: string; addr: number; offset: number; size: number }[] = [];
  for (const line of run('readelf', ['-W', '-S', file]).split('\n')) {
    const m = /^\s*\[\s*(\d+)\]\s+(\S*)\s+(\S+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)/.exec(line);
    if (!m || m[1] === '0') continue;
    out.push({
      name: m[2] as string,
      addr: Number.parseInt(m[4] as string, 16),
      offset: Number.parseInt(m[5] as string, 16),
      size: Number.parseInt(m[6] as string, 16),
    });
  }
  return out;
}

/** readelf -d -V --dyn-syms: NEEDED, RPATH/RUNPATH and, per required version, the symbols needing it. */
function readelfLinkage(file: string) {
  const d = run('readelf', ['-W', '-d', file]);
  const needed = [...d.matchAll(/\(NEEDED\)\s+Shared library: \[(.*)\]/g)].map((m) => m[1]);
  const rpath = [...d.matchAll(/\(RPATH\)\s+Library rpath: \[(.*)\]/g)].flatMap((m) => (m[1] as string).split(':'));
  const runpath = [...d.matchAll(/\(RUNPATH\)\s+Library runpath: \[(.*)\]/g)].flatMap((m) => (m[1] as string).split(':'));
  const v = run('readelf', ['-W', '-V', file]);
  const needs: { file: string; versions: { name: string; index: string; symbols: string[] }[] }[] = [];
  const section = v.split("Version needs section '.gnu.version_r'")[1] ?? '';
  for (const line of section.split('\n')) {
    const f = /File: (\S+)\s+Cnt:/.exec(line);
    if (f) needs.push({ file: f[1] as string, versions: [] });
    const n = /Name: (\S+)\s+Flags:.*Version: (\d+)/.exec(line);
    if (n) needs.at(-1)?.versions.push({ name: n[1] as string, index: n[2] as string, symbols: [] });
  }
  // Join on the version index: copy-relocated data (stdout@GLIBC_2.2.5) is defined locally yet needs the version.
  const byIndex = new Map<string, string[]>();
  for (const line of run('readelf', ['-W', '--dyn-syms', file]).split('\n')) {
    const m = /^\s*\d+:\s+[0-9a-f]+\s+\d+\s+\S+\s+\S+\s+\S+\s+\S+\s+([^@\s]+)@([^@\s]+)\s+\((\d+)\)\s*$/.exec(line);
    if (!m) continue;
    const list = byIndex.get(m[3] as string) ?? [];
    list.push(m[1] as string);
    byIndex.set(m[3] as string, list);
  }
  for (const n of needs) for (const ver of n.versions) ver.symbols = byIndex.get(ver.index) ?? [];
  const interp = /\[Requesting program interpreter: (.*)\]/.exec(run('readelf', ['-W', '-l', file]));
  return { needed, rpath, runpath, needs, interpreter: interp ? interp[1] : null };
}

describe('ELF reader against readelf', () => {
  for (const file of elfFiles()) {
    it(file, async () => {
      const src = new FileSource(file);
      const elf = await openElf(src);
      const ours = elf.sections.slice(1).map((s) => ({ name: s.name, addr: s.addr, offset: s.offset, size: s.size }));
      expect(ours).toEqual(readelfSections(file));
      const want = readelfLinkage(file);
      const l = await elf.linkage();
      expect(l.needed).toEqual(want.needed);
      expect(l.rpath).toEqual(want.rpath);
      expect(l.runpath).toEqual(want.runpath);
      expect(l.interpreter).toEqual(want.interpreter);
      expect(l.versionNeeds).toEqual(want.needs.map((n) => ({ file: n.file, versions: n.versions.map((v) => ({ name: v.name, symbols: v.symbols })) })));
      src.close();
    });
  }
});

describe('minimum glibc', () => {
  it('takes the highest GLIBC_ version and knows GLIBC_ABI_DT_RELR means 2.36', () => {
    expect(
      minGlibc([
        {
          file: 'libc.so.6',
          versions: [
            { name: 'GLIBC_2.2.5', symbols: [] },
            { name: 'GLIBC_2.34', symbols: [] },
            { name: 'GLIBC_2.3.2', symbols: [] },
          ],
        },
      ]),
    ).toBe('2.34');
    expect(
      minGlibc([
        {
          file: 'libc.so.6',
          versions: [
            { name: 'GLIBC_2.34', symbols: [] },
            { name: 'GLIBC_ABI_DT_RELR', symbols: [] },
          ],
        },
      ]),
    ).toBe('2.36');
    expect(minGlibc([{ file: 'libc.so.6', versions: [{ name: 'GLIBC_PRIVATE', symbols: [] }] }])).toBe(null);
    expect(minGlibc([])).toBe(null);
  });
  it('reads Debian Go 1.19 as needing glibc 2.34 (pthread_create@GLIBC_2.34)', async () => {
    const elf = await openElf(new FileSource('/usr/lib/go-1.19/bin/go'));
    const l = await elf.linkage();
    expect(minGlibc(l.versionNeeds)).toBe('2.34');
    expect(l.versionNeeds[0]?.versions.find((v) => v.name === 'GLIBC_2.34')?.symbols).toContain('pthread_create');
  });
});

describe('ELF damage', () => {
  it('rejects a truncated header with a FormatError naming the structure', async () => {
    const b = readFileSync('/bin/ls').subarray(0, 40);
    await expect(openElf(new BytesSource(b))).rejects.toThrow(FormatError);
    await expect(openElf(new BytesSource(b))).rejects.toThrow(/ELF header/);
  });
  it('rejects a section table past the end of the file', async () => {
    const b = new Uint8Array(readFileSync('/bin/ls').subarray(0, 4096));
    await expect(openElf(new BytesSource(b))).rejects.toThrow(/ELF section header table/);
  });
});
