/**
 * The small readers the Node collector's topics share, with the semantics of the sh collector's
 * (collector.sh): a file that cannot be read is null, `$(cat FILE)` drops trailing newlines, keys
 * and values are trimmed of blanks only.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';

/** File text, or null when it cannot be read. */
export function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // Absent or unreadable: the fact is unknown.
    return null;
  }
}

/** File text without trailing newlines (what `$(cat FILE)` gives), or null. */
export function readTrim(path: string): string | null {
  const t = read(path);
  return t === null ? null : t.replace(/\n+$/, '');
}

/** The lines of a text, without the empty one after a final newline. */
export function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

export const trimBlank = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/** "Key : value" lines (/proc/cpuinfo, /proc/self/status, /proc/meminfo): key and value trimmed of blanks. */
function keyValue(line: string): [string, string] | null {
  const i = line.indexOf(':');
  if (i < 0) return null;
  return [line.slice(0, i).replace(/[ \t]+$/, ''), trimBlank(line.slice(i + 1))];
}

/** The first value of each key (the first CPU's, for /proc/cpuinfo). */
export function keyValues(text: string | null): Map<string, string> {
  const m = new Map<string, string>();
  if (text === null) return m;
  for (const l of lines(text)) {
    const kv = keyValue(l);
    if (kv && !m.has(kv[0])) m.set(kv[0], kv[1]);
  }
  return m;
}

/** A non-negative or negative decimal integer, or null. */
export function int(s: string | null | undefined): number | null {
  if (s === null || s === undefined || !/^-?[0-9]+$/.test(s)) return null;
  return Number(s);
}

export function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    // Stat failed: not there for us.
    return false;
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Stat failed: not a directory we can see.
    return false;
  }
}

/** A regular file with an execute bit for us (sh's `[ -f F ] && [ -x F ]`). */
export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Missing, or not executable by us.
    return false;
  }
}
