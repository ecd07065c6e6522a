/**
 * `goready trace tcp`'s events: parsed from the lines of the generated bpftrace program
 * (tcp-program.ts TCP_LINES), plus the counters and queue samples read from /proc, and their
 * summary. The records are documented by schema/trace-tcp.schema.json.
 */
import { remember } from './bounded.js';
import { endpoint, sockaddr } from './http-events.js';
import type { Endpoint } from './http-types.js';
import { quantile, Reservoir } from './reservoir.js';
import { TCP_LINES } from './tcp-program.js';

export type TcpEvent =
  | { type: 'state'; ts: string; sk: string; from: string; to: string; local: Endpoint; peer: Endpoint }
  | { type: 'retransmit'; ts: string; sk: string; state: string; local: Endpoint; peer: Endpoint }
  | { type: 'reset-sent'; ts: string; sk: string | null; state: string | null; reason: string | null; local: Endpoint; peer: Endpoint }
  | { type: 'reset-received'; ts: string; sk: string; local: Endpoint; peer: Endpoint }
  | { type: 'drop'; ts: string; reason: string; location: string; localPort: number; peerPort: number }
  /** A listener's accept queue, sampled from /proc/PID/net/tcp (Recv-Q of a LISTEN socket). */
  | { type: 'listen-queue'; ts: string; local: Endpoint; recvQ: number; backlog: number | null }
  /** TcpExt counters of the namespace that moved during the trace (end minus start). */
  | { type: 'counters'; ts: string; netns: string; deltas: Record<string, number> };

export interface TcpNames {
  states: Map<number, string>;
  dropReasons: Map<number, string>;
  resetReasons: Map<number, string>;
}

const AF_INET6 = 10;

/** bpftrace's %r text of a buffer: printable bytes as themselves, others as \xHH (and a backslash as \\). */
export function unescapeBuffer(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c && s[i + 1] === 'x' && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 2, i + 4))) {
      out.push(Number.parseInt(s.slice(i + 2, i + 4), 16));
      i += 3;
    } else if (c === 0x5c && s[i + 1] === '\\') {
      out.push(0x5c);
      i++;
    } else out.push(c & 0xff);
  }
  return Uint8Array.from(out);
}

function stateName(names: Map<number, string>, v: number): string {
  return (names.get(v) ?? String(v)).replace(/^TCP_/, '');
}

/** Parses one printf line of the program; null for a line that is not one (or is malformed). */
export function parseTcpLine(line: string, names: TcpNames, wallMs: (ts: number) => number): TcpEvent | null {
  const parts = line.replace(/\n$/, '').split('\t');
  const tag = parts[0] as keyof typeof TCP_LINES;
  const layout = TCP_LINES[tag];
  if (!layout || parts.length !== layout.length + 1) return null;
  const v = Object.fromEntries(layout.map((k, i) => [k, parts[i + 1] as string])) as Record<string, string>;
  const ts = new Date(wallMs(Number(v.ts))).toISOString();
  const ends = () => {
    const v6 = Number(v.family) === AF_INET6;
    return {
      local: endpoint(v6 ? (v.saddr6 as string) : (v.saddr as string), Number(v.sport)),
      peer: endpoint(v6 ? (v.daddr6 as string) : (v.daddr as string), Number(v.dport)),
    };
  };
  switch (tag) {
    case 'S':
      return { type: 'state', ts, sk: v.sk as string, from: stateName(names.states, Number(v.old)), to: stateName(names.states, Number(v.new)), ...ends() };
    case 'R':
      return { type: 'retransmit', ts, sk: v.sk as string, state: stateName(names.states, Number(v.state)), ...ends() };
    case 'X': {
      // family 0: the kernel gave sockaddrs, printed as bytes.
      const byAddr = Number(v.family) === 0;
      const e = byAddr
        ? {
            local: sockaddr(unescapeBuffer(v.saddr as string)) ?? `?:${v.sport}`,
            peer: sockaddr(unescapeBuffer(v.daddr as string)) ?? `?:${v.dport}`,
          }
        : ends();
      const reason = Number(v.reason);
      return {
        type: 'reset-sent',
        ts,
        sk: v.sk === '0' ? null : (v.sk as string),
        state: Number(v.state) ? stateName(names.states, Number(v.state)) : null,
        reason: reason >= 0 ? (names.resetReasons.get(reason) ?? String(reason)) : null,
        ...e,
      };
    }
    case 'Y':
      return { type: 'reset-received', ts, sk: v.sk as string, ...ends() };
    case 'D':
      return {
        type: 'drop',
        ts,
        reason: names.dropReasons.get(Number(v.reason)) ?? String(v.reason),
        location: v.location as string,
        localPort: Number(v.lport),
        peerPort: Number(v.rport),
      };
    default:
      return null;
  }
}

