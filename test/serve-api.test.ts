/**
 * goready serve's JSON API, on both stores: PGlite in a directory (the default) and Debian's
 * PostgreSQL server started here. The truth for every pair's findings is the CLI's own
 * `goready check BIN --host SNAPSHOT --format json` on the same files; for host comparisons,
 * `goready diff A B --binary BIN --format json`.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, goready } from './helpers/cli.js';
import { entry } from './helpers/corpus.js';
import { freePort, get, PG_BIN, post, type RunningPostgres, type RunningServer, rawRequest, startPostgres, startServer } from './helpers/fleet.js';
import { toolchainFixtures } from './helpers/toolchains.js';

const HOSTS = join(import.meta.dirname, 'data', 'hosts');
const snap = (name: string) => JSON.parse(readFileSync(join(HOSTS, name), 'utf8')) as Record<string, unknown> & { sysctls: Record<string, string | null> };

interface Pair {
  binary: string;
  host: string;
  findings: unknown[];
  worst: string | null;
}

/** The CLI's findings for BIN (as named, run in its directory) against a snapshot file named as the host. */
function cliFindings(dir: string, bin: string, snapshotFile: string): unknown[] {
  const r = goready(['check', bin, '--host', snapshotFile, '--format', 'json'], { cwd: dir });
  if (r.code !== 0) throw new Error(`goready check ${bin} --host ${snapshotFile}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

const worstOf = (fs: { severity: string }[]) => ['fatal', 'high', 'medium', 'low', 'info'].find((s) => fs.some((f) => f.severity === s)) ?? null;

for (const store of ['pglite', 'postgres'] as const) {
  describe(`goready serve API on ${store}`, () => {
    const work = mkdtempSync(join(tmpdir(), `goready-serve-${store}-`));
    const tokenFile = join(work, 'config', 'token');
    /** Binaries and snapshot files as the CLI reads them: each named as the fleet names it. */
    const bins = join(work, 'bins');
    let pg: RunningPostgres | null = null;
    let db = join(work, 'db');
    let server: RunningServer;
    let pushes = 0;
    const api = (p: string) => `${server.url}${p}`;
    const pushSnapshot = async (name: string, body: unknown) => {
      const r = await post(api(`/api/snapshots?host=${encodeURIComponent(name)}`), body, { token: server.token });
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      writeFileSync(join(bins, name), JSON.stringify(body));
      pushes++;
      return r.json;
    };

    beforeAll(async () => {
      mkdirSync(bins);
      for (const b of ['linux-amd64-http', 'linux-amd64-cgo', 'linux-amd64-deps']) copyFileSync(entry(b).file, join(bins, b));
      copyFileSync(entry('linux-amd64').file, join(bins, 'app'));
      if (store === 'postgres') {
        pg = await startPostgres();
        db = pg.url;
      }
      server = await startServer(db, tokenFile);
    });
    afterAll(async () => {
      await server?.stop();
      pg?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('creates the token file with mode 600 and prints the token once', () => {
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(token.length).toBeGreaterThanOrEqual(40);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(server.out.filter((l) => l.includes(token))).toHaveLength(1);
      expect(server.out.join('\n')).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
    });

    it('writes need the bearer token; reads do not', async () => {
      const body = snap('debian12-sh.json');
      const none = await post(api('/api/snapshots'), body, { token: null });
      expect(none.status).toBe(401);
      expect(none.json.field).toBe('authorization');
      expect(none.json.error).toMatch(/Authorization: Bearer/);
      const wrong = await post(api('/api/reports'), {}, { token: `${server.token.slice(0, -1)}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.json.error).toBe('wrong bearer token');
      expect(await get(api('/api/hosts'))).toEqual([]);
    });

    it('refuses bodies over the limits with 413: snapshots 8 MiB, reports 32 MiB', async () => {
      const pad = (n: number) => `{"schemaVersion":1,"pad":"${'x'.repeat(n)}"}`;
      // The server reads and drops an over-limit body before answering, so a client still sending gets the 413.
      const big = await post(api('/api/snapshots'), null, { token: server.token, raw: pad((8 << 20) + 10) });
      expect(big.status).toBe(413);
      expect(big.json.error).toMatch(/larger than 8 MiB/);
      // A report body between the two limits is not too large; one over 32 MiB is.
      const mid = await post(api('/api/reports'), null, { token: server.token, raw: pad(9 << 20) });
      expect(mid.status).toBe(400);
      const huge = await post(api('/api/reports'), null, { token: server.token, raw: pad((32 << 20) + 10) });
      expect(huge.status).toBe(413);
      expect(huge.json.error).toMatch(/larger than 32 MiB/);
    });

    it('validates every write and names the field (400)', async () => {
      const t = { token: server.token };
      const s = snap('debian12-sh.json');
      const cases: [string, unknown, string][] = [
        ['/api/snapshots', { ...s, cpu: { ...(s.cpu as object), arch: 64 } }, '/cpu/arch'],
        ['/api/snapshots', { ...s, kernel: undefined }, '/kernel'],
        ['/api/snapshots', { ...s, bogus: 1 }, '/bogus'],
        ['/api/snapshots', { ...s, schemaVersion: 2 }, '/schemaVersion'],
        ['/api/snapshots', [1, 2], '/schemaVersion'],
        ['/api/snapshots', { ...s, hostname: null }, '/hostname'],
        // PostgreSQL text has no NUL: refused by name, not a 500 from the database.
        ['/api/snapshots', { ...s, sysctls: { ...s.sysctls, 'kernel.x': 'a\u0000b' } }, '/sysctls/kernel.x'],
      ];
      const [report] = JSON.parse(goready(['inspect', '--format', 'json', join(bins, 'app')]).stdout) as Record<string, unknown>[];
      const go = report?.go as Record<string, unknown>;
      const atomics = { lse: 2, lseUnguarded: 2, llsc: 0, unguardedFunctions: ['main.addLSE (2× ldaddal)'] };
      cases.push(
        ['/api/reports', { ...report, go: { ...go, version: 1.22 } }, '/go/version'],
        ['/api/reports', [report, { ...report, file: 'x' }], '/1/file'],
        ['/api/reports', { ...report, path: '' }, '/path'],
        ['/api/reports', [report, { ...report, path: 'bin/a\u0000b' }], '/1/path'],
        ['/api/reports', { ...report, code: { listensTcp: 'yes' } }, '/code/listensTcp'],
        ['/api/reports', { ...report, code: { listensTcp: true, rm: 1 } }, '/code/rm'],
        ['/api/reports', { ...report, code: [] }, '/code'],
        // The atomics census as the checks read it (AtomicsSummary), each part named when wrong.
        ...(
          [
            [{ lse: 1, lseUnguarded: 0, llsc: 0 }, '/unguardedFunctions'],
            [{ ...atomics, lse: -1 }, '/lse'],
            [{ ...atomics, llsc: 1.5 }, '/llsc'],
            [{ ...atomics, lseUnguarded: 3 }, '/lseUnguarded'],
            [{ ...atomics, unguardedFunctions: ['a', 'b', 'c', 'd', 'e', 'f'] }, '/unguardedFunctions'],
            [{ ...atomics, unguardedFunctions: ['main.f', 7] }, '/unguardedFunctions/1'],
            [{ ...atomics, verdict: 'ok' }, '/verdict'],
            ['lse', ''],
          ] as [unknown, string][]
        ).map(([a, at]): [string, unknown, string] => ['/api/reports', { ...report, code: { listensTcp: false, atomics: a } }, `/code/atomics${at}`]),
        ['/api/reports', [], '/'],
      );
      for (const [path, body, field] of cases) {
        const r = await post(api(path), body, t);
        expect(r.status, `${path} ${field}: ${JSON.stringify(r.json)}`).toBe(400);
        expect(r.json.field, r.json.error).toBe(field);
        expect(r.json.error).toBeTruthy();
      }
      const notJson = await post(api('/api/snapshots'), null, { ...t, raw: '{"schemaVersion": 1,' });
      expect(notJson.status).toBe(400);
      const proto = await post(api('/api/snapshots'), null, { ...t, raw: '{"schemaVersion":1,"__proto__":{"x":1}}' });
      expect(proto.status).toBe(400);
      const form = await post(api('/api/snapshots'), null, { ...t, raw: 'a=b', contentType: 'application/x-www-form-urlencoded' });
      expect(form.status).toBe(415);
      expect(form.json.field).toBe('content-type');
      const twice = await post(api('/api/snapshots?host=a&host=b'), s, t);
      expect(twice.status).toBe(400);
      expect(twice.json.field).toBe('host');
      const control = await post(api('/api/snapshots?host=a%0Ab'), s, t);
      expect(control.json.field).toBe('host');
      // Nothing refused was stored.
      expect(await get(api('/api/hosts'))).toEqual([]);
    });

    it('stores pushed snapshots and reports; every pair equals goready check on the same files', async () => {
      await pushSnapshot('debian12-sh.json', snap('debian12-sh.json'));
      await pushSnapshot('debian12-constrained-sh.json', snap('debian12-constrained-sh.json'));
      await pushSnapshot('musl-root-sh.json', snap('musl-root-sh.json'));
      const r = execFileSync(process.execPath, [CLI, 'inspect', '--push', server.url, '--token-file', tokenFile, 'linux-amd64-http', 'linux-amd64-cgo'], {
        cwd: bins,
        encoding: 'utf8',
      });
      expect(r).toMatch(/^linux-amd64-http: pushed as "linux-amd64-http", checked against 3 hosts$/m);
      expect(r).toMatch(/^linux-amd64-cgo: pushed as "linux-amd64-cgo", checked against 3 hosts$/m);
      const matrix = await get<Pair[]>(api('/api/matrix'));
      expect(matrix).toHaveLength(6);
      for (const p of matrix) {
        const cli = cliFindings(bins, p.binary, p.host);
        // Byte for byte, key order included.
        expect(JSON.stringify(p.findings), `${p.binary} on ${p.host}`).toBe(JSON.stringify(cli));
        expect(p.worst).toBe(worstOf(cli as { severity: string }[]));
      }
      // The pairs are not all alike: the truth has a fatal, a high and an info-only pair.
      const worst = Object.fromEntries(matrix.map((p) => [`${p.binary} ${p.host}`, p.worst]));
      expect(worst['linux-amd64-cgo musl-root-sh.json']).toBe('fatal');
      expect(worst['linux-amd64-http debian12-constrained-sh.json']).toBe('high');
      // Only the info that the daemon's seccomp default is unknown (GR-SECCOMP-001: a snapshot taken inside a container).
      expect(worst['linux-amd64-cgo debian12-sh.json']).toBe('info');
      const one = await get<Pair[]>(api('/api/matrix?binary=linux-amd64-cgo&host=musl-root-sh.json'));
      expect(one.map((p) => p.findings.map((f) => (f as { id: string }).id))).toEqual([['GR-LIBC-002']]);
    });

    it('goready host --push stores this machine (Node collector) and the sh collector piped to curl stores a snapshot', async () => {
      const out = execFileSync(process.execPath, [CLI, 'host', '--push', server.url, '--token-file', tokenFile, '--name', 'this-node'], { encoding: 'utf8' });
      expect(out).toMatch(/^pushed the snapshot of "this-node" \(#\d+\), checked against 2 binaries$/m);
      pushes++;
      const script = join(work, 'collector.sh');
      writeFileSync(script, goready(['host', '--script']).stdout);
      const curl = execFileSync(
        'sh',
        [
          '-c',
          `dash "$0" | curl -sS --fail-with-body -H "Authorization: Bearer $(cat "$1")" -H 'Content-Type: application/json' --data-binary @- "$2/api/snapshots?host=this-sh"`,
          script,
          tokenFile,
          server.url,
        ],
        { encoding: 'utf8' },
      );
      pushes++;
      expect(JSON.parse(curl)).toMatchObject({ host: 'this-sh', current: true, evaluated: 2 });
      for (const h of ['this-node', 'this-sh']) {
        const stored = (await get<{ snapshot: Record<string, unknown> }>(api(`/api/hosts/${h}`))).snapshot;
        expect(stored.collector).toBe(h === 'this-sh' ? 'sh' : 'node');
        writeFileSync(join(bins, h), JSON.stringify(stored));
        for (const b of ['linux-amd64-http', 'linux-amd64-cgo']) {
          const [p] = await get<Pair[]>(api(`/api/matrix?binary=${b}&host=${h}`));
          expect(p?.findings, `${b} on ${h}`).toEqual(cliFindings(bins, b, h));
        }
      }
    });

    it('re-evaluates a pair when either side changes', async () => {
      // The host side: a newer snapshot of debian12-sh with one fact changed, somaxconn 4096 → 128.
      const older = snap('debian12-sh.json');
      const newer = { ...older, collectedAt: '2026-11-24T10:00:00Z', sysctls: { ...older.sysctls, 'net.core.somaxconn': '128' } };
      const before = (await get<Pair[]>(api('/api/matrix?binary=linux-amd64-http&host=debian12-sh.json')))[0];
      expect(before?.findings.map((f) => (f as { id: string }).id)).not.toContain('GR-NET-001');
      expect(await pushSnapshot('debian12-sh.json', newer)).toMatchObject({ current: true, evaluated: 2 });
      const after = (await get<Pair[]>(api('/api/matrix?binary=linux-amd64-http&host=debian12-sh.json')))[0];
      expect(after?.findings.map((f) => (f as { id: string }).id)).toContain('GR-NET-001');
      expect(after?.findings).toEqual(cliFindings(bins, 'linux-amd64-http', 'debian12-sh.json'));
      // An older snapshot arriving late is history, not the host's current state.
      const late = await post(api('/api/snapshots?host=debian12-sh.json'), { ...older, collectedAt: '2026-11-01T00:00:00Z' }, { token: server.token });
      pushes++;
      expect(late.json).toMatchObject({ current: false, evaluated: 0 });
      expect((await get<Pair[]>(api('/api/matrix?binary=linux-amd64-http&host=debian12-sh.json')))[0]?.findings).toEqual(after?.findings);

      // The binary side: "app" is first built for x86-64-v1, then replaced by a GOAMD64=v3 build.
      await pushSnapshot('qemu-x86_64-qemu64-sh.json', snap('qemu-x86_64-qemu64-sh.json'));
      const push = () =>
        execFileSync(process.execPath, [CLI, 'inspect', '--push', server.url, '--token-file', tokenFile, 'app'], { cwd: bins, encoding: 'utf8' });
      push();
      const v1 = (await get<Pair[]>(api('/api/matrix?binary=app&host=qemu-x86_64-qemu64-sh.json')))[0];
      expect(v1?.findings.map((f) => (f as { id: string }).id)).not.toContain('GR-CPU-002');
      copyFileSync(entry('linux-amd64-v3').file, join(bins, 'app'));
      push();
      const v3 = (await get<Pair[]>(api('/api/matrix?binary=app&host=qemu-x86_64-qemu64-sh.json')))[0];
      expect(v3?.worst).toBe('fatal');
      expect(v3?.findings.map((f) => (f as { id: string }).id)).toContain('GR-CPU-002');
      expect(v3?.findings).toEqual(cliFindings(bins, 'app', 'qemu-x86_64-qemu64-sh.json'));
      const detail = await get<{ reports: unknown[] }>(api('/api/binaries/app'));
      expect(detail.reports).toHaveLength(2);
    });

    it('drift over time, and between two hosts as goready diff gives it', async () => {
      const drift = await get<{ groups: { group: string; changes: { key: string; a: unknown; b: unknown }[] }[] }[]>(api('/api/hosts/debian12-sh.json/drift'));
      // Three snapshots (the late one sorts first by collection time): two steps, the newest changes somaxconn.
      expect(drift).toHaveLength(2);
      const change = drift[0]?.groups.flatMap((g) => g.changes).find((c) => c.key === 'sysctls.net.core.somaxconn');
      expect(change).toMatchObject({ a: '4096', b: '128' });

      const a = join(bins, 'debian12-sh.json');
      const b = join(bins, 'debian12-constrained-sh.json');
      const cmp = await get<{ findings: { binary: string; changes: unknown[] }[]; groups: unknown[] }>(
        api('/api/compare?a=debian12-sh.json&b=debian12-constrained-sh.json'),
      );
      for (const bin of ['linux-amd64-http', 'linux-amd64-cgo']) {
        const cli = JSON.parse(goready(['diff', a, b, '--binary', bin, '--format', 'json'], { cwd: bins }).stdout) as {
          findings: unknown[];
          groups: unknown[];
        };
        expect(cmp.findings.find((f) => f.binary === bin)?.changes ?? []).toEqual(cli.findings);
        expect(cmp.groups).toEqual(cli.groups);
      }
      const missing = await fetch(api('/api/compare?a=debian12-sh.json&b=nope'));
      expect(missing.status).toBe(404);
    });

    it('lists hosts and binaries, and finds binaries by module and version (replacements followed, pseudo-versions ordered)', async () => {
      execFileSync(process.execPath, [CLI, 'inspect', '--push', server.url, '--token-file', tokenFile, 'linux-amd64-deps'], { cwd: bins });
      const hosts = await get<{ name: string; kernel: string; libc: { family: string } }[]>(api('/api/hosts'));
      expect(hosts.map((h) => h.name)).toEqual([
        'debian12-constrained-sh.json',
        'debian12-sh.json',
        'musl-root-sh.json',
        'qemu-x86_64-qemu64-sh.json',
        'this-node',
        'this-sh',
      ]);
      expect(hosts.find((h) => h.name === 'musl-root-sh.json')?.libc.family).toBe('musl');
      // Each summary says what the host's newest snapshot (the file last pushed under its name) says.
      type Snap = {
        kernel: { release: string | null };
        libc: { family: string | null; version: string | null };
        cpu: { arch: string | null; onlineCount: number | null };
        memory: { totalKiB: number | null };
        cgroup: { version: string | null };
      };
      type Summary = { cpu: { arch: string | null; count: number | null }; libc: unknown; memoryKiB: number | null; cgroup: { version: string | null } };
      for (const h of hosts.filter((x) => x.name.endsWith('.json')) as unknown as (Summary & { name: string; kernel: string | null })[]) {
        const s = JSON.parse(readFileSync(join(bins, h.name), 'utf8')) as Snap;
        expect({ kernel: h.kernel, libc: h.libc, arch: h.cpu.arch, cpus: h.cpu.count, mem: h.memoryKiB, cgroup: h.cgroup.version }, h.name).toEqual({
          kernel: s.kernel.release,
          libc: { family: s.libc.family, version: s.libc.version },
          arch: s.cpu.arch,
          cpus: s.cpu.onlineCount,
          mem: s.memory.totalKiB,
          cgroup: s.cgroup.version,
        });
      }
      const binaries = await get<{ name: string; goVersion: string; modules: number; seenOn: string[] }[]>(api('/api/binaries'));
      const deps = binaries.find((x) => x.name === 'linux-amd64-deps');
      const report = JSON.parse(goready(['inspect', '--format', 'json', join(bins, 'linux-amd64-deps')]).stdout)[0];
      expect(deps?.goVersion).toBe(report.go.version);
      expect(deps?.modules).toBe(report.buildInfo.deps.length);
      expect(deps?.seenOn).toHaveLength(1);
      const search = async (q: string) =>
        (await get<{ hits: { binary: string; shipped: string }[] }>(api(`/api/search?q=${encodeURIComponent(q)}`))).hits.map((h) => `${h.binary} ${h.shipped}`);
      expect(await search('example.com/yaml.v3@v1.5.0')).toEqual(['linux-amd64-deps v1.5.0']);
      expect(await search('example.com/yaml.v3<1.5')).toEqual([]);
      expect(await search('example.com/yaml.v3 >= 1.5')).toEqual(['linux-amd64-deps v1.5.0']);
      // oldlog is replaced by newlog v1.4.2: the replacement is what ships.
      expect(await search('example.com/oldlog<1.2')).toEqual([]);
      expect(await search('example.com/oldlog>=1.4')).toEqual(['linux-amd64-deps v1.4.2']);
      // A pseudo-version v0.0.0-2023… sorts below v0.1.0 and above v0.0.0.
      expect(await search('example.com/util<0.1')).toEqual(['linux-amd64-deps v0.0.0-20230102150405-abcdef123456']);
      expect(await search('example.com/util>v0.0.0')).toEqual([]);
      expect(await search('example.com/util')).toEqual(['linux-amd64-deps v0.0.0-20230102150405-abcdef123456']);
      // The directory replacement has no version to compare.
      expect(await search('example.com/localutil<9')).toEqual([]);
      const bad = await fetch(api('/api/search?q=example.com/x<<1'));
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { field: string }).field).toBe('q');
    });

    it('inspect --push carries the arm64 atomics census: hand-written LSE is GR-CPU-004 on a Cortex-A53, as goready check says', async () => {
      const asm = toolchainFixtures('lseasm')[0];
      if (!asm) throw new Error('no lseasm fixture: run npm run corpus');
      copyFileSync(asm.file, join(bins, 'lseasm-arm64'));
      await pushSnapshot('qemu-arm64-cortex-a53-sh.json', snap('qemu-arm64-cortex-a53-sh.json'));
      execFileSync(process.execPath, [CLI, 'inspect', '--push', server.url, '--token-file', tokenFile, 'lseasm-arm64'], { cwd: bins });
      const [p] = await get<Pair[]>(api('/api/matrix?binary=lseasm-arm64&host=qemu-arm64-cortex-a53-sh.json'));
      const cli = cliFindings(bins, 'lseasm-arm64', 'qemu-arm64-cortex-a53-sh.json');
      expect((cli as { id: string }[]).map((f) => f.id)).toContain('GR-CPU-004');
      expect(JSON.stringify(p?.findings)).toBe(JSON.stringify(cli));
      const detail = await get<{ code: { atomics: { lseUnguarded: number } | null } }>(api('/api/binaries/lseasm-arm64'));
      expect(detail.code.atomics?.lseUnguarded).toBeGreaterThan(0);
    });

    it('GET /metrics: findings by severity over every pair, pushes received; the matrix summary', async () => {
      const text = await (await fetch(api('/metrics'))).text();
      const matrix = await get<Pair[]>(api('/api/matrix'));
      for (const s of ['fatal', 'high', 'medium', 'low', 'info']) {
        const n = matrix.flatMap((p) => p.findings).filter((f) => (f as { severity: string }).severity === s).length;
        expect(text).toContain(`goready_findings{severity="${s}"} ${n}\n`);
      }
      expect(text).toContain(`goready_pushes_total{kind="snapshot",outcome="stored"} ${pushes}\n`);
      expect(text).toMatch(/goready_pushes_total\{kind="snapshot",outcome="rejected"\} [1-9]\d*\n/);
      expect(text).toContain(`goready_pairs{worst="fatal"} ${matrix.filter((p) => p.worst === 'fatal').length}\n`);
      // The matrix's picture without findings: the same pairs, their worst and how many findings.
      const summary = await get(api('/api/matrix?summary=true'));
      expect(summary).toEqual(
        (matrix as (Pair & { evaluatedAt: string })[]).map((p) => ({
          binary: p.binary,
          host: p.host,
          worst: p.worst,
          count: p.findings.length,
          evaluatedAt: p.evaluatedAt,
        })),
      );
      for (const q of ['summary=yes', 'summary=true&host=x']) {
        const r = await fetch(api(`/api/matrix?${q}`));
        expect(r.status, q).toBe(400);
        expect(((await r.json()) as { field: string }).field).toBe('summary');
      }
    });

    it('serves the page with a strict CSP and no inline script; unknown API paths are JSON 404s', async () => {
      const res = await fetch(api('/'));
      expect(res.status).toBe(200);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const html = await res.text();
      expect(html).toContain('<meta name="goready-server"');
      for (const m of html.matchAll(/<script\b[^>]*>/g)) expect(m[0]).toMatch(/\ssrc=/);
      const api404 = await fetch(api('/api/nothing'));
      expect(api404.status).toBe(404);
      expect(((await api404.json()) as { error: string }).error).toMatch(/no such resource/);
      expect(api404.headers.get('content-security-policy')).toBe(csp);
      // The analysis worker's script alone may compile WebAssembly (the x86 decoder); eval stays refused.
      const assets = join(import.meta.dirname, '..', 'dist', 'web', 'assets');
      const workers = readdirSync(assets).filter((f) => /^analyse\.worker-.+\.js$/.test(f));
      expect(workers).toHaveLength(1);
      const worker = await fetch(api(`/assets/${workers[0]}`));
      expect(worker.status).toBe(200);
      expect(worker.headers.get('content-security-policy')).toBe(csp.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'"));
      for (const other of readdirSync(assets).filter((f) => f.endsWith('.js') && !workers.includes(f)))
        expect((await fetch(api(`/assets/${other}`))).headers.get('content-security-policy'), other).toBe(csp);
    });

    it('keeps everything across a restart, and does not print the token again', async () => {
      const before = { hosts: await get(api('/api/hosts')), binaries: await get(api('/api/binaries')), matrix: await get(api('/api/matrix')) };
      const token = server.token;
      expect(await server.stop()).toBe(0);
      // On the Postgres server, the snapshots lose their host facts, as rows stored before migration 2
      // have none: the server fills them at start and the hosts list is unchanged.
      if (store === 'postgres') execFileSync(join(PG_BIN, 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-c', 'UPDATE snapshots SET facts = NULL', db]);
      server = await startServer(db, tokenFile);
      expect(server.token).toBe(token);
      expect(server.out.join('\n')).not.toContain(token);
      expect(server.out.join('\n')).not.toMatch(/migrations .* applied/);
      if (store === 'postgres') expect(server.out.join('\n')).toMatch(/host facts of [1-9]\d* snapshots stored before migration 2 filled/);
      expect(await get(api('/api/hosts'))).toEqual(before.hosts);
      expect(await get(api('/api/binaries'))).toEqual(before.binaries);
      expect(await get(api('/api/matrix'))).toEqual(before.matrix);
    });

    if (store === 'pglite') {
      it('hostile HTTP requests get a 4xx, never a 500 or a file outside the page; the server keeps answering', async () => {
        const auth = `Authorization: Bearer ${server.token}\r\n`;
        const json = (body: string) => `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
        const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
        const cases: [string, string | Buffer, number[]][] = [
          ['a request line that is not HTTP', 'GARBAGE\r\n\r\n', [400]],
          ['an unknown method', 'BREW / HTTP/1.1\r\nHost: x\r\n\r\n', [400]],
          ['a 1 MiB URL', `GET /api/hosts/${'a'.repeat(1 << 20)} HTTP/1.1\r\nHost: x\r\n\r\n`, [414, 431]],
          ['64 KiB of headers', `GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ${'p'.repeat(64 << 10)}\r\n\r\n`, [431]],
          ['a path climbing out of the page', 'GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [403, 404]],
          ['an encoded climb', 'GET /assets/..%2f..%2f..%2f..%2fetc%2fpasswd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 403, 404]],
          ['a dot-segment climb', 'GET /%2e%2e/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 403, 404]],
          ['a NUL in the path', 'GET /api/hosts/a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400]],
          ['a NUL in a query', 'GET /api/matrix?binary=a%00b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400]],
          ['a NUL in a file name', 'GET /assets/a%00.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
          ['a broken percent escape', 'GET /api/hosts/%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400, 404]],
          ['a snapshot id past 2^53', 'GET /api/hosts/a/snapshots/1e309 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [400]],
          [
            'a negative Content-Length',
            `POST /api/snapshots HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n{}`,
            [400],
          ],
          [
            'Content-Length with Transfer-Encoding (smuggling)',
            `POST /api/snapshots HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
            [400],
          ],
          [
            'broken chunking',
            `POST /api/snapshots HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
            [400],
          ],
          [
            'a declared 10 GB body',
            `POST /api/reports HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n[`,
            [413],
          ],
          ['JSON nested 100,000 deep', `POST /api/reports HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n${json(deep)}`, [400]],
          ['a report that is a string', `POST /api/reports HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\n${json('"x"')}`, [400]],
          [
            'invalid UTF-8 in a body',
            Buffer.concat([
              Buffer.from(`POST /api/snapshots HTTP/1.1\r\nHost: x\r\n${auth}Connection: close\r\nContent-Type: application/json\r\nContent-Length: 6\r\n\r\n`),
              Buffer.from([0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22]),
            ]),
            [400],
          ],
          [
            'a token in the query string, not the header',
            `POST /api/snapshots?token=${server.token} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${json('{}')}`,
            [401],
          ],
          ['a dot file', 'GET /.env HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', [404]],
        ];
        for (const [what, request, statuses] of cases) {
          const r = await rawRequest(server.url, request);
          expect(statuses, `${what}: ${r.text.slice(0, 300)}`).toContain(r.status);
          expect(r.text).not.toContain('root:x:0:0');
        }
        expect(server.stderr()).not.toMatch(/internal error|at .*\.js:\d+/);
        expect(((await get(api('/api/info'))) as { name: string }).name).toBe('goready');
      });

      it('a second server on the same directory refuses with one line', async () => {
        await expect(startServer(db, tokenFile)).rejects.toThrow(new RegExp(`${basename(db)}: in use by another goready serve \\(pid ${server.proc.pid}`));
      });
    }
  });
}

describe('serve and push usage errors: one line, exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'goready-serve-usage-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a bad --listen, an unreachable or malformed --push URL, a missing token file', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['serve', '--listen', 'nope', '--db', join(dir, 'db'), '--token-file', join(dir, 'token')],
        /^goready: --listen nope: expected HOST:PORT, e\.g\. 127\.0\.0\.1:7070\n$/,
      ],
      [
        ['inspect', '--push', 'ftp://x', '--token-file', join(dir, 'token'), entry('linux-amd64').file],
        /^goready: --push ftp:\/\/x: only http and https URLs\n$/,
      ],
      [
        ['inspect', '--push', 'http://127.0.0.1:9', '--token-file', join(dir, 'missing'), entry('linux-amd64').file],
        /^goready: .*missing: no token file \(give --token-file FILE or set GOREADY_TOKEN/,
      ],
      [['inspect', '--token-file', join(dir, 'token'), entry('linux-amd64').file], /^goready: --token-file goes with --push\n$/],
    ];
    writeFileSync(join(dir, 'token'), 'a-token-long-enough-to-be-used\n');
    for (const [args, err] of cases) {
      const r = goready(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(err);
    }
    // Nothing listens on a port just freed: the push names the server and the reason.
    const port = await freePort();
    const r = goready(['inspect', '--push', `http://127.0.0.1:${port}`, '--token-file', join(dir, 'token'), entry('linux-amd64').file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`goready: push to http://127.0.0.1:${port}: ECONNREFUSED\n`);
  });
});
