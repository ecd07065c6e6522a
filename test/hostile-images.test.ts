/**
 * Image tarballs someone else shaped (issue 15, items 8–11): indexes nested four deep each listing
 * the next 200 times, a gzip layer holding a 1 GB executable, one layer named 2000 times, more
 * entries than the limit, 300,000 directories, a zstd frame with a 128 MiB window, a signal in the
 * middle of an image, paths longer than PATH_MAX. Each is generated here, small, and must end in a
 * result or one line naming the limit and its flag; each fails on the code before these bounds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concat, dockerSave, elfStub, ociLayout, smallLayer, tar, tarChunks } from '../scripts/fuzz/shapes.mjs';
import { openImage } from '../src/node/image/open.js';
import { endsCleanly, refused, runBounded } from './helpers/bounded.js';
import { CLI } from './helpers/cli.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'goready-hostile-img-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
}

/** Gzips a stream of chunks without holding it: the test's 1 GB layer is never in memory. */
async function gzipChunks(chunks: Iterable<Uint8Array>): Promise<Uint8Array> {
  const z = createGzip({ level: 1 });
  const out: Buffer[] = [];
  z.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((res) => z.on('end', res));
  for (const c of chunks) if (!z.write(c)) await new Promise((res) => z.once('drain', res));
  z.end();
  await done;
  return Buffer.concat(out);
}

describe('8. nested OCI indexes', () => {
  it('four levels, each listing the next 200 times: each manifest read once', async () => {
    const f = write('nested.tar', ociLayout([smallLayer()], { nest: { depth: 4, fanout: 200 } }));
    const r = runBounded(['check', '--image', f]);
    endsCleanly(r, f);
    expect(r.code, r.stderr).toBe(0);
    const t = await openImage(f);
    try {
      expect(t.snapshot.distro?.id).toBe('crafted');
    } finally {
      await t.close();
    }
  });
});

