/**
 * Percentiles of a series that may run for days in bounded memory: a uniform sample (Vitter's
 * algorithm R) of at most `size` values, so percentiles are exact up to that many; count and
 * maximum are always exact. The generator has a fixed seed: the same values give the same result.
 */

export const SAMPLE = 20_000;

/** xorshift32 with a fixed seed: cheap, and reproducible. */
export function seededRandom(seed = 0x2545f491): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

export class Reservoir {
  n = 0;
  max = 0;
  private readonly values: number[] = [];
  private cache: { n: number; sorted: Float64Array } | null = null;

  constructor(
    private readonly rand: () => number = seededRandom(),
    private readonly size = SAMPLE,
  ) {}

  add(v: number): void {
    this.n++;
    if (this.n === 1 || v > this.max) this.max = v;
    if (this.values.length < this.size) this.values.push(v);
    else {
      const j = Math.floor(this.rand() * this.n);
      if (j < this.size) this.values[j] = v;
    }
  }

  /** The sample in ascending order (a typed array sorts numerically in native code); sorted again only after an add. */
  sorted(): Float64Array {
    if (this.cache?.n !== this.n) this.cache = { n: this.n, sorted: Float64Array.from(this.values).sort() };
    return this.cache.sorted;
  }
}

/** Nearest-rank quantile of sorted values (0 for none). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}
