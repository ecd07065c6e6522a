import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SeccompReport } from '../src/core/facts/seccomp.js';
import { seccompFile } from '../src/node/seccomp/analyse.js';
import { CORPUS } from './helpers/corpus.js';
import { qemuNames, straceNames } from './helpers/syscall-truth.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/**
 * Recall against the kernel's view: every syscall a real run makes — seen by `strace -f` on amd64
 * and `qemu-aarch64 -strace` on arm64 — must be in goready's static set. Syscalls no site shows
 * may only be the documented ones every Go program (origin `go`) or its loader (`loader`) needs, with the reason.
 */
/** Calls strace names by a sub-call while seccomp sees one number: socketcall on 386 (Go's syscall package multiplexes sockets through it). */
const MULTIPLEXED: Record<string, Record<number, string>> = { '386': { 102: 'socketcall' } };

function check(report: SeccompReport, observed: Set<string>): void {
  const all = new Set(report.syscalls.map((s) => s.name));
  const code = new Set(report.syscalls.filter((s) => s.origin.includes('code')).map((s) => s.name));
  const missing = [...observed].filter((n) => !all.has(n)).sort();
  expect(missing, `observed but not in the static set`).toEqual([]);
  for (const n of observed) {
    if (code.has(n)) continue;
    const s = report.syscalls.find((x) => x.name === n);
    expect(
      s?.origin.some((o) => o === 'go' || o === 'loader'),
      `${n} has no site: it must be a documented need`,
    ).toBe(true);
    expect(s?.reason).toBeTruthy();
  }
}

/** Unresolved sites are listed with a reason; in these programs only the runtime's replay of AllThreadsSyscall. */
function unresolvedKnown(report: SeccompReport): void {
  for (const u of report.unresolved) expect(u.why.length).toBeGreaterThan(10);
  expect(report.unresolved.map((u) => u.function).filter((f) => f !== 'runtime.runPerThreadSyscall')).toEqual([]);
}

describe('seccomp recall: sysprobe built by every Debian toolchain, amd64 and 386 under strace -f, arm64 under qemu-aarch64 -strace', () => {
  const fixtures = toolchainFixtures('sysprobe');
  it('covers every toolchain, amd64 (plain, stripped, PIE), arm64 and 386 (plain, stripped)', () => {
    expect(new Set(fixtures.map((f) => f.go))).toEqual(new Set(['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']));
    expect(new Set(fixtures.map((f) => f.variant))).toEqual(
      new Set(['amd64', 'amd64-stripped', 'amd64-pie', 'arm64', 'arm64-stripped', '386', '386-stripped']),
    );
  });
  for (const f of fixtures) {
    it(`${f.path}`, async () => {
      const report = await seccompFile(f.file, { runtime: 'none' });
      expect(report.arch).toBe(f.goarch);
      expect(report.goVersion).toBe(f.goVersion);
      // The workload must really have run: every phase printed ok.
      const run = f.goarch === 'arm64' ? qemuNames(f.file, ['-skip', 'exec']) : straceNames(f.file, [], { multiplexed: MULTIPLEXED[f.goarch] });
      expect(run.stdout).toContain('all ok');
      expect(run.names.size).toBeGreaterThan(40);
      check(report, run.names);
      unresolvedKnown(report);
      // The x/sys/unix ABI0 wrappers (trap on the stack even on the register ABI) were resolved.
      const xsys = report.wrappers.filter((w) => w.function.startsWith('golang.org/x/sys/unix.Syscall'));
      expect(xsys.length).toBeGreaterThan(0);
      expect(xsys.every((w) => w.trap.includes(f.goarch === '386' ? 'stack+4' : 'stack+8'))).toBe(true);
      expect(report.syscalls.find((s) => s.name === 'ppoll')?.sites.some((x) => x.function === 'golang.org/x/sys/unix.ppoll')).toBe(true);
      // A trap read from an initialised global (syscall.fcntl64Syscall = SYS_FCNTL): named when the
      // symbol table is there. On 386 syscall.init.0 sets it to SYS_FCNTL64, and that is what runs.
      const global = report.syscalls.find((s) => s.name === 'fcntl')?.sites.find((x) => x.kind === 'global' && x.function === 'syscall.forkAndExecInChild1');
      expect(global?.global).toMatch(f.stripped ? /^0x[0-9a-f]+$/ : /^syscall\.fcntl64Syscall$/);
      if (f.goarch === '386') {
        const set = report.syscalls.find((s) => s.name === 'fcntl64')?.sites.find((x) => x.function === 'syscall.forkAndExecInChild1');
        expect(set?.setBy).toMatch(/^syscall\.init(\.\d+)?$/);
      }
    });
  }
});

