import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../src/core/errors.js';
import { inspect } from '../src/core/facts/inspect.js';
import { readGoBuildId } from '../src/core/go/buildid.js';
import { readBuildInfo } from '../src/core/go/buildinfo.js';
import { formatModinfo, ModinfoError, parseModinfo } from '../src/core/go/modinfo.js';
import { findGoVersion, splitGoVersion } from '../src/core/go/version.js';
import { BytesSource } from '../src/core/io/source.js';
import { openObject } from '../src/core/object/open.js';
import type { ObjectFile } from '../src/core/object/types.js';
import { FileSource } from '../src/node/files/source.js';
import { corpus, entry, GO, run } from './helpers/corpus.js';
import { randomDamage } from './helpers/damage.js';

async function withObject<T>(file: string, f: (obj: ObjectFile) => Promise<T>): Promise<T> {
  const src = new FileSource(file);
  try {
    const obj = (await openObject(src))[0]?.obj as ObjectFile;
    return await f(obj);
  } finally {
    src.close();
  }
}

/** `go version -m` output as lines, keeping its empty (tab-only) lines: only the final newline goes. */
function goVersionM(file: string): string[] {
  const out = run(GO, ['version', '-m', file], { allowFail: true });
  if (!out) return [];
  return out.replace(/\n$/, '').split('\n');
}

const goBinaries = corpus().filter((x) => x.isGo);
const formats = { inline: 0, pointer: 0, none: 0 };

/**
 * `go version -m FILE` from Debian's Go 1.19 is the truth for every binary it can read. Our text
 * (the same lines, exact form) and our parsed JSON (re-formatted) must match it exactly.
 */
describe(`build info against go version -m (${goBinaries.length} Go binaries)`, () => {
  for (const e of goBinaries) {
    it(`${e.name}`, async () => {
      const src = new FileSource(e.file);
      const reports = await inspect(src, { path: e.file });
      src.close();
      const r = reports[0];
      expect(r).toBeDefined();
      const raw = await withObject(e.file, readBuildInfo);
      formats[raw?.format ?? 'none']++;
      const theirs = goVersionM(e.file);
      if (theirs.length === 0) {
        // go version finds no build info: esbuild's patched linker, UPX. We must agree there is none.
        expect(raw).toBeNull();
        expect(r?.buildInfo).toBeNull();
        return;
      }
      const [head, ...rest] = theirs;
      expect(raw).not.toBeNull();
      expect(head).toBe(`${e.file}: ${raw?.goVersion}`);
      const split = splitGoVersion(raw?.goVersion ?? '');
      expect(head).toBe(`${e.file}: ${r?.go.version}${r?.go.experiments.length ? ` X:${r.go.experiments.join(',')}` : ''}`);
      expect(r?.go.version).toBe(split.version);
      expect(r?.go.experiments).toEqual(split.experiments);
      expect(r?.go.versionSource).toBe('buildinfo');
      // Byte for byte, blank lines after `=>` included.
      const ours = raw?.modinfo ? formatModinfo(parseModinfo(raw.modinfo), { exact: true }).map((l) => `\t${l}`) : [];
      expect(ours).toEqual(rest);
      // The report's JSON holds the same structure, and the default (no blank lines) form is Go's minus those lines.
      if (r?.buildInfo) {
        expect(formatModinfo(r.buildInfo, { exact: true }).map((l) => `\t${l}`)).toEqual(rest);
        expect(formatModinfo(r.buildInfo).map((l) => `\t${l}`)).toEqual(rest.filter((l) => l !== '\t'));
        // Parsing Go's own output back gives the same structure: nothing lost in the JSON.
        const reparsed = parseModinfo(`${rest.map((l) => l.slice(1)).join('\n')}\n`);
        expect({ ...reparsed, goVersion: r.buildInfo.goVersion }).toEqual(r.buildInfo);
      } else {
        expect(rest).toEqual([]);
      }
    });
  }
  it('covers both layouts of the build info header', () => {
    // Go ≥ 1.18 inline strings (fixtures, recent npm packages); Go 1.13–1.17 pointers (old esbuild).
    expect(formats.inline).toBeGreaterThan(30);
    expect(formats.pointer).toBeGreaterThanOrEqual(4);
    expect(formats.none).toBeGreaterThan(0);
  });
});

