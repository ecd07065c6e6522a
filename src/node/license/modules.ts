/**
 * Node-only: where a module's licence files are on this machine, without the network — a vendor/
 * directory, a --source tree, the module cache (extracted trees, then cached zips).
 */
import { existsSync, lstatSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { InputError } from '../../core/errors.js';
import { checkImportPath, checkModulePath, checkModuleVersion, isDirectoryPath } from '../../core/go/modpath.js';
import { type ReadCap, readRegularFile } from '../files/read.js';

/** A licence text is a few KiB; 10 MiB is no licence file. */
const LICENSE_CAP: ReadCap = { bytes: 10 << 20, what: 'licence files' };
/** Go refuses module zips over 500 MiB (golang.org/x/mod/zip MaxZipFile). */
const MODULE_ZIP_CAP: ReadCap = { bytes: 500 << 20, what: 'module zips (Go refuses larger ones)' };
/** go.mod and vendor/modules.txt of the largest modules are well under 1 MiB. */
const MODULE_LIST_CAP: ReadCap = { bytes: 16 << 20, what: 'go.mod and vendor/modules.txt files' };

export interface ModuleRef {
  path: string;
  version: string;
  /** The module actually compiled in, when a replace directive points elsewhere. */
  replace?: { path: string; version: string };
}

export interface FoundFiles {
  /** Where the texts came from. */
  source: 'vendor' | 'source' | 'modcache' | 'modcache-zip';
  location: string;
  files: { name: string; text: string }[];
}

/** Licence file names at a module root (pkg.go.dev's list, plus NOTICE-free common variants). */
const LICENSE_NAME = /^(licen[cs]e|copying|unlicen[cs]e|mit[-_]licen[cs]e|licen[cs]e[-_.](apache|mit|bsd|code|docs|2\.0)[^/]*)(\.(md|markdown|txt|rst))?$/i;

export function isLicenseFile(name: string): boolean {
  return LICENSE_NAME.test(name);
}

/** module.EscapePath: upper-case letters become '!' + lower case (the module cache is case-insensitive-safe). */
export function escapePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** The module cache: $GOMODCACHE, else the first $GOPATH entry's pkg/mod, else ~/go/pkg/mod. */
export function modCache(env: NodeJS.ProcessEnv = process.env): string {
  if (env.GOMODCACHE) return env.GOMODCACHE;
  const gopath = (env.GOPATH ?? '').split(':').find(Boolean) ?? join(homedir(), 'go');
  return join(gopath, 'pkg', 'mod');
}

/** The real path of DIR when it is ROOT or lies under it (symlinks resolved), else null. */
function inside(root: string, dir: string): string | null {
  try {
    const r = realpathSync(root);
    const d = realpathSync(dir);
    return d === r || d.startsWith(r.endsWith(sep) ? r : r + sep) ? d : null;
  } catch {
    // A directory that does not exist (or cannot be resolved) holds nothing to read.
    return null;
  }
}

/**
 * The licence files at the top of a module directory that lies inside ROOT. A licence file that is
 * a symlink is read only when its target stays inside the module directory; FIFOs, devices and
 * files over 10 MiB are skipped.
 */
function readDirLicenses(root: string, dir: string): { name: string; text: string }[] {
  const real = inside(root, dir);
  if (real === null) return [];
  let names: string[];
  try {
    names = readdirSync(real).sort();
  } catch {
    // A module directory without a readable listing has no licence files to offer.
    return [];
  }
  const out: { name: string; text: string }[] = [];
  for (const n of names) {
    if (!isLicenseFile(n)) continue;
    const f = join(real, n);
    try {
      if (lstatSync(f).isSymbolicLink() && inside(real, f) === null) continue;
      out.push({ name: n, text: readRegularFile(f, LICENSE_CAP).toString('utf8') });
    } catch {
      // Not a regular file, too large or unreadable: not a licence text to classify.
    }
  }
  return out;
}

/** Licence files at the root of a module zip (`<module>@<version>/LICENSE`). */
function readZipLicenses(zipPath: string, mod: string, version: string): { name: string; text: string }[] {
  const prefix = `${mod}@${version}/`;
  const out = unzipSync(readRegularFile(zipPath, MODULE_ZIP_CAP), {
    filter: (f) =>
      f.name.startsWith(prefix) && !f.name.slice(prefix.length).includes('/') && isLicenseFile(f.name.slice(prefix.length)) && f.originalSize < 10 << 20,
  });
  return Object.entries(out)
    .map(([name, data]) => ({ name: name.slice(prefix.length), text: new TextDecoder().decode(data) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface LookupOptions {
  /** A module's source tree or a directory holding module trees (`--source`). */
  source?: string;
  /** A vendor/ directory. */
  vendor?: string;
  modcache?: string;
}

/**
 * Finds a module's licence files, trying vendor, the source tree, then the module cache. The paths
 * come from the binary or the checkout, so each is checked as Go checks it (module.CheckPath and a
 * semantic version) before it is joined to a directory, and no directory outside vendor/, the source
 * tree or the module cache is read, whatever symlinks lie on the way.
 */
export function findModuleLicenses(m: ModuleRef, opts: LookupOptions): FoundFiles | null {
  const path = m.replace?.path ?? m.path;
  const version = m.replace?.version ?? m.version;
  if (opts.vendor && checkImportPath(m.path) === null) {
    const dir = join(opts.vendor, m.path);
    const files = readDirLicenses(opts.vendor, dir);
    if (files.length) return { source: 'vendor', location: dir, files };
  }
  if (opts.source) {
    // A replace to a local directory (`=> ./localutil`) is found relative to the source tree, inside it.
    const local = path === '.' || (m.replace !== undefined && isDirectoryPath(path) && !path.startsWith('/'));
    const dir = local ? join(opts.source, path) : checkImportPath(path) === null ? join(opts.source, path) : null;
    const files = dir ? readDirLicenses(opts.source, dir) : [];
    if (dir && files.length) return { source: 'source', location: dir, files };
  }
  const cache = opts.modcache ?? modCache();
  if (version && checkModulePath(path) === null && checkModuleVersion(version) === null) {
    const dir = join(cache, `${escapePath(path)}@${escapePath(version)}`);
    const files = readDirLicenses(cache, dir);
    if (files.length) return { source: 'modcache', location: dir, files };
    const zip = join(cache, 'cache', 'download', escapePath(path), '@v', `${escapePath(version)}.zip`);
    if (existsSync(zip) && inside(cache, zip) !== null) {
      const zfiles = readZipLicenses(zip, path, version);
      if (zfiles.length) return { source: 'modcache-zip', location: zip, files: zfiles };
    }
  }
  return null;
}

/** Modules of a source tree: vendor/modules.txt when there is one, else go.mod's require lines. */
export function modulesOfTree(dir: string): { main: string | null; modules: ModuleRef[]; vendored: boolean } {
  const vendorTxt = join(dir, 'vendor', 'modules.txt');
  const gomod = join(dir, 'go.mod');
  let main: string | null = null;
  if (existsSync(gomod)) main = /^module\s+(\S+)/m.exec(readRegularFile(gomod, MODULE_LIST_CAP).toString('utf8'))?.[1]?.replace(/^"|"$/g, '') ?? null;
  if (existsSync(vendorTxt)) {
    const modules: ModuleRef[] = [];
    for (const line of readRegularFile(vendorTxt, MODULE_LIST_CAP).toString('utf8').split('\n')) {
      const m = /^# (\S+) (\S+)(?: => (\S+)(?: (\S+))?)?$/.exec(line);
      if (!m) continue;
      const ref: ModuleRef = { path: m[1] as string, version: m[2] as string };
      if (m[3]) ref.replace = { path: m[3], version: m[4] ?? '' };
      modules.push(ref);
    }
    return { main, modules, vendored: true };
  }
  if (!existsSync(gomod)) throw new InputError(dir, 'no go.mod or vendor/modules.txt');
  const text = readRegularFile(gomod, MODULE_LIST_CAP).toString('utf8');
  const modules: ModuleRef[] = [];
  const replaces = new Map<string, { path: string; version: string }>();
  for (const m of text.matchAll(/^\s*(?:replace\s+)?(\S+)(?:\s+\S+)?\s+=>\s+(\S+)(?:\s+(\S+))?\s*$/gm))
    replaces.set(m[1] as string, { path: m[2] as string, version: m[3] ?? '' });
  const requires = [
    ...text.matchAll(/^\s*require\s+(\S+)\s+(\S+)/gm),
    ...[...text.matchAll(/^require\s*\(([\s\S]*?)^\)/gm)].flatMap((b) => [...(b[1] as string).matchAll(/^\s*(\S+)\s+(v\S+)/gm)]),
  ];
  for (const r of requires) {
    const ref: ModuleRef = { path: r[1] as string, version: r[2] as string };
    const rep = replaces.get(ref.path);
    if (rep) ref.replace = rep;
    modules.push(ref);
  }
  return { main, modules, vendored: false };
}
