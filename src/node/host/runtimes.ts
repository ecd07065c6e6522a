/**
 * Container runtime programs on this machine and their versions, read without running them:
 * dpkg's database first (the package that owns the file), else the program's Go build info.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { RUNTIME_DIRS, RUNTIME_PROGRAMS, RUNTIME_ROLES, type RuntimeProgram } from '../../core/facts/host.js';
import { buildInfoRuntimeVersion, dpkgRuntimeVersion } from '../../core/facts/runtime-version.js';
import { readBuildInfo } from '../../core/go/buildinfo.js';
import { parseModinfo } from '../../core/go/modinfo.js';
import { installedVersion, listPackage, usrMergedTwin } from '../../core/linux/dpkg.js';
import { cmpC } from '../../core/linux/root.js';
import { openElf } from '../../core/object/elf.js';
import { findSection } from '../../core/object/types.js';
import { FileSource } from '../files/source.js';
import { isExecutableFile, read } from './read.js';

const DPKG_INFO = '/var/lib/dpkg/info';
const DPKG_STATUS = '/var/lib/dpkg/status';

/**
 * The list file (info/*.list, C order) that first names PATH or its merged-/usr twin, for each
 * path; one pass over the lists for all of them (a system has hundreds, megabytes in all: they are
 * searched as bytes, not split into lines).
 */
function dpkgOwners(paths: string[]): Map<string, string> {
  const wanted: [Buffer, string][] = [];
  for (const p of paths) {
    wanted.push([Buffer.from(`\n${p}\n`), p]);
    const twin = usrMergedTwin(p);
    if (twin !== null) wanted.push([Buffer.from(`\n${twin}\n`), p]);
  }
  const owners = new Map<string, string>();
  let lists: string[];
  try {
    lists = readdirSync(DPKG_INFO)
      .filter((f) => f.endsWith('.list'))
      .sort(cmpC);
  } catch {
    // No dpkg database here.
    return owners;
  }
  for (const list of lists) {
    let text: Buffer;
    try {
      // A newline in front lets the first line match like the others.
      text = Buffer.concat([NEWLINE, readFileSync(`${DPKG_INFO}/${list}`), NEWLINE]);
    } catch {
      // Unreadable list: as if absent.
      continue;
    }
    for (const [needle, p] of wanted) if (!owners.has(p) && text.includes(needle)) owners.set(p, list);
    if (owners.size === paths.length) break;
  }
  return owners;
}

const NEWLINE = Buffer.from('\n');

/**
 * The Go build info version of an ELF program: Go ≥ 1.18's inline build info in the .go.buildinfo
 * section only, what collector.sh reads (older build info records no build settings).
 */
async function buildInfoVersion(path: string): Promise<Pick<RuntimeProgram, 'version' | 'source' | 'evidence'> | null> {
  let src: FileSource | null = null;
  try {
    src = new FileSource(path);
    const obj = await openElf(src);
    if (!findSection(obj, '.go.buildinfo')) return null;
    const raw = await readBuildInfo(obj);
    if (raw === null || raw.format !== 'inline') return null;
    return buildInfoRuntimeVersion(parseModinfo(raw.modinfo));
  } catch {
    // Not ELF, no or malformed build info: no version from here.
    return null;
  } finally {
    src?.close();
  }
}

/** RUNTIME_PROGRAMS found in RUNTIME_DIRS, with role and version. */
export async function runtimes(): Promise<RuntimeProgram[]> {
  const found: { name: RuntimeProgram['name']; path: string }[] = [];
  for (const name of RUNTIME_PROGRAMS) {
    const dir = RUNTIME_DIRS.find((d) => isExecutableFile(`${d}/${name}`));
    if (dir !== undefined) found.push({ name, path: `${dir}/${name}` });
  }
  if (found.length === 0) return [];
  const owners = dpkgOwners(found.map((f) => f.path));
  const status = owners.size ? read(DPKG_STATUS) : null;
  const out: RuntimeProgram[] = [];
  for (const { name, path } of found) {
    const list = owners.get(path);
    const pkg = list === undefined ? null : listPackage(list);
    const debian = pkg && status !== null ? installedVersion(status, pkg) : null;
    const fromDpkg = pkg && debian !== null ? dpkgRuntimeVersion(pkg.arch ? `${pkg.name}:${pkg.arch}` : pkg.name, debian) : null;
    const v = fromDpkg ?? (await buildInfoVersion(path)) ?? { version: null, source: null, evidence: null };
    out.push({ name, path, role: RUNTIME_ROLES[name], ...v });
  }
  return out;
}
