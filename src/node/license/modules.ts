/**
 * Node-only: where a module's licence files are on this machine, without the network — a vendor/
 * directory, a --source tree, the module cache (extracted trees, then cached zips).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { InputError } from '../../core/errors.js';

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

function readDirLicenses(dir: string): { name: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    // A module directory without a readable listing has no licence files to offer.
    return [];
  }
  return names
    .filter((n) => isLicenseFile(n) && statSync(join(dir, n)).isFile() && statSync(join(dir, n)).size < 10 << 20)
    .map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') }));
}

/** Licence files at the root of a module zip (`<module>@<version>/LICENSE`). */
function readZipLicenses(zipPath: string, mod: string, version: string): { name: string; text: string }[] {
  const prefix = `${mod}@${version}/`;
  const out = unzipSync(readFileSync(zipPath), {
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

/** Finds a module's licence files, trying vendor, the source tree, then the module cache. */
export function findModuleLicenses(m: ModuleRef, opts: LookupOptions): FoundFiles | null {
  const path = m.replace?.path ?? m.path;
  const version = m.replace?.version ?? m.version;
  if (opts.vendor) {
    const dir = join(opts.vendor, m.path);
    const files = readDirLicenses(dir);
    if (files.length) return { source: 'vendor', location: dir, files };
  }
  if (opts.source) {
    // A replace to a local directory (`=> ./localutil`) is found relative to the source tree.
    for (const dir of [join(opts.source, path), opts.source]) {
      const files = existsSync(dir) ? readDirLicenses(dir) : [];
      if (files.length && (dir !== opts.source || path.startsWith('.'))) return { source: 'source', location: dir, files };
    }
  }
  const cache = opts.modcache ?? modCache();
  if (version && !path.startsWith('.') && !path.startsWith('/')) {
    const dir = join(cache, `${escapePath(path)}@${escapePath(version)}`);
    const files = readDirLicenses(dir);
    if (files.length) return { source: 'modcache', location: dir, files };
    const zip = join(cache, 'cache', 'download', escapePath(path), '@v', `${escapePath(version)}.zip`);
    if (existsSync(zip)) {
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
  if (existsSync(gomod)) main = /^module\s+(\S+)/m.exec(readFileSync(gomod, 'utf8'))?.[1]?.replace(/^"|"$/g, '') ?? null;
  if (existsSync(vendorTxt)) {
    const modules: ModuleRef[] = [];
    for (const line of readFileSync(vendorTxt, 'utf8').split('\n')) {
      const m = /^# (\S+) (\S+)(?: => (\S+)(?: (\S+))?)?$/.exec(line);
      if (!m) continue;
      const ref: ModuleRef = { path: m[1] as string, version: m[2] as string };
      if (m[3]) ref.replace = { path: m[3], version: m[4] ?? '' };
      modules.push(ref);
    }
    return { main, modules, vendored: true };
  }
  if (!existsSync(gomod)) throw new InputError(dir, 'no go.mod or vendor/modules.txt');
  const text = readFileSync(gomod, 'utf8');
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
