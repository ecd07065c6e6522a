import type { SizeReport } from './model.js';

export interface Change {
  name: string;
  old: number;
  new: number;
  delta: number;
}

export interface SizeDiff {
  old: { path: string; fileSize: number };
  new: { path: string; fileSize: number };
  delta: number;
  /** Growth of the file in percent of the old size. */
  deltaPercent: number;
  modules: Change[];
  packages: Change[];
  /** Present when both reports carry per-function sizes. */
  functions: Change[] | null;
}

function changes(a: Map<string, number>, b: Map<string, number>): Change[] {
  const out: Change[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const o = a.get(name) ?? 0;
    const n = b.get(name) ?? 0;
    if (o !== n) out.push({ name, old: o, new: n, delta: n - o });
  }
  return out.sort((x, y) => Math.abs(y.delta) - Math.abs(x.delta) || x.name.localeCompare(y.name));
}

/** What grew and shrank between two size reports, largest changes first. */
export function diffSizes(older: SizeReport, newer: SizeReport): SizeDiff {
  const mods = (r: SizeReport) => new Map(r.modules.map((m) => [m.path, m.bytes]));
  const pkgs = (r: SizeReport) => new Map(r.packages.map((p) => [p.name, p.codeBytes + p.dataBytes]));
  const fns = (r: SizeReport) => new Map((r.functions ?? []).map((f) => [f.name, f.bytes]));
  const delta = newer.fileSize - older.fileSize;
  return {
    old: { path: older.path, fileSize: older.fileSize },
    new: { path: newer.path, fileSize: newer.fileSize },
    delta,
    deltaPercent: older.fileSize ? (100 * delta) / older.fileSize : 0,
    modules: changes(mods(older), mods(newer)),
    packages: changes(pkgs(older), pkgs(newer)),
    functions: older.functions && newer.functions ? changes(fns(older), fns(newer)) : null,
  };
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));

/** Text or GitHub-flavoured markdown (for PR comments). */
export function renderDiff(d: SizeDiff, format: 'text' | 'markdown', top = 15): string {
  const head = `${d.old.path} → ${d.new.path}: ${d.old.fileSize} → ${d.new.fileSize} bytes (${signed(d.delta)}, ${signed(Number(d.deltaPercent.toFixed(2)))}%)`;
  const sections: [string, Change[] | null][] = [
    ['modules', d.modules],
    ['packages', d.packages],
    ['functions', d.functions],
  ];
  const out: string[] = [];
  if (format === 'markdown') {
    out.push(
      `### Binary size: ${signed(d.delta)} bytes (${signed(Number(d.deltaPercent.toFixed(2)))}%)`,
      '',
      `\`${d.old.path}\` ${d.old.fileSize} → \`${d.new.path}\` ${d.new.fileSize} bytes`,
      '',
    );
    for (const [title, list] of sections) {
      if (!list?.length) continue;
      out.push(`| ${title} | old | new | change |`, '|---|---:|---:|---:|');
      for (const c of list.slice(0, top)) out.push(`| \`${c.name.replaceAll('|', '\\|')}\` | ${c.old} | ${c.new} | ${signed(c.delta)} |`);
      if (list.length > top) out.push(`| … ${list.length - top} more | | | |`);
      out.push('');
    }
    return `${out.join('\n')}\n`;
  }
  out.push(head);
  for (const [title, list] of sections) {
    if (!list?.length) continue;
    out.push(`${title}:`);
    const w = Math.max(...list.slice(0, top).map((c) => c.name.length));
    for (const c of list.slice(0, top))
      out.push(`  ${c.name.padEnd(w)}  ${String(c.old).padStart(10)} → ${String(c.new).padStart(10)}  ${signed(c.delta).padStart(9)}`);
    if (list.length > top) out.push(`  (${list.length - top} more)`);
  }
  return `${out.join('\n')}\n`;
}
