import type { DamageKind } from '../errors.js';
/**
 * A streaming tar reader: POSIX ustar, GNU (long names `L`/`K`, base-256 numbers) and PAX
 * (`x` per-entry and `g` global extended headers). Bytes are pushed in as they arrive
 * (decompressed); entry data is handed to a consumer chunk by chunk, never buffered whole.
 * Pure: no Node APIs.
 */

export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo' | 'other';

export interface TarEntry {
  /** The name as stored (PAX path, else GNU long name, else ustar prefix/name), undecoded escapes kept. */
  name: string;
  type: TarType;
  /** The typeflag byte as a character ('0', '5', ...), for diagnostics. */
  typeflag: string;
  /** Permission bits and set-id bits (mode & 0o7777). */
  mode: number;
  /** Bytes of data that follow the header (PAX size wins over the header's). */
  size: number;
  /** Hardlink or symlink target (PAX linkpath, else GNU long link name, else linkname). */
  linkname: string;
  /** Offset of the entry's header block in the (decompressed) stream. */
  offset: number;
  /** 0, 1, 2 ...: the entry's position among the entries of the archive (extended headers not counted). */
  index: number;
}

/** Receives an entry's data; `end` is called after the last chunk (also for empty entries). */
export interface TarDataSink {
  data(chunk: Uint8Array): void;
  end(): void;
}

/** A stream that is not a tar, or a tar cut short or damaged; `offset` is where in the stream. */
export class TarError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly kind: DamageKind = 'corrupt',
  ) {
    super(message);
  }
}

const BLOCK = 512;
/** Extended headers (PAX records, GNU long names) larger than this are refused: they are never that large in practice. */
const MAX_META = 1 << 20;

const utf8 = new TextDecoder('utf-8');

function cstring(b: Uint8Array, start: number, len: number): string {
  let end = start;
  while (end < start + len && b[end] !== 0) end++;
  return utf8.decode(b.subarray(start, end));
}

/** A numeric header field: octal ASCII (space/NUL padded), or GNU base-256 when the high bit of the first byte is set. */
export function tarNumber(b: Uint8Array, start: number, len: number): number | null {
  const first = b[start] as number;
  if (first & 0x80) {
    if (first === 0xff) return null; // negative
    let v = first & 0x7f;
    for (let i = start + 1; i < start + len; i++) {
      v = v * 256 + (b[i] as number);
      if (v > Number.MAX_SAFE_INTEGER) return null;
    }
    return v;
  }
  let i = start;
  const end = start + len;
  while (i < end && (b[i] === 0x20 || b[i] === 0)) i++;
  let v = 0;
  let digits = 0;
  for (; i < end; i++) {
    const c = b[i] as number;
    if (c === 0x20 || c === 0) break;
    if (c < 0x30 || c > 0x37) return null;
    v = v * 8 + (c - 0x30);
    digits++;
  }
  for (; i < end; i++) if (b[i] !== 0x20 && b[i] !== 0) return null;
  return digits === 0 ? 0 : v;
}

