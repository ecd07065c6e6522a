import { describe, expect, it } from 'vitest';
import { formatModinfo, parseModinfo } from '../src/go/modinfo.js';
import { inspect } from '../src/inspect.js';
import { FileSource } from '../src/io/file.js';
import { corpus, GO, run } from './helpers/corpus.js';

/**
 * `go version -m FILE` from Debian's Go 1.19 is the truth for every binary it can read. Our text
 * (the same lines) and our parsed JSON (re-formatted) must match it exactly.
 */
describe('build info against go version -m', () => {
  for (const e of corpus().filter((x) => x.isGo)) {
    it(`${e.name}`, async () => {
      const src = new FileSource(e.file);
      const reports = await inspect(src, { path: e.file });
      src.close();
      const r = reports[0];
      expect(r).toBeDefined();
      const theirs = run(GO, ['version', '-m', e.file], { allowFail: true });
      if (!theirs.trim()) {
        // go version finds no build info: esbuild's patched linker, UPX. We must agree there is none.
        expect(r?.buildInfo).toBeNull();
        return;
      }
      // Go 1.19's BuildInfo.String writes a stray blank line after every `=>` line (fixed in
      // Go 1.20); goready prints what current Go prints, so those empty lines are dropped here.
      const lines = theirs
        .trimEnd()
        .split('\n')
        .filter((l) => l.trim() !== '');
      const [head, ...rest] = lines;
      expect(head).toBe(`${e.file}: ${r?.go.version}${r?.go.experiments.length ? ` X:${r.go.experiments.join(',')}` : ''}`);
      expect(r?.go.versionSource).toBe('buildinfo');
      const ours = r?.buildInfo ? formatModinfo(r.buildInfo).map((l) => `\t${l}`) : [];
      expect(ours).toEqual(rest);
      // Parsing Go's own output back gives the same structure: nothing lost in the JSON.
      if (r?.buildInfo) {
        const reparsed = parseModinfo(`${rest.map((l) => l.slice(1)).join('\n')}\n`);
        expect({ ...reparsed, goVersion: r.buildInfo.goVersion }).toEqual(r.buildInfo);
      }
    });
  }
});

describe('versions without build info', () => {
  it('recent esbuild (patched linker, no build info) still gets an exact version', async () => {
    const esb = corpus().filter((e) => e.name.includes('esbuild') && e.goos === 'linux');
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
    expect(without).toBeGreaterThan(0);
  });

  it('the version found without build info equals the build info version on every binary that has both', async () => {
    const { findGoVersion } = await import('../src/go/version.js');
    const { openObject } = await import('../src/object/open.js');
    let n = 0;
    for (const e of corpus().filter((x) => x.isGo && x.source !== 'misc')) {
      const src = new FileSource(e.file);
      const obj = (await openObject(src))[0]?.obj as import('../src/object/types.js').ObjectFile;
      const { readBuildInfo } = await import('../src/go/buildinfo.js');
      const raw = await readBuildInfo(obj);
      if (raw) {
        const v = await findGoVersion(obj, null);
        expect(v.version, e.name).toBe(raw.goVersion);
        expect(v.source, e.name).toBe(obj.format === 'elf' && e.stripped ? 'symbol' : v.source);
        n++;
      }
      src.close();
    }
    expect(n).toBeGreaterThan(40);
  });
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
    expect(() => parseModinfo('build\tk=a b\n')).toThrow(/must be quoted/);
    expect(() => parseModinfo('build\t=v\n')).toThrow(/missing key/);
  });
});
