/**
 * The HTTP join on event sequences the real-server tests cannot produce on demand: a prologue run
 * twice (the goroutine's stack grew), a connection closed while its handler ran, a handler that
 * flushed everything itself, an fd reused by a new connection, a request whose fd chain was
 * unreadable. Each sequence is what the kernel would deliver, in timestamp order.
 */
import { describe, expect, it } from 'vitest';
import { HttpJoiner, MAX_PEERS } from '../src/core/analyses/trace/http-join.js';
import type { HttpEvent } from '../src/core/analyses/trace/http-types.js';
import { pathShape, RouteNamer } from '../src/core/analyses/trace/routes.js';

const PID = 100;
const PEER = '127.0.0.1:40000';
const LOCAL = '127.0.0.1:8080';
const joiner = () => new HttpJoiner({ wallMs: (ts) => ts / 1e6 });
const serve = (ts: number, extra: Partial<Extract<HttpEvent, { kind: 'serve' }>> = {}): HttpEvent => ({
  kind: 'serve',
  ts,
  pid: PID,
  g: 0xc000,
  goid: 7,
  req: 0xa000,
  method: 'GET',
  path: '/x',
  peer: PEER,
  fd: 5,
  ...extra,
});
const finish = (ts: number, g = 0xc000): HttpEvent => ({ kind: 'finish', ts, pid: PID, g, status: 200, pattern: null });
const flushed = (ts: number, g = 0xc000): HttpEvent => ({ kind: 'flushed', ts, pid: PID, g });

function run(events: HttpEvent[], j = joiner()) {
  return [...events.flatMap((e) => j.push(e)), ...j.end()];
}

