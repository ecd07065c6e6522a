/** The image tarball itself: its members indexed by name in one pass over the headers, read by positioned reads. */
import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { ArchiveReader } from '../../core/image/manifest.js';
import { parseHeader } from '../../core/image/tar.js';
import { fileKind } from '../files/read.js';

const READ_SLICE = 1 << 20;
const MAX_JSON = 64 << 20;

/** Members of the (uncompressed) image tarball, indexed by name, read by positioned reads. */
export class Archive implements ArchiveReader {
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
