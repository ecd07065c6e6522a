/**
 * What /proc says about a traced process: its threads, its sockets and, through /proc/PID/net, its
 * network namespace's TCP tables and counters (a process in a container sees its own).
 */
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import { decodeAddress } from '../host/net.js';

export interface TcpSocket {
  family: 'tcp' | 'tcp6';
  local: string;
  localPort: number;
  remote: string;
  remotePort: number;
  /** TCP state as /proc/net/tcp writes it: 1 ESTABLISHED … 10 LISTEN. */
  state: number;
  /** LISTEN: connections waiting to be accepted; otherwise bytes not yet read. */
  rxQueue: number;
  txQueue: number;
  inode: number;
}

export const TCP_LISTEN = 10;

/** The thread IDs of a process, or null when it is gone. */
export function threadsOf(pid: number): number[] | null {
  try {
    return readdirSync(`/proc/${pid}/task`)
      .map(Number)
      .filter((n) => Number.isInteger(n));
  } catch {
    // The process exited (or never existed): the caller says so.
    return null;
  }
}

/** The thread group a thread belongs to, or null when the thread is gone. */
export function tgidOf(tid: number): number | null {
  try {
    const m = /^Tgid:\s*(\d+)/m.exec(readFileSync(`/proc/${tid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    // A thread that already exited: its events cannot be attributed.
    return null;
  }
}

/** socket inode → fd, for the process's open sockets. */
export function socketFds(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    // Gone, or not ours to read: no sockets known.
    return out;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) out.set(Number(m[1]), Number(fd));
    } catch {
      // Closed between the listing and the readlink.
    }
  }
  return out;
}

/** Every TCP socket of the process's network namespace. */
export function tcpSockets(pid: number): TcpSocket[] {
  const endian = endianness() === 'LE' ? 'little' : 'big';
  const out: TcpSocket[] = [];
  for (const family of ['tcp', 'tcp6'] as const) {
    let text: string;
    try {
      text = readFileSync(`/proc/${pid}/net/${family}`, 'utf8');
    } catch {
      // No IPv6 in this kernel or namespace.
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const [la, lp] = (f[1] as string).split(':');
      const [ra, rp] = (f[2] as string).split(':');
      const [tx, rx] = (f[4] as string).split(':');
      const local = decodeAddress(la ?? '', endian);
      const remote = decodeAddress(ra ?? '', endian);
      if (local === null || remote === null) continue;
      out.push({
        family,
        local,
        localPort: Number.parseInt(lp ?? '', 16),
        remote,
        remotePort: Number.parseInt(rp ?? '', 16),
        state: Number.parseInt(f[3] as string, 16),
        txQueue: Number.parseInt(tx ?? '', 16),
        rxQueue: Number.parseInt(rx ?? '', 16),
        inode: Number(f[9]),
      });
    }
  }
  return out;
}

/** The process's listening TCP sockets. */
export function listeners(pid: number): TcpSocket[] {
  const mine = socketFds(pid);
  return tcpSockets(pid).filter((s) => s.state === TCP_LISTEN && mine.has(s.inode));
}

/** TcpExt counters of the process's network namespace (/proc/PID/net/netstat). */
export function tcpExt(pid: number): Record<string, number> {
  const text = readFileSync(`/proc/${pid}/net/netstat`, 'utf8');
  const rows = text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f[0] === 'TcpExt:');
  const out: Record<string, number> = {};
  if (rows.length < 2) return out;
  const [names, values] = rows as [string[], string[]];
  for (let i = 1; i < Math.min(names.length, values.length); i++) out[names[i] as string] = Number(values[i]);
  return out;
}

/** The inode of the process's network namespace (what `ip netns identify` compares). */
export function netnsOf(pid: number): number {
  return statSync(`/proc/${pid}/ns/net`).ino;
}
