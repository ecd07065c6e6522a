import type { HostSnapshot } from '../../core/facts/host.js';
import { cmpC } from '../../core/linux/root.js';
import { x86Level } from '../../core/linux/x86.js';
import { keyValues, read, readTrim } from './read.js';

/** Number of CPUs in a kernel cpu list ("0-3,8-11"); null when malformed. */
function cpuListCount(list: string | null): number | null {
  if (list === null) return null;
  if (list === '') return 0;
  let n = 0;
  for (const part of list.split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return null;
    n += b - a + 1;
  }
  return n;
}

/** /proc/cpuinfo (the first CPU's model and flags), /sys/devices/system/cpu/online and this process's affinity. */
export function cpu(arch: string | null): HostSnapshot['cpu'] {
  const info = keyValues(read('/proc/cpuinfo'));
  const rawFlags = info.get('flags') ?? info.get('Features') ?? null;
  const flags = rawFlags === null ? null : [...new Set(rawFlags.split(/[ \t]+/).filter(Boolean))].sort(cmpC);
  const status = keyValues(read('/proc/self/status'));
  const online = readTrim('/sys/devices/system/cpu/online');
  const affinity = status.get('Cpus_allowed_list') ?? null;
  return {
    arch,
    modelName: info.get('model name') ?? null,
    flags,
    x86Level: arch === 'amd64' && flags !== null ? x86Level(flags) : null,
    atomics: arch === 'arm64' && flags !== null ? flags.includes('atomics') : null,
    online,
    onlineCount: cpuListCount(online),
    affinity,
    affinityCount: cpuListCount(affinity),
  };
}
