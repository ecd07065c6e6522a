/**
 * goready trace tcp against the real kernel, in network namespaces the tests create (addresses only
 * inside them): resets from a closed port, accept-queue overflow of a backlog-1 listener that never
 * accepts, and retransmits through a lossy veth link. Truth: what the client saw (ECONNREFUSED),
 * the namespace's own counters (ListenOverflows, RetransSegs), `ss`, and the packet filter's own
 * drop counter.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import { createInterface } from 'node:readline';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TcpEvent } from '../src/core/analyses/trace/tcp-events.js';
import { goreadyBackground, requireTracing, schemaValidator, sleep } from './helpers/trace.js';

const validate = schemaValidator('trace-tcp.schema.json');
const NS = `grt${process.pid}`;

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8' });
}

function inNs(ns: string, cmd: string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8' });
}

/** A python3 program in a namespace; resolves with the process and its first line of output. */
function python(ns: string, code: string, args: string[] = []): Promise<{ proc: ChildProcess; first: string }> {
  const proc = spawn('ip', ['netns', 'exec', ns, 'python3', '-c', code, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('python3 did not start within 20 s')), 20_000);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).once('line', (first) => {
      clearTimeout(t);
      resolve({ proc, first });
    });
    proc.once('exit', (code) => reject(new Error(`python3 exited (${code})`)));
  });
}

function counters(pid: number, table: 'netstat' | 'snmp', prefix: string): Record<string, number> {
  const rows = execFileSync('cat', [`/proc/${pid}/net/${table}`], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === prefix);
  const [names, values] = rows as [string[], string[]];
  return Object.fromEntries(names.slice(1).map((n, i) => [n, Number(values[i + 1])]));
}

function events(stdout: string): TcpEvent[] {
  const lines = stdout.split('\n').filter((l) => l.trim());
  for (const l of lines) validate(JSON.parse(l));
  return lines.map((l) => JSON.parse(l) as TcpEvent);
}

const LISTEN_NEVER_ACCEPT = `
import socket, sys, time
s = socket.socket()
s.bind((sys.argv[1], 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
time.sleep(600)
`;

const CONNECT_MANY = `
import socket, sys
socks = []
for i in range(int(sys.argv[3])):
    c = socket.socket()
    c.setblocking(False)
    try:
        c.connect((sys.argv[1], int(sys.argv[2])))
    except BlockingIOError:
        pass
    socks.append(c)
print("connected", flush=True)
import time
time.sleep(float(sys.argv[4]))
`;

/** Sends 4 MB to every client, then closes. */
const SEND_SERVER = `
import socket, sys, threading
s = socket.socket()
s.bind((sys.argv[1], 0))
s.listen(16)
print(s.getsockname()[1], flush=True)
data = b"x" * (4 << 20)
def serve(c):
    c.sendall(data)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,)).start()
`;

const FETCH = `
import socket, sys
total = 0
for i in range(int(sys.argv[3])):
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])))
    while True:
        b = c.recv(65536)
        if not b:
            break
        total += len(b)
    c.close()
print(total, flush=True)
`;

