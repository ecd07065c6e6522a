/**
 * The per-CPU merge of trace records against a stable sort of the same records: same order, ties
 * kept in stream order, and streams that are not ordered still come out sorted.
 */
import { describe, expect, it } from 'vitest';
import { seededRandom as rng } from '../src/core/analyses/trace/reservoir.js';
import { mergeOrdered } from '../src/core/linux/ordered-merge.js';

function streams(seed: number, ordered: boolean): { ts: number; k: number; i: number }[][] {
  const r = rng(seed);
  return Array.from({ length: 1 + Math.floor(r() * 5) }, (_, k) => {
    let t = Math.floor(r() * 50);
    return Array.from({ length: Math.floor(r() * 40) }, (_, i) => {
      t = ordered ? t + Math.floor(r() * 4) : Math.floor(r() * 100);
      return { ts: t, k, i };
    });
  });
}

describe('mergeOrdered', () => {
  it('equals a stable sort of the concatenated streams (ordered streams, ties included), 500 seeds', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const s = streams(seed, true);
      const expected = s.flat().sort((a, b) => a.ts - b.ts);
      expect(mergeOrdered(s), `seed ${seed}`).toEqual(expected);
    }
  });

  it('sorts streams that are not in order instead of interleaving them wrongly', () => {
    for (let seed = 1; seed <= 100; seed++) {
      const out = mergeOrdered(streams(seed, false)).map((e) => e.ts);
      expect(out, `seed ${seed}`).toEqual([...out].sort((a, b) => a - b));
    }
  });
});
