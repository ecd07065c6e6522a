/**
 * Whole-file reads of inputs someone else may have shaped (snapshots, configs, go.mod, licence
 * texts, saved reports): regular files only, never more than a stated number of bytes. A FIFO, a
 * device or a socket is refused without blocking; a file larger than its cap is refused before it
 * is read. Every refusal is one InputError naming the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from '../../core/errors.js';

/** What a cap is, for its one-line message: "larger than the 64 MiB limit for host snapshots". */
export interface ReadCap {
  bytes: number;
  /** What kind of file the cap is for, e.g. "host snapshots". */
  what: string;
  /** The flag that raises it, when a real user could reach it. */
  flag?: string;
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30 && n % (1 << 30) === 0) return `${n / (1 << 30)} GiB`;
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/** "a FIFO", "a character device" …: what a non-regular file is, in words. */
export function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function openError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  const why =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'ENAMETOOLONG'
          ? 'file name too long'
          : code === 'ELOOP'
            ? 'too many levels of symbolic links'
            : (e as Error).message;
  return new InputError(path, why);
}

/**
 * Reads a regular file whole, refusing anything else and anything over CAP. O_NONBLOCK: opening a
 * FIFO with no writer, or a device that waits, returns at once instead of hanging.
 */
export function readRegularFile(path: string, cap: ReadCap): Buffer {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (e) {
    throw openError(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) throw new InputError(path, 'is a directory');
    if (!st.isFile()) throw new InputError(path, `${fileKind(st)}, not a regular file: goready reads only regular files here`);
    const tooLarge = () =>
      new InputError(path, `larger than the ${formatBytes(cap.bytes)} limit for ${cap.what}${cap.flag ? ` (raise it with ${cap.flag})` : ''}`);
    if (st.size > cap.bytes) throw tooLarge();
    // Read to the end, not to st.size: a file that grows while it is read still stops at the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(Math.max(st.size - total, 0) + 1, 1 << 20, cap.bytes + 1 - total));
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > cap.bytes) throw tooLarge();
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks, total);
  } catch (e) {
    throw e instanceof InputError ? e : openError(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads and parses a JSON file (regular, at most CAP). The parse error says where, not what: the
 * engine's message quotes the text, and the text may be a secret a config pointed at.
 */
export function readJsonFile(path: string, cap: ReadCap): unknown {
  const text = readRegularFile(path, cap).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0]?.replace(/, ".*" is not valid JSON$/, '');
    throw new InputError(path, text.trim() === '' ? 'not JSON: the file is empty' : `not JSON: ${why}`);
  }
}

/** A configuration file (.goready.json, a licence policy) is a few hundred bytes; 1 MiB is never one. */
export const CONFIG_CAP: ReadCap = { bytes: 1 << 20, what: 'configuration files' };
