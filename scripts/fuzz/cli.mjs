// What the fuzzers share: their flags and their random numbers.

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
