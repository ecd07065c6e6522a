/**
 * The container image reader (Node edge): opens a `docker save` or OCI image layout tarball,
 * streams its layers (plain, gzip or zstd) through the tar reader onto a merged view of the root
 * filesystem, and extracts into a temp directory only what goready needs: os-release, ld.so.conf,
 * the apk database, the shared objects and loaders of the library directories, and the Go binaries.
 * Layers are never held in memory: blob bytes are read in 1 MiB slices, decompressed in bounded
 * chunks and written straight to temp files.
 */
import { createHash, type Hash } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { type FileHandle, mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { HostSnapshot, ImageInfo } from '../../core/facts/host.js';
import { imageSnapshot } from '../../core/facts/image.js';
import { createDecoder, layerCompression } from '../../core/image/decompress.js';
import { type ArchiveReader, type LayerRef, parsePlatform, selectImage } from '../../core/image/manifest.js';
import { parseHeader, type TarDataSink, type TarEntry, TarError, TarReader } from '../../core/image/tar.js';
import { type Content, type ContentAccess, cleanComponents, type FileNode, ImageTree, joinPath, relativePath } from '../../core/image/tree.js';
import { isTripletName } from '../../core/linux/arch.js';
import { ldSoConfDirs } from '../../core/linux/ldconf.js';
import { DEFAULT_LIB_DIRS, LOADER, SHARED_OBJECT } from '../../core/linux/loader.js';
import { Root } from '../../core/linux/root.js';
import { inspectFile } from '../files/inspect.js';
import { fileKind, formatBytes } from '../files/read.js';
import { FileSource } from '../files/source.js';
import { describeRoot } from '../host/root.js';

export interface GoBinary {
  /** Path in the image (symlinks in its directories resolved), e.g. /usr/local/bin/app. */
  path: string;
  /** The extracted copy under `root`. */
  file: string;
}

export interface ImageTarget {
  /** The image as a host: collector "image", distro/libc/libraries from its files, `image` from its config. */
  snapshot: HostSnapshot;
  /** One line each about what was left out (entries whose paths are too long for the temp directory). */
  notes: string[];
  /** Temp directory holding the extracted files at their image paths (symlinks rewritten to stay inside it). */
  root: string;
  /** The Go binaries of the image (regular files with an execute bit that inspect as Go), sorted by path. */
  goBinaries: GoBinary[];
  /** Removes the temp directory. */
  close(): Promise<void>;
}

export interface OpenImageOptions {
  /** os/arch[/variant] (e.g. linux/arm64) of the image to pick from a multi-platform tarball; default the only (or first) linux image. */
  platform?: string;
  /** Raised limits (the CLI's --max-image-* flags); each unset one takes its default (IMAGE_LIMITS). */
  limits?: Partial<ImageLimits>;
}

/**
 * What one image may cost. Each default is far above what real images need and each has a flag, so
 * a crafted tarball ends in one line naming the limit and the flag instead of hours of decoding,
 * gigabytes of temp files or a heap full of entries.
 */
export interface ImageLimits {
  /**
   * Decompressed bytes of all layers together (zstd blocks also charged their decoder's work);
   * null: 50 times the tarball's size, at least 512 MiB. Real layers expand 2–10 times; a 40 KB
   * tarball holding a 1 GB file, or 330 KB of zstd holding 10 GB, does not.
   */
  bytes: number | null;
  /** Tar entries of all layers: real images hold up to a few hundred thousand files; each costs heap. */
  entries: number;
  /** Layers of the image: Docker refuses more than 125 (overlayfs), so a layer list 2000 long is not an image. */
  layers: number;
  /** Bytes written to the temp directory (files kept, 4 KiB a directory): the libraries and binaries goready reads. */
  tempBytes: number;
}

export const IMAGE_LIMITS = {
  bytesRatio: 50,
  bytesFloor: 512 << 20,
  entries: 500_000,
  layers: 256,
  tempBytes: 4 * 2 ** 30,
} as const;

/** The flags that raise each limit, named in its message. */
export const IMAGE_LIMIT_FLAGS = {
  bytes: '--max-image-bytes',
  entries: '--max-image-entries',
  layers: '--max-image-layers',
  tempBytes: '--max-temp-bytes',
} as const;

/** Linux's PATH_MAX and NAME_MAX: a longer path under the temp root cannot be created; such entries are skipped. */
const PATH_MAX = 4096;
const NAME_MAX = 255;
/** What a directory costs on disk (one ext4 block), charged to the temp-disk limit. */
const DIR_COST = 4096;

/** What the layers have cost so far, against the limits. */
class Budget {
  bytes = 0;
  entries = 0;
  temp = 0;
  constructor(
    readonly limits: ImageLimits & { bytes: number },
    readonly bytesDefault: boolean,
  ) {}

  private fail(what: string, limit: number, flag: string, unit: (n: number) => string, extra = ''): never {
    throw new Error(`${what} more than ${unit(limit)}${extra} (raise the limit with ${flag})`);
  }

  chargeBytes(n: number): void {
    this.bytes += n;
    if (this.bytes > this.limits.bytes)
      this.fail(
        'the layers decompress to',
        this.limits.bytes,
        IMAGE_LIMIT_FLAGS.bytes,
        formatBytes,
        this.bytesDefault ? `, ${IMAGE_LIMITS.bytesRatio} times the tarball's size or ${formatBytes(IMAGE_LIMITS.bytesFloor)}` : '',
      );
  }

  chargeEntry(): void {
    if (++this.entries > this.limits.entries) this.fail('the layers hold', this.limits.entries, IMAGE_LIMIT_FLAGS.entries, (n) => `${n} entries`);
  }

  chargeTemp(n: number): void {
    this.temp += n;
    if (this.temp > this.limits.tempBytes)
      this.fail('the files goready extracts take', this.limits.tempBytes, IMAGE_LIMIT_FLAGS.tempBytes, (n) => `${formatBytes(n)} of temp disk`);
  }
}

/** Temp directories of images still open: removed on SIGINT, SIGTERM, SIGHUP and at exit. */
const live = new Set<string>();
let handlersInstalled = false;

function removeLive(): void {
  for (const d of live) {
    try {
      rmSync(d, { recursive: true, force: true });
    } catch {
      // Best effort while exiting: nothing more can be done about a directory that will not go.
    }
  }
  live.clear();
}

function track(dir: string): void {
  live.add(dir);
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.once('exit', removeLive);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      removeLive();
      // Die of the signal as if no handler had been there, so the caller sees how it ended.
      process.kill(process.pid, sig);
    });
  }
}

