import type { Finding } from '../checks/finding.js';
import type { HostSnapshot } from '../facts/host.js';

/** One fact that differs between two snapshots, by its dotted path (`sysctls.net.core.somaxconn`). */
export interface FactChange {
  group: string;
  key: string;
  a: unknown;
  b: unknown;
  /** For lists: what only A has, what only B has (a and b are then omitted from text output). */
  onlyA?: string[];
  onlyB?: string[];
}

/** A finding that fires differently on the two hosts for the binary given. */
export interface FindingChange {
  id: string;
  title: string;
  a: Finding | null;
  b: Finding | null;
}

export interface HostDiff {
  a: string;
  b: string;
  binary: string | null;
  findings: FindingChange[];
  groups: { group: string; changes: FactChange[] }[];
}

/**
 * Facts that differ on every collection of the same host (clocks, counters, queue lengths) or that
 * name the collection rather than the host. Counters are compared only as deltas, by `check`.
 */
const VOLATILE = [
  /^collectedAt$/,
  /^collector$/,
  /^memory\.availableKiB$/,
  /^tcp\./,
  /^listening\.\d+\.(rxQueue|inode)$/,
  /^cgroup\.cpu\.(nrPeriods|nrThrottled|throttledUsec)$/,
];

/** What differs between two snapshots, grouped by top-level section; findings that change first. */
export function diffHosts(
  a: HostSnapshot,
  b: HostSnapshot,
  names: { a: string; b: string },
  /** The binary's findings on each host; `named` is the name each host's findings call it by. */
  findings?: { binary: string; a: Finding[]; b: Finding[]; named?: { a: string; b: string } },
): HostDiff {
  const changes: FactChange[] = [];
  compare(a as unknown, b as unknown, '', changes);
  const groups = new Map<string, FactChange[]>();
  for (const c of changes) {
    if (VOLATILE.some((re) => re.test(c.key))) continue;
    const list = groups.get(c.group) ?? [];
    list.push(c);
    groups.set(c.group, list);
  }
  return {
    a: names.a,
    b: names.b,
    binary: findings?.binary ?? null,
    findings: findings ? findingChanges(findings.a, findings.b, findings.named) : [],
    groups: [...groups].map(([group, changes]) => ({ group, changes })),
  };
}

/**
 * Findings compared by rule, severity, title and evidence with each host's own name taken out: a
 * byte-identical copy of a snapshot under another file name changes no finding.
 */
function findingChanges(a: Finding[], b: Finding[], named?: { a: string; b: string }): FindingChange[] {
  const out: FindingChange[] = [];
  const byId = (fs: Finding[]) => new Map(fs.map((f) => [f.id, f]));
  const ma = byId(a);
  const mb = byId(b);
  const unnamed = (f: Finding, name: string | undefined) => {
    const strip = (s: string) => (name ? s.replaceAll(name, '\u0000') : s);
    return JSON.stringify([f.severity, strip(f.title), f.evidence.map(strip), strip(f.fix)]);
  };
  for (const id of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
    const fa = ma.get(id) ?? null;
    const fb = mb.get(id) ?? null;
    if (fa && fb && unnamed(fa, named?.a) === unnamed(fb, named?.b)) continue;
    out.push({ id, title: (fb ?? fa)?.title ?? id, a: fa, b: fb });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Lists of scalars compare as sets; lists of objects keyed by a natural key; records key by key.
 * Linear in the sizes of both snapshots: lists become sets and maps once, never searched per item
 * (a crafted snapshot with 100,000 libraries must not cost 10^10 comparisons).
 */
function compare(a: unknown, b: unknown, key: string, out: FactChange[]): void {
  const group = key.split('.')[0] || key;
  if (isRecord(a) && isRecord(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) compare(a[k], b[k], key ? `${key}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const label = (x: unknown) => (isRecord(x) ? itemKey(x) : String(x));
    const la = a.map(label);
    const lb = b.map(label);
    const inA = new Set(la);
    const inB = new Set(lb);
    const onlyA = la.filter((x) => !inB.has(x));
    const onlyB = lb.filter((x) => !inA.has(x));
    if (a.every((x) => !isRecord(x)) && b.every((x) => !isRecord(x))) {
      if (onlyA.length || onlyB.length) out.push({ group, key, a, b, onlyA, onlyB });
      return;
    }
    // Objects: present in one only, or the same item with different fields (the first of B with that key).
    if (onlyA.length || onlyB.length) out.push({ group, key, a: a.length, b: b.length, onlyA, onlyB });
    const firstInB = new Map<string, number>();
    lb.forEach((k, j) => {
      if (!firstInB.has(k)) firstInB.set(k, j);
    });
    for (const [i, x] of a.entries()) {
      const j = firstInB.get(la[i] as string);
      if (j !== undefined) compare(x, b[j], `${key}.${la[i]}`, out);
    }
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ group, key, a: a ?? null, b: b ?? null });
}

/** The natural key of a list item: a library's path, a listener's family/address/port. */
function itemKey(x: Record<string, unknown>): string {
  if (typeof x.path === 'string') return x.path;
  if (typeof x.port === 'number') return `${x.family}:${x.address}:${x.port}`;
  return JSON.stringify(x);
}