describe('9. limits on decompressed bytes, entries, layers and temp disk', () => {
  it('a gzip layer holding a 1 GB executable: one line naming --max-image-bytes', async () => {
    const size = 1 << 30;
    const zeros = new Uint8Array(16 << 20);
    function* data(): Generator<Uint8Array> {
      yield elfStub(64);
      for (let left = size - 64; left > 0; left -= zeros.length) yield zeros.subarray(0, Math.min(zeros.length, left));
    }
    const layer = await gzipChunks(tarChunks([{ name: 'usr/bin/big', size, chunks: data(), mode: 0o755 }]));
    expect(layer.length).toBeLessThan(8 << 20); // under 1% of what it expands to
    const f = write('bomb.tar', ociLayout([layer], { uncompressed: [new Uint8Array(0)], mediaTypes: ['application/vnd.oci.image.layer.v1.tar+gzip'] }));
    const tmp = join(dir, 'bomb-tmp');
    mkdirSync(tmp);
    refused(
      runBounded(['check', '--image', f], { env: { ...process.env, TMPDIR: tmp } }),
      f,
      /decompress to more than 512 MiB, 50 times the tarball's size or 512 MiB \(raise the limit with --max-image-bytes\)$/m,
    );
    expect(readdirSync(tmp), 'temp files left').toEqual([]);
    refused(runBounded(['check', '--image', f, '--max-image-bytes', '64M']), f, /more than 64 MiB \(raise the limit with --max-image-bytes\)/);
  });

  it('one layer named 2000 times; more entries than the limit', () => {
    const layer = smallLayer();
    const f = write('repeated.tar', dockerSave([layer], { order: Array.from({ length: 2000 }, () => 0), compress: 'gzip' }));
    refused(runBounded(['check', '--image', f]), f, /the image has 2000 layers, more than 256 \(raise the limit with --max-image-layers\)/);
    const many = tar(Array.from({ length: 3000 }, (_, i) => ({ name: `d/f${i}`, data: new Uint8Array(1) })));
    const g = write('entries.tar', dockerSave([many]));
    refused(
      runBounded(['check', '--image', g, '--max-image-entries', '1000']),
      g,
      /the layers hold more than 1000 entries \(raise the limit with --max-image-entries\)/,
    );
    endsCleanly(runBounded(['check', '--image', g]), g);
  });

  it('one layer blob named 200 times is decompressed once: the bytes limit is charged once, not 200 times', async () => {
    // 4 MiB of zeros in a gzip layer: 200 references decompressed each time would be 800 MiB,
    // past the 512 MiB default; read once it is 4 MiB. (The fuzzer's find: 184 references, 10 s.)
    const pad = { name: 'usr/share/pad', data: new Uint8Array(4 << 20) };
    const small = smallLayer();
    const layer = concat([small.subarray(0, small.length - 1024), tar([pad])]);
    const f = write('same-blob.tar', dockerSave([layer], { order: Array.from({ length: 200 }, () => 0), compress: 'gzip' }));
    const r = runBounded(['check', '--image', f]);
    endsCleanly(r, f);
    expect(r.code, r.stderr).toBe(0);
    const t = await openImage(f, { limits: { bytes: 8 << 20 } });
    try {
      expect(t.snapshot.image?.layers).toBe(200);
      expect(t.snapshot.distro?.id).toBe('crafted');
      expect(t.goBinaries).toEqual([]);
      expect(t.snapshot.libraries?.files.map((x) => x.path)).toContain('/usr/lib/libcrafted.so.1');
    } finally {
      await t.close();
    }
    // The entries limit still counts every reference's entries.
    refused(
      runBounded(['check', '--image', f, '--max-image-entries', '1000']),
      f,
      /the layers hold more than 1000 entries \(raise the limit with --max-image-entries\)/,
    );
  });

  it('a blob named again above another layer is applied again there: layers stack in manifest order', async () => {
    const a = smallLayer();
    const b = tar([
      { name: 'etc/', type: 'dir' },
      { name: 'etc/os-release', data: new TextEncoder().encode('ID=middle\nVERSION_ID=2\n') },
      { name: 'usr/lib/.wh.libcrafted.so.1' },
    ]);
    const stacked = async (order: number[]) => {
      const t = await openImage(write(`stack-${order.join('')}.tar`, dockerSave([a, b], { order, compress: 'gzip' })));
      try {
        return { id: t.snapshot.distro?.id, lib: existsSync(join(t.root, 'usr/lib/libcrafted.so.1')) };
      } finally {
        await t.close();
      }
    };
    expect(await stacked([0, 1])).toEqual({ id: 'middle', lib: false });
    expect(await stacked([0, 1, 0])).toEqual({ id: 'crafted', lib: true });
    expect(await stacked([1, 0, 1, 0, 1])).toEqual({ id: 'middle', lib: false });
  });

  it('100,000 directories cost no temp disk: only the directories of extracted files are made', async () => {
    const dirs = tar([
      ...Array.from({ length: 100_000 }, (_, i) => ({ name: `srv/${i % 1000}/${i}/`, type: 'dir' as const })),
      { name: 'usr/lib/libkept.so.1', data: elfStub(128) },
    ]);
    const f = write('dirs.tar', dockerSave([dirs], { compress: 'gzip' }));
    const r = runBounded(['check', '--image', f, '--max-temp-bytes', '1M']);
    endsCleanly(r, f);
    expect(r.code, r.stderr).toBe(0);
    const t = await openImage(f);
    try {
      const count = Number(execFileSync('sh', ['-c', `find "${t.root}" -type d | wc -l`], { encoding: 'utf8' }).trim());
      expect(count).toBeLessThan(50);
      expect(t.snapshot.libraries?.files.map((x) => x.path)).toContain('/usr/lib/libkept.so.1');
    } finally {
      await t.close();
    }
    refused(
      runBounded(['check', '--image', f, '--max-temp-bytes', '4096']),
      f,
      /the files goready extracts take more than 4 KiB of temp disk \(raise the limit with --max-temp-bytes\)/,
    );
  });

  it("one library named 200 times in a layer (the fuzzer's find) is written once; a hardlink keeps an earlier version", async () => {
    const lib = (tag: number) => {
      const b = elfStub(60_000);
      b[100] = tag;
      return b;
    };
    const layer = tar([
      { name: 'usr/', type: 'dir' },
      { name: 'usr/lib/', type: 'dir' },
      { name: 'usr/lib/libkept.so.1', data: lib(1) },
      // An earlier version reached under another name must survive the later ones.
      { name: 'usr/lib/libold.so.1', type: 'hardlink', linkname: 'usr/lib/libkept.so.1' },
      ...Array.from({ length: 200 }, (_, i) => ({ name: 'usr/lib/libkept.so.1', data: lib(2 + (i % 200)) })),
    ]);
    const f = write('same-lib.tar', dockerSave([layer], { compress: 'gzip' }));
    // 200 temp files of 60 KB would be 12 MB; the two kept versions take 120 KB.
    const r = runBounded(['check', '--image', f, '--max-temp-bytes', '1M']);
    endsCleanly(r, f);
    expect(r.code, r.stderr).toBe(0);
    // The same layer named three times (replayed, not re-read): still the two versions, not 200.
    const g = write('same-lib-thrice.tar', dockerSave([layer], { order: [0, 0, 0], compress: 'gzip' }));
    const r3 = runBounded(['check', '--image', g, '--max-temp-bytes', '1M']);
    endsCleanly(r3, g);
    expect(r3.code, r3.stderr).toBe(0);
    const t = await openImage(f, { limits: { tempBytes: 2 ** 20 } });
    try {
      const read = (p: string) => execFileSync('od', ['-An', '-tu1', '-j100', '-N1', join(t.root, p)], { encoding: 'utf8' }).trim();
      expect(read('usr/lib/libkept.so.1')).toBe(String(2 + 199));
      expect(read('usr/lib/libold.so.1')).toBe('1');
    } finally {
      await t.close();
    }
  });
});

