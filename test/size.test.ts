import { describe, expect, it } from 'vitest';
import type { SizeReport } from '../src/core/analyses/size/model.js';
import { size } from '../src/core/analyses/size/size.js';
import { FileSource } from '../src/node/files/source.js';
import { corpus, entry, GO, run } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

async function sizeOf(file: string): Promise<SizeReport> {
  const src = new FileSource(file);
  try {
    return await size(src, { path: file });
  } finally {
    src.close();
  }
}

/** Sum of `go tool nm -size` text symbol sizes per package (Go's package rule on nm's names). */
async function nmCodeByPackage(file: string): Promise<Map<string, { bytes: number; count: number }>> {
  const { packageOf } = await import('../src/core/go/pkgname.js');
  const out = new Map<string, { bytes: number; count: number }>();
  for (const line of run(GO, ['tool', 'nm', '-size', file]).split('\n')) {
    const m = /^\s*[0-9a-f]+\s+(\d+)\s+[Tt]\s+(.+)$/.exec(line);
    if (!m) continue;
    const pkg = packageOf(m[2] as string) || '<compiler>';
    const e = out.get(pkg) ?? { bytes: 0, count: 0 };
    e.bytes += Number(m[1]);
    e.count++;
    out.set(pkg, e);
  }
  return out;
}

describe('goready size: every byte in exactly one bucket', () => {
  for (const e of corpus().filter((x) => x.isGo && x.source !== 'misc')) {
    it(`${e.name}: attributed bytes = file size; packages, modules and sections each add up`, async () => {
      const r = await sizeOf(e.file);
      expect(r.attributedBytes).toBe(r.fileSize);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(r.packages.map((p) => p.codeBytes + p.dataBytes))).toBe(r.fileSize);
      expect(sum(r.modules.map((m) => m.bytes))).toBe(r.fileSize);
      expect(sum(r.sections.map((s) => s.fileBytes))).toBe(r.fileSize);
      expect(r.packages.find((p) => p.name === 'runtime')?.codeBytes).toBeGreaterThan(50_000);
    });
  }
});

describe('goready size against go tool nm and readelf', () => {
  for (const name of ['linux-amd64', 'linux-amd64-deps', 'linux-amd64-cgo', 'linux-arm64', 'linux-386', 'linux-s390x', 'cmd-go']) {
    it(`${name}: per-package code equals nm's sums plus alignment padding (< 64 bytes a function)`, async () => {
      const e = entry(name);
      const r = await sizeOf(e.file);
      const nm = await nmCodeByPackage(e.file);
      for (const p of r.packages.filter((x) => !x.name.startsWith('<') && x.codeBytes > 0)) {
        const want = nm.get(p.name);
        expect(want, p.name).toBeDefined();
        expect(p.codeBytes, p.name).toBeGreaterThanOrEqual(want?.bytes ?? 0);
        expect(p.codeBytes - (want?.bytes ?? 0), p.name).toBeLessThan(64 * (want?.count ?? 0) + 1);
      }
    });
  }

  it('DWARF and symbol tables are exactly the .debug_* and .symtab/.strtab sections readelf lists', async () => {
    const e = entry('linux-amd64-deps');
    const r = await sizeOf(e.file);
    let dwarf = 0;
    let symtab = 0;
    for (const line of run('readelf', ['-W', '-S', e.file]).split('\n')) {
      const m = /\]\s+(\S+)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(line);
      if (!m) continue;
      if ((m[1] as string).startsWith('.debug_') || (m[1] as string).startsWith('.zdebug_')) dwarf += Number.parseInt(m[2] as string, 16);
      if (m[1] === '.symtab' || m[1] === '.strtab') symtab += Number.parseInt(m[2] as string, 16);
    }
    expect(r.modules.find((m) => m.path === '<dwarf>')?.bytes).toBe(dwarf);
    expect(r.modules.find((m) => m.path === '<symtab>')?.bytes).toBe(symtab);
    // Modules from the build info, by longest path: yaml.v3's code is charged to its module.
    expect(r.modules.find((m) => m.path === 'example.com/yaml.v3')?.bytes).toBeGreaterThan(0);
    expect(r.packages.find((p) => p.name === 'example.com/yaml.v3')?.module).toBe('example.com/yaml.v3');
  });

  it('a stripped binary has the same code per package as its unstripped twin', async () => {
    for (const n of ['linux-amd64-stripped', 'linux-arm64-stripped', 'windows-amd64-stripped']) {
      const [a, b] = await Promise.all([sizeOf(entry(n).file), sizeOf(entry(entry(n).twin as string).file)]);
      const code = (r: SizeReport) =>
        Object.fromEntries(r.packages.filter((p) => p.codeBytes > 0 && !p.name.startsWith('<')).map((p) => [p.name, p.codeBytes]));
      expect(code(a)).toEqual(code(b));
      expect(a.modules.find((m) => m.path === '<dwarf>')).toBeUndefined();
    }
  });

  it('cgo: executable bytes outside Go functions are <C>, and .bss counts only in memory', async () => {
    const r = await sizeOf(entry('linux-amd64-cgo').file);
    expect(r.packages.find((p) => p.name === '<C>')?.codeBytes).toBeGreaterThan(0);
    expect(r.memOnlyBytes).toBeGreaterThan(0);
    expect(r.sections.find((s) => s.name === '.bss')).toMatchObject({ fileBytes: 0 });
    expect(r.sections.find((s) => s.name === '.bss')?.memBytes).toBeGreaterThan(0);
  });
});

