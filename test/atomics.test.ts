import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { lseFindings } from '../src/core/checks/cpu.js';
import { summarizeAtomics } from '../src/core/code/atomics.js';
import { goFunctions } from '../src/core/code/functions.js';
import { cpuModel } from '../src/core/linux/cpus.js';
import { openObject } from '../src/core/object/open.js';
import { FileSource } from '../src/node/files/source.js';
import { goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';
import { type ToolchainFixture, toolchainFixtures } from './helpers/toolchains.js';

type Kind = 'lse' | 'llsc' | 'ldar' | 'stlr' | 'dmb' | 'lock' | 'xchg' | 'mfence';
interface Fn {
  name: string;
  lse: number;
  llsc: number;
  ldar: number;
  stlr: number;
  dmb: number;
  lock: number;
  xchg: number;
  mfence: number;
  guarded: boolean;
  mnemonics: Record<string, number>;
}
interface Report {
  path: string;
  arch: string;
  goVersion: string;
  goarm64: string | null;
  lse: { total: number; guarded: number; unguarded: number };
  llsc: { total: number };
  requiresLSE: boolean;
  functions: Fn[];
  skippedFunctions: number;
  verdict: { findings: { id: string; severity: string; evidence: string[] }[] } | null;
}

const validate = new Ajv2020({ allErrors: true, strict: true }).compile(
  JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'atomics-report.schema.json'), 'utf8')),
);

