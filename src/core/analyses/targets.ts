/**
 * "Runs on": the least platform a binary needs (OS, arch, CPU level, kernel, C library), read
 * from facts inspect already has, and a verdict on the shipped table of distributions and CPUs.
 */
import { minimumKernel } from '../checks/kernel.js';
import type { InspectReport } from '../facts/binary.js';
import { binaryLibc, compareVersions, goVersionParts, numericVersion, setting } from '../facts/target.js';
import { type Cpu, DISTROS, type Distro, PLATFORM_CPUS } from '../linux/platforms.js';

export interface Requirements {
  os: string;
  arch: string;
  /** amd64: GOAMD64 level (v1–v4). */
  goamd64?: string;
  /** arm: GOARM (5, 6, 7, with ,softfloat/,hardfloat). */
  goarm?: string;
  /** arm64: GOARM64 (v8.0…v9.5, with ,lse/,crypto). */
  goarm64?: string;
  /** arm64: the code uses LSE atomics unconditionally (GOARM64 ≥ v8.1 or ,lse). */
  lse?: boolean;
  /** Oldest Linux kernel the Go release supports; null when the Go version is unknown. */
  kernel: string | null;
  /** Oldest glibc that has every symbol version it needs; null when it does not use glibc or names no version. */
  glibc: string | null;
  /** The C library it loads: glibc, musl, or none (static). */
  libc: 'glibc' | 'musl' | 'none' | 'unknown';
}

export interface PlatformVerdict {
  name: string;
  kind: 'distro' | 'cpu';
  family: string;
  /** null: cannot be told from the binary (a build setting is missing, or it depends on the kernel's configuration). */
  runs: boolean | null;
  why: string;
  source: string;
}

export interface TargetsReport {
  path: string;
  requires: Requirements;
  /** The constraints that rule out a listed platform, each with the platforms that still run it, binding first. */
  summary: string;
  platforms: PlatformVerdict[];
}

export function requirementsOf(r: InspectReport): Requirements {
  const os = setting(r, 'GOOS') ?? (r.file.format === 'elf' ? 'linux' : r.file.format === 'pe' ? 'windows' : r.file.format === 'macho' ? 'darwin' : 'unknown');
  const req: Requirements = { os, arch: r.file.arch, kernel: null, glibc: null, libc: 'unknown' };
  const go = goVersionParts(r.go.version);
  if (go && os === 'linux') req.kernel = minimumKernel(go, r.file.arch).version.join('.');
  if (r.file.arch === 'amd64') {
    const v = setting(r, 'GOAMD64');
    if (v) req.goamd64 = v;
  }
  if (r.file.arch === 'arm') {
    const v = setting(r, 'GOARM');
    if (v) req.goarm = v;
  }
  if (r.file.arch === 'arm64') {
    const v = setting(r, 'GOARM64');
    if (v) {
      req.goarm64 = v;
      req.lse = armIsaOf(v) >= 8.1 || v.split(',').includes('lse');
    }
  }
  const libc = binaryLibc(r);
  req.libc = r.linkage.static ? 'none' : (libc ?? 'unknown');
  if (libc === 'glibc') req.glibc = r.linkage.minGlibc;
  return req;
}

/** `v8.1` → 8.1, `v9.0,lse` → 9.0; 8.0 when unreadable (Go's default). */
function armIsaOf(goarm64: string): number {
  const m = /^v(\d+)\.(\d+)/.exec(goarm64);
  return m ? Number(m[1]) + Number(m[2]) / 10 : 8;
}

/** The release runs programs of this arch: its own, or a static 386 one on its x86-64 kernel (IA-32 emulation). */
function hasArch(req: Requirements, d: Distro): boolean {
  return d.arches.includes(req.arch) || (req.arch === '386' && req.libc === 'none' && d.arches.includes('amd64'));
}

