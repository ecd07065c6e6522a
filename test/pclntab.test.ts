import { describe, expect, it } from 'vitest';
import type { FunctionFacts, InspectReport } from '../src/core/facts/binary.js';
import { inspect } from '../src/core/facts/inspect.js';
import { FileSource } from '../src/node/files/source.js';
import { corpus, entry, GO, run } from './helpers/corpus.js';

async function report(file: string): Promise<InspectReport> {
  const src = new FileSource(file);
  try {
    return (await inspect(src, { functions: true, files: true }))[0] as InspectReport;
  } finally {
    src.close();
  }
}

interface NmSym {
  addr: number;
  size: number;
  name: string;
  /** The symbol table's own spelling (Go before 1.18 kept it in the pclntab too, unshortened). */
  full: string;
}

/**
 * The name the linker writes into the pclntab for a symbol: everything between the first '[' and
 * the last ']' becomes "[...]" (cmd/link/internal/ld/pcln.go nameParts), so generic and array
 * type names are shorter there than in the symbol table.
 */
function pclnName(name: string): string {
  const i = name.indexOf('[');
  const j = name.lastIndexOf(']');
  return i < 0 || j <= i ? name : `${name.slice(0, i)}[...]${name.slice(j + 1)}`;
}

/** `go tool nm -size -sort address`: text symbols (T/t), ABI suffix of assembly symbols removed, names as the pclntab spells them. */
function nmText(file: string): NmSym[] {
  const out: NmSym[] = [];
  for (const line of run(GO, ['tool', 'nm', '-size', '-sort', 'address', file]).split('\n')) {
    const m = /^\s*([0-9a-f]+)\s+(\d+)\s+([Tt])\s+(.+)$/.exec(line);
    if (m) {
      const full = (m[4] as string).replace(/\.abi0$/, '');
      out.push({ addr: Number.parseInt(m[1] as string, 16), size: Number(m[2]), name: pclnName(full), full });
    }
  }
  return out;
}

/** Text symbols that are not functions in the pclntab: section markers and the build ID blob at the start of text. */
const MARKERS = /^(runtime\.(e?text|etext)|go\.buildid|go:buildid)$/;

describe('pclntab functions against go tool nm -size', () => {
  const unstripped = corpus().filter((e) => e.isGo && !e.stripped && e.source !== 'misc');
  for (const e of unstripped) {
    it(`${e.name}: every function's name, address and size`, async () => {
      const r = await report(e.file);
      const fns = r.functions as FunctionFacts[];
      expect(fns.length).toBe(r.pclntab?.functionCount);
      const nm = nmText(e.file);
      const byAddr = new Map<number, NmSym[]>();
      for (const s of nm) byAddr.set(s.addr, [...(byAddr.get(s.addr) ?? []), s]);
      const seen = new Set<string>();
      for (const [i, f] of fns.entries()) {
        // The symbol table spells the compiler's '·' as '.' (the pclntab keeps it), and Mach-O
        // symbol tables prefix names without a package (assembly such as cmpbody) with '_'.
        const want = f.name.replaceAll('·', '.');
        const hit = byAddr.get(f.entry)?.find((s) => s.name === want || s.full === want || (r.file.format === 'macho' && s.name === `_${want}`));
        expect(hit, `${f.name} at 0x${f.entry.toString(16)}`).toBeDefined();
        if (r.file.format !== 'elf') {
          // PE and Mach-O symbol tables record no sizes: go tool nm prints the distance to the next
          // symbol, which includes the padding that the function's own pc tables exclude.
          expect(f.size, f.name).toBeLessThanOrEqual(hit?.size ?? 0);
        } else if (f.size !== hit?.size) {
          // Code without pc tables — host-object C linked internally (the race runtime, BoringCrypto) and
          // linker trampolines — can only be sized by the distance to the next function entry:
          // the symbol's size plus alignment padding, or less when two symbols share an address.
          expect(!!e.cgo || /-tramp\d+$/.test(f.name), `${f.name}: size ${f.size} vs nm ${hit?.size}`).toBe(true);
          const next = fns[i + 1];
          if (next) expect(f.size).toBe(next.entry - f.entry);
        }
        seen.add(`${f.entry}:${hit?.name}`);
      }
      // Every text symbol nm lists is a pclntab function, except markers and — in cgo binaries — C code.
      const missing = nm.filter((s) => !seen.has(`${s.addr}:${s.name}`) && !MARKERS.test(s.name) && s.size > 0);
      if (e.cgo) {
        for (const s of missing) expect(s.name, 'a C symbol').not.toMatch(/^(runtime|main|fmt|sync|os)\./);
      } else {
        expect(missing.map((s) => s.name)).toEqual([]);
      }
    });
  }

  for (const e of corpus().filter((x) => x.isGo && x.stripped && x.twin)) {
    it(`${e.name}: function list equals its unstripped twin's`, async () => {
      const [a, b] = await Promise.all([report(e.file), report(entry(e.twin as string).file)]);
      expect(a.file.stripped).toBe(true);
      const key = (f: FunctionFacts) => `${f.name} ${f.size} ${f.package}`;
      // Stripping shifts addresses (the symbol table goes), so compare by name, size and package.
      expect(a.functions?.map(key)).toEqual(b.functions?.map(key));
    });
  }
});

describe('pclntab details', () => {
  it('source files: main.main comes from main.go, runtime functions from runtime/*.go', async () => {
    const r = await report(entry('linux-amd64').file);
    const byName = new Map(r.functions?.map((f) => [f.name, f]));
    expect(byName.get('main.main')?.file).toMatch(/\/main\.go$/);
    expect(byName.get('runtime.main')?.file).toMatch(/\/runtime\/proc\.go$/);
  });
  it('-trimpath binaries record module-relative file names', async () => {
    const r = await report(entry('linux-amd64-trimpath').file);
    const main = r.functions?.find((f) => f.name === 'main.main');
    expect(main?.file).toBe('example.com/hello/main.go');
  });
  it('every format is read: go1.2 (Go 1.15), go1.16, go1.18, go1.20', async () => {
    const formats = new Set<string>();
    for (const e of corpus().filter((x) => x.isGo && x.source === 'npm')) {
      const r = await report(e.file);
      expect(r.pclntab, e.name).not.toBeNull();
      formats.add(r.pclntab?.format as string);
      const fns = r.functions as FunctionFacts[];
      expect(
        fns.some((f) => f.name === 'runtime.main'),
        e.name,
      ).toBe(true);
      for (let i = 1; i < fns.length; i++) expect((fns[i] as FunctionFacts).entry).toBeGreaterThanOrEqual((fns[i - 1] as FunctionFacts).entry);
    }
    expect([...formats].sort()).toEqual(['go1.16', 'go1.18', 'go1.2', 'go1.20']);
  });
  it('PIE and cgo binaries: entries are real addresses inside executable code', async () => {
    for (const n of ['linux-amd64-pie', 'linux-amd64-cgo', 'linux-amd64-cgo-pie', 'linux-amd64-cshared']) {
      const r = await report(entry(n).file);
      const main = r.functions?.find((f) => f.name === 'runtime.main');
      const nm = nmText(entry(n).file).find((s) => s.name === 'runtime.main');
      expect(main?.entry, n).toBe(nm?.addr);
    }
  });
});
