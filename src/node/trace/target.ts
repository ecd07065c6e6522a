/**
 * The processes a trace follows and the binary they run, with the identity checks that keep a
 * probe from landing in a different file than the one analysed (a binary replaced in place, a
 * process that exec'd something else).
 */
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { threadsOf } from './procfs.js';

export interface FileIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export function identity(path: string): FileIdentity {
  const s = statSync(path);
  return { dev: s.dev, ino: s.ino, size: s.size, mtimeMs: s.mtimeMs };
}

export function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** A pid given on the command line: a positive integer naming a running process whose binary is readable. */
export function checkPid(pid: number): { exe: string; path: string; identity: FileIdentity } {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`--pid ${pid}: not a process ID`);
  if (threadsOf(pid) === null) throw new Error(`--pid ${pid}: no such process`);
  let exe: string;
  try {
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`--pid ${pid}: its binary is unreadable (${code === 'ENOENT' ? 'a kernel thread has none' : code})`);
  }
  // /proc/PID/exe opens the very file the process runs, in its own mount namespace, even when
  // deleted or replaced on disk since: goready reads it and the kernel resolves probes through it.
  const path = `/proc/${pid}/exe`;
  return { exe, path, identity: identity(path) };
}

/** Every process whose binary is this file (same device and inode). */
export function processesRunning(file: FileIdentity): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = statSync(`/proc/${d}/exe`);
      if (s.dev === file.dev && s.ino === file.ino) out.push(Number(d));
    } catch {
      // Kernel threads have no exe; processes may exit during the scan.
    }
  }
  return out;
}
