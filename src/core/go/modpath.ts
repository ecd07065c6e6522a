/**
 * Go's rules for module paths and versions (golang.org/x/mod/module: CheckImportPath, CheckPath,
 * and the semantic versions the module cache stores), so a path taken from a binary's build info,
 * go.mod or vendor/modules.txt can be joined to a directory without leaving it: no "..", no
 * leading dots, no empty elements, no characters outside Go's set. Each check returns the reason a
 * path is invalid, or null when it is valid.
 */

/** Windows reserved file names: Go refuses them as path elements (before the first dot) on every OS. */
const RESERVED = new Set(['CON', 'PRN', 'AUX', 'NUL', 'COM1', 'COM2', 'COM3', 'COM4', 'COM5', 'COM6', 'COM7', 'COM8', 'COM9']);
for (const n of ['LPT1', 'LPT2', 'LPT3', 'LPT4', 'LPT5', 'LPT6', 'LPT7', 'LPT8', 'LPT9']) RESERVED.add(n);

/** modPathOK / importPathOK: ASCII letters and digits, '-', '.', '_', '~'; import paths also '+'. */
function charOk(c: string, importPath: boolean): boolean {
  return /^[A-Za-z0-9._~-]$/.test(c) || (importPath && c === '+');
}

/** One path element (checkElem): non-empty, allowed characters, no leading or trailing dot rules broken. */
function checkElem(elem: string, importPath: boolean): string | null {
  if (elem === '') return 'empty path element';
  if (/^\.+$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem.startsWith('.')) return `leading dot in path element "${elem}"`;
  if (elem.endsWith('.')) return 'trailing dot in path element';
  for (const c of elem) if (!charOk(c, importPath)) return `invalid char ${JSON.stringify(c)}`;
  const short = elem.includes('.') ? elem.slice(0, elem.indexOf('.')) : elem;
  if (RESERVED.has(short.toUpperCase())) return `"${short}" disallowed as path element component on Windows`;
  // Windows short names (EXAMPL~1): a tilde followed only by digits ends the element's stem.
  const tilde = short.lastIndexOf('~');
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) return `trailing tilde and digits in path element`;
  return null;
}

/** CheckImportPath: a slash-separated path of valid elements, not empty, no leading/trailing/double slash. */
export function checkImportPath(path: string): string | null {
  if (path === '') return 'empty string';
  if (path.startsWith('/')) return 'leading slash';
  if (path.endsWith('/')) return 'trailing slash';
  if (path.includes('//')) return 'double slash';
  if (path.includes('\0')) return 'NUL byte';
  for (const elem of path.split('/')) {
    const why = checkElem(elem, true);
    if (why) return why;
  }
  return null;
}

/**
 * CheckPath: an import path whose first element is a lower-case domain-like name with a dot, whose
 * elements use the module set of characters, and whose /vN suffix is well-formed.
 */
export function checkModulePath(path: string): string | null {
  const imp = checkImportPath(path);
  if (imp) return imp;
  const elems = path.split('/');
  for (const e of elems) {
    const why = checkElem(e, false);
    if (why) return why;
  }
  const first = elems[0] as string;
  if (!first.includes('.')) return 'missing dot in first path element';
  if (first.startsWith('-')) return 'leading dash in first path element';
  if (!/^[a-z0-9.-]+$/.test(first)) return `invalid char in first path element "${first}"`;
  const last = elems[elems.length - 1] as string;
  if (elems.length > 1 && /^v[0-9.]+$/.test(last) && !path.startsWith('gopkg.in/')) {
    if (last === 'v1' || last === 'v0' || /^v0[0-9]/.test(last) || last.includes('.')) return `invalid version suffix /${last}`;
  }
  return null;
}

const SEMVER = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** A version as the module cache names it: canonical semver (pseudo-versions and +incompatible included). */
export function checkModuleVersion(version: string): string | null {
  return SEMVER.test(version) ? null : `not a semantic version: ${JSON.stringify(version.slice(0, 80))}`;
}

/** A replacement that names a directory (modfile.IsDirectoryPath): ./x, ../x, or an absolute path. */
export function isDirectoryPath(path: string): boolean {
  return path === '.' || path === '..' || path.startsWith('./') || path.startsWith('../') || path.startsWith('/');
}
