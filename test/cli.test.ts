import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, goready } from './helpers/cli.js';
import { CORPUS, corpus, entry, GO, run } from './helpers/corpus.js';
import { assertReportValid } from './helpers/schema.js';

const tmp = mkdtempSync(join(tmpdir(), 'goready-cli-'));

function oneLineError(r: { code: number; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^goready: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('goready inspect: exit codes and errors', () => {
  it('a missing file: exit 2, one line naming it', () => {
    oneLineError(goready(['inspect', join(tmp, 'nope')]), /nope: no such file or directory/);
  });
  it('a text file: exit 2, not an executable', () => {
    const f = join(tmp, 'notes.txt');
    writeFileSync(f, 'hello\n');
    oneLineError(goready(['inspect', f]), /notes\.txt: not an executable/);
  });
  it('an empty file: exit 2', () => {
    const f = join(tmp, 'empty');
    writeFileSync(f, '');
    oneLineError(goready(['inspect', f]), /empty: /);
  });
  it('a truncated Go binary: exit 2 naming the structure and offset', () => {
    const e = entry('linux-amd64');
    const f = join(tmp, 'truncated');
    const b = readFileSync(e.file);
    writeFileSync(f, b.subarray(0, Math.floor(b.length / 3)));
    const r = goready(['inspect', f, '--format', 'json']);
    oneLineError(r, /truncated: .* at offset 0x[0-9a-f]+/);
    const [rep] = JSON.parse(r.stdout);
    assertReportValid(rep);
  });
  it('bad usage: unknown option and unknown format exit 2', () => {
    expect(goready(['inspect', '--nope']).code).toBe(2);
    expect(goready(['inspect', '--format', 'xml', '/bin/ls']).code).toBe(2);
    expect(goready(['frobnicate']).code).toBe(2);
  });
  it('a non-Go executable is a valid answer: exit 0, go.isGo false', () => {
    const r = goready(['inspect', '/bin/ls', '--format', 'json']);
    expect(r.code).toBe(0);
    const [rep] = JSON.parse(r.stdout);
    assertReportValid(rep);
    expect(rep.go.isGo).toBe(false);
    expect(rep.diagnosis[0]).toMatch(/^not a Go binary/);
  });
});

describe('goready inspect: formats', () => {
  it('json is always an array, jsonl one report per line, both schema-valid', () => {
    const files = corpus()
      .filter((e) => e.source === 'fixture')
      .slice(0, 4)
      .map((e) => e.file);
    const j = goready(['inspect', '--format', 'json', ...files]);
    expect(j.code).toBe(0);
    const arr = JSON.parse(j.stdout);
    expect(Array.isArray(arr)).toBe(true);
    expect(arr).toHaveLength(files.length);
    for (const r of arr) assertReportValid(r);
    const l = goready(['inspect', '--format', 'jsonl', ...files]);
    const lines = l.stdout
      .trimEnd()
      .split('\n')
      .map((x) => JSON.parse(x));
    expect(lines).toEqual(arr);
    expect(JSON.parse(goready(['inspect', '--format', 'json', files[0] as string]).stdout)).toHaveLength(1);
  });
  it('text starts with the lines go version -m prints', () => {
    const e = entry('linux-amd64-deps');
    const ours = goready(['inspect', e.file]).stdout.split('\n');
    // Go 1.19 prints a stray blank line after each `=>` line (fixed in Go 1.20); current Go's form is the truth.
    const theirs = run(GO, ['version', '-m', e.file])
      .trimEnd()
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(ours.slice(0, theirs.length)).toEqual(theirs);
  });
  it('--functions in json gives numeric entry/size in pclntab order; --out writes a file', () => {
    const e = entry('linux-amd64');
    const out = join(tmp, 'f.json');
    expect(goready(['inspect', '--functions', '--files', '--format', 'json', '--out', out, e.file]).code).toBe(0);
    const [r] = JSON.parse(readFileSync(out, 'utf8'));
    assertReportValid(r);
    expect(r.functions.length).toBe(r.pclntab.functionCount);
    for (let i = 1; i < r.functions.length; i++) expect(r.functions[i].entry).toBeGreaterThan(r.functions[i - 1].entry);
    const main = r.functions.find((f: { name: string }) => f.name === 'main.main');
    expect(main.package).toBe('main');
    expect(main.file).toMatch(/main\.go$/);
  });
});

describe('goready inspect DIR', () => {
  it('reports exactly the Go binaries go version -m finds, and more (no build info)', () => {
    const dir = join(CORPUS, 'go');
    const r = goready(['inspect', '--format', 'jsonl', dir]);
    const ours = r.stdout
      .trimEnd()
      .split('\n')
      .map((x) => JSON.parse(x));
    for (const rep of ours) {
      assertReportValid(rep);
      expect(rep.go.isGo).toBe(true);
    }
    const theirs = run(GO, ['version', dir], { allowFail: true })
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(0, l.lastIndexOf(': ')));
    const paths = new Set(ours.map((x) => x.path));
    for (const p of theirs) expect(paths.has(p), p).toBe(true);
  });
});

describe('goready inspect: diagnosis of damaged and disguised binaries', () => {
  it('a pclntab whose magic was stomped (as garble does) is reported as garbled, with the build info still read', () => {
    const e = entry('linux-amd64-stripped');
    const b = Buffer.from(readFileSync(e.file));
    const sh = run('readelf', ['-W', '-S', e.file]);
    const m = /\.gopclntab\s+PROGBITS\s+[0-9a-f]+\s+([0-9a-f]+)/.exec(sh);
    expect(m).not.toBeNull();
    const off = Number.parseInt(m?.[1] as string, 16);
    b.writeUInt32LE(0x12345678, off);
    const f = join(tmp, 'garbled');
    writeFileSync(f, b);
    const r = goready(['inspect', '--format', 'json', f]);
    expect(r.code).toBe(0);
    const [rep] = JSON.parse(r.stdout);
    assertReportValid(rep);
    expect(rep.buildInfo.path).toBe('example.com/hello');
    expect(rep.pclntab).toBeNull();
    expect(rep.diagnosis).toEqual([expect.stringMatching(/^garbled pclntab: /)]);
  });
  it('a section table with a lying count: exit 2, corrupt, naming the structure', () => {
    const e = entry('linux-amd64');
    const b = Buffer.from(readFileSync(e.file));
    b.writeUInt16LE(0xfff0, 0x3c); // e_shnum
    const f = join(tmp, 'lying');
    writeFileSync(f, b);
    oneLineError(goready(['inspect', f]), /ELF section header table at offset 0x[0-9a-f]+/);
  });
});

describe('size, licenses and sbom: bad input is one line and exit 2', () => {
  for (const [args, pattern] of [
    [['size', '/nonexistent'], /^goready: \/nonexistent: no such file or directory$/],
    [['size', '/etc/hostname'], /^goready: \/etc\/hostname: not an executable/],
    [['licenses', '/bin/ls'], /^goready: \/bin\/ls: no build info/],
    [['sbom', '/etc/hostname'], /^goready: \/etc\/hostname: not an executable/],
    [['size', '/bin/ls', '--top', '0'], /^goready: --top: not a positive integer: 0$/],
  ] as [string[], RegExp][]) {
    it(args.join(' '), () => oneLineError(goready(args), pattern));
  }
});

describe('start-up', () => {
  it('the bin is one bundle: what every command loads at start holds none of the heavy modules', () => {
    // esbuild's metafile (scripts/bundle-cli.mjs): outputs, the sources each holds and what each imports.
    const meta = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'dist', 'cli-chunks', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown>; imports: { path: string; kind: string }[] }>;
    };
    const startup = new Set<string>();
    const visit = (out: string) => {
      if (startup.has(out)) return;
      startup.add(out);
      for (const i of meta.outputs[out]?.imports ?? []) if (i.kind === 'import-statement' && meta.outputs[i.path]) visit(i.path);
    };
    visit('dist/cli/main.js');
    const loaded = [...startup].flatMap((o) => Object.keys(meta.outputs[o]?.inputs ?? {}));
    expect(loaded).toContain('src/cli/inspect.ts');
    // Not even the binary readers: --help and --version compile commander and the command files only.
    for (const heavy of [
      'src/core/facts/inspect.ts',
      'src/core/object/elf.ts',
      'src/core/go/pclntab.ts',
      'src/core/checks/rules.ts',
      'src/core/analyses/targets.ts',
      'src/node/sbom.ts',
      'src/node/image/open.ts',
      'src/node/host/collect.ts',
      'src/node/license/licenses.ts',
      'src/core/analyses/size/size.ts',
    ]) {
      expect(loaded, heavy).not.toContain(heavy);
    }
    // And at run time: --version reads only the bundle's own files (commander is bundled in).
    const loader = join(tmp, 'loader.mjs');
    writeFileSync(loader, "export async function load(u, c, next) { if (u.startsWith('file:')) process.stderr.write('M ' + u + '\\n'); return next(u, c); }\n");
    const hook = join(tmp, 'hook.mjs');
    writeFileSync(hook, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${loader}`)});\n`);
    const r = spawnSync(process.execPath, ['--import', hook, CLI, '--version'], { encoding: 'utf8' });
    const files = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('M '))
      .map((l) => l.slice(2));
    expect(files.length).toBe(startup.size);
    expect(files.filter((f) => !/\/dist\/cli(-chunks)?\//.test(f) && !f.endsWith('hook.mjs'))).toEqual([]);
  });

  it('the CLI loads SBOM, licence, image and snapshot code only in the commands that use them', () => {
    // Static value imports of these from the CLI modules would load them for every command
    // (about 110 ms of the start-up measured when they did); they are imported in the actions.
    const heavy =
      /^import (?!type )[^;]*from '\.\.\/(node\/sbom|node\/license\/licenses|node\/image\/open|node\/host\/collect|node\/host\/snapshot-file|node\/host\/ssh|node\/host\/script|core\/analyses\/size\/size)\.js'/m;
    for (const f of readdirSync(join(import.meta.dirname, '..', 'src', 'cli'))) {
      const text = readFileSync(join(import.meta.dirname, '..', 'src', 'cli', f), 'utf8');
      expect(heavy.exec(text)?.[0] ?? null, f).toBeNull();
    }
  });
});
