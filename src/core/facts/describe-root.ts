/**
 * What the files of a root filesystem tell, read through a RootView only (no /proc, nothing run):
 * its os-release, its C library and the libraries its loader can find. The Node collector reads the
 * machine's own root or a root directory this way, the image reader an extracted image; the sh
 * collector (collector.sh) follows the same rules and the tests compare the two field by field.
 */
import { ascii, indexOf } from '../io/bytes.js';
import type { ByteSource } from '../io/source.js';
import { LOADER, libraryDirs, loaderDirs, SHARED_OBJECT, searchPaths, VERSIONED_LIBRARY } from '../linux/loader.js';
import { cmpC, joinIn, type Root } from '../linux/root.js';
import { ElfFile, openElf } from '../object/elf.js';
import { VER_FLG_BASE, versionDefs } from '../object/verdef.js';
import type { HostSnapshot, LibraryFile } from './host.js';

export type RootFacts = Pick<HostSnapshot, 'distro' | 'libc' | 'libraries'>;

/** ROOT's os-release, libc and libraries. ARCH (GOARCH-style) picks the multiarch directories; null searches only the default ones. */
export async function describeRootView(root: Root, arch: string | null): Promise<RootFacts> {
  return { distro: distro(root), libc: await libc(root, arch), libraries: await libraries(root, arch) };
}

/** os-release value as a shell reads it: "double" (with \ escapes), 'single', or bare. */
function osReleaseValue(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

function distro(root: Root): HostSnapshot['distro'] {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = root.readText(file);
    if (text === null) continue;
    const kv = new Map<string, string>();
    for (const l of text.split('\n')) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(l);
      if (m) kv.set(m[1] as string, osReleaseValue(m[2] as string));
    }
    const g = (k: string) => kv.get(k) ?? null;
    return { file, id: g('ID'), idLike: g('ID_LIKE'), versionId: g('VERSION_ID'), versionCodename: g('VERSION_CODENAME'), prettyName: g('PRETTY_NAME') };
  }
  return { file: null, id: null, idLike: null, versionId: null, versionCodename: null, prettyName: null };
}

/** glibc's banner (csu/version.c): "GNU C Library (Debian GLIBC 2.36-9+deb12u10) stable release version 2.36". */
const BANNER = /^GNU C Library [ -~]*release version [0-9][0-9.]*[0-9]/;
const BANNER_START = ascii('GNU C Library ');
const CHUNK = 1 << 20;
/** The printable run after a banner's start is read at most this far: the banner is a hundred characters. */
const MAX_RUN = 64 << 10;

/**
 * The banner in a file: the first "GNU C Library " whose run of printable ASCII goes on to
 * "release version N.N" (what `tr -c ' -~' '\n' | grep -o` finds in the sh collector), read a
 * chunk at a time; only the runs after a hit are decoded.
 */
async function findBanner(src: ByteSource): Promise<string | null> {
  const n = BANNER_START.length;
  for (let pos = 0; pos < src.size; pos += CHUNK) {
    // Chunks overlap by the needle's length less one: a start is never cut in two, nor seen twice.
    const chunk = await src.read(pos, CHUNK + n - 1);
    for (let i = indexOf(chunk, BANNER_START); i >= 0 && i < CHUNK; i = indexOf(chunk, BANNER_START, i + 1)) {
      const run = await src.read(pos + i, MAX_RUN);
      let end = 0;
      while (end < run.length && (run[end] as number) >= 0x20 && (run[end] as number) <= 0x7e) end++;
      const m = BANNER.exec(new TextDecoder().decode(run.subarray(0, end)));
      if (m) return m[0];
    }
  }
  return null;
}

/** The version names an ELF file defines (.gnu.version_d, base entry left out), sorted, unique; null when unreadable, not ELF or none. */
async function definedVersions(src: ByteSource): Promise<string[] | null> {
  try {
    const obj = await openElf(src);
    if (!(obj instanceof ElfFile)) return null;
    const names = (await versionDefs(obj)).filter((d) => (d.flags & VER_FLG_BASE) === 0 && d.name !== '').map((d) => d.name);
    return names.length === 0 ? null : [...new Set(names)].sort(cmpC);
  } catch {
    // Not an ELF object, or a malformed one: no version definitions to report.
    return null;
  }
}

/** definedVersions of the file PATH names; null when it cannot be opened. */
async function versionsAt(root: Root, path: string): Promise<string[] | null> {
  const src = root.open(path);
  if (src === null) return null;
  try {
    return await definedVersions(src);
  } finally {
    src.close();
  }
}

async function libc(root: Root, arch: string | null): Promise<HostSnapshot['libc']> {
  const dirs = libraryDirs(arch);
  let libseccomp: string | null = null;
  for (const d of dirs) {
    // The real file, not a symlink to it: libseccomp.so.2 -> libseccomp.so.2.5.4.
    const hit = root.names(d, /^libseccomp\.so\.[0-9]/).find((n) => root.entryKind(d, n) === 'file');
    if (hit) {
      libseccomp = hit.slice('libseccomp.so.'.length);
      break;
    }
  }

  for (const file of dirs.map((d) => `${d}/libc.so.6`)) {
    const src = root.open(file);
    if (src === null) continue;
    let banner: string | null;
    let defs: string[] | null;
    try {
      banner = await findBanner(src).catch(() => null);
      defs = await definedVersions(src);
    } finally {
      src.close();
    }
    if (banner !== null || defs?.some((d) => d.startsWith('GLIBC_'))) {
      const version = banner === null ? null : banner.slice(banner.lastIndexOf('release version ') + 'release version '.length);
      return { family: 'glibc', version, file, banner, versionDefs: defs, libseccomp };
    }
    break; // the first readable libc.so.6 decides, as the loader would use it
  }

  const loader = root.names('/lib', /^ld-musl-.*\.so\.1$/).find((n) => root.isFile(`/lib/${n}`));
  if (loader) {
    let version: string | null = null;
    const db = root.readText('/lib/apk/db/installed');
    if (db !== null) {
      let inMusl = false;
      for (const l of db.split('\n')) {
        if (l === '') inMusl = false;
        else if (l === 'P:musl') inMusl = true;
        else if (inMusl && l.startsWith('V:')) {
          version = l.slice(2).replace(/-r[0-9]+$/, '') || null;
          break;
        }
      }
    }
    return { family: 'musl', version, file: `/lib/${loader}`, banner: null, versionDefs: null, libseccomp };
  }
  return { family: 'unknown', version: null, file: null, banner: null, versionDefs: null, libseccomp };
}

async function libraries(root: Root, arch: string | null): Promise<NonNullable<HostSnapshot['libraries']>> {
  const search = searchPaths(root, arch);
  const loaders = new Set<string>();
  for (const d of loaderDirs(arch)) for (const n of root.names(d, LOADER)) if (root.isFile(joinIn(d, n))) loaders.add(joinIn(d, n));
  const files: LibraryFile[] = [];
  const seen = new Set<string>();
  for (const d of search) {
    for (const n of root.names(d, SHARED_OBJECT)) {
      const path = joinIn(d, n);
      if (seen.has(path) || !root.isFile(path)) continue;
      seen.add(path);
      files.push({ path, versionDefs: VERSIONED_LIBRARY.test(n) ? await versionsAt(root, path) : null });
    }
  }
  files.sort((a, b) => cmpC(a.path, b.path));
  return { searchPaths: search, loaders: [...loaders].sort(cmpC), files };
}
