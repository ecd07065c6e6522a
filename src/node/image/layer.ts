/** One layer blob streamed through its decompressor into the tar reader, its digests checked, its errors one line naming it. */
import { createHash, type Hash } from 'node:crypto';
import { createDecoder, layerCompression } from '../../core/image/decompress.js';
import type { LayerRef } from '../../core/image/manifest.js';
import { type TarDataSink, type TarEntry, TarError, TarReader } from '../../core/image/tar.js';
import type { Archive } from './archive.js';
import type { Budget } from './limits.js';

/** One line, first line only. */
export const oneLine = (s: string) => s.split('\n')[0] ?? s;

/**
 * Streams one layer blob through its decoder into a TarReader. Verifies the blob digest (when the
 * descriptor gives one) and the uncompressed digest (the config's diff_id). Errors are one line
 * naming the layer.
 */
export async function streamLayer(
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
