import type { StaticSyscalls } from '../../code/syscalls.js';
import { GO_NEEDS, LIBC_NEEDS, LOADER_NEEDS, RUNTIME_NEEDS, type SeccompReport, type SeccompSyscall, type SyscallOrigin } from '../../facts/seccomp.js';
import { syscallTable } from '../../linux/syscalls.js';

export interface ReportInput {
  path: string;
  goVersion: string | null;
  cgo: boolean;
  /** The binary's PT_INTERP (a dynamic loader runs first), or null for static binaries. */
  interpreter: string | null;
  found: StaticSyscalls;
  /** runc, crun, or none. */
  runtime: string;
}

/**
 * The binary's syscall set: every number a site passes, named by the architecture's table, plus
 * what every Go program needs (with the reason) and, with a container runtime, what the runtime
 * calls after loading the filter (named as such). Numbers the table does not know are unresolved.
 */
export function buildSeccompReport(input: ReportInput): SeccompReport {
  const { found } = input;
  const table = syscallTable(found.arch);
  if (!table) throw new Error(`no syscall table for ${found.arch}`);
  const byName = new Map<string, SeccompSyscall>();
  const unresolved = [...found.unresolved];
  for (const [nr, sites] of found.numbers) {
    const name = table.name(nr);
    if (!name) {
      for (const s of sites) unresolved.push({ function: s.function, pc: s.pc, why: `trap ${nr} is no ${found.arch} syscall number` });
      continue;
    }
    byName.set(name, { name, nr, sites: sites.map((s) => ({ ...s })), origin: ['code'] });
  }
  const add = (name: string, reason: string, origin: SyscallOrigin) => {
    const nr = table.number(name);
    if (nr === undefined) return;
    const s = byName.get(name) ?? { name, nr, sites: [], origin: [] };
    s.reason = s.reason ? `${s.reason}; ${reason}` : reason;
    s.origin.push(origin);
    byName.set(name, s);
  };
  for (const n of GO_NEEDS) if (!n.arches || n.arches.includes(found.arch)) add(n.name, n.reason, 'go');
  if (input.interpreter) for (const n of LOADER_NEEDS) if (!n.arches || n.arches.includes(found.arch)) add(n.name, n.reason, 'loader');
  if (input.cgo) for (const n of LIBC_NEEDS) add(n.name, n.reason, 'libc');
  const rt = RUNTIME_NEEDS[input.runtime];
  if (rt) for (const name of rt.names) if (!byName.has(name)) add(name, `container runtime ${rt.runtime} calls it after loading the filter`, 'container');

  const notes: string[] = [];
  if (input.cgo)
    notes.push(
      "cgo binary: the Go part's syscalls are exact and glibc's thread set-up is included (origin libc), but the C code it links makes syscalls no Go site shows and that cannot be seen statically; run the workload under `goready seccomp record -- CMD` (or strace -f) and add what it observes",
    );
  const nf = found.wrappers.filter((w) => w.callers === 0);
  if (nf.length)
    notes.push(`syscall wrappers with no direct caller (their traps can only arrive through function values): ${nf.map((w) => w.function).join(', ')}`);
  if (found.stats.skipped) notes.push(`${found.stats.skipped} functions of the pclntab have no code bytes in the file and were not read`);
  if (input.interpreter)
    notes.push(
      `dynamically linked: the loader ${input.interpreter} runs before Go's code; its calls (glibc 2.36's ld.so as measured) are included as origin "loader"`,
    );
  const exec = byName.get('execve')?.sites ?? [];
  if (exec.length)
    notes.push(
      `the program can start other programs (execve at ${[...new Set(exec.map((s) => s.function))].join(', ')}): a seccomp filter stays in force across execve, so what it starts runs under this profile too and makes calls this binary's code does not show; run the workload under \`goready seccomp record -- CMD\` and add what they need`,
    );
  if (rt) notes.push(`--runtime ${rt.runtime}: the runtime's own calls come from ${rt.source}`);

  return {
    path: input.path,
    arch: found.arch,
    goVersion: input.goVersion,
    syscalls: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    unresolved: unresolved.sort((a, b) => a.pc - b.pc),
    notes,
    wrappers: found.wrappers,
    runtime: rt ? rt.runtime : null,
    cgo: input.cgo,
    stats: { functions: found.stats.functions, analysedFunctions: found.stats.analysed, instructions: found.stats.instructions },
  };
}
