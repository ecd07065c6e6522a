import { CONSEQUENCES, type SeccompSyscall } from '../facts/seccomp.js';
import { binaryLibc, type CheckInput, compareVersions, numericVersion, type SeccompInput } from '../facts/target.js';
import { DOCKER_DEFAULT } from '../linux/docker-default.js';
import { coversArch, evaluateProfile, SCMP_ARCH, type Verdict } from '../linux/seccomp-profile.js';
import { syscallTable } from '../linux/syscalls.js';
import { type Checks, type Hit, onTarget } from './check.js';
import type { Severity } from './finding.js';

/**
 * System calls the target's sandbox refuses (GR-SECCOMP-*; rules.ts has each rule). 002 and 003
 * judge the binary's syscall set (goready seccomp) against a seccomp profile it will run under:
 * they fire only when the input carries one (`seccomp --profile`, `check --seccomp-profile`).
 */
export const seccompChecks = {
  // clone3: glibc ≥ 2.34 creates threads with clone3 and falls back only on ENOSYS; Docker engines
  // before 20.10.10 answered EPERM from their default seccomp profile. Only a container meets that
  // profile, and only the engine's (dockerd's) version says which one: the docker client may be
  // newer, older, or talk to another machine.
  'GR-SECCOMP-001': onTarget(({ binary: r, target }) => {
    const { host } = target;
    const libc = host.libc;
    const glibc = numericVersion(libc.family === 'glibc' ? libc.version : null);
    const clone3 = binaryLibc(r) === 'glibc' && !!glibc && compareVersions(glibc, [2, 34]) >= 0;
    const container = host.image ? `image ${host.image.ref ?? host.image.file}` : host.container.runtime ? `${host.container.runtime} container` : null;
    if (!clone3 || !container) return null;
    const engine = host.container.runtimeVersions?.dockerd ?? null;
    const engineV = numericVersion(engine);
    const evidence = [`${target.name}: glibc ${libc.version}`, `${target.name}: ${container}`, `interpreter ${r.linkage.interpreter}`];
    if (engineV) {
      if (compareVersions(engineV, [20, 10, 10]) >= 0) return null;
      return {
        title: `glibc ${libc.version} calls clone3, which Docker ${engine}'s seccomp profile rejects with EPERM`,
        evidence: [...evidence, `${target.name}: Docker engine dockerd ${engine} (clone3 allowed from 20.10.10)`],
      };
    }
    const client = host.container.runtimeVersions?.docker;
    return {
      severity: 'info',
      title: `glibc ${libc.version} calls clone3; the version of the Docker engine that runs it is unknown`,
      evidence: [
        ...evidence,
        client
          ? `${target.name}: only the docker client ${client} was found; the engine (dockerd) that runs containers may be another version, on another machine`
          : `${target.name}: no Docker engine (dockerd) version was read`,
      ],
      fix: 'Under a Docker engine < 20.10.10 the cgo runtime aborts with "runtime/cgo: pthread_create failed: Operation not permitted". Ask the daemon: docker version --format \'{{.Server.Version}}\', or check with --host on the machine that runs dockerd.',
    };
  }),

  // One finding per syscall the profile denies, with its sites and what Go does then.
  'GR-SECCOMP-002': ({ seccomp }) => (seccomp ? denied(seccomp) : null),

  'GR-SECCOMP-003': ({ seccomp }) => (seccomp ? unneeded(seccomp) : null),
} satisfies Checks<CheckInput>;

function denied({ report, profile, name }: SeccompInput): Hit[] {
  const verdict = evaluateProfile(profile, report.arch);
  const covered = coversArch(profile, report.arch);
  const hits: Hit[] = [];
  for (const s of report.syscalls) {
    const v: Verdict = covered
      ? verdict(s.name)
      : { action: 'deny', errno: null, by: `architecture ${SCMP_ARCH[report.arch]?.arch ?? report.arch} not listed` };
    if (v.action !== 'deny') continue;
    const c = CONSEQUENCES[s.name] ?? (childOnly(s) ? CHILD_ONLY : undefined);
    const who = s.origin.includes('code')
      ? 'the binary can call'
      : s.origin.includes('go')
        ? 'every Go program needs'
        : s.origin.includes('loader')
          ? 'its dynamic loader calls'
          : s.origin.includes('libc')
            ? 'glibc calls for its threads'
            : `${report.runtime} calls`;
    hits.push({
      severity: severityOf(c?.effect, s),
      title: `${name} denies ${s.name}, which ${who}`,
      evidence: [
        `${name}: ${s.name} → ${v.by}${v.errno !== null ? ` (errno ${v.errno}${v.errno === 1 ? ', EPERM' : v.errno === 38 ? ', ENOSYS' : ''})` : ''}`,
        ...siteLines(s),
        ...(s.reason ? [`needed: ${s.reason}`] : []),
      ],
      fix: `${consequenceText(s, v, c?.text)} Allow ${s.name} in the profile (goready seccomp ${report.path || 'BINARY'} --format oci writes one that allows exactly what the binary needs).`,
    });
  }
  return hits;
}

