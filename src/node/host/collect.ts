import { spawnSync } from 'node:child_process';
import { accessSync, constants, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import os from 'node:os';
import {
  CGROUP_HINTS,
  type CgroupLimit,
  type HostSnapshot,
  type LibraryFile,
  type LimitValue,
  type ListeningSocket,
  RUNTIME_PROGRAMS,
  SYSCTLS,
  SYSTEMD_PROPERTIES,
  type SysctlName,
  type SystemdProperty,
} from '../../core/facts/host.js';
import { x86Level } from '../../core/linux/x86.js';
import { ElfFile, openElf } from '../../core/object/elf.js';
import { VER_FLG_BASE, versionDefs } from '../../core/object/verdef.js';
import { FileSource } from '../files/source.js';

/**
 * The Node collector: reads /proc, /sys and files of the machine it runs on (it runs nothing but
 * `systemctl show` for --unit). Every rule here has a twin in the sh collector (script.ts); the
 * two must produce the same values on the same machine, and test/host.test.ts checks that they do.
 */
export interface CollectOptions {
  /** Adds the `systemd` section: `systemctl show UNIT -p ...`. */
  unit?: string | null;
  /**
   * A root filesystem directory whose files describe the installed system (os-release, libc, musl
   * loader, apk db, libseccomp, libraries), read as describeRoot does. Default: none (this machine's /).
   */
  root?: string;
  /** Environment for PATH (systemctl lookup) and KUBERNETES_SERVICE_HOST. Default: process.env. */
  env?: NodeJS.ProcessEnv;
}

// ---------- small readers (same semantics as the sh script's) ----------

/** File text, or null when it cannot be read. */
function read(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    // A snapshot records an unreadable fact as null.
    return null;
  }
}

/** File text without trailing newlines (what `$(cat FILE)` gives), or null. */
function readTrim(path: string): string | null {
  const t = read(path);
  return t === null ? null : t.replace(/\n+$/, '');
}

function lines(text: string): string[] {
  const l = text.split('\n');
  if (l[l.length - 1] === '') l.pop();
  return l;
}

const trimBlank = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '');

/** "Key : value" lines (/proc/cpuinfo, /proc/self/status, /proc/meminfo): key and value trimmed of blanks. */
function keyValue(line: string): [string, string] | null {
  const i = line.indexOf(':');
  if (i < 0) return null;
  return [line.slice(0, i).replace(/[ \t]+$/, ''), trimBlank(line.slice(i + 1))];
}

/** The first value of each key (the first CPU's, for /proc/cpuinfo). */
function keyValues(text: string | null): Map<string, string> {
  const m = new Map<string, string>();
  if (text === null) return m;
  for (const l of lines(text)) {
    const kv = keyValue(l);
    if (kv && !m.has(kv[0])) m.set(kv[0], kv[1]);
  }
  return m;
}

/** A non-negative or negative decimal integer, or null. */
function int(s: string | null | undefined): number | null {
  if (s === null || s === undefined || !/^-?[0-9]+$/.test(s)) return null;
  return Number(s);
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    // Missing or unreadable: not a file as far as the snapshot can tell.
    return false;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    // Missing or unreadable: the snapshot cannot say it exists.
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    // Missing or unreadable: not a directory as far as the snapshot can tell.
    return false;
  }
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    // Missing, not executable, or unreadable: treated as absent.
    return false;
  }
}

function isReadableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    // Missing or unreadable: treated as absent.
    return false;
  }
}

