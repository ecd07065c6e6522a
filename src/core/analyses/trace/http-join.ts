/**
 * Joins goroutine events (uprobes) and kernel events (syscalls, TCP) into one record per request.
 *
 * The join key is the connection: (pid, fd) from accept to close — never the thread, since a
 * goroutine moves between threads — and, for the kernel's softirq events that know no process,
 * the peer address the request itself carries (Request.RemoteAddr). Inside a connection, a
 * goroutine's later events find its request by (pid, g): the handler runs on the connection's
 * serve goroutine.
 *
 * Events must be pushed in timestamp order (the tracefs session delivers them so).
 */
import { remember } from './bounded.js';
import type { Endpoint, HttpEvent, HttpRequestRecord } from './http-types.js';

/** A handler that returned this long ago without a flush is emitted without a write phase. */
const FLUSH_GRACE_NS = 1_000_000_000;
/** Handshakes and arrivals nobody claimed are forgotten after this long (connections of other processes on the same port). */
const KERNEL_MEMORY_NS = 60_000_000_000;
/** Peers remembered at most, per kind of kernel event: a connection flood evicts the oldest, it does not grow memory. */
export const MAX_PEERS = 65_536;

interface Req {
  pid: number;
  fd: number | null;
  g: number;
  req: number;
  serve: number;
  goid: number | null;
  method: string | null;
  path: string | null;
  pattern: string | null;
  peer: Endpoint | null;
  reused: boolean;
  acceptWait?: number;
  readStart?: number;
  start: number;
  finish?: number;
  status?: number | null;
  flushed?: number;
}

interface Conn {
  accepted?: number;
  requests: number;
  /** When the previous request's handler returned: data after it belongs to the next request. */
  lastFinish: number;
  current?: Req;
}

/** Requests by (pid, goroutine), in a map per process: numbers as keys, no key string built per event. */
class ByGoroutine {
  private readonly pids = new Map<number, Map<number, Req>>();

  get(pid: number, g: number): Req | undefined {
    return this.pids.get(pid)?.get(g);
  }

  set(r: Req): void {
    let m = this.pids.get(r.pid);
    if (!m) {
      m = new Map();
      this.pids.set(r.pid, m);
    }
    m.set(r.g, r);
  }

  delete(r: Req): void {
    this.pids.get(r.pid)?.delete(r.g);
  }

  *values(): IterableIterator<Req> {
    for (const m of this.pids.values()) yield* m.values();
  }
}

export interface JoinOptions {
  /** Converts a CLOCK_MONOTONIC timestamp into Unix milliseconds. */
  wallMs(ts: number): number;
}

export class HttpJoiner {
  private readonly conns = new Map<string, Conn>();
  private readonly byG = new ByGoroutine();
  private readonly established = new Map<Endpoint, number>();
  /** Per peer, the first data that arrived since its previous handler returned: where the next request's read begins. */
  private readonly arrivals = new Map<Endpoint, number>();
  private readonly localOf = new Map<Endpoint, Endpoint>();
  private readonly out: HttpRequestRecord[] = [];
  /** Requests whose serve event had no usable fd (the fd chain was unreadable). */
  unjoined = 0;

  constructor(private readonly opts: JoinOptions) {}

  /** Kernel-side entries held (handshakes, arrivals, local ends): bounded by MAX_PEERS each. */
  get remembered(): number {
    return this.established.size + this.arrivals.size + this.localOf.size;
  }

  private conn(pid: number, fd: number): Conn {
    const k = `${pid}:${fd}`;
    let c = this.conns.get(k);
    if (!c) {
      // A connection accepted before the trace began.
      c = { requests: 0, lastFinish: 0 };
      this.conns.set(k, c);
    }
    return c;
  }

  /** Feeds one event; returns the records it completed. */
  push(ev: HttpEvent): HttpRequestRecord[] {
    switch (ev.kind) {
      case 'established':
        remember(this.established, ev.peer, ev.ts, MAX_PEERS);
        remember(this.localOf, ev.peer, ev.local, MAX_PEERS);
        break;
      case 'data':
        // Every segment of a connection names the same local end: only a new one is stored.
        if (this.localOf.get(ev.peer) !== ev.local) remember(this.localOf, ev.peer, ev.local, MAX_PEERS);
        if (!this.arrivals.has(ev.peer)) remember(this.arrivals, ev.peer, ev.ts, MAX_PEERS);
        break;
      case 'accept': {
        const k = `${ev.pid}:${ev.fd}`;
        const old = this.conns.get(k);
        if (old?.current) this.emit(old.current);
        this.conns.set(k, { accepted: ev.ts, requests: 0, lastFinish: ev.ts });
        break;
      }
      case 'close': {
        const k = `${ev.pid}:${ev.fd}`;
        const c = this.conns.get(k);
        if (c?.current) this.emit(c.current);
        this.conns.delete(k);
        break;
      }
      case 'serve':
        this.serve(ev);
        break;
      case 'finish': {
        const r = this.byG.get(ev.pid, ev.g);
        // A second hit with the handler already finished is the prologue re-run after the stack grew.
        if (!r || r.finish !== undefined) break;
        r.finish = ev.ts;
        r.status = ev.status;
        r.pattern = ev.pattern;
        // Bytes that came while the handler ran (a body, a pipelined request) do not start the next read.
        if (r.peer) this.arrivals.delete(r.peer);
        break;
      }
      case 'flushed': {
        const r = this.byG.get(ev.pid, ev.g);
        if (!r || r.finish === undefined || r.flushed !== undefined) break;
        r.flushed = ev.ts;
        this.emit(r);
        break;
      }
    }
    return this.take();
  }

