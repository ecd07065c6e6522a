import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import type { ByteSource } from '../../core/io/source.js';

/**
 * A ByteSource over a file (Node only). Reads are synchronous under the promise: they are small,
 * random and page-cache hot, and a thread-pool round trip per read costs more than the read.
 */
export class FileSource implements ByteSource {
  readonly size: number;
  readonly storedSize: number;
  private fd: number | null;
  constructor(readonly path: string) {
    // O_NONBLOCK: opening a FIFO (or a device that waits) must not block; only regular files are read.
    this.fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const st = fstatSync(this.fd);
      if (st.isDirectory()) throw new Error('is a directory');
      if (!st.isFile()) throw new Error(`not a regular file (${kindOf(st)}): goready reads files, as go version does`);
      this.size = st.size;
      // st_blocks counts 512-byte units actually stored: a sparse file stores less than its size.
      // 0 means unknown (some filesystems allocate after the write returns): trust the size then.
      this.storedSize = st.blocks > 0 ? Math.min(st.size, st.blocks * 512) : st.size;
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

function kindOf(st: ReturnType<typeof fstatSync>): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}
