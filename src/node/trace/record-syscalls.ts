import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Recording } from '../../core/facts/seccomp.js';
import { syscallTable } from '../../core/linux/syscalls.js';

/**
 * `goready seccomp record`: the syscalls a process and all its descendants really make, counted by
 * bpftrace on `tracepoint:raw_syscalls:sys_enter` (tracepoints only: no kprobes, no uprobes), with
 * the process tree followed through `sched:sched_process_fork`.
 */
export interface RecordOptions {
  /** Trace this running process (and the children it forks from now on). */
  pid?: number;
  /** Or start this command and trace it from its execve. */
  command?: string[];
  /** Stop after this many seconds (else: when the process exits, or on Ctrl-C). */
  durationSec?: number;
  /** Called once the probes are attached and counting is exact. */
  onAttached?: (target: number) => void;
  /** tracefs mount point (default /sys/kernel/tracing). */
  tracefs?: string;
}

export type RecordResult = Recording;

const HOST_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'arm' };

/** This machine's GOARCH: the syscall numbering record names calls by. */
export function hostArch(): string | undefined {
  return HOST_ARCH[process.arch];
}
/** bpftrace prints `attached_probes` before attaching is complete; counts are exact about a second later (measured). */
const SETTLE_MS = 1000;

/**
 * What is missing to record, as one line with the exact fix; null when recording can start.
 * Checked before anything runs: not Linux, not root, no bpftrace, no tracefs.
 */
export function recordPreflight(opts: { tracefs?: string } = {}): string | null {
  if (process.platform !== 'linux') return `seccomp record needs Linux (this is ${process.platform})`;
  if (!HOST_ARCH[process.arch]) return `seccomp record: no syscall table for this machine's architecture (${process.arch})`;
  if (process.getuid?.() !== 0) return 'seccomp record needs root for bpftrace (CAP_BPF, CAP_PERFMON): run it with sudo';
  const probe = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' });
  if (probe.error) return 'bpftrace is not installed: apt-get install bpftrace';
  const tracefs = opts.tracefs ?? '/sys/kernel/tracing';
  if (!existsSync(join(tracefs, 'events', 'raw_syscalls', 'sys_enter'))) return `tracefs is not mounted at ${tracefs}: mount -t tracefs nodev ${tracefs}`;
  return null;
}

/** The bpftrace program: count syscalls of the process and of every process it forks. */
export function recordProgram(pid: number, durationSec?: number): string {
  return [
    `tracepoint:sched:sched_process_fork /pid == ${pid} || @tree[pid]/ { @tree[args->child_pid] = 1; }`,
    `tracepoint:raw_syscalls:sys_enter /pid == ${pid} || @tree[pid]/ { @sys[args->id] = count(); }`,
    `tracepoint:sched:sched_process_exit /args->pid == ${pid}/ { exit(); }`,
    ...(durationSec ? [`interval:s:${durationSec} { exit(); }`] : []),
    'END { clear(@tree); }',
    '',
  ].join('\n');
}

/** The `@sys` map of bpftrace's JSON output (one object per line; 0.17 and newer shapes). */
export function parseCounts(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { type?: string; data?: Record<string, unknown> };
    try {
      msg = JSON.parse(line);
    } catch {
      // A line of bpftrace's own text among the JSON: not a message.
      continue;
    }
    if (msg.type !== 'map' || !msg.data) continue;
    const m = msg.data['@sys'];
    if (!m || typeof m !== 'object') continue;
    for (const [k, v] of Object.entries(m as Record<string, unknown>)) {
      const n = typeof v === 'number' ? v : typeof v === 'object' && v && 'count' in v ? Number((v as { count: unknown }).count) : Number.NaN;
      if (Number.isFinite(n)) out.set(Number(k), (out.get(Number(k)) ?? 0) + n);
    }
  }
  return out;
}

function waitFor(file: string, needle: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (existsSync(file) && readFileSync(file, 'utf8').includes(needle)) return resolve();
      if (child.exitCode !== null) return reject(new Error(`bpftrace exited before attaching (status ${child.exitCode})`));
      if (Date.now() - start > timeoutMs) return reject(new Error(`bpftrace did not attach within ${timeoutMs / 1000} s`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

/** Waits until a process is stopped (state T in /proc/PID/stat). */
function stopped(pid: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      let state = '';
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      } catch {
        // Not there yet, or gone: the exit check below decides.
      }
      if (state === 'T') return resolve();
      if (child.exitCode !== null) return reject(new Error(`the command exited (status ${child.exitCode}) before recording started`));
      if (Date.now() - start > 10_000) return reject(new Error('the start gate did not stop'));
      setTimeout(tick, 10);
    };
    tick();
  });
}

