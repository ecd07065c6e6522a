import type { AtomicsSummary } from '../code/atomics.js';
import type { InspectReport } from '../facts/binary.js';
import { type CheckInput, setting, type Target } from '../facts/target.js';
import { MANY_CORES } from '../linux/cpus.js';
import { levelOf, missingX86Flags } from '../linux/x86.js';
import { type Checks, findingOf, type Hit, onTarget } from './check.js';
import type { Finding } from './finding.js';
import { ruleOf } from './rules.js';

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

  'GR-CPU-004': onTarget(({ binary: r, code, target }) => {
    const cpu = target.host.cpu;
    if (r.file.arch !== 'arm64' || cpu.arch !== 'arm64' || cpu.atomics === null) return null;
    return lseHits(binaryOf(r), code?.atomics ?? null, hostCpu(target))['GR-CPU-004'] ?? null;
  }),

  'GR-CPU-005': onTarget(({ binary: r, code, target }) => {
    const cpu = target.host.cpu;
    if (r.file.arch !== 'arm64' || cpu.arch !== 'arm64' || cpu.atomics === null) return null;
    return lseHits(binaryOf(r), code?.atomics ?? null, hostCpu(target))['GR-CPU-005'] ?? null;
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

/** The CPU an arm64 binary is judged against: a host's Features line, or a model from the CPU table. */
export interface LseTarget {
  name: string;
  lse: boolean;
  cores: number | null;
  model: string | null;
  /** Where `lse` was read: "/proc/cpuinfo Features" or the CPU table's entry and source. */
  evidence: string;
}

const binaryOf = (r: InspectReport) => ({ path: r.path, goarm64: setting(r, 'GOARM64') ?? null });

function hostCpu(target: Target): LseTarget {
  const cpu = target.host.cpu;
  return { name: target.name, lse: cpu.atomics === true, cores: cpu.onlineCount, model: cpu.modelName, evidence: '/proc/cpuinfo Features' };
}

/**
 * GR-CPU-004 and GR-CPU-005 from the build setting and, when the code was read, the instructions:
 * unguarded LSE on a CPU without LSE dies with SIGILL; a binary with only LL/SC loops on a
 * many-core LSE CPU pays for every contended atomic.
 */
export function lseHits(
  r: { path: string; goarm64: string | null },
  atomics: AtomicsSummary | null,
  cpu: LseTarget,
): { 'GR-CPU-004'?: Hit; 'GR-CPU-005'?: Hit } {
  const goarm64 = r.goarm64;
  const bySetting = !!goarm64 && needsLse(goarm64);
  const byCode = !!atomics && atomics.lseUnguarded > 0;
  if (!cpu.lse && (bySetting || byCode)) {
    const evidence: string[] = [];
    if (goarm64) evidence.push(`build setting GOARM64=${goarm64}`);
    if (atomics && byCode) {
      evidence.push(`${atomics.lseUnguarded} of ${atomics.lse} LSE instructions run without the runtime's LSE check`);
      for (const f of atomics.unguardedFunctions) evidence.push(`unguarded LSE in ${f}`);
    }
    evidence.push(`${cpu.name}: ${cpu.evidence} has no "atomics" (LSE)${cpu.model ? ` (${cpu.model})` : ''}`);
    return {
      'GR-CPU-004': {
        title: `LSE atomics without a run-time check; the CPU of ${cpu.name} has none`,
        evidence,
        // The rule's fix is the build setting's; hand-written assembly needs its own.
        ...(bySetting
          ? {}
          : {
              fix: 'The first call of the functions above crashes the process with "SIGILL: illegal instruction" (the runtime is up by then and prints the function). Guard the hand-written LSE assembly with internal/cpu / golang.org/x/sys/cpu ARM64.HasATOMICS and an LDAXR/STLXR fallback, or deploy to a CPU with LSE (ARMv8.1+).',
            }),
      },
    };
  }
  if (cpu.lse && atomics && atomics.lse === 0 && atomics.llsc > 0 && (cpu.cores ?? 0) >= MANY_CORES) {
    return {
      'GR-CPU-005': {
        title: `Only LL/SC atomics on ${cpu.name}, a ${cpu.cores}-core CPU with LSE`,
        evidence: [
          `${atomics.llsc} exclusive load/store instructions (LDXR/STXR loops), no LSE instruction`,
          `${cpu.name}: ${cpu.evidence} has "atomics"; ${cpu.cores} cores`,
        ],
      },
    };
  }
  return {};
}

/** `goready atomics --cpu/--host`: the same two rules as findings, outside a full check. */
export function lseFindings(r: { path: string; goarm64: string | null }, atomics: AtomicsSummary | null, cpu: LseTarget): Finding[] {
  return Object.entries(lseHits(r, atomics, cpu)).map(([id, hit]) => findingOf(ruleOf(id) as NonNullable<ReturnType<typeof ruleOf>>, hit, r.path));
}
