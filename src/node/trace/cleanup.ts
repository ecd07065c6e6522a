/**
 * Probes left attached slow the traced process down until someone removes them, so every way out
 * of goready removes them: normal exit, an uncaught error (both end in 'exit'), and SIGTERM/SIGHUP/
 * SIGINT. A caller that listens to SIGINT itself (the CLI stops a trace gracefully on Ctrl-C)
 * keeps it; otherwise the signal ends the process after the cleanup, as it would have.
 */
const tasks = new Set<() => void>();
let hooked = false;

function runAll(): void {
  for (const t of [...tasks]) {
    tasks.delete(t);
    t();
  }
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', runAll);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = () => {
      if (sig === 'SIGINT' && process.listenerCount('SIGINT') > 1) return;
      runAll();
      process.removeListener(sig, handler);
      process.kill(process.pid, sig);
    };
    process.on(sig, handler);
  }
}

/** Registers a cleanup; returns the function that unregisters it (after a normal close). */
export function onCleanup(task: () => void): () => void {
  hook();
  tasks.add(task);
  return () => {
    tasks.delete(task);
  };
}
