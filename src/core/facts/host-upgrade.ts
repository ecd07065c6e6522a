import { type HostSnapshot, RUNTIME_PROGRAMS, RUNTIME_ROLES, type RuntimeProgram, type RuntimeProgramName } from './host.js';

/** A schemaVersion 1 snapshot as earlier collectors wrote it: before `container.runtimes` existed. */
type Written = Omit<HostSnapshot, 'container'> & { container: Omit<HostSnapshot['container'], 'runtimes'> & { runtimes?: RuntimeProgram[] } };

const isRuntimeName = (n: string): n is RuntimeProgramName => (RUNTIME_PROGRAMS as readonly string[]).includes(n);

/**
 * Brings a schema-valid snapshot to the current shape. Snapshots written before `container.runtimes`
 * got their versions from `PROG --version`: each program becomes a runtime entry with that source,
 * its role from the table and no path.
 */
export function upgradeSnapshot(s: Written): HostSnapshot {
  if (s.container.runtimes !== undefined) return s as HostSnapshot;
  const c = s.container;
  const runtimes: RuntimeProgram[] = c.runtimePrograms.filter(isRuntimeName).map((name) => {
    const version = c.runtimeVersions[name] ?? null;
    return { name, path: null, role: RUNTIME_ROLES[name], version, source: version === null ? null : 'version-output', evidence: null };
  });
  return { ...s, container: { ...c, runtimes } };
}