describe('module info and replacements', () => {
  it("the deps fixture has replaced modules, rendered with go version -m's blank line after each =>", async () => {
    const e = entry('linux-amd64-deps');
    const raw = await withObject(e.file, readBuildInfo);
    const bi = parseModinfo(raw?.modinfo ?? '');
    const replaced = bi.deps.filter((d) => d.replace);
    expect(replaced.length).toBeGreaterThan(0);
    // A directory replacement has version (devel) and no sum; a module replacement has both.
    expect(replaced.some((d) => d.replace?.version === '(devel)' && d.replace.sum === '')).toBe(true);
    expect(replaced.some((d) => d.replace?.sum.startsWith('h1:'))).toBe(true);
    const lines = formatModinfo(bi, { exact: true });
    for (const [i, l] of lines.entries()) if (l.startsWith('=>\t')) expect(lines[i + 1]).toBe('');
  });
});

describe('Go build ID against go tool buildid', () => {
  it('every Go binary', async () => {
    let n = 0;
    for (const e of goBinaries) {
      const theirs = run(GO, ['tool', 'buildid', e.file], { allowFail: true }).trim();
      const ours = await withObject(e.file, readGoBuildId);
      expect(ours ?? '', e.name).toBe(theirs);
      if (theirs) n++;
    }
    expect(n).toBeGreaterThan(40);
  });
});

describe('versions without build info', () => {
  it('recent esbuild (patched linker, no build info) still gets an exact version', async () => {
    const esb = corpus().filter((e) => e.name.includes('esbuild'));
    let without = 0;
    for (const e of esb) {
      const src = new FileSource(e.file);
      const [r] = await inspect(src);
      src.close();
      if (r?.buildInfo) continue;
      without++;
      expect(r?.go.version, e.name).toMatch(/^go1\.\d+(\.\d+)?$/);
      expect(['symbol', 'scan']).toContain(r?.go.versionSource);
      expect(r?.diagnosis.some((d) => d.startsWith('no build info'))).toBe(true);
    }
    expect(without).toBeGreaterThanOrEqual(4);
  });

  it('the version found without build info equals the build info version on every binary that has both', async () => {
    let n = 0;
    for (const e of goBinaries.filter((x) => x.source !== 'misc')) {
      await withObject(e.file, async (obj) => {
        const raw = await readBuildInfo(obj);
        if (!raw) return;
        const v = await findGoVersion(obj, null);
        expect(v.version, e.name).toBe(raw.goVersion);
        // Found through runtime.buildVersion: its symbol, or in a stripped binary its string header in data.
        expect(v.source, e.name).toBe('symbol');
        n++;
      });
    }
    expect(n).toBeGreaterThan(40);
  });

  it('experiments are split off the version (GOEXPERIMENT=boringcrypto fixture)', async () => {
    const raw = await withObject(entry('linux-amd64-boring').file, readBuildInfo);
    expect(raw?.goVersion).toMatch(/^go1\.19(\.\d+)? X:boringcrypto$/);
    expect(splitGoVersion(raw?.goVersion ?? '')).toEqual({ version: raw?.goVersion.split(' ')[0], experiments: ['boringcrypto'] });
    expect(splitGoVersion('go1.22.1 X:nocoverageredesign,arenas')).toEqual({ version: 'go1.22.1', experiments: ['nocoverageredesign', 'arenas'] });
    expect(splitGoVersion('go1.21.0')).toEqual({ version: 'go1.21.0', experiments: [] });
  });
});

