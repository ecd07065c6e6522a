/**
 * Walks the frames and blocks of a zstd stream (RFC 8878 §3.1) as its bytes arrive, without
 * decoding them, so a frame is judged by its header before the decoder sees it: its window size
 * and the number of its blocks. Pure: no Node APIs.
 */

export interface FrameInfo {
  /** Offset of the frame in the compressed stream. */
  offset: number;
  /** Window_Size from the frame header (the Frame_Content_Size for single-segment frames). */
  window: number;
}

export class ZstdFrameError extends Error {}

const MAGIC = 0xfd2fb528;
const BLOCK_MAX = 128 << 10;

type State =
  | { k: 'magic' }
  | { k: 'header'; need: number; single: boolean; checksum: boolean; dictBytes: number; fcsBytes: number }
  | { k: 'block' }
  | { k: 'skip'; left: number; next: 'block' | 'magic' | 'checksum' }
  | { k: 'skipsize' };

/**
 * Feed it the compressed bytes in order. `onFrame` is called with each frame's header before any of
 * its blocks is passed on; `onBlock` with the window of the frame each block belongs to. Both may
 * throw to stop the stream. Only structure is checked here (magic, reserved bits, block sizes); the
 * decoder checks the rest.
 */
export class ZstdFrameScanner {
  private pos = 0;
  private buf: number[] = [];
  private st: State = { k: 'magic' };
  private frame: FrameInfo | null = null;
  private checksum = false;

  constructor(
    private readonly onFrame: (f: FrameInfo) => void,
    private readonly onBlock: (window: number) => void,
  ) {}

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      const st = this.st;
      if (st.k === 'skip') {
        const n = Math.min(st.left, chunk.length - i);
        st.left -= n;
        i += n;
        this.pos += n;
        if (st.left === 0) this.st = st.next === 'checksum' ? { k: 'skip', left: 4, next: 'magic' } : { k: st.next };
        continue;
      }
      this.buf.push(chunk[i] as number);
      i++;
      this.pos++;
      this.step();
    }
  }

  /** The stream ended: it must end between frames. */
  end(): void {
    if (this.st.k !== 'magic' || this.buf.length) throw new ZstdFrameError(`the stream ends inside a frame (at compressed offset ${this.pos})`);
  }

  private step(): void {
    const b = this.buf;
    const st = this.st;
    if (st.k === 'magic') {
      if (b.length < 4) return;
      const m = ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
      if (m === MAGIC) {
        this.st = { k: 'header', need: 1, single: false, checksum: false, dictBytes: 0, fcsBytes: 0 };
        this.buf = [];
        this.frame = { offset: this.pos - 4, window: 0 };
        return;
      }
      if ((m & 0xfffffff0) === 0x184d2a50) {
        this.st = { k: 'skipsize' };
        this.buf = [];
        return;
      }
      throw new ZstdFrameError(`no zstd frame at compressed offset ${this.pos - 4}`);
    }
    if (st.k === 'skipsize') {
      if (b.length < 4) return;
      const size = ((b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16) | ((b[3] as number) << 24)) >>> 0;
      this.buf = [];
      this.st = size ? { k: 'skip', left: size, next: 'magic' } : { k: 'magic' };
      return;
    }
    if (st.k === 'header') {
      if (b.length === 1) {
        const d = b[0] as number;
        if (d & 0x08) throw new ZstdFrameError(`reserved bit set in the frame header at compressed offset ${this.pos - 1}`);
        st.single = (d & 0x20) !== 0;
        st.checksum = (d & 0x04) !== 0;
        st.dictBytes = [0, 1, 2, 4][d & 3] as number;
        const fcsFlag = d >> 6;
        st.fcsBytes = fcsFlag === 0 ? (st.single ? 1 : 0) : ([0, 2, 4, 8][fcsFlag] as number);
        st.need = 1 + (st.single ? 0 : 1) + st.dictBytes + st.fcsBytes;
      }
      if (b.length < st.need) return;
      let at = 1;
      let window = 0;
      if (!st.single) {
        const wd = b[at++] as number;
        const exp = 10 + (wd >> 3);
        const base = 2 ** exp;
        window = base + (base / 8) * (wd & 7);
      }
      at += st.dictBytes;
      if (st.single) {
        let fcs = 0;
        for (let j = st.fcsBytes - 1; j >= 0; j--) fcs = fcs * 256 + (b[at + j] as number);
        if (st.fcsBytes === 2) fcs += 256;
        window = fcs;
      }
      this.checksum = st.checksum;
      this.buf = [];
      this.st = { k: 'block' };
      const f = this.frame as FrameInfo;
      f.window = window;
      this.onFrame(f);
      return;
    }
    if (st.k === 'block') {
      if (b.length < 3) return;
      const h = (b[0] as number) | ((b[1] as number) << 8) | ((b[2] as number) << 16);
      this.buf = [];
      const last = (h & 1) === 1;
      const type = (h >> 1) & 3;
      const size = h >>> 3;
      if (type === 3) throw new ZstdFrameError(`reserved block type at compressed offset ${this.pos - 3}`);
      const window = (this.frame as FrameInfo).window;
      if (size > Math.min(BLOCK_MAX, Math.max(window, 1)))
        throw new ZstdFrameError(`a block of ${size} bytes at compressed offset ${this.pos - 3} exceeds the block size limit`);
      this.onBlock(window);
      const body = type === 1 ? 1 : size;
      const then = last ? (this.checksum ? 'checksum' : 'magic') : 'block';
      if (body > 0) this.st = { k: 'skip', left: body, next: then };
      else this.st = then === 'checksum' ? { k: 'skip', left: 4, next: 'magic' } : { k: then };
    }
  }
}
