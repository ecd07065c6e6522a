import { type CheckInput, fmtBytes, goAtLeast } from '../facts/target.js';
import type { Finding } from './finding.js';

/**
 * Kernel settings that make a Go program slow or bloated rather than broken.
 *   GR-CLOCK-001  clocksource without a vDSO fast path: every time.Now is a system call
 *   GR-MEM-001    THP always with khugepaged max_ptes_none at its default: RSS above the heap
 *   GR-MEM-002    vm.max_map_count at its default on a machine with room for a large heap
 */
export function tuningChecks({ binary: r, target }: CheckInput): Finding[] {
  if (!target || r.file.format !== 'elf') return [];
  const out: Finding[] = [];
  const { host } = target;
  const clock = host.clocksource.current;
  if (clock && ['xen', 'hpet', 'acpi_pm'].includes(clock)) {
    out.push({
      id: 'GR-CLOCK-001',
      severity: 'medium',
      title: `Clocksource ${clock}: time.Now is a system call on ${target.name}`,
      subject: r.path,
      evidence: [`${target.name}: clocksource ${clock} (available: ${host.clocksource.available?.join(' ') ?? 'unknown'})`],
      fix: 'The vDSO can only read tsc, kvm-clock, hyperv and arch_sys_counter clocks from user space; others fall back to a real clock_gettime system call, 10–20× slower, which timers, deadlines and tracing pay for. Switch when tsc is available: echo tsc > /sys/devices/system/clocksource/clocksource0/current_clocksource (or clocksource=tsc tsc=reliable on the kernel command line).',
      refs: ['https://github.com/golang/go/issues/57749'],
    });
  }
  const thp = host.thp;
  if (thp.enabled === 'always' && thp.maxPtesNone === 511 && goAtLeast(r, [1, 21, 1])) {
    out.push({
      id: 'GR-MEM-001',
      severity: 'low',
      title: `Transparent huge pages always, khugepaged max_ptes_none 511 on ${target.name}`,
      subject: r.path,
      evidence: [`${target.name}: transparent_hugepage/enabled always`, `${target.name}: khugepaged/max_ptes_none 511`, `Go version ${r.go.version}`],
      fix: 'khugepaged collapses sparsely used heap memory the Go scavenger has returned into huge pages again, so RSS can grow well above the live heap. Set /sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none to 0, THP to madvise, or run with GODEBUG=disablethp=1.',
      refs: ['https://go.dev/doc/gc-guide#Linux_transparent_huge_pages'],
    });
  }
  const maps = Number(host.sysctls['vm.max_map_count'] ?? Number.NaN);
  const memKiB = typeof host.cgroup.memory.max === 'number' ? host.cgroup.memory.max / 1024 : host.memory.totalKiB;
  if (Number.isFinite(maps) && maps <= 65530 && memKiB !== null && memKiB >= 64 * 2 ** 20) {
    out.push({
      id: 'GR-MEM-002',
      severity: 'low',
      title: `vm.max_map_count ${maps} with ${fmtBytes(memKiB * 1024)} of memory on ${target.name}`,
      subject: r.path,
      evidence: [`${target.name}: vm.max_map_count = ${maps}`, `${target.name}: memory ${fmtBytes(memKiB * 1024)}`],
      fix: 'A large, fragmented Go heap, mmap-heavy libraries (bleve, badger, bolt) or many goroutine stacks can exhaust the mapping count; mmap then fails with ENOMEM and Go aborts with "fatal error: runtime: cannot allocate memory". Raise it: sysctl -w vm.max_map_count=262144.',
      refs: ['https://github.com/golang/go/issues/12233'],
    });
  }
  return out;
}