/** Finds the 16-aligned build info magic in a file's bytes. */
function headerOffset(b: Uint8Array): number {
  const magic = Buffer.from('\xff Go buildinf:', 'latin1');
  const buf = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  for (let i = buf.indexOf(magic); i >= 0; i = buf.indexOf(magic, i + 1)) if (i % 16 === 0) return i;
  throw new Error('no build info header');
}

/** readBuildInfo over damaged bytes: null or a FormatError, never another error and never a hang. */
async function readDamaged(bytes: Uint8Array): Promise<'null' | 'error' | 'ok'> {
  let obj: ObjectFile;
  try {
    const o = (await openObject(new BytesSource(bytes)))[0]?.obj;
    if (!o) return 'null';
    obj = o;
  } catch (err) {
    if (err instanceof FormatError) return 'error';
    throw err;
  }
  try {
    const raw = await readBuildInfo(obj);
    if (raw?.modinfo) {
      try {
        parseModinfo(raw.modinfo);
      } catch (err) {
        if (!(err instanceof ModinfoError)) throw err;
      }
    }
    await findGoVersion(obj, raw);
    await readGoBuildId(obj);
    return raw ? 'ok' : 'null';
  } catch (err) {
    if (err instanceof FormatError) return 'error';
    throw err;
  }
}

describe('corrupt build info', () => {
  const inline = new Uint8Array(readFileSync(entry('linux-amd64').file));
  const pointer = new Uint8Array(readFileSync(entry('esbuild-linux-64@0.13.15/esbuild').file));
  const hi = headerOffset(inline);
  const hp = headerOffset(pointer);

  const patched = (b: Uint8Array, off: number, bytes: number[]) => {
    const x = Uint8Array.from(b);
    x.set(bytes, off);
    return x;
  };

  it('the inline and pointer fixtures read cleanly before damage', async () => {
    expect(await readDamaged(inline)).toBe('ok');
    expect(await readDamaged(pointer)).toBe('ok');
    expect((await withObject(entry('esbuild-linux-64@0.13.15/esbuild').file, readBuildInfo))?.format).toBe('pointer');
  });

  it('huge and overflowing varint lengths are a FormatError', async () => {
    // Version length 2^63-ish; ten continuation bytes (overflow); a 1 GiB module info length.
    const huge = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f];
    await expect(readBuildInfo((await openObject(new BytesSource(patched(inline, hi + 32, huge))))[0]?.obj as ObjectFile)).rejects.toThrow(FormatError);
    await expect(readBuildInfo((await openObject(new BytesSource(patched(inline, hi + 32, Array(12).fill(0xff)))))[0]?.obj as ObjectFile)).rejects.toThrow(
      FormatError,
    );
    const vlen = inline[hi + 32] as number;
    const modLenAt = hi + 33 + vlen;
    await expect(
      readBuildInfo((await openObject(new BytesSource(patched(inline, modLenAt, [0x80, 0x80, 0x80, 0x80, 0x04]))))[0]?.obj as ObjectFile),
    ).rejects.toThrow(FormatError);
  });

  it('a blob cut off by the end of the file is a FormatError or null', async () => {
    for (const cut of [hi + 8, hi + 20, hi + 31, hi + 32, hi + 33, hi + 40]) {
      expect(['null', 'error']).toContain(await readDamaged(inline.subarray(0, cut)));
    }
    for (const cut of [hp + 20, hp + 24, hp + 31]) expect(['null', 'error']).toContain(await readDamaged(pointer.subarray(0, cut)));
  });

  it('pointer format: wild pointers and huge string lengths give null, not a crash', async () => {
    // Both pointers far outside the file.
    expect(await readDamaged(patched(pointer, hp + 16, Array(16).fill(0xff)))).toBe('null');
    // A bad pointer size.
    expect(await readDamaged(patched(pointer, hp + 14, [3]))).toBe('error');
  });

  it('random damage to the header and strings: always null, a result or a FormatError, quickly', async () => {
    const c0 = process.cpuUsage();
    const outcomes = { ok: 0, null: 0, error: 0 };
    for (const x of randomDamage(inline, [[hi, 96]], 300, 7)) outcomes[await readDamaged(x)]++;
    for (const x of randomDamage(pointer, [[hp, 32]], 300, 11)) outcomes[await readDamaged(x)]++;
    expect(outcomes.ok + outcomes.null + outcomes.error).toBe(600);
    expect(outcomes.null + outcomes.error).toBeGreaterThan(0);
    // A hang guard on the CPU the reads used (wall time would measure the machine's load).
    const used = process.cpuUsage(c0);
    expect((used.user + used.system) / 1000).toBeLessThan(60_000);
  }, 120_000);
});

