import { describe, expect, it } from 'vitest';
import type { InspectReport } from '../src/core/facts/binary.js';
import { inspect } from '../src/core/facts/inspect.js';
import { FileSource } from '../src/node/files/source.js';
import { corpus, GO, run } from './helpers/corpus.js';
import { assertReportValid } from './helpers/schema.js';

const BIG_ENDIAN = new Set(['mips', 'mips64', 'ppc64', 's390x']);
const BITS32 = new Set(['386', 'arm', 'mips', 'mipsle']);
const FORMAT: Record<string, string> = { linux: 'elf', freebsd: 'elf', windows: 'pe', darwin: 'macho' };
const GO_VERSION = run(GO, ['version']).split(' ')[2] as string;

async function reportsOf(file: string): Promise<InspectReport[]> {
  const src = new FileSource(file);
  try {
    return await inspect(src, { path: file });
  } finally {
    src.close();
  }
}

describe('inspect over the whole corpus', () => {
  for (const e of corpus()) {
    it(`${e.name} (${e.source} ${e.goos}/${e.goarch})`, async () => {
      const reports = await reportsOf(e.file);
      expect(reports.length).toBeGreaterThan(0);
      for (const r of reports) assertReportValid(r);
      const r = reports[0] as InspectReport;
      expect(r.diagnosis.filter((d) => /^(corrupt|truncated):/.test(d))).toEqual([]);
      if (!e.isGo) {
        expect(r.go.isGo).toBe(false);
        return;
      }
      if (e.source === 'misc') {
        // UPX: the Go binary is inside, compressed; goready says so instead of failing obscurely.
        expect(r.diagnosis.some((d) => d.startsWith('UPX-packed'))).toBe(true);
        return;
      }
      expect(r.go.isGo).toBe(true);
      expect(r.go.version).toMatch(/^go1\.\d+/);
      expect(r.file.format).toBe(FORMAT[e.goos]);
      expect(r.file.arch).toBe(e.goarch);
      expect(r.file.bits).toBe(BITS32.has(e.goarch) ? 32 : 64);
      expect(r.file.endian).toBe(BIG_ENDIAN.has(e.goarch) ? 'big' : 'little');
      expect(r.file.stripped).toBe(e.stripped);
      expect(r.pclntab, 'pclntab found').not.toBeNull();
      expect(r.pclntab?.functionCount).toBeGreaterThan(100);
      // Go build IDs are four slash-separated hashes (esbuild ≥ 0.27 ships binaries without one).
      if (r.file.buildId !== null || e.source === 'fixture') expect(r.file.buildId).toMatch(/^[\w-]+\/[\w-]+\/[\w-]+\/[\w-]+$/);
      if (e.source === 'fixture') {
        expect(r.go.version).toBe(GO_VERSION);
        expect(r.go.versionSource).toBe('buildinfo');
        expect(r.pclntab?.format).toBe('go1.18');
        expect(r.buildInfo?.settings.find((s) => s.key === 'GOARCH')?.value).toBe(e.goarch);
        if (e.buildmode === 'pie') expect(r.file.kind).toBe('pie');
        if (e.buildmode === 'c-shared') expect(r.file.kind).toBe('shared');
        if (e.goos === 'linux' && !e.cgo && e.buildmode !== 'pie' && e.buildmode !== 'c-shared') {
          expect(r.file.kind).toBe('executable');
          expect(r.linkage.static).toBe(true);
          expect(r.linkage.minGlibc).toBeNull();
        }
        if (e.goos === 'linux' && e.cgo) {
          expect(r.linkage.static).toBe(false);
          expect(r.linkage.needed).toContain('libc.so.6');
          expect(r.linkage.minGlibc).toBe('2.34');
        }
        if (e.goos === 'windows') expect(r.linkage.needed.map((n) => n.toLowerCase())).toContain('kernel32.dll');
        if (e.goos === 'darwin') expect(r.linkage.needed).toContain('/usr/lib/libSystem.B.dylib');
      }
    });
  }
});
