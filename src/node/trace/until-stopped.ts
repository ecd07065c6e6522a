/**
 * The loop of a running trace: `tick` every `everyMs` until the user stops it (the signal), its
 * duration has passed, or `tick` returns why it ended on its own (the traced process exited).
 * Resolves to that reason, or null when stopped by the user or the duration.
 */
export function untilStopped(
  opts: { signal?: AbortSignal | undefined; durationMs?: number | undefined; started: number; everyMs: number },
  tick: (now: number) => string | null,
): Promise<string | null> {
  return new Promise((resolve) => {
    const stop = (why: string | null) => {
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(why);
    };
    const onAbort = () => stop(null);
    opts.signal?.addEventListener('abort', onAbort);
    const timer = setInterval(() => {
      const now = Date.now();
      const why = tick(now);
      if (why !== null) stop(why);
      else if (opts.durationMs !== undefined && now - opts.started >= opts.durationMs) stop(null);
    }, opts.everyMs);
    if (opts.signal?.aborted) stop(null);
  });
}