function unneeded({ report, profile, name }: SeccompInput): Hit | null {
  const arch = report.arch;
  const table = syscallTable(arch);
  if (!coversArch(profile, arch) || !table) return null;
  const verdict = evaluateProfile(profile, arch);
  const needed = new Set(report.syscalls.map((s) => s.name));
  const allowAll = profile.defaultAction === 'SCMP_ACT_ALLOW' || profile.defaultAction === 'SCMP_ACT_LOG';
  const extra = allowAll ? null : table.names().filter((n) => verdict(n).action !== 'deny' && !needed.has(n));
  if (extra && !extra.length) return null;
  const docker = evaluateProfile(DOCKER_DEFAULT, arch);
  const dockerAllows = table.names().filter((n) => docker(n).action !== 'deny').length;
  const beyondDocker = extra?.filter((n) => docker(n).action === 'deny') ?? [];
  const subject = report.path || 'the binary';
  return {
    title:
      extra === null
        ? `${name} allows every syscall it does not list (defaultAction ${profile.defaultAction})`
        : `${name} allows ${extra.length} syscalls ${subject} never makes`,
    evidence: [
      extra === null ? `${name}: defaultAction ${profile.defaultAction}` : `allowed but not needed: ${extra.join(', ')}`,
      ...(beyondDocker.length ? [`of these, Docker's default profile denies: ${beyondDocker.join(', ')}`] : []),
      `the binary, Go and ${report.runtime ?? 'no container runtime'} need ${needed.size} on ${arch}; Docker's default profile allows ${dockerAllows}`,
    ],
    fix: `Every allowed syscall the program never makes is attack surface a compromised process can use. goready seccomp ${report.path || 'BINARY'} --format oci writes a profile that allows only the ${needed.size} needed.`,
  };
}

/**
 * syscall.forkAndExecInChild makes chroot, unshare, mount, setns, ptrace … only when the caller's
 * SysProcAttr asks for them (Chroot, Unshareflags, Ptrace …): with default attributes, never.
 */
const CHILD_ONLY = {
  effect: 'conditional',
  text: 'only the child of os/exec or syscall.ForkExec makes this call, and only when SysProcAttr asks for it (Chroot, Unshareflags, Cloneflags, Ptrace, Setctty …); with the default attributes it is never made, otherwise the command fails to start with EPERM',
} as const;

function childOnly(s: SeccompSyscall): boolean {
  return s.sites.length > 0 && s.sites.every((x) => /^syscall\.forkAndExecInChild/.test(x.function));
}

/** A denial the runtime cannot survive is fatal; one Go works around (or never meets) is low; one that returns EPERM to the caller is high. */
function severityOf(effect: string | undefined, s: SeccompSyscall): Severity {
  if (effect === 'fatal') return 'fatal';
  if (effect === 'fallback' || effect === 'conditional') return 'low';
  if (effect === 'degraded') return 'medium';
  return s.origin.includes('code') ? 'high' : 'fatal';
}

function consequenceText(s: SeccompSyscall, v: Verdict, known: string | undefined): string {
  if (known) return `If denied: ${known}.`;
  if (v.errno === null) return `The kernel ${v.by === 'SCMP_ACT_TRAP' ? 'sends SIGSYS' : 'kills the process'} when ${s.name} is called.`;
  const fns = [...new Set(s.sites.map((x) => x.function))].slice(0, 3);
  return fns.length
    ? `${s.name} fails with errno ${v.errno} in ${fns.join(', ')}${s.sites.length > 3 ? ' …' : ''}: the Go call that needs it returns an error (os.SyscallError / syscall.Errno).`
    : `${s.name} fails with errno ${v.errno}.`;
}

const MAX_SITES = 6;

function siteLines(s: SeccompSyscall): string[] {
  const lines = s.sites
    .slice(0, MAX_SITES)
    .map(
      (x) =>
        `site: ${x.function} at 0x${x.pc.toString(16)} (${x.kind}${x.via ? ` via ${x.via}` : ''}${x.global ? ` from ${x.global}` : ''}${x.setBy ? `, set by ${x.setBy}` : ''})`,
    );
  if (s.sites.length > MAX_SITES) lines.push(`site: … ${s.sites.length - MAX_SITES} more`);
  return lines;
}