describe('goready size CLI: diff, budgets, advice', () => {
  it('--vs: growth by module, package and function; --budget and --max-growth exit 1', async () => {
    const { goready } = await import('./helpers/cli.js');
    const a = entry('linux-amd64').file;
    const b = entry('linux-amd64-http').file;
    const j = goready(['size', b, '--vs', a, '--format', 'json']);
    expect(j.code).toBe(0);
    const d = JSON.parse(j.stdout);
    const [ra, rb] = await Promise.all([sizeOf(a), sizeOf(b)]);
    expect(d.delta).toBe(rb.fileSize - ra.fileSize);
    expect(d.packages.find((p: { name: string }) => p.name === 'net/http').old).toBe(0);
    expect(d.functions.length).toBeGreaterThan(1000);
    const over = goready(['size', b, '--vs', a, '--max-growth', '10']);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/grew \d+\.\d+% \(limit 10%\)/);
    expect(goready(['size', b, '--budget', String(rb.fileSize)]).code).toBe(0);
    expect(goready(['size', b, '--budget', String(rb.fileSize - 1)]).code).toBe(1);
    expect(goready(['size', b, '--max-growth', '5']).code).toBe(2);
    const md = goready(['size', b, '--vs', a, '--format', 'markdown']);
    expect(md.stdout).toMatch(/^### Binary size: \+\d+ bytes/);
  });
  it('a saved JSON report works as the old side', async () => {
    const { goready } = await import('./helpers/cli.js');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const f = join(mkdtempSync(join(tmpdir(), 'goready-size-')), 'old.json');
    expect(goready(['size', entry('linux-amd64').file, '--functions', '--format', 'json', '--out', f]).code).toBe(0);
    const d = JSON.parse(goready(['size', entry('linux-amd64-deps').file, '--vs', f, '--format', 'json']).stdout);
    expect(d.modules.find((m: { name: string }) => m.name === 'example.com/yaml.v3').delta).toBeGreaterThan(0);
  });
  it('advice only where it applies: -s -w savings = symtab + DWARF; none of it on a stripped binary', async () => {
    const r = await sizeOf(entry('linux-amd64').file);
    const strip = r.advice?.find((a) => a.id === 'GR-SIZE-001');
    const mod = (p: string) => r.modules.find((m) => m.path === p)?.bytes ?? 0;
    expect(strip?.savingsBytes).toBe(mod('<symtab>') + mod('<dwarf>'));
    expect(r.advice?.some((a) => a.id === 'GR-SIZE-002')).toBe(true);
    const s = await sizeOf(entry('linux-amd64-stripped').file);
    expect(s.advice?.some((a) => a.id === 'GR-SIZE-001')).toBe(false);
    const t = await sizeOf(entry('linux-amd64-trimpath').file);
    expect(t.advice?.some((a) => a.id === 'GR-SIZE-002')).toBe(false);
    // C code worth removing: the cgocode fixture's mix() (its size from nm) is 4 % of the file.
    const [big] = toolchainFixtures('cgocode');
    if (!big) throw new Error('cgocode fixture missing (npm run corpus)');
    const c = await sizeOf(big.file);
    const mix = run('nm', ['-S', big.file]).match(/^\S+ ([0-9a-f]+) t mix$/m)?.[1];
    expect(mix).toBeDefined();
    expect(c.modules.find((m) => m.path === '<C>')?.bytes).toBeGreaterThanOrEqual(Number.parseInt(mix as string, 16));
    expect(c.advice?.some((a) => a.id === 'GR-SIZE-003')).toBe(true);
    expect(r.advice?.some((a) => a.id === 'GR-SIZE-003')).toBe(false);
    // A hello world's cgo glue (0.2 % of the file) and a PE built with CGO_ENABLED=0 say nothing.
    for (const name of ['linux-amd64-cgo', 'windows-amd64']) {
      const x = await sizeOf(entry(name).file);
      expect(
        x.advice?.some((a) => a.id === 'GR-SIZE-003'),
        name,
      ).toBe(false);
    }
  });
});

