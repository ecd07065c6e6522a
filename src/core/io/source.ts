import { FormatError } from '../errors.js';

/**
 * Random access to the bytes of a binary. Readers ask for the ranges they need and never assume
 * the whole file is in memory: binaries can be hundreds of megabytes.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`. The result is shorter than asked only when the range runs
   * past the end of the source; callers that need the full range use `readExact`.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Reads exactly `length` bytes or throws a FormatError naming `what`. */
export async function readExact(src: ByteSource, offset: number, length: number, what: string): Promise<Uint8Array> {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new FormatError(what, Math.max(0, Number.isFinite(offset) ? offset : 0), 'invalid range');
  }
  if (offset + length > src.size) {
    throw new FormatError(what, offset, `needs ${length} bytes, file has ${Math.max(0, src.size - offset)}`, 'truncated');
  }
  const b = await src.read(offset, length);
  if (b.length !== length) throw new FormatError(what, offset, 'short read');
  return b;
}

/** A source over bytes already in memory (tests, fuzzing, decompressed data). */
export class BytesSource implements ByteSource {
  readonly size: number;
  constructor(private readonly bytes: Uint8Array) {
    this.size = bytes.length;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }
  readSync(offset: number, length: number): Uint8Array {
    const start = Math.min(Math.max(0, offset), this.size);
    return this.bytes.subarray(start, Math.min(this.size, start + Math.max(0, length)));
  }
}

/** A source over a browser Blob/File; only the requested slices are read. */
export class BlobSource implements ByteSource {
  readonly size: number;
  constructor(private readonly blob: Blob) {
    this.size = blob.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    return new Uint8Array(await this.blob.slice(offset, end).arrayBuffer());
  }
}

/** A window [base, base+size) of another source, e.g. one slice of a universal Mach-O. */
export class SubSource implements ByteSource {
  constructor(
    private readonly parent: ByteSource,
    private readonly base: number,
    readonly size: number,
  ) {}
  read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return Promise.resolve(new Uint8Array(0));
    return this.parent.read(this.base + offset, end - offset);
  }
}
