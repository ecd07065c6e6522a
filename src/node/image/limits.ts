/**
 * What one image may cost, the flags that raise each limit, and the running total of a tarball's
 * layers against them: a crafted tarball ends in one line naming the limit and its flag.
 */
import { formatBytes } from '../files/read.js';

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

/** What the layers have cost so far, against the limits. */
export class Budget {
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

/** The limits in force for a tarball of SIZE bytes. */
export function limitsFor(size: number, given: Partial<ImageLimits> = {}): { limits: ImageLimits & { bytes: number }; bytesDefault: boolean } {
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
