/**
 * The facts of a snapshot the hosts list shows, flat, each as text the way Postgres' `->>` gives a
 * json value (numbers and booleans as their JSON text), so the list reads them with one cheap
 * operator on a small document instead of parsing every host's whole snapshot.
 */
import type { HostSnapshot } from '../../core/facts/host.js';

export type HostFactsRow = Record<string, string | null>;

const asText = (v: unknown): string | null => (v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v));

export function hostFactsRow(s: HostSnapshot): HostFactsRow {
  const nofile = (s.limits as Record<string, { soft?: unknown; hard?: unknown } | undefined> | null | undefined)?.['Max open files'];
  return {
    kernel: asText(s.kernel?.release),
    distro: asText(s.distro?.prettyName),
    libc_family: asText(s.libc?.family),
    libc_version: asText(s.libc?.version),
    arch: asText(s.cpu?.arch),
    cpu_model: asText(s.cpu?.modelName),
    x86_level: asText(s.cpu?.x86Level),
    atomics: asText(s.cpu?.atomics),
    cpus: asText(s.cpu?.onlineCount),
    mem_kib: asText(s.memory?.totalKiB),
    nofile_soft: asText(nofile?.soft),
    nofile_hard: asText(nofile?.hard),
    cgroup_version: asText(s.cgroup?.version),
    cpu_quota: asText(s.cgroup?.cpu?.quotaUsec),
    cpu_period: asText(s.cgroup?.cpu?.periodUsec),
    mem_max: asText(s.cgroup?.memory?.max),
    pids_max: asText(s.cgroup?.pids?.max),
  };
}
