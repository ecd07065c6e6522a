/**
 * Progress of long work on stderr: one line redrawn in place, only when stderr is a terminal and
 * --quiet is off, and only once the work has run for a second (short runs draw nothing). The line
 * is cleared when the work ends, so what remains on the terminal is the report and the errors.
 */
export interface Progress {
  /** Counts one step; `what` names it (a file). */
  step(what: string): void;
  /** Clears the line. */
  end(): void;
}

const NONE: Progress = { step: () => {}, end: () => {} };
/** Redraw at most this often. */
const EVERY_MS = 100;

export function progress(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled) return NONE;
  const delay = Number(process.env.GOREADY_PROGRESS_DELAY_MS ?? 1000);
  const start = Date.now();
  let steps = 0;
  let last = '';
  let drawnAt = 0;
  let drawn = false;
  const draw = () => {
    const now = Date.now();
    if (now - start < delay || now - drawnAt < EVERY_MS) return;
    drawnAt = now;
    const secs = ((now - start) / 1000).toFixed(1);
    const text = `${label}: ${steps ? `${steps} · ` : ''}${secs} s${last ? ` · ${last}` : ''}`;
    const width = (stream.columns || 80) - 1;
    stream.write(`\r\x1b[K${text.length > width ? `…${text.slice(text.length - width + 1)}` : text}`);
    drawn = true;
  };
  // Work that awaits I/O (an image being unpacked) still shows time passing between steps.
  const timer = setInterval(draw, EVERY_MS);
  timer.unref();
  return {
    step(what) {
      steps++;
      last = what;
      draw();
    },
    end() {
      clearInterval(timer);
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
