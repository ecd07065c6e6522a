/**
 * Node-only: the C libraries a binary links (ELF NEEDED), resolved on a Debian-style root (the
 * local host, or later an unpacked image), with the Debian package that ships each one (dpkg's file
 * lists) and that package's licence (its DEP-5 copyright file).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dep5Paragraphs, dep5ToSpdx, libraryParagraph } from '../../core/analyses/license/dep5.js';
import type { LinkedLibrary } from '../../core/facts/linked.js';
import { usrMergedTwin } from '../../core/linux/dpkg.js';
import { ownSearchPath, resolveSoname, searchPaths } from '../../core/linux/loader.js';
import { type ReadCap, readRegularFile } from '../files/read.js';
import { RootFs } from '../files/root.js';
import { spdxIds } from './spdx.js';

/** dpkg file lists and copyright files: the largest (texlive's lists) are a few MiB. */
const PACKAGE_FILE_CAP: ReadCap = { bytes: 64 << 20, what: 'dpkg file lists and copyright files' };

export type { LinkedLibrary } from '../../core/facts/linked.js';

/**
 * The first licence notice in a free-form copyright file (older packages such as libc6 are not
 * DEP-5): the GNU family with version and "or any later version", the GCC runtime exception,
 * public domain.
 */
function firstNotice(text: string): string | null {
  const t = text.replace(/\s+/g, ' ');
  const found: [number, string][] = [];
  for (const m of t.matchAll(
    /GNU (Lesser|Library|Affero)? ?General Public License[^.]{0,120}?version (\d(?:\.\d)?)( of the License)?(,? or \(?at your option\)? any later version)?/gi,
  )) {
    const kind = (m[1] ?? '').toLowerCase();
    const family = kind === 'affero' ? 'AGPL' : kind ? 'LGPL' : 'GPL';
    const v = (m[2] as string).includes('.') ? (m[2] as string) : `${m[2]}.0`;
    let id = `${family}-${v}-${m[4] ? 'or-later' : 'only'}`;
    if (/GCC Runtime Library Exception/i.test(t)) id += ' WITH GCC-exception-3.1';
    found.push([m.index ?? 0, id]);
  }
  const pd = /\bpublic domain\b/i.exec(t);
  if (pd) found.push([pd.index, 'LicenseRef-public-domain']);
  found.sort((a, b) => a[0] - b[0]);
  return found[0]?.[1] ?? null;
}

/**
 * The licence of a Debian package's upstream code, from its copyright file: in a DEP-5 file the
 * paragraph covering the sources of `library` when the file names them (libdevmapper: `libdm/*`
 * is LGPL-2.1 while `Files: *` is GPL-2.0), else the `Files: *` paragraph; in a free-form file
 * (libc6's) the first licence notice. `files` says which paragraph was read.
 */
export function debianPackageLicense(root: string, pkg: string, library = ''): { license: string; files: string | null } | null {
  const f = join(root, 'usr/share/doc', pkg.replace(/:.*$/, ''), 'copyright');
  if (!existsSync(f)) return null;
  let text: string;
  try {
    text = readRegularFile(f, PACKAGE_FILE_CAP).toString('utf8');
  } catch {
    // Not a regular file or too large: no copyright file to read the licence from.
    return null;
  }
  const paras = dep5Paragraphs(text);
  if (paras) {
    const found = libraryParagraph(paras, library);
    return found ? { license: dep5ToSpdx(found.paragraph.license, spdxIds()), files: found.paragraph.files.join(' ') } : null;
  }
  const notice = firstNotice(text);
  return notice ? { license: notice, files: null } : null;
}

/** path → package, from dpkg's file lists under the root (read once). */
function dpkgOwners(root: string): Map<string, string> {
  const dir = join(root, 'var/lib/dpkg/info');
  const owners = new Map<string, string>();
  if (!existsSync(dir)) return owners;
  for (const f of readdirSync(dir)) {
    if (!f.endsWith('.list')) continue;
    const pkg = f.slice(0, -5);
    let list: string;
    try {
      list = readRegularFile(join(dir, f), PACKAGE_FILE_CAP).toString('utf8');
    } catch {
      // Not a regular file or too large: that package's files are not known.
      continue;
    }
    for (const line of list.split('\n')) if (line.includes('.so')) owners.set(line, pkg);
  }
  return owners;
}

/**
 * Resolves a binary's NEEDED names as the loader would under ROOT (its RUNPATH, else RPATH; then
 * the ld.so.conf and default directories of the architecture), then finds the Debian package that
 * ships each and its licence.
 */
export function linkedLibraries(linkage: { needed: string[]; runpath: string[]; rpath: string[] }, arch: string, root = '/'): LinkedLibrary[] {
  const { needed } = linkage;
  const fs = new RootFs(root);
  const own = ownSearchPath(linkage.runpath, linkage.rpath);
  const search = needed.length ? searchPaths(fs, arch) : [];
  const owners = needed.length ? dpkgOwners(root) : new Map<string, string>();
  return needed.map((name) => {
    const path = resolveSoname(name, own, search, (p) => (fs.isFile(p) ? p : null));
    let pkg: string | null = null;
    if (path) {
      // dpkg records the path it unpacked; with merged /usr the loader's path may be the other one.
      const real = fs.resolve(path) ?? path;
      const candidates = [path, usrMergedTwin(path), real, usrMergedTwin(real)];
      pkg = candidates.map((p) => (p === null ? undefined : owners.get(p))).find((p) => p !== undefined) ?? null;
    }
    const lic = pkg ? debianPackageLicense(root, pkg, name) : null;
    return { name, path, package: pkg, license: lic?.license ?? null, ...(lic?.files ? { licenseFiles: lic.files } : {}) };
  });
}
