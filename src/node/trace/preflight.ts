/**
 * What a trace needs from the machine, checked before anything is attached. Each failure is one
 * line with the exact fix.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findTracefs, TRACEFS_CANDIDATES } from './tracefs.js';

export class PreflightError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PreflightError';
  }
}

export function requireRoot(): void {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new PreflightError('tracing needs root (uprobes and tracepoints are root-only): run it again with sudo');
  }
}

/** The tracefs mount with uprobe_events, or a PreflightError naming the mount command. */
export function requireTracefs(uprobes: boolean): string {
  const root = findTracefs();
  if (!root) throw new PreflightError(`tracefs is not mounted: mount -t tracefs nodev ${TRACEFS_CANDIDATES[0]}`);
  if (uprobes && !existsSync(join(root, 'uprobe_events'))) {
    throw new PreflightError(`this kernel has no ${join(root, 'uprobe_events')}: it was built without CONFIG_UPROBE_EVENTS; only goready trace tcp works here`);
  }
  if (!existsSync(join(root, 'instances'))) throw new PreflightError(`${root} has no instances/ directory: the kernel is older than 3.10`);
  return root;
}

/** The bpftrace command, or a PreflightError naming the package. */
export function requireBpftrace(): string {
  const r = spawnSync('bpftrace', ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new PreflightError('bpftrace is not installed: apt-get install bpftrace');
  return 'bpftrace';
}
