/**
 * Real parts for the fleet server's tests: `goready serve` started from the built CLI (the process a
 * user runs), and Debian's PostgreSQL server started in a temporary directory on a free port.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI } from './cli.js';

export interface RunningServer {
  url: string;
  token: string;
  /** Every line the server printed on stdout. */
  out: string[];
  proc: ChildProcess;
  /** What the server wrote on stderr so far (a 500 logs its stack there). */
  stderr(): string;
  /** SIGTERM, then waits for the exit (the server closes its database first). */
  stop(): Promise<number | null>;
}

/** Starts `goready serve --listen 127.0.0.1:0 --db DB --token-file FILE` and waits for its "listening on" line. */
export async function startServer(db: string, tokenFile: string, extra: string[] = []): Promise<RunningServer> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--listen', '127.0.0.1:0', '--db', db, '--token-file', tokenFile, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    // PGlite's first start creates its cluster: tens of seconds on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`goready serve did not start in 180 s; stdout: ${out.join('\n')}; stderr: ${err}`)), 180_000);
    proc.stdout?.on('data', (d: Buffer) => {
      buf += d.toString();
      let i = buf.indexOf('\n');
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        out.push(line);
        const m = /listening on (http:\/\/\S+)/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
        i = buf.indexOf('\n');
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`goready serve exited with ${code} before listening: ${err.trim() || out.join('\n')}`));
    });
  });
  const token = readFileSync(tokenFile, 'utf8').trim();
  return {
    url,
    token,
    out,
    proc,
    stderr: () => err,
    stop: () =>
      new Promise((resolve) => {
        if (proc.exitCode !== null) return resolve(proc.exitCode);
        proc.once('exit', (code) => resolve(code));
        proc.kill('SIGTERM');
      }),
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

export const PG_BIN = process.env.GOREADY_PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface RunningPostgres {
  url: string;
  stop(): void;
}

/**
 * Debian's PostgreSQL 15 in a temporary cluster on a free loopback port, trust authentication.
 * Postgres refuses to run as root, so as root the cluster belongs to the postgres user.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const initdb = join(PG_BIN, 'initdb');
  if (!existsSync(initdb)) throw new Error(`${initdb} missing: install Debian's postgresql (bash scripts/setup.sh, or apt-get install postgresql)`);
  const dir = mkdtempSync(join(tmpdir(), 'goready-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const argv = asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args;
    try {
      return execFileSync(asRoot ? 'runuser' : cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const x = e as { stderr?: string; message: string };
      throw new Error(`${cmd} ${args.join(' ')}: ${x.stderr || x.message}`);
    }
  };
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }));
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }));
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  run(initdb, ['-D', data, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync']);
  const port = await freePort();
  run(join(PG_BIN, 'pg_ctl'), [
    '-D',
    data,
    '-l',
    join(dir, 'log'),
    '-w',
    '-t',
    '120',
    '-o',
    `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      try {
        run(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A POST to the API with JSON; returns the status and the parsed answer. */
export async function post(
  url: string,
  body: unknown,
  opts: { token?: string | null; raw?: string; contentType?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> & { error?: string; field?: string } }> {
  const headers: Record<string, string> = { 'content-type': opts.contentType ?? 'application/json' };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(url, { method: 'POST', headers, body: opts.raw ?? JSON.stringify(body) });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text);
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

export async function get<T = unknown>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * Bytes written to the server as they are, on one connection: for requests no HTTP client would
 * send. Resolves with the status of the answer (0 when the server closed without one) and its text.
 */
export function rawRequest(url: string, request: string | Buffer): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    };
    // Every answer here ends the connection: a hang is a failure, reported with what arrived.
    const timer = setTimeout(() => {
      sock.destroy();
      reject(
        new Error(
          `no end of answer in 30 s to ${JSON.stringify(request.slice(0, 80).toString())}; got ${Buffer.concat(chunks).toString('latin1').slice(0, 200)}`,
        ),
      );
    }, 30_000);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('end', done);
    sock.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? done() : reject(e)));
    sock.write(request);
  });
}
