/** The temp directories of images still open, removed however goready ends (close, failure, exit, a signal). */
import { rmSync } from 'node:fs';

/** Temp directories of images still open: removed on SIGINT, SIGTERM, SIGHUP and at exit. */
const live = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const d of live) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // Best effort while exiting: nothing more can be done about a directory that will not go.
    }
  }
  live.clear();
}

export function track(dir: string): void {
  live.add(dir);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', removeLive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      removeLive();
      // Die of the signal as if no handler had been there, so the caller sees how it ended.
      process.kill(process.pid, sig);
    });
  }
}

export function untrack(dir: string): void {
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
