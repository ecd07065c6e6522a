import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../src/core/facts/binary.js';
import { formatModinfo } from '../src/core/go/modinfo.js';
import { inspectFile } from '../src/node/files/inspect.js';
import { run } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/** Go 1.19's pclntab spells `[...]` where the symbol table has the full type arguments (cmd/link pcln.go nameParts). */
function pclnName(name: string): string {
  const i = name.indexOf('[');
  const j = name.lastIndexOf(']');
  return i < 0 || j <= i ? name : `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
}

/** Every Debian toolchain's binaries, read by goready and by that toolchain's own go version -m and go tool nm. */
describe('binaries of every Debian Go toolchain (1.19, 1.21–1.24, 1.26, 1.27) against their own tools', () => {
  const all = toolchainFixtures();
  it('the fixtures cover every toolchain, amd64 and arm64, stripped and not', () => {
    expect(new Set(all.map((f) => f.go))).toEqual(new Set(['1.19', '1.21', '1.22', '1.23', '1.24', '1.26', '1.27']));
    // Other programs add other GOARCHes (lint's 32-bit fixtures); these four must be there.
    const kinds = new Set(all.map((f) => `${f.goarch}/${f.stripped}`));
    for (const k of ['amd64/false', 'amd64/true', 'arm64/false', 'arm64/true']) expect(kinds).toContain(k);
  });
  for (const f of all) {
    it(`${f.path}: version, build info and functions`, async () => {
      const [r] = (await inspectFile(f.file, { functions: true })) as [InspectReport];
      expect(r.diagnosis.filter((d) => /^(corrupt|truncated|garbled)/.test(d))).toEqual([]);
      const [head, ...rest] = run(f.goTool, ['version', '-m', f.file]).trimEnd().split('\n');
      expect(`${f.file}: ${r.go.version}`).toBe(head);
      expect(r.go.version).toBe(f.goVersion);
      expect(r.buildInfo && formatModinfo(r.buildInfo, { exact: true }).map((l) => `\t${l}`)).toEqual(rest);
      expect(r.pclntab?.format).toBe(f.go === '1.19' ? 'go1.18' : 'go1.20');
      const fns = r.functions ?? [];
      expect(fns.length).toBe(r.pclntab?.functionCount);
      if (f.stripped) {
        // The unstripped twin has the same code: the same function table.
        const twin = toolchainFixtures(f.program).find(
          (t) => t.go === f.go && t.goarch === f.goarch && !t.stripped && t.variant === f.variant.replace(/-stripped$/, ''),
        );
        expect(twin).toBeDefined();
        const [tr] = (await inspectFile(twin?.file as string, { functions: true })) as [InspectReport];
        expect(fns.map((x) => x.name)).toEqual(tr.functions?.map((x) => x.name));
        return;
      }
      // ABI wrappers (name.abi0) share their function's name in the pclntab: a name may have two entries.
      const nm = new Map<string, Set<number>>();
      for (const line of run(f.goTool, ['tool', 'nm', '-sort', 'address', f.file]).split('\n')) {
        const m = /^\s*([0-9a-f]+)\s+([Tt])\s+(.+)$/.exec(line);
        if (!m) continue;
        // Go 1.19's linker shortens type arguments to [...] in the pclntab; later linkers keep them.
        const full = (m[3] as string).replace(/\.abi0$/, '');
        for (const name of new Set([full, pclnName(full)])) nm.set(name, (nm.get(name) ?? new Set()).add(Number.parseInt(m[1] as string, 16)));
      }
      // Every function's entry is where go tool nm puts its symbol.
      const wrong = fns.filter((x) => !nm.get(x.name.replaceAll('·', '.'))?.has(x.entry)).map((x) => x.name);
      expect(wrong).toEqual([]);
    });
  }
});