/** True when the 512-byte block's checksum field matches (unsigned sum, or the signed sum old tars wrote). */
export function checksumOk(b: Uint8Array): boolean {
  const stored = tarNumber(b, 148, 8);
  if (stored === null) return false;
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const c = i >= 148 && i < 156 ? 0x20 : (b[i] as number);
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(b: Uint8Array): boolean {
  for (let i = 0; i < BLOCK; i++) if (b[i] !== 0) return false;
  return true;
}

export interface RawHeader {
  name: string;
  mode: number;
  size: number;
  typeflag: string;
  linkname: string;
}

/**
 * Parses one header block. Returns null for a zero block (end of archive); throws TarError for a
 * block that is not a tar header.
 */
export function parseHeader(b: Uint8Array, offset: number): RawHeader | null {
  if (b.length < BLOCK) throw new TarError(`truncated tar header at offset ${offset}`, offset, 'truncated');
  if (isZeroBlock(b)) return null;
  if (!checksumOk(b)) throw new TarError(`not a tar header at offset ${offset} (bad checksum)`, offset);
  const typeflag = b[156] === 0 ? '0' : String.fromCharCode(b[156] as number);
  const size = tarNumber(b, 124, 12);
  const mode = tarNumber(b, 100, 8);
  if (size === null) throw new TarError(`bad size field in the tar header at offset ${offset}`, offset);
  let name = cstring(b, 0, 100);
  // POSIX ustar ("ustar\0"): a prefix field extends the name. GNU ("ustar  ") uses those bytes for other things.
  const posix = b[257] === 0x75 && b[258] === 0x73 && b[259] === 0x74 && b[260] === 0x61 && b[261] === 0x72 && b[262] === 0;
  if (posix && b[345] !== 0) name = `${cstring(b, 345, 155)}/${name}`;
  return { name, mode: (mode ?? 0) & 0o7777, size, typeflag, linkname: cstring(b, 157, 100) };
}

/** PAX extended header records: "<len> <key>=<value>\n". */
export function parsePax(data: Uint8Array, offset: number): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  while (i < data.length) {
    if (data[i] === 0) break; // padding some writers leave
    let j = i;
    let len = 0;
    while (j < data.length && data[j] !== 0x20) {
      const c = data[j] as number;
      if (c < 0x30 || c > 0x39) throw new TarError(`bad PAX record in the extended header at offset ${offset}`, offset);
      len = len * 10 + (c - 0x30);
      j++;
    }
    if (len <= j - i || i + len > data.length || data[i + len - 1] !== 0x0a) {
      throw new TarError(`bad PAX record in the extended header at offset ${offset}`, offset);
    }
    const rec = utf8.decode(data.subarray(j + 1, i + len - 1));
    const eq = rec.indexOf('=');
    if (eq > 0) out.set(rec.slice(0, eq), rec.slice(eq + 1));
    i += len;
  }
  return out;
}

function typeOf(flag: string): TarType {
  switch (flag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '3':
      return 'char';
    case '4':
      return 'block';
    case '5':
      return 'dir';
    case '6':
      return 'fifo';
    default:
      return 'other';
  }
}

/**
 * Push-based tar stream reader. `onEntry` is called for every entry; it returns a sink for the
 * entry's data, or null to skip the data. Call `push` with each chunk and `end` when the stream ends:
 * `end` throws TarError when the stream stops inside a header or an entry's data.
 */
export class TarReader {
  /** Bytes consumed so far. */
  private pos = 0;
  private header = new Uint8Array(BLOCK);
  private headerFill = 0;
  /** Data bytes of the current entry still to come, then padding bytes to skip. */
  private remaining = 0;
  private padding = 0;
  private sink: TarDataSink | null = null;
  private meta: { kind: 'L' | 'K' | 'x' | 'g'; buf: Uint8Array; fill: number; offset: number } | null = null;
  private longName: string | null = null;
  private longLink: string | null = null;
  private pax: Map<string, string> | null = null;
  private readonly globalPax = new Map<string, string>();
  private entryOffset = 0;
  private count = 0;
  private done = false;
  private sawHeader = false;

  constructor(private readonly onEntry: (e: TarEntry) => TarDataSink | null) {}

  /** Bytes consumed so far. */
  get offset(): number {
    return this.pos;
  }

