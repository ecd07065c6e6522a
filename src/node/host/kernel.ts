import os from 'node:os';
import { type HostSnapshot, SYSCTLS, type SysctlName } from '../../core/facts/host.js';
import { int, keyValues, read, readTrim } from './read.js';

/** uname -r and -v as /proc/sys/kernel gives them (os.release/version when /proc is missing). */
export function kernel(machine: string | null, endian: 'little' | 'big'): HostSnapshot['kernel'] {
  return {
    release: readTrim('/proc/sys/kernel/osrelease') ?? os.release(),
    version: readTrim('/proc/sys/kernel/version') ?? os.version(),
    machine,
    endian,
  };
}

/** The sysctls of SYSCTLS, raw text from /proc/sys (null when absent). */
export function sysctls(): HostSnapshot['sysctls'] {
  const out = {} as Record<SysctlName, string | null>;
  for (const n of SYSCTLS) out[n] = readTrim(`/proc/sys/${n.replaceAll('.', '/')}`);
  return out;
}

/** This process's seccomp mode and filter count (/proc/self/status). */
export function seccomp(): HostSnapshot['seccomp'] {
  const s = keyValues(read('/proc/self/status'));
  return { mode: int(s.get('Seccomp')), filters: int(s.get('Seccomp_filters')) };
}

export function clocksource(): HostSnapshot['clocksource'] {
  const avail = readTrim('/sys/devices/system/clocksource/clocksource0/available_clocksource');
  return {
    current: readTrim('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
    available: avail === null ? null : avail.split(/[ \t\n]+/).filter(Boolean),
  };
}

/** The [bracketed] choice of a /sys/kernel/mm/transparent_hugepage file. */
function bracketed(s: string | null): string | null {
  if (s === null) return null;
  const i = s.indexOf('[');
  if (i < 0) return null;
  const j = s.indexOf(']', i + 1);
  return j < 0 ? null : s.slice(i + 1, j);
}

/** Transparent huge pages: enabled, defrag and khugepaged's max_ptes_none. */
export function thp(): HostSnapshot['thp'] {
  return {
    enabled: bracketed(readTrim('/sys/kernel/mm/transparent_hugepage/enabled')),
    defrag: bracketed(readTrim('/sys/kernel/mm/transparent_hugepage/defrag')),
    maxPtesNone: int(readTrim('/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none')),
  };
}
