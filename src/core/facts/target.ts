import type { AtomicsSummary } from '../code/atomics.js';
import type { SeccompProfile } from '../linux/seccomp-profile.js';
import type { InspectReport } from './binary.js';
import type { HostSnapshot } from './host.js';
import type { SeccompReport } from './seccomp.js';

/**
 * What a check sees: the binary's report, a few facts derived from its function table, and
 * optionally the machine or image it is headed for. Checks are pure functions of this.
 */
export interface CheckInput {
  binary: InspectReport;
  /** Derived from the pclntab function names; null when they were not read. */
  code: CodeFacts | null;
  target: Target | null;
  /** The binary's syscall set (goready seccomp) and a seccomp profile it will run under; absent unless asked for (check --seccomp-profile). */
  seccomp?: SeccompInput | null;
}

export interface SeccompInput {
  report: SeccompReport;
  profile: SeccompProfile;
  /** How the user named the profile: a file name, or docker-default. */
  name: string;
}

export interface CodeFacts {
  /** The binary has net's TCP listen path linked in (it can accept connections). */
  listensTcp: boolean;
  /** arm64: the atomics census (LSE guarded or not); absent when the code was not read. */
  atomics?: AtomicsSummary | null;
}

export interface Target {
  /** How the user named it: "local", "prod.json", "ssh://web1", "image app.tar". */
  name: string;
  /** Facts of the target. An image fills only its filesystem facts; a host snapshot all of them. */
  host: HostSnapshot;
  /** An earlier snapshot of the same host, for counter deltas (ListenOverflows …); null without one. */
  before: HostSnapshot | null;
  /** The environment the binary is known to start with: image config Env, then --env. */
  env: Record<string, string>;
}

/** What a check target is assembled from: snapshots of a host (an earlier one for deltas) and/or an image. */
export interface TargetParts {
  /** The later host snapshot and how it was named ("local", "prod.json", "ssh://web1"); null without --host. */
  host: { name: string; snapshot: HostSnapshot } | null;
  before: HostSnapshot | null;
  /** An image's snapshot (filesystem facts and config) and its tarball's base name; null without --image. */
  image: { name: string; snapshot: HostSnapshot } | null;
  /** Variables given on the command line (or in a config): they override the image's Env. */
  env: Record<string, string>;
}

/**
 * The target checks see: an image's filesystem facts (distro, libc, libraries) over a host's
 * run-time facts (kernel, CPU, limits, cgroups), named after both; the environment is the image
 * config's Env overridden by what the user gave. Null when there is neither.
 */
export function assembleTarget(p: TargetParts): Target | null {
  const later = p.host?.snapshot ?? null;
  const image = p.image?.snapshot ?? null;
  if (!later && !image) return null;
  const host =
    image && later ? { ...later, distro: image.distro, libc: image.libc, libraries: image.libraries, image: image.image } : (image ?? (later as HostSnapshot));
  const imageEnv: Record<string, string> = {};
  for (const kv of image?.image?.env ?? []) {
    const eq = kv.indexOf('=');
    if (eq > 0) imageEnv[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  return {
    name: [p.host?.name, p.image ? `image ${p.image.name}` : null].filter(Boolean).join(' + '),
    host,
    before: p.before,
    env: { ...imageEnv, ...p.env },
  };
}

/** Functions present only when net's listen path is linked (net.Listen, http.ListenAndServe …). */
const LISTEN_FUNCS = ['net.(*sysListener).listenTCP', 'net.(*sysListener).listenTCPProto', 'net.(*TCPListener).accept'];

export function codeFacts(functionNames: Iterable<string>): CodeFacts {
  const names = new Set(functionNames);
  return { listensTcp: LISTEN_FUNCS.some((n) => names.has(n)) };
}

/** A build setting of the binary (`GOAMD64`, `-race`, `DefaultGODEBUG` …), undefined when absent. */
export function setting(r: InspectReport, key: string): string | undefined {
  return r.buildInfo?.settings.find((s) => s.key === key)?.value;
}

/** True when a module with this path (or its replacement) is among the binary's dependencies. */
export function hasDep(r: InspectReport, path: string): boolean {
  return !!r.buildInfo?.deps.some((d) => d.path === path || d.path.startsWith(`${path}/`) || d.replace?.path === path);
}

/** One GODEBUG key from the DefaultGODEBUG build setting (`containermaxprocs=0,…`). */
export function defaultGodebug(r: InspectReport, key: string): string | undefined {
  for (const kv of (setting(r, 'DefaultGODEBUG') ?? '').split(',')) {
    const eq = kv.indexOf('=');
    if (eq > 0 && kv.slice(0, eq) === key) return kv.slice(eq + 1);
  }
  return undefined;
}

/** `go1.21.1` → [1, 21, 1]; `go1.25rc1` → [1, 25, 0]; null for anything else (devel builds). */
export function goVersionParts(v: string | null): [number, number, number] | null {
  const m = v ? /^go(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : null;
}

/** Compares dotted numeric versions (`2.6.32`, `5.10.0-23-amd64` reads as 5.10.0): <0, 0, >0. */
export function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** The leading numeric part of a version text: `5.10.0-23-amd64` → [5, 10, 0]; null when none. */
export function numericVersion(text: string | null | undefined): number[] | null {
  const m = text ? /^(\d+(?:\.\d+)*)/.exec(text) : null;
  return m ? (m[1] as string).split('.').map(Number) : null;
}

/** Go version at least major.minor.patch. Unknown versions (devel) count as new. */
export function goAtLeast(r: InspectReport, want: [number, number, number]): boolean {
  const v = goVersionParts(r.go.version);
  return v === null || compareVersions(v, want) >= 0;
}

/** The libc a dynamically linked ELF binary expects, from its interpreter path. */
export function binaryLibc(r: InspectReport): 'glibc' | 'musl' | null {
  const interp = r.linkage.interpreter;
  if (!interp) return null;
  if (interp.includes('ld-musl')) return 'musl';
  if (/\/ld-linux|\/ld64\.so|\/ld\.so\.1$|\/ld-linux-/.test(interp)) return 'glibc';
  return null;
}

export function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[i]}`;
}
