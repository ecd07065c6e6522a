import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobSource, type ByteSource, inspect } from '../src/index.js';
import { FileSource } from '../src/node/files/source.js';
import { inspectFile } from '../src/node.js';
import { entry } from './helpers/corpus.js';

/** Counts the bytes the readers ask for. */
class CountingSource implements ByteSource {
  bytesRead = 0;
  reads = 0;
  constructor(private readonly inner: ByteSource) {}
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads++;
    this.bytesRead += Math.max(0, Math.min(length, this.size - offset));
    return this.inner.read(offset, length);
  }
}

describe('library', () => {
  it('the architecture rules hold: core is pure and staged, node never imports cli, no cycles (dependency-cruiser)', () => {
    const root = join(import.meta.dirname, '..');
    const out = execFileSync(join(root, 'node_modules', '.bin', 'depcruise'), ['src', '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const r = JSON.parse(out) as { summary: { violations: unknown[]; totalCruised: number } };
    expect(r.summary.violations).toEqual([]);
    expect(r.summary.totalCruised).toBeGreaterThan(50);
  });

  it('every catch that swallows an error says why in a comment', () => {
    const src = join(import.meta.dirname, '..', 'src');
    const bare: string[] = [];
    for (const f of readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.ts'))) {
      const lines = readFileSync(join(src, f), 'utf8').split('\n');
      lines.forEach((l, i) => {
        if (/\bcatch \{\s*$/.test(l) && !/^\s*\/\//.test(lines[i + 1] ?? '')) bare.push(`${f}:${i + 1}`);
      });
    }
    expect(bare).toEqual([]);
  });

  it('the browser entry point bundles for the browser: no Node built-in is reachable from it', async () => {
    const { build } = await import('esbuild');
    const r = await build({
      entryPoints: [join(import.meta.dirname, '..', 'src', 'index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    expect(r.errors).toEqual([]);
    const code = r.outputFiles[0]?.text ?? '';
    expect(code).toContain('GR-LIBC-001');
    expect(code).not.toMatch(/from ["']node:/);
  });

  it('the checks run from the library on a snapshot and a report', async () => {
    const { runChecks, codeFacts } = await import('../src/index.js');
    const { readSnapshot } = await import('../src/node.js');
    const [r] = await inspectFile(entry('linux-amd64-http').file, { functions: true });
    if (!r) throw new Error('no report');
    const host = readSnapshot(join(import.meta.dirname, 'data', 'hosts', 'debian12-constrained-sh.json'));
    const code = codeFacts((r.functions ?? []).map((f) => f.name));
    const ids = runChecks({ binary: r, code, target: { name: 'c', host, before: null, env: {} } }).map((f) => f.id);
    expect(ids).toContain('GR-NET-001');
  });

  it('a Blob (as in a browser page) gives the same report as the file', async () => {
    const e = entry('linux-amd64-cgo');
    const bytes = readFileSync(e.file);
    const fromBlob = await inspect(new BlobSource(new Blob([bytes])), { path: e.file, functions: true });
    const fromFile = await inspectFile(e.file, { functions: true });
    expect(fromBlob).toEqual(fromFile);
  });

  it('reads only the byte ranges it needs: a summary of a 15 MB binary reads a small fraction of it', async () => {
    const e = entry('cmd-go');
    const src = new CountingSource(new FileSource(e.file));
    const [r] = await inspect(src);
    expect(r?.pclntab?.functionCount).toBeGreaterThan(10000);
    console.log(`cmd-go: ${src.reads} reads, ${src.bytesRead} of ${src.size} bytes`);
    expect(src.bytesRead).toBeLessThan(src.size / 4);
  });
});
