/**
 * A Blob read in aligned 1 MiB chunks, kept in a bounded cache: the readers ask for many small
 * ranges (headers, tables, strings), and each Blob read costs a trip through the browser's file
 * machinery, so one chunk serves hundreds of them. Counts the distinct bytes loaded, for progress.
 */
import type { ByteSource } from '../../../src/index.js';

/** 1 MiB: large enough that a 45 MB binary is a few dozen reads, small enough to read little of a huge one. */
const CHUNK = 1 << 20;
/** At most 256 MiB of chunks in memory; older ones are read again if needed. */
const MAX_CHUNKS = 256;

export class ChunkedBlobSource implements ByteSource {
  readonly size: number;
  private readonly cache = new Map<number, Promise<Uint8Array>>();
  private readonly seen = new Set<number>();
  /** Distinct bytes loaded from the file so far. */
  loaded = 0;

  constructor(
    private readonly blob: Blob,
    private readonly onLoad: () => void = () => {},
  ) {
    this.size = blob.size;
  }

  private chunk(i: number): Promise<Uint8Array> {
    let c = this.cache.get(i);
    if (c) {
      // Most recently used last: Map keeps insertion order.
      this.cache.delete(i);
      this.cache.set(i, c);
      return c;
    }
    const start = i * CHUNK;
    const end = Math.min(this.size, start + CHUNK);
    c = this.blob
      .slice(start, end)
      .arrayBuffer()
      .then((b) => {
        if (!this.seen.has(i)) {
          this.seen.add(i);
          this.loaded += end - start;
          this.onLoad();
        }
        return new Uint8Array(b);
      });
    this.cache.set(i, c);
    if (this.cache.size > MAX_CHUNKS) this.cache.delete(this.cache.keys().next().value as number);
    return c;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (!(offset >= 0) || offset >= end) return new Uint8Array(0);
    const first = Math.floor(offset / CHUNK);
    const last = Math.floor((end - 1) / CHUNK);
    if (first === last) {
      const c = await this.chunk(first);
      return c.subarray(offset - first * CHUNK, end - first * CHUNK);
    }
    const out = new Uint8Array(end - offset);
    for (let i = first; i <= last; i++) {
      const c = await this.chunk(i);
      const from = Math.max(offset, i * CHUNK);
      const to = Math.min(end, (i + 1) * CHUNK);
      out.set(c.subarray(from - i * CHUNK, to - i * CHUNK), from - offset);
    }
    return out;
  }
}
