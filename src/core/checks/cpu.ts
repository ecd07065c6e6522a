import { type CheckInput, setting } from '../facts/target.js';
import { levelOf, missingX86Flags } from '../linux/x86.js';
import { type Checks, onTarget } from './check.js';

/** The binary's instruction set against the target's CPU (GR-CPU-*; rules.ts has each rule). */
export const cpuChecks = {
  'GR-CPU-001': onTarget(({ binary: r, target }) => {
    const cpu = target.host.cpu;
    const arch = r.file.arch;
    if (!cpu.arch || runsOn(arch, cpu.arch)) return null;
    const maybe = arch === 'arm' && cpu.arch === 'arm64';
    return {
      severity: maybe ? 'medium' : 'fatal',
      title: `Built for ${arch}, ${target.name} is ${cpu.arch}`,
      evidence: [`ELF machine ${arch}`, `${target.name}: uname -m ${target.host.kernel.machine ?? cpu.arch}`],
      fix: maybe
        ? 'Runs only where the arm64 CPU and kernel support 32-bit (AArch32) user space, which many server CPUs lack. Build with GOARCH=arm64.'
        : `exec fails with "exec format error". Build with GOARCH=${cpu.arch}.`,
    };
  }),

  'GR-CPU-002': onTarget(({ binary: r, target }) => {
    const cpu = target.host.cpu;
    const flags = cpu.flags;
    if (r.file.arch !== 'amd64' || cpu.arch !== 'amd64' || !flags) return null;
    const level = setting(r, 'GOAMD64') ?? 'v1';
    const n = Number(level.slice(1));
    const missing = missingX86Flags(flags, n);
    if (!missing.length) return null;
    return {
      title: `Built for x86-64-${level}; the CPU of ${target.name} lacks ${missing.join(', ')}`,
      evidence: [
        `build setting GOAMD64=${level}`,
        `${target.name}: ${cpu.modelName ?? 'CPU'} supports up to ${cpu.x86Level ?? 'x86-64-v1'}; missing flags ${missing.join(' ')}`,
      ],
      fix: `Go exits at start with "This program can only be run on AMD64 processors with ${level} microarchitecture support.". Build with GOAMD64=v${levelOf(flags)} (or v1), or give the VM the host CPU model (e.g. Proxmox cpu: host, x86-64-v${n}).`,
    };
  }),

  'GR-CPU-003': onTarget(({ binary: r, target }) => {
    const cpu = target.host.cpu;
    const flags = cpu.flags;
    if (r.file.arch !== 'arm' || cpu.arch !== 'arm' || !flags) return null;
    const goarm = setting(r, 'GOARM') ?? '';
    const [v, float] = goarm.split(',');
    const hard = float ? float === 'hardfloat' : v !== '5';
    const need = !hard ? [] : v === '7' ? ['vfp', 'vfpv3'] : v === '6' || v === '5' ? ['vfp'] : [];
    const missing = need.filter((f) => !flags.includes(f));
    if (!goarm || !missing.length) return null;
    const message = missing.includes('vfp')
      ? 'runtime: this CPU has no floating point hardware, so it cannot run a binary compiled for hard floating point. Recompile adding ,softfloat to GOARM.'
      : 'runtime: this CPU has no VFPv3 floating point hardware, so it cannot run a binary compiled for VFPv3 hard floating point. Recompile adding ,softfloat to GOARM or changing GOARM to 6.';
    return {
      title: `Built with GOARM=${goarm}; the CPU of ${target.name} lacks ${missing.join(', ')}`,
      evidence: [`build setting GOARM=${goarm}`, `${target.name}: /proc/cpuinfo Features ${flags.join(' ')}`],
      fix: `Go exits at start with "${message}"`,
    };
  }),

  'GR-CPU-004': onTarget(({ binary: r, target }) => {
    const cpu = target.host.cpu;
    if (r.file.arch !== 'arm64' || cpu.arch !== 'arm64' || cpu.atomics !== false) return null;
    const goarm64 = setting(r, 'GOARM64');
    if (!goarm64 || !needsLse(goarm64)) return null;
    return {
      title: `Built with GOARM64=${goarm64} (LSE atomics); the CPU of ${target.name} has none`,
      evidence: [`build setting GOARM64=${goarm64}`, `${target.name}: /proc/cpuinfo Features has no "atomics"${cpu.modelName ? ` (${cpu.modelName})` : ''}`],
    };
  }),
} satisfies Checks<CheckInput>;

/** The kernel runs a binary of this GOARCH on that CPU without emulation (its own, or 386 on amd64). */
function runsOn(binary: string, host: string): boolean {
  return binary === host || (binary === '386' && host === 'amd64');
}

/** GOARM64=v8.1+ or v9.x, or the ,lse option, makes the compiler emit LSE atomics unconditionally. */
export function needsLse(goarm64: string): boolean {
  const [base, ...opts] = goarm64.split(',');
  if (opts.includes('lse')) return true;
  const m = /^v(\d+)\.(\d+)$/.exec(base ?? '');
  return !!m && (Number(m[1]) > 8 || Number(m[2]) >= 1);
}