describe('goready size: go:embed', () => {
  it('embed.FS files are found through their table and charged to the embedding package, byte-exact', async () => {
    const { statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const r = await sizeOf(entry('linux-amd64-embed').file);
    const dir = join(import.meta.dirname, '..', 'fixtures', 'src', 'embed');
    expect(r.embeds).toEqual([
      { variable: 'main.content', file: 'static/big.txt', bytes: statSync(join(dir, 'static', 'big.txt')).size },
      { variable: 'main.content', file: 'static/small.txt', bytes: statSync(join(dir, 'static', 'small.txt')).size },
    ]);
    const main = r.packages.find((p) => p.name === 'main');
    expect(main?.dataBytes).toBeGreaterThan(32296);
    expect(r.attributedBytes).toBe(r.fileSize);
    // Binaries without embed.FS report none.
    expect((await sizeOf(entry('linux-amd64').file)).embeds).toEqual([]);
  });
  it('stripped binaries: the tables are found by their shape, with the same files and bytes, charged to <embed>', async () => {
    const full = (await sizeOf(entry('linux-amd64-embed').file)).embeds;
    for (const name of ['linux-amd64-embed-stripped', 'linux-amd64-embed-pie-stripped']) {
      const r = await sizeOf(entry(name).file);
      expect(r.embeds, name).toEqual(full.map((e) => ({ ...e, variable: '<embed>' })));
      expect(r.packages.find((p) => p.name === '<embed>')?.dataBytes, name).toBe(full.reduce((n, e) => n + e.bytes, 0));
      expect(r.attributedBytes, name).toBe(r.fileSize);
    }
    // A real stripped binary nobody here built: lefthook embeds its templates (//go:embed *).
    const lefthook = await sizeOf(entry('lefthook-linux-x64@2.0.16/lefthook').file);
    expect(lefthook.embeds.map((e) => e.file)).toContain('hook.tmpl');
    // No table shape is found in stripped binaries without embed.FS.
    for (const name of ['linux-amd64-stripped', 'linux-amd64-pie-stripped', 'windows-amd64-stripped', 'linux-s390x-stripped']) {
      expect((await sizeOf(entry(name).file)).embeds, name).toEqual([]);
    }
  });
});
