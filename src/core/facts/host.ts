import type { ImageFormat } from '../image/manifest.js';

/**
 * A host snapshot: the facts about a Linux machine (or container) that decide whether a Go binary
 * starts and runs well there. Versioned JSON, published as schema/host-snapshot.schema.json.
 * Every field is always present; a fact that could not be read is null, so snapshots of different
 * machines diff key by key.
 */
export const SCHEMA_VERSION = 1;

/** The sysctls a snapshot records, as `sysctl -n` names them; values are the raw file text. */
export const SYSCTLS = [
  'net.core.somaxconn',
  'net.ipv4.tcp_max_syn_backlog',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.tcp_abort_on_overflow',
  'net.ipv4.tcp_tw_reuse',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_max_tw_buckets',
  'net.core.netdev_max_backlog',
  'net.core.rmem_max',
  'net.core.wmem_max',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'vm.max_map_count',
  'vm.overcommit_memory',
  'fs.file-max',
  'fs.nr_open',
  'kernel.pid_max',
  'kernel.threads-max',
] as const;
export type SysctlName = (typeof SYSCTLS)[number];

/** The unit properties `--unit NAME` asks systemd for (`systemctl show NAME -p ...`). */
export const SYSTEMD_PROPERTIES = ['LoadState', 'LimitNOFILE', 'LimitNPROC', 'TasksMax', 'MemoryMax', 'CPUQuotaPerSecUSec'] as const;
export type SystemdProperty = (typeof SYSTEMD_PROPERTIES)[number];

/** Container-related words looked for in the process's cgroup paths. */
export const CGROUP_HINTS = ['containerd', 'crio', 'docker', 'kubepods', 'libpod', 'lxc'] as const;
/** Container runtime programs looked for in RUNTIME_DIRS. */
export const RUNTIME_PROGRAMS = ['containerd', 'crio', 'crun', 'docker', 'dockerd', 'kubelet', 'podman', 'runc'] as const;
export type RuntimeProgramName = (typeof RUNTIME_PROGRAMS)[number];
/** Where runtime programs are looked for, in order: the first directory holding an executable regular file of that name wins. */
export const RUNTIME_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'] as const;

/**
 * What each runtime program is to a Go binary in a container:
 * - engine: runs containers and applies its seccomp profile (dockerd, containerd, crio, podman).
 *   The Docker version that decides GR-SECCOMP-001 is dockerd's.
 * - client: talks to an engine, possibly on another machine (docker); its version says nothing
 *   about the engine's.
 * - oci-runtime: creates the container process for an engine (runc, crun).
 * - node-agent: drives an engine for Kubernetes (kubelet).
 */
export const RUNTIME_ROLES: Readonly<Record<RuntimeProgramName, RuntimeRole>> = {
  containerd: 'engine',
  crio: 'engine',
  crun: 'oci-runtime',
  docker: 'client',
  dockerd: 'engine',
  kubelet: 'node-agent',
  podman: 'engine',
  runc: 'oci-runtime',
};
export type RuntimeRole = 'engine' | 'client' | 'oci-runtime' | 'node-agent';

/**
 * An installed container runtime program and its version, read without running it: from dpkg's
 * database when a package owns the file, else from the program's Go build info.
 */
export interface RuntimeProgram {
  name: RuntimeProgramName;
  /** Where it was found (RUNTIME_DIRS); null in snapshots written before this field existed. */
  path: string | null;
  role: RuntimeRole;
  /** The dotted version (1.2 or 1.2.3); null when no source gives one. */
  version: string | null;
  /**
   * dpkg: the version of the installed package that owns the file (var/lib/dpkg/info/*.list, status);
   * buildinfo: the program's Go build info (its main module version, or an -ldflags -X …Version= value);
   * version-output: `PROG --version`, as earlier collectors ran it (snapshots written before this field existed);
   * null when no version was found.
   */
  source: 'dpkg' | 'buildinfo' | 'version-output' | null;
  /** What was read: "docker.io 20.10.24+dfsg1-1+deb12u1+b6", "-X github.com/docker/cli/cli/version.Version=28.2.2", "mod example.com/x v1.2.3". */
  evidence: string | null;
}

/** A resource limit value: a number, or the string "unlimited" (RLIM_INFINITY) exactly as /proc/self/limits prints it. */
export type LimitValue = number | string;
/** A cgroup limit: a number, "max" for no limit (cgroup v2 `max`, v1 `-1` or a value ≥ 2^60), null when not readable. */
export type CgroupLimit = number | 'max' | null;

