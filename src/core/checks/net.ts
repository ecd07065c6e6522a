import type { HostSnapshot } from '../facts/host.js';
import { type CheckInput, compareVersions, numericVersion } from '../facts/target.js';
import type { Finding } from './finding.js';

/**
 * The TCP listen path of a server binary against the target's network namespace.
 *   GR-NET-001  net.core.somaxconn small: Go's listen backlog for every listener
 *   GR-NET-002  SYN queue small with syncookies off
 *   GR-NET-003  accept-queue overflows or drops counted between two snapshots
 */
export function netChecks({ binary: r, code, target }: CheckInput): Finding[] {
  // Only binaries that can accept TCP connections; without the function table, assume they can.
  if (!target || r.file.format !== 'elf' || (code && !code.listensTcp)) return [];
  const out: Finding[] = [];
  const { host } = target;
  const somaxconn = int(host.sysctls['net.core.somaxconn']);
  if (somaxconn !== null && somaxconn < 1024) {
    const kernel = numericVersion(host.kernel.release);
    out.push({
      id: 'GR-NET-001',
      severity: 'medium',
      title: `Listen backlog ${somaxconn}: net.core.somaxconn on ${target.name}`,
      subject: r.path,
      evidence: [
        `${target.name}: net.core.somaxconn = ${somaxconn}`,
        ...(kernel && compareVersions(kernel, [5, 4]) < 0 ? [`${target.name}: kernel ${host.kernel.release} (default 128 before Linux 5.4, 4096 since)`] : []),
        ...(host.container.runtime ? [`${target.name}: inside ${host.container.runtime} (net.* sysctls are per network namespace)`] : []),
        ...listenerQueues(host, somaxconn),
      ],
      fix: `Go passes somaxconn as the backlog of every listener, read once per process, so at most ${somaxconn} connections wait to be accepted; bursts beyond it are dropped (ListenOverflows) and clients retry after 1 s or more. Raise it in the service's network namespace before start: sysctl -w net.core.somaxconn=4096 (Kubernetes: an allowed unsafe sysctl in the pod securityContext; Docker: --sysctl net.core.somaxconn=4096).`,
      refs: ['https://github.com/golang/go/blob/master/src/net/sock_linux.go', 'https://github.com/moby/moby/issues/30778'],
    });
  }
  const syn = int(host.sysctls['net.ipv4.tcp_max_syn_backlog']);
  const cookies = int(host.sysctls['net.ipv4.tcp_syncookies']);
  if (syn !== null && cookies === 0 && syn < Math.max(1024, somaxconn ?? 0)) {
    out.push({
      id: 'GR-NET-002',
      severity: 'medium',
      title: `SYN queue ${syn} with syncookies off on ${target.name}`,
      subject: r.path,
      evidence: [`${target.name}: net.ipv4.tcp_max_syn_backlog = ${syn}`, `${target.name}: net.ipv4.tcp_syncookies = 0`],
      fix: 'A burst of new connections beyond the SYN queue is dropped outright. Turn syncookies on (sysctl -w net.ipv4.tcp_syncookies=1, the kernel default) or raise net.ipv4.tcp_max_syn_backlog.',
      refs: ['https://www.kernel.org/doc/html/latest/networking/ip-sysctl.html'],
    });
  }
  const before = target.before;
  if (before) {
    const deltas = ['ListenOverflows', 'ListenDrops', 'SyncookiesSent', 'TCPReqQFullDrop']
      .map((k) => ({ k, d: counter(host, k) - counter(before, k), ok: host.tcp.ext?.[k] !== undefined && before.tcp.ext?.[k] !== undefined }))
      .filter((x) => x.ok && x.d > 0);
    if (deltas.length) {
      const secs = (Date.parse(host.collectedAt) - Date.parse(before.collectedAt)) / 1000;
      out.push({
        id: 'GR-NET-003',
        severity: 'high',
        title: `Connections dropped at the listen queue on ${target.name}`,
        subject: r.path,
        evidence: [
          ...deltas.map((x) => `${target.name}: TcpExt ${x.k} +${x.d} between ${before.collectedAt} and ${host.collectedAt}${secs > 0 ? ` (${secs} s)` : ''}`),
          ...(somaxconn !== null ? [`${target.name}: net.core.somaxconn = ${somaxconn}`] : []),
          ...listenerQueues(host, somaxconn ?? Number.POSITIVE_INFINITY),
        ],
        fix: 'The accept queue filled: the server accepts too slowly or the backlog is too small. Raise net.core.somaxconn (and tcp_max_syn_backlog) in the service namespace, and look for a stalled accept loop (GOMAXPROCS starvation, CPU throttling).',
        refs: ['https://blog.cloudflare.com/syn-packet-handling-in-the-wild/'],
      });
    }
  }
  return out;
}

function int(v: string | null | undefined): number | null {
  return v != null && /^\s*-?\d+\s*$/.test(v) ? Number(v) : null;
}

function counter(h: HostSnapshot, k: string): number {
  return h.tcp.ext?.[k] ?? 0;
}

/** Listening sockets whose accept queue is at least half full. */
function listenerQueues(h: HostSnapshot, limit: number): string[] {
  return (h.listening ?? [])
    .filter((l) => l.rxQueue > 0 && l.rxQueue * 2 >= limit)
    .map((l) => `listener ${l.family === 'tcp6' ? `[${l.address}]` : l.address}:${l.port} has ${l.rxQueue} connections waiting to be accepted`);
}
