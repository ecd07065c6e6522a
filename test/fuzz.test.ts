import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from './helpers/corpus.js';

/**
 * The mutation fuzzer (scripts/fuzz.mjs) over the whole corpus: every mutated input must end in a
 * report or a clean FormatError/UnsupportedError, within 10 s and a 512 MB heap. CI runs 20,000
 * inputs with a fixed seed; run it longer by hand with `npm run fuzz -- --count 1000000`.
 */
describe('fuzzing every parser', () => {
  it('20,000 mutated binaries: no crash, no hang, no unbounded memory', () => {
    const r = spawnSync(
      process.execPath,
      [join(import.meta.dirname, '..', 'scripts', 'fuzz.mjs'), '--count', process.env.GOREADY_FUZZ_COUNT ?? '20000', '--seed', '20261123', '--corpus', CORPUS],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    const summary = r.stdout.split('\n').filter((l) => l.startsWith('fuzz:') || l.startsWith('FAIL'));
    console.log(summary.join('\n'));
    expect(r.stdout).toMatch(/0 failures/);
    expect(r.status).toBe(0);
  }, 900_000);
});