function distroVerdict(req: Requirements, d: Distro): PlatformVerdict {
  const base = { name: d.name, kind: 'distro' as const, family: d.family, source: d.source };
  if (req.os !== 'linux') return { ...base, runs: false, why: `built for ${req.os}` };
  if (!hasArch(req, d)) return { ...base, runs: false, why: `no ${req.arch} release` };
  if (req.kernel && compareVersions(numericVersion(d.kernel) ?? [], numericVersion(req.kernel) ?? []) < 0)
    return { ...base, runs: false, why: `kernel ${d.kernel} < ${req.kernel}` };
  if (req.libc === 'glibc') {
    if (d.libc.family !== 'glibc') return { ...base, runs: false, why: `needs glibc; ${d.name} has ${d.libc.family}` };
    if (compareVersions(numericVersion(d.libc.version) ?? [], numericVersion(req.glibc) ?? []) < 0)
      return { ...base, runs: false, why: `glibc ${d.libc.version} < ${req.glibc}` };
    return { ...base, runs: true, why: req.glibc ? `glibc ${d.libc.version} ≥ ${req.glibc}` : `glibc ${d.libc.version}` };
  }
  if (req.libc === 'musl') {
    if (d.libc.family !== 'musl') return { ...base, runs: false, why: `needs musl; ${d.name} has ${d.libc.family}` };
    return { ...base, runs: true, why: `musl ${d.libc.version}` };
  }
  if (req.libc === 'unknown') return { ...base, runs: null, why: 'dynamically linked against an unknown loader' };
  return { ...base, runs: true, why: `static; kernel ${d.kernel}` };
}

function cpuVerdict(req: Requirements, c: Cpu): PlatformVerdict {
  const base = { name: c.name, kind: 'cpu' as const, family: c.family, source: c.source };
  if (req.arch === 'amd64' || req.arch === '386') {
    if (c.arch !== 'amd64') return { ...base, runs: false, why: `${c.arch} CPU` };
    if (req.arch === '386') return { ...base, runs: true, why: '386 runs on every x86-64 CPU' };
    if (!req.goamd64) return { ...base, runs: null, why: 'GOAMD64 unknown (no build info)' };
    const need = Number(req.goamd64.slice(1));
    const has = c.x86Level ?? 1;
    return has >= need ? { ...base, runs: true, why: `x86-64-v${has} ≥ ${req.goamd64}` } : { ...base, runs: false, why: `x86-64-v${has} < ${req.goamd64}` };
  }
  if (req.arch === 'arm64') {
    if (c.arch !== 'arm64') return { ...base, runs: false, why: `${c.arch} (32-bit) CPU` };
    if (!req.goarm64) return { ...base, runs: true, why: `ARMv${(c.armIsa ?? 8).toFixed(1)}; no GOARM64 setting: v8.0 code` };
    const isa = c.armIsa ?? 8;
    const need = armIsaOf(req.goarm64);
    if (isa + 1e-9 < need) return { ...base, runs: false, why: `ARMv${isa.toFixed(1)} < GOARM64=${req.goarm64}` };
    if (req.lse && !c.lse) return { ...base, runs: false, why: 'no LSE atomics' };
    return { ...base, runs: true, why: `ARMv${isa.toFixed(1)}${c.lse ? ' with LSE' : ''}` };
  }
  if (req.arch === 'arm') {
    if (c.arch === 'amd64') return { ...base, runs: false, why: 'x86-64 CPU' };
    if (!c.goarm) return { ...base, runs: null, why: 'only where the kernel runs 32-bit Arm (AArch32) programs; build with GOARCH=arm64' };
    if (!req.goarm) return { ...base, runs: null, why: 'GOARM unknown (no build info)' };
    const need = Number(req.goarm.split(',')[0]);
    const soft = req.goarm.includes('softfloat');
    if (need > c.goarm) return { ...base, runs: false, why: `ARMv${c.goarm} < GOARM=${req.goarm}` };
    return { ...base, runs: true, why: `ARMv${c.goarm}${soft ? ', soft float' : ''}` };
  }
  return { ...base, runs: false, why: `${c.arch} CPU` };
}

/** CPU rows of the binary's own architecture family: an amd64 binary is not judged against Arm boards. */
function cpusFor(arch: string): readonly Cpu[] {
  if (arch === 'amd64' || arch === '386') return PLATFORM_CPUS.filter((c) => c.arch === 'amd64');
  if (arch === 'arm64') return PLATFORM_CPUS.filter((c) => c.arch === 'arm64');
  if (arch === 'arm') return PLATFORM_CPUS.filter((c) => c.arch !== 'amd64');
  return [];
}

