import { describe, expect, it } from 'vitest';
import type { SeccompReport } from '../src/core/facts/seccomp.js';
import { syscallTable } from '../src/core/linux/syscalls.js';
import { seccompFile } from '../src/node/seccomp/analyse.js';
import { qemuNames, straceNames } from './helpers/syscall-truth.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/**
 * fixtures/toolchains/crafted: hand-written assembly made to be hard on the extractor, built by
 * every toolchain for amd64, arm64 and 386, stripped and not, and run under strace -f / qemu-aarch64
 * -strace. What is resolvable is resolved at the crafted function (a global a package init sets:
 * both numbers); what only the running program knows (a table at a run-time index, a zero global
 * set by main) is listed unresolved at that function, and those are the only calls the trace sees
 * that the static set lacks.
 */
function sitesOf(report: SeccompReport, name: string): string[] {
  return (report.syscalls.find((s) => s.name === name)?.sites ?? []).map(
    (s) => `${s.function} ${s.kind}${s.via ? ` via ${s.via}` : ''}${s.global ? ` ${s.global}` : ''}`,
  );
}

describe('seccomp on crafted assembly: loops, branches, tables, globals, mutually recursive wrappers, dead bytes', () => {
  const fixtures = toolchainFixtures('crafted');
  it('is built by every toolchain, amd64, arm64 and 386, stripped and not', () => {
    expect(new Set(fixtures.map((f) => f.go))).toEqual(new Set(['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']));
    expect(new Set(fixtures.map((f) => f.variant))).toEqual(new Set(['amd64', 'amd64-stripped', 'arm64', 'arm64-stripped', '386', '386-stripped']));
  });
  for (const f of fixtures) {
    it(f.path, async () => {
      const report = await seccompFile(f.file, { runtime: 'none' });
      const arm = f.goarch === 'arm64';
      // The trap carried around a loop in another register, and each arm of a branch.
      expect(sitesOf(report, 'getppid')).toContain('main.loopSyscall asm');
      expect(sitesOf(report, 'getuid')).toContain('main.branchTrap asm');
      expect(sitesOf(report, 'geteuid')).toContain('main.branchTrap asm');
      // An initialised global: its value in the file, named unless stripped.
      const times = sitesOf(report, 'times').find((s) => s.startsWith('main.globalTrap global'));
      expect(times).toMatch(f.stripped ? /^main\.globalTrap global 0x[0-9a-f]+$/ : /^main\.globalTrap global main\.initTrap$/);
      // A global main's init sets: the number in the file and the one init.0 stores, each with its source.
      expect(sitesOf(report, 'getpid')).toContain(
        `main.setTrapCall global ${f.stripped ? report.syscalls.find((s) => s.name === 'getsid')?.sites[0]?.global : 'main.setTrap'}`,
      );
      const set = report.syscalls.find((s) => s.name === 'getsid')?.sites.find((s) => s.function === 'main.setTrapCall');
      expect(set?.setBy).toBe('main.init.0');
      expect(set?.global).toMatch(f.stripped ? /^0x[0-9a-f]+$/ : /^main\.setTrap$/);
      // Two ABI0 wrappers that pass the trap to each other (stack+8 at entry, stack+4 on 386, under a frame and the
      // stack check): both found, and the constant resolved where main passes it.
      for (const w of ['main.passA', 'main.passB'])
        expect(report.wrappers.find((x) => x.function === w)?.trap).toEqual([f.goarch === '386' ? 'stack+4' : 'stack+8']);
      expect(sitesOf(report, arm ? 'getpgid' : 'getpgrp').some((s) => /^main\.\S+ wrapper via main\.pass[AB]$/.test(s))).toBe(true);
      // Listed, never dropped: what only the running program knows, and the kernel entry in dead bytes.
      const why = (fn: string) => report.unresolved.filter((u) => u.function === fn).map((u) => u.why);
      expect(why('main.tableTrap')).toEqual(['trap computed at run time (not a constant, an argument or an initialised global)']);
      const bss = why('main.bssTrapCall');
      expect(bss).toHaveLength(1);
      expect(bss[0]).toMatch(
        new RegExp(`^trap read from ${f.stripped ? '0x[0-9a-f]+' : 'main\\.bssTrap'}, which is set at run time \\(no initial value in the file\\)$`),
      );
      // (Go 1.19's arm64 assembler emits a second SVC among junk's words: both are listed.)
      expect(new Set(why('main.junk'))).toEqual(
        new Set(['in code no path from the function entry reaches (bytes after a return, say): if it ever runs, its trap is unknown']),
      );
      expect(new Set(report.unresolved.map((u) => u.function))).toEqual(
        new Set(['main.bssTrapCall', 'main.junk', 'main.tableTrap', 'runtime.runPerThreadSyscall']),
      );

      // The kernel's view: everything the run makes is in the static set, except the two traps
      // listed unresolved (getegid from the table, getgid from the zero global).
      const run = arm ? qemuNames(f.file, []) : straceNames(f.file, [], f.goarch === '386' ? { multiplexed: { 102: 'socketcall' } } : {});
      expect(run.stdout).toBe('crafted ok\n');
      for (const n of ['getppid', 'getuid', 'geteuid', 'getegid', 'times', 'getgid', 'getsid', arm ? 'getpgid' : 'getpgrp']) expect(run.names).toContain(n);
      const table = syscallTable(f.goarch);
      const all = new Set(report.syscalls.map((s) => s.name));
      const missing = [...run.names].filter((n) => !all.has(n)).sort();
      expect(
        missing.every((n) => n === 'getegid' || n === 'getgid'),
        missing.join(', '),
      ).toBe(true);
      expect(table?.number('getegid')).toBe(({ amd64: 108, arm64: 177, '386': 50 } as Record<string, number>)[f.goarch]);
    });
  }
});
