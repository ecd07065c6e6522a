/**
 * Runs the built CLI the way a hostile input meets it: a small heap, a generous kill timeout as the
 * hang guard (never a timing assertion), and the check that it ended on its own with a result or
 * one line naming the input.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { CLI } from './cli.js';

/** The heap goready gets: far below what unbounded reads took (GBs), ample for real inputs. */
export const HEAP_MB = 192;
/** A run still going after this has hung (the bounded code ends each case in seconds). */
export const HANG_GUARD_MS = 90_000;

export interface BoundedRun {
  code: number | null;
  stdout: string;
  stderr: string;
  signal: NodeJS.Signals | null;
}

export function runBounded(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): BoundedRun {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    timeout: HANG_GUARD_MS,
    killSignal: 'SIGKILL',
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    input: opts.input ?? '',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

/** Ended on its own, with a result (0/1) or exit 2 and one line naming `input`, never a crash or a stack trace. */
export function endsCleanly(r: BoundedRun, input: string): void {
  expect(r.signal, `killed (hung or out of memory): ${r.stderr.slice(0, 500)}`).toBeNull();
  expect([0, 1, 2]).toContain(r.code);
  expect(r.stderr).not.toMatch(/\n\s+at |heap out of memory|Invalid string length|Maximum call stack/);
  if (r.code === 2) {
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^goready: /);
    expect(lines[0]).toContain(input);
  }
}

/** Exit 2 with one line naming `input` that matches `why`. */
export function refused(r: BoundedRun, input: string, why: RegExp): void {
  endsCleanly(r, input);
  expect(r.code, r.stderr || r.stdout.slice(0, 300)).toBe(2);
  expect(r.stderr).toMatch(why);
}
