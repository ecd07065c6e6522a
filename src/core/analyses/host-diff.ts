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
  findings?: { binary: string; a: Finding[]; b: Finding[] },
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
    findings: findings ? findingChanges(findings.a, findings.b) : [],
    groups: [...groups].map(([group, changes]) => ({ group, changes })),
  };
}

function findingChanges(a: Finding[], b: Finding[]): FindingChange[] {
  const out: FindingChange[] = [];
  const byId = (fs: Finding[]) => new Map(fs.map((f) => [f.id, f]));
  const ma = byId(a);
  const mb = byId(b);
  for (const id of [...new Set([...ma.keys(), ...mb.keys()])].sort()) {
    const fa = ma.get(id) ?? null;
    const fb = mb.get(id) ?? null;
    if (fa && fb && fa.severity === fb.severity && fa.title === fb.title) continue;
    out.push({ id, title: (fb ?? fa)?.title ?? id, a: fa, b: fb });
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Lists of scalars compare as sets; lists of objects keyed by a natural key; records key by key. */
function compare(a: unknown, b: unknown, key: string, out: FactChange[]): void {
  const group = key.split('.')[0] || key;
  if (isRecord(a) && isRecord(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])]) compare(a[k], b[k], key ? `${key}.${k}` : k, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const label = (x: unknown) => (isRecord(x) ? itemKey(x) : String(x));
    const la = a.map(label);
    const lb = b.map(label);
    if (a.every((x) => !isRecord(x)) && b.every((x) => !isRecord(x))) {
      const onlyA = la.filter((x) => !lb.includes(x));
      const onlyB = lb.filter((x) => !la.includes(x));
      if (onlyA.length || onlyB.length) out.push({ group, key, a, b, onlyA, onlyB });
      return;
    }
    // Objects: present in one only, or the same item with different fields.
    const onlyA = la.filter((x) => !lb.includes(x));
    const onlyB = lb.filter((x) => !la.includes(x));
    if (onlyA.length || onlyB.length) out.push({ group, key, a: a.length, b: b.length, onlyA, onlyB });
    for (const [i, x] of a.entries()) {
      const j = lb.indexOf(la[i] as string);
      if (j >= 0) compare(x, b[j], `${key}.${la[i]}`, out);
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

const SHOW = 12;

function value(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function list(xs: string[]): string {
  return xs.length > SHOW ? `${xs.slice(0, SHOW).join(', ')} … (${xs.length} in all)` : xs.join(', ');
}

export function renderHostDiffText(d: HostDiff): string {
  const lines: string[] = [`A: ${d.a}`, `B: ${d.b}`];
  if (d.binary) {
    lines.push('', `Findings for ${d.binary} that differ:`);
    if (!d.findings.length) lines.push('  none: the differences below change no finding');
    for (const f of d.findings) {
      lines.push(`  ${f.id} ${f.title}`, `    A: ${f.a ? `${f.a.severity}` : 'does not fire'}`, `    B: ${f.b ? `${f.b.severity}` : 'does not fire'}`);
      for (const e of (f.b ?? f.a)?.evidence ?? []) lines.push(`    evidence: ${e}`);
    }
  }
  if (!d.groups.length) lines.push('', 'No differences.');
  for (const g of d.groups) {
    lines.push('', `${g.group}:`);
    for (const c of g.changes) {
      const k = c.key.slice(g.group.length + 1);
      if (c.onlyA || c.onlyB) {
        // A list that is the whole group (listening) needs no second heading.
        const indent = k ? '    ' : '  ';
        if (k) lines.push(`  ${k}:`);
        if (c.onlyA?.length) lines.push(`${indent}only A: ${list(c.onlyA)}`);
        if (c.onlyB?.length) lines.push(`${indent}only B: ${list(c.onlyB)}`);
      } else {
        lines.push(`  ${k || c.key}: ${value(c.a)} → ${value(c.b)}`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function renderHostDiffMarkdown(d: HostDiff): string {
  const esc = (s: string) => s.replaceAll('|', '\\|');
  const lines: string[] = [`**A:** ${esc(d.a)} · **B:** ${esc(d.b)}`, ''];
  if (d.binary) {
    lines.push(`### Findings for \`${esc(d.binary)}\` that differ`, '');
    if (!d.findings.length) lines.push('None.', '');
    else {
      lines.push('| id | finding | A | B |', '|---|---|---|---|');
      for (const f of d.findings) lines.push(`| \`${f.id}\` | ${esc(f.title)} | ${f.a?.severity ?? '—'} | ${f.b?.severity ?? '—'} |`);
      lines.push('');
    }
  }
  lines.push('| fact | A | B |', '|---|---|---|');
  for (const g of d.groups) {
    for (const c of g.changes) {
      const a = c.onlyA ? (c.onlyA.length ? `only here: ${list(c.onlyA)}` : '') : value(c.a);
      const b = c.onlyB ? (c.onlyB.length ? `only here: ${list(c.onlyB)}` : '') : value(c.b);
      lines.push(`| \`${esc(c.key)}\` | ${esc(a)} | ${esc(b)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
