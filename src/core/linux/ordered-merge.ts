/**
 * Merges streams that are each already in timestamp order (one per CPU ring buffer, plus what a
 * previous read held back) into one, in O(n·k) for k streams instead of sorting everything again:
 * a CPU's buffer records its events in the order it stamped them.
 */
export interface Stamped {
  ts: number;
}

/** True when every stream is non-decreasing in `ts` (the merge's precondition). */
function allOrdered(streams: readonly (readonly Stamped[])[]): boolean {
  for (const s of streams) for (let i = 1; i < s.length; i++) if ((s[i] as Stamped).ts < (s[i - 1] as Stamped).ts) return false;
  return true;
}

/** One array in timestamp order; ties keep the earlier stream's event first. Streams that are not ordered are sorted as a whole. */
export function mergeOrdered<T extends Stamped>(streams: readonly T[][]): T[] {
  const live = streams.filter((s) => s.length > 0);
  if (live.length === 0) return [];
  if (!allOrdered(live)) return live.flat().sort((a, b) => a.ts - b.ts);
  if (live.length === 1) return live[0] as T[];
  const total = live.reduce((n, s) => n + s.length, 0);
  const out = new Array<T>(total);
  const at = new Array<number>(live.length).fill(0);
  for (let o = 0; o < total; o++) {
    let best = -1;
    let bestTs = Number.POSITIVE_INFINITY;
    for (let k = 0; k < live.length; k++) {
      const i = at[k] as number;
      const s = live[k] as T[];
      if (i < s.length && (s[i] as T).ts < bestTs) {
        best = k;
        bestTs = (s[i] as T).ts;
      }
    }
    out[o] = (live[best] as T[])[at[best] as number] as T;
    at[best] = (at[best] as number) + 1;
  }
  return out;
}
