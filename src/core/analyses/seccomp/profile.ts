import { RUNTIME_NEEDS, type SeccompReport } from '../../facts/seccomp.js';
import { SCMP_ARCH, type SeccompProfile, type SeccompRule } from '../../linux/seccomp-profile.js';
import { syscallTable } from '../../linux/syscalls.js';

/**
 * The OCI/Docker seccomp profile for a report: deny by default with EPERM (errno 1, as Docker's
 * default does), the binary's architecture with the compat architectures Docker's archMap lists
 * for it, one allow rule for the binary and Go's needs, and one for the container runtime's own
 * calls, each named in its comment.
 */
export function ociProfile(r: SeccompReport): SeccompProfile {
  const arch = SCMP_ARCH[r.arch];
  if (!arch) throw new Error(`no seccomp architecture for ${r.arch}`);
  const own = r.syscalls.filter((s) => !(s.origin.length === 1 && s.origin[0] === 'container')).map((s) => s.name);
  const runtime = r.syscalls.filter((s) => s.origin.length === 1 && s.origin[0] === 'container').map((s) => s.name);
  // The runtime runs as the host's architecture (amd64 runc starting a 386 program): its calls the
  // binary's architecture has no number for (newfstatat on 386) are named too; libseccomp sets
  // them for the architectures that have them (the host's native one is always in the filter).
  const table = syscallTable(r.arch);
  if (r.runtime) for (const n of RUNTIME_NEEDS[r.runtime]?.names ?? []) if (table && table.number(n) === undefined && !runtime.includes(n)) runtime.push(n);
  const rules: SeccompRule[] = [
    {
      names: own,
      action: 'SCMP_ACT_ALLOW',
      comment: `goready: the syscalls ${r.path || 'the binary'} (${r.goVersion ?? 'Go'}, ${r.arch}) can make, found statically, and what every Go program (and its loader) needs`,
    },
  ];
  if (runtime.length)
    rules.push({
      names: runtime,
      action: 'SCMP_ACT_ALLOW',
      comment: `container runtime ${r.runtime}: calls these itself after loading the filter, before the program starts`,
    });
  return { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: [arch.arch, ...arch.sub], syscalls: rules };
}
