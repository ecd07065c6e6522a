/**
 * `goready trace tcp`: runs the generated bpftrace program for a process (its network namespace,
 * its listeners and the connections it opens) or a port, samples its listeners' accept queues from
 * /proc, and reads the namespace's ListenOverflows/ListenDrops before and after — there is no
 * tracepoint for a full accept queue.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { endpoint } from '../../core/analyses/trace/http-events.js';
import { parseTcpLine, type TcpEvent } from '../../core/analyses/trace/tcp-events.js';
import { tcpProgram } from '../../core/analyses/trace/tcp-program.js';
import { Bpftrace } from './bpftrace.js';
import { requireBpftrace, requireRoot, requireTracefs } from './preflight.js';
import { listeners, netnsOf, TCP_LISTEN, tcpExt, tcpSockets, threadsOf } from './procfs.js';
import { readEventFormat } from './tracefs.js';
import { untilStopped } from './until-stopped.js';

/** Accept queues are sampled this often: a queue that fills and drains between samples is seen in the counters instead. */
const SAMPLE_MS = 100;
/** The counters worth a delta: accept-queue overflow and its effects. */
export const QUEUE_COUNTERS = ['ListenOverflows', 'ListenDrops', 'TCPReqQFullDrop', 'TCPBacklogDrop', 'SyncookiesSent', 'TCPTimeouts', 'TCPAbortOnData'];

export interface TcpTraceOptions {
  pid?: number;
  port?: number;
  durationMs?: number;
  signal?: AbortSignal;
  onStart?(info: TcpTraceInfo): void;
  onEvent?(e: TcpEvent): void;
}

export interface TcpTraceInfo {
  target: string;
  netns: number;
  ports: number[];
  missing: { what: string; why: string }[];
}

export interface TcpTraceResult {
  info: TcpTraceInfo;
  seconds: number;
  lostEvents: number;
  ended: string | null;
}

/** Backlog of each listener (`ss` prints it as the Send-Q of a LISTEN socket), read inside the target's namespace; empty when ss is missing. */
function backlogs(pid: number | null): Map<string, number> {
  const args = ['-ltnH'];
  const r =
    pid === null ? spawnSync('ss', args, { encoding: 'utf8' }) : spawnSync('nsenter', [`--net=/proc/${pid}/ns/net`, 'ss', ...args], { encoding: 'utf8' });
  const out = new Map<string, number>();
  if (r.status !== 0) return out;
  for (const line of r.stdout.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const m = /^(.*):(\d+)$/.exec(f[3] as string);
    if (m) out.set(`${(m[1] as string).replace(/^\[|\]$/g, '').replace(/%.*$/, '')}:${m[2]}`, Number(f[2]));
  }
  return out;
}

export async function traceTcp(opts: TcpTraceOptions): Promise<TcpTraceResult> {
  requireRoot();
  const root = requireTracefs(false);
  requireBpftrace();
  const pid = opts.pid ?? null;
  if (pid !== null && threadsOf(pid) === null) throw new Error(`--pid ${pid}: no such process`);
  // --port looks at goready's own namespace for counters and queues; events of any namespace.
  const procPid = pid ?? process.pid;
  const netns = netnsOf(procPid);
  const listening = pid !== null ? listeners(pid) : tcpSockets(procPid).filter((s) => s.state === TCP_LISTEN && s.localPort === opts.port);
  const ports = pid !== null ? [...new Set(listening.map((s) => s.localPort))].sort((a, b) => a - b) : [opts.port as number];

  const fmt = (e: string) => readEventFormat(root, e) ?? undefined;
  const state = fmt('sock/inet_sock_set_state');
  if (!state) throw new Error('this kernel has no sock:inet_sock_set_state tracepoint (Linux < 4.16)');
  const btf = existsSync('/sys/kernel/btf/vmlinux');
  const program = tcpProgram(
    {
      state,
      retransmit: fmt('tcp/tcp_retransmit_skb'),
      sendReset: fmt('tcp/tcp_send_reset'),
      receiveReset: fmt('tcp/tcp_receive_reset'),
      drop: fmt('skb/kfree_skb'),
    },
    { netns: pid !== null ? netns : null, ports, either: pid === null, pid },
    btf,
  );
  const info: TcpTraceInfo = {
    target: pid !== null ? `pid ${pid} (network namespace ${netns}, listening on ${ports.length ? ports.join(', ') : 'no TCP port'})` : `port ${opts.port}`,
    netns,
    ports,
    missing: program.missing,
  };

  const wall0 = Date.now();
  const mono0 = Number(process.hrtime.bigint());
  const wallMs = (ts: number) => wall0 + (ts - mono0) / 1e6;
  const names = { states: program.states, dropReasons: program.dropReasons, resetReasons: program.resetReasons };
  const emit = (e: TcpEvent) => opts.onEvent?.(e);
  const bt = await Bpftrace.start(program.text, {
    onPrintf: (line) => {
      const e = parseTcpLine(line, names, wallMs);
      if (e) emit(e);
    },
  });
  const started = Date.now();
  const before = tcpExt(procPid);
  const backlog = backlogs(pid);
  opts.onStart?.(info);
  let ended: string | null = null;
  const lastQ = new Map<string, number>();
  try {
    ended = await untilStopped({ signal: opts.signal, durationMs: opts.durationMs, started, everyMs: SAMPLE_MS }, () => {
      if (pid !== null && threadsOf(pid) === null) return 'the traced process exited';
      // Recv-Q of a LISTEN socket is its accept queue; recorded when it changes.
      for (const s of tcpSockets(procPid)) {
        if (s.state !== TCP_LISTEN || !ports.includes(s.localPort)) continue;
        const local = endpoint(s.local, s.localPort);
        if (lastQ.get(local) === s.rxQueue) continue;
        lastQ.set(local, s.rxQueue);
        emit({ type: 'listen-queue', ts: new Date().toISOString(), local, recvQ: s.rxQueue, backlog: backlog.get(`${s.local}:${s.localPort}`) ?? null });
      }
      return null;
    });
  } finally {
    await bt.stop();
  }
  const after = pid === null || threadsOf(pid) !== null ? tcpExt(procPid) : before;
  const deltas: Record<string, number> = {};
  for (const k of QUEUE_COUNTERS) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (k in after) deltas[k] = d;
  }
  emit({ type: 'counters', ts: new Date().toISOString(), netns: String(netns), deltas });
  return { info, seconds: (Date.now() - started) / 1000, lostEvents: bt.lostEvents, ended };
}