const exited = (c: ChildProcess) => new Promise<number | null>((res) => (c.exitCode !== null ? res(c.exitCode) : c.once('exit', (code) => res(code))));

export async function recordSyscalls(opts: RecordOptions): Promise<RecordResult> {
  const why = recordPreflight(opts);
  if (why) throw new Error(why);
  const arch = HOST_ARCH[process.arch] as string;
  const table = syscallTable(arch);
  if (!table) throw new Error(`no syscall table for ${arch}`);
  const dir = mkdtempSync(join(tmpdir(), 'goready-record-'));
  const out = join(dir, 'bpftrace.json');
  let target: ChildProcess | null = null;
  let pid: number;
  const noise: string[] = [];
  // Ctrl-C: bpftrace prints its maps and exits (it gets the signal from the terminal too, or from here).
  let bt: ChildProcess | null = null;
  const onSigint = () => {
    bt?.kill('SIGINT');
  };
  process.on('SIGINT', onSigint);
  try {
    if (opts.command?.length) {
      // A gate: a shell that stops itself, so the command's pid exists before bpftrace attaches; once
      // counting is exact it gets SIGCONT and its next syscall is the command's execve (measured).
      const [cmd, ...args] = opts.command;
      target = spawn('/bin/sh', ['-c', 'kill -STOP $$; exec "$0" "$@"', cmd as string, ...args], { stdio: 'inherit' });
      await new Promise<void>((res, rej) => {
        target?.once('spawn', res);
        target?.once('error', rej);
      });
      pid = target.pid as number;
      await stopped(pid, target);
      noise.push('the start gate (/bin/sh, stopped until the probes are attached) calls execve to start the command');
    } else if (opts.pid) {
      pid = opts.pid;
      try {
        process.kill(pid, 0);
      } catch {
        // ESRCH: the process is gone (or never was).
        throw new Error(`no process ${pid}`);
      }
    } else throw new Error('seccomp record: give --pid N or -- CMD ARGS...');

    bt = spawn('bpftrace', ['-f', 'json', '-o', out, '-e', recordProgram(pid, opts.durationSec)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    bt.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    try {
      await waitFor(out, '"attached_probes"', bt, 30_000);
    } catch (e) {
      target?.kill('SIGKILL');
      const first = stderr.split('\n').find((l) => /ERROR/.test(l) && !/RLIMIT_MEMLOCK/.test(l));
      throw new Error(`${(e as Error).message}${first ? `: ${first.trim()}` : ''}`);
    }
    const tracer = bt;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    opts.onAttached?.(pid);
    let exitCode: number | null = null;
    if (target) {
      process.kill(pid, 'SIGCONT');
      exitCode = await exited(target);
      // The sched_process_exit probe has fired; if bpftrace is still up (a descendant outlived it), stop it.
      if (tracer.exitCode === null) tracer.kill('SIGINT');
    }
    const btCode = await exited(tracer);
    if (btCode !== 0 && btCode !== null) {
      const first = stderr.split('\n').find((l) => /ERROR/.test(l) && !/RLIMIT_MEMLOCK/.test(l));
      if (first) throw new Error(`bpftrace failed: ${first.trim()}`);
    }
    const counts = parseCounts(existsSync(out) ? readFileSync(out, 'utf8') : '');
    const syscalls: Recording['syscalls'] = [];
    const unknown: { nr: number; count: number }[] = [];
    for (const [nr, count] of [...counts.entries()].sort((a, b) => a[0] - b[0])) {
      const name = table.name(nr);
      if (name) syscalls.push({ name, nr, count });
      else unknown.push({ nr, count });
    }
    return {
      arch,
      target: opts.command?.length ? opts.command.join(' ') : `pid ${pid}`,
      pid,
      syscalls: syscalls.sort((a, b) => a.name.localeCompare(b.name)),
      unknown,
      exitCode,
      noise,
    };
  } finally {
    process.off('SIGINT', onSigint);
    if (target && target.exitCode === null) target.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
