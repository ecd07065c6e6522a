import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { CLI } from './cli.js';

const SCHEMAS = join(import.meta.dirname, '..', '..', 'schema');

/** The machine must let the tests trace: root and a mounted tracefs. A missing piece fails the suite with the fix. */
export function requireTracing(): void {
  if (process.getuid?.() !== 0) throw new Error('the trace tests attach uprobes and tracepoints: run them as root (sudo npm test)');
  if (!existsSync('/sys/kernel/tracing/uprobe_events')) {
    const r = spawnSync('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`tracefs is not mounted and mounting it failed: ${r.stderr.trim()} (mount -t tracefs nodev /sys/kernel/tracing)`);
  }
}

/** A validator for one of the published schemas. */
export function schemaValidator(file: string): (x: unknown) => void {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  (addFormats as unknown as (a: Ajv2020) => void)(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(join(SCHEMAS, file), 'utf8')));
  return (x) => {
    if (!validate(x)) throw new Error(`${JSON.stringify(x)} does not match schema/${file}: ${ajv.errorsText(validate.errors)}`);
  };
}

export interface ServerLogLine {
  goid: number;
  method: string;
  path: string;
  status: number;
  /** The handler's own measure of its time. */
  durNs: number;
}

export interface Server {
  proc: ChildProcess;
  pid: number;
  port: number;
  /** The server's own lines, `req goid=N method=M path=P status=S`, parsed. */
  log: ServerLogLine[];
  alive(): boolean;
  stop(): Promise<void>;
}

/** Starts a fixture server (fixtures/toolchains/httpserver) on a free loopback port; resolves once it listens. */
export function startServer(file: string, args: string[] = [], env: Record<string, string> = {}, wrap: string[] = []): Promise<Server> {
  // GODEBUG=httpmuxgo121=0: toolchains ≥ 1.22 would otherwise keep the go.mod's (1.19) ServeMux, which sets no Request.Pattern.
  const cmd = [...wrap, file, '-addr', '127.0.0.1:0', ...args];
  const proc = spawn(cmd[0] as string, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GODEBUG: 'httpmuxgo121=0', ...env } });
  const log: ServerLogLine[] = [];
  let exited = false;
  proc.once('exit', () => {
    exited = true;
  });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${file} did not start listening within 20 s`)), 20_000);
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const l = /^listening (.+):(\d+)$/.exec(line);
      if (l) {
        clearTimeout(t);
        resolve({
          proc,
          pid: proc.pid as number,
          port: Number(l[2]),
          log,
          alive: () => !exited && proc.exitCode === null,
          stop: () =>
            new Promise((res) => {
              if (exited) return res();
              proc.once('exit', () => res());
              proc.kill('SIGKILL');
            }),
        });
      }
      const m = /^req goid=(\d+) method=(\S+) path=(\S+) status=(\d+) dur=(\d+)$/.exec(line);
      if (m) log.push({ goid: Number(m[1]), method: m[2] as string, path: m[3] as string, status: Number(m[4]), durNs: Number(m[5]) });
    });
    proc.once('error', reject);
    proc.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening`)));
  });
}

export interface Reply {
  status: number;
  body: string;
  /** The client's port: the server sees it as the peer's. */
  localPort: number;
}

/** One GET; `agent` false opens a new connection (closed after), an Agent keeps one alive. */
export function get(port: number, path: string, agent: http.Agent | false, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let localPort = 0;
    const req = http.request({ host: '127.0.0.1', port, path, method, agent, headers: agent === false ? { Connection: 'close' } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, localPort }));
    });
    req.on('socket', (s) => {
      if (s.localPort) localPort = s.localPort;
      else
        s.once('connect', () => {
          localPort = s.localPort ?? 0;
        });
    });
    req.on('error', reject);
    req.end();
  });
}

export interface Goready {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Ctrl-C: the trace stops and prints what it has. Resolves with the exit code. */
  interrupt(): Promise<number | null>;
  exited: Promise<number | null>;
}

/** Runs the built CLI in the background; resolves once `ready` matches its stderr or stdout (the trace is attached). */
export function goreadyBackground(args: string[], ready: RegExp, timeoutMs = 60_000): Promise<Goready> {
  const proc = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`goready ${args.join(' ')}: not ready after ${timeoutMs / 1000} s; stderr: ${err}`)), timeoutMs);
    const check = () => {
      if (ready.test(err) || ready.test(out)) {
        clearTimeout(t);
        resolve({
          proc,
          stdout: () => out,
          stderr: () => err,
          exited,
          interrupt: () => {
            proc.kill('SIGINT');
            return exited;
          },
        });
      }
    };
    proc.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      check();
    });
    proc.stderr?.setEncoding('utf8').on('data', (c: string) => {
      err += c;
      check();
    });
    void exited.then((code) => {
      clearTimeout(t);
      reject(new Error(`goready ${args.join(' ')} exited (${code}) before it was ready: ${err.trim()}`));
    });
  });
}

/** Everything goready may have left in tracefs: its uprobes and instances. */
export function tracefsLeftovers(): string[] {
  const left: string[] = [];
  const ue = readFileSync('/sys/kernel/tracing/uprobe_events', 'utf8');
  for (const l of ue.split('\n')) if (/^[pr]:goready_/.test(l)) left.push(l);
  for (const d of readdirSync('/sys/kernel/tracing/instances')) if (d.startsWith('goready-')) left.push(`instances/${d}`);
  return left;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : Number.NaN;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
