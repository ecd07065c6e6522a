/**
 * A bounded load on loopback: 200 pushes at once against goready serve on PGlite (its default,
 * one connection), snapshots and reports mixed, so both sides of the pair evaluation race. None may
 * be lost: every push answered 201, every host, binary and binary × host pair stored. Latencies are
 * printed (p50, p99, max), not asserted. The long run is by hand: GOREADY_LOAD_PUSHES=2000.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';
import { get, post, type RunningServer, startServer } from './helpers/fleet.js';

const PUSHES = Number(process.env.GOREADY_LOAD_PUSHES ?? 200);

describe(`goready serve under ${PUSHES} concurrent pushes`, () => {
  const work = mkdtempSync(join(tmpdir(), 'goready-load-'));
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer(join(work, 'db'), join(work, 'token'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('answers every push, loses none, and evaluates every pair', async () => {
    const snapshot = JSON.parse(readFileSync(join(import.meta.dirname, 'data', 'hosts', 'debian12-sh.json'), 'utf8'));
    const [report] = JSON.parse(goready(['inspect', '--format', 'json', '--functions', entry('linux-amd64-http').file]).stdout);
    const jobs: { kind: 'snapshot' | 'report'; name: string; url: string; body: unknown }[] = [];
    for (let i = 0; i < PUSHES; i++) {
      // One push in ten is a report (with its function list), spread among the snapshots.
      if (i % 10 === 5) {
        const name = `/srv/app-${String(i).padStart(4, '0')}`;
        jobs.push({ kind: 'report', name, url: `${server.url}/api/reports`, body: { ...report, path: name } });
      } else {
        const name = `load-${String(i).padStart(4, '0')}`;
        jobs.push({ kind: 'snapshot', name, url: `${server.url}/api/snapshots?host=${name}`, body: { ...snapshot, hostname: name } });
      }
    }

    const started = performance.now();
    const results = await Promise.all(
      jobs.map(async (j) => {
        const t = performance.now();
        const r = await post(j.url, j.body, { token: server.token });
        return { ...j, status: r.status, ms: performance.now() - t, answer: r.json };
      }),
    );
    const wall = performance.now() - started;

    const failed = results.filter((r) => r.status !== 201);
    expect(failed.map((r) => `${r.name}: ${r.status} ${JSON.stringify(r.answer)}`)).toEqual([]);
    const snapshots = results.filter((r) => r.kind === 'snapshot').length;
    const reports = results.filter((r) => r.kind === 'report').length;
    const hostsStarted = performance.now();
    const storedHosts = await get<{ name: string }[]>(`${server.url}/api/hosts`);
    const hostsMs = performance.now() - hostsStarted;
    expect(storedHosts.map((h) => h.name).sort()).toEqual(
      results
        .filter((r) => r.kind === 'snapshot')
        .map((r) => r.name)
        .sort(),
    );
    const storedBinaries = await get<{ name: string }[]>(`${server.url}/api/binaries`);
    expect(storedBinaries.map((b) => b.name).sort()).toEqual(
      results
        .filter((r) => r.kind === 'report')
        .map((r) => r.name)
        .sort(),
    );
    // Whichever side arrived last evaluated the pair: none is missing.
    const matrix = await get<{ binary: string; host: string; worst: string | null }[]>(`${server.url}/api/matrix`);
    expect(matrix).toHaveLength(snapshots * reports);
    expect(new Set(matrix.map((p) => p.worst))).toEqual(new Set(['medium']));
    // What the matrix page fetches: the summary, a small part of the whole matrix with findings.
    const fullBytes = (await (await fetch(`${server.url}/api/matrix`)).text()).length;
    const summaryText = await (await fetch(`${server.url}/api/matrix?summary=true`)).text();
    expect(JSON.parse(summaryText)).toHaveLength(matrix.length);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain(`goready_pushes_total{kind="snapshot",outcome="stored"} ${snapshots}\n`);
    expect(metrics).toContain(`goready_pushes_total{kind="report",outcome="stored"} ${reports}\n`);

    const ms = results.map((r) => r.ms).sort((a, b) => a - b);
    const pct = (p: number) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)] as number;
    console.log(
      `load: ${PUSHES} concurrent pushes (${snapshots} snapshots of ${JSON.stringify(snapshot).length} bytes, ${reports} reports) to PGlite in ${wall.toFixed(0)} ms: ` +
        `${results.length} answered 201, 0 lost; latency p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${(ms.at(-1) ?? 0).toFixed(0)} ms; ` +
        `${matrix.length} pairs evaluated; GET /api/hosts ${hostsMs.toFixed(0)} ms; GET /api/matrix ${fullBytes} bytes, ?summary=true ${summaryText.length} bytes`,
    );
  }, 600_000);
});
