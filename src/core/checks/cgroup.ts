import { type CheckInput, defaultGodebug, fmtBytes, goAtLeast, hasDep } from '../facts/target.js';
import { type Checks, onTarget } from './check.js';

/** cgroup CPU and memory limits against the Go runtime's defaults (GR-CGROUP-*; rules.ts has each rule). */
export const cgroupChecks = {
  'GR-CGROUP-001': onTarget(({ binary: r, target }) => {
    const { host, env } = target;
    const cg = host.cgroup;
    const unit = host.systemd?.properties ?? null;
    const cpus = host.cpu.affinityCount ?? host.cpu.onlineCount;
    let quota: { cpus: number; evidence: string } | null = null;
    if (typeof cg.cpu.quotaUsec === 'number' && cg.cpu.periodUsec) {
      quota = {
        cpus: cg.cpu.quotaUsec / cg.cpu.periodUsec,
        evidence: `${target.name}: cgroup ${cg.version ?? ''} CPU quota ${cg.cpu.quotaUsec}/${cg.cpu.periodUsec} µs (${cg.cpu.dir ?? cg.path ?? ''})`,
      };
    }
    const unitQuota = systemdUsec(unit?.CPUQuotaPerSecUSec ?? null);
    if (unitQuota !== null && (!quota || unitQuota / 1e6 < quota.cpus)) {
      quota = { cpus: unitQuota / 1e6, evidence: `${target.name}: systemd ${host.systemd?.unit} CPUQuotaPerSecUSec=${unit?.CPUQuotaPerSecUSec}` };
    }
    // Go ≥ 1.25 sizes GOMAXPROCS to the cgroup limit itself, unless the go line kept the old default.
    const runtimeAware = goAtLeast(r, [1, 25, 0]) && defaultGodebug(r, 'containermaxprocs') !== '0';
    const auto = hasDep(r, 'go.uber.org/automaxprocs');
    if (!quota || !cpus || Math.ceil(quota.cpus) >= cpus || runtimeAware || auto || env.GOMAXPROCS !== undefined) return null;
    const evidence = [quota.evidence, `${target.name}: ${cpus} CPUs usable (${host.cpu.affinity ?? host.cpu.online ?? ''})`, `Go version ${r.go.version}`];
    const godebug = defaultGodebug(r, 'containermaxprocs');
    if (godebug !== undefined) evidence.push(`DefaultGODEBUG containermaxprocs=${godebug}`);
    const { nrPeriods, nrThrottled, throttledUsec } = cg.cpu;
    if (nrPeriods !== null && nrThrottled !== null) {
      evidence.push(
        `${target.name}: cpu.stat nr_throttled ${nrThrottled} of nr_periods ${nrPeriods}${throttledUsec !== null ? `, throttled ${(throttledUsec / 1e6).toFixed(1)} s` : ''}`,
      );
    }
    const throttled = nrPeriods && nrThrottled ? nrThrottled / nrPeriods : 0;
    const want = Math.max(1, Math.floor(quota.cpus));
    return {
      severity: throttled >= 0.05 ? 'high' : 'medium',
      title: `GOMAXPROCS will be ${cpus} under a ${fmtCpus(quota.cpus)}-CPU quota`,
      evidence,
      fix: `The runtime runs ${cpus} threads of Go code against a quota of ${fmtCpus(quota.cpus)} CPUs, so the cgroup is throttled in bursts and tail latency grows. Set GOMAXPROCS=${want} in the environment, import go.uber.org/automaxprocs, or build with Go ≥ 1.25 and a go line ≥ 1.25 (container-aware GOMAXPROCS).`,
    };
  }),

  'GR-CGROUP-002': onTarget(({ binary: r, target }) => {
    const { host, env } = target;
    const cg = host.cgroup;
    const unit = host.systemd?.properties ?? null;
    let mem: { bytes: number; evidence: string } | null = null;
    if (typeof cg.memory.max === 'number')
      mem = {
        bytes: cg.memory.max,
        evidence: `${target.name}: cgroup memory limit ${cg.memory.max} bytes (${fmtBytes(cg.memory.max)}, ${cg.memory.dir ?? cg.path ?? ''})`,
      };
    const unitMem = unit?.MemoryMax && /^\d+$/.test(unit.MemoryMax) ? Number(unit.MemoryMax) : null;
    if (unitMem !== null && (!mem || unitMem < mem.bytes))
      mem = { bytes: unitMem, evidence: `${target.name}: systemd ${host.systemd?.unit} MemoryMax=${unit?.MemoryMax}` };
    // A limit at or above physical memory changes nothing.
    const total = host.memory.totalKiB ? host.memory.totalKiB * 1024 : null;
    if (
      !mem ||
      (total !== null && mem.bytes >= total) ||
      env.GOMEMLIMIT !== undefined ||
      hasDep(r, 'github.com/KimMachineGun/automemlimit') ||
      !goAtLeast(r, [1, 19, 0])
    )
      return null;
    const limit = Math.floor((mem.bytes * 0.9) / 2 ** 20);
    return {
      title: `Memory limit ${fmtBytes(mem.bytes)} without GOMEMLIMIT`,
      evidence: [mem.evidence, `${target.name}: GOMEMLIMIT not set${Object.keys(env).length ? ' in the known environment' : ''}`],
      fix: `The Go runtime does not read the cgroup limit: the GC paces by GOGC alone and the kernel OOM-kills the process when the heap outgrows the limit. Set GOMEMLIMIT=${limit}MiB (about 90 % of the limit), or import github.com/KimMachineGun/automemlimit.`,
    };
  }),
} satisfies Checks<CheckInput>;

function fmtCpus(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(2);
}

/** systemd time spans as `systemctl show` prints them: "500ms", "1s", "1.500s", "infinity"; µs, or null. */
export function systemdUsec(v: string | null): number | null {
  if (!v || v === 'infinity') return null;
  let total = 0;
  const re = /(\d+(?:\.\d+)?)\s*(us|ms|s|min|h)/g;
  let matched = false;
  for (let m = re.exec(v); m; m = re.exec(v)) {
    matched = true;
    total += Number(m[1]) * { us: 1, ms: 1e3, s: 1e6, min: 60e6, h: 3600e6 }[m[2] as 'us' | 'ms' | 's' | 'min' | 'h'];
  }
  return matched ? total : null;
}
