import type { CheckInput } from '../facts/target.js';
import { setting } from '../facts/target.js';
import { levelOf, missingX86Flags } from '../linux/x86.js';
import type { Finding } from './finding.js';

/**
 * The binary's instruction set against the target's CPU.
 *   GR-CPU-001  built for another architecture
 *   GR-CPU-002  GOAMD64 level above what the CPU supports (Go refuses to start)
 *   GR-CPU-003  GOARM hard float (VFP / VFPv3) the CPU lacks (Go refuses to start)
 *   GR-CPU-004  GOARM64 with LSE atomics on a CPU without them (SIGILL, no message)
 */
export function cpuChecks({ binary: r, target }: CheckInput): Finding[] {
  const cpu = target?.host.cpu;
  if (!target || !cpu?.arch || r.file.format !== 'elf') return [];
  const out: Finding[] = [];
  const arch = r.file.arch;
  if (arch !== cpu.arch && !runsNatively(arch, cpu.arch)) {
    const maybe = arch === 'arm' && cpu.arch === 'arm64';
    out.push({
      id: 'GR-CPU-001',
      severity: maybe ? 'medium' : 'fatal',
      title: `Built for ${arch}, ${target.name} is ${cpu.arch}`,
      subject: r.path,
      evidence: [`ELF machine ${arch}`, `${target.name}: uname -m ${target.host.kernel.machine ?? cpu.arch}`],
      fix: maybe
        ? 'Runs only where the arm64 CPU and kernel support 32-bit (AArch32) user space, which many server CPUs lack. Build with GOARCH=arm64.'
        : `exec fails with "exec format error". Build with GOARCH=${cpu.arch}.`,
      refs: ['https://go.dev/doc/install/source#environment'],
    });
    return out;
  }
  const flags = cpu.flags;
  if (arch === 'amd64' && flags) {
    const level = setting(r, 'GOAMD64') ?? 'v1';
    const n = Number(level.slice(1));
    const missing = missingX86Flags(flags, n);
    if (missing.length) {
      out.push({
        id: 'GR-CPU-002',
        severity: 'fatal',
        title: `Built for x86-64-${level}; the CPU of ${target.name} lacks ${missing.join(', ')}`,
        subject: r.path,
        evidence: [
          `build setting GOAMD64=${level}`,
          `${target.name}: ${cpu.modelName ?? 'CPU'} supports up to ${cpu.x86Level ?? 'x86-64-v1'}; missing flags ${missing.join(' ')}`,
        ],
        fix: `Go exits at start with "This program can only be run on AMD64 processors with ${level} microarchitecture support.". Build with GOAMD64=v${levelOf(flags)} (or v1), or give the VM the host CPU model (e.g. Proxmox cpu: host, x86-64-v${n}).`,
        refs: ['https://go.dev/wiki/MinimumRequirements#amd64'],
      });
    }
  }
  if (arch === 'arm' && cpu.arch === 'arm' && flags) {
    const goarm = setting(r, 'GOARM') ?? '';
    const [v, float] = goarm.split(',');
    const hard = float ? float === 'hardfloat' : v !== '5';
    const need = !hard ? [] : v === '7' ? ['vfp', 'vfpv3'] : v === '6' || v === '5' ? ['vfp'] : [];
    const missing = need.filter((f) => !flags.includes(f));
    if (goarm && missing.length) {
      const message = missing.includes('vfp')
        ? 'runtime: this CPU has no floating point hardware, so it cannot run a binary compiled for hard floating point. Recompile adding ,softfloat to GOARM.'
        : 'runtime: this CPU has no VFPv3 floating point hardware, so it cannot run a binary compiled for VFPv3 hard floating point. Recompile adding ,softfloat to GOARM or changing GOARM to 6.';
      out.push({
        id: 'GR-CPU-003',
        severity: 'fatal',
        title: `Built with GOARM=${goarm}; the CPU of ${target.name} lacks ${missing.join(', ')}`,
        subject: r.path,
        evidence: [`build setting GOARM=${goarm}`, `${target.name}: /proc/cpuinfo Features ${flags.join(' ')}`],
        fix: `Go exits at start with "${message}"`,
        refs: ['https://go.dev/wiki/GoArm'],
      });
    }
  }
  if (arch === 'arm64' && cpu.atomics === false) {
    const goarm64 = setting(r, 'GOARM64');
    if (goarm64 && needsLse(goarm64)) {
      out.push({
        id: 'GR-CPU-004',
        severity: 'fatal',
        title: `Built with GOARM64=${goarm64} (LSE atomics); the CPU of ${target.name} has none`,
        subject: r.path,
        evidence: [`build setting GOARM64=${goarm64}`, `${target.name}: /proc/cpuinfo Features has no "atomics"${cpu.modelName ? ` (${cpu.modelName})` : ''}`],
        fix: 'The first atomic operation dies with SIGILL (illegal instruction); Go prints no start-up message for this. Build with GOARM64=v8.0 (the default), which checks for LSE at run time.',
        refs: ['https://github.com/golang/go/issues/69124', 'https://go.dev/wiki/MinimumRequirements#arm64'],
      });
    }
  }
  return out;
}

/** Binaries the kernel runs on a CPU of another GOARCH without emulation. */
function runsNatively(binary: string, host: string): boolean {
  return binary === '386' && host === 'amd64';
}

/** GOARM64=v8.1+ or v9.x, or the ,lse option, makes the compiler emit LSE atomics unconditionally. */
export function needsLse(goarm64: string): boolean {
  const [base, ...opts] = goarm64.split(',');
  if (opts.includes('lse')) return true;
  const m = /^v(\d+)\.(\d+)$/.exec(base ?? '');
  return !!m && (Number(m[1]) > 8 || Number(m[2]) >= 1);
}
