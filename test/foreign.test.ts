import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dep5Paragraphs, dep5ToSpdx, libraryParagraph } from '../src/core/analyses/license/dep5.js';
import { RULES } from '../src/core/checks/rules.js';
import type { InspectReport } from '../src/core/facts/binary.js';
import { unescapePath } from '../src/core/go/pkgname.js';
import { inspectFile } from '../src/node/files/inspect.js';
import { spdxIds } from '../src/node/license/spdx.js';
import { goready } from './helpers/cli.js';
import { CORPUS, entry, GO, run } from './helpers/corpus.js';
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

describe('licences of C libraries from Debian copyright files (libdevmapper1.02.1, linked by dockerd)', () => {
  const ids = () => spdxIds();
  it("DEP-5 short names as SPDX, with DEP-5's precedence (and before or, unless a comma)", () => {
    const cases: [string, string][] = [
      ['GPL-2', 'GPL-2.0-only'],
      ['GPL-2+', 'GPL-2.0-or-later'],
      ['GPL-2.0', 'GPL-2.0-only'],
      ['LGPL-2.1', 'LGPL-2.1-only'],
      ['LGPL-2.1+', 'LGPL-2.1-or-later'],
      ['Expat', 'MIT'],
      ['BSD-3-clause or GPL-2', 'BSD-3-Clause OR GPL-2.0-only'],
      ['GPL-2 with Linux-syscall-note exception', 'GPL-2.0-only WITH Linux-syscall-note'],
      ['GPL-2+ with Autoconf exception', 'GPL-2.0-or-later WITH Autoconf-exception-2.0'],
      ['Apache-2.0 or MIT and ISC', 'Apache-2.0 OR (MIT AND ISC)'],
      ['GPL-2+ or Artistic-2.0, and BSD-3-clause', '(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause'],
      ['public-domain', 'LicenseRef-public-domain'],
      ['Perl', '(Artistic-1.0-Perl OR GPL-1.0-or-later)'],
      [
        'BSD-3-clause-Cambridge with BINARY LIBRARY-LIKE PACKAGES exception',
        'LicenseRef-Debian-BSD-3-clause-Cambridge-with-BINARY-LIBRARY-LIKE-PACKAGES-exception',
      ],
    ];
    for (const [dep5, spdx] of cases) expect(dep5ToSpdx(dep5, ids()), dep5).toBe(spdx);
  });

  it("the library's own sources decide: libdm/* (LGPL-2.1) over Files: * (GPL-2.0)", () => {
    const root = foreign('libdevmapperRoot');
    const text = readFileSync(join(root, 'usr/share/doc/libdevmapper1.02.1/copyright'), 'utf8');
    const paras = dep5Paragraphs(text);
    expect(paras?.find((p) => p.files.join(' ') === '*')?.license).toBe('GPL-2.0');
    const own = libraryParagraph(paras ?? [], 'libdevmapper.so.1.02.1');
    expect(own?.own).toBe(true);
    expect(own?.paragraph.files).toContain('libdm/*');
    // A library the file names no sources for gets Files: *.
    expect(libraryParagraph(paras ?? [], 'libsystemd.so.0')?.own).toBe(false);
  });

  it('licenses dockerd --host ROOT: libdevmapper resolved through dpkg, LGPL-2.1-only', () => {
    const root = foreign('libdevmapperRoot');
    const dockerd = join(CORPUS, 'runtimes', 'bin', 'dockerd');
    const fetched = spawnSync('bash', [join(import.meta.dirname, '..', 'scripts', 'fetch-runtimes.sh')], { encoding: 'utf8' });
    expect(fetched.status, fetched.stderr).toBe(0);
    const r = goready(['licenses', dockerd, '--host', root, '--allow-unknown', '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { linked: { name: string; package: string | null; license: string | null; licenseFiles?: string }[] };
    const dm = rep.linked.find((l) => l.name === 'libdevmapper.so.1.02.1');
    expect(dm).toMatchObject({ package: 'libdevmapper1.02.1:amd64', license: 'LGPL-2.1-only' });
    expect(dm?.licenseFiles).toContain('libdm/*');
    expect(JSON.stringify(rep)).not.toContain('LicenseRef-Debian-GPL');
    const text = goready(['licenses', dockerd, '--host', root, '--allow-unknown']).stdout;
    expect(text).toContain(`linked libc.so.6: not found in the root ${root}`);
  });
});

describe('licences of a binary with no module list (Debian GOPATH builds, Bazel builds)', () => {
  it('says so and fails the gate unless unknowns are allowed', () => {
    for (const f of [foreign('nodeExporter119'), foreign('ibazelLinux')]) {
      const gate = goready(['licenses', f]);
      expect(gate.code, f).toBe(1);
      expect(gate.stdout).toMatch(/^no module list: /m);
      expect(gate.stdout).toMatch(/0 modules \(the binary records none\), 1 policy violations/);
      const json = JSON.parse(goready(['licenses', f, '--format', 'json']).stdout) as { noModuleList?: { reason: string; violation: string | null } };
      expect(json.noModuleList?.violation).toMatch(/unknown/);
      const allowed = goready(['licenses', f, '--allow-unknown']);
      expect(allowed.code).toBe(0);
      expect(allowed.stdout).toMatch(/^no module list: /m);
    }
    // Bazel writes build info without modules: that is not "no build info".
    const bazel = goready(['licenses', foreign('ibazelLinux'), '--allow-unknown']);
    expect(bazel.stdout).toContain('only the Go version is recorded');
    expect(bazel.stdout + bazel.stderr).not.toContain('no build info');
    expect(goready(['licenses', foreign('nodeExporter119'), '--allow-unknown']).stdout).toContain('main package github.com/prometheus/node_exporter');
  });
});

describe('size advice on a GOPATH build (node-exporter 1.5.0: every dependency in <unknown module>)', () => {
  it('no "largest dependencies: main 0.1 %", no cgo advice for 3.5 KiB of C', () => {
    const r = JSON.parse(goready(['size', foreign('nodeExporter119'), '--format', 'json']).stdout) as {
      modules: { path: string; bytes: number }[];
      advice: { id: string }[];
    };
    expect(r.modules.find((m) => m.path === '<unknown module>')?.bytes).toBeGreaterThan(1_000_000);
    expect(r.modules.find((m) => m.path === 'main')?.bytes).toBeGreaterThan(0);
    expect(r.advice.map((a) => a.id)).not.toContain('GR-SIZE-004');
    expect(r.advice.map((a) => a.id)).not.toContain('GR-SIZE-003');
  });
});

describe('a binary that is not Go gets no Go findings (coreutils ls, PostgreSQL)', () => {
  const SNAP = join(import.meta.dirname, 'data', 'hosts', 'debian12-constrained-sh.json');
  const ids = (args: string[]) => (JSON.parse(goready(['check', ...args, '--host', SNAP, '--format', 'json']).stdout) as { id: string }[]).map((f) => f.id);
  it('only the rules for any executable, and GR-BUILD-003 once', () => {
    // The snapshot's limits give a Go server Go findings…
    const go = ids([entry('linux-amd64-http').file]);
    expect(go.filter((id) => /^GR-(LIMIT|CGROUP)-/.test(id)).length).toBeGreaterThan(0);
    const anyBinary = new Set<string>(RULES.filter((r) => 'anyBinary' in r).map((r) => r.id));
    for (const f of ['/bin/ls', '/usr/lib/postgresql/15/bin/postgres']) {
      // …which go version, the independent reader, says is not Go.
      const v = spawnSync(GO124, ['version', f], { encoding: 'utf8' });
      expect(v.stdout + v.stderr, f).toContain('not a Go executable');
      const got = ids([f]);
      expect(
        got.filter((id) => id === 'GR-BUILD-003'),
        f,
      ).toHaveLength(1);
      for (const id of got) expect(anyBinary.has(id), `${f}: ${id}`).toBe(true);
      expect(goready(['check', f, '--host', SNAP]).stdout).not.toMatch(/Go null/);
    }
  });
  it('a Mach-O without GOOS in its build info is said to be for macOS', () => {
    const r = goready(['check', foreign('ibazelDarwinArm64'), '--format', 'json']);
    const titles = (JSON.parse(r.stdout) as { id: string; title: string }[]).map((f) => `${f.id} ${f.title}`);
    expect(titles).toContain('GR-BUILD-002 Built for macOS (Mach-O), not Linux');
  });
});

describe('thread limits for a tool (Debian golang-1.24 gofmt) against a server', () => {
  it('GR-LIMIT-003 is low for gofmt, which links no listen path (debug/gosym), high for an HTTP server', () => {
    const SNAP = join(import.meta.dirname, 'data', 'hosts', 'debian12-constrained-sh.json');
    const gofmt = '/usr/lib/go-1.24/bin/gofmt';
    // gofmt is stripped: its functions come from the pclntab, read by Go's own debug/gosym.
    const names = [...gosym(gofmt).values()].map((f) => f.name);
    expect(names).toContain('main.main');
    expect(names.filter((n) => n.includes('listenTCP'))).toEqual([]);
    const sev = (f: string) =>
      (JSON.parse(goready(['check', f, '--host', SNAP, '--format', 'json']).stdout) as { id: string; severity: string }[])
        .filter((x) => x.id === 'GR-LIMIT-003')
        .map((x) => x.severity);
    expect(sev(gofmt)).toEqual(['low']);
    expect([...gosym(entry('linux-amd64-http').file).values()].some((f) => f.name.includes('listenTCP'))).toBe(true);
    expect(sev(entry('linux-amd64-http').file)).toEqual(['high']);
  });
});