describe('the HTTP join', () => {
  it('a new connection: accept wait from the handshake, read from the accept, phases that add up', () => {
    const [r, ...rest] = run([
      { kind: 'established', ts: 1000, pid: 0, local: LOCAL, peer: PEER },
      { kind: 'data', ts: 1500, pid: 0, local: LOCAL, peer: PEER, bytes: 80 },
      { kind: 'accept', ts: 3000, pid: PID, fd: 5 },
      serve(4000),
      finish(9000),
      flushed(9500),
    ]);
    expect(rest).toEqual([]);
    expect(r?.phases).toEqual({ acceptWaitNs: 2000, readNs: 1000, handlerNs: 5000, writeNs: 500 });
    expect(r?.totalNs).toBe(8500);
    expect(r?.conn).toEqual({ peer: PEER, local: LOCAL, reused: false, fd: 5 });
  });

  it('the prologue run twice (stack growth) is one request, not two', () => {
    const rs = run([{ kind: 'accept', ts: 3000, pid: PID, fd: 5 }, serve(4000), serve(4010), finish(9000), finish(9001), flushed(9500), flushed(9501)]);
    expect(rs).toHaveLength(1);
    expect(rs[0]?.phases.handlerNs).toBe(5000);
  });

  it('kept alive: the next request reads from its own bytes, not from the idle time before them', () => {
    const rs = run([
      { kind: 'accept', ts: 1000, pid: PID, fd: 5 },
      serve(2000),
      finish(3000),
      flushed(3100),
      { kind: 'data', ts: 50_000, pid: 0, local: LOCAL, peer: PEER, bytes: 80 },
      serve(50_300, { req: 0xb000 }),
      finish(51_000),
      flushed(51_050),
    ]);
    expect(rs.map((r) => r.conn.reused)).toEqual([false, true]);
    expect(rs[1]?.phases).toEqual({ readNs: 300, handlerNs: 700, writeNs: 50 });
  });

  it('a handler still running when its connection closed is not a request; one that flushed itself is emitted on the next event', () => {
    const j = joiner();
    expect(run([{ kind: 'accept', ts: 1000, pid: PID, fd: 5 }, serve(2000), { kind: 'close', ts: 3000, pid: PID, fd: 5 }], j)).toEqual([]);
    const k = joiner();
    const out = [...k.push({ kind: 'accept', ts: 1000, pid: PID, fd: 5 }), ...k.push(serve(2000)), ...k.push(finish(3000))];
    expect(out).toEqual([]);
    // No flush within a second of the handler's return: emitted without a write phase.
    const later = k.tick(3000 + 2e9);
    expect(later).toHaveLength(1);
    expect(later[0]?.phases.writeNs).toBeUndefined();
  });

  it('an fd reused by a new connection starts a new connection', () => {
    const rs = run([
      { kind: 'accept', ts: 1000, pid: PID, fd: 5 },
      serve(2000),
      finish(3000),
      flushed(3100),
      { kind: 'close', ts: 4000, pid: PID, fd: 5 },
      { kind: 'accept', ts: 5000, pid: PID, fd: 5 },
      serve(6000, { req: 0xb000, peer: '127.0.0.1:40001' }),
      finish(7000),
      flushed(7100),
    ]);
    expect(rs.map((r) => [r.conn.reused, r.conn.peer])).toEqual([
      [false, PEER],
      [false, '127.0.0.1:40001'],
    ]);
  });

  it('two processes with the same fd and goroutine pointer stay apart', () => {
    const other = 200;
    const rs = run([
      { kind: 'accept', ts: 1000, pid: PID, fd: 5 },
      { kind: 'accept', ts: 1001, pid: other, fd: 5 },
      serve(2000),
      { ...serve(2001), pid: other } as HttpEvent,
      finish(3000),
      { ...finish(3500), pid: other } as HttpEvent,
      flushed(3100),
      { ...flushed(3600), pid: other } as HttpEvent,
    ]);
    expect(rs.map((r) => [r.pid, r.phases.handlerNs])).toEqual([
      [PID, 1000],
      [other, 1499],
    ]);
  });

  it('a trickle of segments: the next read starts at the first byte after the previous handler returned, in constant memory', () => {
    const j = joiner();
    const data = (ts: number): HttpEvent => ({ kind: 'data', ts, pid: 0, local: LOCAL, peer: PEER, bytes: 1 });
    const events: HttpEvent[] = [{ kind: 'accept', ts: 1000, pid: PID, fd: 5 }, serve(2000)];
    // Bytes while the handler runs (a pipelined request) do not start the next read…
    for (let t = 2100; t < 3000; t += 10) events.push(data(t));
    events.push(finish(3000), flushed(3100));
    // …the first after it returned does, however many follow one byte at a time.
    for (let t = 40_000; t < 40_000 + 100_000 * 10; t += 10) events.push(data(t));
    events.push(serve(2_000_000, { req: 0xb000 }), finish(2_001_000), flushed(2_001_050));
    let most = 0;
    const rs = events.flatMap((e) => {
      const out = j.push(e);
      most = Math.max(most, j.remembered);
      return out;
    });
    expect(rs[1]?.phases).toEqual({ readNs: 2_000_000 - 40_000, handlerNs: 1000, writeNs: 50 });
    expect(most).toBeLessThanOrEqual(2);
  });

  it('a flood of handshakes that are never accepted: memory stays bounded, a real connection keeps its accept wait', () => {
    const j = joiner();
    for (let i = 0; i < 3 * MAX_PEERS; i++) {
      j.push({ kind: 'established', ts: 100 + i, pid: 0, local: LOCAL, peer: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}` });
    }
    expect(j.remembered).toBeLessThanOrEqual(2 * MAX_PEERS);
    const rs = run(
      [
        { kind: 'established', ts: 1_000_000, pid: 0, local: LOCAL, peer: PEER },
        { kind: 'accept', ts: 1_000_400, pid: PID, fd: 5 },
        serve(1_001_000),
        finish(1_002_000),
        flushed(1_002_100),
      ],
      j,
    );
    expect(rs[0]?.phases.acceptWaitNs).toBe(400);
    expect(rs[0]?.conn.local).toBe(LOCAL);
  });

  it('a request whose connection could not be read still has its handler time', () => {
    const j = joiner();
    const rs = run([serve(2000, { fd: null }), finish(3000), flushed(3100)], j);
    expect(rs[0]?.phases).toEqual({ handlerNs: 1000, writeNs: 100 });
    expect(rs[0]?.conn.fd).toBeNull();
    expect(j.unjoined).toBe(1);
  });
});

describe('routes', () => {
  it('replace identifiers, keep words', () => {
    expect(pathShape('/users/42/orders/9f1c2e3d4a5b6c7d?x=1')).toBe('/users/{id}/orders/{id}');
    expect(pathShape('/files/3fa85f64-5717-4562-b3fc-2c963f66afa6')).toBe('/files/{id}');
    expect(pathShape('/healthz')).toBe('/healthz');
    expect(pathShape('/api/v1/items')).toBe('/api/v1/items');
  });

  it('stay bounded however many paths come', () => {
    const n = new RouteNamer();
    const routes = new Set<string>();
    for (let i = 0; i < 5000; i++) routes.add(n.route(`/p${i}/x${i % 7}`));
    expect(routes.size).toBeLessThanOrEqual(200 + 50 + 1);
    expect(n.route('/a', '/items/{id}')).toBe('/items/{id}');
  });
});
