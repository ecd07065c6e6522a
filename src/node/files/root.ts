import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { type EntryKind, Root, type RootFile, type RootView } from '../../core/linux/root.js';
import { type ReadCap, readRegularFile } from './read.js';
import { FileSource } from './source.js';

/** Configuration and package-database files read whole; anything larger is not one (and is not read). */
const MAX_TEXT_FILE: ReadCap = { bytes: 64 << 20, what: 'configuration and package-database files' };

const kindOf = (s: Stats): EntryKind => (s.isSymbolicLink() ? 'symlink' : s.isFile() ? 'file' : s.isDirectory() ? 'dir' : 'other');

/** The files under a directory of this machine as a RootView: PATH inside the root is PREFIX + PATH. */
class DirView implements RootView {
  constructor(private readonly prefix: string) {}

  private at(path: string): string {
    return this.prefix + path;
  }

  lstat(path: string): EntryKind | null {
    try {
      return kindOf(lstatSync(this.at(path)));
    } catch {
      // Missing or unreadable: nothing there, as far as the root is concerned.
      return null;
    }
  }

  readlink(path: string): string | null {
    try {
      return readlinkSync(this.at(path));
    } catch {
      // Not a symlink, or unreadable.
      return null;
    }
  }

  readdir(path: string): string[] | null {
    try {
      return readdirSync(this.at(path));
    } catch {
      // Not a directory, or unreadable.
      return null;
    }
  }

  readFile(path: string): Uint8Array | null {
    try {
      // lstat first: the root's own symlinks are resolved by Root, never by the kernel here.
      if (!lstatSync(this.at(path)).isFile()) return null;
      return readRegularFile(this.at(path), MAX_TEXT_FILE);
    } catch {
      // Unreadable: the caller treats it as absent.
      return null;
    }
  }

  open(path: string): RootFile | null {
    try {
      return new FileSource(this.at(path));
    } catch {
      // Unreadable: the caller treats it as absent.
      return null;
    }
  }
}

/**
 * A root filesystem of this machine, seen from inside as chroot(2) would show it: every path is
 * absolute inside the root, and symlinks are resolved inside it (an absolute target /lib/x means
 * ROOT/lib/x, `..` stops at the root). The root '' (or '/') is this machine's own /.
 */
export class RootFs extends Root {
  /** The directory, without trailing slashes; '' for this machine. */
  readonly prefix: string;
  constructor(root: string) {
    const prefix = root.replace(/\/+$/, '');
    super(new DirView(prefix));
    this.prefix = prefix;
  }

  /**
   * The path on this machine of PATH (absolute inside the root), symlinks resolved inside the root;
   * null on a symlink loop. For this machine's own root, PATH itself (the kernel resolves it).
   */
  host(path: string): string | null {
    if (this.prefix === '') return path;
    const inside = this.resolve(path);
    return inside === null ? null : this.prefix + inside;
  }
}
