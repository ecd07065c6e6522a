import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { goready } from './helpers/cli.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const ROOT = join(import.meta.dirname, '..');
const BAD = join(ROOT, 'fixtures', 'toolchains', 'lint-bad');
const CLEAN = join(ROOT, 'fixtures', 'toolchains', 'lint-clean');
const GO = '/usr/lib/go-1.27/bin/go';
// The SARIF 2.1.0 schema is JSON Schema draft-04 (ajv's draft-04 build, as in check.test.ts).
type Validator = ((x: unknown) => boolean) & { errors?: unknown };
type AjvDraft4 = new (opts: object) => { compile(schema: object): Validator; errorsText(errors?: unknown): string };
const ajv = new (createRequire(import.meta.url)('ajv-draft-04') as AjvDraft4)({ allErrors: true, strict: false });
addFormats.default(ajv as never);
const validateSarif = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'schemas', 'sarif-schema-2.1.0.json'), 'utf8')));
const GOENV = { ...process.env, GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '-mod=mod', GOWORK: 'off' };

interface Json {
  id: string;
  severity: string;
  message: string;
  file: string;
  line: number;
  column: number;
  evidence: string[];
  fix: string;
}

function lint(args: string[]): { code: number; findings: Json[]; stderr: string } {
  const r = goready(['lint', '--format', 'json', ...args]);
  if (r.code > 1) throw new Error(`goready lint ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return { code: r.code, findings: JSON.parse(r.stdout) as Json[], stderr: r.stderr };
}

/** The `// want GR-ATOMIC-NNN …` annotations of a fixture: `line ID` strings. */
function wanted(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((l, i) => [...(/\/\/ want (.+)$/.exec(l)?.[1]?.matchAll(/GR-[A-Z]+-\d{3}/g) ?? [])].map((m) => `${i + 1} ${m[0]}`))
    .sort();
}

describe('goready lint on the known-bad fixture and its clean twin', () => {
  const bad = lint([BAD]);
  const clean = lint([CLEAN]);

  it('reports exactly the annotated lines of the bad fixture, with fixes', () => {
    expect(bad.findings.map((f) => `${f.line} ${f.id}`).sort()).toEqual(wanted(join(BAD, 'main.go')));
    expect(wanted(join(BAD, 'main.go')).length).toBe(13);
    for (const f of bad.findings) {
      expect(f.file).toBe(join(BAD, 'main.go'));
      expect(f.fix.length).toBeGreaterThan(20);
      expect(f.evidence.length).toBeGreaterThan(0);
    }
  });

  it('reports nothing on the clean twins', () => {
    expect(clean.findings).toEqual([]);
  });

  it('says which GOARCHes, at which offset, and how to fix', () => {
    const field = bad.findings.find((f) => f.id === 'GR-ATOMIC-001' && f.message.includes('c.bytes')) as Json;
    expect(field.evidence).toContain('386: c.bytes at offset 4 from an 8-byte aligned base (4 mod 8 = 4)');
    expect(field.message).toContain('386, arm, mips, mipsle');
    expect(field.fix).toContain('atomic.Int64');
    const slice = bad.findings.find((f) => f.id === 'GR-ATOMIC-001' && f.message.includes('items[i].n')) as Json;
    expect(slice.evidence[0]).toBe('386: items[i].n at offset 0 + i*12 from an 8-byte aligned base (elements of 12 bytes put every other one at 4 mod 8)');
    const shard = bad.findings.find((f) => f.id === 'GR-ATOMIC-003' && f.message.startsWith('shard ')) as Json;
    expect(shard.fix).toContain('`_ [56]byte`');
    expect(shard.fix).toContain('`_ [120]byte`');
  });

  it('--goarch limits the alignment rule; --fail-on sets the exit code; --skip drops IDs', () => {
    const arm = lint(['--goarch', 'arm', BAD]).findings.filter((f) => f.id === 'GR-ATOMIC-001');
    expect(arm.length).toBe(5);
    for (const f of arm) expect(f.evidence.every((e) => e.startsWith('arm: '))).toBe(true);
    expect(goready(['lint', '--fail-on', 'high', BAD]).code).toBe(1);
    expect(goready(['lint', '--fail-on', 'high', '--skip', 'GR-ATOMIC-001', BAD]).code).toBe(0);
    expect(goready(['lint', '--fail-on', 'low', CLEAN]).code).toBe(0);
    const bad64 = goready(['lint', '--goarch', 'amd64', BAD]);
    expect(bad64.code).toBe(2);
    expect(bad64.stderr).toMatch(/^goready: --goarch amd64: only 32-bit GOARCHes/);
  });

  it('SARIF 2.1.0 with a region per result', () => {
    const r = goready(['lint', '--format', 'sarif', BAD]);
    const sarif = JSON.parse(r.stdout);
    expect(validateSarif(sarif), ajv.errorsText(validateSarif.errors)).toBe(true);
    expect(sarif.runs[0].results).toHaveLength(bad.findings.length);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    expect(sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id)).toEqual(['GR-ATOMIC-001', 'GR-ATOMIC-002', 'GR-ATOMIC-003']);
  });

  it('agrees with go vet (atomic, copylocks) where they overlap', () => {
    const vet = (dir: string) => spawnSync(GO, ['vet', '.'], { cwd: dir, env: GOENV, encoding: 'utf8' });
    const v = vet(BAD);
    if (v.error) throw new Error(`${GO}: ${v.error.message} (bash scripts/setup.sh installs Go 1.27)`);
    const vetLines = [...v.stderr.matchAll(/main\.go:(\d+):\d+: (direct assignment to atomic value|.*copies lock value.*sync\/atomic)/g)].map((m) =>
      Number(m[1]),
    );
    expect(vetLines.length).toBe(2);
    const ours = new Set(bad.findings.filter((f) => f.id === 'GR-ATOMIC-002').map((f) => f.line));
    for (const l of vetLines) expect(ours.has(l), `go vet reports line ${l}; goready does not`).toBe(true);
    const c = vet(CLEAN);
    expect(c.status, c.stderr).toBe(0);
  });
});

describe('the 32-bit truth: the compiled fixtures panic where GR-ATOMIC-001 says, the twins run', () => {
  const RUNNER: Record<string, string[]> = { '386': [], arm: ['qemu-arm'], mips: ['qemu-mips'], mipsle: ['qemu-mipsel'] };
  const CASES = ['align-field', 'align-embedded', 'align-nested', 'align-slice', 'align-array'];
  const expected = new Set(
    lint([BAD])
      .findings.filter((f) => f.id === 'GR-ATOMIC-001')
      .map((f) => f.line),
  );
  const run = (file: string, arg: string) => {
    const [cmd, ...pre] = [...(RUNNER[toolchainFixtures().find((t) => t.file === file)?.goarch ?? ''] ?? []), file];
    const r = spawnSync(cmd as string, arg ? [...pre, arg] : pre, { encoding: 'utf8' });
    if (r.error) throw new Error(`${cmd}: ${r.error.message} (apt-get install qemu-user)`);
    return r;
  };
  for (const goarch of Object.keys(RUNNER)) {
    it(`${goarch}: every case panics with "unaligned 64-bit atomic operation" at the reported line`, () => {
      const bin = toolchainFixtures('lint-bad').find((t) => t.goarch === goarch);
      if (!bin) throw new Error(`lint-bad for ${goarch} not built (npm run corpus)`);
      const lines = new Set<number>();
      for (const c of CASES) {
        const r = run(bin.file, c);
        expect(r.status, `${goarch} ${c}: ${r.stderr}`).toBe(2);
        expect(r.stderr).toContain('panic: unaligned 64-bit atomic operation');
        // The first frame in package main is the atomic call.
        const line = /\nmain\.align\w+\([^\n]*\)\n\t[^\n]*main\.go:(\d+)/.exec(r.stderr)?.[1];
        lines.add(Number(line));
      }
      expect([...lines].sort()).toEqual([...expected].sort());
      const twin = toolchainFixtures('lint-clean').find((t) => t.goarch === goarch);
      if (!twin) throw new Error(`lint-clean for ${goarch} not built (npm run corpus)`);
      for (const c of [...CASES, 'align-typed', '']) {
        const r = run(twin.file, c);
        expect(r.status, `${goarch} clean ${c}: ${r.stderr}`).toBe(0);
      }
    });
  }
});

describe('goready lint on real code and hostile input', () => {
  it("Go's sync package: only the mixed accesses to Pool.local and Pool.victimSize", () => {
    const { findings } = lint(['/usr/share/go-1.27/src/sync']);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(f.id).toBe('GR-ATOMIC-002');
      expect(f.file).toMatch(/\/sync\/pool\.go$/);
      expect(f.message).toMatch(/^p\.(local|victimSize) is (read|written) here/);
    }
  });

  it('broken, empty and binary .go files: no crash, exit 0; missing paths and non-Go files: exit 2 with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'goready-lint-'));
    writeFileSync(join(dir, 'broken.go'), 'package p\nimport "sync/atomic"\ntype T struct { a int32; n int64\nfunc f(t *T) { atomic.AddInt64(&t.n, 1) ');
    writeFileSync(join(dir, 'empty.go'), '');
    writeFileSync(join(dir, 'junk.go'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256)));
    const r = goready(['lint', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/in 3 files/);
    const missing = goready(['lint', join(dir, 'nope')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`goready: ${join(dir, 'nope')}: no such file or directory\n`);
    writeFileSync(join(dir, 'x.txt'), 'x');
    expect(goready(['lint', join(dir, 'x.txt')]).stderr).toBe(`goready: ${join(dir, 'x.txt')}: not a Go file or a directory\n`);
  });
});
