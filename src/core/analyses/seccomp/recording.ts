import { GO_NEEDS, type Recording, type RecordingDiff, RUNTIME_NEEDS, type SeccompReport } from '../../facts/seccomp.js';
import { SCMP_ARCH, type SeccompProfile, type SeccompRule } from '../../linux/seccomp-profile.js';

/** What a run observed against what the binary's code can call (its sites and Go's needs). */
export function compareRecording(staticReport: SeccompReport, rec: Recording): RecordingDiff {
  const known = new Set(staticReport.syscalls.filter((s) => !(s.origin.length === 1 && s.origin[0] === 'container')).map((s) => s.name));
  const seen = new Set(rec.syscalls.map((s) => s.name));
  return {
    missing: [...seen].filter((n) => !known.has(n)).sort(),
    unobserved: staticReport.syscalls
      .filter((s) => s.origin.includes('code') && !seen.has(s.name))
      .map((s) => s.name)
      .sort(),
  };
}

/** A profile from what was observed, plus the calls no run may happen to show (execve, exit_group, rt_sigreturn, restart_syscall) and the container runtime's own. */
export function recordingProfile(rec: Recording, runtime: string): SeccompProfile {
  const arch = SCMP_ARCH[rec.arch];
  if (!arch) throw new Error(`no seccomp architecture for ${rec.arch}`);
  const observed = new Set(rec.syscalls.map((s) => s.name));
  for (const n of GO_NEEDS) if (['execve', 'exit_group', 'rt_sigreturn', 'restart_syscall'].includes(n.name)) observed.add(n.name);
  const rules: SeccompRule[] = [{ names: [...observed].sort(), action: 'SCMP_ACT_ALLOW', comment: `goready seccomp record: observed for ${rec.target}` }];
  const rt = RUNTIME_NEEDS[runtime];
  const extra = rt ? rt.names.filter((n) => !observed.has(n)) : [];
  if (rt && extra.length)
    rules.push({
      names: extra,
      action: 'SCMP_ACT_ALLOW',
      comment: `container runtime ${rt.runtime}: calls these itself after loading the filter, before the program starts`,
    });
  return { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: [arch.arch, ...arch.sub], syscalls: rules };
}
