/**
 * `goready trace http`: attaches the plan's uprobes and the kernel tracepoints to a Go server,
 * streams the joined per-request records, and detaches.
 *
 * Two tracefs instances: one limited to the target's threads (set_event_pid, following new
 * threads) for the uprobes and syscalls, and one for the TCP tracepoints, which fire in softirq
 * context under whatever task the CPU was running, filtered in the kernel by the target's
 * listening ports instead.
 */
import { existsSync } from 'node:fs';
import { httpDecoder } from '../../core/analyses/trace/http-events.js';
import { HttpJoiner } from '../../core/analyses/trace/http-join.js';
import { analyzeHttpBinary, type HttpTarget, type HttpTraceInfo } from '../../core/analyses/trace/http-target.js';
import type { HttpRequestRecord } from '../../core/analyses/trace/http-types.js';
import { fetchText } from '../../core/linux/uprobe.js';
import { FileSource } from '../files/source.js';
import { decoder } from './decode.js';
import { requireRoot, requireTracefs } from './preflight.js';
import { listeners, tgidOf, threadsOf } from './procfs.js';
import { checkPid, type FileIdentity, identity, processesRunning, sameFile } from './target.js';
import { type EventSpec, TraceSession, type UprobeSpec } from './tracefs.js';
import { untilStopped } from './until-stopped.js';

/** A plan never needs more than this many uprobes; anything more is a bug, not a reason to attach. */
export const MAX_UPROBES = 8;
/**
 * How often the ring buffers are read: each read is a burst of goready's CPU that the server and
 * its clients wait behind on a small machine, and fewer, larger reads cost less per event. 200 ms
 * of events at tens of thousands of requests per second is far below the buffers' BUFFER_KB; the
 * live table refreshes every second.
 */
const POLL_MS = 200;

export interface HttpTraceResult {
  info: HttpTraceInfo;
  records: number;
  seconds: number;
  /** Events the kernel dropped because goready read too slowly (a lower bound when only pages were marked). */
  lostEvents: number;
  lostPages: number;
  /** Why the trace ended before its duration, if it did. */
  ended: string | null;
}

export interface HttpTraceOptions {
  pid?: number;
  binary?: string;
  durationMs?: number;
  signal?: AbortSignal;
  onStart?(info: HttpTraceInfo): void;
  onRecord?(r: HttpRequestRecord): void;
  /** Called about once a second (the live table). */
  onTick?(): void;
}

interface Targets {
  describe: string;
  path: string;
  identity: FileIdentity;
  pids: number[];
}

