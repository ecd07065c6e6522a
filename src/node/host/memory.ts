import type { HostSnapshot } from '../../core/facts/host.js';
import { int, keyValues, read } from './read.js';

/** /proc/meminfo MemTotal and MemAvailable, in KiB. */
export function memory(): HostSnapshot['memory'] {
  const m = keyValues(read('/proc/meminfo'));
  const kib = (k: string) => int(m.get(k)?.split(/[ \t]+/)[0]);
  return { totalKiB: kib('MemTotal'), availableKiB: kib('MemAvailable') };
}
