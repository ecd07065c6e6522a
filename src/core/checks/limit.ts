import type { HostSnapshot, LimitValue } from '../facts/host.js';
import { type CheckInput, goAtLeast } from '../facts/target.js';
import { type Checks, type Hit, onTarget } from './check.js';

/** File and thread limits the Go runtime runs into (GR-LIMIT-*; rules.ts has each rule). */
export const limitChecks = {
  'GR-LIMIT-001': onTarget(({ binary: r, code, target }) => {
    const { host } = target;
    const unit = host.systemd?.properties ?? null;
    const raises = goAtLeast(r, [1, 19, 0]);
    const files = limitOf(host, 'Max open files');
    let nofile: { value: number; evidence: string[] } | null = null;
    if (files) {
      const soft = num(files.soft);
      const hard = num(files.hard);
      const value = raises ? hard : soft;
      if (value !== null)
        nofile = { value, evidence: [`${target.name}: RLIMIT_NOFILE soft ${files.soft}, hard ${files.hard} (/proc/self/limits of the collector)`] };
    }
    const unitFiles = num(unit?.LimitNOFILE ?? null);
    if (unitFiles !== null) nofile = { value: unitFiles, evidence: [`${target.name}: systemd ${host.systemd?.unit} LimitNOFILE=${unit?.LimitNOFILE}`] };
    // Open files bound servers (a socket per connection); without the function table, assume one.
    if (!nofile || nofile.value >= 65536 || (code && !code.listensTcp)) return null;
    return {
      severity: nofile.value <= 4096 ? 'high' : 'medium',
      title: `At most ${nofile.value} open files on ${target.name}`,
      evidence: [
        ...nofile.evidence,
        raises ? `Go ${r.go.version} raises the soft limit to the hard limit at start` : `Go ${r.go.version} (< 1.19) keeps the soft limit`,
      ],
      fix: `Past ${nofile.value} sockets and files, accept and open fail with EMFILE ("too many open files"). Raise the ${raises ? 'hard' : 'soft'} limit: systemd LimitNOFILE=1048576, docker --ulimit nofile=1048576:1048576, or limits.conf${raises ? '' : '; or build with Go ≥ 1.19, which raises the soft limit to the hard one itself'}.`,
    };
  }),

  'GR-LIMIT-002': onTarget(({ code, target }) => {
    const { host } = target;
    const unit = host.systemd?.properties ?? null;
    const procs = limitOf(host, 'Max processes');
    const nproc = procs ? num(procs.soft) : null;
    const unitNproc = num(unit?.LimitNPROC ?? null);
    const value = unitNproc ?? nproc;
    if (value === null || value >= 4096) return null;
    return tool(code, {
      severity: value <= 1024 ? 'high' : 'medium',
      title: `RLIMIT_NPROC ${value} on ${target.name}`,
      evidence: [
        unitNproc !== null
          ? `${target.name}: systemd ${host.systemd?.unit} LimitNPROC=${unit?.LimitNPROC}`
          : `${target.name}: RLIMIT_NPROC soft ${procs?.soft}, hard ${procs?.hard}`,
      ],
    });
  }),

  'GR-LIMIT-003': onTarget(({ code, target }) => {
    const { host } = target;
    const unit = host.systemd?.properties ?? null;
    const pids = host.cgroup.pids.max;
    const tasks = num(unit?.TasksMax ?? null);
    const value = tasks !== null && (typeof pids !== 'number' || tasks < pids) ? tasks : typeof pids === 'number' ? pids : null;
    if (value === null || value >= 1024) return null;
    return tool(code, {
      severity: value <= 256 ? 'high' : 'medium',
      title: `At most ${value} tasks in the cgroup on ${target.name}`,
      evidence: [
        tasks !== null && value === tasks
          ? `${target.name}: systemd ${host.systemd?.unit} TasksMax=${unit?.TasksMax}`
          : `${target.name}: cgroup pids.max ${pids} (${host.cgroup.pids.dir ?? host.cgroup.path ?? ''})`,
      ],
    });
  }),

  'GR-LIMIT-004': onTarget(({ code, target }) => {
    const threadsMax = Number(target.host.sysctls['kernel.threads-max'] ?? Number.NaN);
    if (!Number.isFinite(threadsMax) || threadsMax >= 10000) return null;
    return tool(code, {
      title: `kernel.threads-max ${threadsMax} on ${target.name}`,
      evidence: [`${target.name}: kernel.threads-max = ${threadsMax} (Go's own cap is 10000 threads)`],
    });
  }),
} satisfies Checks<CheckInput>;

/**
 * A thread limit hurts a server, whose blocking system calls per connection each hold a thread; a
 * program that does not listen (a tool: gofmt) runs about GOMAXPROCS threads, so the finding is
 * low for it. Without the function table, assume a server.
 */
function tool(code: CheckInput['code'], hit: Hit): Hit {
  if (!code || code.listensTcp) return hit;
  return {
    ...hit,
    severity: 'low',
    evidence: [...hit.evidence, 'the binary does not listen on TCP (no net listen path linked): a tool, which runs about GOMAXPROCS threads'],
  };
}

function limitOf(h: HostSnapshot, row: string): { soft: LimitValue; hard: LimitValue } | null {
  return h.limits?.[row] ?? null;
}

/** A limit as a number; unlimited/infinity/max and unreadable values are null (no limit to judge). */
function num(v: LimitValue | null | undefined): number | null {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
}