export interface HostSnapshot {
  schemaVersion: 1;
  /**
   * Which collector wrote the snapshot: the Node collector (`goready host`), the sh script
   * (`goready host --script`), or the container image reader (`--image FILE`), which fills only
   * what a root filesystem and the image config tell (distro, libc, libraries, image) and leaves
   * every run-time fact null.
   */
  collector: 'node' | 'sh' | 'image';
  /** UTC, RFC 3339, whole seconds. */
  collectedAt: string;
  /** /proc/sys/kernel/hostname (else uname -n). */
  hostname: string | null;
  kernel: {
    /** uname -r (/proc/sys/kernel/osrelease). */
    release: string | null;
    /** uname -v (/proc/sys/kernel/version). */
    version: string | null;
    /** uname -m. */
    machine: string | null;
    /** Host byte order, for the /proc/net/tcp address decoding. */
    endian: 'little' | 'big';
  };
  distro: {
    /** The os-release file read: /etc/os-release, else /usr/lib/os-release; null when neither exists. */
    file: string | null;
    id: string | null;
    idLike: string | null;
    versionId: string | null;
    versionCodename: string | null;
    prettyName: string | null;
  };
  libc: {
    family: 'glibc' | 'musl' | 'unknown';
    /** glibc: the "release version" from the banner; musl: the apk database's musl version. */
    version: string | null;
    /** glibc: the libc.so.6 read; musl: the loader /lib/ld-musl-<arch>.so.1. */
    file: string | null;
    /** glibc's version banner, e.g. "GNU C Library (Debian GLIBC 2.36-9+deb12u10) stable release version 2.36". */
    banner: string | null;
    /** Names libc.so.6 defines in .gnu.version_d (base entry left out), sorted; null for musl and when unreadable. */
    versionDefs: string[] | null;
    /** libseccomp's version from its file name (libseccomp.so.X.Y.Z) in the library directories; null when absent. */
    libseccomp: string | null;
  };
  cpu: {
    /** GOARCH-style (amd64, arm64, arm, 386, ...), from uname -m; the raw machine name when unknown. */
    arch: string | null;
    /** /proc/cpuinfo "model name" of the first CPU. */
    modelName: string | null;
    /** /proc/cpuinfo "flags" (x86) or "Features" (arm) of the first CPU, sorted, unique. */
    flags: string[] | null;
    /** amd64: the highest x86-64 microarchitecture level (GOAMD64) the flags support; null elsewhere. */
    x86Level: 'v1' | 'v2' | 'v3' | 'v4' | null;
    /** arm64: "atomics" (LSE, needed by GOARM64=v8.1+) in Features; null elsewhere. */
    atomics: boolean | null;
    /** /sys/devices/system/cpu/online as written ("0-3"). */
    online: string | null;
    onlineCount: number | null;
    /** Cpus_allowed_list of the collecting process (its sched_getaffinity set; nproc). */
    affinity: string | null;
    affinityCount: number | null;
  };
  memory: {
    /** /proc/meminfo MemTotal in KiB. */
    totalKiB: number | null;
    /** /proc/meminfo MemAvailable in KiB. */
    availableKiB: number | null;
  };
  /** /proc/self/limits of the collecting process, keyed by the row name ("Max open files"). */
  limits: Record<string, { soft: LimitValue; hard: LimitValue; units: string | null }> | null;
  cgroup: {
    /** v2 (unified only), v1 (controllers only), hybrid (v1 controllers and a cgroup2 mount); limits come from v1 controllers when present. */
    version: 'v1' | 'v2' | 'hybrid' | null;
    /** The process's cgroup: v2 the 0:: path; v1/hybrid the cpu controller's path. */
    path: string | null;
    cpu: {
      /** The directory the cpu values were read from. */
      dir: string | null;
      /** cpu.max quota (v2) or cpu.cfs_quota_us (v1). */
      quotaUsec: CgroupLimit;
      periodUsec: number | null;
      /** cpu.stat; v1 throttled_time (ns) is converted to µs. */
      nrPeriods: number | null;
      nrThrottled: number | null;
      throttledUsec: number | null;
    };
    memory: {
      dir: string | null;
      /** memory.max (v2) or memory.limit_in_bytes (v1), bytes. */
      max: CgroupLimit;
    };
    pids: { dir: string | null; max: CgroupLimit };
  };
  seccomp: {
    /** /proc/self/status Seccomp: 0 disabled, 1 strict, 2 filter. */
    mode: number | null;
    filters: number | null;
  };
  sysctls: Record<SysctlName, string | null>;
  clocksource: { current: string | null; available: string[] | null };
  thp: {
    /** The bracketed choice of /sys/kernel/mm/transparent_hugepage/enabled. */
    enabled: string | null;
    defrag: string | null;
    /** khugepaged/max_ptes_none. */
    maxPtesNone: number | null;
  };
  /** Counters since boot: /proc/net/netstat TcpExt and /proc/net/snmp Tcp, every one, in file order. */
  tcp: { ext: Record<string, number> | null; tcp: Record<string, number> | null };
  /** LISTEN (state 0A) rows of /proc/net/tcp and /proc/net/tcp6, sorted by family, port, address, inode. */
  listening: ListeningSocket[] | null;
  container: {
    dockerenv: boolean;
    containerenv: boolean;
    /** /run/systemd/container. */
    systemdContainer: string | null;
    /** container= in /proc/1/environ; null when unreadable or absent (see pid1EnvironReadable). */
    pid1Container: string | null;
    pid1EnvironReadable: boolean;
    /** Words of CGROUP_HINTS found in /proc/self/cgroup paths, sorted. */
    cgroupHints: string[];
    /** /var/run/secrets/kubernetes.io/serviceaccount exists or KUBERNETES_SERVICE_HOST is set. */
    kubernetes: boolean;
    /** Filesystem type of the / mount (overlay in most containers). */
    rootFsType: string | null;
    /** Best guess from the hints above: kubernetes, podman, docker, cri-o, containerd, lxc, or a container= value. */
    runtime: string | null;
    /** Container runtime programs installed (RUNTIME_PROGRAMS found), sorted. */
    runtimePrograms: string[];
    /**
     * Each runtime program's version, by name, for those with one (runtimes tells where each came
     * from). dockerd is the Docker engine, docker only its client: GR-SECCOMP-001 (clone3 under
     * Docker < 20.10.10) is about the engine.
     */
    runtimeVersions: Record<string, string>;
    /** The runtime programs found, in RUNTIME_PROGRAMS order, with role, version and its source. Nothing is run to read them. */
    runtimes: RuntimeProgram[];
  };
  /**
   * The shared objects the dynamic loader can find: what a binary's interpreter and NEEDED entries
   * resolve against. null when not collected.
   */
  libraries: {
    /** Loader search directories in order: /etc/ld.so.conf (and its includes) entries, then the multiarch and default dirs of libDirs(arch). */
    searchPaths: string[];
    /** Files named ld-*.so* (glibc loaders, ld-musl-*.so.1) in /lib, /lib64, /usr/lib, /usr/lib64 and the multiarch dirs, that exist (symlinks followed), sorted. */
    loaders: string[];
    /** Every file named *.so or *.so.* (symlinks followed, existing) directly in a searchPaths dir, sorted by path. */
    files: LibraryFile[];
  } | null;
  /** Only for collector "image": where the snapshot came from and what the image config says about the process. */
  image: ImageInfo | null;
  /** Only with --unit NAME: `systemctl show NAME -p ...`; properties null (and a note) when systemctl is missing or fails. */
  systemd: { unit: string; properties: Record<SystemdProperty, string | null> | null; note: string | null } | null;
}

