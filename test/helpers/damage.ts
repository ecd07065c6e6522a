/**
 * Deterministic random damage for the format readers' own tests: `count` copies of `bytes`, each
 * with 1–4 random bytes overwritten inside one of `regions` ([start, length], taken in turn).
 */
export function* randomDamage(bytes: Uint8Array, regions: [number, number][], count: number, seed: number): Generator<Buffer> {
  let s = seed;
  const rand = (n: number) => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s % n;
  };
  for (let i = 0; i < count; i++) {
    const x = Buffer.from(bytes);
    const [start, len] = regions[i % regions.length] as [number, number];
    for (let k = 0; k < 1 + rand(4); k++) x[start + rand(len)] = rand(256);
    yield x;
  }
}
