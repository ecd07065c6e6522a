/**
 * The extracted root: the files goready reads placed at their image paths under the temp root, and
 * the symlinks and directories the readers go through. Nothing else is made, and paths too long
 * for the temp root are left out with a note.
 */
import { chmodSync, linkSync, mkdirSync, renameSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { type Content, cleanComponents, type FileNode, type ImageTree, joinPath, relativePath } from '../../core/image/tree.js';
import type { Budget } from './limits.js';
import { neededFiles } from './wanted.js';

/** Linux's PATH_MAX and NAME_MAX: a longer path under the temp root cannot be created; such entries are skipped. */
const PATH_MAX = 4096;
const NAME_MAX = 255;
/** What a directory costs on disk (one ext4 block), charged to the temp-disk limit. */
const DIR_COST = 4096;

/** A path that cannot be created under `base` on Linux: longer than PATH_MAX, or a component longer than NAME_MAX. */
function tooLong(base: string, path: readonly string[], target = ''): boolean {
  return (
    Buffer.byteLength(base) + path.reduce((n, c) => n + 1 + Buffer.byteLength(c), 0) >= PATH_MAX ||
    path.some((c) => Buffer.byteLength(c) > NAME_MAX) ||
    Buffer.byteLength(target) >= PATH_MAX
  );
}

/**
 * Places what the readers of the root use under ROOT. Returns the files to extract (by canonical
 * path), which of them are libraries, the paths made, and one note about entries left out.
 */
export function materialize(
  tree: ImageTree,
  root: string,
  budget: Budget,
): { needed: Map<string, FileNode>; libs: Set<string>; madeFiles: Set<string>; notes: string[] } {
  // Materialize what the readers of the root use: the needed files, the symlinks in the
  // directories they list or look things up in and at the top two levels (/lib -> usr/lib), and
  // the directories holding those. Other directories and symlinks are not made: a layer of
  // 300,000 directories costs no temp disk. Paths too long for the temp root are skipped.
  const { needed, libs, dirs } = neededFiles(tree);
  const placed = new Map<Content, string>();
  /** The paths made under the root (a hardlink's long name may be skipped while its content is placed under another). */
  const madeFiles = new Set<string>();
  const made = new Set<string>();
  let skipped = 0;
  let firstSkipped = '';
  const skip = (path: readonly string[]) => {
    if (skipped++ === 0) firstSkipped = joinPath(path);
  };
  const host = (path: readonly string[]) => join(root, ...path);
  const mkdirs = (dir: readonly string[]) => {
    for (let k = 1; k <= dir.length; k++) {
      const key = joinPath(dir.slice(0, k));
      if (made.has(key)) continue;
      budget.chargeTemp(DIR_COST);
      mkdirSync(host(dir.slice(0, k)), { mode: 0o755 });
      made.add(key);
    }
  };
  for (const { path, node } of tree.walk()) {
    const parent = path.slice(0, -1);
    if (node.kind === 'symlink') {
      if (!(parent.length <= 1 || dirs.has(joinPath(parent)))) continue;
      const r = tree.resolve(path, true);
      const target = relativePath(parent, r ? r.path : cleanComponents(node.target, parent));
      if (tooLong(root, path, target)) {
        skip(path);
        continue;
      }
      mkdirs(parent);
      symlinkSync(target, host(path));
    } else if (node.kind === 'file' && needed.get(joinPath(path)) === node && node.content.blob !== null) {
      if (tooLong(root, path)) {
        skip(path);
        continue;
      }
      mkdirs(parent);
      const dst = host(path);
      const first = placed.get(node.content);
      if (first) linkSync(first, dst);
      else {
        renameSync(node.content.blob, dst);
        placed.set(node.content, dst);
        chmodSync(dst, (node.mode & 0o777) | 0o600);
      }
      madeFiles.add(joinPath(path));
    }
  }
  for (const d of dirs) {
    const comps = d.split('/').filter(Boolean);
    if (tree.get(comps)?.kind === 'dir' && !tooLong(root, comps)) mkdirs(comps);
  }
  const notes =
    skipped > 0
      ? [
          `${skipped} ${skipped === 1 ? 'entry' : 'entries'} left out: ${skipped === 1 ? 'its path is' : 'their paths are'} longer than PATH_MAX (${PATH_MAX} bytes) or ${'a name longer than'} NAME_MAX (${NAME_MAX}) under the temp directory (first: ${firstSkipped.slice(0, 120)}${firstSkipped.length > 120 ? '…' : ''})`,
        ]
      : [];

  return { needed, libs, madeFiles, notes };
}