  /** Entries seen so far. */
  get entries(): number {
    return this.count;
  }

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.done) {
        // After the end-of-archive marker: trailing zero padding (or anything) is ignored.
        this.pos += chunk.length - i;
        return;
      }
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - i);
        const part = chunk.subarray(i, i + n);
        if (this.meta) {
          this.meta.buf.set(part, this.meta.fill);
          this.meta.fill += n;
        } else this.sink?.data(part);
        this.remaining -= n;
        this.pos += n;
        i += n;
        if (this.remaining === 0) this.finishData();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - i);
        this.padding -= n;
        this.pos += n;
        i += n;
        continue;
      }
      const n = Math.min(BLOCK - this.headerFill, chunk.length - i);
      this.header.set(chunk.subarray(i, i + n), this.headerFill);
      this.headerFill += n;
      this.pos += n;
      i += n;
      if (this.headerFill === BLOCK) {
        this.headerFill = 0;
        this.onHeader(this.pos - BLOCK);
      }
    }
  }

  /** The stream ended: throws TarError when it ended inside a header or an entry. */
  end(): void {
    if (this.done) return;
    if (this.remaining > 0 || this.headerFill > 0 || this.padding > 0) {
      throw new TarError(
        `truncated at offset ${this.pos} (inside ${this.remaining > 0 ? 'the data' : 'the header'} of the entry at offset ${this.entryOffset})`,
        this.pos,
        'truncated',
      );
    }
    if (this.meta || this.longName !== null || this.longLink !== null || this.pax !== null) {
      throw new TarError(`truncated at offset ${this.pos} (an extended header is not followed by its entry)`, this.pos, 'truncated');
    }
    if (!this.sawHeader) throw new TarError('empty stream: no tar header', 0);
    // A tar that stops at an entry boundary without the zero blocks is accepted (some writers omit them).
  }

  private finishData(): void {
    if (this.meta) {
      const m = this.meta;
      this.meta = null;
      const data = m.buf.subarray(0, m.fill);
      if (m.kind === 'L') this.longName = cstring(data, 0, data.length);
      else if (m.kind === 'K') this.longLink = cstring(data, 0, data.length);
      else if (m.kind === 'x') this.pax = parsePax(data, m.offset);
      else for (const [k, v] of parsePax(data, m.offset)) this.globalPax.set(k, v);
    } else {
      const s = this.sink;
      this.sink = null;
      s?.end();
    }
  }

  private onHeader(offset: number): void {
    const h = parseHeader(this.header, offset);
    if (h === null) {
      if (!this.sawHeader) throw new TarError('not a tar archive (it starts with a zero block)', offset);
      this.done = true;
      return;
    }
    this.sawHeader = true;
    this.padding = (BLOCK - (h.size % BLOCK)) % BLOCK;
    if (h.typeflag === 'L' || h.typeflag === 'K' || h.typeflag === 'x' || h.typeflag === 'g') {
      if (h.size > MAX_META) throw new TarError(`extended header of ${h.size} bytes at offset ${offset} is too large`, offset);
      this.meta = { kind: h.typeflag, buf: new Uint8Array(h.size), fill: 0, offset };
      this.remaining = h.size;
      if (h.size === 0) this.finishData();
      return;
    }
    const pax = new Map([...this.globalPax, ...(this.pax ?? [])]);
    let name = pax.get('path') ?? this.longName ?? h.name;
    const linkname = pax.get('linkpath') ?? this.longLink ?? h.linkname;
    let size = h.size;
    const paxSize = pax.get('size');
    if (paxSize !== undefined) {
      if (!/^[0-9]+$/.test(paxSize)) throw new TarError(`bad PAX size "${paxSize}" for the entry at offset ${offset}`, offset);
      size = Number(paxSize);
      this.padding = (BLOCK - (size % BLOCK)) % BLOCK;
    }
    this.pax = null;
    this.longName = null;
    this.longLink = null;
    let type = typeOf(h.typeflag);
    // Old tars mark directories with a trailing slash on a regular-file entry.
    if (type === 'file' && h.typeflag === '0' && name.endsWith('/')) type = 'dir';
    if (type === 'dir') name = name.replace(/\/+$/, '') || '.';
    this.entryOffset = offset;
    const entry: TarEntry = { name, type, typeflag: h.typeflag, mode: h.mode, size, linkname, offset, index: this.count++ };
    this.sink = this.onEntry(entry);
    this.remaining = size;
    if (size === 0) this.finishData();
  }
}
