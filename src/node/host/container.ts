import { readFileSync } from 'node:fs';
import { CGROUP_HINTS, type HostSnapshot, type RuntimeProgram } from '../../core/facts/host.js';
import type { Mount } from './mounts.js';
import { exists, isDir, lines, read, readTrim } from './read.js';

/**
 * Whether this process runs in a container and which engine made it: marker files, pid 1's
 * container= variable, words in its cgroup paths, Kubernetes' service account, the / mount's type;
 * and the container runtime programs installed (RUNTIMES, read by runtimes.ts).
 */
export function container(ms: Mount[], env: NodeJS.ProcessEnv, runtimes: RuntimeProgram[]): HostSnapshot['container'] {
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
    // Another user's pid 1: its environment is not ours to read.
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
  const runtimeVersions: Record<string, string> = {};
  for (const r of runtimes) if (r.version !== null) runtimeVersions[r.name] = r.version;
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
    runtimePrograms: runtimes.map((r) => r.name),
    runtimeVersions,
    runtimes,
  };
}
