import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Fails (never skips) when a tool the test needs is missing, with the fix in the message. */
export function need(tool: string, pkg: string): void {
  const r = spawnSync('sh', ['-c', `command -v ${tool}`]);
  if (r.status !== 0) throw new Error(`${tool} is missing: apt-get install ${pkg} (bash scripts/setup.sh installs it)`);
}

export interface Traced {
  names: Set<string>;
  stdout: string;
  status: number | null;
  /** Programs a process of the run replaced itself with (every execve that succeeded after the first). */
  execs: string[];
}

/** `PID [ NR] text` (strace -f -n). */
const LINE = /^(\d+)\s+(?:\[\s*(\d+)\]\s+)?(.*)$/;

/** The syscall names `strace -f` sees a command and all its descendants make. */
export interface StraceOptions {
  cwd?: string;
  input?: string;
  /** Keep only the binary's own processes (not what they exec). */
  ownOnly?: boolean;
  /**
   * Multiplexed calls, by number: strace names a socketcall (102 on 386) by its sub-call (socket,
   * bind …), but seccomp sees the number. Read from strace -n's `[ NR]` column.
   */
  multiplexed?: Record<number, string>;
}

export function straceNames(cmd: string, args: string[], opts: StraceOptions = {}): Traced {
  need('strace', 'strace');
  const dir = mkdtempSync(join(tmpdir(), 'goready-strace-'));
  try {
    const out = join(dir, 'trace');
    const r = spawnSync('strace', ['-f', '-n', '-qq', '-o', out, cmd, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000 });
    const lines = readFileSync(out, 'utf8').split('\n');
    // A process that exec'd another program (and its descendants) runs that program's code, not
    // the binary's: under ownOnly its calls after the execve are not the binary's.
    const foreignFrom = new Map<number, number>();
    const parentAt = new Map<number, { parent: number; line: number }>();
    const execs: string[] = [];
    let first: number | undefined;
    let launched = false;
    const pending = new Map<number, string>();
    lines.forEach((line, i) => {
      const m = LINE.exec(line);
      if (!m) return;
      const pid = Number(m[1]);
      const l = m[3] as string;
      first ??= pid;
      const exec = /^execve\("([^"]*)"/.exec(l);
      if (exec) pending.set(pid, exec[1] as string);
      const done = /= 0$/.test(l) && (exec || /^<\.\.\. execve resumed>/.test(l));
      if (done) {
        // The first pid's first execve is strace starting the command.
        if (!launched && pid === first) launched = true;
        else {
          if (!foreignFrom.has(pid)) foreignFrom.set(pid, i);
          execs.push(pending.get(pid) ?? '?');
        }
      }
      const child = /^(?:<\.\.\. )?(?:clone3?|fork|vfork)(?:\(| resumed>).*= (\d+)$/.exec(l);
      if (child) parentAt.set(Number(child[1]), { parent: pid, line: i });
    });
    const foreignAt = (pid: number, i: number, depth = 0): boolean => {
      const from = foreignFrom.get(pid);
      if (from !== undefined && i > from) return true;
      const p = parentAt.get(pid);
      return depth < 64 && p !== undefined && foreignAt(p.parent, p.line, depth + 1);
    };
    const names = new Set<string>();
    lines.forEach((line, i) => {
      const m = LINE.exec(line);
      if (!m) return;
      if (opts.ownOnly && foreignAt(Number(m[1]), i)) return;
      const l = m[3] as string;
      const resumed = /^<\.\.\. ([a-z0-9_]+) resumed>/.exec(l);
      const call = /^([a-z0-9_]+)\(/.exec(l);
      const name = resumed?.[1] ?? call?.[1];
      if (name) names.add((m[2] !== undefined && opts.multiplexed?.[Number(m[2])]) || name);
    });
    return { names, stdout: r.stdout, status: r.status, execs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The syscall names an arm64 program makes under `qemu-aarch64 -strace` (qemu-user cannot exec a foreign child). */
export function qemuNames(file: string, args: string[], opts: { cwd?: string } = {}): Traced {
  need('qemu-aarch64', 'qemu-user');
  const r = spawnSync('qemu-aarch64', ['-strace', file, ...args], { cwd: opts.cwd, encoding: 'utf8', timeout: 300_000, maxBuffer: 1 << 28 });
  const names = new Set<string>();
  let stdout = '';
  // -strace writes to stderr: `PID name(args)`, then ` = ret` when the call returns; the program's
  // own output goes to stdout. Another thread's call can be printed in between, so calls are
  // found anywhere in a line, by the pids that start lines.
  const lines = r.stderr.split('\n');
  const pids = new Set(lines.map((l) => /^(\d+) [a-z0-9_]+\(/.exec(l)?.[1]).filter((p) => p !== undefined));
  for (const line of lines) {
    for (const m of line.matchAll(/(?:^|[)\s])(\d+) ([a-z0-9_]+)\(/g)) if (pids.has(m[1] as string)) names.add(m[2] as string);
  }
  stdout = r.stdout;
  return { names, stdout, status: r.status, execs: [] };
}
