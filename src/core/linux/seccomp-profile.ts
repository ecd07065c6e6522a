/**
 * OCI / Docker seccomp profiles: the JSON runc, crun and Docker load (opencontainers/runtime-spec
 * config-linux.md "Seccomp"; moby/profiles seccomp/seccomp.go adds archMap, comment and the
 * includes/excludes conditions), and what a profile does with each syscall name on one architecture.
 */
export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface SeccompFilter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

export interface SeccompRule {
  names?: string[];
  /** Deprecated single-name form. */
  name?: string;
  action: string;
  errnoRet?: number;
  args?: SeccompArg[] | null;
  comment?: string;
  includes?: SeccompFilter;
  excludes?: SeccompFilter;
}

export interface SeccompProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: { architecture: string; subArchitectures?: string[] | null }[];
  flags?: string[];
  syscalls?: SeccompRule[] | null;
  [extra: string]: unknown;
}

/** How a profile treats one syscall name. */
export interface Verdict {
  /** allow: always; conditional: only for some argument values; deny: never. */
  action: 'allow' | 'conditional' | 'deny';
  /** For deny: the errno returned (1 = EPERM), or null when the process is killed or trapped. */
  errno: number | null;
  /** The profile action that decided (SCMP_ACT_ERRNO, SCMP_ACT_KILL_PROCESS …). */
  by: string;
  /** For conditional: the argument conditions, e.g. `arg0 < 38`. */
  conditions?: string[];
}

/** Docker's default capability set (moby oci/caps/defaults.go): rules that include one of these apply by default. */
export const DOCKER_DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