  private serve(ev: Extract<HttpEvent, { kind: 'serve' }>): void {
    const prev = this.byG.get(ev.pid, ev.g);
    // The same request again before its handler returned: the prologue ran twice (stack growth).
    if (prev && prev.req === ev.req && prev.finish === undefined) return;
    if (prev) this.emit(prev);
    const r: Req = {
      pid: ev.pid,
      fd: ev.fd,
      g: ev.g,
      req: ev.req,
      serve: ev.ts,
      goid: ev.goid,
      method: ev.method,
      path: ev.path,
      pattern: null,
      peer: ev.peer,
      reused: true,
      start: ev.ts,
    };
    if (ev.fd === null) this.unjoined++;
    else {
      const c = this.conn(ev.pid, ev.fd);
      if (c.current && c.current !== prev) this.emit(c.current);
      c.requests++;
      const first = c.accepted !== undefined && c.requests === 1;
      r.reused = !first;
      if (first && c.accepted !== undefined) {
        const est = ev.peer ? this.established.get(ev.peer) : undefined;
        if (est !== undefined && est <= c.accepted) {
          r.acceptWait = c.accepted - est;
          r.start = est;
        } else r.start = c.accepted;
        if (ev.peer) this.established.delete(ev.peer);
      }
      // On a new connection the server reads from the accept on (the phases then join up);
      // on a kept-alive one, from the arrival of the first bytes after the previous handler
      // returned — the idle time between requests is nobody's latency.
      const arrived = ev.peer ? this.arrivals.get(ev.peer) : undefined;
      if (first && c.accepted !== undefined) r.readStart = c.accepted;
      else if (arrived !== undefined && arrived > c.lastFinish && arrived <= ev.ts) r.readStart = arrived;
      if (ev.peer) this.arrivals.delete(ev.peer);
      if (r.readStart !== undefined && r.acceptWait === undefined) r.start = r.readStart;
      c.current = r;
    }
    this.byG.set(r);
  }

  private emit(r: Req): void {
    this.byG.delete(r);
    if (r.fd !== null) {
      const c = this.conns.get(`${r.pid}:${r.fd}`);
      if (c && c.current === r) {
        c.current = undefined;
        c.lastFinish = r.finish ?? r.serve;
      }
    }
    // A handler still running when its connection went away or the trace ended is not a request yet.
    if (r.finish === undefined) return;
    const phases: HttpRequestRecord['phases'] = { handlerNs: r.finish - r.serve };
    if (r.acceptWait !== undefined) phases.acceptWaitNs = r.acceptWait;
    if (r.readStart !== undefined) phases.readNs = r.serve - r.readStart;
    if (r.flushed !== undefined) phases.writeNs = r.flushed - r.finish;
    const end = r.flushed ?? r.finish;
    const rec: HttpRequestRecord = {
      ts: new Date(this.opts.wallMs(r.start)).toISOString(),
      pid: r.pid,
      goid: r.goid,
      method: r.method,
      path: r.path,
      status: r.status ?? null,
      conn: { peer: r.peer, local: r.peer ? (this.localOf.get(r.peer) ?? null) : null, reused: r.reused, fd: r.fd },
      phases,
      totalNs: end - r.start,
    };
    if (r.pattern) rec.pattern = r.pattern;
    this.out.push(rec);
  }

  private take(): HttpRequestRecord[] {
    if (this.out.length === 0) return [];
    return this.out.splice(0, this.out.length);
  }

  /** Emits handlers that returned long ago with no flush seen, and forgets unclaimed kernel events. */
  tick(now: number): HttpRequestRecord[] {
    for (const r of [...this.byG.values()]) if (r.finish !== undefined && now - r.finish > FLUSH_GRACE_NS) this.emit(r);
    for (const [peer, t] of this.established) if (now - t > KERNEL_MEMORY_NS) this.established.delete(peer);
    for (const [peer, t] of this.arrivals) if (now - t > KERNEL_MEMORY_NS) this.arrivals.delete(peer);
    // A peer's local end is kept while anything may still name it: a handshake, an arrival, a request in flight.
    const inFlight = new Set<Endpoint>();
    for (const r of this.byG.values()) if (r.peer) inFlight.add(r.peer);
    for (const peer of this.localOf.keys()) if (!this.established.has(peer) && !this.arrivals.has(peer) && !inFlight.has(peer)) this.localOf.delete(peer);
    return this.take();
  }

  /** The trace ended: every finished request is emitted with what is known. */
  end(): HttpRequestRecord[] {
    for (const r of [...this.byG.values()]) this.emit(r);
    return this.take();
  }
}