describe('modinfo parsing', () => {
  it('unquotes quoted keys and values as Go does, and rejects what Go rejects', () => {
    const bi = parseModinfo('path\tx\nbuild\t-ldflags="-s -w -X \\"main.v=1 2\\""\nbuild\t"we ird"=`raw`\n');
    expect(bi.settings).toEqual([
      { key: '-ldflags', value: '-s -w -X "main.v=1 2"' },
      { key: 'we ird', value: 'raw' },
    ]);
    expect(formatModinfo(bi)).toEqual(['path\tx', 'build\t-ldflags="-s -w -X \\"main.v=1 2\\""', 'build\t"we ird"=raw']);
    expect(() => parseModinfo('=>\ta\tb\tc\n')).toThrow(/replacement with no module/);
    expect(() => parseModinfo('dep\ta\n')).toThrow(/expected 2 or 3 columns/);
    expect(() => parseModinfo('dep\ta\tb\tc\td\n')).toThrow(/line 1: expected 2 or 3 columns; got 4/);
    expect(() => parseModinfo('dep\ta\tb\n=>\tc\td\n')).toThrow(/line 2: expected 3 columns for replacement/);
    expect(() => parseModinfo('build\tk=a b\n')).toThrow(/must be quoted/);
    expect(() => parseModinfo('build\t=v\n')).toThrow(/missing key/);
    expect(() => parseModinfo('build\t\n')).toThrow(/missing '='/);
    expect(() => parseModinfo('build\tk\n')).toThrow(/missing '=' after key/);
    expect(() => parseModinfo('build\t"k"\n')).toThrow(/missing '=' after quoted key/);
    expect(() => parseModinfo('build\t"k"x\n')).toThrow(/unexpected character after quoted key/);
    // Go's QuotedPrefix checks escapes: a bad one is a bad key, not a crash.
    expect(() => parseModinfo('build\t"\\q"=v\n')).toThrow(ModinfoError);
    expect(() => parseModinfo('build\tk="\\q"\n')).toThrow(/invalid quoted value/);
  });

  it('skips lines it does not know and a last line without a newline, as Go does', () => {
    const bi = parseModinfo('go\tgo1.22\npath\tp\nfuture\tthing\nmod\tm\t(devel)\t\ndep\td\tv1\nbuild\tGOOS=linux');
    expect(bi).toEqual({
      goVersion: '',
      path: 'p',
      main: { path: 'm', version: '(devel)', sum: '' },
      deps: [{ path: 'd', version: 'v1', sum: '' }],
      settings: [],
    });
    // A replacement after the main module; a dep line between resets nothing.
    const r = parseModinfo('mod\tm\tv1\n=>\t../m\t(devel)\t\n');
    expect(r.main?.replace).toEqual({ path: '../m', version: '(devel)', sum: '' });
    expect(formatModinfo(r, { exact: true })).toEqual(['mod\tm\tv1', '=>\t../m\t(devel)\t', '']);
    // Two replacements in a row: the second has no module to apply to.
    expect(() => parseModinfo('dep\ta\tv\n=>\tb\tv\t\n=>\tc\tv\t\n')).toThrow(/line 3: replacement with no module/);
  });
});