function untrack(dir: string): void {
  live.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}

/** Files read from a fixed place. */
const FIXED_FILES = ['/etc/os-release', '/usr/lib/os-release', '/etc/ld.so.conf', '/lib/apk/db/installed'];
/**
 * Library directories kept while streaming, besides the multiarch ones (/lib/<triplet>,
 * /usr/lib/<triplet>, any architecture) and those of ld.so.conf (fetched by a second pass): the
 * loader's defaults and the other places distributions put libraries.
 */
const LIB_DIRS: readonly string[] = [...DEFAULT_LIB_DIRS, '/usr/local/lib', '/lib32', '/usr/lib32', '/libx32', '/usr/libx32'];
/** A file the loader may open: a shared object or a loader. */
const isLibrary = (name: string) => SHARED_OBJECT.test(name) || LOADER.test(name);
const READ_SLICE = 1 << 20;
const MAX_JSON = 64 << 20;
/** An ld.so.conf file read whole at most this large; a larger one is not a configuration file. */
const MAX_CONF_BLOB = 64 << 20;

const isLibDir = (d: string) => LIB_DIRS.includes(d) || (/^\/(?:usr\/)?lib\/[^/]+$/.test(d) && isTripletName(d.slice(d.lastIndexOf('/') + 1)));

/** Whether a file at this canonical path is kept while streaming (more may be fetched later by a second pass). */
function wantedWhileStreaming(path: string[]): boolean {
  const p = joinPath(path);
  if (FIXED_FILES.includes(p)) return true;
  const dir = joinPath(path.slice(0, -1));
  if (dir === '/etc/ld.so.conf.d') return true;
  if (isPackageRecord(path)) return true;
  return isLibDir(dir) && isLibrary(path[path.length - 1] as string);
}

