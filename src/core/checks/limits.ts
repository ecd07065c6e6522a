import type { HostSnapshot, LimitValue } from '../facts/host.js';
import { type CheckInput, goAtLeast } from '../facts/target.js';
import type { Finding } from './finding.js';

/**
 * File and thread limits the Go runtime runs into.
 *   GR-LIMIT-001  open files of a server: the hard RLIMIT_NOFILE (Go ≥ 1.19 raises soft to hard) or the soft one (older Go)
 *   GR-LIMIT-002  RLIMIT_NPROC (per user): thread creation fails
 *   GR-LIMIT-003  cgroup pids.max / systemd TasksMax: thread creation fails
 *   GR-LIMIT-004  kernel.threads-max below Go's own 10000-thread cap
 */
export function limitChecks({ binary: r, code, target }: CheckInput): Finding[] {
  if (!target || r.file.format !== 'elf') return [];
  const out: Finding[] = [];
  const { host } = target;
  const unit = host.systemd?.properties ?? null;
  const unitName = host.systemd?.unit;
  const raises = goAtLeast(r, [1, 19, 0]);
  const THREAD_ABORT = '"runtime: failed to create new OS thread (have N already; errno=11)" then "fatal error: newosproc"';

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
  if (unitFiles !== null) nofile = { value: unitFiles, evidence: [`${target.name}: systemd ${unitName} LimitNOFILE=${unit?.LimitNOFILE}`] };
  // Open files bound servers (a socket per connection); without the function table, assume one.
  if (nofile && nofile.value < 65536 && (!code || code.listensTcp)) {
    out.push({
      id: 'GR-LIMIT-001',
      severity: nofile.value <= 4096 ? 'high' : 'medium',
      title: `At most ${nofile.value} open files on ${target.name}`,
      subject: r.path,
      evidence: [
        ...nofile.evidence,
        raises ? `Go ${r.go.version} raises the soft limit to the hard limit at start` : `Go ${r.go.version} (< 1.19) keeps the soft limit`,
      ],
      fix: `Past ${nofile.value} sockets and files, accept and open fail with EMFILE ("too many open files"). Raise the ${raises ? 'hard' : 'soft'} limit: systemd LimitNOFILE=1048576, docker --ulimit nofile=1048576:1048576, or limits.conf${raises ? '' : '; or build with Go ≥ 1.19, which raises the soft limit to the hard one itself'}.`,
      refs: ['https://go.dev/doc/go1.19#runtime', 'https://github.com/golang/go/issues/46279'],
    });
  }

  const procs = limitOf(host, 'Max processes');
  const nproc = procs ? num(procs.soft) : null;
  const unitNproc = num(unit?.LimitNPROC ?? null);
  const nprocValue = unitNproc ?? nproc;
  if (nprocValue !== null && nprocValue < 4096) {
    out.push({
      id: 'GR-LIMIT-002',
      severity: nprocValue <= 1024 ? 'high' : 'medium',
      title: `RLIMIT_NPROC ${nprocValue} on ${target.name}`,
      subject: r.path,
      evidence: [
        unitNproc !== null
          ? `${target.name}: systemd ${unitName} LimitNPROC=${unit?.LimitNPROC}`
          : `${target.name}: RLIMIT_NPROC soft ${procs?.soft}, hard ${procs?.hard}`,
      ],
      fix: `The limit counts every thread of every process of the user. Go starts a thread for each blocking system call or cgo call in flight; at the limit it aborts with ${THREAD_ABORT} and "runtime: may need to increase max user processes (ulimit -u)". Raise it (LimitNPROC=infinity, ulimit -u) or run the service as its own user.`,
      refs: ['https://github.com/golang/go/blob/master/src/runtime/os_linux.go'],
    });
  }

  const pids = host.cgroup.pids.max;
  const tasks = num(unit?.TasksMax ?? null);
  const pidsValue = tasks !== null && (typeof pids !== 'number' || tasks < pids) ? tasks : typeof pids === 'number' ? pids : null;
  if (pidsValue !== null && pidsValue < 1024) {
    out.push({
      id: 'GR-LIMIT-003',
      severity: pidsValue <= 256 ? 'high' : 'medium',
      title: `At most ${pidsValue} tasks in the cgroup on ${target.name}`,
      subject: r.path,
      evidence: [
        tasks !== null && pidsValue === tasks
          ? `${target.name}: systemd ${unitName} TasksMax=${unit?.TasksMax}`
          : `${target.name}: cgroup pids.max ${pids} (${host.cgroup.pids.dir ?? host.cgroup.path ?? ''})`,
      ],
      fix: `Threads count as tasks. Under blocking I/O or cgo calls a Go server can need hundreds of threads, and at the limit it aborts with ${THREAD_ABORT}. Raise pids.max (Kubernetes podPidsLimit, docker --pids-limit, systemd TasksMax).`,
      refs: ['https://docs.kernel.org/admin-guide/cgroup-v2.html#pid'],
    });
  }

  const threadsMax = Number(host.sysctls['kernel.threads-max'] ?? Number.NaN);
  if (Number.isFinite(threadsMax) && threadsMax < 10000) {
    out.push({
      id: 'GR-LIMIT-004',
      severity: 'medium',
      title: `kernel.threads-max ${threadsMax} on ${target.name}`,
      subject: r.path,
      evidence: [`${target.name}: kernel.threads-max = ${threadsMax} (Go's own cap is 10000 threads)`],
      fix: `System-wide thread creation fails at this count and Go aborts with ${THREAD_ABORT}. Raise it: sysctl -w kernel.threads-max=…`,
      refs: ['https://docs.kernel.org/admin-guide/sysctl/kernel.html#threads-max'],
    });
  }
  return out;
}

function limitOf(h: HostSnapshot, row: string): { soft: LimitValue; hard: LimitValue } | null {
  return h.limits?.[row] ?? null;
}

/** A limit as a number; unlimited/infinity/max and unreadable values are null (no limit to judge). */
function num(v: LimitValue | null | undefined): number | null {
  if (typeof v === 'number') return v;
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
}
