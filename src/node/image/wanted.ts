/**
 * Which files of an image goready extracts: os-release, ld.so.conf and what it includes, the
 * package records, the shared objects and loaders of the library directories, the ELF executables.
 */
import { readFileSync, statSync } from 'node:fs';
import { type Content, type ContentAccess, type FileNode, type ImageTree, joinPath } from '../../core/image/tree.js';
import { isTripletName } from '../../core/linux/arch.js';
import { ldSoConfDirs } from '../../core/linux/ldconf.js';
import { DEFAULT_LIB_DIRS, LOADER, SHARED_OBJECT } from '../../core/linux/loader.js';
import { Root } from '../../core/linux/root.js';
import { FileSource } from '../files/source.js';

/** Files read from a fixed place. */
const FIXED_FILES = ['/etc/os-release', '/usr/lib/os-release', '/etc/ld.so.conf', '/lib/apk/db/installed'];
/**
 * Library directories kept while streaming, besides the multiarch ones (/lib/<triplet>,
 * /usr/lib/<triplet>, any architecture) and those of ld.so.conf (fetched by a second pass): the
 * loader's defaults and the other places distributions put libraries.
 */
const LIB_DIRS: readonly string[] = [...DEFAULT_LIB_DIRS, '/usr/local/lib', '/lib32', '/usr/lib32', '/libx32', '/usr/libx32'];
/** A file the loader may open: a shared object or a loader. */
const isLibrary = (name: string) => SHARED_OBJECT.test(name) || LOADER.test(name);
/** An ld.so.conf file read whole at most this large; a larger one is not a configuration file. */
const MAX_CONF_BLOB = 64 << 20;

const isLibDir = (d: string) => LIB_DIRS.includes(d) || (/^\/(?:usr\/)?lib\/[^/]+$/.test(d) && isTripletName(d.slice(d.lastIndexOf('/') + 1)));

/** Whether a file at this canonical path is kept while streaming (more may be fetched later by a second pass). */
export function wantedWhileStreaming(path: string[]): boolean {
  const p = joinPath(path);
  if (FIXED_FILES.includes(p)) return true;
  const dir = joinPath(path.slice(0, -1));
  if (dir === '/etc/ld.so.conf.d') return true;
  if (isPackageRecord(path)) return true;
  return isLibDir(dir) && isLibrary(path[path.length - 1] as string);
}

/** dpkg's file lists and the packages' copyright files: which package ships a library, under which licence. */
function isPackageRecord(path: string[]): boolean {
  const name = path[path.length - 1] as string;
  if (path.length === 5 && path[0] === 'var' && path[1] === 'lib' && path[2] === 'dpkg' && path[3] === 'info') return name.endsWith('.list');
  return path.length === 5 && path[0] === 'usr' && path[1] === 'share' && path[2] === 'doc' && name === 'copyright';
}

/**
 * The image tree as a Root for the loader model, file data read from the blobs kept while
 * streaming; files whose data was not kept are added to MISSING (a later pass fetches them).
 */
function treeRoot(tree: ImageTree, missing: Set<Content>): Root {
  const access: ContentAccess = {
    read: (c) => {
      if (c.blob === null) {
        missing.add(c);
        return null;
      }
      try {
        return statSync(c.blob).size > MAX_CONF_BLOB ? null : readFileSync(c.blob);
      } catch {
        // A blob that vanished reads as absent.
        return null;
      }
    },
    open: (c) => {
      try {
        return c.blob === null ? null : new FileSource(c.blob);
      } catch {
        // A blob that vanished reads as absent.
        return null;
      }
    },
  };
  return new Root(tree.view(access));
}

/**
 * Canonical path -> file node of everything to extract: fixed files, libraries, ELF executables;
 * and the directories whose symlinks are kept (those goready lists or looks things up in).
 * ld.so.conf files read while finding the library directories whose data was not kept are added to
 * MISSING (the second pass fetches them).
 */
export function neededFiles(tree: ImageTree, missing: Set<Content> = new Set()): { needed: Map<string, FileNode>; libs: Set<string>; dirs: Set<string> } {
  const needed = new Map<string, FileNode>();
  const listed = new Set<string>();
  const add = (logical: string) => {
    const r = tree.resolve(logical, true);
    if (r?.node?.kind === 'file') needed.set(joinPath(r.path), r.node);
  };
  const children = (dir: string): string[] => {
    const r = tree.resolve(dir, true);
    if (r?.node?.kind !== 'dir') return [];
    listed.add(joinPath(r.path));
    return [...r.node.children.keys()].sort();
  };
  for (const f of FIXED_FILES) add(f);
  for (const n of children('/etc/ld.so.conf.d')) add(`/etc/ld.so.conf.d/${n}`);
  const dirs = new Set(LIB_DIRS);
  for (const base of ['/lib', '/usr/lib']) for (const n of children(base)) if (isTripletName(n)) dirs.add(`${base}/${n}`);
  for (const d of ldSoConfDirs(treeRoot(tree, missing))) dirs.add(d);
  for (const d of dirs) for (const n of children(d)) if (isLibrary(n)) add(`${d === '/' ? '' : d}/${n}`);
  for (const n of children('/var/lib/dpkg/info')) if (n.endsWith('.list')) add(`/var/lib/dpkg/info/${n}`);
  for (const n of children('/usr/share/doc')) add(`/usr/share/doc/${n}/copyright`);
  const libs = new Set(needed.keys());
  for (const { path, node } of tree.walk()) {
    if (node.kind === 'file' && node.mode & 0o111 && node.content.elf) needed.set(joinPath(path), node);
  }
  for (const p of needed.keys()) listed.add(p.slice(0, p.lastIndexOf('/')) || '/');
  return { needed, libs, dirs: listed };
}