/** dpkg's file lists and the packages' copyright files: which package ships a library, under which licence. */
function isPackageRecord(path: string[]): boolean {
  const name = path[path.length - 1] as string;
  if (path.length === 5 && path[0] === 'var' && path[1] === 'lib' && path[2] === 'dpkg' && path[3] === 'info') return name.endsWith('.list');
  return path.length === 5 && path[0] === 'usr' && path[1] === 'share' && path[2] === 'doc' && name === 'copyright';
}

/** Members of the (uncompressed) image tarball, indexed by name, read by positioned reads. */
class Archive implements ArchiveReader {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    readonly members: Map<string, { offset: number; size: number }>,
  ) {}

  static async open(file: string): Promise<Archive> {
    let fh: FileHandle;
    try {
      // O_NONBLOCK: a FIFO or a device that waits is refused below instead of hanging here.
      fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message);
    }
    try {
      const st = await fh.stat();
      if (st.isDirectory()) throw new Error('is a directory');
      if (!st.isFile()) throw new Error(`${fileKind(st)}, not a regular file: goready reads image tarballs from regular files`);
      const members = new Map<string, { offset: number; size: number }>();
      const block = Buffer.alloc(512);
      let pos = 0;
      let longName: string | null = null;
      let paxPath: string | null = null;
      for (;;) {
        if (pos + 512 > st.size) {
          if (pos === 0) throw new Error(st.size === 0 ? 'empty file: not a tar archive' : 'not a tar archive (shorter than one tar header)');
          break; // no end-of-archive blocks: accepted
        }
        await fh.read(block, 0, 512, pos);
        let h: ReturnType<typeof parseHeader>;
        try {
          h = parseHeader(block, pos);
        } catch (e) {
          if (pos === 0) {
            if (block[0] === 0x1f && block[1] === 0x8b)
              throw new Error('gzip-compressed: goready reads the uncompressed tarball docker save writes (gunzip it first)');
            if (block[0] === 0x28 && block[1] === 0xb5 && block[2] === 0x2f && block[3] === 0xfd)
              throw new Error('zstd-compressed: goready reads the uncompressed tarball (unzstd it first)');
            throw new Error('not a tar archive (no tar header at offset 0)');
          }
          throw new Error(`corrupt tarball: ${(e as Error).message}`);
        }
        if (h === null) {
          if (pos === 0) throw new Error('not a tar archive (it starts with a zero block)');
          break;
        }
        const dataAt = pos + 512;
        const next = dataAt + Math.ceil(h.size / 512) * 512;
        if (dataAt + h.size > st.size) {
          const what = (paxPath ?? longName ?? h.name).replace(/^(\.\/)+/, '');
          throw new Error(`tarball truncated at offset ${st.size}: it ends inside ${what} (${h.size} bytes from offset ${dataAt})`);
        }
        if (h.typeflag === 'L' || h.typeflag === 'x') {
          if (h.size > 1 << 20) throw new Error(`corrupt tarball: bad extended header at offset ${pos}`);
          const data = Buffer.alloc(h.size);
          await fh.read(data, 0, h.size, dataAt);
          if (h.typeflag === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
          else paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(data.toString('utf8'))?.[1] ?? null;
        } else if (h.typeflag !== 'g' && h.typeflag !== 'K') {
          const name = (paxPath ?? longName ?? h.name).replace(/^(\.\/)+/, '').replace(/^\/+/, '');
          if (h.typeflag === '0' || h.typeflag === '7') members.set(name, { offset: dataAt, size: h.size });
          longName = null;
          paxPath = null;
        }
        pos = next;
      }
      return new Archive(fh, st.size, members);
    } catch (e) {
      await fh.close();
      throw e;
    }
  }

  has(name: string): boolean {
    return this.members.has(name);
  }

  async readJson(name: string): Promise<unknown> {
    const m = this.members.get(name);
    if (!m) throw new Error(`missing ${name}`);
    if (m.size > MAX_JSON) throw new Error(`${name} is too large for a manifest or config (${m.size} bytes)`);
    if (m.offset + m.size > this.size) throw new Error(`truncated: the tarball ends inside ${name}`);
    const b = Buffer.alloc(m.size);
    await this.fh.read(b, 0, m.size, m.offset);
    try {
      return JSON.parse(b.toString('utf8'));
    } catch (e) {
      throw new Error(`${name} is not JSON: ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /** The member's bytes in slices; stops early (without error) when the tarball ends inside it. */
  async *slices(m: { offset: number; size: number }): AsyncGenerator<Uint8Array> {
    const end = Math.min(m.offset + m.size, this.size);
    for (let pos = m.offset; pos < end; ) {
      const n = Math.min(READ_SLICE, end - pos);
      // A fresh buffer each time: the decoders keep references to input they have not finished with.
      const buf = Buffer.allocUnsafe(n);
      const { bytesRead } = await this.fh.read(buf, 0, n, pos);
      if (bytesRead <= 0) return;
      yield buf.subarray(0, bytesRead);
      pos += bytesRead;
    }
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}

/** A file held in memory while the layers stream is at most this long … */
const HELD_FILE = 64 * 1024;
/** … and all of them together at most this. */
const HELD_TOTAL = 64 * 2 ** 20;

/**
 * Small kept files held in memory until the first pass over the layers ends, then written if still
 * in the tree: a layer naming one library 6,000 times (the fuzzer's find: one temp file created and
 * replaced for each, 32 s on a busy disk) costs one write. Larger files, and small ones past the
 * total, go to disk as they stream.
 */
class Held {
  private files = new Map<Content, { key: string; chunks: Uint8Array[] }>();
  /** The content each path holds now, and contents a hardlink reaches under another name. */
  readonly latest = new Map<string, Content>();
  readonly linked = new Set<Content>();
  bytes = 0;

  /** `c` now holds `key`: what held it before is dropped unless a hardlink reaches it. */
  replace(key: string, c: Content): void {
    const before = this.latest.get(key);
    if (before === c) return;
    this.latest.set(key, c);
    const f = before && !this.linked.has(before) ? this.files.get(before) : undefined;
    if (!before || !f) return;
    this.files.delete(before);
    for (const b of f.chunks) this.bytes -= b.length;
  }

  hold(c: Content, key: string, chunks: Uint8Array[], size: number): boolean {
    if (this.bytes + size > HELD_TOTAL) return false;
    this.bytes += size;
    this.files.set(c, { key, chunks });
    return true;
  }

  /** Writes the held files the tree still reaches; the others are dropped. */
  flush(blobPath: (c: Content) => string, budget: Budget): void {
    for (const [c, { key, chunks }] of this.files) {
      if (this.latest.get(key) !== c && !this.linked.has(c)) continue;
      const data = Buffer.concat(chunks);
      budget.chargeTemp(data.length);
      const path = blobPath(c);
      writeFileSync(path, data, { mode: 0o600 });
      c.blob = path;
    }
    this.files.clear();
    this.bytes = 0;
  }
}

/**
 * Writes an entry's data to a temp file (or, with `held`, keeps a small one in memory for
 * Held.flush); `elfOnly` drops it unless it starts with the ELF magic.
 */
class BlobSink implements TarDataSink {
  private fd: number | null = null;
  private head: Uint8Array[] = [];
  private headLen = 0;
  private decided = false;
  /** Data kept in memory (with `held`) until it outgrows HELD_FILE. */
  private mem: Uint8Array[] | null = null;
  private memLen = 0;

  constructor(
    private readonly path: string,
    private readonly content: Content,
    private readonly elfOnly: boolean,
    private readonly budget: Budget,
    private readonly held: { to: Held; key: string } | null = null,
  ) {}

  private write(b: Uint8Array): void {
    if (this.mem !== null) {
      if (this.memLen + b.length <= HELD_FILE) {
        this.mem.push(Buffer.from(b));
        this.memLen += b.length;
        return;
      }
      this.spill();
    }
    this.budget.chargeTemp(b.length);
    writeSync(this.fd as number, b);
  }

  private open(): void {
    this.fd = openSync(this.path, 'w', 0o600);
    this.content.blob = this.path;
  }

  /** Moves the data held so far to the temp file. */
  private spill(): void {
    const mem = this.mem ?? [];
    this.mem = null;
    this.open();
    for (const b of mem) this.write(b);
  }

  private decide(): void {
    const h = Buffer.concat(this.head);
    const elf = h.length >= 4 && h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46;
    this.content.elf = elf;
    this.decided = true;
    if (this.elfOnly && !elf) return;
    if (this.held && this.content.size <= HELD_FILE) this.mem = [];
    else this.open();
    this.write(h);
    this.head = [];
  }

  data(chunk: Uint8Array): void {
    if (!this.decided) {
      this.head.push(Buffer.from(chunk.subarray(0, 4 - this.headLen)));
      const rest = chunk.subarray(4 - this.headLen);
      this.headLen = Math.min(4, this.headLen + chunk.length);
      if (this.headLen < 4) return;
      this.decide();
      if ((this.fd !== null || this.mem !== null) && rest.length > 0) this.write(rest);
      return;
    }
    if (this.fd !== null || this.mem !== null) this.write(chunk);
  }

  end(): void {
    if (!this.decided) this.decide();
    if (this.mem !== null && this.held && !this.held.to.hold(this.content, this.held.key, this.mem, this.memLen)) this.spill();
    this.mem = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** One line, first line only. */
const oneLine = (s: string) => s.split('\n')[0] ?? s;

/**
 * Streams one layer blob through its decoder into a TarReader. Verifies the blob digest (when the
 * descriptor gives one) and the uncompressed digest (the config's diff_id). Errors are one line
 * naming the layer.
 */
async function streamLayer(
  ar: Archive,
  ref: LayerRef,
  i: number,
  n: number,
  onEntry: (e: TarEntry) => TarDataSink | null,
  verify: boolean,
  budget: Budget,
): Promise<void> {
  const what = `layer ${i + 1} of ${n} (${ref.member})`;
  const m = ar.members.get(ref.member);
  if (!m) throw new Error(ref.digest ? `missing blob sha256:${ref.digest} (${what})` : `missing ${ref.member} (${what})`);
  const blobHash: Hash | null = verify && ref.digest ? createHash('sha256') : null;
  const diffHash: Hash | null = verify && ref.diffId ? createHash('sha256') : null;
  // The first pass counts entries; a second pass over the same layer reads entries already counted.
  const tar = new TarReader(
    verify
      ? (e) => {
          budget.chargeEntry();
          return onEntry(e);
        }
      : onEntry,
  );
  let decoder: ReturnType<typeof createDecoder> | null = null;
  let fed = 0;
  try {
    for await (const slice of ar.slices(m)) {
      if (decoder === null) {
        const kind = layerCompression(ref.mediaType, slice);
        if (kind !== 'none' && kind !== 'gzip' && kind !== 'zstd') throw new Error(kind);
        decoder = createDecoder(
          kind,
          (d) => {
            budget.chargeBytes(d.length);
            diffHash?.update(d);
            tar.push(d);
          },
          { onWork: (w) => budget.chargeBytes(w) },
        );
      }
      blobHash?.update(slice);
      decoder.push(slice);
      fed += slice.length;
    }
    if (m.offset + m.size > ar.size) {
      throw new Error(`truncated at offset ${fed} of the blob: the tarball ends ${m.offset + m.size - ar.size} bytes before the blob does`);
    }
    if (decoder === null) throw new Error('empty layer blob: not a tar');
    decoder.end();
    tar.end();
  } catch (e) {
    const msg = oneLine((e as Error).message);
    if (e instanceof TarError) {
      if (e.kind === 'truncated') throw new Error(`${what}: layer ${msg} of its uncompressed tar`);
      throw new Error(`${what}: ${tar.offset === 0 || e.offset === 0 ? 'not a tar layer: ' : ''}${msg}`);
    }
    throw new Error(`${what}: ${msg}`);
  }
  if (blobHash) {
    const got = blobHash.digest('hex');
    if (got !== ref.digest) throw new Error(`${what}: blob sha256 is ${got}, not the ${ref.digest} its descriptor names`);
  }
  if (diffHash) {
    const got = diffHash.digest('hex');
    if (got !== ref.diffId) throw new Error(`${what}: uncompressed sha256 is ${got}, not the config's diff_id ${ref.diffId}`);
  }
}

/**
 * The image tree as a Root for the loader model, file data read from the blobs kept while
 * streaming; files whose data was not kept are added to MISSING (a later pass fetches them).
 */
function treeRoot(tree: ImageTree, missing: Set<Content> = new Set()): Root {
  const access: ContentAccess = {
    read: (c) => {
      if (c.blob === null) {
        missing.add(c);
        return null;
      }
      try {
        return statSync(c.blob).size > MAX_CONF_BLOB ? null : readFileSync(c.blob);
      } catch {
        // A blob that vanished reads as absent.
        return null;
      }
    },
    open: (c) => {
      try {
        return c.blob === null ? null : new FileSource(c.blob);
      } catch {
        // A blob that vanished reads as absent.
        return null;
      }
    },
  };
  return new Root(tree.view(access));
}

/**
 * Canonical path -> file node of everything to extract: fixed files, libraries, ELF executables;
 * and the directories whose symlinks are kept (those goready lists or looks things up in).
 */
function neededFiles(tree: ImageTree): { needed: Map<string, FileNode>; libs: Set<string>; dirs: Set<string> } {
  const needed = new Map<string, FileNode>();
  const listed = new Set<string>();
  const add = (logical: string) => {
    const r = tree.resolve(logical, true);
    if (r?.node?.kind === 'file') needed.set(joinPath(r.path), r.node);
  };
  const children = (dir: string): string[] => {
    const r = tree.resolve(dir, true);
    if (r?.node?.kind !== 'dir') return [];
    listed.add(joinPath(r.path));
    return [...r.node.children.keys()].sort();
  };
  for (const f of FIXED_FILES) add(f);
  for (const n of children('/etc/ld.so.conf.d')) add(`/etc/ld.so.conf.d/${n}`);
  const dirs = new Set(LIB_DIRS);
  for (const base of ['/lib', '/usr/lib']) for (const n of children(base)) if (isTripletName(n)) dirs.add(`${base}/${n}`);
  for (const d of ldSoConfDirs(treeRoot(tree))) dirs.add(d);
  for (const d of dirs) for (const n of children(d)) if (isLibrary(n)) add(`${d === '/' ? '' : d}/${n}`);
  for (const n of children('/var/lib/dpkg/info')) if (n.endsWith('.list')) add(`/var/lib/dpkg/info/${n}`);
  for (const n of children('/usr/share/doc')) add(`/usr/share/doc/${n}/copyright`);
  const libs = new Set(needed.keys());
  for (const { path, node } of tree.walk()) {
    if (node.kind === 'file' && node.mode & 0o111 && node.content.elf) needed.set(joinPath(path), node);
  }
  for (const p of needed.keys()) listed.add(p.slice(0, p.lastIndexOf('/')) || '/');
  return { needed, libs, dirs: listed };
}

/** A path that cannot be created under `base` on Linux: longer than PATH_MAX, or a component longer than NAME_MAX. */
function tooLong(base: string, path: readonly string[], target = ''): boolean {
  return (
    Buffer.byteLength(base) + path.reduce((n, c) => n + 1 + Buffer.byteLength(c), 0) >= PATH_MAX ||
    path.some((c) => Buffer.byteLength(c) > NAME_MAX) ||
    Buffer.byteLength(target) >= PATH_MAX
  );
}

/** The limits in force for a tarball of SIZE bytes. */
function limitsFor(size: number, given: Partial<ImageLimits> = {}): { limits: ImageLimits & { bytes: number }; bytesDefault: boolean } {
  const bytesDefault = given.bytes === undefined || given.bytes === null;
  return {
    limits: {
      bytes: bytesDefault ? Math.max(IMAGE_LIMITS.bytesFloor, IMAGE_LIMITS.bytesRatio * size) : (given.bytes as number),
      entries: given.entries ?? IMAGE_LIMITS.entries,
      layers: given.layers ?? IMAGE_LIMITS.layers,
      tempBytes: given.tempBytes ?? IMAGE_LIMITS.tempBytes,
    },
    bytesDefault,
  };
}

/**
 * Opens an image tarball. Errors are one line starting with the file name. The temp directory it
 * makes is removed by close(), on failure, and when the process ends or is interrupted.
 */
export async function openImage(file: string, opts: OpenImageOptions = {}): Promise<ImageTarget> {
  let ar: Archive | null = null;
  let base: string | null = null;
  try {
    ar = await Archive.open(file);
    const img = await selectImage(ar, opts.platform ? parsePlatform(opts.platform) : null);
    const { limits, bytesDefault } = limitsFor(ar.size, opts.limits);
    if (img.layers.length > limits.layers)
      throw new Error(`the image has ${img.layers.length} layers, more than ${limits.layers} (raise the limit with ${IMAGE_LIMIT_FLAGS.layers})`);
    const budget = new Budget(limits, bytesDefault);
    base = await mkdtemp(join(tmpdir(), 'goready-image-'));
    track(base);
    const root = join(base, 'root');
    const blobs = join(base, 'blobs');
    mkdirSync(root, { mode: 0o755 });
    mkdirSync(blobs, { mode: 0o700 });
    const blobPath = (c: Content) => join(blobs, `${c.layer}-${c.entry}`);

    const tree = new ImageTree();
    const n = img.layers.length;
    const held = new Held();
    /** Applies entry E of layer I; `shared` is the content a replayed file entry carries (read with the blob's first occurrence). */
    const applyEntry = (i: number, e: TarEntry, shared: Content | null): { sink: TarDataSink | null; content: Content | null } => {
      const r = tree.apply(i, e).file;
      if (!r) {
        if (e.type === 'hardlink') {
          const t = tree.get(cleanComponents(e.name));
          if (t?.kind === 'file') held.linked.add(t.content);
        }
        return { sink: null, content: null };
      }
      if (shared) r.node.content = shared;
      const c = r.node.content;
      const key = joinPath(r.path);
      held.replace(key, c);
      if (shared) return { sink: null, content: c };
      if (wantedWhileStreaming(r.path)) return { sink: new BlobSink(blobPath(c), c, false, budget, { to: held, key }), content: c };
      if (r.node.mode & 0o111) return { sink: new BlobSink(blobPath(c), c, true, budget, { to: held, key }), content: c };
      return { sink: null, content: c };
    };
    // A manifest may name one blob many times (real images repeat their empty layers; a crafted one
    // named a layer 184 times, each read and decompressed again). Each distinct blob is streamed once;
    // a later reference replays the entries recorded then, so the layers still stack in order.
    const blobKey = (ref: LayerRef) => JSON.stringify([ref.member, ref.mediaType, ref.digest, ref.diffId]);
    const uses = new Map<string, number>();
    for (const ref of img.layers) {
      const key = blobKey(ref);
      uses.set(key, (uses.get(key) ?? 0) + 1);
    }
    const recorded = new Map<string, { entry: TarEntry; content: Content | null }[]>();
    for (const [i, ref] of img.layers.entries()) {
      const key = blobKey(ref);
      const replay = recorded.get(key);
      if (replay) {
        for (const { entry, content } of replay) {
          budget.chargeEntry();
          applyEntry(i, entry, content);
        }
        continue;
      }
      const record: { entry: TarEntry; content: Content | null }[] | null = (uses.get(key) ?? 1) > 1 ? [] : null;
      if (record) recorded.set(key, record);
      await streamLayer(
        ar,
        ref,
        i,
        n,
        (e) => {
          const { sink, content } = applyEntry(i, e, null);
          // A replay above a later layer may bring back content whose held data that layer dropped:
          // its blob is then null and the second pass below fetches it, like any file not kept.
          record?.push({ entry: e, content });
          return sink;
        },
        true,
        budget,
      );
    }
    recorded.clear();
    held.flush(blobPath, budget);

    // Files needed but not kept while streaming (a library reached through a symlink or named by
    // ld.so.conf, a hardlink to a file kept under another name): fetched by a second pass over the
    // layers holding them. Two rounds: ld.so.conf files first, then the directories they name.
    const tried = new Set<Content>();
    for (let round = 0; round < 3; round++) {
      const { needed } = neededFiles(tree);
      const missingConf = new Set<Content>();
      ldSoConfDirs(treeRoot(tree, missingConf));
      const missing = [...[...needed.values()].map((f) => f.content), ...missingConf].filter((c) => c.blob === null && !tried.has(c));
      if (missing.length === 0) break;
      const byLayer = new Map<number, Map<number, Content>>();
      for (const c of missing) {
        tried.add(c);
        if (!byLayer.has(c.layer)) byLayer.set(c.layer, new Map());
        byLayer.get(c.layer)?.set(c.entry, c);
      }
      for (const [i, entries] of [...byLayer].sort((a, b) => a[0] - b[0])) {
        await streamLayer(
          ar,
          img.layers[i] as LayerRef,
          i,
          n,
          (e) => {
            const c = entries.get(e.index);
            return c ? new BlobSink(blobPath(c), c, false, budget) : null;
          },
          false,
          budget,
        );
      }
    }

    // Materialize what the readers of the root use: the needed files, the symlinks in the
    // directories they list or look things up in and at the top two levels (/lib -> usr/lib), and
    // the directories holding those. Other directories and symlinks are not made: a layer of
    // 300,000 directories costs no temp disk. Paths too long for the temp root are skipped.
    const { needed, libs, dirs } = neededFiles(tree);
    const placed = new Map<Content, string>();
    /** The paths made under the root (a hardlink's long name may be skipped while its content is placed under another). */
    const madeFiles = new Set<string>();
    const made = new Set<string>();
    let skipped = 0;
    let firstSkipped = '';
    const skip = (path: readonly string[]) => {
      if (skipped++ === 0) firstSkipped = joinPath(path);
    };
    const host = (path: readonly string[]) => join(root, ...path);
    const mkdirs = (dir: readonly string[]) => {
      for (let k = 1; k <= dir.length; k++) {
        const key = joinPath(dir.slice(0, k));
        if (made.has(key)) continue;
        budget.chargeTemp(DIR_COST);
        mkdirSync(host(dir.slice(0, k)), { mode: 0o755 });
        made.add(key);
      }
    };
    for (const { path, node } of tree.walk()) {
      const parent = path.slice(0, -1);
      if (node.kind === 'symlink') {
        if (!(parent.length <= 1 || dirs.has(joinPath(parent)))) continue;
        const r = tree.resolve(path, true);
        const target = relativePath(parent, r ? r.path : cleanComponents(node.target, parent));
        if (tooLong(root, path, target)) {
          skip(path);
          continue;
        }
        mkdirs(parent);
        symlinkSync(target, host(path));
      } else if (node.kind === 'file' && needed.get(joinPath(path)) === node && node.content.blob !== null) {
        if (tooLong(root, path)) {
          skip(path);
          continue;
        }
        mkdirs(parent);
        const dst = host(path);
        const first = placed.get(node.content);
        if (first) linkSync(first, dst);
        else {
          renameSync(node.content.blob, dst);
          placed.set(node.content, dst);
          chmodSync(dst, (node.mode & 0o777) | 0o600);
        }
        madeFiles.add(joinPath(path));
      }
    }
    for (const d of dirs) {
      const comps = d.split('/').filter(Boolean);
      if (tree.get(comps)?.kind === 'dir' && !tooLong(root, comps)) mkdirs(comps);
    }
    rmSync(blobs, { recursive: true, force: true });
    const notes =
      skipped > 0
        ? [
            `${skipped} ${skipped === 1 ? 'entry' : 'entries'} left out: ${skipped === 1 ? 'its path is' : 'their paths are'} longer than PATH_MAX (${PATH_MAX} bytes) or ${'a name longer than'} NAME_MAX (${NAME_MAX}) under the temp directory (first: ${firstSkipped.slice(0, 120)}${firstSkipped.length > 120 ? '…' : ''})`,
          ]
        : [];

    // Go binaries among the ELF executables; the others are removed unless they are libraries.
    const goBinaries: GoBinary[] = [];
    for (const [p, node] of [...needed].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
      if (!(node.mode & 0o111 && node.content.elf && madeFiles.has(p))) continue;
      const f = join(root, p);
      let isGo = false;
      try {
        isGo = (await inspectFile(f, { path: p })).some((r) => r.go.isGo);
      } catch {
        // A member that does not open as an object file is not a Go binary to check.
        isGo = false;
      }
      if (isGo) goBinaries.push({ path: p, file: f });
      else if (!libs.has(p)) unlinkSync(f);
    }

    const arch = img.config.architecture;
    const info: ImageInfo = {
      file,
      format: img.format,
      ref: img.ref,
      os: img.config.os,
      architecture: arch,
      variant: img.config.variant,
      env: img.config.env,
      user: img.config.user,
      entrypoint: img.config.entrypoint,
      cmd: img.config.cmd,
      workingDir: img.config.workingDir,
      layers: n,
    };
    const snapshot = imageSnapshot(await describeRoot(root, arch), info);
    const dir = base;
    base = null; // owned by the target now
    return {
      snapshot,
      notes,
      root,
      goBinaries,
      close: async () => untrack(dir),
    };
  } catch (e) {
    throw e instanceof InputError && e.input === file ? e : new InputError(file, oneLine(e instanceof Error ? e.message : String(e)));
  } finally {
    await ar?.close();
    if (base !== null) untrack(base);
  }
}
