/**
 * The merged root filesystem of an image, built from layer entries (headers only; file data stays
 * where the caller puts it): whiteouts (`.wh.NAME`), opaque directories (`.wh..wh..opq`), hardlinks
 * and symlinks, applied in layer order as overlayfs and containerd do.
 *
 * Every path is resolved inside the image root: `..` stops at the root and an absolute symlink target
 * starts again at the image root, so nothing here can name a place outside the image. Pure: no Node APIs.
 */
import type { ByteSource } from '../io/source.js';
import type { TarEntry } from './tar.js';

/** A regular file's data: where it was in the layers, and where the caller stored it (if it did). */
export interface Content {
  /** Layer (0-based) and entry index in that layer of the file entry that carried the data. */
  layer: number;
  entry: number;
  size: number;
  /** Set by the caller: where the data was written (a temp file), or null when it was not kept. */
  blob: string | null;
  /** Set by the caller: whether the data starts with the ELF magic (null when not looked at). */
  elf: boolean | null;
}

export interface DirNode {
  kind: 'dir';
  mode: number;
  /** The layer that last declared the directory (opaque directories remove what lower layers put under it). */
  layer: number;
  children: Map<string, Node>;
}
export interface FileNode {
  kind: 'file';
  mode: number;
  layer: number;
  content: Content;
}
export interface SymlinkNode {
  kind: 'symlink';
  layer: number;
  target: string;
}
export interface OtherNode {
  kind: 'other';
  layer: number;
}
export type Node = DirNode | FileNode | SymlinkNode | OtherNode;

/** How the caller reaches the data of the files it kept (the tree holds headers only). */
export interface ContentAccess {
  /** The whole data; null when it was not kept or cannot be read. */
  read(content: Content): Uint8Array | null;
  /** The data for random access; null when it was not kept or cannot be opened. */
  open(content: Content): (ByteSource & { close(): void }) | null;
}

/**
 * The tree as core/linux's RootView (matched by shape: the image stage comes before linux), so the
 * loader model reads an image as it reads a directory. Paths have their directories resolved already.
 */
export interface TreeView {
  lstat(path: string): Node['kind'] | null;
  readlink(path: string): string | null;
  readdir(path: string): string[] | null;
  readFile(path: string): Uint8Array | null;
  open(path: string): (ByteSource & { close(): void }) | null;
}

/** Symlinks followed in one resolution before giving up (Linux's limit). */
const MAX_LINKS = 40;

/** A path's components with `.` and empty ones dropped; `..` kept. */
function parts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.');
}

/** Cleans a path lexically inside a root: `..` above the root stays at the root. Returns the components. */
export function cleanComponents(path: string, base: readonly string[] = []): string[] {
  const out = path.startsWith('/') ? [] : [...base];
  for (const p of parts(path)) {
    if (p === '..') out.pop();
    else out.push(p);
  }
  return out;
}

export function joinPath(components: readonly string[]): string {
  return `/${components.join('/')}`;
}

/** The relative path from directory `from` to `to`, both absolute component lists inside one root. */
export function relativePath(from: readonly string[], to: readonly string[]): string {
  let i = 0;
  while (i < from.length && i < to.length && from[i] === to[i]) i++;
  const up = from.slice(i).map(() => '..');
  const rel = [...up, ...to.slice(i)].join('/');
  return rel === '' ? '.' : rel;
}

export interface Resolved {
  /** Canonical components: every one but the last is a directory of the tree. */
  path: string[];
  node: Node | null;
}

export interface ApplyResult {
  /** For a regular file entry: its canonical path and its content record (the caller may keep the data). */
  file?: { path: string[]; node: FileNode };
}

export class ImageTree {
  readonly root: DirNode = { kind: 'dir', mode: 0o755, layer: -1, children: new Map() };

  /**
   * Resolves a path the way the kernel would inside a chroot of the image: symlinks in directory
   * positions are followed (and the last component too when `followLast`), `..` goes up from the
   * directory actually reached, the root's parent is the root. Returns null when a directory
   * component is missing or not a directory, or on a symlink loop. The last component may be missing
   * (node null).
   */
  resolve(path: string | readonly string[], followLast: boolean): Resolved | null {
    let queue = typeof path === 'string' ? parts(path) : [...path];
    const stack: string[] = [];
    const dirs: DirNode[] = [this.root];
    let links = 0;
    while (queue.length > 0) {
      const c = queue.shift() as string;
      const cur = dirs[dirs.length - 1] as DirNode;
      if (c === '..') {
        if (stack.length > 0) {
          stack.pop();
          dirs.pop();
        }
        continue;
      }
      const node = cur.children.get(c) ?? null;
      const last = queue.length === 0;
      if (node?.kind === 'symlink' && (!last || followLast)) {
        if (++links > MAX_LINKS) return null;
        const t = parts(node.target);
        if (node.target.startsWith('/')) {
          stack.length = 0;
          dirs.length = 1;
        }
        queue = [...t, ...queue];
        continue;
      }
      if (last) return { path: [...stack, c], node };
      if (node?.kind !== 'dir') return null;
      stack.push(c);
      dirs.push(node);
    }
    return { path: stack, node: dirs[dirs.length - 1] as DirNode };
  }

