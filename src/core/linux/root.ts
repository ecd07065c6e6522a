/**
 * One view of a Linux root filesystem, whatever holds it: the machine goready runs on, a root
 * directory (an unpacked image, a chroot) or a container image's merged layer tree. Paths are
 * absolute inside the root and resolved as chroot(2) would: an absolute symlink target starts again
 * at the root, `..` stops at it. The loader model (ld.so.conf, library search, soname resolution)
 * and the description of a root (distro, libc, libraries) read files only through this.
 */
import type { ByteSource } from '../io/source.js';

export type EntryKind = 'file' | 'dir' | 'symlink' | 'other';

/** A file opened for random access; the caller closes it. */
export type RootFile = ByteSource & { close(): void };

/**
 * What a root filesystem must answer. Every PATH given to these methods is absolute and has its
 * directories already resolved (no symlink before the last component); `Root` does the resolving.
 */
export interface RootView {
  /** The kind of the entry at PATH, not following a final symlink (lstat); null when there is none or it cannot be read. */
  lstat(path: string): EntryKind | null;
  /** The target of the symlink at PATH as stored; null when PATH is not a readable symlink. */
  readlink(path: string): string | null;
  /** The names in the directory at PATH, any order; null when it is not a readable directory. */
  readdir(path: string): string[] | null;
  /** The bytes of the regular file at PATH; null when it cannot be read. For small files (configuration, package databases). */
  readFile(path: string): Uint8Array | null;
  /** The regular file at PATH for random access (ELF objects); null when it cannot be opened. */
  open(path: string): RootFile | null;
}

/** Symlinks followed in one resolution before giving up (Linux's MAXSYMLINKS). */
export const MAX_LINKS = 40;
/** Path components walked in one resolution, symlink targets included: PATH_MAX (4096) allows no more. */
const MAX_COMPONENTS = 4096;

/** C (byte) order, as sh globs and `sort` sort under LC_ALL=C. */
export const cmpC = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The directory part of an absolute path ('/' for a file in the root). */
export const dirOf = (path: string): string => path.slice(0, path.lastIndexOf('/')) || '/';

/** DIR/NAME without a doubled slash at the root. */
export const joinIn = (dir: string, name: string): string => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/**
 * A sh glob of one path component (*, ?, [...] and [!...]) as a regular expression; a leading dot
 * must be matched literally, as in sh and glob(3).
 */
export function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, j);
      const neg = body.startsWith('!') || body.startsWith('^');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = j;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}

/** A RootView with the resolving done once per path: what the loader model and the collectors use. */
export class Root {
  private readonly resolved = new Map<string, string | null>();
  /** lstat answers by path: every library path walks the same few directories. */
  private readonly kinds = new Map<string, EntryKind | null>();
  private readonly links = new Map<string, string | null>();
  private readonly lists = new Map<string, string[]>();
  constructor(readonly view: RootView) {}

  /** view.lstat, asked once per path (a Root is short-lived: one description of one root). */
  lstat(path: string): EntryKind | null {
    let k = this.kinds.get(path);
    if (k === undefined) {
      k = this.view.lstat(path);
      this.kinds.set(path, k);
    }
    return k;
  }

  /**
   * PATH with every symlink resolved inside the root (the final one too); null on a symlink loop
   * (over MAX_LINKS links). A missing component ends nothing: the rest is kept as written, so the
   * result names where the file would be.
   */
  resolve(path: string): string | null {
    let hit = this.resolved.get(path);
    if (hit === undefined) {
      hit = this.resolveLast(path) ?? this.walk(path);
      this.resolved.set(path, hit);
    }
    return hit;
  }

  /**
   * The quick way for the common case, a plain name in a directory already resolved (listed just
   * before): the resolved directory and the name, when the name is not a symlink; undefined when
   * the full walk is needed.
   */
  private resolveLast(path: string): string | null | undefined {
    const i = path.lastIndexOf('/');
    const last = path.slice(i + 1);
    if (i <= 0 || last === '' || last === '.' || last === '..') return undefined;
    const dir = this.resolved.get(path.slice(0, i));
    if (dir === undefined) return undefined;
    if (dir === null) return null;
    const at = joinIn(dir, last);
    return this.lstat(at) === 'symlink' ? undefined : at;
  }

  private readlink(path: string): string | null {
    let t = this.links.get(path);
    if (t === undefined) {
      t = this.view.readlink(path);
      this.links.set(path, t);
    }
    return t;
  }

  private walk(path: string): string | null {
    const todo = path.split('/').reverse();
    // at[i]: the resolved path of the first i+1 components, so each step costs one string.
    const at: string[] = [];
    let links = 0;
    let steps = 0;
    while (todo.length > 0) {
      const c = todo.pop() as string;
      if (c === '' || c === '.') continue;
      if (++steps > MAX_COMPONENTS) return null;
      if (c === '..') {
        at.pop();
        continue;
      }
      const next = `${at[at.length - 1] ?? ''}/${c}`;
      const target = this.lstat(next) === 'symlink' ? this.readlink(next) : null;
      if (target === null) {
        at.push(next);
        continue;
      }
      if (++links > MAX_LINKS) return null;
      if (target.startsWith('/')) at.length = 0;
      const parts = target.split('/');
      for (let k = parts.length - 1; k >= 0; k--) todo.push(parts[k] as string);
    }
    return at[at.length - 1] ?? '/';
  }

  /** The kind of what PATH names, symlinks followed; null when nothing is there (or on a loop). */
  kind(path: string): EntryKind | null {
    const r = this.resolve(path);
    return r === null ? null : this.lstat(r);
  }

  /** The kind of the entry NAME in the directory DIR names, NAME itself not followed (lstat). */
  entryKind(dir: string, name: string): EntryKind | null {
    const r = this.resolve(dir);
    return r === null ? null : this.lstat(joinIn(r, name));
  }

  isFile(path: string): boolean {
    return this.kind(path) === 'file';
  }

  isDir(path: string): boolean {
    return this.kind(path) === 'dir';
  }

  /** The text of the regular file PATH names (UTF-8); null when it is not one or cannot be read. */
  readText(path: string): string | null {
    const r = this.resolve(path);
    if (r === null || this.lstat(r) !== 'file') return null;
    const b = this.view.readFile(r);
    return b === null ? null : new TextDecoder().decode(b);
  }

  /** The regular file PATH names, opened; null when it is not one or cannot be opened. */
  open(path: string): RootFile | null {
    const r = this.resolve(path);
    return r === null || this.lstat(r) !== 'file' ? null : this.view.open(r);
  }

  /** The names in the directory PATH names, in C order; [] when it is not a readable directory. Shared: not to be changed. */
  list(path: string): string[] {
    const r = this.resolve(path);
    if (r === null) return [];
    let names = this.lists.get(r);
    if (names === undefined) {
      names = this.view.readdir(r)?.sort(cmpC) ?? [];
      this.lists.set(r, names);
    }
    return names;
  }

  /** The names in directory DIR matching a regular expression, in C order (a new array). */
  names(dir: string, re: RegExp): string[] {
    return this.list(dir).filter((n) => re.test(n));
  }

  /** The paths (as written: DIR/NAME) a sh glob with wildcards in its last component matches, in C order. */
  glob(pattern: string): string[] {
    const dir = dirOf(pattern);
    const re = globRegExp(pattern.slice(pattern.lastIndexOf('/') + 1));
    return this.names(dir, re).map((n) => joinIn(dir, n));
  }
}
