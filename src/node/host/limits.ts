import type { HostSnapshot, LimitValue } from '../../core/facts/host.js';
import { lines, read, trimBlank } from './read.js';

function limitValue(s: string): LimitValue {
  return /^[0-9]+$/.test(s) ? Number(s) : s;
}

/** /proc/self/limits: fixed-width rows ("%-25s %-20s %-20s %-10s"), name in the first 26 columns. */
export function limits(): HostSnapshot['limits'] {
  const text = read('/proc/self/limits');
  if (text === null) return null;
  const out: NonNullable<HostSnapshot['limits']> = {};
  for (const l of lines(text).slice(1)) {
    const name = l.slice(0, 26).replace(/ +$/, '');
    const f = trimBlank(l.slice(26)).split(/[ \t]+/);
    if (name === '' || f.length < 2 || f[0] === '') continue;
    out[name] = { soft: limitValue(f[0] as string), hard: limitValue(f[1] as string), units: f[2] ?? null };
  }
  return out;
}
