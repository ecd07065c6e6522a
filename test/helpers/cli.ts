import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/** The built CLI; GOREADY_CLI runs the tests against another build (an older commit's, to see a test fail there). */
export const CLI = process.env.GOREADY_CLI ?? join(import.meta.dirname, '..', '..', 'dist', 'cli', 'main.js');

/** Runs the built CLI (npm test builds first) and returns its exit code and output. */
export function goready(args: string[], opts: { cwd?: string } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, cwd: opts.cwd });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
