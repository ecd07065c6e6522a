/**
 * goready targets: what each binary needs, read against independent tools (go version -m for the
 * build settings, readelf for the machine, the interpreter and the GLIBC_* versions needed), and
 * the verdict on the shipped platform table following from those facts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { DISTROS, PLATFORM_CPUS } from '../src/core/linux/platforms.js';
import { goready } from './helpers/cli.js';
import { entry, GO, run } from './helpers/corpus.js';

interface Targets {
  path: string;
  requires: { os: string; arch: string; goamd64?: string; goarm?: string; goarm64?: string; lse?: boolean; kernel: string | null; glibc: string | null };
  summary: string;
  platforms: { name: string; kind: string; runs: boolean | null; why: string; source: string }[];
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
const validate = ajv.compile(JSON.parse(readFileSync(join(import.meta.dirname, '..', 'schema', 'targets-report.schema.json'), 'utf8')));

const targets = (file: string): Targets => {
  const r = goready(['targets', '--format', 'json', file]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const reports = JSON.parse(r.stdout) as Targets[];
  expect(validate(reports), ajv.errorsText(validate.errors)).toBe(true);
  return reports[0] as Targets;
};

/** The build settings go version -m prints. */
const settings = (file: string): Map<string, string> =>
  new Map(
    run(GO, ['version', '-m', file], { allowFail: true })
      .split('\n')
      .map((l) => /^\tbuild\t([^=]+)=(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1] as string, m[2] as string]),
  );

/** The newest GLIBC_x.y among readelf -V's version needs; null when none. */
function readelfGlibc(file: string): string | null {
  const vs = [...run('readelf', ['-V', '-W', file]).matchAll(/Name: GLIBC_(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
    Number(m[3] ?? 0),
  ]);
  vs.sort((a, b) => (a[0] as number) - (b[0] as number) || (a[1] as number) - (b[1] as number) || (a[2] as number) - (b[2] as number));
  const top = vs.at(-1);
  return top ? top.slice(0, top[2] ? 3 : 2).join('.') : null;
}

const older = (a: string, b: string) => {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) < (y[i] ?? 0);
  return false;
};

describe('goready targets', () => {
  it('a cgo binary needs the glibc readelf shows; distributions with an older glibc, and musl ones, do not run it', () => {
    const e = entry('linux-amd64-cgo');
    const glibc = readelfGlibc(e.file);
    expect(glibc, 'readelf -V lists GLIBC_ versions').not.toBeNull();
    expect(run('readelf', ['-l', '-W', e.file])).toMatch(/Requesting program interpreter: \/lib64\/ld-linux-x86-64\.so\.2/);
    const t = targets(e.file);
    expect(t.requires).toMatchObject({ os: 'linux', arch: 'amd64', glibc, goamd64: settings(e.file).get('GOAMD64') });
    for (const d of DISTROS) {
      const v = t.platforms.find((p) => p.name === d.name);
      expect(v?.runs, d.name).toBe(d.libc.family === 'glibc' && !older(d.libc.version, glibc as string));
      expect(v?.source).toMatch(/^https:\/\//);
    }
    expect(t.summary).toMatch(new RegExp(`^needs glibc ≥ ${glibc?.replace('.', '\\.')}: `));
    // The same line in inspect's text.
    const text = goready(['inspect', e.file]).stdout;
    expect(text).toContain(`\truns on\t${t.summary}\n`);
  });

  it('GOAMD64=v3 rules out the CPUs below x86-64-v3, and every distribution still runs the static binary', () => {
    const e = entry('linux-amd64-v3');
    expect(settings(e.file).get('GOAMD64')).toBe('v3');
    expect(readelfGlibc(e.file)).toBeNull();
    expect(run('readelf', ['-l', '-W', e.file])).not.toMatch(/interpreter/);
    const t = targets(e.file);
    expect(t.requires).toMatchObject({ goamd64: 'v3', glibc: null });
    for (const c of PLATFORM_CPUS.filter((c) => c.arch === 'amd64'))
      expect(t.platforms.find((p) => p.name === c.name)?.runs, c.name).toBe((c.x86Level ?? 1) >= 3);
    expect(t.platforms.filter((p) => p.kind === 'distro').every((p) => p.runs)).toBe(true);
    expect(t.summary).toMatch(/^needs x86-64-v3: Intel Haswell\+, AMD Excavator\+; /);
    expect(t.platforms.find((p) => p.name === 'Intel Sandy Bridge')?.why).toBe('x86-64-v2 < v3');
  });

  it('GOARM from the build settings against the Arm boards: GOARM=7 does not run on a Raspberry Pi 1 (ARMv6)', () => {
    for (const [name, pi1] of [
      ['linux-arm-6', true],
      ['linux-arm-7', false],
    ] as const) {
      const e = entry(name);
      expect(run('readelf', ['-h', e.file])).toMatch(/Machine:\s+ARM$/m);
      const t = targets(e.file);
      expect(t.requires.goarm).toBe(settings(e.file).get('GOARM'));
      expect(t.platforms.find((p) => p.name === 'Raspberry Pi 1')?.runs, name).toBe(pi1);
      expect(t.platforms.find((p) => p.name === 'Raspberry Pi 2')?.runs, name).toBe(true);
      // No RHEL release is built for 32-bit Arm.
      expect(t.platforms.find((p) => p.name === 'RHEL 9')?.runs).toBe(false);
    }
  });

  it('arm64: the kernel minimum of its Go release, no 32-bit boards in the table, text output with the runs-on line', () => {
    const e = entry('linux-arm64');
    expect(run('readelf', ['-h', e.file])).toMatch(/Machine:\s+AArch64/);
    const t = targets(e.file);
    expect(t.requires.arch).toBe('arm64');
    expect(t.requires.kernel).toMatch(/^(2\.6\.32|3\.2)$/);
    expect(t.platforms.some((p) => p.name === 'Raspberry Pi 1')).toBe(false);
    const text = goready(['targets', e.file]);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[1]).toBe(`runs on: ${t.summary}`);
  });

  it('without build info (esbuild strips it) GOAMD64 is unknown: the CPU rows say so, and the summary does not call them binding', () => {
    const file = join(import.meta.dirname, '..', 'node_modules', '@esbuild', 'linux-x64', 'bin', 'esbuild');
    expect(settings(file).has('GOAMD64'), 'go version -m prints no build settings').toBe(false);
    const t = targets(file);
    expect(t.requires.goamd64).toBeUndefined();
    const cpus = t.platforms.filter((p) => p.kind === 'cpu');
    expect(cpus.length).toBeGreaterThan(0);
    expect(cpus.every((p) => p.runs === null && p.why === 'GOAMD64 unknown (no build info)')).toBe(true);
    expect(t.summary).toMatch(/^every listed platform \(linux\/amd64, static, Linux ≥ [\d.]+\); amd64 CPU: GOAMD64 unknown \(no build info\)$/);
  });

  it('a missing file: exit 2, one line naming it', () => {
    const r = goready(['targets', '/nonexistent/bin']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('goready: /nonexistent/bin: no such file or directory\n');
  });
});
