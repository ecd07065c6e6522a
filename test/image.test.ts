import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarReader } from '../src/core/image/tar.js';
import { libraryDirs as libDirs } from '../src/core/linux/loader.js';
import { validateSnapshot } from '../src/node/host/snapshot-file.js';
import { type ImageTarget, openImage } from '../src/node/image/open.js';
import { CORPUS, run } from './helpers/corpus.js';
import { buildImages, type TestImage } from './helpers/images.js';

let images: Record<string, TestImage>;
beforeAll(() => {
  images = buildImages();
});
const img = (name: string): TestImage => {
  const i = images[name];
  if (!i) throw new Error(`images.json has no ${name}`);
  return i;
};

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const sortC = (xs: string[]) => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Every symlink under dir (lstat walk, no links followed). */
function symlinksUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) out.push(p);
    else if (st.isDirectory()) out.push(...symlinksUnder(p));
  }
  return out;
}

/** Asserts that every symlink of the extracted tree points inside it (resolved, or lexically when dangling/looping). */
function expectLinksInside(root: string): number {
  const links = symlinksUnder(root);
  for (const l of links) {
    expect(readlinkSync(l).startsWith('/'), `${l} -> ${readlinkSync(l)} is absolute`).toBe(false);
    let real: string;
    try {
      real = realpathSync(l);
    } catch {
      real = resolve(dirname(l), readlinkSync(l));
    }
    expect(real === root || real.startsWith(`${root}/`), `${l} -> ${readlinkSync(l)} resolves to ${real}, outside ${root}`).toBe(true);
  }
  return links.length;
}

/** Files and symlinks a .deb installs, from `dpkg-deb -c`: path (no leading dot) -> symlink target or null. */
function debListing(deb: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const line of run('dpkg-deb', ['-c', deb]).split('\n')) {
    const m = /^([-l])\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\.(\/\S+?)(?: -> (\S+))?$/.exec(line);
    if (m) out.set(m[2] as string, m[1] === 'l' ? (m[3] as string) : null);
  }
  return out;
}

/** `readelf -V`: the .gnu.version_d names, base entry left out, sorted, unique. */
function readelfVersionDefs(file: string): string[] {
  const out = run('readelf', ['-V', '-W', file]);
  const sec = out.slice(out.indexOf(".gnu.version_d'"), out.indexOf(".gnu.version_r'") >= 0 ? out.indexOf(".gnu.version_r'") : undefined);
  const names: string[] = [];
  for (const m of sec.matchAll(/Flags: (\S+)\s+Index: \d+\s+Cnt: \d+\s+Name: (\S+)/g)) if (m[1] !== 'BASE') names.push(m[2] as string);
  return sortC(names);
}

/** The corpus's Go fixtures by content hash. */
function goFixtureHashes(): Map<string, string> {
  const m = new Map<string, string>();
  for (const n of ['linux-amd64', 'linux-amd64-cgo', 'linux-amd64-stripped', 'linux-arm64']) m.set(sha256(join(CORPUS, 'go', n)), n);
  return m;
}

describe('streaming', () => {
  // First in the file (vitest runs each file in its own process): the peak RSS before is the
  // process's start-up peak, so growth shows what opening the image cost. (Peak RSS only grows:
  // the second image is measured against the first one's peak.)
  it.each(['zeros-zstd', 'zeros-gzip'])('%s: 512 MiB of zeros in one layer never sit in memory', async (name) => {
    const im = img(name);
    const before = process.resourceUsage().maxRSS; // KiB
    // A tarball of a few hundred KB that expands to 512 MiB is the decompression-bomb shape: the
    // default limit refuses it, naming the flag; raised, the image streams in bounded memory.
    await expect(openImage(im.file)).rejects.toThrow(/decompress to more than 512 MiB.*raise the limit with --max-image-bytes\)$/);
    const t = await openImage(im.file, { limits: { bytes: 1 << 30 } });
    const grewMiB = (process.resourceUsage().maxRSS - before) / 1024;
    try {
      // The library was extracted whole; the data file outside library dirs was not extracted at all.
      expect(statSync(join(t.root, 'usr/lib/libzeros.so.1')).size).toBe(256 << 20);
      expect(existsSync(join(t.root, 'data/zeros'))).toBe(false);
      expect(t.snapshot.libraries?.files.map((f) => f.path)).toEqual(['/usr/lib/libzeros.so.1']);
    } finally {
      await t.close();
    }
    console.log(`${name}: peak RSS grew ${grewMiB.toFixed(1)} MiB while streaming ${(im.uncompressed ?? 0) >> 20} MiB`);
    expect(grewMiB).toBeLessThan(128);
    expect(existsSync(t.root)).toBe(false);
  });
});

