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
