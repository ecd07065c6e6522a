/**
 * Maps keyed by what the network sends (peers, sockets) that a flood or a days-long trace cannot
 * grow without bound: the oldest entries go first.
 */

/**
 * Sets a key as the newest entry of an insertion-ordered map of at most `max` entries. A full map
 * drops its oldest quarter in one pass: dropping one at a time walks past every earlier hole of
 * the map's table, quadratic under a flood.
 */
export function remember<K, V>(m: Map<K, V>, k: K, v: V, max: number): void {
  m.delete(k);
  if (m.size >= max) {
    let drop = Math.max(1, max >> 2);
    for (const old of m.keys()) {
      if (drop-- <= 0) break;
      m.delete(old);
    }
  }
  m.set(k, v);
}
