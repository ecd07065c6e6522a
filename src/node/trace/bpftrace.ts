/**
 * Runs a bpftrace program (0.17 and later) and streams its output. bpftrace prints one JSON object
 * per line with `-f json` (`{"type":"printf","data":"…"}`, `{"type":"attached_probes",…}`,
 * `{"type":"lost_events",…}`); newer releases add top-level fields, so only `type` and `data` are
 * relied on. The program is attached once bpftrace says so and a settle time has passed (it prints
 * attached_probes before every probe is live).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { onCleanup } from './cleanup.js';

/** Counting is exact only once this long has passed after attached_probes (measured on bpftrace 0.17). */
const SETTLE_MS = 1000;
/** bpftrace parses kernel BTF before attaching: seconds on a loaded machine. */
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 10_000;

/** stderr lines that are not errors: bpftrace 0.17 fails to raise RLIMIT_MEMLOCK on kernels that no longer use it (5.11+ charge BPF memory to the cgroup). */
const HARMLESS = [/couldn't set RLIMIT_MEMLOCK/, /^WARNING:/];

export interface BpftraceHandlers {
  onPrintf(line: string): void;
}

export class Bpftrace {
  private lost = 0;
  private stderr: string[] = [];
  private exited: Promise<number | null>;
  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts the program; resolves once its probes are attached and settled, rejects with bpftrace's own error line. */
  static start(program: string, handlers: BpftraceHandlers, env: Record<string, string> = {}): Promise<Bpftrace> {
    const child = spawn('bpftrace', ['-f', 'json', '-e', program], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, BPFTRACE_PERF_RB_PAGES: '256', ...env },
    });
    const bt = new Bpftrace(child);
    // Whatever happens to goready, bpftrace (and with it every probe) goes too.
    const unregister = onCleanup(() => child.kill('SIGKILL'));
    void bt.exited.then(unregister);
    return new Promise((resolve, reject) => {
      let attached = false;
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`bpftrace did not attach its probes within ${START_TIMEOUT_MS / 1000} s`));
      }, START_TIMEOUT_MS);
      createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (l) => {
        if (l.trim() && !HARMLESS.some((re) => re.test(l))) bt.stderr.push(l);
      });
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (l) => {
        let msg: { type?: string; data?: unknown };
        try {
          msg = JSON.parse(l) as { type?: string; data?: unknown };
        } catch {
          // Output that is not JSON (a bpftrace that ignored -f json): kept as an error line.
          bt.stderr.push(l);
          return;
        }
        if (msg.type === 'printf' && typeof msg.data === 'string') handlers.onPrintf(msg.data);
        else if (msg.type === 'lost_events') {
          const d = msg.data as { events?: number } | undefined;
          bt.lost += typeof d?.events === 'number' ? d.events : 0;
        } else if (msg.type === 'attached_probes' && !attached) {
          attached = true;
          setTimeout(() => {
            clearTimeout(timer);
            resolve(bt);
          }, SETTLE_MS);
        }
      });
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(new Error(`bpftrace: ${e.message}`));
      });
      void bt.exited.then((code) => {
        if (attached) return;
        clearTimeout(timer);
        const err = bt.stderr.find((l) => /ERROR/.test(l)) ?? bt.stderr[0] ?? `exit code ${code}`;
        reject(new Error(`bpftrace refused the program: ${err.replace(/^ERROR:\s*/, '')}`));
      });
    });
  }

  /** Events bpftrace reported lost (its perf buffer overflowed). */
  get lostEvents(): number {
    return this.lost;
  }

  /** Stops bpftrace (SIGINT: it detaches and flushes), waiting for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGINT');
    const t = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exited;
    clearTimeout(t);
  }
}