export function targetsOf(r: InspectReport): TargetsReport {
  const requires = requirementsOf(r);
  const cpus = cpusFor(requires.arch).map((c) => cpuVerdict(requires, c));
  const platforms = [...DISTROS.map((d) => distroVerdict(requires, d)), ...cpus];
  return { path: r.path, requires, summary: summaryOf(requires, cpus), platforms };
}

interface Constraint {
  label: string;
  rows: { name: string; family: string; runs: boolean | null; why?: string }[];
}

/**
 * One line: each constraint that rules out a listed platform, with what still meets it ("needs
 * glibc ≥ 2.34: Debian 12+, Ubuntu 22.04+, RHEL 9+"), binding first; then those every listed
 * platform meets.
 */
export function summaryOf(req: Requirements, cpus: PlatformVerdict[]): string {
  if (req.os !== 'linux') return `built for ${req.os}/${req.arch}: none of the listed Linux platforms`;
  const distro = (label: string, ok: (d: Distro) => boolean | null): Constraint => ({
    label,
    rows: DISTROS.map((d) => ({ name: d.name, family: d.family, runs: ok(d) })),
  });
  const atLeast = (have: string, want: string | null) => compareVersions(numericVersion(have) ?? [], numericVersion(want) ?? []) >= 0;
  const constraints: Constraint[] = [distro(`linux/${req.arch}`, (d) => hasArch(req, d))];
  if (req.libc === 'glibc')
    constraints.push(distro(req.glibc ? `needs glibc ≥ ${req.glibc}` : 'needs glibc', (d) => d.libc.family === 'glibc' && atLeast(d.libc.version, req.glibc)));
  else if (req.libc === 'musl') constraints.push(distro('needs musl', (d) => d.libc.family === 'musl'));
  else if (req.libc === 'none') constraints.push(distro('static', () => true));
  else constraints.push(distro('an unknown loader', () => null));
  const cpu = req.goamd64
    ? `needs x86-64-${req.goamd64}`
    : req.goarm64
      ? `needs ARMv${req.goarm64.slice(1).split(',')[0]}${req.lse ? ' with LSE' : ''}`
      : req.goarm
        ? `needs GOARM=${req.goarm}`
        : `${req.arch} CPU`;
  if (cpus.length) constraints.push({ label: cpu, rows: cpus });
  if (req.kernel) constraints.push(distro(`Linux ≥ ${req.kernel}`, (d) => atLeast(d.kernel, req.kernel)));
  // A constraint no row can be judged on (no build settings) is said as unknown, not as binding.
  const unknown = constraints.filter((c) => c.rows.every((p) => p.runs === null));
  const judged = constraints.filter((c) => !unknown.includes(c));
  const binding = judged.filter((c) => c.rows.some((p) => p.runs !== true)).map((c) => `${c.label}: ${ranges(c.rows) || 'none listed'}`);
  const free = judged.filter((c) => c.rows.every((p) => p.runs === true)).map((c) => c.label);
  const tail = unknown.map((c) => `${c.label}: ${c.rows[0]?.why ?? 'unknown'}`);
  if (!binding.length) return [`every listed platform (${free.join(', ')})`, ...tail].join('; ');
  return [...binding, ...(free.length ? [`all listed: ${free.join(', ')}`] : []), ...tail].join('; ');
}

/** "Debian 12+, Ubuntu 22.04+": per family, the first that runs when all later ones do too, else the names. */
function ranges(rows: Constraint['rows']): string {
  const families = [...new Set(rows.map((p) => p.family))];
  const out: string[] = [];
  for (const f of families) {
    const members = rows.filter((p) => p.family === f);
    const first = members.findIndex((p) => p.runs === true);
    if (first < 0) continue;
    const suffix = members.slice(first).every((p) => p.runs === true);
    if (suffix && members.length - first > 1) out.push(`${members[first]?.name}+`);
    else out.push(...members.filter((p) => p.runs === true).map((p) => p.name));
  }
  return out.join(', ');
}
