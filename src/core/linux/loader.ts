/**
 * The dynamic loader's view of a root: which directories it searches, in which order, and where a
 * NEEDED soname resolves (ld.so(8): DT_RPATH unless DT_RUNPATH is set, LD_LIBRARY_PATH, DT_RUNPATH,
 * the ld.so.conf directories (through ld.so.cache), then the default directories).
 */
import { triplets } from './arch.js';
import { ldSoConfDirs } from './ldconf.js';
import type { Root } from './root.js';

/** The default directories every glibc and musl loader knows, in the order goready searches them. */
export const DEFAULT_LIB_DIRS = ['/lib64', '/usr/lib64', '/lib', '/usr/lib'] as const;

/**
 * Library directories searched, in order, for a GOARCH: its multiarch directories
 * (/lib/<triplet>, /usr/lib/<triplet>), then the default ones. null: the default ones only.
 */
export function libraryDirs(arch: string | null): string[] {
  const out: string[] = [];
  for (const t of triplets(arch)) out.push(`/lib/${t}`, `/usr/lib/${t}`);
  return [...out, ...DEFAULT_LIB_DIRS];
}

/** The directories a root's loader searches: ld.so.conf's (includes followed), then libraryDirs(arch); each once. */
export function searchPaths(root: Root, arch: string | null): string[] {
  return [...new Set([...ldSoConfDirs(root), ...libraryDirs(arch)])];
}

/**
 * Where loaders (ld-*.so*) are looked for: the multiarch directories, then /lib, /lib64, /usr/lib,
 * /usr/lib64 (PT_INTERP names one of these on every distribution).
 */
export function loaderDirs(arch: string | null): string[] {
  const defaults = ['/lib', '/lib64', '/usr/lib', '/usr/lib64'];
  return [...new Set([...libraryDirs(arch).filter((d) => !defaults.includes(d)), ...defaults])];
}

/** A shared object's file name: *.so or *.so.* (no leading dot, as a sh glob matches it). */
export const SHARED_OBJECT = /^[^.].*(?:\.so$|\.so\.)/;
/** A loader's file name: ld-linux-x86-64.so.2, ld-musl-x86_64.so.1, ld-2.31.so … */
export const LOADER = /^ld-.*\.so/;
/**
 * The libraries whose symbol-version definitions Go binaries need (cgo): glibc's (libc, libm,
 * libpthread, libdl, librt, libresolv, libutil, libanl, libnsl), its loaders, libgcc_s and libstdc++.
 */
export const VERSIONED_LIBRARY = /^(?:lib(?:c|m|pthread|dl|rt|resolv|util|anl|nsl|gcc_s|stdc\+\+)\.so(?:\.|$)|ld-linux|ld64\.so\.)/;

/**
 * The binary's own search path: DT_RUNPATH when it has one, else DT_RPATH (the loader ignores
 * RPATH when RUNPATH is set).
 */
export function ownSearchPath(runpath: readonly string[], rpath: readonly string[]): string[] {
  return runpath.length ? [...runpath] : [...rpath];
}

/**
 * Where the loader finds SONAME: a name with a slash is a path; otherwise the absolute entries of
 * the binary's own search path (ownSearchPath; $ORIGIN and relative entries depend on where the
 * binary is installed and are skipped), then SEARCH (ld.so.conf and default directories).
 * `lookup(path)` answers whether a library is at a path; the first hit is returned.
 */
export function resolveSoname<T>(soname: string, own: readonly string[], search: readonly string[], lookup: (path: string) => T | null): T | null {
  if (soname.includes('/')) return lookup(soname);
  for (const dir of [...own.filter((p) => p.startsWith('/')), ...search]) {
    const hit = lookup(`${dir.replace(/\/+$/, '')}/${soname}`);
    if (hit !== null) return hit;
  }
  return null;
}

/**
 * resolveSoname over a snapshot's library list: the entry of FILES whose path the loader would open.
 */
export function resolveLibrary<F extends { path: string }>(
  soname: string,
  own: readonly string[],
  libs: { searchPaths: readonly string[]; files: readonly F[] },
): F | null {
  let byPath = indexed.get(libs.files) as Map<string, F> | undefined;
  if (!byPath) {
    byPath = new Map();
    for (const f of libs.files) if (!byPath.has(f.path)) byPath.set(f.path, f);
    indexed.set(libs.files, byPath);
  }
  const index = byPath;
  return resolveSoname(soname, own, libs.searchPaths, (p) => index.get(p) ?? null);
}

/** Library lists indexed by path, built once per list (a snapshot lists thousands). */
const indexed = new WeakMap<readonly { path: string }[], Map<string, { path: string }>>();
