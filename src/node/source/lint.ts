import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { analyseSources, MAX_FILE_BYTES, type SourceDir, type SourceFacts } from '../../core/source/analyse.js';
import { readRegularFile } from '../files/read.js';
import { goParser } from './parser.js';

/** Directories `go vet ./...` leaves out: testdata, vendor, and names starting with . or _. */
const SKIP_DIR = /^(testdata|vendor|node_modules)$|^[._]/;

/**
 * The Go files under each path (a directory is walked like `./...`; a file is taken as given),
 * grouped by directory with each directory's import path.
 */
export function sourceDirs(paths: string[]): SourceDir[] {
  const byDir = new Map<string, string[]>();
  const add = (file: string) => {
    const d = dirname(file);
    byDir.set(d, [...(byDir.get(d) ?? []), file]);
  };
  const walk = (dir: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      throw new Error(`${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory() && !SKIP_DIR.test(e.name)) walk(join(dir, e.name));
      else if (e.isFile() && e.name.endsWith('.go') && !/^[._]/.test(e.name)) add(join(dir, e.name));
    }
  };
  for (const p of paths) {
    let st: import('node:fs').Stats;
    try {
      st = statSync(p);
    } catch (e) {
      throw new Error(`${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : String(e)}`);
    }
    if (st.isDirectory()) walk(p);
    else if (p.endsWith('.go')) add(p);
    else throw new Error(`${p}: not a Go file or a directory`);
  }
  const modules = new Map<string, { root: string; path: string } | null>();
  return [...byDir].map(([dir, files]) => ({ importPath: importPathOf(resolve(dir), modules), files }));
}

/** The import path of a directory: from the nearest go.mod (std and cmd as Go names them), else GOPATH-style after /src/. */
function importPathOf(dir: string, cache: Map<string, { root: string; path: string } | null>): string {
  const mod = moduleOf(dir, cache);
  if (mod) {
    const rel = relative(mod.root, dir).split('\\').join('/');
    if (mod.path === 'std') return rel || 'std';
    return rel ? `${mod.path}/${rel}` : mod.path;
  }
  const i = dir.lastIndexOf('/src/');
  return i >= 0 ? dir.slice(i + 5) : dir;
}

function moduleOf(dir: string, cache: Map<string, { root: string; path: string } | null>): { root: string; path: string } | null {
  if (cache.has(dir)) return cache.get(dir) ?? null;
  let found: { root: string; path: string } | null = null;
  const gomod = join(dir, 'go.mod');
  if (existsSync(gomod)) {
    const m = /^module\s+"?([^\s"]+)"?/m.exec(readRegularFile(gomod, { bytes: MAX_FILE_BYTES, what: 'go.mod files' }).toString('utf8').slice(0, 4096));
    if (m) found = { root: dir, path: m[1] as string };
  }
  if (!found && dirname(dir) !== dir) found = moduleOf(dirname(dir), cache);
  cache.set(dir, found);
  return found;
}

/** Reads a Go file, refusing huge ones before reading them. */
function readGo(file: string): string {
  return readRegularFile(file, { bytes: MAX_FILE_BYTES, what: 'Go source files' }).toString('utf8');
}

/** Parses the Go files under `paths` and returns the atomic facts. */
export async function lintFacts(paths: string[]): Promise<SourceFacts> {
  const dirs = sourceDirs(paths);
  const parser = await goParser();
  try {
    return analyseSources(dirs, readGo, parser);
  } finally {
    parser.delete();
  }
}
