/**
 * Node-only: files, directories and the default scan. The analysis itself lives in the
 * browser-safe core (`inspect`), fed by a FileSource. Kept light: the CLI loads it for every command.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { UnsupportedError } from '../../core/errors.js';
import type { InspectReport } from '../../core/facts/binary.js';
import { type FunctionListing, type InspectOptions, inspect, inspectListing } from '../../core/facts/inspect.js';
import { errorText } from '../errors.js';
import { FileSource } from './source.js';

export { FileSource } from './source.js';

/** Inspects one file on disk. */
export async function inspectFile(path: string, opts: InspectOptions = {}): Promise<InspectReport[]> {
  const src = new FileSource(path);
  try {
    return await inspect(src, { ...opts, path: opts.path ?? path });
  } finally {
    src.close();
  }
}

/** One inspected binary: with `functions`, their listing instead of a `functions` array (see inspectListing). */
export interface Inspected {
  report: InspectReport;
  functions: FunctionListing | null;
}

async function listFile(path: string, opts: InspectOptions): Promise<Inspected[]> {
  const src = new FileSource(path);
  try {
    return await inspectListing(src, { ...opts, path: opts.path ?? path });
  } finally {
    // The listings decode from tables already read: the file is no longer needed.
    src.close();
  }
}

/** Like `go version -m DIR`: regular files with an execute bit, or named like Windows/shared-object binaries. */
export function isCandidate(name: string, mode: number): boolean {
  return (mode & 0o111) !== 0 || /\.(exe|dll|so|dylib)$/i.test(name) || /\.so\./.test(name);
}

/** Walks directories (no symlinked directories, like filepath.Walk), yielding candidate files in lexical order. */
export function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    // An unreadable directory has nothing to report, as in go version -m DIR.
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    let st: ReturnType<typeof lstatSync>;
    try {
      st = lstatSync(p);
    } catch {
      // Removed or unreadable while walking: skip it, as filepath.Walk's callers do.
      continue;
    }
    if (st.isDirectory()) yield* walk(p);
    else if (st.isFile() && isCandidate(n, st.mode)) yield p;
    else if (st.isSymbolicLink()) {
      try {
        const t = statSync(p);
        if (t.isFile() && isCandidate(n, t.mode)) yield p;
      } catch {
        // dangling link
      }
    }
  }
}

/** Where `goready inspect` with no path looks: $PATH, Go's bin dirs and the local node_modules. */
export function defaultScanRoots(): string[] {
  const roots = new Set<string>();
  for (const d of (process.env.PATH ?? '').split(delimiter)) if (d) roots.add(resolve(d));
  const gopath = process.env.GOPATH ?? join(homedir(), 'go');
  roots.add(join(gopath, 'bin'));
  roots.add(resolve('node_modules'));
  return [...roots].filter((d) => {
    try {
      return statSync(d).isDirectory();
    } catch {
      // A scan root that does not exist is simply not scanned.
      return false;
    }
  });
}

/**
 * Inspects files and directories. Files named explicitly are always reported (a non-Go executable
 * is a valid answer); in directories only Go binaries and files with a diagnosis worth seeing are.
 */
export async function* inspectPaths(
  paths: string[],
  opts: InspectOptions = {},
  /** Called with each file before it is read (progress). */
  onFile?: (path: string) => void,
): AsyncGenerator<Inspected | { error: string } | { empty: string }> {
  const seen = new Set<string>();
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch (e) {
      yield { error: `${p}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}` };
      continue;
    }
    if (st.isDirectory()) {
      let found = false;
      for (const f of walk(p)) {
        // Symlinks (node_modules/.bin, a merged /bin → /usr/bin) lead to the same file: report it once.
        let real: string;
        try {
          real = realpathSync(f);
        } catch {
          // A dangling or looping symlink leads to no file.
          continue;
        }
        if (seen.has(real)) continue;
        seen.add(real);
        onFile?.(f);
        try {
          for (const x of await listFile(f, opts)) {
            if (!x.report.go.isGo && !x.report.diagnosis.some((d) => d.startsWith('UPX'))) continue;
            found = true;
            yield x;
          }
        } catch (e) {
          // Scripts and data files with an execute bit are not binaries: skip them, as go version does.
          if (e instanceof UnsupportedError) continue;
          found = true;
          yield { error: `${f}: ${errorText(e)}` };
        }
      }
      // A directory that held no Go binary (the CLI says so for directories the user named).
      if (!found) yield { empty: p };
    } else {
      onFile?.(p);
      try {
        yield* await listFile(p, opts);
      } catch (e) {
        yield { error: `${p}: ${errorText(e)}` };
      }
    }
  }
}