export interface LibraryFile {
  /** The path in its search directory, as the loader would open it, e.g. /lib/x86_64-linux-gnu/libc.so.6. */
  path: string;
  /**
   * .gnu.version_d names (base entry left out), sorted, for the libraries whose versions Go
   * binaries need: glibc's (libc, libm, libpthread, libdl, librt, libresolv, libutil, libanl,
   * libnsl: lib<name>.so and lib<name>.so.*; loaders ld-linux*, ld64.so.*), libgcc_s and
   * libstdc++. null for other files, and when the file is not a readable ELF object or defines none.
   */
  versionDefs: string[] | null;
}

export interface ImageInfo {
  /** The tarball read. */
  file: string;
  format: ImageFormat;
  /** The image reference (RepoTags[0] or the org.opencontainers.image.ref.name annotation), null when untagged. */
  ref: string | null;
  /** Config: os, architecture (GOARCH names), variant. */
  os: string | null;
  architecture: string | null;
  variant: string | null;
  /** Config Env ("KEY=value"), User, Entrypoint, Cmd, WorkingDir. */
  env: string[];
  user: string | null;
  entrypoint: string[] | null;
  cmd: string[] | null;
  workingDir: string | null;
  /** Layer count and the media types seen (gzip, zstd, uncompressed). */
  layers: number;
}

export interface ListeningSocket {
  family: 'tcp' | 'tcp6';
  /** Dotted quad, or RFC 5952 text for IPv6 (no embedded IPv4 form). */
  address: string;
  port: number;
  /** rx_queue of the LISTEN row: the accept queue's current length. */
  rxQueue: number;
  uid: number;
  inode: number;
}
