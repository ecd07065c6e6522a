// The fuzzers' worker pool: child processes (not threads), so that each input's memory is the
// analysing process's own (its peak RSS is measured apart from the harness and its seeds), a hang
// is ended by killing one PID, and a heap blown past --heap-mb takes down one worker, not the run.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A task may wait this many times --timeout-ms of wall time for a core before it counts as hung. */
const STARVED = 6;

const IS_WORKER = process.env.GOREADY_FUZZ_WORKER === '1';

/** Whether this process is a pool worker (forked by runPool). */
export const isWorker = () => IS_WORKER;

/** The data runPool gave this worker. */
export const workerData = () => JSON.parse(process.env.GOREADY_FUZZ_DATA ?? '{}');

/** Peak RSS of this process so far (bytes). */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

/** Peak RSS of a live process from /proc (bytes), 0 when it is gone. */
function hwm(pid) {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) of a live process from /proc (clock ticks of 10 ms), null when it is gone. */
function cpuOf(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return null;
  }
}

/** Starts timing: `done()` gives wall and CPU ms since. */
export function stopwatch() {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  return () => {
    const c = process.cpuUsage(c0);
    return { ms: Math.round(performance.now() - t0), cpu: Math.round((c.user + c.system) / 1000) };
  };
}

/**
 * Worker side: answers each task with `handle(task)` (an object: outcome and whatever the parent
 * wants), adding the task's id, its wall and CPU time (unless `handle` measured its own, `ms` and
 * `cpu`, with stopwatch) and the peak RSS.
 */
export async function serve(init, handle) {
  const state = await init();
  process.on('message', async (task) => {
    const time = stopwatch();
    const res = await handle(state, task);
    process.send({ ...time(), ...res, id: task.id, rss: peakRss() });
  });
  process.send({ ready: true, rss: peakRss() });
}

/** Worker side, for a worker that builds its input: the reader starts now (runPool's time bound starts here). */
export const started = (task) => process.send({ started: true, id: task.id });

/**
 * Parent side: runs `tasks` (an iterable of objects with a numeric `id`) over `threads` forked
 * copies of `script`, each task cut off after `timeoutMs` of CPU (its worker killed by PID and
 * replaced; with `buildsInput`, counted from the worker's `started` message); `slowest` and
 * `slow` (over `slowMs`) go by CPU time, `slowestWall` by wall time. No task starts after
 * `deadline` (ms since the epoch): a long run by hand ends on time with its summary.
 * `onResult(task, msg)` receives each answer; an answer with `bad`, a hang and a worker that died
 * are failures, each passed to `onFailure(task, why)` (to save the input) and collected; so is the
 * input that takes a worker's peak RSS past `rssMb` (that worker is then replaced).
 */