/** libseccomp's architecture token for a GOARCH, and the compat architectures Docker's archMap lists with it. */
export const SCMP_ARCH: Record<string, { arch: string; sub: string[]; docker: string }> = {
  amd64: { arch: 'SCMP_ARCH_X86_64', sub: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'], docker: 'amd64' },
  arm64: { arch: 'SCMP_ARCH_AARCH64', sub: ['SCMP_ARCH_ARM'], docker: 'arm64' },
  '386': { arch: 'SCMP_ARCH_X86', sub: [], docker: 'x86' },
  arm: { arch: 'SCMP_ARCH_ARM', sub: [], docker: 'arm' },
};

const ERRNO_ACTIONS = new Set(['SCMP_ACT_ERRNO']);
const ALLOW_ACTIONS = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG']);

/** A problem with a profile's shape, one line. */
export class ProfileError extends Error {}

/** Checks that a parsed JSON value is a seccomp profile goready can evaluate. */
export function asProfile(json: unknown): SeccompProfile {
  if (!json || typeof json !== 'object' || Array.isArray(json)) throw new ProfileError('not a seccomp profile: expected a JSON object');
  const p = json as SeccompProfile;
  if (typeof p.defaultAction !== 'string') throw new ProfileError('not a seccomp profile: no defaultAction');
  if (p.syscalls !== undefined && p.syscalls !== null && !Array.isArray(p.syscalls)) throw new ProfileError('syscalls is not an array');
  for (const [i, r] of (p.syscalls ?? []).entries()) {
    if (!r || typeof r !== 'object') throw new ProfileError(`syscalls[${i}] is not an object`);
    if (typeof r.action !== 'string') throw new ProfileError(`syscalls[${i}] has no action`);
    const names = r.names ?? (r.name ? [r.name] : null);
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw new ProfileError(`syscalls[${i}] has no names`);
  }
  return p;
}

function kernelAtLeast(have: string, want: string): boolean {
  const a = have.split('.').map(Number);
  const b = want.split('.').map(Number);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

function matches(f: SeccompFilter, arch: string, caps: ReadonlySet<string>, kernel: string): { arch: boolean; caps: boolean; kernel: boolean } {
  return {
    arch: !!f.arches?.includes(SCMP_ARCH[arch]?.docker ?? arch),
    caps: !!f.caps?.some((c) => caps.has(c)),
    kernel: f.minKernel ? kernelAtLeast(kernel, f.minKernel) : false,
  };
}

/** True when a rule applies (moby seccomp_linux.go: excludes drop it, includes must all hold). */
function applies(r: SeccompRule, arch: string, caps: ReadonlySet<string>, kernel: string): boolean {
  if (r.excludes) {
    const m = matches(r.excludes, arch, caps, kernel);
    if ((r.excludes.arches?.length && m.arch) || (r.excludes.caps?.length && m.caps) || (r.excludes.minKernel && m.kernel)) return false;
  }
  if (r.includes) {
    const m = matches(r.includes, arch, caps, kernel);
    if ((r.includes.arches?.length && !m.arch) || (r.includes.caps?.length && !m.caps) || (r.includes.minKernel && !m.kernel)) return false;
  }
  return true;
}

const OPS: Record<string, string> = {
  SCMP_CMP_NE: '!=',
  SCMP_CMP_LT: '<',
  SCMP_CMP_LE: '<=',
  SCMP_CMP_EQ: '==',
  SCMP_CMP_GE: '>=',
  SCMP_CMP_GT: '>',
};

function condition(a: SeccompArg): string {
  if (a.op === 'SCMP_CMP_MASKED_EQ') return `arg${a.index} & 0x${a.value.toString(16)} == ${a.valueTwo ?? 0}`;
  return `arg${a.index} ${OPS[a.op] ?? a.op} ${a.value}`;
}

export interface EvalOptions {
  /** Capabilities the container has (default: Docker's default set). */
  caps?: readonly string[];
  /** Kernel release the rules' minKernel conditions are judged against (default: a current kernel). */
  kernel?: string;
}

/**
 * What the profile does with each syscall name on `arch`: names no rule mentions get the default
 * action. An unconditional allow beats argument-conditional allows, which beat explicit denials.
 */
export function evaluateProfile(p: SeccompProfile, arch: string, opts: EvalOptions = {}): (name: string) => Verdict {
  const caps = new Set(opts.caps ?? DOCKER_DEFAULT_CAPS);
  const kernel = opts.kernel ?? '6.1';
  const allow = new Set<string>();
  const conditional = new Map<string, string[]>();
  const deny = new Map<string, Verdict>();
  for (const r of p.syscalls ?? []) {
    if (!applies(r, arch, caps, kernel)) continue;
    const names = r.names ?? (r.name ? [r.name] : []);
    const argsList = r.args ?? [];
    for (const n of names) {
      if (ALLOW_ACTIONS.has(r.action)) {
        if (argsList.length === 0) allow.add(n);
        else conditional.set(n, [...(conditional.get(n) ?? []), argsList.map(condition).join(' && ')]);
      } else if (!deny.has(n)) {
        deny.set(n, { action: 'deny', errno: ERRNO_ACTIONS.has(r.action) ? (r.errnoRet ?? p.defaultErrnoRet ?? 1) : null, by: r.action });
      }
    }
  }
  const fallback: Verdict = ALLOW_ACTIONS.has(p.defaultAction)
    ? { action: 'allow', errno: null, by: p.defaultAction }
    : { action: 'deny', errno: ERRNO_ACTIONS.has(p.defaultAction) ? (p.defaultErrnoRet ?? 1) : null, by: p.defaultAction };
  return (name) => {
    if (allow.has(name)) return { action: 'allow', errno: null, by: 'SCMP_ACT_ALLOW' };
    const c = conditional.get(name);
    if (c) return { action: 'conditional', errno: fallback.errno, by: 'SCMP_ACT_ALLOW', conditions: c };
    return deny.get(name) ?? fallback;
  };
}

/** True when the profile lists the architecture (directly, in archMap, or as a sub-architecture), or lists none. */
export function coversArch(p: SeccompProfile, arch: string): boolean {
  const want = SCMP_ARCH[arch]?.arch;
  if (!want) return false;
  const listed = [...(p.architectures ?? []), ...(p.archMap ?? []).flatMap((m) => [m.architecture, ...(m.subArchitectures ?? [])])];
  return listed.length === 0 || listed.includes(want);
}
