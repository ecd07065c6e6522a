/**
 * The statistics of long traces in bounded memory: percentiles exact up to the sample size and
 * close past it (against the sorted truth), counts and maxima exact, and the TCP summary's
 * per-connection state capped however many connections come.
 */
import { describe, expect, it } from 'vitest';
import { HttpAggregator, LIVE_ROUTES } from '../src/core/analyses/trace/http-summary.js';
import type { HttpRequestRecord } from '../src/core/analyses/trace/http-types.js';
import { quantile, Reservoir, SAMPLE } from '../src/core/analyses/trace/reservoir.js';
import { MAX_TRACKED, TcpAggregator } from '../src/core/analyses/trace/tcp-events.js';
import { renderHttpTable } from '../src/core/render/trace-http.js';

const record = (i: number): HttpRequestRecord => ({
  ts: '2026-01-01T00:00:00.000Z',
  pid: 1,
  goid: i,
  method: 'GET',
  path: `/r${i % 3}`,
  status: 200,
  conn: { peer: null, local: null, reused: true, fd: null },
  phases: { handlerNs: (i * 7919) % 100_000 },
  totalNs: (i * 7919) % 100_000,
});

const truth = (xs: number[], q: number) =>
  quantile(
    [...xs].sort((a, b) => a - b),
    q,
  );

describe('reservoir', () => {
  it('is exact up to its size', () => {
    const r = new Reservoir();
    const xs = Array.from({ length: SAMPLE }, (_, i) => (i * 7919) % 10007);
    for (const x of xs) r.add(x);
    const s = r.sorted();
    for (const q of [0.5, 0.9, 0.99]) expect(quantile(s, q)).toBe(truth(xs, q));
    expect(r.max).toBe(Math.max(...xs));
  });

  it('past its size: the sample stays at its size, percentiles within 1 % of rank, count and max exact', () => {
    const r = new Reservoir();
    const n = 500_000;
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      // A skewed series: mostly fast, a slow tail.
      const x = i % 100 === 0 ? 1e6 + i : (i * 2654435761) % 1000;
      xs.push(x);
      r.add(x);
    }
    const s = r.sorted();
    expect(s.length).toBe(SAMPLE);
    const sorted = [...xs].sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99]) {
      const v = quantile(s, q);
      // The value's rank in the whole series is within 1 % of the rank asked for.
      const lo = sorted.findIndex((x) => x >= v) / n;
      const hi = sorted.filter((x) => x <= v).length / n;
      expect(lo).toBeLessThanOrEqual(q + 0.01);
      expect(hi).toBeGreaterThanOrEqual(q - 0.01);
    }
    expect(r.n).toBe(n);
    expect(r.max).toBe(Math.max(...xs.slice(-100_000)));
  });
});

describe('summaries of long traces', () => {
  it('HTTP: the same records give the same summary', () => {
    const a = new HttpAggregator(false);
    const b = new HttpAggregator(false);
    for (let i = 0; i < 100_000; i++) {
      a.add(record(i));
      b.add(record(i));
    }
    expect(a.summary()).toEqual(b.summary());
    expect(a.summary().routes.map((r) => r.count)).toEqual([33_334, 33_333, 33_333]);
  });

  it('the live table: the busiest routes only, the rest counted', () => {
    const agg = new HttpAggregator(false);
    for (let i = 0; i < 150; i++) {
      for (let k = 0; k <= i % 50; k++) agg.add({ ...record(i), path: `/r${i}`, goid: k });
    }
    const s = agg.summary(LIVE_ROUTES);
    expect(s.routes).toHaveLength(LIVE_ROUTES);
    expect(s.more).toBe(150 - LIVE_ROUTES);
    const all = agg.summary();
    expect(all.routes).toHaveLength(150);
    // The busiest: the same rows as the full summary's first ones.
    expect(s.routes).toEqual(all.routes.slice(0, LIVE_ROUTES));
    expect(all.more).toBeUndefined();
    const table = renderHttpTable(s);
    expect(table.split('\n').filter((l) => l.startsWith('/r'))).toHaveLength(LIVE_ROUTES);
    expect(table).toMatch(/^… 130 more routes$/m);
  });

  it('TCP: 300,000 connections, and 100,000 never closed: lifetimes from a sample, open connections and retransmit pairs bounded', () => {
    const agg = new TcpAggregator();
    const at = (ms: number) => new Date(1_700_000_000_000 + ms).toISOString();
    const ends = { local: '10.0.0.1:80', peer: '10.0.0.2:1' };
    for (let i = 0; i < 300_000; i++) {
      agg.add({ type: 'state', ts: at(i), sk: `s${i}`, from: 'SYN_RECV', to: 'ESTABLISHED', ...ends });
      if (i % 3) agg.add({ type: 'state', ts: at(i + (i % 1000)), sk: `s${i}`, from: 'LAST_ACK', to: 'CLOSE', ...ends });
      agg.add({ type: 'retransmit', ts: at(i), sk: `s${i}`, state: 'ESTABLISHED', local: ends.local, peer: `10.0.${i >> 8}.${i & 255}:1` });
    }
    for (let i = 0; i < 50; i++) agg.add({ type: 'retransmit', ts: at(i), sk: 's0', state: 'ESTABLISHED', local: ends.local, peer: '10.0.0.0:1' });
    const s = agg.summary(1);
    expect(s.connections.opened).toBe(300_000);
    expect(s.retransmits.count).toBe(300_050);
    expect(s.retransmits.top[0]).toEqual({ local: ends.local, peer: '10.0.0.0:1', count: 51 });
    // The never-closed ones are forgotten oldest first; every closed one is timed.
    expect(s.connections.closed).toBe(200_000);
    expect(agg.tracked).toBeLessThanOrEqual(2 * MAX_TRACKED);
    expect(s.connections.lifetimeMs?.max).toBe(999);
    expect(Math.abs((s.connections.lifetimeMs?.p50 ?? 0) - 500)).toBeLessThanOrEqual(20);
  });
});
