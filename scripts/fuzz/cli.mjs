// What the fuzzers share: their flags and their random numbers.
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Refuses a flag the fuzzer does not know (a typo, or --help, would otherwise start a long run
 * with the defaults); --help lists the flags and points to the usage in the script's header.
 */
export function knownFlags(script, names) {
  for (const a of process.argv.slice(2)) {
    if (!a.startsWith('--')) continue;
    const name = a.slice(2);
    const list = names.map((n) => `--${n}`).join(' ');
    if (name === 'help') {
      console.log(`${script} flags: ${list} (usage and defaults: the header of ${script})`);
      process.exit(0);
    }
    if (!names.includes(name)) {
      console.error(`fuzz: unknown flag --${name} (known: ${list})`);
      process.exit(2);
    }
  }
}

/** The value after `--name` on the command line, or `def`. */
export function arg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
}

/** The flags of both fuzzers: the inputs, the worker pool's limits, when to stop and where failing inputs go. */
export const RUN_FLAGS = ['count', 'seed', 'timeout-ms', 'slow-ms', 'heap-mb', 'rss-mb', 'minutes', 'threads', 'save'];

/** The values of RUN_FLAGS, with their defaults (`count` differs per fuzzer). */
export function runFlags(defaultCount) {
  // --minutes M or M1,M2,…: no input of the i-th format starts after its minutes (the run ends with what it did).
  const minutes = arg('minutes', '').split(',').filter(Boolean).map(Number);
  return {
    count: Number(arg('count', defaultCount)),
    seed0: Number(arg('seed', String(Date.now() % 1e9))),
    timeoutMs: Number(arg('timeout-ms', '10000')),
    // Inputs slower than this are counted (a hang is one past --timeout-ms).
    slowMs: Number(arg('slow-ms', '10000')),
    heapMb: Number(arg('heap-mb', '512')),
    // Issue 15's budget for the analysing process: an input that takes a worker past it is a failure.
    rssMb: Number(arg('rss-mb', '500')),
    threads: Number(arg('threads', '2')),
    /** When the i-th format's last input may start, counted from now. */
    deadline(i) {
      const m = minutes[i] ?? minutes.at(-1);
      return m === undefined ? Number.POSITIVE_INFINITY : Date.now() + m * 60_000;
    },
    // Failing inputs are written here, named by format and seed, to be run by hand.
    saveDir: resolve(arg('save', join(tmpdir(), 'goready-fuzz-failures'))),
  };
}

/** xorshift32: deterministic, so a failing input is reproduced from its seed alone. */
export function rng(seed) {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}