describe.each(['bookworm', 'bullseye', 'musl'])('%s image', (name) => {
  let im: TestImage;
  let t: ImageTarget;
  beforeAll(async () => {
    im = img(name);
    t = await openImage(im.file);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('gives a valid host snapshot with the image config', () => {
    expect(validateSnapshot(JSON.parse(JSON.stringify(t.snapshot)), im.file)).toBeTruthy();
    const s = t.snapshot;
    expect(s.collector).toBe('image');
    expect(s.cpu.arch).toBe(im.arch);
    expect(s.kernel).toEqual({ release: null, version: null, machine: null, endian: 'little' });
    expect(s.limits).toBeNull();
    expect(s.image).toMatchObject({ file: im.file, format: im.format, ref: im.ref, os: 'linux', architecture: im.arch, layers: im.layers });
    if (name === 'bookworm') {
      expect(s.image).toMatchObject({
        env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'GOREADY=1'],
        entrypoint: ['/app/hello-cgo'],
        cmd: ['--serve'],
        user: '65534:65534',
        workingDir: '/app',
      });
    }
  });

  it('reads the libc version of the .deb the image was built from', () => {
    const libc = t.snapshot.libc;
    expect(libc.family).toBe(im.family);
    const deb = (im.family === 'glibc' ? im.libc6 : im.musl) as string;
    const debVersion = run('dpkg-deb', ['-f', deb, 'Version']).trim();
    expect(libc.version).toBe(debVersion.replace(/-[^-]*$/, '')); // 2.36-9+deb12u14 -> 2.36
    expect(libc.version).toBe({ bookworm: '2.36', bullseye: '2.31', musl: '1.2.3' }[name]);
    if (im.family === 'glibc') {
      expect(libc.banner).toContain(`GLIBC ${debVersion})`);
      expect(t.snapshot.distro.versionCodename).toBe(name);
    } else {
      expect(libc.file).toBe('/lib/ld-musl-x86_64.so.1');
      expect(t.snapshot.distro.id).toBe('goready-musl');
    }
  });

  if (name !== 'musl')
    it('libc versionDefs equal readelf -V of the image libc.so.6, whose bytes are the package’s', () => {
      const file = join(t.root, t.snapshot.libc.file as string);
      expect(t.snapshot.libc.versionDefs).toEqual(readelfVersionDefs(file));
      // glibc 2.31 added no symbol version of its own: bullseye's newest is GLIBC_2.30.
      expect(t.snapshot.libc.versionDefs).toContain(name === 'bookworm' ? 'GLIBC_2.36' : 'GLIBC_2.30');
      expect(t.snapshot.libc.versionDefs).not.toContain(name === 'bookworm' ? 'GLIBC_2.37' : 'GLIBC_2.32');
      // Same bytes as the file dpkg-deb unpacked (the build script's staging root).
      const staged = join(dirname(im.file), 'rootfs', name, name === 'bookworm' ? 'usr/lib/x86_64-linux-gnu/libc.so.6' : 'lib/x86_64-linux-gnu/libc.so.6');
      expect(sha256(file)).toBe(sha256(realpathSync(staged)));
    });

  it('lists the loaders and libraries the packages install in the loader’s search paths', () => {
    const lib = t.snapshot.libraries;
    expect(lib).not.toBeNull();
    if (!lib) return;
    // Independent of the reader: the packages' listings, with bookworm's merged /usr applied.
    const merged = name === 'bookworm';
    const canon = (p: string) => (merged ? p.replace(/^\/(lib64|lib|bin|sbin)(?=\/|$)/, '/usr/$1') : p);
    const present = new Set<string>();
    for (const deb of im.debs) {
      const listing = debListing(deb);
      for (const [p, target] of listing) {
        if (target === null) present.add(canon(p));
      }
      for (const [p, target] of listing) {
        if (target === null) continue;
        const abs = target.startsWith('/') ? target : `${dirname(p)}/${target}`;
        if (present.has(canon(resolve('/', abs)))) present.add(canon(p)); // a symlink to an installed file
      }
    }
    for (const p of im.present) present.add(p);
    const dirsOf = (dirs: string[]) => (n: RegExp) =>
      sortC(
        dirs.flatMap((d) =>
          [...present]
            .filter((p) => canon(dirname(p)) === canon(d) && n.test(p.slice(p.lastIndexOf('/') + 1)))
            .map((p) => `${d}/${p.slice(p.lastIndexOf('/') + 1)}`),
        ),
      );
    const loaderDirs = sortC([...libDirs('amd64'), '/lib', '/lib64', '/usr/lib', '/usr/lib64']);
    expect(lib.loaders).toEqual(dirsOf(loaderDirs)(/^ld-.*\.so/));
    expect(lib.loaders.length).toBeGreaterThan(0);
    expect(lib.searchPaths.slice(-libDirs('amd64').length)).toEqual(libDirs('amd64'));
    if (name === 'bookworm') expect(lib.searchPaths[0]).toBe('/opt/goready/lib'); // layer 3's ld.so.conf.d entry
    expect(lib.files.map((f) => f.path)).toEqual(dirsOf(lib.searchPaths)(/^[^.].*(?:\.so$|\.so\.)/));
    for (const f of lib.files) expect(existsSync(join(t.root, f.path)), f.path).toBe(true);
  });

  it('lists exactly the Go binaries placed in the image, with their bytes', () => {
    expect(t.goBinaries.map((g) => g.path)).toEqual(im.goBinaries);
    const fixtures = goFixtureHashes();
    for (const g of t.goBinaries) {
      expect(g.file).toBe(join(t.root, g.path));
      expect(fixtures.has(sha256(g.file)), `${g.path} is not a corpus Go fixture`).toBe(true);
    }
    // Non-Go executables (C, shell) are not kept; a Go binary without an execute bit is not listed.
    expect(existsSync(join(t.root, 'usr/local/bin/c-hello'))).toBe(false);
    expect(existsSync(join(t.root, 'usr/local/bin/script.sh'))).toBe(false);
    expect(existsSync(join(t.root, 'usr/local/bin/hello-not-executable'))).toBe(false);
  });

  it('applies whiteouts and opaque directories, and keeps every symlink inside the extracted root', () => {
    for (const p of im.removed) {
      expect(existsSync(join(t.root, p)), p).toBe(false);
      expect(t.snapshot.libraries?.files.map((f) => f.path)).not.toContain(p);
    }
    for (const p of im.present) expect(existsSync(join(t.root, p)), p).toBe(true);
    expect(expectLinksInside(t.root)).toBeGreaterThan(0);
    if (name === 'bookworm') {
      expect(readlinkSync(join(t.root, 'lib'))).toBe('usr/lib');
      // The hardlink of layer 2 is the same file.
      expect(statSync(join(t.root, 'app/hello-cgo-link')).ino).toBe(statSync(join(t.root, 'app/hello-cgo')).ino);
    }
    if (name === 'bullseye') {
      // lib64/ld-linux-x86-64.so.2 -> /lib/x86_64-linux-gnu/ld-2.31.so: re-rooted, relative.
      expect(readlinkSync(join(t.root, 'lib64/ld-linux-x86-64.so.2'))).toBe('../lib/x86_64-linux-gnu/ld-2.31.so');
    }
  });
});

describe('platform selection and formats', () => {
  it('picks the linux/arm64 image of an OCI index', async () => {
    const im = img('arm64');
    const t = await openImage(im.file, { platform: 'linux/arm64' });
    try {
      validateSnapshot(JSON.parse(JSON.stringify(t.snapshot)));
      expect(t.snapshot.image).toMatchObject({ format: 'oci', ref: 'goready/arm64:test', architecture: 'arm64', variant: 'v8', layers: 1 });
      expect(t.snapshot.cpu.arch).toBe('arm64');
      expect(t.snapshot.distro.id).toBe('goready-arm64');
      expect(t.snapshot.libc.family).toBe('unknown');
      expect(t.goBinaries.map((g) => g.path)).toEqual(['/bin/hello']);
      expect(sha256(t.goBinaries[0]?.file as string)).toBe(sha256(join(CORPUS, 'go', 'linux-arm64')));
    } finally {
      await t.close();
    }
  });

  it('defaults to the first linux image; an absent platform is a one-line error listing those present', async () => {
    const t = await openImage(img('bullseye').file);
    expect(t.snapshot.image?.architecture).toBe('amd64');
    await t.close();
    await expect(openImage(img('bullseye').file, { platform: 'linux/s390x' })).rejects.toThrow(
      new RegExp(`^${img('bullseye').file}: no image for platform linux/s390x \\(the tarball has: linux/amd64, linux/arm64/v8\\)$`),
    );
  });
});

describe('hostile entries', () => {
  let t: ImageTarget;
  beforeAll(async () => {
    // Nothing of the image may land on this machine: these paths must not exist before or after.
    for (const p of ['/lib/libdotdot.so.1', '/usr/lib/libescape.so.1', '/lib/libhard.so.1']) expect(existsSync(p)).toBe(false);
    t = await openImage(img('escape').file);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('resolves absolute and ../ symlinks, ../ names and hardlinks inside the image root', () => {
    // /etc/os-release -> /etc/passwd: the image's /etc/passwd, not this machine's.
    expect(t.snapshot.distro.id).toBe('inside-the-image');
    expect(t.snapshot.distro.file).toBe('/etc/os-release');
    expect(t.snapshot.libraries?.files.map((f) => f.path)).toEqual([
      '/lib/libabs.so.1', // -> /etc/passwd of the image
      '/lib/libdotdot.so.1', // stored as ../../../../../../lib/libdotdot.so.1
      '/lib/libhard.so.1', // hardlink to ../../../../../../etc/passwd
      '/lib/x86_64-linux-gnu/libescape.so.1', // lib/x86_64-linux-gnu -> ../../../../../../../../../../usr/lib
      '/usr/lib/libescape.so.1',
    ]);
    expect(readFileSync(join(t.root, 'lib/libhard.so.1'), 'utf8')).toBe('ID=inside-the-image\n');
    expect(realpathSync(join(t.root, 'lib/libabs.so.1'))).toBe(join(realpathSync(t.root), 'etc/passwd'));
    expect(readlinkSync(join(t.root, 'lib/x86_64-linux-gnu'))).toBe('../usr/lib');
    expect(readlinkSync(join(t.root, 'usr/local/bin/loop'))).toBe('loop');
    expect(expectLinksInside(t.root)).toBe(5);
    for (const p of ['/lib/libdotdot.so.1', '/usr/lib/libescape.so.1', '/lib/libhard.so.1']) expect(existsSync(p)).toBe(false);
    expect(t.goBinaries.map((g) => g.path)).toEqual(['/usr/local/bin/hello']);
  });
});

/** Rewrites a tarball with python3's tarfile (independent of the reader): drop or cut a member, or print where one's data is. */
const TARTOOL = `
import io, json, sys, tarfile
mode, src, dst, which = sys.argv[1:5]
t = tarfile.open(src)
names = t.getnames()
if which.startswith("LAYER"):
    k = int(which[5:]) - 1
    if "manifest.json" in names:
        which = json.load(t.extractfile("manifest.json"))[0]["Layers"][k]
    else:
        idx = json.load(t.extractfile("index.json"))
        m = json.load(t.extractfile("blobs/sha256/" + idx["manifests"][0]["digest"][7:]))
        which = "blobs/sha256/" + m["layers"][k]["digest"][7:]
if mode == "where":
    m = t.getmember(which)
    print(m.offset_data, m.size)
    sys.exit(0)
with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as o:
    for m in t.getmembers():
        data = t.extractfile(m).read() if m.isfile() else None
        if m.name == which:
            if mode == "drop":
                continue
            data = data[: int(sys.argv[5])]
            m.size = len(data)
        o.addfile(m, io.BytesIO(data) if data is not None else None)
`;
const tartool = (...args: string[]) => run('python3', ['-c', TARTOOL, ...args]).trim();

describe('errors: one line naming the file and the reason', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'goready-image-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const expectError = async (file: string, reason: RegExp, opts = {}) => {
    let msg = '';
    try {
      const t = await openImage(file, opts);
      await t.close();
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg, 'openImage should have failed').not.toBe('');
    expect(msg.startsWith(`${file}: `), msg).toBe(true);
    expect(msg).not.toContain('\n');
    expect(msg.slice(file.length + 2)).toMatch(reason);
    return msg;
  };

  it('not a tarball, empty, missing, compressed, no manifest', async () => {
    await expectError(join(CORPUS, 'go', 'linux-amd64'), /^not a tar archive/);
    const empty = join(dir, 'empty.tar');
    writeFileSync(empty, '');
    await expectError(empty, /^empty file/);
    await expectError(join(dir, 'nope.tar'), /^no such file$/);
    await expectError(dir, /^is a directory$/);
    const gz = join(dir, 'image.tar.gz');
    writeFileSync(gz, execFileSync('gzip', ['-c', img('musl').file], { maxBuffer: 1 << 30 }));
    await expectError(gz, /^gzip-compressed/);
    const plain = join(dir, 'plain.tar');
    execFileSync('tar', ['-cf', plain, '-C', join(CORPUS, 'go'), 'linux-amd64']);
    await expectError(plain, /^no manifest\.json or index\.json: not a docker save or OCI image layout tarball$/);
  });

  it('a tarball cut short', async () => {
    const f = join(dir, 'short.tar');
    writeFileSync(f, readFileSync(img('bookworm').file).subarray(0, 3 << 20));
    await expectError(f, /^tarball truncated at offset 3145728: it ends inside [0-9a-f]{64}\/layer\.tar/);
  });

  it('a missing layer blob', async () => {
    const f = join(dir, 'missing-blob.tar');
    tartool('drop', img('bullseye').file, f, 'LAYER2');
    await expectError(f, /^missing blob sha256:[0-9a-f]{64} \(layer 2 of 2 /);
  });

  it('a layer tar cut inside an entry: truncated at an offset', async () => {
    const f = join(dir, 'layer-cut.tar');
    tartool('cut', img('musl').file, f, 'LAYER1', '20000');
    await expectError(f, /^layer 1 of 2 \([0-9a-f]{64}\/layer\.tar\): layer truncated at offset 20000 /);
  });

  it('damaged gzip and zstd layer data', async () => {
    for (const [name, kind, total] of [
      ['bookworm', 'gzip', 3],
      ['bullseye', 'zstd', 2],
    ] as const) {
      const src = img(name).file;
      const [offset, size] = tartool('where', src, src, 'LAYER1').split(' ').map(Number) as [number, number];
      const f = join(dir, `damaged-${kind}.tar`);
      copyFileSync(src, f);
      const bytes = readFileSync(f);
      for (let i = 0; i < 4096; i++) bytes[offset + Math.floor(size / 2) + i] = (i * 131) & 0xff;
      writeFileSync(f, bytes);
      const msg = await expectError(f, new RegExp(`^layer 1 of ${total} `));
      // Damaged deflate data may still inflate, to bytes that are no tar: then the tar reader says so, as a tar error.
      expect(msg).toMatch(new RegExp(`corrupt ${kind} data|blob sha256 is [0-9a-f]{64}, not the|uncompressed sha256|not a tar header at offset \\d+`));
    }
  });

  it('a layer that is not a tar', async () => {
    const f = join(dir, 'not-tar-layer.tar');
    tartool('cut', img('musl').file, f, 'LAYER2', '0');
    await expectError(f, /^layer 2 of 2 .*: empty layer blob/);
  });
});

describe('tar reader', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'goready-tar-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['gnu', 'pax', 'ustar'])('reads GNU tar --format=%s: long names, long link targets, data split at any byte', (format) => {
    const src = join(dir, `src-${format}`);
    const long = `${'d'.repeat(60)}/${'e'.repeat(60)}`; // 121 bytes: needs a long name (or the ustar prefix)
    execFileSync('mkdir', ['-p', join(src, long)]);
    writeFileSync(join(src, long, 'f'.repeat(format === 'ustar' ? 90 : 150)), 'x'.repeat(1000));
    writeFileSync(join(src, 'small'), 'hello\n');
    execFileSync('ln', ['-s', format === 'ustar' ? 'small' : `../${'t'.repeat(140)}`, join(src, 'link')]);
    execFileSync('ln', [join(src, 'small'), join(src, 'hard')]);
    const tarFile = join(dir, `${format}.tar`);
    execFileSync('tar', [`--format=${format}`, '--sort=name', '-cf', tarFile, '-C', src, '.']);
    // GNU tar's own listing is the truth: names, types, link targets.
    const expected = run('tar', ['-tvf', tarFile, '--quoting-style=literal'])
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const m = /^(\S)\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+(.*)$/.exec(l) as RegExpExecArray;
        const rest = m[3] as string;
        const type = { '-': 'file', d: 'dir', l: 'symlink', h: 'hardlink' }[m[1] as string];
        const [name, link] = type === 'symlink' ? rest.split(' -> ') : type === 'hardlink' ? rest.split(' link to ') : [rest, ''];
        return { name: (name as string).replace(/\/$/, '') || '.', type, size: type === 'file' ? Number(m[2]) : 0, linkname: link ?? '' };
      });
    const bytes = readFileSync(tarFile);
    for (const step of [1, 7, 511, 512, 513, 4096, bytes.length]) {
      const got: { name: string; type: string; size: number; linkname: string }[] = [];
      let data = 0;
      const r = new TarReader((e) => {
        got.push({ name: e.name, type: e.type, size: e.type === 'file' ? e.size : 0, linkname: e.linkname });
        return {
          data: (c) => {
            data += c.length;
          },
          end: () => {},
        };
      });
      for (let i = 0; i < bytes.length; i += step) r.push(bytes.subarray(i, i + step));
      r.end();
      expect(got).toEqual(expected);
      expect(data).toBe(1006);
    }
  });

  it('stops at a cut inside an entry with its offset; refuses a non-tar', () => {
    const bytes = readFileSync(join(CORPUS, 'go', 'linux-amd64'));
    expect(() => new TarReader(() => null).push(bytes.subarray(0, 4096))).toThrow(/not a tar header at offset 0 \(bad checksum\)/);
    const tarFile = join(dir, 'cut.tar');
    execFileSync('tar', ['-cf', tarFile, '-C', join(CORPUS, 'go'), 'linux-amd64']);
    const r = new TarReader(() => null);
    r.push(readFileSync(tarFile).subarray(0, 10000));
    expect(() => r.end()).toThrow(/^truncated at offset 10000 \(inside the data of the entry at offset 0\)$/);
  });
});