export function runPool({
  script,
  data,
  heapMb,
  rssMb = Number.POSITIVE_INFINITY,
  buildsInput = false,
  deadline = Number.POSITIVE_INFINITY,
  threads,
  timeoutMs,
  slowMs,
  tasks,
  onResult,
  onFailure = () => {},
  progress = () => {},
}) {
  const begun = Date.now();
  const it = tasks[Symbol.iterator]();
  const failures = [];
  const slow = [];
  let slowest = null;
  let slowestWall = null;
  /** CPU the inputs took in the readers (building inputs and loading seeds not counted). */
  let cpuTotal = 0;
  let peak = 0;
  let startRss = 0;
  let done = 0;
  let live = 0;
  let exhausted = false;
  return new Promise((finish) => {
    const maybeEnd = () => {
      if (exhausted && live === 0) finish({ done, failures, slow, slowest, slowestWall, cpuTotal, peak, startRss, ms: Date.now() - begun });
    };
    const fail = (task, why) => {
      failures.push({ ...task, why });
      done++;
      onFailure(task, why);
    };
    const spawn = () => {
      live++;
      const child = fork(script, [], {
        execArgv: [`--max-old-space-size=${heapMb}`],
        env: { ...process.env, GOREADY_FUZZ_WORKER: '1', GOREADY_FUZZ_DATA: JSON.stringify(data) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let current = null;
      let timer = null;
      let t0 = 0;
      let gone = false;
      let ready = false;
      const retire = () => {
        if (gone) return;
        gone = true;
        clearTimeout(timer);
        live--;
      };
      let cpu0 = 0;
      /**
       * Cuts the current task off: after `ms` of wall time while its input is built (`building`),
       * else once it has used `timeoutMs` of CPU, or STARVED times that in wall time (on a shared
       * machine a process waits for a core: waiting is not hanging). Its worker is killed by PID
       * and replaced.
       */
      const arm = (ms, building) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          const cpu = (cpuOf(child.pid) ?? cpu0) - cpu0;
          const wall = Date.now() - t0;
          if (!building && cpu < timeoutMs && wall < STARVED * timeoutMs) return arm(Math.max(250, timeoutMs - cpu), false);
          const task = current;
          current = null;
          peak = Math.max(peak, hwm(child.pid));
          retire();
          child.kill('SIGKILL');
          fail(task, building ? `its input was not built within ${ms} ms` : `no result after ${cpu} ms of CPU, ${wall} ms wall (hang)`);
          spawn();
        }, ms);
      };
      const begin = () => {
        t0 = Date.now();
        cpu0 = cpuOf(child.pid) ?? 0;
        arm(timeoutMs, false);
      };
      const give = () => {
        const n = exhausted || Date.now() > deadline ? { done: true } : it.next();
        if (n.done) {
          exhausted = true;
          current = null;
          child.disconnect();
          return;
        }
        current = n.value;
        // A worker that builds its input first says `started` when it has (the bound is then the
        // reader's); building is the harness's cost, bounded only against a harness that hangs.
        if (buildsInput) {
          t0 = Date.now();
          arm(timeoutMs * STARVED, true);
        } else begin();
        child.send(current);
      };
      child.on('message', (msg) => {
        peak = Math.max(peak, msg.rss ?? 0);
        if (msg.started) {
          if (current && msg.id === current.id) begin();
          return;
        }
        if (msg.ready) {
          ready = true;
          startRss = Math.max(startRss, msg.rss);
          return give();
        }
        if (!current || msg.id !== current.id) return;
        clearTimeout(timer);
        const task = current;
        // Slow by CPU: what the input costs goready, whatever else the machine is doing.
        const ms = msg.ms ?? Date.now() - t0;
        const cpu = msg.cpu ?? ms;
        cpuTotal += cpu;
        if (cpu > slowMs) slow.push(task);
        if (!slowest || cpu > slowest.cpu) slowest = { ms, cpu, task };
        if (!slowestWall || ms > slowestWall.ms) slowestWall = { ms, cpu, task };
        if (msg.bad) fail(task, msg.bad);
        else {
          done++;
          onResult(task, msg);
        }
        progress(done, failures.length, Date.now() - begun);
        if ((msg.rss ?? 0) > rssMb * 2 ** 20) {
          // The input that took the worker's peak past the budget: a failure; a fresh worker measures the rest.
          if (!msg.bad) {
            done--;
            fail(task, `peak RSS ${Math.round(msg.rss / 2 ** 20)} MB, over --rss-mb ${rssMb}`);
          }
          current = null;
          retire();
          child.kill('SIGKILL');
          spawn();
          return;
        }
        give();
      });
      child.on('exit', (code, signal) => {
        const task = current;
        current = null;
        const wasLive = !gone;
        retire();
        if (!ready && wasLive) {
          // A worker that cannot start (dist not built?) would be replaced for ever: end the run.
          failures.push({ id: -1, why: `a worker did not start (${signal ?? `exit code ${code}`})` });
          exhausted = true;
        }
        if (task && wasLive) {
          fail(task, `worker died (${signal ?? `exit code ${code}`}; out of memory past --heap-mb ${heapMb}?)`);
          if (!exhausted) {
            spawn();
            return;
          }
        }
        maybeEnd();
      });
    };
    for (let i = 0; i < threads; i++) spawn();
  });
}