function resolveTargets(opts: HttpTraceOptions): Targets {
  if ((opts.pid === undefined) === (opts.binary === undefined)) throw new Error('give one of --pid N and --binary PATH');
  if (opts.pid !== undefined) {
    const t = checkPid(opts.pid);
    return { describe: `pid ${opts.pid} (${t.exe})`, path: t.path, identity: t.identity, pids: [opts.pid] };
  }
  const path = opts.binary as string;
  let id: FileIdentity;
  try {
    id = identity(path);
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const pids = processesRunning(id);
  if (pids.length === 0) throw new Error(`${path}: no running process executes this file (start it, or give --pid)`);
  return { describe: `${path} (pid ${pids.join(', ')})`, path, identity: id, pids };
}

function portFilter(field: string, ports: number[]): string {
  return `(${ports.map((p) => `${field} == ${p}`).join(' || ')})`;
}

export async function traceHttp(opts: HttpTraceOptions): Promise<HttpTraceResult> {
  requireRoot();
  const root = requireTracefs(true);
  const targets = resolveTargets(opts);
  const src = new FileSource(targets.path);
  let analysis: HttpTarget;
  try {
    analysis = await analyzeHttpBinary(src, decoder());
  } finally {
    src.close();
  }
  const plan = analysis.plan;
  if (plan.probes.length > MAX_UPROBES) throw new Error(`the plan has ${plan.probes.length} probes, more than the ${MAX_UPROBES} goready allows`);
  const limitations = [...plan.limitations];

  const socks = targets.pids.flatMap((p) => listeners(p));
  const ports = [...new Set(socks.map((s) => s.localPort))].sort((a, b) => a - b);
  const listening = socks.map((s) => `${s.local.includes(':') ? `[${s.local}]` : s.local}:${s.localPort}`);
  if (ports.length === 0) limitations.push({ what: 'accept wait and read', why: 'the process has no listening TCP socket in its network namespace' });

  const uprobes: UprobeSpec[] = plan.probes.map((p) => ({
    name: p.name,
    path: targets.path,
    offset: analysis.fileOffsets[p.name] as number,
    args: p.fetch.map((a) => fetchText(a, plan.arch)),
  }));
  const group = `goready_${process.pid}`;
  const threads = targets.pids.flatMap((p) => threadsOf(p) ?? []);
  const main: EventSpec[] = [
    ...plan.probes.map((p) => ({ event: `${group}/${p.name}` })),
    { event: 'syscalls/sys_exit_accept4', filter: 'ret >= 0' },
    { event: 'syscalls/sys_enter_close' },
  ];
  const kernel: EventSpec[] = ports.length
    ? [
        { event: 'sock/inet_sock_set_state', filter: `oldstate == 3 && newstate == 1 && ${portFilter('sport', ports)}` },
        { event: 'tcp/tcp_probe', filter: `data_len > 0 && ${portFilter('sport', ports)}` },
      ]
    : [];

  // The file must still be the one analysed when the kernel resolves the probes' path.
  if (!sameFile(identity(targets.path), targets.identity)) throw new Error(`${targets.path} changed while goready read it; not attaching`);
  const session = TraceSession.start(root, uprobes, [{ pids: threads, followForks: true, events: main }, ...(kernel.length ? [{ events: kernel }] : [])]);
  const started = Date.now();
  let ended: string | null = null;
  let records = 0;
  try {
    if (!sameFile(identity(targets.path), targets.identity)) throw new Error(`${targets.path} changed while the probes were attached; detached`);
    const info: HttpTraceInfo = {
      target: targets.describe,
      pids: targets.pids,
      goVersion: analysis.goVersion,
      buildId: analysis.buildId,
      analysis,
      listeners: listening,
      limitations,
    };
    opts.onStart?.(info);

    const known = new Map<number, number | null>();
    for (const p of targets.pids) for (const t of threadsOf(p) ?? []) known.set(t, p);
    const pids = new Set(targets.pids);
    const pidOf = (tid: number): number | null => {
      let p = known.get(tid);
      if (p === undefined) {
        const g = tgidOf(tid);
        p = g !== null && pids.has(g) ? g : null;
        known.set(tid, p);
      }
      return p;
    };
    const fmt = (e: string) => session.format(e);
    const decode = httpDecoder(
      {
        serve: fmt(`${group}/serve`),
        finish: fmt(`${group}/finish`),
        flushed: plan.probes.some((p) => p.name === 'flushed') ? fmt(`${group}/flushed`) : undefined,
        accept: fmt('syscalls/sys_exit_accept4'),
        close: fmt('syscalls/sys_enter_close'),
        state: ports.length ? fmt('sock/inet_sock_set_state') : undefined,
        probe: ports.length ? fmt('tcp/tcp_probe') : undefined,
      },
      { pidOf },
    );
    const wall0 = Date.now();
    const mono0 = Number(process.hrtime.bigint());
    const joiner = new HttpJoiner({ wallMs: (ts) => wall0 + (ts - mono0) / 1e6 });
    const deliver = (rs: HttpRequestRecord[]) => {
      for (const r of rs) {
        records++;
        opts.onRecord?.(r);
      }
    };
    const drain = (flush: boolean) => {
      for (const ev of session.poll(flush)) {
        const e = decode(ev.format, ev.data, ev.ts);
        if (e) deliver(joiner.push(e));
      }
    };

    let lastTick = Date.now();
    ended = await untilStopped({ signal: opts.signal, durationMs: opts.durationMs, started, everyMs: POLL_MS }, (now) => {
      drain(false);
      if (now - lastTick < 1000) return null;
      lastTick = now;
      deliver(joiner.tick(Number(process.hrtime.bigint())));
      opts.onTick?.();
      return targets.pids.every((p) => !existsSync(`/proc/${p}`)) ? 'the traced process exited' : null;
    });
    // Events committed while the loop stopped: one last read of everything.
    drain(true);
    deliver(joiner.end());
    return {
      info,
      records,
      seconds: (Date.now() - started) / 1000,
      lostEvents: session.lost.events,
      lostPages: session.lost.pages,
      ended,
    };
  } finally {
    session.close();
  }
}
