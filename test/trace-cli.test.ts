/**
 * goready trace http as a user meets it: on a real server nobody here wrote (Debian's
 * prometheus-node-exporter, stripped, cgo), with --metrics scraped while it runs, --routes with
 * Go ≥ 1.23 patterns, the text and JSON outputs, and every way it refuses to start.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HttpRequestRecord } from '../src/core/analyses/trace/http-types.js';
import { CLI, goready } from './helpers/cli.js';
import { CORPUS } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';
import { get, goreadyBackground, requireTracing, schemaValidator, sleep, startServer, tracefsLeftovers } from './helpers/trace.js';

const validate = schemaValidator('trace-http.schema.json');

function records(stdout: string): HttpRequestRecord[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as HttpRequestRecord);
}

function fixture(go: string, variant = 'amd64') {
  const f = toolchainFixtures('httpserver').find((x) => x.go === go && x.variant === variant);
  if (!f) throw new Error(`no go${go} httpserver-${variant} fixture (npm run corpus)`);
  return f;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

function scrape(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

/** A Prometheus text value: `name{labels} value`, with the labels in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] as string).matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return Number.NaN;
}

describe('goready trace http: a real server nobody here wrote', () => {
  beforeAll(requireTracing);
  it("Debian's prometheus-node-exporter (Go 1.19, stripped, cgo): every /metrics request, as its own counter says", async () => {
    const bin = join(CORPUS, 'debian', 'prometheus-node-exporter', 'usr', 'bin', 'prometheus-node-exporter');
    if (!existsSync(bin)) throw new Error(`${bin} missing (npm run corpus fetches it)`);
    const port = await freePort();
    const proc = spawn(bin, [`--web.listen-address=127.0.0.1:${port}`, '--collector.disable-defaults', '--collector.loadavg'], { stdio: 'ignore' });
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      const counter = (text: string) => sample(text, 'promhttp_metric_handler_requests_total', { code: '200' });
      let first = '';
      for (let i = 0; i < 100 && !first; i++) first = await scrape(url).catch(() => sleep(100).then(() => ''));
      const before = counter(first);
      const g = await goreadyBackground(['trace', 'http', '--pid', String(proc.pid), '--format', 'jsonl'], /^tracing pid/m);
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = 0; i < 5; i++) expect((await get(port, '/metrics', agent)).status).toBe(200);
      agent.destroy();
      for (let i = 0; i < 3; i++) expect((await get(port, '/metrics', false)).status).toBe(200);
      expect((await get(port, '/', false)).status).toBe(200);
      await sleep(300);
      expect(await g.interrupt()).toBe(0);
      const after = counter(await scrape(url));
      const recs = records(g.stdout());
      for (const r of recs) validate(r);
      expect(g.stderr()).toMatch(/struct offsets from goready's table/);
      expect(recs.map((r) => `${r.method} ${r.path} ${r.status}`).sort()).toEqual(['GET / 200', ...Array(8).fill('GET /metrics 200')].sort());
      // node_exporter counts its own /metrics replies: the last scrape came after the trace.
      expect(recs.filter((r) => r.path === '/metrics')).toHaveLength(after - before - 1);
      // One goroutine per connection: the kept-alive one served five requests.
      const goids = recs.map((r) => r.goid);
      expect(new Set(goids).size).toBe(5);
      expect(goids.every((x) => typeof x === 'number' && x > 0)).toBe(true);
      expect(recs.every((r) => r.phases.writeNs !== undefined && r.phases.readNs !== undefined)).toBe(true);
      expect(proc.exitCode).toBeNull();
    } finally {
      proc.kill('SIGKILL');
    }
  });
});

describe('goready trace http: outputs', () => {
  beforeAll(requireTracing);

  it('--metrics: per-route, per-phase histograms and counts by status, scraped while tracing', async () => {
    const server = await startServer(fixture('1.27').file);
    try {
      const g = await goreadyBackground(['trace', 'http', '--pid', String(server.pid), '--format', 'jsonl', '--metrics', '127.0.0.1:0'], /^tracing pid/m);
      const at = /metrics at (http:\/\/\S+)/.exec(g.stderr())?.[1];
      expect(at).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
      for (const p of ['/sleep/1', '/sleep/2', '/sleep/3', '/status/404']) await get(server.port, p, false);
      await sleep(1500);
      const text = await scrape(at as string);
      expect(await g.interrupt()).toBe(0);
      // With Go ≥ 1.23's ServeMux, the route is the pattern that matched.
      expect(sample(text, 'goready_http_requests_total', { route: '/sleep/', method: 'GET', status: '200' })).toBe(3);
      expect(sample(text, 'goready_http_requests_total', { route: '/status/', method: 'GET', status: '404' })).toBe(1);
      for (const phase of ['accept_wait', 'read', 'handler', 'write']) {
        expect(sample(text, 'goready_http_request_phase_seconds_count', { route: '/sleep/', phase })).toBe(3);
      }
      expect(sample(text, 'goready_http_request_phase_seconds_bucket', { route: '/sleep/', phase: 'handler', le: '0.0008' })).toBe(0);
      expect(sample(text, 'goready_http_request_phase_seconds_bucket', { route: '/sleep/', phase: 'handler', le: '+Inf' })).toBe(3);
      // Records are written as they complete (a connection's request may be joined after the next
      // connection's), so in the order the requests began.
      const begun = records(g.stdout()).sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
      expect(begun.map((r) => r.pattern)).toEqual(['/sleep/', '/sleep/', '/sleep/', '/status/']);
    } finally {
      await server.stop();
    }
  });

  it('--routes: Request.Pattern on Go ≥ 1.23, path shapes before it; text output is the summary table', async () => {
    for (const go of ['1.22', '1.27']) {
      const server = await startServer(fixture(go).file);
      try {
        const g = await goreadyBackground(['trace', 'http', '--pid', String(server.pid), '--routes'], /^tracing pid/m);
        for (const p of ['/sleep/1', '/sleep/2', '/status/404', '/status/500']) await get(server.port, p, false);
        await sleep(300);
        expect(await g.interrupt()).toBe(0);
        const out = g.stdout();
        // Not a terminal: the summary only, no redrawing.
        expect(out).not.toContain(`${String.fromCharCode(27)}[`);
        expect(out).toMatch(/^4 requests in [\d.]+ s/m);
        const rows = out.split('\n').filter((l) => l.startsWith('/'));
        const names = rows.map((r) => r.split(/\s+/)[0]);
        expect(names.sort()).toEqual(go === '1.27' ? ['/sleep/', '/status/'] : ['/sleep/{id}', '/status/{id}']);
        expect(out).toMatch(/route\s+count\s+2xx\s+4xx\s+5xx\s+accept wait p50 p90 p99/);
      } finally {
        await server.stop();
      }
    }
  });

  it('paths a client chose: control characters escaped in the table, long paths cut, bad UTF-8 replaced', async () => {
    const server = await startServer(fixture('1.21').file);
    try {
      const g = await goreadyBackground(['trace', 'http', '--pid', String(server.pid)], /^tracing pid/m);
      const long = `/${'a'.repeat(4000)}`;
      for (const p of ['/status/%1b%5b2J%07x', long, '/bad/%ff%fe']) await get(server.port, p, false);
      await sleep(300);
      expect(await g.interrupt()).toBe(0);
      const out = g.stdout();
      // Nothing but newlines below the space character reaches the terminal.
      expect([...out].filter((c) => c < ' ' && c !== '\n')).toEqual([]);
      expect(out).toMatch(/^\/status\/\\x1b\[2J\\x07x +1 /m);
      // 128 bytes are fetched: the path is cut there, and says so.
      expect(out).toMatch(new RegExp(`^/${'a'.repeat(127)}… +1 `, 'm'));
      expect(out).toMatch(/^\/bad\/\uFFFD\uFFFD +1 /m);
      expect(server.log.map((l) => l.path)).toContain(`/status/${String.fromCharCode(27)}[2J${String.fromCharCode(7)}x`);
    } finally {
      await server.stop();
    }
  });

  it('on a terminal: the live table redraws in place every second, then the summary', async () => {
    const server = await startServer(fixture('1.27').file);
    try {
      // script(1) gives goready a pseudo-terminal.
      const run = spawn('script', ['-qefc', `${process.execPath} ${CLI} trace http --pid ${server.pid} --duration 6`, '/dev/null'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      run.stdout?.setEncoding('utf8').on('data', (c: string) => {
        out += c;
      });
      const exited = new Promise<number | null>((r) => run.once('exit', (code) => r(code)));
      for (let i = 0; i < 60 && !/tracing pid/.test(out); i++) await sleep(100);
      for (let i = 0; i < 3; i++) {
        await get(server.port, '/sleep/1', false);
        await sleep(1100);
      }
      expect(await exited).toBe(0);
      // Cursor up to the table's first line, clear to the end: the table is drawn again in place.
      const ESC = String.fromCharCode(27);
      expect(out).toMatch(new RegExp(`${ESC}\\[\\d+F${ESC}\\[J`));
      expect(out).toMatch(/^\/sleep\/1 +[1-3] /m);
      expect(out).toMatch(/3 requests in [\d.]+ s/);
    } finally {
      await server.stop();
    }
  });

  it('--format json: one document with the target, the summary and the requests', async () => {
    const server = await startServer(fixture('1.24', 'amd64-stripped').file);
    try {
      const g = await goreadyBackground(['trace', 'http', '--pid', String(server.pid), '--format', 'json'], /^tracing pid/m);
      await get(server.port, '/sleep/1', false);
      await sleep(300);
      expect(await g.interrupt()).toBe(0);
      const doc = JSON.parse(g.stdout()) as {
        goVersion: string;
        offsets: string;
        probes: { name: string }[];
        summary: { requests: number };
        requests: HttpRequestRecord[];
      };
      expect(doc.goVersion).toBe('go1.24.4');
      expect(doc.offsets).toBe('table');
      expect(doc.probes.map((p) => p.name)).toEqual(['serve', 'finish', 'flushed']);
      expect(doc.summary.requests).toBe(1);
      for (const r of doc.requests) validate(r);
      expect(doc.requests[0]?.path).toBe('/sleep/1');
    } finally {
      await server.stop();
    }
  });
});

describe('goready trace http --binary', () => {
  beforeAll(requireTracing);
  it('every running process of the file, each request with its own process, goroutine and listener', async () => {
    const file = fixture('1.26').file;
    const a = await startServer(file);
    const b = await startServer(file);
    // The same toolchain's other build is another file: not traced.
    const other = await startServer(fixture('1.26', 'amd64-pie').file);
    try {
      const g = await goreadyBackground(['trace', 'http', '--binary', file, '--format', 'jsonl'], /^tracing /m);
      const header =
        g
          .stderr()
          .split('\n')
          .find((l) => l.startsWith(`tracing ${file} (pid `)) ?? '';
      const listed = /\(pid ([\d, ]+)\)/.exec(header)?.[1];
      expect(listed?.split(', ').map(Number).sort()).toEqual([a.pid, b.pid].sort());
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      await get(a.port, '/sleep/2', agent);
      await get(a.port, '/status/404', agent);
      agent.destroy();
      await get(a.port, '/sleep/1', false);
      await get(b.port, '/sleep/3', false);
      await get(other.port, '/sleep/1', false);
      await sleep(300);
      expect(await g.interrupt()).toBe(0);
      const recs = records(g.stdout());
      for (const r of recs) validate(r);
      const seen = (s: typeof a) =>
        recs
          .filter((r) => r.pid === s.pid)
          .map((r) => `${r.goid} ${r.path} ${r.status} ${r.conn.local}`)
          .sort();
      const logged = (s: typeof a) => s.log.map((l) => `${l.goid} ${l.path} ${l.status} 127.0.0.1:${s.port}`).sort();
      expect(seen(a)).toEqual(logged(a));
      expect(seen(b)).toEqual(logged(b));
      expect(recs).toHaveLength(4);
      expect(a.alive() && b.alive()).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop(), other.stop()]);
    }
  });
});

describe('goready trace http: detaching', () => {
  beforeAll(requireTracing);
  it('the traced server exits: the trace ends by itself with the requests it saw, and removes its probes', async () => {
    const server = await startServer(fixture('1.23', 'amd64-stripped').file);
    let g: Awaited<ReturnType<typeof goreadyBackground>> | undefined;
    try {
      g = await goreadyBackground(['trace', 'http', '--pid', String(server.pid), '--format', 'jsonl'], /^tracing pid/m);
      await get(server.port, '/sleep/1', false);
      await get(server.port, '/status/500', false);
      await sleep(300);
      await server.stop();
      // No --duration: it notices within its one-second check.
      const code = await Promise.race([g.exited, sleep(10_000).then(() => 'still running')]);
      expect(code).toBe(0);
      expect(g.stderr()).toMatch(/^goready: the traced process exited$/m);
      expect(
        records(g.stdout())
          .map((r) => `${r.path} ${r.status}`)
          .sort(),
      ).toEqual(['/sleep/1 200', '/status/500 500']);
      expect(tracefsLeftovers().filter((l) => l.includes(`goready_${g?.proc.pid}/`) || l.includes(`goready-${g?.proc.pid}-`))).toEqual([]);
    } finally {
      g?.proc.kill('SIGKILL');
      await server.stop();
    }
  });

  it('SIGTERM removes every probe; after a SIGKILL the next trace removes what was left; the server runs on', async () => {
    const server = await startServer(fixture('1.21', 'amd64-pie').file);
    try {
      const mine = (pid: number | undefined) => tracefsLeftovers().filter((l) => l.includes(`goready_${pid}/`) || l.includes(`goready-${pid}-`));
      const a = await goreadyBackground(['trace', 'http', '--pid', String(server.pid)], /^tracing pid/m);
      expect(mine(a.proc.pid).length).toBeGreaterThan(0);
      a.proc.kill('SIGTERM');
      await a.exited;
      expect(mine(a.proc.pid)).toEqual([]);
      const b = await goreadyBackground(['trace', 'http', '--pid', String(server.pid)], /^tracing pid/m);
      b.proc.kill('SIGKILL');
      await b.exited;
      expect(mine(b.proc.pid).length).toBeGreaterThan(0);
      expect((await get(server.port, '/sleep/1', false)).status).toBe(200);
      const c = await goreadyBackground(['trace', 'http', '--pid', String(server.pid), '--format', 'jsonl'], /^tracing pid/m);
      expect(mine(b.proc.pid)).toEqual([]);
      // Only c's probes are attached now: one request, one record.
      await get(server.port, '/sleep/1', false);
      await sleep(300);
      expect(await c.interrupt()).toBe(0);
      expect(records(c.stdout())).toHaveLength(1);
      expect(server.alive()).toBe(true);
    } finally {
      await server.stop();
    }
  });
});

describe('goready trace: refusals, one line each with the fix', () => {
  it('bad or missing targets', async () => {
    expect(goready(['trace', 'http']).stderr).toMatch(/give one of --pid N and --binary PATH/);
    const r = goready(['trace', 'http', '--pid', 'abc']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(goready(['trace', 'http', '--pid', '999999999']).stderr).toBe('goready: --pid 999999999: no such process\n');
    expect(goready(['trace', 'tcp', '--port', '70000']).code).toBe(2);
    expect(goready(['trace', 'http', '--binary', '/nonexistent']).stderr).toBe('goready: /nonexistent: ENOENT\n');
    // An --out that cannot be written: one line before anything is attached, not a stream error after.
    for (const cmd of [
      ['trace', 'http', '--pid', String(process.pid)],
      ['trace', 'tcp', '--port', '1'],
    ]) {
      const o = goready([...cmd, '--out', '/nonexistent/dir/out.jsonl']);
      expect(o.code).toBe(2);
      expect(o.stderr).toBe('goready: /nonexistent/dir/out.jsonl: no such file or directory\n');
    }
  });

  it('a process that is not Go, and a Go program that is not a net/http server', async () => {
    requireTracing();
    const sleeper = spawn('sleep', ['60']);
    // gofmt waits for its input: a live Go process with no HTTP server in it.
    const gofmt = spawn('/usr/lib/go-1.27/bin/gofmt', [], { stdio: ['pipe', 'ignore', 'ignore'] });
    try {
      const r = goready(['trace', 'http', '--pid', String(sleeper.pid)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^goready: .*(no Go version|no function table)/);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      const g = goready(['trace', 'http', '--pid', String(gofmt.pid)]);
      expect(g.code).toBe(2);
      expect(g.stderr).toBe('goready: no net/http.serverHandler.ServeHTTP in the function table: not a net/http server\n');
    } finally {
      sleeper.kill();
      gofmt.kill();
    }
  });

  it('not root: says to use sudo', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, CLI, 'trace', 'http', '--pid', String(process.pid)], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: tracing needs root (uprobes and tracepoints are root-only): run it again with sudo\n');
  });

  it('tracefs not mounted: names the mount command', () => {
    requireTracing();
    // A private mount namespace where tracefs is unmounted; the machine's mount is untouched.
    const r = spawnSync(
      'unshare',
      [
        '-m',
        'sh',
        '-c',
        `umount /sys/kernel/tracing 2>/dev/null; umount /sys/kernel/debug 2>/dev/null; exec ${process.execPath} ${CLI} trace http --pid ${process.pid}`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: tracefs is not mounted: mount -t tracefs nodev /sys/kernel/tracing\n');
  });

  it('no bpftrace for trace tcp: names the package', () => {
    requireTracing();
    const r = spawnSync(process.execPath, [CLI, 'trace', 'tcp', '--port', '9'], { encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('goready: bpftrace is not installed: apt-get install bpftrace\n');
  });

  it('a Go version outside the table and no DWARF: names what remains', async () => {
    const { planHttp } = await import('../src/core/analyses/trace/http-plan.js');
    const plan = planHttp({
      arch: 'amd64',
      functions: new Map([
        ['net/http.serverHandler.ServeHTTP', 0x1000],
        ['net/http.(*response).finishRequest', 0x2000],
        ['net/http.(*connReader).abortPendingRead', 0x3000],
      ]),
      sites: new Map(),
      offsets: {},
      offsetsSource: 'none',
      offsetsNote: 'go1.28.0 is outside the table',
    });
    expect(plan.probes.map((p) => p.name)).toEqual(['serve', 'finish', 'flushed']);
    expect(plan.limitations.map((l) => l.what)).toEqual([
      'goroutine IDs',
      'method and path',
      'connection phases (accept wait, read, write) and peer',
      'status',
    ]);
    expect(plan.limitations.every((l) => l.why.startsWith('go1.28.0 is outside the table'))).toBe(true);
    expect(readFileSync(join(import.meta.dirname, '..', 'schema', 'trace-http.schema.json'), 'utf8')).toContain('handlerNs');
  });
});
