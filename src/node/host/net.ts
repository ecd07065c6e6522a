import type { HostSnapshot, ListeningSocket } from '../../core/facts/host.js';
import { cmpC as cmp } from '../../core/linux/root.js';
import { int, lines, read, trimBlank } from './read.js';

/** Every counter of a /proc/net/{netstat,snmp} row pair ("TcpExt: names" then "TcpExt: values"). */
function counters(path: string, prefix: string): Record<string, number> | null {
  const text = read(path);
  if (text === null) return null;
  const rows = lines(text)
    .map((l) => l.split(' '))
    .filter((f) => f[0] === prefix);
  if (rows.length < 2) return null;
  const names = (rows[0] as string[]).slice(1);
  const values = (rows[1] as string[]).slice(1);
  const out: Record<string, number> = {};
  for (let i = 0; i < Math.min(names.length, values.length); i++) {
    const v = int(values[i]);
    if (v !== null && names[i] !== '') out[names[i] as string] = v;
  }
  return out;
}

/** Canonical IPv6 text (RFC 5952 §4): lower-case hex, no leading zeros, the first longest run of 2+ zero groups as "::". */
function formatIPv6(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A /proc/net/tcp{,6} address: 32-bit words printed in host byte order. */
export function decodeAddress(hex: string, endian: 'little' | 'big'): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(endian === 'little' ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] as number) * 256 + (bytes[i + 1] as number));
  return formatIPv6(groups);
}

/** LISTEN rows of /proc/net/tcp and tcp6, sorted by family, port, address, inode; null when neither file is readable. */
export function listening(endian: 'little' | 'big'): ListeningSocket[] | null {
  const out: ListeningSocket[] = [];
  let any = false;
  for (const family of ['tcp', 'tcp6'] as const) {
    const text = read(`/proc/net/${family}`);
    if (text === null) continue;
    any = true;
    for (const l of lines(text).slice(1)) {
      const f = trimBlank(l).split(/[ \t]+/);
      if (f[3] !== '0A' || f.length < 10) continue;
      const [addrHex, portHex] = (f[1] as string).split(':');
      const rx = (f[4] as string).split(':')[1];
      const address = decodeAddress(addrHex ?? '', endian);
      if (address === null || portHex === undefined || rx === undefined) continue;
      const uid = int(f[7]);
      const inode = int(f[9]);
      if (uid === null || inode === null) continue;
      out.push({ family, address, port: Number.parseInt(portHex, 16), rxQueue: Number.parseInt(rx, 16), uid, inode });
    }
  }
  if (!any) return null;
  return out.sort((a, b) => cmp(a.family, b.family) || a.port - b.port || cmp(a.address, b.address) || a.inode - b.inode);
}

/** TCP counters since boot: /proc/net/netstat TcpExt and /proc/net/snmp Tcp. */
export function tcp(): HostSnapshot['tcp'] {
  return { ext: counters('/proc/net/netstat', 'TcpExt:'), tcp: counters('/proc/net/snmp', 'Tcp:') };
}
