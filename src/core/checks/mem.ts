import { type CheckInput, fmtBytes, goAtLeast } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** Kernel memory settings that bloat or break a Go heap (GR-MEM-*; rules.ts has each rule). */
export const memChecks = {
  'GR-MEM-001': onTarget(({ binary: r, target }) => {
    const { thp } = target.host;
    if (thp.enabled !== 'always' || thp.maxPtesNone !== 511 || !goAtLeast(r, [1, 21, 1])) return null;
    return {
      title: `Transparent huge pages always, khugepaged max_ptes_none 511 on ${target.name}`,
      evidence: [`${target.name}: transparent_hugepage/enabled always`, `${target.name}: khugepaged/max_ptes_none 511`, `Go version ${r.go.version}`],
    };
  }),

  'GR-MEM-002': onTarget(({ target }) => {
    const { host } = target;
    const maps = Number(host.sysctls['vm.max_map_count'] ?? Number.NaN);
    const memKiB = typeof host.cgroup.memory.max === 'number' ? host.cgroup.memory.max / 1024 : host.memory.totalKiB;
    if (!Number.isFinite(maps) || maps > 65530 || memKiB === null || memKiB < 64 * 2 ** 20) return null;
    return {
      title: `vm.max_map_count ${maps} with ${fmtBytes(memKiB * 1024)} of memory on ${target.name}`,
      evidence: [`${target.name}: vm.max_map_count = ${maps}`, `${target.name}: memory ${fmtBytes(memKiB * 1024)}`],
    };
  }),
} satisfies Checks<CheckInput>;