/** Entries of a directory matching a pattern, in C (byte) order, like a sh glob under LC_ALL=C. */
function glob(dir: string, re: RegExp): string[] {
  try {
    return readdirSync(dir)
      .filter((n) => re.test(n))
      .sort(cmp);
  } catch {
    // An unreadable directory lists nothing.
    return [];
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Number of CPUs in a kernel cpu list ("0-3,8-11"); null when malformed. */
export function cpuListCount(list: string | null): number | null {
  if (list === null) return null;
  if (list === '') return 0;
  let n = 0;
  for (const part of list.split(',')) {
    const m = /^([0-9]+)(?:-([0-9]+))?$/.exec(part);
    if (!m) return null;
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) return null;
    n += b - a + 1;
  }
  return n;
}

// ---------- architecture ----------

/** GOARCH-style name of a `uname -m` machine; the machine itself when unknown. */
export function goarch(machine: string | null, endian: 'little' | 'big'): string | null {
  if (machine === null) return null;
  if (machine === 'x86_64' || machine === 'amd64') return 'amd64';
  if (/^i[3-6]86$/.test(machine)) return '386';
  if (machine === 'aarch64' || machine === 'arm64' || machine === 'aarch64_be') return 'arm64';
  if (/^arm/.test(machine)) return 'arm';
  if (machine === 'ppc64le') return 'ppc64le';
  if (machine === 'ppc64') return 'ppc64';
  if (machine === 's390x') return 's390x';
  if (machine === 'riscv64') return 'riscv64';
  if (machine === 'loongarch64') return 'loong64';
  if (machine === 'mips64') return endian === 'little' ? 'mips64le' : 'mips64';
  if (machine === 'mips') return endian === 'little' ? 'mipsle' : 'mips';
  return machine;
}

/** Debian/Ubuntu multiarch triplets of a GOARCH: where its libc.so.6 lives. */
function triplets(arch: string | null): string[] {
  switch (arch) {
    case 'amd64':
      return ['x86_64-linux-gnu'];
    case '386':
      return ['i386-linux-gnu'];
    case 'arm64':
      return ['aarch64-linux-gnu'];
    case 'arm':
      return ['arm-linux-gnueabihf', 'arm-linux-gnueabi'];
    case 'ppc64le':
      return ['powerpc64le-linux-gnu'];
    case 'ppc64':
      return ['powerpc64-linux-gnu'];
    case 's390x':
      return ['s390x-linux-gnu'];
    case 'riscv64':
      return ['riscv64-linux-gnu'];
    case 'mips64le':
      return ['mips64el-linux-gnuabi64'];
    case 'mips64':
      return ['mips64-linux-gnuabi64'];
    case 'loong64':
      return ['loongarch64-linux-gnu'];
    default:
      return [];
  }
}

/** Library directories searched, in order, for libc.so.6 and libseccomp. */
export function libDirs(arch: string | null): string[] {
  const out: string[] = [];
  for (const t of triplets(arch)) out.push(`/lib/${t}`, `/usr/lib/${t}`);
  return [...out, '/lib64', '/usr/lib64', '/lib', '/usr/lib'];
}

// ---------- a root filesystem ----------

/**
 * A root filesystem directory seen from inside, as chroot(2) would show it: every path is absolute
 * inside the root, and symlinks are resolved inside it (an absolute target /lib/x means ROOT/lib/x,
 * `..` stops at the root). The empty root is this machine's /, where the kernel resolves as usual.
 */
export class RootFs {
  /** The directory, without trailing slashes; '' for this machine. */
  readonly prefix: string;
  private readonly cache = new Map<string, string | null>();
  constructor(root: string) {
    this.prefix = root.replace(/\/+$/, '');
  }

  /** The host path of PATH (absolute inside the root), symlinks resolved; null on a symlink loop (over 40 links). */
  host(path: string): string | null {
    if (this.prefix === '') return path;
    let hit = this.cache.get(path);
    if (hit === undefined) {
      const inside = this.resolve(path);
      hit = inside === null ? null : this.prefix + inside;
      this.cache.set(path, hit);
    }
    return hit;
  }

  /** Resolves PATH inside the root; a missing component ends the resolving (the rest is kept as written). */
  resolve(path: string): string | null {
    const todo = path.split('/').reverse();
    const done: string[] = [];
    let links = 0;
    while (todo.length > 0) {
      const c = todo.pop() as string;
      if (c === '' || c === '.') continue;
      if (c === '..') {
        done.pop();
        continue;
      }
      const at = `${this.prefix}/${[...done, c].join('/')}`;
      let target: string | null = null;
      try {
        if (lstatSync(at).isSymbolicLink()) target = readlinkSync(at);
      } catch {
        // A component that cannot be lstat'ed is not a symlink to follow; the lookup fails later.
        target = null;
      }
      if (target === null) {
        done.push(c);
        continue;
      }
      if (++links > 40) return null;
      if (target.startsWith('/')) done.length = 0;
      todo.push(...target.split('/').reverse());
    }
    return `/${done.join('/')}`;
  }
}

const hostOr = (rfs: RootFs, path: string) => rfs.host(path) ?? '\0';

/** A sh glob of one path component (*, ?, [...] and [!...]) as a regular expression; a leading dot must be matched literally, as in sh. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 2);
      if (j < 0) {
        re += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, j);
      const neg = body.startsWith('!') || body.startsWith('^');
      if (neg) body = body.slice(1);
      re += `[${neg ? '^' : ''}${body.replace(/[\\\]^]/g, '\\$&')}]`;
      i = j;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${pattern.startsWith('.') ? '' : '(?!\\.)'}${re}$`);
}

/** The paths (inside the root) a sh glob matches, wildcards in the last component only, in C order; [] when none. */
function rootGlob(rfs: RootFs, pattern: string): string[] {
  const i = pattern.lastIndexOf('/');
  const dir = pattern.slice(0, i) || '/';
  const base = pattern.slice(i + 1);
  const host = rfs.host(dir);
  if (host === null) return [];
  const re = globRegExp(base);
  return glob(host, re).map((n) => (dir === '/' ? `/${n}` : `${dir}/${n}`));
}

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';

// ---------- sections ----------

/** os-release value as a shell reads it: "double" (with \ escapes), 'single', or bare. */
function osReleaseValue(v: string): string {
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) return v.slice(1, -1).replace(/\\([\\"$`])/g, '$1');
  if (v.length >= 2 && v.startsWith("'") && v.endsWith("'")) return v.slice(1, -1);
  return v;
}

function distro(rfs: RootFs): HostSnapshot['distro'] {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    const host = rfs.host(file);
    const text = host !== null && isFile(host) ? read(host) : null;
    if (text === null) continue;
    const kv = new Map<string, string>();
    for (const l of lines(text)) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/.exec(l);
      if (m) kv.set(m[1] as string, osReleaseValue(m[2] as string));
    }
    const g = (k: string) => kv.get(k) ?? null;
    return { file, id: g('ID'), idLike: g('ID_LIKE'), versionId: g('VERSION_ID'), versionCodename: g('VERSION_CODENAME'), prettyName: g('PRETTY_NAME') };
  }
  return { file: null, id: null, idLike: null, versionId: null, versionCodename: null, prettyName: null };
}

const BANNER = /GNU C Library [ -~]*release version [0-9][0-9.]*[0-9]/;

/** The version names an ELF file defines (.gnu.version_d, base entry left out), sorted, unique; null when unreadable, not ELF or none. */
async function verdefNames(hostPath: string): Promise<string[] | null> {
  let src: FileSource | null = null;
  try {
    src = new FileSource(hostPath);
    const obj = await openElf(src);
    if (!(obj instanceof ElfFile)) return null;
    const names = (await versionDefs(obj)).filter((d) => (d.flags & VER_FLG_BASE) === 0 && d.name !== '').map((d) => d.name);
    return names.length === 0 ? null : [...new Set(names)].sort(cmp);
  } catch {
    // A library that is not a readable ELF object defines no versions to record.
    return null;
  } finally {
    src?.close();
  }
}

async function libc(rfs: RootFs, arch: string | null): Promise<HostSnapshot['libc']> {
  const dirs = libDirs(arch);
  let libseccomp: string | null = null;
  for (const d of dirs) {
    const hd = rfs.host(d);
    if (hd === null) continue;
    const hit = glob(hd, /^libseccomp\.so\.[0-9]/).find((n) => {
      try {
        return lstatSync(`${hd}/${n}`).isFile();
      } catch {
        // A name that cannot be lstat'ed is not the libseccomp file.
        return false;
      }
    });
    if (hit) {
      libseccomp = hit.slice('libseccomp.so.'.length);
      break;
    }
  }

  const file = dirs.map((d) => `${d}/libc.so.6`).find((f) => isReadableFile(hostOr(rfs, f))) ?? null;
  if (file !== null) {
    const host = hostOr(rfs, file);
    let banner: string | null = null;
    try {
      banner = BANNER.exec(readFileSync(host).toString('latin1'))?.[0] ?? null;
    } catch {
      // An unreadable libc has no banner to record.
      banner = null;
    }
    const defs = await verdefNames(host);
    if (banner !== null || defs?.some((d) => d.startsWith('GLIBC_'))) {
      const version = banner === null ? null : banner.slice(banner.lastIndexOf('release version ') + 'release version '.length);
      return { family: 'glibc', version, file, banner, versionDefs: defs, libseccomp };
    }
  }

  const lib = rfs.host('/lib');
  const loader = lib === null ? undefined : glob(lib, /^ld-musl-.*\.so\.1$/).find((n) => isFile(hostOr(rfs, `/lib/${n}`)));
  if (loader) {
    let version: string | null = null;
    const dbHost = hostOr(rfs, '/lib/apk/db/installed');
    const db = isFile(dbHost) ? read(dbHost) : null;
    if (db !== null) {
      let inMusl = false;
      for (const l of lines(db)) {
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

/**
 * The directories of /etc/ld.so.conf as ldconfig reads it: `#` starts a comment, blanks around an
 * entry are dropped, `include PATTERN...` reads the matching files in place (a relative pattern is
 * relative to the including file's directory; wildcards in the last component; matches in C order),
 * `hwcap` lines and relative entries are skipped, trailing slashes are removed. Includes nest up to 16 deep.
 */
export function ldSoConfDirs(rfs: RootFs, file = '/etc/ld.so.conf', depth = 0): string[] {
  if (depth > 16) return [];
  const host = rfs.host(file);
  const text = host !== null && isFile(host) ? read(host) : null;
  if (text === null) return [];
  const out: string[] = [];
  for (const raw of lines(text)) {
    const l = trimBlank(raw.replace(/#.*/, ''));
    if (l === '') continue;
    const inc = /^include[ \t]+(.*)$/.exec(l);
    if (inc) {
      for (const pat of (inc[1] as string).split(/[ \t]+/).filter(Boolean)) {
        const abs = pat.startsWith('/') ? pat : `${dirOf(file) === '/' ? '' : dirOf(file)}/${pat}`;
        for (const f of rootGlob(rfs, abs)) out.push(...ldSoConfDirs(rfs, f, depth + 1));
      }
      continue;
    }
    if (/^hwcap[ \t]/.test(l) || !l.startsWith('/')) continue;
    out.push(l.replace(/(.)\/+$/, '$1'));
  }
  return out;
}

/** The libraries whose LibraryFile.versionDefs are read: glibc's, its loaders, libgcc_s and libstdc++. */
const VERSIONED = /^(?:lib(?:c|m|pthread|dl|rt|resolv|util|anl|nsl|gcc_s|stdc\+\+)\.so(?:\.|$)|ld-linux|ld64\.so\.)/;
/** A shared object's file name: *.so or *.so.* (no leading dot, as a sh glob). */
const SHARED_OBJECT = /^[^.].*(?:\.so$|\.so\.)/;

const unique = (xs: string[]) => [...new Set(xs)];

async function libraries(rfs: RootFs, arch: string | null): Promise<NonNullable<HostSnapshot['libraries']>> {
  const searchPaths = unique([...ldSoConfDirs(rfs), ...libDirs(arch)]);
  const loaderDirs = unique([
    ...libDirs(arch).filter((d) => !['/lib', '/lib64', '/usr/lib', '/usr/lib64'].includes(d)),
    '/lib',
    '/lib64',
    '/usr/lib',
    '/usr/lib64',
  ]);
  const loaders: string[] = [];
  for (const d of loaderDirs) {
    const hd = rfs.host(d);
    if (hd === null) continue;
    for (const n of glob(hd, /^ld-.*\.so/)) if (isFile(hostOr(rfs, `${d}/${n}`))) loaders.push(`${d}/${n}`);
  }
  const files: LibraryFile[] = [];
  const seen = new Set<string>();
  for (const d of searchPaths) {
    const hd = rfs.host(d);
    if (hd === null) continue;
    for (const n of glob(hd, SHARED_OBJECT)) {
      const path = d === '/' ? `/${n}` : `${d}/${n}`;
      const host = hostOr(rfs, path);
      if (seen.has(path) || !isFile(host)) continue;
      seen.add(path);
      files.push({ path, versionDefs: VERSIONED.test(n) ? await verdefNames(host) : null });
    }
  }
  files.sort((a, b) => cmp(a.path, b.path));
  return { searchPaths, loaders: unique(loaders).sort(cmp), files };
}

/**
 * What the files of a root filesystem tell, read from ROOT only (no /proc, nothing run): its
 * os-release, its libc and the libraries its loader can find. ROOT '' is this machine; any other
 * directory (an extracted container image, a chroot) is read with its symlinks resolved inside it.
 * ARCH (GOARCH-style) picks the multiarch library directories; null searches only the default ones.
 */
export async function describeRoot(root: string, arch: string | null): Promise<Pick<HostSnapshot, 'distro' | 'libc' | 'libraries'>> {
  const rfs = new RootFs(root);
  return { distro: distro(rfs), libc: await libc(rfs, arch), libraries: await libraries(rfs, arch) };
}

function cpu(arch: string | null): HostSnapshot['cpu'] {
  const info = keyValues(read('/proc/cpuinfo'));
  const rawFlags = info.get('flags') ?? info.get('Features') ?? null;
  const flags = rawFlags === null ? null : [...new Set(rawFlags.split(/[ \t]+/).filter(Boolean))].sort(cmp);
  const status = keyValues(read('/proc/self/status'));
  const online = readTrim('/sys/devices/system/cpu/online');
  const affinity = status.get('Cpus_allowed_list') ?? null;
  return {
    arch,
    modelName: info.get('model name') ?? null,
    flags,
    x86Level: arch === 'amd64' && flags !== null ? x86Level(flags) : null,
    atomics: arch === 'arm64' && flags !== null ? flags.includes('atomics') : null,
    online,
    onlineCount: cpuListCount(online),
    affinity,
    affinityCount: cpuListCount(affinity),
  };
}

function memory(): HostSnapshot['memory'] {
  const m = keyValues(read('/proc/meminfo'));
  const kib = (k: string) => int(m.get(k)?.split(/[ \t]+/)[0]);
  return { totalKiB: kib('MemTotal'), availableKiB: kib('MemAvailable') };
}

function limitValue(s: string): LimitValue {
  return /^[0-9]+$/.test(s) ? Number(s) : s;
}

/** /proc/self/limits: fixed-width rows ("%-25s %-20s %-20s %-10s"), name in the first 26 columns. */
function limits(): HostSnapshot['limits'] {
  const text = read('/proc/self/limits');
  if (text === null) return null;
  const out: NonNullable<HostSnapshot['limits']> = {};
  for (const l of lines(text).slice(1)) {
    const name = l.slice(0, 26).replace(/ +$/, '');
    const f = trimBlank(l.slice(26)).split(/[ \t]+/);
    if (name === '' || f.length < 2 || f[0] === '') continue;
    out[name] = { soft: limitValue(f[0] as string), hard: limitValue(f[1] as string), units: f[2] ?? null };
  }
  return out;
}

/** Undoes the octal escapes (\040 for space ...) of /proc/self/mountinfo. */
function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}

interface Mount {
  root: string;
  point: string;
  fstype: string;
  superOptions: string[];
}

function mounts(): Mount[] {
  const text = read('/proc/self/mountinfo');
  if (text === null) return [];
  const out: Mount[] = [];
  for (const l of lines(text)) {
    const f = l.split(' ');
    const sep = f.indexOf('-', 6);
    if (sep < 0 || f.length < sep + 4) continue;
    out.push({
      root: unescapeOctal(f[3] as string),
      point: unescapeOctal(f[4] as string),
      fstype: f[sep + 1] as string,
      superOptions: (f[sep + 3] as string).split(','),
    });
  }
  return out;
}

/** The directory of a cgroup: the mount point joined with the path below the mount's root; null when the path is outside it. */
function cgroupDir(m: Mount, path: string): string | null {
  let rel: string;
  if (m.root === '/') rel = path;
  else if (path === m.root) rel = '/';
  else if (path.startsWith(`${m.root}/`)) rel = path.slice(m.root.length);
  else return null;
  if (rel === '/') return m.point;
  return m.point === '/' ? rel : m.point + rel;
}

export function cgroupLimit(s: string | null): CgroupLimit {
  if (s === null) return null;
  if (s === 'max' || s === '-1') return 'max';
  if (!/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n >= 2 ** 60 ? 'max' : n;
}

function statFile(path: string): Map<string, string> {
  const m = new Map<string, string>();
  const t = read(path);
  if (t === null) return m;
  for (const l of lines(t)) {
    const f = l.split(' ');
    if (f.length >= 2 && !m.has(f[0] as string)) m.set(f[0] as string, f[1] as string);
  }
  return m;
}

function cgroup(ms: Mount[]): HostSnapshot['cgroup'] {
  const text = read('/proc/self/cgroup');
  const entries: { controllers: string[]; path: string }[] = [];
  for (const l of text === null ? [] : lines(text)) {
    const a = l.indexOf(':');
    const b = l.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const ctl = l.slice(a + 1, b);
    entries.push({ controllers: ctl === '' ? [] : ctl.split(','), path: l.slice(b + 1) });
  }
  const v2Entry = entries.find((e) => e.controllers.length === 0);
  const v2Mount = ms.find((m) => m.fstype === 'cgroup2');
  const hasV1 = entries.some((e) => e.controllers.length > 0);
  const version = hasV1 ? (v2Mount ? 'hybrid' : 'v1') : v2Entry ? 'v2' : null;

  /** Where a controller's files are, and which hierarchy they follow. */
  const locate = (c: string): { dir: string | null; v1: boolean } | null => {
    const e1 = entries.find((e) => e.controllers.includes(c));
    if (e1) {
      const m = ms.find((x) => x.fstype === 'cgroup' && x.superOptions.includes(c));
      return { dir: m ? cgroupDir(m, e1.path) : null, v1: true };
    }
    if (v2Entry) return { dir: v2Mount ? cgroupDir(v2Mount, v2Entry.path) : null, v1: false };
    return null;
  };

  const cpuAt = locate('cpu');
  const cpuOut: HostSnapshot['cgroup']['cpu'] = {
    dir: cpuAt?.dir ?? null,
    quotaUsec: null,
    periodUsec: null,
    nrPeriods: null,
    nrThrottled: null,
    throttledUsec: null,
  };
  if (cpuAt?.dir) {
    const d = cpuAt.dir;
    const stat = statFile(`${d}/cpu.stat`);
    cpuOut.nrPeriods = int(stat.get('nr_periods'));
    cpuOut.nrThrottled = int(stat.get('nr_throttled'));
    if (cpuAt.v1) {
      cpuOut.quotaUsec = cgroupLimit(readTrim(`${d}/cpu.cfs_quota_us`));
      cpuOut.periodUsec = int(readTrim(`${d}/cpu.cfs_period_us`));
      const ns = int(stat.get('throttled_time'));
      cpuOut.throttledUsec = int(stat.get('throttled_usec')) ?? (ns === null ? null : Math.floor(ns / 1000));
    } else {
      const max = readTrim(`${d}/cpu.max`);
      if (max !== null) {
        const f = max.split(' ');
        cpuOut.quotaUsec = cgroupLimit(f[0] ?? null);
        cpuOut.periodUsec = int(f[1]);
      }
      cpuOut.throttledUsec = int(stat.get('throttled_usec'));
    }
  }
  const memAt = locate('memory');
  const pidsAt = locate('pids');
  const memDir = memAt?.dir ?? null;
  const pidsDir = pidsAt?.dir ?? null;
  return {
    version,
    path: version === 'v2' ? (v2Entry?.path ?? null) : (entries.find((e) => e.controllers.includes('cpu'))?.path ?? null),
    cpu: cpuOut,
    memory: { dir: memDir, max: memDir === null ? null : cgroupLimit(readTrim(`${memDir}/${memAt?.v1 ? 'memory.limit_in_bytes' : 'memory.max'}`)) },
    pids: { dir: pidsDir, max: pidsDir === null ? null : cgroupLimit(readTrim(`${pidsDir}/pids.max`)) },
  };
}

function sysctls(): HostSnapshot['sysctls'] {
  const out = {} as Record<SysctlName, string | null>;
  for (const n of SYSCTLS) out[n] = readTrim(`/proc/sys/${n.replaceAll('.', '/')}`);
  return out;
}

/** The [bracketed] choice of a /sys/kernel/mm/transparent_hugepage file. */
function bracketed(s: string | null): string | null {
  if (s === null) return null;
  const i = s.indexOf('[');
  if (i < 0) return null;
  const j = s.indexOf(']', i + 1);
  return j < 0 ? null : s.slice(i + 1, j);
}

/** Every counter of a /proc/net/{netstat,snmp} row pair ("TcpExt: names" then "TcpExt: values"). */
function counters(path: string, prefix: string): Record<string, number> | null {
  const text = read(path);
  if (text === null) return null;
  const rows = lines(text)
    .map((l) => l.split(' '))
    .filter((f) => f[0] === prefix);
  if (rows.length < 2) return null;
  const names = (rows[0] as string[]).slice(1);
  const values = (rows[1] as string[]).slice(1);
  const out: Record<string, number> = {};
  for (let i = 0; i < Math.min(names.length, values.length); i++) {
    const v = int(values[i]);
    if (v !== null && names[i] !== '') out[names[i] as string] = v;
  }
  return out;
}

/** Canonical IPv6 text (RFC 5952 §4): lower-case hex, no leading zeros, the first longest run of 2+ zero groups as "::". */
export function formatIPv6(groups: readonly number[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** A /proc/net/tcp{,6} address: 32-bit words printed in host byte order. */
export function decodeAddress(hex: string, endian: 'little' | 'big'): string | null {
  if (!/^[0-9A-Fa-f]+$/.test(hex) || (hex.length !== 8 && hex.length !== 32)) return null;
  const bytes: number[] = [];
  for (let w = 0; w < hex.length; w += 8) {
    const word = [0, 2, 4, 6].map((i) => Number.parseInt(hex.slice(w + i, w + i + 2), 16));
    bytes.push(...(endian === 'little' ? word.reverse() : word));
  }
  if (bytes.length === 4) return bytes.join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] as number) * 256 + (bytes[i + 1] as number));
  return formatIPv6(groups);
}

function listening(endian: 'little' | 'big'): ListeningSocket[] | null {
  const out: ListeningSocket[] = [];
  let any = false;
  for (const family of ['tcp', 'tcp6'] as const) {
    const text = read(`/proc/net/${family}`);
    if (text === null) continue;
    any = true;
    for (const l of lines(text).slice(1)) {
      const f = trimBlank(l).split(/[ \t]+/);
      if (f[3] !== '0A' || f.length < 10) continue;
      const [addrHex, portHex] = (f[1] as string).split(':');
      const rx = (f[4] as string).split(':')[1];
      const address = decodeAddress(addrHex ?? '', endian);
      if (address === null || portHex === undefined || rx === undefined) continue;
      const uid = int(f[7]);
      const inode = int(f[9]);
      if (uid === null || inode === null) continue;
      out.push({ family, address, port: Number.parseInt(portHex, 16), rxQueue: Number.parseInt(rx, 16), uid, inode });
    }
  }
  if (!any) return null;
  return out.sort((a, b) => cmp(a.family, b.family) || a.port - b.port || cmp(a.address, b.address) || a.inode - b.inode);
}

function container(ms: Mount[], env: NodeJS.ProcessEnv): HostSnapshot['container'] {
  const dockerenv = exists('/.dockerenv');
  const containerenv = exists('/run/.containerenv');
  const systemdContainer = readTrim('/run/systemd/container');
  let pid1EnvironReadable = false;
  let pid1Container: string | null = null;
  try {
    const env1 = readFileSync('/proc/1/environ', 'utf8');
    pid1EnvironReadable = true;
    const hit = env1.split('\0').find((e) => e.startsWith('container='));
    if (hit !== undefined) pid1Container = hit.slice('container='.length);
  } catch {
    // /proc/1/environ is root-only on most hosts: record that it was unreadable.
    pid1EnvironReadable = false;
  }
  const paths = lines(read('/proc/self/cgroup') ?? '').map((l) => l.split(':').slice(2).join(':'));
  const cgroupHints = CGROUP_HINTS.filter((h) => paths.some((p) => p.includes(h)));
  const kubernetes = isDir('/var/run/secrets/kubernetes.io/serviceaccount') || !!env.KUBERNETES_SERVICE_HOST;
  const rootMounts = ms.filter((m) => m.point === '/');
  const rootFsType = rootMounts.length ? (rootMounts[rootMounts.length - 1] as Mount).fstype : null;
  const hint = (h: string) => (cgroupHints as readonly string[]).includes(h);
  let runtime: string | null = null;
  if (kubernetes || hint('kubepods')) runtime = 'kubernetes';
  else if (containerenv || hint('libpod') || pid1Container === 'podman') runtime = 'podman';
  else if (dockerenv || hint('docker') || pid1Container === 'docker') runtime = 'docker';
  else if (hint('crio')) runtime = 'cri-o';
  else if (hint('containerd')) runtime = 'containerd';
  else if (hint('lxc') || pid1Container === 'lxc' || systemdContainer === 'lxc') runtime = 'lxc';
  else if (pid1Container) runtime = pid1Container;
  else if (systemdContainer) runtime = systemdContainer;
  const binDirs = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];
  const runtimePrograms: string[] = [];
  const runtimeVersions: Record<string, string> = {};
  for (const p of RUNTIME_PROGRAMS) {
    const dir = binDirs.find((d) => isExecutableFile(`${d}/${p}`));
    if (dir === undefined) continue;
    runtimePrograms.push(p);
    // The first dotted number of the first line of `PROG --version`, as the sh script takes it.
    const r = spawnSync(`${dir}/${p}`, ['--version'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
    const first = (r.stdout ?? '').split('\n')[0]?.replaceAll('\t', '') ?? '';
    const m = /[0-9]+\.[0-9]+(\.[0-9]+)?/.exec(first);
    if (m) runtimeVersions[p] = m[0];
  }
  return {
    dockerenv,
    containerenv,
    systemdContainer,
    pid1Container,
    pid1EnvironReadable,
    cgroupHints,
    kubernetes,
    rootFsType,
    runtime,
    runtimePrograms,
    runtimeVersions,
  };
}

function findOnPath(name: string, env: NodeJS.ProcessEnv): string | null {
  for (const d of (env.PATH ?? '').split(':')) {
    const p = `${d === '' ? '.' : d}/${name}`;
    if (isExecutableFile(p)) return p;
  }
  return null;
}

function systemd(unit: string | null | undefined, env: NodeJS.ProcessEnv): HostSnapshot['systemd'] {
  if (unit === null || unit === undefined) return null;
  const exe = findOnPath('systemctl', env);
  if (exe === null) return { unit, properties: null, note: 'systemctl not found' };
  const r = spawnSync(exe, ['show', unit, '-p', SYSTEMD_PROPERTIES.join(',')], { encoding: 'utf8', env, timeout: 15_000 });
  if (r.status !== 0) {
    const first = (r.stderr ?? '').split('\n')[0] ?? '';
    return { unit, properties: null, note: `systemctl show failed (exit ${r.status ?? 'signal'})${first ? `: ${first}` : ''}` };
  }
  const properties = Object.fromEntries(SYSTEMD_PROPERTIES.map((p) => [p, null])) as Record<SystemdProperty, string | null>;
  for (const l of lines(r.stdout)) {
    const i = l.indexOf('=');
    const k = l.slice(0, i) as SystemdProperty;
    if (i > 0 && (SYSTEMD_PROPERTIES as readonly string[]).includes(k) && properties[k] === null) properties[k] = l.slice(i + 1);
  }
  return { unit, properties, note: null };
}

/** Collects a snapshot of the machine this process runs on. */
export async function collect(opts: CollectOptions = {}): Promise<HostSnapshot> {
  const root = opts.root ?? '';
  const env = opts.env ?? process.env;
  const endian = os.endianness() === 'BE' ? 'big' : 'little';
  let machine: string | null;
  try {
    machine = os.machine();
  } catch {
    // os.machine() is missing or fails on some platforms: the machine is then unknown.
    machine = null;
  }
  const arch = goarch(machine, endian);
  const ms = mounts();
  const described = await describeRoot(root, arch);
  return {
    schemaVersion: 1,
    collector: 'node',
    collectedAt: new Date().toISOString().replace(/\.[0-9]+Z$/, 'Z'),
    hostname: readTrim('/proc/sys/kernel/hostname') ?? os.hostname(),
    kernel: { release: readTrim('/proc/sys/kernel/osrelease') ?? os.release(), version: readTrim('/proc/sys/kernel/version') ?? os.version(), machine, endian },
    distro: described.distro,
    libc: described.libc,
    cpu: cpu(arch),
    memory: memory(),
    limits: limits(),
    cgroup: cgroup(ms),
    seccomp: (() => {
      const s = keyValues(read('/proc/self/status'));
      return { mode: int(s.get('Seccomp')), filters: int(s.get('Seccomp_filters')) };
    })(),
    sysctls: sysctls(),
    clocksource: (() => {
      const avail = readTrim('/sys/devices/system/clocksource/clocksource0/available_clocksource');
      return {
        current: readTrim('/sys/devices/system/clocksource/clocksource0/current_clocksource'),
        available: avail === null ? null : avail.split(/[ \t\n]+/).filter(Boolean),
      };
    })(),
    thp: {
      enabled: bracketed(readTrim('/sys/kernel/mm/transparent_hugepage/enabled')),
      defrag: bracketed(readTrim('/sys/kernel/mm/transparent_hugepage/defrag')),
      maxPtesNone: int(readTrim('/sys/kernel/mm/transparent_hugepage/khugepaged/max_ptes_none')),
    },
    tcp: { ext: counters('/proc/net/netstat', 'TcpExt:'), tcp: counters('/proc/net/snmp', 'Tcp:') },
    listening: listening(endian),
    container: container(ms, env),
    libraries: described.libraries,
    image: null,
    systemd: systemd(opts.unit, env),
  };
}
