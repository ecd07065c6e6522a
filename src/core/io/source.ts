import { FormatError } from '../errors.js';

/**
 * Random access to the bytes of a binary. Readers ask for the ranges they need and never assume
 * the whole file is in memory: binaries can be hundreds of megabytes.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Bytes the source really stores, when less than `size` can be known (a sparse file's allocated
   * blocks): the read budget is proportional to it. Undefined means `size`.
   */
  readonly storedSize?: number;
  /**
   * Reads `length` bytes at `offset`. The result is shorter than asked only when the range runs
   * past the end of the source; callers that need the full range use `readExact`.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * What readers may hold in memory for one input, in bytes of tables read whole (symbol and string
 * tables, the pclntab, relocations): a multiple of the bytes the input really stores, so headers
 * that claim huge tables — in a small or sparse file — end in a one-line error instead of
 * exhausting memory. Real binaries' tables together are smaller than the file; a reader may read
 * the same table more than once (a summary, then a listing), hence the factor.
 */
export class ReadBudget {
  static readonly FACTOR = 4;
  /** Enough for the headers and small tables of any input, however small. */
  static readonly FLOOR = 1 << 20;
  private left: number;
  readonly total: number;
  constructor(src: ByteSource) {
    this.total = ReadBudget.FACTOR * Math.min(src.size, src.storedSize ?? src.size) + ReadBudget.FLOOR;
    this.left = this.total;
  }
  /** Accounts for `bytes` about to be read for `what`; throws a FormatError when the budget is spent. */
  take(bytes: number, what: string, offset: number): void {
    if (bytes > this.left) {
      throw new FormatError(what, offset, `${bytes} more bytes of tables than a file storing this much can hold (${this.total} bytes in all)`);
    }
    this.left -= bytes;
  }
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
  readonly storedSize: number;
  constructor(
    private readonly parent: ByteSource,
    private readonly base: number,
    readonly size: number,
  ) {
    this.storedSize = Math.min(size, parent.storedSize ?? parent.size);
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return Promise.resolve(new Uint8Array(0));
    return this.parent.read(this.base + offset, end - offset);
  }
}
