import type { CgroupLimit, HostSnapshot } from '../../core/facts/host.js';
import type { Mount } from './mounts.js';
import { int, lines, read, readTrim } from './read.js';

/** The directory of a cgroup: the mount point joined with the path below the mount's root; null when the path is outside it. */
function cgroupDir(m: Mount, path: string): string | null {
  let rel: string;
  if (m.root === '/') rel = path;
  else if (path === m.root) rel = '/';
  else if (path.startsWith(`${m.root}/`)) rel = path.slice(m.root.length);
  else return null;
  if (rel === '/') return m.point;
  return m.point === '/' ? rel : m.point + rel;
}

/** A cgroup limit file's value: a number, "max" (v2 max, v1 -1 or ≥ 2^60), null when unreadable or malformed. */
function cgroupLimit(s: string | null): CgroupLimit {
  if (s === null) return null;
  if (s === 'max' || s === '-1') return 'max';
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n >= 2 ** 60 ? 'max' : n;
}

function statFile(path: string): Map<string, string> {
  const m = new Map<string, string>();
  const t = read(path);
  if (t === null) return m;
  for (const l of lines(t)) {
    const f = l.split(' ');
    if (f.length >= 2 && !m.has(f[0] as string)) m.set(f[0] as string, f[1] as string);
  }
  return m;
}

/** The cgroup of this process (v1, v2 or hybrid) and the cpu, memory and pids limits that apply to it. */
export function cgroup(ms: Mount[]): HostSnapshot['cgroup'] {
  const text = read('/proc/self/cgroup');
  const entries: { controllers: string[]; path: string }[] = [];
  for (const l of text === null ? [] : lines(text)) {
    const a = l.indexOf(':');
    const b = l.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const ctl = l.slice(a + 1, b);
    entries.push({ controllers: ctl === '' ? [] : ctl.split(','), path: l.slice(b + 1) });
  }
  const v2Entry = entries.find((e) => e.controllers.length === 0);
  const v2Mount = ms.find((m) => m.fstype === 'cgroup2');
  const hasV1 = entries.some((e) => e.controllers.length > 0);
  const version = hasV1 ? (v2Mount ? 'hybrid' : 'v1') : v2Entry ? 'v2' : null;

  /** Where a controller's files are, and which hierarchy they follow. */
  const locate = (c: string): { dir: string | null; v1: boolean } | null => {
    const e1 = entries.find((e) => e.controllers.includes(c));
    if (e1) {
      const m = ms.find((x) => x.fstype === 'cgroup' && x.superOptions.includes(c));
      return { dir: m ? cgroupDir(m, e1.path) : null, v1: true };
    }
    if (v2Entry) return { dir: v2Mount ? cgroupDir(v2Mount, v2Entry.path) : null, v1: false };
    return null;
  };

  const cpuAt = locate('cpu');
  const cpuOut: HostSnapshot['cgroup']['cpu'] = {
    dir: cpuAt?.dir ?? null,
    quotaUsec: null,
    periodUsec: null,
    nrPeriods: null,
    nrThrottled: null,
    throttledUsec: null,
  };
  if (cpuAt?.dir) {
    const d = cpuAt.dir;
    const stat = statFile(`${d}/cpu.stat`);
    cpuOut.nrPeriods = int(stat.get('nr_periods'));
    cpuOut.nrThrottled = int(stat.get('nr_throttled'));
    if (cpuAt.v1) {
      cpuOut.quotaUsec = cgroupLimit(readTrim(`${d}/cpu.cfs_quota_us`));
      cpuOut.periodUsec = int(readTrim(`${d}/cpu.cfs_period_us`));
      const ns = int(stat.get('throttled_time'));
      cpuOut.throttledUsec = int(stat.get('throttled_usec')) ?? (ns === null ? null : Math.floor(ns / 1000));
    } else {
      const max = readTrim(`${d}/cpu.max`);
      if (max !== null) {
        const f = max.split(' ');
        cpuOut.quotaUsec = cgroupLimit(f[0] ?? null);
        cpuOut.periodUsec = int(f[1]);
      }
      cpuOut.throttledUsec = int(stat.get('throttled_usec'));
    }
  }
  const memAt = locate('memory');
  const pidsAt = locate('pids');
  const memDir = memAt?.dir ?? null;
  const pidsDir = pidsAt?.dir ?? null;
  return {
    version,
    path: version === 'v2' ? (v2Entry?.path ?? null) : (entries.find((e) => e.controllers.includes('cpu'))?.path ?? null),
    cpu: cpuOut,
    memory: { dir: memDir, max: memDir === null ? null : cgroupLimit(readTrim(`${memDir}/${memAt?.v1 ? 'memory.limit_in_bytes' : 'memory.max'}`)) },
    pids: { dir: pidsDir, max: pidsDir === null ? null : cgroupLimit(readTrim(`${pidsDir}/pids.max`)) },
  };
}
