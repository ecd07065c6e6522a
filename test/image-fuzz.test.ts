import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../scripts/fuzz/cli.mjs';
import { TarError, TarReader } from '../src/core/image/tar.js';
import { readSnapshot } from '../src/node/host/snapshot-file.js';
import { openImage } from '../src/node/image/open.js';
import { buildImages, type TestImage } from './helpers/images.js';

/**
 * Mutation fuzzing of the image and snapshot readers: real inputs (a test image, its layers, a
 * captured snapshot) truncated, bit-flipped and with numbers written over header fields. Every
 * input must end in a result or a clean one-line error, within a bound on the CPU it uses (a hang
 * guard: wall time would measure the machine's load, not the reader).
 */

/** CPU time (user + system) this process used since `from`, in milliseconds. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Mutations concentrated on `hot` offsets (tar headers, JSON members). */
function mutate(src: Uint8Array, seed: number, hot: number[]): Uint8Array {
  const r = rng(seed);
  const pick = (n: number) => r() % Math.max(1, n);
  let out = src.slice();
  for (let i = 0, n = 1 + pick(4); i < n; i++) {
    const at = hot.length && pick(4) ? Math.min(out.length - 1, (hot[pick(hot.length)] as number) + pick(512)) : pick(out.length);
    switch (pick(5)) {
      case 0:
        out = out.slice(0, pick(out.length));
        break;
      case 1:
        out[at] = (out[at] as number) ^ (1 << pick(8));
        break;
      case 2: // an octal size or a large decimal written over a field
        out.set(new TextEncoder().encode(pick(2) ? '77777777777\0' : String(2 ** 40 + pick(1000))).subarray(0, out.length - at), at);
        break;
      case 3:
        out.fill(pick(2) ? 0 : 0xff, at, Math.min(out.length, at + 1 + pick(64)));
        break;
      default: {
        const from = pick(out.length);
        out.copyWithin(at, from, Math.min(out.length, from + 1 + pick(2048)));
      }
    }
  }
  return out;
}

/** Start offsets of the 512-byte blocks that parse as tar headers (checksum ok). */
function headerOffsets(tar: Uint8Array): number[] {
  const out: number[] = [];
  for (let off = 0; off + 512 <= tar.length; off += 512) {
    const b = tar.subarray(off, off + 512);
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : (b[i] as number);
    const stored = Number.parseInt(new TextDecoder().decode(b.subarray(148, 156)).replace(/[\0 ]/g, ''), 8);
    if (sum === stored && sum > 256) out.push(off);
  }
  return out;
}

let images: Record<string, TestImage>;
let dir: string;
beforeAll(() => {
  images = buildImages();
  dir = mkdtempSync(join(tmpdir(), 'goready-fuzz-'));
}, 300_000);

describe('fuzz: tar reader', () => {
  it('2,000 mutated layers (pushed in random chunk sizes) end in entries or a TarError', () => {
    const outer = (images.musl as TestImage).file;
    const members = execFileSync('tar', ['-tf', outer], { encoding: 'utf8' })
      .split('\n')
      .filter((m) => m.endsWith('layer.tar'));
    const layers = members.map((m) => new Uint8Array(execFileSync('tar', ['-xOf', outer, m], { maxBuffer: 1 << 28 })));
    expect(layers.length).toBeGreaterThan(0);
    let clean = 0;
    let errors = 0;
    for (let seed = 1; seed <= 2000; seed++) {
      const layer = layers[seed % layers.length] as Uint8Array;
      const input = mutate(layer, seed, headerOffsets(layer));
      const r = rng(seed * 7919);
      const c0 = process.cpuUsage();
      try {
        const reader = new TarReader((e) => (e.type === 'file' && r() % 2 ? { data: () => {}, end: () => {} } : null));
        for (let i = 0; i < input.length; ) {
          const n = 1 + (r() % 70000);
          reader.push(input.subarray(i, i + n));
          i += n;
        }
        reader.end();
        clean++;
      } catch (e) {
        if (!(e instanceof TarError)) throw new Error(`seed ${seed}: ${(e as Error).stack}`);
        expect((e as Error).message.includes('\n'), `seed ${seed}`).toBe(false);
        errors++;
      }
      expect(cpuMs(c0), `seed ${seed}`).toBeLessThan(5000);
    }
    // Both outcomes occur: the mutations reach past the first header.
    expect(clean).toBeGreaterThan(0);
    expect(errors).toBeGreaterThan(0);
  }, 300_000);
});

describe('fuzz: image tarballs', () => {
  it('300 mutated docker-save and OCI tarballs open or fail with one line naming the file', async () => {
    for (const name of ['musl', 'escape', 'bullseye'] as const) {
      const src = new Uint8Array(readFileSync((images[name] as TestImage).file));
      const hot = headerOffsets(src);
      for (let seed = 1; seed <= 100; seed++) {
        const file = join(dir, `${name}-${seed}.tar`);
        writeFileSync(file, mutate(src, seed, hot));
        const c0 = process.cpuUsage();
        try {
          const im = await openImage(file);
          await im.close();
        } catch (e) {
          const msg = (e as Error).message;
          expect(msg.startsWith(`${file}: `), `${name} seed ${seed}: ${msg}`).toBe(true);
          expect(msg.includes('\n'), `${name} seed ${seed}: ${msg}`).toBe(false);
        }
        expect(cpuMs(c0), `${name} seed ${seed}`).toBeLessThan(30_000);
        rmSync(file);
      }
    }
  }, 600_000);
});

describe('fuzz: host snapshots', () => {
  it('3,000 mutated snapshots validate or fail with one line naming the file', () => {
    const src = new Uint8Array(readFileSync(join(import.meta.dirname, 'data', 'hosts', 'debian12-constrained-sh.json')));
    const text = new TextDecoder().decode(src);
    // Hot spots: the start of every JSON key.
    const hot = [...text.matchAll(/"[A-Za-z.-]+":/g)].map((m) => m.index ?? 0);
    let valid = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const file = join(dir, 'snap.json');
      writeFileSync(file, mutate(src, seed, hot));
      try {
        readSnapshot(file);
        valid++;
      } catch (e) {
        const msg = (e as Error).message;
        expect(msg.startsWith(`${file}: `), `seed ${seed}: ${msg}`).toBe(true);
        expect(msg.includes('\n'), `seed ${seed}: ${msg}`).toBe(false);
      }
    }
    expect(valid).toBeGreaterThan(0);
  }, 120_000);
});