describe('goready trace tcp', () => {
  beforeAll(() => {
    requireTracing();
    if (spawnSync('bpftrace', ['--version']).status !== 0) throw new Error('trace tcp needs bpftrace: apt-get install bpftrace');
  });

  it('resets: a connection to a closed port is refused, and the trace says who reset it and why', async () => {
    // A port nothing listens on: bound, then released.
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const g = await goreadyBackground(['trace', 'tcp', '--port', String(port), '--format', 'jsonl'], /tracing TCP of port/);
    const refused = await new Promise<string>((resolve) => {
      const c = net.connect(port, '127.0.0.1');
      c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? ''));
      c.once('connect', () => resolve('connected'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await sleep(500);
    expect(await g.interrupt()).toBe(0);
    const evs = events(g.stdout());
    const resets = evs.filter((e) => e.type === 'reset-sent');
    expect(resets.length).toBeGreaterThanOrEqual(1);
    expect(resets.every((e) => e.type === 'reset-sent' && e.local === `127.0.0.1:${port}` && e.sk === null)).toBe(true);
    const fmt = execFileSync('cat', ['/sys/kernel/tracing/events/tcp/tcp_send_reset/format'], { encoding: 'utf8' });
    if (/\breason\b/.test(fmt)) expect(resets.map((e) => (e.type === 'reset-sent' ? e.reason : null))).toContain('NO_SOCKET');
    const drops = evs.filter((e) => e.type === 'drop');
    expect(drops.some((e) => e.type === 'drop' && e.reason === 'NO_SOCKET' && e.localPort === port)).toBe(true);
    const summary = evs[evs.length - 1] as unknown as { type: string; resets: { sent: number } };
    expect(summary.type).toBe('summary');
    expect(summary.resets.sent).toBe(resets.length);
  });

  it('overflow: a backlog-1 listener that never accepts, 12 connections — ListenOverflows and Recv-Q as the namespace counts them', async () => {
    ip('netns', 'add', NS);
    try {
      inNs(NS, ['ip', 'link', 'set', 'lo', 'up']);
      const server = await python(NS, LISTEN_NEVER_ACCEPT, ['127.0.0.1']);
      const port = Number(server.first);
      const pid = server.proc.pid as number;
      // The listener runs as `ip netns exec … python3`: ip execs python3, so the pid is python's.
      const before = counters(pid, 'netstat', 'TcpExt:');
      const g = await goreadyBackground(['trace', 'tcp', '--pid', String(pid), '--format', 'jsonl'], /tracing TCP of pid/);
      const clients = await python(NS, CONNECT_MANY, ['127.0.0.1', String(port), '12', '30']);
      await sleep(1500);
      const ss = inNs(NS, ['ss', '-ltnH', `sport = :${port}`])
        .trim()
        .split(/\s+/);
      expect(await g.interrupt()).toBe(0);
      const after = counters(pid, 'netstat', 'TcpExt:');
      clients.proc.kill();
      server.proc.kill();
      const evs = events(g.stdout());
      const c = evs.find((e) => e.type === 'counters');
      const outer = (after.ListenOverflows ?? 0) - (before.ListenOverflows ?? 0);
      expect(outer).toBeGreaterThan(0);
      expect(c?.type === 'counters' && c.deltas.ListenOverflows).toBeGreaterThan(0);
      expect(c?.type === 'counters' && c.deltas.ListenOverflows).toBeLessThanOrEqual(outer);
      expect(c?.type === 'counters' && c.deltas.ListenDrops).toBeLessThanOrEqual((after.ListenDrops ?? 0) - (before.ListenDrops ?? 0));
      // ss: Recv-Q (waiting to be accepted) and Send-Q (the backlog) of the listener.
      const q = evs.filter((e) => e.type === 'listen-queue');
      expect(Math.max(...q.map((e) => (e.type === 'listen-queue' ? e.recvQ : 0)))).toBe(Number(ss[1]));
      expect(q.every((e) => e.type === 'listen-queue' && e.local === `127.0.0.1:${port}` && e.backlog === Number(ss[2]))).toBe(true);
      expect(Number(ss[2])).toBe(1);
    } finally {
      ip('netns', 'del', NS);
    }
  });

  it('retransmits: a lossy veth link between two namespaces — the server’s retransmits, as its namespace counts them', async () => {
    const a = `${NS}a`;
    const b = `${NS}b`;
    const va = `gv${process.pid % 100000}a`;
    const vb = `gv${process.pid % 100000}b`;
    ip('netns', 'add', a);
    ip('netns', 'add', b);
    try {
      ip('link', 'add', va, 'netns', a, 'type', 'veth', 'peer', 'name', vb, 'netns', b);
      inNs(a, ['ip', 'addr', 'add', '10.213.7.1/24', 'dev', va]);
      inNs(b, ['ip', 'addr', 'add', '10.213.7.2/24', 'dev', vb]);
      for (const [ns, dev] of [
        [a, va],
        [b, vb],
      ] as const) {
        inNs(ns, ['ip', 'link', 'set', dev, 'up']);
        inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
      }
      // Loss on the client's way in, so the server must retransmit: netem where the kernel has it,
      // else nftables' random drop (this machine's kernel is built without sch_netem). A packet a
      // local filter drops on the way out is not lost to TCP (the send fails and is retried as new).
      const netem = spawnSync('ip', ['netns', 'exec', b, 'tc', 'qdisc', 'add', 'dev', vb, 'root', 'netem', 'loss', '5%']).status === 0;
      if (!netem) {
        const nft = spawnSync('ip', ['netns', 'exec', b, 'nft', '-f', '-'], {
          input: 'table inet lossy {\n chain in {\n  type filter hook input priority 0;\n  meta l4proto tcp numgen random mod 100 < 5 counter drop\n }\n}\n',
          encoding: 'utf8',
        });
        if (nft.status !== 0) throw new Error(`neither tc netem nor nftables can drop packets here: ${nft.stderr.trim()} (apt-get install nftables)`);
      }
      const server = await python(a, SEND_SERVER, ['10.213.7.1']);
      const port = Number(server.first);
      const pid = server.proc.pid as number;
      const g = await goreadyBackground(['trace', 'tcp', '--pid', String(pid), '--format', 'jsonl'], /tracing TCP of pid/);
      const before = counters(pid, 'snmp', 'Tcp:');
      const dropsBefore = netem ? 0 : nftDrops(b);
      const fetched = await python(b, FETCH, ['10.213.7.1', String(port), '3']);
      expect(Number(fetched.first)).toBe(3 * (4 << 20));
      await sleep(500);
      const after = counters(pid, 'snmp', 'Tcp:');
      const dropsAfter = netem ? 0 : nftDrops(b);
      expect(await g.interrupt()).toBe(0);
      server.proc.kill();
      const evs = events(g.stdout());
      const retrans = evs.filter((e) => e.type === 'retransmit');
      const segs = (after.RetransSegs ?? 0) - (before.RetransSegs ?? 0);
      expect(segs).toBeGreaterThan(0);
      expect(retrans.length).toBeGreaterThan(0);
      // One event per retransmitted skb; an skb may carry several segments (GSO).
      expect(retrans.length).toBeLessThanOrEqual(segs);
      expect(retrans.every((e) => e.type === 'retransmit' && e.local === `10.213.7.1:${port}`)).toBe(true);
      // The client's namespace dropped them, not the server's: the server's trace has none of those drops.
      if (!netem) expect(dropsAfter - dropsBefore).toBeGreaterThan(0);
      expect(evs.filter((e) => e.type === 'drop' && e.reason === 'NETFILTER_DROP')).toEqual([]);
    } finally {
      spawnSync('ip', ['netns', 'del', a]);
      spawnSync('ip', ['netns', 'del', b]);
    }
  });
});

function nftDrops(ns: string): number {
  const out = inNs(ns, ['nft', 'list', 'table', 'inet', 'lossy']);
  const m = /counter packets (\d+)/.exec(out);
  if (!m) throw new Error(`no counter in ${out}`);
  return Number(m[1]);
}