export interface TcpSummary {
  seconds: number;
  connections: { opened: number; closed: number; lifetimeMs: { p50: number; p90: number; max: number } | null };
  transitions: Record<string, number>;
  retransmits: { count: number; top: { local: Endpoint; peer: Endpoint; count: number }[] };
  resets: { sent: number; received: number; sentReasons: Record<string, number> };
  drops: { count: number; byReason: Record<string, number>; byLocation: Record<string, number> };
  listeners: { local: Endpoint; maxRecvQ: number; backlog: number | null }[];
  counters: Record<string, number>;
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Connections and connection pairs followed at most: a trace that runs for days, or misses closes, stays bounded. */
export const MAX_TRACKED = 65_536;

/** Accumulates events into the summary. */
export class TcpAggregator {
  private readonly born = new Map<string, number>();
  private readonly lifetimes = new Reservoir();
  private opened = 0;
  private closed = 0;
  private readonly transitions: Record<string, number> = {};
  private readonly retrans = new Map<string, { local: Endpoint; peer: Endpoint; count: number }>();
  private retransmits = 0;
  private readonly resets = { sent: 0, received: 0, sentReasons: {} as Record<string, number> };
  private readonly drops = { count: 0, byReason: {} as Record<string, number>, byLocation: {} as Record<string, number> };
  private readonly queues = new Map<Endpoint, { maxRecvQ: number; backlog: number | null }>();
  private counters: Record<string, number> = {};

  /** Connections and pairs held (open connections' start times, retransmitting pairs): bounded by MAX_TRACKED each. */
  get tracked(): number {
    return this.born.size + this.retrans.size;
  }

  add(e: TcpEvent): void {
    const t = Date.parse(e.ts);
    switch (e.type) {
      case 'state':
        bump(this.transitions, `${e.from}->${e.to}`);
        if (e.to === 'ESTABLISHED') {
          this.opened++;
          // Past the bound the oldest open connections are forgotten: mostly ones whose close was missed.
          remember(this.born, e.sk, t, MAX_TRACKED);
        }
        if (e.to === 'CLOSE') {
          const b = this.born.get(e.sk);
          if (b !== undefined) {
            this.closed++;
            this.lifetimes.add(t - b);
            this.born.delete(e.sk);
          }
        }
        break;
      case 'retransmit': {
        this.retransmits++;
        const k = `${e.local} ${e.peer}`;
        const r = this.retrans.get(k);
        if (r) r.count++;
        else if (this.retrans.size < MAX_TRACKED) this.retrans.set(k, { local: e.local, peer: e.peer, count: 1 });
        break;
      }
      case 'reset-sent':
        this.resets.sent++;
        bump(this.resets.sentReasons, e.reason ?? 'unknown');
        break;
      case 'reset-received':
        this.resets.received++;
        break;
      case 'drop':
        this.drops.count++;
        bump(this.drops.byReason, e.reason);
        bump(this.drops.byLocation, e.location);
        break;
      case 'listen-queue': {
        const q = this.queues.get(e.local) ?? { maxRecvQ: 0, backlog: e.backlog };
        q.maxRecvQ = Math.max(q.maxRecvQ, e.recvQ);
        if (e.backlog !== null) q.backlog = e.backlog;
        this.queues.set(e.local, q);
        break;
      }
      case 'counters':
        this.counters = { ...e.deltas };
        break;
    }
  }

  summary(seconds: number): TcpSummary {
    const life = this.lifetimes.sorted();
    return {
      seconds,
      connections: {
        opened: this.opened,
        closed: this.closed,
        lifetimeMs: life.length ? { p50: quantile(life, 0.5), p90: quantile(life, 0.9), max: this.lifetimes.max } : null,
      },
      transitions: this.transitions,
      retransmits: { count: this.retransmits, top: [...this.retrans.values()].sort((a, b) => b.count - a.count).slice(0, 10) },
      resets: this.resets,
      drops: this.drops,
      listeners: [...this.queues].map(([local, q]) => ({ local, ...q })),
      counters: this.counters,
    };
  }
}