describe('10. zstd frames with long windows; tar errors as tar errors', () => {
  /** A layer compressed by the zstd CLI from stdin (the size unknown, so the window stays as asked). */
  function zstdLayer(layer: Uint8Array, args: string[]): Uint8Array {
    return new Uint8Array(execFileSync('zstd', ['-q', '-c', ...args], { input: layer, maxBuffer: 1 << 30 }));
  }
  const media = ['application/vnd.oci.image.layer.v1.tar+zstd'];

  it('--long=27 (128 MiB window): refused by name; the zstd CLI and GNU tar read it', () => {
    const layer = tar([...Array.from({ length: 2000 }, (_, i) => ({ name: `d/f${i}`, data: new TextEncoder().encode(`file ${i}\n`) }))]);
    const z = zstdLayer(layer, ['--long=27']);
    // The truth: the reference decoder and GNU tar list every entry.
    const listed = execFileSync('sh', ['-c', 'zstd -q -d --long=27 -c | tar -t | wc -l'], { input: z, encoding: 'utf8' }).trim();
    expect(Number(listed)).toBe(2000);
    const f = write('long27.tar', ociLayout([z], { uncompressed: [layer], mediaTypes: media }));
    refused(
      runBounded(['check', '--image', f]),
      f,
      /zstd frame at compressed offset 0 has a 128 MiB window \(zstd --long or --ultra\): goready decodes windows up to 64 MiB, because its zstd decoder \(fzstd 0\.1\.1\) mis-decodes matches farther than 96 MiB/,
    );
  });

  it('a 32 MiB window with matches 30 MiB back decodes exactly (the config diff_id checks every byte)', async () => {
    const rand = new Uint8Array(execFileSync('head', ['-c', String(30 << 20), '/dev/urandom'], { maxBuffer: 1 << 26 }));
    const layer = tar([
      { name: 'a', data: rand },
      { name: 'b', data: rand },
    ]);
    const z = zstdLayer(layer, ['--long=25', '-1']);
    expect(z.length).toBeLessThan(layer.length * 0.6); // the second copy was matched 30 MiB back
    const f = write('long25.tar', ociLayout([z], { uncompressed: [layer], mediaTypes: media }));
    const t = await openImage(f);
    await t.close();
  });

  it('a zstd layer whose content is not a tar: a tar error, not "corrupt zstd data"', () => {
    const z = zstdLayer(new Uint8Array(4096).fill(0x41), []);
    const f = write('zstd-not-tar.tar', ociLayout([z], { uncompressed: [new Uint8Array(0)], mediaTypes: media }));
    const r = runBounded(['check', '--image', f]);
    refused(r, f, /not a tar layer: not a tar header at offset 0/);
    expect(r.stderr).not.toMatch(/corrupt zstd/);
  });
});

