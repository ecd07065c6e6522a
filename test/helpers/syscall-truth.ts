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
}

/** The syscall names `strace -f` sees a command and all its descendants make. */
export function straceNames(cmd: string, args: string[], opts: { cwd?: string; input?: string } = {}): Traced {
  need('strace', 'strace');
  const dir = mkdtempSync(join(tmpdir(), 'goready-strace-'));
  try {
    const out = join(dir, 'trace');
    const r = spawnSync('strace', ['-f', '-qq', '-o', out, cmd, ...args], { cwd: opts.cwd, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000 });
    const names = new Set<string>();
    for (const line of readFileSync(out, 'utf8').split('\n')) {
      const l = line.replace(/^\d+\s+/, '');
      const resumed = /^<\.\.\. ([a-z0-9_]+) resumed>/.exec(l);
      const call = /^([a-z0-9_]+)\(/.exec(l);
      const name = resumed?.[1] ?? call?.[1];
      if (name) names.add(name);
    }
    return { names, stdout: r.stdout, status: r.status };
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
  // -strace writes to stderr: `PID name(args) = ret`; the program's own output goes to stdout.
  for (const line of r.stderr.split('\n')) {
    const m = /^\d+ ([a-z0-9_]+)\(/.exec(line);
    if (m) names.add(m[1] as string);
  }
  stdout = r.stdout;
  return { names, stdout, status: r.status };
}
