// Types of shapes.mjs, for the TypeScript tests.
export interface TarEntrySpec {
  name: string;
  type?: 'file' | 'dir' | 'symlink' | 'hardlink';
  data?: Uint8Array;
  /** Data given as chunks (with size): a large entry never held as one buffer. */
  chunks?: Iterable<Uint8Array>;
  size?: number;
  linkname?: string;
  mode?: number;
}
export function tarHeader(h: { name: string; size?: number; type?: string; mode?: number; linkname?: string }): Uint8Array;
export function fixChecksum(block: Uint8Array): void;
export function tarChunks(entries: Iterable<TarEntrySpec>, opts?: { end?: boolean }): Generator<Uint8Array>;
export function concat(chunks: Iterable<Uint8Array>): Uint8Array;
export function tar(entries: Iterable<TarEntrySpec>): Uint8Array;
export function sha256(b: Uint8Array): string;
export function imageConfig(uncompressed: Uint8Array[], extra?: Record<string, unknown>): Uint8Array;
export function dockerSave(layers: Uint8Array[], opts?: { order?: number[]; compress?: 'gzip' | null }): Uint8Array;
export function ociLayout(
  layers: Uint8Array[],
  opts?: { uncompressed?: Uint8Array[]; mediaTypes?: string[]; nest?: { depth: number; fanout: number } | null; extraBlobs?: Uint8Array[] },
): Uint8Array;
export function elfStub(size?: number): Uint8Array;
export function smallLayer(): Uint8Array;