describe('11. signals and paths longer than PATH_MAX', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s while an image is read removes its temp directory', async (sig) => {
    // A gzip layer of 2 GiB of zeros (2 MB stored): seconds of decoding, the limit raised for it.
    const zeros = new Uint8Array(16 << 20);
    const size = 2 ** 31;
    function* data(): Generator<Uint8Array> {
      for (let left = size; left > 0; left -= zeros.length) yield zeros;
    }
    const layer = await gzipChunks(tarChunks([{ name: 'data/zeros', size, chunks: data() }]));
    const f = write(`slow-${sig}.tar`, ociLayout([layer], { uncompressed: [new Uint8Array(0)], mediaTypes: ['application/vnd.oci.image.layer.v1.tar+gzip'] }));
    const tmp = join(dir, `sig-${sig}`);
    mkdirSync(tmp);
    const child = spawn(process.execPath, [CLI, 'check', '--image', f, '--max-image-bytes', '8G'], { env: { ...process.env, TMPDIR: tmp }, stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
    // Wait for the temp directory, then interrupt.
    for (let i = 0; i < 600 && !readdirSync(tmp).some((n) => n.startsWith('goready-image-')); i++) await new Promise((r) => setTimeout(r, 50));
    expect(
      readdirSync(tmp).some((n) => n.startsWith('goready-image-')),
      'the temp directory appeared',
    ).toBe(true);
    child.kill(sig);
    const guard = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const end = await exited;
    clearTimeout(guard);
    expect(end.signal, 'ended by the signal, not finished first or killed').toBe(sig);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('entries whose paths exceed PATH_MAX under the temp root are left out with a note, not fatal', async () => {
    const deep = Array.from({ length: 22 }, (_, i) => `${String(i).padStart(3, '0')}${'d'.repeat(197)}`).join('/');
    const layer = tar([
      { name: `opt/${deep}/app`, data: elfStub(256), mode: 0o755 },
      { name: 'usr/lib/libfar.so.1', type: 'symlink', linkname: `/opt/${deep}/libfar.so.1` },
      { name: `opt/${deep}/libfar.so.1`, data: elfStub(128) },
      { name: `usr/lib/${'n'.repeat(300)}.so`, data: elfStub(128) },
      { name: 'usr/lib/libnear.so.1', data: elfStub(128) },
      // The fuzzer's find: a hardlink whose name is too long, to an executable placed under its own
      // name; the executable is checked, the long name left out (was: ENAMETOOLONG, exit 2).
      { name: 'usr/bin/app', data: elfStub(512), mode: 0o755 },
      { name: `${'n'.repeat(300)}/f`, type: 'hardlink', linkname: 'usr/bin/app' },
    ]);
    const f = write('deep.tar', dockerSave([layer]));
    const r = runBounded(['check', '--image', f]);
    endsCleanly(r, f);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^goready: note: .*deep\.tar: \d+ entries left out: their paths are longer than PATH_MAX \(4096 bytes\)/m);
    const t = await openImage(f);
    try {
      expect(t.notes).toHaveLength(1);
      expect(t.snapshot.libraries?.files.map((x) => x.path)).toContain('/usr/lib/libnear.so.1');
    } finally {
      await t.close();
    }
  });
});
