/**
 * The container image reader (Node edge): opens a `docker save` or OCI image layout tarball,
 * streams its layers (plain, gzip or zstd) through the tar reader onto a merged view of the root
 * filesystem, and extracts into a temp directory only what goready needs: os-release, ld.so.conf,
 * the apk database, the shared objects and loaders of the library directories, and the Go binaries.
 * Layers are never held in memory: blob bytes are read in 1 MiB slices, decompressed in bounded
 * chunks and written straight to temp files.
 *
 * The parts, in the order a tarball meets them: archive.ts (the members), layer.ts (one layer
 * streamed), sinks.ts (where kept data goes), wanted.ts (what is kept), materialize.ts (the root
 * made on disk); limits.ts bounds it all and temp.ts removes the temp directory however goready ends.
 */
import { mkdirSync, rmSync, unlinkSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../core/errors.js';
import type { HostSnapshot, ImageInfo } from '../../core/facts/host.js';
import { imageSnapshot } from '../../core/facts/image.js';
import { type LayerRef, parsePlatform, selectImage } from '../../core/image/manifest.js';
import type { TarDataSink, TarEntry } from '../../core/image/tar.js';
import { type Content, cleanComponents, ImageTree, joinPath } from '../../core/image/tree.js';
import { inspectFile } from '../files/inspect.js';
import { describeRoot } from '../host/root.js';
import { Archive } from './archive.js';
import { oneLine, streamLayer } from './layer.js';
import { Budget, IMAGE_LIMIT_FLAGS, type ImageLimits, limitsFor } from './limits.js';
import { materialize } from './materialize.js';
import { BlobSink, Held } from './sinks.js';
import { track, untrack } from './temp.js';
import { neededFiles, wantedWhileStreaming } from './wanted.js';

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
      const missingConf = new Set<Content>();
      const { needed } = neededFiles(tree, missingConf);
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

    const { needed, libs, madeFiles, notes } = materialize(tree, root, budget);
    rmSync(blobs, { recursive: true, force: true });
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
