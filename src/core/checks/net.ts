import type { HostSnapshot } from '../facts/host.js';
import { type CheckInput, compareVersions, numericVersion } from '../facts/target.js';
import { type Check, type Checks, type Hit, type OnTarget, onTarget } from './check.js';

/** The TCP listen path of a server binary against the target's network namespace (GR-NET-*; rules.ts has each rule). */
export const netChecks = {
  'GR-NET-001': listener(({ target }) => {
    const { host } = target;
    const somaxconn = int(host.sysctls['net.core.somaxconn']);
    if (somaxconn === null || somaxconn >= 1024) return null;
    const kernel = numericVersion(host.kernel.release);
    return {
      title: `Listen backlog ${somaxconn}: net.core.somaxconn on ${target.name}`,
      evidence: [
        `${target.name}: net.core.somaxconn = ${somaxconn}`,
        ...(kernel && compareVersions(kernel, [5, 4]) < 0 ? [`${target.name}: kernel ${host.kernel.release} (default 128 before Linux 5.4, 4096 since)`] : []),
        ...(host.container.runtime ? [`${target.name}: inside ${host.container.runtime} (net.* sysctls are per network namespace)`] : []),
        ...listenerQueues(host, somaxconn),
      ],
      fix: `Go passes somaxconn as the backlog of every listener, read once per process, so at most ${somaxconn} connections wait to be accepted; bursts beyond it are dropped (ListenOverflows) and clients retry after 1 s or more. Raise it in the service's network namespace before start: sysctl -w net.core.somaxconn=4096 (Kubernetes: an allowed unsafe sysctl in the pod securityContext; Docker: --sysctl net.core.somaxconn=4096).`,
    };
  }),

  'GR-NET-002': listener(({ target }) => {
    const { host } = target;
    const somaxconn = int(host.sysctls['net.core.somaxconn']);
    const syn = int(host.sysctls['net.ipv4.tcp_max_syn_backlog']);
    const cookies = int(host.sysctls['net.ipv4.tcp_syncookies']);
    if (syn === null || cookies !== 0 || syn >= Math.max(1024, somaxconn ?? 0)) return null;
    return {
      title: `SYN queue ${syn} with syncookies off on ${target.name}`,
      evidence: [`${target.name}: net.ipv4.tcp_max_syn_backlog = ${syn}`, `${target.name}: net.ipv4.tcp_syncookies = 0`],
    };
  }),

  'GR-NET-003': listener(({ target }) => {
    const { host, before } = target;
    if (!before) return null;
    const somaxconn = int(host.sysctls['net.core.somaxconn']);
    const deltas = ['ListenOverflows', 'ListenDrops', 'SyncookiesSent', 'TCPReqQFullDrop']
      .map((k) => ({ k, d: counter(host, k) - counter(before, k), ok: host.tcp.ext?.[k] !== undefined && before.tcp.ext?.[k] !== undefined }))
      .filter((x) => x.ok && x.d > 0);
    if (!deltas.length) return null;
    const secs = (Date.parse(host.collectedAt) - Date.parse(before.collectedAt)) / 1000;
    return {
      title: `Connections dropped at the listen queue on ${target.name}`,
      evidence: [
        ...deltas.map((x) => `${target.name}: TcpExt ${x.k} +${x.d} between ${before.collectedAt} and ${host.collectedAt}${secs > 0 ? ` (${secs} s)` : ''}`),
        ...(somaxconn !== null ? [`${target.name}: net.core.somaxconn = ${somaxconn}`] : []),
        ...listenerQueues(host, somaxconn ?? Number.POSITIVE_INFINITY),
      ],
    };
  }),
} satisfies Checks<CheckInput>;

/** Only binaries that can accept TCP connections; without the function table, assume they can. */
function listener(check: (input: OnTarget) => Hit | null): Check<CheckInput> {
  return onTarget((input) => (input.code && !input.code.listensTcp ? null : check(input)));
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
