import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../../core/io/source.js';

/**
 * A ByteSource over a file (Node only). Reads are synchronous under the promise: they are small,
 * random and page-cache hot, and a thread-pool round trip per read costs more than the read.
 */
export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number | null;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
    try {
      this.size = fstatSync(this.fd).size;
    } catch (e) {
      closeSync(this.fd);
      throw e;
    }
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }
  readSync(offset: number, length: number): Uint8Array {
    if (this.fd === null) throw new Error(`${this.path}: file closed`);
    const end = Math.min(this.size, offset + length);
    if (offset >= end) return new Uint8Array(0);
    const buf = new Uint8Array(end - offset);
    let done = 0;
    while (done < buf.length) {
      const n = readSync(this.fd, buf, done, buf.length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    return done === buf.length ? buf : buf.subarray(0, done);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
