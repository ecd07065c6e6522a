import { describe, expect, it } from 'vitest';
import { arm64Atomics, type FlagRange, type FunctionAtomics, LSE_FLAG_SYMBOLS } from '../src/core/code/atomics.js';
import { type FunctionIndex, scanArm64Atomics } from '../src/core/code/atomics-scan.js';
import { functionCode } from '../src/core/code/functions.js';
import { findPclntab, openListing, readPclntab } from '../src/core/go/pclntab.js';
import { openObject } from '../src/core/object/open.js';
import type { ObjectFile } from '../src/core/object/types.js';
import { FileSource } from '../src/node/files/source.js';
import { entry } from './helpers/corpus.js';
import { toolchainFixtures } from './helpers/toolchains.js';

/**
 * `goready atomics` on arm64 scans the code once (scanArm64Atomics) and falls back to the census
 * function by function (arm64Atomics over functionCode) when the scan cannot be sure to match it.
 * test/atomics.test.ts holds the scan to objdump on ELF binaries; here the fallback is held to the
 * scan, record for record, on ELF and Mach-O binaries and every pclntab layout (go1.2 in esbuild 0.4.0).
 */
async function withObject<T>(file: string, f: (obj: ObjectFile) => Promise<T>): Promise<T> {
  const src = new FileSource(file);
  try {
    const [o] = await openObject(src);
    if (!o) throw new Error(`${file}: no object`);
    return await f(o.obj);
  } finally {
    src.close();
  }
}

async function flagsOf(obj: ObjectFile): Promise<FlagRange[]> {
  return [...(await obj.lookupSymbols(LSE_FLAG_SYMBOLS))].map(([name, s]) => ({ name, start: s.value, end: s.value + Math.max(1, s.size) }));
}

async function byFunction(obj: ObjectFile, flags: FlagRange[]): Promise<FunctionAtomics[]> {
  const loc = await findPclntab(obj);
  if (!loc) throw new Error('no pclntab');
  const tab = await readPclntab(obj, loc, { list: true });
  const out: FunctionAtomics[] = [];
  const skipped = { count: 0 };
  for await (const code of functionCode(obj, tab.functions, { skipped })) {
    const r = arm64Atomics(tab.functions[code.index] as (typeof tab.functions)[number], code.bytes, flags);
    if (r) out.push(r);
  }
  expect(skipped.count).toBe(0);
  return out;
}

async function index(obj: ObjectFile): Promise<FunctionIndex> {
  const loc = await findPclntab(obj);
  if (!loc) throw new Error('no pclntab');
  return openListing(obj, loc, { validateOnly: true });
}

const files = [
  ...toolchainFixtures()
    .filter((f) => f.goarch === 'arm64' && (f.program === 'atomics' || f.program === 'lseasm'))
    .map((f) => ({ label: `go${f.go} ${f.program}-${f.variant}`, file: f.file })),
  ...[
    'linux-arm64',
    'darwin-arm64-stripped',
    'esbuild-linux-arm64@0.4.0/esbuild',
    '@esbuild/linux-arm64@0.28.2/esbuild',
    'lefthook-darwin-arm64@2.0.16/lefthook',
  ].map((name) => ({ label: name, file: entry(name).file })),
];

describe('the one-pass arm64 scan equals the census function by function', () => {
  for (const { label, file } of files) {
    it(label, async () => {
      await withObject(file, async (obj) => {
        const flags = await flagsOf(obj);
        const scanned = await scanArm64Atomics(obj, await index(obj), flags);
        expect(scanned).not.toBeNull();
        const want = await byFunction(obj, flags);
        expect(want.length).toBeGreaterThan(50);
        expect(scanned?.functions).toEqual(want);
        expect(scanned?.skipped).toBe(0);
      });
    });
  }
});

describe('the scan declines what it cannot match exactly', () => {
  const file = entry('linux-arm64').file;

  it('entries not strictly increasing (two functions at one address)', async () => {
    await withObject(file, async (obj) => {
      const real = await index(obj);
      const twice: FunctionIndex = { ...real, entry: (i) => real.entry(i === 5 ? 4 : i) };
      expect(await scanArm64Atomics(obj, twice, [])).toBeNull();
      expect(await scanArm64Atomics(obj, real, [])).not.toBeNull();
    });
  });

  it('code outside the executable segment (entries moved into data)', async () => {
    await withObject(file, async (obj) => {
      const real = await index(obj);
      const data = obj.segments.find((s) => s.type === 'load' && !s.x && s.fileSize > 0);
      if (!data) throw new Error('no data segment');
      const shift = data.vaddr - real.entry(0);
      const moved: FunctionIndex = { ...real, entry: (i) => real.entry(i) + shift };
      expect(await scanArm64Atomics(obj, moved, [])).toBeNull();
    });
  });

  it('entries that do not share one word alignment', async () => {
    await withObject(file, async (obj) => {
      const real = await index(obj);
      const odd: FunctionIndex = { ...real, entry: (i) => real.entry(i) + (i === 7 ? 2 : 0) };
      expect(await scanArm64Atomics(obj, odd, [])).toBeNull();
    });
  });
});
