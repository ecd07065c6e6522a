import { FormatError } from '../errors.js';
import { latin1OrUtf8 } from './bytes.js';
import type { ByteSource, ReadBudget } from './source.js';

/**
 * A table read page by page as it is used: a few strings of a 5 MB .dynstr, a few dozen entries of
 * a 3 MB .dynsym. Each page is read once and charged to the budget once, so the cost is bounded by
 * the table however its entries are visited, and a table that is only touched in a few places
 * costs a few pages.
 */
export class PagedTable {
  /** 4 KiB: a page of the file; one read per page is cheaper than one per entry and small next to the tables it saves. */
  static readonly PAGE = 4 << 10;
  private readonly pages = new Map<number, Uint8Array>();
  constructor(
    private readonly src: ByteSource,
    readonly offset: number,
    readonly size: number,
    readonly what: string,
    private readonly budget: ReadBudget,
  ) {
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0)
      throw new FormatError(what, Math.max(0, offset || 0), 'invalid range');
    if (offset + size > src.size) throw new FormatError(what, offset, `needs ${size} bytes, file has ${Math.max(0, src.size - offset)}`, 'truncated');
  }

  private async page(n: number): Promise<Uint8Array> {
    let p = this.pages.get(n);
    if (!p) {
      const start = n * PagedTable.PAGE;
      const len = Math.min(PagedTable.PAGE, this.size - start);
      this.budget.take(len, this.what, this.offset + start);
      p = await this.src.read(this.offset + start, len);
      if (p.length !== len) throw new FormatError(this.what, this.offset + start, 'short read');
      this.pages.set(n, p);
    }
    return p;
  }

  /** `length` bytes at `off` (relative to the table), which must lie inside it. */
  async bytes(off: number, length: number): Promise<Uint8Array> {
    if (!(off >= 0 && off + length <= this.size)) {
      throw new FormatError(this.what, this.offset + Math.max(0, off), `${length}-byte read past end (${this.size} bytes)`, 'truncated');
    }
    const first = Math.floor(off / PagedTable.PAGE);
    const last = Math.floor((off + length - 1) / PagedTable.PAGE);
    if (first === last || length === 0) {
      const p = await this.page(first);
      const at = off - first * PagedTable.PAGE;
      return p.subarray(at, at + length);
    }
    const out = new Uint8Array(length);
    for (let n = first, done = 0; n <= last; n++) {
      const p = await this.page(n);
      const at = n === first ? off - first * PagedTable.PAGE : 0;
      const take = Math.min(p.length - at, length - done);
      out.set(p.subarray(at, at + take), done);
      done += take;
    }
    return out;
  }

  /** A NUL-terminated string at `off`, bounded by the end of the table (as Bytes.cstring). */
  async cstring(off: number): Promise<string> {
    if (!(off >= 0 && off < this.size)) throw new FormatError(this.what, this.offset + Math.max(0, off), 'string offset out of range');
    const parts: Uint8Array[] = [];
    for (let n = Math.floor(off / PagedTable.PAGE), at = off - n * PagedTable.PAGE; n * PagedTable.PAGE < this.size; n++, at = 0) {
      const p = await this.page(n);
      const end = p.indexOf(0, at);
      if (end >= 0) {
        parts.push(p.subarray(at, end));
        break;
      }
      parts.push(p.subarray(at));
    }
    if (parts.length === 1) return latin1OrUtf8(parts[0] as Uint8Array);
    const all = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) {
      all.set(p, o);
      o += p.length;
    }
    return latin1OrUtf8(all);
  }
}
