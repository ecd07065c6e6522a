import type { SizeReport } from './model.js';

/** A node of the treemap: module → package → function (plus each package's data as one leaf). */
export interface SizeTree {
  name: string;
  bytes: number;
  children?: SizeTree[];
}

/** Builds the module → package → function tree; bytes at every level add up to the file size. */
export function sizeTree(r: SizeReport): SizeTree {
  const fnsByPkg = new Map<string, SizeTree[]>();
  for (const f of r.functions ?? []) {
    const list = fnsByPkg.get(f.package) ?? [];
    list.push({ name: f.name, bytes: f.bytes });
    fnsByPkg.set(f.package, list);
  }
  const mods = new Map<string, SizeTree>();
  for (const p of r.packages) {
    let m = mods.get(p.module);
    if (!m) {
      m = { name: p.module, bytes: 0, children: [] };
      mods.set(p.module, m);
    }
    const leaves: SizeTree[] = [...(fnsByPkg.get(p.name) ?? [])];
    const fnBytes = leaves.reduce((a, f) => a + f.bytes, 0);
    const rest = p.codeBytes + p.dataBytes - fnBytes;
    if (rest > 0) leaves.push({ name: leaves.length ? `${p.name} (data and other)` : p.name, bytes: rest });
    const pkg: SizeTree = { name: p.name, bytes: p.codeBytes + p.dataBytes };
    if (leaves.length > 1 || (leaves[0] && leaves[0].name !== p.name)) pkg.children = leaves.sort((a, b) => b.bytes - a.bytes);
    m.children?.push(pkg);
    m.bytes += pkg.bytes;
  }
  const children = [...mods.values()].sort((a, b) => b.bytes - a.bytes);
  for (const m of children) m.children?.sort((a, b) => b.bytes - a.bytes);
  return { name: r.path, bytes: r.fileSize, children };
}