function atomics(file: string, args: string[] = []): Report[] {
  const r = goready(['atomics', '--format', 'json', ...args, file]);
  if (r.code > 1) throw new Error(`goready atomics ${file} exited ${r.code}: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as Report[];
  expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  return json;
}

/** The independent truth: GNU objdump's mnemonics, classified, counted per pclntab function (by address). */
const CLASSES: [Kind, RegExp][] = [
  ['lse', /^((ld|st)(add|clr|eor|set|smax|smin|umax|umin)(a|l|al)?(b|h)?|swp(a|l|al)?(b|h)?|casp?(a|l|al)?(b|h)?)$/],
  ['llsc', /^((ld|st)(a|l)?x(r|p)(b|h)?|(ldrex|strex)(b|h|d)?)$/],
  ['ldar', /^ldar(b|h)?$/],
  ['stlr', /^stlr(b|h)?$/],
  ['dmb', /^dmb$/],
  ['mfence', /^mfence$/],
];
const TOOL: Record<string, string> = { arm64: 'aarch64-linux-gnu-objdump', arm: 'arm-linux-gnueabihf-objdump', amd64: 'objdump', '386': 'objdump' };

async function objdumpCounts(file: string, arch: string): Promise<Map<string, Record<Kind, number>>> {
  const tool = TOOL[arch] as string;
  const r = spawnSync(tool, ['-d', '--no-show-raw-insn', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.error) throw new Error(`${tool}: ${r.error.message} (bash scripts/setup.sh installs binutils-aarch64-linux-gnu and binutils-arm-linux-gnueabihf)`);
  const src = new FileSource(file);
  const [o] = await openObject(src);
  const tab = o && (await goFunctions(o.obj));
  src.close();
  if (!tab) throw new Error(`${file}: no pclntab`);
  const fns = [...tab.functions].sort((a, b) => a.entry - b.entry);
  const owner = (addr: number) => {
    let lo = 0;
    let hi = fns.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const f = fns[mid] as (typeof fns)[number];
      if (addr < f.entry) hi = mid - 1;
      else if (addr >= f.entry + f.size) lo = mid + 1;
      else return f.name;
    }
    return null;
  };
  const out = new Map<string, Record<Kind, number>>();
  for (const line of r.stdout.split('\n')) {
    const m = /^\s+([0-9a-f]+):\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [op, args] = [m[2] as string, m[3] as string];
    let kind: Kind | undefined;
    if (arch === 'amd64' || arch === '386') {
      if (op === 'lock') kind = 'lock';
      else if (op.startsWith('xchg') && args.includes('(')) kind = 'xchg';
      else if (op === 'mfence') kind = 'mfence';
    } else kind = CLASSES.find(([, re]) => re.test(op))?.[0];
    if (!kind) continue;
    const name = owner(Number.parseInt(m[1] as string, 16));
    if (!name) continue;
    const c = out.get(name) ?? { lse: 0, llsc: 0, ldar: 0, stlr: 0, dmb: 0, lock: 0, xchg: 0, mfence: 0 };
    c[kind]++;
    out.set(name, c);
  }
  return out;
}

async function expectExact(file: string, report: Report): Promise<number> {
  const truth = await objdumpCounts(file, report.arch);
  const kinds: Kind[] = report.arch === 'arm64' ? ['lse', 'llsc', 'ldar', 'stlr', 'dmb'] : report.arch === 'arm' ? ['llsc', 'dmb'] : ['lock', 'xchg', 'mfence'];
  const mine = new Map(report.functions.map((f) => [f.name, f]));
  const diffs: string[] = [];
  let total = 0;
  for (const name of new Set([...truth.keys(), ...mine.keys()])) {
    const t = truth.get(name);
    const g = mine.get(name);
    for (const k of kinds) {
      total += t?.[k] ?? 0;
      if ((t?.[k] ?? 0) !== (g?.[k] ?? 0)) diffs.push(`${name} ${k}: objdump ${t?.[k] ?? 0}, goready ${g?.[k] ?? 0}`);
    }
  }
  expect(diffs.slice(0, 10)).toEqual([]);
  expect(report.skippedFunctions).toBe(0);
  return total;
}

const arm64Fixtures = toolchainFixtures('atomics').filter((f) => f.goarch === 'arm64');

describe('goready atomics on arm64, per function, against aarch64-linux-gnu-objdump', () => {
  it('has a fixture for every toolchain and GOARM64 setting', () => {
    expect(arm64Fixtures.filter((f) => f.variant === 'arm64').map((f) => f.go)).toEqual(['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']);
    expect(arm64Fixtures.filter((f) => f.variant !== 'arm64').length).toBe(8);
  });
  for (const f of arm64Fixtures) {
    const label = `go${f.go} ${f.variant}`;
    it(`${label}: exact counts; guarded ${f.variant === 'arm64' ? 'everywhere' : 'nowhere'}`, async () => {
      const [r] = atomics(f.file);
      const counted = await expectExact(f.file, r as Report);
      expect(counted).toBeGreaterThan(500);
      const rep = r as Report;
      expect(rep.lse.total).toBeGreaterThan(100);
      if (f.variant === 'arm64') {
        // GOARM64=v8.0 (or a Go before GOARM64): both paths behind the runtime's test.
        expect(rep.requiresLSE).toBe(false);
        expect(rep.lse.unguarded).toBe(0);
        expect(rep.llsc.total).toBeGreaterThanOrEqual(rep.lse.total);
      } else {
        // v8.1 and v8.0,lse: LSE with no fallback.
        expect(rep.goarm64).toBe(f.variant === 'arm64-v8.1' ? 'v8.1' : 'v8.0,lse');
        expect(rep.requiresLSE).toBe(true);
        expect(rep.lse.guarded).toBe(0);
      }
    });
  }

  it('hand-written LSE assembly is unguarded though GOARM64=v8.0', async () => {
    const f = toolchainFixtures('lseasm')[0] as ToolchainFixture;
    const [r] = atomics(f.file);
    await expectExact(f.file, r as Report);
    expect(r?.goarm64).toBe('v8.0');
    expect(r?.requiresLSE).toBe(true);
    expect(r?.functions.find((x) => x.name === 'main.add')).toMatchObject({ lse: 1, llsc: 0, guarded: false, mnemonics: { ldaddal: 1 } });
    expect(r?.lse.unguarded).toBe(1);
  });

  for (const name of ['@esbuild/linux-arm64@0.28.2/esbuild', 'esbuild-linux-arm64@0.11.20/esbuild', 'linux-arm64']) {
    it(`real binary ${name}: exact counts, nothing unguarded`, async () => {
      const file = entry(name).file;
      const [r] = atomics(file);
      expect(await expectExact(file, r as Report)).toBeGreaterThan(500);
      expect(r?.requiresLSE).toBe(false);
    });
  }
});

describe('goready atomics on amd64, 386 and arm against objdump', () => {
  const cases = [
    ...toolchainFixtures('atomics').filter((f) => f.goarch === 'amd64' && (f.go === '1.19' || f.go === '1.27')),
    ...toolchainFixtures('atomics').filter((f) => f.goarch === '386' || f.goarch === 'arm'),
  ];
  for (const f of cases) {
    it(`go${f.go} ${f.variant}: exact counts per function`, async () => {
      const [r] = atomics(f.file);
      expect(r?.arch).toBe(f.goarch);
      expect(await expectExact(f.file, r as Report)).toBeGreaterThan(10);
    });
  }
});

describe('the verdict, and what qemu-aarch64 shows', () => {
  const v81 = arm64Fixtures.find((f) => f.go === '1.27' && f.variant === 'arm64-v8.1') as ToolchainFixture;
  const v80 = arm64Fixtures.find((f) => f.go === '1.27' && f.variant === 'arm64') as ToolchainFixture;
  const asm = toolchainFixtures('lseasm')[0] as ToolchainFixture;
  const qemu = (cpu: string, file: string) => {
    const r = spawnSync('qemu-aarch64', ['-cpu', cpu, file], { encoding: 'utf8' });
    if (r.error) throw new Error(`qemu-aarch64: ${r.error.message} (apt-get install qemu-user)`);
    return r;
  };

  it('v8.1 on a Cortex-A53: goready says fatal GR-CPU-004, qemu dies with SIGILL and Go prints nothing; -cpu max runs it', () => {
    const [r] = atomics(v81.file, ['--cpu', 'cortex-a53', '--fail-on', 'fatal']);
    expect(r?.verdict?.findings.map((f) => f.id)).toEqual(['GR-CPU-004']);
    expect(goready(['atomics', '--cpu', 'cortex-a53', '--fail-on', 'fatal', v81.file]).code).toBe(1);
    const a53 = qemu('cortex-a53', v81.file);
    expect(a53.signal).toBe('SIGILL');
    expect(a53.stdout + a53.stderr).not.toMatch(/panic|fatal error|goroutine/);
    const max = qemu('max', v81.file);
    expect(max.status, max.stderr).toBe(0);
    expect(max.stdout).toBe('4000 8000 0 true\n');
  });

  it('v8.0 on a Cortex-A53: no finding, and it runs', () => {
    const [r] = atomics(v80.file, ['--cpu', 'cortex-a53']);
    expect(r?.verdict?.findings).toEqual([]);
    expect(qemu('cortex-a53', v80.file).stdout).toBe('4000 8000 0 true\n');
  });

  it('hand-written LSE: check (snapshot of a Cortex-A53 VM) now reports GR-CPU-004 from the instruction, and qemu agrees', () => {
    const host = join(import.meta.dirname, 'data', 'hosts', 'qemu-arm64-cortex-a53-sh.json');
    const c = goready(['check', '--format', 'json', '--host', host, asm.file]);
    const findings = JSON.parse(c.stdout) as { id: string; evidence: string[] }[];
    const f = findings.find((x) => x.id === 'GR-CPU-004');
    expect(f?.evidence).toContainEqual(expect.stringMatching(/^1 of \d+ LSE instructions run without the runtime's LSE check$/));
    expect(f?.evidence).toContain('unguarded LSE in main.add (1× ldaddal)');
    // Once the runtime is up it catches the SIGILL and prints where (a v8.1 runtime dies before that).
    const a53 = qemu('cortex-a53', asm.file);
    expect(a53.status).toBe(2);
    expect(a53.stderr).toMatch(/^SIGILL: illegal instruction\n[\s\S]*\nmain\.add\(/);
    expect(qemu('max', asm.file).stdout).toBe('5\n');
  });

  it('LL/SC only on a many-core LSE CPU: GR-CPU-005 (medium) on Graviton2; not on a 4-core Pi 5, not on an A72', () => {
    // No toolchain here emits LL/SC alone (Go >= 1.14 always adds the guarded LSE path), so the
    // census of the real v8.0 binary is changed in one fact: its LSE instructions are taken out.
    const [r] = atomics(v80.file);
    const llscOnly = summarizeAtomics((r as Report).functions.map((f) => ({ ...f, lse: 0, guarded: false, package: '', entry: 0 })));
    const verdict = (name: string) => {
      const m = cpuModel(name) as NonNullable<ReturnType<typeof cpuModel>>;
      return lseFindings({ path: v80.file, goarm64: 'v8.0' }, llscOnly, { name, lse: m.lse, cores: m.cores, model: null, evidence: m.source });
    };
    expect(verdict('graviton2').map((f) => [f.id, f.severity])).toEqual([['GR-CPU-005', 'medium']]);
    expect(verdict('graviton2')[0]?.fix).toContain('GOARM64=v8.1');
    expect(verdict('raspberry-pi-5')).toEqual([]);
    expect(verdict('cortex-a72')).toEqual([]);
    // The unchanged census (guarded LSE present) is fine on Graviton2.
    expect(atomics(v80.file, ['--cpu', 'graviton2'])[0]?.verdict?.findings).toEqual([]);
  });

  it('--cpu list, unknown CPUs, --host with --cpu, a non-Go file and a truncated binary: one-line errors, exit 2', () => {
    expect(goready(['atomics', '--cpu', 'list', v80.file]).stdout).toMatch(/^cortex-a53\tCortex-A53\tARMv8\.0-A\tLSE no/m);
    const unknown = goready(['atomics', '--cpu', 'pentium', v80.file]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^goready: --cpu pentium: unknown CPU \(known: cortex-a53, /);
    const dir = mkdtempSync(join(tmpdir(), 'goready-atomics-'));
    const text = join(dir, 'notes.txt');
    writeFileSync(text, 'hello');
    const t = goready(['atomics', text]);
    expect(t.code).toBe(2);
    expect(t.stderr.trim().split('\n')).toHaveLength(1);
    const cut = join(dir, 'cut');
    copyFileSync(v80.file, cut);
    writeFileSync(cut, readFileSync(cut).subarray(0, 300_000));
    const c = goready(['atomics', cut]);
    expect(c.code).toBe(2);
    expect(c.stderr.trim().split('\n')).toHaveLength(1);
    expect(c.stderr).toMatch(/^goready: /);
  });
});

describe('text output', () => {
  it("states the totals, the guard, and Go's real memory model", () => {
    const f = arm64Fixtures.find((x) => x.go === '1.19') as ToolchainFixture;
    const out = execFileSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'cli', 'main.js'), 'atomics', '--by', 'package', f.file], {
      encoding: 'utf8',
    });
    expect(out).toMatch(/\tLSE\t\d+ \(\d+ guarded, 0 unguarded\)/);
    expect(out).toMatch(/requires LSE\tno: every LSE instruction sits behind the runtime's check \(runtime\.arm64HasATOMICS/);
    expect(out).toMatch(/\truntime\t\d+ functions/);
    expect(out).toContain('sequentially consistent');
  });
});
