/** Where a layer entry's data goes while the layers stream: a temp file, or memory until the first pass ends. */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import type { TarDataSink } from '../../core/image/tar.js';
import type { Content } from '../../core/image/tree.js';
import type { Budget } from './limits.js';

/** A file held in memory while the layers stream is at most this long … */
const HELD_FILE = 64 * 1024;
/** … and all of them together at most this. */
const HELD_TOTAL = 64 * 2 ** 20;

/**
 * Small kept files held in memory until the first pass over the layers ends, then written if still
 * in the tree: a layer naming one library 6,000 times (the fuzzer's find: one temp file created and
 * replaced for each, 32 s on a busy disk) costs one write. Larger files, and small ones past the
 * total, go to disk as they stream.
 */
export class Held {
  private files = new Map<Content, { key: string; chunks: Uint8Array[] }>();
  /** The content each path holds now, and contents a hardlink reaches under another name. */
  readonly latest = new Map<string, Content>();
  readonly linked = new Set<Content>();
  bytes = 0;

  /** `c` now holds `key`: what held it before is dropped unless a hardlink reaches it. */
  replace(key: string, c: Content): void {
    const before = this.latest.get(key);
    if (before === c) return;
    this.latest.set(key, c);
    const f = before && !this.linked.has(before) ? this.files.get(before) : undefined;
    if (!before || !f) return;
    this.files.delete(before);
    for (const b of f.chunks) this.bytes -= b.length;
  }

  hold(c: Content, key: string, chunks: Uint8Array[], size: number): boolean {
    if (this.bytes + size > HELD_TOTAL) return false;
    this.bytes += size;
    this.files.set(c, { key, chunks });
    return true;
  }

  /** Writes the held files the tree still reaches; the others are dropped. */
  flush(blobPath: (c: Content) => string, budget: Budget): void {
    for (const [c, { key, chunks }] of this.files) {
      if (this.latest.get(key) !== c && !this.linked.has(c)) continue;
      const data = Buffer.concat(chunks);
      budget.chargeTemp(data.length);
      const path = blobPath(c);
      writeFileSync(path, data, { mode: 0o600 });
      c.blob = path;
    }
    this.files.clear();
    this.bytes = 0;
  }
}

/**
 * Writes an entry's data to a temp file (or, with `held`, keeps a small one in memory for
 * Held.flush); `elfOnly` drops it unless it starts with the ELF magic.
 */
export class BlobSink implements TarDataSink {
  private fd: number | null = null;
  private head: Uint8Array[] = [];
  private headLen = 0;
  private decided = false;
  /** Data kept in memory (with `held`) until it outgrows HELD_FILE. */
  private mem: Uint8Array[] | null = null;
  private memLen = 0;

  constructor(
    private readonly path: string,
    private readonly content: Content,
    private readonly elfOnly: boolean,
    private readonly budget: Budget,
    private readonly held: { to: Held; key: string } | null = null,
  ) {}

  private write(b: Uint8Array): void {
    if (this.mem !== null) {
      if (this.memLen + b.length <= HELD_FILE) {
        this.mem.push(Buffer.from(b));
        this.memLen += b.length;
        return;
      }
      this.spill();
    }
    this.budget.chargeTemp(b.length);
    writeSync(this.fd as number, b);
  }

  private open(): void {
    this.fd = openSync(this.path, 'w', 0o600);
    this.content.blob = this.path;
  }

  /** Moves the data held so far to the temp file. */
  private spill(): void {
    const mem = this.mem ?? [];
    this.mem = null;
    this.open();
    for (const b of mem) this.write(b);
  }

  private decide(): void {
    const h = Buffer.concat(this.head);
    const elf = h.length >= 4 && h[0] === 0x7f && h[1] === 0x45 && h[2] === 0x4c && h[3] === 0x46;
    this.content.elf = elf;
    this.decided = true;
    if (this.elfOnly && !elf) return;
    if (this.held && this.content.size <= HELD_FILE) this.mem = [];
    else this.open();
    this.write(h);
    this.head = [];
  }

  data(chunk: Uint8Array): void {
    if (!this.decided) {
      this.head.push(Buffer.from(chunk.subarray(0, 4 - this.headLen)));
      const rest = chunk.subarray(4 - this.headLen);
      this.headLen = Math.min(4, this.headLen + chunk.length);
      if (this.headLen < 4) return;
      this.decide();
      if ((this.fd !== null || this.mem !== null) && rest.length > 0) this.write(rest);
      return;
    }
    if (this.fd !== null || this.mem !== null) this.write(chunk);
  }

  end(): void {
    if (!this.decided) this.decide();
    if (this.mem !== null && this.held && !this.held.to.hold(this.content, this.held.key, this.mem, this.memLen)) this.spill();
    this.mem = null;
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
