import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../src/core/facts/binary.js';
import { unescapePath } from '../src/core/go/pkgname.js';
import { inspectFile } from '../src/node/files/inspect.js';
import { goready } from './helpers/cli.js';
import { entry, GO, run } from './helpers/corpus.js';
import { foreign } from './helpers/foreign.js';
import { assertReportValid } from './helpers/schema.js';

/**
 * Issue 9: goready on Go binaries nobody here built (npm and Debian packages at pinned versions,
 * scripts/fetch-foreign.sh), each defect checked against an independent tool where one exists.
 */
const GO124 = '/usr/lib/go-1.24/bin/go';

async function report(file: string, functions = false): Promise<InspectReport> {
  const [r] = await inspectFile(file, { functions });
  if (!r) throw new Error(`${file}: no report`);
  return r;
}

describe('the first lines are what go version -m prints', () => {
  const cases = () => [
    foreign('esbuild013'),
    foreign('ibazelLinux'),
    foreign('ibazelDarwinArm64'),
    foreign('nodeExporter119'),
    foreign('nodeExporter124'),
    // GOEXPERIMENT=boringcrypto: the version line ends in ` X:boringcrypto`.
    entry('linux-amd64-boring').file,
  ];
  it('version line (X: experiments included) and build info, byte for byte', () => {
    for (const f of cases()) {
      const truth = run(GO124, ['version', '-m', f]).trimEnd();
      const text = goready(['inspect', f]).stdout;
      const ours = text.slice(0, text.indexOf('\n\tfile\t'));
      expect(ours, f).toBe(truth);
    }
    expect(goready(['inspect', entry('linux-amd64-boring').file]).stdout.split('\n')[0]).toMatch(/: go1\.19\.8 X:boringcrypto$/);
  });
});

describe('Go 1.13 build info without module lines (esbuild 0.1.0)', () => {
  it('is build info: version, no path, no modules, no settings', async () => {
    const r = await report(foreign('esbuild013'));
    expect(run(GO, ['version', '-m', foreign('esbuild013')]).trim()).toMatch(/: go1\.13\.8$/);
    expect(r.go.versionSource).toBe('buildinfo');
    expect(r.buildInfo).toEqual({ goVersion: 'go1.13.8', path: '', main: null, deps: [], settings: [] });
    expect(r.diagnosis.some((d) => d.startsWith('no module list in the build info'))).toBe(true);
    assertReportValid(r);
  });
});

describe('Mach-O arm64 linked by ld64 with chained fixups (ibazel 0.28.0 darwin_arm64)', () => {
  it('function entries are addresses in __text, as go tool objdump reads the same pclntab', async () => {
    const f = foreign('ibazelDarwinArm64');
    const r = await report(f, true);
    const fns = r.functions ?? [];
    expect(fns.length).toBe(r.pclntab?.functionCount);
    // go tool objdump walks the symbol table (only C and cgo symbols survive here) and names each
    // one's source file from the pclntab at the symbol's address: a function must start there.
    const objdump = run(GO124, ['tool', 'objdump', f]);
    const byEntry = new Map(fns.map((fn) => [fn.entry, fn]));
    let matched = 0;
    for (const m of objdump.matchAll(/^TEXT (\S+)\(SB\) (\S+)\n\s+\S+\s+0x([0-9a-f]+)/gm)) {
      const [, sym, file, addr] = m as unknown as [string, string, string, string];
      if (!file.endsWith('.s') && !file.endsWith('.go')) continue;
      const fn = byEntry.get(Number.parseInt(addr, 16));
      expect(fn?.name, `${sym} at 0x${addr}`).toBe(sym.replace(/^_/, ''));
      matched++;
    }
    expect(matched).toBeGreaterThan(0);
    const text = r.functions?.[0]?.entry ?? 0;
    expect(text).toBe(0x100002700); // __text's address (go:buildid comes first)
    // size: Go code is charged to Go packages, not to <C>.
    const size = JSON.parse(goready(['size', f, '--format', 'json']).stdout) as { packages: { name: string; codeBytes: number }[] };
    const c = size.packages.find((p) => p.name === '<C>')?.codeBytes ?? 0;
    const runtime = size.packages.find((p) => p.name === 'runtime')?.codeBytes ?? 0;
    expect(runtime).toBeGreaterThan(300_000);
    expect(c).toBeLessThan(64 << 10);
  });
});

/** debug/gosym's view of a binary's functions (test/tools/gosym): entry → {name, package}. */
function gosym(file: string): Map<number, { name: string; pkg: string }> {
  const out = run(GO124, ['run', join(import.meta.dirname, 'tools', 'gosym', 'main.go'), file]);
  const m = new Map<number, { name: string; pkg: string }>();
  for (const line of out.trimEnd().split('\n')) {
    const [entry, name, pkg] = line.split('\t') as [string, string, string];
    m.set(Number(entry), { name, pkg });
  }
  return m;
}

describe('package paths that start with go. (go.uber.org in Debian node-exporter)', () => {
  it('Go 1.24 (go: prefixes): every package equals debug/gosym PackageName, go.uber.org included', async () => {
    const f = foreign('nodeExporter124');
    const r = await report(f, true);
    const truth = gosym(f);
    expect(truth.size).toBe(r.functions?.length);
    for (const fn of r.functions ?? []) {
      const t = truth.get(fn.entry);
      expect(t?.name, `0x${fn.entry.toString(16)}`).toBe(fn.name);
      expect(fn.package, fn.name).toBe(unescapePath(t?.pkg ?? ''));
    }
    expect(r.functions?.filter((fn) => fn.package.startsWith('go.uber.org/')).length).toBeGreaterThan(20);
  });

  it("Go 1.19 (go. prefixes): debug/gosym's answer, except go.uber.org functions, which keep their package", async () => {
    const f = foreign('nodeExporter119');
    const r = await report(f, true);
    const truth = gosym(f);
    let uber = 0;
    for (const fn of r.functions ?? []) {
      const t = truth.get(fn.entry);
      expect(t?.name).toBe(fn.name);
      if (fn.name.startsWith('go.uber.org/')) {
        // debug/gosym gives every go.-prefixed name of a Go ≤ 1.19 table no package.
        expect(t?.pkg).toBe('');
        expect(fn.package).toMatch(/^go\.uber\.org\/(atomic|multierr)$/);
        uber++;
      } else {
        expect(fn.package, fn.name).toBe(unescapePath(t?.pkg ?? ''));
      }
    }
    expect(uber).toBeGreaterThan(20);
    // The generated go.(*struct {…}).M wrappers of Go ≤ 1.19 stay the compiler's.
    expect(r.functions?.filter((fn) => fn.name.startsWith('go.(*struct {')).every((fn) => fn.package === '')).toBe(true);
  });

  it('size charges go.uber.org code to its packages, not to <compiler>', () => {
    for (const f of [foreign('nodeExporter119'), foreign('nodeExporter124')]) {
      const s = JSON.parse(goready(['size', f, '--format', 'json', '--functions']).stdout) as {
        packages: { name: string; codeBytes: number }[];
        functions: { name: string; package: string }[];
      };
      expect(s.packages.find((p) => p.name === 'go.uber.org/atomic')?.codeBytes, f).toBeGreaterThan(1000);
      expect(s.functions.filter((fn) => fn.name.startsWith('go.uber.org/')).every((fn) => fn.package.startsWith('go.uber.org/'))).toBe(true);
    }
  });
});