/** A real program nobody here wrote, of every Go ABI the corpus has: esbuild bundling a small project. */
describe('seccomp recall: esbuild releases (Go 1.13 … 1.26; the stack ABI before Go 1.17 on amd64 and 1.18 on arm64)', () => {
  const project = mkdtempSync(join(tmpdir(), 'goready-esbuild-'));
  mkdirSync(join(project, 'src'));
  writeFileSync(join(project, 'src', 'a.js'), 'import { b } from "./b.js";\nconsole.log(b(2));\n');
  writeFileSync(join(project, 'src', 'b.js'), 'export function b(x) { return x * 2 }\n');
  // With the toolchains (1.19, 1.21–1.24, 1.26, 1.27) every Go from 1.13 to 1.27 is covered on amd64;
  // arm64 has 1.14, 1.16, 1.17 (stack ABI) and 1.18 (its first register ABI) here.
  const cases: [string, string][] = [
    ['esbuild-linux-64@0.1.9', 'go1.13.8'],
    ['esbuild-linux-64@0.1.26', 'go1.14.2'],
    ['esbuild-linux-64@0.8.2', 'go1.15'],
    ['esbuild-linux-64@0.11.23', 'go1.16.3'],
    ['esbuild-linux-64@0.12.29', 'go1.17.1'],
    ['esbuild-linux-64@0.14.30', 'go1.18'],
    ['esbuild-linux-64@0.15.18', 'go1.19.3'],
    ['esbuild__linux-x64@0.17.19', 'go1.20.4'],
    ['esbuild__linux-x64@0.27.0', 'go1.25.4'],
    ['esbuild__linux-x64@0.28.2', 'go1.26.5'],
    ['esbuild-linux-arm64@0.4.0', 'go1.14.2'],
    ['esbuild-linux-arm64@0.11.20', 'go1.16.3'],
    ['esbuild-linux-arm64@0.13.15', 'go1.17.2'],
    ['esbuild-linux-arm64@0.14.30', 'go1.18'],
    ['esbuild__linux-arm64@0.28.2', 'go1.26.5'],
    ['esbuild__linux-ia32@0.25.12', 'go1.23.12'],
  ];
  for (const [pkg, go] of cases) {
    it(`${pkg} (${go})`, async () => {
      const file = join(CORPUS, 'npm', pkg, 'bin', 'esbuild');
      const report = await seccompFile(file, { runtime: 'none' });
      expect(report.goVersion).toBe(go);
      const out = join(project, `out-${pkg}.js`);
      const args = ['src/a.js', '--bundle', `--outfile=${out}`];
      // ownOnly: esbuild 0.1.x runs `stty size`, whose calls are stty's, not the binary's.
      const run =
        report.arch === 'arm64'
          ? qemuNames(file, args, { cwd: project })
          : straceNames(file, args, { cwd: project, ownOnly: true, multiplexed: MULTIPLEXED[report.arch] });
      expect(run.status).toBe(0);
      // A program that starts others is told that they run under the same filter.
      if (run.execs.length) expect(report.notes.some((n) => n.startsWith('the program can start other programs (execve at '))).toBe(true);
      // Old releases rename b (b2) or wrap modules: the body is what every release keeps.
      expect(readFileSync(out, 'utf8')).toContain('return x * 2');
      check(report, run.names);
      expect(report.unresolved.filter((u) => u.function !== 'runtime.runPerThreadSyscall')).toEqual([]);
    });
  }
});
