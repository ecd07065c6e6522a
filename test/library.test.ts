import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlobSource, type ByteSource, inspect } from '../src/index.js';
import { FileSource } from '../src/io/file.js';
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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('library', () => {
  it('the browser-safe core imports no Node APIs', () => {
    const src = join(import.meta.dirname, '..', 'src');
    // The Node edges: files, directory walks, the module cache, the SPDX data package, dpkg's lists,
    // the host collector.
    const nodeOnly = new Set([
      join(src, 'node.ts'),
      join(src, 'files.ts'),
      join(src, 'io', 'file.ts'),
      ...['corpus.ts', 'modules.ts', 'licenses.ts', 'clibs.ts'].map((f) => join(src, 'license', f)),
      // The container image reader's file access (temp dirs, positioned reads, digests); tar, manifest and tree parsing stay pure.
      join(src, 'image', 'image.ts'),
      // Host snapshots: /proc, /sys and files of this machine, ssh, and the schema file.
      ...['collect.ts', 'snapshot.ts', 'ssh.ts'].map((f) => join(src, 'host', f)),
    ]);
    const offenders = sourceFiles(src)
      .filter((f) => !nodeOnly.has(f) && !f.includes(`${join(src, 'cli')}`))
      .filter((f) => /from ['"](node:|fs|path|os|child_process)/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
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