  /** The node at a canonical path (no symlinks followed), or null. */
  get(path: readonly string[]): Node | null {
    let n: Node = this.root;
    for (const c of path) {
      if (n.kind !== 'dir') return null;
      const next = n.children.get(c);
      if (!next) return null;
      n = next;
    }
    return n;
  }

  /**
   * The directory an entry's parent path names, created (mode 0755) where missing; symlinks on the
   * way are followed inside the root; a non-directory in the way is replaced by a directory.
   */
  private parentDir(components: readonly string[], layer: number): { dir: DirNode; path: string[] } {
    let queue = [...components];
    const stack: string[] = [];
    const dirs: DirNode[] = [this.root];
    let links = 0;
    while (queue.length > 0) {
      const c = queue.shift() as string;
      const cur = dirs[dirs.length - 1] as DirNode;
      if (c === '..') {
        if (stack.length > 0) {
          stack.pop();
          dirs.pop();
        }
        continue;
      }
      let node = cur.children.get(c);
      if (node?.kind === 'symlink' && links < MAX_LINKS) {
        links++;
        if (node.target.startsWith('/')) {
          stack.length = 0;
          dirs.length = 1;
        }
        queue = [...parts(node.target), ...queue];
        continue;
      }
      if (node?.kind !== 'dir') {
        node = { kind: 'dir', mode: 0o755, layer, children: new Map() };
        cur.children.set(c, node);
      }
      stack.push(c);
      dirs.push(node);
    }
    return { dir: dirs[dirs.length - 1] as DirNode, path: stack };
  }

  /** Removes, under `dir`, everything that lower layers (< layer) put there. */
  private purgeLower(dir: DirNode, layer: number): void {
    for (const [name, child] of dir.children) {
      if (child.layer < layer) dir.children.delete(name);
      else if (child.kind === 'dir') this.purgeLower(child, layer);
    }
  }

  /** Applies one entry of layer `layer`. */
  apply(layer: number, e: TarEntry): ApplyResult {
    const comps = cleanComponents(e.name);
    if (comps.length === 0) {
      if (e.type === 'dir') this.root.mode = e.mode;
      return {};
    }
    const base = comps[comps.length - 1] as string;
    const { dir, path: parentPath } = this.parentDir(comps.slice(0, -1), layer);
    if (base === '.wh..wh..opq') {
      this.purgeLower(dir, layer);
      return {};
    }
    if (base.startsWith('.wh..wh.')) return {}; // aufs metadata (.wh..wh.plnk ...): not part of the filesystem
    if (base.startsWith('.wh.')) {
      dir.children.delete(base.slice(4));
      return {};
    }
    const existing = dir.children.get(base);
    const path = [...parentPath, base];
    switch (e.type) {
      case 'dir':
        if (existing?.kind === 'dir') {
          existing.mode = e.mode;
          existing.layer = layer;
        } else dir.children.set(base, { kind: 'dir', mode: e.mode, layer, children: new Map() });
        return {};
      case 'file': {
        const node: FileNode = { kind: 'file', mode: e.mode, layer, content: { layer, entry: e.index, size: e.size, blob: null, elf: null } };
        dir.children.set(base, node);
        return { file: { path, node } };
      }
      case 'symlink':
        dir.children.set(base, { kind: 'symlink', layer, target: e.linkname });
        return {};
      case 'hardlink': {
        // The link name is a path from the image root; its directories resolve inside the root.
        const t = this.resolve(cleanComponents(e.linkname), false);
        const target = t?.node ?? null;
        if (target === null || target.kind === 'dir') return {}; // dangling or to a directory: nothing to link
        if (target.kind === 'file') {
          dir.children.set(base, { kind: 'file', mode: target.mode, layer, content: target.content });
        } else if (target.kind === 'symlink') {
          dir.children.set(base, { kind: 'symlink', layer, target: target.target });
        } else dir.children.set(base, { kind: 'other', layer });
        return {};
      }
      default:
        dir.children.set(base, { kind: 'other', layer });
        return {};
    }
  }

  /** This tree as a root filesystem view, file data reached through ACCESS. */
  view(access: ContentAccess): TreeView {
    const at = (path: string) => this.get(parts(path));
    return {
      lstat: (path) => at(path)?.kind ?? null,
      readlink: (path) => {
        const n = at(path);
        return n?.kind === 'symlink' ? n.target : null;
      },
      readdir: (path) => {
        const n = at(path);
        return n?.kind === 'dir' ? [...n.children.keys()] : null;
      },
      readFile: (path) => {
        const n = at(path);
        return n?.kind === 'file' ? access.read(n.content) : null;
      },
      open: (path) => {
        const n = at(path);
        return n?.kind === 'file' ? access.open(n.content) : null;
      },
    };
  }

  /** Every node with its canonical path, parents before children, names sorted. */
  *walk(dir: DirNode = this.root, path: string[] = []): Generator<{ path: string[]; node: Node }> {
    for (const name of [...dir.children.keys()].sort()) {
      const node = dir.children.get(name) as Node;
      const p = [...path, name];
      yield { path: p, node };
      if (node.kind === 'dir') yield* this.walk(node, p);
    }
  }
}
