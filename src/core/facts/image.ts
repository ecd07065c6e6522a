/**
 * The host snapshot of a container image: what its root filesystem and config tell (distro, libc,
 * libraries, image), every run-time fact (kernel, CPU, memory, limits, cgroup, sysctls, TCP ...)
 * null or empty, because an image has none until it runs somewhere. Pure: no Node APIs.
 */
import { type HostSnapshot, type ImageInfo, SYSCTLS, type SysctlName } from './host.js';

/** Byte order of a GOARCH (the image's, not the reading machine's). */
export function archEndian(arch: string | null): 'little' | 'big' {
  return arch !== null && ['s390x', 'ppc64', 'mips', 'mips64', 'sparc64', 'armbe', 'arm64be'].includes(arch) ? 'big' : 'little';
}

export function imageSnapshot(described: Pick<HostSnapshot, 'distro' | 'libc' | 'libraries'>, image: ImageInfo, collectedAt: Date = new Date()): HostSnapshot {
  const arch = image.architecture;
  return {
    schemaVersion: 1,
    collector: 'image',
    collectedAt: collectedAt.toISOString().replace(/\.[0-9]+Z$/, 'Z'),
    hostname: null,
    kernel: { release: null, version: null, machine: null, endian: archEndian(arch) },
    distro: described.distro,
    libc: described.libc,
    cpu: {
      arch,
      modelName: null,
      flags: null,
      x86Level: null,
      atomics: null,
      online: null,
      onlineCount: null,
      affinity: null,
      affinityCount: null,
    },
    memory: { totalKiB: null, availableKiB: null },
    limits: null,
    cgroup: {
      version: null,
      path: null,
      cpu: { dir: null, quotaUsec: null, periodUsec: null, nrPeriods: null, nrThrottled: null, throttledUsec: null },
      memory: { dir: null, max: null },
      pids: { dir: null, max: null },
    },
    seccomp: { mode: null, filters: null },
    sysctls: Object.fromEntries(SYSCTLS.map((s) => [s, null])) as Record<SysctlName, string | null>,
    clocksource: { current: null, available: null },
    thp: { enabled: null, defrag: null, maxPtesNone: null },
    tcp: { ext: null, tcp: null },
    listening: null,
    container: {
      dockerenv: false,
      containerenv: false,
      systemdContainer: null,
      pid1Container: null,
      pid1EnvironReadable: false,
      cgroupHints: [],
      kubernetes: false,
      rootFsType: null,
      runtime: null,
      runtimePrograms: [],
      runtimeVersions: {},
      runtimes: [],
    },
    libraries: described.libraries,
    image,
    systemd: null,
  };
}
